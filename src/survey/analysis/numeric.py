"""Numeric questions: n, median, quartiles, mean with its interval.

Instrument fields read: ``extra["missing"]`` (user-missing codes such as ``-1`` or
``999``, counted apart from skips). Whole-sample results are not suppressed.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from survey.analysis._common import (code_key, factorize_keys, lookup, missing_codes, question_title, require_columns,
                                     require_type, result_id)
from survey.analysis.frequencies import WHOLE_SAMPLE_SUPPRESSION
from survey.analysis.proportions import mean_interval
from survey.model import Result

NUMERIC_COLUMNS = ["n", "mean", "ci_low", "ci_high", "sd", "median", "q1", "q3", "min", "max", "suppressed"]


def numeric_values(values: pd.Series, question) -> tuple[pd.Series, int, int]:
    """Valid numbers of a column, and the counts of user-missing codes and skips."""
    missing = {code_key(c) for c in missing_codes(question)}
    skipped = values.isna()
    numbers = pd.to_numeric(values, errors="coerce")
    index, keys = factorize_keys(values)
    user_missing = ~skipped & pd.Series(lookup(index, [k in missing for k in keys]), index=values.index)
    unreadable = ~skipped & ~user_missing & numbers.isna()
    valid = numbers[~skipped & ~user_missing & ~unreadable].astype(float)
    return valid, int(user_missing.sum()), int(skipped.sum() + unreadable.sum())


def describe_numbers(valid: pd.Series) -> dict:
    """``n, mean, ci_low, ci_high, sd, median, q1, q3, min, max`` of plain numbers.

    Quartiles use linear interpolation (numpy's default, type 7).
    """
    n = int(valid.size)
    arr = valid.to_numpy(dtype=float)
    low, high = mean_interval(arr)
    if not n:
        return {"n": 0, **{k: math.nan for k in NUMERIC_COLUMNS[1:-1]}}
    return {"n": n, "mean": float(arr.mean()), "ci_low": low, "ci_high": high,
            "sd": float(arr.std(ddof=1)) if n > 1 else math.nan, "median": float(np.median(arr)),
            "q1": float(np.percentile(arr, 25)), "q3": float(np.percentile(arr, 75)),
            "min": float(arr.min()), "max": float(arr.max())}


def analyse_numeric(frame: pd.DataFrame, question, *, dataset: str, wave: str = "",
                    synthetic: bool = False) -> Result:
    """Summary of one numeric question (``kind="numeric"``).

    Table, one row: ``n, mean, ci_low, ci_high, sd, median, q1, q3, min, max,
    suppressed`` (``ci_*``: t interval of the mean). ``n = {respondents, answering,
    user_missing, skipped}``.
    """
    require_type(question, "numeric")
    require_columns(frame, [question.id], question)
    valid, user_missing, skipped = numeric_values(frame[question.id], question)
    row = describe_numbers(valid)
    row["suppressed"] = False
    table = pd.DataFrame([row], columns=NUMERIC_COLUMNS)
    n = {"respondents": int(len(frame)), "answering": row["n"], "user_missing": user_missing, "skipped": skipped}
    return Result(id=result_id(dataset, question), kind="numeric", dataset=dataset, question=question.id,
                  title=question_title(question), table=table, n=n, labels={},
                  suppression=dict(WHOLE_SAMPLE_SUPPRESSION), wave=wave, synthetic=synthetic)
