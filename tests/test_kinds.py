"""Result kinds: one module per kind in ``survey.kinds``, registered in one place (``survey.kinds.registry``)."""

from __future__ import annotations

import ast
import json
import importlib
from pathlib import Path

import pandas as pd
import pytest

from survey.kinds import charts, findings, registry, table
from survey.kinds.kind import Kind
from survey.model import GROUP_COMPARISONS, INTERVIEW_KINDS, Result, ResultKind

KINDS_DIR = Path(__file__).resolve().parents[1] / "src" / "survey" / "kinds"


def _kind_modules() -> list[str]:
    """The modules of survey/kinds that define a ``KIND = Kind(...)``."""
    out = []
    for path in sorted(KINDS_DIR.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if any(isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "KIND" for t in node.targets)
               for node in tree.body):
            out.append(path.stem)
    return out


def test_every_kind_has_one_module_named_after_it_and_one_registry_line():
    modules = _kind_modules()
    assert sorted(modules) == sorted(k.value for k in ResultKind)
    for name in modules:
        kind = importlib.import_module(f"survey.kinds.{name}").KIND
        assert isinstance(kind, Kind) and kind.name == name
        assert registry.KINDS[ResultKind(name)] is kind
    text = (KINDS_DIR / "registry.py").read_text(encoding="utf-8")
    assert [line.strip() for line in text.splitlines() if line.strip().endswith(".KIND,")] == \
        [f"{name}.KIND," for name in registry.KINDS]


def test_a_kind_with_a_chart_has_alt_text():
    for kind in registry.KINDS.values():
        assert (kind.draw is None) == (kind.alt_text is None), kind.name


def test_an_unknown_kind_has_no_chart_finding_or_special_table():
    odd = Result(id="odd", kind="weird", dataset="x", question="q", title={}, n={},
                 table=pd.DataFrame({"code": ["a"], "count": [1]}))
    assert registry.kind_of(odd) is None and not charts.has_chart(odd)
    assert findings.interpret(odd) == "" and findings.strength(odd) == 0
    assert list(table.data_table(odd, "en").columns) == ["Option", "Count"]
    with pytest.raises(Exception, match="no chart"):
        charts.draw(odd)


def test_a_result_kind_is_typed_and_round_trips_as_its_plain_name():
    result = Result(id="x", kind="likert_summary", dataset="d", question="q", title={}, n={},
                    table=pd.DataFrame({"item": ["a"]}))
    assert result.kind is ResultKind.LIKERT_SUMMARY and result.kind == "likert_summary"
    data = result.to_dict()
    assert data["kind"] == "likert_summary" and '"kind": "likert_summary"' in json.dumps(data)
    assert Result.from_dict(json.loads(json.dumps(data))).kind is ResultKind.LIKERT_SUMMARY
    assert ResultKind.BREAKDOWN in GROUP_COMPARISONS and ResultKind.WAVE not in GROUP_COMPARISONS
    assert {k for k in ResultKind if k.value.startswith("interview")} == INTERVIEW_KINDS
