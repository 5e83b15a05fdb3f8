"""Open-text answers, redacted, as one table and one workbook for the analyst.

``collect_open_answers`` is pure: the normal forms (whose text columns the ingest
stage has already redacted) in, one tidy table out. ``write_open_answers_xlsx``
streams it into a workbook in one pass (openpyxl's write-only mode: time and memory
grow with the rows, not with their square), every formula-like answer stored as text.

The workbook is a working file for the analyst, written beside the processed data
(``project.paths.processed(wave)``), not into the published outputs: free text can
identify a person even after names are masked, so it is read and coded, not released.
"""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pandas as pd
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from survey import catalogue
from survey.project.instruments import Instrument
from survey.store import files

COLUMNS = ["dataset", "question", "question_text", "respondent_id", "answer"]
HEADER_KEYS = ["oa_col_dataset", "oa_col_question", "oa_col_question_text", "oa_col_respondent", "oa_col_answer"]
WIDTHS = (14, 22, 50, 16, 90)
MAX_ROWS = 1_048_576 - 3  # Excel's row limit, less the marker, title and header rows


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
                                       "answer": answers[keep].astype(object).to_numpy()}))
    if not parts:
        return pd.DataFrame(columns=COLUMNS)
    return pd.concat(parts, ignore_index=True)[COLUMNS]


def write_open_answers_xlsx(table: pd.DataFrame, path: Path, *, lang: str = "fi", synthetic: bool = False) -> Path:
    """Sheets of open answers (a new sheet past Excel's row limit); formula-like answers stay text.

    Row 1 is the title, row 2 the synthetic-data marker (or the masking note), row 3
    the header; reproducible bytes.
    """
    workbook = openpyxl.Workbook(write_only=True)
    headers = [catalogue.text(k, lang) for k in HEADER_KEYS]
    records = table[COLUMNS].itertuples(index=False, name=None)
    total, sheet = len(table), 0
    while True:
        sheet += 1
        name = catalogue.text("oa_sheet", lang) + (f"_{sheet}" if sheet > 1 else "")
        ws = workbook.create_sheet(name)
        for letter, width in zip("ABCDE", WIDTHS):
            ws.column_dimensions[letter].width = width
        title = WriteOnlyCell(ws, catalogue.text("oa_title", lang))
        title.font = Font(bold=True, size=14)
        ws.append([title])
        second = WriteOnlyCell(ws, catalogue.text("synthetic" if synthetic else "oa_masked", lang))
        second.font = Font(bold=True, color="9A3A06" if synthetic else "000000")
        ws.append([second])
        head = []
        for text in headers:
            cell = WriteOnlyCell(ws, text)
            cell.font = Font(bold=True)
            head.append(cell)
        ws.append(head)
        written = 0
        for record in records:
            ws.append([_cell(ws, value) for value in record])
            written += 1
            if written >= MAX_ROWS:
                break
        total -= written
        if total <= 0:
            break
    workbook.properties.created = files.FIXED_DATETIME
    workbook.properties.modified = files.FIXED_DATETIME
    workbook.properties.creator = "survey"
    workbook.properties.lastModifiedBy = "survey"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return files.write_bytes_atomic(Path(path), files.normalise_zip(buffer.getvalue()))


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
