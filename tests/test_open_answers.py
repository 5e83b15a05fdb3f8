"""Open answers: collected from the normal forms, written with formula-like text kept as text."""

from __future__ import annotations

import openpyxl
import pandas as pd

from survey.instruments import parse_instrument
from survey.open_answers import collect_open_answers, write_open_answers_xlsx

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
    assert ws["A1"].value == "Synteettinen demoaineisto"
    cell = ws["E4"]
    assert cell.value == '=HYPERLINK("http://example.invalid","x")' and cell.data_type == "s"
