"""Writing files safely and reproducibly.

Every output file goes through here: written to a temporary sibling and renamed into
place (so a crash never leaves half a file), and zip-based formats (xlsx, docx,
qdpx) are rewritten with fixed timestamps so that a rerun gives identical bytes.
Whole runs are staged and swapped in by :mod:`survey.store`. Text that a spreadsheet
could run as a formula is stored as text (:func:`set_cell`, :func:`neutralise_formulas`,
:func:`safe_csv_value`), and control characters that xlsx cannot hold (ESC, VT, BEL,
NUL) are made visible instead of crashing the writer (:func:`cell_text`).
"""

from __future__ import annotations

import csv
import ctypes
import datetime as dt
import hashlib
import io
import os
import re
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from openpyxl.cell.rich_text import CellRichText

FIXED_ZIP_TIME = (2000, 1, 1, 0, 0, 0)
FIXED_DATETIME = dt.datetime(2000, 1, 1, 0, 0, 0)
_CORE_DATES = re.compile(rb"(<dcterms:(?:created|modified)[^>]*)>[^<]*<")


def _current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _current_umask()


def write_bytes_atomic(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` via a temporary file in the same folder and a rename.

    The file is flushed to disk before the rename, unless it is inside a tree whose
    flush is deferred (:func:`deferred_flush`: a run's staging tree, flushed whole
    before it is swapped in).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_UMASK)  # mkstemp makes 0600; outputs get the usual permissions
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if not _deferred(path):
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError) and not exc.filename:   # write() errors name no file: say which one
            raise OSError(exc.errno, exc.strerror, str(path)) from exc
        raise
    return path


def write_text_atomic(path: Path, text: str) -> Path:
    """Write UTF-8 text atomically (see :func:`write_bytes_atomic`)."""
    return write_bytes_atomic(path, text.encode("utf-8"))


STORED_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif")  # compressed already: deflating them again gains nothing


def normalise_zip(data: bytes) -> bytes:
    """Return the zip archive ``data`` with every member's timestamp fixed and order kept.

    Pictures (:data:`STORED_SUFFIXES`) are stored as they are; everything else is deflated.
    """
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            stored = info.filename.lower().endswith(STORED_SUFFIXES)
            fixed.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = _CORE_DATES.sub(rb"\1>2000-01-01T00:00:00Z<", content)
            target.writestr(fixed, content)
    return out.getvalue()


def workbook_bytes(workbook) -> bytes:
    """Serialise an openpyxl workbook to reproducible bytes (fixed dates and zip times).

    Every formula cell becomes a quoted text cell first (:func:`neutralise_formulas`):
    the project writes values only, so a formula can only be injected data.
    """
    workbook.properties.created = FIXED_DATETIME
    workbook.properties.modified = FIXED_DATETIME
    workbook.properties.creator = "survey"
    workbook.properties.lastModifiedBy = "survey"
    neutralise_formulas(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return normalise_zip(buffer.getvalue())


def save_workbook(workbook, path: Path) -> Path:
    """Save an openpyxl workbook atomically and reproducibly."""
    return write_bytes_atomic(path, workbook_bytes(workbook))


def sha256_file(path: Path) -> str:
    """The hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --- durability ------------------------------------------------------------------------------

def fsync_dir(folder: Path) -> None:
    """Flush a folder's entries (new names, renames) to disk; a no-op where unsupported."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


_DEFERRED: set[str] = set()  # trees whose files are flushed together (forked workers inherit the set)


def _deferred(path: Path) -> bool:
    text = os.path.abspath(path)
    return any(text.startswith(root + os.sep) for root in _DEFERRED)


@contextmanager
def deferred_flush(root: Path) -> Iterator[Path]:
    """Inside the block, files written under ``root`` are not flushed one by one: :func:`flush_tree` does it once.

    One flush of the file system instead of one per file: a run writes some hundreds of
    small files, and each ``fsync`` waits for the disk.
    """
    key = os.path.abspath(root)
    _DEFERRED.add(key)
    try:
        yield Path(root)
    finally:
        _DEFERRED.discard(key)


def flush_tree(root: Path) -> None:
    """Every file and folder of the tree ``root`` on disk: one ``syncfs`` of its file system (Linux), else one
    ``fsync`` per file and folder."""
    if _syncfs(root):
        return
    for folder, _dirs, names in os.walk(root):
        for name in names:
            try:
                fd = os.open(os.path.join(folder, name), os.O_RDONLY)
            except OSError:
                continue
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        fsync_dir(Path(folder))


def _syncfs(root: Path) -> bool:
    """``syncfs(2)`` on the file system holding ``root``; False where it is not available."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fd = os.open(root, os.O_RDONLY)
    except (OSError, AttributeError):
        return False
    try:
        return libc.syncfs(fd) == 0
    except AttributeError:
        return False
    finally:
        os.close(fd)


# --- spreadsheet formula injection ----------------------------------------------------------

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value: object) -> bool:
    """True for text a spreadsheet could read as a formula (starts with = + - @ tab CR)."""
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


# Characters an xlsx cell cannot hold (openpyxl raises IllegalCharacterError): C0 controls but tab, LF, CR.
_ILLEGAL_IN_CELL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def cell_text(value):
    """``value`` with the control characters an xlsx cell cannot hold made visible.

    Vertical tab and form feed (line breaks in some exports) become line breaks; every
    other one (ESC of an ANSI colour code, BEL, NUL …) becomes its visible escape
    ``\\x1b``, so the analyst sees what the data held and the writer never fails.
    Other values are returned unchanged.
    """
    if not isinstance(value, str) or not _ILLEGAL_IN_CELL.search(value):
        return value
    return _ILLEGAL_IN_CELL.sub(lambda m: "\n" if m.group(0) in "\x0b\x0c" else f"\\x{ord(m.group(0)):02x}", value)


def safe_cell(value):
    """Return ``value`` ready to assign to an openpyxl cell so that text stays text.

    openpyxl turns any string starting with ``=`` into a formula; such text is returned
    as a rich-text string, which openpyxl stores as a text cell with the same visible
    characters (``=HYPERLINK(...)`` is shown, never evaluated). Control characters are
    made visible (:func:`cell_text`). Other strings are already stored as text cells in
    xlsx; other values are returned unchanged. Prefer :func:`set_cell`, which also marks
    the cell as quoted text, and let :func:`save_workbook` sweep the whole workbook.
    """
    value = cell_text(value)
    if isinstance(value, str) and value.startswith("=") and len(value) > 1:
        return CellRichText([value])
    return value


def set_cell(cell, value):
    """Assign ``value`` to an openpyxl ``cell``: formula-like text stays a quoted text cell, controls visible."""
    value = cell_text(value)
    cell.value = value
    if is_formula_like(value):
        _make_text(cell)
    return cell


def _make_text(cell) -> None:
    cell.data_type = "s"
    cell.quotePrefix = True   # Excel's own mark for text typed as 'text: stays text when edited


def neutralise_formulas(workbook) -> int:
    """Turn every formula cell of ``workbook`` into a quoted text cell; return how many.

    The project writes values only, so any formula in a workbook came from data (an
    open answer such as ``=HYPERLINK(...)``). Formula-like text cells are also marked
    as quoted so that editing them in Excel does not turn them into formulas.
    """
    changed = 0
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                text = cell.value if isinstance(cell.value, str) else None
                if type(cell.value).__name__ == "CellRichText":
                    text = str(cell.value)
                if cell.data_type == "f" or (cell.data_type == "s" and is_formula_like(text)):
                    if cell.data_type == "f":
                        changed += 1
                    _make_text(cell)
    return changed


def safe_csv_value(value):
    """Return ``value`` for a CSV cell: formula-like text gets a leading ``'`` (OWASP).

    In CSV nothing marks a cell as text, so the OWASP CSV-injection guidance is
    followed: text starting with ``= + - @``, tab or carriage return is prefixed with a
    single quote, which spreadsheets show as text. Numbers are not changed.
    """
    if is_formula_like(value):
        return "'" + value
    return value


def csv_bytes(frame, *, sep: str = ",", index: bool = False, bom: bool = False) -> bytes:
    """Serialise a DataFrame to CSV bytes with every text cell protected (:func:`safe_csv_value`).

    Fields are quoted where needed, line endings are ``\\n``, encoding UTF-8 (with a
    byte-order mark if ``bom``, which Excel needs to detect UTF-8).
    """
    protected = frame.copy()
    for column in protected.columns:
        if protected[column].dtype == object or str(protected[column].dtype).startswith("string"):
            protected[column] = protected[column].map(safe_csv_value, na_action="ignore")
    protected.columns = [safe_csv_value(str(c)) for c in protected.columns]
    text = protected.to_csv(sep=sep, index=index, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    return (("\ufeff" if bom else "") + text).encode("utf-8")


def write_csv_atomic(path: Path, frame, **options) -> Path:
    """Write a DataFrame as protected CSV atomically (see :func:`csv_bytes`)."""
    return write_bytes_atomic(path, csv_bytes(frame, **options))
