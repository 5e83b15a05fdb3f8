"""Open-text answers, redacted, as one table and one workbook for the analyst.

``collect_open_answers`` is pure: the normal forms (whose text columns the ingest
stage has already redacted) in, one tidy table out (ids for the data, and the
dataset's and question's names for readers). ``write_open_answers_xlsx`` streams it
into a workbook in one pass (openpyxl's write-only mode: time and memory grow with the
rows, not with their square), every formula-like answer stored as text.

The workbook is laid out like the published ones (:mod:`survey.artefacts.workbook`,
the Analysis Function's spreadsheet guidance): a cover (what it holds, source, wave,
synthetic marker, producer and contact), a contents sheet linking to every sheet, and
the answers as Excel tables with filters, the title in A1, names instead of ids. It is
a working file for the analyst, written beside the processed data
(``project.paths.processed(wave)``), not into the published outputs: free text can
identify a person even after names are masked, so it is read and coded, not released.
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path

import openpyxl
import pandas as pd
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.table import Table as ExcelTable
from openpyxl.worksheet.table import TableColumn, TableStyleInfo

from survey import catalogue
from survey.artefacts.workbook import (LINK_COLOR, MARKER_COLOR, NOT_AVAILABLE, TITLE_FONT, Book, cover, dataset_name,
                                       display_name, fmt_count)
from survey.project.instruments import Instrument
from survey.store import files

COLUMNS = ["dataset", "question", "question_text", "respondent_id", "answer"]  # the data (ids)
NAMES = ["dataset_name", "question_label"]  # the words readers see instead of the ids
SHOWN = ["dataset_name", "question_label", "question_text", "respondent_id", "answer"]
HEADER_KEYS = ["oa_col_dataset", "oa_col_question", "oa_col_question_text", "oa_col_respondent", "oa_col_answer"]
WIDTHS = (24, 30, 50, 16, 90)
LINES = 5  # at most: title, synthetic marker, masking note, one-table line, count; then the header
MAX_ROWS = 1_048_576 - LINES - 1  # Excel's row limit, less those rows and the header


def collect_open_answers(frames: dict[str, pd.DataFrame], instruments: dict[str, Instrument],
                         lang: str = "fi") -> pd.DataFrame:
    """Every non-empty open answer (text questions and multi-select example boxes), in instrument order."""
    parts = []
    for dataset, frame in frames.items():
        instrument = instruments[dataset]
        for q in instrument.questions:
            column = q.id if q.type == "text" else f"{q.id}__text" if q.type == "multi" else None
            if column is None or column not in frame.columns:
                continue
            answers = frame[column]
            keep = answers.map(lambda a: isinstance(a, str) and bool(a.strip())).astype(bool)
            if not keep.any():
                continue
            parts.append(pd.DataFrame({"dataset": dataset, "question": q.id, "question_text": q.label(lang),
                                       "respondent_id": frame.loc[keep, "respondent_id"].astype(str).to_numpy(),
                                       "answer": answers[keep].astype(object).to_numpy(),
                                       "dataset_name": dataset_name(dataset, lang, instruments),
                                       "question_label": q.short_label(lang)}))
    if not parts:
        return pd.DataFrame(columns=COLUMNS + NAMES)
    return pd.concat(parts, ignore_index=True)[COLUMNS + NAMES]


def write_open_answers_xlsx(table: pd.DataFrame, path: Path, *, lang: str = "fi", synthetic: bool = False,
                            wave_label: str = "", organisation: str = "", contact: str = "") -> Path:
    """The open-answers workbook: cover, contents, then the answers (a new sheet past Excel's row limit).

    Each answers sheet: the title in A1, a few lines in column A (synthetic marker,
    masking note, how many answers), then one Excel table with filters: dataset,
    question (short label), question text, respondent id, answer. Formula-like answers
    stay text; reproducible bytes. A table from before the names were collected shows
    the ids.
    """
    table = table.copy()
    for name, fallback in zip(NAMES, ("dataset", "question")):
        if name not in table.columns:
            table[name] = table[fallback] if fallback in table.columns else None
    total = len(table)
    pages = max(1, -(-total // MAX_ROWS))
    base = catalogue.text("oa_sheet", lang)
    names = [base + (f"_{k}" if k > 1 else "") for k in range(1, pages + 1)]
    titles = [catalogue.text("oa_title", lang) + (f" ({k}/{pages})" if pages > 1 else "") for k in range(1, pages + 1)]
    book = Book(lang=lang, title=catalogue.text("oa_title", lang) + (f": {wave_label}" if wave_label else ""),
                synthetic=synthetic)
    datasets = [str(d) for d in dict.fromkeys(table["dataset_name"].tolist())] if total else []
    cover(book, lang, about=catalogue.text("oa_about", lang), wave_label=wave_label, sources=datasets,
          organisation=organisation, contact=contact, threshold=None)
    book.cover = [(heading, [line for line in lines if line != book.t("wb_notes_pointer")])  # no notes sheet
                  for heading, lines in book.cover]

    workbook = openpyxl.Workbook(write_only=True)
    _write_cover(workbook.create_sheet(book.t("wb_sheet_cover")), book)
    counts = [min(MAX_ROWS, total - (k - 1) * MAX_ROWS) for k in range(1, pages + 1)]
    _write_contents(workbook.create_sheet(book.t("sheet_contents")), book, names, titles, counts)
    headers = [catalogue.text(k, lang) for k in HEADER_KEYS]
    records = table[SHOWN].itertuples(index=False, name=None)
    for k, (name, title, count) in enumerate(zip(names, titles, counts), 1):
        ws = workbook.create_sheet(name)
        for letter, width in zip("ABCDE", WIDTHS):
            ws.column_dimensions[letter].width = width
        lines = [catalogue.text("synthetic", lang)] if synthetic else []
        lines += [catalogue.text("oa_masked", lang), catalogue.text("wb_one_table", lang),
                  catalogue.text("oa_counts", lang, k=fmt_count(count, lang))]
        top = _write_lines(ws, title, lines, book)
        ws.append([_bold(ws, text) for text in headers])
        written = 0
        for record in records:
            ws.append([_cell(ws, value) for value in record])
            written += 1
            if written >= count:
                break
        if not written:  # a table needs one data row: say there is nothing
            ws.append([NOT_AVAILABLE] * len(headers))
            written = 1
        _add_table(ws, f"oa{k}_{name}", headers, top, top + written)
    workbook.properties.created = files.FIXED_DATETIME
    workbook.properties.modified = files.FIXED_DATETIME
    workbook.properties.creator = "survey"
    workbook.properties.lastModifiedBy = "survey"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return files.write_bytes_atomic(Path(path), files.normalise_zip(buffer.getvalue()))


def _bold(ws, text, **font):
    cell = WriteOnlyCell(ws, files.cell_text(text))
    cell.font = Font(bold=True, **font)
    return cell


def _write_lines(ws, title: str, lines: list[str], book: Book) -> int:
    """The title in A1 and the supporting lines below it in column A; return the header row's number."""
    ws.append([_bold(ws, title, size=TITLE_FONT)])
    for line in lines:
        if line == book.t("synthetic"):
            ws.append([_bold(ws, line, color=MARKER_COLOR)])
        else:
            ws.append([files.cell_text(line)])
    return len(lines) + 2


def _write_cover(ws, book: Book) -> None:
    """The cover: the title, the synthetic marker, then each section's heading and paragraphs (no table)."""
    ws.column_dimensions["A"].width = 100
    ws.append([_bold(ws, book.title, size=TITLE_FONT)])
    if book.synthetic:
        ws.append([_bold(ws, book.t("synthetic"), color=MARKER_COLOR)])
    for heading, paragraphs in book.cover:
        ws.append([_bold(ws, heading, size=12)])
        for text in paragraphs:
            cell = WriteOnlyCell(ws, files.cell_text(text))
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            ws.append([cell])


def _write_contents(ws, book: Book, names: list[str], titles: list[str], counts: list[int]) -> None:
    """The contents: one row per answers sheet, its name a link to it, its title and its number of answers."""
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 40
    ws.column_dimensions["C"].width = 14
    lines = [book.t("synthetic")] if book.synthetic else []
    top = _write_lines(ws, book.t("wb_contents_title"), lines + [book.t("wb_one_table")], book)
    headers = [book.t("col_sheet"), book.t("wb_col_title"), book.t("col_n")]
    ws.append([_bold(ws, text) for text in headers])
    for i, (name, title, count) in enumerate(zip(names, titles, counts), 1):
        link = WriteOnlyCell(ws, name)
        link.hyperlink = Hyperlink(ref=f"A{top + i}", location=f"'{name}'!A1", display=name)
        link.font = Font(color=LINK_COLOR, underline="single")
        ws.append([link, title, count])
    _add_table(ws, "contents", headers, top, top + len(names))


def _add_table(ws, key: str, headers: list[str], first: int, last: int) -> None:
    """Mark rows ``first``..``last`` (header first) as an Excel table with filter buttons."""
    ref = f"A{first}:{get_column_letter(len(headers))}{last}"
    excel = ExcelTable(displayName=display_name(key, "answers"), ref=ref)
    excel.tableColumns = [TableColumn(id=j, name=str(h)) for j, h in enumerate(headers, 1)]
    excel.tableStyleInfo = TableStyleInfo(name="TableStyleLight1", showRowStripes=True)
    excel.autoFilter = AutoFilter(ref=ref)
    with warnings.catch_warnings():  # write-only mode warns even when the columns are given, as here
        warnings.filterwarnings("ignore", message="In write-only mode you must add table columns manually")
        ws.add_table(excel)


def _cell(ws, value):
    """A value, or a quoted text cell when it could be read as a formula."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    value = files.cell_text(value)  # control characters made visible: openpyxl refuses them
    if files.is_formula_like(value):
        cell = WriteOnlyCell(ws, value)
        cell.data_type = "s"
        cell.quotePrefix = True
        return cell
    return value
