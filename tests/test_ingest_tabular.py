"""Exports written in each tool's own layout (built here, in tmp_path) read correctly."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pandas as pd
import pytest

from survey.ingest import detect_format, read


def _xlsx(path, rows, sheet="Sheet1"):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def _q(ds, text):
    matches = [q for q in ds.meta.questions if q.text == text]
    assert matches, [q.text for q in ds.meta.questions]
    return matches[0]


# --------------------------------------------------------------------------- Microsoft Forms

MSFORMS_ROWS = [
    ["Id", "Start time", "Completion time", "Email", "Name", "Mitä avustuksia olette hakeneet?",
     "Toimiala", "Kommentit"],
    [1, dt.datetime(2025, 3, 1, 9, 5), dt.datetime(2025, 3, 1, 9, 9), "anonymous", None,
     "Toiminta-avustus;Tapahtuma-avustus;", "Urheilu", "Hyvä kysely, kiitos"],
    [2, dt.datetime(2025, 3, 1, 10, 0), dt.datetime(2025, 3, 1, 10, 4), "anonymous", None,
     "Tapahtuma-avustus;", "Kulttuuri", None],
    [3, dt.datetime(2025, 3, 2, 8, 0), dt.datetime(2025, 3, 2, 8, 3), "anonymous", None, None, "Urheilu", None],
    [4, dt.datetime(2025, 3, 2, 9, 0), dt.datetime(2025, 3, 2, 9, 1), "anonymous", None,
     "Kohdeavustus;Toiminta-avustus;", "Urheilu", "Avustusten haku, raportointi ja aikataulut epäselviä"],
]


def test_msforms_xlsx_splits_semicolon_multi_select(tmp_path):
    ds = read(_xlsx(tmp_path / "forms.xlsx", MSFORMS_ROWS))
    assert ds.meta.format == "msforms-xlsx" and ds.meta.respondents == 4
    assert ds.meta.id_column == "c001"
    q = _q(ds, "Mitä avustuksia olette hakeneet?")
    assert q.type == "multi"
    assert [o.label for o in q.options] == ["Toiminta-avustus", "Tapahtuma-avustus", "Kohdeavustus"]
    first = ds.frame[q.options[0].column]
    assert str(first.dtype) == "boolean"
    assert first.tolist() == [True, False, pd.NA, True]  # NA: question skipped
    assert ds.frame[q.options[1].column].tolist() == [True, True, pd.NA, False]
    assert _q(ds, "Start time").type == "date"
    assert _q(ds, "Toimiala").type == "single"
    assert ds.meta.extra["identifier_columns"] == ["c004", "c005"]


def test_msforms_csv_cp1252(tmp_path):
    text = ("Id,Start time,Completion time,Email,Name,Valitse kaikki sopivat,Ikä\r\n"
            "1,9/1/2024 11:27,9/1/2024 11:29,anonymous,,Kyllä;Ehkä;,34\r\n"
            "2,9/1/2024 11:30,9/1/2024 11:31,anonymous,,Ehkä;,51\r\n"
            "3,9/13/2024 8:02,9/13/2024 8:05,anonymous,,,29\r\n")
    path = tmp_path / "forms.csv"
    path.write_bytes(text.encode("cp1252"))
    ds = read(path)
    assert ds.meta.format == "msforms-csv" and ds.meta.encoding == "cp1252"
    q = _q(ds, "Valitse kaikki sopivat")
    assert [o.label for o in q.options] == ["Kyllä", "Ehkä"]
    assert ds.frame[q.options[1].column].tolist() == [True, True, pd.NA]
    start = ds.frame[_q(ds, "Start time").columns[0]]
    assert start.iloc[2] == pd.Timestamp("2024-09-13 08:02")  # month first, as US Forms writes it
    assert _q(ds, "Ikä").type == "numeric"
    assert ds.meta.source_rows == (2, 3, 4)


# --------------------------------------------------------------------------- SurveyMonkey

def test_surveymonkey_two_row_header(tmp_path):
    top = ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address", "Email Address",
           "First Name", "Last Name", "Custom Data 1", "How did you hear about us?",
           "Which services do you use?", None, None, None,
           "How satisfied are you with:", None, "Any other comments?"]
    sub = [None] * 9 + ["Response", "Library", "Sports halls", "Youth centres", "Other (please specify)",
                        "Opening hours", "Staff", "Open-Ended Response"]
    scale = ["Very dissatisfied", "Dissatisfied", "Neutral", "Satisfied", "Very satisfied"]
    rows = [top, sub]
    for i in range(6):
        rows.append([11400000 + i, 2500, "03/14/2025 10:00:00", "03/14/2025 10:05:00", "10.0.0.1", None, None,
                     None, None, ["Friend", "Newspaper", "Web"][i % 3],
                     "Library" if i % 2 == 0 else None, "Sports halls" if i < 3 else None, None,
                     "Skate park" if i == 4 else None, scale[i % 5], scale[(i + 2) % 5],
                     "More evening hours" if i == 1 else None])
    path = _xlsx(tmp_path / "monkey.xlsx", rows)
    ds = read(path)
    assert ds.meta.format == "surveymonkey-xlsx" and ds.meta.respondents == 6
    assert ds.meta.source_rows[0] == 3
    assert ds.meta.id_column == "c001"
    assert _q(ds, "How did you hear about us?").type == "single"
    multi = _q(ds, "Which services do you use?")
    assert multi.type == "multi"
    assert [o.label for o in multi.options] == ["Library", "Sports halls", "Youth centres"]
    assert multi.text_column == "c014"
    assert ds.frame["c011"].tolist()[:2] == ["Library", None] or ds.frame["c011"].isna().iloc[1]
    item = _q(ds, "How satisfied are you with: — Opening hours")
    assert item.type == "likert" and [o.label for o in item.options] == scale
    assert _q(ds, "Any other comments?").type == "text"
    assert _q(ds, "Start Date").type == "date"
    assert "c005" in ds.meta.extra["identifier_columns"]


# --------------------------------------------------------------------------- Webropol csv, cp1252, decimal comma

def test_cp1252_semicolon_csv_with_decimal_commas_and_trailing_delimiters(tmp_path):
    lines = [
        "Vastaajan tunnus;Vastausaika;Kuinka monta jäsentä?;Jäsenmaksu (€);Tyytyväisyys;Päivämäärä (pvm);",
        "R1;3.4.2024 9:05;120;12,50;Täysin samaa mieltä;45383;",
        "R2;4.4.2024 10:15;35;8,00;Jokseenkin eri mieltä;45384;",
        "R3;15.4.2024 14:00;;10,75;En osaa sanoa;45390;",
    ]
    path = tmp_path / "webropol.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    ds = read(path)
    assert ds.meta.format == "webropol-csv" and ds.meta.encoding == "cp1252"
    assert ds.meta.extra["delimiter"] == ";"
    assert list(ds.frame.columns) == ["c001", "c002", "c003", "c004", "c005", "c006"]
    fee = ds.frame[_q(ds, "Jäsenmaksu (€)").columns[0]]
    assert fee.tolist() == [12.5, 8.0, 10.75]
    members = _q(ds, "Kuinka monta jäsentä?")
    assert members.type == "numeric" and ds.frame[members.columns[0]].tolist() == [120, 35, pd.NA]
    when = ds.frame[_q(ds, "Vastausaika").columns[0]]
    assert when.tolist()[2] == pd.Timestamp("2024-04-15 14:00")
    serial = _q(ds, "Päivämäärä (pvm)")
    assert serial.type == "date"
    assert ds.frame[serial.columns[0]].iloc[0] == pd.Timestamp("2024-04-01")
    likert = _q(ds, "Tyytyväisyys")
    assert likert.type == "likert"
    assert [o.label for o in likert.options] == ["Jokseenkin eri mieltä", "Täysin samaa mieltä", "En osaa sanoa"]
    assert ds.meta.source_rows == (2, 3, 4)


@pytest.mark.parametrize("encoding,bom", [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("utf-16", b"")])
def test_csv_encodings(tmp_path, encoding, bom):
    text = "Nimi\tÄäniä\tKaupunki\nÅsa\t3\tSeinäjoki\nÖrjan\t5\tEvijärvi\nÄijä\t4\tSeinäjoki\n"
    path = tmp_path / "data.tsv"
    path.write_bytes(bom + text.encode(encoding))
    ds = read(path)
    assert ds.meta.respondents == 3
    assert ds.meta.encoding == {"": "utf-8", "\ufeff": "utf-8-sig"}.get(bom.decode("utf-8"), "utf-16") \
        if encoding == "utf-8" else ds.meta.encoding == "utf-16"
    assert [q.text for q in ds.meta.questions] == ["Nimi", "Ääniä", "Kaupunki"]
    assert ds.frame["c003"].tolist() == ["Seinäjoki", "Evijärvi", "Seinäjoki"]


def test_quoted_multiline_cells_keep_line_numbers(tmp_path):
    text = 'id,kommentti,ikä\n1,"rivi yksi\nrivi kaksi",30\n2,lyhyt,40\n'
    path = tmp_path / "multi.csv"
    path.write_text(text, encoding="utf-8")
    ds = read(path)
    assert ds.meta.source_rows == (2, 4)
    assert ds.frame["c002"].iloc[0] == "rivi yksi\nrivi kaksi"


# --------------------------------------------------------------------------- Google Forms

def test_google_forms_comma_joined_multi_and_free_text_with_commas(tmp_path):
    rows = [["Timestamp", "Which events did you attend?", "What should we improve?", "Age group"]]
    events = ["Concert, Market", "Market", "Concert, Sports day, Market", "Sports day", "Market, Concert",
              "Concert"]
    comments = ["More seats, better signs", "Parking, toilets and food", "Nothing, it was great",
                "Earlier start, please", "Music was loud, but fine", "Cheaper tickets"]
    for i in range(6):
        rows.append([dt.datetime(2025, 8, 29, 17, i, 56, 622000), events[i], comments[i],
                     ["18-29", "30-49", "50+"][i % 3]])
    ds = read(_xlsx(tmp_path / "google.xlsx", rows, sheet="Form Responses 1"))
    assert ds.meta.format == "googleforms-xlsx"
    multi = _q(ds, "Which events did you attend?")
    assert multi.type == "multi"
    assert [o.label for o in multi.options] == ["Concert", "Market", "Sports day"]
    assert ds.frame[multi.options[2].column].tolist() == [False, False, True, True, False, False]
    assert _q(ds, "What should we improve?").type == "text"
    assert _q(ds, "Timestamp").type == "date"


# --------------------------------------------------------------------------- LimeSurvey

@pytest.mark.parametrize("yes,no", [("Y", None), ("Oui", "Non"), (1, 0)])
def test_limesurvey_option_columns(tmp_path, yes, no):
    rows = [["Response ID", "Date submitted", "Last page", "Start language",
             "Which sports? [Football]", "Which sports? [Skiing]", "Which sports? [Other]", "Age"]]
    for i in range(5):
        rows.append([i + 1, f"2025-01-0{i + 1} 10:00:00", 3, "fi", yes if i % 2 == 0 else no,
                     yes if i < 2 else no, "Curling" if i == 3 else None, 20 + i if i != 4 else "N/A"])
    ds = read(_xlsx(tmp_path / "lime.xlsx", rows))
    assert ds.meta.format == "limesurvey-xlsx"
    q = _q(ds, "Which sports?")
    assert q.type == "multi"
    assert [o.label for o in q.options] == ["Football", "Skiing"]
    assert q.text_column == "c007"
    age = _q(ds, "Age")
    assert age.type == "numeric" and age.missing == ("N/A",)
    assert _q(ds, "Date submitted").type == "date"


# --------------------------------------------------------------------------- Qualtrics, Nettskjema

def test_qualtrics_three_header_rows(tmp_path):
    lines = [
        "StartDate,EndDate,Status,Progress,Finished,ResponseId,Q1,Q2,Q3_TEXT,Q4_1,Q4_2",
        "Start Date,End Date,Response Type,Progress,Finished,Response ID,Which grants?,Members,"
        "Comments,Agree - Grants are fair,Agree - Premises fit",
        '"{""ImportId"":""startDate""}","{""ImportId"":""endDate""}","{""ImportId"":""status""}",'
        '"{""ImportId"":""progress""}","{""ImportId"":""finished""}","{""ImportId"":""_recordId""}",'
        '"{""ImportId"":""QID1""}","{""ImportId"":""QID2""}","{""ImportId"":""QID3_TEXT""}",'
        '"{""ImportId"":""QID4_1""}","{""ImportId"":""QID4_2""}"',
        '2025-02-01 10:00:00,2025-02-01 10:05:00,0,100,1,R_a1,"1,3",12,"Fine, thanks",4,5',
        "2025-02-02 11:00:00,2025-02-02 11:05:00,0,100,1,R_b2,2,40,,3,4",
        '2025-02-03 12:00:00,2025-02-03 12:05:00,0,100,1,R_c3,"1,2",7,"More info, please",5,2',
    ]
    path = tmp_path / "qualtrics.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ds = read(path)
    assert detect_format(path) == "qualtrics-csv"
    assert ds.meta.respondents == 3 and ds.meta.source_rows == (4, 5, 6)
    assert ds.meta.id_column == "c006"
    grants = ds.meta.question("q1")
    assert grants.type == "multi" and [o.label for o in grants.options] == ["1", "3", "2"]
    assert ds.meta.question("q3_text").type == "text"
    # Q4_1, Q4_2: the items of one matrix question (whole-number codes 2..5): a Likert battery
    assert ds.meta.question("q4_1").type == "likert"
    assert ds.meta.question("q4_1").text == "Agree - Grants are fair"
    assert "battery of 2 columns Q4_1..Q4_2" in ds.meta.extra["evidence"]["q4_1"]


def test_nettskjema_tab_separated(tmp_path):
    text = ("$submission_id\t$created\tHvilken kommune?\tAntall medlemmer\n"
            "1001\t2025-03-01T10:00:00\tSeinäjoki\t12\n"
            "1002\t2025-03-01T11:00:00\tEvijärvi\t30\n"
            "1003\t2025-03-02T09:30:00\tSeinäjoki\t5\n")
    path = tmp_path / "nettskjema.csv"
    path.write_text(text, encoding="utf-8")
    ds = read(path)
    assert ds.meta.format == "nettskjema-csv" and ds.meta.respondents == 3
    assert ds.meta.id_column == "c001"
    assert _q(ds, "$created").type == "date"
    assert _q(ds, "Hvilken kommune?").type == "single"
    assert _q(ds, "Antall medlemmer").type == "numeric"


# --------------------------------------------------------------------------- overrides

def test_format_override_forces_the_layout(tmp_path):
    path = _xlsx(tmp_path / "plain.xlsx", [["a", "b"], [1, "x"], [2, "y"], [3, "x"]])
    assert read(path).meta.format == "xlsx"
    assert read(path, fmt="webropol-xlsx").meta.format == "webropol-xlsx"
    assert read(path, fmt="webropol").meta.format == "webropol-xlsx"


def test_named_sheet(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "Ohje"
    wb.active.append(["Tämä välilehti on ohje"])
    data = wb.create_sheet("Vastaukset")
    data.append(["Vastaajan tunnus", "Ikä"])
    data.append(["R1", 40])
    path = tmp_path / "two.xlsx"
    wb.save(path)
    ds = read(path, sheet="Vastaukset")
    assert ds.meta.extra["sheet"] == "Vastaukset" and ds.meta.respondents == 1


# --------------------------------------------------------------------------- large files

def test_fast_parser_matches_the_csv_module(tmp_path):
    import csv
    import io
    from pathlib import Path

    from survey.ingest import grid

    text = "a;b;c\n" + "".join(f" {i} ;x{i % 3};\n" if i % 7 else f"{i};;y\n" for i in range(200))
    fast = grid._parse_with_pandas(text, ";", Path("x.csv"))
    slow = [[v.strip() or None for v in row] for row in csv.reader(io.StringIO(text), delimiter=";")]
    assert fast == (slow, list(range(1, 202)))
    assert grid._parse_with_pandas('a,b\n1,"two\nlines"\n', ",", Path("x.csv")) is None


def test_large_csv_keeps_line_numbers(tmp_path):
    rows = ["Vastaajan tunnus;Kunta;Kommentti"]
    rows += [f"R{i};{['Seinäjoki', 'Evijärvi'][i % 2]};{'pitkä vastaus ' * 8}{i}" for i in range(12000)]
    path = tmp_path / "big.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert path.stat().st_size > 1_000_000
    ds = read(path)
    assert ds.meta.respondents == 12000 and ds.meta.source_rows[-1] == 12001
    assert _q(ds, "Kunta").type == "single" and _q(ds, "Kommentti").type == "text"


def test_duplicated_header_is_noted(tmp_path):
    rows = [["Vastaajan tunnus", "Vastausaika", "Ikä", "Vastausaika"],
            ["R1", "1.2.2024 10:00", 30, "1.1.2024"], ["R2", "2.2.2024 11:00", 40, "1.1.2024"]]
    ds = read(_xlsx(tmp_path / "dupe.xlsx", rows))
    assert ds.meta.extra["duplicate_headers"] == {"Vastausaika": ["c002", "c004"]}
    assert any("'Vastausaika' appears in 2 columns" in note for note in ds.meta.notes)


def test_google_forms_csv_download_dates(tmp_path):
    text = ('"Timestamp","Kunta"\n"2025/08/29 5:17:56 PM GMT+3","Seinäjoki"\n'
            '"2025/08/30 9:02:10 AM GMT+3","Evijärvi"\n"2025/08/30 9:05:00 AM GMT+3","Seinäjoki"\n')
    path = tmp_path / "google.csv"
    path.write_text(text, encoding="utf-8")
    ds = read(path)
    assert ds.meta.format == "googleforms-csv"
    stamp = _q(ds, "Timestamp")
    assert stamp.type == "date"
    assert ds.frame[stamp.columns[0]].tolist()[0] == pd.Timestamp("2025-08-29 17:17:56")
