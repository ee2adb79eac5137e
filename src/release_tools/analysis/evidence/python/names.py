"""Naming rules of a Python package's public API, shared by the planner and the comparison.

:func:`is_public_module` says which modules are public; :func:`incidental_names` which of a
module's top-level names are bound in passing (loop targets, names only type checkers see,
a ``__main__`` block's) rather than offered to importers.
"""

from __future__ import annotations

import ast

__all__ = ["incidental_names", "is_public_module"]


def is_public_module(dotted: str) -> bool:
    """Whether no part of a dotted module name starts with an underscore."""
    return not any(part.startswith("_") for part in dotted.split("."))


def _is_type_checking(test: ast.expr) -> bool:
    """Whether an ``if`` test is ``TYPE_CHECKING``, bare or an attribute (``t.TYPE_CHECKING``)."""
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    return isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"


def _top_level_bindings(statements: list[ast.stmt]) -> set[str]:
    """Names that ``statements`` bind directly: imports, assignments, definitions."""
    names: set[str] = set()
    for node in statements:
        if isinstance(node, ast.Import | ast.ImportFrom):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name))
    return names


def _type_checking_only(tree: ast.Module) -> set[str]:
    """Names bound only under ``if TYPE_CHECKING:``: type checkers see them, importers do not.

    A name the module also binds elsewhere at the top level, or in the ``else`` branch (a runtime
    fallback), is available at run time and stays.
    """
    guarded: set[str] = set()
    elsewhere: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            guarded |= _top_level_bindings(node.body)
            elsewhere |= _top_level_bindings(node.orelse)
        else:
            elsewhere |= _top_level_bindings([node])
    return guarded - elsewhere


def lazy_import_slots(code: str) -> frozenset[str]:
    """Module names that a function of ``code`` declares ``global`` and binds with an import
    (``parser = None`` filled by ``global parser; from pkg import parser``): slots of lazy
    imports, not API. ``code`` must hold the function bodies (not a pruned text)."""
    if "global" not in code:
        return frozenset()
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return frozenset()
    found: set[str] = set()
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        declared = {
            name
            for node in ast.walk(function)
            if isinstance(node, ast.Global)
            for name in node.names
        }
        if not declared:
            continue
        for node in ast.walk(function):
            if isinstance(node, ast.Import | ast.ImportFrom):
                for alias in node.names:
                    name = alias.asname or alias.name.split(".")[0]
                    if name in declared:
                        found.add(name)
    return frozenset(found)


def incidental_names(code: str) -> frozenset[str]:
    """Module-level names that are not API: loop and ``with`` targets, deleted names, names
    bound only for type checkers, and whatever an ``if __name__ == "__main__":`` block
    defines."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return frozenset()
    names: set[str] = _type_checking_only(tree) if "TYPE_CHECKING" in code else set()

    def bound(target: ast.AST) -> None:
        for node in ast.walk(target):
            if isinstance(node, ast.Name):
                names.add(node.id)

    for node in tree.body:
        if isinstance(node, ast.For | ast.AsyncFor):
            bound(node.target)
        elif isinstance(node, ast.With | ast.AsyncWith):
            for item in node.items:
                if item.optional_vars is not None:
                    bound(item.optional_vars)
        elif isinstance(node, ast.Delete):
            for target in node.targets:
                bound(target)
        elif isinstance(node, ast.If) and "__main__" in ast.dump(node.test):
            for inner in ast.walk(node):
                if isinstance(inner, ast.Name) and isinstance(inner.ctx, ast.Store):
                    names.add(inner.id)
                elif isinstance(inner, ast.FunctionDef | ast.ClassDef | ast.AsyncFunctionDef):
                    names.add(inner.name)
    return frozenset(names)
