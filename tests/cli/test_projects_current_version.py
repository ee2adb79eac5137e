"""``projects`` shows the current version analyze and release use, and where it was read."""

from __future__ import annotations

import json
from typing import Any

from click.testing import CliRunner, Result

from gitrepo import GitRepo
from release_tools.cli import cli


def _run(repo: GitRepo, *args: str) -> Result:
    result = CliRunner().invoke(cli, [args[0], "-C", str(repo.path), *args[1:]])
    assert result.exit_code == 0, result.output
    return result


def _json(repo: GitRepo, *args: str) -> Any:
    return json.loads(_run(repo, *args, "--format", "json").stdout)


def _placeholder_released(repo: GitRepo) -> None:
    """A package.json kept at the 0.0.0 placeholder, released as v1.3.0, then a feature."""
    repo.write("package.json", json.dumps({"name": "pkg", "version": "0.0.0"}) + "\n")
    repo.write("index.js", "export const a = 1;\n")
    repo.commit("chore: init")
    repo.tag("v1.3.0")
    repo.write("index.js", "export const a = 1;\nexport const b = 2;\n")
    repo.commit("feat: b")


def test_a_placeholder_manifest_shows_the_tags_version_as_analyze_does(repo: GitRepo) -> None:
    _placeholder_released(repo)
    analyzed = _json(repo, "analyze")
    assert analyzed["current_version"] == "1.3.0"
    [row] = _json(repo, "projects")
    assert row["version"] == analyzed["current_version"]
    assert row["version_source"] == "tag"
    assert row["manifest_version"] == "0.0.0"
    line = _run(repo, "projects").stdout.splitlines()[0]
    assert line.split()[:3] == ["pkg", "1.3.0", "(tag)"]


def test_a_manifest_version_is_shown_as_the_manifests(repo: GitRepo) -> None:
    repo.write("package.json", json.dumps({"name": "pkg", "version": "2.0.0-dev"}) + "\n")
    repo.commit("chore: init")
    repo.tag("v1.3.0")
    [row] = _json(repo, "projects")
    assert (row["version"], row["version_source"], row["manifest_version"]) == (
        "2.0.0-dev",
        "manifest",
        "2.0.0-dev",
    )
    assert _run(repo, "projects").stdout.split()[:3] == ["pkg", "2.0.0-dev", "."]


def test_a_project_never_released_without_a_version_shows_none(repo: GitRepo) -> None:
    repo.write("package.json", json.dumps({"name": "pkg"}) + "\n")
    repo.commit("chore: init")
    [row] = _json(repo, "projects")
    assert (row["version"], row["version_source"], row["manifest_version"]) == (None, "none", None)
    assert _run(repo, "projects").stdout.split()[:3] == ["pkg", "-", "."]
