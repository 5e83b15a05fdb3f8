"""survey.kinds.words: one key set for fi/sv/en and the footers built from a result."""

import pandas as pd
import pytest

from survey import catalogue
from survey.kinds import words
from survey.model import Result


def make_multi(respondents=16, answering=16, selections=69, suppressed=False, synthetic=False):
    table = pd.DataFrame({"code": ["a", "b"], "count": [10, 3], "pct": [0.625, 0.1875],
                          "ci_low": [0.39, 0.07], "ci_high": [0.82, 0.43], "pct_selections": [0.77, 0.23],
                          "suppressed": [False, suppressed]})
    return Result(id="network-x", kind="multi", dataset="network", question="x",
                  title={"fi": "Kysymys", "sv": "Fråga", "en": "Question"}, table=table,
                  n={"respondents": respondents, "answering": answering, "selections": selections,
                     "per_respondent": selections / answering},
                  labels={"fi": {"a": "A-fi", "b": "B-fi"}, "en": {"a": "A-en", "b": "B-en"}},
                  suppression={"threshold": 5} if suppressed else {}, synthetic=synthetic)


def test_every_language_has_the_same_keys():
    keys = {lang: set(catalogue.load(lang)) for lang in catalogue.LANGUAGES}
    assert keys["sv"] == keys["fi"]
    assert keys["en"] == keys["fi"]


@pytest.mark.parametrize("lang, expected", [
    ("fi", "Vastaajien määrä: 16, valittujen vastausten lukumäärä: 69"),
    ("sv", "Antal svarande: 16, antal valda svar: 69"),
    ("en", "Respondents: 16, selected answers: 69"),
])
def test_selections_footer_exact(lang, expected):
    assert words.selections_footer(make_multi(), lang) == expected


def test_selections_footer_counts_those_answering_the_question():
    # the agreements question: 16 in the survey, 12 answered it, 32 selections
    footer = words.selections_footer(make_multi(respondents=16, answering=12, selections=32), "fi")
    assert footer == "Vastaajien määrä: 12, valittujen vastausten lukumäärä: 32"


def test_large_counts_are_grouped_with_no_break_space():
    footer = words.selections_footer(make_multi(respondents=1500, answering=1500, selections=12000), "fi")
    assert footer == "Vastaajien määrä: 1\u00a0500, valittujen vastausten lukumäärä: 12\u00a0000"


@pytest.mark.parametrize("lang, marker", [("fi", "Synteettinen demoaineisto"), ("sv", "Syntetiska demodata"),
                                          ("en", "Synthetic demo data")])
def test_footer_lines_carry_n_question_wave_and_synthetic_marker(lang, marker):
    lines = words.footer_lines(make_multi(), lang, wave_label="Demo 2024", synthetic=True, source="Q1")
    assert lines[0] == words.selections_footer(make_multi(), lang)
    assert any("Q1" in line for line in lines)
    assert any("Demo 2024" in line for line in lines)
    assert lines[-1] == marker


def test_footer_notes_suppression_only_when_something_is_suppressed():
    assert not any("5" in line and "tietosuoja" in line for line in words.footer_lines(make_multi(), "fi"))
    lines = words.footer_lines(make_multi(suppressed=True), "fi")
    assert "Alle 5 vastaajan ryhmiä ja ryhmiä, joista ne voisi päätellä, ei esitetä tietosuojan vuoksi." in lines


def test_code_label_falls_back_to_finnish_then_code():
    result = make_multi()
    assert words.code_label(result, "a", "en") == "A-en"
    assert words.code_label(result, "a", "sv") == "A-fi"
    assert words.code_label(result, "zz", "fi") == "zz"
    assert words.code_label(result, "dont_know", "sv") == "Vet inte"


def test_text_fills_placeholders_and_rejects_unknown_language():
    assert catalogue.text("n", "en", n="12") == "n = 12"
    with pytest.raises(Exception, match="unknown report language"):
        catalogue.text("n", "de")
