"""Which crates of a workspace speak for the analysed library crate's API.

A library crate's users see its own ``pub`` items and what it re-exports. The other crates of
its workspace that it builds from their directories (``regex`` builds ``regex-syntax``) ship
their changes inside its releases, but their API is theirs: ``regex`` users do not name
``regex_syntax::utf8::Utf8Range``. So a member crate's module files count for the API only
when the library re-exports that crate (``pub use clap_builder::*;``, ``pub extern crate
x;``). A workspace without a root library (a virtual manifest, a binary such as ``rg``) keeps
every crate: there is no library face to measure them against.
"""

from __future__ import annotations

import posixpath
import re
import tomllib
from collections.abc import Iterable

from release_tools.analysis.context import AnalysisContext
from release_tools.analysis.evidence._common import read_texts

__all__ = ["foreign_crate_dirs"]

#: ``pub use name::...`` / ``pub use ::name::...`` / ``pub extern crate name``: the crates a
#: library re-exports from (``crate``, ``self`` and ``super`` are its own modules).
_REEXPORT = re.compile(r"\bpub\s+(?:use\s+(?:::)?|extern\s+crate\s+)([A-Za-z_]\w*)")
_OWN = frozenset({"crate", "self", "super"})


def _package_name(text: str | None) -> str | None:
    try:
        data = tomllib.loads(text) if text else {}
    except tomllib.TOMLDecodeError:
        return None
    package = data.get("package")
    name = package.get("name") if isinstance(package, dict) else None
    return name.replace("-", "_") if isinstance(name, str) else None


def _library(text: str | None, root: str) -> str | None:
    """The library file of the crate whose manifest is ``text`` in ``root``."""
    try:
        data = tomllib.loads(text) if text else {}
    except tomllib.TOMLDecodeError:
        return None
    lib = data.get("lib")
    path = lib.get("path") if isinstance(lib, dict) else None
    return posixpath.join(root, path if isinstance(path, str) else "src/lib.rs")


def _crate_dir(path: str, crates: set[str]) -> str | None:
    """The directory of the nearest crate manifest above ``path`` (``""``: the root)."""
    directory = posixpath.dirname(path)
    while True:
        if directory in crates:
            return directory
        if not directory:
            return None
        directory = posixpath.dirname(directory)


def foreign_crate_dirs(ctx: AnalysisContext, paths: Iterable[str]) -> set[str]:
    """The crate directories among those holding ``paths`` whose API is not the analysed
    library crate's (see the module docstring); empty when there is no such library."""
    project = ctx.project_paths[0].strip("/") if ctx.project_paths else ""
    own_sources = f"{project}/src/" if project else "src/"
    paths = list(paths)
    if all(path.startswith(own_sources) for path in paths):
        return set()  # only the crate's own sources changed: no member to weigh
    files = set(ctx.git.ls_files(ctx.head_sha)) | set(ctx.git.ls_files(ctx.base_sha))
    crates = {posixpath.dirname(f) for f in files if posixpath.basename(f) == "Cargo.toml"}
    if project not in crates:
        return set()
    touched = {d for p in paths if (d := _crate_dir(p, crates)) is not None and d != project}
    if not touched:
        return set()
    manifest = posixpath.join(project, "Cargo.toml")
    texts = {
        ref: read_texts(ctx, ref, [manifest, *(posixpath.join(d, "Cargo.toml") for d in touched)])
        for ref in (ctx.base_sha, ctx.head_sha)
    }
    head = texts[ctx.head_sha]
    if _package_name(head.get(manifest)) is None:
        return set()  # a virtual workspace: no crate of its own
    library = _library(head.get(manifest), project)
    if library is None:
        return set()
    sources = [
        text
        for ref in (ctx.base_sha, ctx.head_sha)
        for text in read_texts(ctx, ref, [library]).values()
    ]
    if not sources:
        return set()  # a binary: no library face
    reexported = {m.group(1) for text in sources for m in _REEXPORT.finditer(text)} - _OWN
    foreign: set[str] = set()
    for directory in touched:
        path = posixpath.join(directory, "Cargo.toml")
        names = {_package_name(side.get(path)) for side in texts.values()} - {None}
        if names and not names & reexported:
            foreign.add(directory)
    return foreign
