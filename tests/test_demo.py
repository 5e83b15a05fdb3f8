"""The demo waves: reproducible bytes, committed files current, counts, formats, planted truths.

Every planted fact is checked against the raw files themselves (openpyxl, pyreadstat,
zipfile), independently of the pipeline's readers, and against the committed truth
record. Statistics use scipy as the independent reference.
"""

from __future__ import annotations

import functools
import re
import shutil
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import openpyxl
import pyreadstat
import pytest
from scipy import stats

from survey.project.config import load_project
from survey.demo import WAVES, generate_demo, generate_wave
from survey.demo.truth import FORMULA_INJECTION, PII, dump_truth, hetu_is_valid, load_truth


@functools.lru_cache(maxsize=None)
def load_instrument(dataset: str):
    """The demo project's instrument of ``dataset`` (read once: the committed project is read-only here)."""
    return load_project(Path(__file__).resolve().parents[1]).instrument(dataset)

REPO = Path(__file__).resolve().parents[1]
RAW = REPO / "data" / "raw"


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> dict:
    """Two fresh generations of both waves, and the truth of each wave (each read the project's instruments)."""
    first = tmp_path_factory.mktemp("demo1")
    second = tmp_path_factory.mktemp("demo2")
    for root in (first, second):
        shutil.copy2(REPO / "survey.yml", root / "survey.yml")
        shutil.copytree(REPO / "instruments", root / "instruments")
    truths = {}
    for wave in WAVES:
        _, truths[wave] = generate_wave(first, wave)
    paths = generate_demo(second)
    return {"first": first, "second": second, "paths": paths, "truth": truths}


def _relative(root: Path) -> dict:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted((root / "data" / "raw").rglob("*"))
            if p.is_file()}


def _sheet(path: Path) -> tuple[list, list, list[list], openpyxl.worksheet.worksheet.Worksheet]:
    ws, values = _read_sheet(path)
    rows = [list(r) for r in values]
    return rows[0], rows[1], rows[2:], ws


@functools.lru_cache(maxsize=None)
def _read_sheet(path: Path):
    """The active sheet of a committed workbook and its rows, read once (the committed files are read-only)."""
    ws = openpyxl.load_workbook(path).active
    return ws, tuple(ws.iter_rows(values_only=True))


def _column(top: list, sub: list, text: str) -> int:
    """Index of the column whose row-1 or row-2 header is ``text``."""
    for i, (t, s) in enumerate(zip(top, sub)):
        if text in (t, s):
            return i
    raise AssertionError(f"no column '{text}'")


def _values(path: Path, text: str) -> list:
    top, sub, rows, _ = _sheet(path)
    i = _column(top, sub, text)
    return [r[i] for r in rows]


def _label(dataset: str, qid: str, code) -> str:
    return load_instrument(dataset).question(qid).option_labels("fi")[code]


def _text(dataset: str, qid: str) -> str:
    return load_instrument(dataset).question(qid).label("fi")


# --- reproducibility ---------------------------------------------------------------

def test_generating_twice_gives_identical_bytes(generated):
    first, second = _relative(generated["first"]), _relative(generated["second"])
    assert first.keys() == second.keys()
    assert [k for k in first if first[k] != second[k]] == []


def test_generator_writes_only_under_data_raw_of_each_wave(generated):
    root = generated["second"]
    for path in generated["paths"]:
        assert path.resolve().parent in {(root / "data" / "raw" / w).resolve() for w in WAVES}
    project_files = {"survey.yml", "instruments"}
    assert {p.relative_to(root).parts[:3] for p in root.rglob("*") if p.is_file()
            and p.relative_to(root).parts[0] not in project_files} == {("data", "raw", w) for w in WAVES}


def test_committed_files_equal_a_fresh_generation(generated):
    fresh = _relative(generated["first"])
    committed = {k: v for k, v in _relative(REPO).items() if k.split("/")[2] in WAVES and not k.endswith(".md")}
    assert sorted(committed) == sorted(fresh), "run `survey demo` and commit data/raw/*-demo/"
    assert [k for k in fresh if fresh[k] != committed[k]] == [], "run `survey demo` and commit data/raw/*-demo/"


@pytest.mark.parametrize("wave", WAVES)
def test_committed_truth_matches_the_generator(generated, wave):
    assert dump_truth(load_truth(wave)) == dump_truth(generated["truth"][wave]), \
        "run `python -m survey.demo.truth` and commit src/survey/demo/truth/"


# --- counts and formats ----------------------------------------------------------

EXPECTED = {"2024-demo": {"associations": 63, "staff": 51, "interviews": 17, "network": 16},
            "2026-demo": {"associations": 71, "staff": 48, "interviews": 12, "network": 19}}


@pytest.mark.parametrize("wave", WAVES)
def test_counts_in_the_raw_files(wave):
    folder = RAW / wave
    _, _, rows, _ = _sheet(folder / "associations_webropol.xlsx")
    assert len({r[0] for r in rows}) == EXPECTED[wave]["associations"]
    frame, _ = pyreadstat.read_sav(str(folder / "staff.sav"), metadataonly=False)
    assert len(frame) == EXPECTED[wave]["staff"]
    _, _, rows, _ = _sheet(folder / "network_webropol.xlsx")
    assert len(rows) == EXPECTED[wave]["network"]
    with zipfile.ZipFile(folder / "interviews.qdpx") as archive:
        root = ET.fromstring(archive.read("project.qde"))
    sources = [e for e in root.iter() if e.tag.endswith("TextSource")]
    assert len(sources) == EXPECTED[wave]["interviews"]


@pytest.mark.parametrize("wave", WAVES)
def test_survey_inspect_reports_the_counts(wave):
    """What `survey inspect <file>` prints: the respondents (interviews) of each demo file."""
    inspect = pytest.importorskip("survey.ingest.inspect")
    folder = RAW / wave
    files = {"associations_webropol.xlsx": "associations", "staff.sav": "staff", "interviews.qdpx": "interviews",
             "interviews_coding.xlsx": "interviews", "network_webropol.xlsx": "network"}
    for name, dataset in files.items():
        info = inspect.inspect_file(folder / name)
        rows = EXPECTED[wave][dataset] + (1 if (wave, dataset) == ("2026-demo", "associations") else 0)
        assert info["respondents"] == rows, name  # 2026 associations: one planted duplicate row


def check_network_totals(wave, entry):
    top, sub, rows, _ = _sheet(RAW / wave / "network_webropol.xlsx")
    instrument = load_instrument("network")
    totals = {}
    for q in instrument.questions:
        cols = [_column(top, sub, o.label("fi")) if j else _column(top, sub, q.label("fi"))
                for j, o in enumerate(q.options)]
        answering = sum(any(r[c] == 1 for c in cols) for r in rows)
        totals[q.id] = [answering, sum(r[c] == 1 for r in rows for c in cols)]
    assert totals == entry["totals"]
    if wave == "2024-demo":  # the study's own figures
        assert totals == {"partnership_forms": [16, 69], "grants": [16, 101], "agreements": [12, 32]}


@pytest.mark.parametrize("wave", WAVES)
def test_sav_keeps_labels_and_user_missing(wave):
    frame, meta = pyreadstat.read_sav(str(RAW / wave / "staff.sav"), user_missing=True)
    assert "synthetic demo data" in meta.file_label
    assert meta.column_names_to_labels["K5_2"].endswith("Tiedän, kuka toimialallani vastaa järjestöyhteistyöstä.")
    assert meta.variable_value_labels["K5_2"][9] == "En osaa sanoa"
    assert meta.variable_value_labels["K5_2"][99] == "Ei vastausta"
    assert meta.missing_ranges["K5_2"] == [{"lo": 9.0, "hi": 9.0}, {"lo": 99.0, "hi": 99.0}]
    assert meta.missing_ranges["K3"] == [{"lo": 99.0, "hi": 99.0}]
    assert meta.variable_value_labels["K4_1"] == {0: "Ei valittu", 1: "Valittu"}
    division = "TOIMIALA" if wave == "2026-demo" else "K1"
    assert meta.variable_value_labels[division][3] == "Kaupunkiympäristö ja konsernipalvelut"
    truth = load_truth(wave)["staff"]
    counts = frame["K5_2"].value_counts()
    assert int(counts.get(9.0, 0)) == truth["user_missing"]["knows_responsible"]["dont_know"]
    assert int(counts.get(99.0, 0)) == truth["user_missing"]["knows_responsible"]["no_answer"]
    # read without user_missing, the codes 9 and 99 become system-missing
    plain, _ = pyreadstat.read_sav(str(RAW / wave / "staff.sav"))
    assert not plain["K5_2"].isin([9, 99]).any()


@pytest.mark.parametrize("wave", WAVES)
def test_qdpx_is_a_zip_whose_project_references_existing_sources(wave):
    with zipfile.ZipFile(RAW / wave / "interviews.qdpx") as archive:
        assert archive.testzip() is None
        names = set(archive.namelist())
        root = ET.fromstring(archive.read("project.qde"))
        paths = [e.get("plainTextPath") for e in root.iter() if e.tag.endswith("TextSource")]
        assert paths and all(p for p in paths)
        for path in paths:
            member = "sources/" + path.removeprefix("internal://")
            assert member in names, member
            assert archive.read(member).decode("utf-8")


# --- planted truths ---------------------------------------------------------------

def _agree_share(values: list, types: list, group: str) -> tuple[int, int]:
    labels = {_label("associations", "premises_available", c): c for c in (1, 2, 3, 4, 5)}
    codes = [labels[v] for v, t in zip(values, types) if t == group and v in labels]
    return sum(c >= 4 for c in codes), len(codes)


def _unique_rows(path: Path) -> tuple[list, list, list[list]]:
    top, sub, rows, _ = _sheet(path)
    seen, unique = set(), []
    for r in rows:
        if r[0] not in seen:
            seen.add(r[0])
            unique.append(r)
    return top, sub, unique


def check_small_group(wave, entry):
    top, sub, rows = _unique_rows(RAW / wave / "associations_webropol.xlsx")
    i = _column(top, sub, _text("associations", "assoc_type"))
    youth = sum(r[i] == _label("associations", "assoc_type", "youth") for r in rows)
    assert youth == 3 == entry["count"]
    assert youth < load_project(REPO).min_group_size


def check_group_difference(wave, entry):
    top, sub, rows = _unique_rows(RAW / wave / "associations_webropol.xlsx")
    types = [r[_column(top, sub, _text("associations", "assoc_type"))] for r in rows]
    values = [r[_column(top, sub, _text("associations", "premises_available"))] for r in rows]
    village = _agree_share(values, types, _label("associations", "assoc_type", "village"))
    sports = _agree_share(values, types, _label("associations", "assoc_type", "sports"))
    truth = entry["groups"]
    assert village == (truth["village"]["agree"], truth["village"]["substantive"])
    assert sports == (truth["sports"]["agree"], truth["sports"]["substantive"])
    assert village[1] >= 10 and sports[1] >= 10
    assert village[0] / village[1] < 0.25 and sports[0] / sports[1] > 0.7
    _, p = stats.fisher_exact([[village[0], village[1] - village[0]], [sports[0], sports[1] - sports[0]]])
    assert p < 0.01


def check_wave_change(wave, entry):
    shares = {}
    for side in ("from", "to"):
        top, sub, rows = _unique_rows(RAW / entry[side]["wave"] / "associations_webropol.xlsx")
        values = [r[_column(top, sub, _text("associations", "contact_known"))] for r in rows]
        yes = values.count(_label("associations", "contact_known", "yes"))
        shares[entry[side]["wave"]] = (yes, len(values))
        assert (yes, len(values)) == (entry[side]["count"], entry[side]["answering"])
    assert shares == {"2024-demo": (28, 63), "2026-demo": (50, 71)}
    assert abs(28 / 63 - 0.45) < 0.02 and abs(50 / 71 - 0.70) < 0.02
    table = [[y, n - y] for y, n in shares.values()]
    assert stats.chi2_contingency(table, correction=False)[1] < 0.01


def check_personal_data(wave, entry):
    top, sub, rows, ws = _sheet(RAW / wave / "associations_webropol.xlsx")
    text = "\n".join(str(v) for r in rows for v in r if isinstance(v, str))
    assert entry["values"] == PII
    for kind, value in PII.items():
        assert value in text, kind
    assert re.search(r"\b0\d{2} \d{3} \d{4}\b", text) and re.search(r"\+358 \d{2} \d{3} \d{4}", text)
    assert re.search(r"\b[\w.]+@example\.com\b", text)
    assert re.search(r"\b[A-ZÅÄÖ][a-zåäö]+katu \d+ [A-Z] \d+, \d{5} [A-ZÅÄÖ][a-zåäö]+", text)
    # the identity code's check character, computed independently
    digits = int(PII["hetu"][:6] + PII["hetu"][7:10])
    assert "0123456789ABCDEFHJKLMNPRSTUVWXY"[digits % 31] == PII["hetu"][-1] and hetu_is_valid(PII["hetu"])
    assert not hetu_is_valid("131052-308A")
    planted = load_truth(wave)["associations"]["personal_data"]
    assert {k for p in planted for k in p["kinds"]} == set(PII) | {"formula_injection"}
    staff, _ = pyreadstat.read_sav(str(RAW / wave / "staff.sav"))
    assert staff["K8"].str.contains(PII["name"]).sum() == 1
    with zipfile.ZipFile(RAW / wave / "interviews.qdpx") as archive:
        sources = "\n".join(archive.read(n).decode("utf-8") for n in archive.namelist() if n.startswith("sources/"))
    for kind in ("name", "phone_local", "email", "hetu"):
        assert PII[kind] in sources, kind


def check_interviews_small_division(wave, entry):
    ws = openpyxl.load_workbook(RAW / wave / "interviews_coding.xlsx").active
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    per_division: dict = {}
    for interview, division, *_ in rows:
        per_division.setdefault(division, set()).add(interview)
    counts = sorted(len(v) for v in per_division.values())
    assert counts == sorted(entry["divisions"].values()) and sum(counts) == entry["interviews"]
    assert min(counts) < load_project(REPO).min_group_size


def check_formula_injection(wave, entry):
    _, _, _, ws = _sheet(RAW / wave / "associations_webropol.xlsx")
    cells = [c for row in ws.iter_rows(min_row=3) for c in row if c.value == FORMULA_INJECTION]
    assert entry["value"] == FORMULA_INJECTION
    assert len(cells) == 1 and cells[0].data_type == "s"


def check_data_problems(wave, entry):
    top, sub, rows, ws = _sheet(RAW / wave / "associations_webropol.xlsx")
    problems = entry["problems"]
    assert sorted(p["rule"] for p in problems) == ["duplicate_id", "invalid_value", "invalid_value"]
    dup = next(p for p in problems if p["rule"] == "duplicate_id")
    assert [ws.cell(row=r, column=1).value for r in dup["rows"]] == [dup["respondent_id"]] * 2
    ids = [r[0] for r in rows]
    assert len(ids) - len(set(ids)) == 1 and ids.count(dup["respondent_id"]) == 2
    for p in (p for p in problems if p["rule"] == "invalid_value"):
        col = _column(top, sub, p["column"]) + 1
        q = load_instrument("associations").question(p["question"])
        value = ws.cell(row=p["row"], column=col).value
        assert str(value) == p["value"] and str(value) not in q.option_labels("fi").values()
    assert len(rows) == 72 and len(set(ids)) == 71


def test_2024_associations_has_no_data_problems():
    top, sub, rows, _ = _sheet(RAW / "2024-demo" / "associations_webropol.xlsx")
    ids = [r[0] for r in rows]
    assert len(ids) == len(set(ids)) and load_truth("2024-demo")["associations"]["problems"] == []
    instrument = load_instrument("associations")
    for q in instrument.questions:
        if q.type in ("single", "likert"):
            labels = set(q.option_labels("fi").values())
            i = _column(top, sub, q.label("fi"))
            assert {r[i] for r in rows} - {None} <= labels, q.id


def check_wave_mapping(wave, entry):
    top24, sub24, _, _ = _sheet(RAW / "2024-demo" / "associations_webropol.xlsx")
    top26, sub26, _, _ = _sheet(RAW / "2026-demo" / "associations_webropol.xlsx")
    headers24, headers26 = set(top24 + sub24) - {None}, set(top26 + sub26) - {None}
    changes = entry["associations"]
    spec = load_project(REPO).wave("2026-demo").datasets["associations"].mapping
    for qid, raw in {**changes["renamed"], **changes["reworded"]}.items():
        assert raw in headers26 and raw not in headers24
        assert _text("associations", qid) in headers24 and _text("associations", qid) not in headers26
        assert spec.columns[raw] == qid
    assert list(spec.reworded) == list(changes["reworded"]) and spec.dropped == changes["dropped"]
    for qid in changes["dropped"]:
        assert _text("associations", qid) in headers24 and _text("associations", qid) not in headers26
    added = _label("associations", "grants_received", "premises_grant")
    assert changes["added_options"] == {"grants_received": ["premises_grant"]}
    assert added in headers26 and added not in headers24
    staff = load_project(REPO).wave("2026-demo").datasets["staff"].mapping
    _, meta = pyreadstat.read_sav(str(RAW / "2026-demo" / "staff.sav"), metadataonly=True)
    assert "TOIMIALA" in meta.column_names and "K1" not in meta.column_names and "K7" not in meta.column_names
    assert (staff.columns, staff.dropped) == ({"TOIMIALA": "division"}, ["years"])
    assert entry["staff"] == {"renamed": {"division": "TOIMIALA"}, "dropped": ["years"]}


def check_user_missing(wave, entry):
    frame, meta = pyreadstat.read_sav(str(RAW / wave / "staff.sav"), user_missing=True)
    counts = frame["K5_2"].value_counts()
    assert {"dont_know": int(counts.get(9.0, 0)), "no_answer": int(counts.get(99.0, 0))} == entry["counts"]
    assert entry["counts"]["dont_know"] > 0 and entry["counts"]["no_answer"] > 0


PLANTED_CHECKS = {
    "small_group": check_small_group, "group_difference": check_group_difference,
    "wave_change": check_wave_change, "personal_data": check_personal_data,
    "formula_injection": check_formula_injection, "data_problems": check_data_problems,
    "wave_mapping": check_wave_mapping, "network_totals": check_network_totals,
    "user_missing": check_user_missing, "interviews_small_division": check_interviews_small_division,
}
PLANTED = [(wave, entry["id"]) for wave in WAVES for entry in load_truth(wave)["planted"]]


def test_every_planted_truth_has_a_check():
    assert {pid for _, pid in PLANTED} == set(PLANTED_CHECKS)
    assert {pid for wave, pid in PLANTED if wave == "2026-demo"} == set(PLANTED_CHECKS)
    assert {pid for wave, pid in PLANTED if wave == "2024-demo"} == set(PLANTED_CHECKS) - {
        "wave_change", "wave_mapping", "data_problems"}


@pytest.mark.slow
@pytest.mark.parametrize(("wave", "pid"), PLANTED)
def test_planted_truth_is_present_in_the_generated_data(wave, pid):
    entry = next(e for e in load_truth(wave)["planted"] if e["id"] == pid)
    PLANTED_CHECKS[pid](wave, entry)


def test_survey_yml_marks_both_demo_waves_synthetic():
    project = load_project(REPO)
    for wave in WAVES:
        declared = project.wave(wave)
        assert declared.synthetic
        assert set(declared.datasets) == {"associations", "staff", "interviews", "network"}
        for spec in declared.datasets.values():
            assert (RAW / wave / spec.file).is_file(), spec.file


def test_instruments_cover_every_raw_column():
    """Every question of the instruments has a column in 2024-demo, and vice versa (no stray columns)."""
    top, sub, _, _ = _sheet(RAW / "2024-demo" / "associations_webropol.xlsx")
    headers = set(top + sub) - {None, "Vastaajan tunnus", "Vastausaika"}
    expected = set()
    for q in load_instrument("associations").questions:
        expected.add(q.label("fi") if q.type != "likert" else q.battery_text["fi"])
        if q.type == "likert":
            expected.add(q.label("fi"))
        if q.type == "multi":
            expected |= {o.label("fi") for o in q.options if o.code != "premises_grant"}
    assert headers == expected
    _, meta = pyreadstat.read_sav(str(RAW / "2024-demo" / "staff.sav"), metadataonly=True)
    names = set()
    for q in load_instrument("staff").questions:
        spss = q.spss
        names |= set(spss.values()) if isinstance(spss, dict) else {spss}
    assert set(meta.column_names) == names | {"ID"}


# --- the pipeline finds what was planted ------------------------------------------

@pytest.mark.parametrize("wave", WAVES)
def test_pipeline_ingest_finds_the_planted_associations_truths(wave):
    """Read, normalise, validate and clean the associations export as `survey run` does."""
    pipeline = pytest.importorskip("survey.pipeline")
    project = load_project(REPO)
    declared = project.wave(wave)
    frame, meta, problems = pipeline.ingest_dataset(project, declared, declared.datasets["associations"])
    truth = load_truth(wave)["associations"]
    assert len(frame) == truth["respondents"] and frame["respondent_id"].is_unique
    assert int((frame["assoc_type"] == "youth").sum()) == truth["small_group"]["count"]
    for group, expected in truth["premises_available"]["groups"].items():
        values = frame.loc[frame["assoc_type"] == group, "premises_available"]
        substantive = values[values.isin([1, 2, 3, 4, 5])]
        assert (int(substantive.isin([4, 5]).sum()), len(substantive)) == (expected["agree"], expected["substantive"])
    assert int((frame["contact_known"] == "yes").sum()) == truth["contact_known"]["count"]
    # every planted problem is reported, at the row the truth names, and handled by survey.yml's cleaning
    assert all(p.severity != "error" for p in problems), [p.describe() for p in problems]
    found = {(p.row, str(p.value)) for p in problems}
    expected = set()
    for p in truth["problems"]:
        rows = p.get("rows") or [p["row"]]
        expected |= {(r, p.get("value", p["respondent_id"])) for r in rows}
    assert expected <= found and len(problems) == len(expected)
    # personal data the redactor can recognise never survives into the normal form
    text = "\n".join(frame[c].dropna().astype(str).str.cat(sep="\n") for c in ("benefits_open", "development_open"))
    for kind in ("phone_local", "phone_intl", "email", "hetu", "address"):
        assert PII[kind] not in text, kind


@pytest.mark.parametrize("wave", WAVES)
def test_own_raw_files_say_they_are_synthetic(wave):
    workbook = openpyxl.load_workbook(RAW / wave / "associations_webropol.xlsx")
    assert "synthetic demo data" in workbook.properties.title
    assert workbook.properties.created.year == 2000  # fixed, no generation time stamp
    _, meta = pyreadstat.read_sav(str(RAW / wave / "staff.sav"), metadataonly=True)
    assert "synthetic demo data" in meta.file_label
    assert meta.creation_time.year == 2000
