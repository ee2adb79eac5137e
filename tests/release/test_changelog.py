"""Changelog sections: grouping, breaking flags, insertion above the latest release."""

from __future__ import annotations

from datetime import date

from release_tools.git import Commit
from release_tools.release.changelog import (
    ChangelogEntry,
    entries_from_commits,
    entry_from_text,
    insert_section,
    render_section,
)
from release_tools.versioning.bump import Bump
from release_tools.versioning.commit_types import COMMIT_TYPES

DAY = date(2026, 3, 4)


def test_entry_from_conventional_and_plain_text() -> None:
    assert entry_from_text("feat(api): add x\n\nMore detail.\nSecond line.", "minor") == (
        ChangelogEntry("Added", "**api:** add x\n\n  More detail.\n  Second line.", False)
    )
    assert entry_from_text("feat!: drop py3.10", "major") == (
        ChangelogEntry("Changed", "drop py3.10", True)
    )
    assert entry_from_text("Reworked the cache.", "major") == (
        ChangelogEntry("Changed", "Reworked the cache.", True)
    )
    assert entry_from_text("Add a flag.", "minor") == ChangelogEntry("Added", "Add a flag.")
    # An auto plan's body is analyze's reasoning, led by the bump: not a commit type.
    reasoning = "minor: feat commit: feat: g (833b7e028e)."
    assert entry_from_text(reasoning, "minor") == ChangelogEntry(
        "Added", "feat commit: feat: g (833b7e028e)."
    )
    assert entry_from_text("major: removed public function a.f (a.py:3).", "major") == (
        ChangelogEntry("Changed", "removed public function a.f (a.py:3).", True)
    )
    assert entry_from_text("Fix it.", "patch") == ChangelogEntry("Fixed", "Fix it.")
    assert entry_from_text("security: patch CVE", "patch") == (
        ChangelogEntry("Security", "patch CVE")
    )
    assert entry_from_text("   \n", "patch") is None


def test_entries_from_commits_skip_chores_and_keep_breaking() -> None:
    commits = [
        Commit("a" * 40, "feat: one", ""),
        Commit("b" * 40, "chore: deps", ""),
        Commit("c" * 40, "docs: readme", ""),
        Commit("d" * 40, "refactor(core)!: rename", ""),
        Commit("e" * 40, "ci: x", "BREAKING CHANGE: runners"),
        Commit("f" * 40, "Merge branch 'x'", ""),
    ]
    assert entries_from_commits(commits) == [
        ChangelogEntry("Added", "one", False, "aaaaaaa"),
        ChangelogEntry("Changed", "**core:** rename", True, "ddddddd"),
        ChangelogEntry("Changed", "x", True, "eeeeeee"),
    ]


def test_entries_from_gitmoji_commits() -> None:
    commits = [
        Commit("a" * 40, "✨ Add a preset", ""),
        Commit("b" * 40, "🐛 fix(run): find entry points", ""),
        Commit("c" * 40, "📝 Document it", ""),
        Commit("d" * 40, "💥 Drop the v1 API", ""),
        Commit("e" * 40, "🎉 Initial commit", ""),
    ]
    assert entries_from_commits(commits) == [
        ChangelogEntry("Added", "Add a preset", False, "aaaaaaa"),
        ChangelogEntry("Fixed", "**run:** find entry points", False, "bbbbbbb"),
        ChangelogEntry("Changed", "Drop the v1 API", True, "ddddddd"),
    ]


def test_every_type_that_raises_the_version_lands_in_its_natural_group() -> None:
    commits = [
        Commit("a" * 40, "hotfix: crash on start", ""),
        Commit("b" * 40, "deps: bump lxml to 5.2", ""),
        Commit("c" * 40, "feature(cli): --json", ""),
        Commit("d" * 40, "bugfix: off by one", ""),
        Commit("e" * 40, "perf: faster parse", ""),
        Commit("f" * 40, "deprecate: old()", ""),
        Commit("0" * 40, "remove: the v1 api", ""),
        Commit("1" * 40, "style: wrap lines", ""),
    ]
    assert entries_from_commits(commits) == [
        ChangelogEntry("Fixed", "crash on start", False, "aaaaaaa"),
        ChangelogEntry("Changed", "bump lxml to 5.2", False, "bbbbbbb"),
        ChangelogEntry("Added", "**cli:** --json", False, "ccccccc"),
        ChangelogEntry("Fixed", "off by one", False, "ddddddd"),
        ChangelogEntry("Changed", "faster parse", False, "eeeeeee"),
        ChangelogEntry("Deprecated", "old()", False, "fffffff"),
        ChangelogEntry("Removed", "the v1 api", False, "0000000"),
    ]
    assert entry_from_text("hotfix: crash on start", "patch") == (
        ChangelogEntry("Fixed", "crash on start")
    )
    assert entry_from_text("feature: dark mode", "minor") == ChangelogEntry("Added", "dark mode")
    assert entry_from_text("deps: bump lxml", "patch") == ChangelogEntry("Changed", "bump lxml")
    # A type with no section of its own stays where it always went.
    assert entry_from_text("docs: typo", "patch") == ChangelogEntry("Changed", "typo")


def test_commit_types_agree_between_the_analysis_and_the_changelog() -> None:
    for known in COMMIT_TYPES.values():
        if known.bump is not None and known.bump > Bump.NONE:
            # A type that raises the version is user-facing: it gets an entry of its own.
            commit = Commit("a" * 40, f"{known.name}: x", "")
            [entry] = entries_from_commits([commit])
            assert entry.group == known.section


def test_render_section_groups_in_keep_a_changelog_order_and_dedupes() -> None:
    entries = [
        ChangelogEntry("Fixed", "a fix"),
        ChangelogEntry("Added", "a feature"),
        ChangelogEntry("Changed", "an api", True),
        ChangelogEntry("Added", "A feature", False, "1234567"),
    ]
    assert render_section("2.0.0", DAY, entries) == (
        "## [2.0.0] - 2026-03-04\n\n"
        "### Changed\n\n- **Breaking:** an api\n\n"
        "### Added\n\n- a feature\n\n"
        "### Fixed\n\n- a fix\n"
    )
    assert render_section("2.0.1", DAY, []) == "## [2.0.1] - 2026-03-04\n\n- No notable changes.\n"


def test_insert_section_new_file_unreleased_and_crlf() -> None:
    section = "## [1.1.0] - 2026-03-04\n\n- x\n"
    created = insert_section(None, section)
    assert created.startswith("# Changelog\n\n") and created.endswith("\n\n" + section)
    existing = "# Changelog\n\n## [Unreleased]\n\n- wip\n\n## [1.0.0] - 2025-01-01\n\n- old\n"
    assert insert_section(existing, section) == (
        "# Changelog\n\n## [Unreleased]\n\n- wip\n\n"
        "## [1.1.0] - 2026-03-04\n\n- x\n\n"
        "## [1.0.0] - 2025-01-01\n\n- old\n"
    )
    no_release_yet = "# Changelog\n\nIntro.\n"
    assert insert_section(no_release_yet, section) == "# Changelog\n\nIntro.\n\n" + section
    crlf = existing.replace("\n", "\r\n")
    out = insert_section(crlf, section)
    assert "\n" not in out.replace("\r\n", "") and "## [1.1.0]" in out


SECTIONED = (
    "### Added\n\n- **Breaking:** drop the old api\n- a new thing\n\n"
    "### Fixed\n\n- a fix\n  with a second line\n"
)


def test_a_sectioned_body_flags_only_the_bullets_that_say_they_break() -> None:
    """A body grouped under section headings (as an auto plan's commit subjects are) says
    per bullet what breaks: a major plan does not make every bullet breaking, and a
    ``**Breaking:**`` bullet is breaking whatever the plan's type."""
    from release_tools.release.changelog import entries_from_body

    expected = [
        ChangelogEntry("Changed", "drop the old api", True),
        ChangelogEntry("Added", "a new thing", False),
        ChangelogEntry("Fixed", "a fix\n  with a second line", False),
    ]
    assert entries_from_body(SECTIONED, "major") == expected
    assert entries_from_body(SECTIONED, "minor") == expected


def test_a_plain_list_of_a_major_plan_stays_breaking() -> None:
    from release_tools.release.changelog import entries_from_body

    assert entries_from_body("- dropped x\n- renamed y\n", "major") == [
        ChangelogEntry("Changed", "dropped x", True),
        ChangelogEntry("Changed", "renamed y", True),
    ]


def test_a_file_that_sets_its_releases_apart_by_two_blank_lines_keeps_that_layout() -> None:
    from release_tools.release.changelog import release_keep_a_changelog

    older = "## [0.9.0] - 2025-01-01\n\n- nine\n\n## [0.8.0] - 2024-01-01\n\n- eight\n\n\n"
    older += "## [0.7.0] - 2023-01-01\n\n- seven\n"
    existing = (
        "# Changelog\n\n\n## [Unreleased]\n\n\n## [1.0.0] - 2026-01-01\n\n### Added\n\n- one\n\n\n"
        + older
    )
    entry = ChangelogEntry("Fixed", "a fix", False)

    text = release_keep_a_changelog(existing, "1.0.1", DAY, [entry], tagged=False)

    # The new section is set apart as the others are; the one odd gap elsewhere stays.
    assert text == (
        "# Changelog\n\n\n## [Unreleased]\n\n\n## [1.0.1] - 2026-03-04\n\n"
        "### Fixed\n\n- a fix\n\n\n## [1.0.0] - 2026-01-01\n\n### Added\n\n- one\n\n\n" + older
    )


def test_one_blank_line_between_releases_stays_one() -> None:
    from release_tools.release.changelog import release_keep_a_changelog

    existing = "# Changelog\n\n## [Unreleased]\n\n## [1.0.0] - 2026-01-01\n\n- one\n"
    entry = ChangelogEntry("Fixed", "a fix", False)

    text = release_keep_a_changelog(existing, "1.0.1", DAY, [entry], tagged=False)

    assert text == (
        "# Changelog\n\n## [Unreleased]\n\n## [1.0.1] - 2026-03-04\n\n### Fixed\n\n- a fix\n\n"
        "## [1.0.0] - 2026-01-01\n\n- one\n"
    )
