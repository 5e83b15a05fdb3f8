"""No input may delete data, reach outside the project, or vanish silently (issue 19).

Each test is one failure seen when hostile or careless inputs were replayed on a
project holding a good run's outputs. The wave-id and path cases build the
``Project`` directly (the config loader rejects them too; this layer must hold on
its own).
"""

from __future__ import annotations

import dataclasses
import errno
import hashlib
import json
import os
import re
import select
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import openpyxl
import pytest

from survey import cli, store
from survey.store import files
from survey.project.config import load_project
from survey.errors import EXIT_BAD_INPUT, EXIT_CANNOT_WRITE, EXIT_INTERRUPTED, EXIT_USAGE, ConfigError, InputError
from survey.project.paths import Paths
from survey.pipeline import run_wave

WAVE = "2024-demo"
NETWORK = "network_webropol.xlsx"
PASSWD_LINE = re.compile(r"root:.*:0:0:")


def _hashes(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _everything(root: Path) -> dict[str, str]:
    """Every file of the project (raw data, outputs, config), links followed."""
    return _hashes(root)


@pytest.fixture(scope="module")
def baseline(tmp_path_factory):
    """The network-only demo project after one good run (built once, copied for each test)."""
    from conftest import NETWORK_ONLY, copy_project

    root = copy_project(tmp_path_factory.mktemp("hardening") / "project", waves=(WAVE,))
    (root / "survey.yml").write_text(NETWORK_ONLY, encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SURVEY_PROJECT", str(root))
        mp.setenv("MPLBACKEND", "Agg")
        assert cli.main(["run", "--no-render"]) == 0
    return root


@pytest.fixture
def ran(baseline, tmp_path, monkeypatch):
    """A fresh copy of the project after one good run; ``SURVEY_PROJECT`` points at it."""
    import shutil

    root = tmp_path / "project"
    shutil.copytree(baseline, root, symlinks=True)
    monkeypatch.setenv("SURVEY_PROJECT", str(root))
    return root


def _with_wave(project, **changes):
    wave = dataclasses.replace(project.waves[0], **changes)
    return dataclasses.replace(project, waves=(wave,))


def _with_file(project, file: str):
    wave = project.waves[0]
    spec = wave.datasets["network"].model_copy(update={"file": file})  # unvalidated, as if crafted
    return _with_wave(project, datasets={"network": spec})


def _cli(argv, project, monkeypatch, capsys) -> tuple[int, str]:
    """Run the CLI on a crafted Project (as if survey.yml had held it)."""
    monkeypatch.setattr("survey.cli.load_project", lambda root=None: project)
    capsys.readouterr()
    code = cli.main(argv)
    captured = capsys.readouterr()
    return code, captured.out + captured.err


# --- 1. wave ids and export paths are names inside the project ------------------------------------

@pytest.mark.parametrize("bad", ["../raw/adv", ".", "..", "/abs/path", "../../outside", "a/../../b", ""])
def test_a_wave_id_that_is_a_path_deletes_and_writes_nothing(ran, bad, tmp_path, monkeypatch, capsys):
    if bad == "/abs/path":
        bad = str(tmp_path / "abs" / "path")
    before = _everything(ran)
    project = _with_wave(load_project(ran), id=bad)
    with pytest.raises(ConfigError) as info:
        run_wave(project, bad, render=False)
    assert "not a plain name" in info.value.describe()
    assert _everything(ran) == before
    assert not (tmp_path / "abs").exists()
    code, message = _cli(["validate", "--wave", bad], project, monkeypatch, capsys)
    assert code == EXIT_USAGE and "valid:" not in message and "is valid" not in message
    code, message = _cli(["run", "--wave", bad, "--no-render"], project, monkeypatch, capsys)
    assert code == EXIT_USAGE and "Traceback" not in message
    assert _everything(ran) == before


def test_validate_of_a_wave_named_like_a_raw_folder_is_not_valid(ran, monkeypatch, capsys):
    """``id: ../raw/adv`` with a real ``data/raw/adv`` export: validate used to read it and say "valid"."""
    adv = ran / "data" / "raw" / "adv"
    adv.mkdir()
    (adv / NETWORK).write_bytes((ran / "data" / "raw" / WAVE / NETWORK).read_bytes())
    project = _with_wave(load_project(ran), id="../raw/adv")
    code, message = _cli(["validate", "--wave", "../raw/adv"], project, monkeypatch, capsys)
    assert code == EXIT_USAGE and "valid" not in message.replace("not a plain", "")
    assert (adv / NETWORK).is_file()


@pytest.mark.parametrize("file", ["/etc/passwd", "../../../survey.yml", "../2026-demo/network_webropol.xlsx",
                                  "..\\..\\survey.yml", "C:\\Windows\\win.ini"])
def test_an_export_path_that_leaves_the_wave_folder_is_refused_unread(ran, file, monkeypatch, capsys):
    before = _everything(ran)
    project = _with_file(load_project(ran), file)
    code, message = _cli(["validate"], project, monkeypatch, capsys)
    assert code == EXIT_USAGE, message
    assert "data/raw/2024-demo/" in message and "no absolute path" in message
    assert not PASSWD_LINE.search(message)
    code, message = _cli(["run", "--no-render"], project, monkeypatch, capsys)
    assert code == EXIT_USAGE and not PASSWD_LINE.search(message)
    assert _everything(ran) == before
    assert not list(Paths(ran).output_root.glob("*.validation-failed.json"))


def test_a_symlinked_export_leading_outside_is_refused_and_never_echoed(ran, monkeypatch, capsys):
    raw = ran / "data" / "raw" / WAVE / NETWORK
    raw.unlink()
    raw.symlink_to("/etc/passwd")
    before = _hashes(Paths(ran).output(WAVE))
    for argv in (["validate"], ["run", "--no-render"]):
        capsys.readouterr()
        code = cli.main(argv)
        message = "".join(capsys.readouterr())
        assert code == EXIT_BAD_INPUT, message
        assert "outside the project" in message and "network_webropol.xlsx" in message
        assert not PASSWD_LINE.search(message)
    assert _hashes(Paths(ran).output(WAVE)) == before
    for report in Paths(ran).output_root.glob("*.json"):
        assert not PASSWD_LINE.search(report.read_text(encoding="utf-8"))


def test_a_symlinked_wave_folder_leading_outside_is_refused(ran, tmp_path, capsys):
    outside = tmp_path / "elsewhere"
    (ran / "data" / "raw" / WAVE).rename(outside)
    (ran / "data" / "raw" / WAVE).symlink_to(outside, target_is_directory=True)
    assert cli.main(["validate"]) == EXIT_BAD_INPUT
    assert "outside the project" in capsys.readouterr().err


def test_a_symlinked_export_inside_the_project_is_read(ran, capsys):
    shared = ran / "data" / "shared"
    shared.mkdir()
    raw = ran / "data" / "raw" / WAVE / NETWORK
    raw.rename(shared / NETWORK)
    raw.symlink_to(Path("..", "..", "shared", NETWORK))
    assert cli.main(["validate"]) == 0
    assert "is valid" in capsys.readouterr().out


def test_paths_refuse_by_themselves(tmp_path):
    paths = Paths(tmp_path)
    for bad in ("../raw/adv", ".", "/abs/path", "a b", "x\x1b[31m", "..", "a/b", "a\\b", None, True):
        with pytest.raises(ConfigError):
            paths.raw(bad)
        with pytest.raises(ConfigError):
            paths.output(bad)
    for bad in ("/etc/passwd", "../../../survey.yml", "sub/../../x", "", "\x00"):
        with pytest.raises(ConfigError):
            paths.raw_file("w", bad)
    assert paths.raw_file("w", "sub/export.xlsx") == tmp_path / "data" / "raw" / "w" / "sub" / "export.xlsx"
    with pytest.raises(ConfigError):
        paths.project_file("/etc/passwd", "organisation logo")
    with pytest.raises(ConfigError):
        paths.project_file("../logo.png", "organisation logo")
    (tmp_path / "link.png").symlink_to("/etc/passwd")
    with pytest.raises(InputError):
        paths.project_file("link.png", "organisation logo")


def test_a_crafted_commit_journal_deletes_nothing(ran, tmp_path, capsys):
    """The old design's ``.survey-commit.json`` with absolute paths made a run delete a folder outside."""
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "thesis.docx").write_bytes(b"years of work")
    staging = tmp_path / "staging"
    staging.mkdir()
    journal = [{"staging": str(staging), "target": str(victim), "inode": os.stat(staging).st_ino},
               {"staging": str(victim), "target": str(staging), "inode": os.stat(victim).st_ino}]
    (ran / ".survey-commit.json").write_text(json.dumps(journal), encoding="utf-8")
    assert cli.main(["run", "--no-render"]) == 0
    assert (victim / "thesis.docx").read_bytes() == b"years of work" and staging.is_dir()


def test_a_logo_that_is_not_a_png_is_one_sentence(ran, capsys):
    (ran / "logo.png").write_bytes(b"GIF89a not a png at all")
    config = (ran / "survey.yml").read_text(encoding="utf-8")
    (ran / "survey.yml").write_text(config.replace("organisation: {name: Testikunta}",
                                                   "organisation: {name: Testikunta, logo: logo.png}"),
                                    encoding="utf-8")
    before = _hashes(Paths(ran).output(WAVE))
    assert cli.main(["run", "--no-render"]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "logo" in err and "PNG" in err and "Traceback" not in err and "unexpected" not in err
    assert _hashes(Paths(ran).output(WAVE)) == before
    # validate checks what run checks: it used to say "valid" here (issue 19, round 3)
    assert cli.main(["validate"]) == EXIT_USAGE
    out = capsys.readouterr()
    said = [line for line in err.splitlines() if line.startswith("survey:")]
    assert out.err.splitlines() == said and len(said) == 1 and "is valid" not in out.out


# --- 4. a full disk, a read-only folder, a file size limit ------------------------------------------

def _fail_writes(monkeypatch, code: int, after: int) -> None:
    real = files.write_bytes_atomic
    calls = []

    def write(path, data):
        calls.append(path)
        if len(calls) > after:
            raise OSError(code, os.strerror(code), str(path))
        return real(path, data)

    monkeypatch.setattr(files, "write_bytes_atomic", write)


@pytest.mark.parametrize("code, words, after", [
    (errno.ENOSPC, "disk is full", 0), (errno.ENOSPC, "disk is full", 3), (errno.ENOSPC, "disk is full", 12),
    (errno.EROFS, "read-only", 3), (errno.EACCES, "permission", 5), (errno.EDQUOT, "quota", 3),
    (errno.EFBIG, "file size limit", 8)])
def test_a_refused_write_is_one_sentence_and_keeps_outputs(ran, monkeypatch, capsys, code, words, after):
    before = _hashes(Paths(ran).output(WAVE))
    raw_before = _hashes(ran / "data" / "raw")
    _fail_writes(monkeypatch, code, after)
    capsys.readouterr()
    assert cli.main(["run", "--no-render"]) == EXIT_CANNOT_WRITE
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert err.startswith("survey: output/") and words in err and "previous outputs are intact" in err
    assert "Traceback" not in err and ".runs" not in err
    monkeypatch.undo()
    assert _hashes(Paths(ran).output(WAVE)) == before and _hashes(ran / "data" / "raw") == raw_before
    assert store.recover(Paths(ran)) == [] and len(list((Paths(ran).output_root / store.RUNS).iterdir())) == 1


@pytest.mark.parametrize("code", [errno.EROFS, errno.EACCES])
def test_an_output_folder_that_refuses_new_folders_is_one_sentence(ran, monkeypatch, capsys, code):
    """A read-only mount refuses the staging folder itself (simulated: the tests may run as root)."""
    before = _hashes(Paths(ran).output(WAVE))
    real = os.mkdir
    output = str(Paths(ran).output_root)

    def mkdir(path, *args, **kwargs):
        if str(path).startswith(output):
            raise OSError(code, os.strerror(code), str(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(os, "mkdir", mkdir)
    capsys.readouterr()
    assert cli.main(["run", "--no-render"]) == EXIT_CANNOT_WRITE
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert "previous outputs are intact" in err and "Traceback" not in err
    monkeypatch.undo()
    assert _hashes(Paths(ran).output(WAVE)) == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_output_folder_is_one_sentence(ran, capsys):
    output = Paths(ran).output_root
    before = _hashes(Paths(ran).output(WAVE))
    modes = {p: p.stat().st_mode for p in (output, output / store.RUNS)}
    try:
        for p in modes:
            p.chmod(0o555)
        assert cli.main(["run", "--no-render"]) == EXIT_CANNOT_WRITE
        assert "previous outputs are intact" in capsys.readouterr().err
    finally:
        for p, mode in modes.items():
            p.chmod(mode)
    assert _hashes(Paths(ran).output(WAVE)) == before


@pytest.mark.skipif(sys.platform != "linux", reason="RLIMIT_FSIZE checked on Linux")
def test_ulimit_f_is_one_sentence_and_keeps_outputs(ran):
    before = _hashes(Paths(ran).output(WAVE))
    script = ("import resource, sys; resource.setrlimit(resource.RLIMIT_FSIZE, (20000, 20000)); "
              "from survey.cli import main; sys.exit(main(['run', '--no-render']))")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "SURVEY_PROJECT": str(ran), "MPLBACKEND": "Agg"})
    assert done.returncode == EXIT_CANNOT_WRITE, done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert "file size limit" in last and "previous outputs are intact" in last and "Traceback" not in done.stderr
    assert _hashes(Paths(ran).output(WAVE)) == before


def test_sigterm_stops_the_run_cleanly(ran):
    before = _hashes(Paths(ran).output(WAVE))
    proc = subprocess.Popen([sys.executable, "-c", "import sys; from survey.cli import main; "
                             "sys.exit(main(['run', '--no-render']))"],
                            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
                            env={**os.environ, "SURVEY_PROJECT": str(ran), "MPLBACKEND": "Agg"})
    lines = []
    for line in proc.stderr:
        lines.append(line)
        if line.startswith("[3/4]"):
            proc.send_signal(signal.SIGTERM)
            break
    rest = proc.stderr.read()
    assert proc.wait(timeout=60) == EXIT_INTERRUPTED, "".join(lines) + rest
    assert "previous outputs are intact" in rest
    assert _hashes(Paths(ran).output(WAVE)) == before
    assert len(list((Paths(ran).output_root / store.RUNS).iterdir())) == 1


# --- 3. chart workers die with the run --------------------------------------------------------------

def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("prctl", [True, False], ids=["pdeathsig", "watchdog-only"])
def test_chart_workers_die_when_the_run_is_sigkilled(prctl):
    """Nothing waiting on the run's output pipe may hang after ``kill -9`` of the main process."""
    script = textwrap.dedent(f"""
        import os, sys, time
        from survey import processes
        if not {prctl}:
            processes.PR_SET_PDEATHSIG = 0     # prctl(0, ...) fails: only the watchdog is left
        def slow(x):
            time.sleep(120)
            return x
        print(os.getpid(), flush=True)
        for done in processes.map_in_workers(slow, list(range(4)), 2):
            print(done, flush=True)
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        pid = int(proc.stdout.readline())
        deadline = time.monotonic() + 30
        workers = []
        while time.monotonic() < deadline and len(workers) < 2:
            time.sleep(0.1)
            workers = [w for w in _children(pid) if _alive(w)]
        assert len(workers) == 2, "the pool did not start two workers"
        os.kill(pid, signal.SIGKILL)
        ready, _, _ = select.select([proc.stdout], [], [], 15)
        assert ready and proc.stdout.read() == b"", "the output pipe stayed open after the run was killed"
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(_alive(w) for w in workers):
            time.sleep(0.1)
        assert not any(_alive(w) for w in workers), "chart workers outlived the killed run"
    finally:
        proc.kill()
        proc.wait()


def _fail_on_one(x):
    if x == 1:
        raise ValueError("chart failed")
    time.sleep(0.2)
    return x


def test_a_worker_error_reaches_the_run_and_stops_the_pool():
    from survey import processes

    before = set(_children(os.getpid()))  # e.g. the session's demo build running in the background
    with pytest.raises(ValueError, match="chart failed"):
        list(processes.map_in_workers(_fail_on_one, list(range(8)), 2))
    assert [w for w in _children(os.getpid()) if w not in before and _alive(w)] == []


# --- 5. values never echoed raw -------------------------------------------------------------------

def _as_csv(root: Path, edit) -> None:
    """Turn the network export into the same Webropol layout as CSV (xlsx cannot hold control characters)."""
    import csv

    raw = root / "data" / "raw" / WAVE
    rows = [["" if v is None else v for v in row]
            for row in openpyxl.load_workbook(raw / NETWORK).active.iter_rows(values_only=True)]
    edit(rows)
    with open(raw / "network.csv", "w", newline="", encoding="utf-8-sig") as handle:
        csv.writer(handle, delimiter=";").writerows(rows)
    config = (root / "survey.yml").read_text(encoding="utf-8")
    (root / "survey.yml").write_text(config.replace(NETWORK, "network.csv"), encoding="utf-8")


def test_control_characters_in_an_open_answer_reach_neither_the_terminal_nor_break_xlsx(ran, capsys):
    def edit(rows):
        rows[2][12] = "Punainen \x1b[31mvaroitus\x1b[0m ja kello\x07 ja\x0brivi"

    _as_csv(ran, edit)
    capsys.readouterr()
    assert cli.main(["run", "--no-render"]) == 0
    captured = capsys.readouterr()
    assert "\x1b" not in captured.out + captured.err and "\x07" not in captured.out + captured.err
    answers = openpyxl.load_workbook(Paths(ran).tree(WAVE).open_answers).worksheets[2]  # after cover, contents
    texts = [c.value for row in answers.iter_rows() for c in row if isinstance(c.value, str)]
    assert "Punainen \\x1b[31mvaroitus\\x1b[0m ja kello\\x07 ja\nrivi" in texts


def test_a_header_with_escape_sequences_is_printed_escaped(ran, capsys):
    def edit(rows):
        rows[1][4] = "Yhteiset \x1b]0;pwned\x07\x1b[2Jtapahtumat"

    _as_csv(ran, edit)
    capsys.readouterr()
    assert cli.main(["validate"]) == 1
    captured = capsys.readouterr()
    out = captured.out + captured.err
    assert "\x1b" not in out and "\x07" not in out and "\\x1b]0;pwned\\x07\\x1b[2J" in out
    text = Paths(ran).failed_validation(WAVE).read_text(encoding="utf-8")
    assert "\\u001b" not in text and "\\\\x1b]0;pwned" in text


def test_problem_values_are_escaped_redacted_and_paths_relative(ran, capsys):
    """An identifier typed into a closed question must not reach validation.json or the terminal."""
    raw = ran / "data" / "raw" / WAVE / NETWORK
    workbook = openpyxl.load_workbook(raw)
    ws = workbook.active
    ws["D4"] = "soita 040 123 4567 tai matti.meikalainen@example.fi"
    workbook.save(raw)
    capsys.readouterr()
    assert cli.main(["validate"]) == 1
    captured = capsys.readouterr()
    out = captured.out + captured.err
    assert "040 123 4567" not in out and "example.fi" not in out and "[puhelin]" in out
    report = Paths(ran).failed_validation(WAVE)
    text = report.read_text(encoding="utf-8")
    assert "040 123 4567" not in text and "meikalainen" not in text and "[puhelin]" in text
    assert str(ran) not in text and "data/raw/2024-demo/network_webropol.xlsx" in text
    problems = json.loads(text)["problems"]
    assert {p["file"] for p in problems} == {"data/raw/2024-demo/network_webropol.xlsx"}


@pytest.mark.slow
def test_validation_json_is_the_same_in_every_checkout(tmp_path, monkeypatch):
    from conftest import NETWORK_ONLY, copy_project

    texts = []
    for name in ("one", "two"):
        root = copy_project(tmp_path / name / "project")
        (root / "survey.yml").write_text(NETWORK_ONLY, encoding="utf-8")
        raw = root / "data" / "raw" / WAVE / NETWORK
        workbook = openpyxl.load_workbook(raw)
        workbook.active["D4"] = "x"   # one problem, handled as missing by a cleaning rule
        workbook.save(raw)
        config = (root / "survey.yml").read_text(encoding="utf-8")
        (root / "survey.yml").write_text(config.replace("    synthetic: true\n", "    synthetic: true\n"
                                                        "    cleaning: {invalid_values: missing}\n"), encoding="utf-8")
        monkeypatch.setenv("SURVEY_PROJECT", str(root))
        assert cli.main(["run", "--no-render"]) == 0
        texts.append((Paths(root).processed(WAVE) / "validation.json").read_text(encoding="utf-8"))
    assert texts[0] == texts[1] and "network_webropol.xlsx" in texts[0] and str(tmp_path) not in texts[0]


# --- 6. personal data in QDA case variables ---------------------------------------------------------

def test_qda_case_variables_are_redacted_before_they_are_stored(monkeypatch):
    """interviews_cases.parquet held case variables exactly as typed (an e-mail, a phone, a name)."""
    import pandas as pd

    from survey.ingest.qdpx import QdaProject
    from survey.prepare import interviews

    cases = pd.DataFrame({"interview": ["H01", "H02"],
                          "contact": ["liisa.virtanen@kunta.fi", "soita 040 123 4567"],
                          "notes": ["Matti Meikäläisen haastattelu", pd.NA],
                          "age": [41, 52]})
    codings = pd.DataFrame({"interview": ["H01"], "code": ["c"], "parent": ["c"], "text": ["Matti kertoi"]})
    project = QdaProject(codings=codings, cases=cases, codes=pd.DataFrame(), sources=pd.DataFrame())
    monkeypatch.setattr(interviews, "read_interviews", lambda path, codebook=None: project)
    frames = interviews.load_interviews(Path("x.qdpx"), names=["Matti Meikäläinen"])
    stored = frames["cases"]
    assert stored["contact"].tolist() == ["[sähköposti]", "soita [puhelin]"]
    assert stored["notes"].tolist()[0] == "[nimi] [nimi] haastattelu" and pd.isna(stored["notes"].tolist()[1])
    assert stored["interview"].tolist() == ["H01", "H02"] and stored["age"].tolist() == [41, 52]
    assert cases["contact"].tolist()[0] == "liisa.virtanen@kunta.fi"    # the reader's frame is not changed


# --- 7. round 3: what the replayed hostile inputs still got through ---------------------------------

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "pikkukunta"


@pytest.fixture
def small(tmp_path, monkeypatch):
    """A copy of the small bundled example project (one xlsx export, no outputs); the current project."""
    import shutil

    root = tmp_path / "pieni"
    shutil.copytree(EXAMPLE, root)
    monkeypatch.setenv("SURVEY_PROJECT", str(root))
    return root


def _main(argv, capsys) -> tuple[int, str, str]:
    capsys.readouterr()
    code = cli.main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_an_instrument_linked_from_outside_the_project_is_refused_unread(small, tmp_path, capsys):
    outside = tmp_path / "outside.yml"
    outside.write_text((small / "instruments" / "yhdistykset.yml").read_text(encoding="utf-8")
                       + "\n# SECRET-OUTSIDE-LINE\n", encoding="utf-8")
    (small / "instruments" / "yhdistykset.yml").unlink()
    (small / "instruments" / "yhdistykset.yml").symlink_to(outside)
    before = _everything(small)
    for argv in (["validate"], ["run", "--no-render"]):
        code, out, err = _main(argv, capsys)
        assert code == EXIT_BAD_INPUT, out + err
        assert err.startswith("survey: instruments/yhdistykset.yml: this instrument leads outside the project")
        assert "SECRET" not in out + err and "is valid" not in out
    assert _everything(small) == before and not (small / "output").exists()


def _config_line(root: Path, old: str, new: str) -> None:
    text = (root / "survey.yml").read_text(encoding="utf-8")
    assert old in text
    (root / "survey.yml").write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_of(path: Path, needle: str, nth: int = 1) -> int:
    lines = [i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line]
    return lines[nth - 1]


@pytest.mark.parametrize("case", ["min_group_size twice", "disclosure twice", "instrument key twice"])
def test_a_key_written_twice_is_refused_with_both_lines(small, case, capsys):
    """YAML keeps the last of two equal keys: a second ``min_group_size: 1`` switched suppression off unseen."""
    config = small / "survey.yml"
    if case == "min_group_size twice":
        _config_line(small, "  min_group_size: 5\n", "  min_group_size: 5\n  min_group_size: 1\n")
        file, key, lines = config, "min_group_size", (_line_of(config, "min_group_size"),
                                                      _line_of(config, "min_group_size", 2))
        place = " under disclosure"
    elif case == "disclosure twice":
        config.write_text(config.read_text(encoding="utf-8") + "\ndisclosure:\n  min_group_size: 1\n",
                          encoding="utf-8")
        file, key, lines = config, "disclosure", (_line_of(config, "disclosure:"), _line_of(config, "disclosure:", 2))
        place = ""
    else:
        file = small / "instruments" / "yhdistykset.yml"
        text = file.read_text(encoding="utf-8")
        file.write_text(text.replace("title:", "title: {fi: Vanha otsikko}\ntitle:", 1), encoding="utf-8")
        key, lines, place = "title", (_line_of(file, "title:"), _line_of(file, "title:", 2)), ""
    for argv in (["validate"], ["run", "--no-render"]):
        code, out, err = _main(argv, capsys)
        assert code == EXIT_USAGE, out + err
        assert (f"{file}: line {lines[1]}: the key '{key}'{place} is written twice (lines {lines[0]} and "
                f"{lines[1]})") in err
    assert not (small / "output").exists()


def test_merge_keys_and_equal_keys_in_different_mappings_are_not_duplicates():
    from survey.project import safe_yaml

    data, _ = safe_yaml.loads("base: &b {k: 1}\nx:\n  <<: *b\n  k: 2\ny: {k: 3}\n")
    assert data == {"base": {"k": 1}, "x": {"k": 2}, "y": {"k": 3}}
    with pytest.raises(ConfigError, match=r"line 3: the key 'id' under waves\[0\] is written twice \(lines 2 and 3\)"):
        safe_yaml.loads("waves:\n  - id: a\n    id: b\n")


def _qdpx_with_source(path: Path, plain_text_path: str) -> Path:
    import zipfile

    ns = "urn:QDA-XML:project:1.0"
    xml = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="{ns}" name="x"><CodeBook><Codes><Code guid="K1" name="Avustukset" isCodable="true"/></Codes></CodeBook>
<Sources><TextSource guid="S1" name="H1" plainTextPath="{plain_text_path}">
<PlainTextSelection guid="P1" startPosition="0" endPosition="4"><Coding guid="C1"><CodeRef targetGUID="K1"/></Coding>
</PlainTextSelection></TextSource></Sources></Project>"""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", xml)
        archive.writestr("sources/s1.txt", "root:x:0:0:inside")
    return path


@pytest.mark.parametrize("ref", ["file:///etc/passwd", "absolute:///etc/passwd", "relative://../../etc/passwd",
                                 "internal://../../etc/passwd", "/etc/passwd", "C:\\Windows\\win.ini"])
def test_a_qdpx_source_outside_the_archive_is_refused_unread(tmp_path, ref, monkeypatch, capsys):
    from survey.ingest.qdpx import read_qdpx

    path = _qdpx_with_source(tmp_path / "haastattelut.qdpx", ref)
    opened = []
    real_open = open
    monkeypatch.setattr("builtins.open", lambda f, *a, **k: opened.append(str(f)) or real_open(f, *a, **k))
    with pytest.raises(InputError) as info:
        read_qdpx(path)
    assert info.value.exit_code == EXIT_BAD_INPUT
    assert "points outside the archive" in info.value.describe() and "export the project again" in info.value.describe()
    assert not any("passwd" in f or "win.ini" in f for f in opened)
    code, out, err = _main(["inspect", str(path)], capsys)
    assert code == EXIT_BAD_INPUT and "outside the archive" in err and not PASSWD_LINE.search(out + err)


def test_a_qdpx_source_inside_the_archive_is_still_read(tmp_path):
    from survey.ingest.qdpx import read_qdpx

    project = read_qdpx(_qdpx_with_source(tmp_path / "ok.qdpx", "internal://s1.txt"))
    assert project.codings["text"].tolist() == ["root"]


def test_slides_and_render_in_a_language_not_drawn_are_usage_errors(small, capsys):
    for argv in (["slides", "--lang", "de"], ["slides", "--lang", "sv"], ["render", "--lang", "de"]):
        code, out, err = _main(argv, capsys)
        assert code == EXIT_USAGE, (argv, err)
        assert "add it to `languages:` in survey.yml" in err and "(drawn: fi)" in err
    code, out, err = _main(["slides"], capsys)   # nothing run yet
    assert code == EXIT_USAGE and "run `survey run --wave 2025-esimerkki` first" in err


@pytest.mark.parametrize("prefix", ["\ufeff", "\u200b", "\ufeff\u200d", "\u2060"])
def test_a_header_behind_a_second_bom_or_invisible_characters_is_the_plain_header(prefix):
    from survey.ingest.dialects import _norm, _text

    assert _text(prefix + "Vastaajan tunnus") == "Vastaajan tunnus"
    assert _norm(prefix + "Vastaajan tunnus") == "vastaajan tunnus"
    assert _text("Jäsenmäärä") == "Jäsenmäärä"   # NFD (macOS) is NFC


def test_a_csv_with_a_doubled_bom_validates(ran, capsys):
    _as_csv(ran, lambda rows: None)
    csv_file = ran / "data" / "raw" / WAVE / "network.csv"
    csv_file.write_bytes(b"\xef\xbb\xbf" + csv_file.read_bytes())    # _as_csv wrote one BOM already
    assert csv_file.read_bytes().startswith(b"\xef\xbb\xbf\xef\xbb\xbf")
    code, out, err = _main(["validate"], capsys)
    assert code == 0, out + err
    assert "network 16 respondents" in out


def test_an_empty_survey_yml_is_refused_alike_by_validate_and_run(small, capsys):
    (small / "survey.yml").write_text("# nothing here yet\n", encoding="utf-8")
    answers = [_main(argv, capsys) for argv in (["validate"], ["run", "--no-render"])]
    assert [code for code, _, _ in answers] == [EXIT_USAGE, EXIT_USAGE]
    assert answers[0][2] == answers[1][2] and "survey.yml is empty" in answers[0][2]
    assert "is valid" not in answers[0][1]


def test_no_bad_input_ends_in_the_internal_error_code(tmp_path, capsys):
    assert cli.main(["inspect", str(tmp_path / "missing.xlsx")]) == EXIT_BAD_INPUT
    assert "no such file" in capsys.readouterr().err


def test_every_exit_code_is_in_the_help(capsys):
    from survey import errors

    assert cli.main(["--help"]) == 0
    out = capsys.readouterr().out
    codes = {value for name, value in vars(errors).items() if name.startswith("EXIT_") and isinstance(value, int)}
    for code in codes:
        assert re.search(rf"^\s+{code}\s+\S", out, re.MULTILINE), f"exit code {code} is not explained in --help"
