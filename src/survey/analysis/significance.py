"""Significance tests and effect sizes, chosen to fit the data.

* Group x category tables: Pearson's chi-square (no Yates correction) only when the
  expected counts allow it (Cochran's rule: every expected count >= 1 and at most
  20 % of them below 5); otherwise Fisher's exact test for a 2x2 table, and a Monte
  Carlo version of Fisher's test (``scipy.stats.fisher_exact`` with a seeded
  ``MonteCarloMethod``, 9 999 tables drawn with the observed margins) for larger
  tables. The effect size is Cramér's V from the uncorrected chi-square statistic.
* Ordinal or numeric values by group: Mann-Whitney U (two groups, two-sided) or
  Kruskal-Wallis H (three or more groups).
* Several tests of one chapter: Benjamini-Hochberg adjusted p-values.

Every function returns a plain dict (JSON-ready) with ``name``, ``statistic``,
``df``, ``p`` and a ``reason`` when no p-value could be given.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

MONTE_CARLO_RESAMPLES = 9999
MONTE_CARLO_SEED = 20240501

TEST_NAMES = {
    "chi2": {"fi": "khiin neliö -testi", "sv": "chi-två-test", "en": "chi-square test"},
    "fisher": {"fi": "Fisherin tarkka testi", "sv": "Fishers exakta test", "en": "Fisher's exact test"},
    "fisher_monte_carlo": {"fi": "Fisherin testi (Monte Carlo)", "sv": "Fishers test (Monte Carlo)",
                           "en": "Fisher's test (Monte Carlo)"},
    "mann_whitney": {"fi": "Mann-Whitneyn U-testi", "sv": "Mann-Whitneys U-test", "en": "Mann-Whitney U test"},
    "kruskal": {"fi": "Kruskal-Wallisin testi", "sv": "Kruskal-Wallis test", "en": "Kruskal-Wallis test"},
}


def _no_test(reason: str, name: str | None = None) -> dict:
    return {"name": name, "statistic": None, "df": None, "p": None, "reason": reason}


def expected_counts_ok(table) -> bool:
    """Cochran's rule: all expected counts >= 1 and no more than 20 % below 5."""
    table = np.asarray(table, dtype=float)
    expected = stats.contingency.expected_freq(table)
    return bool(expected.min() >= 1 and (expected < 5).mean() <= 0.2)


def drop_empty(table) -> np.ndarray:
    """The table without all-zero rows and columns (they carry no information)."""
    table = np.asarray(table, dtype=np.int64)
    table = table[table.sum(axis=1) > 0]
    return table[:, table.sum(axis=0) > 0] if table.size else table


def cramers_v(table) -> float:
    """Cramér's V of a contingency table (uncorrected chi-square); ``nan`` if undefined."""
    table = drop_empty(table)
    if table.ndim != 2 or min(table.shape) < 2:
        return math.nan
    chi2 = stats.chi2_contingency(table, correction=False).statistic
    return float(math.sqrt(chi2 / (table.sum() * (min(table.shape) - 1))))


def independence_test(table, *, seed: int = MONTE_CARLO_SEED) -> dict:
    """Test a group x category count table; pick chi-square, Fisher or Monte Carlo Fisher.

    Returns ``{name, statistic, df, p, reason, expected_ok, cramers_v, n}``.
    """
    table = drop_empty(table)
    if table.ndim != 2 or table.shape[0] < 2 or table.shape[1] < 2:
        out = _no_test("fewer than two groups or two answer categories have answers")
        out.update(expected_ok=None, cramers_v=None, n=int(table.sum()) if table.size else 0)
        return out
    ok = expected_counts_ok(table)
    v = cramers_v(table)
    if ok:
        res = stats.chi2_contingency(table, correction=False)
        out = {"name": "chi2", "statistic": float(res.statistic), "df": int(res.dof), "p": float(res.pvalue),
               "reason": None}
    elif table.shape == (2, 2):
        res = stats.fisher_exact(table)
        out = {"name": "fisher", "statistic": float(res.statistic), "df": None, "p": float(res.pvalue),
               "reason": "expected counts too small for chi-square"}
    else:
        method = stats.MonteCarloMethod(n_resamples=MONTE_CARLO_RESAMPLES, rng=np.random.default_rng(seed))
        res = stats.fisher_exact(table, method=method)
        out = {"name": "fisher_monte_carlo", "statistic": float(res.statistic), "df": None,
               "p": float(res.pvalue), "reason": "expected counts too small for chi-square",
               "resamples": MONTE_CARLO_RESAMPLES, "seed": seed}
    out.update(expected_ok=ok, cramers_v=v, n=int(table.sum()))
    return out


def ordinal_test(groups) -> dict:
    """Mann-Whitney U (two groups) or Kruskal-Wallis H (more) on ordinal/numeric values.

    ``groups`` is a sequence of value arrays (missing values already removed).
    """
    groups = [np.asarray(g, dtype=float) for g in groups]
    groups = [g for g in groups if g.size > 0]
    if len(groups) < 2:
        return _no_test("fewer than two groups have answers")
    pooled = np.concatenate(groups)
    if np.unique(pooled).size < 2:
        return _no_test("every answer is the same, so there is nothing to test")
    if len(groups) == 2:
        res = stats.mannwhitneyu(groups[0], groups[1], alternative="two-sided")
        n1, n2 = groups[0].size, groups[1].size
        # Rank-biserial correlation: P(X>Y) - P(X<Y), from U of the first group.
        rank_biserial = float(2 * res.statistic / (n1 * n2) - 1)
        return {"name": "mann_whitney", "statistic": float(res.statistic), "df": None, "p": float(res.pvalue),
                "reason": None, "rank_biserial": rank_biserial}
    res = _kruskal_counted(groups, pooled) or stats.kruskal(*groups)
    n = pooled.size
    # Epsilon-squared effect size for Kruskal-Wallis: H / (n - 1).
    return {"name": "kruskal", "statistic": float(res.statistic), "df": len(groups) - 1, "p": float(res.pvalue),
            "reason": None, "epsilon_squared": float(res.statistic / (n - 1))}


def _kruskal_counted(groups, pooled):
    """``scipy.stats.kruskal(*groups)`` for integer-valued answers (Likert codes) without sorting; else None.

    Ranks come from the counts of each value (average ranks of ties are exact
    half-integers, and so are the rank sums up to 200,000 values), and the
    statistic, tie correction and p-value are computed with scipy's own
    expressions and helpers, so the figures are the same bit for bit.
    """
    try:
        from scipy._lib._array_api import array_namespace
        from scipy.stats._stats_py import _get_pvalue, _SimpleChi2
    except ImportError:  # another scipy: use the public function
        return None
    totaln = int(pooled.size)
    if totaln > 200_000 or not np.isfinite(pooled).all():
        return None
    low, high = float(pooled.min()), float(pooled.max())
    if high - low > 100_000 or not (pooled == np.floor(pooled)).all():
        return None
    width = int(high - low) + 1
    counts = np.stack([np.bincount((g - low).astype(np.int64), minlength=width) for g in groups])
    totals = counts.sum(axis=0)
    present = totals > 0
    counts, cnt = counts[:, present], totals[present]
    starts = np.concatenate([[0], np.cumsum(cnt)[:-1]]).astype(np.int64)
    # scipy's _rankdata: ordinal rank of the first of the ties + (ties - 1) / 2.
    ranks = (starts + 1).astype(np.float64) + (cnt.astype(np.float64) - 1) / 2
    t = np.zeros(totaln, dtype=np.float64)  # tie counts laid out as _rankdata returns them
    t[starts] = cnt.astype(np.float64)
    xp = array_namespace(pooled)
    n = [int(g.size) for g in groups]
    ties = 1 - xp.sum(t**3 - t, axis=-1) / (totaln**3 - totaln)
    ssbn = sum(xp.sum(counts[i].astype(np.float64) * ranks, axis=-1)**2 / n[i] for i in range(len(groups)))
    h = 12.0 / (totaln * (totaln + 1)) * ssbn - 3 * (totaln + 1)
    df = xp.asarray(len(groups) - 1, dtype=h.dtype)
    h /= ties
    pvalue = _get_pvalue(h, _SimpleChi2(df), alternative="greater", symmetric=False, xp=np)
    return stats._stats_py.KruskalResult(h, pvalue)


def adjust_bh(pvalues) -> list[float | None]:
    """Benjamini-Hochberg adjusted p-values; ``None``/``nan`` entries stay ``None`` and are not counted."""
    values = [None if p is None or (isinstance(p, float) and math.isnan(p)) else float(p) for p in pvalues]
    idx = [i for i, p in enumerate(values) if p is not None]
    m = len(idx)
    out: list[float | None] = [None] * len(values)
    if not m:
        return out
    order = sorted(idx, key=lambda i: values[i])
    running = 1.0
    for rank in range(m, 0, -1):
        i = order[rank - 1]
        running = min(running, values[i] * m / rank)
        out[i] = min(1.0, running)
    return out
