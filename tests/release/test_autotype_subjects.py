"""The changelog body ``--version-type auto`` and ``release --auto`` make of commit subjects."""

from __future__ import annotations

from release_tools.git import Commit
from release_tools.release.autotype import grouped_subjects
from release_tools.versioning.commit_types import DEFAULT_COMMIT_TYPES


def commits(*subjects: str) -> list[Commit]:
    return [
        Commit(sha=f"{index:07d}" + "0" * 33, subject=subject, body="", author="a")
        for index, subject in enumerate(subjects)
    ]


def test_subjects_in_area_style_stay_under_changed() -> None:
    body = grouped_subjects(
        commits(
            "net/http: reject a header without a colon",
            "Redaction: hide the password of a URL",
            "README: fix a typo",
        ),
        DEFAULT_COMMIT_TYPES,
    )
    assert body.splitlines() == [
        "### Changed",
        "",
        "- net/http: reject a header without a colon",
        "- Redaction: hide the password of a URL",
        "- README: fix a typo",
    ]


def test_plain_subjects_starting_like_a_chore_type_stay() -> None:
    body = grouped_subjects(
        commits("circular import removed", "builder keeps the order", "testable clock"),
        DEFAULT_COMMIT_TYPES,
    )
    assert "- circular import removed" in body
    assert "- builder keeps the order" in body
    assert "- testable clock" in body


def test_chores_and_merges_are_left_out() -> None:
    body = grouped_subjects(
        commits(
            "chore: bump deps",
            "chore(deps): bump lodash",
            "docs: explain --auto",
            "ci bump the runner",
            "docs update",
            "Merge branch 'main' into x",
            "feat(api): add a flag",
            "fix: a crash",
            "Fix the other crash",
        ),
        DEFAULT_COMMIT_TYPES,
    )
    assert body.splitlines() == [
        "### Changed",
        "",
        "- Fix the other crash",
        "",
        "### Added",
        "",
        "- **api:** add a flag",
        "",
        "### Fixed",
        "",
        "- a crash",
    ]
