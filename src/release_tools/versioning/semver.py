"""Semantic versions: parse, compare, bump; PEP 440 spelling for Python projects.

A :class:`Version` holds the semver triple, an optional prerelease (``("rc", 1)`` style
identifiers) and build metadata. It renders in either scheme: semver (``1.2.0-rc.1``) or PEP 440
(``1.2.0rc1``), so one bump routine serves npm, Cargo and Python projects.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import total_ordering
from typing import Literal

from packaging.version import InvalidVersion
from packaging.version import Version as Pep440Version

from release_tools.analysis.models import Bump
from release_tools.errors import VersionError

__all__ = ["Scheme", "Version", "bump_version"]

Scheme = Literal["semver", "pep440"]

_SEMVER = re.compile(
    r"^v?(?P<major>0|[1-9]\d*)\.(?P<minor>0|[1-9]\d*)\.(?P<patch>0|[1-9]\d*)"
    r"(?:-(?P<pre>[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?"
    r"(?:\+(?P<build>[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$"
)
_PEP440_PRE = {"a": "alpha", "b": "beta", "rc": "rc"}
_SEMVER_TO_PEP440 = {"alpha": "a", "a": "a", "beta": "b", "b": "b", "rc": "rc", "pre": "rc"}


def _pre_key(pre: tuple[str | int, ...]) -> tuple[tuple[int, int | str], ...]:
    # semver 11.4: numeric identifiers sort before alphanumeric ones.
    return tuple((0, p) if isinstance(p, int) else (1, p) for p in pre)


@total_ordering
@dataclass(frozen=True, slots=True)
class Version:
    major: int
    minor: int
    patch: int
    pre: tuple[str | int, ...] = ()
    build: str | None = None

    @classmethod
    def parse(cls, text: str) -> Version:
        """Parse semver (``1.2.3-rc.1``), PEP 440 finals/prereleases (``1.2rc1``) or ``v1.2.3``."""
        raw = text.strip()
        match = _SEMVER.match(raw)
        if match:
            pre: tuple[str | int, ...] = ()
            if match["pre"]:
                pre = tuple(int(p) if p.isdigit() else p for p in match["pre"].split("."))
            return cls(
                int(match["major"]), int(match["minor"]), int(match["patch"]), pre, match["build"]
            )
        try:
            pv = Pep440Version(raw)
        except InvalidVersion as exc:
            raise VersionError(f"not a version: {text!r}") from exc
        if pv.epoch or pv.post is not None or pv.dev is not None or len(pv.release) > 3:
            raise VersionError(f"unsupported version form for semantic bumps: {text!r}")
        release = (*pv.release, 0, 0)[:3]
        pre440: tuple[str | int, ...] = ()
        if pv.pre:
            pre440 = (_PEP440_PRE[pv.pre[0]], pv.pre[1])
        return cls(release[0], release[1], release[2], pre440, pv.local)

    @property
    def is_prerelease(self) -> bool:
        return bool(self.pre)

    @property
    def core(self) -> tuple[int, int, int]:
        return (self.major, self.minor, self.patch)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Version):
            return NotImplemented
        if self.core != other.core:
            return self.core < other.core
        if not self.pre or not other.pre:
            # A prerelease sorts before its final release.
            return bool(self.pre) and not other.pre
        return _pre_key(self.pre) < _pre_key(other.pre)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Version):
            return NotImplemented
        return self.core == other.core and self.pre == other.pre

    def __hash__(self) -> int:
        return hash((self.core, self.pre))

    def render(self, scheme: Scheme = "semver") -> str:
        base = f"{self.major}.{self.minor}.{self.patch}"
        if scheme == "pep440":
            if self.pre:
                label = str(self.pre[0])
                number = self.pre[1] if len(self.pre) > 1 and isinstance(self.pre[1], int) else 0
                short = _SEMVER_TO_PEP440.get(label, "rc")
                base = f"{base}{short}{number}"
            return base
        if self.pre:
            base = f"{base}-{'.'.join(str(p) for p in self.pre)}"
        if self.build:
            base = f"{base}+{self.build}"
        return base

    def __str__(self) -> str:
        return self.render()

    def finalize(self) -> Version:
        return replace(self, pre=(), build=None)


def bump_version(current: Version, bump: Bump, *, major_on_zero: bool = False) -> Version:
    """The next final version after ``current`` for ``bump``.

    On 0.x a breaking change bumps the minor unless ``major_on_zero`` (as in
    python-semantic-release). A prerelease is finalised when the bump does not go past it
    (``1.0.0-rc.1`` + minor -> ``1.0.0``), the convention of npm's ``semver.inc``.
    """
    if bump is Bump.NONE:
        return current
    if bump is Bump.MAJOR and current.major == 0 and not major_on_zero:
        bump = Bump.MINOR
    if current.pre:
        final = current.finalize()
        if bump is Bump.PATCH:
            return final
        if bump is Bump.MINOR and final.patch == 0:
            return final
        if bump is Bump.MAJOR and final.minor == 0 and final.patch == 0:
            return final
    if bump is Bump.MAJOR:
        return Version(current.major + 1, 0, 0)
    if bump is Bump.MINOR:
        return Version(current.major, current.minor + 1, 0)
    return Version(current.major, current.minor, current.patch + 1)
