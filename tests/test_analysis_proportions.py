"""Wilson and Newcombe intervals against statsmodels and Newcombe's (1998) worked examples."""

import math

import pytest
from statsmodels.stats.proportion import proportion_confint

from survey.analysis.proportions import mean_interval, newcombe_difference, wilson_interval


@pytest.mark.parametrize("count,n", [(0, 1), (1, 1), (0, 16), (3, 16), (8, 16), (16, 16), (81, 263),
                                     (15, 148), (0, 20), (1, 29), (29, 51), (62, 63)])
def test_wilson_matches_statsmodels(count, n):
    low, high = proportion_confint(count, n, alpha=0.05, method="wilson")
    assert wilson_interval(count, n) == pytest.approx((low, high), abs=1e-12)


def test_wilson_other_confidence_matches_statsmodels():
    low, high = proportion_confint(7, 20, alpha=0.10, method="wilson")
    assert wilson_interval(7, 20, confidence=0.90) == pytest.approx((low, high), abs=1e-12)


# Newcombe RG (1998). Two-sided confidence intervals for the single proportion:
# comparison of seven methods. Statistics in Medicine 17:857-872, Table I,
# method 3 (Wilson score without continuity correction), to four decimals.
@pytest.mark.parametrize("count,n,low,high", [
    (81, 263, 0.2553, 0.3662),
    (15, 148, 0.0624, 0.1605),
    (0, 20, 0.0, 0.1611),
    (1, 29, 0.0061, 0.1718),
])
def test_wilson_newcombe_1998_table(count, n, low, high):
    got = wilson_interval(count, n)
    assert got == pytest.approx((low, high), abs=5e-5)


# Newcombe RG (1998). Interval estimation for the difference between independent
# proportions: comparison of eleven methods. Statistics in Medicine 17:873-890,
# Table II, method 10 (score interval, no continuity correction), to four decimals.
@pytest.mark.parametrize("a,m,b,n,low,high", [
    (56, 70, 48, 80, 0.0524, 0.3339),
    (9, 10, 3, 10, 0.1705, 0.8090),
    (6, 7, 2, 7, 0.0582, 0.8062),
    (5, 56, 0, 29, -0.0381, 0.1926),
    (0, 10, 0, 20, -0.1611, 0.2775),
    (0, 10, 0, 10, -0.2775, 0.2775),
    (10, 10, 0, 20, 0.6791, 1.0),
    (10, 10, 0, 10, 0.6075, 1.0),
])
def test_newcombe_difference_published_examples(a, m, b, n, low, high):
    d, lo, hi = newcombe_difference(a, m, b, n)
    assert d == pytest.approx(a / m - b / n)
    assert (lo, hi) == pytest.approx((low, high), abs=5e-5)


def test_empty_denominators_give_nan():
    assert all(math.isnan(v) for v in wilson_interval(0, 0))
    assert all(math.isnan(v) for v in newcombe_difference(1, 2, 0, 0))


def test_bad_counts_are_rejected():
    with pytest.raises(ValueError):
        wilson_interval(5, 3)


def test_mean_interval_matches_statsmodels():
    from statsmodels.stats.weightstats import DescrStatsW

    values = [1, 3, 4, 4, 7, 10]
    assert mean_interval(values) == pytest.approx(DescrStatsW(values).tconfint_mean(), abs=1e-12)


@pytest.mark.parametrize("a,m,b,n", [(56, 70, 48, 80), (6, 7, 2, 7), (5, 56, 0, 29), (28, 63, 50, 71),
                                     (3, 16, 9, 19), (0, 10, 0, 20), (10, 10, 0, 20)])
def test_newcombe_difference_matches_statsmodels(a, m, b, n):
    from statsmodels.stats.proportion import confint_proportions_2indep

    low, high = confint_proportions_2indep(a, m, b, n, method="newcomb", compare="diff")
    _, lo, hi = newcombe_difference(a, m, b, n)
    assert (lo, hi) == pytest.approx((low, high), abs=1e-9)
