"""Public API changes of Python packages between base and head, found with griffe.

Only modules whose files changed are read (from git, in one batch per side) and parsed statically
with :func:`griffe.visit`: no import, no code run, no whole-package load, so the cost follows the
size of the change rather than the size of the project. Before parsing, modules are skipped when
the diff only edits function bodies, and private modules are skipped when no public package
re-exports anything from them. A size budget (:data:`MAX_PARSE_BYTES`) bounds the work on huge
ranges; public modules and package roots come first, and a weak note says when it was reached.
A module too big to parse (:data:`MAX_MODULE_BYTES`) has its top-level names scanned instead,
up to :data:`MAX_SCAN_BYTES` a module and :data:`SCAN_BUDGET_BYTES` a run; a note names each.

What is public, as Python users experience it:

* a module is public when no part of its dotted name starts with an underscore; tests, docs,
  examples and tooling are never shipped API; in a src layout, only packages under ``src/``;
* in a module, ``__all__`` decides when present; otherwise names without a leading underscore
  that the module defines; names it merely imports are not its API, except in a package's
  ``__init__`` where ``from .core import Thing`` *is* the package's API (``pkg.Thing``);
* objects of private modules count when a public package re-exports them: its own top-level
  ``__init__`` (``httpx._client``) or a sibling package's (``_griffe`` re-exported by ``griffe``).

The comparison itself (what is breaking, what is a feature) is in
:mod:`~release_tools.analysis.evidence.python.compare`. Breaking (major, proof): a public module,
object or re-export removed; parameters removed, renamed, made required, moved or changed kind;
new required parameters. Features (minor, strong): new public modules, objects, class members
and optional parameters. A file that does not parse gives weak evidence instead of a crash.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import logging
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath

from release_tools.analysis.context import AnalysisContext
from release_tools.analysis.evidence._budget import too_large
from release_tools.analysis.evidence._common import (
    MAX_PER_SOURCE,
    BoundedEvidence,
    blob_chunks,
    blob_headers,
    changed_files,
    evidence,
    new_path,
    old_path,
    read_texts,
)
from release_tools.analysis.evidence._fork import fork_call, spread_requested
from release_tools.analysis.evidence._listed import list_changes, quiet_child
from release_tools.analysis.evidence.python.jobs import (
    Job,
    JobKey,
    Source,
    compare_all,
    compare_job,
    job_key,
    run_comparisons,
)
from release_tools.analysis.evidence.python.linear import NameChanges, Text, compare_public_names
from release_tools.analysis.evidence.python.names import is_public_module
from release_tools.analysis.models import (
    Bump,
    ChangeKind,
    Evidence,
    EvidenceKind,
    FileChange,
    Strength,
)

__all__ = [
    "MAX_MODULE_BYTES",
    "MAX_PARSE_BYTES",
    "MAX_SCAN_BYTES",
    "PREFETCH_MIN_MODULES",
    "SCAN_BUDGET_BYTES",
    "Prefetched",
    "gather",
    "is_public_module",
    "module_name",
    "start_prefetch",
]

log = logging.getLogger(__name__)

#: Characters of Python source (base and head together) parsed at most per range; beyond, a
#: weak note says the comparison was partial. One to two seconds of parsing on a laptop.
MAX_PARSE_BYTES = 2_500_000
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

# File stems that are scripts or project tooling, never importable library API.
_NOT_LIBRARY = frozenset(
    {"setup", "conftest", "noxfile", "fabfile", "manage", "tasks", "conf", "dodo", "__main__"}
)


def _init_files(files: Iterable[str]) -> set[str]:
    """Directories that hold an ``__init__.py`` / ``__init__.pyi`` (regular packages)."""
    out: set[str] = set()
    for path in files:
        name = path.rsplit("/", 1)[-1]
        if name in ("__init__.py", "__init__.pyi"):
            out.add(path.rsplit("/", 1)[0] if "/" in path else "")
    return out


def module_name(path: str, packages: set[str]) -> tuple[str, str] | None:
    """``(dotted name, top-level package dir)`` of a Python file, or None if not library code.

    ``packages`` holds the directories that contain an ``__init__.py``. The package chain is
    followed upward from the file's directory; a file outside any package is a top-level module.
    """
    pure = PurePosixPath(path)
    if pure.suffix not in (".py", ".pyi"):
        return None
    stem = pure.stem
    dirs = list(pure.parts[:-1])
    top = len(dirs)
    while top > 0 and "/".join(dirs[:top]) in packages:
        top -= 1
    components = dirs[top:]
    if not components:
        if stem in _NOT_LIBRARY or stem == "__init__" or not stem.isidentifier():
            return None
        return stem, "/".join(dirs)
    if not all(part.isidentifier() for part in components):
        return None
    if stem != "__init__":
        if not stem.isidentifier() or stem == "__main__":
            return None
        components = [*components, stem]
    return ".".join(components), "/".join(dirs[: top + 1])


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
    """What the ``inits`` re-export at base or head; ``texts`` holds both sides' files."""
    from release_tools.analysis.evidence.python.compare import (
        ModuleSource,
        Unreadable,
        reexports,
        visit,
    )

    out: set[str] = set()
    wanted = [candidate for path in inits for candidate in (path, path + "i")]
    for side in texts:
        for path in wanted:
            code = side.get(path)
            if code is None:
                continue
            named = module_name(path, packages)
            if named is None:
                continue
            try:
                out |= reexports(visit(named[0], ModuleSource(path, code)))
            except Unreadable:
                continue
    return frozenset(out)


# A changed line that may touch the API: a definition, an import, an assignment at module or
# class level, __all__, a decorator, or a line of a multi-line signature (ends with a comma).
_API_LINE = re.compile(
    r"^[+-](?:\s*(?:async\s+def|def|class|from|import|@)\s"
    r"|(?:\s{4})?[A-Za-z_][\w, ]*(?::[^=]*)?=|\s{0,4}[A-Za-z_]\w*\s*:"
    r"|.*__all__|\s+\*{0,2}[A-Za-z_]\w*\s*(?::[^=]+)?(?:=.+)?,\s*$|\s*\)\s*(?:->|:))"
)
_RETURN_VALUE = re.compile(r"^\+\s+return\s+[^\s#]")
_RETURN = re.compile(r"^-\s+return\b")


def _may_change_api(change: FileChange) -> bool:
    """False when the diff's hunks only touch lines that cannot change a module's API.

    Most bug fixes edit function bodies; skipping those modules keeps big ranges fast. Without
    hunks (added, deleted, truncated or unparsed files) the module is always compared.
    """
    if change.kind is not ChangeKind.MODIFIED or change.truncated or not change.hunks:
        return True
    for hunk in change.hunks:
        if any(_API_LINE.match(line) for line in hunk.lines if line[:1] in "+-"):
            return True
        # More ``return value`` lines than returns taken out: a function that returned None
        # may now return something (one return rewritten into another changes nothing).
        added = sum(1 for line in hunk.lines if _RETURN_VALUE.match(line))
        if added and added > sum(1 for line in hunk.lines if _RETURN.match(line)):
            return True
    return False


class _Planner:
    """Which modules of a range to compare, with what sources, in which order (the jobs)."""

    def __init__(
        self,
        ctx: AnalysisContext,
        changes: list[FileChange],
        exposures: dict[tuple[str, ...], frozenset[str]] | None = None,
    ) -> None:
        self.ctx = ctx
        base_packages = _init_files(ctx.git.ls_files(ctx.base_sha))
        head_packages = _init_files(ctx.git.ls_files(ctx.head_sha))
        self.packages = packages = base_packages | head_packages
        # In a src layout only what lives under src/ is shipped; packages beside it (test
        # servers, docs helpers, build scripts) are not the project's API.
        # Each side on its own: a project may move to a src layout in the very range analyzed.
        base_src = any("src" in d.split("/")[:-1] for d in base_packages)
        head_src = any("src" in d.split("/")[:-1] for d in head_packages)
        self.old_side: dict[str, str] = {}
        self.new_side: dict[str, str] = {}
        #: Modules too big to parse, compared by their top-level names as they are read (so
        #: their texts are released with their batch, not kept until the evidence is built).
        self.oversized: list[_Oversized] = []
        self._scan_left = SCAN_BUDGET_BYTES
        self.tops: dict[str, str] = {}
        for change in changes:
            for side, path, src_layout in (
                (self.old_side, old_path(change), base_src),
                (self.new_side, new_path(change), head_src),
            ):
                if path is None:
                    continue
                named = module_name(path, packages)
                if named is None:
                    continue
                dotted, top_dir = named
                if src_layout and "src" not in top_dir.split("/"):
                    continue
                # A stub and its module share a name; the stub states the API when both exist.
                if dotted not in side or path.endswith(".pyi"):
                    side[dotted] = path
                self.tops.setdefault(dotted.split(".")[0], top_dir)
        self._exposed_cache: dict[str, frozenset[str]] = {}
        #: Many private top-level modules share one set of __init__ files (a flat layout's
        #: root); what those re-export, by that set (given ones come from a prefetch).
        self.exposures: dict[tuple[str, ...], frozenset[str]] = dict(exposures or {})
        self._init_texts: tuple[dict[str, str], dict[str, str]] | None = None

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
                    if budget - sum(sizes) < 0 and jobs:
                        return jobs, len(names), True
                    budget -= sum(sizes)
                    jobs.append((dotted, old, new, self.exposure(dotted) or frozenset()))
        return jobs, len(names), False

    def _scan_streamed(
        self,
        dotted: str,
        old: tuple[str | None, tuple[str, int] | None],
        new: tuple[str | None, tuple[str, int] | None],
    ) -> _Oversized:
        """:func:`_scan_oversized` of a module too big to hold, read from git as it streams.

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
    ) -> _Oversized:
        """Compare the top-level names of a module too big to parse, keeping no name set.

        Only the first :data:`MAX_PER_SOURCE` names of each kind are kept as strings: no more
        can be listed (see :func:`_oversized_evidence`), the rest are counted. A private
        module's names are not API and its text is not scanned; a public one is scanned while
        :data:`MAX_SCAN_BYTES` and the run's :data:`SCAN_BUDGET_BYTES` allow.
        """
        size = max(sizes)
        if not is_public_module(dotted):
            return _Oversized(dotted, where, size, None)
        if size > MAX_SCAN_BYTES or sum(sizes) > self._scan_left:
            return _Oversized(dotted, where, size, None, scanned=False)
        self._scan_left -= sum(sizes)
        return _Oversized(dotted, where, size, compare_public_names(old, new, MAX_PER_SOURCE))


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


def gather(ctx: AnalysisContext) -> list[Evidence]:
    """Python API evidence for the packages whose files changed in the range.

    Comparisons that a prefetch (:func:`start_prefetch`) already made are reused: they are pure
    functions of their job, so the evidence is the same either way.
    """
    prefetched = _take_prefetched(ctx)
    changes = [c for c in changed_files(ctx, (".py", ".pyi")) if _may_change_api(c)]
    if not changes:
        return []
    with _quiet_griffe(), _gc_paused():
        planner = _Planner(ctx, changes, prefetched.exposures if prefetched else None)
        jobs, considered, exhausted = planner.jobs()
        items = run_comparisons(jobs, prefetched.results if prefetched else None)
    items.extend(_oversized_evidence(planner.oversized))
    if exhausted:
        compared = len(jobs)
        log.info(
            "python API: compared %d of %d changed modules (size budget)", compared, considered
        )
        items.append(
            evidence(
                "python-api",
                EvidenceKind.INCOMPLETE,
                Bump.PATCH,
                Strength.WEAK,
                f"{considered} Python modules changed; the API of {compared} was compared "
                "(the rest exceeds the analysis budget)",
            )
        )
    return items


@dataclass(frozen=True, slots=True)
class _Oversized:
    """A module too big to parse: where it is, its size, and its public name changes.

    ``changes`` is None for a private module, whose names are not API, and for one that was
    not ``scanned`` (over :data:`MAX_SCAN_BYTES` or the run's scan budget).
    """

    dotted: str
    where: str | None
    size: int
    changes: NameChanges | None
    scanned: bool = True


def _oversized_evidence(modules: list[_Oversized]) -> list[Evidence]:
    """Removed and added public top-level names of modules too big to parse, and a note each.

    Bounded like every capped source: a generated module may add a million names, of which
    only the first few (in name order) are built as evidence and the rest counted.
    """
    out = BoundedEvidence("python-api", MAX_PER_SOURCE)
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
            notes.append(too_large("python-api", where or "", f"{module.size / 1e6:.1f} MB", what))
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


#: The name of the prefetch in :attr:`AnalysisContext.background`.
PREFETCH_KEY = "python-api"
#: Changed Python modules from which a prefetch compares anything: below, a child would
#: save less than it costs.
PREFETCH_MIN_MODULES = 8


@dataclass(frozen=True, slots=True)
class Prefetched:
    """What a prefetch computed: exposures by ``__init__`` set, and evidence by job."""

    exposures: dict[tuple[str, ...], frozenset[str]]
    results: dict[JobKey, list[Evidence]]


def start_prefetch(ctx: AnalysisContext, is_excluded: Callable[[str, str | None], bool]) -> None:
    """Start comparing the range's Python modules in a forked child, before the diff is read.

    While git computes a big diff this process mostly waits, and the comparisons (the costliest
    evidence) only need the changed files' contents. The child
    lists the changed files without the diff (:meth:`Git.name_status`, milliseconds), plans
    the comparisons as :func:`gather` would, and runs them. It cannot see hunks, so it keeps a
    modified module when the multiset of its API-looking lines changed, which is what the
    hunk test of :func:`gather` amounts to but for moved lines; :func:`gather` compares
    whatever the child did not. ``ctx`` needs no changes yet; the result is kept in
    ``ctx.background`` for :func:`gather`.

    The child compares alone while the diff is read (git and the parser use the cores); once
    told that collection is over (:meth:`~release_tools.analysis.context.Background.spread`),
    it splits the comparisons left over two processes, since this one then only waits.
    """
    job = fork_call(lambda: _prefetch(ctx, is_excluded), spreadable=True)
    if job is not None:
        ctx.background[PREFETCH_KEY] = job


def _prefetch(ctx: AnalysisContext, is_excluded: Callable[[str, str | None], bool]) -> Prefetched:
    """The child's side of :func:`start_prefetch`."""
    quiet_child()
    changes = list_changes(ctx, is_excluded)
    listed_ctx = dataclasses.replace(ctx, changes=changes, background={})
    candidates = changed_files(listed_ctx, (".py", ".pyi"))
    if len(candidates) < PREFETCH_MIN_MODULES:
        return Prefetched({}, {})
    with _quiet_griffe(), _gc_paused():
        planner = _Planner(listed_ctx, candidates)
        jobs, _considered, _exhausted = planner.jobs(select=_api_lines_differ, scan_oversized=False)
        results: dict[JobKey, list[Evidence]] = {}
        for index, job in enumerate(jobs):
            if spread_requested():
                # The diff is read and the parent waits: the rest on two processes.
                rest = jobs[index:]
                results.update(zip(map(job_key, rest), compare_all(rest), strict=True))
                break
            # One process meanwhile: git computes the diff on the other core.
            results[job_key(job)] = compare_job(job)
    return Prefetched(planner.exposures, results)


def _api_lines_differ(old: Source | None, new: Source | None) -> bool:
    """Whether some line that may touch the API (see :func:`_may_change_api`) was added or
    removed, judged from the two texts: lines whose count differs between them."""
    if old is None or new is None:
        return True
    before, after = Counter(old.code.split("\n")), Counter(new.code.split("\n"))
    changed = (before - after) + (after - before)
    return any(_API_LINE.match("+" + line) for line in changed)


def _take_prefetched(ctx: AnalysisContext) -> Prefetched | None:
    """The prefetch started for ``ctx``, waited for; None when there is none (or it failed)."""
    job = ctx.background.pop(PREFETCH_KEY, None)
    if job is None:
        return None
    found = job.result()
    return found if isinstance(found, Prefetched) else None


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while modules are parsed.

    Parsing allocates many objects and few of them die young, so the collector runs again and
    again for nothing: about a fifth of the parsing time. It runs normally afterwards.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextlib.contextmanager
def _quiet_griffe() -> Iterator[None]:
    """Keep griffe's own warnings (unresolvable annotations ...) out of the user's output."""
    logger = logging.getLogger("griffe")
    previous = logger.level
    logger.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        logger.setLevel(previous)


def _source(path: str | None, texts: dict[str, str]) -> Source | None:
    if path is None or path not in texts:
        return None
    return Source(path, texts[path])
