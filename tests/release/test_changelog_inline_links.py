"""Keep a Changelog headings that carry their links inline: ``## [1.1.0](url) - date``."""

from __future__ import annotations

from datetime import date

import pytest

from release_tools.release.changelog import ChangelogEntry, insert_styled
from release_tools.versioning.changelogfile import ChangelogStyle

DAY = date(2026, 3, 4)
KEEP = ChangelogStyle()
FIX = [ChangelogEntry("Fixed", "a fix")]
GITHUB = "https://github.com/o/r"
GITLAB = "https://gitlab.com/g/sub/r"


def release(
    text: str, version: str = "1.2.0", tag: str | None = "1.2.0", *, tagged: bool = True
) -> tuple[str, list[str]]:
    notes: list[str] = []
    released = insert_styled(text, version, DAY, FIX, KEEP, tag=tag, notes=notes, tagged=tagged)
    return released, notes


def linked(base: str, compare: str, old: str, pending: str = "") -> str:
    return (
        "# Changelog\n\n"
        f"## [Unreleased]({base}/{compare}/{old}...HEAD)\n\n{pending}"
        f"## [1.1.0]({base}/{compare}/v1.0.0...{old}) - 2025-01-01\n\n- old\n"
    )


@pytest.mark.parametrize(
    ("base", "compare"), [(GITHUB, "compare"), (GITLAB, "-/compare")], ids=["github", "gitlab"]
)
@pytest.mark.parametrize(("old", "new"), [("1.1.0", "1.2.0"), ("v1.1.0", "v1.2.0")])
def test_the_unreleased_link_moves_on_and_the_release_heading_gets_its_own(
    base: str, compare: str, old: str, new: str
) -> None:
    released, notes = release(linked(base, compare, old), tag=new)
    assert notes == []
    assert released == (
        "# Changelog\n\n"
        f"## [Unreleased]({base}/{compare}/{new}...HEAD)\n\n"
        f"## [1.2.0]({base}/{compare}/{old}...{new}) - 2026-03-04\n\n### Fixed\n\n- a fix\n\n"
        f"## [1.1.0]({base}/{compare}/v1.0.0...{old}) - 2025-01-01\n\n- old\n"
    )
    # Releasing the same version again changes no link and adds no heading.
    again, notes = release(released, tag=new)
    assert again == released and notes == []


def test_the_tag_is_spelled_as_the_release_makes_it_or_as_the_linked_one_is() -> None:
    text = linked(GITHUB, "compare", "pkg@1.1.0")
    derived, _ = release(text, tag=None)
    assert f"## [Unreleased]({GITHUB}/compare/pkg@1.2.0...HEAD)\n" in derived
    assert f"## [1.2.0]({GITHUB}/compare/pkg@1.1.0...pkg@1.2.0) - 2026-03-04\n" in derived
    given, _ = release(text, tag="pkg-v1.2.0")
    assert f"## [1.2.0]({GITHUB}/compare/pkg@1.1.0...pkg-v1.2.0) - " in given


def test_crlf_files_keep_their_line_ends() -> None:
    text = linked(GITHUB, "compare", "v1.1.0").replace("\n", "\r\n")
    released, notes = release(text, tag="v1.2.0")
    assert notes == [] and "\n" not in released.replace("\r\n", "")
    assert released.startswith(
        f"# Changelog\r\n\r\n## [Unreleased]({GITHUB}/compare/v1.2.0...HEAD)\r\n\r\n"
        f"## [1.2.0]({GITHUB}/compare/v1.1.0...v1.2.0) - 2026-03-04\r\n"
    )


def test_hand_written_unreleased_entries_move_under_the_linked_heading() -> None:
    pending = "### Added\n\n- pending thing\n\n"
    released, notes = release(linked(GITHUB, "compare", "1.1.0", pending))
    assert notes == []
    assert released == (
        "# Changelog\n\n"
        f"## [Unreleased]({GITHUB}/compare/1.2.0...HEAD)\n\n"
        f"## [1.2.0]({GITHUB}/compare/1.1.0...1.2.0) - 2026-03-04\n\n"
        "### Added\n\n- pending thing\n\n### Fixed\n\n- a fix\n\n"
        f"## [1.1.0]({GITHUB}/compare/v1.0.0...1.1.0) - 2025-01-01\n\n- old\n"
    )


@pytest.mark.parametrize(
    "url",
    [
        f"{GITHUB}/commits/main",
        f"{GITHUB}/compare/1.0.0...1.1.0",
        f'{GITHUB}/compare/1.1.0...HEAD "a title"',
    ],
)
def test_an_unreleased_link_that_is_not_a_comparison_is_kept_with_a_warning(url: str) -> None:
    text = (
        f"# Changelog\n\n## [Unreleased]({url})\n\n"
        f"## [1.1.0]({GITHUB}/compare/1.0.0...1.1.0) - 2025-01-01\n\n- old\n"
    )
    released, notes = release(text)
    assert released.startswith(
        f"# Changelog\n\n## [Unreleased]({url})\n\n## [1.2.0] - 2026-03-04\n"
    )
    assert len(notes) == 1
    assert notes[0].startswith("changelog links not updated for 1.2.0: the [Unreleased] link")


def test_a_tag_that_cannot_be_told_is_a_warning() -> None:
    text = f"# Changelog\n\n## [Unreleased]({GITHUB}/compare/stable...HEAD)\n\n- pending\n"
    released, notes = release(text, tag=None)
    assert f"## [Unreleased]({GITHUB}/compare/stable...HEAD)\n\n## [1.2.0] - 2026-03-04\n" in (
        released
    )
    assert len(notes) == 1 and "stable" in notes[0]


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        (f"{GITHUB}/tree/26.1.0", f"{GITHUB}/tree/26.2.0"),
        (f"{GITLAB}/-/tree/v26.1.0", f"{GITLAB}/-/tree/v26.2.0"),
        (f"{GITHUB}/releases/tag/v26.1.0", f"{GITHUB}/releases/tag/v26.2.0"),
        (f"{GITHUB}/compare/26.0.0...v26.1.0", f"{GITHUB}/compare/v26.1.0...v26.2.0"),
        (f"{GITLAB}/-/compare/v26.0.0...v26.1.0", f"{GITLAB}/-/compare/v26.1.0...v26.2.0"),
    ],
)
def test_without_an_unreleased_link_the_latest_heading_is_followed(
    link: str, expected: str
) -> None:
    tag = "v26.2.0" if "v26.1.0" in link else "26.2.0"
    text = f"# Changelog\n\n<!-- notes start -->\n\n## [26.1.0]({link}) - 2026-03-19\n\n- old\n"
    for unreleased in ("", "## [Unreleased]\n\n"):
        source = text.replace("<!-- notes start -->\n\n", f"<!-- notes start -->\n\n{unreleased}")
        released, notes = release(source, "26.2.0", tag)
        assert notes == []
        assert released == source.replace(
            "## [26.1.0]",
            f"## [26.2.0]({expected}) - 2026-03-04\n\n### Fixed\n\n- a fix\n\n## [26.1.0]",
        )
        # The tag the link names gives the new one when the caller does not.
        assert release(source, "26.2.0", None)[0] == released


def test_a_latest_heading_link_that_names_no_tag_is_a_warning() -> None:
    text = "# Changelog\n\n## [1.1.0](https://blog.example.com/ann) - 2025-01-01\n\n- old\n"
    released, notes = release(text)
    assert released.startswith("# Changelog\n\n## [1.2.0] - 2026-03-04\n")
    assert notes == [
        "changelog link not written for 1.2.0: the [1.1.0] heading's link "
        "https://blog.example.com/ann names neither a comparison nor its tag"
    ]


def test_headings_without_links_get_none() -> None:
    for text in (
        "# Changelog\n\n## [Unreleased]\n\n## [1.1.0] - 2025-01-01\n\n- old\n",
        "# Changelog\n\n## [1.1.0] - 2025-01-01\n\n- old\n",
        "# Changelog\n\n## [Unreleased]\n\n- pending\n",
    ):
        released, notes = release(text)
        assert "## [1.2.0] - 2026-03-04\n" in released and notes == []
        assert "](" not in released


def test_a_first_release_compares_from_where_the_unreleased_link_starts() -> None:
    text = f"# Changelog\n\n## [Unreleased]({GITHUB}/compare/0.0.0...HEAD)\n\n- first\n"
    released, notes = release(text, "0.1.0", "v0.1.0")
    assert notes == []
    assert released == (
        f"# Changelog\n\n## [Unreleased]({GITHUB}/compare/v0.1.0...HEAD)\n\n"
        f"## [0.1.0]({GITHUB}/compare/0.0.0...v0.1.0) - 2026-03-04\n\n- first\n\n"
        "### Fixed\n\n- a fix\n"
    )


def test_a_version_heading_already_present_keeps_its_link() -> None:
    pending = f"## [1.2.0]({GITHUB}/compare/1.1.0...1.2.0) - unreleased\n\n- planned\n\n"
    released, notes = release(linked(GITHUB, "compare", "1.1.0", pending))
    assert notes == []
    assert released == (
        "# Changelog\n\n"
        f"## [Unreleased]({GITHUB}/compare/1.2.0...HEAD)\n\n"
        f"## [1.2.0]({GITHUB}/compare/1.1.0...1.2.0) - 2026-03-04\n\n"
        "- planned\n\n### Fixed\n\n- a fix\n\n"
        f"## [1.1.0]({GITHUB}/compare/v1.0.0...1.1.0) - 2025-01-01\n\n- old\n"
    )


def test_a_version_heading_written_ahead_without_a_link_gets_one() -> None:
    pending = "## [1.2.0]\n\n- planned\n\n"
    released, notes = release(linked(GITHUB, "compare", "1.1.0", pending))
    assert notes == []
    assert f"## [1.2.0]({GITHUB}/compare/1.1.0...1.2.0) - 2026-03-04\n\n- planned\n" in released
    # Once the Unreleased link has moved on, the heading's link comes from the previous one.
    moved = released.replace(f"## [1.2.0]({GITHUB}/compare/1.1.0...1.2.0)", "## [1.2.0]")
    assert release(moved)[0] == released


def test_an_untagged_release_writes_no_link() -> None:
    text = linked(GITHUB, "compare", "1.1.0")
    released, notes = release(text, tagged=False)
    assert notes == []
    assert released.startswith(
        f"# Changelog\n\n## [Unreleased]({GITHUB}/compare/1.1.0...HEAD)\n\n"
        "## [1.2.0] - 2026-03-04\n"
    )


@pytest.mark.parametrize(
    ("link", "tag", "expected"),
    [
        (f"{GITHUB}/tree/mod/v1.1.0", "mod/v1.2.0", f"{GITHUB}/tree/mod/v1.2.0"),
        ("https://pypi.org/project/r/1.1.0/", "v1.2.0", "https://pypi.org/project/r/1.2.0/"),
    ],
)
def test_a_page_link_names_the_new_tag_as_it_named_the_previous_one(
    link: str, tag: str, expected: str
) -> None:
    text = f"# Changelog\n\n## [1.1.0]({link}) - 2025-01-01\n\n- old\n"
    released, notes = release(text, tag=tag)
    assert notes == []
    assert released.startswith(f"# Changelog\n\n## [1.2.0]({expected}) - 2026-03-04\n")
