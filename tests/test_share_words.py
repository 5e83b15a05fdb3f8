"""Shares in words (review-2 §6): the point estimate first, then what the 95 % interval allows.

36 % with an interval reaching half is "runsas kolmannes", never "noin puolet"; a firm
claim ("selvä enemmistö") still needs the interval's lower bound above one half.
"""

from __future__ import annotations

import pandas as pd
import pytest

from survey.kinds import single
from survey.kinds.phrases import point_words, share_words
from survey.model import Result

CASES = [  # (share, interval low, high) -> fi, sv, en
    ((0.36, 0.240, 0.505), ("runsas kolmannes; luottamusväli ulottuu puoleen asti",
                            "drygt en tredjedel; intervallet når upp till hälften",
                            "just over a third; the interval reaches half")),
    ((0.61, 0.47, 0.74), ("noin kolme viidesosaa; luottamusväli ulottuu alle puolen",
                          "ungefär tre femtedelar; intervallet når ner under hälften",
                          "about three fifths; the interval reaches below half")),
    ((0.60, 0.50, 0.70), ("noin kolme viidesosaa; luottamusväli ulottuu puoleen asti",  # low exactly 50 %
                          "ungefär tre femtedelar; intervallet når upp till hälften",
                          "about three fifths; the interval reaches half")),
    ((0.60, 0.501, 0.70), ("noin kolme viidesosaa, selvä enemmistö", "ungefär tre femtedelar, en klar majoritet",
                           "about three fifths, a clear majority")),
    ((0.40, 0.30, 0.50), ("noin kaksi viidesosaa; luottamusväli ulottuu puoleen asti",  # high exactly 50 %
                          "ungefär två femtedelar; intervallet når upp till hälften",
                          "about two fifths; the interval reaches half")),
    ((0.40, 0.30, 0.499), ("noin kaksi viidesosaa, vähemmistö", "ungefär två femtedelar, en minoritet",
                           "about two fifths, a minority")),
    ((0.50, 0.36, 0.64), ("noin puolet", "ungefär hälften", "about half")),
    ((0.46, 0.33, 0.60), ("vajaa puolet; luottamusväli ulottuu puoleen asti",
                          "knappt hälften; intervallet når upp till hälften", "just under half; the interval reaches half")),
    ((0.56, 0.43, 0.67), ("runsas puolet; luottamusväli ulottuu alle puolen",
                          "drygt hälften; intervallet når ner under hälften",
                          "just over half; the interval reaches below half")),
    ((0.72, 0.60, 0.81), ("vajaa kolme neljäsosaa, selvä enemmistö", "knappt tre fjärdedelar, en klar majoritet",
                          "just under three quarters, a clear majority")),
    ((0.90, 0.76, 0.96), ("noin yhdeksän kymmenestä, valtaosa", "ungefär nio av tio, en stor majoritet",
                          "about nine in ten, a great majority")),
    ((0.13, 0.07, 0.249), ("runsas kymmenesosa, vain harva vastaaja", "drygt en tiondel, endast få svarande",
                           "just over a tenth, only a few respondents")),
    ((0.13, 0.07, 0.25), ("runsas kymmenesosa, vähemmistö", "drygt en tiondel, en minoritet",
                          "just over a tenth, a minority")),
    ((1.0, 0.83, 1.0), ("kaikki vastanneet", "alla som svarade", "everyone who answered")),
    ((0.96, 0.80, 0.99), ("lähes kaikki", "nästan alla", "nearly all")),
]


@pytest.mark.parametrize("share, expected", CASES, ids=[f"{c[0][0]:.2f}-{c[0][1]}-{c[0][2]}" for c in CASES])
def test_share_words_at_the_boundaries(share, expected):
    for lang, words in zip(("fi", "sv", "en"), expected):
        assert share_words(*share, lang=lang) == words


def test_the_point_is_the_whole_percentage_shown():
    assert point_words(0.3449) == "noin kolmannes"  # shown as 34 %
    assert point_words(0.355) == "runsas kolmannes"  # shown as 36 %
    assert point_words(0.43) == "vajaa puolet" and point_words(0.42) == "runsas kaksi viidesosaa"


def test_a_finding_describes_36_percent_as_a_third_not_half():
    table = pd.DataFrame({"code": ["monthly", "weekly"], "count": [18, 10], "pct": [0.36, 0.2],
                          "ci_low": [0.240, 0.11], "ci_high": [0.505, 0.33], "suppressed": [False, False]})
    result = Result(id="staff-frequency", kind="single", dataset="staff", question="frequency",
                    title={"fi": "Kuinka usein?"}, table=table, n={"answering": 50, "respondents": 50},
                    labels={"fi": {"monthly": "Kuukausittain"}, "sv": {"monthly": "Varje månad"},
                            "en": {"monthly": "Monthly"}})
    assert single.finding(result, "fi").replace("\u00a0", " ") == ("Yleisin vastaus oli ”Kuukausittain”: 36 % vastanneista (95 %:n "
                                            "luottamusväli 24,0–50,5 %), eli runsas kolmannes; luottamusväli "
                                            "ulottuu puoleen asti.")
    assert single.finding(result, "sv").endswith("alltså drygt en tredjedel; intervallet når upp till hälften.")
    assert "noin puolet" not in single.finding(result, "fi")


def test_median_and_quartiles_of_counts_are_whole_numbers():
    from survey.kinds import numeric

    table = pd.DataFrame([{"n": 59, "median": 14.0, "q1": 7.5, "q3": 25.0, "mean": 20.44, "ci_low": 14.41,
                           "ci_high": 26.47, "sd": 10.0, "min": 0.0, "max": 80.0}])
    result = Result(id="associations-volunteers", kind="numeric", dataset="associations", question="volunteers",
                    title={"fi": "Vapaaehtoisia"}, table=table, n={"answering": 59, "respondents": 63})
    assert numeric.finding(result, "fi").startswith("Mediaani oli 14 (puolet vastauksista välillä 7,5–25); "
                                                    "keskiarvo 20,4 (95 %:n luottamusväli 14,4–26,5)")
