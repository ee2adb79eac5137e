"""A release range's footprint: which kinds of files changed, which public names came or went.

A cheap reading of the code between two commits, read from file paths and the ``+``/``-``
lines of declarations only (no parsing), so that the static evidence can be calibrated against
what the maintainers shipped in earlier releases (see :mod:`release_tools.analysis.history`),
not only against their commits.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import Enum

from release_tools.git import Git
from release_tools.versioning.bump import Bump

__all__ = [
    "Footprint",
    "FootprintRead",
    "KindOf",
    "Spend",
    "footprint",
    "read_footprint",
    "surface_delta",
]

log = logging.getLogger(__name__)

#: Diff bytes read per footprint: a bigger range (a vendored tree, a generated bundle) is
#: read as far as this and then judged without a footprint rather than slowly.
_FOOTPRINT_BYTES = 8 << 20
#: Source files whose declarations the footprint scans (others count as "source" only).
_DECLARATION_SUFFIXES = (
    ".py", ".pyi", ".go", ".rs", ".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx",
)  # fmt: skip
#: Paths given to one ``git diff`` at most; the rest of a huge range is not scanned.
_MAX_SCANNED_FILES = 2000


class Footprint(Enum):
    """What a range did to the code, in the cheapest terms that still separate releases.

    Read from file paths and the ``+``/``-`` lines of declarations only (no parsing), so that
    thirty earlier releases cost a fraction of a second: a public name that disappears from
    every file is a *removal*, one that appears an *addition*; a name on both sides (moved,
    or its signature edited) is neither.
    """

    #: Public declarations removed (perhaps with additions).
    REMOVAL = "removal"
    #: Public declarations added, none removed.
    ADDITION = "addition"
    #: Source code changed without a public declaration added or removed.
    SOURCE = "source"
    #: Only documentation, data or build files changed.
    SUPPORT = "support"
    #: Only tests, CI or development tooling changed.
    TOOLING = "tooling"

    @property
    def convention(self) -> Bump:
        """What the static rules make of such a range: the uncalibrated answer."""
        return {
            Footprint.REMOVAL: Bump.MAJOR,
            Footprint.ADDITION: Bump.MINOR,
            Footprint.SOURCE: Bump.PATCH,
            Footprint.SUPPORT: Bump.PATCH,
            Footprint.TOOLING: Bump.NONE,
        }[self]


# Public declarations per language, on a diff line without its +/- marker. Python: functions
# and classes at the top level or one level in (methods), not underscored.
_PY_DECL = re.compile(r"^(?: {4}|\t)?(?:async\s+)?(?:def|class)\s+([A-Za-z]\w*)")
# Go: exported functions, methods (receiver type kept in the name) and top-level types,
# constants and variables.
_GO_FUNC = re.compile(r"^func\s+(?:\(\s*\w*\s*\*?\s*(\w+)[^)]*\)\s*)?([A-Z]\w*)")
_GO_DECL = re.compile(r"^(?:type|const|var)\s+([A-Z]\w*)")
# Rust: `pub` items (not `pub(crate)` or other restricted visibilities).
_RS_DECL = re.compile(
    r"^\s*pub\s+(?:(?:async|const|unsafe|extern\s+\"[^\"]*\")\s+)*"
    r"(?:fn|struct|enum|trait|type|const|static|mod|union)\s+([A-Za-z_]\w*)"
)
# JavaScript/TypeScript: exported declarations.
_JS_DECL = re.compile(
    r"^export\s+(?:default\s+)?(?:declare\s+)?(?:abstract\s+)?(?:async\s+)?"
    r"(?:function\*?|class|const|let|var|interface|type|enum|namespace)\s+([A-Za-z_$][\w$]*)"
)


def _public_name(path: str, line: str) -> str | None:
    """The public name ``line`` declares in a file at ``path``, or None."""
    if path.endswith((".py", ".pyi")):
        match = _PY_DECL.match(line)
        return match.group(1) if match else None
    if path.endswith(".go"):
        func = _GO_FUNC.match(line)
        if func:
            receiver, name = func.groups()
            return f"{receiver}.{name}" if receiver else name
        match = _GO_DECL.match(line)
        return match.group(1) if match else None
    if path.endswith(".rs"):
        match = _RS_DECL.match(line)
        return match.group(1) if match else None
    match = _JS_DECL.match(line)
    return match.group(1) if match else None


def surface_delta(lines: Iterable[str]) -> tuple[set[str], set[str]]:
    """Public names only added and only removed by a ``git diff`` (``-U0`` suffices); pure.

    Names are compared over all files together, so a declaration moved between files is
    neither; a file's own name qualifies nothing, since a module split moves names too.
    """
    plus: set[str] = set()
    minus: set[str] = set()
    path = ""
    for line in lines:
        if line.startswith("diff --git "):
            path = line.rstrip("\n").rsplit(" b/", 1)[-1]
            continue
        if line.startswith(("+++", "---")) or line[:1] not in ("+", "-"):
            continue
        name = _public_name(path, line[1:])
        if name is not None:
            (plus if line[0] == "+" else minus).add(name)
    return plus - minus, minus - plus


#: The kind of one path: "source", "docs", "data", "build", "tests", "ci" or "dev" (the file-kind
#: evidence's classifier, passed in so that this module does not depend on the evidence).
KindOf = Callable[[str], str]


#: Reports diff bytes read; False tells the reader to stop (the budget cannot cover the pair).
Spend = Callable[[int], bool]
#: Bytes between two reports to a :data:`Spend`.
_SPEND_STEP = 1 << 16


@dataclass(frozen=True, slots=True)
class FootprintRead:
    """One footprint reading: what was found, the diff bytes it took, whether it was stopped."""

    footprint: Footprint | None
    size: int
    stopped: bool = False


def footprint(
    git: Git,
    old: str,
    new: str,
    paths: Sequence[str] = (),
    *,
    kind_of: KindOf,
    spend: Spend | None = None,
) -> Footprint | None:
    """The :class:`Footprint` of ``old..new`` (under ``paths``), None when it cannot be read.

    None too when ``spend`` says stop while the diff is read, or the diff is larger than this
    reading is for: a guess from part of it could call a release without removals one with
    them.
    """
    return read_footprint(git, old, new, paths, kind_of, spend).footprint


def read_footprint(
    git: Git, old: str, new: str, paths: Sequence[str], kind_of: KindOf, spend: Spend | None
) -> FootprintRead:
    """The reading behind :func:`footprint`, with the diff bytes it took and whether ``spend``
    stopped it (what a shared budget needs to count)."""
    kinds: dict[str, str] = {
        path: kind_of(path) for _status, path in git.name_status(old, new, paths)
    }
    present = set(kinds.values())
    if "source" not in present:
        if present & {"docs", "data", "build"}:
            return FootprintRead(Footprint.SUPPORT, 0)
        return FootprintRead(Footprint.TOOLING, 0)
    scanned = [
        p for p, kind in kinds.items() if kind == "source" and p.endswith(_DECLARATION_SUFFIXES)
    ]
    if not scanned:
        return FootprintRead(Footprint.SOURCE, 0)
    if len(scanned) > _MAX_SCANNED_FILES:
        log.debug("history: too many files for a footprint", extra={"files": len(scanned)})
        return FootprintRead(None, 0)
    read = unreported = 0
    text: list[str] = []
    with git.stream(
        "diff", "-U0", "--no-color", "--no-ext-diff", "--no-textconv", "--no-renames",
        "--no-relative", old, new, "--", *scanned,
    ) as lines:  # fmt: skip
        for raw in lines:
            read += len(raw)
            unreported += len(raw)
            if read > _FOOTPRINT_BYTES:
                log.debug("history: footprint too big to read", extra={"old": old, "new": new})
                return FootprintRead(None, _FOOTPRINT_BYTES + 1)
            if unreported >= _SPEND_STEP and spend is not None:
                if not spend(unreported):
                    return FootprintRead(None, read, stopped=True)
                unreported = 0
            if raw[:1] in (b"+", b"-", b"d"):
                text.append(raw.decode("utf-8", "replace"))
    if unreported and spend is not None and not spend(unreported):
        return FootprintRead(None, read, stopped=True)
    added, removed = surface_delta(text)
    if removed:
        return FootprintRead(Footprint.REMOVAL, read)
    if added:
        return FootprintRead(Footprint.ADDITION, read)
    return FootprintRead(Footprint.SOURCE, read)
