"""The retriever agent: what do the guidelines and textbooks say about this problem at this level?

A LangGraph node (async, state in → partial state out). It searches the knowledge base with the
turn's search (``facts.search``: the newest user turn, plus the previous one when the newest is a
short follow-up such as "and surgery?", plus the words of the kind of question, see
:mod:`agents.question`), boosted toward the levels the localizer accumulated, and
writes ``evidence``: chunks with their citations, provenance and scores. The settings are the
graph's (passed in by the consult graph from its run context), never a process-wide global. A
store or embedding failure does not stop the consultation: ``evidence`` is empty and
``retrieval_warnings`` says why in one line.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from functools import cached_property
from typing import Any, TypedDict

from pydantic import BaseModel, Field

from tools.settings import Settings
from tools.tokens import tokenize

__all__ = ["Evidence", "RetrieverUpdate", "retrieve", "search"]


class Evidence(BaseModel):
    """A retrieved chunk as the generator and reviewer see it."""

    chunk_id: str = Field(description="stable chunk id '<doc id>#<section>'")
    doc_id: str
    title: str
    section: str
    text: str
    citation: str = Field(description="the public source of the chunk's facts")
    kind: str
    subfield: str
    lang: str
    levels: list[str]
    page: int | None = None
    score: float
    level_match: str = Field(description="chunk | document | vertebra | none")
    figures: list[dict[str, Any]] = Field(default_factory=list)

    @cached_property
    def words(self) -> frozenset[str]:
        """The chunk's words as the reviewer's support checks read them: tokenized once per
        retrieved chunk, not once per review round."""
        return frozenset(tokenize(self.text))

    @property
    def body(self) -> str:
        """The text without the chunk's leading "title › section" line."""
        head, sep, rest = self.text.partition("\n\n")
        return rest.strip() if sep and " › " in head else self.text


class RetrieverUpdate(TypedDict):
    evidence: list[Evidence]
    retrieval_warnings: list[str]


def search(settings: Settings, query: str, levels: list[str] | None) -> list[Evidence]:
    """The knowledge base's best chunks for ``query`` (blocking: call it in a thread)."""
    from knowledge import get_retriever

    hits = get_retriever(settings).search(query, k=settings.retrieval_k, levels=levels)
    return [Evidence.model_validate(hit.model_dump()) for hit in hits]


async def retrieve(state: Mapping[str, Any], settings: Settings) -> RetrieverUpdate:
    """LangGraph node: evidence for this turn's query at the localized levels.

    Args:
        state: graph state with ``facts`` (the turn's query) and, from the localizer, ``levels``.
        settings: the graph's settings (store, embedding model, ``retrieval_k``).

    Returns:
        ``evidence`` (best first, each with its citation) and warnings.
    """
    from knowledge.store import StoreError
    from tools.embedding import EmbeddingError

    facts = state["facts"]
    query = facts.search or facts.query  # a checkpoint from before ``search`` has none
    if not query:
        return {"evidence": [], "retrieval_warnings": []}
    levels = list(state.get("levels") or []) or None
    try:
        evidence = await asyncio.to_thread(search, settings, query, levels)
    except (StoreError, EmbeddingError) as exc:
        return {"evidence": [], "retrieval_warnings": [f"knowledge base unavailable: {exc}"]}
    return {"evidence": evidence, "retrieval_warnings": []}
