"""SIGINT and SIGTERM as an exception inside a scope, so a release can undo what it started.

Python turns SIGINT into :class:`KeyboardInterrupt`, but SIGTERM (what CI runners send on
cancel) kills the process at once by default: no ``finally`` runs and the work tree stays half
released. Inside :func:`interruptible` both raise :class:`Interrupted` where the main thread is;
the release catches it, restores the files or records where it stopped, and exits with
``128 + signal`` like a process the signal had killed. :func:`deferred` records a signal instead
of raising it while the code cleans up, so the cleanup is never cut in half; code that is
deferred throughout opens :func:`allowed` around the steps a signal may cut, so that no signal
lands in the gaps between them.

Only the first signal of a scope is raised. What it starts (stopping the git child that was
running, then the rollback) must not be cut short by the next one: a second Ctrl-C, or the
SIGTERM a CI runner sends after its SIGINT, would otherwise leave a ``git commit`` running on to
make the release commit after the files were restored. Later signals are recorded like those of
a :func:`deferred` scope, until the scope ends.

A signal is also passed on, as SIGTERM, to what the hooks of git commands that have ended left
running (a post-commit hook's background job): git runs in a session of its own, out of reach
of the terminal's Ctrl-C and of a signal sent to the tool's process group, and so do those
processes. An :func:`interruptible` scope that received a signal waits, as it ends, until they
have ended, and kills what is left after the grace period
(:func:`~release_tools.git.process.stop_lingering`).

Signal handlers can only be installed from the main thread; elsewhere (a release run from a
worker thread) the scopes do nothing and the process keeps its default behaviour.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from types import FrameType
from typing import Any

from release_tools.git.process import signal_lingering, stop_lingering

__all__ = ["Interrupted", "allowed", "deferred", "interruptible", "pending_signal"]

_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(BaseException):
    """A SIGINT or SIGTERM arrived; ``exit_code`` is what a shell reports for it."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        self.name = signal.Signals(signum).name
        super().__init__(self.name)

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


class _State:
    def __init__(self) -> None:
        self.defer = 0
        self.pending: int | None = None
        # A signal was raised: the scope is stopping, and stops only once.
        self.stopping = False
        # A signal came in the scope, raised or not: what hooks left running is stopped.
        self.signalled = False


_state = _State()


def _handler(signum: int, frame: FrameType | None) -> None:
    _state.signalled = True
    signal_lingering()
    if _state.defer or _state.stopping:
        _state.pending = _state.pending or signum
        return
    _state.stopping = True
    raise Interrupted(signum)


@contextlib.contextmanager
def interruptible() -> Iterator[None]:
    """Inside: the first SIGINT/SIGTERM raises :class:`Interrupted`, later ones are only
    recorded (see :func:`pending_signal`); the old handlers come back after."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous: dict[int, Any] = {}
    for sig in _SIGNALS:
        previous[sig] = signal.signal(sig, _handler)
    try:
        yield
    finally:
        try:
            if _state.signalled:
                # A signal during this wait is only recorded: the scope is ending already.
                _state.stopping = True
                stop_lingering()
        finally:
            for signum, old in previous.items():
                signal.signal(signum, old)
            _state.pending = None
            _state.stopping = False
            _state.signalled = False


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """Inside: a signal is recorded, not raised (see :func:`pending_signal`).

    For cleanup that must not be cut in half (restoring files after a failure or an
    interruption): the cleanup is short, and the release exits right after it anyway.
    """
    _state.defer += 1
    try:
        yield
    finally:
        _state.defer -= 1


def pending_signal() -> int | None:
    """A signal that arrived during a :func:`deferred` scope, or after the first one of an
    :func:`interruptible` scope (None if none did)."""
    return _state.pending


@contextlib.contextmanager
def allowed() -> Iterator[None]:
    """Inside a :func:`deferred` scope: the steps a signal may cut. A signal recorded before
    is raised on entry (unless the scope is already stopping for an earlier one), and one that
    arrives inside is raised where it lands; the deferral comes back on exit."""
    saved = _state.defer
    _state.defer = 0
    try:
        if _state.pending is not None and not _state.stopping:
            _state.stopping = True
            raise Interrupted(_state.pending)
        yield
    finally:
        _state.defer = saved
