"""Go public-API evidence: exported identifiers of importable packages, per package.

A package is a directory; identifiers move freely between its files, so each changed package is
compared as a whole (all its non-``_test.go`` files at base and at head). Packages under
``internal/``, ``testdata/``, ``vendor/``, ``cmd/`` and examples, and ``package main`` programs
are not importable API.

The module's major version lives in its path: a directory whose new ``go.mod`` declares a
``/vN`` path (the "major subdirectory" layout, ``v2/go.mod``) is a new major version of the
module, one finding of its own, rather than thousands of new identifiers.

Work is bounded per file before anything is parsed: a file over :data:`MAX_PARSE_BYTES`, or
whose syntax tree has more than :data:`MAX_NODES` nodes, is read by the linear scan
(:mod:`~release_tools.analysis.evidence.go.linear`; findings strong, not proof), a file over
:data:`MAX_SCAN_BYTES` is not read; an ``incomplete`` item names each. Each side is read in one
``git cat-file --batch`` after one ``--batch-check`` for the sizes. When apidiff is installed,
its verdict joins as proof (:mod:`~release_tools.analysis.evidence.go.apidiff`).
"""

from __future__ import annotations

import posixpath
import re

from release_tools.analysis.context import AnalysisContext
from release_tools.analysis.evidence._common import (
    MAX_PER_SOURCE,
    BoundedEvidence,
    blob_sizes,
    changed_files,
    evidence,
    read_texts,
)
from release_tools.analysis.evidence.go.apidiff import tool_evidence
from release_tools.analysis.evidence.go.compare import compare_package
from release_tools.analysis.evidence.go.linear import scan_file
from release_tools.analysis.evidence.go.syntax import GoIdent, parse_file
from release_tools.analysis.evidence.gomodule import module_path
from release_tools.analysis.models import Bump, Evidence, EvidenceKind, Strength

__all__ = ["MAX_NODES", "MAX_PARSE_BYTES", "MAX_SCAN_BYTES", "gather", "parse_go"]

#: Files above this size are not parsed with tree-sitter but scanned linearly.
MAX_PARSE_BYTES = 1_000_000
#: Parsed files with more syntax nodes than this are scanned linearly instead of walked.
MAX_NODES = 400_000
#: Files above this size are not read at all: their identifiers are left unanalyzed.
MAX_SCAN_BYTES = 64_000_000

_SKIP_DIRS = frozenset({"internal", "testdata", "vendor", "examples", "example", "cmd"})
_MAJOR_SUFFIX = re.compile(r"/v([2-9]|[1-9]\d+)$")


def parse_go(code: str, path: str) -> tuple[str | None, dict[str, GoIdent]]:
    """The package name and the exported identifiers of one Go file; pure."""
    parsed = parse_file(code, path)
    return parsed if parsed is not None else scan_file(code, path)


def _importable(directory: str) -> bool:
    return not any(
        part in _SKIP_DIRS or part.startswith((".", "_")) for part in directory.split("/")
    )


def _package_files(directories: list[str], files: list[str]) -> dict[str, list[str]]:
    """The non-test ``.go`` files of each of ``directories`` among ``files``."""
    wanted: dict[str, list[str]] = {directory: [] for directory in directories}
    for path in files:
        if not path.endswith(".go") or path.endswith("_test.go"):
            continue
        package = wanted.get(posixpath.dirname(path))
        if package is not None:
            package.append(path)
    return wanted


def _ancestors(directory: str) -> list[str]:
    out = [directory]
    while directory:
        directory = posixpath.dirname(directory)
        out.append(directory)
    return out


def _go_mod(directory: str) -> str:
    return posixpath.join(directory, "go.mod") if directory else "go.mod"


class _Side:
    """One ref's package files: sizes checked first, then the readable ones in one batch."""

    def __init__(self, ctx: AnalysisContext, ref: str, directories: list[str]) -> None:
        pathspecs = [directory or "." for directory in directories]  # git refuses "" as a path
        self.files = _package_files(directories, ctx.git.ls_files(ref, pathspecs))
        mods = {_go_mod(a) for directory in directories for a in _ancestors(directory)}
        paths = [p for f in self.files.values() for p in f]
        self.sizes = blob_sizes(ctx, ref, [*paths, *sorted(mods)])
        readable = [p for p in paths if self.sizes.get(p, 0) <= MAX_SCAN_BYTES]
        self.texts = read_texts(
            ctx, ref, [*readable, *(m for m in sorted(mods) if m in self.sizes)]
        )
        #: Files not parsed, with the reason and whether the linear scan read them.
        self.capped: dict[str, tuple[str, bool]] = {}

    def module_root(self, directory: str) -> tuple[str, str | None] | None:
        """The directory of the ``go.mod`` nearest to ``directory`` and its module path."""
        for ancestor in _ancestors(directory):
            text = self.texts.get(_go_mod(ancestor))
            if text is not None:
                return ancestor, module_path(text)
        return None

    def package_api(self, directory: str) -> dict[str, GoIdent] | None:
        """The exported identifiers of one package; None for a ``main`` package."""
        api: dict[str, GoIdent] = {}
        seen_package = False
        for path in self.files[directory]:
            size = self.sizes.get(path, 0)
            code = self.texts.pop(path, None)
            if code is None:
                if size > MAX_SCAN_BYTES:
                    self.capped[path] = (f"{size / 1e6:.1f} MB", False)
                continue
            parsed = (
                parse_file(code, path, max_nodes=MAX_NODES) if size <= MAX_PARSE_BYTES else None
            )
            if parsed is None:
                reason = (
                    f"{size / 1e6:.1f} MB"
                    if size > MAX_PARSE_BYTES
                    else f"more than {MAX_NODES} syntax nodes"
                )
                self.capped[path] = (reason, True)
                parsed = scan_file(code, path)
            package, idents = parsed
            if package == "main":
                return None
            seen_package = seen_package or package is not None
            for key, ident in idents.items():
                api.setdefault(key, ident)
        return api if seen_package else {}


def _note(path: str, reason: str, scanned: bool) -> Evidence:
    what = (
        "only its exported names were compared by a linear scan"
        if scanned
        else "its API was not analyzed"
    )
    return evidence(
        "go-api",
        EvidenceKind.INCOMPLETE,
        Bump.PATCH,
        Strength.WEAK,
        f"{path}: {reason}, too large to parse; {what}",
        path=path,
    )


def _new_major_module(base: _Side, head: _Side, directory: str) -> tuple[str, str] | None:
    """The root and path of a ``/vN`` module that ``directory`` belongs to, new at head."""
    found = head.module_root(directory)
    if found is None:
        return None
    root, path = found
    if not root or path is None or not _MAJOR_SUFFIX.search(path):
        return None
    if _go_mod(root) in base.sizes:
        return None  # the /vN module existed at base: its packages are compared as usual
    return root, path


def gather(ctx: AnalysisContext) -> list[Evidence]:
    """Go exported-identifier evidence for the packages whose files changed."""
    changes = changed_files(ctx, (".go",))
    directories = sorted(
        {
            posixpath.dirname(p)
            for c in changes
            for p in {c.path, c.old_path or c.path}
            if p.endswith(".go") and _importable(posixpath.dirname(p))
        }
    )
    if not directories:
        return []
    base = _Side(ctx, ctx.base_sha, directories)
    head = _Side(ctx, ctx.head_sha, directories)
    out = BoundedEvidence("go-api", MAX_PER_SOURCE)
    majors: dict[str, str] = {}
    for directory in directories:
        major = _new_major_module(base, head, directory)
        if major is not None:
            majors.setdefault(*major)
            continue
        before = base.package_api(directory)
        after = head.package_api(directory)
        if before is None or after is None:
            continue
        capped = [
            p for side in (base, head) for p in side.capped if posixpath.dirname(p) == directory
        ]
        compare_package(out, before, after, directory or ".", proof=not capped)
    for root, path in sorted(majors.items()):
        if out.admit(Bump.MAJOR, Strength.PROOF):
            out.keep(
                evidence(
                    "go-api",
                    EvidenceKind.API_CHANGED,
                    Bump.MAJOR,
                    Strength.PROOF,
                    f"new major version of the module: {path} in {root}/ (a new import path "
                    "for its packages)",
                    path=_go_mod(root),
                )
            )
    out.extend(tool_evidence(ctx))
    notes = {
        path: _note(path, reason, scanned)
        for side in (base, head)
        for path, (reason, scanned) in side.capped.items()
    }
    return [*out.items(), *notes.values()]
