"""pipeline: a rerun on unchanged inputs reuses figures and workbooks and gives identical bytes."""

from __future__ import annotations

from pathlib import Path

from survey.config import load_project
from survey.files import sha256_file
from survey.pipeline import run_wave

def _hashes(folder: Path) -> dict:
    return {str(p.relative_to(folder)): sha256_file(p) for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != "manifest.json"}


def test_rerun_reuses_unchanged_figures_and_workbooks_byte_for_byte(network_project):
    project = load_project(network_project)
    run_wave(project, "2024-demo", render=False)
    out = project.paths.output("2024-demo")
    first = _hashes(out) | {f"processed/{k}": v for k, v in _hashes(project.paths.processed("2024-demo")).items()}
    messages: list[str] = []
    run_wave(project, "2024-demo", render=False, progress=messages.append)
    second = _hashes(out) | {f"processed/{k}": v for k, v in _hashes(project.paths.processed("2024-demo")).items()}
    assert first == second
    assert any("3 charts unchanged since the last run, reused" in m for m in messages)
    assert not any(m.startswith("  chart ") for m in messages)
    assert {"tables.xlsx", "tables.sv.xlsx", "codebook.xlsx", "slides.pptx", "slides.sv.pptx"} <= \
        {p.name for p in out.iterdir()}
    assert "open_answers.xlsx" not in {p.name for p in out.iterdir()}  # the analyst's working file
    assert (project.paths.processed("2024-demo") / "open_answers.xlsx").is_file()
    assert (out / "figures" / "network-grants.slide.sv.png").is_file()
