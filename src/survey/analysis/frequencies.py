"""One-way frequencies of single-choice and multi-select questions.

Whole-sample one-way frequencies are **not** suppressed: they describe every
respondent together, not a group defined by a background variable, and the report's
methods chapter says so. Disclosure control applies to groups and to the cells of
breakdowns (:mod:`survey.analysis.breakdown`).

Instrument fields read here (``survey.project.instruments.InstrumentQuestion``):

* ``options`` -- the codes, in the order the table lists them;
* ``extra["missing"]`` -- user-missing codes (e.g. ``[99]``, SPSS "refused"), counted
  apart from skips (system-missing, ``NA``);
* ``slug`` -- the result id is ``f"{dataset}-{slug}"``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from survey.analysis._common import (code_key, factorize_keys, first_cell, lookup, missing_codes, option_labels,
                                     question_title, require_columns, require_type, result_id)
from survey.analysis.disclosure import MISSING_GROUP, as_rule, missing_labels, other_labels, plan_groups, rule_with
from survey.analysis.proportions import wilson_interval
from survey.model import Result

WHOLE_SAMPLE_SUPPRESSION = {
    "applied": False,
    "method": "none",
    "threshold": None,
    "suppressed": [],
    "reason": "whole-sample frequencies are not suppressed; disclosure control applies to groups",
}

SINGLE_COLUMNS = ["code", "count", "pct", "ci_low", "ci_high", "suppressed"]
MULTI_COLUMNS = ["code", "count", "pct", "ci_low", "ci_high", "pct_selections", "suppressed"]


def classify_single(values: pd.Series, question) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Split a single-choice (or Likert) column into answered, user-missing and skipped masks."""
    missing = {code_key(c) for c in missing_codes(question)}
    skipped = values.isna()
    index, keys = factorize_keys(values)
    user_missing = pd.Series(lookup(index, [k in missing for k in keys]), index=values.index) & ~skipped
    answered = ~skipped & ~user_missing
    return answered.astype(bool), user_missing.astype(bool), skipped.astype(bool)


def count_codes(values: pd.Series, codes) -> tuple[dict, list]:
    """Counts per declared code (zeros kept) and the answered values that match no code."""
    by_key = {code_key(c): c for c in codes}
    counts = {c: 0 for c in codes}
    unknown: dict = {}
    if values.dtype != object:
        # One decision per distinct value (first-appearance order, as the cells come).
        index, uniques = pd.factorize(values, use_na_sentinel=True)
        index = np.asarray(index, dtype=np.int64)
        if not (index < 0).any():
            per_value = np.bincount(index, minlength=len(uniques)).tolist()
            for j, unique in enumerate(uniques):
                key = code_key(unique)
                if key in by_key:
                    counts[by_key[key]] += per_value[j]
                else:
                    value = first_cell(values, index, j)
                    unknown[value] = unknown.get(value, 0) + per_value[j]
            return counts, sorted(unknown.items(), key=lambda kv: code_key(kv[0]))
    for value in values:
        key = code_key(value)
        if key in by_key:
            counts[by_key[key]] += 1
        else:
            unknown[value] = unknown.get(value, 0) + 1
    return counts, sorted(unknown.items(), key=lambda kv: code_key(kv[0]))


def analyse_single(frame: pd.DataFrame, question, *, dataset: str, wave: str = "",
                   synthetic: bool = False, threshold: int | None = None, merge_small: bool | None = None,
                   rule=None) -> Result:
    """Frequencies of one single-choice question (``kind="single"``).

    Table (one row per option, instrument order): ``code, count, pct, ci_low,
    ci_high, suppressed``; ``pct`` is of those answering (user-missing and skips
    excluded), ``ci_*`` the Wilson 95 % interval. ``n = {respondents, answering,
    missing, user_missing, skipped}`` plus ``"user_missing:<code>"`` per declared
    user-missing code. Not suppressed (whole sample), except a background variable
    (instrument ``background: true``): its counts are group sizes, protected by
    :func:`protect_background` (those without an answer become the row
    ``_missing`` and percentages are then of all respondents).
    """
    require_type(question, "single", "likert")
    require_columns(frame, [question.id], question)
    values = frame[question.id]
    answered, user_missing, skipped = classify_single(values, question)
    counts, unknown = count_codes(values[answered], [o.code for o in question.options])
    notes = []
    background = bool(question.background)
    for code, count in unknown:
        counts[code] = count
        # a background variable's counts are group sizes: the note names the code only
        notes.append(f"code {code!r} is not an option of the instrument"
                     + ("" if background else f" ({count} answers)"))
    n_answering = int(answered.sum())
    missing_by_code = {f"user_missing:{c}": int((values[user_missing].map(code_key) == code_key(c)).sum())
                       for c in missing_codes(question)}
    n = {"respondents": int(len(frame)), "answering": n_answering,
         "missing": int(user_missing.sum() + skipped.sum()), "user_missing": int(user_missing.sum()),
         "skipped": int(skipped.sum()), **missing_by_code}
    labels = option_labels(question, counts.keys())
    if background:
        table, suppression, labels, n = protect_background(counts, labels, n, _rule(rule, threshold, merge_small))
    else:
        table = _proportion_table(counts, n_answering)
        suppression = dict(WHOLE_SAMPLE_SUPPRESSION)
    return Result(id=result_id(dataset, question), kind="single", dataset=dataset, question=question.id,
                  title=question_title(question), table=table, n=n,
                  labels=labels, test=None,
                  suppression=suppression, notes=tuple(notes), wave=wave,
                  synthetic=synthetic, ordered=bool(getattr(question, "ordered", False)))


def _rule(rule, threshold, merge_small):
    return rule_with(rule, threshold, merge_small)


def background_plan(counts: dict, missing: int, rule):
    """The group plan of a background variable's frequencies (see :func:`survey.analysis.disclosure.plan_groups`)."""
    return plan_groups(counts, missing, rule)


def missing_group_hidden(frame: pd.DataFrame, question, rule=None) -> bool:
    """Whether those without a value of background ``question`` form a hidden group (its size must not show).

    For outputs that count answers per variable outside the results (the codebook's
    valid / missing counts): the same :func:`background_plan` as the frequencies.
    """
    if not question.background or question.type != "single" or question.id not in frame.columns:
        return False
    values = frame[question.id]
    answered, _, _ = classify_single(values, question)
    counts, unknown = count_codes(values[answered], [o.code for o in question.options])
    counts.update(dict(unknown))
    return MISSING_GROUP in background_plan(counts, int(len(frame) - answered.sum()), as_rule(rule)).hidden


def protect_background(counts: dict, labels: dict, n: dict, rule) -> tuple[pd.DataFrame, dict, dict, dict]:
    """The frequencies of a background variable: group sizes, protected like every group.

    Those without an answer form a group of their own (row :data:`MISSING_GROUP`,
    "Ei tietoa"), and then the percentages are of all respondents, so no shown
    share reveals how many answered. Small groups are hidden (or merged into
    "muut") with partners, by the same :func:`survey.analysis.disclosure.plan_groups`
    every breakdown by this variable uses; the size of a hidden group appears
    nowhere (when the missing group is hidden, ``n`` keeps only ``respondents``).
    Returns ``(table, suppression, labels, n)``.
    """
    missing = int(n["respondents"] - n["answering"])
    plan = background_plan(counts, missing, rule)
    shown_counts = {c: plan.sizes[c] for c in plan.sizes}
    base = int(n["respondents"]) if missing else int(n["answering"])
    table = _proportion_table(shown_counts, base)
    labels = {lang: dict(labels[lang]) for lang in labels}
    if plan.merged:
        other = other_labels()
        for lang in labels:
            labels[lang][rule.other_code] = other.get(lang, other["fi"])
    if missing:
        words = missing_labels()
        for lang in labels:
            labels[lang][MISSING_GROUP] = words.get(lang, words["fi"])
    hidden = [c for c in table["code"] if c in plan.hidden]
    rows = table["code"].isin(hidden)
    table["count"] = table["count"].astype(float)
    table.loc[rows, ["count", "pct", "ci_low", "ci_high"]] = float("nan")
    table.loc[rows, "suppressed"] = True
    suppression = {"applied": bool(hidden or plan.merged), **rule.describe(), "background": True,
                   "suppressed_groups": hidden, "merged_groups": list(plan.merged),
                   "suppressed_cells": int(rows.sum()), "base": "respondents" if missing else "answering"}
    if MISSING_GROUP in plan.hidden:  # how many answered would reveal the hidden group's size
        n = {"respondents": int(n["respondents"])}
    return table, suppression, labels, n


def multi_columns(question) -> list[str]:
    return [question.option_column(o.code) for o in question.options]


def answered_mask(frame: pd.DataFrame, question) -> pd.Series:
    """Who answered a multi-select question: ``<qid>__answered``, else any option selected."""
    column = question.answered_column
    if column in frame.columns:
        return frame[column].fillna(False).astype(bool)
    selected = frame[multi_columns(question)].fillna(False).astype(bool)
    return selected.any(axis=1)


def offered_options(frame: pd.DataFrame, question, answered: pd.Series) -> list:
    """Option codes the wave offered: a column that is ``NA`` for every answering respondent was not."""
    offered = []
    for option in question.options:
        column = question.option_column(option.code)
        if column not in frame.columns:
            continue
        values = frame.loc[answered, column]
        if len(values) == 0 or values.notna().any():
            offered.append(option.code)
    return offered


def count_selections(frame: pd.DataFrame, question, answered: pd.Series, codes=None) -> dict:
    """Selections per option code (``codes``: default all) among those who answered."""
    counts = {}
    wanted = None if codes is None else {code_key(c) for c in codes}
    for option in question.options:
        if wanted is not None and code_key(option.code) not in wanted:
            continue
        column = frame.loc[answered, question.option_column(option.code)]
        counts[option.code] = int(column.fillna(False).astype(bool).sum())
    return counts


def analyse_multi(frame: pd.DataFrame, question, *, dataset: str, wave: str = "",
                  synthetic: bool = False) -> Result:
    """Frequencies of one multi-select question (``kind="multi"``).

    Table (one row per option, instrument order): ``code, count, pct, ci_low,
    ci_high, pct_selections, suppressed``; ``pct`` is of respondents who answered
    the question (``n["answering"]``), ``ci_*`` its Wilson 95 % interval,
    ``pct_selections`` the option's share of all selections.
    ``n = {respondents, answering, selections, per_respondent}``: rows in the frame,
    respondents who selected at least one option, selections made, and selections
    per answering respondent. Not suppressed (whole sample). An option whose column
    is ``NA`` for everyone who answered was not offered in this wave (instrument
    ``added_in``): it is left out, with a note.
    """
    require_type(question, "multi")
    require_columns(frame, multi_columns(question), question)
    answered = answered_mask(frame, question)
    offered = offered_options(frame, question, answered)
    counts = count_selections(frame, question, answered, offered)
    notes = tuple(f"option {o.code!r} was not offered in this wave (no answers recorded); it is left out"
                  for o in question.options if o.code not in offered)
    n_answering = int(answered.sum())
    selections = int(sum(counts.values()))
    table = _proportion_table(counts, n_answering)
    table.insert(5, "pct_selections", [c / selections if selections else float("nan") for c in counts.values()])
    table = table[MULTI_COLUMNS]
    n = {"respondents": int(len(frame)), "answering": n_answering, "selections": selections,
         "per_respondent": selections / n_answering if n_answering else float("nan")}
    return Result(id=result_id(dataset, question), kind="multi", dataset=dataset, question=question.id,
                  title=question_title(question), table=table, n=n, labels=option_labels(question),
                  test=None, suppression=dict(WHOLE_SAMPLE_SUPPRESSION), notes=notes, wave=wave,
                  synthetic=synthetic)


def _proportion_table(counts: dict, n: int) -> pd.DataFrame:
    rows = []
    for code, count in counts.items():
        low, high = wilson_interval(count, n)
        rows.append({"code": code, "count": int(count), "pct": count / n if n else float("nan"),
                     "ci_low": low, "ci_high": high, "suppressed": False})
    table = pd.DataFrame(rows, columns=SINGLE_COLUMNS)
    table["code"] = table["code"].astype(object)
    table["count"] = table["count"].astype("int64")
    table["suppressed"] = table["suppressed"].astype(bool)
    return table
