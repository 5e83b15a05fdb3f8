"""Two waves compared: dumbbells of each answer's share (or the mean) before and now, the change beside."""

from __future__ import annotations

import math

import matplotlib.lines
import matplotlib.transforms
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from survey import catalogue
from survey.catalogue import fmt
from survey.kinds import style, words
from survey.kinds.drawing import (wrap, title_sentence, is_suppressed, as_float, percent_axis, new_figure, decorate,
                                  legend_grid, place_legend, clean_axes, font_for)
from survey.kinds.kind import Kind
from survey.kinds.phrases import (phrase, complete, alpha_of, difference_is_clear, label_of, pct_text, points_text,
                                  shown_points, small_n_note, reason_text)
from survey.kinds.words import p_text, test_label
from survey.model import Result, ResultKind


def wave_layout(result, lang: str) -> dict:
    """Rows of a wave comparison in chart order with before/now values, difference text and state."""
    table = result.table.copy()
    numeric = "mean_now" in table.columns
    before_col, now_col = ("mean_before", "mean_now") if numeric else ("pct_before", "pct_now")
    table["_key"] = [as_float(v) for v in table[now_col]]
    table["_key"] = table["_key"].fillna(-1.0)
    table["_order"] = range(len(table))
    if not numeric:
        table = table.sort_values(["_key", "_order"], ascending=[False, True], kind="mergesort")
    rows = []
    for _, r in table.iterrows():
        comparable = bool(r.get("comparable", True)) if not pd.isna(r.get("comparable", True)) else False
        before, now, diff = as_float(r.get(before_col)), as_float(r.get(now_col)), as_float(r.get("diff"))
        state = "ok"
        if is_suppressed(r):
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
                     "p": as_float(r.get("p_adjusted", r.get("p")))})
    test = result.test or {}
    return {"rows": rows, "numeric": numeric, "previous": test.get("previous_wave") or "",
            "current": test.get("wave") or result.wave or "", "comparable": test.get("comparable", True)}


def draw(result, lang: str = "fi", size: str = "report", wave_label: str = "", synthetic: bool = False,
         source: str = "", theme: style.Theme | None = None) -> Figure:
    """Dumbbells: each answer's share in the previous and the current wave, the difference beside."""
    theme = theme or style.Theme()
    layout = wave_layout(result, lang)
    rows = layout["rows"]
    series = [(layout["previous"], theme.categorical[1], "s"), (layout["current"], theme.categorical[0], "o")]
    lines_footer = len(words.footer_lines(result, lang, wave_label, synthetic, source))
    fig, s = new_figure(size, max(len(rows), 1), extra_lines=lines_footer + 2)
    lax, axes, ncols = legend_grid(fig, s, [x[0] for x in series], s.font * 0.85)
    ax = axes[0]
    names = [wrap(r["label"], s.wrap) for r in rows]
    font = font_for(fig, s, result, lang, names, wave_label=wave_label, synthetic=synthetic, source=source,
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
    clean_axes(ax, "x")
    if layout["numeric"]:
        ax.set_xlim(0, top)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: fmt.format_number(v, lang, 0)))
        ax.set_xlabel(catalogue.text("col_mean", lang))
    else:
        high = max([max(r["before"], r["now"]) for r in rows if r["state"] == "ok"] or [0.0])
        ax.set_xlim(-10, 112 if high > 0.86 else 100)  # room for the labels left of 0 % and right of 100 %
        percent_axis(ax, lang, "x")
        ax.set_xlabel(catalogue.text("axis_share_respondents", lang))
    handles = [matplotlib.lines.Line2D([], [], color=c, marker=m, linestyle="none", markersize=size_marker,
                                       label=lab) for lab, c, m in series]
    place_legend(fig, lax, handles, ncols, s.font * 0.85)
    decorate(fig, result, lang, s, wave_label=wave_label, synthetic=synthetic, source=source)
    fig.survey = {"kind": result.kind, "id": result.id, "rows": names, "codes": [r["code"] for r in rows],
                  "before": [r["before"] if r["state"] == "ok" else None for r in rows],
                  "now": [r["now"] if r["state"] == "ok" else None for r in rows],
                  "diff_labels": [r["diff_text"] for r in rows], "states": [r["state"] for r in rows],
                  "series": [x[0] for x in series], "lang": lang, "size": size}
    return fig


def alt_text(result, lang: str, size: str = "report") -> str:
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
    text = catalogue.text("alt_waves", lang, title=title_sentence(result, lang), previous=layout["previous"],
                       current=layout["current"], leading="; ".join(parts))
    return f"{text} {tested.rstrip('.')}." if tested else text


def column_kind(result, column: str) -> str | None:
    """The difference and its interval: numbers for means, percentage points for shares."""
    if column in ("diff", "ci_low", "ci_high"):
        return "number" if "mean_now" in result.table.columns else "points"
    return None


def header_key(result, column: str) -> str | None:
    """The interval is the difference's; a difference of shares is headed as such."""
    if column in ("ci_low", "ci_high"):
        return f"col_diff_{column}"
    if column == "diff" and "pct_now" in result.table.columns:
        return "col_difference"
    return None


def _wave_rows(result: Result) -> list[dict]:
    return [r for r in result.table.to_dict(orient="records")
            if r.get("comparable") and not r.get("suppressed") and complete(r.get("diff"), r.get("ci_low"),
                                                                               r.get("ci_high"))]


def _row_clear(result: Result, row: dict) -> bool:
    return difference_is_clear(row.get("ci_low"), row.get("ci_high"), row.get("p_adjusted"), alpha_of(result))


def finding(result: Result, lang: str = "fi") -> str:
    test = result.test or {}
    if not test.get("comparable", True):
        return reason_text(test, lang)
    rows = [r for r in _wave_rows(result) if complete(r.get("p_adjusted"))]
    if not rows:
        return ""
    w0, w1 = test.get("previous_wave", ""), test.get("wave", result.wave)
    clear = [r for r in rows if _row_clear(result, r)]
    pick = max(clear or rows, key=lambda r: abs(r["diff"]))
    verdict = phrase("clear_change" if clear else "no_clear_change", lang)
    name = test_label({"name": pick.get("test"), "method": test.get("method")}, lang)
    if "pct_now" not in result.table.columns:  # numeric: difference of means
        if not complete(pick.get("mean_before"), pick.get("mean_now")) or not name:
            return ""
        num = lambda x: fmt.format_number(x, lang, digits=1)  # noqa: E731
        return phrase("wave_numeric", lang, before=num(pick["mean_before"]), now=num(pick["mean_now"]), w0=w0, w1=w1,
                  diff=num(pick["diff"]), low=num(pick["ci_low"]), high=num(pick["ci_high"]), test=name,
                  p=p_text(pick["p_adjusted"], lang), verdict=verdict) + small_n_note(min(pick["n_before"], pick["n_now"]), lang)
    if not complete(pick.get("pct_before"), pick.get("pct_now")) or not name:
        return ""
    text = phrase("wave_change", lang, label=label_of(result, pick["code"], lang), before=pct_text(pick["pct_before"], lang),
              now=pct_text(pick["pct_now"], lang), w0=w0, w1=w1, diff=shown_points(pick["pct_before"], pick["pct_now"], lang),
              low=points_text(pick["ci_low"], lang), high=points_text(pick["ci_high"], lang), test=name,
              p=p_text(pick["p_adjusted"], lang), verdict=verdict)
    return text + small_n_note(min(pick["n_before"], pick["n_now"]), lang)


def strength(result: Result) -> int:
    """3 when a comparable comparison shows a clear change, else 0."""
    test = result.test or {}
    if test.get("comparable", True) and len(result.table) and "ci_low" in result.table:
        if any(_row_clear(result, r) for r in _wave_rows(result)):
            return 3
    return 0


def evidence(result: Result) -> float:
    """The smallest adjusted p of the clear changes (1 when none)."""
    best = 1.0
    for r in _wave_rows(result):
        if _row_clear(result, r):
            best = min(best, float(r["p_adjusted"]))
    return best


KIND = Kind(ResultKind.WAVE, draw=draw, alt_text=alt_text, column_kind=column_kind, header_key=header_key,
            finding=finding, strength=strength, evidence=evidence)
