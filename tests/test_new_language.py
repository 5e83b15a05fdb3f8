"""Adding a language is one new catalogue file: a copy of the package with ``catalogue/nb.yml``
added (nothing else changed) runs a wave in Norwegian Bokmål."""

from __future__ import annotations

import json
import re
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import NETWORK_ONLY, REPO, copy_project

PACKAGE = REPO / "src" / "survey"


def copy_package(target: Path) -> None:
    """The ``survey`` package copied to ``target`` with its bytecode caches: ``copy2`` keeps the sources'
    modification times, which the caches are checked against, so the copy is not compiled again."""
    shutil.copytree(PACKAGE, target)


SCRIPT = """
import json, sys
from pathlib import Path
from survey import catalogue
from survey.catalogue import fmt
from survey.pipeline import run_wave
from survey.project.config import load_project

root = Path(sys.argv[1])
report = run_wave(load_project(root), "2024-demo", render=False)
figures = root / "output" / "2024-demo" / "figures"
print(json.dumps({"languages": list(catalogue.LANGUAGES), "percent": fmt.format_percent(0.125, "nb"),
                  "problems": len(report.problems),
                  "alt": sorted(p.name for p in figures.glob("*.alt.nb.txt")),
                  "png": sorted(p.name for p in figures.glob("*.slide.nb.png")),
                  "tables": sorted(p.name for p in (root / "output" / "2024-demo").glob("tables*.xlsx")),
                  "alt_text": (figures / "network-grants.slide.alt.nb.txt").read_text(encoding="utf-8"),
                  "words": catalogue.text("synthetic", "nb"), "demo_word": catalogue.text("alt_synthetic", "nb")}))
"""


@pytest.mark.slow  # runs a whole wave in a copied package (15-20 s)
def test_a_new_language_is_one_catalogue_file(tmp_path):
    package = tmp_path / "lib" / "survey"
    copy_package(package)
    nb = yaml.safe_load((PACKAGE / "catalogue" / "en.yml").read_text(encoding="utf-8"))
    nb.update(locale="nb_NO", language_order=4, synthetic="Syntetiske demodata", suppressed="vises ikke")
    (package / "catalogue" / "nb.yml").write_text(yaml.safe_dump(nb, allow_unicode=True), encoding="utf-8")
    root = copy_project(tmp_path / "project", waves=("2024-demo",))
    (root / "survey.yml").write_text(NETWORK_ONLY.replace("languages: [fi, sv]", "languages: [fi, nb]"),
                                     encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "lib"), "SURVEY_PROJECT": str(root),
           "SURVEY_FIGURE_FORMATS": "png"}  # what is checked: PNG and alt text (SVG: test_export, test_pipeline)
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(root)], env=env, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["languages"] == ["fi", "sv", "en", "nb"] and out["problems"] == 0
    assert out["percent"] == "12,5\u00a0%"
    assert out["png"] and all(f"{name.split('.')[0]}.slide.alt.nb.txt" in out["alt"] for name in out["png"])
    assert "tables.nb.xlsx" in out["tables"] and out["words"] == "Syntetiske demodata"
    assert out["alt_text"].rstrip().endswith(out["demo_word"])


CODED_GROUPS = ("_missing", "muut", "agree")  # groups the analysis adds, labelled from the catalogue
MARK = "NB·"  # every nb catalogue text starts with it, so a text that lacks it came from somewhere else

ANALYSE = """
import json, sys
from pathlib import Path
from survey import pipeline
from survey.project.config import load_project

root = Path(sys.argv[1])
project = load_project(root)
wave = project.wave("2026-demo")
previous = pipeline.ingest_wave(project, project.wave("2024-demo")).frames
ingested = pipeline.ingest_wave(project, wave)
results = pipeline.analyse_wave(project, wave, ingested, previous)
print(json.dumps([{"id": r.id, "kind": str(r.kind), "title": r.title, "test": r.test,
                   "labels": r.labels.get("nb", {}), "fi_labels": r.labels.get("fi", {})}
                  for r in results], default=str, ensure_ascii=False))
"""


def _marked(value: object) -> object:
    """``value`` with :data:`MARK` in front and its words upper-cased (placeholders kept)."""
    if isinstance(value, dict):
        return {k: _marked(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_marked(v) for v in value]
    if not isinstance(value, str):
        return value
    parts = re.split(r"(\{[^{}]*\})", value)
    return MARK + "".join(p if p.startswith("{") else p.upper() for p in parts)


def _fragments() -> set[str]:
    """Pieces (10+ characters, between placeholders) of every fi, sv and en catalogue text."""
    out = set()
    for lang in ("fi", "sv", "en"):
        strings = yaml.safe_load((PACKAGE / "catalogue" / f"{lang}.yml").read_text(encoding="utf-8"))
        for value in strings.values():
            if isinstance(value, str):
                out.update(p.strip() for p in re.split(r"\{[^{}]*\}", value) if len(p.strip()) >= 10
                           and re.search("[a-zåäö]", p))
    return out


def _nb_texts(value: object):
    """The nb entries of every ``{lang: text}`` dict inside ``value``."""
    if isinstance(value, dict):
        if isinstance(value.get("nb"), str):
            yield value["nb"]
        for v in value.values():
            yield from _nb_texts(v)
    elif isinstance(value, list):
        for v in value:
            yield from _nb_texts(v)


@pytest.mark.slow
def test_a_new_language_file_names_every_coded_text_of_a_wave(tmp_path):
    """2026-demo in nb (breakdowns, a wave comparison, interviews): the texts the code writes are nb's."""
    package = tmp_path / "lib" / "survey"
    copy_package(package)
    sv = yaml.safe_load((PACKAGE / "catalogue" / "sv.yml").read_text(encoding="utf-8"))
    nb = {k: (v if k in ("locale", "language_order") else _marked(v)) for k, v in sv.items()}
    nb.update(locale="nb_NO", language_order=4)
    (package / "catalogue" / "nb.yml").write_text(yaml.safe_dump(nb, allow_unicode=True), encoding="utf-8")
    root = copy_project(tmp_path / "project")
    config = (REPO / "survey.yml").read_text(encoding="utf-8")
    assert "languages: [fi, sv]" in config
    (root / "survey.yml").write_text(config.replace("languages: [fi, sv]", "languages: [fi, nb]"), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "lib"), "SURVEY_PROJECT": str(root)}
    done = subprocess.run([sys.executable, "-c", ANALYSE, str(root)], env=env, capture_output=True, text=True,
                          timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads(done.stdout.strip().splitlines()[-1])
    kinds = {r["kind"] for r in results}
    assert {"breakdown", "wave", "interview_codes", "interview_codes_by", "interview_quotes",
            "triangulation"} <= kinds
    # titles the code writes (interview results; questions' titles are the questionnaire's)
    coded = [r for r in results if r["kind"].startswith("interview") or r["kind"] == "triangulation"]
    assert coded and all(r["title"]["nb"].startswith(MARK) for r in coded), [r["title"] for r in coded]
    by = [r for r in results if r["kind"] == "interview_codes_by"]
    assert by and all(r["title"]["nb"].count(MARK) == 2 for r in by)  # "Themes and codes" + "by division"
    # every reason a test or a comparison is not made, every note: nb's
    reasons = [(r["id"], k, v["nb"]) for r in results for k, v in (r["test"] or {}).items()
               if isinstance(v, dict) and "nb" in v]
    reasons += [(r["id"], "tests", t[k]["nb"]) for r in results for t in (r["test"] or {}).get("tests", []) or []
                if isinstance(t, dict) for k in ("reason", "note") if isinstance(t.get(k), dict)]
    assert any("reason" == k for _, k, _ in reasons), "no comparison reason in 2026-demo"
    assert all(text.startswith(MARK) for _, _, text in reasons), [x for x in reasons if not x[2].startswith(MARK)]
    # group labels the code adds (other, missing, agree totals) are nb's; no fi/sv/en catalogue text anywhere
    fragments, seen = _fragments(), 0
    for r in results:
        added = {code: r["labels"][code] for code in CODED_GROUPS if code in r["labels"]}
        assert all(label.startswith(MARK) for label in added.values()), (r["id"], added)
        seen += len(added)
        texts = [*_nb_texts(r["test"]), r["title"]["nb"] if r in coded else "", *added.values()]
        leaked = {f for f in fragments for s in texts if f in s}
        assert not leaked, (r["id"], leaked)
    assert seen, "no group label added by the code"
