"""The Chroma store: chunks with embeddings and metadata, plus one record per ingested document.

Embedded ``PersistentClient`` under ``SPINE_HOME/chroma`` by default; ``SPINE_CHROMA_URL`` points
at a Chroma server (``chroma run``) instead — the scale-out path, shared by many workers.
Two collections: ``<name>`` (chunks; we pass our own embeddings) and ``<name>-docs`` (document
id → content hash, path, chunk ids) which makes rebuilds incremental.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from knowledge.chunking import Chunk
from knowledge.documents import Document
from tools.settings import Settings

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

__all__ = ["DocRecord", "Store", "StoreError", "StoredChunk"]

_PAGE = 500


class StoreError(RuntimeError):
    """The store cannot be reached or does not fit the settings (one-line message)."""


DocRecord = dict[str, Any]
StoredChunk = tuple[str, str, dict[str, Any]]  # id, text, metadata


def _chunk_metadata(doc: Document, chunk: Chunk) -> dict[str, Any]:
    meta = doc.meta
    data: dict[str, Any] = {
        "doc_id": chunk.doc_id,
        "title": chunk.title,
        "section": " › ".join(chunk.section),
        "kind": meta.kind,
        "lang": meta.lang,
        "subfield": meta.subfield or "",
        "levels": ",".join(chunk.levels),
        "doc_levels": ",".join(meta.levels),
        "citation": meta.citation.text(),
        "source": str(doc.path),
        "start": chunk.start,
        "end": chunk.end,
        "doc_sha256": doc.sha256,
    }
    if chunk.page is not None:
        data["page"] = chunk.page
    if chunk.figures:
        data["figures"] = json.dumps([f.model_dump() for f in chunk.figures], ensure_ascii=False)
    return data


class Store:
    """Chunks and document records in Chroma, for one embedding model."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.name = settings.chroma_collection
        self._client: Any = None
        self._chunks: Any = None
        self._docs: Any = None

    @property
    def where(self) -> str:
        """Human-readable location of the store."""
        return self.settings.chroma_url or str(self.settings.home / "chroma")

    def _connect(self) -> Any:
        if self._client is not None:
            return self._client
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        options = ChromaSettings(anonymized_telemetry=False)
        try:
            if self.settings.chroma_url:
                url = urlparse(self.settings.chroma_url)
                self._client = chromadb.HttpClient(
                    host=url.hostname or "localhost",
                    port=url.port or (443 if url.scheme == "https" else 8000),
                    ssl=url.scheme == "https",
                    settings=options,
                )
                self._client.heartbeat()
            else:
                path = self.settings.home / "chroma"
                path.mkdir(parents=True, exist_ok=True)
                self._client = chromadb.PersistentClient(path=str(path), settings=options)
        except Exception as exc:  # noqa: BLE001 - connection errors come in many classes
            self._client = None
            raise StoreError(f"Chroma at {self.where} is not reachable ({_brief(exc)})") from None
        return self._client

    def _collections(self) -> tuple[Any, Any]:
        if self._chunks is None:
            client = self._connect()
            model = self.settings.embedding_model
            try:
                chunks = client.get_or_create_collection(
                    self.name,
                    metadata={"hnsw:space": "cosine", "embedding_model": model},
                    embedding_function=None,
                )
                docs = client.get_or_create_collection(f"{self.name}-docs", embedding_function=None)
            except Exception as exc:  # noqa: BLE001
                raise StoreError(f"Chroma at {self.where}: {_brief(exc)}") from None
            built_with = (chunks.metadata or {}).get("embedding_model")
            if built_with and built_with != model:
                raise StoreError(
                    f"collection {self.name!r} was built with embedding model {built_with!r}, "
                    f"not {model!r}: set SPINE_EMBEDDING_MODEL={built_with} or choose another "
                    "SPINE_CHROMA_COLLECTION"
                )
            self._chunks, self._docs = chunks, docs
        return self._chunks, self._docs

    @property
    def chunks(self) -> Any:
        """The Chroma collection of chunks."""
        return self._collections()[0]

    def count(self) -> int:
        """Number of chunks stored."""
        return int(self.chunks.count())

    def document(self, doc_id: str) -> DocRecord:
        """The stored record of one document ({} when absent)."""
        _, docs = self._collections()
        page = docs.get(ids=[doc_id], include=["metadatas"])
        if not page["ids"]:
            return {}
        record = dict((page["metadatas"] or [{}])[0] or {})
        record["chunk_ids"] = json.loads(str(record.get("chunk_ids", "[]")))
        return record

    def replace_document(
        self,
        doc: Document,
        chunks: Sequence[Chunk],
        vectors: npt.NDArray[np.float32],
        old_ids: Sequence[str] | None = None,
    ) -> None:
        """Write ``doc``'s chunks, then drop its chunks that no longer exist, then its record.

        New chunks are written before old ones are removed, so a failure part-way leaves the
        previous version searchable; the document record (its hash) is written last, so an
        interrupted write is redone by the next build. ``old_ids``: the document's stored chunk
        ids when the caller already read them.
        """
        collection, docs = self._collections()
        old = old_ids if old_ids is not None else self.document(doc.meta.id).get("chunk_ids", [])
        ids = [c.id for c in chunks]
        for i in range(0, len(chunks), _PAGE):
            part = chunks[i : i + _PAGE]
            collection.upsert(
                ids=[c.id for c in part],
                embeddings=vectors[i : i + _PAGE],
                documents=[c.text for c in part],
                metadatas=[_chunk_metadata(doc, c) for c in part],
            )
        stale = sorted(set(old) - set(ids))
        if stale:
            collection.delete(ids=stale)
        docs.upsert(
            ids=[doc.meta.id],
            embeddings=[[1.0]],
            documents=[doc.meta.title],
            metadatas=[
                {
                    "sha256": doc.sha256,
                    "source": str(doc.path),
                    "title": doc.meta.title,
                    "kind": doc.meta.kind,
                    "lang": doc.meta.lang,
                    "chunk_ids": json.dumps(ids, ensure_ascii=False),
                }
            ],
        )

    def delete_document(self, doc_id: str) -> int:
        """Remove a document and its chunks; returns the number of chunks removed."""
        collection, docs = self._collections()
        ids = self.document(doc_id).get("chunk_ids", [])
        if ids:
            collection.delete(ids=ids)
        docs.delete(ids=[doc_id])
        return len(ids)

    def iter_chunks(self) -> Iterator[StoredChunk]:
        """Every stored chunk as ``(id, text, metadata)``, in pages."""
        offset = 0
        while True:
            page = self.chunks.get(include=["documents", "metadatas"], limit=_PAGE, offset=offset)
            for item in zip(
                page["ids"], page["documents"] or [], page["metadatas"] or [], strict=False
            ):
                yield item[0], item[1], dict(item[2] or {})
            if len(page["ids"]) < _PAGE:
                return
            offset += _PAGE

    def query(
        self, vector: Sequence[float], n: int, where: dict[str, Any] | None
    ) -> list[tuple[str, float]]:
        """Nearest chunks to ``vector``: ``(id, cosine distance)``, best first.

        ``n`` must not exceed the number of stored chunks (the caller knows it).
        """
        if n <= 0:
            return []
        result = self.chunks.query(
            query_embeddings=[list(vector)],
            n_results=n,
            where=where or None,
            include=["distances"],
        )
        ids = result["ids"][0] if result["ids"] else []
        distances = (result.get("distances") or [[]])[0] or []
        return [(i, float(d)) for i, d in zip(ids, distances, strict=False)]


def _brief(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{exc.__class__.__name__}: {text[:200]}" if text else exc.__class__.__name__
