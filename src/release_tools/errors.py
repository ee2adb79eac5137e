"""The whole exception tree of release-tools.

Every error the package raises on purpose derives from :class:`ReleaseToolsError`. Library
errors (``subprocess``, ``pydantic``, ``tomlkit``, and the realtime client's own tree in
:mod:`release_tools.realtime.exceptions`) are translated at the module boundary with
``raise ... from exc``; a failure of the realtime client becomes a :class:`ProviderError`.
The CLI maps the tree to exit codes: :class:`UsageError` and its children exit 2, everything
else exits 1::

    ReleaseToolsError                      exit 1
    ├── UsageError                         exit 2: bad flag values, unknown project or type
    │   └── ConfigError                    broken or invalid configuration file / variable
    ├── GitError                           a git command failed
    │   ├── NotAGitRepositoryError
    │   ├── UnknownRefError
    │   └── ShallowCloneError              the base is not in a shallow clone's history
    ├── AnalysisError                      analysis could not reach a decision
    │   └── ProviderError                  a model provider failed (fallback may apply)
    ├── VersionError                       unparsable version or manifest
    ├── PlanError                          invalid version-plan file
    ├── ReleaseError                       the release could not be carried out
    └── Interruption                       SIGINT or SIGTERM stopped the work (exit 128 + signal)
"""

from __future__ import annotations

__all__ = [
    "AnalysisError",
    "ConfigError",
    "GitError",
    "Interruption",
    "NotAGitRepositoryError",
    "PlanError",
    "ProviderError",
    "ReleaseError",
    "ReleaseToolsError",
    "ShallowCloneError",
    "UnknownRefError",
    "UsageError",
    "VersionError",
]


class ReleaseToolsError(Exception):
    """Root of every error raised on purpose by release-tools."""

    exit_code: int = 1


class UsageError(ReleaseToolsError):
    """The user asked for something invalid (flag value, unknown project, bad type)."""

    exit_code = 2


class ConfigError(UsageError):
    """A configuration file or environment variable is broken or holds an invalid value."""


class GitError(ReleaseToolsError):
    """A git command failed."""


class NotAGitRepositoryError(GitError):
    """The working directory is not inside a git repository."""


class UnknownRefError(GitError):
    """A ref (tag, branch, SHA) does not resolve to a commit."""


class ShallowCloneError(GitError):
    """The repository is a shallow clone that lacks the history the range needs."""


class AnalysisError(ReleaseToolsError):
    """The analysis could not reach a decision."""


class ProviderError(AnalysisError):
    """A model provider failed; the local decision may stand in for it."""


class VersionError(ReleaseToolsError):
    """A version string or a manifest could not be read or bumped."""


class PlanError(ReleaseToolsError):
    """A version-plan file is invalid."""


class ReleaseError(ReleaseToolsError):
    """The release could not be carried out."""


class Interruption(ReleaseToolsError):
    """SIGINT or SIGTERM stopped the work; the exit code is the shell's ``128 + signal``."""
