"""Calendar versions written with zero-padded numbers (certifi's ``2024.02.02``): release tags
whose first number is a four-digit year, read as that date, and written back padded."""

from __future__ import annotations

from datetime import date

from release_tools.config import DEFAULT_TAG_PATTERN
from release_tools.versioning.bump import Bump
from release_tools.versioning.calver import (
    CalendarFormat,
    DatedRelease,
    calendar_version,
    detect_calendar,
)
from release_tools.versioning.semver import Version, bump_version
from release_tools.versioning.tags import parse_release_tags
from release_tools.versioning.tagscheme import TagScheme, latest_scheme_tag


def test_padded_calendar_tags_are_releases_and_nothing_else_padded_is() -> None:
    found = parse_release_tags(
        ["2024.02.02", "v2024.12.01", "v1.02.3", "01.2.3"], DEFAULT_TAG_PATTERN
    )
    assert [(t.tag, t.version) for t in found] == [
        ("2024.02.02", Version(2024, 2, 2)),
        ("v2024.12.01", Version(2024, 12, 1)),
    ]
    latest = latest_scheme_tag(["2024.02.02", "2023.11.17"], TagScheme("{version}"), "certifi")
    assert latest is not None and latest.tag == "2024.02.02"


def test_a_padded_version_is_written_padded() -> None:
    padded = Version.parse("2024.02.02")
    assert padded == Version(2024, 2, 2) and padded.render("pep440") == "2024.02.02"
    assert bump_version(padded, Bump.PATCH).render("pep440") == "2024.02.03"
    assert Version.parse("2024.2.2").render("pep440") == "2024.2.2"
    # Semver forbids leading zeros (npm's and Cargo's manifests refuse them).
    assert padded.render() == "2024.2.2"


# certifi's tags, each dated the day before the day it names (tagged in the evening, west of
# UTC, for a release published the next day).
_CERTIFI = [
    ("2026.07.22", "2026-07-21"),
    ("2026.06.17", "2026-06-17"),
    ("2026.02.25", "2026-02-24"),
    ("2026.01.04", "2026-01-03"),
    ("2025.11.12", "2025-11-11"),
    ("2025.08.03", "2025-08-02"),
]


def test_a_day_calendar_tagged_a_day_early_is_detected_and_written_padded() -> None:
    releases = [DatedRelease(Version.parse(v), date.fromisoformat(d)) for v, d in _CERTIFI]
    scheme = detect_calendar(releases)
    assert scheme is not None and scheme.format == CalendarFormat(4, "month", "day")

    new = calendar_version(Version.parse("2026.07.22"), Bump.PATCH, scheme, date(2026, 8, 4))

    assert new.render("pep440") == "2026.08.04"
