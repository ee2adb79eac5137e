"""Requirement matching for the dependents check: Cargo, npm and PEP 440 spellings."""

from __future__ import annotations

import pytest

from release_tools.versioning.constraints import cargo_admits, npm_admits, python_admits


@pytest.mark.parametrize(
    ("requirement", "version", "expected"),
    [
        ("0.4.0", "0.4.9", True),  # a bare Cargo requirement is a caret
        ("0.4.0", "0.5.0", False),
        ("1.2", "1.9.0", True),
        ("1.2", "2.0.0", False),
        ("0.0.3", "0.0.4", False),
        ("~1.2.3", "1.2.9", True),
        ("~1.2.3", "1.3.0", False),
        ("=0.4.0", "0.4.1", False),
        ("=0.4", "0.4.7", True),
        (">=0.4, <0.5", "0.4.2", True),
        (">=0.4, <0.5", "0.5.0", False),
        ("> 1.2", "1.2.9", False),
        ("> 1.2", "1.3.0", True),
        ("<= 1.2", "1.2.9", True),
        ("1.*", "1.7.0", True),
        ("*", "9.0.0", True),
        ("not a version", "1.0.0", None),
    ],
)
def test_cargo(requirement: str, version: str, expected: bool | None) -> None:
    assert cargo_admits(requirement, version) is expected


@pytest.mark.parametrize(
    ("spec", "version", "expected"),
    [
        ("^1.0.0", "1.4.0", True),
        ("^1.0.0", "2.0.0", False),
        ("^0.3.1", "0.4.0", False),
        ("~1.2.0", "1.3.0", False),
        ("1.0.0", "1.0.1", False),  # a bare npm version is exact
        ("1.x", "1.9.9", True),
        (">=1.0.0 <2.0.0", "2.0.0", False),
        (">= 1.0.0 < 2.0.0", "1.5.0", True),
        ("1.0.0 - 1.4.0", "1.4.0", True),
        ("1.0.0 - 1.4.0", "1.5.0", False),
        ("^1.0.0 || ^2.0.0", "2.1.0", True),
        ("^1.0.0 || ^2.0.0", "3.0.0", False),
        ("workspace:*", "7.0.0", True),
        ("workspace:^", "7.0.0", True),
        ("workspace:^1.0.0", "2.0.0", False),
        ("*", "3.0.0", True),
        ("", "3.0.0", True),
        ("file:../a", "1.0.0", None),
        ("github:acme/a#v1", "1.0.0", None),
        ("latest", "1.0.0", None),
    ],
)
def test_npm(spec: str, version: str, expected: bool | None) -> None:
    assert npm_admits(spec, version) is expected


@pytest.mark.parametrize(
    ("specifier", "version", "expected"),
    [
        ("==1.0.0", "1.1.0", False),
        (">=1.0,<2", "1.1.0", True),
        (">=1.0,<2", "2.0.0", False),
        ("~=1.0", "1.9", True),
        ("==1.2.*", "1.3.0", False),
        ("", "5.0.0", True),
        ("=>1.0", "1.0.0", None),
    ],
)
def test_python(specifier: str, version: str, expected: bool | None) -> None:
    assert python_admits(specifier, version) is expected


@pytest.mark.parametrize(
    ("spec", "version", "expected"),
    [
        # The prerelease must lie on the line of a comparator that names one.
        (">=1.0.0-beta.1 <2", "1.0.0-beta.3", True),
        (">=1.0.0-beta.1 <2", "1.0.0-alpha.0", False),
        (">=1.0.0-beta.1 <2", "1.1.0-beta.0", False),
        (">=1.0.0-beta.1 <2", "2.0.0-beta.0", False),
        ("<2.0.0-beta.5", "2.0.0-beta.1", True),
        ("<2.0.0", "2.0.0-beta.1", False),
        ("~1.2.3-beta.2", "1.2.3-beta.4", True),
        ("~1.2.3-beta.2", "1.2.4-beta.2", False),
        ("^0.0.3-beta", "0.0.3-pr.2", True),
        ("1.2.3 - 2.3.4-beta.1", "2.3.4-beta.0", True),
        ("1.2.3 - 2.3.4", "2.3.4-beta.0", False),
        ("1.x.x-beta", "1.0.0-beta", False),
        ("* >=1.1.0-beta.0", "1.1.0-beta.2", True),
        ("", "1.0.0-beta.0", False),
        ("workspace:^", "1.0.0-beta.0", True),
        ("workspace:>=1.0.0-beta.0", "1.0.0-beta.3", True),
        # Build metadata plays no part in order or equality.
        ("^1.1.0-beta.0", "1.1.0-beta.0+sha.1", True),
        ("=1.2.3-beta.1+x", "1.2.3-beta.1", True),
        ("<1.1.0", "1.1.0+sha", False),
        # Finals keep the plain order: ^0.x, partial hyphen bounds, unions.
        ("^0.x", "0.9.0", True),
        ("^0.x", "1.0.0", False),
        ("^0.0.x", "0.1.0", False),
        ("1.2.3 - 2.3", "2.3.9", True),
        ("1.2.3 - 2.3", "2.4.0", False),
        ("1.x || >=2.5.0 || 5.0.0 - 7.2.3", "6.0.0", True),
        # Not version ranges: no answer, never an exception.
        ("npm:@acme/a@^1.0.0", "1.1.0", None),
        ("link:../a", "1.0.0", None),
        ("github:acme/a#semver:^1.0", "1.0.0", None),
        ("git+https://example.com/a.git", "1.0.0", None),
        ("next", "1.0.0-beta.0", None),
    ],
)
def test_npm_prerelease_rule(spec: str, version: str, expected: bool | None) -> None:
    assert npm_admits(spec, version) is expected
