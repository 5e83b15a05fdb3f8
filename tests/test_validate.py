"""validate: lazy pandera schema, every problem located; cleaning decisions applied."""

from __future__ import annotations

import pandas as pd

from survey.project.instruments import parse_instrument
from survey.prepare.validate import clean, validate_frame

INSTRUMENT = parse_instrument({
    "dataset": "demo",
    "questions": [
        {"id": "forms", "type": "multi", "text": {"fi": "Muodot"},
         "options": [{"code": "grants", "fi": "Avustukset"}]},
        {"id": "kind", "type": "single", "text": {"fi": "Tyyppi"},
         "options": [{"code": "sports", "fi": "Urheiluseura"}]},
        {"id": "agree", "type": "likert", "text": {"fi": "Väite"}, "scale": [1, 2, 3, 4, 5], "dont_know": 9,
         "missing": [99], "options": [{"code": c, "fi": str(c)} for c in (1, 2, 3, 4, 5, 9)]},
        {"id": "size", "type": "numeric", "text": {"fi": "Jäsenet"}, "min": 0, "max": 100000},
    ],
})
HEADERS = {"forms__grants": "Muodot / Avustukset", "kind": "Tyyppi", "respondent_id": "Tunnus", "size": "Jäsenet"}


def _frame():
    return pd.DataFrame({
        "respondent_id": ["A", "B", "B", "D"],
        "source_row": [3, 4, 5, 6],
        "forms__grants": [True, "x", False, pd.NA],
        "forms__answered": [True, True, True, False],
        "kind": ["sports", "sports", "kayak", pd.NA],
        "agree": [5, 99, 7, 9],
        "size": [10.0, -3.0, 5.0, "many"],
    })


def test_every_problem_is_reported_with_row_and_source_column():
    problems = validate_frame(_frame(), INSTRUMENT, file="f.xlsx", headers=HEADERS)
    found = {(p.row, p.column, p.value, p.rule) for p in problems}
    assert (4, "Muodot / Avustukset", "x", "0/1 selection") in found
    assert (5, "Tyyppi", "kayak", "known code") in found
    assert (5, "agree", "7", "known code") in found
    assert (4, "Tunnus", "B", "field_uniqueness") in found
    assert (5, "Tunnus", "B", "field_uniqueness") in found
    assert any(p.row == 4 and p.column == "Jäsenet" and p.rule.startswith("within") for p in problems)
    assert any(p.row == 6 and p.column == "Jäsenet" and p.rule == "a number" for p in problems)
    assert all(p.file == "f.xlsx" for p in problems)


def test_cleaning_rules_handle_problems_and_type_the_frame():
    problems = validate_frame(_frame(), INSTRUMENT, file="f.xlsx", headers=HEADERS)
    frame, out = clean(_frame(), INSTRUMENT, problems, {"duplicates": "keep-first", "invalid_values": "missing"},
                       HEADERS)
    assert {p.severity for p in out} == {"handled"}
    assert frame["respondent_id"].tolist() == ["A", "B", "D"]
    assert str(frame["agree"].dtype) == "Int64" and frame["agree"].tolist() == [5, 99, 9]
    assert frame["forms__grants"].tolist() == [True, pd.NA, pd.NA]
    assert str(frame["forms__grants"].dtype) == "boolean"


def test_without_cleaning_rules_problems_stay_errors():
    problems = validate_frame(_frame(), INSTRUMENT, file="f.xlsx", headers=HEADERS)
    _, out = clean(_frame(), INSTRUMENT, problems, None, HEADERS)
    assert out and all(p.severity == "error" for p in out)
