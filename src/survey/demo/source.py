"""Where the demo generators read their questionnaires: the project they write into.

The package ships no questionnaire; :func:`instrument` reads ``instruments/<id>.yml``
of the project given by :func:`reading_from` (``generate_wave`` sets it to the
project it writes into), else of the current project.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

from survey.errors import ConfigError
from survey.project.config import load_project

_ROOTS: list[Path] = []


@contextmanager
def reading_from(root: Path):
    """Within the block, the demo generators read the instruments of the project at ``root``."""
    _ROOTS.append(Path(root).resolve())
    try:
        yield
    finally:
        _ROOTS.pop()


def instrument(dataset: str):
    """The instrument of ``dataset`` in the project being generated (or the current project)."""
    project = load_project(_ROOTS[-1] if _ROOTS else None)
    if dataset not in project.datasets:
        raise ConfigError(f"the demo needs the dataset '{dataset}' (instruments/{dataset}.yml) in the project it "
                          "writes into; run `survey demo` in the demo project (the repository root)",
                          file=str(project.paths.config_file))
    return project.instrument(dataset)
