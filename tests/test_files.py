"""The atomic writer: whole files, umask-respecting modes, nothing left behind on failure."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from release_tools.files import write_atomic


@pytest.fixture
def umask() -> Iterator[None]:
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_new_file_gets_the_umask_default(tmp_path: Path, umask: None) -> None:
    target = tmp_path / "CHANGELOG.md"
    write_atomic(target, "# Changelog\r\n")
    assert target.read_bytes() == b"# Changelog\r\n"
    assert _mode(target) == 0o644


def test_a_stricter_umask_is_honoured(tmp_path: Path, umask: None) -> None:
    os.umask(0o077)
    target = tmp_path / "report.json"
    write_atomic(target, b"{}")
    assert _mode(target) == 0o600


def test_replaced_file_keeps_its_mode(tmp_path: Path, umask: None) -> None:
    target = tmp_path / "run.sh"
    target.write_text("old")
    target.chmod(0o755)
    write_atomic(target, "new")
    assert target.read_text() == "new"
    assert _mode(target) == 0o755


def test_explicit_mode_wins(tmp_path: Path, umask: None) -> None:
    target = tmp_path / "x"
    target.write_text("old")
    write_atomic(target, "new", mode=0o600)
    assert _mode(target) == 0o600


def test_failure_leaves_the_target_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "package.json"
    target.write_text('{"version": "1.0.0"}')

    def refuse(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError, match="No space"):
        write_atomic(target, '{"version": "2.0.0"}')
    assert target.read_text() == '{"version": "1.0.0"}'
    assert sorted(p.name for p in tmp_path.iterdir()) == ["package.json"]


def test_missing_directory_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        write_atomic(tmp_path / "no" / "file.txt", "x")
    assert list(tmp_path.iterdir()) == []


def test_in_git_dir_sees_git_directories_however_reached(tmp_path: Path) -> None:
    from release_tools.files import in_git_dir

    store = tmp_path / "store.git"
    store.mkdir()
    (tmp_path / "link").symlink_to(store)
    assert in_git_dir(tmp_path / ".git" / "HEAD")
    assert in_git_dir(tmp_path / ".GIT" / "HEAD")  # a case-insensitive file system's .git
    assert in_git_dir(tmp_path / "link" / "HEAD", (store,))
    assert in_git_dir(tmp_path / "STORE.GIT" / "HEAD", (store,))
    assert not in_git_dir(tmp_path / "report.json", (store,))
    assert not in_git_dir(tmp_path / "gitignore-notes" / "x.git.txt")
