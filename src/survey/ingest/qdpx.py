"""Reader for REFI-QDA projects (``.qdpx``) exported by QualCoder, NVivo, ATLAS.ti, MAXQDA.

A ``.qdpx`` file is a zip archive holding one project file (``project.qde``; some
tools write ``Project.qde`` or another name ending in ``.qde``) and the sources in a
``sources/`` or ``Sources/`` folder. The project file is XML in the namespace
``urn:QDA-XML:project:1.0``: a codebook (``CodeBook/Codes/Code``, nested for
hierarchy), sources (``TextSource`` with ``PlainTextSelection`` elements carrying
``Coding/CodeRef``), variables and cases.

Positions: ``startPosition`` and ``endPosition`` count from 0 in the plain-text source,
the end exclusive, a UTF-8 byte-order mark at the start of the file not counted. The
tools do not agree on what they count: ATLAS.ti, MAXQDA and QualCoder count Unicode
code points (an emoji outside the Basic Multilingual Plane is one), NVivo counts UTF-16
code units (such an emoji is two). Both agree until a text's first character outside the
BMP. The reader decides per project from evidence (:func:`decide_positions`: which
convention puts the selections that follow such a character on word boundaries inside
the text), converts UTF-16 positions to code points, and records the convention in
``QdaProject.extra["positions"]`` (``code-points`` or ``utf-16``) with the evidence; so
``start``/``end`` in the normal form are always code points and ``text[start:end]`` is
the coded text.

Sources: only a text stored inside the archive (``plainTextPath="internal://…"``) is
read. A text source that names a file elsewhere (``file://``, ``relative://``,
``absolute://``, or an internal name climbing out with ``..``) is refused with one
sentence, exit 4, and the outside file is never opened. (Audio and video sources'
``path`` is never read at all.)

Safety: the archive's sizes are checked from its directory before anything is
decompressed (total size, compression ratio, member count), and the XML is parsed
with :mod:`defusedxml`, which refuses entity declarations (billion laughs) and
external entities.

The normal form (see :class:`QdaProject`): one row per coding with the interview's
pseudonymous id, the code, its theme (top-level parent code), the coded text and
its positions; and one row per interview with its case variables. Names of sources
and cases may be personal names, so they never leave this module except as the
private ``sources`` frame, which outputs must not show.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import numpy as np
import pandas as pd
from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET

from survey.errors import InputError, printable
from survey.ingest.archive import ZipLimits, check_zip
from survey.ingest.detect import check_zip_methods, read_member
from survey.ingest.qda_codebook import match_codebook
from survey.project.instruments import Codebook

FORMAT = "refi-qda"
NS = "urn:QDA-XML:project:1.0"

# Limits checked from the zip directory before reading any member.
MAX_TOTAL_UNCOMPRESSED = 512 * 1024 * 1024  # 512 MiB of sources and XML
MAX_MEMBER_UNCOMPRESSED = 256 * 1024 * 1024
MAX_RATIO = 200  # uncompressed / compressed, for members larger than RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024
MAX_MEMBERS = 20000

CODING_COLUMNS = ("interview", "code", "parent", "text", "start", "end", "cleared", "kind", "code_guid",
                  "source")
CASE_COLUMNS = ("interview", "division", "role")

_SELECTIONS = ("PlainTextSelection", "PDFSelection", "PictureSelection", "AudioSelection", "VideoSelection",
               "TranscriptSelection")
_SOURCES = ("TextSource", "PDFSource", "PictureSource", "AudioSource", "VideoSource")
_PSEUDONYM = re.compile(r"^[A-Za-zÅÄÖåäö]{0,3}[-_ ]?\d{1,4}$")


@dataclass(frozen=True)
class QdaProject:
    """A coded interview project in normal form.

    Attributes
    ----------
    codings : DataFrame
        One row per coding: ``interview`` (pseudonymous id such as ``H07``), ``code``
        (code name as the project holds it), ``parent`` (top-level theme, or the code
        itself when it has no parent), ``text`` (coded text, ``NA`` when the source is
        missing or not text), ``start``/``end`` (code-point positions, ``NA`` for
        non-text selections), ``cleared`` (bool, quote cleared for publication),
        ``kind`` (``text``, ``pdf``, ``picture``, ``audio``, ``video``), ``code_guid``,
        ``source`` (source guid).
    cases : DataFrame
        One row per interview: ``interview``, ``division``, ``role`` and any other
        case or source variable (column named as in the project).
    codes : DataFrame
        The codebook: ``guid``, ``code``, ``parent`` (theme), ``parent_code``
        (immediate parent), ``depth`` (0 = theme).
    sources : DataFrame
        Private: ``interview``, ``guid``, ``name`` (may be a personal name; never output),
        ``type``, ``has_text``.
    missing_sources : tuple
        Archive paths the project references but the archive lacks.
    """

    codings: pd.DataFrame
    cases: pd.DataFrame
    codes: pd.DataFrame
    sources: pd.DataFrame
    missing_sources: tuple[str, ...] = ()
    format: str = FORMAT
    origin: str = ""
    notes: tuple[str, ...] = ()
    extra: dict = field(default_factory=dict)

    @property
    def interviews(self) -> int:
        return int(len(self.sources))


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _children(element, name: str):
    return [child for child in element if _local(child.tag) == name]


def _child(element, name: str):
    for child in element:
        if _local(child.tag) == name:
            return child
    return None


def check_archive(archive: zipfile.ZipFile, file: str) -> None:
    """Refuse archives whose directory promises too much data (zip bombs), before reading."""
    check_zip_methods(archive.infolist(), file)
    check_zip(archive, file, ZipLimits(max_members=MAX_MEMBERS, max_total_size=MAX_TOTAL_UNCOMPRESSED,
                                       max_member_size=MAX_MEMBER_UNCOMPRESSED, max_ratio=MAX_RATIO,
                                       ratio_floor=RATIO_FLOOR))


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, file: str) -> bytes:
    """Read one member, stopping if it inflates beyond what the directory said."""
    limit = min(info.file_size, MAX_MEMBER_UNCOMPRESSED)
    data = read_member(archive, info, file, limit + 1)
    if len(data) > limit:
        raise InputError(f"archive member '{info.filename}' unpacks to more than its directory says; "
                         "refusing to read it", file=file)
    return data


def _find_project(archive: zipfile.ZipFile, file: str) -> zipfile.ZipInfo:
    """The ``.qde`` member: ``project.qde`` in any case, else the only top-level ``.qde``."""
    candidates = [i for i in archive.infolist()
                  if not i.is_dir() and i.filename.lower().endswith(".qde") and "/" not in i.filename.strip("/")]
    for info in candidates:
        if info.filename.lower() == "project.qde":
            return info
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise InputError("this is not a REFI-QDA project: the archive holds no project.qde", file=file)
    raise InputError("the archive holds several .qde project files; export one project per .qdpx", file=file)


def _parse_xml(data: bytes, file: str):
    try:
        return SafeET.fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise InputError("the project file declares XML entities or external references "
                         f"({type(exc).__name__}); refusing to read it, as that is how 'billion laughs' "
                         "and external-entity attacks work", file=file) from None
    except SafeET.ParseError as exc:
        raise InputError(f"the project file is not well-formed XML ({exc})", file=file) from None


def decode_text(data: bytes) -> str:
    """Decode a plain-text source as REFI-QDA defines it: UTF-8, a leading BOM dropped.

    UTF-16 sources (with their BOM) are accepted too, since some tools write them.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _internal_name(path: str | None) -> str | None:
    """``internal://abc.txt`` -> ``abc.txt``; other schemes (relative://, absolute://) -> None."""
    if not path:
        return None
    if path.lower().startswith("internal://"):
        return path[len("internal://"):].lstrip("/")
    return None


def _plain_member(name: str) -> bool:
    """True for a member name that stays inside the archive (relative, no ``..``, no drive)."""
    text = name.replace("\\", "/")
    return bool(text) and not text.startswith("/") and ".." not in PurePosixPath(text).parts \
        and not re.match(r"^[A-Za-z]:", text) and "\x00" not in text


def _member_index(archive: zipfile.ZipFile) -> dict:
    """Lower-case file name inside a sources folder (or the root) -> ZipInfo."""
    index = {}
    for info in archive.infolist():
        if info.is_dir():
            continue
        parts = PurePosixPath(info.filename).parts
        if len(parts) == 2 and parts[0].lower() == "sources":
            index.setdefault(parts[1].lower(), info)
        elif len(parts) == 1:
            index.setdefault(("root", parts[0].lower()), info)
    return index


MAX_CODE_DEPTH = 100  # real codebooks nest a handful of levels


def _codes(root, file: str = "") -> pd.DataFrame:
    """Flatten the codebook; the theme is the top-level ancestor (or ``A::B`` naming).

    Walked with an explicit stack (a crafted codebook nested thousands of levels deep would
    exhaust Python's recursion), in document order; deeper than :data:`MAX_CODE_DEPTH` levels
    is refused.
    """
    rows = []
    book = _child(root, "CodeBook")
    codes = _child(book, "Codes") if book is not None else None
    if codes is None:
        return pd.DataFrame(rows, columns=["guid", "code", "parent", "parent_code", "depth", "codable"])
    stack = [(child, None, None, 0) for child in reversed(_children(codes, "Code"))]
    while stack:
        code, parent_name, theme, depth = stack.pop()
        if depth > MAX_CODE_DEPTH:
            raise InputError(f"the codebook nests codes more than {MAX_CODE_DEPTH} levels deep, which no QDA tool "
                             "writes: the project file is damaged or crafted", file=file)
        name = (code.get("name") or "").strip()
        top, parent_code, level = (theme if theme is not None else name), parent_name, depth
        if theme is None and "::" in name:  # ATLAS.ti writes hierarchy into the name
            top = parent_code = name.split("::", 1)[0].strip()
            level = 1
        rows.append({"guid": code.get("guid"), "code": name, "parent": top, "parent_code": parent_code,
                     "depth": level, "codable": (code.get("isCodable") or "true").lower() != "false"})
        stack.extend((child, name, top, depth + 1) for child in reversed(_children(code, "Code")))
    return pd.DataFrame(rows, columns=["guid", "code", "parent", "parent_code", "depth", "codable"])


def _variable_value(element) -> tuple[str | None, object]:
    ref = _child(element, "VariableRef")
    guid = ref.get("targetGUID") if ref is not None else None
    for child in element:
        name = _local(child.tag)
        if name.endswith("Value") and name != "VariableValue":
            text = (child.text or "").strip()
            if name == "BooleanValue":
                return guid, text.lower() == "true"
            if name == "IntegerValue":
                try:
                    return guid, int(text)
                except ValueError:
                    return guid, text
            if name == "FloatValue":
                try:
                    return guid, float(text)
                except ValueError:
                    return guid, text
            return guid, text
    return guid, None


def _pseudonyms(names: list[str]) -> list[str]:
    """Keep names that already look like interview ids (``H07``, ``12``); else number H01…"""
    if names and all(_PSEUDONYM.match(n or "") for n in names) and len(set(names)) == len(names):
        return [re.sub(r"[-_ ]", "", n) for n in names]
    width = max(2, len(str(len(names))))
    return [f"H{i + 1:0{width}d}" for i in range(len(names))]


def read_qdpx(path: Path, codebook: Codebook | None = None) -> QdaProject:
    """Read a REFI-QDA ``.qdpx`` project into the interview normal form.

    With ``codebook`` (the project's interview codebook) codes, themes, divisions and roles
    carry its ids and case variables are found by its aliases; without it, the export's
    own names are kept. Missing sources are reported in ``missing_sources`` (their codings keep
    ``text = NA``); they are not an error. Raises :class:`InputError` for files that
    are not a REFI-QDA project, damaged, encrypted, or unsafe.
    """
    try:
        return _read_qdpx(Path(path), codebook or Codebook())
    except RecursionError:
        raise InputError("the project file is nested too deeply to read safely (damaged or crafted)",
                         file=str(path)) from None
    except MemoryError:
        raise InputError("the project is too large to read into memory", file=str(path)) from None


def _read_qdpx(path: Path, codebook: Codebook) -> QdaProject:
    path = Path(path)
    file = str(path)
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise InputError("file not found", file=file) from None
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError(f"this is not a REFI-QDA project (.qdpx is a zip archive): {exc}", file=file) from None
    with archive:
        check_archive(archive, file)
        info = _find_project(archive, file)
        root = _parse_xml(_read_member(archive, info, file), file)
        if _local(root.tag) != "Project":
            raise InputError(f"the project file's root element is <{_local(root.tag)}>, not <Project>", file=file)
        index = _member_index(archive)
        texts: dict[str, str | None] = {}
        missing: list[str] = []

        def load(ref: str | None) -> str | None:
            if not ref:
                return None
            name = _internal_name(ref)
            if name is None or not _plain_member(name):
                raise InputError(f"a text source of the project points outside the archive (plainTextPath "
                                 f"'{printable(ref, 80)}'); survey reads only sources stored inside the project "
                                 "file and never opens a file it names elsewhere: export the project again with "
                                 "its sources included", file=file)
            if name in texts:
                return texts[name]
            member = index.get(name.lower()) or index.get(("root", name.lower()))
            if member is None:
                missing.append(f"sources/{name}")
                texts[name] = None
            else:
                texts[name] = decode_text(_read_member(archive, member, file))
            return texts[name]

        codes = _codes(root, file)
        by_guid = {r.guid: r for r in codes.itertuples()}
        variables = {}
        for block in _children(root, "Variables"):
            for var in _children(block, "Variable"):
                variables[var.get("guid")] = (var.get("name") or "").strip()

        source_rows, coding_rows, source_vars = [], [], {}
        sources_el = _child(root, "Sources")
        notes = []
        for source in (list(sources_el) if sources_el is not None else []):
            kind = _local(source.tag)
            if kind not in _SOURCES:
                continue
            guid = source.get("guid")
            text = load(source.get("plainTextPath")) if kind == "TextSource" else None
            source_rows.append({"guid": guid, "name": source.get("name") or "", "type": kind,
                                "has_text": text is not None})
            values = {}
            for vv in _children(source, "VariableValue"):
                var_guid, value = _variable_value(vv)
                values[variables.get(var_guid, var_guid)] = value
            source_vars[guid] = values
            _collect(source, guid, kind, text, load, by_guid, coding_rows, notes)

    interviews = _pseudonyms([r["name"] for r in source_rows])
    pseudonym = {r["guid"]: pid for r, pid in zip(source_rows, interviews)}
    sources = pd.DataFrame(source_rows, columns=["guid", "name", "type", "has_text"])
    sources.insert(0, "interview", interviews)

    case_vars = {g: dict(v) for g, v in source_vars.items()}
    for block in _children(root, "Cases"):
        for case in _children(block, "Case"):
            values = {}
            for vv in _children(case, "VariableValue"):
                var_guid, value = _variable_value(vv)
                values[variables.get(var_guid, var_guid)] = value
            for ref in _children(case, "SourceRef"):
                target = ref.get("targetGUID")
                if target in case_vars:
                    for key, value in values.items():
                        case_vars[target].setdefault(key, value)
    cases = _cases_frame([pseudonym[r["guid"]] for r in source_rows],
                         [case_vars.get(r["guid"], {}) for r in source_rows], codebook.case_variables)

    positions = apply_positions(coding_rows, notes)
    codings = pd.DataFrame(coding_rows, columns=list(CODING_COLUMNS))
    codings["interview"] = codings["source"].map(pseudonym)
    codings = codings.astype({"interview": "string", "code": "string", "parent": "string", "text": "string",
                              "start": "Int64", "end": "Int64", "cleared": "bool", "kind": "string"})
    missing_sorted = tuple(dict.fromkeys(missing))
    if missing_sorted:
        notes.append(f"{len(missing_sorted)} source file(s) referenced by the project are missing from the "
                     "archive; their codings are counted but have no text")
    case_names = [c.get("name") or "" for block in _children(root, "Cases") for c in _children(block, "Case")]
    people = person_like_names([r["name"] for r in source_rows] + case_names)
    return match_codebook(QdaProject(codings=codings, cases=cases, codes=codes.drop(columns=["codable"]),
                                     sources=sources, missing_sources=missing_sorted, origin=root.get("origin") or "",
                                     notes=tuple(notes), extra={"person_names": people, **positions}), codebook)


_NAME_WORD = re.compile(r"^[A-ZÅÄÖÜ][a-zåäöüéèáà'-]+$")
_NOT_NAMES = {"haastattelu", "haastateltava", "interview", "intervju", "transcript", "litterointi", "case",
              "tapaus", "audio", "visual", "video", "text", "teksti"}


def person_like_names(names: list[str]) -> tuple[str, ...]:
    """Source and case names that look like a person's name (two or more capitalised words).

    Interviewees' names often name their transcript (``Haastattelu Maija Esimerkki.docx``);
    they are passed to the redactor so that the transcript's own mentions are masked.
    """
    found = []
    for name in names:
        stem = re.sub(r"\.(txt|docx?|rtf|pdf|odt)$", "", name or "", flags=re.IGNORECASE)
        words = [w for w in re.split(r"[\s_]+", stem) if w and w.lower() not in _NOT_NAMES]
        if len(words) >= 2 and all(_NAME_WORD.match(w) for w in words[:3]):
            found.append(" ".join(words[:3]))
    return tuple(dict.fromkeys(found))


def _collect(element, source_guid, kind, text, load, by_guid, rows, notes) -> None:
    """Append one row per Coding under ``element`` (recursing into representations)."""
    for child in element:
        name = _local(child.tag)
        if name in ("Representation", "Transcript"):
            _collect(child, source_guid, kind, load(child.get("plainTextPath")), load, by_guid, rows, notes)
            continue
        if name not in _SELECTIONS:
            continue
        start = end = None
        coded = None
        if name == "PlainTextSelection":
            try:
                start, end = int(child.get("startPosition")), int(child.get("endPosition"))
            except (TypeError, ValueError):
                notes.append(f"a text selection has no valid positions (guid {child.get('guid')})")
        else:
            holder = _child(child, "Representation")
            content = _child(holder if holder is not None else child, "PlainTextContent")
            if content is not None and content.text:
                coded = content.text
        selection_kind = {"PlainTextSelection": "text", "PDFSelection": "pdf", "PictureSelection": "picture",
                          "AudioSelection": "audio", "VideoSelection": "video",
                          "TranscriptSelection": "text"}[name]
        for coding in _children(child, "Coding"):
            ref = _child(coding, "CodeRef")
            target = ref.get("targetGUID") if ref is not None else None
            code = by_guid.get(target)
            rows.append({"interview": None, "code": code.code if code is not None else f"?{target}",
                         "parent": code.parent if code is not None else f"?{target}", "text": coded,
                         "start": start, "end": end, "cleared": False, "kind": selection_kind,
                         "code_guid": target, "source": source_guid,
                         "_source_text": text if name == "PlainTextSelection" and start is not None else None})


def _cases_frame(interviews: list[str], values: list[dict], aliases: dict) -> pd.DataFrame:
    """Cases with ``division`` and ``role`` found by their ``aliases`` (the codebook's), other variables kept."""
    rows = []
    for pid, vals in zip(interviews, values):
        row = {"interview": pid, "division": None, "role": None}
        for key, value in vals.items():
            target = next((col for col, names in aliases.items() if str(key).strip().lower() in names), None)
            row[target or str(key)] = value
        rows.append(row)
    frame = pd.DataFrame(rows)
    for col in CASE_COLUMNS:
        if col not in frame:
            frame[col] = None
    frame = frame.astype({"interview": "string", "division": "string", "role": "string"})
    for col in frame.columns:
        if col not in CASE_COLUMNS:
            frame[col] = _typed_column(frame[col])
    return frame


def _typed_column(values: pd.Series):
    """A case variable with one type in every case: boolean, Int64 or Float64 when every value is one,
    else text (a variable that is an integer in some cases and text in others becomes text)."""
    present = [v for v in values.tolist() if v is not None and not (isinstance(v, float) and v != v)]
    if present and all(isinstance(v, bool) for v in present):
        return pd.array(values.tolist(), dtype="boolean")
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return pd.array(values.tolist(), dtype="Int64")
    if present and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in present):
        return pd.array([None if v is None else float(v) for v in values.tolist()], dtype="Float64")
    return pd.array([None if v is None or (isinstance(v, float) and v != v) else str(v)
                     for v in values.tolist()], dtype="string")


# --------------------------------------------------------------------------- text positions

CODE_POINTS = "code-points"
UTF16 = "utf-16"


def _unit_starts(text: str):
    """UTF-16 code units before each code point of ``text`` (and one past the end), as a numpy array."""
    widths = np.fromiter((2 if ord(c) > 0xFFFF else 1 for c in text), dtype=np.int64, count=len(text))
    return np.concatenate(([0], np.cumsum(widths)))


def _as_code_points(starts, unit: int) -> int | None:
    """The code-point index of UTF-16 offset ``unit``, None inside a surrogate pair or past the end."""
    k = int(np.searchsorted(starts, unit))
    return k if k < len(starts) and int(starts[k]) == unit else None


def _on_boundary(text: str, start: int, end: int) -> bool:
    """Whether a selection starts and ends between words (not inside one), as people select text."""
    def between(i: int) -> bool:
        return i <= 0 or i >= len(text) or not (text[i - 1].isalnum() and text[i].isalnum())
    return 0 <= start <= end <= len(text) and between(start) and between(end)


def decide_positions(selections: list[tuple[str, int, int]]) -> tuple[str, str]:
    """(convention, evidence) for a project's ``(text, start, end)`` selections.

    REFI-QDA says positions count characters (code points: ATLAS.ti, MAXQDA, QualCoder);
    NVivo counts UTF-16 code units. The two agree until the first character outside the Basic
    Multilingual Plane (emoji): only selections after one tell them apart. For those, each
    convention scores the selections that land inside the text on word boundaries; UTF-16 is
    chosen only when it scores higher, else code points (the standard).
    """
    telling = []
    for text, start, end in selections:
        if text is None or start is None or end is None:
            continue
        first_wide = next((i for i, c in enumerate(text) if ord(c) > 0xFFFF), None)
        if first_wide is not None and end > first_wide:
            telling.append((text, start, end))
    if not telling:
        return CODE_POINTS, "the texts hold no characters outside the Basic Multilingual Plane, so code points " \
                            "and UTF-16 units agree"
    cache: dict[int, object] = {}
    points = units = 0
    for text, start, end in telling:
        points += _on_boundary(text, start, end)
        starts = cache.setdefault(id(text), _unit_starts(text))
        s, e = _as_code_points(starts, start), _as_code_points(starts, end)
        units += s is not None and e is not None and _on_boundary(text, s, e)
    n = len(telling)
    evidence = (f"of {n} selections after an emoji or other character outside the BMP, {units} start and end "
                f"on word boundaries counting UTF-16 units and {points} counting code points")
    return (UTF16 if units > points else CODE_POINTS), evidence


def apply_positions(rows: list[dict], notes: list[str]) -> dict:
    """Fill each text selection's coded text and code-point positions in ``rows``; the convention the
    project's positions follow (see :func:`decide_positions`) goes to the metadata."""
    selections = [(r["_source_text"], r["start"], r["end"]) for r in rows if r.get("_source_text") is not None]
    convention, evidence = decide_positions(selections)
    cache: dict[int, object] = {}
    outside = 0
    for row in rows:
        text = row.pop("_source_text", None)
        if text is None:
            continue
        start, end = row["start"], row["end"]
        if convention == UTF16:
            starts = cache.setdefault(id(text), _unit_starts(text))
            start, end = _as_code_points(starts, start), _as_code_points(starts, end)
        if start is not None and end is not None and 0 <= start <= end <= len(text):
            row["start"], row["end"], row["text"] = start, end, text[start:end]
        else:
            outside += 1
    if outside:
        notes.append(f"{outside} text selection(s) lie outside their source text; their coded text is missing")
    if convention == UTF16:
        notes.append(f"text positions are counted in UTF-16 code units, as NVivo writes them ({evidence}); they "
                     "were converted to characters")
    elif "selections after" in evidence:
        notes.append(f"text positions are counted in characters (code points), as REFI-QDA defines them ({evidence})")
    return {"positions": convention, "positions_evidence": evidence}


def inspect_qdpx(path: Path, codebook: Codebook | None = None) -> dict:
    """What ``survey inspect --json`` reports for a REFI-QDA project (no coded text)."""
    project = read_qdpx(path, codebook)
    counts = project.codings.groupby("code", sort=False).size()
    return {
        "format": FORMAT,
        "file": str(path),
        "origin": project.origin,
        "respondents": project.interviews,
        "codes": int(len(project.codes)),
        "codings": int(len(project.codings)),
        "missing_sources": list(project.missing_sources),
        "code_list": [{"code": r.code, "parent": r.parent, "depth": int(r.depth),
                       "codings": int(counts.get(r.code, 0))} for r in project.codes.itertuples()],
        "case_variables": [c for c in project.cases.columns if c != "interview"],
        "positions": project.extra.get("positions"),
        "positions_evidence": project.extra.get("positions_evidence"),
        "notes": list(project.notes),
    }
