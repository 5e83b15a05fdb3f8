"""The vectorised analysis paths give exactly what the cell-by-cell definitions give."""

import json
import math

import numpy as np
import pandas as pd
from scipy.stats import t

from survey.analysis import analyse_breakdown, analyse_likert, mean_interval, summarise_likert
from survey.analysis._common import code_key, factorize_keys, is_missing
from survey.analysis.likert import split_item

from test_analysis_breakdown import Q


def _reference_mean_interval(values, confidence=0.95):
    values = [float(v) for v in values]
    n = len(values)
    if n < 2:
        return (math.nan, math.nan)
    mean = sum(values) / n
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1))
    half = float(t.ppf(0.5 + confidence / 2, n - 1)) * sd / math.sqrt(n)
    return (mean - half, mean + half)


def test_mean_interval_is_bit_identical_to_the_python_sums():
    rng = np.random.default_rng(7)
    for arr in (rng.integers(1, 6, 5000).astype(float), rng.normal(50, 13, 5000), rng.lognormal(3, 2, 3000),
                np.round(rng.normal(3, 1, 999), 2), np.array([0.1, 0.2, 0.3]), np.array([1.0])):
        expected = _reference_mean_interval(arr.tolist())
        for got in (mean_interval(arr), mean_interval(arr.tolist())):
            assert np.array_equal(np.array(got), np.array(expected), equal_nan=True)


def test_factorized_keys_match_code_key_per_cell():
    columns = [pd.Series([1, 2, None, 2, 99], dtype="Int64"), pd.Series([1.0, np.nan, 2.5, 1.0]),
               pd.Series(["a", " a", None, "b"], dtype="string"), pd.Series([1, "1", 1.0, True, None], dtype=object),
               pd.Series([True, False, None], dtype="boolean")]
    for column in columns:
        index, keys = factorize_keys(column)
        got = [None if i < 0 else keys[i] for i in index]
        assert got == [None if is_missing(v) else code_key(v) for v in column]


def test_split_item_counts_match_the_cells():
    values = pd.Series([1, 2, 9, 99, None, 5, 5, 7, 4], dtype="Int64")
    parts = split_item(values, Q["item"])
    assert parts["is_scale"].tolist() == [True, True, False, False, False, True, True, False, True]
    assert parts["is_dk"].tolist() == [v == 9 for v in [1, 2, 9, 99, 0, 5, 5, 7, 4]]
    assert parts["is_missing"].sum() == 1 and parts["skipped"].sum() == 1 and parts["other"].sum() == 1
    assert parts["scale_values"].tolist() == [1.0, 2.0, 5.0, 5.0, 4.0]
    assert parts["key_counts"] == {"1": 1, "2": 1, "9": 1, "99": 1, "5": 2, "7": 1, "4": 1}


def _frame(n=400, seed=3):
    rng = np.random.default_rng(seed)
    item = pd.array(rng.choice([1, 2, 3, 4, 5, 9, 99], n).tolist(), dtype="Int64")
    item[rng.random(n) < 0.1] = pd.NA
    return pd.DataFrame({"kind": rng.choice(["a", "b", "c"], n), "item": item})


def _same(a, b):
    assert json.dumps(a.to_dict(), sort_keys=True, default=str) == json.dumps(b.to_dict(), sort_keys=True,
                                                                                default=str)
    assert a.table.equals(b.table)


def test_cache_gives_the_same_results():
    frame = _frame()
    cache: dict = {}
    for func in (analyse_likert, summarise_likert):
        _same(func(frame, [Q["item"]], dataset="d", cache=cache), func(frame, [Q["item"]], dataset="d"))
    for _ in range(2):
        _same(analyse_breakdown(frame, Q["item"], Q["kind"], dataset="d", cache=cache),
              analyse_breakdown(frame, Q["item"], Q["kind"], dataset="d"))
    other = _frame(seed=4)  # another frame: the cache starts afresh
    _same(analyse_breakdown(other, Q["item"], Q["kind"], dataset="d", cache=cache),
          analyse_breakdown(other, Q["item"], Q["kind"], dataset="d"))
