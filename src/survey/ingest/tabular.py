"""Read spreadsheet and delimited-text exports (Webropol, Microsoft Forms, Google
Forms, LimeSurvey, SurveyMonkey, Qualtrics, Nettskjema, plain) into a Dataset.

The grid (:mod:`survey.ingest.grid`) and the header layout
(:mod:`survey.ingest.dialects`) are turned into questions here:

* columns are grouped into questions (two-row headers fill the question text to
  the right; one-row headers group ``Question [option]`` columns);
* a group whose columns hold only selection markers (1/blank, Y/blank, Oui/Non,
  1/0, the option's own label) is a ``multi`` question, one column per option; a
  free-text column inside it is the question's ``text_column``;
* a group of columns sharing a small set of answers is a battery: each item is
  its own question ``"question — item"`` (``likert`` when the answers form a
  scale);
* a lone column is typed from its values: dates, numbers, joined multi-select
  cells (``A;B;`` or ``A, B``), few distinct strings (``single``/``likert``) or
  free text.

Frame columns get unique keys ``c001``, ``c002`` ... in file order (joined
multi-select cells become ``c005_01`` ... boolean columns); the header texts
stay in the questions, exactly as in the file (whitespace-trimmed).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from survey.errors import InputError
from survey.ingest.codebook import codebook_codes, refusal
from survey.ingest.detect import slug
from survey.ingest.dialects import Layout, _norm, detect_dialect
from survey.ingest.grid import Grid, _column_letter, load_csv, load_xlsx
from survey.ingest.limesurvey_r import FORMAT, find_syntax_file, read_limesurvey_r
from survey.ingest.scales import _appearance_order, _label_text, _scale_evidence, _scale_order
from survey.model import Dataset, Meta, Option, Question

DASH = " — "

SELECTED = {"1", "x", "y", "yes", "oui", "ja", "kyllä", "true", "valittu", "selected", "checked", "✓", "✔",
            "vald", "sí", "si", "checked"}
UNSELECTED = {"0", "n", "no", "non", "nein", "ei", "nej", "false", "not selected", "ei valittu", "ej vald",
              "unchecked"}
NOT_SHOWN = {"n/a", "#n/a"}
MARKERS = SELECTED | UNSELECTED | NOT_SHOWN

OTHER_TEXT = re.compile(r"(esimerk|muu\b|muu,|muita|mikä\?|mitä\?|other|specify|annan|annat|vilk|exempel|"
                        r"autre|précise|example|kommentt|comment|perustel|tarkenn|\?\s*$)", re.I)

DATE_PATTERNS = [
    (re.compile(r"\d{1,2}\.\d{1,2}\.\d{4}"), ["%d.%m.%Y"]),
    (re.compile(r"\d{1,2}\.\d{1,2}\.\d{4} \d{1,2}[:.]\d{2}"), ["%d.%m.%Y %H:%M", "%d.%m.%Y %H.%M"]),
    (re.compile(r"\d{1,2}\.\d{1,2}\.\d{4} \d{1,2}[:.]\d{2}[:.]\d{2}"), ["%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H.%M.%S"]),
    (re.compile(r"\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?"), ["ISO8601"]),
    (re.compile(r"\d{1,2}/\d{1,2}/\d{4}( \d{1,2}:\d{2}(:\d{2})?( ?[AaPp][Mm])?)?"), ["slash"]),
    # Google Forms' own CSV download: 2025/08/29 5:17:56 PM GMT+3 (the zone is dropped)
    (re.compile(r"\d{4}/\d{1,2}/\d{1,2}( \d{1,2}:\d{2}(:\d{2})?( ?[AaPp][Mm])?)?( [A-Z]{2,5}([+-]\d{1,2}(:?\d{2})?)?)?"),
     ["ymd-slash"]),
]
DATE_HEADER = re.compile(r"(aika|date|time|pvm|päivämäärä|päiväys|timestamp|datum|tidpunkt|submitted|"
                         r"horodat|zeitstempel|datestamp)", re.I)
_ZONE = re.compile(r"(Z|[+-]\d{2}:?\d{2})$")
NUMBER = re.compile(r"[-+]?(\d+|\d{1,3}( \d{3})+)([.,]\d+)?|[-+]?[.,]\d+")

MAX_SINGLE_OPTIONS = 30


class _Col:
    """A raw column during typing: its frame key, header texts and cleaned values.

    A column of a large text file arrives as a pyarrow array and is kept as
    ``codes`` (one per data row, -1 for blank) into its distinct values in order
    of first appearance; ``values`` (one per data row, None for blank) is then
    built only when a rare path asks for it, and the common conversions map the
    distinct values once and take them by code (:func:`_take`).
    """

    def __init__(self, key: str, index: int, top: str, sub: str, code: str, values: list | None,
                 import_id: str = "", hint: str = "", coded: tuple | None = None):
        self.key = key
        self.index = index
        self.top = top
        self.sub = sub
        self.code = code
        self.import_id = import_id
        self.hint = hint
        self.stem = ""  # the tool's question code when columns were grouped by their codes (Q4 of Q4_1)
        self.item = ""  # the option's own code in that grouping (1 of Q4_1)
        self._values = values
        self.codes = None
        if coded is not None:
            self.codes, self._uniques = _first_appearance(*coded)

    @property
    def values(self) -> list:
        if self._values is None:
            self._values = _take_objects(self, self._uniques).tolist()
        return self._values

    @cached_property
    def filled(self) -> list:
        if self.codes is not None:
            return _objects(self._uniques)[self.codes[self.codes >= 0]].tolist()
        return [v for v in self.values if v is not None]

    @cached_property
    def n_filled(self) -> int:
        if self.codes is not None:
            return int(np.count_nonzero(self.codes >= 0))
        return len(self.filled)

    @cached_property
    def unique(self) -> list:
        """Distinct filled values in order of first appearance (typing looks at these, not every cell)."""
        if self.codes is not None:
            return list(self._uniques)
        return list(dict.fromkeys(self.filled))

    @cached_property
    def counts(self) -> Counter:
        if self.codes is not None:
            tally = np.bincount(self.codes[self.codes >= 0], minlength=len(self._uniques)).tolist()
            return Counter(dict(zip(self._uniques, tally)))
        return Counter(self.filled)

    def distinct_norm(self) -> set[str]:
        if "_norms" not in self.__dict__:
            self.__dict__["_norms"] = {_value_norm(v) for v in self.unique}
        return self.__dict__["_norms"]


def _first_appearance(codes: np.ndarray, values: list) -> tuple[np.ndarray, list]:
    """Codes renumbered so that the distinct values present are in order of first appearance."""
    n = len(codes)
    filled = codes >= 0
    first = np.full(len(values), n, dtype=np.intp)
    np.minimum.at(first, codes[filled], np.flatnonzero(filled))
    present = np.flatnonzero(first < n)
    order = present[np.argsort(first[present], kind="stable")]
    remap = np.full(len(values) + 1, -1, dtype=np.intp)
    remap[order] = np.arange(len(order), dtype=np.intp)
    return remap[codes], [values[i] for i in order.tolist()]


def _objects(mapped: list) -> np.ndarray:
    """``mapped`` (one per distinct value) as an object array with a trailing None for code -1."""
    out = np.empty(len(mapped) + 1, dtype=object)
    out[:-1] = mapped if mapped else []
    out[-1] = None
    return out


def _take_objects(col: _Col, mapped: list) -> np.ndarray:
    """One object per data row: ``mapped[code]``, None where blank (column with codes only)."""
    return _objects(mapped)[col.codes]


def _take_strings(col: _Col, mapped: list):
    """A pandas string array of ``mapped[code]`` per data row (column with codes only), the same array
    ``pd.array(cells, dtype="string")`` gives."""
    dtype = pd.StringDtype()
    if dtype.storage != "pyarrow" or dtype.na_value is not pd.NA:
        return pd.array(_take_objects(col, mapped), dtype="string")
    blank = col.codes < 0
    indices = pa.array(col.codes, mask=blank) if blank.any() else pa.array(col.codes)
    taken = pa.array(mapped, type=pa.large_string()).take(indices)
    return pd.arrays.ArrowStringArray(pa.chunked_array([taken]))


def _take_numbers(col: _Col, mapped: list, dtype: str):
    """A nullable Int64/Float64 array of ``mapped[code]`` (None = NA) per data row, as ``pd.array`` of the
    cell list builds it (column with codes only)."""
    integer = dtype == "Int64"
    fill = 1 if integer else np.nan
    na = [m is None for m in mapped] + [True]
    data = np.array([fill if m is None else m for m in mapped] + [fill], dtype=np.int64 if integer else np.float64)
    values = data[col.codes]
    mask = np.array(na, dtype=bool)[col.codes]
    if integer:
        return pd.arrays.IntegerArray(values, mask)
    return pd.arrays.FloatingArray(values, mask)


@dataclass
class _Built:
    questions: list[Question] = field(default_factory=list)
    frame: dict = field(default_factory=dict)  # key -> pandas Series / list
    multi_values: dict = field(default_factory=dict)
    ids: Counter = field(default_factory=Counter)
    why: dict = field(default_factory=dict)  # question id -> the evidence for its type, for `survey inspect`


def _add(built: _Built, question: Question, why: str) -> None:
    """Append ``question`` with the sentence saying why it got its type."""
    built.questions.append(question)
    built.why[question.id] = why


def _span(cols: list) -> str:
    """``Q4_1..Q4_12`` (the tool's codes), else ``c003..c012 (C..L)`` (frame keys and the file's columns)."""
    keys = [c.code or (c.top if c.stem else "") for c in cols]
    if all(keys):
        return keys[0] if len(keys) == 1 else f"{keys[0]}..{keys[-1]}"
    first, last = cols[0], cols[-1]
    if len(cols) == 1:
        return f"{first.key} ({_column_letter(first.index)})"
    return f"{first.key}..{last.key} ({_column_letter(first.index)}..{_column_letter(last.index)})"


def _show(values, limit: int = 4) -> str:
    shown = [f"'{v}'" for v in list(values)[:limit]]
    return ", ".join(shown) + (f" (+{len(values) - limit})" if len(values) > limit else "")


def _value_norm(value) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return str(int(value)) if float(value).is_integer() else str(value)
    return _norm(value)


def slugify(text: str, limit: int = 48) -> str:
    """A stable ASCII id from a header text: lower case, words joined with ``-`` (:func:`detect.slug`)."""
    return slug(text, "-", limit)


# --------------------------------------------------------------------------- entry points

def load_grid(path: Path, kind: str, sheet: str | None = None) -> Grid:
    """The raw grid of an xlsx or csv file."""
    return load_xlsx(path, sheet) if kind == "xlsx" else load_csv(path)


def detect_tabular(path: Path, kind: str, sheet: str | None = None) -> str:
    """The format name (``webropol-xlsx``, ``msforms-csv``, ``csv``, ``codebook`` ...) of a tabular file."""
    grid = load_grid(path, kind, sheet)
    if codebook_codes(grid) is not None:
        return "codebook"
    if kind == "csv":
        if find_syntax_file(Path(path), grid.width) is not None:
            return FORMAT
    return _format_name(detect_dialect(grid).dialect, kind)


def _format_name(dialect: str, kind: str) -> str:
    return kind if dialect == "generic" else f"{dialect}-{kind}"


def read_tabular(path: Path, kind: str, dialect: str | None = None, sheet: str | None = None) -> Dataset:
    """Read an xlsx or csv export; ``dialect`` forces a tool's layout instead of recognising it."""
    path = Path(path)
    grid = load_grid(path, kind, sheet)
    codes = codebook_codes(grid) if dialect is None else None
    if codes is not None:
        raise InputError(refusal(codes), file=str(path))
    if kind == "csv" and dialect in (None, "limesurvey"):
        syntax = find_syntax_file(path, grid.width)
        if syntax is not None:
            return read_limesurvey_r(path, syntax, grid)
    layout = detect_dialect(grid, force=dialect)
    numbers = grid.row_numbers[layout.header_rows:]
    if not numbers:
        raise InputError("the file has header rows but no responses", file=str(path))
    decimal_comma = grid.kind == "csv" and grid.delimiter != ","
    if grid.columns is not None:
        h = layout.header_rows
        cols = [_Col(f"c{j + 1:03d}", c.index, c.top, c.sub, c.code, None, c.import_id, c.hint,
                     coded=(grid.columns[c.index].codes[h:], grid.columns[c.index].values))
                for j, c in enumerate(layout.columns)]
    else:
        data_rows = grid.rows[layout.header_rows:]
        cols = [_Col(f"c{j + 1:03d}", c.index, c.top, c.sub, c.code, [r[c.index] for r in data_rows],
                     c.import_id, c.hint) for j, c in enumerate(layout.columns)]
    built = _Built()
    id_key = None
    for group_top, group in _group_columns(cols, layout):
        if layout.id_index is not None and len(group) == 1 and group[0].index == layout.id_index:
            id_key = group[0].key
            if group[0].codes is not None:
                built.frame[id_key] = _take_strings(group[0], [_id_text(v) for v in group[0].unique])
            else:
                built.frame[id_key] = pd.array([_id_text(v) for v in group[0].values], dtype="string")
            _add(built, Question(id=_new_id(built, group_top), text=group_top, type="text", columns=(id_key,)),
                 f"respondent id: the header '{group_top}' names the respondent id")
            continue
        _build_group(built, group_top, group, layout, decimal_comma)
    frame = pd.DataFrame(built.frame)
    frame.index = pd.RangeIndex(len(frame))
    if id_key is not None:
        dupes = frame[id_key].dropna()
        dupes = dupes[dupes.duplicated()]
        notes_dupes = [f"respondent id repeats: {', '.join(map(str, dupes.unique()[:5]))}"] if len(dupes) else []
    else:
        notes_dupes = []
    identifiers = [cols[i].key for i in layout.identifiers if i < len(cols)]
    duplicates = _duplicate_headers(built.questions)
    if duplicates:
        notes_dupes += [f"the header '{text}' appears in {len(keys)} columns ({', '.join(keys)})"
                        for text, keys in duplicates.items()]
    extra = {"dialect": layout.dialect, "header_rows": layout.header_rows,
             "identifier_columns": identifiers, "multi_values": built.multi_values,
             "duplicate_headers": duplicates, "evidence": built.why}
    if grid.sheet:
        extra["sheet"] = grid.sheet
    if grid.delimiter:
        extra["delimiter"] = grid.delimiter
    meta = Meta(
        source=str(path), format=_format_name(layout.dialect, kind), respondents=len(frame),
        questions=tuple(built.questions), encoding=grid.encoding if kind == "csv" else None,
        id_column=id_key, source_rows=tuple(int(n) for n in numbers),
        notes=tuple(layout.notes + grid.notes + notes_dupes), extra=extra)
    return Dataset(frame, meta)


def _duplicate_headers(questions: list[Question]) -> dict[str, list[str]]:
    """Question texts that more than one question carries (a column pasted twice), with their columns."""
    seen: dict[str, list[str]] = {}
    for q in questions:
        seen.setdefault(q.text, []).extend(q.columns[:1])
    return {text: keys for text, keys in seen.items() if len(keys) > 1}


def _id_text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# --------------------------------------------------------------------------- grouping

def _group_columns(cols: list[_Col], layout: Layout) -> list[tuple[str, list[_Col]]]:
    """Columns grouped into questions, each with the group's question text."""
    groups: list[tuple[str, list[_Col]]] = []
    if layout.grouping == "fill":
        for col in cols:
            if col.top:
                groups.append((col.top, [col]))
            elif groups and groups[-1][1][0].index != layout.id_index:
                groups[-1][1].append(col)
            else:
                groups.append((col.sub or f"Column {col.index + 1}", [col]))
        return groups
    if layout.grouping == "codes":
        return _group_by_codes(cols, layout)
    if layout.grouping == "brackets":
        for col in cols:
            match = re.fullmatch(r"(.*\S)\s*\[([^\[\]]+)\]", col.top)
            if match and col.index != layout.id_index:
                stem, item = match.group(1), match.group(2).strip()
                col.sub = item
                if groups and groups[-1][0] == stem:
                    groups[-1][1].append(col)
                    continue
                groups.append((stem, [col]))
            else:
                groups.append((col.top or f"Column {col.index + 1}", [col]))
        return _group_by_stems(groups, layout)
    return [(col.top or col.code or f"Column {col.index + 1}", [col]) for col in cols]


# Qualtrics column codes: Q4_1 (choice 1 of Q4), Q4_12_TEXT (its text entry), Q1#1_1 (side by side: set 1, row 1)
_QUALTRICS_CODE = re.compile(r"(?P<stem>.+?(?:#\d+)?)_(?P<item>\d+)(?P<text>_TEXT)?")


def _group_by_codes(cols: list[_Col], layout: Layout) -> list[tuple[str, list[_Col]]]:
    """Qualtrics: consecutive columns whose codes share a question code (``Q4_1`` ... ``Q4_12``) form one
    group; the question text is what their second-row texts share before `` - ``, the option text the rest."""
    runs: list[list[_Col]] = []
    for col in cols:
        match = _QUALTRICS_CODE.fullmatch(col.code or "") if col.index != layout.id_index else None
        if match:
            col.stem, col.item = match.group("stem"), match.group("item")
            if runs and runs[-1][0].stem == col.stem:
                runs[-1].append(col)
                continue
        runs.append([col])
    groups = []
    for run in runs:
        if len(run) < 2 or not run[0].stem:
            for col in run:
                col.stem = col.item = ""
                groups.append((col.top or col.code or f"Column {col.index + 1}", [col]))
            continue
        top, subs = _split_shared_text([c.top for c in run], run[0].stem)
        for col, sub in zip(run, subs):
            col.sub = sub or col.item
        groups.append((top, run))
    return groups


def _split_shared_text(texts: list[str], fallback: str) -> tuple[str, list[str]]:
    """(shared question text, each column's own text) from texts like ``Q - Selected Choice - A``."""
    parts = [t.split(" - ") for t in texts]
    shared = 0
    while all(len(p) > shared + 1 for p in parts) and len({p[shared] for p in parts}) == 1:
        shared += 1
    if not shared:
        return fallback, texts
    rest = []
    for p in parts:
        own = p[shared:]
        if len(own) > 1 and own[0].strip().lower() in ("selected choice", "valittu vaihtoehto", "ausgewählte auswahl",
                                                       "vald svarsalternativ", "choix sélectionné"):
            own = own[1:]
        rest.append(" - ".join(own))
    return " - ".join(parts[0][:shared]), rest


_STEM = re.compile(r"(?P<stem>.+?)[_.](?P<item>[^_.\s]+)")
_DOT_STEM = re.compile(r"(?P<stem>.+)\.(?P<item>[^.\s]+)")


def _group_by_stems(groups: list[tuple[str, list[_Col]]], layout: Layout) -> list[tuple[str, list[_Col]]]:
    """Runs of one-column groups whose headers are codes sharing a stem (``q5_1``, ``q5_2``; Nettskjema's
    ``checkbox.events``, ``checkbox.logs``) become one group when they hold only selection markers
    (Nettskjema: also a rating battery such as ``radio_matrix.grants``)."""
    pattern = _DOT_STEM if layout.dialect == "nettskjema" else _STEM
    out: list[tuple[str, list[_Col]]] = []
    run: list[_Col] = []

    def flush():
        if len(run) >= 2 and (all(_is_dichotomy(c) for c in run)
                              or (layout.dialect == "nettskjema" and all(_is_battery_item(c, True) for c in run))):
            for col in run:
                col.sub = col.item
            out.append((run[0].stem, list(run)))
        else:
            for col in run:
                col.stem = col.item = ""
                out.append((col.top or f"Column {col.index + 1}", [col]))
        run.clear()

    for top, group in groups:
        col = group[0]
        match = pattern.fullmatch(col.top) if len(group) == 1 and not col.sub and col.index != layout.id_index \
            and " " not in col.top else None
        if match and run and match.group("stem") == run[0].stem:
            col.stem, col.item = match.group("stem"), match.group("item")
            run.append(col)
            continue
        flush()
        if match:
            col.stem, col.item = match.group("stem"), match.group("item")
            run.append(col)
        else:
            out.append((top, group))
    flush()
    return out


# --------------------------------------------------------------------------- typing

def _is_dichotomy(col: _Col) -> bool:
    """Whether a column holds only selection markers (or the option's own label)."""
    allowed = MARKERS | ({_norm(col.sub)} if col.sub else set())
    return col.distinct_norm() <= allowed


def _is_mostly_dichotomy(col: _Col) -> bool:
    """Selection markers in at least 80 % of the filled cells: an option column with a few stray values,
    kept as an option so that validation can point at the stray cells."""
    if not col.n_filled:
        return True
    allowed = MARKERS | ({_norm(col.sub)} if col.sub else set())
    hits = sum(n for v, n in col.counts.items() if _value_norm(v) in allowed)
    return hits > 0 and hits >= 0.8 * col.n_filled


def _is_free_text(col: _Col) -> bool:
    if _is_text_code(col):
        return True
    if not col.n_filled:
        return bool(col.sub) and bool(OTHER_TEXT.search(col.sub))
    return all(isinstance(v, str) and not NUMBER.fullmatch(v) for v in col.unique) and not _is_dichotomy(col)


def _new_code_id(built: _Built, code: str) -> str:
    """An id from a tool's own variable code (``Q3_TEXT`` -> ``q3_text``)."""
    base = slug(code, "_")
    built.ids[base] += 1
    return base if built.ids[base] == 1 else f"{base}_{built.ids[base]}"


def _new_id(built: _Built, text: str) -> str:
    base = slugify(text)
    built.ids[base] += 1
    return base if built.ids[base] == 1 else f"{base}-{built.ids[base]}"


def _build_group(built: _Built, top: str, group: list[_Col], layout: Layout, decimal_comma: bool) -> None:
    if len(group) == 1 and not group[0].sub:
        _build_single_column(built, top, group[0], layout, decimal_comma)
        return
    if len(group) == 1 and (layout.grouping == "brackets" or not _is_dichotomy(group[0])
                            or not group[0].n_filled):
        col = group[0]
        if not col.sub or col.sub == top:
            text = top
        elif layout.grouping == "brackets":
            text = f"{top} [{col.sub}]"  # LimeSurvey's own header, as the file shows it
        else:
            text = f"{top}{DASH}{col.sub}"
        _build_single_column(built, text, col, layout, decimal_comma)
        return
    if not group[0].sub and layout.grouping == "brackets":
        # A "Question" column followed by "Question [Other]" columns (LimeSurvey list with other).
        base, others = group[0], group[1:]
        free = [c for c in others if _is_free_text(c)]
        _build_single_column(built, top, base, layout, decimal_comma,
                             text_column=free[0].key if free else None)
        for col in others:
            if free and col is free[0]:
                built.frame[col.key] = _string_array(col)
                continue
            _build_single_column(built, f"{top} [{col.sub}]", col, layout, decimal_comma)
        return
    dich = [c for c in group if _is_dichotomy(c) and not _is_text_code(c)
            and not (c is group[-1] and not c.n_filled and c.sub and OTHER_TEXT.search(c.sub) and len(group) > 2)]
    rest = [c for c in group if c not in dich]
    free = [c for c in rest if _is_free_text(c)]
    stray = [c for c in rest if c not in free and _is_mostly_dichotomy(c)]
    if dich and stray and len(dich) >= len(stray):
        dich = [c for c in group if c in dich or c in stray]
        rest = [c for c in group if c not in dich]
    if dich and len(rest) == len(free) and len(free) <= 2:
        _build_multi(built, top, dich, free, layout)
        return
    by_codes = layout.grouping == "codes" or bool(group[0].stem)
    if not dich and len(group) >= 2 and all(_is_battery_item(c, by_codes) for c in group):
        _build_battery(built, top, group, decimal_comma, layout)
        return
    for col in group:
        if by_codes and col.top:
            text = col.top
        else:
            text = f"{top}{DASH}{col.sub}" if col.sub and col.sub != top else top
        _build_single_column(built, text, col, layout, decimal_comma)


def _build_multi(built: _Built, top: str, options: list[_Col], free: list[_Col], layout: Layout) -> None:
    stem = options[0].stem
    qid = _new_code_id(built, stem) if stem and options[0].code else _new_id(built, stem or top)
    # Codes grouped by their column codes keep the tool's own option codes (Qualtrics' recode values
    # Q4_1, Q4_2, Q4_4 ... skip numbers); other layouts number the options 1, 2, 3 in file order.
    own = stem and all(c.item.isdigit() for c in options) and len({c.item for c in options}) == len(options)
    opts = []
    values: Counter = Counter()
    for k, col in enumerate(options, start=1):
        opts.append(Option(code=int(col.item) if own else k, label=col.sub or col.top, column=col.key))
        built.frame[col.key] = _raw_series(col)
        values.update(col.distinct_norm())
    text_column = free[0].key if free else None
    for col in free:
        built.frame[col.key] = _text_array(col)
    for col in free[1:]:
        _add(built, Question(id=_new_id(built, f"{top} {col.sub}"), text=f"{top}{DASH}{col.sub}", type="text",
                             columns=(col.key,)), "text: a free-text column beside the options of a multi-select")
    selected = sorted(v for v in values if v in SELECTED or v not in MARKERS)
    built.multi_values[qid] = {"selected": selected,
                               "unselected": sorted(v for v in values if v in UNSELECTED),
                               "not_shown": sorted(v for v in values if v in NOT_SHOWN)}
    columns = tuple(c.key for c in options)
    shared = f"share the code {stem}" if stem else (
        "share the question text" if layout.grouping == "fill" else f"share the question '{_clip(top)}'")
    shown = "/".join(sorted({v for v in values} | {"blank"}, key=lambda v: (v == "blank", v)))
    why = f"multi: {len(options)} columns {_span(options)} {shared} and hold only {shown}"
    if text_column:
        why += f"; free text in {free[0].code or free[0].key}"
    _add(built, Question(id=qid, text=top, type="multi", options=tuple(opts), columns=columns,
                         text_column=text_column), why)


def _clip(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _is_text_code(col: _Col) -> bool:
    """A column the tool marks as free text by its code (Qualtrics ``Q4_12_TEXT``)."""
    return bool(col.code) and col.code.upper().endswith("_TEXT")


def _raw_series(col: _Col):
    """A one-per-option column kept as the file holds it (numbers as Int64 where whole)."""
    filled = col.unique
    if col.codes is not None and filled and all(isinstance(v, str) for v in filled):
        if all(v.strip() in ("0", "1") for v in filled):
            return _take_numbers(col, [int(v) for v in filled], "Int64")
        return _take_strings(col, filled)
    if filled and all(isinstance(v, (int, float)) and not isinstance(v, bool) and float(v).is_integer()
                      for v in filled):
        return pd.array([None if v is None else int(v) for v in col.values], dtype="Int64")
    if filled and all(isinstance(v, str) and v.strip() in ("0", "1") for v in filled):
        return pd.array([None if v is None else int(v) for v in col.values], dtype="Int64")
    return pd.array([None if v is None else str(v) for v in col.values], dtype="string") \
        if all(isinstance(v, str) for v in filled) else pd.Series(col.values, dtype=object).array


def _is_battery_item(col: _Col, by_codes: bool = False) -> bool:
    """Whether a column looks like one item of a rating battery: few, short, repeated answers (``by_codes``:
    the tool's codes already say the columns are one question's items, so answers need not repeat)."""
    if not col.n_filled:
        return True
    distinct = col.distinct_norm()
    all_unique = not by_codes and len(col.unique) == col.n_filled and col.n_filled >= 3
    return len(distinct) <= 12 and not all_unique and max(len(str(v)) for v in col.unique) <= 80


def _build_battery(built: _Built, top: str, group: list[_Col], decimal_comma: bool, layout: Layout) -> None:
    """Each item of a battery becomes its own question, ``likert`` when the answers form a scale."""
    shared = set().union(*(c.distinct_norm() for c in group))
    labels = list(dict.fromkeys(v for c in group for v in c.unique))
    scale = _scale_order(labels)
    numeric = all(_as_number(v, decimal_comma) is not None for v in labels) and labels
    likert = scale is not None or (len(group) >= 3 and 3 <= len(shared) <= 7)
    where = f"item of a battery of {len(group)} columns {_span(group)}"
    if numeric:
        nums = [_as_number(v, decimal_comma) for v in labels]
        likert = all(float(n).is_integer() for n in nums) and max(nums) - min(nums) <= 10
        why = (f"likert: {where} sharing the whole numbers {_number(min(nums))}–{_number(max(nums))}" if likert
               else f"numeric: {where}; answers are numbers {_number(min(nums))}–{_number(max(nums))}")
    elif scale is not None:
        why = f"likert: {where}; {_scale_evidence(scale)}"
    elif likert:
        why = f"likert: {where} sharing {len(shared)} answers ({_show(labels)})"
    else:
        why = f"single: {where} sharing {len(shared)} answers"
    for col in group:
        if layout.grouping == "codes" and col.top:
            text = col.top  # the tool's own header ("Agree - Grants are fair")
        else:
            text = f"{top}{DASH}{col.sub}" if col.sub else top
        if col.stem:  # the tool's own codes: Qualtrics Q1#1_1, Nettskjema radio_matrix.grants
            qid = _new_code_id(built, col.code) if col.code else _new_id(built, col.top)
        else:
            qid = _new_id(built, col.sub or text)
        if numeric:
            series = _numeric_series(col, decimal_comma)
            built.frame[col.key] = series
            if likert:
                codes = sorted({int(v) for v in series.dropna()} | {int(_as_number(v, decimal_comma))
                                                                    for v in labels})
                opts = tuple(Option(code=c, label=str(c)) for c in codes)
            else:
                opts = ()
            _add(built, Question(id=qid, text=text, type="likert" if likert else "numeric", options=opts,
                                 columns=(col.key,)), why)
            continue
        built.frame[col.key] = _string_array(col)
        order = scale if scale is not None else _appearance_order(labels)
        opts = tuple(Option(code=label, label=label) for label in order)
        _add(built, Question(id=qid, text=text, type="likert" if likert else "single", options=opts,
                             columns=(col.key,)), why)


def _number(value) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _string_array(col: _Col):
    """The column as a pandas string array (numbers written as the user sees them)."""
    if col.codes is not None:
        return _take_strings(col, [_label_text(v) for v in col.unique])
    if all(isinstance(v, str) for v in col.unique):
        return pd.array(col.values, dtype="string")
    return pd.array([None if v is None else _label_text(v) for v in col.values], dtype="string")


def _text_array(col: _Col):
    """The cells as they are in a pandas string array (``pd.array(col.values, dtype="string")``)."""
    if col.codes is not None:
        return _take_strings(col, col.unique)
    return pd.array(col.values, dtype="string")


# --------------------------------------------------------------------------- single columns

def _as_number(value, decimal_comma: bool):
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float, np.integer, np.floating)):
        return value
    if not isinstance(value, str) or not NUMBER.fullmatch(value):
        return None
    text = value.replace(" ", "")
    if "," in text:
        if not decimal_comma or "." in text:
            return None
        text = text.replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        return None
    return int(number) if number.is_integer() and "." not in text else number


def _numeric_series(col: _Col, decimal_comma: bool):
    lookup = {v: _as_number(v, decimal_comma) for v in col.unique}
    if col.codes is not None:
        mapped = [lookup[v] for v in col.unique]
        if all(n is None or float(n).is_integer() for n in mapped):
            ints = [None if n is None else int(n) for n in mapped]
            if all(n is None or -2**63 <= n < 2**63 for n in ints):
                return _take_numbers(col, ints, "Int64")
        else:
            return _take_numbers(col, [None if n is None else float(n) for n in mapped], "Float64")
    nums = [None if v is None else lookup[v] for v in col.values]
    if all(n is None or float(n).is_integer() for n in lookup.values()):
        return pd.array([None if n is None else int(n) for n in nums], dtype="Int64")
    return pd.array([None if n is None else float(n) for n in nums], dtype="Float64")


def _parse_dates(col: _Col) -> pd.Series | None:
    """The column as datetimes if every filled value is a date or a date-like string."""
    filled = col.unique
    if not filled:
        return None
    if col.codes is None and all(isinstance(v, (dt.datetime, dt.date)) for v in filled):
        return pd.to_datetime(pd.Series([pd.NaT if v is None else v for v in col.values], dtype=object))
    if all(isinstance(v, dt.time) for v in filled):
        return None
    if not all(isinstance(v, str) for v in filled):
        return None
    for pattern, formats in DATE_PATTERNS:
        if all(pattern.fullmatch(v) for v in filled):
            if col.codes is not None:
                series = pd.Series(_take_objects(col, filled), dtype=object)
            else:
                series = pd.Series([None if v is None else v for v in col.values], dtype=object)
            for fmt in formats:
                if fmt == "slash":
                    dayfirst = any(int(v.split("/")[0]) > 12 for v in filled)
                    parsed = pd.to_datetime(series, errors="coerce", dayfirst=dayfirst, format="mixed")
                elif fmt == "ymd-slash":
                    bare = series.map(lambda v: None if v is None else re.sub(r" [A-Z]{2,5}([+-][\d:]+)?$", "", v))
                    parsed = pd.to_datetime(bare, errors="coerce", format="mixed")
                elif fmt == "ISO8601":
                    # the respondent's own clock time is kept; offsets (which differ across DST) are dropped
                    bare = series.map(lambda v: None if v is None else _ZONE.sub("", v))
                    parsed = pd.to_datetime(bare, errors="coerce", format=fmt)
                else:
                    parsed = pd.to_datetime(series, errors="coerce", format=fmt)
                if parsed.notna().sum() == col.n_filled:
                    return parsed
    return None


def _excel_serial_dates(col: _Col, decimal_comma: bool) -> pd.Series | None:
    """Excel serial day numbers (1900 date system) in a column whose header names a date."""
    if not DATE_HEADER.search(f"{col.top} {col.sub} {col.code}"):
        return None
    lookup = {v: _as_number(v, decimal_comma) for v in col.unique}
    filled = list(lookup.values())
    if not filled or any(n is None for n in filled) or not all(20000 <= n <= 80000 for n in filled):
        return None
    nums = [None if v is None else lookup[v] for v in col.values]
    days = pd.Series([np.nan if n is None else float(n) for n in nums], dtype="float64")
    return pd.to_datetime(days, unit="D", origin="1899-12-30").dt.round("s")


def _split_joined(col: _Col, sep: str, trailing: bool) -> list[list[str]] | None:
    """Each cell's selections when the column joins them (``A;B;`` or ``A, B``), else None."""
    filled = col.unique
    if not filled or not all(isinstance(v, str) for v in col.unique):
        return None
    strip = sep.strip()
    if trailing:
        if not all(v.endswith(strip) for v in filled):
            return None
        return [None if v is None else [p.strip() for p in v.split(strip) if p.strip()] for v in col.values]
    if not any(sep in v for v in filled):
        return None
    parts = [None if v is None else [p.strip() for p in v.split(sep) if p.strip()] for v in col.values]
    parts = _rejoin_continuations(parts, sep)
    if not any(p and len(p) > 1 for p in parts):
        return None  # every cell is one answer holding the separator: free text, not joined selections
    tokens = Counter(t for p in parts if p for t in p)
    whole = set(filled)
    # Free text with commas gives many one-off fragments; a multi-select repeats a few options.
    repeated = sum(c for t, c in tokens.items() if c >= 2 or t in whole)
    if len(tokens) > max(12, col.n_filled // 3) or repeated < 0.8 * sum(tokens.values()):
        return None
    return parts


def _rejoin_continuations(parts: list, sep: str) -> list:
    """Join back an option that holds the separator itself (Google Forms joins ``Yes, but rarely`` and
    ``Other`` as ``Yes, but rarely, Other``): a piece that starts in lower case and always follows the
    same piece is the rest of that option, not an option of its own."""
    while True:
        before: dict[str, set] = {}
        for p in parts:
            for i, t in enumerate(p or ()):
                before.setdefault(t, set()).add(p[i - 1] if i else None)
        tails = {t for t, prev in before.items() if t[:1].islower() and len(prev) == 1 and None not in prev}
        if not tails:
            return parts
        merged = []
        for p in parts:
            if not p:
                merged.append(p)
                continue
            out: list[str] = []
            for t in p:
                if t in tails and out:
                    out[-1] = f"{out[-1]}{sep}{t}"
                else:
                    out.append(t)
            merged.append(out)
        parts = merged


def _build_single_column(built: _Built, text: str, col: _Col, layout: Layout, decimal_comma: bool,
                         text_column: str | None = None) -> None:
    if text_column is not None:
        _build_single_column(built, text, col, layout, decimal_comma)
        q = built.questions[-1]
        built.questions[-1] = Question(id=q.id, text=q.text, type=q.type, options=q.options, columns=q.columns,
                                       missing=q.missing, text_column=text_column)
        return
    if layout.dialect == "qualtrics" and col.code:
        qid = _new_code_id(built, col.code)
    else:
        qid = _new_id(built, text)
    not_shown: tuple = ()
    if layout.dialect == "limesurvey":
        # LimeSurvey writes a literal "N/A" where the question was not shown to the respondent.
        hidden = sorted({v for v in col.unique if isinstance(v, str) and _norm(v) in NOT_SHOWN})
        if hidden and len(hidden) < len(set(map(str, col.unique))):
            not_shown = tuple(hidden)
            raw = col
            col = _Col(col.key, col.index, col.top, col.sub, col.code,
                       [None if v in hidden else v for v in col.values], col.import_id)
    n_before = len(built.questions)
    _type_single_column(built, qid, text, col, layout, decimal_comma)
    if not_shown:
        q = built.questions[n_before]
        if q.type in ("single", "likert", "text"):
            built.frame[col.key] = _string_array(raw)
        built.questions[n_before] = Question(id=q.id, text=q.text, type=q.type, options=q.options,
                                             columns=q.columns, missing=not_shown, text_column=q.text_column)


def _type_single_column(built: _Built, qid: str, text: str, col: _Col, layout: Layout,
                        decimal_comma: bool) -> None:
    filled = col.n_filled
    if layout.dialect == "qualtrics" and _qualtrics_typed(built, qid, text, col):
        return
    if layout.joined:
        parts = _split_joined(col, layout.joined, layout.joined_trailing)
        if parts is not None:
            _build_joined_multi(built, qid, text, col, parts, layout.joined)
            return
    dates = _parse_dates(col)
    how = "every filled cell is a date"
    if dates is None:
        dates = _excel_serial_dates(col, decimal_comma)
        how = "the header names a date and the cells are Excel day numbers"
    if dates is not None:
        built.frame[col.key] = dates.astype("datetime64[us]").array
        _add(built, Question(id=qid, text=text, type="date", columns=(col.key,)), f"date: {how}")
        return
    if filled and all(_as_number(v, decimal_comma) is not None for v in col.unique):
        built.frame[col.key] = series = _numeric_series(col, decimal_comma)
        low, high = series.min(), series.max()
        _add(built, Question(id=qid, text=text, type="numeric", columns=(col.key,)),
             f"numeric: every filled cell is a number ({_number(low)}–{_number(high)})")
        return
    n = filled
    labels = list(dict.fromkeys(_label_text(v) for v in col.unique))
    built.frame[col.key] = _string_array(col)
    if not filled:
        _add(built, Question(id=qid, text=text, type="text", columns=(col.key,)),
             "text: the column holds no answers")
        return
    scale = _scale_order(labels)
    if scale is not None:
        opts = tuple(Option(code=v, label=v) for v in scale)
        _add(built, Question(id=qid, text=text, type="likert", options=opts, columns=(col.key,)),
             f"likert: {_scale_evidence(scale)}")
        return
    long_text = max(len(v) for v in labels) > 80
    all_unique = len(labels) == n and n >= 3
    if col.hint == "text" or (n <= 2 and all(" " in v for v in labels)):
        why = "the tool marks it as an open-ended response" if col.hint == "text" else \
            f"{n} answer(s) written as sentences"
        _add(built, Question(id=qid, text=text, type="text", columns=(col.key,)), f"text: {why}")
        return
    if not long_text and not all_unique and len(labels) <= min(MAX_SINGLE_OPTIONS, max(3, n // 2)):
        opts = tuple(Option(code=v, label=v) for v in _appearance_order(labels))
        _add(built, Question(id=qid, text=text, type="single", options=opts, columns=(col.key,)),
             f"single: {len(labels)} distinct answers repeat in {n} filled cells")
        return
    why = (f"an answer of {max(len(v) for v in labels)} characters" if long_text else
           f"{len(labels)} distinct answers in {n} filled cells")
    _add(built, Question(id=qid, text=text, type="text", columns=(col.key,)), f"text: {why}")


def _qualtrics_typed(built: _Built, qid: str, text: str, col: _Col) -> bool:
    """Qualtrics' own hints: ``QIDn_TEXT`` is free text; ``QIDn``/``Qn`` with whole numbers is a choice."""
    hint = col.import_id or ""
    if hint.endswith("_TEXT") or "_TEXT_" in hint or hint.endswith(("Topics", "Sentiment")):
        built.frame[col.key] = _string_array(col)
        _add(built, Question(id=qid, text=text, type="text", columns=(col.key,)),
             f"text: Qualtrics marks it as text entry (ImportId {hint})")
        return True
    is_question = re.fullmatch(r"QID\d+([_#-]\d+)*", hint) or (not hint and re.fullmatch(r"Q\d+(_\d+)?", col.code))
    nums = [_as_number(v, False) for v in col.unique]
    if is_question and nums and all(n is not None and float(n).is_integer() for n in nums):
        series = _numeric_series(col, False)
        built.frame[col.key] = series
        codes = sorted({int(v) for v in series.dropna()})
        _add(built, Question(id=qid, text=text, type="single",
                             options=tuple(Option(code=c, label=str(c)) for c in codes), columns=(col.key,)),
             f"single: a Qualtrics question ({hint or col.code}) holding whole-number choice codes")
        return True
    return False


def _build_joined_multi(built: _Built, qid: str, text: str, col: _Col, parts: list, sep: str) -> None:
    """Split ``A;B;`` cells into one nullable boolean column per option (NA where skipped)."""
    order: dict[str, None] = {}
    for p in parts:
        for t in p or ():
            order.setdefault(t, None)
    opts = []
    columns = []
    for k, label in enumerate(order, start=1):
        key = f"{col.key}_{k:02d}"
        built.frame[key] = pd.array([None if p is None else label in p for p in parts], dtype="boolean")
        opts.append(Option(code=k, label=label, column=key))
        columns.append(key)
    built.multi_values[qid] = {"selected": ["true"], "unselected": ["false"], "not_shown": []}
    _add(built, Question(id=qid, text=text, type="multi", options=tuple(opts), columns=tuple(columns)),
         f"multi: the cells join several answers with '{sep.strip()}' ({len(opts)} distinct options)")
