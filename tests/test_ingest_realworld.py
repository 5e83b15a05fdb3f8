"""Every real export in ../shared/realworld/ reads with the right respondents and sensible types.

The files are read where they lie (never copied into the repository); the module is
skipped only when that folder is absent.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from survey import cli
from survey.ingest.inspect import inspect_file

REALWORLD = Path(__file__).resolve().parents[2] / "shared" / "realworld"

pytestmark = pytest.mark.skipif(not REALWORLD.is_dir(), reason="../shared/realworld is absent")

# file -> (format, respondents, {question id or text: type})
EXPECTED = {
    "spss_pyreadstat/simple_alltypes.sav": ("spss-sav", 6, {"x": "single", "y": "date", "z": "numeric",
                                                             "mymrset": "multi", "categorical_array": "multi"}),
    "spss_pyreadstat/sample_missing.sav": ("spss-sav", 7, {"mynum": "numeric", "mydate": "date", "dtime": "date",
                                                            "mylabl": "single", "myord": "single"}),
    "spss_pyreadstat/sample.por": ("spss-por", 5, {"mylabl": "single", "mydate": "date", "mynum": "numeric"}),
    "spss_haven/umlauts.sav": ("spss-sav", 4, {"var1": "single"}),
    "spss_pspp/hotel.sav": ("spss-sav", 17, {"v1": "likert", "v5": "likert"}),
    "qualtrics_qualtRics/sample.csv": ("qualtrics-csv", 1, {"q1": "single", "q2": "text", "startdate": "date"}),
    "qualtrics_qualtRics/sample_legacy.csv": ("qualtrics-csv", 1, {"q1": "single", "v8": "date"}),
    "limesurvey_adg2019/results-survey4914.xlsx": (
        "limesurvey-xlsx", 348, {"Quel(s) jour(s) avez-vous fait des visites?": "multi",
                                 "Vous êtes venu:": "multi", "Quel est votre âge?": "numeric",
                                 "Vous êtes:": "single"}),
    "googleforms_uvads/Is hotdog a sandwich_ (Responses).xlsx": (
        "googleforms-xlsx", 207, {"Timestamp": "date", "Is hotdog a sandwich?": "single"}),
    "msforms_uvads/Hot-Dog-Form-Fa24.csv": (
        "msforms-csv", 187, {"Start time": "date", "Is a hotdog a sandwich": "single",
                             "What is your major?": "text"}),
    "statsmodels_anes96/anes96.csv": ("csv", 944, {"popul": "numeric", "vote": "numeric", "age": "numeric"}),
}


def _types(info: dict) -> dict:
    types = {}
    for q in info["questions"]:
        types[q["id"]] = q["type"]
        types.setdefault(q["text"], q["type"])
    return types


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_realworld_file_inspects(name):
    fmt, respondents, types = EXPECTED[name]
    info = inspect_file(REALWORLD / name)
    assert info["format"] == fmt
    assert info["respondents"] == respondents
    found = _types(info)
    for key, qtype in types.items():
        assert found.get(key) == qtype, (key, found.get(key))
    json.dumps(info)  # JSON-ready


def test_every_realworld_file_is_covered():
    files = {str(p.relative_to(REALWORLD)) for p in REALWORLD.glob("*/*") if p.is_file()}
    assert files - set(EXPECTED) <= {"qda_atlasti_refi-qda/TestProject.qdpx"}


def test_msforms_csv_is_cp1252():
    info = inspect_file(REALWORLD / "msforms_uvads/Hot-Dog-Form-Fa24.csv")
    assert info["encoding"] == "cp1252"
    assert info["id_column"] == "c001"


def test_anes_is_tab_separated_with_quoted_headers():
    info = inspect_file(REALWORLD / "statsmodels_anes96/anes96.csv")
    assert info["delimiter"] == "\t"
    assert [q["text"] for q in info["questions"]][:3] == ["popul", "TVnews", "selfLR"]


def test_mr_sets_are_multi_questions_with_options():
    info = inspect_file(REALWORLD / "spss_pyreadstat/simple_alltypes.sav")
    q = {q["id"]: q for q in info["questions"]}
    assert [(o["code"], o["label"], o["column"]) for o in q["mymrset"]["options"]] == [
        ("bool1", "Response #1", "bool1"), ("bool2", "Response #2", "bool2"), ("bool3", "Response #3", "bool3")]
    assert q["mymrset"]["text"] == "My multiple response set"
    assert [o["code"] for o in q["categorical_array"]["options"]] == ["a", "b", "c", "d"]
    # user-missing: discrete codes and the values found inside the declared range
    assert q["x"]["missing"] == [7, 8, 99]
    assert info["missing_ranges"]["z"] == [{"lo": -999, "hi": 0}, {"lo": 999, "hi": 999}]


def test_limesurvey_na_means_not_shown():
    info = inspect_file(REALWORLD / "limesurvey_adg2019/results-survey4914.xlsx")
    q = next(q for q in info["questions"] if q["text"] == "Vous êtes:")
    assert [o["label"] for o in q["options"]] == ["Un homme", "Une femme"]
    assert q["missing"] == ["N/A"]


def test_qdpx_is_delegated_to_the_interview_reader():
    info = inspect_file(REALWORLD / "qda_atlasti_refi-qda/TestProject.qdpx")
    assert info["respondents"] >= 1 and info["codes"] == 14 and info["codings"] == 16


@pytest.mark.parametrize("name", sorted(EXPECTED)[:3] + ["statsmodels_anes96/anes96.csv"])
def test_cli_inspect_json(name, capsys):
    code = cli.main(["inspect", str(REALWORLD / name), "--json"])
    out = capsys.readouterr().out
    assert code == 0
    assert json.loads(out)["respondents"] == EXPECTED[name][1]
