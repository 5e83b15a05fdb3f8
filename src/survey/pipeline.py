"""Wiring: load, call the pure stages, save. The only stage-level I/O in the package.

``run_wave`` is the main job: ingest → normalise → validate → (stop on errors) →
processed files → analysis → figures, tables and results → (render). Everything a
run writes goes into one staging tree that :mod:`survey.store` swaps in whole when it
is complete, so an interrupted or failing run leaves the previous outputs intact.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

import pandas as pd

from survey import store
from survey.analysis import interviews, plan
from survey.analysis.disclosure import DisclosureRule
from survey.artefacts import codebook, deck, figures, quotes, tables, wording
from survey.artefacts.open_answers import collect_open_answers, write_open_answers_xlsx
from survey.errors import ConfigError, InputError, Problem, QuartoMissing, ValidationFailed, printable
from survey.ingest import read
from survey.kinds import charts, style
from survey.model import Result, to_json
from survey.prepare.interviews import check_codes, interviews_meta, load_interviews
from survey.prepare.normalise import explain_unknown_values, normalise
from survey.prepare.redact import redact_frame_text, redact_text
from survey.prepare.validate import clean, summarise, validate_frame
from survey.processes import stop_on_sigterm
from survey.project.config import DatasetSpec, Project, Wave
from survey.project.instruments import Codebook, Instrument
from survey.project.paths import Paths, Tree
from survey.report import render as render_mod
from survey.report.data import charts_shown
from survey.store import cache, files
from survey.store import manifest as manifest_mod

Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    return None


@dataclass
class Ingested:
    """Everything the ingest stage learnt about one wave, before anything is written."""

    wave: Wave
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    metas: dict[str, dict] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    inputs: dict[str, Path] = field(default_factory=dict)
    interviews: dict = field(default_factory=dict)
    interviews_dataset: str = ""
    instruments: dict[str, Instrument] = field(default_factory=dict)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


def raw_file(project: Project, wave: Wave, spec: DatasetSpec) -> Path:
    """The raw export of one dataset of one wave, proven inside ``data/raw/<wave>/``; InputError when missing."""
    path = project.paths.raw_file(wave.id, spec.file)
    if not path.is_file():
        shown = project.paths.shown(path)
        raise InputError(f"the {spec.name} export declared in survey.yml is missing", file=shown,
                         hint=f"Put the file in {project.paths.shown(path.parent)}/ or correct 'file:' for wave "
                              f"'{wave.id}'.")
    return path


def wave_instrument(project: Project, wave: Wave, name: str) -> Instrument:
    """The dataset's instrument as the wave asked it: reworded questions carry the wave's wording."""
    return project.instrument(name).for_wave(wave.datasets[name].mapping.reworded)


def ingest_dataset(project: Project, wave: Wave, spec: DatasetSpec,
                   instrument: Instrument | None = None) -> tuple[pd.DataFrame | None, dict, list[Problem]]:
    """Read, normalise, validate and clean one dataset; nothing is written."""
    path = raw_file(project, wave, spec)
    raw = read(path, fmt=spec.format, sheet=spec.sheet)
    instrument = instrument or wave_instrument(project, wave, spec.name)
    normal = normalise(raw, instrument, spec, wave=wave.id)
    raw_meta = raw.meta
    del raw  # free the raw frame before validation (peak memory on large waves)
    problems = list(normal.problems)
    problems += validate_frame(normal.frame, instrument, file=raw_meta.source, headers=normal.headers)
    problems = explain_unknown_values(problems, instrument, normal.headers, wave.id)
    frame, problems = clean(normal.frame, instrument, problems, wave_cleaning(wave), normal.headers)
    names = list(project.redact_names) + list(normal.identifier_values)
    frame = redact_text_columns(frame, instrument, names=names)
    problems = safe_problems(problems, project.paths, names)
    meta = {
        "dataset": spec.name, "source": spec.file, "format": raw_meta.format, "encoding": raw_meta.encoding,
        "sha256": files.sha256_file(path), "respondents_in_file": raw_meta.respondents,
        "respondents": int(len(frame)), "headers": normal.headers,
        "dropped_identifiers": list(normal.dropped_identifiers), "absent_questions": list(normal.absent_questions),
        "ignored_columns": [n.split(": ", 1)[1] for n in normal.notes if n.startswith("ignored column: ")],
        "reworded": {q: t for q, t in spec.mapping.reworded.items() if t} or None,
        "synthetic": wave.synthetic, "wave": wave.id,
    }
    return frame, meta, problems


def safe_problems(problems: list[Problem], paths: Paths, names: list[str] = ()) -> list[Problem]:
    """``problems`` ready to print and store: personal data masked, control characters escaped, lengths
    capped, files shown relative to the project (so validation.json is the same in every checkout)."""
    names = tuple(str(n) for n in names if isinstance(n, str))
    out = []
    for problem in problems:
        value = problem.value
        if value is not None:
            value = printable(redact_text(str(value), names))
        column = None if problem.column is None else printable(redact_text(str(problem.column)), 200)
        out.append(replace(problem, value=value, column=column, file=paths.shown(Path(str(problem.file))),
                           message=printable(redact_text(str(problem.message)), 600)))
    return out


def wave_cleaning(wave: Wave) -> dict:
    return dict(wave.cleaning)


def redact_text_columns(frame: pd.DataFrame, instrument: Instrument, names: list[str]) -> pd.DataFrame:
    """A copy of ``frame`` whose open-text columns are redacted (personal data masked)."""
    columns = [c for c in frame.columns if frame[c].dtype == "string" and c not in ("respondent_id",)]
    codes = {q.id for q in instrument.questions if q.type == "single"}
    columns = [c for c in columns if c not in codes]
    if not columns:
        return frame
    return redact_frame_text(frame, columns, names=names)


def ingest_wave(project: Project, wave: Wave, progress: Progress = _quiet) -> Ingested:
    """Ingest every dataset of ``wave``; problems are collected, not raised."""
    result = Ingested(wave=wave)
    for name, spec in wave.datasets.items():
        progress(f"  reading {name}: {spec.file}")
        instrument = wave_instrument(project, wave, name)
        result.instruments[name] = instrument
        if project.kind(name) == "interviews":
            if result.interviews_dataset:
                raise ConfigError(f"wave '{wave.id}' declares two interview datasets ({result.interviews_dataset}, "
                                  f"{name}); one wave has at most one", file=str(project.paths.config_file))
            path = result.inputs[name] = raw_file(project, wave, spec)
            result.interviews = ingest_interviews(project, wave, spec, instrument)
            result.interviews_dataset = name
            codebook = Codebook.of(instrument, dataset=name)
            result.problems += safe_problems(check_codes(result.interviews, codebook, file=str(path), wave=wave.id,
                                                         codes=spec.mapping.codes,
                                                         config_file=str(project.paths.config_file)),
                                             project.paths, list(project.redact_names))
            result.metas[name] = interviews_meta(result.interviews, dataset=name, source=spec.file,
                                                 sha256=files.sha256_file(path), wave=wave.id,
                                                 synthetic=wave.synthetic)
            continue
        frame, meta, problems = ingest_dataset(project, wave, spec, instrument)
        result.inputs[name] = raw_file(project, wave, spec)
        result.frames[name] = frame
        result.metas[name] = meta
        result.problems += problems
    return result


def ingest_interviews(project: Project, wave: Wave, spec: DatasetSpec, instrument: Instrument | None = None) -> dict:
    """Read a REFI-QDA project or coding spreadsheet into codings and cases frames (the dataset's codebook)."""
    path = raw_file(project, wave, spec)
    codebook = Codebook.of(instrument or project.instrument(spec.name), dataset=spec.name)
    return load_interviews(path, names=list(project.redact_names), codebook=codebook, codes=spec.mapping.codes)


def interview_codebook(ingested: Ingested) -> Codebook:
    """The codebook of the wave's interview dataset (its instrument as the wave has it)."""
    name = ingested.interviews_dataset
    return Codebook.of(ingested.instruments.get(name), dataset=name)


def validation_report(ingested: Ingested) -> dict:
    return {"wave": ingested.wave.id, "summary": summarise(ingested.problems),
            "problems": [p.__dict__ for p in ingested.problems]}


def write_processed(project: Project, ingested: Ingested, tree: Tree, results: list[Result] | None = None) -> Path:
    """Write the normal forms, their metadata and the validation report into the run's ``tree``.

    The analyst's working files go here too, beside the processed data: the redacted
    open answers (``open_answers.xlsx``) and every quote candidate with its clearance
    status (``quotes.xlsx``, when ``results`` hold the interviews' quotes).
    """
    stage = tree.processed
    stage.mkdir(parents=True, exist_ok=True)
    lang = project.languages[0]
    candidates = [r for r in results or [] if r.kind == "interview_quotes" and not r.id.endswith("-cleared")]
    if not candidates and ingested.interviews:  # the published results hold the cleared quotes only
        candidates = [interviews.clearance_result(ingested.interviews, threshold=project.min_group_size,
                                                  cleared=project.cleared_quotes, names=project.redact_names,
                                                  codebook=interview_codebook(ingested), wave=ingested.wave.id,
                                                  synthetic=ingested.wave.synthetic)]
    write_open_answers(ingested, tree.open_answers, lang=lang, synthetic=ingested.wave.synthetic,
                       wave_label=ingested.wave.label_in(lang), organisation=project.organisation,
                       contact=tables.project_contact(project))
    quotes.write_quotes_xlsx(candidates, tree.quotes, lang=lang, synthetic=ingested.wave.synthetic,
                             wave_label=ingested.wave.label_in(lang), instruments=project.instruments(),
                             organisation=project.organisation, contact=tables.project_contact(project))
    for name, frame in ingested.frames.items():
        store.write_frame(tree.frame(name), frame)
    for name, meta in ingested.metas.items():   # the interview dataset's too (its position convention)
        store.write_json(tree.meta(name), to_json(meta))
    for name, frame in ingested.interviews.items():
        if isinstance(frame, pd.DataFrame):
            store.write_frame(stage / f"{ingested.interviews_dataset}_{name}.parquet", frame)
    store.write_json(tree.validation, to_json(validation_report(ingested)))
    return project.paths.processed(ingested.wave.id)


def load_processed(project: Project, wave: Wave) -> dict[str, pd.DataFrame]:
    """The normal-form frames a previous run wrote for ``wave`` (empty when none)."""
    tree = project.paths.tree(wave.id)
    frames = {}
    for name in wave.datasets:
        if project.kind(name) == "interviews":
            continue
        file = tree.frame(name)
        if file.is_file():
            frames[name] = store.read_frame(file)
    return frames


def analyse_wave(project: Project, wave: Wave, ingested: Ingested,
                 previous: dict[str, pd.DataFrame] | None = None) -> list[Result]:
    """Every result of the wave, in report order (pure: frames in, results out)."""
    rule = DisclosureRule.from_project(project)  # the one rule; the report's promise reads the same
    results: list[Result] = []
    for name, frame in ingested.frames.items():
        instrument = ingested.instruments.get(name) or wave_instrument(project, wave, name)
        results += plan.analyse_dataset(frame, instrument, dataset=name, wave=wave.id, synthetic=wave.synthetic,
                                        rule=rule)
        if previous and name in previous and wave.compare_to:
            compared = plan.compare_dataset(previous[name], frame, instrument, dataset=name,
                                            wave=wave.id, previous_wave=wave.compare_to,
                                            not_comparable=reworded_between(project, wave, name),
                                            synthetic=wave.synthetic, rule=rule)
            results += wording.with_wave_names(compared, project.waves)  # labels["waves"]: names, not ids
    if ingested.interviews:
        codebook = interview_codebook(ingested)
        results += interviews.analyse_interviews(ingested.interviews, codebook=codebook, wave=wave.id,
                                                 synthetic=wave.synthetic, threshold=project.min_group_size,
                                                 merge_small=project.merge_small_groups,
                                                 cleared=project.cleared_quotes, names=project.redact_names)
        results += interviews.triangulate_results(results, project.triangulation, codebook=codebook,
                                                  instruments=ingested.instruments, wave=wave.id,
                                                  synthetic=wave.synthetic)
    return plan.adjust_family(results, project)  # one testing family (survey.yml statistics), all tests of it


def reworded_between(project: Project, wave: Wave, name: str) -> list[str]:
    """Questions of ``name`` whose wording differs between ``wave`` and its comparison wave.

    A wave's ``reworded: {qid: {fi: ...}}`` gives the text it asked; the list form
    (``reworded: [qid]``) says only that it differs from the instrument's text.
    """
    previous = project.wave(wave.compare_to)

    def wording(w: Wave) -> dict:
        spec = w.datasets.get(name)
        return dict(spec.mapping.reworded) if spec else {}

    now, before = wording(wave), wording(previous)
    changed = []
    for qid in dict.fromkeys([*now, *before]):
        a, b = now.get(qid), before.get(qid)
        if a == {} or b == {} or (a or {}).get("fi") != (b or {}).get("fi"):
            changed.append(qid)
    return changed


FIGURES_ENV = "SURVEY_FIGURES"          # overrides survey.yml figures: charts: ("all" or "shown") for one run
FORMATS_ENV = "SURVEY_FIGURE_FORMATS"   # overrides survey.yml figures: formats: ("png" or "png,svg") for one run


def every_chart(project: Project) -> bool:
    """Whether this run draws every chart at both sizes (``SURVEY_FIGURES`` over ``figures: charts:``)."""
    return (os.environ.get(FIGURES_ENV, "").strip().lower() or project.figures.charts) == "all"


def chart_plan(project: Project, wave: Wave, results: list[Result], instruments: dict) -> dict[str, tuple[str, ...]]:
    """result id -> the chart sizes something reads: the report, the Quarto slides, the decks.

    ``report``: the results the report's body shows; ``slide``: those the Quarto slides
    show and those on the PowerPoint decks (``deck.on_slides``); see
    :func:`survey.report.data.charts_shown`. A breakdown with no clear difference, a
    summary the chapters do not show, ... gets no chart (its numbers are in tables.xlsx).
    ``SURVEY_FIGURES=all`` (or ``figures: charts: all``) plans every chart at both sizes.
    """
    drawn = figures.charted(results, instruments)
    if every_chart(project):
        return {r.id: figures.SIZES for r in drawn}
    shown = charts_shown(project, wave, drawn)
    shown["slide"] |= {r.id for r in drawn if deck.on_slides(r)}
    plan = {r.id: tuple(size for size in figures.SIZES if r.id in shown[size]) for r in drawn}
    return {rid: sizes for rid, sizes in plan.items() if sizes}


def drawn_now(plan: dict[str, tuple[str, ...]], project: Project, report: bool) -> dict[str, tuple[str, ...]]:
    """The part of ``plan`` a run draws: the slide charts (the decks read them) always, the report's only when
    ``report`` (the run renders the report) or ``figures: charts: all``; the rest is drawn when the report is
    rendered (``survey render``: :func:`survey.report.render.stage_figures`)."""
    if report or every_chart(project):
        return plan
    now = {rid: tuple(size for size in sizes if size != "report") for rid, sizes in plan.items()}
    return {rid: sizes for rid, sizes in now.items() if sizes}


def figure_formats(project: Project) -> tuple[str, ...]:
    """The picture formats a run writes: PNG always (what the report, the slides and the decks read), SVG when
    survey.yml's ``figures: formats:`` (default png and svg) or ``SURVEY_FIGURE_FORMATS`` asks for it."""
    asked = [f.strip().lower() for f in os.environ.get(FORMATS_ENV, "").split(",") if f.strip()]
    asked = asked or list(project.figures.formats)
    unknown = [f for f in asked if f not in figures.FORMATS]
    if unknown:
        raise ConfigError(f"{FORMATS_ENV}={','.join(asked)}: unknown figure format {unknown[0]!r} "
                          f"(use {', '.join(figures.FORMATS)})")
    return tuple(f for f in figures.FORMATS if f == "png" or f in asked)


def export_wave(project: Project, wave: Wave, results: list[Result], ingested: Ingested,
                manifest: Callable[[], dict], tree: Tree, progress: Progress = _quiet, *,
                report_charts: bool = True, meanwhile: Callable[[], object] | None = None) -> Path:
    """Figures (PNG, SVG at slide size, alt text), results JSON, workbooks and decks, into the run's ``tree``.

    ``report_charts``: the report-size charts are drawn too (the run renders the report);
    otherwise only those unchanged since the previous run are kept (linked), and the
    rest are drawn when the report is rendered. While the chart workers draw, this
    process writes the workbooks, calls ``meanwhile`` and builds the decks' slides, then
    puts each language's charts on its deck as soon as they are drawn. The previous run's visible tree is only read (figures and
    workbooks whose inputs did not change are copied from it).
    """
    target = project.paths.output(wave.id)
    languages = project.languages
    theme = style.project_theme(project, progress)
    instruments = project.instruments()
    stage = tree.root
    figures_dir = tree.figures
    results_dir = tree.results
    figures_dir.mkdir(parents=True, exist_ok=True)
    results_dir.mkdir(parents=True, exist_ok=True)
    data = {result.id: result.to_dict() for result in results}  # serialised once: the JSON, the cache keys
    serialised = {rid: to_json(value) for rid, value in data.items()}
    for rid, text in serialised.items():
        store.write_json(results_dir / f"{rid}.json", text)
    plan = chart_plan(project, wave, results, ingested.instruments)
    now = drawn_now(plan, project, report_charts)
    later = {rid: tuple(s for s in sizes if s not in now.get(rid, ())) for rid, sizes in plan.items()}
    code = cache.chart_code_digest()
    contact = tables.project_contact(project)
    texts = wording.project_texts(project)  # the project's own names (Likert batteries)

    decks: dict = {}  # lang -> the deck built while the charts are drawn, its pictures added when they are

    def write_deck(lang: str) -> None:  # slides.pptx, slides.<lang>.pptx: once that language's charts are drawn
        if lang == languages[0]:
            progress("[4/4] Writing the slide decks, each as soon as its language's charts are drawn")
        deck.finish_deck(project, decks, lang, stage)

    def workbooks() -> None:
        if meanwhile is not None:
            meanwhile()
        for i, lang in enumerate(languages):
            name = tree.tables(lang, first=i == 0).name
            key = cache.workbook_key(results, lang, wave.label_in(lang), wave.synthetic,
                                     code + to_json([project.organisation, contact, wave.population, texts]),
                                     serialised=serialised)
            if not cache.reuse_file(target / name, stage / name, key, stage / cache.WORKBOOK_CACHE):
                tables.write_tables_xlsx(results, stage / name, lang=lang, synthetic=wave.synthetic,
                                         wave_label=wave.label_in(lang), organisation=project.organisation,
                                         contact=contact, population=wave.population, instruments=instruments,
                                         texts=texts)
        codebook.write_codebook(ingested, tree.codebook, lang=languages[0], synthetic=wave.synthetic,
                                wave_label=wave.label, organisation=project.organisation, contact=contact,
                                rule=DisclosureRule.from_project(project))
        decks.update(deck.prepare_wave_decks(project, wave, results, stage, theme=theme))

    figures.draw_all([r for r in results if r.id in plan], figures_dir, languages,
                     {lang: wave.label_in(lang) for lang in languages}, wave.synthetic, theme=theme,
                     previous=project.paths.figures(wave.id), progress=progress,
                     sources=figures.dataset_sources(project, languages), sizes=now, formats=figure_formats(project),
                     keep={rid: sizes for rid, sizes in later.items() if sizes}, meanwhile=workbooks, data=data,
                     language_done=write_deck)
    store.write_json(tree.manifest, to_json(manifest()))
    return target


def write_open_answers(ingested: Ingested, path: Path, *, lang: str, synthetic: bool, wave_label: str = "",
                       organisation: str = "", contact: str = "") -> Path:
    """The redacted open answers of every survey dataset in one workbook."""
    instruments = {name: ingested.instruments[name] for name in ingested.frames}
    table = collect_open_answers(ingested.frames, instruments, lang=lang)
    return write_open_answers_xlsx(table, path, lang=lang, synthetic=synthetic, wave_label=wave_label,
                                   organisation=organisation, contact=contact)


@dataclass
class RunReport:
    wave: str
    processed: Path | None
    output: Path | None
    problems: list[Problem]
    results: int
    rendered: list[Path] = field(default_factory=list)
    render_message: str = ""
    render_error: Exception | None = None


def check_wave(project: Project, wave_id: str | None = None, progress: Progress = _quiet) -> Ingested:
    """Ingest and validate one wave without writing outputs (``survey validate``)."""
    wave = project.wave(wave_id)
    project.paths.raw(wave.id)     # a wave id that is not a plain name stops here, before anything is read
    store.recover(project.paths)   # a swap interrupted by a kill is repaired before anyone reads the outputs
    progress(f"Validating wave {wave.id}")
    return ingest_wave(project, wave, progress)


def write_failed_validation(project: Project, ingested: Ingested) -> Path:
    """The validation report of a failed run, beside (not inside) the last good outputs."""
    path = project.paths.failed_validation(ingested.wave.id)
    return store.write_outside_tree(project.paths, path, to_json(validation_report(ingested)))


def check_results(project: Project, wave: Wave, ingested: Ingested, results: list[Result]) -> None:
    """Refuse a run that would replace good outputs with nothing: zero results, or a dataset with none."""
    empty = [name for name, frame in ingested.frames.items() if frame is None or len(frame) == 0]
    analysable = {name for name, instrument in ingested.instruments.items()
                  if any(q.type in ("single", "multi", "likert", "numeric") for q in instrument.questions)}
    without = [name for name in ingested.frames
               if name not in empty and name in analysable and not any(r.dataset == name for r in results)]
    file = str(project.paths.config_file)
    problems = [Problem(file=str(ingested.inputs.get(n, file)), rule="no-respondents",
                        message=f"dataset '{n}' has no respondents in wave '{wave.id}'; check the export")
                for n in empty]
    problems += [Problem(file=str(ingested.inputs.get(n, file)), rule="no-results",
                         message=f"dataset '{n}' gave no results: none of its questions is in the export; check "
                                 "the instrument and the wave's mapping") for n in without]
    if not results:
        problems.append(Problem(file=file, rule="no-results",
                                message=f"wave '{wave.id}' gave no results; the last good outputs are kept"))
    if problems:
        raise ValidationFailed(problems)


def run_wave(project: Project, wave_id: str | None = None, *, render: bool = True,
             progress: Progress = _quiet, command: str = "survey run") -> RunReport:
    """The main job for one wave. Raises ValidationFailed (nothing replaced) on data errors."""
    started = dt.datetime.now(dt.timezone.utc)
    if not project.waves:
        raise ConfigError("survey.yml declares no waves: there is nothing to run yet. Put an export in "
                          "data/raw/<wave>/ and declare it (`survey draft FILE --dataset ID --wave W` does both)",
                          file=str(project.paths.config_file))
    wave = project.wave(wave_id)
    progress(f"[1/4] Reading and validating wave {wave.id}")
    ingested = ingest_wave(project, wave, progress)
    if ingested.errors:
        write_failed_validation(project, ingested)
        raise ValidationFailed(ingested.errors)
    with stop_on_sigterm(), store.staged_tree(project.paths, wave.id) as tree:  # one tree, swapped in whole
        previous = None
        if wave.compare_to:
            previous_wave = project.wave(wave.compare_to)
            previous = load_processed(project, previous_wave)
            if not previous:   # read in memory only: a run replaces its own wave's tree and nothing else
                progress(f"  comparison wave {previous_wave.id} has no processed data; reading its exports")
                prev_ingested = ingest_wave(project, previous_wave)
                if not prev_ingested.errors:
                    previous = prev_ingested.frames
        progress("[2/4] Analysing")
        results = analyse_wave(project, wave, ingested, previous)
        check_results(project, wave, ingested, results)  # before anything is swapped in
        progress(f"[3/4] Writing {len(results)} results and their charts; meanwhile the processed data, "
                 "the analyst's working files and the workbooks")
        written: dict[str, Path] = {}

        def write_processed_data() -> None:
            written["processed"] = write_processed(project, ingested, tree, results)

        def manifest() -> dict:
            return manifest_mod.build_manifest(
                inputs={**{f"raw/{k}": v for k, v in ingested.inputs.items()},
                        "survey.yml": project.paths.config_file},
                config_digest=project.digest, command=command, started=started,
                finished=dt.datetime.now(dt.timezone.utc), validation_summary=summarise(ingested.problems),
                root=project.paths.root)

        rendering = render and render_mod.find_quarto() is not None  # no Quarto: no report reads its charts yet
        output = export_wave(project, wave, results, ingested, manifest, tree, progress, report_charts=rendering,
                             meanwhile=write_processed_data)
        processed = written["processed"]
    project.paths.failed_validation(wave.id).unlink(missing_ok=True)   # superseded by this run's validation.json
    report = RunReport(wave=wave.id, processed=processed, output=output, problems=ingested.problems,
                       results=len(results))
    if render:
        try:
            report.rendered = render_mod.render(project, wave.id, compare=wave.compare_to)
        except Exception as exc:  # QuartoMissing and render failures: artefacts are already complete
            report.render_message = getattr(exc, "message", str(exc))
            if not isinstance(exc, QuartoMissing):  # a failed render fails the run (no Quarto does not)
                report.render_error = exc
    return report


def print_progress(message: str) -> None:
    print(printable(message, 400), file=sys.stderr, flush=True)


def read_json(path: Path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))
