"""Entries a range writes into the changelog's topmost section, by the section they are under."""

from __future__ import annotations

from typing import Any

import pytest

from release_tools.analysis.decision import decide
from release_tools.analysis.evidence import gather_evidence
from release_tools.analysis.evidence.changelog import Entry, is_changelog, new_entries
from release_tools.analysis.models import Bump
from repo_context import build_context

KEEP_A_CHANGELOG = """# Changelog

## [Unreleased]

## [1.0.0] - 2024-01-01

### Added
- The first thing.
"""


def test_keep_a_changelog_sections_give_their_levels() -> None:
    new = KEEP_A_CHANGELOG.replace(
        "## [Unreleased]\n",
        "## [Unreleased]\n\n### Added\n- A `--json` flag.\n\n### Fixed\n- A crash.\n\n"
        "### Changed\n- Faster start.\n\n### Removed\n- The `--xml` flag.\n"
        "- Python 3.8 and 3.9 support.\n- Support for Node.js 14.\n\n### Added\n"
        "- Go 1.22 support.\n- The MSRV is now 1.70.\n",
    )
    assert new_entries(KEEP_A_CHANGELOG, new) == [
        Entry("A `--json` flag.", "added", Bump.MINOR),
        Entry("A crash.", "fixed", Bump.PATCH),
        Entry("The `--xml` flag.", "removed", Bump.MAJOR),
    ]


def test_an_entry_that_says_it_breaks_is_major_in_any_section() -> None:
    old = "# v1.0.0\n\n## Features\n\n- Old.\n"
    new = (
        "# Unreleased\n\n## Features\n\n- **Breaking**: no longer ignores `.git`.\n"
        "- Breaking changes to come are announced here.\n\n" + old
    )
    assert new_entries(old, new) == [
        Entry("**Breaking**: no longer ignores `.git`.", "features", Bump.MAJOR),
        Entry("Breaking changes to come are announced here.", "features", Bump.MINOR),
    ]


VERSIONS_RST = """Version History
===============

1.1.0
-----

* New functions
    * :func:`old_one`
"""


def test_rst_groups_and_unknown_groups() -> None:
    new = VERSIONS_RST.replace(
        "1.1.0\n-----\n",
        "Unreleased\n----------\n\n* Bug fixes\n    * A missing symbol was added.\n\n"
        "* Other changes\n    * :func:`all_equal` was optimized.\n\n"
        "**Improvements**\n\n- Faster imports.\n\n**Features**\n\n- `chunked`.\n\n"
        "1.1.0\n-----\n",
    )
    assert new_entries(VERSIONS_RST, new) == [
        Entry("A missing symbol was added.", "bug fixes", Bump.PATCH),
        Entry("`chunked`.", "features", Bump.MINOR),
    ]


def test_only_the_topmost_section_and_only_new_lines_count() -> None:
    old = (
        "## 2.0.0\n\n### Fixed\n- One.\n\n### Dropped Python 3.8\n- Two.\n\n"
        "## 1.0.0\n\n### Added\n- X.\n"
    )
    new = old.replace("- One.\n", "- One.\n- Three.\n").replace("- X.\n", "- X.\n- Y.\n")
    # "### Dropped Python 3.8" is not a release heading: release headings are "##" here.
    assert new_entries(old, new) == [Entry("Three.", "fixed", Bump.PATCH)]
    assert new_entries(old, "no headings at all\n- A.\n") == []


def test_a_section_written_late_for_a_release_already_made_says_nothing() -> None:
    old = "## Gin v1.5.0\n\n### FEATURES\n  * One.\n"
    new = "## Gin v1.6.0 (Mar 22, 2020)\n\n### BREAKING\n  * Two.\n\n" + old
    assert new_entries(old, new, "1.6.0") == []
    assert new_entries(old, new, "1.5.0") == [Entry("Two.", "breaking", Bump.MAJOR)]
    assert new_entries(old, new.replace("v1.6.0", "Unreleased"), "1.6.0") == [
        Entry("Two.", "breaking", Bump.MAJOR)
    ]


def test_entries_filed_above_the_current_version_without_a_heading_are_the_coming_ones() -> None:
    old = "# 10.2.0\n\n## Features\n\n- Hyperlinks.\n"
    # The coming version's heading lost its mark: its sections stand above 10.2.0's.
    new = " 10.3.0\n\n## Features\n\n- A `--mindepth` alias.\n\n## Bugfixes\n\n" + old
    assert new_entries(old, new, "10.2.0") == [
        Entry("A `--mindepth` alias.", "features", Bump.MINOR)
    ]
    # A preamble the range rewrites, without entries under a level heading, gives nothing.
    intro = "# Changelog\n\nAll changes, newest first.\n\n" + old
    assert new_entries(old, intro.replace("newest", "most recent"), "10.2.0") == []
    # Nothing written above it: the late section rule stands.
    assert new_entries(old, old + "\n", "10.2.0") == []


def test_release_please_and_changesets_sections() -> None:
    old = "# Changelog\n\n## [1.0.0](https://x) (2024-01-01)\n\n### Features\n\n* first\n"
    new = old.replace(
        "# Changelog\n\n",
        "# Changelog\n\n## [1.1.0](https://x) (2024-02-01)\n\n### ⚠ BREAKING CHANGES\n\n"
        "* drop `--xml`\n\n### 🐛 Bug Fixes\n\n* a crash\n\n## 1.0.1\n\n",
    )
    assert new_entries(old, new, "1.0.0") == [
        Entry("drop `--xml`", "breaking changes", Bump.MAJOR),
        Entry("a crash", "bug fixes", Bump.PATCH),
    ]
    changesets = "# pkg\n\n## 2.0.0\n\n### Minor Changes\n\n- 1a2b3c4: Added `x`.\n"
    assert new_entries("# pkg\n", changesets, "1.9.0") == [
        Entry("1a2b3c4: Added `x`.", "minor changes", Bump.MINOR)
    ]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("CHANGELOG.md", True),
        ("HISTORY.md", True),
        ("docs/versions.rst", True),
        ("packages/core/CHANGES.rst", True),
        ("NEWS", True),
        ("changelog.d/123.feature.md", False),
        ("newsfragments/CHANGES.md", False),
        ("tests/CHANGELOG.md", False),
        ("src/changelog.py", False),
    ],
)
def test_is_changelog(path: str, expected: bool) -> None:
    assert is_changelog(path) is expected


def test_changelog_entries_are_change_notes(repo: Any) -> None:
    repo.write("src/app.py", "x = 1\n")
    repo.write("CHANGELOG.md", KEEP_A_CHANGELOG)
    base = repo.commit("initial")
    repo.write("src/app.py", "x = 2\n")
    repo.write(
        "CHANGELOG.md",
        KEEP_A_CHANGELOG.replace("## [Unreleased]\n", "## [Unreleased]\n\n### Added\n- Two.\n"),
    )
    repo.commit("update")
    items = gather_evidence(build_context(repo.path, base))
    notes = [(e.source, e.bump, e.message, e.path) for e in items if e.source == "change-note"]
    assert notes == [
        ("change-note", "minor", '1 changelog entry under "added": Two.', "CHANGELOG.md")
    ]
    verdict = decide(items, has_changes=True)
    assert verdict.bump is Bump.MINOR
    assert "change notes" in verdict.reasoning or "changelog" in verdict.reasoning


def test_a_changelog_the_range_creates_says_nothing(repo: Any) -> None:
    repo.write("src/app.py", "x = 1\n")
    base = repo.commit("initial")
    repo.write("CHANGELOG.md", KEEP_A_CHANGELOG)
    repo.commit("add a changelog")
    items = gather_evidence(build_context(repo.path, base))
    assert [e for e in items if e.source == "change-note"] == []


def test_a_sentence_that_says_the_release_is_a_new_major_version_is_major() -> None:
    new = VERSIONS_RST.replace(
        "1.1.0\n-----\n",
        "Unreleased\n----------\n\n* Changes to existing functions\n"
        "    * :func:`first` now returns ``None``. This is the reason for the major\n"
        "      version bump.\n\n1.1.0\n-----\n",
    )
    assert new_entries(VERSIONS_RST, new) == [
        Entry("This is the reason for the major version bump.", "major version", Bump.MAJOR)
    ]
    prose = VERSIONS_RST.replace(
        "1.1.0\n-----\n",
        "Unreleased\n----------\n\nThe library's major version number has been incremented\n"
        "because every function returns ``int64`` now.\n\n1.1.0\n-----\n",
    )
    assert [e.level for e in new_entries(VERSIONS_RST, prose)] == [Bump.MAJOR]


@pytest.mark.parametrize(
    "sentence",
    [
        "We will remove it with a major version bump.",
        "It moves in the next major version update.",
        "This is breaking, but no major version bump is needed: nobody used it.",
        "Deprecated: `old()` goes when we bump the major version.",
        "Prepare for the major version bump by deprecating `foo`.",
        "Restore `bar`, which the major version bump in 2.0 removed by mistake.",
        "Dependencies: major version update of lodash (4 to 5), internal only.",
        "Bumped the major version of the eslint-config dev dependency.",
        "This is technically breaking, but we did not do a major version bump.",
        "Internal refactoring; a major version bump is not necessary.",
        "A major version bump was avoided by keeping a shim.",
        "The major version bump has been postponed to 3.0.",
    ],
)
def test_a_major_version_of_another_release_or_denied_is_not_declared(sentence: str) -> None:
    new = VERSIONS_RST.replace(
        "1.1.0\n-----\n", f"Unreleased\n----------\n\n{sentence}\n\n1.1.0\n-----\n"
    )
    assert new_entries(VERSIONS_RST, new) == []


def test_a_major_version_sentence_already_in_the_base_is_not_new() -> None:
    old = VERSIONS_RST.replace(
        "1.1.0\n-----\n", "1.1.0\n-----\n\nA major version bump is being made.\n"
    )
    new = old.replace(
        "Version History\n===============\n",
        "Version History\n===============\n\nUnreleased\n----------\n\n"
        "* New functions\n    * :func:`b`\n\n",
    )
    assert new_entries(old, new) == [Entry(":func:`b`", "new functions", Bump.MINOR)]


@pytest.mark.parametrize(
    "sentence",
    [
        "This release bumps the major version: `old()` is gone.",
        "`old()` is no longer exported, hence the major version bump.",
        "This release is a major version bump for the new license.",
        "Major version bump, not backward compatible with 1.x: `old()` is gone.",
        "A major version release, not a minor one.",
    ],
)
def test_other_ways_to_say_the_release_is_a_new_major_version(sentence: str) -> None:
    new = VERSIONS_RST.replace(
        "1.1.0\n-----\n", f"Unreleased\n----------\n\n{sentence}\n\n1.1.0\n-----\n"
    )
    assert [e.level for e in new_entries(VERSIONS_RST, new)] == [Bump.MAJOR]


def test_a_major_version_sentence_under_a_heading_of_no_new_major_is_not_read() -> None:
    sentence = "The major version update is due to the new default."
    for heading, current, read in (
        ("1.3.0", "1.2.0", False),
        ("2.0.0", "1.2.0", True),
        ("0.13.0", "0.12.4", True),
        ("0.12.5", "0.12.4", False),
    ):
        new = VERSIONS_RST.replace(
            "1.1.0\n-----\n", f"{heading}\n------\n\n{sentence}\n\n1.1.0\n-----\n"
        )
        found = [e.level for e in new_entries(VERSIONS_RST, new, current)]
        assert found == ([Bump.MAJOR] if read else []), heading


def _history_md(releases: list[tuple[str, str]]) -> str:
    """A requests-style HISTORY.md: a standing `dev` section, then one per release."""
    text = "Release History\n===============\n\ndev\n---\n\n- [Short description.]\n\n"
    for version, group in releases:
        text += (
            f"{version} (2020-01-01)\n------------------\n\n**{group}**\n\n- Entry {version}.\n\n"
        )
    return text


def test_an_untouched_placeholder_gives_way_to_the_unreleased_section_below_it() -> None:
    releases = [("2.24.0", "Improvements"), ("2.23.0", "Bugfixes")]
    old = _history_md(releases)
    new = _history_md([("2.25.0", "Deprecations"), *releases])
    # The standing `dev` section is unchanged: the section below it, not yet released, is read.
    assert new_entries(old, new, "2.24.0") == [Entry("Entry 2.25.0.", "deprecations", Bump.MINOR)]
    # A group whose name says nothing about the level still gives nothing.
    neutral = _history_md([("2.25.0", "Improvements"), *releases])
    assert new_entries(old, neutral, "2.24.0") == []


def test_a_released_section_below_an_untouched_placeholder_says_nothing() -> None:
    releases = [("2.24.0", "Improvements"), ("2.23.0", "Bugfixes")]
    old = _history_md(releases[1:])
    assert new_entries(old, _history_md(releases), "2.24.0") == []


def test_placeholders_and_unreleased_headings_without_a_current_version() -> None:
    old = "# Changelog\n\n## Unreleased\n\n## 1.1.0\n\n### Added\n\n- A.\n"
    # The current version is unknown: an old section the range edits is not taken for a new one.
    late = old.replace("- A.\n", "- A.\n\n### Removed\n\n- B.\n")
    assert new_entries(old, late) == []
    # A heading that says it is unreleased is read though it names the last release.
    since = "# Changelog\n\n## Unreleased (since 1.2.0)\n\n## 1.2.0\n\n- A.\n"
    new = since.replace("(since 1.2.0)\n", "(since 1.2.0)\n\n### Removed\n\n- B.\n")
    assert new_entries(since, new, "1.2.0") == [Entry("B.", "removed", Bump.MAJOR)]
    # A released heading that only mentions development is released.
    dev = "# Changelog\n\n## 1.1.0 - Development tools only\n\n- A.\n"
    late = dev.replace("- A.\n", "- A.\n\n### Removed\n\n- B.\n")
    assert new_entries(dev, late, "1.1.0") == []
