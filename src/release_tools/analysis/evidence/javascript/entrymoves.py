"""Entry files that a package moved: the same ``package.json`` entry names another file now.

A package that moves its main module (``index.js`` -> ``source/index.js``, an ESM rewrite, or
a rewrite in TypeScript built to an uncommitted ``dist/index.js`` from ``src/index.ts``) or its
typings keeps its importers' API in the new file; git seldom pairs the two as a rename,
since the code changed too. Compared as a deleted and an added file, every export would be
reported as removed and added again. This module pairs them by the entry that names them.

The new home may also be a file the package had already: a dual package that drops its ESM
wrapper (``esm.mjs`` re-exporting the CommonJS ``index.js``) and turns ``index.js`` into the
ESM module serves its importers from a file that existed before.

Besides the main module and the typings, every target of the ``exports`` map is paired by the
conditions that lead to it: a committed CommonJS shim (``"require": "./cjs/index.cjs"``) that
the same conditions now resolve to a build output (``./dist/index.cjs``, built from
``src/index.ts``) is compared with that source.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable

from release_tools.analysis.context import AnalysisContext
from release_tools.analysis.evidence._common import read_texts
from release_tools.analysis.evidence.javascript.entrypoints import manifest, source_candidates

__all__ = ["entry_targets", "export_leaves", "moved_entries"]

#: Export conditions in the order a resolver would most likely take them, per entry kind.
_CODE_CONDITIONS = ("import", "default", "require", "node", "module")
_TYPE_CONDITIONS = ("types", "typings")


def _condition(value: object, conditions: tuple[str, ...]) -> str | None:
    """The target a conditional ``exports`` value gives for the first of ``conditions`` that
    it names (nested conditions followed), or the value itself when it is a plain string."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        for key in conditions:
            found = _condition(value.get(key), conditions)
            if found is not None:
                return found
    return None


def entry_targets(data: dict[str, object]) -> dict[str, str]:
    """The files a ``package.json`` names for its main module (``code``) and its typings
    (``types``), relative to the package, as written (``./`` dropped)."""
    exports = data.get("exports")
    main: object = exports
    if isinstance(exports, dict) and any(str(k).startswith(".") for k in exports):
        main = exports.get(".")
    out: dict[str, str] = {}
    code = _condition(main, _CODE_CONDITIONS)
    if code is None and isinstance(data.get("main"), str):
        code = str(data["main"])
    types = _condition(main, _TYPE_CONDITIONS) if isinstance(main, dict) else None
    if types is None:
        declared = data.get("types", data.get("typings"))
        types = declared if isinstance(declared, str) else None
    for kind, target in (("code", code), ("types", types)):
        if target and "*" not in target:
            out[kind] = posixpath.normpath(target).lstrip("./") or "."
    return out


def export_leaves(data: dict[str, object]) -> dict[tuple[str, ...], str]:
    """Every file target of a ``package.json``'s ``exports`` map by the keys (subpaths and
    conditions) that lead to it, as written (``./`` dropped); patterns (``*``) and fallback
    arrays are left out. A plain string ``exports`` is the key path ``()``."""
    out: dict[tuple[str, ...], str] = {}

    def walk(value: object, keys: tuple[str, ...]) -> None:
        if isinstance(value, str):
            if "*" not in value:
                out[keys] = posixpath.normpath(value).lstrip("./") or "."
        elif isinstance(value, dict):
            for key, inner in value.items():
                walk(inner, (*keys, str(key)))

    walk(data.get("exports"), ())
    return out


def _target_pairs(old: dict[str, object], new: dict[str, object]) -> list[tuple[str, str]]:
    """``(old target, new target)`` of the entries both manifests name, main module and
    typings first, then each ``exports`` target by the keys leading to it."""
    old_targets, new_targets = entry_targets(old), entry_targets(new)
    pairs = [(old_targets[k], new_targets[k]) for k in old_targets if k in new_targets]
    old_leaves, new_leaves = export_leaves(old), export_leaves(new)
    pairs += [(old_leaves[k], new_leaves[k]) for k in old_leaves if k in new_leaves]
    return pairs


def moved_entries(
    ctx: AnalysisContext,
    deleted: Iterable[str],
    added: Iterable[str],
    kept: Iterable[str] = (),
) -> dict[str, str]:
    """Deleted files paired with the file that took their place as a package entry:
    ``{base path: head path}`` for each ``package.json`` present at both refs whose main module
    or typings entry names a file it deleted at the base and, at the head, one it added or one
    of ``kept`` (files present at both refs)."""
    deleted, added = set(deleted), set(added)
    homes = added | set(kept)
    if not deleted or not homes:
        return {}
    roots = {posixpath.dirname(path) for path in deleted}
    manifests = sorted({posixpath.join(root, "package.json") for root in _ancestors(roots)})
    before = read_texts(ctx, ctx.base_sha, manifests)
    after = read_texts(ctx, ctx.head_sha, manifests)
    out: dict[str, str] = {}
    for path in manifests:
        old, new = manifest(before.get(path)), manifest(after.get(path))
        if old is None or new is None:
            continue
        root = posixpath.dirname(path)
        for target, now_target in _target_pairs(old, new):
            was = posixpath.join(root, target) if root else target
            now = posixpath.join(root, now_target) if root else now_target
            if now not in homes:
                # A build output (dist/index.js, not committed): its TypeScript source, new
                # or one the package had (a committed shim replaced by a built file).
                sources = source_candidates(now, root, [], added) or source_candidates(
                    now, root, [], homes
                )
                now = sources[0] if sources else now
            if was != now and was in deleted and now in homes and was not in out:
                out[was] = now
    return out


def _ancestors(directories: set[str]) -> set[str]:
    """The directories and every directory above them, up to the repository root ("")."""
    out: set[str] = set()
    for directory in directories:
        while True:
            out.add(directory)
            if not directory:
                break
            directory = posixpath.dirname(directory)
    return out
