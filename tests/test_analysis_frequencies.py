"""Single and multi-select frequencies, checked against statsmodels' Wilson interval."""

import json

import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

from survey.analysis import analyse_multi, analyse_single
from survey.errors import InputError
from survey.project.instruments import parse_instrument
from survey.model import Result

INSTRUMENT = parse_instrument({
    "dataset": "demo",
    "questions": [
        {"id": "forms", "slug": "forms", "type": "multi", "text": {"fi": "Muodot", "en": "Forms"},
         "options": [{"code": "grants", "fi": "Avustukset"}, {"code": "premises", "fi": "Tilat"},
                     {"code": "events", "fi": "Tapahtumat"}]},
        {"id": "kind", "type": "single", "text": {"fi": "Tyyppi"}, "missing": [99],
         "options": [{"code": 1, "fi": "Urheilu"}, {"code": 2, "fi": "Kulttuuri"}, {"code": 3, "fi": "Muu"}]},
    ],
})
FORMS = INSTRUMENT.question("forms")
KIND = INSTRUMENT.question("kind")


def multi_frame():
    # 6 rows: 5 answered, 1 skipped (NA everywhere).
    return pd.DataFrame({
        "respondent_id": [f"r{i}" for i in range(6)],
        "forms__grants": pd.array([True, True, True, False, True, None], dtype="boolean"),
        "forms__premises": pd.array([True, False, False, True, False, None], dtype="boolean"),
        "forms__events": pd.array([False, False, False, False, False, None], dtype="boolean"),
        "forms__answered": [True, True, True, True, True, False],
    })


def test_multi_counts_denominators_and_id():
    result = analyse_multi(multi_frame(), FORMS, dataset="network", wave="2024-demo", synthetic=True)
    assert result.id == "network-forms"
    assert result.kind == "multi"
    assert list(result.table.columns) == ["code", "count", "pct", "ci_low", "ci_high", "pct_selections",
                                          "suppressed"]
    assert result.table["code"].tolist() == ["grants", "premises", "events"]
    assert result.table["count"].tolist() == [4, 2, 0]
    assert result.table["pct"].tolist() == pytest.approx([4 / 5, 2 / 5, 0.0])
    assert result.table["pct_selections"].tolist() == pytest.approx([4 / 6, 2 / 6, 0.0])
    assert result.n == {"respondents": 6, "answering": 5, "selections": 6, "per_respondent": 6 / 5}
    assert not result.table["suppressed"].any()
    assert result.labels["fi"]["premises"] == "Tilat"
    assert result.labels["en"]["premises"] == "Tilat"  # falls back to Finnish
    assert result.title["en"] == "Forms"
    assert result.synthetic and result.wave == "2024-demo"


def test_multi_wilson_matches_statsmodels():
    result = analyse_multi(multi_frame(), FORMS, dataset="network")
    for row in result.table.itertuples():
        low, high = proportion_confint(row.count, 5, alpha=0.05, method="wilson")
        assert row.ci_low == pytest.approx(low, abs=1e-12)
        assert row.ci_high == pytest.approx(high, abs=1e-12)


def test_multi_without_answered_column_uses_any_selection():
    frame = multi_frame().drop(columns="forms__answered")
    frame.loc[1, "forms__grants"] = False  # row 1 now selected nothing
    result = analyse_multi(frame, FORMS, dataset="network")
    assert result.n["answering"] == 4


def test_multi_missing_column_is_a_clear_error():
    with pytest.raises(InputError, match="forms__events"):
        analyse_multi(multi_frame().drop(columns="forms__events"), FORMS, dataset="network")


def test_result_round_trips_through_json():
    result = analyse_multi(multi_frame(), FORMS, dataset="network")
    data = json.loads(json.dumps(result.to_dict()))
    back = Result.from_dict(data)
    assert back.table["count"].tolist() == [4, 2, 0]
    assert back.n == result.n


def single_frame():
    return pd.DataFrame({"kind": pd.array([1, 1, 2, 1, 99, None, 2, 1, 99, 3], dtype="Int64")})


def test_single_separates_user_missing_from_skips():
    result = analyse_single(single_frame(), KIND, dataset="associations")
    assert result.table["code"].tolist() == [1, 2, 3]
    assert result.table["count"].tolist() == [4, 2, 1]
    assert result.table["pct"].tolist() == pytest.approx([4 / 7, 2 / 7, 1 / 7])
    assert result.n["respondents"] == 10
    assert result.n["answering"] == 7
    assert result.n["user_missing"] == 2
    assert result.n["skipped"] == 1
    assert result.n["missing"] == 3
    assert result.n["user_missing:99"] == 2
    for row in result.table.itertuples():
        low, high = proportion_confint(row.count, 7, alpha=0.05, method="wilson")
        assert (row.ci_low, row.ci_high) == pytest.approx((low, high), abs=1e-12)
    json.dumps(result.to_dict())


def test_single_matches_string_and_integer_codes():
    frame = pd.DataFrame({"kind": ["1", "2", "2", None]})
    result = analyse_single(frame, KIND, dataset="associations")
    assert result.table["count"].tolist() == [1, 2, 0]


def test_single_reports_unknown_codes():
    frame = pd.DataFrame({"kind": pd.array([1, 7], dtype="Int64")})
    result = analyse_single(frame, KIND, dataset="associations")
    assert result.table["code"].tolist() == [1, 2, 3, 7]
    assert any("7" in note for note in result.notes)


def test_wrong_type_is_a_clear_error():
    with pytest.raises(InputError, match="type 'multi'"):
        analyse_single(multi_frame(), FORMS, dataset="network")


def test_option_not_offered_in_the_wave_is_left_out():
    frame = multi_frame()
    frame["forms__events"] = pd.array([None] * 6, dtype="boolean")  # column present, never answered
    result = analyse_multi(frame, FORMS, dataset="network")
    assert result.table["code"].tolist() == ["grants", "premises"]
    assert result.n["selections"] == 6
    assert any("events" in note for note in result.notes)
