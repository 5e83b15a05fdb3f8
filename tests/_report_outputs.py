"""Build the pipeline outputs the report documents read, in a temporary project copy.

Used by the report, notebook and personal-data tests: the real ``survey.pipeline.run_wave``
runs both demo waves once per test session, shared by every xdist worker.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
WAVES = ("2024-demo", "2026-demo")


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


def _shared_base(tmp_path_factory) -> Path:
    """A folder shared by every xdist worker of this test session (the session's own under plain pytest)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def outputs_root(tmp_path_factory) -> Path:
    """One project copy with both demo waves' outputs for the whole session, built once.

    Under pytest-xdist the first worker to ask builds it while the others wait on a
    lock, so the expensive full runs (every chart in two languages) happen once.
    Tests must treat it as read-only.
    """
    import fcntl

    prebuilt = os.environ.get("SURVEY_TEST_OUTPUTS")  # a project built earlier (developers' loop)
    if prebuilt and (Path(prebuilt) / "survey.yml").is_file():
        return Path(prebuilt)
    base = _shared_base(tmp_path_factory)
    root = base / "demo-project" / "project"
    with open(base / "demo-project.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (root.parent / "built").is_file():
            if root.parent.exists():
                shutil.rmtree(root.parent)
            copy_project(root)
            build_outputs(root)
            (root.parent / "built").write_text("ok", encoding="utf-8")
    return root


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
    import nbformat
    from nbclient import NotebookClient

    from survey.project.config import load_project
    from survey.report.render import stage

    proj = load_project(project)
    combined = nbformat.v4.new_notebook()
    spans, staged = {}, {}
    for config in configs:
        wave, compare, lang = config
        staged[config] = stage(proj, wave, lang, folder / "-".join(config), compare=compare)
        bounds = {}
        for name in ("report", "slides"):
            nb = qmd_notebook(staged[config].document(name), {})
            combined.metadata = nb.metadata
            begin = len(combined.cells)
            combined.cells.extend(nb.cells)
            bounds[name] = (begin, len(combined.cells))
        spans[config] = bounds
    NotebookClient(combined, kernel_name="python3", timeout=900, allow_errors=False,
                   resources={"metadata": {"path": str(folder)}}).execute()
    out = {}
    for config in configs:
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
