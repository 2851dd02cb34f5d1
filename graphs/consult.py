"""The consult graph: a spine consultation, one user turn at a time.

    triage → localize → retrieve → generate → review ⇄ revise (bounded) → finalize
           → [clinician: approve or edit, when SPINE_CLINICIAN_REVIEW is on] → answer

Triage runs first and deterministically; the answer leads with what to do now when it finds an
emergency. Memory is a LangGraph checkpointer (SQLite under SPINE_HOME, or PostgreSQL), keyed by
thread id: levels, evidence of the levels and the revision log accumulate across turns.

``Consult`` is what the terminal CLI, the Chainlit UI and the benchmarks use: it opens the model
and the checkpointer once and streams each turn as :class:`TurnEvent` items.
Run ``python -m graphs.consult --help`` for the terminal interface.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, Literal

from langchain_core.messages import AIMessage, HumanMessage
from langchain_core.runnables import RunnableConfig
from langgraph.graph import END, START, StateGraph
from langgraph.runtime import Runtime
from langgraph.types import Command, interrupt

from agents.answer import Answer, finalize
from agents.generator import generate
from agents.llm import ChatModel
from agents.localizer import Attachment, localize
from agents.retriever import retrieve
from agents.reviewer import RevisionRound, review, revise
from agents.triage import Screen
from agents.turn import read_turn
from graphs.revisions import ClinicianEdit, save_clinician_edit
from graphs.state import ConsultState
from tools.settings import Settings, get_settings

__all__ = ["Consult", "ConsultContext", "TurnEvent", "build_graph", "result_of"]


@dataclass(frozen=True)
class ConsultContext:
    """What every node of a run may use: LangGraph hands it to the nodes as ``runtime.context``
    (no node reads a process-wide global)."""

    settings: Settings
    model: ChatModel
    screen: Screen


Node = Callable[[ConsultState, ConsultContext], Awaitable[Mapping[str, Any]]]


async def start_turn(state: ConsultState, ctx: ConsultContext) -> dict[str, Any]:
    """Read the turn once (:func:`agents.turn.read_turn`) and triage every user turn so far;
    the revision rounds start afresh."""
    messages, attachments = state.get("messages") or [], state.get("attachments") or []
    if attachments:  # files are read and rendered off the event loop
        facts = await asyncio.to_thread(read_turn, messages, attachments)
    else:
        facts = read_turn(messages)
    triage = await ctx.screen.aassess("\n".join(facts.texts))
    return {"facts": facts, "triage": triage, "rounds": 0, "revision_warnings": []}


async def _localize(state: ConsultState, ctx: ConsultContext) -> Mapping[str, Any]:
    return await localize(state)


async def _retrieve(state: ConsultState, ctx: ConsultContext) -> Mapping[str, Any]:
    return await retrieve(state, ctx.settings)


async def _generate(state: ConsultState, ctx: ConsultContext) -> Mapping[str, Any]:
    return await generate(state, model=ctx.model, history_turns=ctx.settings.consult_history_turns)


async def _review(state: ConsultState, ctx: ConsultContext) -> Mapping[str, Any]:
    return await review(state)


async def _revise(state: ConsultState, ctx: ConsultContext) -> Mapping[str, Any]:
    return await revise(state, model=ctx.model)


async def _finalize(state: ConsultState, ctx: ConsultContext) -> Mapping[str, Any]:
    return await finalize(state, ctx.settings)


NODES: dict[str, Node] = {
    "triage": start_turn,
    "localize": _localize,
    "retrieve": _retrieve,
    "generate": _generate,
    "review": _review,
    "revise": _revise,
    "finalize": _finalize,
}


def _timed(name: str, node: Node) -> Callable[..., Awaitable[dict[str, Any]]]:
    """The node with its context from the run, adding its wall time in ms to ``timings``
    (shown in the UI, read by benchmarks)."""

    async def run(state: ConsultState, runtime: Runtime[ConsultContext]) -> dict[str, Any]:
        started = time.perf_counter()
        update = dict(await node(state, runtime.context))
        update["timings"] = {name: round((time.perf_counter() - started) * 1000, 2)}
        return update

    run.__name__ = name
    return run


def after_review(state: ConsultState, runtime: Runtime[ConsultContext]) -> str:
    """Revise while the review fails and the rounds allow it; else the final edit."""
    if state["review"].passed or state["rounds"] >= runtime.context.settings.review_max_rounds:
        return "finalize"
    return "revise"


async def clinician(
    state: ConsultState, config: RunnableConfig, runtime: Runtime[ConsultContext]
) -> dict[str, Any]:
    """Pause for a clinician to approve or edit the answer; saved as revision data."""
    proposal = state["answer"]
    verdict = state["review"]
    draft = state.get("draft") or ""
    decision = interrupt(
        {
            "answer": proposal.text,
            "draft": draft,
            "findings": [f.model_dump() | {"quotes": f.quoted(draft)} for f in verdict.failed],
        }
    )
    decision = dict(decision) if isinstance(decision, Mapping) else {"action": "approve"}
    edited = str(decision.get("text") or "").strip()
    action: Literal["approve", "edit"] = (
        "edit" if decision.get("action") == "edit" and edited else "approve"
    )
    final = Answer.by_clinician(edited, proposal.lang) if action == "edit" else proposal
    thread = str((config.get("configurable") or {}).get("thread_id", ""))
    record = ClinicianEdit.from_state(
        state, thread_id=thread, action=action, final=final.text, editor=decision.get("editor")
    )
    save_clinician_edit(runtime.context.settings.home, record)
    entry = RevisionRound(
        turn=state["facts"].number,
        round=state["rounds"],
        stage="clinician",
        draft=final.text,
        edits=[f"clinician {action}d the answer" if action == "approve" else "clinician edit"],
    )
    return {
        "answer": final,
        "clinician": {"action": action, "record": record.id},
        "revision_log": [entry],
    }


async def _answer(state: ConsultState) -> dict[str, Any]:
    return {"messages": [AIMessage(content=state["answer"].text)]}


def build_graph(settings: Settings, checkpointer: Any = None) -> Any:
    """The compiled consult graph (``settings.clinician_review`` adds the clinician's pause;
    checkpointer: memory across turns). Runs take a :class:`ConsultContext`."""
    graph: Any = StateGraph(ConsultState, context_schema=ConsultContext)
    for name, node in NODES.items():
        graph.add_node(name, _timed(name, node))
    graph.add_node("answer", _answer)
    graph.add_edge(START, "triage")
    graph.add_edge("triage", "localize")
    graph.add_edge("localize", "retrieve")
    graph.add_edge("retrieve", "generate")
    graph.add_edge("generate", "review")
    graph.add_conditional_edges("review", after_review, ["revise", "finalize"])
    graph.add_edge("revise", "review")
    if settings.clinician_review:
        graph.add_node("clinician", clinician)
        graph.add_edge("finalize", "clinician")
        graph.add_edge("clinician", "answer")
    else:
        graph.add_edge("finalize", "answer")
    graph.add_edge("answer", END)
    return graph.compile(checkpointer=checkpointer, name="consult")


@dataclass
class TurnEvent:
    """One item of a streamed turn.

    ``token``: a piece of model text (``node`` is generate or revise; ``data`` the text);
    ``start``: a model pass begins (a revision replaces the streamed draft);
    ``node``: a node finished (``data`` its state update);
    ``interrupt``: the graph waits for a clinician (``data``: answer, draft, findings);
    ``done``: the turn's result (``data``: :func:`result_of` the final state).
    """

    kind: Literal["token", "start", "node", "interrupt", "done"]
    node: str = ""
    data: Any = None


def result_of(state: Mapping[str, Any], thread_id: str) -> dict[str, Any]:
    """The turn as one JSON-ready object (the CLI's ``--json`` line): ``answer`` is the text,
    ``answer_parts`` its structure."""
    facts = state.get("facts")
    triage_ = state.get("triage")
    verdict = state.get("review")
    answer: Answer | None = state.get("answer")
    turn = facts.number if facts else 0
    log = [r for r in state.get("revision_log") or [] if r.turn == turn]
    return {
        "thread": thread_id,
        "turn": turn,
        "answer": answer.text if answer else "",
        "answer_parts": answer.model_dump(exclude={"sources"}) if answer else None,
        "triage": {
            "level": triage_.level if triage_ else "routine",
            "reasons": [r.model_dump() for r in triage_.reasons] if triage_ else [],
            "version": triage_.version if triage_ else None,
        },
        "levels": list(state.get("levels") or []),
        "citations": [c.model_dump(exclude={"excerpt"}) for c in answer.sources] if answer else [],
        "review": {
            "version": verdict.version if verdict else None,
            "passed": verdict.passed if verdict else None,
            "rounds": int(state.get("rounds") or 0),
            "findings": [f.model_dump() for f in verdict.findings] if verdict else [],
            "log": [r.model_dump() for r in log],
        },
        "warnings": [
            *(facts.warnings if facts else []),
            *state.get("retrieval_warnings", []),
            *state.get("revision_warnings", []),
        ],
        "imaging": [s.summary for s in facts.series] if facts else [],
        "generation": state["generation"].model_dump() if state.get("generation") else None,
        "timings_ms": dict(state.get("timings") or {}),
        "clinician": state.get("clinician"),
    }


@dataclass
class Consult:
    """The consult graph with its model and checkpointer, opened once per process."""

    model: ChatModel
    settings: Settings
    checkpointer: Any
    graph: Any = field(init=False)
    context: ConsultContext = field(init=False)

    def __post_init__(self) -> None:
        self.graph = build_graph(self.settings, self.checkpointer)
        screen = Screen.from_settings(self.settings, self.model)
        self.context = ConsultContext(settings=self.settings, model=self.model, screen=screen)

    @classmethod
    @asynccontextmanager
    async def open(
        cls, settings: Settings | None = None, model: ChatModel | None = None
    ) -> AsyncIterator[Consult]:
        """Open the checkpointer and the chat model (the embedded model loads on first use)."""
        from agents.llm import chat_model
        from graphs.memory import open_checkpointer
        from graphs.state import serializer

        settings = settings or get_settings()
        model = model or chat_model("llm", settings)
        async with open_checkpointer(settings, serializer()) as checkpointer:
            try:
                yield cls(model=model, settings=settings, checkpointer=checkpointer)
            finally:
                await model.aclose()

    @staticmethod
    def new_thread() -> str:
        return uuid.uuid4().hex[:16]

    def _config(self, thread_id: str) -> RunnableConfig:
        return {"configurable": {"thread_id": thread_id}}

    async def turn(
        self, message: str, *, thread_id: str, attachments: Sequence[Attachment] = ()
    ) -> AsyncIterator[TurnEvent]:
        """Stream one user turn through the graph."""
        payload = {
            "messages": [HumanMessage(content=message)],
            "attachments": list(attachments),
        }
        async for event in self._stream(payload, thread_id):
            yield event

    async def resume(self, thread_id: str, decision: Mapping[str, Any]) -> AsyncIterator[TurnEvent]:
        """Continue a turn paused for the clinician: ``{"action": "approve"}`` or
        ``{"action": "edit", "text": ...}``."""
        async for event in self._stream(Command(resume=dict(decision)), thread_id):
            yield event

    async def _stream(self, payload: Any, thread_id: str) -> AsyncIterator[TurnEvent]:
        config = self._config(thread_id)
        async for mode, chunk in self.graph.astream(
            payload, config, context=self.context, stream_mode=["custom", "updates"]
        ):
            if mode == "custom":
                if "token" in chunk:
                    yield TurnEvent("token", chunk["node"], chunk["token"])
                elif chunk.get("event") == "start":
                    yield TurnEvent("start", chunk["node"])
                continue
            for node, update in chunk.items():
                if not node.startswith("__"):  # __interrupt__ may replay an answered one
                    yield TurnEvent("node", node, update)
        snapshot = await self.graph.aget_state(config)
        waiting = [i for task in snapshot.tasks for i in task.interrupts]
        if snapshot.next and waiting:
            yield TurnEvent("interrupt", "clinician", waiting[0].value)
            return
        yield TurnEvent("done", data=result_of(dict(snapshot.values or {}), thread_id))

    async def values(self, thread_id: str) -> dict[str, Any]:
        """The thread's current state (empty for a new thread)."""
        snapshot = await self.graph.aget_state(self._config(thread_id))
        return dict(snapshot.values or {})

    async def ask(
        self, message: str, *, thread_id: str, attachments: Sequence[Attachment] = ()
    ) -> dict[str, Any]:
        """One turn without streaming: the :func:`result_of` object (or the interrupt)."""
        result: dict[str, Any] = {}
        async for event in self.turn(message, thread_id=thread_id, attachments=attachments):
            if event.kind == "done":
                result = event.data
            elif event.kind == "interrupt":
                result = {"thread": thread_id, "interrupt": event.data}
        return result


if __name__ == "__main__":
    from graphs.cli import main

    raise SystemExit(main(Consult))
