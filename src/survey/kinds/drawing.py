"""What the charts of every kind share: the figure and its footer, bars, dots, heatmaps, fonts.

Figures are built with ``matplotlib.figure.Figure`` directly (no pyplot state), in the house style of
:mod:`survey.kinds.style`. Every chart has labelled values (colour is never the only carrier), suppressed
values shown as suppressed (never as zero), and a footer with n, the source question, the wave and the
synthetic-data marker. A report chart is never taller than the A4 text block (:data:`MAX_REPORT_HEIGHT`).
"""

from __future__ import annotations

import math
import textwrap

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


def wrap(text: str, width: int) -> str:
    """Break ``text`` into lines of at most ``width`` characters; words are never cut or dropped."""
    lines = textwrap.wrap(str(text), width=width, break_long_words=False, break_on_hyphens=True)
    return "\n".join(lines) if lines else str(text)


def title_of(result, lang: str) -> str:
    return catalogue.pick(result.title, lang, default=result.question or result.id)


def title_sentence(result, lang: str) -> str:
    return title_of(result, lang).rstrip(".?!: ")


def is_suppressed(row) -> bool:
    value = row.get("suppressed", False)
    return bool(value) if value is not None and not (isinstance(value, float) and math.isnan(value)) else False


def as_float(value) -> float:
    try:
        value = float(value)
    except (TypeError, ValueError):
        return math.nan
    return value


def percent_axis(ax, lang: str, axis: str = "x", limit: float = 100.0) -> None:
    """Ticks 0-100 on a percent scale, labelled by the locale ('50 %', '50%')."""
    formatter = FuncFormatter(lambda v, _pos: fmt.format_percent(v / 100, lang, digits=0))
    ticks = [t for t in (0, 20, 40, 60, 80, 100) if t <= limit + 1e-9]
    target = ax.xaxis if axis == "x" else ax.yaxis
    target.set_major_locator(FixedLocator(ticks))
    target.set_major_formatter(formatter)


MAX_REPORT_HEIGHT = 9.4  # inches (23.9 cm): the A4 text block is about 24 cm high


def natural_height(s: style.Size, rows: int, extra_lines: int = 0) -> float:
    """The height a growing chart would take with ``rows`` at the size's full row height."""
    line = s.font / 72 * 1.5
    return max(2.4, rows * s.row + 1.0 + extra_lines * line)


def new_figure(size: str, rows: int, extra_lines: int = 0) -> tuple[Figure, style.Size]:
    if size not in style.SIZES:
        raise SurveyError(f"unknown chart size '{size}' (use report or slide)")
    s = style.SIZES[size]
    if s.height is None:
        height = min(natural_height(s, rows, extra_lines), MAX_REPORT_HEIGHT)
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


def decorate(fig: Figure, result, lang: str, s: style.Size, *, wave_label: str, synthetic: bool,
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


def legend_grid(fig, s, entries: list[str], font: float, width_ratios=None, sharey: bool = True):
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


def place_legend(fig, lax, handles, ncols: int, font: float):
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


def clean_axes(ax, grid_axis: str = "x") -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.grid(axis=grid_axis, color=style.GRID, linewidth=0.6)
    ax.set_axisbelow(True)


def share_bars(rows: pd.DataFrame, pct: str, low: str, high: str, has_ci: bool, lang: str) -> tuple:
    """Bar values, interval ends, states (ok / suppressed / na) and value labels of share rows."""
    values, lows, highs, states, texts = [], [], [], [], []
    for _, row in rows.iterrows():
        value = as_float(row[pct])
        if is_suppressed(row) or math.isnan(value):
            state = "suppressed" if is_suppressed(row) else "na"
            values.append(None), lows.append(None), highs.append(None), states.append(state)
            texts.append(catalogue.text("suppressed", lang) if state == "suppressed" else fmt.MISSING)
            continue
        values.append(value)
        lows.append(as_float(row.get(low)) if has_ci else None)
        highs.append(as_float(row.get(high)) if has_ci else None)
        states.append("ok")
        texts.append(fmt.format_percent(value, lang))
    return values, lows, highs, states, texts


def draw_hbars(fig, ax, s, font, names, values, lows, highs, states, texts, colors, lang) -> None:
    """Draw value-labelled horizontal bars (percent scale 0-100) with optional whiskers.

    One ``barh`` and one ``errorbar`` for all rows (the same rectangles and lines as one call per row,
    drawn in the same order: each call costs about a millisecond).
    """
    width = 0.9 if s.name == "report" else 1.6
    shown = [i for i, state in enumerate(states) if state == "ok"]
    whiskers = [i for i in shown if lows[i] is not None and highs[i] is not None
                and not (math.isnan(lows[i]) or math.isnan(highs[i]))]
    if shown:
        ax.barh(shown, [values[i] * 100 for i in shown], height=0.66, color=[colors[i] for i in shown], zorder=2)
    if whiskers:
        bars = ax.errorbar([values[i] * 100 for i in whiskers], whiskers,
                           xerr=[[values[i] * 100 - lows[i] * 100 for i in whiskers],
                                 [highs[i] * 100 - values[i] * 100 for i in whiskers]],
                           fmt="none", ecolor=style.TEXT, elinewidth=width,
                           capsize=2.5 if s.name == "report" else 5, zorder=3)
        _halo(bars, width)
    for i, (value, state, text) in enumerate(zip(values, states, texts)):
        if state != "ok":
            ax.text(1.0, i, text, va="center", ha="left", fontsize=font, style="italic", color=style.MUTED_TEXT)
            continue
        end = max(value * 100, highs[i] * 100) if i in whiskers else value * 100
        ax.text(end + 1.2, i, text, va="center", ha="left", fontsize=font, color=style.TEXT, zorder=4)
    ax.set_yticks(range(len(names)), names, fontsize=font)
    ax.set_ylim(len(names) - 0.5, -0.5)
    ax.set_xlim(0, 114)
    percent_axis(ax, lang, "x")
    ax.tick_params(axis="y", length=0)
    clean_axes(ax, "x")


def font_for(fig, s, result, lang, names, *, wave_label, synthetic, source, intervals, rows=None) -> float:
    return _row_font(s, fig.get_figheight(), rows if rows is not None else len(names),
                     max((n.count("\n") + 1 for n in names), default=1),
                     footer_text(result, lang, s, wave_label=wave_label, synthetic=synthetic, source=source,
                                 intervals=intervals))


MARKERS = ("o", "s", "D", "^", "v", "P", "X", "h")  # a series differs in marker shape as well as colour


def dots_axes(fig, s, series):
    """The legend row and the plot axes of a dot plot."""
    lax, axes, ncols = legend_grid(fig, s, [x[0] for x in series], s.font * 0.85)
    return lax, axes[0], ncols


def draw_dots(fig, ax, s, font, row_names, series, cells, lang, percent=True, xlim=None, legend=None) -> None:
    """Rows of dodged dots: one per series, with whiskers and a value label beside each dot.

    ``cells[r][g]`` is ``(value, low, high, state, text)``; ``state`` 'ok', 'suppressed' or 'na'.
    """
    g = max(len(series), 1)
    step = 0.8 / g
    width = 0.9 if s.name == "report" else 1.6
    scale = 100 if percent else 1
    top = xlim if xlim is not None else 114
    whiskers = [([], []) for _ in series]  # per series: x and y of its whiskers, NaN between them
    dots = [([], []) for _ in series]
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
                whiskers[j][0].extend((low * scale, high * scale, math.nan))
                whiskers[j][1].extend((y, y, math.nan))
                end = max(end, high * scale)
            dots[j][0].append(value * scale)
            dots[j][1].append(y)
            ax.text(end + 0.012 * top, y, text, va="center", ha="left", fontsize=font * 0.8, color=style.TEXT)
    # one line and one marker artist per series (rows never overlap, so the drawing is the same as one per dot)
    for (label, color, marker), (wx, wy), (dx, dy) in zip(series, whiskers, dots):
        if wx:
            ax.plot(wx, wy, color=color, linewidth=width, zorder=2, solid_capstyle="butt")
        if dx:
            ax.plot(dx, dy, marker=marker, color=color, markersize=5 if s.name == "report" else 9,
                    markeredgecolor=style.BACKGROUND, markeredgewidth=0.6, linestyle="none", zorder=3)
    ax.set_yticks(range(len(row_names)), row_names, fontsize=font)
    for r in range(1, len(row_names)):
        ax.axhline(r - 0.5, color=style.GRID, linewidth=0.6, zorder=0)
    ax.set_ylim(len(row_names) - 0.5, -0.5)
    ax.tick_params(axis="y", length=0)
    clean_axes(ax, "x")
    if percent:
        ax.set_xlim(0, top)
        percent_axis(ax, lang, "x")
    handles = [matplotlib.lines.Line2D([], [], color=c, marker=m, linestyle="none", markersize=6 if
                                       s.name == "report" else 10, label=lab) for lab, c, m in series]
    if legend is not None:
        place_legend(fig, legend[0], handles, legend[1], s.font * 0.85)


def cell_of(hit: pd.DataFrame, lang: str, value: str = "pct", percent: bool = True):
    """``(value, low, high, state, text)`` of the first row of ``hit`` (state ``na`` when there is none)."""
    return cell_of_row(None if hit.empty else hit.iloc[0], lang, value, percent)


def _is_nan(value) -> bool:
    return isinstance(value, float) and math.isnan(value)


def rows_by(table: pd.DataFrame, columns: tuple[str, ...], as_text: tuple[str, ...] = ()) -> dict:
    """The first row (a dict) of ``table`` for each combination of ``columns``' values, keyed by ``str`` of each.

    One pass instead of a mask per cell, finding what ``table[table[c] == value]`` finds:
    a row with a missing value in a column is found by no key, except in the ``as_text``
    columns, compared as ``table[c].astype(str) == str(value)`` (a missing value is 'nan').
    """
    out: dict = {}
    for record in table.to_dict(orient="records"):
        values = [record.get(c) for c in columns]
        if any((v is None or _is_nan(v)) and c not in as_text for c, v in zip(columns, values)):
            continue
        out.setdefault(tuple(str(v) for v in values), record)
    return out


def cell_of_row(row, lang: str, value: str = "pct", percent: bool = True):
    """:func:`cell_of` of one row (a dict or a Series; ``None``: no row)."""
    if row is None:
        return (None, None, None, "na", catalogue.text("not_available", lang))
    if is_suppressed(row):
        return (None, None, None, "suppressed", catalogue.text("suppressed", lang))
    v = as_float(row.get(value))
    if math.isnan(v):
        return (None, None, None, "na", catalogue.text("not_available", lang))
    lo, hi = as_float(row.get("ci_low")), as_float(row.get("ci_high"))
    text = fmt.format_percent(v, lang, digits=0) if percent else fmt.format_number(v, lang, 1)
    return (v, None if math.isnan(lo) else lo, None if math.isnan(hi) else hi, "ok", text)


def group_label(result, group, lang: str) -> str:
    return words.value_label(result, "group", group, lang)


def series_of(names: list[str], theme: style.Theme) -> list[tuple]:
    palette = theme.categorical
    return [(name, palette[j % len(palette)], MARKERS[j % len(MARKERS)]) for j, name in enumerate(names)]


def dot_rows(rows: int, series: int, size: str) -> int:
    """Bar-row equivalents of a dot plot with ``series`` dots per row (for the figure height)."""
    per_row = max(1, series) * (0.17 if size == "report" else 0.3) + 0.15
    return int(math.ceil(rows * per_row / style.SIZES[size].row))


def _heat_color(value: float):
    """White to HEAT_HIGH, linear in sRGB."""
    lo, hi = style.hex_to_rgb(style.HEAT_LOW), style.hex_to_rgb(style.HEAT_HIGH)
    return tuple(float(c) for c in lo + (hi - lo) * max(0.0, min(1.0, value)))


def _hex(rgb) -> str:
    return "#" + "".join(f"{int(round(c * 255)):02X}" for c in rgb)


def draw_heatmap(fig, ax, s, font, row_names, col_names, values, texts, states, lang, rotate=None) -> None:
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


def dots_alt(result, lang: str, rows, groups, cells, key: str = "alt_breakdown", by: str = "") -> str:
    """Alt text of a chart by group; with ``by`` (the grouping's name) the groups are named as its
    values ("Ryhmät (Palkattu henkilöstö): Kyllä / Ei") and the answers quoted ("”Kyllä”: Kyllä 33 %, Ei 49 %"),
    so bare yes/no groups read as what they are."""
    parts = []
    for name, row in zip(rows, cells):
        values = ", ".join(f"{g} {c[4]}" for g, c in zip(groups, row))
        parts.append(catalogue.text("alt_dots_row_by" if by else "alt_dots_row", lang, row=name, values=values))
    if by:
        return catalogue.text(f"{key}_by", lang, title=title_sentence(result, lang), by=by, groups=" / ".join(groups),
                              leading="; ".join(parts))
    return catalogue.text(key, lang, title=title_sentence(result, lang), groups=", ".join(groups),
                       leading="; ".join(parts))
