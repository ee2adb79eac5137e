"""Every command in a sparse checkout, cone mode or not: the projects it leaves out are read from
HEAD (version, changelog, plans), the work tree wins for what it holds (uncommitted edits
seen), and what needs a file the checkout leaves out is refused in one line saying so."""

from __future__ import annotations

import json
import shlex
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from forge_server import FakeForge

from forge_cli import github_env
from gitrepo import GitRepo
from release_tools.cli import cli

#: ``git sparse-checkout set`` arguments keeping packages/a: cone mode (the root's files come
#: along) and non-cone mode (only that directory: the workspace's package.json is left out).
MODES = {
    "cone": ["packages/a"],
    "no-cone": ["--no-cone", "/packages/a/"],
}

B_CHANGELOG = "# Changelog\n\n## 2.0.0\n\n- b learns to count\n\n## 1.0.0\n\n- b starts\n"


def _run(repo: GitRepo, *args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, [args[0], "-C", str(repo.path), *args[1:]], env=env)


def _package(repo: GitRepo, rel: str, name: str, version: str) -> None:
    repo.write(f"{rel}/package.json", json.dumps({"name": name, "version": version}) + "\n")
    repo.write(f"{rel}/index.js", "export const a = 1;\n")


def _one_line(result: Result, code: int) -> str:
    assert result.exit_code == code, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def _workspace(repo: GitRepo, bare_remote: Callable[[Any], Path], patterns: list[str]) -> None:
    """An npm workspace of a 1.0.0 and b 2.0.0 (with its changelog), both tagged and pushed,
    then a feature in b; the checkout then holds what ``patterns`` keep."""
    repo.write(
        "package.json",
        json.dumps({"name": "root", "private": True, "workspaces": ["packages/*"]}) + "\n",
    )
    _package(repo, "packages/a", "a", "1.0.0")
    _package(repo, "packages/b", "b", "2.0.0")
    repo.write("packages/b/CHANGELOG.md", B_CHANGELOG)
    repo.write("packages/b/b-2.0.0.tgz", "a tracked archive\n")
    repo.write("packages/b/NOTES.md", "Notes kept in the repository.\n")
    repo.commit("chore: init")
    repo.tag("a@1.0.0")
    repo.tag("b@2.0.0")
    repo.write("packages/b/index.js", "export const a = 1;\nexport const b = 2;\n")
    repo.commit("feat(b): b")
    bare_remote(repo)
    repo.git("sparse-checkout", "set", *patterns)
    assert not (repo.path / "packages" / "b").exists()


@pytest.fixture(params=sorted(MODES))
def sparse(
    request: pytest.FixtureRequest, repo: GitRepo, bare_remote: Callable[[Any], Path]
) -> GitRepo:
    """The workspace of :func:`_workspace` in each mode, a's manifest edited to 1.5.0 in the
    work tree and not committed."""
    _workspace(repo, bare_remote, MODES[request.param])
    assert (repo.path / "package.json").exists() == (request.param == "cone")
    repo.write("packages/a/package.json", json.dumps({"name": "a", "version": "1.5.0"}) + "\n")
    return repo


# --- projects -----------------------------------------------------------------------------


def test_projects_lists_the_projects_left_out_with_their_versions(sparse: GitRepo) -> None:
    result = _run(sparse, "projects", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = {row["name"]: row for row in json.loads(result.stdout)}
    assert sorted(rows) == ["a", "b"]
    # The work tree's uncommitted edit wins where the checkout holds the project.
    assert (rows["a"]["version"], rows["a"]["checked_out"]) == ("1.5.0", True)
    assert (rows["b"]["version"], rows["b"]["checked_out"]) == ("2.0.0", False)
    assert rows["b"]["latest_tag"] == "b@2.0.0"
    changelog = rows["b"]["changelog"]
    assert (changelog["path"], changelog["source"], changelog["exists"]) == (
        "packages/b/CHANGELOG.md",
        "found",
        True,
    )


def test_projects_text_marks_what_is_not_checked_out(sparse: GitRepo) -> None:
    result = _run(sparse, "projects")
    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line for line in result.stdout.splitlines()}
    assert "packages/b (not checked out)" in lines["b"]
    assert "changelog packages/b/CHANGELOG.md (found)" in lines["b"]
    assert "1.5.0" in lines["a"] and "not checked out" not in lines["a"]


def test_the_work_tree_and_index_are_untouched(sparse: GitRepo) -> None:
    before = sparse.git("status", "--porcelain")
    assert _run(sparse, "projects").exit_code == 0
    assert sparse.git("status", "--porcelain") == before
    assert not (sparse.path / "packages" / "b").exists()


# --- analyze and create-version-plan ------------------------------------------------------


def test_analyze_sees_the_uncommitted_version_inside_the_checkout(sparse: GitRepo) -> None:
    result = _run(sparse, "analyze", "--project", "a", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["current_version"] == "1.5.0"


def test_analyze_reads_a_project_left_out_from_head(sparse: GitRepo) -> None:
    result = _run(sparse, "analyze", "--project", "b", "--format", "json")
    assert result.exit_code == 0, result.output
    decision = json.loads(result.stdout)
    assert (decision["current_version"], decision["next_version"]) == ("2.0.0", "2.1.0")


def test_analyze_reports_the_changelog_of_a_project_left_out(sparse: GitRepo) -> None:
    result = _run(sparse, "analyze", "--project", "b", "--format", "json")
    assert result.exit_code == 0, result.output
    changelog = json.loads(result.stdout)["conventions"]["changelog"]
    assert (changelog["path"], changelog["exists"]) == ("packages/b/CHANGELOG.md", True)


def test_analyze_reads_nx_release_settings_a_non_cone_checkout_leaves_out(
    repo: GitRepo, bare_remote: Callable[[Any], Path]
) -> None:
    repo.write(
        "nx.json",
        json.dumps(
            {"release": {"changelog": {"projectChangelogs": {"file": "{projectRoot}/NEWS.md"}}}}
        )
        + "\n",
    )
    repo.commit("chore: nx")
    _workspace(repo, bare_remote, MODES["no-cone"])
    assert not (repo.path / "nx.json").exists()
    for name, exists in (("a", False), ("b", False)):
        result = _run(repo, "analyze", "--project", name, "--format", "json")
        assert result.exit_code == 0, result.output
        changelog = json.loads(result.stdout)["conventions"]["changelog"]
        assert (changelog["path"], changelog["exists"]) == (f"packages/{name}/NEWS.md", exists)


# --- create-version-plan ------------------------------------------------------------------


def _changesets_config(repo: GitRepo, config: dict[str, Any]) -> None:
    """Commit ``.changeset/config.json``, then leave the plans folder out of the checkout."""
    repo.write(".changeset/config.json", json.dumps(config) + "\n")
    repo.git("add", "--sparse", ".changeset")
    repo.git("commit", "-q", "-m", "chore: changesets")
    repo.git("sparse-checkout", "reapply")
    assert not (repo.path / ".changeset").exists()


def test_create_version_plan_follows_a_changesets_configuration_left_out(
    sparse: GitRepo,
) -> None:
    # The format guessed and the configuration's commit setting, as a full checkout reads them.
    _changesets_config(sparse, {"commit": True})
    result = _run(sparse, "create-version-plan", "--project", "a", "--version-type", "minor")
    assert result.exit_code == 0, result.output
    listed = sparse.git("show", "--name-only", "--format=", "HEAD").split()
    assert len(listed) == 1 and listed[0].startswith(".changeset/"), listed
    assert '"a": minor' in sparse.git("show", f"HEAD:{listed[0]}")


def test_create_version_plan_sees_an_nx_plans_folder_left_out(sparse: GitRepo) -> None:
    # Both formats configured: the Nx plans folder decides, as in a full checkout.
    sparse.write(".nx/version-plans/.gitkeep", "")
    sparse.git("add", "--sparse", ".nx")
    _changesets_config(sparse, {})
    assert not (sparse.path / ".nx").exists()
    result = _run(sparse, "create-version-plan", "--project", "a", "--version-type", "minor")
    assert result.exit_code == 0, result.output
    written = list((sparse.path / ".nx" / "version-plans").glob("*.md"))
    assert len(written) == 1 and "a: minor" in written[0].read_text(encoding="utf-8")


# --- plan-check ---------------------------------------------------------------------------


def test_plan_check_asks_a_plan_for_a_project_left_out(sparse: GitRepo) -> None:
    result = _run(sparse, "plan-check", "--format", "json")
    assert result.exit_code == 4, result.output
    report = json.loads(result.stdout)
    assert report["touched"] == ["b"] and report["missing"] == ["b"]


def test_plan_check_validates_a_plan_for_a_project_left_out(sparse: GitRepo) -> None:
    made = _run(sparse, "create-version-plan", "--project", "b", "--version-type", "minor",
                "--plan-format", "changesets", "--commit")  # fmt: skip
    assert made.exit_code == 0, made.output
    result = _run(sparse, "plan-check", "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["planned"], report["missing"]) == (["b"], [])


def test_plan_check_reads_a_changesets_configuration_left_out(sparse: GitRepo) -> None:
    sparse.write(".changeset/config.json", json.dumps({"ignore": ["b"]}) + "\n")
    sparse.git("add", "--sparse", ".changeset")
    sparse.git("commit", "-q", "-m", "chore: b is never released")
    sparse.git("sparse-checkout", "reapply")
    assert not (sparse.path / ".changeset").exists()
    result = _run(sparse, "plan-check", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["missing"] == []


def test_plan_check_still_refuses_a_plan_naming_no_project(sparse: GitRepo) -> None:
    sparse.write(".changeset/c-minor.md", '---\n"c": minor\n---\n\nNo such project.\n')
    sparse.git("add", "--sparse", ".changeset")
    sparse.git("commit", "-q", "-m", "chore: plan")
    line = _one_line(_run(sparse, "plan-check"), 1)
    assert "'c'" in line


# --- forge-release ------------------------------------------------------------------------


def _forge_release(repo: GitRepo, forge: FakeForge, tag: str, *args: str) -> Result:
    return _run(
        repo, "forge-release", "--tag", tag, "--forge", "github", *args, env=github_env(forge)
    )


def test_forge_release_of_a_project_left_out_takes_its_changelog_from_head(
    sparse: GitRepo, forge: FakeForge
) -> None:
    result = _forge_release(sparse, forge, "b@2.0.0", "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["project"], report["version"], report["warnings"]) == ("b", "2.0.0", [])
    assert forge.github_releases["b@2.0.0"]["body"] == "- b learns to count\n"


def test_forge_release_refuses_an_asset_the_checkout_leaves_out(
    sparse: GitRepo, forge: FakeForge
) -> None:
    result = _forge_release(sparse, forge, "b@2.0.0", "--release-asset", "packages/b/*.tgz")
    line = _one_line(result, 2)
    assert "packages/b/b-2.0.0.tgz, which the sparse checkout leaves out" in line
    assert "git sparse-checkout add packages/b" in line
    assert forge.requests == []


def test_an_asset_glob_matching_files_on_both_sides_is_refused(
    sparse: GitRepo, forge: FakeForge
) -> None:
    # A full checkout would attach both archives: attaching a's alone is no answer.
    sparse.write("packages/a/a-1.5.0.tgz", "built\n")
    result = _forge_release(sparse, forge, "b@2.0.0", "--release-asset", "packages/**/*.tgz")
    assert "packages/b/b-2.0.0.tgz, which the sparse checkout leaves out" in _one_line(result, 2)
    assert forge.requests == []


def test_an_asset_glob_matching_nothing_anywhere_says_only_that(
    sparse: GitRepo, forge: FakeForge
) -> None:
    line = _one_line(_forge_release(sparse, forge, "b@2.0.0", "--release-asset", "dist/*"), 2)
    assert "no file matches it" in line and "sparse" not in line


def test_forge_release_refuses_a_notes_file_the_checkout_leaves_out(
    sparse: GitRepo, forge: FakeForge
) -> None:
    notes = str(sparse.path / "packages" / "b" / "NOTES.md")
    line = _one_line(_forge_release(sparse, forge, "b@2.0.0", "--notes-file", notes), 2)
    assert "outside the sparse checkout (git sparse-checkout add packages/b)" in line
    assert forge.requests == []


def test_release_refuses_an_asset_the_checkout_leaves_out_before_writing(
    repo: GitRepo, bare_remote: Callable[[Any], Path], forge: FakeForge
) -> None:
    _workspace(repo, bare_remote, MODES["cone"])
    repo.write("packages/a/index.js", "export const a = 2;\n")
    repo.git("commit", "-q", "-a", "-m", "fix(a): two")
    made = _run(repo, "create-version-plan", "--project", "a", "--version-type", "patch",
                "--plan-format", "changesets", "--commit")  # fmt: skip
    assert made.exit_code == 0, made.output
    before = (repo.head(), repo.git("tag", "-l"), repo.git("status", "--porcelain"))
    result = _run(
        repo, "release", "--project", "a", "--push", "--forge-release", "github",
        "--release-asset", "packages/b/*.tgz", env=github_env(forge),
    )  # fmt: skip
    line = _one_line(result, 2)
    assert "packages/b/b-2.0.0.tgz, which the sparse checkout leaves out" in line
    assert (repo.head(), repo.git("tag", "-l"), repo.git("status", "--porcelain")) == before
    assert forge.requests == []


def test_release_in_a_non_cone_checkout_without_the_root_files_says_so(
    repo: GitRepo, bare_remote: Callable[[Any], Path]
) -> None:
    _workspace(repo, bare_remote, MODES["no-cone"])
    for args in (["--project", "a"], []):
        if not args:
            made = _run(repo, "create-version-plan", "--project", "a", "--version-type",
                        "patch", "--plan-format", "changesets")  # fmt: skip
            assert made.exit_code == 0, made.output
        line = _one_line(_run(repo, "release", *args, "--dry-run"), 2)
        assert "project 'a' (packages/a) is a project only through files outside" in line
        assert line.endswith("(git sparse-checkout add /package.json)")


def test_release_refuses_a_dependent_the_checkout_leaves_out(
    repo: GitRepo, bare_remote: Callable[[Any], Path]
) -> None:
    _workspace(repo, bare_remote, MODES["cone"])
    repo.git("sparse-checkout", "disable")
    repo.write(
        "packages/b/package.json",
        json.dumps({"name": "b", "version": "2.0.0", "dependencies": {"a": "1.0.0"}}) + "\n",
    )
    # A changesets workspace: a dependent whose range a release leaves is released too.
    repo.write(".changeset/config.json", "{}\n")
    repo.commit("chore: b needs a")
    repo.git("sparse-checkout", "set", *MODES["cone"])
    repo.write("packages/a/index.js", "export const a = 2;\n")
    repo.git("commit", "-q", "-a", "-m", "fix(a): two")
    made = _run(repo, "create-version-plan", "--project", "a", "--version-type", "patch",
                "--plan-format", "changesets", "--commit")  # fmt: skip
    assert made.exit_code == 0, made.output
    before = (repo.head(), repo.git("status", "--porcelain"))
    # --project releases only the project named: the dependent moves in a release of all.
    line = _one_line(_run(repo, "release"), 2)
    assert "project 'b' is outside the sparse checkout (packages/b)" in line
    assert (repo.head(), repo.git("status", "--porcelain")) == before
    assert not (repo.path / "packages" / "b").exists()


def test_release_consumes_a_plan_in_a_plans_folder_the_checkout_leaves_out(
    repo: GitRepo, bare_remote: Callable[[Any], Path]
) -> None:
    _workspace(repo, bare_remote, MODES["cone"])
    repo.write("packages/a/index.js", "export const a = 2;\n")
    repo.git("commit", "-q", "-a", "-m", "fix(a): two")
    made = _run(repo, "create-version-plan", "--project", "a", "--version-type", "patch",
                "--plan-format", "changesets", "--commit")  # fmt: skip
    assert made.exit_code == 0, made.output
    plan = repo.git("show", "--name-only", "--format=", "HEAD")
    assert plan.startswith(".changeset/")
    result = _run(repo, "release", "--project", "a")
    assert result.exit_code == 0, result.output
    # The commit deletes the plan beside the version and changelog it wrote.
    changed = repo.git("show", "--name-status", "--format=", "HEAD").splitlines()
    assert sorted(changed) == sorted(
        [f"D\t{plan}", "A\tpackages/a/CHANGELOG.md", "M\tpackages/a/package.json"]
    )
    assert repo.git("status", "--porcelain") == ""
    assert repo.git("tag", "--points-at", "HEAD") == "a@1.0.1"
    assert repo.git("ls-files", "--", ".changeset") == ""


def test_resume_makes_the_forge_release_in_a_sparse_checkout(
    repo: GitRepo, bare_remote: Callable[[Any], Path], forge: FakeForge
) -> None:
    # The plans folder is outside the checkout: the release deletes the plan it uses there.
    _workspace(repo, bare_remote, MODES["cone"])
    repo.write("packages/a/index.js", "export const a = 2;\n")
    repo.git("commit", "-q", "-a", "-m", "fix(a): count from two")
    made = _run(
        repo, "create-version-plan", "--project", "a", "--version-type", "patch",
        "--plan-format", "changesets", "--commit", "--message", "a counts from two",
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    ready = repo.path.parent / "ready"
    publish = f"test -f {shlex.quote(str(ready))}"
    first = _run(
        repo, "release", "--project", "a", "--push", "--forge-release", "github",
        "--publish-command", publish, env=github_env(forge),
    )  # fmt: skip
    assert first.exit_code == 1 and "--resume" in first.stderr, first.output
    ready.write_text("")
    resumed = _run(
        repo, "release", "--resume", "--forge-release", "github", "--publish-command", publish,
        env=github_env(forge),
    )  # fmt: skip
    assert resumed.exit_code == 0, resumed.output
    assert sorted(forge.github_releases) == ["a@1.0.1"]
    assert "a counts from two" in forge.github_releases["a@1.0.1"]["body"]
    assert not (repo.path / "packages" / "b").exists()
