"""Forge release planning: one release per tag, the dry-run lines and the finishing command."""

from __future__ import annotations

from pathlib import Path

import pytest

from release_tools.errors import UsageError
from release_tools.release.forge.publishing import (
    ForgeRelease,
    is_prerelease,
    merge_by_tag,
    plan_forge,
)

ENV = {"GITHUB_TOKEN": "ghs_0123456789abcdef", "GITHUB_REPOSITORY": "acme/demo"}


@pytest.mark.parametrize(
    ("version", "expected"),
    [
        ("1.3.0", False),
        ("1.3.0-rc.1", True),
        ("1.3.0rc1", True),
        ("2.0.0a1", True),
        ("2.0.0.dev3", True),
        ("1.3.0+build.5", False),
        ("not a version", False),
    ],
)
def test_is_prerelease(version: str, expected: bool) -> None:
    assert is_prerelease(version) is expected


def test_a_shared_tag_gets_one_release_with_each_members_notes() -> None:
    merged = merge_by_tag(
        [
            ForgeRelease("v2.0.0", "2.0.0", "core", "- core change\n", False),
            ForgeRelease("v2.0.0", "2.0.0", "cli", "- cli change\n", False),
            ForgeRelease("lib@1.0.0", "1.0.0", "lib", "- lib\n", False),
            ForgeRelease("v3.0.0", "3.0.0", "a", "- same\n", False),
            ForgeRelease("v3.0.0", "3.0.0", "b", "- same\n", True),
        ]
    )
    assert [r.tag for r in merged] == ["v2.0.0", "lib@1.0.0", "v3.0.0"]
    assert merged[0].notes == "## core\n\n- core change\n\n## cli\n\n- cli change\n"
    assert merged[2].notes == "- same\n" and merged[2].prerelease is True


def test_plan_lines_and_finishing_command(tmp_path: Path) -> None:
    (tmp_path / "dist").mkdir()
    (tmp_path / "dist" / "a b.whl").write_bytes(b"x")
    plan = plan_forge(
        "auto",
        ["dist/*.whl"],
        [ForgeRelease("v1.0.0", "1.0.0", "demo", "", False)],
        root=tmp_path,
        git_dir=None,
        remote_url="git@github.com:acme/demo.git",
        environ=ENV,
        dry_run=False,
        assets_later=False,
    )
    assert plan.actions() == [
        "create GitHub release v1.0.0 on acme/demo (prerelease: no, assets: a b.whl)"
    ]
    assert plan.finishing_command("v1.0.0") == (
        "release-tools forge-release --tag v1.0.0 --forge github --release-asset 'dist/*.whl'"
    )


def test_a_real_run_refuses_what_a_dry_run_warns_about(tmp_path: Path) -> None:
    release = [ForgeRelease("v1.0.0", "1.0.0", "demo", "", False)]
    common = {
        "root": tmp_path,
        "git_dir": None,
        "remote_url": "/srv/git/demo.git",
        "environ": {},
        "assets_later": False,
    }
    with pytest.raises(UsageError, match="no GitHub token"):
        plan_forge("github", [], release, dry_run=False, **common)  # type: ignore[arg-type]
    plan = plan_forge("github", [], release, dry_run=True, **common)  # type: ignore[arg-type]
    assert plan.problems == [
        "--forge-release github: no GitHub token: set GITHUB_TOKEN (or GH_TOKEN)",
        "--forge-release github: cannot tell the GitHub repository: set "
        "GITHUB_REPOSITORY=owner/name or give the git remote a GitHub URL",
    ]
    assert plan.actions() == [
        "create GitHub release v1.0.0 on (unknown repository) (prerelease: no, assets: none)"
    ]


def test_assets_the_publish_command_will_build_are_a_warning_only(tmp_path: Path) -> None:
    plan = plan_forge(
        "github",
        ["dist/*.whl"],
        [ForgeRelease("v1.0.0", "1.0.0", "demo", "", False)],
        root=tmp_path,
        git_dir=None,
        remote_url=None,
        environ=ENV,
        dry_run=False,
        assets_later=True,
    )
    assert plan.warnings == [
        f"--release-asset dist/*.whl: no file matches it (in {tmp_path.resolve()}) yet; "
        "the publish command must create it"
    ]
    with pytest.raises(UsageError, match="leads outside"):
        plan_forge(
            "github",
            ["../*.whl"],
            [],
            root=tmp_path,
            git_dir=None,
            remote_url=None,
            environ=ENV,
            dry_run=True,
            assets_later=True,
        )
