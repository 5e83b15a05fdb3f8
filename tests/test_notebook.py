"""The exploration notebook runs from top to bottom on a wave the pipeline produced,
in a Jupyter kernel, and stays in sync with its jupytext source."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


@pytest.fixture(scope="module")
def project(demo_outputs) -> Path:
    return demo_outputs


def test_notebook_pair_in_sync():
    import jupytext

    script = jupytext.read(NOTEBOOKS / "explore.py")
    notebook = jupytext.read(NOTEBOOKS / "explore.ipynb")
    assert [c.source for c in script.cells] == [c.source for c in notebook.cells]


def test_notebook_executes(project):
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(NOTEBOOKS / "explore.ipynb", as_version=4)
    for cell in notebook.cells:  # parameters as papermill would inject them
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            cell.source = "wave = '2024-demo'\nlang = 'sv'"
    old = os.environ.get("SURVEY_PROJECT")
    os.environ["SURVEY_PROJECT"] = str(project)
    try:
        NotebookClient(notebook, kernel_name="python3", timeout=300, allow_errors=False,
                       resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    finally:
        if old is None:
            os.environ.pop("SURVEY_PROJECT", None)
        else:
            os.environ["SURVEY_PROJECT"] = old
    outputs = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) >= 3  # report chart, slide chart, a chapter's charts
    text = "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream")
    assert "2024-demo" in text
