"""Soak: many sequential realtime sessions must leave memory, sockets and tasks flat.

Opens ``--sessions`` sessions one after the other against one in-process scripted server; each
session connects, restores its configuration, runs one response and closes. Every
``--every`` sessions it prints the memory held (``tracemalloc`` current, after a GC), the
resident set size, the open file descriptors of the process and the live asyncio tasks. The
first sample is taken after a warm-up so that one-time allocations (imports, caches) do not
count as growth.

With ``--conversation N`` it soaks one long in-band conversation instead: one session, ``N``
in-band requests of about 1 kB each way, the connection dropped mid-response every
``--drop-every`` requests (each drop reconnects and replays the recorded history). Memory must
level off once the history reaches its bound (``SessionConfig.history_max_items``, 200 items by
default); the replayed item count per reconnect shows the bound at work.

Run::

    .venv/bin/python benchmarks/bench_realtime_soak.py [--sessions 1000] [--every 100]
    .venv/bin/python benchmarks/bench_realtime_soak.py --conversation 1000 [--drop-every 50]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import os
import time
import tracemalloc
from dataclasses import dataclass

from release_tools.realtime import ClientConfig, RealtimeSession, ResponseRequest, SessionConfig
from release_tools.realtime.testing import Reply, ScriptedRealtimeServer
from release_tools.realtime.testing.script import JSON

COMMAND = "benchmarks/bench_realtime_soak.py"
KEY = "sk-soak-0000000000000000000000"
MB = 1_000_000


@dataclass(frozen=True)
class Sample:
    """Resource figures after ``sessions`` sessions."""

    sessions: int
    traced: int
    rss: int
    fds: int
    tasks: int


def _rss_bytes() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _sample(sessions: int) -> Sample:
    gc.collect()
    return Sample(
        sessions=sessions,
        traced=tracemalloc.get_traced_memory()[0],
        rss=_rss_bytes(),
        fds=len(os.listdir("/proc/self/fd")),
        tasks=len(asyncio.all_tasks()),
    )


def _print(sample: Sample) -> None:
    print(
        f"  after {sample.sessions:5d} sessions: traced {sample.traced / MB:7.2f} MB, "
        f"rss {sample.rss / MB:7.1f} MB, fds {sample.fds:4d}, tasks {sample.tasks:3d}"
    )


async def run(sessions: int, every: int, warmup: int) -> None:
    reply = Reply(text="a short answer of a few deltas", chunk_size=6)
    async with ScriptedRealtimeServer(default=reply) as server:
        config = ClientConfig(url=server.url, model="gpt-realtime", api_key=KEY)
        session_config = SessionConfig(instructions="soak")

        async def one() -> None:
            async with RealtimeSession(config, session_config) as session:
                result = await session.respond(ResponseRequest(input_text="hello"))
            if result.text != reply.text:
                raise SystemExit(f"unexpected answer {result.text!r}")

        for _ in range(warmup):
            await one()
        # The server keeps a record of every connection by design; drop it between samples so
        # the figures show the client, not the test server's transcript.
        server.connections.clear()
        server.response_creates.clear()
        tracemalloc.start()
        start = time.perf_counter()
        samples = [_sample(0)]
        _print(samples[0])
        for done in range(1, sessions + 1):
            await one()
            if done % every == 0:
                server.connections.clear()
                server.response_creates.clear()
                samples.append(_sample(done))
                _print(samples[-1])
        elapsed = time.perf_counter() - start
        tracemalloc.stop()
    first, last = samples[1] if len(samples) > 1 else samples[0], samples[-1]
    print(
        f"  {sessions} sessions in {elapsed:.1f} s ({sessions / elapsed:.0f}/s under tracemalloc)"
    )
    print(
        f"  growth from sample {first.sessions} to {last.sessions}: "
        f"traced {(last.traced - first.traced) / 1000:+.1f} kB, "
        f"rss {(last.rss - first.rss) / MB:+.1f} MB, fds {last.fds - first.fds:+d}, "
        f"tasks {last.tasks - first.tasks:+d}"
    )
    print(f"reproduce: .venv/bin/python {COMMAND} --sessions {sessions} --every {every}")


def _forget_transcripts(server: ScriptedRealtimeServer) -> None:
    """Drop what the test server records (frames, events, conversation): it is not the client."""
    for record in server.connections:
        record.frames.clear()
        record.events.clear()
        record.conversation.clear()
    server.connections.clear()
    server.response_creates.clear()


async def run_conversation(turns: int, every: int, drop_every: int) -> None:
    answer = "a" * 1000
    replayed: list[int] = []

    def reply(_: JSON) -> Reply:
        count = len(server.response_creates)
        if count % drop_every == 0:
            return Reply.dropped(after_deltas=2, text=answer, chunk_size=100)
        return Reply(text=answer, chunk_size=100)

    # The scripted drops are logged as warnings by design; they are not news here.
    logging.getLogger("release_tools.realtime").setLevel(logging.ERROR)
    async with ScriptedRealtimeServer(default=reply) as server:
        config = ClientConfig(url=server.url, model="gpt-realtime", api_key=KEY)
        async with RealtimeSession(config, SessionConfig(instructions="soak")) as session:
            tracemalloc.start()
            start = time.perf_counter()
            samples = [_sample(0)]
            print(f"  after     0 requests: traced {samples[0].traced / MB:7.2f} MB")
            for done in range(1, turns + 1):
                before = server.connection_count
                result = await session.respond(
                    ResponseRequest(input_text=f"{done:06d} " + "q" * 993, out_of_band=False)
                )
                if result.text != answer:
                    raise SystemExit(f"unexpected answer of {len(result.text)} characters")
                if server.connection_count > before:
                    record = server.connections[-1]
                    # The re-run request's item was recorded when its response started, so every
                    # item.create on the new connection is the replay.
                    replayed.append(len(record.events_of_type("conversation.item.create")))
                if done % every == 0:
                    _forget_transcripts(server)
                    samples.append(_sample(done))
                    history = session.history
                    print(
                        f"  after {done:5d} requests: traced {samples[-1].traced / MB:7.2f} MB, "
                        f"history {len(history):4d} items / {history.chars / 1000:6.1f} kB "
                        f"({history.dropped} dropped), connections {session.connections}, "
                        f"fds {samples[-1].fds}, tasks {samples[-1].tasks}"
                    )
            elapsed = time.perf_counter() - start
            tracemalloc.stop()
    first, last = samples[1] if len(samples) > 2 else samples[0], samples[-1]
    print(f"  {turns} in-band requests in {elapsed:.1f} s")
    print(f"  items replayed per reconnect: {replayed}")
    print(
        f"  growth from sample {first.sessions} to {last.sessions}: "
        f"traced {(last.traced - first.traced) / 1000:+.1f} kB, fds {last.fds - first.fds:+d}, "
        f"tasks {last.tasks - first.tasks:+d}"
    )
    print(
        f"reproduce: .venv/bin/python {COMMAND} --conversation {turns} --every {every} "
        f"--drop-every {drop_every}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=1000)
    parser.add_argument("--every", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--conversation", type=int, default=0, metavar="N")
    parser.add_argument("--drop-every", type=int, default=50)
    args = parser.parse_args()
    if args.conversation:
        asyncio.run(run_conversation(args.conversation, args.every, args.drop_every))
    else:
        asyncio.run(run(args.sessions, args.every, args.warmup))


if __name__ == "__main__":
    main()
