"""Rust public-API evidence: ``pub`` items of library crates compared per module file.

Each changed library module file is read at base and at head, with the files that may declare
it (``lib.rs``, ``mod.rs``, ``parent.rs`` up to the crate root) to tell which of its items are
reachable (:mod:`~release_tools.analysis.evidence.rust.modules`); an item that callers reach
only under another name (``pub use inner::Thing as Alias``) is compared under the path they
write (:mod:`~release_tools.analysis.evidence.rust.renames`), and so are the methods an impl
in another file gives it (``crate::Alias::new``). Each side is read in one
``git cat-file --batch`` after one ``--batch-check`` for the sizes, so no file costs a git
process of its own.

Work is bounded before anything is read, from the sizes: a file over :data:`MAX_PARSE_BYTES`
(an added or deleted one over :data:`ONE_SIDED_PARSE_BYTES`: only its names can change), or
whose syntax tree has more than :data:`MAX_NODES` nodes, is read by the linear scan
(:mod:`~release_tools.analysis.evidence.rust.linear`; its findings are strong, not proof),
and a file over :data:`MAX_SCAN_BYTES` is not read at all; an ``incomplete`` item names each.
A run parses at most :data:`PARSE_BUDGET_BYTES` and scans at most :data:`SCAN_BUDGET_BYTES`
(a range of hundreds of generated files): later files are scanned, then later changes left
out, each change planned whole (both sides and the files declaring it) so that a half-read
change cannot look like removals; one ``incomplete`` item counts and names those. The
evidence is bounded as it is found (a generated crate can add tens of thousands of items; see
:class:`~release_tools.analysis.evidence._common.BoundedEvidence`).

When cargo-semver-checks is installed its verdict joins as proof
(:mod:`~release_tools.analysis.evidence.rust.semver_checks`); when it finds nothing breaking,
the breaks this reading sees are kept as strong evidence rather than proof.
"""

from __future__ import annotations

from collections.abc import Iterable

from release_tools.analysis.context import AnalysisContext
from release_tools.analysis.evidence._budget import PARSE, ReadBudget, too_large
from release_tools.analysis.evidence._common import (
    GATHER_LIMIT,
    BoundedEvidence,
    blob_sizes,
    changed_files,
    evidence,
    new_path,
    old_path,
    read_texts,
)
from release_tools.analysis.evidence.rust.compare import compare_items
from release_tools.analysis.evidence.rust.cratemacros import crate_rules
from release_tools.analysis.evidence.rust.globs import GlobReader, glob_swapped
from release_tools.analysis.evidence.rust.impls import is_public_home, type_home
from release_tools.analysis.evidence.rust.items import RustItem, RustModule
from release_tools.analysis.evidence.rust.linear import scan_module
from release_tools.analysis.evidence.rust.members import foreign_crate_dirs
from release_tools.analysis.evidence.rust.modules import (
    ancestor_candidates,
    crate_path,
    exposed_items,
    exposure,
)
from release_tools.analysis.evidence.rust.moves import Moves
from release_tools.analysis.evidence.rust.renames import exported_paths, under_exported_paths
from release_tools.analysis.evidence.rust.semver_checks import tool_evidence
from release_tools.analysis.evidence.rust.spellings import spellings
from release_tools.analysis.evidence.rust.syntax import parse_module
from release_tools.analysis.models import Bump, Evidence, EvidenceKind, FileChange, Strength

__all__ = [
    "MAX_NODES",
    "MAX_PARSE_BYTES",
    "MAX_SCAN_BYTES",
    "ONE_SIDED_PARSE_BYTES",
    "PARSE_BUDGET_BYTES",
    "SCAN_BUDGET_BYTES",
    "gather",
]

#: Files above this size are not parsed with tree-sitter but scanned linearly.
MAX_PARSE_BYTES = 1_000_000
#: An added or deleted file is parsed up to this size (the files declaring it up to the usual
#: one): all its items are new or gone, which the scan lists as well, so the parse of a bigger
#: one (generated code, as a rule) would spend the run's parse budget for little.
ONE_SIDED_PARSE_BYTES = 200_000
#: Parsed files with more syntax nodes than this are scanned linearly instead of walked.
MAX_NODES = 400_000
#: Files above this size are not read at all: their API is left unanalyzed.
MAX_SCAN_BYTES = 4_000_000
#: Bytes parsed with tree-sitter per run (both sides); later files are scanned linearly.
PARSE_BUDGET_BYTES = 2_000_000
#: Bytes scanned linearly per run (about 0.1 s per MB); later changes are left unanalyzed.
SCAN_BUDGET_BYTES = 4_000_000


class _Side:
    """The module files of one ref: sizes first, then the planned ones read in one batch."""

    def __init__(self, ctx: AnalysisContext, ref: str, paths: list[str]) -> None:
        self._ctx, self._ref = ctx, ref
        wanted = [p for path in paths for p in (path, *ancestor_candidates(path))]
        self.sizes = blob_sizes(ctx, ref, wanted)
        self.modes: dict[str, str] = {}
        #: The largest size each planned file could be parsed at (lower for one-sided changes).
        self.parse_limits: dict[str, int] = {}
        self._texts: dict[str, str] = {}
        self._modules: dict[str, RustModule | None] = {}
        #: Files read by the linear scan, with the reason.
        self.scanned: dict[str, str] = {}
        #: Files read beyond the plan to place an impl's type (see :mod:`.impls`).
        self._extra: dict[str, RustModule | None] = {}
        self._exists: dict[str, bool] = {}
        self._homes: dict[tuple[str, str], str | None] = {}
        #: The crate's ``macro_rules!`` macros its files' invocations expand with.
        self.rules = crate_rules(ctx, ref, paths)

    def needed(self, path: str | None) -> list[str]:
        """The files not planned yet that reading ``path`` needs (it and its declarers)."""
        if path is None:
            return []
        files = [p for p in (path, *ancestor_candidates(path)) if p in self.sizes]
        return [p for p in dict.fromkeys(files) if p not in self.modes]

    def read(self) -> None:
        self._texts = read_texts(self._ctx, self._ref, list(self.modes))

    def load(self, path: str) -> RustModule | None:
        if path in self._modules:
            return self._modules[path]
        text = self._texts.pop(path, None)
        module: RustModule | None = None
        if text is not None:
            if self.modes[path] == PARSE:
                module = parse_module(text, max_nodes=MAX_NODES, rules=self.rules)
                if module is None:
                    self.scanned[path] = f"more than {MAX_NODES} syntax nodes"
            else:
                size = self.sizes[path]
                over = size > self.parse_limits.get(path, MAX_PARSE_BYTES)
                self.scanned[path] = f"{size / 1e6:.1f} MB" if over else "over the parse budget"
            if module is None:
                module = scan_module(text)
        self._modules[path] = module
        return module

    def defines(self, key: str) -> bool:
        """Whether a file read on this side declares the item ``key`` (``Foo::new``)."""
        return any(module is not None and key in module.items for module in self._modules.values())

    def exists(self, path: str) -> bool:
        """Whether the file ``path`` is in this side's tree."""
        if path in self.sizes:
            return True
        if path not in self._exists:
            self._exists[path] = bool(blob_sizes(self._ctx, self._ref, [path]))
        return self._exists[path]

    def load_any(self, path: str) -> RustModule | None:
        """What the file ``path`` declares: a planned one as read, another parsed on demand
        (up to ``ONE_SIDED_PARSE_BYTES``: it only places a type, see :mod:`.impls`)."""
        if path in self.modes:
            return self.load(path)
        if path not in self._extra:
            size = self.sizes.get(path) or blob_sizes(self._ctx, self._ref, [path]).get(path)
            text = None
            if size is not None and size <= ONE_SIDED_PARSE_BYTES:
                text = read_texts(self._ctx, self._ref, [path]).get(path)
            self._extra[path] = (
                parse_module(text, max_nodes=MAX_NODES, rules=self.rules) if text else None
            )
        return self._extra[path]

    def home(self, path: str | None, key: str) -> str | None:
        """The home of the type whose impl in file ``path`` declares ``key`` (``Foo::new``)."""
        if path is None or key.count("::") != 1:
            return None
        owner = key.split("::", 1)[0]
        if (path, owner) not in self._homes:
            self._homes[path, owner] = type_home(path, owner, self.load_any, self.exists)
        return self._homes[path, owner]

    def imports(self, path: str | None) -> dict[str, str]:
        """The names the module file ``path`` imports, with their paths."""
        module = self.load(path) if path is not None else None
        return module.imports if module is not None else {}

    def hidden(self, path: str | None) -> dict[str, bool]:
        """The ``#[doc(hidden)]`` items of the module file ``path`` (see
        :attr:`RustModule.hidden`)."""
        module = self.load(path) if path is not None else None
        return module.hidden if module is not None else {}

    def renamed(self, path: str | None) -> dict[str, list[str]]:
        """The paths callers write for the items of module file ``path`` that are re-exported
        only under other names (see :mod:`.renames`)."""
        return exported_paths(path, self.load) if path is not None else {}

    def renamed_owners(self, path: str | None, keys: Iterable[str]) -> dict[str, list[str]]:
        """The paths callers write for the types that the impls of module file ``path`` give
        the members ``keys`` (``Thing::new``) when those types are re-exported only under
        other names (``pub use inner::Thing as Alias``): ``{"Thing": ["crate::Alias"]}``."""
        out: dict[str, list[str]] = {}
        for key in keys:
            owner = key.split("::", 1)[0]
            if owner in out:
                continue
            home = self.home(path, key)
            declared, _, name = home.rpartition("::") if home is not None else ("", "", "")
            out[owner] = exported_paths(declared, self.load_any).get(name, []) if declared else []
        return {owner: paths for owner, paths in out.items() if paths}

    def public_items(self, path: str | None) -> dict[str, RustItem]:
        """The reachable public items of module file ``path`` ({} when absent or private)."""
        if path is None:
            return {}
        names = exposure(path, self.load)
        module = self.load(path) if names else None
        return exposed_items(module, names) if module is not None else {}

    def impl_items(self, path: str | None, shown: dict[str, RustItem]) -> dict[str, RustItem]:
        """The ``pub`` methods and consts that the inherent impls of module file ``path`` give
        the crate's public types (placed by :func:`.impls.type_home`), beyond those ``shown``
        (its public items): callers reach them through the type, wherever the impl sits."""
        module = self.load(path) if path is not None else None
        if module is None:
            return {}
        found: dict[str, RustItem] = {}
        for key, item in module.items.items():
            if key in shown or item.kind not in ("fn", "const") or key.count("::") != 1:
                continue
            if key.split("::", 1)[0] not in module.imports:
                continue  # a type of this file: its own exposure decides
            home = self.home(path, key)
            if home is not None and is_public_home(home, self.load_any):
                found[key] = item
        return found


class _ImplMoves:
    """Methods and consts whose ``impl`` block moved between changed files of the range: the
    same key (``Foo::get``) and the same type's home (see :mod:`.impls`) left one file and
    arrived in another. Each is compared with its new home, not reported removed and added."""

    def __init__(self, changed: list[tuple[str | None, str | None]], sides: tuple[_Side, _Side]):
        self._sides = sides
        base, head = sides
        #: By key: the changed files it left (base path) and arrived in (head path).
        self._left: dict[str, list[str]] = {}
        self._came: dict[str, list[str]] = {}
        for before_path, after_path in changed:
            old = base.load(before_path) if before_path in base.modes else None
            new = head.load(after_path) if after_path in head.modes else None
            old_keys = {k for k in (old.items if old else {}) if k.count("::") == 1}
            new_keys = {k for k in (new.items if new else {}) if k.count("::") == 1}
            for key in old_keys - new_keys:
                self._left.setdefault(key, []).append(before_path or "")
            for key in new_keys - old_keys:
                self._came.setdefault(key, []).append(after_path or "")

    def _match(self, key: str, path: str, home: str | None, arrived: bool) -> str | None:
        """The other changed file that ``key`` of the type at ``home`` moved to (``arrived``:
        from), if any."""
        if home is None:
            return None
        side = self._sides[1] if arrived else self._sides[0]
        for other in (self._came if arrived else self._left).get(key, ()):
            if other != path and side.home(other, key) == home:
                return other
        return None

    def apply(
        self,
        before: dict[str, RustItem],
        after: dict[str, RustItem],
        paths: tuple[str | None, str | None],
        out: BoundedEvidence,
        proof: bool,
    ) -> tuple[dict[str, RustItem], dict[str, RustItem]]:
        """One file's items without the moved ones; each that left is compared here with
        where it arrived (cited there)."""
        base, head = self._sides
        gone_types = {key for key in before.keys() - after.keys() if "::" not in key}
        kept_before = dict(before)
        for key in [k for k in before if k not in after and k.count("::") == 1]:
            if key.split("::", 1)[0] in gone_types or paths[0] is None:
                continue
            target = self._match(key, paths[1] or "", base.home(paths[0], key), arrived=True)
            if target is None:
                continue
            del kept_before[key]
            moved = head.load(target)
            if moved is not None and key in moved.items:
                same = spellings(base.imports(paths[0]), head.imports(target))
                compare_items(
                    out, {key: before[key]}, {key: moved.items[key]}, paths[0], target,
                    proof=proof, same=same,
                )  # fmt: skip
        kept_after = dict(after)
        for key in [k for k in after if k not in before and k.count("::") == 1]:
            if key.split("::", 1)[0] in gone_types or paths[1] is None:
                continue
            if self._match(key, paths[0] or "", head.home(paths[1], key), arrived=False):
                del kept_after[key]
        return kept_before, kept_after


def _note(path: str, reason: str, scanned: bool) -> Evidence:
    what = (
        "only its pub item names were compared by a linear scan"
        if scanned
        else "its API was not analyzed"
    )
    return too_large("rust-api", path, reason, what, read=scanned)


def _plan(
    changes: list[FileChange], base: _Side, head: _Side
) -> tuple[list[FileChange], list[Evidence], list[str]]:
    """The changes to compare, notes on files too big to read, and changes over the budget."""
    budget = ReadBudget(
        max_parse=MAX_PARSE_BYTES,
        max_scan=MAX_SCAN_BYTES,
        parse_budget=PARSE_BUDGET_BYTES,
        scan_budget=SCAN_BUDGET_BYTES,
    )
    planned: list[FileChange] = []
    notes: list[Evidence] = []
    skipped: list[str] = []
    for change in changes:
        before, after = old_path(change), new_path(change)
        big = max(base.sizes.get(before or "", 0), head.sizes.get(after or "", 0))
        if big > MAX_SCAN_BYTES:
            notes.append(_note(change.path, f"{big / 1e6:.1f} MB", scanned=False))
            continue
        # A file that is gone on one side still needs that side's declarers: the module that
        # re-exported its items may export them from elsewhere now.
        files = [(base, p) for p in base.needed(before or after)] + [
            (head, p) for p in head.needed(after or before)
        ]
        # The lower limit of a one-sided change is for the changed file, not its declarers.
        one_sided = before is None or after is None
        limits = [
            ONE_SIDED_PARSE_BYTES if one_sided and path in (before, after) else MAX_PARSE_BYTES
            for _side, path in files
        ]
        modes = budget.plan([side.sizes[p] for side, p in files], limits)
        if modes is None:
            skipped.append(change.path)
            continue
        for (side, path), mode, limit in zip(files, modes, limits, strict=True):
            side.modes[path] = mode
            side.parse_limits[path] = limit
        planned.append(change)
    return planned, notes, skipped


def gather(ctx: AnalysisContext) -> list[Evidence]:
    """Rust ``pub`` item evidence for the library module files that changed."""
    changes = [
        c
        for c in changed_files(ctx, (".rs",))
        if any(crate_path(p) for p in {c.path, c.old_path or c.path})
    ]
    if not changes:
        return []
    # Member crates the library builds but does not re-export: their API is not its API.
    foreign = foreign_crate_dirs(ctx, [p for c in changes for p in {c.path, c.old_path or c.path}])
    if foreign:
        changes = [c for c in changes if not any(c.path.startswith(d + "/") for d in foreign)]
        if not changes:
            return []
    out = BoundedEvidence("rust-api", GATHER_LIMIT)
    base = _Side(ctx, ctx.base_sha, [p for c in changes if (p := old_path(c) or new_path(c))])
    head = _Side(ctx, ctx.head_sha, [p for c in changes if (p := new_path(c) or old_path(c))])
    planned, notes, skipped = _plan(changes, base, head)
    base.read()
    head.read()
    verdict = tool_evidence(ctx)
    out.extend(verdict or ())
    # cargo-semver-checks sees what the source cannot (re-export chains, impls): when it ran
    # and found nothing breaking, a break this reading sees is strong evidence, not proof.
    trusted = verdict is None or any(e.level is Bump.MAJOR for e in verdict)
    moves = Moves()
    readers = (
        GlobReader(ctx, ctx.base_sha, base.rules),
        GlobReader(ctx, ctx.head_sha, head.rules),
    )
    impl_moves = _ImplMoves([(old_path(c), new_path(c)) for c in planned], (base, head))
    for change in planned:
        before_path, after_path = old_path(change), new_path(change)
        before = dict(base.public_items(before_path))
        after = dict(head.public_items(after_path))
        impls = (base.impl_items(before_path, before), head.impl_items(after_path, after))
        seen = ({**before, **impls[0]}, {**after, **impls[1]})
        if before_path is not None and after_path is not None:
            before, after = glob_swapped(before, after, (before_path, after_path), readers)
        reasons = [
            side.scanned[path]
            for side, path in ((base, before_path), (head, after_path))
            if path is not None and path in side.scanned
        ]
        proof = trusted and not reasons
        # Items moved between private modules behind an unchanged re-export are compared with
        # their new home once every file is read, not reported as gone here and new there.
        moves.take(before_path, before, after, (base.load, head.load), leaving=True, proof=proof)
        moves.take(after_path, after, before, (head.load, base.load), leaving=False, proof=proof)
        base_imports, head_imports = base.imports(before_path), head.imports(after_path)
        moves.take_replaced(before_path, before, after, base_imports, proof=proof)
        # Methods of impls read beyond the file's exposure (see :meth:`_Side.impl_items`):
        # compared where both sides have them, else removed or new unless the other side
        # showed them some other way (the type moved away and its impl stayed).
        for key in impls[0].keys() | impls[1].keys():
            if key in impls[0] and (key in impls[1] or key not in seen[1]):
                before[key] = impls[0][key]
            if key in impls[1] and (key in impls[0] or key not in seen[0]):
                after[key] = impls[1][key]
        before, after = impl_moves.apply(before, after, (before_path, after_path), out, proof)
        same = spellings(base_imports, head_imports)
        # Compared under the paths callers write: an item re-exported as ``Alias`` only.
        # The methods an impl here gives a type of another file go by that type's path.
        renamed = (
            {**base.renamed_owners(before_path, impls[0]), **base.renamed(before_path)},
            {**head.renamed_owners(after_path, impls[1]), **head.renamed(after_path)},
        )
        compare_items(
            out,
            under_exported_paths(before, renamed[0]),
            under_exported_paths(after, renamed[1]),
            before_path,
            after_path,
            proof=proof,
            same=same,
            hidden=under_exported_paths(head.hidden(after_path), renamed[1]),
        )
        if reasons:
            notes.append(_note(change.path, reasons[-1], scanned=True))
    moves.compare(out, (base.defines, head.defines))
    if skipped:
        shown = ", ".join(skipped[:5]) + (", ..." if len(skipped) > 5 else "")
        message = (
            f"{len(skipped)} of {len(changes)} changed Rust module files exceed the analysis "
            f"budget and were not analyzed: {shown}"
        )
        notes.append(
            evidence(
                "rust-api",
                EvidenceKind.UNREAD,
                Bump.PATCH,
                Strength.WEAK,
                message,
                path=skipped[0],
            )
        )
    return [*out.items(), *notes]
