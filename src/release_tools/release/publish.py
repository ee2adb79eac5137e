"""Run the user's publish command for a released project, after its tag exists.

The command comes from ``publish_command`` (config) or ``--publish-command`` and runs through
the shell in the project's directory, because publish steps are usually shell one-liners
(``npm publish``, ``uv build && uv publish``). ``{name}``, ``{version}``, ``{tag}`` and
``{path}`` are replaced, and the same facts are exported as ``RELEASE_TOOLS_RELEASE_*``
variables (names that are not settings, so a nested ``release-tools`` ignores them).
"""

from __future__ import annotations

import logging
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from release_tools.errors import ReleaseError

__all__ = ["PublishOutcome", "expand_command", "run_publish"]

log = logging.getLogger(__name__)

# Keep the tail of the output in the result: enough to see why a publish failed.
_OUTPUT_LIMIT = 20_000


@dataclass(frozen=True, slots=True)
class PublishOutcome:
    """The publish command as run, for one project, and its combined output."""

    project: str
    command: str
    output: str


def expand_command(command: str, *, name: str, version: str, tag: str, path: str) -> str:
    """``command`` with the ``{name}``/``{version}``/``{tag}``/``{path}`` placeholders filled.

    Plain replacement, not ``str.format``: shell text is full of other braces (``${VAR}``).
    """
    for key, value in (("name", name), ("version", version), ("tag", tag), ("path", path)):
        command = command.replace("{" + key + "}", value)
    return command


def run_publish(
    command: str, *, root: Path, name: str, version: str, tag: str, path: str
) -> PublishOutcome:
    """Run the expanded command in ``root/path``; ReleaseError when it exits non-zero."""
    expanded = expand_command(command, name=name, version=version, tag=tag, path=path)
    env = {
        **os.environ,
        "RELEASE_TOOLS_RELEASE_NAME": name,
        "RELEASE_TOOLS_RELEASE_VERSION": version,
        "RELEASE_TOOLS_RELEASE_TAG": tag,
    }
    log.info("publishing %s %s", name, version, extra={"command": expanded})
    try:
        proc = subprocess.run(
            expanded,
            shell=True,
            cwd=root / path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            check=False,
        )
    except OSError as exc:
        raise ReleaseError(f"cannot run the publish command for {name}: {exc.strerror}") from exc
    output = proc.stdout.decode("utf-8", "replace")[-_OUTPUT_LIMIT:]
    if proc.returncode != 0:
        last = output.strip().splitlines()[-1] if output.strip() else "no output"
        raise ReleaseError(
            f"publish command for {name} {version} failed with exit {proc.returncode} "
            f"(tag {tag} exists): {last}"
        )
    return PublishOutcome(name, expanded, output)
