"""What the demo waves plant, and the record of it that tests check the analysis against.

The generators (``associations``, ``staff``, ``network``, ``interviews``) each return
the truth they planted; :func:`collect_truth` gathers it for one wave and
``truth/<wave>.json`` beside this module keeps it under version control, so that a
test can prove the committed record still matches the generator and the pipeline
finds each planted fact. Regenerate the record with ``python -m survey.demo.truth``.

This module also holds the small helpers the generators share: stable seeds,
exact allocation of planted counts, and the personal data planted in open text
(all invented; the identity code is a well-known example with a valid checksum).
"""

from __future__ import annotations

import json
import tempfile
import zlib
from pathlib import Path

import numpy as np

from survey.demo import SYNTHETIC_NOTE, WAVES  # noqa: F401  (re-exported for the generators)

TRUTH_DIR = Path(__file__).resolve().parent / "truth"

# Invented personal data planted in open answers; none of it may reach any output.
PII = {
    "name": "Matti Meikäläinen",
    "phone_local": "040 123 4567",
    "phone_intl": "+358 50 765 4321",
    "email": "maija.esimerkki@example.com",
    "hetu": "131052-308T",
    "address": "Koulukatu 12 B 5, 60100 Seinäjoki",
}
FORMULA_INJECTION = '=HYPERLINK("http://example.invalid","x")'

_HETU_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"


def hetu_is_valid(code: str) -> bool:
    """True when a Finnish personal identity code (henkilötunnus) has a valid check character."""
    if len(code) != 11 or not (code[:6] + code[7:10]).isdigit():
        return False
    return _HETU_CHECK[int(code[:6] + code[7:10]) % 31] == code[10]


def seed_for(dataset: str, wave: str) -> int:
    """A stable seed per dataset and wave (crc32, the same on every platform)."""
    return zlib.crc32(f"{dataset}:{wave}".encode("utf-8"))


def allocate(rng: np.random.Generator, counts: dict) -> list:
    """A shuffled list holding each key exactly ``counts[key]`` times."""
    values = [key for key, count in counts.items() for _ in range(count)]
    order = rng.permutation(len(values))
    return [values[i] for i in order]


def list_planted(wave: str, truth: dict) -> list[dict]:
    """One entry per planted fact of a wave: what it is, where it is, and what a test should find."""
    from survey.demo.associations import SPEC

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


def truth_path(wave: str) -> Path:
    """Where the committed truth of one wave lives."""
    return TRUTH_DIR / f"{wave}.json"


def load_truth(wave: str) -> dict:
    """The committed truth of one demo wave."""
    return json.loads(truth_path(wave).read_text(encoding="utf-8"))


def dump_truth(truth: dict) -> str:
    """Stable JSON text of a truth record (sorted keys, UTF-8, trailing newline)."""
    return json.dumps(truth, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def collect_truth(wave: str) -> dict:
    """Generate one wave into a scratch folder and return the truth every generator planted."""
    from survey.demo import generate_wave

    with tempfile.TemporaryDirectory() as tmp:
        _, truth = generate_wave(Path(tmp), wave)
    return truth


def write_truth_files() -> list[Path]:
    """Rewrite ``truth/<wave>.json`` for every demo wave from a fresh generation."""
    from survey.files import write_text_atomic

    return [write_text_atomic(truth_path(wave), dump_truth(collect_truth(wave))) for wave in WAVES]


if __name__ == "__main__":
    for written in write_truth_files():
        print(written)
