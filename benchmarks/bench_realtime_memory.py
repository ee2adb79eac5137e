"""Peak memory while the realtime client aggregates one 50 MB response.

The scripted server (in a child process, so its buffers do not count) streams one response of
``--size-mb`` megabytes of text in 1 KiB ``response.output_text.delta`` events. Each variant runs
in a fresh interpreter of its own so that ``ru_maxrss`` (a process-lifetime high-water mark) is
not polluted by the other:

* ``bare``: a bare ``websockets`` loop appending each delta string to a list and joining it at
  the end (the floor: the result itself must exist once);
* ``client``: ``RealtimeSession.respond()``.

Reported per variant: the ``tracemalloc`` peak during the response, the peak as a multiple of the
response size (1.0 = only the result; 2.0 = result plus its chunks), and the growth of
``ru_maxrss`` over the response.

Run::

    .venv/bin/python benchmarks/bench_realtime_memory.py [--size-mb 50]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

from websockets.asyncio.client import connect

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_realtime_throughput import KEY, MODEL, serve_in_child

COMMAND = "benchmarks/bench_realtime_memory.py"
MB = 1_000_000


def _maxrss_bytes() -> int:
    # Linux reports kilobytes (macOS bytes); the benchmarks run on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


async def _bare(url: str) -> int:
    async with connect(
        f"{url}?model={MODEL}",
        additional_headers={"Authorization": f"Bearer {KEY}"},
        max_size=16 * 1024 * 1024,
        compression=None,
    ) as ws:
        json.loads(await ws.recv())  # session.created
        request = {"type": "response.create", "response": {"conversation": "none", "input": []}}
        await ws.send(json.dumps(request))
        parts: list[str] = []
        while True:
            event = json.loads(await ws.recv())
            if event["type"] == "response.output_text.delta":
                parts.append(event["delta"])
            elif event["type"] == "response.done":
                break
        text = "".join(parts)
        del parts
    return len(text)


async def _client(url: str) -> int:
    from release_tools.realtime import (
        ClientConfig,
        RealtimeSession,
        ResponseRequest,
        SessionConfig,
    )

    config = ClientConfig(url=url, model=MODEL, api_key=KEY)
    async with RealtimeSession(config, SessionConfig()) as session:
        result = await session.respond(ResponseRequest(input_text="stream"))
    return len(result.text)


async def _measure(variant: str, url: str) -> dict[str, Any]:
    rss_before = _maxrss_bytes()
    tracemalloc.start()
    start = time.perf_counter()
    size = await (_bare(url) if variant == "bare" else _client(url))
    elapsed = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "variant": variant,
        "chars": size,
        "peak": peak,
        "rss_growth": _maxrss_bytes() - rss_before,
        "seconds": elapsed,
    }


def _run_variant(variant: str, url: str) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, __file__, "--variant", variant, "--url", url],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(f"{variant} run failed:\n{proc.stderr}")
    figures: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=50)
    parser.add_argument("--variant", choices=["bare", "client"], help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.variant:
        print(json.dumps(asyncio.run(_measure(args.variant, args.url))))
        return
    size = args.size_mb * MB
    with serve_in_child("bulk", size) as url:
        results = [_run_variant(variant, url) for variant in ("bare", "client")]
    print(f"realtime memory: one response of {size / MB:.0f} MB in 1 KiB deltas")
    for r in results:
        if r["chars"] != results[0]["chars"]:
            raise SystemExit(f"{r['variant']} returned {r['chars']} chars")
        print(
            f"  {r['variant']:7}: tracemalloc peak {r['peak'] / MB:7.1f} MB "
            f"({r['peak'] / r['chars']:.2f}x the response), "
            f"ru_maxrss +{r['rss_growth'] / MB:.1f} MB, {r['seconds']:.2f} s (under tracemalloc)"
        )
    ratio = results[1]["peak"] / results[0]["peak"]
    print(f"  client/bare peak ratio: {ratio:.2f}")
    print(f"reproduce: .venv/bin/python {COMMAND} --size-mb {args.size_mb}")


if __name__ == "__main__":
    main()
