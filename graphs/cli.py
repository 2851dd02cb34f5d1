"""``python -m graphs.consult``: the consult graph in a terminal.

    python -m graphs.consult --message "L4-L5 disc, left leg pain" [--thread ID] [--json]
    python -m graphs.consult                      # interactive: one thread, turn after turn

Progress and streamed draft tokens go to stderr; the answer (or, with ``--json``, one JSON
object on the last line) to stdout. With SPINE_CLINICIAN_REVIEW on, a turn pauses for approval:
interactively you approve or edit at the prompt; otherwise resume with
``--thread ID --approve`` or ``--thread ID --edit "text"``.
Imports stay inside the functions so that ``--help`` answers at once; the graph's module runs
this one and hands it :class:`graphs.consult.Consult`, so the two never import each other.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, TextIO


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m graphs.consult",
        description="Ask the SpineMed consult graph (triage, level-localizer, retriever, "
        "generator, reviewer). Without --message: an interactive session. Educational "
        "information only, not medical advice.",
    )
    parser.add_argument("--message", "-m", help="one user turn; '-' reads it from stdin")
    parser.add_argument("--thread", "-t", help="continue this conversation (printed each turn)")
    parser.add_argument(
        "--attach",
        "-a",
        metavar="PATH",
        type=Path,
        action="append",
        default=[],
        help="DICOM file or series folder, PNG/JPEG, text report or centroid JSON (repeatable)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object (last line)")
    parser.add_argument("--approve", action="store_true", help="approve the paused answer")
    parser.add_argument("--edit", metavar="TEXT", help="replace the paused answer with TEXT")
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress on stderr")
    return parser


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 1


def main(consult_class: Any, argv: list[str] | None = None) -> int:
    """Run the CLI with ``consult_class``, :class:`graphs.consult.Consult`; the exit status."""
    args = build_parser().parse_args(argv)
    import asyncio

    from pydantic import ValidationError

    if (args.approve or args.edit) and not args.thread:
        return _fail("--approve and --edit resume a paused turn: give its --thread")
    if args.message == "-":
        args.message = sys.stdin.read()
    try:
        return asyncio.run(_run(consult_class, args))
    except ValidationError as exc:
        from tools.settings import setting_error

        return _fail(setting_error(exc))
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # every known failure becomes one line, never a traceback
        from graphs.errors import user_message

        message = user_message(exc)
        if message is None:
            raise
        return _fail(message)


async def _run(consult_class: Any, args: argparse.Namespace) -> int:
    from graphs.uploads import UploadError, attachment_for
    from tools.settings import get_settings

    settings = get_settings()
    try:
        attachments = [attachment_for(p, max_mb=settings.upload_max_mb) for p in args.attach]
    except UploadError as exc:
        return _fail(str(exc))
    progress = None if args.quiet else sys.stderr
    async with consult_class.open(settings) as consult:
        if args.approve or args.edit:
            decision = {"action": "edit", "text": args.edit} if args.edit else {"action": "approve"}
            return await _print_turn(consult.resume(args.thread, decision), args, progress)
        if args.message is not None:
            if not args.message.strip():
                return _fail("the message is empty")
            thread = args.thread or consult.new_thread()
            events = consult.turn(args.message, thread_id=thread, attachments=attachments)
            return await _print_turn(events, args, progress, thread)
        return await _repl(consult, args, attachments)


async def _print_turn(
    events: Any, args: argparse.Namespace, progress: TextIO | None, thread: str | None = None
) -> int:
    import json

    thread = thread or args.thread
    async for event in events:
        if event.kind == "node" and progress:
            print(f"· {event.node}", file=progress, flush=True)
        elif event.kind == "interrupt":
            if args.json:
                print(json.dumps({"thread": thread, "interrupt": event.data}, ensure_ascii=False))
            else:
                print(event.data["answer"])
                print(
                    f"\n[paused for clinician review] resume with: python -m graphs.consult "
                    f"--thread {thread} --approve   (or --edit TEXT)",
                    file=sys.stderr,
                )
            return 0
        elif event.kind == "done":
            if args.json:
                print(json.dumps(event.data, ensure_ascii=False))
            else:
                print(event.data["answer"])
                print(f"\n[thread {event.data['thread']}]", file=sys.stderr)
    return 0


async def _repl(consult: Any, args: argparse.Namespace, attachments: list[Any]) -> int:
    from rich.console import Console
    from rich.markdown import Markdown

    from graphs.uploads import UploadError, attachment_for

    console = Console()
    err = Console(stderr=True)
    thread = args.thread or consult.new_thread()
    err.print(
        f"SpineMed consult — thread [bold]{thread}[/] — model {consult.model.model_name}\n"
        "Type a question; ':attach PATH' adds a file to the next turn; ':quit' ends.",
        highlight=False,
    )
    pending = list(attachments)
    while True:
        try:
            text = console.input("[bold cyan]you>[/] ").strip()
        except EOFError:
            return 0
        if not text:
            continue
        if text in (":quit", ":q", "exit"):
            return 0
        if text.startswith(":attach "):
            try:
                pending.append(
                    attachment_for(text[8:].strip(), max_mb=consult.settings.upload_max_mb)
                )
                err.print(f"attached {pending[-1].name} ({pending[-1].kind})")
            except UploadError as exc:
                err.print(f"[red]{exc}[/]")
            continue
        events = consult.turn(text, thread_id=thread, attachments=pending)
        pending = []
        while events is not None:
            decision = None
            async for event in events:
                if event.kind == "start":
                    err.print(f"\n[dim]{event.node}…[/]")
                elif event.kind == "token":
                    err.print(event.data, end="", style="dim", highlight=False)
                elif event.kind == "interrupt":
                    console.print(Markdown(event.data["answer"]))
                    decision = _ask_clinician(console)
                elif event.kind == "done":
                    err.print()
                    console.print(Markdown(event.data["answer"]))
            events = consult.resume(thread, decision) if decision else None


def _ask_clinician(console: Any) -> dict[str, str]:
    while True:
        choice = console.input("[bold]clinician: [a]pprove or [e]dit? [/]").strip().lower()
        if choice.startswith("a"):
            return {"action": "approve"}
        if choice.startswith("e"):
            console.print("Type the answer; end with a line holding only '.'")
            lines = []
            while (line := console.input()) != ".":
                lines.append(line)
            return {"action": "edit", "text": "\n".join(lines)}
