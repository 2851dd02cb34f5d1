"""Cold start of the CLIs: wall time of ``python -m <cli> --help`` in fresh processes.

    python -m benchmarks.cold_start [--runs 10]

Goal: under 1.5 s each (heavy libraries — llama.cpp, aiohttp, torch, numpy — are imported
lazily).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

COMMANDS = [
    [sys.executable, "-m", module, "--help"]
    for module in (
        "agents.llm",
        "tools.levels",
        "tools.dicom",
        "tools.spatial",
        "knowledge",
        "evals.rag",
        "evals.spinebench",
        "graphs.consult",
    )
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    for command in COMMANDS:
        subprocess.run(command, capture_output=True, check=True)  # warm the file cache
        times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            subprocess.run(command, capture_output=True, check=True)
            times.append(time.perf_counter() - started)
        shown = " ".join(command[1:]).replace(sys.executable, "python")
        print(
            f"python {shown}: median {statistics.median(times):.3f} s "
            f"(min {min(times):.3f}, max {max(times):.3f}, {args.runs} runs); goal < 1.5 s "
            f"-> ratio to goal {statistics.median(times) / 1.5:.2f}"
        )


if __name__ == "__main__":
    main()
