"""The report and slides as Quarto would get them, checked without Quarto.

For each (wave, comparison, language) the staging project that ``survey render`` builds
(:func:`survey.report.render.stage`) is executed cell by cell in a Jupyter kernel via nbclient,
as Quarto's Jupyter engine would, and the markdown the cells print is parsed by pandoc
3.6 (the one Quarto 1.7 uses) into its JSON AST. The tests assert on that structure:
one Figure per result shown and every table a real Table, no pipe-table text left in a
paragraph, every cross-reference resolves, no heading twice, no variable names or
placeholder dashes, no English in Finnish and Swedish (and no Finnish in English), the
synthetic marking, slides that fit, and a PDF body within the page budget (Typst).
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
from pathlib import Path

import pytest

from survey.report.markdown import SLIDE_TEXT  # characters of findings one pptx slide holds

from _report_outputs import (REPORT_CONFIGS, blocks_of, pandoc_ast, stage_and_execute, stringify, typst_pages,
                             walk, without_html_only)

REPO = Path(__file__).resolve().parents[1]
CONFIGS = REPORT_CONFIGS  # staged and executed once per session by the demo build (tests/_report_outputs.py)
BANNER = {"fi": "Synteettinen demoaineisto", "sv": "Syntetiska demodata", "en": "Synthetic demo data"}
# words that give away a sentence in another language (whole words, case-sensitive)
FOREIGN = {
    "fi": {"the", "and", "of", "with", "Warning", "Figure", "Table", "respondents", "Source", "None", "nan", "Typst",
           "och", "av", "svarande"},
    "sv": {"the", "and", "of", "with", "Warning", "Figure", "Table", "respondents", "Source", "None", "nan", "Typst",
           "vastaajaa", "vastanneista", "Kuva", "Taulukko", "valitsi", "eli", "ei", "tai"},
    "en": {"Warning", "None", "nan", "Typst", "vastaajaa", "vastanneista", "Kuva", "Taulukko", "valitsi", "eli",
           "och", "av", "svarande", "Figur", "Tabell"},
}
PAGE_BUDGET = 30  # A4 pages of the PDF body (title, contents and chapters; the appendix is extra)


@pytest.fixture(scope="module")
def project(demo_outputs) -> Path:
    return demo_outputs


@pytest.fixture(scope="module")
def executed_all(demo_reports):
    """Each config's executed report and slides, with their pandoc ASTs (parsed once per config)."""
    return {config: {**entry, "report_ast": pandoc_ast(entry["report"]), "slides_ast": pandoc_ast(entry["slides"])}
            for config, entry in demo_reports.items()}


@pytest.fixture(params=CONFIGS, ids=["-".join(c) for c in CONFIGS])
def executed(request, executed_all, project):
    from survey.report.markdown import load_wave_results

    wave, compare, lang = request.param
    entry = executed_all[request.param]
    loaded = load_wave_results(wave, compare=compare, lang=lang, root=project, figures=entry["staged"].figures)
    return {"wave": wave, "compare": compare, "lang": lang, "W": loaded, **entry}


def _ident(block) -> str:
    if block.get("t") == "Header":
        return block["c"][1][0]
    return block["c"][0][0] if block.get("t") in ("Figure", "Div") else ""


def _table_ids(ast) -> list[str]:
    """The ``{#tbl-…}`` ids at the end of the tables' captions (Quarto's cross-reference syntax)."""
    ids = []
    for table in blocks_of(ast, "Table"):
        match = re.search(r"\{#(tbl-[\w-]+)\}\s*$", stringify(table["c"][1]))
        ids.append(match.group(1) if match else "")
    return ids


def _targets(ast) -> set[str]:
    return {_ident(b) for b in walk(ast["blocks"]) if _ident(b)} | set(_table_ids(ast))


def _text(ast) -> str:
    """The document's text as a reader sees it (no attributes, image paths or raw blocks)."""
    return stringify([b for b in without_html_only(ast)["blocks"] if b.get("t") != "RawBlock"])


# ---------------------------------------------------------------- execution
def test_no_errors_or_stderr(executed):
    for name in ("report", "slides"):
        for cell in executed["cells"][name]:
            for output in cell.get("outputs", []):
                assert output.get("output_type") != "error", output
                if output.get("output_type") == "stream" and output.get("name") == "stderr":
                    pytest.fail(f"stderr in cell {cell.source[:60]!r}: {output.get('text')[:300]}")


# ---------------------------------------------------------------- structure (pandoc AST)
def test_one_figure_per_result_shown_and_real_tables(executed):
    W, ast = executed["W"], executed["report_ast"]
    shown = [r for r in W.body_results() if not r.kind.startswith("interview_quotes")]
    figures = [_ident(f) for f in blocks_of(ast, "Figure")]
    assert sorted(figures) == sorted(f"fig-{r.id}" for r in shown)
    assert len(figures) == len(set(figures)) >= 15
    tables = _table_ids(ast)
    assert all(tables) and len(tables) == len(set(tables)), tables  # every table captioned, with its own id
    quotes = [r for r in W.body_results() if r.kind.startswith("interview_quotes")]
    assert {f"tbl-{r.id}" for r in quotes} <= set(tables)
    assert "tbl-responses" in tables
    if executed["compare"] != "none":
        assert any(t.startswith("tbl-changes-") for t in tables)


def test_no_pipe_table_text_in_paragraphs(executed):
    for ast in (executed["report_ast"], executed["slides_ast"]):
        for para in blocks_of(ast, "Para") + blocks_of(ast, "Plain"):
            text = stringify(para)
            assert not re.search(r"(^|\s)\|\s*:?-{3,}|^\|.*\|$", text), text[:200]


def test_every_cross_reference_and_link_has_its_target(executed):
    ast = executed["report_ast"]
    targets = _targets(ast)
    cites = [c["citationId"] for e in walk(ast["blocks"]) if e.get("t") == "Cite" for c in e["c"][0]]
    assert cites, "the key findings point at their figures"
    assert all(c.startswith(("fig-", "tbl-", "sec-")) for c in cites)
    assert set(cites) <= targets, set(cites) - targets
    links = [e["c"][2][0] for e in walk(ast["blocks"]) if e.get("t") == "Link"]
    assert all(link[1:] in targets for link in links if link.startswith("#")), links


def test_key_findings_first_then_the_plan(executed):
    headers = [b for b in blocks_of(executed["report_ast"], "Header") if b["c"][0] == 1]
    ids = [_ident(h) for h in headers]
    assert ids[:2] == ["sec-summary", "sec-plan"]
    datasets = [f"sec-{d}" for d in executed["W"].datasets()]
    assert ids[2:2 + len(datasets)] == datasets
    assert ids[-2:] == ["sec-methods", "sec-appendix"]
    summary = executed["report"].split("{#sec-summary}")[1].split("{#sec-plan}")[0]
    items = re.findall(r"^\d+\. .+ \((@fig-[\w-]+)\)$", summary, flags=re.M)
    assert 5 <= len(items) <= 8, summary


def test_no_heading_twice(executed):
    for ast in (executed["report_ast"],):
        texts = [stringify(h["c"][2]) for h in blocks_of(ast, "Header")]
        assert len(texts) == len(set(texts)), [t for t in texts if texts.count(t) > 1]


def test_each_result_titled_once_with_its_short_label(executed):
    """The heading is the short label, the caption the question; the chart image has no title of its own."""
    W, ast = executed["W"], executed["report_ast"]
    headers = {_ident(h): stringify(h["c"][2]) for h in blocks_of(ast, "Header")}
    for result in W.body_results():
        short = W.short_label(result)
        if short and f"sec-{result.id}" in headers:
            assert headers[f"sec-{result.id}"].startswith(short)
    for figure in blocks_of(ast, "Figure"):
        caption = stringify(figure["c"][1])
        assert caption and "Valitse kaikki" not in caption and "Välj alla" not in caption


def test_no_variable_names_placeholders_or_foreign_words(executed):
    from survey.report.data import instrument_of

    W, lang = executed["W"], executed["lang"]
    for name in ("report", "slides"):
        text = _text(executed[f"{name}_ast"])
        words = set(re.findall(r"[\w’'-]+", text))
        names = {q.id for d in W.datasets() if instrument_of(W.project, d)
                 for q in instrument_of(W.project, d).questions if "_" in q.id}
        assert not words & names, words & names
        assert not re.search(r"(^|[\s(])–\s+(vastaaja|respondent|svarande|haastat|intervju)", text), name
        assert "n = –" not in text and "{" not in re.sub(r"\{#tbl-[\w-]+\}", "", text)
        assert not words & FOREIGN[lang], (name, words & FOREIGN[lang])
        if W.synthetic and name == "report":  # slides: the footer and the title slide (metadata)
            assert BANNER[lang] in text
    for table in blocks_of(executed["report_ast"], "Table"):
        cells = [stringify(c) for c in walk(table["c"][4]) if c.get("t") == "Cell"]
        assert "–" not in cells


def test_wave_names_not_ids_and_differences_from_shown_figures(executed):
    text = _text(executed["report_ast"]) + _text(executed["slides_ast"])
    for wave in executed["W"].project.waves:
        assert wave.id not in text
    for before, now, diff in re.findall(r"(\d+) % \([^)]*\) → (\d+) % \([^)]*\), (?:muutos|förändring|a change of) "
                                        r"([+−-]?\d+)", text):
        assert int(now) - int(before) == int(diff.replace("−", "-").replace("+", "")), (before, now, diff)


def test_pdf_body_within_the_page_budget(executed, tmp_path):
    if executed["lang"] == "en":
        pytest.skip("the page count of fi and sv is checked; en is the same document")
    body = executed["report"].split("{#sec-appendix}")[0].rsplit("\n", 1)[0]
    folder = executed["staged"].folder
    pages = typst_pages(body, folder)
    assert pages <= PAGE_BUDGET, pages
    assert pages >= 8  # a real report, not an empty one


def test_every_figure_has_alt_text_in_the_document_language(executed):
    from survey.report.render import read_alt_text

    staged, lang = executed["staged"], executed["lang"]
    for ast in (executed["report_ast"], executed["slides_ast"]):
        for image in (e for e in walk(ast["blocks"]) if e.get("t") == "Image"):
            attrs, target = dict(image["c"][0][2]), image["c"][2][0]
            assert (staged.folder / target).is_file(), target
            result_id = Path(target).name.split(".")[0]
            sidecar = read_alt_text(staged.figures, result_id, lang, fallback=False)
            assert sidecar and len(attrs["fig-alt"]) > 20
            assert executed["W"].name_waves(sidecar) == attrs["fig-alt"].replace("\u201d", '"') or \
                attrs["fig-alt"].startswith(executed["W"].name_waves(sidecar)[:20].replace('"', "\u201d"))


def test_english_report_has_english_charts(executed):
    if executed["lang"] != "en":
        pytest.skip("the English report's charts are drawn at render time")
    from survey.kinds import charts
    from survey.report.markdown import read_results

    staged = executed["staged"]
    results = read_results(executed["W"].paths, executed["wave"])
    drawn = sorted(staged.figures.glob("*.report.png"))
    assert drawn
    for png in drawn[:5]:
        result = results[png.name.split(".")[0]]
        alt = (staged.figures / f"{result.id}.alt.en.txt").read_text(encoding="utf-8").strip()
        assert alt == charts.alt_text(result, "en", synthetic=True)


def test_synthetic_marking_on_every_page(executed):
    report, staged = executed["report"], executed["staged"]
    banner = BANNER[executed["lang"]]
    header = report.index("#set page(header:")
    assert header < report.index("#outline(")  # the PDF's contents pages carry the header too
    assert banner in report[header:report.index("#outline(")]
    import yaml
    for document in ("report", "slides"):
        meta = yaml.safe_load(staged.metadata(document).read_text(encoding="utf-8"))
        assert banner in meta["subtitle"] and meta["lang"] == executed["lang"]  # the title page / slide
    assert banner in yaml.safe_load(staged.metadata("slides").read_text(encoding="utf-8"))["footer"]
    chapters = report.count("\n# ")
    assert report.count('when-format="html"') >= chapters - 1  # the web page: each chapter


# ---------------------------------------------------------------- slides
def test_slides_fit(executed):
    W, ast = executed["W"], executed["slides_ast"]
    slides, current = [], None
    for block in ast["blocks"]:
        if block.get("t") == "Header" and block["c"][0] == 2:
            current = {"title": stringify(block["c"][2]), "classes": block["c"][1][1], "blocks": []}
            slides.append(current)
        elif block.get("t") == "Header":
            current = None
        elif current is not None:
            current["blocks"].append(block)
    assert len(slides) >= 10
    for slide in slides:
        images = [e for e in walk(slide["blocks"]) if e.get("t") == "Image"]
        assert len(images) <= 1, slide["title"]
        assert len(slide["title"]) <= 70, slide["title"]
        items = [b for b in slide["blocks"] if b.get("t") == "BulletList"]
        if items:
            assert len(items[0]["c"]) <= 2 and "smaller" in slide["classes"], slide["title"]
            texts = [stringify(item) for item in items[0]["c"]]  # pptx has no autofit: split by length
            assert len(texts) == 1 or sum(len(t) for t in texts) <= SLIDE_TEXT, (slide["title"], texts)
        for image in images:
            assert ".slide.png" in image["c"][2][0]
    assert sum(1 for s in slides if s["title"].startswith(W.t("slide_key_findings"))) >= 2


# ---------------------------------------------------------------- the project decides the chapters
def test_dataset_order_follows_the_project():
    from types import SimpleNamespace

    from survey.report.data import dataset_order

    wave = SimpleNamespace(datasets={"staff": 1, "network": 2, "extra": 3})
    assert dataset_order(SimpleNamespace(), wave) == ["staff", "network", "extra"]
    declared = SimpleNamespace(datasets={"network": 1, "associations": 2, "staff": 3})
    assert dataset_order(declared, wave) == ["network", "staff", "extra"]


def test_chapter_title_and_intro_come_from_the_project():
    from types import SimpleNamespace

    from survey.report.data import chapter_texts

    from survey.project.instruments import Chapter, Instrument

    def project_with(instrument, root):  # what chapter_texts reads of a Project
        return SimpleNamespace(instrument=lambda dataset: instrument, paths=SimpleNamespace(root=root), digest=root)

    instrument = Instrument(title={"fi": "Kysely", "sv": "Enkät"}, chapter=Chapter(
        title={"fi": "Yhdistykset", "sv": "Föreningarna"}, intro={"fi": "Johdanto."}))
    project = project_with(instrument, "chapter")
    assert chapter_texts(project, "clubs", "sv", {}) == ("Föreningarna", "Johdanto.")
    bare = project_with(Instrument(title={"fi": "Kysely"}), "bare")
    assert chapter_texts(bare, "clubs", "fi", {"intro_clubs": "Oma johdanto."}) == ("Kysely", "Oma johdanto.")
    assert chapter_texts(bare, "clubs", "fi", {"ch_clubs": "Seurat"})[0] == "Seurat"


@pytest.mark.slow
def test_a_one_dataset_project_gets_a_fitting_report(network_project, tmp_path):
    from survey.project.config import load_project
    from survey.pipeline import run_wave

    run_wave(load_project(network_project), "2024-demo", render=False)
    out = stage_and_execute(network_project, [("2024-demo", "none", "fi")], tmp_path / "staged")
    markdown = out[("2024-demo", "none", "fi")]["report"]
    ast = pandoc_ast(markdown)
    chapters = [_ident(h) for h in blocks_of(ast, "Header") if h["c"][0] == 1]
    assert chapters[0] == "sec-summary" and "sec-network" in chapters and "sec-associations" not in chapters
    assert len(blocks_of(ast, "Figure")) == 3


def test_absent_dataset_is_said_plainly(project):
    from survey.report.markdown import load_wave_results

    loaded = load_wave_results("2024-demo", compare="none", lang="fi", root=project)
    loaded.results = {k: v for k, v in loaded.results.items() if v.dataset != "staff"}
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        loaded.show_dataset("staff")
    assert "Tätä aineistoa ei kerätty kierroksella Demoaineisto 2024" in buffer.getvalue()
    assert "staff" not in loaded.datasets()


def test_uncleared_quotes_never_reach_documents(executed, project):
    import json

    from survey.project.paths import Paths

    file = Paths(project).results(executed["wave"]) / "interviews-quotes.json"
    rows = json.loads(file.read_text(encoding="utf-8"))["table"] if file.is_file() else []
    text = executed["report"] + executed["slides"]
    leaked = [row["quote_id"] for row in rows if not row.get("cleared") and row.get("text") and row["text"] in text]
    assert not leaked


# ---------------------------------------------------------------- the analyst's own chapter (docs/REPORT.md)
def _docs_example() -> str:
    text = (REPO / "docs" / "REPORT.md").read_text(encoding="utf-8")
    return re.search(r"<!-- example chapter -->\n````markdown\n(.*?)\n````", text, flags=re.S).group(1)


def test_the_documented_own_chapter_executes(project, tmp_path):
    """The example chapter of docs/REPORT.md, put in a project's reports/, is included after the
    dataset chapters and its inline numbers come from the results."""
    own = tmp_path / "own"
    (own / "reports").mkdir(parents=True)
    shutil.copy2(project / "survey.yml", own / "survey.yml")
    if (project / "instruments").is_dir():  # the project's own questionnaires
        shutil.copytree(project / "instruments", own / "instruments")
    from survey.project.paths import Paths
    # the built project's wave tree, hard-linked (survey refuses symlinks that lead outside a project)
    shutil.copytree(Paths(project).output("2024-demo"), Paths(own).output("2024-demo"), copy_function=os.link)
    (own / "reports" / "50-grants.qmd").write_text(_docs_example(), encoding="utf-8")
    out = stage_and_execute(own, [("2024-demo", "none", "fi")], tmp_path / "staged")
    markdown = out[("2024-demo", "none", "fi")]["report"]
    from survey.report.markdown import load_wave_results
    W = load_wave_results("2024-demo", compare="none", lang="fi", root=project)
    assert W.pct("network-grants", "operating") in markdown
    assert W.n("network-grants", "respondents") in markdown
    ast = pandoc_ast(markdown)
    chapters = [_ident(h) for h in blocks_of(ast, "Header") if h["c"][0] == 1]
    assert chapters.index("sec-own-grants") == chapters.index("sec-network") + 1
    assert set(c["citationId"] for e in walk(ast["blocks"]) if e.get("t") == "Cite" for c in e["c"][0]) <= \
        _targets(ast)


# ---------------------------------------------------------------- words of the methods chapter and the slides
def _plain_wave_data(tmp_path, lang, **fields):
    from types import SimpleNamespace

    from survey.errors import ConfigError

    from survey.project.paths import Paths
    from survey.report.data import WaveData

    project = SimpleNamespace(paths=Paths(tmp_path), language="fi", waves=[], datasets=None, digest="plain",
                              min_group_size=5, merge_small_groups=False, small_counts=False,
                              instrument=lambda dataset: (_ for _ in ()).throw(ConfigError("no instrument")))
    wave = SimpleNamespace(id="w", label_in=lambda lang: "Demo", datasets={"clubs": 1, "talks": 2}, synthetic=False)
    return WaveData(project=project, wave=wave, lang=lang, results={}, **fields)


def _problem(rule, severity="handled"):
    return {"rule": rule, "severity": severity, "row": 2, "file": "f.xlsx", "column": "c", "message": "m"}


@pytest.mark.parametrize("lang, expected", [
    ("fi", "Tarkistuksessa ei löytynyt virheitä eikä varoituksia. Neljä kohtaa käsiteltiin selvitykselle sovittujen "
           "sääntöjen mukaan: kaksi kahteen kertaan tallentunutta vastausta poistettiin ja kaksi "
           "vastausvaihtoehtoihin kuulumatonta arvoa jätettiin tyhjiksi."),
    ("sv", "Granskningen hittade inga fel eller varningar. Fyra avvikelser hanterades enligt de regler som gäller för "
           "utredningen: två svar som registrerats två gånger togs bort och två värden som inte hör till "
           "svarsalternativen lämnades tomma."),
    ("en", "Validation found no errors or warnings. Four issues were handled by the rules agreed for the study: two "
           "responses recorded twice were removed and two values that are not among the options were left blank."),
])
def test_validation_is_told_in_words_a_council_member_reads(tmp_path, lang, expected):
    problems = [_problem("field_uniqueness"), _problem("known code"), _problem("known code"),
                _problem("field_uniqueness")]
    summary = {"errors": 0, "warnings": 0, "handled": 4, "by_rule": {"field_uniqueness": 2, "known code": 2}}
    W = _plain_wave_data(tmp_path, lang, validation={"problems": problems, "summary": summary})
    assert W.validation_text() == expected


def test_validation_of_one_and_of_many(tmp_path):
    problems = [_problem("field_uniqueness"), _problem("known code", "warning")]
    summary = {"errors": 0, "warnings": 1, "handled": 1}
    W = _plain_wave_data(tmp_path, "fi", validation={"problems": problems, "summary": summary})
    assert W.validation_text() == ("Tarkistuksessa löytyi yksi varoitus. Yksi kohta käsiteltiin selvitykselle "
                                   "sovittujen sääntöjen mukaan: kahteen kertaan tallentunut vastaus poistettiin.")
    many = [_problem("within range")] * 12
    W = _plain_wave_data(tmp_path, "sv", validation={"problems": many, "summary": {"errors": 0, "warnings": 3,
                                                                                   "handled": 12}})
    assert W.validation_text() == ("Granskningen hittade tre varningar. 12 avvikelser hanterades enligt de regler som "
                                   "gäller för utredningen: 12 värden som inte hör till svarsalternativen lämnades "
                                   "tomma.")
    for lang in ("fi", "sv", "en"):
        assert "survey.yml" not in _plain_wave_data(tmp_path, lang).t("rate_note")


def test_key_findings_slides_are_split_by_length():
    from survey.report.markdown import SLIDE_TEXT, pack_findings

    def items(*sizes):
        return [(i, "x" * size) for i, size in enumerate(sizes)]

    pages = pack_findings(items(350, 340, 120, 100, 90, 500))
    assert [[i for i, _ in page] for page in pages] == [[0], [1], [2, 3], [4], [5]]  # at most two, ≤ budget
    assert all(len(page) == 1 or sum(len(t) for _, t in page) <= SLIDE_TEXT for page in pages)
    assert pack_findings([]) == []


def test_cleared_quotes_are_published_as_quotes_without_a_candidate_count():
    import pandas as pd

    from survey.analysis import interviews as iv
    from survey.model import Result

    candidates = Result(id="interviews-quotes", kind="interview_quotes", dataset="interviews", question="quotes",
                        title={"fi": "Sitaattiehdokkaat"}, n={"interviews": 12, "candidates": 2},
                        table=pd.DataFrame({"quote_id": ["a", "b"], "text": ["x", "y"], "cleared": [True, False]}))
    cleared = iv.select_cleared(candidates)
    assert cleared.title == {"fi": "Haastattelusitaatit", "sv": "Intervjucitat", "en": "Interview quotes"}
    assert cleared.n == {"interviews": 12, "cleared": 1}


def _result(rid, kind, dataset, title, table=None, **fields):
    import pandas as pd

    from survey.model import Result

    table = pd.DataFrame({"code": ["a"], "suppressed": [False]}) if table is None else table
    return Result(id=rid, kind=kind, dataset=dataset, question=rid, title={"fi": title}, table=table,
                  n={"respondents": 40}, **fields)


def test_the_methods_chapter_lists_every_result_with_hidden_values(tmp_path):
    import pandas as pd

    hidden = pd.DataFrame({"code": ["a", "b"], "suppressed": [False, True]})
    results = {r.id: r for r in [
        _result("clubs-type", "single", "clubs", "Seuran tyyppi", hidden),
        _result("clubs-size", "single", "clubs", "Koko"),
        _result("clubs-a-by-type", "breakdown", "clubs", "Kysymys A", labels={"by": {"fi": "Seuran tyyppi"}},
                suppression={"suppressed_groups": ["pieni"]}),
        _result("clubs-b-by-type", "breakdown", "clubs", "Kysymys B", labels={"by": {"fi": "Seuran tyyppi"}},
                suppression={"suppressed_cells": 2}),
        _result("clubs-c-by-size", "breakdown", "clubs", "Kysymys C", labels={"by": {"fi": "Koko"}},
                suppression={"suppressed": ["x"]}),
        _result("clubs-d-by-size", "breakdown", "clubs", "Kysymys D", labels={"by": {"fi": "Koko"}}),
        _result("talks-by-role", "interview_codes_by", "talks", "Teemat rooleittain", hidden),
    ]}
    W = _plain_wave_data(tmp_path, "fi")
    W.results = results
    assert [r.id for r in W.suppressed_results()] == ["clubs-a-by-type", "clubs-b-by-type", "clubs-c-by-size",
                                                      "clubs-type", "talks-by-role"]
    assert W.disclosure_text().endswith(
        "Sääntö piilotti arvoja seuraavista tuloksista: Seuran tyyppi; Teemat rooleittain; kaksi ryhmittäistä "
        "tulosta (ryhmittely: Seuran tyyppi); yksi ryhmittäinen tulos (ryhmittely: Koko).")


@pytest.mark.parametrize("lang, caption", [("fi", "Hyväksytyt haastattelusitaatit"),
                                           ("sv", "Godkända intervjucitat (citat på finska)"),
                                           ("en", "Cleared interview quotes (quotes in Finnish)")])
def test_cleared_quotes_table_is_titled_as_quotes_in_their_language(tmp_path, lang, caption):
    W = _plain_wave_data(tmp_path, lang)
    quotes = _result("talks-quotes-cleared", "interview_quotes", "talks", "Sitaattiehdokkaat")
    assert W.caption(quotes) == caption
    assert W.name(quotes) == {"fi": "Haastattelusitaatit", "sv": "Intervjucitat", "en": "Interview quotes"}[lang]


def test_breakdown_alt_text_names_the_grouping(project):
    from survey.kinds import charts
    from survey.report.data import read_results
    from survey.project.paths import Paths

    result = read_results(Paths(project), "2024-demo")["associations-contact-known-by-paid-staff"]
    alt = charts.alt_text(result, "fi")
    assert "Ryhmät (Palkattu henkilöstö): Kyllä / Ei. ”Kyllä”: Kyllä " in alt
    assert "Grupper (Avlönad personal): Ja / Nej. ”Ja”: Ja " in charts.alt_text(result, "sv")
