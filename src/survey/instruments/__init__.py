"""Canonical instruments: each dataset's questions declared once, with stable codes.

An instrument file (``<dataset>.yml`` beside this module) lists questions with an
id, a type, texts in fi/sv/en and options with stable codes. Waves map their raw
headers onto these ids and codes (see ``survey.normalise``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import yaml

from survey.config import INSTRUMENTS_DIR, LANGUAGES
from survey.errors import ConfigError


@dataclass(frozen=True)
class InstrumentOption:
    code: object
    labels: dict
    extra: dict = field(default_factory=dict)

    def label(self, lang: str = "fi") -> str:
        return self.labels.get(lang) or self.labels["fi"]


@dataclass(frozen=True)
class InstrumentQuestion:
    id: str
    type: str
    text: dict
    options: tuple[InstrumentOption, ...] = ()
    short: dict = field(default_factory=dict)
    slug: str = ""
    examples: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)

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


@dataclass(frozen=True)
class Instrument:
    dataset: str
    title: dict
    questions: tuple[InstrumentQuestion, ...]
    id_column: str = "respondent_id"
    extra: dict = field(default_factory=dict)

    def question(self, qid: str) -> InstrumentQuestion:
        for q in self.questions:
            if q.id == qid:
                return q
        raise KeyError(f"{self.dataset} has no question '{qid}'")


def _labels(raw: dict, where: str) -> dict:
    labels = {lang: raw[lang] for lang in LANGUAGES if raw.get(lang)}
    if "fi" not in labels:
        raise ConfigError(f"{where}: a Finnish (fi) text is required")
    return labels


def parse_instrument(data: dict, where: str = "instrument") -> Instrument:
    """Build an :class:`Instrument` from its parsed YAML."""
    questions = []
    for q in data.get("questions", []):
        options = tuple(InstrumentOption(code=o["code"], labels=_labels(o, f"{where}: {q['id']}.{o['code']}"),
                                         extra={k: v for k, v in o.items() if k not in ("code", *LANGUAGES)})
                        for o in q.get("options", []))
        known = {"id", "type", "text", "options", "short", "slug", "examples"}
        questions.append(InstrumentQuestion(
            id=q["id"], type=q["type"], text=_labels(q["text"], f"{where}: {q['id']}"), options=options,
            short=q.get("short") or {}, slug=q.get("slug") or q["id"].replace("_", "-"),
            examples=q.get("examples") or {}, extra={k: v for k, v in q.items() if k not in known}))
    known = {"dataset", "title", "questions", "id_column"}
    return Instrument(dataset=data["dataset"], title=data.get("title") or {}, questions=tuple(questions),
                      id_column=data.get("id_column", "respondent_id"),
                      extra={k: v for k, v in data.items() if k not in known})


@lru_cache(maxsize=None)
def load_instrument(dataset: str) -> Instrument:
    """The canonical instrument of one dataset, read from the package."""
    file = INSTRUMENTS_DIR / f"{dataset}.yml"
    if not file.is_file():
        raise ConfigError(f"no instrument declared for dataset '{dataset}'", file=str(file))
    return parse_instrument(yaml.safe_load(file.read_text(encoding="utf-8")), where=str(file))
