"""Shared fixtures: project copies that never touch the checkout, and the session's one demo build.

* ``project_copy`` / ``network_project``: a fresh project root per test (``SURVEY_PROJECT``
  points at it). ``network_project`` declares only the network survey of 2024-demo: the
  fastest complete run.
* ``demo_outputs`` / ``demo_chart_facts`` / ``demo_reports``: both demo waves run once per
  session (``tests/_report_outputs.py``), started in the background as soon as collection
  shows a selected test needs it, shared by every xdist worker, read-only. A test that
  uses one of them, or one of ``PIPELINE_FIXTURES`` (module fixtures that run ``survey run``),
  is marked ``slow`` automatically.
* Every chart the pipeline draws in this session goes through one memo
  (``tests/_figures.py``): a chart with the same inputs is drawn once, whichever test
  asks first; ``SURVEY_TEST_DRAW=1`` draws every one.

* Order and xdist scheduling (:func:`_position`, :func:`pytest_xdist_make_scheduler`): the slow
  tests that need nothing of the demo build run first, while it builds, then the readers of
  each of its phases, then the fast tests; under ``-n`` a module's tests that share a module
  fixture (a pipeline run) go to one worker, so the fixture is built once per session, and
  every other test goes alone to whichever worker is free.

``pytest -m "not slow"`` is the fast development subset; the full suite runs everything.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
REALWORLD = REPO.parent / "shared" / "realworld"
sys.path.insert(0, str(Path(__file__).resolve().parent))

# Bytecode caches on, even where PYTHONDONTWRITEBYTECODE is set: a session starts some thirty Python
# processes (the xdist workers, the demo build, the CLI, subprocess and kernel tests), and without the
# caches each one compiles the package and rewrites the test modules' asserts again (3 of a worker's
# 6.5 CPU-s of collection). Set here, before xdist starts its workers; the caches are git-ignored.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
sys.dont_write_bytecode = False

import _figures  # noqa: E402
import _report_outputs  # noqa: E402

DEMO_FIXTURES = {"demo_outputs", "demo_chart_facts", "demo_reports"}
# Module fixtures that run a whole pipeline (``survey run``) before their tests: a test using one is slow too.
PIPELINE_FIXTURES = {"baseline", "pristine", "crafted", "rendered_project"}


def copy_project(target: Path, waves: tuple[str, ...] = ("2024-demo", "2026-demo")) -> Path:
    """Copy survey.yml, the instruments and the demo waves' raw files into ``target`` (a fresh project root)."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy2(REPO / "survey.yml", target / "survey.yml")
    shutil.copytree(REPO / "instruments", target / "instruments", dirs_exist_ok=True)
    for wave in waves:
        source = REPO / "data" / "raw" / wave
        if source.is_dir():
            shutil.copytree(source, target / "data" / "raw" / wave)
    return target


@pytest.fixture
def project_copy(tmp_path, monkeypatch) -> Path:
    """A fresh project root holding the demo waves; ``SURVEY_PROJECT`` points at it."""
    root = copy_project(tmp_path / "project")
    monkeypatch.setenv("SURVEY_PROJECT", str(root))
    return root


NETWORK_ONLY = """
organisation: {name: Testikunta}
languages: [fi, sv]
disclosure: {min_group_size: 5}
datasets:
  network: {kind: survey}
waves:
  - id: 2024-demo
    label: Demoaineisto 2024
    synthetic: true
    datasets:
      network: {file: network_webropol.xlsx}
"""


@pytest.fixture
def network_project(project_copy: Path) -> Path:
    """A project copy whose survey.yml declares only the network survey of 2024-demo (fast runs)."""
    (project_copy / "survey.yml").write_text(NETWORK_ONLY, encoding="utf-8")
    return project_copy


@pytest.fixture(scope="session")
def demo_2024_analysed():
    """The checkout's 2024-demo wave ingested and analysed in this process, once per test process (read-only):
    ``(project, wave, ingested, results)``."""
    from survey import pipeline
    from survey.project.config import load_project

    project = load_project(REPO)
    wave = project.wave("2024-demo")
    ingested = pipeline.ingest_wave(project, wave)
    return project, wave, ingested, pipeline.analyse_wave(project, wave, ingested)


# ---------------------------------------------------------------- the demo build, once per session
@pytest.fixture(scope="session")
def demo_outputs(tmp_path_factory) -> Path:
    """The project root holding both demo waves' outputs (``survey run --no-render`` of each). Read-only."""
    return _report_outputs.outputs_root(tmp_path_factory)


@pytest.fixture(scope="session")
def demo_chart_facts(tmp_path_factory) -> Path:
    """Every demo chart's facts as drawn, ``<wave>/<id>.<size>.<lang>.json`` (see tests/_figures.py)."""
    return _report_outputs.chart_facts(tmp_path_factory)


@pytest.fixture(scope="session")
def demo_reports(tmp_path_factory) -> dict:
    """The executed report and slides of each of ``_report_outputs.REPORT_CONFIGS``."""
    return _report_outputs.executed_reports(tmp_path_factory)


@pytest.fixture(scope="session", autouse=True)
def _figure_memo(tmp_path_factory):
    """Every chart the pipeline draws in this session through the shared memo (tests/_figures.py)."""
    if _figures.enabled():
        _figures.install(_report_outputs.memo_dir(tmp_path_factory))


def pytest_configure(config):
    """The tests run in :func:`_position`'s order (see :class:`_Order`)."""
    config.pluginmanager.register(_Order(), "survey-test-order")


GROUPS = "xdist-groups.json"  # nodeid -> group, written by the workers at collection, read by the controller


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """Under xdist (``-n``, default ``--dist load``): tests that share a module fixture run on one worker, every
    other test goes on its own to whichever worker is free, in :func:`_position`'s order.

    A test using a module- or class-scoped fixture of its own module (a module fixture that
    runs a pipeline, say) is in that module's group (:func:`_group`), so the fixture is built
    once, not once per worker. (xdist's own ``loadgroup`` cannot do it under pytest 9: the
    ``@group`` it appends to ``item._nodeid`` no longer changes ``item.nodeid``.) An explicit
    ``--dist`` other than ``load`` is left to xdist.
    """
    if config.getvalue("dist") != "load":
        return None
    from xdist.scheduler import LoadScopeScheduling

    groups: dict = {}

    class Grouped(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            if not groups:  # the workers wrote it before they reported their collection
                try:
                    groups.update(json.loads((config._tmp_path_factory.getbasetemp() / GROUPS).read_text("utf-8")))
                except (OSError, ValueError):
                    groups[""] = ""  # none written: every test on its own
            return groups.get(nodeid, nodeid)

    config.option.loadscopereorder = False  # keep :func:`_position`'s order
    return Grouped(config, log)


def _shares_a_module_fixture(item) -> bool:
    """The test uses a module- or class-scoped fixture defined in its own module."""
    info = getattr(item, "_fixtureinfo", None)
    module = item.nodeid.split("::", 1)[0]
    for name in getattr(item, "fixturenames", ()):
        for fixturedef in (info.name2fixturedefs.get(name, ()) if info else ()):
            if fixturedef.scope in ("module", "class") and (fixturedef.baseid or "").split("::", 1)[0] == module:
                return True
    return False


def _order(item) -> int:
    """When a test can run: 0 at once; 1, 2, 3 after the demo build's outputs, chart facts, executed reports."""
    names = set(getattr(item, "fixturenames", ()))
    return max([0] + [i for i, fixture in enumerate(("demo_outputs", "demo_chart_facts", "demo_reports"), 1)
                      if fixture in names])


def _position(item) -> int:
    """Where a test runs: the slow tests that need nothing of the demo build first, while it builds, then the
    readers of each of its phases (:func:`_order`), and the fast tests last. The session then ends with a
    thousand short tests that keep both workers busy, not with one worker alone on a module's long group."""
    phase = _order(item)
    return FAST_LAST if phase == 0 and item.get_closest_marker("slow") is None else phase


FAST_LAST = 4  # after the three phases of the demo build


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """A test that reads the demo build (it waits for both demo waves' full runs) or a pipeline fixture is slow."""
    for item in items:
        if (DEMO_FIXTURES | PIPELINE_FIXTURES) & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


class _Order:
    """Runs the tests in :func:`_position`'s order; an xdist worker writes each test's group for the controller's
    scheduler (:func:`pytest_xdist_make_scheduler`)."""

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, config, items):
        items[:] = sorted(items, key=_position)  # stable: the collection order within each
        if os.environ.get("PYTEST_XDIST_WORKER"):
            groups = {item.nodeid: _group(item) for item in items if _shares_a_module_fixture(item)}
            target = _report_outputs._shared_base(config._tmp_path_factory) / GROUPS
            _figures._write_atomic(target, json.dumps(groups, sort_keys=True).encode("utf-8"))


def _group(item) -> str:
    """The scheduling group of a test sharing a module fixture: its module and :func:`_order` (a module's tests of
    different phases are separate groups, so none waits for the build with tests that need not)."""
    return f"{item.nodeid.split('::', 1)[0]}:{_order(item)}"


WORKER_NICE = 5  # an xdist worker's niceness while the demo build runs (the build keeps the session's)


def pytest_collection_finish(session):
    """Start the demo build in the background now if a selected test needs it (the others run meanwhile).

    The build is the session's longest chain (the tests that read it wait for it), so an xdist
    worker then lowers its own priority (after the build was started, so the build keeps the
    session's): the build runs whenever it can, the workers' other tests fill the rest of the
    cores. Niceness 5 against 0 still gives a worker about a quarter of a busy core.
    """
    if session.config.option.collectonly or not session.items:
        return
    if any(DEMO_FIXTURES & set(getattr(item, "fixturenames", ())) for item in session.items):
        folder = _report_outputs.start_build(session.config._tmp_path_factory)
        if os.environ.get("PYTEST_XDIST_WORKER") and not _report_outputs.is_built(folder):
            os.nice(WORKER_NICE)


def pytest_sessionfinish(session):
    """No demo build outlives the session (the controller or a plain pytest process ends it); the process that
    started a finished build waits for it, so ``time`` counts the build's CPU in the session's."""
    if not hasattr(session.config, "_tmp_path_factory"):
        return
    _report_outputs.reap_build(session.config._tmp_path_factory)
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        _report_outputs.stop_build(session.config._tmp_path_factory)
