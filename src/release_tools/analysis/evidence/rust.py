"""Rust public surface: ``pub`` items of library crates, per module file.

Read with a tolerant scanner (comments and strings blanked, braces tracked): ``pub fn``,
``struct``, ``enum``, ``trait``, ``mod``, ``const``, ``static``, ``type``, ``union``, ``macro``
and ``pub use`` re-exports, plus ``pub fn`` methods of inherent ``impl Type`` blocks (keyed
``Type::method``). ``pub(crate)`` and friends are not public. Items of a module count only when
the module is reachable: ``lib.rs`` is, a file module is when its parent declares it ``pub mod``.
Binaries (``main.rs``, ``src/bin/``), tests, benches, examples and ``build.rs`` are skipped.

Removed items and changed ``pub fn`` signatures (parameter types, return type; parameter names do
not matter to callers) are breaking, as cargo-semver-checks would say; new items are features.

The files are read in one ``git cat-file --batch`` per side (the changed files and every module
file that may declare them), and the evidence is bounded as it is found (a generated crate can
add tens of thousands of items; see
:class:`~release_tools.analysis.evidence._common.BoundedEvidence`).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass

from release_tools.analysis.context import AnalysisContext
from release_tools.analysis.evidence._common import (
    MAX_PER_SOURCE,
    BoundedEvidence,
    changed_files,
    evidence,
    new_path,
    old_path,
    read_text,
    read_texts,
)
from release_tools.analysis.models import Bump, Evidence, EvidenceKind, Strength

__all__ = ["RustItem", "gather", "module_is_public", "parse_rust"]

_SKIP_DIRS = frozenset({"tests", "benches", "examples", "bin", "target", "fuzz"})
_COMMENT_OR_STRING = re.compile(
    r"//[^\n]*|/\*.*?\*/|r#*\"[^\"]*\"#*|\"(?:\\.|[^\"\\])*\"|'(?:\\.|[^'\\\n])'", re.DOTALL
)
_ITEM = re.compile(
    r"\bpub[ \t]+(?:(?:const|async|unsafe|extern(?:[ \t]+\"[^\"]*\")?)[ \t]+)*"
    r"(?P<kind>fn|struct|enum|trait|mod|const|static|type|union|macro)[ \t]+(?:mut[ \t]+)?"
    r"(?P<name>[A-Za-z_]\w*)"
)
_USE = re.compile(r"\bpub[ \t]+use[ \t]+(?P<tree>[^;]+);")
_IMPL = re.compile(r"\bimpl\b(?:[ \t]*<[^{;]*?>)?[ \t]+(?P<target>[^{;]+?)[ \t]*(?:where[^{]*)?\{")


@dataclass(frozen=True, slots=True)
class RustItem:
    """One public item: its key, kind, line and (for functions) normalised signature."""

    name: str
    kind: str
    line: int
    signature: str | None = None


def _blank(code: str) -> str:
    return _COMMENT_OR_STRING.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), code)


def _match_brace(text: str, start: int, opener: str, closer: str) -> int:
    """Index just after the bracket matching the one at ``start`` (or the text's end)."""
    depth = 0
    for index in range(start, len(text)):
        char = text[index]
        if char == opener:
            depth += 1
        elif char == closer:
            depth -= 1
            if depth == 0:
                return index + 1
    return len(text)


def _split(text: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for index, char in enumerate(text):
        if char in "(<[{":
            depth += 1
        elif char in ")>]}" and not (char == ">" and text[index - 1 : index] == "-"):
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(text[start:index])
            start = index + 1
    parts.append(text[start:])
    return [" ".join(p.split()) for p in parts if p.strip()]


def _fn_signature(text: str, after_name: int) -> str | None:
    """``(types) -> ret`` of a function whose name ends at ``after_name``; names dropped."""
    index = after_name
    if index < len(text) and text[index] == "<":
        index = _match_brace(text, index, "<", ">")
    paren = text.find("(", index)
    if paren == -1:
        return None
    end = _match_brace(text, paren, "(", ")")
    types = []
    for param in _split(text[paren + 1 : end - 1]):
        if re.fullmatch(r"&?(?:'\w+[ \t]+)?(?:mut[ \t]+)?self", param):
            types.append(param.replace(" ", ""))
            continue
        types.append(param.split(":", 1)[1].strip() if ":" in param else param)
    tail = re.match(r"\s*(?:->\s*(?P<ret>[^{;]+?))?\s*(?:where\b[^{;]*)?[{;]", text[end:])
    ret = " ".join(tail["ret"].split()) if tail and tail["ret"] else "()"
    return f"({', '.join(types)}) -> {ret}"


def parse_rust(code: str) -> dict[str, RustItem]:
    """The public items of one Rust module file; pure and tolerant of any input."""
    blank = _blank(code)
    out: dict[str, RustItem] = {}

    def line_of(offset: int) -> int:
        return blank.count("\n", 0, offset) + 1

    # Inherent impl blocks: where they start and end, and the type they belong to.
    impls: list[tuple[int, int, str]] = []
    for match in _IMPL.finditer(blank):
        target = match["target"]
        if re.search(r"\bfor\b", target):
            continue  # trait impls have no `pub` methods of their own
        words = re.findall(r"[A-Za-z_]\w*", re.sub(r"<.*", "", target))
        if not words:
            continue
        end = _match_brace(blank, match.end() - 1, "{", "}")
        impls.append((match.end(), end, words[-1]))

    for match in _ITEM.finditer(blank):
        kind, name = match["kind"], match["name"]
        owner = next((t for s, e, t in impls if s <= match.start() < e), None)
        key = f"{owner}::{name}" if owner else name
        signature = _fn_signature(blank, match.end()) if kind == "fn" else None
        out.setdefault(key, RustItem(key, kind, line_of(match.start()), signature))
    for match in _USE.finditer(blank):
        tree = " ".join(match["tree"].split())
        for name in _use_names(tree):
            out.setdefault(name, RustItem(name, "use", line_of(match.start())))
    return out


def _use_names(tree: str) -> list[str]:
    """The names a ``pub use`` tree brings in: ``a::{b, c as d, e::*}`` -> ``b, d, e::*``."""
    tree = tree.strip()
    brace = tree.find("{")
    if brace == -1:
        if " as " in tree:
            return [tree.rsplit(" as ", 1)[1].strip()]
        last = tree.rsplit("::", 1)[-1].strip()
        return [tree if last == "*" else last]
    prefix = tree[:brace]
    inner = tree[brace + 1 : tree.rfind("}")]
    names: list[str] = []
    for part in _split(inner):
        for name in _use_names(part):
            names.append(f"{prefix}{name}" if name.endswith("*") else name)
    return names


def _module_parent(path: str) -> tuple[list[str], str] | None:
    """Candidate parent files of a module file and the module's name."""
    directory, file = posixpath.split(path)
    stem = file.removesuffix(".rs")
    if stem in ("lib", "main"):
        return None
    if stem == "mod":
        directory, stem = posixpath.split(directory)
    parents = [
        posixpath.join(directory, "lib.rs"),
        posixpath.join(directory, "mod.rs"),
        directory + ".rs",
    ]
    return parents, stem


def module_is_public(path: str, read: Callable[[str], str | None]) -> bool:
    """Whether the module file ``path`` is reachable as public API from ``lib.rs``.

    ``read`` gives a file's text (None when absent). Each level up needs ``pub mod name``; the
    crate root ``lib.rs`` is public.
    """
    seen: set[str] = set()
    current = path
    while current not in seen:
        seen.add(current)
        parent = _module_parent(current)
        if parent is None:
            return posixpath.basename(current) == "lib.rs"
        parents, stem = parent
        found = None
        for candidate in parents:
            text = read(candidate)
            if text is None:
                continue
            blank = _blank(text)
            if re.search(rf"\bpub[ \t]+mod[ \t]+{re.escape(stem)}\b", blank):
                found = candidate
                break
            if re.search(rf"\bmod[ \t]+{re.escape(stem)}\b", blank):
                return False
        if found is None:
            return False
        current = found
    return False


def _crate_path(path: str) -> bool:
    parts = path.split("/")
    if any(part in _SKIP_DIRS for part in parts[:-1]):
        return False
    return parts[-1] not in ("main.rs", "build.rs")


def _ancestor_candidates(path: str) -> list[str]:
    """Every file that may declare ``path`` or one of its parent modules (see _module_parent)."""
    out: list[str] = []
    directory = posixpath.dirname(path)
    while True:
        out += [posixpath.join(directory, name) for name in ("lib.rs", "mod.rs")]
        out.append(directory + ".rs")
        if not directory:
            return out
        directory = posixpath.dirname(directory)


def _reader(ctx: AnalysisContext, ref: str, paths: list[str]) -> Callable[[str], str | None]:
    """A file reader at ``ref`` that has ``paths`` and their possible parents read in one batch.

    A file outside the batch (none: the candidates are derived as the lookups are) would be
    read on its own.
    """
    wanted = list(dict.fromkeys([p for path in paths for p in (path, *_ancestor_candidates(path))]))
    found = read_texts(ctx, ref, wanted)
    cache: dict[str, str | None] = {path: found.get(path) for path in wanted}

    def read(path: str) -> str | None:
        if path not in cache:
            cache[path] = read_text(ctx, ref, path)
        return cache[path]

    return read


def _compare(
    out: BoundedEvidence,
    before: dict[str, RustItem],
    after: dict[str, RustItem],
    before_path: str | None,
    after_path: str | None,
) -> None:
    """Add the findings between one module file's two versions to ``out``."""
    out.keep_all(
        EvidenceKind.API_REMOVED,
        Bump.MAJOR,
        Strength.PROOF,
        sorted(before.keys() - after.keys()),
        lambda key: (
            f"removed pub {before[key].kind} {key} from {before_path}",
            before_path,
            before[key].line,
        ),
    )
    out.keep_all(
        EvidenceKind.API_ADDED,
        Bump.MINOR,
        Strength.STRONG,
        sorted(after.keys() - before.keys()),
        lambda key: (
            f"new pub {after[key].kind} {key} in {after_path}",
            after_path,
            after[key].line,
        ),
    )
    for key in sorted(before.keys() & after.keys()):
        old, new = before[key], after[key]
        if not (old.signature and new.signature and old.signature != new.signature):
            continue
        if out.admit(Bump.MAJOR, Strength.PROOF):
            out.keep(
                evidence(
                    "rust-api",
                    EvidenceKind.API_CHANGED,
                    Bump.MAJOR,
                    Strength.PROOF,
                    f"signature of pub fn {key} changed: {old.signature} -> {new.signature}",
                    path=after_path,
                    line=new.line,
                )
            )


def gather(ctx: AnalysisContext) -> list[Evidence]:
    """Rust ``pub`` item evidence for the library module files that changed."""
    # Imported here: the package imports this module, and the cap is the package's.

    changes = [
        c
        for c in changed_files(ctx, (".rs",))
        if any(_crate_path(p) for p in {c.path, c.old_path or c.path})
    ]
    if not changes:
        return []
    out = BoundedEvidence("rust-api", MAX_PER_SOURCE)
    read_base = _reader(ctx, ctx.base_sha, [p for c in changes if (p := old_path(c))])
    read_head = _reader(ctx, ctx.head_sha, [p for c in changes if (p := new_path(c))])
    for change in changes:
        before_path, after_path = old_path(change), new_path(change)
        before_public = before_path is not None and module_is_public(before_path, read_base)
        after_public = after_path is not None and module_is_public(after_path, read_head)
        before = parse_rust(read_base(before_path) or "") if before_path and before_public else {}
        after = parse_rust(read_head(after_path) or "") if after_path and after_public else {}
        _compare(out, before, after, before_path, after_path)
    return out.items()
