"""The SPSS reader: labels, user-missing kept apart from system-missing, types, mr_sets, dates."""

from __future__ import annotations

import datetime as dt
import struct

import pandas as pd
import pyreadstat
import pytest

from survey.errors import InputError
from survey.ingest import detect_format, read
from survey.ingest.inspect import format_inspection, inspect_file

SCALE = {1: "Täysin eri mieltä", 2: "Jokseenkin eri mieltä", 3: "Ei samaa eikä eri mieltä",
         4: "Jokseenkin samaa mieltä", 5: "Täysin samaa mieltä", 9: "En osaa sanoa"}


def _add_mr_sets(path, sets: list[tuple]) -> None:
    """Insert an SPSS multiple-response-set record (type 7, subtype 7) into an uncompressed .sav.

    ``sets``: (name, kind "D" or "C", counted value or None, label, variables).
    """
    lines = b""
    for name, kind, counted, label, variables in sets:
        label_b = label.encode("utf-8")
        head = f"${name}=".encode() + (f"D{len(str(counted))} {counted} ".encode() if kind == "D" else b"C ")
        lines += head + str(len(label_b)).encode() + b" " + label_b + b" " + " ".join(variables).encode() + b"\n"
    data = open(path, "rb").read()
    pos = 176
    while True:
        (rec,) = struct.unpack_from("<i", data, pos)
        if rec == 2:
            _, _, has_label, n_missing = struct.unpack_from("<iiii", data, pos)
            pos += 32
            if has_label:
                (length,) = struct.unpack_from("<i", data, pos)
                pos += 4 + (length + 3) // 4 * 4
            pos += abs(n_missing) * 8
        elif rec == 3:
            (count,) = struct.unpack_from("<i", data, pos + 4)
            pos += 8
            for _ in range(count):
                pos += 8 + (1 + data[pos + 8] + 7) // 8 * 8
        elif rec in (4, 6):
            (count,) = struct.unpack_from("<i", data, pos + 4)
            pos += 8 + (4 if rec == 4 else 80) * count
        elif rec == 7:
            _, _, size, count = struct.unpack_from("<iiii", data, pos)
            pos += 16 + size * count
        else:
            assert rec == 999
            break
    record = struct.pack("<iiii", 7, 7, 1, len(lines)) + lines
    open(path, "wb").write(data[:pos] + record + data[pos:])


@pytest.fixture
def staff_sav(tmp_path):
    frame = pd.DataFrame({
        "ID": [101.0, 102, 103, 104, 105, 106],
        "TOIMIALA": [1.0, 2, 1, 3, 99, None],
        "K5_1": [1.0, 5, 4, 9, 99, 3],
        "K5_2": [2.0, 2, 3, 4, 5, None],
        "K5_3": [5.0, 4, 4, 9, 1, 2],
        "K4_1": [1.0, 0, 1, 1, 0, None],
        "K4_2": [0.0, 0, 1, 1, 1, None],
        "K4_3": [1.0, 1, 0, 0, 0, None],
        "VUODET": [3.5, 12, 0.5, -1, 20, 7],
        "KUNTA": ["Seinäjoki", "Evijärvi", "Seinäjoki", "Seinäjoki", "X", "Evijärvi"],
        "AVOIN": ["Lisää yhteisiä tapahtumia", "", "Selkeämmät avustusehdot", "Tiedotusta", "Ei", "Kiitos"],
        "PVM": [dt.date(2024, 3, d) for d in range(1, 7)],
    })
    labels = {"ID": "Vastaajan tunnus", "TOIMIALA": "Millä toimialalla työskentelet?",
              "K5_1": "Arvioi väittämiä — Järjestöyhteistyö on tärkeää",
              "K5_2": "Arvioi väittämiä — Tiedän yhteyshenkilön", "K5_3": "Arvioi väittämiä — Avustukset ovat selkeitä",
              "K4_1": "Yhteistyön muodot: Tapahtumat", "K4_2": "Yhteistyön muodot: Tilat",
              "K4_3": "Yhteistyön muodot: Avustukset", "VUODET": "Kuinka monta vuotta?", "KUNTA": "Kunta",
              "AVOIN": "Miten kehittäisit?", "PVM": "Vastauspäivä"}
    path = tmp_path / "staff.sav"
    pyreadstat.write_sav(
        frame, path, column_labels=labels,
        variable_value_labels={"TOIMIALA": {1: "Sivistys", 2: "Elinvoima", 3: "Kaupunkiympäristö", 99: "Ei vastausta"},
                               "K5_1": SCALE, "K5_2": SCALE, "K5_3": SCALE},
        missing_ranges={"TOIMIALA": [99], "K5_1": [9, 99], "K5_2": [9, 99], "K5_3": [9, 99],
                        "VUODET": [{"lo": -9, "hi": -1}], "KUNTA": ["X"]},
        variable_format={"PVM": "EDATE10"})
    return path


def test_types_labels_and_missing(staff_sav):
    ds = read(staff_sav)
    meta = ds.meta
    assert meta.format == "spss-sav" and detect_format(staff_sav) == "spss-sav"
    assert meta.respondents == 6 and meta.source_rows == (1, 2, 3, 4, 5, 6)
    assert meta.id_column == "ID"
    types = {q.id: q.type for q in meta.questions}
    assert types == {"id": "text", "toimiala": "single", "k5_1": "likert", "k5_2": "likert", "k5_3": "likert",
                     "k4": "multi", "vuodet": "numeric", "kunta": "single", "avoin": "text", "pvm": "date"}
    toimiala = meta.question("toimiala")
    assert [(o.code, o.label) for o in toimiala.options] == [(1, "Sivistys"), (2, "Elinvoima"),
                                                            (3, "Kaupunkiympäristö")]
    assert toimiala.missing == (99,)
    # user-missing 99 stays a code; system-missing is NA
    assert ds.frame["TOIMIALA"].tolist()[4:] == [99, pd.NA]
    likert = meta.question("k5_1")
    assert [o.code for o in likert.options] == [1, 2, 3, 4, 5] and likert.missing == (9, 99)
    assert likert.text == "Arvioi väittämiä — Järjestöyhteistyö on tärkeää"
    assert meta.extra["missing_labels"]["k5_1"] == {"9": "En osaa sanoa"}
    assert meta.question("vuodet").missing == (-1,)  # the value found inside the range -9..-1
    assert meta.extra["missing_ranges"]["vuodet"] == [{"lo": -9, "hi": -1}]
    assert meta.question("kunta").missing == ("X",)
    assert [o.code for o in meta.question("kunta").options] == ["Evijärvi", "Seinäjoki"]
    assert ds.frame["PVM"].iloc[0] == pd.Timestamp("2024-03-01")
    assert ds.frame["AVOIN"].isna().tolist() == [False, True, False, False, False, False]


def test_dichotomy_group_is_multi(staff_sav):
    q = read(staff_sav).meta.question("k4")
    assert q.text == "Yhteistyön muodot"
    assert [(o.label, o.column) for o in q.options] == [("Tapahtumat", "K4_1"), ("Tilat", "K4_2"),
                                                       ("Avustukset", "K4_3")]


def test_zsav_reads_the_same(tmp_path, staff_sav):
    frame, meta = pyreadstat.read_sav(staff_sav, user_missing=True)
    path = tmp_path / "staff.zsav"
    pyreadstat.write_sav(frame, path, compress=True, column_labels=meta.column_names_to_labels,
                         variable_value_labels=meta.variable_value_labels)
    ds = read(path)
    assert ds.meta.format == "spss-zsav" and ds.meta.respondents == 6


def test_mr_sets_become_multi_questions(tmp_path):
    frame = pd.DataFrame({"q5_a": [1.0, 0, 1, 0], "q5_b": [1.0, 1, 0, 0],
                          "kan1": [1.0, 2, None, 3], "kan2": [2.0, None, None, 1], "ika": [30.0, 41, 52, 63]})
    codes = {1: "Verkkosivut", 2: "Sähköposti", 3: "Some"}
    path = tmp_path / "mr.sav"
    pyreadstat.write_sav(frame, path, column_labels={"q5_a": "Tilat", "q5_b": "Avustukset"},
                         variable_value_labels={"kan1": codes, "kan2": codes})
    _add_mr_sets(path, [("yhteistyo", "D", 1, "Yhteistyön muodot", ["q5_a", "q5_b"]),
                        ("kanavat", "C", None, "Tiedotuskanavat", ["kan1", "kan2"])])
    info = inspect_file(path)
    q = {q["id"]: q for q in info["questions"]}
    assert q["yhteistyo"]["type"] == "multi"
    assert q["yhteistyo"]["text"] == "Yhteistyön muodot"
    assert [(o["label"], o["column"]) for o in q["yhteistyo"]["options"]] == [("Tilat", "q5_a"),
                                                                             ("Avustukset", "q5_b")]
    assert q["yhteistyo"]["answered"] == 3
    assert q["kanavat"]["type"] == "multi"
    assert [(o["code"], o["label"]) for o in q["kanavat"]["options"]] == [(1, "Verkkosivut"), (2, "Sähköposti"),
                                                                         (3, "Some")]
    ds = read(path)
    sahkoposti = ds.frame[ds.meta.question("kanavat").options[1].column]
    assert sahkoposti.tolist() == [True, True, pd.NA, False]
    assert "kan1" not in q and "ika" in q
    text = format_inspection(info)
    assert "[multi  ] kanavat: Tiedotuskanavat" in text and "2 = Sähköposti" in text


def test_overflowing_dates_are_missing_with_a_note(tmp_path):
    frame = pd.DataFrame({"pvm": [1e15, 13_000_000_000.0, None], "n": [1.0, 2.0, 3.0]})
    path = tmp_path / "overflow.sav"
    pyreadstat.write_sav(frame, path, variable_format={"pvm": "DATE11"})
    ds = read(path)
    assert ds.meta.question("pvm").type == "date"
    assert ds.frame["pvm"].isna().tolist() == [True, False, True]
    assert ds.frame["pvm"].iloc[1] == pd.Timestamp("1994-09-26 23:06:40")
    assert any("outside the range" in note for note in ds.meta.notes)


def test_damaged_sav_is_refused(tmp_path, staff_sav):
    path = tmp_path / "cut.sav"
    path.write_bytes(staff_sav.read_bytes()[:300])
    with pytest.raises(InputError, match="damaged or incomplete"):
        read(path)


def test_open_missing_ranges(tmp_path):
    frame = pd.DataFrame({"low": [1.0, -5, 2000, 7], "high": [1.0, -5, 2000, 7]})
    path = tmp_path / "open.sav"
    pyreadstat.write_sav(frame, path, missing_ranges={"low": [{"lo": float("-inf"), "hi": -1}],
                                                      "high": [{"lo": 1000, "hi": float("inf")}]})
    ds = read(path)
    assert ds.meta.question("low").missing == (-5,) and ds.meta.question("high").missing == (2000,)
    assert ds.meta.extra["missing_ranges"] == {"low": [{"lo": None, "hi": -1}], "high": [{"lo": 1000, "hi": None}]}
    assert ds.frame["low"].tolist() == [1, -5, 2000, 7]  # user-missing values stay as codes
