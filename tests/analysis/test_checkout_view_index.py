"""Files a sparse checkout leaves out, read as the index holds them: an edit staged before the
checkout was narrowed (or staged with ``git add --sparse``) is what the next commit holds, so
the view, the projects and the release read it, not HEAD's."""

from __future__ import annotations

import json
import os

import pytest

from gitrepo import GitRepo
from release_tools.analysis.headprojects import checkout_view, left_out_paths, projects_at
from release_tools.git import Git
from release_tools.release.sparse import read_checkout


def _workspace(repo: GitRepo) -> None:
    repo.write(
        "package.json",
        json.dumps({"name": "root", "private": True, "workspaces": ["packages/*"]}) + "\n",
    )
    for name, version in (("a", "1.0.0"), ("b", "2.0.0")):
        repo.write(
            f"packages/{name}/package.json",
            json.dumps({"name": name, "version": version}) + "\n",
        )
    repo.write("packages/b/CHANGELOG.md", "# Changelog\n")
    repo.commit("chore: init")


def _manifest(name: str, version: str) -> str:
    return json.dumps({"name": name, "version": version}) + "\n"


@pytest.mark.parametrize("index", [[], ["--sparse-index"]])
def test_staged_edits_and_new_files_left_out_are_read_from_the_index(
    repo: GitRepo, index: list[str]
) -> None:
    _workspace(repo)
    repo.write("packages/b/package.json", _manifest("b", "2.5.0"))
    repo.write("packages/b/CHANGELOG.md", "# Changelog\n\n## 2.5.0\n")
    repo.write("packages/c/package.json", _manifest("c", "0.1.0"))
    repo.git("add", "-A")
    repo.git("sparse-checkout", "set", *index, "packages/a")
    git = Git(repo.path)
    root = git.toplevel()
    assert {"packages/b/package.json", "packages/c/package.json"} <= left_out_paths(git)
    assert not (repo.path / "packages" / "b").exists()

    found = {p.name: p.version for p in projects_at(git, root, None)}
    checkout = read_checkout(git, root)

    assert found == {"a": "1.0.0", "b": "2.5.0", "c": "0.1.0"}
    assert checkout.read_text(git, root, "packages/b/package.json") == _manifest("b", "2.5.0")
    assert checkout.read_text(git, root, "packages/b/CHANGELOG.md") == "# Changelog\n\n## 2.5.0\n"
    assert checkout.conventions.projects["b"].changelog.exists
    # Nothing of the work tree or the index changed.
    assert (
        repo.git("status", "--porcelain")
        == "M  packages/b/CHANGELOG.md\nM  packages/b/package.json\nA  packages/c/package.json"
    )
    assert not (repo.path / "packages" / "b").exists()


def test_a_left_out_link_staged_out_of_the_repository_is_not_followed(
    repo: GitRepo,
) -> None:
    _workspace(repo)
    secret = repo.path.parent / "outside.json"
    secret.write_text(_manifest("stolen", "9.9.9"))
    manifest = repo.path / "packages" / "b" / "package.json"
    manifest.unlink()
    os.symlink(os.path.relpath(secret, manifest.parent), manifest)
    repo.git("add", "-A")
    repo.git("sparse-checkout", "set", "packages/a")
    git = Git(repo.path)

    with checkout_view(git, git.toplevel()) as view:
        assert not os.path.lexists(view.root / "packages" / "b" / "package.json")
        names = {p.name for p in projects_at(git, git.toplevel(), None, view=view)}

    assert names == {"a"}


def test_a_left_out_link_staged_inside_the_repository_reads_through(repo: GitRepo) -> None:
    _workspace(repo)
    repo.write("packages/b/real.json", _manifest("b", "2.7.0"))
    manifest = repo.path / "packages" / "b" / "package.json"
    manifest.unlink()
    os.symlink("real.json", manifest)
    repo.git("add", "-A")
    repo.git("sparse-checkout", "set", "packages/a")
    git = Git(repo.path)

    found = {p.name: p.version for p in projects_at(git, git.toplevel(), None)}

    assert found == {"a": "1.0.0", "b": "2.7.0"}
