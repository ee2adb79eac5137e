"""Odd release tags the history reads past, each with a debug line and never an error: tags off
the analysed line, two versions on one commit, tags of trees and blobs, versions tagged in
reverse order, a tag name a branch shares."""

from __future__ import annotations

import pytest

from gitrepo import GitRepo
from release_tools.analysis.evidence.commits import declared
from release_tools.analysis.history import ReleaseHistory, read_history
from release_tools.config import DEFAULT_TAG_PATTERN
from release_tools.git import Git
from release_tools.versioning.tags import find_release_tags


def _history(repo: GitRepo) -> ReleaseHistory:
    git = Git(repo.path)
    tags = find_release_tags(git, git.resolve("HEAD"), DEFAULT_TAG_PATTERN)
    return read_history(git, tags, classify=declared, project=None, root_name=None)


def _release(repo: GitRepo, tag: str, message: str) -> str:
    repo.write(f"src/{tag}.py", "x = 1\n")
    sha = repo.commit(message)
    repo.tag(tag)
    return sha


def _pairs(history: ReleaseHistory) -> list[tuple[str, str]]:
    return [(r.old_tag, r.new_tag) for r in history.releases]


def test_a_higher_release_on_a_branch_not_merged_is_no_part_of_it(repo: GitRepo) -> None:
    _release(repo, "v1.0.0", "feat: a")
    repo.git("checkout", "-q", "-b", "next")
    _release(repo, "v3.0.0", "feat!: next")
    repo.git("checkout", "-q", "main")
    _release(repo, "v1.1.0", "feat: b")

    history = _history(repo)

    assert _pairs(history) == [("v1.0.0", "v1.1.0")]
    assert history.tags == 2


def test_two_versions_on_one_commit_skip_the_pair_between_them(
    repo: GitRepo, caplog: pytest.LogCaptureFixture
) -> None:
    _release(repo, "v1.0.0", "feat: a")
    _release(repo, "v1.1.0", "feat: b")
    repo.tag("v1.2.0")  # the same commit, tagged again under the next version
    _release(repo, "v1.2.1", "fix: c")

    with caplog.at_level("DEBUG", logger="release_tools"):
        history = _history(repo)

    assert _pairs(history) == [("v1.0.0", "v1.1.0"), ("v1.2.0", "v1.2.1")]
    assert history.skipped == 1
    assert any(r.getMessage() == "history: pair skipped" for r in caplog.records)


def test_tags_of_a_tree_and_of_a_blob_are_no_releases(repo: GitRepo) -> None:
    _release(repo, "v1.0.0", "feat: a")
    repo.git("tag", "v1.5.0", "HEAD^{tree}")
    blob = repo.git("rev-parse", "HEAD:src/v1.0.0.py")
    repo.git("tag", "-a", "-m", "a blob", "v1.6.0", blob)
    _release(repo, "v1.1.0", "feat: b")

    history = _history(repo)

    assert _pairs(history) == [("v1.0.0", "v1.1.0")]


def test_versions_tagged_in_reverse_order_pair_nothing(
    repo: GitRepo, caplog: pytest.LogCaptureFixture
) -> None:
    _release(repo, "v3.0.0", "feat: a")
    _release(repo, "v2.0.0", "feat: b")
    _release(repo, "v1.0.0", "feat: c")

    with caplog.at_level("DEBUG", logger="release_tools"):
        history = _history(repo)

    assert history.releases == ()
    assert history.skipped == 2
    assert sum(r.getMessage() == "history: not on one line" for r in caplog.records) == 2


def test_a_tag_name_git_cannot_resolve_alone_is_read_by_its_full_name(repo: GitRepo) -> None:
    # A branch named like the tag: a bare "v1.1.0" would be ambiguous to git.
    _release(repo, "v1.0.0", "feat: a")
    _release(repo, "v1.1.0", "feat: b")
    repo.git("branch", "v1.0.0", "HEAD")

    history = _history(repo)

    assert [(r.old_tag, r.new_tag, r.commits) for r in history.releases] == [
        ("v1.0.0", "v1.1.0", 1)
    ]
