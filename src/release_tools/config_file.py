"""The repository's config file, found and parsed but not validated, and a lenient look at one
setting across the layers.

:mod:`release_tools.config` validates the table this module reads. The lenient look,
:func:`readable_choice`, serves the error guard: when loading the settings is what failed, it
must still know whether the user asked for a JSON report or for tracebacks, from the same
layers in the same order, whatever else in them is broken.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from release_tools.errors import ConfigError
from release_tools.files import LINK_OUTSIDE, leads_outside

__all__ = ["ENV_PREFIX", "find_config_root", "raw_config_table", "readable_choice", "variable"]

ENV_PREFIX = "RELEASE_TOOLS_"


def find_config_root(start: Path) -> Path:
    """The directory holding the config file: the repository root above ``start``.

    Walks up to the nearest directory containing ``.git`` (a directory, or a file in worktrees
    and submodules) without running git; falls back to ``start`` outside a repository.
    """
    here = start.resolve()
    for candidate in (here, *here.parents):
        if (candidate / ".git").exists():
            return candidate
    return start


def raw_config_table(root: Path) -> tuple[dict[str, Any], str | None]:
    """The settings table of the config file at ``root`` as written, and the file's name.

    ``release-tools.toml`` if present (even empty), else a non-empty ``[tool.release-tools]``
    of ``pyproject.toml``, else ``({}, None)``. Only what stops the table from being read at
    all (broken TOML, an unreadable file or one that is no regular file, a table that is not
    one) is an error here, as is a file that is a symbolic link leading outside the repository:
    the file is the repository's, and a clone must not make the tool read (and quote in its
    errors) a file elsewhere on the machine.
    """
    dedicated = root / "release-tools.toml"
    pyproject = root / "pyproject.toml"
    for path, table_path in ((dedicated, ()), (pyproject, ("tool", "release-tools"))):
        if path.is_symlink() and leads_outside(root, path):
            raise ConfigError(f"{path.name}: {LINK_OUTSIDE}")
        if not path.is_file():
            if path.exists() or path.is_symlink():
                # A directory, a FIFO (reading it would block) or a dangling link: the user
                # meant a config file, and ignoring it would run with other settings.
                raise ConfigError(f"{path.name}: not a readable regular file")
            continue
        try:
            data: Any = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path.name}: broken TOML: {exc}") from exc
        except OSError as exc:
            raise ConfigError(f"{path.name}: cannot be read: {exc.strerror}") from exc
        for key in table_path:
            data = data.get(key, {}) if isinstance(data, dict) else {}
        if not isinstance(data, dict):
            raise ConfigError(f"{path.name}: [tool.release-tools] must be a table")
        if data or path is dedicated:
            return data, path.name
    return {}, None


def variable(environ: Mapping[str, str], name: str) -> str | None:
    """The value of ``RELEASE_TOOLS_<NAME>``, or None when it is unset, empty or blank.

    CI templates expand a missing value to an empty string (``${{ github.base_ref }}`` on a
    push): such a variable says nothing, so the lower layers and the default still apply.
    """
    value = environ.get(ENV_PREFIX + name.upper())
    return value if value is not None and value.strip() else None


def readable_choice(
    name: str, flags: Mapping[str, Any], environ: Mapping[str, str] | None = None
) -> str | None:
    """Setting ``name`` (a choice such as ``format`` or ``log_level``) as the highest layer
    that gives it says: flag, then variable, then config file; lower-cased, as the flags and
    variables are matched. Nothing else is validated, so the answer stands when loading the
    settings fails; None when no layer gives it or the config file cannot be parsed.
    """
    given = flags.get(name)
    if given is not None:
        return str(given).strip().lower()
    value = variable(os.environ if environ is None else environ, name)
    if value is not None:
        return value.strip().lower()
    try:
        table, _ = raw_config_table(find_config_root(Path(flags.get("repo") or ".")))
    except (ConfigError, OSError):  # OSError: a directory that cannot be searched, say
        return None
    for key in (name, name.replace("_", "-")):
        found = table.get(key)
        if isinstance(found, str):
            return found.strip().lower()
    return None
