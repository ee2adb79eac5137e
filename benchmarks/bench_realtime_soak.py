"""Soak: many sequential realtime sessions must leave memory, sockets and tasks flat.

Opens ``--sessions`` sessions one after the other against one in-process scripted server; each
session connects, restores its configuration, runs one response and closes. Every
``--every`` sessions it prints the memory held (``tracemalloc`` current, after a GC), the
resident set size, the open file descriptors of the process and the live asyncio tasks. The
first sample is taken after a warm-up so that one-time allocations (imports, caches) do not
count as growth.

Run::

    .venv/bin/python benchmarks/bench_realtime_soak.py [--sessions 1000] [--every 100]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import time
import tracemalloc
from dataclasses import dataclass

from release_tools.realtime import ClientConfig, RealtimeSession, ResponseRequest, SessionConfig
from release_tools.realtime.testing import Reply, ScriptedRealtimeServer

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=1000)
    parser.add_argument("--every", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=20)
    args = parser.parse_args()
    asyncio.run(run(args.sessions, args.every, args.warmup))


if __name__ == "__main__":
    main()
