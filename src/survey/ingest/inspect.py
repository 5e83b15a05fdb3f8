"""``survey inspect``: what the readers see in one raw export.

:func:`inspect_file` returns plain, JSON-ready data (format, encoding,
respondents, questions with their types, options and frame columns; for an
interview project: interviews, codes and codings). :func:`format_inspection`
turns it into a short text for the terminal. Nothing here writes files.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from survey.errors import InputError
from survey.ingest import read
from survey.ingest.codebook import codebook_codes, refusal
from survey.ingest.coding_sheet import inspect_coding_sheet, is_coding_sheet
from survey.ingest.detect import sniff_kind
from survey.ingest.qdpx import inspect_qdpx
from survey.ingest.tabular import load_grid
from survey.model import _to_plain

MAX_OPTIONS_SHOWN = 12
_NA = pd.NA


def inspect_file(path, fmt: str = "auto", sheet: str | None = None) -> dict:
    """Describe one raw export: format, encoding, respondents and questions (or codes for interviews)."""
    path = Path(path)
    kind = sniff_kind(path)
    wanted = (fmt or "auto").lower()
    if kind == "qdpx" or wanted in ("qdpx", "refi-qda"):
        return _to_plain(inspect_qdpx(path))
    if kind in ("xlsx", "csv") and (wanted == "coding-sheet" or (wanted == "auto" and is_coding_sheet(path, kind))):
        return _to_plain(inspect_coding_sheet(path))
    if kind in ("xlsx", "csv") and wanted == "auto":
        codes = codebook_codes(load_grid(path, kind, sheet))
        if codes is not None:
            return _to_plain({"file": str(path), "format": "codebook", "codes": len(codes), "code_list": codes,
                              "notes": [refusal(codes)]})
    dataset = read(path, fmt=fmt, sheet=sheet)
    meta = dataset.meta
    questions = []
    for q in meta.questions:
        entry = {
            "id": q.id,
            "text": q.text,
            "type": q.type,
            "options": [{"code": o.code, "label": o.label} | ({"column": o.column} if o.column else {})
                        for o in q.options],
            "columns": list(q.columns),
        }
        if q.text_column:
            entry["text_column"] = q.text_column
        if q.missing:
            entry["missing"] = list(q.missing)
        answered = _answered(dataset.frame, q, meta.extra.get("multi_values", {}).get(q.id))
        entry["answered"] = answered
        why = (meta.extra.get("evidence") or {}).get(q.id)
        if why:
            entry["why"] = why
        if set(q.columns) & set(meta.extra.get("identifier_columns") or ()):
            entry["identifier"] = True
        questions.append(entry)
    info = {
        "file": str(path),
        "format": meta.format,
        "encoding": meta.encoding,
        "respondents": meta.respondents,
        "id_column": meta.id_column,
        "columns": int(dataset.frame.shape[1]),
        "questions": questions,
        "types": _count_types(meta.questions),
        "notes": list(meta.notes),
    }
    for key in ("sheet", "delimiter", "header_rows", "identifier_columns", "missing_ranges", "file_label"):
        if meta.extra.get(key) not in (None, [], {}):
            info[key] = meta.extra[key]
    return _to_plain(info)


def _answered(frame, q, values: dict | None = None) -> int:
    """Respondents with any answer (for multi: at least one option selected)."""
    cols = [c for c in q.columns if c in frame.columns]
    if not cols:
        return 0
    block = frame[cols]
    if q.type == "multi":
        if all(str(block[c].dtype) == "boolean" for c in cols):
            return int(block.fillna(False).astype(bool).any(axis=1).sum())
        selected = {str(v).casefold() for v in (values or {}).get("selected", ["1"])}
        hits = block.apply(lambda col: col.map(lambda v: not _blank(v) and _plain(v) in selected))
        return int(hits.any(axis=1).sum())
    missing = {_plain(v) for v in q.missing}
    given = block.apply(lambda col: col.map(lambda v: not _blank(v) and _plain(v) not in missing))
    return int(given.any(axis=1).sum())


def _blank(value) -> bool:
    """None, NaN, NaT, pd.NA and empty text are blank (``pd.NA != pd.NA`` is NA, so test it by identity)."""
    if value is None or value is _NA or value is pd.NaT:
        return True
    if isinstance(value, str):
        return not value.strip()
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _plain(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip().casefold()


def _count_types(questions) -> dict:
    counts: dict[str, int] = {}
    for q in questions:
        counts[q.type] = counts.get(q.type, 0) + 1
    return counts


def format_inspection(info: dict) -> str:
    """A short human-readable summary of :func:`inspect_file`'s result."""
    lines = [f"{info.get('file', '')}"]
    lines.append(f"  format:      {info.get('format')}" + (f" (sheet '{info['sheet']}')" if info.get("sheet") else ""))
    if info.get("encoding"):
        delimiter = info.get("delimiter")
        shown = {"\t": "tab", ",": "comma", ";": "semicolon", "|": "pipe"}.get(delimiter, delimiter)
        lines.append(f"  encoding:    {info['encoding']}" + (f", delimiter {shown}" if delimiter else ""))
    if info.get("format") == "codebook":
        lines.append(f"  codes:       {info.get('codes')}")
        for code in info.get("code_list", [])[:40]:
            lines.append(f"    {'  ' * int(code.get('depth', 0) or 0)}{code.get('code')}")
        for note in info.get("notes", []):
            lines.append(f"  note: {note}")
        return "\n".join(lines)
    if "codes" in info and "questions" not in info:
        lines.append(f"  interviews:  {info.get('respondents')}")
        lines.append(f"  codes:       {info.get('codes')}")
        lines.append(f"  codings:     {info.get('codings')}")
        for code in info.get("code_list", [])[:40]:
            indent = "  " * int(code.get("depth", 0) or 0)
            lines.append(f"    {indent}{code.get('code')}  ({code.get('codings', 0)})")
        for note in info.get("notes", []):
            lines.append(f"  note: {note}")
        return "\n".join(lines)
    lines.append(f"  respondents: {info.get('respondents')}")
    types = ", ".join(f"{n} {t}" for t, n in sorted(info.get("types", {}).items()))
    lines.append(f"  questions:   {len(info.get('questions', []))} ({types})")
    if info.get("id_column"):
        lines.append(f"  id column:   {info['id_column']}")
    for q in info.get("questions", []):
        text = q["text"] if len(q["text"]) <= 90 else q["text"][:87] + "..."
        lines.append(f"  [{q['type']:<7}] {q['id']}: {text}  ({q.get('answered', '?')} answered; "
                     f"columns {', '.join(q['columns'][:3])}{'...' if len(q['columns']) > 3 else ''})")
        options = q.get("options", [])
        for option in options[:MAX_OPTIONS_SHOWN]:
            lines.append(f"              {option['code']} = {option['label']}")
        if len(options) > MAX_OPTIONS_SHOWN:
            lines.append(f"              ... {len(options) - MAX_OPTIONS_SHOWN} more options")
        if q.get("text_column"):
            lines.append(f"              free text in column {q['text_column']}")
        if q.get("missing"):
            lines.append(f"              user-missing codes: {', '.join(map(str, q['missing']))}")
        if q.get("why"):
            lines.append(f"              why: {q['why']}")
        if q.get("identifier"):
            lines.append("              personal identifier: dropped before anything is written")
    for note in info.get("notes", []):
        lines.append(f"  note: {note}")
    return "\n".join(lines)


__all__ = ["inspect_file", "format_inspection", "InputError"]
