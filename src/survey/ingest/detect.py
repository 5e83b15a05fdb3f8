"""Recognise what a file is from its bytes, before any reader touches it.

:func:`sniff_kind` looks at magic numbers and the archive directory only, so a
PNG, a PDF, an HTML page saved as ``.xls``, a password-protected workbook or a
truncated zip is refused with one sentence the analyst can act on, and the
readers only ever see files of the kind they expect. Nothing here writes.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
import zlib
from pathlib import Path

from survey.errors import InputError
from survey.ingest.archive import check_zip, damaged_member
from survey.ingest.grid import sparse_nuls, utf16_without_bom

MAX_FILE_BYTES = 500 * 1024 * 1024  # a survey export is never this large
MAX_UNZIPPED_BYTES = 1024 * 1024 * 1024  # zip bomb guard for xlsx/qdpx
MAX_ZIP_RATIO = 500

KINDS = ("xlsx", "csv", "spss-sav", "spss-zsav", "spss-por", "qdpx")

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MAGIC = [
    (b"\x89PNG\r\n\x1a\n", "this file is a PNG image, not a survey export"),
    (b"\xff\xd8\xff", "this file is a JPEG image, not a survey export"),
    (b"GIF87a", "this file is a GIF image, not a survey export"),
    (b"GIF89a", "this file is a GIF image, not a survey export"),
    (b"%PDF", "this file is a PDF document, not a survey export: export the data itself (xlsx, csv or sav)"),
    (b"II*\x00", "this file is a TIFF image, not a survey export"),
    (b"MM\x00*", "this file is a TIFF image, not a survey export"),
    (b"\x1f\x8b", "this file is a gzip archive: unpack it first and read the export inside"),
    (b"Rar!", "this file is a RAR archive: unpack it first and read the export inside"),
    (b"7z\xbc\xaf", "this file is a 7-Zip archive: unpack it first and read the export inside"),
    (b"SQLite format 3", "this file is an SQLite database, not a survey export"),
]


# Letters NFKD does not decompose into an ASCII letter and marks (ä, ö, ü, å do: a, o, u, a).
_TRANSLITERATE = str.maketrans({"ß": "ss", "ẞ": "ss", "æ": "ae", "Æ": "ae", "ø": "o", "Ø": "o", "œ": "oe",
                                "Œ": "oe", "đ": "d", "Đ": "d", "ð": "d", "Ð": "d", "þ": "th", "Þ": "th",
                                "ł": "l", "Ł": "l", "ı": "i", "ŋ": "ng", "Ŋ": "ng"})


def transliterate(text: str) -> str:
    """``text`` in ASCII letters: accents and umlauts dropped (``völlig`` -> ``vollig``, ``Straße`` ->
    ``Strasse``, ``Ærø`` -> ``Aero``); characters with no Latin spelling are dropped."""
    text = unicodedata.normalize("NFKD", str(text).translate(_TRANSLITERATE))
    return "".join(c for c in text if not unicodedata.combining(c)).encode("ascii", "ignore").decode("ascii")


def slug(text: str, sep: str = "-", limit: int | None = None, default: str = "q") -> str:
    """A stable ASCII id from a header or variable name, the one rule every reader uses.

    Transliterated (:func:`transliterate`), lower case, each run of other characters
    replaced by ``sep`` (with ``sep="_"`` underscores are kept as they are), cut at
    ``limit`` characters on a word boundary where one is near. ``überhaupt`` ->
    ``uberhaupt``, ``Täysin samaa mieltä`` -> ``taysin-samaa-mielta``.
    """
    text = transliterate(text).lower()
    text = re.sub(r"[^a-z0-9_]+" if sep == "_" else r"[^a-z0-9]+", sep, text).strip(sep)
    if limit is not None and len(text) > limit:
        cut = text[:limit]
        text = cut.rsplit(sep, 1)[0] if sep in cut[limit // 2:] else cut
    return text or default


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


def _refuse(message: str, path: Path) -> InputError:
    return InputError(message, file=str(path))


def sniff_kind(path: Path) -> str:
    """The file family of ``path`` (one of :data:`KINDS`), or InputError saying what it is instead."""
    path = Path(path)
    if not path.exists():
        raise _refuse("the file does not exist", path)
    if path.is_dir():
        raise _refuse("this is a folder, not a file", path)
    size = path.stat().st_size
    if size == 0:
        raise _refuse("the file is empty", path)
    if size > MAX_FILE_BYTES:
        raise _refuse(f"the file is {size // (1024 * 1024)} MB, larger than any survey export this tool reads "
                      f"({MAX_FILE_BYTES // (1024 * 1024)} MB)", path)
    try:
        with open(path, "rb") as handle:
            head = handle.read(8192)
    except OSError as exc:
        raise _refuse(f"the file cannot be opened ({exc.strerror or exc})", path) from None
    if not head.strip(b" \t\r\n\x00"):
        raise _refuse("the file is empty (it holds only blank space)", path)
    for magic, message in _MAGIC:
        if head.startswith(magic):
            raise _refuse(message, path)
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        raise _refuse("this file is a WebP image, not a survey export", path)
    if head.startswith(b"$FL2"):
        return "spss-sav"
    if head.startswith(b"$FL3"):
        return "spss-zsav"
    if _is_por(head, path):
        return "spss-por"
    if head.startswith(_OLE):
        raise _refuse(_describe_ole(path), path)
    if head.startswith(b"PK"):
        return _sniff_zip(path)
    return _sniff_text(head, path)


def _is_por(head: bytes, path: Path) -> bool:
    """SPSS portable files carry ``SPSSPORT`` after a 200-byte banner and a 256-byte charset."""
    flat = head.replace(b"\r", b"").replace(b"\n", b"")
    if b"SPSSPORT" in flat[:1200]:
        return True
    return path.suffix.lower() == ".por" and b"SPSS PORT FILE" in flat[:400]


def _describe_ole(path: Path) -> str:
    """Why an OLE2 compound file (old Office container) is not read."""
    with open(path, "rb") as handle:
        blob = handle.read(4 * 1024 * 1024)
        # The directory (stream names) may sit anywhere; its first sector is named in the header.
        shift = int.from_bytes(blob[30:32], "little")
        first_dir = int.from_bytes(blob[48:52], "little")
        if 7 <= shift <= 16 and first_dir < 0xFFFFFFFA:
            size = 1 << shift
            handle.seek((first_dir + 1) * size)
            blob += handle.read(size * 4)
    if _utf16("EncryptedPackage") in blob or _utf16("EncryptionInfo") in blob:
        return "this .xlsx is password-protected: remove the password in Excel and export again"
    if _utf16("Workbook") in blob or _utf16("Book") in blob:
        return ("this is an old Excel 97-2003 workbook (.xls): open it in Excel and save it as .xlsx "
                "(Excel Workbook), or export CSV")
    if _utf16("WordDocument") in blob:
        return "this file is a Word document, not a survey export"
    if _utf16("PowerPoint Document") in blob:
        return "this file is a PowerPoint presentation, not a survey export"
    return "this file is an old Microsoft Office file of an unknown kind, not a survey export"


def _sniff_zip(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            lower = {n.lower() for n in names}
            mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, EOFError, KeyError, ValueError):
        suffix = path.suffix.lower()
        what = f"this {suffix} file" if suffix in (".xlsx", ".xlsm", ".qdpx", ".zsav") else "this zip file"
        raise _refuse(f"{what} is damaged or incomplete (probably truncated while copying): "
                      "export or copy it again", path) from None
    total = sum(info.file_size for info in infos)
    packed = sum(info.compress_size for info in infos) or 1
    if total > MAX_UNZIPPED_BYTES or (total > 50 * 1024 * 1024 and total / packed > MAX_ZIP_RATIO):
        raise _refuse("this archive unpacks to an implausibly large size (a zip bomb?) and is not read", path)

    with zipfile.ZipFile(path) as archive:
        check_zip(archive, str(path))
    check_zip_methods(infos, path)
    if "xl/workbook.xml" in lower or "xl/workbook.bin" in lower:
        if "xl/workbook.bin" in lower:
            raise _refuse("this is a binary Excel workbook (.xlsb): save it as .xlsx in Excel", path)
        _refuse_xml_declarations(path)
        _check_shared_strings(path)
        return "xlsx"
    if "project.qde" in lower:
        return "qdpx"
    if b"opendocument.spreadsheet" in mimetype:
        raise _refuse("this is an OpenDocument spreadsheet (.ods): save it as .xlsx or export CSV", path)
    if any(n.startswith("word/") for n in lower):
        raise _refuse("this file is a Word document, not a survey export", path)
    if any(n.startswith("ppt/") for n in lower):
        raise _refuse("this file is a PowerPoint presentation, not a survey export", path)
    raise _refuse("this zip archive holds no Excel workbook or REFI-QDA project: unpack it and read the "
                  "export inside", path)


_ZIP_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA)
_METHOD_NAMES = {9: "Deflate64", 6: "Implode", 1: "Shrink", 98: "PPMd", 93: "Zstandard", 95: "XZ", 97: "WavPack",
                 99: "AES encryption"}
ZIP_READ_ERRORS = (zipfile.BadZipFile, EOFError, OSError, NotImplementedError, ValueError)


def check_zip_methods(infos: list, path) -> None:
    """Refuse members compressed with a method Python's zipfile cannot unpack (Deflate64, PPMd ...)."""
    unsupported = [i for i in infos if i.compress_type not in _ZIP_METHODS and not i.is_dir()]
    if unsupported:
        info = unsupported[0]
        method = _METHOD_NAMES.get(info.compress_type, f"method {info.compress_type}")
        raise _refuse(f"'{info.filename}' inside the archive is compressed with {method}, which this tool cannot "
                      "unpack: save or export the file again with ordinary (Deflate) compression", Path(path))


def check_shared_strings(path) -> None:
    """:func:`_check_shared_strings` for readers that open workbooks themselves."""
    _check_shared_strings(Path(path))


def read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, path, limit: int | None = None) -> bytes:
    """A member's bytes (at most ``limit``); a damaged member is an :class:`InputError`, not a crash."""
    try:
        with archive.open(info) as member:
            return member.read(-1 if limit is None else limit)
    except (zlib.error, *ZIP_READ_ERRORS) as exc:
        raise damaged_member(exc, info.filename, path) from None


def _check_shared_strings(path: Path) -> None:
    """Refuse a workbook whose shared-string table is far larger than the cells that use it.

    openpyxl loads every shared string before the first cell is read; a table of millions of
    strings no cell refers to (a damaged or crafted file) would cost minutes and gigabytes. The
    ``<si>`` entries and the string cells (``t="s"``) are counted by streaming the raw XML.
    """
    with zipfile.ZipFile(path) as archive:
        infos = {i.filename.lower(): i for i in archive.infolist()}
        table = infos.get("xl/sharedstrings.xml")
        if table is None:
            return
        strings = _count_in_member(archive, table, (b"<si>", b"<si ", b":si>", b":si "), path)
        if strings <= 200_000:
            return
        cells = 0
        for name, info in infos.items():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                cells += _count_in_member(archive, info, (b't="s"', b"t='s'"), path, stop=strings // 10)
                if cells * 10 >= strings:
                    return
    raise _refuse(f"this .xlsx holds {strings:,} shared strings but only {cells:,} cells use them (a damaged or "
                  "crafted workbook): open it in Excel, save it again and retry", path)


def _count_in_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, needles: tuple, path,
                     stop: int | None = None) -> int:

    count, tail = 0, b""
    try:
        with archive.open(info) as member:
            while True:
                block = member.read(1 << 20)
                if not block:
                    return count + sum(tail.count(n) for n in needles)
                data = tail + block
                count += sum(data.count(n) for n in needles)
                tail = data[-8:]
                count -= sum(tail.count(n) for n in needles)  # counted again with the next block
                if stop is not None and count >= stop:
                    return count
    except (zlib.error, *ZIP_READ_ERRORS) as exc:
        raise damaged_member(exc, info.filename, path) from None


def _refuse_xml_declarations(path: Path) -> None:
    """Refuse a workbook whose XML parts declare a DTD or entities (Excel never writes them)."""
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            if not info.filename.lower().endswith((".xml", ".rels", ".vml")):
                continue
            prolog = read_member(archive, info, path, 65536)
            if b"<!DOCTYPE" in prolog or b"<!ENTITY" in prolog:
                raise _refuse("this .xlsx contains unsafe XML (entity or DTD declarations, which Excel never "
                              "writes) and is not read", path)


def _sniff_text(head: bytes, path: Path) -> str:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "csv"  # UTF-16 text ("Unicode text" export from Excel)
    if b"\x00" in head:
        if utf16_without_bom(head):
            return "csv"  # UTF-16 text whose byte-order mark was lost
        if not sparse_nuls(head):
            raise _refuse("this file is binary data of an unknown kind, not a survey export", path)
        head = head.replace(b"\x00", b"")
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<table", b"<meta")) \
            or (b"<html" in text[:1024] and text.startswith(b"<")):
        raise _refuse("this file is an HTML web page saved with a spreadsheet name, not a real export: "
                      "open it in Excel and save it as .xlsx, or export CSV", path)
    if text.startswith(b"<?xml"):
        if b"urn:schemas-microsoft-com:office:spreadsheet" in head:
            raise _refuse("this is an Excel 2003 XML spreadsheet: open it in Excel and save it as .xlsx", path)
        raise _refuse("this file is an XML document, not a survey export", path)
    if text.startswith((b"{", b"[")) and path.suffix.lower() == ".json":
        raise _refuse("this file is JSON, not a survey export (use an xlsx, csv or sav export)", path)
    return "csv"
