"""Likert distributions and summaries; numeric summaries (references: statsmodels, numpy)."""

import json

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint
from statsmodels.stats.weightstats import DescrStatsW

from survey.analysis import analyse_likert, analyse_numeric, summarise_likert
from survey.project.instruments import parse_instrument

SCALE = {"scale": [1, 2, 3, 4, 5], "dont_know": 9, "missing": [99], "agree": [4, 5], "battery": "views",
         "battery_text": {"fi": "Mitä mieltä olette?", "en": "What do you think?"}}
OPTIONS = [{"code": c, "fi": f"o{c}"} for c in (5, 4, 3, 2, 1, 9)]
INSTRUMENT = parse_instrument({"dataset": "demo", "questions": [
    {"id": "q1", "slug": "q1", "type": "likert", "text": {"fi": "Väite 1"}, "short": {"fi": "V1"},
     "options": OPTIONS, **SCALE},
    {"id": "q2", "slug": "q2", "type": "likert", "text": {"fi": "Väite 2"}, "options": OPTIONS, **SCALE},
    {"id": "n", "slug": "n", "type": "numeric", "text": {"fi": "Luku"}, "missing": [-1]},
]})
Q1, Q2, NUM = (INSTRUMENT.question(q) for q in ("q1", "q2", "n"))


def frame():
    return pd.DataFrame({
        "q1": pd.array([5, 4, 4, 3, 2, 1, 9, 9, 99, None, 5, 4], dtype="Int64"),
        "q2": pd.array([1, 1, 2, 2, 3, 3, 4, 5, 5, 5, None, None], dtype="Int64"),
        "n": pd.array([3, 5, 7, 9, -1, None, 11, 13, 2, 4, 6, 8], dtype="Float64"),
    })


def test_distribution_keeps_dont_know_apart():
    result = analyse_likert(frame(), [Q1, Q2], dataset="associations")
    assert result.id == "associations-views"
    assert result.title["en"] == "What do you think?"
    q1 = result.table[result.table["item"] == "q1"].set_index("code")
    assert q1["count"].to_dict() == {1: 1, 2: 1, 3: 1, 4: 3, 5: 2, 9: 2}
    # one base (review-2 §5): a scale code's pct is of the 8 scale answers, like "% agree" (5 / 8);
    # the don't-know row's pct is of all 10 answering (8 scale + 2 don't know)
    assert q1.loc[4, "pct"] == q1.loc[4, "pct_scale"] == pytest.approx(3 / 8)
    assert q1.loc[[4, 5], "pct"].sum() == pytest.approx(5 / 8)
    assert q1.drop(index=9)["pct"].sum() == pytest.approx(1)
    assert q1.loc[9, "pct"] == pytest.approx(2 / 10) and np.isnan(q1.loc[9, "pct_scale"])
    assert q1.loc[9, "dont_know"] and not q1.loc[5, "dont_know"]
    assert q1.loc[5, "agree"] and q1.loc[4, "agree"] and not q1.loc[3, "agree"]
    low, high = proportion_confint(3, 8, method="wilson")
    assert (q1.loc[4, "ci_low"], q1.loc[4, "ci_high"]) == pytest.approx((low, high))
    low, high = proportion_confint(2, 10, method="wilson")
    assert (q1.loc[9, "ci_low"], q1.loc[9, "ci_high"]) == pytest.approx((low, high))
    assert result.n == {"respondents": 12, "items": 2, "answering_min": 10, "answering_max": 10}
    assert result.labels["fi"]["q1"] == "V1"
    json.dumps(result.to_dict(), allow_nan=False)


def test_summary_top2_mean_median_exclude_dont_know():
    result = summarise_likert(frame(), [Q1, Q2], dataset="associations")
    assert result.id == "associations-views-summary"
    row = result.table.set_index("item").loc["q1"]
    scale_values = [5, 4, 4, 3, 2, 1, 5, 4]
    assert row["n"] == 10 and row["n_scale"] == 8 and row["n_dont_know"] == 2
    assert row["n_user_missing"] == 1 and row["n_skipped"] == 1
    assert row["agree_count"] == 5 and row["agree_pct"] == pytest.approx(5 / 8)
    low, high = proportion_confint(5, 8, method="wilson")
    assert (row["agree_ci_low"], row["agree_ci_high"]) == pytest.approx((low, high))
    assert row["mean"] == pytest.approx(np.mean(scale_values))
    assert (row["mean_ci_low"], row["mean_ci_high"]) == pytest.approx(DescrStatsW(scale_values).tconfint_mean())
    assert row["median"] == np.median(scale_values)


def test_single_item_id_uses_slug():
    result = analyse_likert(frame(), Q2, dataset="associations")
    assert result.id == "associations-q2"
    assert result.title["fi"] == "Väite 2"


def test_numeric_summary():
    result = analyse_numeric(frame(), NUM, dataset="associations")
    values = [3, 5, 7, 9, 11, 13, 2, 4, 6, 8]
    row = result.table.iloc[0]
    assert result.n == {"respondents": 12, "answering": 10, "user_missing": 1, "skipped": 1}
    assert row["n"] == 10
    assert row["median"] == np.median(values)
    assert (row["q1"], row["q3"]) == (np.percentile(values, 25), np.percentile(values, 75))
    assert row["mean"] == pytest.approx(np.mean(values))
    assert (row["ci_low"], row["ci_high"]) == pytest.approx(DescrStatsW(values).tconfint_mean())
    json.dumps(result.to_dict(), allow_nan=False)
