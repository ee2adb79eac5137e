"""Where a Python project keeps its version: in ``pyproject.toml``, or in a file it names.

A static version is ``[project] version`` (PEP 621) or ``[tool.poetry] version``. A dynamic one
(``dynamic = ["version"]``) lives in the file hatch or pdm name (``[tool.hatch.version] path``),
in the module setuptools reads (``attr = "pkg.__version__"``), or else in the package named
after the distribution (flat or ``src`` layout). Only files that exist are named, and a version
is read from a plain ``__version__ = "..."`` assignment, never by running code.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

__all__ = ["import_name", "python_version_file", "read_python_version", "table_at"]

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


def _module_file(project_dir: Path, dotted: str) -> Path | None:
    """The file that defines module ``dotted`` in a flat or src layout, if present."""
    parts = dotted.split(".")
    for base in (project_dir / "src", project_dir):
        package = base.joinpath(*parts) / "__init__.py"
        if package.is_file():
            return package
        module = base.joinpath(*parts[:-1], parts[-1] + ".py")
        if module.is_file():
            return module
    return None


def import_name(dist_name: str) -> str:
    """The import name a distribution name suggests (PEP 503 normalised, underscores)."""
    return re.sub(r"[-_.]+", "_", dist_name).lower()


def table_at(data: dict[str, Any], *keys: str) -> dict[str, Any]:
    """The nested table ``data[k1][k2]...``, or ``{}`` when any level is missing or not a table."""
    current: Any = data
    for key in keys:
        current = current.get(key) if isinstance(current, dict) else None
    return current if isinstance(current, dict) else {}


def python_version_file(project_dir: Path, data: dict[str, Any]) -> Path | None:
    """The file holding a dynamic Python version (hatch/pdm path, setuptools attr, package)."""
    for tool in ("hatch", "pdm"):
        path = table_at(data, "tool", tool, "version").get("path")
        if isinstance(path, str) and (project_dir / path).is_file():
            return project_dir / path
    attr = table_at(data, "tool", "setuptools", "dynamic", "version").get("attr")
    if isinstance(attr, str):
        module = attr.rpartition(".")[0]
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
