"""Hybrid retrieval: dense (MiniLM in Chroma) + BM25 (bm25s), reciprocal-rank fusion, level boost.

Ranking: each candidate scores ``Σ w/(60 + rank)`` over the dense and BM25 lists (RRF, k = 60;
``w`` = 1 for BM25 and, for the dense list, the share of the query written in a language the
embedding model reads — ``SPINE_EMBEDDING_LANGUAGES``, English for the bundled MiniLM);
with level boosting on, the score of a chunk whose own levels include a query level is multiplied
by ``1 + 0.2·b``, one whose document is about a query level by ``1 + 0.1·b``, and one that only
shares a vertebra by ``1 + 0.05·b`` (``b`` = ``SPINE_RETRIEVAL_LEVEL_BOOST``). Query levels
come from the caller (the localizer's accumulated levels) or, failing that, from
``tools.levels`` on the query. Filters on sub-field, kind and language apply to both lists.
Every hit carries its citation.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field

from knowledge.store import Store
from tools import levels as lv
from tools.embedding import Embedder
from tools.tokens import letter_counts, tokenize

if TYPE_CHECKING:
    pass

__all__ = ["Filters", "Hit", "HybridRetriever", "Mode", "dense_weight", "tokenize"]

Mode = Literal["dense", "bm25", "hybrid"]
RRF_K = 60
POOL = 50
REFRESH_S = 30.0
# level agreement scales the fused score: a tie-breaker among close candidates, not a trump card
# (an additive w/60 lifted every chunk naming the level, e.g. case records, over the answer)
LEVEL_FACTORS = {"chunk": 0.2, "document": 0.1, "vertebra": 0.05}


def dense_weight(query: str, languages: Iterable[str]) -> float:
    """How much the dense ranking counts for ``query``: the share of its letters written in a
    language the embedding model reads (the bundled MiniLM reads English only; its ranking of a
    Chinese question is noise, so Chinese questions are ranked by BM25)."""
    cjk, latin = letter_counts(query)
    if not cjk + latin:
        return 1.0
    reads = set(languages)
    share = ((latin if "en" in reads else 0) + (cjk if "zh" in reads else 0)) / (cjk + latin)
    return round(share, 3)


class Filters(BaseModel):
    """Metadata filters; each accepts one value or several."""

    subfield: list[str] = Field(default_factory=list)
    kind: list[str] = Field(default_factory=list)
    lang: list[str] = Field(default_factory=list)

    def where(self) -> dict[str, Any] | None:
        """The Chroma ``where`` clause."""
        clauses: list[dict[str, Any]] = []
        for key, values in (("subfield", self.subfield), ("kind", self.kind), ("lang", self.lang)):
            if len(values) == 1:
                clauses.append({key: values[0]})
            elif values:
                clauses.append({key: {"$in": list(values)}})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}

    def accepts(self, meta: dict[str, Any]) -> bool:
        """Whether a chunk's metadata passes the filters."""
        return all(
            not values or meta.get(key) in values
            for key, values in (
                ("subfield", self.subfield),
                ("kind", self.kind),
                ("lang", self.lang),
            )
        )


class Hit(BaseModel):
    """One retrieved chunk with its provenance, citation and scores."""

    chunk_id: str
    doc_id: str
    title: str
    section: str
    text: str
    citation: str
    kind: str
    subfield: str
    lang: str
    levels: list[str]
    page: int | None = None
    start: int
    end: int
    source: str
    figures: list[dict[str, Any]] = Field(default_factory=list)
    score: float = Field(description="fused score (RRF + level boost); higher is better")
    dense_rank: int | None = Field(None, description="1-based rank in the dense list")
    bm25_rank: int | None = Field(None, description="1-based rank in the BM25 list")
    level_match: Literal["chunk", "document", "vertebra", "none"] = "none"


def _split(value: Any) -> list[str]:
    return [v for v in str(value or "").split(",") if v]


class _Lexical:
    """The BM25 side: an in-memory bm25s index over every stored chunk."""

    def __init__(self, items: Sequence[tuple[str, str, dict[str, Any]]]) -> None:
        import bm25s
        import numpy as np

        self.ids = [i for i, _, _ in items]
        self.texts = {i: t for i, t, _ in items}
        self.meta = {i: m for i, _, m in items}
        self.row = {i: n for n, i in enumerate(self.ids)}
        self.model: Any = None
        self._np = np
        self._masks: dict[str, Any] = {}
        if items:
            self.model = bm25s.BM25()
            self.model.index([tokenize(t) or [""] for _, t, _ in items], show_progress=False)

    def search(self, query: str, n: int, filters: Filters) -> list[str]:
        if self.model is None:
            return []
        np = self._np
        tokens = [t for t in tokenize(query) if t in self.model.vocab_dict] or [""]
        mask = None
        if filters.where():
            key = filters.model_dump_json()
            if key not in self._masks:
                rows = [1.0 if filters.accepts(self.meta[i]) else 0.0 for i in self.ids]
                self._masks[key] = np.array(rows, dtype=np.float32)
            mask = self._masks[key]
        scores = self.model.get_scores(tokens, weight_mask=mask)
        top = np.argsort(-scores, kind="stable")[:n]
        return [self.ids[j] for j in top if scores[j] > 0]


class HybridRetriever:
    """Dense + BM25 retrieval over a :class:`Store`, with level-aware boosting."""

    def __init__(
        self,
        store: Store,
        embedder: Embedder,
        *,
        level_boost: float = 1.0,
        embedding_languages: Sequence[str] = ("en",),
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.level_boost = level_boost
        self.embedding_languages = tuple(embedding_languages)
        self._lexical: _Lexical | None = None
        self._count = -1
        self._checked = 0.0
        self._lock = threading.Lock()
        self.last_timings: dict[str, float] = {}  # seconds per stage of the latest search

    def refresh(self) -> None:
        """Rebuild the BM25 index from the store (after a build in this process)."""
        with self._lock:
            items = list(self.store.iter_chunks())
            self._lexical = _Lexical(items)
            self._count = len(items)
            self._checked = time.monotonic()

    def snapshot(self) -> tuple[dict[str, str], dict[str, dict[str, Any]]]:
        """Every chunk's text and metadata as the retriever sees them (id → …)."""
        lexical = self._lex()
        return lexical.texts, lexical.meta

    def _lex(self) -> _Lexical:
        # another process (a build, a worker sharing a Chroma server) may have changed the store
        if self._lexical is None or (
            time.monotonic() - self._checked > REFRESH_S and self.store.count() != self._count
        ):
            self.refresh()
        elif time.monotonic() - self._checked > REFRESH_S:
            self._checked = time.monotonic()
        assert self._lexical is not None
        return self._lexical

    def search(
        self,
        query: str,
        *,
        k: int = 5,
        levels: Iterable[str] | None = None,
        filters: Filters | None = None,
        mode: Mode = "hybrid",
        level_boost: float | None = None,
    ) -> list[Hit]:
        """The ``k`` best chunks for ``query``.

        Args:
            query: free text, English or Chinese.
            k: number of hits.
            levels: canonical levels of the patient (None: parsed from the query).
            filters: sub-field / kind / language filters.
            mode: ``dense``, ``bm25`` or ``hybrid`` (RRF of both).
            level_boost: override ``SPINE_RETRIEVAL_LEVEL_BOOST`` (0 turns boosting off).
        """
        filters = filters or Filters()
        lexical = self._lex()
        if not query.strip() or not lexical.ids:
            return []
        clock = time.perf_counter
        t0 = clock()
        dense: list[str] = []
        t1 = t2 = t0
        weight = dense_weight(query, self.embedding_languages) if mode == "hybrid" else 1.0
        if mode == "dense" or (mode == "hybrid" and weight > 0):
            vector = self.embedder.embed([query])[0]
            t1 = clock()
            pool = min(POOL, len(lexical.ids))
            dense = [i for i, _ in self.store.query(vector.tolist(), pool, filters.where())]
            t2 = clock()
        sparse = lexical.search(query, POOL, filters) if mode in ("bm25", "hybrid") else []
        t3 = clock()
        wanted = set(lv.sort_levels(levels) if levels is not None else lv.find_levels(query))
        boost = self.level_boost if level_boost is None else level_boost
        scored: dict[str, float] = {}
        for share, ranking in ((weight, dense), (1.0, sparse)):
            for rank, chunk_id in enumerate(ranking, 1):
                scored[chunk_id] = scored.get(chunk_id, 0.0) + share / (RRF_K + rank)
        hits = []
        for chunk_id, score in scored.items():
            meta = lexical.meta.get(chunk_id)
            if meta is None:  # written after our BM25 snapshot; the next refresh picks it up
                continue
            match = _level_match(wanted, meta)
            if boost and match != "none":
                score *= 1.0 + boost * LEVEL_FACTORS[match]
            hits.append(_hit(chunk_id, lexical.texts[chunk_id], meta, score, dense, sparse, match))
        hits.sort(key=lambda h: (-h.score, h.chunk_id))
        self.last_timings = {
            "embed": t1 - t0,
            "dense": t2 - t1,
            "bm25": t3 - t2,
            "fuse": clock() - t3,
        }
        return hits[:k]


def _level_match(
    wanted: set[str], meta: dict[str, Any]
) -> Literal["chunk", "document", "vertebra", "none"]:
    if not wanted:
        return "none"
    own, doc = set(_split(meta.get("levels"))), set(_split(meta.get("doc_levels")))
    if wanted & own:
        return "chunk"
    if wanted & doc:
        return "document"
    bones = {v for level in wanted for v in lv.vertebrae_of(level)}
    if any(set(lv.vertebrae_of(level)) & bones for level in own | doc):
        return "vertebra"
    return "none"


def _hit(
    chunk_id: str,
    text: str,
    meta: dict[str, Any],
    score: float,
    dense: list[str],
    sparse: list[str],
    match: Literal["chunk", "document", "vertebra", "none"],
) -> Hit:
    page = meta.get("page")
    return Hit(
        chunk_id=chunk_id,
        doc_id=str(meta.get("doc_id", "")),
        title=str(meta.get("title", "")),
        section=str(meta.get("section", "")),
        text=text,
        citation=str(meta.get("citation", "")),
        kind=str(meta.get("kind", "")),
        subfield=str(meta.get("subfield", "")),
        lang=str(meta.get("lang", "")),
        levels=_split(meta.get("levels")),
        page=int(page) if page is not None else None,
        start=int(meta.get("start", 0)),
        end=int(meta.get("end", 0)),
        source=str(meta.get("source", "")),
        figures=json.loads(meta["figures"]) if meta.get("figures") else [],
        score=round(score, 6),
        dense_rank=dense.index(chunk_id) + 1 if chunk_id in dense else None,
        bm25_rank=sparse.index(chunk_id) + 1 if chunk_id in sparse else None,
        level_match=match,
    )
