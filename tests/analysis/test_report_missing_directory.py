"""A report that cannot be written for want of a directory names the directory missing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from release_tools.analysis.report import write_atomic
from release_tools.errors import UsageError


def test_a_link_to_a_missing_directory_names_that_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    os.symlink(tmp_path / "gone/deeper/report.json", "out.json")

    with pytest.raises(UsageError) as caught:
        write_atomic(Path("out.json"), "{}")

    assert str(caught.value) == (
        f"cannot write out.json: directory {tmp_path / 'gone/deeper'} does not exist"
    )


def test_a_missing_directory_is_named_as_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)

    with pytest.raises(UsageError) as caught:
        write_atomic(Path("a/b/out.json"), "{}")

    assert str(caught.value) == "cannot write a/b/out.json: directory a/b does not exist"
