"""Which survey tool wrote a grid, and how its header rows name the questions.

Each dialect is recognised from its header cells only (never from the file
name). :func:`detect_dialect` returns a :class:`Layout`: how many header rows the
tool writes, the text of each column (``top`` = question text, ``sub`` = option
or item text), the respondent-id column, and how the tool joins several
selections into one cell when it does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from survey.ingest.grid import Grid, visible_text
from survey.ingest.identifiers import is_identifier_header

DIALECTS = ("webropol", "msforms", "googleforms", "limesurvey", "surveymonkey", "qualtrics", "nettskjema",
            "generic")


@dataclass
class Column:
    """One raw column: position, question text, option/item text, and the tool's own code."""

    index: int
    top: str
    sub: str = ""
    code: str = ""
    import_id: str = ""  # Qualtrics' third header row
    hint: str = ""  # the tool says what the column is ("text" for SurveyMonkey's Open-Ended Response)


@dataclass
class Layout:
    dialect: str
    header_rows: int
    columns: list[Column]
    grouping: str = "none"  # "fill" (two-row, blank = fill from left), "brackets" ("Q [option]"), "none"
    id_index: int | None = None
    identifiers: list[int] = field(default_factory=list)  # columns holding names, e-mails, IP addresses
    joined: str | None = None  # separator of joined multi-select cells (";" MS Forms, ", " Google Forms)
    joined_trailing: bool = False
    notes: list[str] = field(default_factory=list)


_BREAK = re.compile(r"<br\s*/?>", re.I)


def _norm(value) -> str:
    """A cell for comparison: ``<br>`` and every run of white space (NBSP too) one space, lower case."""
    if value is None:
        return ""
    text = visible_text(value)
    if "<" in text:
        text = _BREAK.sub(" ", text)
    return re.sub(r"\s+", " ", text).strip().lower()


def _compact(value) -> str:
    """Letters and digits only (``RespondentID``, ``Respondent ID`` and ``respondent_id`` agree)."""
    return re.sub(r"[\W_]+", "", _norm(value))


def _text(value) -> str:
    """A header cell as text, whitespace-trimmed (numbers written as the user sees them), in NFC with
    invisible characters removed; the line breaks tools write as ``<br>`` and non-breaking spaces
    become plain spaces."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = visible_text(value)
    if "<" in text:
        text = _BREAK.sub(" ", text)
    return re.sub(r"[ \t\u00a0\u2007\u202f]+", " ", text).strip()


ID_HEADERS = {
    "vastaajan tunnus", "vastaajan id", "vastaaja", "respondent id", "respondentid", "respondent", "id",
    "response id", "responseid", "id réponse", "id de la réponse", "id reponse", "_recordid", "record id",
    "$submission_id", "submission id", "svar-id", "svarsid", "vastauksen tunnus", "vastauksen id", "tunnus",
    "respondentens id", "respondent-id", "respondentnummer", "case", "caseid", "case id", "nr",
}
MSFORMS_HEADS = [
    ("id", "start time", "completion time", "email", "name"),
    ("id", "aloitusaika", "valmistumisaika", "sähköposti", "nimi"),
    ("id", "starttid", "sluttid", "e-post", "namn"),
    ("id", "heure de début", "heure de fin", "adresse de messagerie", "nom"),
    ("id", "startzeit", "fertigstellungszeit", "e-mail", "name"),
]
GOOGLE_FIRST = {"timestamp", "aikaleima", "tidstämpel", "horodateur", "zeitstempel", "marca temporal",
                "carimbo de data/hora", "informazioni cronologiche", "tidsstempel"}
LIME_MARKERS = {"submitdate", "date submitted", "lastpage", "last page", "startlanguage", "start language",
                "langue", "langue de départ", "date de soumission", "dernière page", "seed", "startdate",
                "lähetyspäivämäärä", "viimeinen sivu", "aloituskieli", "datestamp", "date stamp",
                "token", "refurl"}
MONKEY_MARKERS = {"respondent id", "collector id", "start date", "end date", "ip address", "email address",
                  "custom data 1", "custom data"}
WEBROPOL_MARKERS = {"vastaajan tunnus", "vastausaika", "vastauksen aloitusaika", "vastauksen lähetysaika",
                    "respondentens id", "svarstid", "vastaajan id"}
NETTSKJEMA_MARKERS = {"$submission_id", "$created", "$answer_time_ms", "$respondent_id", "svar-id", "$language"}
NETTSKJEMA_OLD = {"opprettet", "endret", "svartid", "innlevert"}
GENERIC_SUBS = {"response", "open-ended response", "vastaus", "svar", "réponse", "antwort", "answer"}


def detect_dialect(grid: Grid, force: str | None = None) -> Layout:
    """The layout of ``grid``: which tool wrote it and how its header rows read.

    ``force`` (a dialect name from :data:`DIALECTS`) skips the recognition but
    still reads the header rows the way that tool writes them.
    """
    rows = grid.rows
    r0 = [_norm(v) for v in rows[0]]
    r1 = [_norm(v) for v in rows[1]] if len(rows) > 1 else []
    r2 = [_norm(v) for v in rows[2]] if len(rows) > 2 else []
    dialect = force or _recognise(r0, r1, r2)
    if dialect == "qualtrics":
        return _qualtrics(grid, r0, r1, r2)
    if dialect == "surveymonkey":
        return _two_row(grid, "surveymonkey")
    if dialect == "webropol":
        return _two_row(grid, "webropol") if _has_subheader(rows) else _one_row(grid, "webropol")
    if dialect in ("limesurvey", "googleforms", "msforms", "nettskjema"):
        layout = _one_row(grid, dialect)
        if dialect == "msforms":
            layout.joined, layout.joined_trailing = ";", True
        if dialect == "googleforms":
            layout.joined = ", "
        return layout
    if _has_subheader(rows):
        return _two_row(grid, "generic")
    return _one_row(grid, "generic")


def _recognise(r0: list[str], r1: list[str], r2: list[str]) -> str:
    heads = set(r0)
    if r2 and sum(_is_import_id(v) for v in r2) >= max(1, len([v for v in r2 if v]) // 2):
        return "qualtrics"
    if len(r0) >= 3 and all(re.fullmatch(r"v\d+", v) for v in r0[:3]) and "responseid" in r1:
        return "qualtrics"
    if "startdate" in heads and "responseid" in heads and "finished" in heads:
        return "qualtrics"
    for head in MSFORMS_HEADS:
        if tuple(r0[: len(head)]) == head:
            return "msforms"
    compact = {_compact(v) for v in r0}
    if "respondentid" in compact and "collectorid" in compact:
        return "surveymonkey"
    if r0 and r0[0] in GOOGLE_FIRST:
        return "googleforms"
    if heads & NETTSKJEMA_MARKERS and any(v.startswith("$") for v in r0):
        return "nettskjema"
    if r0 and r0[0] == "nr" and len(heads & NETTSKJEMA_OLD) >= 2:
        return "nettskjema"  # the older tab-separated "data-<form>-<date>.txt" export
    if heads & WEBROPOL_MARKERS:
        return "webropol"
    first = r0[0] if r0 else ""
    if first in ID_HEADERS and heads & LIME_MARKERS:
        return "limesurvey"
    if first in ID_HEADERS and any(re.search(r"\[[^\]]+\]$", v) for v in r0) and len(r0) > 3:
        brackets = [v for v in r0 if re.search(r"\[[^\]]+\]$", v)]
        if len(brackets) >= 2:
            return "limesurvey"
    return "generic"


_IMPORT_ID = re.compile(r"""["']ImportId["']\s*:\s*["']([^"']*)["']""", re.I)


def _is_import_id(cell: str) -> bool:
    """A Qualtrics third-row cell: ``{"ImportId":"QID2"}``, or ``{'ImportId': 'QID2-1'}`` as Python writes it
    when the file was re-saved through a script."""
    return cell.startswith(('{"importid"', "{'importid'"))


def _has_subheader(rows: list[list]) -> bool:
    """Whether row 2 is a second header row (option texts under blank question cells)."""
    if len(rows) < 2:
        return False
    top, sub = rows[0], rows[1]
    for j in range(1, len(top)):
        if top[j] is None and isinstance(sub[j], str) and not _looks_like_value(sub[j]):
            return True
    # Webropol writes a blank cell under the id header and text under question headers.
    if len(rows) > 2 and top[0] is not None and sub[0] is None and rows[2][0] is not None:
        filled = [v for v in sub if v is not None]
        return bool(filled) and all(isinstance(v, str) for v in filled)
    return False


def _looks_like_value(text: str) -> bool:
    return bool(re.fullmatch(r"[-+]?\d+([.,]\d+)?", text.strip()))


def _find_id(columns: list[Column]) -> int | None:
    for col in columns:
        if _norm(col.top) in ID_HEADERS or _norm(col.code) in ID_HEADERS:
            return col.index
    return None


def _identifiers(columns: list[Column]) -> list[int]:
    return [c.index for c in columns if is_identifier_header(c.top, c.code)]


def _unquote(cells: list[str]) -> list[str]:
    """Header cells all wrapped in single quotes (``'age'``, as some tools write them) unwrapped."""
    filled = [c for c in cells if c]
    if filled and all(len(c) >= 2 and c[0] == c[-1] == "'" for c in filled):
        return [c[1:-1].strip() if c else c for c in cells]
    return cells


def _one_row(grid: Grid, dialect: str) -> Layout:
    texts = _unquote([_text(v) for v in grid.rows[0]])
    columns = [Column(j, t) for j, t in enumerate(texts)]
    layout = Layout(dialect, 1, columns, grouping="brackets")
    layout.id_index = _find_id(columns)
    layout.identifiers = _identifiers(columns)
    return layout


def _two_row(grid: Grid, dialect: str) -> Layout:
    """Row 1: question text over the first column of each question; row 2: option or item text."""
    top_row, sub_row = grid.rows[0], grid.rows[1]
    columns = []
    for j in range(len(top_row)):
        top, sub = _text(top_row[j]), _text(sub_row[j])
        hint = ""
        if dialect == "surveymonkey" and _norm(sub) in GENERIC_SUBS:
            hint = "text" if "open" in _norm(sub) else ""
            sub = ""
        columns.append(Column(j, top, sub, hint=hint))
    layout = Layout(dialect, 2, columns, grouping="fill")
    layout.id_index = _find_id(columns)
    layout.identifiers = _identifiers(columns)
    return layout


def _qualtrics(grid: Grid, r0: list[str], r1: list[str], r2: list[str]) -> Layout:
    rows = grid.rows
    legacy = len(r0) >= 3 and all(re.fullmatch(r"v\d+", v) for v in r0[:3])
    three = bool(r2) and any(_is_import_id(v) for v in r2)
    header_rows = 3 if three else 2
    columns = []
    for j in range(len(rows[0])):
        code = _text(rows[0][j])
        text = _text(rows[1][j]) if len(rows) > 1 else code
        import_id = ""
        if three:
            match = _IMPORT_ID.search(str(rows[2][j] or ""))
            import_id = match.group(1) if match else ""
        columns.append(Column(j, text or code, "", code, import_id))
    layout = Layout("qualtrics", header_rows, columns, grouping="codes", joined=",")
    layout.id_index = _find_id(columns)
    layout.identifiers = _identifiers(columns)
    if legacy:
        layout.notes.append("legacy Qualtrics export (V1, V2, ... codes)")
    return layout
