"""Calendar versioning: detection from real tag histories, the format setting, the next version."""

from __future__ import annotations

from datetime import date

import pytest

from gitrepo import GitRepo
from release_tools.config import DEFAULT_TAG_PATTERN
from release_tools.errors import VersionError
from release_tools.git import Git
from release_tools.versioning.bump import Bump
from release_tools.versioning.calver import (
    CalendarChoice,
    CalendarFormat,
    CalendarScheme,
    calendar_version,
)
from release_tools.versioning.calvertags import project_calendar, tag_days
from release_tools.versioning.semver import Version
from release_tools.versioning.tags import find_release_tags


def _release(repo: GitRepo, version: str, stamp: str) -> None:
    """Commit a release of ``version`` dated ``stamp`` (ISO 8601) and tag it (lightweight)."""
    repo.write("VERSION", version + "\n")
    repo.git("add", "-A")
    repo.git(
        "commit", "-q", "-m", f"release {version}",
        env={"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp},
    )  # fmt: skip
    repo.tag(version)


def _history(repo: GitRepo, releases: list[tuple[str, str]]) -> None:
    for version, day in releases:
        _release(repo, version, f"{day}T12:00:00+00:00")


def _scheme(repo: GitRepo, choice: CalendarChoice | None = None) -> CalendarScheme | None:
    git = Git(repo.path)
    tags = find_release_tags(git, "HEAD", DEFAULT_TAG_PATTERN)
    return project_calendar(git, tags, choice or CalendarChoice())


# structlog's releases of 2023 to 2026, dates as tagged.
STRUCTLOG = [
    ("23.1.0", "2023-04-06"),
    ("23.2.0", "2023-10-09"),
    ("23.3.0", "2023-12-29"),
    ("24.1.0", "2024-01-08"),
    ("24.2.0", "2024-05-27"),
    ("24.3.0", "2024-07-17"),
    ("24.4.0", "2024-07-17"),
    ("25.1.0", "2025-01-16"),
    ("25.2.0", "2025-03-11"),
    ("26.1.0", "2026-06-06"),
]


def test_a_yearly_sequence_from_one_is_detected(repo: GitRepo) -> None:
    _history(repo, STRUCTLOG)
    scheme = _scheme(repo)
    assert scheme == CalendarScheme(CalendarFormat(2, "sequence", "patch"), first=1)
    assert scheme.to_dict() == {
        "scheme": "calver", "format": "YY.N.PATCH", "first": 1, "patches": False,
    }  # fmt: skip


def test_a_sequence_from_zero_with_patch_releases(repo: GitRepo) -> None:
    _history(
        repo,
        [
            ("15.0.0", "2015-04-15"),
            ("15.1.0", "2015-08-20"),
            ("15.1.1", "2015-09-01"),
            ("16.0.0", "2016-05-23"),
            ("16.1.0", "2016-08-30"),
        ],
    )
    assert _scheme(repo) == CalendarScheme(
        CalendarFormat(2, "sequence", "patch"), first=0, patches=True
    )


def test_a_month_scheme_is_detected(repo: GitRepo) -> None:
    _history(
        repo,
        [
            ("23.12.0", "2023-12-11"),
            ("24.1.0", "2024-01-26"),
            ("24.1.1", "2024-01-28"),
            ("24.2.0", "2024-02-12"),
            ("24.4.0", "2024-04-12"),
        ],
    )
    assert _scheme(repo) == CalendarScheme(CalendarFormat(2, "month", "patch"), patches=True)


def test_a_full_date_is_detected(repo: GitRepo) -> None:
    _history(
        repo,
        [
            ("2024.6.2", "2024-06-02"),
            ("2024.7.4", "2024-07-04"),
            ("2024.12.14", "2024-12-15"),
            ("2025.1.31", "2025-01-31"),
        ],
    )
    assert _scheme(repo) == CalendarScheme(CalendarFormat(4, "month", "day"))


def test_a_four_digit_year_with_a_sequence(repo: GitRepo) -> None:
    _history(
        repo,
        [("2024.1.0", "2024-03-01"), ("2024.2.0", "2024-09-01"), ("2025.1.0", "2025-02-01")],
    )
    assert _scheme(repo) == CalendarScheme(CalendarFormat(4, "sequence", "patch"), first=1)


def test_a_release_tagged_in_early_january_keeps_its_year(repo: GitRepo) -> None:
    _history(repo, [("23.1.0", "2023-04-06"), ("23.2.0", "2024-01-03"), ("24.1.0", "2024-05-01")])
    assert _scheme(repo) is not None


def test_a_year_tagged_weeks_later_is_no_calendar(repo: GitRepo) -> None:
    _history(repo, [("23.1.0", "2023-04-06"), ("23.2.0", "2024-02-03"), ("24.1.0", "2024-05-01")])
    assert _scheme(repo) is None


def test_a_semantic_major_that_is_the_year_once_is_not_calendar(repo: GitRepo) -> None:
    _history(
        repo,
        [
            ("22.0.0", "2021-03-01"),
            ("23.0.0", "2022-06-01"),
            ("23.1.0", "2023-02-01"),
            ("24.0.0", "2024-03-01"),
        ],
    )
    assert _scheme(repo) is None


def test_majors_matching_one_year_only_are_not_calendar(repo: GitRepo) -> None:
    _history(
        repo,
        [
            ("23.0.0", "2021-03-01"),
            ("24.0.0", "2024-01-10"),
            ("24.1.0", "2024-03-01"),
            ("24.2.0", "2024-06-01"),
        ],
    )
    assert _scheme(repo) is None


def test_numbers_that_skip_are_no_sequence(repo: GitRepo) -> None:
    _history(repo, [("23.1.0", "2023-04-06"), ("23.4.0", "2023-06-01"), ("24.1.0", "2024-09-01")])
    assert _scheme(repo) is None


def test_a_project_switching_to_calendar_versions_is_read_from_its_recent_tags(
    repo: GitRepo,
) -> None:
    _history(
        repo,
        [
            ("2.3.0", "2022-05-01"),
            ("23.1.0", "2023-04-06"),
            ("23.2.0", "2023-10-09"),
            ("24.1.0", "2024-01-08"),
        ],
    )
    assert _scheme(repo) == CalendarScheme(CalendarFormat(2, "sequence", "patch"), first=1)


def test_calver_forced_learns_from_a_single_year(repo: GitRepo) -> None:
    _history(repo, [("26.1.0", "2026-02-01"), ("26.2.0", "2026-05-01")])
    assert _scheme(repo) is None
    forced = _scheme(repo, CalendarChoice.of("calver", None))
    assert forced == CalendarScheme(CalendarFormat(2, "sequence", "patch"), first=1)


def test_calver_forced_without_tags_needs_the_format(repo: GitRepo) -> None:
    _history(repo, [("1.0.0", "2026-02-01")])
    with pytest.raises(VersionError, match="set calver_format"):
        _scheme(repo, CalendarChoice.of("calver", None))
    given = _scheme(repo, CalendarChoice.of("calver", "yyyy.mm.patch"))
    assert given == CalendarScheme(CalendarFormat(4, "month", "patch"))


def test_a_format_given_with_auto_means_calver(repo: GitRepo) -> None:
    _history(repo, [("26.1.0", "2026-02-01")])
    assert _scheme(repo, CalendarChoice.of("auto", "YY.N.PATCH")) == CalendarScheme(
        CalendarFormat(2, "sequence", "patch"), first=1
    )


def test_semver_forced_is_never_calendar(repo: GitRepo) -> None:
    _history(repo, STRUCTLOG)
    assert _scheme(repo, CalendarChoice.of("semver", None)) is None


def test_a_tag_date_is_read_in_its_own_time_zone(repo: GitRepo) -> None:
    _release(repo, "24.1.0", "2024-12-31T23:30:00-05:00")
    assert tag_days(Git(repo.path)) == {"24.1.0": date(2024, 12, 31)}


def test_an_unknown_format_is_refused() -> None:
    with pytest.raises(VersionError, match=r"unknown calendar format 'YY\.WW'"):
        CalendarFormat.parse("YY.WW")


SEQUENCE = CalendarScheme(CalendarFormat(2, "sequence", "patch"), first=1)
MONTH = CalendarScheme(CalendarFormat(2, "month", "patch"))
DAY = CalendarScheme(CalendarFormat(4, "month", "day"))


@pytest.mark.parametrize(
    ("scheme", "current", "bump", "today", "expected"),
    [
        # The same year: the next number, whatever the level, without patch releases.
        (SEQUENCE, "26.1.0", Bump.MINOR, date(2026, 12, 8), "26.2.0"),
        (SEQUENCE, "26.1.0", Bump.MAJOR, date(2026, 12, 8), "26.2.0"),
        (SEQUENCE, "26.1.0", Bump.PATCH, date(2026, 12, 8), "26.2.0"),
        # A project that makes patch releases takes one for a patch-level change.
        (
            CalendarScheme(SEQUENCE.format, first=1, patches=True),
            "26.1.0",
            Bump.PATCH,
            date(2026, 12, 8),
            "26.1.1",
        ),
        # A new year starts at the first number.
        (SEQUENCE, "26.4.0", Bump.PATCH, date(2027, 1, 2), "27.1.0"),
        (
            CalendarScheme(SEQUENCE.format, first=0),
            "26.4.0",
            Bump.MINOR,
            date(2027, 1, 2),
            "27.0.0",
        ),
        (SEQUENCE, None, Bump.MINOR, date(2026, 3, 1), "26.1.0"),
        (SEQUENCE, "26.2.0-rc.1", Bump.MINOR, date(2026, 3, 1), "26.2.0"),
        # The month: a new month starts at patch 0, the same month takes the next patch.
        (MONTH, "24.1.0", Bump.PATCH, date(2024, 1, 28), "24.1.1"),
        (MONTH, "24.1.1", Bump.MAJOR, date(2024, 1, 30), "24.1.2"),
        (MONTH, "24.1.1", Bump.PATCH, date(2024, 2, 12), "24.2.0"),
        (MONTH, "24.12.3", Bump.MINOR, date(2025, 1, 3), "25.1.0"),
        # The date.
        (DAY, "2024.6.2", Bump.PATCH, date(2024, 7, 4), "2024.7.4"),
    ],
)
def test_the_next_calendar_version(
    scheme: CalendarScheme, current: str | None, bump: Bump, today: date, expected: str
) -> None:
    parsed = Version.parse(current) if current is not None else None
    assert str(calendar_version(parsed, bump, scheme, today)) == expected


def test_a_second_release_the_same_day_is_refused() -> None:
    with pytest.raises(VersionError, match="one release a day"):
        calendar_version(Version(2024, 7, 4), Bump.PATCH, DAY, date(2024, 7, 4))


def test_a_clock_behind_the_last_release_is_refused() -> None:
    with pytest.raises(
        VersionError, match=r"gives 26\.1\.0, not above the current version 27\.1\.0"
    ):
        calendar_version(Version(27, 1, 0), Bump.MINOR, SEQUENCE, date(2026, 5, 1))
