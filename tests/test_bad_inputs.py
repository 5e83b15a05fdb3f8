"""A corpus of bad inputs, each run through the real CLI on a copy of the project.

For every case: ``survey run --no-render`` (or ``validate``/``inspect``) exits with
a non-zero, documented code (never 70, the internal-error code), prints one clear
message that names the file (and, where it applies, the row, the column and the
value), never a traceback, and the outputs of the last good run stay
byte-identical.

One good run makes the "previous outputs" once per module; each case then starts
from a pristine copy of ``survey.yml`` and the raw folder, applies its damage, runs
the command and compares.
"""

from __future__ import annotations

import hashlib
import io
import shutil
import struct
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import openpyxl
import pytest
import yaml

from survey import cli
from survey.project.paths import Paths
from survey.errors import EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_INVALID, EXIT_USAGE

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "data" / "raw" / "2024-demo"
WAVE = "2024-demo"
NETWORK = "network_webropol.xlsx"

BASE_CONFIG = {
    "organisation": {"name": "Testikunta"},
    "languages": ["fi"],
    "disclosure": {"min_group_size": 5},
    "redaction": {"names": []},
    "waves": [{"id": WAVE, "label": "Testiaineisto", "synthetic": True,
               "datasets": {"network": {"file": NETWORK}}}],
}


# --- building bad files ---------------------------------------------------------------------


def _zip(members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _network_bytes() -> bytes:
    return (DEMO / NETWORK).read_bytes()


def _edit_network(edit: Callable) -> Callable[[Path], None]:
    """A damage function that opens the network workbook, lets ``edit`` change its sheet, saves."""
    def apply(raw: Path) -> None:
        path = raw / NETWORK
        workbook = openpyxl.load_workbook(path)
        edit(workbook.active)
        workbook.save(path)
    return apply


def _replace_xlsx_member(member: str, transform: Callable[[bytes], bytes]) -> Callable[[Path], None]:
    def apply(raw: Path) -> None:
        path = raw / NETWORK
        source = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
        members = {info.filename: source.read(info.filename) for info in source.infolist()}
        members[member] = transform(members[member])
        path.write_bytes(_zip(members))
    return apply


BILLION_LAUGHS_DTD = (b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
                      + b"".join(b' <!ENTITY lol%d "%s">\n' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                                 for i in range(1, 10))
                      + b"]>\n")
XXE_DTD = (b'<?xml version="1.0" encoding="UTF-8"?>\n'
           b'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n')


def _with_dtd(dtd: bytes, entity: bytes) -> Callable[[bytes], bytes]:
    """Put ``dtd`` before the root element and ``entity`` inside the first text node."""
    def transform(xml: bytes) -> bytes:
        if xml.startswith(b"<?xml"):
            xml = xml[xml.index(b"?>") + 2:].lstrip()
        xml = xml.replace(b"<t>", b"<t>" + entity, 1).replace(b"<t xml:space=\"preserve\">",
                                                              b"<t xml:space=\"preserve\">" + entity, 1)
        return dtd + xml
    return transform


def _qde(body: str = "") -> bytes:
    return ('<?xml version="1.0" encoding="utf-8"?>\n'
            '<Project xmlns="urn:QDA-XML:project:1.0" name="demo"><CodeBook><Codes>'
            '<Code guid="c1" name="Avustukset" isCodable="true"/></Codes></CodeBook>'
            f'<Sources>{body}</Sources></Project>').encode("utf-8")


def _zip_bomb(name: str, megabytes: int = 64) -> bytes:
    """A small archive whose one member inflates to ``megabytes`` of zeros (ratio about 1000:1)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open(name, "w", force_zip64=True) as handle:
            block = b"\0" * (1024 * 1024)
            for _ in range(megabytes):
                handle.write(block)
    return buffer.getvalue()


def _sav_bytes() -> bytes:
    return (DEMO / "staff.sav").read_bytes()


# --- the corpus -------------------------------------------------------------------------------


@dataclass
class Case:
    id: str
    files: dict = field(default_factory=dict)          # raw file name -> bytes (or a function making them); None deletes
    damage: Callable[[Path], None] | None = None       # edits the raw folder in place
    config: Callable[[dict], None] | None = None       # edits the parsed survey.yml in place
    config_text: str | None = None                     # replaces survey.yml text entirely
    argv: tuple = ("run", "--no-render")
    exit_code: int | tuple = EXIT_BAD_INPUT
    names: str = NETWORK                               # the file the message must name
    mentions: tuple = ()                               # further words the message must hold


def _dataset(name: str, file: str, **extra) -> Callable[[dict], None]:
    def edit(config: dict) -> None:
        config["waves"][0]["datasets"][name] = {"file": file, **extra}
    return edit


def _network_spec(**extra) -> Callable[[dict], None]:
    def edit(config: dict) -> None:
        config["waves"][0]["datasets"]["network"].update(extra)
    return edit


def _set_cell(cell: str, value) -> Callable:
    def edit(sheet) -> None:
        sheet[cell] = value
    return edit


def _set_text(cell: str, value: str) -> Callable:
    def edit(sheet) -> None:
        sheet[cell] = value
        sheet[cell].data_type = "s"   # text, not a formula
    return edit


def _delete_columns(first: int, count: int) -> Callable:
    def edit(sheet) -> None:
        sheet.delete_cols(first, count)
    return edit


def _add_column(header: str, value) -> Callable:
    def edit(sheet) -> None:
        column = sheet.max_column + 1
        sheet.cell(row=1, column=column, value=header)
        for row in range(3, sheet.max_row + 1):
            sheet.cell(row=row, column=column, value=value)
    return edit


def _keep_rows(count: int) -> Callable:
    def edit(sheet) -> None:
        sheet.delete_rows(count + 1, sheet.max_row)
    return edit


def _wide(columns: int) -> Callable:
    def edit(sheet) -> None:
        for column in range(sheet.max_column + 1, columns + 1):
            sheet.cell(row=1, column=column, value=f"Lisäkysymys {column}")
            sheet.cell(row=3, column=column, value=1)
    return edit


CSV_GOOD_HEADER = "Vastaajan tunnus;Vastausaika;Valitse, mitä kumppanuuden muotoa\n"

CASES = [
    # the file itself cannot be read
    Case("empty-file", files={NETWORK: b""}, mentions=("empty",)),
    Case("truncated-xlsx", files={NETWORK: lambda: _network_bytes()[: len(_network_bytes()) // 2]}),
    Case("png-renamed-xlsx", files={NETWORK: b"\x89PNG\r\n\x1a\n" + b"\0" * 200}),
    Case("pdf-renamed-xlsx", files={NETWORK: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"}),
    Case("random-binary", files={NETWORK: bytes(range(256)) * 40}),
    Case("ole2-encrypted-or-xls", files={NETWORK: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4000}),
    Case("zip-but-not-a-workbook", files={NETWORK: _zip({"hello.txt": b"hei"})}),
    Case("xlsx-zip-bomb", files={NETWORK: lambda: _zip_bomb("xl/worksheets/sheet1.xml")}),
    Case("xlsx-billion-laughs", damage=_replace_xlsx_member(
        "xl/worksheets/sheet1.xml", _with_dtd(BILLION_LAUGHS_DTD, b"&lol9;"))),
    Case("xlsx-external-entity", damage=_replace_xlsx_member(
        "xl/worksheets/sheet1.xml", _with_dtd(XXE_DTD, b"&xxe;"))),
    Case("missing-file", files={NETWORK: None}, mentions=("missing",)),
    Case("folder-instead-of-file", damage=lambda raw: ((raw / NETWORK).unlink(), (raw / NETWORK).mkdir())),
    Case("wrong-sheet", config=_network_spec(sheet="Taulukko9"), mentions=("Taulukko9",)),
    Case("declared-format-wrong", config=_network_spec(format="spss"), mentions=("spss",)),
    Case("unknown-format", config=_network_spec(format="lotus123"), exit_code=(EXIT_BAD_INPUT, EXIT_USAGE),
         mentions=("lotus123",)),
    Case("very-long-cell", damage=_edit_network(_set_cell("M3", "x" * 40_000)), mentions=("characters",)),
    Case("very-wide-file", damage=_edit_network(_wide(5_100)), mentions=("columns",)),
    Case("header-only", damage=_edit_network(_keep_rows(2))),
    # the file is read, but does not fit the instrument
    Case("extra-column", damage=_edit_network(_add_column("Jäsenmäärä", "1")), exit_code=EXIT_INVALID,
         mentions=("Jäsenmäärä",)),
    Case("missing-question-columns", damage=_edit_network(_delete_columns(14, 11)), exit_code=EXIT_INVALID,
         mentions=("Järjestöt voivat hakea",)),
    Case("duplicated-id", damage=_edit_network(_set_cell("A5", "R100")), exit_code=EXIT_INVALID,
         mentions=("R100", "row 5", "Vastaajan tunnus")),
    Case("duplicated-question-header", damage=_edit_network(_add_column(
        "Jos olette laatineet sopimuksia, mistä asioista niissä on sovittu?", "1")),
        exit_code=(EXIT_INVALID, EXIT_BAD_INPUT), mentions=("Jos olette laatineet sopimuksia",)),
    Case("blank-id", damage=_edit_network(_set_cell("A6", None)), exit_code=EXIT_INVALID, mentions=("row 6",)),
    Case("out-of-range-checkbox", damage=_edit_network(_set_cell("D10", 7)), exit_code=EXIT_INVALID,
         mentions=("row 10", "7")),
    Case("text-in-checkbox", damage=_edit_network(_set_cell("E7", "ehkä")), exit_code=EXIT_INVALID,
         mentions=("row 7", "ehkä")),
    Case("formula-text-in-coded-cell", damage=_edit_network(_set_text("F8", "=1+1")), exit_code=EXIT_INVALID,
         mentions=("row 8", "=1+1")),
    Case("formula-cell-in-export", damage=_edit_network(_set_cell("G9", "=1+1")), exit_code=(EXIT_INVALID, EXIT_BAD_INPUT),
         mentions=("row 9", "formula")),
    # CSV exports
    Case("csv-utf16-no-bom", files={"network.csv": ("Vastaajan tunnus;Vastausaika\nR1;1.1.2024\n").encode("utf-16-le")},
         config=_network_spec(file="network.csv"), names="network.csv", exit_code=(EXIT_BAD_INPUT, EXIT_INVALID)),
    Case("csv-mojibake", files={"network.csv": ("Vastaajan tunnus;Vastausaika;Valitse, mitä kumppanuuden muotoa "
                                               "järjestöjen kanssa on kunnassanne ollut käytössä.\nR1;1.1.2024;1\n")
                                  .encode("utf-8").decode("latin-1").encode("utf-8")},
         config=_network_spec(file="network.csv"), names="network.csv", exit_code=(EXIT_BAD_INPUT, EXIT_INVALID)),
    Case("csv-binary-garbage", files={"network.csv": b"\x00\xff\xfe\x00" * 300},
         config=_network_spec(file="network.csv"), names="network.csv"),
    Case("csv-header-only", files={"network.csv": CSV_GOOD_HEADER.encode("utf-8")},
         config=_network_spec(file="network.csv"), names="network.csv", exit_code=(EXIT_BAD_INPUT, EXIT_INVALID)),
    Case("csv-wrong-survey", files={"network.csv": "a;b;c\n1;2;3\n4;5;6\n".encode("utf-8")},
         config=_network_spec(file="network.csv"), names="network.csv", exit_code=(EXIT_BAD_INPUT, EXIT_INVALID)),
    # SPSS
    Case("sav-truncated", files={"staff.sav": lambda: _sav_bytes()[:300]}, config=_dataset("staff", "staff.sav"),
         names="staff.sav"),
    Case("sav-is-text", files={"staff.sav": b"$FL2 this is not really spss\n" * 20},
         config=_dataset("staff", "staff.sav"), names="staff.sav"),
    # REFI-QDA interview projects
    Case("qdpx-billion-laughs", files={"interviews.qdpx": _zip({
        "project.qde": BILLION_LAUGHS_DTD + b'<Project xmlns="urn:QDA-XML:project:1.0" name="&lol9;"/>'})},
        config=_dataset("interviews", "interviews.qdpx"), names="interviews.qdpx"),
    Case("qdpx-external-entity", files={"interviews.qdpx": _zip({
        "project.qde": XXE_DTD + b'<Project xmlns="urn:QDA-XML:project:1.0" name="&xxe;"/>'})},
        config=_dataset("interviews", "interviews.qdpx"), names="interviews.qdpx"),
    Case("qdpx-zip-bomb", files={"interviews.qdpx": lambda: _zip_bomb("project.qde", 16)},
         config=_dataset("interviews", "interviews.qdpx"), names="interviews.qdpx"),
    Case("qdpx-without-project", files={"interviews.qdpx": _zip({"sources/a.txt": b"teksti"})},
         config=_dataset("interviews", "interviews.qdpx"), names="interviews.qdpx"),
    Case("qdpx-malformed-xml", files={"interviews.qdpx": _zip({"project.qde": _qde()[:-20]})},
         config=_dataset("interviews", "interviews.qdpx"), names="interviews.qdpx"),
    Case("qdpx-truncated", files={"interviews.qdpx": lambda: (DEMO / "interviews.qdpx").read_bytes()[:500]},
         config=_dataset("interviews", "interviews.qdpx"), names="interviews.qdpx"),
    # configuration and command line
    Case("config-not-yaml", config_text="waves: [\n  - id: x\n    : : :\n", exit_code=EXIT_USAGE, names="survey.yml"),
    Case("config-unknown-dataset", config=_dataset("pets", "pets.xlsx"), exit_code=EXIT_USAGE, names="survey.yml",
         mentions=("pets",)),
    Case("config-no-waves", config_text="languages: [fi]\n", exit_code=EXIT_USAGE, names="survey.yml"),
    Case("config-unknown-language", config=lambda c: c.update(languages=["de"]), exit_code=EXIT_USAGE,
         names="survey.yml", mentions=("de",)),
    Case("unknown-wave", argv=("run", "--no-render", "--wave", "1999-x"), exit_code=EXIT_USAGE, names="survey.yml",
         mentions=("1999-x",)),
    Case("validate-duplicated-id", argv=("validate",), damage=_edit_network(_set_cell("A5", "R100")),
         exit_code=EXIT_INVALID, mentions=("R100", "row 5")),
    Case("inspect-zip-bomb", argv=("inspect", "{raw}/" + NETWORK), files={NETWORK: lambda: _zip_bomb("xl/worksheets/sheet1.xml")}),
    Case("inspect-empty", argv=("inspect", "{raw}/" + NETWORK), files={NETWORK: b""}),
]


# --- running ----------------------------------------------------------------------------------


def _snapshot(root: Path) -> dict[str, str]:
    """sha256 of every file of the wave's processed and output folders."""
    out = {}
    for folder in _folders(root):
        if folder.exists():
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    out[path.relative_to(root).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def _run(argv, root: Path, capsys) -> tuple[int, str]:
    capsys.readouterr()
    code = cli.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    """A project with one good run done: (root, raw snapshot, config text, output snapshot)."""
    root = tmp_path_factory.mktemp("bad-inputs")
    raw = root / "data" / "raw" / WAVE
    raw.mkdir(parents=True)
    shutil.copy2(DEMO / NETWORK, raw / NETWORK)
    config_text = yaml.safe_dump(BASE_CONFIG, allow_unicode=True, sort_keys=False)
    (root / "survey.yml").write_text(config_text, encoding="utf-8")
    shutil.copytree(REPO / "instruments", root / "instruments")
    saved = root.parent / (root.name + "-raw")
    shutil.copytree(raw, saved)
    mp = pytest.MonkeyPatch()
    mp.setenv("SURVEY_PROJECT", str(root))
    mp.setenv("MPLBACKEND", "Agg")
    code = cli.main(["run", "--no-render"])
    if code != 0:
        mp.undo()
        pytest.fail(f"the good baseline run failed with exit {code}; the bad-input corpus needs a working "
                    "`survey run --no-render` on the demo network export")
    outputs = _snapshot(root)
    assert any(name.startswith("output/") for name in outputs)
    shutil.copytree(Paths(root).output_root, saved.parent / (saved.name + "-output"), symlinks=True)
    yield root, saved, config_text, outputs
    mp.undo()


def _folders(root: Path) -> tuple[Path, ...]:
    return (Paths(root).output(WAVE),)   # processed data and outputs: one tree


def _reset(root: Path, saved: Path, config_text: str) -> Path:
    """Pristine raw folder, survey.yml and outputs (a case that wrongly succeeded must not spoil the next)."""
    raw = root / "data" / "raw" / WAVE
    shutil.rmtree(raw)
    shutil.copytree(saved, raw)
    (root / "survey.yml").write_text(config_text, encoding="utf-8")
    output = Paths(root).output_root   # the whole output folder as the good run left it (links kept)
    shutil.rmtree(output, ignore_errors=True)
    shutil.copytree(saved.parent / (saved.name + "-output"), output, symlinks=True)
    return raw


def test_corpus_is_large_enough():
    assert len(CASES) >= 30
    assert len({case.id for case in CASES}) == len(CASES)


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_bad_input_fails_clearly_and_keeps_outputs(case, pristine, capsys):
    root, saved, config_text, outputs = pristine
    raw = _reset(root, saved, config_text)
    for name, data in case.files.items():
        if data is None:
            (raw / name).unlink()
        else:
            (raw / name).write_bytes(data() if callable(data) else data)
    if case.damage:
        case.damage(raw)
    if case.config_text is not None:
        (root / "survey.yml").write_text(case.config_text, encoding="utf-8")
    elif case.config:
        config = yaml.safe_load(config_text)
        case.config(config)
        (root / "survey.yml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False),
                                         encoding="utf-8")
    argv = [part.replace("{raw}", str(raw)) for part in case.argv]

    code, message = _run(argv, root, capsys)

    expected = case.exit_code if isinstance(case.exit_code, tuple) else (case.exit_code,)
    assert code in expected, f"exit {code}, expected {expected}; message:\n{message}"
    assert code not in (0, EXIT_INTERNAL)
    assert "Traceback" not in message
    assert case.names in message, f"the message does not name {case.names}:\n{message}"
    for word in case.mentions:
        assert word.lower() in message.lower(), f"the message does not mention {word!r}:\n{message}"
    assert _snapshot(root) == outputs, "the previous outputs changed"
    assert _bookkeeping(Paths(root).output_root) == _bookkeeping(saved.parent / (saved.name + "-output")), \
        "staging left behind"


def _bookkeeping(output: Path) -> list[str]:
    """The store's entries in an output folder (trees, temporary links), failed-validation reports excluded."""
    return sorted(p.name for p in output.iterdir() if not p.name.endswith(".validation-failed.json")) + \
        sorted(p.name for p in (output / ".runs").iterdir())
