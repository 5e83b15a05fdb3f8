"""survey.artefacts.deck: the python-pptx deck (no Quarto): fitting text, alt text, notes, language, bytes."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from survey.kinds import charts
from survey.artefacts import deck
from survey.artefacts import figures as export
from survey import catalogue
from survey.kinds import style
from survey.model import Result


def make_multi(rid="network-partnership-forms", question="partnership_forms", dataset="network"):
    table = pd.DataFrame({"code": ["grants", "premises"], "count": [12, 4], "pct": [0.75, 0.25],
                          "ci_low": [0.5, 0.1], "ci_high": [0.9, 0.5], "pct_selections": [0.75, 0.25],
                          "suppressed": [False, False]})
    return Result(id=rid, kind="multi", dataset=dataset, question=question,
                  title={"fi": "Mitä kumppanuuden muotoja on käytössä?", "sv": "Vilka partnerskapsformer används?"},
                  table=table, n={"respondents": 16, "answering": 16, "selections": 16},
                  labels={"fi": {"grants": "Avustukset", "premises": "Tilat"},
                          "sv": {"grants": "Bidrag", "premises": "Lokaler"}}, synthetic=True)


def make_breakdown():
    table = pd.DataFrame({"item": ["q"] * 4, "group": ["a", "a", "b", "b"], "code": ["yes", "no", "yes", "no"],
                          "count": [6, 4, 5, 5], "n_group": [10, 10, 10, 10], "pct": [0.6, 0.4, 0.5, 0.5],
                          "suppressed": [False] * 4})
    return Result(id="staff-q-by-role", kind="breakdown", dataset="staff", question="frequency",
                  title={"fi": "Ryhmittäin"}, table=table, n={"respondents": 20}, labels={"fi": {"yes": "Kyllä"}})


def demo_instruments() -> dict:
    """The demo project's instruments: the deck takes the questions' short labels and order from them."""
    from pathlib import Path

    from survey.project.config import load_project

    return load_project(Path(__file__).resolve().parents[1]).instruments()


@pytest.fixture(scope="module")
def drawn(tmp_path_factory):
    """Slide charts of two results in fi (no suffix) and sv, as the pipeline writes them (drawn once per module)."""
    folder = tmp_path_factory.mktemp("deck") / "figures"
    for result in (make_multi(), make_multi("network-grants", "grants")):
        for lang, suffix in (("fi", ""), ("sv", ".sv")):
            fig = charts.draw(result, lang, size="slide", wave_label="Demo", synthetic=True)
            export.save_figure(fig, folder / f"{result.id}.slide{suffix}", formats=("png",))
            (folder / f"{result.id}.slide.alt.{lang}.txt").write_text(fig.survey["alt"] + "\n", encoding="utf-8")
    return folder


@pytest.fixture
def figures(drawn, tmp_path):
    """A fresh copy of the drawn slide charts for each test (a test may change or remove files)."""
    import shutil

    return shutil.copytree(drawn, tmp_path / "figures")


def build(figures, lang="fi", **kw):
    results = [make_multi(), make_multi("network-grants", "grants"), make_breakdown()]
    return deck.build_deck(results, figures, lang, first_lang="fi", wave_label="Demoaineisto 2026",
                           synthetic=True, organisation="Demokaupunki", datasets=["network", "staff"],
                           instruments=demo_instruments(), **kw)


def pictures(slide):
    return [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]


def test_deck_title_slide_chart_slides_alt_text_notes_and_marker(figures, tmp_path):
    prs = build(figures)
    slides = list(prs.slides)
    assert prs.slide_width == 12191695 and prs.slide_height == 6858000  # 13.333 x 7.5 in
    first = slides[0]
    assert first.shapes.title.text == "Kyselyjen tulokset"
    assert "Synteettinen demoaineisto" in first.placeholders[1].text_frame.text
    chart_slides = [s for s in slides if pictures(s)]
    assert len(chart_slides) == 2  # the breakdown stays in the report and the workbook
    titles = [s.shapes.title.text for s in chart_slides]
    assert titles == ["Kumppanuuden muodot", "Haettavissa olevat avustukset"]  # the instrument's short labels, not the question
    for slide in chart_slides:
        (picture,) = pictures(slide)
        descr = picture._element._nvXxPr.cNvPr.get("descr")
        assert descr == (figures / f"{picture.name}.slide.alt.fi.txt").read_text(encoding="utf-8").strip()
        notes = slide.notes_slide.notes_text_frame.text
        assert "Avustukset – Lukumäärä: 12; Osuus vastaajista: 75,0\u00a0%" in notes
        assert "Vastaajien määrä: 16" in notes and "Aineisto: Demoaineisto 2026" in notes
    for slide in slides:
        banners = [s for s in slide.shapes if s.name == "survey-banner"]
        assert [b.text_frame.text for b in banners] == ["Synteettinen demoaineisto"]
    assert deck.layout_problems(prs) == []


def test_chart_pictures_are_the_slide_pngs_without_their_own_title(figures):
    prs = build(figures)
    blobs = {p.image.blob for s in prs.slides for p in pictures(s)}
    assert (figures / "network-grants.slide.png").read_bytes() in blobs
    fig = charts.draw(make_multi(), "fi", size="slide")
    assert fig.get_suptitle() == ""


def test_swedish_deck_uses_swedish_charts_and_words_only(figures):
    prs = build(figures, lang="sv")
    blobs = {p.image.blob for s in prs.slides for p in pictures(s)}
    assert blobs == {(figures / f"{rid}.slide.sv.png").read_bytes() for rid in ("network-partnership-forms",
                                                                                "network-grants")}
    text = "\n".join(deck.slide_texts(prs))
    assert "Syntetiska demodata" in text and "Enkätresultat" in text
    for finnish in ("Synteettinen", "Vastaajien määrä", "Lukumäärä", "Osuus", "Kyselyjen"):
        assert finnish not in text
    runs = [r for s in prs.slides for sh in s.shapes if sh.has_text_frame for p in sh.text_frame.paragraphs
            for r in p.runs]
    assert runs and all(r.font._rPr.get("lang") == "sv-FI" for r in runs)


def test_missing_chart_of_the_language_is_an_error_not_a_finnish_picture(figures):
    (figures / "network-grants.slide.sv.png").unlink()
    with pytest.raises(Exception, match="network-grants"):
        build(figures, lang="sv")


def test_findings_are_split_so_each_slide_fits():
    text = ("Tämä on pitkä havainto, joka kertoo luottamusvälin kanssa, että selvä enemmistö vastaajista "
            "piti avustusten hakemista selkeänä ja tietoa helposti saatavana; ero edelliseen kertaan on selvä. ")
    findings = [text * 2] * 7
    pages = deck.paginate(findings, deck.SLIDE_WIDTH - 2 * deck.MARGIN, deck.BODY_HEIGHT)
    assert len(pages) > 1 and sum(len(p) for p in pages) == 7
    for page in pages:
        assert deck.text_height(page, deck.BODY_SIZE, deck.SLIDE_WIDTH - 2 * deck.MARGIN,
                                space_after=deck.PARAGRAPH_SPACE) <= deck.BODY_HEIGHT


def test_wrap_estimate_counts_lines_like_a_greedy_wrap():
    width = deck._width_pt("aaaa", 20) * 2 + deck._width_pt(" ", 20) + 0.5  # room for exactly "aaaa aaaa"
    assert deck.wrap_lines("aaaa aaaa aaaa", 20, width / 72) == 2
    assert deck.wrap_lines("aaaa\naaaa", 20, width / 72) == 2
    assert deck.wrap_lines("aaaa aaaa", 20, width / 72) == 1


def test_layout_problems_finds_shapes_outside_the_slide_and_overflowing_text(figures):
    prs = build(figures)
    slide = prs.slides[1]
    box = slide.shapes.add_textbox(deck._emu(12.0), deck._emu(1.0), deck._emu(2.0), deck._emu(0.3))
    box.name = "too-wide"
    deck._fill(box.text_frame, ["far too much text for this small box " * 3], 20, "fi")
    problems = deck.layout_problems(prs)
    assert any("too-wide: outside the slide" in p for p in problems)
    assert any(re.search(r"too-wide: text needs [\d.]+ in, the box is 0\.30 in", p) for p in problems)


def test_organisation_colour_is_used_for_titles(figures):
    theme = style.make_theme({"primary": "#5B2A86"})
    prs = build(figures, theme=theme)
    run = prs.slides[2].shapes.title.text_frame.paragraphs[0].runs[0]
    assert str(run.font.color.rgb) == "5B2A86"


def test_deck_bytes_are_identical_on_rerun(figures, tmp_path):
    a = deck.write_deck(build(figures), tmp_path / "a.pptx").read_bytes()
    b = deck.write_deck(build(figures), tmp_path / "b.pptx").read_bytes()
    assert a == b
    assert Presentation(str(tmp_path / "a.pptx")).core_properties.title == catalogue.text("deck_title", "fi")


def test_wave_comparison_title_names_both_waves():
    result = Result(id="network-grants-waves", kind="wave", dataset="network", question="grants",
                    title={"fi": "Avustukset"}, table=pd.DataFrame({"code": ["a"], "pct_before": [0.5],
                                                                    "pct_now": [0.6]}),
                    n={}, test={"previous_wave": "2024-demo", "wave": "2026-demo", "comparable": True})
    names = {"2024-demo": "Demo 2024", "2026-demo": "Demo 2026"}
    assert deck.short_title(result, "fi", demo_instruments(), names) == \
        "Haettavissa olevat avustukset: Demo 2024 ja Demo 2026"
    names = {"2024-demo": "Demoaineisto 2024", "2026-demo": "Demoaineisto 2026"}  # too long for a title
    assert deck.short_title(result, "fi", demo_instruments(), names) == "Haettavissa olevat avustukset: muutos"
    carried = Result(**{**result.__dict__, "labels": {"waves": {"sv": {"2024-demo": "Demodata 2024",
                                                                        "2026-demo": "Demodata 2026"}}}})
    assert deck.short_title(carried, "sv", demo_instruments()).endswith(": Demodata 2024 och Demodata 2026")
    assert deck.on_slides(result)
    not_comparable = Result(**{**result.__dict__, "test": {**result.test, "comparable": False}})
    assert not deck.on_slides(not_comparable)


@pytest.mark.slow
def test_survey_run_writes_one_deck_per_language_and_survey_slides_rewrites_it_identically(network_project):
    from survey.cli import main
    from survey.project.config import load_project

    assert main(["run", "--wave", "2024-demo", "--no-render"]) == 0
    project = load_project(network_project)
    out = project.paths.output("2024-demo")
    decks = {lang: out / name for lang, name in (("fi", "slides.pptx"), ("sv", "slides.sv.pptx"))}
    before = {lang: path.read_bytes() for lang, path in decks.items()}
    for lang, path in decks.items():
        prs = Presentation(str(path))
        assert deck.layout_problems(prs) == []
        charted = [p for s in prs.slides for p in pictures(s)]
        assert len(charted) == 3  # the network survey's three questions
        assert all(p._element._nvXxPr.cNvPr.get("descr") for p in charted)
        text = "\n".join(deck.slide_texts(prs))
        other = {"fi": "Syntetiska demodata", "sv": "Synteettinen demoaineisto"}[lang]
        assert catalogue.text("synthetic", lang) in text and other not in text
    assert main(["slides", "--wave", "2024-demo"]) == 0
    assert {lang: path.read_bytes() for lang, path in decks.items()} == before
    assert main(["slides", "--wave", "2024-demo", "--lang", "en"]) != 0  # no English charts were drawn


def make_likert(dataset="associations"):
    items = ["grants_clear", "grants_sufficient"]
    table = pd.DataFrame({"item": [i for i in items for _ in (1, 2)], "code": [1, 4] * 2, "count": [3, 9, 4, 8],
                          "pct": [0.2, 0.6, 0.25, 0.5], "pct_scale": [0.25, 0.75, 0.33, 0.67],
                          "ci_low": [None, 0.3, 0.1, 0.3], "ci_high": [None, 0.8, 0.5, 0.7],
                          "dont_know": [False] * 4, "agree": [False, True, False, True], "suppressed": [False] * 4})
    return Result(id=f"{dataset}-views", kind="likert", dataset=dataset, question=",".join(items),
                  title={"fi": "Kuinka samaa tai eri mieltä olette seuraavista väittämistä?"}, table=table,
                  n={"respondents": 16}, labels={"fi": {1: "Täysin eri mieltä", 4: "Jokseenkin samaa mieltä",
                                                        "grants_clear": "Hakeminen selkeää",
                                                        "grants_sufficient": "Avustukset riittävät"}})


def test_battery_slides_are_titled_by_the_battery_name_and_notes_hold_words_only():
    texts = {"battery_associations_views": {"fi": "Järjestöjen näkemykset yhteistyöstä"}}
    likert = make_likert()
    assert deck.short_title(likert, "fi", demo_instruments(), texts=texts) == "Järjestöjen näkemykset yhteistyöstä"
    summary = Result(**{**likert.__dict__, "kind": "likert_summary"})
    title = deck.short_title(summary, "fi", demo_instruments(), texts=texts)
    assert title == "Järjestöjen näkemykset yhteistyöstä: samaa mieltä"  # the long form has 63 characters
    shorter = {"battery_associations_views": {"fi": "Järjestöjen näkemykset"}}
    assert deck.short_title(summary, "fi", demo_instruments(), texts=shorter) == \
        "Järjestöjen näkemykset: samaa mieltä olevien osuus"
    other = Result(**{**summary.__dict__, "id": "associations-other-summary"})
    titles = deck.slide_titles([summary, other], "fi", instruments=demo_instruments(), texts=texts)
    assert set(titles.values()) == {"Järjestöjen näkemykset yhteistyöstä: samaa mieltä"}  # one form per deck
    assert deck.short_title(likert, "fi", demo_instruments()) == "Väittämät"  # no own name: never the instruction
    notes = deck.notes_text(likert, "fi", wave_label="Demoaineisto 2026", synthetic=True, source="Järjestökysely")
    assert "True" not in notes and "False" not in notes and "agree" not in notes
    assert "Lasketaan samaa mieltä oleviin: Kyllä" in notes
    assert not re.search(r":\s*–", notes)  # no placeholder cells


def test_numeric_wave_notes_name_the_question_and_the_waves():
    table = pd.DataFrame({"code": ["volunteers"], "mean_before": [18.0], "mean_now": [20.0], "diff": [2.0],
                          "n_before": [59], "n_now": [60], "comparable": [True]})
    result = Result(id="associations-volunteers-waves", kind="wave", dataset="associations", question="volunteers",
                    title={"fi": "Kuinka monta vapaaehtoista?"}, table=table,
                    n={"respondents_before": 63, "respondents_now": 71},
                    test={"previous_wave": "2024-demo", "wave": "2026-demo", "comparable": True},
                    labels={"waves": {"fi": {"2024-demo": "Demoaineisto 2024", "2026-demo": "Demoaineisto 2026"}}})
    notes = deck.notes_text(result, "fi", wave_label="Demoaineisto 2026", synthetic=False, source="Järjestökysely",
                            instruments=demo_instruments())
    assert "2024-demo" not in notes and "2026-demo" not in notes and "volunteers" not in notes
    assert "Demoaineisto 2024" in notes


def test_key_findings_are_led_by_the_short_label(monkeypatch):
    likert = make_likert()
    monkeypatch.setattr(deck, "choose", lambda results, lang, limit: [(likert, "ignored")])
    monkeypatch.setattr(deck, "interpret", lambda result, lang: "Eniten samaa mieltä oltiin väitteestä X: 75 %.")
    texts = {"battery_associations_views": {"fi": "Järjestöjen näkemykset yhteistyöstä"}}
    (finding,) = deck.key_findings([likert], "fi", instruments=demo_instruments(), texts=texts)
    assert finding == "Järjestöjen näkemykset yhteistyöstä – Eniten samaa mieltä oltiin väitteestä X: 75 %."


def make_cooccurrence(level: str, codes: int) -> Result:
    names = [f"c{k}" for k in range(codes)]
    table = pd.DataFrame([{"code_a": a, "code_b": b, "n_a": 5, "n_b": 5, "both": 3, "either": 7, "jaccard": 0.4}
                          for a in names for b in names])
    return Result(id=f"interviews-cooccurrence{'-themes' if level == 'theme' else ''}", kind="interview_cooccurrence",
                  dataset="interviews", question=level, title={"fi": "Koodien yhteisesiintyminen haastatteluissa"},
                  table=table, n={"codes": codes, "interviews": 12})


def test_a_large_heatmap_stays_off_the_slides_and_the_small_one_says_where_it_is():
    codes, themes = make_cooccurrence("code", 18), make_cooccurrence("theme", 6)
    assert not deck.on_slides(codes) and deck.on_slides(themes)
    assert deck.short_title(themes, "fi") == "Yhdessä mainitut teemat"  # not the codes' title twice
    assert deck.short_title(codes, "sv") == "Koder som nämndes tillsammans"


def test_a_battery_and_its_summary_keep_their_order_however_the_results_are_listed():
    likert = make_likert()
    summary = Result(**{**likert.__dict__, "id": "associations-views-summary", "kind": "likert_summary"})
    for listed in ([likert, summary], [summary, likert]):  # a run's order, results/*.json's (alphabetical) order
        assert [r.kind for r in deck.order_results(listed, ["associations"], demo_instruments())] == \
            ["likert", "likert_summary"]


def test_group_notes_leave_out_the_whole_sample_count():
    table = pd.DataFrame({"group": ["a", "b"], "code": ["t", "t"], "level": ["theme", "theme"], "parent": ["t", "t"],
                          "interviews": [5, float("nan")], "n_group": [8, float("nan")], "pct": [0.625, float("nan")],
                          "interviews_all": [13, 13], "suppressed": [False, True]})
    result = Result(id="interviews-codes-by-division", kind="interview_codes_by", dataset="interviews",
                    question="division", title={"fi": "Teemat toimialoittain"}, table=table, n={"interviews": 17},
                    labels={"fi": {"t": "Avustukset"}, "groups": {"fi": {"a": "Sivistys", "b": "Kaupunkiympäristö"}}},
                    suppression={"threshold": 5})
    notes = deck.notes_text(result, "fi", wave_label="Demo", synthetic=False, source="Haastattelut")
    numbers = notes.split("Luvut:", 1)[1].split("Haastattelujen määrä")[0]
    assert "Kaupunkiympäristö – " in numbers and "13" not in numbers and "kaikkiaan" not in numbers
