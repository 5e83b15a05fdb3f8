"""Map a raw export onto its canonical instrument: the normal form.

``normalise`` matches each raw question to an instrument question (by its Finnish
text, its SPSS variable name, or a mapping line in ``survey.yml``), turns option
labels into stable codes and multi-select cells into booleans. Values it cannot
map are left as they are, so that validation can report them with their row and
column; structural problems (unknown or missing columns) are returned as
:class:`~survey.errors.Problem`. Nothing here reads or writes files.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from survey.project.config import DatasetSpec, escape
from survey.errors import Problem
from survey.ingest.grid import visible_text
from survey.ingest.identifiers import IDENTIFIER_HEADERS
from survey.project.instruments import Instrument, InstrumentQuestion
from survey.model import Dataset, Question

TRUE_VALUES = {"1", "1.0", "y", "yes", "oui", "kyllä", "ja", "true", "x_selected"}
FALSE_VALUES = {"0", "0.0", "n", "no", "non", "ei", "nej", "false"}
NOT_SHOWN = {"n/a"}
BATTERY_SEPARATOR = " — "


@dataclass(frozen=True)
class Normalised:
    """The normal-form frame, what each column was called in the source, and problems found."""

    frame: pd.DataFrame
    headers: dict
    problems: tuple[Problem, ...] = ()
    dropped_identifiers: tuple[str, ...] = ()
    identifier_values: tuple[str, ...] = ()
    absent_questions: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)


clean_header = visible_text  # NFC, invisible characters removed: what a reader sees


def normalise_text(text: object) -> str:
    """NFC, invisible characters removed, casefolded, white space collapsed, trailing punctuation dropped.

    So a macOS (NFD) header, one with a zero-width space or a doubled BOM matches its
    question; a look-alike letter from another script (Cyrillic 'а' for 'a') does not.
    """
    text = re.sub(r"\s+", " ", clean_header(text)).strip().casefold()
    return re.sub(r"[\s.:?!*]+$", "", text)


def look_alike_note(name: str, match: str) -> str:
    """' It differs from it in: 'а' (U+0430) where the instrument has 'a' (U+0061).' for same-looking texts."""
    a, b = clean_header(name), clean_header(match)
    diffs = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op != "equal":
            mine = "".join(f"{ch!s} (U+{ord(ch):04X})" for ch in a[i1:i2]) or "nothing"
            theirs = "".join(f"{ch!s} (U+{ord(ch):04X})" for ch in b[j1:j2]) or "nothing"
            diffs.append(f"{escape(mine)} where the instrument has {escape(theirs)}")
    if not diffs or len(diffs) > 3:
        return ""
    return " The header differs from it in: " + "; ".join(diffs) + "."


def _question_keys(q: InstrumentQuestion) -> list[str]:
    keys = [q.text.get(lang, "") for lang in ("fi", "sv", "en")]
    battery = q.battery_text or {}
    for lang in ("fi", "sv", "en"):
        if battery.get(lang) and q.text.get(lang):
            keys.append(battery[lang] + BATTERY_SEPARATOR + q.text[lang])
    if isinstance(q.spss, str):
        keys.append(q.spss)
    keys.append(q.id)
    return [normalise_text(k) for k in keys if k]


def _closest(name: str, candidates: list[str]) -> str:
    name = clean_header(name)
    match = difflib.get_close_matches(name, candidates, n=1, cutoff=0.4)
    if not match:
        return ""
    shown = escape(match[0], limit=120)
    return f" The closest known one is '{shown}'." + (look_alike_note(name, match[0]) if
                                                      difflib.SequenceMatcher(None, name, match[0]).ratio() > 0.9
                                                      else "")


def _is_identifier(q: Question) -> bool:
    return normalise_text(q.text) in IDENTIFIER_HEADERS or normalise_text(q.id) in IDENTIFIER_HEADERS


def _cell(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value) or value is pd.NA:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _map_unique(series: pd.Series, func) -> list:
    """Apply ``func`` once per distinct value of ``series`` (fast on large waves)."""
    return _as_list(_map_column(series, func))


def _as_list(column) -> list:
    return column if isinstance(column, list) else list(column)


def _is_int(value: object) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def _is_float(value: object) -> bool:
    return isinstance(value, (float, np.floating))


def _map_column(series: pd.Series, func):
    """``func`` of every cell of ``series``, computed once per distinct value.

    When every mapped value is an integer, a boolean or a float (or missing), the
    result is built directly as a nullable ``Int64``/``boolean``/``Float64`` array;
    otherwise it is the list of mapped values (the frame constructor infers its dtype,
    as for any list).
    """
    n = len(series)
    extension = isinstance(series.dtype, pd.api.extensions.ExtensionDtype)
    if extension:  # string, Arrow and nullable columns: factorised by their own arrays, one missing value
        values = series.array
    else:
        values = series.to_numpy(dtype=object) if series.dtype.kind not in "biuf" else series.to_numpy()
    try:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
    except TypeError:  # unhashable cells: one call per cell
        return [func(value) for value in values.tolist()]
    uniques = uniques.tolist() if hasattr(uniques, "tolist") else list(uniques)
    mapped = [func(value) for value in uniques]
    missing = codes < 0
    if missing.any():
        if extension:
            na_results = [func(series.dtype.na_value)]
            na_index = np.zeros(int(missing.sum()), dtype=np.intp)
        elif values.dtype.kind == "f":
            na_results = [func(float("nan"))]
            na_index = np.zeros(int(missing.sum()), dtype=np.intp)
        else:  # one result per kind of missing value (None, NaN, pd.NA, NaT...)
            by_type: dict = {}
            na_values = values[missing]
            na_index = np.empty(len(na_values), dtype=np.intp)
            for i, value in enumerate(na_values.tolist()):
                key = type(value)
                if key not in by_type:
                    by_type[key] = len(by_type)
                na_index[i] = by_type[key]
            first = {}
            for value in na_values.tolist():
                first.setdefault(type(value), value)
            na_results = [func(first[key]) for key in by_type]
        codes = codes.copy()
        codes[missing] = len(mapped) + na_index
        mapped = mapped + na_results
    lut = np.empty(len(mapped), dtype=object)
    lut[:] = mapped
    is_na = np.fromiter((v is pd.NA for v in mapped), dtype=bool, count=len(mapped))
    present = [v for v in mapped if v is not pd.NA]
    if n and present:
        take = codes if len(codes) else np.zeros(0, dtype=np.intp)
        if all(_is_int(v) for v in present):
            data = np.array([0 if na else int(v) for v, na in zip(mapped, is_na)], dtype=np.int64)
            return pd.arrays.IntegerArray(data[take], is_na[take])
        if all(isinstance(v, (bool, np.bool_)) for v in present):
            data = np.array([False if na else bool(v) for v, na in zip(mapped, is_na)], dtype=bool)
            return pd.arrays.BooleanArray(data[take], is_na[take])
        if all(_is_float(v) and v == v for v in present):
            data = np.array([0.0 if na else float(v) for v, na in zip(mapped, is_na)], dtype=np.float64)
            return pd.arrays.FloatingArray(data[take], is_na[take])
    return lut[codes].tolist()


def to_flag(value: object) -> object:
    """A multi-select cell as True/False, pd.NA when blank or not shown, else the raw value."""
    if isinstance(value, bool):
        return value
    text = _cell(value).casefold()
    if text == "" or text in NOT_SHOWN:
        return pd.NA
    if text in TRUE_VALUES:
        return True
    if text in FALSE_VALUES:
        return False
    return value


def _option_lookup(q: InstrumentQuestion, mapping: dict) -> dict:
    """Normalised answer label (or code) -> instrument code; the wave's ``mapping: options:`` first."""
    lookup = {}
    for option in q.options:
        for label in option.labels.values():
            lookup[normalise_text(label)] = option.code
        lookup[normalise_text(option.code)] = option.code
    by_text = {str(o.code): o.code for o in q.options}
    for raw_label, code in (mapping.get(q.id) or {}).items():   # null: read this answer as missing
        lookup[normalise_text(raw_label)] = None if code is None else by_text.get(str(code), code)
    return lookup


def _map_value(value: object, lookup: dict, codes: list, raw_labels: dict) -> object:
    """An answer as its instrument code, pd.NA when blank, else the raw value unchanged."""
    text = _cell(value)
    if text == "":
        return pd.NA
    label = raw_labels.get(value, raw_labels.get(text))
    for candidate in (label, text):
        if candidate is not None and normalise_text(candidate) in lookup:
            code = lookup[normalise_text(candidate)]
            return pd.NA if code is None else code   # None: the wave maps this answer to missing
    for code in codes:
        if str(code) == text:
            return code
    return value


def normalise(raw: Dataset, instrument: Instrument, spec: DatasetSpec, wave: str = "") -> Normalised:
    """Return the normal form of ``raw`` under ``instrument`` and the wave's ``spec.mapping``.

    Headers listed under the instrument's ``ignore:`` or the mapping's ``ignore:`` are
    left out (and named in ``notes``). An answer the instrument does not know (a new
    category of a single choice or Likert item, a new option of a multi-select) is
    never dropped: it is a ``new-option`` problem naming the two ways out.
    """
    mapping = spec.mapping
    file = raw.meta.source
    by_key: dict[str, InstrumentQuestion] = {}
    for q in instrument.questions:
        for key in _question_keys(q):
            by_key.setdefault(key, q)
    for qid, texts in mapping.reworded.items():  # the wording this wave asked also finds the question
        if qid in {q.id for q in instrument.questions}:
            for text in texts.values():
                by_key[normalise_text(text)] = instrument.question(qid)
    for raw_text, qid in mapping.columns.items():
        by_key[normalise_text(raw_text)] = instrument.question(qid)
    dropped = set(mapping.dropped)
    ignored = {normalise_text(h) for h in (*instrument.ignore, *mapping.ignore)}

    frame = raw.frame
    n = len(frame)
    rows = list(raw.meta.source_rows) or list(range(2, n + 2))
    out: dict[str, object] = {}
    headers: dict[str, str] = {}
    problems: list[Problem] = []
    identifiers: list[str] = []
    identifier_values: list[str] = []
    notes: list[str] = []
    seen: set[str] = set()

    if raw.meta.id_column and raw.meta.id_column in frame.columns:
        ids = frame[raw.meta.id_column].map(_cell)
        out["respondent_id"] = pd.array(ids.tolist(), dtype="string")
    else:
        out["respondent_id"] = pd.array([f"R{i + 1:05d}" for i in range(n)], dtype="string")
    id_header = next((q.text for q in raw.meta.questions if raw.meta.id_column in q.columns), raw.meta.id_column)
    headers["respondent_id"] = id_header or "(row number)"
    out["source_row"] = pd.array(rows, dtype="Int64")

    for header, columns in (raw.meta.extra.get("duplicate_headers") or {}).items():
        problems.append(Problem(file=file, rule="duplicate-column", column=escape(header, limit=300),
                                message=f"this header appears {len(columns)} times; keep one column and rename "
                                        "or delete the others"))
    known_names = sorted({q.text["fi"] for q in instrument.questions})
    for rq in raw.meta.questions:
        if rq.columns and raw.meta.id_column in rq.columns:
            continue
        if _is_identifier(rq) or set(rq.columns) & set(raw.meta.extra.get("identifier_columns") or ()):
            identifiers.append(rq.text)  # dropped, and its values masked wherever they recur
            for col in rq.columns:
                identifier_values.extend(v for v in frame[col].map(_cell) if v)
            continue
        if normalise_text(rq.text) in ignored or normalise_text(rq.id) in ignored:
            notes.append(f"ignored column: {rq.text}")
            continue
        q = by_key.get(normalise_text(rq.text)) or by_key.get(normalise_text(rq.id))
        if q is None:
            if rq.type == "date":
                continue  # response timestamps and the like: not part of any instrument
            problems.append(Problem(file=file, rule="unknown-column", column=escape(rq.text, limit=300),
                                    message="this question is not in the instrument; add it to the instrument, "
                                            "map it in survey.yml (mapping: columns:) or list it under ignore:." +
                                            _closest(rq.text, known_names)))
            continue
        if q.id in seen and q.type != "multi":
            problems.append(Problem(file=file, rule="duplicate-column", column=rq.text,
                                    message=f"a second column maps to question '{q.id}'"))
            continue
        seen.add(q.id)
        if q.type == "multi":
            _normalise_multi(rq, q, frame, raw, mapping, out, headers, problems, wave, instrument.dataset, rows,
                             tuple(spec.wave_order))
        elif q.type in ("single", "likert"):
            lookup = _option_lookup(q, mapping.options)
            codes = [o.code for o in q.options] + list(q.missing)
            if q.dont_know is not None and q.dont_know not in codes:
                codes.append(q.dont_know)
            raw_labels = {o.code: o.label for o in rq.options}
            col = rq.columns[0]
            _note_mapped_missing(frame[col], q, rq, lookup, raw_labels, rows, problems, file)
            out[q.id] = _map_column(frame[col], lambda v: _map_value(v, lookup, codes, raw_labels))
            out[q.id] = _blank_file_missing(out[q.id], rq, codes, problems, file)
            out[q.id] = _new_answers(out[q.id], q, rq, codes, raw_labels, mapping.options.get(q.id) or {},
                                     rows, problems, file, wave, instrument.dataset)
            _answers_before_added_in(out[q.id], q, rq, rows, problems, file, wave, tuple(spec.wave_order),
                                     instrument.dataset)
            headers[q.id] = rq.text
        elif q.type == "numeric":
            out[q.id] = _map_column(frame[rq.columns[0]], _to_number)
            out[q.id] = _blank_file_missing(out[q.id], rq, list(q.missing), problems, file)
            headers[q.id] = rq.text
        elif q.type == "date":
            out[q.id] = pd.to_datetime(frame[rq.columns[0]], errors="coerce", dayfirst=True)
            headers[q.id] = rq.text
        else:
            out[q.id] = pd.array([_cell(v) or pd.NA for v in frame[rq.columns[0]].tolist()], dtype="string")
            headers[q.id] = rq.text

    absent = []
    order = tuple(spec.wave_order)
    where = f"instruments/{instrument.dataset or '<dataset>'}.yml"
    for q in instrument.questions:
        later = added_later(q.added_in, wave, order, problems, where, f"question '{q.id}'")
        if q.id in seen:
            if later:
                problems.append(Problem(
                    file=file, rule="added-in", column=escape(headers.get(q.id) or q.text["fi"], limit=300),
                    message=f"the instrument says question '{q.id}' was first asked in wave {q.added_in}, which "
                            f"comes after this wave ({wave}), but the export has its column. If {wave} asked it "
                            f"already, set added_in: to the first wave that asked it in {where}; if this column "
                            f"is something else, list its header under mapping: ignore: for wave {wave}"))
            continue
        if q.id in dropped or later or (q.added_in and not order and q.added_in != wave):
            absent.append(q.id)
            continue
        problems.append(Problem(file=file, rule="missing-column", column=q.text["fi"],
                                message=f"question '{q.id}' of the instrument is not in the file; if the wave "
                                        "did not ask it, list it under mapping: dropped: in survey.yml."))
    result = pd.DataFrame(out, index=pd.RangeIndex(n))
    return Normalised(frame=result, headers=headers, problems=tuple(problems),
                      dropped_identifiers=tuple(identifiers), identifier_values=tuple(sorted(set(identifier_values))),
                      absent_questions=tuple(absent), notes=tuple(notes))


def _number_like(value: object) -> bool:
    """A number, or a text that reads as one (``7``, ``2,5``): a code, never an answer label."""
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_)):
        return True
    try:
        float(_cell(value).replace(",", "."))
    except ValueError:
        return False
    return True


def _new_answers(column, q: InstrumentQuestion, rq: Question, codes: list, raw_labels: dict, mapped: dict,
                 rows: list, problems: list, file: str, wave: str, dataset: str):
    """``column`` with the answers that name a category the instrument lacks set to NA, each reported.

    Such an answer is a label the instrument does not have (a text, or a code the file
    itself labels), or a code the wave's mapping names but the instrument lacks: a new
    category or a renamed one. It is a ``new-option`` error with the two ways out, one
    per distinct answer at its first row, and never a cleaning matter (``invalid_values:
    missing`` does not cover it). An unlabelled number outside the codes stays in the
    column for validation to report as an invalid value. The run stops on the error, so
    blanking the cells only keeps validation from reporting each of them again.
    """
    known = {str(c) for c in codes}
    targets = {str(c) for c in mapped.values() if c is not None} - known
    try:
        values = np.array(column, dtype=object) if isinstance(column, list) else column
        index, uniques = pd.factorize(values, use_na_sentinel=True)
    except TypeError:
        return column
    found: dict[int, tuple[object, bool]] = {}
    for k, value in enumerate(uniques.tolist() if hasattr(uniques, "tolist") else list(uniques)):
        text = _cell(value)
        if not text or text in known:
            continue
        label = raw_labels.get(value, raw_labels.get(text))
        if text in targets:
            found[k] = (text, True)
        elif label is not None and _cell(label) != text:   # a code the file labels (SPSS value labels)
            found[k] = (label, False)
        elif not _number_like(value):
            found[k] = (value, False)
    if not found:
        return column
    labels = [o.label("fi") for o in q.options]
    for k, (label, is_target) in found.items():
        hits = [int(rows[i]) if i < len(rows) else i + 2 for i in np.flatnonzero(index == k)]
        how = f" (the wave's mapping: options: maps answers onto code '{escape(label)}')" if is_target else ""
        problems.append(Problem(
            file=file, rule="new-option", row=hits[0], column=escape(rq.text, limit=300), value=str(label),
            message=f"{len(hits)} respondent(s) gave this answer{how} ({_rows_text(hits)}): "
                    f"{ways_out(q, label, wave, dataset)}." + ("" if is_target else _closest(str(label), labels))))
    blank = np.isin(index, list(found))
    return [pd.NA if hit else v for v, hit in zip(_as_list(column), blank)]


def added_later(added_in: str | None, wave: str, order: tuple, problems: list, where: str, what: str) -> bool:
    """True when ``wave`` comes before ``added_in`` in survey.yml's wave order (the thing was not asked yet).

    An ``added_in`` naming no wave of survey.yml is read as a wave still to come (an
    instrument prepared for the next round before it is declared), so it is later than
    every declared wave; a warning in ``problems`` names it, as a typo would otherwise
    make the question optional unseen. Without a known order (a normaliser called on its
    own) nothing is later.
    """
    if not added_in or not order or wave not in order:
        return False
    if added_in not in order:
        problems.append(Problem(file=where, rule="added-in", value=added_in, severity="warning",
                                message=f"{what} says added_in: {escape(added_in)}, which is not a wave of survey.yml "
                                        f"(waves, oldest first: {', '.join(order)}); it is read as a wave still to "
                                        f"come, so {wave} need not have it. If that is a typo, name the wave it "
                                        "first appeared in"))
        return True
    return order.index(wave) < order.index(added_in)


def option_added_in(q: InstrumentQuestion, option) -> str | None:
    """The wave an option first appeared in: its own ``added_in``, else the question's ``added_options``."""
    return option.added_in or q.added_options.get(str(option.code))


def _answers_before_added_in(column, q: InstrumentQuestion, rq: Question, rows: list, problems: list, file: str,
                             wave: str, order: tuple, dataset: str) -> None:
    """An answer in a wave before its option's ``added_in`` is an error: the option was not offered yet."""
    late = {str(o.code): o for o in q.options if added_later(option_added_in(q, o), wave, order, [], "", "")}
    if not late:
        return
    values = [_cell(v) for v in _as_list(column)]
    for code, option in late.items():
        hits = [int(rows[i]) if i < len(rows) else i + 2 for i, v in enumerate(values) if v == code]
        if hits:
            problems.append(Problem(
                file=file, rule="added-in", row=hits[0], column=escape(rq.text, limit=300), value=option.label("fi"),
                message=f"{len(hits)} respondent(s) ({_rows_text(hits)}) chose option '{option.code}' of '{q.id}', "
                        f"which the instrument says first appeared in wave {option_added_in(q, option)}, after this "
                        f"wave ({wave}). If {wave} offered it already, set its added_in: to the first wave that "
                        f"offered it in instruments/{dataset or '<dataset>'}.yml"))


def _rows_text(rows: list[int], limit: int = 10) -> str:
    """'row 4' / 'rows 4, 7, 9' / 'rows 4, 7, … (12 rows)' for a message."""
    if len(rows) == 1:
        return f"row {rows[0]}"
    shown = ", ".join(str(r) for r in rows[:limit])
    return f"rows {shown}" + (f", … ({len(rows)} rows)" if len(rows) > limit else "")


def _note_mapped_missing(series: pd.Series, q: InstrumentQuestion, rq: Question, lookup: dict, raw_labels: dict,
                         rows: list, problems: list, file: str) -> None:
    """A handled note per answer label that the wave's ``mapping: options:`` reads as missing (``null``)."""
    nulls = {key for key, code in lookup.items() if code is None}
    if not nulls:
        return
    try:
        index, uniques = pd.factorize(series.to_numpy(dtype=object), use_na_sentinel=True)
    except TypeError:
        return
    for k, value in enumerate(list(uniques)):
        text = _cell(value)
        label = raw_labels.get(value, raw_labels.get(text))
        if not text or not ({normalise_text(text), normalise_text(label or "")} & nulls):
            continue
        hits = [int(rows[i]) if i < len(rows) else i + 2 for i in np.flatnonzero(index == k)]
        problems.append(Problem(file=file, rule="mapped-missing", row=hits[0], column=escape(rq.text, limit=300),
                                value=text, severity="handled",
                                message=f"{len(hits)} answer(s) ({_rows_text(hits)}) read as missing, as survey.yml "
                                        f"says for this wave (mapping: options: {q.id}: "
                                        f"{{\"{escape(text, 60)}\": null}})"))


def ways_out(q: InstrumentQuestion, value: object, wave: str, dataset: str) -> str:
    """The two ways out for an answer the instrument does not know."""
    label = escape(value)
    return (f"the instrument has no option '{label}' for question '{q.id}'. Either add it to "
            f"instruments/{dataset or '<dataset>'}.yml as an option of '{q.id}' with added_in: {wave or '<wave>'} "
            f"(comparisons then say 'new option'), or map it onto an existing code in survey.yml: "
            f"mapping: options: {q.id}: {{\"{label}\": <code>}}")


def explain_unknown_values(problems: list[Problem], instrument: Instrument, headers: dict,
                           wave: str) -> list[Problem]:
    """Validation's 'known code' problems with the two ways out (add the option, or map the answer)."""
    reverse = {v: k for k, v in headers.items()}
    out = []
    for p in problems:
        if p.rule == "known code" and p.value is not None:
            try:
                q = instrument.question(reverse.get(p.column, p.column))
            except KeyError:
                out.append(p)
                continue
            first = p.message.split(";")[0]
            p = replace(p, message=f"{first}; {ways_out(q, p.value, wave, instrument.dataset)} (or correct the "
                                   "export, or record cleaning: invalid_values: missing)")
        out.append(p)
    return out


# --- the file's own user-missing codes (SPSS missing values and ranges, read by survey.ingest.spss) ---

def _blank_file_missing(column, rq: Question, keep: list, problems: list, file: str):
    """``column`` with the raw question's user-missing codes (``rq.missing``) set to NA, except codes the
    instrument keeps (``keep``: its options and its own missing codes); the count goes to ``problems`` as
    a handled note, so that -1, -3 or 2500 declared missing in the file are not reported as invalid."""
    drop = {_cell(m) for m in rq.missing} - {_cell(k) for k in keep}
    if not drop:
        return column
    values = pd.Series(column, dtype=object) if isinstance(column, list) else pd.Series(column)
    hits = values.map(lambda v: _cell(v) in drop).to_numpy(dtype=bool)
    if not hits.any():
        return column
    found = sorted({_cell(v) for v in values[hits]}, key=lambda t: (len(t), t))
    problems.append(Problem(file=file, rule="user-missing", column=rq.text, severity="handled",
                            message=f"{int(hits.sum())} values are the file's own missing-value codes "
                                    f"({', '.join(found)}); read as missing"))
    if isinstance(column, list):
        return [pd.NA if hit else v for v, hit in zip(column, hits)]
    out = column.copy()
    out[hits] = pd.NA
    return out


def _to_number(value: object) -> object:
    text = _cell(value)
    if text == "":
        return pd.NA
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(text.replace("\u00a0", "").replace(" ", "").replace(",", "."))
    except ValueError:
        return value


def _normalise_multi(rq: Question, q: InstrumentQuestion, frame: pd.DataFrame, raw: Dataset, mapping,
                     out: dict, headers: dict, problems: list, wave: str, dataset: str = "",
                     rows: list | None = None, spec_order: tuple = ()) -> None:
    """Fill ``out`` with one flag column per option and the answered flag of ``q``.

    An option column the instrument does not know (unmapped, or mapped onto a code
    the instrument lacks) is a ``new-option`` problem, never dropped.
    """
    lookup = _option_lookup(q, mapping.options)
    codes = {str(o.code) for o in q.options}
    found: dict = {}
    for option in rq.options:
        code = lookup.get(normalise_text(option.label))
        if code is None and normalise_text(option.label) in lookup:   # mapping: options: {label: null}
            problems.append(Problem(file=raw.meta.source, rule="mapped-missing", severity="handled",
                                    column=f"{rq.text} / {option.label}", value=option.label,
                                    message=f"this option column is left out, as survey.yml says for this wave "
                                            f"(mapping: options: {q.id}: {{\"{escape(option.label, 60)}\": null}})"))
            continue
        if code is None or str(code) not in codes:
            selected = [i for i, v in enumerate(frame[option.column].map(to_flag).tolist()) if v is True]
            row = int(rows[selected[0]]) if rows and selected else None
            known = [o.label("fi") for o in q.options]
            hint = "" if code is not None else _closest(option.label, known)
            mapped = f" (mapped onto code '{escape(code)}')" if code is not None else ""
            problems.append(Problem(file=raw.meta.source, rule="new-option", row=row,
                                    column=f"{rq.text} / {option.label}", value=option.label,
                                    message=f"{len(selected)} respondent(s) chose this option{mapped}: " +
                                            ways_out(q, code if code is not None else option.label, wave,
                                                     dataset) + "." + hint))
            continue
        found[code] = option.column
    for option in q.options:
        col = q.option_column(option.code)
        if option.code in found:
            out[col] = _map_column(frame[found[option.code]], to_flag)
            headers[col] = f"{rq.text} / {option.label('fi')}"
            if added_later(option_added_in(q, option), wave, spec_order, [], "", ""):
                problems.append(Problem(
                    file=raw.meta.source, rule="added-in", column=headers[col],
                    message=f"the instrument says option '{option.code}' of '{q.id}' first appeared in wave "
                            f"{option_added_in(q, option)}, which comes after this wave ({wave}), but the export "
                            f"has its column. If {wave} offered it already, set its added_in: to the first wave that "
                            f"offered it in instruments/{dataset or '<dataset>'}.yml"))
        else:
            added_in = option_added_in(q, option)
            later = added_later(added_in, wave, tuple(spec_order), problems,
                                f"instruments/{dataset or '<dataset>'}.yml", f"option '{option.code}' of '{q.id}'")
            if not (later or (added_in and not spec_order and added_in != wave)):
                problems.append(Problem(file=raw.meta.source, rule="missing-option",
                                        column=f"{rq.text} / {option.label('fi')}",
                                        message=f"the option column of '{option.code}' is missing from the file"))
            out[col] = [pd.NA] * len(frame)
            headers[col] = f"{rq.text} / {option.label('fi')}"
    cols = [q.option_column(o.code) for o in q.options]
    asked = [c for c, o in zip(cols, q.options) if o.code in found]
    n = len(frame)
    answered = np.zeros(n, dtype=bool)
    for c in asked:
        column = out[c]
        if isinstance(column, pd.arrays.BooleanArray):
            answered |= ~column._mask
        else:
            answered |= pd.notna(pd.Series(column, dtype=object)).to_numpy()
    for c in asked:
        column = out[c]
        if isinstance(column, pd.arrays.BooleanArray):
            # not selected (False) where blank, missing where the question was not answered
            out[c] = pd.arrays.BooleanArray(column._data & ~column._mask, ~answered)
        else:
            values = pd.Series(column, dtype=object)
            out[c] = values.where(values.notna(), False).where(answered, pd.NA).tolist()
    out[q.answered_column] = answered
    headers[q.answered_column] = rq.text
    if rq.text_column:
        out[f"{q.id}__text"] = pd.array([_cell(v) or pd.NA for v in frame[rq.text_column].tolist()], dtype="string")
        headers[f"{q.id}__text"] = f"{rq.text} / {q.examples.get('fi', 'teksti')}"
