"""Files that repeat a Python project's static version in ``__version__``.

The manifest (``[project]`` or ``[tool.poetry]``) holds the version, but packages often repeat
it for use at run time: in ``<pkg>/__init__.py`` (the package named after the distribution,
or the one flit is told to build, ``[tool.flit.module] name``), or in a ``_version.py`` or
``__version__.py`` beside it, in a flat or ``src`` layout. A release moves those copies with
the manifest, but only when they still hold the old version: a different value was set on
purpose by someone, so it is reported and left alone rather than overwritten.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from release_tools.versioning.pyversion import import_name, table_at

__all__ = ["mirror_edits", "mirror_files"]

log = logging.getLogger(__name__)

Reader = Callable[[str], "str | None"]

# Checked in each package directory, in this order.
_MIRROR_NAMES = ("__init__.py", "_version.py", "__version__.py")
_ASSIGNMENT = re.compile(
    r"""^[ \t]*__version__[ \t]*(?::[^=\n]*)?=[ \t]*(?P<q>['"])(?P<v>[^'"\n]*)(?P=q)""",
    re.MULTILINE,
)


def _candidates(project_dir: Path, data: dict[str, Any]) -> list[Path]:
    """Package directories or single modules the project may ship, most likely first."""
    found: list[Path] = []
    names: list[str] = []
    flit = table_at(data, "tool", "flit", "module").get("name")
    if isinstance(flit, str) and flit.strip():
        # An import name, dotted for a package inside a namespace package.
        names.append(flit.strip().replace(".", "/"))
    for name in (
        table_at(data, "project").get("name"),
        table_at(data, "tool", "poetry").get("name"),
    ):
        if isinstance(name, str) and name.strip():
            names.append(import_name(name))
    for base in (project_dir / "src", project_dir):
        found += [base / name for name in names]
        found += [base / f"{name}.py" for name in names]
    # Poetry lists what it packages when the import name differs from the distribution name.
    packages = table_at(data, "tool", "poetry").get("packages")
    for entry in packages if isinstance(packages, list) else []:
        include = entry.get("include") if isinstance(entry, dict) else None
        if not isinstance(include, str) or any(ch in include for ch in "*?["):
            continue
        origin = entry.get("from")
        base = project_dir / origin if isinstance(origin, str) else project_dir
        found.append(base / include)
    return list(dict.fromkeys(found))


def mirror_files(project_dir: Path, data: dict[str, Any]) -> list[Path]:
    """Existing files of the project's package that may repeat its version."""
    files: list[Path] = []
    for candidate in _candidates(project_dir, data):
        if candidate.suffix == ".py":
            if candidate.is_file():
                files.append(candidate)
            continue
        files += [candidate / n for n in _MIRROR_NAMES if (candidate / n).is_file()]
    return list(dict.fromkeys(files))


def mirror_edits(
    root: Path, project_dir: Path, data: dict[str, Any], old: str, new: str, read: Reader
) -> dict[str, str]:
    """New text of each mirror file whose ``__version__`` equals ``old``; warn about others."""
    edits: dict[str, str] = {}
    for path in mirror_files(project_dir, data):
        rel = path.relative_to(root).as_posix()
        text = read(rel)
        if text is None:
            continue
        values = {m["v"] for m in _ASSIGNMENT.finditer(text)}
        if not values:
            continue
        if values == {old}:
            edits[rel] = _ASSIGNMENT.sub(
                lambda m: m[0][: m.start("v") - m.start()] + new + m["q"], text
            )
        elif values != {new}:
            log.warning(
                "%s: __version__ is %s, not the released project's old version %s; "
                "left unchanged (list it in version_variables to have it updated)",
                rel,
                " / ".join(sorted(values)),
                old,
            )
    return edits
