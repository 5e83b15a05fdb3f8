"""Helpers shared by the analysis modules: code matching, labels, column checks."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from survey.config import LANGUAGES
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
    raw = question.extra.get("missing") or []
    if not isinstance(raw, (list, tuple)):
        raw = [raw]
    return list(raw)


def as_float(value: Any) -> float:
    """A plain float (``nan`` for missing) for table cells."""
    if is_missing(value):
        return math.nan
    return float(value)
