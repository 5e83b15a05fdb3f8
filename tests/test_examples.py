"""The bundled example project examples/pikkukunta runs end to end with no Python of its own."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pytest

from survey.cli import main
from survey.project.config import load_project
from survey.demo import generate_demo

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "pikkukunta"
WAVE = "2025-esimerkki"


def test_example_is_synthetic_finnish_and_holds_no_python():
    project = load_project(EXAMPLE)
    assert project.languages == ("fi",) and [w.id for w in project.waves] == [WAVE]
    assert project.wave(WAVE).synthetic is True
    assert not list(EXAMPLE.rglob("*.py"))
    instrument = project.instrument("yhdistykset")
    types = [q.type for q in instrument.questions]
    assert 6 <= len(types) <= 8 and {"single", "multi", "likert", "numeric", "text"} <= set(types)
    assert any(q.type == "likert" and q.option_labels()[q.dont_know] == "En osaa sanoa"
               for q in instrument.questions)
    assert all(set(q.text) == {"fi"} for q in instrument.questions)


def test_example_export_is_regenerated_byte_identically(tmp_path):
    copy = tmp_path / "pikkukunta"
    shutil.copytree(EXAMPLE, copy, ignore=shutil.ignore_patterns("processed", "_output"))
    (copy / "data" / "raw" / WAVE / "yhdistyskysely_webropol.xlsx").unlink()
    generate_demo(copy, waves=(WAVE,))
    name = "yhdistyskysely_webropol.xlsx"
    assert (copy / "data" / "raw" / WAVE / name).read_bytes() == (EXAMPLE / "data" / "raw" / WAVE / name).read_bytes()
    ws = openpyxl.load_workbook(copy / "data" / "raw" / WAVE / name).active
    assert ws.max_row == 2 + 25  # two Webropol header rows, 25 respondents


@pytest.mark.slow
def test_example_runs_end_to_end(tmp_path, monkeypatch, capsys):
    copy = tmp_path / "pikkukunta"
    shutil.copytree(EXAMPLE, copy)
    monkeypatch.delenv("SURVEY_PROJECT", raising=False)
    monkeypatch.chdir(tmp_path)
    assert main(["run", "--project", str(copy), "--no-render"]) == 0
    project = load_project(copy)
    results = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in project.paths.results(WAVE).glob("*.json")}
    assert {"yhdistykset-toimiala", "yhdistykset-yhteistyo", "yhdistykset-arviot", "yhdistykset-talkootunnit"} \
        <= set(results)
    single = results["yhdistykset-toimiala"]
    assert single["title"]["fi"] == "Mikä on yhdistyksenne pääasiallinen toimiala?"
    assert single["n"]["respondents"] == 25
    figures = project.paths.figures(WAVE)
    assert (figures / "yhdistykset-arviot.slide.png").stat().st_size > 10_000
    assert not list(figures.glob("*.report.png"))  # the report's charts are drawn when it is rendered
    assert (project.paths.output(WAVE) / "tables.xlsx").is_file()
    codebook = openpyxl.load_workbook(project.paths.output(WAVE) / "codebook.xlsx")
    text = " ".join(str(c.value) for ws in codebook.worksheets for row in ws.iter_rows() for c in row if c.value)
    assert "Kuinka monta talkootuntia" in text
    alt = (figures / "yhdistykset-toimiala.slide.alt.fi.txt").read_text(encoding="utf-8")
    assert "ynteettinen" in alt or "ynteettis" in alt  # every output says the data is synthetic
