"""No hand-typed numbers in report prose.

Every number a reader sees must come from a result object through an inline
expression or a helper, so that a rerun on a new wave changes it. This test reads the
prose of every report template (``survey/report/templates/*.qmd``) and project ``reports/*.qmd`` (outside code cells, YAML front matter, HTML comments,
shortcodes and inline ``{python}`` expressions) and every text template in
``texts.yml`` / ``reports/_texts.yml``, and fails on any typed percentage or count: any digit, except a
four-digit year (such as the plan period 2025–2026).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

REPORTS = Path(__file__).resolve().parents[1] / "reports"
TEMPLATES = Path(__file__).resolve().parents[1] / "src" / "survey" / "report" / "templates"
DOCUMENTS = sorted(REPORTS.glob("*.qmd")) + sorted(TEMPLATES.glob("*.qmd"))
TEXTS = [REPORTS / "_texts.yml", TEMPLATES / "texts.yml"]
YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
DIGIT = re.compile(r"\d")
INLINE = re.compile(r"`\{python\}[^`]*`")
SHORTCODE = re.compile(r"\{\{<.*?>\}\}")
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def prose_lines(text: str) -> list[tuple[int, str]]:
    """(line number, text) of the prose lines of a .qmd, with code and markup removed."""
    lines = text.splitlines()
    out = []
    in_code = in_yaml = in_comment = False
    for number, line in enumerate(lines, 1):
        stripped = line.strip()
        if number == 1 and stripped == "---":
            in_yaml = True
            continue
        if in_yaml:
            in_yaml = stripped != "---"
            continue
        if stripped.startswith("```"):
            in_code = not in_code
            continue
        if in_code:
            continue
        if "<!--" in line:
            in_comment = "-->" not in line.split("<!--", 1)[1]
            line = line.split("<!--", 1)[0]
        elif in_comment:
            if "-->" in line:
                in_comment = False
                line = line.split("-->", 1)[1]
            else:
                continue
        line = SHORTCODE.sub("", INLINE.sub("", line))
        if line.strip():
            out.append((number, line))
    return out


def typed_numbers(text: str) -> list[str]:
    """The typed numbers in a piece of prose (years allowed)."""
    text = YEAR.sub("", PLACEHOLDER.sub("", text))
    return re.findall(r"\d[\d\s,.]*\s?%?", text) if DIGIT.search(text) else []


def test_checker_flags_typed_numbers_and_allows_expressions():
    sample = ("---\ntitle: Raportti 2025\n---\n\nVastaajia oli 16 ja heistä 43,8 % valitsi.\n"
              "Vastaajia oli `{python} W.n('network-grants')`.\n```{python}\nx = 16\n```\n"
              "<!-- note 12 -->\n{{< include _01-summary.qmd >}}\nSuunnitelma 2025–2026.\n")
    found = [(n, typed_numbers(line)) for n, line in prose_lines(sample) if typed_numbers(line)]
    assert found == [(5, ["16 ", "43,8 %"])]


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_qmd_prose_has_no_typed_numbers(path):
    offenders = [(n, line) for n, line in prose_lines(path.read_text(encoding="utf-8")) if typed_numbers(line)]
    assert not offenders, f"{path.name}: typed numbers in prose (use an inline expression): {offenders}"


@pytest.mark.parametrize("file", TEXTS, ids=lambda p: p.parent.name)
def test_report_texts_have_no_typed_numbers(file):
    texts = yaml.safe_load(file.read_text(encoding="utf-8"))
    offenders = []
    for key, by_lang in texts.items():
        for lang, template in by_lang.items():
            if typed_numbers(str(template)):
                offenders.append((key, lang, template))
    assert not offenders, offenders


@pytest.mark.parametrize("file", TEXTS, ids=lambda p: p.parent.name)
def test_every_text_exists_in_every_language(file):
    texts = yaml.safe_load(file.read_text(encoding="utf-8"))
    for key, by_lang in texts.items():
        assert set(by_lang) == {"fi", "sv", "en"}, key
        placeholders = {lang: set(PLACEHOLDER.findall(str(t))) for lang, t in by_lang.items()}
        assert placeholders["fi"] == placeholders["sv"] == placeholders["en"], key
