"""What every analyzer receives: the resolved range, the collected changes, the few options.

The context carries the options the analysis reads as plain fields rather than the whole
settings object, so that what a gatherer or an engine depends on is visible in its type.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol

from release_tools.analysis.history import ReleaseHistory
from release_tools.analysis.models import FileChange
from release_tools.git import Commit, Git
from release_tools.versioning.boundaries import pathspecs
from release_tools.versioning.commit_types import DEFAULT_COMMIT_TYPES, CommitTypes

__all__ = ["AnalysisContext", "Background"]


class Background(Protocol):
    """Work started while the range was collected (a forked child), whose result may help."""

    def result(self) -> object | None:
        """Wait for the work; its result, or None when it failed."""

    def cancel(self) -> None:
        """Stop the work when its result is not wanted; idempotent."""

    def spread(self) -> None:
        """Collection is over: the work may use every core from now on; idempotent."""


@dataclass(slots=True)
class AnalysisContext:
    """The range ``merge-base(base, head)..head`` of one repository, collected once.

    ``changes`` lists every changed file, excluded ones included (with ``excluded=True``): the
    kinds of files changed are evidence even when their content is not analyzed.
    """

    git: Git
    root: Path
    base_ref: str
    head_ref: str
    base_sha: str
    head_sha: str
    commits: list[Commit] = field(default_factory=list)
    changes: list[FileChange] = field(default_factory=list)
    #: Sub-paths of the analyzed project in a monorepo; empty means the whole repository.
    project_paths: tuple[str, ...] = ()
    #: Directories inside the project that are another project's (a nested Go module, which
    #: Go never counts as the enclosing module's): their files are not part of the range.
    project_excludes: tuple[str, ...] = ()
    project_name: str | None = None
    #: True when base was not given and no release tag exists (base is the root commit).
    first_release: bool = False
    #: The version released at base (its release tag, else the manifest), None before any.
    current_version: str | None = None
    #: How versions are written for this project: "semver", or "pep440" for Python projects.
    version_scheme: Literal["semver", "pep440"] = "semver"
    #: What the diff started from: ``base_sha``, or the empty tree for a first release.
    diff_base: str | None = None
    #: Whether a breaking change on 0.x makes 1.0.0 (else it bumps the minor).
    major_on_zero: bool = False
    #: Whether the project is a Rust crate. Cargo reads ``0.y`` as the major number, so on 0.x
    #: a compatible feature ships in a patch (``0.9.1`` -> ``0.9.2``) and only a break takes
    #: the next minor.
    cargo: bool = False
    #: The commit-type table: the built-in one with the configured types over it.
    commit_types: CommitTypes = DEFAULT_COMMIT_TYPES
    #: The project's earlier releases (reachable from the base), when they were read.
    history: ReleaseHistory | None = None
    #: The expression release tags are read with (the ``tag_pattern`` setting), for what
    #: reads the earlier releases apart from the range (the calendar of the versions).
    tag_pattern: str | None = None
    #: Work started in the background during collection, by the name of the gatherer it
    #: helps (which takes it out); see :func:`release_tools.analysis.service.collect`.
    background: dict[str, Background] = field(default_factory=dict)

    @property
    def pathspecs(self) -> tuple[str, ...]:
        """The git pathspecs of the project's files: its paths less its excluded directories
        (only exclusions: the whole repository less them)."""
        return pathspecs(self.project_paths, self.project_excludes)

    def range_fields(self) -> dict[str, str | None]:
        """The fields every :class:`Decision` reports about this range, whatever the engine."""
        return {
            "base": self.base_ref,
            "head": self.head_ref,
            "base_sha": self.base_sha,
            "head_sha": self.head_sha,
            "project": self.project_name,
        }
