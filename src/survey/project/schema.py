"""JSON Schemas of survey.yml and of an instrument, for editors (``python -m survey.project.schema [DIR]``).

Generated from the typed models (:func:`survey.project.config.config_schema`,
:func:`survey.project.instruments.instrument_schema`); the committed copies in ``schema/``
are checked against them by the tests. docs/CONFIG.md tells how to point an
editor's YAML extension at them.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from survey.project.config import config_schema
from survey.project.instruments import instrument_schema

FILES = {"survey.schema.json": config_schema, "instrument.schema.json": instrument_schema}


def write_schemas(folder: Path) -> list[Path]:
    """Write both schemas into ``folder``; return their paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, build in FILES.items():
        path = folder / name
        path.write_text(json.dumps(build(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":  # pragma: no cover - a developer's command
    for path in write_schemas(Path(sys.argv[1] if len(sys.argv) > 1 else "schema")):
        print(f"wrote {path}")
