"""Render the decision: a readable text summary or JSON; files written atomically; CI outputs.

With ``GITHUB_OUTPUT`` set, every field of the JSON report is appended to that file under its
own name (:func:`decision_outputs`), so a workflow reads the whole decision without parsing the
report. Values that may hold several lines use GitHub's ``name<<DELIMITER`` form with a random
delimiter that is checked not to occur in the value, so a newline in the reasoning cannot end the
value early or inject another output.

Every output (the report on stdout or in its file, the CI outputs) passes the log redaction:
a registered API key (or a fragment of it) that found its way into a commit message, a branch
name or a file name is replaced, as it is in the logs.
"""

from __future__ import annotations

import json
import os
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
from release_tools.errors import ReleaseToolsError, UsageError
from release_tools.logs import redact
from release_tools.text import clean_text

__all__ = [
    "GROUP_LIMIT",
    "TEXT_EVIDENCE_LIMIT",
    "decision_outputs",
    "emit_report",
    "github_output_lines",
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


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` whole or not at all; errors name the file.

    A symbolic link is followed: the file it points to is replaced, the link stays. A target
    that is no regular file (``/dev/null``, ``/dev/stderr``, a named pipe) is written to in
    place, as a shell redirection would: renaming a file over it would replace the device or
    the pipe with a plain file.
    """
    target = Path(path)
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
        raise UsageError(f"cannot write {target}: directory {target.parent} does not exist")
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
    data = decision.model_dump(mode="json")
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
    """Append the decision's outputs (:func:`decision_outputs`) to the file at ``path``."""
    values = {name: redact(value) for name, value in decision_outputs(decision).items()}
    try:
        with open(path, "a", encoding="utf-8", newline="") as handle:
            # Free text always goes in heredoc form, so no value of it can break the file.
            handle.write(github_output_lines(values, heredoc=_FREE_TEXT_OUTPUTS))
    except OSError as exc:
        raise ReleaseToolsError(f"cannot append to GITHUB_OUTPUT {path}: {exc.strerror}") from exc


def emit_report(
    decision: Decision,
    settings: Settings,
    *,
    stream: TextIO | None = None,
    environ: Mapping[str, str] | None = None,
) -> str:
    """Write the report where ``settings`` says (``--output`` file, else ``stream``); return it.

    Also appends the CI outputs when ``GITHUB_OUTPUT`` is set in ``environ``.
    """
    text = render_json(decision) if settings.format == "json" else render_text(decision)
    text = redact(text)
    if settings.output is not None:
        write_atomic(Path(settings.output), text)
    else:
        out = stream if stream is not None else sys.stdout
        out.write(text)
        out.flush()
    env = os.environ if environ is None else environ
    github_output = env.get("GITHUB_OUTPUT")
    if github_output:
        write_github_output(decision, Path(github_output))
    return text
