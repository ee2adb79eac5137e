"""The base among tags of one version on different commits, when a left-behind prerelease
hands the choice to the final release."""

from __future__ import annotations

from gitrepo import GitRepo
from release_tools.analysis.range import resolve_range
from release_tools.config import DEFAULT_TAG_PATTERN
from release_tools.git import Git

LATER = {"GIT_COMMITTER_DATE": "2040-01-01T00:00:00+0000"}


def _history(repo: GitRepo) -> dict[str, str]:
    shas = {}
    for step, message in enumerate(("root", "feat: one", "fix: two", "feat: three"), start=1):
        repo.write("a.txt", f"{step}\n")
        shas[message.split()[-1]] = repo.commit(message)
    return shas


def test_a_final_release_tagged_twice_after_a_left_behind_prerelease(repo: GitRepo) -> None:
    shas = _history(repo)
    # 1.0.1 tagged under each scheme; the tag on the older commit dated later.
    repo.git("tag", "-a", "-m", "release", "1.0.1", shas["one"], env=LATER)
    repo.git("tag", "-a", "-m", "release", "v1.0.1", shas["two"])
    # An abandoned candidate of a higher version on the root commit, left behind by 1.0.1.
    repo.git("tag", "v2.0.0-rc.1", shas["root"])

    rng = resolve_range(Git(repo.path), base=None, tag_pattern=DEFAULT_TAG_PATTERN)

    assert rng.base_ref == "v1.0.1" and rng.base_sha == shas["two"]


def test_without_the_prerelease_the_same_tags_give_the_same_base(repo: GitRepo) -> None:
    shas = _history(repo)
    repo.git("tag", "-a", "-m", "release", "1.0.1", shas["one"], env=LATER)
    repo.git("tag", "-a", "-m", "release", "v1.0.1", shas["two"])

    rng = resolve_range(Git(repo.path), base=None, tag_pattern=DEFAULT_TAG_PATTERN)

    assert rng.base_ref == "v1.0.1" and rng.base_sha == shas["two"]
