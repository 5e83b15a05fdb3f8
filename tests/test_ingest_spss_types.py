"""SPSS, second round: the file's own user-missing codes reach the normal form as missing values;
numeric variables are not turned into choices by stray or self-describing labels; ISO date strings are
dates; non-ASCII variable names keep their letters in ids. Fixtures are written by pyreadstat here."""

from __future__ import annotations

import pandas as pd
import pyreadstat
import pytest

from survey.project.config import DatasetSpec
from survey.ingest import read
from survey.ingest.inspect import inspect_file
from survey.project.instruments import parse_instrument
from survey.prepare.normalise import normalise

N = 40


def _wave(path):
    frame = pd.DataFrame({
        "id": [float(i + 1) for i in range(N)],
        "tyytyv": [float([1, 2, 3, 4, 5, -1, -3][i % 7]) for i in range(N)],
        "tulot": [float([1200, 2500, 3100, 800, 2600][i % 5]) for i in range(N)],
        "ika": [float(18 + i) if i % 9 else 999.0 for i in range(N)],
        "luokka1": [float(8 + i % 14) for i in range(N)],
        "luokka2": [float(9 + i % 13) for i in range(N)],
        "luokka3": [float(10 + i % 12) for i in range(N)],
        "pvm": [f"2024-03-{1 + i % 28:02d}" for i in range(N)],
        "überhaupt": [float(i % 2) + 1 for i in range(N)],
        "völlig": [float(i % 3) + 1 for i in range(N)],
    })
    own = {float(k): str(k) for k in range(8, 22)}
    pyreadstat.write_sav(
        frame, str(path),
        column_labels=["Vastaajan tunnus", "Tyytyväisyys palveluihin", "Kuukausitulot", "Ikä", "Luokka 1",
                       "Luokka 2", "Luokka 3", "Vastauspäivä", "Überhaupt zufrieden", "Völlig einverstanden"],
        variable_value_labels={
            "tyytyv": {1.0: "Täysin eri mieltä", 2.0: "Jokseenkin eri mieltä", 3.0: "Ei samaa eikä eri mieltä",
                       4.0: "Jokseenkin samaa mieltä", 5.0: "Täysin samaa mieltä", -1.0: "Ei vastausta",
                       -3.0: "Kieltäytyi"},
            "ika": {999.0: "Ei vastausta"},
            "luokka1": own, "luokka2": own, "luokka3": own,
            "überhaupt": {1.0: "ja", 2.0: "nein"}, "völlig": {1.0: "ja", 2.0: "nein", 3.0: "vielleicht"}},
        missing_ranges={"tyytyv": [-1.0, -3.0], "tulot": [{"lo": 2000.0, "hi": 3000.0}]},
        variable_measure={"tyytyv": "ordinal"})
    return path


@pytest.fixture
def sav(tmp_path):
    return _wave(tmp_path / "wave.sav")


def test_types_follow_the_evidence(sav):
    ds = read(sav)
    q = {x.id: x for x in ds.meta.questions}
    assert q["tyytyv"].type == "likert" and set(q["tyytyv"].missing) == {-1, -3}
    assert q["ika"].type == "numeric" and 999 in q["ika"].missing  # its only label marks the missing code
    assert [q[f"luokka{k}"].type for k in (1, 2, 3)] == ["numeric"] * 3  # labels are the numbers themselves
    assert q["pvm"].type == "date"
    assert ds.frame["pvm"].iloc[0] == pd.Timestamp("2024-03-01")
    assert "uberhaupt" in q and "vollig" in q
    why = ds.meta.extra["evidence"]
    assert why["luokka1"] == "numeric: the value labels are the numbers themselves (8 … 21)"
    assert why["ika"].startswith("numeric: ") and "mark missing codes" in why["ika"]
    assert why["tyytyv"].startswith("likert: 5 value labels")


def test_inspect_shows_the_evidence_and_excludes_user_missing_from_answered(sav):
    info = inspect_file(sav)
    q = {x["id"]: x for x in info["questions"]}
    assert q["tyytyv"]["answered"] == sum(1 for i in range(N) if i % 7 < 5)
    assert "why" in q["ika"] and "why" in q["pvm"]


INSTRUMENT = parse_instrument({
    "dataset": "staff",
    "questions": [
        {"id": "tyytyv", "type": "likert", "text": {"fi": "Tyytyväisyys palveluihin"}, "spss": "tyytyv",
         "options": [{"code": c, "fi": lbl} for c, lbl in
                     [(1, "Täysin eri mieltä"), (2, "Jokseenkin eri mieltä"), (3, "Ei samaa eikä eri mieltä"),
                      (4, "Jokseenkin samaa mieltä"), (5, "Täysin samaa mieltä")]]},
        {"id": "tulot", "type": "numeric", "text": {"fi": "Kuukausitulot"}, "spss": "tulot"},
        {"id": "ika", "type": "numeric", "text": {"fi": "Ikä"}, "spss": "ika"},
    ],
})


def test_the_files_user_missing_codes_become_missing_in_the_normal_form(sav):
    from survey.prepare.validate import validate_frame

    ds = read(sav)
    keep = [q for q in ds.meta.questions if q.id in ("tyytyv", "tulot", "ika")]
    ds = type(ds)(ds.frame, type(ds.meta)(**{**ds.meta.__dict__, "questions": tuple(keep), "id_column": None}))
    out = normalise(ds, INSTRUMENT, DatasetSpec(name="staff", file="wave.sav"), wave="2024")
    frame = out.frame
    assert frame["tyytyv"].isna().sum() == sum(1 for i in range(N) if i % 7 >= 5)
    assert set(frame["tyytyv"].dropna()) == {1, 2, 3, 4, 5}
    assert frame["tulot"].isna().sum() == sum(1 for i in range(N) if i % 5 in (1, 4))  # 2500, 2600 in 2000..3000
    assert frame["ika"].isna().sum() == sum(1 for i in range(N) if i % 9 == 0)
    handled = [p for p in out.problems if p.rule == "user-missing"]
    assert [p.severity for p in handled] == ["handled"] * 3
    assert "(-3, -1)" in handled[0].message or "(-1, -3)" in handled[0].message
    problems = validate_frame(frame, INSTRUMENT, file="wave.sav", headers=out.headers)
    assert [p for p in problems if p.severity == "error"] == []


@pytest.mark.parametrize("chunk_rows", [1, 7, 39])
def test_reading_in_row_chunks_gives_the_same_frame_and_metadata(sav, chunk_rows):
    from survey.ingest.spss import read_spss

    whole = read_spss(sav, "spss-sav")  # one read: the file is smaller than one default chunk
    chunked = read_spss(sav, "spss-sav", chunk_rows=chunk_rows)
    pd.testing.assert_frame_equal(whole.frame, chunked.frame)
    assert whole.meta == chunked.meta
    assert [str(t) for t in chunked.frame.dtypes][:3] == ["Int64", "Int64", "Int64"]
