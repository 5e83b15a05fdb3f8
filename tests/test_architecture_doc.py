"""docs/ARCHITECTURE.md names files that exist: the recipes of "Where a change goes" and the stage table."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")


def _section(title: str) -> str:
    start = DOC.index(f"### {title}")
    end = DOC.find("\n### ", start + 1)
    return DOC[start:end if end > 0 else len(DOC)]


def _files(text: str) -> list[str]:
    """Backticked repository paths (``src/…``, ``tests/…``, ``schema/…``), without placeholders."""
    return [f for f in re.findall(r"`((?:src|tests|schema|docs)/[^`\s]+)`", text) if "<" not in f]


def test_the_four_recipes_are_there_and_name_existing_files():
    for title in ("A new chart type", "A new export format", "A new language", "A new questionnaire"):
        section = _section(title)
        for file in _files(section):
            assert (ROOT / file).is_file(), f"{title}: {file}"
    assert len(_files(_section("A new chart type"))) >= 6


def test_every_stage_module_named_in_the_doc_exists():
    for module in set(re.findall(r"`(survey(?:\.\w+)+)`", DOC)):
        parts = module.split(".")
        for end in range(len(parts), 0, -1):  # a module, or a name inside one
            base = ROOT / "src" / Path(*parts[:end])
            if base.with_suffix(".py").is_file() or (base / "__init__.py").is_file():
                break
        else:
            raise AssertionError(f"{module} is not a module of the package")
    for folder in ("project", "ingest", "prepare", "analysis", "kinds", "artefacts", "report", "catalogue", "store"):
        assert f"{folder}/" in DOC and (ROOT / "src" / "survey" / folder / "__init__.py").is_file()
