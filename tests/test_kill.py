"""SIGKILL ``survey run`` at well-chosen moments: the visible outputs are entirely old or entirely new.

A small project: the network dataset only (three questions), in one language, so a
complete run is short and writes every kind of output (processed data, results,
charts, workbooks, the deck, the manifest); its charts are drawn once and replayed
in later runs (the session's figure memo, tests/_figures.py). Inputs ``old`` (the 2024 demo network export) and ``new`` (the 2026 one,
as the same wave) give two different complete output trees, OLD and NEW. Each trial
restores OLD, starts ``survey run --no-render`` on the new inputs and kills it with
SIGKILL:

* just before each kind of output is first written (the run's writes all go through
  ``survey.store.files.write_bytes_atomic``; a complete run's writes are counted and the
  kill points are the first write of the processed data, of the results, of the
  charts, a chart in the middle, the tables workbook, the deck and the manifest), and
  twice inside a write (the temporary file complete, not yet renamed);
* at a few moments drawn from a stratified uniform spread over one complete run's
  duration (seeded), for the steps that write nothing (folders, links, markers);
* at each step of the final commit itself (before the link, between the temporary
  link and the rename, after the rename, in the middle of removing the previous
  tree), for the symlink layout, for a real folder turned into the link layout, and
  for the documented fallback without symlinks.

After each kill the wave's one tree ``output/<wave>`` (processed data, results,
figures, workbooks together) is, byte for byte, OLD or NEW, or (only in the fallback
swap's two-rename window) missing; after the recovery that every ``survey run``,
``validate`` and ``render`` performs first it is OLD or NEW and nothing the killed run
made is left behind. The first complete run happens in this test process (warming
imports and caches); the others are forked from it and call the real CLI entry point
``survey.cli.main``; a forked child dies from SIGKILL exactly like a separately
started one, without paying the import time for every trial. Two complete runs on
the same inputs must also give byte-identical files (only the manifest's times may
differ).
"""

from __future__ import annotations

import errno
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

from survey import cli, store
from survey.project.paths import Paths
from survey.store import files

REPO = Path(__file__).resolve().parents[1]
WAVE = "2024-demo"
NETWORK = "network_webropol.xlsx"
TRIALS = int(os.environ.get("SURVEY_KILL_TRIALS", "4"))    # random moments (the write kill points are fixed)
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


def _tree(root: Path) -> Path:
    return Paths(root).output(WAVE)


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


def _fork_run(root: Path, patch=None) -> int:
    """Start ``survey run --no-render`` for ``root`` in a forked child; return its pid.

    ``patch(kill)`` runs in the child first: it may replace a store function with one
    that calls ``kill()`` (SIGKILL of the child itself) at a chosen step.
    """
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
            if patch is not None:
                patch(lambda: os.kill(os.getpid(), signal.SIGKILL))
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


def _save(root: Path, keep: Path) -> Path:
    """A copy of the whole ``output/`` folder, links kept as links (what a complete run leaves)."""
    if keep.exists():
        shutil.rmtree(keep)
    shutil.copytree(root / "output", keep, symlinks=True)
    return keep


def _restore(root: Path, saved: Path) -> None:
    shutil.rmtree(root / "output", ignore_errors=True)
    shutil.copytree(saved, root / "output", symlinks=True)


def _leftovers(root: Path) -> list[str]:
    """Anything in ``output/`` besides the lock, the visible tree and the one tree it links to."""
    out = root / "output"
    top = [p.name for p in out.iterdir() if p.name not in (".lock", store.RUNS, WAVE)]
    runs = sorted(p.name for p in (out / store.RUNS).iterdir()) if (out / store.RUNS).is_dir() else []
    linked = os.readlink(out / WAVE).split("/")[-1] if (out / WAVE).is_symlink() else None
    return sorted(top + [f"{store.RUNS}/{name}" for name in runs if name != linked])


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


@pytest.fixture(scope="module")
def states(project):
    """OLD and NEW trees, and a saved OLD ``output/`` folder, from complete runs."""
    root, raw, inputs = project
    shutil.copy2(inputs["old"], raw / NETWORK)
    with pytest.MonkeyPatch.context() as mp:    # in this process: warms every import and cache for the forks
        mp.setenv("SURVEY_PROJECT", str(root))
        mp.setenv("MPLBACKEND", "Agg")
        assert cli.main(["run", "--no-render"]) == 0
    old = _state(_tree(root))
    saved = _save(root, root.parent / (root.name + "-old"))
    real_old = root.parent / (root.name + "-old-real")      # the same tree as a real folder (a copy, an old layout)
    if real_old.exists():
        shutil.rmtree(real_old)
    shutil.copytree(_tree(root), real_old)

    shutil.copy2(inputs["new"], raw / NETWORK)
    writes = []                                 # the first NEW run, in this process: the run's writes, in order
    real = files.write_bytes_atomic
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SURVEY_PROJECT", str(root))
        mp.setenv("MPLBACKEND", "Agg")
        mp.setattr(files, "write_bytes_atomic", lambda path, data: writes.append(str(path)) or real(path, data))
        assert cli.main(["run", "--no-render"]) == 0
    new = _state(_tree(root))
    assert old != new, "old and new inputs must give different outputs"
    assert {k for k in old if k.startswith("processed/")} and {k for k in old if k.startswith("figures/")}
    assert any(old[k] != new[k] for k in old if k.startswith("processed/") and k in new)
    assert sum(1 for k in new if k.startswith("figures/") and k.endswith(".png")) == 3  # three slide charts

    _restore(root, saved)                       # a trial without a kill: forked, from OLD, as every trial runs
    duration = _complete_run(root)
    assert _state(_tree(root)) == new, "two runs on the same inputs gave different files"
    return {"old": old, "new": new, "saved": saved, "real_old": real_old, "duration": duration, "writes": writes}


def _kill_trial(root: Path, patch=None, moment: float | None = None) -> bool:
    pid = _fork_run(root, patch)
    if moment is not None:
        time.sleep(moment)
        os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    return os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL


def _check_after_kill(root: Path, states: dict, where: str, allow_missing: bool = False) -> str:
    state = _state(_tree(root))
    allowed = (states["old"], states["new"]) + ((None,) if allow_missing else ())
    assert state in allowed, f"{where}: output/{WAVE} is neither the old nor the new tree (a mix or half-written)"
    store.recover(Paths(root))
    state = _state(_tree(root))
    assert state in (states["old"], states["new"]), f"{where}: after recovery output/{WAVE} is neither old nor new"
    assert _leftovers(root) == [], f"{where}: leftovers {_leftovers(root)}"
    return "new" if state == states["new"] else "old"


def _kinds(writes: list[str]) -> dict[str, int]:
    """Which write of a complete run each kill point stops before (its index in the run's writes)."""
    paths = [Path(w) for w in writes]
    charts = [i for i, p in enumerate(paths) if "figures" in p.parts]

    def first(test) -> int:
        return next(i for i, p in enumerate(paths) if test(p))

    return {"the first processed file": first(lambda p: "processed" in p.parts),
            "the first result": first(lambda p: "results" in p.parts),
            "the first chart file": charts[0],
            "a chart file in the middle": charts[len(charts) // 2],
            "the tables workbook": first(lambda p: p.name.startswith("tables")),
            "the deck": first(lambda p: p.name.startswith("slides")),
            "the manifest": first(lambda p: p.name == "manifest.json")}


WRITE_KILLS = ["the first processed file", "the first result", "the first chart file", "a chart file in the middle",
               "the tables workbook", "the deck", "the manifest"]


def _kill_at_write(index: int, inside: bool = False):
    """A patch that SIGKILLs the child before its ``index``-th file write, or (``inside``) when that write's
    temporary file is complete but not yet renamed into place."""
    def patch(kill):
        if inside:
            real, calls = files.os.replace, []

            def replace(src, dst, *args, **kwargs):
                if str(src).endswith(".tmp"):
                    calls.append(dst)
                    if len(calls) == index + 1:
                        kill()
                return real(src, dst, *args, **kwargs)

            files.os.replace = replace
            return
        real, calls = files.write_bytes_atomic, []

        def write(path, data):
            calls.append(path)
            if len(calls) == index + 1:
                kill()
            return real(path, data)

        files.write_bytes_atomic = write
    return patch


@pytest.mark.parametrize("where", WRITE_KILLS)
def test_kill_before_each_kind_of_output_leaves_the_old_outputs(project, states, where):
    root, _raw, _inputs = project
    index = _kinds(states["writes"])[where]
    _restore(root, states["saved"])
    assert _kill_trial(root, _kill_at_write(index)), f"the run was not killed before {where}"
    assert _check_after_kill(root, states, f"kill before {where} (write {index + 1})") == "old"


@pytest.mark.parametrize("where", ["a chart file in the middle", "the manifest"])
def test_kill_inside_a_write_leaves_no_half_file(project, states, where):
    root, _raw, _inputs = project
    index = _kinds(states["writes"])[where]
    _restore(root, states["saved"])
    assert _kill_trial(root, _kill_at_write(index, inside=True)), f"the run was not killed inside {where}"
    assert _check_after_kill(root, states, f"kill inside the write of {where} (write {index + 1})") == "old"


def test_kill_at_random_moments_leaves_old_or_new_outputs(project, states):
    root, _raw, _inputs = project
    duration = states["duration"]
    rng = random.Random(SEED)
    moments = sorted(duration * (i + rng.random()) / TRIALS for i in range(TRIALS))
    outcomes = []
    for moment in moments:
        _restore(root, states["saved"])
        killed = _kill_trial(root, moment=moment)
        outcome = _check_after_kill(root, states, f"kill at {moment:.2f}s of {duration:.2f}s (seed {SEED})")
        outcomes.append(outcome + ("" if killed else " (finished)"))
    assert len(outcomes) == TRIALS
    assert "old" in outcomes, f"no kill landed before the swap: {outcomes}"
    _restore(root, states["saved"])
    _kill_trial(root, moment=duration * 0.6)
    _complete_run(root)                      # the next successful run cleans whatever the killed one left
    assert _leftovers(root) == [] and _state(_tree(root)) == states["new"]


def _to_wave(args) -> bool:
    return Path(str(args[1])).name == WAVE


def _to_retired(args) -> bool:
    return str(args[1]).endswith(".retired")


def _kill_on(name: str, when: str = "before", match=None, module=store.os):
    """A patch that SIGKILLs the child at the first call of ``module.name`` whose arguments ``match``."""
    def patch(kill):
        real = getattr(module, name)

        def wrapper(*args, **kwargs):
            hit = match is None or match(args)
            if hit and when == "before":
                kill()
            result = real(*args, **kwargs)
            if hit and when == "after":
                kill()
            return result

        setattr(module, name, wrapper)
    return patch


def _no_symlinks(patch=None):
    def combined(kill):
        def refuse(text, path):
            raise OSError(errno.EPERM, "symlinks not permitted here", str(path))
        store.make_link = refuse
        if patch is not None:
            patch(kill)
    return combined


def _half_rmtree(kill):
    """Kill while a previous tree is being deleted: some of its files are gone, the rest not."""
    real = store.shutil.rmtree

    def rmtree(path, *args, **kwargs):
        if f"/{store.RUNS}/" in str(path):
            victims = sorted(p for p in Path(path).rglob("*") if p.is_file())
            for p in victims[: max(1, len(victims) // 2)]:
                p.unlink()
            kill()
        return real(path, *args, **kwargs)

    store.shutil.rmtree = rmtree


COMMIT_KILLS = {
    # layout of OLD, the patch, the tree after recovery, may output/<wave> be missing right after the kill
    "link: before the temporary link": ("link", _kill_on("make_link", module=store), "old", False),
    "link: temporary link made, before the rename": ("link", _kill_on("make_link", "after", module=store),
                                                     "old", False),
    "link: before the rename": ("link", _kill_on("replace", match=_to_wave), "old", False),
    "link: right after the rename": ("link", _kill_on("replace", "after", match=_to_wave), "new", False),
    "link: removing the previous tree": ("link", _half_rmtree, "new", False),
    "real folder: moved aside, link not yet in": ("real", _kill_on("rename", "after", match=_to_retired),
                                                  "old", True),
    "real folder: link in, old not yet removed": ("real", _kill_on("replace", "after", match=_to_wave),
                                                  "new", False),
    "real folder: removing the old folder": ("real", _half_rmtree, "new", False),
    "no symlinks: moved aside, new not yet in": ("fallback", _no_symlinks(_kill_on("rename", "after",
                                                                                   match=_to_retired)),
                                                 "old", True),
    "no symlinks: new in, old not yet removed": ("fallback", _no_symlinks(_kill_on("rename", "after",
                                                                                   match=_to_wave)),
                                                 "new", False),
    "no symlinks: removing the old folder": ("fallback", _no_symlinks(_half_rmtree), "new", False),
}


@pytest.mark.parametrize("case", list(COMMIT_KILLS))
def test_kill_inside_the_final_commit(project, states, case):
    root, _raw, _inputs = project
    layout, patch, expected, may_be_missing = COMMIT_KILLS[case]
    _restore(root, states["saved"])
    if layout != "link":                         # OLD as a real folder: a copy, an older layout, or the fallback
        tree = _tree(root)
        tree.unlink()
        shutil.copytree(states["real_old"], tree)
        store.recover(Paths(root))
        assert _leftovers(root) == []
    assert _kill_trial(root, patch), f"{case}: the run was not killed at that step"
    outcome = _check_after_kill(root, states, case, allow_missing=may_be_missing)
    assert outcome == expected, f"{case}: after recovery the tree is {outcome}, expected {expected}"


def test_validate_and_render_repair_an_interrupted_swap_before_reading(project, states, capsys):
    """A kill between the fallback's two renames: the next ``survey validate`` puts the old tree back first."""
    root, _raw, _inputs = project
    _restore(root, states["saved"])
    tree = _tree(root)
    tree.unlink()
    shutil.copytree(states["real_old"], tree)
    store.recover(Paths(root))
    assert _kill_trial(root, _no_symlinks(_kill_on("rename", "after", match=_to_retired)))
    assert not os.path.lexists(tree)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SURVEY_PROJECT", str(root))
        assert cli.main(["validate"]) == 0
    assert _state(tree) == states["old"] and _leftovers(root) == []
