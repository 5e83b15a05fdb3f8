"""Atomic files and folders, reproducible workbooks, and formula-injection protection."""

import io
import subprocess
import sys
import zipfile

import openpyxl
import pandas as pd
import pytest

from survey import files
from survey.files import (
    csv_bytes,
    is_formula_like,
    neutralise_formulas,
    recover_dir,
    recover_interrupted,
    replace_dir_atomic,
    safe_cell,
    safe_csv_value,
    set_cell,
    staged_dir,
    staged_dirs,
    workbook_bytes,
    write_bytes_atomic,
    write_csv_atomic,
)

INJECTION = '=HYPERLINK("http://example.invalid","x")'


def _tree(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _dead_pid():
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_write_bytes_atomic_replaces_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "sub" / "a.txt"
    write_bytes_atomic(target, b"one")
    write_bytes_atomic(target, b"two")
    assert target.read_bytes() == b"two"
    assert [p.name for p in target.parent.iterdir()] == ["a.txt"]


def _make(folder, content):
    folder.mkdir(parents=True)
    for name, data in content.items():
        (folder / name).write_bytes(data)
    return folder


@pytest.mark.parametrize("exchange", [True, False])
def test_replace_dir_atomic_swaps_whole_folder(tmp_path, monkeypatch, exchange):
    if not exchange:
        monkeypatch.setattr(files, "_exchange", lambda a, b: False)
    target = _make(tmp_path / "out", {"a": b"old", "old-only": b"x"})
    staging = _make(tmp_path / ".out.staging", {"a": b"new", "new-only": b"y"})
    replace_dir_atomic(staging, target)
    assert _tree(target) == {"a": b"new", "new-only": b"y"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_replace_dir_atomic_when_target_is_new(tmp_path):
    staging = _make(tmp_path / "s", {"a": b"1"})
    replace_dir_atomic(staging, tmp_path / "deep" / "out")
    assert _tree(tmp_path / "deep" / "out") == {"a": b"1"}
    assert not staging.exists()


def test_staged_dir_swaps_on_success(tmp_path):
    target = _make(tmp_path / "out", {"a": b"old"})
    with staged_dir(target) as folder:
        assert folder.parent == target.parent and folder != target
        (folder / "b").write_bytes(b"new")
        assert _tree(target) == {"a": b"old"}   # readers still see the old folder
    assert _tree(target) == {"b": b"new"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_staged_dir_keeps_old_output_on_failure(tmp_path):
    target = _make(tmp_path / "out", {"a": b"old"})
    with pytest.raises(RuntimeError):
        with staged_dir(target) as folder:
            (folder / "a").write_bytes(b"half")
            raise RuntimeError("stage failed")
    assert _tree(target) == {"a": b"old"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_recover_dir_removes_dead_staging_and_restores_interrupted_swap(tmp_path):
    pid = _dead_pid()
    _make(tmp_path / f".out.staging-{pid}-0123abcd", {"a": b"half"})
    _make(tmp_path / f".out.old-{pid}-89abcdef", {"a": b"old"})   # killed between the two renames
    recover_dir(tmp_path / "out")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    assert _tree(tmp_path / "out") == {"a": b"old"}


def test_recover_dir_leaves_staging_of_live_process(tmp_path):
    live = _make(tmp_path / f".out.staging-{files.os.getpid()}-0123abcd", {"a": b"mine"})
    recover_dir(tmp_path / "out")
    assert live.exists()


def test_staged_dirs_changes_several_folders_together(tmp_path):
    one = _make(tmp_path / "data" / "w", {"a": b"old1"})
    two = _make(tmp_path / "reports" / "w", {"b": b"old2"})
    with staged_dirs([one, two]) as (s1, s2):
        (s1 / "a").write_bytes(b"new1")
        (s2 / "b").write_bytes(b"new2")
    assert _tree(one) == {"a": b"new1"} and _tree(two) == {"b": b"new2"}
    assert not (tmp_path / ".survey-commit.json").exists()


def test_staged_dirs_interrupted_swap_is_finished_by_recovery(tmp_path, monkeypatch):
    one = _make(tmp_path / "data" / "w", {"a": b"old1"})
    two = _make(tmp_path / "reports" / "w", {"b": b"old2"})
    real = files.replace_dir_atomic
    calls = []

    def crash_on_second(staging, target):
        calls.append(target)
        if len(calls) == 2:
            raise KeyboardInterrupt("killed")
        return real(staging, target)

    monkeypatch.setattr(files, "replace_dir_atomic", crash_on_second)
    with pytest.raises(KeyboardInterrupt):
        with staged_dirs([one, two]) as (s1, s2):
            (s1 / "a").write_bytes(b"new1")
            (s2 / "b").write_bytes(b"new2")
    assert _tree(one) == {"a": b"new1"} and _tree(two) == {"b": b"old2"}   # mixed until recovered
    monkeypatch.setattr(files, "replace_dir_atomic", real)
    assert recover_interrupted(tmp_path) is True
    assert _tree(one) == {"a": b"new1"} and _tree(two) == {"b": b"new2"}
    assert recover_interrupted(tmp_path) is False
    assert sorted(p.name for p in (tmp_path / "reports").iterdir()) == ["w"]


def test_recover_interrupted_ignores_torn_journal(tmp_path):
    (tmp_path / ".survey-commit.json").write_text("[{\"stag")
    assert recover_interrupted(tmp_path) is False
    assert not (tmp_path / ".survey-commit.json").exists()


@pytest.mark.parametrize("text, expected", [
    ("=1+1", True), ("+358", True), ("-ei", True), ("@SUM(A1)", True), ("\tx", True), ("\rx", True),
    ("ok", False), ("", False), (" =1", False), (5, False), (None, False),
])
def test_is_formula_like(text, expected):
    assert is_formula_like(text) is expected


def _reload(workbook):
    return openpyxl.load_workbook(io.BytesIO(workbook_bytes(workbook)))


def test_injected_formula_is_stored_as_text_in_xlsx():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = INJECTION                 # plain assignment: openpyxl would make a formula
    set_cell(ws["A2"], INJECTION)
    ws["A3"] = safe_cell(INJECTION)
    ws["A4"] = "-ei mitään"
    ws["A5"] = 12.5
    data = workbook_bytes(wb)
    xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml
    assert xml.count('<t>=HYPERLINK("http://example.invalid","x")</t>') == 3
    back = openpyxl.load_workbook(io.BytesIO(data)).active
    assert [back[f"A{i}"].value for i in range(1, 4)] == [INJECTION] * 3
    assert all(back[f"A{i}"].data_type == "s" for i in range(1, 5))
    assert back["A1"].quotePrefix and back["A2"].quotePrefix and back["A4"].quotePrefix
    assert back["A5"].value == 12.5 and not back["A5"].quotePrefix
    frame = pd.read_excel(io.BytesIO(data), header=None)
    assert frame.iloc[0, 0] == INJECTION


def test_neutralise_formulas_counts_and_workbook_bytes_are_reproducible():
    wb = openpyxl.Workbook()
    wb.active["A1"] = "=1+1"
    wb.active["B1"] = "ok"
    assert neutralise_formulas(wb) == 1
    assert wb.active["A1"].data_type == "s"
    assert workbook_bytes(wb) == workbook_bytes(wb)


@pytest.mark.parametrize("value, expected", [
    (INJECTION, "'" + INJECTION), ("+358 40", "'+358 40"), ("-5", "'-5"), ("@x", "'@x"),
    ("\tx", "'\tx"), ("ok", "ok"), (-5, -5), (None, None),
])
def test_safe_csv_value(value, expected):
    assert safe_csv_value(value) == expected


def test_csv_bytes_protects_text_cells_only(tmp_path):
    frame = pd.DataFrame({
        "id": ["1", "2"],
        "answer": pd.array([INJECTION, None], dtype="string"),
        "n": [-3, 4],
    })
    data = csv_bytes(frame)
    assert data.decode("utf-8") == (
        'id,answer,n\n1,"\'=HYPERLINK(""http://example.invalid"",""x"")",-3\n2,,4\n')
    assert csv_bytes(frame, bom=True).startswith("\ufeff".encode("utf-8"))
    path = write_csv_atomic(tmp_path / "t.csv", frame)
    assert path.read_bytes() == data
    assert frame["answer"].iloc[0] == INJECTION   # input unchanged


def test_commit_together_defers_swaps_to_the_end(tmp_path):
    one = _make(tmp_path / "data" / "w", {"a": b"old1"})
    two = _make(tmp_path / "reports" / "w", {"b": b"old2"})
    with files.commit_together(tmp_path):
        with staged_dir(one) as s1:
            (s1 / "a").write_bytes(b"new1")
        assert _tree(one) == {"a": b"old1"}        # not visible until the block ends
        with staged_dir(two) as s2:
            (s2 / "b").write_bytes(b"new2")
    assert _tree(one) == {"a": b"new1"} and _tree(two) == {"b": b"new2"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "reports"]
    assert sorted(p.name for p in (tmp_path / "data").iterdir()) == ["w"]


def test_commit_together_failure_keeps_every_folder(tmp_path):
    one = _make(tmp_path / "data" / "w", {"a": b"old1"})
    two = _make(tmp_path / "reports" / "w", {"b": b"old2"})
    with pytest.raises(ValueError):
        with files.commit_together(tmp_path):
            with staged_dir(one) as s1:
                (s1 / "a").write_bytes(b"new1")
            with staged_dir(two) as s2:
                (s2 / "b").write_bytes(b"half")
            raise ValueError("analysis failed after the first stage")
    assert _tree(one) == {"a": b"old1"} and _tree(two) == {"b": b"old2"}
    assert sorted(p.name for p in (tmp_path / "data").iterdir()) == ["w"]
    assert sorted(p.name for p in (tmp_path / "reports").iterdir()) == ["w"]


def test_commit_together_same_target_twice_keeps_the_later(tmp_path):
    one = _make(tmp_path / "data" / "w", {"a": b"old"})
    with files.commit_together(tmp_path):
        for text in (b"first", b"second"):
            with staged_dir(one) as stage:
                (stage / "a").write_bytes(text)
    assert _tree(one) == {"a": b"second"}
    assert sorted(p.name for p in (tmp_path / "data").iterdir()) == ["w"]


def test_staged_dir_finishes_interrupted_joint_commit_before_cleaning(tmp_path, monkeypatch):
    """A later run must not delete the staging folders a killed joint commit still needs."""
    one = _make(tmp_path / "data" / "w", {"a": b"old1"})
    two = _make(tmp_path / "reports" / "w", {"b": b"old2"})
    real = files.replace_dir_atomic
    calls = []

    def crash_on_second(staging, target):
        calls.append(target)
        if len(calls) == 2:
            raise KeyboardInterrupt("killed")
        return real(staging, target)

    monkeypatch.setattr(files, "replace_dir_atomic", crash_on_second)
    with pytest.raises(KeyboardInterrupt):
        with files.commit_together(tmp_path):
            with staged_dir(one) as s1:
                (s1 / "a").write_bytes(b"new1")
            with staged_dir(two) as s2:
                (s2 / "b").write_bytes(b"new2")
    monkeypatch.setattr(files, "replace_dir_atomic", real)
    monkeypatch.setattr(files, "_pid_alive", lambda pid: False)   # as if the killed run's process were gone
    recover_dir(two)
    assert _tree(one) == {"a": b"new1"} and _tree(two) == {"b": b"new2"}
