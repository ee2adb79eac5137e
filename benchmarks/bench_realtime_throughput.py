"""Throughput of the realtime client on one long streamed response.

Streams one response of ``--events`` small ``response.output_text.delta`` events from the
scripted server (running in a child process so that it has its own core and never competes with
the client being measured) and times, in the same run against the same server:

* ``bare``: a bare ``websockets`` receive loop doing ``json.loads`` and ``list.append`` per frame
  until ``response.done`` (the floor any client has to pay);
* ``client``: ``RealtimeSession.respond()`` aggregating the same stream into a result;
* ``openai``: the official SDK's realtime connection iterating the same events, only when the
  ``openai`` package is installed (it is not a dependency; otherwise reported as skipped).

Only the streaming part is timed (from sending ``response.create`` to ``response.done``), each
variant ``--repeat`` times, interleaved; the best run of each counts. The figure of merit is
``client / bare`` events per second (target: at least 0.8).

Run::

    .venv/bin/python benchmarks/bench_realtime_throughput.py [--events 100000] [--repeat 5]

``serve_in_child()`` is reused by the memory benchmark.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib.util
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import websockets
from websockets.asyncio.client import connect

from release_tools.realtime.testing import Reply, ScriptedRealtimeServer

MODEL = "gpt-realtime"
KEY = "sk-bench-0000000000000000000000"
COMMAND = "benchmarks/bench_realtime_throughput.py"


# --- the server, in a child process --------------------------------------------------------


def _child_reply(kind: str, size: int) -> Reply:
    if kind == "deltas":
        # ``size`` deltas of four characters each, like short model tokens.
        return Reply(deltas=tuple("tok " for _ in range(size)))
    if kind == "bulk":
        # ``size`` bytes in 1 KiB deltas; the .done events and response.done would repeat the
        # whole text in single frames far above any sane message limit, so they are left out.
        text = "abcdefghijklmnopqrstuvwxyz012345" * (size // 32)
        return Reply(
            text=text, chunk_size=1024, omit_done_events=True, include_output_in_done=False
        )
    raise SystemExit(f"unknown reply kind {kind!r}")


async def _child_main(kind: str, size: int) -> None:
    reply = _child_reply(kind, size)
    async with ScriptedRealtimeServer(default=reply) as server:
        print(server.port, flush=True)
        # Serve until the parent closes our stdin.
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)


@contextlib.contextmanager
def serve_in_child(kind: str, size: int) -> Iterator[str]:
    """Run a scripted server answering every response with ``kind``/``size``; yield its URL."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}
    proc = subprocess.Popen(
        [sys.executable, __file__, "--child", kind, str(size)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert proc.stdout is not None
        port = int(proc.stdout.readline())
        yield f"ws://127.0.0.1:{port}/v1/realtime"
    finally:
        assert proc.stdin is not None
        proc.stdin.close()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# --- the variants ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Timing:
    """Wall-clock and CPU seconds of one timed run.

    CPU time (of this process only: the server runs in a child) is the steadier figure on a
    busy machine; wall time is what a user waits.
    """

    wall: float
    cpu: float


async def bare_loop(url: str) -> tuple[int, Timing]:
    """Events received and seconds spent, for the plain websockets + json.loads loop."""
    async with connect(
        f"{url}?model={MODEL}",
        additional_headers={"Authorization": f"Bearer {KEY}"},
        max_size=16 * 1024 * 1024,
        compression=None,
    ) as ws:
        json.loads(await ws.recv())  # session.created
        session = {"type": "realtime", "output_modalities": ["text"]}
        await ws.send(json.dumps({"type": "session.update", "session": session}))
        json.loads(await ws.recv())  # session.updated
        events: list[Any] = []
        request = {"type": "response.create", "response": {"conversation": "none", "input": []}}
        start, cpu = time.perf_counter(), time.process_time()
        await ws.send(json.dumps(request))
        while True:
            event = json.loads(await ws.recv())
            events.append(event)
            if event["type"] == "response.done":
                break
        timing = Timing(time.perf_counter() - start, time.process_time() - cpu)
    return len(events), timing


async def client_run(url: str, expected_chars: int) -> Timing:
    """Events streamed and seconds spent in ``RealtimeSession.respond``."""
    # Imported here so that the server child process does not load the client.
    from release_tools.realtime import (
        ClientConfig,
        RealtimeSession,
        ResponseRequest,
        SessionConfig,
    )

    config = ClientConfig(url=url, model=MODEL, api_key=KEY)
    async with RealtimeSession(config, SessionConfig(instructions="bench")) as session:
        start, cpu = time.perf_counter(), time.process_time()
        result = await session.respond(ResponseRequest(input_text="stream"))
        timing = Timing(time.perf_counter() - start, time.process_time() - cpu)
    if len(result.text) != expected_chars:
        raise SystemExit(f"client returned {len(result.text)} chars, expected {expected_chars}")
    return timing


async def openai_run(url: str) -> Timing | None:
    """The official SDK's realtime connection, if the ``openai`` package is installed."""
    if importlib.util.find_spec("openai") is None:
        return None
    from openai import AsyncOpenAI  # type: ignore[import-not-found]  # optional, not a dependency

    client = AsyncOpenAI(api_key=KEY, websocket_base_url=url.removesuffix("/realtime"))
    async with client.realtime.connect(model=MODEL) as conn:
        await conn.session.update(session={"type": "realtime", "output_modalities": ["text"]})
        start = cpu = 0.0
        async for event in conn:
            if event.type == "session.updated":
                start, cpu = time.perf_counter(), time.process_time()
                await conn.response.create(response={"conversation": "none", "input": []})
            elif start and event.type == "response.done":
                break
        timing = Timing(time.perf_counter() - start, time.process_time() - cpu)
    return timing


async def run(events: int, repeat: int) -> None:
    with serve_in_child("deltas", events) as url:
        bare: list[Timing] = []
        client: list[Timing] = []
        sdk: list[Timing] = []
        sdk_available = True
        frames = 0
        for _ in range(repeat):
            frames, timing = await bare_loop(url)
            bare.append(timing)
            client.append(await client_run(url, 4 * events))
            if sdk_available:
                got = await openai_run(url)
                sdk_available = got is not None
                if got is not None:
                    sdk.append(got)
    print(f"realtime throughput: 1 response, {events:,} text deltas, {frames:,} server events")
    print(
        f"  server in a child process; best of {repeat} interleaved runs each; "
        f"Python {platform.python_version()}, websockets {websockets.__version__}"
    )
    base = _line("bare websockets + json.loads", frames, bare, None)
    _line("RealtimeSession.respond", frames, client, base)
    if sdk:
        _line("openai SDK realtime connection", frames, sdk, base)
    else:
        print(f"  {'openai SDK realtime connection':32}: skipped (package not installed)")
    print("  target: client/bare ratio >= 0.80")
    print(f"  wall (s) bare {[round(t.wall, 3) for t in bare]}")
    print(f"  wall (s) client {[round(t.wall, 3) for t in client]}")
    print(f"reproduce: .venv/bin/python {COMMAND} --events {events} --repeat {repeat}")


def _line(
    name: str, frames: int, runs: list[Timing], base: tuple[float, float] | None
) -> tuple[float, float]:
    wall = frames / min(t.wall for t in runs)
    cpu = frames / min(t.cpu for t in runs)
    text = f"  {name:32}: {wall:10,.0f} events/s wall, {cpu:10,.0f} events/s CPU"
    if base is not None:
        text += f"  ratio {wall / base[0]:.2f} wall, {cpu / base[1]:.2f} CPU"
    print(text)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--child", nargs=2, metavar=("KIND", "SIZE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        asyncio.run(_child_main(args.child[0], int(args.child[1])))
        return
    asyncio.run(run(args.events, args.repeat))


if __name__ == "__main__":
    main()
