"""Wave comparison: differences with Newcombe intervals, tests, and 'not comparable' with a reason."""

import json

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.proportion import confint_proportions_2indep
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW

from survey.analysis import compare_waves
from survey.project.instruments import parse_instrument

INSTRUMENT = parse_instrument({"dataset": "demo", "questions": [
    {"id": "contact", "slug": "contact", "type": "single", "text": {"fi": "Tiedättekö?"},
     "options": [{"code": "yes", "fi": "Kyllä"}, {"code": "no", "fi": "Ei"}, {"code": "dk", "fi": "EOS"}]},
    {"id": "forms", "slug": "forms", "type": "multi", "text": {"fi": "Muodot"},
     "added_options": {"new": "2026"},
     "options": [{"code": "x", "fi": "X"}, {"code": "new", "fi": "Uusi"}]},
    {"id": "item", "slug": "item", "type": "likert", "text": {"fi": "Väite"}, "scale": [1, 2, 3, 4, 5],
     "dont_know": 9, "options": [{"code": c, "fi": str(c)} for c in (1, 2, 3, 4, 5, 9)]},
    {"id": "num", "slug": "num", "type": "numeric", "text": {"fi": "Luku"}},
]})
Q = {q.id: q for q in INSTRUMENT.questions}


def contact(yes, no, dk):
    return pd.DataFrame({"contact": ["yes"] * yes + ["no"] * no + ["dk"] * dk})


def test_single_change_with_newcombe_interval_and_test():
    before, now = contact(28, 30, 5), contact(50, 17, 4)
    result = compare_waves(before, now, Q["contact"], dataset="associations", wave="2026", previous_wave="2024")
    assert result.id == "associations-contact-waves" and result.kind == "wave"
    row = result.table.set_index("code").loc["yes"]
    assert (row["count_before"], row["n_before"], row["count_now"], row["n_now"]) == (28, 63, 50, 71)
    assert row["diff"] == pytest.approx(50 / 71 - 28 / 63)
    low, high = confint_proportions_2indep(50, 71, 28, 63, method="newcomb", compare="diff")
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((low, high))
    assert row["test"] == "chi2"
    assert row["p"] == pytest.approx(stats.chi2_contingency([[28, 35], [50, 21]], correction=False).pvalue)
    omnibus = stats.chi2_contingency([[28, 30, 5], [50, 17, 4]], correction=False)
    assert result.test["comparable"] is True
    assert result.test["name"] in ("chi2", "fisher_monte_carlo")
    assert result.n["answering_before"] == 63 and result.n["answering_now"] == 71
    assert omnibus.pvalue < 0.05 and result.test["p"] < 0.05
    json.dumps(result.to_dict(), allow_nan=False)


def test_declared_not_comparable_says_why():
    result = compare_waves(contact(5, 5, 1), contact(6, 4, 1), Q["contact"], dataset="d", wave="2026",
                           previous_wave="2024", comparable=False)
    assert result.table.empty
    assert result.test["comparable"] is False
    assert "wording" in result.test["reason"]["en"]
    assert result.test["reason"]["fi"].startswith("Ei vertailukelpoinen")


def test_question_missing_in_one_wave_is_not_comparable():
    result = compare_waves(pd.DataFrame({"other": [1]}), contact(1, 1, 1), Q["contact"], dataset="d", wave="2026")
    assert result.test["comparable"] is False
    assert "both waves" in result.test["reason"]["en"]


def test_added_option_in_single_choice_makes_it_not_comparable():
    result = compare_waves(contact(5, 5, 1), contact(6, 4, 1), Q["contact"], dataset="d", wave="2026",
                           added=["dk"])
    assert result.test["comparable"] is False
    assert "dk" in result.test["reason"]["en"]


def test_added_multi_option_is_left_out_on_its_own_row():
    before = pd.DataFrame({"forms__x": pd.array([True, False, True, True], dtype="boolean"),
                           "forms__answered": [True, True, True, True]})
    now = pd.DataFrame({"forms__x": pd.array([True, True, False, True, True], dtype="boolean"),
                        "forms__new": pd.array([True, False, False, False, True], dtype="boolean"),
                        "forms__answered": [True] * 5})
    result = compare_waves(before, now, Q["forms"], dataset="d", wave="2026", previous_wave="2024")
    table = result.table.set_index("code")
    assert table.loc["x", "comparable"] and not table.loc["new", "comparable"]
    assert np.isnan(table.loc["new", "diff"])
    assert table.loc["x", "diff"] == pytest.approx(4 / 5 - 3 / 4)
    assert result.test["not_compared"] == ["new"]


def test_likert_change_in_agree_and_mann_whitney():
    before = pd.DataFrame({"item": pd.array([1, 2, 2, 3, 4, 5, 9, None], dtype="Int64")})
    now = pd.DataFrame({"item": pd.array([3, 4, 4, 5, 5, 5, 2, 9], dtype="Int64")})
    result = compare_waves(before, now, Q["item"], dataset="d", wave="2026", previous_wave="2024")
    row = result.table.iloc[0]
    assert (row["count_before"], row["n_before"], row["count_now"], row["n_now"]) == (2, 6, 5, 7)
    # 6 and 7 answers: the exact permutation p over all 1 716 splits, as scipy computes it
    ref = stats.mannwhitneyu([1, 2, 2, 3, 4, 5], [3, 4, 4, 5, 5, 5, 2], alternative="two-sided",
                             method=stats.PermutationMethod(n_resamples=9999))
    assert row["test"] == "mann_whitney" and row["p"] == pytest.approx(ref.pvalue, abs=1e-12)


def test_numeric_change_in_means_with_welch_interval():
    a, b = [1.0, 2, 3, 4, 5, 9], [3.0, 5, 6, 8, 9, 11, 12]
    result = compare_waves(pd.DataFrame({"num": a}), pd.DataFrame({"num": b}), Q["num"], dataset="d", wave="w")
    row = result.table.iloc[0]
    ref = CompareMeans(DescrStatsW(b), DescrStatsW(a)).tconfint_diff(usevar="unequal")
    assert row["diff"] == pytest.approx(np.mean(b) - np.mean(a))
    assert (row["ci_low"], row["ci_high"]) == pytest.approx(ref)


def test_option_absent_in_the_earlier_wave_is_not_compared_even_without_added_in():
    instrument = parse_instrument({"dataset": "demo", "questions": [
        {"id": "g", "type": "multi", "text": {"fi": "G"},
         "options": [{"code": "x", "fi": "X"}, {"code": "p", "fi": "P"}]}]})
    before = pd.DataFrame({"g__x": pd.array([True, False, True], dtype="boolean"),
                           "g__p": pd.array([None, None, None], dtype="boolean"), "g__answered": [True] * 3})
    now = pd.DataFrame({"g__x": pd.array([True, True, False], dtype="boolean"),
                        "g__p": pd.array([True, False, False], dtype="boolean"), "g__answered": [True] * 3})
    result = compare_waves(before, now, instrument.question("g"), dataset="d", wave="w2")
    table = result.table.set_index("code")
    assert table.loc["x", "comparable"] and not table.loc["p", "comparable"]


def test_caller_reason_becomes_a_full_sentence():
    result = compare_waves(contact(5, 5, 1), contact(6, 4, 1), Q["contact"], dataset="d", wave="2026",
                           comparable=False, reason={"fi": "sanamuoto muuttui", "en": "the wording changed"})
    assert result.test["reason"]["fi"] == "Ei vertailukelpoinen: sanamuoto muuttui."
    assert result.test["reason"]["en"] == "Not comparable: the wording changed."
    assert result.test["reason"]["sv"] == "Inte jämförbar: sanamuoto muuttui."
