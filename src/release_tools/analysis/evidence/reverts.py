"""API changes that undo a commit of an earlier release which the range reverts.

Reverting a change that an earlier release shipped (axios 1.7.9 reverted 1.7.8's rewrite of
its type declarations) puts the API back as it stood before that change. Compared one release
with the next, the names the reverted commit had added read as removed, the names it had
removed read as new and the declarations it had rewritten read as changed, though the range only
withdraws a change. After every gatherer has spoken, each such removal, addition or signature
change whose name the reverted commit added, removed or rewrote in the same file becomes a
review item: importers who adopted the withdrawn names do break, which a maintainer
weighs, but the release is a correction, not a new API.

The reverted commits are read with ``git show`` (their diffs of the files concerned only), at
most :data:`MAX_REVERTS` of them, and only those reachable from the base: a revert whose
target is in the range cancels out and changes no API.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from release_tools.analysis.context import AnalysisContext
from release_tools.analysis.evidence._common import evidence
from release_tools.analysis.evidence.commits import released_reverts
from release_tools.analysis.models import Bump, Evidence, EvidenceKind, Strength
from release_tools.errors import ReleaseToolsError

__all__ = ["MAX_DIFF_BYTES", "MAX_REVERTS", "subject_name", "withdrawn"]

log = logging.getLogger(__name__)

#: Reverted commits read per range; a range reverting more is a rewrite, judged as it is.
MAX_REVERTS = 16
#: Bytes of one reverted commit's diff that are read.
MAX_DIFF_BYTES = 4_000_000

_WORD = re.compile(r"[A-Za-z_$][\w$]*")
_CUT = re.compile(r" (?:from|in) |: ")
# "signature of X changed:", "incompatible signature of pkg.f:", "signature of pub fn f changed:"
_CHANGED = re.compile(
    r"^(?:incompatible )?(?:signature|type) of (?:(?:exported|pub|interface) )?(?:[a-z]+ )?"
    r"(?P<name>[\w.:$]+)(?: changed)?:"
)


def subject_name(message: str) -> str | None:
    """The last segment of the name a removal, addition or signature finding is about:
    ``default`` of ``removed export AxiosStatic.default (member) from index.d.cts``,
    ``HTTPBodyContains`` of ``signature of Assertions.HTTPBodyContains changed: ...``. None
    when it names no identifier."""
    changed = _CHANGED.match(message)
    if changed is not None:
        name = changed["name"]
    else:
        head = _CUT.split(message, maxsplit=1)[0]
        words = [w for w in head.split() if not w.startswith("(")]
        if len(words) < 2 or words[0] not in ("removed", "new"):
            return None
        name = words[-1]
    leaf = re.split(r"[.:]+", name)[-1]
    return leaf if _WORD.fullmatch(leaf) else None


@dataclass(slots=True)
class _Reverted:
    """One reverted commit: the words on its added and removed lines, per file."""

    sha: str
    subject: str
    added: dict[str, set[str]] = field(default_factory=dict)
    removed: dict[str, set[str]] = field(default_factory=dict)


def _read(ctx: AnalysisContext, sha: str, subject: str, paths: Sequence[str]) -> _Reverted:
    reverted = _Reverted(sha, subject)
    out = ctx.git.run_bytes(
        "--literal-pathspecs",
        "show",
        "--format=",
        "--no-color",
        "--no-ext-diff",
        "--no-renames",
        "-m",
        "--first-parent",
        "--unified=0",
        sha,
        "--",
        *paths,
    )[:MAX_DIFF_BYTES]
    path: str | None = None
    old: str | None = None
    in_header = False
    for line in out.decode("utf-8", "replace").splitlines():
        if line.startswith("diff --git "):
            path, old, in_header = None, None, True
        elif in_header and line.startswith("--- "):
            old = line[6:] if line.startswith("--- a/") else None
        elif in_header and line.startswith("+++ "):
            # A deleted file keeps its old name ("+++ /dev/null").
            path = line[6:] if line.startswith("+++ b/") else old
        elif line.startswith("@@"):
            in_header = False
        elif not in_header and path is not None and line[:1] in ("+", "-"):
            side = reverted.added if line[0] == "+" else reverted.removed
            side.setdefault(path, set()).update(_WORD.findall(line[1:]))
    return reverted


def _targets(ctx: AnalysisContext) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for sha, subject in released_reverts(ctx.commits, ctx.commit_types)[:MAX_REVERTS]:
        if ctx.git.is_ancestor(sha, ctx.base_sha):
            found.append((sha, subject))
        else:
            log.debug("reverted commit %s is not in an earlier release; skipped", sha[:12])
    return found


def withdrawn(ctx: AnalysisContext, items: list[Evidence]) -> list[Evidence]:
    """``items`` with each API removal, addition or signature change that undoes what a
    reverted commit of an earlier release did in the same file turned into a review item."""
    kinds = (EvidenceKind.API_REMOVED, EvidenceKind.API_ADDED, EvidenceKind.API_CHANGED)
    levels = (Bump.MAJOR, Bump.MINOR)
    candidates = {id(i): i for i in items if i.kind in kinds and i.path and i.level in levels}
    if not candidates:
        return items
    try:
        targets = _targets(ctx)
        if not targets:
            return items
        paths = sorted({i.path for i in candidates.values() if i.path})
        reverted = [_read(ctx, sha, subject, paths) for sha, subject in targets]
    except ReleaseToolsError as exc:
        log.debug("reverted commits could not be read: %s", exc)
        return items
    return [_reviewed(item, reverted) if id(item) in candidates else item for item in items]


def _reviewed(item: Evidence, reverted: list[_Reverted]) -> Evidence:
    name = subject_name(item.message)
    path = item.path or ""
    if name is None:
        return item
    # What the reverted commit did to the name: a removal undoes an addition, an addition
    # undoes a removal, a changed signature undoes a rewrite of the declaration.
    undone = {
        EvidenceKind.API_REMOVED: "added",
        EvidenceKind.API_ADDED: "removed",
        EvidenceKind.API_CHANGED: "changed",
    }[item.kind]
    for commit in reverted:
        words = (commit.removed if undone == "removed" else commit.added).get(path, set())
        if name not in words:
            continue
        message = (
            f"{item.message}: {commit.sha[:10]} of an earlier release {undone} it, and "
            f'"{commit.subject}" undoes that (review)'
        )
        return evidence(
            item.source,
            EvidenceKind.API_CHANGED,
            Bump.PATCH,
            Strength.WEAK,
            message,
            path=item.path,
            line=item.line,
        )
    return item
