"""The markdown the report and slide documents print, one block at a time.

:class:`WaveReport` is :class:`survey.report.data.WaveData` with the document's blocks:
headings, findings, figures (``#fig-<id>`` with their alt text) and tables (``#tbl-<id>``),
and the chapters of the report and the slides. Every block is printed with a blank line
before and after it (pandoc otherwise reads a paragraph, an image and a table as one
paragraph). Each result shown gets exactly one Figure or Table block; its caption carries
the question text and its heading (if any) the question's short label.

Typical use in a chapter of the project's own (``reports/<name>.qmd``)::
    The network named `{python} W.pct("network-grants", "operating")` of grants ...
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

from survey import catalogue
from survey.catalogue import fmt
from survey.errors import ConfigError
from survey.model import GROUP_COMPARISONS, Result, ResultKind
from survey.project.config import load_project
from survey.report.data import (WaveData, _read_json, banner_text, chapter_texts, dataset_kind, is_comparable,
                                load_texts, read_results)

MAX_FIGURE_HEIGHT = 0.72
TEXT_ASPECT = 253 / 166  # A4 text height / width with the report's margins (mm)
_CURRENT: "WaveReport | None" = None



# --------------------------------------------------------------------------- markdown pieces
class Markdown:
    """Markdown text that Quarto renders as markdown (``text/markdown`` display data)."""

    def __init__(self, text: str):
        self.text = text

    def _repr_markdown_(self) -> str:
        return self.text

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:  # plain-text fallback (also what nbclient tests see)
        return self.text


def _attr(text: str) -> str:
    """Text made safe inside a double-quoted pandoc attribute."""
    return " ".join(str(text).replace('"', "\u201d").replace("\\", "/").split())


def _inline(text: str) -> str:
    """Text made safe as inline markdown (a caption, a table cell, a heading)."""
    text = " ".join(str(text).split())
    return re.sub(r"([\\`*_\[\]<>|#$@])", r"\\\1", text)


@dataclass(frozen=True)
class Figure:
    """A saved chart shown as a markdown figure with its alt text (``fig-alt``)."""

    path: Path
    rel: str
    alt: str
    caption: str
    label: str = ""
    width: str = ""

    def markdown(self) -> str:
        attrs = [f"#{self.label}"] if self.label else []
        attrs.append(f'fig-alt="{_attr(self.alt)}"')
        if self.width:
            attrs.append(f'width="{self.width}"')
        return f"![{_inline(self.caption)}]({self.rel}){{{' '.join(attrs)}}}"

    def _repr_markdown_(self) -> str:
        return "\n\n" + self.markdown() + "\n\n"

    def __str__(self) -> str:
        return self.markdown()

    def __repr__(self) -> str:
        return self.markdown()


def _emit(text) -> None:
    """Print one markdown block for a cell with ``output: asis``, blank lines around it."""
    text = str(text).strip("\n")
    if text.strip():
        print("\n" + text + "\n")


def markdown_table(head: list[str], rows: list[list], widths: list[int] | None = None,
                   caption: str = "", label: str = "", align: list[str] | None = None) -> str:
    """A pipe table whose column widths follow ``widths`` (relative), with a caption and id.

    The separator line is made longer than pandoc's 72 columns so that pandoc wraps
    cells and uses the dashes' proportions as column widths (text fits the page).
    """
    n = len(head)
    widths = widths or [1] * n
    align = align or (["l"] + ["r"] * (n - 1))
    total = sum(widths)
    dashes = [max(3, round(80 * w / total)) for w in widths]

    def cell(value) -> str:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return ""
        return _inline(value)

    marks = {"l": (":", ""), "r": ("", ":"), "c": (":", ":")}
    rule = "|" + "|".join(marks[a][0] + "-" * d + marks[a][1] for d, a in zip(dashes, align)) + "|"
    lines = ["| " + " | ".join(cell(h) for h in head) + " |", rule]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    text = "\n".join(lines)
    if caption:
        text += f"\n\n: {_inline(caption)}" + (f" {{#{label}}}" if label else "")
    return text


@dataclass
class WaveReport(WaveData):
    """A wave's results as the report's and the slides' markdown blocks (see the module docstring)."""

    _headings: set = field(default_factory=set, repr=False)

    def heading_of(self, result: Result) -> str:
        """The heading above a result: its title, with the chapter's name if another heading has it."""
        heading = self.title(result)
        if heading in self._headings:
            texts = load_texts(self.lang, self.paths)
            heading = self.t("heading_in", title=heading,
                             chapter=chapter_texts(self.project, result.dataset, self.lang, texts)[0])
        return heading

    def figure(self, result_id: str, size: str = "report", label: bool = True,
               caption: str | None = None) -> "Figure | Markdown":
        """The saved chart of ``result_id`` as a figure with its alt text (``Markdown('')`` if none)."""
        return figure(result_id, size, results=self, label=label, caption=caption)

    # ---- blocks
    def heading(self, key: str, level: int = 1, anchor: str = "", **values) -> Markdown:
        """A heading from the texts, with an id for cross-references."""
        return Markdown(self._heading(self.t(key, **values), level, anchor))

    def _heading(self, text: str, level: int, anchor: str = "") -> str:
        self._headings.add(text)
        ident = f" {{#{anchor}}}" if anchor else ""
        return f"{'#' * level} {_inline(text)}{ident}"

    def say(self, key: str, **values) -> Markdown:
        """One paragraph of report text."""
        return Markdown(self.t(key, **values))

    def banner(self) -> Markdown:
        """The synthetic-data marking as a plain styled block ('' for a real wave)."""
        if not self.synthetic:
            return Markdown("")
        return Markdown(f"::: {{.survey-synthetic}}\n**{_inline(banner_text(self.lang, self.paths))}**\n:::")

    def _chapter(self, title: str, anchor: str) -> None:
        _emit(self._heading(title, 1, anchor))
        if self.synthetic:  # each chapter of the web page says it too (PDF and Word: every page header)
            _emit("::: {.content-visible when-format=\"html\"}\n" + str(self.banner()) + "\n:::")

    def block(self, result: Result, level: int = 2, anchor: bool = True) -> None:
        """Heading (short label), finding and the figure (or table) of one result."""
        heading = self.heading_of(result)
        if heading not in self._headings:
            _emit(self._heading(heading, level, f"sec-{result.id}" if anchor else ""))
        finding = self.finding(result)
        if finding:
            _emit(_inline_text(finding))
        if result.kind == ResultKind.INTERVIEW_QUOTES:
            _emit(self.quotes_table(result))
        else:
            _emit(self.figure(result.id, "report"))

    def quotes_table(self, result: Result) -> str:
        rows = []
        for row in result.table.to_dict(orient="records"):
            who = row.get(f"attribution_{self.lang}") or row.get("attribution_fi") or ""
            rows.append([row.get("text", ""), who])
        return markdown_table([self.t("col_quote"), self.t("col_interviewee")], rows, widths=[3, 1],
                              caption=self.caption(result), label=f"tbl-{result.id}", align=["l", "l"])

    def reference(self, result: Result) -> str:
        """The cross-reference to a shown result (its figure, table or section)."""
        if result.kind == ResultKind.INTERVIEW_QUOTES:
            return f"@tbl-{result.id}"
        if self.figure_path(result.id):
            return f"@fig-{result.id}"
        return f"@sec-{result.id}"

    # ---- the report's chapters
    def show_front(self) -> None:
        """The synthetic-data marking, the PDF's page header and contents, the wave line."""
        if self.synthetic:
            text = banner_text(self.lang, self.paths).replace("\\", "").replace('"', "'")
            _emit("```{=typst}\n#set page(header: align(center, text(size: 9pt, fill: rgb(\"#9a1c1c\"), "
                  f"weight: \"bold\")[{_typst(text)}]))\n```")
            _emit(self.banner())
        _emit("```{=typst}\n" + f"#outline(title: [{_typst(self.t('contents'))}], depth: 2)\n```")
        lines = [self.t("wave_line", wave=self.label)]
        if self.compare:
            lines.append(self.t("compare_line", wave=self.compare.label))
        _emit(" ".join(lines))

    def show_summary(self, limit: int = 8) -> None:
        """Key findings, each pointing at the figure that is its evidence."""
        self._chapter(self.t("ch_summary"), "sec-summary")
        _emit(self.t("summary_intro"))
        items = self.key_findings(limit)
        if not items:
            _emit(self.t("summary_empty"))
            return
        _emit("\n".join(f"{i}. {_inline_text(text)} ({self.reference(result)})"
                        for i, (result, text) in enumerate(items, 1)))

    def show_plan(self) -> None:
        """The development plan: per theme, what each dataset says and the needs it supports.

        Left out when no shown result has a theme (a project that declares none).
        """
        themes = self.themes()
        if not themes:
            return
        self._chapter(self.t("ch_plan"), "sec-plan")
        _emit(self.t("intro_plan"))
        for result in self.triangulation():
            if self.figure_path(result.id):
                finding = self.finding(result)
                if finding:
                    _emit(_inline_text(finding))
                _emit(self.figure(result.id))
        texts = load_texts(self.lang, self.paths)
        for theme in themes:
            found = [r for r in self.body_results() if self.theme_of(r) == theme]
            rows = self.triangulation_rows(theme)
            if not found and not rows:
                continue
            _emit(self._heading(self.theme_title(theme), 2, f"sec-theme-{theme}"))
            if rows:
                _emit(self.t("triangulation_lead", rows="; ".join(rows)))
            if found:
                _emit("\n".join(f"- **{_inline(self.title(r))}** "
                                f"(*{_inline(chapter_texts(self.project, r.dataset, self.lang, texts)[0])}*): "
                                f"{_inline_text(self.finding(r))} ({self.reference(r)})" for r in found))
            if self.has_text(f"need_{theme}"):
                _emit(f"**{_inline(self.t('needs_heading'))}:** {self.t('need_' + theme)}")

    def show_datasets(self) -> None:
        """One chapter per dataset of the wave, in the project's order."""
        for dataset in self.datasets():
            self.show_dataset(dataset)

    def show_dataset(self, dataset: str) -> None:
        """A dataset's chapter: intro, respondents, then each shown result (figure or table)."""
        texts = load_texts(self.lang, self.paths)
        title, intro = chapter_texts(self.project, dataset, self.lang, texts)
        self._chapter(title, f"sec-{dataset}")
        if intro:
            _emit(intro)
        results = self.of(dataset)
        if not results:
            _emit(self.t("dataset_absent", wave=self.label))
            return
        shown = [r for r in results if self.shown(r)]
        count = self.respondents(dataset)
        kind = dataset_kind(self.project, dataset, results)
        if count is not None:
            _emit(self.t("lead_interviews" if kind == "interviews" else "lead_survey",
                         respondents=fmt.format_count_words(count, self.lang)))
        for result in shown:
            if result.kind not in GROUP_COMPARISONS:
                self.block(result)
        clear = [r for r in shown if r.kind in GROUP_COMPARISONS]
        tested = [r for r in results if r.kind in GROUP_COMPARISONS]
        if tested:
            _emit(self.t("groups_clear" if clear else "groups_none", tested=fmt.format_count_words(len(tested), self.lang),
                         ref=""))
            for result in clear:
                self.block(result, level=3)
        quotes = [r for r in results if r.kind == ResultKind.INTERVIEW_QUOTES]
        if kind == "interviews" and quotes and not any(len(r.table) for r in quotes):
            _emit(self.t("quotes_none"))

    def show_changes(self) -> None:
        """Clear changes since the comparison wave as figures; every comparison in the appendix."""
        comparisons = self.comparisons()
        if not self.compare and not comparisons:
            return
        self._chapter(self.t("ch_changes", wave=self.compare.label if self.compare else ""), "sec-changes")
        _emit(self.t("changes_intro", wave=self.compare.label if self.compare else ""))
        if not comparisons:
            _emit(self.t("changes_none"))
            return
        clear = [r for r in comparisons if self.change_is_shown(r)]
        comparable = [r for r in comparisons if is_comparable(r) and len(r.table)]
        _emit(self.t("changes_clear" if clear else "changes_no_clear",
                     compared=fmt.format_count_words(len(comparable), self.lang),
                     ref=""))
        texts = load_texts(self.lang, self.paths)
        for dataset in self.datasets():
            mine = [r for r in clear if r.dataset == dataset]
            if not mine:
                continue
            title = chapter_texts(self.project, dataset, self.lang, texts)[0]
            _emit(self._heading(self.t("changes_in", chapter=title), 2, f"sec-changes-{dataset}"))
            for result in mine:
                finding, title = self.finding(result), self.title(result)
                _emit(_inline_text(finding) if title in finding else f"**{_inline(title)}**: {_inline_text(finding)}")
                _emit(self.figure(result.id))
        blocked = [r for r in comparisons if not is_comparable(r)]
        if blocked:
            _emit(self._heading(self.t("not_comparable_heading"), 2, "sec-not-comparable"))
            _emit("\n".join(f"- {_inline(self.title(r))} ({_inline_text(_lower_first(self.finding(r)).rstrip('.'))})"
                            for r in blocked))

    # ---- methods and data quality
    def show_methods(self) -> None:
        self._chapter(self.t("ch_methods"), "sec-methods")
        _emit(self._heading(self.t("responses_heading"), 2, "sec-responses"))
        _emit(self.responses_table())
        _emit(self.t("rate_note"))
        _emit(self._heading(self.t("validation_heading"), 2, "sec-validation"))
        _emit(self.validation_text())
        _emit(self._heading(self.t("disclosure_heading"), 2, "sec-disclosure"))
        _emit(self.disclosure_text())
        _emit(self._heading(self.t("stats_heading"), 2, "sec-statistics"))
        text = self.methods_text()
        if text:
            _emit(text)
        _emit(self.t("tables_note"))

    def responses_table(self) -> str:
        rows, texts = [], load_texts(self.lang, self.paths)
        population = getattr(self.wave, "population", None) or {}
        with_population = any(population.get(d) for d in self.datasets())
        for dataset in self.datasets():
            count = self.respondents(dataset)
            row = [chapter_texts(self.project, dataset, self.lang, texts)[0],
                   fmt.format_count(count, self.lang) if count is not None else self.t("not_recorded")]
            if with_population:
                total = population.get(dataset)
                row += [fmt.format_count(total, self.lang) if total else self.t("not_recorded"),
                        fmt.format_percent(count / total, self.lang, 0) if total and count is not None
                        else self.t("not_recorded")]
            rows.append(row)
        head = [self.t("col_dataset"), self.t("col_respondents")]
        if with_population:
            head += [self.t("col_population"), self.t("col_rate")]
        return markdown_table(head, rows, widths=[4] + [1] * (len(head) - 1),
                              caption=self.t("responses_table"), label="tbl-responses")

    # ---- appendix
    def show_appendix(self) -> None:
        """Per dataset: its group comparisons and its wave comparisons in a table each; missing answers."""
        texts = load_texts(self.lang, self.paths)
        tables = []
        for dataset in self.datasets():
            name = chapter_texts(self.project, dataset, self.lang, texts)[0]
            breakdowns = [r for r in self.of(dataset) if r.kind in GROUP_COMPARISONS]
            if breakdowns:
                rows = [[self.title(r), self.group_verdict(r)] for r in breakdowns]
                tables.append(markdown_table([self.t("col_question"), self.t("col_clear_difference")], rows,
                                             widths=[4, 1],
                                             caption=self.t("groups_table", chapter=name),
                                             label=f"tbl-groups-{dataset}", align=["l", "c"]))
        for dataset in self.datasets():
            name = chapter_texts(self.project, dataset, self.lang, texts)[0]
            comparable = [r for r in self.comparisons() if r.dataset == dataset and is_comparable(r) and len(r.table)]
            if comparable and self.compare:
                head = [self.t("col_question"), self.t("col_option"), self.compare.label, self.label,
                        self.t("col_change"), self.t("col_clear_change")]
                tables.append(markdown_table(head, [self.change_row(r) for r in comparable],
                                             widths=[3, 3, 1.6, 1.6, 1.3, 1.3], caption=self.t("changes_table", chapter=name),
                                             label=f"tbl-changes-{dataset}", align=["l", "l", "r", "r", "r", "c"]))
        missing = self.missing_rows()
        if missing:
            tables.append(markdown_table([self.t("col_question"), self.t("col_respondents"), self.t("col_missing")],
                                         missing, widths=[4, 1, 1], caption=self.t("missing_table"),
                                         label="tbl-missing"))
        if not tables:
            return
        _emit(self._heading(self.t("ch_appendix"), 1, "sec-appendix"))
        _emit(self.t("appendix_intro"))
        for table in tables:
            _emit(table)

    # ---- slides
    def show_slides(self, per_slide: int = 2, limit: int = 6) -> None:
        """Key findings (as many per slide as fit, see :func:`pack_findings`), then one chart per
        slide titled with the short label."""
        findings = self.key_findings(limit)
        pages = pack_findings(findings, most=per_slide)
        for number, page in enumerate(pages, 1):
            title = self.t("slide_key_findings")
            if len(pages) > 1:
                title = self.t("slide_key_findings_part", title=title, part=fmt.format_count(number, self.lang),
                               parts=fmt.format_count(len(pages), self.lang))
            _emit(f"## {_inline(title)} {{.smaller}}")
            _emit("\n".join(f"- {_inline_text(text)}" for _, text in page))
        texts = load_texts(self.lang, self.paths)
        for dataset in self.datasets():
            charts = [r for r in self.of(dataset) if self.shown(r) and self.figure_path(r.id, "slide")
                      and not r.kind == ResultKind.INTERVIEW_QUOTES]
            if not charts:
                continue
            _emit(f"# {_inline(chapter_texts(self.project, dataset, self.lang, texts)[0])}")
            for result in charts:
                self._slide(result)
        changes = [r for r in self.comparisons() if self.change_is_shown(r) and self.figure_path(r.id, "slide")]
        if changes:
            _emit(f"# {_inline(self.t('ch_changes', wave=self.compare.label if self.compare else ''))}")
            for result in changes:
                self._slide(result)

    def slide_title(self, result: Result) -> str:
        """A slide's title: the result's short name (with the grouping)."""
        return self.title(result)

    def _slide(self, result: Result) -> None:
        _emit(f"## {_inline(self.slide_title(result))}")
        _emit(self.figure(result.id, "slide", label=False))
        finding = self.finding(result)
        if finding:
            _emit(f"::: {{.notes}}\n{_inline_text(finding)}\n:::")


# --------------------------------------------------------------------------- helpers
SLIDE_TEXT = 420  # characters of findings one slide holds (pandoc's pptx body has no autofit)


def pack_findings(findings: list, most: int = 2, budget: int = SLIDE_TEXT) -> list[list]:
    """Findings ``(result, text)`` in order, split into slides by length, not by count.

    A slide takes the next finding while its text stays within ``budget`` characters
    and it has fewer than ``most`` findings; a longer finding has a slide of its own
    (PowerPoint does not shrink text to fit, and revealjs' ``.smaller`` does not reach it).
    """
    pages: list[list] = []
    used = 0
    for item in findings:
        size = len(" ".join(str(item[1]).split()))
        if pages and len(pages[-1]) < most and used + size <= budget:
            pages[-1].append(item)
            used += size
        else:
            pages.append([item])
            used = size
    return pages


def _typst(text: str) -> str:
    """Text made safe inside a Typst content block ``[...]``."""
    return re.sub(r"([\\\[\]#*_`$<>@])", r"\\\1", str(text))


def _inline_text(text: str) -> str:
    """A finding sentence as one markdown paragraph (no line that starts a list, table or heading)."""
    text = " ".join(str(text).split())
    return re.sub(r"([\\`*_\[\]<>|#$@])", r"\\\1", text)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def load_wave_results(wave: str | None = None, compare: str | None = "auto", lang: str = "fi",
                      root: Path | str | None = None, figures: Path | str | None = None) -> "WaveReport":
    """Read what ``survey run`` wrote for ``wave`` (and the comparison wave).

    ``compare``: a wave id, ``"auto"``/``None`` for the wave's ``compare_to`` in
    ``survey.yml`` (used when its results exist), or ``"none"``/``""`` for no comparison.
    ``figures``: the staged figure folder (see :class:`~survey.report.data.WaveData`). The loaded object
    also becomes the default of :func:`figure`.
    """
    global _CURRENT
    project = load_project(Path(root) if root else None)
    if lang not in catalogue.LANGUAGES:
        raise ConfigError(f"unknown report language '{lang}' (use {', '.join(catalogue.LANGUAGES)})")
    wave_obj = project.wave(wave or None)
    paths = project.paths
    results = read_results(paths, wave_obj.id)
    compare_id = wave_obj.compare_to if compare in (None, "auto") else (compare or None)
    if compare_id in ("none", "None", ""):
        compare_id = None
    other = None
    if compare_id:
        other_wave = project.wave(compare_id)
        other_results = read_results(paths, other_wave.id)
        if other_results:
            other = WaveData(project=project, wave=other_wave, lang=lang, results=other_results)
    validation = _read_json(paths.processed(wave_obj.id) / "validation.json")
    loaded = WaveReport(project=project, wave=wave_obj, lang=lang, results=results, compare=other,
                        validation=validation, figures=Path(figures) if figures else None)
    _CURRENT = loaded
    return loaded


def figure_width(path: Path) -> str:
    """``width`` of a figure at the text width, narrower when it would be taller than the page allows."""
    try:
        with Image.open(path) as image:
            w, h = image.size
    except Exception:  # an unreadable size: the text width
        return "100%"
    share = MAX_FIGURE_HEIGHT * TEXT_ASPECT / (h / w) if w and h else 1.0
    return "100%" if share >= 1 else f"{max(40, int(share * 100))}%"


def figure(result_id: str, size: str = "report", results: "WaveReport | None" = None,
           label: bool = True, caption: str | None = None) -> Figure | Markdown:
    """The saved ``<result_id>.<size>.png`` as a markdown figure carrying its alt text.

    ``size`` is ``"report"`` (A4 text width) or ``"slide"`` (16:9). The alt text is the
    chart function's own, read from the sidecar ``<id>.alt.<lang>.txt``. With
    ``label`` the figure gets the cross-reference id ``fig-<result_id>``; its caption
    is the question text.
    """
    loaded = results or _CURRENT
    if loaded is None:
        raise ConfigError("load a wave first: load_wave_results(wave)")
    if size not in ("report", "slide"):
        raise ConfigError(f"unknown figure size '{size}' (use report or slide)")
    result = loaded.result(result_id)
    png = loaded.figure_path(result_id, size)
    if png is None:  # kinds without a chart (e.g. quotes) are shown as tables only
        return Markdown("")
    alt = loaded.name_waves(loaded.alt_text(result_id, size))
    if not alt:
        raise ConfigError(f"figure '{result_id}' has no alt text in {loaded.lang}; rerun `survey run`")
    if loaded.figures is not None:
        rel = f"{Path(loaded.figures).name}/{png.name}"
    else:
        rel = png.resolve().as_posix()
    return Figure(path=png, rel=rel, alt=alt, caption=caption or loaded.caption(result),
                  label=f"fig-{result_id}" if label else "", width=figure_width(png) if size == "report" else "")
