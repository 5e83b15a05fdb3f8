"""Candidate and cleared interview quotes: a table by nature, never a picture."""

from __future__ import annotations

from survey.kinds.kind import Kind
from survey.model import ResultKind



KIND = Kind(ResultKind.INTERVIEW_QUOTES)  # no chart, no alt text; the generic table layout
