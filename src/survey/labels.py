"""User-facing words of charts, tables and exports in fi (default), sv and en.

The strings live in ``survey/labels/<lang>.yml`` (one key set for all languages);
:func:`text` fills their ``{placeholders}`` with values the caller has already
formatted with :mod:`survey.fmt`. Footers are built here so that the chart, its
alt text, the xlsx and the report say the same thing.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from survey import fmt
from survey.errors import ConfigError

LABELS_DIR = Path(__file__).resolve().parent / "labels"
LANGUAGES = ("fi", "sv", "en")


@lru_cache(maxsize=None)
def load_labels(lang: str = "fi") -> dict:
    """All strings of one language, read once from ``labels/<lang>.yml``."""
    if lang not in LANGUAGES:
        raise ConfigError(f"unknown report language '{lang}' (use fi, sv or en)")
    with open(LABELS_DIR / f"{lang}.yml", encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def text(key: str, lang: str = "fi", **values) -> str:
    """One string in ``lang`` with its placeholders filled; Finnish if ``lang`` lacks it."""
    strings = load_labels(lang)
    template = strings.get(key)
    if template is None:
        template = load_labels("fi").get(key)
    if template is None:
        raise KeyError(f"no label '{key}'")
    return str(template).format(**values) if values else str(template)


def pick(mapping: dict | None, lang: str = "fi", default: str = "") -> str:
    """The ``lang`` entry of a ``{lang: text}`` mapping, else Finnish, else the first one."""
    if not mapping:
        return default
    if not isinstance(mapping, dict):
        return str(mapping)
    for key in (lang, "fi"):
        if mapping.get(key):
            return str(mapping[key])
    return str(next(iter(mapping.values())))


def code_label(result, code, lang: str = "fi") -> str:
    """The label of one code of ``result`` in ``lang`` (codes stay codes if unlabelled)."""
    labels = result.labels or {}
    for key in (lang, "fi"):
        table = labels.get(key) or {}
        for candidate in (code, str(code)):
            if candidate in table:
                return str(table[candidate])
    if str(code) == "dont_know":
        return text("dont_know", lang)
    return str(code)


def respondents_of(result) -> int | None:
    """The respondents a question's percentages rest on: those answering, else all."""
    n = result.n or {}
    for key in ("answering", "respondents", "n"):
        if n.get(key) is not None:
            return int(n[key])
    return None


def selections_footer(result, lang: str = "fi") -> str:
    """Webropol-style footer: 'Vastaajien määrä: 16, valittujen vastausten lukumäärä: 69'."""
    respondents = respondents_of(result)
    shown = fmt.format_count(respondents, lang) if respondents is not None else fmt.MISSING
    selections = (result.n or {}).get("selections")
    if selections is None:
        return text("footer_respondents", lang, respondents=shown)
    return text("footer_selections", lang, respondents=shown, selections=fmt.format_count(selections, lang))


def footer_lines(result, lang: str = "fi", wave_label: str = "", synthetic: bool = False,
                 source: str = "", intervals: bool = False) -> list[str]:
    """The lines under a chart or table: n, the source question, the wave, CI and demo notes."""
    lines = [selections_footer(result, lang) if result.kind in ("multi", "single") else _n_line(result, lang)]
    if source:
        lines.append(text("footer_source", lang, source=source))
    details = []
    tested = test_line(result, lang)
    if tested:
        lines.append(tested)
    if wave_label:
        details.append(text("footer_wave", lang, wave=wave_label))
    if intervals:
        details.append(text("ci_note", lang))
    if details:
        lines.append(". ".join(details))
    threshold = (result.suppression or {}).get("threshold")
    if threshold and _has_suppressed(result):
        lines.append(text("suppressed_note", lang, threshold=fmt.format_count(threshold, lang)))
    if synthetic or result.synthetic:
        lines.append(text("synthetic", lang))
    return [line for line in lines if line]


def _n_line(result, lang: str) -> str:
    n = result.n or {}
    if "respondents_now" in n:
        test = result.test or {}
        return text("footer_waves", lang, before=fmt.format_count(n.get("answering_before", n.get("respondents_before")), lang),
                    now=fmt.format_count(n.get("answering_now", n["respondents_now"]), lang),
                    previous=test.get("previous_wave") or "", current=test.get("wave") or result.wave)
    respondents = respondents_of(result)
    if respondents is None:
        interviews = (result.n or {}).get("interviews")
        if interviews is not None:
            return text("footer_interviews", lang, n=fmt.format_count(interviews, lang))
        return ""
    return text("footer_respondents", lang, respondents=fmt.format_count(respondents, lang))


def format_p(p, lang: str = "fi") -> str:
    """A p-value: three decimals, '< 0,001' below that."""
    if p is None or p != p:
        return fmt.MISSING
    if float(p) < 0.001:
        return "< " + fmt.format_number(0.001, lang, 3)
    return fmt.format_number(p, lang, 3)


def test_line(result, lang: str = "fi") -> str:
    """'Khiin neliö -testi: korjattu p = 0,012' (plain 'p' when unadjusted), or why no p-value is given."""
    test = result.test or {}
    if not isinstance(test, dict) or not test:
        return ""
    reason = test.get("reason")
    if isinstance(reason, dict) and reason.get(lang):
        return str(reason[lang])
    note = test.get("note")
    name, adjusted = test.get("name"), test.get("p_adjusted")
    p = adjusted if adjusted is not None else test.get("p")
    if isinstance(note, dict) and note.get(lang) and (not name or p is None):
        return str(note[lang])
    if not name or p is None:
        return ""
    from survey.analysis.significance import test_label

    shown = test_label(test, lang)
    name = shown[:1].upper() + shown[1:]
    if adjusted is not None:  # say "adjusted p" where it is
        from survey.analysis.significance import p_text
        return text("footer_test_adjusted", lang, name=name, p=p_text(p, lang))
    return text("footer_test", lang, name=name, p=format_p(p, lang))


def _has_suppressed(result) -> bool:
    table = result.table
    return "suppressed" in getattr(table, "columns", ()) and bool(table["suppressed"].fillna(False).astype(bool).any())


def _lookup(mapping, value):
    if not isinstance(mapping, dict):
        return None
    for candidate in (value, str(value)):
        if candidate in mapping and not isinstance(mapping[candidate], dict):
            return str(mapping[candidate])
    return None


def value_label(result, column: str, value, lang: str = "fi") -> str:
    """The words for a code-like cell (``code``, ``item``, ``group``, ``theme``...) of a result table.

    Looks in ``labels[<column>s][lang]`` (e.g. ``labels["groups"]["fi"]``), then
    ``labels[lang][<column>s]`` (e.g. ``labels["fi"]["items"]``), then ``labels[lang]``,
    each first in ``lang`` and then in Finnish; unknown codes stay as they are.
    """
    if value is None or (isinstance(value, float) and value != value):
        return ""
    table = result.labels or {}
    plural = f"{column}s"
    for key in (lang, "fi"):
        for mapping in ((table.get(plural) or {}).get(key), (table.get(key) or {}).get(plural),
                        (table.get(column) or {}).get(key) if isinstance(table.get(column), dict) else None,
                        table.get(key)):
            found = _lookup(mapping, value)
            if found is not None:
                return found
    if str(value) == "dont_know":
        return text("dont_know", lang)
    return str(value)
