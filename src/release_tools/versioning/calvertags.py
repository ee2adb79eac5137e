"""The dates of release tags, and the calendar scheme a project's tags show.

A tag's date is its creator date: the tagger's for an annotated tag, the tagged commit's
committer date for a lightweight one, read in the time zone it was recorded in (the date on
the maintainer's calendar when they released, which is the one the version names).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime

from release_tools.git import Git
from release_tools.versioning.calver import (
    CalendarChoice,
    CalendarScheme,
    DatedRelease,
    choose_calendar,
)
from release_tools.versioning.semver import Version
from release_tools.versioning.tags import ReleaseTag

__all__ = ["dated_releases", "may_be_calendar", "project_calendar", "tag_days"]


def tag_days(git: Git) -> dict[str, date]:
    """Every tag's date, in one call: ``{tag: date}``."""
    out = git.run(
        "for-each-ref", "--format=%(creatordate:iso-strict) %(refname:strip=2)", "refs/tags"
    )
    days: dict[str, date] = {}
    for line in out.splitlines():
        stamp, _, name = line.partition(" ")
        try:
            days[name] = datetime.fromisoformat(stamp).date()
        except ValueError:
            continue  # a tag without a date says nothing of the calendar
    return days


def may_be_calendar(tags: Sequence[ReleaseTag]) -> bool:
    """Whether the newest final release's major could be a year (10-99 or 1000-9999), the
    one cheap look that spares reading the tags' dates for every other project."""
    newest = next((t for t in tags if not t.version.is_prerelease), None)
    if newest is None:
        return False
    major = newest.version.major
    return 10 <= major <= 99 or 1000 <= major <= 9999


def dated_releases(days: Mapping[str, date], tags: Sequence[ReleaseTag]) -> list[DatedRelease]:
    """The final releases among ``tags`` with their tags' dates (``days``, from
    :func:`tag_days`), newest first (one per version: the earliest tag of a version tagged
    twice)."""
    earliest: dict[Version, DatedRelease] = {}
    for tag in tags:
        day = days.get(tag.tag)
        if day is None or tag.version.is_prerelease:
            continue
        known = earliest.get(tag.version)
        if known is None or day < known.day:
            earliest[tag.version] = DatedRelease(tag.version, day)
    return sorted(earliest.values(), key=lambda r: (r.day, r.version), reverse=True)


def project_calendar(
    git: Git,
    tags: Sequence[ReleaseTag],
    choice: CalendarChoice,
    days: Mapping[str, date] | None = None,
) -> CalendarScheme | None:
    """The calendar scheme of the project whose release tags are ``tags`` (newest first), as
    the settings ask (see :func:`~release_tools.versioning.calver.choose_calendar`); None for
    semantic versioning. ``days`` are the tags' dates when already read."""
    if choice.scheme == "semver":
        return None
    if choice.scheme == "auto" and not may_be_calendar(tags):
        return None
    return choose_calendar(dated_releases(tag_days(git) if days is None else days, tags), choice)
