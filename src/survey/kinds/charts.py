"""Charts: one :class:`~survey.model.Result` in, one matplotlib Figure out (no I/O).

:func:`draw` draws a result with its kind's module (:mod:`survey.kinds.registry`) in the
house style, adds the logo and records the title and the alt text in ``fig.survey``
(what the chart shows: kind, id, row order, values, for tests and for the export stage).
The question is NOT drawn inside the picture: the report's caption and the slide's title
carry it (``fig.survey["title"]``), so it never appears twice. :func:`alt_text` describes
the same result in words, so a reader who cannot see the chart gets the same information;
:func:`text_problems` checks a drawn Figure for labels outside it or on top of each other.
"""

from __future__ import annotations

import math

import matplotlib
from matplotlib.figure import Figure

from survey import catalogue
from survey.errors import SurveyError
from survey.kinds import style
from survey.kinds.drawing import title_of
from survey.kinds.registry import KINDS, kind_of


def has_chart(result) -> bool:
    """True when ``result`` gets a chart (quote tables and unknown kinds do not)."""
    kind = kind_of(result)
    return kind is not None and kind.draw is not None


def draw(result, lang: str = "fi", size: str = "report", wave_label: str = "", synthetic: bool = False,
         source: str = "", theme: style.Theme | None = None) -> Figure | None:
    """The chart of ``result`` in ``lang`` at ``size`` ('report': A4 text width, 'slide': 16:9).

    Returns None for kinds that are tables by nature (``interview_quotes``); raises
    SurveyError for an unknown kind, language or size.
    """
    if lang not in catalogue.LANGUAGES:
        raise SurveyError(catalogue.unknown_language(lang))
    if size not in style.SIZES:
        raise SurveyError(f"unknown chart size '{size}' (use report or slide)")
    kind = kind_of(result)
    if kind is None:
        known = ", ".join(sorted(k for k, spec in KINDS.items() if spec.draw is not None))
        raise SurveyError(f"result '{result.id}' has kind '{result.kind}', which has no chart (known: {known})")
    if kind.draw is None:
        return None
    with matplotlib.rc_context(style.rc_params(size)):
        fig = kind.draw(result, lang=lang, size=size, wave_label=wave_label, synthetic=synthetic,
                       source=source, theme=theme)
        _add_logo(fig, theme)
    fig.survey["size"] = size  # the PNG's resolution is the size's (style.SIZES)
    fig.survey["title"] = title_of(result, lang)
    fig.survey["alt"] = alt_text(result, lang, synthetic=synthetic, size=size)
    return fig


def _add_logo(fig, theme: style.Theme | None) -> None:
    """The organisation's logo (already loaded, see style.load_logo) in the top right corner."""
    if theme is None or theme.logo_image is None:
        return
    image = theme.logo_image
    height = 0.35 if fig.get_figwidth() < 8 else 0.6  # inches
    width = height * image.shape[1] / image.shape[0]
    ax = fig.add_axes((1 - (width + 0.08) / fig.get_figwidth(), 1 - (height + 0.06) / fig.get_figheight(),
                       width / fig.get_figwidth(), height / fig.get_figheight()), label="logo")
    ax.imshow(image)
    ax.set_axis_off()
    ax.set_in_layout(False)


def _drawn_texts(fig) -> list:
    """Every visible, non-empty text artist of a laid-out figure (tick labels only within the view)."""
    texts = [t for t in fig.texts]
    for name in ("_suptitle", "_supxlabel", "_supylabel"):
        if getattr(fig, name, None) is not None:
            texts.append(getattr(fig, name))
    texts += [t for legend in fig.legends for t in legend.get_texts()]
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        texts += list(ax.texts) + [ax.title, ax._left_title, ax._right_title, ax.xaxis.label, ax.yaxis.label]
        legend = ax.get_legend()
        if legend is not None:
            texts += list(legend.get_texts())
        if not ax.axison:
            continue
        for axis, limits in ((ax.xaxis, ax.get_xlim()), (ax.yaxis, ax.get_ylim())):
            low, high = min(limits), max(limits)
            span = (high - low) * 1e-6
            for tick in axis.get_major_ticks():
                if low - span <= tick.get_loc() <= high + span:
                    texts += [label for label in (tick.label1, tick.label2) if label.get_visible()]
    unique = list({id(t): t for t in texts}.values())  # suptitle and supxlabel are in fig.texts too
    return [t for t in unique if t.get_visible() and str(t.get_text()).strip()]


def text_problems(fig, tolerance: float = 1.0, renderer=None) -> list[str]:
    """Labels of ``fig`` that stick out of the figure or overlap another label (empty list: none).

    Measured as the figure's file is drawn: at its size's resolution (``fig.survey["size"]``;
    a figure without one at its own). ``renderer``: the one the figure has just been drawn
    with and still is (``figures.png_bytes``' ``inspect``), measured as it is, without laying the
    figure out again. Extents are in display pixels, with ``tolerance`` pixels of slack at
    100 dpi (scaled to the resolution measured at).
    """
    if renderer is not None:
        return _text_problems(fig, renderer, tolerance * renderer.dpi / 100)
    size = (getattr(fig, "survey", None) or {}).get("size")
    shown = fig.dpi
    with matplotlib.rc_context(style.RENDER_RC):  # measured as the files are written
        try:
            fig.dpi = style.SIZES[size].dpi if size in style.SIZES else shown
            fig.draw_without_rendering()
            return _text_problems(fig, fig._get_renderer(), tolerance * fig.dpi / 100)
        finally:
            fig.dpi = shown


def _text_problems(fig, renderer, tolerance: float) -> list[str]:
    width, height = fig.bbox.width, fig.bbox.height
    boxes = []
    problems = []
    for t in _drawn_texts(fig):
        box = t.get_window_extent(renderer)
        label = str(t.get_text()).replace("\n", " ")
        if box.x0 < -tolerance or box.y0 < -tolerance or box.x1 > width + tolerance or box.y1 > height + tolerance:
            problems.append(f"outside the figure: {label!r}")
        boxes.append((_text_rectangle(t, box, renderer), label))
    for i, (a, la) in enumerate(boxes):
        for b, lb in boxes[i + 1:]:
            if _rectangles_overlap(a, b, tolerance):
                problems.append(f"overlap: {la!r} and {lb!r}")
    return problems


def _text_rectangle(t, box, renderer) -> tuple:
    """(centre x, centre y, width, height, angle) of a text's own rectangle, rotated as drawn."""
    angle = t.get_rotation() % 180
    if angle == 0:
        return ((box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2, box.width, box.height, 0.0)
    t.set_rotation(0)
    flat = t.get_window_extent(renderer)
    t.set_rotation(angle)
    return ((box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2, flat.width, flat.height, angle)


def _rectangles_overlap(a: tuple, b: tuple, tolerance: float) -> bool:
    """Separating-axis test of two text rectangles; exact when both have the same angle."""
    if a[4] != b[4]:  # different angles: compare the upright boxes around them
        a, b = (_upright(a), _upright(b))
    theta = math.radians(a[4])
    ux, uy, nx, ny = math.cos(theta), math.sin(theta), -math.sin(theta), math.cos(theta)
    dx, dy = b[0] - a[0], b[1] - a[1]
    along = (a[2] + b[2]) / 2 - abs(dx * ux + dy * uy)
    across = (a[3] + b[3]) / 2 - abs(dx * nx + dy * ny)
    return along > tolerance and across > tolerance


def _upright(r: tuple) -> tuple:
    theta = math.radians(r[4])
    w = abs(r[2] * math.cos(theta)) + abs(r[3] * math.sin(theta))
    h = abs(r[2] * math.sin(theta)) + abs(r[3] * math.cos(theta))
    return (r[0], r[1], w, h, 0.0)


def alt_text(result, lang: str = "fi", synthetic: bool = False, size: str = "report") -> str:
    """A text alternative generated from the data: what it shows, n, the leading items and values.

    ``size`` matters where the two sizes draw differently (a dense breakdown is a dot
    plot in the report and a heatmap on a slide): the text names what that picture is.
    Empty for kinds without a chart (``interview_quotes``).
    """
    kind = kind_of(result)
    if kind is None:
        raise SurveyError(f"result '{result.id}' has kind '{result.kind}', which has no alt text")
    if kind.draw is None:
        return ""
    text = kind.alt_text(result, lang, size)
    if synthetic or result.synthetic:
        text += " " + catalogue.text("alt_synthetic", lang)
    return text
