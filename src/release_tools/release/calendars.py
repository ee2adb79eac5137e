"""Which projects of a release use calendar versioning, and the date their versions name.

A project's scheme comes from the settings (``version_scheme``, ``calver_format``) and from its
release tags under its tag scheme, the ones its current version is read from
(:func:`~release_tools.versioning.calvertags.project_calendar`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from release_tools.git import Git
from release_tools.versioning.calver import CalendarChoice, CalendarScheme, today_utc
from release_tools.versioning.calvertags import may_be_calendar, project_calendar, tag_days
from release_tools.versioning.conventions import Conventions
from release_tools.versioning.projects import Project
from release_tools.versioning.tagscheme import scheme_tags

__all__ = ["ReleaseCalendar", "release_calendar"]


@dataclass(frozen=True, slots=True)
class ReleaseCalendar:
    """The release date and the calendar scheme of each calendar-versioned project."""

    today: date
    schemes: Mapping[str, CalendarScheme] = field(default_factory=dict)

    def of(self, name: str) -> CalendarScheme | None:
        """Project ``name``'s calendar scheme; None when it uses semantic versions."""
        return self.schemes.get(name)


def release_calendar(
    git: Git,
    projects: Sequence[Project],
    conventions: Conventions,
    choice: CalendarChoice,
    today: date | None = None,
) -> ReleaseCalendar:
    """The calendar of a release made on ``today`` (UTC today when None) of ``projects``."""
    schemes: dict[str, CalendarScheme] = {}
    days: dict[str, date] | None = None
    if choice.scheme != "semver":
        for project in projects:
            own = conventions.of(project.name)
            tags = [
                tag
                for tag in scheme_tags(conventions.tags, own.tag_scheme, project.name)
                if own.tag_scheme.owns(tag.version)
            ]
            if choice.scheme == "auto" and not may_be_calendar(tags):
                continue
            if days is None:
                days = tag_days(git)  # read once for every project
            scheme = project_calendar(git, tags, choice, days)
            if scheme is not None:
                schemes[project.name] = scheme
    return ReleaseCalendar(today if today is not None else today_utc(), schemes)
