"""Coded interviews read for the pipeline: matched to the codebook, personal data masked.

:func:`load_interviews` reads a REFI-QDA project (``.qdpx``, or ``.zip`` as MAXQDA names
it) or a coding sheet (``.xlsx``/``.csv``) with :mod:`survey.ingest.qdpx` /
:mod:`survey.ingest.coding_sheet`, with the codes, themes, divisions and roles carrying the
codebook's ids, and masks personal data in the coded text and the case variables.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from survey.errors import InputError
from survey.ingest.coding_sheet import read_coding_sheet
from survey.ingest.qdpx import read_qdpx
from survey.prepare.redact import redact_frame_text, redact_text
from survey.project.instruments import Codebook


def read_interviews(path: Path, codebook: Codebook | None = None):
    """Read a ``.qdpx`` project or a coding sheet (``.xlsx``/``.csv``) into the normal form (codebook ids)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".qdpx", ".zip"):  # MAXQDA names its REFI-QDA export .zip; read_qdpx checks the contents
        return read_qdpx(path, codebook)
    if suffix in (".xlsx", ".xlsm", ".csv", ".tsv"):
        return read_coding_sheet(path, codebook)
    raise InputError("interviews must be a REFI-QDA project (.qdpx, or .zip as MAXQDA names it) or a coding "
                     "sheet (.xlsx, .csv)",
                     file=str(path))


def redact(text, names: Iterable[str] = ()):
    """Mask personal data in one text with :func:`survey.prepare.redact.redact_text` (NA stays NA)."""
    if text is None or text is pd.NA or (isinstance(text, float) and text != text):
        return text
    return redact_text(str(text), names=tuple(names))


def redact_codings(codings: pd.DataFrame, names: Iterable[str] = ()) -> pd.DataFrame:
    """Return a copy of ``codings`` whose ``text`` is redacted (names, phones, e-mails, ids, addresses)."""
    names = tuple(names)
    out = codings.copy()
    out["text"] = out["text"].map(lambda t: redact(t, names)).astype("string")
    return out


def load_interviews(path: Path, names: Iterable[str] = (), codebook: Codebook | None = None) -> dict:
    """Read interviews for the pipeline: frames with the coded text already redacted.

    Returns ``{"codings", "cases", "codes"}`` DataFrames plus ``format``,
    ``missing_sources`` and ``notes``. Source and case names never leave the reader;
    those that look like personal names are masked in the text besides ``names``.
    """
    project = read_interviews(path, codebook)
    names = (*tuple(names), *project.extra.get("person_names", ()))
    cases = redact_frame_text(project.cases, [c for c in project.cases.columns if c != "interview"], names)
    return {"codings": redact_codings(project.codings, names), "cases": cases,   # case variables masked too (h19)
            "codes": project.codes.copy(), "format": project.format,
            "missing_sources": list(project.missing_sources), "notes": list(project.notes),
            "positions": project.extra.get("positions")}
