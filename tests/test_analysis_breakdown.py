"""Breakdowns: tests against scipy, Newcombe's published example, gating and suppression."""

import json
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests

from survey.analysis import adjust_chapter, analyse_breakdown
from survey.analysis.significance import SEED
from survey.project.instruments import parse_instrument
from survey.model import Result

INSTRUMENT = parse_instrument({
    "dataset": "demo",
    "questions": [
        {"id": "kind", "slug": "kind", "type": "single", "background": True, "text": {"fi": "Tyyppi"},
         "short": {"fi": "Tyyppi", "en": "Type"},
         "options": [{"code": "a", "fi": "A"}, {"code": "b", "fi": "B"}, {"code": "c", "fi": "C"}]},
        {"id": "yes", "type": "single", "text": {"fi": "Kyllä vai ei"},
         "options": [{"code": 1, "fi": "Kyllä"}, {"code": 0, "fi": "Ei"}]},
        {"id": "forms", "type": "multi", "text": {"fi": "Muodot"},
         "options": [{"code": "x", "fi": "X"}, {"code": "y", "fi": "Y"}]},
        {"id": "item", "type": "likert", "text": {"fi": "Väite"}, "scale": [1, 2, 3, 4, 5], "dont_know": 9,
         "missing": [99], "agree": [4, 5], "options": [{"code": c, "fi": str(c)} for c in (1, 2, 3, 4, 5, 9)]},
        {"id": "count", "type": "numeric", "text": {"fi": "Määrä"}},
    ],
})
Q = {q.id: q for q in INSTRUMENT.questions}


def frame_two_groups(n_a=70, yes_a=56, n_b=80, yes_b=48):
    kind = ["a"] * n_a + ["b"] * n_b
    yes = [1] * yes_a + [0] * (n_a - yes_a) + [1] * yes_b + [0] * (n_b - yes_b)
    return pd.DataFrame({"kind": kind, "yes": yes})


def test_two_groups_single_chi_square_and_newcombe_published_example():
    # Newcombe (1998), difference of independent proportions, example (a): 56/70 - 48/80,
    # method 10 interval 0.0524 to 0.3339.
    result = analyse_breakdown(frame_two_groups(), Q["yes"], Q["kind"], dataset="demo")
    assert result.id == "demo-yes-by-kind"
    item = result.test["items"][0]
    ref = stats.chi2_contingency([[56, 14], [48, 32]], correction=False)
    assert item["name"] == "chi2"
    assert item["p"] == pytest.approx(ref.pvalue, rel=1e-12)
    diff = [d for d in item["differences"] if d["code"] == 1][0]
    assert (diff["group_a"], diff["group_b"]) == ("a", "b")
    assert diff["diff"] == pytest.approx(0.2)
    assert (diff["low"], diff["high"]) == pytest.approx((0.0524, 0.3339), abs=5e-5)
    row = result.table[(result.table.group == "a") & (result.table.code == 1)].iloc[0]
    assert (row["count"], row["n_group"], row["pct"]) == (56, 70, pytest.approx(0.8))


def test_group_of_two_shows_no_p_value_and_says_why():
    frame = pd.DataFrame({"kind": ["a"] * 12 + ["b"] * 2, "yes": [1, 0] * 6 + [1, 1]})
    result = analyse_breakdown(frame, Q["yes"], Q["kind"], dataset="demo")
    assert result.test["p"] is None
    assert result.test["gated"] is True
    assert all(item["p"] is None for item in result.test["items"])
    assert "5" in result.test["reason"]["fi"] and "at least two groups" in result.test["reason"]["en"]
    # The group of 2 and (secondary) the only other group are hidden: nothing can be subtracted.
    assert result.table["suppressed"].all()
    assert result.table["count"].isna().all()
    assert set(result.suppression["suppressed_groups"]) == {"a", "b"}


def test_small_group_left_out_of_the_test_of_the_others():
    rng = np.random.default_rng(3)
    frame = pd.DataFrame({"kind": ["a"] * 20 + ["b"] * 24 + ["c"] * 2, "yes": rng.integers(0, 2, size=46)})
    # Sizes a=20, b=24, c=2: c hidden, a (next in order, wrapping round) as secondary; b alone cannot be tested.
    result = analyse_breakdown(frame, Q["yes"], Q["kind"], dataset="demo")
    assert result.test["p"] is None
    assert result.test["reason"]["en"].startswith("No test")


def test_tested_groups_exclude_hidden_ones():
    rng = np.random.default_rng(4)
    kind = ["a"] * 20 + ["b"] * 25 + ["c"] * 3
    values = rng.integers(0, 2, size=len(kind))
    instrument = parse_instrument({"dataset": "demo", "questions": [
        {"id": "kind", "type": "single", "text": {"fi": "T"},
         "options": [{"code": c, "fi": c} for c in "abcd"]}]})
    frame = pd.DataFrame({"kind": kind + ["d"] * 22, "yes": list(values) + [1] * 11 + [0] * 11})
    result = analyse_breakdown(frame, Q["yes"], instrument.question("kind"), dataset="demo")
    item = result.test["items"][0]
    # c (3) hidden, d (the next group in order, whatever its size) hidden as secondary; a and b are tested.
    assert item["groups"] == ["a", "b"]
    assert item["p"] is not None
    assert item["reason_key"] == "groups_left_out"
    sub = pd.crosstab(frame.kind, frame.yes).loc[["a", "b"]].to_numpy()
    assert item["p"] == pytest.approx(stats.chi2_contingency(sub, correction=False).pvalue)


def test_merging_small_groups_into_muut_allows_the_test():
    frame = pd.DataFrame({"kind": ["a"] * 12 + ["b"] * 10 + ["c"] * 2,
                          "yes": [1] * 9 + [0] * 3 + [1] * 3 + [0] * 7 + [0, 1]})
    result = analyse_breakdown(frame, Q["yes"], Q["kind"], dataset="demo", merge_small=True)
    groups = list(dict.fromkeys(result.table["group"]))
    assert "c" not in groups and "muut" in groups
    assert result.suppression["merged_groups"] == ["c", "b"]
    assert result.labels["groups"]["fi"]["muut"] == "Muut"


def multi_frame():
    kind = ["a"] * 10 + ["b"] * 12
    x = [True] * 9 + [False] * 1 + [True] * 1 + [False] * 11
    y = [True] * 5 + [False] * 5 + [True] * 6 + [False] * 6
    return pd.DataFrame({"kind": kind, "forms__x": pd.array(x, dtype="boolean"),
                         "forms__y": pd.array(y, dtype="boolean"), "forms__answered": [True] * 22})


def test_multi_breakdown_tests_each_option_and_adjusts():
    result = analyse_breakdown(multi_frame(), Q["forms"], Q["kind"], dataset="demo")
    items = {i["code"]: i for i in result.test["items"]}
    fx = stats.fisher_exact([[9, 1], [1, 11]])
    assert items["x"]["name"] == "fisher"
    assert items["x"]["p"] == pytest.approx(fx.pvalue)
    ref = multipletests([items["x"]["p"], items["y"]["p"]], method="fdr_bh")[1]
    assert [items["x"]["p_adjusted"], items["y"]["p_adjusted"]] == pytest.approx(list(ref))
    row = result.table[(result.table.group == "a") & (result.table.code == "x")].iloc[0]
    assert row["pct"] == pytest.approx(0.9)


def test_small_counts_mode_hides_cells_and_their_complements():
    result = analyse_breakdown(multi_frame(), Q["forms"], Q["kind"], dataset="demo", small_counts=True)
    t = result.table.set_index(["group", "code"])
    # x: a has 1 not selecting, b has 1 selecting -> both x cells hidden; no 2x2 test.
    assert t.loc[("a", "x"), "suppressed"] and t.loc[("b", "x"), "suppressed"]
    assert math.isnan(t.loc[("a", "x"), "count"])
    x = [i for i in result.test["items"] if i["code"] == "x"][0]
    assert x["p"] is None and x["reason_key"] == "cells_hidden"
    # y: 5/5 and 6/6 -> nothing small, shown and tested.
    assert not t.loc[("a", "y"), "suppressed"]


def likert_frame():
    a = [5, 5, 4, 4, 4, 3, 5, 4, 9, 99, None, 2]
    b = [1, 2, 2, 1, 3, 2, 4, 1, 2, 9, 3, 2]
    return pd.DataFrame({"kind": ["a"] * 12 + ["b"] * 12, "item": pd.array(a + b, dtype="Int64")})


def test_likert_breakdown_mann_whitney_and_agree_difference():
    result = analyse_breakdown(likert_frame(), Q["item"], Q["kind"], dataset="demo")
    item = result.test["items"][0]
    a = [5, 5, 4, 4, 4, 3, 5, 4, 2]
    b = [1, 2, 2, 1, 3, 2, 4, 1, 2, 3, 2]
    # groups of 9 and 11: the permutation p (9 999 seeded arrangements), as scipy computes it
    ref = stats.mannwhitneyu(a, b, alternative="two-sided",
                             method=stats.PermutationMethod(n_resamples=9999, rng=np.random.default_rng(SEED)))
    assert item["name"] == "mann_whitney" and item["method"] == "monte_carlo"
    assert item["p"] == ref.pvalue
    agree = result.table[result.table.code == "agree"].set_index("group")
    assert agree.loc["a", "count"] == 7 and agree.loc["a", "n_group"] == 9
    assert agree.loc["b", "count"] == 1 and agree.loc["b", "n_group"] == 11
    diff = item["differences"][0]
    assert diff["diff"] == pytest.approx(7 / 9 - 1 / 11)
    dk = result.table[(result.table.code == 9)].set_index("group")
    assert dk.loc["a", "count"] == 1 and dk.loc["a", "n_group"] == 10  # scale + dont know


def test_numeric_breakdown_kruskal():
    a, b, c = [1, 2, 3, 4, 5, 6], [2, 4, 6, 8, 10, 12], [3, 3, 4, 5, 7, 9]
    frame = pd.DataFrame({"kind": ["a"] * 6 + ["b"] * 6 + ["c"] * 7, "count": a + b + c + [None]})
    result = analyse_breakdown(frame, Q["count"], Q["kind"], dataset="demo")
    assert result.kind == "breakdown_numeric"
    item = result.test["items"][0]
    ref = stats.permutation_test([np.array(v, float) for v in (a, b, c)],
                                 lambda *s, axis: stats.kruskal(*s, axis=axis).statistic,
                                 permutation_type="independent", vectorized=True, n_resamples=9999,
                                 alternative="greater", rng=np.random.default_rng(SEED))
    assert item["name"] == "kruskal" and item["method"] == "monte_carlo"
    assert item["statistic"] == pytest.approx(stats.kruskal(a, b, c).statistic)
    assert item["p"] == ref.pvalue
    row = result.table.set_index("group").loc["b"]
    assert (row["n_group"], row["median"], row["mean"]) == (6, 7.0, 7.0)


def test_numeric_breakdown_hides_groups_with_few_values():
    frame = pd.DataFrame({"kind": ["a"] * 6 + ["b"] * 6 + ["c"] * 5,
                          "count": [1, 2, 3, 4, 5, 6, 2, 4, 6, 8, 10, 12, 3, 3, 4, 5, None]})
    result = analyse_breakdown(frame, Q["count"], Q["kind"], dataset="demo")
    table = result.table.set_index("group")
    assert table.loc["c", "suppressed"] and table.loc["a", "suppressed"]  # c has 4 values; a secondary
    assert math.isnan(table.loc["c", "mean"])
    assert result.test["p"] is None


def test_breakdown_serialises_without_nan_strings():
    result = analyse_breakdown(likert_frame(), Q["item"], Q["kind"], dataset="demo")
    text = json.dumps(result.to_dict(), allow_nan=False)
    back = Result.from_dict(json.loads(text))
    assert len(back.table) == len(result.table)


def test_adjust_chapter_matches_statsmodels_and_keeps_inputs():
    r1 = analyse_breakdown(multi_frame(), Q["forms"], Q["kind"], dataset="demo")
    r2 = analyse_breakdown(frame_two_groups(), Q["yes"], Q["kind"], dataset="demo")
    before = [i["p_adjusted"] for i in r1.test["items"]]
    out = adjust_chapter([r1, r2])
    p = [i["p"] for i in r1.test["items"]] + [r2.test["items"][0]["p"]]
    ref = multipletests(p, method="fdr_bh")[1]
    got = [i["p_adjusted"] for i in out[0].test["items"]] + [out[1].test["items"][0]["p_adjusted"]]
    assert got == pytest.approx(list(ref))
    assert out[1].test["family"] == "chapter" and out[1].test["family_size"] == 3
    assert [i["p_adjusted"] for i in r1.test["items"]] == before  # inputs unchanged


def test_small_counts_likert_agree_row_hides_its_base_with_a_hidden_dont_know():
    result = analyse_breakdown(likert_frame(), Q["item"], Q["kind"], dataset="demo", small_counts=True)
    t = result.table.set_index(["group", "code"])
    assert t.loc[("a", 9), "suppressed"]  # one "don't know" in group a
    assert t.loc[("a", "agree"), "suppressed"] and math.isnan(t.loc[("a", "agree"), "n_group"])


def test_adjust_by_chapter_groups_by_dataset_and_keeps_order():
    from survey.analysis import adjust_by_chapter, analyse_single

    r1 = analyse_breakdown(multi_frame(), Q["forms"], Q["kind"], dataset="one")
    plain = analyse_single(frame_two_groups(), Q["yes"], dataset="one")
    r2 = analyse_breakdown(frame_two_groups(), Q["yes"], Q["kind"], dataset="two")
    out = adjust_by_chapter([r1, plain, r2])
    assert out[1] is plain
    assert out[0].test["family_size"] == 2 and out[2].test["family_size"] == 1
    assert out[2].test["p_adjusted"] == pytest.approx(r2.test["p"])
