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


@pytest.fixture
def figures(tmp_path):
    """Slide charts of two results in fi (no suffix) and sv, as the pipeline writes them."""
    folder = tmp_path / "figures"
    for result in (make_multi(), make_multi("network-grants", "grants")):
        for lang, suffix in (("fi", ""), ("sv", ".sv")):
            fig = charts.draw(result, lang, size="slide", wave_label="Demo", synthetic=True)
            export.save_figure(fig, folder / f"{result.id}.slide{suffix}", formats=("png",))
            (folder / f"{result.id}.slide.alt.{lang}.txt").write_text(fig.survey["alt"] + "\n", encoding="utf-8")
    return folder


def build(figures, lang="fi", **kw):
    results = [make_multi(), make_multi("network-grants", "grants"), make_breakdown()]
    return deck.build_deck(results, figures, lang, first_lang="fi", wave_label="Demoaineisto 2026",
                           synthetic=True, organisation="Demokaupunki", datasets=["network", "staff"], **kw)


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
    assert deck.short_title(result, "fi") == "Haettavissa olevat avustukset: 2024-demo ja 2026-demo"
    assert deck.on_slides(result)
    not_comparable = Result(**{**result.__dict__, "test": {**result.test, "comparable": False}})
    assert not deck.on_slides(not_comparable)


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
