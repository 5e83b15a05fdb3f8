"""Declared dependencies match use: every third-party package src/survey imports is declared, and
every declared runtime dependency is imported (tests and rendering have extras of their own)."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# import name -> distribution name, where they differ
DISTRIBUTION = {"yaml": "pyyaml", "PIL": "pillow", "docx": "python-docx", "pptx": "python-pptx",
                "ruamel": "ruamel.yaml", "xdist": "pytest-xdist"}


def _names(requirements: list[str]) -> set[str]:
    return {re.split(r"[<>=!~\[ ;]", r, maxsplit=1)[0].lower() for r in requirements}


def _imports(folder: Path) -> set[str]:
    out = set()
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                out |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                out.add(node.module.split(".")[0])
    third = out - set(sys.stdlib_module_names) - {"survey", "__future__"}
    return {DISTRIBUTION.get(name, name).lower() for name in third}


def test_runtime_dependencies_are_the_packages_the_code_imports():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = _names(project["dependencies"])
    assert _imports(ROOT / "src" / "survey") == declared


def test_notebook_and_kernel_packages_are_only_in_the_test_and_render_extras():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = {k: _names(v) for k, v in project["optional-dependencies"].items()}
    kernel = {"nbclient", "nbformat", "ipykernel"}
    assert not (kernel | {"jupytext", "seaborn"}) & _names(project["dependencies"])
    assert kernel <= extras["render"] and kernel | {"jupytext", "pytest"} <= extras["test"]
    own = {p.stem.lower() for p in (ROOT / "tests").glob("*.py")}
    used = _imports(ROOT / "tests") - own - _names(project["dependencies"])
    assert used <= extras["test"] | {"pypandoc"}  # pypandoc is pypandoc-binary
