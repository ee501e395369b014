"""The import rule: no circle between the modules of `generator/` (docs/contributor/architecture.md).

Every import counts, at the top of a module or inside a function (a late import hides a
circle from Python, not from the reader), except those under `if TYPE_CHECKING:`, which
only mypy runs. The feature registry's "module:attribute" references (features.py) count
as imports of the module that uses them: the sections of plan.py, the checks of check.py,
the commands of cli.py.
"""

from __future__ import annotations

import ast
from pathlib import Path

from generator import features

PACKAGE = Path(__file__).resolve().parent.parent / "generator"
# Who imports what the registry names (through features.sections(), checks(), commands()).
REGISTRY_USERS = {
    "section": "generator.plan",
    "checks": "generator.check",
    "commands": "generator.cli",
}


def module_name(path: Path, package: Path) -> str:
    parts = list(path.relative_to(package.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking_only(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement of `tree` but those under `if TYPE_CHECKING:`."""
    found: list[ast.Import | ast.ImportFrom] = []
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _type_checking_only(node):
            stack.extend(node.orelse)
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
        stack.extend(ast.iter_child_nodes(node))
    return found


def _absolute(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - node.level + 1]
    return ".".join([*base, *([node.module] if node.module else [])])


def import_graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    """Each module of the package and the modules of the package it imports."""
    files = {module_name(path, package): path for path in sorted(package.rglob("*.py"))}
    graph: dict[str, set[str]] = {}
    for module, path in files.items():
        targets: set[str] = set()
        for node in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                source = _absolute(module, path.name == "__init__.py", node)
                # `from . import networks` imports a module; `from .plan import plan`, a name.
                names = [
                    f"{source}.{alias.name}" if f"{source}.{alias.name}" in files else source
                    for alias in node.names
                ]
            targets.update(name for name in names if name in files and name != module)
        graph[module] = targets
    for feature in features.FEATURES:
        refs = {
            "section": [feature.section],
            "checks": [feature.checks],
            "commands": feature.commands,
        }
        for kind, user in REGISTRY_USERS.items():
            for ref in refs[kind]:
                name = (ref or "").partition(":")[0]
                name = f"generator{name}" if name.startswith(".") else name
                if user in graph and name in graph:
                    graph[user].add(name)
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that import each other, directly or not (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for target in sorted(graph.get(module, ())):
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return found


def describe(group: list[str], graph: dict[str, set[str]]) -> str:
    """One circle of the group, written as a chain of imports."""
    members = set(group)
    chain = [group[0]]
    while True:
        following = sorted(graph[chain[-1]] & members)
        seen = [m for m in following if m in chain]
        if seen:
            return " -> ".join([*chain[chain.index(seen[0]) :], seen[0]])
        chain.append(following[0])


def test_no_module_of_generator_is_part_of_an_import_circle() -> None:
    graph = import_graph()
    assert "generator.plan" in graph and "generator.calendar.pages" in graph, "the scan found them"
    found = [describe(group, graph) for group in circles(graph)]
    assert found == [], (
        "import circles (see docs/contributor/architecture.md, 'The import rule'):\n"
        + "\n".join(found)
    )


def test_the_scan_finds_a_circle_through_a_late_import_and_through_the_registry(
    tmp_path: Path,
) -> None:
    """The detector itself can fail: a made-up package with the two circles of 2026."""
    package = tmp_path / "generator"
    (package / "calendar").mkdir(parents=True)
    files = {
        "__init__.py": "",
        "cli.py": "from .build import build\n",
        "build.py": "def build():\n    from .cli import parse_now\n",
        "plan.py": "from . import features\n",
        "features.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .plan import x\n",
        "check.py": "",
        "calendar/__init__.py": "",
        "calendar/pages.py": "from ..plan import Planner\n",
    }
    for name, text in files.items():
        (package / name).write_text(text, encoding="utf-8")
    graph = import_graph(package)
    assert "generator.plan" not in graph["generator.features"], "TYPE_CHECKING imports are left out"
    # The real registry names generator.calendar.pages for plan.py: that closes the second circle.
    assert circles(graph) == [
        ["generator.build", "generator.cli"],
        ["generator.calendar.pages", "generator.plan"],
    ]
    assert describe(["generator.build", "generator.cli"], graph) == (
        "generator.build -> generator.cli -> generator.build"
    )


def test_lower_modules_never_import_the_cli() -> None:
    """Only the entry point imports cli.py: the stages and the feature commands sit below it."""
    graph = import_graph()
    importers = sorted(m for m, targets in graph.items() if "generator.cli" in targets)
    assert importers == ["generator.__main__"]


# The engine's packages: MkDocs and its successors, Material and its successors.
ENGINE_PACKAGES = {"mkdocs", "material", "materialx", "properdocs", "zensical"}
# The seam (generator/engine.py) and the hooks the engine loads itself.
ENGINE_SEAM = {"generator.engine", "generator.mkdocs_hooks"}


def engine_importers(package: Path = PACKAGE) -> dict[str, list[str]]:
    """Each module of the package that imports an engine package, with the names it imports."""
    found: dict[str, list[str]] = {}
    for path in sorted(package.rglob("*.py")):
        names: list[str] = []
        for node in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names += [alias.name for alias in node.names]
            elif not node.level and node.module:
                names.append(node.module)
        hits = sorted({n for n in names if n.split(".")[0] in ENGINE_PACKAGES})
        if hits:
            found[module_name(path, package)] = hits
    return found


def test_only_the_engine_seam_imports_mkdocs_or_its_theme() -> None:
    """A move to another engine is one module (docs/contributor/engines.md): every other module
    goes through generator/engine.py."""
    importers = engine_importers()
    assert set(importers) <= ENGINE_SEAM, (
        "modules importing the engine outside generator/engine.py: "
        + ", ".join(f"{m} ({', '.join(n)})" for m, n in importers.items() if m not in ENGINE_SEAM)
    )
    assert "generator.mkdocs_hooks" in importers, "the scan finds the hooks' imports"


def test_the_engine_scan_finds_a_late_import_of_the_theme(tmp_path: Path) -> None:
    package = tmp_path / "generator"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "render.py").write_text(
        "import yaml\n\ndef icons():\n    import material.templates\n", encoding="utf-8"
    )
    (package / "serve.py").write_text("from mkdocs.commands import serve\n", encoding="utf-8")
    assert engine_importers(package) == {
        "generator.render": ["material.templates"],
        "generator.serve": ["mkdocs.commands"],
    }
