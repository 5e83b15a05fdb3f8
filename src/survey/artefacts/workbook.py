"""Workbooks laid out as the UK Analysis Function's "Releasing statistics in spreadsheets" asks.

The practice the ``gptables`` (Python) and ``aftables`` (R) packages implement, done
with openpyxl so that the bytes stay reproducible (:func:`survey.store.files.save_workbook`)
and text that looks like a formula stays text (:func:`survey.store.files.set_cell`):

* a cover sheet (title, what the workbook holds, source, wave, producer and contact,
  the synthetic-data marker, what the symbols mean), a contents sheet whose first
  column links to every other sheet, and a notes sheet when tables carry notes;
* one table per sheet: the title in A1, a few lines of supporting text in column A
  only (n, source, wave, which notes apply), then the table itself, marked up as an
  Excel table with a header row and filter buttons; no merged cells, no blank rows
  or columns inside it, no empty cells (``[c]`` suppressed, ``[x]`` not available);
* sheet names short, unique, without symbols (``Taulukko_3``), the contents sheet
  giving each one's title; every word in the workbook's language.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.table import Table as ExcelTable
from openpyxl.worksheet.table import TableStyleInfo

import pandas as pd

from survey import catalogue
from survey.catalogue import fmt
from survey.store import files

SUPPRESSED = "[c]"  # confidential: hidden to protect respondents (the guidance's shorthand)
NOT_AVAILABLE = "[x]"  # not available
MAX_WIDTH = 60
TITLE_FONT = 14
LINK_COLOR = "0B4F8A"
MARKER_COLOR = "9A3A06"


@dataclass
class Table:
    """One table sheet: its name, title, supporting lines, header, rows and per-column number formats."""

    name: str
    title: str
    lines: list[str]
    headers: list[str]
    rows: list[list]
    formats: list[str | None]
    notes: list[str] = field(default_factory=list)
    contents: list = field(default_factory=list)  # the contents sheet's extra columns for this table


@dataclass
class Book:
    """A workbook being assembled: the cover lines, the tables, then :meth:`save` lays it out."""

    lang: str
    title: str
    synthetic: bool = False
    cover: list[tuple[str, list[str]]] = field(default_factory=list)  # (heading, paragraphs)
    contents_headers: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)

    def t(self, key: str, **values) -> str:
        return catalogue.text(key, self.lang, **values)

    def sheet_name(self, wanted: str | None = None) -> str:
        """A short unique sheet name: ``wanted`` (cleaned) or the next ``Taulukko_<k>``."""
        used = {t.name.lower() for t in self.tables} | {self.t(k).lower() for k in
                                                        ("wb_sheet_cover", "sheet_contents", "wb_sheet_notes")}
        if wanted:
            name = re.sub(r"[\[\]:*?/\\']", "", wanted).strip()[:31]
            if name.lower() not in used:
                return name
        k = 1
        while f"{self.t('wb_table_prefix')}_{k}".lower() in used:
            k += 1
        return f"{self.t('wb_table_prefix')}_{k}"

    def add(self, table: Table) -> Table:
        self.tables.append(table)
        return table

    def note_numbers(self) -> dict[str, int]:
        """Every note text, numbered in the order the tables first use it."""
        numbers: dict[str, int] = {}
        for table in self.tables:
            for note in table.notes:
                numbers.setdefault(note, len(numbers) + 1)
        return numbers

    def note_ref(self, number: int) -> str:
        return self.t("wb_note_ref", k=number)

    def save(self, path: Path) -> Path:
        """Write cover, contents, notes (if any) and table sheets; reproducible bytes."""
        workbook = Workbook()
        cover = workbook.active
        cover.title = self.t("wb_sheet_cover")
        self._write_cover(cover)
        contents = workbook.create_sheet(self.t("sheet_contents"))
        numbers = self.note_numbers()
        listed: list[tuple[str, str, list]] = []
        if numbers:
            notes = Table(name=self.t("wb_sheet_notes"), title=self.t("wb_notes_title"),
                          lines=[self.t("wb_one_table")], headers=[self.t("wb_col_note"), self.t("wb_col_note_text")],
                          rows=[[self.note_ref(k), text] for text, k in numbers.items()], formats=[None, None])
            _write_table(workbook.create_sheet(notes.name), notes, self, "notes")
            listed.append((notes.name, notes.title, [""] * len(self.contents_headers)))
        for k, table in enumerate(self.tables, 1):
            refs = [self.note_ref(numbers[n]) for n in dict.fromkeys(table.notes)]
            if refs:
                table.lines = table.lines + [self.t("wb_table_notes", notes=", ".join(refs))]
            _write_table(workbook.create_sheet(table.name), table, self, f"t{k}")
            listed.append((table.name, table.title, table.contents))
        self._write_contents(contents, listed)
        return files.save_workbook(workbook, Path(path))

    def _write_cover(self, ws) -> None:
        row = 1
        files.set_cell(ws.cell(row, 1), self.title).font = Font(bold=True, size=TITLE_FONT)
        if self.synthetic:
            row += 1
            files.set_cell(ws.cell(row, 1), self.t("synthetic")).font = Font(bold=True, color=MARKER_COLOR)
        for heading, paragraphs in self.cover:
            row += 1
            files.set_cell(ws.cell(row, 1), heading).font = Font(bold=True, size=12)
            for text in paragraphs:
                row += 1
                cell = files.set_cell(ws.cell(row, 1), text)
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions["A"].width = 100

    def _write_contents(self, ws, listed) -> None:
        headers = [self.t("col_sheet"), self.t("wb_col_title"), *self.contents_headers]
        rows = [[name, title, *extra] for name, title, extra in listed]
        table = Table(name=ws.title, title=self.t("wb_contents_title"), lines=[self.t("wb_one_table")],
                      headers=headers, rows=rows, formats=[None, None, *[None] * len(self.contents_headers)])
        first = _write_table(ws, table, self, "contents")
        for i, (name, _, _) in enumerate(listed):
            cell = ws.cell(first + i, 1)
            cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"'{name}'!A1", display=name)
            cell.font = Font(color=LINK_COLOR, underline="single")


def display_name(name: str, fallback: str) -> str:
    """An Excel table name: letters, digits and underscores, starting with a letter."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    cleaned = re.sub(r"[^A-Za-z0-9_]", "_", ascii_name).strip("_") or fallback
    return cleaned if cleaned[0].isalpha() and not re.fullmatch(r"[A-Za-z]{1,3}\d+", cleaned) else f"T_{cleaned}"


def _unique_headers(headers: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for header in headers:
        text = str(header).strip() or "-"
        key = text.lower()
        if key in seen:
            seen[key] += 1
            text = f"{text} ({seen[key]})"
        else:
            seen[key] = 1
        out.append(text)
    return out


def _write_table(ws, table: Table, book: Book, key: str) -> int:
    """Title in A1, supporting lines in column A, then the table as an Excel table; return its first data row."""
    files.set_cell(ws.cell(1, 1), table.title).font = Font(bold=True, size=TITLE_FONT)
    row = 1
    lines = list(table.lines)
    if book.synthetic:
        lines.insert(0, book.t("synthetic"))
    for line in lines:
        row += 1
        cell = files.set_cell(ws.cell(row, 1), line)
        if line == book.t("synthetic"):
            cell.font = Font(bold=True, color=MARKER_COLOR)
    header_row = row + 1
    headers = _unique_headers(table.headers)
    widths = {}
    for j, header in enumerate(headers, 1):
        cell = files.set_cell(ws.cell(header_row, j), header)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="bottom")
        widths[j] = min(len(header), 24)
    for i, values in enumerate(table.rows, 1):
        for j, (value, number_format) in enumerate(zip(values, table.formats), 1):
            cell = ws.cell(header_row + i, j)
            if value is None or value == "":
                value = NOT_AVAILABLE
            if isinstance(value, bool):
                value = book.t("value_yes" if value else "value_no")
            if isinstance(value, (int, float)):
                cell.value = value
                if number_format:
                    cell.number_format = number_format
                width = 10
            else:
                files.set_cell(cell, str(value))
                width = len(str(value))
            widths[j] = max(widths.get(j, 0), width)
    last_row = header_row + max(len(table.rows), 1)
    if not table.rows:  # a table needs one data row: say there is nothing
        for j in range(1, len(headers) + 1):
            files.set_cell(ws.cell(last_row, j), NOT_AVAILABLE)
    ref = f"A{header_row}:{get_column_letter(len(headers))}{last_row}"
    excel = ExcelTable(displayName=display_name(f"{key}_{table.name}", key), ref=ref)
    excel.tableStyleInfo = TableStyleInfo(name="TableStyleLight1", showRowStripes=True)
    excel.autoFilter = AutoFilter(ref=ref)
    ws.add_table(excel)
    for j, width in widths.items():
        ws.column_dimensions[get_column_letter(j)].width = min(MAX_WIDTH, max(9, width + 2))
    if ws.column_dimensions["A"].width < 12:
        ws.column_dimensions["A"].width = 12
    return header_row + 1


# -- shared by the workbooks -----------------------------------------------------------------

PERCENT_FORMAT = "0.0%"
POINTS_FORMAT = "+0.0;-0.0;0.0"  # percentage points, stored as points (fraction x 100)
INT_FORMAT = "0"
NUMBER_FORMAT = "0.00"
P_FORMAT = "0.000"
FORMATS = {"percent": PERCENT_FORMAT, "points": POINTS_FORMAT, "int": INT_FORMAT, "number": NUMBER_FORMAT,
           "p": P_FORMAT}
NOT_TABLES = {"interview_quotes"}  # quotes go to the analyst's own workbook (write_quotes_xlsx)


def plain(value):
    """A cell value openpyxl can store: numpy scalars unwrapped, NA/NaN as None."""
    if value is None:
        return None
    kind = type(value)
    if kind is str or kind is int or kind is bool:
        return value
    if kind is float:
        return None if value != value else value
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        try:
            value = value.item()
        except (AttributeError, ValueError):
            pass
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value


def fmt_count(value, lang: str) -> str:
    return fmt.format_count(value, lang)


def dataset_name(dataset: str, lang: str, instruments: dict | None = None) -> str:
    """The dataset's title in ``lang`` (its instrument's, from ``instruments``: dataset -> instrument), else the id."""
    instrument = (instruments or {}).get(dataset)
    return catalogue.pick(instrument.title, lang, default=dataset) if instrument is not None else dataset


def cover(book, lang: str, *, about: str, wave_label: str, sources: list[str], organisation: str,
           contact: str, threshold) -> None:
    """The cover's sections: about, source (wave, datasets, synthetic), symbols, producer and contact.

    Every cover has the contact section: survey.yml ``organisation.contact``, or a line
    saying that no contact was given (never a silent gap).
    """
    t = book.t
    book.cover.append((t("wb_about_heading"), [about]))
    source_lines = [t("footer_wave", wave=wave_label)] if wave_label else []
    source_lines += [t("footer_source", source=", ".join(sources))] if sources else []
    if book.synthetic:
        source_lines.append(t("wb_synthetic_note"))
    book.cover.append((t("wb_source_heading"), source_lines or [NOT_AVAILABLE]))
    symbols = [t("wb_symbol", symbol=SUPPRESSED, meaning=t("wb_symbol_c", threshold=fmt_count(threshold or 5, lang))),
               t("wb_symbol", symbol=NOT_AVAILABLE, meaning=t("wb_symbol_x")), t("wb_notes_pointer")]
    book.cover.append((t("wb_symbols_heading"), symbols))
    who = [line for line in (organisation, t("wb_contact", contact=contact) if contact else t("wb_contact_missing"))
           if line]
    book.cover.append((t("wb_contact_heading"), who))
