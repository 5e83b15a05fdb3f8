"""One numeric question: range, interquartile box, median and mean with its interval."""

from __future__ import annotations

import math

import matplotlib.patches
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from survey import catalogue
from survey.catalogue import fmt
from survey.kinds import style, words
from survey.kinds.drawing import wrap, title_sentence, is_suppressed, as_float, new_figure, decorate, clean_axes
from survey.kinds.kind import Kind
from survey.kinds.phrases import phrase, missing, complete, small_n_note
from survey.model import Result, ResultKind


def draw(result, lang: str = "fi", size: str = "report", wave_label: str = "", synthetic: bool = False,
         source: str = "", theme: style.Theme | None = None) -> Figure:
    """One numeric question: range line, interquartile box, median tick, mean dot with its interval."""
    theme = theme or style.Theme()
    row = result.table.iloc[0]
    get = {k: as_float(row.get(k)) for k in ("n", "mean", "ci_low", "ci_high", "median", "q1", "q3", "min", "max")}
    lines_footer = len(words.footer_lines(result, lang, wave_label, synthetic, source))
    fig, s = new_figure(size, 3, extra_lines=lines_footer + 2)
    ax = fig.add_subplot()
    font = s.font
    shown = {}
    if is_suppressed(row) or math.isnan(get["mean"]):
        ax.text(0.5, 0.5, catalogue.text("suppressed" if is_suppressed(row) else "not_available", lang),
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
    clean_axes(ax, "x")
    ax.set_xlabel(catalogue.text("axis_value", lang))
    decorate(fig, result, lang, s, wave_label=wave_label, synthetic=synthetic, source=source)
    fig.survey = {"kind": result.kind, "id": result.id, "values": get, "value_labels": shown, "lang": lang,
                  "size": size}
    return fig


def alt_text(result, lang: str, size: str = "report") -> str:
    row = result.table.iloc[0]
    if is_suppressed(row):
        return f"{title_sentence(result, lang)}: {catalogue.text('suppressed', lang)}."
    f = {k: fmt.format_number(row.get(k), lang, 1) for k in ("mean", "ci_low", "ci_high", "median", "q1", "q3",
                                                               "min", "max")}
    return catalogue.text("alt_numeric", lang, title=title_sentence(result, lang),
                       n=fmt.format_count(row.get("n"), lang), mean=f["mean"], lo=f["ci_low"], hi=f["ci_high"],
                       median=f["median"], q1=f["q1"], q3=f["q3"], min=f["min"], max=f["max"])


def column_kind(result, column: str) -> str | None:
    """Its ``ci_*`` are the interval of a mean: numbers, not shares."""
    return "number" if column in ("ci_low", "ci_high") else None


def finding(result: Result, lang: str = "fi") -> str:
    row = result.table.to_dict(orient="records")[0] if len(result.table) else None
    if not row or missing(row.get("n")) or not row.get("n"):
        return phrase("no_answers", lang) if row is not None and row.get("n") == 0 else ""
    needed = [row.get(k) for k in ("median", "q1", "q3", "mean", "ci_low", "ci_high")]
    if not complete(*needed):
        return ""
    num = lambda x: fmt.format_number(x, lang, digits=1)  # noqa: E731
    return phrase("numeric", lang, median=num(row["median"]), q1=num(row["q1"]), q3=num(row["q3"]),
              mean=num(row["mean"]), low=num(row["ci_low"]), high=num(row["ci_high"]),
              n=fmt.format_count(row["n"], lang)) + small_n_note(row["n"], lang)


KIND = Kind(ResultKind.NUMERIC, draw=draw, alt_text=alt_text, column_kind=column_kind, finding=finding)
