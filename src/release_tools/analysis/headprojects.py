"""The projects as they stand at ``--head``, when the work tree does not hold them all.

Project discovery reads manifests from files: the work tree's, which hold the checked-out
commit. A range whose head is another commit (``--head next`` from ``main``) must take its
current version from the manifests of that commit: the files discovery reads (manifests,
workspace configuration and the files Python projects keep their version in) are written from
git into a temporary directory and discovered there.

A sparse checkout (``git sparse-checkout set``, cone mode or not) lacks the files outside its
patterns: git marks them skip-worktree in the index. :func:`checkout_view` puts together the
checkout a full one would be: every file the checkout leaves out as the index has it (such a
file cannot be edited in place, so it is HEAD's unless an edit was staged: ``git add --sparse``,
or an edit staged before the checkout was narrowed, which the next commit holds and a full
checkout would show), every other one as the work tree has it, uncommitted edits and new files
included, exactly as discovery reads a full checkout. Discovery and the projects' conventions
(release configuration, changelogs, the plans folders that tell the plan format) are read
there. The work tree and the index are never touched.
"""

from __future__ import annotations

import logging
import os
import posixpath
import shutil
import tempfile
import tomllib
from collections.abc import Iterable, Iterator, Sequence
from collections.abc import Set as AbstractSet
from contextlib import contextmanager
from pathlib import Path

from release_tools.git import Git
from release_tools.versioning.changelogfile import CHANGELOG_NAMES
from release_tools.versioning.conventions import Conventions, read_conventions
from release_tools.versioning.projects import Project, discover_projects
from release_tools.versioning.pyversion import python_version_file, version_file_candidates
from release_tools.versioning.workspaces import SKIP_DIRS

__all__ = [
    "MANIFESTS",
    "CheckoutView",
    "checkout_files",
    "checkout_view",
    "left_out_paths",
    "projects_at",
    "view_conventions",
    "wanted_files",
]

log = logging.getLogger(__name__)

#: Files project discovery reads by name: manifests and workspace configuration.
MANIFESTS = frozenset(
    {
        "package.json",
        "project.json",
        "nx.json",
        "lerna.json",
        "pnpm-workspace.yaml",
        "Cargo.toml",
        "pyproject.toml",
        "setup.cfg",
        "setup.py",
        "go.mod",
        "go.work",
    }
)
#: Files a Python project may keep its version in (``__version__ = "1.2.3"``).
_VERSION_FILES = frozenset(
    {"__init__.py", "__about__.py", "_version.py", "version.py", "__version__.py", "_about.py"}
)
#: A package module is at most this deep below the repository root (``libs/x/src/pkg/``).
_VERSION_DEPTH = 6
#: Release configuration read by path besides the manifests (``nx.json`` is one of them).
_CONFIG_FILES = frozenset({".changeset/config.json"})
#: How many links in a row (a link to a link) a view follows when it writes their targets.
_LINK_ROUNDS = 8
#: How paths git lists are decoded: a name that is not UTF-8 keeps its bytes (as surrogates,
#: the way Python names such files), so that it reaches git's pathspecs and the file system
#: as the same name; replacing them would name no file and make ``git archive`` fail.
_PATH_BYTES = "surrogateescape"


def wanted_files(paths: Iterable[str]) -> list[str]:
    """The paths of a tree that project discovery may read, without those a pyproject names."""
    return [
        path
        for path in paths
        if (name := posixpath.basename(path)) in MANIFESTS
        or (name in _VERSION_FILES and path.count("/") < _VERSION_DEPTH)
    ]


def _named_version_files(root: Path, manifests: Iterable[str], tree: AbstractSet[str]) -> list[str]:
    """The files of ``tree`` a pyproject among ``manifests`` (written under ``root``, with the
    setup.cfg beside it) may take its version from: hatch's or pdm's path, the module of
    setuptools' ``attr`` or the files of its ``file`` (in pyproject.toml or setup.cfg), the
    package flit builds or the one named after it (see :func:`version_file_candidates`).
    Paths leading out of the tree name none of its files."""
    found: list[str] = []
    for manifest in manifests:
        if posixpath.basename(manifest) != "pyproject.toml":
            continue
        try:
            data = tomllib.loads((root / manifest).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError):
            continue
        directory = root / posixpath.dirname(manifest)
        for candidate in version_file_candidates(directory, data):
            rel = posixpath.normpath(os.path.relpath(candidate, root).replace(os.sep, "/"))
            if rel in tree and rel not in found:
                found.append(rel)
    return found


def _link_targets(root: Path, written: Sequence[str], tree: AbstractSet[str]) -> list[str]:
    """The files of ``tree`` that the symbolic links among ``written`` point to (a manifest
    linked to ``pkg/real.json``), so that the links read as they do in a checkout. Links
    leading out of the tree were left out when written (see :meth:`Git.archive_to`)."""
    found: list[str] = []
    for path in written:
        link = root / path
        if not link.is_symlink():
            continue
        target = posixpath.normpath(posixpath.join(posixpath.dirname(path), os.readlink(link)))
        if target in tree and target not in written:
            found.append(target)
    return found


def left_out_paths(git: Git) -> frozenset[str]:
    """The tracked paths a sparse checkout leaves out of the work tree (git's skip-worktree
    entries, the index expanded when it is a sparse index); empty when it is not sparse."""
    if not git.is_sparse():
        return frozenset()
    git.toplevel()  # paths relative to the repository root, every one of them listed
    out = git.run_bytes("ls-files", "-t", "-z")
    entries = out.decode("utf-8", _PATH_BYTES).split("\0")
    return frozenset(entry[2:] for entry in entries if entry.startswith("S "))


def _staged_paths(git: Git, left_out: frozenset[str]) -> frozenset[str]:
    """The paths among ``left_out`` whose index entry is not HEAD's: an edit or a new file
    staged (a staged deletion is no index entry, so it is never left out)."""
    out = git.run_bytes(
        "diff-index", "--cached", "--name-only", "-z", "--no-renames", "--no-relative", "HEAD"
    )
    staged = out.decode("utf-8", _PATH_BYTES).split("\0")
    return frozenset(path for path in staged if path in left_out)


def _index_entries(git: Git, paths: Sequence[str]) -> list[tuple[str, str, str]]:
    """``(mode, object id, path)`` of the merged index entries of ``paths``."""
    out = git.run_bytes("ls-files", "-s", "-z", "--", *(f":(literal){p}" for p in paths))
    found: list[tuple[str, str, str]] = []
    for entry in out.decode("utf-8", _PATH_BYTES).split("\0"):
        info, _, path = entry.partition("\t")
        fields = info.split()
        if len(fields) == 3 and fields[2] == "0" and path in paths:
            found.append((fields[0], fields[1], path))
    return found


def _blobs(git: Git, ids: Sequence[str]) -> dict[str, bytes]:
    """The contents of the blobs ``ids``, read by one ``git cat-file --batch``."""
    if not ids:
        return {}
    out = git.run_bytes("cat-file", "--batch", input="".join(f"{i}\n" for i in ids).encode())
    found: dict[str, bytes] = {}
    position = 0
    while position < len(out):
        end = out.index(b"\n", position)
        header = out[position:end].split()
        position = end + 1
        if len(header) != 3:  # "<id> missing"
            continue
        size = int(header[2])
        found[header[0].decode("ascii")] = out[position : position + size]
        position += size + 1
    return found


def _write_index_entries(git: Git, root: Path, paths: Sequence[str]) -> list[str]:
    """Write ``paths`` into ``root`` as the index holds them; return those written.

    Regular files by their bytes, symbolic links as links: one leading out of ``root`` (an
    absolute target, or ``..`` past the top) is left out, as :meth:`Git.archive_to` leaves it
    out of HEAD's files, and so is a submodule (no file). A path whose folder would resolve
    out of ``root`` (through a link written before it) is not written either.
    """
    entries = [e for e in _index_entries(git, paths) if e[0] in ("100644", "100755", "120000")]
    contents = _blobs(git, list(dict.fromkeys(e[1] for e in entries)))
    top = os.path.realpath(root)
    written: list[str] = []
    for mode, object_id, path in entries:
        data = contents.get(object_id)
        target = root / path
        if data is None or os.path.lexists(target):
            continue
        if mode == "120000":
            link = data.decode("utf-8", _PATH_BYTES)
            joined = posixpath.normpath(posixpath.join(posixpath.dirname(path), link))
            if posixpath.isabs(link) or joined == ".." or joined.startswith("../"):
                log.debug("link leading outside the tree left out", extra={"path": path})
                continue
        if not _inside(top, target.parent):
            log.debug("index entry under a link out of the view left out", extra={"path": path})
            continue
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:  # a file or a dangling link where a folder should be
            log.debug("index entry not written (%s)", exc.strerror, extra={"path": path})
            continue
        if mode == "120000":
            os.symlink(link, target)
        else:
            target.write_bytes(data)
        written.append(path)
    return written


def _inside(top: str, folder: Path) -> bool:
    """Whether ``folder``, made where it is missing, stays in ``top`` (a real path): its
    nearest existing ancestor, links resolved, is ``top`` or below it."""
    existing = folder
    while not os.path.lexists(existing) and existing != existing.parent:
        existing = existing.parent
    return os.path.commonpath([top, os.path.realpath(existing)]) == top


def _tree_paths(git: Git, ref: str) -> list[str]:
    """The paths of ``ref``'s tree, each naming its file's bytes (see :data:`_PATH_BYTES`)."""
    out = git.run_bytes("ls-tree", "-r", "-z", "--name-only", "--full-tree", ref)
    return [p for p in out.decode("utf-8", _PATH_BYTES).split("\0") if p]


class CheckoutView:
    """The files discovery and conventions read, as a full checkout would hold them.

    ``root`` is where to read them: the work tree itself when the checkout is not sparse (or
    leaves nothing out), else a temporary directory (see the module docstring). Only the files
    written there can be read, so :meth:`add` writes more of them on demand (a changelog whose
    name only a configuration gives).
    """

    def __init__(
        self,
        git: Git,
        worktree: Path,
        root: Path,
        left_out: frozenset[str],
        committed: frozenset[str],
        staged: frozenset[str] = frozenset(),
    ) -> None:
        self._git = git
        self._worktree = worktree
        self.root = root
        #: The tracked paths the sparse checkout leaves out.
        self.left_out = left_out
        #: The paths of HEAD's tree and those ``staged`` (empty when the view is the work
        #: tree): the files of the next commit that a left-out path may be.
        self.tracked = committed | staged
        #: The left-out paths whose index entry is not HEAD's, written from the index.
        self._staged = staged
        self._written: set[str] = set()

    @property
    def is_work_tree(self) -> bool:
        """Whether the view is the work tree itself (nothing left out)."""
        return self.root == self._worktree

    def leaves_out(self, path: str) -> bool:
        """Whether the sparse checkout leaves ``path`` (repository-relative) out."""
        return path in self.left_out

    def head_manifests(self) -> dict[str, bytes]:
        """The bytes of the manifests written into the view from the index (those the
        checkout leaves out: HEAD's, or an edit staged), by path: a caller reading them again
        after the view is gone (every dependent's manifest) runs no git process. Manifests
        are small; changelogs, which may not be, are left to be read one by one."""
        found: dict[str, bytes] = {}
        for path in sorted(self._written & self.left_out):
            file = self.root / path
            if posixpath.basename(path) in MANIFESTS and file.is_file():
                found[path] = file.read_bytes()
        return found

    def add(self, paths: Iterable[str]) -> list[str]:
        """Write ``paths`` into the view (those left out as the index holds them, the others
        from the work tree), with the files the symbolic links among them point to; return
        those written. Paths neither source holds, and those already written, are passed
        over."""
        if self.is_work_tree:
            return []
        written: list[str] = []
        pending = [p for p in dict.fromkeys(paths) if p not in self._written]
        for _ in range(_LINK_ROUNDS):
            if not pending:
                break
            done = self._write(pending)
            written += done
            pending = [
                target
                for target in _link_targets(self.root, done, self.tracked | self._on_disk(done))
                if target not in self._written
            ]
        return written

    def _on_disk(self, paths: Iterable[str]) -> set[str]:
        """The link targets among the work tree's files (for :func:`_link_targets`)."""
        found: set[str] = set()
        for path in paths:
            link = self.root / path
            if link.is_symlink():
                target = posixpath.normpath(
                    posixpath.join(posixpath.dirname(path), os.readlink(link))
                )
                if os.path.lexists(self._worktree / target) and target not in self.left_out:
                    found.add(target)
        return found

    def _write(self, paths: Sequence[str]) -> list[str]:
        """Write ``paths`` (see :meth:`add`): one ``git archive`` for those left out as HEAD
        has them, the index's entries for those staged since."""
        left_out = [p for p in paths if p in self.left_out and p in self.tracked]
        from_head = [p for p in left_out if p not in self._staged]
        if from_head:
            self._git.archive_to("HEAD", self.root, [f":(literal){p}" for p in from_head])
        done = from_head + _write_index_entries(
            self._git, self.root, [p for p in left_out if p in self._staged]
        )
        for path in paths:
            if path in self.left_out or posixpath.isabs(path) or path.startswith("../"):
                continue
            if _copy_entry(self._worktree, self.root, path):
                done.append(path)
        self._written.update(done)
        return done


def _copy_entry(worktree: Path, view: Path, rel: str) -> bool:
    """Copy one file of the work tree into the view: a symbolic link staying in the
    repository as the same link, one leading out of it as a link to where it leads (so that
    discovery refuses it as it does in the work tree), a regular file by its bytes."""
    source = worktree / rel
    target = view / rel
    if os.path.lexists(target):
        return False
    if source.is_symlink():
        link = os.readlink(source)
        joined = posixpath.normpath(posixpath.join(posixpath.dirname(rel), link))
        target.parent.mkdir(parents=True, exist_ok=True)
        if posixpath.isabs(link) or joined == ".." or joined.startswith("../"):
            os.symlink(os.path.realpath(source), target)
        else:
            os.symlink(link, target)
        return True
    if not source.is_file():
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return True


def _read_names(names: Iterable[str]) -> set[str]:
    """File names to copy beside the manifests: the changelogs, and the file names of
    ``names`` (a configured changelog, given as a name or a path)."""
    return {*CHANGELOG_NAMES, *(posixpath.basename(n) for n in names if n)} - {""}


def _work_tree_files(worktree: Path, left_out: frozenset[str]) -> list[str]:
    """The files of the work tree, tracked, new or ignored alike, as discovery walks them: it
    never enters ``.git`` nor a dependency or build folder (:data:`SKIP_DIRS`), and neither
    does this walk. A path the checkout leaves out is not taken from a file found there."""
    found: list[str] = []
    for current, dirs, files in os.walk(worktree):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
        here = Path(current).relative_to(worktree).as_posix()
        prefix = "" if here == "." else here + "/"
        found += [prefix + name for name in sorted(files) if prefix + name not in left_out]
    return found


def _python_version_paths(worktree: Path, manifests: Iterable[str]) -> list[str]:
    """The files discovery reads the version of the work tree's pyprojects from (hatch's or
    pdm's path, setuptools' attr module or version file, the package's ``__init__.py``)."""
    found: list[str] = []
    top = Path(os.path.realpath(worktree))
    for manifest in manifests:
        if posixpath.basename(manifest) != "pyproject.toml":
            continue
        directory = worktree / posixpath.dirname(manifest)
        try:
            data = tomllib.loads((worktree / manifest).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError):
            continue
        path = python_version_file(directory, data)
        if path is None:
            continue
        real = Path(os.path.realpath(path))
        if real.is_relative_to(top):
            rel = os.path.relpath(path, worktree).replace(os.sep, "/")
            if not rel.startswith("../"):
                found.append(posixpath.normpath(rel))
    return found


@contextmanager
def checkout_view(
    git: Git, worktree: Path, names: Iterable[str] = (), *, conventions: bool = False
) -> Iterator[CheckoutView]:
    """The checkout as a full one would hold it (see the module docstring), for as long as the
    context lasts: the manifests and version files discovery reads and, with ``conventions``,
    the release configuration, the plans folders' files (which tell the plan format) and every
    file named like a changelog or with the file name of one of ``names``, which discovery
    alone does not read.

    Outside a sparse checkout, and in one that leaves nothing out, it is the work tree.
    """
    left_out = left_out_paths(git)
    if not left_out or not git.has_commits():
        yield CheckoutView(git, worktree, worktree, frozenset(), frozenset())
        return
    wanted_names = _read_names(names) if conventions else set()
    config = _CONFIG_FILES if conventions else frozenset()
    # Only a sparse checkout needs the plan folders' names: the plans package loads a YAML
    # parser that an ordinary analyze run never needs.
    from release_tools.plans import PLAN_DIRS

    plan_dirs = frozenset(PLAN_DIRS) if conventions else frozenset()
    with tempfile.TemporaryDirectory(prefix="release-tools-checkout-") as temporary:
        view = _sparse_view(git, worktree, Path(temporary), left_out)
        outside = sorted(left_out & view.tracked)
        inside = _work_tree_files(worktree, left_out)

        def chosen(paths: Sequence[str], *, versions: bool) -> list[str]:
            picked = wanted_files(paths) if versions else _manifests(paths)
            return picked + [
                p
                for p in paths
                if posixpath.basename(p) in wanted_names
                or p in config
                or posixpath.dirname(p) in plan_dirs
            ]

        view.add(chosen(outside, versions=True))
        inside_manifests = _manifests(inside)
        view.add(chosen(inside, versions=False))
        available = set(outside) | set(inside)
        written = [p for p in (*outside, *inside_manifests) if (view.root / p).exists()]
        view.add(_named_version_files(view.root, written, available))
        view.add(_python_version_paths(worktree, inside_manifests))
        log.debug("sparse checkout viewed", extra={"left_out": len(left_out)})
        yield view


@contextmanager
def checkout_files(git: Git, worktree: Path, paths: Iterable[str]) -> Iterator[Path]:
    """A directory holding ``paths`` (repository-relative) as a full checkout would: the work
    tree itself when the checkout leaves nothing out, else a temporary one where the paths
    left out are written as the index holds them and the others copied from the work tree
    (see :class:`CheckoutView`), for as long as the context lasts."""
    left_out = left_out_paths(git)
    if not left_out or not git.has_commits():
        yield worktree
        return
    with tempfile.TemporaryDirectory(prefix="release-tools-checkout-") as temporary:
        view = _sparse_view(git, worktree, Path(temporary), left_out)
        view.add(paths)
        yield view.root


def _sparse_view(git: Git, worktree: Path, root: Path, left_out: frozenset[str]) -> CheckoutView:
    """An empty view in ``root`` of a checkout leaving ``left_out`` out."""
    committed = frozenset(_tree_paths(git, "HEAD"))
    return CheckoutView(git, worktree, root, left_out, committed, _staged_paths(git, left_out))


def _manifests(paths: Iterable[str]) -> list[str]:
    return [p for p in paths if posixpath.basename(p) in MANIFESTS]


def view_conventions(
    git: Git,
    view: CheckoutView,
    projects: Sequence[Project],
    *,
    head: str = "HEAD",
    tag_format: str | None = None,
    tag_pattern: str | None = None,
    changelog: str | None = None,
) -> Conventions:
    """The conventions of ``projects`` (see :func:`read_conventions`, which takes the other
    arguments) read from ``view`` (made with ``conventions``), so that a sparse checkout's
    configuration and changelogs are those a full checkout holds.

    A changelog whose name only a configuration gives (``nx.json``'s ``projectChangelogs``
    file) is written into the view once known, and the conventions read again with it.
    """

    def read() -> Conventions:
        return read_conventions(
            git,
            view.root,
            projects,
            head=head,
            tag_format=tag_format,
            tag_pattern=tag_pattern,
            changelog=changelog,
        )

    found = read()
    named = [c.changelog.path for c in found.projects.values() if c.changelog.path]
    if view.add(p for p in named if not (view.root / p).exists()):
        found = read()
    return found


def projects_at(
    git: Git, worktree: Path, head: str | None, *, view: CheckoutView | None = None
) -> list[Project]:
    """The projects of the repository as commit ``head`` (None: HEAD) has them: read from the
    work tree when ``head`` is the checked-out commit, through :func:`checkout_view` when that
    checkout is sparse (the work tree's files where it holds them, HEAD's where it leaves them
    out; ``view`` when the caller has one open), else from git (see the module docstring).
    Discovery errors propagate, as from :func:`discover_projects`."""
    if head in (None, "HEAD"):
        head, checked_out = "HEAD", True
    elif not git.has_commits():
        return discover_projects(worktree)
    else:
        checked_out = git.resolve(head) == git.resolve("HEAD")
    if checked_out and view is not None:
        return discover_projects(view.root)
    if checked_out:
        with checkout_view(git, worktree) as opened:
            return discover_projects(opened.root)
    sha = git.resolve(head)
    tree = _tree_paths(git, sha)
    wanted = wanted_files(tree)
    with tempfile.TemporaryDirectory(prefix="release-tools-head-") as temporary:
        root = Path(temporary)
        if wanted:
            git.archive_to(sha, root, [f":(literal){p}" for p in wanted])
        files = set(tree)
        named = [p for p in _named_version_files(root, wanted, files) if p not in wanted]
        named += [p for p in _link_targets(root, wanted, files) if p not in named]
        if named:
            git.archive_to(sha, root, [f":(literal){p}" for p in named])
        log.debug("projects read at head", extra={"head": sha, "files": len(wanted) + len(named)})
        return discover_projects(root)
