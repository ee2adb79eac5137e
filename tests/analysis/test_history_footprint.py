"""Footprints of release ranges: declarations added or removed, kinds of files; real repos."""

from __future__ import annotations

from pathlib import Path

from gitrepo import GitRepo
from release_tools.analysis.evidence.commits import declared
from release_tools.analysis.evidence.file_kinds import classify
from release_tools.analysis.history import (
    Footprint,
    ReleaseHistory,
    footprint,
    read_history,
    surface_delta,
    with_footprints,
)
from release_tools.config import DEFAULT_TAG_PATTERN
from release_tools.git import Git
from release_tools.versioning.bump import Bump
from release_tools.versioning.tags import find_release_tags


def _diff(path: str, *lines: str) -> list[str]:
    return [f"diff --git a/{path} b/{path}\n", f"--- a/{path}\n", f"+++ b/{path}\n", *lines]


def test_surface_delta_reads_public_declarations_per_language() -> None:
    lines = [
        *_diff("pkg/mod.py", "+def new_func(a):\n", "-class Old:\n", "+def _private():\n"),
        *_diff("pkg/mod.py", "+    def method(self):\n", "+        def nested():\n"),
        *_diff(
            "x.go", "+func (c *Client) Do() error {\n", "-func Gone() {}\n", "+func local() {}\n"
        ),
        *_diff("x.go", "+type Option struct {\n", "-const Limit = 3\n"),
        *_diff(
            "src/lib.rs", "+pub fn added() {}\n", "-pub struct Gone;\n", "+pub(crate) fn no() {}\n"
        ),
        *_diff(
            "index.d.ts", "+export declare function go(): void;\n", "-export interface Old {}\n"
        ),
    ]

    added, removed = surface_delta(lines)

    assert added == {"new_func", "method", "Client.Do", "Option", "added", "go"}
    assert removed == {"Old", "Gone", "Limit"}


def test_a_name_moved_between_files_or_re_signed_is_neither() -> None:
    lines = [
        *_diff("a.py", "-def moved(x):\n", "-def edited(a):\n"),
        *_diff("b.py", "+def moved(x):\n", "+def edited(a, b=1):\n"),
    ]
    assert surface_delta(lines) == (set(), set())


def _tagged(repo: GitRepo, tag: str, files: dict[str, str | None], message: str = "change") -> str:
    for path, text in files.items():
        if text is None:
            repo.remove(path)
        else:
            repo.write(path, text)
    repo.commit(message)
    repo.tag(tag)
    return repo.head()


def test_footprints_of_real_ranges(repo: GitRepo) -> None:
    v0 = _tagged(repo, "v1.0.0", {"lib/core.py": "def keep():\n    pass\n"})
    v1 = _tagged(repo, "v1.0.1", {"tests/test_core.py": "def test_x():\n    pass\n"})
    v2 = _tagged(repo, "v1.0.2", {"README.md": "words\n"})
    v3 = _tagged(repo, "v1.0.3", {"lib/core.py": "def keep():\n    return 1\n"})
    v4 = _tagged(
        repo, "v1.1.0", {"lib/core.py": "def keep():\n    return 1\n\n\ndef more():\n    pass\n"}
    )
    v5 = _tagged(repo, "v1.2.0", {"lib/core.py": "def more():\n    pass\n"})
    git = Git(repo.path)

    got = [
        footprint(git, a, b, kind_of=classify)
        for a, b in [(v0, v1), (v1, v2), (v2, v3), (v3, v4), (v4, v5)]
    ]

    assert got == [
        Footprint.TOOLING,
        Footprint.SUPPORT,
        Footprint.SOURCE,
        Footprint.ADDITION,
        Footprint.REMOVAL,
    ]
    assert Footprint.REMOVAL.convention.label == "major"
    # A reader told to stop leaves a diff unread rather than judged from part of it.
    assert footprint(git, v3, v4, kind_of=classify, spend=lambda _bytes: False) is None


def test_footprints_are_read_on_demand_within_the_budget_and_cached(
    repo: GitRepo, tmp_path: Path
) -> None:
    _tagged(repo, "v1.0.0", {"lib/core.py": "def keep():\n    pass\n"}, "feat: a")
    _tagged(repo, "v1.1.0", {"lib/extra.py": "def more():\n    pass\n"}, "feat: b")
    _tagged(repo, "v1.1.1", {"lib/extra.py": None}, "fix: c")
    git = Git(repo.path)
    tags = find_release_tags(git, git.resolve("HEAD"), DEFAULT_TAG_PATTERN)
    cache = tmp_path / "cache"

    def read() -> ReleaseHistory:
        return read_history(
            git, tags, classify=declared, project=None, root_name=None, cache_dir=cache
        )

    def footprints(history: ReleaseHistory) -> list[Footprint | None]:
        return [r.footprint for r in history.releases]

    # Reading the history diffs nothing; no budget for footprints leaves them unread.
    assert footprints(read()) == [None, None]
    assert footprints(with_footprints(git, read(), kind_of=classify, budget=0)) == [None, None]
    # With a budget they are read, then kept in the cache with the pairs' other facts.
    assert footprints(with_footprints(git, read(), kind_of=classify)) == [
        Footprint.ADDITION,
        Footprint.REMOVAL,
    ]
    cached = read()
    assert footprints(cached) == [Footprint.ADDITION, Footprint.REMOVAL]
    assert [r.declared for r in cached.releases] == [Bump.MINOR, Bump.PATCH]


def test_the_budget_picks_the_same_pairs_cold_warm_and_across_runs(
    repo: GitRepo, tmp_path: Path
) -> None:
    # Six releases, each adding a module of about 200 KB of diff: a 700 KB budget covers the
    # three newest pairs, whichever reader finishes first and whatever the cache holds.
    _tagged(repo, "v1.0.0", {"lib/core.py": "def keep():\n    pass\n"})
    for minor in range(1, 6):
        body = "".join(f"def f{minor}_{i}():\n    return {i}\n" for i in range(6000))
        _tagged(repo, f"v1.{minor}.0", {f"lib/m{minor}.py": body})
    git = Git(repo.path)
    tags = find_release_tags(git, git.resolve("HEAD"), DEFAULT_TAG_PATTERN)
    cache = tmp_path / "cache"

    def counted(cache_dir: Path | None) -> list[Footprint | None]:
        history = read_history(
            git, tags, classify=declared, project=None, root_name=None, cache_dir=cache_dir
        )
        chosen = with_footprints(git, history, kind_of=classify, budget=700_000)
        return [r.footprint for r in chosen.releases]

    expected = [None, None, Footprint.ADDITION, Footprint.ADDITION, Footprint.ADDITION]
    for _run in range(3):
        assert counted(None) == expected  # cold, nothing cached
        assert counted(cache) == expected  # cold first, then warm
    assert len(list((cache / "history").glob("*.json"))) >= 3
