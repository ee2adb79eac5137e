"""The chunk cache: keys, round trips, atomic writes, corrupt entries, where it lives."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from release_tools.analysis.engines.model.cache import ChunkCache, cache_key, default_cache_dir
from release_tools.analysis.engines.model.schemas import ChunkSummary

SUMMARY = ChunkSummary(
    summary="fix",
    breaking_changes=0,
    features=0,
    fixes=1,
    other_changes=0,
    suggested_bump="patch",
    reasoning="a bug fix",
)


def test_key_depends_on_model_prompt_version_and_content() -> None:
    base = cache_key("gpt-realtime", "1", "diff")
    assert base == cache_key("gpt-realtime", "1", "diff")
    assert len(base) == 64
    assert base != cache_key("gpt-realtime-mini", "1", "diff")
    assert base != cache_key("gpt-realtime", "2", "diff")
    assert base != cache_key("gpt-realtime", "1", "diff ")
    # Boundaries between the parts matter.
    assert cache_key("ab", "c", "d") != cache_key("a", "bc", "d")


def test_round_trip(tmp_path: Path) -> None:
    cache = ChunkCache(tmp_path / "c")
    key = cache_key("m", "1", "text")
    assert cache.get(key) is None
    cache.put(key, SUMMARY, model="m")
    assert cache.get(key) == SUMMARY
    assert (cache.hits, cache.misses) == (1, 1)
    files = list((tmp_path / "c").rglob("*.json"))
    assert [f.name for f in files] == [f"{key}.json"]
    assert files[0].parent.name == key[:2]


def test_no_temporary_files_are_left(tmp_path: Path) -> None:
    cache = ChunkCache(tmp_path)
    for i in range(5):
        cache.put(cache_key("m", "1", str(i)), SUMMARY)
    assert not [p for p in tmp_path.rglob("*") if p.name.startswith(".tmp-")]


@pytest.mark.parametrize(
    "content",
    ['{"key": "', "not json", "[]", '{"key": "other", "summary": {}}', '{"key": "K"}'],
)
def test_corrupt_entries_are_misses_and_get_overwritten(tmp_path: Path, content: str) -> None:
    cache = ChunkCache(tmp_path)
    key = cache_key("m", "1", "t")
    path = tmp_path / "chunks" / key[:2] / f"{key}.json"
    path.parent.mkdir(parents=True)
    path.write_text(content.replace('"K"', f'"{key}"'), encoding="utf-8")
    assert cache.get(key) is None
    cache.put(key, SUMMARY)
    assert cache.get(key) == SUMMARY


def test_an_entry_that_no_longer_validates_is_a_miss(tmp_path: Path) -> None:
    cache = ChunkCache(tmp_path)
    key = cache_key("m", "1", "t")
    cache.put(key, SUMMARY)
    path = next(tmp_path.rglob("*.json"))
    path.write_text(path.read_text().replace('"fixes": 1', '"fixes": -1'), encoding="utf-8")
    assert cache.get(key) is None


def test_unwritable_cache_does_not_raise(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory", encoding="utf-8")
    cache = ChunkCache(blocker)  # every mkdir below it fails
    cache.put(cache_key("m", "1", "t"), SUMMARY)
    assert cache.get(cache_key("m", "1", "t")) is None


def test_default_cache_dir(tmp_path: Path) -> None:
    assert default_cache_dir(tmp_path, Path("/x/cache")) == Path("/x/cache")
    assert default_cache_dir(tmp_path, Path("rel")) == tmp_path / "rel"
    assert default_cache_dir(tmp_path) == tmp_path / ".release-tools-cache"


def test_default_cache_dir_falls_back_to_xdg_when_the_repo_is_unusable(tmp_path: Path) -> None:
    env = {"XDG_CACHE_HOME": str(tmp_path / "xdg")}
    missing = tmp_path / "gone"
    assert default_cache_dir(missing, environ=env) == tmp_path / "xdg" / "release-tools"
    assert default_cache_dir(missing, environ={}) == Path.home() / ".cache" / "release-tools"


def test_root_ignores_the_repo_cache_dir() -> None:
    gitignore = Path(__file__).resolve().parents[4] / ".gitignore"
    assert ".release-tools-cache/" in gitignore.read_text(encoding="utf-8").splitlines()


def test_a_created_cache_directory_ignores_itself(tmp_path: Path) -> None:
    directory = tmp_path / "new" / "cache"
    ChunkCache(directory).put(cache_key("m", "1", "t"), SUMMARY)
    assert (directory / ".gitignore").read_text(encoding="utf-8") == "*\n"


def test_an_existing_directory_of_the_user_gets_no_gitignore(tmp_path: Path) -> None:
    # A configured cache_dir may be a directory the user tracks: writing "*" there would hide
    # their own files from git.
    ChunkCache(tmp_path).put(cache_key("m", "1", "t"), SUMMARY)
    assert not (tmp_path / ".gitignore").exists()


def test_an_older_repo_cache_without_gitignore_gets_one(tmp_path: Path) -> None:
    directory = tmp_path / ".release-tools-cache"
    directory.mkdir()
    ChunkCache(directory).put(cache_key("m", "1", "t"), SUMMARY)
    assert (directory / ".gitignore").read_text(encoding="utf-8") == "*\n"


def test_a_users_own_gitignore_is_left_alone(tmp_path: Path) -> None:
    directory = tmp_path / ".release-tools-cache"
    directory.mkdir()
    (directory / ".gitignore").write_text("chunks/\n", encoding="utf-8")
    ChunkCache(directory).put(cache_key("m", "1", "t"), SUMMARY)
    assert (directory / ".gitignore").read_text(encoding="utf-8") == "chunks/\n"


def test_a_chunks_directory_linked_out_of_the_cache_is_neither_read_nor_written(
    tmp_path: Path,
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    root = tmp_path / "c"
    root.mkdir()
    (root / "chunks").symlink_to(outside)
    cache = ChunkCache(root)
    key = cache_key("m", "1", "text")

    cache.put(key, SUMMARY, model="m")

    assert list(outside.iterdir()) == []
    # An entry planted behind the link is not read either.
    planted = outside / key[:2] / f"{key}.json"
    planted.parent.mkdir()
    planted.write_text(json.dumps({"key": key, "summary": SUMMARY.model_dump(mode="json")}))
    assert cache.get(key) is None
