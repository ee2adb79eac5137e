"""Sub-path patterns of a ``package.json`` ``exports`` map: which files they expose; pure.

Node.js lets one ``*`` stand for any string, slashes included, on both sides of a sub-path
mapping (``"./features/*": "./lib/features/*.js"``): every file the target matches can be
imported as ``pkg/features/<what * matched>``. A key mapped to ``null``
(``"./features/internal/*": null``) hides the sub-paths it matches, whatever else maps them.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = ["MAX_FILES", "SubpathPattern", "expand", "patterns"]

#: Files one pattern may expose before the rest are left out (a ``"./*": "./*"`` map exposes
#: the whole package; its biggest parts are what a reader can afford).
MAX_FILES = 400
# What TypeScript reads for a built file: its typings or its source (longest ending first,
# so that ``x.d.ts`` is ``x`` and not ``x.d``).
_SOURCES = {
    ".js": (".d.ts", ".tsx", ".ts"),
    ".mjs": (".d.mts", ".mts"),
    ".cjs": (".d.cts", ".cts"),
    ".jsx": (".tsx",),
}
_MODULE = re.compile(r"\.(d\.)?(m|c)?[jt]sx?$")


@dataclass(frozen=True, slots=True)
class SubpathPattern:
    """One ``*`` target of an ``exports`` key, as repository paths around the ``*``."""

    key: str
    prefix: str
    suffix: str


def _targets(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _targets(item)
    elif isinstance(value, list):
        for item in value:
            yield from _targets(item)


def _join(root: str, target: str) -> str:
    joined = posixpath.normpath(posixpath.join(root or ".", target))
    return "" if joined == "." else joined.removeprefix("./")


def patterns(manifest: dict[str, object], root: str) -> tuple[list[SubpathPattern], list[str]]:
    """The ``*`` targets of the ``exports`` map of a ``package.json`` in directory ``root``,
    and the keys mapped to ``null`` (hidden sub-paths)."""
    exports = manifest.get("exports")
    if not isinstance(exports, dict) or not all(str(k).startswith(".") for k in exports):
        return [], []
    found: list[SubpathPattern] = []
    hidden: list[str] = []
    for key, value in exports.items():
        if value is None:
            hidden.append(str(key))
            continue
        if str(key).count("*") != 1:
            continue
        for target in _targets(value):
            if target.count("*") != 1 or not target.startswith("./"):
                continue
            head, tail = target.split("*")
            prefix = _join(root, head) + ("/" if head.endswith("/") else "")
            if prefix == "/":
                prefix = ""
            found.append(SubpathPattern(str(key), prefix, tail))
    return found, hidden


def _matches(pattern: str, subpath: str) -> bool:
    if "*" not in pattern:
        return pattern == subpath
    head, _, tail = pattern.partition("*")
    return (
        len(subpath) > len(head) + len(tail) - 1
        and subpath.startswith(head)
        and subpath.endswith(tail)
    )


def _endings(suffix: str) -> list[str]:
    """What a file the target matches ends with: the target's suffix, and for a built
    JavaScript suffix the typings and TypeScript sources it is built from."""
    found = re.search(r"\.(m|c)?jsx?$", suffix)
    if not found:
        return [suffix]
    return [suffix, *(suffix[: found.start()] + s for s in _SOURCES[found.group()])]


def expand(
    pattern: SubpathPattern, hidden: list[str], files: set[str], prefix: str | None = None
) -> list[str]:
    """The files of ``files`` that ``pattern`` exposes, sorted, at most :data:`MAX_FILES`.

    ``prefix`` replaces the pattern's own (a build directory mapped back to its sources); a
    TypeScript source or typings file stands for the ``.js`` it is built to, and a sub-path a
    ``null`` key hides is left out.
    """
    head = pattern.prefix if prefix is None else prefix
    key_head, _, key_tail = pattern.key.partition("*")
    found: list[str] = []
    endings = _endings(pattern.suffix)
    for path in sorted(files):
        if not path.startswith(head) or not _MODULE.search(path):
            continue
        for ending in endings:
            if path.endswith(ending) and len(path) > len(head) + len(ending):
                matched = path[len(head) : len(path) - len(ending)]
                if not any(_matches(h, key_head + matched + key_tail) for h in hidden):
                    found.append(path)
                break
        if len(found) >= MAX_FILES:
            break
    return found
