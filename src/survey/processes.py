"""Processes: SIGTERM as Ctrl-C, and forked chart workers that die with the run.

Charts are drawn by two forked workers (:func:`map_in_workers`). Each worker asks the
kernel for SIGKILL when its parent dies (``prctl(PR_SET_PDEATHSIG)`` on Linux) and also
runs a watchdog thread that exits when the parent pid changes, so a SIGKILLed
``survey run`` leaves no worker behind; an error or interrupt in the parent terminates
the pool at once.
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Callable

from survey.errors import Interrupted


@contextmanager
def stop_on_sigterm() -> Iterator[None]:
    """Inside the block SIGTERM stops the run like Ctrl-C (staging removed, exit 130), not mid-write.

    Only the main thread can install signal handlers; elsewhere the block changes nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum, frame):
        raise Interrupted("stopped by SIGTERM; the previous outputs are intact, nothing was replaced")

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int) -> None:
    """Pool initializer: this worker exits as soon as the process that started it is gone.

    On Linux the kernel sends SIGKILL on the parent's death (``prctl(PR_SET_PDEATHSIG)``);
    everywhere a watchdog thread also checks the parent pid twice a second. So a
    SIGKILLed ``survey run`` leaves no chart worker behind holding its output pipe.
    """
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    signal.signal(signal.SIGINT, signal.SIG_IGN)    # Ctrl-C is the parent's to handle
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if os.getppid() != parent:                      # the parent died before prctl took effect
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(0.5)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="parent-watchdog", daemon=True).start()


def map_in_workers(func: Callable, tasks: list, workers: int) -> Iterator:
    """``func`` over ``tasks`` on ``workers`` forked processes, results in order.

    Workers die with this process (:func:`_die_with_parent`), and are terminated at once
    when the caller stops early (an error, Ctrl-C, SIGTERM), so no worker outlives a run.
    """
    with started_in_workers(func, tasks, workers) as results:
        yield from results


@contextmanager
def started_in_workers(func: Callable, tasks: list, workers: int) -> Iterator[Iterator]:
    """``func`` over ``tasks`` started at once on ``workers`` forked processes; the block runs meanwhile.

    The block gets the results' iterator (in order; iterating it waits for them) and
    must consume it: leaving the block, by an error too, terminates the workers
    (:func:`map_in_workers` is the same without a block of its own).
    """
    context = multiprocessing.get_context("fork")
    gc.freeze()  # what exists now is never collected in the workers: no copy-on-write of its pages by the GC
    try:
        with context.Pool(processes=workers, initializer=_die_with_parent, initargs=(os.getpid(),)) as pool:
            yield pool.imap(func, tasks, chunksize=1)
    finally:
        gc.unfreeze()


_FORKED: dict[int, Callable] = {}  # what started_forked's workers run, inherited at the fork


def _call_forked(args: tuple):
    token, task = args
    return _FORKED[token](task)


@contextmanager
def started_forked(func: Callable, tasks: list, workers: int) -> Iterator[Iterator]:
    """:func:`started_in_workers`, the workers reading ``tasks`` from the memory they inherit at the fork.

    Only each task's index crosses the pipe, not the task: the pool's feeder thread pickles
    almost nothing, so it does not wait for the GIL while this process works in the block.
    """
    token = id(tasks)
    _FORKED[token] = lambda i: func(tasks[i])
    try:
        with started_in_workers(_call_forked, [(token, i) for i in range(len(tasks))], workers) as results:
            yield results
    finally:
        _FORKED.pop(token, None)


def map_forked(func: Callable, tasks: list, *, workers: int = 2, min_tasks: int = 4) -> list:
    """``[func(task) for task in tasks]``, on ``workers`` forked processes when there are ``min_tasks`` or more.

    ``func`` and the tasks may hold anything of this process's data: the workers inherit
    them at the fork (:func:`started_forked`); each result crosses a pipe, so it must
    pickle. One core, fewer tasks, or no ``fork``: the same list computed here.
    """
    tasks = list(tasks)
    workers = min(workers, os.cpu_count() or 1)
    if workers < 2 or len(tasks) < min_tasks or "fork" not in multiprocessing.get_all_start_methods():
        return [func(task) for task in tasks]
    with started_forked(func, tasks, workers) as results:
        return list(results)
