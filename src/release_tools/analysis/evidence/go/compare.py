"""The findings between two versions of one Go package's exported identifiers.

Breaking for importers: a removed identifier, method, struct field or interface method; a
changed signature, type shape, field type or interface method; a method moved from ``T`` to
``*T`` (``T`` values lose it from their method set, so they stop satisfying interfaces); a new
method on an exported interface that other packages can implement (their types no longer
satisfy it). Features: new identifiers, new struct fields, new methods of interfaces sealed by
an unexported method, and a function that accepts more arguments (a variadic parameter
appended, the last parameter ``T`` turned into ``...T``, or a parameter type replaced by an
interface the old type implements): every existing call still compiles
(only a function value stored with the old type, or an interface the method satisfied, would
not), so it is minor and strong rather than proof. ``...T`` turned back into ``T`` is a break,
and so is an alias of another package's type that names another type now (another identifier,
or one of another import path). A finding reached through an alias of another package's
identifier is cited at the alias, under the name importers write, and says where the
declaration it was read from lies.
"""

from __future__ import annotations

import re

from release_tools.analysis.evidence._common import BoundedEvidence, evidence
from release_tools.analysis.evidence.go.syntax import GoIdent
from release_tools.analysis.models import Bump, EvidenceKind, Strength

__all__ = ["compare_package"]

_Finding = tuple[EvidenceKind, Bump, str]


def compare_package(
    out: BoundedEvidence,
    before: dict[str, GoIdent],
    after: dict[str, GoIdent],
    shown: str,
    *,
    proof: bool = True,
) -> None:
    """Add the findings between one package's two versions to ``out``.

    ``proof`` is False when a file of either side was read by the linear scan, or the external
    checker found nothing breaking: breaking findings are then strong.
    """
    breaking = Strength.PROOF if proof else Strength.STRONG

    def through(key: str, ident: GoIdent) -> str:
        """Where a finding reached through an alias of another package's identifier lies,
        when the alias (``Client`` of ``Client.Get``) names the same identifier at both sides:
        the finding is cited at the alias, under the name importers write. An alias added,
        removed or naming another identifier is itself the change."""
        owner = key.split(".", 1)[0]
        old, new = before.get(owner), after.get(owner)
        if not ident.origin or old is None or new is None or old.target != new.target:
            return ""
        return f" (in {ident.origin}, through the alias {owner})"

    out.keep_all(
        EvidenceKind.API_REMOVED,
        Bump.MAJOR,
        breaking,
        sorted(before.keys() - after.keys()),
        lambda key: (
            f"removed exported {before[key].kind} {key} from package {shown}"
            + through(key, before[key]),
            before[key].path,
            before[key].line,
        ),
    )
    out.keep_all(
        EvidenceKind.API_ADDED,
        Bump.MINOR,
        Strength.STRONG,
        sorted(after.keys() - before.keys()),
        lambda key: (
            f"new exported {after[key].kind} {key} in package {shown}" + through(key, after[key]),
            after[key].path,
            after[key].line,
        ),
    )
    for key in sorted(before.keys() & after.keys()):
        old, new = before[key], after[key]
        if (old.kind, new.kind) == ("func", "var") and new.signature == f"func{old.signature}":
            # ``func F(...)`` -> ``var F = func(...)``: every call and use as a value compiles,
            # yet F can now be reassigned: a finding for a human to settle.
            message = (
                f"exported func {key} became a var of the same type func{old.signature} (review)"
            )
            if out.admit(Bump.PATCH, Strength.STRONG):
                out.keep(
                    evidence(
                        "go-api",
                        EvidenceKind.API_CHANGED,
                        Bump.PATCH,
                        Strength.STRONG,
                        message,
                        path=new.path,
                        line=new.line,
                        review=True,
                    )
                )
            continue
        via = through(key, new)
        for kind, bump, message in _changes(key, old, new, after):
            message += via
            strength = breaking if bump is Bump.MAJOR else Strength.STRONG
            if out.admit(bump, strength):
                out.keep(
                    evidence("go-api", kind, bump, strength, message, path=new.path, line=new.line)
                )


def _changes(key: str, old: GoIdent, new: GoIdent, after: dict[str, GoIdent]) -> list[_Finding]:
    if old.kind == new.kind == "type" and old.target and new.target and old.target != new.target:
        # Another type, even of the same shape or spelled alike (``yaml.Node`` of another
        # major version): values of the old one no longer fit where the alias is named.
        message = f"exported type {key} is an alias of another type: {old.target} -> {new.target}"
        return [(EvidenceKind.API_CHANGED, Bump.MAJOR, message)]
    if old.kind != new.kind:
        message = f"exported {old.kind} {key} became a {new.kind}"
        return [(EvidenceKind.API_CHANGED, Bump.MAJOR, message)]
    out: list[_Finding] = []
    if old.signature is not None and new.signature is not None and old.signature != new.signature:
        out.append(_signature(key, old, new, after))
    if old.kind == "method" and new.pointer and not old.pointer:
        owner = key.split(".", 1)[0]
        message = (
            f"method {key} moved to the pointer receiver *{owner}: {owner} values no longer "
            "have it in their method set"
        )
        out.append((EvidenceKind.API_CHANGED, Bump.MAJOR, message))
    if old.kind == "type" and old.signature and old.signature == new.signature:
        shape = old.signature.rsplit(" ", 1)[-1]  # after any type parameters
        if shape == "struct":
            out += _fields(key, old, new)
        elif shape == "interface":
            out += _interface(key, old, new)
    return out


def _type_parameters(text: str) -> list[tuple[str, str]]:
    """``[(name, constraint)]`` of a type parameter list as the reader writes it
    (``[T any, S ~[]T]``, one constraint per name)."""
    inner = text.strip()[1:-1] if text.strip().startswith("[") else ""
    out: list[tuple[str, str]] = []
    depth, start = 0, 0
    for index, char in enumerate(inner + ","):
        if char in "[({":
            depth += 1
        elif char in "])}":
            depth -= 1
        elif char == "," and depth == 0:
            name, _, constraint = inner[start:index].strip().partition(" ")
            if name:
                out.append((name, constraint))
            start = index + 1
    return out


def _generalized(old: GoIdent, new: GoIdent) -> str | None:
    """The type parameters ``new`` appends to generalize ``old`` (``[T any]([]T) []T`` ->
    ``[T any, S ~[]T](S) S``), or None when it is no such change.

    Each appended parameter has a single approximation constraint ``~X``, and writing ``X``
    for it gives the old signature back: every call with inferred type arguments, or with
    the old explicit ones (Go infers the rest), still compiles and now accepts named types.
    """
    before, after = _type_parameters(old.type_params), _type_parameters(new.type_params)
    added = after[len(before) :]
    if not added or after[: len(before)] != before:
        return None
    params, results = list(new.params), new.results
    for name, constraint in added:
        core = constraint.removeprefix("~")
        if constraint == core or "|" in core:
            return None
        pattern = re.compile(rf"\b{re.escape(name)}\b")
        params = [pattern.sub(core, param) for param in params]
        results = pattern.sub(core, results)
    if (params, results) != (list(old.params), old.results):
        return None
    return ", ".join(f"{name} {constraint}" for name, constraint in added)


def _implements(type_name: str, interface: str, after: dict[str, GoIdent]) -> bool:
    """Whether values of ``type_name`` (``T`` or ``*T``, declared in the package) satisfy the
    package's interface ``interface`` (``any`` included), as the new version declares both.

    Every method of the interface must be an exported one the type declares with the same
    signature; a method on ``*T`` counts only for a ``*T`` value. An interface that embeds
    another or lists an unexported method is not checked (False).
    """
    if interface == "any":
        return True
    declared = after.get(interface)
    if declared is None or declared.kind != "type" or declared.signature != "interface":
        return False
    pointer = type_name.startswith("*")
    owner = after.get(type_name.removeprefix("*"))
    if owner is None or owner.kind != "type" or not declared.members:
        return False
    for name, signature in declared.members:
        method = after.get(f"{owner.name}.{name}")
        if (
            method is None
            or method.kind != "method"
            or method.signature != signature
            or (method.pointer and not pointer)
        ):
            return False
    return True


def _accepted_by_interface(
    old: GoIdent, new: GoIdent, after: dict[str, GoIdent]
) -> list[tuple[str, str]] | None:
    """The parameters whose type became an interface the old type implements (``Parser`` ->
    ``ScheduleParser``, ``*Config`` -> ``any``, ``...T`` -> ``...I``), or None when anything
    else changed: every argument of the old type still fits. Results and type parameters are
    the caller's to compare."""
    if len(old.params) != len(new.params):
        return None
    changed = [(a, b) for a, b in zip(old.params, new.params, strict=True) if a != b]
    for a, b in changed:
        if a.startswith("...") != b.startswith("..."):
            return None  # variadic gained or lost: not a change of type alone
        if not _implements(a.removeprefix("..."), b.removeprefix("..."), after):
            return None
    return changed or None


def _widened(old: GoIdent, new: GoIdent, after: dict[str, GoIdent]) -> str | None:
    """Why ``new`` accepts every call ``old`` did, or None when some call may break.

    Four changes keep each call compiling: a variadic parameter appended, the last
    parameter ``T`` becoming ``...T`` (one argument still fits; more now do), type
    parameters appended that generalize a parameter or result type (:func:`_generalized`),
    and a parameter type replaced by an interface the old type implements.
    """
    generalized = _generalized(old, new)
    if generalized is not None:
        return f"generalized by {generalized}: calls still compile"
    if (old.results, old.type_params) != (new.results, new.type_params):
        return None
    interfaces = _accepted_by_interface(old, new, after)
    if interfaces is not None:
        listed = ", ".join(f"{a} -> {b}" for a, b in interfaces)
        return f"parameter type widened to an interface the old type implements ({listed})"
    if any(p.startswith("...") for p in old.params):
        return None
    appended = new.params[len(old.params) :]
    if len(appended) == 1 and appended[0].startswith("...") and new.params[:-1] == old.params:
        return (
            "a variadic parameter was appended: existing calls still compile; only function "
            "values of the old type do not"
        )
    if (
        old.params
        and len(new.params) == len(old.params)
        and new.params[:-1] == old.params[:-1]
        and new.params[-1] == f"...{old.params[-1]}"
    ):
        return "the last parameter became variadic: it now accepts more arguments"
    return None


def _signature(key: str, old: GoIdent, new: GoIdent, after: dict[str, GoIdent]) -> _Finding:
    if old.kind in ("func", "method"):
        text = f"signature of {key} changed: func{old.signature} -> func{new.signature}"
        widened = _widened(old, new, after)
        if widened is not None:
            return (EvidenceKind.API_CHANGED, Bump.MINOR, f"{text} ({widened})")
        return (EvidenceKind.API_CHANGED, Bump.MAJOR, text)
    what = "definition" if old.kind == "type" else "type"
    message = f"{what} of exported {old.kind} {key} changed: {old.signature} -> {new.signature}"
    return (EvidenceKind.API_CHANGED, Bump.MAJOR, message)


def _fields(key: str, old: GoIdent, new: GoIdent) -> list[_Finding]:
    before, after = dict(old.members), dict(new.members)
    out: list[_Finding] = []
    for name in sorted(before.keys() - after.keys()):
        out.append((EvidenceKind.API_REMOVED, Bump.MAJOR, f"removed exported field {key}.{name}"))
    for name in sorted(before.keys() & after.keys()):
        if before[name] != after[name]:
            message = f"type of field {key}.{name} changed: {before[name]} -> {after[name]}"
            out.append((EvidenceKind.API_CHANGED, Bump.MAJOR, message))
    for name in sorted(after.keys() - before.keys()):
        out.append((EvidenceKind.API_ADDED, Bump.MINOR, f"new exported field {key}.{name}"))
    return out


def _interface(key: str, old: GoIdent, new: GoIdent) -> list[_Finding]:
    before, after = dict(old.members), dict(new.members)
    out: list[_Finding] = []
    for name in sorted(before.keys() - after.keys()):
        if name[:1].isupper() or before[name] == "embedded":
            message = f"removed method {name} from interface {key}"
            out.append((EvidenceKind.API_REMOVED, Bump.MAJOR, message))
    for name in sorted(before.keys() & after.keys()):
        if before[name] != after[name]:
            message = (
                f"signature of interface method {key}.{name} changed: "
                f"func{before[name]} -> func{after[name]}"
            )
            out.append((EvidenceKind.API_CHANGED, Bump.MAJOR, message))
    for name in sorted(after.keys() - before.keys()):
        if old.sealed:
            message = f"new method {name} in interface {key}, which only its package implements"
            out.append((EvidenceKind.API_ADDED, Bump.MINOR, message))
        else:
            message = (
                f"new method {name} in exported interface {key}: types of other packages "
                "that implement it no longer do"
            )
            out.append((EvidenceKind.API_CHANGED, Bump.MAJOR, message))
    return out
