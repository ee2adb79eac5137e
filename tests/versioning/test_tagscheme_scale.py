"""Each project's tags are found among thousands without reading every tag for every project,
and exactly the tags a full scan finds."""

from __future__ import annotations

import logging

import pytest

from release_tools.config import DEFAULT_TAG_PATTERN as PATTERN
from release_tools.versioning.semver import Version
from release_tools.versioning.tags import parse_release_tags
from release_tools.versioning.tagscheme import (
    STYLES,
    TagScheme,
    infer_tag_scheme,
    latest_scheme_tag,
    scheme_tags,
)

NAMES = ["a", "a-b", "a.b", "@s/p1", "@s/p10", "pkg[1]", "ünï", "x+y", ""]
TAGS = [
    "1.2.3",
    "v1.2.3",
    "v1.2.3-rc.1",
    "1.3.0rc1",
    "a@1.0.0",
    "a@v1.0.0",
    "a-b@2.0.0",
    "a-b-2.1.0",
    "a-v0.4.0",
    "a-b-v0.5.0",
    "a.b@1.0.0",
    "@s/p1@1.0.1",
    "@s/p10@1.0.2",
    "@s/p1@x",
    "pkg[1]@3.0.0",
    "ünï-v1.0.0",
    "x+y-1.0.0+build.5",
    "@1.0.0",
    "-1.0.0",
    "-v1.0.0",
    "a@",
    "a@01.0.0",
    "v",
    "",
]


def _full_scan(tags: list[str], scheme: TagScheme, name: str) -> list[tuple[str, Version]]:
    found = []
    for tag in tags:
        version = scheme.version_in(tag, name)
        if version is not None:
            found.append((tag, version))
    return found


@pytest.mark.parametrize(
    "template", [*STYLES.values(), "release/{name}/{version}", "{version}-{name}"]
)
@pytest.mark.parametrize("name", NAMES)
def test_the_tags_found_are_those_a_full_scan_finds(template: str, name: str) -> None:
    scheme = TagScheme(template)
    for tags in (TAGS, tuple(reversed(TAGS))):
        listed = [(t.tag, t.version) for t in scheme_tags(tags, scheme, name)]
        assert listed == _full_scan(list(tags), scheme, name)


def test_a_template_with_an_unknown_placeholder_finds_nothing() -> None:
    assert scheme_tags(TAGS, TagScheme("{nom}@{version}"), "a") == []


def test_a_workspace_of_300_projects_reads_a_tag_a_few_times_not_once_per_project(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    names = [f"@s/p{n}" for n in range(1, 301)]
    tags = tuple(f"{name}@1.{minor}.0" for minor in range(10) for name in names)
    reads = 0
    version_in = TagScheme.version_in

    def counted(self: TagScheme, tag: str, name: str) -> Version | None:
        nonlocal reads
        reads += 1
        return version_in(self, tag, name)

    monkeypatch.setattr(TagScheme, "version_in", counted)
    for name in names:
        scheme = infer_tag_scheme(name, tags, workspace=True, at_root=False, siblings=names)
        latest = latest_scheme_tag(tags, scheme, name)
        assert latest is not None and latest.tag == f"{name}@1.9.0"

    # A full scan per project and style read 3,000 tags 5 times for each of the 300 projects.
    assert reads < 20 * len(tags)


def test_the_same_tags_asked_for_again_are_not_parsed_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tags = [f"v1.{minor}.{patch}" for minor in range(50) for patch in range(40)] + ["vx"]
    parses = 0
    parse = Version.parse

    def counted(text: str) -> Version:
        nonlocal parses
        parses += 1
        return parse(text)

    monkeypatch.setattr(Version, "parse", staticmethod(counted))
    first = (scheme_tags(tags, TagScheme("v{version}"), "p"), parse_release_tags(tags, PATTERN))
    once = parses

    again = (scheme_tags(tags, TagScheme("v{version}"), "p"), parse_release_tags(tags, PATTERN))

    assert again == first
    assert once >= 2 * 2000 and parses == once


def test_skipped_tags_are_logged_each_time_they_are_asked_for(
    caplog: pytest.LogCaptureFixture,
) -> None:
    tags = ["v1.0.0", "v1.2.3.4", "release-7"]
    with caplog.at_level(logging.DEBUG, logger="release_tools"):
        parse_release_tags(tags, PATTERN)
        parse_release_tags(tags, PATTERN)

    skipped = [r.getMessage() for r in caplog.records if "tags skipped" in r.getMessage()]
    assert (
        skipped
        == ["tags skipped, not a release version under the tag pattern: v1.2.3.4, release-7"] * 2
    )
