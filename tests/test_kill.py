"""SIGKILL ``survey run`` at many random moments: outputs are entirely old or entirely new.

A project copy with the network dataset only (the fastest complete run). Inputs
``old`` (the 2024 demo network export) and ``new`` (the 2026 one, as the same wave)
give two different complete sets of outputs, OLD and NEW. Each trial restores OLD,
starts ``survey run --no-render`` on the new inputs and kills it with SIGKILL at a
moment drawn from a stratified uniform spread over one complete run's duration,
so that every phase (reading, writing processed data, charts, the swaps) is hit.

After each kill:

* each output folder (``data/processed/<wave>``, ``reports/_output/<wave>``) is,
  byte for byte, its OLD or its NEW version (never a half-written or mixed folder);
* after the recovery that every ``survey`` run performs first
  (``files.recover_interrupted`` for an interrupted multi-folder commit, and
  ``files.recover_dir`` for leftover staging folders), the pair of folders is
  (OLD, OLD) or (NEW, NEW), and no staging folder is left behind.

The first complete run happens in this test process (warming imports and caches);
the others are forked from it and call the real CLI entry point ``survey.cli.main``; a forked child dies from SIGKILL exactly like
a separately started one, without paying the import time for every trial.
Two complete runs on the same inputs must also give byte-identical files (only
the manifest's times may differ).
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import signal
import sys
import time
from pathlib import Path

import pytest

from survey import cli, files

REPO = Path(__file__).resolve().parents[1]
WAVE = "2024-demo"
NETWORK = "network_webropol.xlsx"
TRIALS = int(os.environ.get("SURVEY_KILL_TRIALS", "20"))
SEED = int(os.environ.get("SURVEY_KILL_SEED", "20240924"))
MANIFEST_TIMES = ("started", "finished", "duration_seconds")

CONFIG = f"""\
organisation:
  name: Testikunta
languages: [fi]
disclosure:
  min_group_size: 5
redaction:
  names: []
waves:
  - id: {WAVE}
    label: Testiaineisto
    synthetic: true
    datasets:
      network:
        file: {NETWORK}
"""

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not hasattr(os, "fork") or sys.platform != "linux", reason="needs fork (Linux)")]


def _folders(root: Path) -> tuple[Path, Path]:
    return root / "data" / "processed" / WAVE, root / "reports" / "_output" / WAVE


def _digest(path: Path) -> str:
    data = path.read_bytes()
    if path.name == "manifest.json":
        manifest = json.loads(data)
        for key in MANIFEST_TIMES:
            manifest.pop(key, None)
        data = json.dumps(manifest, sort_keys=True).encode()
    return hashlib.sha256(data).hexdigest()


def _state(folder: Path) -> dict[str, str] | None:
    """File name -> digest of every file in ``folder`` (None when the folder is missing)."""
    if not folder.is_dir():
        return None
    return {p.relative_to(folder).as_posix(): _digest(p) for p in sorted(folder.rglob("*")) if p.is_file()}


def _fork_run(root: Path) -> int:
    """Start ``survey run --no-render`` for ``root`` in a forked child; return its pid."""
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # child
        code = 99
        try:
            os.environ["SURVEY_PROJECT"] = str(root)
            os.environ["MPLBACKEND"] = "Agg"
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, 1)
            os.dup2(null, 2)
            sys.stdout = sys.stderr = open(os.devnull, "w")
            code = cli.main(["run", "--no-render"])
        finally:
            os._exit(code)
    return pid


def _complete_run(root: Path) -> float:
    start = time.monotonic()
    pid = _fork_run(root)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, "a complete survey run failed"
    return time.monotonic() - start


def _restore(root: Path, saved: tuple[Path, Path]) -> None:
    for target, copy in zip(_folders(root), saved):
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(copy, target)


def _recover(root: Path) -> None:
    """What every ``survey`` run does before it writes."""
    files.recover_interrupted(root)
    for folder in _folders(root):
        files.recover_dir(folder)


def _leftovers(root: Path) -> list[str]:
    """Staging folders, old folders or a commit journal left behind."""
    hidden = [p.name for folder in _folders(root) if folder.parent.is_dir()
              for p in folder.parent.iterdir() if p.name.startswith(".")]
    return sorted(hidden + [p.name for p in root.iterdir() if p.name.startswith(".survey-commit")])


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("kill")
    raw = root / "data" / "raw" / WAVE
    raw.mkdir(parents=True)
    (root / "survey.yml").write_text(CONFIG, encoding="utf-8")
    shutil.copytree(REPO / "instruments", root / "instruments")
    inputs = {"old": REPO / "data" / "raw" / "2024-demo" / NETWORK,
              "new": REPO / "data" / "raw" / "2026-demo" / NETWORK}
    return root, raw, inputs


def test_kill_at_random_moments_leaves_old_or_new_outputs(project):
    root, raw, inputs = project
    keep = root.parent / (root.name + "-old")

    shutil.copy2(inputs["old"], raw / NETWORK)
    with pytest.MonkeyPatch.context() as mp:    # in this process: warms every import and cache for the forks
        mp.setenv("SURVEY_PROJECT", str(root))
        mp.setenv("MPLBACKEND", "Agg")
        assert cli.main(["run", "--no-render"]) == 0
    old = tuple(_state(f) for f in _folders(root))
    for folder, name in zip(_folders(root), ("processed", "output")):
        shutil.copytree(folder, keep / name)
    saved = (keep / "processed", keep / "output")

    shutil.copy2(inputs["new"], raw / NETWORK)
    duration = _complete_run(root)
    new = tuple(_state(f) for f in _folders(root))
    assert old[0] != new[0] and old[1] != new[1], "old and new inputs must give different outputs"

    _complete_run(root)
    again = tuple(_state(f) for f in _folders(root))
    assert again == new, "two runs on the same inputs gave different files"

    rng = random.Random(SEED)
    moments = sorted(duration * (i + rng.random()) / TRIALS for i in range(TRIALS))
    outcomes = []
    for moment in moments:
        _restore(root, saved)
        pid = _fork_run(root)
        time.sleep(moment)
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        killed = os.WIFSIGNALED(status)

        state = tuple(_state(f) for f in _folders(root))
        where = f"kill at {moment:.2f}s of {duration:.2f}s (seed {SEED})"
        assert state[0] in (old[0], new[0]), f"{where}: data/processed/{WAVE} is neither old nor new"
        assert state[1] in (old[1], new[1]), f"{where}: reports/_output/{WAVE} is neither old nor new"

        _recover(root)
        state = tuple(_state(f) for f in _folders(root))
        assert state in (old, new), (f"{where}: after recovery the outputs mix two runs: processed is "
                                     f"{'new' if state[0] == new[0] else 'old'}, output is "
                                     f"{'new' if state[1] == new[1] else 'old'} (the pipeline must stage both "
                                     "folders inside files.commit_together(project.paths.root))")
        assert _leftovers(root) == [], f"{where}: leftovers {_leftovers(root)}"
        outcomes.append(("new" if state == new else "old") + ("" if killed else " (finished)"))

    assert len(outcomes) >= 20 or TRIALS < 20
    assert "old" in outcomes, f"no kill landed before the swap: {outcomes}"
