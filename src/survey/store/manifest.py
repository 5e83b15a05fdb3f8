"""The run manifest written beside the outputs (``output/<wave>/manifest.json``).

It records what a run read and with what: every input file with its size and
sha256, the digest of ``survey.yml``, the versions of the packages that shape the
numbers and figures, the command, the start and end time, and the validation
summary. With it, anyone can tell whether two sets of outputs came from the same
inputs, and :func:`changed_inputs` tells whether the inputs have changed since.

The manifest is the one output that differs between two runs on the same inputs
(its ``started``, ``finished`` and ``duration_seconds``); every other processed
file, figure and workbook is byte-identical.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import platform
from collections.abc import Mapping, Sequence
from importlib import metadata
from pathlib import Path

from survey.store.files import sha256_file

MANIFEST_VERSION = 1
PACKAGES = ("survey", "pandas", "numpy", "pyreadstat", "matplotlib", "openpyxl", "pandera", "scipy",
            "statsmodels")


def package_versions(names: Sequence[str] = PACKAGES) -> dict[str, str | None]:
    """The installed version of each package (None when it is not installed)."""
    return {name: _installed_version(name) for name in names}


@functools.lru_cache(maxsize=None)
def _installed_version(name: str) -> str | None:
    """A package's version, looked up once per process: the code this process runs does not change with a
    later installation."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def _timestamp(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(dt.timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def _shown_path(path: Path, root: Path | None) -> str:
    """The path relative to the project (never the user's home folder), else the file name."""
    if root is not None:
        try:
            return Path(path).resolve().relative_to(Path(root).resolve()).as_posix()
        except ValueError:
            pass
    return Path(path).name


def describe_input(path: Path, root: Path | None = None) -> dict:
    """Size and sha256 of one input file, with its project-relative path."""
    path = Path(path)
    return {"path": _shown_path(path, root), "bytes": path.stat().st_size, "sha256": sha256_file(path)}


def build_manifest(inputs: Mapping[str, Path], config_digest: str, command, started, finished,
                   validation_summary, *, root: Path | None = None) -> dict:
    """The manifest of one run, as a JSON-ready dict.

    ``inputs`` maps a label (``"raw/network"``, ``"survey.yml"``) to a file; its bytes
    are hashed now. ``command`` is a string or an argv list; ``started`` and
    ``finished`` are datetimes (naive ones are taken as UTC) or ISO strings.
    Paths are shown relative to ``root`` (the project folder) or as bare file names,
    so that no user's home folder ends up in a published output.
    """
    if not isinstance(command, str):
        command = " ".join(str(part) for part in command)
    duration = None
    if isinstance(started, dt.datetime) and isinstance(finished, dt.datetime):
        duration = round((finished - started).total_seconds(), 3)
    return {
        "manifest_version": MANIFEST_VERSION,
        "command": command,
        "started": _timestamp(started),
        "finished": _timestamp(finished),
        "duration_seconds": duration,
        "config_sha256": config_digest,
        "inputs": {label: describe_input(path, root) for label, path in sorted(inputs.items())},
        "packages": package_versions(),
        "python": platform.python_version(),
        "validation": validation_summary,
    }


def manifest_text(manifest: dict) -> str:
    """The manifest as stable, readable JSON text (sorted keys, UTF-8 kept, final newline)."""
    return json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n"


def changed_inputs(manifest: dict, inputs: Mapping[str, Path]) -> list[str]:
    """Labels of inputs whose bytes differ from the manifest's record (or that are new or gone)."""
    recorded = manifest.get("inputs", {})
    changed = []
    for label in sorted(set(recorded) | set(inputs)):
        path = inputs.get(label)
        if label not in recorded or path is None or not Path(path).is_file():
            changed.append(label)
        elif sha256_file(path) != recorded[label]["sha256"]:
            changed.append(label)
    return changed
