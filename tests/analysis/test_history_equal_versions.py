"""Release history when one version is tagged on two commits (``v1.2.0`` and ``1.2.0``): the
tag kept is the one the current-version lookup would take, so the pair is read, not lost."""

from __future__ import annotations

import pytest

from gitrepo import GitRepo
from release_tools.analysis.evidence.commits import declared
from release_tools.analysis.history import ReleaseHistory, read_history
from release_tools.analysis.range import resolve_range
from release_tools.config import DEFAULT_TAG_PATTERN
from release_tools.git import Git
from release_tools.versioning.bump import Bump
from release_tools.versioning.tags import find_release_tags

LATER = {"GIT_COMMITTER_DATE": "2040-01-01T00:00:00+0000"}


def _history(repo: GitRepo) -> ReleaseHistory:
    git = Git(repo.path)
    tags = find_release_tags(git, git.resolve("HEAD"), DEFAULT_TAG_PATTERN)
    return read_history(git, tags, classify=declared, project=None, root_name=None)


def _commit(repo: GitRepo, name: str, message: str) -> str:
    repo.write(f"src/{name}.py", f"{name} = 1\n")
    return repo.commit(message)


def _pairs(history: ReleaseHistory) -> list[tuple[str, str, Bump, int]]:
    return [(r.old_tag, r.new_tag, r.shipped, r.commits) for r in history.releases]


def test_the_tag_on_the_descending_commit_is_paired(
    repo: GitRepo, caplog: pytest.LogCaptureFixture
) -> None:
    first = _commit(repo, "a", "feat: a")
    repo.tag("v1.0.0")
    _commit(repo, "b", "feat: b")
    repo.tag("v1.1.0")
    third = _commit(repo, "c", "feat: c")
    repo.tag("v1.2.0")
    _commit(repo, "d", "fix: d")
    repo.tag("v1.2.1")
    # A second spelling of 1.2.0, made later, on the commit of 1.0.0: v1.2.0's commit
    # descends from it, so v1.2.0 is the release, as the current-version lookup decides.
    repo.git("tag", "-a", "-m", "retag", "1.2.0", first, env=LATER)

    with caplog.at_level("DEBUG", logger="release_tools"):
        history = _history(repo)

    assert _pairs(history) == [
        ("v1.0.0", "v1.1.0", Bump.MINOR, 1),
        ("v1.1.0", "v1.2.0", Bump.MINOR, 1),
        ("v1.2.0", "v1.2.1", Bump.PATCH, 1),
    ]
    assert history.releases[1].new_sha == third
    assert history.tags == 4
    chosen = [r for r in caplog.records if "tagged on different commits" in r.getMessage()]
    assert [getattr(r, "tag", None) for r in chosen] == ["v1.2.0"]


def test_the_newest_pair_ends_at_the_base_the_range_starts_from(repo: GitRepo) -> None:
    _commit(repo, "a", "feat: a")
    repo.tag("v1.0.0")
    one = _commit(repo, "b", "feat: b")
    two = _commit(repo, "c", "fix: c")
    # 1.1.0 under each scheme; the tag on the older commit dated later, listed first.
    repo.git("tag", "-a", "-m", "release", "1.1.0", one, env=LATER)
    repo.git("tag", "-a", "-m", "release", "v1.1.0", two)
    _commit(repo, "d", "fix: d")

    rng = resolve_range(Git(repo.path), base=None, tag_pattern=DEFAULT_TAG_PATTERN)
    history = _history(repo)

    assert (rng.base_ref, rng.base_sha) == ("v1.1.0", two)
    assert _pairs(history) == [("v1.0.0", "v1.1.0", Bump.MINOR, 2)]
    assert history.releases[-1].new_sha == rng.base_sha


def test_tags_of_one_version_on_two_branches_keep_the_base_lookups_choice(
    repo: GitRepo,
) -> None:
    _commit(repo, "a", "feat: a")
    repo.tag("v1.0.0")
    repo.git("checkout", "-q", "-b", "side")
    side = _commit(repo, "s", "feat: s")
    repo.git("tag", "-a", "-m", "release", "1.1.0", side, env=LATER)
    repo.git("checkout", "-q", "main")
    _commit(repo, "m", "feat: m")
    repo.tag("v1.1.0")
    repo.git("merge", "-q", "--no-ff", "-m", "merge side", "side")

    rng = resolve_range(Git(repo.path), base=None, tag_pattern=DEFAULT_TAG_PATTERN)
    history = _history(repo)

    # Neither commit descends from the other: the newest tag is the base, and the pair.
    assert (rng.base_ref, rng.base_sha) == ("1.1.0", side)
    assert _pairs(history) == [("v1.0.0", "1.1.0", Bump.MINOR, 1)]


def test_only_the_versions_a_pair_can_use_are_told_apart_by_ancestry(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    from release_tools.analysis import history as history_module

    commits = []
    for minor in range(12):
        commits.append(_commit(repo, f"m{minor}", f"feat: {minor}"))
        repo.tag(f"v1.{minor}.0")
    # Every version also tagged, later, under the old scheme on the first commit.
    for minor in range(1, 12):
        repo.git("tag", "-a", "-m", "retag", f"1.{minor}.0", commits[0], env=LATER)
    asked: list[str] = []
    real = history_module.released_of_equals

    def recording(git: Git, equals: list[object], shas: dict[str, str]) -> object:
        asked.append(str(equals[0].version))  # type: ignore[attr-defined]
        return real(git, equals, shas)  # type: ignore[arg-type]

    monkeypatch.setattr(history_module, "released_of_equals", recording)
    git = Git(repo.path)
    tags = find_release_tags(git, git.resolve("HEAD"), DEFAULT_TAG_PATTERN)
    history = read_history(git, tags, classify=declared, project=None, root_name=None, limit=2)

    # The newest limit + 1 versions are paired, and up to four before them are predecessors.
    assert sorted(asked, key=lambda v: int(v.split(".")[1])) == [
        f"1.{minor}.0" for minor in range(5, 12)
    ]
    assert [(r.old_tag, r.new_tag) for r in history.releases] == [
        ("v1.9.0", "v1.10.0"),
        ("v1.10.0", "v1.11.0"),
    ]
