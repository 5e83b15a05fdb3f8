"""The render step without Quarto: the missing-Quarto message, the quarto command line,
and the alt-text repair and banners on .docx/.pptx files built here with
python-docx/python-pptx (the same OOXML elements pandoc writes)."""

from __future__ import annotations

import hashlib
import io
import stat
from pathlib import Path

import pytest

from survey import render
from survey.config import Paths
from survey.errors import EXIT_NO_QUARTO, QuartoMissing

REPO = Path(__file__).resolve().parents[1]


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


def test_collect_alt_texts_per_language_chart_files(figures):
    (figures / "network-grants.report.sv.png").write_bytes(_png((201, 0, 0)))
    alts = render.collect_alt_texts(figures, "fi")
    swedish = hashlib.sha256((figures / "network-grants.report.sv.png").read_bytes()).hexdigest()
    assert alts[swedish] == "Liggande stapeldiagram: bidrag."


def _docx_with_pictures(path: Path, images: list[Path]) -> Path:
    from docx import Document
    from docx.shared import Cm

    document = Document()
    document.add_paragraph("Kuva")
    for image in images:
        document.add_picture(str(image), width=Cm(4))
    # pandoc writes the caption (or nothing) into descr: simulate the loss
    for doc_pr in document.element.body.iter("{http://schemas.openxmlformats.org/drawingml/2006/"
                                             "wordprocessingDrawing}docPr"):
        doc_pr.set("descr", "")
    document.save(str(path))
    return path


def test_repair_alt_text_docx(tmp_path, figures):
    images = [figures / "network-grants.report.png", figures / "network-agreements.report.png"]
    extra = tmp_path / "logo.png"
    extra.write_bytes(_png((0, 120, 0)))
    path = _docx_with_pictures(tmp_path / "report-fi.docx", images + [extra])
    assert len(render.docx_pictures_without_alt(path)) == 3
    repaired = render.repair_alt_text_docx(path, render.collect_alt_texts(figures, "fi"))
    assert repaired == 2
    from docx import Document
    descr = [d.get("descr") for d in Document(str(path)).element.body.iter(
        "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr")]
    assert descr == ["Vaakapylväskuvio: avustukset.", "Vaakapylväskuvio: sopimukset.", ""]
    assert len(render.docx_pictures_without_alt(path)) == 1  # the unknown image is reported


def _pptx_with_pictures(path: Path, images: list[Path]) -> Path:
    from pptx import Presentation
    from pptx.util import Cm

    presentation = Presentation()
    for image in images:
        slide = presentation.slides.add_slide(presentation.slide_layouts[6])
        picture = slide.shapes.add_picture(str(image), Cm(1), Cm(1), width=Cm(5))
        picture._element._nvXxPr.cNvPr.set("descr", "doc_files/figure-pptx/fig-output-1.png")
    presentation.save(str(path))
    return path


def test_repair_alt_text_pptx(tmp_path, figures):
    images = [figures / "network-agreements.report.png", figures / "network-grants.report.png"]
    path = _pptx_with_pictures(tmp_path / "slides-fi.pptx", images)
    repaired = render.repair_alt_text_pptx(path, render.collect_alt_texts(figures, "fi"))
    assert repaired == 2
    from pptx import Presentation
    descr = [shape._element._nvXxPr.cNvPr.get("descr")
             for slide in Presentation(str(path)).slides for shape in slide.shapes]
    assert descr == ["Vaakapylväskuvio: sopimukset.", "Vaakapylväskuvio: avustukset."]
    assert render.pptx_pictures_without_alt(path) == []


def test_banners_on_every_page_and_slide(tmp_path, figures):
    from docx import Document
    from pptx import Presentation

    docx = _docx_with_pictures(tmp_path / "r.docx", [figures / "network-grants.report.png"])
    render.add_banner_docx(docx, "Synteettinen demoaineisto")
    render.add_banner_docx(docx, "Synteettinen demoaineisto")  # idempotent
    headers = [s.header.paragraphs[0].text for s in Document(str(docx)).sections]
    assert headers == ["Synteettinen demoaineisto"]
    pptx = _pptx_with_pictures(tmp_path / "s.pptx", [figures / "network-grants.report.png"] * 3)
    render.add_banner_pptx(pptx, "Synteettinen demoaineisto")
    render.add_banner_pptx(pptx, "Synteettinen demoaineisto")
    for slide in Presentation(str(pptx)).slides:
        texts = [s.text_frame.text for s in slide.shapes if s.has_text_frame]
        assert texts == ["Synteettinen demoaineisto"]


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


def test_unknown_format_is_a_usage_error():
    from survey.errors import ConfigError
    with pytest.raises(ConfigError, match="unknown output format 'odt'"):
        render.render(REPO, "2024-demo", to="odt")


def test_quarto_command_passes_wave_language_and_comparison(tmp_path):
    paths = Paths(tmp_path)
    command, target = render.quarto_command(Path("/usr/bin/quarto"), paths, "2026-demo", "pdf",
                                            compare="2024-demo", lang="sv", title="Rapport",
                                            banner="Syntetiska demodata")
    assert command[:5] == ["/usr/bin/quarto", "render", str(tmp_path / "reports" / "report.qmd"), "--to", "typst"]
    for pair in (["-P", "wave:2026-demo"], ["-P", "compare:2024-demo"], ["-P", "lang:sv"], ["-M", "lang:sv"],
                 ["-M", "title:Rapport"]):
        assert any(command[i:i + 2] == pair for i in range(len(command)))
    assert "footer:Syntetiska demodata" not in command  # footer is a revealjs option only
    assert target == paths.output("2026-demo") / "render" / "report-sv.pdf"
    command, target = render.quarto_command(Path("q"), paths, "2026-demo", "revealjs", compare=None,
                                            lang="fi", banner="Synteettinen demoaineisto")
    assert "footer:Synteettinen demoaineisto" in command and "compare:auto" in command
    assert target.name == "slides-fi.html"


def test_render_with_a_fake_quarto_repairs_outputs(tmp_path, monkeypatch):
    """A stand-in `quarto` writes a docx whose picture lost its alt text; render() repairs it."""
    import shutil

    root = tmp_path / "project"
    shutil.copytree(REPO / "reports", root / "reports", ignore=shutil.ignore_patterns("_output"))
    shutil.copy2(REPO / "survey.yml", root / "survey.yml")
    shutil.copytree(REPO / "instruments", root / "instruments")
    paths = Paths(root)
    figures = paths.figures("2024-demo")
    figures.mkdir(parents=True)
    paths.results("2024-demo").mkdir(parents=True)
    png = figures / "network-grants.report.png"
    png.write_bytes(_png((10, 20, 30)))
    (figures / "network-grants.alt.fi.txt").write_text("Kuvio avustuksista.\n", encoding="utf-8")
    template = _docx_with_pictures(tmp_path / "template.docx", [png])
    fake = tmp_path / "bin" / "quarto"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\n# args: render DOC --to FMT --output-dir DIR --output NAME ...\n"
                    f"mkdir -p \"$6\" && cp {template} \"$6/$8\"\n", encoding="utf-8")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("QUARTO_PATH", str(fake))
    written = render.render(root, "2024-demo", to="docx")
    assert written == [paths.output("2024-demo") / "render" / "report-fi.docx"]
    assert render.docx_pictures_without_alt(written[0]) == []
    from docx import Document
    document = Document(str(written[0]))
    assert document.sections[0].header.paragraphs[0].text.startswith("Synteettinen demoaineisto")
