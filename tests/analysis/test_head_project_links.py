"""Manifests that are symbolic links, read at a head that is not the checked-out commit: a link
inside the tree reads as in a checkout, one leading out of it is never followed."""

from __future__ import annotations

import json
from pathlib import Path

from gitrepo import GitRepo
from release_tools.analysis.headprojects import projects_at
from release_tools.git import Git


def _on_branch(repo: GitRepo, link: str) -> None:
    repo.write("pkg/real.json", json.dumps({"name": "mine", "version": "1.2.3"}) + "\n")
    repo.write("index.js", "exports.a = 1;\n")
    repo.commit("chore: init")
    repo.git("checkout", "-q", "-b", "next")
    (repo.path / "package.json").symlink_to(link)
    repo.commit("chore: link the manifest")
    repo.git("checkout", "-q", "main")


def test_a_manifest_linked_inside_the_tree_is_read_at_head(repo: GitRepo) -> None:
    _on_branch(repo, "pkg/real.json")

    [project] = projects_at(Git(repo.path), repo.path, "next")

    assert (project.name, project.version) == ("mine", "1.2.3")


def test_a_manifest_linked_outside_is_not_read_at_head(repo: GitRepo, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere.json"
    elsewhere.write_text(json.dumps({"name": "other", "version": "9.0.0"}))
    _on_branch(repo, str(elsewhere))

    assert projects_at(Git(repo.path), repo.path, "next") == []


def test_a_tree_with_a_link_leading_up_and_out_is_written_without_it(
    repo: GitRepo, tmp_path: Path
) -> None:
    repo.write("a.txt", "a\n")
    (repo.path / "up").symlink_to("../../../etc/passwd")
    repo.commit("chore: init")
    dest = tmp_path / "out"

    Git(repo.path).archive_to("HEAD", dest)

    assert sorted(p.name for p in dest.iterdir()) == ["a.txt"]
