"""LimeSurvey's "R (syntax file + data file)" export: a CSV of codes and an ``.R`` file with the labels.

LimeSurvey writes two files: ``survey_<id>_R_data_file.csv`` (a header row, then every
value quoted, answers as codes such as ``A1`` or ``1``) and ``survey_<id>_R_syntax_file.R``,
which for each column ``i`` says::
    # LimeSurvey Field type: F
    data[, 7] <- as.numeric(data[, 7])
    attributes(data)$variable.labels[7] <- "Please select your gender:"
    data[, 7] <- factor(data[, 7], levels=c(1,2),labels=c("Female", "Male"))
    names(data)[7] <- "sex"

The real variable names, question texts and answer labels are only in the ``.R`` file,
so when one sits beside the data file (named in its ``read.csv(...)`` line, sharing the
survey number, or the only LimeSurvey syntax file with as many columns) it is read too.
Sub-questions are labelled ``[Option] Question`` (or ``Question [Option]`` in older
versions); a run of them whose factor is ``levels=c(1,0)`` ("Yes"/"Not selected") or
whose cells are ``Y``/blank is one multi-select question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from survey.errors import InputError
from survey.ingest.detect import slug
from survey.ingest.identifiers import is_identifier_header
from survey.ingest.scales import _scale_evidence, _scale_order
from survey.model import Dataset, Meta, Option, Question

FORMAT = "limesurvey-r"
MAX_SYNTAX_BYTES = 20 * 1024 * 1024

_ASSIGN = re.compile(r"^data\[,\s*(\d+)\]\s*<-\s*(.+)$")
_LABEL = re.compile(r"^attributes\(data\)\$variable\.labels\[(\d+)\]\s*<-\s*(.+)$")
_NAME = re.compile(r"^names\(data\)\[(\d+)\]\s*<-\s*(.+)$")
_FIELD = re.compile(r"^#\s*LimeSurvey Field type:\s*(\S*)")
_READ = re.compile(r"read\.csv\(\s*(\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*')")
_LABEL_NUMBER = re.compile(r"attributes\(data\)\$variable\.labels\[(\d+)\]")
_SUB_FIRST = re.compile(r"^\[(?P<sub>[^\[\]]+)\]\s*(?P<q>.+)$", re.S)
_SUB_LAST = re.compile(r"^(?P<q>.+?)\s*\[(?P<sub>[^\[\]]+)\]$", re.S)


@dataclass
class Variable:
    """One column as the syntax file describes it."""

    index: int  # 0-based column
    name: str = ""
    label: str = ""
    field_type: str = ""
    numeric: bool = False
    levels: list = field(default_factory=list)
    labels: list = field(default_factory=list)


# --------------------------------------------------------------------------- finding and parsing

def find_syntax_file(data_file: Path, width: int | None = None) -> Path | None:
    """The LimeSurvey ``.R`` syntax file that belongs to ``data_file``, when one sits beside it: the one
    whose ``read.csv`` names the file, else one sharing its survey number, else the only LimeSurvey
    syntax file in the folder if it describes ``width`` columns."""
    folder = data_file.parent
    candidates = []
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() != ".r" or not path.is_file() or path.stat().st_size > MAX_SYNTAX_BYTES:
            continue
        head = path.read_bytes()[:65536].decode("utf-8", "replace")
        if "LimeSurvey Field type" not in head and "variable.labels" not in head:
            continue
        match = _READ.search(head)
        if match and Path(_r_string(match.group(1))).name == data_file.name:
            return path
        candidates.append(path)
    number = re.search(r"survey_(\d+)", data_file.name)
    for path in candidates:
        if number and f"survey_{number.group(1)}" in path.name:
            return path
    if len(candidates) == 1 and width is not None:
        text = candidates[0].read_bytes().decode("utf-8", "replace")
        if len(set(_LABEL_NUMBER.findall(text))) == width:
            return candidates[0]
    return None


def _r_string(token: str) -> str:
    """An R string literal's value (``"a \\"b\\""`` -> ``a "b"``)."""
    token = token.strip()
    if len(token) < 2 or token[0] not in "\"'" or token[-1] != token[0]:
        raise ValueError(token)
    body = token[1:-1]
    out, i = [], 0
    escapes = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "'": "'"}
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            out.append(escapes.get(body[i + 1], body[i + 1]))
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def _r_vector(text: str) -> list:
    """The values of an R ``c(...)`` of numbers and strings."""
    values, i = [], 0
    while i < len(text):
        ch = text[i]
        if ch in "\"'":
            j = i + 1
            while j < len(text) and text[j] != ch:
                j += 2 if text[j] == "\\" else 1
            values.append(_r_string(text[i:j + 1]))
            i = j + 1
        elif ch.isdigit() or ch in "-+.":
            match = re.match(r"[-+]?\d*\.?\d+(?:[eE][-+]?\d+)?", text[i:])
            if not match:
                i += 1
                continue
            number = float(match.group())
            values.append(int(number) if number.is_integer() else number)
            i += len(match.group())
        else:
            i += 1
    return values


def _factor(expression: str) -> tuple[list, list] | None:
    """(levels, labels) of ``factor(data[, i], levels=c(...), labels=c(...))``."""
    levels = re.search(r"levels\s*=\s*c\((.*?)\)\s*,\s*labels\s*=", expression, re.S)
    labels = re.search(r"labels\s*=\s*c\((.*)\)\s*\)\s*$", expression, re.S)
    if not levels or not labels:
        return None
    return _r_vector(levels.group(1)), _r_vector(labels.group(1))


def parse_syntax(text: str, path: Path) -> list[Variable]:
    """Every variable the syntax file describes, in column order."""
    variables: dict[int, Variable] = {}
    pending_type = ""

    def var(number: str) -> Variable:
        index = int(number) - 1
        return variables.setdefault(index, Variable(index, field_type=pending_type))

    try:
        for raw in text.splitlines():
            line = raw.strip()
            field_match = _FIELD.match(line)
            if field_match:
                pending_type = field_match.group(1)
                continue
            match = _LABEL.match(line)
            if match:
                var(match.group(1)).label = _r_string(match.group(2))
                continue
            match = _NAME.match(line)
            if match:
                var(match.group(1)).name = _r_string(match.group(2))
                continue
            match = _ASSIGN.match(line)
            if match:
                v = var(match.group(1))
                expression = match.group(2)
                if expression.startswith("as.numeric"):
                    v.numeric = True
                elif expression.startswith("factor("):
                    factor = _factor(expression)
                    if factor is not None:
                        v.levels, v.labels = factor
    except ValueError:
        raise InputError("the LimeSurvey R syntax file beside the data cannot be read (a string is not closed)",
                         file=str(path)) from None
    if not variables:
        raise InputError("the LimeSurvey R syntax file describes no variables", file=str(path))
    return [variables[k] for k in sorted(variables)]


# --------------------------------------------------------------------------- building the dataset

def _split_label(label: str) -> tuple[str, str]:
    """(question, sub-question) of ``[Option] Question`` or ``Question [Option]``; sub ``""`` if none."""
    for pattern in (_SUB_FIRST, _SUB_LAST):
        match = pattern.match(label.strip())
        if match:
            return match.group("q").strip(), match.group("sub").strip()
    return label.strip(), ""


def _cells(grid, j: int, header_rows: int) -> list:
    return [row[j] if j < len(row) else None for row in grid.rows[header_rows:]]


def _number(value):
    if value is None:
        return None
    try:
        number = float(str(value).replace(",", "."))
    except ValueError:
        return value
    return int(number) if number.is_integer() else number


def _is_selection_factor(v: Variable) -> bool:
    return len(v.levels) == 2 and {str(x).upper() for x in v.levels} in ({"1", "0"}, {"Y", "N"})


def _are_selections(run: list[Variable], grid) -> bool:
    """Sub-questions of one multi-select: factors ``1``/``0`` ("Yes"/"Not selected"), or ``Y``/blank cells."""
    if all(_is_selection_factor(r) for r in run):
        return True
    return not any(r.levels for r in run) and all(
        {str(c).upper() for c in _cells(grid, r.index, 1) if c is not None} <= {"Y"} for r in run)


def read_limesurvey_r(path: Path, syntax: Path, grid) -> Dataset:
    """The Dataset of a LimeSurvey R data file, with names, texts and labels from ``syntax``."""
    variables = parse_syntax(syntax.read_bytes().decode("utf-8-sig", "replace"), syntax)
    width = len(grid.rows[0])
    if len(variables) != width:
        raise InputError(f"the LimeSurvey R syntax file {syntax.name} describes {len(variables)} columns but the "
                         f"data file has {width}: export both files again together", file=str(path))
    frame: dict = {}
    questions: list[Question] = []
    why: dict = {}
    multi_values: dict = {}
    used: set = set()
    id_key = None
    identifiers = []

    def new_id(text: str) -> str:
        base = slug(text, "_", default="v")
        qid, k = base, 2
        while qid in used:
            qid, k = f"{base}_{k}", k + 1
        used.add(qid)
        return qid

    def key_of(v: Variable) -> str:
        return f"c{v.index + 1:03d}"

    def coded(v: Variable) -> list:
        cells = _cells(grid, v.index, 1)
        return [_number(c) for c in cells] if v.numeric or all(isinstance(x, (int, float)) for x in v.levels) \
            and v.levels else cells

    def store(v: Variable, values: list) -> None:
        present = [x for x in values if x is not None]
        if present and all(isinstance(x, int) for x in present):
            frame[key_of(v)] = pd.array(values, dtype="Int64")
        elif present and all(isinstance(x, (int, float)) for x in present):
            frame[key_of(v)] = pd.array([None if x is None else float(x) for x in values], dtype="Float64")
        else:
            frame[key_of(v)] = pd.array([None if x is None else str(x) for x in values], dtype="string")

    k = 0
    while k < len(variables):
        v = variables[k]
        question, sub = _split_label(v.label or v.name)
        run = [v]
        if sub:
            while k + len(run) < len(variables):
                nxt = variables[k + len(run)]
                q2, s2 = _split_label(nxt.label or nxt.name)
                if q2 != question or not s2:
                    break
                run.append(nxt)
        k += len(run)
        other = run[-1] if len(run) >= 3 and not run[-1].levels and not run[-1].numeric else None
        marks = run[:-1] if other is not None else run
        if other is not None and not _are_selections(marks, grid):
            marks, other = run, None
        if len(marks) >= 2 and _are_selections(marks, grid):
            run = marks
            qid = new_id(re.sub(r"[_.]?[^_.]*$", "", run[0].name) or question)
            options = []
            text_column = None
            if other is not None:
                store(other, _cells(grid, other.index, 1))
                text_column = key_of(other)
            for n, r in enumerate(run, start=1):
                store(r, coded(r))
                options.append(Option(code=n, label=_split_label(r.label)[1], column=key_of(r)))
            selected = {str(x).lower() for r in run for x in r.levels[:1]} or {"y"}
            unselected = {str(x).lower() for r in run for x in r.levels[1:]}
            multi_values[qid] = {"selected": sorted(selected), "unselected": sorted(unselected), "not_shown": []}
            questions.append(Question(id=qid, text=question, type="multi", options=tuple(options),
                                      columns=tuple(key_of(r) for r in run), text_column=text_column))
            marks = f"factor {run[0].levels[0]} = '{run[0].labels[0]}'" if run[0].levels else "Y/blank cells"
            why[qid] = (f"multi: {len(run)} columns {run[0].name}..{run[-1].name} share the question in the R "
                        f"syntax file and hold {marks}")
            continue
        for r in run:
            text = r.label or r.name
            qid = new_id(r.name or text)
            key = key_of(r)
            if r.name.lower() == "id" and id_key is None:
                frame[key] = pd.array([None if c is None else str(_number(c)) for c in _cells(grid, r.index, 1)],
                                      dtype="string")
                id_key = key
                questions.append(Question(id=qid, text=text, type="text", columns=(key,)))
                why[qid] = "respondent id: the R syntax file names the variable 'id'"
                continue
            if is_identifier_header(r.label, r.name):
                identifiers.append(key)
            if r.levels:
                store(r, coded(r))
                scale = _scale_order([str(x) for x in r.labels])
                numbered = all(isinstance(x, int) for x in r.levels)
                qtype = "likert" if scale is not None else "single"
                options = tuple(Option(code=lv, label=str(lb)) for lv, lb in zip(r.levels, r.labels))
                if scale is not None:
                    order = {lb: n for n, lb in enumerate(scale)}
                    options = tuple(sorted(options, key=lambda o: order.get(o.label, len(order))))
                questions.append(Question(id=qid, text=text, type=qtype, options=options, columns=(key,)))
                why[qid] = (f"likert: the R syntax file's labels form a scale; {_scale_evidence(scale)}"
                            if scale is not None else
                            f"single: the R syntax file gives {len(options)} labels for the "
                            f"{'numbered' if numbered else ''} codes {', '.join(map(str, r.levels[:6]))}")
                continue
            cells = _cells(grid, r.index, 1)
            if r.field_type.upper().startswith("DATETIME") or r.name.lower() in ("submitdate", "startdate",
                                                                                  "datestamp"):
                parsed = pd.to_datetime(pd.Series(cells, dtype=object), errors="coerce", format="ISO8601")
                frame[key] = parsed.astype("datetime64[us]").array
                questions.append(Question(id=qid, text=text, type="date", columns=(key,)))
                why[qid] = f"date: LimeSurvey field type {r.field_type or 'date'}"
                continue
            numbers = [_number(c) for c in cells]
            if r.numeric and all(x is None or isinstance(x, (int, float)) for x in numbers):
                store(r, numbers)
                questions.append(Question(id=qid, text=text, type="numeric", columns=(key,)))
                why[qid] = f"numeric: the R syntax file reads it as.numeric (field type {r.field_type or '?'})"
                continue
            store(r, cells)
            questions.append(Question(id=qid, text=text, type="text", columns=(key,)))
            why[qid] = f"text: the R syntax file reads it as.character (field type {r.field_type or '?'})"
    numbers = grid.row_numbers[1:]
    data = pd.DataFrame(frame, index=pd.RangeIndex(len(numbers)))
    extra = {"dialect": "limesurvey", "header_rows": 1, "identifier_columns": identifiers,
             "multi_values": multi_values, "evidence": why, "syntax_file": syntax.name,
             "variables": [v.name for v in variables], "duplicate_headers": {}}
    if grid.delimiter:
        extra["delimiter"] = grid.delimiter
    return Dataset(data, Meta(source=str(path), format=FORMAT, respondents=len(data), questions=tuple(questions),
                              encoding=grid.encoding, id_column=id_key, source_rows=tuple(numbers),
                              notes=(f"names, texts and labels read from the LimeSurvey R syntax file "
                                     f"{syntax.name}",) + tuple(grid.notes), extra=extra))
