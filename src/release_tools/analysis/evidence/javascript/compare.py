"""Compare two versions of one module's exports; pure, the findings go to a bounded list.

Breaking (major): a removed export or member, a function or constructor that needs more
arguments, an interface or object-type property that became required (callers build those
objects). Features (minor): a new export or member, a parameter or option a function newly
accepts. For review (patch, weak): a parameter or property whose declared type changed, which
may widen or narrow what it takes.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Mapping

from release_tools.analysis.evidence._common import BoundedEvidence, evidence
from release_tools.analysis.evidence._layout import compact
from release_tools.analysis.evidence.javascript.declarations import Shape
from release_tools.analysis.evidence.javascript.exports import ExportRow, ModuleApi
from release_tools.analysis.evidence.javascript.widening import input_type, widened
from release_tools.analysis.models import Bump, EvidenceKind, Strength

__all__ = ["compare_modules"]


#: A trailing separator before a closing bracket: ``{ a: T; }``, ``(a: T,)``.
_TRAILING = re.compile(r",(?=[}\])>])")
#: A string literal type in single quotes: ``'a'`` and ``"a"`` are one type.
_SINGLE_QUOTED = re.compile(r"'([^'\"\\\n]*)'")
#: A leading ``|`` or ``&`` of a union or intersection laid out one member per line.
_LEADING = re.compile(r"(^|[(<\[,:=])[|&]")


def _same_type(was: str, now: str) -> bool:
    """Whether two type texts differ only in layout (as formatters rewrite it): spaces,
    ``;`` or ``,`` between members, trailing separators, a leading ``|`` or ``&``, the quotes
    of string literal types."""
    if was == now:
        return True

    def layout(text: str) -> str:
        text = _SINGLE_QUOTED.sub(r'"\1"', text)
        text = compact(text, "_$").replace(";", ",")
        return _LEADING.sub(r"\1", _TRAILING.sub("", text))

    return layout(was) == layout(now)


def compare_modules(
    path_old: str | None,
    path_new: str | None,
    old: ModuleApi,
    new: ModuleApi,
    strength: Strength,
    out: BoundedEvidence,
    phantom: frozenset[str] = frozenset(),
) -> None:
    """Add the differences of one module's exports to ``out``.

    Evidence is only built when ``out`` may keep it: a generated module can have tens of
    thousands of exports, all of them new. Names are compared as sets first; signatures are
    only looked at for names on both sides, and lines only for the findings that are kept.
    ``phantom`` holds the removed typings members that no JavaScript of the base ever
    mentioned: a weak review item.
    """
    before, after = old.rows, new.rows
    shown = path_new or path_old or ""
    removed = sorted(before.keys() - after.keys())
    unread = _unread_owners(removed, before, new)
    for owner, members in unread.items():
        _review(
            out,
            EvidenceKind.API_CHANGED,
            f"{owner} takes its members from types not read here (an alias of other types, or "
            f"a type of another module it extends): {len(members)} of its members were not "
            f"compared, e.g. {members[0]} (review)",
            path_new,
            new.line_of(after[owner][1]),
        )
    for name in removed:
        kind, offset, _required, _params = before[name]
        if name.rpartition(".")[0] in unread:
            continue
        if name in phantom:
            _review(
                out,
                EvidenceKind.API_REMOVED,
                f"{name} dropped from {path_old}, but no JavaScript of the base defines it: "
                "a typings correction (review)",
                path_old,
                old.line_of(offset),
            )
            continue
        if out.admit(Bump.MAJOR, strength):
            out.keep(
                evidence(
                    "javascript-api",
                    EvidenceKind.API_REMOVED,
                    Bump.MAJOR,
                    strength,
                    f"removed export {name} ({kind}) from {path_old}",
                    path=path_old,
                    line=old.line_of(offset),
                )
            )
    added = after.keys() - before.keys()
    # New exports are counted at once (a generated module adds thousands); the first are built.
    shown_new = out.admit_many(Bump.MINOR, Strength.STRONG, len(added))
    # The first names in order without sorting them all.
    for name in heapq.nsmallest(shown_new, added) if shown_new else ():
        kind, offset, _required, _params = after[name]
        out.keep(
            evidence(
                "javascript-api",
                EvidenceKind.API_ADDED,
                Bump.MINOR,
                Strength.STRONG,
                f"new export {name} ({kind}) in {shown}",
                path=path_new,
                line=new.line_of(offset),
            )
        )
    for name in sorted(before.keys() & after.keys()):
        _compare_signature(name, old, new, shown, path_new, strength, out)
        old_shape, new_shape = old.shapes.get(name), new.shapes.get(name)
        if old_shape is not None and new_shape is not None:
            _compare_shape(name, old_shape, new_shape, new, shown, path_new, strength, out)


def _unread_owners(
    removed: list[str], before: Mapping[str, ExportRow], new: ModuleApi
) -> dict[str, list[str]]:
    """The exports that kept their name but take their members from types not read here: an
    alias of other types (``type T = A | B``, ``Pick<A, "x">``), or a type extending one of
    another module. With the member names they had: those members may all still be there,
    through the types they name, so their removal is not proven."""
    owners: dict[str, list[str]] = {}
    for name in removed:
        owner, _, member = name.rpartition(".")
        shape = new.shapes.get(owner) if owner else None
        if before[name][0] == "member" and shape is not None and shape.opaque:
            owners.setdefault(owner, []).append(member)
    return owners


def _compare_signature(
    name: str,
    old: ModuleApi,
    new: ModuleApi,
    shown: str,
    path_new: str | None,
    strength: Strength,
    out: BoundedEvidence,
) -> None:
    _old_kind, _old_offset, old_req, old_names = old.rows[name]
    new_kind, new_offset, new_req, new_names = new.rows[name]
    if old_req is None or new_req is None:
        return
    if new_req <= old_req and old_names is not None and new_names is not None:
        # Only when no name went: a renamed parameter is no new ability.
        added_names = new_names - old_names if old_names <= new_names else frozenset()
        if added_names and out.admit(Bump.MINOR, Strength.STRONG):
            listed = ", ".join(sorted(added_names))
            out.keep(
                evidence(
                    "javascript-api",
                    EvidenceKind.API_CHANGED,
                    Bump.MINOR,
                    Strength.STRONG,
                    f"{name} accepts new parameter or option {listed} in {shown}",
                    path=path_new,
                    line=new.line_of(new_offset),
                )
            )
    if new_req > old_req and out.admit(Bump.MAJOR, strength):
        what = f"constructor of {name}" if new_kind == "class" else f"function {name}"
        out.keep(
            evidence(
                "javascript-api",
                EvidenceKind.API_CHANGED,
                Bump.MAJOR,
                strength,
                f"{what} now needs {new_req} arguments instead of {old_req}",
                path=path_new,
                line=new.line_of(new_offset),
            )
        )


def _compare_shape(
    name: str,
    old: Shape,
    new: Shape,
    module: ModuleApi,
    shown: str,
    path_new: str | None,
    strength: Strength,
    out: BoundedEvidence,
) -> None:
    line = module.line_of(module.rows[name][1])
    became_required = new.in_type and old.optional and new.optional is False
    if became_required and out.admit(Bump.MAJOR, strength):
        out.keep(
            evidence(
                "javascript-api",
                EvidenceKind.API_CHANGED,
                Bump.MAJOR,
                strength,
                f"property {name} became required in {shown}",
                path=path_new,
                line=line,
            )
        )
    changed: list[tuple[str, str, str]] = []
    widen: list[tuple[str, str, str]] = []
    if old.type and new.type and not _same_type(old.type, new.type):
        # An option that accepts more values: callers gain a way to call and lose none.
        accepts_more = input_type(name) and widened(old.type, new.type)
        (widen if accepts_more else changed).append((f"property {name}", old.type, new.type))
    old_params = old.signature.params if old.signature else None
    new_params = new.signature.params if new.signature else None
    if old_params is not None and new_params is not None:
        old_types = {p.name: p.type for p in old_params if p.name and p.type}
        for param in new_params:
            was = old_types.get(param.name or "")
            if was is not None and param.type is not None and not _same_type(was, param.type):
                # A function the package exports is called, never implemented, by its users:
                # a parameter that takes more is compatible. A member's owner may be an
                # interface users implement, where it is not.
                accepts_more = "." not in name and widened(was, param.type)
                item = (f"parameter {param.name} of {name}", was, param.type)
                (widen if accepts_more else changed).append(item)
    for what, was, now in widen:
        if out.admit(Bump.MINOR, Strength.STRONG):
            out.keep(
                evidence(
                    "javascript-api",
                    EvidenceKind.API_CHANGED,
                    Bump.MINOR,
                    Strength.STRONG,
                    f"{what} accepts more types ({was} -> {now}) in {shown}",
                    path=path_new,
                    line=line,
                )
            )
    for what, was, now in changed:
        _review(
            out,
            EvidenceKind.API_CHANGED,
            f"{what} changed type from {was} to {now} in {shown} (review)",
            path_new,
            line,
        )


def _review(
    out: BoundedEvidence, kind: EvidenceKind, message: str, path: str | None, line: int | None
) -> None:
    """Keep one weak patch-level review item, when ``out`` has room for it."""
    if out.admit(Bump.PATCH, Strength.WEAK):
        out.keep(
            evidence(
                "javascript-api",
                kind,
                Bump.PATCH,
                Strength.WEAK,
                message,
                path=path,
                line=line,
                review=True,
            )
        )
