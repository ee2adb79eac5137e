"""Which files are a project's own: its directory, less the nested projects released apart.

Go starts a new module at every nested ``go.mod``. Once such a module has a release line of its
own, the files below it are never the enclosing module's changes: neither in what ``analyze``
reads nor in the commits a changelog lists. A nested module that was never tagged (a ``docs/``
module that only runs the examples) ships with the enclosing module's releases instead.

A Cargo workspace whose root is a crate works the same way: a member crate with release tags of
its own (``clap_complete-v4.5.0`` beside clap's ``v4.5.0``) is released apart, so its files
are not the root crate's, nor are they when such a crate leaves the workspace. Members without
tags of their own, members sharing the root's workspace version, and members the root crate
depends on, directly or through other members (ripgrep's ``grep`` and ``ignore``: tagged
apart, yet built into every ``rg``), are the root's.
"""

from __future__ import annotations

import logging
import re
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from pathlib import PurePosixPath
from typing import Any

from release_tools.git import Git
from release_tools.gitblobs import read_texts
from release_tools.versioning.conventions import Conventions
from release_tools.versioning.gomodules import nested_go_modules
from release_tools.versioning.projects import Project

__all__ = [
    "departed_crates",
    "pathspecs",
    "project_pathspecs",
    "separate_crates",
    "separate_modules",
]

log = logging.getLogger(__name__)

#: A major version directory (v2/, v10/): its module's tags are the repository's vN.x.y.
_MAJOR_DIR = re.compile(r"v(?:[2-9]|[1-9]\d+)")


def _tag_directories(git: Git) -> set[str]:
    """The directories that prefix a ``v`` tag (``tools`` for ``tools/v0.1.0``): the nested
    modules with releases of their own. One git call, whatever the number of modules."""
    names = git.run("for-each-ref", "--format=%(refname:strip=2)", "refs/tags/", check=False)
    found: set[str] = set()
    for name in names.splitlines():
        directory, _, last = name.rpartition("/")
        if directory and last.startswith("v"):
            found.add(directory)
    return found


def separate_modules(
    git: Git,
    project: Project,
    ref: str = "HEAD",
    conventions: Conventions | None = None,
    base: str | None = None,
) -> tuple[str, ...]:
    """The directories below ``project`` holding projects released apart from it
    (repository-relative). For a Go module, read in the tree of ``ref``: a major version
    directory, or a module with tags of its own (``tools/v0.1.0``); read from the commit, not
    the work tree, so that an analysed ``--head`` is bounded as it stood and an untracked
    ``go.mod`` is no module of the repository's. For a crate, the member crates of its
    workspace with release tags of their own (:func:`separate_crates`; needs ``conventions``),
    and, given the ``base`` of an analysed range, such crates that left the workspace in it
    (:func:`departed_crates`). Nothing for other ecosystems."""
    if project.manifest_kind == "cargo":
        if conventions is None:
            return ()
        departed = departed_crates(git, project, conventions.tags, base, ref) if base else ()
        return tuple(sorted({*separate_crates(git, project, conventions, ref), *departed}))
    if project.manifest_kind != "go.mod":
        return ()
    own = () if project.path in (".", "") else (project.path,)
    nested = nested_go_modules(git.ls_files(ref, own), project.path)
    if not nested:
        return ()
    tagged = _tag_directories(git)
    return tuple(d for d in nested if _MAJOR_DIR.fullmatch(PurePosixPath(d).name) or d in tagged)


def separate_crates(
    git: Git, project: Project, conventions: Conventions, ref: str = "HEAD"
) -> tuple[str, ...]:
    """The directories of the crates below ``project`` that are released apart from it: each
    has a release tag naming it (``{name}-v{version}`` and the like), does not share the
    project's version group (the workspace's inherited version), and is not among the crates
    ``project`` builds from their directories at ``ref`` (their code ships inside the
    project's releases; see :func:`_built_members`)."""
    base = "" if project.path in (".", "") else project.path.rstrip("/") + "/"
    tagged: dict[str, str] = {}
    members: list[Project] = []
    for own in conventions.projects.values():
        member = own.project
        if member.name == project.name or member.manifest_kind != "cargo":
            continue
        if member.path in (".", "") or not member.path.startswith(base):
            continue
        members.append(member)
        if project.version_group is not None and member.version_group == project.version_group:
            continue
        # A tag of its own names it (a workspace's unnamed v1.2.3 may stand in otherwise).
        if own.latest_tag is not None and own.latest_tag.project == member.name:
            tagged[member.manifest] = member.path
    if not tagged:
        return ()
    built = _built_members(git, ref, project.manifest, members)
    return tuple(sorted(path for manifest, path in tagged.items() if manifest not in built))


def departed_crates(
    git: Git, project: Project, tags: Sequence[str], base: str, head: str
) -> tuple[str, ...]:
    """The directories below ``project`` of crates whose manifest the range ``base..head``
    deletes, that no manifest at ``head`` names any more (a crate that only moved stays), and
    that have release tags of their own (``rand_pcg-0.3.1``): a crate released apart that
    leaves the workspace (for a repository of its own) takes nothing from the project's API.
    The project's own manifest never counts."""
    own = () if project.path in (".", "") else (project.path,)
    deleted = [
        path
        for status, path in git.name_status(base, head, own)
        if status == "D" and PurePosixPath(path).name == "Cargo.toml" and path != project.manifest
    ]
    if not deleted:
        return ()
    # A crate that moved (ripgrep's globset/ to crates/globset/) is still there under its name.
    remaining = [
        (head, path) for path in git.ls_files(head, own) if PurePosixPath(path).name == "Cargo.toml"
    ]
    texts = read_texts(git, [*((base, path) for path in deleted), *remaining])
    staying = {_crate_name(texts.get(key), key[1]) for key in remaining}
    out: list[str] = []
    for path in deleted:
        name = _crate_name(texts.get((base, path)), path)
        if name is None or name in staying:
            continue
        own_tag = re.compile(re.escape(name) + r"[-@/]v?\d")
        if any(own_tag.match(tag) for tag in tags):
            out.append(str(PurePosixPath(path).parent))
    return tuple(out)


def _crate_name(text: str | None, path: str) -> str | None:
    package = _parsed(text, path).get("package")
    name = package.get("name") if isinstance(package, dict) else None
    return name if isinstance(name, str) else None


def _built_members(git: Git, ref: str, manifest: str, members: Sequence[Project]) -> set[str]:
    """The manifests of the ``members`` that the crate of ``manifest`` depends on at ``ref``
    through their directories, directly or through other members: their code is built into
    it. Members are matched by the crate name their manifest declares (an Nx project's name
    may differ). A dependency on the registry's copy of a member (a version, no ``path``)
    builds what was published, not the range's changes."""
    # Every manifest in one ``git cat-file --batch`` run: a workspace may have hundreds.
    texts = read_texts(git, [(ref, manifest), *((ref, m.manifest) for m in members)])
    manifests = {path: _parsed(texts.get((ref, path)), path) for _ref, path in texts}
    root = manifests.get(manifest, {})
    workspace = root.get("workspace")
    inherited = workspace.get("dependencies") if isinstance(workspace, dict) else None
    by_crate: dict[str, str] = {}
    for member in members:
        package = manifests.get(member.manifest, {}).get("package")
        crate = package.get("name") if isinstance(package, dict) else None
        by_crate[crate if isinstance(crate, str) else member.name] = member.manifest
    built: set[str] = set()
    pending = [root]
    while pending:
        data = pending.pop()
        for crate in _local_dependencies(data, inherited if isinstance(inherited, dict) else {}):
            found = by_crate.get(crate)
            if found is not None and found not in built:
                built.add(found)
                pending.append(manifests.get(found, {}))
    return built


def _parsed(text: str | None, path: str) -> dict[str, Any]:
    """A Cargo manifest's tables; empty when missing or unreadable (with a debug line)."""
    if text is None:
        return {}
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        log.debug("cannot read %s: %s", path, exc)
        return {}


def _local_dependencies(data: Mapping[str, Any], inherited: Mapping[str, Any]) -> Iterator[str]:
    """The crate names of a manifest's normal dependencies taken from a directory (``path``,
    or a ``workspace = true`` entry whose workspace dependency has one), target-specific ones
    included and renames (``package = "..."``, here or in the workspace table) followed.
    Development and build dependencies never reach the built crate's users."""
    tables = [data.get("dependencies")]
    targets = data.get("target")
    if isinstance(targets, dict):
        tables.extend(t.get("dependencies") for t in targets.values() if isinstance(t, dict))
    for table in tables:
        if not isinstance(table, dict):
            continue
        for key, spec in table.items():
            if isinstance(spec, dict) and spec.get("workspace") is True:
                spec = inherited.get(key)
            if not isinstance(spec, dict) or not isinstance(spec.get("path"), str):
                continue
            renamed = spec.get("package")
            yield renamed if isinstance(renamed, str) else key


def project_pathspecs(
    git: Git, project: Project, ref: str = "HEAD", conventions: Conventions | None = None
) -> tuple[str, ...]:
    """The git pathspecs of ``project``'s own files at ``ref`` (empty: the whole repository)."""
    own = () if project.path in (".", "") else (project.path,)
    return pathspecs(own, separate_modules(git, project, ref, conventions))


def pathspecs(paths: Sequence[str], excludes: Sequence[str]) -> tuple[str, ...]:
    """Git pathspecs of ``paths`` (none: the whole repository) less the directories
    ``excludes``, each matched literally."""
    return (*paths, *(f":(exclude,literal){d}" for d in excludes))
