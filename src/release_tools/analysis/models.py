"""The data the analysis passes around: file changes, evidence, the decision.

File changes are slotted dataclasses (there can be hundreds of thousands of hunks; pydantic
would cost time for nothing). Evidence and the decision are pydantic models because they are
printed as JSON and cross the wire to model providers.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from release_tools.versioning.bump import Bump, BumpName, VersionType

__all__ = [
    "STATIC_SOURCES",
    "Bump",
    "ChangeKind",
    "Chunk",
    "Decision",
    "Evidence",
    "EvidenceKind",
    "FileChange",
    "Hunk",
    "Strength",
]


class ChangeKind(enum.StrEnum):
    ADDED = "added"
    DELETED = "deleted"
    MODIFIED = "modified"
    RENAMED = "renamed"
    COPIED = "copied"
    MODE_CHANGED = "mode_changed"


@dataclass(frozen=True, slots=True)
class Hunk:
    """One ``@@`` hunk. ``lines`` keep their ``+``/``-``/`` `` prefix, without newline."""

    old_start: int
    old_count: int
    new_start: int
    new_count: int
    header: str
    lines: tuple[str, ...]

    @property
    def size(self) -> int:
        """Characters this hunk takes in a unified diff (header and newlines included)."""
        return len(self.header) + 1 + sum(len(line) + 1 for line in self.lines)


@dataclass(frozen=True, slots=True)
class FileChange:
    """One file of the diff."""

    path: str
    kind: ChangeKind
    old_path: str | None = None
    binary: bool = False
    old_mode: str | None = None
    new_mode: str | None = None
    hunks: tuple[Hunk, ...] = ()
    additions: int = 0
    deletions: int = 0
    #: True when the hunks were dropped to bound memory (a huge generated file, say).
    truncated: bool = False
    #: Whether the include/exclude rules keep this file for content analysis.
    excluded: bool = False

    @property
    def header(self) -> str:
        """A compact ``diff --git`` style header used when the change is rendered."""
        if self.kind is ChangeKind.RENAMED and self.old_path:
            return f"--- a/{self.old_path}\n+++ b/{self.path} (renamed)"
        old = "/dev/null" if self.kind is ChangeKind.ADDED else f"a/{self.old_path or self.path}"
        new = "/dev/null" if self.kind is ChangeKind.DELETED else f"b/{self.path}"
        return f"--- {old}\n+++ {new}"

    @property
    def size(self) -> int:
        return len(self.header) + 1 + sum(h.size for h in self.hunks)


@dataclass(slots=True)
class Chunk:
    """A bounded slice of the diff, split at file and hunk boundaries, sent as one request."""

    index: int
    text: str
    paths: list[str] = field(default_factory=list)

    @property
    def size(self) -> int:
        return len(self.text)


class Strength(enum.StrEnum):
    """How much a piece of evidence can be trusted."""

    PROOF = "proof"  # e.g. a public function was removed: the bump is at least this
    STRONG = "strong"  # e.g. a conventional commit said so
    WEAK = "weak"  # e.g. only the kinds of files changed

    @property
    def rank(self) -> int:
        """0 for the most trustworthy: sorting by rank puts proof first, weak last."""
        return _STRENGTH_RANKS[self]


_STRENGTH_RANKS = {Strength.PROOF: 0, Strength.STRONG: 1, Strength.WEAK: 2}


class EvidenceKind(enum.StrEnum):
    """What a piece of evidence observed; the decision reads this field, never the message."""

    #: A Conventional Commits type (``feat``, ``fix`` ...) or a revert of released work.
    COMMIT_TYPE = "commit-type"
    #: A commit declaring a breaking change (``!`` or a ``BREAKING CHANGE`` footer).
    BREAKING_COMMIT = "breaking-commit"
    #: A change note the range adds: a news fragment, a release note, a version plan.
    CHANGE_NOTE = "change-note"
    #: A ``Release-As`` footer; :attr:`Evidence.release_as` holds the version it asks for.
    RELEASE_AS = "release-as"
    #: A public name went: function, class, export, module, package entry point.
    API_REMOVED = "api-removed"
    #: A new public name.
    API_ADDED = "api-added"
    #: A public name kept with another contract: parameters, types, return value, base
    #: classes, how the package loads.
    API_CHANGED = "api-changed"
    #: New deprecation warnings or markers in shipped code.
    DEPRECATION_ADDED = "deprecation-added"
    #: Fewer deprecation sites in shipped code: deprecated paths were taken out.
    DEPRECATED_REMOVED = "deprecated-removed"
    #: The oldest supported runtime (Python, Node.js) was raised.
    RUNTIME_FLOOR = "runtime-floor"
    #: A command-line option or sub-command came or went.
    CLI = "cli"
    #: A JSON Schema's properties or constraints changed.
    SCHEMA = "schema"
    #: Only the kinds of files changed are known (source, docs, tests ...).
    FILE_KIND = "file-kind"
    #: Part of the change was read another way (a top-level or linear scan of a huge file).
    INCOMPLETE = "incomplete"
    #: Part of the public API was not read at all (a size budget, unreadable code): what it
    #: holds is unknown, so the decision asks for review.
    UNREAD = "unread"
    #: The ecosystem caps the bump at this evidence's level whatever the code shows: a Go
    #: module that keeps its import path cannot make a major release (``/v2`` is a new path).
    CEILING = "ceiling"
    #: The model's verdict.
    MODEL = "model"
    #: Stands for findings a capped list left out (see :attr:`Evidence.omitted`); those may be
    #: of several kinds, so none of them is claimed.
    SUMMARY = "summary"


EvidenceSource = Literal[
    "conventional-commit",
    "change-note",
    "release-as",
    "python-api",
    "javascript-api",
    "rust-api",
    "go-api",
    "cli",
    "schema",
    "file-kind",
    "model",
]


#: Sources whose evidence comes from reading the code, as opposed to what people wrote.
STATIC_SOURCES: frozenset[str] = frozenset(
    {"python-api", "javascript-api", "rust-api", "go-api", "cli", "schema"}
)


class Evidence(BaseModel):
    """One signal, with where it was seen and a one-line explanation."""

    model_config = ConfigDict(frozen=True)

    source: EvidenceSource
    #: The bump this evidence implies, by its own name (``none``); :attr:`level` is the
    #: :class:`Bump`.
    bump: BumpName
    strength: Strength
    #: For people only: no code reads it to tell what the evidence is (see :attr:`kind`).
    message: str
    path: str | None = None
    line: int | None = None
    commit: str | None = None
    #: 0 for a finding; for a summary ("... and N more"), the number of findings of its bump
    #: and strength that a capped list left out, so that the decision and the reports count
    #: exact totals on huge ranges. A separate field rather than a count of 1 for findings: a
    #: summary of one left-out finding must still be told from a finding.
    omitted: int = Field(default=0, ge=0)
    kind: EvidenceKind
    #: The version a ``Release-As`` footer asks for; set exactly when :attr:`kind` is
    #: :attr:`EvidenceKind.RELEASE_AS`.
    release_as: str | None = None
    #: A finding its reader could not settle: what may be a break, read as something smaller
    #: (a name moved to another module, a removal that undoes an earlier release's addition).
    #: A verdict below major with such a finding asks for review.
    review: bool = False

    @model_validator(mode="after")
    def _consistent(self) -> Evidence:
        if (self.kind is EvidenceKind.RELEASE_AS) != (self.release_as is not None):
            raise ValueError("release_as is set exactly on release-as evidence")
        if (self.kind is EvidenceKind.SUMMARY) != (self.omitted > 0):
            raise ValueError("summary evidence, and only it, stands for omitted findings")
        return self

    @property
    def level(self) -> Bump:
        """The bump this evidence implies."""
        return Bump.parse(self.bump)

    @property
    def proof(self) -> bool:
        """Whether this evidence proves its level (the bump is at least this)."""
        return self.strength is Strength.PROOF

    @property
    def is_summary(self) -> bool:
        """Whether this item stands for findings left out of a capped list."""
        return self.omitted > 0

    @property
    def count(self) -> int:
        """How many findings this item stands for: 1, or :attr:`omitted` for a summary."""
        return self.omitted or 1

    @property
    def citation(self) -> str:
        """The message with where it was seen, as reasons quote it: ``msg (path:line)``."""
        where = self.location
        return f"{self.message} ({where})" if where else self.message

    @property
    def location(self) -> str:
        if self.path:
            return f"{self.path}:{self.line}" if self.line else self.path
        if self.commit:
            return self.commit[:10]
        return ""


class Decision(BaseModel):
    """The outcome of ``analyze``; its JSON form is the command's JSON output."""

    version_type: VersionType
    needs_review: bool
    reasoning: str
    current_version: str | None = None
    next_version: str | None = None
    #: The version component the release raises (``major``, ``minor``, ``patch``), which
    #: ``version_type`` need not be: on 0.x a breaking change (``major``) raises the minor,
    #: unless ``major_on_zero``. What ``cargo release`` or ``npm version`` take. None without
    #: both versions.
    release_type: str | None = None
    base: str | None = None
    head: str | None = None
    base_sha: str | None = None
    head_sha: str | None = None
    project: str | None = None
    provider: str = "local"
    #: The model consulted (``--provider realtime``), None for the local engine alone.
    model: str | None = None
    #: Model usage: input/output/total tokens and requests.
    usage: dict[str, int] = Field(default_factory=dict)
    #: Secrets removed from the diff before it was sent to a model.
    redactions: int = 0
    evidence: list[Evidence] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    stats: dict[str, int] = Field(default_factory=dict)
    #: What the project's earlier releases taught (pairs read, agreement of the commits with
    #: the shipped bumps, the learned mapping, whether it decided); None when not read.
    history: dict[str, Any] | None = None
    #: The analyzed project's conventions, configured or inferred from the repository: its tag
    #: scheme (template, style, source), latest release tag and changelog (path, style).
    conventions: dict[str, Any] | None = None

    @property
    def bump(self) -> Bump:
        return Bump.parse(self.version_type)
