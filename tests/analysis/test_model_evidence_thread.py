"""The model path gathers the local evidence on a daemon thread that an interrupted run does
not wait for: cancelling the run ends it while the gathering is still blocked."""

from __future__ import annotations

import asyncio
import threading

import pytest

from release_tools.analysis.engines.model.analyzer import in_daemon_thread


def test_a_cancelled_run_does_not_wait_for_the_gathering() -> None:
    release = threading.Event()
    ended: list[str] = []

    async def main() -> None:
        gathering = in_daemon_thread(lambda _: release.wait(), None)
        await asyncio.sleep(0)
        gathering.cancel()
        with pytest.raises(asyncio.CancelledError):
            await gathering

    def run() -> None:
        asyncio.run(main())
        ended.append("run")

    runner = threading.Thread(target=run)
    runner.start()
    runner.join(timeout=60)  # a hang guard: asyncio.to_thread would wait for the event
    try:
        assert ended == ["run"]
    finally:
        release.set()
        runner.join()


def test_the_result_and_the_error_of_the_function_reach_the_awaiting_task() -> None:
    async def main() -> tuple[int, str]:
        value = await in_daemon_thread(lambda x: x * 2, 21)
        try:
            await in_daemon_thread(lambda _: 1 // 0, None)
        except ZeroDivisionError as exc:
            return value, type(exc).__name__
        return value, ""

    assert asyncio.run(main()) == (42, "ZeroDivisionError")
