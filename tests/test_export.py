"""survey.artefacts.tables: deterministic PNG/SVG files, sidecars and workbooks."""

import pandas as pd
from PIL import Image

from survey.artefacts import figures as export
from survey.kinds import charts
from survey.model import Result


def make_multi():
    table = pd.DataFrame({"code": ["a", "b"], "count": [12, 4], "pct": [0.75, 0.25], "ci_low": [0.5, 0.1],
                          "ci_high": [0.9, 0.5], "pct_selections": [0.75, 0.25], "suppressed": [False, False]})
    return Result(id="network-partnership-forms", kind="multi", dataset="network", question="q",
                  title={"fi": "Kysymys"}, table=table,
                  n={"respondents": 16, "answering": 16, "selections": 16, "per_respondent": 1.0},
                  labels={"fi": {"a": "Ensimmäinen", "b": "Toinen"}}, synthetic=True)


def test_save_figure_writes_png_and_svg_with_stable_names(tmp_path):
    fig = charts.draw(make_multi(), "fi", size="slide")
    paths = export.save_figure(fig, tmp_path / "network-partnership-forms.slide")
    assert [p.name for p in paths] == ["network-partnership-forms.slide.png", "network-partnership-forms.slide.svg"]
    with Image.open(paths[0]) as image:
        assert round(image.info["dpi"][0]) == 150  # 2000 x 1125: more than a Full HD projector shows
        assert image.size == (2000, 1125)
        assert image.mode == "RGB"  # the background is opaque: no alpha channel to carry
        assert "Software" not in image.info
        assert image.info["Title"] == "Kysymys" and image.info["Description"]
    report = export.save_figure(charts.draw(make_multi(), "fi", size="report"), tmp_path / "x.report")
    assert [p.name for p in report] == ["x.report.png"]  # SVG is the presenter's: slide size only
    with Image.open(report[0]) as image:
        assert round(image.info["dpi"][0]) == 200 and image.size[0] == 1260  # 6.3 in, the A4 text width
    svg = paths[1].read_text(encoding="utf-8")
    assert "<dc:date>" not in svg and "Matplotlib v" not in svg


def test_png_holds_the_raster_exactly_with_its_text_and_resolution():
    """encode_png against an independent decoder (Pillow): every pixel, Latin-1 and other text, the dpi."""
    import io

    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = charts.draw(make_multi(), "sv", size="slide")
    data = export.png_bytes(fig, 150, "Fråga", "Kuvaus – ”lainaus” ½")
    canvas = FigureCanvasAgg(fig)
    fig.dpi = 150
    canvas.draw()
    with Image.open(io.BytesIO(data)) as image:
        assert image.mode == "RGB" and image.size == (2000, 1125)
        assert np.array_equal(np.asarray(image), np.asarray(canvas.buffer_rgba())[:, :, :3])
        assert image.text == {"Title": "Fråga", "Description": "Kuvaus – ”lainaus” ½"}  # iTXt beyond Latin-1
        assert round(image.info["dpi"][0]) == 150
    noise = np.random.default_rng(1).integers(0, 256, size=(7, 5, 4), dtype=np.uint8)
    for pixels in (noise[:, :, :3], noise):  # RGB, and RGBA whose alpha is left out
        with Image.open(io.BytesIO(export.encode_png(pixels, 96, {}))) as image:
            assert image.mode == "RGB" and np.array_equal(np.asarray(image), noise[:, :, :3]) and not image.text


def test_two_runs_give_identical_bytes(tmp_path):
    outputs = []
    for run in ("a", "b"):
        paths = []
        for size in ("report", "slide"):
            fig = charts.draw(make_multi(), "fi", size=size, wave_label="Demo", synthetic=True)
            paths += export.save_figure(fig, tmp_path / run / f"x.{size}")
        outputs.append([p.read_bytes() for p in paths])
    assert outputs[0] == outputs[1]


# -- xlsx ---------------------------------------------------------------------------

import math  # noqa: E402

import openpyxl  # noqa: E402
import pytest  # noqa: E402

from survey.artefacts import codebook as codebook_xlsx  # noqa: E402
from survey.artefacts import quotes as quotes_xlsx  # noqa: E402
from survey.artefacts import tables as ex  # noqa: E402


def demo_instruments() -> dict:
    """The demo project's instruments (dataset -> instrument): the workbooks take names and texts from them."""
    from pathlib import Path

    from survey.project.config import load_project

    return load_project(Path(__file__).resolve().parents[1]).instruments()


def make_breakdown():
    """Two groups; group 'b' is below the threshold and suppressed (numbers NaN)."""
    table = pd.DataFrame({
        "item": ["q", "q", "q", "q"], "group": ["a", "a", "b", "b"], "code": ["yes", "no", "yes", "no"],
        "count": [6, 4, math.nan, math.nan], "n_group": [10, 10, math.nan, math.nan],
        "pct": [0.6, 0.4, math.nan, math.nan], "ci_low": [0.31, 0.17, math.nan, math.nan],
        "ci_high": [0.83, 0.69, math.nan, math.nan], "suppressed": [False, False, True, True]})
    return Result(id="staff-q-by-division", kind="breakdown", dataset="staff", question="q",
                  title={"fi": "Kysymys ryhmittäin", "sv": "Fråga per grupp", "en": "Question by group"},
                  table=table, n={"respondents": 13, "grouped": 13},
                  labels={"fi": {"yes": "Kyllä", "no": "Ei", "q": "Kysymys"},
                          "en": {"yes": "Yes", "no": "No", "q": "Question"},
                          "groups": {"fi": {"a": "Ryhmä A", "b": "Ryhmä B"}, "en": {"a": "Group A", "b": "Group B"}}},
                  suppression={"threshold": 5, "method": "suppress"}, synthetic=True)


def header_row(ws):
    """The header row of the sheet's one Excel table."""
    (table,) = ws.tables.values()
    return int("".join(ch for ch in table.ref.split(":")[0] if ch.isdigit()))


def table_sheet(wb, title):
    return next(ws for ws in wb.worksheets if ws["A1"].value == title)


@pytest.mark.parametrize("lang, marker, pct_head", [("fi", "Synteettinen demoaineisto", "Osuus vastaajista"),
                                                    ("sv", "Syntetiska demodata", "Andel av de svarande"),
                                                    ("en", "Synthetic demo data", "Share of respondents")])
def test_tables_xlsx_numbers_formats_and_layout(tmp_path, lang, marker, pct_head):
    from _guidance import guidance_problems

    path = ex.write_tables_xlsx([make_multi(), make_breakdown()], tmp_path / "tables.xlsx", lang=lang,
                                synthetic=True, wave_label="Demo 2024", organisation="Demokaupunki",
                                contact="tilastot@example.invalid", population={"network": 20, "staff": 26},
                                instruments=demo_instruments())
    wb = openpyxl.load_workbook(path)
    assert guidance_problems(wb, marker=marker, ids={"network-partnership-forms", "staff-q-by-division", "network",
                                                     "staff", "a", "b", "yes", "no", "q"}) == []
    prefix = {"fi": "Taulukko", "sv": "Tabell", "en": "Table"}[lang]
    assert wb.sheetnames[4:] == [f"{prefix}_1", f"{prefix}_2"]
    cover = wb.worksheets[0]
    cover_text = [c.value for c in cover["A"] if c.value]
    assert cover_text[1] == marker
    assert any("tilastot@example.invalid" in t for t in cover_text) and "Demokaupunki" in cover_text
    assert any(t.startswith("[c] = ") for t in cover_text) and any(t.startswith("[x] = ") for t in cover_text)
    contents = wb.worksheets[1]
    links = [c for c in contents["A"] if c.hyperlink is not None]
    assert [c.hyperlink.location for c in links] == [f"'{n}'!A1" for n in wb.sheetnames[2:]]
    rates = wb.worksheets[3]
    head = header_row(rates)
    assert [rates.cell(head + 1, j).value for j in range(2, 5)] == [20, 16, 0.8]
    assert rates.cell(head + 1, 4).number_format == "0.0%"
    ws = wb[f"{prefix}_1"]
    assert ws["A1"].value == "Kysymys" and ws["A2"].value == marker
    head = header_row(ws)
    assert ws.cell(head, 1).value == {"fi": "Vaihtoehto", "sv": "Alternativ", "en": "Option"}[lang]
    assert ws.cell(head, 3).value == pct_head
    first = [ws.cell(head + 1, j) for j in range(1, 7)]
    assert first[1].value == 12 and first[1].number_format == "0"
    assert first[2].value == 0.75 and first[2].number_format == "0.0%"
    assert first[3].value == 0.5 and first[3].number_format == "0.0%"
    lines = [ws.cell(r, 1).value for r in range(2, head)]
    assert {"fi": "Vastaajien määrä: 16, valittujen vastausten lukumäärä: 16",
            "sv": "Antal svarande: 16, antal valda svar: 16",
            "en": "Respondents: 16, selected answers: 16"}[lang] in lines
    assert ws.column_dimensions["A"].width >= len("Ensimmäinen")


def test_breakdowns_are_crosstabs_with_groups_as_columns_and_suppressed_cells_marked(tmp_path):
    wb = openpyxl.load_workbook(ex.write_tables_xlsx([make_breakdown()], tmp_path / "t.xlsx", lang="en"))
    ws = table_sheet(wb, "Question by group")
    head = header_row(ws)
    headers = [ws.cell(head, j).value for j in range(1, ws.max_column + 1)]
    assert headers == ["Option", "Group A: Count", "Group B: Count", "Group A: n (group)", "Group B: n (group)",
                       "Group A: Share of respondents", "Group B: Share of respondents",
                       "Group A: 95% CI, lower", "Group B: 95% CI, lower", "Group A: 95% CI, upper",
                       "Group B: 95% CI, upper"]
    rows = [[ws.cell(r, j).value for j in range(1, len(headers) + 1)] for r in (head + 1, head + 2)]
    assert rows[0] == ["Yes", 6, "[c]", 10, "[c]", 0.6, "[c]", 0.31, "[c]", 0.83, "[c]"]
    assert rows[1][0] == "No" and 0 not in rows[1][1:]
    notes = wb["Notes"]
    texts = [notes.cell(r, 2).value for r in range(header_row(notes) + 1, notes.max_row + 1)]
    assert "Groups of fewer than 5 respondents, and groups they could be worked out from, are not shown, for privacy." in texts
    assert "Notes: [note 1], [note 2]" in [ws.cell(r, 1).value for r in range(1, head)]


def test_formula_like_text_stays_text(tmp_path):
    result = make_multi()
    result.labels["fi"]["a"] = "=HYPERLINK(\"http://x\")"
    wb = openpyxl.load_workbook(ex.write_tables_xlsx([result], tmp_path / "t.xlsx", lang="fi"))
    ws = table_sheet(wb, "Kysymys")
    cell = ws.cell(header_row(ws) + 1, 1)
    assert cell.data_type == "s"
    assert str(cell.value).startswith("=HYPERLINK")


def test_workbooks_are_byte_identical_on_rerun(tmp_path):
    frames = {"network": pd.DataFrame({"partnership_forms__answered": [True, False]})}
    a = ex.write_tables_xlsx([make_multi(), make_breakdown()], tmp_path / "a.xlsx", synthetic=True)
    b = ex.write_tables_xlsx([make_multi(), make_breakdown()], tmp_path / "b.xlsx", synthetic=True)
    assert a.read_bytes() == b.read_bytes()
    c = codebook_xlsx.write_codebook(frames, tmp_path / "c.xlsx", synthetic=True)
    d = codebook_xlsx.write_codebook(frames, tmp_path / "d.xlsx", synthetic=True)
    assert c.read_bytes() == d.read_bytes()


def test_codebook_lists_variables_texts_options_and_counts(tmp_path):
    from _guidance import guidance_problems

    frame = pd.DataFrame({"partnership_forms__answered": [True, True, False],
                          "partnership_forms__grants": pd.array([True, False, pd.NA], dtype="boolean")})
    wb = openpyxl.load_workbook(codebook_xlsx.write_codebook({"network": frame}, tmp_path / "cb.xlsx", lang="en",
                                                  synthetic=True, contact="x@example.invalid",
                                                  instruments=demo_instruments()))
    assert guidance_problems(wb, marker="Synthetic demo data") == []
    ws = wb["Codebook"]
    head = header_row(ws)
    assert [ws.cell(head, j).value for j in range(1, 8)] == ["Dataset", "Variable", "Question text", "Type",
                                                             "Options and labels", "Valid", "Missing"]
    row = [ws.cell(head + 1, j).value for j in range(1, 8)]
    assert row[0] == "Survey of the municipal NGO contact-person network" or row[0] != "network"
    assert row[3] == "Multiple choice"
    assert row[1].startswith("partnership_forms__grants")
    assert row[2] == "Which forms of partnership with associations has your municipality used?"
    assert "grants = Grants to associations" in row[4]
    assert row[5:] == [2, 1]


def test_quotes_workbook_lists_every_candidate_with_its_clearance(tmp_path):
    from _guidance import guidance_problems

    table = pd.DataFrame({"quote_id": ["H01-a-1", "H02-a-1"], "code": ["a", "a"], "parent": ["t", "t"],
                          "interview": ["H01", "H02"], "number": ["1", "2"], "division": [None, "x"],
                          "attribution_fi": ["Haastateltava 1", "Haastateltava 2, X"],
                          "attribution_sv": ["Intervjuperson 1", "Intervjuperson 2, X"],
                          "attribution_en": ["Interviewee 1", "Interviewee 2, X"],
                          "text": ["=cmd| sitaatti yksi", "Sitaatti kaksi"], "chars": [18, 14],
                          "cleared": [False, True]})
    quotes = Result(id="interviews-quotes", kind="interview_quotes", dataset="interviews", question="quotes",
                    title={"fi": "Sitaatit"}, table=table, n={"interviews": 2},
                    labels={"fi": {"a": "Avustukset", "t": "Teema"}, "sv": {"a": "Bidrag", "t": "Tema"}})
    path = quotes_xlsx.write_quotes_xlsx([quotes], tmp_path / "quotes.xlsx", lang="sv", synthetic=True)
    wb = openpyxl.load_workbook(path)
    assert guidance_problems(wb, marker="Syntetiska demodata") == []
    ws = wb["Citat"]
    head = header_row(ws)
    rows = [[ws.cell(r, j).value for j in range(1, 9)] for r in (head + 1, head + 2)]
    assert rows[0] == ["H01-a-1", "Bidrag", "Tema", "H01", "Intervjuperson 1", "=cmd| sitaatti yksi", 18, "Nej"]
    assert rows[1][-1] == "Ja"
    assert ws.cell(head + 1, 6).data_type == "s"
    assert quotes_xlsx.write_quotes_xlsx([make_multi()], tmp_path / "none.xlsx") is None


def test_alt_sidecar_files(tmp_path):
    paths = export.write_alt_sidecar(tmp_path / "x.slide", {"fi": "Kuvaus", "en": "Description"},
                                 title={"fi": "Otsikko", "en": "Title"})
    assert [p.name for p in paths] == ["x.slide.alt.en.txt", "x.slide.alt.fi.txt"]
    assert paths[1].read_text(encoding="utf-8") == "Otsikko\nKuvaus\n"


# -- the demo waves end to end: every chart to PNG and SVG, workbooks in three languages ---------

import pytest as _pytest  # noqa: E402


@_pytest.fixture(scope="module")
def demo_2024(demo_2024_analysed):
    project, wave, ingested, results = demo_2024_analysed
    return wave, ingested, results, project.instruments()


@_pytest.mark.slow
def test_all_2024_demo_charts_render_to_png(demo_outputs, tmp_path):
    """Every 2024 demo chart the session's demo build drew, every language: the run's slide PNGs (150 dpi, 2000 x
    1125) and the report PNGs its staging drew (200 dpi, 1260 wide), RGB (which charts are drawn: test_pipeline;
    SVG files: test_save_figure_writes_png_and_svg_*)."""
    from survey.project.config import load_project
    from survey.report import render

    project = load_project(demo_outputs)
    folder = project.paths.figures("2024-demo")
    written = sorted(folder.glob("*.png"))
    assert "network-partnership-forms.slide.png" in {p.name for p in written}
    for path in written:
        assert path.stat().st_size > 1000, path
        with Image.open(path) as image:
            assert round(image.info["dpi"][0]) == 150 and image.size == (2000, 1125) and image.mode == "RGB", path
    staged = tmp_path / "staged"
    render.stage_figures(project, project.wave("2024-demo"), "fi", staged)
    report = sorted(staged.glob("*.report.png"))
    assert "network-partnership-forms.report.png" in {p.name for p in report}
    for path in report:
        with Image.open(path) as image:
            assert round(image.info["dpi"][0]) == 200 and image.size[0] == 1260 and image.mode == "RGB", path


@_pytest.mark.slow
@_pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_demo_workbooks_follow_the_guidance_in_every_language(tmp_path, demo_2024, lang):
    from _guidance import guidance_problems

    wave, ingested, results, instruments = demo_2024
    path = ex.write_tables_xlsx(results, tmp_path / "tables.xlsx", lang=lang, synthetic=True, wave_label=wave.label,
                                population=wave.population, instruments=instruments)
    again = ex.write_tables_xlsx(results, tmp_path / "tables2.xlsx", lang=lang, synthetic=True,
                                 wave_label=wave.label, population=wave.population, instruments=instruments)
    assert path.read_bytes() == again.read_bytes()
    wb = openpyxl.load_workbook(path)
    tables = [r for r in results if r.kind not in ex.NOT_TABLES]
    assert len(wb.sheetnames) == 4 + len(tables)  # cover, contents, notes, response rates
    marker = {"fi": "Synteettinen demoaineisto", "sv": "Syntetiska demodata", "en": "Synthetic demo data"}[lang]
    ids = {r.id for r in results} | {r.dataset for r in results} | {q for r in results
                                                                    for q in str(r.question).split(",")}
    assert guidance_problems(wb, marker=marker, ids=ids) == []
    for result, ws in zip(tables, wb.worksheets[4:]):
        headers, rows, formats = ex.table_rows(result, lang, instruments)
        head = header_row(ws)
        for j, number_format in enumerate(formats, 1):
            cells = [ws.cell(head + 1 + i, j) for i in range(len(rows))]
            numbers = [c for c in cells if isinstance(c.value, (int, float))]
            assert all(c.number_format == number_format for c in numbers if number_format), (result.id, j)
    codebook = codebook_xlsx.write_codebook(ingested, tmp_path / "codebook.xlsx", lang=lang, synthetic=True)
    cb = openpyxl.load_workbook(codebook)
    assert guidance_problems(cb, marker=marker) == []
    assert cb.worksheets[2].max_row > 10


def test_alt_text_travels_inside_png_and_svg(tmp_path):
    fig = charts.draw(make_multi(), "fi", synthetic=True)
    png, svg = export.save_figure(fig, tmp_path / "x.report", ("png", "svg"))
    alt = charts.alt_text(make_multi(), "fi", synthetic=True)
    with Image.open(png) as image:
        assert image.info["Title"] == "Kysymys"
        assert image.info["Description"] == alt
    text = svg.read_text(encoding="utf-8")
    assert 'role="img"' in text
    assert "<title id=\"chart-title\">Kysymys</title>" in text
    assert "<desc id=\"chart-desc\">Vaakapylväskuvio: Kysymys." in text


RENDER = """
import sys
sys.path.insert(0, {tests!r})
from pathlib import Path
from test_export import figure_hashes
print("\\n".join(figure_hashes(Path(sys.argv[1]))))
"""


def figure_hashes(out) -> list[str]:
    """``name sha256`` of the PNG and SVG files of five kinds of chart, drawn in Swedish at both sizes into ``out``."""
    import hashlib

    import test_charts as T

    lines = []
    for name in ("make_multi", "make_likert", "make_codes_by", "make_waves", "make_cooccurrence"):
        for size in ("report", "slide"):
            fig = charts.draw(getattr(T, name)(), "sv", size=size, wave_label="Demo", synthetic=True)
            for path in export.save_figure(fig, out / f"{name}.{size}"):
                lines.append(f"{path.name} {hashlib.sha256(path.read_bytes()).hexdigest()}")
    return lines


@_pytest.mark.slow
def test_two_processes_write_identical_figures(tmp_path):
    """The same charts drawn in this test process (its caches warm from other tests) and in a fresh Python
    with another hash seed: identical bytes."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    (tmp_path / "here").mkdir()
    (tmp_path / "fresh").mkdir()
    here = figure_hashes(tmp_path / "here")
    seed = "2" if os.environ.get("PYTHONHASHSEED") == "1" else "1"  # not this process's seed
    done = subprocess.run([sys.executable, "-c", RENDER.format(tests=str(Path(__file__).resolve().parent)),
                           str(tmp_path / "fresh")], capture_output=True, text=True, check=True,
                          env={"PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin"})
    assert done.stdout.split("\n")[:-1] == here
    names = [line.split()[0] for line in here]
    assert sum(n.endswith(".png") for n in names) == 10 and sum(n.endswith(".svg") for n in names) == 5  # SVG: slides


def test_logo_is_drawn_from_a_loaded_image_and_theme_colour_used(tmp_path):
    import numpy as np

    from survey.kinds import style

    logo = np.zeros((20, 60, 4))
    logo[..., 3] = 1.0
    theme = style.make_theme({"primary": "#5B2A86"}, logo="logo.png", logo_image=logo)
    fig = charts.draw(make_multi(), "fi", theme=theme)
    assert any(ax.get_label() == "logo" for ax in fig.axes)
    bars = [p for p in fig.axes[0].patches]
    assert bars and all(p.get_facecolor()[:3] == _pytest.approx((0x5B / 255, 0x2A / 255, 0x86 / 255)) for p in bars)
    path = tmp_path / "logo.png"
    Image.new("RGBA", (30, 10), (11, 79, 138, 255)).save(path)
    assert style.load_logo(path).shape == (10, 30, 4)
    with _pytest.raises(Exception, match="PNG"):
        style.load_logo(tmp_path / "missing.svg")


def test_svg_labels_are_real_text_and_reruns_are_identical(tmp_path):
    import re

    fig = charts.draw(make_multi(), "fi", size="slide", synthetic=True)
    svg = export.figure_bytes(fig, "svg").decode("utf-8")
    assert re.search(r"<text [^>]*>Ensimmäinen</text>", svg)
    assert 'id="DejaVuSans-' not in svg  # no glyph outlines: the words can be selected and edited
    assert export.figure_bytes(charts.draw(make_multi(), "fi", size="slide", synthetic=True), "svg").decode() == svg


def test_whole_sample_counts_get_one_column_not_one_under_each_group(tmp_path):
    table = pd.DataFrame({"group": ["a", "a", "b", "b"], "code": ["t", "c", "t", "c"],
                          "level": ["theme", "code"] * 2, "parent": ["t", "t", "t", "t"],
                          "interviews": [5, 3, math.nan, math.nan], "n_group": [8, 8, math.nan, math.nan],
                          "pct": [0.625, 0.375, math.nan, math.nan], "interviews_all": [13, 10, 13, 10],
                          "suppressed": [False, False, True, True]})
    result = Result(id="interviews-codes-by-division", kind="interview_codes_by", dataset="interviews",
                    question="division", title={"en": "Themes by division"}, table=table, n={"interviews": 17},
                    labels={"en": {"t": "Grants", "c": "Application"},
                            "groups": {"en": {"a": "Education", "b": "Environment"}}},
                    suppression={"threshold": 5}, synthetic=True)
    headers, rows, _ = ex.table_rows(result, "en")
    overall = [h for h in headers if "Interviews in all" in h or "interviews_all" in h.lower()]
    assert len(overall) == 1 and ":" not in overall[0], headers
    assert not any(h.startswith("Environment:") and h.endswith(overall[0]) for h in headers)
    j = headers.index(overall[0])
    assert [row[j] for row in rows] == [13, 10]
    hidden = [k for k, h in enumerate(headers) if h.startswith("Environment:")]
    assert hidden and all(row[k] == "[c]" for row in rows for k in hidden)


def test_wave_tables_name_the_waves_and_covers_without_contact_say_so(tmp_path):
    table = pd.DataFrame({"code": ["yes"], "pct_before": [0.29], "pct_now": [0.45], "diff": [0.16],
                          "ci_low": [0.01], "ci_high": [0.3], "p": [0.04], "p_adjusted": [0.2],
                          "n_before": [60], "n_now": [70], "comparable": [True]})
    result = Result(id="staff-q-waves", kind="wave", dataset="staff", question="q", title={"fi": "Kysymys"},
                    table=table, n={"respondents_before": 60, "respondents_now": 70},
                    labels={"fi": {"yes": "Kyllä"}},
                    test={"previous_wave": "2024-demo", "wave": "2026-demo", "comparable": True},
                    notes=[{"fi": "Vaihtoehto lisättiin kierroksella 2026-demo."}], synthetic=True)
    names = {"2024-demo": "Demoaineisto 2024", "2026-demo": "Demoaineisto 2026"}
    wb = openpyxl.load_workbook(ex.write_tables_xlsx([result], tmp_path / "w.xlsx", lang="fi", synthetic=True,
                                                     wave_label="Demoaineisto 2026", wave_names=names))
    text = " ".join(str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value)
    assert "2024-demo" not in text and "2026-demo" not in text
    assert "Kysymys: Demoaineisto 2024 ja Demoaineisto 2026" in text
    assert "Vaihtoehto lisättiin kierroksella Demoaineisto 2026." in text
    assert "Yhteystietoja ei ole annettu" in " ".join(str(c.value) for c in wb.worksheets[0]["A"] if c.value)


def test_battery_sheets_are_titled_by_the_battery_name_with_the_question_below(tmp_path):
    items = ["grants_clear", "grants_sufficient"]
    table = pd.DataFrame({"item": items, "n": [10, 12], "agree_pct": [0.5, 0.25], "suppressed": [False, False]})
    result = Result(id="associations-views-summary", kind="likert_summary", dataset="associations",
                    question=",".join(items), title={"fi": "Arvioi seuraavia väittämiä."}, table=table,
                    n={"respondents": 12}, labels={"fi": {i: i.replace("_", " ") for i in items}})
    texts = {"battery_associations_views": {"fi": "Järjestöjen näkemykset yhteistyöstä"}}
    wb = openpyxl.load_workbook(ex.write_tables_xlsx([result], tmp_path / "b.xlsx", lang="fi",
                                                     instruments=demo_instruments(), texts=texts))
    ws = wb.worksheets[-1]
    assert ws["A1"].value == "Järjestöjen näkemykset yhteistyöstä: samaa mieltä olevien osuus"
    assert "Kysymys: Arvioi seuraavia väittämiä." in [ws.cell(r, 1).value for r in range(2, header_row(ws))]
