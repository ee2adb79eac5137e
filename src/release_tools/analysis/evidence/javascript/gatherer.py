"""JavaScript / TypeScript public surface: exports of entry files and ``package.json`` entries.

Which modules are public is decided by
:mod:`~release_tools.analysis.evidence.javascript.entrypoints`, their exports are read by
:mod:`~release_tools.analysis.evidence.javascript.exports` and compared by
:mod:`~release_tools.analysis.evidence.javascript.compare`. Without a ``package.json`` every
changed module counts, with less trust.

Breaking (major): removed exports and members, removed ``exports``/``bin`` entries, functions
that need more arguments than before, a switch to ESM-only (``"type": "module"`` without a
``require`` entry) and a raised ``engines.node`` major (npm only warns about engines, so users on
older Node.js install the release and break). Features (minor): new exports, members and entries.

Work is bounded per module and per run: a module is parsed when it is at most
:data:`~release_tools.analysis.evidence.javascript.parser.MAX_PARSE_BYTES` long and the run's
parse budget (:data:`PARSE_BUDGET_BYTES`) allows; an added or deleted module, of which only the
names are compared, only up to :data:`.versions.ONE_SIDED_PARSE_BYTES`. The others are read by
the linear scan while the run's scan budget (:data:`SCAN_BUDGET_BYTES`) lasts; a changed module
that was too big to parse is named in an ``incomplete`` item, and so is one too big to read at
all (over ``entrypoints.MAX_CHARS`` characters). The budgets are planned from blob sizes before
anything is read, modified modules first (only they can show changed signatures, and removals
matter most); the modules left over are not read and one ``incomplete`` item counts and names
them.
"""

from __future__ import annotations

from release_tools.analysis.context import AnalysisContext
from release_tools.analysis.evidence._budget import ReadBudget
from release_tools.analysis.evidence._common import (
    GATHER_LIMIT,
    BoundedEvidence,
    blob_sizes,
    changed_files,
    evidence,
    is_vendored,
    new_path,
    old_path,
    read_texts,
)
from release_tools.analysis.evidence._fork import fork_call
from release_tools.analysis.evidence.javascript import parser
from release_tools.analysis.evidence.javascript.barrels import Faces, Reach, star_moved
from release_tools.analysis.evidence.javascript.compare import compare_modules
from release_tools.analysis.evidence.javascript.entrymoves import moved_entries
from release_tools.analysis.evidence.javascript.entrypoints import (
    MAX_CHARS,
    SUFFIXES,
    entry_points,
    nearest_manifests,
    public_files,
)
from release_tools.analysis.evidence.javascript.exports import (
    Export,
    ModuleApi,
    parse_exports,
    required_params,
)
from release_tools.analysis.evidence.javascript.implemented import defined_members, is_typings
from release_tools.analysis.evidence.javascript.manifests import manifest_evidence, node_minimum
from release_tools.analysis.evidence.javascript.moves import Moves, find_moves
from release_tools.analysis.evidence.javascript.options import gather_options
from release_tools.analysis.evidence.javascript.parser import ParseBudget
from release_tools.analysis.evidence.javascript.reexports import PublicNames, merge
from release_tools.analysis.evidence.javascript.starswaps import star_swapped
from release_tools.analysis.evidence.javascript.versions import (
    ONE_SIDED_PARSE_BYTES,
    note,
    public_part,
    read_pair,
    shown_at_each_side,
)
from release_tools.analysis.models import Bump, Evidence, EvidenceKind, Strength

__all__ = [
    "PARSE_BUDGET_BYTES",
    "SCAN_BUDGET_BYTES",
    "Export",
    "entry_points",
    "gather",
    "node_minimum",
    "parse_exports",
    "required_params",
]

#: Bytes of modules one run parses at most (2 to 3 s of parsing); the rest is scanned.
PARSE_BUDGET_BYTES = 8_000_000
#: Bytes of modules one run reads by the linear scan at most (about 30 ms a MB): a range
#: adding hundreds of generated modules costs a bounded time, the rest is named unread.
SCAN_BUDGET_BYTES = 8_000_000


#: Module pairs are read from git in batches of about this many bytes (memory stays bounded).
_BATCH_BYTES = 8_000_000

#: ``(base path, head path, strength, public names)`` of one changed module to compare.
_Pair = tuple[str | None, str | None, Strength, PublicNames]


#: Module bytes from which the second half of the modules is compared in a forked child.
PARALLEL_MIN_BYTES = 4_000_000


def _compare_pairs(
    ctx: AnalysisContext,
    pairs: list[_Pair],
    out: BoundedEvidence,
    budget: ParseBudget,
    files: tuple[set[str], set[str]] | None = None,
    reach: Reach | None = None,
    folded: frozenset[str] = frozenset(),
) -> None:
    """Compare the exports of each pair (see :data:`_Pair`), reading in batches; given the
    repository's ``files`` at the base and the head, moves between a module and one it
    re-exports from are found first (see :mod:`.moves`), and given ``reach`` (the entries
    reaching each module), declarations moved between modules behind the same entries are
    compared with their new home. A deleted entry file in ``folded`` was replaced by a module
    the package already had: only the names it served are compared (the module's own changes
    are compared with its base).

    Reading is pure CPU work: on big ranges a forked child takes the later half of the
    modules (by size) and its findings are merged after this process's, in the same order.
    The budget is split with it.
    """
    old_sizes = blob_sizes(ctx, ctx.base_sha, [p for p, _n, _s, _names in pairs if p])
    new_sizes = blob_sizes(ctx, ctx.head_sha, [n for _p, n, _s, _names in pairs if n])
    weighed: list[tuple[_Pair, int]] = []
    for pair in pairs:
        before_path, after_path, _strength, _names = pair
        sizes = (old_sizes.get(before_path or "", 0), new_sizes.get(after_path or "", 0))
        # A UTF-8 character takes at most 4 bytes: beyond 4x the limit in bytes the text is
        # surely over the limit in characters, and need not be read to be skipped.
        if max(sizes) <= 4 * MAX_CHARS:
            weighed.append((pair, sum(sizes)))
        else:
            shown = after_path or before_path or ""
            note(
                out,
                shown,
                f"{max(sizes) / 1e6:.1f} MB, too large to read; its exports were not compared",
                read=False,
            )
    weighed, unread = _within_budget(weighed, old_sizes, new_sizes, budget)
    moves = None
    if files is not None:
        modified = [(b, a) for (b, a, _s, _n), _size in weighed if b is not None and a is not None]
        moves = find_moves(ctx, modified, files, (old_sizes, new_sizes), budget)
    total = sum(size for _pair, size in weighed)
    split, running = len(weighed), 0
    if total >= PARALLEL_MIN_BYTES and len(weighed) > 1:
        for index, (_pair, size) in enumerate(weighed):
            if running >= total // 2:
                split = index
                break
            running += size
    later = weighed[split:]
    later_budget = ParseBudget(budget.left // 2)
    budget.left -= later_budget.left

    def compare_later() -> BoundedEvidence:
        found = BoundedEvidence(out.source, out.limit)
        _compare_weighed(ctx, later, found, later_budget, moves, reach, folded)
        return found

    child = fork_call(compare_later) if later else None
    if child is None:
        budget.left += later_budget.left
    _compare_weighed(
        ctx, weighed[:split] if child is not None else weighed, out, budget, moves, reach, folded
    )
    if child is not None:
        received = child.result()
        if not isinstance(received, BoundedEvidence):
            received = compare_later()  # the child failed: its share is done here
        out.merge(received)
    if unread and out.admit(Bump.PATCH, Strength.WEAK):
        shown = ", ".join(unread[:5]) + (", ..." if len(unread) > 5 else "")
        out.keep(
            evidence(
                "javascript-api",
                EvidenceKind.UNREAD,
                Bump.PATCH,
                Strength.WEAK,
                f"{len(unread)} of {len(pairs)} changed modules exceed the analysis budget; "
                f"their exports were not compared: {shown}",
                path=unread[0],
            )
        )


def _within_budget(
    weighed: list[tuple[_Pair, int]],
    old_sizes: dict[str, int],
    new_sizes: dict[str, int],
    budget: ParseBudget,
) -> tuple[list[tuple[_Pair, int]], list[str]]:
    """The pairs the run's parse and scan budgets allow (in their order), and the paths of
    the others, planned from blob sizes: modified modules first, then added or deleted ones.

    The plan only picks what is read; what is parsed is still decided by ``budget`` as each
    module is read (a module parsed earlier costs nothing the second time).
    """
    plan = ReadBudget(
        max_parse=parser.MAX_PARSE_BYTES,
        max_scan=4 * MAX_CHARS,
        parse_budget=budget.left,
        scan_budget=SCAN_BUDGET_BYTES,
    )
    one_sided = [before is None or after is None for (before, after, _s, _names), _size in weighed]
    refused: set[int] = set()
    # sorted() is stable: modified modules keep their order, then the one-sided ones do.
    for index in sorted(range(len(weighed)), key=lambda i: one_sided[i]):
        (before, after, _strength, _names), _size = weighed[index]
        sizes = [old_sizes.get(before, 0)] if before else []
        sizes += [new_sizes.get(after, 0)] if after else []
        limit = ONE_SIDED_PARSE_BYTES if one_sided[index] else parser.MAX_PARSE_BYTES
        if plan.plan(sizes, [limit] * len(sizes)) is None:
            refused.add(index)
    if not refused:
        return weighed, []
    kept = [item for index, item in enumerate(weighed) if index not in refused]
    unread = [
        after or before or ""
        for index, ((before, after, _s, _names), _size) in enumerate(weighed)
        if index in refused
    ]
    return kept, unread


def _compare_weighed(
    ctx: AnalysisContext,
    weighed: list[tuple[_Pair, int]],
    out: BoundedEvidence,
    budget: ParseBudget,
    moves: Moves | None = None,
    reach: Reach | None = None,
    folded: frozenset[str] = frozenset(),
) -> None:
    batch: list[_Pair] = []
    weight = 0
    for pair, size in weighed:
        if batch and weight + size > _BATCH_BYTES:
            _compare_batch(ctx, batch, out, budget, moves, reach, folded)
            batch, weight = [], 0
        batch.append(pair)
        weight += size
    if batch:
        _compare_batch(ctx, batch, out, budget, moves, reach, folded)


def _compare_batch(
    ctx: AnalysisContext,
    batch: list[_Pair],
    out: BoundedEvidence,
    budget: ParseBudget,
    moves: Moves | None = None,
    reach: Reach | None = None,
    folded: frozenset[str] = frozenset(),
) -> None:
    old_texts = read_texts(ctx, ctx.base_sha, [p for p, _n, _s, _names in batch if p])
    new_texts = read_texts(ctx, ctx.head_sha, [n for _p, n, _s, _names in batch if n])
    parsed: list[tuple[_Pair, ModuleApi, ModuleApi]] = []
    typed_members: set[str] = set()
    for pair in batch:
        before_path, after_path, _strength, names = pair
        before_code = old_texts.get(before_path or "", "") if before_path else ""
        after_code = new_texts.get(after_path or "", "") if after_path else ""
        largest = max(len(before_code), len(after_code))
        if largest > MAX_CHARS:
            shown = after_path or before_path or ""
            note(
                out,
                shown,
                f"{largest / 1e6:.1f} M characters, too large to read; exports not compared",
                read=False,
            )
            continue
        old, new = read_pair((before_path, before_code), (after_path, after_code), budget, out)
        old_shown, new_shown = shown_at_each_side(reach, before_path, after_path, names, old, new)
        if old_shown is not None:
            old = public_part(old, before_code, old_shown)
        if new_shown is not None:
            new = public_part(new, after_code, new_shown)
        if before_path in folded:
            served = frozenset(n for n in old.rows if "." not in n and not n.startswith("* "))
            new = public_part(new, after_code, served)
        if moves is not None:
            old, new = moves.apply(before_path, after_path, old, new)
        parsed.append((pair, old, new))
        if is_typings(before_path):
            before, after = old.rows, new.rows
            typed_members |= {
                name.rsplit(".", 1)[1]
                for name in before.keys() - after.keys()
                if before[name][0] == "member"
            }
    implemented = defined_members(ctx, typed_members)
    if reach is not None:
        parsed = star_moved(parsed, reach, out)
        parsed = star_swapped(ctx, parsed, (reach.base_files, reach.head_files), budget)
    for (before_path, after_path, strength, _names), old, new in parsed:
        phantom: frozenset[str] = frozenset()
        if is_typings(before_path):
            before, after = old.rows, new.rows
            phantom = frozenset(
                name
                for name in before.keys() - after.keys()
                if before[name][0] == "member" and name.rsplit(".", 1)[1] not in implemented
            )
        compare_modules(before_path, after_path, old, new, strength, out, phantom)


def _public_modules(
    ctx: AnalysisContext,
    touched: list[str],
    files: tuple[set[str], set[str]],
    budget: ParseBudget,
    faces: Faces,
    shown: dict[tuple[str, str], PublicNames],
) -> dict[str, PublicNames]:
    """The public modules of the packages holding ``touched`` paths, at the base or the head,
    each with the names of it that are public at either (None: all); the entries reaching
    each at each side go to ``faces``, the names public at each side to ``shown``."""
    public: dict[str, PublicNames] = {}
    for ref_files, ref, side in zip(
        files, (ctx.base_sha, ctx.head_sha), ("base", "head"), strict=True
    ):
        manifests = nearest_manifests(touched, ref_files)
        reached: dict[str, frozenset[str]] = {}
        for modules in public_files(ctx, ref, ref_files, manifests, budget, reached).values():
            for path, names in modules.items():
                public[path] = merge(public.get(path, frozenset()), names)
                shown[side, path] = merge(shown.get((side, path), frozenset()), names)
        faces.update({(side, path): entries for path, entries in reached.items()})
    return public


def gather(ctx: AnalysisContext) -> list[Evidence]:
    """JS/TS export and package.json entry evidence for the range.

    Every finding is counted, but only as many are built as the report can show (see
    :class:`~release_tools.analysis.evidence._common.BoundedEvidence`).
    """
    out = BoundedEvidence("javascript-api", GATHER_LIMIT)
    out.extend(manifest_evidence(ctx))
    changes = changed_files(ctx, (*SUFFIXES, ".d.ts"), include_excluded=True)
    if not changes:
        return out.items()
    budget = ParseBudget(PARSE_BUDGET_BYTES)
    out.extend(gather_options(ctx, changes, budget))
    base_files = set(ctx.git.ls_files(ctx.base_sha))
    head_files = set(ctx.git.ls_files(ctx.head_sha))
    has_manifest = any(f.endswith("package.json") for f in base_files | head_files)
    public: dict[str, PublicNames] = {}
    faces: Faces = {}
    shown: dict[tuple[str, str], PublicNames] = {}
    if has_manifest:
        touched = [p for c in changes for p in (old_path(c), new_path(c)) if p]
        public = _public_modules(ctx, touched, (base_files, head_files), budget, faces, shown)
    # An entry file moved (and rewritten, so git saw no rename): compared with its new home.
    moved = (
        moved_entries(
            ctx,
            [p for c in changes if (p := old_path(c)) and not new_path(c)],
            [p for c in changes if (p := new_path(c)) and not old_path(c)],
            base_files & head_files,
        )
        if has_manifest
        else {}
    )
    taken = set(moved.values())
    pairs: list[_Pair] = []
    for change in changes:
        before_path, after_path = old_path(change), new_path(change)
        if before_path is None and after_path in taken:
            continue  # compared with the entry it replaces
        if after_path is None and before_path in moved:
            after_path = moved[before_path]
        names: PublicNames = None
        if has_manifest:
            sides = [public[path] for path in (before_path, after_path) if path in public]
            if not sides:
                continue
            names = merge(sides[0], sides[-1])
            strength = Strength.PROOF
        else:
            # Without a manifest every shipped module counts, but not other packages' copies.
            if change.excluded or is_vendored(change.path):
                continue
            strength = Strength.STRONG
        pairs.append((before_path, after_path, strength, names))
    renames = {c.old_path: c.path for c in changes if c.old_path and c.old_path != c.path}
    renames.update(moved)
    reach = Reach(faces, head_files, base_files, renames, shown)
    # A deleted entry replaced by a module the package had (a committed shim whose
    # conditions now lead to a built file of that module): only the names it served count.
    folded = frozenset(before for before, after in moved.items() if after in base_files)
    _compare_pairs(ctx, pairs, out, budget, (base_files, head_files), reach, folded)
    return out.items()
