"""Writing files safely and reproducibly.

Every output goes through here: written to a temporary sibling and renamed into
place (so a crash never leaves half a file), and zip-based formats (xlsx, docx,
qdpx) are rewritten with fixed timestamps so that a rerun gives identical bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import re
import tempfile
import zipfile
from pathlib import Path

FIXED_ZIP_TIME = (2000, 1, 1, 0, 0, 0)
FIXED_DATETIME = dt.datetime(2000, 1, 1, 0, 0, 0)
_CORE_DATES = re.compile(rb"(<dcterms:(?:created|modified)[^>]*)>[^<]*<")


def write_bytes_atomic(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` via a temporary file in the same folder and a rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
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
    """Serialise an openpyxl workbook to reproducible bytes (fixed dates and zip times)."""
    workbook.properties.created = FIXED_DATETIME
    workbook.properties.modified = FIXED_DATETIME
    workbook.properties.creator = "survey"
    workbook.properties.lastModifiedBy = "survey"
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
