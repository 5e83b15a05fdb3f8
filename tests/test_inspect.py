"""``survey inspect``: the dict others print as JSON, and the human-readable text."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl

from survey.demo.network import build_network
from survey.demo.webropol import write_webropol_xlsx
from survey.ingest.inspect import format_inspection, inspect_file

DEMO = Path(__file__).resolve().parents[1] / "data" / "raw" / "2024-demo"


def test_inspect_webropol_network(tmp_path):
    top, sub, rows, truth = build_network("2024-demo")
    path = write_webropol_xlsx(tmp_path / "network.xlsx", top, sub, rows)
    info = inspect_file(path)
    assert {"format", "encoding", "respondents", "questions"} <= set(info)
    assert info["format"] == "webropol-xlsx" and info["respondents"] == 16
    multis = [q for q in info["questions"] if q["type"] == "multi"]
    assert [q["answered"] for q in multis] == [truth[k]["respondents"]
                                              for k in ("partnership_forms", "grants", "agreements")]
    first = multis[0]
    assert set(first) >= {"id", "text", "type", "options", "columns"}
    assert first["options"][0] == {"code": 1, "label": "Avustukset järjestöille", "column": "c003"}
    assert first["text_column"] == "c013"
    json.dumps(info)
    text = format_inspection(info)
    assert "format:      webropol-xlsx (sheet 'Vastaukset')" in text
    assert "respondents: 16" in text
    assert "[multi  ]" in text and "free text in column c013" in text


def test_inspect_csv_reports_encoding_and_delimiter(tmp_path):
    path = tmp_path / "data.csv"
    path.write_bytes("Kunta;Määrä\nSeinäjoki;1,5\nEvijärvi;2,25\nSeinäjoki;3\n".encode("cp1252"))
    info = inspect_file(path)
    assert info["encoding"] == "cp1252" and info["delimiter"] == ";"
    assert [q["type"] for q in info["questions"]] == ["single", "numeric"]
    assert "encoding:    cp1252, delimiter semicolon" in format_inspection(info)


def test_inspect_interview_text():
    info = {"format": "refi-qda", "file": "x.qdpx", "respondents": 3, "codes": 2, "codings": 5,
            "code_list": [{"code": "Avustukset", "depth": 0, "codings": 3},
                          {"code": "Haku", "depth": 1, "codings": 2}], "notes": []}
    text = format_inspection(info)
    assert "interviews:  3" in text and "codings:     5" in text and "    Avustukset  (3)" in text


def test_coding_sheet_is_delegated():
    path = DEMO / "interviews_coding.xlsx"
    if not path.exists():
        import pytest

        pytest.skip("demo coding sheet absent")
    info = inspect_file(path)
    assert info["format"] == "coding-sheet"
    assert {"respondents", "codes", "codings"} <= set(info)


def test_single_header_row_spreadsheet(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["Kunta", "Ikä", "Kommentti"])
    for i in range(6):
        wb.active.append([["Seinäjoki", "Evijärvi"][i % 2], 30 + i, f"Vastaus {i} on tässä pitkänä"])
    path = tmp_path / "plain.xlsx"
    wb.save(path)
    info = inspect_file(path)
    assert info["format"] == "xlsx" and info["respondents"] == 6
    assert [q["type"] for q in info["questions"]] == ["single", "numeric", "text"]
    assert info["questions"][0]["options"] == [{"code": "Seinäjoki", "label": "Seinäjoki"},
                                               {"code": "Evijärvi", "label": "Evijärvi"}]
