"""``python -m graphs.synthesis``: SpineMed-450k-style training data with provenance.

    python -m graphs.synthesis --out data/spine.jsonl --tasks mcq,open_qa --lang en,zh --limit 100
    python -m graphs.synthesis --sources rsna2024/ cases/ --tasks consultation,report --out r.jsonl
    python -m graphs.synthesis --out data/spine.jsonl --resume          # after a crash or Ctrl-C
    python -m graphs.synthesis --out data/spine.jsonl --ray auto --workers 16   # a Ray cluster
    python -m graphs.synthesis --out data/spine.jsonl --export-sft sft.jsonl   # export only
    python -m graphs.synthesis review drafts.jsonl [--sources DIR]   # audit drafts made elsewhere

Records go to ``--out``; drafts that fail go to ``<out>.rejected.jsonl`` with reasons; images to
``<out>_images/``; the run summary to ``<out>.summary.json``. Imports stay inside the functions so
that ``--help`` answers at once.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from tools.files import atomic_write

TASKS = ("mcq", "open_qa", "consultation", "report")


def _csv(allowed: tuple[str, ...]) -> Any:
    def parse(text: str) -> list[str]:
        items = [x.strip() for x in text.split(",") if x.strip()]
        bad = [x for x in items if x not in allowed]
        if bad or not items:
            raise argparse.ArgumentTypeError(f"choose from {', '.join(allowed)}")
        return list(dict.fromkeys(items))

    return parse


def _shard(text: str) -> tuple[int, int]:
    k, sep, n = text.partition("/")
    if not sep or not k.isdigit() or not n.isdigit() or not 1 <= int(k) <= int(n):
        raise argparse.ArgumentTypeError("use K/N with 1 <= K <= N, e.g. 2/8")
    return int(k), int(n)


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError("a whole number >= 1")
    return int(text)


def _cpus(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not value > 0:
        raise argparse.ArgumentTypeError("a number of CPUs > 0, e.g. 1 or 0.5")
    return value


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m graphs.synthesis",
        description="Synthesize SpineMed-450k-style training data (MCQs, open questions, "
        "consultations, six-section reports): drafted by the generator, checked by the "
        "level-localizer, revised by the reviewer, validated, de-duplicated, with provenance. "
        "Generated clinical text is educational material, not medical advice.",
    )
    p.add_argument(
        "--sources",
        nargs="+",
        type=Path,
        metavar="PATH",
        help="corpus folders/files, case folders (case.md + DICOM), RSNA 2024 CSV folders, "
        "VerSe centroid JSON (default: the bundled corpus)",
    )
    p.add_argument("--tasks", type=_csv(TASKS), default=list(TASKS), help="comma-separated")
    p.add_argument("--lang", type=_csv(("en", "zh")), default=["en"], help="en,zh")
    p.add_argument("--per-source", type=_positive, default=1, help="records per source and task")
    p.add_argument("--limit", type=int, help="stop after this many accepted records in --out")
    p.add_argument("--out", type=Path, required=True, help="records JSONL (append-only)")
    p.add_argument("--resume", action="store_true", help="continue --out, skipping what is done")
    p.add_argument(
        "--concurrency",
        type=_positive,
        help="work items in flight (default: "
        "SPINE_LLM_CONCURRENCY x endpoints, or the embedded instances)",
    )
    p.add_argument(
        "--shard",
        type=_shard,
        help="K/N: this process's share of the sources, for hand-started processes (--ray "
        "replaces it: one output, de-duplication across workers, restarts)",
    )
    ray = p.add_argument_group("Ray cluster")
    ray.add_argument(
        "--ray",
        nargs="?",
        const="local",
        metavar="ADDRESS",
        help="make the records on Ray workers: 'auto' (the cluster this node belongs to, or "
        "RAY_ADDRESS), ray://HOST:10001, or no value for a local instance started here; "
        "--concurrency is then per worker",
    )
    ray.add_argument(
        "--workers", type=_positive, help="Ray workers (default: cluster CPUs / --worker-cpus)"
    )
    ray.add_argument(
        "--worker-cpus",
        type=_cpus,
        default=1.0,
        help="CPUs each worker reserves (default 1; an embedded model runs one instance per CPU)",
    )
    ray.add_argument(
        "--worker-restarts",
        type=int,
        default=3,
        help="times Ray restarts a worker that died before it is dropped (default 3)",
    )
    p.add_argument(
        "--review-rounds",
        type=int,
        help="model revisions per draft (default SPINE_REVIEW_MAX_ROUNDS)",
    )
    p.add_argument("--turns", type=int, default=4, help="consultation turns (even, >= 4)")
    p.add_argument("--seed", type=int, default=0, help="seeds topics, personas and sampling")
    p.add_argument("--export-sft", type=Path, metavar="FILE", help="write --out as SFT JSONL")
    p.add_argument(
        "--export-dpo",
        type=Path,
        metavar="FILE",
        help="write the consult UI's clinician edits as DPO preference pairs",
    )
    p.add_argument(
        "--no-model-review",
        action="store_true",
        help="code checks only, even when a capable model is configured (SPINE_JUDGE_* or "
        "SPINE_LLM_BASE_URL); the embedded model never reviews",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    return p


def _fail(message: str, code: int = 2) -> int:
    print(f"error: {message}", file=sys.stderr)
    return code


def _print_summary(summary: dict[str, Any]) -> None:
    lines = [
        f"accepted {summary['accepted_this_run']} this run ({summary['accepted_total']} in "
        f"{summary['out']}), rejected {summary['rejected_this_run']} "
        f"(duplicates {summary['duplicates']}, {summary['duplicates_across_workers']} across "
        f"workers), acceptance {summary['acceptance_rate']}",
        f"{summary['llm_calls']} LLM calls, {summary['prompt_tokens']} prompt + "
        f"{summary['completion_tokens']} completion tokens, {summary['seconds']} s, "
        f"{summary['records_per_min']} records/min",
    ]
    ray = summary.get("ray")
    if ray:
        lines.append(
            f"ray {ray['address']}: {ray['workers']} workers x {ray['concurrency_per_worker']} "
            f"in flight, {ray['partitions']} partitions, {ray['worker_deaths']} worker deaths "
            f"({ray['resubmitted_items']} items resubmitted, {ray['workers_lost']} workers lost)"
        )
    for key, n in summary["accepted"].items():
        lines.append(f"  {key}: {n}")
    for reason, n in list(summary["rejection_reasons"].items())[:8]:
        lines.append(f"  rejected: {reason} x{n}")
    print("\n".join(lines), file=sys.stderr)


async def _run(args: argparse.Namespace) -> dict[str, Any]:
    from agents.llm import chat_model
    from tools.settings import get_settings

    from .model_review import review_model
    from .run import Run, plan
    from .sources import load_sources, select_shard

    settings = get_settings()
    paths = args.sources
    if not paths:
        from knowledge.documents import BUNDLED_CORPUS

        paths = [BUNDLED_CORPUS]
    loaded = load_sources(paths, max_mb=settings.ingest_max_mb)
    for path, reason in loaded.skipped:
        print(f"skipped {path}: {reason}", file=sys.stderr)
    sources = loaded.sources
    if args.shard:
        k, n = args.shard
        sources = select_shard(sources, k - 1, n)
    items = plan(sources, args.tasks, args.lang, args.per_source)
    if not items:
        raise ValueError(
            f"no work: {len(sources)} source unit(s) offer none of {','.join(args.tasks)} "
            "(consultations and reports need case sources)"
        )
    model = chat_model("llm", settings)
    config = model.config
    if not config.embedded:
        default = config.concurrency * len(config.base_urls)
    elif args.ray is not None:  # a worker's embedded instances: one per CPU it reserves
        default = settings.embedded_instances or max(1, int(args.worker_cpus))
    else:
        default = settings.embedded_instances or 2
    rounds = settings.review_max_rounds if args.review_rounds is None else args.review_rounds
    reviewer = None if args.no_model_review else review_model(settings)
    common: dict[str, Any] = {
        "limit": args.limit,
        "concurrency": args.concurrency or default,
        "rounds": rounds,
        "seed": args.seed,
        "turns": args.turns,
        "resume": args.resume,
        "progress": not args.quiet,
    }
    if args.ray is not None:
        from .cluster import ClusterRun

        run: Run = ClusterRun(
            model,
            settings,
            args.out,
            address=None if args.ray == "local" else args.ray,
            workers=args.workers,
            worker_cpus=args.worker_cpus,
            retries=args.worker_restarts,
            model_review=not args.no_model_review,
            reviewer=None,  # each worker has its own
            **common,
        )
    else:
        run = Run(model, settings, args.out, reviewer=reviewer, **common)
    try:
        summary = await run.run(items)
    finally:
        await model.aclose()
        if reviewer is not None:
            await reviewer.aclose()
    summary["model_review"] = reviewer.model_name if reviewer is not None else None
    summary["sources"] = len(sources)
    summary["shard"] = "/".join(map(str, args.shard)) if args.shard else None
    return summary


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["review"]:
        from .audit import main as review

        return review(argv[1:])
    args = build_parser().parse_args(argv)
    if args.turns < 4 or args.turns % 2:
        return _fail("--turns must be even and at least 4")
    if args.limit is not None and args.limit < 0:
        return _fail("--limit must be >= 0")
    if args.ray is not None and args.shard:
        return _fail("--ray and --shard exclude each other: the cluster shares the work out")
    if args.worker_restarts < 0:
        return _fail("--worker-restarts must be >= 0")
    from agents.llm import LLMError
    from tools.jsonl import LogError

    from .cluster import ClusterError
    from .output import summary_path
    from .units import SourceError

    generate = bool(args.sources) or not (args.export_sft or args.export_dpo)
    if generate and args.limit != 0:
        try:
            summary = asyncio.run(_run(args))
        except KeyboardInterrupt:
            return _fail("interrupted; what was written is whole: rerun with --resume", 130)
        except (LLMError, LogError, SourceError, ClusterError, ValueError) as exc:
            return _fail(str(exc).splitlines()[0])
        summary_json = json.dumps(summary, ensure_ascii=False, indent=2)
        atomic_write(summary_path(args.out), summary_json.encode())
        if not args.quiet:
            _print_summary(summary)
    if args.export_sft:
        if not args.out.is_file():
            return _fail(f"{args.out}: no records to export")
        from .export import export_sft

        n = export_sft(args.out, args.export_sft)
        print(f"wrote {n} SFT conversation(s) to {args.export_sft}", file=sys.stderr)
    if args.export_dpo:
        from graphs.revisions import CLINICIAN_EDITS
        from tools.settings import get_settings

        from .export import export_dpo

        edits = get_settings().home / "revisions" / CLINICIAN_EDITS
        n = export_dpo(edits, args.export_dpo)
        print(f"wrote {n} preference pair(s) from {edits} to {args.export_dpo}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
