"""Semantic versions: parsing both spellings, ordering, and bumps."""

from __future__ import annotations

import pytest

from release_tools.analysis.models import Bump
from release_tools.errors import VersionError
from release_tools.versioning.semver import Version, bump_version


@pytest.mark.parametrize(
    ("text", "semver", "pep440"),
    [
        ("1.2.3", "1.2.3", "1.2.3"),
        ("v1.2.3", "1.2.3", "1.2.3"),
        ("1.0.0-rc.1", "1.0.0-rc.1", "1.0.0rc1"),
        ("2.0.0rc2", "2.0.0-rc.2", "2.0.0rc2"),
        ("1.4.0b1", "1.4.0-beta.1", "1.4.0b1"),
        ("1.2", "1.2.0", "1.2"),  # two numbers, as PEP 440 allows; semver writes three
        ("1.2.3+build.5", "1.2.3+build.5", "1.2.3"),
    ],
)
def test_parse_and_render(text: str, semver: str, pep440: str) -> None:
    version = Version.parse(text)
    assert version.render("semver") == semver
    assert version.render("pep440") == pep440


@pytest.mark.parametrize("text", ["", "banana", "1.2.3.4", "1!2.0", "1.0.post1", "1.0rc1.dev3"])
def test_parse_rejects(text: str) -> None:
    with pytest.raises(VersionError):
        Version.parse(text)


def test_ordering() -> None:
    ordered = [
        "1.0.0-alpha",
        "1.0.0-alpha.1",
        "1.0.0-beta",
        "1.0.0-rc.1",
        "1.0.0",
        "1.0.1",
        "1.10.0",
    ]
    versions = [Version.parse(v) for v in ordered]
    assert sorted(reversed(versions)) == versions
    assert Version.parse("1.0.0-2") < Version.parse("1.0.0-alpha")  # numeric before alphanumeric


@pytest.mark.parametrize(
    ("current", "bump", "major_on_zero", "expected"),
    [
        ("1.2.3", Bump.MAJOR, False, "2.0.0"),
        ("1.2.3", Bump.MINOR, False, "1.3.0"),
        ("1.2.3", Bump.PATCH, False, "1.2.4"),
        ("1.2.3", Bump.NONE, False, "1.2.3"),
        ("0.4.2", Bump.MAJOR, False, "0.5.0"),
        ("0.4.2", Bump.MAJOR, True, "1.0.0"),
        ("0.4.2", Bump.MINOR, False, "0.5.0"),
        ("1.0.0-rc.1", Bump.MAJOR, False, "1.0.0"),
        ("1.0.0-rc.1", Bump.PATCH, False, "1.0.0"),
        ("1.2.0-rc.1", Bump.MAJOR, False, "2.0.0"),
        ("1.2.0-rc.1", Bump.MINOR, False, "1.2.0"),
    ],
)
def test_bump(current: str, bump: Bump, major_on_zero: bool, expected: str) -> None:
    assert str(bump_version(Version.parse(current), bump, major_on_zero=major_on_zero)) == expected


def test_bump_labels() -> None:
    assert Bump.NONE.label == "unknown"
    assert Bump.parse("Major") is Bump.MAJOR
    assert Bump.parse("unknown") is Bump.NONE
    assert max(Bump.PATCH, Bump.MAJOR, Bump.MINOR) is Bump.MAJOR


@pytest.mark.parametrize(
    ("text", "bump", "expected"),
    [
        ("8.5.0.dev", Bump.MINOR, "8.5.0"),
        ("8.5.0.dev0", Bump.PATCH, "8.5.0"),
        ("2.0.0-SNAPSHOT", Bump.PATCH, "2.0.0"),
        ("1.4.0-dev", Bump.MINOR, "1.4.0"),
        ("8.5.0.dev1", Bump.MAJOR, "9.0.0"),
    ],
)
def test_in_development_versions_release_to_their_final(
    text: str, bump: Bump, expected: str
) -> None:
    version = Version.parse(text)
    assert version.in_development
    assert version < Version.parse(expected)
    assert str(bump_version(version, bump, major_on_zero=True)) == expected
