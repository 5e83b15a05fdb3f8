"""Read SPSS ``.sav``, ``.zsav`` and ``.por`` files through pyreadstat.

The frame keeps the codes (``user_missing=True``: user-defined missing codes
stay in the frame as codes, system-missing is NA); the questions carry variable
labels, value labels, user-missing codes and ranges. Types:

* multiple response sets (``mr_sets``) and runs of 0/1 variables sharing a name
  stem ("dichotomy groups") -> ``multi``;
* value labels shared by at least three variables with at least four valid
  categories (or an ordinal variable with four or more) -> ``likert``;
* other labelled variables -> ``single``; numbers -> ``numeric``; strings with few
  distinct values -> ``single``, many -> ``text``; dates and datetimes -> ``date``.

Dates SPSS stores in formats pyreadstat does not convert (``QYR``, ``MOYR``,
``WKYR``), and files whose date conversion overflows, are converted here from
SPSS's seconds since 1582-10-14; values outside pandas' range become NA with a note.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

from survey.errors import InputError
from survey.ingest.detect import slug
from survey.ingest.dialects import ID_HEADERS
from survey.ingest.identifiers import is_identifier_header
from survey.model import Dataset, Meta, Option, Question

SPSS_EPOCH = dt.datetime(1582, 10, 14)
DATE_FORMATS = re.compile(r"^(DATE|ADATE|EDATE|JDATE|SDATE|QYR|MOYR|WKYR|DATETIME|YMDHMS|DATETIME)\d*", re.I)
TIME_FORMATS = re.compile(r"^(TIME|DTIME|MTIME)\d*", re.I)
MAX_SINGLE_STRINGS = 20


def _reader(kind: str):
    import pyreadstat  # lazy: only SPSS exports need it (0.4 s of start-up)

    return pyreadstat.read_por if kind == "spss-por" else pyreadstat.read_sav


CHUNK_CELLS = 2_000_000  # cells per chunk of a .sav read (16 MB of float64), so the file is never in memory twice


def _load(path: Path, kind: str, chunk_rows: int | None = None):
    """(columns, meta, notes) from pyreadstat, falling back when dates overflow or text will not decode.

    ``columns`` is a :class:`_Columns` of the converted variables; a ``.sav`` is read in chunks of
    ``chunk_rows`` rows (default: about :data:`CHUNK_CELLS` cells), so that pyreadstat's frame of
    one chunk, not of the whole file, sits beside the converted columns.
    """
    import pyreadstat  # lazy: only SPSS exports need it (0.4 s of start-up)

    kwargs = {} if kind == "spss-por" else {"user_missing": True}
    notes: list[str] = []
    errors = (pyreadstat.ReadstatError, pyreadstat.PyreadstatError)
    try:
        return (*_read_chunked(path, kind, kwargs, chunk_rows), notes)
    except OverflowError:
        notes.append("some dates are outside the range pandas can hold; they were read as missing")
        try:
            return (*_read_chunked(path, kind, {**kwargs, "disable_datetime_conversion": True}, chunk_rows), notes)
        except errors as exc:
            raise _damaged(path, kind, exc) from None
    except UnicodeDecodeError:
        pass
    except errors as exc:
        if "encoding" not in str(exc).lower() and "convert" not in str(exc).lower():
            raise _damaged(path, kind, exc) from None
    if kind == "spss-por":
        raise InputError("the text in this .por file cannot be decoded", file=str(path))
    for encoding in ("cp1252", "latin1"):
        try:
            columns, meta = _read_chunked(path, kind, {**kwargs, "encoding": encoding}, chunk_rows)
        except (UnicodeDecodeError, *errors):
            continue
        notes.append(f"the file's declared text encoding did not decode; read as {encoding}")
        return columns, meta, notes
    raise InputError("the text in this SPSS file cannot be decoded in any known encoding", file=str(path))


def _read_chunked(path: Path, kind: str, kwargs: dict, chunk_rows: int | None):
    """(columns, meta): every variable converted (:class:`_Columns`), reading ``chunk_rows`` at a time."""
    read = _reader(kind)
    total = None
    if kind == "spss-sav":
        _, head = read(str(path), metadataonly=True, **{k: v for k, v in kwargs.items() if k == "encoding"})
        total = getattr(head, "number_rows", None)
        if total is not None and total >= 0 and chunk_rows is None:
            chunk_rows = max(1000, CHUNK_CELLS // max(1, len(head.column_names)))
    if total is None or total < 0 or chunk_rows is None or total <= chunk_rows:
        raw, meta = read(str(path), **kwargs)
        columns = _Columns(list(raw.columns), meta, len(raw))
        columns.add(raw, 0)
        return columns, meta
    columns = meta = None
    for offset in range(0, total, chunk_rows):
        raw, chunk_meta = read(str(path), row_offset=offset, row_limit=chunk_rows, **kwargs)
        if columns is None:
            meta = chunk_meta
            columns = _Columns(list(raw.columns), meta, total)
        columns.add(raw, offset)
        del raw
    return columns, meta


class _Columns:
    """The variables of a file, converted chunk by chunk.

    Number variables (not dates or times) go into one preallocated float64 buffer each and become
    ``Int64`` (every value whole) or ``Float64`` at the end; the others (strings, dates, times) are
    kept per chunk and converted whole at the end by :func:`_convert`.
    """

    def __init__(self, names: list[str], meta, rows: int):
        self.names = names
        self.rows = rows
        self.formats = dict(getattr(meta, "original_variable_types", {}) or {})
        self.buffers: dict[str, np.ndarray] = {}
        self.parts: dict[str, list] = {}
        self.filled = 0

    def add(self, raw: pd.DataFrame, offset: int) -> None:
        n = len(raw)
        for name in self.names:
            series = raw[name]
            fmt = str(self.formats.get(name, ""))
            plain_number = pd.api.types.is_numeric_dtype(series) and not DATE_FORMATS.match(fmt) \
                and not TIME_FORMATS.match(fmt) and name not in self.parts
            if plain_number:
                buffer = self.buffers.get(name)
                if buffer is None:
                    buffer = self.buffers[name] = np.full(self.rows, np.nan)
                buffer[offset:offset + n] = series.to_numpy(dtype="float64", na_value=np.nan)
            else:
                if name in self.buffers:  # a variable numeric in earlier chunks: keep one kind of storage
                    self.parts[name] = [pd.Series(self.buffers.pop(name)[:offset])]
                self.parts.setdefault(name, []).append(series.reset_index(drop=True))
        self.filled = offset + n

    def finish(self) -> tuple[dict, dict, int]:
        """(frame columns, kinds, dates lost to pandas' range), in variable order."""
        frame: dict[str, object] = {}
        kinds: dict[str, str] = {}
        lost_dates = 0
        for name in self.names:
            if name in self.buffers:
                values = self.buffers.pop(name)[:self.filled]
                frame[name], kinds[name] = _numbers(values), "number"
                continue
            parts = self.parts.pop(name)
            series = parts[0] if len(parts) == 1 else pd.concat(parts, ignore_index=True)
            frame[name], kinds[name], lost = _convert(series, str(self.formats.get(name, "")))
            lost_dates += lost
        return frame, kinds, lost_dates


def _numbers(values: np.ndarray):
    """A float64 buffer (NaN = system-missing) as ``Int64`` when every value is whole, else ``Float64``."""
    missing = np.isnan(values)
    filled = values[~missing]
    whole = bool(np.all(np.mod(filled, 1) == 0)) and (len(filled) == 0 or np.abs(filled).max() < 2 ** 53)
    if whole:
        data = np.where(missing, 0, values).astype(np.int64)
        return pd.arrays.IntegerArray(data, missing)
    return pd.arrays.FloatingArray(np.where(missing, 0.0, values), missing)


def _convert(series: pd.Series, fmt: str):
    """(array, kind, dates lost) of one variable that is not a plain number: date, time or string."""
    if DATE_FORMATS.match(fmt) or pd.api.types.is_datetime64_any_dtype(series) or (
            series.dtype == object and series.dropna().map(
                lambda v: isinstance(v, (dt.date, dt.datetime))).all() and series.notna().any()):
        if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_datetime64_any_dtype(series):
            converted, lost = _spss_seconds_to_datetime(series)
        else:
            converted, lost = _to_datetime(series)
        return converted.astype("datetime64[us]").array, "date", lost
    if TIME_FORMATS.match(fmt) or (series.dtype == object and series.dropna().map(
            lambda v: isinstance(v, (dt.time, dt.timedelta))).all() and series.notna().any()):
        if pd.api.types.is_numeric_dtype(series):
            series = series.map(lambda v: None if pd.isna(v) else dt.timedelta(seconds=float(v)))
        return pd.array([_time_text(v) for v in series], dtype="string"), "time", 0
    if pd.api.types.is_numeric_dtype(series):
        return _numbers(series.to_numpy(dtype="float64", na_value=np.nan)), "number", 0
    texts = pd.array([None if (v is None or (isinstance(v, float) and math.isnan(v)) or v == "")
                      else str(v) for v in series], dtype="string")
    dates = _iso_dates(texts)
    return (dates, "date", 0) if dates is not None else (texts, "string", 0)


def _damaged(path: Path, kind: str, exc: Exception) -> InputError:
    suffix = {"spss-sav": ".sav", "spss-zsav": ".zsav", "spss-por": ".por"}[kind]
    detail = str(exc).strip().rstrip(".")
    return InputError(f"this {suffix} file is damaged or incomplete ({detail}): export it from SPSS again",
                      file=str(path))


def _qid(name: str) -> str:
    return slug(name, "_", default="v")


def _code(value):
    """A code as the instrument would write it: integral floats become int."""
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return int(value)
    if isinstance(value, np.integer):
        return int(value)
    return value


def _bound(value):
    """A missing-range bound for JSON: open ends (LO THRU, THRU HI) as None."""
    if isinstance(value, (float, np.floating)) and not math.isfinite(value):
        return None
    return _code(value)


def _is_missing_code(value, ranges: list[dict]) -> bool:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return False
    for rng in ranges:
        lo, hi = rng.get("lo"), rng.get("hi")
        if isinstance(value, str) or isinstance(lo, str):
            if str(value) == str(lo) or str(value) == str(hi):
                return True
            continue
        try:
            if float(lo) <= float(value) <= float(hi):
                return True
        except (TypeError, ValueError):
            continue
    return False


ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?")
MISSING_LABEL = re.compile(r"(ei vastaus|ei vastannut|puuttu|missing|no answer|not answered|refused|kieltäyt|"
                           r"en osaa sanoa|eos\b|don.?t know|not applicable|ei koske|vet ej|vet inte|inget svar|"
                           r"keine angabe|weiß nicht|n/?a\b|tieto puuttuu|ei tietoa|system)", re.I)


def _iso_dates(texts) -> pd.arrays.DatetimeArray | None:
    """A string variable as datetimes when every filled value is an ISO date (``2024-03-01``,
    ``2024-03-01 10:15``), else None."""
    filled = [v for v in texts if v is not None and v is not pd.NA]
    if not filled or not all(ISO_DATE.fullmatch(v.strip()) for v in dict.fromkeys(filled)):
        return None
    parsed = pd.to_datetime(pd.Series(texts, dtype=object).str.strip(), errors="coerce", format="ISO8601")
    if int(parsed.notna().sum()) != len(filled):
        return None
    return parsed.astype("datetime64[us]").array


def _spss_seconds_to_datetime(values: pd.Series) -> tuple[pd.Series, int]:
    """SPSS date numbers (seconds since 1582-10-14) as datetimes; counts values out of range."""
    numbers = pd.to_numeric(values, errors="coerce").astype("float64")
    out = []
    lost = 0
    for v in numbers:
        if math.isnan(v):
            out.append(None)
            continue
        try:
            out.append(SPSS_EPOCH + dt.timedelta(seconds=float(v)))
        except (OverflowError, ValueError):
            out.append(None)
            lost += 1
    return pd.Series(pd.array(out, dtype="datetime64[us]"), index=values.index), lost


def _to_datetime(series: pd.Series) -> tuple[pd.Series, int]:
    """Date/datetime objects as datetime64; values pandas cannot hold become NaT (counted)."""
    if pd.api.types.is_datetime64_any_dtype(series):
        return series, 0
    values = [None if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NaT else v for v in series]
    values = [dt.datetime.combine(v, dt.time()) if isinstance(v, dt.date) and not isinstance(v, dt.datetime)
              else v for v in values]
    converted = pd.Series(pd.array(values, dtype="datetime64[us]"), index=series.index)
    lost = int(series.notna().sum() - converted.notna().sum())
    return converted, lost


def _time_text(value) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, dt.timedelta):
        total = int(value.total_seconds())
        return f"{total // 3600:02d}:{total % 3600 // 60:02d}:{total % 60:02d}"
    return str(value)


def _stem(name: str) -> str | None:
    """The shared part of a dichotomy-group variable name (``q5_1`` -> ``q5``, ``bool2`` -> ``bool``)."""
    match = re.fullmatch(r"(.+?)[_.]?(\d+|[a-z])", name, flags=re.I)
    return match.group(1).lower() if match else None


def _common_prefix(texts: list[str]) -> str:
    if not texts:
        return ""
    prefix = texts[0]
    for t in texts[1:]:
        while not t.startswith(prefix):
            prefix = prefix[:-1]
    return prefix


def read_spss(path: Path, kind: str, chunk_rows: int | None = None) -> Dataset:
    """Read an SPSS file into a Dataset; codes kept, labels and missing codes in the questions.

    ``chunk_rows`` (tests) reads a ``.sav`` that many rows at a time instead of the default chunks.
    """
    path = Path(path)
    columns, meta, notes = _load(path, kind, chunk_rows)
    names = list(columns.names)
    labels = dict(getattr(meta, "column_names_to_labels", {}) or {})
    value_labels = dict(getattr(meta, "variable_value_labels", {}) or {})
    ranges = dict(getattr(meta, "missing_ranges", {}) or {})
    for name, values in (getattr(meta, "missing_user_values", {}) or {}).items():
        ranges.setdefault(name, []).extend({"lo": v, "hi": v} for v in values)
    formats = dict(getattr(meta, "original_variable_types", {}) or {})
    measures = dict(getattr(meta, "variable_measure", {}) or {})
    mr_sets = dict(getattr(meta, "mr_sets", {}) or {})

    frame, kinds, lost_dates = columns.finish()
    rows = columns.filled
    del columns
    if lost_dates and not notes:
        notes.append(f"{lost_dates} date values are outside the range pandas can hold; read as missing")
    out = pd.DataFrame(frame, index=pd.RangeIndex(rows), copy=False)
    del frame

    questions: list[Question] = []
    used: set[str] = set()
    multi_values: dict = {}
    missing_labels: dict = {}
    missing_ranges_out: dict = {}
    label_sets = Counter(_label_key(value_labels[n]) for n in names if n in value_labels)
    position = {n: i for i, n in enumerate(names)}

    def question_missing(name: str) -> tuple:
        rng = ranges.get(name, [])
        if not rng:
            return ()
        codes = []
        for r in rng:
            if r.get("lo") == r.get("hi"):
                codes.append(_code(r["lo"]))
        present = [v for v in out[name].dropna().unique().tolist() if _is_missing_code(v, rng)]
        for v in present:
            if _code(v) not in codes:
                codes.append(_code(v))
        if any(r.get("lo") != r.get("hi") for r in rng):
            missing_ranges_out[_qid(name)] = [{"lo": _bound(r["lo"]), "hi": _bound(r["hi"])} for r in rng]
        return tuple(codes)

    why: dict = {}
    multis: list[tuple[int, Question]] = []
    for set_name, spec in mr_sets.items():
        by_lower = {n.lower(): n for n in names}
        members = [by_lower.get(str(v).lower()) for v in spec.get("variable_list", [])]
        members = [m for m in members if m is not None]
        if not members:
            continue
        qid = _qid(set_name)
        text = spec.get("label") or set_name
        if spec.get("is_dichotomy") or spec.get("type") == "D":
            counted = _code(spec.get("counted_value"))
            options = tuple(Option(code=_qid(m), label=labels.get(m) or m, column=m) for m in members)
            multi_values[qid] = {"selected": [str(counted)], "unselected": [], "not_shown": [],
                                 "counted_value": counted}
            multis.append((position[members[0]], Question(id=qid, text=text, type="multi", options=options,
                                                          columns=tuple(members))))
            why[qid] = (f"multi: the file's multiple-response set {set_name} ({len(members)} dichotomies counting "
                        f"{counted})")
        else:
            codes: dict = {}
            for m in members:
                for code, label in (value_labels.get(m) or {}).items():
                    codes.setdefault(_code(code), label)
                for v in out[m].dropna().unique().tolist():
                    codes.setdefault(_code(v), str(v))
            options, columns = [], []
            for k, (code, label) in enumerate(codes.items(), start=1):
                key = f"{set_name}__{k:02d}"
                chosen = out[members].apply(lambda col, c=code: col.map(lambda v: _code(v) == c if not pd.isna(v)
                                                                       else False)).any(axis=1)
                answered = out[members].notna().any(axis=1)
                out[key] = pd.array([bool(c) if a else None for c, a in zip(chosen, answered)], dtype="boolean")
                options.append(Option(code=code, label=str(label), column=key))
                columns.append(key)
            multi_values[qid] = {"selected": ["true"], "unselected": ["false"], "not_shown": [],
                                 "category_set": members}
            multis.append((position[members[0]], Question(id=qid, text=text, type="multi",
                                                          options=tuple(options), columns=tuple(columns))))
            why[qid] = f"multi: the file's multiple-response category set {set_name} ({len(members)} variables)"
        used.update(members)

    for stem, members in _dichotomy_groups(names, out, kinds, value_labels, used):
        member_labels = [labels.get(m) or m for m in members]
        prefix = _common_prefix(member_labels)
        cut = re.split(r"(?<=[:?\-–—])\s", prefix)
        text = prefix.rstrip(" :-–—") if len(prefix) >= 8 and len(cut) > 1 else stem
        option_labels = [lbl[len(prefix):].strip(" :-–—") or lbl for lbl in member_labels] \
            if text != stem else member_labels
        options = tuple(Option(code=_qid(m), label=lbl, column=m) for m, lbl in zip(members, option_labels))
        qid = _qid(stem)
        multi_values[qid] = {"selected": ["1"], "unselected": ["0"], "not_shown": []}
        multis.append((position[members[0]], Question(id=qid, text=text, type="multi", options=options,
                                                      columns=tuple(members))))
        why[qid] = (f"multi: {len(members)} adjacent variables {members[0]}..{members[-1]} share the stem {stem} "
                    "and hold only 0/1")
        used.update(members)

    id_column = _find_id_variable(names, labels, out, used, value_labels)
    singles: list[tuple[int, Question]] = []
    for name in names:
        if name in used:
            continue
        qid = _qid(name)
        text = labels.get(name) or name
        if name == id_column:
            singles.append((position[name], Question(id=qid, text=text, type="text", columns=(name,))))
            why[qid] = f"respondent id: '{name}' is named as an id and every value is unique"
            continue
        missing = question_missing(name)
        rng = ranges.get(name, [])
        kind_ = kinds[name]
        if kind_ == "date":
            singles.append((position[name], Question(id=qid, text=text, type="date", columns=(name,))))
            fmt = str(formats.get(name, ""))
            why[qid] = (f"date: SPSS format {fmt}" if DATE_FORMATS.match(fmt) else
                        "date: every filled value is a date" + (" written as ISO text" if str(fmt).upper()
                                                                .startswith("A") else ""))
            continue
        if kind_ == "time":
            singles.append((position[name], Question(id=qid, text=text, type="text", columns=(name,))))
            why[qid] = "text: a clock time (SPSS time format)"
            continue
        vlabels = value_labels.get(name) or {}
        valid = {_code(c): str(lbl) for c, lbl in vlabels.items() if not _is_missing_code(c, rng)}
        miss_lbl = {str(_code(c)): str(lbl) for c, lbl in vlabels.items() if _is_missing_code(c, rng)}
        if miss_lbl:
            missing_labels[qid] = miss_lbl
        observed = [_code(v) for v in out[name].dropna().unique().tolist()]
        unlabelled = [c for c in observed if c not in valid and c not in missing and not _is_missing_code(c, rng)]
        if valid and kind_ == "number" and _labels_are_numbers(valid):
            singles.append((position[name], Question(id=qid, text=text, type="numeric", columns=(name,),
                                                     missing=missing)))
            shown = sorted(valid)
            why[qid] = (f"numeric: the value labels are the numbers themselves ({_show_codes(shown)})")
            continue
        if valid and kind_ == "number" and len(unlabelled) > max(5, 2 * len(valid)):
            marked = tuple(c for c, lbl in valid.items() if MISSING_LABEL.search(lbl) and c not in missing)
            if marked:
                missing = tuple(missing) + marked
                missing_labels.setdefault(qid, {}).update({str(c): valid[c] for c in marked})
            singles.append((position[name], Question(id=qid, text=text, type="numeric", columns=(name,),
                                                     missing=missing)))
            labelled = ", ".join(f"{c} = '{valid[c]}'" for c in list(valid)[:3])
            why[qid] = (f"numeric: {len(unlabelled)} distinct unlabelled values; the only labels ({labelled}) "
                        + ("mark missing codes" if len(marked) == len(valid) else "mark special values"))
            continue
        if valid:
            shared = label_sets[_label_key(vlabels)]
            ordinal = measures.get(name) == "ordinal"
            qtype = "likert" if len(valid) >= 4 and (shared >= 3 or ordinal) else "single"
            codes = dict(valid)
            for c in observed:
                if c not in codes and c not in missing and not _is_missing_code(c, rng):
                    codes[c] = str(c)
            options = tuple(Option(code=c, label=lbl) for c, lbl in _sorted_codes(codes))
            singles.append((position[name], Question(id=qid, text=text, type=qtype, options=options,
                                                     columns=(name,), missing=missing)))
            if qtype == "likert":
                why[qid] = (f"likert: {len(valid)} value labels ('{_first(valid)}' … '{_last(valid)}') "
                            + (f"shared by {shared} variables" if shared >= 3 else "on an ordinal variable"))
            else:
                why[qid] = f"single: {len(valid)} value labels ({_show_labels(valid)})"
            if missing:
                why[qid] += f"; user-missing {_show_codes(list(missing))}"
            continue
        if kind_ == "number":
            singles.append((position[name], Question(id=qid, text=text, type="numeric", columns=(name,),
                                                     missing=missing)))
            why[qid] = "numeric: a number variable without value labels"
            if missing:
                why[qid] += f"; user-missing {_show_codes(list(missing))}"
            continue
        filled = [v for v in out[name].dropna().tolist() if not _is_missing_code(v, rng)]
        distinct = list(dict.fromkeys(filled))
        if distinct and len(distinct) <= MAX_SINGLE_STRINGS and len(distinct) <= max(2, len(filled) // 2) \
                and max(len(v) for v in distinct) <= 80:
            options = tuple(Option(code=v, label=v) for v in sorted(distinct))
            singles.append((position[name], Question(id=qid, text=text, type="single", options=options,
                                                     columns=(name,), missing=missing)))
            why[qid] = f"single: a string variable with {len(distinct)} distinct values repeating in {len(filled)}"
        else:
            singles.append((position[name], Question(id=qid, text=text, type="text", columns=(name,),
                                                     missing=missing)))
            why[qid] = f"text: a string variable with {len(distinct)} distinct values in {len(filled)}"
    for _, q in multis:
        for name in q.columns:
            if name in ranges:
                question_missing(name)
    questions = [q for _, q in sorted(multis + singles, key=lambda item: item[0])]
    questions, why = _unique_ids(questions, why)
    fmt = kind

    identifiers = [n for n in names if n != id_column and is_identifier_header(n, labels.get(n))]
    extra = {"multi_values": multi_values, "missing_labels": missing_labels, "missing_ranges": missing_ranges_out,
             "variables": names, "identifier_columns": identifiers, "evidence": why}
    file_label = getattr(meta, "file_label", None)
    if file_label:
        extra["file_label"] = file_label
    return Dataset(out, Meta(
        source=str(path), format=fmt, respondents=len(out), questions=tuple(questions),
        encoding=getattr(meta, "file_encoding", None), id_column=id_column,
        source_rows=tuple(range(1, len(out) + 1)), notes=tuple(notes), extra=extra))


def _find_id_variable(names: list[str], labels: dict, out: pd.DataFrame, used: set[str],
                      value_labels: dict) -> str | None:
    """The respondent-id variable: named or labelled as one, unlabelled values, every value unique."""
    for name in names:
        if name in used or name in value_labels:
            continue
        if name.strip().lower() in ID_HEADERS or str(labels.get(name) or "").strip().lower() in ID_HEADERS:
            values = out[name].dropna()
            if len(values) and values.is_unique and not pd.api.types.is_datetime64_any_dtype(values):
                return name
    return None


def _label_key(labels: dict) -> tuple:
    return tuple(sorted((str(_code(k)), str(v)) for k, v in labels.items()))


def _sorted_codes(codes: dict) -> list[tuple]:
    try:
        return sorted(codes.items(), key=lambda kv: (isinstance(kv[0], str), kv[0]))
    except TypeError:
        return list(codes.items())


def _dichotomy_groups(names: list[str], out: pd.DataFrame, kinds: dict, value_labels: dict,
                      used: set[str]) -> list[tuple[str, list[str]]]:
    """Runs of adjacent 0/1 variables sharing a name stem, not already in an mr_set."""
    groups: list[tuple[str, list[str]]] = []
    run: list[str] = []
    run_stem = None

    def flush():
        if len(run) >= 2 and run_stem:
            groups.append((run_stem, list(run)))

    for name in names:
        stem = _stem(name)
        ok = (name not in used and kinds.get(name) == "number" and stem is not None
              and set(out[name].dropna().unique().tolist()) <= {0, 1}
              and set(_code(k) for k in (value_labels.get(name) or {})) <= {0, 1})
        if ok and stem == run_stem:
            run.append(name)
            continue
        flush()
        run, run_stem = ([name], stem) if ok else ([], None)
    flush()
    return groups


def _unique_ids(questions: list[Question], why: dict) -> tuple[list[Question], dict]:
    """Ids made unique (``q``, ``q_2``); the evidence keyed by the final ids, matched by columns."""
    seen: Counter = Counter()
    result, evidence = [], {}
    first_why = {}
    for q in questions:
        first_why.setdefault(q.columns, why.get(q.id))
    for q in questions:
        seen[q.id] += 1
        if seen[q.id] > 1:
            q = Question(id=f"{q.id}_{seen[q.id]}", text=q.text, type=q.type, options=q.options,
                         columns=q.columns, missing=q.missing, text_column=q.text_column)
        result.append(q)
        if first_why.get(q.columns):
            evidence[q.id] = first_why[q.columns]
    return result, evidence


def _labels_are_numbers(valid: dict) -> bool:
    """Whether every value label just repeats its code (``8`` labelled "8", as some exports write)."""
    def same(code, label) -> bool:
        try:
            return float(str(label).strip().replace(",", ".")) == float(code)
        except (TypeError, ValueError):
            return False
    return bool(valid) and all(same(c, lbl) for c, lbl in valid.items())


def _show_codes(codes: list) -> str:
    codes = [str(c) for c in codes]
    return ", ".join(codes) if len(codes) <= 4 else f"{codes[0]} … {codes[-1]}"


def _show_labels(valid: dict) -> str:
    items = [f"{c} = '{lbl}'" for c, lbl in _sorted_codes(valid)]
    return ", ".join(items[:3]) + (f", … ({len(items)})" if len(items) > 3 else "")


def _first(valid: dict) -> str:
    return _sorted_codes(valid)[0][1]


def _last(valid: dict) -> str:
    return _sorted_codes(valid)[-1][1]
