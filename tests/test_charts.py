"""survey.kinds.charts: assertions on the returned Figures, alt text and data tables."""

import copy
import re
from pathlib import Path
import math

import matplotlib.patches
import pandas as pd
import pytest

from survey.kinds import breakdown, charts, drawing
from survey.kinds.table import data_table
from survey import catalogue
from survey.kinds import words
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
    assert fig.get_suptitle() == ""  # the caption or slide title carries the question, not the picture
    assert fig.survey["title"] == TITLES[lang]
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
    assert footer.startswith(words.selections_footer(make_multi(), lang).split(",")[0])
    assert "Q3" in footer and "Demo 2024" in footer
    assert catalogue.text("synthetic", lang) in footer
    assert ax.get_xlabel() == catalogue.text("axis_share_respondents", lang)


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
        assert ax.texts[-1].get_text() == catalogue.text("suppressed", lang)
        table = data_table(result, lang)
        assert table.iloc[-1, 2] == catalogue.text("suppressed", lang)
        assert "0" not in table.iloc[-1, 1]
    assert "1 values are not shown, for privacy" in charts.alt_text(result, "en")


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
    assert catalogue.text("alt_synthetic", lang) in text
    assert charts.alt_text(make_multi(synthetic=False), lang).count(catalogue.text("alt_synthetic", lang)) == 0


def test_data_table_is_the_chart_in_words():
    table = data_table(make_multi(), "fi")
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
    assert "Osuus valinnoista" not in data_table(single, "fi").columns


def test_unknown_kind_and_size_give_clear_errors():
    result = make_multi()
    odd = Result(id="odd", kind="weird", dataset="x", question="q", title={}, table=pd.DataFrame(), n={})
    with pytest.raises(SurveyError, match="kind 'weird'"):
        charts.draw(odd)
    with pytest.raises(SurveyError, match="unknown chart size"):
        charts.draw(result, size="poster")


# -- other kinds (hand-made results of the documented shapes) -------------------------------

SCALE = {"fi": {1: "Täysin eri mieltä", 2: "Jokseenkin eri mieltä", 3: "Ei samaa eikä eri mieltä",
                4: "Jokseenkin samaa mieltä", 5: "Täysin samaa mieltä", 9: "En osaa sanoa",
                "a": "Väite A", "b": "Väite B"},
         "sv": {1: "Helt av annan åsikt", 2: "Delvis av annan åsikt", 3: "Varken eller", 4: "Delvis av samma åsikt",
                5: "Helt av samma åsikt", 9: "Vet inte", "a": "Påstående A", "b": "Påstående B"},
         "en": {1: "Strongly disagree", 2: "Disagree", 3: "Neither", 4: "Agree", 5: "Strongly agree",
                9: "Don't know", "a": "Statement A", "b": "Statement B"}}


def make_likert():
    """Item a: 2,2,4,6,4 + 2 don't know (n=20); item b: 6,4,4,2,2 + 2 (n=20)."""
    rows = []
    for item, counts in (("a", [2, 2, 4, 6, 4, 2]), ("b", [6, 4, 4, 2, 2, 2])):
        for code, count in zip([1, 2, 3, 4, 5, 9], counts):
            rows.append({"item": item, "code": code, "count": count, "pct": count / 20,
                         "pct_scale": count / 18 if code != 9 else math.nan, "ci_low": math.nan,
                         "ci_high": math.nan, "dont_know": code == 9, "suppressed": False})
    return Result(id="associations-views", kind="likert", dataset="associations", question="views",
                  title={"fi": "Näkemykset", "sv": "Åsikter", "en": "Views"}, table=pd.DataFrame(rows),
                  n={"respondents": 21, "items": 2, "answering_min": 20, "answering_max": 20}, labels=SCALE,
                  synthetic=True)


@pytest.mark.parametrize("lang", LANGS)
def test_likert_diverging_sorted_by_agreement_with_dont_know_beside(lang):
    fig = charts.draw(make_likert(), lang)
    assert fig.survey["items"] == ["a", "b"]  # a is more positive
    assert fig.survey["positive"] == [pytest.approx(0.5), pytest.approx(0.2)]
    assert fig.survey["negative"] == [pytest.approx(0.2), pytest.approx(0.5)]
    assert fig.survey["dont_know"] == [pytest.approx(0.1), pytest.approx(0.1)]
    ax, ax_dk = fig.axes[1], fig.axes[2]
    ticks = tick_labels(ax)
    # n is the base of the scale's shares: 18 scale answers (the 2 "don't know" answers have their own share)
    assert ticks[0].replace("\n", " ") == f"{SCALE[lang]['a']} (n\u00a0=\u00a018)"
    # neutral centred on zero: item a's neutral segment (20 %) spans -10..10
    segments = dict((code, (start, share)) for code, start, share in fig.survey["segments"][0])
    assert segments[3] == (pytest.approx(-0.1), pytest.approx(0.2))
    assert segments[4] == (pytest.approx(0.1), pytest.approx(0.3))
    assert segments[2] == (pytest.approx(-0.2), pytest.approx(0.1))
    texts = [t.get_text() for t in ax.texts]
    pct = (lambda v: f"{v}%") if lang == "en" else (lambda v: f"{v}{NBSP}%")
    assert pct(50) in texts and pct(20) in texts  # totals at the ends
    assert [t.get_text() for t in ax_dk.texts] == [pct(10), pct(10)]
    assert ax_dk.get_title(loc="left").replace("\n", " ") == SCALE[lang][9]
    legend = fig.axes[0].get_legend()
    assert [t.get_text().replace("\n", " ") for t in legend.get_texts()] == [SCALE[lang][c] for c in (1, 2, 3, 4, 5)]


def test_likert_alt_text_and_table():
    text = charts.alt_text(make_likert(), "fi")
    assert text.startswith("Hajautuva pinottu pylväskuvio: Näkemykset. 2 väittämää.")
    assert f"Väite A: myönteisiä 50{NBSP}%, kielteisiä 20{NBSP}% (n = 18)" in text
    table = data_table(make_likert(), "en")
    assert list(table.columns[:4]) == ["Statement", "Option", "Count", "Share of respondents"]
    assert table.iloc[0].tolist()[:4] == ["Statement A", "Strongly disagree", "2", "10.0%"]


def make_numeric():
    table = pd.DataFrame([{"n": 48, "mean": 11.7, "ci_low": 9.2, "ci_high": 14.2, "sd": 8.6, "median": 9.0,
                           "q1": 6.0, "q3": 15.25, "min": 0.0, "max": 35.0, "suppressed": False}])
    return Result(id="staff-years", kind="numeric", dataset="staff", question="years",
                  title={"fi": "Vuodet", "sv": "År", "en": "Years"}, table=table,
                  n={"respondents": 51, "answering": 48})


@pytest.mark.parametrize("lang", LANGS)
def test_numeric_summary(lang):
    fig = charts.draw(make_numeric(), lang)
    shown = fig.survey["value_labels"]
    assert shown["mean"] == ("11.7" if lang == "en" else "11,7")
    assert shown["q3"] == ("15.3" if lang == "en" else "15,3")
    texts = " ".join(t.get_text() for t in fig.axes[0].texts)
    assert catalogue.text("col_median", lang) in texts
    alt = charts.alt_text(make_numeric(), "en")
    assert alt == ("Summary chart: Years. n = 48. Mean 11.7 (95% confidence interval 9.2–14.2), median 9.0, "
                   "quartiles 6.0–15.3, minimum 0.0, maximum 35.0.")
    assert data_table(make_numeric(), "fi").iloc[0, 1] == "11,7"


def make_breakdown():
    rows = []
    for group, n, counts in (("a", 10, {"yes": 6, "no": 4}), ("b", 3, None), ("c", 8, {"yes": 2, "no": 6})):
        for code in ("yes", "no"):
            if counts is None:
                rows.append({"item": "q", "group": group, "code": code, "count": math.nan, "n_group": math.nan,
                             "pct": math.nan, "ci_low": math.nan, "ci_high": math.nan, "suppressed": True})
            else:
                k = counts[code]
                rows.append({"item": "q", "group": group, "code": code, "count": k, "n_group": n,
                             "pct": k / n, "ci_low": max(k / n - 0.2, 0), "ci_high": min(k / n + 0.2, 1),
                             "suppressed": False})
    return Result(id="staff-q-by-division", kind="breakdown", dataset="staff", question="q",
                  title={"fi": "Kysymys toimialoittain", "sv": "Fråga per sektor", "en": "Question by division"},
                  table=pd.DataFrame(rows), n={"respondents": 21, "grouped": 21},
                  labels={"fi": {"yes": "Kyllä", "no": "Ei"}, "sv": {"yes": "Ja", "no": "Nej"},
                          "en": {"yes": "Yes", "no": "No"},
                          "groups": {"fi": {"a": "Sivistys", "b": "Elinvoima", "c": "Kaupunkiympäristö"},
                                     "sv": {"a": "Bildning", "b": "Livskraft", "c": "Stadsmiljö"},
                                     "en": {"a": "Education", "b": "Vitality", "c": "Urban environment"}}},
                  test={"name": "fisher", "p": 0.1548, "p_adjusted": 0.1548},
                  suppression={"threshold": 5, "method": "suppress"}, synthetic=True)


@pytest.mark.parametrize("lang", LANGS)
def test_breakdown_dots_per_group_with_suppressed_group_marked(lang):
    result = make_breakdown()
    fig = charts.draw(result, lang)
    groups = result.labels["groups"][lang]
    assert fig.survey["groups"] == [groups["a"], groups["b"], groups["c"]]
    assert fig.survey["rows"] == [result.labels[lang]["yes"], result.labels[lang]["no"]]
    assert fig.survey["values"][0] == [0.6, None, 0.25]
    marker = catalogue.text("suppressed", lang)
    assert fig.survey["value_labels"][0][1] == marker
    texts = [t.get_text() for t in fig.axes[1].texts]
    assert f"{groups['b']}: {marker}" in texts
    assert not any(t.get_text() in ("0%", f"0{NBSP}%") for t in fig.axes[1].texts)
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend == list(groups.values())
    assert "p = 0" in fig.get_supxlabel()


def test_breakdown_alt_text_names_groups_values_and_test():
    text = charts.alt_text(make_breakdown(), "en")
    assert text.startswith("Dot plot by group: Question by division. Groups: Education, Vitality, Urban environment.")
    assert "Yes: Education 60%, Vitality suppressed, Urban environment 25%" in text
    assert "Fisher's exact test: adjusted p = 0.155." in text  # make_breakdown gives p_adjusted


def test_breakdown_data_table_marks_suppressed_cells():
    table = data_table(make_breakdown(), "fi")
    hidden = table[table["Ryhmä"] == "Elinvoima"]
    assert (hidden["Osuus vastaajista"] == "ei esitetä").all()
    assert (hidden["Lukumäärä"] == "ei esitetä").all()


def make_codes():
    table = pd.DataFrame({"code": ["grants", "grants_process", "premises"], "level": ["theme", "code", "theme"],
                          "parent": ["grants", "grants", "premises"], "interviews": [13, 10, 15],
                          "pct": [13 / 17, 10 / 17, 15 / 17], "segments": [23, 10, 26]})
    lab = {"fi": {"grants": "Avustukset", "grants_process": "Hakuprosessi", "premises": "Toimitilat"},
           "sv": {"grants": "Bidrag", "grants_process": "Ansökan", "premises": "Lokaler"},
           "en": {"grants": "Grants", "grants_process": "Application", "premises": "Premises"}}
    return Result(id="interviews-codes", kind="interview_codes", dataset="interviews", question="codes",
                  title={"fi": "Teemat", "sv": "Teman", "en": "Themes"}, table=table,
                  n={"interviews": 17, "codings": 59, "codes": 1}, labels=lab, synthetic=True)


@pytest.mark.parametrize("lang", LANGS)
def test_interview_codes_keep_codebook_order_and_show_k_of_n(lang):
    fig = charts.draw(make_codes(), lang)
    ax = fig.axes[0]
    assert tick_labels(ax) == [make_codes().labels[lang][c] for c in ("grants", "grants_process", "premises")]
    assert [t.get_fontweight() for t in ax.get_yticklabels()] == ["bold", "normal", "bold"]
    assert [t.get_text() for t in ax.texts] == ["13/17", "10/17", "15/17"]
    assert fig.get_supxlabel().split("\n")[0] == catalogue.text("footer_interviews", lang, n="17")
    alt = charts.alt_text(make_codes(), lang)
    assert f"{make_codes().labels[lang]['premises']} 15/17" in alt


def make_codes_by():
    rows = []
    for group, n, k in (("a", 8, [5, 8]), ("b", 3, None)):
        for code, level, kk in zip(("grants", "premises"), ("theme", "theme"), k or [None, None]):
            rows.append({"group": group, "code": code, "level": level, "parent": code,
                         "interviews": kk if kk is not None else pd.NA, "n_group": n,
                         "pct": kk / n if kk is not None else pd.NA, "suppressed": k is None})
    table = pd.DataFrame(rows).astype({"interviews": "Int64", "pct": "Float64"})
    return Result(id="interviews-codes-by-division", kind="interview_codes_by", dataset="interviews",
                  question="division", title={"fi": "Teemat toimialoittain", "en": "Themes by division"},
                  table=table, n={"interviews": 11},
                  labels={"fi": {"grants": "Avustukset", "premises": "Toimitilat"},
                          "en": {"grants": "Grants", "premises": "Premises"},
                          "groups": {"fi": {"a": "Sivistys", "b": "Elinvoima"},
                                     "en": {"a": "Education", "b": "Vitality"}}},
                  suppression={"threshold": 5, "method": "suppress"})


def test_codes_by_heatmap_marks_small_groups_and_hides_their_size():
    fig = charts.draw(make_codes_by(), "en")
    assert fig.survey["columns"] == ["Education\n(n = 8)", "Vitality"]
    assert fig.survey["value_labels"] == [["63%", "suppressed"], ["100%", "suppressed"]]
    assert fig.survey["rows"] == ["Grants", "Premises"]
    assert "Vitality: suppressed" in charts.alt_text(make_codes_by(), "en")


def make_cooccurrence():
    codes = {"a": 10, "b": 6, "c": 4}
    both = {("a", "b"): 3, ("a", "c"): 2, ("b", "c"): 1}
    rows = []
    for x in codes:
        for y in codes:
            k = codes[x] if x == y else both.get((x, y), both.get((y, x)))
            either = codes[x] + codes[y] - k if x != y else codes[x]
            rows.append({"code_a": x, "code_b": y, "n_a": codes[x], "n_b": codes[y], "both": k, "either": either,
                         "jaccard": k / either})
    return Result(id="interviews-cooccurrence", kind="interview_cooccurrence", dataset="interviews",
                  question="code", title={"fi": "Yhteisesiintyminen", "en": "Co-occurrence"},
                  table=pd.DataFrame(rows), n={"interviews": 12, "codes": 3},
                  labels={"fi": {"a": "Aa", "b": "Bb", "c": "Cc"}, "en": {"a": "Ax", "b": "Bx", "c": "Cx"}})


def test_cooccurrence_lower_triangle_counts_and_alt_text():
    fig = charts.draw(make_cooccurrence(), "fi")
    assert fig.survey["value_labels"] == [["10", "", ""], ["3", "6", ""], ["2", "1", "4"]]
    assert fig.survey["values"][1][0] == pytest.approx(3 / 13)
    alt = charts.alt_text(make_cooccurrence(), "en")
    assert alt.startswith("Heatmap: Co-occurrence. Interviews: 12. Most often mentioned together: Ax + Bx 3, Ax + Cx 2")


def make_triangulation():
    table = pd.DataFrame([
        {"theme": "grants", "source": "associations", "dataset": "associations", "question": "q", "count": 30,
         "n": 60, "pct": 0.5, "ci_low": 0.38, "ci_high": 0.62},
        {"theme": "grants", "source": "staff", "dataset": "staff", "question": "r", "count": pd.NA, "n": pd.NA,
         "pct": pd.NA, "ci_low": pd.NA, "ci_high": pd.NA},
        {"theme": "grants", "source": "interviews", "dataset": "interviews", "question": "grants", "count": 13,
         "n": 17, "pct": 13 / 17, "ci_low": pd.NA, "ci_high": pd.NA}])
    table = table.astype({"count": "Int64", "n": "Int64", "pct": "Float64", "ci_low": "Float64", "ci_high": "Float64"})
    lab = {"fi": {"grants": "Avustukset", "associations": "Järjestöt", "staff": "Henkilöstö",
                  "interviews": "Haastattelut"},
           "en": {"grants": "Grants", "associations": "Associations", "staff": "Staff", "interviews": "Interviews"}}
    return Result(id="triangulation", kind="triangulation", dataset="interviews", question="themes",
                  title={"fi": "Teemat aineistoittain", "en": "Themes across sources"}, table=table,
                  n={"interviews": 17}, labels=lab)


def test_triangulation_sources_side_by_side_missing_named():
    fig = charts.draw(make_triangulation(), "en")
    assert fig.survey["groups"] == ["Associations", "Staff", "Interviews"]
    assert fig.survey["value_labels"] == [["50%", "no data", "76%"]]
    assert "Staff: no data" in [t.get_text() for t in fig.axes[1].texts]
    assert charts.alt_text(make_triangulation(), "en") == (
        "Triangulation chart: Themes across sources. Grants: Associations 50%, Staff no data, Interviews 76%.")


def test_quotes_have_no_chart_and_no_alt_text():
    quotes = Result(id="interviews-quotes", kind="interview_quotes", dataset="interviews", question="quotes",
                    title={"fi": "Sitaatit"}, table=pd.DataFrame({"quote_id": ["H01-x-1"]}), n={})
    assert charts.draw(quotes, "fi") is None
    assert charts.alt_text(quotes, "fi") == ""
    assert not charts.has_chart(quotes)


def make_waves(comparable=True):
    rows = [{"code": "yes", "count_before": 28, "n_before": 63, "pct_before": 28 / 63, "count_now": 50,
             "n_now": 71, "pct_now": 50 / 71, "diff": 50 / 71 - 28 / 63, "ci_low": 0.09, "ci_high": 0.41,
             "test": "chi2", "p": 0.002, "p_adjusted": 0.004, "comparable": True, "suppressed": False},
            {"code": "no", "count_before": 30, "n_before": 63, "pct_before": 30 / 63, "count_now": 17,
             "n_now": 71, "pct_now": 17 / 71, "diff": 17 / 71 - 30 / 63, "ci_low": -0.39, "ci_high": -0.07,
             "test": "chi2", "p": 0.003, "p_adjusted": 0.004, "comparable": True, "suppressed": False}]
    table = pd.DataFrame(rows if comparable else [], columns=list(rows[0]))
    reason = None if comparable else {"fi": "kysymyksen sanamuoto muuttui", "sv": "frågan omformulerades",
                                      "en": "the question was reworded"}
    return Result(id="associations-contact-known-waves", kind="wave", dataset="associations",
                  question="contact_known", title={"fi": "Yhteyshenkilö tiedossa", "sv": "Känd kontaktperson",
                                                   "en": "Contact known"}, table=table,
                  n={"respondents_before": 63, "respondents_now": 71, "answering_before": 63, "answering_now": 71},
                  labels={"fi": {"yes": "Kyllä", "no": "Ei"}, "sv": {"yes": "Ja", "no": "Nej"},
                          "en": {"yes": "Yes", "no": "No"}},
                  test={"comparable": comparable, "reason": reason, "previous_wave": "2024-demo",
                        "wave": "2026-demo", "name": "chi2", "p": 0.001}, wave="2026-demo", synthetic=True)


@pytest.mark.parametrize("lang", LANGS)
def test_wave_dumbbells_values_and_differences(lang):
    fig = charts.draw(make_waves(), lang)
    assert fig.survey["series"] == ["2024-demo", "2026-demo"]
    assert fig.survey["rows"] == [make_waves().labels[lang]["yes"], make_waves().labels[lang]["no"]]
    assert fig.survey["before"] == [pytest.approx(28 / 63), pytest.approx(30 / 63)]
    minus = "-" if lang == "en" else "\u2212"
    assert fig.survey["diff_labels"] == ["+26", f"{minus}24"]  # 44 % → 70 %, 48 % → 24 %: the printed values' difference
    assert fig.get_supxlabel().split("\n")[0] == catalogue.text("footer_waves", lang, before="63", now="71",
                                                             previous="2024-demo", current="2026-demo")
    text = charts.alt_text(make_waves(), lang)
    assert "2024-demo" in text and "2026-demo" in text


def test_wave_markers_of_equal_shares_do_not_hide_each_other():
    result = make_waves()
    table = result.table.copy()
    table.loc[0, ["pct_before", "pct_now", "diff"]] = [0.561, 0.556, -0.005]
    fig = charts.draw(Result(**{**result.__dict__, "table": table}), "fi")
    assert fig.survey["diff_labels"][0] == "0"  # 56 % and 56 %
    markers = [line for line in fig.axes[1].lines if line.get_marker() in ("s", "o")]
    first = [line.get_ydata()[0] for line in markers[:2]]
    assert abs(first[0] - first[1]) >= 0.3  # one above, one below the row: both visible
    second = [line.get_ydata()[0] for line in markers[2:4]]
    assert second[0] == second[1]  # far apart on the axis: on the row itself


def test_wave_alt_text_exact_en_and_not_comparable():
    assert charts.alt_text(make_waves(), "en").startswith(
        "Comparison chart: Contact known, 2024-demo and 2026-demo. Yes: 44% → 70% (+26 points); "
        "No: 48% → 24% (-24 points). Chi-square test: p = 0.001.")
    fig = charts.draw(make_waves(comparable=False), "en")
    assert "the question was reworded" in [t.get_text() for t in fig.axes[1].texts]
    assert "the question was reworded" in charts.alt_text(make_waves(comparable=False), "en")


def test_wave_table_in_points_and_named_test():
    table = data_table(make_waves(), "fi")
    assert table.loc[0, "Ero (%-yks.)"] == "+26,0"
    assert table.loc[0, "Ero, 95 %:n lv alaraja"] == "+9,0"
    assert table.loc[0, "Testi"] == "khiin neliö -testi"


def make_summary():
    table = pd.DataFrame([{"item": "a", "n": 20, "n_scale": 18, "agree_count": 9, "agree_pct": 0.5,
                           "agree_ci_low": 0.29, "agree_ci_high": 0.71, "mean": 3.4, "suppressed": False},
                          {"item": "b", "n": 20, "n_scale": 18, "agree_count": 12, "agree_pct": 12 / 18,
                           "agree_ci_low": 0.44, "agree_ci_high": 0.84, "mean": 3.9, "suppressed": False}])
    return Result(id="associations-views-summary", kind="likert_summary", dataset="associations",
                  question="views", title={"fi": "Näkemykset", "sv": "Åsikter", "en": "Views"}, table=table,
                  n={"respondents": 21, "items": 2}, labels=SCALE)


@pytest.mark.parametrize("lang", LANGS)
def test_likert_summary_bars_sorted_by_agreement(lang):
    fig = charts.draw(make_summary(), lang)
    assert fig.survey["items"] == ["b", "a"]
    assert bar_widths(fig.axes[0]) == [pytest.approx(66.666667), 50.0]
    assert tick_labels(fig.axes[0])[0].replace("\n", " ") == f"{SCALE[lang]['b']} (n\u00a0=\u00a018)"
    assert fig.axes[0].get_xlabel() == catalogue.text("axis_agree", lang)
    assert charts.alt_text(make_summary(), "en").startswith(
        "Horizontal bar chart: Views. Share agreeing: Statement B 66.7%, Statement A 50.0%")


def test_dense_breakdown_becomes_an_annotated_table_on_slides():
    groups = [f"g{k}" for k in range(7)]
    rows = []
    for item in ("a", "b", "c"):
        for k, g in enumerate(groups):
            rows.append({"item": item, "group": g, "code": "agree", "count": k + 1, "n_group": 10,
                         "pct": (k + 1) / 10, "ci_low": 0.0, "ci_high": 1.0, "suppressed": False})
    result = Result(id="x-by-g", kind="breakdown", dataset="x", question="a", title={"fi": "X"},
                    table=pd.DataFrame(rows), n={"respondents": 70}, labels={"fi": {"a": "A", "b": "B", "c": "C"}})
    report = charts.draw(result, "fi", size="report")
    slide = charts.draw(result, "fi", size="slide")
    assert report.survey.get("layout") != "heatmap"
    assert slide.survey["layout"] == "heatmap"
    assert slide.survey["value_labels"][0][:2] == [f"10{NBSP}%", f"20{NBSP}%"]
    styles = [(h.get_color(), h.get_marker()) for h in report.axes[0].get_legend().legend_handles]
    assert len(set(styles)) == 7  # seven groups, seven distinct colour-marker pairs


# -- every result of the demo waves ---------------------------------------------------------

@pytest.fixture(scope="module")
def demo_results(demo_outputs):
    """All results of both demo waves, as the session's demo build published them (``results/<id>.json``)."""
    from survey.project.config import load_project
    from survey.report.data import read_results

    project = load_project(demo_outputs)
    return {wave_id: (project.wave(wave_id), list(read_results(project.paths, wave_id).values()))
            for wave_id in ("2024-demo", "2026-demo")}


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGS)
def test_every_demo_result_charts_with_title_labels_alt_text_and_table(demo_results, demo_chart_facts, lang):
    """Every demo chart as the demo build drew it (pipeline, report staging; tests/_figures.py notes what
    the Figure held): no title inside, the footer's synthetic marking, labels, its alt text."""
    from _figures import read_facts

    for wave, results in demo_results.values():
        facts = read_facts(demo_chart_facts, wave.id)
        assert results
        for result in results:
            alt = charts.alt_text(result, lang)
            table = data_table(result, lang)
            if not charts.has_chart(result):
                assert charts.draw(result, lang, wave_label=wave.label, synthetic=wave.synthetic) is None and alt == ""
                continue
            fig = facts[(result.id, "report", lang)]
            assert fig["suptitle"] == "" and fig["title"] == catalogue.pick(result.title, lang), result.id
            assert fig["height_in"] <= drawing.MAX_REPORT_HEIGHT + 1e-9, result.id
            assert catalogue.text("synthetic", lang) in fig["supxlabel"], result.id
            assert fig["id"] == result.id
            if result.table.empty:  # e.g. a reworded question: the reason is shown instead
                assert any(fig["axes_texts"]), result.id
            else:
                assert any(fig["ytick_labels"]), result.id
            key = "breakdown_heatmap" if breakdown.breakdown_is_heatmap(result, "report", lang) else ALT_KEY[result.kind]
            assert alt.startswith(catalogue.text("alt_" + key, lang).split(":")[0]), result.id
            assert fig["alt"] == charts.alt_text(result, lang, synthetic=wave.synthetic), result.id
            assert catalogue.pick(result.title, lang).rstrip(".?!: ") in alt, result.id
            assert catalogue.text("alt_synthetic", lang) in alt
            assert (len(table) > 0 or result.table.empty) and not table.columns.empty, result.id
            assert not re.search(r"\b(nan|none|<na>)\b", table.to_string().lower()), result.id


ALT_KEY = {"multi": "bars", "single": "bars", "likert": "likert", "likert_summary": "summary", "numeric": "numeric",
           "breakdown": "breakdown", "breakdown_numeric": "breakdown", "wave": "waves", "triangulation": "triangulation",
           "interview_codes": "codes", "interview_codes_by": "heatmap", "interview_cooccurrence": "cooccurrence"}


@pytest.mark.slow
@pytest.mark.parametrize("size", ["report", "slide"])
def test_every_demo_chart_keeps_its_labels_inside_and_apart(demo_results, demo_chart_facts, size):
    """Swedish labels are the longest: none leaves the figure or lies on another one (``charts.text_problems``
    of every Swedish chart, measured by the demo build after the chart's files were written)."""
    from _figures import read_facts

    wave, results = demo_results["2026-demo"]
    facts = read_facts(demo_chart_facts, wave.id)
    for result in results:
        if charts.has_chart(result):
            assert facts[(result.id, size, "sv")]["text_problems"] == [], result.id


def test_text_problems_finds_labels_outside_and_on_top_of_each_other():
    from matplotlib.figure import Figure

    fig = Figure(figsize=(4, 3))
    ax = fig.add_subplot()
    ax.text(0.1, 0.5, "first label", transform=ax.transAxes)
    ax.text(0.12, 0.5, "second label", transform=ax.transAxes)
    fig.text(0.95, 0.5, "far too long to fit in the figure")
    problems = charts.text_problems(fig)
    assert "overlap: 'first label' and 'second label'" in problems
    assert "outside the figure: 'far too long to fit in the figure'" in problems
    fig = Figure(figsize=(4, 3), layout="constrained")
    ax = fig.add_subplot()
    ax.set_xticks([0, 0.5, 1], ["rotated label one", "rotated label two", "three"], rotation=30)
    assert charts.text_problems(fig) == []  # parallel rotated labels: their own rectangles do not meet


def test_long_charts_are_condensed_to_the_a4_text_block():
    codes = [f"c{i}" for i in range(40)]
    table = pd.DataFrame({"code": codes, "count": range(40, 0, -1), "pct": [i / 40 for i in range(40, 0, -1)],
                          "ci_low": [max(0, i / 40 - 0.1) for i in range(40, 0, -1)],
                          "ci_high": [min(1, i / 40 + 0.1) for i in range(40, 0, -1)], "suppressed": False})
    result = Result(id="x", kind="multi", dataset="network", question="q", title={"fi": "Pitkä kysymys"},
                    table=table, n={"respondents": 40, "answering": 40, "selections": 820},
                    labels={"fi": {c: f"Vaihtoehto numero {i} jolla on pitkähkö nimi" for i, c in enumerate(codes)}})
    fig = charts.draw(result, "fi", size="report", wave_label="Demo", synthetic=True, source="Kysely")
    assert fig.get_figheight() * 2.54 <= 24.0
    assert charts.text_problems(fig) == []


def test_dense_breakdown_is_a_heatmap_in_the_report_only_when_too_tall_and_alt_text_says_which():
    groups = [f"g{j}" for j in range(7)]
    items = [f"i{k}" for k in range(8)]
    rows = [{"item": i, "group": g, "code": "agree", "count": 5, "n_group": 10, "pct": 0.5, "ci_low": 0.2,
             "ci_high": 0.8, "suppressed": False} for i in items for g in groups]
    result = Result(id="b", kind="breakdown", dataset="associations", question="views", title={"fi": "Näkemykset"},
                    table=pd.DataFrame(rows), n={"respondents": 70},
                    labels={"fi": {**{i: f"Väittämä {i}" for i in items}},
                            "groups": {"fi": {g: f"Ryhmä {g}" for g in groups}}})
    assert breakdown.breakdown_is_heatmap(result, "report") and breakdown.breakdown_is_heatmap(result, "slide")
    report = charts.draw(result, "fi", size="report")
    assert report.survey.get("layout") == "heatmap" and report.get_figheight() <= drawing.MAX_REPORT_HEIGHT
    assert report.survey["alt"].startswith("Lämpökartta ryhmittäin")
    small = Result(**{**result.__dict__, "table": pd.DataFrame([r for r in rows if r["group"] in ("g0", "g1")
                                                                and r["item"] in ("i0", "i1")])})
    assert not breakdown.breakdown_is_heatmap(small, "report")
    assert charts.alt_text(small, "fi", size="report").startswith("Pistekuvio ryhmittäin")


def test_an_ordered_question_keeps_its_option_order_in_chart_table_and_comparison():
    from survey.analysis.frequencies import analyse_single
    from survey.project.instruments import parse_instrument

    instrument = parse_instrument({"dataset": "associations", "questions": [
        {"id": "members", "type": "single", "ordered": True, "text": {"fi": "Jäsenmäärä"},
         "options": [{"code": "small", "fi": "Alle 50"}, {"code": "mid", "fi": "50–199"},
                     {"code": "big", "fi": "200 tai enemmän"}]}]})
    frame = pd.DataFrame({"respondent_id": [str(i) for i in range(20)],
                          "members": ["mid"] * 11 + ["small"] * 6 + ["big"] * 3})
    result = analyse_single(frame, instrument.question("members"), dataset="associations")
    assert result.ordered
    fig = charts.draw(result, "fi")
    assert fig.survey["codes"] == ["small", "mid", "big"]  # not by share (mid 55 % first)
    assert list(data_table(result, "fi").iloc[:, 0]) == ["Alle 50", "50–199", "200 tai enemmän"]
    unordered = Result(**{**result.__dict__, "ordered": False})
    assert charts.draw(unordered, "fi").survey["codes"][0] == "mid"
    assert Result.from_dict(result.to_dict()).ordered  # travels in results/<id>.json
