"""Instruments: each dataset's questions declared once, with stable codes, in the project.

An instrument file (``instruments/<dataset>.yml`` in the project folder, named by
``datasets:`` in ``survey.yml``) lists questions with an id, a type, texts in
fi/sv/en and options with stable codes; an interview dataset's instrument is its
codebook (themes and codes). Waves map their raw headers onto these ids and codes
(see ``survey.prepare.normalise``). The package ships no questionnaire.

Files are parsed into typed models (pydantic, unknown keys refused, errors naming
the line); the JSON Schema is :func:`instrument_schema`
(``schema/instrument.schema.json``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal, Union

from pydantic import AfterValidator, BeforeValidator, Field, StrictBool, StrictFloat, StrictInt, model_validator

from survey.errors import ConfigError
from survey.project import safe_yaml
from survey.project.models import LANGUAGES, Lang, Name, Strict, Text, escape, parse_model

QUESTION_TYPES = ("single", "multi", "likert", "numeric", "text", "date")


def _code(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("is true/false: put the code in quotes (\"yes\", \"no\"), YAML reads yes/no as true/false")
    return value


Code = Annotated[Union[StrictInt, Text], BeforeValidator(_code)]
Number = Union[StrictInt, StrictFloat]


def _needs_fi(value: dict) -> dict:
    if not value.get("fi"):
        raise ValueError("needs a Finnish text (fi:)")
    return value


Texts = Annotated[dict[Lang, Text], AfterValidator(_needs_fi)]
OptionalTexts = dict[Lang, Text]


class InstrumentOption(Strict):
    """One answer option: a stable code and its label in each language."""

    code: Code = Field(description="The stable code (kept in the data; a number or a text).")
    fi: Text = Field(description="The label in Finnish (as the export writes it).")
    sv: Text | None = Field(None, description="The label in Swedish.")
    en: Text | None = Field(None, description="The label in English.")
    added_in: Name | None = Field(None, description="The wave the option first appeared in: comparisons with "
                                                    "earlier waves say 'new option'.")

    @property
    def labels(self) -> dict:
        return {lang: getattr(self, lang, None) for lang in LANGUAGES if getattr(self, lang, None)}

    def label(self, lang: str = "fi") -> str:
        return self.labels.get(lang) or self.fi


class InstrumentQuestion(Strict):
    """One question: its id, type, texts, options and the roles it plays in the analysis."""

    id: Name = Field(description="The question id: the normal-form column, stable across waves.")
    type: Literal["single", "multi", "likert", "numeric", "text", "date"] = Field(
        description="single | multi | likert | numeric | text | date.")
    text: Texts = Field(description="The question as asked: {fi:, sv:, en:}; matched against the export's header.")
    slug: Name = Field("", description="The id in file names (default: the id with '-' for '_').")
    short: OptionalTexts = Field(default_factory=dict, description="A short label for charts and tables.")
    examples: OptionalTexts = Field(default_factory=dict,
                                    description="(multi) the label of the free-text box beside the options.")
    options: tuple[InstrumentOption, ...] = Field((), description="The answer options, in display order.")
    background: StrictBool = Field(False, description="A background question: other questions are broken "
                                                      "down by it (single choice).")
    theme: Name | None = Field(None, description="The development-plan theme (triangulation across datasets).")
    battery: Name | None = Field(None, description="(likert) the battery the item belongs to.")
    battery_text: OptionalTexts | None = Field(None, description="(likert) the battery's common question.")
    scale: list[Code] = Field(default_factory=list, description="(likert) scale codes in order, most positive "
                                                                "last.")
    dont_know: Code | None = Field(None, description="(likert) the code of 'En osaa sanoa' (kept, not in %).")
    missing: list[Code] = Field(default_factory=list, description="User-missing codes meaning 'no answer'.")
    agree: list[Code] = Field(default_factory=list, description="(likert) codes counted as agreeing "
                                                                "(default: the top two).")
    dont_know_option: Code | None = Field(None, description="(single) the code of an 'En osaa sanoa' option.")
    min: Number | None = Field(None, description="(numeric) smallest plausible value.")
    max: Number | None = Field(None, description="(numeric) largest plausible value.")
    exclusive: list[Code] = Field(default_factory=list, description="(multi) options that exclude the others.")
    max_choices: Annotated[StrictInt, Field(ge=1)] | None = Field(
        None, description="(multi) at most this many options could be chosen.")
    spss: Union[Text, dict[Code, Text]] | None = Field(
        None, description="The SPSS variable name (multi: option code -> variable).")
    added_in: Name | None = Field(None, description="The wave the question was first asked in.")
    added_options: dict[Text, Name] = Field(default_factory=dict,
                                            description="Option code -> the wave it first appeared in (the same "
                                                        "as the option's added_in).")
    chart: Literal["auto", "none"] = Field("auto", description="auto: the chart of its type; none: a table only.")
    ordered: StrictBool = Field(False, description="(single) the options have a natural order (a size class, a "
                                                   "frequency): charts and tables keep it instead of sorting by share.")

    @model_validator(mode="before")
    @classmethod
    def _default_slug(cls, data: Any) -> Any:
        if isinstance(data, dict) and not data.get("slug") and isinstance(data.get("id"), str):
            data = {**data, "slug": data["id"].replace("_", "-")}
        return data

    @model_validator(mode="after")
    def _check(self) -> "InstrumentQuestion":
        codes = [str(o.code) for o in self.options]
        twice = sorted({c for c in codes if codes.count(c) > 1})
        if twice:
            raise ValueError(f"question '{self.id}' has option code {', '.join(twice)} more than once")
        if self.type in ("single", "multi", "likert") and not self.options:
            raise ValueError(f"question '{self.id}' ({self.type}) needs options")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"question '{self.id}': min is larger than max")
        return self

    def label(self, lang: str = "fi") -> str:
        return self.text.get(lang) or self.text["fi"]

    def short_label(self, lang: str = "fi") -> str:
        return self.short.get(lang) or self.label(lang)

    def option_labels(self, lang: str = "fi") -> dict:
        return {o.code: o.label(lang) for o in self.options}

    def option_column(self, code) -> str:
        """Normal-form column of one multi-select option."""
        return f"{self.id}__{code}"

    @property
    def answered_column(self) -> str:
        return f"{self.id}__answered"


class CodedLabel(Strict):
    """A code with its labels (a division, a role, a development-plan theme, an interview code)."""

    code: Name = Field(description="The stable code.")
    fi: Text = Field(description="The label in Finnish.")
    sv: Text | None = Field(None, description="The label in Swedish.")
    en: Text | None = Field(None, description="The label in English.")


class Theme(CodedLabel):
    """An interview theme (a parent code) and its codes."""

    plan_theme: Name | None = Field(None, description="The development-plan theme it speaks to.")
    codes: list[CodedLabel] = Field(default_factory=list, description="The theme's codes.")


class Chapter(Strict):
    """The dataset's report chapter: its title and an introduction."""

    title: OptionalTexts = Field(default_factory=dict, description="The chapter title (default: the "
                                                                   "instrument's title).")
    intro: OptionalTexts = Field(default_factory=dict, description="A paragraph opening the chapter.")


class Instrument(Strict):
    """A dataset's questionnaire (its questions) or, for interviews, its codebook."""

    dataset: Name = Field("", description="The dataset id (optional; survey.yml's datasets: key is used).")
    title: OptionalTexts = Field(default_factory=dict, description="The questionnaire's name (chart footers, "
                                                                   "chapter title).")
    unit: OptionalTexts = Field(default_factory=dict, description="What one row is: vastaajaa / respondents.")
    id_column: Text = Field("respondent_id", description="The normal form's respondent id column.")
    source_id_column: Text | None = Field(None, description="The export's column holding the respondent id "
                                                            "(default: recognised by the reader).")
    ignore: list[Text] = Field(default_factory=list, description="Export headers that are never analysed "
                                                                 "(in any wave).")
    chapter: Chapter | None = Field(None, description="The report chapter's title and introduction.")
    questions: tuple[InstrumentQuestion, ...] = Field((), description="The questions, in report order.")
    interviewee: OptionalTexts = Field(default_factory=dict, description="(interviews) how to call one "
                                                                         "interviewee in attributions.")
    case_variables: dict[Name, list[Text]] = Field(
        default_factory=dict, description="(interviews) case variable -> the names it may have in the export.")
    divisions: list[CodedLabel] = Field(default_factory=list, description="(interviews) divisions of the cases.")
    roles: list[CodedLabel] = Field(default_factory=list, description="(interviews) roles of the cases.")
    plan_themes: list[CodedLabel] = Field(default_factory=list,
                                          description="(interviews) development-plan themes, in report order.")
    themes: list[Theme] = Field(default_factory=list, description="(interviews) the codebook: themes and codes.")
    triangulation: dict[Name, dict[Name, Any]] = Field(
        default_factory=dict, description="(interviews) plan theme -> {dataset id: {question:, codes:}, "
                                          "<this dataset's id>: theme code}.")

    @model_validator(mode="after")
    def _check(self) -> "Instrument":
        ids = [q.id for q in self.questions]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"question id {', '.join(twice)} is declared more than once")
        return self

    def question(self, qid: str) -> InstrumentQuestion:
        for q in self.questions:
            if q.id == qid:
                return q
        raise KeyError(f"{self.dataset} has no question '{qid}'")

    @property
    def chapter_title(self) -> dict:
        """The report chapter's title per language: ``chapter.title``, else the instrument's title."""
        return dict((self.chapter.title if self.chapter and self.chapter.title else None) or self.title)

    @property
    def chapter_intro(self) -> dict:
        return dict(self.chapter.intro) if self.chapter else {}

    def for_wave(self, reworded: dict) -> "Instrument":
        """A copy whose reworded questions carry the text a wave asked (``{qid: {lang: text}}``)."""
        changed = {qid: texts for qid, texts in (reworded or {}).items() if texts}
        if not changed:
            return self
        questions = tuple(q.model_copy(update={"text": {**q.text, **changed[q.id]}}) if q.id in changed else q
                          for q in self.questions)
        return self.model_copy(update={"questions": questions})


@dataclass(frozen=True)
class Codebook:
    """An interview dataset's codebook as the analysis uses it (built from its instrument by :meth:`of`).

    ``themes`` and ``codes`` in codebook order, ``theme_of`` code -> theme, ``plan_of``
    theme -> development-plan theme, ``labels`` lang -> id -> label (themes, codes,
    divisions, roles, plan themes), ``groups`` the codes of ``divisions``, ``roles`` and
    ``plan_themes`` in order, ``aliases`` what an export may call a code, a division or a
    role (any id or label, case-folded) -> its id. An empty codebook keeps every name as
    the export gives it.
    """

    dataset: str = "interviews"
    themes: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    theme_of: dict = field(default_factory=dict)
    plan_of: dict = field(default_factory=dict)
    labels: dict = field(default_factory=lambda: {lang: {} for lang in LANGUAGES})
    groups: dict = field(default_factory=lambda: {"divisions": [], "roles": [], "plan_themes": []})
    triangulation: dict = field(default_factory=dict)
    interviewee: dict = field(default_factory=dict)  # else the catalogue's "interviewee"
    case_variables: dict = field(default_factory=dict)
    aliases: dict = field(default_factory=lambda: {"code": {}, "division": {}, "role": {}})

    @classmethod
    def of(cls, instrument: "Instrument | None", dataset: str | None = None) -> "Codebook":
        """The codebook of an interview dataset's instrument (``None``: an empty one)."""
        if instrument is None:
            return cls(dataset=dataset or "interviews")
        themes, codes, theme_of, plan_of = [], [], {}, {}
        labels: dict = {lang: {} for lang in LANGUAGES}
        for theme in instrument.themes:
            themes.append(theme.code)
            plan_of[theme.code] = theme.plan_theme
            for lang in LANGUAGES:
                labels[lang][theme.code] = getattr(theme, lang, None) or theme.fi
            for item in theme.codes:
                codes.append(item.code)
                theme_of[item.code] = theme.code
                for lang in LANGUAGES:
                    labels[lang][item.code] = getattr(item, lang, None) or item.fi
        groups = {}
        for key in ("divisions", "roles", "plan_themes"):
            items = getattr(instrument, key)
            groups[key] = [item.code for item in items]
            for item in items:
                for lang in LANGUAGES:
                    labels[lang].setdefault(item.code, getattr(item, lang, None) or item.fi)
        every_code = [*instrument.themes, *(c for theme in instrument.themes for c in theme.codes)]
        aliases = {"code": _aliases(every_code), "division": _aliases(instrument.divisions),
                   "role": _aliases(instrument.roles)}
        return cls(dataset=dataset or instrument.dataset or "interviews", themes=tuple(themes), codes=tuple(codes),
                   theme_of=theme_of, plan_of=plan_of, labels=labels, groups=groups,
                   triangulation={k: dict(v) for k, v in instrument.triangulation.items()},
                   interviewee=dict(instrument.interviewee),
                   case_variables={k: list(v) for k, v in instrument.case_variables.items()}, aliases=aliases)


def _aliases(items) -> dict:
    """Every id and label of ``items`` (case-folded) -> the item's id; the first item wins."""
    out: dict = {}
    for item in items:
        for key in ("code", *LANGUAGES):
            value = getattr(item, key, None)
            if value:
                out.setdefault(str(value).strip().casefold(), item.code)
    return out


def parse_instrument(data: dict, where: str = "instrument", located: safe_yaml.Located | None = None,
                     dataset: str | None = None) -> Instrument:
    """Build an :class:`Instrument` from its parsed YAML; ConfigError naming the line otherwise."""
    instrument = parse_model(Instrument, data, located or safe_yaml.Located(None), where)
    if dataset:
        if instrument.dataset and instrument.dataset != dataset:
            raise ConfigError(f"the instrument says dataset: {escape(instrument.dataset)}, but survey.yml declares "
                              f"it for dataset '{dataset}'; make them equal (or remove dataset:)", file=where)
        instrument = instrument.model_copy(update={"dataset": dataset})
    return instrument


_CACHE: dict[tuple[str, str, str], Instrument] = {}


def read_instrument(path: Path, dataset: str | None = None) -> Instrument:
    """The instrument in ``path`` (cached by content)."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"no instrument for dataset '{dataset}': write it with `survey draft EXPORT --dataset "
                          f"{dataset}` or create {path.name}", file=str(path))
    raw = safe_yaml.read_bytes(path)
    key = (str(path), hashlib.sha256(raw).hexdigest(), dataset or "")
    if key not in _CACHE:  # parsed once per content: the same bytes give the same instrument
        data, located = safe_yaml.loads(raw, file=str(path))
        _CACHE[key] = parse_instrument(data, where=str(path), located=located, dataset=dataset)
    return _CACHE[key]


def instrument_schema() -> dict:
    """The JSON Schema of an instrument file (for editors), generated from :class:`Instrument`."""
    schema = Instrument.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "instrument"
    return schema


__all__ = ["Codebook", "Instrument", "InstrumentQuestion", "InstrumentOption", "parse_instrument", "read_instrument",
           "instrument_schema", "QUESTION_TYPES"]
