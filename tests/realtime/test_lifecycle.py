"""No task and no socket outlives a session or a pool, whichever way it ends.

Each test records the tasks and file descriptors of the process before, and checks after the
server has stopped that nothing new is left: cancellation in the connect and session phases,
timeouts there, ``close()`` racing a connect or a response, a cancelled ``close()``, and a pool
whose replacement session fails to connect.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from release_tools.realtime import (
    ClientConfig,
    RealtimeSession,
    ResponseRequest,
    RetryPolicy,
    SessionConfig,
    SessionPool,
    SessionState,
    Timeouts,
)
from release_tools.realtime.exceptions import (
    HandshakeError,
    IncompleteResponseError,
    RealtimeError,
    RealtimeTimeoutError,
)
from release_tools.realtime.testing import (
    ConnectionScript,
    Rejection,
    Reply,
    ScriptedRealtimeServer,
)

KEY = "sk-canary-lifecycle-0123456789abcdef"
SESSION = SessionConfig(instructions="lifecycle")
STALL = Reply(text="abc", chunk_size=1, stall_after_deltas=1)


def _config(url: str, **kwargs: object) -> ClientConfig:
    kwargs.setdefault("timeouts", Timeouts(connect=5, session=5, response=10, idle=5, close=1))
    kwargs.setdefault("retry", RetryPolicy(max_retries=0))
    return ClientConfig(url=url, model="gpt-realtime", api_key=KEY, **kwargs)  # type: ignore[arg-type]


def _fds() -> set[str]:
    return set(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else set()


def _targets(fds: set[str]) -> list[str]:
    """What each descriptor refers to (``socket:[inode]``, a pipe, a path): a failure says
    whether a socket of the session is left or something else in the process opened a file."""
    described = []
    for fd in sorted(fds, key=int):
        try:
            described.append(f"{fd} -> {os.readlink(f'/proc/self/fd/{fd}')}")
        except OSError:
            described.append(f"{fd} (closed since)")
    return described


@contextlib.asynccontextmanager
async def _nothing_left() -> AsyncIterator[None]:
    """Fail if the block leaves a running task or an open file descriptor behind."""
    before_tasks = asyncio.all_tasks()
    before_fds = _fds()
    yield
    # Aborted transports close their sockets on the next loop iterations.
    for _ in range(5):
        await asyncio.sleep(0)
    left = {t for t in asyncio.all_tasks() - before_tasks if not t.done()}
    assert left == set(), f"tasks outlived the session: {left}"
    new_fds = _fds() - before_fds
    assert new_fds == set(), f"a socket outlived the session: {_targets(new_fds)}"


async def _wait(awaitable: Awaitable[object]) -> None:
    async with asyncio.timeout(5):
        await awaitable


@contextlib.asynccontextmanager
async def _silent_tcp_server() -> AsyncIterator[tuple[str, list[asyncio.Future[None]]]]:
    """Accepts TCP and never answers the upgrade; each future resolves at the client's EOF."""
    eofs: list[asyncio.Future[None]] = []
    loop = asyncio.get_running_loop()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        eof = loop.create_future()
        eofs.append(eof)
        try:
            while await reader.read(4096):
                pass  # swallow the upgrade request, answer nothing
        except ConnectionError:
            pass
        finally:
            eof.set_result(None)
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"ws://127.0.0.1:{port}/v1/realtime", eofs
    finally:
        server.close()
        await server.wait_closed()


async def _until(predicate: Callable[[], bool], server: ScriptedRealtimeServer) -> None:
    await _wait(server.wait_for(predicate))


# --- connect phase ---------------------------------------------------------------------------


async def test_cancel_during_the_connect_phase_closes_the_socket() -> None:
    async with _nothing_left(), _silent_tcp_server() as (url, eofs):
        session = RealtimeSession(_config(url), SESSION)
        task = asyncio.create_task(session.connect())
        async with asyncio.timeout(5):
            while not eofs:  # noqa: ASYNC110 (the TCP accept has no other signal)
                await asyncio.sleep(0.001)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await _wait(eofs[0])  # the client hung up: its socket is closed
        assert session.state is SessionState.CLOSED
        await session.close()


async def test_connect_timeout_closes_the_socket() -> None:
    async with _nothing_left(), _silent_tcp_server() as (url, eofs):
        timeouts = Timeouts(connect=0.2, session=5, response=5, idle=5, close=1)
        with pytest.raises(RealtimeTimeoutError) as info:
            async with RealtimeSession(_config(url, timeouts=timeouts), SESSION):
                pass
        assert info.value.phase == "connect"
        assert len(eofs) == 1
        await _wait(eofs[0])


# --- session phase ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "script",
    [ConnectionScript(session_created_delay=5), ConnectionScript(session_updated_delay=5)],
    ids=["awaiting-session.created", "awaiting-session.updated"],
)
async def test_cancel_during_the_session_phase_closes_everything(
    script: ConnectionScript,
) -> None:
    async with _nothing_left(), ScriptedRealtimeServer(connection_scripts=[script]) as server:
        session = RealtimeSession(_config(server.url), SESSION)
        task = asyncio.create_task(session.connect())
        await _until(lambda: server.connection_count == 1, server)
        # Past the upgrade: the session counts the connection once the transport is open.
        async with asyncio.timeout(5):
            while session.connections == 0:  # noqa: ASYNC110 (no event for this step)
                await asyncio.sleep(0.001)
        if script.session_updated_delay:
            await _wait(server.wait_for_event("session.update"))
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await _wait(server.wait_closed())
        assert session.state is SessionState.CLOSED
        assert not session.healthy
        await session.close()


async def test_close_racing_a_connect_ends_both_and_leaves_nothing() -> None:
    script = ConnectionScript(session_created_delay=5)
    async with _nothing_left(), ScriptedRealtimeServer(connection_scripts=[script]) as server:
        session = RealtimeSession(_config(server.url), SESSION)
        task = asyncio.create_task(session.connect())
        async with asyncio.timeout(5):
            while session.connections == 0:  # noqa: ASYNC110 (no event for this step)
                await asyncio.sleep(0.001)
        await session.close()
        with pytest.raises(RealtimeError):
            await task
        await _wait(server.wait_closed())
        assert session.state is SessionState.CLOSED
        assert session.closed


# --- responses and closing -------------------------------------------------------------------


async def test_close_during_an_in_flight_response_closes_cleanly() -> None:
    async with _nothing_left(), ScriptedRealtimeServer([STALL]) as server:
        session = RealtimeSession(_config(server.url), SESSION)
        await session.connect()
        task = asyncio.create_task(session.respond(ResponseRequest(input_text="a")))
        await _wait(server.wait_for_event("response.create"))
        await session.close()
        with pytest.raises(IncompleteResponseError):
            await task
        await _wait(server.wait_closed())
        # The close was the polite one, not an abort.
        assert server.connections[0].close_code == 1000
        assert session.state is SessionState.CLOSED


async def test_a_cancelled_close_still_drops_the_socket_and_the_reader() -> None:
    script = ConnectionScript(ignore_close=True)
    async with _nothing_left(), ScriptedRealtimeServer(connection_scripts=[script]) as server:
        slow_close = Timeouts(connect=5, session=5, response=5, idle=5, close=30)
        session = RealtimeSession(_config(server.url, timeouts=slow_close), SESSION)
        await session.connect()
        closing = asyncio.create_task(session.close())
        await asyncio.sleep(0.02)  # inside the unanswered closing handshake
        assert not closing.done()
        closing.cancel()
        with pytest.raises(asyncio.CancelledError):
            await closing
        await _wait(server.wait_closed())
        assert session.state is SessionState.CLOSED
        await session.close()  # idempotent, and quick now


# --- pool --------------------------------------------------------------------------------------


async def test_pool_keeps_its_slot_when_a_replacement_cannot_connect() -> None:
    replies = [Reply(text="then dies", close_after_done=True, drop_code=1011), "fresh"]
    scripts = [ConnectionScript(), ConnectionScript(reject=Rejection(503))]
    async with (
        _nothing_left(),
        ScriptedRealtimeServer(replies, connection_scripts=scripts) as server,
    ):
        async with SessionPool(_config(server.url), SESSION, size=1) as pool:
            assert (await pool.respond(ResponseRequest(input_text="a"))).text == "then dies"
            [first] = pool.sessions
            await _wait(first.wait_disconnected())
            with pytest.raises(HandshakeError):
                await pool.respond(ResponseRequest(input_text="b"))
            assert len(pool.sessions) == 1 and pool.sessions[0] is not first
            # The slot is tried again by the next request, which now connects.
            assert (await pool.respond(ResponseRequest(input_text="c"))).text == "fresh"
            assert pool.replacements == 2
            assert first.state is SessionState.CLOSED
        await _wait(server.wait_closed())
    assert server.connection_count == 3


async def test_closing_the_pool_during_a_request_closes_every_socket() -> None:
    async with _nothing_left(), ScriptedRealtimeServer([STALL]) as server:
        pool = SessionPool(_config(server.url), SESSION, size=2)
        await pool.open()
        task = asyncio.create_task(pool.respond(ResponseRequest(input_text="a")))
        await _wait(server.wait_for_event("response.create"))
        await pool.close()
        with pytest.raises(IncompleteResponseError):
            await task
        await _wait(server.wait_closed())
        assert all(s.state is SessionState.CLOSED for s in pool.sessions)
