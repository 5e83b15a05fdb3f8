"""The Pikkukunta example (examples/pikkukunta): a synthetic Webropol-style export.

Pikkukunta is an invented small municipality; its project holds its own association
questionnaire (``instruments/yhdistykset.yml``) and no Python. This generator reads
that questionnaire from the project it writes into and writes 25 invented
respondents to ``data/raw/2025-esimerkki/yhdistyskysely_webropol.xlsx``, the same
bytes for the same seed.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from survey.demo.source import instrument as demo_instrument
from survey.demo.webropol import write_webropol_xlsx

WAVE = "2025-esimerkki"
DATASET = "yhdistykset"
FILE = "yhdistyskysely_webropol.xlsx"
RESPONDENTS = 25
SEED = 2025
GREETINGS = ["Kiitos yhteistyöstä!", "Toivomme lisää yhteisiä tapahtumia kylille.",
             "Koulun liikuntasalin vuorot ovat tärkeitä.", "Tiedotus kunnan sivuilla toimii hyvin.",
             "Avustushaun aikataulu voisi olla aiemmin keväällä.", "Synteettinen esimerkkivastaus."]


def build_rows(instrument, seed: int = SEED) -> tuple[list, list, list[list], dict]:
    """Header rows, data rows and the truth (counts) of the example export."""
    rng = np.random.default_rng(seed)
    n = RESPONDENTS
    top, sub = ["Vastaajan tunnus", "Vastausaika"], ["", ""]
    columns: list[list] = [[f"P{101 + i}" for i in range(n)],
                           [f"{1 + i % 28}.{3 + i % 2}.2025 {10 + i % 8}:{(i * 11) % 60:02d}" for i in range(n)]]
    truth: dict = {"respondents": n}
    battery_done = False
    for q in instrument.questions:
        if q.type == "single":
            weights = np.array([0.4, 0.25, 0.25, 0.1][:len(q.options)])
            picks = rng.choice(len(q.options), size=n, p=weights / weights.sum())
            top.append(q.label("fi"))
            sub.append("")
            columns.append([q.options[int(k)].label("fi") for k in picks])
            truth[q.id] = {str(o.code): int((picks == j).sum()) for j, o in enumerate(q.options)}
        elif q.type == "multi":
            answered = rng.random(n) < 0.9
            shares = [0.7, 0.6, 0.5, 0.3]
            truth[q.id] = {}
            for j, option in enumerate(q.options):
                chosen = answered & (rng.random(n) < shares[j % len(shares)])
                top.append(q.label("fi") if j == 0 else "")
                sub.append(option.label("fi"))
                columns.append([1 if c else None for c in chosen])
                truth[q.id][str(option.code)] = int(chosen.sum())
        elif q.type == "likert":
            top.append("" if battery_done else q.battery_text["fi"])
            battery_done = True
            sub.append(q.label("fi"))
            codes = [o.code for o in q.options]
            weights = np.array([0.25, 0.35, 0.15, 0.1, 0.05, 0.1][:len(codes)])
            picks = rng.choice(len(codes), size=n, p=weights / weights.sum())
            skipped = rng.random(n) < 0.04
            columns.append([None if s else q.options[int(k)].label("fi") for k, s in zip(picks, skipped)])
            truth[q.id] = {str(codes[j]): int(((picks == j) & ~skipped).sum()) for j in range(len(codes))}
        elif q.type == "numeric":
            values = np.round(rng.gamma(2.0, 120.0, size=n)).astype(int)
            top.append(q.label("fi"))
            sub.append("")
            columns.append([int(v) for v in values])
            truth[q.id] = {"sum": int(values.sum())}
        else:
            top.append(q.label("fi"))
            sub.append("")
            texts = [None] * n
            for k, i in enumerate(sorted(rng.choice(n, size=6, replace=False))):
                texts[int(i)] = GREETINGS[k % len(GREETINGS)]
            columns.append(texts)
    rows = [list(r) for r in zip(*columns)]
    return top, sub, rows, truth


def write_example(folder: Path, wave: str = WAVE) -> tuple[Path, dict]:
    """Write the example export into ``folder`` (data/raw/<wave>/); return its path and truth."""
    top, sub, rows, truth = build_rows(demo_instrument(DATASET))
    path = write_webropol_xlsx(Path(folder) / FILE, top, sub, rows)
    return path, {"file": FILE, **truth}
