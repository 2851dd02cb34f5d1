"""Pick the backend from the settings: endpoints set -> OpenAI-compatible, else embedded."""

from __future__ import annotations

from tools.settings import Role, Settings, get_settings

from .base import ChatModel


def chat_model(role: Role = "llm", settings: Settings | None = None) -> ChatModel:
    """The chat model for ``role`` ("llm": the generator / model under test; "judge")."""
    settings = settings or get_settings()
    config = settings.backend(role)
    if config.embedded:
        from .embedded import EmbeddedChatModel

        return EmbeddedChatModel(config, settings)
    from .openai_compat import OpenAICompatChatModel

    return OpenAICompatChatModel(config)
