"""The published tables workbook (``tables.xlsx``): one Excel table per result.

Laid out by :mod:`survey.artefacts.workbook` as the Analysis Function's spreadsheet
guidance asks; this module turns results into their rows (crosstabs for breakdowns,
``[c]`` for suppressed cells) and notes. Identical bytes on a rerun
(:func:`survey.store.files.save_workbook`).
"""

from __future__ import annotations

from pathlib import Path

from survey import catalogue
from survey.artefacts.workbook import (FORMATS, INT_FORMAT, PERCENT_FORMAT, POINTS_FORMAT, SUPPRESSED, Book, Table,
                                       cover, dataset_name, fmt_count, plain)
from survey.kinds import words
from survey.kinds.drawing import title_of
from survey.kinds.table import column_kind, format_value, header_label

NOT_TABLES = {"interview_quotes"}  # quotes go to the analyst's own workbook (survey.artefacts.quotes)


def column_format(result, column: str) -> str | None:
    """The Excel number format of a result-table column (None: text or label)."""
    return FORMATS.get(column_kind(result, column))


def table_columns(result) -> list[str]:
    """The result-table columns shown in the workbook, in table order."""
    return [c for c in result.table.columns if column_kind(result, c) != "hidden"]


CROSSTAB_KINDS = {"breakdown", "interview_codes_by"}  # groups become columns


def kind_title(result, lang: str, title: str | None = None) -> str:
    """A result's title marked by its kind: '… – by role', '…: share agreeing', '…: 2024 and 2026'."""
    title = title if title is not None else title_of(result, lang)
    if result.kind in ("wave", "likert_summary"):
        title = title.rstrip(" .?!:")  # a suffix follows after a colon
    if result.kind == "breakdown":
        by = catalogue.pick((result.labels or {}).get("by"), lang, "")
        return catalogue.text("wb_title_by", lang, title=title, by=by) if by else title
    if result.kind == "likert_summary":
        return catalogue.text("deck_title_summary", lang, title=title)
    if result.kind == "wave":
        test = result.test or {}
        return catalogue.text("deck_title_waves", lang, title=title, previous=test.get("previous_wave") or "",
                           current=test.get("wave") or result.wave or "")
    return title


def _cell_value(result, column: str, kind: str, number_format, raw, hidden: bool, lang: str,
                instruments: dict | None = None):
    """One table cell as the workbook stores it: a number, a label, [c] when suppressed, None when absent."""
    if kind == "label":
        if result.kind == "wave" and column == "code" and str(raw) == str(result.question):
            return words.question_label(result, lang, instruments) or title_of(result, lang)  # a numeric question's one row
        return words.value_label(result, column, raw, lang) or None
    if hidden and number_format is not None and raw is None:
        return SUPPRESSED
    if number_format is not None and isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return raw * 100 if number_format == POINTS_FORMAT else raw
    if kind == "text" and raw is not None and not isinstance(raw, bool):
        return format_value(result, column, raw, lang)
    return raw


def _suppressed_flags(table) -> list[bool]:
    if "suppressed" not in table.columns:
        return [False] * len(table)
    return [bool(v) if v is not None and v == v else False for v in table["suppressed"].tolist()]


def table_rows(result, lang: str, instruments: dict | None = None) -> tuple[list[str], list[list], list]:
    """(headers, rows, number formats) of one result as a workbook table (crosstab for breakdowns)."""
    table = result.table
    if result.kind in CROSSTAB_KINDS and "group" in table.columns and len(table):
        return _crosstab(result, lang)
    columns = table_columns(result)
    kinds = {c: column_kind(result, c) for c in columns}
    hidden = _suppressed_flags(table)
    values = {c: [plain(v) for v in table[c].tolist()] for c in columns}
    rows = [[_cell_value(result, c, kinds[c], FORMATS.get(kinds[c]), values[c][i], hidden[i], lang, instruments)
             for c in columns] for i in range(len(table))]
    return ([header_label(result, c, lang) for c in columns], rows, [FORMATS.get(kinds[c]) for c in columns])


def _crosstab(result, lang: str) -> tuple[list[str], list[list], list]:
    """Rows: the answer (and item); columns: each measure for each group, in group order."""
    table = result.table
    columns = table_columns(result)
    keys = [c for c in columns if column_kind(result, c) == "label" and c != "group"]
    if "item" in keys and table["item"].nunique() <= 1:
        keys.remove("item")
    if "code" in keys and {str(c) for c in table["code"]} == {"agree"}:
        keys.remove("code")
    measures = [c for c in columns if c not in keys and c != "group" and column_kind(result, c) != "label"]
    groups = list(dict.fromkeys(plain(g) for g in table["group"]))
    hidden = _suppressed_flags(table)
    cells, order = {}, []
    for i, record in enumerate(table.to_dict(orient="records")):
        key = tuple(plain(record[k]) for k in keys)
        if key not in cells:
            cells[key] = {}
            order.append(key)
        cells[key][plain(record["group"])] = (record, hidden[i])
    headers = [header_label(result, k, lang) for k in keys]
    formats = [None] * len(keys)
    for measure in measures:
        kind = column_kind(result, measure)
        for group in groups:
            headers.append(catalogue.text("col_crosstab", lang, group=words.value_label(result, "group", group, lang),
                                       measure=header_label(result, measure, lang)))
            formats.append(FORMATS.get(kind))
    rows = []
    for key in order:
        row = [words.value_label(result, k, v, lang) or None for k, v in zip(keys, key)]
        for measure in measures:
            kind = column_kind(result, measure)
            for group in groups:
                hit = cells[key].get(group)
                if hit is None:
                    row.append(None)
                    continue
                record, is_hidden = hit
                row.append(_cell_value(result, measure, kind, FORMATS.get(kind), plain(record.get(measure)),
                                       is_hidden, lang))
        rows.append(row)
    return headers, rows, formats


def _table_notes(result, lang: str) -> list[str]:
    """The notes a table refers to: the test, intervals, suppression, reasons (in ``lang`` only)."""
    notes = []
    tested = words.test_line(result, lang)
    if tested:
        notes.append(tested)
    if {"ci_low", "ci_high"} <= set(result.table.columns) and result.kind not in ("numeric", "breakdown_numeric"):
        notes.append(catalogue.text("ci_note", lang))
    threshold = (result.suppression or {}).get("threshold")
    if threshold and any(_suppressed_flags(result.table)):
        notes.append(catalogue.text("suppressed_note", lang, threshold=fmt_count(threshold, lang)))
    for note in result.notes:  # only notes that say which language they are in
        if isinstance(note, dict) and note.get(lang):
            notes.append(str(note[lang]))
    return notes


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


def response_rate_rows(population: dict, respondents: dict, lang: str, instruments: dict | None = None) -> list[list]:
    """One row per dataset with a declared population: name, invited, answered, response rate."""
    rows = []
    for dataset, invited in (population or {}).items():
        answered = respondents.get(dataset)
        if not invited or answered is None:
            continue
        rows.append([dataset_name(dataset, lang, instruments), int(invited), int(answered), answered / invited])
    return rows


def project_contact(project) -> str:
    """survey.yml ``organisation.contact`` ('' when not set), whichever shape the config gives it."""
    for holder in (project, getattr(project, "organisation_config", None), getattr(project, "organisation", None)):
        value = getattr(holder, "contact", None) if holder is not None and not isinstance(holder, str) else None
        if value:
            return str(value)
    return ""


def write_tables_xlsx(results, path: Path, lang: str = "fi", synthetic: bool = False, wave_label: str = "",
                      *, organisation: str = "", contact: str = "", population: dict | None = None,
                      instruments: dict | None = None) -> Path:
    """The published tables workbook of a wave, laid out as the Analysis Function guidance asks.

    Cover (title, source, wave, producer, contact, synthetic marker, symbols), contents
    with links, notes, response rates per dataset where ``population`` (survey.yml
    ``population``) declares how many were invited, then one Excel table per result:
    numbers stay numbers (fractions with a ``0.0%`` format, counts as integers),
    breakdowns as crosstabs (groups as columns), suppressed cells ``[c]``, missing
    ``[x]``. Interview quote candidates are left out (the analyst's own workbook). ``instruments``
    (dataset -> instrument) give the datasets' names and the questions' short labels.
    """
    book = Book(lang=lang, title=catalogue.text("wb_tables_title", lang) + (f": {wave_label}" if wave_label else ""),
                synthetic=synthetic, contents_headers=[catalogue.text("col_dataset", lang), catalogue.text("col_n", lang)])
    shown = [r for r in results if r.kind not in NOT_TABLES]
    datasets = list(dict.fromkeys(r.dataset for r in shown))
    threshold = next(((r.suppression or {}).get("threshold") for r in shown if (r.suppression or {}).get("threshold")),
                     None)
    cover(book, lang, about=catalogue.text("wb_about_tables", lang), wave_label=wave_label,
          sources=[dataset_name(d, lang, instruments) for d in datasets], organisation=organisation, contact=contact,
          threshold=threshold)
    rates = response_rate_rows(population or {}, respondents_by_dataset(shown), lang, instruments)
    if rates:
        book.add(Table(name=book.sheet_name(catalogue.text("wb_sheet_response", lang)),
                       title=catalogue.text("wb_response_title", lang),
                       lines=[catalogue.text("wb_one_table", lang), catalogue.text("wb_response_note", lang)],
                       headers=[catalogue.text(k, lang) for k in ("col_dataset", "wb_col_invited", "wb_col_answered",
                                                                 "wb_col_response_rate")],
                       rows=rates, formats=[None, INT_FORMAT, INT_FORMAT, PERCENT_FORMAT],
                       contents=[catalogue.text("wb_all_datasets", lang), ""]))
    for result in shown:
        headers, rows, formats = table_rows(result, lang, instruments)
        source = dataset_name(result.dataset, lang, instruments)
        lines = [catalogue.text("wb_one_table", lang)]
        first = words.footer_lines(result, lang)
        if first:
            lines.append(first[0])
        lines.append(catalogue.text("footer_source", lang, source=source))
        if wave_label:
            lines.append(catalogue.text("footer_wave", lang, wave=wave_label))
        respondents = words.respondents_of(result)
        if respondents is None:
            respondents = (result.n or {}).get("interviews")
        book.add(Table(name=book.sheet_name(), title=kind_title(result, lang), lines=lines, headers=headers,
                       rows=rows, formats=formats, notes=_table_notes(result, lang),
                       contents=[source, int(respondents) if respondents is not None else None]))
    return book.save(Path(path))
