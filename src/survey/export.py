"""Writing charts and tables to files: PNG/SVG, alt-text sidecars, xlsx workbooks.

Every writer here produces identical bytes on a rerun: matplotlib metadata carries no
date or version, SVG ids come from a fixed hash salt, and workbooks go through
:func:`survey.files.save_workbook` (fixed zip times and document dates).
"""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib

from survey import files, style

PNG_DPI = 200
PNG_METADATA = {"Software": None}
SVG_METADATA = {"Date": None, "Creator": None, "Format": None, "Type": None}


def figure_bytes(fig, fmt: str) -> bytes:
    """The figure as PNG or SVG bytes, reproducibly (no dates, fixed SVG hash salt).

    The chart's title and alt text (``fig.survey``, set by ``charts.draw``) travel with
    the file: PNG ``Title``/``Description`` text chunks, SVG ``<title>``/``<desc>``
    with ``role="img"``, so the picture keeps its text alternative outside HTML.
    """
    info = getattr(fig, "survey", {}) or {}
    title, alt = info.get("title") or "", info.get("alt") or ""
    buffer = io.BytesIO()
    rc = {"svg.hashsalt": "survey", "svg.fonttype": "path"}
    with matplotlib.rc_context(rc):
        if fmt == "png":
            metadata = dict(PNG_METADATA)
            if title:
                metadata["Title"] = title
            if alt:
                metadata["Description"] = alt
            fig.savefig(buffer, format="png", dpi=PNG_DPI, metadata=metadata, facecolor=style.BACKGROUND)
        elif fmt == "svg":
            fig.savefig(buffer, format="svg", metadata=SVG_METADATA, facecolor=style.BACKGROUND)
            return _svg_with_text(buffer.getvalue(), title, alt)
        else:
            raise ValueError(f"unsupported figure format {fmt!r}")
    return buffer.getvalue()


def _svg_with_text(data: bytes, title: str, alt: str) -> bytes:
    """Insert ``<title>`` and ``<desc>`` as the first children of the root ``<svg>`` element."""
    if not (title or alt):
        return data
    from xml.sax.saxutils import escape

    text = data.decode("utf-8")
    start = text.find("<svg")
    end = text.find(">", start)
    if start < 0 or end < 0:
        return data
    opening = text[start:end]
    if "role=" not in opening:
        opening += ' role="img" aria-labelledby="chart-title chart-desc"'
    inserted = (f'\n <title id="chart-title">{escape(title)}</title>'
                f'\n <desc id="chart-desc">{escape(alt)}</desc>')
    return (text[:start] + opening + text[end:end + 1] + inserted + text[end + 1:]).encode("utf-8")


def save_figure(fig, stem: Path, formats: tuple[str, ...] = ("png", "svg")) -> list[Path]:
    """Write ``<stem>.png`` (200 dpi) and ``<stem>.svg`` atomically; return the paths written.

    ``fig=None`` (a result without a chart, see ``charts.has_chart``) writes nothing.
    """
    if fig is None:  # kinds without a chart (interview quotes)
        return []
    stem = Path(stem)
    written = []
    engine = fig.get_layout_engine()
    try:
        for i, fmt in enumerate(formats):
            if i == 1 and engine is not None:
                fig.set_layout_engine("none")  # the layout of the first render is kept: no second solve
            path = stem.with_name(f"{stem.name}.{fmt}")
            files.write_bytes_atomic(path, figure_bytes(fig, fmt))
            written.append(path)
    finally:
        if engine is not None and fig.get_layout_engine() is not engine:
            fig.set_layout_engine(engine)
    return written


# -- alt-text sidecars -------------------------------------------------------------------

def write_alt_sidecar(stem: Path, alt: dict, title: dict | None = None) -> list[Path]:
    """Write ``<stem>.alt.<lang>.txt`` per language: the alt text to paste with the picture.

    ``stem`` is the figure's path without extension (``figures/<id>.slide``); ``alt``
    maps language -> alt text, ``title`` (optional) language -> a short title, written
    as the first line (PowerPoint's alt-text dialog has a title and a description).
    """
    stem = Path(stem)
    written = []
    for lang in sorted(alt):
        lines = [title[lang]] if title and title.get(lang) else []
        lines.append(alt[lang])
        path = stem.with_name(f"{stem.name}.alt.{lang}.txt")
        files.write_text_atomic(path, "\n".join(lines) + "\n")
        written.append(path)
    return written


def write_slide_manifest(entries: list[dict], path: Path) -> Path:
    """A JSON list of ``{png, svg, alt: {lang: text}, title}`` for the presenter (stable order)."""
    from survey.model import to_json

    return files.write_text_atomic(Path(path), to_json(sorted(entries, key=lambda e: str(e.get("png")))) + "\n")


# -- xlsx ----------------------------------------------------------------------------------

PERCENT_FORMAT = "0.0%"
POINTS_FORMAT = "+0.0;-0.0;0.0"  # percentage points, stored as points (fraction x 100)
INT_FORMAT = "0"
NUMBER_FORMAT = "0.00"
P_FORMAT = "0.000"
FORMATS = {"percent": PERCENT_FORMAT, "points": POINTS_FORMAT, "int": INT_FORMAT, "number": NUMBER_FORMAT,
           "p": P_FORMAT}
NOT_TABLES = {"interview_quotes"}  # quotes go to their own workbook, cleared ones only
MAX_WIDTH = 60


def column_format(result, column: str) -> str | None:
    """The Excel number format of a result-table column (None: text or label)."""
    from survey import charts

    return FORMATS.get(charts.column_kind(result, column))


def table_columns(result) -> list[str]:
    """The result-table columns shown in the workbook, in table order."""
    from survey import charts

    return [c for c in result.table.columns if charts.column_kind(result, c) != "hidden"]


def _plain(value):
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
        import pandas as pd

        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value


def _sheet_name(result_id: str, used: set) -> str:
    bad = set('[]:*?/\\')
    name = "".join("-" if ch in bad else ch for ch in result_id).strip("'") or "table"
    if len(name) > 31:
        name = name[:31]
    candidate, k = name, 2
    while candidate.lower() in used:
        suffix = f"~{k}"
        candidate = name[:31 - len(suffix)] + suffix
        k += 1
    used.add(candidate.lower())
    return candidate


def _note_lines(result, lang: str, wave_label: str, synthetic: bool) -> list[str]:
    from survey import labels

    lines = labels.footer_lines(result, lang, wave_label=wave_label, synthetic=False,
                                intervals={"ci_low", "ci_high"} <= set(result.table.columns)
                                and result.kind not in ("numeric", "breakdown_numeric"))
    test = result.test or {}
    reason = test.get("reason")
    if isinstance(reason, dict) and reason.get(lang):
        lines.append(str(reason[lang]))
    lines += [str(note) for note in result.notes]
    return lines


def _fit_widths(ws, widths: dict) -> None:
    from openpyxl.utils import get_column_letter

    for index, width in sorted(widths.items()):
        ws.column_dimensions[get_column_letter(index)].width = min(MAX_WIDTH, max(8, width + 2))


def _write_result_sheet(ws, result, lang: str, synthetic: bool, wave_label: str) -> None:
    from openpyxl.styles import Alignment, Font

    from survey import charts, labels

    bold, italic = Font(bold=True), Font(italic=True, color="595959")
    row = 1
    if synthetic or result.synthetic:
        files.set_cell(ws.cell(row, 1), labels.text("synthetic", lang)).font = Font(bold=True, color="9A3A06")
        row += 1
    files.set_cell(ws.cell(row, 1), labels.pick(result.title, lang, default=result.id)).font = Font(bold=True,
                                                                                                    size=12)
    row += 1
    if wave_label:
        files.set_cell(ws.cell(row, 1), labels.text("footer_wave", lang, wave=wave_label))
        row += 1
    row += 1
    table = result.table
    kinds = {column: charts.column_kind(result, column) for column in table.columns}
    columns = [c for c in table.columns if kinds[c] != "hidden"]
    widths = {}
    for j, column in enumerate(columns, 1):
        cell = files.set_cell(ws.cell(row, j), charts.header_label(result, column, lang))
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="bottom")
        widths[j] = min(len(cell.value), 22)
    header_row = row
    ws.freeze_panes = ws.cell(header_row + 1, 1).coordinate
    marker = labels.text("suppressed", lang)
    suppressed = (table["suppressed"].fillna(False).astype(bool).tolist() if "suppressed" in table.columns
                  else [False] * len(table))
    # decided once per column: its kind, its number format and its cells as plain values
    plan = [(j, column, kinds[column], FORMATS.get(kinds[column]), [_plain(v) for v in table[column].tolist()])
            for j, column in enumerate(columns, 1)]
    set_cell = files.set_cell
    for i in range(len(table)):
        row += 1
        hidden = suppressed[i]
        for j, column, kind, number_format, values in plan:
            raw = values[i]
            cell = ws.cell(row, j)
            if kind == "label":
                value = labels.value_label(result, column, raw, lang)
                set_cell(cell, value)
                width = len(value)
            elif hidden and number_format is not None and raw is None and column not in ("n_group",):
                set_cell(cell, marker)
                cell.font = italic
                width = len(marker)
            elif number_format is not None and isinstance(raw, (int, float)) and not isinstance(raw, bool):
                cell.value = raw * 100 if number_format == POINTS_FORMAT else raw
                cell.number_format = number_format
                width = 9
            elif kind == "text" and raw is not None:
                value = charts.format_value(result, column, raw, lang)
                set_cell(cell, value)
                width = len(value)
            else:
                value = "" if raw is None else raw
                set_cell(cell, value if isinstance(value, (str, int, float, bool)) else str(value))
                width = len(str(value))
            if width > widths.get(j, 0):
                widths[j] = width
    row += 2
    for line in _note_lines(result, lang, wave_label, synthetic):
        files.set_cell(ws.cell(row, 1), line).font = Font(color="4D4D4D")
        row += 1
    _fit_widths(ws, widths)


def _sheet_heading(ws, title: str, lang: str, synthetic: bool, wave_label: str) -> int:
    """Write the synthetic marker (first cell), the title and the wave; return the next free row."""
    from openpyxl.styles import Font

    from survey import labels

    row = 1
    if synthetic:
        files.set_cell(ws.cell(row, 1), labels.text("synthetic", lang)).font = Font(bold=True, color="9A3A06")
        row += 1
    files.set_cell(ws.cell(row, 1), title).font = Font(bold=True, size=12)
    row += 1
    if wave_label:
        files.set_cell(ws.cell(row, 1), labels.text("footer_wave", lang, wave=wave_label))
        row += 1
    return row + 1


def write_tables_xlsx(results, path: Path, lang: str = "fi", synthetic: bool = False,
                      wave_label: str = "") -> Path:
    """One workbook for a wave: a contents sheet, then one sheet per Result (numbers stay numbers).

    Percentages are stored as fractions with a ``0.0%`` format, counts as integers;
    header rows are frozen, widths fitted, n and notes written under each table and
    suppressed cells marked with the language's marker. Interview quote candidates
    are left out (they go to their own workbook, cleared quotes only).
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.hyperlink import Hyperlink

    from survey import labels

    workbook = Workbook()
    contents = workbook.active
    contents.title = labels.text("sheet_contents", lang)[:31]
    used = {contents.title.lower()}
    row = _sheet_heading(contents, labels.text("contents_title", lang), lang, synthetic, wave_label)
    headers = [labels.text("col_sheet", lang), labels.text("col_question", lang), labels.text("col_dataset", lang),
               labels.text("col_n", lang)]
    for j, header in enumerate(headers, 1):
        files.set_cell(contents.cell(row, j), header).font = Font(bold=True)
    contents.freeze_panes = contents.cell(row + 1, 1).coordinate
    widths = {j: len(h) for j, h in enumerate(headers, 1)}
    for result in results:
        if result.kind in NOT_TABLES:
            continue
        name = _sheet_name(result.id, used)
        _write_result_sheet(workbook.create_sheet(name), result, lang, synthetic, wave_label)
        row += 1
        link = files.set_cell(contents.cell(row, 1), name)
        link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{name}'!A1", display=name)
        link.font = Font(color="0B4F8A", underline="single")
        title = labels.pick(result.title, lang, default=result.id)
        files.set_cell(contents.cell(row, 2), title)
        files.set_cell(contents.cell(row, 3), result.dataset)
        respondents = labels.respondents_of(result)
        if respondents is None:
            respondents = (result.n or {}).get("interviews")
        if respondents is not None:
            contents.cell(row, 4).value = int(respondents)
            contents.cell(row, 4).number_format = INT_FORMAT
        for j, value in ((1, name), (2, title), (3, result.dataset)):
            widths[j] = max(widths[j], len(str(value)))
    _fit_widths(contents, widths)
    return files.save_workbook(workbook, Path(path))


# -- codebook ------------------------------------------------------------------------------

def _frames_of(ingested) -> dict:
    frames = getattr(ingested, "frames", ingested)
    return dict(frames or {})


def codebook_rows(frames: dict, lang: str = "fi", rule=None) -> list[dict]:
    """One row per question of every dataset: variable, text, type, options, n valid, n missing.

    A background variable whose missing group the disclosure ``rule`` hides shows the
    suppressed marker instead of its valid and missing counts (they are a hidden group's size).
    """
    from survey import labels
    from survey.analysis.frequencies import missing_group_hidden
    from survey.instruments import load_instrument

    rows = []
    for dataset, frame in frames.items():
        if frame is None:
            continue
        try:
            instrument = load_instrument(dataset)
        except Exception:  # a dataset without an instrument: list its columns only
            instrument = None
        questions = instrument.questions if instrument else ()
        for q in questions:
            missing_codes = {str(c) for c in (q.extra.get("missing") or [])}
            if q.type == "multi":
                column = q.answered_column
                if column not in frame.columns:
                    continue
                valid = int(frame[column].fillna(False).astype(bool).sum())
                variable = ", ".join([q.option_column(o.code) for o in q.options])
            else:
                if q.id not in frame.columns:
                    continue
                values = frame[q.id]
                present = values.notna()
                if values.dtype == "string" or values.dtype == object:
                    present &= values.astype("string").str.strip().fillna("") != ""
                user_missing = values.map(lambda v: str(v) in missing_codes) & present
                valid = int((present & ~user_missing).sum())
                variable = q.id
            options = "; ".join(f"{o.code} = {o.label(lang)}" for o in q.options) or ""
            extra = q.extra
            if extra.get("dont_know") is not None and str(extra["dont_know"]) not in {str(o.code) for o in q.options}:
                options += f"; {extra['dont_know']} = {labels.text('dont_know', lang)}"
            n_valid, n_missing = valid, int(len(frame)) - valid
            if missing_group_hidden(frame, q, rule):
                n_valid = n_missing = labels.text("suppressed", lang)
            rows.append({"dataset": dataset, "variable": variable, "question": q.label(lang), "type": q.type,
                         "options": options, "n_valid": n_valid, "n_missing": n_missing})
    return rows


def write_codebook(ingested, path: Path, lang: str = "fi", synthetic: bool = False, wave_label: str = "",
                   rule=None) -> Path:
    """The codebook workbook: variable, question text, type, options and labels, n valid, n missing."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    from survey import labels

    workbook = Workbook()
    ws = workbook.active
    ws.title = labels.text("codebook_title", lang)[:31]
    row = _sheet_heading(ws, labels.text("codebook_title", lang), lang, synthetic, wave_label)
    keys = ["dataset", "variable", "question", "type", "options", "n_valid", "n_missing"]
    heads = [labels.text(k, lang) for k in ("col_dataset", "col_variable", "col_question_text", "col_type",
                                             "col_options", "col_n_valid", "col_n_missing")]
    for j, head in enumerate(heads, 1):
        files.set_cell(ws.cell(row, j), head).font = Font(bold=True)
    ws.freeze_panes = ws.cell(row + 1, 1).coordinate
    widths = {j: len(h) for j, h in enumerate(heads, 1)}
    for record in codebook_rows(_frames_of(ingested), lang, rule):
        row += 1
        for j, key in enumerate(keys, 1):
            value = record[key]
            cell = files.set_cell(ws.cell(row, j), value)
            if isinstance(value, int):
                cell.number_format = INT_FORMAT
            else:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            widths[j] = max(widths[j], len(str(value)))
    _fit_widths(ws, widths)
    return files.save_workbook(workbook, Path(path))
