"""Render the decision: a readable text summary or JSON; files written atomically; CI outputs.

With ``GITHUB_OUTPUT`` set, every field of the JSON report is appended to that file under its
own name (:func:`decision_outputs`), so a workflow reads the whole decision without parsing the
report. Values that may hold several lines use GitHub's ``name<<DELIMITER`` form with a random
delimiter that is checked not to occur in the value, so a newline in the reasoning cannot end the
value early or inject another output.

Every output (the report on stdout or in its file, the CI outputs) passes the log redaction:
a registered API key (or a fragment of it) that found its way into a commit message, a branch
name or a file name is replaced, as it is in the logs. JSON is redacted value by value before
it is serialized, never as text: the keys and the syntax stay as they are, and a secret that
JSON would escape (a quote, a backslash, a non-ASCII character in the compact outputs) is
still found.

The CI outputs are appended whole or not at all (a failed append cuts the file back), never
into the repository's git directory, and before a report on a stream: a reader that leaves
early (``analyze | head -1``) cannot cost the workflow its outputs.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import sys
import types
import typing
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import TextIO

from release_tools import files
from release_tools.analysis.models import Decision, Evidence
from release_tools.config import Settings
from release_tools.errors import ConfigError, GitError, ReleaseToolsError, UsageError
from release_tools.files import in_git_dir
from release_tools.git import Git
from release_tools.logs import redact
from release_tools.text import clean_text

__all__ = [
    "GROUP_LIMIT",
    "TEXT_EVIDENCE_LIMIT",
    "decision_outputs",
    "emit_report",
    "github_output_lines",
    "github_output_path",
    "redact_json",
    "render_json",
    "render_text",
    "write_atomic",
    "write_github_output",
]


#: Evidence items listed in the text report; JSON carries every item (capped per source).
TEXT_EVIDENCE_LIMIT = 25
#: Items shown per group of same-kind evidence in the text report.
GROUP_LIMIT = 5


def render_json(decision: Decision) -> str:
    """The decision as indented JSON (the command's ``--format json`` output)."""
    return decision.model_dump_json(indent=2) + "\n"


JsonValue: typing.TypeAlias = (
    "dict[str, JsonValue] | list[JsonValue] | str | int | float | bool | None"
)


def redact_json(value: JsonValue) -> JsonValue:
    """``value`` (parsed JSON) with every string value redacted; object keys are kept as they
    are, so the report's fields keep their names whatever the registered secrets hold."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: redact_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [redact_json(item) for item in value]
    return value


def _render_redacted_json(decision: Decision) -> str:
    """:func:`render_json` of the decision with its string values redacted."""
    data = redact_json(decision.model_dump(mode="json"))
    # Laid out as model_dump_json(indent=2) lays it out: two-space indents, no trailing
    # blanks, non-ASCII characters kept as they are.
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _short(sha: str | None) -> str:
    return sha[:10] if sha else "?"


def _ref(ref: str | None) -> str:
    """A ref as given, but a full SHA (the root commit of a first release) shortened."""
    if not ref:
        return "?"
    if len(ref) == 40 and all(c in "0123456789abcdef" for c in ref):
        return ref[:10]
    return ref


def _evidence_lines(decision: Decision) -> list[str]:
    """Evidence grouped by source, bump and strength, the strongest group first.

    A large range yields hundreds of items of the same kind (say, new public modules); a group
    shows its first :data:`GROUP_LIMIT` items and its exact total (summaries of capped items
    count every finding they stand for), and the whole list stops after
    :data:`TEXT_EVIDENCE_LIMIT` items.
    """
    groups: dict[tuple[int, int, str, str], list[Evidence]] = {}
    for item in decision.evidence:
        key: tuple[int, int, str, str] = (
            -item.level,
            item.strength.rank,
            item.source,
            item.bump,
        )
        groups.setdefault(key, []).append(item)
    lines: list[str] = []
    shown = 0
    for key in sorted(groups, key=lambda k: (k[0], k[1])):  # stable: first-seen order within
        items = groups[key]
        tag = f"[{items[0].bump}/{items[0].strength.value}] {items[0].source}"
        room = min(GROUP_LIMIT, TEXT_EVIDENCE_LIMIT - shown)
        if room <= 0:
            break
        total = sum(item.count for item in items)
        if total == 1 and not items[0].is_summary:
            where = f" {items[0].location}" if items[0].location else ""
            lines.append(f"  {tag}{where}: {items[0].message}")
            shown += 1
            continue
        lines.append(f"  {tag} ({total}):")
        listed = [item for item in items if not item.is_summary][:room]
        for item in listed:
            where = f"{item.location}: " if item.location else ""
            lines.append(f"      {where}{item.message}")
        shown += len(listed)
        if total > len(listed):
            lines.append(f"      ... and {total - len(listed)} more")
    hidden = _total(decision.evidence) - shown
    if hidden > 0:
        lines.append(f"  ({hidden} items not shown; --format json lists more of them)")
    return lines


def _total(items: Sequence[Evidence]) -> int:
    """How many findings ``items`` stand for, summaries of capped items included."""
    return sum(item.count for item in items)


def render_text(decision: Decision) -> str:
    """A short human summary: the bump, the versions, the reasoning, the evidence with places."""
    review = " (needs review)" if decision.needs_review else ""
    lines = [f"version type: {decision.version_type}{review}"]
    if decision.next_version:
        raises = f" ({decision.release_type} release)" if decision.release_type else ""
        lines.append(
            f"version:      {decision.current_version or '(none)'} -> {decision.next_version}"
            + raises
        )
    elif decision.current_version:
        lines.append(f"version:      {decision.current_version} (unchanged)")
    lines.append(
        f"range:        {_ref(decision.base)}..{_ref(decision.head)}"
        f" ({_short(decision.base_sha)}..{_short(decision.head_sha)})"
    )
    if decision.project:
        lines.append(f"project:      {decision.project}")
    stats = decision.stats
    if stats:
        lines.append(
            f"changes:      {stats.get('files', 0)} files"
            f" ({stats.get('files_excluded', 0)} excluded),"
            f" +{stats.get('additions', 0)} -{stats.get('deletions', 0)},"
            f" {stats.get('commits', 0)} commits"
        )
    provider = decision.provider + (f" ({decision.model})" if decision.model else "")
    lines.append(f"provider:     {provider}")
    if decision.usage:
        usage = ", ".join(f"{key} {value}" for key, value in sorted(decision.usage.items()))
        lines.append(f"usage:        {usage}")
    if decision.redactions:
        lines.append(f"redacted:     {decision.redactions} secret(s) before sending")
    lines.append("")
    lines.append("reasoning:")
    lines.extend(f"  {line}" for line in decision.reasoning.splitlines() or [""])
    if decision.evidence:
        lines.append("")
        lines.append(f"evidence ({_total(decision.evidence)}):")
        lines.extend(_evidence_lines(decision))
    if decision.warnings:
        lines.append("")
        lines.append("warnings:")
        lines.extend(f"  - {warning}" for warning in decision.warnings)
    # Reasoning and evidence quote commit messages, which may hold terminal control sequences.
    return clean_text("\n".join(lines) + "\n")


# Names of a descriptor the process already has open. ``os.path.realpath`` would turn them into
# what the descriptor points at (``/proc/<pid>/fd/pipe:[N]``, which cannot be opened, or the
# file of a ``2>>job.log`` redirection, which a rename would replace).
_DESCRIPTOR_PATH = re.compile(
    r"/dev/(?:std(?P<std>in|out|err)|fd/(?P<dev_fd>\d+))"
    r"|/proc/(?P<pid>self|thread-self|\d+)(?:/task/\d+)?/fd/(?P<proc_fd>\d+)"
)
_STD_DESCRIPTORS = {"in": 0, "out": 1, "err": 2}
#: Symbolic links followed when looking for a descriptor path behind ``-o``, as the kernel's
#: own limit on links in one lookup.
_MAX_LINKS = 40


def _named_descriptor(path: str) -> int | None:
    """The descriptor number ``path`` names as it is spelled (no link followed), else None."""
    match = _DESCRIPTOR_PATH.fullmatch(path)
    if match is None:
        return None
    if match["std"] is not None:
        return _STD_DESCRIPTORS[match["std"]]
    if match["dev_fd"] is not None:
        return int(match["dev_fd"])
    if match["pid"] not in ("self", "thread-self", str(os.getpid())):
        return None  # another process's descriptor: an ordinary path
    return int(match["proc_fd"])


def _descriptor_of(path: Path | str) -> int | None:
    """The open descriptor of this process that ``path`` names, else None.

    ``/dev/stdout``, ``/dev/stderr``, ``/dev/stdin``, ``/dev/fd/N`` and ``/proc/self/fd/N``
    (or this process's own id instead of ``self``) are recognised, also behind symbolic links
    (a ``report.log`` linked to ``/dev/stderr``), before anything resolves them.
    """
    candidate = os.path.abspath(path)
    for _ in range(_MAX_LINKS):
        fd = _named_descriptor(candidate)
        if fd is not None:
            return fd
        # The directories resolved, the last component kept: ``/dev/fd`` is itself a link.
        parent = os.path.realpath(os.path.dirname(candidate))
        candidate = os.path.join(parent, os.path.basename(candidate))
        fd = _named_descriptor(candidate)
        if fd is not None or not os.path.islink(candidate):
            return fd
        candidate = os.path.join(parent, os.readlink(candidate))
    return None


def _write_descriptor(fd: int, target: Path, text: str) -> None:
    """Write ``text`` at the descriptor's own position (its ``O_APPEND`` flag honoured), as a
    shell redirection to it would: nothing is truncated, renamed or reopened.

    A reader gone from a pipe raises :class:`BrokenPipeError`, as standard output does.
    """
    for stream in (sys.stdout, sys.stderr):
        # Whatever Python still buffers for this descriptor (log lines) goes first.
        with contextlib.suppress(AttributeError, OSError, ValueError):
            if stream is not None and stream.fileno() == fd:
                stream.flush()
    data = memoryview(text.encode("utf-8"))
    try:
        while data:
            data = data[os.write(fd, data) :]
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise ReleaseToolsError(f"cannot write {target}: {exc.strerror or exc}") from exc


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` whole or not at all; errors name the file.

    A symbolic link is followed: the file it points to is replaced, the link stays. A target
    that is no regular file (``/dev/null``, a named pipe) is written to in place, as a shell
    redirection would: renaming a file over it would replace the device or the pipe with a
    plain file. A name of an open descriptor (``/dev/stderr``, ``/dev/fd/3``: see
    :func:`_descriptor_of`) is written through that descriptor, whatever it points at.
    """
    target = Path(path)
    fd = _descriptor_of(target)
    if fd is not None:
        _write_descriptor(fd, target, text)
        return
    real = Path(os.path.realpath(target))
    try:
        special = real.exists() and not real.is_file()
    except OSError:
        special = False
    if special and not real.is_dir():
        try:
            with open(real, "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
        except OSError as exc:
            raise ReleaseToolsError(f"cannot write {target}: {exc.strerror or exc}") from exc
        return
    directory = real.parent
    if not directory.is_dir():
        # The directory as given, unless a link led elsewhere: then the one it leads to.
        named = Path(os.path.realpath(target.parent)) == directory
        missing = target.parent if named else directory
        raise UsageError(f"cannot write {target}: directory {missing} does not exist")
    try:
        files.write_atomic(real, text)
    except OSError as exc:
        raise ReleaseToolsError(f"cannot write {target}: {exc.strerror or exc}") from exc


def _delimiter(value: str) -> str:
    while True:
        candidate = f"ghadelimiter_{secrets.token_hex(16)}"
        if candidate not in value:
            return candidate


def github_output_lines(values: Mapping[str, str], heredoc: Collection[str] = ()) -> str:
    """``values`` in the GITHUB_OUTPUT file syntax; multi-line values (and ``heredoc`` names,
    whatever their value) in the ``name<<DELIMITER`` form."""
    out: list[str] = []
    for name, value in values.items():
        if name in heredoc or "\n" in value or "\r" in value:
            delimiter = _delimiter(value)
            out.append(f"{name}<<{delimiter}\n{value}\n{delimiter}\n")
        else:
            out.append(f"{name}={value}\n")
    return "".join(out)


#: Decision fields that are free text: always written in heredoc form, whatever their value.
_FREE_TEXT_OUTPUTS = ("reasoning",)


def _is_structured(annotation: object) -> bool:
    """Whether a field of this type is a list or an object in the JSON report (None allowed)."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return any(_is_structured(arg) for arg in typing.get_args(annotation))
    return (typing.get_origin(annotation) or annotation) in (list, dict)


def decision_outputs(decision: Decision) -> dict[str, str]:
    """Every field of the decision's JSON report as a GITHUB_OUTPUT value, under its own name.

    Scalars are plain text (a boolean as ``true``/``false``, a missing value as empty); lists
    and objects are compact JSON, ``null`` when absent, so a workflow can always hand them to
    ``fromJSON``. Taken from the model's fields, so a field added to the report is an output too.
    """
    return _outputs_of(decision.model_dump(mode="json"))


def _outputs_of(data: Mapping[str, JsonValue]) -> dict[str, str]:
    """:func:`decision_outputs` of the decision's JSON data."""
    values: dict[str, str] = {}
    for name, field_info in Decision.model_fields.items():
        value = data[name]
        if _is_structured(field_info.annotation):
            # ASCII-only JSON: one line whatever the messages hold, and plain bytes for the file.
            values[name] = json.dumps(value, separators=(",", ":"))
        elif value is None:
            values[name] = ""
        elif isinstance(value, bool):
            values[name] = "true" if value else "false"
        else:
            values[name] = str(value)
    return values


def write_github_output(decision: Decision, path: Path) -> None:
    """Append the decision's outputs (:func:`decision_outputs`) to the file at ``path``.

    All or nothing: when the append fails part way (a full disk), the file is cut back to the
    size it had, so that no truncated line or unclosed heredoc is left for the runner to read.
    """
    # Redacted before the lists and objects become JSON text: their keys stay, and a secret
    # that the ASCII-only JSON would escape is still found.
    redacted = redact_json(decision.model_dump(mode="json"))
    assert isinstance(redacted, dict)
    values = _outputs_of(redacted)
    # Free text always goes in heredoc form, so no value of it can break the file.
    data = memoryview(github_output_lines(values, heredoc=_FREE_TEXT_OUTPUTS).encode("utf-8"))
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
    except OSError as exc:
        raise ReleaseToolsError(f"cannot append to GITHUB_OUTPUT {path}: {exc.strerror}") from exc
    try:
        size = os.fstat(fd).st_size
        try:
            while data:
                data = data[os.write(fd, data) :]
        except OSError as exc:
            with contextlib.suppress(OSError):  # not a regular file: nothing to cut back
                os.ftruncate(fd, size)
            raise ReleaseToolsError(
                f"cannot append to GITHUB_OUTPUT {path}: {exc.strerror}"
            ) from exc
    finally:
        os.close(fd)


def github_output_path(environ: Mapping[str, str], settings: Settings) -> Path | None:
    """The ``GITHUB_OUTPUT`` file to append to, None when unset.

    Refused (:class:`ConfigError`) inside the repository's git directory, wherever it lives,
    as ``--output`` is: appending there (to ``.git/config``, say) would damage the repository.
    """
    value = environ.get("GITHUB_OUTPUT")
    if not value:
        return None
    path = Path(value)
    git_dirs: tuple[Path, ...] = ()
    with contextlib.suppress(GitError, OSError):  # no repository: the .git component still counts
        git = Git(settings.repo)
        git_dirs = (git.git_dir(), git.common_dir())
    if in_git_dir(path, git_dirs):
        raise ConfigError(
            f"GITHUB_OUTPUT: {path} is inside the repository's git directory; "
            "refusing to write there"
        )
    return path


def emit_report(
    decision: Decision,
    settings: Settings,
    *,
    stream: TextIO | None = None,
    environ: Mapping[str, str] | None = None,
) -> str:
    """Write the report where ``settings`` says (``--output`` file, else ``stream``); return it.

    Also appends the CI outputs when ``GITHUB_OUTPUT`` is set in ``environ`` (checked before
    anything is written). The order: a report file first (a file that cannot be written is a
    usage error, which must leave no outputs behind), then the outputs, then a report on a
    stream (``stream`` or an open descriptor named by ``--output``), whose reader may leave
    early; should the outputs fail, the report on a stream is still written before the error.
    """
    if settings.format == "json":
        text = _render_redacted_json(decision)
    else:
        text = redact(render_text(decision))
    github_output = github_output_path(os.environ if environ is None else environ, settings)
    target = None if settings.output is None else Path(settings.output)
    if target is not None and _descriptor_of(target) is None:
        write_atomic(target, text)
        if github_output is not None:
            write_github_output(decision, github_output)
        return text
    failure: ReleaseToolsError | None = None
    if github_output is not None:
        try:
            write_github_output(decision, github_output)
        except ReleaseToolsError as exc:
            failure = exc
    if target is not None:
        write_atomic(target, text)
    else:
        out = stream if stream is not None else sys.stdout
        out.write(text)
        out.flush()
    if failure is not None:
        raise failure
    return text
