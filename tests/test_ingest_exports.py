"""Real-tool layouts, second round: each fixture is written here in the layout the tool writes.

SurveyMonkey "all responses" (two header rows, NUL cells, padded labels, NBSP, ``<br>``),
Qualtrics (three header rows with JSON or Python-style ImportIds, one column per choice
with recode values that skip numbers, side-by-side codes), Nettskjema (``$submission_id``
CSV with ``checkbox.option`` codes; the older tab-separated ``NR`` export with names and
addresses), identifier headers in six languages, and ``survey inspect``'s answered counts
and evidence. No file here is a copy of anyone's export.
"""

from __future__ import annotations

import json

import openpyxl
import pandas as pd
import pytest

from survey.errors import InputError
from survey.ingest import read
from survey.ingest.inspect import format_inspection, inspect_file


def _q(ds, text):
    return next(q for q in ds.meta.questions if q.text == text)


# --------------------------------------------------------------------------- SurveyMonkey

MONKEY_TOP = ["RespondentID", "CollectorID", "StartDate", "EndDate", "IP Address", "Email Address", "First Name",
              "LastName", "Custom Data", "Which services have you used?", "", "", "",
              "How satisfied are you with the services?", "What should we improve?"]
MONKEY_SUB = ["", "", "", "", "", "", "", "", "", "Library ", "Sports\u00a0hall", "Youth<br>centre",
              "Other (please specify)", "Response", "Open-Ended Response"]
MONKEY_ROWS = [
    ["11601", "2201", "01/15/2024 10:02:11 AM", "01/15/2024 10:09:40 AM", "192.0.2.1", "", "", "", "",
     "Library", "", "Youth<br>centre", "", "Satisfied", "Longer opening hours"],
    ["11602", "2201", "01/15/2024 11:12:00 AM", "01/15/2024 11:15:03 AM", "192.0.2.2", "", "", "", "",
     "", "Sports hall", "", "Swimming", "Very satisfied", ""],
    ["11603", "2201", "01/16/2024 09:00:00 AM", "01/16/2024 09:04:00 AM", "192.0.2.3", "", "", "", "",
     "Library", "Sports hall", "", "", "Dissatisfied", "More staff"],
    ["11604", "2201", "01/16/2024 12:30:00 PM", "01/16/2024 12:31:00 PM", "192.0.2.4", "", "", "", "",
     "", "", "", "", "", ""],
]


def _monkey_csv(path, nul: bool = True):
    def line(cells):
        return ",".join('"' + c.replace('"', '""') + '"' for c in cells)

    sub = [("\x00" if nul and i < 9 else c) for i, c in enumerate(MONKEY_SUB)]
    text = "\r\n".join([line(MONKEY_TOP), line(sub)] + [line(r) for r in MONKEY_ROWS]) + "\r\n"
    path.write_bytes(text.encode("utf-8"))
    return path


def test_surveymonkey_csv_with_nul_cells_is_read_as_surveymonkey(tmp_path):
    ds = read(_monkey_csv(tmp_path / "Sheet_1.csv"))
    assert ds.meta.format == "surveymonkey-csv"
    assert ds.meta.respondents == 4
    assert ds.meta.id_column is not None
    multi = _q(ds, "Which services have you used?")
    assert multi.type == "multi"
    assert [o.label for o in multi.options] == ["Library", "Sports hall", "Youth centre"]
    assert multi.text_column is not None  # "Other (please specify)"
    frame = ds.frame
    assert [frame[o.column].notna().sum() for o in multi.options] == [2, 2, 1]
    assert _q(ds, "How satisfied are you with the services?").type == "likert"
    assert _q(ds, "What should we improve?").type == "text"
    # e-mail, IP address and the names are identifier columns
    ids = set(ds.meta.extra["identifier_columns"])
    keys = {q.text: q.columns[0] for q in ds.meta.questions if len(q.columns) == 1}
    assert {keys["IP Address"], keys["Email Address"], keys["First Name"], keys["LastName"]} <= ids


def test_surveymonkey_inspect_counts_answered_not_blank_cells(tmp_path):
    info = inspect_file(_monkey_csv(tmp_path / "Sheet_1.csv"))
    by_text = {q["text"]: q for q in info["questions"]}
    assert by_text["Which services have you used?"]["answered"] == 3
    assert by_text["How satisfied are you with the services?"]["answered"] == 3
    assert by_text["What should we improve?"]["answered"] == 2
    assert by_text["Email Address"]["answered"] == 0
    assert by_text["Email Address"]["identifier"] is True and "identifier" not in by_text["What should we improve?"]
    assert "personal identifier: dropped" in format_inspection(info)


def test_surveymonkey_xlsx(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in [MONKEY_TOP, MONKEY_SUB] + MONKEY_ROWS:
        ws.append([c or None for c in row])
    wb.save(tmp_path / "monkey.xlsx")
    ds = read(tmp_path / "monkey.xlsx")
    assert ds.meta.format == "surveymonkey-xlsx" and ds.meta.respondents == 4
    assert [o.label for o in _q(ds, "Which services have you used?").options] == \
        ["Library", "Sports hall", "Youth centre"]


def test_binary_file_with_nul_bytes_is_still_refused(tmp_path):
    path = tmp_path / "data.csv"
    path.write_bytes(bytes(range(256)) * 40)
    with pytest.raises(InputError, match="binary"):
        read(path)


def test_utf16_without_bom_is_decoded(tmp_path):
    path = tmp_path / "data.csv"
    path.write_bytes("Kunta;Ikä\nSeinäjoki;30\nEvijärvi;41\nSeinäjoki;52\n".encode("utf-16-le"))
    ds = read(path)
    assert ds.meta.respondents == 3 and ds.meta.encoding == "utf-16-le"
    assert [q.text for q in ds.meta.questions] == ["Kunta", "Ikä"]


# --------------------------------------------------------------------------- Qualtrics

def _qualtrics_lines(python_style: bool) -> list[str]:
    codes = ["StartDate", "EndDate", "Status", "Finished", "ResponseId", "Q2"] + \
        [f"Q4_{k}" for k in (1, 2, 4, 7, 12)] + ["Q4_12_TEXT", "Q1#1_1", "Q1#1_2", "Q1#2_1", "Q1#2_2"]
    texts = ["Start Date", "End Date", "Response Type", "Finished", "Response ID", "How many members?"] + \
        [f"Which premises do you use? - Selected Choice - {o}" for o in
         ("School gym", "Library", "Youth house", "Church hall", "Other")] + \
        ["Which premises do you use? - Other - Text",
         "Rate the services - Quality - Grants", "Rate the services - Quality - Premises",
         "Rate the services - Importance - Grants", "Rate the services - Importance - Premises"]
    ids = ["startDate", "endDate", "status", "finished", "_recordId", "QID2"] + \
        [f"QID4_{k}" for k in (1, 2, 4, 7, 12)] + ["QID4_12_TEXT", "QID1#1_1", "QID1#1_2", "QID1#2_1", "QID1#2_2"]
    if python_style:
        third = ",".join('"' + str({"ImportId": i}) + '"' for i in ids)
    else:
        third = ",".join('"' + json.dumps({"ImportId": i}, separators=(",", ":")).replace('"', '""') + '"'
                         for i in ids)
    rows = [
        "2025-02-01 10:00:00,2025-02-01 10:05:00,0,1,R_1,3,1,,1,,,,4,5,2,3",
        "2025-02-02 11:00:00,2025-02-02 11:05:00,0,1,R_2,5,,1,,,1,Sauna,3,3,4,4",
        "2025-02-03 12:00:00,2025-02-03 12:05:00,0,1,R_3,2,1,1,1,1,,,5,2,5,1",
        "2025-02-04 12:00:00,2025-02-04 12:05:00,0,1,R_4,4,,,,,,,2,,3,",
        "2025-02-05 12:00:00,2025-02-05 12:05:00,0,1,R_5,1,,,,1,,,1,1,1,1",
    ]
    return [",".join(codes), ",".join(texts), third] + rows


@pytest.mark.parametrize("python_style", [False, True])
def test_qualtrics_choice_columns_form_one_multi_with_the_recode_values(tmp_path, python_style):
    path = tmp_path / "qualtrics.csv"
    path.write_text("\n".join(_qualtrics_lines(python_style)) + "\n", encoding="utf-8")
    ds = read(path)
    assert ds.meta.format == "qualtrics-csv"
    assert ds.meta.respondents == 5 and ds.meta.source_rows == (4, 5, 6, 7, 8)  # the ImportId row is a header
    q4 = ds.meta.question("q4")
    assert q4.type == "multi" and q4.text == "Which premises do you use?"
    assert [(o.code, o.label) for o in q4.options] == [
        (1, "School gym"), (2, "Library"), (4, "Youth house"), (7, "Church hall"), (12, "Other")]
    assert q4.text_column is not None
    assert ds.frame[q4.text_column].tolist()[1] == "Sauna"
    why = ds.meta.extra["evidence"]["q4"]
    assert why.startswith("multi: 5 columns Q4_1..Q4_12 share the code Q4 and hold only 1/blank")
    info = inspect_file(path)
    assert next(q for q in info["questions"] if q["id"] == "q4")["answered"] == 4


def test_qualtrics_side_by_side_columns_are_two_batteries(tmp_path):
    path = tmp_path / "qualtrics.csv"
    path.write_text("\n".join(_qualtrics_lines(False)) + "\n", encoding="utf-8")
    ds = read(path)
    quality = ds.meta.question("q1_1_1")
    assert quality.type == "likert" and quality.text == "Rate the services - Quality - Grants"
    assert ds.meta.question("q1_2_2").text == "Rate the services - Importance - Premises"
    assert ds.frame[quality.columns[0]].tolist() == [4, 3, 5, 2, 1]
    assert "battery of 2 columns Q1#1_1..Q1#1_2" in ds.meta.extra["evidence"]["q1_1_1"]


# --------------------------------------------------------------------------- Nettskjema

def test_nettskjema_checkbox_codes_form_multi_and_matrix_items(tmp_path):
    header = ["$submission_id", "$created", "kommune", "checkbox.avustukset", "checkbox.tilat",
              "checkbox.sopimukset", "radio_matrix.laatu", "radio_matrix.saatavuus", "$answer_time_ms"]
    rows = [
        ["501", "2025-03-01T10:00:00+02:00", "1", "1", "0", "1", "4", "5", "70230"],
        ["502", "2025-03-01T11:00:00+02:00", "2", "0", "1", "0", "3", "2", "61002"],
        ["503", "2025-03-02T09:30:00+02:00", "1", "1", "1", "0", "5", "4", "55012"],
        ["504", "2025-03-02T10:30:00+02:00", "-1", "0", "0", "0", "1", "3", "40001"],
    ]
    text = "\n".join(";".join(f'"{c}"' for c in r) for r in [header] + rows) + "\n"
    path = tmp_path / "data-123-2025.csv"
    path.write_text(text, encoding="utf-8")
    ds = read(path)
    assert ds.meta.format == "nettskjema-csv" and ds.meta.respondents == 4
    created = _q(ds, "$created")
    assert created.type == "date"  # offsets (+02:00) dropped, the local clock time kept
    assert ds.frame[created.columns[0]].iloc[0] == pd.Timestamp("2025-03-01 10:00:00")
    multi = ds.meta.question("checkbox")
    assert multi.type == "multi" and [o.label for o in multi.options] == ["avustukset", "tilat", "sopimukset"]
    assert ds.meta.question("radio-matrix-laatu").type == "likert"
    info = inspect_file(path)
    assert next(q for q in info["questions"] if q["id"] == "checkbox")["answered"] == 3


def test_nettskjema_older_export_names_and_addresses_are_identifiers(tmp_path):
    header = ["NR", "E-post", "Opprettet", "Endret", "Fornavn", "Etternavn", "Bursdag", "Epost", "Telefon",
              "Adresse", "Sted", "Postnummer", "Medlem", "Svartid"]
    rows = [["2001", "a@example.org", "09.04.2024 08:50", "09.04.2024 08:50", "Kari", "Nordmann", "01.01.1980",
             "a@example.org", "99999999", "Storgata 1", "Oslo", "0150", "Ja", "1 minutt"],
            ["2002", "b@example.org", "10.04.2024 09:10", "10.04.2024 09:12", "Ola", "Nordmann", "02.02.1970",
             "b@example.org", "98888888", "Lillegata 2", "Bergen", "5003", "Nei", "2 minutt"],
            ["2003", "c@example.org", "11.04.2024 10:00", "11.04.2024 10:05", "Per", "Hansen", "03.03.1990",
             "c@example.org", "97777777", "Torget 3", "Oslo", "0151", "Ja", "3 minutt"]]
    path = tmp_path / "data-82000-2024-04-12-1200-utf.txt"
    path.write_text("\n".join("\t".join(r) for r in [header] + rows) + "\n", encoding="utf-8")
    ds = read(path)
    assert ds.meta.format == "nettskjema-csv" and ds.meta.respondents == 3
    key = {q.text: q.columns[0] for q in ds.meta.questions}
    assert ds.meta.id_column == key["NR"]
    identifiers = set(ds.meta.extra["identifier_columns"])
    for header_text in ("E-post", "Fornavn", "Etternavn", "Bursdag", "Epost", "Telefon", "Adresse", "Postnummer"):
        assert key[header_text] in identifiers, header_text
    assert key["Medlem"] not in identifiers


@pytest.mark.parametrize("header", [
    "Etunimi", "Sukunimi", "Sähköpostiosoite (vapaaehtoinen) *", "Puhelinnumero", "Katuosoite", "Postinumero",
    "Henkilötunnus", "IP-osoite", "Förnamn", "Efternamn", "E-postadress", "Telefonnummer", "Gatuadress",
    "Personnummer", "Fornavn", "Etternavn", "Fødselsnummer", "Efternavn", "Vejnavn", "CPR-nummer", "Vorname",
    "Nachname", "E-Mail-Adresse", "Straße", "Postleitzahl", "Geburtsdatum", "First name", "Last Name",
    "Email address", "Phone number", "Street address", "Zip code", "IP Address", "RecipientFirstName",
    "Recipient\u00a0Email", "E\u200bmail", "Nimi:", "Adresse",
])
def test_identifier_headers_in_six_languages(header):
    from survey.ingest.identifiers import IDENTIFIER_HEADERS, is_identifier_header

    assert header in IDENTIFIER_HEADERS and is_identifier_header(header)


@pytest.mark.parametrize("header", ["Kunta", "Medlem", "Toimiala", "Sted", "Kommentti", "Name your three "
                                    "most important partners", "Ikä", "Which premises do you use?"])
def test_question_headers_are_not_identifiers(header):
    from survey.ingest.identifiers import IDENTIFIER_HEADERS

    assert header not in IDENTIFIER_HEADERS


def test_normalise_uses_the_one_vocabulary():
    from survey.prepare import normalise
    from survey.ingest.identifiers import IDENTIFIER_HEADERS

    assert normalise.IDENTIFIER_HEADERS is IDENTIFIER_HEADERS
    assert "fornavn" in normalise.IDENTIFIER_HEADERS


# --------------------------------------------------------------------------- ids

@pytest.mark.parametrize("text,expected", [("überhaupt", "uberhaupt"), ("völlig", "vollig"),
                                           ("Straße", "strasse"), ("Ærø", "aero"), ("Søknad", "soknad"),
                                           ("Täysin samaa mieltä", "taysin-samaa-mielta")])
def test_slug_transliterates(text, expected):
    from survey.ingest.detect import slug

    assert slug(text) == expected


def test_ids_of_non_ascii_headers_keep_their_letters(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("überhaupt;völlig\nja;nein\nnein;ja\nja;ja\n", encoding="utf-8")
    ds = read(path)
    assert [q.id for q in ds.meta.questions] == ["uberhaupt", "vollig"]


# --------------------------------------------------------------------------- inspect

def test_inspect_counts_blank_cells_as_not_answered(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("id,kunta,ikä,kommentti\n1,Seinäjoki,30,\n2,,41,hyvä\n3,Evijärvi,,\n4,Seinäjoki,52,\n",
                    encoding="utf-8")
    info = inspect_file(path)
    answered = {q["text"]: q["answered"] for q in info["questions"]}
    assert answered == {"id": 4, "kunta": 3, "ikä": 3, "kommentti": 1}


def test_inspect_says_why_each_question_has_its_type(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("id;Tyytyväisyys;Ikä;Q5_1;Q5_2;Q5_3\n"
                    "1;Täysin samaa mieltä;30;1;;1\n2;Täysin eri mieltä;41;;1;\n"
                    "3;En osaa sanoa;52;1;1;\n4;Jokseenkin samaa mieltä;33;;;1\n", encoding="utf-8")
    info = inspect_file(path)
    why = {q["text"]: q.get("why") for q in info["questions"]}
    assert why["Tyytyväisyys"].startswith("likert: 3 labels match the scale 'Täysin eri mieltä' … "
                                          "'Täysin samaa mieltä'")
    assert "'En osaa sanoa' = don't know" in why["Tyytyväisyys"]
    assert why["Ikä"] == "numeric: every filled cell is a number (30–52)"
    assert why["Q5"] == "multi: 3 columns Q5_1..Q5_3 share the code Q5 and hold only 1/blank"
    text = format_inspection(info)
    assert "why: multi: 3 columns Q5_1..Q5_3" in text
    json.dumps(info)


def test_a_numeric_column_keeps_its_nullable_type(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("a;b\n1;x\n;y\n3;x\n", encoding="utf-8")
    ds = read(path)
    assert str(ds.frame["c001"].dtype) == "Int64" and pd.isna(ds.frame["c001"].iloc[1])


# --------------------------------------------------------------------------- codebooks

def _maxqda_codebook(path, rows=None):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Code", "Memo", "Farbe", "Codierte Segmente"])
    themes = ["Avustukset", "Toimitilat", "Sopimukset", "Yhteistyö"]
    for t, theme in enumerate(themes):
        ws.append([theme, f"Teema {t + 1}", "#ff0000", 0])
        for k in range(rows or 80):
            ws.append([f"{theme} > Alakoodi {k + 1}", f"Muistio {k}", "#00ff00", k % 7])
    wb.save(path)
    return path


def test_maxqda_codebook_workbook_is_recognised_not_read_as_a_survey(tmp_path):
    path = _maxqda_codebook(tmp_path / "Codesystem.xlsx")
    with pytest.raises(InputError, match="codebook .324 codes"):
        read(path)
    info = inspect_file(path)
    assert info["format"] == "codebook" and info["codes"] == 324 and "respondents" not in info
    assert info["code_list"][1] == {"code": "Alakoodi 1", "parent": "Avustukset", "depth": 1}
    text = format_inspection(info)
    assert "codes:       324" in text and "not survey responses" in text


def test_nvivo_codebook_export_is_recognised(tmp_path):
    path = tmp_path / "codebook.csv"
    path.write_text("Name,Description,Files,References\nAvustukset,Teema,5,12\nHaku,Hakuprosessi,4,9\n"
                    "Tilat,Tilat ja toimitilat,6,15\n", encoding="utf-8")
    with pytest.raises(InputError, match="codebook"):
        read(path)


# --------------------------------------------------------------------------- LimeSurvey R export

LIME_SYNTAX = '''data <- read.csv("survey_514273_R_data_file.csv", quote = "'\\"", na.strings=c("", "\\"\\""), stringsAsFactors=FALSE, fileEncoding="UTF-8-BOM")


# LimeSurvey Field type: F
data[, 1] <- as.numeric(data[, 1])
attributes(data)$variable.labels[1] <- "id"
names(data)[1] <- "id"
# LimeSurvey Field type: DATETIME23.2
data[, 2] <- as.character(data[, 2])
attributes(data)$variable.labels[2] <- "submitdate"
names(data)[2] <- "submitdate"
# LimeSurvey Field type: A
data[, 3] <- as.character(data[, 3])
attributes(data)$variable.labels[3] <- "Mikä on yhdistyksenne toimiala?"
data[, 3] <- factor(data[, 3], levels=c("A1","A2","A3"),labels=c("Liikunta", "Kulttuuri", "Sosiaali- ja terveys"))
names(data)[3] <- "toimiala"
# LimeSurvey Field type: F
data[, 4] <- as.numeric(data[, 4])
attributes(data)$variable.labels[4] <- "[Avustukset] Mitä yhteistyön muotoja käytätte?"
data[, 4] <- factor(data[, 4], levels=c(1,0),labels=c("Kyllä", "Ei valittu"))
names(data)[4] <- "muodot_SQ001"
# LimeSurvey Field type: F
data[, 5] <- as.numeric(data[, 5])
attributes(data)$variable.labels[5] <- "[Tilat] Mitä yhteistyön muotoja käytätte?"
data[, 5] <- factor(data[, 5], levels=c(1,0),labels=c("Kyllä", "Ei valittu"))
names(data)[5] <- "muodot_SQ002"
# LimeSurvey Field type: F
data[, 6] <- as.numeric(data[, 6])
attributes(data)$variable.labels[6] <- "[Sopimukset] Mitä yhteistyön muotoja käytätte?"
data[, 6] <- factor(data[, 6], levels=c(1,0),labels=c("Kyllä", "Ei valittu"))
names(data)[6] <- "muodot_SQ003"
# LimeSurvey Field type: A
data[, 7] <- as.character(data[, 7])
attributes(data)$variable.labels[7] <- "[Muu] Mitä yhteistyön muotoja käytätte?"
names(data)[7] <- "muodot_other"
# LimeSurvey Field type: F
data[, 8] <- as.numeric(data[, 8])
attributes(data)$variable.labels[8] <- "Yhteistyö kaupungin kanssa on sujuvaa."
data[, 8] <- factor(data[, 8], levels=c(1,2,3,4,5),labels=c("Täysin eri mieltä", "Jokseenkin eri mieltä", "Ei samaa eikä eri mieltä", "Jokseenkin samaa mieltä", "Täysin samaa mieltä"))
names(data)[8] <- "sujuvuus"
# LimeSurvey Field type: F
data[, 9] <- as.numeric(data[, 9])
attributes(data)$variable.labels[9] <- "Montako jäsentä yhdistyksessä on?"
names(data)[9] <- "jasenet"
# LimeSurvey Field type: A
data[, 10] <- as.character(data[, 10])
attributes(data)$variable.labels[10] <- "Sähköpostiosoite"
names(data)[10] <- "email"
'''
LIME_DATA = [
    ["id", "submitdate", "Mikä on yhdistyksenne toimiala?", "Mitä yhteistyön muotoja käytätte? [Avustukset]",
     "Mitä yhteistyön muotoja käytätte? [Tilat]", "Mitä yhteistyön muotoja käytätte? [Sopimukset]",
     "Mitä yhteistyön muotoja käytätte? [Muu]", "Yhteistyö kaupungin kanssa on sujuvaa.",
     "Montako jäsentä yhdistyksessä on?", "Sähköpostiosoite"],
    ["1", "2025-04-01 10:00:00", "A1", "1", "0", "1", "", "4", "120", "a@example.org"],
    ["2", "2025-04-01 11:30:00", "A3", "0", "1", "0", "Talkoot", "5", "35", ""],
    ["3", "2025-04-02 09:15:00", "A2", "0", "0", "0", "", "2", "8", ""],
    ["4", "2025-04-03 14:00:00", "A1", "1", "1", "0", "", "3", "60", "d@example.org"],
]


def _lime_r(folder):
    folder.mkdir(parents=True, exist_ok=True)
    data = folder / "survey_514273_R_data_file.csv"
    data.write_text("\n".join(",".join(f'"{c}"' for c in row) for row in LIME_DATA) + "\n", encoding="utf-8-sig")
    (folder / "survey_514273_R_syntax_file.R").write_text(LIME_SYNTAX, encoding="utf-8")
    return data


def test_limesurvey_r_export_takes_codes_and_labels_from_the_syntax_file(tmp_path):
    ds = read(_lime_r(tmp_path / "raw"))
    assert ds.meta.format == "limesurvey-r" and ds.meta.respondents == 4
    assert ds.meta.id_column is not None
    field = ds.meta.question("toimiala")
    assert field.type == "single"
    assert [(o.code, o.label) for o in field.options] == [("A1", "Liikunta"), ("A2", "Kulttuuri"),
                                                          ("A3", "Sosiaali- ja terveys")]
    forms = ds.meta.question("muodot")
    assert forms.type == "multi" and forms.text == "Mitä yhteistyön muotoja käytätte?"
    assert [o.label for o in forms.options] == ["Avustukset", "Tilat", "Sopimukset"]
    assert ds.frame[forms.text_column].tolist()[1] == "Talkoot"
    assert ds.meta.extra["multi_values"]["muodot"] == {"selected": ["1"], "unselected": ["0"], "not_shown": []}
    scale = ds.meta.question("sujuvuus")
    assert scale.type == "likert" and (scale.options[0].code, scale.options[0].label) == (1, "Täysin eri mieltä")
    assert ds.frame[scale.columns[0]].tolist() == [4, 5, 2, 3]
    assert ds.meta.question("jasenet").type == "numeric"
    assert ds.meta.question("submitdate").type == "date"
    assert ds.meta.question("email").columns[0] in ds.meta.extra["identifier_columns"]
    info = inspect_file(tmp_path / "raw" / "survey_514273_R_data_file.csv")
    assert next(q for q in info["questions"] if q["id"] == "muodot")["answered"] == 3
    assert "R syntax file" in next(q for q in info["questions"] if q["id"] == "toimiala")["why"]


def test_limesurvey_r_data_without_its_syntax_file_is_still_read(tmp_path):
    data = _lime_r(tmp_path / "raw")
    (tmp_path / "raw" / "survey_514273_R_syntax_file.R").unlink()
    ds = read(data)
    assert ds.meta.format != "limesurvey-r" and ds.meta.respondents == 4


def test_google_forms_option_holding_a_comma_stays_one_option(tmp_path):
    rows = [["Timestamp", "How do you use the premises?"]]
    cells = ["Yes, but rarely", "Weekly, Monthly", "Yes, but rarely, Weekly", "Monthly", "Weekly",
             "Yes, but rarely"]
    for i, cell in enumerate(cells):
        rows.append([f"2025/08/2{i} 5:17:56 PM GMT+3", cell])
    path = tmp_path / "google.csv"
    path.write_text("\n".join(",".join(f'"{c}"' for c in r) for r in rows) + "\n", encoding="utf-8")
    ds = read(path)
    assert ds.meta.format == "googleforms-csv"
    q = _q(ds, "How do you use the premises?")
    assert q.type == "multi" and [o.label for o in q.options] == ["Yes, but rarely", "Weekly", "Monthly"]
    assert ds.frame[q.options[0].column].tolist() == [True, False, True, False, False, True]
