"""A tag of a tag names a release on the commit the inner tag marks."""

from __future__ import annotations

from gitrepo import GitRepo
from release_tools.analysis.evidence.commits import declared
from release_tools.analysis.history import read_history
from release_tools.config import DEFAULT_TAG_PATTERN
from release_tools.git import Git
from release_tools.versioning.tags import find_release_tags


def test_a_tag_of_a_tag_is_paired_as_its_commit(repo: GitRepo) -> None:
    repo.write("src/a.py", "a = 1\n")
    repo.commit("feat: a")
    repo.tag("v1.0.0")
    repo.write("src/b.py", "b = 1\n")
    sha = repo.commit("feat: b")
    repo.git("tag", "-a", "-m", "inner", "inner-release", sha)
    repo.git("tag", "-a", "-m", "outer", "v1.1.0", "inner-release")
    repo.write("src/c.py", "c = 1\n")
    repo.commit("fix: c")
    repo.tag("v1.1.1")
    git = Git(repo.path)
    tags = find_release_tags(git, git.resolve("HEAD"), DEFAULT_TAG_PATTERN)

    history = read_history(git, tags, classify=declared, project=None, root_name=None)

    assert git.tag_commits()["v1.1.0"] == sha
    assert [(r.old_tag, r.new_tag, r.commits) for r in history.releases] == [
        ("v1.0.0", "v1.1.0", 1),
        ("v1.1.0", "v1.1.1", 1),
    ]
    assert history.releases[0].new_sha == history.releases[1].old_sha == sha
