"""An analysis lists the tags reachable from a commit once, however many readers ask."""

from __future__ import annotations

from typing import Any

import pytest

from gitrepo import GitRepo
from release_tools.analysis.service import run_analysis
from release_tools.config import Settings
from release_tools.git import Git
from release_tools.git.process import GitProcess


def _released(repo: GitRepo) -> None:
    repo.write("pyproject.toml", '[project]\nname = "pkg"\nversion = "1.2.0"\n')
    repo.write("pkg/__init__.py", "def a():\n    return 1\n")
    for number in range(3):
        repo.write("pkg/__init__.py", f"def a():\n    return {number}\n")
        repo.commit(f"fix: {number}")
        repo.tag(f"v1.{number}.0")
    repo.write("pkg/__init__.py", "def a():\n    return 9\n\n\ndef b():\n    return 2\n")
    repo.commit("feat: b")


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, ...]]:
    listings: list[tuple[str, ...]] = []
    run_bytes = GitProcess.run_bytes

    def counted(self: GitProcess, *args: str, **kw: Any) -> bytes:
        if "--merged" in args and any(a in ("tag", "for-each-ref") for a in args[:1]):
            listings.append(args)
        return run_bytes(self, *args, **kw)

    monkeypatch.setattr(GitProcess, "run_bytes", counted)
    return listings


def test_the_tags_of_one_commit_are_listed_once(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    _released(repo)
    listings = _counting(monkeypatch)

    decision = run_analysis(Settings(repo=repo.path))

    assert decision.current_version == "1.2.0"
    merged = [args[args.index("--merged") + 1] for args in listings]
    assert len(merged) == len(set(merged)), merged


def test_a_tag_made_since_is_listed(repo: GitRepo) -> None:
    _released(repo)
    git = Git(repo.path)
    head = git.resolve("HEAD")
    assert "v2.0.0" not in git.tags_merged(head)

    git.tag("v2.0.0")

    assert "v2.0.0" in git.tags_merged(head)
    git.delete_tag("v2.0.0")
    assert "v2.0.0" not in git.tags_merged(head)
