"""Reader for a coding spreadsheet: one row per coded interview segment.

Analysts who code in Word, Excel or a tool without REFI-QDA export keep a sheet
with (at least) the interview, the code and the coded text. Headers are matched
without regard to case, in Finnish, Swedish or English:

===========  ===============================================================
column       accepted headers
===========  ===============================================================
interview    Haastattelu, Haastateltava, Interview, Intervju, Case, Tapaus, ID
code         Koodi, Code, Kod
text         Sitaatti, Lainaus, Teksti, Quote, Text, Citat, Segment
parent       Teema, Yläkoodi, Theme, Tema, Parent (optional; else the codebook's)
division     Toimiala, Division, Sektor, Department (optional)
role         Rooli, Tehtävä, Asema, Role, Roll, Position (optional)
cleared      Julkaistavissa, Julkaistava, Hyväksytty, Cleared, Publish (optional;
             kyllä/x/yes/1 = cleared for the report)
start, end   Alku, Loppu, Start, End (optional positions)
===========  ===============================================================

The result is the same :class:`~survey.ingest.qdpx.QdaProject` normal form as a
REFI-QDA project gives, with ``format = "coding-sheet"``.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pandas as pd

from survey.errors import InputError
from survey.ingest.detect import check_shared_strings
from survey.ingest.grid import damaged_workbook, decode_text, load_csv, load_xlsx
from survey.ingest.qda_codebook import match_codebook
from survey.ingest.qdpx import CODING_COLUMNS, QdaProject, _pseudonyms, check_archive
from survey.project.instruments import Codebook

FORMAT = "coding-sheet"

HEADERS = {
    "interview": ("haastattelu", "haastateltava", "haastattelu id", "interview", "intervju", "case", "tapaus",
                  "id", "interview id"),
    "code": ("koodi", "code", "kod"),
    "text": ("sitaatti", "lainaus", "teksti", "koodattu teksti", "quote", "text", "coded text", "citat",
             "segment", "text segment"),
    "parent": ("teema", "yläkoodi", "theme", "tema", "parent", "parent code", "category", "kategoria"),
    "division": ("toimiala", "division", "sektor", "department"),
    "role": ("rooli", "tehtävä", "asema", "role", "roll", "position"),
    "cleared": ("julkaistavissa", "julkaistava", "hyväksytty", "cleared", "publish", "godkänd"),
    "start": ("alku", "start", "start position", "startposition", "början"),
    "end": ("loppu", "end", "end position", "endposition", "slut"),
}
REQUIRED = ("interview", "code", "text")
_YES = {"kyllä", "kylla", "k", "x", "yes", "y", "ja", "true", "1", "1.0", "ok", "✓"}


def _read_frame(path: Path) -> pd.DataFrame:
    file = str(path)
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        try:
            with zipfile.ZipFile(path) as archive:
                check_archive(archive, file)
        except zipfile.BadZipFile:
            raise InputError("this .xlsx file is not a valid workbook (damaged or not Excel)", file=file) from None

        check_shared_strings(path)
        try:
            return pd.read_excel(path, sheet_name=0, dtype=object, engine="openpyxl")
        except Exception as exc:  # openpyxl raises many kinds for damaged files
            raise damaged_workbook(exc, path) from None
    if suffix in (".csv", ".tsv", ".txt"):
        text, _ = decode_text(path.read_bytes(), path)  # BOMs, UTF-16, UTF-8, cp1252, latin-1: never fails

        sep = "\t" if suffix == ".tsv" or text.split("\n", 1)[0].count("\t") > text.split("\n", 1)[0].count(";") \
            else None
        try:
            return pd.read_csv(io.StringIO(text), sep=sep, engine="python", dtype=object)
        except Exception as exc:
            raise InputError(f"the coding sheet could not be read as CSV ({exc})", file=file) from None
    raise InputError(f"a coding sheet must be .xlsx or .csv, not '{suffix}'", file=file)


def _match_headers(columns, file: str) -> dict:
    found = {}
    for column in columns:
        key = str(column).strip().lower()
        for target, names in HEADERS.items():
            if key in names and target not in found:
                found[target] = column
    missing = [c for c in REQUIRED if c not in found]
    if missing:
        wanted = "; ".join(f"{c}: {', '.join(HEADERS[c][:3])}" for c in missing)
        raise InputError(f"the coding sheet lacks the column(s) {', '.join(missing)} (expected a header such as "
                         f"{wanted})", file=file)
    return found


def _is_yes(value) -> bool:
    if value is None or (isinstance(value, float) and value != value):
        return False
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in _YES


def is_coding_sheet(path: Path, kind: str) -> bool:
    """Whether a tabular file's first row names the columns of a coding spreadsheet."""
    grid = load_xlsx(path) if kind == "xlsx" else load_csv(path)
    heads = {str(v).strip().casefold() for v in grid.rows[0] if v is not None}
    return all(heads & {h.casefold() for h in HEADERS[name]} for name in REQUIRED) and not any(
        h in heads for h in ("vastaajan tunnus", "respondent id", "start time"))


def read_coding_sheet(path: Path, codebook: Codebook | None = None) -> QdaProject:
    """Read a coding spreadsheet into the interview normal form (see :class:`QdaProject`).

    With ``codebook`` codes, themes, divisions and roles carry its ids (see :func:`read_qdpx`).
    """
    path = Path(path)
    file = str(path)
    if not path.is_file():
        raise InputError("file not found", file=file)
    frame = _read_frame(path)
    cols = _match_headers(frame.columns, file)
    frame = frame.dropna(how="all")
    frame = frame[frame[cols["interview"]].notna() & frame[cols["code"]].notna()]
    if frame.empty:
        raise InputError("the coding sheet has no coded segments (rows with an interview and a code)", file=file)

    raw_ids = [str(v).strip() for v in frame[cols["interview"]]]
    order = list(dict.fromkeys(raw_ids))
    pseudonym = dict(zip(order, _pseudonyms(order)))

    def column(name):
        return frame[cols[name]] if name in cols else pd.Series([None] * len(frame), index=frame.index)

    def positions(name):
        values = pd.to_numeric(column(name), errors="coerce")
        return values.round().astype("Int64")

    codings = pd.DataFrame({
        "interview": [pseudonym[v] for v in raw_ids],
        "code": [str(v).strip() for v in frame[cols["code"]]],
        "parent": [None if pd.isna(v) else str(v).strip() for v in column("parent")],
        "text": [None if pd.isna(v) else str(v) for v in column("text")],
        "start": positions("start").to_numpy(),
        "end": positions("end").to_numpy(),
        "cleared": [_is_yes(v) for v in column("cleared")],
        "kind": "text",
        "code_guid": None,
        "source": None,
    }, columns=list(CODING_COLUMNS))
    codings["parent"] = codings["parent"].fillna(codings["code"])
    codings = codings.astype({"interview": "string", "code": "string", "parent": "string", "text": "string",
                              "start": "Int64", "end": "Int64", "cleared": "bool", "kind": "string"})

    cases = pd.DataFrame({"interview": [pseudonym[v] for v in raw_ids],
                          "division": [None if pd.isna(v) else str(v).strip() for v in column("division")],
                          "role": [None if pd.isna(v) else str(v).strip() for v in column("role")]})
    notes = []
    conflicting = cases.dropna(subset=["division"]).groupby("interview")["division"].nunique()
    if (conflicting > 1).any():
        notes.append(f"{int((conflicting > 1).sum())} interview(s) have more than one division in the sheet; "
                     "the first is used")
    cases = cases.groupby("interview", sort=False).first().reset_index()
    cases = cases.astype({"interview": "string", "division": "string", "role": "string"})
    rows = []
    for theme in dict.fromkeys(codings["parent"]):  # each theme, then its codes, in order of appearance
        rows.append({"guid": None, "code": theme, "parent": theme, "parent_code": None, "depth": 0})
        for code in dict.fromkeys(codings.loc[codings["parent"] == theme, "code"]):
            if code != theme:
                rows.append({"guid": None, "code": code, "parent": theme, "parent_code": theme, "depth": 1})
    codes = pd.DataFrame(rows, columns=["guid", "code", "parent", "parent_code", "depth"])
    sources = pd.DataFrame({"interview": [pseudonym[v] for v in order], "guid": None, "name": order,
                            "type": "sheet", "has_text": True})
    project = QdaProject(codings=codings, cases=cases, codes=codes, sources=sources, format=FORMAT,
                        notes=tuple(notes))
    return match_codebook(project, codebook or Codebook())


def inspect_coding_sheet(path: Path, codebook: Codebook | None = None) -> dict:
    """What ``survey inspect --json`` reports for a coding sheet (no coded text)."""
    project = read_coding_sheet(path, codebook)
    counts = project.codings.groupby("code", sort=False).size()
    return {"format": FORMAT, "file": str(path), "respondents": project.interviews, "codes": int(len(project.codes)),
            "codings": int(len(project.codings)), "missing_sources": [],
            "code_list": [{"code": r.code, "parent": r.parent, "depth": int(r.depth),
                           "codings": int(counts.get(r.code, 0))} for r in project.codes.itertuples()],
            "case_variables": [c for c in project.cases.columns if c != "interview"], "notes": list(project.notes)}
