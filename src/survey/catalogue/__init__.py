"""The message catalogue: every user-facing word, one file per language.

The strings live in ``survey/catalogue/<lang>.yml`` (one key set for all languages);
:func:`text` fills their ``{placeholders}`` with values the caller has already
formatted with :mod:`survey.catalogue.fmt`. The languages are the files:
:data:`LANGUAGES` is every ``<lang>.yml`` here, Finnish first, the others in the order of
their ``language_order`` (then by code), so a new language is one new file.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from survey.errors import ConfigError

CATALOGUE_DIR = Path(__file__).resolve().parent
FALLBACK = "fi"  # the language every text exists in first; others fall back to it


_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the package's own files: libyaml's loader when built


@lru_cache(maxsize=None)
def _read(lang: str) -> dict:
    with open(CATALOGUE_DIR / f"{lang}.yml", encoding="utf-8") as handle:
        return yaml.load(handle, Loader=_SafeLoader) or {}


def _languages() -> tuple[str, ...]:
    """The catalogue files' languages: Finnish first, then by ``language_order`` and code."""
    codes = [p.stem for p in CATALOGUE_DIR.glob("*.yml")]
    order = {code: (code != FALLBACK, _read(code).get("language_order", 99), code) for code in codes}
    return tuple(sorted(codes, key=order.__getitem__))


LANGUAGES = _languages()


def unknown_language(lang: object) -> str:
    """The message for a language no catalogue file has."""
    return f"unknown report language '{lang}' (use {', '.join(LANGUAGES)})"


@lru_cache(maxsize=None)
def load(lang: str = FALLBACK) -> dict:
    """All strings of one language, read once from ``<lang>.yml``."""
    if lang not in LANGUAGES:
        raise ConfigError(unknown_language(lang))
    return _read(lang)  # read once (LANGUAGES read every file already)


def text(key: str, lang: str = FALLBACK, **values) -> str:
    """One string in ``lang`` with its placeholders filled; Finnish if ``lang`` lacks it."""
    strings = load(lang)
    template = strings.get(key)
    if template is None:
        template = load(FALLBACK).get(key)
    if template is None:
        raise KeyError(f"no label '{key}'")
    return str(template).format(**values) if values else str(template)


def pick(mapping: dict | None, lang: str = FALLBACK, default: str = "") -> str:
    """The ``lang`` entry of a ``{lang: text}`` mapping, else Finnish, else the first one."""
    if not mapping:
        return default
    if not isinstance(mapping, dict):
        return str(mapping)
    for key in (lang, FALLBACK):
        if mapping.get(key):
            return str(mapping[key])
    return str(next(iter(mapping.values())))


def has(key: str, lang: str = FALLBACK) -> bool:
    """Whether ``key`` is in ``lang``'s catalogue (or the Finnish one it falls back to)."""
    return key in load(lang) or key in load(FALLBACK)


def texts(key: str, **values) -> dict:
    """``{lang: text}`` of one key in every catalogue language, placeholders filled."""
    return {lang: text(key, lang, **values) for lang in LANGUAGES}


def lang_tag(lang: str) -> str:
    """The BCP 47 tag of a language, from its catalogue ``locale`` (``fi_FI`` -> ``fi-FI``)."""
    return str(load(lang).get("locale") or lang).replace("_", "-")
