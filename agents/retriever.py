"""The retriever agent: what do the guidelines and textbooks say about this problem at this level?

A LangGraph node (async, state in → partial state out). It searches the knowledge base with the
newest user turn (plus the previous one when the newest is a short follow-up such as "and
surgery?"), boosted toward the levels the localizer accumulated, and writes ``evidence``: chunks
with their citations, provenance and scores. A store or embedding failure does not stop the
consultation: ``evidence`` is empty and ``retrieval_warnings`` says why in one line.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from typing import Any, TypedDict

from pydantic import BaseModel, Field

from agents.localizer import user_texts
from tools.settings import Settings, get_settings

__all__ = ["Evidence", "RetrieverUpdate", "build_query", "retrieve"]

FOLLOW_UP_WORDS = 8


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

    @property
    def body(self) -> str:
        """The text without the chunk's leading "title › section" line."""
        head, sep, rest = self.text.partition("\n\n")
        return rest.strip() if sep and " › " in head else self.text


class RetrieverUpdate(TypedDict):
    evidence: list[Evidence]
    retrieval_query: str
    retrieval_warnings: list[str]


def build_query(messages: Sequence[Any]) -> str:
    """The newest user text; a short follow-up also carries the previous user turn."""
    texts = [t.strip() for t in user_texts(messages) if t.strip()]
    if not texts:
        return ""
    if len(texts) > 1 and len(texts[-1].split()) < FOLLOW_UP_WORDS and len(texts[-1]) < 40:
        return f"{texts[-2]}\n{texts[-1]}"
    return texts[-1]


def search(settings: Settings, query: str, levels: list[str] | None) -> list[Evidence]:
    """The knowledge base's best chunks for ``query`` (blocking: call it in a thread)."""
    from knowledge import get_retriever

    hits = get_retriever(settings).search(query, k=settings.retrieval_k, levels=levels)
    return [Evidence.model_validate(hit.model_dump()) for hit in hits]


async def retrieve(state: Mapping[str, Any]) -> RetrieverUpdate:
    """LangGraph node: evidence for the newest user turn at the localized levels.

    Args:
        state: graph state with ``messages`` and, from the localizer, ``levels``.

    Returns:
        ``evidence`` (best first, each with its citation), the query used, and warnings.
    """
    from knowledge.store import StoreError
    from tools.embedding import EmbeddingError

    query = build_query(state.get("messages") or [])
    if not query:
        return {"evidence": [], "retrieval_query": "", "retrieval_warnings": []}
    levels = list(state.get("levels") or []) or None
    try:
        evidence = await asyncio.to_thread(search, get_settings(), query, levels)
    except (StoreError, EmbeddingError) as exc:
        return {
            "evidence": [],
            "retrieval_query": query,
            "retrieval_warnings": [f"knowledge base unavailable: {exc}"],
        }
    return {"evidence": evidence, "retrieval_query": query, "retrieval_warnings": []}
