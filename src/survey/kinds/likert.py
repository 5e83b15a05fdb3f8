"""Likert batteries: diverging stacked bars, 'don't know' beside them, the items agreed with most and least."""

from __future__ import annotations

import math

import matplotlib.patches
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, FuncFormatter

from survey import catalogue
from survey.analysis.proportions import wilson_interval
from survey.catalogue import fmt
from survey.kinds import style, words
from survey.kinds.drawing import (wrap, title_sentence, as_float, new_figure, decorate, legend_grid, place_legend,
                                  clean_axes, font_for)
from survey.kinds.kind import Kind
from survey.kinds.phrases import (phrase, missing, complete, share_word, share_words, label_of, pct_text, ci_text,
                                  small_n_note, rows_where)
from survey.model import Result, ResultKind


def likert_layout(result) -> dict:
    """Items (sorted by positive share), scale codes, the dont-know code and shares per item."""
    table = result.table
    dk_mask = table["dont_know"].fillna(False).astype(bool) if "dont_know" in table.columns else \
        pd.Series(False, index=table.index)
    scale = list(dict.fromkeys(table.loc[~dk_mask, "code"]))
    dont_know = list(dict.fromkeys(table.loc[dk_mask, "code"]))
    k = len(scale)
    negative, positive = scale[:k // 2], scale[k - k // 2:]
    neutral = scale[k // 2] if k % 2 else None
    items = []
    for order, item in enumerate(dict.fromkeys(table["item"])):
        rows = table[table["item"] == item]
        shares = {code: as_float(v) for code, v in zip(rows["code"], rows["pct"])}
        # n is the base of the scale's shares: the scale answers, "don't know" left out (its own share is of all)
        counts = [as_float(v) for v, dk in zip(rows["count"], dk_mask[rows.index]) if not dk]
        suppressed = bool(rows["suppressed"].fillna(False).astype(bool).any()) if "suppressed" in rows else False
        n = int(sum(c for c in counts if not math.isnan(c)))
        pos = sum(shares.get(c, 0) or 0 for c in positive if not math.isnan(shares.get(c, math.nan)))
        neg = sum(shares.get(c, 0) or 0 for c in negative if not math.isnan(shares.get(c, math.nan)))
        items.append({"item": item, "shares": shares, "n": n, "positive": pos, "negative": neg,
                      "neutral": as_float(shares.get(neutral)) if neutral is not None else 0.0,
                      "dont_know": sum(as_float(shares.get(c)) for c in dont_know) if dont_know else math.nan,
                      "suppressed": suppressed, "order": order})
    items.sort(key=lambda it: (it["suppressed"], -it["positive"], it["order"]))
    return {"scale": scale, "negative": negative, "positive": positive, "neutral": neutral,
            "dont_know": dont_know, "items": items}


def draw(result, lang: str = "fi", size: str = "report", wave_label: str = "", synthetic: bool = False,
         source: str = "", theme: style.Theme | None = None) -> Figure:
    """Diverging stacked bars: negative left, neutral centred on zero, positive right; 'don't know' beside."""
    layout = likert_layout(result)
    items, scale = layout["items"], layout["scale"]
    colors = dict(zip(scale, style.diverging(len(scale))))
    lines_footer = len(words.footer_lines(result, lang, wave_label, synthetic, source))
    fig, s = new_figure(size, len(items), extra_lines=lines_footer + 2)
    has_dk = bool(layout["dont_know"])
    legend_entries = [wrap(words.value_label(result, "code", c, lang), 12 if s.name == "report" else 18)
                      for c in scale]
    lax, axes, ncols = legend_grid(fig, s, legend_entries, s.font * 0.85, [5, 1] if has_dk else None)
    ax, ax_dk = (axes[0], axes[1]) if has_dk else (axes[0], None)
    names = [wrap(catalogue.text("n_item", lang, label=words.value_label(result, "item", it["item"], lang),
                              n=fmt.format_count(it["n"], lang)), s.wrap) for it in items]
    font = font_for(fig, s, result, lang, names, wave_label=wave_label, synthetic=synthetic, source=source,
                     intervals=False, rows=len(items) + 2)
    min_label = 0.12 if s.name == "report" else 0.11
    segments = []
    # code -> [(row, width, left)]: one barh per answer, in the order a row's segments are drawn (rows never
    # overlap, so this draws what one barh per segment would)
    order = [*reversed(layout["negative"]), *([layout["neutral"]] if layout["neutral"] is not None else []),
             *layout["positive"]]
    bars: dict = {code: [] for code in order}
    inside = []  # (segment label, segment width in data units)
    reach = 0.5
    for i, it in enumerate(items):
        if it["suppressed"]:
            ax.text(0, i, catalogue.text("suppressed", lang), ha="center", va="center", fontsize=font,
                    style="italic", color=style.MUTED_TEXT)
            segments.append([])
            continue
        half = (it["neutral"] if layout["neutral"] is not None and not math.isnan(it["neutral"]) else 0) / 2
        row_segments = []
        left = -half
        for code in reversed(layout["negative"]):
            share = it["shares"].get(code, 0) or 0
            share = 0 if math.isnan(share) else share
            row_segments.append((code, left - share, share))
            left -= share
        if layout["neutral"] is not None:
            row_segments.append((layout["neutral"], -half, 2 * half))
        right = half
        for code in layout["positive"]:
            share = it["shares"].get(code, 0) or 0
            share = 0 if math.isnan(share) else share
            row_segments.append((code, right, share))
            right += share
        for code, start, share in row_segments:
            if share <= 0:
                continue
            bars[code].append((i, share * 100, start * 100))
            if share >= min_label:
                label = ax.text((start + share / 2) * 100, i, fmt.format_percent(share, lang, digits=0),
                                ha="center", va="center", fontsize=font * 0.9,
                                color=style.text_color_on(colors[code]), zorder=3)
                inside.append((label, share * 100))
        ax.text(left * 100 - 1.5, i, fmt.format_percent(it["negative"], lang, digits=0), ha="right", va="center",
                fontsize=font * 0.9, fontweight="bold", color=style.TEXT)
        ax.text(right * 100 + 1.5, i, fmt.format_percent(it["positive"], lang, digits=0), ha="left",
                va="center", fontsize=font * 0.9, fontweight="bold", color=style.TEXT)
        reach = max(reach, -left, right)
        segments.append(row_segments)
    for code, rows in bars.items():
        if not rows:
            continue
        ax.barh([r for r, _, _ in rows], [w for _, w, _ in rows], left=[left for _, _, left in rows], height=0.66,
                color=colors[code], edgecolor=style.BACKGROUND, linewidth=0.6, zorder=2)
    limit = min(1.0, math.ceil((reach + 0.12) * 10) / 10) * 100 + 6
    ax.set_xlim(-limit, limit)
    ax.axvline(0, color=style.MUTED_TEXT, linewidth=0.8, zorder=1)
    ticks = [t for t in range(-100, 101, 25) if abs(t) <= limit - 6]
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: fmt.format_percent(abs(v) / 100, lang, digits=0)))
    ax.set_yticks(range(len(items)), names, fontsize=font)
    ax.set_ylim(len(items) - 0.5, -0.5)
    ax.tick_params(axis="y", length=0)
    clean_axes(ax, "x")
    ax.set_xlabel(f"\u2190 {catalogue.text('legend_negative', lang)}   |   {catalogue.text('legend_positive', lang)} \u2192")
    handles = [matplotlib.patches.Patch(facecolor=colors[c], edgecolor=style.BACKGROUND, label=entry)
               for c, entry in zip(scale, legend_entries)]
    place_legend(fig, lax, handles, ncols, s.font * 0.85)
    dk_values = []
    if ax_dk is not None:
        top = max([it["dont_know"] for it in items if not math.isnan(it["dont_know"])] or [0.1])
        for i, it in enumerate(items):
            value = it["dont_know"]
            dk_values.append(None if it["suppressed"] or math.isnan(value) else value)
            if it["suppressed"] or math.isnan(value):
                continue
            ax_dk.barh(i, value * 100, height=0.66, color=style.DONT_KNOW, zorder=2)
            ax_dk.text(value * 100 + top * 4, i, fmt.format_percent(value, lang, digits=0), va="center",
                       ha="left", fontsize=font * 0.9, color=style.TEXT)
        ax_dk.set_xlim(0, max(top * 100 * 2.2, 10))
        ax_dk.xaxis.set_major_locator(FixedLocator([0]))
        ax_dk.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: fmt.format_percent(v / 100, lang, digits=0)))
        ax_dk.set_title(wrap(words.value_label(result, "code", layout["dont_know"][0], lang), 9),
                        fontsize=font * 0.85, loc="left")
        ax_dk.tick_params(axis="y", length=0, labelleft=False)
        for side in ("top", "right"):
            ax_dk.spines[side].set_visible(False)
    decorate(fig, result, lang, s, wave_label=wave_label, synthetic=synthetic, source=source)
    _drop_labels_that_overflow(fig, ax, inside)
    fig.survey = {"kind": result.kind, "id": result.id, "items": [it["item"] for it in items], "labels": names,
                  "scale": scale, "segments": segments, "positive": [it["positive"] for it in items],
                  "negative": [it["negative"] for it in items], "dont_know": dk_values, "lang": lang,
                  "size": size}
    return fig


def _drop_labels_that_overflow(fig, ax, inside: list) -> None:
    """Remove segment labels wider than their segment (the value stays in the table and alt text)."""
    if not inside:
        return
    engine = fig.get_layout_engine()
    if engine is not None:
        engine.execute(fig)  # the axes' place (what a draw solves first), no artist drawn
    renderer = fig._get_renderer()
    per_unit = ax.bbox.width / (ax.get_xlim()[1] - ax.get_xlim()[0])
    for label, width in inside:
        if label.get_window_extent(renderer).width + 4 > width * per_unit:
            label.remove()
    # the labels were inside their segments: the layout just solved holds, and the files keep it
    fig.set_layout_engine("none")


def alt_text(result, lang: str, size: str = "report") -> str:
    layout = likert_layout(result)
    items = [it for it in layout["items"] if not it["suppressed"]]
    leading = "; ".join(catalogue.text("alt_likert_item", lang, label=words.value_label(result, "item", it["item"], lang),
                                    positive=fmt.format_percent(it["positive"], lang, 0),
                                    negative=fmt.format_percent(it["negative"], lang, 0),
                                    n=fmt.format_count(it["n"], lang)) for it in items)
    text = catalogue.text("alt_likert", lang, title=title_sentence(result, lang),
                       k=fmt.format_count(len(layout["items"]), lang), leading=leading)
    hidden = len(layout["items"]) - len(items)
    if hidden:
        text += " " + catalogue.text("alt_suppressed", lang, k=fmt.format_count(hidden, lang))
    return text


def agree_rows(result: Result) -> list[dict]:
    """Per item: agree count, scale answers, share and Wilson interval, from a ``likert`` table."""
    out = []
    table = result.table
    for item in dict.fromkeys(table["item"]):
        rows = rows_where(table, item=item)
        scale = [r for r in rows if not r.get("dont_know")]
        if any(missing(r.get("count")) for r in scale):
            continue
        n = int(sum(r["count"] for r in scale))
        agree = int(sum(r["count"] for r in scale if r.get("agree")))
        low, high = wilson_interval(agree, n)
        out.append({"item": item, "pct": agree / n if n else math.nan, "low": low, "high": high, "n": n})
    return out


def finding_of(result: Result, agree: list[dict], lang: str) -> str:
    """The items agreed with most and least (``agree``: :func:`agree_rows`)."""
    items = [i for i in agree if complete(i["pct"], i["low"], i["high"])]
    if not items:
        return phrase("no_answers", lang) if len(result.table) else ""
    top = max(items, key=lambda i: i["pct"])
    text = phrase("likert_top", lang, label=label_of(result, top["item"], lang), pct=pct_text(top["pct"], lang),
              ci=ci_text(top["low"], top["high"], lang), word=share_words(top["pct"], top["low"], top["high"], lang))
    if len(items) > 1:
        low = min(items, key=lambda i: i["pct"])
        text += " " + phrase("likert_low", lang, label=label_of(result, low["item"], lang), pct=pct_text(low["pct"], lang),
                         ci=ci_text(low["low"], low["high"], lang),
                         word=share_words(low["pct"], low["low"], low["high"], lang))
    return text + small_n_note(min(i["n"] for i in items), lang)


def finding(result: Result, lang: str = "fi") -> str:
    return finding_of(result, agree_rows(result), lang)


def strength_of(agree: list[dict]) -> int:
    """2 when an item's agree share is a clear majority or minority, else 0."""
    return 2 if any(share_word(i["low"], i["high"]) != "about_half" for i in agree
                    if complete(i["low"], i["high"])) else 0


def strength(result: Result) -> int:
    return strength_of(agree_rows(result))


KIND = Kind(ResultKind.LIKERT, draw=draw, alt_text=alt_text, finding=finding, strength=strength)
