"""Semantic versions: parse, compare, bump; PEP 440 spelling for Python projects.

A :class:`Version` holds the semver triple, an optional prerelease (``("rc", 1)`` style
identifiers) and build metadata. In-development versions are prereleases of the version they
lead to: PEP 440's ``8.5.0.dev`` / ``.dev0`` is ``("dev", 0)``, semver's ``-dev`` and Maven-style
``-SNAPSHOT`` parse as they are, so releasing one finalises it (``8.5.0.dev`` -> ``8.5.0``).
It renders in either scheme: semver (``1.2.0-rc.1``) or PEP 440 (``1.2.0rc1``), so one bump
routine serves npm, Cargo and Python projects.

A version written with two numbers (``24.0``, ``v2.1``: PEP 440 allows it, and projects such
as pip release so) is ``X.Y.0``, equal to it, and keeps its form in PEP 440: it is written
back with two numbers while its patch is 0, and so are the versions bumped or finalised from
it (``1.2`` -> ``1.3``; a patch release is ``1.3.1``). A semantic version always has three
numbers (npm and Cargo refuse fewer), so the semver spelling writes it in full (``1.3.0``).

A calendar version written with zero-padded numbers (``2024.02.02``, which PEP 440 reads as
``2024.2.2``) keeps its padding in PEP 440 the same way: the versions that follow it are padded
too. Semver forbids leading zeros: its spelling has none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import total_ordering
from typing import Literal

from packaging.version import InvalidVersion
from packaging.version import Version as Pep440Version

from release_tools.errors import VersionError
from release_tools.versioning.bump import Bump

__all__ = [
    "PRERELEASE_TYPES",
    "RELEASE_TYPES",
    "ReleaseType",
    "Scheme",
    "Version",
    "bump_version",
    "check_identifier",
    "increment",
    "is_pep440",
    "is_semver",
    "jump",
    "manifest_version_problem",
    "release_type_rank",
]

Scheme = Literal["semver", "pep440"]

#: What a version plan may ask for (the types of npm's ``semver.inc`` that Nx plans accept).
ReleaseType = Literal["major", "minor", "patch", "premajor", "preminor", "prepatch", "prerelease"]
#: Lowest to highest: when several plans name one project, the highest type wins, as in Nx.
RELEASE_TYPES: tuple[ReleaseType, ...] = (
    "prerelease",
    "prepatch",
    "patch",
    "preminor",
    "minor",
    "premajor",
    "major",
)
PRERELEASE_TYPES: frozenset[str] = frozenset({"premajor", "preminor", "prepatch", "prerelease"})

_SEMVER = re.compile(
    r"^v?(?P<major>0|[1-9]\d*)\.(?P<minor>0|[1-9]\d*)\.(?P<patch>0|[1-9]\d*)"
    r"(?:-(?P<pre>[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?"
    r"(?:\+(?P<build>[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$"
)
# SemVer 2.0.0 exactly, as npm's and Cargo's parsers read it: no leading zeros in the numbers or
# in numeric prerelease identifiers, no empty identifiers, all three numbers present.
_NUMERIC = r"(?:0|[1-9]\d*)"
_PRE_IDENTIFIER = rf"(?:{_NUMERIC}|\d*[A-Za-z-][0-9A-Za-z-]*)"
_STRICT_SEMVER = re.compile(
    rf"{_NUMERIC}\.{_NUMERIC}\.{_NUMERIC}"
    rf"(?:-{_PRE_IDENTIFIER}(?:\.{_PRE_IDENTIFIER})*)?"
    r"(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?"
)
_PEP440_PRE = {"a": "alpha", "b": "beta", "rc": "rc"}
# A version whose second or third number is written with a leading zero (``2024.02.02``).
_PADDED = re.compile(r"v?\d+\.(?:0\d|\d+\.0\d)")
_SEMVER_TO_PEP440 = {"alpha": "a", "a": "a", "beta": "b", "b": "b", "rc": "rc", "pre": "rc"}


def is_semver(text: str) -> bool:
    """Whether ``text`` is a valid SemVer 2.0.0 version (``1.2.3-rc.1+build``), nothing looser.

    :meth:`Version.parse` is lenient on purpose (tags such as ``v1.2`` or ``1.2rc1``); this is
    the check for what an npm or Cargo manifest may hold.
    """
    return _STRICT_SEMVER.fullmatch(text) is not None


def is_pep440(text: str) -> bool:
    """Whether ``text`` is a valid PEP 440 version (``1.0``, ``2.0rc1``, ``1!2.0.post1``...)."""
    try:
        Pep440Version(text)
    except InvalidVersion:
        return False
    return True


def manifest_version_problem(
    value: str, ecosystem: Literal["npm", "cargo", "python"]
) -> str | None:
    """Why ``value`` is not a version ``ecosystem``'s manifests accept ("is not a valid semantic
    version"); None when it is. SemVer 2.0.0 for npm (whose parser trims and drops one leading
    ``v``) and Cargo, PEP 440 for Python (where ``1.0`` is valid)."""
    if ecosystem == "python":
        valid, spelling = is_pep440(value), "PEP 440"
    elif ecosystem == "npm":
        valid, spelling = is_semver(value.strip().removeprefix("v")), "semantic"
    else:
        valid, spelling = is_semver(value), "semantic"
    return None if valid else f"is not a valid {spelling} version"


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
    #: How many numbers the version is written with: 2 (``1.2``) or 3. Not part of its value.
    parts: int = field(default=3, repr=False, compare=False)
    #: The fewest digits the second and third numbers are written with: 2 when they are
    #: zero-padded (``2024.02.02``), else 1. Not part of its value.
    width: int = field(default=1, repr=False, compare=False)

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
        if pv.epoch or pv.post is not None or len(pv.release) > 3:
            raise VersionError(f"unsupported version form for semantic bumps: {text!r}")
        if pv.dev is not None and pv.pre:
            raise VersionError(f"unsupported version form for semantic bumps: {text!r}")
        release = (*pv.release, 0, 0)[:3]
        pre440: tuple[str | int, ...] = ()
        if pv.pre:
            pre440 = (_PEP440_PRE[pv.pre[0]], pv.pre[1])
        elif pv.dev is not None:
            pre440 = ("dev", pv.dev)
        parts = 2 if len(pv.release) == 2 else 3
        width = 2 if _PADDED.match(raw) else 1
        return cls(release[0], release[1], release[2], pre440, pv.local, parts, width)

    @property
    def is_prerelease(self) -> bool:
        return bool(self.pre)

    @property
    def in_development(self) -> bool:
        """Whether this is an in-development version (``.devN``, ``-dev``, ``-SNAPSHOT``)."""
        return bool(self.pre) and str(self.pre[0]).lower() in ("dev", "snapshot")

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
        """The version spelled in ``scheme``, with two numbers when it is written so (see the
        module docstring)."""
        width = self.width if scheme == "pep440" else 1
        minor, patch = f"{self.minor:0{width}d}", f"{self.patch:0{width}d}"
        if scheme == "pep440" and self.parts == 2 and self.patch == 0:
            base = f"{self.major}.{minor}"
        else:
            base = f"{self.major}.{minor}.{patch}"
        if scheme == "pep440":
            if self.pre and str(self.pre[0]).lower() == "dev":
                number = self.pre[1] if len(self.pre) > 1 and isinstance(self.pre[1], int) else 0
                return f"{base}.dev{number}"
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

    On 0.x a breaking change bumps the minor unless ``major_on_zero`` is set, in which case it
    releases 1.0.0 (the option python-semantic-release names the same way). A prerelease is
    finalised when the bump does not go past it (``1.0.0-rc.1`` + minor -> ``1.0.0``), the
    convention of npm's ``semver.inc``.
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
        return replace(current, major=current.major + 1, minor=0, patch=0, pre=(), build=None)
    if bump is Bump.MINOR:
        return replace(current, minor=current.minor + 1, patch=0, pre=(), build=None)
    return replace(current, patch=current.patch + 1, pre=(), build=None)


# Prerelease labels that mean the same in both spellings (PEP 440 knows only a, b and rc).
_PRE_ALIASES = {"a": "alpha", "alpha": "alpha", "b": "beta", "beta": "beta", "c": "rc", "rc": "rc"}


def release_type_rank(release_type: str) -> int:
    """Position of ``release_type`` in :data:`RELEASE_TYPES` (higher wins)."""
    try:
        return RELEASE_TYPES.index(release_type)
    except ValueError as exc:
        raise VersionError(f"unknown release type {release_type!r}") from exc


def _same_label(left: str | int, right: str) -> bool:
    if isinstance(left, int):
        return False
    return _PRE_ALIASES.get(left.lower(), left) == _PRE_ALIASES.get(right.lower(), right)


_IDENTIFIER = re.compile(r"[0-9A-Za-z-]+")


def check_identifier(identifier: str) -> str:
    """``identifier`` if it is a valid semver prerelease identifier; VersionError otherwise.

    Semver 9: ASCII alphanumerics and hyphens, not empty, and a numeric identifier has no
    leading zero (``01`` would make ``1.1.0-01.0``, which no semver parser accepts).
    """
    if not _IDENTIFIER.fullmatch(identifier):
        raise VersionError(
            f"invalid prerelease identifier {identifier!r}: use letters, digits and '-' only"
        )
    if identifier.isdigit() and len(identifier) > 1 and identifier.startswith("0"):
        raise VersionError(
            f"invalid prerelease identifier {identifier!r}: a numeric identifier cannot have "
            "a leading zero"
        )
    return identifier


def increment(
    current: Version,
    release_type: ReleaseType,
    *,
    identifier: str = "rc",
    first: int = 0,
    scheme: Scheme = "semver",
) -> Version:
    """The version after ``current`` for an explicit release type, as npm's ``semver.inc``.

    ``major``/``minor``/``patch`` are taken literally (a plan that says major means 1.0.0 on
    0.x) and finalise a prerelease that does not need to move further. ``pre*`` types start a
    prerelease ``<core>-<identifier>.<first>`` (``first`` is 1 for Python projects, whose
    ``1.0.0rc1`` convention counts from one). ``prerelease`` counts up an existing prerelease
    with the same identifier, switches identifier otherwise, and acts as ``prepatch`` on a final
    version. Errors spell versions in ``scheme``, the way the project writes them.
    """
    if release_type in ("major", "minor", "patch"):
        return bump_version(current, Bump[release_type.upper()], major_on_zero=True)
    check_identifier(identifier)
    start: tuple[str | int, ...] = (identifier, first)
    if release_type == "premajor":
        return replace(current, major=current.major + 1, minor=0, patch=0, pre=start, build=None)
    if release_type == "preminor":
        return replace(current, minor=current.minor + 1, patch=0, pre=start, build=None)
    if release_type == "prepatch" or not current.pre:
        return replace(current, patch=current.patch + 1, pre=start, build=None)
    if release_type != "prerelease":
        raise VersionError(f"unknown release type {release_type!r}")
    pre = current.pre
    if _same_label(pre[0], identifier):
        if isinstance(pre[-1], int) and len(pre) > 1:
            nxt = replace(current, pre=(*pre[:-1], pre[-1] + 1), build=None)
        else:
            nxt = replace(current, pre=(*pre, first), build=None)
    else:
        nxt = replace(current, pre=start, build=None)
    if not current < nxt:
        raise VersionError(
            f"prerelease {identifier!r} after {current.render(scheme)} would not be a higher "
            "version"
        )
    return nxt


def jump(old: Version, new: Version) -> Bump:
    """The level of the step from ``old`` to ``new``: the first of major / minor / patch that
    differs, PATCH for any other difference (a prerelease finalised), NONE for equal versions."""
    if new.major != old.major:
        return Bump.MAJOR
    if new.minor != old.minor:
        return Bump.MINOR
    return Bump.PATCH if new != old else Bump.NONE
