"""Aliases of, and variables bound to, identifiers of other packages of the module; pure.

A package that moves ``Options`` and ``New`` into a new package of the same module often keeps
its importers working with ``type Options = testr.Options`` and ``var New = testr.New``; a
public package often shows an internal one's types the same way (``type Client =
impl.Client``). Read alone, such a type seems to have no fields or methods and such a function
to be a variable of unknown type. This module looks the targets up in their package, at each
side, and writes what they declare under the alias's name: the comparison then sees the
struct with its methods, or a variable of the function's own type, and reports only real
differences (a field the internal type lost is one the public alias lost). The alias keeps
its target's path: an alias that now names another type is reported as such.

The target's own types are written as the aliasing package's importers see them: by the alias
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

__all__ = ["alias_targets", "resolve_aliases"]

Respell = Callable[[str], str]


def alias_targets(idents: Mapping[str, GoIdent]) -> set[str]:
    """The targets (``import/path.Name``) of one side's aliases of, and variables bound to,
    another package's identifiers."""
    return {ident.target for ident in idents.values() if ident.target}


def _kept(path: str, idents: Mapping[str, GoIdent]) -> dict[str, str]:
    """``{type name: alias}`` of the types of the package at ``path`` that ``idents`` alias."""
    return {
        ident.target.rpartition(".")[2]: key
        for key, ident in idents.items()
        if ident.kind == "type" and ident.target.rpartition(".")[0] == path
    }


def _respelling(
    path: str, api: Mapping[str, GoIdent], side: Mapping[str, GoIdent], other: Mapping[str, GoIdent]
) -> Respell:
    """How a type text of the package at ``path`` reads from the package of ``side``: a type
    it aliases by the alias, one only the ``other`` side aliases by that alias (both sides
    then spell the same type alike, whether or not the alias exists at both), else
    qualified."""
    usual = import_name(path)
    kept = {**_kept(path, other), **_kept(path, side)}
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


def _origin(ident: GoIdent) -> str:
    """Where ``ident`` is declared, through any aliases that reached it: ``path:line``."""
    return ident.origin or f"{ident.path}:{ident.line}"


def _lookup(
    target: str, packages: Mapping[str, Mapping[str, GoIdent]]
) -> tuple[str, Mapping[str, GoIdent], GoIdent] | None:
    """The import path, the exported identifiers and the declaration of ``target``
    (``import/path.Name``) when ``packages`` has them."""
    path, _, name = target.rpartition(".")
    api = packages.get(path) or {}
    found = api.get(name)
    return (path, api, found) if found is not None else None


def _resolve_side(
    side: Mapping[str, GoIdent],
    other: Mapping[str, GoIdent],
    packages: Mapping[str, Mapping[str, GoIdent]],
    other_packages: Mapping[str, Mapping[str, GoIdent]],
) -> tuple[dict[str, GoIdent], dict[str, GoIdent]]:
    """One side's aliases (and variables bound to another package's identifier) written as
    their targets in ``packages`` declare them, and the idents of the other side that
    changed with them (an interface that embedded one of the target's package)."""
    out: dict[str, GoIdent] = dict(side)
    changed: dict[str, GoIdent] = {}
    for key, ident in side.items():
        if not ident.target:
            continue
        found = _lookup(ident.target, packages)
        there = other.get(key)
        if found is None or (
            there is not None and there.target and _lookup(there.target, other_packages) is None
        ):
            # Aliases at both sides compare alike only when both are looked up.
            continue
        path, api, target = found
        name = ident.target.rpartition(".")[2]
        respell = _respelling(path, api, side, other)
        if ident.kind == "type" and target.kind == "type":
            moved = respelled(target, respell)
            out[key] = replace(
                moved,
                name=key,
                path=ident.path,
                line=ident.line,
                target=ident.target,
                origin=_origin(target),
            )
            if there is not None and not there.target:
                changed[key] = _embedded_from(there, path, api, respell)
            for member, method in api.items():
                owner, _, method_name = member.partition(".")
                if owner == name and method_name and method.kind == "method":
                    alias = f"{key}.{method_name}"
                    shown = replace(
                        respelled(method, respell),
                        name=alias,
                        path=ident.path,
                        line=ident.line,
                        origin=_origin(method),
                    )
                    out.setdefault(alias, shown)
        elif ident.kind != "type" and target.kind == "func" and target.signature is not None:
            func = f"func{respell(target.signature)}"
            out[key] = replace(ident, signature=func, origin=_origin(target))
        elif ident.kind != "type" and target.kind in ("var", "const"):
            value = None if target.signature is None else respell(target.signature)
            out[key] = replace(ident, signature=value, origin=_origin(target))
    return out, changed


def resolve_aliases(
    before: Mapping[str, GoIdent],
    after: Mapping[str, GoIdent],
    packages: tuple[Mapping[str, Mapping[str, GoIdent]], Mapping[str, Mapping[str, GoIdent]]],
) -> tuple[dict[str, GoIdent], dict[str, GoIdent]]:
    """``before`` and ``after`` with each alias of, or variable bound to, another package's
    identifier written as its target declares it, when ``packages`` (import path -> exported
    identifiers, at the base, then at the head) has it.

    A type alias takes the target's definition, fields and methods (the methods under the
    alias's name, as the alias's values have them) and keeps the target's path, so that an
    alias of another type reads as such; a variable bound to a function takes the function's
    type (``func(...)``), and one bound to a variable or constant its type. What an alias
    takes is cited at the alias (its path and line: the name importers write), with the
    ``origin`` of the declaration it was read from. An identifier
    declared at one side and an alias at the other (moved to another package and aliased
    back, or back again) is compared with what its target declares; its declared side
    changes only where an interface embedded one of the target's package. An alias at both
    sides is looked up at both or at neither.
    """
    old, changed_new = _resolve_side(before, after, packages[0], packages[1])
    new, changed_old = _resolve_side(after, before, packages[1], packages[0])
    old.update(changed_old)
    new.update(changed_new)
    return old, new
