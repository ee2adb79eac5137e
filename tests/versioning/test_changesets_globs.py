"""The package globs of ``.changeset/config.json`` (``ignore``, ``fixed``, ``linked``) read in
order, as changesets reads them: a later pattern overrides an earlier one (a name excluded by
``!`` comes back with a later positive pattern, and a negation before any positive one excludes
nothing); a list of negations alone matches every other package under 2.x and none under 3.x."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from release_tools.versioning.projects import Project, discover_projects
from release_tools.versioning.releaseconfig import match_changesets_patterns, read_release_config

NAMES = ("@acme/core", "@acme/internal", "@acme/web", "tool")


def _projects() -> list[Project]:
    return [
        Project(
            name,
            f"packages/{name.split('/')[-1]}",
            f"packages/{name}/package.json",
            "1.0.0",
            "node",
        )
        for name in NAMES
    ]


@pytest.mark.parametrize("major", [2, 3])
@pytest.mark.parametrize(
    ("patterns", "matched"),
    [
        (["@acme/*", "!@acme/internal"], ("@acme/core", "@acme/web")),
        # Back with a later positive pattern.
        (
            ["@acme/*", "!@acme/internal", "@acme/internal"],
            ("@acme/core", "@acme/internal", "@acme/web"),
        ),
        # A negation before the positive pattern it would cut from is overridden by it.
        (["!@acme/internal", "@acme/*"], ("@acme/core", "@acme/internal", "@acme/web")),
        (["!@acme/internal", "@acme/*", "!@acme/web"], ("@acme/core", "@acme/internal")),
        (["tool", "@acme/web"], ("@acme/web", "tool")),
        ([], ()),
    ],
)
def test_patterns_are_read_in_order(
    major: int, patterns: list[str], matched: tuple[str, ...]
) -> None:
    assert match_changesets_patterns(_projects(), patterns, major) == matched


def test_negations_alone_match_every_other_package_under_2x_and_none_under_3x() -> None:
    patterns = ["!@acme/*"]

    assert match_changesets_patterns(_projects(), patterns, 2) == ("tool",)
    assert match_changesets_patterns(_projects(), patterns, 3) == ()


def _workspace(root: Path, config: dict[str, object], cli: str) -> None:
    manifest = {
        "private": True,
        "workspaces": ["packages/*"],
        "devDependencies": {"@changesets/cli": cli},
    }
    (root / "package.json").write_text(json.dumps(manifest))
    (root / ".changeset").mkdir()
    (root / ".changeset/config.json").write_text(json.dumps(config))
    for name in NAMES:
        folder = root / "packages" / name.split("/")[-1]
        folder.mkdir(parents=True)
        (folder / "package.json").write_text(json.dumps({"name": name, "version": "1.0.0"}))


@pytest.mark.parametrize("cli", ["^2.27.0", "^3.0.1"])
def test_the_configuration_reads_ignore_fixed_and_linked_in_order(tmp_path: Path, cli: str) -> None:
    _workspace(
        tmp_path,
        {
            "ignore": ["!tool", "tool"],
            "fixed": [["@acme/*", "!@acme/web", "!@acme/internal", "@acme/internal"]],
            "linked": [["!@acme/web", "@acme/web"]],
        },
        cli,
    )

    config = read_release_config(tmp_path, discover_projects(tmp_path))

    assert config.ignored == frozenset({"tool"})
    groups = {g.relationship: g.members for g in config.groups}
    assert groups == {"fixed": ("@acme/core", "@acme/internal"), "linked": ("@acme/web",)}
