"""Helpers the report and slide documents call: read results, show them, format numbers.

The documents (``survey/templates/report.qmd`` and ``slides.qmd``, the same for every
project) compute nothing. Their code cells call these helpers, which only *read* what
``survey run`` wrote (results JSON, the saved figures and their alt-text sidecars,
``validation.json``) and hand it to the functions that own each job: wording of
findings from ``survey.analysis.interpret``, labels from ``survey.labels``, numbers
from ``survey.fmt``.

Chapters follow the project: one per dataset the wave has, in survey.yml's order
(:func:`dataset_order`), titled and introduced from the instrument's ``chapter:`` keys
or the project's texts (:func:`chapter_texts`). Report prose that is not a finding
lives in the package's ``templates/texts.yml`` (fi, sv, en); a project's own
``reports/_texts.yml`` overrides it key by key.

Every block is printed with a blank line before and after it (pandoc otherwise reads a
paragraph, an image and a table as one paragraph). Each result shown gets exactly one
Figure (``#fig-<id>``) or Table (``#tbl-<id>``) block; its caption carries the question
text and its heading (if any) the question's short label.

Typical use in a chapter of the project's own (``reports/<name>.qmd``)::

    The network named `{python} W.pct("network-grants", "operating")` of grants ...
"""

from __future__ import annotations

import dataclasses
import decimal
import json
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from survey import fmt
from survey.analysis.disclosure import DisclosureRule, promise_text
from survey.analysis.interpret import methods_text
from survey.config import Paths, Project, load_project
from survey.errors import ConfigError
from survey.model import Result

TEMPLATES = Path(__file__).resolve().parent / "templates"
PACKAGE_TEXTS = TEMPLATES / "texts.yml"
CONFIDENCE = 0.95  # the level of every interval the analysis reports

# result kinds shown in a dataset chapter; the others are in tables.xlsx (or, for
# breakdowns and wave comparisons, in the body only when the difference is clear)
CHAPTER_KINDS = ("single", "multi", "likert", "numeric", "interview_codes", "interview_cooccurrence",
                 "interview_quotes")
# the largest share of the text height a figure may take (taller ones are drawn narrower)
MAX_FIGURE_HEIGHT = 0.72
TEXT_ASPECT = 253 / 166  # A4 text height / width with the report's margins (mm)
_CURRENT: "WaveResults | None" = None


# --------------------------------------------------------------------------- texts
@lru_cache(maxsize=16)
def _read_texts(file: str, stamp: float) -> dict:
    with open(file, encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


def load_texts(lang: str = "fi", paths: Paths | None = None) -> dict:
    """Every report text in ``lang`` (Finnish where ``lang`` lacks one): key -> template.

    The project's ``reports/_texts.yml`` (a municipality's own wording) overrides the
    package's texts key by key.
    """
    raw = {}
    files = [PACKAGE_TEXTS] + ([paths.reports / "_texts.yml"] if paths else [])
    for file in files:
        if file.is_file():
            raw.update(_read_texts(str(file), file.stat().st_mtime))
    return {key: (value.get(lang) or value.get("fi") or "") if isinstance(value, dict) else str(value)
            for key, value in raw.items()}


def banner_text(lang: str = "fi", paths: Paths | None = None) -> str:
    """The synthetic-data marking: the labels' 'synthetic demo data' words and why it matters."""
    from survey import labels
    return f"{labels.text('synthetic', lang)}: {load_texts(lang, paths)['banner_detail']}"


# --------------------------------------------------------------------------- the project's datasets
def dataset_order(project: Project, wave) -> list[str]:
    """The wave's datasets in the order the project declares them (the report's chapter order).

    ``project.datasets`` (the top-level ``datasets:`` list) gives the order when the
    project has one; otherwise the order of the wave's own ``datasets:`` in survey.yml.
    """
    declared = list(getattr(project, "datasets", None) or ())
    in_wave = list(getattr(wave, "datasets", None) or ())
    if not declared:
        return in_wave
    return [d for d in declared if d in in_wave] + [d for d in in_wave if d not in declared]


_INSTRUMENTS: dict = {}


def instrument_of(project: Project, dataset: str):
    """The dataset's instrument (the project's own when it declares one), or ``None``.

    Read once per project and dataset (a document asks for it for every result).
    """
    key = (str(getattr(getattr(project, "paths", None), "root", "")), getattr(project, "digest", ""), dataset)
    if key in _INSTRUMENTS:
        return _INSTRUMENTS[key]
    getter = getattr(project, "instrument", None)
    try:
        if callable(getter):
            found = getter(dataset)
        else:
            from survey.instruments import load_instrument
            found = load_instrument(dataset)
    except Exception:  # a dataset without an instrument only loses titles and order
        found = None
    if key[0]:
        _INSTRUMENTS[key] = found
    return found


def dataset_kind(project: Project, dataset: str, results: list[Result] = ()) -> str:
    """``survey`` or ``interviews``: the declared kind, else what the dataset's results are."""
    decl = (getattr(project, "datasets", None) or {}).get(dataset) if hasattr(project, "datasets") else None
    kind = getattr(decl, "kind", None)
    if kind:
        return str(kind)
    return "interviews" if any(r.kind.startswith("interview") for r in results) else "survey"


def _extra(obj, key: str):
    value = getattr(obj, key, None)
    if value is None:
        value = (getattr(obj, "extra", None) or {}).get(key)
    return value


def chapter_texts(project: Project, dataset: str, lang: str, texts: dict) -> tuple[str, str]:
    """(title, intro) of a dataset's chapter.

    In order: the instrument's ``chapter: {title: {fi: ...}, intro: {fi: ...}}``, the
    project's texts ``ch_<dataset>`` / ``intro_<dataset>``, the instrument's ``title``,
    the dataset id.
    """
    from survey import labels
    instrument = instrument_of(project, dataset)
    chapter = _extra(instrument, "chapter") or {} if instrument is not None else {}
    if hasattr(chapter, "model_dump"):
        chapter = chapter.model_dump()
    title = (labels.pick(chapter.get("title"), lang) or texts.get(f"ch_{dataset}")
             or labels.pick(getattr(instrument, "title", None), lang) or dataset)
    intro = labels.pick(chapter.get("intro"), lang) or texts.get(f"intro_{dataset}", "")
    return title.strip(), intro.strip()


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


def _whole_percent(x) -> int | None:
    """A share as the whole percentage the report shows (half away from zero, as survey.fmt)."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return None
    with decimal.localcontext(rounding=decimal.ROUND_HALF_UP) as ctx:
        ctx.rounding = decimal.ROUND_HALF_UP
        return int((decimal.Decimal(repr(float(x))) * 100).quantize(decimal.Decimal(1)))


def first_sentence(text: str) -> str:
    """A question without the questionnaire's instruction after it ("…? Valitse kaikki sopivat.")."""
    text = " ".join(str(text).split())
    match = re.match(r"^(.+?\?)\s+\S", text)
    return match.group(1) if match else text


# --------------------------------------------------------------------------- loading
def _read_json(path: Path) -> dict | None:
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def read_results(paths: Paths, wave: str) -> dict[str, Result]:
    """Every result the pipeline saved for ``wave``, by id (empty when none)."""
    folder = paths.results(wave)
    if not folder.is_dir():
        return {}
    return {file.stem: Result.from_dict(json.loads(file.read_text(encoding="utf-8")))
            for file in sorted(folder.glob("*.json"))}


def wave_label(wave, lang: str) -> str:
    """The wave's name in ``lang`` (``Wave.label_in`` when the project gives per-language names)."""
    label_in = getattr(wave, "label_in", None)
    if callable(label_in):
        return str(label_in(lang))
    label = getattr(wave, "label", None) or wave.id
    if isinstance(label, dict):
        from survey import labels
        return labels.pick(label, lang, wave.id)
    return str(label)


@dataclass
class WaveResults:
    """What one wave's run produced, with the language the document is written in.

    ``figures`` is the folder of the staged figures (one ``<id>.<size>.png`` per chart,
    in the document's language, beside the document); without it the pipeline's own
    figure folder is read.
    """

    project: Project
    wave: object
    lang: str
    results: dict
    compare: "WaveResults | None" = None
    validation: dict | None = None
    figures: Path | None = None
    _headings: set = field(default_factory=set, repr=False)

    # ---- basics
    @property
    def paths(self) -> Paths:
        return self.project.paths

    @property
    def synthetic(self) -> bool:
        return bool(self.wave.synthetic)

    @property
    def label(self) -> str:
        """The wave's name in the document's language."""
        return wave_label(self.wave, self.lang)

    def t(self, key: str, **values) -> str:
        """One report text in the document's language, placeholders filled."""
        template = load_texts(self.lang, self.paths).get(key)
        if template is None:
            raise KeyError(f"no report text '{key}' in the report texts (survey/templates/texts.yml)")
        if "{level}" in template:
            values.setdefault("level", fmt.format_percent(CONFIDENCE, self.lang, 0))
        return template.format(**values) if values else template

    def has_text(self, key: str) -> bool:
        return bool(load_texts(self.lang, self.paths).get(key))

    def get(self, result_id: str) -> Result | None:
        return self.results.get(result_id)

    def result(self, result_id: str) -> Result:
        try:
            return self.results[result_id]
        except KeyError:
            raise ConfigError(f"wave '{self.wave.id}' has no result '{result_id}'; rerun `survey run`") from None

    def datasets(self) -> list[str]:
        """The wave's declared datasets that have results, in the project's order."""
        present = {r.dataset for r in self.results.values() if not _is_aside(r)}
        return [d for d in dataset_order(self.project, self.wave) if d in present]

    def has(self, dataset: str) -> bool:
        return any(r.dataset == dataset for r in self.results.values())

    def of(self, dataset: str, kinds: tuple[str, ...] | None = None) -> list[Result]:
        """Results of one dataset (of ``kinds``, default all but comparisons) in instrument order.

        Interview quotes appear only as the cleared-quotes result, and only its rows
        whose ``cleared`` flag is true: a quote nobody cleared never reaches a document.
        """
        chosen = [_cleared_only(r) for r in self.results.values() if r.dataset == dataset
                  and (r.kind in kinds if kinds else not _is_aside(r)) and not _uncleared_quotes(r)]
        order = self._question_order(dataset)
        return sorted(chosen, key=lambda r: (order.get(r.question, len(order)), r.id))

    def _question_order(self, dataset: str) -> dict:
        instrument = instrument_of(self.project, dataset)
        questions = getattr(instrument, "questions", ()) or ()
        return {q.id: i for i, q in enumerate(questions)}

    def comparisons(self) -> list[Result]:
        """Wave-comparison results, in chapter order."""
        out = []
        for dataset in self.datasets():
            out += self.of(dataset, kinds=("wave",))
        known = {r.id for r in out}
        return out + [r for r in self.results.values() if r.kind == "wave" and r.id not in known]

    def triangulation(self) -> list[Result]:
        return [r for r in self.results.values() if "triangulation" in r.kind]

    # ---- formatting for inline prose (numbers only via survey.fmt)
    def _row(self, result_id: str, code):
        table = self.result(result_id).table
        rows = table[table["code"].astype(str) == str(code)]
        if rows.empty:
            raise ConfigError(f"result '{result_id}' has no row '{code}'")
        return rows.iloc[0]

    def pct(self, result_id: str, code, digits: int = 0) -> str:
        """The share of one option, e.g. ``'88 %'`` (the suppression mark when it is hidden)."""
        row = self._row(result_id, code)
        if bool(row.get("suppressed", False)):
            from survey import labels
            return labels.text("suppressed", self.lang)
        return fmt.format_percent(row["pct"], self.lang, digits)

    def count(self, result_id: str, code) -> str:
        """How many chose one option."""
        return fmt.format_count(self._row(result_id, code)["count"], self.lang)

    def interval(self, result_id: str, code, digits: int = 0) -> str:
        """The 95 % interval of one option's share, e.g. ``'67–96 %'``."""
        row = self._row(result_id, code)
        return fmt.format_interval(row["ci_low"], row["ci_high"], self.lang, digits)

    def n(self, result_id: str, key: str = "answering") -> str:
        """One denominator of a result (``answering``, ``respondents``, ``selections``)."""
        value = (self.result(result_id).n or {}).get(key)
        if value is None:
            raise ConfigError(f"result '{result_id}' has no denominator '{key}'")
        return fmt.format_count(value, self.lang)

    def option(self, result_id: str, code) -> str:
        """The label of one option in the document's language."""
        return self.code_label(self.result(result_id), code)

    def respondents(self, dataset: str) -> int | None:
        """Respondents (interviews, for an interview dataset) of a dataset in this wave."""
        values = []
        for r in self.of(dataset):
            n = r.n or {}
            values.append(n.get("respondents", n.get("interviews")))
        values = [int(v) for v in values if isinstance(v, (int, float)) and not math.isnan(v)]
        return max(values) if values else None

    def join(self, items: list[str]) -> str:
        """``a, b and c`` in the document's language."""
        items = [str(i) for i in items]
        if len(items) < 2:
            return "".join(items)
        return f"{', '.join(items[:-1])} {self.t('and')} {items[-1]}"

    def code_label(self, result: Result, code) -> str:
        from survey import labels
        return labels.code_label(result, code, self.lang)

    # ---- words about one result
    def question(self, result: Result):
        """The instrument question of a one-question result, or ``None``."""
        instrument = instrument_of(self.project, result.dataset)
        if instrument is None or not result.question or "," in str(result.question):
            return None
        try:
            return instrument.question(result.question)
        except (KeyError, AttributeError):
            return None

    def short_label(self, result: Result) -> str:
        """The question's short label (instrument ``short:``), or '' when it has none."""
        from survey import labels
        question = self.question(result)
        short = getattr(question, "short", None) if question is not None else None
        return labels.pick(short, self.lang, "").strip() if short else ""

    def question_text(self, result: Result) -> str:
        """The question as asked (its first sentence: instructions after it are left out)."""
        from survey import labels
        return first_sentence(labels.pick(result.title, self.lang, str(result.question)).strip())

    def _by(self, result: Result) -> str:
        from survey import labels
        return labels.pick((result.labels or {}).get("by"), self.lang, "")

    def caption(self, result: Result) -> str:
        """A result's figure or table caption: the question text (with the grouping or the waves)."""
        text = self.question_text(result)
        if result.kind.startswith("breakdown") and self._by(result):
            return self.t("caption_breakdown", title=text, by=self._by(result))
        if result.kind == "wave" and self.compare:
            return self.t("caption_waves", title=text, before=self.compare.label, now=self.label)
        return text

    def name(self, result: Result) -> str:
        """A result's short name: the question's short label; a Likert battery's name from the
        texts (``battery_<dataset>_<battery>``, else ``battery_heading``); an interview
        result's from ``heading_<kind>``; else the question text."""
        short = self.short_label(result)
        if short:
            return short
        battery = self.battery_of(result)
        if battery:
            key = f"battery_{result.dataset}_{battery}"
            return self.t(key) if self.has_text(key) else self.t("battery_heading")
        key = f"heading_{result.kind}"
        if result.kind.startswith("interview") and self.has_text(key):
            return self.t(key)
        return self.question_text(result)

    def battery_of(self, result: Result) -> str:
        """The Likert battery a (multi-item) result belongs to ('' when none)."""
        instrument = instrument_of(self.project, result.dataset)
        ids = [q for q in str(result.question or "").split(",") if q]
        if instrument is None or len(ids) < 2:
            return ""
        try:
            return str(_extra(instrument.question(ids[0]), "battery") or "")
        except (KeyError, AttributeError):
            return ""

    def title(self, result: Result) -> str:
        """A result's name in a list, a table or a heading (breakdowns: with the grouping)."""
        name = self.name(result)
        if result.kind.startswith("breakdown") and self._by(result):
            return self.t("title_breakdown", title=name, by=self._by(result))
        return name

    def heading_of(self, result: Result) -> str:
        """The heading above a result: its title, with the chapter's name if another heading has it."""
        heading = self.title(result)
        if heading in self._headings:
            texts = load_texts(self.lang, self.paths)
            heading = self.t("heading_in", title=heading,
                             chapter=chapter_texts(self.project, result.dataset, self.lang, texts)[0])
        return heading

    def finding(self, result: Result) -> str:
        """The plain-language finding of one result (analysis' rules), waves named, not id'd."""
        text = _interpret(result, self.lang) or self._fallback_finding(result)
        return self.name_waves(text)

    def name_waves(self, text: str) -> str:
        """``text`` with every wave id replaced by the wave's name."""
        for wave in sorted(self.project.waves, key=lambda w: -len(w.id)):
            if wave.id in text:
                text = text.replace(wave.id, wave_label(wave, self.lang))
        return text

    def _fallback_finding(self, result: Result) -> str:
        table = result.table
        if result.kind.startswith("interview_quotes"):
            return "" if len(table) else self.t("quotes_none")
        interviews = (result.n or {}).get("interviews")
        if result.kind == "interview_codes" and {"interviews", "code"} <= set(table.columns) and len(table):
            rows = table[table["level"] == "theme"] if "level" in table.columns else table
            top = rows[rows["interviews"] == rows["interviews"].max()]
            return self.t("finding_interview_codes", labels=self.join([self.code_label(result, c) for c in top["code"]]),
                          count=fmt.format_count(top["interviews"].iloc[0], self.lang),
                          n=fmt.format_count(interviews, self.lang))
        if result.kind == "interview_cooccurrence" and {"code_a", "code_b", "both"} <= set(table.columns):
            pairs = table[table["code_a"] != table["code_b"]]
            if len(pairs):
                top = pairs.sort_values("both", ascending=False, kind="stable").iloc[0]
                return self.t("finding_interview_pairs", a=self.code_label(result, top["code_a"]),
                              b=self.code_label(result, top["code_b"]),
                              count=fmt.format_count(top["both"], self.lang), n=fmt.format_count(interviews, self.lang))
        if {"code", "pct"} <= set(table.columns) and len(table):
            shown = table[~table["suppressed"].fillna(False).astype(bool)] if "suppressed" in table else table
            shown = shown.dropna(subset=["pct"]).sort_values("pct", ascending=False, kind="stable")
            if len(shown) and "ci_low" in shown:
                top = shown.iloc[0]
                numbers = (top.get("pct"), top.get("ci_low"), top.get("ci_high"), _answering(result))
                if any(v is None or (isinstance(v, float) and math.isnan(v)) for v in numbers):
                    return ""  # a finding is never written with a placeholder for a number
                return self.t("finding_top", label=self.code_label(result, top["code"]),
                              pct=fmt.format_percent(top["pct"], self.lang, 0),
                              interval=fmt.format_interval(top.get("ci_low"), top.get("ci_high"), self.lang, 0),
                              n=fmt.format_count(_answering(result), self.lang))
        return ""

    # ---- figures
    def figure_path(self, result_id: str, size: str = "report") -> Path | None:
        """The chart of ``result_id`` in the document's language, or ``None`` when there is none.

        Staged figures are ``<id>.<size>.png``; the pipeline's own folder holds
        ``<id>.<size>.png`` in the project's first language and ``<id>.<size>.<lang>.png``
        in the others (a language the pipeline did not draw has no figure there).
        """
        if self.figures is not None:
            path = Path(self.figures) / f"{result_id}.{size}.png"
            return path if path.is_file() else None
        folder = self.paths.figures(self.wave.id)
        names = [f"{result_id}.{size}.{self.lang}.png"]
        if self.lang == self.project.language:
            names.append(f"{result_id}.{size}.png")
        for name in names:
            if (folder / name).is_file():
                return folder / name
        return None

    def alt_text(self, result_id: str, size: str = "report") -> str:
        """The chart's alt text in the document's language (the size's own sidecar first)."""
        from survey.render import read_alt_text
        folder = Path(self.figures) if self.figures is not None else self.paths.figures(self.wave.id)
        sized = folder / f"{result_id}.{size}.alt.{self.lang}.txt"
        if sized.is_file():
            return sized.read_text(encoding="utf-8").strip()
        return read_alt_text(folder, result_id, self.lang, fallback=False)

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

    def shown(self, result: Result) -> bool:
        """Whether the report's body shows ``result`` (the rest is in tables.xlsx or the appendix)."""
        kind = result.kind
        if kind.startswith("breakdown"):
            return _strength(result) >= 3 and self.figure_path(result.id) is not None
        if kind == "interview_cooccurrence":  # the smallest (theme-level) one; the rest are in the xlsx
            siblings = self.of(result.dataset, kinds=(kind,))
            return result.id == min(siblings, key=lambda r: len(r.table)).id
        if kind.startswith("interview_quotes"):
            return len(result.table) > 0
        if kind not in CHAPTER_KINDS:
            return False
        return self.figure_path(result.id) is not None

    def block(self, result: Result, level: int = 2, anchor: bool = True) -> None:
        """Heading (short label), finding and the figure (or table) of one result."""
        heading = self.heading_of(result)
        if heading not in self._headings:
            _emit(self._heading(heading, level, f"sec-{result.id}" if anchor else ""))
        finding = self.finding(result)
        if finding:
            _emit(_inline_text(finding))
        if result.kind.startswith("interview_quotes"):
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
        if result.kind.startswith("interview_quotes"):
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

    def body_results(self) -> list[Result]:
        """Every result the body shows, in chapter order (dataset chapters, then changes)."""
        out = [r for d in self.datasets() for r in self.of(d) if self.shown(r)]
        return out + [r for r in self.comparisons() if self.change_is_shown(r)] + \
            [r for r in self.triangulation() if self.figure_path(r.id)]

    def key_findings(self, limit: int = 8) -> list[tuple[Result, str]]:
        """Up to ``limit`` findings of results the body shows: the analysis' own selection."""
        shown = self.body_results()
        named = [dataclasses.replace(r, title={self.lang: self.title(r)}) for r in shown]
        chosen = _interpret_key_findings(named, self.lang, limit * 2)
        if not chosen:
            chosen = [(r, self.finding(r)) for r in named]
        by_id = {r.id: r for r in shown}
        unique, seen = [], set()
        for result, text in chosen:
            if text and text not in seen:
                seen.add(text)
                unique.append((by_id.get(result.id, result), self.name_waves(text)))
        return unique[:limit]

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

    def themes(self) -> list[str]:
        """The development-plan themes the shown results and the triangulation speak to, in order."""
        found = []
        for result in self.triangulation():
            if "theme" in result.table.columns:
                found += [t for t in dict.fromkeys(result.table["theme"].astype(str)) if t not in found]
        for result in self.body_results():
            theme = self.theme_of(result)
            if theme and theme not in found:
                found.append(theme)
        return found

    def theme_of(self, result: Result) -> str | None:
        """The theme of a one-question result (instrument ``theme:``; a battery: its items' common one)."""
        instrument = instrument_of(self.project, result.dataset)
        if instrument is None or result.kind.startswith("breakdown") or result.kind == "wave":
            return None
        ids = [q for q in str(result.question).split(",") if q]
        themes = []
        for qid in ids:
            try:
                themes.append(_extra(instrument.question(qid), "theme"))
            except (KeyError, AttributeError):
                themes.append(None)
        themes = [t for t in themes if t]
        return themes[0] if themes and len(set(themes)) == 1 else None

    def theme_title(self, theme: str) -> str:
        key = f"theme_{theme}"
        return self.t(key) if self.has_text(key) else theme.replace("_", " ").capitalize()

    def triangulation_rows(self, theme: str) -> list[str]:
        """One theme's side-by-side shares from the triangulation result (share and count/n per source)."""
        out = []
        for result in self.triangulation():
            table = result.table
            if "theme" not in table.columns:
                continue
            for row in table[table["theme"].astype(str) == theme].to_dict(orient="records"):
                source = str(row.get("source", row.get("dataset", "")))
                name = chapter_texts(self.project, source, self.lang, load_texts(self.lang, self.paths))[0]
                out.append(self.t("triangulation_row", source=name,
                                  pct=fmt.format_percent(row.get("pct"), self.lang, 0),
                                  count=fmt.format_count(row.get("count"), self.lang),
                                  n=fmt.format_count(row.get("n"), self.lang)))
        return out

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
                         respondents=fmt.format_count(count, self.lang)))
        for result in shown:
            if not result.kind.startswith("breakdown"):
                self.block(result)
        clear = [r for r in shown if r.kind.startswith("breakdown")]
        tested = [r for r in results if r.kind.startswith("breakdown")]
        if tested:
            _emit(self.t("groups_clear" if clear else "groups_none", tested=fmt.format_count(len(tested), self.lang),
                         ref=""))
            for result in clear:
                self.block(result, level=3)
        quotes = [r for r in results if r.kind.startswith("interview_quotes")]
        if kind == "interviews" and quotes and not any(len(r.table) for r in quotes):
            _emit(self.t("quotes_none"))

    # ---- changes since the comparison wave
    def change_is_shown(self, result: Result) -> bool:
        return (result.kind == "wave" and is_comparable(result) and _strength(result) >= 3
                and self.figure_path(result.id) is not None)

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
                     compared=fmt.format_count(len(comparable), self.lang),
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

    def validation_text(self) -> str:
        summary = (self.validation or {}).get("summary")
        if not summary:
            return self.t("validation_none")
        return self.t("validation_summary", errors=fmt.format_count(summary.get("errors", 0), self.lang),
                      warnings=fmt.format_count(summary.get("warnings", 0), self.lang),
                      handled=fmt.format_count(summary.get("handled", 0), self.lang))

    def disclosure_text(self) -> str:
        """The disclosure rule in the analysis' own words (the rule exactly as applied) and what it hid."""
        hit = [self.title(r) for r in self.body_results() if _has_suppression(r)]
        detail = self.t("disclosure_suppressed", items="; ".join(hit)) if hit else self.t("disclosure_nothing")
        return f"{promise_text(self.lang, self.project)} {detail}"

    def methods_text(self) -> str:
        """The analysis' own plain-language account of its methods (the disclosure rule has its section)."""
        rule = DisclosureRule.from_project(self.project)
        return methods_text(self.lang, threshold=rule.min_group_size, merge_small=rule.merge_small_groups,
                            small_counts=rule.small_counts, statistics=self.project, disclosure=False)

    # ---- appendix
    def show_appendix(self) -> None:
        """Per dataset: its group comparisons and its wave comparisons in a table each; missing answers."""
        texts = load_texts(self.lang, self.paths)
        tables = []
        for dataset in self.datasets():
            name = chapter_texts(self.project, dataset, self.lang, texts)[0]
            breakdowns = [r for r in self.of(dataset) if r.kind.startswith("breakdown")]
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

    def group_verdict(self, result: Result) -> str:
        items = (result.test or {}).get("items") or []
        if items and all(i.get("gated") for i in items):
            return self.t("verdict_not_tested")
        return self.t("verdict_yes" if _strength(result) >= 3 else "verdict_no")

    def change_row(self, result: Result) -> list:
        """Question, option, before, now, change (from the rounded figures shown) and verdict."""
        table = result.table
        rows = [r for r in table.to_dict(orient="records") if r.get("comparable", True) and not r.get("suppressed")]
        verdict = self.t("verdict_yes" if _strength(result) >= 3 else "verdict_no")
        if not rows:
            return [self.title(result), "", self.t("not_recorded"), self.t("not_recorded"), "", verdict]
        if "pct_now" not in table.columns:  # numeric: means
            row = rows[0]
            before, now = (fmt.format_number(row.get(k), self.lang, 1) for k in ("mean_before", "mean_now"))
            delta = _num(row.get("mean_now")) - _num(row.get("mean_before"))
            change = ("+" if delta > 0 else "") + fmt.format_number(delta, self.lang, 1)
            return [self.title(result), self.t("col_mean"), before, now, change, verdict]
        from survey.analysis.interpret import difference_is_clear
        clear = [r for r in rows if difference_is_clear(r.get("ci_low"), r.get("ci_high"), r.get("p_adjusted"))]
        pick = max(clear or rows, key=lambda r: abs(_num(r.get("diff"), 0.0)))
        label = self.code_label(result, pick["code"]) if len(table) > 1 else ""
        return [self.title(result), label, fmt.format_percent(pick.get("pct_before"), self.lang, 0),
                fmt.format_percent(pick.get("pct_now"), self.lang, 0),
                shown_change(pick.get("pct_before"), pick.get("pct_now"), self.lang), verdict]

    def missing_rows(self) -> list[list[str]]:
        rows = []
        for dataset in self.datasets():
            for result in self.of(dataset):
                if not self.shown(result) or result.kind.startswith("breakdown"):
                    continue
                n = result.n or {}
                missing = n.get("missing")
                if missing is None and n.get("respondents") is not None and n.get("answering") is not None:
                    missing = n["respondents"] - n["answering"]
                if missing is None:
                    continue
                rows.append([self.t("heading_in", title=self.title(result),
                                    chapter=chapter_texts(self.project, dataset, self.lang,
                                                          load_texts(self.lang, self.paths))[0]),
                             fmt.format_count(n.get("respondents"), self.lang), fmt.format_count(missing, self.lang)])
        return rows

    # ---- slides
    def show_slides(self, per_slide: int = 2, limit: int = 6) -> None:
        """Key findings (a few per slide), then one chart per slide titled with the short label."""
        findings = self.key_findings(limit)
        pages = [findings[i:i + per_slide] for i in range(0, len(findings), per_slide)]
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
                      and not r.kind.startswith("interview_quotes")]
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
def _typst(text: str) -> str:
    """Text made safe inside a Typst content block ``[...]``."""
    return re.sub(r"([\\\[\]#*_`$<>@])", r"\\\1", str(text))


def _inline_text(text: str) -> str:
    """A finding sentence as one markdown paragraph (no line that starts a list, table or heading)."""
    text = " ".join(str(text).split())
    return re.sub(r"([\\`*_\[\]<>|#$@])", r"\\\1", text)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def _num(value, default=math.nan) -> float:
    try:
        value = float(value)
    except (TypeError, ValueError):
        return default
    return default if math.isnan(value) else value


def shown_change(before, now, lang: str) -> str:
    """The change in percentage points between two shares as shown rounded (44 % → 70 %: +26)."""
    a, b = _whole_percent(before), _whole_percent(now)
    if a is None or b is None:
        return ""
    return fmt.format_points((b - a) / 100, lang, digits=0)


def is_comparable(result: Result) -> bool:
    """Whether a wave comparison result says its question can be compared across waves."""
    for source in (result.test or {}, result.n or {}):
        if "comparable" in source:
            return bool(source["comparable"])
    table = result.table
    if "comparable" in getattr(table, "columns", ()):
        return bool(table["comparable"].fillna(False).astype(bool).all())
    return True


def _has_suppression(result: Result) -> bool:
    table = result.table
    if "suppressed" in getattr(table, "columns", ()) and bool(table["suppressed"].fillna(False).astype(bool).any()):
        return True
    return bool((result.suppression or {}).get("suppressed"))


def _uncleared_quotes(result: Result) -> bool:
    """True for a quote-candidate result that is not the cleared selection."""
    return "quote" in result.kind and not result.id.endswith("-cleared")


def _cleared_only(result: Result) -> Result:
    """A quotes result keeps only rows marked cleared; other results are returned as they are."""
    if "quote" not in result.kind:
        return result
    table = result.table
    if "cleared" in table.columns:
        table = table[table["cleared"].fillna(False).astype(bool)].reset_index(drop=True)
    else:
        table = table.iloc[0:0]
    return dataclasses.replace(result, table=table)


def _is_aside(result: Result) -> bool:
    """Comparisons and triangulation have chapters of their own."""
    return result.kind == "wave" or "compar" in result.kind or "triangulation" in result.kind


def _answering(result: Result):
    n = result.n or {}
    return n.get("answering", n.get("respondents"))


def _interpret(result: Result, lang: str) -> str:
    try:
        from survey.analysis.interpret import interpret
    except ImportError:
        return ""
    text = interpret(result, lang)
    if isinstance(text, (list, tuple)):
        text = " ".join(str(t) for t in text)
    return str(text or "")


def _strength(result: Result) -> int:
    try:
        from survey.analysis.interpret import strength
    except ImportError:
        return 0
    return int(strength(result) or 0)


def _interpret_key_findings(results: list, lang: str, limit: int) -> list:
    try:
        from survey.analysis.interpret import key_findings
    except ImportError:
        return []
    by_id = {r.id: r for r in results}
    out = []
    for item in key_findings(results, lang, limit=limit) or []:
        if isinstance(item, tuple) and len(item) == 2:
            result = item[0] if isinstance(item[0], Result) else by_id.get(item[0])
            if result is not None:
                out.append((result, str(item[1])))
    return out[:limit]


def load_wave_results(wave: str | None = None, compare: str | None = "auto", lang: str = "fi",
                      root: Path | str | None = None, figures: Path | str | None = None) -> WaveResults:
    """Read what ``survey run`` wrote for ``wave`` (and the comparison wave).

    ``compare``: a wave id, ``"auto"``/``None`` for the wave's ``compare_to`` in
    ``survey.yml`` (used when its results exist), or ``"none"``/``""`` for no comparison.
    ``figures``: the staged figure folder (see :class:`WaveResults`). The loaded object
    also becomes the default of :func:`figure`.
    """
    global _CURRENT
    project = load_project(Path(root) if root else None)
    if lang not in ("fi", "sv", "en"):
        raise ConfigError(f"unknown report language '{lang}' (use fi, sv or en)")
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
            other = WaveResults(project=project, wave=other_wave, lang=lang, results=other_results)
    validation = _read_json(paths.processed(wave_obj.id) / "validation.json")
    loaded = WaveResults(project=project, wave=wave_obj, lang=lang, results=results, compare=other,
                         validation=validation, figures=Path(figures) if figures else None)
    _CURRENT = loaded
    return loaded


def figure_width(path: Path) -> str:
    """``width`` of a figure at the text width, narrower when it would be taller than the page allows."""
    try:
        from PIL import Image
        with Image.open(path) as image:
            w, h = image.size
    except Exception:  # an unreadable size: the text width
        return "100%"
    share = MAX_FIGURE_HEIGHT * TEXT_ASPECT / (h / w) if w and h else 1.0
    return "100%" if share >= 1 else f"{max(40, int(share * 100))}%"


def figure(result_id: str, size: str = "report", results: WaveResults | None = None,
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
