"""Multi-select questions: the single-choice bars (percent of respondents), with selections and majorities."""

from __future__ import annotations

from survey.catalogue import fmt
from survey.kinds import single
from survey.kinds.kind import Kind
from survey.kinds.phrases import phrase, complete, share_word
from survey.model import Result, ResultKind


def _majorities(result: Result, rows: list[dict], lang: str) -> str:
    """More than one clear majority, and the choices per respondent."""
    text = ""
    majorities = sum(share_word(r["ci_low"], r["ci_high"]) in ("majority", "great_majority") for r in rows)
    if majorities > 1:
        text += " " + phrase("majorities", lang, count=fmt.format_count(majorities, lang))
    per = (result.n or {}).get("per_respondent")
    if complete(per):
        text += " " + phrase("per_respondent", lang, value=fmt.format_number(per, lang, digits=1))
    return text


def finding(result: Result, lang: str = "fi") -> str:
    return single.top_choice(result, lang, "top_multi", _majorities)


KIND = Kind(ResultKind.MULTI, draw=single.draw, alt_text=single.alt_text, data_table=single.data_table,
            finding=finding, strength=single.strength)
