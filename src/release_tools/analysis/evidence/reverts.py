"""API changes that undo a commit of an earlier release which the range reverts.

Reverting a change that an earlier release shipped (axios 1.7.9 reverted 1.7.8's rewrite of
its type declarations) puts the API back as it stood before that change. Compared one release
with the next, the names the reverted commit had added read as removed, the names it had
removed read as new and the declarations it had rewritten read as changed, though the range only
withdraws a change. After every gatherer has spoken, each such removal, addition or signature
change whose name the reverted commit added, removed or rewrote in the same file, and the
revert took out again (put back), becomes a review item: importers who adopted the withdrawn
names do break, which a maintainer weighs, but the release is a correction, not a new API.

Names are taken from the lines that declare them (a definition, a member, an export list),
not from every word of the diff: a reverted commit that only called ``helper`` did not add it.
Both commits are read with ``git show`` (their diffs of the files concerned only), for at
most :data:`MAX_REVERTS` reverts, and only when the reverted commit is reachable from the base:
a revert whose target is in the range cancels out and changes no API.
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

__all__ = ["MAX_DIFF_BYTES", "MAX_REVERTS", "declared_names", "subject_name", "withdrawn"]

log = logging.getLogger(__name__)

#: Reverted commits read per range; a range reverting more is a rewrite, judged as it is.
MAX_REVERTS = 16
#: Bytes of one reverted commit's diff that are read.
MAX_DIFF_BYTES = 4_000_000

_WORD = re.compile(r"[A-Za-z_$][\w$]*")
# A line that declares a name: keywords, modifiers or a Go receiver, then the name and what
# follows a declared name ("def f(", "pub fn f(", "func (r *T) F(", "  f: T;", "  f,").
_DECLARES = re.compile(
    r"^\s*(?P<lead>(?:(?:[A-Za-z_$@][\w$@]*|\([^)]*\))\s+)*)"
    r"[\"']?(?P<name>[A-Za-z_$][\w$]*)[\"']?\s*(?:[(:=<{,;\[?]|$)"
)
# A line that only lists names (an export list, an ``__all__`` entry, an import list); each
# name is separated from the next by a comma, so that no name can be split in two.
_LISTED = r"[\"']?[A-Za-z_$][\w$]*[\"']?(?:\s+as\s+[A-Za-z_$][\w$]*)?"
_NAME_LIST = re.compile(
    rf"^\s*(?:export\s+(?:type\s+)?)?\{{?\s*{_LISTED}(?:\s*,\s*{_LISTED})*\s*,?\s*\}}?\s*"
    r"(?:from\s+\S+)?\s*;?\s*$"
)
#: Words that start a statement, not a declaration: ``return helper(x)`` calls ``helper``.
_STATEMENTS = frozenset(
    {
        "return", "await", "yield", "throw", "raise", "new", "if", "else", "elif", "while",
        "for", "case", "not", "and", "or", "in", "is", "assert", "del", "delete", "typeof",
        "void", "go", "defer", "print", "echo", "with", "unsafe", "match", "when",
    }
)  # fmt: skip


def declared_names(line: str) -> set[str]:
    """The names a diff line declares (or lists); a call or a use declares nothing."""
    if _NAME_LIST.match(line):
        listed = re.split(r"\bfrom\s", line, maxsplit=1)[0]
        return set(_WORD.findall(listed)) - {"export", "type", "as"}
    found = _DECLARES.match(line)
    if found is None or _STATEMENTS & set(found["lead"].split()):
        return set()
    return {found["name"]}


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


@dataclass(frozen=True, slots=True)
class _Words:
    """The names declared on the added and on the removed lines of one commit's diff, per
    file."""

    added: dict[str, set[str]] = field(default_factory=dict)
    removed: dict[str, set[str]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class _Revert:
    """A revert of the range and the commit of an earlier release it reverts."""

    sha: str
    target: str
    subject: str
    own: _Words
    reverted: _Words

    def undoes(self, name: str, path: str, kind: EvidenceKind) -> bool:
        """Whether the revert took ``name`` out of ``path`` (or put it back, for an addition)
        where the reverted commit had put it in (taken it out)."""
        if kind is EvidenceKind.API_ADDED:
            return name in self.reverted.removed.get(path, ()) and name in self.own.added.get(
                path, ()
            )
        return name in self.reverted.added.get(path, ()) and name in self.own.removed.get(path, ())


def _words(ctx: AnalysisContext, sha: str, paths: Sequence[str]) -> _Words:
    # The headers are parsed by their "a/" and "b/" prefixes, which diff.noprefix or
    # diff.mnemonicPrefix would change; log.showSignature, diff.relative and a textconv
    # driver would change the rest of what is read.
    out = ctx.git.run_bytes(
        "--literal-pathspecs",
        "show",
        "--format=",
        "--no-color",
        "--no-ext-diff",
        "--no-textconv",
        "--no-show-signature",
        "--src-prefix=a/",
        "--dst-prefix=b/",
        "--no-relative",
        "--no-renames",
        "-m",
        "--first-parent",
        "--unified=0",
        sha,
        "--",
        *paths,
    )[:MAX_DIFF_BYTES]
    words = _Words()
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
            side = words.added if line[0] == "+" else words.removed
            side.setdefault(path, set()).update(declared_names(line[1:]))
    return words


def _reverts(
    ctx: AnalysisContext, listed: Sequence[tuple[str, str, str]], paths: Sequence[str]
) -> list[_Revert]:
    found: list[_Revert] = []
    for sha, target, subject in listed[:MAX_REVERTS]:
        if not ctx.git.is_ancestor(target, ctx.base_sha):
            log.debug("reverted commit %s is not in an earlier release; skipped", target[:12])
            continue
        own, reverted = _words(ctx, sha, paths), _words(ctx, target, paths)
        found.append(_Revert(sha, target, subject, own, reverted))
    return found


def withdrawn(ctx: AnalysisContext, items: list[Evidence]) -> list[Evidence]:
    """``items`` with each API removal, addition or signature change that undoes what a
    reverted commit of an earlier release did in the same file turned into a review item."""
    kinds = (EvidenceKind.API_REMOVED, EvidenceKind.API_ADDED, EvidenceKind.API_CHANGED)
    levels = (Bump.MAJOR, Bump.MINOR)
    candidates = {id(i): i for i in items if i.kind in kinds and i.path and i.level in levels}
    if not candidates:
        return items
    listed = released_reverts(ctx.commits, ctx.commit_types)
    if not listed:
        return items
    try:
        reverts = _reverts(ctx, listed, sorted({i.path for i in candidates.values() if i.path}))
    except ReleaseToolsError as exc:
        log.debug("reverted commits could not be read: %s", exc)
        return items
    return [_reviewed(item, reverts) if id(item) in candidates else item for item in items]


def _reviewed(item: Evidence, reverts: list[_Revert]) -> Evidence:
    name = subject_name(item.message)
    if name is None:
        return item
    # What the reverted commit did to the name: a removal undoes an addition, an addition
    # undoes a removal, a changed signature undoes a rewrite of the declaration.
    undone = {
        EvidenceKind.API_REMOVED: "added",
        EvidenceKind.API_ADDED: "removed",
        EvidenceKind.API_CHANGED: "changed",
    }[item.kind]
    for revert in reverts:
        if not revert.undoes(name, item.path or "", item.kind):
            continue
        message = (
            f"{item.message}: {revert.target[:10]} of an earlier release {undone} it, and "
            f'"{revert.subject}" undoes that (review)'
        )
        return evidence(
            item.source,
            EvidenceKind.API_CHANGED,
            Bump.PATCH,
            Strength.WEAK,
            message,
            path=item.path,
            line=item.line,
            review=True,
        )
    return item
