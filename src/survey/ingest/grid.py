"""Load a spreadsheet or a delimited text file into a plain grid of cells.

A :class:`Grid` is every non-blank row of one sheet (or text file) as a list of
cell values, with the row number the user sees beside each. Text files are
decoded (UTF-8, UTF-8 with BOM, UTF-16, cp1252) and split on the delimiter
found in them (``,`` ``;`` tab ``|``). Cells longer than Excel's own limit and
files wider than any survey export are refused with a message.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import warnings
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from survey.errors import InputError
from survey.ingest.archive import damaged_member

MAX_CELL_CHARS = 32767  # Excel's own limit per cell
# zero-width spaces and joiners, word joiner, soft hyphen, BOM, directional marks
INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")


def visible_text(text: object) -> str:
    """NFC form without invisible characters (zero-width, BOM, directional marks): what a reader sees.

    Header cells pass through this, so a macOS (NFD) header, one with a zero-width space,
    or one starting with a second byte-order mark names the same question as the plain one.
    """
    return INVISIBLE.sub("", unicodedata.normalize("NFC", str(text or "")))
MAX_COLUMNS = 5000
DELIMITERS = (",", ";", "\t", "|")


@dataclass
class Grid:
    """Rows of cells (``None`` for blank) and the source row number of each row.

    Large text files keep their cells by column (``columns``: one :class:`Coded`
    per column); ``rows`` is then a read-only view that builds a row's cells when
    asked (the header rows), so the reader can convert whole columns at once.
    """

    rows: list[list]
    row_numbers: list[int]
    kind: str  # "xlsx" or "csv"
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    notes: list[str] = field(default_factory=list)
    columns: list | None = None

    @property
    def width(self) -> int:
        if self.columns is not None:
            return len(self.columns) if len(self.row_numbers) else 0
        return max((len(r) for r in self.rows), default=0)


@dataclass
class Coded:
    """One column's cells as ``codes`` (numpy, one per row, -1 for blank) into ``values`` (distinct cleaned
    strings)."""

    codes: object
    values: list

    def cells(self) -> list:
        """The cells as a list (None for blank)."""
        return _lookup(self.values)[self.codes].tolist()


def _lookup(values: list):
    """``values`` as an object array with a trailing None, so that code -1 picks None."""
    out = np.empty(len(values) + 1, dtype=object)
    out[:-1] = values if values else []
    out[-1] = None
    return out


class _ColumnRows(Sequence):
    """Rows of a column-stored grid, each built on demand as a list of cells."""

    def __init__(self, columns: list, length: int):
        self._columns = columns
        self._length = length

    def __len__(self) -> int:
        return self._length

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._length))]
        if index < 0:
            index += self._length
        if not 0 <= index < self._length:
            raise IndexError("grid row out of range")
        out = []
        for column in self._columns:
            code = int(column.codes[index])
            out.append(column.values[code] if code >= 0 else None)
        return out


def _clean(value):
    """A cell as the reader keeps it: strings trimmed, empty strings blank."""
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _finish(rows: list[list], numbers: list[int], path: Path) -> tuple[list[list], list[int]]:
    """Drop blank rows, pad to one width, drop blank trailing columns; refuse absurd widths."""
    kept, kept_numbers = [], []
    for row, number in zip(rows, numbers):
        if any(v is not None for v in row):
            kept.append(row)
            kept_numbers.append(number)
    if not kept:
        raise InputError("the file holds no data (every row is blank)", file=str(path))
    width = max(len(r) for r in kept)
    while width > 0 and all(len(r) < width or r[width - 1] is None for r in kept):
        width -= 1
    if width > MAX_COLUMNS:
        raise InputError(f"the file has {width} columns, more than any survey export this tool reads "
                         f"({MAX_COLUMNS})", file=str(path))
    kept = [(r + [None] * (width - len(r)))[:width] for r in kept]
    return kept, kept_numbers


def _check_cell(value, path: Path, row: int, col: int):
    """Refuse a cell at or over Excel's per-cell limit (openpyxl cuts longer ones to exactly the limit)."""
    if isinstance(value, str) and len(value) >= MAX_CELL_CHARS:
        limit = f"{MAX_CELL_CHARS:,}".replace(",", " ")
        raise InputError(f"a cell holds {limit} characters or more, the most a spreadsheet cell can hold; "
                         "the file is damaged or not a survey export",
                         file=str(path), row=row, column=_column_letter(col))


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


# --------------------------------------------------------------------------- xlsx

def sheet_names(path: Path) -> list[str]:
    """The worksheet names of an xlsx file, in workbook order."""
    workbook = _open_workbook(path)
    try:
        return list(workbook.sheetnames)
    finally:
        workbook.close()


def _open_workbook(path: Path):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return openpyxl.load_workbook(path, read_only=True, data_only=False)
    except (zipfile.BadZipFile, EOFError, zipfile.LargeZipFile) as exc:
        raise damaged_workbook(exc, path) from None
    except KeyError as exc:
        raise InputError(f"this .xlsx file is missing a part Excel needs ({exc}): export it again",
                         file=str(path)) from None
    except Exception as exc:  # openpyxl raises many kinds on broken or hostile XML
        name = type(exc).__name__
        if "EntitiesForbidden" in name or "DTDForbidden" in name or "ExternalReferenceForbidden" in name:
            raise InputError("this .xlsx contains unsafe XML (entity declarations) and is not read",
                             file=str(path)) from None
        raise InputError(f"this .xlsx file cannot be read as a workbook ({name}): open it in Excel, "
                         "save it again and retry", file=str(path)) from None


def load_xlsx(path: Path, sheet: str | None = None) -> Grid:
    """Read one worksheet: the named one, or the first that holds any data."""
    workbook = _open_workbook(path)
    try:
        names = list(workbook.sheetnames)
        if sheet is not None and sheet not in names:
            raise InputError(f"the workbook has no sheet '{sheet}' (sheets: {', '.join(names)})",
                             file=str(path))
        candidates = [sheet] if sheet is not None else names
        for name in candidates:
            ws = workbook[name]
            if getattr(ws, "sheet_state", "visible") != "visible" and sheet is None and len(candidates) > 1:
                continue
            rows, numbers = _read_sheet(ws, path)
            if any(any(v is not None for v in r) for r in rows):
                rows, numbers = _finish(rows, numbers, path)
                return Grid(rows, numbers, "xlsx", sheet=name)
        raise InputError("the workbook holds no data (every sheet is blank)", file=str(path))
    except InputError:
        raise
    except Exception as exc:
        raise damaged_workbook(exc, path) from None
    finally:
        workbook.close()


def damaged_workbook(exc: BaseException, path: Path) -> InputError:
    """One sentence for a workbook that fails while its parts are unpacked or parsed."""
    if isinstance(exc, (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError)):
        name = re.search(r"'([^']+)'", str(exc))
        error = damaged_member(exc, name.group(1) if name else "a part of the workbook", path)
        return InputError(error.message.replace("copy or export", "open it in Excel and save, or export"),
                          file=str(path))
    return InputError(f"this .xlsx file cannot be read ({type(exc).__name__}): open it in Excel, "
                      "save it again and retry", file=str(path))


def _read_sheet(ws, path: Path) -> tuple[list[list], list[int]]:
    rows, numbers = [], []
    try:
        ws.reset_dimensions()  # exports often carry a wrong <dimension>
    except AttributeError:
        pass
    for number, row in enumerate(ws.iter_rows(), start=1):
        if len(row) > MAX_COLUMNS:
            trimmed = list(row)
            while trimmed and getattr(trimmed[-1], "value", None) is None:
                trimmed.pop()
            if len(trimmed) > MAX_COLUMNS:
                raise InputError(f"the sheet has {len(trimmed)} columns, more than any survey export this "
                                 f"tool reads ({MAX_COLUMNS})", file=str(path))
            row = trimmed
        cells = []
        for col, cell in enumerate(row):
            value = getattr(cell, "value", None)
            if getattr(cell, "data_type", None) == "f":
                raise InputError(f"this cell holds a formula ({str(value)[:40]}), not a value; survey exports "
                                 "hold values only: copy the sheet and paste values only in Excel, then save",
                                 file=str(path), row=number, column=_column_letter(col))
            _check_cell(value, path, number, col)
            cells.append(_clean(value))
        rows.append(cells)
        numbers.append(number)
    return rows, numbers


# --------------------------------------------------------------------------- csv

def utf16_without_bom(data: bytes) -> str | None:
    """``utf-16-le``/``utf-16-be`` when text without a byte-order mark has a NUL in every other byte."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    zeros_even, zeros_odd = even.count(0) / len(even), odd.count(0) / len(odd)
    if zeros_odd > 0.4 and zeros_even < 0.05:
        return "utf-16-le"
    if zeros_even > 0.4 and zeros_odd < 0.05:
        return "utf-16-be"
    return None


def sparse_nuls(data: bytes) -> bool:
    """Whether a text file holds only a few NUL bytes (as SurveyMonkey writes in empty header cells)
    and otherwise no control characters, unlike a binary file."""
    sample = data[:65536]
    nuls = sample.count(0)
    if not nuls or nuls > max(8, len(sample) // 50):
        return False
    controls = sum(sample.count(b) for b in range(1, 32) if b not in (9, 10, 13))
    return controls <= len(sample) // 1000


def _decode_utf16(data: bytes, codec: str, path: Path) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        if len(data) % 2:
            why = "it has an odd number of bytes, so its last character is cut off"
        else:
            why = f"it holds an unpaired UTF-16 surrogate at byte {exc.start}"
        raise InputError(f"this UTF-16 text file is damaged ({why}): export it again", file=str(path)) from None


def decode_text(data: bytes, path: Path) -> tuple[str, str]:
    """Decode an export's bytes: BOMs first, UTF-16 without a BOM, then strict UTF-8, then cp1252."""
    if data.startswith(b"\xef\xbb\xbf"):   # a doubled BOM (a tool adding its own to one already there) too
        return data[3:].decode("utf-8", errors="replace").lstrip("\ufeff"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _decode_utf16(data, "utf-16", path), "utf-16"
    bare = utf16_without_bom(data)
    if bare:
        return _decode_utf16(data, bare, path), bare
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first lines into the most consistent, widest rows."""
    sample_lines = text[:65536].splitlines()[:60]
    sample = "\n".join(sample_lines)
    best, best_score = ",", (-1.0, 0)
    for delim in DELIMITERS:
        try:
            widths = [len(r) for r in csv.reader(io.StringIO(sample), delimiter=delim) if r]
        except csv.Error:
            continue
        if not widths:
            continue
        if len(sample_lines) >= 60 and len(widths) > 1:
            widths = widths[:-1]  # the cut may split the last record
        mode = max(set(widths), key=widths.count)
        if mode < 2:
            continue
        score = (widths.count(mode) / len(widths), mode)
        if score > best_score:
            best, best_score = delim, score
    return best


def load_csv(path: Path) -> Grid:
    """Read a delimited text export into a grid; every value stays a string.

    Records are checked against the header on every path: a record that spans many
    lines because a quote was left open, and a row with more cells than the header,
    are refused with the line where they start (see :func:`_check_records`).
    """
    data = Path(path).read_bytes()
    text, encoding = decode_text(data, path)
    notes = []
    if "\x00" in text:
        if not sparse_nuls(text.encode("utf-8", "surrogatepass")):
            raise InputError("this file is binary data of an unknown kind, not a survey export", file=str(path))
        notes.append(f"{text.count(chr(0))} NUL characters (\\x00) in the file were read as blank")
        text = text.replace("\x00", "")
    hint = re.match(r"sep=(.)\r?\n", text[:8])
    if hint:  # Excel's "sep=;" first line names the delimiter; it is not a header row
        delimiter = hint.group(1)
        text = "\n" + text[hint.end():]  # a blank line in its place keeps the line numbers
        data = None
        notes.append(f"the first line 'sep={delimiter}' names the delimiter")
    else:
        delimiter = sniff_delimiter(text)
    fast = _parse_columns(text, delimiter, path, data if encoding == "utf-8" and data is not None else None) \
        if len(text) > 1_000_000 else None
    if fast is not None:
        columns, numbers = _finish_columns(*fast, path)
        return Grid(_ColumnRows(columns, len(numbers)), numbers, "csv", encoding=encoding, delimiter=delimiter,
                    columns=columns, notes=notes)
    rows, numbers, spans = [], [], []
    csv.field_size_limit(MAX_CELL_CHARS * 4)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    line = 1
    try:
        for record in reader:
            if len(record) > MAX_COLUMNS:
                raise InputError(f"the file has {len(record)} columns, more than any survey export this tool "
                                 f"reads ({MAX_COLUMNS})", file=str(path), row=line)
            if sum(map(len, record)) >= MAX_CELL_CHARS:
                for col, value in enumerate(record):
                    _check_cell(value, path, line, col)
            rows.append([v.strip() or None for v in record])
            numbers.append(line)
            spans.append((record, reader.line_num) if reader.line_num > line else None)
            line = reader.line_num + 1
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise InputError(f"a cell holds more characters than a spreadsheet cell can ({MAX_CELL_CHARS}); "
                             "the file is damaged or not a survey export", file=str(path), row=line) from None
        raise InputError(f"the text cannot be split into columns ({exc})", file=str(path), row=line) from None
    _check_records(rows, numbers, spans, delimiter, path)
    rows, numbers = _finish(rows, numbers, path)
    return Grid(rows, numbers, "csv", encoding=encoding, delimiter=delimiter, notes=notes)


def _check_records(rows: list[list], numbers: list[int], spans: list, delimiter: str, path: Path) -> None:
    """Refuse records that a stray quote or delimiter has merged or shifted, naming the line.

    * a record spanning several lines whose cell count differs from the header's, or whose
      embedded lines hold as many delimiters as a whole record: a quote opened in an answer
      and not closed where the answer ends, so the following records became part of it;
    * a one-line record with more cells than the header, the extra ones filled: an answer
      holding the delimiter without quotes, so every later value is shifted;
    * a record with fewer cells, when every other record has the header's width (the tool
      writes every delimiter), which shifts values the same way.
    """
    filled = [i for i, r in enumerate(rows) if any(v is not None for v in r)]
    if len(filled) < 2:
        return
    header = filled[0]
    width = len(rows[header])
    for i in filled[1:]:
        if spans[i] is None:
            continue
        record, last = spans[i]
        opened = numbers[i] + sum(v.count("\n") for v in record[:_first_multiline(record)])
        merged = len(record) != width or (width >= 3 and any(
            part.count(delimiter) >= width - 1 for v in record for part in v.split("\n")[1:]))
        if merged:
            raise InputError(f"a quote (\") opened on line {opened} is not closed where the answer ends, so "
                             f"lines {opened}–{last} were read as one answer: close or remove the quote and "
                             "save the file again", file=str(path), row=opened)
    data = filled[1:]
    short = [i for i in data if len(rows[i]) < width]
    for i in data:
        extra = rows[i][width:]
        if any(v is not None for v in extra):
            raise InputError(f"line {numbers[i]} has {len(rows[i])} cells but the header has {width}: an answer "
                             "probably holds the delimiter without quotes; quote that answer or remove the "
                             "extra delimiter", file=str(path), row=numbers[i])
    if short and len(short) <= max(1, len(data) // 20) and len(data) - len(short) >= 3 \
            and all(len(rows[i]) == width for i in data if i not in short):
        i = short[0]
        raise InputError(f"line {numbers[i]} has {len(rows[i])} cells but the header and every other line have "
                         f"{width}: a delimiter is missing or the line was cut; correct that line",
                         file=str(path), row=numbers[i])


def _first_multiline(record: list[str]) -> int:
    return next((k for k, v in enumerate(record) if "\n" in v or "\r" in v), len(record))


def _finish_columns(columns: list, numbers: list[int], path: Path) -> tuple[list, list[int]]:
    """:func:`_finish` for a column-stored grid (every column as long as the file)."""
    valid = [column.codes >= 0 for column in columns]
    filled = np.zeros(len(numbers), dtype=bool)
    for v in valid:
        filled |= v
    if not filled.any():
        raise InputError("the file holds no data (every row is blank)", file=str(path))
    everything = bool(filled.all())
    width = len(columns)
    while width > 0 and not (valid[width - 1] if everything else valid[width - 1][filled]).any():
        width -= 1
    if width > MAX_COLUMNS:
        raise InputError(f"the file has {width} columns, more than any survey export this tool reads "
                         f"({MAX_COLUMNS})", file=str(path))
    columns = columns[:width]
    if not everything:
        columns = [Coded(column.codes[filled], column.values) for column in columns]
        numbers = [n for n, keep in zip(numbers, filled.tolist()) if keep]
    return columns, numbers


def _parse_with_pandas(text: str, delimiter: str, path: Path) -> tuple[list[list], list[int]] | None:
    """Large files through pandas' C parser and pyarrow; None (use the csv module) when rows are ragged
    or a quoted cell spans lines, because then record numbers and line numbers part ways."""
    parsed = _parse_columns(text, delimiter, path)
    if parsed is None:
        return None
    columns, numbers = parsed
    rows = [list(r) for r in zip(*(column.cells() for column in columns))]
    return rows, numbers


def _parse_columns(text: str, delimiter: str, path: Path, data: bytes | None = None) -> tuple[list, list[int]] | None:
    """:func:`_parse_with_pandas` keeping each column as :class:`Coded` (``data``: the text's UTF-8 bytes
    when the file held exactly those).

    Files are split by pyarrow's CSV reader, which splits exactly as pandas' C parser does for
    rectangular files; whatever it refuses (short rows, a quote left open at the end) goes
    through pandas' C parser as before. Each column is dictionary-encoded and only its distinct
    values are trimmed (blank ones become -1)."""
    try:
        blob = data if data is not None else text.encode("utf-8")
    except UnicodeError:
        blob = None
    octets = None
    if blob is not None:
        octets = np.frombuffer(blob, dtype=np.uint8)
        lines = int(np.count_nonzero(octets == 10)) + (0 if blob.endswith(b"\n") else 1)
    else:
        lines = text.count("\n") + (0 if text.endswith("\n") else 1)
    table = _split_with_arrow(text, blob, octets, delimiter) if blob is not None else None
    if table is None:
        table = _split_with_pandas(text, delimiter)
    if table is None:
        return None
    raw, length = table
    if length != lines:
        return None
    if len(raw) > MAX_COLUMNS:
        raise InputError(f"the file has {len(raw)} columns, more than any survey export this tool reads "
                         f"({MAX_COLUMNS})", file=str(path))
    columns = []
    for j, column in enumerate(raw):
        encoded = column.dictionary_encode()
        if isinstance(encoded, pa.ChunkedArray):
            encoded = encoded.combine_chunks() if encoded.num_chunks != 1 else encoded.chunk(0)
        codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.intp, copy=False)
        trimmed = pc.utf8_trim_whitespace(encoded.dictionary)
        if len(trimmed):
            lengths = pc.utf8_length(trimmed).to_numpy(zero_copy_only=False)
            longest = int(lengths.max())
            if longest >= MAX_CELL_CHARS:
                row = int(np.flatnonzero(np.append(lengths, 0)[codes] == longest)[0])
                _check_cell(trimmed[int(codes[row])].as_py(), path, row + 1, j)
        # Cells that differ only in surrounding whitespace share one value; blank cells get -1.
        values: list[str] = []
        position: dict[str, int] = {}
        remap = np.empty(len(trimmed) + 1, dtype=np.intp)
        for k, value in enumerate(trimmed.to_pylist()):
            if not value:
                remap[k] = -1
                continue
            if value not in position:
                position[value] = len(values)
                values.append(value)
            remap[k] = position[value]
        remap[-1] = -1
        columns.append(Coded(remap[codes], values))
    return columns, list(range(1, length + 1))


def _split_with_pandas(text: str, delimiter: str) -> tuple[list, int] | None:
    try:
        frame = pd.read_csv(io.StringIO(text), sep=delimiter, header=None, dtype="string[pyarrow]",
                            na_filter=False, skip_blank_lines=False, engine="c", quoting=csv.QUOTE_MINIMAL)
    except Exception:  # noqa: BLE001 - ragged or odd files take the careful path
        return None
    return [pa.array(frame[column].array) for column in frame.columns], len(frame)


def _split_with_arrow(text: str, blob: bytes, octets, delimiter: str) -> tuple[list, int] | None:
    """The cells by column through pyarrow's CSV reader, or None where it might part from pandas' C parser
    (it refuses short rows, which pandas pads; it ends a quote left open at the end, which pandas refuses;
    a lone carriage return is left to pandas as well)."""
    returns = np.flatnonzero(octets == 13)
    if len(returns) and (returns[-1] + 1 >= len(octets) or not (octets[returns + 1] == 10).all()):
        return None  # a lone CR ends a record too: records and lines may then part ways unnoticed
    newline = text.find("\n")
    first = text if newline < 0 else text[:newline]
    end = len(text)
    while end and text[end - 1] in "\r\n":
        end -= 1
    last = text[text.rfind("\n", 0, end) + 1:end]
    if _open_quote_at_end(last, delimiter):
        return None
    try:
        width = len(next(csv.reader([first], delimiter=delimiter), []))
        if width < 1:
            return None
        names = [f"f{j}" for j in range(width)]
        table = pcsv.read_csv(
            io.BytesIO(blob),
            read_options=pcsv.ReadOptions(column_names=names, use_threads=False),
            parse_options=pcsv.ParseOptions(delimiter=delimiter, quote_char='"', double_quote=True,
                                            escape_char=False, newlines_in_values=False,
                                            ignore_empty_lines=False),
            convert_options=pcsv.ConvertOptions(column_types={name: pa.string() for name in names},
                                                strings_can_be_null=False, quoted_strings_can_be_null=False,
                                                null_values=[]))
    except Exception:  # noqa: BLE001 - pandas decides
        return None
    return [table.column(j) for j in range(width)], table.num_rows


def _open_quote_at_end(line: str, delimiter: str) -> bool:
    """Whether a record starting at ``line`` is still inside a quoted cell when the text ends (pandas'
    C tokenizer refuses that: "EOF inside string")."""
    quoted = after_quote = False
    at_start = True
    for ch in line:
        if quoted:
            if ch == '"':
                quoted, after_quote = False, True
            continue
        if after_quote:
            after_quote = False
            if ch == '"':
                quoted = True
                continue
        if ch == delimiter:
            at_start = True
        elif at_start and ch == '"':
            quoted, at_start = True, False
        else:
            at_start = False
    return quoted
