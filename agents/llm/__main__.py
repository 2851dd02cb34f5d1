"""``python -m agents.llm "prompt"``: print a completion from the configured chat model.

Imports stay inside ``main`` so that ``--help`` answers at once.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m agents.llm",
        description="Print a completion from the configured chat model: the endpoints in "
        "SPINE_LLM_BASE_URL (vLLM or any OpenAI-compatible server), else the embedded "
        "SmolLM2-135M-Instruct.",
    )
    parser.add_argument("prompt", help="the user message; '-' reads it from standard input")
    parser.add_argument("--system", help="a system message to put first")
    parser.add_argument("--stream", action="store_true", help="print tokens as they arrive")
    parser.add_argument(
        "--json-schema",
        metavar="FILE",
        type=Path,
        help="constrain the reply to this JSON schema; prints the validated JSON",
    )
    parser.add_argument(
        "--image", metavar="PATH", type=Path, action="append", default=[], help="attach an image"
    )
    parser.add_argument("--max-tokens", type=int, help="completion length limit")
    parser.add_argument("--temperature", type=float, help="sampling temperature")
    parser.add_argument("--seed", type=int, help="sampling seed")
    parser.add_argument(
        "--judge", action="store_true", help="use the judge backend (SPINE_JUDGE_* settings)"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    import asyncio
    import json

    from pydantic import ValidationError

    from tools.settings import setting_error

    from .types import LLMError

    try:
        return asyncio.run(_run(args))
    except (LLMError, OSError, ValueError) as exc:  # pydantic ValidationError is a ValueError
        if isinstance(exc, ValidationError):
            message = setting_error(exc)
        elif isinstance(exc, json.JSONDecodeError):
            message = f"--json-schema file is not JSON: {exc}"
        else:
            message = str(exc) or type(exc).__name__
        print(f"error: {message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


async def _run(args: argparse.Namespace) -> int:
    import json

    from tools.settings import Settings

    from .factory import chat_model
    from .types import ImagePart, Message, system, user

    prompt = sys.stdin.read() if args.prompt == "-" else args.prompt
    messages: list[Message] = [system(args.system)] if args.system else []
    messages.append(user(prompt, [ImagePart.from_path(p) for p in args.image]))
    overrides: dict[str, Any] = {
        k: v
        for k, v in {
            "max_tokens": args.max_tokens,
            "temperature": args.temperature,
            "seed": args.seed,
        }.items()
        if v is not None
    }
    model = chat_model("judge" if args.judge else "llm", Settings())
    try:
        if args.json_schema is not None:
            schema = json.loads(args.json_schema.read_text(encoding="utf-8"))
            if not isinstance(schema, dict):
                raise ValueError(f"{args.json_schema}: a JSON schema must be an object")
            value = await model.structured_json(
                messages, schema, name=args.json_schema.stem, **overrides
            )
            print(json.dumps(value, ensure_ascii=False, indent=2))
        elif args.stream:
            async for piece in model.stream(messages, **overrides):
                sys.stdout.write(piece)
                sys.stdout.flush()
            sys.stdout.write("\n")
        else:
            print((await model.complete(messages, **overrides)).text)
    finally:
        await model.aclose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
