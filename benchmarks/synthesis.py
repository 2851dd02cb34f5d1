"""Synthesis throughput and cost.

    python -m benchmarks.synthesis [--latency 0.2] [--levels 16,64,256] [--waves 16]
                                   [--embedded-limit 0]
    python -m benchmarks.synthesis --ray-workers 1,2,4 --levels 64,256 --waves 8

1. Harness overhead against the LOOPBACK FIXED-LATENCY SERVER (benchmarks/loopback_openai.py
   ``--schema``, in its own process; not a model): every call takes ``latency`` seconds and a
   structured request gets schema-valid JSON made from the words of the prompt's SOURCE. At
   concurrency c (work items in flight, c per-endpoint slots) the ideal is c / latency calls/s;
   achieved / ideal measures our own overhead (graph, review, validation, de-duplication,
   append + fsync, HTTP). Also our process's CPU time per LLM call. Goals: >= 0.85 of ideal at
   64, <= 3 ms CPU per call. The loopback's drafts are word salad, so its acceptance rate
   means nothing; the calls and tokens per accepted record do not either.
2. With ``--ray-workers 1,2,4``: the same plan on a local Ray instance (``--ray``), N workers
   sharing each concurrency level (level / N items in flight on each), beside the single process:
   calls/s, ratio of ideal, and CPU per call of the driver plus the workers (the loopback
   server's CPU is not ours and is not counted). Then a projection of the wall time of 1.8
   million calls (SpineMed-450k: ~457k records, ~4 calls each with draft and revision) from the
   best measured rate per client CPU, stating the assumptions. Also the cost of Ray itself:
   start-up time of the local instance and the memory (RSS) of its processes and of one idle
   worker.
3. With ``--embedded-limit N``: the real embedded model (SmolLM2-135M via llama.cpp) makes N
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


async def harness(
    url: str, concurrency: int, waves: int, latency: float, workers: int = 0
) -> dict[str, Any]:
    """The plan of ``concurrency * waves`` items through one process, or (``workers`` > 0)
    through that many Ray workers sharing the ``concurrency`` (Ray already local)."""
    from agents.llm import chat_model
    from graphs.synthesis.cluster import ClusterRun
    from graphs.synthesis.run import Run
    from graphs.synthesis.sources import load_sources
    from knowledge.documents import BUNDLED_CORPUS
    from tools.settings import Settings

    each = max(1, concurrency // workers) if workers else concurrency
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            home=Path(tmp), llm_base_url=url, llm_model="loopback", llm_concurrency=each
        )
        sources = load_sources([BUNDLED_CORPUS]).sources
        items = _items(sources, concurrency * waves)
        model = chat_model("llm", settings)
        common: dict[str, Any] = {"limit": None, "concurrency": each, "rounds": 1, "seed": 0}
        out, quiet = Path(tmp) / "out.jsonl", {"progress": False}
        if workers:
            cpus = 1.0 if workers <= (os.cpu_count() or 1) else 0.5
            run: Run = ClusterRun(
                model,
                settings,
                out,
                address=None,
                workers=workers,
                worker_cpus=cpus,
                retries=0,
                model_review=False,
                **common,
                **quiet,
            )
        else:
            run = Run(model, settings, out, **common, **quiet)
        cpu = time.process_time()
        summary = await run.run(items)
        cpu = time.process_time() - cpu
        await model.aclose()
    calls = summary["llm_calls"]
    ray = summary.get("ray") or {"start_s": 0.0, "worker_cpu_s": 0.0}
    seconds = summary["seconds"] - ray["start_s"]  # the workers' start is not a call
    achieved = calls / seconds
    ideal = concurrency / latency
    return {
        "items": len(items),
        "calls": calls,
        "achieved": achieved,
        "ideal": ideal,
        "ratio": achieved / ideal,
        "cpu_ms_per_call": (cpu + ray["worker_cpu_s"]) / calls * 1000,
        "driver_ms_per_call": cpu / calls * 1000,
        "start_s": ray["start_s"],
        "items_per_min": len(items) / seconds * 60,
        "records_per_min": summary["records_per_min"],
    }


def _items(sources: Any, wanted: int) -> list[Any]:
    from graphs.synthesis.run import plan

    per_source = 1
    items = plan(sources, TASKS, ["en"], per_source)
    while len(items) < wanted:
        per_source += 1
        items = plan(sources, TASKS, ["en"], per_source)
    return items[:wanted]


def _rss_mb(marker: bytes) -> tuple[int, float]:
    """Processes whose command line holds ``marker``, and their resident memory (MB)."""
    n, total = 0, 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if marker not in (entry / "cmdline").read_bytes():
                continue
            for line in (entry / "status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) / 1024
                    n += 1
        except OSError:
            continue
    return n, total


def ray_cost() -> dict[str, float]:
    """Start-up time of a local Ray instance, its processes' memory, and an idle worker's."""
    import ray

    from graphs.synthesis.cluster import connect

    t0 = time.perf_counter()
    connect(None)
    start = time.perf_counter() - t0
    n, rss = _rss_mb(b"ray")  # gcs_server, raylet, agents, idle workers (session paths hold it)

    @ray.remote(num_cpus=1)
    class Idle:
        def ping(self) -> int:
            return os.getpid()

    t0 = time.perf_counter()
    actor = Idle.remote()  # type: ignore[attr-defined]
    ray.get(actor.ping.remote())
    actor_s = time.perf_counter() - t0
    _, worker = _rss_mb(b"ray::Idle")
    ray.kill(actor)
    return {
        "start_s": start,
        "processes": n,
        "rss_mb": rss,
        "actor_s": actor_s,
        "worker_mb": worker,
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


def _ray_rows(url: str, args: argparse.Namespace, single: dict[int, dict[str, Any]]) -> None:
    import ray

    cost = ray_cost()
    print(
        f"RAY local instance: up in {cost['start_s']:.1f} s, {cost['processes']} processes "
        f"{cost['rss_mb']:.0f} MB RSS; an idle 1-CPU actor starts in {cost['actor_s']:.1f} s "
        f"and holds {cost['worker_mb']:.0f} MB",
        flush=True,
    )
    best = 0.0  # calls/s per client CPU-second, the projection's basis
    try:
        for level, alone in single.items():
            for workers in (int(x) for x in args.ray_workers.split(",")):
                row = asyncio.run(harness(url, level, args.waves, args.latency, workers))
                best = max(best, 1000 / row["cpu_ms_per_call"])
                print(
                    f"ray {workers} worker(s) x {max(1, level // workers):>3} = {level:>4} in "
                    f"flight: {row['achieved']:7.1f} calls/s ratio {row['ratio']:.3f} "
                    f"({row['achieved'] / alone['achieved']:.2f}x one process); CPU "
                    f"{row['cpu_ms_per_call']:.2f} ms/call (driver "
                    f"{row['driver_ms_per_call']:.2f}) [{row['calls']} calls, workers up in "
                    f"{row['start_s']:.1f} s]",
                    flush=True,
                )
    finally:
        ray.shutdown()
    calls, latency, in_flight = 1_800_000, 10.0, 256
    print(
        f"PROJECTION for {calls:,} calls (~450k records), assuming a served call takes "
        f"{latency:g} s at {in_flight} in flight per vLLM endpoint (the GPUs' rate, not ours) "
        f"and our client costs the best measured {1000 / best:.2f} ms CPU per call:"
    )
    for endpoints in (8, 32):
        fleet = endpoints * in_flight / latency  # calls/s the GPUs can serve
        client_cpus = fleet / best
        hours = calls / fleet / 3600
        print(
            f"  {endpoints} endpoints serve {fleet:,.0f} calls/s -> {hours:.1f} h, if the client "
            f"has {client_cpus:.1f} CPUs (e.g. {int(client_cpus) + 1} 1-CPU Ray workers)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--levels", default="16,64,256")
    parser.add_argument("--waves", type=int, default=16, help="items per slot at each level")
    parser.add_argument("--embedded-limit", type=int, default=0)
    parser.add_argument(
        "--ray-workers", help="e.g. 1,2,4: also run each level on a local Ray instance"
    )
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
        single: dict[int, dict[str, Any]] = {}
        for level in (int(x) for x in args.levels.split(",")):
            row = single[level] = asyncio.run(harness(url, level, args.waves, args.latency))
            print(
                f"concurrency {level:>4}: {row['achieved']:7.1f} calls/s (ideal "
                f"{row['ideal']:6.0f}) ratio {row['ratio']:.3f}; CPU {row['cpu_ms_per_call']:.2f} "
                f"ms/call; {row['items_per_min']:.0f} items/min, {row['records_per_min']:.0f} "
                f"records/min [{row['items']} items, {row['calls']} calls]",
                flush=True,
            )
        if args.ray_workers:
            _ray_rows(url, args, single)
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
