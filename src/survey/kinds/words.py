"""The words shown with a result: option and group labels, footers (n, source, wave), the test line.

Footers are built here so that the chart, its alt text, the xlsx and the report say the
same thing; every word comes from :mod:`survey.catalogue`, every number from
:mod:`survey.catalogue.fmt`.
"""

from __future__ import annotations

from survey.analysis.significance import TEST_KEYS
from survey.catalogue import fmt, text


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


def wave_name(result, wave_id: str, lang: str = "fi") -> str:
    """A wave's name as readers know it (survey.yml ``label``), from the result's ``labels["waves"]``
    (``{lang: {wave_id: label}}``, written by the pipeline on wave comparisons); the id when it has none."""
    names = (result.labels or {}).get("waves") or {}
    for key in (lang, "fi"):
        if isinstance(names.get(key), dict) and names[key].get(wave_id):
            return str(names[key][wave_id])
    return str(wave_id or "")


def wave_names(result, lang: str = "fi") -> tuple[str, str]:
    """The names of a wave comparison's previous and current wave."""
    test = result.test or {}
    return (wave_name(result, test.get("previous_wave") or "", lang),
            wave_name(result, test.get("wave") or result.wave or "", lang))


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
        previous, current = wave_names(result, lang)
        return text("footer_waves", lang, before=fmt.format_count(n.get("answering_before", n.get("respondents_before")), lang),
                    now=fmt.format_count(n.get("answering_now", n["respondents_now"]), lang),
                    previous=previous, current=current)
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
    shown = test_label(test, lang)
    name = shown[:1].upper() + shown[1:]
    if adjusted is not None:  # say "adjusted p" where it is
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


def test_name(name: str | None, lang: str = "fi") -> str:
    """A test's name in ``lang`` (catalogue ``test_<name>``); an unknown name as it is, ``''`` for none."""
    if not name:
        return ""
    return text(f"test_{name}", lang) if name in TEST_KEYS else str(name)


def test_label(test: dict | str | None, lang: str = "fi") -> str:
    """The words for a test in ``lang``, naming an exact or permutation p-value (``''`` when none)."""
    if not test:
        return ""
    name = test if isinstance(test, str) else test.get("name")
    if not name:
        return ""
    words = test_name(name, lang)
    method = None if isinstance(test, str) else test.get("method")
    if method in ("exact", "monte_carlo") and name in ("mann_whitney", "kruskal"):
        words = text(f"test_method_{method}", lang, test=words)
    return words


def p_text(p, lang: str = "fi") -> str:
    """A p-value with its relation, for "p {…}": ``= 0,012`` or ``< 0,001`` (``''`` when missing)."""
    if p is None or p != p:
        return ""
    if float(p) < 0.001:
        return "< " + fmt.format_number(0.001, lang, 3)
    return "= " + fmt.format_number(p, lang, 3)


def question_label(result, lang: str, instruments: dict | None = None) -> str:
    """The short label of the result's question (instrument ``short``), '' when it has none.

    ``instruments``: dataset -> instrument (the project's); results of interviews and
    across datasets have no instrument question.
    """
    questions = str(result.question).split(",")
    instrument = (instruments or {}).get(result.dataset)
    if len(questions) != 1 or instrument is None:
        return ""
    try:
        return instrument.question(questions[0]).short_label(lang)
    except KeyError:
        return ""
