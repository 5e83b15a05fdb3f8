"""Answer scales: labels recognised as an ordered scale (agree-disagree, good-poor, never-always ...).

Shared by the readers that type a column from its labels (``tabular``, ``limesurvey_r``).
"""

from __future__ import annotations

import re

from survey.ingest.dialects import _norm

SCALES = [
    ["täysin eri mieltä", "jokseenkin eri mieltä", "ei samaa eikä eri mieltä", "jokseenkin samaa mieltä",
     "täysin samaa mieltä"],
    ["täysin eri mieltä", "osittain eri mieltä", "ei samaa eikä eri mieltä", "osittain samaa mieltä",
     "täysin samaa mieltä"],
    ["eri mieltä", "osittain eri mieltä", "osittain samaa mieltä", "samaa mieltä"],
    ["helt av annan åsikt", "delvis av annan åsikt", "varken av samma eller annan åsikt",
     "delvis av samma åsikt", "helt av samma åsikt"],
    ["strongly disagree", "disagree", "neither agree nor disagree", "agree", "strongly agree"],
    ["strongly disagree", "somewhat disagree", "neither agree nor disagree", "somewhat agree",
     "strongly agree"],
    ["strongly disagree", "disagree", "neutral", "agree", "strongly agree"],
    ["erittäin huono", "melko huono", "huono", "kohtalainen", "hyvä", "melko hyvä", "erittäin hyvä"],
    ["erittäin tyytymätön", "melko tyytymätön", "ei tyytyväinen eikä tyytymätön", "melko tyytyväinen",
     "erittäin tyytyväinen"],
    ["very dissatisfied", "dissatisfied", "neutral", "satisfied", "very satisfied"],
    ["very poor", "poor", "fair", "good", "very good", "excellent"],
    ["never", "rarely", "sometimes", "often", "always"],
    ["ei koskaan", "harvoin", "joskus", "usein", "aina"],
    ["mauvais", "moyen", "bien", "très bien", "excellent"],
    ["mauvaise", "moyenne", "bonne", "très bonne", "excellente"],
]
DONT_KNOW = {"en osaa sanoa", "eos", "vet inte", "kan inte säga", "don't know", "do not know", "dont know",
             "ne sais pas", "je ne sais pas", "weiß nicht", "not applicable", "ei koske minua"}


def _label_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _appearance_order(values: list) -> list[str]:
    """Distinct labels in order of first appearance, or by their numbers when every label has one."""
    seen: dict[str, None] = {}
    for v in values:
        seen.setdefault(_label_text(v), None)
    labels = list(seen)
    keys = [_range_key(label) for label in labels]
    if len(labels) >= 3 and all(k is not None for k in keys):
        return [label for _, label in sorted(zip(keys, labels), key=lambda kv: kv[0])]
    return labels


_BELOW = re.compile(r"^(alle|under|less than|fewer than|mindre än|moins de|alle\b|max\.?|enintään)\b", re.I)
_ABOVE = re.compile(r"(tai enemmän|tai yli|or more|and over|eller fler|eller mer|et plus|\+)\s*$|^(yli|over|more than|"
                    r"över|plus de|vähintään)\b", re.I)


def _range_key(label: str) -> float | None:
    """Sort key of a range label (``Alle 50`` < ``50–199`` < ``500 tai enemmän``), None if it has no number."""
    match = re.search(r"\d+(?:[ \u00a0]\d{3})*(?:[.,]\d+)?", label)
    if not match:
        return None
    number = float(re.sub(r"[ \u00a0]", "", match.group()).replace(",", "."))
    if _BELOW.search(label.strip()):
        return number - 0.5
    if _ABOVE.search(label.strip()):
        return number + 0.5
    return number


_LONGEST_SCALE = max(len(scale) for scale in SCALES)


def _scale_order(values: list) -> list[str] | None:
    """Labels ordered along a known answer scale (don't-know last), or None if they form none."""
    core: set[str] = set()
    for v in values:
        key = _norm(_label_text(v))
        if key not in DONT_KNOW:
            core.add(key)
            if len(core) > _LONGEST_SCALE:
                return None  # more answers than any scale has (the order below would not matter)
    labels = _appearance_order(values)
    norm = {_norm(v): v for v in labels}
    core = {k for k in norm if k not in DONT_KNOW}
    if len(core) < 2:
        return None
    best = None
    for scale in SCALES:
        if core <= set(scale) and (best is None or len(scale) < len(best)):
            best = scale
    if best is None:
        return None
    ordered = [norm[k] for k in best if k in norm]
    ordered += [norm[k] for k in norm if k in DONT_KNOW]
    return ordered


def _scale_evidence(scale: list[str]) -> str:
    """``5 labels match the agree-disagree scale, 'En osaa sanoa' = don't know``."""
    core = [v for v in scale if _norm(v) not in DONT_KNOW]
    extra = [v for v in scale if _norm(v) in DONT_KNOW]
    text = f"{len(core)} labels match the scale '{core[0]}' … '{core[-1]}'"
    if extra:
        text += ", " + ", ".join(f"'{v}' = don't know" for v in extra)
    return text
