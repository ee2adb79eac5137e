"""Dated commits for calendar-versioning tests (import as ``from calver_dates import ...``)."""

from __future__ import annotations

from gitrepo import GitRepo

#: structlog-like yearly releases: (version, day of its release commit and tag).
YEARLY = [
    ("24.1.0", "2024-01-08"),
    ("24.2.0", "2024-05-27"),
    ("25.1.0", "2025-01-16"),
    ("25.2.0", "2025-03-11"),
    ("26.1.0", "2026-06-06"),
]


def commit_dated(repo: GitRepo, message: str, day: str) -> None:
    """Commit everything with author and committer dates at noon UTC of ``day``, so that a
    lightweight tag made on it is dated that day."""
    stamp = f"{day}T12:00:00+00:00"
    repo.git("add", "-A")
    repo.git(
        "commit", "-q", "--allow-empty", "-m", message,
        env={"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp},
    )  # fmt: skip
