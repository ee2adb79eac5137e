"""How git runs: a fixed environment, child processes that stop cleanly, one-line errors.

git runs with a locale-neutral environment, without pager, prompts or optional locks, and
without the switches that would change how pathspecs read. Large outputs (diffs) are streamed
line by line or in blocks instead of being read whole. Started from the main thread, git runs
in a session of its own (:func:`start_process`), so that an interrupted command is stopped as a
whole: SIGTERM to its process group (git and the hooks it runs, with their children), a wait
until every process of it has ended, SIGKILL for what is left after a grace period
(:func:`stop_process`). On Linux a git that may change the repository also dies with the tool
(:func:`start_process`), which a SIGKILL sent to the tool's group no longer reaches otherwise.
Processes a hook left running once its git had ended are signalled when the tool is
interrupted (:func:`stop_lingering`). A lock file that a killed git leaves behind is reported
(:class:`LeftLock`), never removed here. A signal never cuts in half the start of a command
(:meth:`GitProcess.run_bytes`, the streams) or its stop (:func:`signals_held`): a ``git commit``
left running would make its commit after the caller had given up on it.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import queue
import signal
import subprocess
import sys
import threading
import time
import weakref
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, cast

if sys.platform != "win32":
    import fcntl

from release_tools.errors import GitError, NotAGitRepositoryError, UnknownRefError

__all__ = [
    "GitProcess",
    "LeftLock",
    "Stopped",
    "kill_process",
    "own_session",
    "process_runs",
    "process_start",
    "signal_lingering",
    "signals_held",
    "start_process",
    "stop_lingering",
    "stop_process",
    "summarize_stderr",
]

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


# How long an interrupted git command, and what it started, get to end after SIGTERM.
_STOP_GRACE = 5.0
# How long the processes get to disappear once SIGKILL was sent (it cannot be caught; only a
# process stuck in the kernel, on a dead network file system say, takes longer).
_KILL_WAIT = 2.0
# Polling for a group or a tree to end: POSIX has no notice for "these processes, not our
# children, have ended", so the stop looks again after a short pause that grows to this.
_POLL_MAX = 0.05


def _proc_stats() -> Iterator[tuple[int, bytes, int, int, int]]:
    """Every process as ``(pid, state, parent pid, process group, start time)`` (Linux
    ``/proc``). The start time (clock ticks since boot) tells a process from a later one that
    was given the same pid."""
    try:
        entries = os.listdir("/proc")
    except OSError:
        return
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                # The command name (field 2) may hold spaces and parentheses: read past it.
                fields = handle.read().rsplit(b")", 1)[1].split()
            yield int(entry), fields[0], int(fields[1]), int(fields[2]), int(fields[19])
        except (OSError, IndexError, ValueError):
            continue


_HAS_PROC = os.path.isdir("/proc/self")


def _descendants(pid: int) -> list[tuple[int, int]]:
    """The processes started, directly or not, by ``pid``, as ``(pid, start time)`` (Linux
    ``/proc``; none elsewhere)."""
    children: dict[int, list[tuple[int, int]]] = {}
    for child, _, parent, _, start in _proc_stats():
        children.setdefault(parent, []).append((child, start))
    found: list[tuple[int, int]] = []
    todo = [pid]
    while todo:
        for seen in children.get(todo.pop(), []):
            found.append(seen)
            todo.append(seen[0])
    return found


def _pid_alive(pid: int, start: int) -> bool:
    """Whether ``pid`` runs and is still the process that started at ``start`` (a descendant
    that ended may have its pid given to another process while the stop waits); a zombie has
    ended (only its parent has not collected it yet)."""
    if _HAS_PROC:
        try:
            with open(f"/proc/{pid}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
            return fields[0] != b"Z" and int(fields[19]) == start
        except (OSError, IndexError, ValueError):
            return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, under another user
        return True
    return True


def _group_alive(pgid: int) -> bool:
    """Whether a process of group ``pgid`` runs (zombies aside, where ``/proc`` tells them)."""
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    if not _HAS_PROC:
        return True
    return any(group == pgid and state != b"Z" for _, state, _, group, _ in _proc_stats())


def _wait_until(ended: Callable[[], bool], deadline: float) -> bool:
    """Look at ``ended()`` until it is true or ``deadline`` (monotonic) has passed."""
    pause = 0.001
    while not ended():
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        time.sleep(min(pause, left))
        pause = min(pause * 2, _POLL_MAX)
    return True


def _reaped_by(proc: subprocess.Popen[bytes], deadline: float) -> bool:
    """Wait until ``deadline`` for the child itself to end; reap it. Whether it did."""
    try:
        proc.wait(timeout=max(0.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        return False
    return True


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


#: The children started in a session of their own (see :func:`start_process`): their stop
#: signals, and waits for, their whole process group.
_GROUP_LEADERS: weakref.WeakSet[subprocess.Popen[bytes]] = weakref.WeakSet()


def own_session() -> bool:
    """Whether a child started now gets a session, and so a process group, of its own.

    From the main thread, yes. That thread alone receives SIGINT and SIGTERM, and it stops
    its children itself (:func:`stop_process`): SIGTERM to the whole group, a wait for every
    process of it, SIGKILL for what is left at the end of the grace period. A group is what
    can be signalled and awaited whole on every POSIX system, where ``/proc`` (Linux only)
    would show a child's descendants and macOS shows none. In a group of its own the child is
    out of reach of the terminal: a Ctrl-C reaches the tool alone, which then stops the child
    in that order, instead of git and its hooks being hit at the same moment as the tool, while
    the tool still has to find out whether the commit was made. A session rather than only a
    group: a background group that reads from the terminal is stopped (SIGTTIN), so a hook or an
    ssh passphrase prompt would hang the release; without a controlling terminal they fail at
    once, as git's own prompts do under ``GIT_TERMINAL_PROMPT=0``.

    From another thread (the history and evidence readers), no: no handler there stops the
    child on Ctrl-C, so it stays in the caller's foreground group, where the terminal's SIGINT
    ends it as before.

    The price: a SIGKILL sent to the tool's process group (a CI runner's last resort, or the
    kernel's out-of-memory killer) does not reach a session of its own. A runner signals first
    (SIGINT or SIGTERM, which the tool does receive) and kills seconds later; the stop takes
    ``_STOP_GRACE`` plus the moment SIGKILL takes (longer only for a process stuck in the
    kernel, which the stop waits for: it is reaped before the stop returns), and a further
    signal waits for it to finish. For a SIGKILL that comes first, on Linux a git that may
    change the repository is made to die with the tool (``die_with_parent`` of
    :func:`start_process`). Elsewhere no such request exists: that git runs to its end after
    the tool was killed, and a ``git commit`` may then make its commit.
    """
    return sys.platform != "win32" and threading.current_thread() is threading.main_thread()


_PR_SET_PDEATHSIG = 1


@functools.cache
def _prctl() -> Callable[..., int] | None:
    """libc's ``prctl``, loaded once in the parent (the child between fork and exec must not
    load anything); None where there is none."""
    if sys.platform != "linux":
        return None
    import ctypes  # on first use: a run that only reads never needs it

    try:
        function: Any = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    # prctl is variadic: every argument passed at the width of the unsigned long it reads.
    function.argtypes = [ctypes.c_int, *[ctypes.c_ulong] * 4]
    function.restype = ctypes.c_int
    return cast("Callable[..., int]", function)


def _dies_with_parent() -> Callable[[], None] | None:
    """The function a child runs between fork and exec so that the kernel SIGKILLs it when the
    thread that started it ends (``PR_SET_PDEATHSIG``, Linux); None where that cannot be asked.

    SIGKILL, not SIGTERM: the tool is gone, nothing will stop the child in order, and a git
    that outlives it could still make its commit. It leaves the lock files that a git killed
    outright leaves, as it would when the same SIGKILL reached it in the tool's own group. The
    request ties the child to the *thread* that forked it: it is made only for children of the
    main thread, which lives as long as the tool (:func:`own_session`). It is not inherited by
    the child's own children: git's hooks are not killed with the tool.

    What runs in the child is a few system calls, through a function loaded beforehand: after
    a fork from a process with threads, nothing there imports, logs or takes a lock that
    another thread may have held at the fork.
    """
    prctl = _prctl()
    if prctl is None:
        return None
    return functools.partial(_die_with, prctl, os.getpid())


def _die_with(prctl: Callable[..., int], parent: int) -> None:
    """In the child: be SIGKILLed when the thread that forked it ends; if ``parent`` (the
    tool) is already gone, end now, since the request would then never fire."""
    kill = int(signal.SIGKILL)
    prctl(_PR_SET_PDEATHSIG, kill, 0, 0, 0)
    if os.getppid() != parent:
        os.kill(os.getpid(), kill)


def start_process(
    args: str | Sequence[str], *, die_with_parent: bool = False, **popen: Any
) -> subprocess.Popen[bytes]:
    """``subprocess.Popen(args, **popen)``, in a session of its own where :func:`own_session`
    says so, which :func:`stop_process` and :func:`kill_process` then act on as a whole.

    With ``die_with_parent``, a child in a session of its own is also killed by the kernel when
    the tool dies (Linux; see :func:`_dies_with_parent`). It costs a fork where Python would
    otherwise use the cheaper ``vfork``, so it is asked for the commands that can do harm by
    outliving the tool, not for every read.

    Call it inside :func:`signals_held`, so that a signal cannot land between the fork and the
    caller holding the child it must stop.
    """
    own = own_session()
    preexec = _dies_with_parent() if own and die_with_parent else None
    proc: subprocess.Popen[bytes] = subprocess.Popen(
        args, start_new_session=own, preexec_fn=preexec, **popen
    )
    if own:
        _GROUP_LEADERS.add(proc)
    return proc


@dataclass(frozen=True, slots=True)
class Stopped:
    """How :func:`stop_process` ended a child."""

    #: The grace period ran out and SIGKILL was sent to what was left.
    killed: bool
    #: The child and every process it started (that the stop could see) have ended.
    ended: bool


def stop_process(
    proc: subprocess.Popen[bytes], *, before_kill: Callable[[], None] | None = None
) -> Stopped:
    """Stop a child and what it started (git's hooks, a publish command's tools) when we are
    interrupted (Ctrl-C, SIGTERM) while it runs, and wait until they have all ended.

    SIGTERM first: git removes its lock files (``index.lock``) on that signal, where SIGKILL
    would leave them behind and break the next git command. What the child started gets it
    too, and is waited for as well: a hook or an ``npm publish`` left running would go on
    writing files, or publishing, after the release said it had stopped. Whatever still runs
    when the grace period ends is killed; ``before_kill`` is called just before (the child
    may still hold lock files then).

    A child from :func:`start_process` leads a process group: the group is signalled and
    awaited, on any POSIX system, hooks that trap SIGTERM and their children included.
    Another child (a shell started directly) is stopped with the descendants ``/proc`` shows
    (Linux), found before the child ends since they would then belong to no one; that tree is
    frozen (SIGSTOP) while the signals are sent and thawed together, since signalled one by one
    a shell whose ``wait`` a stopped child ends would run its next command (``npm publish``)
    before its own SIGTERM arrived. A process group gets each signal at once, whole.

    A further signal (a second Ctrl-C, a CI runner's SIGTERM after its SIGINT) waits until the
    stop is done (:func:`signals_held`): it is never left half done.
    """
    with signals_held():
        # What earlier commands' hooks left running stops with this one (see stop_lingering).
        lingering = _signal_groups(list(_LINGERING))
        lingering_deadline = time.monotonic() + _STOP_GRACE
        if proc in _GROUP_LEADERS:
            outcome = _stop_group(proc, before_kill)
        else:
            outcome = _stop_tree(proc, before_kill)
        for stream in (proc.stdin, proc.stdout, proc.stderr):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()
        _end_groups(lingering, lingering_deadline)
        _note_ended(proc)  # a member stuck in the kernel past SIGKILL
    return outcome


def _stop_group(proc: subprocess.Popen[bytes], before_kill: Callable[[], None] | None) -> Stopped:
    group = proc.pid
    deadline = time.monotonic() + _STOP_GRACE
    # SIGCONT after: a stopped member acts on its SIGTERM only once it runs again.
    for sent in (signal.SIGTERM, signal.SIGCONT):
        with contextlib.suppress(OSError):
            os.killpg(group, sent)
    gone = functools.partial(_group_gone, group)
    if _reaped_by(proc, deadline) and _wait_until(gone, deadline):
        return Stopped(killed=False, ended=True)
    try:
        if before_kill is not None:
            before_kill()
    finally:
        # Also when before_kill failed: what ignored SIGTERM must not run on.
        with contextlib.suppress(OSError):
            os.killpg(group, signal.SIGKILL)
        proc.wait()
        ended = _wait_until(gone, time.monotonic() + _KILL_WAIT)
    return Stopped(killed=True, ended=ended)


def _group_gone(group: int) -> bool:
    return not _group_alive(group)


def _stop_tree(proc: subprocess.Popen[bytes], before_kill: Callable[[], None] | None) -> Stopped:
    descendants = _descendants(proc.pid)
    deadline = time.monotonic() + _STOP_GRACE
    for sent in (signal.SIGSTOP, signal.SIGTERM, signal.SIGCONT):
        with contextlib.suppress(OSError):
            os.kill(proc.pid, sent)
        for pid, start in descendants:
            if _pid_alive(pid, start):
                with contextlib.suppress(OSError):
                    os.kill(pid, sent)

    def gone() -> bool:
        return not any(_pid_alive(pid, start) for pid, start in descendants)

    if _reaped_by(proc, deadline) and _wait_until(gone, deadline):
        return Stopped(killed=False, ended=True)
    try:
        if before_kill is not None:
            before_kill()
    finally:
        # Also when before_kill failed: what ignored SIGTERM must not run on.
        with contextlib.suppress(OSError):
            proc.kill()
        for pid, start in descendants:
            if _pid_alive(pid, start):
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
        proc.wait()
        ended = _wait_until(gone, time.monotonic() + _KILL_WAIT)
    return Stopped(killed=True, ended=ended)


#: Process groups of our children that ended while processes of their group ran on: a hook's
#: background job (``sleep 60 >/dev/null 2>&1 &`` in a post-commit hook). An ordered set. Kept
#: for :func:`stop_lingering`; the tool's normal exit does not wait for them.
_LINGERING: dict[int, None] = {}


def _note_ended(proc: subprocess.Popen[bytes]) -> None:
    """Keep the group of a reaped child of :func:`start_process` when processes of it still
    run (see :func:`stop_lingering`); forget the kept groups that have emptied."""
    if proc not in _GROUP_LEADERS or proc.returncode is None or not _group_alive(proc.pid):
        return
    for group in [g for g in _LINGERING if not _ours(g) or not _group_alive(g)]:
        _LINGERING.pop(group, None)
    log.debug(
        "processes of the group of %s run on after it ended", proc.args, extra={"pid": proc.pid}
    )
    _LINGERING[proc.pid] = None


def _ours(group: int) -> bool:
    """Whether ``group`` can still be a kept group (its leader was reaped) rather than a new
    one: a process of that pid exists only once the old group had emptied, since no pid is
    given out while a process group of that number has members (POSIX)."""
    try:
        os.kill(group, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return False


def _signal_groups(groups: Sequence[int]) -> list[int]:
    """SIGTERM (then SIGCONT, for a stopped member) to each kept group that runs; those."""
    signalled: list[int] = []
    for group in groups:
        if not _ours(group):
            continue
        try:
            for sent in (signal.SIGTERM, signal.SIGCONT):
                os.killpg(group, sent)
        except OSError:
            continue
        signalled.append(group)
    return signalled


def _end_groups(groups: Sequence[int], deadline: float) -> None:
    """Wait until ``deadline`` for ``groups`` (signalled) to empty, SIGKILL what is left then;
    forget the groups that have emptied."""

    def all_gone() -> bool:
        return not any(_group_alive(g) for g in groups if _ours(g))

    if groups and not _wait_until(all_gone, deadline):
        for group in groups:
            if _ours(group):
                with contextlib.suppress(OSError):
                    os.killpg(group, signal.SIGKILL)
        _wait_until(all_gone, time.monotonic() + _KILL_WAIT)
    for group in groups:
        if not _ours(group) or not _group_alive(group):
            _LINGERING.pop(group, None)


def signal_lingering() -> None:
    """SIGTERM to what our git commands' hooks left running after those commands ended.

    For a signal handler: it only sends signals. In a session of its own, such a process is
    out of reach of the terminal's Ctrl-C and of a signal sent to the tool's process group, so
    the tool passes the stop on; :func:`stop_lingering` then waits for it.
    """
    _signal_groups(list(_LINGERING))


def stop_lingering() -> None:
    """Stop what our git commands' hooks left running after those commands ended, as
    :func:`stop_process` stops a child: SIGTERM to each such process group, a wait until every
    process of them has ended, SIGKILL for what is left after the grace period.

    For the tool's interruption. A normal end does not wait for them: a hook may start a job
    meant to outlive the commit, as it does when git runs from a terminal. A process that left
    the group (``setsid``, ``git maintenance --detach``) is out of reach, as it is there.
    """
    with signals_held():
        groups = list(_LINGERING)
        _end_groups(_signal_groups(groups), time.monotonic() + _STOP_GRACE)
        for group in groups:
            if not _ours(group) or not _group_alive(group):
                _LINGERING.pop(group, None)


def kill_process(proc: subprocess.Popen[bytes]) -> None:
    """SIGKILL a child whose output is no longer wanted: its whole group when it leads one
    (:func:`start_process`). For read-only commands, which hold no lock to remove."""
    if proc in _GROUP_LEADERS:
        with contextlib.suppress(OSError):
            os.killpg(proc.pid, signal.SIGKILL)
    else:
        with contextlib.suppress(OSError):
            proc.kill()


#: Environment variables that change how git reads every pathspec.
_PATHSPEC_SWITCHES = frozenset(
    {"GIT_LITERAL_PATHSPECS", "GIT_GLOB_PATHSPECS", "GIT_NOGLOB_PATHSPECS", "GIT_ICASE_PATHSPECS"}
)
#: Variables that would change what a diff prints: ``GIT_DIFF_OPTS=-u0`` overrides
#: ``--unified=3`` (hunks without context, other line counts for the evidence and the model's
#: chunks), ``GIT_EXTERNAL_DIFF`` hands the diff to another program where ``--no-ext-diff`` is
#: not given.
_DIFF_SWITCHES = frozenset({"GIT_DIFF_OPTS", "GIT_EXTERNAL_DIFF"})


#: Git commands that change neither the repository nor a remote (with the environment set
#: here: no optional locks, so ``status`` does not refresh the index).
_READ_ONLY = frozenset(
    {"archive", "blame", "cat-file", "check-attr", "check-ignore", "check-ref-format"}
    | {"describe", "diff", "diff-files", "diff-index", "diff-tree", "for-each-ref", "grep"}
    | {"log", "ls-files", "ls-remote", "ls-tree", "merge-base", "name-rev", "rev-list"}
    | {"rev-parse", "shortlog", "show", "show-ref", "status", "var", "version"}
)

#: The git commands that hold ``index.lock`` while they run: killed, they can leave it behind.
_INDEX_WRITERS = frozenset(
    {"add", "am", "apply", "checkout", "cherry-pick", "commit", "merge", "mv", "read-tree"}
    | {"rebase", "reset", "restore", "revert", "rm", "stash", "switch", "update-index"}
)


@dataclass(frozen=True, slots=True)
class LeftLock:
    """A lock file a git command of ours left behind: it ignored SIGTERM and was killed.

    Recorded only when the command was still running when it was killed, is one that takes
    the lock, the lock existed then and is the same file once every process of the command had
    ended. While such a command holds the lock no other git can create it; ``git commit``
    releases it once the commit is made and runs its post-commit hook after, so for a commit
    the caller, which can tell whether HEAD moved, has the last word. ``device``, ``inode``,
    ``size`` and ``mtime_ns`` tell that file from one another git made since.

    The locks are ``index.lock`` and, for ``git commit <paths>``, the temporary index of that
    partial commit, ``next-index-<pid>.lock`` in the git directory, which git names after its
    own pid and holds for as long as ``index.lock``. A partial commit that a signal from outside
    ended is reported too, by that file (:meth:`GitProcess._note_killed_commit`). ``started``
    is the command's start time where the system tells it (see :func:`process_runs`), None
    elsewhere.
    """

    path: str
    pid: int
    command: str
    device: int
    inode: int
    size: int
    mtime_ns: int
    started: int | None = None

    @classmethod
    def of(
        cls,
        path: Path,
        pid: int,
        command: str,
        stat: os.stat_result,
        started: int | None = None,
    ) -> LeftLock:
        return cls(
            str(path),
            pid,
            command,
            stat.st_dev,
            stat.st_ino,
            stat.st_size,
            stat.st_mtime_ns,
            started,
        )

    def is_file(self, stat: os.stat_result) -> bool:
        """Whether ``stat`` describes the very file that was left (unchanged since)."""
        return (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns) == (
            self.device,
            self.inode,
            self.size,
            self.mtime_ns,
        )


def process_start(pid: int) -> int | None:
    """When process ``pid`` started, in clock ticks since boot (Linux ``/proc``); None where
    that cannot be read (no such process, another system)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            return int(handle.read().rsplit(b")", 1)[1].split()[19])
    except (OSError, IndexError, ValueError):
        return None


def process_runs(pid: int, started: int | None) -> bool:
    """Whether process ``pid`` may still be the one that started at ``started``.

    A process of that pid that started at another time is another one, the pid having been
    given out again (or the machine restarted). Without a start time to compare (one not
    recorded, a system without ``/proc``) any process of that pid counts, a zombie or one of
    another user too: a process is only taken to have ended where that is certain.
    """
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    if started is None or not _HAS_PROC:
        return True
    now = process_start(pid)
    return now is None or now == started


_SIGKILL = getattr(signal, "SIGKILL", 9)


def _stat(path: Path) -> os.stat_result | None:
    try:
        return os.lstat(path)
    except OSError:
        return None


class GitProcess:
    """Runs git commands in one directory: the environment, the child processes, the errors.

    :class:`~release_tools.git.repository.Git` builds the repository operations on it.
    """

    def __init__(self, cwd: str | os.PathLike[str] = ".") -> None:
        self.cwd = Path(cwd)
        # The pathspec switches would change what every pathspec given here means (":(exclude)"
        # read as a file name under GIT_LITERAL_PATHSPECS): literal paths are asked for with
        # --literal-pathspecs where they are meant. The diff switches would change the diffs.
        dropped = _PATHSPEC_SWITCHES | _DIFF_SWITCHES
        inherited = {k: v for k, v in os.environ.items() if k not in dropped}
        self._env = {
            **inherited,
            "LC_ALL": "C",
            "GIT_TERMINAL_PROMPT": "0",
            "GIT_PAGER": "cat",
            "GIT_OPTIONAL_LOCKS": "0",
        }
        self._toplevel: Path | None = None
        #: The lock files that commands of this object were killed holding (see
        #: :class:`LeftLock`); the caller decides whether to record or remove them.
        self.left_locks: list[LeftLock] = []

    def _argv(self, args: Sequence[str]) -> list[str]:
        # core.quotepath=off keeps non-ASCII paths readable; no textconv or external diff
        # drivers, so output is the same on every machine.
        return ["git", "-c", "core.quotepath=off", *args]

    def index_lock(self) -> Path:
        """The lock file of this work tree's index (``$GIT_INDEX_FILE`` + ``.lock``), as an
        absolute path: it is recorded for a later run, which may start elsewhere."""
        # git prints the path relative to the directory it runs in.
        path = Path(self.run("rev-parse", "--git-path", "index"))
        path = Path(os.path.abspath(self.cwd / path))
        return path.with_name(path.name + ".lock")

    def run_bytes(self, *args: str, check: bool = True, input: bytes | None = None) -> bytes:
        """Run git and return its raw stdout; raise :class:`GitError` on failure."""
        argv = self._argv(args)
        log.debug("git %s", " ".join(args[:6]), extra={"cwd": str(self.cwd)})
        proc: subprocess.Popen[bytes] | None = None
        committing = _subcommand(args) == "commit"
        started: int | None = None
        try:
            # A signal held while git starts is raised here, where the child can be stopped.
            with signals_held():
                proc = self._start(argv, stdin=input is not None)
                if committing:  # read while the pid is surely this git's
                    started = process_start(proc.pid)
            stdout, stderr = proc.communicate(input)
        except BaseException:
            if proc is not None:
                self._stop(proc, args)
            raise
        _note_ended(proc)
        if committing and proc.returncode < 0:
            self._note_killed_commit(proc.pid, started)
        if check and proc.returncode != 0:
            raise self._error(args, proc.returncode, stderr.decode("utf-8", "replace"))
        return stdout

    def _stop(self, proc: subprocess.Popen[bytes], args: Sequence[str]) -> None:
        """Stop an interrupted command; note the lock files it leaves if it had to be killed."""
        command = _subcommand(args)
        held: list[tuple[Path, os.stat_result]] = []
        started: int | None = None

        def before_kill() -> None:
            nonlocal started
            # Still running, and a command that takes index.lock: the lock now there is this
            # command's unless it had released it already (a commit in its post-commit hook,
            # which the caller tells by HEAD having moved). So is a partial commit's temporary
            # index, named after this git's pid, which git holds and releases with index.lock.
            if proc.poll() is not None or command not in _INDEX_WRITERS:
                return
            started = process_start(proc.pid)
            try:
                locks = [self.index_lock()]
                if command == "commit":
                    locks.append(self._git_path(f"next-index-{proc.pid}.lock"))
            except (GitError, OSError):  # not proven this command's: left alone
                return
            held.extend((lock, stat) for lock in locks if (stat := _stat(lock)) is not None)

        outcome = stop_process(proc, before_kill=before_kill)
        # Only a command that SIGKILL ended was still holding the locks it was seen with: one
        # that ended by itself meanwhile released them, and another git may hold a file now.
        if not held or not outcome.ended or proc.returncode != -_SIGKILL:
            return
        for lock, before in held:
            after = _stat(lock)
            left = LeftLock.of(lock, proc.pid, command, before, started)
            # The whole identity, not the inode alone: a file system may give a new lock the
            # inode of one just removed.
            if after is not None and left.is_file(after):
                log.debug(
                    "git %s was killed and left %s behind", command, lock, extra={"pid": proc.pid}
                )
                self.left_locks.append(left)

    def _note_killed_commit(self, pid: int, started: int | None) -> None:
        """Note the locks of a ``git commit`` that a signal from outside ended (the
        out-of-memory killer, a kill by hand), when they prove to be its own.

        Nothing saw the locks while it ran, but a partial commit's temporary index names its
        holder: ``next-index-<pid>.lock`` still there once git ``pid`` has ended is the one it
        made (git removes it on every end it controls). git creates it only once it holds
        ``index.lock``, and releases both together once the commit is made, so ``index.lock``
        is its too, unless HEAD moved, which the caller checks as for a commit it killed. A
        whole commit (no paths) leaves no such proof, and nothing is noted.
        """
        try:
            partial = self._git_path(f"next-index-{pid}.lock")
            index = self.index_lock()
        except (GitError, OSError):
            return
        if (partial_stat := _stat(partial)) is None:
            return
        left = [LeftLock.of(partial, pid, "commit", partial_stat, started)]
        if (index_stat := _stat(index)) is not None:
            left.insert(0, LeftLock.of(index, pid, "commit", index_stat, started))
        for lock in left:
            log.debug("git commit was killed and left %s behind", lock.path, extra={"pid": pid})
        self.left_locks.extend(left)

    def _git_path(self, name: str) -> Path:
        """The absolute path of ``name`` in the git directory (``git rev-parse --git-path``)."""
        return Path(os.path.abspath(self.cwd / self.run("rev-parse", "--git-path", name)))

    def _start(self, argv: list[str], *, stdin: bool, bufsize: int = -1) -> subprocess.Popen[bytes]:
        try:
            return start_process(
                argv,
                # A command that only reads ends by itself once the tool is gone (its pipes
                # close); one that may write could go on to commit, tag or push.
                die_with_parent=_subcommand(argv[1:]) not in _READ_ONLY,
                cwd=self.cwd,
                env=self._env,
                stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                bufsize=bufsize,
            )
        except FileNotFoundError as exc:
            raise GitError("git is not installed or not on PATH") from exc
        except NotADirectoryError as exc:
            raise NotAGitRepositoryError(f"not a directory: {self.cwd}") from exc

    def _start_reader(self, argv: list[str], *, bufsize: int = -1) -> subprocess.Popen[bytes]:
        """Start a command whose output is streamed, as :meth:`run_bytes` starts one: signals
        held until the child is ours to stop. A read-only command left running after an
        interruption would do no harm to the repository, but it would hold its pipes and, in
        a session of its own (:func:`start_process`), outlive the tool that reads it."""
        proc: subprocess.Popen[bytes] | None = None
        try:
            with signals_held():
                proc = self._start(argv, stdin=False, bufsize=bufsize)
        except BaseException:
            if proc is not None:
                self._finish_reader(proc)
            raise
        return proc

    @staticmethod
    def _finish_reader(proc: subprocess.Popen[bytes], *, kill: bool = True) -> str:
        """Kill a reader (unless it was read to its end and exits by itself), reap it and
        return its stderr; signals held, so that a Ctrl-C cannot leave it unreaped."""
        with signals_held():
            if kill:
                kill_process(proc)
            if proc.stdout is not None:
                proc.stdout.close()
            stderr = b""
            if proc.stderr is not None:
                with contextlib.suppress(OSError, ValueError):
                    stderr = proc.stderr.read()
                proc.stderr.close()
            proc.wait()
            _note_ended(proc)
        return stderr.decode("utf-8", "replace")

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
        proc = self._start_reader(argv, bufsize=1 << 16)
        assert proc.stdout is not None
        stdout = proc.stdout
        exhausted = False

        def lines() -> Iterator[bytes]:
            nonlocal exhausted
            yield from iter(stdout.readline, b"")
            exhausted = True

        try:
            yield lines()
        finally:
            # Killed when the consumer stopped early (or failed): the rest is not wanted.
            stderr = self._finish_reader(proc, kill=not exhausted)
        code = proc.returncode
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
        proc = self._start_reader(argv)
        assert proc.stdout is not None
        stdout = proc.stdout
        try:
            if sys.platform == "linux":
                with contextlib.suppress(OSError):  # a lower system limit only costs speed
                    fcntl.fcntl(stdout.fileno(), fcntl.F_SETPIPE_SZ, block_size)
            thread, queued, stop = self._read_ahead(stdout, block_size, read_ahead)
        except BaseException:
            # No reader runs (the system refused a thread, a Ctrl-C landed here): git must not
            # be left running, blocked on a full pipe in its session of its own.
            self._finish_reader(proc)
            raise
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
                kill_process(proc)
                while thread.is_alive():
                    with contextlib.suppress(queue.Empty):
                        queued.get(timeout=0.05)
            thread.join()
            stderr = self._finish_reader(proc, kill=False)
        code = proc.returncode
        if exhausted and code != 0:
            raise self._error(args, code, stderr)

    @staticmethod
    def _read_ahead(
        stdout: IO[bytes], block_size: int, read_ahead: int
    ) -> tuple[threading.Thread, queue.Queue[bytes | None], threading.Event]:
        """Start the thread that reads ``stdout`` in blocks ahead of the consumer (see
        :meth:`stream_blocks`): the thread, its queue (``None`` ends it) and its stop flag."""
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
        return thread, queued, stop

    def _error(self, args: Sequence[str], code: int, stderr: str) -> GitError:
        text = stderr.strip()
        if code < 0:
            # Ended by a signal from outside (the out-of-memory killer, a kill by hand): what
            # it printed before is not why it failed, and "exit status -9" says nothing.
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = f"signal {-code}"
            return GitError(f"git {_subcommand(args)} was killed by {name}")
        first = summarize_stderr(text) or f"exit status {code}"
        lowered = text.lower()
        if "not a git repository" in lowered:
            return NotAGitRepositoryError(f"not a git repository: {self.cwd}")
        if "unknown revision" in lowered or "bad revision" in lowered or "bad object" in lowered:
            return UnknownRefError(first.removeprefix("fatal: "))
        return GitError(f"git {_subcommand(args)} failed: {first.removeprefix('fatal: ')}")
