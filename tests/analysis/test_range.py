"""Resolving base and head: release tags, projects, explicit refs, shallow clones."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from gitrepo import GitRepo
from release_tools.analysis.range import ResolvedRange, resolve_range
from release_tools.config import DEFAULT_TAG_PATTERN
from release_tools.errors import (
    GitError,
    NotAGitRepositoryError,
    ShallowCloneError,
    UnknownRefError,
)
from release_tools.git import Git
from release_tools.versioning.semver import Version
from release_tools.versioning.tags import ReleaseTag, find_release_tags, latest_release_tag


def _resolve(
    repo: GitRepo, base: str | None = None, head: str = "HEAD", project: str | None = None
) -> ResolvedRange:
    return resolve_range(
        Git(repo.path), base=base, head=head, tag_pattern=DEFAULT_TAG_PATTERN, project=project
    )


def _history(repo: GitRepo) -> dict[str, str]:
    shas = {}
    repo.write("a.txt", "1\n")
    shas["root"] = repo.commit("root")
    repo.write("a.txt", "2\n")
    shas["one"] = repo.commit("feat: one")
    repo.tag("v1.0.0")
    repo.write("a.txt", "3\n")
    shas["two"] = repo.commit("fix: two")
    repo.tag("v1.0.1")
    repo.write("a.txt", "4\n")
    shas["three"] = repo.commit("feat: three")
    return shas


def test_default_base_is_the_latest_release_tag(repo: GitRepo) -> None:
    shas = _history(repo)
    repo.tag("not-a-release")

    rng = _resolve(repo)

    assert rng.base_ref == "v1.0.1"
    assert rng.base_sha == shas["two"]
    assert rng.head_sha == shas["three"]
    assert rng.diff_base == shas["two"]
    assert rng.tag is not None and rng.tag.version == Version(1, 0, 1)
    assert not rng.first_release and not rng.is_empty


def test_highest_reachable_version_wins_over_newer_backport_tag(repo: GitRepo) -> None:
    _history(repo)
    repo.git("tag", "v0.9.9", "HEAD~2")  # created last, but an older line

    assert _resolve(repo).base_ref == "v1.0.1"


def test_a_prerelease_left_behind_by_later_releases_is_not_the_base(repo: GitRepo) -> None:
    shas = _history(repo)
    # An abandoned candidate of a higher version on an old commit; 1.0.1 came after it.
    repo.git("tag", "v2.0.0-rc.1", shas["one"])

    rng = _resolve(repo)

    assert rng.base_ref == "v1.0.1" and rng.base_sha == shas["two"]


def test_a_prerelease_after_the_last_final_release_is_the_base(repo: GitRepo) -> None:
    shas = _history(repo)
    repo.tag("v2.0.0-rc.1")
    repo.write("a.txt", "5\n")
    repo.commit("fix: after the candidate")

    rng = _resolve(repo)

    assert rng.base_ref == "v2.0.0-rc.1" and rng.base_sha == shas["three"]


def test_the_highest_live_prerelease_wins_over_a_left_behind_one(repo: GitRepo) -> None:
    shas = _history(repo)
    repo.git("tag", "v3.0.0-rc.1", shas["one"])
    repo.tag("v2.0.0-rc.1")
    repo.write("a.txt", "5\n")
    repo.commit("fix: after the candidate")

    assert _resolve(repo).base_ref == "v2.0.0-rc.1"


@pytest.mark.parametrize("older_dated_later", ["v1.0.1", "1.0.1"])
def test_of_two_tags_of_one_version_the_later_commit_is_the_base(
    repo: GitRepo, older_dated_later: str
) -> None:
    shas = _history(repo)
    # The same version tagged twice, once under each scheme; the tag on the older commit is
    # dated later (a clock set wrong, a tag made after the fact), whichever scheme it has.
    repo.git("tag", "-d", "v1.0.1")
    newer = "1.0.1" if older_dated_later == "v1.0.1" else "v1.0.1"
    later = {"GIT_COMMITTER_DATE": "2040-01-01T00:00:00+0000"}
    repo.git("tag", "-a", "-m", "release", older_dated_later, shas["one"], env=later)
    repo.git("tag", "-a", "-m", "release", newer, shas["two"])

    rng = _resolve(repo)

    assert rng.base_ref == newer and rng.base_sha == shas["two"]


def test_tags_of_one_version_on_two_branches_keep_the_newest(repo: GitRepo) -> None:
    shas = _history(repo)
    repo.git("tag", "-d", "v1.0.1")
    repo.git("checkout", "-q", "-b", "side", shas["one"])
    repo.write("b.txt", "side\n")
    side = repo.commit("fix: side")
    repo.git("checkout", "-q", "-")
    repo.git("merge", "-q", "--no-edit", "side")
    later = {"GIT_COMMITTER_DATE": "2040-01-01T00:00:00+0000"}
    repo.git("tag", "-a", "-m", "release", "1.0.1", side, env=later)
    repo.git("tag", "-a", "-m", "release", "v1.0.1", shas["two"])

    # Neither commit descends from the other: the newer tag stays the base.
    assert _resolve(repo).base_ref == "1.0.1"


def test_tags_not_reachable_from_head_are_ignored(repo: GitRepo) -> None:
    shas = _history(repo)
    repo.git("checkout", "-q", "-b", "side", shas["one"])
    repo.write("b.txt", "side\n")
    repo.commit("side work")

    rng = _resolve(repo)

    assert rng.base_ref == "v1.0.0"


def test_no_tag_means_first_release_from_the_empty_tree(repo: GitRepo) -> None:
    repo.write("a.txt", "1\n")
    root = repo.commit("only")

    rng = _resolve(repo)

    assert rng.first_release and rng.base_sha == root and rng.base_ref == root
    assert rng.diff_base == repo.git("hash-object", "-t", "tree", "/dev/null")
    assert not rng.is_empty


def test_explicit_base_branch_uses_merge_base(repo: GitRepo) -> None:
    shas = _history(repo)
    repo.git("checkout", "-q", "-b", "feature", shas["two"])
    repo.write("f.txt", "x\n")
    feature = repo.commit("feat: on a branch")

    rng = _resolve(repo, base="main", head="feature")

    assert rng.base_sha == shas["two"]
    assert rng.head_sha == feature and rng.base_ref == "main"
    # The current version is the release reachable from head, not the branch.
    assert rng.tag is not None and rng.tag.tag == "v1.0.1"


def test_explicit_base_tag_and_sha(repo: GitRepo) -> None:
    shas = _history(repo)

    by_tag = _resolve(repo, base="v1.0.0")
    by_sha = _resolve(repo, base=shas["one"][:10], head=shas["two"])

    assert by_tag.tag is not None and by_tag.tag.tag == "v1.0.0" and by_tag.base_sha == shas["one"]
    assert by_sha.base_sha == shas["one"] and by_sha.head_sha == shas["two"]


def test_empty_range_is_fine(repo: GitRepo) -> None:
    _history(repo)
    repo.tag("v1.1.0")

    rng = _resolve(repo)

    assert rng.is_empty and rng.base_sha == rng.head_sha


def test_unknown_refs_raise(repo: GitRepo) -> None:
    _history(repo)
    with pytest.raises(UnknownRefError, match="unknown base ref 'nope'"):
        _resolve(repo, base="nope")
    with pytest.raises(UnknownRefError, match="unknown head ref"):
        _resolve(repo, head="deadbeef1234")


def test_a_ref_of_a_tree_is_named_as_such(repo: GitRepo) -> None:
    _history(repo)
    repo.git("tag", "v9.0.0", "HEAD^{tree}")

    with pytest.raises(UnknownRefError, match=r"base ref 'v9.0.0' names no commit"):
        _resolve(repo, base="v9.0.0")
    with pytest.raises(UnknownRefError, match=r"unknown base ref 'v9.9.9'"):
        _resolve(repo, base="v9.9.9")


def test_repository_without_commits(repo: GitRepo) -> None:
    with pytest.raises(UnknownRefError, match=r"^the repository has no commits yet$"):
        _resolve(repo)


def test_an_orphan_branch_is_named_not_called_an_empty_repository(repo: GitRepo) -> None:
    _history(repo)
    repo.git("checkout", "-q", "--orphan", "newb")
    with pytest.raises(UnknownRefError, match=r"^branch 'newb' has no commits yet \(an orphan"):
        _resolve(repo)


def test_not_a_repository(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    with pytest.raises(NotAGitRepositoryError):
        resolve_range(Git(plain), base=None, tag_pattern=DEFAULT_TAG_PATTERN)


def test_unrelated_histories_have_no_merge_base(repo: GitRepo) -> None:
    _history(repo)
    repo.git("checkout", "-q", "--orphan", "other")
    repo.write("z.txt", "z\n")
    repo.commit("unrelated")

    with pytest.raises(GitError, match="no common ancestor"):
        _resolve(repo, base="main")


def test_project_tags_are_preferred(repo: GitRepo) -> None:
    repo.write("a.txt", "1\n")
    repo.commit("root")
    repo.tag("v3.0.0")
    repo.write("a.txt", "2\n")
    repo.commit("feat: a")
    repo.tag("alpha@1.2.0")
    repo.write("a.txt", "3\n")
    repo.commit("feat: b")
    repo.tag("beta-v2.0.0")
    repo.write("a.txt", "4\n")
    repo.commit("more")

    assert _resolve(repo, project="alpha").base_ref == "alpha@1.2.0"
    assert _resolve(repo, project="beta").base_ref == "beta-v2.0.0"
    # A project without tags of its own falls back to whole-repository tags.
    assert _resolve(repo, project="gamma").base_ref == "v3.0.0"
    assert _resolve(repo).base_ref == "v3.0.0"


def test_tag_parsing_and_selection_rules(repo: GitRepo) -> None:
    repo.write("a.txt", "1\n")
    repo.commit("root")
    for tag in [
        "1.0.0",
        "v1.1.0-rc.1",
        "@scope/pkg@2.0.0",
        "pkg-v0.3.0",
        "release-candidate",
        "v1.2.3.4",
    ]:
        repo.tag(tag)

    tags = find_release_tags(Git(repo.path), "HEAD", DEFAULT_TAG_PATTERN)
    by_name = {t.tag: t for t in tags}

    assert set(by_name) == {"1.0.0", "v1.1.0-rc.1", "@scope/pkg@2.0.0", "pkg-v0.3.0"}
    assert by_name["@scope/pkg@2.0.0"].project == "@scope/pkg"
    assert by_name["pkg-v0.3.0"].project == "pkg"
    assert by_name["1.0.0"].project is None
    chosen = latest_release_tag(tags)
    assert chosen is not None and chosen.tag == "v1.1.0-rc.1"
    scoped = latest_release_tag(tags, project="@scope/pkg")
    assert scoped is not None and scoped.tag == "@scope/pkg@2.0.0"


def test_named_tags_of_the_root_project_are_used_without_project() -> None:
    tags = [
        ReleaseTag("other@9.0.0", Version(9, 0, 0), "other"),
        ReleaseTag("mine-v1.0.0", Version(1, 0, 0), "mine"),
    ]
    mine = latest_release_tag(tags, root_name="mine")
    assert mine is not None and mine.tag == "mine-v1.0.0"
    anything = latest_release_tag(tags)
    assert anything is not None and anything.tag == "other@9.0.0"
    assert latest_release_tag([]) is None


def test_without_a_project_the_project_released_last_gives_the_base() -> None:
    # Newest first: b released last, at a lower version than a's older releases.
    tags = [
        ReleaseTag("b@1.1.0", Version(1, 1, 0), "b"),
        ReleaseTag("a@2.0.0", Version(2, 0, 0), "a"),
        ReleaseTag("b@1.0.0", Version(1, 0, 0), "b"),
        ReleaseTag("a@1.9.0", Version(1, 9, 0), "a"),
    ]
    chosen = latest_release_tag(tags)
    assert chosen is not None and chosen.tag == "b@1.1.0"
    # Of the project released last, still the highest version: a backport tag made later
    # of an older line is not the base.
    backport = [ReleaseTag("b@0.9.1", Version(0, 9, 1), "b"), *tags]
    chosen = latest_release_tag(backport)
    assert chosen is not None and chosen.tag == "b@1.1.0"


def test_custom_tag_pattern(repo: GitRepo) -> None:
    repo.write("a.txt", "1\n")
    repo.commit("root")
    repo.tag("release/1.4.0")
    repo.tag("v9.9.9")
    repo.write("a.txt", "2\n")
    repo.commit("next")

    rng = resolve_range(
        Git(repo.path), base=None, tag_pattern=r"^release/(?P<version>\d+\.\d+\.\d+)$"
    )

    assert rng.base_ref == "release/1.4.0"


def _shallow_clone(make_repo: Callable[[str], GitRepo], depth: int) -> tuple[GitRepo, GitRepo]:
    origin = make_repo("origin")
    for i in range(4):
        origin.write("a.txt", f"{i}\n")
        origin.commit(f"commit {i}")
        if i == 0:
            origin.tag("v1.0.0")
    clone_path = origin.path.parent / "clone"
    subprocess.run(
        [
            "git",
            "clone",
            "-q",
            f"--depth={depth}",
            "--no-tags",
            f"file://{origin.path}",
            str(clone_path),
        ],
        check=True,
        capture_output=True,
    )
    return origin, GitRepo(clone_path)


def test_shallow_clone_without_base_history(make_repo: Callable[[str], GitRepo]) -> None:
    origin, clone = _shallow_clone(make_repo, 1)
    first = origin.git("rev-list", "--max-parents=0", "HEAD")

    with pytest.raises(ShallowCloneError, match="fetch-depth: 0"):
        _resolve(clone)  # no tag fetched: the clone's root is not a first commit
    with pytest.raises(ShallowCloneError, match="not in this shallow clone"):
        _resolve(clone, base=first)


def test_shallow_clone_with_enough_history_works(make_repo: Callable[[str], GitRepo]) -> None:
    _origin, clone = _shallow_clone(make_repo, 3)
    rng = _resolve(clone, base="HEAD~1")
    assert rng.base_sha == clone.git("rev-parse", "HEAD~1")
