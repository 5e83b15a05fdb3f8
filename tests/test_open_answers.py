"""Open answers: collected from the normal forms, written with formula-like text kept as text."""

from __future__ import annotations

import openpyxl
import pandas as pd

from survey.project.instruments import parse_instrument
from survey.artefacts.open_answers import collect_open_answers, write_open_answers_xlsx

INSTRUMENT = parse_instrument({"dataset": "associations", "title": {"fi": "Järjestökysely", "sv": "Föreningsenkät"},
                               "questions": [
    {"id": "forms", "type": "multi", "text": {"fi": "Muodot"}, "options": [{"code": "a", "fi": "A"}]},
    {"id": "other", "type": "text", "text": {"fi": "Terveiset kaupungille"}, "short": {"fi": "Terveiset"}}]})


def answers_sheet(wb, k: int = 1):
    """The k-th answers sheet (after the cover and the contents) and the row of its table's header."""
    ws = wb.worksheets[1 + k]
    (table,) = ws.tables.values()
    return ws, int("".join(ch for ch in table.ref.split(":")[0] if ch.isdigit()))


def test_collects_text_and_example_boxes_and_keeps_formulas_as_text(tmp_path):
    frame = pd.DataFrame({"respondent_id": ["R1", "R2", "R3"],
                          "forms__text": pd.array(["Seurafoorumi", None, None], dtype="string"),
                          "other": pd.array(['=HYPERLINK("http://example.invalid","x")', "  ", "Kiitos"],
                                            dtype="string")})
    table = collect_open_answers({"associations": frame}, {"associations": INSTRUMENT})
    assert table[["question", "respondent_id", "answer"]].values.tolist() == [
        ["forms", "R1", "Seurafoorumi"], ["other", "R1", '=HYPERLINK("http://example.invalid","x")'],
        ["other", "R3", "Kiitos"]]
    assert table["dataset_name"].tolist() == ["Järjestökysely"] * 3  # the instrument's title, not the id
    assert table["question_label"].tolist() == ["Muodot", "Terveiset", "Terveiset"]  # short labels
    path = write_open_answers_xlsx(table, tmp_path / "open.xlsx", synthetic=True, wave_label="Demoaineisto 2024",
                                   organisation="Demokaupunki", contact="tilastot@example.invalid")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Kansilehti", "Sisällys", "Avovastaukset"]
    ws, head = answers_sheet(wb)
    assert ws["A1"].value == "Avovastaukset" and ws["A2"].value == "Synteettinen demoaineisto"
    assert [ws.cell(head, j).value for j in (1, 2, 5)] == ["Aineisto", "Kysymys", "Vastaus (henkilötiedot peitetty)"]
    assert [ws.cell(head + 1, j).value for j in (1, 2)] == ["Järjestökysely", "Muodot"]
    cell = ws.cell(head + 2, 5)
    assert cell.value == '=HYPERLINK("http://example.invalid","x")' and cell.data_type == "s" and cell.quotePrefix
    again = write_open_answers_xlsx(table, tmp_path / "again.xlsx", synthetic=True, wave_label="Demoaineisto 2024",
                                    organisation="Demokaupunki", contact="tilastot@example.invalid")
    assert again.read_bytes() == path.read_bytes()


def test_open_answers_workbook_follows_the_guidance_with_names_not_ids(tmp_path):
    from _guidance import guidance_problems

    frame = pd.DataFrame({"respondent_id": ["R1", "R2"], "forms__text": pd.array([None, None], dtype="string"),
                          "other": pd.array(["Kiitos", "Hyvä"], dtype="string")})
    table = collect_open_answers({"associations": frame}, {"associations": INSTRUMENT}, lang="sv")
    wb = openpyxl.load_workbook(write_open_answers_xlsx(table, tmp_path / "o.xlsx", lang="sv", synthetic=True,
                                                        wave_label="Demodata 2024", organisation="Demostaden",
                                                        contact="statistik@example.invalid"))
    assert guidance_problems(wb, marker="Syntetiska demodata", ids={"associations", "other", "forms"}) == []
    cover = " ".join(str(c.value) for row in wb.worksheets[0].iter_rows() for c in row if c.value)
    for text in ("Demodata 2024", "Demostaden", "statistik@example.invalid", "[x] = "):
        assert text in cover
    ws, head = answers_sheet(wb)
    assert ws.tables[next(iter(ws.tables))].autoFilter is not None
    assert [ws.cell(head, j).value for j in range(1, 6)] == ["Material", "Fråga", "Frågans text",
                                                             "Respondentens id", "Svar (personuppgifter maskerade)"]
    empty = write_open_answers_xlsx(collect_open_answers({"associations": frame[["respondent_id"]]},
                                                         {"associations": INSTRUMENT}), tmp_path / "e.xlsx")
    assert guidance_problems(openpyxl.load_workbook(empty)) == []
    assert "Yhteystietoja ei ole annettu" in " ".join(
        str(c.value) for row in openpyxl.load_workbook(empty).worksheets[0].iter_rows() for c in row if c.value)


def test_a_large_table_is_written_in_one_pass_and_split_at_the_row_limit(tmp_path, monkeypatch):
    from survey.artefacts import open_answers

    monkeypatch.setattr(open_answers, "MAX_ROWS", 40)
    n = 100
    table = pd.DataFrame({"dataset": "associations", "question": "other", "question_text": "Terveiset",
                          "respondent_id": [f"R{i}" for i in range(n)], "answer": [f"vastaus {i}" for i in range(n)],
                          "dataset_name": "Föreningsenkät", "question_label": "Hälsningar"})
    wb = openpyxl.load_workbook(write_open_answers_xlsx(table, tmp_path / "big.xlsx", lang="sv"))
    assert wb.sheetnames == ["Försättsblad", "Innehåll", "Öppna_svar", "Öppna_svar_2", "Öppna_svar_3"]
    sheets = [answers_sheet(wb, k) for k in (1, 2, 3)]
    assert [ws.max_row - head for ws, head in sheets] == [40, 40, 20]
    ws, head = sheets[2]
    assert ws.cell(head + 20, 5).value == "vastaus 99" and ws["A1"].value == "Öppna svar (3/3)"
    contents = wb.worksheets[1]
    links = [c.hyperlink.location for row in contents.iter_rows() for c in row if c.hyperlink is not None]
    assert links == ["'Öppna_svar'!A1", "'Öppna_svar_2'!A1", "'Öppna_svar_3'!A1"]
