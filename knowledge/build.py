"""Ingestion: files → documents → chunks → embeddings → Chroma, incrementally, with a report.

A document is re-embedded only when its content hash (file bytes + chunker version + embedding
model) differs from the one stored. Bad input is skipped with a one-line reason; what is already
in the store stays there. The bundled corpus is built into an empty store on first use.
"""

from __future__ import annotations

import hashlib
import sys
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, Field

from knowledge.chunking import CHUNKER_VERSION, Chunk, chunk_document
from knowledge.documents import BUNDLED_CORPUS, SUFFIXES, Document, IngestError, load_document
from knowledge.store import Store
from tools.embedding import Embedder, get_embedder
from tools.settings import Settings

if TYPE_CHECKING:
    from knowledge.ray_embed import RayEmbedder

__all__ = [
    "BuildReport",
    "DocOutcome",
    "Skip",
    "build",
    "discover",
    "ensure_corpus",
]

_ensure_lock = threading.Lock()
WINDOW_CHUNKS = 2048  # changed documents' chunks embedded together (memory stays bounded)


class Skip(BaseModel):
    """An input that was not ingested, and why (one line)."""

    path: str
    reason: str


class DocOutcome(BaseModel):
    """What the build did with one document."""

    doc_id: str
    path: str
    status: Literal["added", "updated", "unchanged"]
    chunks: int
    figures: int = 0
    unmatched_figures: list[str] = Field(default_factory=list)
    deid_findings: int = 0
    warnings: list[str] = Field(default_factory=list)


class BuildReport(BaseModel):
    """The result of one build: per-document outcomes, skips, and totals."""

    store: str
    documents: list[DocOutcome] = Field(default_factory=list)
    skipped: list[Skip] = Field(default_factory=list)
    chunks_embedded: int = 0
    chunks_total: int = 0
    seconds: float = 0.0

    def count(self, status: str) -> int:
        """Documents with the given status."""
        return sum(1 for d in self.documents if d.status == status)

    def lines(self) -> list[str]:
        """The human-readable report."""
        out = [
            f"store: {self.store}",
            f"documents: {self.count('added')} added, {self.count('updated')} updated, "
            f"{self.count('unchanged')} unchanged, {len(self.skipped)} skipped",
            f"chunks: {self.chunks_embedded} embedded, {self.chunks_total} in the store "
            f"({self.seconds:.1f} s)",
        ]
        for doc in self.documents:
            for image in doc.unmatched_figures:
                out.append(f"unmatched figure: {doc.doc_id}: {image} (no caption or citing text)")
            for warning in doc.warnings:
                out.append(f"warning: {doc.path}: {warning}")
        out.extend(f"skipped: {s.path}: {s.reason}" for s in self.skipped)
        return out


def discover(paths: Iterable[Path]) -> tuple[list[Path], list[Skip]]:
    """Files to ingest under ``paths`` (folders are walked for .md/.txt/.pdf), sorted, unique."""
    found: dict[Path, None] = {}
    skipped: list[Skip] = []
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                hidden = any(part.startswith(".") for part in child.relative_to(path).parts)
                if child.is_file() and child.suffix.lower() in SUFFIXES and not hidden:
                    found[child.resolve()] = None
        elif path.is_file():
            found[path.resolve()] = None
        else:
            skipped.append(Skip(path=str(path), reason="no such file or folder"))
    return list(found), skipped


def _fingerprint(doc: Document, model: str) -> str:
    return hashlib.sha256(f"{doc.sha256}|{CHUNKER_VERSION}|{model}".encode()).hexdigest()


def _progress(total: int, enabled: bool):  # type: ignore[no-untyped-def]
    from tqdm import tqdm

    return tqdm(total=total, desc="indexing", unit="doc", disable=not enabled, file=sys.stderr)


def build(
    paths: Sequence[Path] | None = None,
    *,
    settings: Settings,
    store: Store | None = None,
    embedder: Embedder | RayEmbedder | None = None,
    rebuild: bool = False,
    progress: bool = True,
) -> BuildReport:
    """Ingest ``paths`` (default: the bundled corpus) into the store.

    Args:
        paths: files or folders; None means ``knowledge/corpus``.
        settings: the settings (store location, embedding model, size limit).
        store: an open store (default: one from ``settings``).
        embedder: an embedder (default: the process-wide one for the configured model; a
            ``RayEmbedder`` embeds on a Ray cluster).
        rebuild: re-embed documents even when unchanged.
        progress: show a progress bar on stderr.
    """
    started = time.perf_counter()
    store = store or Store(settings)
    embedder = embedder or get_embedder(settings.embedding_model)
    files, skipped = discover(paths if paths is not None else [BUNDLED_CORPUS])
    report = BuildReport(store=store.where, skipped=skipped)
    max_bytes = int(settings.ingest_max_mb * 2**20)
    seen: dict[str, str] = {}
    window: list[_Pending] = []  # changed documents whose chunks are embedded together
    with _progress(len(files), progress) as bar:

        def flush() -> None:
            _write(window, store, embedder, settings, report)
            bar.update(len(window))
            window.clear()

        for path in files:
            bar.set_postfix_str(path.name[-40:], refresh=False)
            try:
                pending = _prepare(path, store, settings, max_bytes, seen, rebuild)
            except IngestError as exc:
                report.skipped.append(Skip(path=exc.path, reason=exc.reason))
                bar.update(1)
                continue
            if isinstance(pending, DocOutcome):  # unchanged
                report.documents.append(pending)
                bar.update(1)
                continue
            window.append(pending)
            if sum(len(p.chunks) for p in window) >= WINDOW_CHUNKS:
                flush()
        flush()
    report.chunks_total = store.count()
    report.seconds = round(time.perf_counter() - started, 2)
    return report


@dataclass
class _Pending:
    """A changed document, chunked, waiting for its vectors."""

    outcome: DocOutcome
    doc: Document
    chunks: list[Chunk]
    old_ids: list[str]
    stored: bool


def _prepare(
    path: Path,
    store: Store,
    settings: Settings,
    max_bytes: int,
    seen: dict[str, str],
    rebuild: bool,
) -> DocOutcome | _Pending:
    """The document's outcome when unchanged, else its chunks to embed."""
    doc = load_document(path, max_bytes=max_bytes)
    if doc.meta.id in seen:
        raise IngestError(path, f"duplicate document id {doc.meta.id!r} (also {seen[doc.meta.id]})")
    seen[doc.meta.id] = str(path)
    doc.sha256 = _fingerprint(doc, settings.embedding_model)
    stored = store.document(doc.meta.id)
    chunks: list[Chunk]
    chunks, figures = chunk_document(doc)
    outcome = DocOutcome(
        doc_id=doc.meta.id,
        path=str(path),
        status="unchanged",
        chunks=len(chunks),
        figures=len(figures.figures),
        unmatched_figures=[f.image for f in figures.unmatched],
        deid_findings=sum(c.deid_findings for c in chunks),
        warnings=list(doc.warnings),
    )
    if stored.get("sha256") == doc.sha256 and not rebuild:
        return outcome
    if not chunks:
        raise IngestError(path, "no section with text to index")
    return _Pending(outcome, doc, chunks, list(stored.get("chunk_ids", [])), bool(stored))


def _write(
    window: list[_Pending],
    store: Store,
    embedder: Embedder | RayEmbedder,
    settings: Settings,
    report: BuildReport,
) -> None:
    """Embed the window's chunks in one call (batches across documents), then write each
    document (``Store.replace_document``: chunks first, its record last)."""
    if not window:
        return
    texts = [c.text for p in window for c in p.chunks]
    vectors = embedder.embed(texts, batch_size=settings.embedding_batch_size)
    start = 0
    for p in window:
        end = start + len(p.chunks)
        store.replace_document(p.doc, p.chunks, vectors[start:end], old_ids=p.old_ids)
        start = end
        p.outcome.status = "updated" if p.stored else "added"
        report.documents.append(p.outcome)
        report.chunks_embedded += p.outcome.chunks


def ensure_corpus(
    settings: Settings, *, store: Store | None = None, progress: bool = True
) -> Store:
    """Open the store; if it has no chunks, build the bundled corpus into it first."""
    store = store or Store(settings)
    with _ensure_lock:
        if store.count() == 0:
            if progress:
                print(
                    f"knowledge: first use, indexing the bundled corpus into {store.where}",
                    file=sys.stderr,
                )
            build(settings=settings, store=store, progress=progress)
    return store
