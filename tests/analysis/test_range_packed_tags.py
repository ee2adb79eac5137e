"""A release tag that git lists but cannot look up by name still starts the range."""

from __future__ import annotations

from gitrepo import GitRepo
from release_tools.analysis.range import resolve_range
from release_tools.config import DEFAULT_TAG_PATTERN
from release_tools.git import Git

# Longer than a file name may be (255 bytes): only packed-refs can hold it.
LONG = "v1.0.1+" + "b" * 300


def test_a_packed_tag_too_long_for_a_file_name_starts_the_range(repo: GitRepo) -> None:
    repo.write("a.txt", "a\n")
    first = repo.commit("init")
    repo.tag("v1.0.0")
    repo.write("a.txt", "b\n")
    tagged = repo.commit("fix: b")
    repo.write("a.txt", "c\n")
    head = repo.commit("fix: c")
    (repo.path / ".git/refs/tags/v1.0.0").unlink()
    (repo.path / ".git/packed-refs").write_text(
        "# pack-refs with: peeled fully-peeled sorted\n"
        f"{first} refs/tags/v1.0.0\n"
        f"{tagged} refs/tags/{LONG}\n"
    )
    assert repo.git("tag").splitlines() == ["v1.0.0", LONG]

    rng = resolve_range(Git(repo.path), base=None, tag_pattern=DEFAULT_TAG_PATTERN)

    assert (rng.base_ref, rng.base_sha, rng.head_sha) == (LONG, tagged, head)
