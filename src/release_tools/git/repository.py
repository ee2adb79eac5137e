"""The repository operations of :class:`Git`: facts about refs, trees and history, and writes.

Identity for commits and tags is passed per command with ``-c``, so nobody's git configuration
is changed; paths given by the user are taken literally (``--literal-pathspecs``) and names go
after ``--end-of-options``.

Every path this tool hands git is relative to the top of the work tree, so once that top is
known (:meth:`Git.toplevel`) the commands run there, wherever the tool was started: ``git add``
of a plan, a pathspec of a project and ``ls-tree``'s listing all mean the same from a
subdirectory. Output that a user's configuration would reshape (``column.ui``, ``tag.sort``,
``log.showSignature``, ``diff.relative``) is asked for with the options that fix its form.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from release_tools.errors import (
    GitError,
    NotAGitRepositoryError,
    ShallowCloneError,
    UnknownRefError,
)
from release_tools.git.process import GitProcess
from release_tools.refnames import tag_name_problem

__all__ = ["Commit", "Git"]

log = logging.getLogger(__name__)

# Separators of the fields and records of ``git log`` output: a control character and a token
# drawn for each listing, since a commit message may hold any control character (one holding
# "\x1e<id>\x1f...\x1ffeat!: ..." would otherwise read as a commit of its own).
_FIELD = "\x1f"
_RECORD = "\x1e"

# Identity used for commits only when the repository has none configured, passed with -c so
# that nobody's configuration is changed: a tool must never rewrite a user's git config.
_FALLBACK_IDENTITY = ("release-tools", "release-tools@users.noreply.github.com")

# What ``rev-parse --verify`` prints for one object: its full id (SHA-1 or SHA-256). A
# revision such as ``^HEAD`` verifies too, but prints ``^<id>``, which names no commit.
_OBJECT_ID = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?")

#: How many tags dated after the newest reachable one are weighed as made beside the branch
#: (:meth:`Git.tags_merged`): each costs an ancestry check.
_BESIDE_LIMIT = 64

# Variables naming paths that git reads relative to the directory it runs in: made absolute
# before the commands move to the top of the work tree, so that they keep naming the same files.
_PATH_VARIABLES = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_COMMON_DIR",
)


@dataclass(frozen=True, slots=True)
class Commit:
    """One commit of the analyzed range."""

    sha: str
    subject: str
    body: str
    author: str = ""
    #: The paths the commit changed (against its first parent), when they were asked for.
    files: tuple[str, ...] = ()

    @property
    def message(self) -> str:
        return f"{self.subject}\n\n{self.body}".rstrip() if self.body else self.subject


@dataclass(frozen=True, slots=True)
class _TagRef:
    """One tag: its name, the object it marks (an annotated tag peeled) and whether that is a
    commit."""

    name: str
    target: str
    is_commit: bool


class Git(GitProcess):
    """Runs git in one repository: what it holds, and the few writes a release makes."""

    def __init__(self, cwd: str | os.PathLike[str] = ".") -> None:
        super().__init__(cwd)
        #: The tags reachable from a commit, by its full id (see :meth:`tags_merged`).
        self._merged: dict[str, list[str]] = {}
        #: Every tag with its commit, once listed (see :meth:`_tag_refs`).
        self._tags: list[_TagRef] | None = None
        #: Every tag's (date, name), newest first, once a tag beside a branch was looked for.
        self._dated: list[tuple[str, str]] | None = None
        #: Whether the work tree is a sparse checkout, once asked (see :meth:`is_sparse`).
        self._sparse: bool | None = None

    # --- repository facts ----------------------------------------------------------------

    def toplevel(self) -> Path:
        """The repository's root directory."""
        if self._toplevel is None:
            if not self.cwd.is_dir():
                raise NotAGitRepositoryError(f"not a directory: {self.cwd}")
            try:
                top = Path(self.run("rev-parse", "--show-toplevel"))
            except NotAGitRepositoryError:
                raise
            except GitError as exc:
                if self.run("rev-parse", "--is-bare-repository", check=False) == "true":
                    raise NotAGitRepositoryError(
                        f"not a work tree: {self.cwd} is a bare repository "
                        "(run in a clone with checked-out files)"
                    ) from exc
                raise
            self._run_at(top)
            self._toplevel = top
        return self._toplevel

    def _run_at(self, top: Path) -> None:
        """Run the following commands in ``top``: paths given to them are relative to it."""
        start = os.path.abspath(self.cwd)
        for name in _PATH_VARIABLES:
            value = self._env.get(name)
            if value and not os.path.isabs(value):
                self._env[name] = os.path.normpath(os.path.join(start, value))
        self.cwd = top

    def git_dir(self) -> Path:
        """The absolute path of the repository's git directory (``.git`` of this work tree)."""
        return Path(self.run("rev-parse", "--absolute-git-dir"))

    def common_dir(self) -> Path:
        """The absolute path of the directory shared by all work trees (objects, refs)."""
        path = Path(self.run("rev-parse", "--git-common-dir"))
        return path if path.is_absolute() else Path(self.cwd) / path

    def git_path(self, name: str) -> Path:
        """Where git keeps ``name`` (``index.lock``...) for this work tree, as an absolute path."""
        top = self.toplevel()  # first: git prints the path relative to where it runs
        path = Path(self.run("rev-parse", "--git-path", name))
        return path if path.is_absolute() else top / path

    def is_shallow(self) -> bool:
        return self.run("rev-parse", "--is-shallow-repository") == "true"

    def is_sparse(self) -> bool:
        """Whether the work tree is a sparse checkout (``git sparse-checkout set``): the files
        of HEAD outside its patterns are absent, so the work tree is not the whole commit.

        Asked once per object: every command reads the checkout through this answer (project
        discovery, staging), and none of them changes the sparse-checkout settings, so a normal
        checkout pays one ``git config`` for the whole run.
        """
        if self._sparse is None:
            value = self.run("config", "--type=bool", "--get", "core.sparseCheckout", check=False)
            self._sparse = value == "true"
        return self._sparse

    def resolve(self, ref: str) -> str:
        """The full SHA of the commit ``ref`` names, or :class:`UnknownRefError`."""
        if not ref or ref.startswith("-"):
            raise UnknownRefError(f"invalid ref {ref!r}")
        try:
            sha = self.run("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
        except GitError as exc:
            hint = ""
            if self.is_shallow():
                hint = " (this is a shallow clone: fetch more history, e.g. fetch-depth: 0)"
            raise UnknownRefError(f"unknown ref {ref!r}{hint}") from exc
        if not _OBJECT_ID.fullmatch(sha):
            # "^main" (every commit but main's) verifies as "^<id>": a set of commits, no ref.
            raise UnknownRefError(f"invalid ref {ref!r}: it names no single commit")
        return sha

    def names_object(self, ref: str) -> bool:
        """Whether ``ref`` names any object (a tag of a tree or a blob, too)."""
        if not ref or ref.startswith("-"):
            return False
        out = self.run("rev-parse", "--verify", "--quiet", f"{ref}^{{object}}", check=False)
        return _OBJECT_ID.fullmatch(out) is not None

    def has_commits(self) -> bool:
        return self.ok("rev-parse", "--verify", "--quiet", "HEAD^{commit}")

    def merge_base(self, base: str, head: str) -> str:
        """The best common ancestor of two commits."""
        try:
            return self.run("merge-base", base, head)
        except GitError as exc:
            if self.is_shallow():
                raise ShallowCloneError(
                    f"no common history between {base[:12]} and {head[:12]} in this shallow "
                    "clone: fetch the full history (actions/checkout with fetch-depth: 0)"
                ) from exc
            raise GitError(f"{base[:12]} and {head[:12]} have no common ancestor") from exc

    def root_commit(self, head: str) -> str:
        """The first root commit reachable from ``head`` (the oldest)."""
        roots = self.run("rev-list", "--max-parents=0", head).split()
        if not roots:
            raise GitError(f"no root commit reachable from {head[:12]}")
        return roots[-1]

    def tags_merged(self, head: str) -> list[str]:
        """Tags reachable from ``head``, and the newer tags made beside it, newest first
        (equal dates by name).

        A tag beside ``head`` marks a commit outside its history whose first parent is in it
        and that no branch holds: a release commit tagged and then squash-merged, or never
        merged at all (a release that strips tests or adds built files on the tagged commit
        only). Such a tag released the branch as it stood at that parent, so it counts as
        reached; the range then starts at the merge base, the parent. Only tags dated after
        the newest reachable one are weighed (backports of older lines are dated earlier or
        live on their own branches), at most :data:`_BESIDE_LIMIT` of them.

        Listed with ``for-each-ref``: ``git tag`` lays its list out in columns under
        ``column.ui = always`` and breaks ties of the date by ``tag.sort``, both of them a
        user's settings. The list of a commit given by its full id is kept until this object
        makes or deletes a tag: the range, the conventions and the history each ask for it,
        and among thousands of tags each listing costs a twentieth of a second.
        """
        if _OBJECT_ID.fullmatch(head) is None:
            return self._list_merged(head)
        if head not in self._merged:
            self._merged[head] = self._list_merged(head)
        return list(self._merged[head])

    def _list_merged(self, head: str) -> list[str]:
        out = self.run(
            "for-each-ref",
            "--merged",
            head,
            "--sort=refname",
            "--sort=-creatordate",
            "--format=%(creatordate:unix) %(refname:strip=2)",
            "refs/tags",
        )
        merged = [line.split(" ", 1) for line in out.splitlines() if " " in line]
        newest = int(merged[0][0]) if merged and merged[0][0].isdigit() else None
        beside = self._tags_beside(head, {name for _, name in merged}, newest)
        if not beside:
            return [name for _, name in merged]
        dated = [(int(date) if date.isdigit() else 0, name) for date, name in merged]
        return [name for _, name in sorted([*beside, *dated], key=lambda t: (-t[0], t[1]))]

    def _tags_beside(
        self, head: str, merged: set[str], newest: int | None
    ) -> list[tuple[int, str]]:
        """The tags dated after ``newest`` (any date when None) that are not in ``merged``
        and mark a commit whose first parent ``head`` reaches, with their dates."""
        refs = {tag.name: tag for tag in self._tag_refs()}
        unreached = refs.keys() - merged
        if not unreached:
            return []  # the usual case: no tag needs dating
        if self._dated is None:
            out = self.run(
                "for-each-ref",
                "--sort=refname",
                "--sort=-creatordate",
                "--format=%(creatordate:unix) %(refname:strip=2)",
                "refs/tags",
            )
            self._dated = []
            for line in out.splitlines():
                date, _, name = line.partition(" ")
                self._dated.append((date, name))
        candidates: list[tuple[int, str, str]] = []
        for date, name in self._dated:
            if not date.isdigit() or (newest is not None and int(date) < newest):
                break  # newest first: the rest are older still
            tag = refs.get(name)
            if name not in unreached or tag is None or not tag.is_commit:
                continue
            candidates.append((int(date), name, tag.target))
            if len(candidates) == _BESIDE_LIMIT:
                break
        if not candidates:
            return []
        parents: dict[str, str] = {}
        listed = self.run(
            "rev-list", "--no-walk=unsorted", "--parents", *{c for _, _, c in candidates}
        )
        for line in listed.splitlines():
            commit, *its = line.split()
            if its:
                parents[commit] = its[0]
        found: list[tuple[int, str]] = []
        reached: dict[str, bool] = {}
        for when, name, commit in candidates:
            parent = parents.get(commit)
            if parent is None:
                continue
            if parent not in reached:
                reached[parent] = self.is_ancestor(parent, head)
            # A tagged commit some branch holds is that branch's history: a later commit of
            # an older head's own line, or a release of another line (main, seen from a
            # branch started before it). Only a commit no branch holds was made beside.
            if reached[parent] and not self._on_a_branch(commit):
                log.debug("tag beside the branch counts as released from it", extra={"tag": name})
                found.append((when, name))
        return found

    def _on_a_branch(self, commit: str) -> bool:
        """Whether a local or remote-tracking branch's history holds ``commit``."""
        out = self.run(
            "for-each-ref",
            "--count=1",
            "--contains",
            commit,
            "--format=%(refname)",
            "refs/heads",
            "refs/remotes",
        )
        return bool(out.strip())

    def tag_commits(self) -> dict[str, str]:
        """Every tag's commit (annotated tags peeled): ``{tag: sha}``."""
        return {tag.name: tag.target for tag in self._tag_refs()}

    def _peel_nested(self, name: str, inner: str) -> tuple[str, bool]:
        """The commit a tag of a tag (``git tag -a outer inner``) marks, and True; ``inner``
        and False when it marks no commit. ``%(*objectname)`` peels one level only in some
        versions of git: the inner tag's id would be taken for the release's commit."""
        sha = self.run(
            "rev-parse", "--verify", "--quiet", f"refs/tags/{name}^{{commit}}", check=False
        )
        return (sha, True) if _OBJECT_ID.fullmatch(sha) else (inner, False)

    def _tag_refs(self) -> list[_TagRef]:
        """Every tag with the object it marks, listed once until this object makes or deletes
        a tag (in git's order: by name)."""
        if self._tags is None:
            out = self.run(
                "for-each-ref",
                "--format=%(refname:strip=2)%09%(objecttype)%09%(objectname)%09"
                "%(*objecttype)%09%(*objectname)",
                "refs/tags",
            )
            tags: list[_TagRef] = []
            for line in out.splitlines():
                name, kind, obj, peeled_kind, peeled = [*line.split("\t"), *[""] * 5][:5]
                if name:
                    target, is_commit = peeled or obj, (peeled_kind or kind) == "commit"
                    if peeled_kind == "tag":
                        target, is_commit = self._peel_nested(name, target)
                    tags.append(_TagRef(name=name, target=target, is_commit=is_commit))
            self._tags = tags
        return list(self._tags)

    def is_ancestor(self, ancestor: str, descendant: str) -> bool:
        """Whether commit ``ancestor`` is reachable from ``descendant`` (or is it)."""
        return self.ok("merge-base", "--is-ancestor", ancestor, descendant)

    def commits(
        self, base: str | None, head: str, paths: Sequence[str] = (), *, files: bool = False
    ) -> list[Commit]:
        """Commits in ``base..head`` (all of ``head``'s history when ``base`` is None), with
        the paths each changed when ``files`` (none for a merge: git lists no paths for it)."""
        rng = f"{base}..{head}" if base else head
        token = secrets.token_hex(8)
        record, field = f"{_RECORD}{token}", f"{_FIELD}{token}"
        fmt = f"{record}%H{field}%an{field}%s{field}%b{field}"
        # log.showSignature would print each signed commit's verification into the records.
        args = ["log", "--no-color", "--no-show-signature", f"--format={fmt}"]
        if files:
            # Both paths of a rename, without the rename search: a commit that moved a source
            # file under tools/ touched the source, and the search costs a tenth of a second
            # on a range of a thousand files (the diff has already paired renames for the
            # evidence that needs them).
            args += ["--name-only", "--no-renames", "--no-relative"]
        args.append(rng)
        if paths:
            args += ["--", *paths]
        out = self.run_bytes(*args).decode("utf-8", "replace")
        result: list[Commit] = []
        for entry in out.split(record):
            if not entry.strip("\n"):
                continue
            sha, author, subject, body, listed = [*entry.split(field), "", "", "", ""][:5]
            changed = tuple(line for line in listed.splitlines() if line.strip())
            result.append(
                Commit(sha=sha, subject=subject, body=body.strip(), author=author, files=changed)
            )
        return result

    def show_file(self, ref: str, path: str) -> bytes | None:
        """A file's content at ``ref``, or None if it does not exist there."""
        try:
            return self.run_bytes("show", f"{ref}:{path}")
        except GitError:
            return None

    def ls_files(self, ref: str, paths: Sequence[str] = ()) -> list[str]:
        """Paths of the files in ``ref``'s tree (optionally under ``paths``)."""
        out = self.run_bytes("ls-tree", "-r", "-z", "--name-only", "--full-tree", ref, "--", *paths)
        return [p for p in out.decode("utf-8", "replace").split("\0") if p]

    def archive_to(self, ref: str, dest: Path, paths: Sequence[str] = ()) -> None:
        """Write ``ref``'s tree (or some paths of it) into ``dest`` without touching the index.

        A symbolic link that leads out of ``dest`` (an absolute target, or ``..`` past the
        top) is left out: what it names is no file of the tree, and reading it would read the
        machine's files. Every other member is extracted as tarfile's ``data`` filter allows.
        """
        import io
        import tarfile

        def inside(member: tarfile.TarInfo, path: str) -> tarfile.TarInfo | None:
            try:
                return tarfile.data_filter(member, path)
            except tarfile.FilterError:
                if not (member.issym() or member.islnk()):
                    raise
                log.debug("link leading outside the tree left out", extra={"path": member.name})
                return None

        data = self.run_bytes("archive", "--format=tar", ref, "--", *paths)
        dest.mkdir(parents=True, exist_ok=True)
        with tarfile.open(fileobj=io.BytesIO(data)) as tar:
            tar.extractall(dest, filter=inside)

    def changed_paths(self, base: str, head: str) -> list[str]:
        """Paths touched between two commits (renames as their new path)."""
        out = self.run_bytes(
            "diff", "--name-only", "-z", "--no-renames", "--no-relative", base, head
        )
        return [p for p in out.decode("utf-8", "replace").split("\0") if p]

    def name_status(self, base: str, head: str, paths: Sequence[str] = ()) -> list[tuple[str, str]]:
        """``(status letter, path)`` of every file changed between two trees, renames off.

        Only tree objects are compared (no contents, no rename search), so it costs milliseconds
        where the full diff of a big range costs seconds.
        """
        out = self.run_bytes(
            "diff", "--name-status", "-z", "--no-renames", "--no-relative", base, head, "--", *paths
        )
        fields = out.decode("utf-8", "replace").split("\0")
        return [(fields[i][:1], fields[i + 1]) for i in range(0, len(fields) - 1, 2)]

    def status_porcelain(self) -> str:
        return self.run("status", "--porcelain")

    def current_branch(self) -> str | None:
        name = self.run("rev-parse", "--abbrev-ref", "HEAD")
        return None if name == "HEAD" else name

    # --- writing -------------------------------------------------------------------------

    def _identity_args(self) -> list[str]:
        args: list[str] = []
        if not self.run("config", "user.name", check=False):
            args += ["-c", f"user.name={_FALLBACK_IDENTITY[0]}"]
        if not self.run("config", "user.email", check=False):
            args += ["-c", f"user.email={_FALLBACK_IDENTITY[1]}"]
        return args

    def add(self, paths: Sequence[str]) -> None:
        """Stage ``paths`` (additions, changes, deletions), each taken literally: a ``*`` or a
        ``:(glob)`` in a file name never widens what is staged.

        A path missing from the work tree is staged as deleted with ``git rm --cached``, the
        others with ``git add -A``: in a sparse checkout ``git add --sparse`` matches no file
        for a path outside the checkout's patterns that is gone from the work tree (the plan a
        release consumed in a plans folder the checkout leaves out), and fails.
        """
        if not paths:
            return
        top = self.toplevel()
        present: list[str] = []
        gone: list[str] = []
        for path in paths:
            (present if os.path.lexists(top / path) else gone).append(path)
        # In a sparse checkout git refuses paths outside its patterns (a plan folder, a
        # changelog) unless told the sparseness is known: the files are written on purpose.
        sparse = ["--sparse"] if self.is_sparse() else []
        if gone:
            # --ignore-unmatch: a path neither tracked nor present has nothing to stage.
            rm = ["rm", "-q", "--cached", "--ignore-unmatch", *sparse]
            self.run("--literal-pathspecs", *rm, "--", *gone)
        if present:
            self.run("--literal-pathspecs", "add", "-A", *sparse, "--", *present)

    def unstage(self, paths: Sequence[str]) -> None:
        """Put the index entries of ``paths`` back to HEAD's (undo :meth:`add`)."""
        if paths:
            self.run("--literal-pathspecs", "reset", "-q", "HEAD", "--", *paths)

    def tag_exists(self, name: str) -> bool:
        """Whether ``refs/tags/<name>`` exists."""
        return self.ok("rev-parse", "--verify", "--quiet", f"refs/tags/{name}")

    def has_remote(self, name: str) -> bool:
        """Whether a remote called ``name`` is configured."""
        return self.ok("remote", "get-url", "--end-of-options", name)

    def check_tag_name(self, name: str) -> str | None:
        """Why ``name`` cannot be a tag (None when it can).

        :func:`~release_tools.refnames.tag_name_problem` first (a leading dash, which git
        accepts but any command line would read as an option, and a full ref name), then
        ``git check-ref-format``.
        """
        problem = tag_name_problem(name)
        if problem is not None:
            return problem
        if not self.ok("check-ref-format", f"refs/tags/{name}"):
            return "not a valid git ref name (see git check-ref-format)"
        return None

    def commit(self, message: str, paths: Sequence[str] = (), *, verify: bool = True) -> str:
        """Commit staged changes (or ``paths``) with ``message``; return the new SHA.

        The repository's ``pre-commit`` and ``commit-msg`` hooks run unless ``verify`` is False.
        """
        args = [
            "--literal-pathspecs",
            *self._identity_args(),
            "commit",
            *([] if verify else ["--no-verify"]),
        ]
        args += ["-q", "-m", message]
        if paths:
            args += ["--", *paths]
        self.run(*args)
        return self.run("rev-parse", "HEAD")

    def tag(self, name: str, message: str | None = None, ref: str = "HEAD") -> None:
        self._merged.clear()
        self._tags = self._dated = None
        if self.ok("rev-parse", "--verify", "--quiet", f"refs/tags/{name}"):
            raise GitError(f"tag {name!r} already exists")
        if message is None:
            self.run("tag", "--end-of-options", name, ref)
        else:
            self.run(
                *self._identity_args(), "tag", "-a", "-m", message, "--end-of-options", name, ref
            )

    def tag_target(self, name: str) -> str | None:
        """The commit ``refs/tags/<name>`` points to (peeled), or None when there is no such tag."""
        out = self.run(
            "rev-parse", "--verify", "--quiet", f"refs/tags/{name}^{{commit}}", check=False
        )
        return out or None

    def delete_tag(self, name: str) -> None:
        """Delete the local tag ``refs/tags/<name>``."""
        self._merged.clear()
        self._tags = self._dated = None
        self.run("update-ref", "-d", f"refs/tags/{name}")

    def reset_soft(self, commit: str) -> None:
        """Move the current branch to ``commit``, keeping the index and the files."""
        self.run("reset", "-q", "--soft", commit, "--")

    def reset_paths(self, commit: str, paths: Sequence[str]) -> None:
        """Put the index entries of ``paths`` back to ``commit``'s (files untouched)."""
        if paths:
            self.run("--literal-pathspecs", "reset", "-q", commit, "--", *paths)

    def push(self, remote: str, refs: Sequence[str]) -> None:
        self.run("push", "--atomic", "--end-of-options", remote, *refs)

    def ignored(self, paths: Sequence[str]) -> list[str]:
        """Which of the untracked ``paths`` git ignores (``.gitignore``, ``info/exclude``):
        ``git add`` refuses them. Tracked files are never reported."""
        if not paths:
            return []
        names = "".join(f"{path}\0" for path in paths).encode("utf-8")
        out = self.run_bytes("check-ignore", "-z", "--stdin", check=False, input=names)
        return [p for p in out.decode("utf-8", "replace").split("\0") if p]

    def remote_refs(self, remote: str, refs: Sequence[str]) -> dict[str, str]:
        """What ``remote`` holds for the full ref names ``refs`` (``{ref: sha}``; an annotated
        tag by the commit it names); asks the remote, so it may fail with :class:`GitError`."""
        out = self.run("ls-remote", "--end-of-options", remote, *refs)
        found: dict[str, str] = {}
        for line in out.splitlines():
            sha, _, ref = line.partition("\t")
            if ref.endswith("^{}"):
                found[ref[:-3]] = sha  # the peeled tag wins over the tag object
            else:
                found.setdefault(ref, sha)
        return found
