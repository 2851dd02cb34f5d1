"""``python -m agents.triage [MESSAGE...]``: triage messages for an audit, one JSON line each.

Messages come from the arguments, or one per line on standard input. Each prints
``{"level", "reasons": [{code, category, level, evidence, start, end, layer, score}], "version",
"layers"}``; a line that cannot be triaged (empty, not UTF-8 text, binary, too long) prints
``{"line": N, "error": "..."}`` instead, the error goes to standard error too, and the run goes
on (exit status 1 at the end). Layers as in the consult graph (``--rules-only`` for the rules).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tools.settings import Settings

MAX_CHARS = 20_000


def _messages(args: Sequence[str]) -> Iterator[tuple[int, str | None, str | None]]:
    """(line number, text, error) for each argument or standard-input line."""
    if args:
        for n, text in enumerate(args, 1):
            yield n, text, None
        return
    for n, raw in enumerate(sys.stdin.buffer, 1):
        raw = raw.rstrip(b"\r\n")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            yield n, None, "not UTF-8 text"
            continue
        yield n, text, None


def _problem(text: str) -> str | None:
    if not text.strip():
        return "empty message"
    if any(ord(c) < 32 and c not in "\t" for c in text) or "\ufffd" in text:
        return "binary data, not a message"
    if len(text) > MAX_CHARS:
        return f"message too long ({len(text):,} characters; the limit is {MAX_CHARS:,})"
    return None


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m agents.triage",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("messages", nargs="*", help="messages (default: one per stdin line)")
    parser.add_argument("--rules-only", action="store_true", help="the rule layer alone")
    args = parser.parse_args(argv)

    from pydantic import ValidationError

    from agents.triage import Screen, assess
    from tools.settings import Settings, setting_error

    try:
        settings = Settings()
    except ValidationError as exc:
        print(f"error: {setting_error(exc)}", file=sys.stderr)
        return 2
    screen = None if args.rules_only else Screen.from_settings(settings, _model(settings))
    layers = screen.layers if screen else ["rules"]
    failed = False
    for n, text, error in _messages(args.messages):
        error = error or _problem(text or "")
        if error or text is None:
            failed = True
            print(f"line {n}: error: {error}", file=sys.stderr)
            print(json.dumps({"line": n, "error": error}), flush=True)
            continue
        result = asyncio.run(screen.aassess(text)) if screen else assess(text)
        out = {**result.model_dump(), "layers": layers}
        print(json.dumps(out, ensure_ascii=False), flush=True)
    return 1 if failed else 0


def _model(settings: Settings) -> Any:
    """The served model for the model check, when one is configured and the check is on."""
    if not (settings.triage_model_check and settings.llm_base_url):
        return None
    from agents.llm import chat_model

    return chat_model("llm", settings)


if __name__ == "__main__":
    raise SystemExit(main())
