"""A check of a workbook against the Analysis Function's "Releasing statistics in spreadsheets" points."""

from __future__ import annotations

import re

BAD_VALUES = {"true", "false", "nan", "none", "<na>", "nat"}


def guidance_problems(wb, *, marker: str | None = None, ids: set[str] = frozenset()) -> list[str]:
    """Every departure from the guidance points the issue lists (empty list: the workbook follows them)."""
    problems = []
    names = wb.sheetnames
    if len({n.lower() for n in names}) != len(names):
        problems.append("sheet names are not unique")
    for name in names:
        if len(name) > 31 or not re.fullmatch(r"\w+", name) or "~" in name:
            problems.append(f"sheet name {name!r} is not short and plain")
    cover, contents = wb.worksheets[0], wb.worksheets[1]
    cover_text = " ".join(str(c.value) for row in cover.iter_rows() for c in row if c.value is not None)
    if "[c]" not in cover_text:
        problems.append("the cover does not say how suppressed cells are marked")
    if marker and marker not in cover_text:
        problems.append("the cover has no synthetic-data marker")
    if cover.tables:
        problems.append("the cover holds a table")
    links = {c.hyperlink.location.split("!")[0].strip("'") for row in contents.iter_rows() for c in row
             if c.hyperlink is not None and c.hyperlink.location}
    for name in names[2:]:
        if name not in links:
            problems.append(f"the contents sheet does not link to {name!r}")
    for ws in wb.worksheets:
        where = ws.title
        if ws.merged_cells.ranges:
            problems.append(f"{where}: merged cells")
        if not isinstance(ws["A1"].value, str) or not ws["A1"].value.strip():
            problems.append(f"{where}: no title in A1")
        if ws is cover:
            continue
        if len(ws.tables) != 1:
            problems.append(f"{where}: {len(ws.tables)} tables (one per sheet)")
            continue
        table = next(iter(ws.tables.values()))
        first, last = table.ref.split(":")
        top = int(re.sub(r"\D", "", first))
        bottom = int(re.sub(r"\D", "", last))
        if not first.startswith("A") or re.sub(r"\d", "", first) != "A":
            problems.append(f"{where}: the table does not start in column A")
        if table.autoFilter is None:
            problems.append(f"{where}: the table has no filter")
        for row in ws.iter_rows(min_row=1, max_row=top - 1):
            for cell in row[1:]:
                if cell.value not in (None, ""):
                    problems.append(f"{where}: text beside the column-A notes at {cell.coordinate}")
        for r in range(1, top):
            if ws.cell(r, 1).value in (None, ""):
                problems.append(f"{where}: blank row {r} above the table")
        width = ws.max_column
        for r in range(top, bottom + 1):
            values = [ws.cell(r, j).value for j in range(1, width + 1)]
            if all(v in (None, "") for v in values):
                problems.append(f"{where}: blank row {r} inside the table")
            for j, value in enumerate(values, 1):
                if value in (None, ""):
                    problems.append(f"{where}: empty cell {ws.cell(r, j).coordinate}")
                elif isinstance(value, bool) or str(value).strip().lower() in BAD_VALUES:
                    problems.append(f"{where}: {value!r} at {ws.cell(r, j).coordinate}")
                elif isinstance(value, str) and value in ids:
                    problems.append(f"{where}: raw id {value!r} at {ws.cell(r, j).coordinate}")
        if ws.max_row > bottom:
            problems.append(f"{where}: cells below the table")
    return problems
