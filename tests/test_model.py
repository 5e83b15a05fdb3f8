"""Result objects round-trip through JSON without losing anything the charts and report read."""

from __future__ import annotations

import json

import pandas as pd

from survey.model import Result, to_json


def test_result_round_trip_keeps_empty_tables_columns_and_missing_values():
    result = Result(id="x-waves", kind="wave", dataset="x", question="q", title={"fi": "Otsikko"},
                    table=pd.DataFrame(columns=["code", "pct_now", "pct_before"]), n={"respondents_now": 3},
                    test={"comparable": False, "reason": {"fi": "sanamuoto muuttui"}, "p": pd.NA})
    back = Result.from_dict(json.loads(to_json(result.to_dict())))
    assert list(back.table.columns) == ["code", "pct_now", "pct_before"] and back.table.empty
    assert back.test["p"] is None and back.title == {"fi": "Otsikko"}
    full = Result(id="y", kind="multi", dataset="y", question="q", title={}, n={},
                  table=pd.DataFrame({"code": ["a", "b"], "count": [1, 2], "pct": [0.5, float("nan")]}))
    again = Result.from_dict(json.loads(to_json(full.to_dict())))
    assert again.table["count"].tolist() == [1, 2] and pd.isna(again.table["pct"].iloc[1])
