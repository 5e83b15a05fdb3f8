"""Interview codes: the interviews mentioning each theme and code (k of N), themes in bold."""

from __future__ import annotations

import math

import pandas as pd
from matplotlib.figure import Figure

from survey import catalogue
from survey.catalogue import fmt
from survey.kinds import style, words
from survey.kinds.drawing import wrap, title_sentence, as_float, new_figure, decorate, draw_hbars, font_for, LEADING
from survey.kinds.kind import Kind
from survey.kinds.phrases import phrase, complete, label_of, pct_text, rows_where
from survey.model import Result, ResultKind


def draw(result, lang: str = "fi", size: str = "report", wave_label: str = "",
         synthetic: bool = False, source: str = "", theme: style.Theme | None = None) -> Figure:
    """Interviews mentioning each theme and code (k of N), themes in bold with their codes below."""
    theme = theme or style.Theme()
    table = result.table.reset_index(drop=True)
    total = int((result.n or {}).get("interviews") or 0)
    lines_footer = len(words.footer_lines(result, lang, wave_label, synthetic, source))
    fig, s = new_figure(size, len(table), extra_lines=lines_footer)
    ax = fig.add_subplot()
    is_theme = [str(level) == "theme" for level in table.get("level", ["code"] * len(table))]
    names = [wrap(words.value_label(result, "code", code, lang), s.wrap) for code in table["code"]]
    font = font_for(fig, s, result, lang, names, wave_label=wave_label, synthetic=synthetic, source=source,
                     intervals=False)
    values, states, texts, colors = [], [], [], []
    for i, row in table.iterrows():
        pct, k = as_float(row.get("pct")), as_float(row.get("interviews"))
        if math.isnan(pct):
            values.append(None), states.append("na"), texts.append(fmt.MISSING)
        else:
            values.append(pct), states.append("ok")
            texts.append(f"{fmt.format_count(k, lang)}/{fmt.format_count(total, lang)}")
        colors.append(theme.primary if is_theme[i] else style.CATEGORICAL[2])
    draw_hbars(fig, ax, s, font, names, values, [None] * len(values), [None] * len(values), states, texts, colors,
           lang)
    for label, bold in zip(ax.get_yticklabels(), is_theme):
        label.set_fontweight("bold" if bold else "normal")
    ax.set_xlabel(catalogue.text("axis_share_interviews", lang))
    decorate(fig, result, lang, s, wave_label=wave_label, synthetic=synthetic, source=source)
    fig.survey = {"kind": result.kind, "id": result.id, "codes": list(table["code"]), "labels": names,
                  "values": values, "value_labels": texts, "lang": lang, "size": size}
    return fig


def alt_text(result, lang: str, size: str = "report") -> str:
    table = result.table
    total = (result.n or {}).get("interviews")
    themes = table[table.get("level", pd.Series(["theme"] * len(table))) == "theme"] if "level" in table else table
    ranked = themes.assign(k=themes["interviews"].map(as_float)).sort_values("k", ascending=False, kind="mergesort")
    leading = ", ".join(f"{words.value_label(result, 'code', r.code, lang)} "
                        f"{fmt.format_count(r.interviews, lang)}/{fmt.format_count(total, lang)}"
                        for r in ranked.head(LEADING).itertuples())
    return catalogue.text("alt_codes", lang, title=title_sentence(result, lang),
                       footer=words.footer_lines(result, lang)[0], leading=leading)


def header_key(result, column: str) -> str | None:
    """Shares are of interviews, codes are the codebook's labels."""
    return {"pct": "col_pct_interviews", "code": "col_code_label"}.get(column)


def finding(result: Result, lang: str = "fi") -> str:
    """The theme most interviews mention, as k of N interviews."""
    total = (result.n or {}).get("interviews")
    rows = [r for r in rows_where(result.table) if r.get("level") == "theme" and complete(r.get("interviews"))]
    if not total or not rows:
        return ""
    top = max(rows, key=lambda r: r["interviews"])
    return phrase("interview_top", lang, label=label_of(result, top["code"], lang),
              k=fmt.format_count(top["interviews"], lang), n=fmt.format_count(total, lang),
              pct=pct_text(top["interviews"] / total, lang))


KIND = Kind(ResultKind.INTERVIEW_CODES, draw=draw, alt_text=alt_text, header_key=header_key, finding=finding)
