"""Writing files safely and reproducibly.

Every output goes through here: written to a temporary sibling and renamed into
place (so a crash never leaves half a file), and zip-based formats (xlsx, docx,
qdpx) are rewritten with fixed timestamps so that a rerun gives identical bytes.
A stage writes its whole output folder into a staging folder and swaps it in only
when complete (:func:`staged_dir`, :func:`staged_dirs`), so a killed run leaves the
previous outputs or the new ones, never a mix. Text that a spreadsheet could run as
a formula is stored as text (:func:`set_cell`, :func:`neutralise_formulas`,
:func:`safe_csv_value`).
"""

from __future__ import annotations

import contextvars
import datetime as dt
import errno
import hashlib
import io
import json
import os
import re
import shutil
import tempfile
import uuid
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

FIXED_ZIP_TIME = (2000, 1, 1, 0, 0, 0)
FIXED_DATETIME = dt.datetime(2000, 1, 1, 0, 0, 0)
_CORE_DATES = re.compile(rb"(<dcterms:(?:created|modified)[^>]*)>[^<]*<")


def _current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _current_umask()


def write_bytes_atomic(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` via a temporary file in the same folder and a rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_UMASK)  # mkstemp makes 0600; outputs get the usual permissions
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_text_atomic(path: Path, text: str) -> Path:
    """Write UTF-8 text atomically (see :func:`write_bytes_atomic`)."""
    return write_bytes_atomic(path, text.encode("utf-8"))


def normalise_zip(data: bytes) -> bytes:
    """Return the zip archive ``data`` with every member's timestamp fixed and order kept."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
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


# --- whole folders: stage, then swap --------------------------------------------------------

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
_JOURNAL_NAME = ".survey-commit.json"


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two existing paths (Linux ``renameat2``); False where unsupported."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(str(a)), _AT_FDCWD, os.fsencode(str(b)), _RENAME_EXCHANGE)
    if result == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EXDEV):
        return False
    raise OSError(err, os.strerror(err), str(b))


def _fsync_dir(folder: Path) -> None:
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


def _sibling(target: Path, kind: str) -> Path:
    return target.parent / f".{target.name}.{kind}-{os.getpid()}-{uuid.uuid4().hex[:8]}"


def replace_dir_atomic(staging: Path, target: Path) -> Path:
    """Put the fully written folder ``staging`` in place of ``target``; remove the old one.

    Readers see the old folder or the new one, never a mix: on Linux the two are
    swapped with one ``renameat2(RENAME_EXCHANGE)`` call. Where that is unsupported,
    the old folder is renamed aside and the new one renamed in; a crash between those
    two renames leaves ``target`` missing and the old folder beside it, which
    :func:`staged_dir` restores on its next use (see :func:`recover_dir`).
    ``staging`` must be on the same filesystem as ``target`` (use :func:`staged_dir`).
    """
    staging, target = Path(staging), Path(target)
    if not staging.is_dir():
        raise FileNotFoundError(f"staging folder {staging} does not exist")
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        os.rename(staging, target)
    elif _exchange(staging, target):
        shutil.rmtree(staging, ignore_errors=True)   # now holds the old content
    else:
        old = _sibling(target, "old")
        os.rename(target, old)
        os.rename(staging, target)
        shutil.rmtree(old, ignore_errors=True)
    _fsync_dir(target.parent)
    return target


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def recover_dir(target: Path) -> None:
    """Clean up after a run that was killed while writing ``target``.

    Finishes an interrupted joint commit (a ``.survey-commit.json`` journal in any
    folder above ``target``, see :func:`commit_together`), removes staging folders
    left by dead processes, and if ``target`` is missing because a non-atomic swap
    was interrupted, puts the old folder back.
    """
    target = Path(target)
    if not target.parent.is_dir():
        return
    for folder in target.parents:                  # an interrupted joint commit is finished first
        if (folder / _JOURNAL_NAME).is_file():
            recover_interrupted(folder)
    pattern = re.compile(rf"^\.{re.escape(target.name)}\.(staging|old)-(\d+)-[0-9a-f]{{8}}$")
    leftovers = []
    for entry in target.parent.iterdir():
        match = pattern.match(entry.name)
        if match and not _pid_alive(int(match.group(2))):
            leftovers.append((match.group(1), entry))
    for kind, entry in sorted(leftovers, key=lambda item: item[0] != "old"):
        if kind == "old" and not target.exists():
            os.rename(entry, target)
        else:
            shutil.rmtree(entry, ignore_errors=True)


_DEFERRED: contextvars.ContextVar[list | None] = contextvars.ContextVar("survey_deferred_swaps", default=None)


@contextmanager
def staged_dir(target: Path) -> Iterator[Path]:
    """Yield an empty temporary folder beside ``target``; swap it into place on success.

    Write every output of a stage into the yielded folder. If the ``with`` block
    raises (or the process dies), ``target`` keeps its previous complete content and
    the temporary folder is removed (by the next run, after a kill)::

        with staged_dir(paths.processed(wave)) as folder:
            write_text_atomic(folder / "validation.json", text)

    Inside :func:`commit_together` the swap waits until that block ends, so that
    several stages' folders change together.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    recover_dir(target)
    staging = _sibling(target, "staging")
    staging.mkdir()
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    pending = _DEFERRED.get()
    if pending is None:
        replace_dir_atomic(staging, target)
        return
    for i, (earlier, earlier_target) in enumerate(pending):
        if earlier_target == target:               # staged twice: the later one wins
            shutil.rmtree(earlier, ignore_errors=True)
            del pending[i]
            break
    pending.append((staging, target))


@contextmanager
def commit_together(root: Path) -> Iterator[None]:
    """Defer the swaps of every :func:`staged_dir` inside the block; do them all at its end.

    This makes a whole run's outputs (``data/processed/<wave>`` and
    ``reports/_output/<wave>``) change together: a run killed or failing anywhere in
    the block leaves every folder as it was. The swaps are recorded in a journal
    (``root/.survey-commit.json``) first, so a kill during the swaps themselves is
    finished by :func:`recover_interrupted`, which this function calls on entry.
    Folders staged in the block are not visible at their targets until it ends::

        with files.commit_together(project.paths.root):
            write_processed(...)      # uses staged_dir
            export_wave(...)          # uses staged_dir
        render(...)                   # sees the new outputs
    """
    root = Path(root)
    recover_interrupted(root)
    pending: list = []
    token = _DEFERRED.set(pending)
    try:
        yield
    except BaseException:
        _DEFERRED.reset(token)
        for staging, _ in pending:
            shutil.rmtree(staging, ignore_errors=True)
        raise
    _DEFERRED.reset(token)
    _commit(pending, root / _JOURNAL_NAME)


def _commit(pairs: list[tuple[Path, Path]], journal: Path) -> None:
    """Swap every (staging, target) pair in, through a journal that recovery can finish."""
    if not pairs:
        return
    if len(pairs) == 1:
        replace_dir_atomic(*pairs[0])
        return
    entries = [{"staging": str(s), "target": str(t), "inode": os.stat(s).st_ino} for s, t in pairs]
    write_text_atomic(journal, json.dumps(entries, indent=1))
    _fsync_dir(journal.parent)
    _apply_journal(entries)
    journal.unlink()


@contextmanager
def staged_dirs(targets: Sequence[Path], journal: Path | None = None) -> Iterator[list[Path]]:
    """Like :func:`staged_dir` for several folders that must change together.

    All folders are written first; then a journal file (``journal``, default
    ``.survey-commit.json`` in the targets' common parent) records the swaps, each
    folder is swapped in, and the journal is deleted. A run killed during the swaps
    leaves the journal; :func:`recover_interrupted` (called here and at the start of
    every run) finishes the swaps, so the set ends up entirely new.
    """
    targets = [Path(t) for t in targets]
    journal = Path(journal) if journal else Path(os.path.commonpath([str(t.parent) for t in targets])) / _JOURNAL_NAME
    recover_interrupted(journal)
    stagings = []
    try:
        for target in targets:
            target.parent.mkdir(parents=True, exist_ok=True)
            recover_dir(target)
            staging = _sibling(target, "staging")
            staging.mkdir()
            stagings.append(staging)
        yield list(stagings)
    except BaseException:
        for staging in stagings:
            shutil.rmtree(staging, ignore_errors=True)
        raise
    _commit(list(zip(stagings, targets)), journal)


def _apply_journal(entries: list[dict]) -> None:
    for entry in entries:
        staging, target, inode = Path(entry["staging"]), Path(entry["target"]), entry["inode"]
        if target.exists() and os.stat(target).st_ino == inode:
            shutil.rmtree(staging, ignore_errors=True)      # swapped already; staging holds old
            continue
        if staging.exists() and os.stat(staging).st_ino == inode:
            replace_dir_atomic(staging, target)


def recover_interrupted(journal: Path) -> bool:
    """Finish the folder swaps recorded in ``journal`` by a killed run; True if any were pending.

    ``journal`` may also be the folder that holds ``.survey-commit.json`` (the project root).
    """
    journal = Path(journal)
    if journal.is_dir():
        journal = journal / _JOURNAL_NAME
    if not journal.is_file():
        return False
    try:
        entries = json.loads(journal.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        journal.unlink(missing_ok=True)     # torn before it was complete: nothing was swapped yet
        return False
    _apply_journal(entries)
    journal.unlink(missing_ok=True)
    return True


# --- spreadsheet formula injection ----------------------------------------------------------

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value: object) -> bool:
    """True for text a spreadsheet could read as a formula (starts with = + - @ tab CR)."""
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def safe_cell(value):
    """Return ``value`` ready to assign to an openpyxl cell so that text stays text.

    openpyxl turns any string starting with ``=`` into a formula; such text is returned
    as a rich-text string, which openpyxl stores as a text cell with the same visible
    characters (``=HYPERLINK(...)`` is shown, never evaluated). Other strings are
    already stored as text cells in xlsx; other values are returned unchanged. Prefer
    :func:`set_cell`, which also marks the cell as quoted text, and let
    :func:`save_workbook` sweep the whole workbook.
    """
    if isinstance(value, str) and value.startswith("=") and len(value) > 1:
        from openpyxl.cell.rich_text import CellRichText

        return CellRichText([value])
    return value


def set_cell(cell, value):
    """Assign ``value`` to an openpyxl ``cell``, keeping formula-like text a quoted text cell."""
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
    import csv

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
