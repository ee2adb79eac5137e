"""Per-delta cost of the sans-I/O protocol, without sockets: the inlined path vs the typed one.

Feeds ``--events`` identical ``response.output_text.delta`` frames (a known response and item,
the steady state of a long stream) to a :class:`RealtimeProtocol` and times, in one process:

* ``bare``: ``json.loads`` and ``list.append`` per frame (the floor);
* ``feed``: ``RealtimeProtocol.feed`` (the inlined text-delta path);
* ``typed``: ``RealtimeProtocol.handle(decode_event(frame))``, the typed route every delta took
  before the hot path was inlined (decode -> ``TextDelta`` -> dispatch -> handler).

CPU time of each variant, best of ``--repeat`` interleaved runs; printed as ns per frame and as a
ratio of frames per second to ``bare``. The socket-level figure is
``bench_realtime_throughput.py``; this one isolates the protocol's share.

Run::

    .venv/bin/python benchmarks/bench_realtime_feed.py [--events 200000] [--repeat 7]
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from release_tools.realtime.config import ResponseRequest, SessionConfig
from release_tools.realtime.events import decode_event
from release_tools.realtime.protocol import REQUEST_TAG, RealtimeProtocol, ResponseResult

COMMAND = "benchmarks/bench_realtime_feed.py"


def _open_protocol() -> tuple[RealtimeProtocol, Future[ResponseResult]]:
    """A protocol with one response in flight whose item is already known."""
    proto = RealtimeProtocol(SessionConfig())
    proto.begin_connect(Future())
    proto.feed(json.dumps({"type": "session.created", "session": {"id": "sess_1"}}))
    proto.session_update_frame(Future())
    proto.feed(json.dumps({"type": "session.updated", "session": {"id": "sess_1"}}))
    proto.mark_open()
    waiter: Future[ResponseResult] = Future()
    request_id, _ = proto.start_response(ResponseRequest(input_text="x"), waiter)
    created = {"id": "resp_1", "metadata": {REQUEST_TAG: request_id}}
    proto.feed(json.dumps({"type": "response.created", "response": created}))
    item = {"id": "item_1", "type": "message"}
    added = {"type": "response.output_item.added", "response_id": "resp_1", "item": item}
    proto.feed(json.dumps({**added, "output_index": 0}))
    return proto, waiter


def _frame() -> str:
    # The shape the live service sends for a text delta.
    event = {
        "type": "response.output_text.delta",
        "event_id": "event_0000000000000001",
        "response_id": "resp_1",
        "item_id": "item_1",
        "output_index": 0,
        "content_index": 0,
        "delta": "tok ",
    }
    return json.dumps(event)


def _time(run: Callable[[list[str]], None], frames: list[str]) -> float:
    start = time.process_time()
    run(frames)
    return time.process_time() - start


def bare(frames: list[str]) -> None:
    """The floor: parse and keep."""
    out: list[Any] = []
    loads = json.loads
    for frame in frames:
        out.append(loads(frame))


def fed(frames: list[str]) -> None:
    """Through ``feed`` (the inlined path)."""
    proto, _ = _open_protocol()
    feed = proto.feed
    for frame in frames:
        feed(frame)


def typed(frames: list[str]) -> None:
    """Through the typed event and the dispatch table."""
    proto, _ = _open_protocol()
    handle = proto.handle
    for frame in frames:
        handle(decode_event(frame))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    frames = [_frame()] * args.events
    variants = {"bare json.loads + append": bare, "feed (inlined)": fed, "typed path": typed}
    best = dict.fromkeys(variants, float("inf"))
    for _ in range(args.repeat):
        for name, run in variants.items():
            best[name] = min(best[name], _time(run, frames))
    print(f"realtime protocol feed: {args.events:,} text deltas of a known item, CPU time")
    print(f"  best of {args.repeat} interleaved runs; Python {platform.python_version()}")
    base = best["bare json.loads + append"]
    for name, seconds in best.items():
        per = seconds / args.events * 1e9
        print(f"  {name:26}: {per:7.0f} ns/frame  ratio {base / seconds:.2f} of bare")
    print(f"reproduce: .venv/bin/python {COMMAND} --events {args.events} --repeat {args.repeat}")


if __name__ == "__main__":
    main()
