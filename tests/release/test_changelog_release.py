"""``release`` through the CLI on Keep a Changelog files with hand-written Unreleased entries."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from click.testing import CliRunner, Result

from release_tools.cli import cli

PENDING = """\
# Changelog

## [Unreleased]

### Added

- pending thing

## [{old}] - 2025-01-01

### Added

- first

[Unreleased]: {base}/compare/{old_tag}...HEAD
[{old}]: {base}/compare/{first_tag}...{old_tag}
"""


def run(repo: Any, *args: str) -> Result:
    return CliRunner().invoke(cli, ["release", "-C", str(repo.path), *args])


@pytest.fixture
def project(make_repo: Callable[[str], Any]) -> Any:
    """demo 1.1.0 tagged v1.1.0, a hand-written Unreleased entry and a minor plan pending."""
    repo = make_repo("demo")
    repo.write(
        "pyproject.toml",
        '[project]\nname = "demo"\nversion = "1.1.0"\n\n'
        "[tool.release-tools]\nchangelog-commits = false\n",
    )
    base = "https://github.com/o/demo"
    repo.write(
        "CHANGELOG.md",
        PENDING.format(old="1.1.0", base=base, old_tag="v1.1.0", first_tag="v1.0.0"),
    )
    repo.commit("chore: initial")
    repo.tag("v1.1.0")
    repo.write(".changeset/calm-fox.md", '---\n"demo": minor\n---\n\nfeat: generated thing\n')
    repo.commit("chore: plan")
    return repo


def test_release_moves_unreleased_entries_and_links(project: Any) -> None:
    before = (project.path / "CHANGELOG.md").read_text()
    dry = run(project, "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "CHANGELOG.md" in dry.output
    assert (project.path / "CHANGELOG.md").read_text() == before

    done = run(project)
    assert done.exit_code == 0, done.output
    assert project.git("tag", "--points-at", "HEAD") == "v1.2.0"
    today = date.today().isoformat()
    assert (project.path / "CHANGELOG.md").read_text() == (
        "# Changelog\n\n## [Unreleased]\n\n"
        f"## [1.2.0] - {today}\n\n### Added\n\n- pending thing\n- generated thing\n\n"
        "## [1.1.0] - 2025-01-01\n\n### Added\n\n- first\n\n"
        "[Unreleased]: https://github.com/o/demo/compare/v1.2.0...HEAD\n"
        "[1.2.0]: https://github.com/o/demo/compare/v1.1.0...v1.2.0\n"
        "[1.1.0]: https://github.com/o/demo/compare/v1.0.0...v1.1.0\n"
    )
    assert project.git("status", "--porcelain") == ""


def test_unreadable_links_are_kept_and_the_release_warns(project: Any) -> None:
    path = project.path / "CHANGELOG.md"
    path.write_text(path.read_text().replace("compare/v1.1.0...HEAD", "commits/main"))
    project.commit("docs: links")
    done = run(project)
    assert done.exit_code == 0, done.output
    assert "changelog links not updated for 1.2.0" in done.output
    text = path.read_text()
    assert "[Unreleased]: https://github.com/o/demo/commits/main\n[1.1.0]:" in text
    assert "## [Unreleased]\n\n## [1.2.0]" in text and "- pending thing\n- generated" in text


def test_workspace_package_changelog_uses_the_package_tags(
    make_repo: Callable[[str], Any],
) -> None:
    repo = make_repo("ws")
    repo.write("package.json", json.dumps({"private": True, "workspaces": ["pkgs/*"]}))
    repo.write("pkgs/a/package.json", json.dumps({"name": "a", "version": "1.0.0"}))
    repo.write("pkgs/b/package.json", json.dumps({"name": "b", "version": "2.0.0"}))
    base = "https://gitlab.com/g/ws/-"
    repo.write(
        "pkgs/b/CHANGELOG.md",
        PENDING.format(old="2.0.0", base=base, old_tag="b@2.0.0", first_tag="b@1.0.0"),
    )
    repo.commit("chore: initial")
    repo.tag("a@1.0.0")
    repo.tag("b@2.0.0")
    repo.write(".changeset/b.md", '---\n"b": patch\n---\n\nfix: generated fix\n')
    repo.commit("chore: plan")
    done = run(repo)
    assert done.exit_code == 0, done.output
    assert repo.git("tag", "--points-at", "HEAD") == "b@2.0.1"
    text = (repo.path / "pkgs/b/CHANGELOG.md").read_text()
    assert text.startswith(
        "# Changelog\n\n## [Unreleased]\n\n"
        f"## [2.0.1] - {date.today().isoformat()}\n\n"
        "### Added\n\n- pending thing\n\n### Fixed\n\n- generated fix\n\n## [2.0.0]"
    )
    assert text.endswith(
        "[Unreleased]: https://gitlab.com/g/ws/-/compare/b@2.0.1...HEAD\n"
        "[2.0.1]: https://gitlab.com/g/ws/-/compare/b@2.0.0...b@2.0.1\n"
        "[2.0.0]: https://gitlab.com/g/ws/-/compare/b@1.0.0...b@2.0.0\n"
    )


def test_the_link_warning_is_in_the_json_report(project: Any) -> None:
    path = project.path / "CHANGELOG.md"
    path.write_text(path.read_text().replace("compare/v1.1.0...HEAD", "commits/main"))
    project.commit("docs: links")
    done = run(project, "--format", "json")
    assert done.exit_code == 0, done.output
    report = json.loads(done.stdout)
    assert any("changelog links not updated for 1.2.0" in w for w in report["warnings"])
