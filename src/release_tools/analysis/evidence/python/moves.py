"""Where public Python names went when a module was removed or became a package; pure.

* A removed module that only did ``from x import *`` (pydantic 2.7.4 dropped ``pydantic.v1.v1``,
  an alias of ``pydantic``) was an alias: x still serves its names.
* A module that became a package (urllib3 2.2.3 turned ``urllib3.http2`` into a package) and
  imports a name from one of its new submodules, even lazily inside a function, moved that
  name there.

Both are review items rather than proof of a break: importers of the old path do break.
"""

from __future__ import annotations

import ast

from release_tools.analysis.evidence.python.nowhere import parse_ast

__all__ = ["star_only_sources", "submodule_imports"]


def star_only_sources(code: str) -> list[str]:
    """The modules ``code`` star-imports when that is all it does, else an empty list.

    A docstring and ``__dunder__`` assignments (``__all__``) do not count as doing something.
    """
    try:
        tree = parse_ast(code)
    except SyntaxError:
        return []
    sources: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and [a.name for a in node.names] == ["*"]:
            sources.append("." * node.level + (node.module or ""))
            continue
        docstring = isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
        dunder = isinstance(node, ast.Assign) and all(
            isinstance(t, ast.Name) and t.id.startswith("__") and t.id.endswith("__")
            for t in node.targets
        )
        if not (docstring or dunder):
            return []
    return sources


def submodule_imports(dotted: str, code: str) -> dict[str, str]:
    """Names that package ``dotted``'s ``__init__`` code imports from its own submodules.

    Anywhere in the code, function bodies included: a package that imports a class lazily
    (to avoid a cycle) still says where the class lives now.
    """
    try:
        tree = parse_ast(code)
    except SyntaxError:
        return {}
    found: dict[str, str] = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom) or not node.module:
            continue
        if node.level == 1:
            source = f"{dotted}.{node.module}"
        elif node.level == 0 and node.module.startswith(dotted + "."):
            source = node.module
        else:
            continue
        for alias in node.names:
            if alias.name != "*":
                found.setdefault(alias.name, source)
    return found
