"""Careless and hostile inputs to the readers: each is one sentence naming the file (exit 4), never a crash.

CSV records merged by a stray quote or shifted by an unquoted delimiter, broken UTF-16,
a coding sheet in an unknown 8-bit encoding, a workbook with millions of unused shared
strings.
"""

from __future__ import annotations

import io
import time
import zipfile

import openpyxl
import pytest

from survey import cli
from survey.errors import EXIT_BAD_INPUT, InputError
from survey.ingest import read


def _rows(n: int = 16) -> list[str]:
    return ["id,kunta,kommentti,ikä"] + [f"{i},Seinäjoki,vastaus numero {i},{20 + i}" for i in range(1, n + 1)]


def test_unterminated_quote_in_a_small_csv_is_refused_naming_its_line(tmp_path):
    lines = _rows()
    lines[3] = '3,Seinäjoki,"tämä vastaus alkaa lainausmerkillä,23'
    path = tmp_path / "small.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read(path)
    assert err.value.row == 4 and "quote" in err.value.message and str(path) in str(err.value)


def test_quote_closed_many_lines_later_is_refused(tmp_path):
    lines = _rows()
    lines[2] = '2,Seinäjoki,"hyvä,22'
    lines[14] = '14,Seinäjoki,loppu",34'
    path = tmp_path / "small.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="lines 3–15"):
        read(path)


def test_a_quoted_answer_over_several_lines_is_kept(tmp_path):
    lines = _rows(4)
    lines[2] = '2,Seinäjoki,"ensimmäinen rivi\ntoinen rivi, jossa pilkku\nkolmas",22'
    path = tmp_path / "ok.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ds = read(path)
    assert ds.meta.respondents == 4 and ds.meta.source_rows == (2, 3, 6, 7)
    assert ds.frame["c003"].iloc[1] == "ensimmäinen rivi\ntoinen rivi, jossa pilkku\nkolmas"


def test_one_ragged_row_is_one_error_naming_the_row(tmp_path, capsys):
    lines = _rows()
    lines[6] = "6,Seinäjoki,vastaus, jossa pilkku,26"
    path = tmp_path / "ragged.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read(path)
    assert err.value.row == 7 and "5 cells" in err.value.message
    assert cli.main(["inspect", str(path)]) == EXIT_BAD_INPUT
    assert capsys.readouterr().err.count("\n") <= 2


def test_one_short_row_among_full_rows_is_refused(tmp_path):
    lines = _rows()
    lines[9] = "9,Seinäjoki,29"
    path = tmp_path / "short.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read(path)
    assert err.value.row == 10


def test_rows_without_trailing_blank_cells_are_still_read(tmp_path):
    text = "id,kunta,kommentti\n1,Seinäjoki\n2,Evijärvi,hyvä\n3,Seinäjoki\n4,Evijärvi\n"
    path = tmp_path / "trailing.csv"
    path.write_text(text, encoding="utf-8")
    assert read(path).meta.respondents == 4


@pytest.mark.parametrize("data,why", [
    (b"\xff\xfe" + "Kunta,Ikä\nSeinäjoki,30\n".encode("utf-16-le") + b"\x00", "odd number of bytes"),
    (b"\xff\xfe" + "Kunta,Ikä\nSeinäjoki,".encode("utf-16-le") + b"\x00\xd8" + "30\n".encode("utf-16-le"),
     "unpaired"),
], ids=["odd-byte-count", "lone-surrogate"])
def test_broken_utf16_is_one_sentence(tmp_path, data, why, capsys):
    path = tmp_path / "unicode.csv"
    path.write_bytes(data)
    with pytest.raises(InputError, match=why):
        read(path)
    assert cli.main(["inspect", str(path)]) == EXIT_BAD_INPUT
    assert "Traceback" not in capsys.readouterr().err


def test_coding_sheet_with_an_undefined_cp1252_byte_is_read(tmp_path):
    from survey.ingest.coding_sheet import read_coding_sheet

    path = tmp_path / "koodit.csv"
    path.write_bytes("haastattelu;koodi;sitaatti\nH01;Avustukset;Haku on selke\xe4 \x81\nH02;Tilat;Ei tiloja\n"
                     .encode("latin-1"))
    project = read_coding_sheet(path)
    assert len(project.codings) == 2 and project.codings["text"].iloc[0].startswith("Haku on selkeä")


def test_workbook_with_millions_of_unused_shared_strings_is_refused_quickly(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["Kunta", "Ikä"])
    wb.active.append(["Seinäjoki", 30])
    buffer = io.BytesIO()
    wb.save(buffer)
    strings = "".join(f"<si><t>s{i}</t></si>" for i in range(400_000))
    table = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org'
             f'/spreadsheetml/2006/main" count="400000" uniqueCount="400000">{strings}</sst>')
    path = tmp_path / "bloated.xlsx"
    override = ('<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                'officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", override.encode())
            target.writestr(info.filename, data)
        target.writestr("xl/sharedStrings.xml", table)  # openpyxl writes inline strings; Excel writes this
    started = time.perf_counter()
    with pytest.raises(InputError, match="shared strings"):
        read(path)
    assert time.perf_counter() - started < 5
