"""Plain-language findings: wording follows the written thresholds, never the point estimate alone."""

import pandas as pd
import pytest

from survey.analysis import analyse_breakdown, analyse_multi, analyse_single, compare_waves
from survey.kinds.findings import interpret, key_findings
from survey.kinds.phrases import THRESHOLDS, difference_is_clear, share_phrase, share_word
from survey.analysis.proportions import wilson_interval
from survey.project.instruments import parse_instrument
from survey.model import Result

INSTRUMENT = parse_instrument({"dataset": "demo", "questions": [
    {"id": "yes", "type": "single", "text": {"fi": "Kyllä vai ei"},
     "options": [{"code": "y", "fi": "Kyllä", "sv": "Ja", "en": "Yes"}, {"code": "n", "fi": "Ei"}]},
    {"id": "kind", "type": "single", "text": {"fi": "Tyyppi"},
     "options": [{"code": "a", "fi": "A-ryhmä"}, {"code": "b", "fi": "B-ryhmä"}]},
    {"id": "forms", "type": "multi", "text": {"fi": "Muodot"},
     "options": [{"code": "x", "fi": "X"}, {"code": "z", "fi": "Z"}]},
]})
Q = {q.id: q for q in INSTRUMENT.questions}


def single(yes, no):
    return analyse_single(pd.DataFrame({"yes": ["y"] * yes + ["n"] * no}), Q["yes"], dataset="d")


def test_thresholds_are_written_down():
    assert THRESHOLDS["majority_low"] == 0.5 and THRESHOLDS["alpha"] == 0.05


@pytest.mark.parametrize("count,n,word", [(11, 16, "about_half"), (12, 16, "majority"), (14, 16, "majority"), (60, 63, "great_majority"),
                                          (3, 40, "few"), (12, 40, "minority"), (20, 40, "about_half")])
def test_share_words_follow_the_interval(count, n, word):
    low, high = wilson_interval(count, n)
    assert share_word(low, high) == word


def test_clear_majority_only_when_lower_bound_above_half():
    # 11/16 = 69 % but the interval reaches below 50 %: no majority claim.
    text = interpret(single(11, 5), "fi")
    assert "selvä enemmistö" not in text and "noin puolet" in text
    assert "suuntaa antava" in text  # n = 16 < 30
    text = interpret(single(45, 10), "fi")
    assert "selvä enemmistö" in text
    assert "suuntaa antava" not in text


def test_texts_in_three_languages():
    result = single(45, 10)
    assert "Kyllä" in interpret(result, "fi")
    assert "Ja" in interpret(result, "sv") and "klar majoritet" in interpret(result, "sv")
    assert "Yes" in interpret(result, "en") and "clear majority" in interpret(result, "en")


def test_difference_needs_interval_and_adjusted_p():
    assert difference_is_clear(0.05, 0.3, 0.01)
    assert not difference_is_clear(-0.05, 0.3, 0.01)
    assert not difference_is_clear(0.05, 0.3, 0.2)
    assert difference_is_clear(-0.3, -0.05, 0.049)
    assert not difference_is_clear(-0.3, -0.05)  # no adjusted p, no claim
    assert not difference_is_clear(0.05, 0.3, 0.03, alpha=0.01)  # the declared alpha counts


def test_gated_breakdown_says_why_in_prose():
    frame = pd.DataFrame({"kind": ["a"] * 12 + ["b"] * 2, "yes": ["y", "n"] * 6 + ["y", "y"]})
    result = analyse_breakdown(frame, Q["yes"], Q["kind"], dataset="d")
    assert "Ei testiä" in interpret(result, "fi")
    assert "No test" in interpret(result, "en")


def test_breakdown_clear_difference_names_groups_and_points():
    frame = pd.DataFrame({"kind": ["a"] * 30 + ["b"] * 30, "yes": ["y"] * 25 + ["n"] * 5 + ["y"] * 8 + ["n"] * 22})
    result = analyse_breakdown(frame, Q["yes"], Q["kind"], dataset="d")
    text = interpret(result, "fi")
    assert "selvä ero" in text and "A-ryhmä" in text and "prosenttiyksikköä" in text


def test_no_clear_wave_change_is_said_plainly():
    before = pd.DataFrame({"yes": ["y"] * 8 + ["n"] * 8})
    now = pd.DataFrame({"yes": ["y"] * 10 + ["n"] * 7})
    text = interpret(compare_waves(before, now, Q["yes"], dataset="d", wave="w2", previous_wave="w1"), "fi")
    assert "ei selvää muutosta" in text


def test_not_comparable_wave_gives_the_reason():
    result = compare_waves(pd.DataFrame({"yes": ["y"]}), pd.DataFrame({"yes": ["n"]}), Q["yes"], dataset="d",
                           wave="w2", comparable=False)
    assert interpret(result, "en").startswith("Not comparable")


def test_interpret_reads_a_json_round_tripped_result():
    result = analyse_multi(pd.DataFrame({"forms__x": [True] * 50 + [False] * 5, "forms__z": [False] * 55,
                                         "forms__answered": [True] * 55}), Q["forms"], dataset="d")
    back = Result.from_dict(result.to_dict())
    assert interpret(back, "fi") == interpret(result, "fi")
    assert "valtaosa" in interpret(result, "fi")


def test_key_findings_put_clear_results_first():
    weak = single(8, 8)
    strong = single(50, 5)
    found = key_findings([weak, strong], "fi", limit=5)
    assert [r for r, _ in found] == [strong]


def test_methods_text_states_the_rules():
    from survey.kinds.findings import methods_text

    fi = methods_text("fi", threshold=5)
    assert "Wilson" in fi and "Benjaminin–Hochbergin" in fi and "vähintään 5 vastaajaa" in fi and "piilotetaan" in fi
    assert "Testiperhe on aineisto" in fi and "alle 0,05" in fi
    assert "merged into “Other”" in methods_text("en", threshold=3, merge_small=True)
    assert "Övriga" in methods_text("sv", merge_small=True)
    from survey.analysis.significance import Statistics

    en = methods_text("en", statistics=Statistics(alpha=0.01, family="question"))
    assert "The testing family is the question" in en and "below 0.01" in en
