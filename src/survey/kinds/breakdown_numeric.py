"""A numeric question by group: the mean per group with its 95 % interval."""

from __future__ import annotations

from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from survey import catalogue
from survey.catalogue import fmt
from survey.kinds import breakdown, numeric, style, words
from survey.kinds.drawing import (wrap, new_figure, decorate, font_for, dots_axes, draw_dots, cell_of, group_label,
                                  dots_alt)
from survey.kinds.kind import Kind
from survey.model import ResultKind


def draw(result, lang: str = "fi", size: str = "report", wave_label: str = "",
         synthetic: bool = False, source: str = "", theme: style.Theme | None = None) -> Figure:
    """Means per group with their 95 % intervals, one row per group."""
    theme = theme or style.Theme()
    table = result.table.reset_index(drop=True)
    names = [group_label(result, g, lang) for g in table["group"]]
    cells = [[cell_of(table.iloc[[i]], lang, value="mean", percent=False)] for i in range(len(table))]
    highs = [c[0][2] for c in cells if c[0][3] == "ok" and c[0][2] is not None] + \
        [c[0][0] for c in cells if c[0][3] == "ok"]
    top = (max(highs) if highs else 1.0) * 1.2 or 1.0
    lines_footer = len(words.footer_lines(result, lang, wave_label, synthetic, source, True))
    fig, s = new_figure(size, len(names), extra_lines=lines_footer + 2)
    series = [(catalogue.text("legend_mean", lang), theme.primary, "o")]
    lax, ax, ncols = dots_axes(fig, s, series)
    names = [wrap(n, s.wrap) for n in names]
    font = font_for(fig, s, result, lang, names, wave_label=wave_label, synthetic=synthetic, source=source,
                     intervals=True, rows=len(names) + 1)
    draw_dots(fig, ax, s, font, names, series, cells, lang, percent=False, xlim=top, legend=(lax, ncols))
    ax.set_xlim(0, top)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: fmt.format_number(v, lang, 0)))
    ax.set_xlabel(catalogue.text("col_mean", lang))
    decorate(fig, result, lang, s, wave_label=wave_label, synthetic=synthetic, source=source)
    fig.survey = {"kind": result.kind, "id": result.id, "rows": names,
                  "values": [c[0][0] for c in cells], "value_labels": [c[0][4] for c in cells], "lang": lang,
                  "size": size}
    return fig


def alt_text(result, lang: str, size: str = "report") -> str:
    table = result.table.reset_index(drop=True)
    cells = [[cell_of(table.iloc[[i]], lang, value="mean", percent=False)] for i in range(len(table))]
    rows = [group_label(result, g, lang) for g in table["group"]]
    return dots_alt(result, lang, rows, [catalogue.text("col_mean", lang)], cells)


def alt_text_of(result, lang: str, size: str = "report") -> str:
    return alt_text(result, lang)


KIND = Kind(ResultKind.BREAKDOWN_NUMERIC, draw=draw, alt_text=alt_text, column_kind=numeric.column_kind,
            finding=breakdown.finding)
