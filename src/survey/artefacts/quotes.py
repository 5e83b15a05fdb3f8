"""The analyst's quotes workbook (``quotes.xlsx``): every candidate quote with its clearance status."""

from __future__ import annotations

from pathlib import Path

from survey import catalogue
from survey.artefacts.workbook import INT_FORMAT, Book, Table, cover, dataset_name, fmt_count, plain
from survey.kinds import words

QUOTE_COLUMNS = ("quote_id", "code", "parent", "interview", "attribution", "text", "chars", "cleared")


def quote_rows(quotes, lang: str) -> list[list]:
    """The quote candidates of an ``interview_quotes`` result as rows of :data:`QUOTE_COLUMNS` (labels in ``lang``).

    A small adapter over the result's table: columns it lacks are left not available.
    """
    rows = []
    for record in quotes.table.to_dict(orient="records"):
        record = {k: plain(v) for k, v in record.items()}
        attribution = record.get(f"attribution_{lang}", record.get("attribution"))
        rows.append([record.get("quote_id"), words.value_label(quotes, "code", record.get("code"), lang) or None,
                     words.value_label(quotes, "code", record.get("parent"), lang) or None, record.get("interview"),
                     attribution, record.get("text"), record.get("chars"), bool(record.get("cleared"))])
    return rows


def write_quotes_xlsx(results, path: Path, lang: str = "fi", synthetic: bool = False,
                      wave_label: str = "", instruments: dict | None = None, *, organisation: str = "",
                      contact: str = "") -> Path | None:
    """The analyst's quotes workbook: every candidate quote with its clearance status (None: no quotes).

    A working file, written beside the processed data (not the published outputs):
    it holds interview text that nobody has cleared yet.
    """
    quotes = next((r for r in results if r.kind == "interview_quotes" and not r.id.endswith("-cleared")), None)
    if quotes is None:
        return None
    book = Book(lang=lang, title=catalogue.text("wb_quotes_title", lang) + (f": {wave_label}" if wave_label else ""),
                synthetic=synthetic, contents_headers=[catalogue.text("col_n", lang)])
    cover(book, lang, about=catalogue.text("wb_about_quotes", lang), wave_label=wave_label,
          sources=[dataset_name(quotes.dataset, lang, instruments)], organisation=organisation, contact=contact,
          threshold=(quotes.suppression or {}).get("threshold"))
    rows = quote_rows(quotes, lang)
    cleared = sum(1 for r in rows if r[-1])
    book.add(Table(name=book.sheet_name(catalogue.text("wb_sheet_quotes", lang)), title=catalogue.text("wb_quotes_title", lang),
                   lines=[catalogue.text("wb_one_table", lang),
                          catalogue.text("wb_quotes_counts", lang, k=fmt_count(len(rows), lang),
                                      cleared=fmt_count(cleared, lang)),
                          catalogue.text("wb_quotes_how", lang)],
                   headers=[catalogue.text(f"wb_col_quote_{c}", lang) for c in QUOTE_COLUMNS], rows=rows,
                   formats=[None] * 6 + [INT_FORMAT, None], contents=[len(rows)]))
    return book.save(Path(path))
