"""The only module that runs git.

Every call goes through :class:`Git`, which runs ``git`` with a fixed, locale-neutral
environment, never reads or writes the user's global configuration on our behalf (identity for
commits is passed per command with ``-c``), and turns failures into :mod:`release_tools.errors`.
Large outputs (diffs) are streamed line by line instead of being read whole.
"""

from __future__ import annotations

import contextlib
import logging
import os
import queue
import subprocess
import sys
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

if sys.platform != "win32":
    import fcntl

from release_tools.errors import (
    GitError,
    NotAGitRepositoryError,
    ShallowCloneError,
    UnknownRefError,
)

__all__ = ["Commit", "Git", "summarize_stderr"]

log = logging.getLogger(__name__)

# Separators that cannot appear in commit messages typed by humans.
_FIELD = "\x1f"
_RECORD = "\x1e"

# Identity used for commits only when the repository has none configured, passed with -c so
# that nobody's configuration is changed: a tool must never rewrite a user's git config.
_FALLBACK_IDENTITY = ("release-tools", "release-tools@users.noreply.github.com")


# Lines of git's stderr that state what went wrong; "hint:" lines only give advice, and a
# multi-line "fatal:" message continues on lines without a prefix.
_MAX_MESSAGE = 400


def summarize_stderr(text: str) -> str:
    """One bounded line made of the lines of git's stderr that say what failed.

    Push reports end with "hint:" advice, so the last line hides "! [rejected]"; "fatal:"
    messages can continue on following lines ("... and the repository exists."). Rejected
    refs come first because they name the cause; messages are joined with "; ".
    """
    lines = [" ".join(line.split()) for line in text.strip().splitlines()]
    rejected: list[str] = []
    messages: list[str] = []
    continuing = False
    for line in lines:
        if line.startswith(("fatal:", "error:")):
            messages.append(line)
            continuing = True
        elif line.startswith("! ["):
            rejected.append(line)
            continuing = False
        elif line.startswith("remote:"):
            if line.removeprefix("remote:").strip():
                messages.append(line)
            continuing = False
        elif line.startswith(("hint:", "To ")) or not line:
            continuing = False
        elif continuing:
            messages[-1] += f" {line}"
    picked = rejected + messages
    if not picked:
        picked = [line for line in lines if line and not line.startswith("hint:")][-1:]
    message = "; ".join(dict.fromkeys(picked)).removeprefix("fatal: ")
    if len(message) > _MAX_MESSAGE:
        message = message[: _MAX_MESSAGE - 3].rstrip() + "..."
    return message


def _subcommand(args: Sequence[str]) -> str:
    """The git command of ``args``, past global options (``-c name=value``, ``--literal-...``)."""
    rest = list(args)
    while rest and rest[0].startswith("-"):
        rest = rest[2:] if rest[0] == "-c" else rest[1:]
    return rest[0] if rest else "command"


# How long an interrupted git command gets to remove its lock files after SIGTERM.
_STOP_GRACE = 5.0


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop a git child when we are interrupted (Ctrl-C, SIGTERM) while it runs.

    SIGTERM first: git removes its lock files (``index.lock``) on that signal, where SIGKILL
    would leave them behind and break the next git command.
    """
    with contextlib.suppress(OSError):
        proc.terminate()
    try:
        proc.wait(timeout=_STOP_GRACE)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(OSError):
            proc.kill()
        proc.wait()
    for stream in (proc.stdin, proc.stdout, proc.stderr):
        if stream is not None:
            with contextlib.suppress(OSError):
                stream.close()


@dataclass(frozen=True, slots=True)
class Commit:
    """One commit of the analyzed range."""

    sha: str
    subject: str
    body: str
    author: str = ""

    @property
    def message(self) -> str:
        return f"{self.subject}\n\n{self.body}".rstrip() if self.body else self.subject


#: Environment variables that change how git reads every pathspec.
_PATHSPEC_SWITCHES = frozenset(
    {"GIT_LITERAL_PATHSPECS", "GIT_GLOB_PATHSPECS", "GIT_NOGLOB_PATHSPECS", "GIT_ICASE_PATHSPECS"}
)


class Git:
    """Runs git in one repository."""

    def __init__(self, cwd: str | os.PathLike[str] = ".") -> None:
        self.cwd = Path(cwd)
        # The pathspec switches would change what every pathspec given here means (":(exclude)"
        # read as a file name under GIT_LITERAL_PATHSPECS): literal paths are asked for with
        # --literal-pathspecs where they are meant.
        inherited = {k: v for k, v in os.environ.items() if k not in _PATHSPEC_SWITCHES}
        self._env = {
            **inherited,
            "LC_ALL": "C",
            "GIT_TERMINAL_PROMPT": "0",
            "GIT_PAGER": "cat",
            "GIT_OPTIONAL_LOCKS": "0",
        }
        self._toplevel: Path | None = None

    # --- running -------------------------------------------------------------------------

    def _argv(self, args: Sequence[str]) -> list[str]:
        # core.quotepath=off keeps non-ASCII paths readable; no textconv or external diff
        # drivers, so output is the same on every machine.
        return ["git", "-c", "core.quotepath=off", *args]

    def run_bytes(self, *args: str, check: bool = True, input: bytes | None = None) -> bytes:
        """Run git and return its raw stdout; raise :class:`GitError` on failure."""
        argv = self._argv(args)
        log.debug("git %s", " ".join(args[:6]), extra={"cwd": str(self.cwd)})
        try:
            proc = subprocess.Popen(
                argv,
                cwd=self.cwd,
                env=self._env,
                stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
        except FileNotFoundError as exc:
            raise GitError("git is not installed or not on PATH") from exc
        except NotADirectoryError as exc:
            raise NotAGitRepositoryError(f"not a directory: {self.cwd}") from exc
        try:
            stdout, stderr = proc.communicate(input)
        except BaseException:
            _stop(proc)
            raise
        if check and proc.returncode != 0:
            raise self._error(args, proc.returncode, stderr.decode("utf-8", "replace"))
        return stdout

    def run(self, *args: str, check: bool = True) -> str:
        """Run git and return stdout decoded as UTF-8 (invalid bytes replaced), stripped."""
        return self.run_bytes(*args, check=check).decode("utf-8", "replace").strip()

    def ok(self, *args: str) -> bool:
        """Whether a git command succeeds (exit 0)."""
        try:
            self.run_bytes(*args)
        except GitError:
            return False
        return True

    @contextlib.contextmanager
    def stream(self, *args: str) -> Iterator[Iterator[bytes]]:
        """Yield an iterator over stdout lines (bytes, newline kept) of a long git command.

        The output is never held whole in memory; if the consumer stops early the process is
        killed. A non-zero exit after a full read raises :class:`GitError`.
        """
        argv = self._argv(args)
        log.debug("git (stream) %s", " ".join(args[:6]))
        try:
            proc = subprocess.Popen(
                argv,
                cwd=self.cwd,
                env=self._env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                bufsize=1 << 16,
            )
        except FileNotFoundError as exc:
            raise GitError("git is not installed or not on PATH") from exc
        assert proc.stdout is not None and proc.stderr is not None
        stdout = proc.stdout
        exhausted = False

        def lines() -> Iterator[bytes]:
            nonlocal exhausted
            yield from iter(stdout.readline, b"")
            exhausted = True

        try:
            yield lines()
        finally:
            if not exhausted:
                # The consumer stopped early (or failed): the rest is not wanted.
                proc.kill()
            stdout.close()
            stderr = proc.stderr.read().decode("utf-8", "replace")
            proc.stderr.close()
            code = proc.wait()
        if exhausted and code != 0:
            raise self._error(args, code, stderr)

    @contextlib.contextmanager
    def stream_blocks(
        self, *args: str, block_size: int = 1 << 20, read_ahead: int = 8
    ) -> Iterator[Iterator[bytes]]:
        """Like :meth:`stream`, but yield blocks of whole lines of about ``block_size`` bytes.

        Each block ends at a line end (the last line is completed with one ``readline``), so a
        consumer can split lines in C (``io.BytesIO``) instead of taking a Python step per line.
        A reader thread keeps up to ``read_ahead`` blocks queued and the pipe is enlarged where
        the OS allows: git keeps writing while the consumer parses, so a 200 MB diff costs about
        what git alone costs. Memory stays bounded by ``read_ahead * block_size``.
        """
        argv = self._argv(args)
        log.debug("git (stream blocks) %s", " ".join(args[:6]))
        try:
            proc = subprocess.Popen(
                argv, cwd=self.cwd, env=self._env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
            )
        except FileNotFoundError as exc:
            raise GitError("git is not installed or not on PATH") from exc
        assert proc.stdout is not None and proc.stderr is not None
        stdout = proc.stdout
        if sys.platform == "linux":
            with contextlib.suppress(OSError):  # a lower system limit only costs speed
                fcntl.fcntl(stdout.fileno(), fcntl.F_SETPIPE_SZ, block_size)
        queued: queue.Queue[bytes | None] = queue.Queue(maxsize=max(1, read_ahead))
        stop = threading.Event()

        def reader() -> None:
            try:
                while not stop.is_set():
                    block = stdout.read(block_size)
                    if not block:
                        break
                    if not block.endswith(b"\n"):
                        block += stdout.readline()
                    while not stop.is_set():
                        try:
                            queued.put(block, timeout=0.05)
                            break
                        except queue.Full:
                            continue
            except (OSError, ValueError):  # the pipe was closed under us by an early stop
                pass
            finally:
                while not stop.is_set():  # the end marker must not be lost on a full queue
                    try:
                        queued.put(None, timeout=0.05)
                        break
                    except queue.Full:
                        continue

        thread = threading.Thread(target=reader, name="git-stream-reader", daemon=True)
        thread.start()
        exhausted = False

        def blocks() -> Iterator[bytes]:
            nonlocal exhausted
            while (block := queued.get()) is not None:
                yield block
            exhausted = True

        try:
            yield blocks()
        finally:
            if not exhausted:
                # The consumer stopped early (or failed): stop git, then unblock the reader.
                stop.set()
                proc.kill()
                while thread.is_alive():
                    with contextlib.suppress(queue.Empty):
                        queued.get(timeout=0.05)
            thread.join()
            stdout.close()
            stderr = proc.stderr.read().decode("utf-8", "replace")
            proc.stderr.close()
            code = proc.wait()
        if exhausted and code != 0:
            raise self._error(args, code, stderr)

    def _error(self, args: Sequence[str], code: int, stderr: str) -> GitError:
        text = stderr.strip()
        first = summarize_stderr(text) or f"exit status {code}"
        lowered = text.lower()
        if "not a git repository" in lowered:
            return NotAGitRepositoryError(f"not a git repository: {self.cwd}")
        if "unknown revision" in lowered or "bad revision" in lowered or "bad object" in lowered:
            return UnknownRefError(first.removeprefix("fatal: "))
        return GitError(f"git {_subcommand(args)} failed: {first.removeprefix('fatal: ')}")

    # --- repository facts ----------------------------------------------------------------

    def toplevel(self) -> Path:
        """The repository's root directory."""
        if self._toplevel is None:
            if not self.cwd.is_dir():
                raise NotAGitRepositoryError(f"not a directory: {self.cwd}")
            try:
                self._toplevel = Path(self.run("rev-parse", "--show-toplevel"))
            except NotAGitRepositoryError:
                raise
            except GitError as exc:
                if self.run("rev-parse", "--is-bare-repository", check=False) == "true":
                    raise NotAGitRepositoryError(
                        f"not a work tree: {self.cwd} is a bare repository "
                        "(run in a clone with checked-out files)"
                    ) from exc
                raise
        return self._toplevel

    def git_dir(self) -> Path:
        """The absolute path of the repository's git directory (``.git`` of this work tree)."""
        return Path(self.run("rev-parse", "--absolute-git-dir"))

    def common_dir(self) -> Path:
        """The absolute path of the directory shared by all work trees (objects, refs)."""
        path = Path(self.run("rev-parse", "--git-common-dir"))
        return path if path.is_absolute() else Path(self.cwd) / path

    def git_path(self, name: str) -> Path:
        """Where git keeps ``name`` (``index.lock``...) for this work tree, as an absolute path."""
        path = Path(self.run("rev-parse", "--git-path", name))
        return path if path.is_absolute() else self.toplevel() / path

    def is_shallow(self) -> bool:
        return self.run("rev-parse", "--is-shallow-repository") == "true"

    def resolve(self, ref: str) -> str:
        """The full SHA of the commit ``ref`` names, or :class:`UnknownRefError`."""
        if not ref or ref.startswith("-"):
            raise UnknownRefError(f"invalid ref {ref!r}")
        try:
            return self.run("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
        except GitError as exc:
            hint = ""
            if self.is_shallow():
                hint = " (this is a shallow clone: fetch more history, e.g. fetch-depth: 0)"
            raise UnknownRefError(f"unknown ref {ref!r}{hint}") from exc

    def has_commits(self) -> bool:
        return self.ok("rev-parse", "--verify", "--quiet", "HEAD^{commit}")

    def merge_base(self, base: str, head: str) -> str:
        """The best common ancestor of two commits."""
        try:
            return self.run("merge-base", base, head)
        except GitError as exc:
            if self.is_shallow():
                raise ShallowCloneError(
                    f"no common history between {base[:12]} and {head[:12]} in this shallow "
                    "clone: fetch the full history (actions/checkout with fetch-depth: 0)"
                ) from exc
            raise GitError(f"{base[:12]} and {head[:12]} have no common ancestor") from exc

    def root_commit(self, head: str) -> str:
        """The first root commit reachable from ``head`` (the oldest)."""
        roots = self.run("rev-list", "--max-parents=0", head).split()
        if not roots:
            raise GitError(f"no root commit reachable from {head[:12]}")
        return roots[-1]

    def tags_merged(self, head: str) -> list[str]:
        """Tags reachable from ``head``, newest commit first."""
        out = self.run(
            "tag", "--merged", head, "--sort=-creatordate", "--format=%(refname:strip=2)"
        )
        return [line for line in out.splitlines() if line]

    def tag_commit(self, tag: str) -> str:
        return self.run("rev-list", "-n", "1", tag)

    def tag_commits(self) -> dict[str, str]:
        """Every tag's commit (annotated tags peeled), in one call: ``{tag: sha}``."""
        out = self.run(
            "for-each-ref",
            "--format=%(refname:strip=2)%09%(objectname)%09%(*objectname)",
            "refs/tags",
        )
        found: dict[str, str] = {}
        for line in out.splitlines():
            name, obj, peeled = [*line.split("\t"), "", ""][:3]
            if name:
                found[name] = peeled or obj
        return found

    def is_ancestor(self, ancestor: str, descendant: str) -> bool:
        """Whether commit ``ancestor`` is reachable from ``descendant`` (or is it)."""
        return self.ok("merge-base", "--is-ancestor", ancestor, descendant)

    def commits(self, base: str | None, head: str, paths: Sequence[str] = ()) -> list[Commit]:
        """Commits in ``base..head`` (all of ``head``'s history when ``base`` is None)."""
        rng = f"{base}..{head}" if base else head
        fmt = f"%H{_FIELD}%an{_FIELD}%s{_FIELD}%b{_RECORD}"
        args = ["log", "--no-color", f"--format={fmt}", rng]
        if paths:
            args += ["--", *paths]
        out = self.run_bytes(*args).decode("utf-8", "replace")
        result: list[Commit] = []
        for record in out.split(_RECORD):
            record = record.strip("\n")
            if not record:
                continue
            sha, author, subject, body = [*record.split(_FIELD), "", "", ""][:4]
            result.append(Commit(sha=sha, subject=subject, body=body.strip(), author=author))
        return result

    def show_file(self, ref: str, path: str) -> bytes | None:
        """A file's content at ``ref``, or None if it does not exist there."""
        try:
            return self.run_bytes("show", f"{ref}:{path}")
        except GitError:
            return None

    def ls_files(self, ref: str, paths: Sequence[str] = ()) -> list[str]:
        """Paths of the files in ``ref``'s tree (optionally under ``paths``)."""
        out = self.run_bytes("ls-tree", "-r", "-z", "--name-only", ref, "--", *paths)
        return [p for p in out.decode("utf-8", "replace").split("\0") if p]

    def archive_to(self, ref: str, dest: Path, paths: Sequence[str] = ()) -> None:
        """Write ``ref``'s tree (or some paths of it) into ``dest`` without touching the index."""
        import io
        import tarfile

        data = self.run_bytes("archive", "--format=tar", ref, "--", *paths)
        dest.mkdir(parents=True, exist_ok=True)
        with tarfile.open(fileobj=io.BytesIO(data)) as tar:
            tar.extractall(dest, filter="data")

    def changed_paths(self, base: str, head: str) -> list[str]:
        """Paths touched between two commits (renames as their new path)."""
        out = self.run_bytes("diff", "--name-only", "-z", "--no-renames", base, head)
        return [p for p in out.decode("utf-8", "replace").split("\0") if p]

    def name_status(self, base: str, head: str, paths: Sequence[str] = ()) -> list[tuple[str, str]]:
        """``(status letter, path)`` of every file changed between two trees, renames off.

        Only tree objects are compared (no contents, no rename search), so it costs milliseconds
        where the full diff of a big range costs seconds.
        """
        out = self.run_bytes(
            "diff", "--name-status", "-z", "--no-renames", "--no-relative", base, head, "--", *paths
        )
        fields = out.decode("utf-8", "replace").split("\0")
        return [(fields[i][:1], fields[i + 1]) for i in range(0, len(fields) - 1, 2)]

    def status_porcelain(self) -> str:
        return self.run("status", "--porcelain")

    def current_branch(self) -> str | None:
        name = self.run("rev-parse", "--abbrev-ref", "HEAD")
        return None if name == "HEAD" else name

    # --- writing -------------------------------------------------------------------------

    def _identity_args(self) -> list[str]:
        args: list[str] = []
        if not self.run("config", "user.name", check=False):
            args += ["-c", f"user.name={_FALLBACK_IDENTITY[0]}"]
        if not self.run("config", "user.email", check=False):
            args += ["-c", f"user.email={_FALLBACK_IDENTITY[1]}"]
        return args

    def add(self, paths: Sequence[str]) -> None:
        """Stage ``paths`` (additions, changes, deletions), each taken literally: a ``*`` or a
        ``:(glob)`` in a file name never widens what is staged."""
        if paths:
            self.run("--literal-pathspecs", "add", "-A", "--", *paths)

    def unstage(self, paths: Sequence[str]) -> None:
        """Put the index entries of ``paths`` back to HEAD's (undo :meth:`add`)."""
        if paths:
            self.run("--literal-pathspecs", "reset", "-q", "HEAD", "--", *paths)

    def tag_exists(self, name: str) -> bool:
        """Whether ``refs/tags/<name>`` exists."""
        return self.ok("rev-parse", "--verify", "--quiet", f"refs/tags/{name}")

    def has_remote(self, name: str) -> bool:
        """Whether a remote called ``name`` is configured."""
        return self.ok("remote", "get-url", "--end-of-options", name)

    def check_tag_name(self, name: str) -> str | None:
        """Why ``name`` cannot be a tag (None when it can).

        ``git check-ref-format`` decides the syntax; a leading dash is refused too, since git
        accepts it as a ref but any command line would read it as an option.
        """
        if not name or name.startswith("-"):
            return "a tag name cannot be empty or start with '-'"
        if name in ("HEAD", "@"):
            return f"{name!r} already means the current commit"
        if not self.ok("check-ref-format", f"refs/tags/{name}"):
            return "not a valid git ref name (see git check-ref-format)"
        return None

    def commit(self, message: str, paths: Sequence[str] = (), *, verify: bool = True) -> str:
        """Commit staged changes (or ``paths``) with ``message``; return the new SHA.

        The repository's ``pre-commit`` and ``commit-msg`` hooks run unless ``verify`` is False.
        """
        args = [
            "--literal-pathspecs",
            *self._identity_args(),
            "commit",
            *([] if verify else ["--no-verify"]),
        ]
        args += ["-q", "-m", message]
        if paths:
            args += ["--", *paths]
        self.run(*args)
        return self.run("rev-parse", "HEAD")

    def tag(self, name: str, message: str | None = None, ref: str = "HEAD") -> None:
        if self.ok("rev-parse", "--verify", "--quiet", f"refs/tags/{name}"):
            raise GitError(f"tag {name!r} already exists")
        if message is None:
            self.run("tag", "--end-of-options", name, ref)
        else:
            self.run(
                *self._identity_args(), "tag", "-a", "-m", message, "--end-of-options", name, ref
            )

    def tag_target(self, name: str) -> str | None:
        """The commit ``refs/tags/<name>`` points to (peeled), or None when there is no such tag."""
        out = self.run(
            "rev-parse", "--verify", "--quiet", f"refs/tags/{name}^{{commit}}", check=False
        )
        return out or None

    def delete_tag(self, name: str) -> None:
        """Delete the local tag ``refs/tags/<name>``."""
        self.run("update-ref", "-d", f"refs/tags/{name}")

    def reset_soft(self, commit: str) -> None:
        """Move the current branch to ``commit``, keeping the index and the files."""
        self.run("reset", "-q", "--soft", commit, "--")

    def reset_paths(self, commit: str, paths: Sequence[str]) -> None:
        """Put the index entries of ``paths`` back to ``commit``'s (files untouched)."""
        if paths:
            self.run("--literal-pathspecs", "reset", "-q", commit, "--", *paths)

    def push(self, remote: str, refs: Sequence[str]) -> None:
        self.run("push", "--atomic", "--end-of-options", remote, *refs)
