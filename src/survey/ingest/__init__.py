"""Readers: one raw export in, one :class:`survey.model.Dataset` out.

``read(path)`` recognises the file from its bytes and header rows (see
:mod:`survey.ingest.detect` and :mod:`survey.ingest.dialects`); ``fmt`` (from
``survey.yml``) overrides the recognition. Readers never write anything and
raise :class:`survey.errors.InputError` with one sentence for anything they
cannot read.

Formats (``Meta.format``): ``spss-sav``, ``spss-zsav``, ``spss-por``,
``webropol-xlsx``, ``msforms-xlsx``, ``googleforms-xlsx``, ``limesurvey-xlsx``,
``surveymonkey-xlsx``, ``xlsx`` and the same tools with ``-csv`` (plus
``qualtrics-csv`` and ``nettskjema-csv``), ``limesurvey-r`` (a LimeSurvey R data
file read with the ``.R`` syntax file beside it), ``csv``. A QDA codebook table
(``codebook``) is recognised and refused with one sentence.

Every reader records in ``Meta.extra["evidence"]`` one sentence per question saying
why it got its type, which ``survey inspect`` shows. Identifier columns (names,
e-mail, phone, address ...) are recognised with :mod:`survey.ingest.identifiers`;
ids are made with :func:`survey.ingest.detect.slug`.
"""

from __future__ import annotations

from pathlib import Path

from survey.errors import InputError
from survey.ingest.coding_sheet import is_coding_sheet
from survey.ingest.detect import sniff_kind
from survey.ingest.spss import read_spss
from survey.ingest.tabular import detect_tabular, read_tabular
from survey.model import Dataset

__all__ = ["read", "detect_format", "FORMATS"]

_TABULAR_DIALECTS = ("webropol", "msforms", "googleforms", "limesurvey", "surveymonkey", "qualtrics",
                     "nettskjema")
FORMATS = ("auto", "spss-sav", "spss-zsav", "spss-por", "spss", "xlsx", "csv", "tsv") + tuple(
    f"{d}-{k}" for d in _TABULAR_DIALECTS for k in ("xlsx", "csv")) + tuple(_TABULAR_DIALECTS)


def _parse_fmt(fmt: str, path: Path) -> tuple[str | None, str | None]:
    """(kind, dialect) requested by a ``format:`` value; None where it leaves the choice to detection."""
    fmt = (fmt or "auto").strip().lower()
    if fmt == "auto":
        return None, None
    if fmt not in FORMATS:
        raise InputError(f"unknown format '{fmt}' (use auto or one of: {', '.join(FORMATS[1:])})",
                         file=str(path))
    if fmt.startswith("spss"):
        return ("spss" if fmt == "spss" else fmt), None
    if fmt in ("xlsx", "csv", "tsv"):
        return ("csv" if fmt == "tsv" else fmt), "generic"
    if fmt in _TABULAR_DIALECTS:
        return None, fmt
    dialect, kind = fmt.rsplit("-", 1)
    return kind, dialect


def _check_kind(requested: str | None, found: str, path: Path) -> None:
    if requested is None:
        return
    family = "spss" if found.startswith("spss") else found
    want = "spss" if requested.startswith("spss") else requested
    if family != want:
        raise InputError(f"survey.yml says this file is {requested}, but it is a {found} file: fix the "
                         "'format' setting or use format: auto", file=str(path))


def detect_format(path) -> str:
    """The format name of ``path`` as :func:`read` would report it in ``Meta.format``."""
    path = Path(path)
    kind = sniff_kind(path)
    if kind in ("xlsx", "csv"):
        if is_coding_sheet(path, kind):
            return "coding-sheet"
        return detect_tabular(path, kind)
    return "refi-qda" if kind == "qdpx" else kind


def read(path, fmt: str = "auto", sheet: str | None = None) -> Dataset:
    """Read one export into a Dataset (frame of raw codes + metadata); nothing is written."""
    path = Path(path)
    kind_wanted, dialect = _parse_fmt(fmt, path)
    kind = sniff_kind(path)
    _check_kind(kind_wanted, kind, path)
    try:
        if kind.startswith("spss"):
            return read_spss(path, kind)
        if kind in ("xlsx", "csv"):
            return read_tabular(path, kind, dialect=dialect, sheet=sheet)
        if kind == "qdpx":
            raise InputError("this is a REFI-QDA interview project (.qdpx): declare it as the interviews "
                             "dataset (it is read by the interview reader, not as a survey)", file=str(path))
    except InputError:
        raise
    except MemoryError:
        raise InputError("the file is too large to read into memory", file=str(path)) from None
    except RecursionError:
        raise InputError("the file is nested too deeply to read safely", file=str(path)) from None
    raise InputError(f"files of kind '{kind}' have no reader", file=str(path))
