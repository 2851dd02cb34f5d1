"""The chat-model contract, run against every backend with a real model.

``embedded`` loads SmolLM2-135M-Instruct in-process; ``vllm`` talks to a real vLLM server given
by SPINE_TEST_VLLM_URL (started by scripts/vllm_integration.sh, which runs ``-m vllm``).
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import AsyncIterator
from typing import Literal

import pytest
from pydantic import BaseModel, field_validator

from agents.llm import ChatModel, ImagePart, StructuredOutputError, chat_model, system, user
from tools.settings import Settings

PROMPT = [
    system("You are a spine surgeon. Answer in one short sentence."),
    user("Which nerve root does a posterolateral L4-L5 disc herniation usually compress?"),
]


def backend_settings(name: str) -> Settings:
    common = {"llm_max_tokens": 32, "llm_structured_retries": 1}
    if name == "embedded":
        return Settings(**common)
    url = os.environ.get("SPINE_TEST_VLLM_URL")
    if not url:
        pytest.fail("the vllm contract needs SPINE_TEST_VLLM_URL: run scripts/vllm_integration.sh")
    return Settings(
        llm_base_url=url,
        llm_model=os.environ.get("SPINE_TEST_VLLM_MODEL"),
        llm_vision=False,  # the integration server runs the text-only SmolLM2
        **common,
    )


@pytest.fixture(
    params=[pytest.param("embedded"), pytest.param("vllm", marks=pytest.mark.vllm)],
    scope="module",
)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def model(backend: str) -> AsyncIterator[ChatModel]:
    instance = chat_model(settings=backend_settings(backend))
    yield instance
    await instance.aclose()


class LevelFinding(BaseModel):
    level: Literal["L3-L4", "L4-L5", "L5-S1"]
    side: Literal["left", "right", "central"]
    urgent: bool


class NeverValid(BaseModel):
    level: Literal["L4-L5", "L5-S1"]

    @field_validator("level")
    @classmethod
    def _reject(cls, value: str) -> str:
        raise ValueError("this test's validator rejects every answer")


async def test_complete_returns_text_and_usage(model: ChatModel) -> None:
    completion = await model.complete(PROMPT, temperature=0.0, seed=3)
    assert completion.text.strip()
    assert completion.usage.completion_tokens > 0
    assert completion.finish_reason in {"stop", "length"}


async def test_stream_yields_the_same_text_as_complete(model: ChatModel) -> None:
    whole = await model.complete(PROMPT, temperature=0.0, seed=3)
    pieces = [p async for p in model.stream(PROMPT, temperature=0.0, seed=3)]
    assert len(pieces) > 1  # tokens arrive one by one, not as one block
    assert "".join(pieces) == whole.text


async def test_structured_output_is_validated_into_the_model(model: ChatModel) -> None:
    question = [
        user(
            "MRI: posterolateral disc herniation at L4-L5 on the left, no red flags. "
            "Return the level, the side and whether it is urgent as JSON."
        )
    ]
    finding = await model.structured(question, LevelFinding, temperature=0.0, max_tokens=64)
    assert isinstance(finding, LevelFinding)


async def test_output_failing_validation_raises_with_the_raw_text(model: ChatModel) -> None:
    with pytest.raises(StructuredOutputError) as caught:
        await model.structured([user("Which level?")], NeverValid, temperature=0.0, max_tokens=32)
    error = caught.value
    assert error.attempts == 2  # one try plus llm_structured_retries=1
    assert json.loads(error.raw)["level"] in {"L4-L5", "L5-S1"}  # schema-shaped, yet rejected
    assert "rejects every answer" in error.errors


async def test_image_part_becomes_a_visible_note_for_a_text_model(model: ChatModel) -> None:
    assert not model.supports_images
    image = ImagePart.from_bytes(b"\x89PNG not-a-real-image", label="lumbar-sagittal.png")
    question = [user("Is the L5-S1 disc space narrowed?", [image])]
    wire = model._wire(question)
    assert "lumbar-sagittal.png" in wire[0]["content"]
    completion = await model.complete(question, temperature=0.0)
    assert completion.text.strip()


async def test_concurrent_callers_get_the_answers_a_lone_caller_gets(model: ChatModel) -> None:
    prompts = [
        [user("Name the vertebra below L4.")],
        [user("What does the abbreviation MRI stand for?")],
        [user("Is scoliosis a curvature of the spine?")],
        [user("Name the vertebra above S1.")],
    ]
    alone = [(await model.complete(p, temperature=0.0, seed=1)).text for p in prompts]
    together = await asyncio.gather(*(model.complete(p, temperature=0.0, seed=1) for p in prompts))
    assert [c.text for c in together] == alone
