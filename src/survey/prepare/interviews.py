"""Coded interviews read for the pipeline: matched to the codebook, personal data masked.

:func:`load_interviews` reads a REFI-QDA project (``.qdpx``, or ``.zip`` as MAXQDA names
it) or a coding sheet (``.xlsx``/``.csv``) with :mod:`survey.ingest.qdpx` /
:mod:`survey.ingest.coding_sheet`, with the codes, themes, divisions and roles carrying the
codebook's ids, and masks personal data in the coded text and the case variables.

:func:`check_codes` makes a code the codebook does not know an error (``new-code``), never
a code that silently keeps the export's name: matching is by the codebook's ids and
labels, so renaming a label in the instrument must not move codings out of their code.
The two ways out are named (add the code to the codebook, or map the export's name onto
a code with the wave's ``mapping: codes:``). :func:`interviews_meta` is what the run
records about the dataset (``processed/<dataset>.meta.json``), including which position
convention the coded texts were cut with.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

import pandas as pd

from survey.errors import InputError, Problem, printable
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


_GROUPS = {"division": "divisions", "role": "roles"}


def with_wave_codes(codebook: Codebook | None, codes: dict | None) -> Codebook | None:
    """``codebook`` whose aliases also hold the wave's ``mapping: codes:`` (export name -> id).

    A line whose id is a division or a role of the codebook maps that case value;
    any other maps a code or theme name.
    """
    if codebook is None or not codes:
        return codebook
    aliases = {key: dict(value) for key, value in codebook.aliases.items()}
    for name, target in codes.items():
        kind = next((k for k, group in _GROUPS.items() if target in codebook.groups.get(group, ())), "code")
        aliases.setdefault(kind, {})[str(name).strip().casefold()] = target
    return replace(codebook, aliases=aliases)


def load_interviews(path: Path, names: Iterable[str] = (), codebook: Codebook | None = None,
                    codes: dict | None = None) -> dict:
    """Read interviews for the pipeline: frames with the coded text already redacted.

    Returns ``{"codings", "cases", "codes"}`` DataFrames plus ``format``,
    ``missing_sources``, ``notes`` and the ``positions`` convention (with its
    ``positions_evidence``). ``codes`` is the wave's ``mapping: codes:`` (export name ->
    codebook code). Source and case names never leave the reader; those that look like
    personal names are masked in the text besides ``names``.
    """
    project = read_interviews(path, with_wave_codes(codebook, codes))
    names = (*tuple(names), *project.extra.get("person_names", ()))
    cases = redact_frame_text(project.cases, [c for c in project.cases.columns if c != "interview"], names)
    return {"codings": redact_codings(project.codings, names), "cases": cases,   # case variables masked too (h19)
            "codes": project.codes.copy(), "format": project.format,
            "missing_sources": list(project.missing_sources), "notes": list(project.notes),
            "positions": project.extra.get("positions"),
            "positions_evidence": project.extra.get("positions_evidence")}


def _known_codes(codebook: Codebook) -> set:
    return set(codebook.codes) | set(codebook.themes)


def check_codes(frames: dict, codebook: Codebook, *, file: str, wave: str, codes: dict | None = None,
                config_file: str = "survey.yml") -> list[Problem]:
    """Every code of the codings that the codebook does not know, as a ``new-code`` error with the ways out.

    A codebook that declares no codes (nothing to match against) checks nothing. A
    ``mapping: codes:`` line pointing at a code the codebook lacks is an error too.
    """
    known = _known_codes(codebook)
    if not known:
        return []
    dataset = codebook.dataset or "interviews"
    problems = []
    groups = {c for group in _GROUPS.values() for c in codebook.groups.get(group, ())}
    wrong = {target for target in (codes or {}).values() if target not in known | groups}
    for name, target in (codes or {}).items():
        if target in wrong:
            problems.append(Problem(file=config_file, rule="new-code", value=str(target),
                                    message=f"wave '{wave}' maps the export's code '{printable(name, 80)}' onto code "
                                            f"'{printable(target, 80)}', which instruments/{dataset}.yml does not "
                                            f"have{_closest_code(str(target), codebook)}"))
    problems += _unknown_case_values(frames.get("cases"), codebook, file=file, wave=wave, dataset=dataset)
    codings = frames.get("codings")
    if codings is None or not len(codings):
        return problems
    labels = codebook.labels.get("fi", {})
    table = codings.assign(_code=codings["code"].astype(object))
    for code, group in table.groupby("_code", sort=True, dropna=True):
        if code in known or code in wrong:   # a wrong mapping target is reported once, above
            continue
        shown = printable(str(code), 80)
        ids = sorted(str(i) for i in group["interview"].dropna().unique())
        where = ", ".join(ids[:5]) + (", …" if len(ids) > 5 else "")
        problems.append(Problem(
            file=file, rule="new-code", value=str(code),
            message=f"{len(group)} coding(s) in {len(ids)} interview(s) ({where}) use the code '{shown}', which the "
                    f"codebook does not have. Either add it to instruments/{dataset}.yml under the codes: of its "
                    f"theme (code: <id>, fi: {shown}), or map it onto an existing code in "
                    f"survey.yml: mapping: codes: {{\"{shown}\": <code>}} for this wave's {dataset}"
                    + _closest_code(str(code), codebook, labels)))
    return problems


def _unknown_case_values(cases, codebook: Codebook, *, file: str, wave: str, dataset: str) -> list[Problem]:
    """A division or role of the cases that the codebook does not know (when it declares some): an error,
    since a renamed label would otherwise make its interviews a group of their own."""
    problems = []
    if cases is None or not len(cases):
        return problems
    for column, group in _GROUPS.items():
        declared = list(codebook.groups.get(group, ()))
        if not declared or column not in cases:
            continue
        values = cases[column].astype(object)
        for value in sorted({str(v) for v in values.dropna()} - set(declared)):
            count = int((values.astype(str) == value).sum())
            shown = printable(value, 80)
            match = difflib.get_close_matches(value, declared + [codebook.labels.get("fi", {}).get(c, c)
                                                                 for c in declared], n=1, cutoff=0.5)
            hint = f". The closest known one is '{printable(match[0], 80)}'" if match else ""
            problems.append(Problem(
                file=file, rule="new-code", column=column, value=value,
                message=f"{count} interview(s) have the {column} '{shown}', which the codebook does not have. "
                        f"Either add it to instruments/{dataset}.yml under {group}: (code: <id>, fi: {shown}), or "
                        f"map it onto an existing one in survey.yml: mapping: codes: {{\"{shown}\": <{column}>}} "
                        f"for this wave's {dataset}{hint}"))
    return problems


def _closest_code(name: str, codebook: Codebook, labels: dict | None = None) -> str:
    """'. The closest known code is 'x' (Label)' for a code name that resembles one of the codebook's."""
    labels = labels if labels is not None else codebook.labels.get("fi", {})
    candidates = {**{c: c for c in _known_codes(codebook)}, **{labels.get(c, c): c for c in _known_codes(codebook)}}
    match = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.5)
    if not match:
        return ""
    code = candidates[match[0]]
    return f". The closest known code is '{code}' ({printable(labels.get(code, code), 80)})"


def interviews_meta(frames: dict, *, dataset: str, source: str, sha256: str, wave: str, synthetic: bool) -> dict:
    """What the run records about an interview dataset (``processed/<dataset>.meta.json``).

    ``positions`` says how the export's text positions were read: ``code-points``
    (characters, as REFI-QDA defines them) or ``utf-16`` (code units, as NVivo writes them,
    converted to characters), with the evidence it was decided from; ``None`` for a
    coding sheet, whose rows carry the coded text itself.
    """
    codings, cases = frames.get("codings"), frames.get("cases")
    return {
        "dataset": dataset, "source": source, "format": frames.get("format"), "sha256": sha256,
        "interviews": int(cases["interview"].nunique()) if cases is not None and len(cases) else 0,
        "codings": int(len(codings)) if codings is not None else 0,
        "positions": frames.get("positions"), "positions_evidence": frames.get("positions_evidence"),
        "missing_sources": len(frames.get("missing_sources") or ()),
        "notes": [printable(n, 300) for n in frames.get("notes") or ()],
        "synthetic": synthetic, "wave": wave,
    }
