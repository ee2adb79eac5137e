"""The ``projects`` command: the repository's projects and the conventions each one follows.

A thin adapter: it discovers the projects and their conventions and prints them, as an aligned
text table or as JSON.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from release_tools.cli.common import (
    common_options,
    guard,
    load_output_settings,
    settings_options,
    warn,
)
from release_tools.cli.output import echo, echo_json
from release_tools.text import one_line

if TYPE_CHECKING:
    from release_tools.versioning.conventions import CurrentVersion

__all__ = ["projects_command"]


@click.command("projects")
@click.option(
    "--format",
    "format_",
    type=click.Choice(["text", "json"]),
    default=None,
    help="Output format (default: text).",
)
@common_options
@guard
def projects_command(**options: Any) -> None:
    """List the projects of the repository: name, current version, ecosystem, path, manifest,
    tag scheme and changelog file (each with where it was read from). A project that uses
    calendar versioning (detected from its release tags, or set) shows its format beside its
    version.

    The current version is the one analyze and release use: the manifest's, or the latest
    release tag's when the manifest has none or says 0.0.0 (marked "(tag)").

    With --format json, the list also shows each project's conventions, configured or inferred:
    its tag scheme, latest release tag, changelog file and style, release group, and
    version_scheme (semver, or calver with its format and habits); and held_back, why the
    workspace's configuration never releases it (null when it may be).

    A workspace that release refuses (a package changesets releases depending on one it never
    releases) is listed all the same, with a warning on stderr.

    In a sparse checkout, a project the checkout leaves out is read from the HEAD commit and
    marked "(not checked out)" (checked_out false in JSON); the work tree's files win
    elsewhere, uncommitted edits included.
    """
    from release_tools.git import Git
    from release_tools.release.calendars import release_calendar
    from release_tools.release.sparse import read_checkout
    from release_tools.versioning.calver import CalendarChoice
    from release_tools.versioning.conventions import current_version

    options["format"] = options.pop("format_")
    settings = load_output_settings(options)
    git = Git(settings.repo)
    root = git.toplevel()
    # In a sparse checkout, the projects it leaves out come from HEAD (see read_checkout).
    checkout = read_checkout(
        git,
        root,
        tag_format=settings.tag_format,
        tag_pattern=settings.tag_pattern,
        changelog=settings.changelog,
    )
    projects, conventions = checkout.projects, checkout.conventions
    config = conventions.release_config
    problem = config.skipped_dependencies_problem()
    if problem is not None:
        # Listing releases nothing: said, not refused, as release and plan-check refuse it.
        warn(f"release refuses this workspace: {problem}", settings_options(settings))
    # The one rule analyze and release apply, so that all three show the same version.
    currents = [
        current_version(p.version, conventions.of(p.name).latest_tag, pep440=p.is_python)
        for p in projects
    ]
    choice = CalendarChoice.of(settings.version_scheme, settings.calver_format)
    calendar = release_calendar(git, projects, conventions, choice)
    if settings.format == "json":
        rows = []
        for p, current in zip(projects, currents, strict=True):
            group = config.group_of(p.name)
            rows.append(
                {
                    "name": p.name,
                    "version": current.version,
                    "version_source": current.source,
                    "manifest_version": p.version,
                    "path": p.path,
                    "manifest": p.manifest,
                    "ecosystem": p.ecosystem,
                    "version_group": p.version_group,
                    "private": p.private,
                    **conventions.of(p.name).to_dict(),
                    "version_scheme": (
                        dated.to_dict()
                        if (dated := calendar.of(p.name)) is not None
                        else {"scheme": "semver"}
                    ),
                    "release_group": (
                        {"name": group.name, "relationship": group.relationship}
                        if group is not None
                        else None
                    ),
                    "ignored": p.name in config.ignored,
                    "held_back": config.held_back(p),
                    "checked_out": not checkout.leaves_out(p.manifest),
                }
            )
        echo_json(rows)
        return
    if not projects:
        click.echo(
            "no projects found (no pyproject.toml, package.json, Cargo.toml, go.mod or nx.json)"
        )
        return
    table = [
        (
            p.name,
            _version_cell(current)
            + (f" ({dated.describe()})" if (dated := calendar.of(p.name)) is not None else ""),
            p.path + (" (not checked out)" if checkout.leaves_out(p.manifest) else ""),
            p.manifest,
            p.ecosystem + (f" (group {p.version_group})" if p.version_group else ""),
            *_convention_cells(conventions.of(p.name).to_dict()),
        )
        for p, current in zip(projects, currents, strict=True)
    ]
    # Names and paths come from the repository's manifests: one line per project, whatever
    # they hold.
    lines = [[one_line(cell) for cell in row] for row in table]
    widths = [max(len(row[i]) for row in lines) for i in range(len(lines[0]) - 1)]
    for row in lines:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        echo("  ".join([*cells, row[-1]]).rstrip())


def _version_cell(current: CurrentVersion) -> str:
    """The current version as analyze and release take it, marked ``(tag)`` when it is the
    latest release tag's rather than the manifest's; ``-`` for a project never released whose
    manifest holds none."""
    if current.version is None:
        return "-"
    return current.version + (" (tag)" if current.source == "tag" else "")


def _convention_cells(data: dict[str, Any]) -> tuple[str, str]:
    """The tag scheme and changelog of a project for the text table, each with where it came
    from: ``tags v{version} (from tags)``, ``changelog CHANGES.md (found)``."""
    scheme = data.get("tag_scheme") or {}
    tags = f"tags {scheme.get('template', '?')} ({_origin(scheme.get('source'))})"
    changelog = data.get("changelog")
    if not changelog:
        return tags, "changelog none"
    state = _origin(changelog.get("source")) if changelog.get("exists") else "to create"
    return tags, f"changelog {changelog.get('path')} ({state})"


def _origin(source: object) -> str:
    """Where a convention was read: ``from tags``, ``from config``, ``found`` or ``default``."""
    if source in (None, "default", "found"):
        return str(source or "default")
    return f"from {source}"
