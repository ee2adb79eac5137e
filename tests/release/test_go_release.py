"""Go modules end to end: ``projects``, ``analyze``, ``create-version-plan``, ``plan-check`` and
``release`` on real repositories with a ``go.mod`` (and a ``go.work``).

A Go module's version lives in its tags only: a release writes its changelog, commits and tags
``v1.3.0`` (root) or ``tools/v0.2.0`` (nested), and leaves every ``go.mod`` as it was. A release
taking a module to a major its path does not name is refused before anything is written.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from click.testing import CliRunner, Result

from gitrepo import GitRepo
from release_tools.cli import cli

CHANGELOG = "# Changelog\n\n## [1.2.0] - 2025-01-01\n\n### Added\n\n- the first API\n"


def cli_run(repo: GitRepo, *args: str) -> Result:
    command, *rest = args
    return CliRunner().invoke(cli, [command, "-C", str(repo.path), *rest])


def ok(repo: GitRepo, *args: str) -> Result:
    result = cli_run(repo, *args)
    assert result.exit_code == 0, result.output
    return result


def as_json(repo: GitRepo, *args: str) -> Any:
    return json.loads(ok(repo, *args, "--format", "json").stdout)


def tags(repo: GitRepo) -> set[str]:
    return set(repo.git("tag", "-l").split())


def plan(repo: GitRepo, name: str, kind: str, number: int = 1) -> None:
    repo.write(
        f".nx/version-plans/version-plan-{number}.md", f"---\n{name}: {kind}\n---\n\nfeat: more\n"
    )
    repo.commit(f"chore: plan {name}")


def single_module(repo: GitRepo, module: str = "example.com/m") -> GitRepo:
    """A root module released as v1.2.0, then a feature."""
    repo.write("go.mod", f"// Package m does things.\nmodule {module}\n\ngo 1.22\n")
    repo.write("m.go", "package m\n\nfunc A() {}\n")
    repo.write("CHANGELOG.md", CHANGELOG)
    repo.commit("chore: initial")
    repo.tag("v1.2.0")
    repo.write("m.go", "package m\n\nfunc A() {}\n\nfunc B() {}\n")
    repo.commit("feat: add B")
    return repo


def go_workspace(repo: GitRepo, *, tools_tag: str | None = "tools/v0.1.0") -> GitRepo:
    """A root module (v1.2.0) and tools/ in a go.work, then a feature in tools."""
    repo.write("go.mod", "module example.com/m\n\ngo 1.22\n")
    repo.write("m.go", "package m\n")
    repo.write("tools/go.mod", 'module "example.com/m/tools"\n\ngo 1.22\n')
    repo.write("tools/t.go", "package tools\n\nfunc T() {}\n")
    repo.write("go.work", "go 1.22\n\nuse (\n\t.\n\t./tools\n)\n")
    repo.commit("chore: initial")
    repo.tag("v1.2.0")
    if tools_tag is not None:
        repo.tag(tools_tag)
    repo.write("tools/t.go", "package tools\n\nfunc T() {}\n\nfunc U() {}\n")
    repo.commit("feat(tools): add U")
    return repo


def test_projects_lists_go_modules_with_gos_tags(repo: GitRepo) -> None:
    go_workspace(repo)
    text = ok(repo, "projects").stdout.splitlines()
    assert text[0].split()[:6] == ["example.com/m", "1.2.0", "(tag)", ".", "go.mod", "go"]
    assert "tags v{version} (from go.mod)" in text[0]
    assert text[1].split()[:6] == [
        "example.com/m/tools",
        "0.1.0",
        "(tag)",
        "tools",
        "tools/go.mod",
        "go",
    ]
    assert "tags tools/v{version} (from go.mod)" in text[1]
    rows = as_json(repo, "projects")
    # go.mod holds no version: the current version is the latest tag's, as in the text.
    assert [
        (r["name"], r["version"], r["version_source"], r["manifest_version"], r["latest_tag"])
        for r in rows
    ] == [
        ("example.com/m", "1.2.0", "tag", None, "v1.2.0"),
        ("example.com/m/tools", "0.1.0", "tag", None, "tools/v0.1.0"),
    ]
    assert rows[1]["tag_scheme"] == {
        "template": "tools/v{version}",
        "style": "custom",
        "source": "go.mod",
    }


def test_projects_names_go_mod_when_nothing_is_found(repo: GitRepo) -> None:
    repo.write("README.md", "nothing to release\n")
    repo.commit("chore: initial")
    assert "go.mod" in ok(repo, "projects").stdout


def test_release_of_a_single_module_tags_v_and_writes_no_manifest(repo: GitRepo) -> None:
    single_module(repo)
    go_mod = (repo.path / "go.mod").read_bytes()
    plan(repo, "example.com/m", "minor")
    report = as_json(repo, "release")
    assert report["released"] is True
    (released,) = report["releases"]
    assert (released["old_version"], released["new_version"], released["tag"]) == (
        "1.2.0",
        "1.3.0",
        "v1.3.0",
    )
    assert report["files_written"] == ["CHANGELOG.md"]
    assert (repo.path / "go.mod").read_bytes() == go_mod
    assert "v1.3.0" in tags(repo)
    assert repo.git("log", "-1", "--format=%s") == "chore(release): example.com/m 1.3.0"
    assert repo.git("status", "--porcelain") == ""
    changelog = (repo.path / "CHANGELOG.md").read_text(encoding="utf-8")
    assert changelog.index("## [1.3.0]") < changelog.index("## [1.2.0]")
    assert "- more" in changelog


def test_release_of_a_nested_module_tags_its_directory(repo: GitRepo) -> None:
    go_workspace(repo)
    plan(repo, "example.com/m/tools", "minor")
    report = as_json(repo, "release")
    (released,) = report["releases"]
    assert (released["name"], released["old_version"], released["tag"]) == (
        "example.com/m/tools",
        "0.1.0",
        "tools/v0.2.0",
    )
    assert report["files_written"] == ["tools/CHANGELOG.md"]
    assert "tools/v0.2.0" in tags(repo)
    assert "## [0.2.0]" in (repo.path / "tools/CHANGELOG.md").read_text(encoding="utf-8")
    assert not (repo.path / "CHANGELOG.md").exists()


def test_a_nested_modules_first_release_does_not_continue_the_roots_numbers(
    repo: GitRepo,
) -> None:
    go_workspace(repo, tools_tag=None)
    plan(repo, "example.com/m/tools", "minor")
    (released,) = as_json(repo, "release")["releases"]
    assert (released["old_version"], released["new_version"], released["tag"]) == (
        None,
        "0.1.0",
        "tools/v0.1.0",
    )


def test_major_without_the_v2_path_is_refused_naming_the_fix(
    repo: GitRepo, state: Callable[[GitRepo], Any]
) -> None:
    single_module(repo)
    plan(repo, "example.com/m", "major")
    before = state(repo)
    result = cli_run(repo, "release")
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "cannot release Go module example.com/m as 2.0.0" in lines[0]
    assert 'change the module line of go.mod to "module example.com/m/v2"' in lines[0]
    assert state(repo) == before


def test_zero_to_one_needs_no_new_path(repo: GitRepo) -> None:
    go_workspace(repo)
    plan(repo, "example.com/m/tools", "major")
    report = as_json(repo, "release", "--dry-run")
    assert report["releases"][0]["tag"] == "tools/v1.0.0"
    assert report["refused"] == []


def test_the_dry_run_reports_the_go_path_refusal(repo: GitRepo) -> None:
    go_workspace(repo, tools_tag="tools/v1.4.0")
    plan(repo, "example.com/m/tools", "major")
    result = cli_run(repo, "release", "--dry-run", "--format", "json")
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    assert report["releases"][0]["tag"] == "tools/v2.0.0"
    (refusal,) = report["refused"]
    assert refusal.startswith("cannot release Go module example.com/m/tools as 2.0.0")
    assert '"module example.com/m/tools/v2"' in refusal
    assert "tools/go.mod" in refusal


def test_a_v2_path_releases_v2(repo: GitRepo) -> None:
    single_module(repo)
    repo.write("go.mod", "module example.com/m/v2\n\ngo 1.22\n")
    repo.commit("feat!: example.com/m/v2")
    plan(repo, "example.com/m/v2", "major")
    (released,) = as_json(repo, "release")["releases"]
    assert (released["old_version"], released["tag"]) == ("1.2.0", "v2.0.0")
    assert "v2.0.0" in tags(repo)


def test_a_minor_release_of_a_v2_path_still_on_v1_is_refused(repo: GitRepo) -> None:
    single_module(repo)
    repo.write("go.mod", "module example.com/m/v2\n")
    repo.commit("chore: new path")
    plan(repo, "example.com/m/v2", "minor")
    result = cli_run(repo, "release")
    assert result.exit_code == 1
    assert "cannot release Go module example.com/m/v2 as 1.3.0" in result.stderr
    assert "v1.3.0" not in tags(repo)


def test_a_configured_tag_format_wins_over_gos(repo: GitRepo) -> None:
    single_module(repo)
    repo.write("release-tools.toml", 'tag-format = "release-{version}"\n')
    repo.commit("chore: config")
    repo.tag("release-1.2.0")
    plan(repo, "example.com/m", "patch")
    (released,) = as_json(repo, "release")["releases"]
    assert released["tag"] == "release-1.2.1"


def test_analyze_a_nested_module_from_its_own_tag(repo: GitRepo) -> None:
    go_workspace(repo)
    report = as_json(repo, "analyze", "--project", "example.com/m/tools")
    assert report["base"] == "tools/v0.1.0"
    assert (report["current_version"], report["next_version"]) == ("0.1.0", "0.2.0")


def test_analyze_a_single_module_from_its_v_tag(repo: GitRepo) -> None:
    single_module(repo)
    report = as_json(repo, "analyze")
    assert report["base"] == "v1.2.0"
    assert (report["current_version"], report["next_version"]) == ("1.2.0", "1.3.0")


def test_auto_plan_then_release_of_a_nested_module(repo: GitRepo) -> None:
    go_workspace(repo)
    written = as_json(
        repo, "create-version-plan", "--project", "example.com/m/tools", "--version-type", "auto"
    )
    assert written["projects"] == {"example.com/m/tools": "minor"}
    repo.commit("chore: plan")
    (released,) = as_json(repo, "release")["releases"]
    assert released["tag"] == "tools/v0.2.0"


def test_plan_check_measures_each_module_from_its_own_tag(repo: GitRepo) -> None:
    go_workspace(repo)
    result = cli_run(repo, "plan-check", "--format", "json")
    assert result.exit_code == 4, result.output
    report = json.loads(result.stdout)
    assert report["touched"] == ["example.com/m/tools"]
    assert report["missing"] == ["example.com/m/tools"]


def test_a_v2_directory_modules_first_release_is_2_0_0_tagged_v2(repo: GitRepo) -> None:
    repo.write("go.mod", "module example.com/m\n")
    repo.write("m.go", "package m\n")
    repo.write("v2/go.mod", "module example.com/m/v2\n")
    repo.write("v2/m.go", "package m\n")
    repo.write("go.work", "use (\n\t.\n\t./v2\n)\n")
    repo.commit("chore: initial")
    repo.tag("v1.4.0")
    plan(repo, "example.com/m/v2", "minor")

    listed = ok(repo, "projects").stdout.splitlines()
    assert listed[1].split()[:2] == ["example.com/m/v2", "-"]
    (released,) = as_json(repo, "release")["releases"]

    assert (released["old_version"], released["new_version"]) == (None, "2.0.0")
    assert released["tag"] == "v2.0.0" and "v2.0.0" in tags(repo)


def test_the_root_modules_changelog_and_plan_leave_out_a_tagged_nested_modules_commits(
    repo: GitRepo,
) -> None:
    go_workspace(repo)  # tools/ is tagged: released apart; its "add U" is not the root's
    repo.write("m.go", "package m\n\n// A does it.\nfunc A() {}\n")
    repo.commit("feat: add A")

    written = as_json(
        repo, "create-version-plan", "--project", "example.com/m", "--version-type", "auto"
    )
    assert written["projects"] == {"example.com/m": "minor"}
    plan_text = "".join(
        p.read_text(encoding="utf-8") for p in (repo.path / ".nx/version-plans").glob("*.md")
    )
    assert "add A" in plan_text and "add U" not in plan_text
    repo.commit("chore: plan")

    released = CliRunner().invoke(
        cli, ["release", "-C", str(repo.path)], env={"RELEASE_TOOLS_CHANGELOG_COMMITS": "true"}
    )
    assert released.exit_code == 0, released.output
    changelog = (repo.path / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "add A" in changelog and "add U" not in changelog
