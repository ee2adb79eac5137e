"""The kinds of version bump, ordered so that the strongest wins, and their two spellings.

A bump has two names in output: its own (:attr:`Bump.word`: ``none`` when nothing is to be
released), which evidence and the model's answers use, and the report's version type
(:attr:`Bump.label`: ``unknown`` for the same). :meth:`Bump.parse` reads both.
"""

from __future__ import annotations

import enum
from typing import Literal

__all__ = ["Bump", "BumpName", "VersionType"]

#: A bump by its own name; ``none`` means nothing a user can see changed.
BumpName = Literal["major", "minor", "patch", "none"]
#: A bump as the report's ``version_type`` names it; ``unknown`` means nothing to release.
VersionType = Literal["major", "minor", "patch", "unknown"]


class Bump(enum.IntEnum):
    """A semantic-version bump, ordered so that ``max()`` picks the strongest."""

    NONE = 0
    PATCH = 1
    MINOR = 2
    MAJOR = 3

    @property
    def label(self) -> VersionType:
        """The report's version type: ``unknown`` for NONE (nothing to release)."""
        return _LABELS[self]

    @property
    def word(self) -> BumpName:
        """The bump's own name: ``none`` for NONE."""
        return _WORDS[self]

    @classmethod
    def parse(cls, text: str) -> Bump:
        """The bump either spelling names (case and surrounding blanks ignored)."""
        text = text.strip().lower()
        if text in ("unknown", "none", ""):
            return cls.NONE
        return cls[text.upper()]


_WORDS: dict[Bump, BumpName] = {
    Bump.NONE: "none",
    Bump.PATCH: "patch",
    Bump.MINOR: "minor",
    Bump.MAJOR: "major",
}
_LABELS: dict[Bump, VersionType] = {
    Bump.NONE: "unknown",
    Bump.PATCH: "patch",
    Bump.MINOR: "minor",
    Bump.MAJOR: "major",
}
