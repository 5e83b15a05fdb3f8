"""What one result kind is made of: its chart, alt text, table layout and finding wording.

Each kind module (``survey.kinds.<kind>``) ends with one :class:`Kind`; the registry
(:mod:`survey.kinds.registry`) lists them, one line per kind. The dispatchers read it:
:mod:`survey.kinds.charts` (pictures), :mod:`survey.kinds.table` (data tables) and
:mod:`survey.kinds.findings` (words).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from survey.model import ResultKind


def _none(result, column: str) -> None:
    return None


def _no_finding(result, lang: str) -> str:
    return ""


def _no_strength(result) -> int:
    return 0


def _no_evidence(result) -> float:
    return 1.0


@dataclass(frozen=True)
class Kind:
    """One result kind.

    ``draw(result, lang, size, wave_label, synthetic, source, theme) -> Figure`` (``None``:
    a table by nature, no chart); ``alt_text(result, lang, size) -> str`` the chart's
    text alternative; ``data_table(result, lang) -> DataFrame`` a table of its own
    (``None``: the generic layout of :mod:`survey.kinds.table`, refined by
    ``column_kind(result, column)`` and ``header_key(result, column)``, which return
    ``None`` to keep the generic choice); ``finding(result, lang) -> str`` its
    plain-language finding; ``strength(result)`` how firm that finding is (3 clear
    difference or change, 2 clear share, 0 none) and ``evidence(result)`` the smallest
    adjusted p of its clear claims (ranks key findings).
    """

    name: ResultKind
    draw: Callable | None = None
    alt_text: Callable | None = None
    data_table: Callable | None = None
    column_kind: Callable = _none
    header_key: Callable = _none
    finding: Callable = _no_finding
    strength: Callable = _no_strength
    evidence: Callable = _no_evidence
