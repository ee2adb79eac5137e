"""Go public-API evidence: exported identifiers of importable packages, per package.

A package is a directory; identifiers move freely between its files, so each changed package is
compared as a whole (all its non-``_test.go`` files at base and at head, except those that only
a custom build tag compiles, :mod:`~release_tools.analysis.evidence.go.constraints`). Packages under
``internal/``, ``testdata/``, ``vendor/``, ``cmd/`` and examples, and ``package main`` programs
are not importable API.

The module's major version lives in its path: a directory whose new ``go.mod`` declares a
``/vN`` path (the "major subdirectory" layout, ``v2/go.mod``) is a new major version of the
module, one finding of its own, rather than thousands of new identifiers.

Work is bounded before anything is read, from the sizes: a file over :data:`MAX_PARSE_BYTES`,
or whose syntax tree has more than :data:`MAX_NODES` nodes, is read by the linear scan
(:mod:`~release_tools.analysis.evidence.go.linear`; findings strong, not proof); a package with
a file over :data:`MAX_SCAN_BYTES` is not read; an ``incomplete`` item names each such file. A
run parses at most :data:`PARSE_BUDGET_BYTES` and scans at most :data:`SCAN_BUDGET_BYTES`:
later files are scanned, then later packages left out (one ``incomplete`` item names them).
Each side is read in one ``git cat-file --batch`` after one ``--batch-check`` for the sizes.
An alias of another package's identifier of the module (``type Options = testr.Options``,
left behind by a move, or ``type Client = impl.Client`` showing an internal type) is compared
as the target package declares it at each side
(:mod:`~release_tools.analysis.evidence.go.aliases`), through chains of such aliases up to
:data:`_ALIAS_LINKS` links; those packages are read up to :data:`ALIAS_READ_BYTES`, each
once a run. A range that changes only the package an alias names (often an
``internal`` one) changes the aliasing package's API too: the unchanged importable packages
that import a changed package (or one that may alias it in turn, through up to
:data:`_ALIAS_LINKS` links, no package twice) and may alias its identifiers are found by
``git grep``
(:mod:`~release_tools.analysis.evidence.go.importers`), at most
:data:`MAX_ALIASING_PACKAGES` of them, read within what the run's budgets leave after the
changed packages, and compared as if their files had changed when they do alias an
identifier of a changed package; reading alike at both sides, they show only what the
aliases' targets changed.
When apidiff is installed, its verdict joins as proof
(:mod:`~release_tools.analysis.evidence.go.apidiff`); when it finds nothing incompatible, the
breaks this reading sees are kept as strong evidence rather than proof.
"""

from __future__ import annotations

import posixpath
import re

from release_tools import gitblobs
from release_tools.analysis.context import AnalysisContext
from release_tools.analysis.evidence._budget import PARSE, ReadBudget, too_large
from release_tools.analysis.evidence._common import (
    GATHER_LIMIT,
    BoundedEvidence,
    blob_sizes,
    changed_files,
    evidence,
    read_texts,
)
from release_tools.analysis.evidence.go.aliases import alias_targets, resolve_aliases
from release_tools.analysis.evidence.go.apidiff import tool_evidence
from release_tools.analysis.evidence.go.compare import compare_package
from release_tools.analysis.evidence.go.constraints import excluded_by_default
from release_tools.analysis.evidence.go.importers import alias_declarations, importing
from release_tools.analysis.evidence.go.linear import scan_file
from release_tools.analysis.evidence.go.package import finish_package, spell_aliases
from release_tools.analysis.evidence.go.syntax import GoIdent, parse_file
from release_tools.analysis.evidence.gomodule import module_path
from release_tools.analysis.models import Bump, Evidence, EvidenceKind, Strength

__all__ = [
    "ALIAS_READ_BYTES",
    "MAX_ALIASING_PACKAGES",
    "MAX_NODES",
    "MAX_PARSE_BYTES",
    "MAX_SCAN_BYTES",
    "PARSE_BUDGET_BYTES",
    "SCAN_BUDGET_BYTES",
    "gather",
    "parse_go",
]

#: Files above this size are not parsed with tree-sitter but scanned linearly.
MAX_PARSE_BYTES = 1_000_000
#: Parsed files with more syntax nodes than this are scanned linearly instead of walked.
MAX_NODES = 400_000
#: Files above this size are not read at all: their package is left unanalyzed.
MAX_SCAN_BYTES = 4_000_000
#: Bytes parsed with tree-sitter per run (both sides); later files are scanned linearly.
PARSE_BUDGET_BYTES = 2_000_000
#: Bytes scanned linearly per run (about 0.1 s per MB); later packages are left unanalyzed.
SCAN_BUDGET_BYTES = 4_000_000
#: Bytes parsed per run of the packages that aliases name (both sides);
#: a package that does not fit whole is not read, and its aliases are compared as written.
ALIAS_READ_BYTES = 1_000_000
#: Unchanged packages compared per run because they may alias a changed package's identifiers.
MAX_ALIASING_PACKAGES = 16
#: Links of a chain of aliases across packages followed from a changed package (``type
#: Client = impl.Client`` where ``impl.Client`` is ``= core.Client``): searched, and read.
_ALIAS_LINKS = 4
#: Packages a chain of aliases reaches that are searched for aliases in turn, and packages
#: read to follow the chains of one aliasing package, at most.
_CHAIN_PACKAGES = 32

_SKIP_DIRS = frozenset({"internal", "testdata", "vendor", "examples", "example", "cmd"})
#: Directories whose ``.go`` files belong to no package of the module, not even an internal one.
_FOREIGN_DIRS = frozenset({"testdata", "vendor"})
_MAJOR_SUFFIX = re.compile(r"/v([2-9]|[1-9]\d+)$")


def parse_go(code: str, path: str) -> tuple[str | None, dict[str, GoIdent]]:
    """The package name and the exported identifiers of one Go file; pure."""
    parsed = parse_file(code, path)
    package, idents = parsed if parsed is not None else scan_file(code, path)
    return package, spell_aliases(finish_package(idents))[0]


def _importable(directory: str) -> bool:
    return not any(
        part in _SKIP_DIRS or part.startswith((".", "_")) for part in directory.split("/")
    )


def _in_module(directory: str) -> bool:
    return not any(
        part in _FOREIGN_DIRS or part.startswith((".", "_")) for part in directory.split("/")
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


def _listed(ctx: AnalysisContext, ref: str, directories: list[str]) -> list[str]:
    """The files directly in ``directories`` at ``ref`` (and a few beside them), in one
    ``ls-tree`` that does not recurse: the module's root package is not the whole tree."""
    if not directories:
        return []
    pathspecs = [f"{directory}/" if directory else "." for directory in directories]
    listed = ctx.git.run_bytes("ls-tree", "-z", ref, "--", *pathspecs)
    out: list[str] = []
    for entry in listed.decode("utf-8", "replace").split("\0"):
        header, _, path = entry.partition("\t")
        if path and header.split(" ")[1:2] == ["blob"]:
            out.append(path)
    return out


def _ancestors(directory: str) -> list[str]:
    out = [directory]
    while directory:
        directory = posixpath.dirname(directory)
        out.append(directory)
    return out


def _go_mod(directory: str) -> str:
    return posixpath.join(directory, "go.mod") if directory else "go.mod"


class _Side:
    """One ref's package files: sizes checked first, then the planned ones read in one batch."""

    def __init__(self, ctx: AnalysisContext, ref: str, directories: list[str]) -> None:
        self._ctx, self.ref = ctx, ref
        self.files = _package_files(directories, _listed(ctx, ref, directories))
        self._mods = sorted(
            {_go_mod(a) for directory in directories for a in _ancestors(directory)}
        )
        paths = [p for f in self.files.values() for p in f]
        self.sizes = blob_sizes(ctx, ref, [*paths, *self._mods])
        self.modes: dict[str, str] = {}
        self.texts: dict[str, str] = {}
        #: Files not parsed, with the reason.
        self.scanned: dict[str, str] = {}
        #: The packages aliases name, by import path, as read for any package of the run
        #: (None: not read, or no package).
        self.aliased: dict[str, dict[str, GoIdent] | None] = {}

    def read(self) -> None:
        mods = [m for m in self._mods if m in self.sizes]
        self.texts = read_texts(self._ctx, self.ref, [*self.modes, *mods])

    def module_root(self, directory: str) -> tuple[str, str | None] | None:
        """The directory of the ``go.mod`` nearest to ``directory`` and its module path."""
        for ancestor in _ancestors(directory):
            text = self.texts.get(_go_mod(ancestor))
            if text is not None:
                return ancestor, module_path(text)
        return None

    def package_api(self, directory: str) -> dict[str, GoIdent] | None:
        """The exported identifiers of one planned package; None for a ``main`` package."""
        api: dict[str, GoIdent] = {}
        seen_package = False
        for path in self.files[directory]:
            code = self.texts.pop(path, None)
            if code is None or excluded_by_default(code):
                continue  # unread, or built only on request (``//go:build gofuzz``)
            parsed = None
            if self.modes[path] == PARSE:
                parsed = parse_file(code, path, max_nodes=MAX_NODES)
                if parsed is None:
                    self.scanned[path] = f"more than {MAX_NODES} syntax nodes"
            else:
                size = self.sizes[path]
                over = size > MAX_PARSE_BYTES
                self.scanned[path] = f"{size / 1e6:.1f} MB" if over else "over the parse budget"
            if parsed is None:
                parsed = scan_file(code, path)
            package, idents = parsed
            if package == "main":
                return None
            seen_package = seen_package or package is not None
            for key, ident in idents.items():
                api.setdefault(key, ident)
        return finish_package(api) if seen_package else {}


def _target_packages(
    ctx: AnalysisContext,
    at: _Side,
    directory: str,
    targets: set[str],
    budget: ReadBudget,
    most: int | None = None,
) -> dict[str, dict[str, GoIdent]]:
    """The exported identifiers, at the ref of ``at``, of the packages of this module that
    ``targets`` (``import/path.Name``) name, by import path; packages of other modules are not
    read, nor those the run's ``budget`` cannot parse whole. Each package is read once a run
    (kept in ``at``), whichever package's aliases name it; none is read once ``at`` holds
    ``most``."""
    if not targets:
        return {}
    found = at.module_root(directory)
    root, module = found if found is not None else ("", None)
    if module is None:
        return {}
    directories: dict[str, str] = {}
    for target in sorted(targets):
        path = target.rpartition(".")[0]
        if path == module or path.startswith(module + "/"):
            relative = path[len(module) :].lstrip("/")
            directories[posixpath.join(root, relative).strip("/")] = path
    unread = sorted(d for d, path in directories.items() if path not in at.aliased)
    if most is not None:
        unread = unread[: max(0, most - len(at.aliased))]
    if unread:
        side = _Side(ctx, at.ref, unread)
        for files in side.files.values():
            present = [path for path in files if path in side.sizes]
            modes = budget.plan([side.sizes[path] for path in present])
            side.modes.update(zip(present, modes or [], strict=False))
        side.read()
        for target_dir in unread:
            api = side.package_api(target_dir)
            at.aliased[directories[target_dir]] = spell_aliases(api)[0] if api else None
    return {path: api for path in directories.values() if (api := at.aliased.get(path)) is not None}


_Packages = tuple[dict[str, dict[str, GoIdent]], dict[str, dict[str, GoIdent]]]


def _linked_packages(
    ctx: AnalysisContext,
    sides: tuple[_Side, _Side],
    directory: str,
    packages: _Packages,
    budget: ReadBudget,
    links: int = _ALIAS_LINKS - 1,
) -> _Packages:
    """``packages`` (what the aliases of the package in ``directory`` name, at the base and
    the head) with their own aliases of other packages of the module read as those declare
    them, through up to ``links`` more links of a chain (``impl.Client`` being ``=
    core.Client``, perhaps ``= base.Client`` in turn), the far end first. Each package is read
    once a run (a cycle, which no Go build has, ends with the links), and no more are read
    once a side holds :data:`_CHAIN_PACKAGES`. A package read at one side only is left as it
    is, so that both sides of an alias read alike."""
    targets = tuple({t for api in side.values() for t in alias_targets(api)} for side in packages)
    if links <= 0 or not (targets[0] or targets[1]):
        return packages
    further = (
        _target_packages(ctx, sides[0], directory, targets[0], budget, _CHAIN_PACKAGES),
        _target_packages(ctx, sides[1], directory, targets[1], budget, _CHAIN_PACKAGES),
    )
    further = _linked_packages(ctx, sides, directory, further, budget, links - 1)
    old, new = dict(packages[0]), dict(packages[1])
    for path in old.keys() & new.keys():
        old[path], new[path] = resolve_aliases(old[path], new[path], further)
    return old, new


def _note(path: str, reason: str, scanned: bool) -> Evidence:
    what = (
        "only its exported names were compared by a linear scan"
        if scanned
        else "its package was not analyzed"
    )
    return too_large("go-api", path, reason, what, read=scanned)


def _plan(
    directories: list[str], base: _Side, head: _Side, budget: ReadBudget
) -> tuple[list[str], list[Evidence], list[str]]:
    """The packages to compare, notes on files too big to read, and packages over the budget.

    A package is read whole on both sides or not at all: a file read on one side only would
    look like the removal or addition of all its names.
    """
    planned: list[str] = []
    notes: list[Evidence] = []
    skipped: list[str] = []
    for directory in directories:
        files = [(side, p) for side in (base, head) for p in side.files[directory]]
        files = [(side, p) for side, p in files if p in side.sizes]
        big = {p: side.sizes[p] for side, p in files if side.sizes[p] > MAX_SCAN_BYTES}
        if big:
            notes += [_note(p, f"{size / 1e6:.1f} MB", scanned=False) for p, size in big.items()]
            continue
        modes = budget.plan([side.sizes[p] for side, p in files])
        if modes is None:
            skipped.append(directory or ".")
            continue
        for (side, path), mode in zip(files, modes, strict=True):
            side.modes[path] = mode
        planned.append(directory)
    return planned, notes, skipped


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


def _module_paths(ctx: AnalysisContext, wanted: dict[str, list[str]]) -> dict[str, dict[str, str]]:
    """``{import path: go.mod file}`` of the packages in the directories ``wanted`` at each
    ref, from the ``go.mod`` nearest to each (one ``cat-file --batch`` for all refs); a
    directory of no module has none."""
    specs = {(ref, _go_mod(a)) for ref, dirs in wanted.items() for d in dirs for a in _ancestors(d)}
    texts = gitblobs.read_texts(ctx.git, sorted(specs))
    out: dict[str, dict[str, str]] = {}
    for ref, directories in wanted.items():
        paths = out.setdefault(ref, {})
        for directory in directories:
            for ancestor in _ancestors(directory):
                text = texts.get((ref, _go_mod(ancestor)))
                if text is None:
                    continue
                module = module_path(text)
                if module is not None:
                    relative = directory[len(ancestor) :].strip("/")
                    paths[f"{module}/{relative}" if relative else module] = _go_mod(ancestor)
                break
    return out


def _aliasing_packages(
    ctx: AnalysisContext, changed: list[str], touched: set[str]
) -> tuple[list[str], set[str]]:
    """The unchanged importable packages (not in ``touched``) that may alias identifiers of
    the ``changed`` packages, directly or through :data:`_ALIAS_LINKS` packages, at most
    :data:`MAX_ALIASING_PACKAGES`, the module's top ones first; and the import paths at
    either side of the changed packages and of those that may alias them.

    They are searched at the head alone: a package none of whose files changed reads alike
    at the base.
    """
    base, head = ctx.base_sha, ctx.head_sha
    at = _module_paths(ctx, {base: changed, head: changed})
    seen = set(at[base]) | set(at[head])
    if not at[head]:
        return [], seen
    declaring = alias_declarations(ctx, head, min(at[head].values()))
    found: set[str] = set()
    near_paths = seen
    for link in range(_ALIAS_LINKS):
        near = sorted(
            {posixpath.dirname(p) for p in importing(ctx, head, declaring, near_paths)} - found
        )
        found.update(near)
        if link + 1 == _ALIAS_LINKS or not near or len(found) >= _CHAIN_PACKAGES:
            break
        # The files of a package found already need not be searched again.
        declaring = [p for p in declaring if posixpath.dirname(p) not in found]
        # Each may alias a changed package's identifier: its own aliases may show it on.
        near_paths = set(_module_paths(ctx, {head: near})[head]) - seen
        seen |= near_paths
    kept = sorted(
        (d for d in found if d not in touched and _importable(d)),
        key=lambda d: (d.count("/") + bool(d), d),
    )
    return kept[:MAX_ALIASING_PACKAGES], seen


def _names_any(targets: tuple[set[str], set[str]], import_paths: set[str]) -> bool:
    """Whether an alias target (``import/path.Name``) of either side names an identifier of
    a package at one of ``import_paths``."""
    return any(t.rpartition(".")[0] in import_paths for side in targets for t in side)


def _unread(skipped: list[str], total: int, what: str) -> Evidence:
    shown = ", ".join(skipped[:5]) + (", ..." if len(skipped) > 5 else "")
    message = (
        f"{len(skipped)} of {total} {what} exceed the analysis budget and were not analyzed: "
        f"{shown}"
    )
    return evidence("go-api", EvidenceKind.UNREAD, Bump.PATCH, Strength.WEAK, message)


def gather(ctx: AnalysisContext) -> list[Evidence]:
    """Go exported-identifier evidence for the packages whose files changed, and for the
    unchanged packages that alias their identifiers."""
    changes = changed_files(ctx, (".go",))
    names = {p for c in changes for p in {c.path, c.old_path or c.path} if p.endswith(".go")}
    changed = sorted({posixpath.dirname(p) for p in names if _in_module(posixpath.dirname(p))})
    directories = [d for d in changed if _importable(d)]
    # Any non-test file change (even one the configuration excludes) keeps a package from
    # being compared for its aliases alone: its own changes are not this reading's to report.
    touched = {
        posixpath.dirname(p)
        for c in ctx.changes
        for p in {c.path, c.old_path or c.path}
        if p.endswith(".go") and not p.endswith("_test.go")
    }
    aliasing, changed_paths = _aliasing_packages(ctx, changed, touched) if changed else ([], set())
    if not directories and not aliasing:
        return []
    base = _Side(ctx, ctx.base_sha, [*directories, *aliasing])
    head = _Side(ctx, ctx.head_sha, [*directories, *aliasing])
    budget = ReadBudget(
        max_parse=MAX_PARSE_BYTES,
        max_scan=MAX_SCAN_BYTES,
        parse_budget=PARSE_BUDGET_BYTES,
        scan_budget=SCAN_BUDGET_BYTES,
    )
    planned, notes, skipped = _plan(directories, base, head, budget)
    # The changed packages first: the aliasing ones get what the budget leaves.
    also, also_notes, also_skipped = _plan(aliasing, base, head, budget)
    notes += also_notes
    planned += also
    base.read()
    head.read()
    out = BoundedEvidence("go-api", GATHER_LIMIT)
    verdict = tool_evidence(ctx)
    out.extend(verdict or ())
    # apidiff type-checks both versions: when it ran and found nothing incompatible, a break
    # this reading sees is strong evidence, not proof.
    trusted = verdict is None or any(e.level is Bump.MAJOR for e in verdict)
    majors: dict[str, str] = {}
    alias_budget = ReadBudget(
        max_parse=MAX_PARSE_BYTES, max_scan=0, parse_budget=ALIAS_READ_BYTES, scan_budget=0
    )
    for directory in planned:
        major = _new_major_module(base, head, directory)
        if major is not None:
            majors.setdefault(*major)
            continue
        before = base.package_api(directory)
        after = head.package_api(directory)
        if before is None or after is None:
            continue
        before, after = spell_aliases(before, after)
        targets = (alias_targets(before), alias_targets(after))
        if directory in also and not _names_any(targets, changed_paths):
            continue  # unchanged, and showing nothing of a changed package
        if targets[0] or targets[1]:
            packages = (
                _target_packages(ctx, base, directory, targets[0], alias_budget),
                _target_packages(ctx, head, directory, targets[1], alias_budget),
            )
            packages = _linked_packages(ctx, (base, head), directory, packages, alias_budget)
            before, after = resolve_aliases(before, after, packages)
        scanned = {
            p: reason
            for side in (base, head)
            for p, reason in side.scanned.items()
            if posixpath.dirname(p) == directory
        }
        compare_package(out, before, after, directory or ".", proof=trusted and not scanned)
        notes += [_note(p, reason, scanned=True) for p, reason in scanned.items()]
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
    if skipped:
        notes.append(_unread(skipped, len(directories), "changed Go packages"))
    if also_skipped:
        what = "Go packages that may alias a changed package's identifiers"
        notes.append(_unread(also_skipped, len(aliasing), what))
    return [*out.items(), *notes]
