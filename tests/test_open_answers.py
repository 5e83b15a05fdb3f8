"""Open answers: collected from the normal forms, written with formula-like text kept as text."""

from __future__ import annotations

import openpyxl
import pandas as pd

from survey.project.instruments import parse_instrument
from survey.artefacts.open_answers import collect_open_answers, write_open_answers_xlsx

INSTRUMENT = parse_instrument({"dataset": "associations", "questions": [
    {"id": "forms", "type": "multi", "text": {"fi": "Muodot"}, "options": [{"code": "a", "fi": "A"}]},
    {"id": "other", "type": "text", "text": {"fi": "Terveiset kaupungille"}}]})


def test_collects_text_and_example_boxes_and_keeps_formulas_as_text(tmp_path):
    frame = pd.DataFrame({"respondent_id": ["R1", "R2", "R3"],
                          "forms__text": pd.array(["Seurafoorumi", None, None], dtype="string"),
                          "other": pd.array(['=HYPERLINK("http://example.invalid","x")', "  ", "Kiitos"],
                                            dtype="string")})
    table = collect_open_answers({"associations": frame}, {"associations": INSTRUMENT})
    assert table[["question", "respondent_id", "answer"]].values.tolist() == [
        ["forms", "R1", "Seurafoorumi"], ["other", "R1", '=HYPERLINK("http://example.invalid","x")'],
        ["other", "R3", "Kiitos"]]
    path = write_open_answers_xlsx(table, tmp_path / "open.xlsx", synthetic=True)
    ws = openpyxl.load_workbook(path).active
    assert ws["A1"].value == "Avovastaukset" and ws["A2"].value == "Synteettinen demoaineisto"
    assert ws["A3"].value == "Aineisto" and ws["E3"].value == "Vastaus (henkilötiedot peitetty)"
    cell = ws["E5"]
    assert cell.value == '=HYPERLINK("http://example.invalid","x")' and cell.data_type == "s" and cell.quotePrefix
    again = write_open_answers_xlsx(table, tmp_path / "again.xlsx", synthetic=True)
    assert again.read_bytes() == path.read_bytes()


def test_a_large_table_is_written_in_one_pass_and_split_at_the_row_limit(tmp_path, monkeypatch):
    from survey.artefacts import open_answers

    monkeypatch.setattr(open_answers, "MAX_ROWS", 40)
    n = 100
    table = pd.DataFrame({"dataset": "associations", "question": "other", "question_text": "Terveiset",
                          "respondent_id": [f"R{i}" for i in range(n)], "answer": [f"vastaus {i}" for i in range(n)]})
    wb = openpyxl.load_workbook(write_open_answers_xlsx(table, tmp_path / "big.xlsx", lang="sv"))
    assert wb.sheetnames == ["Öppna_svar", "Öppna_svar_2", "Öppna_svar_3"]
    assert [ws.max_row - 3 for ws in wb.worksheets] == [40, 40, 20]
    assert wb.worksheets[2]["E23"].value == "vastaus 99"
