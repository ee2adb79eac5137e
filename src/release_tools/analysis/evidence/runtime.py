"""Raised runtime floors: the oldest Python, Node.js, Rust or Go a project supports, at base and
at head.

Where the floor is declared: ``requires-python`` (``[project]`` in pyproject.toml), Poetry's
``python`` dependency, ``python_requires`` in setup.cfg or setup.py, ``Requires-Python`` in
PKG-INFO, ``engines.node`` in package.json, ``rust-version`` in Cargo.toml (``[package]`` or a
workspace's ``[workspace.package]``, which members inherit) and the ``go`` directive of go.mod.
The manifests of one directory are read together, so a floor that moves from setup.py to
pyproject.toml is compared as one project.

What a raised floor means is a matter of project policy, so the evidence says what the data
supports and the decision asks for a review (see :mod:`~release_tools.analysis.decision`):

* a raised Python or Node.js floor is at least a minor release. Users on the dropped runtime
  stop receiving updates, which is more than a fix, but semver does not call it breaking: on
  the benchmark's training pairs a raised Python 3.x floor came with 8 majors, 6 minors and
  1 patch release;
* a raised Rust (MSRV) or Go floor is a patch: toolchains are updated freely, and on the
  benchmark's training pairs 4 of 6 raised Rust floors shipped in patch releases (1 minor,
  1 major);
* a floor that leaves Python 2 (``>=2.7`` to ``>=3.6``) drops a language major: a major release
  (4 of 4 such pairs were majors).

A floor declared only at head (none before) is not compared: nothing says what was supported.
Nor is a raise within one release line of the runtime (Go 1.26.0 to 1.26.1): only dropping a
whole line (Go 1.25, Python 3.8, Node.js 18) leaves users behind.
Where a project's earlier releases show its own habit, the local engine follows that instead
(:func:`raised_runtimes` reads it for each pair of the history).
"""

from __future__ import annotations

import configparser
import json
import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from release_tools import gitblobs
from release_tools.analysis.context import AnalysisContext
from release_tools.analysis.evidence._common import evidence, is_test_path, read_texts
from release_tools.analysis.models import Bump, Evidence, EvidenceKind, EvidenceSource, Strength
from release_tools.git import Git

__all__ = [
    "MANIFESTS",
    "Floor",
    "declared_floors",
    "floor_of",
    "gather",
    "mentions_runtime",
    "node_floor",
    "python_floor",
    "raised_runtimes",
]

Version = tuple[int, ...]

#: Manifests that may declare a Python floor, and those that declare the other runtimes'.
PYTHON_MANIFESTS = ("pyproject.toml", "setup.cfg", "setup.py", "PKG-INFO")
NODE_MANIFEST = "package.json"
RUST_MANIFEST = "Cargo.toml"
GO_MANIFEST = "go.mod"
#: Every manifest file name that may declare a floor.
MANIFESTS = (*PYTHON_MANIFESTS, NODE_MANIFEST, RUST_MANIFEST, GO_MANIFEST)

# ">= 3.8" is ">=3.8": operators are glued to their version before clauses are split.
_OPERATOR_SPACE = re.compile(r"([<>=!~^]+)\s+")
_NUMBERS = re.compile(r"\d+(?:\.\d+)*")
# PEP 440 and Poetry lower bounds; ``<``, ``<=`` and ``!=`` clauses give no floor.
_PY_LOWER = re.compile(r"^(?:>=|>|~=|==|===|\^|~|)\s*v?(?P<v>\d+(?:\.\d+)*)(?:\.\*)?$")
_SETUP_PY = re.compile(r"""['"]?python_requires['"]?\s*[=:]\s*(['"])(?P<spec>[^'"]+)\1""")
_PKG_INFO = re.compile(r"^Requires-Python:\s*(?P<spec>.+?)\s*$", re.MULTILINE)
# node-semver comparators: ">=12.17.0", "^14.13", "~16", "16.x", "=18", "v20".
_NODE_LOWER = re.compile(r"^(?:>=|>|\^|~|=)?\s*v?(?P<v>\d+(?:\.(?:\d+|[xX*]))*)$")
# go.mod's language version line: "go 1.21", "go 1.22.3" (a trailing comment allowed).
_GO_DIRECTIVE = re.compile(r"^[ \t]*go[ \t]+(?P<v>\d+(?:\.\d+)*)[ \t]*(?://.*)?$", re.MULTILINE)


# Prose about the runtimes a project supports ("Python 3.8 and 3.9 support", "Node.js 14",
# "Go 1.22", "the MSRV"): what changelogs and release notes say when a floor moves.
_RUNTIME_MENTION = re.compile(
    r"(?i:\b(?:c?python|pypy|node(?:\.?js)?|rust(?:c)?)\b)[^.;]{0,30}?\d+"
    r"|\bGo\s+1\.\d+|(?i:\bmsrv\b)"
)


def mentions_runtime(text: str) -> bool:
    """Whether a change note's ``text`` is about a supported runtime version: the manifests'
    floors (this module's evidence) and the project's habit speak for such a change."""
    return _RUNTIME_MENTION.search(text) is not None


@dataclass(frozen=True, slots=True)
class Floor:
    """The oldest runtime version a manifest admits, and where that was declared."""

    runtime: str
    version: Version
    path: str
    line: int | None
    field: str

    @property
    def text(self) -> str:
        return ".".join(map(str, self.version))


def _version(text: str) -> Version | None:
    match = _NUMBERS.match(text)
    if match is None:
        return None
    return tuple(int(part) for part in match.group(0).split("."))


def _pad(version: Version) -> Version:
    return (*version, 0, 0, 0)[:3] if len(version) < 3 else version


def python_floor(spec: str) -> Version | None:
    """The lowest Python a PEP 440 (or Poetry) specifier admits, None if it sets no floor; pure.

    Clauses joined by commas all apply (the highest lower bound wins); Poetry's ``||``
    alternatives each may apply (the lowest wins).
    """
    floors: list[Version] = []
    for alternative in re.split(r"\|\|?", _OPERATOR_SPACE.sub(r"\1", spec)):
        bounds: list[Version] = []
        for clause in re.split(r"[,\s]+", alternative.strip()):
            if not clause or clause.startswith(("<", "!")):
                continue
            match = _PY_LOWER.match(clause)
            if match:
                found = _version(match["v"])
                if found is not None:
                    bounds.append(found)
        if not bounds:
            return None  # one open alternative: no floor at all
        floors.append(max(bounds, key=_pad))
    return min(floors, key=_pad) if floors else None


def node_floor(spec: str) -> Version | None:
    """The lowest Node.js a node-semver range (``engines.node``) admits, None if open; pure."""
    floors: list[Version] = []
    for alternative in _OPERATOR_SPACE.sub(r"\1", spec).split("||"):
        alternative = alternative.strip()
        if " - " in alternative:
            alternative = alternative.split(" - ", 1)[0]  # "12 - 16": the left end
        bounds: list[Version] = []
        for comparator in alternative.split():
            if not comparator or comparator.startswith("<"):
                continue
            match = _NODE_LOWER.match(comparator)
            if match:
                found = _version(match["v"])
                if found is not None:
                    bounds.append(found)
        if not bounds:
            return None  # "*", "" or ">=0": every version
        floors.append(max(bounds, key=_pad))
    return min(floors, key=_pad) if floors else None


def _line_of(text: str, needle: str) -> int | None:
    index = text.find(needle)
    return text.count("\n", 0, index) + 1 if index >= 0 else None


def _toml_floor(text: str, path: str) -> Floor | None:
    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None
    project = data.get("project")
    spec = project.get("requires-python") if isinstance(project, dict) else None
    field = "requires-python"
    if not isinstance(spec, str):
        poetry = data.get("tool", {}).get("poetry", {})
        deps = poetry.get("dependencies") if isinstance(poetry, dict) else None
        spec = deps.get("python") if isinstance(deps, dict) else None
        field = "tool.poetry.dependencies.python"
    if not isinstance(spec, str) or (version := python_floor(spec)) is None:
        return None
    needle = "requires-python" if field == "requires-python" else "python"
    return Floor("Python", version, path, _line_of(text, needle), field)


def _cfg_floor(text: str, path: str) -> Floor | None:
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text)
    except configparser.Error:
        return None
    spec = parser.get("options", "python_requires", fallback=None)
    if not spec or (version := python_floor(spec)) is None:
        return None
    return Floor("Python", version, path, _line_of(text, "python_requires"), "python_requires")


def _regex_floor(text: str, path: str, pattern: re.Pattern[str], field: str) -> Floor | None:
    match = pattern.search(text)
    if match is None or (version := python_floor(match["spec"])) is None:
        return None
    return Floor("Python", version, path, text.count("\n", 0, match.start()) + 1, field)


def _node_manifest_floor(text: str, path: str) -> Floor | None:
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get("private") is True:
        return None  # a package that is never published promises no runtime to anyone
    engines = data.get("engines")
    spec = engines.get("node") if isinstance(engines, dict) else None
    if not isinstance(spec, str) or (version := node_floor(spec)) is None:
        return None
    return Floor("Node.js", version, path, _line_of(text, '"node"'), "engines.node")


def _cargo_floor(text: str, path: str) -> Floor | None:
    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None
    workspace = data.get("workspace")
    tables = (
        ("package.rust-version", data.get("package")),
        (
            "workspace.package.rust-version",
            workspace.get("package") if isinstance(workspace, dict) else None,
        ),
    )
    for field, table in tables:
        # ``rust-version.workspace = true`` is a table: the workspace's own floor applies,
        # read from the workspace's manifest.
        spec = table.get("rust-version") if isinstance(table, dict) else None
        if isinstance(spec, str) and (version := _version(spec.strip())) is not None:
            return Floor("Rust", version, path, _line_of(text, "rust-version"), field)
    return None


def _go_floor(text: str, path: str) -> Floor | None:
    match = _GO_DIRECTIVE.search(text)
    if match is None or (version := _version(match["v"])) is None:
        return None
    return Floor("Go", version, path, text.count("\n", 0, match.start()) + 1, "go directive")


def floor_of(name: str, text: str, path: str) -> Floor | None:
    """The floor one manifest declares (``name`` is its file name), None if it declares none."""
    if name == "pyproject.toml":
        return _toml_floor(text, path)
    if name == "setup.cfg":
        return _cfg_floor(text, path)
    if name == "setup.py":
        return _regex_floor(text, path, _SETUP_PY, "python_requires")
    if name == "PKG-INFO":
        return _regex_floor(text, path, _PKG_INFO, "Requires-Python")
    if name == NODE_MANIFEST:
        return _node_manifest_floor(text, path)
    if name == RUST_MANIFEST:
        return _cargo_floor(text, path)
    if name == GO_MANIFEST:
        return _go_floor(text, path)
    return None


def declared_floors(texts: dict[str, str], directory: str) -> dict[str, Floor]:
    """Per runtime, the floor the manifests of ``directory`` declare (the highest if several)."""
    out: dict[str, Floor] = {}
    for name in MANIFESTS:
        path = f"{directory}/{name}" if directory else name
        text = texts.get(path)
        if text is None:
            continue
        floor = floor_of(name, text, path)
        if floor is None:
            continue
        known = out.get(floor.runtime)
        if known is None or _pad(floor.version) > _pad(known.version):
            out[floor.runtime] = floor
    return out


def _manifest_dirs(paths: Iterable[str]) -> list[str]:
    names = set(MANIFESTS)
    dirs: dict[str, None] = {}
    for path in paths:
        directory, _, name = path.rpartition("/")
        if name in names and not is_test_path(path) and "node_modules" not in path.split("/"):
            dirs.setdefault(directory, None)
    return list(dirs)


#: What a raised floor is without a learned habit (see the module's docstring).
_DEFAULT_JUMP = {"Python": Bump.MINOR, "Node.js": Bump.MINOR, "Rust": Bump.PATCH, "Go": Bump.PATCH}
_SOURCES: dict[str, EvidenceSource] = {
    "Python": "python-api",
    "Node.js": "javascript-api",
    "Rust": "rust-api",
    "Go": "go-api",
}


def _line_raised(old: Floor, new: Floor) -> bool:
    """Whether ``new`` drops a whole release line of the runtime that ``old`` admitted: Node.js
    lines are its majors (18 to 20), the others' are their minors (Python 3.8 to 3.9, Go 1.25
    to 1.26, Rust 1.70 to 1.74). A raise within a line (Go 1.26.0 to 1.26.1, Node.js 18 to
    18.19) asks for a newer patch of a runtime every user of that line can update to."""
    length = 1 if new.runtime == "Node.js" else 2
    return _pad(new.version)[:length] > _pad(old.version)[:length]


def _floor_evidence(old: Floor, new: Floor) -> Evidence | None:
    if not _line_raised(old, new):
        return None
    source: EvidenceSource = _SOURCES[new.runtime]
    leaves_python2 = new.runtime == "Python" and old.version[0] < 3 <= new.version[0]
    bump = Bump.MAJOR if leaves_python2 else _DEFAULT_JUMP[new.runtime]
    why = ": Python 2 is no longer supported" if leaves_python2 else ""
    return evidence(
        source,
        EvidenceKind.RUNTIME_FLOOR,
        bump,
        Strength.STRONG,
        f"minimum supported {new.runtime} raised from {old.text} to {new.text} ({new.field}){why}",
        path=new.path,
        line=new.line,
    )


def gather(ctx: AnalysisContext) -> list[Evidence]:
    """Evidence for every project directory whose runtime floor was raised in the range."""
    changed = [p for c in ctx.changes for p in {c.path, c.old_path or c.path}]
    dirs = _manifest_dirs(changed)
    if not dirs:
        return []
    wanted = [f"{d}/{name}" if d else name for d in dirs for name in MANIFESTS]
    before = read_texts(ctx, ctx.base_sha, wanted)
    after = read_texts(ctx, ctx.head_sha, wanted)
    items: list[Evidence] = []
    for directory in dirs:
        old_floors = declared_floors(before, directory)
        new_floors = declared_floors(after, directory)
        for runtime, new in new_floors.items():
            old = old_floors.get(runtime)
            if old is not None and (item := _floor_evidence(old, new)) is not None:
                items.append(item)
    return items


def raised_runtimes(git: Git, old: str, new: str, directories: Sequence[str]) -> tuple[str, ...]:
    """The runtimes whose floor the manifests of ``directories`` raised from ``old`` to ``new``
    (commits), read with one ``git cat-file`` run; for a release history's pairs."""
    paths = [f"{d}/{name}" if d else name for d in directories for name in MANIFESTS]
    texts = gitblobs.read_texts(git, [(ref, path) for ref in (old, new) for path in paths])
    before = {path: text for (ref, path), text in texts.items() if ref == old}
    after = {path: text for (ref, path), text in texts.items() if ref == new}
    raised: dict[str, None] = {}
    for directory in directories:
        old_floors = declared_floors(before, directory)
        for runtime, floor in declared_floors(after, directory).items():
            known = old_floors.get(runtime)
            if known is not None and _line_raised(known, floor):
                raised.setdefault(runtime, None)
    return tuple(raised)
