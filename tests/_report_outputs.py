"""The session's demo build: both demo waves run once, shared by every test that reads their outputs.

``python tests/_report_outputs.py --build FOLDER`` (started in the background by
``tests/conftest.py`` as soon as the collected tests show that one of them needs it, so
the other tests run meanwhile) writes, in phases, each marked by a file in FOLDER:

* ``done-outputs``: ``FOLDER/project``, a copy of the project (survey.yml, instruments,
  both demo waves' raw data, the report texts) after the real
  ``survey.pipeline.run_wave`` of both waves, ``render=False``;
* ``done-facts``: the report and slide projects of :data:`REPORT_CONFIGS` staged
  (``survey.report.render.stage``, which draws the charts of a language the pipeline did not
  draw) and ``FOLDER/facts/<wave>/<id>.<size>.<lang>.json``: what ``test_charts`` asserts
  on, noted from each demo chart as it was drawn (see ``tests/_figures.py``); the
  charts of a (wave, language) nothing else draws are drawn here for that;
* ``done-reports``: the staged documents executed in one Jupyter kernel (as Quarto's
  engine would), pickled to ``FOLDER/reports.pickle`` for ``test_reports``.

Every chart is drawn once: the pipeline runs and the staging go through the
session's figure memo. A failed build writes ``failed`` with the traceback; the tests
that wait for it fail with that text. Tests must treat the build as read-only.

``SURVEY_TEST_OUTPUTS=FOLDER`` uses a folder built earlier with ``--build`` (the
developers' loop); ``SURVEY_TEST_CACHE=1`` keeps the build in
``.pytest_cache/survey-demo-build/<key>/`` across sessions, keyed on everything it is
made from (see :func:`cache_key`), and checks every file of it against the hashes noted
when it was built before reusing it.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
WAVES = ("2024-demo", "2026-demo")
REPORT_CONFIGS = [  # (wave, comparison, language) of the report and slides test_reports executes
    ("2024-demo", "none", "fi"),
    ("2024-demo", "none", "sv"),
    ("2024-demo", "none", "en"),
    ("2026-demo", "2024-demo", "fi"),
    ("2026-demo", "2024-demo", "sv"),
]
CHART_LANGS = ("fi", "sv", "en")  # every demo chart's facts in these languages (test_charts)
PHASES = ("outputs", "facts", "reports")
BUILD_TIMEOUT = 3600


def copy_project(target: Path) -> Path:
    """survey.yml, the demo raw data, and the project's own report texts, copied to ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy2(REPO / "survey.yml", target / "survey.yml")
    shutil.copytree(REPO / "instruments", target / "instruments")
    for wave in WAVES:
        shutil.copytree(REPO / "data" / "raw" / wave, target / "data" / "raw" / wave)
    shutil.copytree(REPO / "reports", target / "reports", ignore=shutil.ignore_patterns("_output", ".quarto"))
    return target


def build_outputs(root: Path) -> None:
    """Run the real pipeline for both demo waves in ``root`` (``survey run --no-render``)."""
    from survey.project.config import load_project
    from survey.pipeline import run_wave

    previous = os.environ.get("SURVEY_PROJECT")
    os.environ["SURVEY_PROJECT"] = str(root)
    try:
        project = load_project(root)
        for wave in WAVES:
            run_wave(project, wave, render=False)
    finally:
        if previous is None:
            os.environ.pop("SURVEY_PROJECT", None)
        else:
            os.environ["SURVEY_PROJECT"] = previous


# ---------------------------------------------------------------- the build (in its own process)
def _phase(folder: Path, name: str) -> None:
    (folder / f"done-{name}").write_text(f"{time.time():.1f}\n", encoding="utf-8")


def _done(folder: Path, name: str) -> bool:
    return (folder / f"done-{name}").is_file()


def _draw_missing_facts(root: Path, facts: Path) -> None:
    """The facts test_charts reads of every demo chart that no output drew (a run draws only the charts the
    report, the slides and the decks show): report size in each of :data:`CHART_LANGS`, and both sizes in
    Swedish with ``text_problems`` (the longest labels) for the later wave (``_figures.TEXT_CHECK_WAVES``). Facts only, no files."""
    import _figures
    from survey.kinds import charts, style
    from survey.project.config import load_project
    from survey.report.data import read_results

    project = load_project(root)
    theme = style.project_theme(project)
    for wave_id in WAVES:
        have = set(_figures.read_facts(facts, wave_id))
        wave = project.wave(wave_id)
        checked = wave_id in _figures.TEXT_CHECK_WAVES
        wanted = [("report", lang) for lang in CHART_LANGS]
        if checked:
            wanted += [("slide", lang) for lang in _figures.TEXT_CHECK_LANGS]
        for result in read_results(project.paths, wave_id).values():
            if not charts.has_chart(result):
                continue
            for size, lang in wanted:
                if (result.id, size, lang) in have:
                    continue
                fig = charts.draw(result, lang=lang, size=size, wave_label=wave.label_in(lang),
                                  synthetic=wave.synthetic, source=project.dataset_title(result.dataset, lang),
                                  theme=theme)
                noted = _figures.figure_facts(fig)
                if checked and lang in _figures.TEXT_CHECK_LANGS:
                    noted["text_problems"] = charts.text_problems(fig)
                _figures.write_facts(facts, result, {f"{size}.{lang}": noted})


class _Clock:
    """Prints each build step's wall and CPU seconds (this process and its finished children) to the build log."""

    def __init__(self) -> None:
        self.last = (time.monotonic(), self._cpu())

    @staticmethod
    def _cpu() -> float:
        import resource

        return sum(getattr(resource.getrusage(who), f) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
                   for f in ("ru_utime", "ru_stime"))

    def __call__(self, step: str) -> None:
        now = (time.monotonic(), self._cpu())
        print(f"{step}: {now[0] - self.last[0]:.1f} s wall, {now[1] - self.last[1]:.1f} s CPU", flush=True)
        self.last = now


def build(folder: Path, memo: Path | None = None) -> None:
    """Every phase of the demo build into ``folder`` (see the module docstring)."""
    import pickle

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import _figures

    root = folder / "project"
    if root.exists():
        shutil.rmtree(root)
    copy_project(root)
    os.environ["SURVEY_PROJECT"] = str(root)
    os.environ.setdefault("MPLBACKEND", "Agg")
    _figures.install(memo if _figures.enabled() else None, facts_dir=folder / "facts")
    clock = _Clock()
    build_outputs(root)
    clock("both waves run")
    _phase(folder, "outputs")
    staged = stage_configs(root, REPORT_CONFIGS, folder / "staged")
    clock("reports staged")
    _draw_missing_facts(root, folder / "facts")
    clock("missing chart facts drawn")
    _phase(folder, "facts")
    executed = execute_staged(staged, folder / "staged")
    stop_kernel()  # the build executes once: its kernel's CPU counts in the step's
    clock("reports executed")
    (folder / "reports.pickle").write_bytes(pickle.dumps(executed))
    (folder / "files.json").write_text(json.dumps(tree_hashes(folder), indent=0), encoding="utf-8")
    _phase(folder, "reports")


def _watch(pid: int) -> None:
    """Exit as soon as process ``pid`` (the test session) is gone, so no build outlives it."""
    import threading

    def watch() -> None:
        while True:
            time.sleep(1.0)
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def tree_hashes(folder: Path) -> dict:
    """sha256 of every file of a build (markers and the list itself excepted)."""
    skip = {f"done-{p}" for p in PHASES} | {"files.json", "build.log", "started", "failed", "pid"}
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.relative_to(folder).as_posix() not in skip}


# ---------------------------------------------------------------- the tests' side
def _shared_base(tmp_path_factory) -> Path:
    """A folder shared by every xdist worker of this test session (the session's own under plain pytest)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def memo_dir(tmp_path_factory) -> Path:
    return _shared_base(tmp_path_factory) / "figure-memo"


def cache_key() -> str:
    """What the demo build is made from: the package, the project's files, these helpers, every installed version."""
    import importlib.metadata

    import survey

    digest = hashlib.sha256(sys.version.encode())
    sources = [Path(survey.__file__).resolve().parent, REPO / "instruments", REPO / "reports", REPO / "survey.yml",
               Path(__file__), Path(__file__).with_name("_figures.py")] + [REPO / "data" / "raw" / w for w in WAVES]
    for source in sources:
        paths = [source] if source.is_file() else sorted(p for p in source.rglob("*") if p.is_file()
                                                         and "__pycache__" not in p.parts and "_output" not in p.parts)
        for path in paths:
            digest.update(str(path.relative_to(REPO) if path.is_relative_to(REPO) else path.name).encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    for dist in sorted(importlib.metadata.distributions(), key=lambda d: d.metadata["Name"] or ""):
        digest.update(f"{dist.metadata['Name']}={dist.version}\0".encode())
    return digest.hexdigest()[:20]


def _cached_build() -> Path | None:
    """The build kept by an earlier session, when SURVEY_TEST_CACHE asks for it and it is intact."""
    if os.environ.get("SURVEY_TEST_CACHE", "") not in ("1", "true", "yes"):
        return None
    return REPO / ".pytest_cache" / "survey-demo-build" / cache_key()


def _intact(folder: Path) -> bool:
    try:
        noted = json.loads((folder / "files.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return _done(folder, "reports") and tree_hashes(folder) == noted


def build_folder(tmp_path_factory) -> Path:
    """Where this session's demo build is (or will be)."""
    prebuilt = os.environ.get("SURVEY_TEST_OUTPUTS")
    if prebuilt:
        return Path(prebuilt)
    return _cached_build() or _shared_base(tmp_path_factory) / "demo-build"


def _session() -> str:
    """The id of this test session: the xdist controller's pid in a worker, else this process's."""
    return str(os.getppid() if os.environ.get("PYTEST_XDIST_WORKER") else os.getpid())


def start_build(tmp_path_factory) -> Path:
    """Start the demo build in the background, once per session (the first caller starts it).

    A folder this session already started is left alone (running, done or failed); a
    complete, unchanged build of an earlier session (``SURVEY_TEST_CACHE``) is reused;
    anything else is built again.
    """
    import fcntl

    folder = build_folder(tmp_path_factory)
    if os.environ.get("SURVEY_TEST_OUTPUTS"):
        return folder
    folder.parent.mkdir(parents=True, exist_ok=True)
    with open(folder.parent / f"{folder.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        session_file = folder / "started"
        if session_file.is_file() and session_file.read_text(encoding="utf-8") == _session():
            return folder
        if _done(folder, "reports") and _intact(folder):
            return folder
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        session_file.write_text(_session(), encoding="utf-8")
        log = open(folder / "build.log", "wb")
        process = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--build", str(folder),
                                    "--memo", str(memo_dir(tmp_path_factory)), "--watch", _session()],
                                   stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   env={**os.environ, "MPLBACKEND": "Agg"}, cwd=str(REPO))
        log.close()
        (folder / "pid").write_text(str(process.pid), encoding="utf-8")
    return folder


def is_built(folder: Path) -> bool:
    """Whether the build in ``folder`` is complete (its last phase done)."""
    return _done(folder, PHASES[-1])


def wait_for(tmp_path_factory, phase: str) -> Path:
    """The demo build's folder once ``phase`` is done (the build is started if nobody has)."""
    folder = start_build(tmp_path_factory)
    deadline = time.monotonic() + BUILD_TIMEOUT
    while not _done(folder, phase):
        if (folder / "failed").is_file():
            raise RuntimeError("the demo build failed:\n" + (folder / "failed").read_text(encoding="utf-8")[-6000:])
        pid = (folder / "pid").read_text(encoding="utf-8").strip() if (folder / "pid").is_file() else ""
        if pid and not _running(int(pid)) and not _done(folder, phase):
            log = (folder / "build.log").read_text(encoding="utf-8", errors="replace")[-6000:]
            raise RuntimeError(f"the demo build stopped before '{phase}':\n{log}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"the demo build did not reach '{phase}' in {BUILD_TIMEOUT} s")
        time.sleep(0.2)
    return folder


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:   # a finished child of this process is a zombie until reaped: reap it (not ours: still counts)
        done, _ = os.waitpid(pid, os.WNOHANG)
        return done == 0
    except ChildProcessError:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] if Path(f"/proc/{pid}").exists() else "X"
        return state not in ("Z", "X")


def outputs_root(tmp_path_factory) -> Path:
    """The project holding both demo waves' outputs (built once per session; read-only)."""
    return wait_for(tmp_path_factory, "outputs") / "project"


def chart_facts(tmp_path_factory) -> Path:
    """The folder of every demo chart's facts, ``<wave>/<id>.<size>.<lang>.json``."""
    return wait_for(tmp_path_factory, "facts") / "facts"


def executed_reports(tmp_path_factory) -> dict:
    """``{config: {"report": markdown, "slides": markdown, "staged": Staged, "cells": {...}}}`` of REPORT_CONFIGS."""
    import pickle

    return pickle.loads((wait_for(tmp_path_factory, "reports") / "reports.pickle").read_bytes())


def reap_build(tmp_path_factory) -> None:
    """Wait for a finished build this process started, so its CPU time counts in the session's (``time``)."""
    folder = build_folder(tmp_path_factory)
    pid_file = folder / "pid"
    started = folder / "started"
    if os.environ.get("SURVEY_TEST_OUTPUTS") or not pid_file.is_file() or not is_built(folder) \
            or not started.is_file() or started.read_text(encoding="utf-8") != _session():
        return
    try:
        os.waitpid(int(pid_file.read_text(encoding="utf-8").strip() or 0), 0)
    except (ChildProcessError, ValueError):  # not this process's child, or reaped already
        pass


def stop_build(tmp_path_factory) -> None:
    """End a build this process started that is still running (the session is over)."""
    folder = build_folder(tmp_path_factory)
    pid_file = folder / "pid"
    if os.environ.get("SURVEY_TEST_OUTPUTS") or not pid_file.is_file():
        return
    pid = int(pid_file.read_text(encoding="utf-8").strip() or 0)
    started = folder / "started"
    ours = started.is_file() and started.read_text(encoding="utf-8") == _session()
    if ours and pid and _running(pid) and not _done(folder, "reports"):
        import signal

        try:
            os.kill(pid, signal.SIGTERM)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass


def _main(argv: list[str]) -> int:
    import argparse
    import traceback

    parser = argparse.ArgumentParser(description="Build the tests' demo outputs into a folder.")
    parser.add_argument("--build", type=Path, required=True)
    parser.add_argument("--memo", type=Path, default=None, help="the session's figure memo")
    parser.add_argument("--watch", type=int, default=0, help="exit when this process (the session) is gone")
    args = parser.parse_args(argv)
    if args.watch:
        _watch(args.watch)
    args.build.mkdir(parents=True, exist_ok=True)
    try:
        build(args.build.resolve(), args.memo)
    except BaseException:
        (args.build / "failed").write_text(traceback.format_exc(), encoding="utf-8")
        raise
    return 0


# ---------------------------------------------------------------- qmd -> notebook
INCLUDE = "{{< include "
PARAMS_TAG = "#| tags: [parameters]"


def expand_includes(path: Path) -> str:
    """The text of a .qmd with every ``{{< include file >}}`` line replaced by the file."""
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if stripped.startswith(INCLUDE) and stripped.endswith(">}}"):
            name = stripped[len(INCLUDE):-3].strip()
            target = (path.parent / name) if not name.startswith("/") else (path.parents[1] / name.lstrip("/"))
            lines.append(expand_includes(target))
        else:
            lines.append(line)
    return "\n".join(lines) + "\n"


def qmd_notebook(path: Path, params: dict):
    """A notebook of a .qmd's cells (includes expanded), parameters injected after the
    ``parameters`` cell as papermill does, and each inline ``{python}`` expression of the
    prose evaluated in a code cell of its own."""
    import re

    import jupytext
    import nbformat

    notebook = jupytext.reads(expand_includes(path), fmt="Rmd")
    cells = []
    for cell in notebook.cells:
        cells.append(cell)
        if cell.cell_type == "code" and PARAMS_TAG in cell.source:
            assignments = "\n".join(f"{key} = {value!r}" for key, value in params.items())
            cells.append(nbformat.v4.new_code_cell(assignments))
        if cell.cell_type == "markdown":
            for expr in re.findall(r"`\{python\}\s+([^`]+)`", cell.source):
                cells.append(nbformat.v4.new_code_cell(f"print({expr.strip()})"))
    notebook.cells = cells
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return notebook


# ---------------------------------------------------------------- staged documents -> markdown
def notebook_markdown(notebook) -> str:
    """The markdown an executed notebook gives Quarto: markdown cells and every cell's printed
    or displayed markdown, in order (as the Jupyter engine writes it before pandoc runs)."""
    parts = []
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            parts.append(cell.source)
            continue
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stdout":
                parts.append(output.get("text", ""))
            data = output.get("data", {})
            for mime in ("text/markdown", "text/plain"):
                if mime in data:
                    value = data[mime]
                    parts.append(value if isinstance(value, str) else "".join(value))
                    break
    return "\n\n".join(parts)


def stage_and_execute(project: Path, configs, folder: Path) -> dict:
    """Stage (survey.report.render.stage) and execute the report and slides of each (wave, compare, lang)
    in ONE python3 kernel; returns {config: {"report": markdown, "slides": markdown, "staged": Staged,
    "cells": {...}}}."""
    return execute_staged(stage_configs(project, configs, folder), folder)


def stage_configs(project: Path, configs, folder: Path) -> dict:
    """``{config: Staged}``: the staging project of each (wave, compare, lang), ``survey.report.render.stage``."""
    from survey.project.config import load_project
    from survey.report.render import stage

    proj = load_project(project)
    return {config: stage(proj, config[0], config[2], folder / "-".join(config), compare=config[1])
            for config in configs}


_KERNEL: list = []  # this process's kernel manager, kept between executions (see :func:`execute_staged`)


def stop_kernel() -> None:
    """Shut this process's kept kernel down (:func:`execute_staged`), waiting for it to exit."""
    from nbclient.util import run_sync

    for manager in _KERNEL:
        run_sync(manager.shutdown_kernel)(now=True)
    _KERNEL.clear()


def execute_staged(staged: dict, folder: Path) -> dict:
    """Execute every staged report and slides in ONE python3 kernel (see :func:`stage_and_execute`).

    The kernel is this process's, started by its first call and kept until the process ends:
    each call begins with ``%reset -f`` (an empty namespace, as in a new kernel; the documents
    name their project and figures by absolute paths), so a second call does not start
    another Python and import the stack again.
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.util import run_sync

    combined = nbformat.v4.new_notebook()
    combined.cells.append(nbformat.v4.new_code_cell("%reset -f"))
    spans = {}
    for config, documents in staged.items():
        bounds = {}
        for name in ("report", "slides"):
            nb = qmd_notebook(documents.document(name), {})
            combined.metadata = nb.metadata
            begin = len(combined.cells)
            combined.cells.extend(nb.cells)
            bounds[name] = (begin, len(combined.cells))
        spans[config] = bounds
    kept = _KERNEL[0] if _KERNEL and run_sync(_KERNEL[0].is_alive)() else None
    client = NotebookClient(combined, km=kept, kernel_name="python3", timeout=900, allow_errors=False,
                            resources={"metadata": {"path": str(folder)}})
    try:
        client.execute(cleanup_kc=False)
    finally:
        if client.kc is not None:
            client.kc.stop_channels()
        if kept is None and client.km is not None:
            _KERNEL[:] = [client.km]
            atexit.register(stop_kernel)
    out = {}
    for config in staged:
        entry = {"staged": staged[config], "cells": {}}
        for name, (a, b) in spans[config].items():
            part = nbformat.v4.new_notebook()
            part.cells = combined.cells[a:b]
            entry[name] = notebook_markdown(part)
            entry["cells"][name] = combined.cells[a:b]
        out[config] = entry
    return out


# ---------------------------------------------------------------- pandoc AST of executed markdown
def pandoc_ast(markdown: str) -> dict:
    """The pandoc JSON AST of a document's markdown (pandoc 3.6, the one Quarto 1.7 uses)."""
    import json

    import pypandoc

    return json.loads(pypandoc.convert_text(markdown, "json", format="markdown"))


def walk(node):
    """Every dict element of an AST (blocks and inlines), depth first."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


def stringify(node) -> str:
    """The text of an AST node (Str, Space and the like), as a reader sees it."""
    parts = []
    for element in walk(node):
        kind = element.get("t")
        if kind == "Str":
            parts.append(element["c"])
        elif kind in ("Space", "SoftBreak", "LineBreak"):
            parts.append(" ")
        elif kind == "Code":
            parts.append(element["c"][1])
    return "".join(parts)


def blocks_of(ast: dict, kind: str) -> list[dict]:
    return [e for e in walk(ast["blocks"]) if e.get("t") == kind]


def without_html_only(ast: dict) -> dict:
    """The AST with ``content-visible when-format="html"`` divs removed (what Typst/Word get)."""
    def keep(block) -> bool:
        if block.get("t") != "Div":
            return True
        _, classes, attrs = block["c"][0]
        return not ("content-visible" in classes and dict(attrs).get("when-format") == "html")

    def prune(node):
        if isinstance(node, list):
            return [prune(b) for b in node if not (isinstance(b, dict) and not keep(b))]
        if isinstance(node, dict):
            return {k: prune(v) for k, v in node.items()}
        return node

    return {**ast, "blocks": prune(ast["blocks"])}


def typst_pages(markdown: str, folder: Path) -> int:
    """Pages of the document set by Typst from pandoc's Typst output (A4, the report's margins).

    A proxy for Quarto's PDF: the same pandoc and Typst versions, pandoc's own template;
    cross-references become plain text of the same length.
    """
    import json

    import pypandoc
    import typst

    ast = without_html_only(pandoc_ast(markdown))

    def plain(node):
        if isinstance(node, dict):
            if node.get("t") == "Cite":
                return {"t": "Str", "c": "Kuva 10"}
            if node.get("t") == "Link":  # a link to a part left out of the count
                return {"t": "Span", "c": [["", [], []], plain(node["c"][1])]}
            return {k: plain(v) for k, v in node.items()}
        if isinstance(node, list):
            return [plain(v) for v in node]
        return node

    source = pypandoc.convert_text(json.dumps(plain(ast)), "typst", format="json",
                                   extra_args=["--standalone", "-V", "papersize=a4", "-V", "margin.x=2.2cm",
                                               "-V", "margin.y=2.2cm", "-V", "fontsize=11pt",
                                               "-M", "title=Raportti", "-V", "section-numbering=1.1"])
    file = folder / "_pages.typ"
    file.write_text(source, encoding="utf-8")
    pages = typst.compile(str(file), format="svg", root=str(folder))
    return len(pages) if isinstance(pages, list) else 1


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
