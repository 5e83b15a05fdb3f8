"""REFI-QDA reader: real exports, exact positions (emoji, BOM), unsafe archives."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from survey.errors import InputError
from survey.ingest import qdpx
from survey.ingest.qdpx import inspect_qdpx, read_qdpx
from survey.project.config import load_project
from survey.project.instruments import Codebook

# The demo project's interview codebook: the reader gives its ids to the export's code names.
BOOK = Codebook.of(load_project(Path(__file__).resolve().parents[1]).instrument("interviews"))

REALWORLD = Path(__file__).resolve().parents[2] / "shared" / "realworld"
ATLAS = REALWORLD / "qda_atlasti_refi-qda" / "TestProject.qdpx"

NS = "urn:QDA-XML:project:1.0"

# Own fixture: a UTF-8 byte-order mark, then text with characters outside the BMP.
# Positions are code points of the text after the BOM (REFI-QDA, section 9.2);
# 👋 (U+1F44B) and 💶 (U+1F4B6) count one each, while UTF-16 would count two.
TEXT_A = "Hei 👋 maailma! Avustukset 💶 ovat tärkeitä.\nTilat 🏠 maksutta."
SELECTIONS_A = [(4, 13, "👋 maailma"), (15, 42, "Avustukset 💶 ovat tärkeitä."), (43, 60, "Tilat 🏠 maksutta.")]
TEXT_B = "Ei koodattavaa emojia 😀 vaan tavallinen lause."


def _project_xml(selections_a, *, qde_extra: str = "") -> str:
    sel = "".join(
        f'<PlainTextSelection guid="S{i}" startPosition="{s}" endPosition="{e}">'
        f'<Coding guid="C{i}"><CodeRef targetGUID="{"K2" if i else "K3"}"/></Coding></PlainTextSelection>'
        for i, (s, e, _) in enumerate(selections_a))
    return f"""<?xml version="1.0" encoding="utf-8"?>{qde_extra}
<Project xmlns="{NS}" name="fixture" origin="test">
  <CodeBook><Codes>
    <Code guid="K1" name="Avustukset" isCodable="true">
      <Code guid="K2" name="Avustusten hakuprosessi" isCodable="true"/>
    </Code>
    <Code guid="K4" name="Toimitilat" isCodable="true">
      <Code guid="K3" name="Maksuttomat ja edulliset tilat" isCodable="true"/>
    </Code>
  </Codes></CodeBook>
  <Variables><Variable guid="V1" name="Toimiala" typeOfVariable="Text"/></Variables>
  <Cases>
    <Case guid="CA" name="Haastattelu A">
      <VariableValue><VariableRef targetGUID="V1"/><TextValue>Elinvoiman ja työllisyyden toimiala</TextValue></VariableValue>
      <SourceRef targetGUID="SA"/>
    </Case>
  </Cases>
  <Sources>
    <TextSource guid="SA" name="Maija Esimerkki" plainTextPath="internal://a.txt">{sel}</TextSource>
    <TextSource guid="SB" name="Pekka Esimerkki" plainTextPath="internal://b.txt">
      <PlainTextSelection guid="SB1" startPosition="22" endPosition="23">
        <Coding guid="CB1"><CodeRef targetGUID="K1"/></Coding></PlainTextSelection>
    </TextSource>
    <TextSource guid="SC" name="Puuttuva" plainTextPath="internal://missing.txt">
      <PlainTextSelection guid="SC1" startPosition="0" endPosition="5">
        <Coding guid="CC1"><CodeRef targetGUID="K2"/></Coding></PlainTextSelection>
    </TextSource>
  </Sources>
</Project>"""


def _write_qdpx(path: Path, members: dict) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


@pytest.fixture
def fixture_qdpx(tmp_path) -> Path:
    return _write_qdpx(tmp_path / "fixture.qdpx", {
        "Project.qde": _project_xml(SELECTIONS_A).encode("utf-8"),
        "Sources/a.txt": b"\xef\xbb\xbf" + TEXT_A.encode("utf-8"),
        "Sources/b.txt": TEXT_B.encode("utf-8"),
    })


def test_positions_are_code_points_after_the_bom(fixture_qdpx):
    project = read_qdpx(fixture_qdpx)
    coded = project.codings[project.codings["interview"] == "H01"].reset_index(drop=True)
    assert list(coded["text"]) == [expected for _, _, expected in SELECTIONS_A]
    assert list(coded["start"]) == [s for s, _, _ in SELECTIONS_A]
    # the emoji in source B is coded on its own: one code point
    assert project.codings.loc[project.codings["interview"] == "H02", "text"].tolist() == ["😀"]


def test_fixture_is_independent_of_the_reader():
    """The expected strings are where the standard says: slicing code points of the BOM-less text."""
    for start, end, expected in SELECTIONS_A:
        assert TEXT_A[start:end] == expected
    # a UTF-16 count would land elsewhere
    units = TEXT_A.encode("utf-16-le")
    assert units[2 * 15:2 * 42].decode("utf-16-le") != SELECTIONS_A[1][2]


def test_hierarchy_cases_pseudonyms_and_missing_sources(fixture_qdpx):
    project = read_qdpx(fixture_qdpx, BOOK)
    codings = project.codings
    assert set(codings["code"]) == {"avustukset_haku", "tilat_maksuttomat", "avustukset"}
    assert dict(zip(codings["code"], codings["parent"])) == {
        "avustukset_haku": "avustukset", "tilat_maksuttomat": "toimitilat", "avustukset": "avustukset"}
    assert list(project.cases["interview"]) == ["H01", "H02", "H03"]
    assert project.cases["division"].tolist()[0] == "elinvoima"
    assert project.missing_sources == ("sources/missing.txt",)
    missing = codings[codings["interview"] == "H03"]
    assert len(missing) == 1 and missing["text"].isna().all()
    # personal names of sources never appear in the normal form
    assert "Maija" not in codings.to_string() and "Maija" not in project.cases.to_string()


def test_inspect_reports_format_counts_and_codes(fixture_qdpx):
    info = inspect_qdpx(fixture_qdpx, BOOK)
    assert info["format"] == "refi-qda"
    assert (info["respondents"], info["codes"], info["codings"]) == (3, 4, 5)
    assert info["missing_sources"] == ["sources/missing.txt"]
    assert {c["code"] for c in info["code_list"]} == {"avustukset", "avustukset_haku", "toimitilat",
                                                      "tilat_maksuttomat"}


@pytest.mark.skipif(not ATLAS.is_file(), reason="shared realworld exports not available")
def test_atlas_ti_export_reads_with_missing_sources_reported():
    info = inspect_qdpx(ATLAS)
    assert info["format"] == "refi-qda"
    assert info["codes"] == 14
    assert info["codings"] == 16
    assert len(info["missing_sources"]) == 8
    assert all(m.startswith("sources/") for m in info["missing_sources"])
    project = read_qdpx(ATLAS)
    # ATLAS.ti writes hierarchy into names: "Coke::diet Coke" belongs to "Coke"
    assert project.codes.set_index("code").loc["Coke::diet Coke", "parent"] == "Coke"
    # PDF selections carry their own text; text selections of missing sources have none
    assert "granola" in set(project.codings["text"].dropna())
    assert project.codings.loc[project.codings["kind"] == "text", "text"].isna().all()


def test_billion_laughs_is_refused(tmp_path):
    bomb = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<Project xmlns="urn:QDA-XML:project:1.0" name="&lol3;"/>"""
    path = _write_qdpx(tmp_path / "laughs.qdpx", {"project.qde": bomb})
    with pytest.raises(InputError, match="billion laughs"):
        read_qdpx(path)


def test_zip_bomb_is_refused_before_unpacking(tmp_path, monkeypatch):
    path = _write_qdpx(tmp_path / "bomb.qdpx", {"project.qde": _project_xml([]),
                                                "sources/a.txt": b"\0" * (3 * 1024 * 1024)})
    with pytest.raises(InputError, match="zip bomb"):
        read_qdpx(path)
    monkeypatch.setattr(qdpx, "MAX_TOTAL_UNCOMPRESSED", 1000)
    small = _write_qdpx(tmp_path / "big.qdpx", {"project.qde": _project_xml([])})
    with pytest.raises(InputError, match="would unpack"):
        read_qdpx(small)


@pytest.mark.parametrize("members, message", [
    ({"readme.txt": "x"}, "no project.qde"),
    ({"project.qde": "<Project"}, "not well-formed"),
    ({"project.qde": "<Codebook/>"}, "not <Project>"),
])
def test_not_a_project_gives_one_clear_sentence(tmp_path, members, message):
    path = _write_qdpx(tmp_path / "x.qdpx", members)
    with pytest.raises(InputError, match=message):
        read_qdpx(path)


def test_not_a_zip(tmp_path):
    path = tmp_path / "x.qdpx"
    path.write_bytes(b"hello")
    with pytest.raises(InputError, match="zip archive"):
        read_qdpx(path)


def test_decode_text_drops_bom_and_reads_utf16():
    assert qdpx.decode_text(b"\xef\xbb\xbfabc") == "abc"
    assert qdpx.decode_text("ä😀".encode("utf-16")) == "ä😀"


def test_interviewee_names_from_source_names_are_masked(tmp_path):
    from survey.prepare.interviews import load_interviews

    text = "Olen Maija Esimerkki ja vastaan avustuksista kaupungilla."
    xml = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="{NS}" name="x">
  <CodeBook><Codes><Code guid="K1" name="Avustukset" isCodable="true"/></Codes></CodeBook>
  <Sources>
    <TextSource guid="S1" name="Haastattelu Maija Esimerkki.docx" plainTextPath="internal://s1.txt">
      <PlainTextSelection guid="P1" startPosition="0" endPosition="{len(text)}">
        <Coding guid="C1"><CodeRef targetGUID="K1"/></Coding></PlainTextSelection>
    </TextSource>
  </Sources>
</Project>"""
    path = _write_qdpx(tmp_path / "names.qdpx", {"project.qde": xml, "sources/s1.txt": text})
    assert read_qdpx(path).codings["text"].iloc[0] == text
    frames = load_interviews(path)
    assert "Maija" not in frames["codings"]["text"].iloc[0]
    assert "Esimerkki" not in frames["codings"].to_json() + frames["cases"].to_json()
