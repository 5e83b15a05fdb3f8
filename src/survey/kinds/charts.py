"""Charts: one :class:`~survey.model.Result` in, one matplotlib Figure out (no I/O).

:func:`draw` dispatches on ``result.kind``; each kind has its own function. Every
chart has labelled values (colour is never the only carrier), suppressed values shown
as suppressed (never as zero), and a footer with n, the source question, the wave and
the synthetic-data marker. The question is NOT drawn inside the picture: the report's
caption and the slide's title carry it (``fig.survey["title"]``), so it never appears
twice. A report chart is never taller than the A4 text block (:data:`MAX_REPORT_HEIGHT`):
long charts are condensed (smaller rows, or a heatmap for dense breakdowns).
:func:`text_problems` checks a drawn Figure for labels outside it or on top of each other. :func:`alt_text` and
:func:`data_table` describe the same result in words and as a table, so a reader
who cannot see the chart gets the same information.

Figures are built with ``matplotlib.figure.Figure`` directly (no pyplot state), in
the house style of :mod:`survey.kinds.style`; ``fig.survey`` holds what the chart shows
(kind, id, row order, values) for tests and for the export stage.
"""

from __future__ import annotations

import math
import textwrap

import matplotlib
import matplotlib.lines
import matplotlib.patches
import matplotlib.transforms
import pandas as pd
from matplotlib import patheffects
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, FuncFormatter

from survey import catalogue
from survey.catalogue import fmt
from survey.errors import SurveyError
from survey.kinds import style, words

LEADING = 3  # items named in alt text


# -- helpers -------------------------------------------------------------------------

def wrap(text: str, width: int) -> str:
    """Break ``text`` into lines of at most ``width`` characters; words are never cut or dropped."""
    lines = textwrap.wrap(str(text), width=width, break_long_words=False, break_on_hyphens=True)
    return "\n".join(lines) if lines else str(text)


def title_of(result, lang: str) -> str:
    return catalogue.pick(result.title, lang, default=result.question or result.id)


def _is_suppressed(row) -> bool:
    value = row.get("suppressed", False)
    return bool(value) if value is not None and not (isinstance(value, float) and math.isnan(value)) else False


def _num(value) -> float:
    try:
        value = float(value)
    except (TypeError, ValueError):
        return math.nan
    return value


def _percent_axis(ax, lang: str, axis: str = "x", limit: float = 100.0) -> None:
    """Ticks 0-100 on a percent scale, labelled by the locale ('50 %', '50%')."""
    formatter = FuncFormatter(lambda v, _pos: fmt.format_percent(v / 100, lang, digits=0))
    ticks = [t for t in (0, 20, 40, 60, 80, 100) if t <= limit + 1e-9]
    target = ax.xaxis if axis == "x" else ax.yaxis
    target.set_major_locator(FixedLocator(ticks))
    target.set_major_formatter(formatter)


MAX_REPORT_HEIGHT = 9.4  # inches (23.9 cm): the A4 text block is about 24 cm high


def _natural_height(s: style.Size, rows: int, extra_lines: int = 0) -> float:
    """The height a growing chart would take with ``rows`` at the size's full row height."""
    line = s.font / 72 * 1.5
    return max(2.4, rows * s.row + 1.0 + extra_lines * line)


def _new_figure(size: str, rows: int, extra_lines: int = 0) -> tuple[Figure, style.Size]:
    if size not in style.SIZES:
        raise SurveyError(f"unknown chart size '{size}' (use report or slide)")
    s = style.SIZES[size]
    if s.height is None:
        height = min(_natural_height(s, rows, extra_lines), MAX_REPORT_HEIGHT)
    else:
        height = s.height
    fig = Figure(figsize=(s.width, height), dpi=100, layout="constrained")
    fig.get_layout_engine().set(h_pad=0.06, w_pad=0.06)
    return fig, s


def footer_text(result, lang: str, s: style.Size, *, wave_label: str, synthetic: bool, source: str,
                intervals: bool = False) -> str:
    """The footer as shown: one line per item (report), items joined by ' · ' (slide)."""
    lines = words.footer_lines(result, lang, wave_label=wave_label, synthetic=synthetic, source=source,
                                intervals=intervals)
    width = int(s.title_wrap * s.title / s.small)
    if s.name == "slide":
        lines = [" \u00b7 ".join(lines)]
    return "\n".join(wrap(line, width) for line in lines)


def _decorate(fig: Figure, result, lang: str, s: style.Size, *, wave_label: str, synthetic: bool,
              source: str, intervals: bool = False) -> None:
    """Footer lines at the bottom left (the title is the caption's or the slide's, not the picture's)."""
    fig.supxlabel(footer_text(result, lang, s, wave_label=wave_label, synthetic=synthetic, source=source,
                              intervals=intervals),
                  x=0.01, ha="left", fontsize=s.small, color=style.MUTED_TEXT)


def _row_font(s: style.Size, fig_height: float, rows: int, label_lines: int, footer: str) -> float:
    """The type size at which ``rows`` category labels of ``label_lines`` lines fit the plot height."""
    used = (footer.count("\n") + 1) * s.small * 1.3 / 72
    used += s.font * 3.6 / 72 + 0.35  # tick labels, axis title, paddings
    per_row = max(fig_height - used, 1.0) / max(rows, 1) * 72  # points per row
    fit = per_row / (max(label_lines, 1) * 1.17 + 0.2)
    return round(min(s.font, max(fit, s.small * 0.8)), 1)


def _legend_grid(fig, s, entries: list[str], font: float, width_ratios=None, sharey: bool = True):
    """A full-width legend row above the plot axes; returns (legend axes, plot axes, ncols).

    The legend is laid out by hand (not by the layout engine) so that a wide legend
    never squeezes the plot: columns are chosen from the label widths and the figure width.
    """
    lines = max((e.count("\n") + 1 for e in entries), default=1)
    longest = max((len(line) for e in entries for line in e.split("\n")), default=8)
    entry_w = longest * 0.55 * font / 72 + 0.4
    ncols = max(1, min(len(entries), int((fig.get_figwidth() - 0.2) // entry_w)))
    rows = math.ceil(len(entries) / ncols)
    legend_h = rows * lines * font * 1.35 / 72 + 0.08
    plot_h = max(fig.get_figheight() * 0.62 - legend_h, 0.8)
    cols = len(width_ratios) if width_ratios else 1
    grid = fig.add_gridspec(2, cols, height_ratios=[legend_h, plot_h], width_ratios=width_ratios)
    lax = fig.add_subplot(grid[0, :])
    lax.set_axis_off()
    axes = [fig.add_subplot(grid[1, 0])]
    for j in range(1, cols):
        axes.append(fig.add_subplot(grid[1, j], sharey=axes[0] if sharey else None))
    return lax, axes, ncols


def _place_legend(fig, lax, handles, ncols: int, font: float):
    legend = lax.legend(handles=handles, loc="lower left", ncols=ncols, frameon=False, fontsize=font,
                        handlelength=1.2, columnspacing=1.0, handletextpad=0.4, borderaxespad=0.0,
                        bbox_to_anchor=(0.012, 0.0),
                        bbox_transform=matplotlib.transforms.blended_transform_factory(fig.transFigure,
                                                                                      lax.transAxes))
    legend.set_in_layout(False)
    return legend


def _halo(container, width: float) -> None:
    """A white outline around whiskers so they read on the bar and on the background alike."""
    halo = [patheffects.withStroke(linewidth=width + 1.6, foreground=style.BACKGROUND)]
    for artist in container.get_children():
        artist.set_path_effects(halo)


def _clean_axes(ax, grid_axis: str = "x") -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.grid(axis=grid_axis, color=style.GRID, linewidth=0.6)
    ax.set_axisbelow(True)


# -- horizontal bars (single, multi, interview codes) ------------------------------------

def _share_bars(rows: pd.DataFrame, pct: str, low: str, high: str, has_ci: bool, lang: str) -> tuple:
    """Bar values, interval ends, states (ok / suppressed / na) and value labels of share rows."""
    values, lows, highs, states, texts = [], [], [], [], []
    for _, row in rows.iterrows():
        value = _num(row[pct])
        if _is_suppressed(row) or math.isnan(value):
            state = "suppressed" if _is_suppressed(row) else "na"
            values.append(None), lows.append(None), highs.append(None), states.append(state)
            texts.append(catalogue.text("suppressed", lang) if state == "suppressed" else fmt.MISSING)
            continue
        values.append(value)
        lows.append(_num(row.get(low)) if has_ci else None)
        highs.append(_num(row.get(high)) if has_ci else None)
        states.append("ok")
        texts.append(fmt.format_percent(value, lang))
    return values, lows, highs, states, texts


def bar_rows(result) -> pd.DataFrame:
    """Rows of a single/multi result in chart order: largest share first, suppressed last."""
    table = result.table.copy()
    if "suppressed" not in table.columns:
        table["suppressed"] = False
    table["suppressed"] = table["suppressed"].fillna(False).astype(bool)
    table["_order"] = range(len(table))
    table["_key"] = [(-1.0 if s else (_num(p) if not math.isnan(_num(p)) else -0.5))
                     for p, s in zip(table["pct"], table["suppressed"])]
    table = table.sort_values(["_key", "_order"], ascending=[False, True], kind="mergesort")
    return table.drop(columns=["_key", "_order"]).reset_index(drop=True)


def _hbars(fig, ax, s, font, names, values, lows, highs, states, texts, colors, lang) -> None:
    """Draw value-labelled horizontal bars (percent scale 0-100) with optional whiskers."""
    width = 0.9 if s.name == "report" else 1.6
    for i, (value, lo, hi, state, text, color) in enumerate(zip(values, lows, highs, states, texts, colors)):
        if state != "ok":
            ax.text(1.0, i, text, va="center", ha="left", fontsize=font, style="italic", color=style.MUTED_TEXT)
            continue
        ax.barh(i, value * 100, height=0.66, color=color, zorder=2)
        end = value * 100
        if lo is not None and hi is not None and not (math.isnan(lo) or math.isnan(hi)):
            bars = ax.errorbar(value * 100, i, xerr=[[value * 100 - lo * 100], [hi * 100 - value * 100]],
                               fmt="none", ecolor=style.TEXT, elinewidth=width,
                               capsize=2.5 if s.name == "report" else 5, zorder=3)
            _halo(bars, width)
            end = max(end, hi * 100)
        ax.text(end + 1.2, i, text, va="center", ha="left", fontsize=font, color=style.TEXT, zorder=4)
    ax.set_yticks(range(len(names)), names, fontsize=font)
    ax.set_ylim(len(names) - 0.5, -0.5)
    ax.set_xlim(0, 114)
    _percent_axis(ax, lang, "x")
    ax.tick_params(axis="y", length=0)
    _clean_axes(ax, "x")


def _font_for(fig, s, result, lang, names, *, wave_label, synthetic, source, intervals, rows=None) -> float:
    return _row_font(s, fig.get_figheight(), rows if rows is not None else len(names),
                     max((n.count("\n") + 1 for n in names), default=1),
                     footer_text(result, lang, s, wave_label=wave_label, synthetic=synthetic, source=source,
                                 intervals=intervals))


def draw_bars(result, lang: str = "fi", size: str = "report", wave_label: str = "", synthetic: bool = False,
              source: str = "", intervals: bool = True, theme: style.Theme | None = None) -> Figure:
    """Horizontal bars of a single or multi question: sorted, value-labelled, Wilson whiskers."""
    theme = theme or style.Theme()
    rows = bar_rows(result)
    has_ci = intervals and {"ci_low", "ci_high"} <= set(rows.columns)
    lines_footer = len(words.footer_lines(result, lang, wave_label, synthetic, source, has_ci))
    fig, s = _new_figure(size, len(rows), extra_lines=lines_footer)
    ax = fig.add_subplot()
    names = [wrap(words.code_label(result, code, lang), s.wrap) for code in rows["code"]]
    font = _font_for(fig, s, result, lang, names, wave_label=wave_label, synthetic=synthetic, source=source,
                     intervals=has_ci)
    values, lows, highs, states, texts = _share_bars(rows, "pct", "ci_low", "ci_high", has_ci, lang)
    _hbars(fig, ax, s, font, names, values, lows, highs, states, texts, [theme.primary] * len(rows), lang)
    ax.set_xlabel(catalogue.text("axis_share_respondents", lang))
    _decorate(fig, result, lang, s, wave_label=wave_label, synthetic=synthetic, source=source,
              intervals=has_ci)
    fig.survey = {"kind": result.kind, "id": result.id, "codes": list(rows["code"]), "labels": names,
                  "values": [None if v is None else v for v in values], "value_labels": texts, "lang": lang,
                  "size": size}
    return fig


def draw_interview_codes(result, lang: str = "fi", size: str = "report", wave_label: str = "",
                         synthetic: bool = False, source: str = "", theme: style.Theme | None = None) -> Figure:
    """Interviews mentioning each theme and code (k of N), themes in bold with their codes below."""
    theme = theme or style.Theme()
    table = result.table.reset_index(drop=True)
    total = int((result.n or {}).get("interviews") or 0)
    lines_footer = len(words.footer_lines(result, lang, wave_label, synthetic, source))
    fig, s = _new_figure(size, len(table), extra_lines=lines_footer)
    ax = fig.add_subplot()
    is_theme = [str(level) == "theme" for level in table.get("level", ["code"] * len(table))]
    names = [wrap(words.value_label(result, "code", code, lang), s.wrap) for code in table["code"]]
    font = _font_for(fig, s, result, lang, names, wave_label=wave_label, synthetic=synthetic, source=source,
                     intervals=False)
    values, states, texts, colors = [], [], [], []
    for i, row in table.iterrows():
        pct, k = _num(row.get("pct")), _num(row.get("interviews"))
        if math.isnan(pct):
            values.append(None), states.append("na"), texts.append(fmt.MISSING)
        else:
            values.append(pct), states.append("ok")
            texts.append(f"{fmt.format_count(k, lang)}/{fmt.format_count(total, lang)}")
        colors.append(theme.primary if is_theme[i] else style.CATEGORICAL[2])
    _hbars(fig, ax, s, font, names, values, [None] * len(values), [None] * len(values), states, texts, colors,
           lang)
    for label, bold in zip(ax.get_yticklabels(), is_theme):
        label.set_fontweight("bold" if bold else "normal")
    ax.set_xlabel(catalogue.text("axis_share_interviews", lang))
    _decorate(fig, result, lang, s, wave_label=wave_label, synthetic=synthetic, source=source)
    fig.survey = {"kind": result.kind, "id": result.id, "codes": list(table["code"]), "labels": names,
                  "values": values, "value_labels": texts, "lang": lang, "size": size}
    return fig


# -- Likert: diverging stacked bars --------------------------------------------------------------

def likert_layout(result) -> dict:
    """Items (sorted by positive share), scale codes, the dont-know code and shares per item."""
    table = result.table
    dk_mask = table["dont_know"].fillna(False).astype(bool) if "dont_know" in table.columns else \
        pd.Series(False, index=table.index)
    scale = list(dict.fromkeys(table.loc[~dk_mask, "code"]))
    dont_know = list(dict.fromkeys(table.loc[dk_mask, "code"]))
    k = len(scale)
    negative, positive = scale[:k // 2], scale[k - k // 2:]
    neutral = scale[k // 2] if k % 2 else None
    items = []
    for order, item in enumerate(dict.fromkeys(table["item"])):
        rows = table[table["item"] == item]
        shares = {code: _num(v) for code, v in zip(rows["code"], rows["pct"])}
        counts = [_num(v) for v in rows["count"]]
        suppressed = bool(rows["suppressed"].fillna(False).astype(bool).any()) if "suppressed" in rows else False
        n = int(sum(c for c in counts if not math.isnan(c)))
        pos = sum(shares.get(c, 0) or 0 for c in positive if not math.isnan(shares.get(c, math.nan)))
        neg = sum(shares.get(c, 0) or 0 for c in negative if not math.isnan(shares.get(c, math.nan)))
        items.append({"item": item, "shares": shares, "n": n, "positive": pos, "negative": neg,
                      "neutral": _num(shares.get(neutral)) if neutral is not None else 0.0,
                      "dont_know": sum(_num(shares.get(c)) for c in dont_know) if dont_know else math.nan,
                      "suppressed": suppressed, "order": order})
    items.sort(key=lambda it: (it["suppressed"], -it["positive"], it["order"]))
    return {"scale": scale, "negative": negative, "positive": positive, "neutral": neutral,
            "dont_know": dont_know, "items": items}


def draw_likert(result, lang: str = "fi", size: str = "report", wave_label: str = "", synthetic: bool = False,
                source: str = "", theme: style.Theme | None = None) -> Figure:
    """Diverging stacked bars: negative left, neutral centred on zero, positive right; 'don't know' beside."""
    layout = likert_layout(result)
    items, scale = layout["items"], layout["scale"]
    colors = dict(zip(scale, style.diverging(len(scale))))
    lines_footer = len(words.footer_lines(result, lang, wave_label, synthetic, source))
    fig, s = _new_figure(size, len(items), extra_lines=lines_footer + 2)
    has_dk = bool(layout["dont_know"])
    legend_entries = [wrap(words.value_label(result, "code", c, lang), 12 if s.name == "report" else 18)
                      for c in scale]
    lax, axes, ncols = _legend_grid(fig, s, legend_entries, s.font * 0.85, [5, 1] if has_dk else None)
    ax, ax_dk = (axes[0], axes[1]) if has_dk else (axes[0], None)
    names = [wrap(catalogue.text("n_item", lang, label=words.value_label(result, "item", it["item"], lang),
                              n=fmt.format_count(it["n"], lang)), s.wrap) for it in items]
    font = _font_for(fig, s, result, lang, names, wave_label=wave_label, synthetic=synthetic, source=source,
                     intervals=False, rows=len(items) + 2)
    min_label = 0.12 if s.name == "report" else 0.11
    segments = []
    inside = []  # (segment label, segment width in data units)
    reach = 0.5
    for i, it in enumerate(items):
        if it["suppressed"]:
            ax.text(0, i, catalogue.text("suppressed", lang), ha="center", va="center", fontsize=font,
                    style="italic", color=style.MUTED_TEXT)
            segments.append([])
            continue
        half = (it["neutral"] if layout["neutral"] is not None and not math.isnan(it["neutral"]) else 0) / 2
        row_segments = []
        left = -half
        for code in reversed(layout["negative"]):
            share = it["shares"].get(code, 0) or 0
            share = 0 if math.isnan(share) else share
            row_segments.append((code, left - share, share))
            left -= share
        if layout["neutral"] is not None:
            row_segments.append((layout["neutral"], -half, 2 * half))
        right = half
        for code in layout["positive"]:
            share = it["shares"].get(code, 0) or 0
            share = 0 if math.isnan(share) else share
            row_segments.append((code, right, share))
            right += share
        for code, start, share in row_segments:
            if share <= 0:
                continue
            ax.barh(i, share * 100, left=start * 100, height=0.66, color=colors[code],
                    edgecolor=style.BACKGROUND, linewidth=0.6, zorder=2)
            if share >= min_label:
                label = ax.text((start + share / 2) * 100, i, fmt.format_percent(share, lang, digits=0),
                                ha="center", va="center", fontsize=font * 0.9,
                                color=style.text_color_on(colors[code]), zorder=3)
                inside.append((label, share * 100))
        ax.text(left * 100 - 1.5, i, fmt.format_percent(it["negative"], lang, digits=0), ha="right", va="center",
                fontsize=font * 0.9, fontweight="bold", color=style.TEXT)
        ax.text(right * 100 + 1.5, i, fmt.format_percent(it["positive"], lang, digits=0), ha="left",
                va="center", fontsize=font * 0.9, fontweight="bold", color=style.TEXT)
        reach = max(reach, -left, right)
        segments.append(row_segments)
    limit = min(1.0, math.ceil((reach + 0.12) * 10) / 10) * 100 + 6
    ax.set_xlim(-limit, limit)
    ax.axvline(0, color=style.MUTED_TEXT, linewidth=0.8, zorder=1)
    ticks = [t for t in range(-100, 101, 25) if abs(t) <= limit - 6]
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: fmt.format_percent(abs(v) / 100, lang, digits=0)))
    ax.set_yticks(range(len(items)), names, fontsize=font)
    ax.set_ylim(len(items) - 0.5, -0.5)
    ax.tick_params(axis="y", length=0)
    _clean_axes(ax, "x")
    ax.set_xlabel(f"\u2190 {catalogue.text('legend_negative', lang)}   |   {catalogue.text('legend_positive', lang)} \u2192")
    handles = [matplotlib.patches.Patch(facecolor=colors[c], edgecolor=style.BACKGROUND, label=entry)
               for c, entry in zip(scale, legend_entries)]
    _place_legend(fig, lax, handles, ncols, s.font * 0.85)
    dk_values = []
    if ax_dk is not None:
        top = max([it["dont_know"] for it in items if not math.isnan(it["dont_know"])] or [0.1])
        for i, it in enumerate(items):
            value = it["dont_know"]
            dk_values.append(None if it["suppressed"] or math.isnan(value) else value)
            if it["suppressed"] or math.isnan(value):
                continue
            ax_dk.barh(i, value * 100, height=0.66, color=style.DONT_KNOW, zorder=2)
            ax_dk.text(value * 100 + top * 4, i, fmt.format_percent(value, lang, digits=0), va="center",
                       ha="left", fontsize=font * 0.9, color=style.TEXT)
        ax_dk.set_xlim(0, max(top * 100 * 2.2, 10))
        ax_dk.xaxis.set_major_locator(FixedLocator([0]))
        ax_dk.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: fmt.format_percent(v / 100, lang, digits=0)))
        ax_dk.set_title(wrap(words.value_label(result, "code", layout["dont_know"][0], lang), 9),
                        fontsize=font * 0.85, loc="left")
        ax_dk.tick_params(axis="y", length=0, labelleft=False)
        for side in ("top", "right"):
            ax_dk.spines[side].set_visible(False)
    _decorate(fig, result, lang, s, wave_label=wave_label, synthetic=synthetic, source=source)
    _drop_labels_that_overflow(fig, ax, inside)
    fig.survey = {"kind": result.kind, "id": result.id, "items": [it["item"] for it in items], "labels": names,
                  "scale": scale, "segments": segments, "positive": [it["positive"] for it in items],
                  "negative": [it["negative"] for it in items], "dont_know": dk_values, "lang": lang,
                  "size": size}
    return fig


def _drop_labels_that_overflow(fig, ax, inside: list) -> None:
    """Remove segment labels wider than their segment (the value stays in the table and alt text)."""
    if not inside:
        return
    fig.draw_without_rendering()
    renderer = fig._get_renderer()
    per_unit = ax.bbox.width / (ax.get_xlim()[1] - ax.get_xlim()[0])
    for label, width in inside:
        if label.get_window_extent(renderer).width + 4 > width * per_unit:
            label.remove()


# -- dot plots (breakdowns, triangulation, comparisons) ----------------------------------------

MARKERS = ("o", "s", "D", "^", "v", "P", "X", "h")  # a series differs in marker shape as well as colour
DENSE_SLIDE = 18  # more dots than this on a slide: draw the breakdown as an annotated heatmap


def _dots_axes(fig, s, series):
    """The legend row and the plot axes of a dot plot."""
    lax, axes, ncols = _legend_grid(fig, s, [x[0] for x in series], s.font * 0.85)
    return lax, axes[0], ncols


def _dots(fig, ax, s, font, row_names, series, cells, lang, percent=True, xlim=None, legend=None) -> None:
    """Rows of dodged dots: one per series, with whiskers and a value label beside each dot.

    ``cells[r][g]`` is ``(value, low, high, state, text)``; ``state`` 'ok', 'suppressed' or 'na'.
    """
    g = max(len(series), 1)
    step = 0.8 / g
    width = 0.9 if s.name == "report" else 1.6
    scale = 100 if percent else 1
    top = xlim if xlim is not None else 114
    for r in range(len(row_names)):
        for j, (label, color, marker) in enumerate(series):
            y = r - 0.4 + step * (j + 0.5)
            value, low, high, state, text = cells[r][j]
            if state != "ok":
                shown = f"{label}: {text}" if len(series) > 1 else text
                ax.text(0.01 * top, y, shown, va="center", ha="left", fontsize=font * 0.8, style="italic",
                        color=style.MUTED_TEXT)
                continue
            end = value * scale
            if low is not None and high is not None and not (math.isnan(low) or math.isnan(high)):
                ax.plot([low * scale, high * scale], [y, y], color=color, linewidth=width, zorder=2,
                        solid_capstyle="butt")
                end = max(end, high * scale)
            ax.plot([value * scale], [y], marker=marker, color=color, markersize=5 if s.name == "report" else 9,
                    markeredgecolor=style.BACKGROUND, markeredgewidth=0.6, linestyle="none", zorder=3)
            ax.text(end + 0.012 * top, y, text, va="center", ha="left", fontsize=font * 0.8, color=style.TEXT)
    ax.set_yticks(range(len(row_names)), row_names, fontsize=font)
    for r in range(1, len(row_names)):
        ax.axhline(r - 0.5, color=style.GRID, linewidth=0.6, zorder=0)
    ax.set_ylim(len(row_names) - 0.5, -0.5)
    ax.tick_params(axis="y", length=0)
    _clean_axes(ax, "x")
    if percent:
        ax.set_xlim(0, top)
        _percent_axis(ax, lang, "x")
    handles = [matplotlib.lines.Line2D([], [], color=c, marker=m, linestyle="none", markersize=6 if
                                       s.name == "report" else 10, label=lab) for lab, c, m in series]
    if legend is not None:
        _place_legend(fig, legend[0], handles, legend[1], s.font * 0.85)


def breakdown_layout(result, lang: str) -> dict:
    """Rows, series (groups) and cells of a breakdown result."""
    table = result.table
    groups = list(dict.fromkeys(table["group"]))
    codes = list(dict.fromkeys(table["code"])) if "code" in table.columns else [None]
    items = list(dict.fromkeys(table["item"])) if "item" in table.columns else [None]
    if "agree" in [str(c) for c in codes]:
        keys = [(item, "agree") for item in items]
        row_names = [words.value_label(result, "item", item, lang) for item in items]
    elif len(items) > 1:
        keys = [(item, code) for item in items for code in codes]
        row_names = [f"{words.value_label(result, 'item', i, lang)}: {words.value_label(result, 'code', c, lang)}"
                     for i, c in keys]
    else:
        keys = [(items[0], code) for code in codes]
        row_names = [words.value_label(result, "code", c, lang) for _, c in keys]
    cells = []
    for item, code in keys:
        row = []
        for group in groups:
            mask = table["group"] == group
            if item is not None:
                mask &= table["item"] == item
            if code is not None:
                mask &= table["code"].astype(str) == str(code)
            hit = table[mask]
            row.append(_cell(hit, lang, value="pct"))
        cells.append(row)
    return {"keys": keys, "rows": row_names, "groups": groups, "cells": cells,
            "agree": bool(keys) and str(keys[0][1]) == "agree"}


def _cell(hit: pd.DataFrame, lang: str, value: str = "pct", percent: bool = True):
    if hit.empty:
        return (None, None, None, "na", catalogue.text("not_available", lang))
    row = hit.iloc[0]
    if _is_suppressed(row):
        return (None, None, None, "suppressed", catalogue.text("suppressed", lang))
    v = _num(row.get(value))
    if math.isnan(v):
        return (None, None, None, "na", catalogue.text("not_available", lang))
    lo, hi = _num(row.get("ci_low")), _num(row.get("ci_high"))
    text = fmt.format_percent(v, lang, digits=0) if percent else fmt.format_number(v, lang, 1)
    return (v, None if math.isnan(lo) else lo, None if math.isnan(hi) else hi, "ok", text)


def _group_label(result, group, lang: str) -> str:
    return words.value_label(result, "group", group, lang)


def _series(names: list[str], theme: style.Theme) -> list[tuple]:
    palette = theme.categorical
    return [(name, palette[j % len(palette)], MARKERS[j % len(MARKERS)]) for j, name in enumerate(names)]


def draw_breakdown(result, lang: str = "fi", size: str = "report", wave_label: str = "", synthetic: bool = False,
                   source: str = "", theme: style.Theme | None = None) -> Figure:
    """Groups compared: one row per answer (or per item's '% agree'), a dot per group with its interval."""
    theme = theme or style.Theme()
    layout = breakdown_layout(result, lang)
    if breakdown_is_heatmap(result, size, lang):
        return _breakdown_heatmap(result, layout, lang, size, wave_label, synthetic, source)
    series = _series([_group_label(result, g, lang) for g in layout["groups"]], theme)
    lines_footer = len(words.footer_lines(result, lang, wave_label, synthetic, source, True))
    fig, s = _new_figure(size, _dot_rows(len(layout["rows"]), len(series), size), extra_lines=lines_footer + 2)
    lax, ax, ncols = _dots_axes(fig, s, series)
    names = [wrap(n, s.wrap) for n in layout["rows"]]
    font = _font_for(fig, s, result, lang, names, wave_label=wave_label, synthetic=synthetic, source=source,
                     intervals=True, rows=len(names) + 1)
    _dots(fig, ax, s, font, names, series, layout["cells"], lang, legend=(lax, ncols))
    ax.set_xlabel(catalogue.text("axis_agree" if layout["agree"] else "axis_share_respondents", lang))
    _decorate(fig, result, lang, s, wave_label=wave_label, synthetic=synthetic, source=source, intervals=True)
    fig.survey = {"kind": result.kind, "id": result.id, "rows": names, "groups": [x[0] for x in series],
                  "values": [[c[0] for c in row] for row in layout["cells"]],
                  "value_labels": [[c[4] for c in row] for row in layout["cells"]], "lang": lang, "size": size}
    return fig


def _dot_rows(rows: int, series: int, size: str) -> int:
    """Bar-row equivalents of a dot plot with ``series`` dots per row (for the figure height)."""
    per_row = max(1, series) * (0.17 if size == "report" else 0.3) + 0.15
    return int(math.ceil(rows * per_row / style.SIZES[size].row))


def breakdown_is_heatmap(result, size: str, lang: str = "fi") -> bool:
    """Whether a breakdown is drawn as a heatmap at ``size`` (else as a dot plot).

    Slides: more than :data:`DENSE_SLIDE` dots. Report: when the dot plot would be
    taller than the A4 text block (a heatmap of the same rows condenses it).
    """
    if result.kind != "breakdown":
        return False
    layout = breakdown_layout(result, lang)
    rows, groups = len(layout["rows"]), len(layout["groups"])
    if size == "slide":
        return rows * groups > DENSE_SLIDE
    s = style.SIZES[size]
    return _natural_height(s, _dot_rows(rows, groups, size), 6) > MAX_REPORT_HEIGHT


def _breakdown_heatmap(result, layout, lang, size, wave_label, synthetic, source) -> Figure:
    """A dense breakdown as a table of shaded, labelled cells: rows x groups (slides)."""
    lines_footer = len(words.footer_lines(result, lang, wave_label, synthetic, source))
    fig, s = _new_figure(size, len(layout["rows"]), extra_lines=lines_footer + 3)
    ax = fig.add_subplot()
    rows = [wrap(n, s.wrap) for n in layout["rows"]]
    cols = [wrap(_group_label(result, g, lang), 24) for g in layout["groups"]]
    font = _font_for(fig, s, result, lang, rows, wave_label=wave_label, synthetic=synthetic, source=source,
                     intervals=False, rows=len(rows) + 2)
    values = [[c[0] for c in row] for row in layout["cells"]]
    texts = [[c[4] for c in row] for row in layout["cells"]]
    states = [[c[3] for c in row] for row in layout["cells"]]
    _heatmap(fig, ax, s, font, rows, cols, values, texts, states, lang, rotate=False)
    ax.set_xticks(range(len(cols)), [c.replace("\n", " ") for c in cols], rotation=30, ha="left",
                  rotation_mode="anchor", fontsize=font * 0.85)
    ax.set_xlabel(catalogue.text("axis_agree" if layout["agree"] else "axis_share_respondents", lang),
                  fontsize=font * 0.85)
    _decorate(fig, result, lang, s, wave_label=wave_label, synthetic=synthetic, source=source)
    fig.survey = {"kind": result.kind, "id": result.id, "rows": rows, "groups": cols, "values": values,
                  "value_labels": texts, "lang": lang, "size": size, "layout": "heatmap"}
    return fig


def draw_breakdown_numeric(result, lang: str = "fi", size: str = "report", wave_label: str = "",
                           synthetic: bool = False, source: str = "", theme: style.Theme | None = None) -> Figure:
    """Means per group with their 95 % intervals, one row per group."""
    theme = theme or style.Theme()
    table = result.table.reset_index(drop=True)
    names = [_group_label(result, g, lang) for g in table["group"]]
    cells = [[_cell(table.iloc[[i]], lang, value="mean", percent=False)] for i in range(len(table))]
    highs = [c[0][2] for c in cells if c[0][3] == "ok" and c[0][2] is not None] + \
        [c[0][0] for c in cells if c[0][3] == "ok"]
    top = (max(highs) if highs else 1.0) * 1.2 or 1.0
    lines_footer = len(words.footer_lines(result, lang, wave_label, synthetic, source, True))
    fig, s = _new_figure(size, len(names), extra_lines=lines_footer + 2)
    series = [(catalogue.text("legend_mean", lang), theme.primary, "o")]
    lax, ax, ncols = _dots_axes(fig, s, series)
    names = [wrap(n, s.wrap) for n in names]
    font = _font_for(fig, s, result, lang, names, wave_label=wave_label, synthetic=synthetic, source=source,
                     intervals=True, rows=len(names) + 1)
    _dots(fig, ax, s, font, names, series, cells, lang, percent=False, xlim=top, legend=(lax, ncols))
    ax.set_xlim(0, top)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: fmt.format_number(v, lang, 0)))
    ax.set_xlabel(catalogue.text("col_mean", lang))
    _decorate(fig, result, lang, s, wave_label=wave_label, synthetic=synthetic, source=source)
    fig.survey = {"kind": result.kind, "id": result.id, "rows": names,
                  "values": [c[0][0] for c in cells], "value_labels": [c[0][4] for c in cells], "lang": lang,
                  "size": size}
    return fig


def draw_triangulation(result, lang: str = "fi", size: str = "report", wave_label: str = "",
                       synthetic: bool = False, source: str = "", theme: style.Theme | None = None) -> Figure:
    """Each plan theme seen by the sources side by side (share with the positive view / interviews mentioning)."""
    theme = theme or style.Theme()
    table = result.table
    themes = list(dict.fromkeys(table["theme"]))
    sources = list(dict.fromkeys(table["source"]))
    series = _series([words.value_label(result, "source", x, lang) for x in sources], theme)
    cells = []
    for t in themes:
        cells.append([_cell(table[(table["theme"] == t) & (table["source"] == x)], lang) for x in sources])
    lines_footer = len(words.footer_lines(result, lang, wave_label, synthetic, source, True))
    fig, s = _new_figure(size, _dot_rows(len(themes), len(series), size), extra_lines=lines_footer + 2)
    lax, ax, ncols = _dots_axes(fig, s, series)
    names = [wrap(words.value_label(result, "theme", t, lang), s.wrap) for t in themes]
    font = _font_for(fig, s, result, lang, names, wave_label=wave_label, synthetic=synthetic, source=source,
                     intervals=True, rows=len(names) + 1)
    _dots(fig, ax, s, font, names, series, cells, lang, legend=(lax, ncols))
    ax.set_xlabel(catalogue.text("axis_share", lang))
    _decorate(fig, result, lang, s, wave_label=wave_label, synthetic=synthetic, source=source, intervals=True)
    fig.survey = {"kind": result.kind, "id": result.id, "rows": names, "groups": [x[0] for x in series],
                  "values": [[c[0] for c in row] for row in cells],
                  "value_labels": [[c[4] for c in row] for row in cells], "lang": lang, "size": size}
    return fig


# -- numeric summary -----------------------------------------------------------------------------

def draw_numeric(result, lang: str = "fi", size: str = "report", wave_label: str = "", synthetic: bool = False,
                 source: str = "", theme: style.Theme | None = None) -> Figure:
    """One numeric question: range line, interquartile box, median tick, mean dot with its interval."""
    theme = theme or style.Theme()
    row = result.table.iloc[0]
    get = {k: _num(row.get(k)) for k in ("n", "mean", "ci_low", "ci_high", "median", "q1", "q3", "min", "max")}
    lines_footer = len(words.footer_lines(result, lang, wave_label, synthetic, source))
    fig, s = _new_figure(size, 3, extra_lines=lines_footer + 2)
    ax = fig.add_subplot()
    font = s.font
    shown = {}
    if _is_suppressed(row) or math.isnan(get["mean"]):
        ax.text(0.5, 0.5, catalogue.text("suppressed" if _is_suppressed(row) else "not_available", lang),
                transform=ax.transAxes, ha="center", va="center", style="italic", color=style.MUTED_TEXT)
        ax.set_yticks([])
    else:
        lw = 1.0 if s.name == "report" else 2.0
        ax.plot([get["min"], get["max"]], [2, 2], color=style.MUTED_TEXT, linewidth=lw, marker="|",
                markersize=10 if s.name == "report" else 18)
        ax.add_patch(matplotlib.patches.Rectangle((get["q1"], 1.75), get["q3"] - get["q1"], 0.5, facecolor="none",
                                                  edgecolor=theme.primary, linewidth=lw * 1.6))
        ax.plot([get["median"]] * 2, [1.75, 2.25], color=theme.primary, linewidth=lw * 2.4)
        ax.plot([get["ci_low"], get["ci_high"]], [1, 1], color=style.TEXT, linewidth=lw * 1.6)
        ax.plot([get["mean"]], [1], marker="o", color=theme.primary, markersize=6 if s.name == "report" else 11,
                markeredgecolor=style.BACKGROUND)
        for key, digits in (("mean", 1), ("ci_low", 1), ("ci_high", 1), ("median", 1), ("q1", 1), ("q3", 1),
                            ("min", 1), ("max", 1)):
            shown[key] = fmt.format_number(get[key], lang, digits)
        ax.text(get["ci_high"], 0.62, f"{catalogue.text('col_mean', lang)} {shown['mean']} "
                f"({shown['ci_low']}\u2013{shown['ci_high']})", ha="right", va="top", fontsize=font)
        ax.text(get["median"], 2.45, f"{catalogue.text('col_median', lang)} {shown['median']}", ha="center",
                va="bottom", fontsize=font)
        ax.text(get["max"], 2.12, f"{catalogue.text('col_min', lang)} {shown['min']}, "
                f"{catalogue.text('col_max', lang).lower()} {shown['max']}", ha="right", va="bottom",
                fontsize=font * 0.9, color=style.MUTED_TEXT)
        ax.text((get["q1"] + get["q3"]) / 2, 1.68, f"{catalogue.text('legend_iqr', lang)} {shown['q1']}\u2013{shown['q3']}",
                ha="center", va="top", fontsize=font * 0.9, color=style.TEXT)
        ax.set_yticks([1, 2], [wrap(catalogue.text("legend_mean", lang), s.wrap),
                               wrap(f"{catalogue.text('legend_median', lang)}, {catalogue.text('legend_iqr', lang).lower()}, "
                                    f"{catalogue.text('legend_range', lang).lower()}", s.wrap)])
        span = get["max"] - get["min"] or 1.0
        ax.set_xlim(get["min"] - 0.04 * span, get["max"] + 0.04 * span)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: fmt.format_number(v, lang, 0)))
    ax.set_ylim(0.3, 2.9)
    ax.tick_params(axis="y", length=0)
    _clean_axes(ax, "x")
    ax.set_xlabel(catalogue.text("axis_value", lang))
    _decorate(fig, result, lang, s, wave_label=wave_label, synthetic=synthetic, source=source)
    fig.survey = {"kind": result.kind, "id": result.id, "values": get, "value_labels": shown, "lang": lang,
                  "size": size}
    return fig


# -- heatmaps (interview codes by group, co-occurrence) -----------------------------------------

def _heat_color(value: float):
    """White to HEAT_HIGH, linear in sRGB."""
    lo, hi = style.hex_to_rgb(style.HEAT_LOW), style.hex_to_rgb(style.HEAT_HIGH)
    return tuple(float(c) for c in lo + (hi - lo) * max(0.0, min(1.0, value)))


def _hex(rgb) -> str:
    return "#" + "".join(f"{int(round(c * 255)):02X}" for c in rgb)


def _heatmap(fig, ax, s, font, row_names, col_names, values, texts, states, lang, rotate=None) -> None:
    rows, cols = len(row_names), len(col_names)
    for r in range(rows):
        for c in range(cols):
            state = states[r][c]
            if state == "blank":
                continue
            if state == "ok":
                color = _heat_color(values[r][c])
                ax.add_patch(matplotlib.patches.Rectangle((c - 0.5, r - 0.5), 1, 1, facecolor=color,
                                                          edgecolor=style.GRID, linewidth=0.5))
                ax.text(c, r, texts[r][c], ha="center", va="center", fontsize=font * 0.8,
                        color=style.text_color_on(_hex(color)))
            else:
                ax.add_patch(matplotlib.patches.Rectangle((c - 0.5, r - 0.5), 1, 1, facecolor=style.BACKGROUND,
                                                          edgecolor=style.GRID, hatch="////", linewidth=0.5))
                ax.text(c, r, texts[r][c], ha="center", va="center", fontsize=font * 0.6, style="italic",
                        color=style.TEXT, bbox={"facecolor": style.BACKGROUND, "edgecolor": "none", "pad": 0.5})
    ax.set_xlim(-0.5, cols - 0.5)
    ax.set_ylim(rows - 0.5, -0.5)
    ax.set_yticks(range(rows), row_names, fontsize=font)
    rotate = cols > 4 if rotate is None else rotate
    ax.set_xticks(range(cols), [n.replace("\n", " ") if rotate else n for n in col_names], fontsize=font,
                  rotation=90 if rotate else 0)
    ax.xaxis.tick_top()
    ax.tick_params(length=0)
    for side in ax.spines.values():
        side.set_visible(False)


def draw_codes_by(result, lang: str = "fi", size: str = "report", wave_label: str = "", synthetic: bool = False,
                  source: str = "", theme: style.Theme | None = None) -> Figure:
    """Heatmap of interview codes by group: share of each group's interviews mentioning the code."""
    table = result.table
    groups = list(dict.fromkeys(table["group"]))
    codes = list(dict.fromkeys(table["code"]))
    levels = dict(zip(table["code"], table.get("level", ["code"] * len(table))))
    n_group = {}
    for g in groups:  # the size of a hidden group is not shown either
        rows = table[table["group"] == g]
        hidden = "suppressed" in rows and rows["suppressed"].fillna(False).astype(bool).all()
        n = rows["n_group"].map(_num).dropna()
        n_group[g] = int(n.iloc[0]) if len(n) and not hidden else None
    lines_footer = len(words.footer_lines(result, lang, wave_label, synthetic, source))
    fig, s = _new_figure(size, len(codes), extra_lines=lines_footer + 3)
    ax = fig.add_subplot()
    rows = [wrap(words.value_label(result, "code", c, lang), s.wrap) for c in codes]
    cols = [wrap(_group_label(result, g, lang), 14) + ("" if n_group[g] is None else
                                                       f"\n(n = {fmt.format_count(n_group[g], lang)})")
            for g in groups]
    font = _font_for(fig, s, result, lang, rows, wave_label=wave_label, synthetic=synthetic, source=source,
                     intervals=False, rows=len(rows) + 3)
    values, texts, states = [], [], []
    for code in codes:
        vr, tr, sr = [], [], []
        for g in groups:
            cell = _cell(table[(table["group"] == g) & (table["code"] == code)], lang)
            vr.append(cell[0]), tr.append(cell[4]), sr.append(cell[3])
        values.append(vr), texts.append(tr), states.append(sr)
    _heatmap(fig, ax, s, font, rows, cols, values, texts, states, lang)
    for label, code in zip(ax.get_yticklabels(), codes):
        label.set_fontweight("bold" if str(levels.get(code)) == "theme" else "normal")
    _decorate(fig, result, lang, s, wave_label=wave_label, synthetic=synthetic, source=source)
    fig.survey = {"kind": result.kind, "id": result.id, "rows": rows, "columns": cols, "values": values,
                  "value_labels": texts, "lang": lang, "size": size}
    return fig


def draw_cooccurrence(result, lang: str = "fi", size: str = "report", wave_label: str = "",
                      synthetic: bool = False, source: str = "", theme: style.Theme | None = None) -> Figure:
    """Lower-triangle heatmap of code co-occurrence: colour = Jaccard index, text = interviews with both."""
    table = result.table
    codes = list(dict.fromkeys(table["code_a"]))
    lookup = {(a, b): (j, both) for a, b, j, both in zip(table["code_a"], table["code_b"], table["jaccard"],
                                                          table["both"])}
    lines_footer = len(words.footer_lines(result, lang, wave_label, synthetic, source)) + 1
    fig, s = _new_figure(size, len(codes), extra_lines=lines_footer + (2 if len(codes) > 6 else 6))
    ax = fig.add_subplot()
    numbered = len(codes) > 6  # columns are numbered; rows carry number and name
    names = [wrap((f"{k}. " if numbered else "") + words.value_label(result, "code", c, lang), s.wrap)
             for k, c in enumerate(codes, 1)]
    columns = [str(k) for k in range(1, len(codes) + 1)] if numbered else \
        [wrap(words.value_label(result, "code", c, lang), 14) for c in codes]
    font = _font_for(fig, s, result, lang, names, wave_label=wave_label, synthetic=synthetic, source=source,
                     intervals=False, rows=len(codes) + (2 if numbered else 6))
    values, texts, states = [], [], []
    for r, a in enumerate(codes):
        vr, tr, sr = [], [], []
        for c, b in enumerate(codes):
            if c > r:
                vr.append(None), tr.append(""), sr.append("blank")
                continue
            j, both = lookup.get((a, b), (0.0, 0))
            vr.append(_num(j) if not math.isnan(_num(j)) else 0.0)
            tr.append(fmt.format_count(both, lang))
            sr.append("ok")
        values.append(vr), texts.append(tr), states.append(sr)
    _heatmap(fig, ax, s, font, names, columns, values, texts, states, lang, rotate=not numbered)
    ax.set_xlabel(catalogue.text("legend_cooccurrence", lang), fontsize=font * 0.9)
    ax.xaxis.set_label_position("top")
    _decorate(fig, result, lang, s, wave_label=wave_label, synthetic=synthetic, source=source)
    fig.survey = {"kind": result.kind, "id": result.id, "rows": names, "values": values, "value_labels": texts,
                  "lang": lang, "size": size}
    return fig


# -- Likert summary ("% agree" per item) ----------------------------------------------------------

def summary_rows(result) -> pd.DataFrame:
    table = result.table.copy()
    table["_key"] = [(-1.0 if _is_suppressed(r) else _num(r["agree_pct"])) for _, r in table.iterrows()]
    table["_order"] = range(len(table))
    table = table.sort_values(["_key", "_order"], ascending=[False, True], kind="mergesort")
    return table.drop(columns=["_key", "_order"]).reset_index(drop=True)


def draw_likert_summary(result, lang: str = "fi", size: str = "report", wave_label: str = "",
                        synthetic: bool = False, source: str = "", theme: style.Theme | None = None) -> Figure:
    """Share agreeing (top-2 box) per item with its Wilson interval, sorted; n of scale answers per item."""
    theme = theme or style.Theme()
    rows = summary_rows(result)
    lines_footer = len(words.footer_lines(result, lang, wave_label, synthetic, source, True))
    fig, s = _new_figure(size, len(rows), extra_lines=lines_footer)
    ax = fig.add_subplot()
    names = [wrap(catalogue.text("n_item", lang, label=words.value_label(result, "item", r["item"], lang),
                              n=fmt.format_count(r.get("n_scale", r.get("n")), lang)), s.wrap)
             for _, r in rows.iterrows()]
    font = _font_for(fig, s, result, lang, names, wave_label=wave_label, synthetic=synthetic, source=source,
                     intervals=True)
    values, lows, highs, states, texts = _share_bars(rows, "agree_pct", "agree_ci_low", "agree_ci_high", True, lang)
    _hbars(fig, ax, s, font, names, values, lows, highs, states, texts, [theme.primary] * len(rows), lang)
    ax.set_xlabel(catalogue.text("axis_agree", lang))
    _decorate(fig, result, lang, s, wave_label=wave_label, synthetic=synthetic, source=source, intervals=True)
    fig.survey = {"kind": result.kind, "id": result.id, "items": list(rows["item"]), "labels": names,
                  "values": values, "value_labels": texts, "lang": lang, "size": size}
    return fig


# -- wave comparison (dumbbells) ----------------------------------------------------------------

def wave_layout(result, lang: str) -> dict:
    """Rows of a wave comparison in chart order with before/now values, difference text and state."""
    table = result.table.copy()
    numeric = "mean_now" in table.columns
    before_col, now_col = ("mean_before", "mean_now") if numeric else ("pct_before", "pct_now")
    table["_key"] = [_num(v) for v in table[now_col]]
    table["_key"] = table["_key"].fillna(-1.0)
    table["_order"] = range(len(table))
    if not numeric:
        table = table.sort_values(["_key", "_order"], ascending=[False, True], kind="mergesort")
    rows = []
    for _, r in table.iterrows():
        comparable = bool(r.get("comparable", True)) if not pd.isna(r.get("comparable", True)) else False
        before, now, diff = _num(r.get(before_col)), _num(r.get(now_col)), _num(r.get("diff"))
        state = "ok"
        if _is_suppressed(r):
            state = "suppressed"
        elif not comparable or math.isnan(before) or math.isnan(now):
            state = "not_compared"
        show = (lambda v: fmt.format_number(v, lang, 1)) if numeric else \
            (lambda v: fmt.format_percent(v, lang, digits=0))
        diff_text = (fmt.format_number(diff, lang, 1) if numeric else fmt.format_points(diff, lang)) \
            if state == "ok" and not math.isnan(diff) else ""
        if numeric and diff_text and diff > 0:
            diff_text = "+" + diff_text
        label = catalogue.text("col_mean", lang) if numeric else words.value_label(result, "code", r["code"], lang)
        rows.append({"code": r["code"], "label": label,
                     "before": before, "now": now, "diff": diff, "state": state,
                     "before_text": show(before) if state == "ok" else "",
                     "now_text": show(now) if state == "ok" else "", "diff_text": diff_text,
                     "p": _num(r.get("p_adjusted", r.get("p")))})
    test = result.test or {}
    return {"rows": rows, "numeric": numeric, "previous": test.get("previous_wave") or "",
            "current": test.get("wave") or result.wave or "", "comparable": test.get("comparable", True)}


def draw_waves(result, lang: str = "fi", size: str = "report", wave_label: str = "", synthetic: bool = False,
               source: str = "", theme: style.Theme | None = None) -> Figure:
    """Dumbbells: each answer's share in the previous and the current wave, the difference beside."""
    theme = theme or style.Theme()
    layout = wave_layout(result, lang)
    rows = layout["rows"]
    series = [(layout["previous"], theme.categorical[1], "s"), (layout["current"], theme.categorical[0], "o")]
    lines_footer = len(words.footer_lines(result, lang, wave_label, synthetic, source))
    fig, s = _new_figure(size, max(len(rows), 1), extra_lines=lines_footer + 2)
    lax, axes, ncols = _legend_grid(fig, s, [x[0] for x in series], s.font * 0.85)
    ax = axes[0]
    names = [wrap(r["label"], s.wrap) for r in rows]
    font = _font_for(fig, s, result, lang, names, wave_label=wave_label, synthetic=synthetic, source=source,
                     intervals=False, rows=len(names) + 1)
    scale = 1 if layout["numeric"] else 100
    finite = [v for r in rows if r["state"] == "ok" for v in (r["before"], r["now"])]
    top = (max(finite) * 1.25 if finite else 1.0) if layout["numeric"] else 1.0
    size_marker = 6 if s.name == "report" else 11
    marker = catalogue.text("suppressed", lang)
    for i, r in enumerate(rows):
        if r["state"] != "ok":
            text = marker if r["state"] == "suppressed" else catalogue.text("not_compared", lang)
            ax.text(0.01 * top * scale, i, text, va="center", ha="left", fontsize=font * 0.85, style="italic",
                    color=style.MUTED_TEXT)
            continue
        b, n = r["before"] * scale, r["now"] * scale
        ax.plot([b, n], [i, i], color=style.MUTED_TEXT, linewidth=1.2 if s.name == "report" else 2.2, zorder=1)
        ax.plot([b], [i], marker=series[0][2], color=series[0][1], markersize=size_marker, linestyle="none",
                markeredgecolor=style.BACKGROUND, zorder=3)
        ax.plot([n], [i], marker=series[1][2], color=series[1][1], markersize=size_marker, linestyle="none",
                markeredgecolor=style.BACKGROUND, zorder=3)
        pad = 0.015 * top * scale
        left_is_before = b <= n
        ax.text((b - pad) if left_is_before else (b + pad), i, r["before_text"], va="center",
                ha="right" if left_is_before else "left", fontsize=font * 0.8, color=style.TEXT)
        ax.text((n + pad) if left_is_before else (n - pad), i, r["now_text"], va="center",
                ha="left" if left_is_before else "right", fontsize=font * 0.8, color=style.TEXT, fontweight="bold")
    if not rows:  # nothing comparable: say why instead of an empty frame
        reason = words.test_line(result, lang) or catalogue.text("not_compared", lang)
        ax.text(0.5, 0.5, wrap(reason, 60), transform=ax.transAxes, ha="center", va="center", style="italic",
                fontsize=s.font, color=style.MUTED_TEXT)
        ax.set_yticks([])
        names = [""]
    diff_axis = matplotlib.transforms.blended_transform_factory(ax.transAxes, ax.transData)
    for i, r in enumerate(rows):
        ax.text(1.03, i, r["diff_text"], transform=diff_axis, va="center", ha="left", fontsize=font * 0.85)
    if rows:
        ax.text(1.03, -0.75, catalogue.text("diff_header_mean" if layout["numeric"] else "diff_header", lang),
                transform=diff_axis, va="bottom", ha="left", fontsize=font * 0.75, color=style.MUTED_TEXT)
    if rows:
        ax.set_yticks(range(len(names)), names, fontsize=font)
    ax.set_ylim(len(names) - 0.5, -0.5)
    ax.tick_params(axis="y", length=0)
    _clean_axes(ax, "x")
    if layout["numeric"]:
        ax.set_xlim(0, top)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: fmt.format_number(v, lang, 0)))
        ax.set_xlabel(catalogue.text("col_mean", lang))
    else:
        high = max([max(r["before"], r["now"]) for r in rows if r["state"] == "ok"] or [0.0])
        ax.set_xlim(-10, 112 if high > 0.86 else 100)  # room for the labels left of 0 % and right of 100 %
        _percent_axis(ax, lang, "x")
        ax.set_xlabel(catalogue.text("axis_share_respondents", lang))
    handles = [matplotlib.lines.Line2D([], [], color=c, marker=m, linestyle="none", markersize=size_marker,
                                       label=lab) for lab, c, m in series]
    _place_legend(fig, lax, handles, ncols, s.font * 0.85)
    _decorate(fig, result, lang, s, wave_label=wave_label, synthetic=synthetic, source=source)
    fig.survey = {"kind": result.kind, "id": result.id, "rows": names, "codes": [r["code"] for r in rows],
                  "before": [r["before"] if r["state"] == "ok" else None for r in rows],
                  "now": [r["now"] if r["state"] == "ok" else None for r in rows],
                  "diff_labels": [r["diff_text"] for r in rows], "states": [r["state"] for r in rows],
                  "series": [x[0] for x in series], "lang": lang, "size": size}
    return fig


# -- dispatch ------------------------------------------------------------------------

CHARTS = {
    "multi": draw_bars,
    "single": draw_bars,
    "likert": draw_likert,
    "numeric": draw_numeric,
    "breakdown": draw_breakdown,
    "breakdown_numeric": draw_breakdown_numeric,
    "interview_codes": draw_interview_codes,
    "interview_codes_by": draw_codes_by,
    "interview_cooccurrence": draw_cooccurrence,
    "triangulation": draw_triangulation,
    "likert_summary": draw_likert_summary,
    "wave": draw_waves,
}
NO_CHART = {"interview_quotes"}  # a table of quotes, never a picture


def has_chart(result) -> bool:
    """True when ``result`` gets a chart (quote tables and unknown kinds do not)."""
    return result.kind in CHARTS


def draw(result, lang: str = "fi", size: str = "report", wave_label: str = "", synthetic: bool = False,
         source: str = "", theme: style.Theme | None = None) -> Figure | None:
    """The chart of ``result`` in ``lang`` at ``size`` ('report': A4 text width, 'slide': 16:9).

    Returns None for kinds that are tables by nature (``interview_quotes``); raises
    SurveyError for an unknown kind, language or size.
    """
    if lang not in catalogue.LANGUAGES:
        raise SurveyError(f"unknown report language '{lang}' (use fi, sv or en)")
    if size not in style.SIZES:
        raise SurveyError(f"unknown chart size '{size}' (use report or slide)")
    if result.kind in NO_CHART:
        return None
    try:
        function = CHARTS[result.kind]
    except KeyError:
        known = ", ".join(sorted(CHARTS))
        raise SurveyError(f"result '{result.id}' has kind '{result.kind}', which has no chart (known: {known})") \
            from None
    with matplotlib.rc_context(style.rc_params(size)):
        fig = function(result, lang=lang, size=size, wave_label=wave_label, synthetic=synthetic,
                       source=source, theme=theme)
        _add_logo(fig, theme)
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


# -- checks on a drawn figure --------------------------------------------------------------------

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


def text_problems(fig, tolerance: float = 1.0) -> list[str]:
    """Labels of ``fig`` that stick out of the figure or overlap another label (empty list: none).

    The figure is laid out as when saved; extents are measured in display pixels with
    ``tolerance`` pixels of slack.
    """
    fig.draw_without_rendering()
    renderer = fig._get_renderer()
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


# -- alt text -------------------------------------------------------------------------------------

def _title_sentence(result, lang: str) -> str:
    return title_of(result, lang).rstrip(".?!: ")


def _bars_alt(result, lang: str) -> str:
    rows = bar_rows(result)
    shown = rows[~rows["suppressed"]]
    shown = shown[shown["pct"].map(lambda v: not math.isnan(_num(v)))]
    leading = ", ".join(f"{words.code_label(result, r.code, lang)} {fmt.format_percent(r.pct, lang)}"
                        for r in shown.head(LEADING).itertuples())
    parts = [catalogue.text("alt_bars", lang, title=_title_sentence(result, lang),
                         footer=words.selections_footer(result, lang), leading=leading)]
    if len(rows) > LEADING:
        parts.append(catalogue.text("alt_bars_more", lang, k=fmt.format_count(len(rows), lang)))
    hidden = int(rows["suppressed"].sum())
    if hidden:
        parts.append(catalogue.text("alt_suppressed", lang, k=fmt.format_count(hidden, lang)))
    return " ".join(parts)


def _likert_alt(result, lang: str) -> str:
    layout = likert_layout(result)
    items = [it for it in layout["items"] if not it["suppressed"]]
    leading = "; ".join(catalogue.text("alt_likert_item", lang, label=words.value_label(result, "item", it["item"], lang),
                                    positive=fmt.format_percent(it["positive"], lang, 0),
                                    negative=fmt.format_percent(it["negative"], lang, 0),
                                    n=fmt.format_count(it["n"], lang)) for it in items)
    text = catalogue.text("alt_likert", lang, title=_title_sentence(result, lang),
                       k=fmt.format_count(len(layout["items"]), lang), leading=leading)
    hidden = len(layout["items"]) - len(items)
    if hidden:
        text += " " + catalogue.text("alt_suppressed", lang, k=fmt.format_count(hidden, lang))
    return text


def _numeric_alt(result, lang: str) -> str:
    row = result.table.iloc[0]
    if _is_suppressed(row):
        return f"{_title_sentence(result, lang)}: {catalogue.text('suppressed', lang)}."
    f = {k: fmt.format_number(row.get(k), lang, 1) for k in ("mean", "ci_low", "ci_high", "median", "q1", "q3",
                                                               "min", "max")}
    return catalogue.text("alt_numeric", lang, title=_title_sentence(result, lang),
                       n=fmt.format_count(row.get("n"), lang), mean=f["mean"], lo=f["ci_low"], hi=f["ci_high"],
                       median=f["median"], q1=f["q1"], q3=f["q3"], min=f["min"], max=f["max"])


def _dots_alt(result, lang: str, rows, groups, cells, key: str = "alt_breakdown") -> str:
    parts = []
    for name, row in zip(rows, cells):
        values = ", ".join(f"{g} {c[4]}" for g, c in zip(groups, row))
        parts.append(catalogue.text("alt_dots_row", lang, row=name, values=values))
    return catalogue.text(key, lang, title=_title_sentence(result, lang), groups=", ".join(groups),
                       leading="; ".join(parts))


def _breakdown_alt(result, lang: str, size: str = "report") -> str:
    layout = breakdown_layout(result, lang)
    groups = [_group_label(result, g, lang) for g in layout["groups"]]
    key = "alt_breakdown_heatmap" if breakdown_is_heatmap(result, size, lang) else "alt_breakdown"
    text = _dots_alt(result, lang, layout["rows"], groups, layout["cells"], key)
    tested = words.test_line(result, lang)
    return f"{text} {tested.rstrip('.')}." if tested else text


def _breakdown_numeric_alt(result, lang: str) -> str:
    table = result.table.reset_index(drop=True)
    cells = [[_cell(table.iloc[[i]], lang, value="mean", percent=False)] for i in range(len(table))]
    rows = [_group_label(result, g, lang) for g in table["group"]]
    return _dots_alt(result, lang, rows, [catalogue.text("col_mean", lang)], cells)


def _triangulation_alt(result, lang: str) -> str:
    table = result.table
    themes = list(dict.fromkeys(table["theme"]))
    sources = list(dict.fromkeys(table["source"]))
    cells = [[_cell(table[(table["theme"] == t) & (table["source"] == x)], lang) for x in sources] for t in themes]
    rows = [words.value_label(result, "theme", t, lang) for t in themes]
    groups = [words.value_label(result, "source", x, lang) for x in sources]
    parts = ["; ".join(catalogue.text("alt_dots_row", lang, row=r, values=", ".join(f"{g} {c[4]}" for g, c in
                                                                                 zip(groups, row)))
                       for r, row in zip(rows, cells))]
    return catalogue.text("alt_triangulation", lang, title=_title_sentence(result, lang), leading=parts[0])


def _codes_alt(result, lang: str) -> str:
    table = result.table
    total = (result.n or {}).get("interviews")
    themes = table[table.get("level", pd.Series(["theme"] * len(table))) == "theme"] if "level" in table else table
    ranked = themes.assign(k=themes["interviews"].map(_num)).sort_values("k", ascending=False, kind="mergesort")
    leading = ", ".join(f"{words.value_label(result, 'code', r.code, lang)} "
                        f"{fmt.format_count(r.interviews, lang)}/{fmt.format_count(total, lang)}"
                        for r in ranked.head(LEADING).itertuples())
    return catalogue.text("alt_codes", lang, title=_title_sentence(result, lang),
                       footer=words.footer_lines(result, lang)[0], leading=leading)


def _codes_by_alt(result, lang: str) -> str:
    table = result.table
    groups = list(dict.fromkeys(table["group"]))
    parts = []
    for g in groups:
        rows = table[table["group"] == g]
        if rows["suppressed"].fillna(False).astype(bool).all() if "suppressed" in rows else False:
            parts.append(f"{_group_label(result, g, lang)}: {catalogue.text('suppressed', lang)}")
            continue
        top = rows.assign(share=rows["pct"].map(_num)).sort_values("share", ascending=False,
                                                                   kind="mergesort").head(2)
        shown = ", ".join(f"{words.value_label(result, 'code', r.code, lang)} "
                          f"{fmt.format_percent(r.share, lang, 0)}"
                          for r in top.itertuples())
        parts.append(f"{_group_label(result, g, lang)}: {shown}")
    return catalogue.text("alt_heatmap", lang, title=_title_sentence(result, lang), leading="; ".join(parts))


def _cooccurrence_alt(result, lang: str) -> str:
    table = result.table
    pairs = table[table["code_a"].astype(str) < table["code_b"].astype(str)]
    pairs = pairs.assign(k_both=pairs["both"].map(_num), k_jaccard=pairs["jaccard"].map(_num))
    pairs = pairs.sort_values(["k_both", "k_jaccard", "code_a", "code_b"], ascending=[False, False, True, True],
                              kind="mergesort")
    leading = ", ".join(f"{words.value_label(result, 'code', r.code_a, lang)} + "
                        f"{words.value_label(result, 'code', r.code_b, lang)} {fmt.format_count(r.both, lang)}"
                        for r in pairs.head(LEADING).itertuples())
    return catalogue.text("alt_cooccurrence", lang, title=_title_sentence(result, lang),
                       footer=words.footer_lines(result, lang)[0], leading=leading)


def _summary_alt(result, lang: str) -> str:
    rows = summary_rows(result)
    parts = []
    for _, r in rows.iterrows():
        value = catalogue.text("suppressed", lang) if _is_suppressed(r) else fmt.format_percent(r["agree_pct"], lang)
        parts.append(f"{words.value_label(result, 'item', r['item'], lang)} {value}")
    return catalogue.text("alt_summary", lang, title=_title_sentence(result, lang), leading=", ".join(parts))


def _waves_alt(result, lang: str) -> str:
    layout = wave_layout(result, lang)
    parts = []
    for r in layout["rows"]:
        if r["state"] != "ok":
            state = catalogue.text("suppressed" if r["state"] == "suppressed" else "not_compared", lang)
            parts.append(f"{r['label']}: {state}")
        else:
            unit = "" if layout["numeric"] else " " + catalogue.text("points_unit", lang)
            parts.append(catalogue.text("alt_waves_row", lang, label=r["label"], before=r["before_text"],
                                     now=r["now_text"], diff=r["diff_text"] + unit))
    tested = words.test_line(result, lang)
    if not parts:
        parts = [tested.rstrip(".") or catalogue.text("not_compared", lang)]
        tested = ""
    text = catalogue.text("alt_waves", lang, title=_title_sentence(result, lang), previous=layout["previous"],
                       current=layout["current"], leading="; ".join(parts))
    return f"{text} {tested.rstrip('.')}." if tested else text


ALT = {"multi": _bars_alt, "single": _bars_alt, "likert": _likert_alt, "numeric": _numeric_alt,
       "breakdown": _breakdown_alt, "breakdown_numeric": _breakdown_numeric_alt, "triangulation": _triangulation_alt,
       "interview_codes": _codes_alt, "interview_codes_by": _codes_by_alt,
       "interview_cooccurrence": _cooccurrence_alt, "likert_summary": _summary_alt, "wave": _waves_alt}


def alt_text(result, lang: str = "fi", synthetic: bool = False, size: str = "report") -> str:
    """A text alternative generated from the data: what it shows, n, the leading items and values.

    ``size`` matters where the two sizes draw differently (a dense breakdown is a dot
    plot in the report and a heatmap on a slide): the text names what that picture is.
    Empty for kinds without a chart (``interview_quotes``).
    """
    if result.kind in NO_CHART:
        return ""
    try:
        function = ALT[result.kind]
    except KeyError:
        raise SurveyError(f"result '{result.id}' has kind '{result.kind}', which has no alt text") from None
    text = function(result, lang, size) if result.kind == "breakdown" else function(result, lang)
    if synthetic or result.synthetic:
        text += " " + catalogue.text("alt_synthetic", lang)
    return text


# -- data tables ------------------------------------------------------------------------------

LABEL_COLUMNS = ("item", "group", "code", "theme", "source", "parent", "code_a", "code_b")
PERCENT_COLUMNS = {"pct", "ci_low", "ci_high", "pct_selections", "pct_scale", "agree_pct", "agree_ci_low",
                   "agree_ci_high", "pct_before", "pct_now"}
POINTS_COLUMNS = {"diff", "diff_low", "diff_high"}
INT_COLUMNS = {"count", "n", "n_group", "n_scale", "n_dont_know", "n_user_missing", "n_skipped", "agree_count",
               "interviews", "interviews_all", "segments", "n_a", "n_b", "both", "either", "count_before", "count_now",
               "n_before", "n_now"}
NUMBER_COLUMNS = {"mean", "median", "sd", "q1", "q3", "min", "max", "mean_ci_low", "mean_ci_high", "jaccard",
                  "mean_before", "median_before", "mean_now", "median_now"}
P_COLUMNS = {"p", "p_adjusted"}
HIDDEN_COLUMNS = {"suppressed", "dont_know", "dataset", "question", "level", "attribution_sv", "attribution_en",
                  "attribution_fi", "comparable"}
NUMERIC_KINDS = {"numeric", "breakdown_numeric"}  # their ci_* are intervals of a mean, not shares
INTERVIEW_KINDS = {"interview_codes", "interview_codes_by", "interview_cooccurrence"}


def column_kind(result, column: str) -> str:
    """How a result-table column is shown: label, percent, points, int, number, p, text or hidden."""
    if column in HIDDEN_COLUMNS or str(column).startswith("_"):
        return "hidden"
    if column in LABEL_COLUMNS:
        return "label"
    if result.kind in NUMERIC_KINDS and column in ("ci_low", "ci_high"):
        return "number"
    if result.kind == "wave" and column in ("diff", "ci_low", "ci_high"):
        return "number" if "mean_now" in result.table.columns else "points"
    for kind, names in (("percent", PERCENT_COLUMNS), ("points", POINTS_COLUMNS), ("int", INT_COLUMNS),
                        ("number", NUMBER_COLUMNS), ("p", P_COLUMNS)):
        if column in names:
            return kind
    return "text"


def header_label(result, column: str, lang: str) -> str:
    """The column heading of a result-table column in ``lang``."""
    if result.kind == "wave" and column in ("ci_low", "ci_high"):
        return catalogue.text(f"col_diff_{column}", lang)
    if result.kind == "wave" and column == "diff" and "pct_now" in result.table.columns:
        return catalogue.text("col_difference", lang)
    if result.kind in INTERVIEW_KINDS and column == "pct":
        return catalogue.text("col_pct_interviews", lang)
    if result.kind in INTERVIEW_KINDS and column == "code":
        return catalogue.text("col_code_label", lang)
    special = {"code": "col_option", "item": "col_item", "pct": "col_pct", "count": "col_count",
               "group": "col_group", "source": "col_source"}
    try:
        return catalogue.text(special.get(column, f"col_{column}"), lang)
    except KeyError:
        return str(column)


def format_value(result, column: str, value, lang: str) -> str:
    """One cell as text, formatted by the locale (labels for codes)."""
    kind = column_kind(result, column)
    if kind == "label":
        return words.value_label(result, column, value, lang)
    if kind == "percent":
        return fmt.format_percent(value, lang)
    if kind == "points":
        return fmt.format_points(value, lang)
    if kind == "int":
        return fmt.format_count(value, lang)
    if kind == "number":
        return fmt.format_number(value, lang, 2 if column == "jaccard" else 1)
    if kind == "p":
        return words.format_p(_num(value), lang)
    if column == "test" and isinstance(value, str):
        return words.test_name(value, lang)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return str(value)


def _bars_table(result, lang: str) -> pd.DataFrame:
    rows = bar_rows(result)
    suppressed = catalogue.text("suppressed", lang)
    out = {catalogue.text("col_option", lang): [words.code_label(result, c, lang) for c in rows["code"]]}

    def column(values, formatter):
        return [suppressed if s else formatter(v) for v, s in zip(values, rows["suppressed"])]

    out[catalogue.text("col_count", lang)] = column(rows["count"], lambda v: fmt.format_count(v, lang))
    out[catalogue.text("col_pct", lang)] = column(rows["pct"], lambda v: fmt.format_percent(v, lang))
    if {"ci_low", "ci_high"} <= set(rows.columns):
        out[catalogue.text("col_ci", lang)] = [suppressed if s else fmt.format_interval(lo, hi, lang)
                                            for lo, hi, s in zip(rows["ci_low"], rows["ci_high"],
                                                                 rows["suppressed"])]
    if "pct_selections" in rows.columns:
        out[catalogue.text("col_pct_selections", lang)] = column(rows["pct_selections"],
                                                              lambda v: fmt.format_percent(v, lang))
    return pd.DataFrame(out)


def _generic_table(result, lang: str) -> pd.DataFrame:
    table = result.table
    columns = [c for c in table.columns if column_kind(result, c) != "hidden"]
    suppressed = (table["suppressed"].fillna(False).astype(bool) if "suppressed" in table.columns
                  else pd.Series(False, index=table.index))
    marker = catalogue.text("suppressed", lang)
    out = {}
    for column in columns:
        kind = column_kind(result, column)
        values = []
        for value, hidden in zip(table[column], suppressed):
            missing = value is None or (not isinstance(value, str) and pd.isna(value))
            if hidden and kind not in ("label", "text") and missing:
                values.append(marker)
            else:
                values.append(format_value(result, column, value, lang))
        out[header_label(result, column, lang)] = values
    return pd.DataFrame(out)


TABLES = {"multi": _bars_table, "single": _bars_table}


def data_table(result, lang: str = "fi") -> pd.DataFrame:
    """The chart's data as a table of formatted text (labels, counts, shares, intervals)."""
    return TABLES.get(result.kind, _generic_table)(result, lang)
