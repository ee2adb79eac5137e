"""Helpers shared by the evidence gatherers: building evidence, path classes, reading blobs."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Literal

from release_tools.analysis.context import AnalysisContext
from release_tools.analysis.models import (
    Bump,
    ChangeKind,
    Evidence,
    EvidenceSource,
    FileChange,
    Strength,
)

__all__ = [
    "BumpLabel",
    "changed_files",
    "evidence",
    "is_test_path",
    "label",
    "new_path",
    "old_path",
    "read_text",
    "read_texts",
]

BumpLabel = Literal["major", "minor", "patch", "none"]

_LABELS: dict[Bump, BumpLabel] = {
    Bump.NONE: "none",
    Bump.PATCH: "patch",
    Bump.MINOR: "minor",
    Bump.MAJOR: "major",
}

# Directories and file names that hold tests, examples or tooling rather than shipped code.
_NON_SHIPPED_DIRS = frozenset(
    {
        "test",
        "tests",
        "testing",
        "__tests__",
        "__mocks__",
        "spec",
        "specs",
        "testdata",
        "fixtures",
        "examples",
        "example",
        "docs",
        "doc",
        "benchmarks",
        "benchmark",
        "bench",
        "scripts",
        "tools",
        ".github",
        "e2e",
    }
)
_TEST_FILE = re.compile(
    r"(^test_.*\.py$|_test\.py$|^conftest\.py$|_test\.go$|\.(test|spec)\.[cm]?[jt]sx?$)"
)


def label(bump: Bump) -> BumpLabel:
    """The evidence literal for a :class:`Bump`."""
    return _LABELS[bump]


def evidence(
    source: EvidenceSource,
    bump: Bump,
    strength: Strength,
    message: str,
    *,
    path: str | None = None,
    line: int | None = None,
    commit: str | None = None,
) -> Evidence:
    """Build one :class:`Evidence`, keeping the message to one bounded line."""
    text = " ".join(message.split())
    if len(text) > 200:
        text = text[:197] + "..."
    return Evidence(
        source=source,
        bump=label(bump),
        strength=strength,
        message=text,
        path=path,
        line=line if line and line > 0 else None,
        commit=commit,
    )


def is_test_path(path: str) -> bool:
    """Whether ``path`` is a test, example, docs or tooling file rather than shipped code."""
    parts = path.split("/")
    if any(part in _NON_SHIPPED_DIRS for part in parts[:-1]):
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


def read_texts(ctx: AnalysisContext, ref: str, paths: Iterable[str]) -> dict[str, str]:
    """Many files' text at ``ref`` in one ``git cat-file --batch`` run; absent files are left out.

    One process instead of one ``git show`` per file: on ranges with hundreds of changed files
    the process start-ups would otherwise dominate the analysis.
    """
    wanted = list(dict.fromkeys(paths))
    if not wanted:
        return {}
    if any("\n" in path for path in wanted):
        # cat-file's batch input is line based; such paths are read one by one.
        return {p: t for p in wanted if (t := read_text(ctx, ref, p)) is not None}
    request = "".join(f"{ref}:{path}\n" for path in wanted).encode("utf-8")
    data = ctx.git.run_bytes("cat-file", "--batch", input=request)
    out: dict[str, str] = {}
    position = 0
    for path in wanted:
        header_end = data.index(b"\n", position)
        header = data[position:header_end].split()
        position = header_end + 1
        if len(header) != 3 or header[-1] == b"missing" or header[1] != b"blob":
            if len(header) == 3 and header[1] != b"blob":
                position += int(header[2]) + 1  # a tree or commit: skip its content
            continue
        size = int(header[2])
        out[path] = data[position : position + size].decode("utf-8", "replace")
        position += size + 1
    return out
