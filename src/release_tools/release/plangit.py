"""Committing and pushing a version plan that ``create-version-plan`` has just written.

Both the project and the release-group path go through here, so that they check the push target
before anything is written, and leave no plan file behind (written or staged) when the commit
fails.
"""

from __future__ import annotations

import logging
from pathlib import Path

from release_tools.errors import GitError, ReleaseError, UsageError
from release_tools.git import Git

__all__ = ["commit_plan", "push_plan", "push_target"]

log = logging.getLogger(__name__)


def push_target(git: Git, remote: str) -> str:
    """The branch a plan would be pushed to; UsageError when it cannot be pushed at all."""
    branch = git.current_branch()
    if branch is None:
        raise UsageError("HEAD is detached: check out a branch to push the plan")
    if not git.has_remote(remote):
        raise UsageError(f"no git remote named {remote!r} to push to")
    return branch


def commit_plan(git: Git, root: Path, path: str, message: str, *, verify: bool) -> str:
    """Commit the plan file ``path`` alone; on failure remove and unstage it, then raise."""
    try:
        git.add([path])
        return git.commit(message, [path], verify=verify)
    except GitError as exc:
        # Leave the tree as it was: the plan is not half-committed.
        (root / path).unlink(missing_ok=True)
        try:
            git.unstage([path])
        except GitError:
            log.warning("could not unstage %s", path)
        raise ReleaseError(f"could not commit the plan, nothing written: {exc}") from exc


def push_plan(git: Git, remote: str, branch: str, commit: str | None) -> None:
    """Push HEAD (the plan's commit) to ``branch`` on ``remote``."""
    try:
        git.push(remote, [f"HEAD:refs/heads/{branch}"])
    except GitError as exc:
        raise ReleaseError(f"plan committed as {commit} but the push failed: {exc}") from exc
