"""Charts: one :class:`~survey.model.Result` in, one matplotlib Figure out (no I/O).

:func:`draw` dispatches on ``result.kind``; each kind has its own function. Every
chart has a title (the question), labelled values (colour is never the only carrier),
suppressed values shown as suppressed (never as zero), and a footer with n, the
source question, the wave and the synthetic-data marker. :func:`alt_text` and
:func:`data_table` describe the same result in words and as a table, so a reader
who cannot see the chart gets the same information.

Figures are built with ``matplotlib.figure.Figure`` directly (no pyplot state), in
the house style of :mod:`survey.style`; ``fig.survey`` holds what the chart shows
(kind, id, row order, values) for tests and for the export stage.
"""

from __future__ import annotations

import math
import textwrap

import matplotlib
import pandas as pd
from matplotlib import patheffects
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, FuncFormatter

from survey import fmt, labels, style
from survey.errors import SurveyError

LEADING = 3  # items named in alt text


# -- helpers -------------------------------------------------------------------------

def wrap(text: str, width: int) -> str:
    """Break ``text`` into lines of at most ``width`` characters; words are never cut or dropped."""
    lines = textwrap.wrap(str(text), width=width, break_long_words=False, break_on_hyphens=True)
    return "\n".join(lines) if lines else str(text)


def title_of(result, lang: str) -> str:
    return labels.pick(result.title, lang, default=result.question or result.id)


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


def _new_figure(size: str, rows: int, extra_lines: int = 0) -> tuple[Figure, style.Size]:
    if size not in style.SIZES:
        raise SurveyError(f"unknown chart size '{size}' (use report or slide)")
    s = style.SIZES[size]
    if s.height is None:
        line = s.font / 72 * 1.5
        height = max(2.4, rows * s.row + 1.3 + extra_lines * line)
    else:
        height = s.height
    fig = Figure(figsize=(s.width, height), dpi=100, layout="constrained")
    fig.get_layout_engine().set(h_pad=0.06, w_pad=0.06)
    return fig, s


def footer_text(result, lang: str, s: style.Size, *, wave_label: str, synthetic: bool, source: str,
                intervals: bool = False) -> str:
    """The footer as shown: one line per item (report), items joined by ' · ' (slide)."""
    lines = labels.footer_lines(result, lang, wave_label=wave_label, synthetic=synthetic, source=source,
                                intervals=intervals)
    width = int(s.title_wrap * s.title / s.small)
    if s.name == "slide":
        lines = [" \u00b7 ".join(lines)]
    return "\n".join(wrap(line, width) for line in lines)


def title_text(result, lang: str, s: style.Size) -> str:
    return wrap(title_of(result, lang), s.title_wrap)


def _decorate(fig: Figure, result, lang: str, s: style.Size, *, wave_label: str, synthetic: bool,
              source: str, intervals: bool = False) -> None:
    """Title (the question) at the top left, footer lines at the bottom left."""
    fig.suptitle(title_text(result, lang, s), x=0.01, ha="left", fontsize=s.title, fontweight="bold")
    fig.supxlabel(footer_text(result, lang, s, wave_label=wave_label, synthetic=synthetic, source=source,
                              intervals=intervals),
                  x=0.01, ha="left", fontsize=s.small, color=style.MUTED_TEXT)


def _row_font(s: style.Size, fig_height: float, rows: int, label_lines: int, title: str, footer: str) -> float:
    """The type size at which ``rows`` category labels of ``label_lines`` lines fit the plot height."""
    used = (title.count("\n") + 1) * s.title * 1.3 / 72 + (footer.count("\n") + 1) * s.small * 1.3 / 72
    used += s.font * 3.6 / 72 + 0.35  # tick labels, axis title, paddings
    per_row = max(fig_height - used, 1.0) / max(rows, 1) * 72  # points per row
    fit = per_row / (max(label_lines, 1) * 1.17 + 0.2)
    return round(min(s.font, max(fit, s.small * 0.8)), 1)


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


# -- bars (single, multi) --------------------------------------------------------------

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


def draw_bars(result, lang: str = "fi", size: str = "report", wave_label: str = "", synthetic: bool = False,
              source: str = "", intervals: bool = True, theme: style.Theme | None = None) -> Figure:
    """Horizontal bars of a single or multi question: sorted, value-labelled, Wilson whiskers."""
    theme = theme or style.Theme()
    rows = bar_rows(result)
    has_ci = intervals and {"ci_low", "ci_high"} <= set(rows.columns)
    lines_footer = len(labels.footer_lines(result, lang, wave_label, synthetic, source, has_ci))
    fig, s = _new_figure(size, len(rows), extra_lines=lines_footer)
    ax = fig.add_subplot()
    names = [wrap(labels.code_label(result, code, lang), s.wrap) for code in rows["code"]]
    font = _row_font(s, fig.get_figheight(), len(rows), max((n.count("\n") + 1 for n in names), default=1),
                     title_text(result, lang, s),
                     footer_text(result, lang, s, wave_label=wave_label, synthetic=synthetic, source=source,
                                 intervals=has_ci))
    y = list(range(len(rows)))
    values, texts = [], []
    for i, row in rows.iterrows():
        suppressed = _is_suppressed(row)
        pct = _num(row["pct"])
        if suppressed or math.isnan(pct):
            values.append(None)
            marker = labels.text("suppressed", lang) if suppressed else fmt.MISSING
            texts.append(marker)
            ax.text(1.0, i, marker, va="center", ha="left", fontsize=font, style="italic",
                    color=style.MUTED_TEXT)
            continue
        values.append(pct)
        ax.barh(i, pct * 100, height=0.66, color=theme.primary, zorder=2)
        end = pct * 100
        if has_ci and not math.isnan(_num(row["ci_low"])):
            lo, hi = _num(row["ci_low"]) * 100, _num(row["ci_high"]) * 100
            width = 0.9 if size == "report" else 1.6
            bars = ax.errorbar(pct * 100, i, xerr=[[pct * 100 - lo], [hi - pct * 100]], fmt="none",
                               ecolor=style.TEXT, elinewidth=width, capsize=2.5 if size == "report" else 5,
                               zorder=3)
            _halo(bars, width)
            end = max(end, hi)
        label = fmt.format_percent(pct, lang)
        texts.append(label)
        ax.text(end + 1.2, i, label, va="center", ha="left", fontsize=font, color=style.TEXT, zorder=4)
    ax.set_yticks(y, names, fontsize=font)
    ax.invert_yaxis()
    ax.set_xlim(0, 114)
    _percent_axis(ax, lang, "x")
    ax.set_xlabel(labels.text("axis_share_respondents", lang))
    ax.tick_params(axis="y", length=0)
    _clean_axes(ax, "x")
    _decorate(fig, result, lang, s, wave_label=wave_label, synthetic=synthetic, source=source,
              intervals=has_ci)
    fig.survey = {"kind": result.kind, "id": result.id, "codes": list(rows["code"]), "labels": names,
                  "values": values, "value_labels": texts, "lang": lang, "size": size}
    return fig


# -- dispatch ------------------------------------------------------------------------

CHARTS = {
    "multi": draw_bars,
    "single": draw_bars,
}


def draw(result, lang: str = "fi", size: str = "report", wave_label: str = "", synthetic: bool = False,
         source: str = "", theme: style.Theme | None = None) -> Figure:
    """The chart of ``result`` in ``lang`` at ``size`` ('report': A4 text width, 'slide': 16:9)."""
    if lang not in labels.LANGUAGES:
        raise SurveyError(f"unknown report language '{lang}' (use fi, sv or en)")
    if size not in style.SIZES:
        raise SurveyError(f"unknown chart size '{size}' (use report or slide)")
    try:
        function = CHARTS[result.kind]
    except KeyError:
        known = ", ".join(sorted(CHARTS))
        raise SurveyError(f"result '{result.id}' has kind '{result.kind}', which has no chart (known: {known})") \
            from None
    with matplotlib.rc_context(style.rc_params(size)):
        return function(result, lang=lang, size=size, wave_label=wave_label, synthetic=synthetic,
                        source=source, theme=theme)


# -- alt text and data tables ------------------------------------------------------------

def _bars_alt(result, lang: str) -> str:
    rows = bar_rows(result)
    shown = rows[~rows["suppressed"]]
    shown = shown[shown["pct"].map(lambda v: not math.isnan(_num(v)))]
    leading = ", ".join(f"{labels.code_label(result, r.code, lang)} {fmt.format_percent(r.pct, lang)}"
                        for r in shown.head(LEADING).itertuples())
    parts = [labels.text("alt_bars", lang, title=title_of(result, lang).rstrip(".?!") ,
                         footer=labels.selections_footer(result, lang), leading=leading)]
    if len(rows) > LEADING:
        parts.append(labels.text("alt_bars_more", lang, k=fmt.format_count(len(rows), lang)))
    hidden = int(rows["suppressed"].sum())
    if hidden:
        parts.append(labels.text("alt_suppressed", lang, k=fmt.format_count(hidden, lang)))
    return " ".join(parts)


ALT = {"multi": _bars_alt, "single": _bars_alt}


def alt_text(result, lang: str = "fi", synthetic: bool = False) -> str:
    """A text alternative generated from the data: what it shows, n, the leading items and values."""
    try:
        function = ALT[result.kind]
    except KeyError:
        raise SurveyError(f"result '{result.id}' has kind '{result.kind}', which has no alt text") from None
    text = function(result, lang)
    if synthetic or result.synthetic:
        text += " " + labels.text("alt_synthetic", lang)
    return text


def _bars_table(result, lang: str) -> pd.DataFrame:
    rows = bar_rows(result)
    suppressed = labels.text("suppressed", lang)
    out = {labels.text("col_option", lang): [labels.code_label(result, c, lang) for c in rows["code"]]}

    def column(values, formatter):
        return [suppressed if s else formatter(v) for v, s in zip(values, rows["suppressed"])]

    out[labels.text("col_count", lang)] = column(rows["count"], lambda v: fmt.format_count(v, lang))
    out[labels.text("col_pct", lang)] = column(rows["pct"], lambda v: fmt.format_percent(v, lang))
    if {"ci_low", "ci_high"} <= set(rows.columns):
        out[labels.text("col_ci", lang)] = [suppressed if s else fmt.format_interval(lo, hi, lang)
                                            for lo, hi, s in zip(rows["ci_low"], rows["ci_high"],
                                                                 rows["suppressed"])]
    if "pct_selections" in rows.columns:
        out[labels.text("col_pct_selections", lang)] = column(rows["pct_selections"],
                                                              lambda v: fmt.format_percent(v, lang))
    return pd.DataFrame(out)


TABLES = {"multi": _bars_table, "single": _bars_table}


def data_table(result, lang: str = "fi") -> pd.DataFrame:
    """The chart's data as a table of formatted text (labels, counts, shares, intervals)."""
    try:
        function = TABLES[result.kind]
    except KeyError:
        raise SurveyError(f"result '{result.id}' has kind '{result.kind}', which has no data table") from None
    return function(result, lang)
