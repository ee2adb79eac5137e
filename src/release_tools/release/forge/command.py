"""``forge-release`` as a plain function: the forge release of one existing, pushed tag.

It finishes what ``release --forge-release`` could not (a 401, a forge outage) and serves
projects that tag by other means. The version comes from the tag (``tag_pattern``), the notes
from ``--notes-file`` or else from that version's section of the project's changelog.
"""

from __future__ import annotations

import logging
import os
import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from release_tools.config import Settings
from release_tools.errors import GitError, ReleaseError, UsageError
from release_tools.git import Git
from release_tools.release.forge.models import PublishedRelease
from release_tools.release.forge.notes import extract_notes
from release_tools.release.forge.publishing import (
    ForgeRelease,
    ForgeStepError,
    is_prerelease,
    make_releases,
    plan_forge,
)
from release_tools.release.journal import Journal
from release_tools.release.sparse import Checkout, read_checkout
from release_tools.release.transaction import journal_path
from release_tools.versioning.projects import Project

__all__ = ["ForgeReleaseRequest", "ForgeReleaseResult", "run_forge_release"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ForgeReleaseRequest:
    """The ``forge-release`` flags that are not settings."""

    tag: str
    #: github, gitlab or auto; None: the ``forge-release`` setting, else auto.
    forge: str | None = None
    #: None: the version of the tag decides.
    prerelease: bool | None = None
    notes_file: Path | None = None


@dataclass(slots=True)
class ForgeReleaseResult:
    """The release made (or updated) on the forge, and what the user should know."""

    tag: str
    version: str
    project: str
    releases: list[PublishedRelease] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The ``--format json`` report."""
        return {
            "tag": self.tag,
            "version": self.version,
            "project": self.project,
            "forge_releases": [r.to_dict() for r in self.releases],
            "warnings": list(self.warnings),
        }


def _project_of(projects: list[Project], name: str | None, wanted: str | None) -> Project | None:
    for candidate in (wanted, name):
        if candidate:
            found = next((p for p in projects if p.name == candidate), None)
            if found is not None:
                return found
    roots = [p for p in projects if p.path in (".", "")]
    if len(projects) == 1:
        return projects[0]
    return roots[0] if len(roots) == 1 else None


def _read_notes_file(git: Git, root: Path, checkout: Checkout, path: Path) -> str:
    """The text of ``--notes-file``; a one-line :class:`UsageError` when it cannot be read,
    saying so when the sparse checkout leaves the file out (it is tracked, not checked out)."""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        rel = _repository_path(root, path)
        if rel is not None and checkout.leaves_out(rel):
            directory = posixpath.dirname(rel) or "/"
            raise UsageError(
                f"--notes-file {path}: outside the sparse checkout (git sparse-checkout add "
                f"{directory})"
            ) from exc
        raise UsageError(f"--notes-file {path}: cannot be read ({exc})") from exc


def _repository_path(root: Path, path: Path) -> str | None:
    """``path`` relative to the repository root (posix), or None when it lies outside."""
    absolute = Path(os.path.abspath(path))
    for top in (root, Path(os.path.realpath(root))):
        if absolute.is_relative_to(top):
            return absolute.relative_to(top).as_posix()
    return None


def run_forge_release(
    settings: Settings,
    request: ForgeReleaseRequest,
    *,
    environ: Mapping[str, str] | None = None,
) -> ForgeReleaseResult:
    """Create or update the forge release of ``request.tag`` (which must be on the remote)."""
    environ = os.environ if environ is None else environ
    git = Git(settings.repo)
    root = git.toplevel()
    tag = request.tag
    if not tag or tag.startswith("-") or not git.tag_exists(tag):
        raise UsageError(f"--tag {tag}: no such tag in this repository")
    match = re.match(settings.tag_pattern, tag)
    if match is None:
        raise UsageError(f"--tag {tag}: not a release tag (tag-pattern does not match it)")
    version = match["version"]
    name = match.groupdict().get("name")
    # In a sparse checkout, a project it leaves out and its changelog are read from HEAD (what
    # a full checkout holds: such files cannot be edited here).
    checkout = read_checkout(
        git,
        root,
        tag_format=settings.tag_format,
        tag_pattern=settings.tag_pattern,
        changelog=settings.changelog,
    )
    project = _project_of(checkout.projects, name, settings.project)
    warnings: list[str] = []
    if request.notes_file is not None:
        notes = _read_notes_file(git, root, checkout, request.notes_file)
    else:
        notes = ""
        path = None
        if project is not None:
            path = checkout.conventions.of(project.name).changelog.path
        text = checkout.read_text(git, root, path) if path else None
        if path and text is not None:
            found = extract_notes(text, version)
            if found is None:
                warnings.append(f"no section for {version} in {path}: the notes are empty")
            notes = found or ""
        else:
            warnings.append("no changelog found: the release notes are empty")
    try:
        listed = git.run_bytes(
            "ls-remote", "--tags", "--end-of-options", settings.remote, f"refs/tags/{tag}"
        )
    except GitError:
        warnings.append(f"cannot reach the remote {settings.remote!r} to check that {tag} is there")
    else:
        if not listed.strip():
            raise ReleaseError(f"tag {tag} is not on the remote {settings.remote}: push it first")
    requested = request.forge or settings.forge_release
    if requested in (None, "off"):
        requested = "auto"
    project_name = project.name if project is not None else (name or tag)
    remote_url = git.run("remote", "get-url", "--end-of-options", settings.remote, check=False)
    plan = plan_forge(
        requested,
        settings.release_assets,
        [
            ForgeRelease(
                tag=tag,
                version=version,
                project=project_name,
                notes=notes,
                prerelease=(
                    request.prerelease if request.prerelease is not None else is_prerelease(version)
                ),
            )
        ],
        root=root,
        git_dir=git.git_dir(),
        remote_url=remote_url,
        environ=environ,
        dry_run=False,
        assets_later=False,
        option="--forge",
        left_out=checkout.left_out,
    )
    for warning in warnings:
        log.warning("%s", warning)
    try:
        made = make_releases(plan, root=root, git_dir=git.git_dir())
    except ForgeStepError as exc:
        raise ReleaseError(str(exc)) from exc
    _record_made(git, tag)
    return ForgeReleaseResult(tag, version, project_name, made, warnings)


def _record_made(git: Git, tag: str) -> None:
    """Tell an unfinished ``release`` whose only steps left are forge releases that ``tag``'s
    is made; once none is left its journal is removed, so the next ``release`` goes on."""
    path = journal_path(git)
    try:
        journal = Journal.load(path)
    except ReleaseError as exc:
        log.debug("release journal not updated: %s", exc)
        return
    if journal is None or journal.remaining() or tag not in journal.forge_tags():
        return
    journal.forge_made.append(tag)
    try:
        if journal.forge_tags():
            journal.save()
        else:
            journal.remove()
            log.info("the unfinished release of %s is complete", tag)
    except OSError as exc:
        log.warning("could not update the release journal %s: %s", path, exc)
