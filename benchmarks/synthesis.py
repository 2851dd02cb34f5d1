"""Synthesis throughput and cost.

    python -m benchmarks.synthesis [--latency 0.2] [--levels 16,64,256] [--waves 16]
                                   [--embedded-limit 0]

1. Harness overhead against the LOOPBACK FIXED-LATENCY SERVER (benchmarks/loopback_openai.py
   ``--schema``, in its own process; not a model): every call takes ``latency`` seconds and a
   structured request gets schema-valid JSON made from the words of the prompt's SOURCE. At
   concurrency c (work items in flight, c per-endpoint slots) the ideal is c / latency calls/s;
   achieved / ideal measures our own overhead (graph, review, validation, de-duplication,
   append + fsync, HTTP). Also our process's CPU time per LLM call. Goals: >= 0.85 of ideal at
   64, <= 3 ms CPU per call. The loopback's drafts are word salad, so its acceptance rate
   means nothing; the calls and tokens per accepted record do not either.
2. With ``--embedded-limit N``: the real embedded model (SmolLM2-135M via llama.cpp) makes N
   accepted MCQ/open-QA records from the bundled corpus: records/min, LLM calls and tokens per
   accepted record by task, acceptance rate — real figures for this tiny model, stated as such.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

TASKS = ["mcq", "open_qa", "report"]


async def harness(url: str, concurrency: int, waves: int, latency: float) -> dict[str, Any]:
    from agents.llm import chat_model
    from graphs.synthesis.run import Run, plan
    from graphs.synthesis.sources import load_sources
    from knowledge.documents import BUNDLED_CORPUS
    from tools.settings import Settings

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            home=Path(tmp), llm_base_url=url, llm_model="loopback", llm_concurrency=concurrency
        )
        sources = load_sources([BUNDLED_CORPUS]).sources
        wanted = concurrency * waves
        per_source = 1
        items = plan(sources, TASKS, ["en"], per_source)
        while len(items) < wanted:
            per_source += 1
            items = plan(sources, TASKS, ["en"], per_source)
        items = items[:wanted]
        model = chat_model("llm", settings)
        run = Run(
            model,
            settings,
            Path(tmp) / "out.jsonl",
            limit=None,
            concurrency=concurrency,
            rounds=1,
            seed=0,
            progress=False,
        )
        cpu = time.process_time()
        summary = await run.run(items)
        cpu = time.process_time() - cpu
        await model.aclose()
    calls = summary["llm_calls"]
    achieved = calls / summary["seconds"]
    ideal = concurrency / latency
    return {
        "items": len(items),
        "calls": calls,
        "achieved": achieved,
        "ideal": ideal,
        "ratio": achieved / ideal,
        "cpu_ms_per_call": cpu / calls * 1000,
        "items_per_min": len(items) / summary["seconds"] * 60,
        "records_per_min": summary["records_per_min"],
    }


async def embedded(limit: int) -> dict[str, Any]:
    from agents.llm import chat_model
    from graphs.synthesis.run import Run, plan
    from graphs.synthesis.sources import load_sources
    from knowledge.documents import BUNDLED_CORPUS
    from tools.settings import Settings

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(home=Path(tmp))
        sources = load_sources([BUNDLED_CORPUS]).sources
        items = plan(sources, ["mcq", "open_qa"], ["en"], 1)
        model = chat_model("llm", settings)
        await model.complete("Hi", max_tokens=1)  # load the model before the clock starts
        run = Run(
            model,
            settings,
            Path(tmp) / "out.jsonl",
            limit=limit,
            concurrency=settings.embedded_instances or 2,
            rounds=settings.review_max_rounds,
            seed=0,
            progress=True,
        )
        return await run.run(items)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--levels", default="16,64,256")
    parser.add_argument("--waves", type=int, default=16, help="items per slot at each level")
    parser.add_argument("--embedded-limit", type=int, default=0)
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "benchmarks.loopback_openai",
            "--schema",
            "--latency",
            str(args.latency),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        url = server.stdout.readline().split()[1]
        print(
            f"LOOPBACK FIXED-LATENCY SERVER (not a model, schema mode): {url}, "
            f"{args.latency * 1000:g} ms/call; tasks {','.join(TASKS)}; {os.cpu_count()} cores",
            flush=True,
        )
        for level in (int(x) for x in args.levels.split(",")):
            row = asyncio.run(harness(url, level, args.waves, args.latency))
            print(
                f"concurrency {level:>4}: {row['achieved']:7.1f} calls/s (ideal "
                f"{row['ideal']:6.0f}) ratio {row['ratio']:.3f}; CPU {row['cpu_ms_per_call']:.2f} "
                f"ms/call; {row['items_per_min']:.0f} items/min, {row['records_per_min']:.0f} "
                f"records/min [{row['items']} items, {row['calls']} calls]",
                flush=True,
            )
    finally:
        server.terminate()
        server.wait()
    if args.embedded_limit:
        summary = asyncio.run(embedded(args.embedded_limit))
        print(
            f"EMBEDDED SmolLM2-135M (real model): {summary['records_per_min']} records/min, "
            f"acceptance {summary['acceptance_rate']}, {summary['seconds']} s"
        )
        for task, row in summary["per_task"].items():
            print(f"  {task}: {row}")
        print(f"  rejection reasons: {summary['rejection_reasons']}")


if __name__ == "__main__":
    main()
