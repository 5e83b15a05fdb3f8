"""Wiring: load, call the pure stages, save. The only stage-level I/O in the package.

``run_wave`` is the main job: ingest → normalise → validate → (stop on errors) →
processed files → analysis → figures, tables and results → (render). Each stage
writes into a staging folder and swaps it into place only when complete, so an
interrupted run leaves the previous outputs intact.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pandas as pd

from survey import files
from survey.config import DatasetSpec, Project, Wave
from survey.errors import InputError, Problem, ValidationFailed
from survey.instruments import Instrument, load_instrument
from survey.model import Result, to_json
from survey.normalise import normalise
from survey.validate import clean, summarise, validate_frame

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

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


def raw_file(project: Project, wave: Wave, spec: DatasetSpec) -> Path:
    """The raw export of one dataset of one wave; InputError when it is missing."""
    path = project.paths.raw(wave.id) / spec.file
    if not path.is_file():
        raise InputError(f"the {spec.name} export declared in survey.yml is missing", file=str(path),
                         hint=f"Put the file in {path.parent} or correct 'file:' for wave '{wave.id}'.")
    return path


def ingest_dataset(project: Project, wave: Wave, spec: DatasetSpec,
                   instrument: Instrument | None = None) -> tuple[pd.DataFrame | None, dict, list[Problem]]:
    """Read, normalise, validate and clean one dataset; nothing is written."""
    from survey.ingest import read

    path = raw_file(project, wave, spec)
    raw = read(path, fmt=spec.format, sheet=spec.sheet)
    instrument = instrument or load_instrument(spec.name)
    normal = normalise(raw, instrument, spec, wave=wave.id)
    raw_meta = raw.meta
    del raw  # free the raw frame before validation (peak memory on large waves)
    problems = list(normal.problems)
    problems += validate_frame(normal.frame, instrument, file=raw_meta.source, headers=normal.headers)
    frame, problems = clean(normal.frame, instrument, problems, wave_cleaning(wave), normal.headers)
    frame = redact_text_columns(frame, instrument, names=list(project.redact_names) + list(normal.identifier_values))
    meta = {
        "dataset": spec.name, "source": spec.file, "format": raw_meta.format, "encoding": raw_meta.encoding,
        "sha256": files.sha256_file(path), "respondents_in_file": raw_meta.respondents,
        "respondents": int(len(frame)), "headers": normal.headers,
        "dropped_identifiers": list(normal.dropped_identifiers), "absent_questions": list(normal.absent_questions),
        "synthetic": wave.synthetic, "wave": wave.id,
    }
    return frame, meta, problems


def wave_cleaning(wave: Wave) -> dict:
    return dict(wave.cleaning)


def redact_text_columns(frame: pd.DataFrame, instrument: Instrument, names: list[str]) -> pd.DataFrame:
    """A copy of ``frame`` whose open-text columns are redacted (personal data masked)."""
    columns = [c for c in frame.columns if frame[c].dtype == "string" and c not in ("respondent_id",)]
    codes = {q.id for q in instrument.questions if q.type == "single"}
    columns = [c for c in columns if c not in codes]
    if not columns:
        return frame
    try:
        from survey.redact import redact_frame_text
    except ImportError:  # pragma: no cover - redactor is part of the package
        return frame
    return redact_frame_text(frame, columns, names=names)


def ingest_wave(project: Project, wave: Wave, progress: Progress = _quiet) -> Ingested:
    """Ingest every dataset of ``wave``; problems are collected, not raised."""
    result = Ingested(wave=wave)
    for name, spec in wave.datasets.items():
        progress(f"  reading {name}: {spec.file}")
        if name == "interviews":
            result.inputs[name] = raw_file(project, wave, spec)
            result.interviews = ingest_interviews(project, wave, spec)
            continue
        frame, meta, problems = ingest_dataset(project, wave, spec)
        result.inputs[name] = project.paths.raw(wave.id) / spec.file
        result.frames[name] = frame
        result.metas[name] = meta
        result.problems += problems
    return result


def ingest_interviews(project: Project, wave: Wave, spec: DatasetSpec) -> dict:
    """Read a REFI-QDA project or coding spreadsheet into codings and cases frames."""
    from survey import interviews

    path = raw_file(project, wave, spec)
    return interviews.load_interviews(path, names=list(project.redact_names))


def validation_report(ingested: Ingested) -> dict:
    return {"wave": ingested.wave.id, "summary": summarise(ingested.problems),
            "problems": [p.__dict__ for p in ingested.problems]}


def write_processed(project: Project, ingested: Ingested) -> Path:
    """Write the normal forms, their metadata and the validation report, swapped in at once."""
    target = project.paths.processed(ingested.wave.id)
    with files.staged_dir(target) as stage:
        for name, frame in ingested.frames.items():
            frame.to_parquet(stage / f"{name}.parquet", index=False)
            files.write_text_atomic(stage / f"{name}.meta.json", to_json(ingested.metas[name]))
        for name, frame in ingested.interviews.items():
            if isinstance(frame, pd.DataFrame):
                frame.to_parquet(stage / f"interviews_{name}.parquet", index=False)
        files.write_text_atomic(stage / "validation.json", to_json(validation_report(ingested)))
    return target


def load_processed(project: Project, wave: Wave) -> dict[str, pd.DataFrame]:
    """The normal-form frames a previous run wrote for ``wave`` (empty when none)."""
    folder = project.paths.processed(wave.id)
    frames = {}
    for name in wave.datasets:
        file = folder / f"{name}.parquet"
        if file.is_file():
            frames[name] = pd.read_parquet(file)
    return frames


def analyse_wave(project: Project, wave: Wave, ingested: Ingested,
                 previous: dict[str, pd.DataFrame] | None = None) -> list[Result]:
    """Every result of the wave, in report order (pure: frames in, results out)."""
    from survey import plan

    results: list[Result] = []
    for name, frame in ingested.frames.items():
        instrument = load_instrument(name)
        results += plan.analyse_dataset(frame, instrument, dataset=name, wave=wave.id, synthetic=wave.synthetic,
                                        threshold=project.min_group_size,
                                        merge_small=project.merge_small_groups)
        if previous and name in previous and wave.compare_to:
            mapping = wave.datasets[name].mapping or {}
            results += plan.compare_dataset(previous[name], frame, instrument, dataset=name,
                                            wave=wave.id, previous_wave=wave.compare_to,
                                            not_comparable=list(mapping.get("reworded") or []),
                                            synthetic=wave.synthetic, threshold=project.min_group_size)
    if ingested.interviews:
        from survey import interviews

        results += interviews.analyse_interviews(ingested.interviews, wave=wave.id, synthetic=wave.synthetic,
                                                 threshold=project.min_group_size,
                                                 merge_small=project.merge_small_groups,
                                                 cleared=project.cleared_quotes, names=project.redact_names)
        results += interviews.triangulate_results(results, project.triangulation, wave=wave.id,
                                                  synthetic=wave.synthetic)
    return results


def draw_result(result: Result, folder: Path, languages: tuple[str, ...], wave_label: str,
                synthetic: bool, theme=None) -> str:
    """Draw one result's report and slide charts and write them with their alt texts into ``folder``.

    The first language's files are ``<id>.<size>.png/.svg``; each further report
    language gets ``<id>.<size>.<lang>.png/.svg``.
    """
    from survey import charts, export

    if not charts.has_chart(result):
        return result.id
    for i, lang in enumerate(languages):
        suffix = "" if i == 0 else f".{lang}"
        source = dataset_title(result.dataset, lang)
        for size in ("report", "slide"):
            figure = charts.draw(result, lang=lang, size=size, wave_label=wave_label, synthetic=synthetic,
                                 source=source, theme=theme)
            if figure is not None:
                export.save_figure(figure, folder / f"{result.id}.{size}{suffix}")
        files.write_text_atomic(folder / f"{result.id}.alt.{lang}.txt",
                                charts.alt_text(result, lang, synthetic=synthetic) + "\n")
    return result.id


def dataset_title(dataset: str, lang: str) -> str:
    """The dataset's name in ``lang`` for chart footers ('' for results that span datasets)."""
    try:
        title = load_instrument(dataset).title
    except Exception:  # triangulation and other cross-dataset results
        return ""
    return title.get(lang) or title.get("fi", "")


def project_theme(project: Project, progress: Progress = _quiet):
    """The chart theme from survey.yml's organisation colour and logo; notes are shown as warnings."""
    from survey import style

    logo = None
    if project.logo:
        logo = style.load_logo(project.paths.root / project.logo)
    theme = style.make_theme(project.colors, project.logo, logo)
    for note in getattr(theme, "notes", ()) or ():
        progress(f"  warning: {note}")
    return theme


def _draw_task(args: tuple) -> str:
    result_dict, folder, languages, wave_label, synthetic, theme = args
    return draw_result(Result.from_dict(result_dict), Path(folder), languages, wave_label, synthetic, theme)


def chart_code_digest() -> str:
    """A digest of the code and labels that draw charts: a change redraws every figure."""
    import hashlib

    from survey import config

    digest = hashlib.sha256()
    for name in ("charts.py", "style.py", "labels.py", "fmt.py", "export.py"):
        digest.update((config.PACKAGE_DIR / name).read_bytes())
    for file in sorted((config.PACKAGE_DIR / "labels").glob("*.yml")):
        digest.update(file.read_bytes())
    return digest.hexdigest()


def figure_key(result: Result, languages: tuple[str, ...], wave_label: str, synthetic: bool, code: str) -> str:
    """What a result's figure files depend on; equal keys give identical files."""
    import hashlib

    text = to_json({"result": result.to_dict(), "languages": list(languages), "wave_label": wave_label,
                    "synthetic": synthetic, "code": code})
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


FIGURE_CACHE = ".figure-keys.json"


def reuse_figures(results: list[Result], previous: Path, folder: Path, keys: dict) -> list[Result]:
    """Copy the previous run's figures whose key is unchanged into ``folder``; return the rest."""
    import shutil

    try:
        old = json.loads((previous / FIGURE_CACHE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        old = {}
    todo = []
    for result in results:
        sources = sorted(previous.glob(f"{result.id}.*")) if old.get(result.id) == keys[result.id] else []
        sources = [p for p in sources if p.name.split(".")[0] == result.id.split(".")[0]
                   and p.name[len(result.id)] == "."]
        if sources:
            for source in sources:
                shutil.copy2(source, folder / source.name)
        else:
            todo.append(result)
    return todo


def draw_all(results: list[Result], folder: Path, languages: tuple[str, ...], wave_label: str, synthetic: bool,
             theme=None, previous: Path | None = None, progress: Progress = _quiet) -> None:
    """Draw every chart not already drawn identically by the previous run, on two processes."""
    import multiprocessing
    import os
    from concurrent.futures import ProcessPoolExecutor

    import hashlib
    import pickle

    code = chart_code_digest() + hashlib.sha256(pickle.dumps(theme)).hexdigest()
    keys = {r.id: figure_key(r, languages, wave_label, synthetic, code) for r in results}
    todo = reuse_figures(results, previous, folder, keys) if previous and previous.is_dir() else list(results)
    if len(todo) < len(results):
        progress(f"  {len(results) - len(todo)} charts unchanged since the last run, reused")
    workers = min(2, os.cpu_count() or 1)
    if workers < 2 or len(todo) < 6 or "fork" not in multiprocessing.get_all_start_methods():
        for i, result in enumerate(todo, 1):
            progress(f"  chart {i}/{len(todo)}: {result.id}")
            draw_result(result, folder, languages, wave_label, synthetic, theme)
    else:
        tasks = [(r.to_dict(), str(folder), languages, wave_label, synthetic, theme) for r in todo]
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
            for i, done in enumerate(pool.map(_draw_task, tasks), 1):
                progress(f"  chart {i}/{len(todo)}: {done}")
    files.write_text_atomic(folder / FIGURE_CACHE, to_json(keys))


WORKBOOK_CACHE = ".workbook-keys.json"


def workbook_key(results: list[Result], lang: str, wave_label: str, synthetic: bool, code: str) -> str:
    """What a tables workbook depends on; equal keys give identical bytes."""
    import hashlib

    digest = hashlib.sha256()
    for result in results:
        digest.update(to_json(result.to_dict()).encode("utf-8"))
    digest.update(to_json([lang, wave_label, synthetic, code]).encode("utf-8"))
    return digest.hexdigest()


def reuse_file(previous: Path, target: Path, key: str, cache: Path) -> bool:
    """Copy ``previous`` to ``target`` when its recorded key equals ``key``; record the key either way."""
    import shutil

    try:
        old = json.loads((previous.parent / WORKBOOK_CACHE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        old = {}
    try:
        keys = json.loads(cache.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        keys = {}
    keys[target.name] = key
    files.write_text_atomic(cache, to_json(keys))
    if old.get(target.name) == key and previous.is_file():
        shutil.copy2(previous, target)
        return True
    return False


def export_wave(project: Project, wave: Wave, results: list[Result], ingested: Ingested,
                manifest: Callable[[], dict], progress: Progress = _quiet) -> Path:
    """Figures (report and slide, PNG and SVG, alt text), results JSON and workbooks, swapped in at once."""
    from survey import export

    target = project.paths.output(wave.id)
    languages = project.languages
    with files.staged_dir(target) as stage:
        figures = stage / "figures"
        results_dir = stage / "results"
        figures.mkdir(parents=True, exist_ok=True)
        results_dir.mkdir(parents=True, exist_ok=True)
        for result in results:
            files.write_text_atomic(results_dir / f"{result.id}.json", to_json(result.to_dict()))
        draw_all(results, figures, languages, wave.label, wave.synthetic, theme=project_theme(project, progress),
                 previous=target / "figures", progress=progress)
        code = chart_code_digest()
        for i, lang in enumerate(languages):
            name = "tables.xlsx" if i == 0 else f"tables.{lang}.xlsx"
            key = workbook_key(results, lang, wave.label, wave.synthetic, code)
            if not reuse_file(target / name, stage / name, key, stage / WORKBOOK_CACHE):
                export.write_tables_xlsx(results, stage / name, lang=lang, synthetic=wave.synthetic,
                                         wave_label=wave.label)
        export.write_codebook(ingested, stage / "codebook.xlsx", lang=languages[0], synthetic=wave.synthetic,
                              wave_label=wave.label)
        write_open_answers(ingested, stage / "open_answers.xlsx", lang=languages[0], synthetic=wave.synthetic)
        files.write_text_atomic(stage / "manifest.json", to_json(manifest()))
    return target


def write_open_answers(ingested: Ingested, path: Path, *, lang: str, synthetic: bool) -> Path:
    """The redacted open answers of every survey dataset in one workbook."""
    from survey.open_answers import collect_open_answers, write_open_answers_xlsx

    instruments = {name: load_instrument(name) for name in ingested.frames}
    table = collect_open_answers(ingested.frames, instruments, lang=lang)
    return write_open_answers_xlsx(table, path, lang=lang, synthetic=synthetic)


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
    progress(f"Validating wave {wave.id}")
    return ingest_wave(project, wave, progress)


def write_failed_validation(project: Project, ingested: Ingested) -> Path:
    """The validation report of a failed run, beside (not inside) the last good outputs."""
    path = project.paths.root / "data" / "processed" / f"{ingested.wave.id}.validation-failed.json"
    files.write_text_atomic(path, to_json(validation_report(ingested)))
    return path


def run_wave(project: Project, wave_id: str | None = None, *, render: bool = True,
             progress: Progress = _quiet, command: str = "survey run") -> RunReport:
    """The main job for one wave. Raises ValidationFailed (nothing replaced) on data errors."""
    from survey import manifest as manifest_mod

    started = dt.datetime.now(dt.timezone.utc)
    wave = project.wave(wave_id)
    progress(f"[1/4] Reading and validating wave {wave.id}")
    ingested = ingest_wave(project, wave, progress)
    if ingested.errors:
        write_failed_validation(project, ingested)
        raise ValidationFailed(ingested.errors)
    with files.commit_together(project.paths.root):  # processed data and outputs change together
        progress("[2/4] Writing processed data")
        processed = write_processed(project, ingested)
        previous = None
        if wave.compare_to:
            previous_wave = project.wave(wave.compare_to)
            previous = load_processed(project, previous_wave)
            if not previous:
                progress(f"  comparison wave {previous_wave.id} has no processed data; processing it first")
                prev_ingested = ingest_wave(project, previous_wave)
                if not prev_ingested.errors:
                    write_processed(project, prev_ingested)
                    previous = prev_ingested.frames
        progress("[3/4] Analysing")
        results = analyse_wave(project, wave, ingested, previous)
        progress(f"[4/4] Writing {len(results)} results, charts and workbooks")

        def manifest() -> dict:
            return manifest_mod.build_manifest(
                inputs={**{f"raw/{k}": v for k, v in ingested.inputs.items()},
                        "survey.yml": project.paths.config_file},
                config_digest=project.digest, command=command, started=started,
                finished=dt.datetime.now(dt.timezone.utc), validation_summary=summarise(ingested.problems),
                root=project.paths.root)

        output = export_wave(project, wave, results, ingested, manifest, progress)
    report = RunReport(wave=wave.id, processed=processed, output=output, problems=ingested.problems,
                       results=len(results))
    if render:
        from survey import render as render_mod
        from survey.errors import QuartoMissing

        try:
            report.rendered = render_mod.render(project, wave.id, compare=wave.compare_to)
        except Exception as exc:  # QuartoMissing and render failures: artefacts are already complete
            report.render_message = getattr(exc, "message", str(exc))
            if not isinstance(exc, QuartoMissing):  # a failed render fails the run (no Quarto does not)
                report.render_error = exc
    return report


def print_progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def read_json(path: Path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))
