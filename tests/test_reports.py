"""Every .qmd (report with its chapters, and the slides) executed cell by cell in a
Jupyter kernel via nbclient, as Quarto's Jupyter engine would, for each wave/language
configuration: no cell errors, nothing printed to stderr (warnings), every figure
carries alt text, the synthetic banner is there, and absent datasets are said plainly.

One kernel per configuration runs both documents (kernel start dominates the cost).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from _report_outputs import outputs_root, qmd_notebook

REPORTS = Path(__file__).resolve().parents[1] / "reports"
DOCUMENTS = ("report.qmd", "slides.qmd")
CONFIGS = [
    ("2024-demo", "none", "fi"),
    ("2024-demo", "none", "sv"),
    ("2026-demo", "2024-demo", "fi"),
    ("2026-demo", "2024-demo", "sv"),
]
IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)\)(\{[^}]*\})?")
FIG_ALT = re.compile(r'fig-alt="([^"]*)"')
BANNER = {"fi": "Synteettinen demoaineisto", "sv": "Syntetiska demodata"}
WARNING_WORDS = ("Warning", "warning:", "Traceback")


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return outputs_root(tmp_path_factory)


def _text_outputs(cell) -> list[str]:
    texts = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream":
            texts.append(output.get("text", ""))
        for mime in ("text/markdown", "text/plain"):
            value = output.get("data", {}).get(mime)
            if value:
                texts.append(value if isinstance(value, str) else "".join(value))
    return texts


def execute_all(project: Path):
    """Every configuration's report and slides in one notebook, executed in ONE python3
    kernel inside ``project`` (importing scipy and matplotlib dominates the cost, so
    the configurations share a kernel; each starts from its own parameters cell and
    reloads its wave, as a fresh render would)."""
    import nbformat
    from nbclient import NotebookClient

    combined = nbformat.v4.new_notebook()
    spans = {}
    for config in CONFIGS:
        params = dict(zip(("wave", "compare", "lang"), config))
        bounds = []
        for name in DOCUMENTS:
            nb = qmd_notebook(project / "reports" / name, params)
            combined.metadata = nb.metadata
            begin = len(combined.cells)
            combined.cells.extend(nb.cells)
            bounds.append((begin, len(combined.cells)))
        spans[config] = bounds
    old = os.environ.get("SURVEY_PROJECT")
    os.environ["SURVEY_PROJECT"] = str(project)
    try:
        NotebookClient(combined, kernel_name="python3", timeout=600, allow_errors=False,
                       resources={"metadata": {"path": str(project)}}).execute()
    finally:
        if old is None:
            os.environ.pop("SURVEY_PROJECT", None)
        else:
            os.environ["SURVEY_PROJECT"] = old
    return combined, spans


@pytest.fixture(scope="module")
def notebook(project):
    return execute_all(project)


@pytest.fixture(params=CONFIGS, ids=["-".join(c) for c in CONFIGS])
def executed(request, notebook):
    wave, compare, lang = request.param
    nb, spans = notebook
    (r0, r1), (s0, s1) = spans[request.param]
    return {"wave": wave, "compare": compare, "lang": lang, "cells": nb.cells[r0:s1],
            "report": nb.cells[r0:r1], "slides": nb.cells[s0:s1]}


def test_no_warnings_or_stderr(executed):
    for cell in executed["cells"]:
        for output in cell.get("outputs", []):
            assert output.get("output_type") != "error", output
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                pytest.fail(f"stderr in cell {cell.source[:60]!r}: {output.get('text')[:300]}")
        for text in _text_outputs(cell):
            assert not any(word in text for word in WARNING_WORDS), text[:300]


def test_every_figure_has_alt_text_and_exists(executed, project):
    images = 0
    for cell in executed["cells"]:
        for output in cell.get("outputs", []):
            assert not any(m.startswith("image/") for m in output.get("data", {})) or \
                output.get("metadata", {}).get("alt"), "an image output without alt text"
        for text in _text_outputs(cell):
            for caption, target, attrs in IMAGE.findall(text):
                images += 1
                alt = FIG_ALT.search(attrs or "")
                assert alt and len(alt.group(1).strip()) > 20, f"no alt text for {target}"
                assert caption.strip(), f"no caption for {target}"
                assert (project / "reports" / target).is_file(), target
    assert images > 0


def test_synthetic_banner_on_report_and_slides(executed):
    report = "".join(t for c in executed["report"] for t in _text_outputs(c))
    slides = "".join(t for c in executed["slides"] for t in _text_outputs(c))
    banner = BANNER[executed["lang"]]
    assert banner in report and banner in slides
    assert "{=typst}" in report  # every PDF page header
    # one banner per chapter, so each chapter read alone still says it
    assert report.count(".callout-warning") >= 7


def test_report_language_and_structure(executed):
    report = "".join(t for c in executed["report"] for t in _text_outputs(c))
    heading = {"fi": "# Tiivistelmä {#sec-summary}", "sv": "# Sammanfattning {#sec-summary}"}[executed["lang"]]
    assert heading in report
    for anchor in ("sec-associations", "sec-staff", "sec-interviews", "sec-network", "sec-plan", "sec-methods"):
        assert f"{{#{anchor}}}" in report
    # the key findings: numbered, each pointing at its evidence
    summary = report.split("{#sec-summary}")[1].split("{#sec-associations}")[0]
    items = re.findall(r"^\d+\. .+\((?:näyttö|underlag): (@fig-[\w-]+|\[[^\]]+\]\(#sec-[\w-]+\))\)$",
                       summary, flags=re.M)
    assert 5 <= len(items) <= 8, summary
    figure_ids = set(re.findall(r"\{#(fig-[\w-]+)", report))
    for link in items:
        if link.startswith("@"):
            assert link[1:] in figure_ids


def test_comparison_section_only_with_a_comparison_wave(executed):
    report = "".join(t for c in executed["report"] for t in _text_outputs(c))
    has_changes = "{#sec-changes}" in report
    assert has_changes == (executed["compare"] != "none")


def test_absent_dataset_is_said_plainly(project):
    from survey.report import load_wave_results

    old = os.environ.get("SURVEY_PROJECT")
    os.environ["SURVEY_PROJECT"] = str(project)
    try:
        loaded = load_wave_results("2024-demo", compare="none", lang="fi")
        loaded.results = {k: v for k, v in loaded.results.items() if v.dataset != "staff"}
        import contextlib
        import io
        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer):
            loaded.show_dataset("staff")
        assert "Tätä aineistoa ei ole aineistossa Demoaineisto 2024" in buffer.getvalue()
    finally:
        if old is None:
            os.environ.pop("SURVEY_PROJECT", None)
        else:
            os.environ["SURVEY_PROJECT"] = old


def test_uncleared_quotes_never_reach_documents(executed, project):
    import json

    from survey.paths import Paths

    file = Paths(project).results(executed["wave"]) / "interviews-quotes.json"
    rows = json.loads(file.read_text(encoding="utf-8"))["table"] if file.is_file() else []
    text = "".join(t for c in executed["cells"] for t in _text_outputs(c))
    leaked = [row["quote_id"] for row in rows if not row.get("cleared") and row.get("text") and row["text"] in text]
    assert not leaked
