"""The local engine under calendar versioning: the next version follows the calendar, the
decision still says how much changed."""

from __future__ import annotations

from datetime import UTC, date, datetime

from calver_dates import YEARLY, commit_dated
from gitrepo import GitRepo
from release_tools.analysis.engines.local import LocalAnalyzer, next_version
from release_tools.analysis.models import Bump, Decision
from release_tools.analysis.service import collect, run_analysis
from release_tools.config import Settings
from release_tools.versioning.calver import (
    BREAKING_NOTE,
    CalendarChoice,
    CalendarFormat,
    CalendarScheme,
)

SEQUENCE = CalendarScheme(CalendarFormat(2, "sequence", "patch"), first=1)


def _project(repo: GitRepo, version: str) -> None:
    repo.write("pyproject.toml", f'[project]\nname = "pkg"\nversion = "{version}"\n')


def _calendar_history(repo: GitRepo, change: str, code: str = "def a():\n    return 1\n") -> None:
    """structlog-like releases, then one commit with ``change`` as its message."""
    repo.write("src/pkg/__init__.py", "def a():\n    return 1\n")
    for version, day in YEARLY:
        _project(repo, version)
        commit_dated(repo, f"chore: release {version}", day)
        repo.tag(version)
    repo.write("src/pkg/__init__.py", code)
    commit_dated(repo, change, "2026-07-01")


def _analyze(repo: GitRepo, today: date, choice: CalendarChoice | None = None) -> Decision:
    ctx = collect(Settings(repo=repo.path)).context
    return LocalAnalyzer(choice=choice or CalendarChoice(), today=lambda: today).analyze(ctx)


def test_a_fix_takes_the_next_number_of_the_year(repo: GitRepo) -> None:
    _calendar_history(repo, "fix: a returns one", "def a():\n    return 1  # one\n")
    decision = _analyze(repo, date(2026, 12, 8))
    assert decision.version_type == "patch"
    assert (decision.current_version, decision.next_version) == ("26.1.0", "26.2.0")
    assert decision.conventions == {"version_scheme": SEQUENCE.to_dict()}
    assert BREAKING_NOTE not in decision.reasoning


def test_a_new_year_starts_the_sequence_again(repo: GitRepo) -> None:
    _calendar_history(repo, "feat: b", "def a():\n    return 1\n\n\ndef b():\n    return 2\n")
    decision = _analyze(repo, date(2027, 1, 5))
    assert decision.version_type == "minor"
    assert decision.next_version == "27.1.0"


def test_a_breaking_change_is_major_but_the_version_follows_the_calendar(repo: GitRepo) -> None:
    _calendar_history(repo, "feat!: drop a", "def b():\n    return 2\n")
    decision = _analyze(repo, date(2026, 12, 8))
    assert decision.version_type == "major"
    assert decision.next_version == "26.2.0"
    assert BREAKING_NOTE in decision.reasoning


def test_semver_forced_bumps_as_semver(repo: GitRepo) -> None:
    _calendar_history(repo, "fix: a returns one", "def a():\n    return 1  # one\n")
    decision = _analyze(repo, date(2026, 12, 8), CalendarChoice.of("semver", None))
    assert decision.next_version == "26.1.1"
    assert decision.conventions is None


def test_a_calendar_format_forced_on_a_semver_history(repo: GitRepo) -> None:
    repo.write("src/pkg/__init__.py", "def a():\n    return 1\n")
    _project(repo, "1.4.0")
    commit_dated(repo, "chore: release 1.4.0", "2026-01-10")
    repo.tag("v1.4.0")
    repo.write("src/pkg/__init__.py", "def a():\n    return 1  # one\n")
    commit_dated(repo, "fix: one", "2026-02-10")
    assert _analyze(repo, date(2026, 12, 8)).next_version == "1.4.1"
    forced = _analyze(repo, date(2026, 12, 8), CalendarChoice.of("calver", "YYYY.MM.PATCH"))
    assert forced.next_version == "2026.12.0"


def test_the_default_provider_detects_the_calendar(repo: GitRepo) -> None:
    _calendar_history(repo, "fix: a returns one", "def a():\n    return 1  # one\n")
    before = datetime.now(UTC).date()
    decision = run_analysis(Settings(repo=repo.path))
    after = datetime.now(UTC).date()
    expected = {
        "26.2.0" if day.year == 2026 else f"{day.year % 100}.1.0" for day in (before, after)
    }
    assert decision.next_version in expected


def test_next_version_under_the_calendar() -> None:
    found = next_version("26.1.0", Bump.PATCH, calendar=SEQUENCE, today=date(2026, 12, 8))
    assert (found.current, found.next, found.bump) == ("26.1.0", "26.2.0", Bump.PATCH)
    assert (
        next_version("26.1.0", Bump.NONE, calendar=SEQUENCE, today=date(2026, 12, 8)).next is None
    )
    first = next_version(None, Bump.MINOR, calendar=SEQUENCE, today=date(2026, 12, 8))
    assert first.next == "26.1.0"


def test_a_release_as_footer_wins_over_the_calendar() -> None:
    found = next_version(
        "26.1.0", Bump.PATCH, release_as="26.5.0", calendar=SEQUENCE, today=date(2026, 12, 8)
    )
    assert found.next == "26.5.0"


def test_a_clock_behind_the_last_release_gives_no_version_and_says_why() -> None:
    found = next_version("27.1.0", Bump.MINOR, calendar=SEQUENCE, today=date(2026, 12, 8))
    assert found.next is None
    assert found.warnings == [
        "the calendar (YY.N.PATCH, 2026-12-08) gives 26.1.0, not above the current version "
        "27.1.0: check the clock"
    ]


def test_the_calendar_is_read_from_tags_of_a_custom_tag_pattern(repo: GitRepo) -> None:
    repo.write("src/pkg/__init__.py", "def a():\n    return 1\n")
    for version, day in YEARLY:
        _project(repo, version)
        commit_dated(repo, f"chore: release {version}", day)
        repo.tag(f"{version}-stable")
    repo.write("src/pkg/__init__.py", "def a():\n    return 1  # one\n")
    commit_dated(repo, "fix: a returns one", "2026-07-01")
    settings = Settings(repo=repo.path, tag_pattern=r"^(?P<version>\d+\.\d+\.\d+)-stable$")

    ctx = collect(settings).context
    decision = LocalAnalyzer(today=lambda: date(2026, 12, 8)).analyze(ctx)

    assert decision.base == "26.1.0-stable"
    assert (decision.current_version, decision.next_version) == ("26.1.0", "26.2.0")
