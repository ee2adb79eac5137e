"""Split file changes into bounded text chunks for a model provider; pure, no I/O.

Rules, in order:

1. Each analyzed file becomes one *piece* (its ``---``/``+++`` header and its hunks). A file
   larger than ``chunk_size`` is split at hunk boundaries, and a hunk larger than that at line
   boundaries; every piece repeats the file header (and a split hunk its ``@@`` header), so each
   chunk reads on its own. Lines are never split: a single line too long for a chunk is cut
   and ends with :data:`LINE_TRUNCATED`.
2. When there are more pieces than ``max_chunks``, neighbours are merged greedily, never
   past ``chunk_size``, so fewer requests carry the same text.
3. If there are still too many, the first ``max_chunks`` are kept and the rest are reported in
   :attr:`ChunkPlan.omitted_paths`.

Excluded files are not rendered: their content is not to be analyzed. Binary files, mode
changes and files whose hunks were dropped appear as their header plus a one-line note. Sizes
are computed before any text is built, so only the kept chunks are ever rendered.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from release_tools.analysis.models import Chunk, FileChange, Hunk

__all__ = ["LINE_TRUNCATED", "ChunkPlan", "plan_chunks", "render_change"]

#: Appended to a line that was cut to fit in one chunk.
LINE_TRUNCATED = " [...line truncated]"


def _cut(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, marked when cut."""
    if len(text) <= limit:
        return text
    keep = max(0, limit - len(LINE_TRUNCATED))
    return text[:keep] + LINE_TRUNCATED[: limit - keep]


def _file_head(change: FileChange) -> str:
    """The header lines of a file and a note for what has no hunks to show."""
    lines = [change.header]
    if change.old_mode and change.new_mode and change.old_mode != change.new_mode:
        lines.append(f"# mode {change.old_mode} -> {change.new_mode}")
    if change.binary:
        lines.append("# binary file changed")
    if change.truncated:
        lines.append(
            f"# diff too large, hunks omitted (+{change.additions} -{change.deletions} lines)"
        )
    return "\n".join(lines) + "\n"


@dataclass(slots=True)
class _Piece:
    """A slice of one file's diff: literal text, and (hunk, first, stop, line limit) slices."""

    path: str
    size: int
    parts: list[str | tuple[Hunk, int, int, int]] = field(default_factory=list)

    def render_into(self, out: list[str]) -> None:
        for part in self.parts:
            if isinstance(part, str):
                out.append(part)
                continue
            hunk, start, stop, limit = part
            for line in hunk.lines[start:stop]:
                out.append(_cut(line, limit))
                out.append("\n")


def _split_file(change: FileChange, chunk_size: int) -> list[_Piece]:
    head = _cut(_file_head(change).rstrip("\n"), chunk_size // 2) + "\n"
    total = len(head) + sum(h.size for h in change.hunks)
    if total <= chunk_size:
        whole = _Piece(change.path, total, [head])
        for hunk in change.hunks:
            whole.parts.extend((hunk.header + "\n", (hunk, 0, len(hunk.lines), chunk_size)))
        return [whole]
    pieces: list[_Piece] = []
    current = _Piece(change.path, len(head), [head])
    for hunk in change.hunks:
        hunk_head = _cut(hunk.header, chunk_size // 4) + "\n"
        cost = hunk.size - len(hunk.header) - 1 + len(hunk_head)
        if current.size + cost <= chunk_size:
            current.parts.extend((hunk_head, (hunk, 0, len(hunk.lines), chunk_size)))
            current.size += cost
            continue
        # The hunk does not fit beside what is there: start a new piece and fill it line by
        # line, continuing in further pieces (each repeating both headers) when it overflows.
        if len(current.parts) > 1:
            pieces.append(current)
            current = _Piece(change.path, len(head), [head])
        limit = chunk_size - len(head) - len(hunk_head) - 1
        current.parts.append(hunk_head)
        current.size += len(hunk_head)
        start = 0
        for index, line in enumerate(hunk.lines):
            line_cost = min(len(line), limit) + 1
            if current.size + line_cost > chunk_size and index > start:
                current.parts.append((hunk, start, index, limit))
                pieces.append(current)
                current = _Piece(change.path, len(head) + len(hunk_head), [head, hunk_head])
                start = index
            current.size += line_cost
        current.parts.append((hunk, start, len(hunk.lines), limit))
    pieces.append(current)
    return pieces


def render_change(change: FileChange) -> str:
    """One file's change as unified-diff-like text (header, notes, hunks)."""
    out = [_file_head(change)]
    for hunk in change.hunks:
        out.append(hunk.header + "\n")
        out.extend(line + "\n" for line in hunk.lines)
    return "".join(out)


@dataclass(slots=True)
class ChunkPlan:
    """The chunks to send, and what did not fit in ``max_chunks``."""

    chunks: list[Chunk]
    #: Pieces before merging (one per file, more for large files).
    pieces: int = 0
    #: Paths whose content (or part of it) is in no chunk.
    omitted_paths: list[str] = field(default_factory=list)

    @property
    def truncated(self) -> bool:
        return bool(self.omitted_paths)


def plan_chunks(changes: Sequence[FileChange], *, chunk_size: int, max_chunks: int) -> ChunkPlan:
    """Split ``changes`` into at most ``max_chunks`` chunks of at most ``chunk_size`` characters."""
    if chunk_size < 40:
        raise ValueError("chunk_size must be at least 40 characters")
    if max_chunks < 1:
        raise ValueError("max_chunks must be at least 1")
    pieces: list[_Piece] = []
    for change in changes:
        if change.excluded:
            continue
        pieces.extend(_split_file(change, chunk_size))
    groups: list[list[_Piece]] = [[piece] for piece in pieces]
    if len(groups) > max_chunks:
        groups = []
        size = 0
        for piece in pieces:
            if groups and size + piece.size <= chunk_size:
                groups[-1].append(piece)
                size += piece.size
            else:
                groups.append([piece])
                size = piece.size
    omitted: list[str] = []
    if len(groups) > max_chunks:
        # A file cut across the boundary is partly sent; it is listed as omitted all the same.
        seen: set[str] = set()
        for group in groups[max_chunks:]:
            for piece in group:
                if piece.path not in seen:
                    seen.add(piece.path)
                    omitted.append(piece.path)
        groups = groups[:max_chunks]
    chunks: list[Chunk] = []
    for index, group in enumerate(groups):
        out: list[str] = []
        paths: list[str] = []
        for piece in group:
            piece.render_into(out)
            if piece.path not in paths:
                paths.append(piece.path)
        chunks.append(Chunk(index=index, text="".join(out), paths=paths))
    return ChunkPlan(chunks=chunks, pieces=len(pieces), omitted_paths=omitted)
