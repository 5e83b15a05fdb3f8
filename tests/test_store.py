"""The output store: one tree per run, swapped in whole; recovery that trusts only what it made."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
import textwrap

import pytest

from survey import store
from survey.errors import Busy, InputError, OutputError
from survey.project.paths import Paths

WAVE = "w1"


def _tree(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _run(paths, content: dict, wave=WAVE):
    with store.staged_tree(paths, wave) as tree:
        for name, data in content.items():
            (tree.root / name).parent.mkdir(parents=True, exist_ok=True)
            (tree.root / name).write_bytes(data)
    return paths.output(wave)


def _visible(paths, wave=WAVE):
    return {k: v for k, v in _tree(paths.output(wave)).items() if k != store.MARKER}


def _bookkeeping(paths):
    root = paths.output_root
    return sorted(p.name for p in root.iterdir()), sorted(p.name for p in (root / store.RUNS).iterdir())


@pytest.fixture
def paths(tmp_path):
    root = tmp_path / "project"
    root.mkdir()
    return Paths(root)


def test_a_run_becomes_visible_whole_and_replaces_the_previous_tree(paths):
    _run(paths, {"processed/a.parquet": b"one", "results/r.json": b"{}"})
    assert _visible(paths) == {"processed/a.parquet": b"one", "results/r.json": b"{}"}
    assert paths.output(WAVE).is_symlink()
    _run(paths, {"processed/a.parquet": b"two"})
    assert _visible(paths) == {"processed/a.parquet": b"two"}
    top, runs = _bookkeeping(paths)
    assert top == [".lock", store.RUNS, WAVE] and len(runs) == 1, "the previous tree must be removed"
    assert os.readlink(paths.output(WAVE)) == f"{store.RUNS}/{runs[0]}"


def test_a_failing_run_changes_nothing_and_leaves_no_staging(paths):
    _run(paths, {"processed/a.parquet": b"old"})
    before = _bookkeeping(paths)
    with pytest.raises(ValueError):
        with store.staged_tree(paths, WAVE) as tree:
            (tree.root / "processed").mkdir()
            (tree.root / "processed" / "a.parquet").write_bytes(b"half")
            assert _visible(paths) == {"processed/a.parquet": b"old"}   # staging is never visible
            raise ValueError("analysis failed")
    assert _visible(paths) == {"processed/a.parquet": b"old"}
    assert _bookkeeping(paths) == before


def test_disk_full_is_one_sentence_and_keeps_outputs(paths):
    _run(paths, {"a": b"old"})
    with pytest.raises(OutputError) as info:
        with store.staged_tree(paths, WAVE) as tree:
            raise OSError(errno.ENOSPC, "No space left on device", str(tree.root / "figures" / "x.png"))
    assert info.value.exit_code == 5
    text = info.value.describe()
    assert "disk is full" in text and "previous outputs are intact" in text
    assert "output/w1/figures/x.png" in text and ".runs" not in text
    assert _visible(paths) == {"a": b"old"} and len(_bookkeeping(paths)[1]) == 1


@pytest.fixture
def no_symlinks(monkeypatch):
    def refuse(text, path):
        raise OSError(errno.EPERM, "symlinks not permitted here", str(path))

    monkeypatch.setattr(store, "make_link", refuse)


def test_fallback_without_symlinks_keeps_a_real_folder(paths, no_symlinks):
    _run(paths, {"a": b"one"})
    assert paths.output(WAVE).is_dir() and not paths.output(WAVE).is_symlink()
    _run(paths, {"a": b"two"})
    assert _visible(paths) == {"a": b"two"}
    assert _bookkeeping(paths) == ([".lock", store.RUNS, WAVE], [])


def test_a_real_folder_from_a_copy_becomes_the_link_layout(paths):
    real = paths.output(WAVE)
    real.mkdir(parents=True)
    (real / "a").write_bytes(b"copied")
    _run(paths, {"a": b"new"})
    assert paths.output(WAVE).is_symlink() and _visible(paths) == {"a": b"new"}
    assert len(_bookkeeping(paths)[1]) == 1


@pytest.mark.parametrize("fallback", [False, True])
def test_interrupted_swap_is_restored_before_anyone_reads(paths, monkeypatch, fallback):
    """Killed after the old tree was moved aside and before the new one came in: recovery puts the old back."""
    if fallback:
        monkeypatch.setattr(store, "make_link", lambda text, path: (_ for _ in ()).throw(OSError(errno.EPERM, "x")))
        _run(paths, {"a": b"old"})
    else:
        paths.output(WAVE).mkdir(parents=True)
        (paths.output(WAVE) / "a").write_bytes(b"old")
    real_rename, real_replace = os.rename, os.replace

    def die_after_retiring(src, dst, *args, **kwargs):
        if str(dst).endswith(".retired"):
            real_rename(src, dst)
            raise KeyboardInterrupt("killed between the two renames")
        return real_rename(src, dst, *args, **kwargs)

    monkeypatch.setattr(store.os, "rename", die_after_retiring)
    monkeypatch.setattr(store.os, "replace", real_replace)
    with pytest.raises(KeyboardInterrupt):
        with store.staged_tree(paths, WAVE) as tree:
            (tree.root / "a").write_bytes(b"new")
    monkeypatch.setattr(store.os, "rename", real_rename)
    # the store's own handler already put the old tree back; simulate a real kill by moving it aside again
    if _visible(paths) == {"a": b"old"}:
        retired = paths.output_root / store.RUNS / f"{WAVE}.{os.getpid()}-0123456789ab.retired"
        os.rename(paths.output(WAVE), retired)
    assert not os.path.lexists(paths.output(WAVE))
    assert "restored w1" in store.recover(paths)
    assert _visible(paths) == {"a": b"old"}


def test_staging_left_by_a_killed_run_is_removed_by_the_next_one(paths):
    _run(paths, {"a": b"old"})
    runs = paths.output_root / store.RUNS
    dead = runs / f"{WAVE}.999999-0123456789ab"
    dead.mkdir()
    (dead / store.MARKER).write_text(store._marker_text(WAVE), encoding="utf-8")
    (dead / "half.png").write_bytes(b"x")
    stub = runs / f"{WAVE}.999998-0123456789ab"      # killed between mkdir and the marker
    stub.mkdir()
    link = paths.output_root / f".{WAVE}.999997-0123456789ab.link"
    os.symlink(f"{store.RUNS}/{dead.name}", link)
    _run(paths, {"a": b"new"})
    assert not dead.exists() and not stub.exists() and not os.path.lexists(link)
    assert _visible(paths) == {"a": b"new"}


def test_recovery_leaves_what_it_did_not_make(paths, tmp_path):
    """Foreign entries, links and journals are never followed, deleted or trusted."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("precious", encoding="utf-8")
    _run(paths, {"a": b"old"})
    runs = paths.output_root / store.RUNS
    foreign = runs / f"{WAVE}.999999-0123456789ab"       # the store's name, no marker, real content
    foreign.mkdir()
    (foreign / "notes.txt").write_text("not ours", encoding="utf-8")
    os.symlink(outside, runs / f"{WAVE}.999998-0123456789ab")            # named like staging, leads outside
    os.symlink(outside, runs / f"{WAVE}.999997-0123456789ab.retired")    # named like a retired tree
    (paths.root / ".survey-commit.json").write_text(json.dumps(          # the old journal design, crafted
        [{"staging": str(outside), "target": str(outside), "inode": os.stat(outside).st_ino}]), encoding="utf-8")
    _run(paths, {"a": b"new"})
    assert (outside / "keep.txt").read_text(encoding="utf-8") == "precious"
    assert (foreign / "notes.txt").is_file()
    assert _visible(paths) == {"a": b"new"}


def test_a_crafted_wave_link_is_replaced_without_touching_its_target(paths, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("precious", encoding="utf-8")
    paths.output_root.mkdir()
    os.symlink(outside, paths.output_root / WAVE)
    _run(paths, {"a": b"new"})
    assert (outside / "keep.txt").read_text(encoding="utf-8") == "precious"
    assert _visible(paths) == {"a": b"new"}


@pytest.mark.parametrize("what", ["output", "runs"])
def test_an_output_folder_that_is_a_symlink_is_refused(paths, tmp_path, what):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    if what == "output":
        os.symlink(outside, paths.output_root)
    else:
        paths.output_root.mkdir()
        os.symlink(outside, paths.output_root / store.RUNS)
    with pytest.raises(InputError):
        _run(paths, {"a": b"new"})
    assert list(outside.iterdir()) == []


@pytest.mark.parametrize("wave", ["../raw/adv", ".", "..", "/abs/path", "a/b", "", " x", ".hidden", "x\x1b"])
def test_the_store_refuses_wave_ids_that_are_not_plain_names(paths, wave):
    from survey.errors import ConfigError

    with pytest.raises(ConfigError):
        _run(paths, {"a": b"x"}, wave=wave)
    assert not paths.output_root.exists() or not any(paths.output_root.glob("**/a"))


def test_a_second_writer_is_told_to_wait(paths):
    paths.output_root.mkdir()
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import fcntl, os, sys, time
        fd = os.open({str(paths.output_root / store.LOCK)!r}, os.O_RDWR | os.O_CREAT)
        fcntl.lockf(fd, fcntl.LOCK_EX)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        print("locked", flush=True)
        time.sleep(30)
    """)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(Busy) as info:
            _run(paths, {"a": b"x"})
        assert info.value.exit_code == 6 and str(holder.pid) in info.value.describe()
        assert store.recover(paths) == []          # a reader does not clean under a live writer
    finally:
        holder.kill()
        holder.wait()
    _run(paths, {"a": b"x"})                       # the lock died with its holder
    assert _visible(paths) == {"a": b"x"}


@pytest.mark.slow
@pytest.mark.skipif(sys.platform != "linux", reason="RLIMIT_FSIZE semantics checked on Linux")
def test_file_size_limit_is_one_sentence_and_keeps_outputs(paths):
    """``ulimit -f``: Python ignores SIGXFSZ, the write fails with EFBIG, the store says so."""
    _run(paths, {"a": b"old"})
    script = textwrap.dedent(f"""
        import resource, sys
        from survey import store
        from survey.store import files
        from survey.project.paths import Paths
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
        paths = Paths(__import__("pathlib").Path({str(paths.root)!r}))
        try:
            with store.staged_tree(paths, "w1") as tree:
                files.write_bytes_atomic(tree.root / "big", b"x" * 100_000)
        except Exception as exc:
            print(type(exc).__name__, exc.exit_code, exc.describe())
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.stdout.startswith("OutputError 5 "), done.stdout + done.stderr
    assert "file size limit" in done.stdout and "output/w1/big" in done.stdout
    assert _visible(paths) == {"a": b"old"} and len(_bookkeeping(paths)[1]) == 1


def test_a_staged_tree_is_flushed_once_not_file_by_file(tmp_path, monkeypatch):
    """Inside ``deferred_flush(root)`` a write under ``root`` skips its own fsync (elsewhere it does not);
    ``flush_tree`` then puts the whole tree on disk (syncfs, else one fsync per file and folder)."""
    import os

    from survey.store import files

    calls = []
    real = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: calls.append(fd) or real(fd))
    root, elsewhere = tmp_path / "staging", tmp_path / "other"
    with files.deferred_flush(root):
        files.write_bytes_atomic(root / "figures" / "a.png", b"a")
        files.write_bytes_atomic(root / "b.json", b"b")
        assert calls == []
        files.write_bytes_atomic(elsewhere / "c.txt", b"c")
        assert len(calls) == 1
    files.write_bytes_atomic(root / "d.json", b"d")  # outside the block: flushed as written
    assert len(calls) == 2
    monkeypatch.setattr(files, "_syncfs", lambda root: False)  # no syncfs: every file and folder
    calls.clear()
    files.flush_tree(root)
    assert len(calls) == 3 + 2  # a.png, b.json, d.json; the tree's two folders
    assert (root / "figures" / "a.png").read_bytes() == b"a"
