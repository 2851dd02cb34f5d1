"""Consult-graph speed: per-turn overhead, time to first token, and UI cold start.

    python -m benchmarks.consult [--turns 60] [--skip-ui]

1. Per-turn overhead excluding model generation: triage + localize + retrieve + review + final
   edit + checkpoint writes + graph machinery, on the real bundled store and the real SQLite
   checkpointer. The model is the LOOPBACK TEST SERVER (benchmarks/loopback_openai.py, fixed
   text, zero latency; not a model), so model time is near zero and is subtracted anyway:
   overhead = turn wall time − time inside model calls. Conversations of 3 turns each, so the
   checkpoint and the history grow as in use. Goal: p95 <= 150 ms.
2. Time to first streamed token with the embedded model (SmolLM2 via llama.cpp): from sending
   the turn to the first draft token, warm (model loaded), p50 over a few turns.
3. UI cold start: ``chainlit run ui/app.py`` until it answers HTTP on its port (goal <= 15 s).
4. Time to the answer in a warm UI, embedded model: in headless Chromium (Debian ``chromium``,
   Playwright), from sending a question to the answer's educational notice on screen, for
   ``--ui-turns`` turns after one warm-up turn on the same server (temperature 0, so the code
   under test, not sampling, makes the difference between two runs). Reported per turn and p50.

``--only overhead,first-token,ui-cold,ui-turn`` runs some of them.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

GOAL_OVERHEAD_P95_MS = 150.0
GOAL_UI_COLD_S = 15.0
ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = [
    "My MRI shows an L4-L5 disc herniation with left leg pain. What are my options?",
    "The report also mentions L5-S1 foraminal narrowing. Is that related?",
    "Would physiotherapy help, and for how long?",
    "颈椎C5-C6椎间盘突出，手麻，怎么办？",
    "Is surgery needed for lumbar spinal stenosis at L3-L4?",
    "What does a Cobb angle of 25 degrees mean for scoliosis?",
]
DRAFT = (
    "For you: The disc between L4 and L5 may press on a nerve root. "
    "What the evidence says: An L4-L5 disc herniation usually compresses the L5 nerve root [1]. "
    "Next steps: Keep active and see your doctor if weakness appears."
)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def overhead(turns: int, home: Path) -> list[float]:
    from benchmarks.loopback_openai import LoopbackServer, Reply
    from graphs.consult import Consult
    from tools.settings import Settings

    server = await LoopbackServer(script=lambda i, body: Reply(text=DRAFT), record=False).start()
    settings = Settings(home=home, llm_base_url=server.url, llm_max_tokens=200)
    results: list[float] = []
    try:
        async with Consult.open(settings) as consult:
            await consult.ask("warm-up: L4-L5 disc", thread_id="warm")  # loads MiniLM, BM25
            for n in range(turns):
                thread = f"bench-{n // 3}"
                started = time.perf_counter()
                result = await consult.ask(QUESTIONS[n % len(QUESTIONS)], thread_id=thread)
                wall = (time.perf_counter() - started) * 1000
                timings = result["timings_ms"]
                model_ms = timings.get("generate", 0.0) + timings.get("revise", 0.0)
                results.append(wall - model_ms)
    finally:
        await server.stop()
    return results


async def first_token(home: Path, turns: int = 4) -> list[float]:
    from graphs.consult import Consult
    from tools.settings import Settings

    settings = Settings(home=home, llm_max_tokens=64, review_max_rounds=0)
    waits: list[float] = []
    async with Consult.open(settings) as consult:
        await consult.ask("warm-up: L4-L5 disc", thread_id="warm")  # loads the GGUF and MiniLM
        for n in range(turns):
            started = time.perf_counter()
            async for event in consult.turn(QUESTIONS[n % 3], thread_id=f"ttft-{n}"):
                if event.kind == "token":
                    waits.append((time.perf_counter() - started) * 1000)
                    break
    return waits


def _chainlit(env: dict[str, str]) -> tuple[subprocess.Popen[bytes], int]:
    """``chainlit run ui/app.py`` on a free port (the server process and its port)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    chainlit = str(Path(sys.executable).parent / "chainlit")
    server = subprocess.Popen(
        [chainlit, "run", "ui/app.py", "--headless", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return server, port


def ui_cold_start(home: Path) -> float:
    started = time.perf_counter()
    server, port = _chainlit(dict(os.environ, SPINE_HOME=str(home)))
    try:
        while time.perf_counter() - started < 120:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as reply:
                    if reply.status == 200:
                        return time.perf_counter() - started
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("chainlit did not serve within 120 s")
    finally:
        server.terminate()
        server.wait(timeout=30)


UI_QUESTION = (
    "MRI says L4-5 disc herniation with left leg pain and numbness on the top of my foot. "
    "What are my options?"
)
NOTICE = "Educational information only"
CHROMIUM = "/usr/bin/chromium"


def ui_turns(home: Path, turns: int) -> list[float]:
    """Seconds from send to the answer on screen, per turn, after a warm-up turn."""
    from playwright.sync_api import sync_playwright

    env = {k: v for k, v in os.environ.items() if not k.startswith(("SPINE_", "CHAINLIT_"))}
    env |= {
        "SPINE_HOME": str(home),
        "SPINE_UI_PASSWORD": "bench",
        "SPINE_LLM_TEMPERATURE": "0",
        "HF_HUB_OFFLINE": "1",
    }
    server, port = _chainlit(env)
    seconds: list[float] = []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=CHROMIUM,
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
            page = browser.new_page()
            deadline = time.monotonic() + 120
            while True:
                try:
                    page.goto(f"http://127.0.0.1:{port}")
                    break
                except Exception:  # noqa: BLE001 - the server is still starting
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.5)
            page.fill("#email", "clinician")
            page.fill("#password", "bench")
            page.keyboard.press("Enter")
            page.wait_for_selector("text=SpineMed consult", timeout=300_000)
            for turn in range(turns + 1):  # the first turn warms the model and the caches
                shown = page.evaluate(f"document.body.innerText.split({NOTICE!r}).length - 1")
                page.locator("#chat-input").click()
                page.keyboard.type(UI_QUESTION)
                started = time.perf_counter()
                page.locator("#chat-submit").click()
                page.wait_for_function(
                    f"document.body.innerText.split({NOTICE!r}).length - 1 > {shown}",
                    timeout=600_000,
                )
                if turn:
                    seconds.append(time.perf_counter() - started)
                page.goto(f"http://127.0.0.1:{port}")  # a new thread: each turn is a first turn
                page.wait_for_selector("text=SpineMed consult", timeout=60_000)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.consult", description=__doc__)
    parser.add_argument("--turns", type=int, default=60, help="turns for the overhead figure")
    parser.add_argument("--skip-ui", action="store_true", help="skip the UI measurements")
    parser.add_argument("--ui-turns", type=int, default=3, help="timed turns in the warm UI")
    parser.add_argument(
        "--only", default="overhead,first-token,ui-cold,ui-turn", help="what to measure"
    )
    args = parser.parse_args()
    parts = set(args.only.split(","))
    if args.skip_ui:
        parts -= {"ui-cold", "ui-turn"}
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    with tempfile.TemporaryDirectory(prefix="spine-bench-consult-") as tmp:
        home = Path(tmp)
        from knowledge.build import build
        from tools.settings import Settings

        os.environ["SPINE_HOME"] = str(home)  # the retriever reads the process settings
        build(settings=Settings(home=home), progress=False)

        if "overhead" in parts:
            ms = asyncio.run(overhead(args.turns, home))
            p50, p95 = statistics.median(ms), pct(ms, 0.95)
            print(
                f"per-turn overhead excl. generation ({len(ms)} turns, LOOPBACK TEST SERVER as "
                f"the model): p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {max(ms):.1f} ms "
                f"(goal p95 <= {GOAL_OVERHEAD_P95_MS:.0f} ms: {GOAL_OVERHEAD_P95_MS / p95:.2f}x)"
            )
        if "first-token" in parts:
            waits = asyncio.run(first_token(home))
            print(
                f"time to first streamed token, embedded SmolLM2 (warm, {len(waits)} turns): "
                f"p50 {statistics.median(waits):.0f} ms, max {max(waits):.0f} ms"
            )
        if "ui-cold" in parts:
            cold = ui_cold_start(home)
            print(
                f"UI cold start (chainlit run until HTTP 200): {cold:.1f} s "
                f"(goal <= {GOAL_UI_COLD_S:.0f} s: {GOAL_UI_COLD_S / cold:.2f}x)"
            )
        if "ui-turn" in parts and args.ui_turns > 0:
            each = ui_turns(home, args.ui_turns)
            print(
                f"time to the answer in a warm UI, embedded SmolLM2 ({len(each)} turns after a "
                f"warm-up, temperature 0): p50 {statistics.median(each):.1f} s, each "
                + ", ".join(f"{x:.1f}" for x in each)
                + " s"
            )


if __name__ == "__main__":
    main()
