"""Python applications: packages whose interface is their command line, not their modules.

A distribution that installs console scripts (``pip-compile = "piptools.scripts.compile:cli"``)
from a package whose ``__init__`` offers nothing (no function, class, constant or re-export of
its own: at most a version string and set-up code) is a program. Nobody imports its modules:
its maintainers move and rename them in any release, and its releases follow what the command
line does. A removed ``piptools.utils.safeint`` is then no break, and a new helper no feature;
the command-line options, commits and change notes decide. Both sides must look like an
application: a package that starts or stops offering names is judged as a library. Modules it
names as an interface (``mypy.api``, ``pkg.plugin``) keep their findings, and a distribution
that declares entry points for other tools (``distutils.commands``, ``pytest11``) is a library:
those tools import its modules.
"""

from __future__ import annotations

import ast
import configparser
import posixpath
import re
import tomllib
from collections.abc import Iterable, Sequence

from release_tools.analysis.context import AnalysisContext
from release_tools.analysis.evidence._common import read_texts
from release_tools.analysis.models import Evidence, Strength

__all__ = [
    "application_packages",
    "as_application",
    "offers_names",
    "plugs_in",
    "script_packages",
]

_MANIFESTS = ("pyproject.toml", "setup.cfg", "setup.py")
#: ``name = package.module:function`` in a setup.py's console_scripts list.
_SETUP_PY_SCRIPT = re.compile(r"[\"'][\w.-]+\s*=\s*([A-Za-z_][\w.]*)\s*:\s*\w")
_SCRIPT_GROUPS = frozenset({"console_scripts", "gui_scripts"})
#: A group of a setup.py ``entry_points`` dict: ``"pytest11": [``.
_SETUP_PY_GROUP = re.compile(r"[\"']([\w.-]+)[\"']\s*:\s*[\[(]")
_NOTE = "an application's module: its command line is its interface"
#: Modules through which an application offers a programming interface all the same.
_INTERFACE_MODULES = frozenset({"api", "plugin", "plugins"})


def _target_top(target: str) -> str | None:
    """The top-level package of an entry point target (``pkg.cli:main`` gives ``pkg``)."""
    module = target.split(":", 1)[0].strip()
    top = module.split(".", 1)[0]
    return top if top.isidentifier() and ":" in target else None


def script_packages(files: dict[str, str]) -> set[str]:
    """The top-level packages that the manifests' console scripts run (``files`` maps
    ``pyproject.toml``, ``setup.cfg`` or ``setup.py`` to their text)."""
    tops: set[str] = set()
    text = files.get("pyproject.toml")
    if text is not None:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError:
            data = {}
        project = data.get("project")
        scripts = project.get("scripts") if isinstance(project, dict) else None
        poetry = (
            data.get("tool", {}).get("poetry", {}) if isinstance(data.get("tool"), dict) else {}
        )
        for table in (scripts, poetry.get("scripts") if isinstance(poetry, dict) else None):
            if isinstance(table, dict):
                tops.update(
                    t for v in table.values() if isinstance(v, str) and (t := _target_top(v))
                )
    text = files.get("setup.cfg")
    if text is not None:
        parser = configparser.ConfigParser(interpolation=None)
        try:
            parser.read_string(text)
            listed = parser.get("options.entry_points", "console_scripts", fallback="")
        except configparser.Error:
            listed = ""
        for line in listed.splitlines():
            _, _, target = line.partition("=")
            if (top := _target_top(target)) is not None:
                tops.add(top)
    text = files.get("setup.py")
    if text is not None and "console_scripts" in text:
        tops.update(m.split(".", 1)[0] for m in _SETUP_PY_SCRIPT.findall(text))
    return tops


def plugs_in(files: dict[str, str]) -> bool:
    """Whether the manifests declare entry points of other groups than scripts
    (``[project.entry-points."distutils.commands"]``, Poetry plugins, a ``setup.cfg`` or
    ``setup.py`` group such as ``pytest11``): the package then plugs into other tools, which
    import its modules, so it is a library whatever its ``__init__`` offers."""
    text = files.get("pyproject.toml")
    if text is not None:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError:
            data = {}
        project = data.get("project")
        if isinstance(project, dict) and project.get("entry-points"):
            return True
        tool = data.get("tool")
        poetry = tool.get("poetry") if isinstance(tool, dict) else None
        if isinstance(poetry, dict) and poetry.get("plugins"):
            return True
    text = files.get("setup.cfg")
    if text is not None:
        parser = configparser.ConfigParser(interpolation=None)
        try:
            parser.read_string(text)
        except configparser.Error:
            return False
        if parser.has_section("options.entry_points"):
            groups = set(parser.options("options.entry_points")) - _SCRIPT_GROUPS
            if groups:
                return True
    text = files.get("setup.py")
    if text is not None and "entry_points" in text:
        # The dict after ``entry_points``: its values are lists, so it ends at the first ``}``.
        start = text.index("entry_points")
        end = text.find("}", start)
        listed = text[start : end if end > 0 else len(text)]
        return any(group not in _SCRIPT_GROUPS for group in _SETUP_PY_GROUP.findall(listed))
    return False


def offers_names(code: str, package: str) -> bool:
    """Whether a package ``__init__`` offers importers anything: a public definition or
    assignment, a non-empty ``__all__``, or a re-export from the package itself. Imports of
    other packages (``from click import secho``), dunder names and set-up statements do not
    count. Code that does not parse counts as offering (nothing is assumed)."""
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):
        return True
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            if not node.name.startswith("_"):
                return True
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name) and target.id == "__all__":
                    if not isinstance(node.value, ast.List | ast.Tuple) or node.value.elts:
                        return True
                elif isinstance(target, ast.Name) and not target.id.startswith("_"):
                    return True
        elif isinstance(node, ast.ImportFrom):
            own = node.level > 0 or (node.module or "").split(".")[0] == package
            if own and any(not (a.asname or a.name).startswith("_") for a in node.names):
                return True
    return False


def _init_paths(package: str, roots: Iterable[str]) -> list[str]:
    """Where ``package``'s ``__init__.py`` may lie: flat or src layout, under each root."""
    out = []
    for root in roots:
        for layout in ("", "src"):
            out.append(posixpath.join(root, layout, package, "__init__.py"))
    return out


def application_packages(ctx: AnalysisContext) -> dict[str, str]:
    """``{package directory: package}`` of the analyzed project's packages that are
    applications at both refs (see the module docstring); empty for libraries."""
    roots = list(ctx.project_paths) or [""]
    manifests = [posixpath.join(root, name) for root in roots for name in _MANIFESTS]
    found: dict[str, str] = {}
    sides = [read_texts(ctx, ref, manifests) for ref in (ctx.base_sha, ctx.head_sha)]
    for root in roots:
        if any(
            plugs_in({n: t for n in _MANIFESTS if (t := side.get(posixpath.join(root, n)))})
            for side in sides
        ):
            continue
        tops = set.intersection(
            *(
                script_packages(
                    {n: t for n in _MANIFESTS if (t := side.get(posixpath.join(root, n)))}
                )
                for side in sides
            )
        )
        for top in sorted(tops):
            paths = _init_paths(top, [root])
            inits = [read_texts(ctx, ref, paths) for ref in (ctx.base_sha, ctx.head_sha)]
            for path in paths:
                codes = [side.get(path) for side in inits]
                if all(code is not None for code in codes) and not any(
                    offers_names(code, top) for code in codes if code is not None
                ):
                    found[posixpath.dirname(path)] = top
    return found


def _api_module(path: str, directory: str) -> bool:
    """Whether ``path`` is a module the application names as its programming interface:
    ``api.py`` or a package ``api/`` (``mypy.api``), or ``plugin``/``plugins`` (the hooks
    its plugins import)."""
    parts = path[len(directory) + 1 :].split("/")
    names = [*parts[:-1], posixpath.splitext(parts[-1])[0]]
    return any(name in _INTERFACE_MODULES for name in names)


def as_application(items: Sequence[Evidence], packages: dict[str, str]) -> list[Evidence]:
    """``items`` with the API findings inside an application's package (see
    :func:`application_packages`) made weak patch-level notes; others unchanged."""
    if not packages:
        return list(items)
    out = []
    for item in items:
        inside = item.path is not None and any(
            item.path.startswith(directory + "/") and not _api_module(item.path, directory)
            for directory in packages
        )
        if inside and item.bump in ("major", "minor"):
            item = item.model_copy(
                update={
                    "bump": "patch",
                    "strength": Strength.WEAK,
                    "message": f"{item.message} ({_NOTE})",
                }
            )
        out.append(item)
    return out
