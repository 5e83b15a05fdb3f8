"""normalise: raw export + instrument -> normal form, with problems located."""

from __future__ import annotations

import pandas as pd

from survey.project.config import DatasetSpec
from survey.project.instruments import parse_instrument
from survey.model import Dataset, Meta, Option, Question
from survey.prepare.normalise import normalise, normalise_text, to_flag

INSTRUMENT = parse_instrument({
    "dataset": "demo",
    "questions": [
        {"id": "forms", "type": "multi", "text": {"fi": "Mitä muotoja käytetään?"},
         "options": [{"code": "grants", "fi": "Avustukset"}, {"code": "events", "fi": "Tapahtumat"},
                     {"code": "new", "fi": "Uusi", "added_in": "2026"}]},
        {"id": "kind", "type": "single", "text": {"fi": "Yhdistyksen tyyppi"},
         "options": [{"code": "sports", "fi": "Urheiluseura"}, {"code": "village", "fi": "Kyläyhdistys"}]},
        {"id": "size", "type": "numeric", "text": {"fi": "Jäsenmäärä"}},
    ],
})


def _raw(rows: list[dict], questions, id_column="id") -> Dataset:
    frame = pd.DataFrame(rows)
    meta = Meta(source="demo.xlsx", format="webropol-xlsx", respondents=len(frame), questions=tuple(questions),
                id_column=id_column, source_rows=tuple(range(3, 3 + len(frame))))
    return Dataset(frame=frame, meta=meta)


QUESTIONS = [
    Question(id="q1", text="Mitä muotoja käytetään", type="multi",
             options=(Option("a", "Avustukset", "c1"), Option("b", "Tapahtumat", "c2")), columns=("c1", "c2")),
    Question(id="q2", text="Yhdistyksen tyyppi", type="single", columns=("c3",)),
    Question(id="q3", text="Jäsenmäärä", type="numeric", columns=("c4",)),
]


def test_normalise_maps_texts_labels_and_flags():
    raw = _raw([{"id": "A", "c1": 1, "c2": None, "c3": "Urheiluseura", "c4": "1 200"},
                {"id": "B", "c1": None, "c2": None, "c3": "kyläyhdistys", "c4": 35},
                {"id": "C", "c1": "1", "c2": 1, "c3": None, "c4": None}], QUESTIONS)
    out = normalise(raw, INSTRUMENT, DatasetSpec(name="demo", file="demo.xlsx"), wave="2024")
    frame = out.frame
    assert frame["respondent_id"].tolist() == ["A", "B", "C"]
    assert frame["source_row"].tolist() == [3, 4, 5]
    assert frame["forms__grants"].tolist() == [True, pd.NA, True]
    assert frame["forms__events"].tolist() == [False, pd.NA, True]
    assert frame["forms__answered"].tolist() == [True, False, True]
    assert frame["forms__new"].isna().all()  # added in a later wave: not asked, not "not selected"
    assert frame["kind"].tolist()[:2] == ["sports", "village"]
    assert frame["size"].tolist()[:2] == [1200.0, 35.0]
    assert [p.rule for p in out.problems] == []


def test_unknown_column_names_the_closest_known_one():
    questions = QUESTIONS + [Question(id="q9", text="Yhdistyksen tyypi (uusi)", type="single", columns=("c5",))]
    raw = _raw([{"id": "A", "c1": 1, "c2": None, "c3": "Urheiluseura", "c4": 3, "c5": "x"}], questions)
    out = normalise(raw, INSTRUMENT, DatasetSpec(name="demo", file="demo.xlsx"), wave="2024")
    problem = next(p for p in out.problems if p.rule == "unknown-column")
    assert "Yhdistyksen tyyppi" in problem.message


def test_mapping_lines_rename_columns_and_options_and_drop_questions():
    questions = [Question(id="x", text="Järjestön tyyppi", type="single", columns=("c3",)),
                 Question(id="q1", text="Mitä muotoja käytetään", type="multi",
                          options=(Option("a", "Avustus", "c1"), Option("b", "Tapahtumat", "c2")),
                          columns=("c1", "c2"))]
    raw = _raw([{"id": "A", "c1": 1, "c2": None, "c3": "Seura"}], questions)
    spec = DatasetSpec(name="demo", file="demo.xlsx", mapping={
        "columns": {"Järjestön tyyppi": "kind"},
        "options": {"kind": {"Seura": "sports"}, "forms": {"Avustus": "grants"}},
        "dropped": ["size"]})
    out = normalise(raw, INSTRUMENT, spec, wave="2024")
    assert out.problems == ()
    assert out.frame["kind"].tolist() == ["sports"]
    assert out.frame["forms__grants"].tolist() == [True]
    assert out.absent_questions == ("size",)


def test_flags_and_text_normalisation():
    assert [to_flag(v) for v in (1, "Y", "Oui", "Non", 0, "", None, "N/A")] == \
        [True, True, True, False, False, pd.NA, pd.NA, pd.NA]
    assert to_flag("x") == "x"  # left for validation to report
    assert normalise_text("  Mitä   muotoja?* ") == "mitä muotoja"
