"""Opening zip-based inputs (.qdpx, .xlsx, .docx) without trusting them.

Before any member is decompressed, the archive's central directory is checked
against :class:`ZipLimits`: number of members, declared size of each member and of
all members together, and compression ratio (a zip bomb declares a tiny compressed
size for a huge member). Python's :mod:`zipfile` stops a member at the size its
directory declares and fails the CRC check if it was lying, and :func:`read_member`
reads at most that many bytes, so the checks made here bound the memory used.

Members are looked up case-insensitively (``Project.qde`` = ``project.qde``,
``Sources\\x.txt`` = ``sources/x.txt``), because tools differ. Nothing is ever
extracted to disk. Every refusal is a :class:`survey.errors.InputError` naming the
file and saying what to do.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from survey.errors import InputError


@dataclass(frozen=True)
class ZipLimits:
    """What an input archive may declare before it is refused."""

    max_members: int = 20_000
    max_total_size: int = 512 * 1024 * 1024      # all members, uncompressed
    max_member_size: int = 256 * 1024 * 1024     # one member, uncompressed
    max_ratio: int = 200                         # uncompressed / compressed ...
    ratio_floor: int = 1024 * 1024               # ... for members larger than this


DEFAULT_LIMITS = ZipLimits()


def _label(source, label: str | None) -> str:
    if label:
        return label
    if isinstance(source, (str, Path)):
        return str(source)
    return "<archive>"


def check_zip(archive: zipfile.ZipFile, file: str, limits: ZipLimits = DEFAULT_LIMITS) -> None:
    """Raise InputError if the directory of ``archive`` declares more than ``limits`` allow."""
    infos = archive.infolist()
    if len(infos) > limits.max_members:
        raise InputError(f"the archive has {len(infos)} files inside, more than the {limits.max_members} "
                         "allowed; it is not read (is this really a survey export?)", file=file)
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise InputError("the archive is password-protected; export it again without a password",
                             file=file)
        if info.file_size > limits.max_member_size:
            raise InputError(f"'{info.filename}' inside the archive would unpack to {info.file_size:,} bytes, "
                             f"more than the {limits.max_member_size:,} allowed; it is not read", file=file)
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > limits.ratio_floor and ratio > limits.max_ratio:
            raise InputError(f"'{info.filename}' inside the archive is compressed {ratio:,.0f}:1, which only "
                             "a zip bomb does; it is not read. Export the file again from the original tool",
                             file=file)
        total += info.file_size
        if total > limits.max_total_size:
            raise InputError(f"the archive would unpack to more than {limits.max_total_size:,} bytes; it is "
                             "not read. Export the file again from the original tool", file=file)


def open_zip(source, *, label: str | None = None, limits: ZipLimits = DEFAULT_LIMITS) -> zipfile.ZipFile:
    """Open a zip archive (path, bytes or binary file) after checking its directory.

    ``label`` names the file in messages (default: the path). The caller closes the
    returned archive (use it in a ``with`` block).
    """
    file = _label(source, label)
    if isinstance(source, (bytes, bytearray)):
        source = io.BytesIO(source)
    try:
        archive = zipfile.ZipFile(source)
    except FileNotFoundError:
        raise InputError("file not found: check the file name in survey.yml", file=file) from None
    except (zipfile.BadZipFile, EOFError, zipfile.LargeZipFile, ValueError, OSError):
        raise InputError("the file is not a readable zip archive (damaged, truncated or of another type): "
                         "export it again", file=file) from None
    try:
        check_zip(archive, file, limits)
    except BaseException:
        archive.close()
        raise
    return archive


def _normal(name: str) -> str:
    return name.replace("\\", "/").strip("/").casefold()


def find_member(archive: zipfile.ZipFile, name: str) -> zipfile.ZipInfo | None:
    """The member called ``name``, compared case-insensitively and with ``\\`` as ``/``; None if absent."""
    wanted = _normal(name)
    for info in archive.infolist():
        if _normal(info.filename) == wanted:
            return info
    return None


def read_member(archive: zipfile.ZipFile, name: str | zipfile.ZipInfo, *, file: str | None = None,
                limits: ZipLimits = DEFAULT_LIMITS) -> bytes:
    """Read one member (looked up with :func:`find_member`), never more than its declared size."""
    file = file or _label(archive.filename, None)
    info = name if isinstance(name, zipfile.ZipInfo) else find_member(archive, name)
    if info is None:
        raise InputError(f"the archive holds no '{name}': is this the right kind of file?", file=file)
    limit = min(info.file_size, limits.max_member_size)
    try:
        with archive.open(info) as handle:
            data = handle.read(limit + 1)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError) as exc:
        raise InputError(f"'{info.filename}' inside the archive is damaged ({exc}): export the file again",
                         file=file) from None
    if len(data) > limit:
        raise InputError(f"'{info.filename}' inside the archive unpacks to more than its directory says; "
                         "it is not read", file=file)
    return data


def damaged_member(exc: BaseException, name: str, path) -> InputError:
    """One sentence for a zip member that fails while it is unpacked (bad CRC, damaged deflate data,
    a compression method zipfile lacks)."""
    text = str(exc)
    if isinstance(exc, NotImplementedError):
        why = "is compressed with a method this tool cannot unpack"
    elif "CRC" in text:
        why = "is damaged (its checksum does not match its contents)"
    elif isinstance(exc, zlib.error) or "decompress" in text.lower() or "invalid" in text.lower():
        why = "is damaged (its compressed data cannot be unpacked)"
    else:
        why = "is damaged or cut short"
    return InputError(f"'{name}' inside the archive {why}: copy or export the file again", file=str(path))
