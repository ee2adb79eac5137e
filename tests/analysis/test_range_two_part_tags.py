"""The range starts at a release tagged with two numbers (``24.0``, ``v2.1``), and never at a
moving ``vX.Y`` tag that follows the line's latest patch."""

from __future__ import annotations

from gitrepo import GitRepo
from release_tools.analysis.evidence.commits import declared
from release_tools.analysis.history import read_history
from release_tools.analysis.range import resolve_range
from release_tools.config import DEFAULT_TAG_PATTERN
from release_tools.git import Git
from release_tools.versioning.semver import Version
from release_tools.versioning.tags import find_release_tags


def test_the_base_is_the_latest_two_part_release(repo: GitRepo) -> None:
    repo.write("a.txt", "1\n")
    repo.commit("root")
    repo.tag("23.3.2")
    repo.write("a.txt", "2\n")
    released = repo.commit("feat: one")
    repo.tag("24.0")
    repo.write("a.txt", "3\n")
    repo.commit("fix: two")

    rng = resolve_range(Git(repo.path), base=None, head="HEAD", tag_pattern=DEFAULT_TAG_PATTERN)

    assert rng.base_ref == "24.0" and rng.base_sha == released
    assert rng.tag is not None and rng.tag.version == Version(24, 0, 0)


def test_a_moving_line_tag_is_not_a_release(repo: GitRepo) -> None:
    repo.write("a.txt", "1\n")
    repo.commit("feat: one")
    repo.tag("v10.6.0")
    repo.write("a.txt", "2\n")
    patched = repo.commit("fix: two")
    repo.tag("v10.6.1")
    repo.tag("v10.6")  # moved to each 10.6.x, as GitHub Actions' users pin it
    repo.write("a.txt", "3\n")
    repo.commit("fix: three")

    rng = resolve_range(Git(repo.path), base=None, head="HEAD", tag_pattern=DEFAULT_TAG_PATTERN)

    assert rng.base_ref == "v10.6.1" and rng.base_sha == patched


def test_the_release_history_pairs_the_full_tags_not_the_moving_one(repo: GitRepo) -> None:
    repo.write("a.txt", "1\n")
    repo.commit("feat: zero")
    repo.tag("v10.5.0")
    repo.write("a.txt", "2\n")
    repo.commit("feat: one")
    repo.tag("v10.6.0")
    repo.write("a.txt", "3\n")
    repo.commit("fix: two")
    repo.tag("v10.6.1")
    repo.tag("v10.6")
    git = Git(repo.path)
    tags = find_release_tags(git, git.resolve("HEAD"), DEFAULT_TAG_PATTERN)

    history = read_history(git, tags, classify=declared, project=None, root_name=None)

    assert [(r.old_tag, r.new_tag) for r in history.releases] == [
        ("v10.5.0", "v10.6.0"),
        ("v10.6.0", "v10.6.1"),
    ]
