"""Likert items and batteries: full distribution, "% agree" (top-2 box), mean and median.

Instrument fields read (typed attributes of ``InstrumentQuestion``), e.g.
``{"scale": [1, 2, 3, 4, 5], "dont_know": 9, "missing": [99], "agree": [4, 5]}``:

* ``scale`` -- the ordered scale codes (default: option codes other than
  ``dont_know`` and ``missing``);
* ``dont_know`` -- the *En osaa sanoa* code (optional): shown apart, excluded from
  "% agree", the mean and the median;
* ``missing`` -- user-missing codes (refused etc.), counted apart from skips (``NA``);
* ``agree`` -- the codes that count as agreeing (default: the top two scale codes);
* ``battery`` -- (optional) the battery id shared by items shown together.

Whole-sample results are not suppressed (see :mod:`survey.analysis.disclosure`).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from survey.analysis._common import (code_key, factorize_keys, lookup, missing_codes, option_labels, question_title,
                                     require_columns, require_type)
from survey.analysis.frequencies import WHOLE_SAMPLE_SUPPRESSION
from survey.analysis.proportions import mean_interval, wilson_interval
from survey.catalogue import LANGUAGES
from survey.errors import ConfigError
from survey.model import Result

LIKERT_COLUMNS = ["item", "code", "count", "pct", "pct_scale", "ci_low", "ci_high", "dont_know", "agree",
                  "suppressed"]
SUMMARY_COLUMNS = ["item", "n", "n_scale", "n_dont_know", "n_user_missing", "n_skipped", "agree_count",
                   "agree_pct", "agree_ci_low", "agree_ci_high", "mean", "mean_ci_low", "mean_ci_high",
                   "median", "suppressed"]


def scale_of(question) -> dict:
    """``{scale, dont_know, missing, agree}`` of a Likert question, with defaults filled in."""
    dont_know = question.dont_know
    missing = missing_codes(question)
    skip = {code_key(c) for c in missing} | ({code_key(dont_know)} if dont_know is not None else set())
    scale = list(question.scale or [o.code for o in question.options if code_key(o.code) not in skip])
    if len(scale) < 2:
        raise ConfigError(f"question {question.id!r} has no Likert scale: declare `scale` (at least two codes)")
    agree = list(question.agree or scale[-2:])
    return {"scale": scale, "dont_know": dont_know, "missing": missing, "agree": agree}


def split_item(values: pd.Series, question) -> dict:
    """Split an item's column into scale values (float), and counts of dont-know, user-missing, skipped.

    Code keys are computed once per distinct value (:func:`factorize_keys`), not per
    cell. Returns the masks ``is_scale, is_dk, is_missing, skipped, other`` (bool
    Series on the column's index), ``scale_values`` (float Series of the scale
    answers), ``codes`` (the scale codes, then the dont-know code), ``code_index``
    (each row's position in ``codes``, ``-1`` for anything else) and
    ``key_counts`` (rows per code key).
    """
    spec = scale_of(question)
    index, ukeys = factorize_keys(values)
    scale_keys = {code_key(c): c for c in spec["scale"]}
    dk_key = code_key(spec["dont_know"]) if spec["dont_know"] is not None else None
    missing_keys = {code_key(c) for c in spec["missing"]}
    codes = list(spec["scale"]) + ([spec["dont_know"]] if spec["dont_know"] is not None else [])
    pos = {code_key(c): i for i, c in enumerate(codes)}
    is_scale = lookup(index, [k in scale_keys for k in ukeys])
    is_dk = lookup(index, [dk_key is not None and k == dk_key for k in ukeys])
    is_missing = lookup(index, [k in missing_keys for k in ukeys])
    skipped = index < 0
    other = ~(is_scale | is_dk | is_missing | skipped)
    code_index = lookup(index, [pos.get(k, -1) for k in ukeys], missing=-1, dtype=np.int64)
    per_unique = np.bincount(index[index >= 0], minlength=len(ukeys))
    key_counts: dict = {}
    for k, count in zip(ukeys, per_unique.tolist()):
        key_counts[k] = key_counts.get(k, 0) + count
    ix = values.index
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        # Numbers already: the float values of the scale rows, as to_numeric(...).astype(float) gives them.
        numbers = values.to_numpy(dtype=np.float64, na_value=np.nan)[is_scale]
        scale_values = pd.Series(numbers, index=ix[is_scale], name=values.name)
    else:
        scale_values = pd.to_numeric(values[is_scale], errors="coerce").astype(float)
    return {"spec": spec, "is_scale": pd.Series(is_scale, index=ix), "is_dk": pd.Series(is_dk, index=ix),
            "is_missing": pd.Series(is_missing, index=ix), "skipped": pd.Series(skipped, index=ix),
            "other": pd.Series(other, index=ix), "codes": codes, "code_index": code_index,
            "key_counts": key_counts, "scale_values": scale_values}


def cached(cache: dict | None, frame: pd.DataFrame, key: tuple, owner, compute):
    """``compute()``, kept in ``cache`` (one dict per frame, e.g. for one ``analyse_dataset`` call).

    The cache remembers the frame and the ``owner`` object (question) of each entry,
    so a cache handed another frame starts afresh and an entry is only reused for
    the same question object. Entries are shared: callers must not modify them.
    """
    if cache is None:
        return compute()
    if cache.get("frame") is not frame:
        cache.clear()
        cache["frame"] = frame
    hit = cache.get(key)
    if hit is not None and hit[0] is owner:
        return hit[1]
    value = compute()
    cache[key] = (owner, value)
    return value


def item_parts(frame: pd.DataFrame, question, cache: dict | None = None) -> dict:
    """:func:`split_item` of the question's column, reused from ``cache`` when given."""
    return cached(cache, frame, ("split_item", question.id), question,
                  lambda: split_item(frame[question.id], question))


def _items(questions) -> list:
    if not isinstance(questions, (list, tuple)):
        questions = [questions]
    if not questions:
        raise ConfigError("a Likert battery needs at least one item")
    for q in questions:
        require_type(q, "likert")
    return list(questions)


def _battery_id(questions, battery: str | None) -> tuple[str, object]:
    first = questions[0]
    if len(questions) == 1 and battery is None:
        return first.slug, first
    name = battery or first.battery or first.slug
    return str(name).replace("_", "-"), first


def _battery_title(questions, title):
    """The title: given, else the battery's common text (``battery_text``), else the item's text."""
    if title:
        return dict(title)
    text = questions[0].battery_text
    if len(questions) > 1 and isinstance(text, dict) and text.get("fi"):
        return {lang: text.get(lang) or text["fi"] for lang in LANGUAGES}
    return question_title(questions[0])


def item_labels(questions) -> dict:
    """``{lang: {code: label}}`` for the scale plus ``{lang: {item_id: short label}}`` under ``"items"``."""
    labels = option_labels(questions[0])
    for lang in labels:
        labels[lang] = dict(labels[lang])
        for q in questions:
            labels[lang][q.id] = q.short_label(lang)
    return labels


def analyse_likert(frame: pd.DataFrame, questions, *, dataset: str, wave: str = "", synthetic: bool = False,
                   battery: str | None = None, title: dict | None = None, cache: dict | None = None) -> Result:
    """Distribution of one Likert item or a battery of items (``kind="likert"``).

    Table, one row per item x code (scale codes in order, then the dont-know code):
    ``item, code, count, pct, pct_scale, ci_low, ci_high, dont_know, agree,
    suppressed`` (``agree``: the code counts towards "% agree").
    One base everywhere (review-2 §5): a scale code's ``pct`` is of the item's scale
    answers, *En osaa sanoa* left out, the base of "% agree" in the summary, the
    findings and the methods text, so the chart, its alt text and the words give the
    same share; the scale rows sum to 1 per item. The dont-know row's ``pct`` is its
    share of all who answered the item (scale + dont-know), shown beside the scale.
    ``pct_scale`` repeats the scale share (``nan`` on the dont-know row); ``ci_*`` is
    the Wilson interval of ``pct`` on its base. ``n = {respondents, items,
    answering_min, answering_max}``. The per-item "% agree", mean and median are in
    :func:`summarise_likert`. ``labels[lang]`` holds scale codes and item ids.
    ``cache`` (optional, one dict per frame) reuses each item's split across calls.
    """
    questions = _items(questions)
    require_columns(frame, [q.id for q in questions], questions[0])
    rows, answering = [], []
    notes = []
    for q in questions:
        parts = item_parts(frame, q, cache)
        spec = parts["spec"]
        n_scale = int(parts["is_scale"].sum())
        n_dk = int(parts["is_dk"].sum())
        n_all = n_scale + n_dk
        answering.append(n_all)
        if parts["other"].any():
            notes.append(f"{q.id}: {int(parts['other'].sum())} answers with codes outside the scale were left out")
        agree_keys = {code_key(c) for c in spec["agree"]}
        for code in spec["scale"]:
            count = int(parts["key_counts"].get(code_key(code), 0))
            low, high = wilson_interval(count, n_scale)
            share = count / n_scale if n_scale else math.nan
            rows.append({"item": q.id, "code": code, "count": count, "pct": share,
                         "pct_scale": share, "ci_low": low, "ci_high": high,
                         "dont_know": False, "agree": code_key(code) in agree_keys, "suppressed": False})
        if spec["dont_know"] is not None:
            low, high = wilson_interval(n_dk, n_all)
            rows.append({"item": q.id, "code": spec["dont_know"], "count": n_dk,
                         "pct": n_dk / n_all if n_all else math.nan, "pct_scale": math.nan,
                         "ci_low": low, "ci_high": high, "dont_know": True, "agree": False,
                         "suppressed": False})
    table = pd.DataFrame(rows, columns=LIKERT_COLUMNS)
    table["code"] = table["code"].astype(object)
    name, first = _battery_id(questions, battery)
    n = {"respondents": int(len(frame)), "items": len(questions), "answering_min": int(min(answering)),
         "answering_max": int(max(answering))}
    return Result(id=f"{dataset}-{name}", kind="likert", dataset=dataset,
                  question=",".join(q.id for q in questions), title=_battery_title(questions, title), table=table,
                  n=n, labels=item_labels(questions), suppression=dict(WHOLE_SAMPLE_SUPPRESSION),
                  notes=tuple(notes), wave=wave, synthetic=synthetic)


def summarise_item(values: pd.Series, question, parts: dict | None = None) -> dict:
    """One row of :func:`summarise_likert` for one item's column (``parts``: its :func:`split_item`, if known)."""
    parts = parts if parts is not None else split_item(values, question)
    spec = parts["spec"]
    scale_values = parts["scale_values"]
    n_scale = int(parts["is_scale"].sum())
    agree_keys = {code_key(c) for c in spec["agree"]}
    scale_keys = {code_key(c) for c in spec["scale"]}
    agree = sum(count for k, count in parts["key_counts"].items() if k in agree_keys and k in scale_keys)
    low, high = wilson_interval(agree, n_scale)
    mean = float(scale_values.mean()) if n_scale else math.nan
    m_low, m_high = mean_interval(scale_values.to_numpy(dtype=float))
    return {"item": question.id, "n": n_scale + int(parts["is_dk"].sum()), "n_scale": n_scale,
            "n_dont_know": int(parts["is_dk"].sum()), "n_user_missing": int(parts["is_missing"].sum()),
            "n_skipped": int(parts["skipped"].sum()), "agree_count": agree,
            "agree_pct": agree / n_scale if n_scale else math.nan, "agree_ci_low": low, "agree_ci_high": high,
            "mean": mean, "mean_ci_low": m_low, "mean_ci_high": m_high,
            "median": float(np.median(scale_values)) if n_scale else math.nan, "suppressed": False}


def summarise_likert(frame: pd.DataFrame, questions, *, dataset: str, wave: str = "", synthetic: bool = False,
                     battery: str | None = None, title: dict | None = None, cache: dict | None = None) -> Result:
    """Per-item summary of a Likert item or battery (``kind="likert_summary"``, id ends ``-summary``).

    Table, one row per item: ``item, n, n_scale, n_dont_know, n_user_missing,
    n_skipped, agree_count, agree_pct, agree_ci_low, agree_ci_high, mean,
    mean_ci_low, mean_ci_high, median, suppressed``. ``n`` is those who answered
    (scale + dont-know); ``n_scale`` the scale answers, the base of "% agree"
    (top-2 box, Wilson interval), of the mean (t interval) and of the median, all on
    the scale codes. ``n = {respondents, items}``.
    """
    questions = _items(questions)
    require_columns(frame, [q.id for q in questions], questions[0])
    table = pd.DataFrame([summarise_item(frame[q.id], q, item_parts(frame, q, cache)) for q in questions],
                         columns=SUMMARY_COLUMNS)
    name, _ = _battery_id(questions, battery)
    return Result(id=f"{dataset}-{name}-summary", kind="likert_summary", dataset=dataset,
                  question=",".join(q.id for q in questions), title=_battery_title(questions, title), table=table,
                  n={"respondents": int(len(frame)), "items": len(questions)}, labels=item_labels(questions),
                  suppression=dict(WHOLE_SAMPLE_SUPPRESSION), wave=wave, synthetic=synthetic)
