"""The render step: ``quarto render`` of the report and the slides, then repairs.

Quarto is an external program. When it is not on ``PATH`` :func:`render` raises
:class:`survey.errors.QuartoMissing` (exit code 3) with one sentence saying so, how to
install it and where the artefacts the pipeline already produced are.

Documents and formats (see ``_quarto.yml``)::

    reports/report.qmd  -> html (one self-contained file), docx, typst (-> pdf)
    reports/slides.qmd  -> revealjs (one self-contained file), pptx

The report is ONE document that pulls the chapters in with ``{{< include >}}``
(``reports/_*.qmd``), because Quarto book projects cannot produce Typst/PDF. Outputs
go to ``reports/_output/<wave>/render/`` as ``report-<lang>.<ext>`` and
``slides-<lang>.<ext>``, beside the figures and results they were made from.

Word and PowerPoint lose the alt text of images (pandoc writes the caption or the
file path instead), so after Quarto has written them, :func:`repair_alt_text_docx`
and :func:`repair_alt_text_pptx` put the chart functions' alt text back, matching each
embedded picture to its figure file by the SHA-256 of its bytes. For a synthetic wave
a banner is written into every page header (docx) and onto every slide (pptx);
Typst and HTML get theirs from the documents themselves, revealjs via its ``footer``.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

from survey.config import Paths, Project, load_project
from survey.errors import QuartoMissing, SurveyError

INSTALL_HINT = "install it with `pip install quarto-cli` or from https://quarto.org/docs/get-started/"

# format name accepted by `survey render --to` -> (document, quarto format, file extension)
FORMATS = {
    "html": ("report", "html", "html"),
    "docx": ("report", "docx", "docx"),
    "pdf": ("report", "typst", "pdf"),
    "typst": ("report", "typst", "pdf"),
    "revealjs": ("slides", "revealjs", "html"),
    "pptx": ("slides", "pptx", "pptx"),
}
DEFAULT_FORMATS = ("html", "docx", "pdf", "revealjs", "pptx")

_NS = {
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
}


class RenderFailed(SurveyError):
    """Quarto ran but did not produce the document."""


def find_quarto() -> Path | None:
    """The ``quarto`` executable on ``PATH`` (or ``$QUARTO_PATH``), or ``None``."""
    explicit = os.environ.get("QUARTO_PATH")
    if explicit and Path(explicit).is_file():
        return Path(explicit)
    found = shutil.which("quarto")
    return Path(found) if found else None


def render_dir(paths: Paths, wave: str) -> Path:
    """Where rendered documents of one wave are written."""
    return paths.output(wave) / "render"


def output_name(document: str, lang: str, ext: str) -> str:
    """File name of one rendered document, e.g. ``report-fi.docx``."""
    return f"{document}-{lang}.{ext}"


def quarto_missing_message(paths: Paths, wave: str) -> str:
    """The one sentence shown when Quarto is not installed."""
    return (f"Quarto is not installed (no `quarto` on PATH), so the report and slides were not rendered; "
            f"{INSTALL_HINT} and rerun `survey render`; the charts, tables and results are already in "
            f"{paths.output(wave)}.")


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def collect_alt_texts(figures_dir: Path, lang: str = "fi") -> dict[str, str]:
    """Map the SHA-256 of every figure PNG in ``figures_dir`` to its alt text in ``lang``.

    Alt text is read from the size's sidecar ``<id>.<size>.alt.<lang>.txt`` (the slide
    and report pictures of one result may differ), else ``<id>.alt.<lang>.txt`` (or
    ``<id>.alt.txt``); a chart drawn for one language (``<id>.<size>.<lang>.png``) gets
    that language's alt text.
    """
    alts: dict[str, str] = {}
    figures_dir = Path(figures_dir)
    if not figures_dir.is_dir():
        return alts
    for png in sorted(figures_dir.glob("*.png")):
        parts = png.name.split(".")  # <id>.<size>.png or <id>.<size>.<lang>.png
        result_id = parts[0]
        shown = parts[2] if len(parts) == 4 else lang
        sized = figures_dir / f"{result_id}.{parts[1]}.alt.{shown}.txt" if len(parts) >= 3 else None
        alt = sized.read_text(encoding="utf-8").strip() if sized is not None and sized.is_file() else ""
        alt = alt or read_alt_text(figures_dir, result_id, shown)
        if alt:
            alts[sha256_bytes(png.read_bytes())] = alt
    return alts


def read_alt_text(figures_dir: Path, result_id: str, lang: str = "fi") -> str:
    """The sidecar alt text of one figure, or '' when there is none."""
    for name in (f"{result_id}.alt.{lang}.txt", f"{result_id}.alt.fi.txt", f"{result_id}.alt.txt"):
        file = Path(figures_dir) / name
        if file.is_file():
            return file.read_text(encoding="utf-8").strip()
    return ""


def _save_docx(document, path: Path) -> None:
    from survey.files import write_bytes_atomic
    buffer = io.BytesIO()
    document.save(buffer)
    write_bytes_atomic(path, buffer.getvalue())


def _docx_pictures(document):
    """(docPr element, image bytes) for every picture in the body, headers and footers."""
    parts = [document.part]
    for section in document.sections:
        for hf in (section.header, section.footer):
            if not hf.is_linked_to_previous:
                parts.append(hf.part)
    for part in parts:
        for holder in part.element.iter(f"{{{_NS['wp']}}}inline", f"{{{_NS['wp']}}}anchor"):
            doc_pr = holder.find(f"{{{_NS['wp']}}}docPr")
            blip = holder.find(f".//{{{_NS['a']}}}blip")
            if doc_pr is None or blip is None:
                continue
            rid = blip.get(f"{{{_NS['r']}}}embed")
            if not rid or rid not in part.related_parts:
                continue
            yield doc_pr, part.related_parts[rid].blob


def repair_alt_text_docx(path: Path, alts: Mapping[str, str]) -> int:
    """Write alt text into every picture of a .docx whose bytes are in ``alts``.

    ``alts`` maps the SHA-256 (hex) of an image's bytes to its alt text (see
    :func:`collect_alt_texts`). Sets ``wp:docPr/@descr`` (what Word shows as alt
    text) in place, atomically. Returns how many pictures now carry alt text from ``alts``.
    """
    from docx import Document
    path = Path(path)
    document = Document(str(path))
    repaired = 0
    for doc_pr, blob in _docx_pictures(document):
        alt = alts.get(sha256_bytes(blob))
        if alt:
            doc_pr.set("descr", alt)
            repaired += 1
    if repaired:
        _save_docx(document, path)
    return repaired


def docx_pictures_without_alt(path: Path) -> list[str]:
    """Names of pictures in a .docx whose alt text (``descr``) is empty."""
    from docx import Document
    document = Document(str(path))
    return [doc_pr.get("name", "") for doc_pr, _ in _docx_pictures(document) if not (doc_pr.get("descr") or "").strip()]


def _pptx_pictures(presentation):
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    def walk(shapes):
        for shape in shapes:
            if shape.shape_type == MSO_SHAPE_TYPE.GROUP:
                yield from walk(shape.shapes)
            elif shape.shape_type == MSO_SHAPE_TYPE.PICTURE or hasattr(shape, "image"):
                try:
                    blob = shape.image.blob
                except (AttributeError, ValueError, KeyError):
                    continue
                yield shape, blob

    for slide in presentation.slides:
        yield from walk(slide.shapes)


def repair_alt_text_pptx(path: Path, alts: Mapping[str, str]) -> int:
    """Write alt text into every picture of a .pptx whose bytes are in ``alts``.

    Sets ``p:cNvPr/@descr`` of each matching picture, in place and atomically.
    Returns how many pictures now carry alt text from ``alts``.
    """
    from pptx import Presentation
    path = Path(path)
    presentation = Presentation(str(path))
    repaired = 0
    for shape, blob in _pptx_pictures(presentation):
        alt = alts.get(sha256_bytes(blob))
        if alt:
            shape._element._nvXxPr.cNvPr.set("descr", alt)
            repaired += 1
    if repaired:
        _save_pptx(presentation, path)
    return repaired


def pptx_pictures_without_alt(path: Path) -> list[str]:
    """Names of pictures in a .pptx whose alt text (``descr``) is empty."""
    from pptx import Presentation
    presentation = Presentation(str(path))
    return [shape.name for shape, _ in _pptx_pictures(presentation)
            if not (shape._element._nvXxPr.cNvPr.get("descr") or "").strip()]


def _save_pptx(presentation, path: Path) -> None:
    from survey.files import write_bytes_atomic
    buffer = io.BytesIO()
    presentation.save(buffer)
    write_bytes_atomic(path, buffer.getvalue())


def add_banner_docx(path: Path, text: str) -> None:
    """Put ``text`` as the first line of every section's page header of a .docx."""
    from docx import Document
    from docx.shared import RGBColor
    document = Document(str(path))
    for section in document.sections:
        header = section.header
        header.is_linked_to_previous = False
        paragraph = header.paragraphs[0] if header.paragraphs else header.add_paragraph()
        if paragraph.text.strip() == text:
            continue
        if paragraph.text.strip():
            paragraph = paragraph.insert_paragraph_before()
        run = paragraph.add_run(text)
        run.bold = True
        run.font.color.rgb = RGBColor(0x9A, 0x1C, 0x1C)
    _save_docx(document, path)


def add_banner_pptx(path: Path, text: str) -> None:
    """Put ``text`` in a small box at the top of every slide of a .pptx."""
    from pptx import Presentation
    from pptx.dml.color import RGBColor
    from pptx.util import Pt
    presentation = Presentation(str(path))
    width = presentation.slide_width
    for slide in presentation.slides:
        if any(getattr(s, "name", "") == "survey-banner" for s in slide.shapes):
            continue
        box = slide.shapes.add_textbox(0, 0, width, Pt(22))
        box.name = "survey-banner"
        frame = box.text_frame
        frame.text = text
        run = frame.paragraphs[0].runs[0]
        run.font.size = Pt(12)
        run.font.bold = True
        run.font.color.rgb = RGBColor(0x9A, 0x1C, 0x1C)
    _save_pptx(presentation, path)


def quarto_command(quarto: Path, paths: Paths, wave: str, fmt: str, *, compare: str | None, lang: str,
                   title: str = "", banner: str = "") -> tuple[list[str], Path]:
    """The ``quarto render`` command line for one format, and the file it will write."""
    document, quarto_format, ext = FORMATS[fmt]
    out_dir = render_dir(paths, wave)
    name = output_name(document, lang, ext)
    command = [str(quarto), "render", str(paths.reports / f"{document}.qmd"), "--to", quarto_format,
               "--output-dir", str(out_dir), "--output", name,
               "-P", f"wave:{wave}", "-P", f"compare:{compare or 'auto'}", "-P", f"lang:{lang}",
               "-M", f"lang:{lang}"]
    if title:
        command += ["-M", f"title:{title}"]
    if banner and quarto_format == "revealjs":
        command += ["-M", f"footer:{banner}"]
    return command, out_dir / name


def render(project: "Project | Path | None" = None, wave: str | None = None, to: str | None = None,
           compare: str | None = None, lang: str | None = None) -> list[Path]:
    """Render the report and slides of ``wave`` with Quarto; return the files written.

    ``to`` is one of :data:`FORMATS` (default: all of :data:`DEFAULT_FORMATS`);
    ``project`` is a loaded :class:`~survey.config.Project` or a project folder;
    ``compare`` a wave id, ``"none"``, or ``None`` for the wave's ``compare_to``;
    ``lang`` defaults to the project's first language. Raises ``QuartoMissing``
    (exit 3) when Quarto is not installed and ``RenderFailed`` when it fails.
    """
    from survey import report as report_helpers
    proj = project if isinstance(project, Project) else load_project(project)
    paths = proj.paths
    wave_obj = proj.wave(wave)
    lang = lang or proj.language
    formats = [to] if to else list(DEFAULT_FORMATS)
    for fmt in formats:
        if fmt not in FORMATS:
            from survey.errors import ConfigError
            raise ConfigError(f"unknown output format '{fmt}' (use {', '.join(FORMATS)})")
    quarto = find_quarto()
    if quarto is None:
        raise QuartoMissing(quarto_missing_message(paths, wave_obj.id))
    if not paths.results(wave_obj.id).is_dir():
        raise SurveyError(f"no results for wave '{wave_obj.id}' in {paths.results(wave_obj.id)}; "
                          f"run `survey run --wave {wave_obj.id}` first")
    texts = report_helpers.load_texts(lang, paths)
    title = texts.get("report_title", "")
    banner = report_helpers.banner_text(lang) if wave_obj.synthetic else ""
    env = dict(os.environ, SURVEY_PROJECT=str(paths.root))
    written: list[Path] = []
    for fmt in formats:
        command, target = quarto_command(quarto, paths, wave_obj.id, fmt, compare=compare, lang=lang,
                                         title=title if FORMATS[fmt][0] == "report" else texts.get("slides_title", ""),
                                         banner=banner)
        target.parent.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(command, cwd=paths.root, env=env, capture_output=True, text=True)
        if done.returncode != 0 or not target.is_file():
            tail = (done.stderr or done.stdout or "").strip().splitlines()[-5:]
            raise RenderFailed(f"quarto render --to {FORMATS[fmt][1]} failed: " + " | ".join(tail))
        alts = collect_alt_texts(paths.figures(wave_obj.id), lang)
        if target.suffix == ".docx":
            repair_alt_text_docx(target, alts)
            if banner:
                add_banner_docx(target, banner)
        elif target.suffix == ".pptx":
            repair_alt_text_pptx(target, alts)
            if banner:
                add_banner_pptx(target, banner)
        written.append(target)
    return written
