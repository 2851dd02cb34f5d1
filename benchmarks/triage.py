"""Latency of triage: the rule layer alone, and rules + similarity net, on long messages.

    python -m benchmarks.triage [--repeat 200]

Messages: every vignette of ``tests/agents/data/triage_vignettes*.jsonl`` and long messages of
about 1,000 and 4,000 characters built by joining vignettes (English, Chinese, mixed). One
process, one thread. Goal: the rule layer well under 5 ms for a long (1,000-character) message
(p95; ratio = goal / p95). The similarity net is timed with its per-process clause cache
cleared before each call (a new message), and with it warm (earlier turns of a conversation).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from agents.triage import assess

GOAL_MS = 5.0
DATA = Path(__file__).resolve().parents[1] / "tests" / "agents" / "data"


def _texts() -> list[str]:
    texts = []
    for path in sorted(DATA.glob("triage_vignettes*.jsonl")):
        texts += [json.loads(line)["text"] for line in path.read_text("utf-8").splitlines() if line]
    return texts


def _long(texts: list[str], size: int) -> list[str]:
    out, current = [], ""
    for text in texts:
        current += text + " "
        if len(current) >= size:
            out.append(current[:size])
            current = ""
    return out


def _times(fn: object, texts: list[str], repeat: int) -> list[float]:
    times = []
    for i in range(repeat):
        text = texts[i % len(texts)]
        start = time.perf_counter()
        fn(text)  # type: ignore[operator]
        times.append((time.perf_counter() - start) * 1000)
    return times


def _line(name: str, times: list[float]) -> str:
    q = statistics.quantiles(times, n=20)
    return f"{name:<44} p50 {statistics.median(times):7.3f} ms   p95 {q[18]:7.3f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    texts = _texts()
    long_1k, long_4k = _long(texts, 1000), _long(texts, 4000)
    for text in texts:  # warm the regex caches
        assess(text)
    print(f"triage latency; {len(texts)} vignettes, {len(long_1k)} messages of 1,000 characters")
    rules_1k = _times(assess, long_1k, args.repeat)
    print(_line("rules, one vignette", _times(assess, texts, args.repeat)))
    print(_line("rules, 1,000-character message", rules_1k))
    print(_line("rules, 4,000-character message", _times(assess, long_4k, args.repeat)))
    p95 = statistics.quantiles(rules_1k, n=20)[18]
    print(f"goal: rules p95 <= {GOAL_MS} ms for 1,000 characters -> ratio {GOAL_MS / p95:.1f}")

    from agents.triage import Screen

    screen = Screen.from_settings()
    assert screen.net is not None, "SPINE_TRIAGE_SIMILARITY is off"
    screen.assess("warm up the model and the exemplar bank")
    net = screen.net

    def cold(text: str) -> None:
        net._cache.clear()  # a new message: every clause embedded
        screen.assess(text)

    repeat = max(20, args.repeat // 5)
    print(_line("rules + similarity, one vignette (new)", _times(cold, texts, repeat)))
    print(_line("rules + similarity, 1,000 characters (new)", _times(cold, long_1k, repeat)))
    for text in long_1k:  # every clause embedded once: earlier turns come back
        screen.assess(text)
    print(
        _line("rules + similarity, 1,000 characters (seen)", _times(screen.assess, long_1k, repeat))
    )


if __name__ == "__main__":
    main()
