"""``python -m evals.rag``: RAG evaluation of the retriever and of the consult graph's answers.

Without flags, every item of the spine QA set (or ``--data FILE``) is asked as one turn of the
consult graph and its contexts and answer are scored with ragas (see :mod:`evals.rag_answers`).

``--retrieval-only``: how well does the retriever find the right chunks? Runs the set through
three rankers — dense only, hybrid (dense + BM25, reciprocal-rank fusion) and hybrid + level
boost — and reports recall@k, MRR and ragas' non-LLM context metrics
(``NonLLMContextPrecisionWithReference``, ``NonLLMContextRecall``: string similarity of retrieved
to reference chunk texts). Levels for the level boost come from the item (what the localizer
would have accumulated) or, failing that, from the question text.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from evals.rag_items import DATA, RetrievalItem, load_items

__all__ = ["RunResult", "evaluate", "main"]

RANKERS: dict[str, tuple[str, bool]] = {
    "dense": ("dense", False),
    "hybrid": ("hybrid", False),
    "hybrid+level": ("hybrid", True),
}


class RunResult(BaseModel):
    """Scores of one ranker over the set."""

    ranker: str
    k: int
    questions: int
    recall_at_k: float = Field(description="share of all reference chunks in the top k")
    recall_same_lang_at_k: float = Field(
        description="share of the reference chunks in the question's language in the top k "
        "(a set may also list the other language's translation of the same section)"
    )
    hit_at_k: float
    mrr: float
    context_precision: float = Field(description="ragas NonLLMContextPrecisionWithReference")
    context_recall: float = Field(description="ragas NonLLMContextRecall")
    by_lang: dict[str, float] = Field(description="same-language recall@k per language")
    misses: list[str] = Field(description="ids of questions with no reference chunk in the top k")


async def _ragas(samples: list[tuple[list[str], list[str]]]) -> tuple[float, float]:
    from ragas import SingleTurnSample
    from ragas.metrics import NonLLMContextPrecisionWithReference, NonLLMContextRecall

    precision, recall = NonLLMContextPrecisionWithReference(), NonLLMContextRecall()
    p_scores, r_scores = [], []
    for retrieved, reference in samples:
        sample = SingleTurnSample(retrieved_contexts=retrieved, reference_contexts=reference)
        p_scores.append(float(await precision.single_turn_ascore(sample)))
        r_scores.append(float(await recall.single_turn_ascore(sample)))
    return sum(p_scores) / len(p_scores), sum(r_scores) / len(r_scores)


def evaluate(
    items: Sequence[RetrievalItem], retriever: Any, *, k: int = 5, boost: float = 1.0
) -> list[RunResult]:
    """Score every ranker on ``items`` with a :class:`knowledge.retrieval.HybridRetriever`."""
    from tqdm import tqdm

    texts, meta = retriever.snapshot()
    langs = {i: str(m.get("lang")) for i, m in meta.items()}
    unknown = sorted({c for item in items for c in item.reference_chunks} - texts.keys())
    if unknown:
        raise ValueError(f"reference chunks not in the store: {', '.join(unknown[:5])}")
    results = []
    for name, (mode, boosted) in RANKERS.items():
        recall, same, hits, rr, misses = [], [], [], [], []
        per_lang: dict[str, list[float]] = {}
        samples = []
        for item in tqdm(items, desc=name, unit="q", file=sys.stderr, leave=False):
            found = retriever.search(
                item.question,
                k=max(k, 10),
                levels=item.levels,
                mode=mode,
                level_boost=boost if boosted else 0.0,
            )
            ids = [h.chunk_id for h in found]
            wanted = set(item.reference_chunks)
            top = ids[:k]
            share = len(wanted & set(top)) / len(wanted)
            recall.append(share)
            own = {c for c in wanted if langs.get(c) == item.lang} or wanted
            same.append(len(own & set(top)) / len(own))
            hits.append(1.0 if wanted & set(top) else 0.0)
            first = next((n for n, i in enumerate(ids, 1) if i in wanted), None)
            rr.append(1.0 / first if first else 0.0)
            if not wanted & set(top):
                misses.append(item.id)
            per_lang.setdefault(item.lang, []).append(same[-1])
            samples.append(([texts[i] for i in top], [texts[c] for c in item.reference_chunks]))
        precision, context_recall = asyncio.run(_ragas(samples))
        n = len(items)
        results.append(
            RunResult(
                ranker=name,
                k=k,
                questions=n,
                recall_at_k=round(sum(recall) / n, 4),
                recall_same_lang_at_k=round(sum(same) / n, 4),
                hit_at_k=round(sum(hits) / n, 4),
                mrr=round(sum(rr) / n, 4),
                context_precision=round(precision, 4),
                context_recall=round(context_recall, 4),
                by_lang={lang: round(sum(v) / len(v), 4) for lang, v in sorted(per_lang.items())},
                misses=misses,
            )
        )
    return results


def _table(results: list[RunResult]) -> str:
    k = results[0].k
    head = (
        f"| ranker | questions | recall@{k} | recall@{k} same language | hit@{k} | MRR@10 | "
        f"ragas context precision | ragas context recall | same-language recall@{k} by lang |"
    )
    lines = [head, "|" + "---|" * 9]
    for r in results:
        langs = ", ".join(f"{lang} {v:.3f}" for lang, v in r.by_lang.items())
        lines.append(
            f"| {r.ranker} | {r.questions} | {r.recall_at_k:.3f} | {r.recall_same_lang_at_k:.3f} | "
            f"{r.hit_at_k:.3f} | "
            f"{r.mrr:.3f} | {r.context_precision:.3f} | {r.context_recall:.3f} | {langs} |"
        )
    return "\n".join(lines)


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m evals.rag",
        description="RAG evaluation. By default each question is asked as one consult-graph "
        "turn and scored with ragas: non-LLM context precision/recall and answer similarity, "
        "plus faithfulness and answer relevancy when a judge endpoint is configured "
        "(SPINE_JUDGE_BASE_URL, SPINE_JUDGE_MODEL). --retrieval-only scores the retriever "
        "(recall@k, MRR, ragas non-LLM context precision/recall) for dense, hybrid and "
        "hybrid+level-boost rankers.",
    )
    parser.add_argument("--retrieval-only", action="store_true", help="score retrieval only")
    parser.add_argument(
        "--data", type=Path, default=DATA, help="JSONL question set (default: the bundled one)"
    )
    parser.add_argument(
        "--limit", type=_positive, help="answers: the first N questions only (default: all)"
    )
    parser.add_argument("--k", type=int, default=5, help="cut-off for recall@k (default 5)")
    parser.add_argument("--json", action="store_true", help="print results as JSON")
    parser.add_argument("--out", type=Path, help="also write the results JSON here")
    parser.add_argument("--show-misses", action="store_true", help="list questions missed")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    os.environ.setdefault("RAGAS_DO_NOT_TRACK", "true")  # ragas would post usage events
    if not args.retrieval_only:
        from evals.rag_answers import run

        return run(args)
    from knowledge import get_retriever
    from knowledge.store import StoreError
    from tools.embedding import EmbeddingError
    from tools.settings import Settings

    try:
        settings = Settings()
        items = load_items(args.data)
        started = time.perf_counter()
        retriever = get_retriever(settings)
        results = evaluate(items, retriever, k=args.k, boost=settings.retrieval_level_boost or 1.0)
    except (StoreError, EmbeddingError, ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    payload = {
        "data": str(args.data),
        "level_boost": settings.retrieval_level_boost or 1.0,
        "embedding_model": settings.embedding_model,
        "seconds": round(time.perf_counter() - started, 1),
        "results": [r.model_dump() for r in results],
    }
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(payload, ensure_ascii=False, indent=2), encoding="utf-8")
    if args.json:
        print(json.dumps(payload, ensure_ascii=False))
    else:
        print(_table(results))
        if args.show_misses:
            for r in results:
                print(f"{r.ranker} misses: {', '.join(r.misses) or '-'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
