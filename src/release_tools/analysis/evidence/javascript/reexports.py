"""Which exports of a module another module re-exports (``export ... from './x'``); pure.

A module reached from a package's entry only through ``export { a, b as c } from './x'`` shows
its users ``a`` and ``b`` alone: its other exports are internal, and changing them breaks no
one. ``export * from './x'`` passes on every export of ``x`` the re-exporting module itself
shows, and ``export * as ns from './x'`` all of them, as members of ``ns``.

A set of public names is a ``frozenset`` of export names, or None for every export (an entry
point, or a module reached through ``export *`` from one).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass

__all__ = ["PublicNames", "ReExport", "merge", "reached", "referenced", "restrict", "sided"]

#: The exports of a module that are public: None for all of them.
PublicNames = frozenset[str] | None

_WORD = re.compile(rb"[A-Za-z_$][\w$]*")
#: A declaration at the start of a line (top-level, as a rule), exported or not.
_DECLARATION = re.compile(
    rb"^(?:export[ \t]+)?(?:declare[ \t]+)?(?:abstract[ \t]+)?"
    rb"(?:type|interface|class|enum|namespace|function|const|let|var)[ \t]+([A-Za-z_$][\w$]*)",
    re.MULTILINE,
)


@dataclass(frozen=True, slots=True)
class ReExport:
    """One ``export ... from`` statement: its specifier and what it passes on."""

    spec: str
    #: ``(exported, original)`` for each name of ``export { original as exported } from``;
    #: None for ``export *`` and ``export * as ns``.
    names: tuple[tuple[str, str], ...] | None = None
    #: The ``ns`` of ``export * as ns from``.
    namespace: str | None = None


def reached(statement: ReExport, shown: PublicNames) -> PublicNames:
    """The names of the source module that ``statement`` makes public, when the module that
    holds it shows ``shown`` (an empty set: none)."""
    if statement.namespace is not None:
        return None if shown is None or statement.namespace in shown else frozenset()
    if statement.names is None:
        return shown
    return frozenset(
        original for exported, original in statement.names if shown is None or exported in shown
    )


def merge(first: PublicNames, second: PublicNames) -> PublicNames:
    """The names public through either of two paths to one module (all, if either says so)."""
    if first is None or second is None:
        return None
    return first | second


def sided(
    base: PublicNames, head: PublicNames, old_names: Set[str], new_names: Set[str]
) -> tuple[PublicNames, PublicNames]:
    """The names of one module to compare at the base and at the head, when ``base`` and
    ``head`` are public at each (``old_names`` and ``new_names``: its top-level exports at
    each).

    A name counts as added only when the head shows it, and as removed only when the base
    showed it: a module whose ``export *`` became ``export { a } from`` no longer shows the
    declarations it gains. A name the base showed and the head declares still is compared at
    the head too (its entry's own change reports it going); one only the head shows is new
    there, whatever it looked like while it was internal.
    """
    both = old_names & new_names
    new = None if head is None else head | (both if base is None else base & both)
    return base, new


def referenced(data: bytes, offsets: Mapping[str, int], shown: frozenset[str]) -> set[str]:
    """The top-level exports of a module that the declarations of ``shown`` names use, at any
    depth and through the module's own unexported declarations (``export type Options =
    CommonOptions<false>`` uses ``CommonOptions``).

    ``offsets`` gives where each top-level export's statement starts in ``data``; unexported
    declarations are found at the start of a line. A statement runs to the next one, and every
    word in it counts as a use (comments too: the error is on the side of comparing more).
    """
    starts: dict[str, list[int]] = {name: [at] for name, at in offsets.items()}
    for found in _DECLARATION.finditer(data):
        starts.setdefault(found.group(1).decode("ascii"), []).append(found.start())
    ordered = sorted({at for ats in starts.values() for at in ats})
    if not ordered:
        return set()
    ends = dict(zip(ordered, [*ordered[1:], len(data)], strict=True))
    seen = set(shown)
    todo = [name for name in shown if name in starts]
    while todo:
        for start in starts[todo.pop()]:
            for word in _WORD.findall(data, start, ends[start]):
                used = word.decode("ascii")
                if used in starts and used not in seen:
                    seen.add(used)
                    todo.append(used)
    return {name for name in seen - shown if name in offsets}


def restrict(names: Iterable[str], shown: frozenset[str], used: Set[str] = frozenset()) -> set[str]:
    """Which export rows of a module (``name`` or ``Owner.member``) ``shown`` makes public.

    The members of the ``used`` exports are public too: a public type shows the members of
    the types it is made of, though those cannot be named themselves. A ``* from ./x`` row is
    public when a shown name is not declared in the module itself: it may come through that
    re-export, and removing it then removes the name.
    """
    rows = set(names)
    owners = {name.split(".", 1)[0] for name in rows if not name.startswith("* from ")}
    through_star = bool(shown - owners)
    kept: set[str] = set()
    for name in rows:
        if name.startswith("* from "):
            if through_star:
                kept.add(name)
            continue
        owner, dot, _member = name.partition(".")
        if owner in shown or (dot and owner in used):
            kept.add(name)
    return kept
