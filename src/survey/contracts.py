"""The result tables' contract: for each result kind, its columns and their dtypes, as pandera schemas.

``RESULT_COLUMNS[kind]`` maps each column of a :class:`~survey.model.Result` table of that
kind to its dtype: a pandas dtype name, or ``"number"`` where analysis gives an int64 or a
float64 column depending on whether a value is hidden (a hidden count is NaN);
``"code"`` is an answer code (a string or an integer, as the instrument declares it).
Columns marked optional (``?``) appear only in some results of the kind. :func:`check_table`
validates a result's table against its kind's schema (every problem at once).
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from survey.errors import SurveyError
from survey.model import Result, ResultKind

_SHARE = {"pct": "float64", "ci_low": "float64", "ci_high": "float64"}

RESULT_COLUMNS: dict[ResultKind, dict[str, str]] = {
    ResultKind.SINGLE: {"code": "code", "count": "number", **_SHARE, "suppressed": "bool"},
    ResultKind.MULTI: {"code": "code", "count": "number", **_SHARE, "pct_selections": "float64",
                       "suppressed": "bool"},
    ResultKind.NUMERIC: {"n": "int64", "mean": "float64", "ci_low": "float64", "ci_high": "float64",
                         "sd": "float64", "median": "float64", "q1": "float64", "q3": "float64", "min": "float64",
                         "max": "float64", "suppressed": "bool"},
    ResultKind.LIKERT: {"item": "str", "code": "code", "count": "number", "pct": "float64", "pct_scale": "float64",
                        "ci_low": "float64", "ci_high": "float64", "dont_know": "bool", "agree": "bool",
                        "suppressed": "bool"},
    ResultKind.LIKERT_SUMMARY: {"item": "str", "n": "number", "n_scale": "number", "n_dont_know": "number",
                                "n_user_missing": "number", "n_skipped": "number", "agree_count": "number",
                                "agree_pct": "float64", "agree_ci_low": "float64", "agree_ci_high": "float64",
                                "mean": "float64", "mean_ci_low": "float64", "mean_ci_high": "float64",
                                "median": "float64", "suppressed": "bool"},
    ResultKind.BREAKDOWN: {"item": "code", "group": "code", "code": "code", "count": "number", "n_group": "number",
                           **_SHARE, "suppressed": "bool"},
    ResultKind.INTERVIEW_CODES: {"code": "str", "level": "str", "parent": "str", "interviews": "int64",
                                 "pct": "float64", "segments": "int64"},
    ResultKind.INTERVIEW_CODES_BY: {"group": "str", "code": "str", "level": "str", "parent": "str",
                                    "interviews": "Int64", "n_group": "Int64", "pct": "Float64",
                                    "interviews_all": "Int64", "suppressed": "bool"},
    ResultKind.INTERVIEW_COOCCURRENCE: {"code_a": "str", "code_b": "str", "n_a": "int64", "n_b": "int64",
                                        "both": "int64", "either": "int64", "jaccard": "float64"},
    ResultKind.INTERVIEW_QUOTES: {"quote_id": "str", "code": "str", "parent": "str", "interview": "str",
                                  "number": "str", "division": "code", "attribution_fi": "str",
                                  "attribution_sv": "str", "attribution_en": "str", "text": "str", "chars": "int64",
                                  "cleared": "bool"},
    ResultKind.TRIANGULATION: {"theme": "str", "source": "str", "dataset": "str", "question": "str",
                               "count": "Int64", "n": "Int64", "pct": "Float64", "ci_low": "Float64",
                               "ci_high": "Float64"},
}


def _is_number(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


def _column(dtype: str) -> pa.Column:
    if dtype == "number":
        return pa.Column(checks=pa.Check(_is_number, name="int or float"), nullable=True)
    if dtype == "code":
        return pa.Column(nullable=True)
    return pa.Column(dtype, nullable=True)


def table_schema(kind: ResultKind) -> pa.DataFrameSchema | None:
    """The pandera schema of a kind's table (``None`` for a kind without a declared contract)."""
    columns = RESULT_COLUMNS.get(kind)
    if columns is None:
        return None
    return pa.DataFrameSchema({name: _column(dtype) for name, dtype in columns.items()}, strict=False,
                              name=str(kind))


def check_table(result: Result) -> None:
    """Raise :class:`SurveyError` naming every column of ``result.table`` that breaks its kind's contract."""
    schema = table_schema(result.kind)
    if schema is None or result.table.empty:
        return
    try:
        schema.validate(result.table, lazy=True)
    except SchemaErrors as errors:
        cases = errors.failure_cases
        found = "; ".join(f"{c}: {f}" for c, f in zip(cases["column"], cases["failure_case"]))
        raise SurveyError(f"result '{result.id}' ({result.kind}) breaks its table contract: {found}") from None
