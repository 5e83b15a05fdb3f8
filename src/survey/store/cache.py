"""Reuse of the previous run's figures and workbooks whose declared inputs did not change.

A chart's key (:func:`figure_key`) is made of what the chart reads: the result in its
language, the size, the wave label and footer text in that language, the synthetic
marking, the formats and the code. A rerun after one text changed redraws the
charts that print that text, in that language, and links every other file from the
previous tree.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
from pathlib import Path

from survey.model import Result, to_json
from survey.project import config
from survey.store import files, manifest

# Packages whose behaviour shapes the bytes of a chart or a workbook (rendering, fonts, number words, xlsx).
ARTEFACT_PACKAGES = ("matplotlib", "numpy", "pandas", "pillow", "babel", "openpyxl", "fonttools", "scipy",
                     "statsmodels", "pyyaml", "python-pptx")


def package_versions() -> dict:
    """Python's and the artefact packages' versions (``None`` for one not installed)."""
    return {"python": sys.version, **manifest.package_versions(ARTEFACT_PACKAGES)}


CODE_SUFFIXES = (".py", ".yml", ".yaml", ".json")
_CODE_DIGEST: dict = {}  # this process's last chart_code_digest and the source stamp it was made from


def chart_code_digest() -> str:
    """A digest of everything besides a result that can change a chart or a workbook.

    Every source file of the package (charts, labels, formatting, the analysis
    words, test names ...), every package data file (label catalogues, default
    instruments) and the versions of Python and of the packages that render,
    format and write (:data:`ARTEFACT_PACKAGES`, matplotlib among them). A change
    to any of them redraws every figure and rewrites every workbook.
    """
    root = config.PACKAGE_DIR
    stamp = _source_stamp(root)  # a file's name, time and size: read again only when one of them changed
    if _CODE_DIGEST.get("stamp") != stamp:
        digest = hashlib.sha256()
        for file in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in CODE_SUFFIXES
                           and "__pycache__" not in p.parts):
            digest.update(file.relative_to(root).as_posix().encode("utf-8") + b"\0")
            digest.update(file.read_bytes() + b"\0")
        digest.update(to_json(package_versions()).encode("utf-8"))
        _CODE_DIGEST.update(stamp=stamp, digest=digest.hexdigest())
    return _CODE_DIGEST["digest"]


def _source_stamp(root: Path) -> frozenset:
    """(path, modification time in ns, size) of every file :func:`chart_code_digest` reads under ``root``."""
    stamp = []
    for folder, subfolders, names in os.walk(root):
        subfolders[:] = [name for name in subfolders if name != "__pycache__"]
        for name in names:
            if name.endswith(CODE_SUFFIXES):
                path = os.path.join(folder, name)
                try:
                    info = os.stat(path)
                except OSError:  # a dangling link: not a file the digest reads
                    continue
                stamp.append((path, info.st_mtime_ns, info.st_size))
    return frozenset(stamp)


TEXT_FIELDS = ("title", "labels")  # the fields of a Result that hold texts keyed by language


def _only(value, lang: str, languages: tuple[str, ...]):
    """A language-keyed mapping with the other languages' entries left out (non-language keys kept, looked into)."""
    if not isinstance(value, dict):
        return value
    return {key: (item if key == lang else _only(item, lang, languages))
            for key, item in value.items() if key == lang or key not in languages}


def in_language(data: dict, lang: str, languages: tuple[str, ...]) -> dict:
    """A result's JSON form (``Result.to_dict()``) with the texts of every other language left out.

    Only the text fields (:data:`TEXT_FIELDS`: ``title[lang]``, ``labels[lang]``,
    ``labels["groups"][lang]`` ...) are narrowed; the numbers, the table and everything
    else are kept whole. A chart drawn in ``lang`` prints no other language, so its key
    does not change when a text of another language does.
    """
    return {key: (_only(value, lang, tuple(languages)) if key in TEXT_FIELDS else value) for key, value in data.items()}


def figure_key(result: Result, lang: str, size: str, *, languages: tuple[str, ...], wave_label: str,
               synthetic: bool, source: str, code: str, formats: tuple[str, ...], data: dict | None = None) -> str:
    """What one chart's files (``<id>.<size>[.<lang>].<fmt>`` and its alt texts) depend on; equal keys, equal bytes.

    The declared inputs: the result in that language (:func:`in_language`: its numbers,
    its texts in ``lang`` only), the size, the wave's label and the dataset's name
    (``source``, the footer) in ``lang``, the synthetic marking, the formats written, and
    ``code`` (:func:`chart_code_digest` with the theme). ``languages``: the codes a
    result's texts are keyed by (the other languages' texts are left out). ``data``: ``result.to_dict()``
    when the caller has it already.
    """
    data = result.to_dict() if data is None else data
    text = to_json({"result": in_language(data, lang, tuple(languages)), "lang": lang, "size": size,
                    "wave_label": wave_label, "synthetic": bool(synthetic), "source": source, "code": code,
                    "formats": list(formats)})
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


FIGURE_CACHE = ".figure-keys.json"  # {file stem: key} of the charts in a figures folder


def read_keys(folder: Path | None) -> dict:
    """The figure keys a figures folder was written with (empty when there are none)."""
    if folder is None:
        return {}
    try:
        keys = json.loads((Path(folder) / FIGURE_CACHE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return keys if isinstance(keys, dict) else {}


def reuse_files(previous: Path, folder: Path, names: list[str]) -> bool:
    """Link (or copy) every one of ``names`` from ``previous`` into ``folder``; False, nothing left, if one is missing.

    The files are never changed in place (every write is a new file renamed over the
    old), so a hard link to the previous tree's file is as good as a copy.
    """
    sources = [Path(previous) / name for name in names]
    if not all(source.is_file() and not source.is_symlink() for source in sources):
        return False
    for source in sources:
        target = Path(folder) / source.name
        try:
            os.link(source, target)
        except OSError:
            shutil.copy2(source, target)
    return True


WORKBOOK_CACHE = ".workbook-keys.json"


def workbook_key(results: list[Result], lang: str, wave_label: str, synthetic: bool, code: str,
                 texts: dict | None = None, serialised: dict | None = None) -> str:
    """What a tables workbook depends on; equal keys give identical bytes.

    ``code``: :func:`chart_code_digest` (package code, catalogues, package versions);
    ``texts``: anything else the workbook prints (e.g. the organisation's contact);
    ``serialised``: ``{result id: to_json(result.to_dict())}`` when the caller has it.
    """
    digest = hashlib.sha256()
    serialised = serialised or {}
    for result in results:
        text = serialised.get(result.id)
        digest.update((text if text is not None else to_json(result.to_dict())).encode("utf-8"))
    digest.update(to_json([lang, wave_label, synthetic, code, texts]).encode("utf-8"))
    return digest.hexdigest()


def reuse_file(previous: Path, target: Path, key: str, cache: Path) -> bool:
    """Copy ``previous`` to ``target`` when its recorded key equals ``key``; record the key either way."""
    try:
        old = json.loads((previous.parent / WORKBOOK_CACHE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        old = {}
    try:
        keys = json.loads(cache.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        keys = {}
    keys[target.name] = key
    files.write_text_atomic(cache, to_json(keys))
    if old.get(target.name) == key and previous.is_file():
        shutil.copy2(previous, target)
        return True
    return False
