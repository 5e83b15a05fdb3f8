"""Intervals for proportions: Wilson score (one proportion) and Newcombe (a difference).

Both are statsmodels' implementations of Newcombe (1998), checked in the tests
against his published tables:

* Newcombe RG. Two-sided confidence intervals for the single proportion: comparison
  of seven methods. *Statistics in Medicine* 17:857-872 (method 3, the Wilson score
  interval without continuity correction);
* Newcombe RG. Interval estimation for the difference between independent
  proportions: comparison of eleven methods. *Statistics in Medicine* 17:873-890
  (method 10, the hybrid score interval built from the two Wilson intervals).

Proportions are fractions (0-1). A proportion with denominator 0 has no interval
(``nan``), never an error: the caller decides what to show.
"""

from __future__ import annotations

import math
import sys

import numpy as np
from scipy.stats import norm
from scipy.stats import t as student_t
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

Z95 = float(norm.ppf(0.975))  # 1.959963984540054


def z_value(confidence: float = 0.95) -> float:
    """The two-sided normal quantile for a confidence level (0.95 -> 1.96)."""
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must lie strictly between 0 and 1, got {confidence}")
    return Z95 if confidence == 0.95 else float(norm.ppf(0.5 + confidence / 2))


def wilson_interval(count: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for ``count`` successes out of ``n`` (Newcombe 1998, method 3).

    Computed by ``statsmodels.stats.proportion.proportion_confint(method="wilson")``.
    Returns ``(low, high)`` as fractions; ``(nan, nan)`` when ``n`` is 0.
    """
    count, n = int(count), int(n)
    if n < 0 or count < 0 or count > n:
        raise ValueError(f"a proportion needs 0 <= count <= n, got {count}/{n}")
    if n == 0:
        return (math.nan, math.nan)
    z_value(confidence)  # the same check of the level as everywhere
    low, high = proportion_confint(count, n, alpha=1 - confidence, method="wilson")
    low, high = float(low), float(high)
    # The bounds are exact at the edges; remove floating-point noise there.
    if count == 0:
        low = 0.0
    if count == n:
        high = 1.0
    return (max(0.0, low), min(1.0, high))


def newcombe_difference(count1: int, n1: int, count2: int, n2: int,
                        confidence: float = 0.95) -> tuple[float, float, float]:
    """Difference ``p1 - p2`` of two independent proportions and its Newcombe hybrid score interval.

    Newcombe (1998), method 10, computed by
    ``statsmodels.stats.proportion.confint_proportions_2indep(method="newcomb")``.
    Returns ``(difference, low, high)`` as fractions; all ``nan`` when either ``n`` is 0.
    """
    count1, n1, count2, n2 = int(count1), int(n1), int(count2), int(n2)
    if n1 == 0 or n2 == 0:
        return (math.nan, math.nan, math.nan)
    for count, n in ((count1, n1), (count2, n2)):
        if n < 0 or count < 0 or count > n:
            raise ValueError(f"a proportion needs 0 <= count <= n, got {count}/{n}")
    low, high = confint_proportions_2indep(count1, n1, count2, n2, method="newcomb", compare="diff",
                                           alpha=1 - confidence)
    d = count1 / n1 - count2 / n2
    return (d, max(-1.0, float(low)), min(1.0, float(high)))


def mean_interval(values, confidence: float = 0.95) -> tuple[float, float]:
    """Student-t interval of a mean; ``(nan, nan)`` with fewer than two values.

    The sums run left to right in double precision, exactly as Python's ``sum``
    over the floats would (``np.cumsum`` is sequential; each squared deviation is
    computed once per distinct value with Python's ``**``), so the figures do not
    depend on whether a list or an array is passed.
    """
    if isinstance(values, np.ndarray) and values.dtype.kind == "f":
        arr = values.astype(np.float64, copy=False).ravel()
    else:
        arr = np.array([float(v) for v in values], dtype=np.float64)
    n = int(arr.size)
    if n < 2:
        return (math.nan, math.nan)
    mean = _sequential_sum(arr) / n
    uniques, inverse = np.unique(arr, return_inverse=True)
    squares = np.array([(v - mean) ** 2 for v in uniques.tolist()], dtype=np.float64)
    sd = math.sqrt(_sequential_sum(squares[inverse.ravel()]) / (n - 1))
    half = float(student_t.ppf(0.5 + confidence / 2, n - 1)) * sd / math.sqrt(n)
    return (mean - half, mean + half)


def _sequential_sum(arr: np.ndarray) -> float:
    """``sum(arr.tolist())`` as Python 3.11 computes it (plain left-to-right double additions)."""
    if sys.version_info >= (3, 12):  # Python's sum of floats is compensated from 3.12 on
        return sum(arr.tolist())
    return float(np.cumsum(arr)[-1]) if arr.size else 0
