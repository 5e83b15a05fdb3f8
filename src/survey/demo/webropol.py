"""Write Webropol-style xlsx exports: two header rows, one row per respondent.

Row 1 holds the question text above the first column of each question (the cells
to its right stay blank, as Webropol leaves them); row 2 holds the option text of
each column. Multi-select option columns hold 1 or blank; open-text columns hold
text. This is the layout the tabular reader in ``survey.ingest`` detects.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl

from survey.store.files import save_workbook


def write_webropol_xlsx(path: Path, header_top: list, header_sub: list, rows: list[list],
                        sheet: str = "Vastaukset") -> Path:
    """Write the two header rows and the data rows to ``path`` reproducibly."""
    if len(header_top) != len(header_sub):
        raise ValueError("header rows differ in length")
    workbook = openpyxl.Workbook()
    ws = workbook.active
    ws.title = sheet
    ws.append([h if h else None for h in header_top])
    ws.append([h if h else None for h in header_sub])
    for row in rows:
        ws.append([None if (v is None or v == "") else v for v in row])
    return save_workbook(workbook, path)
