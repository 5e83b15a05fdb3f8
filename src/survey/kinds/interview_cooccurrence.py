"""Codes mentioned in the same interviews: a lower-triangle heatmap (Jaccard colour, counts as text)."""

from __future__ import annotations

import math

from matplotlib.figure import Figure

from survey import catalogue
from survey.catalogue import fmt
from survey.kinds import interview_codes, style, words
from survey.kinds.drawing import wrap, title_sentence, as_float, new_figure, decorate, font_for, draw_heatmap, LEADING
from survey.kinds.kind import Kind
from survey.model import ResultKind


def draw(result, lang: str = "fi", size: str = "report", wave_label: str = "",
         synthetic: bool = False, source: str = "", theme: style.Theme | None = None) -> Figure:
    """Lower-triangle heatmap of code co-occurrence: colour = Jaccard index, text = interviews with both."""
    table = result.table
    codes = list(dict.fromkeys(table["code_a"]))
    lookup = {(a, b): (j, both) for a, b, j, both in zip(table["code_a"], table["code_b"], table["jaccard"],
                                                          table["both"])}
    lines_footer = len(words.footer_lines(result, lang, wave_label, synthetic, source)) + 1
    fig, s = new_figure(size, len(codes), extra_lines=lines_footer + (2 if len(codes) > 6 else 6))
    ax = fig.add_subplot()
    numbered = len(codes) > 6  # columns are numbered; rows carry number and name
    names = [wrap((f"{k}. " if numbered else "") + words.value_label(result, "code", c, lang), s.wrap)
             for k, c in enumerate(codes, 1)]
    columns = [str(k) for k in range(1, len(codes) + 1)] if numbered else \
        [wrap(words.value_label(result, "code", c, lang), 14) for c in codes]
    font = font_for(fig, s, result, lang, names, wave_label=wave_label, synthetic=synthetic, source=source,
                     intervals=False, rows=len(codes) + (2 if numbered else 6))
    values, texts, states = [], [], []
    for r, a in enumerate(codes):
        vr, tr, sr = [], [], []
        for c, b in enumerate(codes):
            if c > r:
                vr.append(None), tr.append(""), sr.append("blank")
                continue
            j, both = lookup.get((a, b), (0.0, 0))
            vr.append(as_float(j) if not math.isnan(as_float(j)) else 0.0)
            tr.append(fmt.format_count(both, lang))
            sr.append("ok")
        values.append(vr), texts.append(tr), states.append(sr)
    draw_heatmap(fig, ax, s, font, names, columns, values, texts, states, lang, rotate=not numbered)
    ax.set_xlabel(catalogue.text("legend_cooccurrence", lang), fontsize=font * 0.9)
    ax.xaxis.set_label_position("top")
    decorate(fig, result, lang, s, wave_label=wave_label, synthetic=synthetic, source=source)
    fig.survey = {"kind": result.kind, "id": result.id, "rows": names, "values": values, "value_labels": texts,
                  "lang": lang, "size": size}
    return fig


def alt_text(result, lang: str, size: str = "report") -> str:
    table = result.table
    pairs = table[table["code_a"].astype(str) < table["code_b"].astype(str)]
    pairs = pairs.assign(k_both=pairs["both"].map(as_float), k_jaccard=pairs["jaccard"].map(as_float))
    pairs = pairs.sort_values(["k_both", "k_jaccard", "code_a", "code_b"], ascending=[False, False, True, True],
                              kind="mergesort")
    leading = ", ".join(f"{words.value_label(result, 'code', r.code_a, lang)} + "
                        f"{words.value_label(result, 'code', r.code_b, lang)} {fmt.format_count(r.both, lang)}"
                        for r in pairs.head(LEADING).itertuples())
    return catalogue.text("alt_cooccurrence", lang, title=title_sentence(result, lang),
                       footer=words.footer_lines(result, lang)[0], leading=leading)


KIND = Kind(ResultKind.INTERVIEW_COOCCURRENCE, draw=draw, alt_text=alt_text, header_key=interview_codes.header_key)
