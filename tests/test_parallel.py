"""Work shared by forked processes gives what one process gives (survey.processes.map_forked and its users)."""

import os

import pytest

from survey import processes
from survey.model import to_json


def test_map_forked_runs_a_closure_in_two_processes_in_order(monkeypatch):
    offset = 1000  # a closure over this process's data: the forked workers inherit it
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    pids = processes.map_forked(lambda task: (task + offset, os.getpid()), list(range(8)), min_tasks=4)
    assert [value for value, _ in pids] == [task + 1000 for task in range(8)]
    assert os.getpid() not in {pid for _, pid in pids}  # computed by the workers
    few = processes.map_forked(lambda task: os.getpid(), [1, 2], min_tasks=4)
    assert few == [os.getpid()] * 2  # below min_tasks: here, no fork
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    assert processes.map_forked(lambda task: os.getpid(), list(range(8))) == [os.getpid()] * 8


def test_started_forked_workers_read_the_tasks_they_inherit_while_the_block_runs():
    import threading

    lock = threading.Lock()  # a task that cannot be pickled: only its index crosses the pipe
    tasks = [(n, lock) for n in range(6)]
    with processes.started_forked(lambda task: (task[0] * 2, os.getpid()), tasks, 2) as results:
        here = os.getpid()  # the block runs in this process meanwhile
        done = list(results)
    assert [value for value, _ in done] == [0, 2, 4, 6, 8, 10]
    assert here not in {pid for _, pid in done}
    assert processes._FORKED == {}  # nothing left behind for the next pool


def test_an_error_in_a_forked_task_reaches_the_caller(monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 2)

    def task(n):
        if n == 5:
            raise ValueError("task five")
        return n

    with pytest.raises(ValueError, match="task five"):
        processes.map_forked(task, list(range(8)))


@pytest.mark.slow
def test_the_breakdowns_in_two_processes_equal_those_in_one(monkeypatch):
    """The 2024 associations survey (Likert batteries and themed questions by every background question, exact
    and permutation tests, disclosure control): byte-identical results whether one or two processes compute them."""
    from pathlib import Path

    from survey import pipeline
    from survey.analysis import plan
    from survey.project.config import load_project

    project = load_project(Path(__file__).resolve().parents[1])
    wave = project.wave("2024-demo")
    ingested = pipeline.ingest_wave(project, wave)
    frame, instrument = ingested.frames["associations"], ingested.instruments["associations"]
    out = {}
    for cpus in (1, 2):
        monkeypatch.setattr(os, "cpu_count", lambda c=cpus: c)
        out[cpus] = [to_json(r.to_dict()) for r in plan.analyse_dataset(frame, instrument, dataset="associations",
                                                                          wave=wave.id, synthetic=True, rule=project)]
    assert len(out[1]) > plan.BREAKDOWNS_IN_PARALLEL and out[1] == out[2]
