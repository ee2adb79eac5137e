"""Evidence from the commit messages of the range, read as Conventional Commits 1.0.

What counts, per commit:

* the header ``type(scope)!: subject``, with the bump its type declares in
  :data:`~release_tools.versioning.commit_types.COMMIT_TYPES` (``feat`` a minor, ``fix`` a
  patch, ``docs`` or ``chore`` nothing ...); ``!`` makes any type breaking; behind an emoji
  (``🐛 fix: ...``), or a gitmoji standing for a type (``✨ Add ...``, see
  :mod:`~release_tools.versioning.gitmoji`);
* ``BREAKING CHANGE:`` / ``BREAKING-CHANGE:`` footers (breaking whatever the type);
* squash-merge bodies that list several headers, bare or as ``*``/``-`` bullets (GitHub's
  default squash message), each counted like a commit of its own; quoted material (``<details>``
  and ``<blockquote>`` blocks up to their close tag, HTML comments, ``>`` quotes, code fences)
  is not read, nor what dependency bots write (they paste other projects' release notes): a
  bot's commit squashed together with a person's hides only its own section of the body;
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
from dataclasses import dataclass, field, replace

from release_tools.analysis.context import AnalysisContext
from release_tools.analysis.evidence._common import evidence
from release_tools.analysis.evidence.commitbodies import own_lines
from release_tools.analysis.evidence.file_kinds import classify
from release_tools.analysis.models import Bump, Evidence, EvidenceKind, Strength
from release_tools.git import Commit
from release_tools.versioning.commit_types import DEFAULT_COMMIT_TYPES, CommitTypes
from release_tools.versioning.gitmoji import conventional_forms, header_behind_emoji

__all__ = [
    "ParsedCommit",
    "commit_evidence",
    "declared",
    "gather",
    "parse_commit",
    "released_reverts",
]

_HEADER = re.compile(
    r"^(?P<type>[A-Za-z]+)(?:\((?P<scope>[^()\r\n]*)\))?(?P<bang>!)?:[ \t]+(?P<subject>\S.*)$"
)
_BREAKING = re.compile(r"^BREAKING[ -]CHANGES?[ \t]*:[ \t]*(?P<text>.*)$")
_RELEASE_AS = re.compile(r"^Release-As[ \t]*:[ \t]*(?P<version>\S+)[ \t]*$", re.IGNORECASE)
_VERSION = re.compile(r"^v?\d+\.\d+\.\d+(?:[-+.a-zA-Z0-9]*)$")
# git's default subject, with whatever a forge or a person appended ("(#6729)", "PR #938").
_REVERT_SUBJECT = re.compile(r'^Revert "(?P<header>.+)"(?:[ \t].*)?$')
_REVERTS_SHA = re.compile(r"This reverts commit (?P<sha>[0-9a-f]{7,40})")
_REFS_SHA = re.compile(r"^Refs?:[ \t]*(?P<sha>[0-9a-f]{7,40})\b", re.MULTILINE)
#: Kinds of files (see :func:`~release_tools.analysis.evidence.file_kinds.classify`) that no
#: user of a release gets. Development tooling is left out: a ``tools/`` or ``scripts/``
#: directory is shipped code in some projects (a Go module named ``tools``).
_TOOLING_KINDS = frozenset({"tests", "ci"})
#: Scopes that name such a part of the repository. Not the docs: a README or a docs directory
#: ships in many packages, and a ``feat(docs)`` is a feature to the tools that release by type.
_TOOLING_SCOPES = frozenset({"test", "tests", "testing", "spec", "specs", "e2e", "ci"})
# What a release commit's subject says after its type: the version, or that it releases one.
_RELEASE_SUBJECT = re.compile(
    r"(?i)^(?:v?\d+\.\d+\S*$|releas(?:e|ing)\b(?:.*\bv?\d+\.\d+|\s+(?:main|master)$)"
    r"|prepare(?:s|d)? (?:for )?(?:the )?release\b"
    r"|bump(?:s|ed)? (?:the )?version (?:(?:from|to) )?v?\d|version packages$)"
)
_MERGE = re.compile(r"^Merge (?:pull request|branch|remote-tracking branch|tag) ")


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
    #: The commit changed only tests or CI files, or the header's scope names them: a feature
    #: it declares is none its users get, so it declares a patch at most.
    tooling_only: bool = False

    @property
    def bump(self) -> Bump:
        if self.breaking:
            return Bump.MAJOR
        return min(self.declared, Bump.PATCH) if self.tooling_only else self.declared

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


def _entry(line: str, types: CommitTypes, *, emoji: bool = True) -> Entry | None:
    """The conventional header of ``line``, None without one; ``emoji`` reads a gitmoji that
    stands for a type too (in a subject; a body line, where checklists put emoji, counts only
    with a header behind its emoji)."""
    match = _HEADER.match(line.strip())
    if match is None:
        # An emoji first: a header behind it, or (in a subject) a gitmoji that stands for a
        # type.
        forms = conventional_forms(line) if emoji else [header_behind_emoji(line) or ""]
        return next(
            (e for form in forms if form and (e := _entry(form, types, emoji=False)) is not None),
            None,
        )
    known = types.get(match["type"])
    if known is None or known.bump is None:
        return None  # unknown, or a type that only names a changelog section
    scope = match["scope"].strip() if match["scope"] else None
    return Entry(
        known.name,
        scope or None,
        bool(match["bang"]),
        match["subject"].strip(),
        known.bump,
        tooling_only=_tooling_scope(scope),
    )


def _tooling_scope(scope: str | None) -> bool:
    """Whether a header's scope names the tests or CI (``feat(test/unit)``, ``feat(ci)``):
    what it declares is in no file a user of the release gets, like a commit that changes only
    such files."""
    if not scope:
        return False
    first = re.split(r"[/,:\s]", scope.strip().lower(), maxsplit=1)[0]
    return first in _TOOLING_SCOPES


def parse_commit(commit: Commit, types: CommitTypes = DEFAULT_COMMIT_TYPES) -> ParsedCommit:
    """Read one commit message (pure); ``types`` is the commit-type table (the configured one)."""
    parsed = ParsedCommit(sha=commit.sha)
    subject = commit.subject.strip()
    revert = _REVERT_SUBJECT.match(subject)
    if revert:
        quoted = revert["header"]
        # Named as the reverted commit's entry reads, when only its emoji made it one.
        entry = None if _HEADER.match(quoted.strip()) else _entry(quoted, types)
        parsed.reverts_header = entry.header if entry is not None else quoted
    elif not _MERGE.match(subject):
        head = _entry(subject, types)
        if head is not None:
            parsed.entries.append(head)
            if head.type == "revert":
                parsed.reverts_header = head.subject
    sha = _REVERTS_SHA.search(commit.body) or _REFS_SHA.search(commit.body)
    if sha and (revert or parsed.reverts_header):
        parsed.reverts_sha = sha["sha"]
    elif not parsed.entries and (named := _REVERTS_SHA.match(subject)):
        # git's body line used as the subject ("This reverts commit 0a813b5.").
        parsed.reverts_sha = named["sha"]

    for line in own_lines(commit.body):
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
            body_entry = _entry(line, types, emoji=False)
            if body_entry is not None:
                parsed.entries.append(body_entry)
    if commit.files and all(classify(path) in _TOOLING_KINDS for path in commit.files):
        parsed.entries = [replace(entry, tooling_only=True) for entry in parsed.entries]
    return parsed


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


def _reverted(p: ParsedCommit) -> str:
    """How a revert names what it reverts: the reverted header, else its SHA."""
    if p.reverts_header:
        return f'"{p.reverts_header}"'
    return f"commit {(p.reverts_sha or '')[:10]}"


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
                    f"reverts {_reverted(p)} from an earlier release",
                    commit=p.sha,
                )
            )
        for entry in p.entries:
            if p.breaking_notes and not entry.breaking:
                continue  # the footer item above already speaks for this commit
            what = "breaking change declared" if entry.breaking else f"{entry.type} commit"
            if entry.tooling_only and entry.bump < entry.declared:
                scoped = _tooling_scope(entry.scope)
                what += " scoped to tests or CI" if scoped else " changing only tests or CI"
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


def released_reverts(
    commits: Sequence[Commit], types: CommitTypes = DEFAULT_COMMIT_TYPES
) -> list[tuple[str, str, str]]:
    """The reverts among ``commits`` of commits outside them that stay reverted, as (the
    revert's SHA, the reverted SHA as the revert names it, possibly abbreviated, the revert's
    subject); pure.

    A revert whose target is in ``commits`` cancels out with it and is not listed; neither is
    one that names no SHA.
    """
    parsed = _active([parse_commit(c, types) for c in commits])
    subjects = {c.sha: c.subject for c in commits}
    return [(p.sha, p.reverts_sha, subjects[p.sha]) for p in parsed if p.reverts_sha]


def gather(ctx: AnalysisContext) -> list[Evidence]:
    """Conventional-commit and Release-As evidence for the range's commits."""
    return commit_evidence(ctx.commits, ctx.commit_types)


def _is_release_commit(parsed: ParsedCommit) -> bool:
    """Whether a commit only records a release (``chore(release): 1.2.3``, ``🔖 Release
    1.2.3``, ``chore: version packages``): it declares nothing about the changes it ships."""
    return (
        bool(parsed.entries)
        and not parsed.breaking_notes
        and all(
            entry.bump is Bump.NONE
            and entry.type in ("chore", "build")
            and (entry.scope == "release" or _RELEASE_SUBJECT.match(entry.subject) is not None)
            for entry in parsed.entries
        )
    )


def declared(
    commits: Sequence[Commit], types: CommitTypes = DEFAULT_COMMIT_TYPES
) -> tuple[int, Bump | None]:
    """How many ``commits`` are conventional, and the highest bump they declare together.

    The bump follows the evidence rules (reverts inside the list cancel, footers count); it is
    NONE when the conventional commits are chore/docs/test only, None without any. A commit
    that only records a release (``chore(release): 1.2.3``) is not counted: every release of a
    project that writes one would otherwise seem to follow its commits.
    """
    parsed = [(c, parse_commit(c, types)) for c in commits]
    kept = [(c, p) for c, p in parsed if not _is_release_commit(p)]
    conventional = sum(1 for _c, p in kept if p.is_conventional)
    if not conventional:
        return 0, None
    items = commit_evidence([c for c, _p in kept], types)
    levels = [e.level for e in items if e.source == "conventional-commit"]
    return conventional, max(levels, default=Bump.NONE)
