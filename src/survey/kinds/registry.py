"""Every result kind, registered in one place: a new kind is one module in ``survey.kinds`` and one line here."""

from __future__ import annotations

from survey.kinds import (breakdown, breakdown_numeric, interview_codes, interview_codes_by, interview_cooccurrence,
                          interview_quotes, likert, likert_summary, multi, numeric, single, triangulation, wave)
from survey.kinds.kind import Kind
from survey.model import ResultKind

KINDS: dict[ResultKind, Kind] = {kind.name: kind for kind in (
    single.KIND,
    multi.KIND,
    likert.KIND,
    likert_summary.KIND,
    numeric.KIND,
    breakdown.KIND,
    breakdown_numeric.KIND,
    wave.KIND,
    triangulation.KIND,
    interview_codes.KIND,
    interview_codes_by.KIND,
    interview_cooccurrence.KIND,
    interview_quotes.KIND,
)}


def kind_of(result) -> Kind | None:
    """The registered kind of ``result`` (``None`` for a kind no module knows)."""
    return KINDS.get(result.kind)
