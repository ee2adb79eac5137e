"""The release journal: what an unfinished release changed, so it can be finished or undone.

A release is a transaction. Before its first change it writes ``.git/release-tools/journal.json``
(atomically) with the original bytes and mode of every file it will write and of every plan it
will delete, a digest of what the release writes there (so that undoing it can tell the
release's bytes from changes made since), the directories the writes create, the commit
message, the commit it starts from, and the steps still to do after the commit (tags, push,
publish, then the forge releases). The journal is updated after each of those steps and
removed when the release is complete or undone. A journal left behind (an interruption, a
rejected push, a failed publish or forge release) makes the next ``release`` stop and say how
to finish (``--resume``) or undo (``--abort``) it, instead of reporting "nothing to release".

A release of ``--auto`` also records what analyze decided (:class:`JournalAuto`): its plans
exist only in memory, so a release interrupted before its commit is made again from them by
``--resume``, not analyzed anew. The transaction that writes the journal knows nothing of
``--auto``: the release service opens :func:`recording_auto` around it, and every journal
created within carries the record.

It lives in the git directory: never committed, never seen by ``git status``, private to the
work tree (linked work trees have their own).
"""

from __future__ import annotations

import base64
import contextlib
import json
import logging
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from release_tools.errors import ReleaseError
from release_tools.files import write_atomic

__all__ = [
    "JOURNAL_NAME",
    "Journal",
    "JournalAnalyzed",
    "JournalAuto",
    "JournalFile",
    "JournalRelease",
    "Phase",
    "recording_auto",
]

log = logging.getLogger(__name__)

JOURNAL_NAME = "release-tools/journal.json"
_FORMAT = 1

#: ``files``: files are being written and committed; ``committed``: the commit exists.
Phase = Literal["files", "committed"]


@dataclass(slots=True)
class JournalFile:
    """A path the release writes or deletes, and what it held before (None: did not exist)."""

    path: str
    content: bytes | None
    mode: int | None
    #: The :func:`~release_tools.release.files.content_digest` of what the release writes
    #: there; None in a journal written by an earlier version, which did not record it.
    written: str | None = None


@dataclass(slots=True)
class JournalRelease:
    """One project's release and which of its steps after the commit are done."""

    name: str
    release_type: str
    previous: str | None
    version: str
    tag: str
    #: The project's directory, where its publish command runs.
    path: str = "."
    tagged: bool = False
    published: bool = False
    #: False for a private project left untagged by its configuration.
    make_tag: bool = True
    #: False for a private project: the publish command never runs for it.
    publishable: bool = True


@dataclass(slots=True)
class JournalAnalyzed:
    """A project ``release --auto`` analyzed, and the plan it made of the decision (a plan
    held in memory, which no file keeps)."""

    name: str
    #: analyze's decision in its JSON form, for the report of the release made from it.
    decision: dict[str, Any]
    #: The plan's release type; None when analyze found nothing to release.
    release_type: str | None = None
    #: The plan's body: its changelog entries.
    body: str = ""
    #: ``nx`` or ``changesets``: the format the plan was made in (pre mode counts it by it).
    plan_format: str = "nx"
    #: The exact version a ``Release-As`` footer asked for; None: the type decides.
    version: str | None = None


@dataclass(slots=True)
class JournalAuto:
    """What ``release --auto`` decided before its first change."""

    analyzed: list[JournalAnalyzed]
    #: The one project the release was limited to (``--project``), None for all.
    project: str | None = None


#: The record of the ``--auto`` release whose journal is being written (see
#: :func:`recording_auto`).
_RECORDING: ContextVar[JournalAuto | None] = ContextVar("release_tools_auto", default=None)


@contextlib.contextmanager
def recording_auto(record: JournalAuto | None) -> Iterator[None]:
    """Within: a new :class:`Journal` carries ``record`` as its :attr:`Journal.auto`."""
    token = _RECORDING.set(record)
    try:
        yield
    finally:
        _RECORDING.reset(token)


def _recorded_auto() -> JournalAuto | None:
    return _RECORDING.get()


@dataclass(slots=True)
class Journal:
    """The state of one release on disk (see the module docstring)."""

    path: Path
    phase: Phase
    base: str | None
    message: str
    files: list[JournalFile]
    releases: list[JournalRelease]
    commit: str | None = None
    branch: str | None = None
    #: Whether the release stages its files in the index (commit mode), so undoing unstages.
    staged: bool = True
    tag: bool = True
    push: bool = False
    #: The push was started (and may have reached the remote though it never returned).
    pushing: bool = False
    pushed: bool = False
    remote: str = "origin"
    publish_command: str | None = None
    #: The directories (relative to the work tree) the release's writes create, outermost
    #: first; an earlier version did not record them (empty: none is removed).
    directories: list[str] = field(default_factory=list)
    #: The forge (``github``, ``gitlab``) whose releases follow the push (``--forge-release``),
    #: with the asset globs and the prerelease override they use, so that ``--resume`` makes
    #: them too; None when the release makes none (or an earlier version did not record it).
    forge_release: str | None = None
    release_assets: list[str] = field(default_factory=list)
    prerelease: bool | None = None
    #: The tags whose forge release exists (made by ``forge-release`` after a failed step).
    forge_made: list[str] = field(default_factory=list)
    #: What ``release --auto`` decided (None for a release of plan files alone, or a journal
    #: of an earlier version): a release interrupted before its commit is made again from it.
    auto: JournalAuto | None = field(default_factory=_recorded_auto)

    # --- disk ------------------------------------------------------------------------------

    def save(self) -> None:
        """Write the journal whole or not at all (readable by its owner only)."""
        data = {
            "format": _FORMAT,
            **{k: v for k, v in asdict(self).items() if k not in ("path", "files")},
            "files": [
                {
                    "path": f.path,
                    "content": None
                    if f.content is None
                    else base64.b64encode(f.content).decode("ascii"),
                    "mode": f.mode,
                    "written": f.written,
                }
                for f in self.files
            ],
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(self.path, json.dumps(data, indent=1) + "\n", mode=0o600)

    def remove(self) -> None:
        """Forget the release (it is complete or undone); its directory goes too when empty."""
        self.path.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            self.path.parent.rmdir()

    @classmethod
    def load(cls, path: Path) -> Journal | None:
        """The journal at ``path``, None when there is none; ReleaseError when it is unreadable."""
        try:
            raw: Any = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ReleaseError(f"the release journal {path} is unreadable ({exc})") from exc
        try:
            if raw["format"] != _FORMAT:
                raise ValueError(f"format {raw['format']!r}")
            files = [
                JournalFile(
                    str(f["path"]),
                    None if f["content"] is None else base64.b64decode(f["content"]),
                    None if f["mode"] is None else int(f["mode"]),
                    _optional_str(f.get("written")),
                )
                for f in raw["files"]
            ]
            releases = [JournalRelease(**r) for r in raw["releases"]]
            fields = {
                k: raw[k]
                for k in (
                    "phase",
                    "base",
                    "message",
                    "commit",
                    "branch",
                    "staged",
                    "tag",
                    "push",
                    "pushed",
                    "remote",
                    "publish_command",
                )
            }
            if fields["phase"] not in ("files", "committed"):
                raise ValueError(f"phase {fields['phase']!r}")
            # Absent from the journals of earlier versions.
            directories = [str(d) for d in raw.get("directories", [])]
            fields["pushing"] = bool(raw.get("pushing", False))
            fields["forge_release"] = _optional_str(raw.get("forge_release"))
            fields["release_assets"] = [str(a) for a in raw.get("release_assets", [])]
            fields["forge_made"] = [str(t) for t in raw.get("forge_made", [])]
            prerelease = raw.get("prerelease")
            if prerelease is not None and not isinstance(prerelease, bool):
                raise TypeError(f"prerelease {prerelease!r}")
            fields["prerelease"] = prerelease
            auto = _load_auto(raw.get("auto"))
        except (KeyError, TypeError, ValueError) as exc:
            raise ReleaseError(
                f"the release journal {path} is damaged ({exc}); "
                "check the release commit, tags and files by hand, then delete it"
            ) from exc
        return cls(
            path=path,
            files=files,
            releases=releases,
            directories=directories,
            auto=auto,
            **fields,
        )

    # --- what is left ----------------------------------------------------------------------

    def remaining(self) -> list[str]:
        """The steps after the commit that have not happened yet, in order."""
        steps: list[str] = []
        if self.tag:
            steps += [f"tag {r.tag}" for r in self.releases if r.make_tag and not r.tagged]
        if self.push and not self.pushed:
            steps.append(f"push to {self.remote}")
        if self.tag and self.publish_command:
            steps += [
                f"publish {r.name} {r.version}"
                for r in self.releases
                if r.publishable and r.make_tag and not r.published
            ]
        return steps

    def forge_tags(self) -> list[str]:
        """The tags whose forge release is still to be made (none without a forge release)."""
        if self.forge_release is None:
            return []
        tags = dict.fromkeys(r.tag for r in self.releases if r.make_tag)
        return [tag for tag in tags if tag not in self.forge_made]

    def to_do(self) -> list[str]:
        """:meth:`remaining`, then the forge releases that ``--resume`` makes after them."""
        return self.remaining() + [f"{self.forge_release} release {t}" for t in self.forge_tags()]

    def advice(self, landed: str | None = None) -> str:
        """One line: what state the unfinished release is in and the commands that end it.

        ``landed`` is the release commit found in the history when the journal did not see
        it made (the run was killed while git was committing).
        """
        names = ", ".join(f"{r.name} {r.version}" for r in self.releases)
        if landed is not None and self.commit is None:
            return replace(self, commit=landed, phase="committed").advice()
        if self.phase == "files" or self.commit is None:
            return (
                f"an earlier release of {names} was interrupted before its commit and left "
                f"files changed (journal {self.path}): run `release-tools release --abort` "
                "to restore them, or `release-tools release --resume` to restore them and "
                "release again"
            )
        if not self.remaining() and self.forge_tags():
            tags = ", ".join(self.forge_tags())
            return (
                f"an earlier release of {names} is pushed but its {self.forge_release} release "
                f"of {tags} was not made (journal {self.path}): run `release-tools release "
                "--resume` to make it, or `release-tools release --resume --forge-release off` "
                "to go on without it"
            )
        left = ", ".join(self.to_do()) or "nothing"
        return (
            f"an earlier release of {names} is unfinished: commit {self.commit[:10]} exists, "
            f"still to do: {left}; run `release-tools release --resume` to finish it or "
            "`release-tools release --abort` to undo it"
        )


def _load_auto(raw: object) -> JournalAuto | None:
    """The ``auto`` record of a journal's JSON (absent from those of earlier versions)."""
    if raw is None:
        return None
    if not isinstance(raw, dict) or not isinstance(raw["analyzed"], list):
        raise TypeError(f"auto {raw!r}")
    analyzed: list[JournalAnalyzed] = []
    for item in raw["analyzed"]:
        if not isinstance(item, dict) or not isinstance(item["decision"], dict):
            raise TypeError(f"auto analyzed {item!r}")
        analyzed.append(
            JournalAnalyzed(
                name=str(item["name"]),
                decision=item["decision"],
                release_type=_optional_str(item.get("release_type")),
                body=str(item.get("body", "")),
                plan_format=str(item.get("plan_format", "nx")),
                version=_optional_str(item.get("version")),
            )
        )
    return JournalAuto(analyzed, _optional_str(raw.get("project")))


def _optional_str(value: object) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise TypeError(f"expected a string, got {type(value).__name__}")
