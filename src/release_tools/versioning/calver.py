"""Calendar versioning: telling a calendar-versioned project from its tags, and its next version.

A calendar version's first number is the year of the release, written with two digits (``26``
for 2026) or four. The second is either the month (``24.3.0`` released in March) or a
sequence counting the year's releases, restarting at 0 or 1 every year (``26.1.0``, ``26.2.0``,
``27.1.0``). The third counts the patch releases of that month or that sequence number, or,
after a month, is the day (``2024.6.2``). The formats are spelled as ``YY.N.PATCH``,
``YYYY.MM.PATCH``, ``YYYY.MM.DD`` and so on.

Detection (:func:`detect_calendar`) reads the newest final releases with the date of their
tags. It takes the longest run of them, newest first (at most :data:`WINDOW`), whose major is
the year of its tag, and asks of that run at least three tags over at least two years: the
major following the calendar across a change of year is what no semantic version does
except by chance. A release tagged in the first :data:`GRACE_DAYS` days after its period
(year, month or day) still names that period: one prepared on 30 December and tagged on 2
January carries the old year; one tagged on the day before its period (:data:`EARLY_DAYS`)
already names it. A calendar version zero-padded after its year (``2024.02.02``) is read as
that date, and the next one is padded alike. The second number is the month when every
release of the run names the month of its tag; else a sequence when, in version order, it
goes up by one within a year (patch releases keep it) and every year of the run that starts
inside it starts at the same number, 0 or 1; else the project is not calendar-versioned.

The version does not follow the compatibility of the changes: the decision (major, minor,
patch) still says how much changed, but the next version follows the calendar
(:func:`calendar_version`).
"""

from __future__ import annotations

import calendar
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Literal

from release_tools.config import CALVER_FORMATS
from release_tools.errors import VersionError
from release_tools.versioning.bump import Bump
from release_tools.versioning.semver import Version

__all__ = [
    "BREAKING_NOTE",
    "EARLY_DAYS",
    "GRACE_DAYS",
    "WINDOW",
    "CalendarChoice",
    "CalendarFormat",
    "CalendarScheme",
    "DatedRelease",
    "SchemeSetting",
    "calendar_version",
    "choose_calendar",
    "detect_calendar",
    "today_utc",
]

#: The ``version_scheme`` setting: "auto" detects calendar versioning from the tags.
SchemeSetting = Literal["semver", "calver", "auto"]

#: Days after its period in which a release may still be tagged with that period's number.
GRACE_DAYS = 7
#: Days before its period on which a release may be tagged with that period's number: a tag's
#: date is read in its maker's time zone, and one made in the evening west of UTC for a
#: release dated the next day (certifi's ``2026.07.22`` tagged on 21 July) is a day early.
EARLY_DAYS = 1
#: The most recent final releases detection reads.
WINDOW = 12

#: Said in the reasoning of a breaking change of a calendar-versioned project.
BREAKING_NOTE = "calendar versioning: the version does not signal breaking changes"


@dataclass(frozen=True, slots=True)
class CalendarFormat:
    """What the three numbers of a calendar version mean."""

    #: 2 (``26``) or 4 (``2026``).
    year_digits: Literal[2, 4]
    second: Literal["month", "sequence"]
    third: Literal["patch", "day"]

    @classmethod
    def parse(cls, text: str) -> CalendarFormat:
        """The format spelled ``text``: one of the ``calver_format`` setting's, in any case."""
        spelled = text.strip().upper()
        if spelled not in CALVER_FORMATS:
            raise VersionError(
                f"unknown calendar format {text!r}: use one of {', '.join(CALVER_FORMATS)}"
            )
        year, second, third = spelled.split(".")
        return cls(
            4 if year == "YYYY" else 2,
            "month" if second == "MM" else "sequence",
            "day" if third == "DD" else "patch",
        )

    def __str__(self) -> str:
        year = "YYYY" if self.year_digits == 4 else "YY"
        second = "MM" if self.second == "month" else "N"
        third = "DD" if self.third == "day" else "PATCH"
        return f"{year}.{second}.{third}"

    def year(self, when: date) -> int:
        """The first number of a release on ``when``."""
        return when.year if self.year_digits == 4 else when.year % 100


@dataclass(frozen=True, slots=True)
class CalendarScheme:
    """A project's calendar versioning: its format and the habits its releases show."""

    format: CalendarFormat
    #: The first sequence number of a year (0 or 1); unused when the second is the month.
    first: int = 1
    #: Whether the project's line has patch releases (``26.1.1``): a patch-level change then
    #: takes the next patch, else the next sequence number.
    patches: bool = False

    def to_dict(self) -> dict[str, object]:
        """What reports show."""
        return {
            "scheme": "calver",
            "format": str(self.format),
            "first": self.first,
            "patches": self.patches,
        }

    def describe(self) -> str:
        """One line for people: ``calendar versioning YY.N.PATCH``."""
        return f"calendar versioning {self.format}"


@dataclass(frozen=True, slots=True)
class CalendarChoice:
    """The settings: which scheme (``auto`` detects it), and the calendar format if given."""

    scheme: SchemeSetting = "auto"
    format: CalendarFormat | None = None

    @classmethod
    def of(cls, scheme: SchemeSetting, calver_format: str | None) -> CalendarChoice:
        """From the ``version_scheme`` and ``calver_format`` settings; a format given with
        ``auto`` means calendar versioning in that format."""
        fmt = CalendarFormat.parse(calver_format) if calver_format else None
        if fmt is not None and scheme == "auto":
            scheme = "calver"
        return cls(scheme, fmt)


@dataclass(frozen=True, slots=True)
class DatedRelease:
    """A final release's version and the date of its tag (in the tagger's time zone)."""

    version: Version
    day: date


def _period(start: date, end: date, day: date) -> bool:
    """Whether ``day`` falls in ``[start, end)``, within the grace days after it or on the
    day before it (:data:`EARLY_DAYS`)."""
    return start - timedelta(days=EARLY_DAYS) <= day < end + timedelta(days=GRACE_DAYS)


def _year_of(major: int, digits: int) -> int | None:
    if digits == 4:
        return major if 1000 <= major <= 9999 else None
    return 2000 + major if 10 <= major <= 99 else None


def _names_year(release: DatedRelease, digits: int) -> bool:
    year = _year_of(release.version.major, digits)
    if year is None:
        return False
    return _period(date(year, 1, 1), date(year + 1, 1, 1), release.day)


def _month_start(year: int, month: int) -> date:
    return date(year, month, 1)


def _next_month(year: int, month: int) -> date:
    return date(year + month // 12, month % 12 + 1, 1)


def _names_month(release: DatedRelease, digits: int) -> bool:
    year = _year_of(release.version.major, digits)
    month = release.version.minor
    if year is None or not 1 <= month <= 12:
        return False
    return _period(_month_start(year, month), _next_month(year, month), release.day)


def _names_day(release: DatedRelease, digits: int) -> bool:
    year = _year_of(release.version.major, digits)
    month, day = release.version.minor, release.version.patch
    if year is None or not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(year, month)[1]:
        return False
    named = date(year, month, day)
    return _period(named, named + timedelta(days=1), release.day)


def _sequence_start(versions: Sequence[Version]) -> int | None:
    """The number every year of ``versions`` (ascending) that starts inside them starts at
    when they count up as a sequence; -1 when no year starts inside them; None when they do
    not count up so."""
    starts: set[int] = set()
    for before, after in itertools.pairwise(versions):
        if after.major != before.major:
            starts.add(after.minor)
        elif after.minor == before.minor:
            if after.patch <= before.patch:
                return None
        elif after.minor != before.minor + 1 or after.patch != 0:
            return None
    if len(starts) > 1 or not starts <= {0, 1}:
        return None
    return next(iter(starts), -1)


def detect_calendar(
    releases: Sequence[DatedRelease], *, lenient: bool = False
) -> CalendarScheme | None:
    """The calendar scheme ``releases`` (final releases, newest first) follow, else None.

    ``lenient`` is for a project that says it uses calendar versioning: one release naming its
    year is enough to learn the format from, with no change of year needed.
    """
    if not releases:
        return None
    digits: Literal[2, 4] = 4 if releases[0].version.major >= 1000 else 2
    run: list[DatedRelease] = []
    for release in releases[:WINDOW]:
        if not _names_year(release, digits):
            break
        run.append(release)
    years = {r.version.major for r in run}
    if not run or (not lenient and (len(run) < 3 or len(years) < 2)):
        return None
    versions = sorted(r.version for r in run)
    patches = any(v.patch > 0 for v in versions)
    if all(_names_month(r, digits) for r in run):
        if all(_names_day(r, digits) for r in run):
            return CalendarScheme(CalendarFormat(digits, "month", "day"))
        return CalendarScheme(CalendarFormat(digits, "month", "patch"), patches=patches)
    start = _sequence_start(versions)
    if start is None:
        return None
    if start < 0:
        # No year starts inside the run (a lenient reading): its lowest number tells, if 0.
        start = 0 if versions[0].minor == 0 else 1
    return CalendarScheme(CalendarFormat(digits, "sequence", "patch"), start, patches)


def choose_calendar(
    releases: Sequence[DatedRelease], choice: CalendarChoice
) -> CalendarScheme | None:
    """The calendar scheme the settings and ``releases`` (newest first) give, None for
    semantic versioning. A configured format is taken as given, with the habits (first
    number, patch releases) its releases show when they follow it."""
    if choice.scheme == "semver":
        return None
    if choice.scheme == "auto":
        return detect_calendar(releases)
    found = detect_calendar(releases, lenient=True)
    if choice.format is None:
        if found is None:
            raise VersionError(
                "version_scheme is calver but the release tags do not show the calendar "
                f"format: set calver_format ({', '.join(CALVER_FORMATS)})"
            )
        return found
    if found is not None and found.format == choice.format:
        return found
    patches = any(r.version.patch > 0 for r in releases[:WINDOW])
    if choice.format.third == "day":
        patches = False
    return CalendarScheme(choice.format, patches=patches)


def calendar_version(
    current: Version | None, bump: Bump, scheme: CalendarScheme, today: date
) -> Version:
    """The next version of a project under ``scheme`` released on ``today``, for a change
    of level ``bump`` (not NONE) after ``current`` (None: never released).

    A new year (or month) starts at its first number. Within the same period: under a
    sequence, a patch-level change takes the next patch when the project makes patch
    releases, anything else the next number; under the month, the next patch; under the day,
    a second release the same day is refused. A prerelease of the current period is
    finalised. The new version is written with two numbers when ``current`` is (``25.1`` ->
    ``25.2``, pip's habit). VersionError when the calendar gives no version above ``current``
    (a clock behind the last release).
    """
    fmt = scheme.format
    year = fmt.year(today)
    if fmt.third == "day":
        new = Version(year, today.month, today.day)
    elif fmt.second == "month":
        new = Version(year, today.month, 0)
        if current is not None and (current.major, current.minor) == (year, today.month):
            new = current.finalize() if current.pre else replace(new, patch=current.patch + 1)
    elif current is None or current.major != year:
        new = Version(year, scheme.first, 0)
    elif current.pre:
        new = current.finalize()
    elif bump is Bump.PATCH and scheme.patches:
        new = Version(year, current.minor, current.patch + 1)
    else:
        new = Version(year, current.minor + 1, 0)
    if current is not None:
        # Written as the project writes its versions: ``25.1`` goes on as ``25.2``,
        # ``2026.07.22`` as ``2026.08.04``.
        new = replace(new, parts=current.parts, width=current.width)
    if current is not None and new <= current:
        raise VersionError(
            f"the calendar ({fmt}, {today.isoformat()}) gives {new}, not above the current "
            f"version {current}"
            + (": one release a day" if fmt.third == "day" else ": check the clock")
        )
    return new


def today_utc() -> date:
    """Today's date in UTC: the release date of a calendar version, wherever it is made."""
    return datetime.now(UTC).date()
