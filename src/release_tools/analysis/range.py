"""Resolve the analyzed range: ``merge-base(base, head)..head``.

``head`` defaults to ``HEAD``. ``base`` defaults to the latest release tag reachable from head:
with a project's tag scheme, its highest tag under that scheme
(:func:`~release_tools.versioning.conventions.project_latest_tag`, the lookup ``release`` and
``plan-check`` use too), else a tag matching ``settings.tag_pattern`` (with a project, its own
``name@1.2.3`` tags first); with none, the root commit: the first release, whose changes are
diffed from the empty tree so that
even a one-commit repository has something to release. Refs may be tags, branches or SHAs.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from release_tools.analysis.diff import empty_tree
from release_tools.errors import ShallowCloneError, UnknownRefError, UsageError
from release_tools.git import Git
from release_tools.versioning.conventions import pattern_tags, project_latest_tag
from release_tools.versioning.tags import (
    ReleaseTag,
    find_release_tags,
    latest_release_tag,
    merged_tag_names,
    unless_superseded,
)
from release_tools.versioning.tagscheme import TagScheme

__all__ = ["ResolvedRange", "resolve_range", "resolve_ref"]

log = logging.getLogger(__name__)

_SHALLOW_HINT = "fetch the full history (git fetch --unshallow, or actions/checkout fetch-depth: 0)"


@dataclass(frozen=True, slots=True)
class ResolvedRange:
    """The two ends of the analysis, as given and as commits."""

    #: The base as the user named it, the release tag's name, or the root commit's SHA.
    base_ref: str
    head_ref: str
    #: ``merge-base(base, head)``: the commit whose tree is the "before" side.
    base_sha: str
    head_sha: str
    #: The release tag the base came from (for the current version), if any.
    tag: ReleaseTag | None = None
    #: No base given and no release tag: everything up to head is new.
    first_release: bool = False
    #: What the diff starts from: ``base_sha``, or the empty tree for a first release.
    diff_base: str = ""

    @property
    def is_empty(self) -> bool:
        """True when head adds nothing to base (nothing to release)."""
        return not self.first_release and self.base_sha == self.head_sha


def resolve_ref(git: Git, ref: str, what: str) -> str:
    """The commit ``ref`` names; a one-line error naming it (``what``: base or head) if none."""
    try:
        return git.resolve(ref)
    except UnknownRefError as exc:
        if git.is_shallow():
            raise ShallowCloneError(
                f"{what} ref {ref!r} is not in this shallow clone: {_SHALLOW_HINT}"
            ) from exc
        if ref == "HEAD" and not git.has_commits():
            raise UnknownRefError(_unborn(git)) from exc
        if git.names_object(ref):
            raise UnknownRefError(f"{what} ref {ref!r} names no commit (a tree or a blob)") from exc
        raise UnknownRefError(f"unknown {what} ref {ref!r}") from exc


def _release_commit(git: Git, tag: str) -> str:
    """The commit of the release tag ``tag``, which git listed among the tags.

    Looked up by name first. git looks a name up as a file under ``refs/tags`` before it reads
    ``packed-refs``, so a name longer than a file name may be (a clone packs every tag it
    fetches) is listed yet cannot be looked up: its commit is then the one the listing gives.
    """
    try:
        return resolve_ref(git, f"refs/tags/{tag}", "base")
    except ShallowCloneError:
        raise
    except UnknownRefError:
        commit = git.tag_commits().get(tag)
        if commit is None or not git.ok("cat-file", "-e", f"{commit}^{{commit}}"):
            raise
        return commit


def _unborn(git: Git) -> str:
    """Why HEAD names no commit: an empty repository, or a branch not yet committed to (an
    orphan branch) in a repository whose other branches or tags have commits."""
    if not git.run("for-each-ref", "--count=1", "--format=%(refname)", check=False):
        return "the repository has no commits yet"
    branch = git.run("symbolic-ref", "--short", "-q", "HEAD", check=False)
    return (
        f"branch {branch!r} has no commits yet (an orphan branch); "
        "check out a branch with commits or pass --head"
    )


def resolve_range(
    git: Git,
    *,
    base: str | None,
    head: str = "HEAD",
    tag_pattern: str,
    project: str | None = None,
    root_name: str | None = None,
    scheme: TagScheme | None = None,
    scheme_name: str | None = None,
) -> ResolvedRange:
    """Resolve ``base``/``head`` into :class:`ResolvedRange` (see the module docstring).

    ``scheme`` and ``scheme_name`` are the tag scheme and name of the project whose releases
    count (the named project, or the single project of the repository).
    """
    git.toplevel()  # raises NotAGitRepositoryError with a clear message first
    head_sha = resolve_ref(git, head, "head")
    tags = find_release_tags(git, head_sha, tag_pattern)
    if scheme is not None and scheme_name is not None:
        latest = project_latest_tag(
            pattern_tags(merged_tag_names(git, head_sha), tag_pattern),
            scheme,
            scheme_name,
            tags,
            workspace=project is not None,
            root_name=root_name,
            git=git,
        )
    else:
        latest = unless_superseded(
            git, latest_release_tag(tags, project=project, root_name=root_name), tags
        )
    if base is None:
        if latest is None:
            if git.is_shallow():
                # The root of a shallow clone is only where the fetch stopped, not a first commit.
                raise ShallowCloneError(f"no release tag in this shallow clone: {_SHALLOW_HINT}")
            root = git.root_commit(head_sha)
            log.info("no release tag: analyzing everything up to head", extra={"root": root})
            return ResolvedRange(
                base_ref=root,
                head_ref=head,
                base_sha=root,
                head_sha=head_sha,
                first_release=True,
                diff_base=empty_tree(git),
            )
        base = latest.tag
        base_commit = _release_commit(git, latest.tag)
        tag: ReleaseTag | None = latest
    else:
        base_commit = resolve_ref(git, base, "base")
        # An explicit release tag gives the current version; any other base (a branch, as in
        # pull-request mode) leaves it to the latest release reachable from head.
        named = next((t for t in tags if t.tag == base), None)
        if named is None and scheme is not None and scheme_name is not None:
            version = scheme.version_in(base, scheme_name)
            if version is not None:
                named = ReleaseTag(base, version, scheme_name if scheme.named else None)
        tag = named or latest
    merge_base = git.merge_base(base_commit, head_sha)
    if merge_base == head_sha != base_commit:
        # Every commit of the head is in the base already: the refs are most likely swapped,
        # and "nothing to release" would hide that.
        raise UsageError(
            f"head {head!r} is behind base {base!r} (its ancestor): the range holds no commit; "
            "are --base and --head swapped?"
        )
    log.info("range resolved", extra={"base": base, "merge_base": merge_base, "head": head_sha})
    return ResolvedRange(
        base_ref=base,
        head_ref=head,
        base_sha=merge_base,
        head_sha=head_sha,
        tag=tag,
        diff_base=merge_base,
    )
