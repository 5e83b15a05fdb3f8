"""A next wave with a new multi-select option and a new single-choice category: never dropped silently."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from survey.cli import main
from survey.project.config import load_project
from survey.demo import pikkukunta
from survey.demo.webropol import write_webropol_xlsx

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "pikkukunta"
NEW_WAVE = "2026-esimerkki"
NEW_OPTION, NEW_CATEGORY = "Yhteinen hanke", "Nuorisotoiminta"

NEXT_WAVE = f"""
  - id: {NEW_WAVE}
    label: Esimerkkiaineisto 2026
    synthetic: true
    compare_to: 2025-esimerkki
    datasets:
      yhdistykset:
        file: yhdistyskysely_webropol.xlsx
"""


def _next_wave_export(root: Path) -> tuple[int, int]:
    """The 2025 export plus a new option column of `yhteistyo` and a new `toimiala` category."""
    instrument = load_project(root).instrument("yhdistykset")
    top, sub, rows, _ = pikkukunta.build_rows(instrument, seed=2026)
    last = max(i for i, s in enumerate(sub) if s == "Tiedottaminen kunnan kanavissa")
    top.insert(last + 1, "")
    sub.insert(last + 1, NEW_OPTION)
    for i, row in enumerate(rows):
        row.insert(last + 1, 1 if i % 3 == 0 else None)
    single = top.index("Mikä on yhdistyksenne pääasiallinen toimiala?")
    for i in (1, 6, 11):
        rows[i][single] = NEW_CATEGORY
    folder = root / "data" / "raw" / NEW_WAVE
    folder.mkdir(parents=True)
    write_webropol_xlsx(folder / "yhdistyskysely_webropol.xlsx", top, sub, rows)
    return sum(1 for i in range(len(rows)) if i % 3 == 0), 3


@pytest.fixture
def next_wave(tmp_path, monkeypatch):
    root = tmp_path / "pikkukunta"
    shutil.copytree(EXAMPLE, root)
    with (root / "survey.yml").open("a", encoding="utf-8") as f:
        f.write(NEXT_WAVE)
    monkeypatch.setenv("SURVEY_PROJECT", str(root))
    return root, _next_wave_export(root)


def test_new_option_and_category_fail_validation_naming_both_and_the_ways_out(next_wave, capsys):
    root, _ = next_wave
    assert main(["validate", "--wave", NEW_WAVE]) == 1
    out = capsys.readouterr().out
    assert NEW_OPTION in out and NEW_CATEGORY in out
    assert "row 3" in out  # the first respondent who chose the new option (Excel row 3)
    assert "added_in: 2026-esimerkki" in out and "mapping: options: yhteistyo" in out
    assert "mapping: options: toimiala" in out
    assert main(["run", "--wave", NEW_WAVE, "--no-render"]) == 1
    assert not load_project(root).paths.output(NEW_WAVE).exists()


@pytest.mark.slow
def test_one_instrument_line_each_and_the_answers_are_counted_as_new(next_wave, capsys):
    root, (chose_new, new_category) = next_wave
    file = root / "instruments" / "yhdistykset.yml"
    text = file.read_text(encoding="utf-8")
    text = text.replace("      - {code: muu, fi: Muu}\n",
                        f"      - {{code: muu, fi: Muu}}\n      - {{code: nuoriso, fi: {NEW_CATEGORY}, "
                        f"added_in: {NEW_WAVE}}}\n")
    text = text.replace("      - {code: tiedotus, fi: Tiedottaminen kunnan kanavissa}\n",
                        "      - {code: tiedotus, fi: Tiedottaminen kunnan kanavissa}\n"
                        f"      - {{code: hanke, fi: {NEW_OPTION}, added_in: {NEW_WAVE}}}\n")
    file.write_text(text, encoding="utf-8")
    assert main(["run", "--wave", NEW_WAVE, "--no-render"]) == 0, capsys.readouterr().err
    results = load_project(root).paths.results(NEW_WAVE)
    multi = json.loads((results / "yhdistykset-yhteistyo.json").read_text(encoding="utf-8"))
    table = _table(multi)
    assert table["hanke"]["count"] == chose_new
    single = _table(json.loads((results / "yhdistykset-toimiala.json").read_text(encoding="utf-8")))
    assert single["nuoriso"]["count"] == new_category or single["nuoriso"].get("suppressed")
    multi_wave = json.loads((results / "yhdistykset-yhteistyo-waves.json").read_text(encoding="utf-8"))
    assert "hanke" in multi_wave["test"]["not_compared"]
    assert "lisättiin" in multi_wave["test"]["note"]["fi"]
    assert not (results / "yhdistykset-toimiala-waves.json").exists()  # a background question is not compared


def _table(result: dict) -> dict:
    from survey.model import Result

    table = Result.from_dict(result).table
    return {str(r["code"]): r for r in table.to_dict(orient="records")}
