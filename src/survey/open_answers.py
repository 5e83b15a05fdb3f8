"""Open-text answers, redacted, as one table and one workbook for the analyst.

``collect_open_answers`` is pure: the normal forms (whose text columns the ingest
stage has already redacted) in, one tidy table out. ``write_open_answers_xlsx``
writes it with every cell that looks like a formula stored as text.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd

from survey import files, labels
from survey.instruments import Instrument

COLUMNS = ["dataset", "question", "question_text", "respondent_id", "answer"]
HEADERS = {"fi": ["Aineisto", "Kysymys", "Kysymyksen teksti", "Vastaajan tunnus", "Vastaus (henkilötiedot peitetty)"],
           "sv": ["Material", "Fråga", "Frågans text", "Respondentens id", "Svar (personuppgifter maskerade)"],
           "en": ["Dataset", "Question", "Question text", "Respondent id", "Answer (personal data masked)"]}


def collect_open_answers(frames: dict[str, pd.DataFrame], instruments: dict[str, Instrument],
                         lang: str = "fi") -> pd.DataFrame:
    """Every non-empty open answer (text questions and multi-select example boxes), in instrument order."""
    rows = []
    for dataset, frame in frames.items():
        instrument = instruments[dataset]
        for q in instrument.questions:
            column = q.id if q.type == "text" else f"{q.id}__text" if q.type == "multi" else None
            if column is None or column not in frame.columns:
                continue
            for rid, answer in zip(frame["respondent_id"], frame[column]):
                if isinstance(answer, str) and answer.strip():
                    rows.append({"dataset": dataset, "question": q.id, "question_text": q.label(lang),
                                 "respondent_id": str(rid), "answer": answer})
    return pd.DataFrame(rows, columns=COLUMNS)


def write_open_answers_xlsx(table: pd.DataFrame, path: Path, *, lang: str = "fi", synthetic: bool = False) -> Path:
    """One sheet of open answers; formula-like answers stay text; reproducible bytes."""
    workbook = openpyxl.Workbook()
    ws = workbook.active
    ws.title = {"fi": "Avovastaukset", "sv": "Öppna svar", "en": "Open answers"}[lang]
    first = labels.text("synthetic", lang) if synthetic else ""
    ws.append([first or None])
    ws.append(HEADERS[lang])
    for record in table.itertuples(index=False):
        ws.append([None] * len(COLUMNS))
        row = ws.max_row
        for col, value in enumerate(record, start=1):
            files.set_cell(ws.cell(row=row, column=col), value)
    ws.freeze_panes = "A3"
    for letter, width in zip("ABCDE", (14, 22, 50, 16, 90)):
        ws.column_dimensions[letter].width = width
    return files.save_workbook(workbook, path)
