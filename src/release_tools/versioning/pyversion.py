"""Where a Python project keeps its version: in ``pyproject.toml``, or in a file it names.

A static version is ``[project] version`` (PEP 621) or ``[tool.poetry] version``. A dynamic one
(``dynamic = ["version"]``) lives in the file hatch or pdm name (``[tool.hatch.version] path``),
in the module setuptools reads (``attr = "pkg.__version__"`` in ``[tool.setuptools.dynamic]``,
else ``version = attr: pkg.__version__`` in setup.cfg's ``[metadata]``, which setuptools reads
for a field pyproject.toml leaves dynamic), or else in the package named after the distribution
(flat or ``src`` layout). Only files that exist are named, and a version is read from a plain
``__version__ = "..."`` assignment, never by running code.

:func:`version_file_candidates` lists the files the lookup may name, present or not, so that a
reader holding only some of a project's files (a sparse checkout's view of HEAD) can fetch them
first.
"""

from __future__ import annotations

import configparser
import re
from pathlib import Path
from typing import Any

__all__ = [
    "import_name",
    "python_version_file",
    "read_python_version",
    "table_at",
    "version_file_candidates",
]

#: A setup.cfg larger than this is not read for its version (a manifest is a few kilobytes).
_SETUP_CFG_LIMIT = 1 << 20

_VERSION_ASSIGN = re.compile(
    r"""^\s*(?:__version__|VERSION|version)\s*(?::\s*str\s*)?=\s*(['"])(?P<v>[^'"]+)\1""",
    re.MULTILINE,
)


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _version_in_file(path: Path) -> str | None:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    match = _VERSION_ASSIGN.search(text)
    return match["v"] if match else None


def _module_paths(project_dir: Path, dotted: str) -> list[Path]:
    """The files that may define module ``dotted`` in a src or flat layout, in the order they
    are tried: the package's ``__init__.py``, then the single module."""
    parts = dotted.split(".")
    found: list[Path] = []
    for base in (project_dir / "src", project_dir):
        found.append(base.joinpath(*parts) / "__init__.py")
        found.append(base.joinpath(*parts[:-1], parts[-1] + ".py"))
    return found


def _module_file(project_dir: Path, dotted: str) -> Path | None:
    """The file that defines module ``dotted`` in a flat or src layout, if present."""
    return next((p for p in _module_paths(project_dir, dotted) if p.is_file()), None)


def _setup_cfg_attr(project_dir: Path) -> str | None:
    """The ``attr:`` setup.cfg's ``[metadata] version`` names (``pkg.__version__``), if any.

    Read without interpolation (a ``%`` is text) and only from a readable, well-formed file
    of a manifest's size: anything else names no attribute.
    """
    path = project_dir / "setup.cfg"
    try:
        if not path.is_file() or path.stat().st_size > _SETUP_CFG_LIMIT:
            return None
        parser = configparser.ConfigParser(interpolation=None)
        parser.read_string(path.read_text(encoding="utf-8"), source=str(path))
        value = parser.get("metadata", "version", fallback="")
    except (OSError, UnicodeDecodeError, configparser.Error):
        return None
    directive, _, attr = value.strip().partition(":")
    if directive.strip() != "attr" or not attr.strip():
        return None
    return attr.strip()


def _attr_module(project_dir: Path, data: dict[str, Any]) -> str | None:
    """The module whose attribute setuptools reads the version from: pyproject.toml's
    ``[tool.setuptools.dynamic]`` first (setuptools applies it over setup.cfg), else setup.cfg."""
    attr = table_at(data, "tool", "setuptools", "dynamic", "version").get("attr")
    if not isinstance(attr, str):
        attr = _setup_cfg_attr(project_dir)
    if attr is None:
        return None
    module = attr.rpartition(".")[0]
    return module or None


def import_name(dist_name: str) -> str:
    """The import name a distribution name suggests (PEP 503 normalised, underscores)."""
    return re.sub(r"[-_.]+", "_", dist_name).lower()


def table_at(data: dict[str, Any], *keys: str) -> dict[str, Any]:
    """The nested table ``data[k1][k2]...``, or ``{}`` when any level is missing or not a table."""
    current: Any = data
    for key in keys:
        current = current.get(key) if isinstance(current, dict) else None
    return current if isinstance(current, dict) else {}


def _named_paths(project_dir: Path, data: dict[str, Any]) -> list[Path]:
    """The files hatch or pdm name (``[tool.hatch.version] path``)."""
    found: list[Path] = []
    for tool in ("hatch", "pdm"):
        path = table_at(data, "tool", tool, "version").get("path")
        if isinstance(path, str):
            found.append(project_dir / path)
    return found


def python_version_file(project_dir: Path, data: dict[str, Any]) -> Path | None:
    """The file holding a dynamic Python version (hatch/pdm path, setuptools attr, package)."""
    for path in _named_paths(project_dir, data):
        if path.is_file():
            return path
    module = _attr_module(project_dir, data)
    if module:
        found = _module_file(project_dir, module)
        if found is not None:
            return found
    name = _str_or_none(table_at(data, "project").get("name"))
    if name:
        found = _module_file(project_dir, import_name(name))
        if found is not None and _version_in_file(found):
            return found
    return None


def version_file_candidates(project_dir: Path, data: dict[str, Any]) -> list[Path]:
    """Every file :func:`python_version_file` may name for this pyproject, present or not, in
    the order it tries them. setup.cfg, when it is read, is read from ``project_dir``."""
    found = _named_paths(project_dir, data)
    module = _attr_module(project_dir, data)
    if module:
        found += _module_paths(project_dir, module)
    name = _str_or_none(table_at(data, "project").get("name"))
    if name:
        found += _module_paths(project_dir, import_name(name))
    return list(dict.fromkeys(found))


def read_python_version(project_dir: Path, data: dict[str, Any]) -> str | None:
    """The version of a pyproject: static (PEP 621 / Poetry) or a cheap dynamic lookup."""
    project = data.get("project")
    if isinstance(project, dict):
        static = _str_or_none(project.get("version"))
        if static:
            return static
        if "version" not in project.get("dynamic", []):
            return None
        found = python_version_file(project_dir, data)
        return _version_in_file(found) if found else None
    poetry = data.get("tool", {}).get("poetry") if isinstance(data.get("tool"), dict) else None
    if isinstance(poetry, dict):
        return _str_or_none(poetry.get("version"))
    return None
