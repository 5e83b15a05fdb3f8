"""survey.export: deterministic PNG/SVG files, sidecars and workbooks."""

import pandas as pd
from PIL import Image

from survey import charts, export  # noqa: F401
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
        assert image.info["dpi"][0] >= 199.9
        assert image.size == (2667, 1500)
        assert "Software" not in image.info
    svg = paths[1].read_text(encoding="utf-8")
    assert "<dc:date>" not in svg and "Matplotlib v" not in svg


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

from survey import export as ex  # noqa: E402


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
    """The row of column headers: the last frozen row."""
    return int(ws.freeze_panes[1:]) - 1


@pytest.mark.parametrize("lang, marker, pct_head", [("fi", "Synteettinen demoaineisto", "Osuus vastaajista"),
                                                    ("sv", "Syntetiska demodata", "Andel av de svarande"),
                                                    ("en", "Synthetic demo data", "Share of respondents")])
def test_tables_xlsx_numbers_formats_and_layout(tmp_path, lang, marker, pct_head):
    path = ex.write_tables_xlsx([make_multi(), make_breakdown()], tmp_path / "tables.xlsx", lang=lang,
                                synthetic=True, wave_label="Demo 2024")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[1:] == ["network-partnership-forms", "staff-q-by-division"]
    contents = wb.worksheets[0]
    assert contents.cell(1, 1).value == marker
    links = [c for c in contents["A"] if c.hyperlink is not None]
    assert [c.hyperlink.location or c.hyperlink.target for c in links] == [
        "'network-partnership-forms'!A1", "'staff-q-by-division'!A1"]
    ws = wb["network-partnership-forms"]
    assert ws.cell(1, 1).value == marker
    head = header_row(ws)
    assert ws.cell(head, 1).value == {"fi": "Vaihtoehto", "sv": "Alternativ", "en": "Option"}[lang]
    assert ws.cell(head, 3).value == pct_head
    first = [ws.cell(head + 1, j) for j in range(1, 7)]
    assert first[1].value == 12 and first[1].number_format == "0"
    assert first[2].value == 0.75 and first[2].number_format == "0.0%"
    assert first[3].value == 0.5 and first[3].number_format == "0.0%"
    assert isinstance(first[2].value, float)
    notes = [ws.cell(r, 1).value for r in range(head + 3, ws.max_row + 1) if ws.cell(r, 1).value]
    assert notes[0] == {"fi": "Vastaajien määrä: 16, valittujen vastausten lukumäärä: 16",
                        "sv": "Antal svarande: 16, antal valda svar: 16",
                        "en": "Respondents: 16, selected answers: 16"}[lang]
    assert ws.column_dimensions["A"].width >= len("Ensimmäinen")


def test_suppressed_cells_are_marked_not_zero(tmp_path):
    wb = openpyxl.load_workbook(ex.write_tables_xlsx([make_breakdown()], tmp_path / "t.xlsx", lang="en"))
    ws = wb["staff-q-by-division"]
    head = header_row(ws)
    rows = [[ws.cell(r, j).value for j in range(1, 8)] for r in range(head + 1, head + 5)]
    assert ws.cell(head, 1).value == "Statement" and ws.cell(head, 2).value == "Group"
    assert rows[0][:5] == ["Question", "Group A", "Yes", 6, 10]
    assert rows[2][0:3] == ["Question", "Group B", "Yes"]
    assert rows[2][3] == "suppressed" and rows[2][5] == "suppressed"
    assert 0 not in rows[2]
    notes = [ws.cell(r, 1).value for r in range(head + 6, ws.max_row + 1)]
    assert "Groups of fewer than 5 respondents, and groups they could be worked out from, are not shown, for privacy." in notes


def test_formula_like_text_stays_text(tmp_path):
    result = make_multi()
    result.labels["fi"]["a"] = "=HYPERLINK(\"http://x\")"
    wb = openpyxl.load_workbook(ex.write_tables_xlsx([result], tmp_path / "t.xlsx", lang="fi"))
    ws = wb["network-partnership-forms"]
    cell = ws.cell(header_row(ws) + 1, 1)
    assert cell.data_type == "s"
    assert str(cell.value).startswith("=HYPERLINK")


def test_workbooks_are_byte_identical_on_rerun(tmp_path):
    frames = {"network": pd.DataFrame({"partnership_forms__answered": [True, False]})}
    a = ex.write_tables_xlsx([make_multi(), make_breakdown()], tmp_path / "a.xlsx", synthetic=True)
    b = ex.write_tables_xlsx([make_multi(), make_breakdown()], tmp_path / "b.xlsx", synthetic=True)
    assert a.read_bytes() == b.read_bytes()
    c = ex.write_codebook(frames, tmp_path / "c.xlsx", synthetic=True)
    d = ex.write_codebook(frames, tmp_path / "d.xlsx", synthetic=True)
    assert c.read_bytes() == d.read_bytes()


def test_codebook_lists_variables_texts_options_and_counts(tmp_path):
    frame = pd.DataFrame({"partnership_forms__answered": [True, True, False],
                          "partnership_forms__grants": pd.array([True, False, pd.NA], dtype="boolean")})
    wb = openpyxl.load_workbook(ex.write_codebook({"network": frame}, tmp_path / "cb.xlsx", lang="en",
                                                  synthetic=True))
    ws = wb.active
    assert ws.cell(1, 1).value == "Synthetic demo data"
    head = next(r for r in range(1, 8) if ws.cell(r, 1).value == "Dataset")
    assert [ws.cell(head, j).value for j in range(1, 8)] == ["Dataset", "Variable", "Question text", "Type",
                                                             "Options and labels", "Valid", "Missing"]
    row = [ws.cell(head + 1, j).value for j in range(1, 8)]
    assert row[0] == "network" and row[3] == "multi"
    assert row[1].startswith("partnership_forms__grants")
    assert row[2] == "Which forms of partnership with associations has your municipality used?"
    assert "grants = Grants to associations" in row[4]
    assert row[5:] == [2, 1]
    assert ws.freeze_panes == f"A{head + 1}"


def test_alt_sidecar_files(tmp_path):
    paths = ex.write_alt_sidecar(tmp_path / "x.slide", {"fi": "Kuvaus", "en": "Description"},
                                 title={"fi": "Otsikko", "en": "Title"})
    assert [p.name for p in paths] == ["x.slide.alt.en.txt", "x.slide.alt.fi.txt"]
    assert paths[1].read_text(encoding="utf-8") == "Otsikko\nKuvaus\n"


# -- the demo waves end to end: every chart to PNG and SVG, workbooks in three languages ---------

import pytest as _pytest  # noqa: E402


@_pytest.fixture(scope="module")
def demo_2024():
    from pathlib import Path

    from survey import pipeline
    from survey.config import load_project

    project = load_project(Path(__file__).resolve().parents[1])
    wave = project.wave("2024-demo")
    ingested = pipeline.ingest_wave(project, wave)
    return wave, ingested, pipeline.analyse_wave(project, wave, ingested)


@_pytest.mark.slow
def test_all_2024_demo_charts_render_to_png_and_svg(tmp_path, demo_2024):
    wave, _, results = demo_2024
    written = []
    for result in results:
        for size in ("report", "slide"):
            fig = charts.draw(result, "fi", size=size, wave_label=wave.label, synthetic=wave.synthetic)
            written += export.save_figure(fig, tmp_path / f"{result.id}.{size}")
    charted = [r for r in results if charts.has_chart(r)]
    assert len(written) == 4 * len(charted)
    assert (tmp_path / "network-partnership-forms.slide.png").is_file()
    for path in written:
        assert path.stat().st_size > 1000, path
        if path.suffix == ".png":
            with Image.open(path) as image:
                assert image.info["dpi"][0] >= 199.9


@_pytest.mark.slow
@_pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_demo_workbooks_every_table_with_number_formats(tmp_path, demo_2024, lang):
    wave, ingested, results = demo_2024
    path = ex.write_tables_xlsx(results, tmp_path / "tables.xlsx", lang=lang, synthetic=True, wave_label=wave.label)
    again = ex.write_tables_xlsx(results, tmp_path / "tables2.xlsx", lang=lang, synthetic=True,
                                 wave_label=wave.label)
    assert path.read_bytes() == again.read_bytes()
    wb = openpyxl.load_workbook(path)
    tables = [r for r in results if r.kind not in ex.NOT_TABLES]
    assert len(wb.sheetnames) == 1 + len(tables)
    marker = {"fi": "Synteettinen demoaineisto", "sv": "Syntetiska demodata", "en": "Synthetic demo data"}[lang]
    for result, ws in zip(tables, wb.worksheets[1:]):
        assert ws.cell(1, 1).value == marker
        head = header_row(ws)
        columns = [c for c in result.table.columns if ex.column_format(result, c) is not None
                   and charts.column_kind(result, c) != "hidden"]
        shown = ex.table_columns(result)
        for column in columns:
            j = shown.index(column) + 1
            cells = [ws.cell(head + 1 + i, j) for i in range(len(result.table))]
            numbers = [c for c in cells if isinstance(c.value, (int, float))]
            assert all(c.number_format == ex.column_format(result, column) for c in numbers), (result.id, column)
        if "pct" in result.table.columns and len(result.table):
            j = shown.index("pct") + 1
            first = ws.cell(head + 1, j)
            assert isinstance(first.value, (int, float)) or first.value in ("ei esitetä", "visas inte", "suppressed", None)
    codebook = ex.write_codebook(ingested, tmp_path / "codebook.xlsx", lang=lang, synthetic=True)
    cb = openpyxl.load_workbook(codebook).active
    assert cb.cell(1, 1).value == marker
    assert cb.max_row > 10


def test_alt_text_travels_inside_png_and_svg(tmp_path):
    fig = charts.draw(make_multi(), "fi", synthetic=True)
    png, svg = export.save_figure(fig, tmp_path / "x.report")
    alt = charts.alt_text(make_multi(), "fi", synthetic=True)
    with Image.open(png) as image:
        assert image.info["Title"] == "Kysymys"
        assert image.info["Description"] == alt
    text = svg.read_text(encoding="utf-8")
    assert 'role="img"' in text
    assert "<title id=\"chart-title\">Kysymys</title>" in text
    assert "<desc id=\"chart-desc\">Vaakapylväskuvio: Kysymys." in text


RENDER = """
import hashlib, sys
sys.path.insert(0, {tests!r})
import test_charts as T
from pathlib import Path
from survey import charts, export
out = Path(sys.argv[1])
for name in ("make_multi", "make_likert", "make_codes_by", "make_waves", "make_cooccurrence"):
    for size in ("report", "slide"):
        fig = charts.draw(getattr(T, name)(), "sv", size=size, wave_label="Demo", synthetic=True)
        for path in export.save_figure(fig, out / f"{{name}}.{{size}}"):
            print(path.name, hashlib.sha256(path.read_bytes()).hexdigest())
"""


@_pytest.mark.slow
def test_two_processes_write_identical_figures(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    script = RENDER.format(tests=str(Path(__file__).resolve().parent))
    runs = []
    for run in ("a", "b"):
        (tmp_path / run).mkdir()
        done = subprocess.run([sys.executable, "-c", script, str(tmp_path / run)], capture_output=True, text=True,
                              check=True, env={"PYTHONHASHSEED": run == "a" and "1" or "2", "PATH": "/usr/bin:/bin"})
        runs.append(done.stdout)
    assert runs[0] == runs[1]
    assert runs[0].count(".png") == 10 and runs[0].count(".svg") == 10


def test_logo_is_drawn_from_a_loaded_image_and_theme_colour_used(tmp_path):
    import numpy as np

    from survey import style

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
