"""Release assets: globs confined to the work tree, named uniquely, typed by extension."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from release_tools.errors import UsageError
from release_tools.release.forge.assets import resolve_assets


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "work"
    (root / "dist" / "nested").mkdir(parents=True)
    (root / "dist" / "a.whl").write_bytes(b"a")
    (root / "dist" / "nested" / "b.tar.gz").write_bytes(b"b")
    (root / ".git").mkdir()
    (root / ".git" / "config").write_text("[core]\n")
    return root


def test_globs_with_double_star(tree: Path) -> None:
    assets = resolve_assets(tree, ["dist/**/*.tar.gz", "dist/*.whl"], tree / ".git")
    assert [(a.name, a.relative) for a in assets] == [
        ("b.tar.gz", "dist/nested/b.tar.gz"),
        ("a.whl", "dist/a.whl"),
    ]
    assert assets[0].content_type == "application/gzip"
    assert assets[1].read() == b"a"


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("dist/*.zip", "no file matches it"),
        ("/etc/passwd", "an absolute path"),
        ("../outside/*", "'..' leads outside"),
        (".git/*", "inside .git"),
        ("", "an empty glob"),
    ],
)
def test_refused_globs(tree: Path, pattern: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        resolve_assets(tree, [pattern], tree / ".git")


def test_symbolic_links_out_of_the_tree_or_into_git(tree: Path, tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("x")
    os.symlink(tmp_path / "secret.txt", tree / "dist" / "secret.txt")
    with pytest.raises(UsageError, match="outside the work tree"):
        resolve_assets(tree, ["dist/*.txt"], tree / ".git")
    os.symlink(tree / ".git" / "config", tree / "dist" / "config.ini")
    with pytest.raises(UsageError, match=r"inside \.git"):
        resolve_assets(tree, ["dist/*.ini"], tree / ".git")


def test_two_files_with_one_name(tree: Path) -> None:
    (tree / "dist" / "nested" / "a.whl").write_bytes(b"other")
    with pytest.raises(UsageError, match=r"two files would be the asset a\.whl"):
        resolve_assets(tree, ["dist/**/*.whl"], tree / ".git")
