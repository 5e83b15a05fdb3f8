"""After full runs of both demo waves: no planted personal data in any output, raw data untouched.

The demo generators plant invented personal data (a name, phone numbers, an
e-mail address, an identity code, a street address) in open answers and
interview segments (``survey.demo.truth.PII``), and one formula-injection answer.
This test runs ``survey run --no-render`` for both demo waves on a copy of the
project (its own ``survey.yml``), then reads every file of each wave's output tree
(``project.paths.output(wave)``, processed data included) the way a person or a program could: text as text, JSON
decoded, zip-based files (xlsx, docx, pptx) unpacked, parquet decoded, XML
character references resolved. None may contain any planted value.
"""

from __future__ import annotations

import functools
import hashlib
import html
import io
import json
import re
import zipfile
import zlib
from pathlib import Path

import openpyxl
import pyarrow.parquet as pq
import pytest

from survey.artefacts.figures import PNG_SIGNATURE
from survey.demo.truth import FORMULA_INJECTION, PII
from survey.project.paths import Paths

REPO = Path(__file__).resolve().parents[1]
WAVES = ("2024-demo", "2026-demo")

pytestmark = pytest.mark.slow


def _hashes(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _strings(value, out: list[str]) -> None:
    if isinstance(value, str):
        out.append(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            out.append(str(key))
            _strings(item, out)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _strings(item, out)


def _texts(path: Path) -> list[str]:
    """Everything readable in one output file, as text."""
    return [text for _, texts in _readable(path) for text in texts]


def _readable(path: Path) -> list[tuple[bytes, list[str]]]:
    """``(bytes, their texts)`` of one output file: the file itself and each member of a zip-based file (depth
    first, members of members included), and the decoded parquet table (its own entry, keyed by the file)."""
    data = path.read_bytes()
    parts = _parts_of_bytes(data, path.suffix)
    if path.suffix == ".parquet":
        table = pq.read_table(path)
        metadata = table.schema.metadata or {}
        texts = [v.decode("utf-8", errors="replace") for v in metadata.values()]
        for column in table.column_names:
            texts.append(column)
            texts += [str(v) for v in table.column(column).to_pylist() if v is not None]
        parts.append((b"parquet\0" + data, texts))
    return parts


def _png_without_pixels(data: bytes) -> bytes:
    """A PNG's bytes with the deflated pixel rows (``IDAT`` payloads) left out and every text chunk readable:
    ``zTXt`` and compressed ``iTXt`` inflated. Pixels hold no text; searching their deflate stream only costs."""
    kept, at = [data[:8]], 8
    while at + 8 <= len(data):
        length, kind = int.from_bytes(data[at:at + 4], "big"), data[at + 4:at + 8]
        payload = data[at + 8:at + 8 + length]
        if kind == b"zTXt" and b"\0" in payload:
            key, rest = payload.split(b"\0", 1)
            payload = key + b"\0" + zlib.decompress(rest[1:])
        elif kind == b"iTXt" and payload.count(b"\0") >= 3 and payload[payload.index(b"\0") + 1] == 1:
            key, rest = payload.split(b"\0", 1)
            language, translated, text = rest[2:].split(b"\0", 2)
            payload = b"\0".join((key, language, translated, zlib.decompress(text)))
        kept.append(kind + (b"" if kind == b"IDAT" else payload))
        at += 12 + length
    kept.append(data[at:])  # anything after the chunks (none in a well-formed file)
    return b"\n".join(kept)


def _parts_of_bytes(data: bytes, suffix: str) -> list[tuple[bytes, list[str]]]:
    readable = _png_without_pixels(data) if data.startswith(PNG_SIGNATURE) else data
    texts = [html.unescape(readable.decode("utf-8", errors="replace")), readable.decode("latin-1")]
    if suffix == ".json":
        try:
            _strings(json.loads(data), texts)
        except ValueError:
            pass
    parts = [(suffix.encode() + b"\0" + data, texts)]
    if data.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in archive.infolist():
                parts += _parts_of_bytes(archive.read(info), Path(info.filename).suffix)
    return parts


def _fold(text: str) -> str:
    """The text casefolded, each run of whitespace one space (``str.split`` and ``re``'s ``\\s`` agree on what
    whitespace is; the ends are stripped, which no needle can tell: none begins or ends with a space)."""
    return " ".join(text.casefold().split())


@functools.lru_cache(maxsize=None)
def _literal(pattern: re.Pattern) -> str | None:
    """The plain text every match of ``pattern`` contains, when it is an escaped literal (``\\b`` aside)."""
    stripped = pattern.pattern.replace(r"\b", "")
    plain = re.sub(r"\\(.)", r"\1", stripped)
    return plain if re.escape(plain) == stripped else None


def _matches(texts: list[str], needles: dict[str, re.Pattern]) -> list[tuple[str, str]]:
    """``(label, matched text)`` of every match of each needle in ``texts``, folded by :func:`_fold` as one text
    whose parts are kept apart by NUL (no needle holds one, and it is neither whitespace nor a word character)."""
    folded = _fold("\0".join(texts))
    found = []
    for label, pattern in needles.items():
        literal = _literal(pattern)
        if literal is not None and literal not in folded:
            continue  # a quick test that the pattern cannot match (``in`` is far faster than a \b search)
        found += [(label, match.group(0)) for match in pattern.finditer(folded)]
    return found


def _needles() -> dict[str, re.Pattern]:
    first, last = PII["name"].split()
    street = PII["address"].split(",")[0]
    patterns = {
        "name": re.escape(PII["name"].casefold()),
        "first name": rf"\b{re.escape(first.casefold())}\b",
        "surname (any form)": re.escape(last.casefold()[:-3]),          # meikäläi- : Meikäläinen, -sen, -selle
        "e-mail": re.escape(PII["email"].casefold()),
        "e-mail user": re.escape(PII["email"].split("@")[0].casefold()),
        "identity code": re.escape(PII["hetu"].casefold()),
        "street address": re.escape(street.casefold()),
    }
    for key in ("phone_local", "phone_intl"):
        digits = re.sub(r"\D", "", PII[key])
        patterns[key] = r"\D?".join(re.escape(d) for d in digits[-9:])   # any separators
    return {label: re.compile(pattern) for label, pattern in patterns.items()}


@pytest.fixture(scope="module")
def demo_run(demo_outputs):
    """Both demo waves run on a copy of the project (the session's demo build); (root, raw hashes)."""
    before = {**{f"{WAVES[0]}/{k}": v for k, v in _hashes(REPO / "data" / "raw" / WAVES[0]).items()},
              **{f"{WAVES[1]}/{k}": v for k, v in _hashes(REPO / "data" / "raw" / WAVES[1]).items()}}
    return demo_outputs, before


def _outputs(root: Path) -> list[Path]:
    paths = Paths(root)
    files = [p for wave in WAVES if paths.output(wave).exists()
             for p in sorted(paths.output(wave).rglob("*")) if p.is_file()]
    return files + sorted(paths.output_root.glob("*.json"))


def test_outputs_exist_for_both_waves(demo_run):
    root, _ = demo_run
    for wave in WAVES:
        assert any(Paths(root).processed(wave).glob("*.parquet"))
        assert any(Paths(root).output(wave).rglob("*.xlsx"))


def test_no_planted_personal_data_in_any_output(demo_run):
    """Every file and every member of a zip-based file read as text; identical bytes (a picture in the figures
    folder and in a deck, the same member in two workbooks) are searched once and reported for each file."""
    root, _ = demo_run
    needles = _needles()
    assert all(_literal(pattern) is not None for label, pattern in needles.items() if not label.startswith("phone"))
    found = []
    searched: dict[bytes, list[tuple[str, str]]] = {}
    for path in _outputs(root):
        for data, texts in _readable(path):
            key = hashlib.sha256(data).digest()
            if key not in searched:
                searched[key] = _matches(texts, needles)
            found += [f"{path.relative_to(root)}: {label} ({match!r})" for label, match in searched[key]]
    assert not sorted(set(found)), "personal data in outputs:\n" + "\n".join(sorted(set(found)))


def test_the_search_finds_each_needle_however_it_is_written():
    """The search itself: each planted value found in text, in JSON escapes, in XML character references, across
    line breaks and non-breaking spaces, inside a zip member, in any case."""
    needles = _needles()
    first, last = PII["name"].split()
    samples = {
        "name": f"Vastaaja: {first.upper()}\n\u00a0 {last}.", "first name": f"({first})",
        "surname (any form)": f"{last[:-3]}selle", "e-mail": PII["email"].upper(),
        "e-mail user": PII["email"].split("@")[0] + " at", "identity code": PII["hetu"].lower(),
        "street address": PII["address"].split(",")[0].replace(" ", "\t "),
        "phone_local": PII["phone_local"], "phone_intl": PII["phone_intl"].replace(" ", "\n"),
    }
    for label, text in samples.items():
        assert label in {found for found, _ in _matches([text], needles)}, (label, text)
    json_text = json.dumps({"a": PII["name"]}, ensure_ascii=True)
    xml = "".join(f"&#{ord(c)};" for c in PII["email"]).encode()
    members = io.BytesIO()
    with zipfile.ZipFile(members, "w") as archive:
        archive.writestr("word/document.xml", b"<w:t>" + xml + b"</w:t>")
    labels = {label for _, texts in _parts_of_bytes(json_text.encode(), ".json") + _parts_of_bytes(members.getvalue(),
                                                                                                 ".docx")
              for label, _ in _matches(texts, needles)}
    assert {"name", "e-mail"} <= labels
    assert _matches(["matti_x meikä läinen 12345"], needles) == []
    from PIL import Image, PngImagePlugin

    for how in ("tEXt", "zTXt", "iTXt", "compressed iTXt"):  # a PNG's text chunks, however they are stored
        info = PngImagePlugin.PngInfo()
        if how.endswith("iTXt"):
            info.add_itxt("Description", f"Vastaaja {PII['name']}", zip=how.startswith("compressed"))
        else:
            info.add_text("Description", f"Vastaaja {PII['name']}", zip=how == "zTXt")
        picture = io.BytesIO()
        Image.new("RGB", (4, 3), (200, 10, 10)).save(picture, "PNG", pnginfo=info)
        found = {label for _, texts in _parts_of_bytes(picture.getvalue(), ".png") for label, _ in _matches(texts,
                                                                                                       needles)}
        assert "name" in found, how


def test_planted_answers_are_present_in_redacted_form(demo_run):
    """The answers themselves are kept (masked), so the redactor, not a dropped column, did the work."""
    root, _ = demo_run
    masks = ("[puhelin]", "[sähköposti]", "[henkilötunnus]", "[osoite]", "[nimi]")
    seen = set()
    for path in (p for wave in WAVES for p in Paths(root).processed(wave).rglob("*.parquet")):
        for text in _texts(path):
            seen |= {mask for mask in masks if mask in text}
    assert seen == set(masks)


def test_raw_files_unchanged_by_runs(demo_run):
    root, before = demo_run
    assert _hashes(root / "data" / "raw") == before


def test_formula_injection_answer_is_text_in_xlsx(demo_run):
    root, _ = demo_run
    cells = []
    for path in (p for wave in WAVES for p in Paths(root).output(wave).rglob("*.xlsx")):
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                    assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name), \
                        f"{path.name} {name} holds a formula"
        workbook = openpyxl.load_workbook(path)
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows():
                cells += [(path.name, cell) for cell in row if cell.value == FORMULA_INJECTION]
    assert cells, f"the open answer {FORMULA_INJECTION} appears in no output workbook"
    assert all(cell.data_type == "s" for _, cell in cells)
