"""A Likert battery in one view: the share agreeing (top-2 box) per item with its interval, sorted."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from survey import catalogue
from survey.catalogue import fmt
from survey.kinds import likert, style, words
from survey.kinds.drawing import (wrap, title_sentence, is_suppressed, as_float, new_figure, decorate, share_bars,
                                  draw_hbars, font_for)
from survey.kinds.kind import Kind
from survey.model import Result, ResultKind


def summary_rows(result) -> pd.DataFrame:
    table = result.table.copy()
    table["_key"] = [(-1.0 if is_suppressed(r) else as_float(r["agree_pct"])) for _, r in table.iterrows()]
    table["_order"] = range(len(table))
    table = table.sort_values(["_key", "_order"], ascending=[False, True], kind="mergesort")
    return table.drop(columns=["_key", "_order"]).reset_index(drop=True)


def draw(result, lang: str = "fi", size: str = "report", wave_label: str = "",
         synthetic: bool = False, source: str = "", theme: style.Theme | None = None) -> Figure:
    """Share agreeing (top-2 box) per item with its Wilson interval, sorted; n of scale answers per item."""
    theme = theme or style.Theme()
    rows = summary_rows(result)
    lines_footer = len(words.footer_lines(result, lang, wave_label, synthetic, source, True))
    fig, s = new_figure(size, len(rows), extra_lines=lines_footer)
    ax = fig.add_subplot()
    names = [wrap(catalogue.text("n_item", lang, label=words.value_label(result, "item", r["item"], lang),
                              n=fmt.format_count(r.get("n_scale", r.get("n")), lang)), s.wrap)
             for _, r in rows.iterrows()]
    font = font_for(fig, s, result, lang, names, wave_label=wave_label, synthetic=synthetic, source=source,
                     intervals=True)
    values, lows, highs, states, texts = share_bars(rows, "agree_pct", "agree_ci_low", "agree_ci_high", True, lang)
    draw_hbars(fig, ax, s, font, names, values, lows, highs, states, texts, [theme.primary] * len(rows), lang)
    ax.set_xlabel(catalogue.text("axis_agree", lang))
    decorate(fig, result, lang, s, wave_label=wave_label, synthetic=synthetic, source=source, intervals=True)
    fig.survey = {"kind": result.kind, "id": result.id, "items": list(rows["item"]), "labels": names,
                  "values": values, "value_labels": texts, "lang": lang, "size": size}
    return fig


def alt_text(result, lang: str, size: str = "report") -> str:
    rows = summary_rows(result)
    parts = []
    for _, r in rows.iterrows():
        value = catalogue.text("suppressed", lang) if is_suppressed(r) else fmt.format_percent(r["agree_pct"], lang)
        parts.append(f"{words.value_label(result, 'item', r['item'], lang)} {value}")
    return catalogue.text("alt_summary", lang, title=title_sentence(result, lang), leading=", ".join(parts))


def agree_rows(result: Result) -> list[dict]:
    """Per item: the agree share, its Wilson interval and n, as the summary table gives them."""
    return [{"item": r["item"], "pct": r["agree_pct"], "low": r["agree_ci_low"], "high": r["agree_ci_high"],
             "n": r["n_scale"]} for r in result.table.to_dict(orient="records") if not r.get("suppressed")]


def finding(result: Result, lang: str = "fi") -> str:
    return likert.finding_of(result, agree_rows(result), lang)


def strength(result: Result) -> int:
    return likert.strength_of(agree_rows(result))


KIND = Kind(ResultKind.LIKERT_SUMMARY, draw=draw, alt_text=alt_text, finding=finding, strength=strength)
