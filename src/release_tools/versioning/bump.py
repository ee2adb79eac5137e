"""The kinds of version bump, ordered so that the strongest wins."""

from __future__ import annotations

import enum

__all__ = ["Bump"]


class Bump(enum.IntEnum):
    """A semantic-version bump, ordered so that ``max()`` picks the strongest."""

    NONE = 0
    PATCH = 1
    MINOR = 2
    MAJOR = 3

    @property
    def label(self) -> str:
        """The name used in output: ``unknown`` for NONE (nothing to release)."""
        return "unknown" if self is Bump.NONE else self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Bump:
        text = text.strip().lower()
        if text in ("unknown", "none", ""):
            return cls.NONE
        return cls[text.upper()]
