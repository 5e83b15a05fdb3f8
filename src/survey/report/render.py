"""The render step: ``quarto render`` of the report and the slides, then repairs.

Quarto is an external program. When it is not on ``PATH`` :func:`render` raises
:class:`survey.errors.QuartoMissing` (exit code 3) with one sentence saying so, how to
install it and where the artefacts the pipeline already produced are.

The documents are the package's templates (``survey/templates``), the same for every
project. :func:`stage` builds a small Quarto project for one wave and one language in
a temporary folder inside the wave's output folder: the templates with the wave,
language and project filled in, the project's own chapters (``reports/*.qmd`` in the
project folder), the figures in that language (drawn from the results when the
pipeline did not draw that language) and a metadata file per document (title,
language, the synthetic-data footer)::
    report.qmd  -> html (one self-contained file), docx, typst (-> pdf)
    slides.qmd  -> revealjs (one self-contained file), pptx

Quarto renders there with no ``--output`` (so every file lands where Quarto expects
it); the finished file is moved to ``<output>/<wave>/render/report-<lang>.<ext>`` (or
``slides-…``) and the staging folder is removed, also when a render fails: Quarto never
writes into the project folder or its ``.gitignore``.

Word and PowerPoint lose the alt text of images (pandoc writes the caption or the
file path instead), so after Quarto has written them, :func:`repair_alt_text_docx`
and :func:`repair_alt_text_pptx` put the chart functions' alt text back, matching each
embedded picture to its figure file by the SHA-256 of its bytes. For a synthetic wave
a banner is written into every page header (docx) and onto every slide (pptx);
Typst gets its page header from the document, revealjs its footer from the metadata.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml
from docx import Document
from docx.shared import RGBColor as DocxColor
from pptx import Presentation
from pptx.dml.color import RGBColor as PptxColor
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.util import Pt

from survey import catalogue, store
from survey.artefacts import figures
from survey.errors import EXIT_RENDER, ConfigError, QuartoMissing, SurveyError, UsageError
from survey.kinds import style
from survey.project.config import Paths, Project, load_project
from survey.report.data import banner_text, charts_shown, load_texts, read_alt_text, read_results
from survey.store.files import write_bytes_atomic

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

    exit_code = EXIT_RENDER


def python_bin() -> Path:
    """The folder of the Python running survey (a venv's ``bin``, where ``pip install quarto-cli`` puts ``quarto``).

    ``sys.executable`` is not resolved: in a venv it is a link whose folder is the venv's.
    """
    return Path(sys.executable).parent


def find_quarto() -> Path | None:
    """The ``quarto`` executable, or ``None``.

    In order: ``$QUARTO_PATH``, ``quarto`` on ``PATH``, then ``quarto`` beside the
    running Python (``.venv/bin/python -m pip install quarto-cli`` without the venv
    activated, as the README says).
    """
    explicit = os.environ.get("QUARTO_PATH")
    if explicit and Path(explicit).is_file():
        return Path(explicit)
    found = shutil.which("quarto") or shutil.which("quarto", path=str(python_bin()))
    return Path(found) if found else None


def render_env(paths: Paths) -> dict[str, str]:
    """The environment ``quarto render`` runs in: the documents' kernel is the Python running survey.

    Quarto's Jupyter engine starts ``$QUARTO_PYTHON``, else the first ``python3`` on
    ``PATH``; both are pinned to this Python (and its folder put first on ``PATH``), so a
    ``.venv/bin/survey`` run without activating the venv still gets a kernel that has
    ``survey`` and Jupyter.
    """
    search = [str(python_bin())] + [p for p in os.environ.get("PATH", "").split(os.pathsep)
                                    if p and p != str(python_bin())]
    return dict(os.environ, SURVEY_PROJECT=str(paths.root), MPLBACKEND="Agg", QUARTO_PYTHON=sys.executable,
                PATH=os.pathsep.join(search))


def render_dir(paths: Paths, wave: str) -> Path:
    """Where rendered documents of one wave are written."""
    return paths.output(wave) / "render"


def output_name(document: str, lang: str, ext: str) -> str:
    """File name of one rendered document, e.g. ``report-fi.docx``."""
    return f"{document}-{lang}.{ext}"


def quarto_missing_message(paths: Paths, wave: str) -> str:
    """The one sentence shown when Quarto is not installed."""
    return (f"Quarto is not installed (no `quarto` on PATH or in {python_bin()}), so the report and slides were "
            f"not rendered; "
            f"{INSTALL_HINT} and rerun `survey render` (it draws the report's charts); the slide charts, decks, "
            f"tables and results are already in {paths.output(wave)}.")


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


def _save_docx(document, path: Path) -> None:
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
    document = Document(str(path))
    return [doc_pr.get("name", "") for doc_pr, _ in _docx_pictures(document) if not (doc_pr.get("descr") or "").strip()]


def _pptx_pictures(presentation):
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
    presentation = Presentation(str(path))
    return [shape.name for shape, _ in _pptx_pictures(presentation)
            if not (shape._element._nvXxPr.cNvPr.get("descr") or "").strip()]


def _save_pptx(presentation, path: Path) -> None:
    buffer = io.BytesIO()
    presentation.save(buffer)
    write_bytes_atomic(path, buffer.getvalue())


def add_banner_docx(path: Path, text: str) -> None:
    """Put ``text`` as the first line of every section's page header of a .docx."""
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
        run.font.color.rgb = DocxColor(0x9A, 0x1C, 0x1C)
    _save_docx(document, path)


def add_banner_pptx(path: Path, text: str) -> None:
    """Put ``text`` in a small box at the top of every slide of a .pptx."""
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
        run.font.color.rgb = PptxColor(0x9A, 0x1C, 0x1C)
    _save_pptx(presentation, path)


# --------------------------------------------------------------------------- staging
TEMPLATES = Path(__file__).resolve().parent / "templates"
STAGING_PREFIX = "render-staging-"  # no leading dot: Quarto skips hidden paths
PARAMS_MARK = "# survey: parameters"
CHAPTERS_MARK = "<!-- survey: project chapters -->"
SYNTHETIC_CSS = ("<style>.survey-synthetic{border-left:6px solid #9a1c1c;background:#fbeeee;color:#1a1a1a;"
                 "padding:.6em 1em;margin:1em 0}</style>")


@dataclass(frozen=True)
class Staged:
    """A staging Quarto project for one wave and language (see :func:`stage`)."""

    folder: Path
    wave: str
    lang: str

    def document(self, document: str) -> Path:
        return self.folder / f"{document}.qmd"

    def metadata(self, document: str) -> Path:
        return self.folder / f"_meta-{document}.yml"

    def output(self, fmt: str) -> Path:
        """Where Quarto writes one format (beside the document: no ``--output``)."""
        document, _, ext = FORMATS[fmt]
        return self.folder / f"{document}.{ext}"

    @property
    def figures(self) -> Path:
        return self.folder / "figures"


def project_chapters(paths: Paths, lang: str) -> list[Path]:
    """The project's own chapters: ``reports/*.qmd`` in the project folder, by name.

    ``<name>.<lang>.qmd`` is a chapter in one language only (left out of the others).
    """
    folder = paths.reports
    if not folder.is_dir():
        return []
    chapters = []
    for file in sorted(folder.glob("*.qmd")):
        parts = file.name.split(".")
        if len(parts) == 3 and parts[1] in catalogue.LANGUAGES and parts[1] != lang:
            continue
        chapters.append(file)
    return chapters


def _front_matter(text: str) -> tuple[dict, str]:
    _, head, body = text.split("---\n", 2)
    return yaml.safe_load(head) or {}, body


def _with_front_matter(data: dict, body: str) -> str:
    return "---\n" + yaml.safe_dump(data, allow_unicode=True, sort_keys=False) + "---\n" + body


def _fill_parameters(body: str, values: dict) -> str:
    """The parameters cell's defaults replaced by ``values`` (no papermill needed)."""
    lines = body.splitlines()
    start = lines.index(PARAMS_MARK)
    end = next(i for i in range(start, len(lines)) if lines[i].startswith("```"))
    lines[start + 1:end] = [f"{key} = {value!r}" for key, value in values.items()]
    return "\n".join(lines) + "\n"


def format_links(lang: str, formats: list[str], present: set[str], texts: dict) -> list[dict]:
    """The report page's links to its PDF and Word versions (their final names), labelled 'PDF'."""
    links = []
    for fmt, key, icon in (("pdf", "format_pdf", "file-pdf"), ("docx", "format_docx", "file-word")):
        name = output_name("report", lang, FORMATS[fmt][2])
        if fmt in formats or name in present:
            links.append({"text": texts[key], "href": name, "icon": icon})
    return links


def stage_figures(project: Project, wave, lang: str, target: Path, progress=None) -> int:
    """Copy (or draw) every figure the report and slides of ``wave`` show in ``lang`` into ``target``.

    Staged figures are ``<id>.<size>.png`` with their alt texts. The pipeline's own
    figures of ``lang`` are copied; a chart they lack is drawn here from the results: the
    report-size charts of a run that did not render the report (``--no-render``, no
    Quarto), and every chart of a language the pipeline did not draw, so no chart is in
    the wrong language. Returns how many figure files ``target`` holds.
    """
    target.mkdir(parents=True, exist_ok=True)
    source = project.paths.figures(wave.id)
    if lang in project.languages and source.is_dir():
        suffix = [] if lang == project.language else [lang]
        for png in sorted(source.glob("*.png")):
            parts = png.name.split(".")
            if len(parts) >= 3 and parts[2:-1] == suffix:
                shutil.copy2(png, target / f"{parts[0]}.{parts[1]}.png")
        for alt in sorted(source.glob(f"*.alt.{lang}.txt")):
            shutil.copy2(alt, target / alt.name)
    results = read_results(project.paths, wave.id)
    drawn = figures.charted(list(results.values()), project.instruments())
    shown = charts_shown(project, wave, drawn)
    missing = {r.id: tuple(size for size in figures.SIZES
                           if r.id in shown[size] and not (target / f"{r.id}.{size}.png").is_file()) for r in drawn}
    missing = {rid: sizes for rid, sizes in missing.items() if sizes}
    if missing:
        figures.draw_all([results[rid] for rid in missing], target, (lang,), wave.label_in(lang),
                         bool(wave.synthetic), theme=style.project_theme(project),
                         progress=progress or (lambda _: None), sources=figures.dataset_sources(project, (lang,)),
                         sizes=missing, formats=("png",))  # Quarto reads PNG
    return len(list(target.glob("*.png")))


def stage(project: Project, wave_id: str, lang: str, folder: Path, *, compare: str | None = None,
          formats: list[str] | None = None, progress=None) -> Staged:
    """Write the staging Quarto project of one wave and language into ``folder``.

    ``folder`` gets ``_quarto.yml``, ``report.qmd`` and ``slides.qmd`` (parameters
    filled in, the project's chapters included), ``figures/`` and the metadata files.
    """
    wave = project.wave(wave_id)
    paths = project.paths
    formats = list(formats or DEFAULT_FORMATS)
    folder.mkdir(parents=True, exist_ok=True)
    staged = Staged(folder=folder, wave=wave.id, lang=lang)
    texts = load_texts(lang, paths)
    shutil.copy2(TEMPLATES / "_quarto.yml", folder / "_quarto.yml")
    stage_figures(project, wave, lang, staged.figures, progress)
    params = {"wave": wave.id, "compare": compare or "auto", "lang": lang, "project": str(paths.root),
              "figures": str(staged.figures)}
    present = {p.name for p in render_dir(paths, wave.id).glob("*")} if render_dir(paths, wave.id).is_dir() else set()
    includes = []
    for i, chapter in enumerate(project_chapters(paths, lang), 1):
        name = f"_project-{i:02d}-{chapter.stem.split('.')[0]}.qmd"
        shutil.copy2(chapter, folder / name)
        includes.append("{{< include " + name + " >}}")
    label = wave.label_in(lang)
    banner = banner_text(lang, paths) if wave.synthetic else ""
    subtitle = f"{label} – {banner}" if banner else label
    for document in ("report", "slides"):
        head, body = _front_matter((TEMPLATES / f"{document}.qmd").read_text(encoding="utf-8"))
        body = _fill_parameters(body, params)
        if document == "report":
            body = body.replace(CHAPTERS_MARK, "\n\n".join(includes) or CHAPTERS_MARK)
            html = head["format"]["html"]
            html["format-links"] = format_links(lang, formats, present, texts) or False
            if banner:
                html["include-in-header"] = [{"text": SYNTHETIC_CSS}]
        staged.document(document).write_text(_with_front_matter(head, body), encoding="utf-8")
        meta = {"title": texts["report_title" if document == "report" else "slides_title"],
                "subtitle": subtitle, "lang": lang}
        if document == "slides" and banner:
            meta["footer"] = banner
        staged.metadata(document).write_text(yaml.safe_dump(meta, allow_unicode=True, sort_keys=False),
                                             encoding="utf-8")
    return staged


def quarto_command(quarto: Path, staged: Staged, fmt: str) -> list[str]:
    """The ``quarto render`` command line for one format, run inside the staging folder.

    No ``--output``: Quarto writes ``<document>.<ext>`` beside the document, which is
    where its support files are looked for (see QUARTO.md).
    """
    document, quarto_format, _ = FORMATS[fmt]
    return [str(quarto), "render", staged.document(document).name, "--to", quarto_format,
            "--metadata-file", staged.metadata(document).name]


def _finish(path: Path, fmt: str, staged: Staged, banner: str) -> None:
    """Alt text (and the synthetic banner) written into a Word or PowerPoint file."""
    alts = collect_alt_texts(staged.figures, staged.lang)
    if path.suffix == ".docx":
        repair_alt_text_docx(path, alts)
        if banner:
            add_banner_docx(path, banner)
    elif path.suffix == ".pptx":
        repair_alt_text_pptx(path, alts)
        if banner:
            add_banner_pptx(path, banner)


def render(project: "Project | Path | None" = None, wave: str | None = None, to: str | None = None,
           compare: str | None = None, lang: str | None = None, progress=None) -> list[Path]:
    """Render the report and slides of ``wave`` with Quarto; return the files written.

    ``to`` is one of :data:`FORMATS` (default: all of :data:`DEFAULT_FORMATS`);
    ``project`` is a loaded :class:`~survey.project.config.Project` or a project folder;
    ``compare`` a wave id, ``"none"``, or ``None`` for the wave's ``compare_to``;
    ``lang`` defaults to the project's first language. Raises ``QuartoMissing``
    (exit 3) when Quarto is not installed and ``RenderFailed`` when it fails; a
    failed format leaves nothing behind (the staging folder is removed).
    """
    proj = project if isinstance(project, Project) else load_project(project)
    paths = proj.paths
    store.recover(paths)  # a swap of the outputs interrupted by a kill is repaired before they are read
    wave_obj = proj.wave(wave)
    lang = lang or proj.language
    if lang not in catalogue.LANGUAGES:
        raise ConfigError(f"unknown report language '{lang}' (use {', '.join(catalogue.LANGUAGES)})")
    formats = [to] if to else list(DEFAULT_FORMATS)
    for fmt in formats:
        if fmt not in FORMATS:
            raise ConfigError(f"unknown output format '{fmt}' (use {', '.join(FORMATS)})")
    quarto = find_quarto()
    if quarto is None:
        raise QuartoMissing(quarto_missing_message(paths, wave_obj.id))
    if not paths.results(wave_obj.id).is_dir():
        raise UsageError(f"no results for wave '{wave_obj.id}' in {paths.results(wave_obj.id)}; "
                         f"run `survey run --wave {wave_obj.id}` first")
    banner = banner_text(lang, paths) if wave_obj.synthetic else ""
    out_dir = render_dir(paths, wave_obj.id)
    folder = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{lang}-", dir=paths.output(wave_obj.id)))
    env = render_env(paths)
    written: list[Path] = []
    try:
        staged = stage(proj, wave_obj.id, lang, folder, compare=compare, formats=formats, progress=progress)
        for fmt in formats:
            done = subprocess.run(quarto_command(quarto, staged, fmt), cwd=folder, env=env,
                                  capture_output=True, text=True)
            produced = staged.output(fmt)
            if done.returncode != 0 or not produced.is_file():
                tail = (done.stderr or done.stdout or "").strip().splitlines()[-5:]
                raise RenderFailed(f"quarto render --to {FORMATS[fmt][1]} failed (exit {done.returncode}): "
                                   + (" | ".join(tail) or "no output file was written"))
            _finish(produced, fmt, staged, banner)
            out_dir.mkdir(parents=True, exist_ok=True)
            document, _, ext = FORMATS[fmt]
            target = out_dir / output_name(document, lang, ext)
            os.replace(produced, target)
            written.append(target)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return written
