"""Deterministic synthetic demo waves (2024-demo, 2026-demo): raw exports and their truth.

:func:`generate_demo` writes every demo file of each wave under
``data/raw/<wave>/`` (and nowhere else), each through ``survey.files`` so that a
file is replaced atomically and the same seed gives the same bytes:

=============================  ===========================  ==========================
file                           dataset                      generator
=============================  ===========================  ==========================
``associations_webropol.xlsx``  associations (järjestöt)     ``demo.associations``
``staff.sav``                  staff (henkilöstö)           ``demo.staff``
``network_webropol.xlsx``      network (yhdyshenkilöt)      ``demo.network``
interviews files               interviews (haastattelut)    ``demo.interviews``
=============================  ===========================  ==========================

The interviews generator is optional: when ``survey.demo.interviews`` is not
installed the wave is generated without it and its truth says so.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from survey.config import Paths
from survey.demo.source import reading_from
from survey.errors import ConfigError

WAVES = ("2024-demo", "2026-demo")
EXAMPLE_WAVES = ("2025-esimerkki",)  # examples/pikkukunta (survey.demo.pikkukunta)
SYNTHETIC_NOTE = "synthetic demo data"
NETWORK_FILE = "network_webropol.xlsx"


def _write_network(folder: Path, wave: str) -> tuple[Path, dict]:
    from survey.demo.network import build_network
    from survey.demo.webropol import write_webropol_xlsx

    top, sub, rows, truth = build_network(wave, seed=int(wave[:4]))  # the committed files use the wave year
    path = write_webropol_xlsx(folder / NETWORK_FILE, top, sub, rows)
    return path, {"file": NETWORK_FILE, "respondents": len(rows), **truth}


def _write_interviews(folder: Path, wave: str) -> tuple[list[Path], dict]:
    """Call the interviews generator when it exists; list the files it wrote."""
    try:
        module = importlib.import_module("survey.demo.interviews")
    except ModuleNotFoundError as exc:
        if exc.name != "survey.demo.interviews":
            raise
        return [], {"skipped": "survey.demo.interviews is not available"}
    def snapshot() -> dict:
        return {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in folder.iterdir() if p.is_file()}

    before = snapshot()
    truth = module.write_interviews(folder, wave)
    return sorted(p for p, stamp in snapshot().items() if before.get(p) != stamp), truth


def generate_wave(root: Path, wave: str) -> tuple[list[Path], dict]:
    """Write every demo file of one wave under ``root/data/raw/<wave>/``; return the paths and the truth."""
    from survey.demo.associations import write_associations
    from survey.demo.staff import write_staff
    from survey.demo.truth import list_planted

    if wave not in WAVES + EXAMPLE_WAVES:
        raise ConfigError(f"'{wave}' is not a demo wave; the demo waves are {', '.join(WAVES + EXAMPLE_WAVES)}")
    with reading_from(root):
        if wave in EXAMPLE_WAVES:
            from survey.demo.pikkukunta import write_example

            folder = Paths(Path(root)).raw(wave)
            folder.mkdir(parents=True, exist_ok=True)
            path, truth = write_example(folder, wave)
            return [path], {"wave": wave, "synthetic": True, "note": SYNTHETIC_NOTE, "yhdistykset": truth}
        return _generate_wave(root, wave)


def _generate_wave(root: Path, wave: str) -> tuple[list[Path], dict]:
    from survey.demo.associations import write_associations
    from survey.demo.staff import write_staff
    from survey.demo.truth import list_planted

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
