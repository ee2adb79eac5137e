"""Small tomlkit helpers shared by the manifest, dependents and lock-file editors.

tomlkit keeps comments, order and quoting; these helpers add the two things every editor needs:
a parse error that names the file, and a string update that keeps a literal ('...') string
literal.
"""

from __future__ import annotations

from typing import Any

import tomlkit
import tomlkit.exceptions
from tomlkit.items import String, StringType

from release_tools.errors import VersionError

__all__ = ["parse_toml", "set_string", "table"]


def parse_toml(text: str, source: str) -> tomlkit.TOMLDocument:
    """The tomlkit document of ``text``; a VersionError naming ``source`` when it is broken."""
    try:
        return tomlkit.parse(text)
    except tomlkit.exceptions.TOMLKitError as exc:
        raise VersionError(f"{source}: broken TOML: {exc}") from exc
    except RecursionError as exc:
        raise VersionError(f"{source}: TOML nested too deeply to be read") from exc


def set_string(container: Any, key: str, value: str) -> None:
    """Set ``container[key]`` keeping a literal ('...') string literal if it was one."""
    old = container.get(key)
    literal = isinstance(old, String) and old.type is StringType.SLL
    container[key] = tomlkit.string(value, literal=literal)


def table(container: Any, *keys: str) -> Any:
    """The nested value ``container[k1][k2]...``, or None when a level is missing."""
    current = container
    for key in keys:
        if not isinstance(current, dict) or key not in current:
            return None
        current = current[key]
    return current
