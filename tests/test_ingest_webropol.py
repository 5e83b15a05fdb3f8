"""The Webropol-style xlsx reader: two header rows, fill from the left, multi + text columns."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest

from survey.demo.network import build_network
from survey.demo.webropol import write_webropol_xlsx
from survey.ingest import detect_format, read


@pytest.fixture(scope="module")
def network_xlsx(tmp_path_factory):
    top, sub, rows, truth = build_network("2024-demo")
    path = tmp_path_factory.mktemp("webropol") / "network.xlsx"
    write_webropol_xlsx(path, top, sub, rows)
    return path, top, sub, truth


def test_network_export_reads_as_three_multi_questions(network_xlsx):
    path, top, sub, truth = network_xlsx
    ds = read(path)
    meta = ds.meta
    assert detect_format(path) == "webropol-xlsx"
    assert meta.format == "webropol-xlsx"
    assert meta.respondents == 16 and len(ds.frame) == 16
    assert meta.source_rows[:2] == (3, 4) and meta.source_rows[-1] == 18
    assert meta.id_column == "c001"
    assert list(ds.frame["c001"][:2]) == ["R100", "R101"]
    multis = [q for q in meta.questions if q.type == "multi"]
    assert [q.text for q in multis] == [t for t in top[2:] if t]
    first = multis[0]
    assert [o.label for o in first.options] == sub[2:12]
    assert [o.column for o in first.options] == [f"c{j:03d}" for j in range(3, 13)]
    assert first.text_column == "c013"
    assert first.columns == tuple(f"c{j:03d}" for j in range(3, 13))


def test_network_counts_match_truth(network_xlsx):
    path, _, _, truth = network_xlsx
    ds = read(path)
    multis = [q for q in ds.meta.questions if q.type == "multi"]
    for q, qid in zip(multis, ["partnership_forms", "grants", "agreements"]):
        cols = [o.column for o in q.options]
        selected = ds.frame[cols].eq(1).fillna(False)
        assert int(selected.to_numpy().sum()) == truth[qid]["selections"]
        assert int(selected.any(axis=1).sum()) == truth[qid]["respondents"]


def test_response_time_is_a_date_day_first(network_xlsx):
    path, *_ = network_xlsx
    ds = read(path)
    q = ds.meta.question("vastausaika")
    assert q.type == "date"
    assert ds.frame[q.columns[0]].iloc[0] == pd.Timestamp("2024-04-03 09:00")


def _write(path, rows):
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    wb.save(path)
    return path


def test_single_row_questions_and_likert_battery(tmp_path):
    scale = ["Täysin eri mieltä", "Jokseenkin eri mieltä", "Jokseenkin samaa mieltä", "Täysin samaa mieltä",
             "En osaa sanoa"]
    rows = [
        ["Vastaajan tunnus", "Vastausaika", "Yhdistyksen toimiala", "Kuinka monta jäsentä?",
         "Arvioi yhteistyötä kaupungin kanssa", None, None, "Mitä muuta haluatte sanoa?"],
        [None, None, None, None, "Tiedotus on riittävää", "Avustukset ovat selkeitä", "Tilat ovat sopivia", None],
    ]
    fields = ["Urheilu", "Kulttuuri", "Sosiaali- ja terveys"]
    for i in range(9):
        rows.append([f"A{i}", f"{i + 1}.3.2025 10:{i:02d}", fields[i % 3], 10 * i + 5,
                     scale[i % 5], scale[(i + 1) % 5], None if i == 4 else scale[(i + 2) % 5],
                     None if i % 2 else f"Vapaa vastaus numero {i}, kiitos"])
    path = _write(tmp_path / "assoc.xlsx", rows)
    ds = read(path)
    qs = {q.text: q for q in ds.meta.questions}
    assert ds.meta.format == "webropol-xlsx" and ds.meta.respondents == 9
    assert qs["Yhdistyksen toimiala"].type == "single"
    assert [o.label for o in qs["Yhdistyksen toimiala"].options] == fields
    assert qs["Kuinka monta jäsentä?"].type == "numeric"
    item = qs["Arvioi yhteistyötä kaupungin kanssa — Tiedotus on riittävää"]
    assert item.type == "likert"
    assert item.id == "tiedotus-on-riittavaa"
    assert [o.label for o in item.options] == scale
    assert ds.frame[item.columns[0]].iloc[0] == "Täysin eri mieltä"
    assert qs["Arvioi yhteistyötä kaupungin kanssa — Tilat ovat sopivia"].type == "likert"
    assert qs["Mitä muuta haluatte sanoa?"].type == "text"
    keys = [c for q in ds.meta.questions for c in q.columns]
    assert len(keys) == len(set(keys))


def test_group_of_open_text_boxes_stays_text(tmp_path):
    rows = [["Vastaajan tunnus", "Yhteystiedot", None],
            [None, "Yhdistyksen nimi", "Kotisivu"]]
    for i in range(5):
        rows.append([f"R{i}", f"Yhdistys {i} ry", f"https://example.org/{i}"])
    ds = read(_write(tmp_path / "open.xlsx", rows))
    assert [(q.text, q.type) for q in ds.meta.questions[1:]] == [
        ("Yhteystiedot — Yhdistyksen nimi", "text"), ("Yhteystiedot — Kotisivu", "text")]
