"""The declared testing family: every adjusted p of one family is Benjamini-Hochberg over all of its tests."""

from __future__ import annotations

import pandas as pd
import pytest
from statsmodels.stats.multitest import multipletests

from survey.analysis import plan
from survey.analysis import analyse_breakdown, compare_waves
from survey.kinds.findings import interpret, key_findings
from survey.analysis.significance import Statistics, statistics_of
from survey.project.instruments import parse_instrument

INSTRUMENT = parse_instrument({"dataset": "d", "questions": [
    {"id": "kind", "type": "single", "background": True, "text": {"fi": "Tyyppi"},
     "options": [{"code": "a", "fi": "A"}, {"code": "b", "fi": "B"}]},
    {"id": "yes", "type": "single", "text": {"fi": "Kyllä vai ei"},
     "options": [{"code": "y", "fi": "Kyllä"}, {"code": "n", "fi": "Ei"}]},
    {"id": "forms", "type": "multi", "text": {"fi": "Muodot"},
     "options": [{"code": "x", "fi": "X"}, {"code": "z", "fi": "Z"}]},
]})
Q = {q.id: q for q in INSTRUMENT.questions}


def _frames():
    now = pd.DataFrame({"kind": ["a"] * 30 + ["b"] * 30,
                        "yes": ["y"] * 24 + ["n"] * 6 + ["y"] * 12 + ["n"] * 18,
                        "forms__x": [True] * 40 + [False] * 20, "forms__z": [True, False] * 30,
                        "forms__answered": [True] * 60})
    before = pd.DataFrame({"kind": ["a"] * 30 + ["b"] * 30, "yes": ["y"] * 30 + ["n"] * 30,
                           "forms__x": [True] * 20 + [False] * 40, "forms__z": [True, False] * 30,
                           "forms__answered": [True] * 60})
    return before, now


def _results():
    before, now = _frames()
    common = {"dataset": "d", "wave": "w2"}
    return [analyse_breakdown(now, Q["yes"], Q["kind"], **common),
            analyse_breakdown(now, Q["forms"], Q["kind"], **common),
            compare_waves(before, now, Q["yes"], previous_wave="w1", **common),
            compare_waves(before, now, Q["forms"], previous_wave="w1", **common)]


def _raw_and_adjusted(results):
    raw, adjusted = [], []
    for r in results:
        if r.kind == "breakdown":
            for item in r.test["items"]:
                raw.append(item["p"])
                adjusted.append(item["p_adjusted"])
        else:
            raw += r.table["p"].tolist()
            adjusted += r.table["p_adjusted"].tolist()
            if r.test.get("omnibus"):
                raw.append(r.test["p"])
                adjusted.append(r.test["p_adjusted"])
    return raw, adjusted


def test_dataset_family_adjusts_breakdowns_and_wave_changes_together():
    results = plan.adjust_family(_results(), Statistics())
    raw, adjusted = _raw_and_adjusted(results)
    assert len(raw) == 1 + 2 + 2 + 1 + 2  # yes, x, z by kind; two rows and the omnibus; two options
    assert adjusted == pytest.approx(list(multipletests(raw, method="fdr_bh")[1]), rel=1e-12)
    for r in results:
        assert (r.test["family"], r.test["family_size"], r.test["alpha"]) == ("dataset", len(raw), 0.05)


def test_question_family_adjusts_within_each_result():
    results = plan.adjust_family(_results(), Statistics(family="question"))
    for r in results:
        raw, adjusted = _raw_and_adjusted([r])
        assert adjusted == pytest.approx(list(multipletests(raw, method="fdr_bh")[1]), rel=1e-12)
        assert r.test["family"] == "question"


def test_other_datasets_and_waves_are_other_families():
    results = _results()
    other = [type(r)(**{**r.__dict__, "dataset": "e"}) for r in results]
    adjusted = plan.adjust_family(results + other, Statistics())
    assert [r.test["family_size"] for r in adjusted] == [8] * 8


def test_clear_words_follow_the_declared_alpha_and_family():
    strict = plan.adjust_family(_results(), Statistics(alpha=1e-9))
    loose = plan.adjust_family(_results(), Statistics(alpha=0.05))
    text_strict = interpret(strict[0], "en")
    text_loose = interpret(loose[0], "en")
    assert "There is a clear difference" in text_loose and "adjusted p" in text_loose
    assert "clear difference" not in text_strict.replace("No clear difference", "")
    assert key_findings(strict, "en") == [] or all("clear" not in t.replace("no clear", "").replace("No clear", "")
                                                  for _, t in key_findings(strict, "en")
                                                  if _.kind in ("breakdown", "wave"))


def test_a_significant_test_without_an_interval_that_agrees_is_not_called_clear():
    result = plan.adjust_family(_results(), Statistics())[0]
    item = result.test["items"][0]
    item["differences"] = [{**d, "low": min(d["low"], -0.01), "high": max(d["high"], 0.01)}
                           for d in item["differences"]]  # every interval now contains 0
    assert item["p_adjusted"] < 0.05
    text = interpret(result, "en")
    assert text.startswith("No clear difference between the groups: the test points to one")


def test_statistics_accessor_reads_the_project_block_or_defaults():
    assert statistics_of(None) == Statistics(0.05, "dataset")

    class Block:
        alpha = 0.01
        family = "question"

    class Project:
        statistics = Block()

    assert statistics_of(Project()) == Statistics(0.01, "question")
    assert statistics_of({"statistics": None}) == Statistics()
    with pytest.raises(ValueError):
        Statistics(family="chapter")
