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
    assert {"tables.xlsx", "tables.sv.xlsx", "codebook.xlsx", "open_answers.xlsx"} <= {p.name for p in out.iterdir()}
    assert (out / "figures" / "network-grants.slide.sv.png").is_file()


def test_changing_an_instrument_title_redraws_the_charts_that_print_it(network_project, tmp_path, monkeypatch):
    """The dataset's name is printed in every chart footer ('Lähde: ...'): a new name, a new chart."""
    import shutil

    import yaml

    from survey import instruments

    project = load_project(network_project)
    run_wave(project, "2024-demo", render=False)
    figures = project.paths.figures("2024-demo")
    before = {p.name: sha256_file(p) for p in figures.glob("network-grants.report*.png")}
    assert before
    # a copy of the instruments whose network title is reworded in Finnish only
    folder = tmp_path / "instruments"
    shutil.copytree(instruments.INSTRUMENTS_DIR, folder)
    data = yaml.safe_load((folder / "network.yml").read_text(encoding="utf-8"))
    data["title"]["fi"] = "Järjestöyhdyshenkilöverkoston kysely (uusi nimi)"
    (folder / "network.yml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    monkeypatch.setattr(instruments, "INSTRUMENTS_DIR", folder)
    instruments.load_instrument.cache_clear()  # a new run is a new process; here the cache must forget
    messages: list[str] = []
    try:
        run_wave(project, "2024-demo", render=False, progress=messages.append)
    finally:
        instruments.load_instrument.cache_clear()
    after = {p.name: sha256_file(p) for p in figures.glob("network-grants.report*.png")}
    assert after["network-grants.report.png"] != before["network-grants.report.png"], messages  # fi footer changed
    assert after["network-grants.report.sv.png"] == before["network-grants.report.sv.png"]  # redrawn, same bytes
    assert not any("unchanged since the last run, reused" in m for m in messages)
    assert any(m.startswith("  chart ") and "network-grants" in m for m in messages)


def test_cache_keys_cover_code_versions_and_printed_texts():
    import dataclasses

    import pandas as pd

    from survey import pipeline
    from survey.model import Result

    result = Result(id="x", kind="single", dataset="network", question="q", title={"fi": "Kysymys"},
                    table=pd.DataFrame({"code": [1], "count": [3], "pct": [1.0]}), n={"respondents": 3})
    code = pipeline.chart_code_digest()
    texts = pipeline.chart_texts(result, ("fi", "sv"))
    assert texts["source"]["fi"]  # the network instrument's title, as the footer prints it
    key = pipeline.figure_key(result, ("fi", "sv"), "W", True, code, texts)
    assert key == pipeline.figure_key(result, ("fi", "sv"), "W", True, code, texts)
    assert key != pipeline.figure_key(result, ("fi", "sv"), "W", True, code,
                                      {"source": {**texts["source"], "sv": "annan"}})
    assert key != pipeline.figure_key(dataclasses.replace(result, title={"fi": "Toinen"}), ("fi", "sv"), "W", True,
                                      code, texts)
    versions = pipeline.package_versions()
    assert versions["matplotlib"] and versions["openpyxl"] and versions["babel"]
    assert pipeline.workbook_key([result], "fi", "W", True, code) != \
        pipeline.workbook_key([result], "fi", "W", True, code, {"contact": "x"})
