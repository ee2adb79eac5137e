"""The commit-type table a release uses: the built-in one with the configured types over it."""

from __future__ import annotations

from release_tools.config import Settings
from release_tools.versioning.bump import Bump
from release_tools.versioning.commit_types import DEFAULT_COMMIT_TYPES, CommitTypes, Section

__all__ = ["commit_types"]

_BUMPS = {"major": Bump.MAJOR, "minor": Bump.MINOR, "patch": Bump.PATCH, "none": Bump.NONE}


def commit_types(settings: Settings) -> CommitTypes:
    """The table for ``settings.commit_types`` (the built-in table when none is configured)."""
    if not settings.commit_types:
        return DEFAULT_COMMIT_TYPES
    overrides: dict[str, tuple[Bump | None, Section | None]] = {}
    for name, spec in settings.commit_types.items():
        known = DEFAULT_COMMIT_TYPES.get(name)
        bump = _BUMPS[spec.bump] if spec.bump else (known.bump if known else None)
        section: Section | None = known.section if known is not None else None
        if spec.section is not None:
            section = spec.section or None
        overrides[name] = (bump, section)
    return DEFAULT_COMMIT_TYPES.with_overrides(overrides)
