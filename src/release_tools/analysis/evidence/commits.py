"""Evidence from the commit messages of the range, read as Conventional Commits 1.0.

What counts, per commit:

* the header ``type(scope)!: subject``, with the bump its type declares in
  :data:`~release_tools.versioning.commit_types.COMMIT_TYPES` (``feat`` a minor, ``fix`` a
  patch, ``docs`` or ``chore`` nothing ...); ``!`` makes any type breaking;
* ``BREAKING CHANGE:`` / ``BREAKING-CHANGE:`` footers (breaking whatever the type);
* squash-merge bodies that list several headers, bare or as ``*``/``-`` bullets (GitHub's
  default squash message), each counted like a commit of its own; quoted material (HTML blocks,
  ``>`` quotes, code fences) and the bodies dependency bots write (they paste other projects'
  release notes) are not read;
* reverts: git's ``Revert "feat: x"`` with ``This reverts commit <sha>.``, or ``revert: ...``
  with a ``Refs: <sha>`` footer. Reverting a commit of the same range cancels both; reverting
  something already released is a patch;
* ``Release-As: x.y.z`` footers (release-please's override) become ``release-as`` evidence.

Messages that do not follow the convention give no evidence here: guessing from free text would
be weaker than the file and API evidence gathered elsewhere.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from release_tools.analysis.context import AnalysisContext
from release_tools.analysis.evidence._common import evidence
from release_tools.analysis.models import Bump, Evidence, EvidenceKind, Strength
from release_tools.git import Commit
from release_tools.versioning.commit_types import DEFAULT_COMMIT_TYPES, CommitTypes

__all__ = ["ParsedCommit", "commit_evidence", "declared", "gather", "parse_commit"]

_HEADER = re.compile(
    r"^(?P<type>[A-Za-z]+)(?:\((?P<scope>[^()\r\n]*)\))?(?P<bang>!)?:[ \t]+(?P<subject>\S.*)$"
)
_BULLET = re.compile(r"^[ \t]*(?:[*\-+]|\d+[.)])[ \t]+")
_BREAKING = re.compile(r"^BREAKING[ -]CHANGES?[ \t]*:[ \t]*(?P<text>.*)$")
_RELEASE_AS = re.compile(r"^Release-As[ \t]*:[ \t]*(?P<version>\S+)[ \t]*$", re.IGNORECASE)
_VERSION = re.compile(r"^v?\d+\.\d+\.\d+(?:[-+.a-zA-Z0-9]*)$")
_REVERT_SUBJECT = re.compile(r'^Revert "(?P<header>.+)"$')
_REVERTS_SHA = re.compile(r"This reverts commit (?P<sha>[0-9a-f]{7,40})")
_REFS_SHA = re.compile(r"^Refs?:[ \t]*(?P<sha>[0-9a-f]{7,40})\b", re.MULTILINE)
_MERGE = re.compile(r"^Merge (?:pull request|branch|remote-tracking branch|tag) ")
# Dependency bots paste the updated packages' release notes and commit lists into the body:
# their "feat:" and "BREAKING CHANGE:" lines are other projects' changes, so such a body counts
# for nothing (the subject still does). Recognised by the bots' own opening lines and sign-off
# (a person's squash that merely credits a bot as co-author is read as usual).
_BOT_BODY = re.compile(
    r"\A\s*(?:Bumps |Updates the requirements on |This PR contains the following updates)"
    r"|^Signed-off-by:[ \t]*dependabot\[bot\]",
    re.IGNORECASE | re.MULTILINE,
)
# Quoted material in any body: HTML blocks (everything after them), markdown quotes and code
# fences, and lines carrying HTML markup, are not the commit's own headers.
_QUOTED_BLOCK = re.compile(r"^\s*<(?:details|blockquote)\b", re.IGNORECASE)
_QUOTE_LINE = re.compile(r"^\s*>")
_FENCE = re.compile(r"^\s*(?:```|~~~)")
_HTML = re.compile(
    r"</?(?:a|li|ul|ol|p|code|pre|em|strong|b|i|br|h[1-6]|div|span|summary|details|img)"
    r"(?:\s[^<>]*)?/?(?:>|$)",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Entry:
    """One conventional header found in a message (the subject or a squashed body line).

    ``declared`` is the bump its type declares, before ``!``.
    """

    type: str
    scope: str | None
    breaking: bool
    subject: str
    declared: Bump

    @property
    def bump(self) -> Bump:
        return Bump.MAJOR if self.breaking else self.declared

    @property
    def header(self) -> str:
        scope = f"({self.scope})" if self.scope else ""
        bang = "!" if self.breaking else ""
        return f"{self.type}{scope}{bang}: {self.subject}"


@dataclass(slots=True)
class ParsedCommit:
    """What one commit message says, in Conventional Commits terms."""

    sha: str
    entries: list[Entry] = field(default_factory=list)
    breaking_notes: list[str] = field(default_factory=list)
    release_as: str | None = None
    #: SHA (possibly abbreviated) or header of the commit this one reverts.
    reverts_sha: str | None = None
    reverts_header: str | None = None

    @property
    def is_conventional(self) -> bool:
        return bool(self.entries) or bool(self.breaking_notes)

    @property
    def is_revert(self) -> bool:
        return self.reverts_sha is not None or self.reverts_header is not None


def _entry(line: str, types: CommitTypes) -> Entry | None:
    match = _HEADER.match(line.strip())
    if not match:
        return None
    known = types.get(match["type"])
    if known is None or known.bump is None:
        return None  # unknown, or a type that only names a changelog section
    scope = match["scope"].strip() if match["scope"] else None
    return Entry(
        known.name, scope or None, bool(match["bang"]), match["subject"].strip(), known.bump
    )


def parse_commit(commit: Commit, types: CommitTypes = DEFAULT_COMMIT_TYPES) -> ParsedCommit:
    """Read one commit message (pure); ``types`` is the commit-type table (the configured one)."""
    parsed = ParsedCommit(sha=commit.sha)
    subject = commit.subject.strip()
    revert = _REVERT_SUBJECT.match(subject)
    if revert:
        parsed.reverts_header = revert["header"]
    elif not _MERGE.match(subject):
        head = _entry(subject, types)
        if head is not None:
            parsed.entries.append(head)
            if head.type == "revert":
                parsed.reverts_header = head.subject
    sha = _REVERTS_SHA.search(commit.body) or _REFS_SHA.search(commit.body)
    if sha and (revert or parsed.reverts_header):
        parsed.reverts_sha = sha["sha"]

    for line in _own_lines(commit.body):
        breaking = _BREAKING.match(line)
        if breaking:
            parsed.breaking_notes.append(breaking["text"].strip() or "breaking change")
            continue
        release_as = _RELEASE_AS.match(line)
        if release_as:
            # Kept even when it is not a version: the version step warns about it by name
            # instead of dropping the maintainer's request silently.
            value = release_as["version"]
            parsed.release_as = value.removeprefix("v") if _VERSION.match(value) else value
            continue
        if revert is None:
            # Squash merges list the squashed commits' headers in the body.
            body_entry = _entry(line, types)
            if body_entry is not None:
                parsed.entries.append(body_entry)
    return parsed


def _own_lines(body: str) -> list[str]:
    """The body's non-empty lines that are the commit's own words, bullets stripped: nothing of
    a dependency bot's body, nothing quoted (see :data:`_BOT_BODY`, :data:`_QUOTED_BLOCK`)."""
    if _BOT_BODY.search(body):
        return []
    lines: list[str] = []
    fenced = False
    for raw in body.splitlines():
        if _FENCE.match(raw):
            fenced = not fenced
            continue
        if _QUOTED_BLOCK.match(raw):
            break
        if fenced or _QUOTE_LINE.match(raw) or _HTML.search(raw):
            continue
        line = _BULLET.sub("", raw).strip()
        if line:
            lines.append(line)
    return lines


def _active(parsed: Sequence[ParsedCommit]) -> list[ParsedCommit]:
    """Drop commits reverted within the range, together with their reverts.

    ``parsed`` is in git-log order (newest first); reverts are replayed oldest first so that a
    revert of a revert brings the original back.
    """
    chronological = list(reversed(parsed))
    active = {p.sha: True for p in chronological}
    reverted_by: dict[str, str] = {}

    def find(p: ParsedCommit, upto: int) -> ParsedCommit | None:
        earlier = chronological[:upto]
        if p.reverts_sha:
            for other in reversed(earlier):
                if other.sha.startswith(p.reverts_sha):
                    return other
        if p.reverts_header:
            for other in reversed(earlier):
                if other.entries and other.entries[0].header == p.reverts_header:
                    return other
        return None

    for index, p in enumerate(chronological):
        if not p.is_revert:
            continue
        target = find(p, index)
        if target is None:
            continue
        active[p.sha] = False
        active[target.sha] = False
        reverted_by[target.sha] = p.sha
        # Reverting a revert restores what the first revert had cancelled.
        for original, by in list(reverted_by.items()):
            if by == target.sha:
                active[original] = True
    return [p for p in parsed if active[p.sha]]


def commit_evidence(
    commits: Sequence[Commit], types: CommitTypes = DEFAULT_COMMIT_TYPES
) -> list[Evidence]:
    """Evidence from a list of commits in git-log order (newest first); pure."""
    parsed = _active([parse_commit(c, types) for c in commits])
    out: list[Evidence] = []
    for p in parsed:
        if p.release_as:
            out.append(
                evidence(
                    "release-as",
                    EvidenceKind.RELEASE_AS,
                    Bump.NONE,
                    Strength.STRONG,
                    f"Release-As: {p.release_as} footer (explicit override)",
                    commit=p.sha,
                    release_as=p.release_as,
                )
            )
        if p.breaking_notes:
            out.append(
                evidence(
                    "conventional-commit",
                    EvidenceKind.BREAKING_COMMIT,
                    Bump.MAJOR,
                    Strength.STRONG,
                    f"BREAKING CHANGE footer: {p.breaking_notes[0]}",
                    commit=p.sha,
                )
            )
        elif p.is_revert and not p.entries:
            # git's default revert message of something already released: a patch.
            out.append(
                evidence(
                    "conventional-commit",
                    EvidenceKind.COMMIT_TYPE,
                    Bump.PATCH,
                    Strength.STRONG,
                    f'reverts "{p.reverts_header}" from an earlier release',
                    commit=p.sha,
                )
            )
        for entry in p.entries:
            if p.breaking_notes and not entry.breaking:
                continue  # the footer item above already speaks for this commit
            what = "breaking change declared" if entry.breaking else f"{entry.type} commit"
            kind = EvidenceKind.BREAKING_COMMIT if entry.breaking else EvidenceKind.COMMIT_TYPE
            out.append(
                evidence(
                    "conventional-commit",
                    kind,
                    entry.bump,
                    Strength.STRONG,
                    f"{what}: {entry.header}",
                    commit=p.sha,
                )
            )
    return out


def gather(ctx: AnalysisContext) -> list[Evidence]:
    """Conventional-commit and Release-As evidence for the range's commits."""
    return commit_evidence(ctx.commits, ctx.commit_types)


def declared(
    commits: Sequence[Commit], types: CommitTypes = DEFAULT_COMMIT_TYPES
) -> tuple[int, Bump | None]:
    """How many ``commits`` are conventional, and the highest bump they declare together.

    The bump follows the evidence rules (reverts inside the list cancel, footers count); it is
    NONE when the conventional commits are chore/docs/test only, None without any.
    """
    conventional = sum(1 for c in commits if parse_commit(c, types).is_conventional)
    if not conventional:
        return 0, None
    levels = [e.level for e in commit_evidence(commits, types) if e.source == "conventional-commit"]
    return conventional, max(levels, default=Bump.NONE)
