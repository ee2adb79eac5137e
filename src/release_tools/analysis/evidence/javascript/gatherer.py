"""JavaScript / TypeScript public surface: exports of entry files and ``package.json`` entries.

Module exports are read by :mod:`~release_tools.analysis.evidence.javascript.exports`; this module
decides which modules are public and compares base with head.

What is public: when a ``package.json`` exists, the files it names (``main``, ``module``,
``types``/``typings``, ``browser``, every string under ``exports``, ``bin``), their ``.d.ts``
twins, and the files they re-export from (``export ... from './x'``, followed a few levels),
even under excluded build directories such as ``dist/`` (that is where published packages keep
their API). Other modules are internal. Without a ``package.json`` every changed module counts,
with less trust.

Breaking (major): removed exports and members, removed ``exports``/``bin`` entries, functions
that need more arguments than before, a switch to ESM-only (``"type": "module"`` without a
``require`` entry) and a raised ``engines.node`` major (npm only warns about engines, so users on
older Node.js install the release and break). Features (minor): new exports, members and entries.
"""

from __future__ import annotations

import heapq
import json
import posixpath
import re
from collections.abc import Callable, Iterable

from release_tools.analysis.context import AnalysisContext
from release_tools.analysis.evidence._common import (
    MAX_PER_SOURCE,
    BoundedEvidence,
    blob_sizes,
    changed_files,
    evidence,
    new_path,
    old_path,
    read_text,
    read_texts,
)
from release_tools.analysis.evidence._fork import fork_call
from release_tools.analysis.evidence.javascript.exports import (
    Export,
    ExportRow,
    parse_exports,
    required_params,
    scan_exports,
    star_sources,
)
from release_tools.analysis.evidence.javascript.options import gather_options, is_vendored
from release_tools.analysis.models import Bump, Evidence, EvidenceKind, Strength

__all__ = [
    "Export",
    "entry_points",
    "gather",
    "node_minimum",
    "parse_exports",
    "required_params",
]

_SUFFIXES = (".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx")
_MAX_BYTES = 2_000_000
_FOLLOW_DEPTH = 3


def _strings(value: object) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _manifest(text: str | None) -> dict[str, object] | None:
    if text is None:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def entry_points(manifest: dict[str, object], root: str) -> set[str]:
    """Repository paths of the files a ``package.json`` (in directory ``root``) exposes."""
    found: set[str] = set()
    for key in ("main", "module", "types", "typings", "browser", "exports", "bin"):
        for target in _strings(manifest.get(key)):
            if "*" in target:
                continue
            found.add(posixpath.normpath(posixpath.join(root, target)).lstrip("./") or ".")
    if not found:
        found.add(posixpath.join(root, "index.js").lstrip("./"))
    return found


def _entry_keys(manifest: dict[str, object], key: str) -> dict[str, str]:
    """The sub-path names of an ``exports`` map or the command names of ``bin``."""
    value = manifest.get(key)
    if isinstance(value, str):
        return {"." if key == "exports" else str(manifest.get("name", "")): value}
    if isinstance(value, dict):
        keys = {str(k): json.dumps(v, sort_keys=True) for k, v in value.items()}
        if key == "exports" and keys and not all(k.startswith(".") for k in keys):
            return {".": json.dumps(value, sort_keys=True)}  # conditions only: one entry
        return keys
    return {}


def _resolve(spec: str, importer: str, files: set[str]) -> str | None:
    base = posixpath.normpath(posixpath.join(posixpath.dirname(importer), spec))
    stem = re.sub(r"\.(m|c)?js$", "", base)
    candidates = [base, *(stem + s for s in (*_SUFFIXES, ".d.ts"))]
    candidates += [posixpath.join(base, "index" + s) for s in (*_SUFFIXES, ".d.ts")]
    return next((c for c in candidates if c in files), None)


def _nearest_manifests(paths: Iterable[str], files: set[str]) -> set[str]:
    """The closest ``package.json`` above each path (the package the file belongs to)."""
    found: set[str] = set()
    for path in paths:
        directory = posixpath.dirname(path)
        while True:
            candidate = posixpath.join(directory, "package.json") if directory else "package.json"
            if candidate in files:
                found.add(candidate)
                break
            if not directory:
                break
            directory = posixpath.dirname(directory)
    return found


def _public_files(
    ctx: AnalysisContext, ref: str, files: set[str], manifests: set[str]
) -> dict[str, set[str]]:
    """Per package.json directory, the public module files at ``ref`` (entries + re-exports).

    Only the ``manifests`` of packages that have changed files are read: a monorepo may hold
    hundreds.
    """
    out: dict[str, set[str]] = {}
    for manifest_path in sorted(manifests):
        if "node_modules/" in manifest_path:
            continue
        manifest = _manifest(read_text(ctx, ref, manifest_path))
        if manifest is None:
            continue
        root = posixpath.dirname(manifest_path)
        public: set[str] = set()
        frontier = []
        for entry in entry_points(manifest, root):
            resolved = entry if entry in files else _resolve("./" + entry, "x", files)
            if resolved:
                frontier.append(resolved)
                # A .js entry's types often live beside it; both describe the API.
                types = re.sub(r"\.(m|c)?js$", ".d.ts", resolved)
                if types in files:
                    frontier.append(types)
        for _ in range(_FOLLOW_DEPTH + 1):
            next_frontier = []
            for path in frontier:
                if path in public:
                    continue
                public.add(path)
                code = read_text(ctx, ref, path)
                if code is None or len(code) > _MAX_BYTES:
                    continue
                for spec in star_sources(code):
                    target = _resolve(spec, path, files)
                    if target and target not in public:
                        next_frontier.append(target)
            frontier = next_frontier
        out[root] = public
    return out


def node_minimum(spec: object) -> tuple[int, ...] | None:
    """The lowest Node.js version an ``engines.node`` range accepts (``"20 || >=22"`` -> 20)."""
    if not isinstance(spec, str):
        return None
    lows = []
    for alternative in spec.split("||"):
        numbers = re.search(r"(\d+)(?:\.(\d+))?", alternative)
        if numbers:
            lows.append(tuple(int(n) for n in numbers.groups() if n is not None))
    return min(lows) if lows else None


def _runtime_evidence(
    before: dict[str, object], after: dict[str, object], path: str
) -> list[Evidence]:
    """Breaking changes of how the package loads: ESM-only switch, raised Node.js minimum."""
    items: list[Evidence] = []
    offers_require = '"require"' in json.dumps(after.get("exports"))
    if before.get("type") != "module" and after.get("type") == "module" and not offers_require:
        items.append(
            evidence(
                "javascript-api",
                EvidenceKind.API_CHANGED,
                Bump.MAJOR,
                Strength.STRONG,
                "package became ESM-only (type: module, no require entry): require() breaks",
                path=path,
            )
        )
    old_engines, new_engines = before.get("engines"), after.get("engines")
    old_min = node_minimum(old_engines.get("node") if isinstance(old_engines, dict) else None)
    new_min = node_minimum(new_engines.get("node") if isinstance(new_engines, dict) else None)
    if new_min is not None and (old_min is None or new_min[:1] > old_min[:1]):
        was = ".".join(map(str, old_min)) if old_min else "any"
        items.append(
            evidence(
                "javascript-api",
                EvidenceKind.RUNTIME_FLOOR,
                Bump.MAJOR,
                Strength.STRONG,
                f"requires Node.js {'.'.join(map(str, new_min))} or newer (was {was})",
                path=path,
            )
        )
    return items


def _manifest_evidence(ctx: AnalysisContext) -> list[Evidence]:
    items: list[Evidence] = []
    for change in ctx.changes:
        names = {change.path, change.old_path or change.path}
        if not any(n.rsplit("/", 1)[-1] == "package.json" for n in names):
            continue
        if "node_modules/" in change.path:
            continue
        before = _manifest(read_text(ctx, ctx.base_sha, old_path(change)))
        after = _manifest(read_text(ctx, ctx.head_sha, new_path(change)))
        if before is None or after is None:
            continue
        items.extend(_runtime_evidence(before, after, change.path))
        for key, what in (("exports", "package export"), ("bin", "command")):
            old_keys, new_keys = _entry_keys(before, key), _entry_keys(after, key)
            for name in sorted(old_keys.keys() - new_keys.keys()):
                items.append(
                    evidence(
                        "javascript-api",
                        EvidenceKind.API_REMOVED,
                        Bump.MAJOR,
                        Strength.PROOF,
                        f"removed {what} {name!r} from package.json {key}",
                        path=change.path,
                    )
                )
            for name in sorted(new_keys.keys() - old_keys.keys()):
                if old_keys or key == "bin":
                    items.append(
                        evidence(
                            "javascript-api",
                            EvidenceKind.API_ADDED,
                            Bump.MINOR,
                            Strength.STRONG,
                            f"new {what} {name!r} in package.json {key}",
                            path=change.path,
                        )
                    )
    return items


#: One module's exports as :func:`~release_tools.analysis.evidence.javascript.exports.scan_exports`
#: gives them: rows by name, and the line of an offset.
_Scanned = tuple[dict[str, ExportRow], Callable[[int], int]]


def _compare(
    path_old: str | None,
    path_new: str | None,
    old: _Scanned,
    new: _Scanned,
    strength: Strength,
    out: BoundedEvidence,
    phantom: frozenset[str] = frozenset(),
) -> None:
    """Add the differences of one module's exports to ``out``.

    Evidence is only built when ``out`` may keep it: a generated module can have tens of
    thousands of exports, all of them new. Names are compared as sets first; signatures are
    only looked at for names on both sides, and lines only for the findings that are kept.
    ``phantom`` holds the removed typings members that no JavaScript of the base ever
    mentioned (see :func:`_implemented`): a weak review item.
    """
    (before, old_line), (after, new_line) = old, new
    shown = path_new or path_old or ""
    for name in sorted(before.keys() - after.keys()):
        kind, offset, _required, _params = before[name]
        if name in phantom:
            if out.admit(Bump.PATCH, Strength.WEAK):
                out.keep(
                    evidence(
                        "javascript-api",
                        EvidenceKind.API_REMOVED,
                        Bump.PATCH,
                        Strength.WEAK,
                        f"{name} dropped from {path_old}, but no JavaScript of the base "
                        "defines it: a typings correction (review)",
                        path=path_old,
                        line=old_line(offset),
                    )
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
                    line=old_line(offset),
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
                line=new_line(offset),
            )
        )
    for name in sorted(before.keys() & after.keys()):
        _old_kind, _old_offset, old_req, old_names = before[name]
        _new_kind, new_offset, new_req, new_names = after[name]
        if old_req is None or new_req is None:
            continue
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
                        line=new_line(new_offset),
                    )
                )
        if new_req <= old_req:
            continue
        if out.admit(Bump.MAJOR, strength):
            out.keep(
                evidence(
                    "javascript-api",
                    EvidenceKind.API_CHANGED,
                    Bump.MAJOR,
                    strength,
                    f"function {name} now needs {new_req} arguments instead of {old_req}",
                    path=path_new,
                    line=new_line(new_offset),
                )
            )


#: Module pairs are read from git in batches of about this many bytes (memory stays bounded).
_BATCH_BYTES = 8_000_000

_Pair = tuple[str | None, str | None, Strength]


#: Module bytes from which the second half of the modules is compared in a forked child.
PARALLEL_MIN_BYTES = 4_000_000


def _compare_pairs(ctx: AnalysisContext, pairs: list[_Pair], out: BoundedEvidence) -> None:
    """Compare the exports of each ``(base path, head path, strength)``, reading in batches.

    Scanning is pure CPU work: on big ranges a forked child takes the later half of the
    modules (by size) and its findings are merged after this process's, in the same order.
    """
    old_sizes = blob_sizes(ctx, ctx.base_sha, [p for p, _n, _s in pairs if p])
    new_sizes = blob_sizes(ctx, ctx.head_sha, [n for _p, n, _s in pairs if n])
    weighed: list[tuple[_Pair, int]] = []
    for pair in pairs:
        before_path, after_path, _strength = pair
        sizes = (old_sizes.get(before_path or "", 0), new_sizes.get(after_path or "", 0))
        # A UTF-8 character takes at most 4 bytes: beyond 4x the limit in bytes the text is
        # surely over the limit in characters, and need not be read to be skipped.
        if max(sizes) <= 4 * _MAX_BYTES:
            weighed.append((pair, sum(sizes)))
    total = sum(size for _pair, size in weighed)
    split, running = len(weighed), 0
    if total >= PARALLEL_MIN_BYTES and len(weighed) > 1:
        for index, (_pair, size) in enumerate(weighed):
            if running >= total // 2:
                split = index
                break
            running += size
    later = weighed[split:]

    def compare_later() -> BoundedEvidence:
        found = BoundedEvidence(out.source, out.limit)
        _compare_weighed(ctx, later, found)
        return found

    child = fork_call(compare_later) if later else None
    _compare_weighed(ctx, weighed[:split] if child is not None else weighed, out)
    if child is not None:
        received = child.result()
        if not isinstance(received, BoundedEvidence):
            received = compare_later()  # the child failed: its share is done here
        out.merge(received)


def _compare_weighed(
    ctx: AnalysisContext, weighed: list[tuple[_Pair, int]], out: BoundedEvidence
) -> None:
    batch: list[_Pair] = []
    weight = 0
    for pair, size in weighed:
        if batch and weight + size > _BATCH_BYTES:
            _compare_batch(ctx, batch, out)
            batch, weight = [], 0
        batch.append(pair)
        weight += size
    if batch:
        _compare_batch(ctx, batch, out)


def _is_typings(path: str | None) -> bool:
    return path is not None and path.endswith((".d.ts", ".d.mts", ".d.cts"))


def _implemented(ctx: AnalysisContext, names: set[str]) -> set[str]:
    """Which of the member ``names`` appear as words in the JavaScript of the base commit.

    Hand-written typings can declare a method the code never had (commander 12.1 dropped
    ``Option.fullDescription`` from its typings: no JS file ever defined it); dropping such a
    declaration corrects the typings and breaks no caller at run time.
    """
    if not names:
        return set()
    patterns = [arg for name in sorted(names) for arg in ("-e", name)]
    sources = [f"*{suffix}" for suffix in _SUFFIXES]
    found = ctx.git.run(
        "grep", "-o", "-h", "-w", "-F", *patterns, ctx.base_sha, "--",
        *sources, ":!*.d.ts", ":!*.d.mts", ":!*.d.cts", ":!**/node_modules/**",
        check=False,
    )  # fmt: skip
    implemented = set(found.split()) & names
    if not implemented and not any(
        path.endswith(_SUFFIXES) and not _is_typings(path) and "node_modules/" not in path
        for path in ctx.git.ls_files(ctx.base_sha)
    ):
        # Typings without code in the repository (a types-only package): nothing to check
        # them against, so every member counts as implemented.
        return set(names)
    return implemented


def _compare_batch(ctx: AnalysisContext, batch: list[_Pair], out: BoundedEvidence) -> None:
    old_texts = read_texts(ctx, ctx.base_sha, [p for p, _n, _s in batch if p])
    new_texts = read_texts(ctx, ctx.head_sha, [n for _p, n, _s in batch if n])
    parsed: list[tuple[_Pair, _Scanned, _Scanned]] = []
    typed_members: set[str] = set()
    for pair in batch:
        before_path, after_path, _strength = pair
        before_code = old_texts.get(before_path or "", "") if before_path else ""
        after_code = new_texts.get(after_path or "", "") if after_path else ""
        if len(before_code) > _MAX_BYTES or len(after_code) > _MAX_BYTES:
            continue
        # Signatures are only compared for names on both sides: none when a side is missing.
        both = before_path is not None and after_path is not None
        old, new = scan_exports(before_code, both), scan_exports(after_code, both)
        parsed.append((pair, old, new))
        if _is_typings(before_path):
            before, after = old[0], new[0]
            typed_members |= {
                name.rsplit(".", 1)[1]
                for name in before.keys() - after.keys()
                if before[name][0] == "member"
            }
    implemented = _implemented(ctx, typed_members)
    for (before_path, after_path, strength), old, new in parsed:
        phantom: frozenset[str] = frozenset()
        if _is_typings(before_path):
            before, after = old[0], new[0]
            phantom = frozenset(
                name
                for name in before.keys() - after.keys()
                if before[name][0] == "member" and name.rsplit(".", 1)[1] not in implemented
            )
        _compare(before_path, after_path, old, new, strength, out, phantom)


def gather(ctx: AnalysisContext) -> list[Evidence]:
    """JS/TS export and package.json entry evidence for the range.

    Every finding is counted, but only as many are built as the report can show (see
    :class:`~release_tools.analysis.evidence._common.BoundedEvidence`).
    """
    # Imported here: the package imports this module while it is being initialised.

    out = BoundedEvidence("javascript-api", MAX_PER_SOURCE)
    out.extend(_manifest_evidence(ctx))
    changes = changed_files(ctx, (*_SUFFIXES, ".d.ts"), include_excluded=True)
    if not changes:
        return out.items()
    out.extend(gather_options(ctx, changes))
    base_files = set(ctx.git.ls_files(ctx.base_sha))
    head_files = set(ctx.git.ls_files(ctx.head_sha))
    has_manifest = any(f.endswith("package.json") for f in base_files | head_files)
    public: set[str] = set()
    if has_manifest:
        touched = [p for c in changes for p in (old_path(c), new_path(c)) if p]
        for files, ref in ((base_files, ctx.base_sha), (head_files, ctx.head_sha)):
            manifests = _nearest_manifests(touched, files)
            for paths in _public_files(ctx, ref, files, manifests).values():
                public |= paths
    pairs: list[_Pair] = []
    for change in changes:
        before_path, after_path = old_path(change), new_path(change)
        if has_manifest:
            if not ({before_path, after_path} & public):
                continue
            strength = Strength.PROOF
        else:
            # Without a manifest every shipped module counts, but not other packages' copies.
            if change.excluded or is_vendored(change.path):
                continue
            strength = Strength.STRONG
        pairs.append((before_path, after_path, strength))
    _compare_pairs(ctx, pairs, out)
    return out.items()
