"""Typed settings, layered: defaults < config file < ``RELEASE_TOOLS_*`` environment < flags.

``realtime_url`` has one more layer under the config file: ``OPENAI_BASE_URL``, read the way
the openai SDK reads it (resolved and checked by :mod:`.config_realtime_url`).

The config file is ``release-tools.toml`` at the repository root if present, else the
``[tool.release-tools]`` table of ``pyproject.toml`` (read by :mod:`.config_file`). Keys may be
written with dashes or underscores, but not both for one setting. An empty variable counts as
unset; an empty ``output``, ``base``, ``head``, ``project`` or ``model`` flag is an error.
``--exclude`` (the ``extra_exclude`` flag) adds to the configured extra exclusions instead of
replacing them.
Every value is validated by one pydantic model, and any problem becomes a one-line
:class:`~release_tools.errors.ConfigError` that names the source and the key.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from release_tools.config_checks import check_calendar, check_raw, check_tag_format, first_error
from release_tools.config_file import ENV_PREFIX, find_config_root, raw_config_table
from release_tools.config_realtime_url import (
    BASE_URL_VARIABLE,
    check_realtime_url,
    sdk_realtime_url,
)
from release_tools.errors import ConfigError
from release_tools.files import in_git_dir

__all__ = [
    "API_KEY_VARIABLE",
    "CALVER_FORMATS",
    "CREDENTIAL_VARIABLES",
    "DEFAULT_EXCLUDES",
    "DEFAULT_MODEL",
    "DEFAULT_REALTIME_URL",
    "DEFAULT_TAG_PATTERN",
    "CalverFormat",
    "CommitTypeSetting",
    "Settings",
    "load_settings",
]

DEFAULT_REALTIME_URL = "wss://api.openai.com/v1/realtime"
#: The openai SDK's variable for its API key, which the realtime provider honours.
API_KEY_VARIABLE = "OPENAI_API_KEY"
DEFAULT_MODEL = "gpt-realtime"
#: Environment variables that hold credentials: the model's API key, the forges' tokens and
#: the registries' publishing tokens that a release's publish command reads (npm, PyPI through
#: twine, uv or Poetry, crates.io). Their values are redacted from every output of every
#: command, whichever reads them.
CREDENTIAL_VARIABLES = (
    API_KEY_VARIABLE,
    "GITHUB_TOKEN",
    "GH_TOKEN",
    "GITLAB_TOKEN",
    "CI_JOB_TOKEN",
    "NPM_TOKEN",
    "NODE_AUTH_TOKEN",
    "TWINE_PASSWORD",
    "UV_PUBLISH_TOKEN",
    "UV_PUBLISH_PASSWORD",
    "POETRY_PYPI_TOKEN_PYPI",
    "CARGO_REGISTRY_TOKEN",
)

# A release tag: v1.2.3, 1.2.3, name@1.2.3, name-v1.2.3 (prereleases and build metadata too),
# the two-number form of an X.Y.0 release (v2.1, 24.0, name@0.3), and a calendar version
# zero-padded after its four-digit year (2024.02.02); no other number has a leading zero.
DEFAULT_TAG_PATTERN = (
    r"^(?:(?P<name>.+?)(?:@|-v|-|/v|/))?v?"
    r"(?P<version>(?:(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)(?:\.(?:0|[1-9]\d*))?"
    r"|[1-9]\d{3}\.\d\d(?:\.\d\d)?)"
    r"(?:-[0-9A-Za-z.-]+|(?:a|b|rc)\d+)?(?:\+[0-9A-Za-z.-]+)?)$"
)

# Paths whose content is not sent to a model nor scanned for API changes. They still count as
# "kinds of files changed" (a docs-only change is a patch): markdown, YAML, tests, CI, docs,
# lock files, images, build output. None of them changes what a caller of the code sees.
DEFAULT_EXCLUDES: tuple[str, ...] = (
    "*.md",
    "*.mdx",
    "*.rst",
    "*.txt",
    "*.yml",
    "*.yaml",
    ".github/",
    ".gitlab-ci.yml",
    ".circleci/",
    "docs/",
    "doc/",
    "test/",
    "tests/",
    "__tests__/",
    "*.test.*",
    "*.spec.*",
    "test_*.py",
    "*_test.py",
    "*_test.go",
    "conftest.py",
    "*.lock",
    "package-lock.json",
    "pnpm-lock.yaml",
    "yarn.lock",
    "poetry.lock",
    "uv.lock",
    "Cargo.lock",
    "go.sum",
    "*.png",
    "*.jpg",
    "*.jpeg",
    "*.gif",
    "*.svg",
    "*.ico",
    "*.webp",
    "dist/",
    "build/",
    "CHANGELOG*",
    ".nx/version-plans/",
    ".changeset/",
)

_ENV_PREFIX = ENV_PREFIX

#: The calendar versioning formats: the year (``YY`` 26, ``YYYY`` 2026), then the month
#: (``MM``) or the release's number in its year (``N``), then the patch release or the day.
CalverFormat = Literal[
    "YY.N.PATCH", "YYYY.N.PATCH", "YY.MM.PATCH", "YYYY.MM.PATCH", "YY.MM.DD", "YYYY.MM.DD"
]
CALVER_FORMATS: tuple[str, ...] = get_args(CalverFormat)

#: The longest duration setting, in seconds (a day).
_MAX_SECONDS = 86_400


_SectionName = Literal["Changed", "Added", "Deprecated", "Removed", "Fixed", "Security", ""]


class CommitTypeSetting(BaseModel):
    """One entry of ``commit_types``: the bump a commit type declares and its changelog section."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    bump: Literal["major", "minor", "patch", "none"] | None = None
    #: None keeps a known type's section; "" gives the type no changelog entry.
    section: _SectionName | None = None


class Settings(BaseModel):
    """Every setting of every command, with its default."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # --- analyze: range, output, engine ------------------------------------------------
    repo: Path = Path(".")
    base: str | None = None
    head: str = "HEAD"
    project: str | None = None
    format: Literal["text", "json"] = "text"
    output: Path | None = None
    log_level: Literal["debug", "info", "warning", "error"] = "warning"
    log_format: Literal["text", "json"] = "text"
    provider: Literal["local", "realtime"] = "local"
    chunk_size: int = Field(default=8000, ge=200, le=10_000_000)
    max_chunks: int = Field(default=10, ge=1, le=10_000)
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = DEFAULT_EXCLUDES
    extra_exclude: tuple[str, ...] = ()
    tag_pattern: str = DEFAULT_TAG_PATTERN
    major_on_zero: bool = False
    #: Learn from the earlier releases of the project how its commits map to its bumps.
    history: bool = True
    #: The most recent earlier release pairs read for that.
    history_pairs: int = Field(default=30, ge=1, le=1000)

    # --- analyze --provider realtime ---------------------------------------------------
    realtime_url: str = DEFAULT_REALTIME_URL
    model: str = DEFAULT_MODEL
    # Durations in seconds are finite and at most a day: ``inf`` (or ``1e400``, which reads as
    # inf) would let a silent server hold the command for ever, and a deadline past a day is no
    # deadline either.
    connect_timeout: float = Field(default=15.0, gt=0, le=_MAX_SECONDS, allow_inf_nan=False)
    session_timeout: float = Field(default=15.0, gt=0, le=_MAX_SECONDS, allow_inf_nan=False)
    response_timeout: float = Field(default=120.0, gt=0, le=_MAX_SECONDS, allow_inf_nan=False)
    idle_timeout: float = Field(default=60.0, gt=0, le=_MAX_SECONDS, allow_inf_nan=False)
    max_retries: int = Field(default=3, ge=0, le=20)
    #: The most seconds one model request may spend waiting because the server asked it to
    #: (rate-limit events, "try again in 6.2s", retry-after), over all its attempts. A wait
    #: that does not fit in what is left fails the request at once, naming the wait.
    max_server_wait: float = Field(default=120.0, ge=0, le=_MAX_SECONDS, allow_inf_nan=False)
    concurrency: int = Field(default=4, ge=1, le=64)
    cache: bool = True
    cache_dir: Path | None = None
    fallback: bool = True

    # --- versioning, plans, release ----------------------------------------------------
    #: None: changesets when ``.changeset/config.json`` exists and Nx version plans are not
    #: in use, else nx.
    plan_format: Literal["nx", "changesets"] | None = None
    #: The tag template (``{name}``, ``{version}``); None: each project's scheme is inferred
    #: from its existing tags (or ``nx.json``'s ``releaseTagPattern``).
    tag_format: str | None = None
    #: The changelog file name in each project's directory; None: the project's existing
    #: CHANGELOG/CHANGES/HISTORY/NEWS file, else a new CHANGELOG.md; "": no changelog.
    changelog: str | None = None
    changelog_commits: bool = False
    version_variables: tuple[str, ...] = ()
    publish_command: str | None = None
    remote: str = "origin"
    #: Skip the repository's pre-commit and commit-msg hooks for the release commit.
    no_verify: bool = False
    #: The release commit's message: ``{releases}`` is "name version, ..." and ``{tags}`` the
    #: tags, comma-separated; ``{version}`` the new version when every release shares one, else
    #: as ``{releases}``. Unset, ``nx.json``'s ``release.git.commitMessage`` is used if present.
    release_message: str = "chore(release): {releases}"
    #: Commit types added to or replacing the built-in table: ``type = { bump = "minor",
    #: section = "Added" }``; bump is major/minor/patch/none, section a Keep a Changelog heading
    #: or "" for no changelog entry.
    commit_types: dict[str, CommitTypeSetting] = Field(default_factory=dict)
    #: Which workspace dependents of a released sibling are released: "patch" releases, with a
    #: patch, every one whose requirement is rewritten; "none" releases none, its requirements
    #: still rewritten (always those the new version leaves). Set, npm ranges are judged and
    #: written as changesets does, with .changeset/config.json's options when it exists.
    #: None: where that file exists, as its options say (by default only dependents whose
    #: range no longer admits the new version), else none, simple ranges following.
    release_dependents: Literal["patch", "none"] | None = None
    #: After a pushed release, create a release on the forge for each tag: "github", "gitlab",
    #: "auto" (from CI variables, else the remote's host); None or "off": none.
    forge_release: Literal["github", "gitlab", "auto", "off"] | None = None
    #: Globs (relative to the repository root) of the files attached to each forge release.
    release_assets: tuple[str, ...] = ()
    #: How the next version is numbered: "semver"; "calver", calendar versions; "auto":
    #: calendar versions when the project's recent release tags follow the calendar.
    version_scheme: Literal["semver", "calver", "auto"] = "auto"
    #: The calendar format; setting it means calendar versioning. None: the one the release
    #: tags show.
    calver_format: CalverFormat | None = None

    @field_validator("calver_format", mode="before")
    @classmethod
    def _format_upper(cls, value: object) -> object:
        # Written as the formats are printed, in any case: yy.n.patch is YY.N.PATCH.
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("release_message")
    @classmethod
    def _check_release_message(cls, value: str) -> str:
        try:
            value.format(releases="", tags="", version="")
        except (KeyError, IndexError, ValueError) as exc:
            raise ValueError(
                f"unknown placeholder or stray brace in {value!r} ({exc}); "
                "use {releases}, {tags} and {version}"
            ) from exc
        if not value.strip():
            raise ValueError("the release commit message cannot be empty")
        return value

    @field_validator("model")
    @classmethod
    def _check_model(cls, value: str) -> str:
        # The name travels in the handshake's query string: a blank one would ask the server
        # for no model at all, and a space inside could only be a mistake.
        name = value.strip()
        if not name:
            raise ValueError(f"the model name is empty; leave it out for {DEFAULT_MODEL}")
        if any(char.isspace() or not char.isprintable() for char in name):
            raise ValueError(f"{name!r} is not a model name: it holds blanks or control characters")
        return name

    @field_validator("tag_pattern")
    @classmethod
    def _check_pattern(cls, value: str) -> str:
        import re

        try:
            compiled = re.compile(value)
        except re.error as exc:
            raise ValueError(f"not a valid regular expression: {exc}") from exc
        if "version" not in compiled.groupindex:
            raise ValueError("needs a named group (?P<version>...)")
        return value

    @field_validator("realtime_url")
    @classmethod
    def _check_realtime_url(cls, value: str, info: ValidationInfo) -> str:
        # load_settings says in the context whether an API key is set.
        key_sent = bool((info.context or {}).get("api_key_set")) and (
            info.data.get("provider") == "realtime"
        )
        return check_realtime_url(value, key_sent=key_sent)

    @property
    def excludes(self) -> tuple[str, ...]:
        """The effective exclude rules: ``exclude`` plus ``extra_exclude``."""
        return (*self.exclude, *self.extra_exclude)


_LIST_FIELDS = {
    name for name, field in Settings.model_fields.items() if "tuple" in str(field.annotation)
}


def _normalise(raw: Mapping[str, Any], source: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    spelt: dict[str, str] = {}
    for key, value in raw.items():
        name = key.replace("-", "_")
        if name not in Settings.model_fields:
            raise ConfigError(f"{source}: unknown setting {key!r}")
        if name == "repo":
            # The file is found from the repository: it cannot choose another one.
            raise ConfigError(f"{source}: {key!r}: the repository is chosen with -C/--repo")
        if name in spelt:
            # TOML refuses a key written twice, but not one setting in both spellings; taking
            # the last would depend on the order of the lines without a word.
            raise ConfigError(
                f"{source}: {spelt[name]!r} and {key!r} are the same setting; keep one"
            )
        spelt[name] = key
        out[name] = value
    return out


def read_config_file(root: Path) -> tuple[dict[str, Any], str | None]:
    """The settings table of the repository's config file, keys checked and written with
    underscores, and the file's name (or ``{}`` and None)."""
    table, name = raw_config_table(root)
    return (_normalise(table, name), name) if name is not None else ({}, None)


#: Variables the tool itself exports to the publish command (not settings): a release-tools
#: run inside that command must not take them for misspelt settings.
_EXPORTED_VARIABLES = frozenset({"release_name", "release_version", "release_tag", "release_path"})


def _from_env(environ: Mapping[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in environ.items():
        if not key.startswith(_ENV_PREFIX):
            continue
        name = key[len(_ENV_PREFIX) :].lower()
        if name in _EXPORTED_VARIABLES:
            continue
        if name == "repo":
            raise ConfigError(
                f"{key}: the repository is chosen with -C/--repo, not the environment"
            )
        if name not in Settings.model_fields:
            # A misspelt variable would otherwise be ignored without a word, as a misspelt
            # key in the config file is not.
            raise ConfigError(f"{key}: unknown setting {name!r}")
        if not value.strip():
            # Unset, as CI templates expand a missing value (``${{ github.base_ref }}`` on a
            # push): the lower layers and the default still apply.
            continue
        if name in _LIST_FIELDS:
            out[name] = tuple(part.strip() for part in value.split(",") if part.strip())
        elif name in _CHOICE_FIELDS:
            # As the flags accept them: DEBUG, Json ...
            out[name] = value.strip().lower()
        else:
            out[name] = value
    return out


#: Settings whose values are a few lower-case words, matched case-insensitively as flags are.
_CHOICE_FIELDS = frozenset({"log_level", "log_format", "format", "version_scheme"})
_NUMBER_FIELDS = frozenset(
    name
    for name, info in Settings.model_fields.items()
    if info.annotation in (int, float, int | None, float | None)
)


#: Flags whose values add to what the lower layers resolve instead of replacing it:
#: ``--exclude`` adds patterns to the configured ``extra-exclude``, as its name says.
_ADDED_BY_FLAGS = frozenset({"extra_exclude"})
#: Settings whose command-line spelling is not the key's.
_FLAG_NAMES = {"extra_exclude": "--exclude"}
#: Settings for which an empty flag value can only be a mistake (an unexpanded CI variable,
#: say): it would name the working directory or no ref at all, and is refused before any
#: work is done.
_NOT_EMPTY_FLAGS = ("output", "base", "head", "project", "model")


def _flag_name(key: str) -> str:
    return _FLAG_NAMES.get(key, "--" + key.replace("_", "-"))


def _validate(
    merged: Mapping[str, Any], sources: Mapping[str, str], context: Mapping[str, Any]
) -> Settings:
    check_raw(merged, sources, _NUMBER_FIELDS)
    if "tag_format" in merged:
        check_tag_format(merged["tag_format"], sources["tag_format"])
    check_calendar(merged, sources)
    try:
        return Settings.model_validate(merged, context=dict(context))
    except ValidationError as exc:
        raise ConfigError(first_error(exc, sources)) from exc


def load_settings(
    flags: Mapping[str, Any] | None = None,
    *,
    repo: Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Build :class:`Settings` from the four layers. ``flags`` holds only the flags given."""
    flags = {k: v for k, v in (flags or {}).items() if v is not None}
    for key in _NOT_EMPTY_FLAGS:
        if isinstance(flags.get(key), str | os.PathLike) and not str(flags[key]).strip():
            raise ConfigError(
                f"{_flag_name(key)}: the value is empty; leave the option out for the default"
            )
    added = {key: flags.pop(key) for key in _ADDED_BY_FLAGS if key in flags}
    root = Path(repo or flags.get("repo") or ".")
    config_root = find_config_root(root)
    file_values, file_name = read_config_file(config_root)
    environ = os.environ if environ is None else environ
    env_values = _from_env(environ)
    merged: dict[str, Any] = {}
    sources: dict[str, str] = {}
    layers = (
        (file_values, file_name or "config"),
        (env_values, "environment"),
        (flags, "flag"),
    )
    for values, origin in layers:
        for key, value in values.items():
            merged[key] = value
            if origin == "environment":
                sources[key] = f"{_ENV_PREFIX}{key.upper()}"
            elif origin == "flag":
                sources[key] = _flag_name(key)
            else:
                sources[key] = origin
    base_url = environ.get(BASE_URL_VARIABLE, "").strip()
    if base_url and "realtime_url" not in merged:
        sdk_url = sdk_realtime_url(base_url, used=merged.get("provider") == "realtime")
        if sdk_url is not None:
            merged["realtime_url"] = sdk_url
            sources["realtime_url"] = BASE_URL_VARIABLE
    merged["repo"] = root
    if isinstance(merged.get("output"), str | os.PathLike):
        # Anything else is left to the validation below, which names the setting.
        check_raw({"output": merged["output"]}, sources, _NUMBER_FIELDS)
        merged["output"] = _output_path(Path(merged["output"]), sources["output"], config_root)
    if isinstance(merged.get("cache_dir"), str | os.PathLike) and not _chosen(sources["cache_dir"]):
        # The repository's own config file may not send the cache elsewhere: an absolute path
        # there is taken relative to the repository, which the cache directory's confinement
        # then refuses (with a warning) unless it lies inside the work tree.
        configured = Path(merged["cache_dir"])
        if configured.is_absolute():
            merged["cache_dir"] = Path(os.path.relpath(configured, config_root.resolve()))
    context = {"api_key_set": bool(environ.get(API_KEY_VARIABLE, "").strip())}
    settings = _validate(merged, sources, context)
    if not added:
        return settings
    # The lower layers are valid on their own: whatever fails now is the flags' part, and the
    # error names the flag.
    for key, value in added.items():
        lower = getattr(settings, key)
        # Anything but a list is left to the validation, which refuses it naming the flag.
        merged[key] = (*lower, *value) if isinstance(value, list | tuple) else value
        sources[key] = _flag_name(key)
    return _validate(merged, sources, context)


def _chosen(origin: str) -> bool:
    """Whether a setting of ``origin`` is the user's own choice (a flag or an environment
    variable) rather than the repository's (its config file)."""
    return origin in ("flag", "environment") or origin.startswith(("--", _ENV_PREFIX))


def _output_path(path: Path, origin: str, root: Path) -> Path:
    """Where the report goes, checked: never into a git directory, and a path that comes from
    the repository's own config file (relative to ``root``, the directory holding that file,
    the top of the repository) never out of it.

    A flag or a variable is the user's choice (a CI temporary directory, say); a config file
    is the repository's, which must not make the tool write over files outside it.
    """
    where = "--output" if origin.startswith("--") else f"output ({origin})"
    if not _chosen(origin):
        path = root / path
        real, real_root = Path(os.path.realpath(path)), Path(os.path.realpath(root))
        if not real.is_relative_to(real_root) or real == real_root:
            raise ConfigError(
                f"{where}: {path} resolves outside the repository ({real}); a config file "
                "may only name a report file inside it"
            )
    if in_git_dir(path):
        raise ConfigError(f"{where}: {path} is inside a .git directory; refusing to write there")
    return path
