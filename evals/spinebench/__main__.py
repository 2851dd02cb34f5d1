"""``python -m evals.spinebench``: score a model SpineBench-style; ``compare``; ``agreement``.

python -m evals.spinebench [--data DIR] [--model-base-url URL --model NAME]
    [--judge-base-url URL --judge-model NAME] [--limit N] [--concurrency N] [--seed S]
    [--out DIR]
python -m evals.spinebench compare RUN_DIR... [--plot FILE]
python -m evals.spinebench agreement --human FILE.csv --run DIR
python -m evals.spinebench cues [--data DIR] [--limit 0.3]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import re
import sys
import time
from pathlib import Path
from typing import Any

__all__ = ["main"]

DATA = Path(__file__).resolve().parents[1] / "data" / "spinebench_mini"


def _run_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m evals.spinebench",
        description="Score a model SpineBench-style: text and image MCQs (accuracy) and reports "
        "(graded by a judge model on ten dimensions), weighted into a total. Subcommands: "
        "'compare RUN_DIR...' (leaderboard), 'agreement --human CSV --run DIR' (human vs judge), "
        "'cues [--data DIR]' (answer-form cues: option length, answer letters, option order).",
    )
    parser.add_argument("--data", type=Path, default=DATA, help="item directory (*.jsonl)")
    parser.add_argument(
        "--model-base-url", help="OpenAI-compatible endpoint of the model under test"
    )
    parser.add_argument("--model", help="model name at that endpoint (default: the first served)")
    parser.add_argument(
        "--judge-base-url", help="endpoint of the report judge (use a strong model)"
    )
    parser.add_argument("--judge-model", help="judge model name")
    parser.add_argument("--limit", type=int, help="score N items drawn with --seed (default: all)")
    parser.add_argument("--concurrency", type=int, default=8, help="items in flight (default 8)")
    parser.add_argument("--seed", type=int, default=0, help="sampling seed and --limit draw")
    parser.add_argument(
        "--temperature", type=float, default=0.0, help="model temperature (default 0)"
    )
    parser.add_argument(
        "--max-tokens",
        type=int,
        default=512,
        help="MCQ answer length (default 512; raise it for reasoning models)",
    )
    parser.add_argument("--out", type=Path, help="run directory (default SPINE_HOME/spinebench/…)")
    parser.add_argument(
        "--retry-failed", action="store_true", help="ask again items whose call or judge failed"
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    return parser


def _settings(args: argparse.Namespace) -> Any:
    from tools.settings import Settings

    overrides: dict[str, Any] = {}
    if args.model_base_url:
        overrides["llm_base_url"] = args.model_base_url
    if args.model:
        overrides["llm_model"] = args.model
    if args.judge_base_url:
        overrides["judge_base_url"] = args.judge_base_url
    if args.judge_model:
        overrides["judge_model"] = args.judge_model
    return Settings(**overrides)


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-")[:80] or "model"


def _prompt_hashes() -> dict[str, str]:
    from .prompts import templates

    return {k: hashlib.sha256(v.encode()).hexdigest()[:16] for k, v in templates().items()}


async def _evaluate(args: argparse.Namespace, items: list[Any], settings: Any) -> dict[str, Any]:
    from agents.llm import chat_model

    from .results import git_hash, item_rows, score, write_outputs
    from .run import RunConfig, evaluate

    model = chat_model("llm", settings)
    judge = chat_model("judge", settings)
    try:
        out = args.out or settings.home / "spinebench" / _slug(await model.model_id())
        out.mkdir(parents=True, exist_ok=True)
        config = RunConfig(
            data=args.data,
            out=out,
            seed=args.seed,
            temperature=args.temperature,
            concurrency=args.concurrency,
            mcq_max_tokens=args.max_tokens,
            retry_failed=args.retry_failed,
            progress=not args.no_progress,
        )
        started = time.perf_counter()
        rows, progress, (model_id, judge_id) = await evaluate(items, config, model, judge)
    finally:
        await model.aclose()
        await judge.aclose()
    scored = item_rows(items, rows)
    results = {
        "benchmark": "SpineBench (SpineMed agents runner)",
        "data": str(args.data),
        "items": len(items),
        "limit": args.limit,
        "model": model_id,
        "judge": judge_id,
        "judge_is_model": judge_id == model_id
        and settings.backend("judge").base_urls == settings.backend("llm").base_urls,
        "seed": args.seed,
        "temperature": args.temperature,
        "git": git_hash(),
        "prompt_hashes": _prompt_hashes(),
        **score(scored),
        "run": {
            "asked": progress.asked,
            "judged": progress.judged,
            "from_cache": progress.cached,
            "seconds": round(time.perf_counter() - started, 2),
            **_tokens(rows),
        },
    }
    write_outputs(out, results, scored)
    results["out"] = str(out)
    return results


def _tokens(rows: dict[str, Any]) -> dict[str, int]:
    usage = [r["prediction"]["usage"] for r in rows.values()]
    return {
        "prompt_tokens": sum(u.get("prompt_tokens", 0) for u in usage),
        "completion_tokens": sum(u.get("completion_tokens", 0) for u in usage),
    }


def _summary(results: dict[str, Any]) -> str:
    s, e = results["scores"], results["extraction"]
    rate = None if e["failure_rate"] is None else 100 * e["failure_rate"]

    def f(v: float | None) -> str:
        return "–" if v is None else f"{v:.2f}"

    lines = [
        f"model {results['model']} · judge {results['judge'] or '–'} · {results['items']} items "
        f"({results['run']['asked']} asked, {results['run']['from_cache']} from cache, "
        f"{results['run']['seconds']} s)",
        f"text MCQ {f(s['text_mcq'])} · image MCQ {f(s['image_mcq'])} · closed QA "
        f"{f(s['closed_qa'])} · report {f(s['report'])} · TOTAL {f(s['total'])}",
        f"unreadable MCQ answers: {e['failed']} (rate {f(rate)} %)"
        f" · judge failures: {results['counts']['report_judge_failed']}",
        f"wrote {results['out']}/results.json, items.jsonl, report.md, dimensions.png",
    ]
    if results["judge_is_model"]:
        lines.append(
            "note: the judge is the model under test; for real report scores give a strong "
            "judge with --judge-base-url/--judge-model"
        )
    return "\n".join(lines)


def _run(argv: list[str]) -> int:
    args = _run_parser().parse_args(argv)
    from agents.llm import EndpointUnavailableError, LLMError
    from tools.jsonl import LogError

    from .items import ItemError, load_dir
    from .run import select

    if args.limit is not None and args.limit < 1:
        print("error: --limit must be >= 1", file=sys.stderr)
        return 2
    if args.concurrency < 1:
        print("error: --concurrency must be >= 1", file=sys.stderr)
        return 2
    try:
        items = select(load_dir(args.data), args.limit, args.seed)
        settings = _settings(args)
        results = asyncio.run(_evaluate(args, items, settings))
    except KeyboardInterrupt:
        print(
            "\ninterrupted: every finished answer is saved; run the same command to resume",
            file=sys.stderr,
        )
        return 130
    except EndpointUnavailableError as exc:
        print(
            f"error: {exc} (finished answers are saved; the same command resumes)",
            file=sys.stderr,
        )
        return 2
    except (ItemError, LogError, LLMError, ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(_summary(results))
    return 0


def _compare(argv: list[str]) -> int:
    from .compare import leaderboard, load_run, plot_leaderboard

    parser = argparse.ArgumentParser(
        prog="python -m evals.spinebench compare", description="Leaderboard of finished runs."
    )
    parser.add_argument("runs", nargs="+", type=Path, help="run directories")
    parser.add_argument("--plot", type=Path, default=Path("spinebench-leaderboard.png"))
    args = parser.parse_args(argv)
    try:
        runs = [load_run(path) for path in args.runs]
        print(leaderboard(runs))
        plot_leaderboard(runs, args.plot)
    except (ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"\nwrote {args.plot}")
    return 0


def _agreement(argv: list[str]) -> int:
    from .agreement import agreement, judge_scores, read_human

    parser = argparse.ArgumentParser(
        prog="python -m evals.spinebench agreement",
        description="Pearson r per dimension between human and judge report scores.",
    )
    parser.add_argument("--human", type=Path, required=True, help="CSV: id + dimension columns")
    parser.add_argument("--run", type=Path, required=True, help="a finished run directory")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args(argv)
    try:
        result = agreement(read_human(args.human), judge_scores(args.run))
    except (ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not result["reports_matched"]:
        print("error: no report id is in both the CSV and the run", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"reports matched: {result['reports_matched']} (in the CSV only: {result['human_only']})")
    print("| dimension | n | Pearson r |\n|---|---|---|")
    for dim, row in result["dimensions"].items():
        r = "– (constant scores)" if row["pearson_r"] is None else f"{row['pearson_r']:.3f}"
        print(f"| {dim} | {row['n']} | {r} |")
    return 0


def _cues(argv: list[str]) -> int:
    from .cues import CUE_LIMIT, form_cues, problems
    from .items import ItemError, McqItem, load_dir

    parser = argparse.ArgumentParser(
        prog="python -m evals.spinebench cues",
        description="Answer-form cues of the MCQs, per language and modality: the score of "
        "choosing the longest or the shortest option, the answer letters, and the items whose "
        "key alone breaks the options' order.",
    )
    parser.add_argument("--data", type=Path, default=DATA, help="item directory (*.jsonl)")
    parser.add_argument(
        "--limit",
        type=float,
        default=CUE_LIMIT,
        help=f"highest allowed score (default {CUE_LIMIT})",
    )
    args = parser.parse_args(argv)
    try:
        items = [i for i in load_dir(args.data) if isinstance(i, McqItem)]
    except ItemError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    cues = form_cues(items)
    print(
        "| lang | modality | MCQs | chance | longest | shortest | answer letters | order breaks |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for g in cues:
        letters = " ".join(f"{k}:{v}" for k, v in g.letters.items())
        print(
            f"| {g.lang} | {g.modality} | {g.items} | {g.chance:.3f} | {g.longest:.3f} | "
            f"{g.shortest:.3f} | {letters} | {len(g.order_breaks)} |"
        )
    bad = problems(cues, args.limit)
    for line in bad:
        print(f"cue: {line}", file=sys.stderr)
    return 1 if bad else 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "compare":
        return _compare(argv[1:])
    if argv and argv[0] == "agreement":
        return _agreement(argv[1:])
    if argv and argv[0] == "cues":
        return _cues(argv[1:])
    return _run(argv)


if __name__ == "__main__":
    sys.exit(main())
