"""What the report and slide documents read: results, texts, words and numbers of one wave.

The documents (``survey/report/templates/report.qmd`` and ``slides.qmd``, the same for
every project) compute nothing: :class:`WaveData` only *reads* what ``survey run`` wrote
(results JSON, the saved figures and their alt-text sidecars, ``validation.json``) and
hands it to the functions that own each job: wording of findings from
:mod:`survey.kinds.findings`, labels from :mod:`survey.kinds.words`, numbers from
:mod:`survey.catalogue.fmt`. The markdown the documents print is built by
:mod:`survey.report.markdown` on top of it.

Chapters follow the project: one per dataset the wave has, in survey.yml's order
(:func:`dataset_order`), titled and introduced from the instrument's ``chapter:`` keys
or the project's texts (:func:`chapter_texts`). Report prose that is not a finding
lives in the package's ``templates/texts.yml`` (fi, sv, en); a project's own
``reports/_texts.yml`` overrides it key by key.
"""

from __future__ import annotations

import dataclasses
import decimal
import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from survey import catalogue
from survey.analysis.disclosure import DisclosureRule, hides_values, promise_text
from survey.catalogue import fmt
from survey.errors import ConfigError
from survey.kinds import findings, phrases, words
from survey.model import ASIDE_KINDS, GROUP_COMPARISONS, INTERVIEW_KINDS, Result, ResultKind
from survey.project.config import Paths, Project

TEMPLATES = Path(__file__).resolve().parent / "templates"
PACKAGE_TEXTS = TEMPLATES / "texts.yml"
CONFIDENCE = 0.95  # the level of every interval the analysis reports

CHAPTER_KINDS = ("single", "multi", "likert", "numeric", "interview_codes", "interview_cooccurrence",
                 "interview_quotes")
# the largest share of the text height a figure may take (taller ones are drawn narrower)


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
    return f"{catalogue.text('synthetic', lang)}: {load_texts(lang, paths)['banner_detail']}"


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
    """The dataset's instrument, or ``None`` when the project declares none for it.

    Read once per project and dataset (a document asks for it for every result).
    """
    key = (str(project.paths.root), project.digest, dataset)
    if key not in _INSTRUMENTS:
        try:
            _INSTRUMENTS[key] = project.instrument(dataset)
        except ConfigError:  # a dataset without an instrument only loses titles and order
            _INSTRUMENTS[key] = None
    return _INSTRUMENTS[key]


def dataset_kind(project: Project, dataset: str, results: list[Result] = ()) -> str:
    """``survey`` or ``interviews``: the declared kind, else what the dataset's results are."""
    decl = (getattr(project, "datasets", None) or {}).get(dataset) if hasattr(project, "datasets") else None
    kind = getattr(decl, "kind", None)
    if kind:
        return str(kind)
    return "interviews" if any(r.kind in INTERVIEW_KINDS for r in results) else "survey"


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
    instrument = instrument_of(project, dataset)
    chapter = _extra(instrument, "chapter") or {} if instrument is not None else {}
    if hasattr(chapter, "model_dump"):
        chapter = chapter.model_dump()
    title = (catalogue.pick(chapter.get("title"), lang) or texts.get(f"ch_{dataset}")
             or catalogue.pick(getattr(instrument, "title", None), lang) or dataset)
    intro = catalogue.pick(chapter.get("intro"), lang) or texts.get(f"intro_{dataset}", "")
    return title.strip(), intro.strip()


def _whole_percent(x) -> int | None:
    """A share as the whole percentage the report shows (half away from zero, as survey.catalogue.fmt)."""
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


def read_alt_text(figures_dir: Path, result_id: str, lang: str = "fi", fallback: bool = True) -> str:
    """The sidecar alt text of one figure in ``lang`` ('' when there is none).

    With ``fallback`` a figure without a ``lang`` sidecar gets the Finnish (or the
    language-less) one; without it only ``lang``'s own counts.
    """
    names = [f"{result_id}.alt.{lang}.txt"] + ([f"{result_id}.alt.fi.txt", f"{result_id}.alt.txt"] if fallback else [])
    for name in names:
        file = Path(figures_dir) / name
        if file.is_file():
            return file.read_text(encoding="utf-8").strip()
    return ""


@dataclass
class WaveData:
    """What one wave's run produced, with the language the document is written in.

    ``figures`` is the folder of the staged figures (one ``<id>.<size>.png`` per chart,
    in the document's language, beside the document); without it the pipeline's own
    figure folder is read.
    """

    project: Project
    wave: object
    lang: str
    results: dict
    compare: "WaveData | None" = None
    validation: dict | None = None
    figures: Path | None = None

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
        return self.wave.label_in(self.lang)

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
        return [r for r in self.results.values() if r.kind == ResultKind.TRIANGULATION]

    # ---- formatting for inline prose (numbers only via survey.catalogue.fmt)
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
            return catalogue.text("suppressed", self.lang)
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
        return words.code_label(result, code, self.lang)

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
        question = self.question(result)
        short = getattr(question, "short", None) if question is not None else None
        return catalogue.pick(short, self.lang, "").strip() if short else ""

    def question_text(self, result: Result) -> str:
        """The question as asked (its first sentence: instructions after it are left out)."""
        return first_sentence(catalogue.pick(result.title, self.lang, str(result.question)).strip())

    def _by(self, result: Result) -> str:
        return catalogue.pick((result.labels or {}).get("by"), self.lang, "")

    def caption(self, result: Result) -> str:
        """A result's figure or table caption: the question text (with the grouping or the waves).

        The cleared quotes' table says they are the cleared quotes, and in which language
        they are when the report is in another one (quotes are never translated).
        """
        if result.kind == ResultKind.INTERVIEW_QUOTES:
            caption = self.t("caption_quotes")
            source = self.project.language
            if source != self.lang and self.has_text(f"quotes_in_{source}"):
                caption = self.t("caption_quotes_language", caption=caption, note=self.t(f"quotes_in_{source}"))
            return caption
        text = self.question_text(result)
        if result.kind in GROUP_COMPARISONS and self._by(result):
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
        if result.kind in INTERVIEW_KINDS and self.has_text(key):
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
        if result.kind in GROUP_COMPARISONS and self._by(result):
            return self.t("title_breakdown", title=name, by=self._by(result))
        return name

    def finding(self, result: Result) -> str:
        """The plain-language finding of one result (analysis' rules), waves named, not id'd."""
        text = findings.interpret(result, self.lang) or self._fallback_finding(result)
        return self.name_waves(text)

    def name_waves(self, text: str) -> str:
        """``text`` with every wave id replaced by the wave's name."""
        for wave in sorted(self.project.waves, key=lambda w: -len(w.id)):
            if wave.id in text:
                text = text.replace(wave.id, wave.label_in(self.lang))
        return text

    def _fallback_finding(self, result: Result) -> str:
        table = result.table
        if result.kind == ResultKind.INTERVIEW_QUOTES:
            return "" if len(table) else self.t("quotes_none")
        interviews = (result.n or {}).get("interviews")
        if result.kind == "interview_codes" and {"interviews", "code"} <= set(table.columns) and len(table):
            rows = table[table["level"] == "theme"] if "level" in table.columns else table
            top = rows[rows["interviews"] == rows["interviews"].max()]
            return self.t("finding_interview_codes",
                          labels=self.join([lower_first(self.code_label(result, c)) for c in top["code"]]),
                          count=fmt.format_count(top["interviews"].iloc[0], self.lang),
                          n=fmt.format_count(interviews, self.lang))
        if result.kind == "interview_cooccurrence" and {"code_a", "code_b", "both"} <= set(table.columns):
            pairs = table[table["code_a"] != table["code_b"]]
            if len(pairs):
                top = pairs.sort_values("both", ascending=False, kind="stable").iloc[0]
                a, b = (lower_first(self.code_label(result, top[k])) for k in ("code_a", "code_b"))
                return upper_first(self.t("finding_interview_pairs", a=a, b=b,
                                          count=fmt.format_count(top["both"], self.lang),
                                          n=fmt.format_count(interviews, self.lang)))
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
        folder = Path(self.figures) if self.figures is not None else self.paths.figures(self.wave.id)
        sized = folder / f"{result_id}.{size}.alt.{self.lang}.txt"
        if sized.is_file():
            return sized.read_text(encoding="utf-8").strip()
        return read_alt_text(folder, result_id, self.lang, fallback=False)

    def shown(self, result: Result) -> bool:
        """Whether the report's body shows ``result`` (the rest is in tables.xlsx or the appendix)."""
        kind = result.kind
        if kind in GROUP_COMPARISONS:
            return _strength(result) >= 3 and self.figure_path(result.id) is not None
        if kind == "interview_cooccurrence":  # the smallest (theme-level) one; the rest are in the xlsx
            siblings = self.of(result.dataset, kinds=(kind,))
            return result.id == min(siblings, key=lambda r: len(r.table)).id
        if kind == ResultKind.INTERVIEW_QUOTES:
            return len(result.table) > 0
        if kind not in CHAPTER_KINDS:
            return False
        return self.figure_path(result.id) is not None

    def body_results(self) -> list[Result]:
        """Every result the body shows, in chapter order (dataset chapters, then changes)."""
        out = [r for d in self.datasets() for r in self.of(d) if self.shown(r)]
        return out + [r for r in self.comparisons() if self.change_is_shown(r)] + \
            [r for r in self.triangulation() if self.figure_path(r.id)]

    def key_findings(self, limit: int = 8) -> list[tuple[Result, str]]:
        """Up to ``limit`` findings of results the body shows: the analysis' own selection."""
        shown = self.body_results()
        named = [dataclasses.replace(r, title={self.lang: self.title(r)}) for r in shown]
        chosen = findings.key_findings(named, self.lang, limit=limit * 2)
        if not chosen:
            chosen = [(r, self.finding(r)) for r in named]
        by_id = {r.id: r for r in shown}
        unique, seen = [], set()
        for result, text in chosen:
            if text and text not in seen:
                seen.add(text)
                unique.append((by_id.get(result.id, result), self.name_waves(text)))
        return unique[:limit]

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
        if instrument is None or result.kind in GROUP_COMPARISONS or result.kind == "wave":
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

    # ---- changes since the comparison wave
    def change_is_shown(self, result: Result) -> bool:
        return (result.kind == "wave" and is_comparable(result) and _strength(result) >= 3
                and self.figure_path(result.id) is not None)

    def counted(self, key: str, count: int, **values) -> str:
        """The text ``key`` for ``count`` things: ``<key>_one`` for one, else ``<key>`` with the count
        (under ten as a word); a sentence that starts with the count starts with a capital."""
        if count == 1 and self.has_text(f"{key}_one"):
            return self.t(f"{key}_one", **values)
        text = self.t(key, count=fmt.format_count_words(count, self.lang), **values)
        return upper_first(text) if self.t(key).startswith("{count}") and text.endswith(".") else text

    def validation_text(self) -> str:
        """What the validation found and how the cleaning rules handled it, in plain words."""
        validation = self.validation or {}
        summary = validation.get("summary")
        if not summary:
            return self.t("validation_none")
        found = [self.counted(f"validation_{key}", int(summary.get(key, 0) or 0)) for key in ("errors", "warnings")
                 if summary.get(key)]
        parts = [self.t("validation_found", items=self.join(found)) if found else self.t("validation_clean")]
        handled = [p for p in validation.get("problems") or [] if p.get("severity") == "handled"]
        count = len(handled) or int(summary.get("handled", 0) or 0)
        if count:
            kinds: dict[str, int] = {}
            for problem in handled:
                kind = _handled_kind(str(problem.get("rule", "")))
                kinds[kind] = kinds.get(kind, 0) + 1
            if count > len(handled):
                kinds["other"] = kinds.get("other", 0) + count - len(handled)
            details = self.join([self.counted(f"validation_{kind}", k) for kind, k in kinds.items()])
            parts.append(self.counted("validation_handled", count, details=details))
        return " ".join(parts)

    def suppressed_results(self) -> list[Result]:
        """Every published result with a hidden value, in chapter order (breakdowns and interview tables too)."""
        ordered = [r for d in self.datasets() for r in self.of(d)] + self.comparisons() + self.triangulation()
        seen, out = set(), []
        for result in ordered:
            if result.id not in seen and not result.kind == ResultKind.INTERVIEW_QUOTES and hides_values(result):
                seen.add(result.id)
                out.append(result)
        return out

    def disclosure_text(self) -> str:
        """The disclosure rule in the analysis' own words (the rule exactly as applied) and every result
        whose values it hid: each by its title, the results by group summed up per grouping."""
        hit = self.suppressed_results()
        grouped = [r for r in hit if r.kind in GROUP_COMPARISONS and self._by(r)]
        items = [self.title(r) for r in hit if r not in grouped]
        by_grouping: dict[str, int] = {}
        for result in grouped:
            by_grouping[self._by(result)] = by_grouping.get(self._by(result), 0) + 1
        items += [self.counted("disclosure_breakdowns", k, by=by) for by, k in by_grouping.items()]
        detail = self.t("disclosure_suppressed", items="; ".join(items)) if items else self.t("disclosure_nothing")
        return f"{promise_text(self.lang, self.project)} {detail}"

    def methods_text(self) -> str:
        """The analysis' own plain-language account of its methods (the disclosure rule has its section)."""
        rule = DisclosureRule.from_project(self.project)
        return findings.methods_text(self.lang, threshold=rule.min_group_size, merge_small=rule.merge_small_groups,
                            small_counts=rule.small_counts, statistics=self.project, disclosure=False)

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
        clear = [r for r in rows if phrases.difference_is_clear(r.get("ci_low"), r.get("ci_high"), r.get("p_adjusted"))]
        pick = max(clear or rows, key=lambda r: abs(_num(r.get("diff"), 0.0)))
        label = self.code_label(result, pick["code"]) if len(table) > 1 else ""
        return [self.title(result), label, fmt.format_percent(pick.get("pct_before"), self.lang, 0),
                fmt.format_percent(pick.get("pct_now"), self.lang, 0),
                shown_change(pick.get("pct_before"), pick.get("pct_now"), self.lang), verdict]

    def missing_rows(self) -> list[list[str]]:
        rows = []
        for dataset in self.datasets():
            for result in self.of(dataset):
                if not self.shown(result) or result.kind in GROUP_COMPARISONS:
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


# --------------------------------------------------------------------------- helpers
def _num(value, default=math.nan) -> float:
    try:
        value = float(value)
    except (TypeError, ValueError):
        return default
    return default if math.isnan(value) else value


def lower_first(text: str) -> str:
    """A label inside a sentence: its first letter in lower case, unless it is an acronym ("EU-hanke")."""
    text = str(text)
    return text[:1].lower() + text[1:] if text[1:2] and not text[1:2].isupper() else text


def upper_first(text: str) -> str:
    """A sentence that starts with a label or a number word: its first letter in upper case."""
    text = str(text)
    return text[:1].upper() + text[1:]


_INVALID_RULES = ("known code", "0/1 selection", "a number")


def _handled_kind(rule: str) -> str:
    """Which cleaning rule handled a validation problem (survey.prepare.validate.clean)."""
    if rule == "field_uniqueness":
        return "duplicates"
    if rule in _INVALID_RULES or rule.startswith("within"):
        return "invalid"
    if rule == "user-missing":
        return "declared_missing"
    return "other"


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


def _uncleared_quotes(result: Result) -> bool:
    """True for a quote-candidate result that is not the cleared selection."""
    return result.kind == ResultKind.INTERVIEW_QUOTES and not result.id.endswith("-cleared")


def _cleared_only(result: Result) -> Result:
    """A quotes result keeps only rows marked cleared; other results are returned as they are."""
    if result.kind != ResultKind.INTERVIEW_QUOTES:
        return result
    table = result.table
    if "cleared" in table.columns:
        table = table[table["cleared"].fillna(False).astype(bool)].reset_index(drop=True)
    else:
        table = table.iloc[0:0]
    return dataclasses.replace(result, table=table)


def _is_aside(result: Result) -> bool:
    """Comparisons and triangulation have chapters of their own."""
    return result.kind in ASIDE_KINDS


def _answering(result: Result):
    n = result.n or {}
    return n.get("answering", n.get("respondents"))


def _strength(result: Result) -> int:
    """How firm a result's finding is (:func:`survey.kinds.findings.strength`)."""
    return findings.strength(result)


class _EveryChartDrawn(WaveData):
    """The documents' own choice of what they show, asked before any chart exists (every chart is assumed drawn)."""

    def figure_path(self, result_id: str, size: str = "report") -> Path | None:
        return Path(f"{result_id}.{size}.png")


def charts_shown(project: Project, wave, results: list[Result]) -> dict[str, set[str]]:
    """``{"report": ids, "slide": ids}``: the charts the report's body and the Quarto slides show.

    ``report``: :meth:`WaveData.body_results` (the chapters, the development plan, the
    clear changes); ``slide``: a result shown in a chapter, or a clear change. Asked as
    if every chart of ``results`` were drawn, so the documents' own rules decide; a
    result left out (a ``chart: none`` question) is shown as a table.
    """
    planning = _EveryChartDrawn(project=project, wave=wave, lang=project.languages[0],
                                results={r.id: r for r in results})
    report = {r.id for r in planning.body_results()}
    slides = {r.id for d in planning.datasets() for r in planning.of(d) if planning.shown(r)}
    slides |= {r.id for r in planning.comparisons() if planning.change_is_shown(r)}
    return {"report": report, "slide": slides}
