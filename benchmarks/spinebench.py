"""SpineBench runner overhead, cached rerun time, and (``--floor``) the embedded model's scores.

1. Harness overhead: N text MCQs (the bundled ones, repeated with numbered stems) against the
   LOOPBACK FIXED-LATENCY SERVER (not a model; benchmarks/loopback_openai.py, its own process)
   at a fixed concurrency. Ideal time = N × latency / concurrency; the ratio ideal ÷ achieved is
   what the runner (prompting, HTTP client, cache log, scoring) lets through. Goal ≥ 0.85.
2. A fully cached rerun of the bundled mini benchmark as a whole command (``python -m
   evals.spinebench``) after the server is stopped, so any model call would fail. Goal < 5 s.
3. ``--floor``: the embedded SmolLM2-135M as model and judge over the mini benchmark (slow:
   minutes) — a floor any real model should clear, reported as measured.

    python -m benchmarks.spinebench [--items 1000] [--concurrency 32] [--latency 0.1] [--floor]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MINI = ROOT / "evals" / "data" / "spinebench_mini"


def _server(latency: float) -> tuple[subprocess.Popen[str], str]:
    server = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.loopback_openai", "--latency", str(latency), "--schema"],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    assert server.stdout is not None
    return server, server.stdout.readline().split()[1]


def _many_mcqs(directory: Path, n: int) -> None:
    rows = []
    for line in (MINI / "text_mcq_en.jsonl").read_text(encoding="utf-8").splitlines():
        rows.append(json.loads(line))
    out = []
    for i in range(n):
        row = dict(rows[i % len(rows)])
        row["id"] = f"bench-{i:05d}"
        row["question"] = f"{row['question']} [{i}]"
        out.append(json.dumps(row, ensure_ascii=False))
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "items.jsonl").write_text("\n".join(out) + "\n", encoding="utf-8")


async def _overhead(url: str, data: Path, out: Path, concurrency: int) -> tuple[float, float]:
    from agents.llm import chat_model
    from evals.spinebench.items import load_dir
    from evals.spinebench.results import item_rows, score
    from evals.spinebench.run import RunConfig, evaluate
    from tools.settings import Settings

    settings = Settings(
        llm_base_url=url, llm_model="loopback", llm_concurrency=concurrency, llm_max_retries=0
    )
    items = load_dir(data)
    model = chat_model("llm", settings)
    config = RunConfig(data=data, out=out, concurrency=concurrency, progress=False)
    cpu, started = time.process_time(), time.perf_counter()
    try:
        rows, progress, _ = await evaluate(items, config, model, None)
    finally:
        await model.aclose()
    score(item_rows(items, rows))
    assert progress.asked == len(items)
    return time.perf_counter() - started, time.process_time() - cpu


def _command(url: str, out: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "evals.spinebench",
        "--out",
        str(out),
        "--model-base-url",
        url,
        "--model",
        "loopback",
        "--judge-base-url",
        url,
        "--judge-model",
        "loopback-judge",
        "--concurrency",
        "32",
        "--no-progress",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--floor", action="store_true", help="also score the embedded model")
    args = parser.parse_args()
    env = os.environ | {"HF_HUB_OFFLINE": "1", "SPINE_LLM_CONCURRENCY": "32"}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        server, url = _server(args.latency)
        try:
            print(
                f"LOOPBACK FIXED-LATENCY SERVER (not a model): {url}, "
                f"{args.latency * 1000:g} ms/call; {os.cpu_count()} cores shared with it"
            )
            _many_mcqs(work / "many", args.items)
            wall, cpu = asyncio.run(
                _overhead(url, work / "many", work / "many-run", args.concurrency)
            )
            ideal = args.items * args.latency / args.concurrency
            print(
                f"{args.items} MCQs at concurrency {args.concurrency}: {wall:.2f} s "
                f"(ideal {ideal:.2f} s) -> {args.items / wall:.0f} items/s, ratio of ideal "
                f"{ideal / wall:.3f} (goal >= 0.85); runner CPU {1000 * cpu / args.items:.2f} "
                "ms/item"
            )
            first = subprocess.run(
                _command(url, work / "mini"), cwd=ROOT, env=env, capture_output=True, text=True
            )
            if first.returncode != 0:
                raise SystemExit(f"mini benchmark run failed: {first.stderr.strip()}")
        finally:
            server.terminate()
            server.wait()
        # the server is gone: a rerun that asked anything would fail
        started = time.perf_counter()
        again = subprocess.run(
            _command(url, work / "mini"), cwd=ROOT, env=env, capture_output=True, text=True
        )
        seconds = time.perf_counter() - started
        results = json.loads((work / "mini" / "results.json").read_text())
        print(
            f"fully cached rerun of the mini benchmark ({results['items']} items, server "
            f"stopped): exit {again.returncode}, {seconds:.2f} s as a whole command "
            f"(goal < 5 s), asked {results['run']['asked']}, judged {results['run']['judged']}"
        )
        if args.floor:
            _floor(work / "floor", env)


def _floor(out: Path, env: dict[str, str]) -> None:
    command = [sys.executable, "-m", "evals.spinebench", "--out", str(out), "--no-progress"]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"floor run failed: {done.stderr.strip()}")
    print(f"embedded model floor ({time.perf_counter() - started:.0f} s):")
    print(done.stdout.strip())


if __name__ == "__main__":
    main()
