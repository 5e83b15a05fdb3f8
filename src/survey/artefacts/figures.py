"""Figures: each result's charts drawn and written as PNG and SVG, with their alt-text sidecars.

Every writer here produces identical bytes on a rerun: matplotlib metadata carries no
date or version and SVG ids come from a fixed hash salt.
"""

from __future__ import annotations

import hashlib
import io
import multiprocessing
import os
import pickle
from pathlib import Path
from xml.sax.saxutils import escape

import matplotlib

from survey.kinds import charts, style
from survey.model import Result, to_json
from survey.processes import map_in_workers
from survey.store import cache, files

PNG_DPI = 200
PNG_METADATA = {"Software": None}
SVG_METADATA = {"Date": None, "Creator": None, "Format": None, "Type": None}


def figure_bytes(fig, fmt: str) -> bytes:
    """The figure as PNG or SVG bytes, reproducibly (no dates, fixed SVG hash salt).

    The chart's title and alt text (``fig.survey``, set by ``charts.draw``) travel with
    the file: PNG ``Title``/``Description`` text chunks, SVG ``<title>``/``<desc>``
    with ``role="img"``, so the picture keeps its text alternative outside HTML.
    """
    info = getattr(fig, "survey", {}) or {}
    title, alt = info.get("title") or "", info.get("alt") or ""
    buffer = io.BytesIO()
    rc = {"svg.hashsalt": "survey", "svg.fonttype": "none"}  # labels stay text: selectable and editable
    with matplotlib.rc_context(rc):
        if fmt == "png":
            metadata = dict(PNG_METADATA)
            if title:
                metadata["Title"] = title
            if alt:
                metadata["Description"] = alt
            fig.savefig(buffer, format="png", dpi=PNG_DPI, metadata=metadata, facecolor=style.BACKGROUND)
        elif fmt == "svg":
            fig.savefig(buffer, format="svg", metadata=SVG_METADATA, facecolor=style.BACKGROUND)
            return _svg_with_text(buffer.getvalue(), title, alt)
        else:
            raise ValueError(f"unsupported figure format {fmt!r}")
    return buffer.getvalue()


def _svg_with_text(data: bytes, title: str, alt: str) -> bytes:
    """Insert ``<title>`` and ``<desc>`` as the first children of the root ``<svg>`` element."""
    if not (title or alt):
        return data

    text = data.decode("utf-8")
    start = text.find("<svg")
    end = text.find(">", start)
    if start < 0 or end < 0:
        return data
    opening = text[start:end]
    if "role=" not in opening:
        opening += ' role="img" aria-labelledby="chart-title chart-desc"'
    inserted = (f'\n <title id="chart-title">{escape(title)}</title>'
                f'\n <desc id="chart-desc">{escape(alt)}</desc>')
    return (text[:start] + opening + text[end:end + 1] + inserted + text[end + 1:]).encode("utf-8")


def save_figure(fig, stem: Path, formats: tuple[str, ...] = ("png", "svg")) -> list[Path]:
    """Write ``<stem>.png`` (200 dpi) and ``<stem>.svg`` atomically; return the paths written.

    ``fig=None`` (a result without a chart, see ``charts.has_chart``) writes nothing.
    """
    if fig is None:  # kinds without a chart (interview quotes)
        return []
    stem = Path(stem)
    written = []
    engine = fig.get_layout_engine()
    try:
        for i, fmt in enumerate(formats):
            if i == 1 and engine is not None:
                fig.set_layout_engine("none")  # the layout of the first render is kept: no second solve
            path = stem.with_name(f"{stem.name}.{fmt}")
            files.write_bytes_atomic(path, figure_bytes(fig, fmt))
            written.append(path)
    finally:
        if engine is not None and fig.get_layout_engine() is not engine:
            fig.set_layout_engine(engine)
    return written


# -- alt-text sidecars -------------------------------------------------------------------

def write_alt_sidecar(stem: Path, alt: dict, title: dict | None = None) -> list[Path]:
    """Write ``<stem>.alt.<lang>.txt`` per language: the alt text to paste with the picture.

    ``stem`` is the figure's path without extension (``figures/<id>.slide``); ``alt``
    maps language -> alt text, ``title`` (optional) language -> a short title, written
    as the first line (PowerPoint's alt-text dialog has a title and a description).
    """
    stem = Path(stem)
    written = []
    for lang in sorted(alt):
        lines = [title[lang]] if title and title.get(lang) else []
        lines.append(alt[lang])
        path = stem.with_name(f"{stem.name}.alt.{lang}.txt")
        files.write_text_atomic(path, "\n".join(lines) + "\n")
        written.append(path)
    return written


def write_slide_manifest(entries: list[dict], path: Path) -> Path:
    """A JSON list of ``{png, svg, alt: {lang: text}, title}`` for the presenter (stable order)."""
    return files.write_text_atomic(Path(path), to_json(sorted(entries, key=lambda e: str(e.get("png")))) + "\n")


# -- drawing every chart of a wave -------------------------------------------------------

def draw_result(result: Result, folder: Path, languages: tuple[str, ...], wave_label: "str | dict",
                synthetic: bool, theme=None, sources: dict | None = None) -> str:
    """Draw one result's report and slide charts and write them with their alt texts into ``folder``.

    The first language's files are ``<id>.<size>.png/.svg``; each further report
    language gets ``<id>.<size>.<lang>.png/.svg``. Alt text: ``<id>.<size>.alt.<lang>.txt``
    describes that size's picture (a dense breakdown is a heatmap on a slide);
    ``<id>.alt.<lang>.txt`` is the report picture's. ``sources``: lang -> the dataset's name
    (the footer's source line).
    """
    if not charts.has_chart(result):
        return result.id
    for i, lang in enumerate(languages):
        suffix = "" if i == 0 else f".{lang}"
        source = (sources or {}).get(lang, "")
        label = wave_label.get(lang, "") if isinstance(wave_label, dict) else wave_label  # {lang: label} or one
        for size in ("report", "slide"):
            figure = charts.draw(result, lang=lang, size=size, wave_label=label, synthetic=synthetic,
                                 source=source, theme=theme)
            if figure is not None:
                save_figure(figure, folder / f"{result.id}.{size}{suffix}")
                files.write_text_atomic(folder / f"{result.id}.{size}.alt.{lang}.txt", figure.survey["alt"] + "\n")
        files.write_text_atomic(folder / f"{result.id}.alt.{lang}.txt",
                                charts.alt_text(result, lang, synthetic=synthetic) + "\n")
    return result.id


def _draw_task(args: tuple) -> str:
    result_dict, folder, languages, wave_label, synthetic, theme, sources = args
    return draw_result(Result.from_dict(result_dict), Path(folder), languages, wave_label, synthetic, theme, sources)


def dataset_sources(project, languages) -> dict:
    """dataset -> lang -> the dataset's name, for the charts' source lines."""
    return {d: {lang: project.dataset_title(d, lang) for lang in languages} for d in project.datasets}


def _quiet(_: str) -> None:
    return None


def draw_all(results: list[Result], folder: Path, languages: tuple[str, ...], wave_label: str, synthetic: bool,
             theme=None, previous: Path | None = None, progress=_quiet, sources: dict | None = None) -> None:
    """Draw every chart not already drawn identically by the previous run, on two processes.

    ``sources``: dataset -> lang -> the dataset's name (:func:`dataset_sources`).
    """
    sources = sources or {}
    code = cache.chart_code_digest() + hashlib.sha256(pickle.dumps(theme)).hexdigest()
    keys = {r.id: cache.figure_key(r, languages, wave_label, synthetic, code,
                                   cache.chart_texts(r, languages, sources)) for r in results}
    todo = cache.reuse_figures(results, previous, folder, keys) if previous and previous.is_dir() else list(results)
    if len(todo) < len(results):
        progress(f"  {len(results) - len(todo)} charts unchanged since the last run, reused")
    workers = min(2, os.cpu_count() or 1)
    if workers < 2 or len(todo) < 6 or "fork" not in multiprocessing.get_all_start_methods():
        for i, result in enumerate(todo, 1):
            progress(f"  chart {i}/{len(todo)}: {result.id}")
            draw_result(result, folder, languages, wave_label, synthetic, theme, sources.get(result.dataset))
    else:
        tasks = [(r.to_dict(), str(folder), languages, wave_label, synthetic, theme, sources.get(r.dataset))
                 for r in todo]
        for i, done in enumerate(map_in_workers(_draw_task, tasks, workers), 1):
            progress(f"  chart {i}/{len(todo)}: {done}")
    files.write_text_atomic(folder / cache.FIGURE_CACHE, to_json(keys))
