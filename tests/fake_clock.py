"""The one fake clock of the test suite (``from fake_clock import FakeClock``).

Monotonic time moves only when the client sleeps, and every sleep is recorded, so backoff and
rate-limit waits are asserted exactly and tests never really wait. Asynchronous clients use
:meth:`FakeClock.sleep`; blocking ones (the forge HTTP client) use :meth:`FakeClock.sleep_sync`.
"""

from __future__ import annotations

import asyncio


class FakeClock:
    """Monotonic and wall time that only move when the client sleeps; records every sleep."""

    def __init__(self, *, advance: bool = True) -> None:
        self.now = 1000.0
        #: False keeps time still, so that a wait computed from the clock never runs out.
        self.advance = advance
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    @property
    def wall(self) -> float:
        """Wall-clock seconds (Unix time) matching :attr:`now`."""
        return 1_700_000_000.0 + self.now

    def time(self) -> float:
        return self.wall

    def advance_by(self, seconds: float) -> None:
        """Let time pass without a sleep (a test standing in for the world)."""
        self.now += seconds

    def sleep_sync(self, seconds: float) -> None:
        """The blocking counterpart of :meth:`sleep`: records the wait and moves time, at once."""
        self.sleeps.append(seconds)
        if self.advance:
            self.now += seconds

    async def sleep(self, seconds: float) -> None:
        self.sleep_sync(seconds)
        # Yield to the loop as a real sleep would, so other tasks get to run.
        await asyncio.sleep(0)
