"""What a project's own changelog says its neutral sections ship as; pure.

A changelog records every earlier release: its version heading and the groups its entries are
filed under. Groups whose name says nothing about the level (``Improvements``,
``Enhancements``, ``Dependencies``) mean different things in different projects, but within
one project they are used alike: requests lists ``**Improvements**`` in its minor releases,
ten times out of twelve. The jump each earlier release made is read from consecutive version
headings, so the changelog alone teaches what such a group ships as, without any git history,
when the releases that list the group made one jump and those that do not list it made it
clearly less often.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from packaging.version import Version

from release_tools.versioning.bump import Bump

__all__ = ["LIFT", "MIN_RELEASES", "MIN_UNLISTED", "RECENT", "SHARE", "Habit", "learn"]

#: Earlier releases (the newest ones, 1.0 and later) whose groups are learned from.
RECENT = 30
#: Releases listing a group needed before its jump is learned.
MIN_RELEASES = 4
#: The share of those that must have made the same jump.
SHARE = 0.75
#: Releases not listing the group needed to tell that it means something ...
MIN_UNLISTED = 2
#: ... and how much less often they made that jump.
LIFT = 0.25


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


# Groups that gather whatever is left (``Other``, ``Misc``, ``Changes``) or credit people
# (``Thanks``): every kind of release lists them, so whatever they agree on is chance.
_CATCH_ALL = re.compile(
    r"\b(?:others?|misc|miscellaneous|internals?|maintenance|chores?|general|notes?|thanks|"
    r"contributors?|credits?|acknowledge?ments?|highlights|announcements?|summary)\b"
    r"|^(?:changes?|changed)$"
)


def learn(releases: Sequence[tuple[Version | None, frozenset[str]]]) -> dict[str, Habit]:
    """The groups whose jump the earlier ``releases`` (newest first: the version a heading
    names, or None, and the groups the section lists) agree on, as a minor or a patch.

    A group tells the jump only when the releases without it made that jump clearly less
    often (:data:`LIFT`): a catch-all group every release template lists ("Other") agrees with
    whatever jump is the project's most frequent one, and says nothing; groups named for what
    is left over or for thanks are not learned at all.
    """
    jumps: list[tuple[Bump, frozenset[str]]] = []
    for (newer, groups), (older, _older_groups) in itertools.pairwise(releases):
        if len(jumps) >= RECENT:
            break
        jump = _jump(newer, older) if newer is not None and older is not None else None
        if jump is not None:
            jumps.append((jump, groups))
    habits: dict[str, Habit] = {}
    for group in {g for _jump_made, groups in jumps for g in groups}:
        if _CATCH_ALL.search(group):
            continue
        listed = [jump for jump, groups in jumps if group in groups]
        unlisted = [jump for jump, groups in jumps if group not in groups]
        if len(listed) < MIN_RELEASES or len(unlisted) < MIN_UNLISTED:
            continue
        level, agreeing = Counter(listed).most_common(1)[0]
        share = agreeing / len(listed)
        elsewhere = sum(1 for jump in unlisted if jump is level) / len(unlisted)
        if level in (Bump.MINOR, Bump.PATCH) and share >= SHARE and share - elsewhere >= LIFT:
            habits[group] = Habit(level, agreeing, len(listed))
    return habits
