"""nx.json release groups and .changeset/config.json, as their users write them."""

from __future__ import annotations

import json
from pathlib import Path

from release_tools.versioning.projects import Project
from release_tools.versioning.releaseconfig import match_projects, read_release_config

PROJECTS = [
    Project("@acme/a", "packages/a", "packages/a/package.json", "1.0.0", "node"),
    Project("@acme/b", "packages/b", "packages/b/package.json", "1.0.0", "node"),
    Project("tool", "tools/tool", "tools/tool/package.json", "0.1.0", "node"),
]


def test_nx_groups_patterns_and_changelog_switch(tmp_path: Path) -> None:
    (tmp_path / "nx.json").write_text(
        json.dumps(
            {
                "release": {
                    "releaseTagPattern": "{projectName}@{version}",
                    "groups": {
                        "pkgs": {
                            "projects": ["packages/*", "!packages/b"],
                            "releaseTagPattern": "{releaseGroupName}-v{version}",
                        },
                        "tools": {"projects": "tool", "projectsRelationship": "independent"},
                    },
                    "changelog": {"projectChangelogs": False},
                }
            }
        )
    )
    config = read_release_config(tmp_path, PROJECTS)
    assert config.group_names == {"pkgs": ("@acme/a",), "tools": ("tool",)}
    assert config.group_of("@acme/a").relationship == "fixed"  # type: ignore[union-attr]
    assert config.tag_template_for("@acme/a") == "pkgs-v{version}"
    assert config.tag_template_for("tool") == "{name}@{version}"
    assert not config.project_changelogs


def test_nx_without_groups_is_one_fixed_default_group(tmp_path: Path) -> None:
    (tmp_path / "nx.json").write_text(json.dumps({"release": {}}))
    config = read_release_config(tmp_path, PROJECTS)
    assert [(g.name, g.relationship, len(g.members)) for g in config.groups] == [
        ("__default__", "fixed", 3)
    ]


def test_changesets_config(tmp_path: Path) -> None:
    (tmp_path / ".changeset").mkdir()
    (tmp_path / ".changeset/config.json").write_text(
        json.dumps(
            {
                "fixed": [["@acme/*"]],
                "ignore": ["tool"],
                "updateInternalDependents": "out-of-range",
                "baseBranch": "develop",
            }
        )
    )
    config = read_release_config(tmp_path, PROJECTS)
    assert config.groups[0].members == ("@acme/a", "@acme/b")
    assert config.ignored == frozenset({"tool"})
    assert (config.update_dependents, config.base_branch) == ("out-of-range", "develop")
    assert config.sources == (".changeset/config.json",)


def test_name_patterns_stop_at_a_slash_as_nx_and_changesets_match() -> None:
    nested = [
        *PROJECTS,
        Project("@acme/ui/icons", "packages/icons", "x/package.json", "1.0.0", "node"),
    ]
    assert match_projects(nested, ["@acme/*"]) == ("@acme/a", "@acme/b")
    assert match_projects(nested, ["@acme/**"]) == ("@acme/a", "@acme/b", "@acme/ui/icons")
    assert match_projects(nested, ["@acme/*", "!@acme/b"]) == ("@acme/a",)
    assert match_projects(nested, ["too?"]) == ("tool",)


PRIVATE = [
    Project("app", "apps/app", "apps/app/package.json", "1.0.0", "node", private=True),
    Project("lib", "packages/lib", "packages/lib/package.json", "1.0.0", "node"),
]


def _private_rules(root: Path) -> tuple[str | None, bool, str | None, bool]:
    config = read_release_config(root, PRIVATE)
    app, lib = PRIVATE
    return config.held_back(app), config.tags(app), config.held_back(lib), config.tags(lib)


def test_without_changesets_private_projects_are_released_and_tagged(tmp_path: Path) -> None:
    assert _private_rules(tmp_path) == (None, True, None, True)


def _pin_changesets_2(root: Path) -> None:
    """A root package.json requiring changesets 2.x, whose privatePackages defaults apply."""
    (root / "package.json").write_text(
        json.dumps({"private": True, "devDependencies": {"@changesets/cli": "^2.27.0"}})
    )


def test_changesets_defaults_version_private_packages_without_tags(tmp_path: Path) -> None:
    _pin_changesets_2(tmp_path)
    (tmp_path / ".changeset").mkdir()
    (tmp_path / ".changeset/config.json").write_text("{}")
    assert _private_rules(tmp_path) == (None, False, None, True)


def test_changesets_private_packages_settings(tmp_path: Path) -> None:
    _pin_changesets_2(tmp_path)
    (tmp_path / ".changeset").mkdir()
    path = tmp_path / ".changeset/config.json"
    path.write_text(json.dumps({"privatePackages": {"version": True, "tag": True}}))
    assert _private_rules(tmp_path) == (None, True, None, True)
    path.write_text(json.dumps({"privatePackages": {"version": False}}))
    reason = "private, and .changeset/config.json says privatePackages.version: false"
    assert _private_rules(tmp_path) == (reason, False, None, True)
    # ``false`` alone turns both off.
    path.write_text(json.dumps({"privatePackages": False}))
    assert _private_rules(tmp_path) == (reason, False, None, True)


def test_ignored_is_held_back_whether_private_or_not(tmp_path: Path) -> None:
    (tmp_path / ".changeset").mkdir()
    (tmp_path / ".changeset/config.json").write_text(json.dumps({"ignore": ["lib", "app"]}))
    config = read_release_config(tmp_path, PRIVATE)
    assert [config.held_back(p) for p in PRIVATE] == ["ignored by .changeset/config.json"] * 2


def test_nx_commit_message_is_read_when_usable(tmp_path: Path) -> None:
    def message(release: dict[str, object]) -> str | None:
        (tmp_path / "nx.json").write_text(json.dumps({"release": release}))
        return read_release_config(tmp_path, PROJECTS).commit_message

    assert message({"git": {"commitMessage": "chore: publish {version}"}}) == (
        "chore: publish {version}"
    )
    # The version command's own git settings override the global ones, as in Nx.
    both = {"git": {"commitMessage": "a {version}"}, "version": {"git": {"commitMessage": "b"}}}
    assert message(both) == "b"
    assert message({"git": {"commitMessage": "{projectName} {version}"}}) is None
    assert message({"git": {"commitMessage": "  "}}) is None
    assert message({"git": {"commit": False}}) is None
    assert message({}) is None


def test_nx_default_tag_templates_follow_the_relationship(tmp_path: Path) -> None:
    nx = tmp_path / "nx.json"
    nx.write_text(json.dumps({"release": {}}))
    fixed = read_release_config(tmp_path, PROJECTS)
    assert fixed.default_tag_template_for("@acme/a") == "v{version}"
    nx.write_text(json.dumps({"release": {"projectsRelationship": "independent"}}))
    independent = read_release_config(tmp_path, PROJECTS)
    assert independent.default_tag_template_for("tool") == "{name}@{version}"
    # Two fixed groups cannot share v{version}: no Nx default is assumed for them.
    groups = {"one": {"projects": ["packages/*"]}, "two": {"projects": ["tool"]}}
    nx.write_text(json.dumps({"release": {"groups": groups}}))
    assert read_release_config(tmp_path, PROJECTS).default_tag_template_for("tool") is None
    (tmp_path / "nx.json").unlink()
    assert read_release_config(tmp_path, PROJECTS).default_tag_template_for("tool") is None


def test_nx_git_switches_and_changesets_commit(tmp_path: Path) -> None:
    nx = tmp_path / "nx.json"
    nx.write_text(json.dumps({"release": {"git": {"commit": False, "tag": "yes"}}}))
    config = read_release_config(tmp_path, PROJECTS)
    assert (config.git_commit, config.git_tag) == (False, None)  # a non-boolean is not read
    nx.write_text(
        json.dumps({"release": {"git": {"tag": False}, "version": {"git": {"tag": True}}}})
    )
    assert read_release_config(tmp_path, PROJECTS).git_tag is True
    (tmp_path / ".changeset").mkdir()
    settings = tmp_path / ".changeset/config.json"
    for value, expected in ((True, True), ("@changesets/cli/commit", True), (False, False)):
        settings.write_text(json.dumps({"commit": value}))
        assert read_release_config(tmp_path, PROJECTS).plan_commit is expected, value
    settings.write_text("{}")
    assert read_release_config(tmp_path, PROJECTS).plan_commit is None
