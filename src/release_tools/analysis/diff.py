"""Collect the diff of a range and parse it into typed file changes, in one streaming pass.

``git diff`` output is read line by line from :meth:`Git.stream` and never held whole: each
file's hunks are built as its lines arrive, and a file is handed over as soon as the next one
starts. Memory stays bounded on huge ranges because hunks are only *kept* within two caps (per
file and in total); beyond them, and for excluded files, lines are counted but not stored.

Paths are taken from the unambiguous header lines (``rename from``, ``--- a/...``,
``+++ b/...``) and C-unquoted when git quoted them; the ``diff --git`` line is only a fallback
for changes without those lines (binary files, mode changes, empty files). Content that is not
UTF-8 is decoded with replacement characters and reported as a warning, never an error.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from io import BytesIO
from itertools import chain, islice

from release_tools.analysis.models import ChangeKind, FileChange, Hunk
from release_tools.git import Git

__all__ = [
    "DiffLimits",
    "DiffStats",
    "collect_changes",
    "diff_args",
    "empty_tree",
    "parse_diff",
]

log = logging.getLogger(__name__)

# Hunk lines taken from the stream at once (bounded, so one batch is at most a few MB).
_BATCH = 4096

_HUNK_RE = re.compile(rb"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")

# git's C-style escapes in quoted paths (quote.c): the named ones plus three-digit octal bytes.
_ESCAPES = {
    ord("a"): 7,
    ord("b"): 8,
    ord("t"): 9,
    ord("n"): 10,
    ord("v"): 11,
    ord("f"): 12,
    ord("r"): 13,
    ord('"'): 34,
    ord("\\"): 92,
}


@dataclass(frozen=True, slots=True)
class DiffLimits:
    """How much hunk text is kept in memory; counts are always exact.

    ``max_file_chars`` bounds one file (a generated or vendored blob); ``max_total_chars``
    bounds the whole range. Hunks beyond a cap are dropped and the file is marked truncated.
    """

    max_file_chars: int = 1_000_000
    max_total_chars: int = 24_000_000


@dataclass(slots=True)
class DiffStats:
    """What the parser saw, for the report's ``stats`` and warnings."""

    files: int = 0
    lines: int = 0
    bytes: int = 0
    kept_chars: int = 0
    truncated_files: list[str] = field(default_factory=list)
    non_utf8_files: list[str] = field(default_factory=list)


def _unquote(raw: bytes) -> bytes:
    """Undo git's C-style quoting of a path (``"a\\tb"``); unquoted input is returned as is."""
    if len(raw) < 2 or raw[:1] != b'"' or raw[-1:] != b'"':
        return raw
    body = raw[1:-1]
    out = bytearray()
    i = 0
    while i < len(body):
        c = body[i]
        if c != 0x5C or i + 1 >= len(body):  # not a backslash
            out.append(c)
            i += 1
            continue
        nxt = body[i + 1]
        if 0x30 <= nxt <= 0x37 and i + 3 < len(body) + 1:
            digits = body[i + 1 : i + 4]
            try:
                out.append(int(digits, 8) & 0xFF)
                i += 4
                continue
            except ValueError:
                pass
        out.append(_ESCAPES.get(nxt, nxt))
        i += 2
    return bytes(out)


def _decode_path(raw: bytes) -> str:
    return _unquote(raw.rstrip(b"\r\n")).decode("utf-8", "replace")


def _strip_prefix(raw: bytes, prefix: bytes) -> str | None:
    """A ``--- a/path`` / ``+++ b/path`` name without its prefix; None for ``/dev/null``."""
    # git appends a tab after names that contain a space, to make the line unambiguous.
    raw = raw.rstrip(b"\r\n")
    if raw.endswith(b"\t"):
        raw = raw[:-1]
    if raw == b"/dev/null":
        return None
    raw = _unquote(raw)
    if raw.startswith(prefix):
        raw = raw[len(prefix) :]
    return raw.decode("utf-8", "replace")


def _split_git_header(rest: bytes) -> tuple[str, str]:
    """Names from ``diff --git a/X b/Y`` when no other line gives them.

    Quoted names are parsed exactly. Unquoted names with spaces are ambiguous in general, but
    this fallback only matters when both names are equal (binary, mode-only or empty files;
    renames always carry ``rename from/to`` lines), so the line is split in its middle.
    """
    rest = rest.rstrip(b"\r\n")
    if rest.startswith(b'"'):
        end = 1
        while end < len(rest):
            if rest[end] == 0x5C:
                end += 2
                continue
            if rest[end] == 0x22:
                break
            end += 1
        first, second = rest[: end + 1], rest[end + 2 :]
    elif rest.endswith(b'"'):
        start = rest.rfind(b' "')
        first, second = rest[:start], rest[start + 1 :]
    else:
        half = (len(rest) - 1) // 2
        first, second = rest[:half], rest[half + 1 :]
    old = _unquote(first).removeprefix(b"a/").decode("utf-8", "replace")
    new = _unquote(second).removeprefix(b"b/").decode("utf-8", "replace")
    return old, new


class _FileBuilder:
    """Mutable state of the file being parsed; frozen into a :class:`FileChange` at its end."""

    __slots__ = (
        "additions",
        "binary",
        "deletions",
        "excluded",
        "hunks",
        "kept",
        "kind",
        "new_mode",
        "new_path",
        "non_utf8",
        "old_mode",
        "old_path",
        "truncated",
    )

    def __init__(self, old_path: str, new_path: str) -> None:
        self.old_path: str | None = old_path
        self.new_path: str | None = new_path
        self.kind: ChangeKind | None = None
        self.binary = False
        self.old_mode: str | None = None
        self.new_mode: str | None = None
        self.hunks: list[Hunk] = []
        self.additions = 0
        self.deletions = 0
        self.kept = 0
        self.truncated = False
        self.non_utf8 = False
        self.excluded: bool | None = None

    @property
    def path(self) -> str:
        return self.new_path or self.old_path or ""

    def build(self) -> FileChange:
        kind = self.kind
        if kind is None:
            mode_only = (
                not self.hunks and not self.binary and not self.additions and not self.deletions
            )
            changed_mode = self.old_mode is not None and self.new_mode is not None
            kind = ChangeKind.MODE_CHANGED if mode_only and changed_mode else ChangeKind.MODIFIED
        old_path = self.old_path
        if kind not in (ChangeKind.RENAMED, ChangeKind.COPIED) or old_path == self.path:
            old_path = None
        return FileChange(
            path=self.path,
            kind=kind,
            old_path=old_path,
            binary=self.binary,
            old_mode=self.old_mode,
            new_mode=self.new_mode,
            hunks=tuple(self.hunks),
            additions=self.additions,
            deletions=self.deletions,
            truncated=self.truncated,
            excluded=bool(self.excluded),
        )


def _prefix_counts(joined: bytes, lines: int) -> tuple[int, int, int] | None:
    """``(added, removed, markers)`` among the newline-ended hunk lines joined in ``joined``.

    Counting ``"\\n+"`` and friends runs in C, which is what keeps huge diffs cheap. Returns None
    when some line does not start like a hunk line (or is empty), so the caller goes line by line.

    Every newline in ``joined`` ends a line, so the byte after it is the first of the next line
    and each line is counted once, under its first byte: once the counts add up to ``lines``,
    the kinds not counted yet have no line. An added file's lines are all counted in one pass,
    and a marker line (``\\ No newline at end of file``) is only looked for when needed. An
    empty line (``\\n\\n``) belongs to no kind, so the counts never add up when there is one.
    """
    first = joined[:1]
    # The last line's newline is followed by nothing, so it never starts a false match.
    added = joined.count(b"\n+") + (first == b"+")
    if added == lines:
        return added, 0, 0
    removed = joined.count(b"\n-") + (first == b"-")
    if added + removed == lines:
        return added, removed, 0
    context = joined.count(b"\n ") + (first == b" ")
    if added + removed + context == lines:
        return added, removed, 0
    markers = joined.count(b"\n\\") + (first == b"\\")
    if added + removed + markers + context != lines:
        return None
    return added, removed, markers


def parse_diff(
    lines: Iterable[bytes],
    *,
    is_excluded: Callable[[str, str | None], bool] | None = None,
    limits: DiffLimits | None = None,
    stats: DiffStats | None = None,
) -> Iterator[FileChange]:
    """Parse unified ``git diff`` output (bytes, one line each) into :class:`FileChange` items.

    ``is_excluded(path, old_path)`` marks files whose hunks are not kept. Files are yielded as
    soon as they end, so a caller that streams them on holds one file's lines at a time.

    Hunk bodies are consumed in batches: a hunk with ``m`` old and ``n`` new lines left has at
    least ``max(m, n)`` more lines, so that many can be taken at once without reading past it,
    and counted with C-level byte searches instead of a Python step per line.
    """
    limits = limits or DiffLimits()
    stats = stats if stats is not None else DiffStats()
    max_file = limits.max_file_chars
    max_total = limits.max_total_chars
    it: Iterator[bytes] = iter(lines)
    current: _FileBuilder | None = None
    pending: bytes | None = None

    while True:
        if pending is not None:
            line, pending = pending, None
        else:
            line = next(it, b"")
            if not line:
                break
            stats.lines += 1
            stats.bytes += len(line)
        if line.startswith(b"diff --git "):
            if current is not None:
                yield _finish(current, stats, is_excluded)
            old, new = _split_git_header(line[11:])
            current = _FileBuilder(old, new)
            continue
        if current is None:
            continue
        if line.startswith(b"@@ "):
            match = _HUNK_RE.match(line)
            if match is None:
                continue
            # An omitted count means 1 (``@@ -3 +3 @@``).
            old_count = int(match[2]) if match[2] is not None else 1
            new_count = int(match[4]) if match[4] is not None else 1
            if current.excluded is None:
                current.excluded = bool(
                    is_excluded is not None and is_excluded(current.path, current.old_path)
                )
            keep = not current.excluded and not current.truncated
            header = line.rstrip(b"\r\n").decode("utf-8", "replace") if keep else ""
            body: list[str] = []
            size = len(header) + 1
            old_left, new_left = old_count, new_count
            while old_left > 0 or new_left > 0:
                batch = list(islice(it, min(max(old_left, new_left), _BATCH)))
                if not batch:
                    break
                joined = b"".join(batch)
                stats.lines += len(batch)
                stats.bytes += len(joined)
                counts = _prefix_counts(joined, len(batch))
                if counts is None:
                    # Odd lines (empty, or a malformed hunk): one line at a time, and whatever
                    # does not belong to the hunk goes back to the header parser.
                    rest: list[bytes] = []
                    for index, raw in enumerate(batch):
                        if old_left <= 0 and new_left <= 0:
                            rest = batch[index:]
                            break
                        first = raw[:1]
                        if first == b"+":
                            new_left -= 1
                            current.additions += 1
                        elif first == b"-":
                            old_left -= 1
                            current.deletions += 1
                        elif first in (b" ", b"\n"):
                            old_left -= 1
                            new_left -= 1
                        elif first == b"\\":
                            continue
                        else:
                            old_left = new_left = 0
                            rest = batch[index:]
                            break
                        if keep:
                            text = _decode(raw, current)
                            if text.endswith("\n"):
                                text = text[:-1]
                            body.append(text)
                            size += len(text) + 1
                    if rest:
                        stats.lines -= len(rest)
                        stats.bytes -= sum(map(len, rest))
                        it = chain(rest, it)
                        # The first line that left the hunk is handled by the loop above.
                else:
                    added, removed, markers = counts
                    context = len(batch) - added - removed - markers
                    current.additions += added
                    current.deletions += removed
                    old_left -= removed + context
                    new_left -= added + context
                    if keep:
                        text = _decode(joined, current)
                        parts = text.split("\n")
                        if parts and parts[-1] == "":
                            parts.pop()
                        if markers:
                            parts = [p for p in parts if not p.startswith("\\")]
                        body.extend(parts)
                        size += sum(map(len, parts)) + len(parts)
                if keep and (current.kept + size > max_file or stats.kept_chars + size > max_total):
                    # Over a cap: drop this hunk and only count the rest of the file.
                    current.truncated = True
                    keep = False
                    body = []
            if keep:
                current.hunks.append(
                    Hunk(int(match[1]), old_count, int(match[3]), new_count, header, tuple(body))
                )
                current.kept += size
                stats.kept_chars += size
            continue
        if line.startswith(b"--- "):
            current.old_path = _strip_prefix(line[4:], b"a/")
        elif line.startswith(b"+++ "):
            current.new_path = _strip_prefix(line[4:], b"b/")
        elif line.startswith(b"new file mode "):
            current.kind = ChangeKind.ADDED
            current.new_mode = line[14:].strip().decode("ascii", "replace")
        elif line.startswith(b"deleted file mode "):
            current.kind = ChangeKind.DELETED
            current.old_mode = line[18:].strip().decode("ascii", "replace")
        elif line.startswith(b"old mode "):
            current.old_mode = line[9:].strip().decode("ascii", "replace")
        elif line.startswith(b"new mode "):
            current.new_mode = line[9:].strip().decode("ascii", "replace")
        elif line.startswith(b"rename from "):
            current.kind = ChangeKind.RENAMED
            current.old_path = _decode_path(line[12:])
        elif line.startswith(b"rename to "):
            current.new_path = _decode_path(line[10:])
        elif line.startswith(b"copy from "):
            current.kind = ChangeKind.COPIED
            current.old_path = _decode_path(line[10:])
        elif line.startswith(b"copy to "):
            current.new_path = _decode_path(line[8:])
        elif line.startswith((b"Binary files ", b"GIT binary patch")):
            current.binary = True
    if current is not None:
        yield _finish(current, stats, is_excluded)


def _decode(raw: bytes, owner: _FileBuilder) -> str:
    """Hunk bytes as str; bytes that are not UTF-8 become U+FFFD and flag the file."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("utf-8", "replace")
        owner.non_utf8 = True
    return text


def _finish(
    builder: _FileBuilder,
    stats: DiffStats,
    is_excluded: Callable[[str, str | None], bool] | None,
) -> FileChange:
    if builder.excluded is None:
        # No hunk asked yet (binary, mode-only or empty files): the rules apply all the same.
        builder.excluded = bool(
            is_excluded is not None and is_excluded(builder.path, builder.old_path)
        )
    stats.files += 1
    if builder.truncated:
        stats.truncated_files.append(builder.path)
    if builder.non_utf8:
        stats.non_utf8_files.append(builder.path)
    return builder.build()


def diff_args(base: str, head: str, paths: Sequence[str] = ()) -> list[str]:
    """The ``git diff`` arguments the collector uses (the benchmark times the same command)."""
    args = [
        "diff",
        "--no-color",
        "--no-ext-diff",
        "--no-textconv",
        # Explicit prefixes: a user's diff.noprefix / diff.mnemonicPrefix must not change parsing.
        "--src-prefix=a/",
        "--dst-prefix=b/",
        # Paths from the repository root even if the user set diff.relative.
        "--no-relative",
        "--find-renames",
        "--find-copies",
        "--unified=3",
        base,
        head,
    ]
    args.append("--")
    args.extend(paths)
    return args


def empty_tree(git: Git) -> str:
    """The id of the empty tree in this repository's hash (diffing from it lists everything)."""
    # Computed rather than hard-coded: SHA-256 repositories have a different empty tree id.
    out = git.run_bytes("hash-object", "-t", "tree", "--stdin", input=b"")
    return out.decode("ascii").strip()


def collect_changes(
    git: Git,
    base: str,
    head: str,
    *,
    paths: Sequence[str] = (),
    is_excluded: Callable[[str, str | None], bool] | None = None,
    limits: DiffLimits | None = None,
    stats: DiffStats | None = None,
) -> list[FileChange]:
    """Every file changed from ``base`` (a commit or tree) to ``head``, parsed while streamed."""
    stats = stats if stats is not None else DiffStats()
    with git.stream_blocks(*diff_args(base, head, paths)) as blocks:
        # Lines are cut out of each block by BytesIO iteration, in C: no Python step per line.
        lines = chain.from_iterable(map(BytesIO, blocks))
        changes = list(parse_diff(lines, is_excluded=is_excluded, limits=limits, stats=stats))
    if stats.truncated_files:
        log.info(
            "hunks dropped to bound memory",
            extra={"files": len(stats.truncated_files), "first": stats.truncated_files[0]},
        )
    return changes
