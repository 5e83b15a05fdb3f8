"""Result tables as text: which column is a label, a share, a count or a p-value, its heading, its cells.

:func:`data_table` is the chart's data as a table of formatted text (the report's and the
workbook's tables, the notebook's view): a kind's own layout (``Kind.data_table``) or the
generic one, in which a kind's module may re-type a column (``Kind.column_kind``) or
re-head it (``Kind.header_key``).
"""

from __future__ import annotations

import math

import pandas as pd

from survey import catalogue
from survey.catalogue import fmt
from survey.kinds import words
from survey.kinds.drawing import as_float
from survey.kinds.registry import kind_of


LABEL_COLUMNS = ("item", "group", "code", "theme", "source", "parent", "code_a", "code_b")

PERCENT_COLUMNS = {"pct", "ci_low", "ci_high", "pct_selections", "pct_scale", "agree_pct", "agree_ci_low",
                   "agree_ci_high", "pct_before", "pct_now"}

POINTS_COLUMNS = {"diff", "diff_low", "diff_high"}

INT_COLUMNS = {"count", "n", "n_group", "n_scale", "n_dont_know", "n_user_missing", "n_skipped", "agree_count",
               "interviews", "interviews_all", "segments", "n_a", "n_b", "both", "either", "count_before", "count_now",
               "n_before", "n_now"}

NUMBER_COLUMNS = {"mean", "median", "sd", "q1", "q3", "min", "max", "mean_ci_low", "mean_ci_high", "jaccard",
                  "mean_before", "median_before", "mean_now", "median_now"}

P_COLUMNS = {"p", "p_adjusted"}

HIDDEN_COLUMNS = {"suppressed", "dont_know", "dataset", "question", "level", "attribution_sv", "attribution_en",
                  "attribution_fi", "comparable"}


def column_kind(result, column: str) -> str:
    """How a result-table column is shown: label, percent, points, int, number, p, text or hidden."""
    if column in HIDDEN_COLUMNS or str(column).startswith("_"):
        return "hidden"
    if column in LABEL_COLUMNS:
        return "label"
    kind = kind_of(result)
    special = kind.column_kind(result, column) if kind is not None else None
    if special is not None:
        return special
    for kind, names in (("percent", PERCENT_COLUMNS), ("points", POINTS_COLUMNS), ("int", INT_COLUMNS),
                        ("number", NUMBER_COLUMNS), ("p", P_COLUMNS)):
        if column in names:
            return kind
    return "text"


def header_label(result, column: str, lang: str) -> str:
    """The column heading of a result-table column in ``lang``."""
    kind = kind_of(result)
    key = kind.header_key(result, column) if kind is not None else None
    if key is not None:
        return catalogue.text(key, lang)
    special = {"code": "col_option", "item": "col_item", "pct": "col_pct", "count": "col_count",
               "group": "col_group", "source": "col_source"}
    try:
        return catalogue.text(special.get(column, f"col_{column}"), lang)
    except KeyError:
        return str(column)


def format_value(result, column: str, value, lang: str) -> str:
    """One cell as text, formatted by the locale (labels for codes)."""
    kind = column_kind(result, column)
    if kind == "label":
        return words.value_label(result, column, value, lang)
    if kind == "percent":
        return fmt.format_percent(value, lang)
    if kind == "points":
        return fmt.format_points(value, lang)
    if kind == "int":
        return fmt.format_count(value, lang)
    if kind == "number":
        return fmt.format_number(value, lang, 2 if column == "jaccard" else 1)
    if kind == "p":
        return words.format_p(as_float(value), lang)
    if column == "test" and isinstance(value, str):
        return words.test_name(value, lang)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return str(value)


def generic_table(result, lang: str) -> pd.DataFrame:
    table = result.table
    columns = [c for c in table.columns if column_kind(result, c) != "hidden"]
    suppressed = (table["suppressed"].fillna(False).astype(bool) if "suppressed" in table.columns
                  else pd.Series(False, index=table.index))
    marker = catalogue.text("suppressed", lang)
    out = {}
    for column in columns:
        kind = column_kind(result, column)
        values = []
        for value, hidden in zip(table[column], suppressed):
            missing = value is None or (not isinstance(value, str) and pd.isna(value))
            if hidden and kind not in ("label", "text") and missing:
                values.append(marker)
            else:
                values.append(format_value(result, column, value, lang))
        out[header_label(result, column, lang)] = values
    return pd.DataFrame(out)


def data_table(result, lang: str = "fi") -> pd.DataFrame:
    """The chart's data as a table of formatted text (labels, counts, shares, intervals)."""
    kind = kind_of(result)
    layout = kind.data_table if kind is not None and kind.data_table is not None else generic_table
    return layout(result, lang)
