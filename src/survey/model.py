"""Data contracts shared by every stage.

A reader returns a :class:`Dataset`: the frame exactly as the export holds it (one
row per respondent, one column per raw column, values still codes) and a
:class:`Meta` describing it. Nothing here does I/O.

Conventions
-----------
* ``Question.type`` is one of :data:`QUESTION_TYPES`.
* For a ``multi`` question each :class:`Option` names the frame column that holds it
  (``Option.column``). Readers of formats that join selections into one cell
  (Microsoft Forms ``A;B;``, Google Forms ``A, B``) split them into one boolean
  column per option; readers of one-column-per-option formats keep the raw cell
  values, and the normalise stage decides what counts as selected.
* ``Meta.source_rows`` gives, for each frame row, the row number the user sees in
  the source file (Excel row number, CSV line number, SPSS case number).
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import pandas as pd

QUESTION_TYPES = ("single", "multi", "likert", "numeric", "text", "date")


@dataclass(frozen=True)
class Option:
    """One answer option: a stable code, its label, and (multi) its column."""

    code: Any
    label: str
    column: str | None = None


@dataclass(frozen=True)
class Question:
    """One question as a reader or an instrument sees it.

    ``columns`` are the frame columns that hold the question (one for single,
    likert, numeric, text, date; one per option for multi, plus an optional
    free-text "other/examples" column in ``text_column``).
    ``missing`` holds user-missing codes (SPSS), kept apart from system-missing.
    """

    id: str
    text: str
    type: str
    options: tuple[Option, ...] = ()
    columns: tuple[str, ...] = ()
    missing: tuple[Any, ...] = ()
    text_column: str | None = None

    def to_dict(self) -> dict:
        return _to_plain(dataclasses.asdict(self))


@dataclass(frozen=True)
class Meta:
    """What a reader learnt about one export besides its values."""

    source: str
    format: str
    respondents: int
    questions: tuple[Question, ...] = ()
    encoding: str | None = None
    id_column: str | None = None
    source_rows: tuple[int, ...] = ()
    notes: tuple[str, ...] = ()
    extra: dict = field(default_factory=dict)

    def question(self, qid: str) -> Question:
        for q in self.questions:
            if q.id == qid:
                return q
        raise KeyError(qid)

    def to_dict(self) -> dict:
        data = _to_plain(dataclasses.asdict(self))
        data.pop("source_rows", None)
        return data


@dataclass(frozen=True)
class Dataset:
    """A frame and its metadata, travelling together."""

    frame: pd.DataFrame
    meta: Meta


def _to_plain(value: Any) -> Any:
    """Turn tuples, numpy scalars and other values into JSON-ready ones (missing -> None)."""
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, dict):
        return {str(k): _to_plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_to_plain(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        try:
            return value.item()
        except (AttributeError, ValueError):
            pass
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def to_json(value: Any) -> str:
    """Serialise plain data (dicts, lists, dataclasses) to stable, sorted JSON."""
    if dataclasses.is_dataclass(value):
        value = dataclasses.asdict(value)
    return json.dumps(_to_plain(value), ensure_ascii=False, indent=2, sort_keys=True)


class ResultKind(StrEnum):
    """What a :class:`Result` holds; each kind has one module in ``survey.kinds`` (its chart, table, words)."""

    SINGLE = "single"
    MULTI = "multi"
    LIKERT = "likert"
    LIKERT_SUMMARY = "likert_summary"
    NUMERIC = "numeric"
    BREAKDOWN = "breakdown"
    BREAKDOWN_NUMERIC = "breakdown_numeric"
    WAVE = "wave"
    INTERVIEW_CODES = "interview_codes"
    INTERVIEW_CODES_BY = "interview_codes_by"
    INTERVIEW_COOCCURRENCE = "interview_cooccurrence"
    INTERVIEW_QUOTES = "interview_quotes"
    TRIANGULATION = "triangulation"


# kinds read together (use these, not substrings of the kind's name)
GROUP_COMPARISONS = frozenset({ResultKind.BREAKDOWN, ResultKind.BREAKDOWN_NUMERIC})
INTERVIEW_KINDS = frozenset({ResultKind.INTERVIEW_CODES, ResultKind.INTERVIEW_CODES_BY,
                             ResultKind.INTERVIEW_COOCCURRENCE, ResultKind.INTERVIEW_QUOTES})
# comparisons across waves or data sources: the report gives them chapters of their own
ASIDE_KINDS = frozenset({ResultKind.WAVE, ResultKind.TRIANGULATION})


@dataclass(frozen=True)
class Result:
    """One analysed question: the single object that charts, tables, xlsx and prose read.

    ``table`` is tidy, codes not labels; its columns depend on ``kind`` (see
    ``survey.analysis``). ``labels`` maps language -> code -> label, ``title``
    maps language -> question text. ``n`` holds every denominator (for example
    ``respondents``, ``answering``, ``selections``, ``missing``). ``suppression``
    records the disclosure rule applied (``threshold``, ``suppressed`` cells, ``method``).
    """

    id: str
    kind: ResultKind | str
    dataset: str
    question: str
    title: dict
    table: pd.DataFrame
    n: dict
    labels: dict = field(default_factory=dict)
    test: dict | None = None
    suppression: dict = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    wave: str = ""
    synthetic: bool = False
    ordered: bool = False  # the codes have a natural order (a size class, a frequency): shown in it, never sorted

    def __post_init__(self) -> None:
        """``kind`` becomes its :class:`ResultKind` (a name no module knows is kept as given: no chart, no finding)."""
        try:
            object.__setattr__(self, "kind", ResultKind(self.kind))
        except ValueError:
            pass

    def to_dict(self) -> dict:
        data = {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.name != "table"}
        data["table"] = self.table.to_dict(orient="records")
        data["table_columns"] = [str(c) for c in self.table.columns]
        return _to_plain(data)

    @classmethod
    def from_dict(cls, data: dict) -> "Result":
        data = dict(data)
        columns = data.pop("table_columns", None)
        data["table"] = pd.DataFrame.from_records(data.get("table", []), columns=columns)
        data["notes"] = tuple(data.get("notes", ()))
        return cls(**data)
