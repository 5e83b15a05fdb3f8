"""Waves are named as survey.yml labels them, never by id, in the change chart, its footer,
alt text and finding (review-2 §7): the result carries ``labels["waves"]``."""

from __future__ import annotations

import pandas as pd
import pytest

from survey.kinds import charts, findings, words
from survey.model import Result

NAMES = {"fi": {"2024-demo": "Demoaineisto 2024", "2026-demo": "Demoaineisto 2026"},
         "sv": {"2024-demo": "Demodata 2024", "2026-demo": "Demodata 2026"}}


def _wave_result(names=NAMES) -> Result:
    table = pd.DataFrame([
        {"code": "a", "count_before": 18.0, "n_before": 63.0, "pct_before": 18 / 63, "count_now": 32.0, "n_now": 71.0,
         "pct_now": 32 / 71, "diff": 32 / 71 - 18 / 63, "ci_low": 0.02, "ci_high": 0.31, "test": "chi2", "p": 0.004,
         "p_adjusted": 0.01, "comparable": True, "suppressed": False},
        {"code": "b", "count_before": 45.0, "n_before": 63.0, "pct_before": 45 / 63, "count_now": 51.0, "n_now": 71.0,
         "pct_now": 51 / 71, "diff": 51 / 71 - 45 / 63, "ci_low": -0.14, "ci_high": 0.15, "test": "chi2", "p": 0.95,
         "p_adjusted": 1.0, "comparable": True, "suppressed": False}])
    labels = {"fi": {"a": "Elinvoima", "b": "Sivistys"}, "sv": {"a": "Livskraft", "b": "Bildning"}}
    if names:
        labels["waves"] = names
    return Result(id="associations-divisions-waves", kind="wave", dataset="associations", question="divisions",
                  title={"fi": "Minkä toimialojen kanssa?", "sv": "Med vilka sektorer?"}, table=table,
                  n={"answering_before": 63, "answering_now": 71, "respondents_before": 63, "respondents_now": 71},
                  labels=labels, wave="2026-demo",
                  test={"previous_wave": "2024-demo", "wave": "2026-demo", "comparable": True, "alpha": 0.05,
                        "family": "dataset", "adjustment": "benjamini-hochberg"})


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_change_chart_footer_alt_text_and_finding_name_the_waves(lang):
    result = _wave_result()
    before, now = NAMES[lang]["2024-demo"], NAMES[lang]["2026-demo"]
    fig = charts.draw(result, lang, size="report")
    assert fig.survey["series"] == [before, now]  # the legend
    texts = [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text"))]
    assert not any("2024-demo" in t or "2026-demo" in t for t in texts), [t for t in texts if "-demo" in t]
    footer = " ".join(words.footer_lines(result, lang))
    assert f"63 ({before}), 71 ({now})" in footer
    alt = charts.alt_text(result, lang)
    finding = findings.interpret(result, lang)
    for text in (alt, finding):
        assert before in text and now in text and "-demo" not in text


def test_without_names_the_ids_remain():
    result = _wave_result(names=None)
    assert words.wave_names(result, "fi") == ("2024-demo", "2026-demo")
    assert words.wave_name(_wave_result(), "2024-demo", "en") == "Demoaineisto 2024"  # no English: Finnish
