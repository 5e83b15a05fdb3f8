"""Significance tests and effect sizes, chosen to fit the data; scipy and statsmodels compute them.

* Group x category tables: Pearson's chi-square (no Yates correction) only when the
  expected counts allow it (Cochran's rule: every expected count >= 1 and at most
  20 % of them below 5); otherwise Fisher's exact test (``scipy.stats.fisher_exact``)
  for a 2x2 table, and for larger tables Fisher's test with a seeded
  ``scipy.stats.MonteCarloMethod`` (9 999 tables drawn with the observed margins).
  The effect size is Cramér's V from the uncorrected chi-square statistic.
* Ordinal or numeric values by group: Mann-Whitney U (two groups, two-sided) or
  Kruskal-Wallis H (three or more groups). When a group has fewer than
  :data:`ASYMPTOTIC_MIN` values the p-value comes from the permutation distribution,
  as ``scipy.stats.mannwhitneyu(method=PermutationMethod(...))`` and
  ``scipy.stats.permutation_test`` (Kruskal-Wallis) compute it: exact, over every
  arrangement, when there are at most :data:`RESAMPLES` of them, otherwise
  :data:`RESAMPLES` random arrangements drawn with a fixed seed, so a rerun gives
  the same p. :func:`permutation_p` makes the arrangements in one numpy call instead
  of scipy's one call per arrangement: the same arrangements, the same p to the last
  bit (``tests/test_analysis_significance.py`` compares them with scipy's). Larger
  groups use the normal / chi-square approximation with its tie correction.
  ``method`` in the returned dict says which (``asymptotic``, ``exact``,
  ``monte_carlo``).
* Several tests of one family: Benjamini-Hochberg adjusted p-values
  (``statsmodels.stats.multitest.multipletests(method="fdr_bh")``).

Every function returns a plain dict (JSON-ready) with ``name``, ``statistic``,
``df``, ``p`` and a ``reason`` when no p-value could be given.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Iterator

import numpy as np
from scipy import stats
from statsmodels.stats.multitest import multipletests

RESAMPLES = 9999
SEED = 20240501
MONTE_CARLO_RESAMPLES = RESAMPLES  # kept for callers of the old name
MONTE_CARLO_SEED = SEED
ASYMPTOTIC_MIN = 20  # a group smaller than this gets a permutation p-value
DEFAULT_ALPHA = 0.05
FAMILIES = ("dataset", "question")
DEFAULT_FAMILY = "dataset"
TEST_KEYS = ("chi2", "fisher", "fisher_monte_carlo", "mann_whitney", "kruskal")  # catalogue: test_<key>


@dataclass(frozen=True)
class Statistics:
    """The project's testing rules: significance level and the family adjusted together.

    ``family``: ``"dataset"`` (every test of one dataset in one wave -- its group
    comparisons and its changes since the previous wave -- is adjusted together) or
    ``"question"`` (the tests of one result only).
    """

    alpha: float = DEFAULT_ALPHA
    family: str = DEFAULT_FAMILY

    def __post_init__(self):
        if not 0 < float(self.alpha) < 1:
            raise ValueError(f"statistics.alpha must lie strictly between 0 and 1, got {self.alpha}")
        if self.family not in FAMILIES:
            raise ValueError(f"statistics.family must be one of {', '.join(FAMILIES)}, got {self.family!r}")


def statistics_of(project=None) -> Statistics:
    """``project.statistics`` (survey.yml ``statistics: {alpha, family}``) as :class:`Statistics`; defaults when absent."""
    if isinstance(project, Statistics):
        return project
    block = getattr(project, "statistics", None) if project is not None else None
    if block is None:
        return Statistics()
    if isinstance(block, dict):
        get = block.get
    else:
        def get(key, default=None):
            return getattr(block, key, default)
    alpha = get("alpha", None)
    family = get("family", None)
    return Statistics(alpha=DEFAULT_ALPHA if alpha is None else float(alpha),
                      family=DEFAULT_FAMILY if family is None else str(getattr(family, "value", family)))


def _no_test(reason: str, name: str | None = None) -> dict:
    return {"name": name, "statistic": None, "df": None, "p": None, "reason": reason}


def _scalar(value) -> float:
    """A plain float from scipy's result (a 0-d or one-element array in some methods)."""
    return float(np.asarray(value, dtype=float).reshape(-1)[0])


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
    """Cramér's V of a contingency table (``scipy.stats.contingency.association``); ``nan`` if undefined."""
    table = drop_empty(table)
    if table.ndim != 2 or min(table.shape) < 2:
        return math.nan
    return float(stats.contingency.association(table, method="cramer", correction=False))


def independence_test(table, *, seed: int = SEED) -> dict:
    """Test a group x category count table; pick chi-square, Fisher or Monte Carlo Fisher.

    Returns ``{name, statistic, df, p, reason, expected_ok, cramers_v, n}`` (and
    ``resamples``, ``seed`` for the Monte Carlo test).
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
        out = {"name": "chi2", "statistic": _scalar(res.statistic), "df": int(res.dof), "p": _scalar(res.pvalue),
               "reason": None, "method": "asymptotic"}
    elif table.shape == (2, 2):
        res = stats.fisher_exact(table)
        out = {"name": "fisher", "statistic": _scalar(res.statistic), "df": None, "p": _scalar(res.pvalue),
               "reason": "expected counts too small for chi-square", "method": "exact"}
    else:
        method = stats.MonteCarloMethod(n_resamples=RESAMPLES, rng=np.random.default_rng(seed))
        res = stats.fisher_exact(table, method=method)
        out = {"name": "fisher_monte_carlo", "statistic": _scalar(res.statistic), "df": None,
               "p": _scalar(res.pvalue), "reason": "expected counts too small for chi-square",
               "method": "monte_carlo", "resamples": RESAMPLES, "seed": seed}
    out.update(expected_ok=ok, cramers_v=v, n=int(table.sum()))
    return out


def arrangements(sizes) -> int:
    """How many distinct ways the pooled values can be split into groups of ``sizes`` (a multinomial)."""
    total, out = 0, 1
    for size in sizes:
        total += int(size)
        out *= math.comb(total, int(size))
    return out


def _permutation_kind(sizes) -> str:
    """``"asymptotic"`` for large groups, else ``"exact"`` (at most :data:`RESAMPLES` arrangements)
    or ``"monte_carlo"``."""
    if min(sizes) >= ASYMPTOTIC_MIN:
        return "asymptotic"
    return "exact" if arrangements(sizes) <= RESAMPLES else "monte_carlo"


def _splits(pool: tuple, sizes) -> Iterator[tuple]:
    """Every split of ``pool`` into consecutive groups of ``sizes`` (each group in ``pool``'s order), concatenated."""
    if len(sizes) == 1:
        yield pool
        return
    for chosen in itertools.combinations(pool, sizes[0]):
        taken = set(chosen)
        for rest in _splits(tuple(i for i in pool if i not in taken), sizes[1:]):
            yield chosen + rest


def arrangement_indices(sizes, rng: np.random.Generator) -> tuple[np.ndarray, bool]:
    """``(indices, exact)``: rows of indices into the pooled values, one row per arrangement into groups of ``sizes``.

    Exact: every split (at most :data:`RESAMPLES`; the order within a group does not
    change a rank-sum statistic). Otherwise :data:`RESAMPLES` random permutations: the
    stream ``scipy.stats.permutation_test`` draws with one ``rng.permutation(n)`` per
    resample, drawn by one ``rng.permuted`` of a tiled index (numpy shuffles each row in
    turn with the same algorithm).
    """
    n = int(sum(sizes))
    if arrangements(sizes) <= RESAMPLES:
        return np.array(list(_splits(tuple(range(n)), [int(x) for x in sizes])), dtype=np.intp), True
    return rng.permuted(np.tile(np.arange(n), (RESAMPLES, 1)), axis=1), False


def permutation_p(samples, statistic, alternative: str, seed: int) -> float:
    """The p-value of ``scipy.stats.permutation_test(samples, statistic, permutation_type="independent",
    vectorized=True, n_resamples=RESAMPLES, rng=np.random.default_rng(seed), alternative=alternative)``.

    Its null distribution over :func:`arrangement_indices` and its comparison: values within
    ``100 * eps * |observed|`` of the observed statistic count as equal; a Monte-Carlo p adds the
    observed arrangement to both counts (``(k + 1) / (RESAMPLES + 1)``); two-sided is twice
    the smaller one-sided p, at most 1.
    """
    samples = [np.asarray(x, dtype=float) for x in samples]
    sizes = [x.size for x in samples]
    indices, exact = arrangement_indices(sizes, np.random.default_rng(seed))
    arranged = np.concatenate(samples)[indices]
    bounds = np.cumsum([0, *sizes])
    null = statistic(*[arranged[:, a:b] for a, b in zip(bounds[:-1], bounds[1:])], axis=-1)
    observed = statistic(*samples, axis=-1)
    gamma = abs(np.finfo(float).eps * 100 * observed)
    adjustment = 0 if exact else 1
    count = len(indices) + adjustment
    greater = (np.count_nonzero(null >= observed - gamma) + adjustment) / count
    less = (np.count_nonzero(null <= observed + gamma) + adjustment) / count
    p = {"greater": greater, "less": less, "two-sided": min(greater, less) * 2}[alternative]
    return float(min(max(p, 0.0), 1.0))


def _mann_whitney_u1(x, y, axis=-1):
    """U of the first group, as ``scipy.stats.mannwhitneyu`` computes it (ranks with ties averaged)."""
    return stats.mannwhitneyu(x, y, alternative="two-sided", axis=axis, method="asymptotic").statistic


def _rank_sums(*parts, axis=-1):
    """sum(R_i^2 / n_i) over the groups: ranks Kruskal-Wallis' H the same way, a and b of H = a * this - b fixed."""
    return sum(np.sum(s, axis=axis) ** 2 / s.shape[axis] for s in parts)


def ordinal_test(groups, *, seed: int = SEED) -> dict:
    """Mann-Whitney U (two groups) or Kruskal-Wallis H (more) on ordinal/numeric values.

    ``groups`` is a sequence of value arrays (missing values already removed). Small
    groups get a permutation p-value (see the module docstring); ``method`` says which.
    """
    groups = [np.asarray(g, dtype=float) for g in groups]
    groups = [g for g in groups if g.size > 0]
    if len(groups) < 2:
        return _no_test("fewer than two groups have answers")
    pooled = np.concatenate(groups)
    if np.unique(pooled).size < 2:
        return _no_test("every answer is the same, so there is nothing to test")
    sizes = [int(g.size) for g in groups]
    kind = _permutation_kind(sizes)
    extra = {"method": kind}
    if kind != "asymptotic":
        extra.update(resamples=RESAMPLES, seed=seed)
    if len(groups) == 2:
        res = stats.mannwhitneyu(groups[0], groups[1], alternative="two-sided", method="asymptotic")
        p = _scalar(res.pvalue) if kind == "asymptotic" else permutation_p(groups, _mann_whitney_u1, "two-sided", seed)
        n1, n2 = sizes
        # Rank-biserial correlation: P(X>Y) - P(X<Y), from U of the first group.
        rank_biserial = float(2 * _scalar(res.statistic) / (n1 * n2) - 1)
        return {"name": "mann_whitney", "statistic": _scalar(res.statistic), "df": None, "p": p,
                "reason": None, "rank_biserial": rank_biserial, **extra}
    res = stats.kruskal(*groups)
    h, p = _scalar(res.statistic), _scalar(res.pvalue)
    if kind != "asymptotic":
        # The permutation distribution of H: pooled ranks re-split into groups of the same sizes.
        # H = a * sum(R_i^2 / n_i) - b with a > 0 and a tie correction that no arrangement changes,
        # so ranking arrangements by the rank-sum statistic ranks them by H.
        ranks = stats.rankdata(pooled)
        bounds = np.cumsum([0, *sizes])
        p = permutation_p([ranks[bounds[i]: bounds[i + 1]] for i in range(len(sizes))], _rank_sums, "greater", seed)
    n = pooled.size
    # Epsilon-squared effect size for Kruskal-Wallis: H / (n - 1).
    return {"name": "kruskal", "statistic": h, "df": len(groups) - 1, "p": p, "reason": None,
            "epsilon_squared": float(h / (n - 1)), **extra}


def adjust_bh(pvalues) -> list[float | None]:
    """Benjamini-Hochberg adjusted p-values (statsmodels ``fdr_bh``); ``None``/``nan`` stay ``None``, uncounted."""
    values = [None if p is None or (isinstance(p, float) and math.isnan(p)) else float(p) for p in pvalues]
    idx = [i for i, p in enumerate(values) if p is not None]
    out: list[float | None] = [None] * len(values)
    if not idx:
        return out
    adjusted = multipletests([values[i] for i in idx], method="fdr_bh")[1]
    for i, p in zip(idx, adjusted):
        out[i] = float(p)
    return out
