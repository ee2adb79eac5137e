"""Which changed Python modules to compare, with what sources, in what order: the jobs.

:class:`Planner` maps each changed file to its module's dotted name (following the package
chain; a stub states the API when a module has one), finds what public packages re-export from
private modules, reads the sources from git in bounded groups and yields the comparison jobs,
public modules first, within :data:`MAX_PARSE_BYTES`. A module too big to parse is scanned for
its top-level names instead (:class:`Oversized`, turned into evidence by
:func:`oversized_evidence`), within :data:`MAX_SCAN_BYTES` a module and
:data:`SCAN_BUDGET_BYTES` a run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from release_tools.analysis.context import AnalysisContext
from release_tools.analysis.evidence._budget import too_large
from release_tools.analysis.evidence._common import (
    GATHER_LIMIT,
    MAX_PER_SOURCE,
    BoundedEvidence,
    blob_chunks,
    blob_headers,
    evidence,
    is_test_path,
    is_vendored,
    new_path,
    old_path,
    read_texts,
)
from release_tools.analysis.evidence.python.jobs import Job, Source
from release_tools.analysis.evidence.python.layout import (
    init_files,
    loose_homes,
    module_name,
    unlisted_loose,
    unlisted_packages,
)
from release_tools.analysis.evidence.python.linear import NameChanges, Text, compare_public_names
from release_tools.analysis.evidence.python.names import is_public_module
from release_tools.analysis.evidence.python.stars import star_targets
from release_tools.analysis.models import Bump, Evidence, EvidenceKind, FileChange, Strength

__all__ = [
    "MAX_COMPARED_MODULES",
    "MAX_MODULE_BYTES",
    "MAX_PARSE_BYTES",
    "MAX_SCAN_BYTES",
    "SCAN_BUDGET_BYTES",
    "Oversized",
    "Planner",
    "StarKey",
    "module_name",
    "oversized_evidence",
]

#: A star-import reading's key: the commit, the module's dotted name and its file.
StarKey = tuple[str, str, str]

#: Characters of Python source (base and head together) parsed at most per range; beyond, a
#: weak note says the comparison was partial. One to two seconds of parsing on a laptop.
MAX_PARSE_BYTES = 2_500_000
#: Modules compared at most per range, however small: parsing costs about a millisecond a
#: module before its size counts, so a range adding twenty thousand tiny generated modules
#: would take tens of seconds within the byte budget. Beyond, the same note says so.
MAX_COMPARED_MODULES = 1_500
#: Characters of one module (either side) above which it is not parsed at all: griffe's walk
#: grows faster than linearly with the statements of a module, so one generated file could
#: take minutes. Such a module's top-level names are compared by a linear scan instead. One
#: over four times as many bytes (surely over in characters: UTF-8 takes at most 4 bytes a
#: character) is not even read whole: it is scanned as git streams it, so memory stays flat.
MAX_MODULE_BYTES = 1_000_000
#: Bytes of one module above which its names are not even scanned: its API is left
#: unanalyzed and a note says so.
MAX_SCAN_BYTES = 8_000_000
#: Bytes of modules too big to parse that one run scans (about 25 ms a MB, both sides
#: counted); the later ones are left unanalyzed, each with a note.
SCAN_BUDGET_BYTES = 8_000_000
_BATCH = 64
#: Bytes of module text read from git at once (both sides), within a batch of modules.
_READ_BYTES = 4_000_000
_MAX_SIBLINGS = 4


def _exposure_files(top_dir: str, top: str, packages: set[str]) -> list[str]:
    """The ``__init__`` files that may re-export a private module of package ``top``.

    Its own top-level ``__init__``; for a private top-level package (``_griffe``), also the
    ``__init__`` of its public sibling packages (``griffe``).
    """
    inits = [f"{top_dir}/__init__.py" if top_dir else "__init__.py"]
    if top.startswith("_") and top_dir in packages:
        parent = top_dir.rsplit("/", 1)[0] if "/" in top_dir else ""
        for directory in sorted(packages):
            d_parent = directory.rsplit("/", 1)[0] if "/" in directory else ""
            name = directory.rsplit("/", 1)[-1]
            if d_parent == parent and directory != top_dir and not name.startswith("_"):
                inits.append(f"{directory}/__init__.py")
        if len(inits) > _MAX_SIBLINGS + 1:
            # A directory of many packages (a monorepo, a stdlib): no single public face.
            return inits[:1]
    return inits


def _exposed(
    texts: tuple[dict[str, str], dict[str, str]], inits: list[str], packages: set[str]
) -> frozenset[str]:
    """What the ``inits`` re-export at base or head; ``texts`` holds both sides' files.

    A base re-export that the head's package serves by name from a module ``__getattr__`` (a
    deprecation shim for a renamed class) stays importable from the package: the private
    module it came from no longer matters for that name. So does one whose public name the
    head's package re-exports from another target (``from ._json import old as json`` became
    ``from ._json import json``): importers see the same name, and the ``__init__``'s own
    comparison reports the name if it went.
    """
    from release_tools.analysis.evidence.python.exports import reexports, served_names
    from release_tools.analysis.evidence.python.parsing import ModuleSource, Unreadable, visit

    sides: list[dict[str, str]] = []
    served: set[str] = set()
    wanted = [candidate for path in inits for candidate in (path, path + "i")]
    for index, side in enumerate(texts):
        found: dict[str, str] = {}
        for path in wanted:
            code = side.get(path)
            if code is None:
                continue
            named = module_name(path, packages)
            if named is None:
                continue
            try:
                module = visit(named[0], ModuleSource(path, code))
            except Unreadable:
                continue
            found.update(reexports(module))
            if index == 1:
                served |= served_names(module, code)
        sides.append(found)
    base, head = sides
    offered = set(head.values())
    gone = base.keys() - head.keys()
    shimmed = {target for target in gone if target.rpartition(".")[2] in served}
    # A target whose name the head still re-exports from another module is a move: the
    # comparison says so for review. Otherwise the public name survived a renamed target.
    lasts = {target.rpartition(".")[2] for target in head}
    renamed = {
        target
        for target in gone
        if base[target] in offered and target.rpartition(".")[2] not in lasts | {"*"}
    }
    return frozenset((base.keys() - shimmed - renamed) | head.keys())


class Planner:
    """Which modules of a range to compare, with what sources, in which order (the jobs)."""

    def __init__(
        self,
        ctx: AnalysisContext,
        changes: list[FileChange],
        exposures: dict[tuple[str, ...], frozenset[str]] | None = None,
        stars: dict[StarKey, frozenset[str]] | None = None,
    ) -> None:
        self.ctx = ctx
        #: What each public module's star imports brought, by (commit, module, path): a pure
        #: function of those, so a prefetch's readings are reused (given ones come from it).
        self.stars: dict[StarKey, frozenset[str]] = dict(stars or {})
        base_files = ctx.git.ls_files(ctx.base_sha)
        head_files = ctx.git.ls_files(ctx.head_sha)
        base_packages = init_files(base_files)
        head_packages = init_files(head_files)
        self.packages = packages = base_packages | head_packages
        homes = loose_homes([*base_files, *head_files], packages)
        # In a src layout only what lives under src/ is shipped; packages beside it (test
        # servers, docs helpers, build scripts) are not the project's API.
        # Each side on its own: a project may move to a src layout in the very range analyzed.
        base_src = any("src" in d.split("/")[:-1] for d in base_packages)
        head_src = any("src" in d.split("/")[:-1] for d in head_packages)
        self.old_side: dict[str, str] = {}
        self.new_side: dict[str, str] = {}
        #: Modules too big to parse, compared by their top-level names as they are read (so
        #: their texts are released with their batch, not kept until the evidence is built).
        self.oversized: list[Oversized] = []
        self._scan_left = SCAN_BUDGET_BYTES
        self.tops: dict[str, str] = {}
        #: Loose modules (outside any package) by name and side: the directories holding one.
        loose: dict[tuple[int, str], set[str]] = {}
        for change in changes:
            for side, path, src_layout in (
                (self.old_side, old_path(change), base_src),
                (self.new_side, new_path(change), head_src),
            ):
                if path is None or is_test_path(path) or is_vendored(path):
                    # A rename that git paired across the tree (two empty ``__init__`` files,
                    # one under tests/) leaves one side a test: that side ships nothing. A
                    # vendored copy (``wheel/vendored/packaging/``) is another project's API.
                    continue
                named = module_name(path, packages, homes)
                if named is None:
                    continue
                dotted, top_dir = named
                if src_layout and "src" not in top_dir.split("/"):
                    continue
                # A stub and its module share a name; the stub states the API when both exist.
                if dotted not in side or path.endswith(".pyi"):
                    side[dotted] = path
                self.tops.setdefault(dotted.split(".")[0], top_dir)
                if "." not in dotted and path.rpartition("/")[0] not in packages:
                    loose.setdefault((id(side), dotted), set()).add(top_dir)
        # Loose modules of one name in two directories (deploy/settings.py, docker/settings.py)
        # cannot be told apart by name: neither is compared rather than one with the other.
        for (_side, dotted), directories in loose.items():
            if len(directories) > 1:
                self.old_side.pop(dotted, None)
                self.new_side.pop(dotted, None)
        # Scripts beside the manifest of a project that ships packages and never names them.
        singles = {dotted for (_side, dotted), dirs in loose.items() if len(dirs) == 1}
        candidates = {
            path: dotted
            for side in (self.old_side, self.new_side)
            for dotted, path in side.items()
            if dotted in singles
        }
        for path in unlisted_loose(ctx, candidates, packages) if candidates else ():
            for side in (self.old_side, self.new_side):
                if side.get(candidates[path]) == path:
                    del side[candidates[path]]
        # Helper packages beside the shipped ones that the manifest's package list leaves out.
        unshipped = unlisted_packages(ctx, self.tops, packages)
        for side in (self.old_side, self.new_side):
            for dotted in [d for d in side if d.split(".")[0] in unshipped]:
                del side[dotted]
        self._exposed_cache: dict[str, frozenset[str]] = {}
        #: Many private top-level modules share one set of __init__ files (a flat layout's
        #: root); what those re-export, by that set (given ones come from a prefetch).
        self.exposures: dict[tuple[str, ...], frozenset[str]] = dict(exposures or {})
        self._init_texts: tuple[dict[str, str], dict[str, str]] | None = None

    def _stars(self, ref: str, dotted: str, source: Source) -> frozenset[str]:
        """:func:`star_targets` of ``dotted`` at ``ref``, read once per planner chain."""
        key = (ref, dotted, source.path)
        found = self.stars.get(key)
        if found is None:
            found = self.stars[key] = star_targets(self.ctx, ref, dotted, source)
        return found

    def _read_inits(self) -> tuple[dict[str, str], dict[str, str]]:
        """Both sides of every __init__ that may re-export a changed private module, read once."""
        if self._init_texts is None:
            names = self.old_side.keys() | self.new_side.keys()
            private = {d.split(".")[0] for d in names if not is_public_module(d)}
            wanted = [
                candidate
                for top in sorted(private)
                for path in _exposure_files(self.tops[top], top, self.packages)
                for candidate in (path, path + "i")
            ]
            ctx = self.ctx
            self._init_texts = (
                read_texts(ctx, ctx.base_sha, wanted),
                read_texts(ctx, ctx.head_sha, wanted),
            )
        return self._init_texts

    def exposure(self, dotted: str) -> frozenset[str] | None:
        """Re-exports that make a private module matter; None when nothing re-exports it."""
        if is_public_module(dotted):
            return frozenset()
        top = dotted.split(".")[0]
        if top not in self._exposed_cache:
            inits = tuple(_exposure_files(self.tops[top], top, self.packages))
            if inits not in self.exposures:
                self.exposures[inits] = _exposed(self._read_inits(), list(inits), self.packages)
            self._exposed_cache[top] = self.exposures[inits]
        targets = self._exposed_cache[top]
        for target in targets:
            module = target.rpartition(".")[0]
            if dotted == module or dotted.startswith(module + "."):
                return targets
        return None

    def jobs(
        self,
        select: Callable[[Source | None, Source | None], bool] | None = None,
        *,
        scan_oversized: bool = True,
    ) -> tuple[list[Job], int, bool]:
        """``(jobs, modules considered, budget exhausted)``, most visible modules first.

        ``select`` may drop modules once their sources are read (before they use the budget,
        :data:`MAX_PARSE_BYTES`). Modules too big to parse are scanned into :attr:`oversized`
        unless ``scan_oversized`` is false (a prefetch, which builds no such evidence).
        """
        budget = MAX_PARSE_BYTES
        old_side, new_side = self.old_side, self.new_side
        # Public modules first (package roots, then shallow ones), then re-exported private
        # ones; private modules nobody re-exports cannot change the API and are not read.
        candidates = sorted(old_side.keys() | new_side.keys(), key=lambda d: (d.count("."), d))
        names = [d for d in candidates if is_public_module(d)]
        names += [d for d in candidates if not is_public_module(d) and self.exposure(d) is not None]
        jobs: list[Job] = []
        ctx = self.ctx
        for start in range(0, len(names), _BATCH):
            batch = names[start : start + _BATCH]
            old_paths = [old_side[d] for d in batch if d in old_side]
            new_paths = [new_side[d] for d in batch if d in new_side]
            old_blobs = blob_headers(ctx, ctx.base_sha, old_paths)
            new_blobs = blob_headers(ctx, ctx.head_sha, new_paths)
            huge = {
                path
                for path, (_oid, size) in (*old_blobs.items(), *new_blobs.items())
                if size > 4 * MAX_MODULE_BYTES
            }
            for group in _groups(batch, old_side, new_side, old_blobs, new_blobs, huge):
                wanted = [
                    [side[d] for d in group if d in side and side[d] not in huge]
                    for side in (old_side, new_side)
                ]
                old_texts = read_texts(ctx, ctx.base_sha, wanted[0])
                new_texts = read_texts(ctx, ctx.head_sha, wanted[1])
                for dotted in group:
                    old_path, new_path = old_side.get(dotted), new_side.get(dotted)
                    if old_path in huge or new_path in huge:
                        old_blob = old_blobs.get(old_path or "")
                        new_blob = new_blobs.get(new_path or "")
                        if old_blob is not None and new_blob is not None and old_blob == new_blob:
                            continue  # the same content (a move or a mode change)
                        if scan_oversized:
                            self.oversized.append(
                                self._scan_streamed(
                                    dotted, (old_path, old_blob), (new_path, new_blob)
                                )
                            )
                        continue
                    old = _source(old_path, old_texts)
                    new = _source(new_path, new_texts)
                    if old is None and new is None:
                        continue
                    if old is not None and new is not None and old.code == new.code:
                        continue
                    if select is not None and not select(old, new):
                        continue
                    sizes = (len(old.code) if old else 0, len(new.code) if new else 0)
                    if max(sizes) > MAX_MODULE_BYTES:
                        if scan_oversized:
                            where = new.path if new is not None else old.path if old else None
                            self.oversized.append(
                                self._scan(
                                    dotted,
                                    where,
                                    sizes,
                                    old.code if old is not None else None,
                                    new.code if new is not None else None,
                                )
                            )
                        continue
                    if jobs and (budget - sum(sizes) < 0 or len(jobs) >= MAX_COMPARED_MODULES):
                        return jobs, len(names), True
                    budget -= sum(sizes)
                    if is_public_module(dotted):
                        # What the base's star imports brought, name by name (see .stars).
                        given = self._stars(ctx.base_sha, dotted, old) if old else None
                        brings = self._stars(ctx.head_sha, dotted, new) if new else None
                        jobs.append((dotted, old, new, given or frozenset(), brings or frozenset()))
                    else:
                        exposure = self.exposure(dotted) or frozenset()
                        jobs.append((dotted, old, new, exposure, frozenset()))
        return jobs, len(names), False

    def _scan_streamed(
        self,
        dotted: str,
        old: tuple[str | None, tuple[str, int] | None],
        new: tuple[str | None, tuple[str, int] | None],
    ) -> Oversized:
        """:meth:`_scan` of a module too big to hold, read from git as it streams.

        ``old`` and ``new`` are ``(path, (object id, size) or None when absent)``.
        """
        ctx = self.ctx

        def text(blob: tuple[str, int] | None) -> Text | None:
            if blob is None:
                return None
            oid = blob[0]
            return lambda: blob_chunks(ctx, oid)

        (old_path, old_blob), (new_path, new_blob) = old, new
        where = new_path if new_blob is not None else old_path
        sizes = (old_blob[1] if old_blob else 0, new_blob[1] if new_blob else 0)
        return self._scan(dotted, where, sizes, text(old_blob), text(new_blob))

    def _scan(
        self,
        dotted: str,
        where: str | None,
        sizes: tuple[int, int],
        old: Text | None,
        new: Text | None,
    ) -> Oversized:
        """Compare the top-level names of a module too big to parse, keeping no name set.

        Only the first :data:`MAX_PER_SOURCE` names of each kind are kept as strings: no more
        can be listed (see :func:`oversized_evidence`), the rest are counted. A private
        module's names are not API and its text is not scanned; a public one is scanned while
        :data:`MAX_SCAN_BYTES` and the run's :data:`SCAN_BUDGET_BYTES` allow.
        """
        size = max(sizes)
        if not is_public_module(dotted):
            return Oversized(dotted, where, size, None)
        if size > MAX_SCAN_BYTES or sum(sizes) > self._scan_left:
            return Oversized(dotted, where, size, None, scanned=False)
        self._scan_left -= sum(sizes)
        return Oversized(dotted, where, size, compare_public_names(old, new, MAX_PER_SOURCE))


def _groups(
    batch: list[str],
    old_side: dict[str, str],
    new_side: dict[str, str],
    old_blobs: dict[str, tuple[str, int]],
    new_blobs: dict[str, tuple[str, int]],
    huge: set[str],
) -> Iterator[list[str]]:
    """``batch`` in runs of about :data:`_READ_BYTES` of text to read (both sides; the ``huge``
    modules, which are streamed, weigh nothing), in order.

    The budget is spent module by module as the texts are read: a run of generated modules
    would otherwise be read whole (tens of MB held at once) to parse the first few.
    """
    group: list[str] = []
    weight = 0
    for dotted in batch:
        size = sum(
            blobs[side[dotted]][1]
            for side, blobs in ((old_side, old_blobs), (new_side, new_blobs))
            if dotted in side and side[dotted] in blobs and side[dotted] not in huge
        )
        if group and weight + size > _READ_BYTES:
            yield group
            group, weight = [], 0
        group.append(dotted)
        weight += size
    if group:
        yield group


@dataclass(frozen=True, slots=True)
class Oversized:
    """A module too big to parse: where it is, its size, and its public name changes.

    ``changes`` is None for a private module, whose names are not API, and for one that was
    not ``scanned`` (over :data:`MAX_SCAN_BYTES` or the run's scan budget).
    """

    dotted: str
    where: str | None
    size: int
    changes: NameChanges | None
    scanned: bool = True


def oversized_evidence(modules: list[Oversized]) -> list[Evidence]:
    """Removed and added public top-level names of modules too big to parse, and a note each.

    Bounded like every capped source: a generated module may add a million names, of which
    only the first few (in name order) are built as evidence and the rest counted.
    """
    out = BoundedEvidence("python-api", GATHER_LIMIT)
    notes: list[Evidence] = []
    for module in modules:
        where, changes = module.where, module.changes
        if changes is not None:
            for kind, bump, count, names, what in (
                (
                    EvidenceKind.API_REMOVED,
                    Bump.MAJOR,
                    changes.removed,
                    changes.first_removed,
                    "removed",
                ),
                (EvidenceKind.API_ADDED, Bump.MINOR, changes.added, changes.first_added, "new"),
            ):
                kept = out.admit_many(bump, Strength.STRONG, count)
                for name in names[:kept]:
                    out.keep(
                        evidence(
                            "python-api",
                            kind,
                            bump,
                            Strength.STRONG,
                            f"{what} public name {module.dotted}.{name} (top-level scan)",
                            path=where,
                        )
                    )
        if not module.scanned:
            what = "its API was not analyzed"
            if module.size <= MAX_SCAN_BYTES:
                what = "the run's scan budget was spent: " + what
            size = f"{module.size / 1e6:.1f} MB"
            notes.append(too_large("python-api", where or "", size, what, read=False))
            continue
        notes.append(
            evidence(
                "python-api",
                EvidenceKind.INCOMPLETE,
                Bump.PATCH,
                Strength.WEAK,
                f"{where}: {module.size / 1e6:.1f} MB, too large to parse; only its top-level "
                "names were compared",
                path=where,
            )
        )
    return [*out.items(), *notes]


def _source(path: str | None, texts: dict[str, str]) -> Source | None:
    if path is None or path not in texts:
        return None
    return Source(path, texts[path])
