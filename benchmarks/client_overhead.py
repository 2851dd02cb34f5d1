"""Client overhead of the OpenAI-compatible backend against a LOOPBACK FIXED-LATENCY SERVER
(benchmarks/loopback_openai.py, not a model): every call takes exactly ``latency`` seconds on
the server, so the ideal throughput at concurrency c is c / latency calls per second; the ratio
achieved / ideal is our own overhead (event loop, HTTP, JSON, pydantic, retries machinery).

    python -m benchmarks.client_overhead [--latency 0.05] [--levels 1,16,64,256] [--seconds 4]

Goal on a 2-core machine: >= 0.9 of ideal at 64, >= 0.8 at 256.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import time

from agents.llm.openai_compat import OpenAICompatChatModel
from agents.llm.types import user
from tools.settings import Settings

MESSAGES = [user("Which nerve root does a posterolateral L4-L5 disc herniation compress?")]


async def measure(url: str, concurrency: int, seconds: float, latency: float) -> dict[str, float]:
    settings = Settings(llm_base_url=url, llm_model="loopback", llm_concurrency=concurrency)
    model = OpenAICompatChatModel(settings.backend("llm"))
    await model.complete(MESSAGES, max_tokens=8)  # open the session
    done = 0
    stop_at = time.perf_counter() + seconds

    async def worker() -> None:
        nonlocal done
        while time.perf_counter() < stop_at:
            await model.complete(MESSAGES, max_tokens=8)
            done += 1

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    await model.aclose()
    achieved = done / elapsed
    ideal = concurrency / latency
    return {"calls": done, "achieved": achieved, "ideal": ideal, "ratio": achieved / ideal}


def run_levels(url: str, levels: list[int], seconds: float, latency: float, loop: str) -> None:
    for level in levels:
        coro = measure(url, level, seconds, latency)
        if loop == "uvloop":
            import uvloop

            row = uvloop.run(coro)
        else:
            row = asyncio.run(coro)
        print(
            f"{loop:>8} concurrency {level:>4}: {row['achieved']:8.1f} calls/s "
            f"(ideal {row['ideal']:7.0f})  ratio {row['ratio']:.3f}  [{row['calls']:.0f} calls]",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--levels", default="1,16,64,256")
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--loops", default="asyncio,uvloop")
    args = parser.parse_args()
    levels = [int(x) for x in args.levels.split(",")]
    server = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.loopback_openai", "--latency", str(args.latency)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        ready = server.stdout.readline().split()
        url = ready[1]
        print(
            f"LOOPBACK FIXED-LATENCY SERVER (not a model): {url}, {args.latency * 1000:g} ms/call; "
            f"client on {os.cpu_count()} cores"
        )
        for loop in args.loops.split(","):
            run_levels(url, levels, args.seconds, args.latency, loop)
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
