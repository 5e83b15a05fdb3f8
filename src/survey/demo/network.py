"""Synthetic network survey (järjestöyhdyshenkilöverkosto): exact study totals.

The study reported, per multi-select question, respondents and selections:
partnership forms 16 / 69, grants 16 / 101, agreements 12 / 32. The generator
fixes each option's count (summing to those totals) and spreads the selections so
that every answering respondent selects at least one option.
"""

from __future__ import annotations

import numpy as np

from survey.demo.source import instrument as demo_instrument

# Per-option counts in instrument order; sums are the study's selection totals.
OPTION_COUNTS = {
    "2024-demo": {
        "respondents": 16,
        "partnership_forms": (16, [14, 12, 10, 8, 7, 6, 5, 3, 2, 2]),
        "grants": (16, [16, 15, 14, 13, 11, 10, 8, 6, 5, 3]),
        "agreements": (12, [10, 7, 5, 4, 3, 2, 1]),
    },
    "2026-demo": {
        "respondents": 19,
        "partnership_forms": (19, [17, 14, 13, 9, 9, 9, 6, 4, 3, 3]),
        "grants": (19, [19, 17, 16, 14, 13, 12, 9, 7, 6, 3]),
        "agreements": (15, [13, 9, 7, 5, 4, 3, 2]),
    },
}

EXAMPLES = {
    "partnership_forms": ["Urheiluseurojen seurafoorumi", "Kumppanuuspöytä kahdesti vuodessa",
                          "Vanhus- ja vammaisneuvosto", "Kylätoimikuntien kanssa kyläkierrokset",
                          "4H-yhdistyksen kumppanuussopimus"],
    "grants": ["Kylien kehittämisraha 400 € / tapahtuma", "Kulttuuri- ja liikunta-avustukset keväällä",
               "Tapahtuma-avustus haetaan sähköisesti"],
    "agreements": ["Kentän kunnossapito seuran kanssa", "Nuorisotilan aukiolo", "Tapahtuman järjestelyt"],
}


def _spread(rng: np.random.Generator, answering: int, counts: list[int]) -> np.ndarray:
    """A respondents × options 0/1 matrix with the given column sums, no empty row."""
    matrix = np.zeros((answering, len(counts)), dtype=int)
    for j in np.argsort(counts, kind="stable")[::-1]:
        load = matrix.sum(axis=1) + rng.random(answering) * 0.5
        chosen = np.argsort(load, kind="stable")[: counts[j]]
        matrix[chosen, j] = 1
    assert (matrix.sum(axis=1) > 0).all() and list(matrix.sum(axis=0)) == list(counts)
    return matrix


def build_network(wave: str, seed: int = 2024) -> tuple[list, list, list[list], dict]:
    """Header rows, data rows and the truth for one wave's network export."""
    spec = OPTION_COUNTS[wave]
    rng = np.random.default_rng(seed)
    instrument = demo_instrument("network")
    n = spec["respondents"]
    top = ["Vastaajan tunnus", "Vastausaika"]
    sub = ["", ""]
    columns: list[list] = [[f"R{100 + i}" for i in range(n)],
                           [f"{3 + i % 20}.{4 + i % 2}.{wave[:4]} {9 + i % 8}:{(i * 7) % 60:02d}" for i in range(n)]]
    truth = {}
    for q in instrument.questions:
        answering, counts = spec[q.id]
        matrix = np.zeros((n, len(q.options)), dtype=int)
        who = np.sort(rng.choice(n, size=answering, replace=False))
        matrix[who] = _spread(rng, answering, counts)
        for j, option in enumerate(q.options):
            top.append(q.label("fi") if j == 0 else "")
            sub.append(option.label("fi"))
            columns.append([1 if v else None for v in matrix[:, j]])
        top.append("")
        sub.append(q.examples["fi"])
        texts = [None] * n
        for k, i in enumerate(rng.choice(who, size=min(3, answering), replace=False)):
            texts[int(i)] = EXAMPLES[q.id][k % len(EXAMPLES[q.id])]
        columns.append(texts)
        truth[q.id] = {"respondents": int(answering), "selections": int(sum(counts)),
                       "counts": {str(o.code): int(c) for o, c in zip(q.options, counts)}}
    rows = [list(r) for r in zip(*columns)]
    return top, sub, rows, truth
