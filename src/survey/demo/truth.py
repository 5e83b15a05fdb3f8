"""What the demo waves plant, and the record of it that tests check the analysis against.

The generators (``associations``, ``staff``, ``network``, ``interviews``) each return
the truth they planted; :func:`survey.demo.collect_truth` gathers it for one wave and
``truth/<wave>.json`` beside this module keeps it under version control, so that a
test can prove the committed record still matches the generator and the pipeline
finds each planted fact. Regenerate the record with ``python -m survey.demo``.

This module also holds the small helpers the generators share: stable seeds,
exact allocation of planted counts, and the personal data planted in open text
(all invented; the identity code is a well-known example with a valid checksum).
"""

from __future__ import annotations

import json
import zlib
from pathlib import Path

import numpy as np

WAVES = ("2024-demo", "2026-demo")
SYNTHETIC_NOTE = "synthetic demo data"

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


def truth_path(wave: str) -> Path:
    """Where the committed truth of one wave lives."""
    return TRUTH_DIR / f"{wave}.json"


def load_truth(wave: str) -> dict:
    """The committed truth of one demo wave."""
    return json.loads(truth_path(wave).read_text(encoding="utf-8"))


def dump_truth(truth: dict) -> str:
    """Stable JSON text of a truth record (sorted keys, UTF-8, trailing newline)."""
    return json.dumps(truth, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
