"""Benchmarks: what a pipeline run costs, and how the cost grows with the wave.

Run from the project root (after the README's setup command)::

    .venv/bin/python benchmarks/run.py            # everything, < 10 min on 2 cores
    .venv/bin/python benchmarks/run.py --quick    # 1,000 and 10,000 respondents only

It measures, each in a fresh subprocess so that nothing is cached between runs:

* **floor** - a Python process that only imports the third-party modules the
  pipeline loads (found by running the pipeline once and listing ``sys.modules``);
* **study** - ``survey run --no-render --wave 2024-demo`` on a copy of the project
  (median of several runs), against the floor;
* **national** - a synthetic wave of 1,000 / 10,000 / 100,000 respondents x 200
  variables (``benchmarks/national.py``), as ``.sav`` and ``.csv``: the read floor
  (``pyreadstat.read_sav`` / ``pandas.read_csv``) against the pipeline's own
  ingest + validate (``survey.pipeline.ingest_dataset``: read, normalise,
  validate, clean, redact) and all result tables (``survey.plan.analyse_dataset``).

Peak memory is the child's ``ru_maxrss`` from ``os.wait4`` (the kernel's resource
usage of that one subprocess, like ``getrusage(RUSAGE_CHILDREN)`` for a single
child); the working memory of a stage is that peak minus the child's resident size
after its imports. Figures go to ``benchmarks/results/latest.json``; a table is
printed. Generated waves are cached in ``benchmarks/_work/`` (git-ignored).

This file imports only the standard library at the top, so that the parent process
stays small; the workers (``--worker ...``) import what they measure.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
WORK = BENCH_DIR / "_work"
RESULTS = BENCH_DIR / "results"
PYTHON = sys.executable
SURVEY = str(Path(PYTHON).with_name("survey"))
STUDY_WAVE = "2024-demo"
DATASET = "associations"
SIZES = (1000, 10000, 100000)
TARGETS = {"study_vs_floor": 2.0, "ingest_validate_vs_read": 2.0, "tables_vs_read": 3.0,
           "peak_memory_vs_frame": 3.0}


# --------------------------------------------------------------------------- measuring


def measure(cmd: list[str], *, timeout: float = 300.0, env: dict | None = None, cwd: Path | None = None) -> dict:
    """Run ``cmd`` once in a fresh process: wall seconds, peak RSS (MB), exit code, output.

    The resource usage is read with ``os.wait4`` for exactly this child, so its
    ``ru_maxrss`` is the child's own peak resident memory.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env, cwd=cwd, start_new_session=True)
        timer_hit = []

        def _kill() -> None:
            timer_hit.append(True)
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        import threading

        timer = threading.Timer(timeout, _kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    return {"seconds": seconds, "cpu_s": usage.ru_utime + usage.ru_stime, "peak_rss_mb": usage.ru_maxrss / 1024,
            "returncode": proc.returncode,
            "timed_out": bool(timer_hit), "stdout": stdout, "stderr": stderr[-4000:]}


def worker_cmd(task: str, **kwargs) -> list[str]:
    return [PYTHON, str(Path(__file__).resolve()), "--worker", task, json.dumps(kwargs)]


def run_worker(task: str, *, timeout: float = 300.0, **kwargs) -> dict:
    """One worker subprocess; its last stdout line is JSON, merged with the process figures."""
    run = measure(worker_cmd(task, **kwargs), timeout=timeout)
    report: dict = {"process_seconds": run["seconds"], "process_cpu_s": run["cpu_s"], "peak_rss_mb": run["peak_rss_mb"]}
    if run["timed_out"]:
        report["error"] = f"timed out after {timeout:.0f} s"
        return report
    lines = [line for line in run["stdout"].splitlines() if line.startswith("{")]
    if run["returncode"] != 0 or not lines:
        report["error"] = (run["stderr"].strip().splitlines() or [f"exit code {run['returncode']}"])[-1]
        return report
    report.update(json.loads(lines[-1]))
    return report


def median_of(runs: list[dict], key: str) -> float | None:
    values = [r[key] for r in runs if r.get(key) is not None and "error" not in r]
    return statistics.median(values) if values else None


# --------------------------------------------------------------------------- workers (subprocess side)


def _rss_mb() -> float:
    """Current resident memory of this process (MB), from /proc."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker_floor(args: dict) -> dict:
    """Import the listed modules and nothing else (the floor of every pipeline process)."""
    import importlib

    failed = []
    for name in args.get("modules", []):
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - a private module that cannot be imported alone
            failed.append(name)
    return {"imported": len(args.get("modules", [])) - len(failed), "failed": len(failed)}


def worker_discover(args: dict) -> dict:
    """Run ``survey run --no-render`` in-process; list the third-party modules it loaded."""
    from survey.cli import main

    code = main(["--project", args["project"], "run", "--no-render", "--wave", args["wave"]])
    stdlib = set(sys.stdlib_module_names)
    own = {"survey", "__main__", "run", "national"}
    modules = [name for name in list(sys.modules)
               if name.split(".")[0] not in stdlib and name.split(".")[0] not in own
               and not name.startswith("_")]
    return {"returncode": code, "modules": modules}


def worker_read(args: dict) -> dict:
    """The read floor: the library call that loads the file into a DataFrame, nothing else."""
    path = args["path"]
    if args["format"] == "sav":
        import pyreadstat

        baseline = _rss_mb()
        t0, c0 = time.perf_counter(), time.process_time()
        frame, _meta = pyreadstat.read_sav(path)
    else:
        import pandas as pd

        baseline = _rss_mb()
        t0, c0 = time.perf_counter(), time.process_time()
        frame = pd.read_csv(path)
    seconds = time.perf_counter() - t0
    return {"read_s": seconds, "read_cpu_s": time.process_time() - c0, "baseline_rss_mb": baseline, "rows": len(frame), "columns": frame.shape[1],
            "frame_mb": float(frame.memory_usage(deep=True).sum()) / 2**20}


def _national_project(folder: Path, file: str, wave_id: str):
    from survey.config import Paths, parse_project

    data = {"languages": ["fi"], "datasets": {DATASET: {"kind": "survey"}},
            "waves": [{"id": wave_id, "label": wave_id, "synthetic": True,
                                            "datasets": {DATASET: {"file": file}}}]}
    return parse_project(data, Paths(folder))


def worker_pipeline(args: dict) -> dict:
    """Ingest + validate (the pipeline's own ``ingest_dataset``), then every result table.

    Sub-stage times come from thin timing wrappers around the functions
    ``ingest_dataset`` calls (read, normalise, validate_frame, clean, redact).
    """
    sys.path.insert(0, str(BENCH_DIR))
    import national
    import survey.ingest
    from survey import pipeline, plan

    instrument = national.load_national_instrument()
    project = _national_project(Path(args["root"]), args["file"], args["wave"])
    wave = project.wave(args["wave"])
    spec = wave.datasets[DATASET]
    times: dict[str, float] = {}

    progress = Path(args["progress"]) if args.get("progress") else None

    state: dict = {}

    def note(**extra) -> None:
        """What is done so far, for the parent when this worker is stopped at the time budget."""
        state.update(extra)
        if progress:
            progress.write_text(json.dumps({"stages": times, **state}))

    cpu: dict[str, float] = {}

    def timed(name, func):
        def wrapper(*a, **k):
            t, c = time.perf_counter(), time.process_time()
            try:
                return func(*a, **k)
            finally:
                times[name] = times.get(name, 0.0) + time.perf_counter() - t
                cpu[name] = cpu.get(name, 0.0) + time.process_time() - c
                note(stages_cpu=cpu)
        return wrapper

    survey.ingest.read = timed("read", survey.ingest.read)
    for name in ("normalise", "validate_frame", "clean", "redact_text_columns"):
        if hasattr(pipeline, name):
            setattr(pipeline, name, timed(name, getattr(pipeline, name)))
    profiler = None
    if args.get("profile"):
        import cProfile

        profiler = cProfile.Profile()
    baseline = _rss_mb()
    note(t0_epoch=time.time(), baseline_rss_mb=baseline)
    t0, c0 = time.perf_counter(), time.process_time()
    if profiler:
        profiler.enable()
    frame, meta, problems = pipeline.ingest_dataset(project, wave, spec, instrument)
    t1, c1 = time.perf_counter(), time.process_time()
    note(ingest_validate_s=t1 - t0, ingest_validate_cpu_s=c1 - c0)
    errors = [p for p in problems if p.severity == "error"]
    result = {"baseline_rss_mb": baseline, "ingest_validate_s": t1 - t0, "ingest_validate_cpu_s": c1 - c0,
              "stages": times, "stages_cpu": cpu,
              "problems": len(problems), "errors": len(errors),
              "first_errors": [p.describe() for p in errors[:3]]}
    if frame is not None and not errors:
        result["normal_frame_mb"] = float(frame.memory_usage(deep=True).sum()) / 2**20
        result["normal_columns"] = frame.shape[1]
        t2, c2 = time.perf_counter(), time.process_time()
        results = plan.analyse_dataset(frame, instrument, dataset=DATASET, wave=wave.id, synthetic=True,
                                       threshold=project.min_group_size, merge_small=project.merge_small_groups)
        t3, c3 = time.perf_counter(), time.process_time()
        result.update({"tables_s": t3 - t2, "tables_cpu_s": c3 - c2, "results": len(results)})
    if profiler:
        profiler.disable()
        result["profile"] = summarise_profile(profiler, args.get("profile_out"))
    result["rows"] = meta.get("respondents") if isinstance(meta, dict) else None
    return result


def summarise_profile(profiler, out: str | None, top: int = 25) -> list[dict]:
    """The functions with the most own time (tottime), and the full listing written to ``out``."""
    import io
    import pstats

    stats = pstats.Stats(profiler)
    if out:
        buffer = io.StringIO()
        pstats.Stats(profiler, stream=buffer).sort_stats("tottime").print_stats(40)
        buffer.write("\n\n")
        pstats.Stats(profiler, stream=buffer).sort_stats("cumulative").print_stats(40)
        Path(out).write_text(buffer.getvalue(), encoding="utf-8")
    rows = []
    for (file, line, func), (cc, nc, tt, ct, _callers) in stats.stats.items():
        rows.append({"function": f"{Path(file).name}:{line}({func})", "calls": nc, "tottime": round(tt, 3),
                     "cumtime": round(ct, 3)})
    rows.sort(key=lambda r: r["tottime"], reverse=True)
    return rows[:top]


WORKERS = {"floor": worker_floor, "discover": worker_discover, "read": worker_read,
           "pipeline": worker_pipeline}


# --------------------------------------------------------------------------- orchestration


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def copy_study_project(target: Path) -> Path:
    """A private copy of the project (config, the study wave's raw files, reports) to run on."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    shutil.copy2(ROOT / "survey.yml", target / "survey.yml")
    shutil.copytree(ROOT / "data" / "raw" / STUDY_WAVE, target / "data" / "raw" / STUDY_WAVE)
    if (ROOT / "reports").is_dir():
        shutil.copytree(ROOT / "reports", target / "reports",
                        ignore=shutil.ignore_patterns("_output", ".quarto", "*_files"))
    for name in ("_quarto.yml",):
        if (ROOT / name).is_file():
            shutil.copy2(ROOT / name, target / name)
    return target


FALLBACK_MODULES = ["numpy", "pandas", "pyarrow", "pyarrow.parquet", "pyreadstat", "yaml", "pandera.pandas",
                    "scipy.stats", "statsmodels.api", "matplotlib.figure", "openpyxl", "babel.numbers",
                    "defusedxml.ElementTree"]


def bench_floor_and_study(repeat: int) -> dict:
    """The floor process and ``survey run --no-render`` on the study wave (medians).

    The first run on a fresh copy draws every chart (reported as ``study_first_run_s``);
    the measured runs are reruns, as the analyst makes them, which reuse the charts
    whose result did not change.
    """
    project = copy_study_project(WORK / "study")
    log(f"study: first run on a fresh copy (every chart drawn), listing the modules it loads")
    found = run_worker("discover", project=str(project), wave=STUDY_WAVE, timeout=300)
    if found.get("error") or found.get("returncode"):
        log(f"  discovery failed ({found.get('error') or 'exit ' + str(found.get('returncode'))}); "
            "using the declared dependency list")
        modules, source = FALLBACK_MODULES, "fallback list (pipeline run failed)"
    else:
        modules, source = found["modules"], "modules loaded by survey run --no-render"
    section: dict = {"floor_modules": len(modules), "floor_module_source": source,
                     "study_first_run_s": found.get("process_seconds"), "study_first_run_cpu_s": found.get("process_cpu_s"),
                     "top_level_packages": sorted({m.split(".")[0] for m in modules})}
    bare = [measure([PYTHON, "-c", "pass"]) for _ in range(repeat)]
    section["python_startup_s"] = statistics.median(r["seconds"] for r in bare)
    log(f"floor: importing {len(modules)} modules x {repeat}")
    floor = [run_worker("floor", modules=modules, timeout=120) for _ in range(repeat)]
    section["floor_s"] = median_of(floor, "process_seconds")
    section["floor_runs_s"] = [r["process_seconds"] for r in floor]
    section["floor_peak_rss_mb"] = median_of(floor, "peak_rss_mb")
    section["floor_failed_imports"] = floor[0].get("failed")
    cmd = [SURVEY, "--project", str(project), "run", "--no-render", "--wave", STUDY_WAVE]
    log(f"study: {' '.join(cmd[1:])} x {repeat}")
    runs = [measure(cmd, timeout=300) for _ in range(repeat)]
    ok = [r for r in runs if r["returncode"] == 0]
    if not ok:
        section["study_error"] = (runs[-1]["stderr"].strip().splitlines() or ["no output"])[-1]
        log(f"  survey run failed: {section['study_error']}")
        return section
    section["study_s"] = statistics.median(r["seconds"] for r in ok)
    section["study_runs_s"] = [r["seconds"] for r in ok]
    section["study_peak_rss_mb"] = statistics.median(r["peak_rss_mb"] for r in ok)
    section["study_cpu_s"] = statistics.median(r["cpu_s"] for r in ok)
    section["floor_cpu_s"] = median_of(floor, "process_cpu_s")
    if section.get("floor_cpu_s"):
        section["study_vs_floor_cpu"] = section["study_cpu_s"] / section["floor_cpu_s"]
    section["study_vs_floor"] = section["study_s"] / section["floor_s"] if section.get("floor_s") else None
    section["study_above_floor_s"] = section["study_s"] - section["floor_s"] if section.get("floor_s") else None
    if len(ok) < len(runs):
        section["study_failed_runs"] = len(runs) - len(ok)
    return section


def national_files(n: int) -> dict:
    """The generated wave of ``n`` respondents, laid out as a project under _work/n<n>/."""
    sys.path.insert(0, str(BENCH_DIR))
    import national

    root = WORK / f"n{n}"
    wave_id = f"national-{n}"
    info = national.write_wave(n, root / "data" / "raw" / wave_id)
    return {"root": str(root), "wave": wave_id, "sav": info["sav"], "csv": info["csv"], "info": info}


def bench_read(n: int, fmt: str, repeat: int) -> dict:
    """The read floor of one generated file (median of ``repeat`` fresh processes)."""
    files = national_files(n)
    path = files[fmt]
    reads = [run_worker("read", path=path, format=fmt, timeout=300) for _ in range(repeat)]
    entry: dict = {"respondents": n, "format": fmt, "file_mb": Path(path).stat().st_size / 2**20,
                   "read_repeat": repeat}
    read_ok = [r for r in reads if "error" not in r]
    if read_ok:
        entry["read_s"] = median_of(read_ok, "read_s")
        entry["read_cpu_s"] = median_of(read_ok, "read_cpu_s")
        entry["frame_mb"] = read_ok[0]["frame_mb"]
        entry["read_peak_rss_mb"] = median_of(read_ok, "peak_rss_mb")
        entry["read_working_mb"] = statistics.median(r["peak_rss_mb"] - r["baseline_rss_mb"] for r in read_ok)
    else:
        entry["read_error"] = reads[0].get("error")
    return entry


def bench_pipeline(entry: dict, repeat: int, timeout: float) -> dict:
    """Ingest + validate and all tables for one size and format, added to ``entry``.

    A run stopped at ``timeout`` (the time budget) still gives lower bounds: the
    stages it finished, its elapsed time and its peak memory so far.
    """
    n, fmt = entry["respondents"], entry["format"]
    files = national_files(n)
    name = Path(files[fmt]).name
    progress = WORK / f"progress-{fmt}-{n}.json"
    pipes = []
    for _ in range(repeat):
        progress.unlink(missing_ok=True)
        run = run_worker("pipeline", root=files["root"], wave=files["wave"], file=name, progress=str(progress),
                         timeout=timeout)
        if run.get("error", "").startswith("timed out"):
            done = json.loads(progress.read_text()) if progress.is_file() else {}
            after = time.time() - done["t0_epoch"] if done.get("t0_epoch") else 0.0
            entry["stopped"] = {"after_s": after, "process_s": run["process_seconds"],
                                "stages_done_s": done.get("stages", {}),
                                "ingest_validate_s": done.get("ingest_validate_s"),
                                "peak_rss_mb": run["peak_rss_mb"], "baseline_rss_mb": done.get("baseline_rss_mb"),
                                "stages_done_cpu_s": done.get("stages_cpu", {}),
                                "ingest_validate_cpu_s": done.get("ingest_validate_cpu_s")}
            entry["pipeline_error"] = (f"stopped at the time budget after {run['process_seconds']:.0f} s "
                                       f"({'during the tables' if done.get('ingest_validate_s') else 'during ingest + validate'})")
            _lower_bounds(entry)
            return entry
        pipes.append(run)
    entry["pipeline_repeat"] = repeat
    pipe_ok = [r for r in pipes if "error" not in r]
    if not pipe_ok:
        entry["pipeline_error"] = pipes[0].get("error")
        return entry
    first = pipe_ok[0]
    if first.get("errors"):
        entry["pipeline_error"] = f"{first['errors']} validation errors, e.g. " + "; ".join(first["first_errors"])
    entry["ingest_validate_s"] = median_of(pipe_ok, "ingest_validate_s")
    entry["stages_s"] = {k: statistics.median(r["stages"].get(k, 0.0) for r in pipe_ok) for k in first["stages"]}
    entry["stages_cpu_s"] = {k: statistics.median(r["stages_cpu"].get(k, 0.0) for r in pipe_ok)
                             for k in first["stages_cpu"]}
    entry["ingest_validate_cpu_s"] = median_of(pipe_ok, "ingest_validate_cpu_s")
    entry["tables_cpu_s"] = median_of(pipe_ok, "tables_cpu_s")
    entry["tables_s"] = median_of(pipe_ok, "tables_s")
    entry["results"] = first.get("results")
    entry["problems"] = first.get("problems")
    entry["normal_frame_mb"] = first.get("normal_frame_mb")
    entry["pipeline_peak_rss_mb"] = median_of(pipe_ok, "peak_rss_mb")
    entry["pipeline_working_mb"] = statistics.median(r["peak_rss_mb"] - r["baseline_rss_mb"] for r in pipe_ok)
    if entry.get("read_s"):
        entry["ingest_validate_vs_read"] = entry["ingest_validate_s"] / entry["read_s"]
        if entry.get("tables_s") is not None:
            entry["all_tables_s"] = entry["ingest_validate_s"] + entry["tables_s"]
            entry["tables_vs_read"] = entry["all_tables_s"] / entry["read_s"]
    if entry.get("read_cpu_s") and entry.get("ingest_validate_cpu_s"):
        entry["ingest_validate_vs_read_cpu"] = entry["ingest_validate_cpu_s"] / entry["read_cpu_s"]
        if entry.get("tables_cpu_s") is not None:
            entry["tables_vs_read_cpu"] = (entry["ingest_validate_cpu_s"] + entry["tables_cpu_s"]) / entry["read_cpu_s"]
    if entry.get("frame_mb"):
        entry["peak_memory_vs_frame"] = entry["pipeline_working_mb"] / entry["frame_mb"]
    return entry


def _lower_bounds(entry: dict) -> None:
    """Ratios of a stopped run: at least this much (marked ``*_at_least``)."""
    stop = entry["stopped"]
    read = entry.get("read_s")
    baseline = stop.get("baseline_rss_mb") or 0.0
    iv = stop["ingest_validate_s"]
    if iv is not None:
        entry["ingest_validate_s"] = iv
        entry["stages_s"] = stop["stages_done_s"]
        entry["stages_cpu_s"] = stop["stages_done_cpu_s"]
        entry["ingest_validate_cpu_s"] = stop["ingest_validate_cpu_s"]
        if entry.get("read_cpu_s") and stop["ingest_validate_cpu_s"]:
            entry["ingest_validate_vs_read_cpu"] = stop["ingest_validate_cpu_s"] / entry["read_cpu_s"]
    else:
        entry["ingest_validate_s_at_least"] = stop["after_s"]
    entry["all_tables_s_at_least"] = stop["after_s"]
    if read:
        if iv is not None:
            entry["ingest_validate_vs_read"] = iv / read
        else:
            entry["ingest_validate_vs_read_at_least"] = stop["after_s"] / read
        entry["tables_vs_read_at_least"] = stop["after_s"] / read
    if entry.get("frame_mb"):
        entry["peak_memory_vs_frame_at_least"] = max(stop["peak_rss_mb"] - baseline, 0) / entry["frame_mb"]


def bench_profile(n: int, fmt: str, timeout: float) -> dict:
    """One pipeline run under cProfile: the functions with the most own time."""
    files = national_files(n)
    out = RESULTS / f"profile-{fmt}-{n}.txt"
    prof = run_worker("pipeline", root=files["root"], wave=files["wave"], file=Path(files[fmt]).name, profile=True,
                      profile_out=str(out), timeout=timeout)
    return {"respondents": n, "format": fmt, "top_tottime": prof.get("profile") or prof.get("error"),
            "stages_s_under_profiler": prof.get("stages"), "tables_s_under_profiler": prof.get("tables_s"),
            "file": str(out.relative_to(ROOT)) if out.is_file() else None}


def growth(entries: list[dict]) -> dict:
    """Per format: seconds per 1,000 respondents at each size and the exponent between sizes."""
    import math

    out: dict = {}
    for fmt in ("sav", "csv"):
        rows = sorted((e for e in entries if e["format"] == fmt and e.get("all_tables_s")),
                      key=lambda e: e["respondents"])
        fmt_out: dict = {"sizes": [e["respondents"] for e in rows]}
        for key in ("read_s", "ingest_validate_s", "tables_s", "all_tables_s", "pipeline_working_mb"):
            values = [e.get(key) for e in rows]
            fmt_out[key] = values
            exps = []
            for a, b in zip(rows, rows[1:]):
                va, vb = a.get(key), b.get(key)
                if va and vb and va > 0 and vb > 0:
                    exps.append(math.log(vb / va) / math.log(b["respondents"] / a["respondents"]))
            fmt_out[f"{key}_exponent"] = exps
        out[fmt] = fmt_out
    return out


def machine() -> dict:
    """Where the figures came from."""
    info = {"platform": platform.platform(), "python": platform.python_version(), "cpus": os.cpu_count(),
            "machine": platform.machine(), "load_average": " ".join(f"{x:.1f}" for x in os.getloadavg())}
    try:
        info["cpus_usable"] = len(os.sched_getaffinity(0))
    except AttributeError:
        pass
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                info["memory_gb"] = round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        pass
    probe = measure([PYTHON, "-c", "import json, importlib.metadata as m; print(json.dumps({p: m.version(p) for p in "
                     "('pandas', 'numpy', 'pyarrow', 'pyreadstat', 'pandera', 'matplotlib', 'scipy')}))"])
    try:
        info["libraries"] = json.loads(probe["stdout"])
    except json.JSONDecodeError:
        pass
    try:
        info["commit"] = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                        text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        pass
    return info


def verdicts(report: dict) -> list[dict]:
    """Each target: the measured ratio, the limit, met or not."""
    rows = []
    study = report.get("study", {})
    if study.get("study_vs_floor") is not None:
        rows.append({"target": "study run <= 2x floor", "where": f"{STUDY_WAVE}",
                     "value": study["study_vs_floor"], "limit": TARGETS["study_vs_floor"],
                     "cpu_value": study.get("study_vs_floor_cpu")})
    big = max((e["respondents"] for e in report.get("national", [])), default=None)
    for e in report.get("national", []):
        if e["respondents"] != big:
            continue
        where = f"{e['respondents']:,} x 200 {e['format']}"
        for key, label in (("ingest_validate_vs_read", "ingest + validate <= 2x read"),
                           ("tables_vs_read", "ingest + validate + all tables <= 3x read"),
                           ("peak_memory_vs_frame", "peak working memory <= 3x frame")):
            if e.get(key) is not None:
                rows.append({"target": label, "where": where, "value": e[key], "limit": TARGETS[key],
                             "cpu_value": e.get(f"{key}_cpu")})
            elif e.get(f"{key}_at_least") is not None:
                rows.append({"target": label, "where": where, "value": e[f"{key}_at_least"], "limit": TARGETS[key],
                             "at_least": True, "note": e.get("pipeline_error", "")})
            elif e.get("pipeline_error"):
                rows.append({"target": label, "where": where, "value": None, "limit": None,
                             "note": e["pipeline_error"]})
    for row in rows:
        if row["value"] is None:
            row["met"] = None
        elif row.get("at_least"):
            row["met"] = False if row["value"] > row["limit"] else None
        else:
            row["met"] = row["value"] <= row["limit"]
    return rows


def print_table(report: dict) -> None:
    study = report.get("study", {})
    m = report["machine"]
    print(f"\nMachine: {m.get('cpu', '?')}, {m.get('cpus_usable', '?')} cores, {m.get('memory_gb', '?')} GB, "
          f"Python {m['python']}, load average at start {m.get('load_average', '?')}")
    print(f"Floor ({study.get('floor_modules', '?')} modules): {_f(study.get('floor_s'))} s "
          f"(bare python {_f(study.get('python_startup_s'), 3)} s); "
          f"study `survey run --no-render` {STUDY_WAVE}: {_f(study.get('study_s'))} s "
          f"= {_f(study.get('study_vs_floor'))}x floor (cpu {_f(study.get('study_vs_floor_cpu'))}x); "
          f"first run with every chart drawn {_f(study.get('study_first_run_s'))} s" + (f" [{study['study_error']}]" if study.get("study_error")
                                                           else ""))
    head = (f"{'respondents':>11} {'fmt':>3} {'file MB':>7} {'frame MB':>8} {'read s':>7} {'ingest+val s':>12} "
            f"{'x read':>7} {'tables s':>8} {'all x read':>10} {'work MB':>8} {'x frame':>7}")
    print("\n" + head + "\n" + "-" * len(head))
    for e in report.get("national", []):
        print(f"{e['respondents']:>11,} {e['format']:>3} {_f(e.get('file_mb'), 0):>7} {_f(e.get('frame_mb'), 0):>8} "
              f"{_f(e.get('read_s')):>7} {_g(e, 'ingest_validate_s'):>12} {_g(e, 'ingest_validate_vs_read'):>7} "
              f"{_f(e.get('tables_s')):>8} {_g(e, 'tables_vs_read'):>10} {_f(e.get('pipeline_working_mb'), 0):>8} "
              f"{_g(e, 'peak_memory_vs_frame'):>7}" + (f"  [{e['pipeline_error'][:70]}]"
                                                      if e.get("pipeline_error") else ""))
    for fmt, g in report.get("growth", {}).items():
        exps = g.get("all_tables_s_exponent") or []
        if exps:
            print(f"growth {fmt}: time ~ n^b with b = " + ", ".join(f"{b:.2f}" for b in exps)
                  + f" between {', '.join(f'{a:,}' for a in g['sizes'])} respondents (b = 1 is linear)")
    print("\nTargets (>= marks a lower bound from a run stopped at the time budget):")
    for v in report.get("targets", []):
        mark = {True: "met", False: "MISSED", None: "not measured"}[v["met"]]
        value = "" if v["value"] is None else f"{'>=' if v.get('at_least') else ''}{v['value']:.2f} (limit {v['limit']:g})"
        cpu = f"cpu {v['cpu_value']:.2f}" if v.get("cpu_value") is not None else ""
        print(f"  {mark:<12} {v['target']:<42} {v['where']:<20} {value:<20} {cpu:<10} {v.get('note', '')[:50]}")
    print(f"\nTotal benchmark time {report['elapsed_s']:.0f} s; figures in {report['output']}")


def _f(value, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _g(entry: dict, key: str) -> str:
    """A measured value, or ``>=`` its lower bound from a stopped run."""
    if entry.get(key) is not None:
        return _f(entry[key])
    if entry.get(f"{key}_at_least") is not None:
        return ">=" + _f(entry[f"{key}_at_least"])
    return "-"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark the survey pipeline (see docs/BENCHMARKS.md).")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("worker_args", nargs="?", help=argparse.SUPPRESS)
    parser.add_argument("--quick", action="store_true", help="1,000 and 10,000 respondents only")
    parser.add_argument("--sizes", help="comma-separated respondent counts (default 1000,10000,100000)")
    parser.add_argument("--formats", default="sav,csv", help="sav, csv or both (default)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per study/floor measurement (median)")
    parser.add_argument("--repeat-large", type=int, default=1,
                        help="pipeline runs at 100,000 respondents (default 1; reads: 2)")
    parser.add_argument("--profile-size", type=int, default=1000,
                        help="respondents of the profiled pipeline runs (cProfile; 0 = no profile)")
    parser.add_argument("--budget", type=float, default=570,
                        help="seconds for the whole run; pipeline runs still going at the end are stopped and "
                             "reported as lower bounds (0 = no limit)")
    parser.add_argument("--skip-study", action="store_true", help="skip the floor and study measurements")
    parser.add_argument("--output", type=Path, default=RESULTS / "latest.json")
    args = parser.parse_args(argv)

    if args.worker:
        print(json.dumps(WORKERS[args.worker](json.loads(args.worker_args or "{}"))))
        return 0

    started = time.perf_counter()
    deadline = started + args.budget if args.budget else float("inf")
    WORK.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    sizes = sorted(int(s) for s in args.sizes.split(",")) if args.sizes else list(SIZES[:2] if args.quick else SIZES)
    formats = args.formats.split(",")
    report: dict = {"generated": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "machine": machine(),
                    "command": " ".join([Path(PYTHON).name, "benchmarks/run.py", *(argv or sys.argv[1:])]),
                    "budget_s": args.budget or None, "targets_limits": TARGETS,
                    "method": {"peak_memory": "ru_maxrss of each worker subprocess via os.wait4 (its own "
                                              "RUSAGE_CHILDREN record); working memory = peak minus the worker's "
                                              "RSS after its imports; frame = pandas deep memory of the read floor's "
                                              "frame",
                               "times": "wall clock and CPU (user + system, children included); study/floor: whole "
                                        "process, median of --repeat runs (the discovery run warms the caches); "
                                        "national: in-process stage times, after imports",
                               "all_tables": "ingest + validate + every result of survey.plan.analyse_dataset "
                                             "(one-way tables and the instrument's breakdowns), against the read"}}
    if not args.skip_study:
        report["study"] = bench_floor_and_study(args.repeat)
    report["national"] = []
    report["profiles"] = []
    pending = []
    for n in sizes:
        log(f"national: {n:,} respondents x 200 variables ({deadline - time.perf_counter():.0f} s of budget left)")
        gen = time.perf_counter()
        files = national_files(n)
        report.setdefault("generated_files", {})[n] = {
            "sav_mb": files["info"]["sav_bytes"] / 2**20, "csv_mb": files["info"]["csv_bytes"] / 2**20,
            "generation_s": time.perf_counter() - gen, "generated_now": time.perf_counter() - gen > 1}
        large = n >= 100000
        for fmt in formats:
            entry = bench_read(n, fmt, 2 if large else 3)
            report["national"].append(entry)
            log(f"  {fmt}: read floor {_f(entry.get('read_s'))} s")
        # this size's share of what is left: weights 1, 2, 4, ... so the largest wave gets the most time
        weights = [2 ** i for i in range(len(sizes))]
        i = sizes.index(n)
        share = (deadline - time.perf_counter()) * weights[i] / sum(weights[i:])
        size_deadline = time.perf_counter() + share
        for k, entry in enumerate(e for e in report["national"] if e["respondents"] == n):
            left = size_deadline - time.perf_counter()
            runs_left = len(formats) - k
            timeout = max(min(left / runs_left, 900 if args.budget else 7200), 5)
            log(f"  {entry['format']}: pipeline (stopped after {timeout:.0f} s)")
            bench_pipeline(entry, args.repeat_large if large else 1, timeout)
            log(f"    ingest+validate {_g(entry, 'ingest_validate_s')} s, tables {_f(entry.get('tables_s'))} s"
                + (f" [{entry['pipeline_error'][:100]}]" if entry.get("pipeline_error") else ""))
        if n == args.profile_size:
            pending = [(n, fmt) for fmt in formats]
    for n, fmt in pending:  # profiles last: they are the first thing to drop when the budget runs out
        left = deadline - time.perf_counter()
        if left < 60:
            log(f"  {fmt}: no time left to profile at {n:,} respondents (use --budget 0)")
            report["profiles"].append({"respondents": n, "format": fmt, "skipped": "time budget used up"})
            continue
        log(f"  {fmt}: profiling the pipeline at {n:,} respondents")
        report["profiles"].append(bench_profile(n, fmt, timeout=min(left / 2, 1800)))
    report["growth"] = growth(report["national"])
    report["targets"] = verdicts(report)
    report["elapsed_s"] = time.perf_counter() - started
    report["output"] = str(args.output.relative_to(ROOT) if args.output.is_relative_to(ROOT) else args.output)
    tmp = args.output.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    os.replace(tmp, args.output)
    print_table(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
