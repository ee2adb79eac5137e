"""Include/exclude path rules with gitignore semantics.

A file is *excluded* when it matches the exclude rules, or when include rules exist and it
matches none of them. Excluded files are not dropped from the change list: they keep their path,
kind and line counts (a docs-only change is still a patch), only their content is not analyzed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import pathspec
from pathspec.util import normalize_file

from release_tools.config import Settings
from release_tools.errors import ConfigError

__all__ = ["PathFilter"]


#: The flags of an expression pathspec compiles from a line (text patterns: Unicode only).
_FLAGS = re.compile("").flags


class _Matcher:
    """A gitignore-style rule set: ``match_file(path)`` says whether ``path`` matches it.

    Without a negated line (``!keep.md``) a path matches when any line matches it, so the
    lines' expressions are joined into one and a path costs one search instead of one per line
    (the default exclusions are forty lines, asked about every file of a range). With one, the
    order of the lines matters and pathspec decides, line by line.
    """

    def __init__(self, spec: pathspec.GitIgnoreSpec) -> None:
        self._spec = spec
        self._joined: re.Pattern[str] | None = None
        expressions: list[str] = []
        for pattern in spec.patterns:
            regex = getattr(pattern, "regex", None)
            if pattern.include is None:
                continue  # a comment or a blank line
            if not pattern.include or not isinstance(regex, re.Pattern) or regex.flags != _FLAGS:
                return
            # The directory-marker group is named in every line's expression: unnamed here.
            expressions.append(regex.pattern.replace("(?P<ps_d>", "(?:"))
        if expressions:
            self._joined = re.compile("|".join(f"(?:{e})" for e in expressions))

    def match_file(self, path: str) -> bool:
        if self._joined is not None:
            return self._joined.search(normalize_file(path)) is not None
        return self._spec.match_file(path)


def _compile(patterns: Sequence[str], what: str) -> _Matcher | None:
    lines = [p for p in patterns if p.strip()]
    if not lines:
        return None
    try:
        return _Matcher(pathspec.GitIgnoreSpec.from_lines(lines))
    except (ValueError, TypeError, re.error) as exc:
        # pathspec compiles each line to a regular expression; a bad range like [z-a] fails there.
        raise ConfigError(f"invalid {what} pattern: {exc}") from exc


class PathFilter:
    """Decides, per repository-relative path, whether its content is analyzed.

    ``include`` and ``exclude`` are gitignore-style lines (``docs/``, ``*.md``, ``!keep.md``).
    Results are memoised because the same path is asked about by several stages.
    """

    def __init__(self, include: Sequence[str] = (), exclude: Sequence[str] = ()) -> None:
        self.include = tuple(include)
        self.exclude = tuple(exclude)
        self._include = _compile(self.include, "include")
        self._exclude = _compile(self.exclude, "exclude")
        self._cache: dict[str, bool] = {}

    @classmethod
    def from_settings(cls, settings: Settings) -> PathFilter:
        """The filter configured by ``settings.include`` and ``settings.excludes``."""
        return cls(settings.include, settings.excludes)

    def is_excluded(self, path: str) -> bool:
        """True when ``path``'s content must not be analyzed."""
        cached = self._cache.get(path)
        if cached is not None:
            return cached
        outside = self._include is not None and not self._include.match_file(path)
        excluded = outside or (self._exclude is not None and self._exclude.match_file(path))
        self._cache[path] = excluded
        return excluded

    def is_change_excluded(self, path: str, old_path: str | None = None) -> bool:
        """A rename is excluded only when both of its names are (moving docs into src counts)."""
        if old_path is None or old_path == path:
            return self.is_excluded(path)
        return self.is_excluded(path) and self.is_excluded(old_path)
