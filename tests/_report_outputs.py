"""Build the pipeline outputs the report documents read, in a temporary project copy.

Used by the report, notebook and render tests (session-scoped). The real
``survey.pipeline.run_wave`` is used; while parts of the pipeline are still missing
(during development) a wave whose run fails is built stage by stage, writing the same
files: ``results/<id>.json``, ``figures/<id>.{report,slide}.png`` and the
alt-text sidecars ``figures/<id>.alt.<lang>.txt``.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
WAVES = ("2024-demo", "2026-demo")


def copy_project(target: Path) -> Path:
    """survey.yml, the demo raw data, and the report sources, copied to ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy2(REPO / "survey.yml", target / "survey.yml")
    shutil.copy2(REPO / "_quarto.yml", target / "_quarto.yml")
    for wave in WAVES:
        shutil.copytree(REPO / "data" / "raw" / wave, target / "data" / "raw" / wave)
    shutil.copytree(REPO / "reports", target / "reports", ignore=shutil.ignore_patterns("_output", ".quarto"))
    return target


def build_outputs(root: Path) -> str:
    """Run the pipeline for both demo waves in ``root``; return which builder was used.

    A wave whose ``run_wave`` fails (a stage still being built) is built stage by
    stage instead, skipping only the charts that cannot be drawn yet.
    """
    from survey.config import load_project
    from survey.pipeline import run_wave

    previous = os.environ.get("SURVEY_PROJECT")
    os.environ["SURVEY_PROJECT"] = str(root)
    used = []
    try:
        project = load_project(root)
        for wave in WAVES:
            try:
                run_wave(project, wave, render=False)
                used.append(f"{wave}: pipeline")
            except Exception as exc:  # noqa: BLE001 - parts of the pipeline are still being built
                _stage_outputs(project, wave)
                used.append(f"{wave}: stage by stage ({type(exc).__name__}: {exc})")
        return "; ".join(used)
    finally:
        if previous is None:
            os.environ.pop("SURVEY_PROJECT", None)
        else:
            os.environ["SURVEY_PROJECT"] = previous


def _stage_outputs(project, wave_id: str) -> None:
    from survey import charts, export, files
    from survey import pipeline as P
    from survey.model import to_json

    wave = project.wave(wave_id)
    ingested = P.ingest_wave(project, wave)
    ingested.problems = [p for p in ingested.problems if p.severity != "error"]
    P.write_processed(project, ingested)
    previous = P.load_processed(project, project.wave(wave.compare_to)) if wave.compare_to else None
    results = P.analyse_wave(project, wave, ingested, previous)
    out = project.paths.output(wave.id)
    (out / "figures").mkdir(parents=True, exist_ok=True)
    (out / "results").mkdir(parents=True, exist_ok=True)
    for result in results:
        files.write_text_atomic(out / "results" / f"{result.id}.json", to_json(result.to_dict()))
        try:
            for size in ("report", "slide"):
                fig = charts.draw(result, lang="fi", size=size, wave_label=wave.label, synthetic=wave.synthetic)
                export.save_figure(fig, out / "figures" / f"{result.id}.{size}", formats=("png",))
            for lang in project.languages:
                files.write_text_atomic(out / "figures" / f"{result.id}.alt.{lang}.txt",
                                        charts.alt_text(result, lang) + "\n")
        except Exception:  # noqa: BLE001 - a chart kind not drawable yet
            for size in ("report", "slide"):
                (out / "figures" / f"{result.id}.{size}.png").unlink(missing_ok=True)


_BUILT: dict = {}


def outputs_root(tmp_path_factory) -> Path:
    """One project copy with both demo waves' outputs per test process (built once)."""
    if "root" not in _BUILT:
        root = copy_project(tmp_path_factory.mktemp("report-project") / "project")
        _BUILT["builder"] = build_outputs(root)
        _BUILT["root"] = root
        if "stage by stage" in _BUILT["builder"]:
            import warnings
            warnings.warn(f"report tests ran on outputs built without the full pipeline: {_BUILT['builder']}",
                          UserWarning, stacklevel=2)
    return _BUILT["root"]


# ---------------------------------------------------------------- qmd -> notebook
INCLUDE = "{{< include "
PARAMS_TAG = "#| tags: [parameters]"


def expand_includes(path: Path) -> str:
    """The text of a .qmd with every ``{{< include file >}}`` line replaced by the file."""
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if stripped.startswith(INCLUDE) and stripped.endswith(">}}"):
            name = stripped[len(INCLUDE):-3].strip()
            target = (path.parent / name) if not name.startswith("/") else (path.parents[1] / name.lstrip("/"))
            lines.append(expand_includes(target))
        else:
            lines.append(line)
    return "\n".join(lines) + "\n"


def qmd_notebook(path: Path, params: dict):
    """A notebook of a .qmd's cells (includes expanded), parameters injected after the
    ``parameters`` cell as papermill does, and each inline ``{python}`` expression of the
    prose evaluated in a code cell of its own."""
    import re

    import jupytext
    import nbformat

    notebook = jupytext.reads(expand_includes(path), fmt="Rmd")
    cells = []
    for cell in notebook.cells:
        cells.append(cell)
        if cell.cell_type == "code" and PARAMS_TAG in cell.source:
            assignments = "\n".join(f"{key} = {value!r}" for key, value in params.items())
            cells.append(nbformat.v4.new_code_cell(assignments))
        if cell.cell_type == "markdown":
            for expr in re.findall(r"`\{python\}\s+([^`]+)`", cell.source):
                cells.append(nbformat.v4.new_code_cell(f"print({expr.strip()})"))
    notebook.cells = cells
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return notebook
