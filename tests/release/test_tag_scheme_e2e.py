"""A workspace whose tags are ``a-v0.4.0``, with no tag format configured, from start to end.

The scheme comes from the existing tags alone: ``analyze`` must start from ``a-v0.4.0`` and
``release`` must tag ``a-v0.5.0``. The workspace default ``a@0.5.0`` would be a second, parallel
line of tags that the next analysis could not find.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner, Result

from gitrepo import GitRepo
from release_tools.cli import cli


def run(repo: GitRepo, *args: str) -> Result:
    command, *rest = args
    result = CliRunner().invoke(cli, [command, "-C", str(repo.path), *rest])
    assert result.exit_code == 0, result.output
    return result


def as_json(repo: GitRepo, *args: str) -> Any:
    return json.loads(run(repo, *args, "--format", "json").stdout)


def build(repo: GitRepo, *, earlier_tag: str | None = None) -> GitRepo:
    """npm workspaces a (0.4.0) and b (1.0.0), released as a-v0.4.0 and b-v1.0.0; then a feat in a.

    ``earlier_tag`` tags a commit before those releases (an older scheme the project left).
    Nothing configures a tag format: no nx.json, no release-tools.toml, no tool table.
    """
    repo.write("package.json", json.dumps({"private": True, "workspaces": ["packages/*"]}))
    repo.write("packages/a/package.json", json.dumps({"name": "a", "version": "0.3.0"}))
    repo.write("packages/a/index.js", "export const x = 1;\n")
    repo.write("packages/b/package.json", json.dumps({"name": "b", "version": "1.0.0"}))
    repo.write("packages/b/index.js", "export const z = 1;\n")
    repo.commit("chore: initial")
    if earlier_tag is not None:
        repo.tag(earlier_tag)
    repo.write("packages/a/package.json", json.dumps({"name": "a", "version": "0.4.0"}))
    repo.write("packages/a/index.js", "export const x = 1;\nexport function f() {}\n")
    repo.commit("feat(a): export f")
    repo.tag("a-v0.4.0")
    repo.tag("b-v1.0.0")
    repo.write(
        "packages/a/index.js", "export const x = 1;\nexport function f() {}\nexport const y = 2;\n"
    )
    repo.commit("feat(a): export y")
    return repo


@pytest.fixture
def workspace(repo: GitRepo) -> GitRepo:
    return build(repo)


def test_projects_reports_the_scheme_read_from_the_tags(workspace: GitRepo) -> None:
    listing = run(workspace, "projects").stdout.splitlines()
    assert [line.split()[0] for line in listing] == ["a", "b"]
    assert all("tags {name}-v{version} (from tags)" in line for line in listing), listing


@pytest.mark.parametrize("earlier_tag", [None, "a@0.3.0"])
def test_analyze_starts_from_the_inferred_tag(repo: GitRepo, earlier_tag: str | None) -> None:
    # With a@0.3.0 left from an older scheme, only the scheme of the highest tag (a-v) gives the
    # right start; without it, the tag_pattern fallback would find a-v0.4.0 under any scheme.
    build(repo, earlier_tag=earlier_tag)
    report = as_json(repo, "analyze", "--project", "a")
    assert report["base"] == "a-v0.4.0"
    assert report["current_version"] == "0.4.0"
    assert report["next_version"] == "0.5.0"


def test_release_tags_in_the_inferred_scheme(workspace: GitRepo) -> None:
    made = run(workspace, "create-version-plan", "--project", "a", "--version-type", "minor")
    assert "a minor" in made.stdout
    workspace.commit("chore: plan a minor")

    report = as_json(workspace, "release")

    assert report["released"] is True
    assert [(r["name"], r["old_version"], r["new_version"]) for r in report["releases"]] == [
        ("a", "0.4.0", "0.5.0")
    ]
    assert report["tags"] == ["a-v0.5.0"]
    tags = workspace.git("tag", "--list").splitlines()
    assert sorted(tags) == ["a-v0.4.0", "a-v0.5.0", "b-v1.0.0"]
    assert "a@0.5.0" not in tags
    assert workspace.git("rev-list", "-n", "1", "a-v0.5.0") == workspace.head()
    version = json.loads((workspace.path / "packages/a/package.json").read_text("utf-8"))
    assert version["version"] == "0.5.0"

    # The next analysis finds the release just made, so the tag line is continuous.
    assert as_json(workspace, "analyze", "--project", "a")["base"] == "a-v0.5.0"
