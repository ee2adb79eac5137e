"""Which major version of changesets a workspace uses, so its rules can be followed.

``changeset version`` judges dependents differently from one major to the next (from 3.x a
``peerDependencies`` dependent is released with a patch, no longer made major), so the release
follows the workspace's own ``@changesets/cli``. The first source that names a version decides:

1. the requirement on ``@changesets/cli`` in the root ``package.json`` (``dependencies``, else
   ``devDependencies``): the major of the lowest version the range admits (``^2.27.0`` is 2,
   ``>=2 <4`` is 2). A requirement that names no version (``workspace:``, ``catalog:``, a
   dist-tag, a URL, ``*``) decides nothing;
2. the version a lock file records for it: ``package-lock.json``
   (``node_modules/@changesets/cli``), ``pnpm-lock.yaml`` (the root importer's entry, else the
   only major among its package entries) or ``yarn.lock`` (the only major among its entries);
3. the ``$schema`` URL of ``.changeset/config.json``: ``changeset init`` writes the version of
   ``@changesets/config`` it shipped with, 3.x and older by ``@changesets/cli`` 2.x, 4.x by 3.x;
4. otherwise the latest major, :data:`LATEST_MAJOR`: what ``npx changeset`` runs today.

Every file is read as text, from the work tree (:func:`changesets_major`) or through a reader
of repository-relative paths (:func:`changesets_major_of`); one that is missing, unreadable or
malformed decides nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from release_tools.versioning.semver import Version

__all__ = [
    "LATEST_MAJOR",
    "ChangesetsMajor",
    "changesets_major",
    "changesets_major_of",
    "requirement_major",
]

#: The newest major of ``@changesets/cli`` whose rules this tool follows.
LATEST_MAJOR = 3
_CLI = "@changesets/cli"
_VERSION = re.compile(r"(\d+)\.\d+\.\d+")
# A yarn.lock entry's header names descriptors such as "@changesets/cli@^2.27.0" (classic) or
# "@changesets/cli@npm:^2.27.0" (berry); its "version" line (with or without a colon) follows.
_YARN_HEADER = re.compile(r'^"?@changesets/cli@|,\s*"?@changesets/cli@')
_YARN_VERSION = re.compile(r'^\s+version:?\s+"?(\d+)\.\d+\.\d+')
# pnpm package keys: "/@changesets/cli/2.26.0" (lockfile 5), "/@changesets/cli@2.27.1" (6),
# "'@changesets/cli@2.27.1'" (9), each optionally followed by a peer suffix.
_PNPM_ENTRY = re.compile(r"""^\s+['"]?@changesets/cli['"]?:\s*(.*?)\s*$""")
_PNPM_PACKAGE = re.compile(r"""^\s+['"]?/?@changesets/cli[@/](\d+)\.\d+\.\d+""")


@dataclass(frozen=True, slots=True)
class ChangesetsMajor:
    """The major version of ``@changesets/cli`` a workspace uses, and the file that said so
    (``None`` when none did and the latest major is assumed)."""

    major: int = LATEST_MAJOR
    source: str | None = None


def requirement_major(spec: str) -> int | None:
    """The major of the lowest version the npm range ``spec`` admits; None when it names no
    version (``workspace:``, ``catalog:``, a dist-tag, a URL) or admits every one (``*``)."""
    # The range reader loads packaging's specifiers, which a run needs only for a changesets
    # workspace naming its CLI: not at the start of every analyze.
    from release_tools.versioning.constraints import npm_floor

    floor = npm_floor(spec)
    if floor is None or floor == Version(0, 0, 0):
        return None
    return floor.major


#: Reads a repository-relative path's text; None when it is missing or unreadable.
TextReader = Callable[[str], str | None]


def _json(read: TextReader, path: str) -> dict[str, Any] | None:
    text = read(path)
    if text is None:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _version_major(value: Any) -> int | None:
    """The major of a recorded version (``2.27.1``, pnpm's ``2.27.1(@types/node@20.0.0)``)."""
    match = _VERSION.match(value) if isinstance(value, str) else None
    return int(match[1]) if match else None


def _from_manifest(data: dict[str, Any]) -> int | None:
    for table in ("dependencies", "devDependencies"):
        deps = data.get(table)
        spec = deps.get(_CLI) if isinstance(deps, dict) else None
        if isinstance(spec, str):
            return requirement_major(spec)
    return None


def _from_npm_lock(read: TextReader) -> int | None:
    data = _json(read, "package-lock.json")
    if data is None:
        return None
    packages = data.get("packages")
    entry = packages.get(f"node_modules/{_CLI}") if isinstance(packages, dict) else None
    if entry is None:
        # lockfileVersion 1 keeps the installed tree under "dependencies".
        deps = data.get("dependencies")
        entry = deps.get(_CLI) if isinstance(deps, dict) else None
    return _version_major(entry.get("version")) if isinstance(entry, dict) else None


def _only(majors: set[int]) -> int | None:
    return next(iter(majors)) if len(majors) == 1 else None


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _key(line: str) -> str:
    return line.strip().split(":", 1)[0].strip().strip("'\"")


def _pnpm_importer(lines: list[str]) -> int | None:
    """The version pnpm-lock.yaml's root importer (``importers: .:``) records for the CLI, in
    a ``dependencies`` or ``devDependencies`` block: inline (lockfile 5,
    ``'@changesets/cli': 2.26.0``) or as the entry's ``version:`` (lockfile 6 and 9)."""
    try:
        start = lines.index("importers:")
    except ValueError:
        return None
    importer = None
    for index in range(start + 1, len(lines)):
        line = lines[index]
        if line.strip() and _indent(line) == 0:
            return None
        if line.strip() and _key(line) == "." and line.rstrip().endswith(":"):
            importer = index
            break
    if importer is None:
        return None
    depth = _indent(lines[importer])
    table = ""
    for index in range(importer + 1, len(lines)):
        line = lines[index]
        if not line.strip():
            continue
        if _indent(line) <= depth:
            return None
        if _indent(line) == depth + 2:
            table = _key(line)
            continue
        entry = _PNPM_ENTRY.match(line)
        if table not in ("dependencies", "devDependencies") or entry is None:
            continue
        if entry[1]:
            return _version_major(entry[1].strip("'\""))
        for below in lines[index + 1 :]:
            if below.strip() and _indent(below) <= _indent(line):
                return None
            if _key(below) == "version":
                return _version_major(below.split(":", 1)[1].strip().strip("'\""))
        return None
    return None


def _from_pnpm_lock(read: TextReader) -> int | None:
    text = read("pnpm-lock.yaml")
    if text is None:
        return None
    lines = text.splitlines()
    found = _pnpm_importer(lines)
    if found is not None:
        return found
    return _only({int(m[1]) for line in lines if (m := _PNPM_PACKAGE.match(line))})


def _from_yarn_lock(read: TextReader) -> int | None:
    text = read("yarn.lock")
    if text is None:
        return None
    majors: set[int] = set()
    inside = False
    for line in text.splitlines():
        if line and not line[0].isspace():
            inside = bool(_YARN_HEADER.search(line))
        elif inside and (match := _YARN_VERSION.match(line)):
            majors.add(int(match[1]))
            inside = False
    return _only(majors)


_SCHEMA = re.compile(r"@changesets/config@(\d+)\.")


def _from_schema(read: TextReader) -> int | None:
    """The CLI major whose ``changeset init`` wrote the config's ``$schema``: 2 for
    ``@changesets/config`` 1.x to 3.x, 3 for 4.x; None for anything newer or unreadable."""
    data = _json(read, ".changeset/config.json")
    schema = data.get("$schema") if data is not None else None
    match = _SCHEMA.search(schema) if isinstance(schema, str) else None
    if match is None:
        return None
    config = int(match[1])
    if 1 <= config <= 3:
        return 2
    return 3 if config == 4 else None


def changesets_major(root: Path) -> ChangesetsMajor:
    """The major of ``@changesets/cli`` the workspace at ``root`` uses (module docstring)."""

    def read(path: str) -> str | None:
        try:
            return (root / path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    return changesets_major_of(read)


def changesets_major_of(read: TextReader) -> ChangesetsMajor:
    """The major of ``@changesets/cli`` of the workspace whose files ``read`` returns by
    repository-relative path (module docstring)."""
    manifest = _json(read, "package.json")
    major = _from_manifest(manifest) if manifest is not None else None
    if major is not None:
        return ChangesetsMajor(major, "package.json")
    for source, lookup in (
        ("package-lock.json", _from_npm_lock),
        ("pnpm-lock.yaml", _from_pnpm_lock),
        ("yarn.lock", _from_yarn_lock),
    ):
        major = lookup(read)
        if major is not None:
            return ChangesetsMajor(major, source)
    major = _from_schema(read)
    if major is not None:
        return ChangesetsMajor(major, ".changeset/config.json")
    return ChangesetsMajor()
