"""The file transaction: staged reads, all-or-nothing writes, rollback, modes kept."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from release_tools.errors import ReleaseError
from release_tools.release import files as files_module
from release_tools.release.files import FileTransaction


def test_reads_see_staged_writes_and_deletes(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("old")
    txn = FileTransaction(tmp_path)
    assert txn.read("a.txt") == "old" and txn.read("missing") is None
    txn.write("a.txt", "new", "first reason")
    txn.write("a.txt", "newer", "second reason")
    txn.delete("b.txt", "gone")
    assert txn.read("a.txt") == "newer" and txn.read("b.txt") is None
    assert [(c.path, c.reason) for c in txn.changes] == [
        ("a.txt", "first reason"),
        ("b.txt", "gone"),
    ]
    assert (tmp_path / "a.txt").read_text() == "old"  # nothing written until apply


def test_apply_keeps_mode_creates_and_deletes(tmp_path: Path) -> None:
    script = tmp_path / "run.sh"
    script.write_text("#!/bin/sh\n")
    os.chmod(script, 0o755)
    (tmp_path / "old.md").write_text("x")
    txn = FileTransaction(tmp_path)
    txn.write("run.sh", "#!/bin/sh\necho 2\n", "r")
    txn.write("sub/new.md", "created", "r")
    txn.delete("old.md", "r")
    txn.apply()
    assert stat.S_IMODE(script.stat().st_mode) == 0o755
    assert (tmp_path / "sub/new.md").read_text() == "created"
    assert not (tmp_path / "old.md").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run.sh", "sub"]  # no temp files left
    assert txn.rollback() == []
    assert script.read_text() == "#!/bin/sh\n" and (tmp_path / "old.md").read_text() == "x"
    assert not (tmp_path / "sub/new.md").exists()


def test_failure_on_third_file_restores_first_two(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("one", "two", "three"):
        (tmp_path / name).write_bytes(b"orig-" + name.encode())
    txn = FileTransaction(tmp_path)
    txn.write("one", "1", "r")
    txn.delete("two", "r")
    txn.write("three", "3", "r")
    txn.write("four", "4", "r")
    real = files_module.write_file
    seen: list[str] = []

    def failing(path: Path, content: bytes, mode: int | None = None) -> None:
        seen.append(path.name)
        if path.name == "three" and seen.count("three") == 1:
            raise PermissionError(13, "Permission denied")
        real(path, content, mode)

    monkeypatch.setattr(files_module, "write_file", failing)
    with pytest.raises(ReleaseError, match="cannot write three: Permission denied; every file"):
        txn.apply()
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == {
        "one": b"orig-one",
        "two": b"orig-two",
        "three": b"orig-three",
    }


def test_non_regular_target_is_refused_before_writing(tmp_path: Path) -> None:
    (tmp_path / "a").write_text("a")
    (tmp_path / "dir").mkdir()
    txn = FileTransaction(tmp_path)
    txn.write("a", "changed", "r")
    with pytest.raises(ReleaseError, match="dir: not a regular file"):
        txn.write("dir", "x", "r")  # refused when staged, before anything is written
    assert (tmp_path / "a").read_text() == "a"


def test_apply_twice_is_refused(tmp_path: Path) -> None:
    txn = FileTransaction(tmp_path)
    txn.write("a", "x", "r")
    txn.apply()
    with pytest.raises(ReleaseError, match="already applied"):
        txn.apply()
