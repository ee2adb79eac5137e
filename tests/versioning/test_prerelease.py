"""Explicit release types (plans): literal majors, prereleases in both spellings."""

from __future__ import annotations

import pytest

from release_tools.errors import VersionError
from release_tools.versioning.semver import (
    RELEASE_TYPES,
    ReleaseType,
    Version,
    increment,
    release_type_rank,
)


@pytest.mark.parametrize(
    ("current", "release_type", "identifier", "semver"),
    [
        ("0.4.2", "major", "rc", "1.0.0"),
        ("1.2.3", "minor", "rc", "1.3.0"),
        ("1.2.3", "patch", "rc", "1.2.4"),
        ("1.2.3", "premajor", "rc", "2.0.0-rc.0"),
        ("1.2.3", "preminor", "beta", "1.3.0-beta.0"),
        ("1.2.3", "prepatch", "alpha", "1.2.4-alpha.0"),
        ("1.2.3", "prerelease", "rc", "1.2.4-rc.0"),
        ("1.3.0-rc.0", "prerelease", "rc", "1.3.0-rc.1"),
        ("1.3.0-alpha.4", "prerelease", "beta", "1.3.0-beta.0"),
        ("1.3.0-rc", "prerelease", "rc", "1.3.0-rc.0"),
        ("1.3.0-rc.2", "minor", "rc", "1.3.0"),
        ("1.3.0-rc.2", "premajor", "rc", "2.0.0-rc.0"),
    ],
)
def test_increment(current: str, release_type: ReleaseType, identifier: str, semver: str) -> None:
    assert str(increment(Version.parse(current), release_type, identifier=identifier)) == semver


def test_python_prereleases_count_from_one_and_use_pep440() -> None:
    nxt = increment(Version.parse("1.2.3"), "preminor", identifier="rc", first=1)
    assert nxt.render("pep440") == "1.3.0rc1"
    again = increment(Version.parse("1.3.0rc1"), "prerelease", identifier="rc", first=1)
    assert again.render("pep440") == "1.3.0rc2"
    # "a" and "alpha" are the same label: 1.0.0a1 counts up instead of restarting.
    alpha = increment(Version.parse("1.0.0a1"), "prerelease", identifier="a", first=1)
    assert alpha.render("pep440") == "1.0.0a2"


def test_prerelease_never_goes_backwards() -> None:
    with pytest.raises(VersionError, match="would not be a higher version"):
        increment(Version.parse("1.0.0-rc.1"), "prerelease", identifier="alpha")


def test_invalid_identifier() -> None:
    with pytest.raises(VersionError, match="invalid prerelease identifier"):
        increment(Version.parse("1.0.0"), "prepatch", identifier="no spaces")


def test_rank_orders_types() -> None:
    assert [release_type_rank(t) for t in RELEASE_TYPES] == list(range(7))
    assert release_type_rank("major") > release_type_rank("premajor") > release_type_rank("minor")
    with pytest.raises(VersionError, match="unknown release type 'huge'"):
        release_type_rank("huge")


def test_prerelease_error_spells_the_version_in_the_project_scheme() -> None:
    current = Version.parse("1.4.1rc1")
    with pytest.raises(VersionError, match=r"after 1\.4\.1rc1 would not"):
        increment(current, "prerelease", identifier="alpha", first=1, scheme="pep440")
    with pytest.raises(VersionError, match=r"after 1\.4\.1-rc\.1 would not"):
        increment(current, "prerelease", identifier="alpha")
