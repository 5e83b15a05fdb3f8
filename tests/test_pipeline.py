"""pipeline: a rerun on unchanged inputs reuses figures and workbooks and gives identical bytes."""

from __future__ import annotations

from pathlib import Path

from survey.project.config import load_project
from survey.store.files import sha256_file
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


def test_changing_an_instrument_title_redraws_the_charts_that_print_it(network_project):
    """The dataset's name is printed in every chart footer ('Lähde: ...'): a new name, a new chart."""
    project = load_project(network_project)
    run_wave(project, "2024-demo", render=False)
    figures = project.paths.figures("2024-demo")
    before = {p.name: sha256_file(p) for p in figures.glob("network-grants.report*.png")}
    assert before
    # the project's own questionnaire: its Finnish title is reworded, nothing else
    file = network_project / "instruments" / "network.yml"
    text = file.read_text(encoding="utf-8")
    old = "  fi: Kuntien järjestöyhdyshenkilöverkoston kysely\n"
    assert old in text
    file.write_text(text.replace(old, "  fi: Järjestöyhdyshenkilöverkoston kysely (uusi nimi)\n"), encoding="utf-8")
    messages: list[str] = []
    run_wave(load_project(network_project), "2024-demo", render=False, progress=messages.append)
    after = {p.name: sha256_file(p) for p in figures.glob("network-grants.report*.png")}
    assert after["network-grants.report.png"] != before["network-grants.report.png"], messages  # fi footer changed
    assert after["network-grants.report.sv.png"] == before["network-grants.report.sv.png"]  # redrawn, same bytes
    assert not any("unchanged since the last run, reused" in m for m in messages)
    assert any(m.startswith("  chart ") and "network-grants" in m for m in messages)


def test_cache_keys_cover_code_versions_and_printed_texts():
    import dataclasses

    import pandas as pd

    from survey.artefacts.figures import dataset_sources
    from survey.model import Result
    from survey.store import cache

    result = Result(id="x", kind="single", dataset="network", question="q", title={"fi": "Kysymys"},
                    table=pd.DataFrame({"code": [1], "count": [3], "pct": [1.0]}), n={"respondents": 3})
    code = cache.chart_code_digest()
    project = load_project(Path(__file__).resolve().parents[1])
    texts = cache.chart_texts(result, ("fi", "sv"), dataset_sources(project, ("fi", "sv")))
    assert texts["source"]["fi"]  # the network instrument's title, as the footer prints it
    key = cache.figure_key(result, ("fi", "sv"), "W", True, code, texts)
    assert key == cache.figure_key(result, ("fi", "sv"), "W", True, code, texts)
    assert key != cache.figure_key(result, ("fi", "sv"), "W", True, code,
                                      {"source": {**texts["source"], "sv": "annan"}})
    assert key != cache.figure_key(dataclasses.replace(result, title={"fi": "Toinen"}), ("fi", "sv"), "W", True,
                                      code, texts)
    versions = cache.package_versions()
    assert versions["matplotlib"] and versions["openpyxl"] and versions["babel"]
    assert cache.workbook_key([result], "fi", "W", True, code) != \
        cache.workbook_key([result], "fi", "W", True, code, {"contact": "x"})
