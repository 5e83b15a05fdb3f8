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

import hashlib
import html
import io
import json
import re
import zipfile
from pathlib import Path

import openpyxl
import pyarrow.parquet as pq
import pytest

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
    texts = _texts_of_bytes(path.read_bytes(), path.suffix)
    if path.suffix == ".parquet":
        table = pq.read_table(path)
        metadata = table.schema.metadata or {}
        texts += [v.decode("utf-8", errors="replace") for v in metadata.values()]
        for column in table.column_names:
            texts.append(column)
            texts += [str(v) for v in table.column(column).to_pylist() if v is not None]
    return texts


def _texts_of_bytes(data: bytes, suffix: str) -> list[str]:
    texts = [html.unescape(data.decode("utf-8", errors="replace")), data.decode("latin-1")]
    if data.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in archive.infolist():
                texts += _texts_of_bytes(archive.read(info), Path(info.filename).suffix)
    if suffix == ".json":
        try:
            _strings(json.loads(data), texts)
        except ValueError:
            pass
    return texts


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
    root, _ = demo_run
    needles = _needles()
    found = []
    for path in _outputs(root):
        for text in _texts(path):
            folded = re.sub(r"[\s\u00a0]+", " ", text.casefold())
            for label, pattern in needles.items():
                match = pattern.search(folded)
                if match:
                    found.append(f"{path.relative_to(root)}: {label} ({match.group(0)!r})")
    assert not sorted(set(found)), "personal data in outputs:\n" + "\n".join(sorted(set(found)))


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
