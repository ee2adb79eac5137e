"""Build an :class:`AnalysisContext` straight from a real repository's range.

The evidence gatherers only need the file list (paths, kinds, excluded flag) and the commits;
this builds them with plain git so these tests do not depend on the diff parser.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pathspec

from release_tools.analysis.context import AnalysisContext
from release_tools.analysis.models import ChangeKind, FileChange
from release_tools.config import Settings
from release_tools.git import Git

_KINDS = {
    "A": ChangeKind.ADDED,
    "D": ChangeKind.DELETED,
    "M": ChangeKind.MODIFIED,
    "T": ChangeKind.MODE_CHANGED,
    "R": ChangeKind.RENAMED,
    "C": ChangeKind.COPIED,
}

ContextFactory = Callable[..., AnalysisContext]


def build_context(path: Path, base: str, head: str = "HEAD", **settings: object) -> AnalysisContext:
    git = Git(path)
    config = Settings(repo=path, **settings)  # type: ignore[arg-type]
    base_sha, head_sha = git.resolve(base), git.resolve(head)
    spec = pathspec.GitIgnoreSpec.from_lines(config.excludes)
    out = git.run_bytes("diff", "--name-status", "-z", "-M", base_sha, head_sha)
    fields = [f for f in out.decode("utf-8", "replace").split("\0") if f]
    changes: list[FileChange] = []
    i = 0
    while i < len(fields):
        status = fields[i]
        kind = _KINDS[status[0]]
        if kind in (ChangeKind.RENAMED, ChangeKind.COPIED):
            old, new = fields[i + 1], fields[i + 2]
            i += 3
        else:
            old = new = fields[i + 1]
            i += 2
        changes.append(
            FileChange(
                path=new,
                kind=kind,
                old_path=old if old != new else None,
                excluded=spec.match_file(new),
            )
        )
    return AnalysisContext(
        git=git,
        root=path,
        base_ref=base,
        head_ref=head,
        base_sha=base_sha,
        head_sha=head_sha,
        commits=git.commits(base_sha, head_sha),
        changes=changes,
        major_on_zero=config.major_on_zero,
    )
