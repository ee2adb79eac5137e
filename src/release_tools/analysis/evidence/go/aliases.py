"""Identifiers that moved to another package and stayed behind as aliases; pure.

A package that moves ``Options`` and ``New`` into a new package of the same module often keeps
its importers working with ``type Options = testr.Options`` and ``var New = testr.New``. Read
alone, the old package's type seems to lose its fields and methods and its function to become
a variable of unknown type. This module looks the targets up in the new package and writes
what they declare under the alias's name: the comparison then sees the same struct with the
same methods, or a variable of the function's own type, and reports only real differences.

The target's own types are written as the moved package's importers see them: by the alias
the package keeps for them (``Options``), else qualified (``logr.RuntimeInfo``); an
interface the old definition embedded from the target's package (``logr.LogSink``) is spelled
out with that interface's methods, as the target package spells out its own.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import replace

from release_tools.analysis.evidence.go.package import respelled
from release_tools.analysis.evidence.go.syntax import GoIdent, import_name

__all__ = ["moved_targets", "resolve_moved"]

Respell = Callable[[str], str]


def moved_targets(before: Mapping[str, GoIdent], after: Mapping[str, GoIdent]) -> dict[str, str]:
    """``{name: import/path.Name}`` of the identifiers that were declared in the package at the
    base and are an alias of, or a variable bound to, another package's identifier now."""
    return {
        key: ident.target
        for key, ident in after.items()
        if ident.target and key in before and not before[key].target
    }


def _respelling(path: str, api: Mapping[str, GoIdent], after: Mapping[str, GoIdent]) -> Respell:
    """How a type text of the package at ``path`` reads from the package of ``after``."""
    usual = import_name(path)
    kept = {
        ident.target.rpartition(".")[2]: key
        for key, ident in after.items()
        if ident.kind == "type" and ident.target.rpartition(".")[0] == path
    }
    local = sorted((k for k, v in api.items() if v.kind == "type" and "." not in k), key=len)
    if not local:
        return lambda text: text
    pattern = re.compile(r"(?<![\w.])(" + "|".join(map(re.escape, reversed(local))) + r")\b")
    return lambda text: pattern.sub(lambda m: kept.get(m[1], f"{usual}.{m[1]}"), text)


def _embedded_from(
    ident: GoIdent, path: str, api: Mapping[str, GoIdent], respell: Respell
) -> GoIdent:
    """``ident`` (an interface of the moved package at the base) with the interfaces it
    embedded from the package at ``path`` spelled out by their methods there."""
    prefix = import_name(path) + "."
    members: list[tuple[str, str]] = []
    changed = False
    for name, text in ident.members:
        found = api.get(name.removeprefix(prefix)) if name.startswith(prefix) else None
        if text == "embedded" and found is not None and found.kind == "type":
            members += [(n, respell(t)) for n, t in found.members]
            changed = True
        else:
            members.append((name, text))
    return replace(ident, members=tuple(dict(members).items())) if changed else ident


def resolve_moved(
    before: Mapping[str, GoIdent],
    after: Mapping[str, GoIdent],
    packages: Mapping[str, Mapping[str, GoIdent]],
) -> tuple[dict[str, GoIdent], dict[str, GoIdent]]:
    """``before`` and ``after`` with each moved identifier (:func:`moved_targets`) written as
    its target declares it, when ``packages`` (import path -> exported identifiers at the
    head) has it.

    A type alias takes the target's definition, fields and methods (the methods under the
    alias's name, as the alias's values have them); a variable bound to a function takes the
    function's type (``func(...)``), and one bound to a variable or constant its type. The
    base side changes only where an interface embedded one of the target's package.
    """
    old, new = dict(before), dict(after)
    for key, target in moved_targets(before, after).items():
        path, _, name = target.rpartition(".")
        api = packages.get(path) or {}
        found = api.get(name)
        ident = after[key]
        if found is None:
            continue
        respell = _respelling(path, api, after)
        if ident.kind == "type" and found.kind == "type":
            moved = respelled(found, respell)
            new[key] = replace(moved, name=key, path=ident.path, line=ident.line)
            old[key] = _embedded_from(before[key], path, api, respell)
            for member, method in api.items():
                owner, _, method_name = member.partition(".")
                if owner == name and method_name and method.kind == "method":
                    alias = f"{key}.{method_name}"
                    new.setdefault(alias, replace(respelled(method, respell), name=alias))
        elif ident.kind != "type" and found.kind == "func" and found.signature is not None:
            new[key] = replace(ident, signature=f"func{respell(found.signature)}")
        elif ident.kind != "type" and found.kind in ("var", "const"):
            signature = None if found.signature is None else respell(found.signature)
            new[key] = replace(ident, signature=signature)
    return old, new
