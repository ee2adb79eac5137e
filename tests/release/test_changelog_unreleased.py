"""Releasing a Keep a Changelog ``## [Unreleased]`` section: its entries become the release's."""

from __future__ import annotations

from datetime import date

from release_tools.release.changelog import ChangelogEntry, insert_styled
from release_tools.release.changelog_unreleased import merge_unreleased
from release_tools.versioning.changelogfile import ChangelogStyle

DAY = date(2026, 3, 4)
KEEP = ChangelogStyle()

PENDING = """\
# Changelog

Intro.

## [Unreleased]

### Fixed

- a hand-written fix

### Added

- pending thing
  with a second line

### Internal

- moved files around

## [1.1.0] - 2025-01-01

### Added

- old feature
"""


def test_unreleased_entries_move_under_the_release_and_merge_by_subsection() -> None:
    entries = [
        ChangelogEntry("Added", "generated feature"),
        ChangelogEntry("Fixed", "generated fix", False, "abc1234"),
        ChangelogEntry("Changed", "renamed the API", True),
    ]
    assert insert_styled(PENDING, "1.2.0", DAY, entries, KEEP) == (
        "# Changelog\n\nIntro.\n\n"
        "## [Unreleased]\n\n"
        "## [1.2.0] - 2026-03-04\n\n"
        "### Changed\n\n- **Breaking:** renamed the API\n\n"
        "### Added\n\n- pending thing\n  with a second line\n- generated feature\n\n"
        "### Fixed\n\n- a hand-written fix\n- generated fix (abc1234)\n\n"
        "### Internal\n\n- moved files around\n\n"
        "## [1.1.0] - 2025-01-01\n\n### Added\n\n- old feature\n"
    )
    # Files without an [Unreleased] section and other styles are released as before.
    plain = "# Changelog\n\n## [1.0.0] - 2025-01-01\n\n- old\n"
    assert insert_styled(plain, "1.1.0", DAY, [ChangelogEntry("Fixed", "x")], KEEP) == (
        "# Changelog\n\n## [1.1.0] - 2026-03-04\n\n### Fixed\n\n- x\n\n"
        "## [1.0.0] - 2025-01-01\n\n- old\n"
    )
    click = ChangelogStyle(
        keep_a_changelog=False,
        heading="Version {version}",
        marker="-",
        markup="rst",
        subtitle="Released {date}",
    )
    pallets = "Version 8.5.0\n-------------\n\nUnreleased\n\n-   wip\n"
    assert insert_styled(pallets, "8.5.0", DAY, [], click) == (
        "Version 8.5.0\n-------------\n\nReleased 2026-03-04\n\n-   wip\n"
    )


def test_a_line_written_by_hand_is_not_added_again() -> None:
    entries = [ChangelogEntry("Added", "Pending thing"), ChangelogEntry("Fixed", "new fix")]
    released = insert_styled(PENDING, "1.2.0", DAY, entries, KEEP)
    assert released.count("ending thing") == 1
    assert "- a hand-written fix\n- new fix\n" in released
    # A version released again keeps its one section and adds nothing it already has.
    again = insert_styled(released, "1.2.0", DAY, entries, KEEP)
    assert again == released
    assert again.count("## [1.2.0]") == 1


def test_hand_entries_alone_need_no_placeholder() -> None:
    released = insert_styled(PENDING, "1.2.0", DAY, [], KEEP)
    assert "No notable changes" not in released
    assert released.startswith(
        "# Changelog\n\nIntro.\n\n## [Unreleased]\n\n## [1.2.0] - 2026-03-04\n\n### Added\n\n"
    )


def test_bullets_without_subsection_stay_first() -> None:
    text = "# Changelog\n\n## [Unreleased]\n\n- wip\n\n## [1.0.0] - 2025-01-01\n\n- old\n"
    released = insert_styled(text, "1.1.0", DAY, [ChangelogEntry("Fixed", "x")], KEEP)
    assert released == (
        "# Changelog\n\n## [Unreleased]\n\n"
        "## [1.1.0] - 2026-03-04\n\n- wip\n\n### Fixed\n\n- x\n\n"
        "## [1.0.0] - 2025-01-01\n\n- old\n"
    )


def test_an_empty_unreleased_section_keeps_its_layout_and_moves_the_links() -> None:
    text = (
        "# Changelog\n\n## [Unreleased]\n\n## [1.0.0] - 2025-01-01\n\n- old\n\n"
        "[Unreleased]: https://github.com/o/r/compare/v1.0.0...HEAD\n"
    )
    assert merge_unreleased(text, "## [1.1.0] - 2026-03-04", "- x\n") is None
    entries = [ChangelogEntry("Fixed", "x")]
    assert insert_styled(text, "1.1.0", DAY, entries, KEEP, tag="v1.1.0") == (
        "# Changelog\n\n## [Unreleased]\n\n"
        "## [1.1.0] - 2026-03-04\n\n### Fixed\n\n- x\n\n"
        "## [1.0.0] - 2025-01-01\n\n- old\n\n"
        "[Unreleased]: https://github.com/o/r/compare/v1.1.0...HEAD\n"
        "[1.1.0]: https://github.com/o/r/compare/v1.0.0...v1.1.0\n"
    )


def test_first_release_of_an_unreleased_only_file_keeps_the_links_last() -> None:
    text = (
        "# Changelog\n\n## [Unreleased]\n\n### Added\n\n- everything\n\n"
        "[Unreleased]: https://github.com/o/r/commits/main\n"
    )
    notes: list[str] = []
    released = insert_styled(text, "0.1.0", DAY, [], KEEP, notes=notes)
    assert released == (
        "# Changelog\n\n## [Unreleased]\n\n## [0.1.0] - 2026-03-04\n\n### Added\n\n"
        "- everything\n\n[Unreleased]: https://github.com/o/r/commits/main\n"
    )
    assert len(notes) == 1 and "[Unreleased] link" in notes[0]


def test_headings_inside_code_blocks_and_crlf_line_ends() -> None:
    text = (
        "# Changelog\n\n## [Unreleased]\n\n### Changed\n\n- new config:\n\n"
        "  ```\n  ## [9.9.9] not a heading\n  ```\n\n## [1.0.0] - 2025-01-01\n\n- old\n"
    ).replace("\n", "\r\n")
    released = insert_styled(text, "1.1.0", DAY, [], KEEP)
    assert "\n" not in released.replace("\r\n", "")
    assert released.replace("\r\n", "\n") == (
        "# Changelog\n\n## [Unreleased]\n\n## [1.1.0] - 2026-03-04\n\n### Changed\n\n"
        "- new config:\n\n  ```\n  ## [9.9.9] not a heading\n  ```\n\n"
        "## [1.0.0] - 2025-01-01\n\n- old\n"
    )
