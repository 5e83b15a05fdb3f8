"""Each development-plan theme as associations, staff and interviews see it, side by side."""

from __future__ import annotations

from matplotlib.figure import Figure

from survey import catalogue
from survey.catalogue import fmt
from survey.kinds import style, words
from survey.kinds.drawing import (wrap, title_sentence, new_figure, decorate, font_for, dots_axes, draw_dots,
                                  cell_of_row, rows_by, series_of, dot_rows)
from survey.kinds.kind import Kind
from survey.model import ResultKind


def sources_line(result, lang: str) -> str:
    """Every source of the chart with its n: ``Järjestökysely (n = 63), …, Haastattelut (n = 12)``."""
    n = result.n or {}
    parts = []
    for x in dict.fromkeys(result.table["source"]):
        count = n.get("interviews") if x == result.dataset else n.get(f"respondents:{x}")
        label = words.value_label(result, "source", x, lang)
        parts.append(f"{label} (n = {fmt.format_count(count, lang)})" if count is not None else label)
    return ", ".join(parts)


def draw(result, lang: str = "fi", size: str = "report", wave_label: str = "",
         synthetic: bool = False, source: str = "", theme: style.Theme | None = None) -> Figure:
    """Each plan theme seen by the sources side by side (share with the positive view / interviews mentioning)."""
    theme = theme or style.Theme()
    source = sources_line(result, lang) or source  # the footer names every source, not the interviews only
    table = result.table
    themes = list(dict.fromkeys(table["theme"]))
    sources = list(dict.fromkeys(table["source"]))
    series = series_of([words.value_label(result, "source", x, lang) for x in sources], theme)
    first = rows_by(table, ("theme", "source"))
    cells = [[cell_of_row(first.get((str(t), str(x))), lang) for x in sources] for t in themes]
    lines_footer = len(words.footer_lines(result, lang, wave_label, synthetic, source, True))
    fig, s = new_figure(size, dot_rows(len(themes), len(series), size), extra_lines=lines_footer + 2)
    lax, ax, ncols = dots_axes(fig, s, series)
    names = [wrap(words.value_label(result, "theme", t, lang), s.wrap) for t in themes]
    font = font_for(fig, s, result, lang, names, wave_label=wave_label, synthetic=synthetic, source=source,
                     intervals=True, rows=len(names) + 1)
    draw_dots(fig, ax, s, font, names, series, cells, lang, legend=(lax, ncols))
    ax.set_xlabel(catalogue.text("axis_share", lang))
    decorate(fig, result, lang, s, wave_label=wave_label, synthetic=synthetic, source=source, intervals=True)
    fig.survey = {"kind": result.kind, "id": result.id, "rows": names, "groups": [x[0] for x in series],
                  "values": [[c[0] for c in row] for row in cells],
                  "value_labels": [[c[4] for c in row] for row in cells], "lang": lang, "size": size}
    return fig


def alt_text(result, lang: str, size: str = "report") -> str:
    table = result.table
    themes = list(dict.fromkeys(table["theme"]))
    sources = list(dict.fromkeys(table["source"]))
    first = rows_by(table, ("theme", "source"))
    cells = [[cell_of_row(first.get((str(t), str(x))), lang) for x in sources] for t in themes]
    rows = [words.value_label(result, "theme", t, lang) for t in themes]
    groups = [words.value_label(result, "source", x, lang) for x in sources]
    parts = ["; ".join(catalogue.text("alt_dots_row", lang, row=r, values=", ".join(f"{g} {c[4]}" for g, c in
                                                                                 zip(groups, row)))
                       for r, row in zip(rows, cells))]
    return catalogue.text("alt_triangulation", lang, title=title_sentence(result, lang), leading=parts[0])


KIND = Kind(ResultKind.TRIANGULATION, draw=draw, alt_text=alt_text)
