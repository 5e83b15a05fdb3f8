"""Shared fixtures: a temporary copy of the project so tests never touch the checkout's outputs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
REALWORLD = REPO.parent / "shared" / "realworld"


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
