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


def test_mann_whitney_large_groups_match_scipy_asymptotic():
    rng = np.random.default_rng(5)
    a, b = rng.integers(1, 6, 25), rng.integers(1, 6, 31)
    res = ordinal_test([a, b])
    ref = stats.mannwhitneyu(a, b, alternative="two-sided", method="asymptotic")
    assert res["name"] == "mann_whitney" and res["method"] == "asymptotic"
    assert res["statistic"] == ref.statistic
    assert res["p"] == pytest.approx(ref.pvalue, rel=1e-12)
    assert res["rank_biserial"] == pytest.approx(2 * ref.statistic / (len(a) * len(b)) - 1)


def _exact_mann_whitney(a, b):
    """Independent reference: every split of the pooled (tied) values, two-sided as scipy defines it."""
    pooled = np.concatenate([a, b]).astype(float)
    ranks = stats.rankdata(pooled)
    n1 = len(a)
    observed = ranks[:n1].sum()
    sums = np.array([ranks[list(c)].sum() for c in itertools.combinations(range(len(pooled)), n1)])
    less, greater = (sums <= observed + 1e-9).mean(), (sums >= observed - 1e-9).mean()
    return min(1.0, 2 * min(less, greater))


@pytest.mark.parametrize("a,b", [
    ([1, 2, 2, 3, 4, 4, 5], [3, 4, 4, 5, 5, 5]),          # ties, groups of 7 and 6
    ([4, 4, 5, 5, 5], [2, 3, 3, 4, 4, 4, 5, 2]),           # groups of 5 and 8
    ([1, 1, 2, 2, 2, 3], [2, 3, 3, 4, 4]),
])
def test_mann_whitney_small_tied_groups_get_the_exact_permutation_p(a, b):
    res = ordinal_test([a, b])
    assert res["name"] == "mann_whitney" and res["method"] == "exact"
    assert res["p"] == pytest.approx(_exact_mann_whitney(np.array(a), np.array(b)), abs=1e-12)
    ref = stats.mannwhitneyu(a, b, method=stats.PermutationMethod(n_resamples=9999))
    assert res["p"] == pytest.approx(ref.pvalue, abs=1e-12)
    assert res["statistic"] == stats.mannwhitneyu(a, b).statistic


def test_mann_whitney_normal_approximation_is_off_for_small_tied_groups():
    # The reason for the permutation p: with groups of 5 and 8 the approximation misses by a lot.
    a, b = [4, 4, 5, 5, 5], [2, 3, 3, 4, 4, 4, 5, 2]
    approx = stats.mannwhitneyu(a, b, method="asymptotic").pvalue
    assert abs(approx - _exact_mann_whitney(np.array(a), np.array(b))) > 0.005


def test_mann_whitney_small_group_beside_large_one_is_seeded_monte_carlo():
    rng = np.random.default_rng(11)
    a, b = rng.integers(1, 6, 6), rng.integers(1, 6, 40)
    res = ordinal_test([a, b])
    assert res["method"] == "monte_carlo" and res["resamples"] == 9999
    ref = stats.mannwhitneyu(a, b, method=stats.PermutationMethod(n_resamples=9999,
                                                                 rng=np.random.default_rng(res["seed"])))
    assert res["p"] == ref.pvalue
    assert ordinal_test([a, b])["p"] == res["p"]  # deterministic
    assert abs(res["p"] - stats.mannwhitneyu(a, b).pvalue) < 0.05


def _exact_kruskal(groups):
    """Independent reference: H from its textbook formula (tie-corrected) over every split of the pooled values."""
    pooled = np.concatenate(groups).astype(float)
    sizes = [len(g) for g in groups]
    n = pooled.size
    ranks = stats.rankdata(pooled)
    _, ties = np.unique(pooled, return_counts=True)
    correction = 1 - (ties**3 - ties).sum() / (n**3 - n)

    def h(parts):
        return (12 / (n * (n + 1)) * sum(ranks[list(p)].sum() ** 2 / len(p) for p in parts) - 3 * (n + 1)) / correction

    offsets = np.cumsum([0, *sizes])
    observed = h([range(offsets[i], offsets[i + 1]) for i in range(len(sizes))])
    assert observed == pytest.approx(stats.kruskal(*groups).statistic, rel=1e-12)
    count = total = 0
    positions = range(n)
    for first in itertools.combinations(positions, sizes[0]):
        rest = [i for i in positions if i not in first]
        for second in itertools.combinations(rest, sizes[1]):
            third = [i for i in rest if i not in second]
            total += 1
            count += h([first, second, third]) >= observed * (1 - 1e-12)
    return count / total


def test_kruskal_small_groups_get_the_exact_permutation_p():
    groups = [[1, 2, 2], [3, 4, 4], [2, 5, 5]]  # 1 680 arrangements: enumerated
    res = ordinal_test(groups)
    ref = stats.kruskal(*groups)
    assert res["name"] == "kruskal" and res["method"] == "exact"
    assert res["statistic"] == pytest.approx(ref.statistic, rel=1e-12)
    assert res["df"] == 2
    assert res["p"] == pytest.approx(_exact_kruskal(groups), abs=1e-12)


def test_kruskal_monte_carlo_is_close_to_exact_and_seeded():
    groups = [[1, 2, 2, 3], [3, 4, 4, 5], [2, 5, 4]]  # 11 550 arrangements: 9 999 drawn
    res = ordinal_test(groups)
    assert res["method"] == "monte_carlo"
    assert abs(res["p"] - _exact_kruskal(groups)) < 0.015  # about three standard errors of 9 999 draws
    assert ordinal_test(groups)["p"] == res["p"]


def test_kruskal_permutation_p_is_scipys_permutation_test_of_h():
    # The rank-sum statistic orders arrangements exactly as H does: the same p as permuting H itself.
    rng = np.random.default_rng(7)
    groups = [rng.integers(1, 6, n).astype(float) for n in (5, 7, 6, 4)]
    res = ordinal_test(groups)
    ref = stats.permutation_test(groups, lambda *s, axis: stats.kruskal(*s, axis=axis).statistic,
                                 permutation_type="independent", vectorized=True, n_resamples=9999,
                                 alternative="greater", rng=np.random.default_rng(res["seed"]))
    assert res["p"] == ref.pvalue


def test_permutation_p_is_scipys_to_the_last_bit_on_random_tied_groups():
    """The arrangements made in one numpy call give scipy's own p-values exactly: Mann-Whitney through
    ``mannwhitneyu(method=PermutationMethod)``, Kruskal-Wallis through ``permutation_test``, exact and Monte Carlo."""
    from survey.analysis.significance import RESAMPLES, permutation_p

    rng = np.random.default_rng(2026)
    kinds = set()
    for trial in range(24):
        k = 2 if trial % 2 == 0 else 3 + trial % 3 // 2
        sizes = [int(rng.integers(2, 11 if k == 2 else 6)) for _ in range(k)]
        groups = [rng.integers(1, 6, size=n).astype(float) for n in sizes]  # a five-point scale: many ties
        seed = int(rng.integers(0, 2**31))
        res = ordinal_test(groups, seed=seed)
        if res.get("reason") or res["method"] == "asymptotic":
            continue
        kinds.add((k == 2, res["method"]))
        method = stats.PermutationMethod(n_resamples=RESAMPLES, rng=np.random.default_rng(seed))
        if k == 2:
            ref = stats.mannwhitneyu(groups[0], groups[1], alternative="two-sided", method=method).pvalue
        else:  # the pooled ranks and sum(R_i^2 / n_i): exact in floating point, so tied arrangements stay tied
            ranks = stats.rankdata(np.concatenate(groups))
            parts = np.split(ranks, np.cumsum(sizes)[:-1])
            def rank_sums(*parts, axis):
                return sum(np.sum(x, axis=axis) ** 2 / x.shape[axis] for x in parts)

            ref = stats.permutation_test(parts, rank_sums, permutation_type="independent", vectorized=True,
                                         n_resamples=RESAMPLES, alternative="greater", rng=method.rng).pvalue
        assert res["p"] == float(ref), (sizes, res["method"])
    assert kinds == {(True, "exact"), (True, "monte_carlo"), (False, "exact"), (False, "monte_carlo")}
    with pytest.raises(KeyError):
        permutation_p([[1.0, 2.0], [3.0, 4.0]], lambda x, y, axis: np.sum(x, axis=axis), "sideways", 1)


def test_kruskal_large_groups_match_scipy():
    rng = np.random.default_rng(2)
    groups = [rng.integers(1, 6, n) for n in (20, 25, 30)]
    res = ordinal_test(groups)
    ref = stats.kruskal(*groups)
    assert res["method"] == "asymptotic"
    assert res["statistic"] == pytest.approx(ref.statistic, rel=1e-12)
    assert res["p"] == pytest.approx(ref.pvalue, rel=1e-12)


def test_monte_carlo_fisher_with_more_cells_than_respondents():
    # scipy returns the statistic with shape (1,) here; this used to raise TypeError.
    table = [[1, 1, 0], [0, 0, 1]]
    res = independence_test(table)
    assert res["name"] == "fisher_monte_carlo"
    assert isinstance(res["statistic"], float) and isinstance(res["p"], float)
    assert res["p"] == pytest.approx(_exact_rxc_pvalue(table), abs=0.015)
    wide = [[1, 0, 1, 0, 1, 0, 1], [0, 1, 0, 1, 0, 1, 0]]
    assert 0 <= independence_test(wide)["p"] <= 1


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
