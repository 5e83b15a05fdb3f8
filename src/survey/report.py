"""Helpers the report and slide documents call: read results, show them, format numbers.

The ``.qmd`` files compute nothing. Their code cells call these helpers, which only
*read* what ``survey run`` wrote (``output/<wave>/results/*.json``, the saved
figures and their alt-text sidecars, ``validation.json``, ``manifest.json``) and hand
it to the functions that own each job: wording of findings from
``survey.analysis.interpret``, labels from ``survey.labels``, numbers from
``survey.fmt``, table equivalents from ``survey.charts.data_table``.

Report prose that is not a finding (headings, chapter introductions, method notes)
lives in ``reports/_texts.yml`` in fi, sv and en, with ``{placeholders}`` filled by
numbers formatted here; a municipality can reword it without touching code.

Typical use in a document::

    W = load_wave_results(wave, compare=compare, lang=lang)
    W.banner()                     # synthetic-data banner (html, docx, typst)
    W.show_dataset("network")      # heading, finding, figure with alt text, table
    W.pct("network-grants", "operating")   # '87,5 %' for inline prose
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from survey import fmt
from survey.config import Paths, Project, load_project, project_root
from survey.errors import ConfigError
from survey.model import Result

# result kinds that are one question's distribution (shown in the dataset chapters)
QUESTION_KINDS = None  # every kind except comparisons and triangulation (see WaveResults.of)
THEMES = ("grants", "premises", "agreements", "cooperation", "communication", "volunteering")
CONFIDENCE = 0.95  # the level of every interval the analysis reports
_CURRENT: "WaveResults | None" = None


# --------------------------------------------------------------------------- texts
CHECKOUT_TEXTS = Path(__file__).resolve().parents[2] / "reports" / "_texts.yml"


@lru_cache(maxsize=8)
def _read_texts(file: str) -> dict:
    with open(file, encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


def load_texts(lang: str = "fi", paths: Paths | None = None) -> dict:
    """Every report text in ``lang`` (Finnish where ``lang`` lacks one): key -> template.

    The project's ``reports/_texts.yml`` (a municipality's own wording) overrides the
    texts shipped with the package checkout, key by key.
    """
    paths = paths or Paths(project_root())
    raw = {}
    for file in (CHECKOUT_TEXTS, paths.reports / "_texts.yml"):
        if file.is_file():
            raw.update(_read_texts(str(file)))
    return {key: (value.get(lang) or value.get("fi") or "") if isinstance(value, dict) else str(value)
            for key, value in raw.items()}


def banner_text(lang: str = "fi") -> str:
    """The synthetic-data banner: the labels' 'synthetic demo data' words and why it matters."""
    from survey import labels
    return f"{labels.text('synthetic', lang)}: {load_texts(lang)['banner_detail']}"


# --------------------------------------------------------------------------- outputs
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


@dataclass(frozen=True)
class Figure:
    """A saved chart shown as a markdown image with its alt text (``fig-alt``)."""

    path: Path
    rel: str
    alt: str
    caption: str
    label: str = ""

    def markdown(self) -> str:
        attrs = []
        if self.label:
            attrs.append(f"#{self.label}")
        attrs.append(f'fig-alt="{_attr(self.alt)}"')
        return f"![{self.caption}]({self.rel}){{{' '.join(attrs)}}}"

    def _repr_markdown_(self) -> str:
        return "\n\n" + self.markdown() + "\n\n"

    def __repr__(self) -> str:
        return self.markdown()


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


@dataclass
class WaveResults:
    """What one wave's run produced, with the language the document is written in."""

    project: Project
    wave: object
    lang: str
    results: dict
    compare: "WaveResults | None" = None
    validation: dict | None = None
    manifest: dict | None = None
    meta: dict = field(default_factory=dict)

    # ---- basics
    @property
    def paths(self) -> Paths:
        return self.project.paths

    @property
    def synthetic(self) -> bool:
        return bool(self.wave.synthetic)

    def t(self, key: str, **values) -> str:
        """One report text in the document's language, placeholders filled."""
        template = load_texts(self.lang, self.paths).get(key)
        if template is None:
            raise KeyError(f"no report text '{key}' in reports/_texts.yml")
        if "{level}" in template:
            values.setdefault("level", fmt.format_percent(CONFIDENCE, self.lang, 0))
        return template.format(**values) if values else template

    def get(self, result_id: str) -> Result | None:
        return self.results.get(result_id)

    def result(self, result_id: str) -> Result:
        try:
            return self.results[result_id]
        except KeyError:
            raise ConfigError(f"wave '{self.wave.id}' has no result '{result_id}'; rerun `survey run`") from None

    def datasets(self) -> list[str]:
        """Datasets with results in this wave, in the report's chapter order."""
        present = {r.dataset for r in self.results.values()}
        return [d for d in self.project.datasets if d in present]

    def has(self, dataset: str) -> bool:
        return any(r.dataset == dataset for r in self.results.values())

    def of(self, dataset: str, kinds: tuple[str, ...] | None = None) -> list[Result]:
        """Results of one dataset (of ``kinds``, default all but comparisons) in instrument order.

        Interview quotes appear only as the cleared-quotes result, and only its rows
        whose ``cleared`` flag is true: a quote nobody cleared never reaches a document.
        """
        chosen = [_cleared_only(r) for r in self.results.values() if r.dataset == dataset
                  and (r.kind in kinds if kinds else not _is_aside(r)) and not _uncleared_quotes(r)]
        order = _question_order(dataset)
        return sorted(chosen, key=lambda r: (order.get(r.question, len(order)), r.id))

    def comparisons(self) -> list[Result]:
        """Wave-comparison results (the pipeline's ``compare_dataset``)."""
        return [r for r in self.results.values() if "wave" in r.kind or "compar" in r.kind]

    # ---- formatting for inline prose (numbers only via survey.fmt)
    def _row(self, result_id: str, code):
        table = self.result(result_id).table
        rows = table[table["code"].astype(str) == str(code)]
        if rows.empty:
            raise ConfigError(f"result '{result_id}' has no row '{code}'")
        return rows.iloc[0]

    def pct(self, result_id: str, code, digits: int = 1) -> str:
        row = self._row(result_id, code)
        if bool(row.get("suppressed", False)):
            from survey import labels
            return labels.text("suppressed", self.lang)
        return fmt.format_percent(row["pct"], self.lang, digits)

    def count(self, result_id: str, code) -> str:
        return fmt.format_count(self._row(result_id, code)["count"], self.lang)

    def interval(self, result_id: str, code) -> str:
        row = self._row(result_id, code)
        return fmt.format_interval(row["ci_low"], row["ci_high"], self.lang)

    def n(self, result_id: str, key: str = "answering") -> str:
        value = (self.result(result_id).n or {}).get(key)
        return fmt.format_count(value, self.lang) if value is not None else fmt.MISSING

    def respondents(self, dataset: str) -> int | None:
        """Respondents of a dataset: the largest ``n['respondents']`` among its results."""
        values = [(r.n or {}).get("respondents") for r in self.of(dataset)]
        values = [int(v) for v in values if isinstance(v, (int, float)) and not math.isnan(v)]
        return max(values) if values else None

    def label(self, result: Result, code) -> str:
        from survey import labels
        return labels.code_label(result, code, self.lang)

    def title(self, result: Result) -> str:
        """The question text, marked when the result is a breakdown or a summary of it."""
        from survey import labels
        title = labels.pick(result.title, self.lang, result.question).strip()
        if result.kind == "breakdown":
            by = labels.pick((result.labels or {}).get("by"), self.lang, "")
            return self.t("title_breakdown", title=title, by=by) if by else title
        if result.kind == "likert_summary":
            return self.t("title_summary", title=title)
        return title

    def primary(self, dataset: str) -> list[Result]:
        """A dataset's results without its breakdowns: what the plan and the slides draw on."""
        return [r for r in self.of(dataset) if r.kind != "breakdown"]

    # ---- wording
    def finding(self, result: Result) -> str:
        """The plain-language finding of one result, from the analysis' interpretation rules."""
        text = _interpret(result, self.lang)
        if text:
            return text
        return self._fallback_finding(result)

    def _fallback_finding(self, result: Result) -> str:
        table = result.table
        if {"code", "pct"} <= set(table.columns) and len(table):
            shown = table[~table.get("suppressed", False).astype(bool)] if "suppressed" in table else table
            shown = shown.sort_values("pct", ascending=False, kind="stable")
            if len(shown):
                top = shown.iloc[0]
                numbers = (top.get("pct"), top.get("ci_low"), top.get("ci_high"), _answering(result))
                if any(v is None or (isinstance(v, float) and math.isnan(v)) for v in numbers):
                    return ""  # a finding is never written with a placeholder for a number
                return self.t("finding_top", label=self.label(result, top["code"]),
                              pct=fmt.format_percent(top["pct"], self.lang),
                              interval=fmt.format_interval(top.get("ci_low"), top.get("ci_high"), self.lang),
                              n=fmt.format_count(_answering(result), self.lang))
        if "quote" in result.kind and result.table.empty:
            return self.t("quotes_none")
        return ""

    # ---- pieces of a chapter (markdown; the .qmd cells print them with `output: asis`)
    def heading(self, key: str, level: int = 1, anchor: str = "", **values) -> Markdown:
        """A heading from the texts, with an id for cross-references; banner follows when synthetic."""
        ident = f" {{#{anchor}}}" if anchor else ""
        text = f"{'#' * level} {self.t(key, **values)}{ident}\n"
        if level == 1 and self.synthetic:
            text += "\n" + self._banner_block()
        return Markdown(text)

    def say(self, key: str, **values) -> Markdown:
        """One paragraph of report text."""
        return Markdown(self.t(key, **values) + "\n")

    def _banner_block(self) -> str:
        return f"::: {{.callout-warning}}\n{banner_text(self.lang)}\n:::\n"

    def banner(self) -> Markdown:
        """The synthetic-data banner: a callout here and, for Typst/PDF, in every page header."""
        if not self.synthetic:
            return Markdown("")
        text = banner_text(self.lang)
        typst = text.replace("\\", "").replace("#", "").replace("[", "(").replace("]", ")")
        raw = ("```{=typst}\n#set page(header: align(center, text(fill: rgb(\"#9a1c1c\"), weight: \"bold\")["
               + typst + "]))\n```\n\n")
        return Markdown(raw + self._banner_block())

    def figure(self, result_id: str, size: str = "report", label: bool = True) -> "Figure | Markdown":
        """The pipeline's saved chart of ``result_id`` as an image with its alt text."""
        return figure(result_id, size, results=self, label=label)

    def table(self, result: Result) -> Markdown:
        """The chart's data-table equivalent (from ``survey.charts.data_table``) as markdown."""
        frame = _data_table(result, self.lang)
        if frame is None or frame.empty:
            return Markdown("")
        return Markdown(_markdown_table(frame) + f"\n\n: {_attr(self.title(result))}\n")

    def result_block(self, result: Result, level: int = 2) -> str:
        """Heading, finding, figure and table of one result, as markdown."""
        parts = [f"{'#' * level} {self.title(result)} {{#sec-{result.id}}}\n", self.finding(result),
                 str(self.figure(result.id, "report")), str(self.table(result))]
        return "\n".join(p for p in parts if p.strip()) + "\n"

    def show_result(self, result: Result) -> None:
        _emit(self.result_block(result))

    def show_dataset(self, dataset: str) -> None:
        """Every result of a dataset, or a plain sentence that the wave lacks it."""
        results = self.of(dataset)
        if not results:
            _emit(self.say("dataset_absent", wave=self.wave.label))
            return
        _emit(self.say("dataset_lead", respondents=fmt.format_count(self.respondents(dataset), self.lang),
                       questions=fmt.format_count(len(results), self.lang)))
        for result in results:
            self.show_result(result)

    # ---- summary
    def key_findings(self, limit: int = 8) -> list[tuple[Result, str]]:
        """Up to ``limit`` findings: the analysis' own selection, else one per result in chapter order."""
        ordered = [r for d in self.datasets() for r in self.of(d)] + self.comparisons() + self.triangulation()
        chosen = _interpret_key_findings(ordered, self.lang, limit * 2)
        if not chosen:
            chosen = [(r, self.finding(r)) for r in ordered]
        unique, seen = [], set()
        for result, text in chosen:  # a battery and its summary can share one finding
            if text and text not in seen:
                seen.add(text)
                unique.append((result, text))
        return unique[:limit]

    def evidence_link(self, result: Result) -> str:
        if self.figure_path(result.id):
            return f"@fig-{result.id}"
        return f"[{self.title(result)}](#sec-{result.id})"

    def summary(self, limit: int = 8) -> Markdown:
        """Numbered key findings, each linked to the figure or section that is its evidence."""
        items = self.key_findings(limit)
        if not items:
            return self.say("summary_empty")
        lines = [f"{i}. {text} ({self.t('evidence')}: {self.evidence_link(result)})"
                 for i, (result, text) in enumerate(items, 1)]
        return Markdown("\n".join(lines) + "\n")

    def figure_path(self, result_id: str, size: str = "report") -> Path | None:
        """The saved chart: ``<id>.<size>.<lang>.png`` when drawn per language, else ``<id>.<size>.png``."""
        folder = self.paths.figures(self.wave.id)
        for name in (f"{result_id}.{size}.{self.lang}.png", f"{result_id}.{size}.png"):
            if (folder / name).is_file():
                return folder / name
        return None

    # ---- development plan (triangulation)
    def theme_of(self, result: Result) -> str | None:
        """The development-plan theme a result speaks to (instrument ``theme:``, else the default)."""
        theme = None
        try:
            from survey.instruments import load_instrument
            theme = load_instrument(result.dataset).question(result.question).extra.get("theme")
        except Exception:  # results without an instrument question have no theme
            theme = None
        return theme or DEFAULT_THEMES.get(result.dataset, {}).get(result.question)

    def triangulation(self) -> list[Result]:
        return [r for r in self.results.values() if "triangulation" in r.kind]

    def triangulation_rows(self, theme: str) -> list[str]:
        """One theme's side-by-side figures from the triangulation result (share and count/n per source)."""
        from survey import labels
        out = []
        for result in self.triangulation():
            table = result.table
            if "theme" not in table.columns:
                continue
            for row in table[table["theme"].astype(str) == theme].to_dict(orient="records"):
                source = labels.code_label(result, row.get("source", row.get("dataset", "")), self.lang)
                out.append(self.t("triangulation_row", source=source, pct=fmt.format_percent(row.get("pct"), self.lang),
                                  count=fmt.format_count(row.get("count"), self.lang),
                                  n=fmt.format_count(row.get("n"), self.lang)))
        return out

    def show_plan(self) -> None:
        """For each theme: the triangulation view, each dataset's finding, the needs it supports."""
        for result in self.triangulation():
            _emit(f"## {self.t('triangulation_heading')} {{#sec-{result.id}}}\n")
            text = _interpret(result, self.lang)
            if text:
                _emit(text + "\n")
            _emit(str(self.figure(result.id)))
            _emit(str(self.table(result)))
        evidence = [r for d in self.datasets() for r in self.primary(d)]
        for theme in THEMES:
            _emit(f"## {self.t('theme_' + theme)} {{#sec-theme-{theme}}}\n")
            found = [r for r in evidence if self.theme_of(r) == theme]
            rows = self.triangulation_rows(theme)
            if not found and not rows:
                _emit(self.t("theme_no_evidence") + "\n")
                continue
            _emit(f"### {self.t('evidence_heading')}\n")
            if rows:
                _emit(self.t("triangulation_lead", rows="; ".join(rows)) + "\n")
            _emit("\n".join(f"- *{self.t('ch_' + r.dataset)}*: {self.finding(r)} ({self.t('evidence')}: "
                            f"{self.evidence_link(r)})" for r in found) + "\n")
            _emit(f"### {self.t('needs_heading')}\n")
            _emit(self.t("need_" + theme) + "\n")

    # ---- methods and data quality
    def show_methods(self) -> None:
        _emit(self._responses())
        _emit(self._validation())
        _emit(self._missing())
        _emit(self._disclosure())
        _emit(f"## {self.t('stats_heading')}\n\n{self.methods_text()}\n")
        _emit(self._changes())

    def methods_text(self) -> str:
        """The analysis' own plain-language account of its methods and disclosure rule."""
        try:
            from survey.analysis.interpret import methods_text
        except ImportError:
            return ""
        from survey.analysis.disclosure import DisclosureRule
        rule = DisclosureRule.from_project(self.project)
        return methods_text(self.lang, threshold=rule.min_group_size, merge_small=rule.merge_small_groups,
                            small_counts=rule.small_counts, statistics=self.project,
                            disclosure=False)  # the rule has its own section (_disclosure)

    def _responses(self) -> str:
        rows = []
        population = self.wave.population or {}
        for dataset in self.datasets():
            respondents = self.respondents(dataset)
            total = population.get(dataset)
            rate = fmt.format_percent(respondents / total, self.lang) if total and respondents is not None else fmt.MISSING
            rows.append([self.t("ch_" + dataset), fmt.format_count(respondents, self.lang),
                         fmt.format_count(total, self.lang) if total else fmt.MISSING, rate])
        head = [self.t("col_dataset"), self.t("col_respondents"), self.t("col_population"), self.t("col_rate")]
        table = _markdown_rows(head, rows) + f"\n\n: {self.t('responses_table')}\n" if rows else ""
        return f"## {self.t('responses_heading')}\n\n{table}\n{self.t('rate_note')}\n"

    def _validation(self) -> str:
        text = f"## {self.t('validation_heading')}\n\n"
        summary = (self.validation or {}).get("summary")
        if not summary:
            return text + self.t("validation_none") + "\n"
        text += self.t("validation_summary", errors=fmt.format_count(summary.get("errors", 0), self.lang),
                       warnings=fmt.format_count(summary.get("warnings", 0), self.lang),
                       handled=fmt.format_count(summary.get("handled", 0), self.lang)) + "\n"
        by_rule = summary.get("by_rule") or {}
        if by_rule:
            rows = [[rule, fmt.format_count(count, self.lang)] for rule, count in sorted(by_rule.items())]
            text += "\n" + _markdown_rows([self.t("col_rule"), self.t("col_cases")], rows) + "\n"
        return text

    def _missing(self) -> str:
        rows = []
        for dataset in self.datasets():
            for result in self.of(dataset):
                n = result.n or {}
                missing = n.get("missing")
                if missing is None and n.get("respondents") is not None and n.get("answering") is not None:
                    missing = n["respondents"] - n["answering"]
                if missing is None:
                    continue
                rows.append([self.title(result), fmt.format_count(n.get("respondents"), self.lang),
                             fmt.format_count(missing, self.lang)])
        head = [self.t("col_question"), self.t("col_respondents"), self.t("col_missing")]
        table = (_markdown_rows(head, rows) + f"\n\n: {self.t('missing_table')}\n") if rows else ""
        return f"## {self.t('missing_heading')}\n\n{self.t('missing_text')}\n\n{table}"

    def _disclosure(self) -> str:
        hit = [self.title(r) for r in self.results.values() if _has_suppression(r)]
        detail = (self.t("disclosure_suppressed", items="; ".join(hit)) if hit else self.t("disclosure_nothing"))
        from survey.analysis.disclosure import promise_text  # the rule exactly as the analysis applies it
        return f"## {self.t('disclosure_heading')}\n\n{promise_text(self.lang, self.project)} {detail}\n"

    def _changes(self) -> str:
        compare_id = self.compare.wave.id if self.compare else None
        if not compare_id and not self.comparisons():
            return ""
        label = self.compare.wave.label if self.compare else str(self.wave.compare_to)
        text = f"## {self.t('changes_heading')} {{#sec-changes}}\n\n{self.t('changes_intro', wave=label)}\n\n"
        comparisons = self.comparisons()
        if not comparisons:
            return text + self.t("changes_none") + "\n"
        comparable = [r for r in comparisons if is_comparable(r)]
        blocked = [r for r in comparisons if not is_comparable(r)]
        for result in comparable:
            text += self.result_block(result, level=3) + "\n"
        text += f"### {self.t('not_comparable_heading')}\n\n"
        if not blocked:
            text += self.t("not_comparable_none") + "\n"
        else:
            text += "\n".join(f"- {self.title(r)}: {self.finding(r)}" for r in blocked) + "\n"
        return text

    # ---- slides
    def slide_title(self) -> Markdown:
        """The first slide after the title: the wave, the comparison wave, the banner."""
        lines = [f"## {self.wave.label}\n"]
        if self.synthetic:
            lines.append(self._banner_block())
        lines.append(self.t("wave_line", wave=self.wave.label) + "\n")
        if self.compare:
            lines.append(self.t("compare_line", wave=self.compare.wave.label) + "\n")
        return Markdown("\n".join(lines))

    def show_slides(self, limit: int = 5) -> None:
        """Key findings, then one slide per result with the slide-size chart and its finding."""
        findings = self.key_findings(limit)
        if findings:
            _emit(f"## {self.t('slide_key_findings')}\n")
            _emit("\n".join(f"- {text}" for _, text in findings) + "\n")
        for dataset in self.datasets():
            for result in self.primary(dataset):
                if not self.figure_path(result.id, "slide"):
                    continue
                _emit(f"## {self.title(result)}\n")
                _emit(str(self.figure(result.id, "slide", label=False)))
                finding = self.finding(result)
                if finding:
                    _emit(f"::: {{.notes}}\n{finding}\n:::\n")
        for result in self.comparisons():
            if is_comparable(result) and self.figure_path(result.id, "slide"):
                _emit(f"## {self.title(result)}\n")
                _emit(str(self.figure(result.id, "slide", label=False)))


DEFAULT_THEMES = {
    # network questions carry no `theme:` key in their instrument yet
    "network": {"grants": "grants", "agreements": "agreements", "partnership_forms": "cooperation"},
}


def _emit(text) -> None:
    """Print markdown for a cell with ``output: asis`` (a blank line keeps blocks apart)."""
    text = str(text)
    if text.strip():
        print(text.rstrip("\n") + "\n")


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


def _markdown_rows(head: list, rows: list) -> str:
    import pandas as pd
    return _markdown_table(pd.DataFrame(rows, columns=head))


def _uncleared_quotes(result: Result) -> bool:
    """True for a quote-candidate result that is not the cleared selection."""
    return "quote" in result.kind and not result.id.endswith("-cleared")


def _cleared_only(result: Result) -> Result:
    """A quotes result keeps only rows marked cleared; other results are returned as they are."""
    if "quote" not in result.kind:
        return result
    import dataclasses
    table = result.table
    if "cleared" in table.columns:
        table = table[table["cleared"].fillna(False).astype(bool)].reset_index(drop=True)
    else:
        table = table.iloc[0:0]
    return dataclasses.replace(result, table=table)


def _is_aside(result: Result) -> bool:
    """Comparisons and triangulation have chapters of their own."""
    return "wave" in result.kind or "compar" in result.kind or "triangulation" in result.kind


def _answering(result: Result):
    n = result.n or {}
    return n.get("answering", n.get("respondents"))


@lru_cache(maxsize=None)
def _question_order_cached(dataset: str) -> tuple:
    try:
        from survey.instruments import load_instrument
        return tuple(q.id for q in load_instrument(dataset).questions)
    except Exception:  # an absent instrument only loses the ordering
        return ()


def _question_order(dataset: str) -> dict:
    return {qid: i for i, qid in enumerate(_question_order_cached(dataset))}


def _interpret(result: Result, lang: str) -> str:
    try:
        from survey.analysis import interpret as rules
    except ImportError:
        return ""
    for name in ("interpret", "describe", "interpret_result"):
        func = getattr(rules, name, None)
        if callable(func):
            text = func(result, lang)
            if isinstance(text, (list, tuple)):
                text = " ".join(str(t) for t in text)
            return str(text or "")
    return ""


def _interpret_key_findings(results: list, lang: str, limit: int) -> list:
    try:
        from survey.analysis import interpret as rules
    except ImportError:
        return []
    func = getattr(rules, "key_findings", None)
    if not callable(func):
        return []
    found = func(results, lang, limit=limit)
    by_id = {r.id: r for r in results}
    out = []
    for item in found or []:
        if isinstance(item, tuple) and len(item) == 2:
            result = item[0] if isinstance(item[0], Result) else by_id.get(item[0])
            if result is not None:
                out.append((result, str(item[1])))
    return out[:limit]


def _data_table(result: Result, lang: str):
    try:
        from survey.charts import data_table
    except ImportError:
        return None
    return data_table(result, lang)


def _markdown_table(frame) -> str:
    def cell(value) -> str:
        text = "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)
        return text.replace("|", "\\|").replace("\n", " ")

    header = "| " + " | ".join(cell(c) for c in frame.columns) + " |"
    rule = "|" + "|".join(":---" if i == 0 else "---:" for i in range(len(frame.columns))) + "|"
    rows = ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([header, rule, *rows])


def load_wave_results(wave: str | None = None, compare: str | None = "auto", lang: str = "fi",
                      root: Path | None = None) -> WaveResults:
    """Read what ``survey run`` wrote for ``wave`` (and the comparison wave).

    ``compare``: a wave id, ``"auto"``/``None`` for the wave's ``compare_to`` in
    ``survey.yml`` (used when its results exist), or ``"none"``/``""`` for no comparison.
    The loaded object also becomes the default of :func:`figure`.
    """
    global _CURRENT
    project = load_project(root)
    if lang not in project.languages and lang not in ("fi", "sv", "en"):
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
    manifest = _read_json(paths.output(wave_obj.id) / "manifest.json")
    meta = {}
    for dataset in project.datasets:
        data = _read_json(paths.processed(wave_obj.id) / f"{dataset}.meta.json")
        if data:
            meta[dataset] = data
    loaded = WaveResults(project=project, wave=wave_obj, lang=lang, results=results, compare=other,
                         validation=validation, manifest=manifest, meta=meta)
    _CURRENT = loaded
    return loaded


def figure(result_id: str, size: str = "report", results: WaveResults | None = None,
           label: bool = True) -> Figure | Markdown:
    """The saved ``<result_id>.<size>.png`` as a markdown image carrying its alt text.

    ``size`` is ``"report"`` (A4 text width) or ``"slide"`` (16:9). The alt text is the
    chart function's own, read from the sidecar ``<id>.alt.<lang>.txt``. With
    ``label`` the image gets the cross-reference id ``fig-<result_id>``.
    """
    from survey.render import read_alt_text
    loaded = results or _CURRENT
    if loaded is None:
        raise ConfigError("load a wave first: load_wave_results(wave)")
    if size not in ("report", "slide"):
        raise ConfigError(f"unknown figure size '{size}' (use report or slide)")
    result = loaded.result(result_id)
    folder = loaded.paths.figures(loaded.wave.id)
    png = loaded.figure_path(result_id, size)
    if png is None:  # kinds without a chart (e.g. quotes) are shown as tables only
        return Markdown("")
    alt = read_alt_text(folder, result_id, loaded.lang)
    if not alt:
        raise ConfigError(f"figure '{result_id}' has no alt text sidecar in {folder}; rerun `survey run`")
    rel = Path(os.path.relpath(png, loaded.paths.reports)).as_posix()
    return Figure(path=png, rel=rel, alt=alt, caption=loaded.title(result),
                  label=f"fig-{result_id}" if label else "")
