"""The analysis finds what the demo waves planted.

Integration tests over the committed demo waves: the planted truths recorded in
``survey/demo/truth/<wave>.json`` must come out of the pipeline's results, as the
session's demo build (``survey run`` of both waves, tests/_report_outputs.py) published
them (``results/<id>.json``) and its validation report (``processed/validation.json``).
"""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from survey.project.config import load_project
from survey.demo.truth import load_truth


@pytest.fixture(scope="module")
def analysed(demo_outputs) -> dict:
    """Each demo wave's results and its problems (each with .row, .file, .severity) from the demo build."""
    from survey.report.data import read_results

    project = load_project(demo_outputs)
    out = {"project": project, "ingested": {}, "results": {}}
    for wave in ("2024-demo", "2026-demo"):
        out["results"][wave] = list(read_results(project.paths, wave).values())
        report = json.loads((project.paths.processed(wave) / "validation.json").read_text(encoding="utf-8"))
        problems = [SimpleNamespace(**p) for p in report["problems"]]
        out["ingested"][wave] = SimpleNamespace(problems=problems,
                                                errors=[p for p in problems if p.severity == "error"])
    return out


def _by(results, dataset: str, by: str) -> list:
    return [r for r in results if r.dataset == dataset and isinstance(r.test, dict) and r.test.get("by") == by]


@pytest.mark.parametrize("wave", ["2024-demo", "2026-demo"])
def test_small_youth_group_is_suppressed_in_every_breakdown(analysed, wave):
    breakdowns = _by(analysed["results"][wave], "associations", "assoc_type")
    assert breakdowns, "no breakdown by association type"
    for result in breakdowns:
        youth = result.table[result.table["group"] == "youth"]
        assert len(youth) and youth["suppressed"].all(), result.id
        assert youth["count"].isna().all(), result.id


@pytest.mark.parametrize("wave", ["2024-demo", "2026-demo"])
def test_premises_difference_between_village_and_sports_is_found(analysed, wave):
    truth = load_truth(wave)["associations"]["premises_available"]["groups"]
    result = next(r for r in _by(analysed["results"][wave], "associations", "assoc_type")
                  if "premises_available" in set(r.table.get("item", [])))
    table = result.table
    agree = table[(table["item"] == "premises_available") & (table["code"] == "agree")].set_index("group")
    for group in ("village", "sports"):
        assert (agree.loc[group, "count"], agree.loc[group, "n_group"]) == (
            truth[group]["agree"], truth[group]["substantive"])
    item = next(i for i in result.test["items"] if i["item"] == "premises_available")
    assert item["p"] < 0.05
    diff = next(d for d in item["differences"] if {d["group_a"], d["group_b"]} == {"sports", "village"})
    sign = 1 if diff["group_a"] == "sports" else -1
    assert sign * diff["low"] > 0  # the interval excludes 0: sports clearly higher


def test_rise_in_knowing_whom_to_contact_is_found(analysed):
    result = next(r for r in analysed["results"]["2026-demo"]
                  if r.dataset == "associations" and r.kind == "wave" and r.question == "contact_known")
    row = result.table.set_index("code").loc["yes"]
    assert (row["count_before"], row["n_before"], row["count_now"], row["n_now"]) == (28, 63, 50, 71)
    assert row["p"] < 0.01 and bool(row["comparable"])


def test_reworded_item_is_not_compared_across_waves(analysed):
    reworded = load_truth("2026-demo")["associations"]["changes"]["reworded"]
    waves = {r.question: r for r in analysed["results"]["2026-demo"] if r.dataset == "associations" and r.kind == "wave"}
    for qid in reworded:
        assert waves[qid].test["comparable"] is False
    assert waves["premises_available"].test["comparable"] is True


def test_planted_problems_are_reported_and_handled(analysed):
    problems = analysed["ingested"]["2026-demo"].problems
    truth = load_truth("2026-demo")["associations"]["problems"]
    rows = {r for p in truth for r in (p.get("rows") or [p["row"]])}
    reported = {p.row for p in problems if p.file.endswith("associations_webropol.xlsx")}
    assert rows <= reported
    assert not analysed["ingested"]["2026-demo"].errors
    assert analysed["ingested"]["2024-demo"].problems == []
