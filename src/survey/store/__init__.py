"""The output store: one tree per run of a wave, swapped in whole with one rename.

A run writes everything it makes for a wave (processed data, results, figures,
workbooks, the manifest) into a fresh staging tree, and only when every file is
written does the visible ``output/<wave>`` change, in one atomic step. Whoever reads
the outputs (``survey render``, the report, a person) sees the previous complete run
or the new one, never a mix and never half a file::
    with store.staged_tree(project.paths, wave.id) as tree:   # a paths.Tree in staging
        write_frame(tree.frame("network"), frame)
        ...
    # here output/<wave> is the new tree

Layout of ``output/``::
    <wave>                       symlink -> .runs/<wave>.<pid>-<hex>  (the visible tree)
    .runs/<wave>.<pid>-<hex>/    trees: the visible one, and a run's staging tree
    .runs/<wave>.<pid>-<hex>.retired   a former real-folder tree, only during a swap
    .lock                        held (POSIX record lock) by the process writing

The swap replaces the symlink ``output/<wave>`` with a new symlink through
``os.replace``: one ``rename(2)``, atomic on POSIX file systems. Where symlinks cannot
be made (Windows without the privilege, FAT/exFAT drives, some network shares) the
documented fallback keeps ``output/<wave>`` a real folder: the old one is renamed to
``.runs/...retired``, the new one renamed into place, the old one deleted. A kill
between those two renames leaves ``output/<wave>`` missing for a moment; the recovery
that every ``survey run``, ``validate`` and ``render`` performs first renames the old
tree back. The same two renames turn a real folder (an older version's layout, a
copy) into the symlink layout once.

Recovery (:func:`recover`) trusts nothing it did not make: it acts only on entries of
``<project>/output/.runs`` (itself a real folder inside the project) whose names
match the store's pattern and whose folders carry the store's marker file, plus the
store's own temporary links in ``output/``. It never follows a symlink to delete,
never reads a path from a file, and never touches anything outside ``output/``. Staging
left by a killed run is removed by the next command that takes the lock. The lock is
a POSIX record lock: it dies with the process that holds it (even if that process is
SIGKILLed) and is not inherited by forked chart workers.
"""

from __future__ import annotations

import errno
import io
import json
import os
import re
import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pandas as pd

from survey.errors import WRITE_ERRNOS, Busy, InputError, OutputError, SurveyError, write_failure
from survey.project.paths import Paths, Tree, check_name
from survey.store import files

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None
try:
    import msvcrt  # pragma: no cover - Windows: a byte-range lock, also released when its process dies
except ImportError:
    msvcrt = None

RUNS = ".runs"
LOCK = ".lock"
MARKER = ".survey-tree"
_ENTRY = re.compile(r"^(?P<wave>[A-Za-z0-9][A-Za-z0-9._-]*)\.(?P<pid>\d+)-(?P<token>[0-9a-f]{12})"
                    r"(?P<retired>\.retired)?$")
_TEMP_LINK = re.compile(r"^\.(?P<wave>[A-Za-z0-9][A-Za-z0-9._-]*)\.(?P<pid>\d+)-[0-9a-f]{12}\.link$")
_NO_SYMLINKS = (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.ENOSYS, errno.EINVAL, errno.EACCES)


# --- reading and writing artefacts ----------------------------------------------------------

def write_frame(path: Path, frame) -> Path:
    """Write a DataFrame as parquet atomically (serialised first, so a full disk is a clean OSError)."""
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return files.write_bytes_atomic(path, buffer.getvalue())


def read_frame(path: Path):
    """The DataFrame stored at ``path`` by :func:`write_frame`."""
    return pd.read_parquet(path)


def write_json(path: Path, text: str) -> Path:
    """Write JSON text (already serialised, e.g. by ``model.to_json``) atomically."""
    return files.write_text_atomic(path, text)


def read_json(path: Path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


# --- the lock ---------------------------------------------------------------------------------

_HELD: dict[str, list] = {}   # lock file -> [depth, locked] for the lock this process holds


def _lock_file(paths: Paths) -> Path:
    root = _output_root(paths, create=True)
    return root / LOCK


@contextmanager
def output_lock(paths: Paths, *, wait: bool = False) -> Iterator[bool]:
    """Hold the project's output lock for the block; yield False where locking is unavailable.

    Raises :class:`~survey.errors.Busy` (exit 6) when another process holds it. The
    lock is re-entrant within one process.
    """
    file = _lock_file(paths)
    key = str(file)
    if key in _HELD:
        _HELD[key][0] += 1
        try:
            yield _HELD[key][1]
        finally:
            _HELD[key][0] -= 1
        return
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(file, flags, 0o644)
    except OSError as exc:
        if exc.errno in WRITE_ERRNOS:
            raise write_failure(exc, file=paths.shown(file)) from None
        raise
    locked = False
    try:
        if fcntl is not None or msvcrt is not None:
            try:
                if fcntl is not None:
                    fcntl.lockf(fd, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
                else:  # pragma: no cover - Windows
                    msvcrt.locking(fd, msvcrt.LK_LOCK if wait else msvcrt.LK_NBLCK, 1)
                locked = True
            except OSError as exc:
                if exc.errno in (errno.EAGAIN, errno.EACCES, errno.EDEADLK):
                    try:
                        holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
                    except (OSError, AttributeError):
                        holder = ""
                    raise Busy("another survey command is writing this project's outputs"
                               + (f" (process {holder})" if holder.isdigit() else "")
                               + "; wait for it to finish and rerun", file=paths.shown(file)) from None
                if exc.errno not in (errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS, errno.EINVAL):
                    raise
        if locked:
            with suppress(OSError, AttributeError):
                os.ftruncate(fd, 0)
                os.pwrite(fd, str(os.getpid()).encode("ascii"), 0)
        _HELD[key] = [1, locked]
        try:
            yield locked
        finally:
            del _HELD[key]
    finally:
        os.close(fd)  # closing releases the record lock


def _close_inherited_locks() -> None:
    """In a forked child: forget the parent's lock (record locks are not inherited anyway)."""
    _HELD.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_close_inherited_locks)


# --- the layout -------------------------------------------------------------------------------

def _output_root(paths: Paths, create: bool = False) -> Path:
    root = paths.output_root
    if root.is_symlink():
        raise InputError("the output folder is a symlink; survey writes only into a real folder inside the "
                         "project", file=paths.shown(root))
    if create:
        try:
            root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            if exc.errno in WRITE_ERRNOS:
                raise write_failure(exc, file=paths.shown(root)) from None
            raise
    return root


def _runs(paths: Paths, create: bool = False) -> Path | None:
    """``output/.runs`` if it is a real folder inside the project (made when ``create``)."""
    root = _output_root(paths, create)
    runs = root / RUNS
    if runs.is_symlink() or (runs.exists() and not runs.is_dir()):
        raise InputError("output/.runs is not a folder survey made (a symlink or a file); remove it and rerun",
                         file=paths.shown(runs))
    if create:
        runs.mkdir(exist_ok=True)
    return runs if runs.is_dir() and paths.root.resolve() in runs.resolve().parents else None


def _marker_text(wave: str) -> str:
    return f"survey output tree\nwave: {wave}\n"


def _is_ours(entry: Path, wave: str) -> bool:
    """True for a real folder (not a symlink) holding the store's marker for ``wave``.

    A folder killed between its creation and its marker (empty, or holding only the
    marker being written) also counts: it can hold nothing else.
    """
    if entry.is_symlink() or not entry.is_dir():
        return False
    try:
        if (entry / MARKER).read_text(encoding="utf-8") == _marker_text(wave):
            return True
    except (OSError, UnicodeDecodeError):
        pass
    try:
        names = os.listdir(entry)
    except OSError:
        return False
    return all(name == MARKER or (name.startswith(f".{MARKER}.") and name.endswith(".tmp")) for name in names)


def _mark(folder: Path, wave: str) -> None:
    """Write the store's marker into ``folder`` (unless it is there already)."""
    try:
        if (folder / MARKER).read_text(encoding="utf-8") == _marker_text(wave):
            return
    except (OSError, UnicodeDecodeError):
        pass
    files.write_text_atomic(folder / MARKER, _marker_text(wave))


def _linked(root: Path, wave: str) -> str | None:
    """The ``.runs`` entry name that ``output/<wave>`` links to, when it is one of the store's links."""
    link = root / wave
    if not link.is_symlink():
        return None
    target = os.readlink(link)
    parts = target.replace("\\", "/").split("/")
    if len(parts) == 2 and parts[0] == RUNS and _ENTRY.match(parts[1]) and not parts[1].endswith(".retired"):
        return parts[1]
    return None


def _pid_alive(pid: int) -> bool:
    """Whether process ``pid`` may still be running (used only where no lock can be taken)."""
    if pid == os.getpid() or os.name == "nt":   # on Windows os.kill(pid, 0) would terminate the process
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def _remove(entry: Path, wave: str) -> None:
    """Delete one of the store's own entries: a link is unlinked, a marked folder removed, marker last.

    The marker goes last so that a removal cut short by a kill leaves a folder the
    next recovery still recognises (and finishes removing).
    """
    if entry.is_symlink():
        entry.unlink(missing_ok=True)
        return
    if not _is_ours(entry, wave):
        return
    for child in sorted(entry.iterdir(), key=lambda p: p.name == MARKER):
        if child.name == MARKER:
            continue
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)
    (entry / MARKER).unlink(missing_ok=True)
    with suppress(OSError):
        entry.rmdir()


def recover(paths: Paths, *, locked: bool | None = None) -> list[str]:
    """Repair what a killed run left in ``output/``; return what was done (for tests and logs).

    * a wave whose visible tree is missing (a fallback swap was interrupted) gets its
      previous tree back from ``.runs/<wave>...retired``;
    * staging trees no visible link points to, retired trees and temporary links are
      removed, if no live process can own them.

    Takes the output lock unless ``locked`` says the caller holds it; when another
    process holds it, nothing is done (that process is alive and cleans up itself).
    """
    if locked is None:
        if not paths.output_root.is_dir():
            return []
        try:
            with output_lock(paths) as have_lock:
                return recover(paths, locked=have_lock)
        except Busy:
            return []
    root = _output_root(paths)
    runs = _runs(paths) if root.is_dir() else None
    if runs is None:
        return []
    done: list[str] = []
    entries = []
    for entry in sorted(runs.iterdir()):
        match = _ENTRY.match(entry.name)
        if match:
            entries.append((entry, match))
    for entry, match in entries:                      # first: put back a tree a swap took away
        wave = match["wave"]
        if match["retired"] and not os.path.lexists(root / wave) and (entry.is_symlink() or _is_ours(entry, wave)):
            os.rename(entry, root / wave)
            done.append(f"restored {wave}")
    linked = {_linked(root, match["wave"]) for _, match in entries}
    for entry, match in entries:
        if not os.path.lexists(entry) or entry.name in linked:
            continue
        if not locked and _pid_alive(int(match["pid"])):
            continue
        _remove(entry, match["wave"])
        done.append(f"removed {entry.name}")
    for entry in sorted(root.iterdir()):
        match = _TEMP_LINK.match(entry.name)
        if match and entry.is_symlink() and (locked or not _pid_alive(int(match["pid"]))):
            entry.unlink(missing_ok=True)
            done.append(f"removed {entry.name}")
    if done:
        files.fsync_dir(runs)
        files.fsync_dir(root)
    return done


# --- staging and the swap -----------------------------------------------------------------

def _name(wave: str) -> str:
    return f"{wave}.{os.getpid()}-{secrets.token_hex(6)}"


def make_link(link_text: str, path: Path) -> None:
    """Create the symlink ``path`` -> ``link_text`` (a seam: tests replace it to force the fallback)."""
    os.symlink(link_text, path, target_is_directory=True)


def _retire(root: Path, runs: Path, wave: str) -> Path | None:
    """Move the visible real folder (or foreign link) aside into ``.runs``; None when nothing is there."""
    target = root / wave
    if not os.path.lexists(target):
        return None
    if not target.is_symlink():
        if not target.is_dir():
            raise OutputError(f"output/{wave} is a file, not a folder survey made; move it away and rerun",
                              file=f"output/{wave}")
        _mark(target, wave)
    retired = runs / f"{_name(wave)}.retired"
    os.rename(target, retired)
    return retired


def commit(paths: Paths, wave: str, staging: Path) -> None:
    """Make the complete tree ``staging`` the visible ``output/<wave>``; remove the previous tree.

    The caller holds the output lock. Symlink layout: one ``os.replace`` of the link.
    Fallback (no symlinks): two renames, recovered by :func:`recover` if interrupted.
    """
    wave = check_name(wave)
    root = _output_root(paths)
    runs = staging.parent
    target = root / wave
    previous = _linked(root, wave)
    temp = root / f".{_name(wave)}.link"
    try:
        make_link(f"{RUNS}/{staging.name}", temp)
    except OSError as exc:
        if exc.errno not in _NO_SYMLINKS:
            raise
        temp = None
    retired = None
    if temp is None:                                   # fallback: target stays a real folder
        retired = _retire(root, runs, wave)
        try:
            os.rename(staging, target)
        except BaseException:
            if retired is not None and not os.path.lexists(target):
                os.rename(retired, target)
            raise
    else:
        try:
            if previous is None:
                retired = _retire(root, runs, wave)    # a real folder: moved aside once, then a link
            os.replace(temp, target)                   # the single atomic step
        except BaseException:
            if retired is not None and not os.path.lexists(target):
                os.rename(retired, target)
            with suppress(OSError):
                temp.unlink()
            raise
    files.fsync_dir(root)
    if retired is not None:
        _remove(retired, wave)
    if previous is not None and previous != staging.name:
        _remove(runs / previous, wave)


@contextmanager
def staged_tree(paths: Paths, wave: str) -> Iterator[Tree]:
    """Yield an empty staging :class:`~survey.project.paths.Tree` for ``wave``; swap it in when the block succeeds.

    Takes the output lock (:class:`~survey.errors.Busy` if another run holds it),
    repairs what a killed run left (:func:`recover`), and on any failure (an exception,
    Ctrl-C) removes the staging tree and leaves ``output/<wave>`` exactly as it was.
    A write refused by the system (disk full, read-only, quota, ``ulimit -f``,
    permission) becomes one :class:`~survey.errors.OutputError` sentence (exit 5).
    """
    wave = check_name(wave)
    try:
        with output_lock(paths) as locked:
            recover(paths, locked=locked)
            runs = _runs(paths, create=True)
            staging = runs / _name(wave)
            staging.mkdir()
            try:
                _mark(staging, wave)
                with files.deferred_flush(staging):
                    yield Tree(staging)
                files.flush_tree(staging)  # every staged file on disk before the swap makes it visible
                commit(paths, wave, staging)
            except BaseException as exc:
                _remove(staging, wave)
                if isinstance(exc, OSError) and exc.errno in WRITE_ERRNOS:
                    raise write_failure(exc, file=_shown(paths, exc.filename, staging)) from None
                raise
    except OSError as exc:
        if exc.errno in WRITE_ERRNOS:
            raise write_failure(exc, file=_shown(paths, exc.filename, None)) from None
        raise


def _shown(paths: Paths, filename, staging: Path | None) -> str | None:
    """The output path a failed write was for, as the user knows it (``output/<wave>/...``)."""
    if not filename:
        return paths.shown(paths.output_root)
    path = Path(os.fsdecode(filename))
    if staging is not None:
        with suppress(ValueError):
            inner = path.relative_to(staging)
            return paths.shown(paths.output_root / _ENTRY.match(staging.name)["wave"] / inner)
    return paths.shown(path)


def write_outside_tree(paths: Paths, path: Path, text: str) -> Path:
    """Write one report beside the trees (``output/<wave>.validation-failed.json``) atomically."""
    try:
        _output_root(paths, create=True)
        return files.write_text_atomic(path, text)
    except OSError as exc:
        if exc.errno in WRITE_ERRNOS:
            raise write_failure(exc, file=paths.shown(path)) from None
        raise


__all__ = ["SurveyError", "commit", "output_lock", "read_frame", "read_json", "recover", "staged_tree",
           "write_frame", "write_json", "write_outside_tree"]
