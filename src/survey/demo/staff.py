"""Synthetic staff survey (henkilöstökysely) as an SPSS .sav file.

Written with ``pyreadstat.write_sav``: variable names ``K1``..``K8`` (the
instrument's ``spss`` keys), variable labels (the question text; for a battery item
"battery text — item text"; for a multi-select option "question text: option"),
value labels, and user-missing codes (9 = *En osaa sanoa* in the Likert battery,
99 = no answer) declared with ``missing_ranges`` so that they survive a round trip.

Multiple response sets: pyreadstat (1.3.x) cannot write SPSS multiple response sets
(``mr_sets`` are read-only metadata; ``write_sav`` has no parameter for them), so the
multi-select question K4 is written as one 0/1 dichotomy variable per option
(``K4_1``..``K4_6``, value labels 0 = *Ei valittu*, 1 = *Valittu*) and the set is
declared in the instrument instead (``spss:`` mapping of option code -> variable).

ReadStat stamps the creation date and time into the file header; the stamp is
replaced with a fixed one so that the same seed gives the same bytes.

2026-demo differs: ``K1`` is renamed ``TOIMIALA`` and ``K7`` (years with the city)
is dropped.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat

from survey.demo.source import instrument as demo_instrument
from survey.demo.truth import PII, SYNTHETIC_NOTE, allocate, seed_for
from survey.store.files import write_bytes_atomic

FILE_NAME = "staff.sav"
ID_VARIABLE = "ID"
DONT_KNOW = 9
NO_ANSWER = 99
# Header bytes 92..109 hold "dd Mmm yy" and "hh:mm:ss" (the SAV file header record).
_STAMP_OFFSET = 92
_FIXED_STAMP = b"01 Jan 0000:00:00"

SPEC = {
    "2024-demo": {"respondents": 51, "divisions": {1: 24, 2: 15, 3: 12}},
    "2026-demo": {"respondents": 48, "divisions": {1: 22, 2: 14, 3: 12}},
}
CHANGES = {
    "2026-demo": {"renamed": {"division": "TOIMIALA"}, "dropped": ["years"]},
}
ITEM_MEANS = {"coop_important": 0.7, "knows_responsible": -0.2, "grants_process": 0.1, "premises_smooth": -0.1,
              "agreements_clear": -0.4, "time_enough": -0.8}
DIVISION_FORMS = {  # probability per option: events, premises, grants, agreements, projects, communication
    1: [0.7, 0.5, 0.4, 0.2, 0.3, 0.4], 2: [0.5, 0.3, 0.2, 0.3, 0.5, 0.3], 3: [0.2, 0.4, 0.1, 0.3, 0.2, 0.2],
}
OPEN = [
    "Järjestöyhteistyölle tarvitaan selkeät vastuuhenkilöt jokaiselle toimialalle.",
    "Yhteinen kalenteri järjestöjen ja kaupungin tapahtumista auttaisi.",
    "Avustusprosessia voisi keventää pienille yhdistyksille.",
    "Tilojen varausjärjestelmä pitäisi avata järjestöille suoraan.",
    "Kumppanuussopimuksille tarvitaan yhteinen malli.",
    "Aikaa järjestöyhteistyöhön pitäisi varata työsuunnitelmaan.",
    "Kaupungin sisäinen vapaaehtoispäivä olisi hyvä tapa tutustua järjestöihin.",
]
PLANTED_TEXTS = [
    (5, f"Esimerkiksi järjestökoordinaattori {PII['name']} ({PII['email']}) on auttanut paljon."),
]


def _variables(wave: str) -> list[tuple]:
    """(question, option code or None, variable name) in file order for one wave."""
    instrument = demo_instrument("staff")
    changes = CHANGES.get(wave, {})
    out = []
    for q in instrument.questions:
        if q.id in changes.get("dropped", ()):
            continue
        if q.type == "multi":
            out += [(q, code, name) for code, name in q.spss.items()]
        else:
            out.append((q, None, changes.get("renamed", {}).get(q.id, q.spss)))
    return out


def _likert(rng: np.random.Generator, latent: float, mean: float) -> int:
    """One Likert answer: 1..5 from a latent attitude; 9 (don't know) and 99 (no answer) now and then."""
    r = rng.random()
    if r < 0.07:
        return DONT_KNOW
    if r < 0.10:
        return NO_ANSWER
    return int(np.clip(np.rint(3.3 + mean + 0.9 * latent + rng.normal(0, 0.7)), 1, 5))


def build_staff(wave: str, seed: int | None = None) -> tuple[pd.DataFrame, dict, dict]:
    """The staff frame of one wave, its SPSS metadata (labels, value labels, missing) and its truth."""
    spec = SPEC[wave]
    rng = np.random.default_rng(seed_for("staff", wave) if seed is None else seed)
    n = spec["respondents"]
    divisions = allocate(rng, spec["divisions"])
    records = []
    for i in range(n):
        division = divisions[i]
        latent = rng.normal(0, 1)
        r: dict = {"division": division}
        r["role"] = NO_ANSWER if rng.random() < 0.04 else int(rng.choice([1, 2, 3, 4], p=[0.2, 0.35, 0.35, 0.1]))
        r["frequency"] = NO_ANSWER if rng.random() < 0.03 else int(rng.choice([1, 2, 3, 4, 5], p=[0.15, 0.25, 0.3, 0.2, 0.1]))
        never = r["frequency"] == 5
        forms = None if never else {c: int(rng.random() < p) for c, p in zip(
            ("events", "premises", "grants", "agreements", "projects", "communication"), DIVISION_FORMS[division])}
        if forms is not None and not any(forms.values()):
            forms["events"] = 1
        r["coop_forms"] = forms
        for item, mean in ITEM_MEANS.items():
            r[item] = _likert(rng, latent, mean)
        r["volunteering"] = NO_ANSWER if rng.random() < 0.03 else int(rng.choice([1, 2, 3], p=[0.2, 0.45, 0.35]))
        r["years"] = float(np.clip(np.rint(rng.gamma(2.0, 6.0)), 0, 45)) if rng.random() > 0.05 else None
        r["development_open"] = OPEN[rng.integers(len(OPEN))] if rng.random() < 0.35 else ""
        records.append(r)
    for i, text in PLANTED_TEXTS:
        records[i]["development_open"] = text

    columns: dict = {ID_VARIABLE: [float(i + 1) for i in range(n)]}
    labels = {ID_VARIABLE: "Vastaajan tunnus"}
    value_labels: dict = {}
    missing: dict = {}
    for q, code, name in _variables(wave):
        if q.type == "multi":
            columns[name] = [np.nan if r[q.id] is None else float(r[q.id][code]) for r in records]
            labels[name] = f"{q.label('fi')}: {q.option_labels('fi')[code]}"
            value_labels[name] = {0: "Ei valittu", 1: "Valittu"}
            continue
        values = [r[q.id] for r in records]
        if q.type == "text":
            columns[name] = [v or "" for v in values]
        else:
            columns[name] = [np.nan if v is None else float(v) for v in values]
        label = q.label("fi")
        if q.battery:
            label = f"{q.battery_text['fi']} — {label}"
        labels[name] = label
        if q.options:
            value_labels[name] = {int(o.code): o.label("fi") for o in q.options}
        codes = [c for c in [q.dont_know] + list(q.missing) if c is not None]
        if codes:
            missing[name] = codes
            value_labels.setdefault(name, {})[NO_ANSWER] = "Ei vastausta"
    frame = pd.DataFrame(columns)
    meta = {"column_labels": labels, "variable_value_labels": value_labels, "missing_ranges": missing}
    return frame, meta, _truth(wave, records)


def _truth(wave: str, records: list[dict]) -> dict:
    """What a test should find in this export."""
    def tally(qid):
        out: dict = {}
        for r in records:
            if r[qid] is not None:
                out[str(r[qid])] = out.get(str(r[qid]), 0) + 1
        return dict(sorted(out.items()))

    changes = CHANGES.get(wave, {})
    return {
        "file": FILE_NAME,
        "respondents": len(records),
        "division": tally("division"),
        "user_missing": {"knows_responsible": {"dont_know": sum(r["knows_responsible"] == DONT_KNOW for r in records),
                                               "no_answer": sum(r["knows_responsible"] == NO_ANSWER for r in records)}},
        "knows_responsible": tally("knows_responsible"),
        "multi_sets": "pyreadstat cannot write SPSS multiple response sets; K4_1..K4_6 are 0/1 dichotomies",
        "personal_data": [{"respondent_id": str(i + 1), "question": "development_open", "text": text,
                           "kinds": sorted(k for k, v in PII.items() if v in text)} for i, text in PLANTED_TEXTS],
        "changes": {"renamed": {q: v for q, v in changes.get("renamed", {}).items()},
                    "dropped": changes.get("dropped", [])},
    }


def sav_bytes(frame: pd.DataFrame, meta: dict, file_label: str) -> bytes:
    """The .sav bytes of a frame with fixed header time stamp (reproducible)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "out.sav"
        pyreadstat.write_sav(frame, str(path), file_label=file_label, column_labels=meta["column_labels"],
                             variable_value_labels=meta["variable_value_labels"],
                             missing_ranges=meta["missing_ranges"])
        data = bytearray(path.read_bytes())
    data[_STAMP_OFFSET:_STAMP_OFFSET + len(_FIXED_STAMP)] = _FIXED_STAMP
    return bytes(data)


def write_staff(folder: Path, wave: str) -> tuple[Path, dict]:
    """Write ``staff.sav`` for one wave into ``folder``; return its path and truth."""
    frame, meta, truth = build_staff(wave)
    label = f"Henkilöstökysely {wave[:4]} – {SYNTHETIC_NOTE}"
    return write_bytes_atomic(Path(folder) / FILE_NAME, sav_bytes(frame, meta, label)), truth
