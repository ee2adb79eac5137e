"""Naming rules of a Python package's public API, shared by the planner and the comparison.

:func:`is_public_module` says which modules are public; :func:`incidental_names` which of a
module's top-level names are bound in passing (loop targets, names only type checkers see,
a ``__main__`` block's, shims bound to builtins or standard-library objects) rather than
offered to importers.
"""

from __future__ import annotations

import ast
import builtins
import sys
from collections.abc import Iterator

from release_tools.analysis.evidence.python.nowhere import parse_ast

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
        tree = parse_ast(code)
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


_BUILTINS = frozenset(dir(builtins))


def _module_statements(statements: list[ast.stmt]) -> Iterator[ast.stmt]:
    """The statements run at import time: the top level and the bodies of top-level ``try``,
    ``if`` and ``with`` blocks, not function or class bodies."""
    for node in statements:
        yield node
        if isinstance(node, ast.Try | ast.TryStar):
            for block in (node.body, node.orelse, node.finalbody):
                yield from _module_statements(block)
            for handler in node.handlers:
                yield from _module_statements(handler.body)
        elif isinstance(node, ast.If):
            yield from _module_statements(node.body)
            yield from _module_statements(node.orelse)
        elif isinstance(node, ast.With):
            yield from _module_statements(node.body)


def _listed(tree: ast.Module) -> set[str]:
    """The string entries of a literal ``__all__``."""
    out: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
                value = node.value
                if isinstance(value, ast.List | ast.Tuple):
                    out.update(
                        e.value
                        for e in value.elts
                        if isinstance(e, ast.Constant) and isinstance(e.value, str)
                    )
    return out


def _foreign_aliases(tree: ast.Module, package: str) -> set[str]:
    """Names the module binds only to objects of Python itself, unchanged: a builtin
    (``unicode = str``, ``basestring = (str, bytes)``), an attribute of a standard-library
    module (``cast = t.cast`` after ``import typing as t``), or a name imported from one.
    Such a binding is an import in disguise (often a Python 2 shim), and imports of other code
    are not a module's API; a name listed in ``__all__`` stays API. Objects of third-party
    libraries are left alone: a facade module may offer them on purpose."""
    statements = list(_module_statements(tree.body))
    foreign: set[str] = set()
    bound: dict[str, list[ast.expr | None]] = {}
    for node in statements:
        if isinstance(node, ast.Import | ast.ImportFrom):
            origin = isinstance(node, ast.ImportFrom)
            module = (node.module or "") if isinstance(node, ast.ImportFrom) else ""
            relative = isinstance(node, ast.ImportFrom) and node.level > 0
            for alias in node.names:
                source = module if origin else alias.name
                name = alias.asname or alias.name.split(".")[0]
                top = source.split(".")[0]
                if not relative and top != package and top in sys.stdlib_module_names:
                    foreign.add(name)
                bound.setdefault(name, []).append(None)
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    bound.setdefault(target.id, []).append(node.value)
                else:
                    for inner in ast.walk(target):
                        if isinstance(inner, ast.Name):
                            bound.setdefault(inner.id, []).append(ast.Constant(None))
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            bound.setdefault(node.name, []).append(ast.Constant(None))
        elif isinstance(node, ast.AnnAssign | ast.AugAssign) and isinstance(node.target, ast.Name):
            bound.setdefault(node.target.id, []).append(ast.Constant(None))

    def borrowed(value: ast.expr, name: str) -> bool:
        if isinstance(value, ast.Tuple):
            return bool(value.elts) and all(borrowed(e, name) for e in value.elts)
        root = value
        while isinstance(root, ast.Attribute):
            root = root.value
        if not isinstance(root, ast.Name):
            return False
        if root.id in foreign:
            return True
        # ``unicode = unicode`` (a Python 2 builtin kept), ``unicode = str``: a builtin the
        # module does not rebind itself.
        builtin = root.id == name or (root.id in _BUILTINS and root.id not in bound)
        return root is value and builtin

    listed = _listed(tree)
    return {
        name
        for name, values in bound.items()
        if name not in listed
        and any(v is not None for v in values)
        and all(
            (v is None and name in foreign) or (v is not None and borrowed(v, name)) for v in values
        )
    }


def incidental_names(code: str, package: str = "") -> frozenset[str]:
    """Module-level names that are not API: loop and ``with`` targets, deleted names, names
    bound only for type checkers, whatever an ``if __name__ == "__main__":`` block defines,
    and names bound only to builtins or standard-library objects (see :func:`_foreign_aliases`;
    ``package`` is the top-level package the module belongs to)."""
    try:
        tree = parse_ast(code)
    except SyntaxError:
        return frozenset()
    names: set[str] = _type_checking_only(tree) if "TYPE_CHECKING" in code else set()
    if package:
        names |= _foreign_aliases(tree, package)

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
