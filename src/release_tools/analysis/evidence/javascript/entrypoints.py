"""Which modules of a JavaScript / TypeScript package are public, read from ``package.json``.

The public modules are the files the manifest names (``main``, ``module``, ``types``/
``typings``, ``browser``, every string under ``exports``, ``bin``), the files an ``exports``
sub-path pattern matches (see :mod:`~release_tools.analysis.evidence.javascript.wildcards`),
their ``.d.ts`` twins, and
the modules they re-export from (``export ... from './x'``, followed a few levels). Of a
module reached only through ``export { a, b } from``, only those names are public (see
:mod:`~release_tools.analysis.evidence.javascript.reexports`).

TypeScript packages often name build output that is not committed (``dist/index.js`` under a
gitignored ``dist/``). Such an entry is mapped back to the source it is compiled from: through
``compilerOptions.outDir``/``rootDir`` of ``tsconfig.json`` or ``tsconfig.build.json`` (with
the options of a file they ``extends``, one level), else to its ``.ts``/``.tsx`` twin under
``src/`` (``dist/index.js`` -> ``src/index.ts``).
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Iterable, Iterator

from release_tools.analysis.context import AnalysisContext
from release_tools.analysis.evidence._common import blob_sizes, read_blobs, read_texts
from release_tools.analysis.evidence.javascript import wildcards
from release_tools.analysis.evidence.javascript.exports import re_exports
from release_tools.analysis.evidence.javascript.parser import ParseBudget
from release_tools.analysis.evidence.javascript.reexports import PublicNames, merge, reached

__all__ = [
    "SUFFIXES",
    "entry_keys",
    "entry_points",
    "manifest",
    "nearest_manifests",
    "public_files",
    "resolve",
    "source_candidates",
]

SUFFIXES = (".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx")
#: Modules longer than this (in characters) are not read for re-exports.
MAX_CHARS = 2_000_000
#: Modules up to this size are parsed to find their re-exports; bigger ones (generated code,
#: as a rule) are scanned: a parse costs far more, and a changed one is parsed when compared.
FOLLOW_PARSE_BYTES = 200_000
#: Modules are read from git in batches of about this many bytes.
BATCH_BYTES = 8_000_000
#: Bytes of big modules in one level of re-exports from which ``git grep`` first tells which
#: of them never say ``from`` (and so re-export nothing): it reads them in C on every core,
#: where passing them through a pipe to be searched here costs a few times more.
GREP_MIN_BYTES = 4_000_000
_FOLLOW_DEPTH = 3
_BUILD_SUFFIX = re.compile(r"(\.d)?\.(m|c)?[jt]sx?$")
_SOURCE_SUFFIXES = (".ts", ".tsx", ".mts", ".cts")
_TSCONFIGS = ("tsconfig.json", "tsconfig.build.json")
# A JSON-with-comments token: a string (kept), a comment or a trailing comma (both dropped).
_JSONC_TOKEN = re.compile(r'"(?:\\.|[^"\\])*"|//[^\n]*|/\*.*?\*/|,(?=\s*[}\]])', re.DOTALL)


def _strings(value: object) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def manifest(text: str | None, *, comments: bool = False) -> dict[str, object] | None:
    """A JSON object from ``text`` (with ``comments``: JSON with comments and trailing commas,
    as ``tsconfig.json`` allows), None when it is absent or not an object."""
    if text is None:
        return None
    if comments:
        text = _JSONC_TOKEN.sub(lambda m: m.group(0) if m.group(0)[0] == '"' else "", text)
    try:
        data = json.loads(text)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _join(root: str, target: str) -> str:
    return posixpath.normpath(posixpath.join(root, target)).lstrip("./") or "."


def entry_points(manifest: dict[str, object], root: str) -> set[str]:
    """Repository paths of the files a ``package.json`` (in directory ``root``) exposes to
    importers. ``bin`` programs are run, not imported: what they export is nobody's API (that
    a command is still there is the manifest evidence's concern)."""
    found: set[str] = set()
    for key in ("main", "module", "types", "typings", "browser", "exports"):
        for target in _strings(manifest.get(key)):
            if "*" in target:
                continue
            found.add(_join(root, target))
    if not found:
        found.add(posixpath.join(root, "index.js").lstrip("./"))
    return found


def entry_keys(manifest: dict[str, object], key: str) -> dict[str, str]:
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


#: What TypeScript reads for a specifier's JavaScript extension: the source, then the typings.
_TS_TWINS = {
    ".js": (".ts", ".tsx", ".d.ts"),
    ".jsx": (".tsx", ".d.ts"),
    ".mjs": (".mts", ".d.mts"),
    ".cjs": (".cts", ".d.cts"),
    "": (".ts", ".tsx", ".d.ts"),
}
_TYPINGS = (".d.ts", ".d.mts", ".d.cts")


def resolve(spec: str, importer: str, files: set[str]) -> str | None:
    """The module file an import specifier of ``importer`` names, if it is in ``files``.

    A TypeScript importer (typings included) reads what TypeScript would: ``./x.cjs`` is
    ``x.cts`` or ``x.d.cts`` before ``x.cjs`` (typings beside a CommonJS file describe it),
    ``./x.js`` is ``x.ts`` or ``x.d.ts`` before ``x.js``."""
    base = posixpath.normpath(posixpath.join(posixpath.dirname(importer), spec))
    stem, extension = base, ""
    found = re.search(r"\.(m|c)?jsx?$", base)
    if found:
        stem, extension = base[: found.start()], found.group()
    candidates: list[str] = []
    if importer.endswith((".ts", ".mts", ".cts", ".tsx")):
        candidates += [stem + s for s in _TS_TWINS.get(extension, ())]
        candidates += [posixpath.join(base, "index" + s) for s in _TS_TWINS[""]]
    candidates += [base, *(stem + s for s in (*SUFFIXES, *_TYPINGS))]
    candidates += [posixpath.join(base, "index" + s) for s in (*SUFFIXES, ".d.ts")]
    return next((c for c in candidates if c in files), None)


def nearest_manifests(paths: Iterable[str], files: set[str]) -> set[str]:
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


def _twins(path: str, files: set[str]) -> list[str]:
    """The TypeScript sources a build output path may come from (``a/x.js`` -> ``a/x.ts``)."""
    stem = _BUILD_SUFFIX.sub("", path)
    return [stem + suffix for suffix in _SOURCE_SUFFIXES if stem + suffix in files]


def _parents(path: str, config: dict[str, object]) -> list[str]:
    """The configuration files ``path`` extends by relative path (packages are not installed)."""
    extends = config.get("extends")
    found = []
    for parent in (
        [extends] if isinstance(extends, str) else extends if isinstance(extends, list) else []
    ):
        if isinstance(parent, str) and parent.startswith("."):
            target = _join(posixpath.dirname(path), parent)
            found.append(target if target.endswith(".json") else target + ".json")
    return found


def _compiler_dirs(
    own: list[str], configs: dict[str, dict[str, object]], files: set[str]
) -> list[tuple[str, str]]:
    """``(outDir, rootDir)`` repository paths of the package's ``tsconfig`` files ``own``,
    each with the options of the files it extends (read into ``configs``, one level)."""
    pairs: list[tuple[str, str]] = []
    for path in own:
        out_dir = root_dir = None
        chain = [path, *(p for p in _parents(path, configs[path]) if p in configs)]
        # The extending file's options win over those it extends; paths are relative to the
        # file that sets them.
        for where in reversed(chain):
            compiler = configs[where].get("compilerOptions")
            if not isinstance(compiler, dict):
                continue
            if isinstance(compiler.get("outDir"), str):
                out_dir = _join(posixpath.dirname(where), compiler["outDir"])
            if isinstance(compiler.get("rootDir"), str):
                root_dir = _join(posixpath.dirname(where), compiler["rootDir"])
        if out_dir is None:
            continue
        if root_dir is None:
            # tsc's default is the common directory of the inputs, most often ``src``.
            src = _join(posixpath.dirname(path), "src")
            has_src = any(f.startswith(src + "/") for f in files)
            root_dir = src if has_src else _join(posixpath.dirname(path), ".")
        pairs.append((out_dir, root_dir))
    return pairs


def source_candidates(
    entry: str, root: str, dirs: list[tuple[str, str]], files: set[str]
) -> list[str]:
    """The committed sources of a build output ``entry`` that is not in ``files``."""
    for out_dir, root_dir in dirs:
        prefix = "" if out_dir == "." else out_dir + "/"
        if entry.startswith(prefix):
            rest = entry[len(prefix) :]
            found = _twins(_join(root_dir, rest), files)
            if found:
                return found
    relative = entry[len(root) + 1 :] if root else entry
    parts = relative.split("/")
    # dist/index.js -> src/index.ts, and one level deeper: dist/esm/index.js -> src/index.ts.
    for skip in (1, 2):
        if len(parts) > skip:
            found = _twins(_join(root, "/".join(["src", *parts[skip:]])), files)
            if found:
                return found
    return []


def _source_prefixes(prefix: str, root: str, dirs: list[tuple[str, str]]) -> list[str]:
    """Where the sources of the build output under path ``prefix`` may be: through the
    package's ``tsconfig`` directories, else ``src/`` in place of the first one or two
    directories (``dist/features/`` -> ``src/features/``)."""
    found: list[str] = []
    for out_dir, root_dir in dirs:
        head = "" if out_dir == "." else out_dir + "/"
        if prefix.startswith(head):
            found.append(("" if root_dir == "." else root_dir + "/") + prefix[len(head) :])
    relative = prefix[len(root) + 1 :] if root else prefix
    parts = relative.split("/")
    for skip in (1, 2):
        if len(parts) > skip:
            found.append(posixpath.join(root, "src", *parts[skip:]))
    return found


def _tsconfig_dirs(
    ctx: AnalysisContext, ref: str, root: str, files: set[str]
) -> list[tuple[str, str]]:
    """The build directories the package in ``root`` compiles to, and their sources."""
    own = [p for name in _TSCONFIGS if (p := _join(root, name)) in files]
    configs = {
        p: data
        for p, text in read_texts(ctx, ref, own).items()
        if (data := manifest(text, comments=True)) is not None
    }
    parents = [
        parent
        for path, config in configs.items()
        for parent in _parents(path, config)
        if parent in files and parent not in configs
    ]
    for path, text in read_texts(ctx, ref, parents).items():
        if (data := manifest(text, comments=True)) is not None:
            configs[path] = data
    return _compiler_dirs([p for p in own if p in configs], configs, files)


def public_files(
    ctx: AnalysisContext,
    ref: str,
    files: set[str],
    manifests: set[str],
    budget: ParseBudget | None = None,
    faces: dict[str, frozenset[str]] | None = None,
) -> dict[str, dict[str, PublicNames]]:
    """Per package.json directory, the public module files at ``ref`` (entries + re-exports)
    and which of their exports are public (None: all). Given ``faces``, each public module's
    entries (those that reach it through re-exports, itself if it is one) are put there.

    Only the ``manifests`` of packages that have changed files are read (a monorepo may hold
    hundreds), all in one batch; the modules of each level of re-exports are read in one
    batch too.
    """
    wanted = sorted(m for m in manifests if "node_modules/" not in m)
    texts = read_texts(ctx, ref, wanted)
    out: dict[str, dict[str, PublicNames]] = {}
    for manifest_path in wanted:
        data = manifest(texts.get(manifest_path))
        if data is None:
            continue
        root = posixpath.dirname(manifest_path)
        frontier: list[str] = []
        dirs: list[tuple[str, str]] | None = None
        for entry in sorted(entry_points(data, root)):
            resolved = entry if entry in files else resolve("./" + entry, "x", files)
            if resolved:
                frontier.append(resolved)
                # A .js entry's types often live beside it; both describe the API. TypeScript
                # reads x.d.cts for x.cjs and x.d.mts for x.mjs, else x.d.ts.
                stem, _, extension = resolved.rpartition(".")
                twins = {"cjs": ".d.cts", "mjs": ".d.mts"}.get(extension)
                for types in ((stem + twins) if twins else None, stem + ".d.ts"):
                    if extension in ("js", "cjs", "mjs") and types in files:
                        frontier.append(types)
                        break
                continue
            if dirs is None:
                dirs = _tsconfig_dirs(ctx, ref, root, files)
            frontier.extend(source_candidates(entry, root, dirs, files))
        subpaths, hidden = wildcards.patterns(data, root)
        for pattern in subpaths:
            exposed = wildcards.expand(pattern, hidden, files)
            if not exposed:
                if dirs is None:
                    dirs = _tsconfig_dirs(ctx, ref, root, files)
                for prefix in _source_prefixes(pattern.prefix, root, dirs):
                    exposed = wildcards.expand(pattern, hidden, files, prefix)
                    if exposed:
                        break
            frontier.extend(exposed)
        edges: dict[str, set[str]] = {}
        out[root] = _follow(ctx, ref, frontier, files, budget, edges)
        if faces is not None:
            for path, entries in _reaching(frontier, edges).items():
                faces[path] = faces.get(path, frozenset()) | entries
    return out


def _reaching(entries: list[str], edges: dict[str, set[str]]) -> dict[str, frozenset[str]]:
    """For each module reachable from ``entries`` along ``edges`` (re-exports), the entries
    it is reached from."""
    found: dict[str, set[str]] = {}
    for entry in dict.fromkeys(entries):
        pending, seen = [entry], {entry}
        while pending:
            path = pending.pop()
            found.setdefault(path, set()).add(entry)
            for target in edges.get(path, ()):
                if target not in seen:
                    seen.add(target)
                    pending.append(target)
    return {path: frozenset(entries) for path, entries in found.items()}


def _batches(paths: list[str], sizes: dict[str, int]) -> Iterator[list[str]]:
    """``paths`` in runs of about :data:`BATCH_BYTES`: one read each, memory stays bounded."""
    batch: list[str] = []
    weight = 0
    for path in paths:
        size = sizes.get(path, 0)
        if batch and weight + size > BATCH_BYTES:
            yield batch
            batch, weight = [], 0
        batch.append(path)
        weight += size
    if batch:
        yield batch


def _without_from(
    ctx: AnalysisContext, ref: str, paths: list[str], sizes: dict[str, int]
) -> set[str]:
    """The big modules among ``paths`` (over :data:`FOLLOW_PARSE_BYTES`, so scanned rather
    than parsed) that do not contain the word ``from``: they re-export nothing.

    Asked of ``git grep`` only when they weigh :data:`GREP_MIN_BYTES` together. It lists the
    files without a match; when it fails it lists nothing, and every module is read as before.
    """
    big = [path for path in paths if sizes.get(path, 0) > FOLLOW_PARSE_BYTES]
    if sum(sizes[path] for path in big) < GREP_MIN_BYTES:
        return set()
    listed = ctx.git.run_bytes(
        "grep", "--files-without-match", "-z", "-F", "-e", "from", ref, "--",
        *(f":(literal){path}" for path in big),
        check=False,
    )  # fmt: skip
    prefix = f"{ref}:"
    names = (name.decode("utf-8", "surrogateescape") for name in listed.split(b"\0") if name)
    return {name[len(prefix) :] for name in names if name.startswith(prefix)} & set(big)


def _follow(
    ctx: AnalysisContext,
    ref: str,
    entries: list[str],
    files: set[str],
    budget: ParseBudget | None,
    edges: dict[str, set[str]] | None = None,
) -> dict[str, PublicNames]:
    """``entries`` (all of whose exports are public) and the modules they re-export from, a
    few levels deep, each with the names of it that are public; each re-export followed is
    recorded in ``edges`` (module -> modules it re-exports from).

    A module whose public names grow when reached again is read again, to pass the new
    names on; each level reads only the modules that are new or grew.
    """
    public: dict[str, PublicNames] = {}
    frontier: list[tuple[str, PublicNames]] = [(path, None) for path in entries]
    for _ in range(_FOLLOW_DEPTH + 1):
        level: list[str] = []
        for path, names in frontier:
            had = public.get(path, frozenset())
            grown = merge(had, names)
            if path not in public or grown != had:
                public[path] = grown
                level.append(path)
        level = list(dict.fromkeys(level))
        sizes = blob_sizes(ctx, ref, level)
        # At most 4 bytes a character: beyond 4x the limit the text is surely too long.
        readable = [path for path in level if sizes.get(path, 0) <= 4 * MAX_CHARS]
        silent = _without_from(ctx, ref, readable, sizes)
        readable = [path for path in readable if path not in silent]
        next_frontier: list[tuple[str, PublicNames]] = []
        for batch in _batches(readable, sizes):
            for path, data in read_blobs(ctx, ref, batch).items():
                if len(data) > FOLLOW_PARSE_BYTES and b"from" not in data:
                    # Every re-export names its source after ``from``: without that word a
                    # module re-exports nothing, and a module this big (generated code, as a
                    # rule) is not worth decoding and scanning to learn it. Smaller ones still
                    # go through re_exports, whose parse the comparison reuses.
                    continue
                code = data.decode("utf-8", "replace")
                if len(code) > MAX_CHARS:
                    continue
                shown = public[path]
                found = re_exports(code, path, parse_limit=FOLLOW_PARSE_BYTES, budget=budget)
                for statement in found:
                    names = reached(statement, shown)
                    target = resolve(statement.spec, path, files)
                    if target and names != frozenset():
                        next_frontier.append((target, names))
                        if edges is not None:
                            edges.setdefault(path, set()).add(target)
        frontier = next_frontier
        if not frontier:
            break
    return public
