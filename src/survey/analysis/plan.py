"""Which results a dataset gets: the analysis plan, read from its instrument.

* every question gets its one-way result by type (multi, single, numeric), a Likert
  battery gets its distribution and its summary (% agree, mean, median);
* every Likert battery and every single-choice question with a development-plan
  ``theme`` is broken down by each background question (``background: true``);
* with a comparison wave, every non-background question is compared between waves
  (a Likert battery item by item), "not comparable" where the mapping says so;
* the p-values of one testing family are adjusted together (Benjamini-Hochberg,
  :func:`adjust_family`): survey.yml ``statistics.family`` ``dataset`` (default:
  every test of one dataset in one wave, group comparisons and wave changes
  together) or ``question`` (the tests of one result).

Pure: frames and instruments in, results out.
"""

from __future__ import annotations

import dataclasses

import pandas as pd

from survey import analysis, catalogue
from survey.analysis._common import copy_tree
from survey.analysis.disclosure import as_rule, rule_with
from survey.analysis.significance import adjust_bh, statistics_of
from survey.model import Result
from survey.processes import map_forked
from survey.project.instruments import Instrument, InstrumentQuestion

BREAKDOWNS_IN_PARALLEL = 6  # from this many breakdowns on, two forked processes compute them


def has_question(frame: pd.DataFrame, q: InstrumentQuestion) -> bool:
    """Whether the normal form holds ``q`` (a multi-select by its answered flag)."""
    if q.type == "multi":
        return q.answered_column in frame.columns
    return q.id in frame.columns


def batteries(instrument: Instrument) -> dict[str, list[InstrumentQuestion]]:
    """Likert items grouped by their ``battery`` key, in instrument order."""
    groups: dict[str, list[InstrumentQuestion]] = {}
    for q in instrument.questions:
        if q.type == "likert":
            groups.setdefault(q.battery or q.id, []).append(q)
    return groups


def background_questions(instrument: Instrument) -> list[InstrumentQuestion]:
    """Single-choice questions marked ``background: true``: the groups of breakdowns."""
    return [q for q in instrument.questions if q.background and q.type == "single"]


def analyse_dataset(frame: pd.DataFrame, instrument: Instrument, *, dataset: str, wave: str = "",
                    synthetic: bool = False, threshold: int = 5, merge_small: bool = False,
                    statistics=None, rule=None) -> list[Result]:
    """All one-way results of a dataset in instrument order, then its breakdowns (family-adjusted).

    ``rule``: the disclosure rule (a :class:`survey.analysis.DisclosureRule` or a
    project); when given it wins over ``threshold``/``merge_small``.
    """
    rule = as_rule(rule) if rule is not None else rule_with(None, threshold, merge_small)
    common = {"dataset": dataset, "wave": wave, "synthetic": synthetic}
    results: list[Result] = []
    done: set[str] = set()
    groups = batteries(instrument)
    cache: dict = {}  # Likert splits and background groupings, reused across the calls below
    for q in instrument.questions:
        if not has_question(frame, q):
            continue
        if q.type == "multi":
            results.append(analysis.analyse_multi(frame, q, **common))
        elif q.type == "single":
            results.append(analysis.analyse_single(frame, q, rule=rule, **common))
        elif q.type == "numeric":
            results.append(analysis.analyse_numeric(frame, q, **common))
        elif q.type == "likert":
            key = q.battery or q.id
            if key in done:
                continue
            done.add(key)
            items = [item for item in groups[key] if has_question(frame, item)]
            results.append(analysis.analyse_likert(frame, items, cache=cache, **common))
            results.append(analysis.summarise_likert(frame, items, cache=cache, **common))
    pairs = [(target, by) for by in background_questions(instrument) if has_question(frame, by)
             for target in breakdown_targets(instrument, frame)]

    def breakdown(pair) -> Result:
        target, by = pair
        return analysis.analyse_breakdown(frame, target, by, rule=rule, cache=cache, **common)

    # the breakdowns (exact and permutation tests) are the costly part: two processes share them
    breakdowns = map_forked(breakdown, pairs, min_tasks=BREAKDOWNS_IN_PARALLEL)
    return adjust_family(results + breakdowns, statistics)


def breakdown_targets(instrument: Instrument, frame: pd.DataFrame) -> list:
    """What is broken down by background groups: each Likert battery, each themed single choice."""
    targets: list = []
    seen: set[str] = set()
    groups = batteries(instrument)
    for q in instrument.questions:
        if q.background or not has_question(frame, q):
            continue
        if q.type == "likert":
            key = q.battery or q.id
            if key not in seen:
                seen.add(key)
                targets.append([item for item in groups[key] if has_question(frame, item)])
        elif q.type == "single" and q.theme:
            targets.append(q)
    return targets


def compare_dataset(previous: pd.DataFrame, current: pd.DataFrame, instrument: Instrument, *, dataset: str,
                    wave: str, previous_wave: str, not_comparable: list[str], synthetic: bool = False,
                    threshold: int = 5, statistics=None, rule=None) -> list[Result]:
    """Wave comparisons of every non-background question present in either wave (family-adjusted).

    In the pipeline the wave changes join the dataset's group comparisons in one
    family: :func:`adjust_family` runs again over all of a wave's results.
    """
    results = []
    for q in instrument.questions:
        if q.background or q.type not in ("single", "multi", "likert", "numeric"):
            continue
        if not (has_question(previous, q) or has_question(current, q)):
            continue
        comparable = False if q.id in not_comparable else None
        reason = None
        if q.id in not_comparable:
            reason = catalogue.texts("not_comparable_wording_changed")
        results.append(analysis.compare_waves(previous, current, q, dataset=dataset, wave=wave,
                                              previous_wave=previous_wave, comparable=comparable, reason=reason,
                                              synthetic=synthetic, threshold=threshold, rule=rule))
    return adjust_family(results, statistics)


# ---------------------------------------------------------------- testing family


def _slots(result: Result) -> list[tuple]:
    """Where a result's p-values live: ``("item", k)``, ``("row", k)`` or ``("omnibus",)``, with the raw p."""
    test = result.test or {}
    out = []
    if result.kind in ("breakdown", "breakdown_numeric"):
        for k, item in enumerate(test.get("items") or []):
            out.append((("item", k), item.get("p")))
    elif result.kind == "wave" and test.get("comparable", True) and "p" in result.table.columns:
        for k, p in enumerate(result.table["p"].tolist()):
            out.append((("row", k), p))
        if test.get("omnibus"):
            out.append((("omnibus",), test.get("p")))
    return [(where, None if p is None or p != p else float(p)) for where, p in out]


def family_key(result: Result, family: str):
    """The testing family a result's tests belong to (``dataset``: dataset and wave; ``question``: the result)."""
    return (result.dataset, result.wave) if family == "dataset" else (result.id,)


def adjust_family(results: list[Result], statistics=None) -> list[Result]:
    """Benjamini-Hochberg over every p-value of each testing family; new Results, same order.

    ``statistics``: a :class:`survey.analysis.significance.Statistics`, a project
    (``project.statistics``) or ``None`` (alpha 0.05, family ``dataset``). Each
    tested result's ``test`` gets ``family``, ``family_size`` (p-values adjusted
    together), ``alpha`` and ``adjustment``; every ``p_adjusted`` (breakdown
    items, wave rows and a wave's omnibus test) is replaced. Untested results
    pass through unchanged; inputs are not modified.
    """
    rules = statistics_of(statistics)
    families: dict = {}
    for i, result in enumerate(results):
        slots = _slots(result)
        if slots:
            families.setdefault(family_key(result, rules.family), []).append((i, slots))
    out = list(results)
    for members in families.values():
        flat = [(i, where, p) for i, slots in members for where, p in slots]
        adjusted = adjust_bh([p for _, _, p in flat])
        size = sum(p is not None for _, _, p in flat)
        by_result: dict = {}
        for (i, where, _), q in zip(flat, adjusted):
            by_result.setdefault(i, []).append((where, q))
        for i, values in by_result.items():
            result = results[i]
            test = copy_tree(result.test)
            table = result.table
            if result.kind == "wave":
                table = table.copy()
                column = table["p_adjusted"].astype(float).tolist() if "p_adjusted" in table else [float("nan")] * len(table)
            for where, q in values:
                if where[0] == "item":
                    test["items"][where[1]]["p_adjusted"] = q
                elif where[0] == "row":
                    column[where[1]] = float("nan") if q is None else q
                else:
                    test["p_adjusted"] = q
            if result.kind == "wave":
                table["p_adjusted"] = pd.Series(column, index=table.index, dtype=float)
                if not test.get("omnibus") and len(column) == 1 and test.get("p") is not None:
                    test["p_adjusted"] = None if column[0] != column[0] else column[0]  # the row's own test
            if len(test.get("items") or []) == 1:
                test["p_adjusted"] = test["items"][0]["p_adjusted"]
            test.update(family=rules.family, family_size=size, alpha=rules.alpha, adjustment="benjamini-hochberg")
            out[i] = dataclasses.replace(result, test=test, table=table)
    return out
