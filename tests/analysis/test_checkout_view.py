"""The checkout a full one would hold, read in a sparse checkout: HEAD's files where the checkout
leaves them out, the work tree's (uncommitted edits, new and deleted files) everywhere else."""

from __future__ import annotations

import json
import os
from typing import Any

import pytest
from click.testing import CliRunner

from gitrepo import GitRepo
from release_tools.analysis.headprojects import checkout_view, left_out_paths, projects_at
from release_tools.cli import cli
from release_tools.errors import UsageError
from release_tools.git import Git
from release_tools.git.process import GitProcess
from release_tools.release.sparse import read_checkout, refuse_outside_checkout
from release_tools.release.versions import find_projects


def _versions(repo: GitRepo) -> dict[str, str | None]:
    git = Git(repo.path)
    return {p.name: p.version for p in projects_at(git, git.toplevel(), None)}


def _npm(repo: GitRepo) -> None:
    repo.write(
        "package.json",
        json.dumps({"name": "root", "private": True, "workspaces": ["packages/*"]}) + "\n",
    )
    for name, version in (("a", "1.0.0"), ("b", "2.0.0")):
        repo.write(
            f"packages/{name}/package.json",
            json.dumps({"name": name, "version": version}) + "\n",
        )
    repo.commit("chore: init")


def test_a_cargo_member_left_out_inherits_the_work_trees_workspace_version(
    repo: GitRepo,
) -> None:
    repo.write(
        "Cargo.toml",
        '[workspace]\nmembers = ["crates/*"]\n\n[workspace.package]\nversion = "1.0.0"\n',
    )
    for name in ("a", "b"):
        repo.write(
            f"crates/{name}/Cargo.toml",
            f'[package]\nname = "{name}"\nversion.workspace = true\n',
        )
        repo.write(f"crates/{name}/src/lib.rs", "pub fn f() {}\n")
    repo.commit("chore: init")
    repo.git("sparse-checkout", "set", "crates/a")
    repo.write(
        "Cargo.toml",
        '[workspace]\nmembers = ["crates/*"]\n\n[workspace.package]\nversion = "1.1.0"\n',
    )
    # As a full checkout reads it: one number, the root's as the work tree has it.
    assert _versions(repo) == {"a": "1.1.0", "b": "1.1.0"}


def test_a_python_version_module_edited_inside_the_checkout_is_read(repo: GitRepo) -> None:
    repo.write(
        "packages/p/pyproject.toml",
        '[project]\nname = "p"\ndynamic = ["version"]\n\n'
        '[tool.setuptools.dynamic]\nversion = {attr = "p.meta.__version__"}\n',
    )
    repo.write("packages/p/src/p/__init__.py", "")
    repo.write("packages/p/src/p/meta.py", '__version__ = "0.3.0"\n')
    repo.write("packages/q/pyproject.toml", '[project]\nname = "q"\nversion = "4.0.0"\n')
    repo.commit("chore: init")
    repo.git("sparse-checkout", "set", "packages/p")
    repo.write("packages/p/src/p/meta.py", '__version__ = "0.4.0"\n')
    assert _versions(repo) == {"p": "0.4.0", "q": "4.0.0"}


def test_a_linked_manifest_inside_the_checkout_reads_through_its_link(repo: GitRepo) -> None:
    _npm(repo)
    repo.git("sparse-checkout", "set", "packages/a")
    manifest = repo.path / "packages" / "a" / "package.json"
    repo.write("packages/a/real.json", json.dumps({"name": "a", "version": "1.7.0"}) + "\n")
    manifest.unlink()
    os.symlink("real.json", manifest)
    assert _versions(repo) == {"a": "1.7.0", "b": "2.0.0"}


def test_a_manifest_deleted_inside_the_checkout_is_not_taken_from_head(repo: GitRepo) -> None:
    _npm(repo)
    repo.git("sparse-checkout", "set", "packages/a")
    (repo.path / "packages" / "a" / "package.json").unlink()
    assert _versions(repo) == {"b": "2.0.0"}


def test_a_sparse_index_is_read_whole(repo: GitRepo) -> None:
    _npm(repo)
    repo.git("sparse-checkout", "set", "--sparse-index", "packages/a")
    git = Git(repo.path)
    assert "packages/b/package.json" in left_out_paths(git)
    assert _versions(repo) == {"a": "1.0.0", "b": "2.0.0"}


@pytest.mark.parametrize("patterns", [[], ["packages"]])
def test_a_checkout_leaving_nothing_out_is_read_in_place(
    repo: GitRepo, patterns: list[str]
) -> None:
    _npm(repo)
    if patterns:
        repo.git("sparse-checkout", "set", *patterns)
        assert Git(repo.path).is_sparse()
    git = Git(repo.path)
    with checkout_view(git, git.toplevel()) as view:
        assert view.is_work_tree and view.root == git.toplevel()
        assert view.left_out == frozenset()
        assert view.add(["packages/a/package.json"]) == []


def test_changelogs_new_inside_and_named_only_by_nx_outside_are_found(repo: GitRepo) -> None:
    _npm(repo)
    repo.write(
        "nx.json",
        json.dumps(
            {"release": {"changelog": {"projectChangelogs": {"file": "{projectRoot}/RELEASES.md"}}}}
        )
        + "\n",
    )
    repo.write("packages/b/RELEASES.md", "# News\n\n## 2.0.0\n\n- b\n")
    repo.commit("chore: nx")
    repo.git("sparse-checkout", "set", "packages/a")
    repo.write("packages/a/RELEASES.md", "# News\n")  # new, not committed
    git = Git(repo.path)
    checkout = read_checkout(git, git.toplevel())
    changelogs = {name: c.changelog for name, c in checkout.conventions.projects.items()}
    assert (changelogs["a"].path, changelogs["a"].exists) == ("packages/a/RELEASES.md", True)
    assert (changelogs["b"].path, changelogs["b"].exists) == ("packages/b/RELEASES.md", True)
    assert checkout.leaves_out("packages/b/RELEASES.md")
    assert not checkout.leaves_out("packages/a/RELEASES.md")
    assert checkout.read_text(git, git.toplevel(), "packages/b/RELEASES.md") == (
        "# News\n\n## 2.0.0\n\n- b\n"
    )
    assert checkout.read_text(git, git.toplevel(), "packages/a/RELEASES.md") == "# News\n"


def test_release_says_which_root_files_a_non_cone_checkout_leaves_out(repo: GitRepo) -> None:
    _npm(repo)
    repo.git("sparse-checkout", "set", "--no-cone", "/packages/a/")
    git = Git(repo.path)
    root = git.toplevel()
    assert find_projects(git, root) == []  # without the root's package.json, a is no member
    checkout = read_checkout(git, root)
    assert [p.name for p in checkout.projects] == ["a", "b"]
    with pytest.raises(UsageError) as inside:
        refuse_outside_checkout(git, root, checkout, ["a"])
    assert "files outside the sparse checkout (package.json)" in str(inside.value)
    assert str(inside.value).endswith("(git sparse-checkout add /package.json)")
    with pytest.raises(UsageError) as outside:
        refuse_outside_checkout(git, root, checkout, ["b"])
    assert "'b' is outside the sparse checkout (packages/b)" in str(outside.value)
    refuse_outside_checkout(git, root, checkout, ["c"])  # unknown: the caller's to say
    # What the refusal advises is enough: a is then a project of the work tree itself.
    repo.git("sparse-checkout", "add", "/package.json")
    assert [p.name for p in find_projects(git, root)] == ["a"]
    refuse_outside_checkout(git, root, read_checkout(git, root), ["a"])


def test_inside_the_checkout_the_projects_are_those_a_full_checkout_finds(repo: GitRepo) -> None:
    for name, version in (("p", "1.0.0"), ("q", "2.0.0")):
        repo.write(
            f"packages/{name}/pyproject.toml",
            f'[project]\nname = "{name}"\nversion = "{version}"\n',
        )
    repo.write(".gitignore", "packages/local/\n")
    repo.commit("chore: init")
    repo.git("sparse-checkout", "set", "packages/p")
    # New and ignored, as a developer's scratch package: discovery reads files, not git.
    repo.write("packages/local/pyproject.toml", '[project]\nname = "local"\nversion = "0.1.0"\n')
    repo.write("packages/p/pyproject.toml", '[project]\nname = "p"\nversion = "1.1.0"\n')
    sparse = _versions(repo)
    repo.git("sparse-checkout", "disable")
    git = Git(repo.path)
    full = {p.name: p.version for p in find_projects(git, git.toplevel())}
    assert sparse == full == {"local": "0.1.0", "p": "1.1.0", "q": "2.0.0"}


def test_a_project_left_out_under_a_name_that_is_not_utf8_is_read(repo: GitRepo) -> None:
    _npm(repo)
    directory = os.path.join(os.fsencode(repo.path), b"packages", b"caf\xe9")
    os.makedirs(directory)
    with open(os.path.join(directory, b"package.json"), "w", encoding="utf-8") as file:
        file.write(json.dumps({"name": "cafe", "version": "3.0.0"}) + "\n")
    repo.commit("chore: cafe")
    repo.git("sparse-checkout", "set", "packages/a")
    assert not os.path.exists(directory)
    git = Git(repo.path)
    projects = {p.name: p for p in projects_at(git, git.toplevel(), None)}
    assert projects["cafe"].version == "3.0.0"
    assert os.fsencode(projects["cafe"].manifest) == b"packages/caf\xe9/package.json"
    assert projects["cafe"].manifest in left_out_paths(git)


@pytest.mark.parametrize(
    "command",
    [
        ["analyze", "--project", "a"],
        ["create-version-plan", "--project", "a", "--version-type", "minor"],
        ["projects"],
        ["release", "--project", "b"],
    ],
)
def test_a_full_checkout_is_read_in_place_for_one_question_to_git(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    # Projects and conventions go through one view, the work tree itself: whether the
    # checkout is sparse is asked once, and nothing is listed or written for a view.
    _npm(repo)
    repo.write(".changeset/b-minor.md", '---\n"b": minor\n---\n\nb grows.\n')
    repo.commit("chore: plan")
    calls: list[tuple[str, ...]] = []
    run_bytes = GitProcess.run_bytes

    def counted(self: GitProcess, *args: str, **kw: Any) -> bytes:
        calls.append(args)
        return run_bytes(self, *args, **kw)

    monkeypatch.setattr(GitProcess, "run_bytes", counted)
    result = CliRunner().invoke(cli, [command[0], "-C", str(repo.path), *command[1:]])
    assert result.exit_code == 0, result.output
    assert sum("core.sparseCheckout" in args for args in calls) == 1
    assert [args for args in calls if args[0] in ("ls-files", "archive")] == []


def test_manifests_the_view_read_from_head_are_read_again_without_git(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    _npm(repo)
    repo.write("packages/b/CHANGELOG.md", "# Changelog\n")
    repo.write("packages/b/index.js", "export const b = 1;\n")
    repo.commit("chore: b")
    repo.git("sparse-checkout", "set", "packages/a")
    git = Git(repo.path)
    root = git.toplevel()
    checkout = read_checkout(git, root)
    calls: list[tuple[str, ...]] = []
    run_bytes = GitProcess.run_bytes

    def counted(self: GitProcess, *args: str, **kw: Any) -> bytes:
        calls.append(args)
        return run_bytes(self, *args, **kw)

    monkeypatch.setattr(GitProcess, "run_bytes", counted)
    manifest = checkout.read_text(git, root, "packages/b/package.json")
    assert manifest is not None and json.loads(manifest)["version"] == "2.0.0"
    assert calls == []
    # Other files are read from HEAD when asked for.
    assert checkout.read_text(git, root, "packages/b/CHANGELOG.md") == "# Changelog\n"
    assert checkout.read_text(git, root, "packages/b/index.js") == "export const b = 1;\n"
    assert len(calls) == 2
