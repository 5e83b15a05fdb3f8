"""Helpers shared by the analysis modules: code matching, labels, column checks."""

from __future__ import annotations

import copy
import math
from typing import Any

import numpy as np
import pandas as pd

from survey.catalogue import LANGUAGES
from survey.errors import InputError


def code_key(value: Any) -> str:
    """A comparable key for a code: ``1``, ``1.0``, ``"1"`` and ``np.int64(1)`` all give ``"1"``."""
    if isinstance(value, bool):
        return str(value)
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def is_missing(value: Any) -> bool:
    """True for ``None``, ``NaN`` and ``pd.NA``."""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def factorize_keys(values: pd.Series) -> tuple[np.ndarray, list]:
    """Code keys of a column, computed once per distinct value: ``(index, keys)``.

    ``index[i]`` is row ``i``'s position in ``keys`` (``-1`` where the value is
    missing); ``keys[j]`` is :func:`code_key` of the ``j``-th distinct value (two
    distinct values may share a key, e.g. ``"1"`` and ``" 1"``). Object columns
    (mixed types, where ``1``, ``1.0`` and ``True`` could hash alike) are keyed cell
    by cell first, so every column gets exactly the keys the cells give.
    """
    if values.dtype == object:
        keys = [None if is_missing(v) else code_key(v) for v in values]
        index, uniques = pd.factorize(np.array(keys, dtype=object), use_na_sentinel=True)
        return np.asarray(index, dtype=np.int64), list(uniques)
    index, uniques = pd.factorize(values, use_na_sentinel=True)
    return np.asarray(index, dtype=np.int64), [code_key(u) for u in uniques]


def first_cell(values: pd.Series, index: np.ndarray, j: int):
    """The first cell whose distinct-value position is ``j``, as iterating the column gives it."""
    row = int(np.argmax(index == j))
    return next(iter(values.iloc[row: row + 1]))


def lookup(index: np.ndarray, per_key, missing=False, dtype=bool) -> np.ndarray:
    """``per_key[index[i]]`` for every row, ``missing`` where ``index`` is ``-1``."""
    table = np.empty(len(per_key) + 1, dtype=dtype)
    for i, value in enumerate(per_key):
        table[i] = value
    table[-1] = missing
    return table[index]


def require_columns(frame: pd.DataFrame, columns, question) -> None:
    """Raise an :class:`InputError` naming the columns a question needs but the frame lacks."""
    absent = [c for c in columns if c not in frame.columns]
    if absent:
        raise InputError(
            f"question '{question.id}' needs column(s) {', '.join(absent)} which the data does not have",
            hint="Was the frame normalised with this dataset's instrument?")


def require_type(question, *types: str) -> None:
    if question.type not in types:
        raise InputError(f"question '{question.id}' is of type '{question.type}', "
                         f"expected {' or '.join(types)}")


def option_labels(question, codes=None) -> dict:
    """``{lang: {code: label}}`` for the instrument's options (and any extra codes)."""
    labels = {}
    for lang in LANGUAGES:
        labels[lang] = {o.code: o.label(lang) for o in question.options}
        for code in codes or ():
            labels[lang].setdefault(code, str(code))
    return labels


def question_title(question) -> dict:
    return {lang: question.label(lang) for lang in LANGUAGES}


def result_id(dataset: str, question, suffix: str = "") -> str:
    return f"{dataset}-{question.slug}" + (f"-{suffix}" if suffix else "")


def missing_codes(question) -> list:
    """User-missing codes declared on the instrument question (``extra.missing``)."""
    raw = question.missing
    if not isinstance(raw, (list, tuple)):
        raw = [raw]
    return list(raw)


def as_float(value: Any) -> float:
    """A plain float (``nan`` for missing) for table cells."""
    if is_missing(value):
        return math.nan
    return float(value)


_ATOMS = (str, int, float, bool, type(None))


def copy_tree(value):
    """A deep copy of a JSON-like test dict (dicts, lists, tuples of plain values); anything else is deep-copied."""
    if isinstance(value, _ATOMS):
        return value
    if type(value) is dict:
        return {k: copy_tree(v) for k, v in value.items()}
    if type(value) is list:
        return [copy_tree(v) for v in value]
    if type(value) is tuple:
        return tuple(copy_tree(v) for v in value)

    return copy.deepcopy(value)
