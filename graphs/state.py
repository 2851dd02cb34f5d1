"""The consult graph's state: one TypedDict with reducers, written by the agents' nodes.

The turn's input is ``messages`` (the new user message) and ``attachments``; the first step reads
them once into ``facts`` (:class:`agents.turn.TurnFacts`), which every later node and the UI read.
Per-turn fields (facts, triage, evidence, draft, review, answer ...) are overwritten each turn;
``messages``, ``levels`` / ``level_evidence`` and ``revision_log`` accumulate across the
conversation, and the checkpointer keeps all of it per thread.
"""

from __future__ import annotations

import operator
from typing import Annotated, Any, TypedDict

from langchain_core.messages import AnyMessage
from langgraph.graph.message import add_messages

from agents.answer import Answer, AnswerPart, Citation, Quote
from agents.generator import Generation
from agents.localizer import Attachment, LevelEvidence, Series
from agents.retriever import Evidence
from agents.reviewer import Finding, Review, RevisionRound
from agents.triage import RedFlag, Triage
from agents.turn import TurnFacts

__all__ = ["ConsultState", "STATE_MODELS", "merge_timings", "serializer"]


def merge_timings(old: dict[str, float] | None, new: dict[str, float]) -> dict[str, float]:
    """Milliseconds per node for the current turn: triage starts a turn, so it starts afresh."""
    if "triage" in new:
        return dict(new)
    merged = dict(old or {})
    for node, ms in new.items():
        merged[node] = round(merged.get(node, 0.0) + ms, 2)  # revise/review may run twice
    return merged


class ConsultState(TypedDict, total=False):
    """Everything the consult graph knows about one conversation (one thread)."""

    # the conversation, this turn's input, and the turn read once
    messages: Annotated[list[AnyMessage], add_messages]
    attachments: list[Attachment]
    facts: TurnFacts
    # triage (all user turns so far)
    triage: Triage
    # level-localizer: levels and evidence accumulate (the node returns the full lists)
    levels: list[str]
    level_evidence: list[LevelEvidence]
    # retriever
    evidence: list[Evidence]
    retrieval_warnings: list[str]
    # generator and reviewer
    draft: str
    generation: Generation
    review: Review
    rounds: int
    revision_log: Annotated[list[RevisionRound], operator.add]
    revision_warnings: list[str]  # a revision the model could not make (this turn)
    # the answer (and the clinician's decision when clinician review is on)
    answer: Answer
    clinician: dict[str, Any]
    timings: Annotated[dict[str, float], merge_timings]


# pydantic models the checkpointer may rebuild from its store (LangGraph refuses unknown types)
STATE_MODELS = (
    Attachment,
    TurnFacts,
    Series,
    LevelEvidence,
    Evidence,
    Triage,
    RedFlag,
    Generation,
    Finding,
    Review,
    RevisionRound,
    Answer,
    AnswerPart,
    Quote,
    Citation,
)


def serializer() -> Any:
    """LangGraph's checkpoint serializer, allowed to rebuild the state's pydantic models."""
    from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer

    allowed = [(cls.__module__, cls.__name__) for cls in STATE_MODELS]
    return JsonPlusSerializer(allowed_msgpack_modules=allowed)
