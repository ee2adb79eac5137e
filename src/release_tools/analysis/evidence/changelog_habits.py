"""What a project's own changelog says its neutral sections ship as; pure.

A changelog records every earlier release: its version heading and the groups its entries are
filed under. Groups whose name says nothing about the level (``Improvements``,
``Enhancements``, ``Dependencies``) mean different things in different projects, but within
one project they are used alike: requests lists ``**Improvements**`` in its minor releases,
ten times out of twelve. The jump each earlier release made is read from consecutive version
headings, so the changelog alone teaches what such a group ships as, without any git history.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from packaging.version import Version

from release_tools.versioning.bump import Bump

__all__ = ["MIN_RELEASES", "RECENT", "SHARE", "Habit", "learn"]

#: Earlier releases (the newest ones, 1.0 and later) whose groups are learned from.
RECENT = 30
#: Releases listing a group needed before its jump is learned.
MIN_RELEASES = 4
#: The share of those that must have made the same jump.
SHARE = 0.75


@dataclass(frozen=True, slots=True)
class Habit:
    """A group's learned level: the jump ``agreeing`` of the ``listed`` releases that listed it
    made."""

    level: Bump
    agreeing: int
    listed: int

    def rule(self) -> str:
        return (
            f"{self.agreeing} of the {self.listed} earlier releases that listed it "
            f"shipped as {self.level.label}"
        )


def _jump(newer: Version, older: Version) -> Bump | None:
    if newer <= older or older.major == 0:
        return None
    if newer.major != older.major:
        return Bump.MAJOR
    return Bump.MINOR if newer.minor != older.minor else Bump.PATCH


def learn(releases: Sequence[tuple[Version | None, frozenset[str]]]) -> dict[str, Habit]:
    """The groups whose jump the earlier ``releases`` (newest first: the version a heading
    names, or None, and the groups the section lists) agree on, as a minor or a patch."""
    listed: dict[str, list[Bump]] = {}
    counted = 0
    for (newer, groups), (older, _older_groups) in itertools.pairwise(releases):
        if counted >= RECENT:
            break
        jump = _jump(newer, older) if newer is not None and older is not None else None
        if jump is None:
            continue
        counted += 1
        for group in groups:
            listed.setdefault(group, []).append(jump)
    habits: dict[str, Habit] = {}
    for group, jumps in listed.items():
        if len(jumps) < MIN_RELEASES:
            continue
        level, agreeing = Counter(jumps).most_common(1)[0]
        if level in (Bump.MINOR, Bump.PATCH) and agreeing >= SHARE * len(jumps):
            habits[group] = Habit(level, agreeing, len(jumps))
    return habits
