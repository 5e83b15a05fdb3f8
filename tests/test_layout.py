"""The package's layout: stages import only earlier stages, no import cycles, no imports inside functions.

Every module of ``src/survey`` is parsed (not imported) and its imports read from the AST:

* no function imports a module of the package (``from survey... import`` inside a ``def``):
  every dependency is visible at the top of the module;
* a third-party import inside a function is allowed only as a deliberate start-up-time
  choice, marked ``# lazy: <why>`` on its line;
* the graph of module imports has no cycle;
* data flows one way: a module imports only modules of its own stage or of earlier ones
  (:data:`STAGES`, the order docs/ARCHITECTURE.md describes).
"""

from __future__ import annotations

import ast
from functools import lru_cache
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "survey"

# stage of each module prefix (the longest prefix wins); a module imports only stages <= its own
STAGES = {
    "survey": 0, "survey.errors": 0, "survey.model": 0,
    "survey.catalogue": 1,
    "survey.project": 2,
    "survey.store": 3, "survey.processes": 3,
    "survey.ingest": 4,
    "survey.prepare": 5,
    "survey.analysis": 6,
    "survey.kinds": 7,
    "survey.artefacts": 8,
    "survey.report": 9,
    # the commands: they wire the stages together
    "survey.pipeline": 10, "survey.cli": 10, "survey.demo": 10,
    "survey.project.scaffold": 10, "survey.project.draft": 10,
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def stage_of(module: str) -> int:
    prefix = max((p for p in STAGES if module == p or module.startswith(p + ".")), key=len)
    return STAGES[prefix]


@lru_cache(maxsize=None)
def imports_of(path: Path) -> list[tuple[str, int, bool, str]]:
    """(imported module, line, inside a function?, source line) of every import in ``path``."""
    text = path.read_text(encoding="utf-8")
    tree = ast.parse(text)
    lines = text.splitlines()
    name = module_name(path)
    out = []

    def visit(node, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inside = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            if isinstance(child, ast.Import):
                for alias in child.names:
                    out.append((alias.name, child.lineno, in_function, lines[child.lineno - 1]))
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:  # relative: resolve against this module's package
                    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
                    base = ".".join(package[:len(package) - child.level + 1] + ([base] if base else []))
                for alias in child.names:
                    full = f"{base}.{alias.name}"
                    out.append((full if full in MODULES else base, child.lineno, in_function,
                                lines[child.lineno - 1]))
            visit(child, inside)

    visit(tree, False)
    return out


def own(module: str) -> str | None:
    """The package module an import names (``survey.x.y`` for ``from survey.x.y import name``), else None."""
    while module and module not in MODULES:
        module = module.rpartition(".")[0]
    return module or None


def test_every_module_is_read():
    assert len(MODULES) > 60 and "survey.pipeline" in MODULES and "survey.kinds" in MODULES


def test_no_function_imports_a_module_of_the_package():
    found = [f"{MODULES[m].relative_to(PACKAGE.parent)}:{line}: {source.strip()}"
             for m in MODULES for target, line, nested, source in imports_of(MODULES[m])
             if nested and target.split(".")[0] == "survey"]
    assert found == [], "imports inside functions:\n" + "\n".join(found)


def test_lazy_third_party_imports_say_why():
    found = [f"{MODULES[m].relative_to(PACKAGE.parent)}:{line}: {source.strip()}"
             for m in MODULES for target, line, nested, source in imports_of(MODULES[m])
             if nested and target.split(".")[0] != "survey" and "# lazy:" not in source]
    assert found == [], "imports inside functions without '# lazy: <why>':\n" + "\n".join(found)


@lru_cache(maxsize=None)
def graph() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {m: set() for m in MODULES}
    for m, path in MODULES.items():
        for target, _, _, _ in imports_of(path):
            if target.split(".")[0] == "survey" and own(target) and own(target) != m:
                edges[m].add(own(target))
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def connect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            connect(v)
    return found


def test_no_import_cycles():
    assert cycles(graph()) == []


def test_the_cycle_check_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


@pytest.mark.parametrize("module", sorted(MODULES))
def test_data_flows_one_way(module):
    later = sorted(t for t in graph()[module] if stage_of(t) > stage_of(module))
    assert later == [], f"{module} (stage {stage_of(module)}) imports a later stage: {later}"
