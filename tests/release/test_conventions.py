"""End to end: repositories with conventions of their own, met where they are.

Each test builds a repository like one seen in the wild (bare tags and a CHANGES.md with an
in-development version, a reStructuredText changelog, an Nx workspace with release groups, a
changesets workspace with fixed/linked/ignore, a pnpm workspace with unindented lists, a Cargo
workspace tagging ``crate-1.2.3``) and runs the commands a user would.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from click.testing import CliRunner, Result

from gitrepo import GitRepo
from release_tools.cli import cli
from release_tools.config import load_settings
from release_tools.release.plancheck import check_plans
from release_tools.release.service import ReleaseOptions, run_release

TODAY = date(2026, 1, 2)


def release(repo: GitRepo, flags: dict[str, Any] | None = None, **options: Any) -> Any:
    settings = load_settings(flags or {}, repo=repo.path)
    return run_release(settings, ReleaseOptions(today=TODAY, **options))


def cli_run(repo: GitRepo, *args: str) -> Result:
    command, *rest = args
    return CliRunner().invoke(cli, [command, "-C", str(repo.path), *rest])


def tags(repo: GitRepo) -> set[str]:
    return set(repo.git("tag", "-l").split())


CHANGES_MD = """\
# Changes

## Version 8.5.0

Unreleased

-   Existing entry for the coming release.

## Version 8.4.2

Released 2025-06-01

-   Fix an old bug.
"""


def _click_like(repo: GitRepo) -> None:
    repo.write(
        "pyproject.toml",
        '[project]\nname = "clicky"\nversion = "8.4.2"\n',
    )
    repo.write("src/clicky/__init__.py", "def old() -> int:\n    return 1\n")
    repo.write("CHANGES.md", CHANGES_MD)
    repo.commit("release 8.4.2")
    repo.tag("8.4.2")
    repo.write("pyproject.toml", '[project]\nname = "clicky"\nversion = "8.5.0.dev"\n')
    repo.write(
        "src/clicky/__init__.py",
        "def old() -> int:\n    return 1\n\n\ndef new() -> int:\n    return 2\n",
    )
    repo.commit("feat: add new()")


def test_bare_tags_changes_md_and_dev_version(repo: GitRepo) -> None:
    _click_like(repo)
    listed = json.loads(cli_run(repo, "projects", "--format", "json").stdout)[0]
    assert listed["tag_scheme"] == {"template": "{version}", "style": "bare", "source": "tags"}
    assert listed["latest_tag"] == "8.4.2"
    assert listed["changelog"]["path"] == "CHANGES.md"
    assert listed["changelog"]["source"] == "found"
    assert listed["changelog"]["keep_a_changelog"] is False
    text = cli_run(repo, "projects").stdout
    assert "tags {version} (from tags)  changelog CHANGES.md (found)" in text

    analyzed = json.loads(cli_run(repo, "analyze", "--format", "json").stdout)
    assert analyzed["conventions"]["tag_scheme"]["style"] == "bare"
    assert analyzed["conventions"]["changelog"]["path"] == "CHANGES.md"
    assert analyzed["next_version"] == "8.5.0"

    repo.write(".nx/version-plans/version-plan-1.md", "---\nclicky: minor\n---\n\nAdd new().\n")
    repo.commit("chore: plan")
    result = release(repo)
    assert [(r.previous, r.version, r.tag) for r in result.releases] == [
        ("8.5.0.dev", "8.5.0", "8.5.0")
    ]
    assert "8.5.0" in tags(repo) and "v8.5.0" not in tags(repo)
    assert 'version = "8.5.0"' in (repo.path / "pyproject.toml").read_text()
    assert not (repo.path / "CHANGELOG.md").exists()
    changes = (repo.path / "CHANGES.md").read_text()
    # The in-development section is completed in place, in the file's own style.
    assert changes.count("## Version 8.5.0") == 1
    assert "Unreleased" not in changes
    assert "Released 2026-01-02" in changes
    section = changes.split("## Version 8.5.0", 1)[1].split("## Version 8.4.2", 1)[0]
    assert "-   Add new()." in section
    assert "-   Existing entry for the coming release." in section


def test_existing_version_tag_is_a_warning_in_analyze(repo: GitRepo) -> None:
    repo.write("pyproject.toml", '[project]\nname = "lib"\nversion = "7.1.2"\n')
    repo.write("lib/__init__.py", "def a() -> int:\n    return 1\n")
    repo.commit("initial")
    repo.tag("7.1.2")
    repo.write("lib/__init__.py", "def b() -> int:\n    return 1\n")
    repo.write("pyproject.toml", '[project]\nname = "lib"\nversion = "8.0.0"\n')
    repo.commit("feat!: replace a() with b()")
    repo.tag("8.0.0")
    out = cli_run(repo, "analyze", "--base", "7.1.2", "--format", "json")
    decision = json.loads(out.stdout)
    assert decision["next_version"] == "8.0.0"
    assert decision["needs_review"] is True
    assert any("8.0.0 already exists as tag 8.0.0" in w for w in decision["warnings"])


MARSHMALLOW_RST = """\
Changelog
---------

3.23.0 (2024-10-01)
*******************

Features:

- Something new.
"""


def test_rst_changelog_gets_a_section_in_its_own_style(repo: GitRepo) -> None:
    repo.write("pyproject.toml", '[project]\nname = "mallow"\nversion = "3.23.0"\n')
    repo.write("CHANGELOG.rst", MARSHMALLOW_RST)
    repo.commit("initial")
    repo.tag("3.23.0")
    repo.write(".nx/version-plans/version-plan-1.md", "---\nmallow: patch\n---\n\nFix a crash.\n")
    repo.commit("fix: a crash")
    result = release(repo)
    assert result.releases[0].tag == "3.23.1"
    text = (repo.path / "CHANGELOG.rst").read_text()
    assert not (repo.path / "CHANGELOG.md").exists()
    new = "3.23.1 (2026-01-02)\n*******************\n\n- Fix a crash.\n"
    assert f"{new}\n3.23.0 (2024-10-01)" in text
    assert text.startswith("Changelog\n---------\n")


def _nx_project(repo: GitRepo, path: str, name: str, version: str) -> None:
    repo.write(f"{path}/project.json", json.dumps({"name": name}))
    repo.write(f"{path}/package.json", json.dumps({"name": name, "version": version}))


NX_JSON = {
    "release": {
        "groups": {
            "core": {
                "projects": ["packages/*"],
                "projectsRelationship": "fixed",
                "releaseTagPattern": "core-v{version}",
            },
            "tools": {
                "projects": ["tool-*"],
                "projectsRelationship": "independent",
                "releaseTagPattern": "{projectName}@{version}",
            },
        }
    }
}


def test_nx_workspace_with_release_groups(repo: GitRepo) -> None:
    repo.write("nx.json", json.dumps(NX_JSON))
    _nx_project(repo, "packages/a", "a", "1.0.0")
    _nx_project(repo, "packages/b", "b", "1.0.0")
    _nx_project(repo, "tools/one", "tool-one", "0.3.0")
    _nx_project(repo, "tools/two", "tool-two", "0.5.0")
    repo.commit("initial")
    repo.tag("core-v1.0.0")
    repo.tag("tool-one@0.3.0")
    repo.tag("tool-two@0.5.0")
    repo.write("packages/a/index.js", "export const x = 1;\n")
    repo.commit("feat: x")

    rows = json.loads(cli_run(repo, "projects", "--format", "json").stdout)
    listed = {p["name"]: p for p in rows}
    assert listed["a"]["tag_scheme"]["source"] == "nx.json"
    assert listed["a"]["release_group"] == {"name": "core", "relationship": "fixed"}
    assert listed["a"]["latest_tag"] == "core-v1.0.0"

    # A plan may name the group; plan-check accepts it for the touched member.
    created = cli_run(repo, "create-version-plan", "--project", "core", "--version-type", "minor")
    assert created.exit_code == 0, created.output
    repo.write(".nx/version-plans/version-plan-2.md", "---\ntool-one: patch\n---\n\nFix one.\n")
    repo.commit("chore: plans")
    checked = check_plans(load_settings({}, repo=repo.path), environ={})
    assert checked.touched == ["a"] and checked.ok

    result = release(repo)
    assert sorted((r.project.name, r.version, r.tag) for r in result.releases) == [
        ("a", "1.1.0", "core-v1.1.0"),
        ("b", "1.1.0", "core-v1.1.0"),
        ("tool-one", "0.3.1", "tool-one@0.3.1"),
    ]
    assert {"core-v1.1.0", "tool-one@0.3.1"} <= tags(repo)
    assert json.loads((repo.path / "packages/b/package.json").read_text())["version"] == "1.1.0"
    assert not list((repo.path / ".nx/version-plans").glob("*.md"))


def _npm(repo: GitRepo, path: str, name: str, version: str, deps: dict[str, str]) -> None:
    data: dict[str, Any] = {"name": name, "version": version}
    if deps:
        data["dependencies"] = deps
    repo.write(f"{path}/package.json", json.dumps(data, indent=2) + "\n")


def test_changesets_workspace_fixed_linked_ignore_and_dependents(repo: GitRepo) -> None:
    repo.write("package.json", json.dumps({"private": True, "workspaces": ["packages/*"]}))
    repo.write(
        ".changeset/config.json",
        json.dumps(
            {
                "fixed": [["@acme/a", "@acme/b"]],
                "linked": [["@acme/c", "@acme/d"]],
                "ignore": ["@acme/e"],
                "baseBranch": "main",
                "updateInternalDependents": "patch",
            }
        ),
    )
    _npm(repo, "packages/a", "@acme/a", "1.0.0", {})
    _npm(repo, "packages/b", "@acme/b", "1.0.0", {})
    _npm(repo, "packages/c", "@acme/c", "2.0.0", {})
    _npm(repo, "packages/d", "@acme/d", "2.0.0", {})
    _npm(repo, "packages/e", "@acme/e", "0.1.0", {})
    _npm(repo, "packages/f", "@acme/f", "0.4.0", {"@acme/a": "^1.0.0"})
    repo.commit("initial")
    repo.write(".changeset/brave-ants-dance.md", '---\n"@acme/a": minor\n---\n\nA feature.\n')
    repo.write(
        ".changeset/calm-bees-hide.md",
        '---\n"@acme/c": major\n"@acme/d": patch\n---\n\nBreaking c.\n',
    )
    repo.write(".changeset/eager-cats-jump.md", '---\n"@acme/e": minor\n---\n\nIgnored.\n')
    repo.commit("chore: changesets")

    result = release(repo)
    got = sorted((r.project.name, r.version) for r in result.releases)
    assert got == [
        ("@acme/a", "1.1.0"),
        ("@acme/b", "1.1.0"),  # fixed with a
        ("@acme/c", "3.0.0"),
        ("@acme/d", "3.0.0"),  # linked with c: the highest bump
        ("@acme/f", "0.4.1"),  # its range on @acme/a was rewritten
    ]
    f_manifest = json.loads((repo.path / "packages/f/package.json").read_text())
    assert f_manifest["dependencies"]["@acme/a"] == "^1.1.0"
    assert "Updated dependencies: @acme/a." in (repo.path / "packages/f/CHANGELOG.md").read_text()
    # The ignored package's plan stays pending; nothing of it moved.
    assert (repo.path / ".changeset/eager-cats-jump.md").exists()
    assert json.loads((repo.path / "packages/e/package.json").read_text())["version"] == "0.1.0"


def test_linked_packages_released_together_share_the_highest_version(repo: GitRepo) -> None:
    repo.write("package.json", json.dumps({"private": True, "workspaces": ["packages/*"]}))
    repo.write(".changeset/config.json", json.dumps({"linked": [["@acme/*"]]}))
    _npm(repo, "packages/c", "@acme/c", "1.4.0", {})
    _npm(repo, "packages/d", "@acme/d", "2.1.3", {})
    _npm(repo, "packages/g", "@acme/g", "0.9.0", {})
    repo.commit("initial")
    repo.write(
        ".changeset/calm-bees-hide.md",
        '---\n"@acme/c": minor\n"@acme/d": patch\n---\n\nA feature of c.\n',
    )
    repo.commit("chore: changesets")
    result = release(repo)
    got = sorted((r.project.name, r.previous, r.version) for r in result.releases)
    # The highest version of the released members (2.1.3) bumped by the highest type (minor);
    # @acme/g, not released, stays where it is.
    assert got == [("@acme/c", "1.4.0", "2.2.0"), ("@acme/d", "2.1.3", "2.2.0")]
    assert json.loads((repo.path / "packages/g/package.json").read_text())["version"] == "0.9.0"
    assert repo.git("tag", "--list", "@acme/c@*") == "@acme/c@2.2.0"
    # Released alone, a linked member keeps its own line.
    repo.write(".changeset/eager-cats-jump.md", '---\n"@acme/g": patch\n---\n\nA fix.\n')
    repo.commit("chore: changeset")
    alone = release(repo)
    assert [(r.project.name, r.version) for r in alone.releases] == [("@acme/g", "0.9.1")]


def test_a_linked_member_released_alone_keeps_its_own_bump(repo: GitRepo) -> None:
    repo.write("package.json", json.dumps({"private": True, "workspaces": ["packages/*"]}))
    repo.write(".changeset/config.json", json.dumps({"linked": [["@acme/c", "@acme/d"]]}))
    _npm(repo, "packages/c", "@acme/c", "1.4.0", {})
    _npm(repo, "packages/d", "@acme/d", "2.1.3", {})
    repo.commit("initial")
    repo.write(
        ".changeset/calm-bees-hide.md", '---\n"@acme/c": major\n"@acme/d": patch\n---\n\nX.\n'
    )
    repo.commit("chore: changesets")
    alone = release(repo, {"project": "@acme/d"}, dry_run=True)
    assert [(r.project.name, r.version) for r in alone.releases] == [("@acme/d", "2.1.4")]


def test_dependents_can_be_left_unreleased(repo: GitRepo) -> None:
    repo.write("package.json", json.dumps({"private": True, "workspaces": ["packages/*"]}))
    repo.write(".changeset/config.json", "{}")
    _npm(repo, "packages/a", "@acme/a", "1.0.0", {})
    _npm(repo, "packages/f", "@acme/f", "0.4.0", {"@acme/a": "^1.0.0"})
    repo.commit("initial")
    repo.write(".changeset/brave-ants-dance.md", '---\n"@acme/a": minor\n---\n\nA feature.\n')
    repo.commit("chore: changeset")
    result = release(repo, {"release_dependents": "none"})
    assert [r.project.name for r in result.releases] == ["@acme/a"]


def test_pnpm_workspace_with_unindented_lists(repo: GitRepo) -> None:
    repo.write("pnpm-workspace.yaml", "packages:\n- packages/*\n- '!packages/private'\n")
    repo.write("package.json", json.dumps({"name": "root", "private": True}))
    _npm(repo, "packages/a", "@acme/a", "1.0.0", {})
    _npm(repo, "packages/private", "@acme/private", "1.0.0", {})
    repo.commit("initial")
    listed = [p["name"] for p in json.loads(cli_run(repo, "projects", "--format", "json").stdout)]
    assert listed == ["@acme/a"]
    repo.write(".nx/version-plans/version-plan-1.md", '---\n"@acme/a": patch\n---\n\nFix.\n')
    repo.commit("chore: plan")
    result = release(repo)
    assert [(r.project.name, r.tag) for r in result.releases] == [("@acme/a", "@acme/a@1.0.1")]


ROOT_CARGO = '[workspace]\nmembers = ["crates/*"]\nresolver = "2"\n'


def _crate(repo: GitRepo, name: str, version: str) -> None:
    repo.write(
        f"crates/{name}/Cargo.toml",
        f'[package]\nname = "{name}"\nversion = "{version}"\nedition = "2021"\n',
    )
    repo.write(f"crates/{name}/src/lib.rs", "pub fn f() {}\n")


def test_plan_check_measures_each_crate_from_its_own_tag(repo: GitRepo) -> None:
    repo.write("Cargo.toml", ROOT_CARGO)
    _crate(repo, "ignore", "0.4.0")
    _crate(repo, "globset", "0.4.0")
    repo.commit("initial")
    repo.tag("13.0.0")  # an old workspace-wide tag, far behind
    repo.write("crates/ignore/src/lib.rs", "pub fn f() {}\npub fn g() {}\n")
    repo.write("crates/globset/src/lib.rs", "pub fn f() {}\npub fn h() {}\n")
    repo.commit("feat: g and h")
    repo.tag("ignore-0.4.0")
    repo.tag("globset-0.4.0")
    settings = load_settings({}, repo=repo.path)
    assert check_plans(settings, environ={}).touched == []

    repo.write("crates/ignore/src/lib.rs", "pub fn f() {}\n")
    repo.commit("fix: ignore")
    checked = check_plans(settings, environ={})
    assert checked.touched == ["ignore"] and checked.missing == ["ignore"]

    # A new crate follows its siblings' scheme.
    _crate(repo, "grep-index", "0.1.0")
    repo.write(
        ".nx/version-plans/version-plan-1.md",
        "---\nignore: patch\ngrep-index: minor\n---\n\nChanges.\n",
    )
    repo.commit("feat: grep-index")
    result = release(repo)
    assert sorted(r.tag for r in result.releases) == ["grep-index-0.2.0", "ignore-0.4.1"]


def test_commit_types_and_release_message_are_configurable(repo: GitRepo) -> None:
    repo.write(
        "release-tools.toml",
        'release-message = "release: {tags}"\nchangelog-commits = true\n\n'
        '[commit-types]\ndocs = { bump = "patch", section = "Fixed" }\n'
        'feat = { section = "Changed" }\n',
    )
    repo.write("pyproject.toml", '[project]\nname = "demo"\nversion = "1.0.0"\n')
    repo.commit("chore: initial")
    repo.tag("v1.0.0")
    repo.write("README.md", "docs\n")
    repo.commit("docs: explain the options")
    repo.write("demo.py", "x = 1\n")
    repo.commit("feat: x")
    repo.write(".nx/version-plans/version-plan-1.md", "---\ndemo: minor\n---\n\nNew x.\n")
    repo.commit("chore: plan")
    result = release(repo)
    assert repo.git("log", "-1", "--format=%s") == "release: v1.1.0"
    assert result.releases[0].tag == "v1.1.0"
    changelog = (repo.path / "CHANGELOG.md").read_text()
    fixed = changelog.split("### Fixed", 1)[1]
    assert "explain the options" in fixed
    changed = changelog.split("### Changed", 1)[1].split("###", 1)[0]
    assert "- x (" in changed


def test_out_of_range_dependents_follow_changesets(repo: GitRepo) -> None:
    repo.write("package.json", json.dumps({"private": True, "workspaces": ["packages/*"]}))
    repo.write(".changeset/config.json", json.dumps({"updateInternalDependents": "out-of-range"}))
    _npm(repo, "packages/a", "@acme/a", "1.0.0", {})
    _npm(repo, "packages/in", "@acme/in", "0.1.0", {"@acme/a": "^1.0.0"})
    _npm(repo, "packages/out", "@acme/out", "0.1.0", {"@acme/a": "~1.0.0"})
    repo.commit("initial")
    repo.write(".changeset/brave-ants-dance.md", '---\n"@acme/a": minor\n---\n\nA feature.\n')
    repo.commit("chore: changeset")
    result = release(repo)
    # ^1.0.0 still admits 1.1.0; ~1.0.0 does not, so only that dependent is released.
    assert sorted(r.project.name for r in result.releases) == ["@acme/a", "@acme/out"]


def test_plan_format_follows_the_repository(repo: GitRepo) -> None:
    repo.write("package.json", json.dumps({"private": True, "workspaces": ["packages/*"]}))
    repo.write(".changeset/config.json", "{}")
    _npm(repo, "packages/a", "@acme/a", "1.0.0", {})
    repo.commit("initial")
    created = cli_run(
        repo, "create-version-plan", "--project", "@acme/a", "--version-type", "patch"
    )
    assert created.exit_code == 0, created.output
    assert "wrote .changeset/" in created.stdout


def test_nx_changelog_file_setting(repo: GitRepo) -> None:
    repo.write(
        "nx.json",
        json.dumps(
            {
                "release": {
                    "projectsRelationship": "independent",
                    "changelog": {"projectChangelogs": {"file": "{projectRoot}/HISTORY.md"}},
                }
            }
        ),
    )
    _nx_project(repo, "packages/a", "a", "1.0.0")
    repo.commit("initial")
    row = json.loads(cli_run(repo, "projects", "--format", "json").stdout)[0]
    assert row["changelog"]["path"] == "packages/a/HISTORY.md"
    assert row["changelog"]["source"] == "nx.json"
    assert row["release_group"] == {"name": "__default__", "relationship": "independent"}


def _nx_with_message(repo: GitRepo, message: str) -> None:
    nx = {"release": {"projectsRelationship": "fixed", "git": {"commitMessage": message}}}
    repo.write("nx.json", json.dumps(nx))
    _nx_project(repo, "packages/a", "a", "1.0.0")
    _nx_project(repo, "packages/b", "b", "1.0.0")
    repo.commit("initial")
    repo.write(".nx/version-plans/version-plan-1.md", "---\n__default__: minor\n---\n\nMore.\n")
    repo.commit("chore: plan")


def test_nx_commit_message_is_the_release_commit_message(repo: GitRepo) -> None:
    _nx_with_message(repo, "chore(release): publish {version}")
    result = release(repo)
    assert [r.version for r in result.releases] == ["1.1.0", "1.1.0"]
    assert repo.git("log", "-1", "--format=%s") == "chore(release): publish 1.1.0"


def test_the_tools_own_release_message_wins_over_nx(repo: GitRepo) -> None:
    _nx_with_message(repo, "chore(release): publish {version}")
    release(repo, {"release_message": "release {releases}"})
    assert repo.git("log", "-1", "--format=%s") == "release a 1.1.0, b 1.1.0"


def test_an_nx_message_with_placeholders_this_tool_lacks_is_not_used(repo: GitRepo) -> None:
    _nx_with_message(repo, "chore(release): {projectName} {version}")
    release(repo)
    assert repo.git("log", "-1", "--format=%s") == "chore(release): a 1.1.0, b 1.1.0"


def _nx_with_git(
    repo: GitRepo, git: dict[str, Any], version_git: dict[str, Any] | None = None
) -> None:
    release_config: dict[str, Any] = {"projectsRelationship": "fixed", "git": git}
    if version_git is not None:
        release_config["version"] = {"git": version_git}
    repo.write("nx.json", json.dumps({"release": release_config}))
    _nx_project(repo, "packages/a", "a", "1.0.0")
    repo.commit("initial")
    repo.write(".nx/version-plans/version-plan-1.md", "---\n__default__: minor\n---\n\nMore.\n")
    repo.commit("chore: plan")


def test_nx_git_commit_false_writes_the_files_only(repo: GitRepo) -> None:
    _nx_with_git(repo, {"commit": False})
    head = repo.git("rev-parse", "HEAD")
    result = cli_run(repo, "release")
    assert result.exit_code == 0, result.output
    assert repo.git("rev-parse", "HEAD") == head
    assert tags(repo) == set()
    assert '"version": "1.1.0"' in (repo.path / "packages/a/package.json").read_text()
    assert "no commit (nx.json release.git.commit: false (--commit overrides))" in result.stdout


def test_commit_flag_overrides_nx_git_commit_false(repo: GitRepo) -> None:
    _nx_with_git(repo, {"commit": False})
    head = repo.git("rev-parse", "HEAD")
    result = cli_run(repo, "release", "--commit")
    assert result.exit_code == 0, result.output
    assert repo.git("rev-parse", "HEAD~1") == head
    assert tags(repo) == {"v1.1.0"}


def test_nx_git_tag_false_commits_without_a_tag_unless_tag_is_given(repo: GitRepo) -> None:
    _nx_with_git(repo, {"tag": False})
    result = cli_run(repo, "release")
    assert result.exit_code == 0, result.output
    assert repo.git("log", "-1", "--format=%s").startswith("chore(release)")
    assert tags(repo) == set()
    assert "no tag (nx.json release.git.tag: false (--tag overrides))" in result.stdout
    repo.write(".nx/version-plans/version-plan-2.md", "---\n__default__: patch\n---\n\nFix.\n")
    repo.commit("chore: another plan")
    result = cli_run(repo, "release", "--tag")
    assert result.exit_code == 0, result.output
    assert tags(repo) == {"v1.1.1"}


def test_nx_version_git_overrides_the_top_level_git(repo: GitRepo) -> None:
    _nx_with_git(repo, {"commit": False, "tag": False}, {"commit": True, "tag": True})
    result = release(repo)
    assert result.commit is not None
    assert tags(repo) == {"v1.1.0"}


def test_no_commit_flag_still_wins_when_nx_commits(repo: GitRepo) -> None:
    _nx_with_git(repo, {"commit": True, "tag": True})
    head = repo.git("rev-parse", "HEAD")
    result = cli_run(repo, "release", "--no-commit")
    assert result.exit_code == 0, result.output
    assert repo.git("rev-parse", "HEAD") == head
    assert "no commit (--no-commit)" in result.stdout


def test_forge_release_names_the_nx_setting_that_drops_the_tag(repo: GitRepo) -> None:
    _nx_with_git(repo, {"tag": False})
    head = repo.git("rev-parse", "HEAD")
    result = cli_run(repo, "release", "--push", "--forge-release", "github")
    assert result.exit_code == 2
    assert "nx.json release.git.tag: false" in result.output
    assert repo.git("rev-parse", "HEAD") == head
    assert repo.git("status", "--porcelain") == ""


def _changesets_with_commit(repo: GitRepo, commit: Any) -> None:
    repo.write("package.json", json.dumps({"private": True, "workspaces": ["packages/*"]}))
    repo.write(".changeset/config.json", json.dumps({"commit": commit}))
    _npm(repo, "packages/a", "@acme/a", "1.0.0", {})
    repo.commit("initial")


def test_changesets_commit_setting_commits_a_new_plan(repo: GitRepo) -> None:
    _changesets_with_commit(repo, ["@changesets/cli/commit", {"skipCI": False}])
    args = ("create-version-plan", "--project", "@acme/a", "--version-type", "minor")
    created = cli_run(repo, *args)
    assert created.exit_code == 0, created.output
    assert repo.git("log", "-1", "--format=%s") == "chore: version plan for @acme/a (minor)"
    assert repo.git("status", "--porcelain") == ""
    left = cli_run(repo, *args, "--no-commit")
    assert left.exit_code == 0, left.output
    assert repo.git("log", "-1", "--format=%s") == "chore: version plan for @acme/a (minor)"
    assert repo.git("status", "--porcelain").startswith("?? .changeset/")


def test_changesets_commit_false_leaves_the_plan_uncommitted(repo: GitRepo) -> None:
    _changesets_with_commit(repo, False)
    created = cli_run(
        repo, "create-version-plan", "--project", "@acme/a", "--version-type", "patch"
    )
    assert created.exit_code == 0, created.output
    assert repo.git("log", "-1", "--format=%s") == "initial"
    assert repo.git("status", "--porcelain").startswith("?? .changeset/")


def _nx_changelog_setting(repo: GitRepo, setting: Any) -> None:
    nx = {
        "release": {
            "projectsRelationship": "independent",
            "changelog": {"projectChangelogs": {"file": setting}},
        }
    }
    repo.write("nx.json", json.dumps(nx))
    _nx_project(repo, "packages/a", "a", "1.0.0")
    repo.commit("initial")


def test_nx_changelog_path_inside_the_project(repo: GitRepo) -> None:
    _nx_changelog_setting(repo, "{projectRoot}/docs/CHANGES.md")
    row = json.loads(cli_run(repo, "projects", "--format", "json").stdout)[0]
    assert row["changelog"]["path"] == "packages/a/docs/CHANGES.md"
    assert row["changelog"]["source"] == "nx.json"


def test_an_nx_changelog_setting_that_cannot_be_honoured_is_named(repo: GitRepo) -> None:
    _nx_changelog_setting(repo, "{workspaceRoot}/CHANGELOG.md")
    result = cli_run(repo, "projects", "--format", "json")
    assert result.exit_code == 0, result.output
    assert "release.changelog.projectChangelogs.file" in result.stderr
    row = json.loads(result.stdout)[0]
    assert row["changelog"]["path"] == "packages/a/CHANGELOG.md"


def test_a_proposed_version_taken_because_the_manifest_is_stale_says_so(repo: GitRepo) -> None:
    repo.write("pyproject.toml", '[project]\nname = "lib"\nversion = "1.0.0"\n')
    repo.write("lib/__init__.py", "def a() -> int:\n    return 1\n")
    repo.commit("initial")
    repo.tag("v1.0.0")
    repo.write("lib/__init__.py", "def a() -> int:\n    return 2\n")
    repo.commit("fix: a")
    repo.tag("v1.0.1")  # released without bringing the manifest's version along
    repo.write("lib/__init__.py", "def a() -> int:\n    return 3\n")
    repo.commit("fix: a again")
    out = cli_run(repo, "analyze", "--format", "json")
    decision = json.loads(out.stdout)
    assert decision["current_version"] == "1.0.0" and decision["next_version"] == "1.0.1"
    assert decision["needs_review"] is True
    warnings = " ".join(decision["warnings"])
    assert "1.0.1 already exists as tag v1.0.1" in warnings
    assert "the current version 1.0.0 is behind the latest release tag v1.0.1" in warnings
    assert "the base is not the latest release" not in warnings
