"""Two-part versions (``24.0``, ``v2.1``): release tags read as ``X.Y.0``, and the next version
written in the two-part form the project uses when its patch is 0."""

from __future__ import annotations

import pytest

from release_tools.config import DEFAULT_TAG_PATTERN
from release_tools.versioning.bump import Bump
from release_tools.versioning.semver import Version, bump_version, increment
from release_tools.versioning.tags import latest_release_tag, parse_release_tags
from release_tools.versioning.tagscheme import (
    TagScheme,
    go_tag_scheme,
    infer_tag_scheme,
    latest_scheme_tag,
)


def test_two_part_tags_are_releases_under_the_default_pattern() -> None:
    found = parse_release_tags(
        ["26.2", "26.1.2", "v2.1", "pkg@0.3", "1.2.3.4"], DEFAULT_TAG_PATTERN
    )
    assert [(t.tag, t.version, t.project) for t in found] == [
        ("26.2", Version(26, 2, 0), None),
        ("26.1.2", Version(26, 1, 2), None),
        ("v2.1", Version(2, 1, 0), None),
        ("pkg@0.3", Version(0, 3, 0), "pkg"),
    ]
    assert latest_release_tag(found) is not None
    assert latest_release_tag(found).tag == "26.2"  # type: ignore[union-attr]


@pytest.mark.parametrize("tags", [["v10.6.1", "v10.6", "v10.6.0"], ["v10.6", "v10.6.0"]])
def test_a_two_part_tag_beside_its_full_release_is_an_alias(tags: list[str]) -> None:
    # A moving vX.Y tag (following the latest patch of X.Y) names no release of its own.
    found = parse_release_tags(tags, DEFAULT_TAG_PATTERN)
    assert "v10.6" not in [t.tag for t in found]
    scheme = TagScheme("v{version}")
    latest = latest_scheme_tag(tags, scheme, "p")
    assert latest is not None and latest.tag == max(
        (t for t in tags if t != "v10.6"), key=lambda t: tuple(map(int, t[1:].split(".")))
    )


@pytest.mark.parametrize(
    ("tags", "template"),
    [
        (["v2.1", "v2.0"], "v{version}"),
        (["2.1", "2.0.1"], "{version}"),
        (["p-1.2"], "{name}-{version}"),
    ],
)
def test_the_tag_scheme_is_inferred_from_two_part_tags(tags: list[str], template: str) -> None:
    scheme = infer_tag_scheme("p", tags, workspace=False, at_root=True)
    assert (scheme.template, scheme.source) == (template, "tags")
    latest = latest_scheme_tag(tags, scheme, "p")
    assert latest is not None and latest.tag == tags[0]


def test_go_modules_take_no_two_part_tag() -> None:
    # The go command lists only full semantic versions: a v1.3 tag is no release of a module.
    scheme = go_tag_scheme(".", "example.com/m")
    latest = latest_scheme_tag(["v1.3", "v1.2.0"], scheme, "m")
    assert latest is not None and latest.tag == "v1.2.0"


@pytest.mark.parametrize(
    ("current", "bump", "expected"),
    [
        ("1.2", Bump.MINOR, "1.3"),
        ("1.2", Bump.PATCH, "1.2.1"),
        ("1.2", Bump.MAJOR, "2.0"),
        ("24.0", Bump.MINOR, "24.1"),
        ("0.9", Bump.MAJOR, "0.10"),
        ("1.2.0", Bump.MINOR, "1.3.0"),
        ("1.2.3", Bump.MINOR, "1.3.0"),
    ],
)
def test_the_next_version_keeps_the_two_part_form(current: str, bump: Bump, expected: str) -> None:
    bumped = bump_version(Version.parse(current), bump)
    assert bumped.render("pep440") == expected
    # npm's and Cargo's manifests take three numbers only: semver writes them all.
    assert bumped.render() == str(Version(bumped.major, bumped.minor, bumped.patch))


def test_a_two_part_version_reads_and_compares_as_its_full_one() -> None:
    two = Version.parse("v2.1")
    assert two == Version(2, 1, 0) and hash(two) == hash(Version(2, 1, 0))
    assert two.render("pep440") == "2.1" and str(two) == "2.1.0"
    assert Version.parse("26.3.dev0").finalize().render("pep440") == "26.3"
    assert Version.parse("24.1b1").render("pep440") == "24.1b1"
    assert Version.parse("24.1b1").render() == "24.1.0-beta.1"


def test_release_types_keep_the_two_part_form() -> None:
    assert increment(Version.parse("1.2"), "minor").render("pep440") == "1.3"
    assert increment(Version.parse("1.2"), "preminor", first=1).render("pep440") == "1.3rc1"
    assert increment(Version.parse("1.3rc1"), "minor").render("pep440") == "1.3"
