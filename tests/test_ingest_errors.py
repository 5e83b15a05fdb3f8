"""Files that are not survey exports: one clear sentence, a non-zero exit, no traceback, nothing written."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import openpyxl
import pytest

from survey import cli
from survey.errors import EXIT_BAD_INPUT, InputError
from survey.ingest import read
from survey.ingest.inspect import inspect_file

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _ole(*names: str) -> bytes:
    """A compound-file header and a directory sector naming ``names`` (what Office writes)."""
    directory = b"".join(n.encode("utf-16-le").ljust(64, b"\0") + b"\0" * 64 for n in names)
    return OLE + b"\0" * (512 - len(OLE)) + directory.ljust(512, b"\0")


def _good_xlsx() -> bytes:
    wb = openpyxl.Workbook()
    wb.active.append(["Vastaajan tunnus", "Ikä"])
    for i in range(30):
        wb.active.append([f"R{i}", 20 + i])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _xlsx_with_sheet(xml: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(_good_xlsx()))
    members = {i.filename: source.read(i.filename) for i in source.infolist()}
    members["xl/worksheets/sheet1.xml"] = xml
    return _zip(members)


LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
          b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
          b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
          b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
          b'<row r="1"><c r="A1" t="inlineStr"><is><t>&lol3;</t></is></c></row></sheetData></worksheet>')
XXE = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
       b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
       b'<row r="1"><c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c></row></sheetData></worksheet>')

CASES = {
    "image.xlsx": (b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "PNG image"),
    "photo.csv": (b"\xff\xd8\xff\xe0" + b"\0" * 100, "JPEG image"),
    "empty.xlsx": (b"", "the file is empty"),
    "blank.csv": (b"  \r\n\r\n", "empty"),
    "truncated.xlsx": (lambda: _good_xlsx()[: len(_good_xlsx()) // 2], "damaged or incomplete"),
    "page.xls": (b"<html><head><meta charset='utf-8'></head><body><table><tr><td>1</td></tr></table></body></html>",
                 "HTML web page"),
    "locked.xlsx": (lambda: _ole("Root Entry", "EncryptionInfo", "EncryptedPackage"), "password-protected"),
    "old.xls": (lambda: _ole("Root Entry", "Workbook", "SummaryInformation"), "Excel 97-2003"),
    "report.pdf": (b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n", "PDF"),
    "archive.xlsx": (lambda: _zip({"readme.txt": b"hei"}), "no Excel workbook"),
    "binary.csv": (bytes(range(256)) * 20, "binary"),
    "laughs.xlsx": (lambda: _xlsx_with_sheet(LAUGHS), "unsafe XML"),
    "xxe.xlsx": (lambda: _xlsx_with_sheet(XXE), "unsafe XML"),
    "fake.sav": (b"$FL2 this is not really spss\n" * 20, "damaged or incomplete"),
    "header.csv": (b"Vastaajan tunnus;Ika\n", "no responses"),
}


def _make(tmp_path: Path, name: str) -> Path:
    content = CASES[name][0]
    path = tmp_path / name
    path.write_bytes(content() if callable(content) else content)
    return path


@pytest.mark.parametrize("name", sorted(CASES))
def test_not_a_survey_gives_one_sentence(tmp_path, name):
    path = _make(tmp_path, name)
    with pytest.raises(InputError) as info:
        read(path)
    message = info.value.message
    assert CASES[name][1].lower() in message.lower(), message
    assert "\n" not in message and "Traceback" not in message
    assert info.value.file == str(path)
    with pytest.raises(InputError):
        inspect_file(path)


@pytest.mark.parametrize("name", ["image.xlsx", "empty.xlsx", "truncated.xlsx", "page.xls", "locked.xlsx"])
def test_cli_inspect_exits_non_zero_and_writes_nothing(tmp_path, name, capsys, monkeypatch):
    path = _make(tmp_path, name)
    monkeypatch.chdir(tmp_path)
    before = sorted(os.listdir(tmp_path))
    code = cli.main(["inspect", str(path), "--json"])
    out, err = capsys.readouterr()
    assert code == EXIT_BAD_INPUT
    assert out == ""
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and CASES[name][1].lower() in lines[0].lower()
    assert "Traceback" not in err
    assert sorted(os.listdir(tmp_path)) == before


def test_very_long_cell_is_refused(tmp_path):
    path = tmp_path / "long.csv"
    path.write_text("a;b\n1;" + "x" * 200_000 + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="characters"):
        read(path)


def test_very_wide_file_is_refused(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text(";".join(f"k{i}" for i in range(6000)) + "\n" + ";".join("1" * 6000) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="6000 columns"):
        read(path)


def test_wide_but_plausible_file_is_read(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text(",".join(f"k{i}" for i in range(1500)) + "\n" + ",".join(["1"] * 1500) + "\n", encoding="utf-8")
    assert read(path).frame.shape == (1, 1500)


def test_zip_bomb_is_refused(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("xl/workbook.xml", b"<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (20 * 1024 * 1024))
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(buffer.getvalue())
    with pytest.raises(InputError, match="zip bomb"):
        read(path)


def test_formula_cells_are_refused(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["Vastaajan tunnus", "Ikä"])
    wb.active.append(["R1", "=1+1"])
    path = tmp_path / "formula.xlsx"
    wb.save(path)
    with pytest.raises(InputError, match="formula") as info:
        read(path)
    assert info.value.row == 2 and info.value.column == "B"


def test_unknown_and_mismatched_format_settings(tmp_path):
    path = tmp_path / "ok.xlsx"
    path.write_bytes(_good_xlsx())
    with pytest.raises(InputError, match="unknown format 'lotus123'"):
        read(path, fmt="lotus123")
    with pytest.raises(InputError, match="spss"):
        read(path, fmt="spss")
    with pytest.raises(InputError, match="Taulukko9"):
        read(path, sheet="Taulukko9")


def test_openpyxl_parses_with_defusedxml():
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML is True


def test_password_protected_xlsx_with_directory_at_the_end(tmp_path):
    sector = 512
    padding = 6 * 1024 * 1024  # an encrypted payload larger than the first read
    directory_sector = padding // sector
    header = bytearray(OLE + b"\0" * (sector - len(OLE)))
    header[30:32] = (9).to_bytes(2, "little")  # 512-byte sectors
    header[48:52] = (directory_sector - 1).to_bytes(4, "little")
    directory = b"".join(n.encode("utf-16-le").ljust(128, b"\0") for n in ("Root Entry", "EncryptedPackage"))
    path = tmp_path / "locked.xlsx"
    path.write_bytes(bytes(header) + b"\x17" * (padding - sector) + directory.ljust(sector, b"\0"))
    with pytest.raises(InputError, match="password-protected"):
        read(path)
