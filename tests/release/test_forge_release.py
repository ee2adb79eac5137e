"""``release --forge-release`` and ``forge-release`` end to end: real repositories with a bare
remote, the CLI through click's runner, and the in-process fake forge on 127.0.0.1."""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from forge_server import FakeForge, Reply, iter_tokens

from forge_cli import github_env, github_release, gitlab_env, remote_tags, run
from release_tools.release.forge import publishing


@pytest.fixture
def repo(python_repo: Any, bare_remote: Callable[[Any], Path]) -> Any:
    """demo 1.2.3 with a minor plan pending (1.3.0) and a bare ``origin``."""
    bare_remote(python_repo)
    return python_repo


def assert_no_token(forge: FakeForge, *texts: str) -> None:
    for token in iter_tokens(forge):
        for text in texts:
            assert token not in text
            assert token[:12] not in text


# --- GitHub -------------------------------------------------------------------------------


def test_github_release_made_after_the_push_with_the_changelog_section(
    repo: Any, forge: FakeForge, sleeps: list[float]
) -> None:
    result = github_release(repo, forge)
    assert result.exit_code == 0, result.output
    release = forge.github_releases["v1.3.0"]
    assert release["name"] == "v1.3.0"
    assert release["prerelease"] is False and release["draft"] is False
    assert "add extra()" in release["body"]
    assert "1.2.3" not in release["body"]  # only the new section, not the older ones
    assert not release["body"].startswith("## ")  # the heading is the release's title
    post = forge.of("POST", "/repos/acme/demo/releases")[0]
    assert post.headers["authorization"] == f"Bearer {forge.github_token}"
    assert post.headers["accept"] == "application/vnd.github+json"
    assert post.headers["x-github-api-version"] == "2022-11-28"
    assert "refs/tags/v1.3.0" in remote_tags(repo)
    url = "https://github.example/acme/demo/releases/tag/v1.3.0"
    assert f"created GitHub release v1.3.0: {url}" in result.stdout
    assert sleeps == []


def test_the_tag_is_on_the_remote_when_the_forge_is_asked(
    repo: Any, forge: FakeForge, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str] = []
    handle = forge.handle

    def spying(request: Any) -> Reply:
        seen.append(remote_tags(repo))
        return handle(request)

    monkeypatch.setattr(forge, "handle", spying)
    result = github_release(repo, forge)
    assert result.exit_code == 0, result.output
    assert seen and all("refs/tags/v1.3.0" in tags for tags in seen)


def test_an_existing_release_is_updated_and_its_asset_replaced(repo: Any, forge: FakeForge) -> None:
    forge.github_releases["v1.3.0"] = {
        "id": 7,
        "tag_name": "v1.3.0",
        "name": "old",
        "body": "old notes",
        "prerelease": False,
        "assets": {"demo.tar.gz": {"id": 70, "name": "demo.tar.gz", "data": "stale"}},
    }
    repo.write("dist/demo.tar.gz", b"\x1f\x8bfresh")
    repo.write("dist/notes.txt", "hello\n")
    result = github_release(
        repo, forge, "--release-asset", "dist/*.tar.gz", "--release-asset", "dist/*.txt"
    )
    assert result.exit_code == 0, result.output
    assert list(forge.github_releases) == ["v1.3.0"]  # updated, not doubled
    release = forge.github_releases["v1.3.0"]
    assert release["id"] == 7 and "add extra()" in release["body"]
    assert len(forge.of("PATCH", "/repos/acme/demo/releases/7")) == 1
    assert [r.route for r in forge.of("DELETE")] == ["/repos/acme/demo/releases/assets/70"]
    assets = release["assets"]
    assert sorted(assets) == ["demo.tar.gz", "notes.txt"]
    assert assets["demo.tar.gz"]["data"] == "\x1f\x8bfresh"
    assert assets["demo.tar.gz"]["content_type"] == "application/gzip"
    assert assets["notes.txt"]["content_type"] == "text/plain"
    uploads = forge.of("POST", "/uploads/")
    assert {u.path.split("?")[1] for u in uploads} == {"name=demo.tar.gz", "name=notes.txt"}
    assert "updated GitHub release v1.3.0" in result.stdout


def _preminor(repo: Any) -> None:
    repo.write(
        ".nx/version-plans/version-plan-1700000000000.md",
        "---\ndemo: preminor\n---\n\nfeat: add extra()\n",
    )
    repo.commit("chore: preminor plan")
    repo.git("push", "-q", "origin", "main")


def test_a_prerelease_version_makes_a_prerelease(repo: Any, forge: FakeForge) -> None:
    _preminor(repo)
    result = github_release(repo, forge)
    assert result.exit_code == 0, result.output
    (tag,) = forge.github_releases
    assert tag.startswith("v1.3.0rc")
    assert forge.github_releases[tag]["prerelease"] is True


@pytest.mark.parametrize(("flag", "expected"), [("--prerelease", True), ("--no-prerelease", False)])
def test_the_prerelease_flag_overrides_the_version(
    repo: Any, forge: FakeForge, flag: str, expected: bool
) -> None:
    if not expected:
        _preminor(repo)
    result = github_release(repo, forge, flag)
    assert result.exit_code == 0, result.output
    (release,) = forge.github_releases.values()
    assert release["prerelease"] is expected


def test_server_errors_and_rate_limits_are_retried_without_sleeping(
    repo: Any, forge: FakeForge, sleeps: list[float]
) -> None:
    reset = str(int(time.time()) + 30)
    forge.script(
        "POST",
        "/repos/acme/demo/releases",
        Reply(502, b"<html>bad gateway</html>"),
        Reply(500, {"message": "Server Error"}),
        Reply(
            403,
            {"message": "You have exceeded a secondary rate limit."},
            {"Retry-After": "7"},
        ),
        Reply(
            403,
            {"message": "API rate limit exceeded"},
            {"x-ratelimit-remaining": "0", "x-ratelimit-reset": reset},
        ),
        Reply(429, {"message": "slow down"}, {"Retry-After": "3"}),
    )
    result = github_release(repo, forge)
    assert result.exit_code == 0, result.output
    assert len(forge.of("POST", "/repos/acme/demo/releases")) == 6
    assert list(forge.github_releases) == ["v1.3.0"]
    assert len(sleeps) == 5
    assert 0 < sleeps[0] <= 1.0 and 0 < sleeps[1] <= 2.0  # the backoff
    assert sleeps[2] == 7.0  # Retry-After
    assert 28.0 <= sleeps[3] <= 32.0  # until x-ratelimit-reset
    assert sleeps[4] == 3.0


def test_server_errors_that_persist_fail_in_one_line_with_the_way_to_finish(
    repo: Any, forge: FakeForge, sleeps: list[float]
) -> None:
    forge.script("POST", "/repos/acme/demo/releases", *[Reply(502, b"")] * 10)
    result = github_release(repo, forge)
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "GitHub failed with 502 after 6 attempts" in lines[0]
    assert "released and pushed v1.3.0" in lines[0]
    assert "release-tools forge-release --tag v1.3.0 --forge github" in lines[0]
    assert len(sleeps) == 5
    assert "refs/tags/v1.3.0" in remote_tags(repo)
    # The journal keeps the forge release that is left, for the next run to name.
    assert (repo.path / ".git" / "release-tools" / "journal.json").is_file()


def test_a_rate_limit_beyond_the_wait_allowed_fails_at_once(
    repo: Any, forge: FakeForge, sleeps: list[float]
) -> None:
    reset = str(int(time.time()) + 3600)
    forge.script(
        "POST",
        "/repos/acme/demo/releases",
        Reply(
            403,
            {"message": "API rate limit exceeded"},
            {"x-ratelimit-remaining": "0", "x-ratelimit-reset": reset},
        ),
    )
    result = github_release(repo, forge)
    assert result.exit_code == 1
    assert "GitHub rate limit hit on the first attempt" in result.stderr
    assert sleeps == []


def test_a_rejected_token_is_one_line_and_never_shown(repo: Any, forge: FakeForge) -> None:
    env = github_env(forge, GITHUB_TOKEN="ghp_wrongwrongwrongwrongwrong0123456789")
    result = run(
        repo, "release", "--push", "--forge-release", "github", "--log-level", "debug", env=env
    )
    assert result.exit_code == 1
    error = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(error) == 1
    assert "GitHub rejected the token (401 Bad credentials)" in error[0]
    assert "release-tools forge-release --tag v1.3.0 --forge github" in error[0]
    assert "ghp_wrongwrong" not in result.output + result.stderr
    assert "wrongwrong0123456789" not in result.output + result.stderr


def test_an_invisible_repository_is_a_404_message(repo: Any, forge: FakeForge) -> None:
    env = github_env(forge, GITHUB_REPOSITORY="acme/secret")
    result = run(repo, "release", "--push", "--forge-release", "github", env=env)
    assert result.exit_code == 1
    assert "GitHub repository acme/secret not found or not visible to the token" in result.stderr
    assert "release-tools forge-release --tag v1.3.0 --forge github" in result.stderr


def test_the_token_never_reaches_any_output_at_debug_level(
    repo: Any, forge: FakeForge, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    repo.write("dist/demo.txt", "x\n")
    result = github_release(repo, forge, "--release-asset", "dist/demo.txt", "--log-level", "debug")
    assert result.exit_code == 0, result.output
    assert "GET" in result.stderr or "POST" in result.stderr  # debug lines were written
    httpx_records = [r for r in caplog.records if r.name.startswith(("httpx", "httpcore"))]
    assert httpx_records  # the HTTP library logged too, and was captured
    assert_no_token(forge, result.output, result.stderr, caplog.text)


def test_json_report_and_github_output_carry_the_release_url(
    repo: Any, forge: FakeForge, tmp_path: Path
) -> None:
    output = tmp_path / "github_output"
    output.write_text("")
    env = github_env(forge, GITHUB_OUTPUT=str(output))
    result = run(
        repo, "release", "--push", "--forge-release", "github", "--format", "json", env=env
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    url = "https://github.example/acme/demo/releases/tag/v1.3.0"
    assert report["forge_releases"] == [
        {
            "forge": "github",
            "repository": "acme/demo",
            "tag": "v1.3.0",
            "url": url,
            "created": True,
            "prerelease": False,
            "assets": [],
            "planned": False,
        }
    ]
    assert "release_url" in output.read_text() and url in output.read_text()


def test_the_repository_and_forge_come_from_the_remote_url(repo: Any, forge: FakeForge) -> None:
    bare = repo.git("remote", "get-url", "origin")
    repo.git("remote", "set-url", "origin", "git@github.com:acme/demo.git")
    repo.git("remote", "set-url", "--push", "origin", bare)
    env = {"GITHUB_TOKEN": forge.github_token, "GITHUB_API_URL": forge.url}
    result = run(repo, "release", "--push", "--forge-release", "auto", env=env)
    assert result.exit_code == 0, result.output
    assert "v1.3.0" in forge.github_releases


def test_assets_built_by_the_publish_command_are_attached(repo: Any, forge: FakeForge) -> None:
    result = github_release(
        repo,
        forge,
        "--publish-command",
        "mkdir -p dist && echo built > dist/demo-{version}.txt",
        "--release-asset",
        "dist/*.txt",
    )
    assert result.exit_code == 0, result.output
    assert list(forge.github_releases["v1.3.0"]["assets"]) == ["demo-1.3.0.txt"]


def test_the_config_file_turns_forge_releases_on(repo: Any, forge: FakeForge) -> None:
    text = (repo.path / "pyproject.toml").read_text()
    repo.write("pyproject.toml", text + 'forge-release = "github"\nrelease-assets = ["*.md"]\n')
    repo.commit("chore: forge releases")
    repo.git("push", "-q", "origin", "main")
    result = run(repo, "release", "--push", env=github_env(forge))
    assert result.exit_code == 0, result.output
    assert sorted(forge.github_releases["v1.3.0"]["assets"]) == ["CHANGELOG.md"]


# --- GitLab -------------------------------------------------------------------------------


def test_gitlab_release_with_a_private_token_and_packaged_assets(
    repo: Any, forge: FakeForge
) -> None:
    repo.write("dist/demo.whl", b"PK wheel")
    result = run(
        repo,
        "release",
        "--push",
        "--forge-release",
        "gitlab",
        "--release-asset",
        "dist/*.whl",
        "--prerelease",
        "--log-level",
        "debug",
        env=gitlab_env(forge),
    )
    assert result.exit_code == 0, result.output
    release = forge.gitlab_releases["v1.3.0"]
    assert "add extra()" in release["description"] and release["name"] == "v1.3.0"
    assert forge.packages == {"demo/1.3.0/demo.whl": b"PK wheel"}
    (link,) = release["links"]
    assert link["name"] == "demo.whl" and link["link_type"] == "package"
    assert link["url"].endswith(
        "/api/v4/projects/group%2Fdemo/packages/generic/demo/1.3.0/demo.whl"
    )
    for request in forge.requests:
        assert request.headers["private-token"] == forge.gitlab_tokens["private-token"]
        assert "job-token" not in request.headers
    url = "https://gitlab.example/group/demo/-/releases/v1.3.0"
    assert f"created GitLab release v1.3.0: {url}" in result.stdout
    assert "GitLab releases have no prerelease flag" in result.stderr
    assert_no_token(forge, result.output, result.stderr)


def test_gitlab_job_token_updates_an_existing_release(repo: Any, forge: FakeForge) -> None:
    forge.gitlab_releases["v1.3.0"] = {
        "tag_name": "v1.3.0",
        "name": "old",
        "description": "old",
        "links": [{"id": 9, "name": "demo.whl", "url": "https://old", "link_type": "package"}],
    }
    repo.write("dist/demo.whl", b"new wheel")
    result = run(
        repo,
        "release",
        "--push",
        "--forge-release",
        "gitlab",
        "--release-asset",
        "dist/demo.whl",
        env=gitlab_env(forge, job=True),
    )
    assert result.exit_code == 0, result.output
    release = forge.gitlab_releases["v1.3.0"]
    assert "add extra()" in release["description"]
    assert [r.route for r in forge.of("PUT", "/api/v4/projects/group%2Fdemo/releases/")] == [
        "/api/v4/projects/group%2Fdemo/releases/v1.3.0"
    ]
    assert [link["name"] for link in release["links"]] == ["demo.whl"]
    assert release["links"][0]["url"] != "https://old"
    for request in forge.requests:
        assert request.headers["job-token"] == forge.gitlab_tokens["job-token"]
    assert "updated GitLab release v1.3.0" in result.stdout


def test_gitlab_rejected_token(repo: Any, forge: FakeForge) -> None:
    env = gitlab_env(forge, GITLAB_TOKEN="glpat-nottherighttoken1234")
    result = run(repo, "release", "--push", "--forge-release", "gitlab", env=env)
    assert result.exit_code == 1
    assert "GitLab rejected the token (401" in result.stderr
    assert "release-tools forge-release --tag v1.3.0 --forge gitlab" in result.stderr
    assert "nottherighttoken" not in result.output + result.stderr


def test_auto_picks_gitlab_in_gitlab_ci(repo: Any, forge: FakeForge) -> None:
    env = gitlab_env(forge, job=True, GITLAB_CI="true")
    result = run(repo, "release", "--push", "--forge-release", "auto", env=env)
    assert result.exit_code == 0, result.output
    assert "v1.3.0" in forge.gitlab_releases


# --- refusals before the first write ------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "env_kind", "message"),
    [
        (["--forge-release", "github"], "github", "needs --push"),
        (["--push", "--forge-release", "github"], "none", "no GitHub token"),
        (["--push", "--forge-release", "gitlab"], "none", "no GitLab token"),
        (["--push", "--forge-release", "auto"], "none", "cannot tell the forge"),
        (
            ["--push", "--forge-release", "github", "--release-asset", "dist/*.zip"],
            "github",
            "no file matches it",
        ),
        (
            ["--push", "--forge-release", "github", "--release-asset", "../outside/*"],
            "github",
            "leads outside the work tree",
        ),
        (
            ["--push", "--forge-release", "github", "--release-asset", "link/*"],
            "github",
            "outside the work tree",
        ),
        (
            ["--push", "--forge-release", "github", "--no-tag"],
            "github",
            "needs the release tag",
        ),
    ],
)
def test_usage_errors_leave_the_repository_untouched(
    repo: Any,
    forge: FakeForge,
    state: Callable[[Any], Any],
    tmp_path: Path,
    args: list[str],
    env_kind: str,
    message: str,
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("not yours\n")
    os.symlink(outside, repo.path / "link")
    repo.git("push", "-q", "origin", "main")
    before = state(repo)
    remote_before = remote_tags(repo)
    env = {"github": github_env(forge), "none": {}}[env_kind]
    result = run(repo, "release", *args, env=env)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert state(repo) == before
    assert remote_tags(repo) == remote_before
    assert forge.requests == []


def test_a_missing_httpx_is_a_usage_error_naming_the_extra(
    repo: Any, forge: FakeForge, state: Callable[[Any], Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(publishing, "httpx_available", lambda: False)
    before = state(repo)
    result = github_release(repo, forge)
    assert result.exit_code == 2
    assert "pip install 'semver-release-tools[forge]'" in result.stderr
    assert state(repo) == before


def test_dry_run_describes_the_release_and_warns_about_what_is_missing(
    repo: Any, forge: FakeForge, state: Callable[[Any], Any]
) -> None:
    repo.write("dist/demo.txt", "x\n")
    before = state(repo)
    result = run(
        repo,
        "release",
        "--dry-run",
        "--forge-release",
        "github",
        "--release-asset",
        "dist/*.txt",
        env={"GITHUB_REPOSITORY": "acme/demo"},
    )
    assert result.exit_code == 2, result.output  # the preview, then the missing --push
    assert (
        "would create GitHub release v1.3.0 on acme/demo (prerelease: no, assets: demo.txt)"
        in result.stdout
    )
    assert "no GitHub token" in result.stderr
    assert "needs --push" in result.stderr
    assert state(repo) == before
    assert forge.requests == []


def test_dry_run_json_lists_the_forge_releases_it_would_make(
    repo: Any, forge: FakeForge, state: Callable[[Any], Any]
) -> None:
    repo.write("dist/demo.txt", "x\n")
    before = state(repo)
    args = ("--push", "--forge-release", "github", "--release-asset", "dist/*.txt")
    result = run(repo, "release", "--dry-run", "--format", "json", *args, env=github_env(forge))
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["forge_releases"] == [
        {
            "forge": "github",
            "repository": "acme/demo",
            "tag": "v1.3.0",
            "url": None,
            "created": False,
            "prerelease": False,
            "assets": [{"name": "demo.txt", "url": None}],
            "planned": True,
        }
    ]
    assert state(repo) == before
    assert forge.requests == []


# --- forge-release ------------------------------------------------------------------------


def test_forge_release_finishes_a_pushed_tag(repo: Any, forge: FakeForge) -> None:
    released = run(repo, "release", "--push")
    assert released.exit_code == 0, released.output
    result = run(
        repo, "forge-release", "--tag", "v1.3.0", "--forge", "github", env=github_env(forge)
    )
    assert result.exit_code == 0, result.output
    release = forge.github_releases["v1.3.0"]
    assert "add extra()" in release["body"] and "an old fix" not in release["body"]
    assert "created GitHub release v1.3.0" in result.stdout
    again = run(
        repo,
        "forge-release",
        "--tag",
        "v1.2.3",
        "--forge",
        "github",
        "--format",
        "json",
        env=github_env(forge),
    )
    assert again.exit_code == 0, again.output
    report = json.loads(again.stdout)
    assert report["version"] == "1.2.3" and report["forge_releases"][0]["tag"] == "v1.2.3"
    assert forge.github_releases["v1.2.3"]["body"].strip() == "### Fixed\n\n- an old fix"


def test_forge_release_with_notes_file_assets_and_prerelease(
    repo: Any, forge: FakeForge, tmp_path: Path
) -> None:
    assert run(repo, "release", "--push").exit_code == 0
    notes = tmp_path / "notes.md"
    notes.write_text("Hand-written notes.\n")
    repo.write("dist/a.zip", b"zip")
    result = run(
        repo,
        "forge-release",
        "--tag",
        "v1.3.0",
        "--forge",
        "gitlab",
        "--notes-file",
        str(notes),
        "--release-asset",
        "dist/*.zip",
        "--prerelease",
        env=gitlab_env(forge),
    )
    assert result.exit_code == 0, result.output
    release = forge.gitlab_releases["v1.3.0"]
    assert release["description"] == "Hand-written notes.\n"
    assert [link["name"] for link in release["links"]] == ["a.zip"]


def test_forge_release_refuses_a_tag_that_is_not_pushed(repo: Any, forge: FakeForge) -> None:
    repo.tag("v9.9.9")
    result = run(
        repo, "forge-release", "--tag", "v9.9.9", "--forge", "github", env=github_env(forge)
    )
    assert result.exit_code == 1
    assert "not on the remote origin: push it first" in result.stderr
    missing = run(
        repo, "forge-release", "--tag", "v8.0.0", "--forge", "github", env=github_env(forge)
    )
    assert missing.exit_code == 2
    assert "no such tag" in missing.stderr
    assert forge.requests == []


def test_forge_release_failure_names_the_command_again(repo: Any, forge: FakeForge) -> None:
    assert run(repo, "release", "--push").exit_code == 0
    env = github_env(forge, GITHUB_TOKEN="ghp_badbadbadbadbadbadbad0123")
    result = run(repo, "forge-release", "--tag", "v1.3.0", "--forge", "github", env=env)
    assert result.exit_code == 1
    assert "rejected the token" in result.stderr
    assert "release-tools forge-release --tag v1.3.0 --forge github" in result.stderr


# --- workspaces, resume, GitLab 404 -------------------------------------------------------


def test_one_release_per_project_tag_in_a_workspace(
    npm_workspace: Any, bare_remote: Callable[[Any], Path], forge: FakeForge
) -> None:
    bare_remote(npm_workspace)
    result = github_release(npm_workspace, forge)
    assert result.exit_code == 0, result.output
    tags = sorted(forge.github_releases)
    assert len(tags) == 2 and all(t in npm_workspace.git("tag", "-l") for t in tags)
    assert len(forge.of("POST", "/repos/acme/demo/releases")) == 2
    for tag in tags:
        assert f"created GitHub release {tag}" in result.stdout


def test_resume_after_a_failed_publish_makes_the_forge_release(repo: Any, forge: FakeForge) -> None:
    publish = "test -f ../ready"
    first = github_release(repo, forge, "--publish-command", publish)
    assert first.exit_code == 1
    assert "--resume" in first.stderr
    assert forge.requests == []
    (repo.path.parent / "ready").write_text("")
    resumed = run(
        repo,
        "release",
        "--resume",
        "--forge-release",
        "github",
        "--publish-command",
        publish,
        env=github_env(forge),
    )
    assert resumed.exit_code == 0, resumed.output
    assert "add extra()" in forge.github_releases["v1.3.0"]["body"]


def test_resume_without_a_token_stops_before_pushing(repo: Any, forge: FakeForge) -> None:
    first = run(repo, "release", "--push", "--publish-command", "false")
    assert first.exit_code == 1
    before = remote_tags(repo)
    resumed = run(repo, "release", "--resume", "--forge-release", "github", env={})
    assert resumed.exit_code == 2
    assert "no GitHub token" in resumed.stderr
    assert remote_tags(repo) == before


def test_a_resume_dry_run_without_a_token_ends_as_the_real_resume_would(
    repo: Any, forge: FakeForge
) -> None:
    first = run(repo, "release", "--push", "--publish-command", "false")
    assert first.exit_code == 1
    before = remote_tags(repo)
    preview = run(repo, "release", "--resume", "--dry-run", "--forge-release", "github", env={})
    assert preview.exit_code == 2, preview.output
    refused = [line for line in preview.stderr.splitlines() if "would be refused" in line]
    assert refused and "no GitHub token" in refused[0]
    # One prefix, as the real run's error has.
    assert refused[0].count("--forge-release github") == 1
    assert remote_tags(repo) == before
    real = run(repo, "release", "--resume", "--forge-release", "github", env={})
    assert real.exit_code == 2 and "no GitHub token" in real.stderr


def test_gitlab_unknown_project_is_a_404_message(repo: Any, forge: FakeForge) -> None:
    env = gitlab_env(forge, CI_PROJECT_ID="group/nope")
    result = run(repo, "release", "--push", "--forge-release", "gitlab", env=env)
    assert result.exit_code == 1
    assert "GitLab project group/nope not found or not visible to the token" in result.stderr


def test_an_upload_retried_after_a_lost_answer_replaces_its_first_copy(
    repo: Any, forge: FakeForge, sleeps: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first upload is stored but answered with a 502: the retry meets already_exists."""
    repo.write("dist/demo.txt", "x\n")
    handle = forge.handle
    failed: list[bool] = []

    def losing(request: Any) -> Reply:
        reply = handle(request)
        if request.path.startswith("/uploads/") and not failed:
            failed.append(True)
            return Reply(502, b"")
        return reply

    monkeypatch.setattr(forge, "handle", losing)
    result = github_release(repo, forge, "--release-asset", "dist/demo.txt")
    assert result.exit_code == 0, result.output
    assert list(forge.github_releases["v1.3.0"]["assets"]) == ["demo.txt"]
    assert len(forge.of("POST", "/uploads/")) == 3
    assert len(forge.of("DELETE")) == 1


def test_an_upload_url_on_another_site_never_gets_the_token(
    repo: Any, forge: FakeForge, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo.write("dist/demo.txt", "x\n")
    original = forge._github_release_json

    def elsewhere(release: dict[str, Any]) -> dict[str, Any]:
        return {**original(release), "upload_url": "https://evil.example/assets{?name,label}"}

    monkeypatch.setattr(forge, "_github_release_json", elsewhere)
    result = github_release(repo, forge, "--release-asset", "dist/demo.txt")
    assert result.exit_code == 1
    assert "upload URL on another site (https://evil.example)" in result.stderr
    assert forge.of("POST", "/uploads/") == []


def test_the_finishing_command_keeps_the_assets_and_an_overriding_prerelease_flag(
    repo: Any, forge: FakeForge
) -> None:
    repo.write("dist/demo.txt", "x\n")
    env = github_env(forge, GITHUB_TOKEN="ghp_notvalidnotvalidnotvalid0000")
    result = run(
        repo,
        "release",
        "--push",
        "--forge-release",
        "github",
        "--release-asset",
        "dist/*.txt",
        "--prerelease",
        env=env,
    )
    assert result.exit_code == 1
    command = (
        "`release-tools forge-release --tag v1.3.0 --forge github --release-asset 'dist/*.txt' "
        "--prerelease`"
    )
    assert command in result.stderr


@pytest.mark.parametrize(
    ("forge_flag", "message"),
    [
        ("github", "error: --forge github: no GitHub token"),
        ("auto", "error: --forge auto: cannot tell the forge"),
    ],
)
def test_forge_release_names_its_own_forge_option(
    repo: Any, forge: FakeForge, forge_flag: str, message: str
) -> None:
    result = run(
        repo,
        "forge-release",
        "--tag",
        "v1.2.3",
        "--forge",
        forge_flag,
        env={"GITHUB_REPOSITORY": "acme/demo"},
    )
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert "--forge-release" not in result.stderr
    assert forge.requests == []
