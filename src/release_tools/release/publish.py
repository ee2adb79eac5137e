"""Run the user's publish command for a released project, after its tag exists.

The command comes from ``publish_command`` (config) or ``--publish-command`` and runs through
the shell in the project's directory, because publish steps are usually shell one-liners
(``npm publish``, ``uv build && uv publish``).

``{name}``, ``{version}``, ``{tag}`` and ``{path}`` are replaced by shell-quoted words
(:func:`shlex.quote`): a project named ``x$(touch pwned)y`` reaches the command as that literal
text, never as shell syntax. A placeholder inside quotes would be quoted twice and come out
unquoted, so it is refused; write the placeholder bare (``echo {name}``) or use the environment.
The same facts are exported as ``RELEASE_TOOLS_RELEASE_NAME``, ``RELEASE_TOOLS_RELEASE_VERSION``,
``RELEASE_TOOLS_RELEASE_TAG`` and ``RELEASE_TOOLS_RELEASE_PATH`` (names that are not settings,
so a nested ``release-tools`` ignores them); ``"$RELEASE_TOOLS_RELEASE_NAME"`` is safe anywhere.
"""

from __future__ import annotations

import logging
import os
import shlex
import subprocess
from dataclasses import dataclass
from pathlib import Path

from release_tools.errors import ReleaseError, UsageError
from release_tools.git.process import signals_held, stop_process

__all__ = ["PublishOutcome", "check_command", "expand_command", "publish_env", "run_publish"]

log = logging.getLogger(__name__)

# Keep the tail of the output in the result: enough to see why a publish failed.
_OUTPUT_LIMIT = 20_000


@dataclass(frozen=True, slots=True)
class PublishOutcome:
    """The publish command as run, for one project, and its combined output."""

    project: str
    command: str
    output: str


_PLACEHOLDERS = ("name", "version", "tag", "path")


def expand_command(command: str, *, name: str, version: str, tag: str, path: str) -> str:
    """``command`` with the ``{name}``/``{version}``/``{tag}``/``{path}`` placeholders filled
    by shell-quoted values.

    Plain replacement, not ``str.format``: shell text is full of other braces (``${VAR}``).
    The command is scanned the way ``sh`` reads quotes (single quotes, double quotes and
    backslash escapes) so that a placeholder inside quotes is refused with a
    :class:`UsageError` instead of being quoted twice, which would undo the quoting; so is
    one after a here-document's ``<<``, whose body the shell expands whatever its quotes.
    """
    values = {"name": name, "version": version, "tag": tag, "path": path}
    out: list[str] = []
    quote: str | None = None
    heredoc = False
    i = 0
    while i < len(command):
        ch = command[i]
        if quote is None:
            key = next((k for k in _PLACEHOLDERS if command.startswith("{" + k + "}", i)), None)
            if key is not None and heredoc:
                # The body of a here-document is expanded by the shell whatever its quotes.
                raise UsageError(
                    f"publish-command: {{{key}}} after a here-document (<<) would be read by "
                    f'the shell unquoted: use "$RELEASE_TOOLS_RELEASE_{key.upper()}" instead'
                )
            if key is not None:
                out.append(shlex.quote(values[key]))
                i += len(key) + 2
                continue
            if command.startswith("<<", i) and not command.startswith("<<<", i):
                heredoc = True
            elif command.startswith("<<<", i):
                out.append("<<<")
                i += 3
                continue
            if ch == "\\":
                out.append(command[i : i + 2])
                i += 2
                continue
            if ch in "'\"":
                quote = ch
        else:
            key = next((k for k in _PLACEHOLDERS if command.startswith("{" + k + "}", i)), None)
            if key is not None:
                raise UsageError(
                    f"publish-command: {{{key}}} is inside quotes; placeholders are shell-quoted "
                    f'already: write {{{key}}} bare, or use "$RELEASE_TOOLS_RELEASE_{key.upper()}"'
                )
            if ch == "\\" and quote == '"':
                out.append(command[i : i + 2])
                i += 2
                continue
            if ch == quote:
                quote = None
        out.append(ch)
        i += 1
    return "".join(out)


def check_command(command: str) -> None:
    """Raise :class:`UsageError` now if ``command`` cannot be expanded safely later."""
    expand_command(command, name="", version="", tag="", path="")


def publish_env(*, name: str, version: str, tag: str, path: str) -> dict[str, str]:
    """The environment variables a publish command gets, besides the inherited ones."""
    return {
        "RELEASE_TOOLS_RELEASE_NAME": name,
        "RELEASE_TOOLS_RELEASE_VERSION": version,
        "RELEASE_TOOLS_RELEASE_TAG": tag,
        "RELEASE_TOOLS_RELEASE_PATH": path,
    }


def _start_shell(
    command: str, cwd: Path, env: dict[str, str], name: str
) -> subprocess.Popen[bytes]:
    try:
        return subprocess.Popen(
            command, shell=True, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
    except OSError as exc:
        raise ReleaseError(f"cannot run the publish command for {name}: {exc.strerror}") from exc


def run_publish(
    command: str, *, root: Path, name: str, version: str, tag: str, path: str
) -> PublishOutcome:
    """Run the expanded command in ``root/path``; ReleaseError when it exits non-zero."""
    expanded = expand_command(command, name=name, version=version, tag=tag, path=path)
    env = {**os.environ, **publish_env(name=name, version=version, tag=tag, path=path)}
    log.info("publishing %s %s", name, version, extra={"command": expanded})
    proc: subprocess.Popen[bytes] | None = None
    try:
        # A signal held while the shell starts is raised below, where the shell can be stopped.
        with signals_held():
            proc = _start_shell(expanded, root / path, env, name)
        stdout, _ = proc.communicate()
    except BaseException:
        # Interrupted: the shell and what it started (npm, twine) stop with the release.
        if proc is not None:
            stop_process(proc)
        raise
    output = stdout.decode("utf-8", "replace")[-_OUTPUT_LIMIT:]
    if proc.returncode != 0:
        last = output.strip().splitlines()[-1] if output.strip() else "no output"
        raise ReleaseError(
            f"publish command for {name} {version} failed with exit {proc.returncode} "
            f"(tag {tag} exists): {last}"
        )
    return PublishOutcome(name, expanded, output)
