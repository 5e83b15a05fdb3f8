"""Deterministic synthetic demo waves (2024-demo, 2026-demo): raw exports and their truth.

:func:`generate_demo` writes every demo file of each wave under
``data/raw/<wave>/`` (and nowhere else), each through ``survey.store.files`` so that a
file is replaced atomically and the same seed gives the same bytes:

=============================  ===========================  ==========================
file                           dataset                      generator
=============================  ===========================  ==========================
``associations_webropol.xlsx``  associations (järjestöt)     ``demo.associations``
``staff.sav``                  staff (henkilöstö)           ``demo.staff``
``network_webropol.xlsx``      network (yhdyshenkilöt)      ``demo.network``
interviews files               interviews (haastattelut)    ``demo.interviews``
=============================  ===========================  ==========================

``python -m survey.demo`` rewrites the committed truth records (``truth/<wave>.json``).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from survey.demo import interviews
from survey.demo.associations import write_associations
from survey.demo.network import build_network
from survey.demo.pikkukunta import write_example
from survey.demo.planted import list_planted
from survey.demo.source import reading_from
from survey.demo.staff import write_staff
from survey.demo.truth import SYNTHETIC_NOTE, WAVES, dump_truth, truth_path
from survey.demo.webropol import write_webropol_xlsx
from survey.errors import ConfigError
from survey.project.paths import Paths
from survey.store.files import write_text_atomic

EXAMPLE_WAVES = ("2025-esimerkki",)  # examples/pikkukunta (survey.demo.pikkukunta)
NETWORK_FILE = "network_webropol.xlsx"


def _write_network(folder: Path, wave: str) -> tuple[Path, dict]:
    top, sub, rows, truth = build_network(wave, seed=int(wave[:4]))  # the committed files use the wave year
    path = write_webropol_xlsx(folder / NETWORK_FILE, top, sub, rows)
    return path, {"file": NETWORK_FILE, "respondents": len(rows), **truth}


def _write_interviews(folder: Path, wave: str) -> tuple[list[Path], dict]:
    """Write the interviews' exports; list the files written."""
    def snapshot() -> dict:
        return {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in folder.iterdir() if p.is_file()}

    before = snapshot()
    truth = interviews.write_interviews(folder, wave)
    return sorted(p for p, stamp in snapshot().items() if before.get(p) != stamp), truth


def generate_wave(root: Path, wave: str) -> tuple[list[Path], dict]:
    """Write every demo file of one wave under ``root/data/raw/<wave>/``; return the paths and the truth."""
    if wave not in WAVES + EXAMPLE_WAVES:
        raise ConfigError(f"'{wave}' is not a demo wave; the demo waves are {', '.join(WAVES + EXAMPLE_WAVES)}")
    with reading_from(root):
        if wave in EXAMPLE_WAVES:
            folder = Paths(Path(root)).raw(wave)
            folder.mkdir(parents=True, exist_ok=True)
            path, truth = write_example(folder, wave)
            return [path], {"wave": wave, "synthetic": True, "note": SYNTHETIC_NOTE, "yhdistykset": truth}
        return _generate_wave(root, wave)


def _generate_wave(root: Path, wave: str) -> tuple[list[Path], dict]:
    folder = Paths(Path(root)).raw(wave)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    truth: dict = {"wave": wave, "synthetic": True, "note": SYNTHETIC_NOTE}
    for name, writer in (("associations", write_associations), ("staff", write_staff),
                         ("network", _write_network)):
        path, truth[name] = writer(folder, wave)
        paths.append(path)
    written, truth["interviews"] = _write_interviews(folder, wave)
    truth["planted"] = list_planted(wave, truth)
    paths += [p for p in written if p not in paths]
    return paths, truth


def demo_waves(project) -> tuple[str, ...]:
    """The demo waves the project declares (``survey demo`` without ``--wave`` regenerates these)."""
    waves = tuple(w.id for w in project.waves if w.id in WAVES + EXAMPLE_WAVES)
    if not waves:
        raise ConfigError(f"this project declares none of the demo waves ({', '.join(WAVES + EXAMPLE_WAVES)}); "
                          "`survey demo` "
                          "regenerates the demo project's synthetic exports", file=str(project.paths.config_file))
    return waves


def generate_demo(root: Path, waves=WAVES) -> list[Path]:
    """Write the demo waves' raw exports under ``root/data/raw/<wave>/``; return the files written."""
    unknown = [w for w in waves if w not in WAVES + EXAMPLE_WAVES]
    if unknown:
        raise ConfigError(f"'{unknown[0]}' is not a demo wave; the demo waves are {', '.join(WAVES + EXAMPLE_WAVES)}")
    paths: list[Path] = []
    for wave in waves:
        paths += generate_wave(root, wave)[0]
    return paths


def collect_truth(wave: str) -> dict:
    """Generate one wave into a scratch folder and return the truth every generator planted."""
    with tempfile.TemporaryDirectory() as tmp:
        _, truth = generate_wave(Path(tmp), wave)
    return truth


def write_truth_files() -> list[Path]:
    """Rewrite ``truth/<wave>.json`` for every demo wave from a fresh generation."""
    return [write_text_atomic(truth_path(wave), dump_truth(collect_truth(wave))) for wave in WAVES]
