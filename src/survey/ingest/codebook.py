"""Recognise a codebook table (a QDA tool's list of codes) so that it is not read as a survey.

MAXQDA exports its code system to Excel with a ``Code`` column (sub-codes written
``Parent > Child`` or ``Parent\\Child``) beside ``Memo``, colour and frequency columns;
NVivo's codebook export has ``Name``, ``Description``, ``Files`` and ``References``. Such
a table has one row per code, not per respondent: the survey reader refuses it with one
sentence, and ``survey inspect`` lists the codes instead.
"""

from __future__ import annotations

import re

from survey.ingest.grid import Grid

CODE_HEADERS = {"code", "codes", "koodi", "koodit", "kod", "kode", "code system", "codesystem", "codename",
                "code name", "koodisto", "kodsystem", "kodesystem", "codesystem/code", "code system/code"}
MARKER_HEADERS = {"memo", "memos", "code memo", "code-memo", "muistio", "description", "kuvaus", "beskrivning",
                  "beschreibung", "beskrivelse", "definition", "määritelmä", "color", "colour", "farbe", "väri",
                  "färg", "farve", "farge", "parent code", "parent", "übergeordneter code", "yläkoodi",
                  "överordnad kod", "coded segments", "codierte segmente", "koodatut segmentit", "segments",
                  "segmente", "frequency", "häufigkeit", "frekvenssi", "frekvens", "anzahl", "documents",
                  "dokumente", "weight", "gewicht", "references", "viittaukset", "files", "tiedostot",
                  "code alias", "abbreviation"}
NVIVO_COUNTS = {"files", "references", "tiedostot", "viittaukset", "filer", "referenser"}
_SPLIT = re.compile(r"\s*(?:>|\\)\s*")


def _norm(value) -> str:
    return re.sub(r"\s+", " ", str(value)).strip().casefold() if value is not None else ""


def codebook_codes(grid: Grid) -> list[dict] | None:
    """The codes of a codebook table (``code``, ``parent``, ``depth`` per row), or None when ``grid`` is
    not one."""
    heads = [_norm(v) for v in grid.rows[0]]
    named = [h for h in heads if h]
    if not named or len(named) > 12:
        return None
    code_col = next((j for j, h in enumerate(heads) if h in CODE_HEADERS), None)
    markers = [h for h in named if h in MARKER_HEADERS]
    if code_col is None and "name" in heads and set(named) & NVIVO_COUNTS:
        code_col = heads.index("name")  # NVivo: Name, Description, Files, References
    if code_col is None or not markers:
        return None
    if set(named) & {"sitaatti", "quote", "text", "coded text", "teksti", "haastattelu", "interview"}:
        return None  # a coding sheet (segments with their text), read by the interview reader
    parent_col = next((j for j, h in enumerate(heads) if h in ("parent code", "parent", "yläkoodi",
                                                              "übergeordneter code", "överordnad kod")), None)
    codes = []
    for row in grid.rows[1:]:
        value = row[code_col] if code_col < len(row) else None
        if value is None or not str(value).strip():
            continue
        path = [p for p in _SPLIT.split(str(value).strip()) if p]
        parent = row[parent_col] if parent_col is not None and parent_col < len(row) else None
        if parent and len(path) == 1:
            path = [str(parent).strip(), path[0]]
        codes.append({"code": path[-1], "parent": path[0], "depth": len(path) - 1})
    return codes


def refusal(codes: list[dict]) -> str:
    """The sentence the survey reader gives for a codebook table."""
    return (f"this table is a codebook ({len(codes)} codes of a QDA tool such as MAXQDA or NVivo, one row per "
            "code), not survey responses: declare the survey tool's response export here; for interviews use "
            "the coded project (.qdpx) or a coding sheet with interview, code and text columns")
