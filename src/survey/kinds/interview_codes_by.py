"""Interview codes by group (division, role): a heatmap of each group's share of interviews."""

from __future__ import annotations

from matplotlib.figure import Figure

from survey import catalogue
from survey.catalogue import fmt
from survey.kinds import interview_codes, style, words
from survey.kinds.drawing import (wrap, title_sentence, as_float, new_figure, decorate, font_for, cell_of_row, rows_by,
                                  group_label, draw_heatmap)
from survey.kinds.kind import Kind
from survey.kinds.phrases import phrase, complete, label_of, rows_where
from survey.model import Result, ResultKind


def draw(result, lang: str = "fi", size: str = "report", wave_label: str = "", synthetic: bool = False,
         source: str = "", theme: style.Theme | None = None) -> Figure:
    """Heatmap of interview codes by group: share of each group's interviews mentioning the code."""
    table = result.table
    groups = list(dict.fromkeys(table["group"]))
    codes = list(dict.fromkeys(table["code"]))
    levels = dict(zip(table["code"], table.get("level", ["code"] * len(table))))
    n_group = {}
    for g in groups:  # the size of a hidden group is not shown either
        rows = table[table["group"] == g]
        hidden = "suppressed" in rows and rows["suppressed"].fillna(False).astype(bool).all()
        n = rows["n_group"].map(as_float).dropna()
        n_group[g] = int(n.iloc[0]) if len(n) and not hidden else None
    lines_footer = len(words.footer_lines(result, lang, wave_label, synthetic, source))
    fig, s = new_figure(size, len(codes), extra_lines=lines_footer + 3)
    ax = fig.add_subplot()
    rows = [wrap(words.value_label(result, "code", c, lang), s.wrap) for c in codes]
    cols = [wrap(group_label(result, g, lang), 14) + ("" if n_group[g] is None else
                                                       f"\n(n = {fmt.format_count(n_group[g], lang)})")
            for g in groups]
    font = font_for(fig, s, result, lang, rows, wave_label=wave_label, synthetic=synthetic, source=source,
                     intervals=False, rows=len(rows) + 3)
    values, texts, states = [], [], []
    first = rows_by(table, ("group", "code"))
    for code in codes:
        vr, tr, sr = [], [], []
        for g in groups:
            cell = cell_of_row(first.get((str(g), str(code))), lang)
            vr.append(cell[0]), tr.append(cell[4]), sr.append(cell[3])
        values.append(vr), texts.append(tr), states.append(sr)
    draw_heatmap(fig, ax, s, font, rows, cols, values, texts, states, lang)
    for label, code in zip(ax.get_yticklabels(), codes):
        label.set_fontweight("bold" if str(levels.get(code)) == "theme" else "normal")
    decorate(fig, result, lang, s, wave_label=wave_label, synthetic=synthetic, source=source)
    fig.survey = {"kind": result.kind, "id": result.id, "rows": rows, "columns": cols, "values": values,
                  "value_labels": texts, "lang": lang, "size": size}
    return fig


def alt_text(result, lang: str, size: str = "report") -> str:
    table = result.table
    groups = list(dict.fromkeys(table["group"]))
    parts = []
    for g in groups:
        rows = table[table["group"] == g]
        if rows["suppressed"].fillna(False).astype(bool).all() if "suppressed" in rows else False:
            parts.append(f"{group_label(result, g, lang)}: {catalogue.text('suppressed', lang)}")
            continue
        top = rows.assign(share=rows["pct"].map(as_float)).sort_values("share", ascending=False,
                                                                   kind="mergesort").head(2)
        shown = ", ".join(f"{words.value_label(result, 'code', r.code, lang)} "
                          f"{fmt.format_percent(r.share, lang, 0)}"
                          for r in top.itertuples())
        parts.append(f"{group_label(result, g, lang)}: {shown}")
    return catalogue.text("alt_heatmap", lang, title=title_sentence(result, lang), leading="; ".join(parts))


def finding(result: Result, lang: str = "fi") -> str:
    """The most mentioned theme over all interviews (k of N), and how the group shares are based."""
    total = (result.n or {}).get("interviews")
    table = result.table
    if not total or "interviews_all" not in table.columns:
        return ""
    rows = [r for r in rows_where(table) if r.get("level") == "theme" and complete(r.get("interviews_all"))]
    if not rows:
        return ""
    top = max(rows, key=lambda r: r["interviews_all"])
    text = phrase("interview_by", lang, label=label_of(result, top["code"], lang),
              k=fmt.format_count(top["interviews_all"], lang), n=fmt.format_count(total, lang))
    if (result.suppression or {}).get("suppressed"):
        text += " " + phrase("interview_hidden", lang, t=fmt.format_count(result.suppression.get("threshold"), lang))
    return text


KIND = Kind(ResultKind.INTERVIEW_CODES_BY, draw=draw, alt_text=alt_text, header_key=interview_codes.header_key,
            finding=finding)
