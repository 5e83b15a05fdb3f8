"""Atomic files, reproducible workbooks, formula-injection protection and cell text (whole trees: test_store)."""

import io
import subprocess
import sys
import zipfile

import openpyxl
import pandas as pd
import pytest

from survey.store import files
from survey.store.files import (
    csv_bytes,
    is_formula_like,
    neutralise_formulas,
    safe_cell,
    safe_csv_value,
    set_cell,
    workbook_bytes,
    write_bytes_atomic,
    write_csv_atomic,
)

INJECTION = '=HYPERLINK("http://example.invalid","x")'


def _tree(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _dead_pid():
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_write_bytes_atomic_replaces_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "sub" / "a.txt"
    write_bytes_atomic(target, b"one")
    write_bytes_atomic(target, b"two")
    assert target.read_bytes() == b"two"
    assert [p.name for p in target.parent.iterdir()] == ["a.txt"]


@pytest.mark.parametrize("text, expected", [
    ("=1+1", True), ("+358", True), ("-ei", True), ("@SUM(A1)", True), ("\tx", True), ("\rx", True),
    ("ok", False), ("", False), (" =1", False), (5, False), (None, False),
])
def test_is_formula_like(text, expected):
    assert is_formula_like(text) is expected


def _reload(workbook):
    return openpyxl.load_workbook(io.BytesIO(workbook_bytes(workbook)))


def test_injected_formula_is_stored_as_text_in_xlsx():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = INJECTION                 # plain assignment: openpyxl would make a formula
    set_cell(ws["A2"], INJECTION)
    ws["A3"] = safe_cell(INJECTION)
    ws["A4"] = "-ei mitään"
    ws["A5"] = 12.5
    data = workbook_bytes(wb)
    xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml
    assert xml.count('<t>=HYPERLINK("http://example.invalid","x")</t>') == 3
    back = openpyxl.load_workbook(io.BytesIO(data)).active
    assert [back[f"A{i}"].value for i in range(1, 4)] == [INJECTION] * 3
    assert all(back[f"A{i}"].data_type == "s" for i in range(1, 5))
    assert back["A1"].quotePrefix and back["A2"].quotePrefix and back["A4"].quotePrefix
    assert back["A5"].value == 12.5 and not back["A5"].quotePrefix
    frame = pd.read_excel(io.BytesIO(data), header=None)
    assert frame.iloc[0, 0] == INJECTION


def test_neutralise_formulas_counts_and_workbook_bytes_are_reproducible():
    wb = openpyxl.Workbook()
    wb.active["A1"] = "=1+1"
    wb.active["B1"] = "ok"
    assert neutralise_formulas(wb) == 1
    assert wb.active["A1"].data_type == "s"
    assert workbook_bytes(wb) == workbook_bytes(wb)


@pytest.mark.parametrize("value, expected", [
    (INJECTION, "'" + INJECTION), ("+358 40", "'+358 40"), ("-5", "'-5"), ("@x", "'@x"),
    ("\tx", "'\tx"), ("ok", "ok"), (-5, -5), (None, None),
])
def test_safe_csv_value(value, expected):
    assert safe_csv_value(value) == expected


def test_csv_bytes_protects_text_cells_only(tmp_path):
    frame = pd.DataFrame({
        "id": ["1", "2"],
        "answer": pd.array([INJECTION, None], dtype="string"),
        "n": [-3, 4],
    })
    data = csv_bytes(frame)
    assert data.decode("utf-8") == (
        'id,answer,n\n1,"\'=HYPERLINK(""http://example.invalid"",""x"")",-3\n2,,4\n')
    assert csv_bytes(frame, bom=True).startswith("\ufeff".encode("utf-8"))
    path = write_csv_atomic(tmp_path / "t.csv", frame)
    assert path.read_bytes() == data
    assert frame["answer"].iloc[0] == INJECTION   # input unchanged


@pytest.mark.parametrize("text, expected", [
    ("\x1b[31mpunainen\x1b[0m", "\\x1b[31mpunainen\\x1b[0m"),
    ("kello\x07soi", "kello\\x07soi"),
    ("rivi\x0btoinen\x0ckolmas", "rivi\ntoinen\nkolmas"),
    ("nolla\x00tavu", "nolla\\x00tavu"),
    ("tab\tja\nrivi\r", "tab\tja\nrivi\r"),
    ("tavallinen", "tavallinen"),
])
def test_cell_text_makes_controls_visible(text, expected):
    assert files.cell_text(text) == expected


def test_control_characters_in_an_answer_do_not_crash_the_workbook():
    """openpyxl raises IllegalCharacterError for ESC/VT/BEL assigned directly; set_cell never does."""
    from openpyxl.utils.exceptions import IllegalCharacterError

    wb = openpyxl.Workbook()
    with pytest.raises(IllegalCharacterError):
        wb.active["A1"] = "\x1b[2Jhei"
    set_cell(wb.active["A1"], "\x1b[2Jhei\x07")
    set_cell(wb.active["A2"], "=1+1\x0b")
    wb.active["A3"] = safe_cell("\x1b=2")
    back = _reload(wb).active
    assert back["A1"].value == "\\x1b[2Jhei\\x07"
    assert back["A2"].value == "=1+1\n" and back["A2"].data_type == "s"
    assert back["A3"].value == "\\x1b=2"
