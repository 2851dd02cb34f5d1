"""One readable line for each failure a user can meet (CLI and UI never show a traceback)."""

from __future__ import annotations

__all__ = ["user_message"]


def user_message(exc: BaseException) -> str | None:
    """The line to show for a known failure, or None for a bug (which should surface)."""
    from agents.llm import LLMError
    from graphs.memory import CheckpointError
    from graphs.uploads import UploadError
    from knowledge.store import StoreError
    from tools.embedding import EmbeddingError
    from tools.errors import one_line

    if isinstance(exc, LLMError):
        return f"the model could not answer: {exc}"
    if isinstance(exc, CheckpointError | StoreError | EmbeddingError | UploadError):
        return str(exc)
    if isinstance(exc, OSError):
        return one_line(exc)
    return None
