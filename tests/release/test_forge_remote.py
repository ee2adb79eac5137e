"""Forge, repository, API and token from git remote URLs and CI variables (pure)."""

from __future__ import annotations

import pytest

from release_tools.errors import UsageError
from release_tools.release.forge.remote import (
    Forge,
    RemoteLocation,
    choose_forge,
    parse_remote_url,
    resolve_target,
)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://github.com/acme/demo.git", RemoteLocation("github.com", "acme/demo")),
        ("https://github.com/acme/demo", RemoteLocation("github.com", "acme/demo")),
        ("https://github.com/acme/demo/", RemoteLocation("github.com", "acme/demo")),
        (
            "https://x-access-token:s3cr3t@github.com/acme/demo.git",
            RemoteLocation("github.com", "acme/demo"),
        ),
        ("git@github.com:acme/demo.git", RemoteLocation("github.com", "acme/demo")),
        ("github.com:acme/demo", RemoteLocation("github.com", "acme/demo")),
        ("ssh://git@github.com/acme/demo.git", RemoteLocation("github.com", "acme/demo")),
        (
            "ssh://git@gitlab.example:2222/group/sub/demo.git",
            RemoteLocation("gitlab.example", "group/sub/demo"),
        ),
        ("https://GitLab.com/group/sub/demo.git", RemoteLocation("gitlab.com", "group/sub/demo")),
        ("git://github.com/acme/demo.git", RemoteLocation("github.com", "acme/demo")),
        ("/srv/git/demo.git", None),
        ("../remote.git", None),
        ("file:///srv/git/demo.git", None),
        ("https://github.com/demo", None),
        ("https://github.com/acme/../demo", None),
        ("", None),
    ],
)
def test_parse_remote_url(url: str, expected: RemoteLocation | None) -> None:
    assert parse_remote_url(url) == expected


def test_choose_forge_explicit_ci_and_host() -> None:
    github = RemoteLocation("github.com", "a/b")
    gitlab = RemoteLocation("gitlab.example.org", "g/b")
    assert choose_forge("gitlab", {}, github) is Forge.GITLAB
    assert choose_forge("auto", {"GITHUB_ACTIONS": "true"}, gitlab) is Forge.GITHUB
    assert choose_forge("auto", {"GITLAB_CI": "true"}, github) is Forge.GITLAB
    assert choose_forge("auto", {}, github) is Forge.GITHUB
    assert choose_forge("auto", {}, gitlab) is Forge.GITLAB
    with pytest.raises(UsageError, match="cannot tell the forge"):
        choose_forge("auto", {}, RemoteLocation("git.example.org", "a/b"))
    with pytest.raises(UsageError, match="cannot tell the forge"):
        choose_forge("auto", {}, None)


def test_github_target_from_the_environment_wins() -> None:
    env = {
        "GITHUB_TOKEN": "t0ken-value",
        "GITHUB_API_URL": "https://ghe.example/api/v3",
        "GITHUB_REPOSITORY": "acme/real",
    }
    target = resolve_target(Forge.GITHUB, env, RemoteLocation("github.com", "acme/fork"))
    assert (target.api_url, target.repository, target.problems) == (
        "https://ghe.example/api/v3",
        "acme/real",
        (),
    )
    assert target.headers() == {
        "Accept": "application/vnd.github+json",
        "X-GitHub-Api-Version": "2022-11-28",
        "Authorization": "Bearer t0ken-value",
    }
    assert "t0ken-value" not in repr(target)


def test_github_target_from_the_remote_and_gh_token() -> None:
    target = resolve_target(
        Forge.GITHUB, {"GH_TOKEN": "x" * 10}, RemoteLocation("github.com", "a/b")
    )
    assert (target.api_url, target.repository, target.token_variable) == (
        "https://api.github.com",
        "a/b",
        "GH_TOKEN",
    )
    enterprise = resolve_target(Forge.GITHUB, {}, RemoteLocation("ghe.corp", "a/b"))
    assert enterprise.api_url == "https://ghe.corp/api/v3"
    assert enterprise.problems == ("no GitHub token: set GITHUB_TOKEN (or GH_TOKEN)",)
    nothing = resolve_target(Forge.GITHUB, {"GITHUB_TOKEN": "abcd1234"}, None)
    assert nothing.problems and "cannot tell the GitHub repository" in nothing.problems[0]


def test_gitlab_target_tokens_and_project() -> None:
    remote = RemoteLocation("gitlab.example", "group/sub/demo")
    private = resolve_target(
        Forge.GITLAB, {"GITLAB_TOKEN": "glpat-1", "CI_JOB_TOKEN": "job-1"}, remote
    )
    assert private.headers() == {"PRIVATE-TOKEN": "glpat-1"}
    assert private.api_url == "https://gitlab.example/api/v4"
    assert private.project_id == "group%2Fsub%2Fdemo"
    job = resolve_target(
        Forge.GITLAB,
        {"CI_JOB_TOKEN": "job-1", "CI_PROJECT_ID": "42", "CI_API_V4_URL": "https://h/api/v4"},
        remote,
    )
    assert job.headers() == {"JOB-TOKEN": "job-1"}
    assert (job.project_id, job.api_url, job.token_variable) == (
        "42",
        "https://h/api/v4",
        "CI_JOB_TOKEN",
    )
    missing = resolve_target(Forge.GITLAB, {}, None)
    assert len(missing.problems) == 2
