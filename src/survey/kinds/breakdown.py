"""Groups compared (cross-tabulation): a dot per group and answer with its interval, or a heatmap when dense."""

from __future__ import annotations

from matplotlib.figure import Figure

from survey import catalogue
from survey.catalogue import fmt
from survey.kinds import style, words
from survey.kinds.drawing import (wrap, MAX_REPORT_HEIGHT, natural_height, new_figure, decorate, font_for, dots_axes,
                                  draw_dots, cell_of_row, rows_by, group_label, series_of, dot_rows,
                                  draw_heatmap, dots_alt)
from survey.kinds.kind import Kind
from survey.kinds.phrases import (phrase, missing, complete, alpha_of, difference_is_clear, label_of, pct_text,
                                  points_text, rows_where, reason_text)
from survey.kinds.words import p_text, test_label
from survey.model import Result, ResultKind


DENSE_SLIDE = 18  # more dots than this on a slide: draw the breakdown as an annotated heatmap


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
    columns = ("group",) + (("item",) if items != [None] else ()) + (("code",) if codes != [None] else ())
    first = rows_by(table, columns, as_text=("code",))
    cells = []
    for item, code in keys:
        parts = (item,) if "item" in columns else ()
        parts += (code,) if "code" in columns else ()
        cells.append([cell_of_row(first.get(tuple(str(v) for v in (group, *parts))), lang, value="pct")
                      for group in groups])
    return {"keys": keys, "rows": row_names, "groups": groups, "cells": cells,
            "agree": bool(keys) and str(keys[0][1]) == "agree"}


def draw(result, lang: str = "fi", size: str = "report", wave_label: str = "", synthetic: bool = False,
         source: str = "", theme: style.Theme | None = None) -> Figure:
    """Groups compared: one row per answer (or per item's '% agree'), a dot per group with its interval."""
    theme = theme or style.Theme()
    layout = breakdown_layout(result, lang)
    if breakdown_is_heatmap(result, size, lang):
        return _breakdown_heatmap(result, layout, lang, size, wave_label, synthetic, source)
    series = series_of([group_label(result, g, lang) for g in layout["groups"]], theme)
    lines_footer = len(words.footer_lines(result, lang, wave_label, synthetic, source, True))
    fig, s = new_figure(size, dot_rows(len(layout["rows"]), len(series), size), extra_lines=lines_footer + 2)
    lax, ax, ncols = dots_axes(fig, s, series)
    names = [wrap(n, s.wrap) for n in layout["rows"]]
    font = font_for(fig, s, result, lang, names, wave_label=wave_label, synthetic=synthetic, source=source,
                     intervals=True, rows=len(names) + 1)
    draw_dots(fig, ax, s, font, names, series, layout["cells"], lang, legend=(lax, ncols))
    ax.set_xlabel(catalogue.text("axis_agree" if layout["agree"] else "axis_share_respondents", lang))
    decorate(fig, result, lang, s, wave_label=wave_label, synthetic=synthetic, source=source, intervals=True)
    fig.survey = {"kind": result.kind, "id": result.id, "rows": names, "groups": [x[0] for x in series],
                  "values": [[c[0] for c in row] for row in layout["cells"]],
                  "value_labels": [[c[4] for c in row] for row in layout["cells"]], "lang": lang, "size": size}
    return fig


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
    return natural_height(s, dot_rows(rows, groups, size), 6) > MAX_REPORT_HEIGHT


def _breakdown_heatmap(result, layout, lang, size, wave_label, synthetic, source) -> Figure:
    """A dense breakdown as a table of shaded, labelled cells: rows x groups (slides)."""
    lines_footer = len(words.footer_lines(result, lang, wave_label, synthetic, source))
    fig, s = new_figure(size, len(layout["rows"]), extra_lines=lines_footer + 3)
    ax = fig.add_subplot()
    rows = [wrap(n, s.wrap) for n in layout["rows"]]
    cols = [wrap(group_label(result, g, lang), 24) for g in layout["groups"]]
    font = font_for(fig, s, result, lang, rows, wave_label=wave_label, synthetic=synthetic, source=source,
                     intervals=False, rows=len(rows) + 2)
    values = [[c[0] for c in row] for row in layout["cells"]]
    texts = [[c[4] for c in row] for row in layout["cells"]]
    states = [[c[3] for c in row] for row in layout["cells"]]
    draw_heatmap(fig, ax, s, font, rows, cols, values, texts, states, lang, rotate=False)
    ax.set_xticks(range(len(cols)), [c.replace("\n", " ") for c in cols], rotation=30, ha="left",
                  rotation_mode="anchor", fontsize=font * 0.85)
    ax.set_xlabel(catalogue.text("axis_agree" if layout["agree"] else "axis_share_respondents", lang),
                  fontsize=font * 0.85)
    decorate(fig, result, lang, s, wave_label=wave_label, synthetic=synthetic, source=source)
    fig.survey = {"kind": result.kind, "id": result.id, "rows": rows, "groups": cols, "values": values,
                  "value_labels": texts, "lang": lang, "size": size, "layout": "heatmap"}
    return fig


def alt_text(result, lang: str, size: str = "report") -> str:
    layout = breakdown_layout(result, lang)
    groups = [group_label(result, g, lang) for g in layout["groups"]]
    key = "alt_breakdown_heatmap" if breakdown_is_heatmap(result, size, lang) else "alt_breakdown"
    by = catalogue.pick((result.labels or {}).get("by"), lang, "")
    text = dots_alt(result, lang, layout["rows"], groups, layout["cells"], key, by=by)
    tested = words.test_line(result, lang)
    return f"{text} {tested.rstrip('.')}." if tested else text


def _group_pct(result: Result, item_id, group, code):
    for r in rows_where(result.table, item=item_id, group=group):
        if str(r["code"]) == str(code) and not r.get("suppressed"):
            return r.get("pct")
    return None


def _item_breakdown(result: Result, item: dict, lang: str) -> tuple[bool, str]:
    """(clear?, sentence) for one tested item of a breakdown; the sentence is '' without its numbers."""
    if item.get("gated"):
        return False, reason_text(item, lang)
    p_adj = item.get("p_adjusted")
    if missing(p_adj):
        return False, ""
    alpha = alpha_of(result)
    test = test_label(item, lang)
    clear = []
    for d in item.get("differences") or []:
        if not difference_is_clear(d.get("low"), d.get("high"), p_adj, alpha):
            continue
        if d["diff"] < 0:  # state the larger group first
            d = {**d, "group_a": d["group_b"], "group_b": d["group_a"], "diff": -d["diff"], "low": -d["high"],
                 "high": -d["low"]}
        pa = _group_pct(result, item["item"], d["group_a"], d["code"])
        pb = _group_pct(result, item["item"], d["group_b"], d["code"])
        if complete(pa, pb, d["diff"]):
            clear.append((d, pa, pb))
    if clear:
        d, pa, pb = max(clear, key=lambda c: abs(c[0]["diff"]))
        return True, phrase("clear_difference", lang, a=label_of(result, d["group_a"], lang, "groups"),
                        b=label_of(result, d["group_b"], lang, "groups"), pa=pct_text(pa, lang), pb=pct_text(pb, lang),
                        diff=points_text(d["diff"], lang), low=points_text(d["low"], lang), high=points_text(d["high"], lang),
                        test=test, p=p_text(p_adj, lang))
    if float(p_adj) < alpha:
        return False, phrase("test_no_pair", lang, test=test, p=p_text(p_adj, lang))
    return False, phrase("no_difference", lang, test=test, p=p_text(p_adj, lang))


def finding(result: Result, lang: str = "fi") -> str:
    test = result.test or {}
    items = test.get("items") or []
    parts = []
    if len(items) == 1:
        parts.append(_item_breakdown(result, items[0], lang)[1])
    elif items:
        judged = [(_item_breakdown(result, i, lang), i) for i in items]
        clear = [(text, i) for (ok, text), i in judged if ok and text]
        if all(i.get("gated") for i in items):
            parts.append(reason_text(items[0], lang))
        else:
            total = fmt.format_count(len(items), lang)
            key = "items_differ" if clear else "no_item_differs"
            parts.append(phrase(key, lang, count=fmt.format_count(len(clear), lang), total=total))
            if clear:
                text, i = clear[0]
                label = label_of(result, i.get("code") if i.get("code") is not None else i.get("item"), lang)
                parts.append(f"{label}: {text}")
    if result.suppression.get("suppressed_groups") and not all(i.get("reason_key") == "too_few_groups"
                                                                for i in items):
        parts.append(phrase("hidden_groups", lang, t=fmt.format_count(result.suppression.get("threshold"), lang)))
    return " ".join(p for p in parts if p)


def strength(result: Result) -> int:
    """3 when a tested item shows a clear difference between groups, else 0."""
    for item in (result.test or {}).get("items") or []:
        if not item.get("gated") and _item_breakdown(result, item, "en")[0]:
            return 3
    return 0


def evidence(result: Result) -> float:
    """The smallest adjusted p of the clear differences (1 when none)."""
    best = 1.0
    for item in (result.test or {}).get("items") or []:
        if not item.get("gated") and _item_breakdown(result, item, "en")[0]:
            best = min(best, float(item["p_adjusted"]))
    return best


KIND = Kind(ResultKind.BREAKDOWN, draw=draw, alt_text=alt_text, finding=finding, strength=strength, evidence=evidence)
