"""The two versions of one changed module, read for comparison.

Each side is parsed when the limits allow and scanned otherwise; a module that was added or
deleted, of which only the names are compared, is parsed only up to
:data:`ONE_SIDED_PARSE_BYTES`. A module read with less than a parse, or not read at all, is
named in an ``incomplete`` or ``unread`` item. What is compared of each side can then be
narrowed to the exports the package makes public there.
"""

from __future__ import annotations

from dataclasses import replace

from release_tools.analysis.evidence._common import BoundedEvidence, evidence
from release_tools.analysis.evidence.javascript import parser
from release_tools.analysis.evidence.javascript.barrels import Reach
from release_tools.analysis.evidence.javascript.exports import ModuleApi, read_module
from release_tools.analysis.evidence.javascript.parser import ParseBudget
from release_tools.analysis.evidence.javascript.reexports import (
    PublicNames,
    referenced,
    restrict,
    sided,
)
from release_tools.analysis.models import Bump, EvidenceKind, Strength

__all__ = ["ONE_SIDED_PARSE_BYTES", "note", "public_part", "read_pair", "shown_at_each_side"]

#: An added or deleted module is parsed up to this size: only its names are compared, which
#: the linear scan reads as well, so a bigger one (generated code, as a rule) is scanned.
ONE_SIDED_PARSE_BYTES = 200_000


def note(out: BoundedEvidence, path: str, message: str, *, read: bool = True) -> None:
    """Name a module whose API was not fully analysed (an ``incomplete`` item), or not read at
    all (``read`` False: an ``unread`` one)."""
    if out.admit(Bump.PATCH, Strength.WEAK):
        out.keep(
            evidence(
                "javascript-api",
                EvidenceKind.INCOMPLETE if read else EvidenceKind.UNREAD,
                Bump.PATCH,
                Strength.WEAK,
                f"{path}: {message}",
                path=path,
            )
        )


def read_pair(
    before: tuple[str | None, str],
    after: tuple[str | None, str],
    budget: ParseBudget,
    out: BoundedEvidence,
) -> tuple[ModuleApi, ModuleApi]:
    """Both versions of one module, parsed when the limits allow (see the module docstring)."""
    (before_path, before_code), (after_path, after_code) = before, after
    if before_path is None or after_path is None:
        # Only names are compared: a bigger module is scanned, without its parameter lists.
        return (
            read_module(
                before_code, before_path, parse_limit=ONE_SIDED_PARSE_BYTES, budget=budget,
                signatures=False,
            ),
            read_module(
                after_code, after_path, parse_limit=ONE_SIDED_PARSE_BYTES, budget=budget,
                signatures=False,
            ),
        )  # fmt: skip
    old = read_module(before_code, before_path, budget=budget)
    new = read_module(after_code, after_path, budget=budget)
    largest = max(len(before_code), len(after_code))
    if largest > parser.MAX_PARSE_BYTES:
        note(
            out,
            after_path,
            f"{largest / 1e6:.1f} MB, too large to parse; exports compared by a linear scan",
        )
    elif not (old.parsed and new.parsed):
        note(out, after_path, "the run's parse budget was spent; exports compared by a linear scan")
    return old, new


def public_part(module: ModuleApi, code: str, names: frozenset[str]) -> ModuleApi:
    """``module`` (read from ``code``) with only the exports that ``names`` makes public:
    those names, their members, and the members of the exports their declarations use."""
    # A parse gives byte offsets; the linear scan character offsets, which an ASCII encoding
    # keeps (one byte a character, ``?`` for the others).
    data = code.encode("utf-8" if module.parsed else "ascii", "replace")
    offsets = {
        name: row[1]
        for name, row in module.rows.items()
        if "." not in name and not name.startswith("* from ")
    }
    kept = restrict(module.rows, names, referenced(data, offsets, names))
    return replace(
        module,
        rows={name: row for name, row in module.rows.items() if name in kept},
        shapes={name: shape for name, shape in module.shapes.items() if name in kept},
    )


def _top_names(module: ModuleApi) -> set[str]:
    return {n for n in module.rows if "." not in n and not n.startswith("* from ")}


def shown_at_each_side(
    reach: Reach | None,
    before_path: str | None,
    after_path: str | None,
    names: PublicNames,
    old: ModuleApi,
    new: ModuleApi,
) -> tuple[PublicNames, PublicNames]:
    """The names of a module to compare at the base and the head: those each side shows
    (see :func:`~.reexports.sided`) when the module is public at both, else ``names`` (public
    at either) at both."""
    if reach is None or before_path is None or after_path is None:
        return names, names
    base_key, head_key = ("base", before_path), ("head", after_path)
    if base_key not in reach.shown or head_key not in reach.shown:
        return names, names
    return sided(reach.shown[base_key], reach.shown[head_key], _top_names(old), _top_names(new))
