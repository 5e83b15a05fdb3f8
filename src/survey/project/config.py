"""Paths and project configuration: the one place that builds paths.

A project is a folder holding ``survey.yml`` (the datasets, the waves and the rules),
``instruments/<dataset>.yml`` (the questionnaires), ``data/raw/<wave>/`` (the exports)
and optionally ``reports/`` (its own texts). The project is found as git finds its
repository: ``--project DIR`` (:func:`use_project`), else ``$SURVEY_PROJECT``, else
the nearest folder upwards from the working directory that holds a ``survey.yml``.

``survey.yml`` is parsed into typed models (pydantic, unknown keys refused) by
:func:`load_project`; every error is one sentence naming the file, the line, the key
and, for a misspelt key, the closest known one. The JSON Schema of the file is
:func:`config_schema` (committed as ``schema/survey.schema.json``).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal, Union

from pydantic import BeforeValidator, Field, StrictBool, StrictFloat, StrictInt

from survey.errors import ConfigError
from survey.project import safe_yaml
from survey.project.instruments import Instrument, read_instrument
from survey.project.models import (LANGUAGES, Lang, Name, ProjectFile, RelativeFile, Strict, Text, _plain_name,
                                   closest, escape, parse_model)
from survey.project.paths import Paths

PACKAGE_DIR = Path(__file__).resolve().parents[1]  # the survey package
CONFIG_FILE = "survey.yml"
KINDS = ("survey", "interviews")

_ACTIVE: list[Path] = []


# --- finding the project ------------------------------------------------------------------------

def find_project(start: Path | None = None) -> Path | None:
    """The nearest folder at or above ``start`` (default: the working directory) holding survey.yml."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_FILE).is_file():
            return folder
    return None


def use_project(root: Path | None) -> None:
    """Make ``root`` the current project of this process (``--project DIR``); None forgets it."""
    _ACTIVE.clear()
    if root is not None:
        _ACTIVE.append(Path(root).resolve())


def project_root() -> Path:
    """The current project folder: ``--project``, ``$SURVEY_PROJECT``, or the nearest one upwards.

    Raises ConfigError (one sentence) when there is none.
    """
    if _ACTIVE:
        return _ACTIVE[0]
    env = os.environ.get("SURVEY_PROJECT")
    if env:
        return Path(env).resolve()
    found = find_project()
    if found is None:
        raise ConfigError(f"no survey project here: no {CONFIG_FILE} in {Path.cwd()} or any folder above it; "
                          "give --project DIR or create one with `survey init DIR`")
    return found


# --- survey.yml ----------------------------------------------------------------------------------

class Organisation(Strict):
    """Who the report is for: the name on every output, the brand colour and logo."""

    name: Text = Field("", description="The municipality's or organisation's name, shown on every output.")
    colors: dict[str, Text] = Field(default_factory=dict,
                                    description="Brand colours, e.g. primary: '#0B4F8A' (charts use it).")
    logo: ProjectFile | None = Field(None, description="A PNG logo, relative to the project folder.")
    contact: Text | None = Field(None, description="A contact line shown on the workbook cover.")


class Disclosure(Strict):
    """The disclosure-control rule: small groups are never shown."""

    min_group_size: StrictInt = Field(5, ge=1, description=(
        "A group (a background group of a breakdown, respondents without a background value, an interview "
        "division or role) is shown only when it has at least this many respondents and at least this many of "
        "them answered the question; a smaller group is hidden everywhere, together with enough others that its "
        "size and answers cannot be worked out (or merged into 'Muut' with merge_small_groups). Inside a shown "
        "group a count below it is shown (cells 1–4 with the default 5, for example 2 of 12): a percentage "
        "always rests on at least this many answers. A whole number, at least 1."))
    merge_small_groups: StrictBool = Field(False, description="true: merge small groups into 'muut' (other) "
                                                              "instead of suppressing them.")


class Redaction(Strict):
    """Personal data masked in open answers and quotes."""

    names: list[Text] = Field(default_factory=list, description="Names masked in open answers and quotes, "
                                                                "besides the export's own name columns.")


class Statistics(Strict):
    """How significance tests are adjusted for multiple testing."""

    alpha: StrictFloat = Field(0.05, gt=0, lt=1, description="Significance level of every test.")
    family: Literal["dataset", "question"] = Field(
        "dataset", description="The family whose p-values are adjusted together: dataset (per dataset and "
                               "wave) or question.")


class Figures(Strict):
    """Which chart files a run draws."""

    formats: list[Literal["png", "svg"]] = Field(
        default_factory=lambda: ["png"], min_length=1,
        description="Picture formats: png (what the report, the slides and the decks read; always written) and "
                    "svg (the slide charts with their labels as real text, for the presenter to edit).")
    charts: Literal["shown", "all"] = Field(
        "shown", description="shown: the charts the slides and the decks show, and those the report shows when "
                             "the run renders it; all: every chart at both sizes (report and slide) in every run.")


class DatasetEntry(Strict):
    """One dataset of the project: its kind and its instrument (questionnaire or codebook)."""

    kind: Literal["survey", "interviews"] = Field(
        "survey", description="survey: a questionnaire export; interviews: coded interviews (.qdpx or a "
                              "coding sheet).")
    instrument: ProjectFile | None = Field(None, description="The instrument file, relative to the project "
                                                             "(default instruments/<id>.yml).")


@dataclass(frozen=True)
class DatasetDecl:
    """A declared dataset: its id, kind and instrument file (report order = declaration order)."""

    id: str
    kind: str
    instrument_file: Path

    @property
    def is_interviews(self) -> bool:
        return self.kind == "interviews"


def _reworded(value: Any) -> Any:
    if isinstance(value, list):  # the list form: question ids whose wording changed
        return {qid: {} for qid in value}
    return value


QuestionId = Annotated[str, BeforeValidator(_plain_name)]


class Mapping(Strict):
    """How one wave's export maps onto the instrument (only what differs from it)."""

    def get(self, key: str, default: Any = None) -> Any:
        """Dict-style access (``mapping.get("columns")``) for code written before the typed model."""
        value = getattr(self, key, None)
        return value if value else default

    columns: dict[Text, QuestionId] = Field(
        default_factory=dict, description="Raw header -> question id, for headers that differ from the "
                                          "instrument's text.")
    options: dict[QuestionId, dict[Text, Union[StrictInt, Text, None]]] = Field(
        default_factory=dict, description="Question id -> {raw answer label: instrument code}, for answers "
                                          "written differently in this wave; null reads that answer as missing "
                                          "(reported, row by row).")
    dropped: list[QuestionId] = Field(default_factory=list,
                                      description="Questions of the instrument this wave did not ask.")
    codes: dict[Text, Name] = Field(
        default_factory=dict, description="(interviews) The export's name of a code, theme, division or role -> "
                                          "the codebook's id, for names this wave's QDA project writes "
                                          "differently.")
    ignore: list[Text] = Field(default_factory=list,
                               description="Raw headers of this wave's export that are not analysed.")
    reworded: Annotated[dict[QuestionId, dict[Lang, Text]], BeforeValidator(_reworded)] = Field(
        default_factory=dict, json_schema_extra={"anyOf": [
            {"type": "array", "items": {"type": "string"}},
            {"type": "object", "additionalProperties": {"type": "object", "additionalProperties": False,
                                                        "properties": {k: {"type": "string"}
                                                                       for k in LANGUAGES}}}]},
        description="Questions whose wording changed in this wave: {id: {fi: text as asked}} (or a list of "
                    "ids). They are not compared with earlier waves, and this wave's outputs show this "
                    "wording.")


def _dataset_shorthand(value: Any) -> Any:
    return {"file": value} if isinstance(value, (str, int, float)) and not isinstance(value, bool) else value


class WaveDataset(Strict):
    """One dataset's export in one wave."""

    file: RelativeFile = Field(description="The export's file name inside data/raw/<wave>/.")
    format: Text = Field("auto", description="auto (recognised from the file) or a reader's format name.")
    sheet: Text | None = Field(None, description="The xlsx sheet to read (default: the first).")
    mapping: Mapping = Field(default_factory=Mapping, description="How this export differs from the instrument.")
    keep_identifiers: StrictBool = Field(False, description="true: keep identifier columns (names, e-mails); "
                                                            "normally they are dropped.")


class Cleaning(Strict):
    """Recorded decisions about problems the data is known to have."""

    duplicates: Literal["error", "keep-first"] = Field(
        "error", description="Duplicated respondent ids: error, or keep-first (report the rest).")
    invalid_values: Literal["error", "missing"] = Field(
        "error", description=(
            "Values that cannot be an answer (an unlabelled number outside a question's codes, a number outside "
            "min..max, a text in a numeric question, a multi-select cell other than 1/blank, a multi-select answer "
            "breaking exclusive or max_choices): error, or missing (reported row by row). An answer label the "
            "instrument does not have is never covered: it is a new option (add it with added_in:, or map it with "
            "mapping: options:, null to read it as missing)."))


class WaveEntry(Strict):
    """One wave: a survey round whose exports sit in data/raw/<id>/."""

    id: Name = Field(description="The wave id, also its folder name under data/raw/.")
    label: Union[Text, dict[Lang, Text]] | None = Field(
        None, description="The wave's name in outputs: a text, or {fi:, sv:, en:}.")
    synthetic: StrictBool = Field(False, description="true: the data is synthetic; every output says so.")
    compare_to: Name | None = Field(None, description="An earlier wave's id to compare with.")
    population: dict[Name, Annotated[StrictInt, Field(ge=0)]] = Field(
        default_factory=dict, description="Dataset id -> how many were invited (for response rates).")
    cleaning: Cleaning = Field(default_factory=Cleaning, description="Decisions about known data problems.")
    datasets: dict[Name, Annotated[WaveDataset, BeforeValidator(_dataset_shorthand)]] = Field(
        description="Dataset id -> its export (a file name, or file: with mapping:).", min_length=1)


def _languages(value: Any) -> Any:
    if isinstance(value, str):
        raise ValueError(f"must be a list, e.g. languages: [{escape(value)}]")
    return value


class SurveyConfig(Strict):
    """survey.yml: the project's declarative configuration."""

    organisation: Organisation = Field(default_factory=Organisation, description="Who the report is for.")
    languages: Annotated[list[Lang], BeforeValidator(_languages), Field(min_length=1)] = Field(
        default_factory=lambda: ["fi"], description="Report languages, the first is the default: [fi], [fi, sv].")
    disclosure: Disclosure = Field(default_factory=Disclosure, description="The disclosure-control rule.")
    redaction: Redaction = Field(default_factory=Redaction, description="Personal data masked in texts.")
    statistics: Statistics = Field(default_factory=Statistics, description="Significance level and family.")
    figures: Figures = Field(default_factory=Figures, description="Which chart files a run draws.")
    cleared_quotes: list[Text] = Field(default_factory=list,
                                       description="Interview quote ids cleared for the report.")
    triangulation: dict[Name, dict[Name, Any]] = Field(
        default_factory=dict, description="Development-plan theme -> {dataset id: {question:, codes:}, "
                                          "<interviews id>: theme code}; overrides the codebook's defaults.")
    datasets: dict[Name, DatasetEntry] = Field(
        default_factory=dict, description="The project's datasets in report order: id -> {kind:, instrument:}.")
    waves: list[WaveEntry] = Field(default_factory=list, description="The survey rounds, oldest first.")


# --- runtime objects -----------------------------------------------------------------------------

class DatasetSpec(WaveDataset):
    """One dataset file of one wave, and how its raw columns map onto the instrument.

    ``wave_order`` is every wave id of survey.yml, oldest first, so that the normaliser
    knows whether this wave comes before a question's or option's ``added_in``.
    """

    name: Text = ""
    wave_order: tuple[str, ...] = ()


@dataclass(frozen=True)
class Wave:
    id: str
    label: str
    synthetic: bool
    datasets: dict
    compare_to: str | None = None
    population: dict = field(default_factory=dict)
    cleaning: dict = field(default_factory=dict)
    labels: dict = field(default_factory=dict)

    def label_in(self, lang: str) -> str:
        """The wave's label in ``lang`` (the first language's when it has none)."""
        return self.labels.get(lang) or self.label


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
    datasets: dict = field(default_factory=dict)
    statistics: Statistics = field(default_factory=Statistics)
    contact: str | None = None
    figures: Figures = field(default_factory=Figures)

    @property
    def language(self) -> str:
        return self.languages[0]

    def wave(self, wave_id: str | None = None) -> Wave:
        """The declared wave with this id, or the newest declared one."""
        if wave_id is None:
            if not self.waves:
                raise ConfigError("survey.yml declares no waves: there is nothing to run yet; put an export in "
                                  "data/raw/<wave>/ and declare the wave (see `survey draft --wave`)",
                                  file=str(self.paths.config_file))
            return self.waves[-1]
        for wave in self.waves:
            if wave.id == wave_id:
                return wave
        known = ", ".join(w.id for w in self.waves) or "none"
        raise ConfigError(f"wave '{escape(wave_id)}' is not declared in survey.yml (declared: {known})",
                          file=str(self.paths.config_file))

    def dataset(self, dataset_id: str) -> DatasetDecl:
        try:
            return self.datasets[dataset_id]
        except KeyError:
            known = ", ".join(self.datasets) or "none"
            raise ConfigError(f"dataset '{escape(dataset_id)}' is not declared under datasets: (declared: "
                              f"{known})", file=str(self.paths.config_file)) from None

    def instrument_file(self, dataset_id: str) -> Path:
        """The instrument file of a declared dataset (default ``instruments/<id>.yml``)."""
        return self.dataset(dataset_id).instrument_file

    def instrument(self, dataset_id: str) -> Instrument:
        """The dataset's :class:`~survey.project.instruments.Instrument`, read from the project."""
        return read_instrument(self.instrument_file(dataset_id), dataset=dataset_id)

    def kind(self, dataset_id: str) -> str:
        return self.dataset(dataset_id).kind

    def instruments(self) -> dict[str, Instrument]:
        """Every declared dataset's instrument, by dataset id (in report order)."""
        return {dataset_id: self.instrument(dataset_id) for dataset_id in self.datasets}

    def dataset_title(self, dataset_id: str, lang: str) -> str:
        """The dataset's name in ``lang`` (its instrument's title, else the Finnish one); '' when undeclared."""
        if dataset_id not in self.datasets:
            return ""
        title = self.instrument(dataset_id).title
        return title.get(lang) or title.get("fi", "")


# --- loading -------------------------------------------------------------------------------------

_CACHE: dict[tuple[str, str], Project] = {}


def load_project(root: Path | None = None) -> Project:
    """Read ``survey.yml`` into a :class:`Project`; raise ConfigError naming what is wrong.

    ``root`` None: the current project (see :func:`project_root`).
    """
    paths = Paths(Path(root).resolve() if root else project_root())
    file = paths.config_file
    if not file.is_file():
        raise ConfigError(f"no {CONFIG_FILE} found in {paths.root}; create a project with `survey init DIR`",
                          file=str(file))
    data, located, raw = safe_yaml.load(file)
    digest = hashlib.sha256(raw).hexdigest()
    key = (str(paths.root), digest)
    if key not in _CACHE:
        _CACHE[key] = parse_project(data, paths, digest=digest, located=located)
    return _CACHE[key]


def parse_project(data: Any, paths: Paths, digest: str = "", located: safe_yaml.Located | None = None) -> Project:
    """Build a :class:`Project` from parsed YAML, checking every key and value."""
    file = str(paths.config_file)
    located = located or safe_yaml.Located(None)
    if data is None or data == {}:   # validate and run refuse it alike (exit 2), with the same sentence
        raise ConfigError(f"{CONFIG_FILE} is empty: it names no organisation, languages, datasets or waves, so "
                          "there is nothing to validate or run; write it with `survey init DIR` (see "
                          "docs/CONFIG.md)", file=file)
    config: SurveyConfig = parse_model(SurveyConfig, data, located, file)
    datasets = _declared_datasets(config, paths, located, file)
    waves = []
    seen: set[str] = set()
    order = tuple(w.id for w in config.waves)   # oldest first, as survey.yml lists them
    for i, raw in enumerate(config.waves):
        where = located.line(("waves", i, "id"))
        at = f"line {where}: " if where else ""
        if raw.id in seen:
            raise ConfigError(f"{at}wave '{raw.id}' is declared twice; give each wave its own id", file=file)
        seen.add(raw.id)
        specs = {}
        for name, spec in raw.datasets.items():
            if name not in datasets:
                line = located.line(("waves", i, "datasets", name))
                raise ConfigError(f"{'line %d: ' % line if line else ''}wave '{raw.id}' uses dataset '{name}', which "
                                  f"is not declared under datasets:{closest(name, datasets)}", file=file)
            specs[name] = DatasetSpec(name=name, wave_order=order, **spec.model_dump())
        for name in raw.population:
            if name not in datasets:
                line = located.line(("waves", i, "population", name))
                raise ConfigError(f"{'line %d: ' % line if line else ''}population names dataset '{name}', which "
                                  f"is not declared{closest(name, datasets)}", file=file)
        ordered = {name: specs[name] for name in datasets if name in specs}
        labels = raw.label if isinstance(raw.label, dict) else (
            {lang: raw.label for lang in config.languages} if raw.label else {})
        first = labels.get(config.languages[0]) or labels.get("fi") or next(iter(labels.values()), raw.id)
        waves.append(Wave(id=raw.id, label=str(first), synthetic=raw.synthetic, datasets=ordered,
                          compare_to=raw.compare_to, population=dict(raw.population),
                          cleaning=raw.cleaning.model_dump(exclude_defaults=True), labels=dict(labels)))
    for i, wave in enumerate(waves):
        if wave.compare_to and wave.compare_to not in seen:
            line = located.line(("waves", i, "compare_to"))
            raise ConfigError(f"{'line %d: ' % line if line else ''}wave '{wave.id}' compares to undeclared wave "
                              f"'{wave.compare_to}'{closest(wave.compare_to, seen)}", file=file)
        if wave.compare_to == wave.id:
            raise ConfigError(f"wave '{wave.id}' cannot be compared to itself", file=file)
    return Project(
        organisation=config.organisation.name,
        colors=dict(config.organisation.colors),
        logo=config.organisation.logo,
        contact=config.organisation.contact,
        languages=tuple(dict.fromkeys(config.languages)),
        min_group_size=config.disclosure.min_group_size,
        merge_small_groups=config.disclosure.merge_small_groups,
        waves=tuple(waves),
        redact_names=tuple(config.redaction.names),
        triangulation={k: dict(v) for k, v in config.triangulation.items()},
        cleared_quotes=tuple(config.cleared_quotes),
        paths=paths,
        digest=digest,
        datasets=datasets,
        statistics=config.statistics,
        figures=config.figures,
    )


def _declared_datasets(config: SurveyConfig, paths: Paths, located: safe_yaml.Located, file: str) -> dict:
    """``datasets:`` in order, each knowing its id; without ``datasets:``, those the waves name.

    Without a ``datasets:`` section (older projects), each dataset a wave names is
    declared with its default instrument, and its kind read from that instrument
    (a codebook with ``themes:`` is interviews).
    """
    if config.datasets:
        return {name: DatasetDecl(id=name, kind=entry.kind,
                                  instrument_file=paths.project_file(entry.instrument or f"instruments/{name}.yml",
                                                                     "instrument"))
                for name, entry in config.datasets.items()}
    out: dict[str, DatasetDecl] = {}
    for i, wave in enumerate(config.waves):
        for name in wave.datasets:
            if name not in out:
                instrument = paths.project_file(f"instruments/{name}.yml", "instrument")
                if not instrument.is_file():
                    line = located.line(("waves", i, "datasets", name))
                    raise ConfigError(f"{'line %d: ' % line if line else ''}wave '{wave.id}' uses dataset '{name}', "
                                      "which is not declared under datasets: and has no instruments/"
                                      f"{name}.yml", file=file)
                kind = "survey"
                try:
                    head, _, _ = safe_yaml.load(instrument)
                    kind = "interviews" if isinstance(head, dict) and head.get("themes") else "survey"
                except ConfigError:
                    pass  # reported when the instrument is read
                out[name] = DatasetDecl(id=name, kind=kind, instrument_file=instrument)
    return out


def config_schema() -> dict:
    """The JSON Schema of survey.yml (for editors), generated from :class:`SurveyConfig`."""
    schema = SurveyConfig.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "survey.yml"
    return schema
