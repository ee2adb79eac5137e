"""What a Python module's new version adds, and the findings list the comparison fills.

New public objects, optional parameters and class members are minor-level evidence; a
parameter whose annotation admits more types is patch-level (a typing fix, as a rule). See
:func:`added_members` for what does not count as new.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import griffe

from release_tools.analysis.evidence._common import evidence
from release_tools.analysis.evidence.python.classes import class_public, inherited_names
from release_tools.analysis.evidence.python.signatures import (
    VARIADIC,
    is_forwarder,
    widened_parameters,
)
from release_tools.analysis.models import Bump, Evidence, EvidenceKind, Strength

__all__ = ["Findings", "added_members", "kind_of", "lineno"]


@dataclass(slots=True)
class Findings:
    items: list[Evidence] = field(default_factory=list)

    def add(
        self,
        kind: EvidenceKind,
        bump: Bump,
        strength: Strength,
        message: str,
        path: str,
        line: int | None,
        *,
        review: bool = False,
    ) -> None:
        self.items.append(
            evidence(
                "python-api", kind, bump, strength, message, path=path, line=line, review=review
            )
        )


def lineno(obj: griffe.Object | griffe.Alias) -> int | None:
    if isinstance(obj, griffe.Alias):
        return obj.alias_lineno
    return obj.lineno


def kind_of(obj: griffe.Object | griffe.Alias) -> str:
    if isinstance(obj, griffe.Alias):
        return "name"
    return obj.kind.value


def _function_params(obj: griffe.Object | griffe.Alias) -> dict[str, griffe.Parameter]:
    if isinstance(obj, griffe.Function):
        return {p.name: p for p in obj.parameters}
    return {}


def added_members(
    old: dict[str, griffe.Object | griffe.Alias],
    new: dict[str, griffe.Object | griffe.Alias],
    prefix: str,
    path: str,
    found: Findings,
    *,
    declared: frozenset[str] = frozenset(),
    in_class: bool = False,
    inherited: frozenset[str] = frozenset(),
) -> None:
    """New public objects, new optional parameters, new public class members: minor.

    New variables count only when ``declared`` (listed in ``__all__``) or declared in a class
    body (a TypedDict key, a dataclass field): modules grow flags and constants, and instances
    grow internal state, in bug-fix releases all the time. A new method that overrides one of
    the ``inherited`` names (defined by a base class) is not new API: callers could call it
    before; the change is in its behaviour.
    """
    for name, member in new.items():
        before = old.get(name)
        qualified = f"{prefix}.{name}"
        if before is None:
            if name.startswith("__") and name.endswith("__"):
                continue  # __version__, __init__ ...: not new API in themselves
            if name in inherited:
                continue
            undeclared = isinstance(member, griffe.Attribute) and name not in declared
            if undeclared and not (in_class and "class-attribute" in member.labels):
                continue
            found.add(
                EvidenceKind.API_ADDED,
                Bump.MINOR,
                Strength.STRONG,
                f"new public {kind_of(member)} {qualified}",
                path,
                lineno(member),
            )
            continue
        if isinstance(member, griffe.Function) and isinstance(before, griffe.Function):
            if is_forwarder(before):
                continue  # a pass-through given the parameters it always handed on
            old_params = _function_params(before)
            old_kinds = {p.kind for p in old_params.values()}
            added = [
                p.name
                for p in member.parameters
                if p.name not in old_params
                and not p.required
                and not p.name.startswith("_")
                and not (p.kind in VARIADIC and p.kind in old_kinds)  # **attrs -> **kwargs
            ]
            if added:
                found.add(
                    EvidenceKind.API_CHANGED,
                    Bump.MINOR,
                    Strength.STRONG,
                    f"new optional parameter{'s' if len(added) > 1 else ''} "
                    f"{', '.join(added)} of {qualified}",
                    path,
                    member.lineno,
                )
            widened = widened_parameters(before, member)
            if widened:
                # A wider annotation mostly states what the code already took (``str`` ->
                # ``str | PathLike``), a typing fix; a new capability shows in other evidence.
                found.add(
                    EvidenceKind.API_CHANGED,
                    Bump.PATCH,
                    Strength.STRONG,
                    f"parameter{'s' if len(widened) > 1 else ''} {', '.join(widened)} of "
                    f"{qualified} accept{'' if len(widened) > 1 else 's'} more types",
                    path,
                    member.lineno,
                )
        elif isinstance(member, griffe.Class) and isinstance(before, griffe.Class):
            added_members(
                class_public(before),
                class_public(member),
                qualified,
                path,
                found,
                in_class=True,
                inherited=inherited_names(member),
            )
