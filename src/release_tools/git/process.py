"""How git runs: a fixed environment, child processes that stop cleanly, one-line errors.

git runs with a locale-neutral environment, without pager, prompts or optional locks, and
without the switches that would change how pathspecs read. Large outputs (diffs) are streamed
line by line or in blocks instead of being read whole; an interrupted command is stopped with
SIGTERM, the processes it started (hooks) too, so that it removes its lock files and nothing of
it runs on. A signal never cuts in half the start of a command (:meth:`GitProcess.run_bytes`)
or its stop (:func:`signals_held`): a ``git commit`` left running would make its commit after
the caller had given up on it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

if sys.platform != "win32":
    import fcntl

from release_tools.errors import GitError, NotAGitRepositoryError, UnknownRefError

__all__ = ["GitProcess", "signals_held", "stop_process", "summarize_stderr"]

log = logging.getLogger(__name__)

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


def _descendants(pid: int) -> list[int]:
    """The processes started, directly or not, by ``pid`` (Linux ``/proc``; none elsewhere)."""
    children: dict[int, list[int]] = {}
    try:
        entries = os.listdir("/proc")
    except OSError:
        return []
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                # The command name (field 2) may hold spaces and parentheses: read past it.
                fields = handle.read().rsplit(b")", 1)[1].split()
        except (OSError, IndexError):
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
    found: list[int] = []
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


_HELD_SIGNALS = (signal.SIGINT, signal.SIGTERM)


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """Inside: SIGINT and SIGTERM are recorded, and handled as usual once the block is done.

    For the steps that a signal must not cut in half: starting a child (cut after the fork, the
    child would run with no one to stop it) and stopping one (cut before its SIGTERM, a ``git
    commit`` would go on and commit after the caller had given up on it). The handlers in place
    when the block began get the signals when it ends. Only the main thread can change signal
    handlers: elsewhere nothing is held.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    came: list[int] = []

    def record(signum: int, frame: object) -> None:
        came.append(signum)

    previous: dict[int, Any] = {}
    try:
        for sig in _HELD_SIGNALS:
            # An ignored signal stays ignored, also by the children started meanwhile; a
            # handler installed outside Python (None) could not be put back.
            if signal.getsignal(sig) not in (signal.SIG_IGN, None):
                previous[sig] = signal.signal(sig, record)
        yield
    finally:
        for held, handler in previous.items():
            signal.signal(held, handler)
        for signum in dict.fromkeys(came):
            signal.raise_signal(signum)


def stop_process(proc: subprocess.Popen[bytes]) -> None:
    """Stop a child and what it started (git's hooks, a publish command's tools) when we are
    interrupted (Ctrl-C, SIGTERM) while it runs.

    SIGTERM first: git removes its lock files (``index.lock``) on that signal, where SIGKILL
    would leave them behind and break the next git command. The child's descendants get it
    too: a hook or an ``npm publish`` left running would go on writing files, or publishing,
    after the release has been rolled back. They are found before the child ends, since they
    would then belong to no one. The whole tree is frozen (SIGSTOP) while the signals are
    sent and thawed together: signalled one by one, a shell whose ``wait`` a stopped child
    ends would run its next command (``npm publish``) before its own SIGTERM arrived.

    A further signal (a second Ctrl-C, a CI runner's SIGTERM after its SIGINT) waits until the
    child has ended and been reaped (:func:`signals_held`): the stop is never left half done.
    """
    with signals_held():
        tree = [proc.pid, *_descendants(proc.pid)]
        for sent in (signal.SIGSTOP, signal.SIGTERM, signal.SIGCONT):
            for pid in tree:
                with contextlib.suppress(OSError):
                    os.kill(pid, sent)
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


#: Environment variables that change how git reads every pathspec.
_PATHSPEC_SWITCHES = frozenset(
    {"GIT_LITERAL_PATHSPECS", "GIT_GLOB_PATHSPECS", "GIT_NOGLOB_PATHSPECS", "GIT_ICASE_PATHSPECS"}
)


class GitProcess:
    """Runs git commands in one directory: the environment, the child processes, the errors.

    :class:`~release_tools.git.repository.Git` builds the repository operations on it.
    """

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

    def _argv(self, args: Sequence[str]) -> list[str]:
        # core.quotepath=off keeps non-ASCII paths readable; no textconv or external diff
        # drivers, so output is the same on every machine.
        return ["git", "-c", "core.quotepath=off", *args]

    def run_bytes(self, *args: str, check: bool = True, input: bytes | None = None) -> bytes:
        """Run git and return its raw stdout; raise :class:`GitError` on failure."""
        argv = self._argv(args)
        log.debug("git %s", " ".join(args[:6]), extra={"cwd": str(self.cwd)})
        proc: subprocess.Popen[bytes] | None = None
        try:
            # A signal held while git starts is raised here, where the child can be stopped.
            with signals_held():
                proc = self._start(argv, stdin=input is not None)
            stdout, stderr = proc.communicate(input)
        except BaseException:
            if proc is not None:
                stop_process(proc)
            raise
        if check and proc.returncode != 0:
            raise self._error(args, proc.returncode, stderr.decode("utf-8", "replace"))
        return stdout

    def _start(self, argv: list[str], *, stdin: bool) -> subprocess.Popen[bytes]:
        try:
            return subprocess.Popen(
                argv,
                cwd=self.cwd,
                env=self._env,
                stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
        except FileNotFoundError as exc:
            raise GitError("git is not installed or not on PATH") from exc
        except NotADirectoryError as exc:
            raise NotAGitRepositoryError(f"not a directory: {self.cwd}") from exc

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
