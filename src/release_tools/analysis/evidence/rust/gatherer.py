"""Rust public-API evidence: ``pub`` items of library crates compared per module file.

Each changed library module file is read at base and at head, with the files that may declare
it (``lib.rs``, ``mod.rs``, ``parent.rs`` up to the crate root) to tell which of its items are
reachable (:mod:`~release_tools.analysis.evidence.rust.modules`). Each side is read in one
``git cat-file --batch`` after one ``--batch-check`` for the sizes, so no file costs a git
process of its own.

Work is bounded per file before anything is parsed: a file over :data:`MAX_PARSE_BYTES`, or
whose syntax tree has more than :data:`MAX_NODES` nodes, is read by the linear scan
(:mod:`~release_tools.analysis.evidence.rust.linear`; its findings are strong, not proof),
and a file over :data:`MAX_SCAN_BYTES` is not read at all. Either way an ``incomplete`` item
names the file. The evidence is bounded as it is found (a generated crate can add tens of
thousands of items; see :class:`~release_tools.analysis.evidence._common.BoundedEvidence`).

When cargo-semver-checks is installed its verdict joins as proof
(:mod:`~release_tools.analysis.evidence.rust.semver_checks`).
"""

from __future__ import annotations

from release_tools.analysis.context import AnalysisContext
from release_tools.analysis.evidence._common import (
    MAX_PER_SOURCE,
    BoundedEvidence,
    blob_sizes,
    changed_files,
    evidence,
    new_path,
    old_path,
    read_texts,
)
from release_tools.analysis.evidence.rust.compare import compare_items
from release_tools.analysis.evidence.rust.linear import scan_module
from release_tools.analysis.evidence.rust.modules import (
    ancestor_candidates,
    crate_path,
    exposed_items,
    exposure,
)
from release_tools.analysis.evidence.rust.semver_checks import tool_evidence
from release_tools.analysis.evidence.rust.syntax import RustItem, RustModule, parse_module
from release_tools.analysis.models import Bump, Evidence, EvidenceKind, Strength

__all__ = ["MAX_NODES", "MAX_PARSE_BYTES", "MAX_SCAN_BYTES", "gather"]

#: Files above this size are not parsed with tree-sitter but scanned linearly.
MAX_PARSE_BYTES = 1_000_000
#: Parsed files with more syntax nodes than this are scanned linearly instead of walked.
MAX_NODES = 400_000
#: Files above this size are not read at all: their API is left unanalyzed.
MAX_SCAN_BYTES = 64_000_000


class _Side:
    """The module files of one ref, read in one batch, each parsed once on demand."""

    def __init__(self, ctx: AnalysisContext, ref: str, paths: list[str]) -> None:
        wanted = list(
            dict.fromkeys(p for path in paths for p in (path, *ancestor_candidates(path)))
        )
        self.sizes = blob_sizes(ctx, ref, wanted)
        readable = [p for p in wanted if self.sizes.get(p, MAX_SCAN_BYTES + 1) <= MAX_SCAN_BYTES]
        self._texts = read_texts(ctx, ref, readable)
        self._modules: dict[str, RustModule | None] = {}
        #: Files read by the linear scan, with the reason.
        self.scanned: dict[str, str] = {}

    def load(self, path: str) -> RustModule | None:
        if path in self._modules:
            return self._modules[path]
        text = self._texts.pop(path, None)
        module: RustModule | None = None
        if text is not None:
            size = self.sizes.get(path, len(text))
            if size <= MAX_PARSE_BYTES:
                module = parse_module(text, max_nodes=MAX_NODES)
                if module is None:
                    self.scanned[path] = f"more than {MAX_NODES} syntax nodes"
            else:
                self.scanned[path] = f"{size / 1e6:.1f} MB"
            if module is None:
                module = scan_module(text)
        self._modules[path] = module
        return module

    def public_items(self, path: str | None) -> dict[str, RustItem]:
        """The reachable public items of module file ``path`` ({} when absent or private)."""
        if path is None:
            return {}
        names = exposure(path, self.load)
        module = self.load(path) if names else None
        return exposed_items(module, names) if module is not None else {}

    def unread(self, path: str | None) -> bool:
        return path is not None and self.sizes.get(path, 0) > MAX_SCAN_BYTES


def _note(path: str, reason: str, scanned: bool) -> Evidence:
    what = (
        "only its pub item names were compared by a linear scan"
        if scanned
        else "its API was not analyzed"
    )
    return evidence(
        "rust-api",
        EvidenceKind.INCOMPLETE,
        Bump.PATCH,
        Strength.WEAK,
        f"{path}: {reason}, too large to parse; {what}",
        path=path,
    )


def gather(ctx: AnalysisContext) -> list[Evidence]:
    """Rust ``pub`` item evidence for the library module files that changed."""
    changes = [
        c
        for c in changed_files(ctx, (".rs",))
        if any(crate_path(p) for p in {c.path, c.old_path or c.path})
    ]
    if not changes:
        return []
    out = BoundedEvidence("rust-api", MAX_PER_SOURCE)
    base = _Side(ctx, ctx.base_sha, [p for c in changes if (p := old_path(c))])
    head = _Side(ctx, ctx.head_sha, [p for c in changes if (p := new_path(c))])
    notes: list[Evidence] = []
    for change in changes:
        before_path, after_path = old_path(change), new_path(change)
        if base.unread(before_path) or head.unread(after_path):
            size = max(base.sizes.get(before_path or "", 0), head.sizes.get(after_path or "", 0))
            notes.append(_note(change.path, f"{size / 1e6:.1f} MB", scanned=False))
            continue
        before = base.public_items(before_path)
        after = head.public_items(after_path)
        reasons = [
            side.scanned[path]
            for side, path in ((base, before_path), (head, after_path))
            if path is not None and path in side.scanned
        ]
        compare_items(out, before, after, before_path, after_path, proof=not reasons)
        if reasons:
            notes.append(_note(change.path, reasons[-1], scanned=True))
    out.extend(tool_evidence(ctx))
    return [*out.items(), *notes]
