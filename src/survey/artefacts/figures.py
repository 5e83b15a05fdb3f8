"""Figures: each result's charts drawn and written as PNG and SVG, with their alt-text sidecars.

Every writer here produces identical bytes on a rerun: the PNG carries no date or version
and SVG ids come from a fixed hash salt. PNGs are RGB (the background is opaque) at the
size's resolution (``style.SIZES``), their rows unfiltered and deflated at
:data:`PNG_COMPRESS_LEVEL` (:func:`encode_png`).
"""

from __future__ import annotations

import hashlib
import io
import multiprocessing
import os
import pickle
import struct
import zlib
from pathlib import Path
from typing import Callable
from xml.sax.saxutils import escape

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg

from survey.kinds import charts, style
from survey.model import Result, to_json
from survey.processes import started_forked
from survey.store import cache, files

PNG_COMPRESS_LEVEL = 3  # zlib on unfiltered rows: a chart's flat colours need no filter; half Pillow's time
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SVG_METADATA = {"Date": None, "Creator": None, "Format": None, "Type": None}


def figure_bytes(fig, fmt: str) -> bytes:
    """The figure as PNG or SVG bytes, reproducibly (no dates, fixed SVG hash salt).

    The chart's title and alt text (``fig.survey``, set by ``charts.draw``) travel with
    the file: PNG ``Title``/``Description`` text chunks, SVG ``<title>``/``<desc>``
    with ``role="img"``, so the picture keeps its text alternative outside HTML.
    """
    info = getattr(fig, "survey", {}) or {}
    title, alt = info.get("title") or "", info.get("alt") or ""
    if fmt not in FORMATS:
        raise ValueError(f"unsupported figure format {fmt!r}")
    with matplotlib.rc_context(style.RENDER_RC):  # as drawn; SVG labels stay text: selectable and editable
        if fmt == "png":
            return png_bytes(fig, style.SIZES[info.get("size", "report")].dpi, title, alt)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="svg", metadata=SVG_METADATA, facecolor=style.BACKGROUND)
    return _svg_with_text(buffer.getvalue(), title, alt)


def png_bytes(fig, dpi: int, title: str = "", alt: str = "", inspect=None) -> bytes:
    """The figure rastered at ``dpi`` (the Agg raster ``savefig`` makes) as an RGB PNG (:func:`encode_png`).

    ``inspect``: called with the figure and the renderer once the figure is drawn at ``dpi``,
    as the file shows it (``charts.text_problems`` measures its labels there).
    """
    canvas = FigureCanvasAgg(fig)
    shown = fig.dpi
    fig.dpi = dpi
    try:
        fig.patch.set_facecolor(style.BACKGROUND)
        canvas.draw()
        if inspect is not None:
            inspect(fig, canvas.get_renderer())
        raster = np.asarray(canvas.buffer_rgba())  # (height, width, 4); the background is opaque: alpha is 255
        return encode_png(raster, dpi, {"Title": title, "Description": alt})
    finally:
        fig.dpi = shown


def encode_png(pixels: np.ndarray, dpi: int, text: dict[str, str]) -> bytes:
    """An 8-bit RGB PNG of ``pixels`` (height x width x 3, or x 4 whose alpha is left out): ``pHYs`` for
    ``dpi``, a text chunk per non-empty ``text`` entry (``tEXt`` when Latin-1 allows, else UTF-8 ``iTXt``, as
    Pillow writes them), every row with filter 0 and the whole deflated at :data:`PNG_COMPRESS_LEVEL`. No
    date, no software name."""
    height, width, channels = pixels.shape
    rows = np.empty((height, 1 + 3 * width), dtype=np.uint8)
    rows[:, 0] = 0  # filter type "none"
    flat = pixels.reshape(height, channels * width)
    for channel in range(3):  # one strided copy per channel: ten times faster than copying pixel by pixel
        rows[:, 1 + channel::3] = flat[:, channel::channels]
    per_metre = int(dpi / 0.0254 + 0.5)
    chunks = [(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))]
    for key, value in text.items():
        if value:
            try:
                chunks.append((b"tEXt", key.encode("latin-1") + b"\0" + value.encode("latin-1")))
            except UnicodeEncodeError:
                chunks.append((b"iTXt", key.encode("latin-1") + b"\0\0\0\0\0" + value.encode("utf-8")))
    chunks += [(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1)),
               (b"IDAT", zlib.compress(rows, PNG_COMPRESS_LEVEL)), (b"IEND", b"")]
    return PNG_SIGNATURE + b"".join(struct.pack(">I", len(data)) + kind + data
                                    + struct.pack(">I", zlib.crc32(kind + data)) for kind, data in chunks)


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


def save_figure(fig, stem: Path, formats: tuple[str, ...] | None = None) -> list[Path]:
    """Write ``<stem>.<fmt>`` atomically for each format; return the paths written.

    ``formats`` defaults to the figure's size's (:func:`size_formats`: PNG, and SVG at
    slide size). ``fig=None`` (a result without a chart, see ``charts.has_chart``) writes nothing.
    """
    if fig is None:  # kinds without a chart (interview quotes)
        return []
    if formats is None:
        formats = size_formats((getattr(fig, "survey", None) or {}).get("size", "report"))
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

SIZES = ("report", "slide")   # the report's A4 text width and the 16:9 slide
FORMATS = ("png", "svg")      # PNG for the report, the slides and the deck; SVG for the presenter to edit
SVG_SIZES = ("slide",)        # the presenter edits slide pictures; nothing reads a report-size SVG
# about how many single-question bar charts a chart of this kind costs to draw (benchmarks/profile_cold.py)
COST = {"likert": 3, "interview_codes_by": 2, "interview_cooccurrence": 3, "interview_codes": 2,
        "triangulation": 2, "multi": 2, "likert_summary": 2, "breakdown": 2}


def size_formats(size: str, formats: tuple[str, ...] = FORMATS) -> tuple[str, ...]:
    """The formats of ``formats`` a chart of ``size`` is written in (SVG only at the sizes in :data:`SVG_SIZES`)."""
    return tuple(f for f in formats if f != "svg" or size in SVG_SIZES)


def charted(results: list[Result], instruments: dict) -> list[Result]:
    """The results that get a chart: those of a kind with a chart, but not of questions declared ``chart: none``."""
    tables_only = {(name, q.id) for name, instrument in instruments.items() for q in instrument.questions
                   if q.chart == "none"}
    return [r for r in results if (r.dataset, r.question) not in tables_only and charts.has_chart(r)]


def figure_stem(result_id: str, size: str, lang: str, first: bool) -> str:
    """``<id>.<size>`` for the project's first language, ``<id>.<size>.<lang>`` for the others."""
    return f"{result_id}.{size}" + ("" if first else f".{lang}")


def chart_files(result_id: str, size: str, lang: str, first: bool, formats: tuple[str, ...] = FORMATS) -> list[str]:
    """The names one chart (one result, size and language) is written as: its pictures and alt texts.

    ``<stem>.<fmt>`` per format, ``<id>.<size>.alt.<lang>.txt`` (that picture's alt text; a
    dense breakdown is a heatmap on a slide) and, for the report size,
    ``<id>.alt.<lang>.txt`` (the report picture's, what the report reads).
    """
    stem = figure_stem(result_id, size, lang, first)
    names = [f"{stem}.{fmt}" for fmt in size_formats(size, formats)] + [f"{result_id}.{size}.alt.{lang}.txt"]
    if size == "report":
        names.append(f"{result_id}.alt.{lang}.txt")
    return names


def draw_chart(result: Result, folder: Path, lang: str, sizes: tuple[str, ...], *, first: bool, wave_label: str,
               synthetic: bool, theme=None, source: str = "", formats: tuple[str, ...] = FORMATS) -> str:
    """Draw ``result``'s charts in ``lang`` at each of ``sizes`` and write their files (:func:`chart_files`).

    Each figure is laid out once and written in every format from that one layout.
    ``source``: the dataset's name in ``lang`` (the footer's source line).
    """
    for size in sizes:
        figure = charts.draw(result, lang=lang, size=size, wave_label=wave_label, synthetic=synthetic,
                             source=source, theme=theme)
        if figure is None:
            continue
        save_figure(figure, folder / figure_stem(result.id, size, lang, first), size_formats(size, formats))
        alt = figure.survey["alt"] + "\n"
        files.write_text_atomic(folder / f"{result.id}.{size}.alt.{lang}.txt", alt)
        if size == "report":  # the report picture's alt text (charts.alt_text at the report size)
            files.write_text_atomic(folder / f"{result.id}.alt.{lang}.txt", alt)
    return result.id


def _draw_task(args: tuple) -> str:
    result_dict, folder, lang, sizes, options = args
    return draw_chart(Result.from_dict(result_dict), Path(folder), lang, sizes, **options)


def dataset_sources(project, languages) -> dict:
    """dataset -> lang -> the dataset's name, for the charts' source lines."""
    return {d: {lang: project.dataset_title(d, lang) for lang in languages} for d in project.datasets}


def _quiet(_: str) -> None:
    return None


def _label(wave_label, lang: str) -> str:
    return wave_label.get(lang, "") if isinstance(wave_label, dict) else wave_label  # {lang: label} or one


def plan_charts(results: list[Result], languages: tuple[str, ...], wave_label, synthetic: bool, code: str,
                sources: dict, sizes, formats: tuple[str, ...], data: dict | None = None) -> dict:
    """``{(result id, lang, size): key}`` of every chart to be written (:func:`survey.store.cache.figure_key`).

    ``sizes``: the sizes of every result, or ``{result id: sizes}``; ``data``: ``{result id:
    result.to_dict()}`` of those already serialised.
    """
    keys = {}
    data = {} if data is None else data
    for result in results:
        if not charts.has_chart(result):
            continue
        wanted = sizes.get(result.id, ()) if isinstance(sizes, dict) else sizes
        if not wanted:
            continue
        if result.id not in data:
            data[result.id] = result.to_dict()
        for lang in languages:
            source = sources.get(result.dataset, {}).get(lang, "")
            for size in wanted:
                keys[(result.id, lang, size)] = cache.figure_key(
                    result, lang, size, languages=tuple(languages), wave_label=_label(wave_label, lang),
                    synthetic=synthetic, source=source, code=code, formats=formats, data=data[result.id])
    return keys


def draw_all(results: list[Result], folder: Path, languages: tuple[str, ...], wave_label: "str | dict",
             synthetic: bool, theme=None, previous: Path | None = None, progress=_quiet, sources: dict | None = None,
             sizes: "tuple[str, ...] | dict" = SIZES, formats: tuple[str, ...] = FORMATS,
             keep: dict | None = None, meanwhile: "Callable[[], object] | None" = None,
             data: dict | None = None, language_done: "Callable[[str], object] | None" = None
             ) -> list[tuple[str, str, str]]:
    """Write every chart of ``results`` into ``folder``; draw only those whose key changed since ``previous``.

    A chart (one result, language and size) whose key (:func:`plan_charts`) equals the
    one the previous run's figures folder recorded is linked from there; the others are
    drawn, on two forked processes when there are enough of them. ``sources``: dataset
    -> lang -> the dataset's name (:func:`dataset_sources`); ``wave_label``: one label
    or ``{lang: label}``; ``sizes``: the sizes of every result or ``{result id: sizes}`` (a
    result not in it gets no chart); ``keep``: ``{result id: sizes}`` of charts linked from
    ``previous`` when unchanged and otherwise left out, never drawn; ``meanwhile``: called
    in this process while the workers draw (before drawing when there are no workers);
    ``data``: ``{result id: result.to_dict()}`` the caller has already; ``language_done``:
    called here with each language as soon as all its charts are written (the languages
    are drawn one after the other, in ``languages``' order), while the workers go on with
    the next. Returns the ``(result id, lang, size)`` of the charts drawn.
    """
    sources = sources or {}
    code = cache.chart_code_digest() + hashlib.sha256(pickle.dumps(theme)).hexdigest()
    data = {} if data is None else data  # result id -> result.to_dict(), serialised once
    keys = plan_charts(results, languages, wave_label, synthetic, code, sources, sizes, formats, data)
    optional = plan_charts(results, languages, wave_label, synthetic, code, sources, keep, formats, data) if keep else {}
    old = cache.read_keys(previous) if previous is not None and previous.is_dir() else {}
    first = languages[0] if languages else ""
    todo: dict[tuple[str, str], list[str]] = {}
    reused = set()
    written = dict(keys)
    for (rid, lang, size), key in [*keys.items(), *optional.items()]:
        stem = figure_stem(rid, size, lang, lang == first)
        if old.get(stem) == key and cache.reuse_files(previous, folder, chart_files(rid, size, lang, lang == first,
                                                                                      formats)):
            reused.add((rid, lang, size))
            written[(rid, lang, size)] = key
        elif (rid, lang, size) in keys:
            todo.setdefault((rid, lang), []).append(size)
    if reused:
        progress(f"  {len(reused)} charts unchanged since the last run, reused")
    by_id = {r.id: r for r in results}
    order = {lang: i for i, lang in enumerate(languages)}
    # one language after the other; in each, the costliest charts first, so no worker is left alone at the end
    jobs = sorted(((by_id[rid], lang, tuple(s)) for (rid, lang), s in todo.items()),
                  key=lambda j: (order[j[1]], -COST.get(str(j[0].kind), 1)))
    last = {lang: i for i, (_, lang, _) in enumerate(jobs, 1)}  # the job after which a language is complete
    announced: list[str] = []

    def finished(i: int) -> None:
        """Tell ``language_done`` of every language complete once ``i`` jobs are done."""
        for lang in languages:
            if lang not in announced and last.get(lang, 0) <= i:
                announced.append(lang)
                if language_done is not None:
                    language_done(lang)
    options = {lang: {"first": lang == first, "wave_label": _label(wave_label, lang), "synthetic": synthetic,
                      "theme": theme, "formats": tuple(formats)} for lang in languages}

    def described(i: int, job) -> str:
        result, lang, job_sizes = job
        return f"  chart {i}/{len(jobs)}: {result.id} ({lang}: {', '.join(job_sizes)})"

    workers = min(2, os.cpu_count() or 1)
    if workers < 2 or len(jobs) < 6 or "fork" not in multiprocessing.get_all_start_methods():
        if meanwhile is not None:
            meanwhile()
        finished(0)
        for i, (result, lang, job_sizes) in enumerate(jobs, 1):
            progress(described(i, (result, lang, job_sizes)))
            draw_chart(result, folder, lang, job_sizes, source=sources.get(result.dataset, {}).get(lang, ""),
                       **options[lang])
            finished(i)
    else:
        tasks = [(data[result.id], str(folder), lang, job_sizes,
                  {**options[lang], "source": sources.get(result.dataset, {}).get(lang, "")})
                 for result, lang, job_sizes in jobs]
        with started_forked(_draw_task, tasks, workers) as done:
            if meanwhile is not None:
                meanwhile()
            finished(0)
            for i, _done in enumerate(done, 1):
                progress(described(i, jobs[i - 1]))
                finished(i)
    files.write_text_atomic(folder / cache.FIGURE_CACHE,
                            to_json({figure_stem(rid, size, lang, lang == first): key
                                     for (rid, lang, size), key in sorted(written.items())}))
    return [(result.id, lang, size) for result, lang, job_sizes in jobs for size in job_sizes]
