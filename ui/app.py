"""SpineMed consult chat (Chainlit): ``chainlit run ui/app.py`` (or ``make consult``).

Every turn runs the consult graph. Each agent is a collapsible step (triage, levels, retrieved
evidence, draft, review findings, the final edit); the answer streams into the chat with its
sources as side elements; DICOM/PNG uploads show a de-identified metadata table, a preview and the
levels found. Threads are kept (history sidebar, resume) and rated answers are saved as revision
data. The model and the checkpointer open once per process, not per session.

Log-in: with ``SPINE_UI_PASSWORD`` set, users sign in as ``SPINE_UI_USER``; without it the app
signs every browser in as one local user (so history works on a personal machine). Chainlit needs
``CHAINLIT_AUTH_SECRET`` for either; when it is unset, one is generated and kept in SPINE_HOME.
"""

from __future__ import annotations

import asyncio
import hmac
import os
import secrets
from contextlib import AsyncExitStack
from typing import Any

import chainlit as cl
from chainlit.utils import utc_now

from agents.prompts import EDUCATIONAL_NOTICE
from graphs.consult import Consult
from graphs.uploads import UploadError, attachment_for
from tools.settings import Settings, get_settings
from ui import render

SETTINGS: Settings = get_settings()
_stack = AsyncExitStack()
_consult: Consult | None = None
_opening = asyncio.Lock()
_knowledge_ready = False
STEP_NAMES = {
    "triage": "Triage",
    "localize": "Level-localizer",
    "retrieve": "Retriever",
    "generate": "SpineGPT draft",
    "review": "Reviewer",
    "revise": "Revision",
    "finalize": "Final edit",
}


def _auth_secret(settings: Settings) -> None:
    """Chainlit signs sessions with CHAINLIT_AUTH_SECRET: keep one in SPINE_HOME if unset."""
    if os.environ.get("CHAINLIT_AUTH_SECRET"):
        return
    path = settings.home / "ui" / "auth_secret"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    os.environ["CHAINLIT_AUTH_SECRET"] = path.read_text().strip()  # noqa: SIM112 - Chainlit's


_auth_secret(SETTINGS)

if SETTINGS.ui_password is not None:

    @cl.password_auth_callback
    def password_login(username: str, password: str) -> cl.User | None:
        expected = SETTINGS.ui_password.get_secret_value() if SETTINGS.ui_password else ""
        if username == SETTINGS.ui_user and hmac.compare_digest(password, expected):
            return cl.User(identifier=username, metadata={"role": "clinician"})
        return None

else:

    @cl.header_auth_callback
    def local_login(headers: Any) -> cl.User | None:
        return cl.User(identifier="local", metadata={"role": "local"})


@cl.data_layer
def data_layer() -> Any:
    from ui.data import SpineDataLayer

    return SpineDataLayer(SETTINGS)


async def consult() -> Consult:
    """The process-wide consult graph (model and checkpointer opened once)."""
    global _consult
    async with _opening:
        if _consult is None:
            _consult = await _stack.enter_async_context(Consult.open(SETTINGS))
        return _consult


async def _prepare_knowledge() -> None:
    """Index the bundled corpus on first use, telling the user while it runs (once per process:
    later sessions find the retriever ready and open no store)."""
    global _knowledge_ready
    if _knowledge_ready:
        return
    from knowledge import get_retriever
    from knowledge.store import Store

    empty = await asyncio.to_thread(lambda: Store(SETTINGS).count() == 0)
    note = None
    if empty:
        note = cl.Message(
            content="Indexing the bundled spine corpus for first use (about a minute)…"
        )
        await note.send()
    retriever = await asyncio.to_thread(get_retriever, SETTINGS)
    if note is not None:
        note.content = f"Knowledge base ready: {retriever.store.count()} passages indexed."
        await note.update()
    _knowledge_ready = True


@cl.on_chat_start
async def start() -> None:
    try:
        graph = await consult()
        await _prepare_knowledge()
    except Exception as exc:  # noqa: BLE001 - shown as one line, never a traceback
        await cl.Message(content=f"The consult service could not start: {_line(exc)}").send()
        return
    await cl.Message(
        content=f"**SpineMed consult** — model: {graph.model.model_name}. Ask about a spine "
        f"problem, or attach DICOM, PNG/JPEG or a report.\n\n_{EDUCATIONAL_NOTICE}_"
    ).send()


@cl.on_chat_resume
async def resume(thread: Any) -> None:
    # the graph's memory is keyed by the Chainlit thread id: nothing to reload by hand
    await consult()


def _line(exc: BaseException) -> str:
    from graphs.errors import user_message
    from tools.errors import one_line

    return user_message(exc) or one_line(exc)  # a bug too is one line in the chat


async def _attachments(message: cl.Message) -> list[Any]:
    found = []
    for element in message.elements or []:
        path = getattr(element, "path", None)
        if not path:
            continue
        try:
            found.append(attachment_for(path, element.name, max_mb=SETTINGS.upload_max_mb))
        except UploadError as exc:
            await cl.Message(content=f"⚠️ {exc}").send()
    return found


async def _show_imaging(facts: Any, levels: list[str]) -> None:
    """De-identified metadata table and the preview of each DICOM series of the turn (read and
    rendered once, at the start of the turn)."""
    for name in dict.fromkeys(s.file for s in facts.series):
        series = [s for s in facts.series if s.file == name]
        elements: list[Any] = [
            cl.Image(name=f"{name} preview {k + 1}", content=s.preview, display="inline")
            for k, s in enumerate(x for x in series[:3] if x.preview)
        ]
        for s in series[:3]:
            if s.preview_error:
                await cl.Message(content=f"⚠️ {name}: no preview ({s.preview_error})").send()
        tables = "\n\n".join(render.imaging_md(s.summary) for s in series)
        found = ", ".join(levels) or "none found"
        await cl.Message(
            content=f"{tables}\n\n**Levels:** {found}", elements=elements, author="Level-localizer"
        ).send()


def _citation_elements(citations: list[Any]) -> list[Any]:
    return [
        cl.Text(
            name=f"[{c.n}]",
            content=f"**{c.title}** — {c.section}\n\n{c.excerpt}\n\n_Source: {c.citation}_",
            display="side",
        )
        for c in citations
    ]


@cl.on_message
async def on_message(message: cl.Message) -> None:
    try:
        graph = await consult()
    except Exception as exc:  # noqa: BLE001
        await cl.Message(content=f"The consult service is unavailable: {_line(exc)}").send()
        return
    attachments = await _attachments(message)
    thread = cl.context.session.thread_id
    text = message.content.strip() or "Please look at the attached files."
    events = graph.turn(text, thread_id=thread, attachments=attachments)
    try:
        await _run_turn(graph, events, thread)
    except Exception as exc:  # noqa: BLE001 - the user gets one line; the thread stays usable
        await cl.Message(content=f"The consult could not finish: {_line(exc)}").send()


async def _run_turn(graph: Consult, events: Any, thread: str) -> None:
    """Agents' steps in order (the draft streams live in its step), then the reviewed answer.

    The answer message starts only once the reviewer has finished: a patient never reads an
    unreviewed draft, and an emergency answer opens with what to do now. It streams part by part
    from the answer's structure (lead, parts, sources, notice), its sources as side elements.
    """
    steps: dict[str, cl.Step] = {}
    turn: dict[str, Any] = {}  # facts and the answer from the nodes' updates: no checkpoint read
    while events is not None:
        decision = None
        async for event in events:
            if event.kind == "start":
                # a child of this message's run, like the other steps, with its start and end:
                # a reopened thread then shows it in the order it ran, not after the answer
                run = cl.context.current_step
                step = cl.Step(
                    name=STEP_NAMES[event.node],
                    type="llm",
                    default_open=True,
                    parent_id=run.id if run else None,
                )
                step.start = utc_now()
                await step.send()
                steps[event.node] = step
            elif event.kind == "token":
                await steps[event.node].stream_token(event.data)
            elif event.kind == "node":
                turn.update({k: v for k, v in event.data.items() if k in ("facts", "answer")})
                await _show_node(event.node, event.data, steps, turn.get("facts"))
            elif event.kind == "interrupt":
                decision = await _ask_clinician(event.data)
            elif event.kind == "done" and "answer" in turn:
                answer = turn["answer"]
                message = cl.Message(content="", elements=_citation_elements(answer.sources))
                for k, block in enumerate(answer.blocks()):
                    await message.stream_token(("\n\n" if k else "") + block)
                await message.send()
        events = graph.resume(thread, decision) if decision else None


async def _show_node(
    node: str, update: dict[str, Any], steps: dict[str, cl.Step], facts: Any
) -> None:
    if node in ("generate", "revise"):
        step = steps.get(node)
        if step is not None:
            failed = update.get("revision_warnings") or []
            step.output = update.get("draft") or "\n".join(f"⚠️ {w}" for w in failed) or step.output
            step.default_open = False
            step.end = utc_now()
            await step.update()
        return
    if node not in STEP_NAMES:
        return
    node_name = None
    if node == "triage":
        body = render.triage_md(update.get("triage"))
    elif node == "localize":
        levels = update.get("levels") or []
        body = render.levels_md(levels, update.get("level_evidence") or [], facts.warnings)
        if facts.series:
            await _show_imaging(facts, levels)
    elif node == "retrieve":
        body = render.evidence_md(
            update.get("evidence") or [],
            facts.search or facts.query,
            update.get("retrieval_warnings") or [],
        )
    elif node == "review":
        body = render.review_md(update["review"])
        node_name = f"{STEP_NAMES[node]} (round {update['review'].round})"
    else:
        body = render.edits_md(update.get("revision_log") or [])
    ms = (update.get("timings") or {}).get(node)
    name = (node_name or STEP_NAMES[node]) + (f" · {ms:.0f} ms" if ms is not None else "")
    async with cl.Step(name=name, type="tool", default_open=False) as step:
        step.output = body


async def _ask_clinician(payload: dict[str, Any]) -> dict[str, Any]:
    """Clinician-in-the-loop: approve the proposed answer or replace it."""
    await cl.Message(
        content=f"**Proposed answer (awaiting clinician review):**\n\n{payload['answer']}"
    ).send()
    choice = await cl.AskActionMessage(
        content="Approve this answer, or edit it?",
        actions=[
            cl.Action(name="approve", payload={"action": "approve"}, label="Approve"),
            cl.Action(name="edit", payload={"action": "edit"}, label="Edit"),
        ],
        timeout=3600,
    ).send()
    user = cl.user_session.get("user")
    editor = getattr(user, "identifier", None)
    if choice and choice.get("payload", {}).get("action") == "edit":
        reply = await cl.AskUserMessage(content="Type the corrected answer:", timeout=3600).send()
        if reply and reply.get("output", "").strip():
            return {"action": "edit", "text": reply["output"], "editor": editor}
    return {"action": "approve", "editor": editor}
