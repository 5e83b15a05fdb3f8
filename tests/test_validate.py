"""validate: lazy pandera schema, every problem located; cleaning decisions applied."""

from __future__ import annotations

import pandas as pd

from survey.project.instruments import parse_instrument
import pytest
from pandera.errors import SchemaErrors

from survey.prepare.validate import (cast_types, check_normal_form, clean, normal_form_dtypes,
                                    normal_form_model, validate_frame)

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



def test_the_normal_form_model_has_a_dtype_per_column_from_the_instrument():
    assert normal_form_dtypes(INSTRUMENT) == {
        "respondent_id": "string", "source_row": "Int64", "forms__grants": "boolean", "forms__answered": "bool",
        "forms__text": "string", "kind": "string", "agree": "Int64", "size": "Float64"}
    model = normal_form_model(INSTRUMENT)
    declared = {name: str(column.dtype) if column.dtype is not None else column.checks[0].name.split("'")[1]
                for name, column in model.columns.items()}
    assert declared == normal_form_dtypes(INSTRUMENT)
    assert not model.columns["respondent_id"].nullable and model.columns["kind"].nullable
    typed = cast_types(_frame().drop(index=[1, 2]).assign(forms__grants=[True, pd.NA], size=[10.0, pd.NA]),
                       INSTRUMENT)  # the cleaned normal form meets its model (cast_types checks it)
    assert str(typed["agree"].dtype) == "Int64" and str(typed["forms__grants"].dtype) == "boolean"
    with pytest.raises(SchemaErrors, match="agree"):  # codes as floats are not the normal form
        check_normal_form(typed.assign(agree=typed["agree"].astype(float)), INSTRUMENT)
    assert check_normal_form(typed[["respondent_id", "source_row", "kind"]], INSTRUMENT).shape == (2, 3)

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


# --- review-2 §19: a category the instrument lacks is a new option, never an invalid value ----------

from pathlib import Path  # noqa: E402

from test_hardening import small  # noqa: E402,F401  (the fixture: a copy of examples/pikkukunta)

from survey import cli  # noqa: E402
from survey.model import Dataset, Meta, Question  # noqa: E402
from survey.prepare.normalise import normalise  # noqa: E402
from survey.project.config import DatasetSpec, Mapping  # noqa: E402

KIND = parse_instrument({"dataset": "demo", "questions": [
    {"id": "kind", "type": "single", "text": {"fi": "Yhdistyksen tyyppi"},
     "options": [{"code": 1, "fi": "Urheiluseura"}, {"code": 2, "fi": "Kyläyhdistys"}]}]})


def _raw(values: list, options: tuple = ()) -> Dataset:
    frame = pd.DataFrame({"id": [f"R{i}" for i in range(len(values))], "c1": values})
    questions = (Question(id="q", text="Yhdistyksen tyyppi", type="single", columns=("c1",), options=options),)
    return Dataset(frame=frame, meta=Meta(source="x.csv", format="csv", respondents=len(values), questions=questions,
                                          id_column="id", source_rows=tuple(range(3, 3 + len(values)))))


def _checked(raw: Dataset, instrument=KIND, mapping: dict | None = None, cleaning=None, wave_order=()):
    spec = DatasetSpec(name="demo", file="x.csv", mapping=Mapping(**(mapping or {})), wave_order=wave_order)
    normal = normalise(raw, instrument, spec, wave="2026")
    problems = list(normal.problems) + validate_frame(normal.frame, instrument, file="x.csv", headers=normal.headers)
    frame, out = clean(normal.frame, instrument, problems, cleaning, normal.headers)
    return frame, out


def test_an_unknown_answer_label_is_a_new_option_that_cleaning_does_not_cover():
    frame, problems = _checked(_raw(["Urheiluseura", "Kulttuurijärjestö", "Kyläyhdistys", "Kulttuurijärjestö"]),
                               cleaning={"invalid_values": "missing"})
    errors = [p for p in problems if p.severity == "error"]
    assert [(p.rule, p.row, p.column, p.value) for p in errors] == [
        ("new-option", 4, "Yhdistyksen tyyppi", "Kulttuurijärjestö")]
    message = errors[0].message
    assert message.startswith("2 respondent(s) gave this answer (rows 4, 6): the instrument has no option")
    assert "added_in: 2026" in message and 'mapping: options: kind: {"Kulttuurijärjestö": <code>}' in message
    assert not [p for p in problems if p.rule == "known code"]   # reported once, not once more per cell


def test_an_unlabelled_number_outside_the_codes_is_an_invalid_value_cleaning_may_cover():
    frame, problems = _checked(_raw(["Urheiluseura", 7, "Kyläyhdistys"]), cleaning={"invalid_values": "missing"})
    assert [(p.rule, p.row, p.severity) for p in problems] == [("known code", 4, "handled")]
    assert frame["kind"].tolist() == [1, pd.NA, 2]


def test_a_code_the_file_labels_but_the_instrument_lacks_is_a_new_option():
    """SPSS: code 3 labelled 'Kulttuuriyhdistys' in the file is a category, not a stray number."""
    from survey.model import Option

    options = (Option(code=1, label="Urheiluseura"), Option(code=3, label="Kulttuuriyhdistys"))
    frame, problems = _checked(_raw([1, 3, 3], options), cleaning={"invalid_values": "missing"})
    assert [(p.rule, p.row, p.value, p.severity) for p in problems] == [("new-option", 4, "Kulttuuriyhdistys",
                                                                         "error")]


def test_a_mapping_to_null_reads_the_answer_as_missing_row_by_row():
    frame, problems = _checked(_raw(["Urheiluseura", "Ei tietoa", "Ei tietoa"]),
                               mapping={"options": {"kind": {"Ei tietoa": None}}})
    assert frame["kind"].tolist() == [1, pd.NA, pd.NA]
    assert [(p.rule, p.row, p.severity) for p in problems] == [("mapped-missing", 4, "handled")]
    assert "(rows 4, 5) read as missing" in problems[0].message


def test_a_mapping_onto_a_code_the_instrument_lacks_is_a_new_option():
    frame, problems = _checked(_raw(["Urheiluseura", "Kulttuuri"]), mapping={"options": {"kind": {"Kulttuuri": 3}}},
                               cleaning={"invalid_values": "missing"})
    assert [(p.rule, p.row, p.severity) for p in problems] == [("new-option", 4, "error")]
    assert "maps answers onto code '3'" in problems[0].message


def test_editing_an_option_label_stops_validation_instead_of_moving_answers_to_missing(small, capsys):
    """review-2 §19: a renamed label used to turn every such answer into 'missing' under invalid_values."""
    example = small
    instrument = example / "instruments" / "yhdistykset.yml"
    text = instrument.read_text(encoding="utf-8")
    instrument.write_text(text.replace("fi: Liikunta ja urheilu}", "fi: Liikunta ja urheilutoiminta}"),
                          encoding="utf-8")
    config = example / "survey.yml"
    config.write_text(config.read_text(encoding="utf-8") + "    cleaning: {invalid_values: missing}\n",
                      encoding="utf-8")
    capsys.readouterr()
    assert cli.main(["validate"]) == 1
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if x.startswith("ERROR"))
    assert ("ERROR  data/raw/2025-esimerkki/yhdistyskysely_webropol.xlsx, row 4, column 'Mikä on yhdistyksenne "
            "pääasiallinen toimiala?': value 'Liikunta ja urheilu': 13 respondent(s) gave this answer") in line
    assert "The closest known one is 'Liikunta ja urheilutoiminta'." in line
    assert cli.main(["run", "--no-render"]) == 1
    assert not (example / "output" / "2025-esimerkki").exists()


# --- exclusive and max_choices ----------------------------------------------------------------------

CHOICES = parse_instrument({"dataset": "demo", "questions": [
    {"id": "forms", "type": "multi", "text": {"fi": "Muodot"}, "exclusive": ["none"], "max_choices": 2,
     "options": [{"code": "grants", "fi": "Avustukset"}, {"code": "rooms", "fi": "Tilat"},
                 {"code": "events", "fi": "Tapahtumat"}, {"code": "none", "fi": "Ei mitään näistä"}]}]})
CHOICE_HEADERS = {"forms__answered": "Muodot", **{f"forms__{c}": f"Muodot / {c}" for c in
                                                  ("grants", "rooms", "events", "none")}}


def _choices():
    return pd.DataFrame({
        "respondent_id": ["A", "B", "C", "D", "E"], "source_row": [3, 4, 5, 6, 7],
        "forms__grants": pd.array([True, True, False, True, pd.NA], dtype="boolean"),
        "forms__rooms": pd.array([False, False, False, True, pd.NA], dtype="boolean"),
        "forms__events": pd.array([False, False, False, True, pd.NA], dtype="boolean"),
        "forms__none": pd.array([False, True, True, False, pd.NA], dtype="boolean"),
        "forms__answered": [True, True, True, True, False],
    })


def test_exclusive_and_max_choices_are_enforced_with_row_and_column():
    problems = validate_frame(_choices(), CHOICES, file="f.xlsx", headers=CHOICE_HEADERS)
    assert [(p.rule, p.row, p.column, p.value) for p in problems] == [
        ("exclusive", 4, "Muodot", "Avustukset, Ei mitään näistä"),
        ("max-choices", 6, "Muodot", "Avustukset, Tilat, Tapahtumat")]
    assert "'Ei mitään näistä' excludes the other options of 'forms', but 'Avustukset' was chosen too" in \
        problems[0].message
    assert problems[1].message.startswith("3 options chosen, but 'forms' allows at most 2")
    frame, out = clean(_choices(), CHOICES, problems, None, CHOICE_HEADERS)
    assert {p.severity for p in out} == {"error"}


def test_cleaning_reads_a_broken_multi_select_answer_as_missing():
    problems = validate_frame(_choices(), CHOICES, file="f.xlsx", headers=CHOICE_HEADERS)
    frame, out = clean(_choices(), CHOICES, problems, {"invalid_values": "missing"}, CHOICE_HEADERS)
    assert {p.severity for p in out} == {"handled"}
    assert frame["forms__answered"].tolist() == [True, False, True, False, False]
    assert frame["forms__grants"].tolist() == [True, pd.NA, False, pd.NA, pd.NA]
    assert str(frame["forms__grants"].dtype) == "boolean"


def test_an_exclusive_code_that_is_no_option_is_reported():
    instrument = parse_instrument({"dataset": "demo", "questions": [
        {"id": "forms", "type": "multi", "text": {"fi": "Muodot"}, "exclusive": ["nothing"],
         "options": [{"code": "grants", "fi": "Avustukset"}]}]})
    frame = _choices()[["respondent_id", "source_row", "forms__grants", "forms__answered"]]
    problems = validate_frame(frame, instrument, file="f.xlsx", headers=CHOICE_HEADERS)
    assert [(p.file, p.rule, p.value) for p in problems] == [("instruments/demo.yml", "exclusive", "nothing")]


# --- added_in knows the order of the waves ----------------------------------------------------------

ADDED = parse_instrument({"dataset": "demo", "questions": [
    {"id": "kind", "type": "single", "text": {"fi": "Yhdistyksen tyyppi"},
     "options": [{"code": 1, "fi": "Urheiluseura"}, {"code": 2, "fi": "Kyläyhdistys"}]},
    {"id": "hours", "type": "numeric", "text": {"fi": "Talkootunnit"}, "added_in": "2026"}]})


def _added(wave: str, with_hours: bool, order=("2024", "2026", "2028")):
    values = {"id": ["A", "B"], "c1": ["Urheiluseura", "Kyläyhdistys"]}
    questions = [Question(id="q", text="Yhdistyksen tyyppi", type="single", columns=("c1",))]
    if with_hours:
        values["c2"] = [3, 4]
        questions.append(Question(id="h", text="Talkootunnit", type="numeric", columns=("c2",)))
    raw = Dataset(frame=pd.DataFrame(values), meta=Meta(source="x.csv", format="csv", respondents=2,
                                                        questions=tuple(questions), id_column="id",
                                                        source_rows=(2, 3)))
    spec = DatasetSpec(name="demo", file="x.csv", wave_order=order)
    return normalise(raw, ADDED, spec, wave=wave)


def test_a_question_added_later_is_not_missing_in_earlier_waves_but_is_in_later_ones():
    assert _added("2024", with_hours=False).problems == () and _added("2024", False).absent_questions == ("hours",)
    assert _added("2026", with_hours=True).problems == ()
    later = _added("2028", with_hours=False).problems
    assert [(p.rule, p.column) for p in later] == [("missing-column", "Talkootunnit")]


def test_a_wave_before_added_in_that_has_the_column_is_an_error():
    problems = _added("2024", with_hours=True).problems
    assert [(p.rule, p.column) for p in problems] == [("added-in", "Talkootunnit")]
    assert "first asked in wave 2026, which comes after this wave (2024)" in problems[0].message


def test_an_added_in_that_is_no_wave_yet_is_a_wave_to_come_with_a_warning():
    """An instrument prepared for the next round before it is declared: earlier waves need not have it."""
    normal = _added("2024", with_hours=False, order=("2024", "2025"))
    assert [(p.file, p.rule, p.value, p.severity) for p in normal.problems] == [
        ("instruments/demo.yml", "added-in", "2026", "warning")]
    assert "(waves, oldest first: 2024, 2025); it is read as a wave still to come" in normal.problems[0].message
    assert normal.absent_questions == ("hours",)


def test_survey_yml_gives_every_dataset_the_order_of_the_waves():
    from survey.project.config import load_project

    project = load_project(Path(__file__).resolve().parents[1])
    for wave in project.waves:
        for spec in wave.datasets.values():
            assert spec.wave_order == tuple(w.id for w in project.waves)


def test_an_answer_with_an_option_added_in_a_later_wave_is_an_error():
    instrument = parse_instrument({"dataset": "demo", "questions": [
        {"id": "kind", "type": "single", "text": {"fi": "Yhdistyksen tyyppi"},
         "options": [{"code": 1, "fi": "Urheiluseura"}, {"code": 2, "fi": "Kyläyhdistys", "added_in": "2026"}]}]})
    raw = _raw(["Urheiluseura", "Kyläyhdistys", "Kyläyhdistys"])
    for wave, expected in (("2024", [("added-in", 4, "Kyläyhdistys")]), ("2026", [])):
        spec = DatasetSpec(name="demo", file="x.csv", wave_order=("2024", "2026"))
        problems = normalise(raw, instrument, spec, wave=wave).problems
        assert [(p.rule, p.row, p.value) for p in problems] == expected
        if expected:
            assert problems[0].message.startswith("2 respondent(s) (rows 4, 5) chose option '2' of 'kind'")
