"""Run a function in a forked child and get its (picklable) result back through a pipe.

Evidence gathering on big ranges is CPU work in independent parts (parsing modules, scanning
texts). A plain ``os.fork`` starts a child in a few milliseconds with everything already
imported and collected, where a process pool would start fresh interpreters or threads.

Forking is only done where it is safe: on Linux and with no other thread running (a child
inherits locks that another thread may hold). :func:`fork_call` returns None when it cannot
fork, and :meth:`Forked.result` returns None when the child failed: callers then do the work
themselves, so a child only ever saves time.

A child never outlives the work it was started for: one whose result was never collected
(the command was interrupted, an error cut the gathering short) is killed and reaped when
the process exits, and the kernel kills it if its parent dies without that chance. Left
running, it would hold the job's output pipes open and keep a cancelled CI job waiting.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import os
import pickle
import select
import signal
import sys
import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar

__all__ = ["Forked", "can_fork", "cancel_all", "fork_call", "spread_requested"]

T = TypeVar("T")

#: In a child started with ``fork_call(..., spreadable=True)``: the pipe end that becomes
#: readable when the parent calls :meth:`Forked.spread`.
_spread_fd: int | None = None


def spread_requested() -> bool:
    """In a child of ``fork_call(..., spreadable=True)``: whether it may now use every core.

    A child started while its parent works hard (reading a big diff) runs alone so as not to
    slow the parent down; once the parent waits for it, it may split its remaining work.
    """
    if _spread_fd is None:
        return False
    readable, _writable, _failed = select.select([_spread_fd], [], [], 0)
    return bool(readable)


def can_fork() -> bool:
    """Whether a child may be forked here and now."""
    return sys.platform.startswith("linux") and threading.active_count() == 1


#: The children started by this process whose result is not collected yet, by pid.
_live: dict[int, Forked[Any]] = {}

# ``prctl(PR_SET_PDEATHSIG, SIGKILL)``: the kernel kills the calling child when its parent dies.
_PR_SET_PDEATHSIG = 1


def cancel_all() -> None:
    """Kill and reap every child whose result was never collected; idempotent (also run when
    the process exits)."""
    for child in list(_live.values()):
        child.cancel()


atexit.register(cancel_all)


class Forked(Generic[T]):
    """A child computing one result; :meth:`result` or :meth:`cancel` reaps it."""

    def __init__(self, pid: int, read_fd: int, spread_fd: int | None = None) -> None:
        self._pid = pid
        self._read_fd = read_fd
        self._spread_fd = spread_fd
        self._done = False
        _live[pid] = self

    def spread(self) -> None:
        """Tell the child it may use every core now (see :func:`spread_requested`); idempotent.

        A no-op for a child not started ``spreadable``.
        """
        if self._spread_fd is None:
            return
        fd, self._spread_fd = self._spread_fd, None
        # A byte rather than only closing: other forks may hold copies of this end.
        with contextlib.suppress(OSError):
            os.write(fd, b"s")
        os.close(fd)

    def cancel(self) -> None:
        """Stop the child if its result is no longer wanted, and reap it; idempotent."""
        if self._done:
            return
        self._done = True
        _live.pop(self._pid, None)
        self._close_spread()
        with contextlib.suppress(ProcessLookupError):
            os.kill(self._pid, signal.SIGKILL)
        os.close(self._read_fd)
        os.waitpid(self._pid, 0)

    def result(self) -> T | None:
        """Wait for the child; its result, or None when it failed (or was cancelled)."""
        if self._done:
            return None
        self._done = True
        _live.pop(self._pid, None)
        self._close_spread()
        with os.fdopen(self._read_fd, "rb") as source:
            payload = source.read()
        _pid, status = os.waitpid(self._pid, 0)
        if os.waitstatus_to_exitcode(status) != 0 or not payload:
            return None
        try:
            value: T = pickle.loads(payload)
        except Exception:
            return None
        return value

    def _close_spread(self) -> None:
        if self._spread_fd is not None:
            os.close(self._spread_fd)
            self._spread_fd = None


def fork_call(function: Callable[[], T], *, spreadable: bool = False) -> Forked[T] | None:
    """Start ``function()`` in a forked child; None when forking is not possible.

    With ``spreadable``, :meth:`Forked.spread` tells the child when it may split its work
    (see :func:`spread_requested`); until then, a ``fork_call`` in that child returns None.
    """
    global _spread_fd
    if not can_fork():
        return None
    if _spread_fd is not None and not spread_requested():
        # A spreadable child runs alone until its parent waits for it: no grandchild before.
        return None
    read_fd, write_fd = os.pipe()
    spread_read, spread_write = os.pipe() if spreadable else (None, None)
    parent = os.getpid()
    try:
        pid = os.fork()
    except OSError:
        for fd in (read_fd, write_fd, spread_read, spread_write):
            if fd is not None:
                os.close(fd)
        return None
    if pid == 0:  # pragma: no cover - the child's coverage is not collected
        status = 0
        try:
            _die_with(parent)
            _live.clear()  # the parent's other children are not this child's to reap
            os.close(read_fd)
            if spread_write is not None:
                os.close(spread_write)
            # A grandchild must not take its parent's signal for its own.
            _spread_fd = spread_read
            payload = pickle.dumps(function())
            with os.fdopen(write_fd, "wb") as out:
                out.write(payload)
        except BaseException:
            status = 1
        finally:
            # Leave at once: no atexit handlers, no flushing of buffers copied from the parent.
            os._exit(status)
    os.close(write_fd)
    if spread_read is not None:
        os.close(spread_read)
    return Forked(pid, read_fd, spread_write)


def _die_with(parent: int) -> None:  # pragma: no cover - runs in the child
    """Have the kernel kill this child when ``parent`` dies; exit at once if it already has."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL))
    if os.getppid() != parent:
        os._exit(1)
