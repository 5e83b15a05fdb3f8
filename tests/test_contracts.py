"""The result tables' pandera contracts (survey.contracts): every demo result keeps them; a wrong dtype is refused."""

from __future__ import annotations

import pandas as pd
import pytest

from survey.contracts import RESULT_COLUMNS, check_table, table_schema
from survey.errors import SurveyError
from survey.model import Result, ResultKind


@pytest.mark.slow
def test_every_demo_result_keeps_its_kinds_table_contract(demo_2024_analysed):
    results = demo_2024_analysed[3]
    kinds = {r.kind for r in results}
    assert {ResultKind.SINGLE, ResultKind.MULTI, ResultKind.LIKERT, ResultKind.BREAKDOWN,
            ResultKind.INTERVIEW_CODES_BY, ResultKind.TRIANGULATION} <= kinds
    for result in results:
        check_table(result)
        if result.kind in RESULT_COLUMNS and not result.table.empty:
            assert set(RESULT_COLUMNS[result.kind]) <= set(result.table.columns), result.id


def test_a_column_of_the_wrong_dtype_is_named():
    table = pd.DataFrame({"code": ["a"], "count": [3], "pct": ["75 %"], "ci_low": [0.2], "ci_high": [0.9],
                          "suppressed": [False]})
    result = Result(id="x", kind="single", dataset="d", question="q", title={}, n={}, table=table)
    with pytest.raises(SurveyError, match="pct"):
        check_table(result)
    assert table_schema("no-such-kind") is None
