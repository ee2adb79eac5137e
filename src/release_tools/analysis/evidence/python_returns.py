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

__all__ = ["returns_values", "started_returning"]

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


def returns_values(code: str) -> dict[str, tuple[bool | None, int]]:
    """Public module functions and methods of public classes (``name``, ``Class.name``), each
    with whether it returns a value (see :func:`_returns`) and its line. Empty when the code
    does not parse."""
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):
        return {}
    found: dict[str, tuple[bool | None, int]] = {}
    for node in tree.body:
        if isinstance(node, _FunctionNode) and _public(node.name):
            found[node.name] = (_returns(node), node.lineno)
        elif isinstance(node, ast.ClassDef) and _public(node.name):
            for inner in node.body:
                if isinstance(inner, _FunctionNode) and _public(inner.name):
                    found[f"{node.name}.{inner.name}"] = (_returns(inner), inner.lineno)
    return found


def started_returning(old_code: str, new_code: str) -> list[tuple[str, int]]:
    """Functions (``name`` or ``Class.name``, with their head line) that returned nothing in
    ``old_code`` and return a value in ``new_code``."""
    before = returns_values(old_code)
    if not any(returned is False for returned, _line in before.values()):
        return []  # nothing to gain a result: the head need not be parsed
    return [
        (name, line)
        for name, (returned, line) in returns_values(new_code).items()
        if returned is True and before.get(name, (None, 0))[0] is False
    ]
