"""The codebook workbook (``codebook.xlsx``): every question's variable, text, type, options, valid and missing."""

from __future__ import annotations

from pathlib import Path

from survey import catalogue
from survey.analysis.frequencies import missing_group_hidden
from survey.artefacts.workbook import INT_FORMAT, SUPPRESSED, Book, Table, cover, dataset_name


def _frames_of(ingested) -> dict:
    frames = getattr(ingested, "frames", ingested)
    return dict(frames or {})


def codebook_rows(frames: dict, lang: str = "fi", instruments: dict | None = None, rule=None) -> list[dict]:
    """One row per question of every dataset: variable, text, type, options, n valid, n missing.

    ``instruments`` (dataset -> instrument as the wave asked it) gives the wave's own
    wording of reworded questions; a dataset without one lists no questions.
    A background variable whose missing group the disclosure ``rule`` hides shows
    ``[c]`` instead of its valid and missing counts (they are a hidden group's size).
    """
    rows = []
    for dataset, frame in frames.items():
        if frame is None:
            continue
        instrument = (instruments or {}).get(dataset)
        questions = instrument.questions if instrument else ()
        for q in questions:
            missing_codes = {str(c) for c in q.missing}
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
            if q.dont_know is not None and str(q.dont_know) not in {str(o.code) for o in q.options}:
                options += f"; {q.dont_know} = {catalogue.text('dont_know', lang)}"
            n_valid, n_missing = valid, int(len(frame)) - valid
            if missing_group_hidden(frame, q, rule):
                n_valid = n_missing = SUPPRESSED
            rows.append({"dataset": dataset, "variable": variable, "question": q.label(lang), "type": q.type,
                         "options": options, "n_valid": n_valid, "n_missing": n_missing})
    return rows


def write_codebook(ingested, path: Path, lang: str = "fi", synthetic: bool = False, wave_label: str = "",
                   rule=None, *, organisation: str = "", contact: str = "", instruments: dict | None = None) -> Path:
    """The codebook workbook (cover, contents, one table): variable, question, type, options, valid, missing."""
    instruments = instruments if instruments is not None else (getattr(ingested, "instruments", None) or {})
    records = codebook_rows(_frames_of(ingested), lang, instruments, rule)
    book = Book(lang=lang, title=catalogue.text("codebook_title", lang) + (f": {wave_label}" if wave_label else ""),
                synthetic=synthetic, contents_headers=[catalogue.text("col_dataset", lang)])
    datasets = list(dict.fromkeys(r["dataset"] for r in records))
    cover(book, lang, about=catalogue.text("wb_about_codebook", lang), wave_label=wave_label,
          sources=[dataset_name(d, lang, instruments) for d in datasets], organisation=organisation, contact=contact,
          threshold=None)
    heads = [catalogue.text(k, lang) for k in ("col_dataset", "col_variable", "col_question_text", "col_type",
                                             "col_options", "col_n_valid", "col_n_missing")]
    rows = [[dataset_name(r["dataset"], lang, instruments), r["variable"], r["question"], _type_label(r["type"], lang),
             r["options"] or None, r["n_valid"], r["n_missing"]] for r in records]
    book.add(Table(name=book.sheet_name(catalogue.text("codebook_title", lang)),
                   title=catalogue.text("codebook_title", lang), lines=[catalogue.text("wb_one_table", lang)],
                   headers=heads, rows=rows, formats=[None] * 5 + [INT_FORMAT, INT_FORMAT],
                   contents=[", ".join(dataset_name(d, lang, instruments) for d in datasets)]))
    return book.save(Path(path))


def _type_label(kind: str, lang: str) -> str:
    try:
        return catalogue.text(f"type_{kind}", lang)
    except KeyError:
        return str(kind)
