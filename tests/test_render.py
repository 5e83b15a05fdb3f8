"""The render step without Quarto.

A stand-in ``quarto`` on PATH records its command line and does what real Quarto 1.7
did in the renders listed in ../shared/QUARTO.md: it writes ``<document>.<ext>`` beside
the document (no ``--output``), keeps its ``.quarto/`` folder and appends ``/.quarto/``
to the ``.gitignore`` of the folder it renders in, and makes the Word and PowerPoint
files with real pandoc (3.6, Quarto's) from the staged figures, so they lose the alt
text exactly as Quarto's do (docx: the caption; pptx: the file path). ``render()`` must
move the finished files into ``render/``, put the charts' alt texts back, leave nothing
in the project folder and fail loudly.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import stat
import sys
from pathlib import Path

import pytest

from survey.report import render
from survey.project.config import Paths, load_project
from survey.errors import EXIT_NO_QUARTO, QuartoMissing

REPO = Path(__file__).resolve().parents[1]

FAKE_QUARTO = r'''#!{python}
"""A stand-in for Quarto 1.7's `quarto render DOC --to FMT --metadata-file M` (see QUARTO.md)."""
import json, os, sys
from pathlib import Path

log = Path(os.environ["FAKE_QUARTO_LOG"])
with log.open("a", encoding="utf-8") as handle:
    handle.write(json.dumps({{"argv": sys.argv[1:], "cwd": os.getcwd(), "QUARTO_PYTHON": os.environ.get("QUARTO_PYTHON"),
                              "PATH": os.environ.get("PATH")}}) + "\n")
args = sys.argv[1:]
doc, fmt = Path(args[1]), args[args.index("--to") + 1]
here = Path.cwd()
(here / ".quarto").mkdir(exist_ok=True)
ignore = here / ".gitignore"
if "/.quarto/" not in (ignore.read_text() if ignore.exists() else ""):
    with ignore.open("a") as handle:
        handle.write("/.quarto/\n")
if os.environ.get("FAKE_QUARTO_FAIL") == fmt:
    (here / f"{{doc.stem}}.html").write_text("partial")  # what a failing html render leaves
    print("ERROR: NotFound: readfile report_files/libs/quarto-html/quarto.js", file=sys.stderr)
    sys.exit(1)
ext = {{"html": "html", "revealjs": "html", "docx": "docx", "typst": "pdf", "pptx": "pptx"}}[fmt]
out = here / f"{{doc.stem}}.{{ext}}"
if fmt in ("docx", "pptx"):
    import pypandoc
    images = sorted((here / "figures").glob("*.slide.png" if fmt == "pptx" else "*.report.png"))[:3]
    text = "\n\n".join(f"## Kuva {{i}}\n\n![Kuvateksti {{i}}](figures/{{p.name}}){{{{fig-alt=\"alt\"}}}}"
                       for i, p in enumerate(images, 1))
    pypandoc.convert_text(text, fmt, format="markdown", outputfile=str(out), extra_args=["--resource-path", str(here)])
else:
    out.write_text(f"<html>{{fmt}}</html>" if ext == "html" else "%PDF-1.7 fake")
'''


def _png(color: tuple[int, int, int]) -> bytes:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(1, 1), dpi=20)
    fig.patch.set_facecolor([c / 255 for c in color])
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


@pytest.fixture
def figures(tmp_path) -> Path:
    """Two figure PNGs with alt-text sidecars, as the pipeline writes them."""
    folder = tmp_path / "figures"
    folder.mkdir()
    (folder / "network-grants.report.png").write_bytes(_png((200, 0, 0)))
    (folder / "network-grants.alt.fi.txt").write_text("Vaakapylväskuvio: avustukset.\n", encoding="utf-8")
    (folder / "network-grants.alt.sv.txt").write_text("Liggande stapeldiagram: bidrag.\n", encoding="utf-8")
    (folder / "network-agreements.report.png").write_bytes(_png((0, 0, 200)))
    (folder / "network-agreements.alt.fi.txt").write_text("Vaakapylväskuvio: sopimukset.\n", encoding="utf-8")
    return folder


def test_collect_alt_texts_keys_by_image_bytes(figures):
    alts = render.collect_alt_texts(figures, "sv")
    grants = hashlib.sha256((figures / "network-grants.report.png").read_bytes()).hexdigest()
    agreements = hashlib.sha256((figures / "network-agreements.report.png").read_bytes()).hexdigest()
    assert alts == {grants: "Liggande stapeldiagram: bidrag.",
                    agreements: "Vaakapylväskuvio: sopimukset."}  # no sv sidecar: Finnish


def test_read_alt_text_without_fallback_is_the_language_only(figures):
    assert render.read_alt_text(figures, "network-agreements", "sv") == "Vaakapylväskuvio: sopimukset."
    assert render.read_alt_text(figures, "network-agreements", "sv", fallback=False) == ""


# ---------------------------------------------------------------- alt text in real pandoc files
def _pandoc_file(tmp_path: Path, figures: Path, fmt: str) -> Path:
    """A docx or pptx made by pandoc 3.6 (Quarto's) from markdown figures with fig-alt."""
    import pypandoc

    text = "\n\n".join(f"## Dia {i}\n\n![Kuvateksti {i}](figures/{p.name}){{fig-alt=\"ei tämä\"}}"
                       for i, p in enumerate(sorted(figures.glob("*.png")), 1))
    out = tmp_path / f"out.{fmt}"
    pypandoc.convert_text(text, fmt, format="markdown", outputfile=str(out),
                          extra_args=["--resource-path", str(figures.parent)])
    return out


def test_pandoc_docx_loses_alt_text_and_the_repair_puts_it_back(tmp_path, figures):
    from docx import Document

    path = _pandoc_file(tmp_path, figures, "docx")
    before = [d.get("descr") for d in Document(str(path)).element.body.iter(f"{{{render._NS['wp']}}}docPr")]
    assert before == ["Kuvateksti 1", "Kuvateksti 2"]  # the caption, not the fig-alt (QUARTO.md)
    assert render.repair_alt_text_docx(path, render.collect_alt_texts(figures, "fi")) == 2
    after = [d.get("descr") for d in Document(str(path)).element.body.iter(f"{{{render._NS['wp']}}}docPr")]
    assert after == ["Vaakapylväskuvio: sopimukset.", "Vaakapylväskuvio: avustukset."]
    assert render.docx_pictures_without_alt(path) == []


def test_pandoc_pptx_carries_file_paths_and_the_repair_replaces_them(tmp_path, figures):
    from pptx import Presentation

    path = _pandoc_file(tmp_path, figures, "pptx")

    def descr():
        return [s._element._nvXxPr.cNvPr.get("descr") for slide in Presentation(str(path)).slides
                for s in slide.shapes if s.shape_type == 13]

    assert any(d and "/" in d for d in descr()) or any(d == "Kuvateksti 1" for d in descr())
    assert render.repair_alt_text_pptx(path, render.collect_alt_texts(figures, "sv")) == 2
    assert sorted(descr()) == ["Liggande stapeldiagram: bidrag.", "Vaakapylväskuvio: sopimukset."]
    assert not any(".png" in d for d in descr())


def test_banners_on_every_page_and_slide(tmp_path, figures):
    from docx import Document
    from pptx import Presentation

    docx = _pandoc_file(tmp_path, figures, "docx")
    render.add_banner_docx(docx, "Synteettinen demoaineisto")
    render.add_banner_docx(docx, "Synteettinen demoaineisto")  # idempotent
    assert [s.header.paragraphs[0].text for s in Document(str(docx)).sections] == ["Synteettinen demoaineisto"]
    pptx = _pandoc_file(tmp_path, figures, "pptx")
    render.add_banner_pptx(pptx, "Synteettinen demoaineisto")
    render.add_banner_pptx(pptx, "Synteettinen demoaineisto")
    for slide in Presentation(str(pptx)).slides:
        banners = [s for s in slide.shapes if s.name == "survey-banner"]
        assert len(banners) == 1 and banners[0].text_frame.text == "Synteettinen demoaineisto"


# ---------------------------------------------------------------- no Quarto, bad arguments
def test_quarto_missing_says_how_to_install_and_where_outputs_are(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # no quarto anywhere
    monkeypatch.delenv("QUARTO_PATH", raising=False)
    assert render.find_quarto() is None
    with pytest.raises(QuartoMissing) as info:
        render.render(REPO, "2024-demo")
    message = info.value.describe()
    assert "pip install quarto-cli" in message and "quarto.org" in message
    assert str(Paths(REPO).output("2024-demo")) in message
    assert message.count(". ") == 0 and message.endswith(".")  # one sentence
    assert info.value.exit_code == EXIT_NO_QUARTO == 3


def test_quarto_installed_in_the_venv_is_found_without_activating_it(monkeypatch, tmp_path):
    """`.venv/bin/python -m pip install quarto-cli` puts quarto beside the venv's python, not on PATH."""
    venv_bin = tmp_path / "venv" / "bin"
    venv_bin.mkdir(parents=True)
    quarto = venv_bin / "quarto"
    quarto.write_text("#!/bin/sh\n", encoding="utf-8")
    quarto.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.delenv("QUARTO_PATH", raising=False)
    monkeypatch.setattr(sys, "executable", str(venv_bin / "python"))
    assert render.find_quarto() == quarto
    on_path = tmp_path / "elsewhere" / "quarto"  # a Quarto on PATH (e.g. system-wide) is used first
    on_path.parent.mkdir()
    on_path.write_text("#!/bin/sh\n", encoding="utf-8")
    on_path.chmod(0o755)
    monkeypatch.setenv("PATH", str(on_path.parent))
    assert render.find_quarto() == on_path


def test_render_environment_pins_the_kernel_to_this_python(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", os.pathsep.join(["/usr/bin", str(Path(sys.executable).parent), "/bin"]))
    monkeypatch.setenv("QUARTO_PYTHON", "/usr/bin/python3")  # a Python without survey must not be used
    env = render.render_env(Paths(tmp_path))
    assert env["QUARTO_PYTHON"] == sys.executable
    assert env["PATH"].split(os.pathsep) == [str(Path(sys.executable).parent), "/usr/bin", "/bin"]
    assert env["SURVEY_PROJECT"] == str(tmp_path) and env["MPLBACKEND"] == "Agg"


def test_unknown_format_is_a_usage_error():
    from survey.errors import ConfigError
    with pytest.raises(ConfigError, match="unknown output format 'odt'"):
        render.render(REPO, "2024-demo", to="odt")


# ---------------------------------------------------------------- staging and the fake Quarto
@pytest.fixture
def rendered_project(network_project, tmp_path, monkeypatch):
    """The network-only project run once (charts, results), a fake quarto on PATH and a git repo."""
    import subprocess

    from survey.pipeline import run_wave

    run_wave(load_project(network_project), "2024-demo", render=False)
    fake = tmp_path / "bin" / "quarto"
    fake.parent.mkdir()
    fake.write_text(FAKE_QUARTO.format(python=sys.executable), encoding="utf-8")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{fake.parent}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.delenv("QUARTO_PATH", raising=False)
    monkeypatch.setenv("FAKE_QUARTO_LOG", str(tmp_path / "quarto.log"))
    (network_project / ".gitignore").write_text("data/processed/\nreports/_output/\n", encoding="utf-8")
    subprocess.run(["git", "init", "-q", str(network_project)], check=True)
    return network_project


def _calls(tmp_path: Path) -> list[dict]:
    log = tmp_path / "quarto.log"
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()] if log.is_file() else []


def _tree(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if ".git" not in p.relative_to(root).parts}


def test_render_every_format_in_a_staging_project_and_move_the_files(rendered_project, tmp_path):
    paths = Paths(rendered_project)
    before = _tree(rendered_project)
    gitignore = (rendered_project / ".gitignore").read_bytes()
    written = render.render(rendered_project, "2024-demo", lang="sv")
    out = paths.output("2024-demo") / "render"
    assert written == [out / n for n in ("report-sv.html", "report-sv.docx", "report-sv.pdf",
                                         "slides-sv.html", "slides-sv.pptx")]
    assert all(p.is_file() for p in written)
    calls = _calls(tmp_path)
    expected = [["render", "report.qmd", "--to", "html", "--metadata-file", "_meta-report.yml"],
                ["render", "report.qmd", "--to", "docx", "--metadata-file", "_meta-report.yml"],
                ["render", "report.qmd", "--to", "typst", "--metadata-file", "_meta-report.yml"],
                ["render", "slides.qmd", "--to", "revealjs", "--metadata-file", "_meta-slides.yml"],
                ["render", "slides.qmd", "--to", "pptx", "--metadata-file", "_meta-slides.yml"]]
    assert [c["argv"] for c in calls] == expected  # no --output, no -P (papermill), no -M footer
    assert all(c["QUARTO_PYTHON"] == sys.executable for c in calls)  # the kernel has survey and Jupyter
    assert all(c["PATH"].split(os.pathsep)[0] == str(Path(sys.executable).parent) for c in calls)
    for call in calls:
        cwd = Path(call["cwd"])
        assert cwd.parent == paths.output("2024-demo").resolve() and cwd.name.startswith("render-staging-sv-")
        assert not cwd.exists()  # the staging folder is gone
    assert (rendered_project / ".gitignore").read_bytes() == gitignore
    real = rendered_project.resolve()  # output/<wave> is a symlink into output/.runs/
    assert _tree(rendered_project) - before == {str(p.resolve().relative_to(real)) for p in written} | {
        str(out.resolve().relative_to(real))}
    from docx import Document
    from pptx import Presentation
    docx = Document(str(out / "report-sv.docx"))
    descr = [d.get("descr") for d in docx.element.body.iter(f"{{{render._NS['wp']}}}docPr")]
    sidecars = {p.read_text(encoding="utf-8").strip() for p in paths.figures("2024-demo").glob("*.alt.sv.txt")}
    assert descr and all(d in sidecars for d in descr)
    assert docx.sections[0].header.paragraphs[0].text.startswith("Syntetiska demodata")
    slides = Presentation(str(out / "slides-sv.pptx"))
    pictures = [s for slide in slides.slides for s in slide.shapes if s.shape_type == 13]
    assert pictures and all(p._element._nvXxPr.cNvPr.get("descr") in sidecars for p in pictures)
    assert all(any(s.name == "survey-banner" for s in slide.shapes) for slide in slides.slides)


def test_a_failed_render_exits_non_zero_and_leaves_nothing(rendered_project, tmp_path, monkeypatch):
    from survey.report.render import RenderFailed

    monkeypatch.setenv("FAKE_QUARTO_FAIL", "html")
    before = _tree(rendered_project)
    gitignore = (rendered_project / ".gitignore").read_bytes()
    with pytest.raises(RenderFailed, match="quarto render --to html failed .*quarto.js"):
        render.render(rendered_project, "2024-demo", to="html")
    assert _tree(rendered_project) == before  # no stray report-fi.html, no staging folder, no .quarto
    assert (rendered_project / ".gitignore").read_bytes() == gitignore
    from survey.cli import main
    assert main(["--project", str(rendered_project), "render", "--wave", "2024-demo", "--to", "html"]) != 0


@pytest.mark.slow
def test_survey_run_fails_when_the_render_fails(rendered_project, monkeypatch, capsys):
    from survey.cli import main

    monkeypatch.setenv("FAKE_QUARTO_FAIL", "html")
    code = main(["--project", str(rendered_project), "run", "--wave", "2024-demo"])
    assert code != 0
    assert "quarto render --to html failed" in capsys.readouterr().err


@pytest.mark.slow
def test_a_rendering_run_draws_the_report_charts_and_a_no_render_rerun_keeps_them(rendered_project, capsys):
    """``survey run`` with Quarto draws the report-size charts into the run's tree (before: only the slides'); a
    ``--no-render`` rerun of unchanged inputs links them from that tree instead of dropping or drawing them."""
    from survey.cli import main
    from survey.store.files import sha256_file

    figures = Paths(rendered_project).figures("2024-demo")
    ids = ("network-agreements", "network-grants", "network-partnership-forms")
    assert not list(figures.glob("*.report*.png"))  # the fixture's run had --no-render
    assert main(["--project", str(rendered_project), "run", "--wave", "2024-demo"]) == 0
    drawn = {p.name: sha256_file(p) for p in figures.glob("*.report*.png")}
    assert set(drawn) == {f"{i}.report{s}.png" for i in ids for s in ("", ".sv")}
    assert all((figures / f"{i}.alt.{lang}.txt").is_file() for i in ids for lang in ("fi", "sv"))
    assert "chart 1/" in capsys.readouterr().err  # drawn now: the report size
    assert main(["--project", str(rendered_project), "run", "--wave", "2024-demo", "--no-render"]) == 0
    assert {p.name: sha256_file(p) for p in figures.glob("*.report*.png")} == drawn
    err = capsys.readouterr().err
    assert "12 charts unchanged since the last run, reused" in err and "chart 1/" not in err


def test_the_staged_documents_are_offline_and_say_pdf(rendered_project, tmp_path):
    import yaml

    project = load_project(rendered_project)
    staged = render.stage(project, "2024-demo", "fi", tmp_path / "stage", formats=["html", "pdf"])
    report, _ = render._front_matter(staged.document("report").read_text(encoding="utf-8"))
    slides, _ = render._front_matter(staged.document("slides").read_text(encoding="utf-8"))
    assert report["format"]["html"]["html-math-method"] == "plain"
    assert slides["format"]["revealjs"]["html-math-method"] == "plain"
    assert report["format"]["html"]["embed-resources"] is True
    assert report["format"]["html"]["format-links"] == [{"text": "PDF", "href": "report-fi.pdf", "icon": "file-pdf"}]
    for document in ("report", "slides"):
        text = staged.document(document).read_text(encoding="utf-8")
        assert "callout" not in text and "wave = '2024-demo'" in text and "lang = 'fi'" in text
    meta = yaml.safe_load(staged.metadata("slides").read_text(encoding="utf-8"))
    assert meta["footer"].startswith("Synteettinen demoaineisto") and meta["lang"] == "fi"
    assert sorted(p.name for p in staged.figures.glob("*.report.png")) == [
        "network-agreements.report.png", "network-grants.report.png", "network-partnership-forms.report.png"]


@pytest.mark.slow
def test_a_language_the_pipeline_did_not_draw_is_drawn_for_the_report(rendered_project, tmp_path):
    from survey.kinds import charts
    from survey.report.markdown import read_results

    project = load_project(rendered_project)
    staged = render.stage(project, "2024-demo", "en", tmp_path / "stage")
    results = read_results(project.paths, "2024-demo")
    for result_id in ("network-grants", "network-agreements"):
        assert (staged.figures / f"{result_id}.report.png").is_file()
        alt = (staged.figures / f"{result_id}.alt.en.txt").read_text(encoding="utf-8").strip()
        assert alt == charts.alt_text(results[result_id], "en", synthetic=True)
    assert not list(project.paths.figures("2024-demo").glob("*.en.*"))  # the pipeline's outputs untouched


def test_own_chapters_per_language(tmp_path):
    paths = Paths(tmp_path)
    paths.reports.mkdir(parents=True)
    for name in ("10-a.qmd", "20-b.fi.qmd", "20-b.sv.qmd", "_texts.yml"):
        (paths.reports / name).write_text("# x\n", encoding="utf-8")
    assert [p.name for p in render.project_chapters(paths, "sv")] == ["10-a.qmd", "20-b.sv.qmd"]
    assert [p.name for p in render.project_chapters(paths, "en")] == ["10-a.qmd"]
