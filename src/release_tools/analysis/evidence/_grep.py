"""Which files of a revision contain none of a few literal strings, asked of ``git grep``.

Some gatherers only care about files holding certain words: an option declaration needs a word
such as ``add_argument`` or ``--``, a deprecation site needs ``eprecat``. Files without any of
them can be skipped unread. git searches blobs in C on several threads, where reading every blob
into Python and searching it there costs a large share of the analysis of big generated ranges.
"""

from __future__ import annotations

from collections.abc import Sequence

from release_tools.analysis.context import AnalysisContext
from release_tools.analysis.models import FileChange

__all__ = ["MIN_PATHS", "with_any", "without_any", "worth_asking"]

#: From this many files on, asking git costs less than reading them (a process start is a few ms).
MIN_PATHS = 32
#: Paths per ``git grep`` run, so that its command line stays far below the system's limit.
_BATCH = 500


def worth_asking(changes: Sequence[FileChange]) -> bool:
    """Whether the files of ``changes`` are many or big enough to be sifted by ``git grep``.

    A change whose hunks were dropped to bound memory is a big file by construction.
    """
    return len(changes) >= MIN_PATHS or any(change.truncated for change in changes)


def without_any(
    ctx: AnalysisContext, ref: str, paths: Sequence[str], literals: Sequence[str]
) -> set[str]:
    """The paths among ``paths`` whose blob at ``ref`` contains none of ``literals``.

    Matching is byte-exact and case-sensitive. When git fails, nothing is listed, so a caller
    that skips the listed paths reads every file, as it would without asking.
    """
    if not paths or not literals:
        return set()
    patterns = [arg for literal in literals for arg in ("-e", literal)]
    prefix = f"{ref}:"
    found: set[str] = set()
    for start in range(0, len(paths), _BATCH):
        batch = paths[start : start + _BATCH]
        listed = ctx.git.run_bytes(
            "grep", "--files-without-match", "-z", "-F", *patterns, ref, "--",
            *(f":(literal){path}" for path in batch),
            check=False,
        )  # fmt: skip
        for raw in listed.split(b"\0"):
            name = raw.decode("utf-8", "surrogateescape")
            if name.startswith(prefix):
                found.add(name[len(prefix) :])
    return found & set(paths)


def with_any(
    ctx: AnalysisContext, ref: str, pathspecs: Sequence[str], literals: Sequence[str]
) -> list[str]:
    """The files under ``pathspecs`` (git pathspecs, magic allowed) whose blob at ``ref``
    contains one of ``literals``, sorted; none when git fails."""
    if not pathspecs or not literals:
        return []
    patterns = [arg for literal in literals for arg in ("-e", literal)]
    listed = ctx.git.run_bytes(
        "grep", "--files-with-matches", "-z", "-F", *patterns, ref, "--", *pathspecs,
        check=False,
    )  # fmt: skip
    prefix = f"{ref}:"
    names = (raw.decode("utf-8", "surrogateescape") for raw in listed.split(b"\0"))
    return sorted(name[len(prefix) :] for name in names if name.startswith(prefix))
