"""REFI-QDA positions under both conventions, MAXQDA's .zip name, and damaged or crafted projects.

NVivo counts ``startPosition``/``endPosition`` in UTF-16 code units, ATLAS.ti and MAXQDA in
code points; the fixtures below hold emoji so that the two differ, and the expected coded
text is computed here from the text itself, not by the reader.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

import pandas as pd
import pytest

from survey import cli
from survey.errors import EXIT_BAD_INPUT, InputError
from survey.ingest.qdpx import inspect_qdpx, read_qdpx

NS = "urn:QDA-XML:project:1.0"

TEXTS = {
    "a.txt": "Haastattelija: Miten avustukset toimivat? 🙂\nVastaaja: Haku on selkeä 👍 ja nopea.\n"
             "Haastattelija: Entä tilat? 🏠\nVastaaja: Tiloja on liian vähän 😕 iltaisin.\n",
    "b.txt": "Vastaaja: Yhteistyö 🤝 järjestöjen kanssa sujuu.\nVastaaja: Sopimukset ovat 📄 selkeitä.\n",
}
# (source, coded text) pairs: whole phrases, as a coder selects them
CODED = [("a.txt", "Haku on selkeä 👍 ja nopea."), ("a.txt", "Tiloja on liian vähän 😕 iltaisin."),
         ("a.txt", "Entä tilat?"), ("b.txt", "Yhteistyö 🤝 järjestöjen kanssa sujuu."),
         ("b.txt", "Sopimukset ovat 📄 selkeitä.")]


def _utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _positions(source: str, coded: str, convention: str) -> tuple[int, int]:
    text = TEXTS[source]
    start = text.index(coded)
    end = start + len(coded)
    if convention == "utf-16":
        return _utf16_units(text[:start]), _utf16_units(text[:end])
    return start, end


def _project(convention: str, origin: str) -> str:
    by_source: dict = {}
    for i, (source, coded) in enumerate(CODED):
        start, end = _positions(source, coded, convention)
        by_source.setdefault(source, []).append(
            f'<PlainTextSelection guid="S{i}" startPosition="{start}" endPosition="{end}">'
            f'<Coding guid="C{i}"><CodeRef targetGUID="K{i % 2 + 1}"/></Coding></PlainTextSelection>')
    sources = "".join(f'<TextSource guid="G{k}" name="H0{k + 1}" plainTextPath="internal://{name}">'
                      f'{"".join(by_source.get(name, []))}</TextSource>' for k, name in enumerate(TEXTS))
    return (f'<?xml version="1.0" encoding="utf-8"?><Project xmlns="{NS}" name="p" origin="{origin}">'
            '<CodeBook><Codes><Code guid="K1" name="Avustukset" isCodable="true"/>'
            '<Code guid="K2" name="Toimitilat" isCodable="true"/></Codes></CodeBook>'
            f"<Sources>{sources}</Sources></Project>")


def _write(path: Path, xml: str, *, bom: bool = True, members: dict | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", xml.encode("utf-8"))
        for name, text in TEXTS.items():
            archive.writestr(f"sources/{name}", (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
        for name, data in (members or {}).items():
            archive.writestr(name, data)
    return path


@pytest.mark.parametrize("convention,origin", [("utf-16", "NVivo 14"), ("code-points", "MAXQDA 24"),
                                               ("code-points", "ATLAS.ti 23")])
def test_coded_text_equals_the_selection_under_either_convention(tmp_path, convention, origin):
    project = read_qdpx(_write(tmp_path / "p.qdpx", _project(convention, origin)))
    assert project.extra["positions"] == convention
    assert project.codings["text"].tolist() == [coded for _, coded in CODED]
    # the normal form counts code points whatever the file did
    for (source, coded), start, end in zip(CODED, project.codings["start"], project.codings["end"]):
        assert TEXTS[source][start:end] == coded
    assert any("positions" in note for note in project.notes)
    info = inspect_qdpx(tmp_path / "p.qdpx")
    assert info["positions"] == convention and "word boundaries" in info["positions_evidence"]


def test_texts_without_emoji_read_as_code_points_both_agree(tmp_path):
    plain = {"a.txt": "Vastaaja: Haku on selkeä ja nopea.\n"}
    xml = (f'<?xml version="1.0"?><Project xmlns="{NS}" name="p"><CodeBook><Codes>'
           '<Code guid="K1" name="Avustukset"/></Codes></CodeBook><Sources>'
           '<TextSource guid="G" name="H01" plainTextPath="internal://a.txt">'
           '<PlainTextSelection guid="S" startPosition="10" endPosition="34"><Coding guid="C">'
           '<CodeRef targetGUID="K1"/></Coding></PlainTextSelection></TextSource></Sources></Project>')
    path = tmp_path / "p.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", xml)
        archive.writestr("sources/a.txt", plain["a.txt"])
    project = read_qdpx(path)
    assert project.codings["text"].tolist() == ["Haku on selkeä ja nopea."]
    assert project.extra["positions"] == "code-points"
    assert "agree" in project.extra["positions_evidence"]


def test_decision_prefers_the_standard_on_a_tie():
    from survey.ingest.qdpx import decide_positions

    text = "ab 😀 cd"
    # "cd" at code points 5..7, UTF-16 units 6..8: only one convention lands on it
    assert decide_positions([(text, 5, 7)])[0] == "code-points"
    assert decide_positions([(text, 6, 8)])[0] == "utf-16"
    assert decide_positions([(text, 0, 2)])[0] == "code-points"  # before the emoji: both agree


def test_maxqda_export_named_zip_is_read_by_validate(tmp_path, monkeypatch, capsys):
    root = tmp_path / "project"
    raw = root / "data" / "raw" / "2024-demo"
    raw.mkdir(parents=True)
    _write(raw / "MAXQDA24 Projekt.zip", _project("code-points", "MAXQDA 24"))
    (root / "survey.yml").write_text(
        "organisation: {name: Testikunta}\nlanguages: [fi]\ndatasets: {}\nwaves: []\n", encoding="utf-8")
    monkeypatch.setenv("SURVEY_PROJECT", str(root))
    # the codebook drafted from the export, and the wave declared with it
    assert cli.main(["draft", str(raw / "MAXQDA24 Projekt.zip"), "--dataset", "interviews", "--wave", "2024-demo"]) == 0
    code = cli.main(["validate", "--wave", "2024-demo"])
    out = capsys.readouterr()
    assert code == 0, out.out + out.err
    from survey.prepare.interviews import read_interviews

    assert read_interviews(raw / "MAXQDA24 Projekt.zip").codings["text"].tolist() == [c for _, c in CODED]


# --------------------------------------------------------------------------- damaged and crafted projects

def _deep_codebook(depth: int) -> str:
    opening = "".join(f'<Code guid="K{i}" name="c{i}">' for i in range(depth))
    return (f'<?xml version="1.0"?><Project xmlns="{NS}" name="p"><CodeBook><Codes>{opening}'
            f'{"</Code>" * depth}</Codes></CodeBook><Sources/></Project>')


def test_codebook_nested_3000_deep_is_one_sentence(tmp_path):
    path = tmp_path / "deep.qdpx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", _deep_codebook(3000))
    with pytest.raises(InputError, match="levels deep"):
        read_qdpx(path)


def test_case_variable_of_mixed_types_is_text_and_writes_to_parquet(tmp_path):
    xml = (f'<?xml version="1.0"?><Project xmlns="{NS}" name="p"><CodeBook><Codes>'
           '<Code guid="K1" name="Avustukset"/></Codes></CodeBook>'
           '<Variables><Variable guid="V1" name="Ikäryhmä" typeOfVariable="Integer"/>'
           '<Variable guid="V2" name="Vuosia" typeOfVariable="Integer"/></Variables><Cases>'
           '<Case guid="A" name="H01"><VariableValue><VariableRef targetGUID="V1"/><IntegerValue>3</IntegerValue>'
           '</VariableValue><VariableValue><VariableRef targetGUID="V2"/><IntegerValue>12</IntegerValue>'
           '</VariableValue><SourceRef targetGUID="G1"/></Case>'
           '<Case guid="B" name="H02"><VariableValue><VariableRef targetGUID="V1"/><TextValue>yli 60</TextValue>'
           '</VariableValue><VariableValue><VariableRef targetGUID="V2"/><IntegerValue>4</IntegerValue>'
           '</VariableValue><SourceRef targetGUID="G2"/></Case></Cases><Sources>'
           '<TextSource guid="G1" name="H01"/><TextSource guid="G2" name="H02"/></Sources></Project>')
    path = tmp_path / "cases.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", xml)
    cases = read_qdpx(path).cases
    assert cases["Ikäryhmä"].tolist() == ["3", "yli 60"] and str(cases["Ikäryhmä"].dtype) == "string"
    assert str(cases["Vuosia"].dtype) == "Int64"
    cases.to_parquet(tmp_path / "cases.parquet")
    assert pd.read_parquet(tmp_path / "cases.parquet")["Ikäryhmä"].tolist() == ["3", "yli 60"]


def _corrupt(data: bytes, name: bytes, how: str) -> bytes:
    """The zip ``data`` with member ``name`` damaged: a wrong CRC, a broken deflate stream, or method 9."""
    buf = bytearray(data)
    local = buf.find(b"PK\x03\x04" + bytes(0))
    while local >= 0:
        n = struct.unpack("<H", buf[local + 26:local + 28])[0]
        extra = struct.unpack("<H", buf[local + 28:local + 30])[0]
        if buf[local + 30:local + 30 + n] == name:
            break
        local = buf.find(b"PK\x03\x04", local + 4)
    central = buf.find(b"PK\x01\x02")
    while central >= 0:
        n = struct.unpack("<H", buf[central + 28:central + 30])[0]
        if buf[central + 46:central + 46 + n] == name:
            break
        central = buf.find(b"PK\x01\x02", central + 4)
    if how == "crc":
        for offset in (local + 14, central + 16):
            buf[offset:offset + 4] = struct.pack("<I", (struct.unpack("<I", buf[offset:offset + 4])[0] ^ 0xFFFF))
    elif how == "deflate":
        start = local + 30 + n + extra
        buf[start:start + 8] = b"\xff" * 8
    elif how == "deflate64":
        for offset in (local + 8, central + 10):
            buf[offset:offset + 2] = struct.pack("<H", 9)
    return bytes(buf)


@pytest.mark.parametrize("how", ["crc", "deflate", "deflate64"])
def test_damaged_qdpx_member_is_one_sentence(tmp_path, how):
    good = _write(tmp_path / "good.qdpx", _project("code-points", "x")).read_bytes()
    path = tmp_path / "bad.qdpx"
    path.write_bytes(_corrupt(good, b"sources/a.txt", how))
    with pytest.raises(InputError) as err:
        read_qdpx(path)
    assert "sources/a.txt" in str(err.value) and str(path) in str(err.value)


@pytest.mark.parametrize("how", ["crc", "deflate", "deflate64"])
def test_damaged_xlsx_member_exits_4_in_inspect(tmp_path, how, capsys):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["Kunta", "Ikä"])
    for i in range(30):
        wb.active.append([f"Kunta {i % 3}", 20 + i])
    good = io.BytesIO()
    wb.save(good)
    path = tmp_path / "bad.xlsx"
    path.write_bytes(_corrupt(good.getvalue(), b"xl/worksheets/sheet1.xml", how))
    code = cli.main(["inspect", str(path)])
    err = capsys.readouterr().err
    assert code == EXIT_BAD_INPUT, err
    assert "sheet1.xml" in err and "Traceback" not in err
