"""Adding a language is one new catalogue file: a copy of the package with ``catalogue/nb.yml``
added (nothing else changed) runs a wave in Norwegian Bokmål."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from conftest import NETWORK_ONLY, REPO, copy_project

PACKAGE = REPO / "src" / "survey"

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
                  "png": sorted(p.name for p in figures.glob("*.report.nb.png")),
                  "tables": sorted(p.name for p in (root / "output" / "2024-demo").glob("tables*.xlsx")),
                  "alt_text": (figures / "network-grants.alt.nb.txt").read_text(encoding="utf-8"),
                  "words": catalogue.text("synthetic", "nb"), "demo_word": catalogue.text("alt_synthetic", "nb")}))
"""


def test_a_new_language_is_one_catalogue_file(tmp_path):
    package = tmp_path / "lib" / "survey"
    shutil.copytree(PACKAGE, package, ignore=shutil.ignore_patterns("__pycache__"))
    nb = yaml.safe_load((PACKAGE / "catalogue" / "en.yml").read_text(encoding="utf-8"))
    nb.update(locale="nb_NO", language_order=4, synthetic="Syntetiske demodata", suppressed="vises ikke")
    (package / "catalogue" / "nb.yml").write_text(yaml.safe_dump(nb, allow_unicode=True), encoding="utf-8")
    root = copy_project(tmp_path / "project", waves=("2024-demo",))
    (root / "survey.yml").write_text(NETWORK_ONLY.replace("languages: [fi, sv]", "languages: [fi, nb]"),
                                     encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "lib"), "SURVEY_PROJECT": str(root)}
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(root)], env=env, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["languages"] == ["fi", "sv", "en", "nb"] and out["problems"] == 0
    assert out["percent"] == "12,5\u00a0%"
    assert out["png"] and all(f"{name.split('.')[0]}.alt.nb.txt" in out["alt"] for name in out["png"])
    assert "tables.nb.xlsx" in out["tables"] and out["words"] == "Syntetiske demodata"
    assert out["alt_text"].rstrip().endswith(out["demo_word"])
