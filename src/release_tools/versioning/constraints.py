"""Does a dependency requirement admit a version? Cargo, npm and Python (PEP 440) spellings.

Used after a release to tell which workspace packages still point at the old version of a
released sibling. Each function answers True or False, or None when it
cannot read the requirement (a git URL, a tag, an exotic syntax): the caller then says it could
not check, rather than guessing.

The rules are the package managers' documented ones, reduced to what matters for internal
dependencies: Cargo's default caret, ``~``, ``=``, comparisons and ``*`` wildcards; npm's
``||`` sets, hyphen ranges, x-ranges, ``^``, ``~`` and comparisons (``workspace:`` stripped);
PEP 440 specifiers through :mod:`packaging`. npm's prerelease rule is applied: a comparator set
admits a prerelease only when one of its comparators names a prerelease of the same
``major.minor.patch`` (``^1.1.0-beta.0`` admits ``1.1.0-beta.3``; ``^1.0.0`` and ``*`` do not
admit ``1.1.0-beta.0``), so a dependent that npm would not resolve to a sibling's prerelease is
seen as out of range. Cargo requirements compare prereleases by semver order only.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion
from packaging.version import Version as Pep440Version

from release_tools.errors import VersionError
from release_tools.versioning.semver import Version

__all__ = ["cargo_admits", "npm_admits", "npm_floor", "python_admits"]

# op, then 1-3 numeric (or wildcard) parts, then an optional prerelease.
_COMPARATOR = re.compile(
    r"^(?P<op>\^|~>?|=|==|>=|<=|>|<)?\s*v?"
    r"(?P<major>\d+|[xX*])(?:\.(?P<minor>\d+|[xX*]))?(?:\.(?P<patch>\d+|[xX*]))?"
    r"(?:-(?P<pre>[0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$"
)

_Test = Callable[[Version], bool]


def _part(value: str | None) -> int | None:
    return None if value is None or value in "xX*" else int(value)


def _v(major: int, minor: int = 0, patch: int = 0) -> Version:
    return Version.parse(f"{major}.{minor}.{patch}")


def _between(low: Version, high: Version | None) -> _Test:
    return lambda v: low <= v and (high is None or v < high)


def _caret(major: int, minor: int | None, patch: int | None, pre: str | None) -> _Test:
    low = _floor(major, minor, patch, pre)
    if major > 0 or minor is None:
        return _between(low, _v(major + 1))
    if minor > 0 or patch is None:
        return _between(low, _v(0, minor + 1))
    return _between(low, _v(0, 0, patch + 1))


def _tilde(major: int, minor: int | None, patch: int | None, pre: str | None) -> _Test:
    low = _floor(major, minor, patch, pre)
    return _between(low, _v(major + 1) if minor is None else _v(major, minor + 1))


def _floor(major: int, minor: int | None, patch: int | None, pre: str | None) -> Version:
    text = f"{major}.{minor or 0}.{patch or 0}" + (f"-{pre}" if pre else "")
    return Version.parse(text)


def _partial_range(major: int, minor: int | None, patch: int | None) -> _Test:
    """``1`` or ``1.2`` as an exact requirement means every version starting so."""
    if minor is None:
        return _between(_v(major), _v(major + 1))
    if patch is None:
        return _between(_v(major, minor), _v(major, minor + 1))
    target = _v(major, minor, patch)
    return lambda v: v == target


def _comparator(text: str, default_op: str) -> _Test | None:
    match = _COMPARATOR.match(text.strip())
    if match is None:
        return None
    op = match["op"] or default_op
    major, minor, patch = _part(match["major"]), _part(match["minor"]), _part(match["patch"])
    pre = match["pre"]
    if major is None:
        return (lambda v: True) if op in ("", "=", "==", ">=", "^", "~") else None
    if minor is None:
        patch = None
    if op == "^":
        return _caret(major, minor, patch, pre)
    if op in ("~", "~>"):
        return _tilde(major, minor, patch, pre)
    if op in ("", "=", "=="):
        if pre and minor is not None and patch is not None:
            exact = _floor(major, minor, patch, pre)
            return lambda v: v == exact
        return _partial_range(major, minor, patch)
    if op in (">", "<="):
        # "> 1.2" means past every 1.2.x; "<= 1.2" admits every 1.2.x.
        if minor is None:
            bound = _v(major + 1)
        elif patch is None:
            bound = _v(major, minor + 1)
        else:
            bound = _floor(major, minor, patch, pre)
            return (lambda v: v > bound) if op == ">" else (lambda v: v <= bound)
        return (lambda v: v >= bound) if op == ">" else (lambda v: v < bound)
    low = _floor(major, minor, patch, pre)
    return (lambda v: v >= low) if op == ">=" else (lambda v: v < low)


def _parse(version: str) -> Version | None:
    try:
        return Version.parse(version)
    except VersionError:
        return None


def cargo_admits(requirement: str, version: str) -> bool | None:
    """Whether a Cargo version requirement (``0.4``, ``>=0.4, <0.5``, ``=1.2.3``) admits."""
    target = _parse(version)
    if target is None or not requirement.strip():
        return None
    tests = [_comparator(part, "^") for part in requirement.split(",")]
    if any(t is None for t in tests):
        return None
    return all(t(target) for t in tests if t is not None)


def _names_prerelease_of(part: str, target: Version) -> bool:
    """Whether the comparator ``part`` names a prerelease of ``target``'s ``major.minor.patch``."""
    match = _COMPARATOR.match(part.strip())
    if match is None or not match["pre"]:
        return False
    numbers = (_part(match["major"]), _part(match["minor"]), _part(match["patch"]))
    return numbers == target.core


def _npm_set(text: str, target: Version) -> bool | None:
    text = text.strip()
    if text == "latest":
        return None
    if text in ("", "*", "x", "X"):
        return not target.pre
    hyphen = re.fullmatch(r"(\S+)\s+-\s+(\S+)", text)
    if hyphen:
        parts = [">=" + hyphen[1], "<=" + hyphen[2]]
    else:
        # "> = 1.2" is legal npm: glue operators to their versions before splitting on spaces.
        parts = re.sub(r"(\^|~>?|>=|<=|>|<|=)\s+", r"\1", text).split()
    tests = [_comparator(part, "") for part in parts]
    if any(t is None for t in tests):
        return None
    if not all(t(target) for t in tests if t is not None):
        return False
    # Admitted by order; a prerelease also needs a comparator that opted in to its line.
    return not target.pre or any(_names_prerelease_of(part, target) for part in parts)


def npm_admits(spec: str, version: str) -> bool | None:
    """Whether an npm dependency range (``^1.2.0``, ``>=1 <2 || 3.x``) admits ``version``."""
    target = _parse(version)
    if target is None:
        return None
    spec = spec.strip()
    if spec.startswith("workspace:"):
        spec = spec[len("workspace:") :]
        if spec in ("*", "^", "~"):
            return True  # pnpm/yarn: whatever version the workspace package has
    if spec.startswith("npm:") or ":" in spec or "/" in spec:
        return None  # aliases, file:, link:, git and URLs: not a version range
    answers = [_npm_set(alternative, target) for alternative in spec.split("||")]
    if any(answer is True for answer in answers):
        return True
    return None if any(answer is None for answer in answers) else False


def _set_floor(text: str) -> Version | None:
    """The lowest version one ``||`` alternative admits by order, 0.0.0 without a lower bound;
    None when it cannot be read."""
    text = text.strip()
    if text in ("", "*", "x", "X"):
        return _v(0)
    hyphen = re.fullmatch(r"(\S+)\s+-\s+(\S+)", text)
    parts = (
        [">=" + hyphen[1], "<=" + hyphen[2]]
        if hyphen
        else re.sub(r"(\^|~>?|>=|<=|>|<|=)\s+", r"\1", text).split()
    )
    floor = _v(0)
    for part in parts:
        match = _COMPARATOR.match(part)
        if match is None:
            return None
        op = match["op"] or ""
        major, minor, patch = _part(match["major"]), _part(match["minor"]), _part(match["patch"])
        if major is None or op in ("<", "<="):
            continue  # a wildcard or an upper bound raises no floor
        if minor is None:
            patch = None
        if op != ">":
            low = _floor(major, minor, patch, match["pre"])
        elif minor is None:
            low = _v(major + 1)  # "> 1" is past every 1.x
        elif patch is None:
            low = _v(major, minor + 1)
        elif match["pre"]:
            low = _floor(major, minor, patch, match["pre"])
        else:
            low = _v(major, minor, patch + 1)
        floor = max(floor, low)
    return floor


def npm_floor(spec: str) -> Version | None:
    """The lowest version an npm range (``^2.27.0``, ``>=2 <4``, ``2.x || ^3.0.0``) admits by
    order (0.0.0 when nothing bounds it from below); None for what is no plain range: a
    dist-tag, ``workspace:``, ``catalog:``, an ``npm:`` alias, a path or URL. Whether the
    range admits anything at all is not checked."""
    spec = spec.strip()
    if ":" in spec or "/" in spec:
        return None
    floors = [_set_floor(alternative) for alternative in spec.split("||")]
    known = [floor for floor in floors if floor is not None]
    if len(known) != len(floors):
        return None
    return min(known)


def python_admits(specifier: str, version: str) -> bool | None:
    """Whether a PEP 440 specifier set (``>=1.0,<2``, ``==1.2.*``) admits ``version``."""
    try:
        specs = SpecifierSet(specifier)
        target = Pep440Version(version)
    except (InvalidSpecifier, InvalidVersion):
        return None
    return specs.contains(target, prereleases=True)
