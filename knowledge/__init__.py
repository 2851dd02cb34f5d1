"""The knowledge base: bundled spine corpus, ingestion, Chroma store and hybrid retrieval.

``get_retriever(settings)`` is what agents use: the process-wide retriever over the configured
store, with the bundled corpus indexed on first use. Heavy libraries (torch, chromadb, bm25s)
are imported only when a retriever or a build is first needed.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from knowledge.retrieval import HybridRetriever
    from tools.settings import Settings

__all__ = ["get_retriever", "reset_retrievers"]

_retrievers: dict[tuple[str, ...], HybridRetriever] = {}
_lock = threading.Lock()


def get_retriever(settings: Settings, *, progress: bool = True) -> HybridRetriever:
    """The process-wide retriever for the configured store and embedding model.

    A store with no chunks gets the bundled corpus first (progress bar on stderr).

    Raises:
        knowledge.store.StoreError: Chroma unreachable or built with another embedding model.
        tools.embedding.EmbeddingError: the embedding model cannot be loaded offline.
    """
    key = (
        settings.chroma_url or str(settings.home),
        settings.chroma_collection,
        settings.embedding_model,
        ",".join(settings.embedding_languages),
        str(settings.retrieval_level_boost),
    )
    with _lock:
        if key not in _retrievers:
            from knowledge.build import ensure_corpus
            from knowledge.retrieval import HybridRetriever
            from tools.embedding import get_embedder

            store = ensure_corpus(settings, progress=progress)
            _retrievers[key] = HybridRetriever(
                store,
                get_embedder(settings.embedding_model),
                level_boost=settings.retrieval_level_boost,
                embedding_languages=settings.embedding_languages,
            )
        return _retrievers[key]


def reset_retrievers() -> None:
    """Forget cached retrievers (tests, or after pointing the settings elsewhere)."""
    with _lock:
        _retrievers.clear()
