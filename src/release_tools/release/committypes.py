"""The commit-type table a release uses: the built-in one with the configured types over it."""

from __future__ import annotations

from release_tools.config import Settings
from release_tools.versioning.commit_types import CommitTypes, configured_types

__all__ = ["commit_types"]


def commit_types(settings: Settings) -> CommitTypes:
    """The table for ``settings.commit_types`` (the built-in table when none is configured)."""
    return configured_types(
        {name: (spec.bump, spec.section) for name, spec in settings.commit_types.items()}
    )
