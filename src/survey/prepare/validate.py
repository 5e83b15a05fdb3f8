"""Validate the normal form with a pandera schema, then apply the wave's cleaning decisions.

``build_schema`` turns an instrument into a pandera ``DataFrameSchema`` (allowed codes,
booleans for multi-select options, unique respondent ids, numeric ranges).
``validate_frame`` runs it lazily, so every failure is collected, and returns them as
:class:`~survey.errors.Problem` located by the row the user sees in the source file.
``clean`` applies the decisions recorded in ``survey.yml`` (``cleaning:``) and returns
a typed copy plus the problems, with the handled ones marked ``severity="handled"``.
"""

from __future__ import annotations

import difflib
import numbers
from dataclasses import replace

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from survey.errors import Problem
from survey.project.instruments import Instrument

CLEANING_DEFAULTS = {"duplicates": "error", "invalid_values": "error"}


def _is_number(value: object) -> bool:
    return value is pd.NA or value is None or (isinstance(value, numbers.Number) and not isinstance(value, bool))


def _is_numeric_dtype(series: pd.Series) -> bool:
    """Integer or float storage (numpy or nullable): every non-missing cell is a number."""
    return series.dtype.kind in "iuf"


def _numbers(series: pd.Series) -> pd.Series:
    """Per cell: is it a number (vectorised for numeric columns, cell by cell otherwise)."""
    if _is_numeric_dtype(series):
        return pd.Series(True, index=series.index, dtype=bool)
    return series.map(_is_number)


def _in_range(value: object, lo, hi) -> bool:
    return not _is_number(value) or value is pd.NA or value is None or (
        (lo is None or value >= lo) and (hi is None or value <= hi))


def _within(series: pd.Series, lo, hi) -> pd.Series:
    """Per cell: not a number (reported by the number check) or within ``lo..hi``."""
    if _is_numeric_dtype(series) and not series.isna().any():
        inside = pd.Series(True, index=series.index, dtype=bool)
        if lo is not None:
            inside &= (series >= lo).to_numpy(dtype=bool)
        if hi is not None:
            inside &= (series <= hi).to_numpy(dtype=bool)
        return inside
    return series.map(lambda v: _in_range(v, lo, hi))


def _allowed_codes(q) -> list:
    return [o.code for o in q.options] + list(q.missing)


def build_schema(instrument: Instrument, columns: list[str], dtypes: dict | None = None) -> pa.DataFrameSchema:
    """The pandera schema of one dataset's normal form (only the columns present).

    ``dtypes`` (column -> dtype, optional) leaves out checks that cannot fail: a
    ``boolean`` option column holds only True/False/missing, so its 0/1 check is skipped.
    """
    dtypes = dtypes or {}
    spec: dict[str, pa.Column] = {
        "respondent_id": pa.Column(nullable=False, unique=True, checks=[
            pa.Check(lambda s: s.astype("string").str.len() > 0, element_wise=False, name="non-empty id")]),
        "source_row": pa.Column(nullable=False),
    }
    for q in instrument.questions:
        if q.type in ("single", "likert") and q.id in columns:
            spec[q.id] = pa.Column(nullable=True, checks=pa.Check.isin(_allowed_codes(q), name="known code"))
        elif q.type == "multi":
            for option in q.options:
                col = q.option_column(option.code)
                if col in columns:
                    flags_only = str(dtypes.get(col)) == "boolean"
                    spec[col] = pa.Column(nullable=True, checks=None if flags_only else pa.Check.isin(
                        [True, False], name="0/1 selection"))
            if q.answered_column in columns:
                spec[q.answered_column] = pa.Column(nullable=False)
            if f"{q.id}__text" in columns:
                spec[f"{q.id}__text"] = pa.Column(nullable=True, required=False)
        elif q.type == "numeric" and q.id in columns:
            checks = [pa.Check(_numbers, element_wise=False, name="a number")]
            low, high = q.min, q.max
            if low is not None or high is not None:
                checks.append(pa.Check(lambda s, lo=low, hi=high: _within(s, lo, hi), element_wise=False,
                                       name=f"within {low}..{high}"))
            spec[q.id] = pa.Column(nullable=True, checks=checks)
        elif q.id in columns:
            spec[q.id] = pa.Column(nullable=True)
    return pa.DataFrameSchema(spec, strict=True, name=instrument.dataset)


def normal_form_dtypes(instrument: Instrument, columns: list[str] | None = None) -> dict[str, str]:
    """Column -> pandas dtype of one dataset's normal form (one row per respondent), from its instrument.

    ``respondent_id`` string, ``source_row`` Int64; single choice and Likert Int64 when every
    code (options and missing codes) is a whole number, else string; numeric Float64; a multi-select's
    option columns boolean and its ``__answered`` column bool; open text (and a
    multi-select's ``__text``) string. ``columns`` limits it to the columns present.
    """
    out = {"respondent_id": "string", "source_row": "Int64"}
    for q in instrument.questions:
        if q.type in ("single", "likert"):
            codes = _allowed_codes(q)
            out[q.id] = "Int64" if all(isinstance(c, numbers.Integral) and not isinstance(c, bool)
                                       for c in codes) else "string"
        elif q.type == "numeric":
            out[q.id] = "Float64"
        elif q.type == "multi":
            out.update({q.option_column(o.code): "boolean" for o in q.options})
            out[q.answered_column] = "bool"
            out[f"{q.id}__text"] = "string"
        elif q.type == "text":
            out[q.id] = "string"
    if columns is not None:
        out = {c: d for c, d in out.items() if c in columns}
    return out


def normal_form_model(instrument: Instrument, columns: list[str] | None = None) -> pa.DataFrameSchema:
    """The pandera model of the prepared normal form: the dtypes of :func:`normal_form_dtypes`.

    :func:`build_schema` checks an export's values (and reports them as problems);
    this one is the contract the analysis reads: after cleaning, every column has its dtype.
    """
    def column(name: str, dtype: str) -> pa.Column:
        nullable = name not in ("respondent_id", "source_row") and dtype != "bool"
        if dtype == "string":  # any string storage (python or pyarrow) is the normal form's string
            return pa.Column(None, nullable=nullable, checks=pa.Check(
                lambda s: isinstance(s.dtype, pd.StringDtype), element_wise=False, name="dtype('string')"))
        return pa.Column(dtype, nullable=nullable)

    dtypes = normal_form_dtypes(instrument, columns)
    return pa.DataFrameSchema({c: column(c, d) for c, d in dtypes.items()}, strict=False,
                              name=f"{instrument.dataset} normal form")


def check_normal_form(frame: pd.DataFrame, instrument: Instrument) -> pd.DataFrame:
    """``frame`` when it meets :func:`normal_form_model` for its columns; raises ``SchemaErrors`` otherwise."""
    return normal_form_model(instrument, list(frame.columns)).validate(frame, lazy=True)


RULE_MESSAGES = {
    "known code": "value is not one of the instrument's options; map it under mapping: options: in survey.yml "
                  "or correct the export",
    "0/1 selection": "a multi-select option cell must be 1 (selected) or blank; correct the cell",
    "a number": "not a number",
    "field_uniqueness": "duplicated respondent id; remove the duplicate row or set cleaning: duplicates: keep-first",
    "non-empty id": "empty respondent id",
    "column_in_dataframe": "unexpected column",
}


def validate_frame(frame: pd.DataFrame, instrument: Instrument, *, file: str, headers: dict) -> list[Problem]:
    """Every schema failure of ``frame`` as a Problem (file, source row, source column, value, rule).

    An unknown answer label names the closest known option, so a reworded option is
    one mapping line away.
    """
    schema = build_schema(instrument, list(frame.columns), dict(frame.dtypes))
    problems: list[Problem] = []
    try:
        schema.validate(frame, lazy=True)
    except SchemaErrors as exc:
        problems = _problems_from(exc.failure_cases, frame, file=file, headers=headers)
        problems = [_with_closest_label(p, instrument, headers) for p in problems]
    return problems + choice_problems(frame, instrument, file=file, headers=headers)


def choice_problems(frame: pd.DataFrame, instrument: Instrument, *, file: str, headers: dict) -> list[Problem]:
    """Multi-select answers that break the question's ``exclusive`` or ``max_choices`` rule, one per row.

    An exclusive option ("Ei mitään näistä", "En osaa sanoa") chosen together with
    another, or more options than ``max_choices`` allows: the export's tool should have
    prevented it, so the answer is an invalid value (row, question, the options chosen);
    ``cleaning: invalid_values: missing`` sets the respondent's answer to that question
    to missing.
    """
    problems = []
    rows = frame["source_row"].tolist() if "source_row" in frame else list(range(len(frame)))
    for q in instrument.questions:
        if q.type != "multi" or not (q.exclusive or q.max_choices):
            continue
        unknown = sorted({str(c) for c in q.exclusive} - {str(o.code) for o in q.options})
        if unknown:
            problems.append(Problem(file=f"instruments/{instrument.dataset or '<dataset>'}.yml", rule="exclusive",
                                    column=q.id, value=", ".join(unknown),
                                    message=f"exclusive: names code {', '.join(unknown)}, which is not an option "
                                            f"of '{q.id}'; use one of its option codes"))
        present = [(o, q.option_column(o.code)) for o in q.options if q.option_column(o.code) in frame]
        if not present:
            continue
        chosen = pd.DataFrame({col: frame[col].map(lambda v: isinstance(v, (bool, np.bool_)) and bool(v))
                               for _, col in present}, index=frame.index).astype(bool)
        count = chosen.sum(axis=1).to_numpy()
        column = headers.get(q.answered_column, q.text.get("fi", q.id))
        exclusive = [(o, col) for o, col in present if str(o.code) in {str(c) for c in q.exclusive}]
        matrix = chosen.to_numpy()
        alone_any = chosen[[col for _, col in exclusive]].to_numpy().any(axis=1) if exclusive else \
            np.zeros(len(frame), dtype=bool)
        bad = (alone_any & (count > 1)) | ((count > q.max_choices) if q.max_choices else False)
        for i in np.flatnonzero(bad):
            picked = [o for j, (o, _) in enumerate(present) if matrix[i, j]]
            shown = ", ".join(o.label("fi") for o in picked)
            alone = [o for o in picked if any(o is e for e, _ in exclusive)]
            if alone and count[i] > 1:
                others = ", ".join(f"'{o.label('fi')}'" for o in picked if o not in alone[:1])
                problems.append(Problem(
                    file=file, rule="exclusive", row=int(rows[i]), column=column, value=shown,
                    message=f"'{alone[0].label('fi')}' excludes the other options of '{q.id}', but {others} "
                            "was chosen too; correct the export (or record cleaning: invalid_values: missing to "
                            "read this answer as missing)"))
            elif q.max_choices and count[i] > q.max_choices:
                problems.append(Problem(
                    file=file, rule="max-choices", row=int(rows[i]), column=column, value=shown,
                    message=f"{int(count[i])} options chosen, but '{q.id}' allows at most {q.max_choices}; correct "
                            "the export (or record cleaning: invalid_values: missing to read this answer as "
                            "missing)"))
    return problems


def _with_closest_label(problem: Problem, instrument: Instrument, headers: dict) -> Problem:
    if problem.rule != "known code" or problem.value is None:
        return problem
    reverse = {v: k for k, v in headers.items()}
    try:
        question = instrument.question(reverse.get(problem.column, problem.column))
    except KeyError:
        return problem
    labels = [o.label("fi") for o in question.options]
    match = difflib.get_close_matches(str(problem.value), labels, n=1, cutoff=0.3)
    if not match:
        return problem
    first, _, rest = problem.message.partition(";")
    message = f"{first} (the closest known option is '{match[0]}')" + (f";{rest}" if rest else "")
    return replace(problem, message=message)


def _problems_from(cases: pd.DataFrame, frame: pd.DataFrame, *, file: str, headers: dict) -> list[Problem]:
    problems = []
    rows = frame["source_row"].tolist() if "source_row" in frame else None
    for case in cases.to_dict(orient="records"):
        column = case.get("column")
        check = str(case.get("check"))
        index = case.get("index")
        row = None
        if rows is not None and index is not None and not pd.isna(index):
            row = int(rows[int(index)])
        rule = next((key for key in RULE_MESSAGES if key in check), check)
        if check.startswith("isin("):
            rule = "0/1 selection" if "__" in str(column) else "known code"
        if rule.startswith("within"):
            message = f"value outside the allowed range ({check})"
        else:
            message = RULE_MESSAGES.get(rule, f"failed check {check}")
        value = case.get("failure_case")
        problems.append(Problem(file=file, rule=rule, row=row, column=headers.get(column, column),
                                value=None if value is None else str(value), message=message,
                                severity="error"))
    problems.sort(key=lambda p: (p.row or 0, p.column or "", p.rule))
    return problems


def clean(frame: pd.DataFrame, instrument: Instrument, problems: list[Problem], cleaning: dict | None,
          headers: dict) -> tuple[pd.DataFrame, list[Problem]]:
    """Apply the wave's cleaning decisions; return a typed copy and the problems, handled ones marked."""
    rules = {**CLEANING_DEFAULTS, **(cleaning or {})}
    frame = frame.copy(deep=False)  # copy-on-write: columns are copied only when changed
    out: list[Problem] = []
    invalid_rules = {"known code", "0/1 selection", "a number"}
    reverse = {v: k for k, v in headers.items()}
    for p in problems:
        if p.rule == "field_uniqueness" and rules["duplicates"] == "keep-first":
            out.append(replace(p, severity="handled", message=p.message.split(";")[0] +
                               "; the first row with this id is kept (cleaning: duplicates: keep-first)"))
        elif p.rule in ("exclusive", "max-choices") and rules["invalid_values"] == "missing":
            column = reverse.get(p.column, p.column)
            qid = column[: -len("__answered")] if column.endswith("__answered") else column
            if p.row is not None:
                mask = frame["source_row"] == p.row
                for col in [c for c in frame.columns if c.startswith(f"{qid}__") and not c.endswith("__text")]:
                    if col.endswith("__answered"):
                        frame[col] = frame[col].where(~mask, False)
                    else:
                        frame[col] = frame[col].astype(object)
                        frame.loc[mask, col] = pd.NA
            out.append(replace(p, severity="handled", message=p.message.split(";")[0] +
                               "; the answer is read as missing (cleaning: invalid_values: missing)"))
        elif (p.rule in invalid_rules or p.rule.startswith("within")) and rules["invalid_values"] == "missing":
            column = reverse.get(p.column, p.column)
            if column in frame.columns and p.row is not None:
                mask = frame["source_row"] == p.row
                frame[column] = frame[column].astype(object)
                frame.loc[mask, column] = pd.NA
            out.append(replace(p, severity="handled", message=p.message.split(";")[0] +
                               "; set to missing (cleaning: invalid_values: missing)"))
        else:
            out.append(p)
    if rules["duplicates"] == "keep-first":
        frame = frame[~frame["respondent_id"].duplicated(keep="first")].reset_index(drop=True)
    if any(p.severity == "error" for p in out):
        return frame, out
    return cast_types(frame, instrument), out


def cast_types(frame: pd.DataFrame, instrument: Instrument) -> pd.DataFrame:
    """A copy of ``frame`` with the normal form's dtypes (Int64 codes, boolean flags, strings)."""
    frame = frame.copy(deep=False)  # copy-on-write: columns are copied only when changed
    frame["respondent_id"] = frame["respondent_id"].astype("string")
    frame["source_row"] = frame["source_row"].astype("Int64")
    for q in instrument.questions:
        if q.type in ("single", "likert") and q.id in frame:
            codes = _allowed_codes(q)
            numeric = all(isinstance(c, numbers.Integral) and not isinstance(c, bool) for c in codes)
            frame[q.id] = frame[q.id].astype("Int64" if numeric else "string")
        elif q.type == "multi":
            for option in q.options:
                col = q.option_column(option.code)
                if col in frame:
                    frame[col] = frame[col].astype("boolean")
            if q.answered_column in frame:
                frame[q.answered_column] = frame[q.answered_column].astype(bool)
            if f"{q.id}__text" in frame:
                frame[f"{q.id}__text"] = frame[f"{q.id}__text"].astype("string")
        elif q.type == "numeric" and q.id in frame:
            frame[q.id] = pd.to_numeric(frame[q.id], errors="coerce").astype("Float64")
        elif q.type == "text" and q.id in frame:
            frame[q.id] = frame[q.id].astype("string")
    return check_normal_form(frame, instrument)  # the contract the analysis reads


def summarise(problems: list[Problem]) -> dict:
    """Counts of problems by severity and rule, for the manifest and the methods chapter."""
    summary: dict = {"errors": 0, "handled": 0, "warnings": 0, "by_rule": {}}
    for p in problems:
        key = {"error": "errors", "handled": "handled"}.get(p.severity, "warnings")
        summary[key] += 1
        summary["by_rule"][p.rule] = summary["by_rule"].get(p.rule, 0) + 1
    return summary
