"""Messages, completions and errors shared by every chat-model backend."""

from __future__ import annotations

import base64
import mimetypes
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, Field


class TextPart(BaseModel):
    """A text content part."""

    type: Literal["text"] = "text"
    text: str


class ImageURL(BaseModel):
    url: str = Field(description="a data: URL (base64) or an http(s) URL")


class ImagePart(BaseModel):
    """An image content part, sent to a VLM as an OpenAI ``image_url`` part."""

    type: Literal["image_url"] = "image_url"
    image_url: ImageURL
    label: str | None = Field(None, exclude=True, description="file name or caption, for notes")

    @classmethod
    def from_bytes(
        cls, data: bytes, mime: str = "image/png", label: str | None = None
    ) -> ImagePart:
        encoded = base64.b64encode(data).decode("ascii")
        return cls(image_url=ImageURL(url=f"data:{mime};base64,{encoded}"), label=label)

    @classmethod
    def from_path(cls, path: str | Path) -> ImagePart:
        path = Path(path)
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if not mime.startswith("image/"):
            raise ValueError(f"{path}: not an image file ({mime})")
        return cls.from_bytes(path.read_bytes(), mime=mime, label=path.name)

    def describe(self) -> str:
        url = self.image_url.url
        if url.startswith("data:"):
            mime = url[5 : url.find(";")] if ";" in url else "image"
            size = len(url.partition(",")[2]) * 3 // 4
            return f"{self.label or 'image'} ({mime}, {size} bytes)"
        return self.label or url


ContentPart = Annotated[TextPart | ImagePart, Field(discriminator="type")]


class Message(BaseModel):
    """One chat message in OpenAI form."""

    role: Literal["system", "user", "assistant"]
    content: str | list[ContentPart]

    @property
    def text(self) -> str:
        if isinstance(self.content, str):
            return self.content
        return "\n".join(p.text for p in self.content if isinstance(p, TextPart))

    @property
    def images(self) -> list[ImagePart]:
        if isinstance(self.content, str):
            return []
        return [p for p in self.content if isinstance(p, ImagePart)]


def system(text: str) -> Message:
    return Message(role="system", content=text)


def user(text: str, images: Sequence[ImagePart] = ()) -> Message:
    if not images:
        return Message(role="user", content=text)
    return Message(role="user", content=[*images, TextPart(text=text)])


def assistant(text: str) -> Message:
    return Message(role="assistant", content=text)


class Usage(BaseModel):
    prompt_tokens: int = 0
    completion_tokens: int = 0


class Completion(BaseModel):
    """A finished (non-streamed) completion."""

    text: str
    model: str = Field(description="model id as reported by the backend")
    finish_reason: str | None = None
    usage: Usage = Field(default_factory=Usage)
    endpoint: str = Field(description="base URL that served it, or 'embedded'")


class GenerationParams(BaseModel):
    """Sampling parameters; None means the backend configuration's default."""

    max_tokens: int | None = None
    temperature: float | None = None
    top_p: float | None = None
    seed: int | None = None
    stop: list[str] | None = None


class LLMError(Exception):
    """Base of every error raised by a chat-model backend; its message is one readable line."""


class EndpointUnavailableError(LLMError):
    """No endpoint answered (refused, timed out, or kept failing with 429/5xx) in the retries."""

    def __init__(self, failures: dict[str, str]):
        self.failures = failures
        detail = "; ".join(f"{url}: {why}" for url, why in failures.items())
        super().__init__(f"LLM endpoint unavailable after retries — {detail}")


class LLMRequestError(LLMError):
    """The endpoint rejected the request (4xx other than 408/429): retrying would not help."""

    def __init__(self, endpoint: str, status: int, detail: str):
        self.endpoint, self.status, self.detail = endpoint, status, detail
        super().__init__(f"{endpoint} rejected the request (HTTP {status}): {detail}")


class StructuredOutputError(LLMError):
    """The model's output failed schema validation on every attempt; carries the raw text."""

    def __init__(self, schema_name: str, raw: str, errors: str, attempts: int):
        self.schema_name, self.raw, self.errors, self.attempts = schema_name, raw, errors, attempts
        first = errors.splitlines()[0] if errors else "invalid"
        super().__init__(
            f"output did not validate as {schema_name} after {attempts} attempt(s): {first}"
        )
