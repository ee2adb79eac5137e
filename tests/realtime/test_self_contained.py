"""The realtime client is a library of its own: it imports nothing else from release_tools.

Every module under ``src/release_tools/realtime/`` is parsed, and every import statement in it
(module level, inside functions, under ``TYPE_CHECKING``, relative ones resolved) must name
``release_tools.realtime`` or something outside ``release_tools``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

import release_tools.realtime

PACKAGE = "release_tools.realtime"
ROOT = Path(release_tools.realtime.__file__).parent
MODULES = sorted(ROOT.rglob("*.py"))


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join([PACKAGE, *parts])


def _imported(source: str, path: Path) -> Iterator[tuple[int, str]]:
    """``(line, absolute module name)`` of every import in ``source`` (the text of ``path``).

    ``ast.walk`` visits every node, so imports inside functions, classes and ``if`` blocks
    (``TYPE_CHECKING`` ones included) count as much as the module-level ones.
    """
    module = _module_name(path)
    # The package a relative import starts from: the module's own for an __init__.
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source, filename=str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                yield node.lineno, ".".join([*base, *filter(None, [node.module])])
            else:
                yield node.lineno, node.module or ""
        elif isinstance(node, ast.Call) and _is_dynamic_import(node):
            # importlib.import_module("...") / __import__("...") with a literal name.
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                yield node.lineno, first.value


def _is_dynamic_import(node: ast.Call) -> bool:
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    return name in ("import_module", "__import__") and bool(node.args)


def _outside(name: str) -> bool:
    top = name.split(".")[0]
    inside = name == PACKAGE or name.startswith(PACKAGE + ".")
    return top == "release_tools" and not inside


def test_the_walk_sees_every_module() -> None:
    names = {_module_name(path) for path in MODULES}
    assert {PACKAGE, f"{PACKAGE}.exceptions", f"{PACKAGE}.asyncio.transport"} <= names
    assert f"{PACKAGE}.testing.server" in names


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_module_imports_nothing_from_the_application(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    offending = [f"line {n}: {name}" for n, name in _imported(source, path) if _outside(name)]
    assert not offending, f"{path.relative_to(ROOT)} imports the application: {offending}"


def test_the_check_catches_every_kind_of_import() -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "import release_tools.errors\n"
        "if TYPE_CHECKING:\n"
        "    from release_tools.config import Settings\n"
        "def f():\n"
        "    from ...logs import redact\n"
        "    from . import events\n"
        "    importlib.import_module('release_tools.git')\n"
    )
    # A module that would live in realtime/asyncio/; it is only parsed, never written.
    found = [name for _, name in _imported(source, ROOT / "asyncio" / "probe.py")]
    assert {name for name in found if _outside(name)} == {
        "release_tools.errors",
        "release_tools.config",
        "release_tools.logs",
        "release_tools.git",
    }
    assert "release_tools.realtime.asyncio" in found and "typing" in found
