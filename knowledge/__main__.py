"""``python -m knowledge build|search``: index documents, query the knowledge base.

Imports of the store and models stay inside the commands so that ``--help`` answers at once.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m knowledge",
        description="Index spine documents into Chroma and search them (dense MiniLM + BM25, "
        "fused, level-aware). The store is SPINE_HOME/chroma, or the server in SPINE_CHROMA_URL.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    build = sub.add_parser(
        "build",
        help="ingest Markdown/text/PDF files (default: the bundled corpus), incrementally",
        description="Ingest files or folders (.md, .txt, .pdf); unchanged documents are not "
        "re-embedded; bad files are skipped with a one-line reason.",
    )
    build.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="files or folders")
    build.add_argument("--rebuild", action="store_true", help="re-embed unchanged documents too")
    build.add_argument("--json", action="store_true", help="print the build report as JSON")
    build.add_argument("--no-progress", action="store_true", help="no progress bar")
    build.add_argument(
        "--ray",
        nargs="?",
        const="local",
        metavar="ADDRESS",
        help="embed on a Ray cluster ('auto', ray://HOST:10001, or no value for a local "
        "instance): batches of chunks to the workers, GPUs when the cluster has them; this "
        "process writes the store (SPINE_CHROMA_URL for a shared server)",
    )
    build.add_argument(
        "--ray-batch", type=int, default=256, metavar="N", help="chunks per Ray task (256)"
    )
    search = sub.add_parser("search", help="hybrid search with citations")
    search.add_argument("query", help="the question, English or Chinese")
    search.add_argument(
        "--levels", help="patient levels, e.g. L4-L5,L5-S1 (default: from the query)"
    )
    search.add_argument("--k", type=int, help="number of hits (default SPINE_RETRIEVAL_K)")
    search.add_argument("--subfield", action="append", default=[], help="filter (repeatable)")
    search.add_argument(
        "--kind", action="append", default=[], help="guideline|textbook|consensus|case"
    )
    search.add_argument("--lang", action="append", default=[], help="en|zh")
    search.add_argument("--mode", choices=["hybrid", "dense", "bm25"], default="hybrid")
    search.add_argument("--no-level-boost", action="store_true", help="rank without level boosting")
    search.add_argument("--json", action="store_true", help="print hits as JSON")
    return parser


def _levels(value: str | None) -> list[str] | None:
    if value is None:
        return None
    from tools import levels as lv

    found = lv.find_levels(value)
    if not found:
        raise ValueError(f"--levels {value!r} names no vertebral level")
    return found


def _build(args: argparse.Namespace, settings: Any) -> int:
    from knowledge.build import build

    embedder = None
    if args.ray is not None:
        if args.ray_batch < 1:
            raise ValueError("--ray-batch must be >= 1")
        from knowledge.ray_embed import RayEmbedder

        address = None if args.ray == "local" else args.ray
        embedder = RayEmbedder(settings.embedding_model, address, batch_chunks=args.ray_batch)
    try:
        report = build(
            args.paths or None,
            settings=settings,
            embedder=embedder,
            rebuild=args.rebuild,
            progress=not args.no_progress,
        )
    finally:
        if embedder is not None:
            embedder.close()
    if args.json:
        print(report.model_dump_json())
    else:
        print("\n".join(report.lines()))
    return 0 if report.documents or not report.skipped else 1


def _search(args: argparse.Namespace, settings: Any) -> int:
    from knowledge import get_retriever
    from knowledge.retrieval import Filters

    levels = _levels(args.levels)
    retriever = get_retriever(settings)
    hits = retriever.search(
        args.query,
        k=args.k or settings.retrieval_k,
        levels=levels,
        filters=Filters(subfield=args.subfield, kind=args.kind, lang=args.lang),
        mode=args.mode,
        level_boost=0.0 if args.no_level_boost else None,
    )
    if args.json:
        print(json.dumps([h.model_dump() for h in hits], ensure_ascii=False))
        return 0
    if not hits:
        print("no hits")
    for n, hit in enumerate(hits, 1):
        levels_text = ", ".join(hit.levels) or "-"
        print(f"{n}. [{hit.score:.4f}] {hit.chunk_id}  (levels: {levels_text})")
        print(f"   {hit.title} › {hit.section}" if hit.section else f"   {hit.title}")
        body = " ".join(hit.text.split("\n\n", 1)[-1].split())
        print(f"   {body[:240]}{'…' if len(body) > 240 else ''}")
        print(f"   source: {hit.citation}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from pydantic import ValidationError

    from knowledge.store import StoreError
    from tools.cluster import ClusterError
    from tools.embedding import EmbeddingError
    from tools.settings import Settings, setting_error

    try:
        settings = Settings()
        return _build(args, settings) if args.command == "build" else _search(args, settings)
    except ValidationError as exc:
        print(f"error: {setting_error(exc)}", file=sys.stderr)
    except (StoreError, EmbeddingError, ClusterError, ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
    except KeyboardInterrupt:
        print(
            "interrupted: documents already written stay; run build again to finish",
            file=sys.stderr,
        )
        return 130
    return 2


if __name__ == "__main__":
    sys.exit(main())
