"""One async chat-model interface over the embedded llama.cpp model and OpenAI-compatible servers.

from agents.llm import chat_model, system, user
model = chat_model()                      # from SPINE_* settings
text = (await model.complete([user("Which root does an L4-L5 disc compress?")])).text
"""

from .base import ChatModel
from .factory import chat_model
from .types import (
    Completion,
    EndpointUnavailableError,
    GenerationParams,
    ImagePart,
    LLMError,
    LLMRequestError,
    Message,
    StructuredOutputError,
    TextPart,
    assistant,
    system,
    user,
)

__all__ = [
    "ChatModel",
    "Completion",
    "EndpointUnavailableError",
    "GenerationParams",
    "ImagePart",
    "LLMError",
    "LLMRequestError",
    "Message",
    "StructuredOutputError",
    "TextPart",
    "assistant",
    "chat_model",
    "system",
    "user",
]
