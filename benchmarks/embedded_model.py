"""Embedded SmolLM2-135M-Instruct (llama.cpp, in-process): load time, tokens/s for one stream,
and aggregate tokens/s with 4 concurrent callers, for 1 and 2 model instances.

    python -m benchmarks.embedded_model [--tokens 128] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time

from agents.llm import embedded
from agents.llm.embedded import EmbeddedChatModel
from agents.llm.types import user
from tools.settings import Settings

PROMPTS = [
    "Explain lumbar spinal stenosis to a patient in detail.",
    "Describe the anatomy of the cervical spine level by level.",
    "Explain the treatment options for adolescent idiopathic scoliosis.",
    "Describe the warning signs of cauda equina syndrome and what to do.",
]


async def tokens_per_second(model: EmbeddedChatModel, callers: int, tokens: int) -> float:
    started = time.perf_counter()
    results = await asyncio.gather(
        *(
            model.complete(
                [user(PROMPTS[i % len(PROMPTS)])], max_tokens=tokens, temperature=0.7, seed=i
            )
            for i in range(callers)
        )
    )
    elapsed = time.perf_counter() - started
    return sum(r.usage.completion_tokens for r in results) / elapsed


async def run(instances: int, tokens: int, rounds: int) -> None:
    settings = Settings(embedded_instances=instances)
    model = EmbeddedChatModel(settings.backend("llm"), settings)
    embedded._LOADED.clear()  # time a cold load in this process
    started = time.perf_counter()
    await model.load()
    load_s = time.perf_counter() - started
    await tokens_per_second(model, 1, 8)  # warm-up
    single = statistics.median([await tokens_per_second(model, 1, tokens) for _ in range(rounds)])
    four = statistics.median([await tokens_per_second(model, 4, tokens) for _ in range(rounds)])
    print(
        f"instances={instances} threads/instance={settings.embedded_threads_or_default()}: "
        f"load {load_s:.2f} s | 1 stream {single:6.1f} tok/s | 4 callers {four:6.1f} tok/s "
        f"aggregate (x{four / single:.2f} of one stream)",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokens", type=int, default=128)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--instances", default="1,2")
    args = parser.parse_args()
    print(
        f"embedded model: {embedded.default_model_path().name}, {os.cpu_count()} cores, "
        f"median of {args.rounds} rounds, {args.tokens} max tokens per call"
    )
    for instances in (int(x) for x in args.instances.split(",")):
        asyncio.run(run(instances, args.tokens, args.rounds))


if __name__ == "__main__":
    main()
