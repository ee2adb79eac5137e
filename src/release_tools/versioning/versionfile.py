"""A version kept in a file a build backend reads it from, without running code.

Three ways of keeping it, each read and replaced by a pure text transform:

* ``assignment``: a Python assignment of a string (``__version__ = "1.2.3"``, also ``VERSION``
  and ``version``), the way setuptools' ``attr`` and pdm's ``file`` source find it;
* ``text``: the whole file is the version, blank space around it aside (setuptools' ``file``
  directive reads the file and strips it);
* ``pattern``: the ``version`` group of a regular expression's first match, searched line by
  line (hatch's ``regex`` source, whose default pattern takes ``__version__`` or ``VERSION``
  set to a string, a leading ``v`` left out of the version).

A replacement keeps every other byte of the file: the layout around a plain version, the
quotes and the ``v`` of an assignment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from release_tools.errors import VersionError

__all__ = ["HATCH_PATTERN", "VersionFile"]

#: hatch's default: ``__version__`` or ``VERSION`` (any case) set to a string, an optional
#: ``v`` before the version. A type annotation, which hatch would not match, is allowed too.
HATCH_PATTERN = (
    r"""(?i)^[ \t]*(?:__version__|VERSION)[ \t]*(?::[^=\n]*)?=[ \t]*(['"])v?"""
    r"""(?P<version>[^'"\n]+?)\1"""
)

_ASSIGNMENT = re.compile(
    r"""^\s*(?:__version__|VERSION|version)\s*(?::\s*str\s*)?=\s*(['"])(?P<version>[^'"]+)\1""",
    re.MULTILINE,
)

#: A plain version file larger than this holds more than a version.
_TEXT_LIMIT = 256


@dataclass(frozen=True, slots=True)
class VersionFile:
    """The file a Python project's dynamic version is read from, and how it holds it."""

    path: Path
    kind: Literal["assignment", "text", "pattern"] = "assignment"
    #: The regular expression of the ``pattern`` kind, with a ``version`` group.
    pattern: str = HATCH_PATTERN

    def read(self) -> str | None:
        """The version the file holds, None when it is missing, unreadable or holds none."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None
        return self.version_in(text)

    def version_in(self, text: str) -> str | None:
        """The version ``text`` (the file's content) holds, else None."""
        if self.kind == "text":
            value = text.strip()
            if len(text) > _TEXT_LIMIT or not value or any(c.isspace() for c in value):
                return None
            return value
        match = self._match(text)
        return match["version"] if match is not None else None

    def set_version(self, text: str, version: str, *, source: str) -> str:
        """``text`` with its version replaced by ``version``; VersionError (naming ``source``)
        when it holds no version to replace."""
        if self.kind == "text":
            if self.version_in(text) is None:
                raise VersionError(
                    f"{source}: the version file must hold the version alone, nothing else"
                )
            start = len(text) - len(text.lstrip())
            end = len(text.rstrip())
            return text[:start] + version + text[end:]
        if self.kind == "pattern" and _compiled(self.pattern) is None:
            raise VersionError(
                f"{source}: the version pattern {self.pattern!r} is not a regular expression "
                "with a 'version' group"
            )
        match = self._match(text)
        if match is None:
            raise VersionError(f"{source}: no version found to replace")
        return text[: match.start("version")] + version + text[match.end("version") :]

    def _match(self, text: str) -> re.Match[str] | None:
        if self.kind == "assignment":
            return _ASSIGNMENT.search(text)
        compiled = _compiled(self.pattern)
        return compiled.search(text) if compiled is not None else None


def _compiled(pattern: str) -> re.Pattern[str] | None:
    """``pattern`` compiled to search line by line, None unless it has a ``version`` group."""
    try:
        compiled = re.compile(pattern, re.MULTILINE)
    except (re.error, RecursionError, OverflowError):
        return None
    return compiled if "version" in compiled.groupindex else None
