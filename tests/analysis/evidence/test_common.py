"""Shared gatherer helpers: batch reads, path classes."""

from __future__ import annotations

from typing import Any

from repo_context import build_context

from release_tools.analysis.evidence._common import is_test_path, read_text, read_texts


def test_read_texts_batches_odd_paths(repo: Any) -> None:
    repo.write("dir with space/é file.py", "x = 1\n")
    repo.write("bad.py", b"caf\xe9\n")
    repo.write("empty.py", "")
    repo.write("sub/a.py", "a\n")
    base = repo.commit("initial")
    ctx = build_context(repo.path, base)
    wanted = ["dir with space/é file.py", "bad.py", "empty.py", "missing.py", "sub", "sub/a.py"]
    texts = read_texts(ctx, base, wanted)
    assert texts == {
        "dir with space/é file.py": "x = 1\n",
        "bad.py": "caf\ufffd\n",
        "empty.py": "",
        "sub/a.py": "a\n",
    }
    assert texts["bad.py"] == read_text(ctx, base, "bad.py")
    assert read_texts(ctx, base, []) == {}


def test_is_test_path() -> None:
    assert is_test_path("tests/test_a.py")
    assert is_test_path("src/pkg/conftest.py")
    assert is_test_path("docs/conf.py")
    assert is_test_path("web/app.spec.ts")
    assert not is_test_path("src/pkg/testing_utils.py")
    assert not is_test_path("src/pkg/core.py")
