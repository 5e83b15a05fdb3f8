"""docs/CONFIG.md documents every key of survey.yml and of an instrument, and its walkthrough runs."""

from __future__ import annotations

import re
import shlex
import shutil
import typing
from pathlib import Path

import pytest
from pydantic import BaseModel

from survey.cli import main
from survey.project.config import SurveyConfig, load_project
from survey.project.instruments import Instrument
from survey.project.models import _unwrap

REPO = Path(__file__).resolve().parents[1]
DOC = (REPO / "docs" / "CONFIG.md").read_text(encoding="utf-8")
EXPORT = REPO / "examples" / "pikkukunta" / "data" / "raw" / "2025-esimerkki" / "yhdistyskysely_webropol.xlsx"


def _models(model: type, seen: dict) -> dict:
    """Every model reachable from ``model``, once."""
    if model in seen.values():
        return seen
    seen[model.__name__] = model
    for info in model.model_fields.values():
        stack = [info.annotation]
        while stack:
            annotation = _unwrap(stack.pop())
            if isinstance(annotation, type) and issubclass(annotation, BaseModel):
                _models(annotation, seen)
            else:
                stack.extend(typing.get_args(annotation))
    return seen


def _documented_rows() -> set:
    return set(re.findall(r"^\| `([a-z_]+)` \|", DOC, flags=re.M))


def test_every_model_field_has_a_row_with_an_example():
    rows = _documented_rows()
    missing = sorted({f"{name}.{key}" for name, model in {**_models(SurveyConfig, {}), **_models(Instrument, {})}.items()
                      for key in model.model_fields if key not in rows})
    assert missing == [], f"document these keys in docs/CONFIG.md: {missing}"
    for line in DOC.splitlines():
        if re.match(r"^\| `[a-z_]+` \|", line):
            assert line.rstrip().endswith("` |") and line.count("|") >= 4, f"a row without an example: {line}"


def _walkthrough() -> list[list[str]]:
    section = DOC.split("## Walkthrough: a new municipality", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", section, flags=re.S)
    return [shlex.split(line) for block in blocks for line in block.splitlines() if line.strip()]


@pytest.mark.slow
def test_the_walkthrough_commands_run(tmp_path, monkeypatch, capsys):
    commands = _walkthrough()
    assert [c[1] for c in commands] == ["init", "draft", "validate", "run"]
    shutil.copy2(EXPORT, tmp_path / "yhdistyskysely.xlsx")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SURVEY_PROJECT", raising=False)
    for command in commands:
        assert command[0] == "survey"
        code = main(command[1:])
        assert code == 0, f"`{' '.join(command)}` exited {code}: {capsys.readouterr()}"
    results = sorted(load_project(tmp_path / "uusikunta").paths.results("2025").glob("*.json"))
    assert len(results) >= 5
    assert "# CHECK:" in (tmp_path / "uusikunta" / "instruments" / "yhdistykset.yml").read_text(encoding="utf-8")
