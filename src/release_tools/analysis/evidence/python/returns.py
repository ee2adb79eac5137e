"""Which public functions return a value: a function that starts to return one gained a feature.

cachetools 5.5.0 made ``TTLCache.expire()`` return the expired items; before, it returned
``None``. Callers that ignored the result keep working and new callers can use it: a feature
(minor), invisible to griffe, which reads signatures and not bodies.

Pure functions over source text (the full text: griffe's reading prunes bodies). Only real
bodies count on the base side: a stub (``...``, ``pass``, a docstring, ``raise
NotImplementedError``) returns nothing because it does nothing yet. Generators are skipped (what
they return is not what callers get).
"""

from __future__ import annotations

import ast
import re
import textwrap

from release_tools.analysis.evidence.python.nowhere import parse_ast

__all__ = ["started_returning"]

_FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef


def _is_stub(body: list[ast.stmt]) -> bool:
    for statement in body:
        if isinstance(statement, ast.Pass | ast.Raise):
            continue
        if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
            continue  # a docstring or ``...``
        return False
    return True


def _own_nodes(function: _FunctionNode) -> list[ast.AST]:
    """The nodes of ``function``'s own body, not those of functions or classes nested in it."""
    found: list[ast.AST] = []
    pending: list[ast.AST] = list(function.body)
    while pending:
        node = pending.pop()
        found.append(node)
        for child in ast.iter_child_nodes(node):
            if not isinstance(child, _FunctionNode | ast.ClassDef | ast.Lambda):
                pending.append(child)
    return found


def _returns(function: _FunctionNode) -> bool | None:
    """True when ``function`` returns a value, False when never, None when it cannot say."""
    if _is_stub(function.body):
        return None
    nodes = _own_nodes(function)
    if any(isinstance(node, ast.Yield | ast.YieldFrom) for node in nodes):
        return None
    return any(
        isinstance(node, ast.Return)
        and node.value is not None
        and not (isinstance(node.value, ast.Constant) and node.value.value is None)
        for node in nodes
    )


def _public(name: str) -> bool:
    return not name.startswith("_")


_DEF = re.compile(r"^(?P<indent>[ \t]*)(?:async[ \t]+)?def[ \t]+(?P<name>\w+)")
_CLASS = re.compile(r"^(?P<indent>[ \t]*)class[ \t]+(?P<name>\w+)")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _owner(lines: list[str], index: int) -> tuple[str, int] | None:
    """``(name or Class.name, def line index)`` of the function whose own body holds line
    ``index``: a module-level function or a method of a module-level class, else None."""
    level = _indent(lines[index])
    for at in range(index - 1, -1, -1):
        line = lines[at]
        if not line.strip() or _indent(line) >= level:
            continue
        match = _DEF.match(line)
        if match is None:
            if _indent(line) == 0:
                return None
            level = _indent(line)  # an if/for/with/try block inside the function
            continue
        depth = len(match["indent"])
        if depth == 0:
            return match["name"], at
        for up in range(at - 1, -1, -1):
            outer = lines[up]
            if not outer.strip() or _indent(outer) >= depth:
                continue
            owner = _CLASS.match(outer)
            if owner is None or owner["indent"]:
                return None  # nested in a function, or in a nested class
            return f"{owner['name']}.{match['name']}", at
        return None
    return None


def _find(lines: list[str], qualified: str) -> int | None:
    """The index of the ``def`` line of ``qualified`` (``f`` or ``C.f``) in ``lines``."""
    cls, _, name = qualified.rpartition(".")
    in_class = not cls
    for at, line in enumerate(lines):
        if cls and line.strip() and not line[:1].isspace() and not line.startswith("#"):
            owner = _CLASS.match(line)
            in_class = owner is not None and owner["name"] == cls
            continue
        match = _DEF.match(line)
        level_ok = bool(match and match["indent"]) == bool(cls)
        if match and match["name"] == name and in_class and level_ok:
            return at
    return None


def _block_returns(lines: list[str], start: int) -> bool | None:
    """Whether the function whose ``def`` is at ``lines[start]`` returns a value."""
    depth = _indent(lines[start])
    end = start + 1
    while end < len(lines) and (not lines[end].strip() or _indent(lines[end]) > depth):
        end += 1
    try:
        tree = parse_ast(textwrap.dedent("\n".join(lines[start:end])))
    except (SyntaxError, ValueError):
        return None  # e.g. a multi-line string cut the block short: no claim
    node = tree.body[0] if tree.body else None
    return _returns(node) if isinstance(node, _FunctionNode) else None


def started_returning(old_code: str, new_code: str) -> list[tuple[str, int]]:
    """Functions (``name`` or ``Class.name``, with their head line) that returned nothing in
    ``old_code`` and return a value in ``new_code``.

    Only the functions that hold a ``return <value>`` line the base lacks are parsed, each on
    its own: parsing whole modules doubled the cost of comparing them.
    """
    old_lines, new_lines = old_code.splitlines(), new_code.splitlines()
    known = {line.strip() for line in old_lines}
    owners: dict[str, int] = {}
    for index, line in enumerate(new_lines):
        text = line.strip()
        if not text.startswith("return ") or text == "return None" or text in known:
            continue
        owner = _owner(new_lines, index)
        if owner is not None and _public_path(owner[0]):
            owners.setdefault(*owner)
    found: list[tuple[str, int]] = []
    for name, at in owners.items():
        before = _find(old_lines, name)
        if before is None or _block_returns(old_lines, before) is not False:
            continue
        if _block_returns(new_lines, at) is True:
            found.append((name, at + 1))
    return found


def _public_path(qualified: str) -> bool:
    return all(_public(part) for part in qualified.split("."))
