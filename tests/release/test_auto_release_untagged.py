"""``release --auto`` after a release that left no tag: what it released is not released again."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

from gitrepo import GitRepo
from release_tools.config import load_settings
from release_tools.git import Git
from release_tools.release.autoplans import analysis_base
from release_tools.release.autotype import release_commit_prefix
from release_tools.release.planning import PlanRequest, create_version_plan
from release_tools.release.service import ReleaseOptions, ReleaseResult, run_release
from release_tools.release.sparse import read_checkout

TODAY = date(2026, 1, 2)


def release(repo: GitRepo, **options: Any) -> ReleaseResult:
    settings = load_settings({}, repo=repo.path)
    return run_release(settings, ReleaseOptions(today=TODAY, **options))


def single(make_repo: Callable[[str], GitRepo]) -> GitRepo:
    repo = make_repo("auto-untagged")
    repo.write("pyproject.toml", '[project]\nname = "demo"\nversion = "1.0.0"\n')
    repo.write("src/demo/__init__.py", "def one() -> int:\n    return 1\n")
    repo.commit("chore: initial")
    repo.tag("v1.0.0")
    repo.write("src/demo/__init__.py", "def one() -> int:\n    return 11\n")
    repo.commit("fix: one returns eleven")
    return repo


def versions(result: ReleaseResult) -> dict[str, str]:
    return {r.project.name: r.version for r in result.releases}


def test_a_release_committed_without_a_tag_is_not_released_again(
    make_repo: Callable[[str], GitRepo],
) -> None:
    repo = single(make_repo)
    first = release(repo, auto=True, tag=False)
    assert versions(first) == {"demo": "1.0.1"} and repo.git("tag", "-l") == "v1.0.0"

    again = release(repo, auto=True)

    assert again.releases == [] and again.analyzed == []
    assert 'version = "1.0.1"' in (repo.path / "pyproject.toml").read_text()

    repo.write("src/demo/__init__.py", "def one() -> int:\n    return 12\n")
    repo.commit("fix: one returns twelve")
    later = release(repo, auto=True)

    assert versions(later) == {"demo": "1.0.2"} and later.warnings == []
    changelog = (repo.path / "CHANGELOG.md").read_text()
    section = changelog.split("## [1.0.2]", 1)[1].split("## [1.0.1]", 1)[0]
    # Only what came after the untagged release: its own change is in 1.0.1 already.
    assert "one returns twelve" in section and "one returns eleven" not in section


def test_a_release_left_uncommitted_is_not_released_again(
    make_repo: Callable[[str], GitRepo],
) -> None:
    repo = single(make_repo)
    first = release(repo, auto=True, commit=False)
    assert versions(first) == {"demo": "1.0.1"}
    written = (repo.path / "pyproject.toml").read_text(), (repo.path / "CHANGELOG.md").read_text()

    again = release(repo, auto=True, commit=False)

    assert again.releases == [] and again.analyzed == []
    assert any("demo" in w and "1.0.1" in w for w in again.warnings), again.warnings
    assert (
        (repo.path / "pyproject.toml").read_text(),
        (repo.path / "CHANGELOG.md").read_text(),
    ) == written


def test_a_private_package_released_untagged_is_not_released_again(repo: GitRepo) -> None:
    repo.write("package.json", json.dumps({"private": True, "workspaces": ["packages/*"]}))
    repo.write(
        ".changeset/config.json",
        json.dumps({"baseBranch": "main", "privatePackages": {"version": True, "tag": False}}),
    )
    for name, private in (("app", True), ("lib", False)):
        manifest = {"name": name, "version": "1.0.0", "private": private}
        repo.write(f"packages/{name}/package.json", json.dumps(manifest, indent=2) + "\n")
        repo.write(f"packages/{name}/index.js", "module.exports = 1;\n")
    repo.commit("chore: initial")
    repo.tag("lib@1.0.0")
    repo.write("packages/app/index.js", "module.exports = 2;\n")
    repo.commit("fix(app): two")
    first = release(repo, auto=True)
    assert list(versions(first)) == ["app"]
    assert repo.git("tag", "-l") == "lib@1.0.0"  # changesets tags no private package here

    again = release(repo, auto=True)

    assert again.releases == [] and again.analyzed == []


def dependent_workspace(repo: GitRepo) -> None:
    """core's release rewrites app's requirement without releasing app (still in range),
    under a release message that reads as no commit type; then app changes."""
    repo.write("Cargo.toml", '[workspace]\nmembers = ["crates/*"]\n')
    repo.write("release-tools.toml", 'release-message = "Release {releases}"\n')
    repo.write("crates/core/Cargo.toml", '[package]\nname = "core"\nversion = "0.5.0"\n')
    repo.write("crates/core/src/lib.rs", "pub fn one() -> u8 { 1 }\n")
    repo.write(
        "crates/app/Cargo.toml",
        '[package]\nname = "app"\nversion = "1.0.0"\n\n[dependencies]\n'
        'core = { path = "../core", version = "0.5.0" }\n',
    )
    repo.write("crates/app/src/main.rs", "fn main() {}\n")
    repo.commit("chore: initial")
    repo.tag("core@0.5.0")
    repo.tag("app@1.0.0")
    repo.write("crates/core/src/lib.rs", "pub fn one() -> u8 { 2 }\n")
    repo.commit("fix(core): two")
    first = release(repo, auto=True)
    assert list(versions(first)) == ["core"]
    assert "core" in repo.git("show", "HEAD:crates/app/Cargo.toml").split("0.5.1")[0]
    repo.write("crates/app/src/main.rs", "fn main() { println!(); }\n")
    repo.commit("fix(app): print a line")


def test_a_release_commit_is_no_changelog_line_of_a_dependent(repo: GitRepo) -> None:
    dependent_workspace(repo)

    later = release(repo, auto=True)

    assert list(versions(later)) == ["app"]
    section = (repo.path / "crates/app/CHANGELOG.md").read_text().split("## [", 2)[1]
    assert "print a line" in section and "Release core" not in section


def test_a_release_commit_is_no_line_of_an_auto_plan(repo: GitRepo) -> None:
    dependent_workspace(repo)

    made = create_version_plan(
        load_settings({}, repo=repo.path), PlanRequest(project="app", version_type="auto")
    )

    assert "print a line" in made.body and "Release core" not in made.body


def test_a_hand_made_version_bump_under_the_release_prefix_is_no_release(
    make_repo: Callable[[str], GitRepo],
) -> None:
    repo = single(make_repo)
    repo.write("pyproject.toml", '[project]\nname = "demo"\nversion = "1.1.0.dev0"\n')
    repo.commit("chore(release): start the next development cycle")

    result = release(repo, dry_run=True, auto=True)

    # The fix before that commit is still unreleased.
    assert [a.name for a in result.analyzed] == ["demo"]
    assert "one returns eleven" in (result.releases[0].plans[0].body)


def test_a_requirement_rewritten_by_another_release_asks_for_no_release(repo: GitRepo) -> None:
    dependent_workspace(repo)
    repo.git("reset", "-q", "--hard", "HEAD~1")  # app's own change undone: only core's release

    later = release(repo, auto=True)

    assert versions(later) == {} and later.analyzed == []
    assert "nothing to release" in later.message


def test_an_auto_plan_starts_where_release_auto_starts(make_repo: Callable[[str], GitRepo]) -> None:
    repo = single(make_repo)
    git = Git(repo.path)

    def base(flags: dict[str, Any] | None = None) -> str | None:
        settings = load_settings(flags or {}, repo=repo.path)
        checkout = read_checkout(git, repo.path)
        [project] = checkout.projects
        prefix = release_commit_prefix(settings, checkout.conventions)
        return analysis_base(
            git, settings, checkout.projects, project, checkout.conventions, prefix
        )

    assert base() is None  # from the latest release tag
    release(repo, auto=True, tag=False)
    released = repo.head()
    repo.write("README.md", "Demo.\n")
    repo.commit("docs: a readme")

    assert base() == released
    assert base({"base": "v1.0.0"}) == "v1.0.0"


def test_an_auto_plan_after_an_untagged_release_holds_only_what_came_after(
    make_repo: Callable[[str], GitRepo],
) -> None:
    repo = single(make_repo)
    release(repo, auto=True, tag=False)
    settings = load_settings({}, repo=repo.path)

    nothing = create_version_plan(settings, PlanRequest(project="demo", version_type="auto"))

    assert nothing.path is None and "analyze found nothing to release" in nothing.message
    repo.write("src/demo/__init__.py", "def one() -> int:\n    return 12\n")
    repo.commit("fix: one returns twelve")
    made = create_version_plan(settings, PlanRequest(project="demo", version_type="auto"))
    assert made.version_type == "patch" and made.decision is not None
    assert "one returns twelve" in made.body and "one returns eleven" not in made.body
