"""The list of facts a demo wave plants, for the truth record (``truth/<wave>.json``)."""

from __future__ import annotations

from survey.demo.associations import SPEC
from survey.demo.truth import FORMULA_INJECTION, PII


def list_planted(wave: str, truth: dict) -> list[dict]:
    """One entry per planted fact of a wave: what it is, where it is, and what a test should find."""
    a, s, n = truth["associations"], truth["staff"], truth["network"]
    before = SPEC["2024-demo"]
    planted = [
        {"id": "small_group", "dataset": "associations", "question": "assoc_type", "code": "youth",
         "count": a["small_group"]["count"],
         "expect": "below disclosure.min_group_size: suppressed (or merged) in every breakdown by assoc_type"},
        {"id": "group_difference", "dataset": "associations", "question": "premises_available",
         "groups": {g: {k: v[k] for k in ("agree", "substantive", "share_agree")}
                    for g, v in a["premises_available"]["groups"].items()},
         "expect": "top-2 share (codes 4-5 of 1-5) clearly lower for village than for sports; Fisher p < 0.01"},
        {"id": "personal_data", "dataset": "associations, staff, interviews", "values": dict(PII),
         "expect": "none of these strings in any output (tables, charts, quotes, report)"},
        {"id": "formula_injection", "dataset": "associations", "question": "development_open",
         "value": FORMULA_INJECTION, "expect": "exported as text, never as a live formula"},
        {"id": "user_missing", "dataset": "staff", "question": "knows_responsible",
         "counts": s["user_missing"]["knows_responsible"],
         "expect": "9 (En osaa sanoa) and 99 (no answer) kept as codes, excluded from the scale percentages"},
        {"id": "network_totals", "dataset": "network",
         "totals": {q: [n[q]["respondents"], n[q]["selections"]] for q in ("partnership_forms", "grants", "agreements")},
         "expect": "respondents and selections per multi-select question as in the study"},
    ]
    interviews = truth.get("interviews") or {}
    if interviews.get("divisions"):
        planted.append({"id": "interviews_small_division", "dataset": "interviews",
                         "interviews": interviews.get("interviews"), "divisions": interviews["divisions"],
                         "expect": "a division with fewer interviewees than disclosure.min_group_size is never "
                                   "shown beside a quote or count"})
    if wave == "2026-demo":
        planted += [
            {"id": "wave_change", "dataset": "associations", "question": "contact_known", "code": "yes",
             "from": {"wave": "2024-demo", "count": before["contact"]["yes"], "answering": before["respondents"]},
             "to": {"wave": wave, "count": a["contact_known"]["count"], "answering": a["contact_known"]["answering"]},
             "expect": "share of 'yes' rises from about 45 % to about 70 %; significant (p < 0.01)"},
            {"id": "wave_mapping", "dataset": "associations, staff",
             "associations": a["changes"], "staff": s["changes"],
             "expect": "declared in survey.yml mapping; the reworded item is not compared across waves"},
            {"id": "data_problems", "dataset": "associations", "problems": a["problems"],
             "expect": "each listed in the validation report (handled by cleaning: in survey.yml)"},
        ]
    return planted
