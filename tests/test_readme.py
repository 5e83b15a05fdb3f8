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


# -- the outputs table against the files a real run writes --------------------------------------

def outputs_rows() -> list[tuple[list[str], str]]:
    """(paths, what) of each row of the table under 'What the main job produces, and where'.

    A row's later paths without a folder are in the first path's folder.
    """
    text = README.read_text(encoding="utf-8")
    section = text.split("### What the main job produces, and where", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 3 or not cells[0].startswith("`output/"):
            continue
        paths = re.findall(r"`([^`]+)`", cells[0])
        folder = paths[0].rsplit("/", 1)[0]
        rows.append(([p if "/" in p else f"{folder}/{p}" for p in paths], cells[1]))
    return rows


def path_pattern(path: str, project) -> re.Pattern:
    """A README path as a regex over files relative to ``output/``: placeholders become what they stand for."""
    interviews = [d for d in project.datasets if project.kind(d) == "interviews"]
    any_of = lambda names: "(?:" + "|".join(re.escape(n) for n in names) + ")"  # noqa: E731
    places = {"<dataset>": any_of(project.datasets), "<interviews>": any_of(interviews), "<lang>": any_of(project.languages),
              "<size>": "(?:report|slide)", "<id>": r"[a-z0-9][a-z0-9-]*"}
    pattern = ""
    for piece in re.split(r"(<[a-z]+>|\*)", path.removeprefix("output/")):
        pattern += places.get(piece, "[^/]+" if piece == "*" else re.escape(piece))
    return re.compile(pattern)


# only with Quarto / only after a failed run / the report's charts, drawn when the report is rendered / SVG on request
OPTIONAL = ("render/", ".validation-failed.json", "figures/<id>.report.", "figures/<id>.alt.", ".svg")


def test_the_outputs_table_lists_exactly_what_a_run_writes(demo_outputs):
    """Every file of a real run of both demo waves is in the table, and every row names files the run wrote."""
    from survey.project.config import load_project

    root = demo_outputs
    project = load_project(root)
    rows = outputs_rows()
    assert rows
    patterns = [(path, path_pattern(path, project)) for paths, _ in rows for path in paths]
    tree = (root / "output" / "2026-demo").resolve()  # the wave with a comparison: every kind of file
    written = sorted(f"W/{p.relative_to(tree).as_posix()}" for p in tree.rglob("*") if p.is_file())
    visible = [w for w in written if not any(part.startswith(".") for part in w.split("/"))]
    unlisted = [w for w in visible if not any(pattern.fullmatch(w) for _, pattern in patterns)]
    assert unlisted == [], "files a run writes that the README's table does not list"
    missing = [path for path, pattern in patterns if not any(o in path for o in OPTIONAL)
               and not any(pattern.fullmatch(w) for w in visible)]
    assert missing == [], "rows of the README's table that a run does not write"
    for dataset in project.datasets:  # a survey's normal form is one file; the interviews' are three
        files = [w for w in visible if w.startswith(f"W/processed/{dataset}")]
        if project.kind(dataset) == "survey":
            assert {f"W/processed/{dataset}.meta.json", f"W/processed/{dataset}.parquet"} <= set(files)
        else:
            assert f"W/processed/{dataset}.parquet" not in files and \
                {f"W/processed/{dataset}_{p}.parquet" for p in ("cases", "codes", "codings")} <= set(files)


@pytest.mark.slow
def test_the_projects_block_runs_as_written(tmp_path, monkeypatch, capsys):
    """The README's 'Projects' commands, from a copy of the demo project beside a new one (exit 0 each)."""
    import shutil

    from survey.cli import main

    text = README.read_text(encoding="utf-8")
    section = text.split("## Projects: any questionnaire, any municipality", 1)[1].split("\n## ", 1)[0]
    (block,) = re.findall(r"```sh\n(.*?)```", section, flags=re.S)
    lines = [line.split("#", 1)[0].strip() for line in block.splitlines() if line.split("#", 1)[0].strip()]
    assert not any("<" in line for line in lines)  # runs as written: no placeholders
    demo = tmp_path / "demo"
    shutil.copytree(README.parent / "data" / "raw" / "2026-demo", demo / "data" / "raw" / "2026-demo")
    shutil.copytree(README.parent / "examples", demo / "examples",
                    ignore=shutil.ignore_patterns("processed", "_output", "output"))
    shutil.copy2(README.parent / "survey.yml", demo / "survey.yml")
    monkeypatch.chdir(demo)
    monkeypatch.delenv("SURVEY_PROJECT", raising=False)
    for line in lines:
        args = shlex.split(line)
        assert args[0].endswith("survey")
        assert main(args[1:]) == 0, (line, capsys.readouterr().err)
