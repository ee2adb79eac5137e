"""Helpers shared by the evidence gatherers: building evidence, path classes, reading blobs."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TypeVar

from release_tools import gitblobs
from release_tools.analysis.context import AnalysisContext
from release_tools.analysis.models import (
    Bump,
    ChangeKind,
    Evidence,
    EvidenceKind,
    EvidenceSource,
    FileChange,
    Strength,
)

__all__ = [
    "TEST_DIRS",
    "TEST_FILE_NAMES",
    "TOOLING_DIRS",
    "BoundedEvidence",
    "blob_chunks",
    "blob_headers",
    "blob_sizes",
    "changed_files",
    "evidence",
    "in_test_dir",
    "in_tooling_dir",
    "is_test_path",
    "is_vendored",
    "new_path",
    "old_path",
    "read_blobs",
    "read_pairs",
    "read_text",
    "read_texts",
    "summaries",
]

#: Directories of tests and their data.
TEST_DIRS = frozenset(
    {
        "test",
        "tests",
        "testing",
        "testsuite",
        "__tests__",
        "__mocks__",
        "spec",
        "specs",
        "testdata",
        "e2e",
    }
)
#: Directories of development tooling: benchmarks and maintainers' scripts.
TOOLING_DIRS = frozenset({"benchmarks", "benchmark", "bench", "benches", "scripts", "tools"})
#: File names of tests in the ecosystems read (pytest, Go, Jest/Vitest/Mocha).
TEST_FILE_NAMES = r"^test_.*\.py$|_test\.py$|^conftest\.py$|_test\.go$|\.(test|spec)\.[cm]?[jt]sx?$"

# Directories besides those of tests that hold fixtures, examples, docs or tooling rather than
# shipped code.
_OTHER_NON_SHIPPED = {
    "fixtures",
    "examples",
    "example",
    "docs",
    "doc",
    "docs_src",
    "documentation",
    ".github",
}
_TEST_FILE = re.compile(TEST_FILE_NAMES)


def evidence(
    source: EvidenceSource,
    kind: EvidenceKind,
    bump: Bump,
    strength: Strength,
    message: str,
    *,
    path: str | None = None,
    line: int | None = None,
    commit: str | None = None,
    omitted: int = 0,
    release_as: str | None = None,
    review: bool = False,
) -> Evidence:
    """Build one :class:`Evidence`, keeping the message to one bounded line.

    ``omitted`` makes it a summary of that many findings (see :attr:`Evidence.omitted`);
    ``review`` marks a finding its reader could not settle (see :attr:`Evidence.review`).
    """
    text = " ".join(message.split())
    if len(text) > 200:
        text = text[:197] + "..."
    return Evidence(
        source=source,
        kind=kind,
        bump=bump.word,
        strength=strength,
        message=text,
        path=path,
        line=line if line and line > 0 else None,
        commit=commit,
        omitted=omitted,
        release_as=release_as,
        review=review,
    )


#: Directories holding copies of other projects (shipped, but not this project's API).
_VENDORED_DIRS = frozenset(
    {"vendor", "vendored", "_vendor", "third_party", "thirdparty", "externals", "node_modules"}
)


def is_vendored(path: str) -> bool:
    """Whether ``path`` lies in a copy of another project (``vendor/``, ``node_modules/``,
    ``third_party/`` ...): shipped, perhaps, but that project's API, not this one's."""
    return any(part in _VENDORED_DIRS for part in path.split("/")[:-1])


#: Directories of example projects named by what they show (``example_isort_plugin``,
#: ``examples-react``): each a project of its own, beside the shipped one.
_EXAMPLE_DIR = re.compile(r"^examples?[-_]")


def in_test_dir(parts: list[str]) -> bool:
    """Whether a path (split at ``/``, file name last) lies in a directory of tests.

    ``testing`` is one only at the top of the repository (pytest's ``testing/``): inside a
    package it ships helpers for its users' tests (``numpy.testing``), and a Go directory is a
    package whatever its name (logr's ``testing``), its tests being the ``_test.go`` files.
    """
    go = parts[-1].endswith(".go")
    return any(
        part in TEST_DIRS and (part != "testing" or (index == 0 and not go))
        for index, part in enumerate(parts[:-1])
    )


def in_tooling_dir(parts: list[str]) -> bool:
    """Whether a path (split at ``/``, file name last) lies in a directory of development
    tooling (``scripts/``, ``tools/``, ``benchmarks/`` ...).

    Not a Python module in a package's own ``scripts/``, though: ``piptools/scripts/compile.py``
    is the program the distribution installs (``piptools.scripts.compile:cli``), shipped like
    the rest of ``piptools``; a ``scripts/`` at the top, or under ``src/`` or ``lib/``, is the
    maintainers'. Benchmarks and tools inside a package stay tooling (``jsonschema/benchmarks/``
    ships, but nobody imports it as API).
    """
    python = parts[-1].endswith((".py", ".pyi"))
    for index, part in enumerate(parts[:-1]):
        if part.lower() not in TOOLING_DIRS:
            continue
        parent = parts[index - 1] if index else ""
        if (
            python
            and part.lower() == "scripts"
            and parent.isidentifier()
            and parent.lower() not in ("src", "lib")
        ):
            continue
        return True
    return False


def is_test_path(path: str) -> bool:
    """Whether ``path`` is a test, example, docs or tooling file rather than shipped code."""
    parts = path.split("/")
    if in_test_dir(parts):
        return True
    if in_tooling_dir(parts):
        return True
    if any(part in _OTHER_NON_SHIPPED or _EXAMPLE_DIR.match(part) for part in parts[:-1]):
        return True
    return bool(_TEST_FILE.search(parts[-1]))


def changed_files(
    ctx: AnalysisContext, suffixes: Iterable[str], *, include_excluded: bool = False
) -> list[FileChange]:
    """Changed files with one of ``suffixes`` that are shipped code (not tests, docs ...)."""
    ends = tuple(suffixes)
    out: list[FileChange] = []
    for change in ctx.changes:
        if change.excluded and not include_excluded:
            continue
        names = {change.path, change.old_path or change.path}
        if not any(name.endswith(ends) for name in names):
            continue
        if all(is_test_path(name) for name in names):
            continue
        out.append(change)
    return out


def old_path(change: FileChange) -> str | None:
    """The file's path at base, or None when it was added."""
    if change.kind in (ChangeKind.ADDED, ChangeKind.COPIED):
        return None
    return change.old_path or change.path


def new_path(change: FileChange) -> str | None:
    """The file's path at head, or None when it was deleted."""
    return None if change.kind is ChangeKind.DELETED else change.path


def read_text(ctx: AnalysisContext, ref: str, path: str | None) -> str | None:
    """A file's text at ``ref`` (invalid UTF-8 replaced), or None if absent or not given."""
    if path is None:
        return None
    data = ctx.git.show_file(ref, path)
    if data is None:
        return None
    return data.decode("utf-8", "replace")


def blob_sizes(ctx: AnalysisContext, ref: str, paths: Iterable[str]) -> dict[str, int]:
    """Sizes in bytes of many files at ``ref`` (one ``git cat-file --batch-check``).

    Absent files, and paths that the line-based batch input cannot carry, are left out.
    """
    return {path: size for path, (_oid, size) in blob_headers(ctx, ref, paths).items()}


def blob_headers(
    ctx: AnalysisContext, ref: str, paths: Iterable[str]
) -> dict[str, tuple[str, int]]:
    """Object id and size in bytes of many files at ``ref`` (one ``cat-file --batch-check``).

    Absent files, and paths that the line-based batch input cannot carry, are left out.
    """
    wanted = [path for path in dict.fromkeys(paths) if "\n" not in path]
    if not wanted:
        return {}
    request = "".join(f"{ref}:{path}\n" for path in wanted).encode("utf-8")
    lines = ctx.git.run_bytes("cat-file", "--batch-check", input=request).splitlines()
    out: dict[str, tuple[str, int]] = {}
    for path, line in zip(wanted, lines, strict=False):
        header = line.split()
        if len(header) == 3 and header[1] == b"blob" and header[2].isdigit():
            out[path] = (header[0].decode("ascii"), int(header[2]))
    return out


def blob_chunks(ctx: AnalysisContext, oid: str) -> Iterator[str]:
    """The text of blob ``oid`` in pieces of whole lines (about a MB each), never held whole.

    Each piece ends at a newline, so a line-based scan of the pieces finds what it would in
    the whole text, and no UTF-8 sequence (which never contains a newline byte) is cut.
    Stopping early stops git.
    """
    with ctx.git.stream_blocks("cat-file", "blob", oid) as blocks:
        for block in blocks:
            yield block.decode("utf-8", "replace")


def read_blobs(ctx: AnalysisContext, ref: str, paths: Iterable[str]) -> dict[str, bytes]:
    """Many files' bytes at ``ref`` in one ``git cat-file --batch`` run; absent files are left
    out. For callers that can tell from the bytes that a file needs no decoding."""
    found = gitblobs.read_blobs(ctx.git, ((ref, path) for path in paths))
    return {path: data for (_ref, path), data in found.items()}


def read_texts(ctx: AnalysisContext, ref: str, paths: Iterable[str]) -> dict[str, str]:
    """Many files' text at ``ref`` in one ``git cat-file --batch`` run; absent files are left out
    (see :mod:`release_tools.gitblobs`)."""
    found = gitblobs.read_texts(ctx.git, ((ref, path) for path in paths))
    return {path: text for (_ref, path), text in found.items()}


def read_pairs(
    ctx: AnalysisContext, pairs: Sequence[tuple[str, str]]
) -> Iterator[tuple[str, str, str, str]]:
    """``(base path, head path, base text, head text)`` of each modified file of ``pairs``,
    read in one ``git cat-file --batch`` run a side; a pair missing a side is left out."""
    old_texts = read_texts(ctx, ctx.base_sha, [before for before, _after in pairs])
    new_texts = read_texts(ctx, ctx.head_sha, [after for _before, after in pairs])
    for before, after in pairs:
        old_code, new_code = old_texts.get(before), new_texts.get(after)
        if old_code is not None and new_code is not None:
            yield before, after, old_code, new_code


def summaries(source: EvidenceSource, dropped: Counter[tuple[Bump, Strength]]) -> list[Evidence]:
    """One summary item per bump and strength of the findings left out of a capped list.

    Each carries the exact number it stands for in :attr:`Evidence.count`, so the decision can
    count every finding without the list holding them all; strongest first.
    """
    ranks = sorted((k for k, n in dropped.items() if n > 0), key=lambda k: (-k[0], k[1].rank))
    return [
        evidence(
            source,
            EvidenceKind.SUMMARY,
            level,
            strength,
            f"... and {dropped[level, strength]} more {source} items "
            f"({dropped[level, strength]} {level.label})",
            omitted=dropped[level, strength],
        )
        for level, strength in ranks
    ]


K = TypeVar("K")


class BoundedEvidence:
    """Evidence of one source where only the strongest items are ever built.

    A huge range can yield hundreds of thousands of findings (every export of a generated file
    is "new"), while the report keeps ``limit`` per source. Building each as an
    :class:`Evidence` first cost gigabytes and most of the run. Here an item
    is built only while it can still be among the ``limit`` strongest: ranked like the final
    cap does (higher bump, then stronger, then earlier), so at most ``limit`` items exist per
    rank and the rest are only counted (:meth:`admit`). :meth:`items` returns the ``limit``
    strongest and, per rank of the others, one summary carrying their exact count
    (:func:`summaries`), which the final cap keeps as they are.
    """

    def __init__(self, source: EvidenceSource, limit: int) -> None:
        self.source: EvidenceSource = source
        self.limit = max(1, limit)
        self._seq = 0
        # Per (bump, strength): the first items built, with their arrival number, and the count.
        self._kept: dict[tuple[Bump, Strength], list[tuple[int, Evidence]]] = {}
        self._counts: Counter[tuple[Bump, Strength]] = Counter()
        self._admitted = (Bump.NONE, Strength.WEAK)
        self._next = 0

    def admit(self, bump: Bump, strength: Strength) -> bool:
        """Count one finding; True when its evidence may be kept: build it and :meth:`keep` it.

        Findings that are only counted cost no :class:`Evidence` (nor message formatting).
        """
        return self.admit_many(bump, strength, 1) == 1

    def admit_many(self, bump: Bump, strength: Strength, count: int) -> int:
        """Count ``count`` findings of one rank at once; how many of the first may be kept.

        The caller builds and :meth:`keep` s that many, in order (thousands of new exports of a
        generated module cost one call).
        """
        key = (bump, strength)
        self._counts[key] += count
        self._admitted = key
        self._next = self._seq + 1
        self._seq += count
        return max(0, min(count, self.limit - len(self._kept.setdefault(key, []))))

    def keep_all(
        self,
        kind: EvidenceKind,
        bump: Bump,
        strength: Strength,
        keys: Sequence[K],
        describe: Callable[[K], tuple[str, str | None, int | None]],
    ) -> None:
        """Count one finding per key and build the evidence of those that may be kept.

        ``describe`` gives a key's ``(message, path, line)``; it runs only for kept findings.
        """
        for key in keys[: self.admit_many(bump, strength, len(keys))]:
            message, path, line = describe(key)
            self.keep(evidence(self.source, kind, bump, strength, message, path=path, line=line))

    def keep(self, item: Evidence) -> None:
        """Keep the evidence of a finding just let in (ranked as admitted, in arrival order)."""
        self._kept[self._admitted].append((self._next, item))
        self._next += 1

    def extend(self, items: Iterable[Evidence]) -> None:
        """Add evidence that is already built (a summary adds the findings it stands for)."""
        for item in items:
            if item.is_summary:
                # Counted only: a summary is no finding of its own to list.
                self._counts[item.level, item.strength] += item.count
                self._seq += item.count
            elif self.admit(item.level, item.strength):
                self.keep(item)

    def merge(self, later: BoundedEvidence) -> None:
        """Add the findings of ``later``, which all arrived after this one's (same limit)."""
        for key, count in later._counts.items():
            self._counts[key] += count
            kept = self._kept.setdefault(key, [])
            shifted = [(seq + self._seq, item) for seq, item in later._kept.get(key, [])]
            kept.extend(shifted[: max(0, self.limit - len(kept))])
        self._seq += later._seq

    @property
    def total(self) -> int:
        """How many findings were counted, kept or not."""
        return self._seq

    def items(self) -> list[Evidence]:
        """The kept evidence in arrival order, then a summary per rank of the rest, if any."""
        # Every counted rank: one added through a summary has counts but no kept items.
        ranks = sorted(self._counts, key=lambda k: (-k[0], k[1].rank))
        chosen: list[tuple[int, Evidence]] = []
        dropped: Counter[tuple[Bump, Strength]] = Counter()
        for key in ranks:
            taken = self._kept.get(key, [])[: max(0, self.limit - len(chosen))]
            chosen.extend(taken)
            dropped[key] = self._counts[key] - len(taken)
        listed = [item for _seq, item in sorted(chosen, key=lambda p: p[0])]
        return listed + summaries(self.source, dropped)


#: The most items kept per evidence source before a summary item stands in for the rest.
MAX_PER_SOURCE = 50
#: The most items an API gatherer hands on per source: more than the report keeps, so that
#: the passes over every source's findings (a reverted change undone, see
#: :mod:`~release_tools.analysis.evidence.reverts`) see them one by one on big ranges before
#: the final cap.
GATHER_LIMIT = 10 * MAX_PER_SOURCE


def cap_evidence(items: Sequence[Evidence], limit: int = MAX_PER_SOURCE) -> list[Evidence]:
    """Keep at most ``limit`` items per source (strongest first) plus summaries of the rest.

    Summaries (one per bump and strength of the dropped items, see
    :func:`~release_tools.analysis.evidence._common.summaries`) carry exact counts, so capping
    never changes the decision. Summaries already in ``items`` (those of a
    :class:`~release_tools.analysis.evidence._common.BoundedEvidence`) are pre-counted
    overflow: they take no place among the ``limit`` and are folded into this cap's summaries,
    so a bounded source keeps its full allowance. Kept items keep their order; a source's
    summaries follow its last item.
    """
    by_source: dict[str, list[int]] = {}
    for index, item in enumerate(items):
        by_source.setdefault(item.source, []).append(index)
    keep: set[int] = set()
    summarised: dict[str, list[Evidence]] = {}
    for source, indexes in by_source.items():
        listed = [i for i in indexes if not items[i].is_summary]
        counted = [i for i in indexes if items[i].is_summary]
        if len(listed) <= limit and not counted:
            keep.update(indexes)
            continue
        ranked = sorted(listed, key=lambda i: (-items[i].level, items[i].strength.rank, i))
        keep.update(ranked[:limit])
        dropped: Counter[tuple[Bump, Strength]] = Counter()
        for i in (*ranked[limit:], *counted):
            dropped[items[i].level, items[i].strength] += items[i].count
        summarised[source] = summaries(items[indexes[0]].source, dropped)
    out: list[Evidence] = []
    for index, item in enumerate(items):
        if index in keep:
            out.append(item)
        if by_source[item.source][-1] == index:
            out.extend(summarised.get(item.source, ()))
    return out
