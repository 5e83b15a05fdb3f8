"""Where the time of a cold ``survey run --no-render`` goes: per stage, per chart kind, per file format.

Run from the project root::

    .venv/bin/python benchmarks/profile_cold.py                 # 2024-demo, cold, figures drawn in this process
    .venv/bin/python benchmarks/profile_cold.py --wave 2026-demo

A private copy of the project (``benchmarks/_work/profile-cold/``, no earlier outputs) is run
once by ``survey.pipeline.run_wave`` in this process, with two changes that make every
second visible to the profiler and nothing else:

* the chart pool is switched off (``os.cpu_count`` reports 1), so every chart is drawn
  here, not in two forked workers: the chart times are CPU seconds of one core;
* every module the run loads is imported before the clock starts, so the stage times
  hold no import time (the import time is measured and reported separately).

Thin timing wrappers around the stage functions give the per-stage wall and CPU
seconds (inclusive; a stage inside another is also counted in its parent, the table
says which). cProfile runs at the same time; its full listing (sorted by own time and
by cumulative time) goes to ``benchmarks/results/profile-cold-<wave>.txt``, the summary
to ``benchmarks/results/profile-cold-<wave>.json``. The figure files are then sorted by
what consumes them: the report and the Quarto slides (the markdown the report's
chapters print), the PowerPoint deck (the pictures in ``slides*.pptx``), or nothing.

This is a development tool: it changes nothing in the package and writes only under
``benchmarks/``.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import re
import shutil
import sys
import time
from collections import defaultdict
from pathlib import Path

import run  # the benchmark beside this file (standard library only): one way to copy the project

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
WORK = BENCH_DIR / "_work"
RESULTS = BENCH_DIR / "results"

TIMES: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0])  # name -> [wall, cpu, calls]


def timed(name_of, func):
    """``func`` counting its wall and CPU time under ``name_of(*args, **kwargs)`` (a name or a function)."""
    def wrapper(*args, **kwargs):
        name = name_of(*args, **kwargs) if callable(name_of) else name_of
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            return func(*args, **kwargs)
        finally:
            entry = TIMES[name]
            entry[0] += time.perf_counter() - wall
            entry[1] += time.process_time() - cpu
            entry[2] += 1
    wrapper.__wrapped__ = func
    return wrapper


def patch(module, attribute: str, name_of) -> None:
    setattr(module, attribute, timed(name_of, getattr(module, attribute)))


def copy_project(target: Path) -> Path:
    """The project with every demo wave's raw files (``run.copy_project``), so the profiled run has its comparison."""
    demo = tuple(sorted(w.name for w in (ROOT / "data" / "raw").iterdir() if w.is_dir() and "demo" in w.name))
    return run.copy_project(target, waves=demo)


IMPORTS = [  # what a run loads, in groups (the first import of each group is timed on its own)
    ("pandas + numpy + pyarrow", ["numpy", "pandas", "pyarrow", "pyarrow.parquet"]),
    ("survey (config, pydantic, yaml)", ["survey.cli", "survey.project.config", "survey.pipeline"]),
    ("readers (pyreadstat, openpyxl, defusedxml)", ["pyreadstat", "openpyxl", "defusedxml.ElementTree",
                                                    "survey.ingest"]),
    ("validation (pandera)", ["pandera.pandas", "survey.prepare.validate"]),
    ("statistics (scipy, statsmodels)", ["scipy.stats", "scipy.optimize", "statsmodels.api", "survey.analysis.plan",
                                         "survey.analysis.significance", "survey.analysis.disclosure"]),
    ("charts (matplotlib)", ["matplotlib", "matplotlib.figure", "matplotlib.backends.backend_agg",
                             "matplotlib.backends.backend_svg", "survey.kinds.charts", "survey.kinds.style"]),
    ("numbers and words (babel)", ["babel.numbers", "survey.catalogue.fmt", "survey.catalogue"]),
    ("workbooks and deck (openpyxl, python-pptx)", ["survey.artefacts.tables", "survey.artefacts.workbook", "pptx",
                                                    "survey.artefacts.deck"]),
    ("interviews, redaction, the rest", ["survey.analysis.interviews", "survey.prepare.redact",
                                         "survey.artefacts.open_answers", "survey.store.manifest", "survey.store",
                                         "survey.report.render"]),
]


def import_everything() -> list[dict]:
    """Import the run's modules group by group; seconds per group (cumulative order matters: shared deps first)."""
    import importlib

    rows = []
    for label, names in IMPORTS:
        wall, cpu = time.perf_counter(), time.process_time()
        for name in names:
            importlib.import_module(name)
        rows.append({"group": label, "wall_s": time.perf_counter() - wall, "cpu_s": time.process_time() - cpu})
    return rows


MISSING: list[str] = []  # timers whose function is not where this script looks (the package moved on)


def optional_patch(module, attribute: str, name_of) -> None:
    if hasattr(module, attribute):
        patch(module, attribute, name_of)
    else:
        MISSING.append(f"{module.__name__}.{attribute}")


def install_timers() -> None:
    """Wrap the stage functions of the run (module attributes, looked up at call time where they are called)."""
    import scipy.optimize
    import scipy.stats

    from survey import pipeline, store
    from survey.analysis import breakdown, disclosure, frequencies, interviews, likert, plan, significance, waves
    from survey.artefacts import codebook, deck, figures, quotes, tables
    from survey.kinds import charts
    from survey.report import render
    from survey.store import cache, files, manifest

    # ingest
    optional_patch(pipeline, "read", lambda path, *a, **k: f"ingest: read {Path(path).suffix}")
    for name in ("normalise", "validate_frame", "explain_unknown_values", "clean", "redact_text_columns",
                 "safe_problems", "ingest_interviews"):
        optional_patch(pipeline, name, f"ingest: {name}")
    optional_patch(files, "sha256_file", "ingest: sha256 of inputs")
    # analysis
    optional_patch(plan, "analyse_dataset", lambda frame, instrument, *, dataset, **k: f"analysis: {dataset}")
    optional_patch(plan, "compare_dataset", lambda *a, dataset, **k: f"analysis: {dataset} vs previous wave")
    optional_patch(plan, "adjust_family", "analysis: adjust p-values (family)")
    optional_patch(interviews, "analyse_interviews", "analysis: interviews")
    optional_patch(interviews, "triangulate_results", "analysis: triangulation")
    optional_patch(scipy.stats, "permutation_test", "analysis (inner): scipy permutation_test")
    optional_patch(significance, "ordinal_test", "analysis (inner): ordinal_test (Kruskal-Wallis, permutation)")
    optional_patch(significance, "independence_test", "analysis (inner): independence_test (chi2/Fisher)")
    optional_patch(disclosure, "pinned_cells", "analysis (inner): disclosure pinned_cells (LP)")
    optional_patch(scipy.optimize, "linprog", "analysis (inner): scipy linprog (disclosure LP)")
    for module, names in ((disclosure, ("protect", "protect_groups", "suppress_cells", "determined")),
                          (breakdown, ("prepare_groups",)), (frequencies, ()), (likert, ()), (waves, ())):
        for name in names:
            if hasattr(module, name):
                patch(module, name, f"analysis (inner): {module.__name__.rsplit('.', 1)[1]}.{name}")
    # processed data and working files
    optional_patch(pipeline, "write_processed", "write: processed data + working files")
    optional_patch(store, "write_frame", "write (inner): parquet")
    optional_patch(pipeline, "write_open_answers", "write (inner): open_answers.xlsx")
    optional_patch(quotes, "write_quotes_xlsx", "write (inner): quotes.xlsx")
    # results, figures, workbooks, deck
    optional_patch(store, "write_json", lambda path, text: "write: results and other JSON")
    optional_patch(figures, "draw_all", "figures: draw_all (every chart)")
    optional_patch(cache, "chart_code_digest", "figures: chart_code_digest (hash of package sources)")
    optional_patch(cache, "reuse_files", "figures: reuse_files (link unchanged charts)")
    optional_patch(charts, "draw", lambda result, lang="fi", size="report", **k: f"figures: draw {result.kind} ({size})")
    optional_patch(figures, "figure_bytes", lambda fig, fmt, *a, **k: f"figures: save {fmt.upper()}")
    optional_patch(charts, "alt_text", "figures (inner): alt_text")
    optional_patch(tables, "write_tables_xlsx", lambda results, path, lang="fi", **k: f"workbooks: tables ({lang})")
    optional_patch(codebook, "write_codebook", "workbooks: codebook")
    optional_patch(cache, "reuse_file", "workbooks: reuse check")
    optional_patch(deck, "write_wave_decks", "deck: write_wave_decks (every language)")
    optional_patch(manifest, "build_manifest", "manifest")
    optional_patch(store, "commit", "commit (swap the tree in)")
    optional_patch(render, "stage_figures", "render: stage_figures")


def consumers(project, wave_id: str) -> dict:
    """Every figure file of the wave, sorted by what reads it (report/Quarto slides, the pptx deck, nothing)."""
    from pptx import Presentation

    from survey.report.markdown import load_wave_results
    from survey.report.render import stage_figures

    figures = project.paths.figures(wave_id)
    files_ = sorted(p.name for p in figures.iterdir() if p.suffix in (".png", ".svg"))
    wave = project.wave(wave_id)
    referenced: dict[str, set] = defaultdict(set)
    for lang in project.languages:
        staged = WORK / "profile-cold-staged" / lang  # as `survey render` stages them: the report's charts drawn
        if staged.exists():
            shutil.rmtree(staged)
        stage_figures(project, wave, lang, staged)
        suffix = "" if lang == project.languages[0] else f".{lang}"
        loaded = load_wave_results(wave_id, compare=wave.compare_to, lang=lang, root=project.paths.root,
                                   figures=staged)
        for show, where in (((loaded.show_front, loaded.show_summary, loaded.show_plan, loaded.show_datasets,
                               loaded.show_changes, loaded.show_methods, loaded.show_appendix), "report"),
                              ((loaded.show_slides,), "quarto slides")):
            buffer = io.StringIO()
            with contextlib.redirect_stdout(buffer):
                for function in show:
                    function()
            for name in re.findall(r"([\w-]+\.(?:report|slide))\.png", buffer.getvalue()):
                referenced[f"{name}{suffix}.png"].add(where)
    output = project.paths.output(wave_id)
    for pptx in sorted(output.glob("slides*.pptx")):  # slides.pptx (first language), slides.<lang>.pptx
        parts = pptx.name.split(".")
        suffix = f".{parts[1]}" if len(parts) == 3 else ""
        for slide in Presentation(pptx).slides:
            for shape in slide.shapes:
                if shape.shape_type == 13:  # a picture, named after its result
                    referenced[f"{shape.name}.slide{suffix}.png"].add("pptx deck")
    rows = defaultdict(int)
    by_file = {}
    for name in files_:
        users = sorted(referenced.get(name, set()))
        key = " + ".join(users) if users else "nothing (kept for the presenter)"
        rows[f"{name.rsplit('.', 1)[1]}: {key}"] += 1
        by_file[name] = users
    # read but not in the run's folder: the report's charts, drawn when the report is rendered (its staging)
    missing = sorted(set(referenced) - set(files_))
    return {"files": len(files_), "by_consumer": dict(sorted(rows.items())), "by_file": by_file,
            "drawn_when_rendered": missing}


def figure_parts(project, wave_id: str, lang: str) -> dict:
    """One language's charts of a wave drawn again, each step of making their files timed apart (CPU s).

    ``draw``: the chart function (``charts.draw``, alt text included); ``layout``: one
    constrained-layout solve (``draw_without_rendering``); ``render_png``: the Agg raster at
    the PNG's dpi, layout switched off; ``encode_png_6`` / ``encode_png_<level>``: PIL's PNG
    encoding of that raster (RGB) at zlib level 6 (matplotlib's) and at the pipeline's ``PNG_COMPRESS_LEVEL``; ``render_svg``:
    the SVG writer, layout switched off; ``savefig_png`` / ``savefig_svg``: what the
    pipeline's ``export.figure_bytes`` costs today (``savefig`` lays the figure out again
    before each file). Pixel counts show what the dpi costs.
    """
    import matplotlib
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    from survey.artefacts import figures as export
    from survey.kinds import charts, style
    from survey.model import Result
    from survey.report.data import read_results

    results = [r for r in read_results(project.paths, wave_id).values() if charts.has_chart(r)]
    wave = project.wave(wave_id)
    label = wave.label_in(lang)
    theme = style.project_theme(project)
    totals: dict[str, dict[str, float]] = {}
    for size in ("report", "slide"):
        t = defaultdict(float)
        for result in results:
            result = Result.from_dict(result.to_dict()) if not isinstance(result, Result) else result
            c = time.process_time()
            fig = charts.draw(result, lang=lang, size=size, wave_label=label, synthetic=wave.synthetic,
                              source=project.dataset_title(result.dataset, lang), theme=theme)
            t["draw"] += time.process_time() - c
            c = time.process_time()
            export.figure_bytes(fig, "png")
            t["savefig_png"] += time.process_time() - c
            c = time.process_time()
            fig.set_layout_engine("none")
            export.figure_bytes(fig, "svg")
            t["savefig_svg (layout kept, as save_figure does)"] += time.process_time() - c
            fig = charts.draw(result, lang=lang, size=size, wave_label=label, synthetic=wave.synthetic,
                              source=project.dataset_title(result.dataset, lang), theme=theme)
            c = time.process_time()
            fig.draw_without_rendering()
            t["layout (one solve)"] += time.process_time() - c
            fig._layout_engine = None  # what a saved layout lets us skip
            dpi = style.SIZES[size].dpi
            c = time.process_time()
            with matplotlib.rc_context({"svg.hashsalt": "survey", "svg.fonttype": "none"}):
                old = fig.dpi
                fig.dpi = dpi
                canvas = FigureCanvasAgg(fig)
                canvas.draw()
                raster = np.asarray(canvas.buffer_rgba())
                fig.dpi = old
            t["render_png (Agg, no layout)"] += time.process_time() - c
            image = Image.fromarray(np.array(raster[:, :, :3]), "RGB")  # as export.png_bytes writes it
            t["megapixels"] += raster.shape[0] * raster.shape[1] / 1e6
            for level in (6, export.PNG_COMPRESS_LEVEL):
                buffer = io.BytesIO()
                c = time.process_time()
                image.save(buffer, format="png", compress_level=level)
                t[f"encode_png_{level}"] += time.process_time() - c
                t[f"png_mb_level_{level}"] += len(buffer.getvalue()) / 2**20
            buffer = io.BytesIO()
            c = time.process_time()
            with matplotlib.rc_context({"svg.hashsalt": "survey", "svg.fonttype": "none"}):
                fig.canvas.print_figure(buffer, format="svg")
            t["render_svg (no layout)"] += time.process_time() - c
            c = time.process_time()
            charts.alt_text(result, lang, synthetic=wave.synthetic, size=size)
            t["alt_text (once more)"] += time.process_time() - c
            t["figures"] += 1
        totals[size] = {k: round(v, 3) for k, v in t.items()}
    return {"wave": wave_id, "lang": lang, "by_size": totals}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wave", default="2024-demo")
    parser.add_argument("--out", type=Path, default=None, help="summary JSON (default results/profile-cold-<wave>.json)")
    parser.add_argument("--no-cprofile", action="store_true", help="timers only (less overhead)")
    parser.add_argument("--figure-parts", action="store_true",
                        help="after the run, draw the first language's charts again and time each step apart")
    args = parser.parse_args(argv)

    os.environ.setdefault("MPLBACKEND", "Agg")
    RESULTS.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    imports = import_everything()
    install_timers()
    project_root = copy_project(WORK / "profile-cold")
    os.environ["SURVEY_PROJECT"] = str(project_root)

    from survey.project.config import load_project
    from survey.pipeline import run_wave

    project = load_project(project_root)
    waves = [args.wave]
    compare = project.wave(args.wave).compare_to
    if compare:  # the comparison wave's outputs exist before a cold run of the later wave, as for an analyst
        run_wave(project, compare, render=False)
        TIMES.clear()
    os.cpu_count = lambda: 1  # noqa: E731 - the chart pool off: every chart in this process
    profiler = None
    if not args.no_cprofile:
        import cProfile

        profiler = cProfile.Profile()
    wall, cpu = time.perf_counter(), time.process_time()
    if profiler:
        profiler.enable()
    run_wave(project, args.wave, render=False)
    if profiler:
        profiler.disable()
    run_wall, run_cpu = time.perf_counter() - wall, time.process_time() - cpu
    stages = {name: {"wall_s": round(v[0], 3), "cpu_s": round(v[1], 3), "calls": v[2]}
              for name, v in sorted(TIMES.items(), key=lambda kv: -kv[1][1])}
    used = consumers(project, args.wave)
    parts = figure_parts(project, args.wave, project.languages[0]) if args.figure_parts else None
    summary = {"wave": args.wave, "waves_run_before": [compare] if compare else [],
               "generated": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
               "load_average": [round(x, 2) for x in os.getloadavg()],
               "imports": imports, "import_s": round(sum(r["wall_s"] for r in imports), 3),
               "run_wall_s": round(run_wall, 3), "run_cpu_s": round(run_cpu, 3),
               "charts_serial": True, "timers_not_found": MISSING, "stages": stages, "figure_files": used, "figure_parts": parts,
               "total_s": round(time.perf_counter() - started, 1)}
    out = args.out or RESULTS / f"profile-cold-{args.wave}.json"
    out.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    if profiler:
        import pstats

        buffer = io.StringIO()
        stats = pstats.Stats(profiler, stream=buffer)
        stats.sort_stats("tottime").print_stats(60)
        stats.sort_stats("cumulative").print_stats(120)
        (RESULTS / f"profile-cold-{args.wave}.txt").write_text(buffer.getvalue(), encoding="utf-8")
        profiler.dump_stats(str(WORK / f"profile-cold-{args.wave}.pstats"))  # binary: kept out of the tree
    print(f"cold run of {args.wave}: {run_wall:.1f} s wall, {run_cpu:.1f} s CPU (charts serial); "
          f"imports {summary['import_s']:.1f} s; load average {summary['load_average']}")
    for name, value in stages.items():
        print(f"  {value['cpu_s']:8.2f} s cpu {value['wall_s']:8.2f} s wall {value['calls']:6d} calls  {name}")
    print(f"figure files: {used['files']}")
    for key, count in used["by_consumer"].items():
        print(f"  {count:4d}  {key}")
    if parts:
        for size, row in parts["by_size"].items():
            print(f"  {size}: " + ", ".join(f"{k} {v:.2f}" for k, v in row.items()))
    print(f"summary: {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
