"""Which results a dataset gets: the analysis plan, read from its instrument.

* every question gets its one-way result by type (multi, single, numeric), a Likert
  battery gets its distribution and its summary (% agree, mean, median);
* every Likert battery and every single-choice question with a development-plan
  ``theme`` is broken down by each background question (``background: true``), and
  the p-values of one dataset (one report chapter) are adjusted together
  (Benjamini-Hochberg);
* with a comparison wave, every non-background question is compared between waves
  (a Likert battery item by item), "not comparable" where the mapping says so.

Pure: frames and instruments in, results out.
"""

from __future__ import annotations

import pandas as pd

from survey import analysis
from survey.instruments import Instrument, InstrumentQuestion
from survey.model import Result


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
            groups.setdefault(q.extra.get("battery") or q.id, []).append(q)
    return groups


def background_questions(instrument: Instrument) -> list[InstrumentQuestion]:
    """Single-choice questions marked ``background: true``: the groups of breakdowns."""
    return [q for q in instrument.questions if q.extra.get("background") and q.type == "single"]


def analyse_dataset(frame: pd.DataFrame, instrument: Instrument, *, dataset: str, wave: str = "",
                    synthetic: bool = False, threshold: int = 5, merge_small: bool = False) -> list[Result]:
    """All one-way results of a dataset in instrument order, then its breakdowns."""
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
            results.append(analysis.analyse_single(frame, q, threshold=threshold, merge_small=merge_small,
                                                   **common))
        elif q.type == "numeric":
            results.append(analysis.analyse_numeric(frame, q, **common))
        elif q.type == "likert":
            key = q.extra.get("battery") or q.id
            if key in done:
                continue
            done.add(key)
            items = [item for item in groups[key] if has_question(frame, item)]
            results.append(analysis.analyse_likert(frame, items, cache=cache, **common))
            results.append(analysis.summarise_likert(frame, items, cache=cache, **common))
    breakdowns: list[Result] = []
    for by in background_questions(instrument):
        if not has_question(frame, by):
            continue
        for target in breakdown_targets(instrument, frame):
            breakdowns.append(analysis.analyse_breakdown(frame, target, by, threshold=threshold,
                                                         merge_small=merge_small, cache=cache, **common))
    return results + analysis.adjust_chapter(breakdowns)


def breakdown_targets(instrument: Instrument, frame: pd.DataFrame) -> list:
    """What is broken down by background groups: each Likert battery, each themed single choice."""
    targets: list = []
    seen: set[str] = set()
    groups = batteries(instrument)
    for q in instrument.questions:
        if q.extra.get("background") or not has_question(frame, q):
            continue
        if q.type == "likert":
            key = q.extra.get("battery") or q.id
            if key not in seen:
                seen.add(key)
                targets.append([item for item in groups[key] if has_question(frame, item)])
        elif q.type == "single" and q.extra.get("theme"):
            targets.append(q)
    return targets


def compare_dataset(previous: pd.DataFrame, current: pd.DataFrame, instrument: Instrument, *, dataset: str,
                    wave: str, previous_wave: str, not_comparable: list[str], synthetic: bool = False,
                    threshold: int = 5) -> list[Result]:
    """Wave comparisons of every non-background question present in either wave."""
    results = []
    for q in instrument.questions:
        if q.extra.get("background") or q.type not in ("single", "multi", "likert", "numeric"):
            continue
        if not (has_question(previous, q) or has_question(current, q)):
            continue
        comparable = False if q.id in not_comparable else None
        reason = None
        if q.id in not_comparable:
            reason = {"fi": "kysymyksen sanamuoto muuttui kierrosten välillä",
                      "sv": "frågans formulering ändrades mellan omgångarna",
                      "en": "the wording of the question changed between the waves"}
        results.append(analysis.compare_waves(previous, current, q, dataset=dataset, wave=wave,
                                              previous_wave=previous_wave, comparable=comparable, reason=reason,
                                              synthetic=synthetic, threshold=threshold))
    return results
