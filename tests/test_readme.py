"""The README's everyday examples work as written on the demo project (exit code 0)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
SLOW = ("run", "slides", "render")  # a full run (minutes) or Quarto: covered by the pipeline and deck tests


def everyday_blocks() -> list[list[str]]:
    """The command lines of the sh blocks in the README's 'Everyday use' section, comments removed."""
    text = README.read_text(encoding="utf-8")
    section = text.split("## Everyday use", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", section, flags=re.S)
    return [[line.split("#", 1)[0].strip() for line in block.splitlines() if line.split("#", 1)[0].strip()]
            for block in blocks]


def test_examples_are_demo_commands_and_placeholders_are_marked():
    demo, own = everyday_blocks()[:2]
    assert demo and own
    assert all("<" not in line for line in demo)  # the demo block runs as written
    assert all(re.search(r"<[a-z ]+>", line) for line in own if len(shlex.split(line)) > 2)


@pytest.mark.parametrize("line", [line for line in everyday_blocks()[0]])
def test_readme_example_exits_zero(line, project_copy, monkeypatch, capsys):
    from survey.cli import main

    args = shlex.split(line)
    assert args[0].endswith("survey")
    if len(args) > 1 and args[1] in SLOW:
        pytest.skip(f"{args[1]} is covered by the pipeline and deck tests")
    monkeypatch.chdir(project_copy)
    code = main(args[1:])
    assert code == 0, capsys.readouterr().err
