"""The import graph of ``src/release_tools`` has no circles and no arrow from a lower layer up.

Layers, bottom to top: the realtime client library (imports nothing of the application), the
shared base (errors, logging, git, files, settings), versioning, plans, analysis, release, the
command line. Every import counts, including those inside functions and under
``TYPE_CHECKING``: an import hidden in a function is still a dependency.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = "release_tools"

# (module prefix, layer): the longest matching prefix decides a module's layer.
LAYERS: tuple[tuple[str, int], ...] = (
    ("release_tools.realtime", 0),
    ("release_tools", 1),
    ("release_tools.errors", 1),
    ("release_tools.logs", 1),
    ("release_tools.git", 1),
    ("release_tools.files", 1),
    ("release_tools.config", 1),
    ("release_tools.versioning", 2),
    ("release_tools.plans", 3),
    ("release_tools.analysis", 4),
    ("release_tools.release", 5),
    ("release_tools.cli", 6),
    ("release_tools.__main__", 7),
)

# Inside a layer, parts that must not reach into others (importer prefix, forbidden prefix).
FORBIDDEN: tuple[tuple[str, str], ...] = (
    ("release_tools.analysis.evidence", "release_tools.analysis.engines"),
    ("release_tools.analysis.models", "release_tools.analysis.evidence"),
    ("release_tools.analysis.decision", "release_tools.analysis.evidence"),
    ("release_tools.analysis.decision", "release_tools.analysis.engines"),
    ("release_tools.analysis.engines.local", "release_tools.analysis.engines.model"),
    ("release_tools.realtime", "release_tools.realtime.testing"),
)


def _modules() -> dict[str, Path]:
    out: dict[str, Path] = {}
    for path in sorted((SRC / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def _imports(name: str, path: Path, source: str | None = None) -> Iterator[str]:
    """Every ``release_tools`` module that ``name`` imports, resolved to a known module.

    ``source`` stands in for the file's text, so the resolver itself can be tested.
    """
    is_package = path.name == "__init__.py"
    package = name if is_package else name.rsplit(".", 1)[0]
    text = path.read_text(encoding="utf-8") if source is None else source
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            targets = [f"{module}.{alias.name}" for alias in node.names] + [module]
        else:
            continue
        for target in targets:
            if target.split(".")[0] != PACKAGE:
                continue
            # `from pkg import submodule` names the submodule; `from mod import thing` the module.
            while target not in MODULES and "." in target:
                target = target.rsplit(".", 1)[0]
            # Every name of `from pkg import a, b` counts: each may be a different module.
            if target in MODULES and target != name:
                yield target


GRAPH: dict[str, set[str]] = {name: set(_imports(name, path)) for name, path in MODULES.items()}


def _layer(name: str) -> int:
    best = max((p for p, _ in LAYERS if name == p or name.startswith(p + ".")), key=len)
    return dict(LAYERS)[best]


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def test_the_graph_sees_the_package() -> None:
    assert len(MODULES) > 50
    assert "release_tools.analysis.models" in GRAPH["release_tools.analysis.decision"]


@pytest.mark.parametrize(
    "source",
    [
        "from release_tools import errors, cli\n",
        "from .. import errors, cli\n",
        "def late() -> None:\n    from release_tools import git, errors, cli\n",
    ],
)
def test_every_name_of_a_from_import_is_seen(source: str) -> None:
    name = "release_tools.versioning.synthetic"
    path = SRC / PACKAGE / "versioning" / "synthetic.py"
    seen = set(_imports(name, path, source))
    assert {"release_tools.errors", "release_tools.cli"} <= seen
    assert _layer("release_tools.cli") > _layer(name)


def test_no_import_circles() -> None:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []
    counter = 0

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for succ in sorted(GRAPH[node]):
            if succ not in index:
                visit(succ)
                low[node] = min(low[node], low[succ])
            elif succ in on_stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for name in sorted(GRAPH):
        if name not in index:
            visit(name)
    assert circles == []


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_import_from_a_higher_layer(name: str) -> None:
    upward = sorted(t for t in GRAPH[name] if _layer(t) > _layer(name))
    assert upward == [], f"{name} (layer {_layer(name)}) imports a higher layer"


def test_realtime_imports_nothing_of_the_application() -> None:
    outside = {
        (name, target)
        for name, targets in GRAPH.items()
        if _within(name, "release_tools.realtime")
        for target in targets
        if not _within(target, "release_tools.realtime")
    }
    assert outside == set()


def test_forbidden_reaches_inside_a_layer() -> None:
    found = sorted(
        (name, target)
        for name, targets in GRAPH.items()
        for target in targets
        for importer, forbidden in FORBIDDEN
        if _within(name, importer) and _within(target, forbidden) and not _within(name, forbidden)
    )
    assert found == []
