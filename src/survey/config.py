"""Paths and project configuration: the one place that builds paths.

Every path is anchored on the project root, found from this package's location
(``src/survey/config.py`` -> two levels up), or from ``SURVEY_PROJECT`` when set
(tests and analysts working on a copy). Nothing depends on the working directory.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from survey.errors import ConfigError
from survey.paths import Paths  # noqa: F401 - re-exported: Paths lives in survey.paths (h19)

PACKAGE_DIR = Path(__file__).resolve().parent
INSTRUMENTS_DIR = PACKAGE_DIR / "instruments"
DATASETS = ("associations", "staff", "interviews", "network")
LANGUAGES = ("fi", "sv", "en")


def project_root() -> Path:
    """The project folder: ``$SURVEY_PROJECT`` or the checkout this package lives in."""
    env = os.environ.get("SURVEY_PROJECT")
    if env:
        return Path(env).resolve()
    return PACKAGE_DIR.parents[1]


@dataclass(frozen=True)
class DatasetSpec:
    """One dataset file of one wave, and how its raw columns map onto the instrument."""

    name: str
    file: str
    format: str = "auto"
    sheet: str | None = None
    mapping: dict = field(default_factory=dict)
    keep_identifiers: bool = False


@dataclass(frozen=True)
class Wave:
    id: str
    label: str
    synthetic: bool
    datasets: dict
    compare_to: str | None = None
    population: dict = field(default_factory=dict)
    cleaning: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Project:
    organisation: str
    languages: tuple[str, ...]
    min_group_size: int
    merge_small_groups: bool
    waves: tuple[Wave, ...]
    colors: dict = field(default_factory=dict)
    logo: str | None = None
    redact_names: tuple[str, ...] = ()
    triangulation: dict = field(default_factory=dict)
    cleared_quotes: tuple[str, ...] = ()
    paths: Paths = field(default_factory=lambda: Paths(project_root()))
    digest: str = ""

    @property
    def language(self) -> str:
        return self.languages[0]

    def wave(self, wave_id: str | None = None) -> Wave:
        """The declared wave with this id, or the newest declared one."""
        if wave_id is None:
            return self.waves[-1]
        for wave in self.waves:
            if wave.id == wave_id:
                return wave
        known = ", ".join(w.id for w in self.waves)
        raise ConfigError(f"wave '{wave_id}' is not declared in survey.yml (declared: {known})",
                          file=str(self.paths.config_file))


def load_project(root: Path | None = None) -> Project:
    """Read ``survey.yml`` into a :class:`Project`; raise ConfigError naming what is wrong."""
    paths = Paths(Path(root).resolve() if root else project_root())
    file = paths.config_file
    if not file.is_file():
        raise ConfigError(f"no survey.yml found in {paths.root}", file=str(file))
    text = file.read_bytes()
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"survey.yml is not valid YAML: {exc}", file=str(file)) from None
    return parse_project(data, paths, digest=hashlib.sha256(text).hexdigest())


CLEANING_CHOICES = {"duplicates": ("error", "keep-first"), "invalid_values": ("error", "missing")}


def _cleaning(raw: dict, wave_id: str, file: str) -> dict:
    """The wave's recorded cleaning decisions, each checked against its allowed values."""
    for key, value in raw.items():
        if key not in CLEANING_CHOICES or value not in CLEANING_CHOICES[key]:
            allowed = "; ".join(f"{k}: {' | '.join(v)}" for k, v in CLEANING_CHOICES.items())
            raise ConfigError(f"wave '{wave_id}': unknown cleaning setting {key}: {value} (allowed: {allowed})",
                              file=file)
    return dict(raw)


def parse_project(data: dict, paths: Paths, digest: str = "") -> Project:
    """Build a :class:`Project` from parsed YAML, checking every required key."""
    file = str(paths.config_file)
    if not isinstance(data, dict):
        raise ConfigError("survey.yml must be a mapping of settings", file=file)
    org = data.get("organisation") or {}
    languages = tuple(data.get("languages") or ("fi",))
    for lang in languages:
        if lang not in LANGUAGES:
            raise ConfigError(f"unknown report language '{lang}' (use {', '.join(LANGUAGES)})", file=file)
    disclosure = data.get("disclosure") or {}
    threshold = disclosure.get("min_group_size", 5)
    if not isinstance(threshold, int) or threshold < 1:
        raise ConfigError("disclosure.min_group_size must be a whole number of at least 1", file=file,
                          value=threshold)
    waves = []
    for i, raw in enumerate(data.get("waves") or []):
        if not isinstance(raw, dict) or "id" not in raw:
            raise ConfigError(f"waves[{i}] needs an 'id'", file=file)
        datasets = {}
        for name, spec in (raw.get("datasets") or {}).items():
            if name not in DATASETS:
                raise ConfigError(f"wave '{raw['id']}': unknown dataset '{name}' (use {', '.join(DATASETS)})",
                                  file=file)
            if isinstance(spec, str):
                spec = {"file": spec}
            if not spec.get("file"):
                raise ConfigError(f"wave '{raw['id']}', dataset '{name}': 'file' is missing", file=file)
            datasets[name] = DatasetSpec(
                name=name, file=spec["file"], format=spec.get("format", "auto"), sheet=spec.get("sheet"),
                mapping=spec.get("mapping") or {}, keep_identifiers=bool(spec.get("keep_identifiers", False)))
        waves.append(Wave(id=str(raw["id"]), label=str(raw.get("label", raw["id"])),
                          synthetic=bool(raw.get("synthetic", False)), datasets=datasets,
                          compare_to=raw.get("compare_to"), population=raw.get("population") or {},
                          cleaning=_cleaning(raw.get("cleaning") or {}, raw["id"], file)))
    if not waves:
        raise ConfigError("survey.yml declares no waves", file=file)
    ids = [w.id for w in waves]
    for wave in waves:
        if wave.compare_to and wave.compare_to not in ids:
            raise ConfigError(f"wave '{wave.id}' compares to undeclared wave '{wave.compare_to}'", file=file)
    redaction = data.get("redaction") or {}
    return Project(
        organisation=str(org.get("name", "")),
        colors=dict(org.get("colors") or {}),
        logo=org.get("logo"),
        languages=languages,
        min_group_size=threshold,
        merge_small_groups=bool(disclosure.get("merge_small_groups", False)),
        waves=tuple(waves),
        redact_names=tuple(redaction.get("names") or ()),
        triangulation=dict(data.get("triangulation") or {}),
        cleared_quotes=tuple(data.get("cleared_quotes") or ()),
        paths=paths,
        digest=digest,
    )
