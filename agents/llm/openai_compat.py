"""OpenAI-compatible chat backend (vLLM's server): one pooled aiohttp session per event loop,
bounded retries with jittered backoff, a per-endpoint concurrency limit, load spread over
several endpoints, and ``response_format`` json_schema for structured output (vLLM >= 0.12
ignores the old ``guided_json`` field, so it is never sent)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncGenerator
from contextlib import aclosing
from typing import Any

import aiohttp

from tools.settings import BackendConfig

from .base import ChatModel, JsonSchemaFormat, WireMessage
from .endpoints import RETRYABLE_STATUS, Endpoint, EndpointPool, backoff_delay, parse_retry_after
from .types import (
    Completion,
    EndpointUnavailableError,
    GenerationParams,
    LLMError,
    LLMRequestError,
    Usage,
)


class _Retryable(Exception):
    """An attempt failed in a way another attempt may not (timeout, 429, 5xx, refused)."""

    def __init__(self, reason: str, retry_after: float | None = None, endpoint_down: bool = False):
        super().__init__(reason)
        self.reason, self.retry_after, self.endpoint_down = reason, retry_after, endpoint_down


class OpenAICompatChatModel(ChatModel):
    """A chat model served over the OpenAI chat-completions API (vLLM, or any compatible)."""

    def __init__(self, config: BackendConfig):
        super().__init__(config)
        self.pool = EndpointPool(config.base_urls, config.concurrency)
        self._model = config.model
        self._model_lock = asyncio.Lock()
        self._http: aiohttp.ClientSession | None = None
        self._http_loop: asyncio.AbstractEventLoop | None = None
        self._headers = {"Content-Type": "application/json"}
        if config.api_key:
            self._headers["Authorization"] = f"Bearer {config.api_key}"
        self._timeout = aiohttp.ClientTimeout(
            total=config.timeout_s, sock_connect=config.connect_timeout_s
        )
        # a stream may run long: bound the wait between chunks, not the whole response
        self._stream_timeout = aiohttp.ClientTimeout(
            total=None, sock_connect=config.connect_timeout_s, sock_read=config.timeout_s
        )

    @property
    def model_name(self) -> str:
        return self._model or "(discovered from GET /models)"

    @property
    def supports_images(self) -> bool:
        return self.config.vision

    async def aclose(self) -> None:
        if self._http is not None and not self._http.closed:
            await self._http.close()
        self._http = None

    # ---- requests -----------------------------------------------------------------------------

    async def _complete(
        self, messages: list[WireMessage], params: GenerationParams, fmt: JsonSchemaFormat | None
    ) -> Completion:
        data = await self._request(messages, params, fmt, stream=False)
        attempts = _Attempts(self)
        while True:
            endpoint = attempts.next()
            try:
                async with endpoint:
                    return await self._post_once(endpoint, data)
            except _Retryable as exc:
                await attempts.failed(endpoint, exc)

    async def _post_once(self, endpoint: Endpoint, data: bytes) -> Completion:
        try:
            async with self._session().post(
                endpoint.chat_url, data=data, headers=self._headers, timeout=self._timeout
            ) as resp:
                if resp.status != 200:
                    await self._raise_for_status(endpoint, resp)
                payload = json.loads(await resp.read())
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            raise self._classify(exc) from None
        return _completion(payload, endpoint.url)

    async def _stream(
        self, messages: list[WireMessage], params: GenerationParams
    ) -> AsyncGenerator[str, None]:
        data = await self._request(messages, params, None, stream=True)
        attempts = _Attempts(self)
        while True:
            endpoint = attempts.next()
            yielded = False
            try:
                async with endpoint, aclosing(self._stream_once(endpoint, data)) as pieces:
                    async for piece in pieces:
                        yielded = True
                        yield piece
                    return
            except _Retryable as exc:
                if yielded:  # text already reached the caller: a retry would repeat it
                    raise LLMError(
                        f"{endpoint.url}: stream broke off after partial output ({exc.reason})"
                    ) from None
                await attempts.failed(endpoint, exc)

    async def _stream_once(self, endpoint: Endpoint, data: bytes) -> AsyncGenerator[str, None]:
        try:
            async with self._session().post(
                endpoint.chat_url, data=data, headers=self._headers, timeout=self._stream_timeout
            ) as resp:
                if resp.status != 200:
                    await self._raise_for_status(endpoint, resp)
                async for raw in resp.content:
                    line = raw.strip()
                    if not line.startswith(b"data:"):
                        continue  # blank keep-alives and SSE comments
                    chunk = line[5:].strip()
                    if chunk == b"[DONE]":
                        return
                    event = json.loads(chunk)
                    if "error" in event:
                        raise LLMError(f"{endpoint.url}: {_error_detail(event)}")
                    for choice in event.get("choices") or ():
                        piece = (choice.get("delta") or {}).get("content")
                        if piece:
                            yield piece
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            raise self._classify(exc) from None

    # ---- helpers ------------------------------------------------------------------------------

    def _bind_loop(self) -> None:
        """Asyncio primitives belong to one event loop: renew them when the loop changes."""
        loop = asyncio.get_running_loop()
        if self._http_loop is loop:
            return
        for endpoint in self.pool.endpoints:
            endpoint.semaphore = asyncio.Semaphore(self.config.concurrency)
        self._model_lock = asyncio.Lock()
        self._http = None  # a session cannot be closed from another loop; drop it
        self._http_loop = loop

    def _session(self) -> aiohttp.ClientSession:
        """The pooled keep-alive session of the current event loop, opened on first use."""
        if self._http is None or self._http.closed:
            connector = aiohttp.TCPConnector(limit=0, ttl_dns_cache=300, keepalive_timeout=60)
            self._http = aiohttp.ClientSession(connector=connector)
        return self._http

    async def _request(
        self,
        messages: list[WireMessage],
        params: GenerationParams,
        fmt: JsonSchemaFormat | None,
        stream: bool,
    ) -> bytes:
        """The encoded chat-completions request (binds this call's event loop first)."""
        self._bind_loop()
        body: dict[str, Any] = {
            "model": await self.model_id(),
            "messages": messages,
            "max_tokens": params.max_tokens,
            "temperature": params.temperature,
            "stream": stream,
        }
        for key in ("top_p", "seed", "stop"):
            value = getattr(params, key)
            if value is not None:
                body[key] = value
        if fmt is not None:
            body["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": fmt.name, "schema": fmt.schema_},
            }
        return json.dumps(body).encode()

    async def model_id(self) -> str:
        """The configured model name, else the first model the endpoints serve."""
        if self._model:
            return self._model
        async with self._model_lock:
            if not self._model:
                self._model = await self._discover_model()
        return self._model

    async def _discover_model(self) -> str:
        failures: dict[str, str] = {}
        for endpoint in self.pool.endpoints:
            try:
                async with self._session().get(
                    endpoint.models_url, headers=self._headers, timeout=self._timeout
                ) as resp:
                    if resp.status != 200:
                        await self._raise_for_status(endpoint, resp)
                    models = json.loads(await resp.read()).get("data") or []
                if models:
                    return str(models[0]["id"])
                failures[endpoint.url] = "serves no model"
            except (aiohttp.ClientError, TimeoutError, ValueError, KeyError) as exc:
                failures[endpoint.url] = self._classify(exc).reason
            except _Retryable as exc:
                failures[endpoint.url] = exc.reason
        raise EndpointUnavailableError(failures)

    async def _raise_for_status(self, endpoint: Endpoint, resp: aiohttp.ClientResponse) -> None:
        text = await resp.text(errors="replace")
        if resp.status in RETRYABLE_STATUS:
            raise _Retryable(
                f"HTTP {resp.status}",
                retry_after=parse_retry_after(resp.headers.get("Retry-After")),
            )
        try:
            detail = _error_detail(json.loads(text))
        except ValueError:
            detail = text.strip()[:300] or resp.reason or "no detail"
        raise LLMRequestError(endpoint.url, resp.status, detail)

    def _classify(self, exc: BaseException) -> _Retryable:
        if isinstance(exc, TimeoutError):
            return _Retryable(f"no response within {self.config.timeout_s:g} s")
        if isinstance(exc, aiohttp.ClientConnectorError):
            reason = exc.os_error.strerror or type(exc.os_error).__name__
            return _Retryable(f"cannot connect ({reason})", endpoint_down=True)
        if isinstance(exc, aiohttp.ClientError):
            return _Retryable(f"connection failed ({type(exc).__name__}: {exc})"[:200])
        return _Retryable(f"malformed response ({exc})"[:200])


class _Attempts:
    """The bounded attempts of one request: which endpoint next, what failed, how long to wait."""

    def __init__(self, model: OpenAICompatChatModel):
        self.config = model.config
        self.pool = model.pool
        self.tried: set[str] = set()
        self.failures: dict[str, str] = {}
        self.count = 0

    def next(self) -> Endpoint:
        """The endpoint for the next attempt; raises once the retries are spent."""
        if self.count > self.config.max_retries:
            raise EndpointUnavailableError(self.failures)
        self.count += 1
        endpoint = self.pool.pick(self.tried)
        self.tried.add(endpoint.url)
        return endpoint

    async def failed(self, endpoint: Endpoint, exc: _Retryable) -> None:
        """Record a failed attempt and sleep before the next one, unless none is left."""
        self.failures[endpoint.url] = exc.reason
        if exc.endpoint_down:
            endpoint.mark_down(self.pool.cooldown_s)
        if self.count > self.config.max_retries:
            return
        if exc.retry_after is None and self.pool.has_untried(self.tried):
            return  # another endpoint is fresh: fail over at once
        delay = backoff_delay(
            self.count - 1, self.config.backoff_base_s, self.config.backoff_max_s, exc.retry_after
        )
        await asyncio.sleep(delay)


def _completion(payload: dict[str, Any], endpoint: str) -> Completion:
    try:
        choice = payload["choices"][0]
        message = choice.get("message") or {}
        usage = payload.get("usage") or {}
        return Completion(
            text=message.get("content") or "",
            model=str(payload.get("model", "")),
            finish_reason=choice.get("finish_reason"),
            usage=Usage(
                prompt_tokens=usage.get("prompt_tokens") or 0,
                completion_tokens=usage.get("completion_tokens") or 0,
            ),
            endpoint=endpoint,
        )
    except (KeyError, IndexError, TypeError) as exc:
        raise LLMError(f"{endpoint}: response has no choices ({exc!r})") from None


def _error_detail(payload: Any) -> str:
    if isinstance(payload, dict):
        error = payload.get("error", payload)
        if isinstance(error, dict):
            return str(error.get("message") or error.get("detail") or error)[:300]
        return str(error)[:300]
    return str(payload)[:300]
