"""The house is one-way: ``standards`` ← ``core`` ← domain apps (in a fixed order) ← the face.

Every ``import`` of every module under ``src/yingji`` counts, including those inside functions (a lazy import is
still a dependency); only ``if TYPE_CHECKING:`` blocks are left out. The guard fails, naming the file and line,
when ``standards`` imports anything of ours, when ``core`` imports a domain app, when a domain app imports one
above it (which would close a cycle), or when modules of one app import each other in a cycle (a lazy import
only hides a cycle; the lower module offers a registry or a signal instead).
Domain apps reach upward only through registries and signals their lower layer owns (``core.surfaces``,
``core.home``, ``core.maps``, ``monitoring.links``, choice sets registering themselves).
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "yingji"
#: The domain apps from the bottom up: an app may import only apps before it.
DOMAIN_ORDER = ["enterprises", "prevention", "monitoring", "warnings", "resources", "incidents", "duty", "enforcement",
                "preparedness", "disasters", "governance", "statistics",
                "assessment"]
#: Packages of the project root that are neither the platform nor a domain app (settings, URL conf, API root, CLI).
FACE = {"api", "urls", "settings", "wsgi", "asgi", "cli", "__main__", "__init__", "templatetags", "static",
        "templates", "locale"}


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def imports_of(source: str, module: str, is_package: bool = False) -> list[tuple[str, int, bool]]:
    """``(imported module, line, at module level)`` for every import in the source of ``module``."""
    package = module if is_package else module.rpartition(".")[0]
    found: list[tuple[str, int, bool]] = []

    def visit(node, top: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                continue
            if isinstance(child, ast.Import):
                found.extend((alias.name, child.lineno, top) for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = package.split(".")
                    base = base[:len(base) - (child.level - 1)]
                    target = ".".join(base + ([child.module] if child.module else []))
                else:
                    target = child.module or ""
                found.append((target, child.lineno, top))
                # ``from . import services`` imports the submodule ``<package>.services``.
                found.extend((f"{target}.{alias.name}", child.lineno, top) for alias in child.names)
            elif isinstance(child, ast.Call) and getattr(child.func, "attr", getattr(child.func, "id", "")) \
                    == "import_module" and child.args and isinstance(child.args[0], ast.Constant) \
                    and isinstance(child.args[0].value, str):
                found.append((child.args[0].value, child.lineno, False))
            elif isinstance(child, ast.Constant) and isinstance(child.value, str) \
                    and re.fullmatch(r"yingji(\.\w+)+", child.value):
                found.append((child.value, child.lineno, False))  # a module named in a string is still a dependency
            inner = top and not isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
            visit(child, inner)

    visit(ast.parse(source), True)
    return [(name, line, top) for name, line, top in found if name == "yingji" or name.startswith("yingji.")]


def _app(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def scan(root: Path = SRC) -> dict[str, list[tuple[str, int, bool, str]]]:
    """module → [(imported module, line, at module level, file)] for every module of the tree (no migrations)."""
    graph = {}
    for path in sorted(root.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        module = _module_name(path, root)
        graph[module] = [(name, line, top, str(path.relative_to(root.parent)))
                         for name, line, top in imports_of(path.read_text(encoding="utf-8"), module,
                                                           path.name == "__init__.py")]
    return graph


def layer_violations(graph) -> list[str]:
    rank = {app: i for i, app in enumerate(DOMAIN_ORDER)}
    problems = []
    for module, imports in graph.items():
        source = _app(module)
        for name, line, _top, where in imports:
            target = _app(name)
            if not target or target == source:
                continue
            if source == "standards":
                problems.append(f"{where}:{line}: standards imports {name}")
            elif source == "core" and target in rank:
                problems.append(f"{where}:{line}: core imports the domain app {name}")
            elif source in rank and target in rank and rank[target] > rank[source]:
                problems.append(f"{where}:{line}: {source} imports {name}, an app above it")
            elif source in rank and target not in rank and target not in ("core", "standards"):
                problems.append(f"{where}:{line}: {source} imports {name}, which is not below it")
    return problems


def module_cycles(graph) -> list[str]:
    """Cycles among the modules of one app (lazy imports included)."""
    modules = set(graph)
    edges: dict[str, set[str]] = defaultdict(set)
    where: dict[tuple[str, str], str] = {}
    for module, imports in graph.items():
        for name, line, _top, path in imports:
            target = name if name in modules else name.rpartition(".")[0]
            if target in modules and target != module and _app(target) == _app(module) \
                    and not module.startswith(target + "."):  # a package's __init__ runs before its modules
                edges[module].add(target)
                where.setdefault((module, target), f"{path}:{line}")
    cycles, state, stack = [], {}, []

    def visit(node: str) -> None:
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(edges[node]):
            if state.get(nxt) == "open":
                loop = stack[stack.index(nxt):] + [nxt]
                cycles.append(" → ".join(f"{a} ({where[(a, b)]})" for a, b in zip(loop, loop[1:], strict=False)))
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = "done"

    for node in sorted(edges):
        if node not in state:
            visit(node)
    return cycles


@pytest.fixture(scope="module")
def graph():
    return scan()


def test_the_scan_sees_the_whole_tree(graph):
    assert {"yingji.core.policy", "yingji.standards", "yingji.resources.views"} <= set(graph)
    assert {_app(m) for m in graph} >= {"core", "standards", *DOMAIN_ORDER}


def test_standards_and_core_import_nothing_above_them_and_apps_only_below(graph):
    assert layer_violations(graph) == []


def test_no_import_cycle_inside_an_app(graph):
    assert module_cycles(graph) == []


def test_the_guard_catches_a_planted_violation():
    planted = {
        "yingji.standards.x": [(name, line, True, "yingji/standards/x.py") for name, line, _t in
                               imports_of("from yingji.core import policy\n", "yingji.standards.x")],
        "yingji.core.y": [(name, line, True, "yingji/core/y.py") for name, line, _t in imports_of(
            "def f():\n    from yingji.incidents.models import Incident\n", "yingji.core.y")],
        "yingji.core.w": [(name, line, True, "yingji/core/w.py") for name, line, _t in imports_of(
            "GENERATORS = ['yingji.duty.demo']\n", "yingji.core.w")],
        "yingji.monitoring.z": [(name, line, True, "yingji/monitoring/z.py") for name, line, _t in imports_of(
            "import importlib\nimportlib.import_module('yingji.duty.views')\n", "yingji.monitoring.z")],
    }
    problems = layer_violations(planted)
    assert any("yingji/standards/x.py:1" in p for p in problems)
    assert any("yingji/core/y.py:2" in p and "incidents" in p for p in problems)
    assert any("yingji/monitoring/z.py:2" in p and "above" in p for p in problems)
    assert any("yingji/core/w.py:1" in p and "duty" in p for p in problems)
    cyclic = {"yingji.warnings.a": [("yingji.warnings.b", 3, True, "yingji/warnings/a.py")],
              "yingji.warnings.b": [("yingji.warnings.a", 5, True, "yingji/warnings/b.py")]}
    assert module_cycles(cyclic) and "yingji/warnings/b.py:5" in module_cycles(cyclic)[0]
    lazy = {"yingji.warnings.a": [("yingji.warnings.b", 3, True, "a")],
            "yingji.warnings.b": [("yingji.warnings.a", 5, False, "b")]}
    assert module_cycles(lazy)  # a lazy import still closes the cycle
