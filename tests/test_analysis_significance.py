"""Tests, effect sizes and multiplicity adjustment against scipy and statsmodels."""

import itertools
import math

import numpy as np
import pytest
from scipy import stats
from scipy.stats.contingency import association
from statsmodels.stats.multitest import multipletests

from survey.analysis.significance import (adjust_bh, cramers_v, expected_counts_ok, independence_test,
                                          ordinal_test)


def test_chi_square_when_expected_counts_allow():
    table = [[20, 15, 10], [12, 18, 25]]
    assert expected_counts_ok(table)
    res = independence_test(table)
    ref = stats.chi2_contingency(table, correction=False)
    assert res["name"] == "chi2"
    assert res["statistic"] == pytest.approx(ref.statistic, rel=1e-12)
    assert res["p"] == pytest.approx(ref.pvalue, rel=1e-12)
    assert res["df"] == ref.dof == 2
    assert res["cramers_v"] == pytest.approx(association(table, method="cramer"), rel=1e-12)


def test_fisher_for_small_two_by_two():
    table = [[8, 2], [1, 5]]
    assert not expected_counts_ok(table)
    res = independence_test(table)
    ref = stats.fisher_exact(table)
    assert res["name"] == "fisher"
    assert res["p"] == pytest.approx(ref.pvalue, rel=1e-12)
    assert res["statistic"] == pytest.approx(ref.statistic)


def _exact_rxc_pvalue(table):
    """Independent reference: enumerate every 2 x c table with the observed margins."""
    table = np.asarray(table)
    rows, cols = table.sum(axis=1), table.sum(axis=0)
    n = table.sum()

    def prob(t):
        num = sum(math.lgamma(r + 1) for r in rows) + sum(math.lgamma(c + 1) for c in cols)
        den = math.lgamma(n + 1) + sum(math.lgamma(x + 1) for x in np.ravel(t))
        return math.exp(num - den)

    observed = prob(table)
    total = 0.0
    for first in itertools.product(*[range(c + 1) for c in cols]):
        if sum(first) != rows[0]:
            continue
        t = np.array([first, cols - np.array(first)])
        p = prob(t)
        if p <= observed * (1 + 1e-7):
            total += p
    return total


def test_monte_carlo_fisher_for_small_larger_table():
    table = [[6, 1, 2], [1, 5, 4]]
    res = independence_test(table)
    assert res["name"] == "fisher_monte_carlo"
    exact = _exact_rxc_pvalue(table)
    # 9 999 draws: the Monte Carlo p is within 0.015 of the exact p (about 3 standard errors).
    assert abs(res["p"] - exact) < 0.015
    assert independence_test(table)["p"] == res["p"]  # seeded: reproducible


def test_degenerate_tables_have_no_test():
    res = independence_test([[5, 0], [7, 0]])
    assert res["p"] is None and res["reason"]


def test_cramers_v_matches_scipy():
    table = [[3, 9, 4], [8, 2, 6], [1, 1, 7]]
    assert cramers_v(table) == pytest.approx(association(table, method="cramer"), rel=1e-12)


def test_mann_whitney_matches_scipy():
    a, b = [1, 2, 2, 3, 4, 4, 5], [3, 4, 4, 5, 5, 5]
    res = ordinal_test([a, b])
    ref = stats.mannwhitneyu(a, b, alternative="two-sided")
    assert res["name"] == "mann_whitney"
    assert res["statistic"] == ref.statistic
    assert res["p"] == pytest.approx(ref.pvalue, rel=1e-12)
    assert res["rank_biserial"] == pytest.approx(2 * ref.statistic / (len(a) * len(b)) - 1)


def test_kruskal_matches_scipy():
    groups = [[1, 2, 2, 3], [3, 4, 4, 5], [2, 3, 5, 5, 4]]
    res = ordinal_test(groups)
    ref = stats.kruskal(*groups)
    assert res["name"] == "kruskal"
    assert res["statistic"] == pytest.approx(ref.statistic, rel=1e-12)
    assert res["p"] == pytest.approx(ref.pvalue, rel=1e-12)
    assert res["df"] == 2


def test_ordinal_without_variation_is_not_tested():
    assert ordinal_test([[3, 3], [3, 3, 3]])["p"] is None
    assert ordinal_test([[1, 2]])["p"] is None


def test_benjamini_hochberg_matches_statsmodels():
    p = [0.01, 0.04, 0.03, 0.20, 0.001, 0.5]
    ref = multipletests(p, method="fdr_bh")[1]
    assert adjust_bh(p) == pytest.approx(list(ref), rel=1e-12)


def test_benjamini_hochberg_skips_missing_p_values():
    out = adjust_bh([0.01, None, 0.04, float("nan")])
    ref = multipletests([0.01, 0.04], method="fdr_bh")[1]
    assert out[1] is None and out[3] is None
    assert [out[0], out[2]] == pytest.approx(list(ref))
