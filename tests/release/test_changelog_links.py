"""Keep a Changelog link references at a release: GitHub and GitLab compare links."""

from __future__ import annotations

from datetime import date

import pytest

from release_tools.release.changelog import ChangelogEntry, insert_styled
from release_tools.release.changelog_links import release_links
from release_tools.versioning.changelogfile import ChangelogStyle

DAY = date(2026, 3, 4)
BODY = "# Changelog\n\n## [Unreleased]\n\n## [1.1.0] - 2025-01-01\n\n- old\n\n"


@pytest.mark.parametrize(
    ("base", "compare"),
    [("https://github.com/o/r", "compare"), ("https://gitlab.com/g/sub/r", "-/compare")],
)
def test_unreleased_link_moves_on_and_the_release_gets_its_own(base: str, compare: str) -> None:
    text = (
        f"{BODY}[Unreleased]: {base}/{compare}/v1.1.0...HEAD\n"
        f"[1.1.0]: {base}/{compare}/v1.0.0...v1.1.0\n"
    )
    update = release_links(text, "1.2.0", "v1.2.0")
    assert update.warning is None
    assert update.text == (
        f"{BODY}[Unreleased]: {base}/{compare}/v1.2.0...HEAD\n"
        f"[1.2.0]: {base}/{compare}/v1.1.0...v1.2.0\n"
        f"[1.1.0]: {base}/{compare}/v1.0.0...v1.1.0\n"
    )
    # Once moved on, releasing the same version again adds nothing.
    assert release_links(update.text, "1.2.0", "v1.2.0").text == update.text
    assert release_links(update.text, "1.2.0").text == update.text


def test_the_release_tag_follows_the_scheme_of_the_linked_tag_when_not_given() -> None:
    text = f"{BODY}[Unreleased]: https://github.com/o/r/compare/pkg-a@1.1.0...HEAD\n"
    assert release_links(text, "1.2.0").text == (
        f"{BODY}[Unreleased]: https://github.com/o/r/compare/pkg-a@1.2.0...HEAD\n"
        "[1.2.0]: https://github.com/o/r/compare/pkg-a@1.1.0...pkg-a@1.2.0\n"
    )
    # The tag the release really makes wins over the guess.
    assert "compare/pkg-a@1.1.0...a-v1.2.0\n" in release_links(text, "1.2.0", "a-v1.2.0").text


def test_no_links_no_change_and_no_warning() -> None:
    update = release_links(BODY, "1.2.0", "v1.2.0")
    assert update.text == BODY and update.warning is None


@pytest.mark.parametrize(
    "url",
    [
        "https://github.com/o/r/commits/main",
        "https://github.com/o/r/compare/v1.0.0...v1.1.0",
        'https://github.com/o/r/compare/v1.1.0...HEAD "a title"',
    ],
)
def test_links_that_cannot_be_read_are_kept_with_a_warning(url: str) -> None:
    text = f"{BODY}[Unreleased]: {url}\n"
    update = release_links(text, "1.2.0", "v1.2.0")
    assert update.text == text
    assert update.warning is not None and "[Unreleased] link" in update.warning


def test_a_tag_that_cannot_be_told_is_a_warning() -> None:
    text = f"{BODY}[Unreleased]: https://github.com/o/r/compare/stable...HEAD\n"
    update = release_links(text, "1.2.0")
    assert update.text == text
    assert update.warning is not None and "stable" in update.warning


def test_insert_styled_reports_link_warnings_in_the_notes() -> None:
    text = f"{BODY}[Unreleased]: https://example.com/changes\n"
    notes: list[str] = []
    released = insert_styled(
        text, "1.2.0", DAY, [ChangelogEntry("Fixed", "x")], ChangelogStyle(), notes=notes
    )
    assert released.endswith("[Unreleased]: https://example.com/changes\n")
    assert notes == [
        "changelog links not updated for 1.2.0: the [Unreleased] link "
        "https://example.com/changes does not compare a tag with HEAD "
        "(.../compare/<tag>...HEAD)"
    ]
