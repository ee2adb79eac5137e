"""Version variables: copies of the version that a project keeps in files of its own.

A ``version_variables`` entry (``path:variable``, as python-semantic-release spells it, with an
optional ``:nf`` for the bare version or ``:tf`` for the tag) names a file and a variable in it;
a release replaces every assignment of that variable, whatever the syntax: Python (``x = "1"``,
``x: str = "1"``), YAML and JSON (``x: 1``, ``"x": "1"``) or Go (``x := "1"``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Literal

from release_tools.errors import ConfigError, VersionError

__all__ = ["VersionVariable", "parse_version_variable", "set_version_variable"]


@dataclass(frozen=True, slots=True)
class VersionVariable:
    """One ``version_variables`` entry: ``path:variable`` with an optional ``:nf``/``:tf``."""

    path: str
    variable: str
    #: ``nf`` writes the bare version, ``tf`` the tag (as python-semantic-release allows).
    format: Literal["nf", "tf"] = "nf"


def parse_version_variable(entry: str) -> VersionVariable:
    """Parse a ``path:variable[:nf|tf]`` setting entry; a ConfigError names a bad one."""
    parts = entry.split(":")
    fmt: Literal["nf", "tf"] = "nf"
    if len(parts) == 3 and parts[2] in ("nf", "tf"):
        fmt = "nf" if parts[2] == "nf" else "tf"
        parts = parts[:2]
    if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
        raise ConfigError(f"version_variables: expected 'path:variable[:nf|tf]', got {entry!r}")
    path = PurePosixPath(parts[0].strip())
    if path.is_absolute() or ".." in path.parts:
        raise ConfigError(f"version_variables: path must stay inside the repository: {entry!r}")
    return VersionVariable(path.as_posix(), parts[1].strip(), fmt)


def _variable_pattern(variable: str, fmt: str) -> re.Pattern[str]:
    name = re.escape(variable)
    value = r"[0-9][0-9A-Za-z.+-]*" if fmt == "nf" else r"[^'\"\s,;]+"
    # name = "x", name: str = "x" (Python), name := x, name: "x" (YAML/JSON), "name": "x"
    return re.compile(
        rf"(?P<head>(?<![\w.-])(?P<q1>['\"]?){name}(?P=q1)"
        rf"\s*(?:(?::\s*[\w.\[\]|, ]+?\s*)?=|:=|:)\s*(?P<q2>['\"]?))"
        rf"(?P<value>{value})(?P=q2)"
    )


def set_version_variable(text: str, variable: str, value: str, *, fmt: str, source: str) -> str:
    """Replace every assignment of ``variable`` in ``text`` with ``value``."""
    pattern = _variable_pattern(variable, fmt)
    new, count = pattern.subn(
        lambda m: f"{m['head']}{value}{m['q2']}",
        text,
    )
    if count == 0:
        raise VersionError(f"{source}: no assignment of {variable!r} with a version found")
    return new
