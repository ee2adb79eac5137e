"""``run_release`` on real repositories: versions, files, plans, commit, tag, push, publish."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from release_tools.config import load_settings
from release_tools.errors import ConfigError, PlanError, ReleaseError, UsageError
from release_tools.release import files as files_module
from release_tools.release.service import ReleaseOptions, run_release

TODAY = date(2026, 1, 2)


def release(repo: Any, flags: dict[str, Any] | None = None, **options: Any) -> Any:
    settings = load_settings(flags or {}, repo=repo.path)
    return run_release(settings, ReleaseOptions(today=TODAY, **options))


def test_single_python_project(python_repo: Any) -> None:
    result = release(python_repo)
    assert result.released and result.message == "demo 1.2.3 -> 1.3.0"
    root = python_repo.path
    assert (root / "pyproject.toml").read_text().count('version = "1.3.0"  # managed') == 1
    assert (root / "src/demo/__init__.py").read_text().endswith('__version__ = "1.3.0"\n')
    changelog = (root / "CHANGELOG.md").read_text()
    assert changelog.startswith("# Changelog\n\nHand-written intro stays.\n\n## [Unreleased]\n")
    assert "## [1.3.0] - 2026-01-02\n\n### Added\n\n- add extra()\n\n## [1.2.3]" in changelog
    assert not (root / ".nx/version-plans/version-plan-1700000000000.md").exists()
    assert python_repo.git("log", "-1", "--format=%s") == "chore(release): demo 1.3.0"
    assert python_repo.git("tag", "--points-at", "HEAD") == "v1.3.0"
    assert python_repo.git("cat-file", "-t", "v1.3.0") == "tag"  # annotated
    assert python_repo.git("status", "--porcelain") == ""
    assert result.tags == ["v1.3.0"] and not result.pushed


def test_nothing_to_release_changes_nothing(python_repo: Any, state: Any) -> None:
    release(python_repo)
    before = state(python_repo)
    result = release(python_repo)
    assert not result.released
    assert result.message == "nothing to release: no pending version plans"
    assert state(python_repo) == before


def test_dry_run_lists_every_action_and_changes_nothing(python_repo: Any, state: Any) -> None:
    before = state(python_repo)
    result = release(python_repo, dry_run=True)
    assert not result.released and result.dry_run
    assert result.actions == [
        "write pyproject.toml (demo 1.2.3 -> 1.3.0)",
        "write src/demo/__init__.py (demo 1.2.3 -> 1.3.0)",
        "write CHANGELOG.md (demo 1.3.0 changelog)",
        "delete .nx/version-plans/version-plan-1700000000000.md (consumed version plan)",
        "commit 'chore(release): demo 1.3.0'",
        "tag v1.3.0",
    ]
    assert result.skipped == ["no push (use --push)", "no publish (no publish command configured)"]
    assert state(python_repo) == before


def test_failure_midway_restores_every_file(
    python_repo: Any, monkeypatch: pytest.MonkeyPatch, state: Any
) -> None:
    before = state(python_repo)
    real = files_module.write_file
    calls: list[Path] = []

    def flaky(path: Path, content: bytes, mode: int | None = None) -> None:
        calls.append(path)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real(path, content, mode)

    monkeypatch.setattr(files_module, "write_file", flaky)
    with pytest.raises(ReleaseError, match="No space left on device; every file was restored"):
        release(python_repo)
    assert len(calls) > 2  # the first file was written, then restored
    assert state(python_repo) == before


def test_unwritable_target_fails_before_any_write(python_repo: Any, state: Any) -> None:
    # A directory where the changelog should be: no user, not even root, can replace it.
    (python_repo.path / "CHANGELOG.md").unlink()
    (python_repo.path / "CHANGELOG.md").mkdir()
    (python_repo.path / "CHANGELOG.md/keep").write_text("x")
    python_repo.commit("chore: odd layout")
    before = state(python_repo)
    with pytest.raises(ReleaseError, match=r"CHANGELOG\.md"):
        release(python_repo)
    assert state(python_repo) == before


def refusing_hook(repo: Any) -> None:
    """A pre-commit hook that refuses every commit: `git commit` fails after `git add`."""
    hook = repo.path / ".git/hooks/pre-commit"
    hook.write_text("#!/bin/sh\necho 'no commits today' >&2\nexit 1\n")
    hook.chmod(0o755)


def test_commit_failure_restores_files_and_index(python_repo: Any, state: Any) -> None:
    before = state(python_repo)
    refusing_hook(python_repo)
    with pytest.raises(ReleaseError, match=r"commit failed, files restored: .*no commits today"):
        release(python_repo)
    assert state(python_repo) == before


def test_dirty_files_are_refused_before_writing(python_repo: Any, state: Any) -> None:
    (python_repo.path / "CHANGELOG.md").write_text("local edit\n")
    before = state(python_repo)
    with pytest.raises(ReleaseError, match=r"uncommitted changes .*CHANGELOG\.md"):
        release(python_repo)
    assert state(python_repo) == before


def test_existing_tag_is_refused(python_repo: Any) -> None:
    python_repo.tag("v1.3.0")
    with pytest.raises(ReleaseError, match=r"tag 'v1\.3\.0' already exists"):
        release(python_repo)


def test_no_commit_writes_files_only(python_repo: Any) -> None:
    head = python_repo.head()
    result = release(python_repo, commit=False)
    assert result.commit is None and result.tags == []
    assert python_repo.head() == head
    assert 'version = "1.3.0"' in (python_repo.path / "pyproject.toml").read_text()


def test_no_tag_commits_without_tag(python_repo: Any) -> None:
    result = release(python_repo, tag=False, flags={"publish_command": "false"})
    assert result.commit and result.tags == [] and result.published == []
    assert python_repo.git("tag", "--points-at", "HEAD") == ""


def test_push_only_when_asked(python_repo: Any, bare_remote: Callable[[Any], Path]) -> None:
    remote = bare_remote(python_repo)

    def remote_git(*args: str) -> str:
        return python_repo.git("--git-dir", str(remote), *args)

    start = remote_git("rev-parse", "main")
    release(python_repo, commit=True)
    assert remote_git("rev-parse", "main") == start
    assert remote_git("tag", "-l") == "v1.2.3"
    python_repo.write(".nx/version-plans/version-plan-2.md", "---\ndemo: patch\n---\nfix: x\n")
    python_repo.commit("chore: plan")
    result = release(python_repo, push=True)
    assert result.pushed
    assert remote_git("rev-parse", "main") == python_repo.head()
    # Only this release's tag is pushed, not every local tag.
    assert remote_git("tag", "-l").split() == ["v1.2.3", "v1.3.1"]


def test_push_without_remote_is_refused_before_writing(python_repo: Any, state: Any) -> None:
    before = state(python_repo)
    with pytest.raises(ReleaseError, match="no git remote named 'origin'"):
        release(python_repo, push=True)
    assert state(python_repo) == before


def test_publish_runs_after_the_tag_exists(python_repo: Any, tmp_path: Path) -> None:
    out = tmp_path / "published.txt"
    command = f'git rev-parse --verify -q refs/tags/{{tag}} > "{out}" && echo {{name}}={{version}}'
    result = release(python_repo, flags={"publish_command": command})
    assert out.read_text().strip() == python_repo.git("rev-parse", "v1.3.0")
    assert [p.output.strip() for p in result.published] == ["demo=1.3.0"]


def test_skip_publish(python_repo: Any, tmp_path: Path) -> None:
    out = tmp_path / "published.txt"
    result = release(python_repo, flags={"publish_command": f'touch "{out}"'}, skip_publish=True)
    assert result.tags == ["v1.3.0"] and not out.exists() and result.published == []


def test_publish_failure_says_the_tag_exists(python_repo: Any) -> None:
    with pytest.raises(ReleaseError, match=r"failed with exit 3 \(tag v1.3.0 exists\): boom"):
        release(python_repo, flags={"publish_command": "echo boom; exit 3"})
    assert python_repo.git("tag", "-l", "v1.3.0") == "v1.3.0"


def test_npm_workspace_takes_highest_type_per_project(npm_workspace: Any) -> None:
    result = release(npm_workspace)
    assert result.message == "@acme/a 1.0.0 -> 1.1.0, b 0.1.0 -> 0.1.1"
    root = npm_workspace.path
    assert (root / "packages/a/package.json").read_text() == (
        '{\n    "name": "@acme/a",\n    "version": "1.1.0",\n    "main": "index.js"\n}\n'
    )
    assert (root / "packages/b/package.json").read_text() == (
        '{\n  "name": "b",\n  "version": "0.1.1"\n}'
    )
    assert sorted(npm_workspace.git("tag", "-l").split()) == ["@acme/a@1.1.0", "b@0.1.1"]
    assert not (root / ".changeset/brave-cats-jump.md").exists()
    assert not (root / ".nx/version-plans/version-plan-1.md").exists()
    a_log = (root / "packages/a/CHANGELOG.md").read_text()
    assert "### Added\n\n- Add a flag." in a_log and "### Fixed\n\n- handle empty input" in a_log
    assert npm_workspace.git("log", "-1", "--format=%s") == (
        "chore(release): @acme/a 1.1.0, b 0.1.1"
    )


def test_npm_workspace_single_project_keeps_other_plans(npm_workspace: Any) -> None:
    result = release(npm_workspace, flags={"project": "b"})
    assert [r.version for r in result.releases] == ["0.1.1"]
    root = npm_workspace.path
    assert (root / ".nx/version-plans/version-plan-1.md").read_text() == (
        '---\n"@acme/a": patch\n---\n\nfix: handle empty input\n'
    )
    assert (root / ".changeset/brave-cats-jump.md").exists()
    assert json.loads((root / "packages/a/package.json").read_text())["version"] == "1.0.0"
    assert npm_workspace.git("status", "--porcelain") == ""
    again = release(npm_workspace, flags={"project": "@acme/a"})
    assert [r.version for r in again.releases] == ["1.1.0"]
    assert not (root / ".nx/version-plans/version-plan-1.md").exists()


def test_unknown_project_flag_and_unknown_plan_name(npm_workspace: Any) -> None:
    with pytest.raises(UsageError, match="unknown project 'zz'"):
        release(npm_workspace, flags={"project": "zz"})
    npm_workspace.write(".changeset/ghost.md", '---\n"ghost": patch\n---\nx\n')
    with pytest.raises(PlanError, match=r"\.changeset/ghost\.md:2: unknown project 'ghost'"):
        release(npm_workspace)


def test_python_monorepo_prerelease_in_pep440(python_monorepo: Any) -> None:
    result = release(python_monorepo)
    assert [(r.project.name, r.version, r.tag) for r in result.releases] == [
        ("alpha", "1.1.0rc1", "alpha@1.1.0rc1")
    ]
    root = python_monorepo.path
    assert 'version = "1.1.0rc1"' in (root / "packages/alpha/pyproject.toml").read_text()
    assert (root / "packages/alpha/src/alpha/__init__.py").read_text() == (
        '__version__ = "1.1.0rc1"\n'
    )
    assert "version = '0.3.0'" in (root / "packages/beta/pyproject.toml").read_text()
    assert (root / "packages/alpha/CHANGELOG.md").exists()
    assert not (root / "CHANGELOG.md").exists()


def test_python_prerelease_identifier_must_be_pep440(python_monorepo: Any) -> None:
    with pytest.raises(UsageError, match="must be alpha, beta or rc, not 'next'"):
        release(python_monorepo, preid="next")


def test_cargo_workspace_updates_dependents_and_lock(cargo_workspace: Any) -> None:
    result = release(cargo_workspace, flags={"tag_format": "{name}-v{version}"})
    assert result.tags == ["core-v0.6.0"]
    root = cargo_workspace.path
    assert 'version = "0.6.0"' in (root / "crates/core/Cargo.toml").read_text()
    assert (
        (root / "crates/app/Cargo.toml")
        .read_text()
        .endswith('core = { path = "../core", version = "0.6.0" }  # internal\n')
    )
    lock = (root / "Cargo.lock").read_text()
    assert lock.startswith("# generated\n") and 'name = "core"\nversion = "0.6.0"' in lock
    assert 'name = "app"\nversion = "1.0.0"' in lock
    assert cargo_workspace.git("status", "--porcelain") == ""


def test_bad_tag_format_is_a_config_error(cargo_workspace: Any) -> None:
    with pytest.raises(ConfigError, match="tag_format must contain"):
        release(cargo_workspace, flags={"tag_format": "release-{name}"})


def test_changelog_commits_from_the_range(python_repo: Any) -> None:
    result = release(python_repo, flags={"changelog_commits": True})
    assert result.released
    changelog = (python_repo.path / "CHANGELOG.md").read_text()
    sha = python_repo.git("rev-parse", "--short=7", "HEAD~2")
    section = changelog.split("## [1.3.0]")[1].split("## [1.2.3]")[0]
    # The plan's line and the commit's say the same thing: written once (with the plan's text).
    assert section.count("add extra()") == 1 and sha not in section
    python_repo.write("src/demo/x.py", "X = 1\n")
    python_repo.commit("fix(core): tolerate x")
    python_repo.write(".nx/version-plans/version-plan-3.md", "---\ndemo: patch\n---\nfix: y\n")
    python_repo.commit("docs: not in the changelog")
    release(python_repo, flags={"changelog_commits": True})
    changelog = (python_repo.path / "CHANGELOG.md").read_text()
    newest = changelog.split("## [1.3.1]")[1].split("## [1.3.0]")[0]
    assert "- **core:** tolerate x (" in newest and "not in the changelog" not in newest


def test_no_identity_uses_fallback_without_touching_global_config(
    python_repo: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key in ("AUTHOR", "COMMITTER"):
        monkeypatch.delenv(f"GIT_{key}_NAME")
        monkeypatch.delenv(f"GIT_{key}_EMAIL")
    config_path = Path(os.environ["GIT_CONFIG_GLOBAL"])
    existed = config_path.read_bytes() if config_path.exists() else None
    release(python_repo)
    assert python_repo.git("log", "-1", "--format=%an <%ae>") == (
        "release-tools <release-tools@users.noreply.github.com>"
    )
    assert (config_path.read_bytes() if config_path.exists() else None) == existed
    assert python_repo.git("config", "--local", "--get", "user.name", check=False) == ""


def test_nx_default_group_plan_and_partial_release(npm_workspace: Any) -> None:
    root = npm_workspace.path
    for plan in (".changeset/brave-cats-jump.md", ".nx/version-plans/version-plan-1.md"):
        (root / plan).unlink()
    npm_workspace.write(".nx/version-plans/version-plan-9.md", "---\n__default__: minor\n---\nx\n")
    npm_workspace.commit("chore: group plan")
    first = release(npm_workspace, flags={"project": "b"})
    assert [(r.project.name, r.version) for r in first.releases] == [("b", "0.2.0")]
    assert (root / ".nx/version-plans/version-plan-9.md").read_text() == (
        '---\n"@acme/a": minor\n---\nx\n'
    )
    second = release(npm_workspace)
    assert [(r.project.name, r.version) for r in second.releases] == [("@acme/a", "1.1.0")]
    assert not (root / ".nx/version-plans/version-plan-9.md").exists()


def test_changelog_can_be_disabled_and_version_variables_follow(python_monorepo: Any) -> None:
    python_monorepo.write("packages/alpha/docs/conf.py", 'release = "1.0.0"\n')
    python_monorepo.write("packages/beta/VERSION.txt", "version = 0.3.0\n")
    python_monorepo.commit("docs: version files")
    variables = ("packages/alpha/docs/conf.py:release", "packages/beta/VERSION.txt:version")
    result = release(python_monorepo, flags={"changelog": "", "version_variables": variables})
    root = python_monorepo.path
    assert [r.project.name for r in result.releases] == ["alpha"]
    assert (root / "packages/alpha/docs/conf.py").read_text() == 'release = "1.1.0rc1"\n'
    # beta is not released: its version file is none of alpha's business.
    assert (root / "packages/beta/VERSION.txt").read_text() == "version = 0.3.0\n"
    assert not (root / "packages/alpha/CHANGELOG.md").exists()
