"""Words the deck and the workbooks share: wave names instead of wave ids, table cells as a reader reads them.

A wave-comparison result names its two waves by id (``test.previous_wave``,
``test.wave``); readers see the waves' labels from survey.yml. They travel with the
result as ``labels["waves"][lang][wave_id]`` (set by the pipeline), and the deck and
workbooks may also be given the project's own mapping (older results).
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from survey import catalogue
from survey.project import safe_yaml

PLACEHOLDERS = {"", "–", "—", "-", "nan", "None", "<NA>"}


def wave_names_of(waves, lang: str) -> dict[str, str]:
    """wave id -> its label in ``lang`` for the project's waves (objects with ``id`` and ``label_in``)."""
    return {w.id: w.label_in(lang) for w in waves or ()}


def result_wave_names(result, lang: str, names: dict | None = None) -> dict[str, str]:
    """The wave names a result carries (``labels["waves"]``), over the given ``names``."""
    carried = ((result.labels or {}).get("waves") or {}).get(lang) or {}
    return {**(names or {}), **{str(k): str(v) for k, v in carried.items() if v}}


def wave_name(result, wave_id, lang: str, names: dict | None = None) -> str:
    """The label of ``wave_id`` in ``lang`` (the id itself when no label is known)."""
    wave_id = str(wave_id or "")
    return result_wave_names(result, lang, names).get(wave_id, wave_id)


def name_waves(text: str, names: dict[str, str]) -> str:
    """``text`` with every wave id (as a whole word) replaced by its name; longer ids first."""
    if not text or not names:
        return text
    for wave_id in sorted(names, key=len, reverse=True):
        label = names[wave_id]
        if wave_id and label and wave_id != label and wave_id in text:
            text = re.sub(rf"(?<![\w-]){re.escape(wave_id)}(?![\w-])", lambda _m, s=label: s, text)
    return text


def cell_words(value, lang: str) -> str:
    """A data-table cell as a reader reads it: yes/no for booleans, '' for placeholders."""
    if isinstance(value, bool):
        return catalogue.text("value_yes" if value else "value_no", lang)
    text = str(value).strip()
    if text in ("True", "False"):
        return catalogue.text("value_yes" if text == "True" else "value_no", lang)
    return "" if text in PLACEHOLDERS else text


def with_wave_names(results, waves, languages=catalogue.LANGUAGES) -> list:
    """``results`` with each wave comparison carrying its two waves' labels (``labels["waves"][lang][id]``).

    ``waves``: the project's waves (``id``, ``label_in``). Other results are returned as they are.
    """
    by_id = {w.id: w for w in waves or ()}
    out = []
    for result in results:
        test = result.test or {}
        if result.kind != "wave":
            out.append(result)
            continue
        ids = [i for i in (test.get("previous_wave"), test.get("wave") or result.wave) if i in by_id]
        names = {lang: {i: by_id[i].label_in(lang) for i in ids} for lang in languages}
        out.append(replace(result, labels={**(result.labels or {}), "waves": names}))
    return out


def battery_name(result, lang: str, instruments: dict | None = None, texts: dict | None = None) -> str:
    """A Likert battery's short name ('' when the result is not a battery).

    The project's own text ``battery_<dataset>_<battery>`` (reports/_texts.yml, as the
    report names it), else the catalogue's generic "Statements"; never the battery's
    common question or instruction.
    """
    ids = [q for q in str(result.question or "").split(",") if q]
    instrument = (instruments or {}).get(result.dataset)
    if instrument is None or len(ids) < 2:
        return ""
    try:
        battery = instrument.question(ids[0]).battery
    except KeyError:
        return ""
    if not battery:
        return ""
    own = (texts or {}).get(f"battery_{result.dataset}_{battery}")
    if isinstance(own, dict):
        own = own.get(lang) or own.get("fi")
    return str(own).strip() if own else catalogue.text("deck_battery", lang)


def project_texts(project) -> dict:
    """The project's own texts (``reports/_texts.yml``: key -> {lang: text}); empty when it has none."""
    file = Path(project.paths.reports) / "_texts.yml"
    if not file.is_file():
        return {}
    data = safe_yaml.load(file)[0]
    return data if isinstance(data, dict) else {}
