"""Where a Python project keeps its version: in ``pyproject.toml``, or in a file it names.

A static version is ``[project] version`` (PEP 621) or ``[tool.poetry] version``. A dynamic one
(``dynamic = ["version"]``) lives in the file hatch or pdm name (``[tool.hatch.version] path``,
read with hatch's ``pattern`` when given), in what setuptools reads (``[tool.setuptools.dynamic]
version``, else ``version =`` in setup.cfg's ``[metadata]``, which setuptools reads for a field
pyproject.toml leaves dynamic): a module's attribute (``attr``) or a file holding the version
alone (``file``, one or several files of the project, of which the existing ones are read), or
else in the package flit is told to read (``[tool.flit.module] name``) or the one named after
the distribution (flat or ``src`` layout). Only files that exist are named, and a version is
read from the file's text (see :class:`~release_tools.versioning.versionfile.VersionFile`),
never by running code.

:func:`version_file_candidates` lists the files the lookup may name, present or not, so that a
reader holding only some of a project's files (a sparse checkout's view of HEAD) can fetch them
first.
"""

from __future__ import annotations

import configparser
import posixpath
import re
from pathlib import Path
from typing import Any

from release_tools.versioning.versionfile import HATCH_PATTERN, VersionFile

__all__ = [
    "VersionFile",
    "import_name",
    "python_version_file",
    "python_version_source",
    "read_python_version",
    "table_at",
    "version_file_candidates",
]

#: A setup.cfg larger than this is not read for its version (a manifest is a few kilobytes).
_SETUP_CFG_LIMIT = 1 << 20


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _version_in_file(path: Path) -> str | None:
    return VersionFile(path).read()


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


def _setup_cfg_version(project_dir: Path) -> tuple[str, str] | None:
    """The directive (``attr`` or ``file``) and its argument that setup.cfg's ``[metadata]
    version`` gives (``attr: pkg.__version__``, ``file: VERSION``), if any.

    Read without interpolation (a ``%`` is text) and only from a readable, well-formed file
    of a manifest's size: anything else names nothing.
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
    directive, _, argument = value.strip().partition(":")
    if directive.strip() not in ("attr", "file") or not argument.strip():
        return None
    return directive.strip(), argument.strip()


def _setuptools_version(project_dir: Path, data: dict[str, Any]) -> tuple[str, Any] | None:
    """Where setuptools reads a dynamic version: pyproject.toml's ``[tool.setuptools.dynamic]
    version`` first (setuptools applies it over setup.cfg), else setup.cfg's. ``("attr",
    "pkg.__version__")`` or ``("file", [paths])``; None when neither names one."""
    dynamic = table_at(data, "tool", "setuptools", "dynamic", "version")
    if isinstance(dynamic.get("attr"), str):
        return "attr", dynamic["attr"]
    if isinstance(dynamic.get("file"), (str, list)):
        listed = dynamic["file"]
        return "file", [listed] if isinstance(listed, str) else listed
    found = _setup_cfg_version(project_dir)
    if found is None:
        return None
    directive, argument = found
    if directive == "file":
        return "file", [part.strip() for part in argument.split(",")]
    return directive, argument


def _listed_files(project_dir: Path, data: dict[str, Any]) -> list[Path]:
    """The files setuptools' ``file`` directive names, those inside the project only (setuptools
    refuses to read any other)."""
    found = _setuptools_version(project_dir, data)
    if found is None or found[0] != "file":
        return []
    paths: list[Path] = []
    for entry in found[1]:
        if not isinstance(entry, str) or not entry.strip():
            continue
        rel = posixpath.normpath(entry.strip().replace("\\", "/"))
        if posixpath.isabs(rel) or rel == ".." or rel.startswith("../"):
            continue
        paths.append(project_dir / rel)
    return paths


def _attr_module(project_dir: Path, data: dict[str, Any]) -> str | None:
    """The module whose attribute setuptools reads the version from: pyproject.toml's
    ``[tool.setuptools.dynamic]`` first (setuptools applies it over setup.cfg), else setup.cfg."""
    found = _setuptools_version(project_dir, data)
    if found is None or found[0] != "attr" or not isinstance(found[1], str):
        return None
    module = found[1].strip().rpartition(".")[0]
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


def _named_sources(project_dir: Path, data: dict[str, Any]) -> list[VersionFile]:
    """The files hatch or pdm name (``[tool.hatch.version] path``, ``[tool.pdm.version]
    path``): hatch's read with its ``pattern`` (its default when none is given)."""
    found: list[VersionFile] = []
    hatch = table_at(data, "tool", "hatch", "version")
    if isinstance(hatch.get("path"), str):
        pattern = hatch.get("pattern")
        custom = pattern if isinstance(pattern, str) and pattern else HATCH_PATTERN
        found.append(VersionFile(project_dir / hatch["path"], "pattern", custom))
    pdm = table_at(data, "tool", "pdm", "version").get("path")
    if isinstance(pdm, str):
        found.append(VersionFile(project_dir / pdm))
    return found


def _module_names(data: dict[str, Any]) -> list[str]:
    """The packages that may hold the version: the one flit is told to build
    (``[tool.flit.module] name``), then the one named after the distribution."""
    names: list[str] = []
    flit = _str_or_none(table_at(data, "tool", "flit", "module").get("name"))
    if flit:
        names.append(flit.strip())
    name = _str_or_none(table_at(data, "project").get("name"))
    if name:
        names.append(import_name(name))
    return list(dict.fromkeys(names))


def python_version_source(project_dir: Path, data: dict[str, Any]) -> VersionFile | None:
    """The file holding a dynamic Python version and how it holds it: hatch's or pdm's path,
    setuptools' ``attr`` module or its ``file``, else the package flit builds or the one
    named after the distribution when it assigns a version."""
    for source in _named_sources(project_dir, data):
        if source.path.is_file():
            return source
    listed = [path for path in _listed_files(project_dir, data) if path.is_file()]
    if listed:
        # setuptools joins the files it finds: only one of them can hold the version alone.
        return VersionFile(listed[0], "text") if len(listed) == 1 else None
    module = _attr_module(project_dir, data)
    if module:
        found = _module_file(project_dir, module)
        if found is not None:
            return VersionFile(found)
    for name in _module_names(data):
        found = _module_file(project_dir, name)
        if found is not None and _version_in_file(found):
            return VersionFile(found)
    return None


def python_version_file(project_dir: Path, data: dict[str, Any]) -> Path | None:
    """The path of :func:`python_version_source`, if any."""
    source = python_version_source(project_dir, data)
    return source.path if source is not None else None


def version_file_candidates(project_dir: Path, data: dict[str, Any]) -> list[Path]:
    """Every file :func:`python_version_file` may name for this pyproject, present or not, in
    the order it tries them. setup.cfg, when it is read, is read from ``project_dir``."""
    found = [source.path for source in _named_sources(project_dir, data)]
    found += _listed_files(project_dir, data)
    module = _attr_module(project_dir, data)
    if module:
        found += _module_paths(project_dir, module)
    for name in _module_names(data):
        found += _module_paths(project_dir, name)
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
        found = python_version_source(project_dir, data)
        return found.read() if found is not None else None
    poetry = data.get("tool", {}).get("poetry") if isinstance(data.get("tool"), dict) else None
    if isinstance(poetry, dict):
        return _str_or_none(poetry.get("version"))
    return None
