"""The one chat-model interface every backend implements, and its structured-output loop."""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Sequence
from contextlib import aclosing
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TypeVar

from pydantic import BaseModel

from agents.prompts import IMAGE_NOT_SEEN, STRUCTURED_REPAIR
from tools.settings import BackendConfig

from .types import Completion, GenerationParams, ImagePart, Message, StructuredOutputError, TextPart

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")
WireMessage = dict[str, Any]
Messages = Sequence[Message] | str


@dataclass
class Meter:
    """Calls and tokens counted while it is the current meter (see :func:`metered`)."""

    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0

    def add(self, other: Meter) -> None:
        self.calls += other.calls
        self.prompt_tokens += other.prompt_tokens
        self.completion_tokens += other.completion_tokens


# The meter of the work in progress: asyncio tasks inherit it, so concurrent work items (each
# started with its own meter) are counted apart without passing a meter through every call.
METER: ContextVar[Meter | None] = ContextVar("spine_llm_meter", default=None)


def _count(completion: Completion | None) -> None:
    meter = METER.get()
    if meter is not None:
        meter.calls += 1
        if completion is not None:
            meter.prompt_tokens += completion.usage.prompt_tokens
            meter.completion_tokens += completion.usage.completion_tokens


class JsonSchemaFormat(BaseModel):
    """A JSON schema the completion must follow (sent as ``response_format``)."""

    name: str
    schema_: dict[str, Any]


class ChatModel(ABC):
    """Async chat model: completion, token streaming and schema-validated structured output.

    Graphs hold a ``ChatModel`` and never know whether it is the embedded llama.cpp model or an
    OpenAI-compatible server (vLLM).
    """

    def __init__(self, config: BackendConfig):
        self.config = config

    @property
    @abstractmethod
    def model_name(self) -> str:
        """Identifier of the model, stored in provenance."""

    async def model_id(self) -> str:
        """The model's name as the endpoint knows it (a server's may need one request to learn)."""
        return self.model_name

    @property
    @abstractmethod
    def supports_images(self) -> bool:
        """Whether image content parts reach the model as images."""

    @abstractmethod
    async def _complete(
        self, messages: list[WireMessage], params: GenerationParams, fmt: JsonSchemaFormat | None
    ) -> Completion: ...

    @abstractmethod
    def _stream(
        self, messages: list[WireMessage], params: GenerationParams
    ) -> AsyncGenerator[str, None]: ...

    async def aclose(self) -> None:  # noqa: B027 - optional hook: in-process models hold none
        """Release connections; the model stays usable (it reopens lazily)."""

    # ---- public API -------------------------------------------------------------------------

    async def complete(
        self, messages: Messages, params: GenerationParams | None = None, **overrides: Any
    ) -> Completion:
        """Return the whole completion for ``messages``."""
        completion = await self._complete(
            self._wire(messages), self._params(params, overrides), None
        )
        _count(completion)
        return completion

    async def stream(
        self, messages: Messages, params: GenerationParams | None = None, **overrides: Any
    ) -> AsyncIterator[str]:
        """Yield the completion's text piece by piece as the model produces it."""
        pieces = self._stream(self._wire(messages), self._params(params, overrides))
        _count(None)  # streamed replies carry no usage
        async with aclosing(pieces):  # a caller that stops early frees the slot at once
            async for piece in pieces:
                yield piece

    async def structured(
        self,
        messages: Messages,
        output: type[M],
        params: GenerationParams | None = None,
        **overrides: Any,
    ) -> M:
        """Return ``output`` validated from schema-constrained JSON.

        Raises:
            StructuredOutputError: every attempt failed validation; carries the raw text.
        """
        value, _ = await self.structured_raw(messages, output, params, **overrides)
        return value

    async def structured_raw(
        self,
        messages: Messages,
        output: type[M],
        params: GenerationParams | None = None,
        **overrides: Any,
    ) -> tuple[M, str]:
        """Like :meth:`structured`, also returning the raw text the value was parsed from."""
        fmt = _schema_format(output)

        def validate(raw: str) -> tuple[M, str]:
            # strict=False: a raw newline inside a string is accepted (llama.cpp's grammar
            # lets control characters through; the value is still the schema's)
            return output.model_validate(json.loads(raw, strict=False)), raw

        return await self._structured(messages, fmt, validate, params, overrides)

    async def structured_json(
        self,
        messages: Messages,
        schema: dict[str, Any],
        name: str = "output",
        params: GenerationParams | None = None,
        **overrides: Any,
    ) -> Any:
        """Like :meth:`structured` for a plain JSON schema; returns the decoded JSON value."""
        import jsonschema  # lazy: only the CLI's --json-schema path needs it

        try:
            jsonschema.Draft202012Validator.check_schema(schema)
        except jsonschema.SchemaError as exc:
            raise ValueError(f"not a valid JSON schema: {exc.message}") from None
        validator = jsonschema.Draft202012Validator(schema)

        def validate(raw: str) -> Any:
            value = json.loads(raw)
            errors = sorted(validator.iter_errors(value), key=lambda e: e.json_path)
            if errors:
                raise ValueError("\n".join(_json_error_line(e) for e in errors[:5]))
            return value

        fmt = JsonSchemaFormat(name=name, schema_=schema)
        return await self._structured(messages, fmt, validate, params, overrides)

    # ---- shared machinery ---------------------------------------------------------------------

    async def _structured(
        self,
        messages: Messages,
        fmt: JsonSchemaFormat,
        validate: Callable[[str], T],
        params: GenerationParams | None,
        overrides: dict[str, Any],
    ) -> T:
        base = self._wire(messages)
        resolved = self._params(params, overrides)
        history = base
        attempts = 1 + self.config.structured_retries
        raw, errors = "", ""
        for attempt in range(attempts):
            # a new seed per attempt: at low temperature the same seed repeats the same mistake
            seed = None if resolved.seed is None else resolved.seed + attempt
            completion = await self._complete(
                history, resolved.model_copy(update={"seed": seed}), fmt
            )
            _count(completion)
            raw = completion.text
            try:
                return validate(raw)
            except ValueError as exc:  # pydantic ValidationError and JSONDecodeError included
                errors = str(exc)
                repair = STRUCTURED_REPAIR.format(errors=errors[:1500])
                history = [
                    *base,
                    {"role": "assistant", "content": raw},
                    {"role": "user", "content": repair},
                ]
        raise StructuredOutputError(fmt.name, raw=raw, errors=errors, attempts=attempts)

    def _params(
        self, params: GenerationParams | None, overrides: dict[str, Any]
    ) -> GenerationParams:
        merged = (params or GenerationParams()).model_copy(update=overrides)
        if merged.max_tokens is None:
            merged.max_tokens = self.config.max_tokens
        if merged.temperature is None:
            merged.temperature = self.config.temperature
        return merged

    def _wire(self, messages: Messages) -> list[WireMessage]:
        """OpenAI-form message dicts; image parts become a visible note for text-only models."""
        if isinstance(messages, str):
            messages = [Message(role="user", content=messages)]
        wire = []
        for message in messages:
            if not self.supports_images and message.images:
                text = "\n".join(
                    IMAGE_NOT_SEEN.format(description=part.describe())
                    if isinstance(part, ImagePart)
                    else part.text
                    for part in message.content  # a list: it holds images
                    if isinstance(part, ImagePart | TextPart)
                )
                message = Message(role=message.role, content=text)
            wire.append(message.model_dump(exclude_none=True))
        return wire


@lru_cache(maxsize=256)
def _schema_format(output: type[BaseModel]) -> JsonSchemaFormat:
    """A model's JSON schema, built once per class (pydantic takes ~0.2 ms to build it)."""
    return JsonSchemaFormat(name=output.__name__, schema_=output.model_json_schema())


def _json_error_line(error: Any) -> str:
    return f"{error.json_path}: {error.message}"
