"""What one parsed Python module offers its importers, by name.

Its public top-level names: those ``__all__`` lists when it has one, else those without a
leading underscore, imports counting only when a package ``__init__`` re-exports them (see
:func:`public_names`). Also the dotted targets a package ``__init__`` re-exports, and the
names a module-level ``__getattr__`` (a deprecation shim) may still serve.
"""

from __future__ import annotations

import re

import griffe

from release_tools.analysis.evidence.python.names import is_public_module

__all__ = ["exported", "public_names", "reexports", "served_names", "still_served"]

_QUOTED_NAME = re.compile(r"[\"']([A-Za-z_][A-Za-z0-9_]*)[\"']")


def _in_package(alias: griffe.Alias, top: str) -> bool:
    target = alias.target_path
    return target == top or target.startswith(top + ".")


def _reexport(alias: griffe.Alias, package: str) -> bool:
    """Whether an import in ``package``'s ``__init__`` offers the name to importers.

    The top-level package re-exports whatever it imports from itself. A subpackage
    re-exports what it imports from its own modules and from private ones of the
    distribution, not what it takes from a public module elsewhere (``from pkg.types import
    Scope`` in ``pkg.middleware``): that name has its public home, and the import is for use.
    """
    top = package.split(".")[0]
    if package == top or _in_package(alias, package):
        return _in_package(alias, top)
    return _in_package(alias, top) and not is_public_module(alias.target_path.rpartition(".")[0])


def exported(module: griffe.Module) -> frozenset[str] | None:
    """The names ``__all__`` lists as strings, as a set (a module may list tens of thousands);
    None without an ``__all__`` (or an empty one)."""
    exports = module.exports
    return frozenset(e for e in exports if isinstance(e, str)) if exports else None


def public_names(
    module: griffe.Module, *, is_init: bool
) -> dict[str, griffe.Object | griffe.Alias]:
    """The module's public top-level members, by the rules in the module docstring; a
    package ``__init__`` (``is_init``) also offers what it re-exports."""
    exports = exported(module)
    out: dict[str, griffe.Object | griffe.Alias] = {}
    for name, member in module.members.items():
        if isinstance(member, griffe.Alias) and member.wildcard:
            continue  # ``from x import *``: not a name of its own
        if exports is not None:
            if name in exports:
                out[name] = member
            continue
        if name.startswith("_"):
            continue
        if isinstance(member, griffe.Alias):
            # Re-exports define a package's API; other imports are implementation details.
            if is_init and _reexport(member, module.path):
                out[name] = member
            continue
        out[name] = member
    return out


def still_served(name: str, module: griffe.Module, code: str) -> bool | None:
    """Whether a module-level ``__getattr__`` still serves ``name`` (a deprecation shim).

    True when it mentions the name, None when it exists but does not (it may still serve it),
    False when the module has no ``__getattr__``.
    """
    if not isinstance(module.members.get("__getattr__"), griffe.Function):
        return False
    if f'"{name}"' in code or f"'{name}'" in code:
        return True
    return None


def served_names(module: griffe.Module, code: str) -> set[str]:
    """The names in quotes in ``module`` (source ``code``) when it has a module-level
    ``__getattr__``: the names a deprecation shim may serve, whether the function names them
    or a table beside it does. Empty without such a function."""
    if not isinstance(module.members.get("__getattr__"), griffe.Function):
        return set()
    return set(_QUOTED_NAME.findall(code))


def reexports(module: griffe.Module) -> dict[str, str]:
    """Dotted targets a package ``__init__`` re-exports (``pkg._impl.Client``, ``pkg._impl.*``),
    each with the path importers use (``pkg.Client``; ``pkg.Session`` for ``from ._impl
    import Client as Session``; ``pkg.*`` for a wildcard import)."""
    out: dict[str, str] = {}
    exports = exported(module)
    for name, member in module.members.items():
        if not isinstance(member, griffe.Alias):
            continue
        if member.wildcard:
            out[f"{member.wildcard}.*"] = f"{module.path}.*"
        elif (name in exports) if exports is not None else not name.startswith("_"):
            out[member.target_path] = f"{module.path}.{name}"
    return out
