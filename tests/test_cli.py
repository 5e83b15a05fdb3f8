"""The `survey` command through its real entry point, on a temporary copy of the project."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from survey.cli import main
from survey.project.paths import Paths
from survey.store.files import sha256_file

def _hashes(folder: Path) -> dict:
    return {str(p.relative_to(folder)): sha256_file(p) for p in sorted(folder.rglob("*")) if p.is_file()}


def test_help_lists_every_command_and_exit_codes(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for command in ("run", "validate", "inspect", "render", "demo"):
        assert command in out
    assert "exit codes" in out and "3   Quarto" in out
    for command in ("run", "validate", "inspect", "render", "demo"):
        assert main([command, "--help"]) == 0


@pytest.mark.slow
def test_run_produces_figures_xlsx_and_the_study_footers(network_project, capsys):
    assert main(["run", "--wave", "2024-demo", "--no-render"]) == 0
    out = Paths(network_project).output("2024-demo")
    for stem in ("network-partnership-forms", "network-grants", "network-agreements"):
        assert (out / "figures" / f"{stem}.slide.png").stat().st_size > 10_000
        assert not (out / "figures" / f"{stem}.report.png").exists()  # drawn when the report is rendered
    assert not list((out / "figures").glob("*.svg"))  # SVG on request (figures: formats:)
    assert (out / "tables.xlsx").is_file()
    from survey.kinds.words import selections_footer
    from survey.model import Result

    footers = [selections_footer(Result.from_dict(json.loads((out / "results" / f"{stem}.json").read_text())), "fi")
               for stem in ("network-partnership-forms", "network-grants", "network-agreements")]
    assert footers == ["Vastaajien määrä: 16, valittujen vastausten lukumäärä: 69",
                       "Vastaajien määrä: 16, valittujen vastausten lukumäärä: 101",
                       "Vastaajien määrä: 12, valittujen vastausten lukumäärä: 32"]
    workbook = openpyxl.load_workbook(out / "tables.xlsx")
    text = " ".join(str(c.value) for ws in workbook.worksheets for row in ws.iter_rows() for c in row if c.value)
    assert "Vastaajien määrä: 16, valittujen vastausten lukumäärä: 101" in text


@pytest.mark.slow
def test_figures_formats_in_survey_yml_adds_editable_svg_of_the_slide_charts(network_project):
    """``figures: {formats: [png, svg]}``: every slide chart also as SVG whose labels are <text> (selectable,
    editable), with its title and description; no report-size SVG (nothing reads one)."""
    config = network_project / "survey.yml"
    config.write_text(config.read_text(encoding="utf-8") + "figures: {formats: [png, svg]}\n", encoding="utf-8")
    assert main(["run", "--wave", "2024-demo", "--no-render"]) == 0
    figures = Paths(network_project).output("2024-demo") / "figures"
    for stem in ("network-partnership-forms", "network-grants", "network-agreements"):
        for name in (f"{stem}.slide.svg", f"{stem}.slide.sv.svg"):
            svg = (figures / name).read_text(encoding="utf-8")
            assert "<text" in svg and 'role="img"' in svg and "<desc" in svg, name
    assert sorted(p.name for p in figures.glob("*.svg")) == sorted(
        f"{stem}.slide{s}.svg" for stem in ("network-partnership-forms", "network-grants", "network-agreements")
        for s in ("", ".sv"))


@pytest.mark.slow
def test_validate_names_every_problem_and_leaves_last_good_outputs(network_project, capsys):
    assert main(["run", "--wave", "2024-demo", "--no-render"]) == 0
    outputs = (Paths(network_project).output("2024-demo"),)   # processed data, results, figures: one tree
    before = _hashes(outputs[0])
    raw = network_project / "data" / "raw" / "2024-demo" / "network_webropol.xlsx"
    workbook = openpyxl.load_workbook(raw)
    ws = workbook.active
    ws.delete_cols(5)  # the option column "Yhteiset tapahtumat" of the first question
    ws["D4"] = "x"  # text in a 0/1 column
    ws["A6"] = ws["A5"].value  # duplicated respondent id
    workbook.save(raw)
    capsys.readouterr()
    assert main(["validate", "--wave", "2024-demo"]) == 1
    out = capsys.readouterr().out
    assert "Yhteiset tapahtumat" in out and "missing" in out
    assert "row 4" in out and "'x'" in out
    assert "duplicated respondent id" in out and "row 6" in out
    assert main(["run", "--wave", "2024-demo", "--no-render"]) == 1
    after = _hashes(outputs[0])
    assert before == after


def test_inspect_json_reports_three_multi_questions(capsys):
    raw = Path(__file__).resolve().parents[1] / "data" / "raw" / "2024-demo" / "network_webropol.xlsx"
    assert main(["inspect", str(raw), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["respondents"] == 16
    multi = [q for q in info["questions"] if q["type"] == "multi"]
    assert len(multi) == 3
    assert [len(q["options"]) for q in multi] == [10, 10, 7]
    assert "Kumppanuussopimus" in [o["label"] for o in multi[0]["options"]]


def test_render_without_quarto_exits_3_with_one_clear_sentence(network_project, monkeypatch, capsys):
    monkeypatch.setenv("PATH", "/nonexistent")
    assert main(["render", "--wave", "2024-demo"]) == 3
    err = capsys.readouterr().err
    assert "Quarto" in err and "install" in err.lower()
    assert "output/2024-demo" in err or "output\\2024-demo" in err


def test_errors_are_one_line_not_a_traceback(network_project, capsys):
    assert main(["run", "--wave", "no-such-wave"]) == 2
    err = capsys.readouterr().err
    assert "no-such-wave" in err and "Traceback" not in err


@pytest.mark.slow
def test_console_script_runs_as_installed(network_project):
    exe = Path(sys.executable).with_name("survey")
    result = subprocess.run([str(exe), "validate", "--wave", "2024-demo"], capture_output=True, text=True,
                            env={**os.environ, "SURVEY_PROJECT": str(network_project)}, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "valid" in result.stdout
