"""Which forge, which repository, which API and which token: from the environment and the remote.

CI runners say it all in their environment (``GITHUB_REPOSITORY``, ``GITHUB_API_URL``;
``CI_PROJECT_ID``, ``CI_API_V4_URL``, ``CI_JOB_TOKEN``). Elsewhere the repository and the host
come from the URL of the git remote, in any of the forms git accepts: ``https://host/o/r.git``
(with or without user info), ``ssh://git@host:22/o/r.git`` and scp-like ``git@host:o/r.git``.

Everything here is pure: the environment and the remote URL are arguments.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit

from release_tools.errors import UsageError

__all__ = [
    "Forge",
    "ForgeTarget",
    "RemoteLocation",
    "choose_forge",
    "parse_remote_url",
    "resolve_target",
]


class Forge(enum.Enum):
    """The forges a release can be created on."""

    GITHUB = "github"
    GITLAB = "gitlab"

    @property
    def title(self) -> str:
        """The forge's name as people write it."""
        return "GitHub" if self is Forge.GITHUB else "GitLab"


@dataclass(frozen=True, slots=True)
class RemoteLocation:
    """The host and the repository path (``owner/name``, or GitLab's ``group/sub/name``)."""

    host: str
    path: str


# scp-like syntax: [user@]host:path, where the host has no slash before the colon.
_SCP = re.compile(r"^(?:[^@/]+@)?(?P<host>[^:/\[\]]+):(?!//)(?P<path>.+)$")


def parse_remote_url(url: str) -> RemoteLocation | None:
    """The host and repository path of a git remote URL; None for a local path or garbage."""
    text = url.strip()
    if not text:
        return None
    if "://" in text:
        try:
            parts = urlsplit(text)
            host = parts.hostname
        except ValueError:
            return None
        if parts.scheme.lower() not in ("https", "http", "ssh", "git", "git+ssh", "ssh+git"):
            return None
        path = parts.path
    else:
        match = _SCP.match(text)
        if match is None:
            return None
        host, path = match["host"], match["path"]
    path = path.strip("/")
    path = path.removesuffix(".git").removesuffix("/")
    segments = [s for s in path.split("/") if s]
    if not host or len(segments) < 2 or any(s in (".", "..") for s in segments):
        return None
    return RemoteLocation(host.lower(), "/".join(segments))


def _truthy(environ: Mapping[str, str], name: str) -> bool:
    return environ.get(name, "").strip().lower() in ("true", "1", "yes")


def choose_forge(
    requested: str,
    environ: Mapping[str, str],
    remote: RemoteLocation | None,
    *,
    option: str = "--forge-release",
) -> Forge:
    """The forge for ``github``, ``gitlab`` or ``auto`` (CI variables, then the remote's host).

    An ``auto`` that finds no forge is a :class:`UsageError` naming ``option``, the flag the
    command reads the forge from.
    """
    if requested != "auto":
        return Forge(requested)
    if _truthy(environ, "GITHUB_ACTIONS"):
        return Forge.GITHUB
    if _truthy(environ, "GITLAB_CI"):
        return Forge.GITLAB
    if remote is not None:
        if "github" in remote.host:
            return Forge.GITHUB
        if "gitlab" in remote.host:
            return Forge.GITLAB
    where = f"remote host {remote.host}" if remote else "no forge URL for the remote"
    raise UsageError(
        f"{option} auto: cannot tell the forge ({where}, neither GITHUB_ACTIONS nor "
        f"GITLAB_CI set); name it: {option} github or gitlab"
    )


@dataclass(frozen=True)
class ForgeTarget:
    """Where and as whom the release is created; ``problems`` says what is missing."""

    forge: Forge
    api_url: str
    #: ``owner/name`` on GitHub, the project's path or numeric id on GitLab (None: unknown).
    repository: str | None
    #: The header carrying the token and the variable it came from (None: no token found).
    token: str | None = field(default=None, repr=False)
    token_header: str = "Authorization"
    token_variable: str = "GITHUB_TOKEN"
    problems: tuple[str, ...] = ()

    @property
    def project_id(self) -> str:
        """The repository as one URL path segment (GitLab's URL-encoded ``group%2Fname``)."""
        return quote(self.repository or "", safe="")

    def headers(self) -> dict[str, str]:
        """The authentication and protocol headers every request of this forge carries."""
        if self.forge is Forge.GITHUB:
            headers = {
                "Accept": "application/vnd.github+json",
                "X-GitHub-Api-Version": "2022-11-28",
            }
            if self.token:
                headers["Authorization"] = f"Bearer {self.token}"
            return headers
        return {self.token_header: self.token} if self.token else {}


def _env(environ: Mapping[str, str], name: str) -> str | None:
    value = environ.get(name, "").strip()
    return value or None


def _unsendable(token: str | None, variable: str) -> list[str]:
    """Why ``token`` cannot be an HTTP header value, as a problem naming ``variable``.

    A header carries visible ASCII; a character pasted with the token (a zero-width space, a
    non-breaking space, a line break) would fail on the first request, after the push. The
    token itself is never quoted.
    """
    if token is None or all("!" <= c <= "~" for c in token):
        return []
    return [
        f"{variable} holds a character that cannot be sent in an HTTP header (only visible "
        "ASCII can): check it for a space or an invisible character pasted with it"
    ]


def resolve_target(
    forge: Forge, environ: Mapping[str, str], remote: RemoteLocation | None
) -> ForgeTarget:
    """Token, API base and repository for ``forge``; missing pieces are listed in ``problems``."""
    problems: list[str] = []
    if forge is Forge.GITHUB:
        token_variable = "GITHUB_TOKEN" if _env(environ, "GITHUB_TOKEN") else "GH_TOKEN"
        token = _env(environ, "GITHUB_TOKEN") or _env(environ, "GH_TOKEN")
        if token is None:
            problems.append("no GitHub token: set GITHUB_TOKEN (or GH_TOKEN)")
        problems += _unsendable(token, token_variable)
        api = _env(environ, "GITHUB_API_URL")
        if api is None:
            host = remote.host if remote else "github.com"
            # GitHub Enterprise Server serves its REST API under /api/v3 of its own host.
            api = "https://api.github.com" if host == "github.com" else f"https://{host}/api/v3"
        repository = _env(environ, "GITHUB_REPOSITORY")
        if repository is None and remote is not None:
            repository = remote.path
        if repository is None:
            problems.append(
                "cannot tell the GitHub repository: set GITHUB_REPOSITORY=owner/name or give "
                "the git remote a GitHub URL"
            )
        elif repository.count("/") != 1:
            problems.append(f"{repository!r} is not a GitHub owner/name repository")
        return ForgeTarget(
            forge, api, repository, token, "Authorization", token_variable, tuple(problems)
        )
    private = _env(environ, "GITLAB_TOKEN")
    job = _env(environ, "CI_JOB_TOKEN")
    if private is not None:
        token, header, variable = private, "PRIVATE-TOKEN", "GITLAB_TOKEN"
    elif job is not None:
        token, header, variable = job, "JOB-TOKEN", "CI_JOB_TOKEN"
    else:
        token, header, variable = None, "PRIVATE-TOKEN", "GITLAB_TOKEN"
        problems.append("no GitLab token: set GITLAB_TOKEN (or run in GitLab CI with CI_JOB_TOKEN)")
    problems += _unsendable(token, variable)
    api = _env(environ, "CI_API_V4_URL")
    if api is None:
        host = remote.host if remote is not None else "gitlab.com"
        api = f"https://{host}/api/v4"
    project = _env(environ, "CI_PROJECT_ID") or (remote.path if remote else None)
    if project is None:
        problems.append(
            "cannot tell the GitLab project: set CI_PROJECT_ID or give the git remote a GitLab URL"
        )
    return ForgeTarget(forge, api, project, token, header, variable, tuple(problems))
