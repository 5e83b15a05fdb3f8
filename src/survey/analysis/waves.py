"""Wave comparison of one canonical question: change in percentage points, with interval and test.

A comparison is made only when the question is comparable across the two waves:
same type, same wording and same options by the instrument mapping. The caller
(the pipeline) passes ``comparable=False`` when the wave mapping declares the
question reworded; this module also checks, from the instrument, options that a
wave added (option ``added_in: <wave>``): a single choice with an added option is
not comparable at all (the new option takes shares from the others), a
multi-select option added is left out on its own row. When not comparable the
result has no numbers, ``test["comparable"] = False`` and ``test["reason"]``
(fi/sv/en) says why.

Changes are ``now - before`` in fractions, with Newcombe's hybrid score interval
(independent samples: the waves are separate cross-sections). Per-code tests are
2x2 (wave x chosen/not) chi-square or Fisher exact as the expected counts allow;
Likert items use Mann-Whitney on the scale values and "% agree" for the change;
numeric questions the difference in means (Welch interval) and Mann-Whitney.
"""

from __future__ import annotations

import math

import pandas as pd
from scipy import stats

from survey.analysis._common import code_key, option_labels, question_title, require_columns
from survey.analysis.disclosure import MISSING_GROUP, as_rule
from survey.analysis.frequencies import (answered_mask, background_plan, classify_single, count_codes, multi_columns,
                                         offered_options)
from survey.analysis.likert import item_labels, split_item
from survey.analysis.numeric import describe_numbers, numeric_values
from survey.analysis.proportions import newcombe_difference
from survey.analysis.significance import adjust_bh, independence_test, ordinal_test
from survey import catalogue
from survey.catalogue import FALLBACK, LANGUAGES
from survey.model import Result

WAVE_COLUMNS = ["code", "count_before", "n_before", "pct_before", "count_now", "n_now", "pct_now", "diff",
                "ci_low", "ci_high", "test", "p", "p_adjusted", "comparable", "suppressed"]
NUMERIC_WAVE_COLUMNS = ["code", "n_before", "mean_before", "median_before", "n_now", "mean_now", "median_now",
                        "diff", "ci_low", "ci_high", "test", "p", "p_adjusted", "comparable", "suppressed"]


def added_options(question, wave: str, added=None) -> list:
    """Codes first offered in ``wave`` (so the previous wave did not offer them).

    Read from ``added`` (the caller's list), the question's ``added_options``
    (``{code: wave}``) or the options' ``added_in``.
    """
    out = [c for c in (added or [])]
    declared = question.added_options
    for option in question.options:
        when = option.added_in
        when = when or declared.get(option.code) or declared.get(str(option.code))
        if when is not None and str(when) == str(wave) and option.code not in out:
            out.append(option.code)
    return out


def _reason(key: str, **values) -> dict:
    """Why a comparison is not made, in every language (catalogue ``not_comparable_<key>``)."""
    return catalogue.texts(f"not_comparable_{key}", **values)


def compare_waves(previous: pd.DataFrame, current: pd.DataFrame, question, *, dataset: str, wave: str,
                  previous_wave: str = "", comparable: bool | None = None, reason: dict | str | None = None,
                  synthetic: bool = False, threshold: int | None = None, rule=None, added=None) -> Result:
    """Compare ``question`` between ``previous`` and ``current`` frames (``kind="wave"``).

    Table (single / multi: one row per option; Likert: one row per item, ``code``
    = item id, percentages of "% agree"): ``code, count_before, n_before,
    pct_before, count_now, n_now, pct_now, diff, ci_low, ci_high, test, p,
    p_adjusted, comparable, suppressed``; ``diff = pct_now - pct_before`` with its
    Newcombe interval; ``test`` names the per-row test (``chi2``/``fisher``/
    ``mann_whitney``), ``p_adjusted`` is Benjamini-Hochberg within the result.
    Numeric: one row ``code, n_before, mean_before, median_before, n_now,
    mean_now, median_now, diff, ci_low, ci_high, test, p, p_adjusted, comparable,
    suppressed`` (difference of means, Welch interval).
    ``n = {respondents_before, respondents_now, answering_before, answering_now}``;
    ``test = {comparable, reason, previous_wave, wave, name, p}`` (``name``/``p``: the
    omnibus wave x answer test of a single choice, marked ``omnibus``; the row's own
    test for Likert and numeric). :func:`survey.analysis.plan.adjust_family` later re-adjusts
    ``p_adjusted`` over the declared testing family.
    Background questions (``background: true``) hide groups below the threshold in
    either wave.
    """
    rule = as_rule(rule if rule is not None else threshold)
    base_test = {"comparable": True, "reason": None, "previous_wave": previous_wave, "wave": wave,
                 "name": None, "p": None}
    kind_id = f"{dataset}-{question.slug}-waves"
    common = dict(id=kind_id, kind="wave", dataset=dataset, question=question.id, title=question_title(question),
                  wave=wave, synthetic=synthetic, ordered=bool(getattr(question, "ordered", False)))
    has_before = _has(previous, question)
    has_now = _has(current, question)
    why = None
    if comparable is False:
        why = _reason_from(reason) or _reason("declared")
    elif not (has_before and has_now):
        why = _reason("missing")
    elif question.type not in ("single", "multi", "likert", "numeric"):
        why = _reason("type")
    added = added_options(question, wave, added)
    if why is None and question.type == "single" and added:
        why = _reason("added_option", codes=", ".join(str(c) for c in added))
    n = {"respondents_before": int(len(previous)), "respondents_now": int(len(current))}
    if why is not None:
        columns = NUMERIC_WAVE_COLUMNS if question.type == "numeric" else WAVE_COLUMNS
        return Result(table=pd.DataFrame(columns=columns), n=n, labels=option_labels(question),
                      test={**base_test, "comparable": False, "reason": why},
                      suppression={"applied": False, "method": "none", "threshold": None},
                      notes=(why["en"],), **common)
    if question.type == "single":
        table, extra, answering = _single(previous, current, question, rule)
        labels = option_labels(question)
    elif question.type == "multi":
        table, extra, answering = _multi(previous, current, question, added, wave)
        labels = option_labels(question)
    elif question.type == "likert":
        table, extra, answering = _likert(previous, current, question)
        labels = item_labels([question])
    else:
        table, extra, answering = _numeric(previous, current, question)
        labels = {lang: {} for lang in LANGUAGES}
    table["p_adjusted"] = adjust_bh(table["p"].tolist())
    table["p_adjusted"] = table["p_adjusted"].astype(float)
    table = table[NUMERIC_WAVE_COLUMNS if question.type == "numeric" else WAVE_COLUMNS]
    n.update(answering_before=answering[0], answering_now=answering[1])
    suppression = {"applied": bool(table["suppressed"].any()), **rule.describe(),
                   "suppressed_groups": [c for c, s in zip(table["code"], table["suppressed"]) if s]} \
        if question.background else {"applied": False, "method": "none", "threshold": None}
    return Result(table=table, n=n, labels=labels, test={**base_test, **extra}, suppression=suppression,
                  **common)


def _reason_from(reason) -> dict | None:
    """The caller's reason as a full sentence per language, starting "Not comparable: ..."."""
    if reason is None:
        return None
    if not isinstance(reason, dict):
        reason = {FALLBACK: str(reason)}
    out = {}
    for lang in LANGUAGES:
        text = str(reason.get(lang) or reason.get(FALLBACK) or next(iter(reason.values()))).strip()
        prefix = catalogue.text("not_comparable_prefix", lang)
        if not text.lower().startswith(prefix.lower()):
            text = f"{prefix}: {text}"
        out[lang] = text if text.endswith(".") else text + "."
    return out


def _has(frame: pd.DataFrame, question) -> bool:
    if question.type == "multi":
        return all(c in frame.columns for c in multi_columns(question)) or question.answered_column in frame
    return question.id in frame.columns


def _row(code, c0, n0, c1, n1, comparable=True, suppressed=False) -> dict:
    if not comparable or suppressed:
        return {"code": code, "count_before": math.nan, "n_before": float(n0), "pct_before": math.nan,
                "count_now": math.nan, "n_now": float(n1), "pct_now": math.nan, "diff": math.nan,
                "ci_low": math.nan, "ci_high": math.nan, "test": None, "p": math.nan,
                "comparable": comparable, "suppressed": suppressed}
    d, low, high = newcombe_difference(c1, n1, c0, n0)
    res = independence_test([[c0, n0 - c0], [c1, n1 - c1]]) if n0 and n1 else {"name": None, "p": None}
    return {"code": code, "count_before": float(c0), "n_before": float(n0),
            "pct_before": c0 / n0 if n0 else math.nan, "count_now": float(c1), "n_now": float(n1),
            "pct_now": c1 / n1 if n1 else math.nan, "diff": d, "ci_low": low, "ci_high": high,
            "test": res["name"], "p": math.nan if res["p"] is None else res["p"], "comparable": True,
            "suppressed": False}


def _frame(rows, columns) -> pd.DataFrame:
    table = pd.DataFrame(rows, columns=[c for c in columns if c != "p_adjusted"])
    table["code"] = table["code"].astype(object)
    table["comparable"] = table["comparable"].astype(bool)
    table["suppressed"] = table["suppressed"].astype(bool)
    return table


def _single(previous, current, question, rule):
    require_columns(previous, [question.id], question)
    require_columns(current, [question.id], question)
    codes = [o.code for o in question.options]
    out = []
    hidden = set()
    for frame in (previous, current):
        answered, _, _ = classify_single(frame[question.id], question)
        counts, _ = count_codes(frame.loc[answered, question.id], codes)
        base = int(answered.sum())
        if question.background:
            # Group sizes: each wave hides what its own frequencies hide (the same plan), and
            # shares are of all respondents when some lack a value, as in those frequencies.
            missing = int(len(frame)) - base
            hidden |= set(background_plan(counts, missing, rule).hidden) - {MISSING_GROUP}
            base = int(len(frame)) if missing else base
        out.append((counts, base))
    (c0, n0), (c1, n1) = out
    rows = [_row(c, c0[c], n0, c1[c], n1, suppressed=c in hidden) for c in codes]
    extra = {}
    if not hidden:
        res = independence_test([[c0[c] for c in codes], [c1[c] for c in codes]])
        extra = {"name": res["name"], "p": res["p"], "statistic": res["statistic"], "df": res["df"],
                 "cramers_v": res.get("cramers_v"), "method": res.get("method"), "omnibus": True}
    return _frame(rows, WAVE_COLUMNS), extra, (n0, n1)


def _multi(previous, current, question, added, wave):
    rows = []
    answering = []
    counts = []
    for frame in (previous, current):
        if _all_columns(frame, question) or question.answered_column not in frame.columns:
            answered = answered_mask(frame, question) if _all_columns(frame, question) else None
        else:
            answered = frame[question.answered_column].fillna(False).astype(bool)
        if answered is None:
            require_columns(frame, multi_columns(question), question)
        answering.append(int(answered.sum()))
        by_code = {}
        offered = offered_options(frame, question, answered)
        for o in question.options:
            column = question.option_column(o.code)
            by_code[o.code] = int(frame.loc[answered, column].fillna(False).astype(bool).sum()) \
                if o.code in offered else None
        counts.append(by_code)
    n0, n1 = answering
    for o in question.options:
        c0, c1 = counts[0][o.code], counts[1][o.code]
        comparable = o.code not in added and c0 is not None and c1 is not None
        rows.append(_row(o.code, c0 or 0, n0, c1 or 0, n1, comparable=comparable))
    extra = {}
    if added:
        extra["not_compared"] = list(added)
        extra["note"] = catalogue.texts("note_added_option", wave=wave)
    return _frame(rows, WAVE_COLUMNS), extra, (n0, n1)


def _all_columns(frame, question) -> bool:
    return all(c in frame.columns for c in multi_columns(question))


def _likert(previous, current, question):
    parts = [split_item(f[question.id], question) for f in (previous, current)]
    agree_keys = {code_key(c) for c in parts[0]["spec"]["agree"]}
    n = [int(p["is_scale"].sum()) for p in parts]
    agree = [sum(count for k, count in p["key_counts"].items()
                 if k in agree_keys and k in {code_key(c) for c in p["spec"]["scale"]}) for p in parts]
    row = _row(question.id, agree[0], n[0], agree[1], n[1])
    res = ordinal_test([parts[0]["scale_values"].to_numpy(), parts[1]["scale_values"].to_numpy()])
    row["test"] = res["name"]
    row["p"] = math.nan if res["p"] is None else res["p"]
    extra = {"name": res["name"], "p": res["p"], "rank_biserial": res.get("rank_biserial"), "method": res.get("method")}
    return _frame([row], WAVE_COLUMNS), extra, tuple(n)


def _numeric(previous, current, question):
    values = [numeric_values(f[question.id], question)[0] for f in (previous, current)]
    d0, d1 = describe_numbers(values[0]), describe_numbers(values[1])
    row = {"code": question.id, "n_before": float(d0["n"]), "mean_before": d0["mean"], "median_before": d0["median"],
           "n_now": float(d1["n"]), "mean_now": d1["mean"], "median_now": d1["median"], "diff": math.nan,
           "ci_low": math.nan, "ci_high": math.nan, "test": None, "p": math.nan, "comparable": True,
           "suppressed": False}
    if d0["n"] >= 2 and d1["n"] >= 2:
        welch = stats.ttest_ind(values[1].to_numpy(), values[0].to_numpy(), equal_var=False)
        ci = welch.confidence_interval(0.95)
        row.update(diff=d1["mean"] - d0["mean"], ci_low=float(ci.low), ci_high=float(ci.high))
        res = ordinal_test([values[0].to_numpy(), values[1].to_numpy()])
        row.update(test=res["name"], p=math.nan if res["p"] is None else res["p"])
        method = res.get("method")
    else:
        method = None
    table = pd.DataFrame([row], columns=[c for c in NUMERIC_WAVE_COLUMNS if c != "p_adjusted"])
    table["code"] = table["code"].astype(object)
    return table, {"name": row["test"], "p": None if math.isnan(row["p"]) else row["p"], "method": method}, \
        (d0["n"], d1["n"])
