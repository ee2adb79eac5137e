"""Release history read from real repositories: pairs, jumps, declared bumps, odd tags, cache."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from gitrepo import GitRepo
from release_tools.analysis.evidence.commits import declared
from release_tools.analysis.history import Footprint, ReleaseHistory, read_history
from release_tools.config import DEFAULT_TAG_PATTERN
from release_tools.git import Git
from release_tools.versioning.bump import Bump
from release_tools.versioning.semver import Version, jump
from release_tools.versioning.tags import find_release_tags


def _release(repo: GitRepo, tag: str, *messages: str) -> None:
    for i, message in enumerate(messages):
        repo.write(f"src/{tag}-{i}.py", f"x = {i}\n")
        repo.commit(message)
    repo.tag(tag)


def _history(repo: GitRepo, *, cache_dir: Path | None, limit: int = 30) -> ReleaseHistory:
    git = Git(repo.path)
    tags = find_release_tags(git, git.resolve("HEAD"), DEFAULT_TAG_PATTERN)
    return read_history(
        git, tags, classify=declared, project=None, root_name=None, cache_dir=cache_dir, limit=limit
    )


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("1.2.3", "2.0.0", Bump.MAJOR),
        ("1.2.3", "1.3.0", Bump.MINOR),
        ("1.2.3", "1.2.4", Bump.PATCH),
        ("0.3.1", "0.4.0", Bump.MINOR),
        ("1.2.3", "1.2.3", Bump.NONE),
    ],
)
def test_jump_is_the_first_part_that_differs(old: str, new: str, expected: Bump) -> None:
    assert jump(Version.parse(old), Version.parse(new)) is expected


def test_pairs_carry_the_shipped_jump_and_the_declared_bump(repo: GitRepo) -> None:
    _release(repo, "v1.0.0", "feat: first")
    _release(repo, "v1.1.0", "feat: more", "fix: a bug")
    _release(repo, "v1.1.1", "fix: another", "docs: words")
    _release(repo, "v2.0.0", "feat!: drop the old API")
    _release(repo, "v2.0.1", "update things")  # no conventional commit
    _release(repo, "v2.0.2", "chore: deps")

    history = _history(repo, cache_dir=None)

    got = [
        (r.old_tag, r.new_tag, r.shipped, r.declared, r.commits, r.conventional)
        for r in history.releases
    ]
    assert got == [
        ("v1.0.0", "v1.1.0", Bump.MINOR, Bump.MINOR, 2, 2),
        ("v1.1.0", "v1.1.1", Bump.PATCH, Bump.PATCH, 2, 2),
        ("v1.1.1", "v2.0.0", Bump.MAJOR, Bump.MAJOR, 1, 1),
        ("v2.0.0", "v2.0.1", Bump.PATCH, None, 1, 0),
        ("v2.0.1", "v2.0.2", Bump.PATCH, Bump.NONE, 1, 1),
    ]


def test_prereleases_duplicates_and_the_limit(repo: GitRepo) -> None:
    _release(repo, "v1.0.0", "feat: a")
    _release(repo, "v1.1.0-rc.1", "feat: b")
    _release(repo, "v1.1.0", "fix: c")
    repo.tag("1.1.0")  # the same version under a second spelling
    _release(repo, "v1.1.1", "fix: d")
    _release(repo, "v1.1.2", "fix: e")

    history = _history(repo, cache_dir=None, limit=2)

    pairs = [(r.old_tag, r.new_tag) for r in history.releases]
    assert pairs == [("v1.1.0", "v1.1.1"), ("v1.1.1", "v1.1.2")] or pairs == [
        ("1.1.0", "v1.1.1"),
        ("v1.1.1", "v1.1.2"),
    ]
    full = _history(repo, cache_dir=None)
    first = full.releases[0]
    # The rc is skipped: 1.0.0 -> 1.1.0 spans both commits.
    assert (first.old_tag, first.commits, first.declared) == ("v1.0.0", 2, Bump.MINOR)


def test_a_release_from_another_line_is_skipped(repo: GitRepo) -> None:
    _release(repo, "v1.0.0", "feat: a")
    repo.git("checkout", "-q", "-b", "old-line")
    _release(repo, "v1.0.1", "fix: backport")
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--no-ff", "-m", "merge old-line", "old-line")
    _release(repo, "v1.1.0", "feat: b")
    _release(repo, "v1.0.2", "fix: out of order tag on the main line")

    history = _history(repo, cache_dir=None)

    pairs = [(r.old_tag, r.new_tag) for r in history.releases]
    # 1.0.2 was tagged after 1.1.0 on the same line: 1.0.2 -> 1.1.0 is not a forward pair, and
    # 1.1.0 pairs with the newest earlier release it descends from.
    assert pairs == [("v1.0.0", "v1.0.1"), ("v1.0.1", "v1.0.2"), ("v1.0.1", "v1.1.0")]


def test_a_merged_backport_does_not_hide_the_major_of_the_main_line(repo: GitRepo) -> None:
    _release(repo, "v1.0.0", "feat: a")
    _release(repo, "v1.1.0", "feat: b")
    repo.git("checkout", "-q", "-b", "maint")
    _release(repo, "v1.1.1", "fix: backport")
    repo.git("checkout", "-q", "main")
    _release(repo, "v2.0.0", "feat!: drop the old API")
    # The maintenance line is merged back without its changes, as projects do to keep one
    # history: v1.1.1 becomes reachable, yet it is no ancestor of v2.0.0.
    repo.git("merge", "-q", "-s", "ours", "-m", "merge maint", "maint")
    _release(repo, "v2.0.1", "fix: c")

    history = _history(repo, cache_dir=None)

    got = [(r.old_tag, r.new_tag, r.shipped) for r in history.releases]
    assert got == [
        ("v1.0.0", "v1.1.0", Bump.MINOR),
        ("v1.1.0", "v1.1.1", Bump.PATCH),
        ("v1.1.0", "v2.0.0", Bump.MAJOR),
        ("v2.0.0", "v2.0.1", Bump.PATCH),
    ]
    major = history.releases[2]
    assert (major.commits, major.declared) == (1, Bump.MAJOR)


def test_no_tags_or_one_tag_is_an_empty_history(repo: GitRepo) -> None:
    _release(repo, "v1.0.0", "feat: a")
    history = _history(repo, cache_dir=None)
    assert history.releases == () and history.tags == 1


def test_pairs_are_cached_by_their_commits(repo: GitRepo, tmp_path: Path) -> None:
    _release(repo, "v1.0.0", "feat: a")
    _release(repo, "v1.1.0", "feat: b")
    _release(repo, "v1.1.1", "fix: c")
    cache = tmp_path / "cache"

    first = _history(repo, cache_dir=cache)
    entries = sorted((cache / "history").glob("*.json"))
    assert len(entries) == 2
    assert (cache / ".gitignore").read_text() == "*\n"
    # A cached pair is read, not recomputed: change an entry and see it come back.
    for entry in entries:
        entry.write_text(
            '{"commits": 7, "conventional": 7, "declared": 3, "footprint": "removal", '
            '"footprint_bytes": 120, "floors": ["Rust"]}'
        )
    second = _history(repo, cache_dir=cache)

    assert [r.commits for r in first.releases] == [1, 1]
    assert [r.declared for r in second.releases] == [Bump.MAJOR, Bump.MAJOR]
    assert [r.footprint for r in second.releases] == [Footprint.REMOVAL, Footprint.REMOVAL]
    assert [r.footprint_bytes for r in second.releases] == [120, 120]
    assert [r.floors for r in second.releases] == [("Rust",), ("Rust",)]
    # A corrupt entry is a miss, recomputed and rewritten.
    entries[0].write_text("not json")
    third = _history(repo, cache_dir=cache)
    assert sorted(r.commits for r in third.releases) == [1, 7]


@pytest.mark.parametrize(
    "entry",
    [
        '{"commits": 2, "conventional": 1, "declared": 99, "footprint": null, '
        '"footprint_bytes": -1, "floors": []}',
        '{"commits": 2, "conventional": 5, "declared": 1, "footprint": null, '
        '"footprint_bytes": -1, "floors": []}',
        '{"commits": 2, "conventional": 1, "declared": -7, "footprint": null, '
        '"footprint_bytes": -1, "floors": []}',
    ],
)
def test_a_cache_entry_out_of_range_is_recomputed(
    repo: GitRepo, tmp_path: Path, entry: str
) -> None:
    _release(repo, "v1.0.0", "feat: a")
    _release(repo, "v1.1.0", "feat: b")
    cache = tmp_path / "cache"
    _history(repo, cache_dir=cache)
    (stored,) = (cache / "history").glob("*.json")
    stored.write_text(entry)

    history = _history(repo, cache_dir=cache)

    assert [(r.commits, r.declared) for r in history.releases] == [(1, Bump.MINOR)]


def test_a_history_cache_linked_out_of_the_cache_is_not_used(
    repo: GitRepo, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    _release(repo, "v1.0.0", "feat: a")
    _release(repo, "v1.1.0", "feat: b")
    _release(repo, "v1.1.1", "fix: c")
    outside = tmp_path / "outside"
    outside.mkdir()
    cache = repo.path / ".release-tools-cache"
    cache.mkdir()
    (cache / "history").symlink_to(outside)

    with caplog.at_level("WARNING"):
        history = _history(repo, cache_dir=cache)

    assert [r.new_tag for r in history.releases] == ["v1.1.0", "v1.1.1"]
    assert list(outside.iterdir()) == []
    assert "leads outside the cache directory" in caplog.text


def test_monorepo_paths_limit_the_commits(repo: GitRepo) -> None:
    repo.write("a/x.py", "1\n")
    repo.commit("feat: a")
    repo.tag("v1.0.0")
    repo.write("a/x.py", "2\n")
    repo.commit("fix: in a")
    repo.write("b/y.py", "2\n")
    repo.commit("feat!: in b")
    repo.tag("v1.0.1")

    git = Git(repo.path)
    tags = find_release_tags(git, git.resolve("HEAD"), DEFAULT_TAG_PATTERN)
    history = read_history(git, tags, classify=declared, project=None, root_name=None, paths=["a"])

    assert [(r.commits, r.declared) for r in history.releases] == [(1, Bump.PATCH)]


def test_malformed_tags_are_skipped_never_an_error(
    repo: GitRepo, caplog: pytest.LogCaptureFixture
) -> None:
    _release(repo, "v1.0.0", "feat: a")
    for odd in ("vNext", "v1.2.x", "v1.2.3.4", "release-2020", "v1.0", "v-1.0.0", "v01.2.3"):
        repo.tag(odd)
    _release(repo, "v1.1.0", "feat: b")
    repo.tag("v1.1.0.post-typo")
    _release(repo, "v1.1.1", "fix: c")

    with caplog.at_level("DEBUG", logger="release_tools"):
        history = _history(repo, cache_dir=None)

    assert [(r.old_tag, r.new_tag) for r in history.releases] == [
        ("v1.0.0", "v1.1.0"),
        ("v1.1.0", "v1.1.1"),
    ]
    skipped = [r.getMessage() for r in caplog.records if "tags skipped" in r.getMessage()]
    assert len(skipped) == 1
    for odd in ("v1.2.x", "v1.2.3.4", "release-2020", "v1.0", "v01.2.3", "v1.1.0.post-typo"):
        assert odd in skipped[0]
    assert "vNext" not in skipped[0]


def _tagged_chain(repo: GitRepo, count: int) -> None:
    """``count`` commits, each tagged ``v1.<n>.0``, written in one ``git fast-import``."""
    stream = []
    for n in range(count):
        stream.append(
            f"commit refs/heads/main\nmark :{n + 1}\n"
            f"committer T <t@example.com> {1_700_000_000 + n} +0000\n"
            f"data <<END\nfeat: change {n}\nEND\n"
            + (f"from :{n}\n" if n else "")
            + f"M 644 inline src/f{n % 50}.py\ndata <<END\nx = {n}\nEND\n\n"
        )
        stream.append(f"reset refs/tags/v1.{n}.0\nfrom :{n + 1}\n\n")
    subprocess.run(
        ["git", "fast-import", "--quiet"],
        cwd=repo.path,
        input="".join(stream).encode(),
        check=True,
    )
    repo.git("reset", "-q", "--hard", "main")


def test_thousands_of_tags_read_only_the_recent_pairs(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    from release_tools.analysis import history as history_module

    _tagged_chain(repo, 2000)
    read: list[str] = []
    real = history_module._facts

    def counting(git: Git, old_sha: str, new_sha: str, *args: object) -> object:
        read.append(new_sha)
        return real(git, old_sha, new_sha, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(history_module, "_facts", counting)
    history = _history(repo, cache_dir=None)

    assert history.tags == 2000
    assert len(history.releases) == 30 and len(read) == 30
    assert history.releases[-1].new_tag == "v1.1999.0"
    assert all(r.shipped is Bump.MINOR and r.declared is Bump.MINOR for r in history.releases)


def test_a_nested_go_module_learns_from_its_own_tags_only(repo: GitRepo) -> None:
    # Go tags a module in tools/ as tools/v0.2.0; the root's v1.x tags are another module's
    # releases and must not become its history (nor its current version).
    from release_tools.analysis.service import run_analysis
    from release_tools.config import Settings

    repo.write("go.work", "go 1.22\n\nuse (\n\t.\n\t./tools\n)\n")
    repo.write("go.mod", "module example.com/m\n\ngo 1.22\n")
    repo.write("tools/go.mod", "module example.com/m/tools\n\ngo 1.22\n")
    repo.write("m.go", "package m\n")
    repo.write("tools/tools.go", "package tools\n")
    repo.commit("chore: start")
    for minor in range(4):
        repo.write("m.go", f"package m\n\nconst N{minor} = {minor}\n")
        repo.commit(f"feat: root {minor}")
        repo.tag(f"v1.{minor}.0")
    for minor in range(1, 3):
        repo.write("tools/tools.go", f"package tools\n\nconst T{minor} = {minor}\n")
        repo.commit(f"fix(tools): tools {minor}")
        repo.tag(f"tools/v0.{minor}.0")
    repo.write("tools/tools.go", "package tools\n\nconst T9 = 9\n")
    repo.commit("fix(tools): more")

    decision = run_analysis(Settings(repo=repo.path, project="example.com/m/tools"))

    assert (decision.current_version, decision.next_version) == ("0.2.0", "0.2.1")
    assert decision.history is not None
    assert decision.history["pairs"] == 1  # tools/v0.1.0 -> tools/v0.2.0, no v1.x pair
