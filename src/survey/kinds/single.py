"""Single-choice questions: sorted horizontal bars with Wilson whiskers, the top answer in words.

The same bars serve multi-select questions (:mod:`survey.kinds.multi`).
"""

from __future__ import annotations

import math

import pandas as pd
from matplotlib.figure import Figure

from survey import catalogue
from survey.catalogue import fmt
from survey.kinds import style, words
from survey.kinds.drawing import (wrap, title_sentence, as_float, new_figure, decorate, share_bars, draw_hbars,
                                  font_for, LEADING)
from survey.kinds.kind import Kind
from survey.kinds.phrases import (phrase, share_word, share_phrase, label_of, pct_text, ci_text, small_n_note,
                                  rows_where, shown_rows)
from survey.model import Result, ResultKind


def bar_rows(result) -> pd.DataFrame:
    """Rows of a single/multi result in chart order: largest share first, suppressed last."""
    table = result.table.copy()
    if "suppressed" not in table.columns:
        table["suppressed"] = False
    table["suppressed"] = table["suppressed"].fillna(False).astype(bool)
    table["_order"] = range(len(table))
    table["_key"] = [(-1.0 if s else (as_float(p) if not math.isnan(as_float(p)) else -0.5))
                     for p, s in zip(table["pct"], table["suppressed"])]
    table = table.sort_values(["_key", "_order"], ascending=[False, True], kind="mergesort")
    return table.drop(columns=["_key", "_order"]).reset_index(drop=True)


def draw(result, lang: str = "fi", size: str = "report", wave_label: str = "", synthetic: bool = False,
         source: str = "", intervals: bool = True, theme: style.Theme | None = None) -> Figure:
    """Horizontal bars of a single or multi question: sorted, value-labelled, Wilson whiskers."""
    theme = theme or style.Theme()
    rows = bar_rows(result)
    has_ci = intervals and {"ci_low", "ci_high"} <= set(rows.columns)
    lines_footer = len(words.footer_lines(result, lang, wave_label, synthetic, source, has_ci))
    fig, s = new_figure(size, len(rows), extra_lines=lines_footer)
    ax = fig.add_subplot()
    names = [wrap(words.code_label(result, code, lang), s.wrap) for code in rows["code"]]
    font = font_for(fig, s, result, lang, names, wave_label=wave_label, synthetic=synthetic, source=source,
                     intervals=has_ci)
    values, lows, highs, states, texts = share_bars(rows, "pct", "ci_low", "ci_high", has_ci, lang)
    draw_hbars(fig, ax, s, font, names, values, lows, highs, states, texts, [theme.primary] * len(rows), lang)
    ax.set_xlabel(catalogue.text("axis_share_respondents", lang))
    decorate(fig, result, lang, s, wave_label=wave_label, synthetic=synthetic, source=source,
              intervals=has_ci)
    fig.survey = {"kind": result.kind, "id": result.id, "codes": list(rows["code"]), "labels": names,
                  "values": [None if v is None else v for v in values], "value_labels": texts, "lang": lang,
                  "size": size}
    return fig


def alt_text(result, lang: str, size: str = "report") -> str:
    rows = bar_rows(result)
    shown = rows[~rows["suppressed"]]
    shown = shown[shown["pct"].map(lambda v: not math.isnan(as_float(v)))]
    leading = ", ".join(f"{words.code_label(result, r.code, lang)} {fmt.format_percent(r.pct, lang)}"
                        for r in shown.head(LEADING).itertuples())
    parts = [catalogue.text("alt_bars", lang, title=title_sentence(result, lang),
                         footer=words.selections_footer(result, lang), leading=leading)]
    if len(rows) > LEADING:
        parts.append(catalogue.text("alt_bars_more", lang, k=fmt.format_count(len(rows), lang)))
    hidden = int(rows["suppressed"].sum())
    if hidden:
        parts.append(catalogue.text("alt_suppressed", lang, k=fmt.format_count(hidden, lang)))
    return " ".join(parts)


def data_table(result, lang: str) -> pd.DataFrame:
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


def top_choice(result: Result, lang: str, key: str = "top_choice", more=None) -> str:
    """The most chosen answer with its share and interval; ``more(result, rows, lang)`` adds sentences."""
    rows = shown_rows(rows_where(result.table))
    answering = (result.n or {}).get("answering", (result.n or {}).get("respondents"))
    if not answering:
        return phrase("no_answers", lang) if answering == 0 else ""
    if not rows:
        return ""
    top = max(rows, key=lambda r: r["pct"])
    word = share_phrase(top["ci_low"], top["ci_high"], lang)
    if top["pct"] >= 1:  # 100 %: "valtaosa" (most) would understate it
        word = catalogue.text("share_everyone", lang)
    text = phrase(key, lang, label=label_of(result, top["code"], lang), pct=pct_text(top["pct"], lang),
              ci=ci_text(top["ci_low"], top["ci_high"], lang), word=word)
    if more is not None:
        text += more(result, rows, lang)
    if result.suppression.get("suppressed_groups"):
        text += " " + phrase("hidden_groups", lang, t=fmt.format_count(result.suppression.get("threshold"), lang))
    return text + small_n_note(answering, lang)


def finding(result: Result, lang: str = "fi") -> str:
    return top_choice(result, lang)


def strength(result: Result) -> int:
    """2 when an answer's interval puts it in a clear majority, else 0."""
    rows = shown_rows(rows_where(result.table))
    return 2 if any(share_word(r["ci_low"], r["ci_high"]) in ("majority", "great_majority") for r in rows) else 0


KIND = Kind(ResultKind.SINGLE, draw=draw, alt_text=alt_text, data_table=data_table, finding=finding, strength=strength)
