"""Plain-language findings in fi/sv/en, and the ones a summary leads with.

Each kind's module words its own finding (``Kind.finding``, see :mod:`survey.kinds.registry`)
with the shared rules of :mod:`survey.kinds.phrases`: the prose never says more than the
data, every word that makes a claim is chosen by a rule on the 95 % interval, and a
sentence whose numbers are missing is left out, never printed with a placeholder.

``interpret(result, lang) -> str`` is the finding of one result;
``key_findings(results, lang, limit) -> [(result, text)]`` picks the clearest ones;
``methods_text(lang, ...)`` is the methods paragraph, naming the family used.
"""

from __future__ import annotations

from survey import catalogue
from survey.analysis.disclosure import DisclosureRule, promise_text
from survey.analysis.significance import ASYMPTOTIC_MIN, RESAMPLES, statistics_of
from survey.catalogue import fmt
from survey.kinds.registry import kind_of
from survey.model import Result


def interpret(result: Result, lang: str = "fi") -> str:
    """One plain-language finding for ``result`` in ``lang`` (fi, sv, en); ``""`` when none can be written."""
    kind = kind_of(result)
    return kind.finding(result, lang) if kind is not None else ""


def strength(result: Result) -> int:
    """How firm a result's finding is: 3 clear change or difference, 2 clear majority/minority, else 0."""
    kind = kind_of(result)
    return kind.strength(result) if kind is not None else 0


def _evidence(result: Result) -> float:
    """The smallest adjusted p of a result's clear claims (ranks the clear findings; 1 when none)."""
    kind = kind_of(result)
    return kind.evidence(result) if kind is not None else 1.0


def key_findings(results: list[Result], lang: str = "fi", limit: int = 8) -> list[tuple[Result, str]]:
    """Up to ``limit`` (result, finding) pairs: clear changes and differences first, then clear shares.

    Clear changes and differences (adjusted p below alpha in the declared family and
    an interval excluding 0) are ranked by their adjusted p; shares keep the input
    (chapter) order. Results whose finding makes no firm claim are left out.
    """
    scored = [(strength(r), i, r) for i, r in enumerate(results)]
    scored = [s for s in scored if s[0] > 0]
    scored.sort(key=lambda s: (-s[0], _evidence(s[2]) if s[0] == 3 else 0.0, s[1]))
    out = []
    for _, _, r in scored[:limit]:
        text = interpret(r, lang)
        if text:
            out.append((r, _with_question(r, text, lang)))
    return out


def _with_question(result: Result, text: str, lang: str) -> str:
    """A finding lifted out of its chapter names its question first (e.g. "Tiedättekö …? – ”Kyllä” …")."""
    title = (result.title or {}).get(lang) or (result.title or {}).get("fi") or ""
    title = title.strip()
    if not title or title in text:
        return text
    return f"{title} – {text}"


def _alpha(alpha: float, lang: str) -> str:
    text = repr(float(alpha))
    digits = max(2, len(text.split(".")[1])) if "." in text else 2
    return fmt.format_number(alpha, lang, digits=digits)


def methods_text(lang: str = "fi", threshold: int = 5, merge_small: bool = False,
                 small_counts: bool = False, statistics=None, disclosure: bool = True) -> str:
    """The methods paragraph: intervals, tests, the testing family and alpha, wording rules, disclosure.

    ``statistics``: a :class:`survey.analysis.significance.Statistics` or a project
    (its ``statistics``); the family and alpha named are the ones the analysis used.
    ``disclosure=False`` leaves out the disclosure rule (for a document that states
    :func:`survey.analysis.disclosure.promise_text` in a section of its own).
    """
    rules = statistics_of(statistics)
    rule = DisclosureRule(min_group_size=int(threshold), merge_small_groups=bool(merge_small),
                          small_counts=bool(small_counts))
    parts = [catalogue.text("methods_shares", lang),
             catalogue.text("methods_tests", lang, small=fmt.format_count(ASYMPTOTIC_MIN, lang),
                         resamples=fmt.format_count(RESAMPLES, lang)),
             catalogue.text(f"methods_family_{rules.family}", lang),
             catalogue.text("methods_clear", lang, alpha=_alpha(rules.alpha, lang))]
    if disclosure:
        parts.append(promise_text(lang, rule))
    return " ".join(parts)
