"""The presenter's deck: an editable PowerPoint file made with python-pptx, no Quarto needed.

:func:`build_deck` turns a wave's results and its slide-size charts into a
``Presentation``: a title slide (with the synthetic-data marker), the key findings of
:func:`survey.kinds.findings.key_findings` split over as many slides as their text
needs, then one slide per chart whose title is the question's short label. Each
picture carries its alt text (``p:cNvPr/@descr``), each chart slide's speaker notes
hold the finding, the numbers and the footer (n, source, wave), and every slide says
when the data are synthetic. Titles use the organisation's colour (``survey.yml``).

:func:`layout_problems` checks a deck the way a reviewer would: every shape inside
the slide, every text estimated to fit its box (measured with DejaVu Sans, which is
wider than the fonts PowerPoint and LibreOffice use, so the estimate errs on the safe
side). :func:`deck_bytes` gives identical bytes on a rerun.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from functools import lru_cache
from pathlib import Path

from matplotlib.font_manager import FontProperties
from matplotlib.textpath import text_to_path
from PIL import Image
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.util import Emu, Pt

from survey import catalogue
from survey.artefacts.wording import (battery_name, cell_words, name_waves, project_texts, result_wave_names,
                                      wave_name, wave_names_of)
from survey.catalogue import fmt
from survey.errors import SurveyError
from survey.kinds import charts, style, words
from survey.kinds.drawing import title_of
from survey.kinds.findings import interpret
from survey.kinds.findings import key_findings as choose
from survey.kinds.table import data_table, header_label
from survey.model import Result
from survey.store import files

EMU_PER_INCH = 914400
SLIDE_WIDTH, SLIDE_HEIGHT = 13.333, 7.5  # inches: PowerPoint's widescreen 16:9
MARGIN = 0.5
TITLE_TOP, TITLE_HEIGHT = 0.35, 1.0
BODY_TOP = TITLE_TOP + TITLE_HEIGHT + 0.1
BANNER_HEIGHT = 0.4
BANNER_TOP = SLIDE_HEIGHT - BANNER_HEIGHT - 0.1
BODY_HEIGHT = BANNER_TOP - BODY_TOP - 0.1
TITLE_SIZES = (28, 24, 20)  # points: the first at which the title fits its box
BODY_SIZE, BODY_MIN_SIZE = 18, 14
BANNER_SIZE = 12
LINE_SPACING = 1.2
PARAGRAPH_SPACE = 8  # points after each finding
INSET = 0.1  # python-pptx text frames' default left/right inset (inches); top/bottom 0.05
BANNER_COLOR = "9A1C1C"  # 8.9:1 on white
FINDINGS_LIMIT = 8
NOT_ON_SLIDES = {"breakdown", "interview_quotes"}  # the report and workbook show breakdowns in full
SLIDE_MAX_CODES = 10  # a co-occurrence heatmap of more codes is unreadable at slide size: report and workbook only


# -- text measurement -------------------------------------------------------------------

@lru_cache(maxsize=4096)
def _width_pt(text: str, size: float, bold: bool = False) -> float:
    prop = FontProperties(family=style.FONT, size=size, weight="bold" if bold else "normal")
    width, _, _ = text_to_path.get_text_width_height_descent(text, prop, ismath=False)
    return width


def wrap_lines(text: str, size: float, width_in: float, bold: bool = False) -> int:
    """How many lines ``text`` takes at ``size`` points in a box ``width_in`` inches wide (greedy wrap)."""
    room = width_in * 72
    lines = 0
    for paragraph in str(text).split("\n"):
        words = paragraph.split()
        lines += 1
        used = 0.0
        space = _width_pt(" ", size, bold)
        for word in words:
            w = _width_pt(word, size, bold)
            if used and used + space + w > room:
                lines += 1
                used = w
            else:
                used += (space if used else 0) + w
            while used > room:  # one word wider than the box wraps by characters
                lines += 1
                used -= room
    return lines


def text_height(paragraphs: list[str], size: float, width_in: float, bold: bool = False,
                space_after: float = 0.0) -> float:
    """Inches the paragraphs need at ``size`` points in a box ``width_in`` wide, insets included."""
    inner = width_in - 2 * INSET
    points = sum(wrap_lines(p, size, inner, bold) * size * LINE_SPACING + space_after for p in paragraphs)
    return points / 72 + 0.1


# -- what goes on the slides --------------------------------------------------------------

def order_results(results, datasets: list[str] | None = None, instruments: dict | None = None) -> list:
    """Results in report order: by dataset (as declared), then question order (``instruments``), then kind.

    The same order whether the results come from a run or from ``results/*.json``.
    """
    datasets = list(datasets or [])
    instruments = instruments or {}
    rank = {"wave": 2, "triangulation": 3}
    within = {"likert_summary": 1, "interview_codes": 0, "interview_codes_by": 1, "interview_cooccurrence": 2}

    def key(pair):
        index, result = pair
        dataset = datasets.index(result.dataset) if result.dataset in datasets else len(datasets)
        return (rank.get(result.kind, 0), dataset if rank.get(result.kind, 0) < 3 else 0,
                _question_index(result, instruments), within.get(result.kind, 0), index)

    return [r for _, r in sorted(enumerate(results), key=lambda p: (key(p), p[1].id))]


def _question_index(result, instruments: dict) -> int:
    """The position of the result's (first) question in its instrument; 10 000 when it has none."""
    question = str(result.question).split(",")[0]
    instrument = instruments.get(result.dataset)
    ids = [q.id for q in instrument.questions] if instrument is not None else []
    return ids.index(question) if question in ids else 10_000


def on_slides(result) -> bool:
    """Whether a result gets a chart slide: charted, not a breakdown, comparable when a comparison."""
    if result.kind in NOT_ON_SLIDES or not charts.has_chart(result):
        return False
    if result.kind == "interview_cooccurrence" and _codes(result) > SLIDE_MAX_CODES:
        return False
    if result.kind == "wave":
        test = result.test or {}
        return bool(test.get("comparable", True)) and not result.table.empty
    return True


TITLE_CHARS = 60  # a slide title longer than this takes its kind's short form (": muutos", ": samaa mieltä")


def _codes(result) -> int:
    """How many codes a co-occurrence result crosses (its ``n["codes"]``, else the distinct codes of its table)."""
    n = (result.n or {}).get("codes")
    if isinstance(n, (int, float)) and n == n:
        return int(n)
    return len(set(result.table["code_a"])) if "code_a" in result.table.columns else 0


def short_label(result, lang: str, instruments: dict | None = None, texts: dict | None = None) -> str:
    """The result's short name: the question's short label, a battery's name, what a heatmap crosses, else its title."""
    if result.kind == "interview_cooccurrence" and str(result.question) in ("theme", "code"):
        return catalogue.text(f"deck_cooccurrence_{result.question}", lang)
    return (words.question_label(result, lang, instruments) or battery_name(result, lang, instruments, texts)
            or title_of(result, lang)).strip()


def short_title(result, lang: str, instruments: dict | None = None, wave_names: dict | None = None,
                texts: dict | None = None, short: bool | None = None) -> str:
    """The slide title: the short label; a comparison names both waves by their labels, a summary says what it shows.

    ``short``: True for the kind's short form (": change", ": agreeing"), False for the
    long one; None (default) takes the long one when it fits :data:`TITLE_CHARS`.
    :func:`build_deck` decides once per kind so that a deck's titles have one form.
    """
    title = short_label(result, lang, instruments, texts)
    if result.kind in ("wave", "likert_summary"):
        title = title.rstrip(" .?!:")  # a suffix follows after a colon
    if result.kind == "wave":
        test = result.test or {}
        long = catalogue.text("deck_title_waves", lang, title=title,
                              previous=wave_name(result, test.get("previous_wave"), lang, wave_names),
                              current=wave_name(result, test.get("wave") or result.wave, lang, wave_names))
        brief = catalogue.text("deck_title_waves_short", lang, title=title)
    elif result.kind == "likert_summary":  # the battery's own slide comes first under the same question
        long = catalogue.text("deck_title_summary", lang, title=title)
        brief = catalogue.text("deck_title_summary_short", lang, title=title)
    else:
        return title
    if short is None:
        short = len(long) > TITLE_CHARS
    return brief if short else long


def slide_titles(results, lang: str, **names) -> dict[str, str]:
    """Each on-slide result's title (id -> title), one form per kind: short for all when any long one is too long."""
    shown = [r for r in results if on_slides(r)]
    short = {kind: any(len(short_title(r, lang, short=False, **names)) > TITLE_CHARS for r in shown if r.kind == kind)
             for kind in ("wave", "likert_summary")}
    return {r.id: short_title(r, lang, short=short.get(r.kind), **names) for r in shown}


def key_findings(results, lang: str, limit: int = FINDINGS_LIMIT, wave_names: dict | None = None,
                 instruments: dict | None = None, texts: dict | None = None) -> list[str]:
    """The analysis' key findings in ``lang``, each once, led by the question's short label, waves named."""
    names = dict(wave_names or {})
    for result in results:
        names = result_wave_names(result, lang, names)
    seen, out = set(), []
    for result, _ in choose([r for r in results if r.kind != "interview_quotes"], lang, limit * 2):
        text = name_waves(_with_label(result, interpret(result, lang), lang, instruments, texts), names)
        if text and text not in seen:
            seen.add(text)
            out.append(text)
    return out[:limit]


def _with_label(result, text: str, lang: str, instruments: dict | None, texts: dict | None = None) -> str:
    """A finding lifted out of its chapter, led by its question's short label (not the question or instruction)."""
    if not text:
        return text
    label = short_label(result, lang, instruments, texts).rstrip(" .?!:")
    return text if not label or label in text else f"{label} – {text}"


def paginate(paragraphs: list[str], width_in: float, height_in: float, size: float = BODY_SIZE) -> list[list[str]]:
    """Split paragraphs over pages so that each page's text fits ``height_in`` at ``size`` points."""
    pages, current = [], []
    for paragraph in paragraphs:
        trial = current + [paragraph]
        if current and text_height(trial, size, width_in, space_after=PARAGRAPH_SPACE) > height_in:
            pages.append(current)
            current = [paragraph]
        else:
            current = trial
    if current:
        pages.append(current)
    return pages


def notes_text(result, lang: str, *, wave_label: str, synthetic: bool, source: str,
               instruments: dict | None = None, wave_names: dict | None = None) -> str:
    """Speaker notes: the finding, the numbers (the chart's data table) and the footer lines.

    Words only: waves by their labels, yes/no instead of booleans, a numeric question's
    row by its short label, and no placeholder cells.
    """
    names = result_wave_names(result, lang, wave_names)
    parts = []
    finding = interpret(result, lang)
    if finding:
        parts.append(finding)
    table = data_table(result, lang)
    # a whole-sample count (interviews_all) beside each group's row would read as that group's figure
    whole = {header_label(result, c, lang) for c in result.table.columns if str(c).endswith("_all")}
    if len(table):
        parts.append(catalogue.text("deck_notes_numbers", lang))
        for _, row in table.iterrows():
            cells = [cell_words(v, lang) for v in row.tolist()]
            head = cells[0]
            if head == str(result.question):  # a numeric question's one row is named by the question
                head = words.question_label(result, lang, instruments) or title_of(result, lang)
            rest = "; ".join(f"{c}: {v}" for c, v in zip(table.columns[1:], cells[1:]) if v and c not in whole)
            parts.append(f"{head} – {rest}" if rest else head)
    parts += words.footer_lines(result, lang, wave_label=wave_label, synthetic=synthetic, source=source,
                                 intervals={"ci_low", "ci_high"} <= set(result.table.columns))
    return "\n".join(name_waves(part, names) for part in parts)


# -- building the deck --------------------------------------------------------------------

def _emu(inches: float) -> int:
    return int(round(inches * EMU_PER_INCH))


def _rgb(color: str):
    return RGBColor.from_string(color.lstrip("#").upper())


def _fill(frame, paragraphs: list[str], size: float, lang: str, *, color: str | None = None, bold: bool = False,
          space_after: float = 0.0) -> None:
    """Put ``paragraphs`` into a text frame: no autofit, wrapped, one run each, tagged with the language."""
    frame.clear()
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    for i, text in enumerate(paragraphs):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        run = paragraph.add_run()
        run.text = text
        run.font.size = Pt(size)
        run.font.bold = bold
        if color:
            run.font.color.rgb = _rgb(color)
        run.font._rPr.set("lang", catalogue.lang_tag(lang))
        if space_after:
            paragraph.space_after = Pt(space_after)


def _place(shape, left: float, top: float, width: float, height: float) -> None:
    shape.left, shape.top, shape.width, shape.height = _emu(left), _emu(top), _emu(width), _emu(height)


def _title(slide, text: str, lang: str, theme: style.Theme) -> None:
    shape = slide.shapes.title
    width = SLIDE_WIDTH - 2 * MARGIN
    _place(shape, MARGIN, TITLE_TOP, width, TITLE_HEIGHT)
    size = next((s for s in TITLE_SIZES if text_height([text], s, width, bold=True) <= TITLE_HEIGHT),
                TITLE_SIZES[-1])
    _fill(shape.text_frame, [text], size, lang, color=theme.primary, bold=True)

    shape.text_frame.vertical_anchor = MSO_ANCHOR.MIDDLE
    shape.text_frame.paragraphs[0].alignment = PP_ALIGN.LEFT


def _banner(slide, text: str, lang: str) -> None:
    box = slide.shapes.add_textbox(_emu(MARGIN), _emu(BANNER_TOP), _emu(SLIDE_WIDTH - 2 * MARGIN),
                                   _emu(BANNER_HEIGHT))
    box.name = "survey-banner"
    _fill(box.text_frame, [text], BANNER_SIZE, lang, color=BANNER_COLOR, bold=True)


def _accent(slide, theme: style.Theme) -> None:
    bar = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, 0, 0, _emu(SLIDE_WIDTH), _emu(0.12))
    bar.name = "accent"
    bar.fill.solid()
    bar.fill.fore_color.rgb = _rgb(theme.primary)
    bar.line.fill.background()


def _clear_placeholders(slide) -> None:
    """Remove the layout's date/footer/number placeholders we do not fill (empty boxes confuse readers)."""
    for shape in list(slide.placeholders):
        if shape.placeholder_format.idx not in (0, 1):
            shape._element.getparent().remove(shape._element)


def figure_file(folder: Path, result_id: str, lang: str, first_lang: str) -> Path:
    """The slide PNG of ``result_id`` drawn in ``lang`` (``<id>.slide.png`` for the first language)."""
    suffix = "" if lang == first_lang else f".{lang}"
    return Path(folder) / f"{result_id}.slide{suffix}.png"


def slide_alt_text(folder: Path, result, lang: str, synthetic: bool) -> str:
    """The slide picture's alt text: its sidecar ``<id>.slide.alt.<lang>.txt``, else drawn from the data."""
    sidecar = Path(folder) / f"{result.id}.slide.alt.{lang}.txt"
    if sidecar.is_file():
        text = sidecar.read_text(encoding="utf-8").strip()
        if text:
            return text
    return charts.alt_text(result, lang, synthetic=synthetic, size="slide")


def build_deck(results, figures: Path, lang: str, *, first_lang: str | None = None, wave_label: str = "",
               synthetic: bool = False, organisation: str = "", theme: style.Theme | None = None,
               datasets: list[str] | None = None, sources: dict | None = None, instruments: dict | None = None,
               wave_names: dict | None = None, texts: dict | None = None, pictures: list | None = None):
    """The deck of one wave in ``lang`` as a python-pptx ``Presentation``.

    ``figures`` is the folder of the run's charts (``<id>.slide[.<lang>].png`` and their
    alt-text sidecars); ``first_lang`` the project's first language (its charts carry no
    language suffix); ``sources`` maps dataset -> its name in ``lang`` for the notes;
    ``instruments`` (dataset -> instrument) give the question order and short labels;
    ``wave_names`` (wave id -> label in ``lang``) name the waves where results do not;
    ``texts`` are the project's own texts (``reports/_texts.yml``: battery names);
    ``pictures``: a list to put the chart pictures in, added later by :func:`add_pictures`
    (the slides are built while the charts are still being drawn). Raises SurveyError
    when a chart of ``lang`` is missing.
    """
    theme = theme or style.Theme()
    first_lang = first_lang or lang
    sources = sources or {}
    ordered = order_results(results, datasets, instruments)
    prs = Presentation()
    prs.slide_width, prs.slide_height = Emu(_emu(SLIDE_WIDTH)), Emu(_emu(SLIDE_HEIGHT))
    marker = catalogue.text("synthetic", lang) if synthetic else ""
    width = SLIDE_WIDTH - 2 * MARGIN

    # title slide
    slide = prs.slides.add_slide(prs.slide_layouts[0])
    _clear_placeholders(slide)
    _accent(slide, theme)
    title = catalogue.text("deck_title", lang)
    shape = slide.shapes.title
    _place(shape, MARGIN, 2.0, width, 1.5)
    _fill(shape.text_frame, [title], 40, lang, color=theme.primary, bold=True)
    subtitle = slide.placeholders[1]
    _place(subtitle, MARGIN, 3.7, width, 2.0)
    lines = [line for line in (organisation, catalogue.text("footer_wave", lang, wave=wave_label) if wave_label
                               else "", marker) if line]
    _fill(subtitle.text_frame, lines, 24, lang)
    if marker:
        subtitle.text_frame.paragraphs[-1].runs[0].font.bold = True
        subtitle.text_frame.paragraphs[-1].runs[0].font.color.rgb = _rgb(BANNER_COLOR)
        _banner(slide, marker, lang)

    # key findings, as many slides as the text needs
    findings = ["\u2022 " + text  # measured as drawn, bullet included
                for text in key_findings(ordered, lang, wave_names=wave_names, instruments=instruments,
                                         texts=texts)]
    pages = paginate(findings, width, BODY_HEIGHT)
    heading = catalogue.text("deck_key_findings", lang)
    for k, page in enumerate(pages, 1):
        slide = prs.slides.add_slide(prs.slide_layouts[5])
        _clear_placeholders(slide)
        _accent(slide, theme)
        _title(slide, heading if len(pages) == 1 else catalogue.text("deck_continued", lang, title=heading, k=k,
                                                                 n=len(pages)), lang, theme)
        size = next((s for s in range(BODY_SIZE, BODY_MIN_SIZE - 1, -1)
                     if text_height(page, s, width, space_after=PARAGRAPH_SPACE) <= BODY_HEIGHT), BODY_MIN_SIZE)
        box = slide.shapes.add_textbox(_emu(MARGIN), _emu(BODY_TOP), _emu(width), _emu(BODY_HEIGHT))
        box.name = "findings"
        _fill(box.text_frame, page, size, lang, space_after=PARAGRAPH_SPACE)
        if marker:
            _banner(slide, marker, lang)

    # one chart per slide
    titles = slide_titles(ordered, lang, instruments=instruments, wave_names=wave_names, texts=texts)
    too_large = {r.dataset: _codes(r) for r in ordered if r.kind == "interview_cooccurrence" and not on_slides(r)}
    for result in ordered:
        if not on_slides(result):
            continue
        png = figure_file(figures, result.id, lang, first_lang)
        slide = prs.slides.add_slide(prs.slide_layouts[5])
        _clear_placeholders(slide)
        _accent(slide, theme)
        _title(slide, titles[result.id], lang, theme)
        picture = (slide, len(slide.shapes._spTree), png, figures, result, lang, synthetic)
        if pictures is None:
            add_pictures([picture])
        else:
            pictures.append(picture)
        notes = notes_text(result, lang, wave_label=wave_label, synthetic=synthetic,
                           source=sources.get(result.dataset, ""), instruments=instruments,
                           wave_names=wave_names)
        if result.kind == "interview_cooccurrence" and result.dataset in too_large:  # say where the rest is
            notes += "\n" + catalogue.text("deck_cooccurrence_more", lang,
                                           k=fmt.format_count(too_large[result.dataset], lang))
        _fill(slide.notes_slide.notes_text_frame, notes.split("\n"), 12, lang)
        if marker:
            _banner(slide, marker, lang)
    _core_properties(prs, title, lang)
    return prs


def add_pictures(pictures: list) -> None:
    """Put each chart picture of :func:`build_deck` on its slide, where the slide was built to hold it."""
    for slide, position, png, figures, result, lang, synthetic in pictures:
        if not png.is_file():
            raise SurveyError(f"the slide chart of '{result.id}' in '{lang}' is missing; rerun `survey run`",
                              file=str(png))
        _add_picture(slide, png, slide_alt_text(figures, result, lang, synthetic), result.id)
        tree = slide.shapes._spTree
        element = tree[-1]  # python-pptx appends the new picture: move it to its place in the reading order
        tree.remove(element)
        tree.insert(position, element)


def _add_picture(slide, png: Path, alt: str, name: str) -> None:
    """The chart centred in the body area at its own aspect ratio, with its alt text."""
    with Image.open(png) as image:
        w, h = image.size
    width, height = SLIDE_WIDTH - 2 * MARGIN, BODY_HEIGHT
    if w / h > width / height:
        height = width * h / w
    else:
        width = height * w / h
    left = (SLIDE_WIDTH - width) / 2
    picture = slide.shapes.add_picture(str(png), _emu(left), _emu(BODY_TOP), _emu(width), _emu(height))
    picture.name = name
    picture._element._nvXxPr.cNvPr.set("descr", alt)


def _core_properties(prs, title: str, lang: str) -> None:
    props = prs.core_properties
    props.title = title
    props.author = "survey"
    props.last_modified_by = "survey"
    props.language = catalogue.lang_tag(lang)
    props.revision = 1
    fixed = dt.datetime(2000, 1, 1)
    props.created = fixed
    props.modified = fixed
    props.last_printed = fixed


def deck_bytes(prs) -> bytes:
    """The deck's bytes, reproducibly (fixed zip times and document dates)."""
    buffer = io.BytesIO()
    prs.save(buffer)
    return files.normalise_zip(buffer.getvalue())


def deck_name(lang: str, first_lang: str) -> str:
    """``slides.pptx`` in the first language, ``slides.<lang>.pptx`` in the others (like tables.xlsx)."""
    return "slides.pptx" if lang == first_lang else f"slides.{lang}.pptx"


def write_deck(prs, path: Path) -> Path:
    """Write the deck atomically; return its path."""
    return files.write_bytes_atomic(Path(path), deck_bytes(prs))


# -- checks ---------------------------------------------------------------------------------

def layout_problems(prs) -> list[str]:
    """Shapes outside their slide, text estimated not to fit its box, pictures without alt text."""
    problems = []
    width, height = prs.slide_width, prs.slide_height
    for number, slide in enumerate(prs.slides, 1):
        for shape in slide.shapes:
            where = f"slide {number}, {shape.name}"
            if shape.left < 0 or shape.top < 0 or shape.left + shape.width > width or \
                    shape.top + shape.height > height:
                problems.append(f"{where}: outside the slide")
            if shape.shape_type is not None and shape.shape_type == 13:  # MSO_SHAPE_TYPE.PICTURE
                if not (shape._element._nvXxPr.cNvPr.get("descr") or "").strip():
                    problems.append(f"{where}: picture without alt text")
            if shape.has_text_frame and shape.text_frame.text.strip():
                need = _frame_height(shape.text_frame, shape.width / EMU_PER_INCH)
                if need > shape.height / EMU_PER_INCH + 1e-6:
                    problems.append(f"{where}: text needs {need:.2f} in, the box is "
                                    f"{shape.height / EMU_PER_INCH:.2f} in")
    return problems


def _frame_height(frame, width_in: float) -> float:
    points = 0.0
    for paragraph in frame.paragraphs:
        runs = paragraph.runs
        size = next((r.font.size.pt for r in runs if r.font.size is not None), 18.0)
        bold = any(r.font.bold for r in runs)
        after = paragraph.space_after.pt if paragraph.space_after is not None else 0.0
        lines = wrap_lines("".join(r.text for r in runs), size, width_in - 2 * INSET, bold)
        points += lines * size * LINE_SPACING + after
    return points / 72 + 0.1


def slide_texts(prs) -> list[str]:
    """Every text of the deck (slides and notes), for language checks."""
    out = []
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                out.append(shape.text_frame.text)
        if slide.has_notes_slide:
            out.append(slide.notes_slide.notes_text_frame.text)
    return out


def prepare_wave_decks(project, wave, results, folder: Path, *, figures: Path | None = None,
                       languages=None, theme=None) -> dict:
    """``{lang: (deck, pictures)}``: the deck of each language (default: the project's) built without its chart
    pictures, for :func:`finish_deck` once the charts are drawn. ``figures`` defaults to ``folder/figures``."""
    first = project.languages[0]
    theme = theme if theme is not None else style.project_theme(project)
    figures = Path(figures) if figures is not None else Path(folder) / "figures"
    datasets = list(wave.datasets)
    texts = project_texts(project)
    instruments = project.instruments()
    languages = list(languages or project.languages)
    for lang in languages:
        if lang not in project.languages:
            raise SurveyError(f"no charts were drawn in '{lang}': add it to `languages:` in survey.yml and rerun "
                              f"`survey run` (drawn: {', '.join(project.languages)})",
                              file=str(project.paths.config_file))
    prepared = {}
    for lang in languages:
        sources = {d: project.dataset_title(d, lang) for d in {r.dataset for r in results}}
        pictures: list = []
        prs = build_deck(results, figures, lang, first_lang=first, wave_label=wave.label_in(lang),
                         synthetic=wave.synthetic, organisation=project.organisation, theme=theme,
                         datasets=datasets, sources=sources, instruments=instruments,
                         wave_names=wave_names_of(project.waves, lang), texts=texts, pictures=pictures)
        prepared[lang] = (prs, pictures)
    return prepared


def finish_deck(project, prepared: dict, lang: str, folder: Path) -> Path:
    """Add the chart pictures to the deck of ``lang`` (:func:`prepare_wave_decks`) and write it into ``folder``."""
    prs, pictures = prepared[lang]
    add_pictures(pictures)
    return write_deck(prs, Path(folder) / deck_name(lang, project.languages[0]))


def write_wave_decks(project, wave, results, folder: Path, *, figures: Path | None = None,
                     languages=None, theme=None) -> list[Path]:
    """Write the deck of each language (default: the project's) into ``folder``; return the paths.

    ``figures`` defaults to ``folder/figures`` (the run's charts and alt texts).
    """
    prepared = prepare_wave_decks(project, wave, results, folder, figures=figures, languages=languages, theme=theme)
    return [finish_deck(project, prepared, lang, folder) for lang in prepared]


def write_slides(project, wave_id: str | None = None, lang: str | None = None) -> list[Path]:
    """``survey slides``: the decks of a wave from what ``survey run`` saved (results and charts)."""
    wave = project.wave(wave_id)
    folder = project.paths.results(wave.id)
    results = [Result.from_dict(json.loads(file.read_text(encoding="utf-8")))
               for file in sorted(folder.glob("*.json"))] if folder.is_dir() else []
    if not results:
        raise SurveyError(f"no results for wave '{wave.id}' in {folder}; run `survey run --wave {wave.id}` first")
    return write_wave_decks(project, wave, results, project.paths.output(wave.id),
                            figures=project.paths.figures(wave.id), languages=[lang] if lang else None)
