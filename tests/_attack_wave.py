"""A crafted synthetic wave for the disclosure attacks (review-2 §1, §2), built from the 2026 demo export.

The 2026-demo associations export with: culture 8 and village 8 associations (a tie, culture first in the
questionnaire), youth 4 (the small one), two more associations without a member count, and five "other"
associations skipping ``premises_booking`` (that group is then small for one question only). Columns are
found by the instrument's own texts; the duplicated respondent row of the demo is left alone.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl

from survey.model import to_json
from survey.project.config import load_project, project_root

WAVE = "2026-demo"
FILE = "associations_webropol.xlsx"


def _column(ws, text: str) -> int:
    for row in (1, 2):
        for col in range(1, ws.max_column + 1):
            if str(ws.cell(row, col).value or "").strip() == text.strip():
                return col
    raise LookupError(text)


def craft(path: Path, instrument, headers: dict) -> None:
    """Rewrite the export as the review's make_attack_wave.py did, by header instead of position.

    ``headers``: the wave's ``mapping.columns`` (export header -> question id); a question
    not mapped has its instrument text as header.
    """
    wb = openpyxl.load_workbook(path)
    ws = wb.active

    def column(qid):
        names = [h for h, q in headers.items() if q == qid] + [instrument.question(qid).text["fi"]]
        for name in names:
            try:
                return _column(ws, name)
            except LookupError:
                continue
        raise LookupError(f"{path.name}: no column for {qid}")

    kind = instrument.question("assoc_type")
    members = instrument.question("members")
    label = {o.code: o.label("fi") for o in kind.options}
    col_kind, col_members, col_premises = column("assoc_type"), column("members"), column("premises_booking")
    seen, rows = set(), []
    for r in range(3, ws.max_row + 1):
        rid = ws.cell(r, 1).value
        if rid is not None and rid not in seen:
            seen.add(rid)
            rows.append(r)

    def with_value(col, value):
        return [r for r in rows if ws.cell(r, col).value == value]

    for r in with_value(col_kind, label["culture"])[:2]:
        ws.cell(r, col_kind).value = label["sports"]
    for r in with_value(col_kind, label["village"])[:5]:
        ws.cell(r, col_kind).value = label["social_health"]
    for r in with_value(col_kind, label["sports"])[:1]:
        ws.cell(r, col_kind).value = label["youth"]
    largest = members.options[-1].label("fi")
    for r in with_value(col_members, largest)[:2]:
        ws.cell(r, col_members).value = None
    for r in with_value(col_kind, label["other"])[:5]:
        ws.cell(r, col_premises).value = None
    wb.save(path)


def attack_results(root: Path) -> tuple[dict, object]:
    """Results (as the published JSON holds them) of the crafted wave, and the project."""
    from survey import pipeline
    from survey.demo import generate_wave

    root = Path(root)
    (root / "survey.yml").write_bytes((project_root() / "survey.yml").read_bytes())
    shutil.copytree(project_root() / "instruments", root / "instruments")
    generate_wave(root, WAVE)
    project = load_project(root)
    wave = project.wave(WAVE)
    craft(project.paths.raw(WAVE) / FILE, project.instrument("associations"),
          dict(wave.datasets["associations"].mapping.columns))
    ingested = pipeline.ingest_wave(project, wave)
    results = pipeline.analyse_wave(project, wave, ingested)
    frames = dict(ingested.frames)
    return {r.id: json.loads(to_json(r.to_dict())) for r in results}, project, frames
