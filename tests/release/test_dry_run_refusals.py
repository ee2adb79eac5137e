"""A dry run shows what the release would do, then ends as the real run would: a state the
real run refuses gives the same exit code after the preview, so a CI dry-run gate catches it."""

from __future__ import annotations

import json

from click.testing import CliRunner, Result

from gitrepo import GitRepo
from release_tools.cli import cli

#: No forge token, whatever the environment running the tests holds.
NO_TOKEN: dict[str, str | None] = {"GITHUB_TOKEN": None, "GH_TOKEN": None}


def _run(repo: GitRepo, *args: str, env: dict[str, str | None] | None = None) -> Result:
    return CliRunner().invoke(cli, ["release", "-C", str(repo.path), *args], env=env or NO_TOKEN)


def _project(repo: GitRepo, *, commit_plan: bool = True) -> None:
    repo.write("pyproject.toml", '[project]\nname = "demo"\nversion = "1.0.0"\n')
    repo.write("CHANGELOG.md", "# Changelog\n")
    repo.commit("chore: initial")
    repo.tag("v1.0.0")
    repo.write(".nx/version-plans/version-plan-1.md", "---\ndemo: minor\n---\n\nfeat: more\n")
    if commit_plan:
        repo.commit("chore: plan")


def test_a_clean_dry_run_exits_0(repo: GitRepo) -> None:
    _project(repo)
    result = _run(repo, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "dry run, nothing changed: demo 1.0.0 -> 1.1.0" in result.stdout


def test_uncommitted_plan_json_report_then_exit_1(repo: GitRepo) -> None:
    _project(repo, commit_plan=False)
    result = _run(repo, "--dry-run", "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)  # one JSON object: the report, no error object after it
    assert report["dry_run"] is True
    assert report["releases"][0]["new_version"] == "1.1.0"
    assert len(report["refused"]) == 1
    assert report["refused"][0].startswith("uncommitted changes in files the release must change")
    assert "error: the release would be refused: uncommitted changes" in result.stderr
    assert _run(repo).exit_code == 1  # the real run ends the same way


def test_forge_release_without_push_exits_2_like_the_real_run(repo: GitRepo) -> None:
    _project(repo)
    dry = _run(repo, "--dry-run", "--forge-release", "github")
    assert dry.exit_code == 2, dry.output
    assert "would commit" in dry.stdout
    assert "error: the release would be refused: --forge-release github needs --push" in dry.stderr
    assert _run(repo, "--forge-release", "github").exit_code == 2


def test_forge_release_without_a_token_exits_2_like_the_real_run(repo: GitRepo) -> None:
    # No GITHUB_TOKEN/GH_TOKEN (the test environment has none): the real run stops with a
    # usage error before it writes anything; the dry run previews, then refuses the same way.
    _project(repo)
    repo.git("remote", "add", "origin", "https://github.com/owner/demo.git")
    args = ("--forge-release", "github", "--push")
    dry = _run(repo, "--dry-run", "--format", "json", *args)
    assert dry.exit_code == 2, dry.output
    report = json.loads(dry.stdout)
    assert report["releases"][0]["new_version"] == "1.1.0"
    assert report["refused"] == [
        "--forge-release github: no GitHub token: set GITHUB_TOKEN (or GH_TOKEN)"
    ]
    head = repo.head()
    real = _run(repo, *args)
    assert real.exit_code == 2
    assert "no GitHub token" in real.stderr
    assert repo.head() == head and not repo.git("tag", "--list", "v1.1.0").strip()


def test_each_refusal_is_printed_once(repo: GitRepo) -> None:
    # The reason is an error line after the preview, not also a warning before it.
    _project(repo)
    repo.git("remote", "add", "origin", "https://github.com/owner/demo.git")
    dry = _run(repo, "--dry-run", "--forge-release", "github")
    assert dry.exit_code == 2, dry.output
    assert dry.stderr.count("needs --push") == 1, dry.stderr
    assert dry.stderr.count("no GitHub token") == 1, dry.stderr
    report = json.loads(
        _run(repo, "--dry-run", "--format", "json", "--forge-release", "github").stdout
    )
    assert len(report["refused"]) == 2
    assert not any("push" in w or "token" in w for w in report["warnings"])


def test_an_asset_glob_matching_nothing_is_refused_after_the_preview(repo: GitRepo) -> None:
    _project(repo)
    repo.git("remote", "add", "origin", "https://github.com/owner/demo.git")
    args = ("--push", "--forge-release", "github", "--release-asset", "dist/*")
    token = {"GITHUB_TOKEN": "ghs_test", "GH_TOKEN": None}
    dry = _run(repo, "--dry-run", *args, env=token)
    assert dry.exit_code == 2, dry.output
    assert "would create GitHub release v1.1.0 on owner/demo" in dry.stdout
    assert "error: the release would be refused: --release-asset dist/*: no file matches it" in (
        dry.stderr
    )
    report = json.loads(_run(repo, "--dry-run", "--format", "json", *args, env=token).stdout)
    assert report["releases"][0]["new_version"] == "1.1.0"
    assert len(report["refused"]) == 1
    assert report["refused"][0].startswith("--release-asset dist/*: no file matches it")
    # The real run refuses it before any write, with the same reason and code.
    head = repo.head()
    real = _run(repo, *args, env=token)
    assert real.exit_code == 2
    assert "error: --release-asset dist/*: no file matches it" in real.stderr
    assert repo.head() == head and not repo.git("tag", "--list", "v1.1.0")
