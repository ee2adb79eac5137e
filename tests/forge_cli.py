"""The release command against the in-process fake forge: its environment and the CLI runner."""

from __future__ import annotations

from typing import Any

from click.testing import CliRunner, Result
from forge_server import FakeForge

from release_tools.cli import cli

#: Variables of the machine running the tests that would point a release at a real forge, or
#: its requests at a proxy: each forge test starts without them.
FORGE_VARIABLES = (
    "GITHUB_TOKEN",
    "GH_TOKEN",
    "GITHUB_API_URL",
    "GITHUB_REPOSITORY",
    "GITHUB_ACTIONS",
    "GITLAB_CI",
    "GITLAB_TOKEN",
    "CI_JOB_TOKEN",
    "CI_API_V4_URL",
    "CI_PROJECT_ID",
    "GITHUB_OUTPUT",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "http_proxy",
    "https_proxy",
)


def github_env(forge: FakeForge, **extra: str) -> dict[str, str]:
    """The variables that send a GitHub release to ``forge``."""
    return {
        "GITHUB_TOKEN": forge.github_token,
        "GITHUB_API_URL": forge.url,
        "GITHUB_REPOSITORY": forge.repository,
        **extra,
    }


def gitlab_env(forge: FakeForge, *, job: bool = False, **extra: str) -> dict[str, str]:
    """The variables that send a GitLab release to ``forge`` (a CI job token with ``job``)."""
    token = (
        {"CI_JOB_TOKEN": forge.gitlab_tokens["job-token"]}
        if job
        else {"GITLAB_TOKEN": forge.gitlab_tokens["private-token"]}
    )
    return {
        **token,
        "CI_API_V4_URL": f"{forge.url}/api/v4",
        "CI_PROJECT_ID": forge.project,
        **extra,
    }


def run(repo: Any, *args: str, env: dict[str, str] | None = None) -> Result:
    """``release-tools COMMAND -C repo ARGS`` through click's runner."""
    command, *rest = args
    return CliRunner().invoke(cli, [command, "-C", str(repo.path), *rest], env=env)


def remote_tags(repo: Any) -> str:
    return repo.git("ls-remote", "--tags", "origin")


def github_release(repo: Any, forge: FakeForge, *args: str, **variables: str) -> Result:
    """``release --push --forge-release github ARGS`` with the variables that point at
    ``forge`` (and ``variables`` besides)."""
    return run(
        repo,
        "release",
        "--push",
        "--forge-release",
        "github",
        *args,
        env=github_env(forge, **variables),
    )
