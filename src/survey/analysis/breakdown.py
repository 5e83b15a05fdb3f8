"""Breakdowns by a background variable, with tests, effect sizes, gating and disclosure control.

``analyse_breakdown(frame, question, by, ...)`` cross-tabulates a single-choice,
multi-select or Likert question (or a Likert battery) by the groups of a
background question ``by`` (instrument ``background: true``, a single choice),
and a numeric question into group summaries.

Disclosure (see :mod:`survey.analysis.disclosure`) is applied before anything is
computed for display: hidden groups and cells carry ``suppressed = True`` and no
numbers (nor their base); tests and differences use only the groups that are shown.
Respondents without a value of the background variable are the missing group: never
a row, but protected like every group (whole sample minus the shown groups must not
single them out).

Tests (see :mod:`survey.analysis.significance`): categorical answers get
chi-square / Fisher / Monte Carlo Fisher with Cramér's V; Likert items and
numbers get Mann-Whitney (two groups) or Kruskal-Wallis (more), plus Cramér's V
of the group x scale table for Likert. Differences between each pair of shown
groups are given in percentage points with Newcombe's interval (for Likert: of
"% agree"). When one result holds several tests (multi-select options, battery
items) their p-values are Benjamini-Hochberg adjusted within the result;
:func:`survey.analysis.plan.adjust_family` re-adjusts them over the declared testing family.

**Gating**: no p-value for a comparison that would need a group below the
minimum size; the result's ``test["reason"]`` says why in fi/sv/en. A test is
run on the shown groups only, and only when at least two are shown.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import math

import numpy as np
import pandas as pd

from survey import catalogue
from survey.analysis._common import (code_key, copy_tree, factorize_keys, first_cell, is_missing, lookup, missing_codes,
                                     option_labels, question_title, require_columns, require_type)
from survey.analysis.disclosure import MISSING_GROUP, DisclosureRule, other_labels, plan_groups
from survey.analysis.disclosure import protect_bases as _protect_bases
from survey.analysis.disclosure import rule_with, suppress_cells, with_bounds
from survey.analysis.frequencies import answered_mask, classify_single, multi_columns, offered_options
from survey.analysis.likert import cached, item_labels, item_parts
from survey.analysis.numeric import describe_numbers, numeric_values
from survey.analysis.proportions import newcombe_difference, wilson_interval
from survey.analysis.significance import adjust_bh, cramers_v, independence_test, ordinal_test
from survey.catalogue import LANGUAGES
from survey.model import Result

BREAKDOWN_COLUMNS = ["item", "group", "code", "count", "n_group", "pct", "ci_low", "ci_high", "suppressed"]
NUMERIC_BREAKDOWN_COLUMNS = ["item", "group", "n_group", "mean", "ci_low", "ci_high", "median", "q1", "q3",
                             "suppressed"]
AGREE_CODE = "agree"


def agree_labels() -> dict:
    """``{lang: "Samaa mieltä (yhteensä)" ...}`` from the label catalogue."""
    return {lang: catalogue.text("group_agree_total", lang) for lang in LANGUAGES}

def reason_texts(key: str, threshold: int) -> dict:
    """The sentence for a gating reason in every language (catalogue ``reason_<key>``)."""
    return catalogue.texts(f"reason_{key}", t=threshold)


# ---------------------------------------------------------------- groups


def group_codes(frame: pd.DataFrame, by) -> tuple[pd.Series, list]:
    """The group code of each row (instrument codes; ``None`` when missing) and the group order."""
    require_columns(frame, [by.id], by)
    declared = [o.code for o in by.options]
    by_key = {code_key(c): c for c in declared}
    user_missing = {code_key(c) for c in missing_codes(by)}
    column = frame[by.id]
    extra = []
    if column.dtype == object:  # mixed types: decide cell by cell
        values = []
        for value in column:
            if is_missing(value) or code_key(value) in user_missing:
                values.append(None)
                continue
            code = by_key.get(code_key(value), value)
            if code_key(code) not in by_key and code not in extra:
                extra.append(code)
            values.append(code)
        return pd.Series(values, index=frame.index, dtype=object), declared + extra
    # One decision per distinct value, in order of first appearance (as the cells come).
    index, uniques = pd.factorize(column, use_na_sentinel=True)
    per_value = []
    for j, unique in enumerate(uniques):
        key = code_key(unique)
        if key in user_missing:
            per_value.append(None)
        elif key in by_key:
            per_value.append(by_key[key])
        else:
            code = first_cell(column, index, j)
            if code not in extra:
                extra.append(code)
            per_value.append(code)
    values = lookup(np.asarray(index, dtype=np.int64), per_value, missing=None, dtype=object)
    return pd.Series(values, index=frame.index, dtype=object), declared + extra


def group_labels(by, order, other_code: str | None = None) -> dict:
    """``{lang: {group code: label}}``; the merged group is "Muut" / "Övriga" / "Other"."""
    labels = {lang: {o.code: o.label(lang) for o in by.options} for lang in LANGUAGES}
    other = other_labels() if other_code is not None else {}
    for lang in LANGUAGES:
        for code in order:
            if other_code is not None and code == other_code:
                labels[lang][code] = other[lang]
            labels[lang].setdefault(code, str(code))
    return labels


def protect_bases(bases: dict, threshold: int, hidden: set, public: dict | None = None, joint=()) -> set:
    """Groups to hide for one item: already hidden ones, bases below the threshold, and partners.

    ``bases`` may hold the missing group (:data:`MISSING_GROUP`): it is never shown
    and joins any hidden union; ``public`` are upper bounds of the bases (published
    group sizes), ``joint`` bounds of sums (the hidden union's public size). See
    :func:`survey.analysis.disclosure.protect_bases`.
    """
    return _protect_bases(bases, threshold, hidden=hidden, public=public, always=[MISSING_GROUP], joint=joint)


@dataclasses.dataclass
class _Groups:
    series: pd.Series
    order: list
    sizes: dict
    hidden: set
    merged: list
    rule: DisclosureRule
    missing: int = 0
    public: dict = dataclasses.field(default_factory=dict)
    joint: list = dataclasses.field(default_factory=list)

    @functools.cached_property
    def index(self) -> np.ndarray:
        """Each row's position in ``order`` (-1: no group); computed once, read-only."""
        pos = {g: i for i, g in enumerate(self.order)}
        codes, uniques = pd.factorize(self.series.to_numpy(dtype=object), use_na_sentinel=True)
        out = lookup(np.asarray(codes, dtype=np.int64), [pos.get(g, -1) if g is not None else -1 for g in uniques],
                     missing=-1, dtype=np.int64)
        out.flags.writeable = False
        return out

    def bases(self, counts: list[int], missing: int) -> dict:
        """``{group: base}`` of one item, the missing group's base included."""
        out = dict(zip(self.order, counts))
        out[MISSING_GROUP] = int(missing)
        return out

    def protect(self, counts: list[int], missing: int) -> set:
        """The shown groups hidden for one item (the missing group is never shown anyway)."""
        hidden = protect_bases(self.bases(counts, missing), self.rule.min_group_size, self.hidden, self.public,
                               self.joint)
        return {g for g in hidden if g != MISSING_GROUP}


def crosstab(group_index: np.ndarray, keys, codes: list, groups: int, mask=None) -> np.ndarray:
    """Counts of rows per group x code (``keys``: each row's code key; ``mask``: rows to count)."""
    pos = {code_key(c): i for i, c in enumerate(codes)}
    key_index, uniques = pd.factorize(np.asarray(list(keys), dtype=object), use_na_sentinel=True)
    code_index = lookup(np.asarray(key_index, dtype=np.int64), [pos.get(k, -1) for k in uniques], missing=-1,
                        dtype=np.int64)
    return count_matrix(group_index, code_index, groups, len(codes), mask)


def count_matrix(group_index: np.ndarray, code_index: np.ndarray, groups: int, n_codes: int,
                 mask=None) -> np.ndarray:
    """Counts of rows per group x code from each row's group and code position (-1: none)."""
    keep = (group_index >= 0) & (code_index >= 0)
    if mask is not None:
        keep &= np.asarray(mask, dtype=bool)
    flat = group_index[keep] * n_codes + code_index[keep]
    return np.bincount(flat, minlength=groups * n_codes).astype(np.int64).reshape(groups, n_codes)


def group_counts(group_index: np.ndarray, mask, groups: int) -> list[int]:
    """Rows per group where ``mask`` holds."""
    keep = (group_index >= 0) & np.asarray(mask, dtype=bool)
    return np.bincount(group_index[keep], minlength=groups).astype(int).tolist()


def missing_count(group_index: np.ndarray, mask) -> int:
    """Rows without a group where ``mask`` holds (the missing group's base)."""
    return int(((group_index < 0) & np.asarray(mask, dtype=bool)).sum())


def prepare_groups(frame: pd.DataFrame, by, rule: DisclosureRule) -> _Groups:
    """Group each row; merge or hide groups per :func:`survey.analysis.disclosure.plan_groups`.

    The respondents without a value of ``by`` form the missing group: never a row of
    the breakdown, protected like the others.
    """
    series, order = group_codes(frame, by)
    codes, uniques = pd.factorize(series.to_numpy(dtype=object), use_na_sentinel=True)
    per_value = list(zip(uniques, np.bincount(codes[codes >= 0], minlength=len(uniques)).tolist()))
    raw = {g: int(sum(count for value, count in per_value if value == g)) for g in order}
    missing = int((codes < 0).sum())
    plan = with_bounds(plan_groups(raw, missing, rule))
    merged = list(plan.merged)
    if merged:
        series = series.astype(object).where(~series.isin(merged), rule.other_code)
        order = [c for c in order if c not in merged] + [rule.other_code]
    sizes = {g: int(plan.sizes.get(g, 0)) for g in order}
    order = [g for g in order if sizes[g] > 0]
    sizes = {g: sizes[g] for g in order}
    return _Groups(series=series, order=order, sizes=sizes, hidden=set(plan.hidden), merged=merged, rule=rule,
                   missing=missing, public=plan.upper_bounds(), joint=plan.joint())


# ---------------------------------------------------------------- items


def _cells(groups: _Groups, item: str, codes: list, matrix: np.ndarray, bases: list[int], hidden: set,
           mask: np.ndarray | None, hide_base: bool = False) -> list[dict]:
    """Table rows; hidden cells lose their numbers (and their base when ``hide_base`` or the group is hidden)."""
    rows = []
    for gi, g in enumerate(groups.order):
        for ci, code in enumerate(codes):
            count, n = int(matrix[gi, ci]), int(bases[gi])
            hide = g in hidden or (mask is not None and bool(mask[gi, ci]))
            if hide:
                rows.append({"item": item, "group": g, "code": code, "count": math.nan,
                             "n_group": math.nan if (g in hidden or hide_base) else float(n), "pct": math.nan,
                             "ci_low": math.nan, "ci_high": math.nan, "suppressed": True})
            else:
                low, high = wilson_interval(count, n)
                rows.append({"item": item, "group": g, "code": code, "count": float(count), "n_group": float(n),
                             "pct": count / n if n else math.nan, "ci_low": low, "ci_high": high,
                             "suppressed": False})
    return rows


def _differences(groups: _Groups, shown: list, codes: list, matrix: np.ndarray, bases: list[int],
                 visible) -> list[dict]:
    """Pairwise differences (first minus second group, instrument order) of shown cells."""
    out = []
    index = {g: i for i, g in enumerate(groups.order)}
    for a, b in itertools.combinations(shown, 2):
        ia, ib = index[a], index[b]
        for ci, code in enumerate(codes):
            if not (visible(ia, ci) and visible(ib, ci)):
                continue
            d, low, high = newcombe_difference(int(matrix[ia, ci]), int(bases[ia]),
                                               int(matrix[ib, ci]), int(bases[ib]))
            if math.isnan(d):
                continue
            out.append({"code": code, "group_a": a, "group_b": b, "diff": d, "low": low, "high": high})
    return out


def _gate(groups: _Groups, shown: list) -> tuple[bool, dict | None, str | None]:
    t = groups.rule.min_group_size
    if len(shown) < 2:
        return True, reason_texts("too_few_groups", t), "too_few_groups"
    if len(shown) < len(groups.order):
        return False, reason_texts("groups_left_out", t), "groups_left_out"
    return False, None, None


def _categorical_item(groups: _Groups, item: str, code: object, codes: list, matrix: np.ndarray,
                      bases: list[int], missing: int, hidden_cols: np.ndarray | None = None) -> tuple[list, dict, int]:
    """Rows and test of one group x category table (``hidden_cols``: complement columns not shown).

    ``missing``: the item's base in the missing group (answers of those without a group).
    """
    rule = groups.rule
    t = rule.min_group_size
    hidden = groups.protect(bases, missing)
    full = matrix if hidden_cols is None else np.column_stack([matrix, hidden_cols])
    mask = None
    if rule.small_counts:
        hidden_rows = np.array([g in hidden for g in groups.order])
        mask = suppress_cells(full, t, hidden_rows=hidden_rows)[:, : matrix.shape[1]]
    rows = _cells(groups, item, codes, matrix, bases, hidden, mask)
    shown = [g for g in groups.order if g not in hidden]
    test = _item_test_categorical(groups, item, code, full, shown, hidden, mask)
    visible = (lambda gi, ci: True) if mask is None else (lambda gi, ci: not mask[gi, ci])
    test["differences"] = _differences(groups, shown, codes, matrix, bases, visible)
    n_hidden = sum(r["suppressed"] for r in rows)
    return rows, test, n_hidden


def _item_test_categorical(groups, item, code, full, shown, hidden, mask) -> dict:
    gated, reason, reason_key = _gate(groups, shown)
    base = {"item": item, "code": code, "groups": shown}
    if gated:
        return {**base, "name": None, "statistic": None, "df": None, "p": None, "cramers_v": None,
                "gated": True, "reason": reason, "reason_key": reason_key}
    idx = [groups.order.index(g) for g in shown]
    sub = full[idx]
    if mask is not None and mask[idx].any():
        t = groups.rule.min_group_size
        return {**base, "name": None, "statistic": None, "df": None, "p": None, "cramers_v": None,
                "gated": True, "reason": reason_texts("cells_hidden", t), "reason_key": "cells_hidden"}
    res = independence_test(sub)
    if res["p"] is None:
        t = groups.rule.min_group_size
        return {**base, **res, "cramers_v": None, "gated": True, "reason": reason_texts("no_variation", t),
                "reason_key": "no_variation"}
    res["cramers_v"] = None if res["cramers_v"] is None or math.isnan(res["cramers_v"]) else res["cramers_v"]
    note = res.pop("reason")
    return {**base, **res, "gated": False, "reason": reason, "reason_key": reason_key, "note": note}


# ---------------------------------------------------------------- per type


def _single(frame, question, groups):
    answered, _, _ = classify_single(frame[question.id], question)
    codes = [o.code for o in question.options]
    key_index, keys = factorize_keys(frame[question.id])
    pos = {code_key(c): i for i, c in enumerate(codes)}
    code_index = lookup(key_index, [pos.get(k, -1) for k in keys], missing=-1, dtype=np.int64)
    index = groups.index
    matrix = count_matrix(index, code_index, len(groups.order), len(codes), mask=answered.to_numpy())
    bases = group_counts(index, answered.to_numpy(), len(groups.order))
    missing = missing_count(index, answered.to_numpy())
    rows, test, hidden = _categorical_item(groups, question.id, None, codes, matrix, bases, missing)
    return rows, [test], hidden, option_labels(question)


def _multi(frame, question, groups):
    require_columns(frame, multi_columns(question), question)
    answered = answered_mask(frame, question)
    rows, tests, n_hidden = [], [], 0
    index = groups.index
    bases = group_counts(index, answered.to_numpy(), len(groups.order))
    missing = missing_count(index, answered.to_numpy())
    codes = offered_options(frame, question, answered)
    selected = np.zeros((len(groups.order), len(codes)), dtype=np.int64)
    for ci, c in enumerate(codes):
        col = (frame[question.option_column(c)].fillna(False).astype(bool) & answered).to_numpy()
        selected[:, ci] = group_counts(index, col, len(groups.order))
    for ci, c in enumerate(codes):
        matrix = selected[:, [ci]]
        complement = (np.array(bases) - matrix[:, 0]).reshape(-1, 1)
        r, test, h = _categorical_item(groups, question.id, c, [c], matrix, bases, missing, hidden_cols=complement)
        rows += r
        tests.append(test)
        n_hidden += h
    return rows, tests, n_hidden, option_labels(question)


def _likert_item(frame, question, groups, cache=None):
    parts = item_parts(frame, question, cache)
    spec = parts["spec"]
    t = groups.rule.min_group_size
    scale = spec["scale"]
    dk = spec["dont_know"]
    codes = list(scale) + ([dk] if dk is not None else [])
    index = groups.index
    G = len(groups.order)
    matrix = count_matrix(index, parts["code_index"], G, len(codes))
    is_scale = parts["is_scale"].to_numpy()
    is_all = is_scale | parts["is_dk"].to_numpy()
    n_scale = group_counts(index, is_scale, G)
    n_all = group_counts(index, is_all, G)
    scale_values = parts["scale_values"].to_numpy()
    values_by_group = _split_by_group(scale_values, index[is_scale], G)
    hidden = groups.protect(n_scale, missing_count(index, is_scale))
    hidden = protect_bases(groups.bases(n_all, missing_count(index, is_all)), t, hidden | groups.hidden,
                           groups.public, groups.joint) - {MISSING_GROUP}
    mask = None
    if groups.rule.small_counts:
        mask = suppress_cells(matrix, t, hidden_rows=np.array([g in hidden for g in groups.order]))
    rows = _cells(groups, question.id, codes, matrix, n_all, hidden, mask)
    # "% agree" (top-2 box) among scale answers, hidden when any of its parts (or dont-know) is hidden.
    agree_idx = [codes.index(c) for c in codes if code_key(c) in {code_key(a) for a in spec["agree"]}]
    agree = matrix[:, agree_idx].sum(axis=1)
    agree_hidden = np.zeros(len(groups.order), dtype=bool)
    if mask is not None:
        watch = agree_idx + ([len(codes) - 1] if dk is not None else [])
        agree_hidden = mask[:, watch].any(axis=1)
    agree_mask = agree_hidden.reshape(-1, 1)
    # Its base (scale answers) would reveal a hidden dont-know count, so it goes too.
    rows += _cells(groups, question.id, [AGREE_CODE], agree.reshape(-1, 1), n_scale, hidden, agree_mask,
                   hide_base=True)
    shown = [g for g in groups.order if g not in hidden]
    gated, reason, reason_key = _gate(groups, shown)
    base = {"item": question.id, "code": None, "groups": shown}
    if gated:
        test = {**base, "name": None, "statistic": None, "df": None, "p": None, "cramers_v": None,
                "gated": True, "reason": reason, "reason_key": reason_key}
    elif mask is not None and mask[[groups.order.index(g) for g in shown]].any():
        test = {**base, "name": None, "statistic": None, "df": None, "p": None, "cramers_v": None,
                "gated": True, "reason": reason_texts("cells_hidden", t), "reason_key": "cells_hidden"}
    else:
        idx = [groups.order.index(g) for g in shown]
        res = ordinal_test([values_by_group[i] for i in idx])
        if res["p"] is None:
            test = {**base, **res, "cramers_v": None, "gated": True, "reason": reason_texts("no_variation", t),
                    "reason_key": "no_variation"}
        else:
            v = cramers_v(matrix[idx][:, : len(scale)])
            res.pop("reason")
            test = {**base, **res, "cramers_v": None if math.isnan(v) else v, "gated": False,
                    "reason": reason, "reason_key": reason_key}
    visible = lambda gi, ci: not agree_hidden[gi]  # noqa: E731
    test["differences"] = _differences(groups, shown, [AGREE_CODE], agree.reshape(-1, 1), n_scale, visible)
    return rows, test, sum(r["suppressed"] for r in rows)


def _split_by_group(values: np.ndarray, group_index: np.ndarray, groups: int) -> list[np.ndarray]:
    """``[values[group_index == g] for g in range(groups)]`` with one stable sort instead of a mask per group."""
    small = group_index.astype(np.int16) if groups < 2**15 - 1 else group_index  # int16 sorts by radix
    order = np.argsort(small, kind="stable")
    sizes = np.bincount(group_index + 1, minlength=groups + 1)
    bounds = np.cumsum(sizes)
    ordered = values[order]
    return [ordered[bounds[g]: bounds[g + 1]] for g in range(groups)]


def _likert(frame, questions, groups, cache=None):
    rows, tests, n_hidden = [], [], 0
    for q in questions:
        r, test, h = _likert_item(frame, q, groups, cache)
        rows += r
        tests.append(test)
        n_hidden += h
    labels = item_labels(questions)
    agree = agree_labels()
    for lang in labels:
        labels[lang][AGREE_CODE] = agree[lang]
    return rows, tests, n_hidden, labels


def _finish_tests(tests: list[dict]) -> dict:
    adjusted = adjust_bh([t.get("p") for t in tests])
    for t, p in zip(tests, adjusted):
        t["p_adjusted"] = p
    gated = all(t["gated"] for t in tests)
    first = tests[0]
    return {"items": tests, "adjustment": "benjamini-hochberg", "family": "result", "gated": gated,
            "name": first.get("name") if len(tests) == 1 else None,
            "p": first.get("p") if len(tests) == 1 else None,
            "p_adjusted": first.get("p_adjusted") if len(tests) == 1 else None,
            "reason": first.get("reason") if len(tests) == 1 or gated else None,
            "reason_key": first.get("reason_key") if len(tests) == 1 or gated else None}


# ---------------------------------------------------------------- public


def analyse_breakdown(frame: pd.DataFrame, question, by, *, dataset: str, wave: str = "", synthetic: bool = False,
                      threshold: int | None = None, merge_small: bool | None = None, rule=None,
                      small_counts: bool | None = None, cache: dict | None = None) -> Result:
    """Break ``question`` down by the groups of background question ``by`` (``kind="breakdown"``).

    ``question`` is a single, multi or Likert question, a list of Likert items (a
    battery), or a numeric question (then see :func:`analyse_numeric_breakdown`).
    Disclosure: ``rule`` (a :class:`DisclosureRule` or a Project) or
    ``threshold``/``merge_small``/``small_counts``; default 5, suppress, no count rule.
    ``cache`` (optional, one dict per frame): reuse the grouping and the items'
    :func:`~survey.analysis.likert.split_item` across calls on the same frame.

    Table, one row per item x group x code: ``item, group, code, count, n_group,
    pct, ci_low, ci_high, suppressed``. ``n_group`` is the row's denominator (those
    in the group who answered the item; for Likert the scale and dont-know answers,
    and for the ``code="agree"`` row the scale answers only); ``pct = count /
    n_group`` with its Wilson interval. Suppressed rows have ``count``, ``pct``
    and intervals ``nan`` (and ``n_group`` when the whole group is hidden).

    ``test = {items: [...], adjustment, family, gated, name, p, p_adjusted, reason,
    reason_key}``: one entry per item (per option for multi-select) with ``name``
    (``chi2``, ``fisher``, ``fisher_monte_carlo``, ``mann_whitney``, ``kruskal``),
    ``statistic, df, p, p_adjusted`` (Benjamini-Hochberg within the result),
    ``cramers_v``, ``groups`` (the groups tested), ``differences`` (pairs of shown
    groups: ``code, group_a, group_b, diff, low, high`` in fractions, Newcombe),
    ``gated`` and ``reason`` (``{fi, sv, en}``) when a p-value is withheld or groups
    were left out. The top-level ``name/p/p_adjusted/reason`` repeat the only
    item's for single-item results.
    ``n = {respondents, groups, groups_shown}``, plus ``grouped`` and ``group_missing``
    only when the group of respondents without a value of ``by`` is not hidden (its
    size is then public in the background's own frequencies);
    ``suppression = {applied, method, threshold, secondary, small_counts,
    suppressed_groups, merged_groups, suppressed_cells}``.
    ``labels[lang]`` holds answer codes (and items); ``labels["groups"][lang]`` the
    group labels, ``labels["by"][lang]`` the background question's short label.
    """
    rule = _rule(rule, threshold, merge_small, small_counts)
    items = question if isinstance(question, (list, tuple)) else [question]
    first = items[0]
    if first.type == "numeric":
        return analyse_numeric_breakdown(frame, first, by, dataset=dataset, wave=wave, synthetic=synthetic,
                                         rule=rule, cache=cache)
    require_type(by, "single")
    groups = cached(cache, frame, ("groups", by.id, rule), by, lambda: prepare_groups(frame, by, rule))
    if first.type == "likert":
        for q in items:
            require_type(q, "likert")
        require_columns(frame, [q.id for q in items], first)
        rows, tests, n_hidden, labels = _likert(frame, items, groups, cache)
    elif first.type == "single":
        require_columns(frame, [first.id], first)
        rows, tests, n_hidden, labels = _single(frame, first, groups)
    elif first.type == "multi":
        rows, tests, n_hidden, labels = _multi(frame, first, groups)
    else:
        require_type(first, "single", "multi", "likert", "numeric")
    table = pd.DataFrame(rows, columns=BREAKDOWN_COLUMNS)
    for col in ("item", "group", "code"):
        table[col] = table[col].astype(object)
    table["suppressed"] = table["suppressed"].astype(bool)
    return _result(frame, items, by, groups, table, _finish_tests(tests), labels, n_hidden,
                   kind="breakdown", dataset=dataset, wave=wave, synthetic=synthetic)


def analyse_numeric_breakdown(frame: pd.DataFrame, question, by, *, dataset: str, wave: str = "",
                              synthetic: bool = False, threshold: int | None = None,
                              merge_small: bool | None = None, rule=None, cache: dict | None = None) -> Result:
    """Summaries of a numeric question per group (``kind="breakdown_numeric"``).

    Table, one row per group: ``item, group, n_group, mean, ci_low, ci_high,
    median, q1, q3, suppressed`` (no minimum or maximum: one value each). Test:
    Mann-Whitney or Kruskal-Wallis on the shown groups; other keys as in
    :func:`analyse_breakdown`.
    """
    rule = _rule(rule, threshold, merge_small, None)
    require_type(question, "numeric")
    require_type(by, "single")
    require_columns(frame, [question.id], question)
    groups = cached(cache, frame, ("groups", by.id, rule), by, lambda: prepare_groups(frame, by, rule))
    valid, _, _ = numeric_values(frame[question.id], question)
    bases, values = [], []
    for g in groups.order:
        v = valid[(groups.series == g).reindex(valid.index, fill_value=False)]
        values.append(v)
        bases.append(int(v.size))
    missing = int(groups.series.reindex(valid.index).isna().sum())
    hidden = groups.protect(bases, missing)
    rows = []
    for g, v in zip(groups.order, values):
        if g in hidden:
            rows.append({"item": question.id, "group": g, "n_group": math.nan, "mean": math.nan,
                         "ci_low": math.nan, "ci_high": math.nan, "median": math.nan, "q1": math.nan,
                         "q3": math.nan, "suppressed": True})
            continue
        d = describe_numbers(v)
        rows.append({"item": question.id, "group": g, "n_group": float(d["n"]), "mean": d["mean"],
                     "ci_low": d["ci_low"], "ci_high": d["ci_high"], "median": d["median"], "q1": d["q1"],
                     "q3": d["q3"], "suppressed": False})
    shown = [g for g in groups.order if g not in hidden]
    gated, reason, reason_key = _gate(groups, shown)
    base = {"item": question.id, "code": None, "groups": shown, "differences": []}
    if gated:
        test = {**base, "name": None, "statistic": None, "df": None, "p": None, "gated": True,
                "reason": reason, "reason_key": reason_key}
    else:
        res = ordinal_test([values[groups.order.index(g)].to_numpy() for g in shown])
        if res["p"] is None:
            test = {**base, **res, "gated": True, "reason": reason_texts("no_variation", rule.min_group_size),
                    "reason_key": "no_variation"}
        else:
            res.pop("reason")
            test = {**base, **res, "gated": False, "reason": reason, "reason_key": reason_key}
    table = pd.DataFrame(rows, columns=NUMERIC_BREAKDOWN_COLUMNS)
    table["group"] = table["group"].astype(object)
    table["suppressed"] = table["suppressed"].astype(bool)
    n_hidden = int(table["suppressed"].sum())
    return _result(frame, [question], by, groups, table, _finish_tests([test]), {lang: {} for lang in LANGUAGES},
                   n_hidden, kind="breakdown_numeric", dataset=dataset, wave=wave, synthetic=synthetic)


def _rule(rule, threshold, merge_small, small_counts) -> DisclosureRule:
    return rule_with(rule, threshold, merge_small, small_counts)


def _result(frame, items, by, groups: _Groups, table, test, labels, n_hidden, *, kind, dataset, wave,
            synthetic) -> Result:
    first = items[0]
    rule = groups.rule
    labels = dict(labels)
    labels["groups"] = group_labels(by, groups.order, rule.other_code if groups.merged else None)
    labels["by"] = {lang: by.short_label(lang) for lang in LANGUAGES}
    all_hidden = table.groupby("group", sort=False)["suppressed"].all() if len(table) else pd.Series(dtype=bool)
    hidden_groups = [g for g in groups.order if bool(all_hidden.get(g, False))]
    suppression = {"applied": bool(n_hidden or groups.merged), **rule.describe(),
                   "suppressed_groups": hidden_groups, "merged_groups": list(groups.merged),
                   "suppressed_cells": int(n_hidden)}
    n = {"respondents": int(len(frame)), "groups": len(groups.order),
         "groups_shown": len(groups.order) - len(hidden_groups)}
    if MISSING_GROUP not in groups.hidden:  # its size is public (the background's own frequencies show it)
        n.update(grouped=int(len(frame) - groups.missing), group_missing=int(groups.missing))
    name = first.battery if len(items) > 1 else None
    slug = str(name).replace("_", "-") if name else first.slug
    title = question_title(first)
    if len(items) > 1 and isinstance(first.battery_text, dict):
        title = {lang: first.battery_text.get(lang) or first.battery_text.get("fi")
                 for lang in LANGUAGES}
    test["by"] = by.id
    return Result(id=f"{dataset}-{slug}-by-{by.slug}", kind=kind, dataset=dataset,
                  question=",".join(q.id for q in items), title=title, table=table, n=n, labels=labels,
                  test=test, suppression=suppression, wave=wave, synthetic=synthetic)


def adjust_chapter(results: list[Result]) -> list[Result]:
    """Benjamini-Hochberg across every test of the given results (one chapter); returns new Results.

    Each ``test["items"][k]["p_adjusted"]`` is replaced, ``test["family"]`` becomes
    ``"chapter"`` and ``test["family_size"]`` the number of p-values adjusted
    together. Results without tests are returned unchanged; inputs are not modified.
    """
    slots = []
    for ri, r in enumerate(results):
        for ti, item in enumerate((r.test or {}).get("items") or []):
            slots.append((ri, ti, item.get("p")))
    adjusted = adjust_bh([p for _, _, p in slots])
    size = sum(p is not None for _, _, p in slots)
    tests = {ri: copy_tree(r.test) for ri, r in enumerate(results) if (r.test or {}).get("items")}
    for (ri, ti, _), p in zip(slots, adjusted):
        tests[ri]["items"][ti]["p_adjusted"] = p
    out = []
    for ri, r in enumerate(results):
        if ri not in tests:
            out.append(r)
            continue
        test = tests[ri]
        test["family"] = "chapter"
        test["family_size"] = size
        if len(test["items"]) == 1:
            test["p_adjusted"] = test["items"][0]["p_adjusted"]
        out.append(dataclasses.replace(r, test=test))
    return out


def adjust_by_chapter(results: list[Result], chapter_of=None) -> list[Result]:
    """:func:`adjust_chapter` within each chapter (default: each dataset); same order, new Results.

    ``chapter_of(result) -> key`` groups results into chapters; results without
    tests (one-way frequencies, wave comparisons) pass through unchanged.
    """
    chapter_of = chapter_of or (lambda r: r.dataset)
    groups: dict = {}
    for i, r in enumerate(results):
        if (r.test or {}).get("items"):
            groups.setdefault(chapter_of(r), []).append(i)
    out = list(results)
    for indexes in groups.values():
        for i, adjusted in zip(indexes, adjust_chapter([results[i] for i in indexes])):
            out[i] = adjusted
    return out
