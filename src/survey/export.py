"""Writing charts and tables to files: PNG/SVG, alt-text sidecars, xlsx workbooks.

The workbooks (tables, codebook, the analyst's quotes) are laid out by
:mod:`survey.workbook` as the Analysis Function's spreadsheet guidance asks; this
module turns results into their rows (crosstabs for breakdowns, ``[c]`` for
suppressed cells) and cover texts.

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
    rc = {"svg.hashsalt": "survey", "svg.fonttype": "none"}  # labels stay text: selectable and editable
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
NOT_TABLES = {"interview_quotes"}  # quotes go to the analyst's own workbook (write_quotes_xlsx)


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


CROSSTAB_KINDS = {"breakdown", "interview_codes_by"}  # groups become columns


def kind_title(result, lang: str, title: str | None = None) -> str:
    """A result's title marked by its kind: '… – by role', '…: share agreeing', '…: 2024 and 2026'."""
    from survey import charts, labels

    title = title if title is not None else charts.title_of(result, lang)
    if result.kind in ("wave", "likert_summary"):
        title = title.rstrip(" .?!:")  # a suffix follows after a colon
    if result.kind == "breakdown":
        by = labels.pick((result.labels or {}).get("by"), lang, "")
        return labels.text("wb_title_by", lang, title=title, by=by) if by else title
    if result.kind == "likert_summary":
        return labels.text("deck_title_summary", lang, title=title)
    if result.kind == "wave":
        test = result.test or {}
        return labels.text("deck_title_waves", lang, title=title, previous=test.get("previous_wave") or "",
                           current=test.get("wave") or result.wave or "")
    return title


def question_label(result, lang: str) -> str:
    """The short label of the result's question (instrument ``short``), '' when it has none."""
    questions = str(result.question).split(",")
    if len(questions) != 1:
        return ""
    try:
        from survey.instruments import load_instrument

        return load_instrument(result.dataset).question(questions[0]).short_label(lang)
    except Exception:  # interviews and cross-dataset results have no instrument question
        return ""


def dataset_name(dataset: str, lang: str) -> str:
    """The dataset's title in ``lang`` (its instrument's), else the id."""
    from survey import labels
    from survey.instruments import load_instrument

    try:
        return labels.pick(load_instrument(dataset).title, lang, default=dataset)
    except Exception:  # a dataset without an instrument keeps its id
        return dataset


def _cell_value(result, column: str, kind: str, number_format, raw, hidden: bool, lang: str):
    """One table cell as the workbook stores it: a number, a label, [c] when suppressed, None when absent."""
    from survey import charts, labels
    from survey.workbook import SUPPRESSED

    if kind == "label":
        if result.kind == "wave" and column == "code" and str(raw) == str(result.question):
            return question_label(result, lang) or charts.title_of(result, lang)  # a numeric question's one row
        return labels.value_label(result, column, raw, lang) or None
    if hidden and number_format is not None and raw is None:
        return SUPPRESSED
    if number_format is not None and isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return raw * 100 if number_format == POINTS_FORMAT else raw
    if kind == "text" and raw is not None and not isinstance(raw, bool):
        return charts.format_value(result, column, raw, lang)
    return raw


def _suppressed_flags(table) -> list[bool]:
    if "suppressed" not in table.columns:
        return [False] * len(table)
    return [bool(v) if v is not None and v == v else False for v in table["suppressed"].tolist()]


def table_rows(result, lang: str) -> tuple[list[str], list[list], list]:
    """(headers, rows, number formats) of one result as a workbook table (crosstab for breakdowns)."""
    from survey import charts

    table = result.table
    if result.kind in CROSSTAB_KINDS and "group" in table.columns and len(table):
        return _crosstab(result, lang)
    columns = table_columns(result)
    kinds = {c: charts.column_kind(result, c) for c in columns}
    hidden = _suppressed_flags(table)
    values = {c: [_plain(v) for v in table[c].tolist()] for c in columns}
    rows = [[_cell_value(result, c, kinds[c], FORMATS.get(kinds[c]), values[c][i], hidden[i], lang)
             for c in columns] for i in range(len(table))]
    return ([charts.header_label(result, c, lang) for c in columns], rows, [FORMATS.get(kinds[c]) for c in columns])


def _crosstab(result, lang: str) -> tuple[list[str], list[list], list]:
    """Rows: the answer (and item); columns: each measure for each group, in group order."""
    from survey import charts, labels

    table = result.table
    columns = table_columns(result)
    keys = [c for c in columns if charts.column_kind(result, c) == "label" and c != "group"]
    if "item" in keys and table["item"].nunique() <= 1:
        keys.remove("item")
    if "code" in keys and {str(c) for c in table["code"]} == {"agree"}:
        keys.remove("code")
    measures = [c for c in columns if c not in keys and c != "group" and charts.column_kind(result, c) != "label"]
    groups = list(dict.fromkeys(_plain(g) for g in table["group"]))
    hidden = _suppressed_flags(table)
    cells, order = {}, []
    for i, record in enumerate(table.to_dict(orient="records")):
        key = tuple(_plain(record[k]) for k in keys)
        if key not in cells:
            cells[key] = {}
            order.append(key)
        cells[key][_plain(record["group"])] = (record, hidden[i])
    headers = [charts.header_label(result, k, lang) for k in keys]
    formats = [None] * len(keys)
    for measure in measures:
        kind = charts.column_kind(result, measure)
        for group in groups:
            headers.append(labels.text("col_crosstab", lang, group=labels.value_label(result, "group", group, lang),
                                       measure=charts.header_label(result, measure, lang)))
            formats.append(FORMATS.get(kind))
    rows = []
    for key in order:
        row = [labels.value_label(result, k, v, lang) or None for k, v in zip(keys, key)]
        for measure in measures:
            kind = charts.column_kind(result, measure)
            for group in groups:
                hit = cells[key].get(group)
                if hit is None:
                    row.append(None)
                    continue
                record, is_hidden = hit
                row.append(_cell_value(result, measure, kind, FORMATS.get(kind), _plain(record.get(measure)),
                                       is_hidden, lang))
        rows.append(row)
    return headers, rows, formats


def _table_notes(result, lang: str) -> list[str]:
    """The notes a table refers to: the test, intervals, suppression, reasons (in ``lang`` only)."""
    from survey import labels

    notes = []
    tested = labels.test_line(result, lang)
    if tested:
        notes.append(tested)
    if {"ci_low", "ci_high"} <= set(result.table.columns) and result.kind not in ("numeric", "breakdown_numeric"):
        notes.append(labels.text("ci_note", lang))
    threshold = (result.suppression or {}).get("threshold")
    if threshold and any(_suppressed_flags(result.table)):
        notes.append(labels.text("suppressed_note", lang, threshold=fmt_count(threshold, lang)))
    for note in result.notes:  # only notes that say which language they are in
        if isinstance(note, dict) and note.get(lang):
            notes.append(str(note[lang]))
    return notes


def fmt_count(value, lang: str) -> str:
    from survey import fmt

    return fmt.format_count(value, lang)


def respondents_by_dataset(results) -> dict[str, int]:
    """Respondents (interviews) of each dataset: the largest n its own results report."""
    out: dict[str, int] = {}
    for result in results:
        if result.kind in ("wave", "triangulation"):
            continue
        n = result.n or {}
        value = n.get("respondents", n.get("interviews"))
        if isinstance(value, (int, float)) and value == value:
            out[result.dataset] = max(out.get(result.dataset, 0), int(value))
    return out


def response_rate_rows(population: dict, respondents: dict, lang: str) -> list[list]:
    """One row per dataset with a declared population: name, invited, answered, response rate."""
    rows = []
    for dataset, invited in (population or {}).items():
        answered = respondents.get(dataset)
        if not invited or answered is None:
            continue
        rows.append([dataset_name(dataset, lang), int(invited), int(answered), answered / invited])
    return rows


def _cover(book, lang: str, *, about: str, wave_label: str, sources: list[str], organisation: str,
           contact: str, threshold) -> None:
    from survey.workbook import NOT_AVAILABLE, SUPPRESSED

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
    who = [line for line in (organisation, t("wb_contact", contact=contact) if contact else "") if line]
    if who:
        book.cover.append((t("wb_contact_heading"), who))


def wave_label(wave, lang: str) -> str:
    """The wave's label in ``lang`` (``Wave.label_in`` where the config has it, else its label)."""
    label_in = getattr(wave, "label_in", None)
    return str(label_in(lang)) if callable(label_in) else str(wave.label)


QUOTE_COLUMNS = ("quote_id", "code", "parent", "interview", "attribution", "text", "chars", "cleared")


def quote_rows(quotes, lang: str) -> list[list]:
    """The quote candidates of an ``interview_quotes`` result as rows of :data:`QUOTE_COLUMNS` (labels in ``lang``).

    A small adapter over the result's table: columns it lacks are left not available.
    """
    from survey import labels

    rows = []
    for record in quotes.table.to_dict(orient="records"):
        record = {k: _plain(v) for k, v in record.items()}
        attribution = record.get(f"attribution_{lang}", record.get("attribution"))
        rows.append([record.get("quote_id"), labels.value_label(quotes, "code", record.get("code"), lang) or None,
                     labels.value_label(quotes, "code", record.get("parent"), lang) or None, record.get("interview"),
                     attribution, record.get("text"), record.get("chars"), bool(record.get("cleared"))])
    return rows


def write_quotes_xlsx(results, path: Path, lang: str = "fi", synthetic: bool = False,
                      wave_label: str = "") -> Path | None:
    """The analyst's quotes workbook: every candidate quote with its clearance status (None: no quotes).

    A working file, written beside the processed data (not the published outputs):
    it holds interview text that nobody has cleared yet.
    """
    from survey import labels
    from survey.workbook import Book, Table

    quotes = next((r for r in results if r.kind == "interview_quotes" and not r.id.endswith("-cleared")), None)
    if quotes is None:
        return None
    book = Book(lang=lang, title=labels.text("wb_quotes_title", lang) + (f": {wave_label}" if wave_label else ""),
                synthetic=synthetic, contents_headers=[labels.text("col_n", lang)])
    _cover(book, lang, about=labels.text("wb_about_quotes", lang), wave_label=wave_label,
           sources=[dataset_name(quotes.dataset, lang)], organisation="", contact="",
           threshold=(quotes.suppression or {}).get("threshold"))
    rows = quote_rows(quotes, lang)
    cleared = sum(1 for r in rows if r[-1])
    book.add(Table(name=book.sheet_name(labels.text("wb_sheet_quotes", lang)), title=labels.text("wb_quotes_title", lang),
                   lines=[labels.text("wb_one_table", lang),
                          labels.text("wb_quotes_counts", lang, k=fmt_count(len(rows), lang),
                                      cleared=fmt_count(cleared, lang)),
                          labels.text("wb_quotes_how", lang)],
                   headers=[labels.text(f"wb_col_quote_{c}", lang) for c in QUOTE_COLUMNS], rows=rows,
                   formats=[None] * 6 + [INT_FORMAT, None], contents=[len(rows)]))
    return book.save(Path(path))


def project_contact(project) -> str:
    """survey.yml ``organisation.contact`` ('' when not set), whichever shape the config gives it."""
    for holder in (project, getattr(project, "organisation_config", None), getattr(project, "organisation", None)):
        value = getattr(holder, "contact", None) if holder is not None and not isinstance(holder, str) else None
        if value:
            return str(value)
    return ""


def write_tables_xlsx(results, path: Path, lang: str = "fi", synthetic: bool = False, wave_label: str = "",
                      *, organisation: str = "", contact: str = "", population: dict | None = None) -> Path:
    """The published tables workbook of a wave, laid out as the Analysis Function guidance asks.

    Cover (title, source, wave, producer, contact, synthetic marker, symbols), contents
    with links, notes, response rates per dataset where ``population`` (survey.yml
    ``population``) declares how many were invited, then one Excel table per result:
    numbers stay numbers (fractions with a ``0.0%`` format, counts as integers),
    breakdowns as crosstabs (groups as columns), suppressed cells ``[c]``, missing
    ``[x]``. Interview quote candidates are left out (the analyst's own workbook).
    """
    from survey import labels
    from survey.workbook import Book, Table

    book = Book(lang=lang, title=labels.text("wb_tables_title", lang) + (f": {wave_label}" if wave_label else ""),
                synthetic=synthetic, contents_headers=[labels.text("col_dataset", lang), labels.text("col_n", lang)])
    shown = [r for r in results if r.kind not in NOT_TABLES]
    datasets = list(dict.fromkeys(r.dataset for r in shown))
    threshold = next(((r.suppression or {}).get("threshold") for r in shown if (r.suppression or {}).get("threshold")),
                     None)
    _cover(book, lang, about=labels.text("wb_about_tables", lang), wave_label=wave_label,
           sources=[dataset_name(d, lang) for d in datasets], organisation=organisation, contact=contact,
           threshold=threshold)
    rates = response_rate_rows(population or {}, respondents_by_dataset(shown), lang)
    if rates:
        book.add(Table(name=book.sheet_name(labels.text("wb_sheet_response", lang)),
                       title=labels.text("wb_response_title", lang),
                       lines=[labels.text("wb_one_table", lang), labels.text("wb_response_note", lang)],
                       headers=[labels.text(k, lang) for k in ("col_dataset", "wb_col_invited", "wb_col_answered",
                                                                 "wb_col_response_rate")],
                       rows=rates, formats=[None, INT_FORMAT, INT_FORMAT, PERCENT_FORMAT],
                       contents=[labels.text("wb_all_datasets", lang), ""]))
    for result in shown:
        headers, rows, formats = table_rows(result, lang)
        source = dataset_name(result.dataset, lang)
        lines = [labels.text("wb_one_table", lang)]
        first = labels.footer_lines(result, lang)
        if first:
            lines.append(first[0])
        lines.append(labels.text("footer_source", lang, source=source))
        if wave_label:
            lines.append(labels.text("footer_wave", lang, wave=wave_label))
        respondents = labels.respondents_of(result)
        if respondents is None:
            respondents = (result.n or {}).get("interviews")
        book.add(Table(name=book.sheet_name(), title=kind_title(result, lang), lines=lines, headers=headers,
                       rows=rows, formats=formats, notes=_table_notes(result, lang),
                       contents=[source, int(respondents) if respondents is not None else None]))
    return book.save(Path(path))


# -- codebook ------------------------------------------------------------------------------

def _frames_of(ingested) -> dict:
    frames = getattr(ingested, "frames", ingested)
    return dict(frames or {})


def codebook_rows(frames: dict, lang: str = "fi", instruments: dict | None = None, rule=None) -> list[dict]:
    """One row per question of every dataset: variable, text, type, options, n valid, n missing.

    ``instruments`` (dataset -> instrument as the wave asked it) gives the wave's own
    wording of reworded questions; without it the project's instruments are read.
    A background variable whose missing group the disclosure ``rule`` hides shows
    ``[c]`` instead of its valid and missing counts (they are a hidden group's size).
    """
    from survey import labels
    from survey.analysis.frequencies import missing_group_hidden
    from survey.instruments import load_instrument

    rows = []
    for dataset, frame in frames.items():
        if frame is None:
            continue
        try:
            instrument = (instruments or {}).get(dataset) or load_instrument(dataset)
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
                from survey.workbook import SUPPRESSED
                n_valid = n_missing = SUPPRESSED
            rows.append({"dataset": dataset, "variable": variable, "question": q.label(lang), "type": q.type,
                         "options": options, "n_valid": n_valid, "n_missing": n_missing})
    return rows


def write_codebook(ingested, path: Path, lang: str = "fi", synthetic: bool = False, wave_label: str = "",
                   rule=None, *, organisation: str = "", contact: str = "") -> Path:
    """The codebook workbook (cover, contents, one table): variable, question, type, options, valid, missing."""
    from survey import labels
    from survey.workbook import Book, Table

    records = codebook_rows(_frames_of(ingested), lang, getattr(ingested, "instruments", None), rule)
    book = Book(lang=lang, title=labels.text("codebook_title", lang) + (f": {wave_label}" if wave_label else ""),
                synthetic=synthetic, contents_headers=[labels.text("col_dataset", lang)])
    datasets = list(dict.fromkeys(r["dataset"] for r in records))
    _cover(book, lang, about=labels.text("wb_about_codebook", lang), wave_label=wave_label,
           sources=[dataset_name(d, lang) for d in datasets], organisation=organisation, contact=contact,
           threshold=None)
    heads = [labels.text(k, lang) for k in ("col_dataset", "col_variable", "col_question_text", "col_type",
                                             "col_options", "col_n_valid", "col_n_missing")]
    rows = [[dataset_name(r["dataset"], lang), r["variable"], r["question"], _type_label(r["type"], lang),
             r["options"] or None, r["n_valid"], r["n_missing"]] for r in records]
    book.add(Table(name=book.sheet_name(labels.text("codebook_title", lang)),
                   title=labels.text("codebook_title", lang), lines=[labels.text("wb_one_table", lang)],
                   headers=heads, rows=rows, formats=[None] * 5 + [INT_FORMAT, INT_FORMAT],
                   contents=[", ".join(dataset_name(d, lang) for d in datasets)]))
    return book.save(Path(path))


def _type_label(kind: str, lang: str) -> str:
    from survey import labels

    try:
        return labels.text(f"type_{kind}", lang)
    except KeyError:
        return str(kind)
