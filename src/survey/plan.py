"""Which results a dataset gets: the analysis plan, read from its instrument.

Every question gets its one-way result by type (multi, single, likert battery,
numeric); questions marked ``background: true`` define breakdown groups for the
questions listed in the instrument's ``breakdowns`` (or every likert and single
question when absent); a comparison wave adds wave-comparison results. Pure:
frames and instruments in, results out.
"""

from __future__ import annotations

import pandas as pd

from survey import analysis
from survey.instruments import Instrument, InstrumentQuestion
from survey.model import Result


def _has(frame: pd.DataFrame, q: InstrumentQuestion) -> bool:
    if q.type == "multi":
        return q.answered_column in frame.columns
    return q.id in frame.columns


def batteries(instrument: Instrument) -> dict[str, list[InstrumentQuestion]]:
    """Likert items grouped by their ``battery`` key, in instrument order."""
    groups: dict[str, list[InstrumentQuestion]] = {}
    for q in instrument.questions:
        if q.type == "likert":
            groups.setdefault(q.extra.get("battery") or q.id, []).append(q)
    return groups


def background_questions(instrument: Instrument) -> list[InstrumentQuestion]:
    return [q for q in instrument.questions if q.extra.get("background")]


def analyse_dataset(frame: pd.DataFrame, instrument: Instrument, *, dataset: str, wave: str = "",
                    synthetic: bool = False, threshold: int = 5, merge_small: bool = False) -> list[Result]:
    """All one-way results of a dataset, then its breakdowns, in instrument order."""
    results: list[Result] = []
    done_batteries: set[str] = set()
    common = {"dataset": dataset, "wave": wave, "synthetic": synthetic}
    for q in instrument.questions:
        if not _has(frame, q):
            continue
        if q.type == "multi":
            results.append(analysis.analyse_multi(frame, q, **common))
        elif q.type == "single":
            results.append(analysis.analyse_single(frame, q, **common))
        elif q.type == "likert" and hasattr(analysis, "analyse_likert"):
            key = q.extra.get("battery") or q.id
            if key in done_batteries:
                continue
            done_batteries.add(key)
            items = [item for item in batteries(instrument)[key] if _has(frame, item)]
            results.append(analysis.analyse_likert(frame, items, battery=key, **common))
        elif q.type == "numeric" and hasattr(analysis, "analyse_numeric"):
            results.append(analysis.analyse_numeric(frame, q, **common))
    if hasattr(analysis, "analyse_breakdown"):
        for group in background_questions(instrument):
            if not _has(frame, group):
                continue
            for q in breakdown_targets(instrument, group):
                if _has(frame, q):
                    results.append(analysis.analyse_breakdown(frame, q, group, threshold=threshold,
                                                              merge_small=merge_small, **common))
    return results


def breakdown_targets(instrument: Instrument, group: InstrumentQuestion) -> list[InstrumentQuestion]:
    """The questions broken down by ``group``: the instrument's ``breakdowns`` list, else none."""
    wanted = instrument.extra.get("breakdowns") or {}
    ids = wanted.get(group.id, []) if isinstance(wanted, dict) else list(wanted)
    return [instrument.question(qid) for qid in ids if qid != group.id]


def compare_dataset(previous: pd.DataFrame, current: pd.DataFrame, instrument: Instrument, *, dataset: str,
                    wave: str, previous_wave: str, not_comparable: list[str], synthetic: bool = False,
                    threshold: int = 5) -> list[Result]:
    """Wave-comparison results for the questions the instrument marks ``compare: true``."""
    if not hasattr(analysis, "compare_waves"):
        return []
    results = []
    for q in instrument.questions:
        if not q.extra.get("compare"):
            continue
        results.append(analysis.compare_waves(previous, current, q, dataset=dataset, wave=wave,
                                              previous_wave=previous_wave,
                                              comparable=q.id not in not_comparable and _has(previous, q)
                                              and _has(current, q), synthetic=synthetic))
    return results
