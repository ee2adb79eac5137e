"""End-to-end: the realtime client against a misbehaving scripted server.

Drops, garbage frames, error events, failed responses, handshake statuses, silent servers and
impatient callers, each over a real WebSocket on 127.0.0.1. Retry backoff runs on a fake clock;
the timeouts under test are real but tiny.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import time
from typing import Any

import pytest

from fake_clock import FakeClock
from release_tools.realtime import (
    ClientConfig,
    FunctionTool,
    RealtimeSession,
    ResponseRequest,
    RetryPolicy,
    SessionConfig,
    SessionPool,
    SessionState,
    Timeouts,
)
from release_tools.realtime.exceptions import (
    AuthenticationError,
    ConnectionClosedError,
    HandshakeError,
    RealtimeError,
    RealtimeProtocolError,
    RealtimeStateError,
    RealtimeTimeoutError,
    RetryExhaustedError,
    ServerError,
)
from release_tools.realtime.testing import (
    ConnectionScript,
    Rejection,
    Reply,
    ScriptedRealtimeServer,
)

KEY = "sk-faults-canary-0a1b2c3d4e5f6a7b"
TOOL = FunctionTool(name="report_bump", parameters={"type": "object", "properties": {}})
SESSION = SessionConfig(instructions="Decide the version bump.", tools=[TOOL])
FAST = Timeouts(connect=5, session=5, response=10, idle=5, close=1)


def _config(
    server: ScriptedRealtimeServer,
    *,
    timeouts: Timeouts = FAST,
    retries: int = 3,
    **kwargs: Any,
) -> ClientConfig:
    retry = RetryPolicy(max_retries=retries, base=0.01, cap=0.05, jitter=0.0)
    return ClientConfig(
        url=server.url, model="gpt-realtime", api_key=KEY, timeouts=timeouts, retry=retry, **kwargs
    )


def _ask(job: str) -> ResponseRequest:
    return ResponseRequest(input_text=f"input of {job}", metadata={"job": job})


def _jobs(server: ScriptedRealtimeServer) -> list[str]:
    """The ``job`` tag of every response.create the server received, in order."""
    return [e["response"]["metadata"]["job"] for e in server.response_creates]


# --- drops and reconnects -----------------------------------------------------------------


@pytest.mark.parametrize("code", [1006, 1011, 1001, 1012, 1000])
async def test_drop_mid_response_reconnects_restores_and_reruns_only_that_request(
    code: int,
) -> None:
    replies = ["first answer", Reply.dropped(after_deltas=2, code=code), "second answer"]
    clock = FakeClock()
    async with (
        ScriptedRealtimeServer(replies) as server,
        RealtimeSession(_config(server), SESSION, clock=clock) as session,
    ):
        first = await session.respond(_ask("a"))
        old_id = session.session_id
        second = await session.respond(_ask("b"))
        assert session.state is SessionState.OPEN
        assert session.session_id != old_id  # a new connection is a new server session
        assert session.session_id == server.connections[1].session_id
    assert (first.text, second.text) == ("first answer", "second answer")
    assert server.connection_count == 2
    # Only the interrupted request ran again; the completed one was kept.
    assert _jobs(server) == ["a", "b", "b"]
    # The session configuration was restored on the new connection.
    updates = [c.events_of_type("session.update") for c in server.connections]
    assert [len(u) for u in updates] == [1, 1]
    assert updates[1][0]["session"]["instructions"] == SESSION.instructions
    assert [t["name"] for t in updates[1][0]["session"]["tools"]] == ["report_bump"]
    assert len(clock.sleeps) == 1  # one backoff before the retry


async def test_drop_of_one_concurrent_request_reruns_only_the_unfinished_ones() -> None:
    async def script(event: dict[str, Any]) -> Reply:
        job = event["response"]["metadata"]["job"]
        if job == "slow" and len(server.response_creates) <= 2:
            # Still streaming when "quick" completes, then the connection dies. Deterministic
            # under load: the stream starts only once "quick" was received (its answer is then
            # queued first), and the drop is a close frame (1011), which arrives after the
            # frames written before it; an abort (RST) may discard unread data.
            await server.wait_for(lambda: len(server.events_of_type("response.create")) >= 2)
            return Reply.dropped(
                after_deltas=3, text="slow answer", chunk_size=1, delta_delay=0.02, code=1011
            )
        return Reply(text=f"{job} answer")

    server = ScriptedRealtimeServer(default=script)
    async with server, RealtimeSession(_config(server), SESSION, clock=FakeClock()) as session:
        slow, quick = await asyncio.gather(
            session.respond(_ask("slow")), session.respond(_ask("quick"))
        )
    assert (slow.text, quick.text) == ("slow answer", "quick answer")
    assert sorted(_jobs(server)) == ["quick", "slow", "slow"]


async def test_drops_on_every_attempt_exhaust_the_retries() -> None:
    server = ScriptedRealtimeServer(default=Reply.dropped(after_deltas=1))
    async with server, RealtimeSession(_config(server, retries=2), SESSION, clock=FakeClock()) as s:
        with pytest.raises(RetryExhaustedError) as info:
            await s.respond(_ask("a"))
    assert info.value.attempts == 3
    assert isinstance(info.value.last, ConnectionClosedError)
    assert len(server.response_creates) == 3
    assert server.connection_count == 3


async def test_close_4000_after_fatal_error_is_not_retried() -> None:
    fatal = {"type": "error", "error": {"type": "invalid_request_error", "code": "invalid_intent"}}
    script = ConnectionScript(events_after_open=(fatal,), close_after_open=(4000, "fatal"))
    server = ScriptedRealtimeServer(connection_scripts=[script])
    async with server:
        with pytest.raises(RealtimeError) as info:
            async with RealtimeSession(_config(server), SESSION, clock=FakeClock()):
                pass
    assert not info.value.retryable
    assert server.connection_count == 1


async def test_beta_header_is_fatal_and_not_retried() -> None:
    server = ScriptedRealtimeServer()
    async with server:
        with pytest.raises(RealtimeError) as info:
            config = _config(server, beta_header=True)
            async with RealtimeSession(config, SESSION, clock=FakeClock()):
                pass
    assert isinstance(info.value, ServerError)
    assert info.value.code == "beta_api_shape_disabled"
    assert server.connection_count == 1
    assert server.connections[0].header("openai-beta") == "realtime=v1"


# --- garbage, error events, failed responses -------------------------------------------------


async def test_malformed_frame_is_a_protocol_error_that_is_retried() -> None:
    replies = [Reply(text="abcdef", chunk_size=2, malformed_after_deltas=1), "clean answer"]
    async with (
        ScriptedRealtimeServer(replies) as server,
        RealtimeSession(_config(server), SESSION, clock=FakeClock()) as session,
    ):
        result = await session.respond(_ask("a"))
    assert result.text == "clean answer"
    assert _jobs(server) == ["a", "a"]


async def test_malformed_frames_forever_end_in_a_protocol_error() -> None:
    garbage = Reply(text="x", malformed_after_deltas=0, malformed_frame="\x00\xff not json")
    server = ScriptedRealtimeServer(default=garbage)
    async with server, RealtimeSession(_config(server, retries=1), SESSION, clock=FakeClock()) as s:
        with pytest.raises(RetryExhaustedError) as info:
            await s.respond(_ask("a"))
    assert isinstance(info.value.last, RealtimeProtocolError)


async def test_active_response_conflict_is_retried() -> None:
    replies = [Reply.rejected("conversation_already_has_active_response"), "after conflict"]
    async with (
        ScriptedRealtimeServer(replies) as server,
        RealtimeSession(_config(server), SESSION, clock=FakeClock()) as session,
    ):
        result = await session.respond(_ask("a"))
    assert result.text == "after conflict"
    assert _jobs(server) == ["a", "a"]


async def test_invalid_request_error_event_fails_the_request_without_retry() -> None:
    bad = Reply.rejected("invalid_value", "Invalid value: 'sideways'.")
    async with (
        ScriptedRealtimeServer([bad, "next request works"]) as server,
        RealtimeSession(_config(server), SESSION, clock=FakeClock()) as session,
    ):
        with pytest.raises(ServerError) as info:
            await session.respond(_ask("a"))
        # The session stays usable after a request-level error.
        later = await session.respond(_ask("b"))
    error = info.value
    assert (error.type, error.code) == ("invalid_request_error", "invalid_value")
    assert "sideways" in str(error)
    assert error.event_id is not None  # correlated with the client event that caused it
    assert not error.retryable
    assert later.text == "next request works"
    assert _jobs(server) == ["a", "b"]


async def test_stray_error_event_does_not_break_the_session() -> None:
    # Sent after response.done, while no request is pending: it belongs to nobody. (While one
    # request is pending, an error naming no client event is that request's.)
    stray = {"type": "error", "error": {"type": "invalid_request_error", "code": "unknown"}}
    reply = Reply(text="fine", events_after=(stray,))
    async with (
        ScriptedRealtimeServer([reply, "still fine"]) as server,
        RealtimeSession(_config(server), SESSION) as session,
    ):
        first = await session.respond(_ask("a"))
        second = await session.respond(_ask("b"))
    assert (first.text, second.text) == ("fine", "still fine")
    assert server.connection_count == 1


async def test_failed_response_server_error_is_retried() -> None:
    async with (
        ScriptedRealtimeServer([Reply.failed(), "recovered"]) as server,
        RealtimeSession(_config(server), SESSION, clock=FakeClock()) as session,
    ):
        result = await session.respond(_ask("a"))
    assert result.text == "recovered"
    assert _jobs(server) == ["a", "a"]
    assert server.connection_count == 1  # a failed response does not need a new connection


async def test_failed_responses_forever_exhaust_retries_with_the_server_error() -> None:
    server = ScriptedRealtimeServer(default=Reply.failed())
    async with server, RealtimeSession(_config(server, retries=2), SESSION, clock=FakeClock()) as s:
        with pytest.raises(RetryExhaustedError) as info:
            await s.respond(_ask("a"))
    last = info.value.last
    assert isinstance(last, ServerError) and last.code == "server_error"
    assert "The server had an error" in str(last)
    assert len(server.response_creates) == 3


async def test_cancelled_response_status_is_reported_not_retried() -> None:
    details = {"type": "cancelled", "reason": "turn_detected"}
    reply = Reply(text="partial", status="cancelled", status_details=details)
    async with (
        ScriptedRealtimeServer([reply]) as server,
        RealtimeSession(_config(server), SESSION) as session,
    ):
        result = await session.respond(_ask("a"))
    assert (result.status, result.status_reason) == ("cancelled", "turn_detected")
    assert len(server.response_creates) == 1


# --- handshake statuses ----------------------------------------------------------------------


@pytest.mark.parametrize("status", [401, 403])
async def test_auth_rejection_is_an_authentication_error_never_retried(status: int) -> None:
    body = {"error": {"type": "invalid_request_error", "message": "Incorrect API key provided."}}
    script = ConnectionScript(reject=Rejection(status, body=body))
    server = ScriptedRealtimeServer(connection_scripts=[script])
    async with server:
        with pytest.raises(AuthenticationError) as info:
            async with RealtimeSession(_config(server), SESSION, clock=FakeClock()):
                pass
    assert info.value.status == status
    assert "Incorrect API key provided." in str(info.value)
    assert server.connection_count == 1


async def test_handshake_500_is_retried_then_connects() -> None:
    scripts = [ConnectionScript(reject=Rejection(500)), ConnectionScript(reject=Rejection(503))]
    clock = FakeClock()
    async with (
        ScriptedRealtimeServer(["ok"], connection_scripts=scripts) as server,
        RealtimeSession(_config(server), SESSION, clock=clock) as session,
    ):
        assert (await session.respond(_ask("a"))).text == "ok"
    assert server.connection_count == 3
    assert len(clock.sleeps) == 2


async def test_handshake_500_forever_exhausts_retries() -> None:
    scripts = [ConnectionScript(reject=Rejection(500, body="plain text failure"))] * 3
    server = ScriptedRealtimeServer(connection_scripts=scripts)
    async with server:
        with pytest.raises(RetryExhaustedError) as info:
            async with RealtimeSession(_config(server, retries=2), SESSION, clock=FakeClock()):
                pass
    assert isinstance(info.value.last, HandshakeError)
    assert info.value.last.status == 500
    assert server.connection_count == 3


async def test_handshake_404_is_not_retried() -> None:
    script = ConnectionScript(reject=Rejection(404))
    server = ScriptedRealtimeServer(connection_scripts=[script])
    async with server:
        with pytest.raises(HandshakeError) as info:
            async with RealtimeSession(_config(server), SESSION, clock=FakeClock()):
                pass
    assert info.value.status == 404 and not info.value.retryable
    assert server.connection_count == 1


# --- timeouts --------------------------------------------------------------------------------


async def test_missing_session_created_is_a_session_phase_timeout() -> None:
    script = ConnectionScript(send_session_created=False)
    server = ScriptedRealtimeServer(connection_scripts=[script])
    timeouts = Timeouts(connect=5, session=0.2, response=5, idle=5, close=0.5)
    async with server:
        start = time.monotonic()
        with pytest.raises(RealtimeTimeoutError) as info:
            async with RealtimeSession(_config(server, timeouts=timeouts, retries=0), SESSION):
                pass
        elapsed = time.monotonic() - start
        async with asyncio.timeout(5):
            await server.wait_closed()  # the client did not leave the socket open
    assert info.value.phase == "session"
    # The phase says which timer fired; the default session timeout (15 s) would exceed this.
    assert 0.15 <= elapsed < 5.0


async def test_missing_session_created_then_a_good_server_succeeds_on_retry() -> None:
    script = ConnectionScript(send_session_created=False)
    # The retry's good connection has the same session timeout: not too tight for a loaded CI.
    timeouts = Timeouts(connect=5, session=0.5, response=5, idle=5, close=0.5)
    async with (
        ScriptedRealtimeServer(["ok"], connection_scripts=[script]) as server,
        RealtimeSession(_config(server, timeouts=timeouts), SESSION, clock=FakeClock()) as s,
    ):
        assert (await s.respond(_ask("a"))).text == "ok"
    assert server.connection_count == 2


async def test_unanswered_session_update_is_a_session_phase_timeout() -> None:
    script = ConnectionScript(answer_session_update=False)
    server = ScriptedRealtimeServer(connection_scripts=[script])
    timeouts = Timeouts(connect=5, session=0.2, response=5, idle=5, close=0.5)
    async with server:
        with pytest.raises(RealtimeTimeoutError) as info:
            async with RealtimeSession(_config(server, timeouts=timeouts, retries=0), SESSION):
                pass
    assert info.value.phase == "session"
    assert len(server.events_of_type("session.update")) == 1


async def test_silence_mid_response_is_an_idle_timeout() -> None:
    stall = Reply(text="abcdef", chunk_size=1, stall_after_deltas=2)
    timeouts = Timeouts(connect=5, session=5, response=5, idle=0.2, close=0.5)
    server = ScriptedRealtimeServer([stall])
    async with server, RealtimeSession(_config(server, timeouts=timeouts, retries=0), SESSION) as s:
        start = time.monotonic()
        with pytest.raises(RealtimeTimeoutError) as info:
            await s.respond(_ask("a"))
        elapsed = time.monotonic() - start
    assert info.value.phase == "idle"
    # Generous upper bound for a loaded CI machine; a missed idle timer is caught by the phase
    # (the 5 s response timeout would fire instead).
    assert 0.15 <= elapsed < 4.0


async def test_slow_trickle_hits_the_overall_response_timeout() -> None:
    # Each delta arrives well within the idle timeout, but the whole takes too long.
    trickle = Reply(text="x" * 100, chunk_size=1, delta_delay=0.02)
    timeouts = Timeouts(connect=5, session=5, response=0.3, idle=1, close=0.5)
    server = ScriptedRealtimeServer([trickle])
    async with server, RealtimeSession(_config(server, timeouts=timeouts, retries=0), SESSION) as s:
        with pytest.raises(RealtimeTimeoutError) as info:
            await s.respond(_ask("a"))
    assert info.value.phase == "response"


async def test_timed_out_response_is_retried_and_then_answered() -> None:
    replies = [Reply(silent=True), "second try"]
    # The second try must finish within the same response timeout: leave room for a loaded CI.
    timeouts = Timeouts(connect=5, session=5, response=0.6, idle=5, close=0.5)
    async with (
        ScriptedRealtimeServer(replies) as server,
        RealtimeSession(_config(server, timeouts=timeouts), SESSION, clock=FakeClock()) as s,
    ):
        assert (await s.respond(_ask("a"))).text == "second try"
    assert _jobs(server) == ["a", "a"]


async def test_unresponsive_close_is_bounded_by_the_close_timeout() -> None:
    script = ConnectionScript(ignore_close=True)
    timeouts = Timeouts(connect=5, session=5, response=5, idle=5, close=0.2)
    async with ScriptedRealtimeServer(["ok"], connection_scripts=[script]) as server:
        session = RealtimeSession(_config(server, timeouts=timeouts), SESSION)
        async with session:
            await session.respond(_ask("a"))
            start = time.monotonic()
        elapsed = time.monotonic() - start
        assert session.state is SessionState.CLOSED
        async with asyncio.timeout(5):
            await server.wait_closed()
        await session.close()  # idempotent
    assert 0.15 <= elapsed < 3.0  # bounded: an unanswered close would otherwise hang
    assert server.connections[0].close_code != 1000  # never completed the handshake


async def test_clean_close_sends_1000_and_the_session_refuses_further_use() -> None:
    async with ScriptedRealtimeServer(["ok"]) as server:
        session = RealtimeSession(_config(server), SESSION)
        async with session:
            await session.respond(_ask("a"))
        async with asyncio.timeout(5):
            await server.wait_closed()
        with pytest.raises(RealtimeStateError):
            await session.respond(_ask("b"))
    assert server.connections[0].close_code == 1000


async def test_unanswered_keepalive_pings_kill_the_connection_and_the_next_request_reconnects() -> (
    None
):
    hung = ConnectionScript(answer_pings=False)
    async with ScriptedRealtimeServer(["after reconnect"], connection_scripts=[hung]) as server:
        config = _config(server, ping_interval=0.05, ping_timeout=0.05)
        async with RealtimeSession(config, SESSION, clock=FakeClock()) as session:
            async with asyncio.timeout(5):
                await server.wait_for(lambda: server.connections[0].closed)
            result = await session.respond(_ask("a"))
    assert result.text == "after reconnect"
    assert server.connection_count == 2
    assert server.connections[0].close_code == 1011  # keepalive ping timeout
    assert _jobs(server) == ["a"]  # nothing was sent into the dead connection


async def test_pool_survives_drops_on_several_sessions_and_keeps_finished_results() -> None:
    def script(event: dict[str, Any]) -> Reply:
        job = event["response"]["metadata"]["job"]
        first_try = [e["response"]["metadata"]["job"] for e in server.response_creates].count(
            job
        ) == 1
        if job in ("j1", "j4") and first_try:
            return Reply.dropped(after_deltas=2, text=f"{job} done", chunk_size=2, delta_delay=0.01)
        return Reply(text=f"{job} done", chunk_size=2, delta_delay=0.01)

    server = ScriptedRealtimeServer(default=script)
    async with server, SessionPool(_config(server), SESSION, size=3, clock=FakeClock()) as pool:
        jobs = [f"j{i}" for i in range(6)]
        results = await asyncio.gather(*(pool.respond(_ask(j)) for j in jobs))
    assert [r.text for r in results] == [f"{j} done" for j in jobs]
    assert sorted(_jobs(server)) == sorted([*jobs, "j1", "j4"])


# --- cancellation ----------------------------------------------------------------------------


def _other_tasks() -> set[asyncio.Task[Any]]:
    return {t for t in asyncio.all_tasks() if t is not asyncio.current_task()}


async def test_caller_cancellation_closes_the_socket_and_leaves_no_tasks() -> None:
    stall = Reply(text="abc", chunk_size=1, stall_after_deltas=1)
    async with ScriptedRealtimeServer([stall, "after"]) as server:
        baseline = _other_tasks()
        session = RealtimeSession(_config(server), SESSION)
        async with session:
            task = asyncio.create_task(session.respond(_ask("a")))
            async with asyncio.timeout(5):
                await server.wait_for_event("response.create")
            await asyncio.sleep(0.02)  # let the first delta arrive
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            # The half-read stream is unusable: the socket is gone ...
            async with asyncio.timeout(5):
                await server.wait_for(lambda: server.connections[0].closed)
            # ... and the next request transparently uses a new connection.
            assert (await session.respond(_ask("b"))).text == "after"
        async with asyncio.timeout(5):
            await server.wait_closed()
        await asyncio.sleep(0)
        leftover = {t for t in _other_tasks() - baseline if not t.done()}
        server_side = {t for t in leftover if "_handle" in repr(t.get_coro())}
        assert leftover - server_side == set()
    assert server.connection_count == 2


async def test_cancelling_the_whole_block_while_connecting_leaves_nothing_open() -> None:
    script = ConnectionScript(session_created_delay=5)
    async with ScriptedRealtimeServer(connection_scripts=[script]) as server:
        baseline = _other_tasks()

        async def use() -> None:
            async with RealtimeSession(_config(server), SESSION):
                pass

        task = asyncio.create_task(use())
        async with asyncio.timeout(5):
            await server.wait_for(lambda: server.connection_count == 1)
        await asyncio.sleep(0.02)
        task.cancel()
        start = time.monotonic()
        with pytest.raises(asyncio.CancelledError):
            await task
        # No wait for session.created (5 s away) nor a closing handshake once cancelled.
        assert time.monotonic() - start < 2.0
        async with asyncio.timeout(5):
            await server.wait_closed()
        await asyncio.sleep(0)
        leftover = {t for t in _other_tasks() - baseline if not t.done()}
        assert {t for t in leftover if "_handle" not in repr(t.get_coro())} == set()


# --- hygiene ----------------------------------------------------------------------------------


async def test_failed_handshake_leaves_no_unretrieved_future_exception() -> None:
    # A future left holding an exception that nobody awaits is reported to the loop's exception
    # handler when it is garbage collected; a failed handshake must not leave one behind.
    # Log records would keep the failed attempt's exception (and through its traceback the
    # future) alive past the collection, so logging is switched off for the run.
    loop = asyncio.get_running_loop()
    reported: list[dict[str, Any]] = []
    previous = loop.get_exception_handler()
    loop.set_exception_handler(lambda _loop, context: reported.append(context))
    logging.disable(logging.CRITICAL)
    try:
        script = ConnectionScript(reject=Rejection(500))
        async with (
            ScriptedRealtimeServer(["ok"], connection_scripts=[script]) as server,
            RealtimeSession(_config(server), SESSION, clock=FakeClock()) as session,
        ):
            assert (await session.respond(_ask("a"))).text == "ok"
        gc.collect()
        await asyncio.sleep(0)
    finally:
        logging.disable(logging.NOTSET)
        loop.set_exception_handler(previous)
    assert server.connection_count == 2
    assert [c.get("message") for c in reported] == []


async def test_cancelled_pool_request_leaves_the_pool_usable() -> None:
    stall = Reply(text="abc", chunk_size=1, stall_after_deltas=1)
    async with ScriptedRealtimeServer([stall], default="fine") as server:
        async with SessionPool(_config(server), SESSION, size=1) as pool:
            task = asyncio.create_task(pool.respond(_ask("a")))
            async with asyncio.timeout(5):
                await server.wait_for_event("response.create")
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            results = [await pool.respond(_ask(j)) for j in ("b", "c")]
        async with asyncio.timeout(5):
            await server.wait_closed()
    assert [r.text for r in results] == ["fine", "fine"]
    assert server.connection_count == 2  # the cancelled stream's socket was not reused
