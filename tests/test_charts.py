"""survey.charts: assertions on the returned Figures, alt text and data tables."""

import copy
import math

import matplotlib.patches
import pandas as pd
import pytest

from survey import charts, labels
from survey.errors import SurveyError
from survey.model import Result

NBSP = "\u00a0"
LANGS = ("fi", "sv", "en")
TITLES = {"fi": "Mitä kumppanuuden muotoja on käytössä?", "sv": "Vilka former av partnerskap används?",
          "en": "Which forms of partnership are used?"}
OPTION_LABELS = {
    "fi": {"grants": "Avustukset järjestöille", "premises": "Tilojen maksuton tai edullinen käyttö",
           "events": "Yhteiset tapahtumat", "budget": "Asukasbudjetti"},
    "sv": {"grants": "Bidrag till organisationer", "premises": "Lokaler gratis eller till lågt pris",
           "events": "Gemensamma evenemang", "budget": "Invånarbudget"},
    "en": {"grants": "Grants to associations", "premises": "Free or low-cost use of premises",
           "events": "Joint events", "budget": "Participatory budgeting"},
}


def make_multi(suppressed_code=None, synthetic=True):
    """16 respondents, 30 selections: grants 14, events 10, premises 4, budget 2."""
    counts = {"grants": 14, "premises": 4, "events": 10, "budget": 2}
    rows = []
    for code, count in counts.items():
        rows.append({"code": code, "count": count, "pct": count / 16, "ci_low": count / 16 - 0.1,
                     "ci_high": min(count / 16 + 0.1, 1.0), "pct_selections": count / 30,
                     "suppressed": code == suppressed_code})
    table = pd.DataFrame(rows)
    if suppressed_code:
        table.loc[table["code"] == suppressed_code, ["count", "pct", "ci_low", "ci_high", "pct_selections"]] = math.nan
    return Result(id="network-partnership-forms", kind="multi", dataset="network", question="partnership_forms",
                  title=TITLES, table=table,
                  n={"respondents": 16, "answering": 16, "selections": 30, "per_respondent": 30 / 16},
                  labels=copy.deepcopy(OPTION_LABELS), suppression={"threshold": 5} if suppressed_code else {},
                  wave="2024-demo", synthetic=synthetic)


def tick_labels(ax):
    return [t.get_text() for t in ax.get_yticklabels()]


def bar_widths(ax):
    return [round(p.get_width(), 6) for p in ax.patches if isinstance(p, matplotlib.patches.Rectangle)]


@pytest.mark.parametrize("lang", LANGS)
def test_bars_sorted_with_labels_values_title_and_footer(lang):
    fig = charts.draw(make_multi(), lang=lang, wave_label="Demo 2024", synthetic=True, source="Q3")
    ax = fig.axes[0]
    assert fig.get_suptitle() == TITLES[lang]
    expected_order = ["grants", "events", "premises", "budget"]
    assert fig.survey["codes"] == expected_order
    assert [t.replace("\n", " ") for t in tick_labels(ax)] == [OPTION_LABELS[lang][c] for c in expected_order]
    assert bar_widths(ax) == [87.5, 62.5, 25.0, 12.5]
    texts = [t.get_text() for t in ax.texts]
    if lang == "en":
        assert texts == ["87.5%", "62.5%", "25.0%", "12.5%"]
    else:
        assert texts == [f"87,5{NBSP}%", f"62,5{NBSP}%", f"25,0{NBSP}%", f"12,5{NBSP}%"]
    footer = fig.get_supxlabel()
    assert footer.startswith(labels.selections_footer(make_multi(), lang).split(",")[0])
    assert "Q3" in footer and "Demo 2024" in footer
    assert labels.text("synthetic", lang) in footer
    assert ax.get_xlabel() == labels.text("axis_share_respondents", lang)


def test_finnish_footer_exact_first_line_and_percent_ticks():
    fig = charts.draw(make_multi(), "fi")
    assert fig.get_supxlabel().split("\n")[0] == "Vastaajien määrä: 16, valittujen vastausten lukumäärä: 30"
    ax = fig.axes[0]
    fig.canvas.draw()
    assert [t.get_text() for t in ax.get_xticklabels()] == [f"{v}{NBSP}%" for v in (0, 20, 40, 60, 80, 100)]


def test_whiskers_are_drawn_from_the_interval():
    fig = charts.draw(make_multi(), "en")
    ax = fig.axes[0]
    segments = [seg for coll in ax.collections for seg in coll.get_segments()]
    spans = sorted((round(min(s[:, 0]), 6), round(max(s[:, 0]), 6)) for s in segments
                   if s[0, 1] == s[1, 1])  # horizontal lines only
    assert spans == [(2.5, 22.5), (15.0, 35.0), (52.5, 72.5), (77.5, 97.5)]
    assert "95% confidence interval" in fig.get_supxlabel()


def test_suppressed_value_is_shown_as_suppressed_never_as_zero():
    result = make_multi(suppressed_code="premises")
    for lang in LANGS:
        fig = charts.draw(result, lang)
        ax = fig.axes[0]
        assert fig.survey["codes"][-1] == "premises"  # suppressed rows go last
        assert len(bar_widths(ax)) == 3  # no zero-length bar
        assert ax.texts[-1].get_text() == labels.text("suppressed", lang)
        table = charts.data_table(result, lang)
        assert table.iloc[-1, 2] == labels.text("suppressed", lang)
        assert "0" not in table.iloc[-1, 1]
    assert "1 values suppressed" in charts.alt_text(result, "en")


def test_long_labels_wrap_and_are_never_truncated():
    result = make_multi()
    long = "Hyvin pitkä vastausvaihtoehto, jossa on paljon sanoja ja joka ei mahdu yhdelle riville kuviossa"
    result.labels["fi"]["grants"] = long
    fig = charts.draw(result, "fi")
    first = tick_labels(fig.axes[0])[0]
    assert "\n" in first
    assert first.replace("\n", " ") == long
    assert all(len(line) <= 32 for line in first.split("\n"))


@pytest.mark.parametrize("size, width, height", [("report", 6.3, None), ("slide", 13.335, 7.5)])
def test_sizes(size, width, height):
    fig = charts.draw(make_multi(), "fi", size=size)
    assert fig.get_figwidth() == pytest.approx(width)
    if height:
        assert fig.get_figheight() == pytest.approx(height)
    assert fig.survey["size"] == size


@pytest.mark.parametrize("lang, start, leading", [
    ("fi", "Vaakapylväskuvio: Mitä kumppanuuden muotoja on käytössä. Vastaajien määrä: 16",
     f"Avustukset järjestöille 87,5{NBSP}%, Yhteiset tapahtumat 62,5{NBSP}%, "
     f"Tilojen maksuton tai edullinen käyttö 25,0{NBSP}%"),
    ("sv", "Liggande stapeldiagram: Vilka former av partnerskap används. Antal svarande: 16",
     f"Bidrag till organisationer 87,5{NBSP}%, Gemensamma evenemang 62,5{NBSP}%"),
    ("en", "Horizontal bar chart: Which forms of partnership are used. Respondents: 16, selected answers: 30",
     "Grants to associations 87.5%, Joint events 62.5%, Free or low-cost use of premises 25.0%"),
])
def test_alt_text_names_what_n_and_leading_items(lang, start, leading):
    text = charts.alt_text(make_multi(), lang)
    assert text.startswith(start)
    assert leading in text
    assert labels.text("alt_synthetic", lang) in text
    assert charts.alt_text(make_multi(synthetic=False), lang).count(labels.text("alt_synthetic", lang)) == 0


def test_data_table_is_the_chart_in_words():
    table = charts.data_table(make_multi(), "fi")
    assert list(table.columns) == ["Vaihtoehto", "Lukumäärä", "Osuus vastaajista", "95 %:n luottamusväli",
                                   "Osuus valinnoista"]
    assert table.iloc[0].tolist() == ["Avustukset järjestöille", "14", f"87,5{NBSP}%",
                                      f"77,5\u201397,5{NBSP}%", f"46,7{NBSP}%"]


def test_single_choice_result_draws_without_selections():
    result = make_multi()
    table = result.table.drop(columns=["pct_selections"])
    single = Result(id="x-single", kind="single", dataset="x", question="q", title=TITLES, table=table,
                    n={"respondents": 20, "answering": 16}, labels=OPTION_LABELS)
    fig = charts.draw(single, "en")
    assert fig.get_supxlabel().split("\n")[0] == "Respondents: 16"
    assert "Osuus valinnoista" not in charts.data_table(single, "fi").columns


def test_unknown_kind_and_size_give_clear_errors():
    result = make_multi()
    odd = Result(id="odd", kind="weird", dataset="x", question="q", title={}, table=pd.DataFrame(), n={})
    with pytest.raises(SurveyError, match="kind 'weird'"):
        charts.draw(odd)
    with pytest.raises(SurveyError, match="unknown chart size"):
        charts.draw(result, size="poster")
