"""Identifiers that moved to another package and stayed behind as aliases; pure.

A package that moves ``Options`` and ``New`` into a new package of the same module often keeps
its importers working with ``type Options = testr.Options`` and ``var New = testr.New``. Read
alone, the old package's type seems to lose its fields and methods and its function to become
a variable of unknown type. This module looks the targets up in the new package and writes
what they declare under the alias's name: the comparison then sees the same struct with the
same methods, or a variable of the function's own type, and reports only real differences.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from release_tools.analysis.evidence.go.syntax import GoIdent

__all__ = ["moved_targets", "resolve_moved"]


def moved_targets(before: Mapping[str, GoIdent], after: Mapping[str, GoIdent]) -> dict[str, str]:
    """``{name: import/path.Name}`` of the identifiers that were declared in the package at the
    base and are an alias of, or a variable bound to, another package's identifier now."""
    return {
        key: ident.target
        for key, ident in after.items()
        if ident.target and key in before and not before[key].target
    }


def resolve_moved(
    before: Mapping[str, GoIdent],
    after: Mapping[str, GoIdent],
    packages: Mapping[str, Mapping[str, GoIdent]],
) -> dict[str, GoIdent]:
    """``after`` with each moved identifier (:func:`moved_targets`) written as its target
    declares it, when ``packages`` (import path -> exported identifiers at the head) has it.

    A type alias takes the target's definition, fields and methods (the methods under the
    alias's name, as the alias's values have them); a variable bound to a function takes the
    function's type (``func(...)``), and one bound to a variable or constant its type.
    """
    out = dict(after)
    for key, target in moved_targets(before, after).items():
        path, _, name = target.rpartition(".")
        api = packages.get(path)
        found = api.get(name) if api is not None else None
        ident = after[key]
        if found is None:
            continue
        if ident.kind == "type" and found.kind == "type":
            out[key] = replace(found, name=key, path=ident.path, line=ident.line)
            for member, method in api.items() if api is not None else ():
                owner, _, method_name = member.partition(".")
                if owner == name and method_name and method.kind == "method":
                    out.setdefault(
                        f"{key}.{method_name}", replace(method, name=f"{key}.{method_name}")
                    )
        elif ident.kind != "type" and found.kind == "func" and found.signature is not None:
            out[key] = replace(ident, signature=f"func{found.signature}")
        elif ident.kind != "type" and found.kind in ("var", "const"):
            out[key] = replace(ident, signature=found.signature)
    return out
