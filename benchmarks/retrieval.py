"""Ingest throughput and query latency of the knowledge base (real MiniLM, Chroma, bm25s).

    python -m benchmarks.retrieval [--synthetic 20000] [--queries 200] [--seed 7]

1. Builds the bundled corpus into a fresh embedded store: chunks/s (parse + chunk + embed + write).
2. Times hybrid + level-boost searches on it: p50/p95 per query, and per stage (query embedding,
   Chroma HNSW, BM25, fusion).
3. Generates a synthetic corpus (``--synthetic`` chunks, deterministic, seeded: report-like spine
   sections with levels), ingests it beside the bundled one and times the same queries again.
   Goal: p95 <= 50 ms at 20,000 chunks on this 2-core machine. ``--sizes`` adds intermediate
   sizes so the growth per chunk can be read off and extrapolated (e.g. to 200k).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

GOAL_P95_MS = 50.0
QUESTIONS = Path(__file__).resolve().parents[1] / "evals" / "data" / "retrieval"

_CONDITIONS = [
    ("lumbar_disc_herniation", "disc herniation", ["L3-L4", "L4-L5", "L5-S1"]),
    ("lumbar_spinal_stenosis", "central canal stenosis", ["L2-L3", "L3-L4", "L4-L5"]),
    ("spondylolisthesis", "anterolisthesis", ["L4-L5", "L5-S1"]),
    ("degenerative_cervical_myelopathy", "cord compression", ["C4-C5", "C5-C6", "C6-C7"]),
    ("cervical_radiculopathy", "foraminal stenosis", ["C5-C6", "C6-C7", "C7-T1"]),
    ("osteoporotic_fractures", "compression fracture", ["T7", "T8", "T12", "L1"]),
    ("thoracolumbar_trauma", "burst fracture", ["T11", "T12", "L1", "L2"]),
    ("spinal_infection", "spondylodiscitis", ["L2-L3", "L3-L4", "T9-T10"]),
    ("spinal_tumours", "vertebral metastasis", ["T4", "T8", "L3"]),
]
_FINDINGS = [
    "Pfirrmann grade {g} disc signal with {m} endplate change.",
    "The {side} {root} root is displaced in the lateral recess.",
    "Canal diameter is reduced to {mm} mm at the narrowest point.",
    "There is {pct}% loss of anterior body height without retropulsion.",
    "T2 hyperintense signal is seen in the adjacent marrow.",
    "Facet joints show hypertrophy and a small effusion.",
    "Follow-up imaging in {w} weeks is suggested if symptoms persist.",
    "No paraspinal collection; alignment is otherwise preserved.",
]


def _synthetic_docs(folder: Path, chunks: int, seed: int, first: int, per_doc: int = 20) -> int:
    rng = random.Random(seed)
    written = 0
    for n in range(first, first + (chunks + per_doc - 1) // per_doc):
        subfield, condition, levels = rng.choice(_CONDITIONS)
        sections = []
        for s in range(min(per_doc, chunks - written)):
            level = rng.choice(levels)
            sentences = [
                f"Synthetic report {n}-{s}: {condition} at {level} in a {rng.randint(20, 89)}-"
                f"year-old patient."
            ]
            for template in rng.sample(_FINDINGS, 4):
                sentences.append(
                    template.format(
                        g=rng.choice("I II III IV V".split()),
                        m=rng.choice(["Modic 1", "Modic 2", "no"]),
                        side=rng.choice(["left", "right"]),
                        root=rng.choice(["L4", "L5", "S1", "C6", "C7"]),
                        mm=rng.randint(6, 14),
                        pct=rng.randint(10, 60),
                        w=rng.choice([4, 6, 12]),
                    )
                )
            sections.append(f"## Finding {s + 1} at {level}\n\n" + " ".join(sentences) + "\n")
            written += 1
        front = (
            f"---\nid: synthetic-{n:05d}\ntitle: Synthetic imaging reports {n}\nkind: case\n"
            f"subfield: {subfield}\nlevels: []\ncitation:\n  source: SpineMed agents (synthetic "
            f"case)\n  year: 2026\n  title: Synthetic benchmark reports\nlicense: Apache-2.0\n"
            f"lang: en\n---\n\n# Synthetic imaging reports {n}\n\n"
        )
        (folder / f"synthetic-{n:05d}.md").write_text(front + "\n".join(sections))
    return written


def _queries(count: int, seed: int) -> list[str]:
    path = QUESTIONS / "spine_retrieval.jsonl"
    base = [json.loads(line)["question"] for line in path.read_text().splitlines() if line.strip()]
    rng = random.Random(seed)
    return [rng.choice(base) for _ in range(count)]


def _time_queries(retriever, queries: list[str]) -> dict[str, float]:  # type: ignore[no-untyped-def]
    retriever.search("warm-up query about L4-L5 stenosis", k=5)
    totals, stages = [], {"embed": [], "dense": [], "bm25": [], "fuse": []}
    for query in queries:
        started = time.perf_counter()
        retriever.search(query, k=5)
        totals.append((time.perf_counter() - started) * 1000)
        for name, seconds in retriever.last_timings.items():
            stages[name].append(seconds * 1000)
    totals.sort()
    result = {
        "p50_ms": statistics.median(totals),
        "p95_ms": totals[int(0.95 * (len(totals) - 1))],
    }
    result.update({f"{k}_p50_ms": statistics.median(v) for k, v in stages.items()})
    return result


def _line(label: str, chunks: int, timing: dict[str, float]) -> str:
    stages = ", ".join(
        f"{k} {timing[f'{k}_p50_ms']:.1f}" for k in ("embed", "dense", "bm25", "fuse")
    )
    return (
        f"{label}: {chunks:,} chunks: query p50 {timing['p50_ms']:.1f} ms, p95 "
        f"{timing['p95_ms']:.1f} ms (goal <= {GOAL_P95_MS:.0f} -> ratio "
        f"{GOAL_P95_MS / timing['p95_ms']:.2f}); stage p50 ms: {stages}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--synthetic", type=int, default=20_000, help="synthetic chunks (0: skip)")
    parser.add_argument("--sizes", type=str, default="", help="extra sizes, e.g. 5000,10000")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    from knowledge.build import build
    from knowledge.retrieval import HybridRetriever
    from knowledge.store import Store
    from tools.embedding import get_embedder
    from tools.settings import Settings

    queries = _queries(args.queries, args.seed)
    with tempfile.TemporaryDirectory(prefix="spine-bench-") as tmp:
        settings = Settings(home=Path(tmp) / "home")
        store = Store(settings)
        get_embedder(settings.embedding_model).embed(["load the model before timing"])
        report = build(settings=settings, store=store, progress=False)
        print(
            f"ingest bundled corpus: {report.chunks_embedded} chunks from "
            f"{report.count('added')} documents in {report.seconds:.1f} s -> "
            f"{report.chunks_embedded / report.seconds:.1f} chunks/s"
        )
        retriever = HybridRetriever(store, get_embedder(settings.embedding_model))
        print(_line("bundled corpus", store.count(), _time_queries(retriever, queries)))

        sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()} | {args.synthetic})
        done = 0
        for size in (s for s in sizes if s > 0):
            folder = Path(tmp) / f"synthetic-{size}"
            folder.mkdir()
            added = _synthetic_docs(folder, size - done, args.seed + size, first=done)
            started = time.perf_counter()
            report = build([folder], settings=settings, store=store, progress=True)
            seconds = time.perf_counter() - started
            done = size
            print(
                f"ingest synthetic: {added:,} chunks in {seconds:.1f} s -> "
                f"{added / seconds:.1f} chunks/s"
            )
            retriever.refresh()
            print(_line(f"synthetic {size:,}", store.count(), _time_queries(retriever, queries)))


if __name__ == "__main__":
    main()
