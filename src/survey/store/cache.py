"""Reuse of the previous run's figures and workbooks whose inputs did not change."""

from __future__ import annotations

import hashlib
import json
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


def chart_code_digest() -> str:
    """A digest of everything besides a result that can change a chart or a workbook.

    Every source file of the package (charts, labels, formatting, the analysis
    words, test names ...), every package data file (label catalogues, default
    instruments) and the versions of Python and of the packages that render,
    format and write (:data:`ARTEFACT_PACKAGES`, matplotlib among them). A change
    to any of them redraws every figure and rewrites every workbook.
    """
    digest = hashlib.sha256()
    root = config.PACKAGE_DIR
    for file in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in (".py", ".yml", ".yaml", ".json")
                       and "__pycache__" not in p.parts):
        digest.update(file.relative_to(root).as_posix().encode("utf-8") + b"\0")
        digest.update(file.read_bytes() + b"\0")
    digest.update(to_json(package_versions()).encode("utf-8"))
    return digest.hexdigest()


def chart_texts(result: Result, languages: tuple[str, ...], sources: dict) -> dict:
    """The texts a result's charts print that are not in the result: the dataset's name per language."""
    return {"source": {lang: sources.get(result.dataset, {}).get(lang, "") for lang in languages}}


def figure_key(result: Result, languages: tuple[str, ...], wave_label: str, synthetic: bool, code: str,
               texts: dict | None = None) -> str:
    """What a result's figure files depend on; equal keys give identical files.

    ``texts``: the words the charts print besides the result's own (:func:`chart_texts`:
    instrument titles in the footers); ``code``: :func:`chart_code_digest` and the theme.
    """
    text = to_json({"result": result.to_dict(), "languages": list(languages), "wave_label": wave_label,
                    "synthetic": synthetic, "code": code, "texts": texts})
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


FIGURE_CACHE = ".figure-keys.json"


def reuse_figures(results: list[Result], previous: Path, folder: Path, keys: dict) -> list[Result]:
    """Copy the previous run's figures whose key is unchanged into ``folder``; return the rest."""
    try:
        old = json.loads((previous / FIGURE_CACHE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        old = {}
    todo = []
    for result in results:
        sources = sorted(previous.glob(f"{result.id}.*")) if old.get(result.id) == keys[result.id] else []
        sources = [p for p in sources if p.name.split(".")[0] == result.id.split(".")[0]
                   and p.name[len(result.id)] == "."]
        if sources:
            for source in sources:
                shutil.copy2(source, folder / source.name)
        else:
            todo.append(result)
    return todo


WORKBOOK_CACHE = ".workbook-keys.json"


def workbook_key(results: list[Result], lang: str, wave_label: str, synthetic: bool, code: str,
                 texts: dict | None = None) -> str:
    """What a tables workbook depends on; equal keys give identical bytes.

    ``code``: :func:`chart_code_digest` (package code, catalogues, package versions);
    ``texts``: anything else the workbook prints (e.g. the organisation's contact).
    """
    digest = hashlib.sha256()
    for result in results:
        digest.update(to_json(result.to_dict()).encode("utf-8"))
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
