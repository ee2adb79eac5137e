"""``release`` through the CLI on Keep a Changelog files whose headings carry their links."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from release_tools.cli import cli

BASE = "https://github.com/o/demo"
INTRO = "# Changelog\n\nThe format is based on Keep a Changelog.\n\n"
LINKED = (
    f"{INTRO}## [Unreleased]({BASE}/compare/{{old}}...HEAD)\n\n"
    "### Added\n\n- pending thing\n\n"
    f"## [1.1.0]({BASE}/compare/{{first}}...{{old}}) - 2025-01-01\n\n- first\n"
)


def run(repo: Any, *args: str) -> Result:
    return CliRunner().invoke(cli, ["release", "-C", str(repo.path), *args])


def make_project(make_repo: Callable[[str], Any], changelog: str, tag: str) -> Any:
    """demo 1.1.0 tagged ``tag`` with ``changelog`` and a patch plan pending."""
    repo = make_repo("demo")
    repo.write(
        "pyproject.toml",
        '[project]\nname = "demo"\nversion = "1.1.0"\n\n'
        "[tool.release-tools]\nchangelog-commits = false\n",
    )
    repo.write("CHANGELOG.md", changelog)
    repo.commit("chore: initial")
    repo.tag(tag)
    repo.write(".changeset/calm-fox.md", '---\n"demo": patch\n---\n\nfix: generated fix\n')
    repo.commit("chore: plan")
    return repo


@pytest.mark.parametrize("prefix", ["", "v"])
@pytest.mark.parametrize("remote", [False, True], ids=["no-remote", "remote"])
def test_release_links_the_new_heading_and_moves_the_unreleased_one(
    make_repo: Callable[[str], Any],
    bare_remote: Callable[[Any], Path],
    prefix: str,
    remote: bool,
) -> None:
    old, new = f"{prefix}1.1.0", f"{prefix}1.1.1"
    repo = make_project(make_repo, LINKED.format(old=old, first=f"{prefix}1.0.0"), old)
    if remote:
        bare_remote(repo)  # a remote elsewhere: the file's own link gives the base URL
    path = repo.path / "CHANGELOG.md"
    before = path.read_text()
    dry = run(repo, "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "would write CHANGELOG.md" in dry.output and "warning" not in dry.output
    assert path.read_text() == before

    done = run(repo)
    assert done.exit_code == 0, done.output
    assert repo.git("tag", "--points-at", "HEAD") == new
    assert path.read_text() == (
        f"{INTRO}## [Unreleased]({BASE}/compare/{new}...HEAD)\n\n"
        f"## [1.1.1]({BASE}/compare/{old}...{new}) - {date.today().isoformat()}\n\n"
        "### Added\n\n- pending thing\n\n### Fixed\n\n- generated fix\n\n"
        f"## [1.1.0]({BASE}/compare/{prefix}1.0.0...{old}) - 2025-01-01\n\n- first\n"
    )
    assert repo.git("status", "--porcelain") == ""


def test_a_crlf_changelog_is_released_with_crlf(make_repo: Callable[[str], Any]) -> None:
    text = LINKED.format(old="1.1.0", first="1.0.0").replace("\n", "\r\n")
    repo = make_project(make_repo, "", "1.1.0")
    path = repo.path / "CHANGELOG.md"
    path.write_bytes(text.encode())
    repo.commit("docs: crlf")
    done = run(repo)
    assert done.exit_code == 0, done.output
    released = path.read_bytes().decode()
    assert "\n" not in released.replace("\r\n", "")
    assert (
        f"## [Unreleased]({BASE}/compare/1.1.1...HEAD)\r\n\r\n"
        f"## [1.1.1]({BASE}/compare/1.1.0...1.1.1) - {date.today().isoformat()}\r\n"
    ) in released


def test_dry_run_and_release_show_the_same_link_warning(make_repo: Callable[[str], Any]) -> None:
    text = LINKED.format(old="1.1.0", first="1.0.0").replace(
        f"({BASE}/compare/1.1.0...HEAD)", f"({BASE}/commits/main)"
    )
    repo = make_project(make_repo, text, "1.1.0")
    warning = (
        "changelog links not updated for 1.1.1: the [Unreleased] link "
        f"{BASE}/commits/main does not compare a tag with HEAD"
    )
    dry = run(repo, "--dry-run", "--format", "json")
    assert dry.exit_code == 0, dry.output
    assert any(warning in w for w in json.loads(dry.stdout)["warnings"])
    done = run(repo)
    assert done.exit_code == 0, done.output
    assert warning in done.output
    released = (repo.path / "CHANGELOG.md").read_text()
    assert f"## [Unreleased]({BASE}/commits/main)\n\n## [1.1.1] - " in released


def test_headings_linked_to_their_tree_are_followed_without_an_unreleased_heading(
    make_repo: Callable[[str], Any],
) -> None:
    text = (
        f"{INTRO}<!-- release notes start -->\n\n"
        f"## [1.1.0]({BASE}/tree/1.1.0) - 2025-01-01\n\n- first\n"
    )
    repo = make_project(make_repo, text, "1.1.0")
    done = run(repo)
    assert done.exit_code == 0, done.output
    assert (repo.path / "CHANGELOG.md").read_text() == text.replace(
        "## [1.1.0]",
        f"## [1.1.1]({BASE}/tree/1.1.1) - {date.today().isoformat()}\n\n"
        "### Fixed\n\n- generated fix\n\n## [1.1.0]",
    )


def test_a_linked_unreleased_heading_is_keep_a_changelog_without_saying_so(
    make_repo: Callable[[str], Any],
) -> None:
    """The versions inside a heading's link target are not the heading's version: a file that
    never names Keep a Changelog is still read as one by its ``## [Unreleased](...)`` heading."""
    plain = LINKED.format(old="1.1.0", first="1.0.0").replace(INTRO, "# Changelog\n\n")
    repo = make_project(make_repo, plain, "1.1.0")

    done = run(repo)

    assert done.exit_code == 0, done.output
    text = (repo.path / "CHANGELOG.md").read_text()
    assert text.count("## [Unreleased]") == 1
    assert text.startswith(
        f"# Changelog\n\n## [Unreleased]({BASE}/compare/1.1.1...HEAD)\n\n"
        f"## [1.1.1]({BASE}/compare/1.1.0...1.1.1) - {date.today().isoformat()}\n\n"
    )


@pytest.mark.parametrize("flag", ["--no-tag", "--no-commit"])
def test_a_release_that_makes_no_tag_links_to_none(
    make_repo: Callable[[str], Any], flag: str
) -> None:
    """Without a tag there is nothing to compare with: the links stay as they were."""
    repo = make_project(make_repo, LINKED.format(old="1.1.0", first="1.0.0"), "1.1.0")

    done = run(repo, flag)

    assert done.exit_code == 0, done.output
    assert repo.git("tag", "--list", "1.1.1") == ""
    text = (repo.path / "CHANGELOG.md").read_text()
    assert f"## [Unreleased]({BASE}/compare/1.1.0...HEAD)" in text
    assert f"## [1.1.1] - {date.today().isoformat()}" in text
    assert "1.1.0...1.1.1" not in text
