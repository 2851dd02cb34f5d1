"""The OpenAI-compatible client against loopback servers started by each test (no network)."""

from __future__ import annotations

import asyncio
import json
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import aclosing
from typing import Any, Literal

import pytest
from pydantic import BaseModel

from agents.llm import (
    EndpointUnavailableError,
    ImagePart,
    LLMRequestError,
    StructuredOutputError,
    user,
)
from agents.llm.openai_compat import OpenAICompatChatModel
from benchmarks.loopback_openai import MODEL_ID, LoopbackServer, Reply, Script
from tools.settings import Settings

StartServer = Callable[..., Awaitable[LoopbackServer]]


@pytest.fixture
async def start_server() -> AsyncIterator[StartServer]:
    servers: list[LoopbackServer] = []

    async def start(latency_s: float = 0.0, script: Script | None = None) -> LoopbackServer:
        server = await LoopbackServer(latency_s=latency_s, script=script).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        await server.stop()


def client(*urls: str, **overrides: Any) -> OpenAICompatChatModel:
    values: dict[str, Any] = {
        "llm_base_url": ",".join(urls),
        "llm_backoff_base_s": 0.01,
        "llm_backoff_max_s": 0.05,
        "llm_timeout_s": 5.0,
    }
    values.update(overrides)
    return OpenAICompatChatModel(Settings(**values).backend("llm"))


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fail_first(n: int, failure: Reply) -> Script:
    return lambda index, body: failure if index < n else Reply(text="recovered")


async def test_retries_server_errors_then_succeeds(start_server: StartServer) -> None:
    server = await start_server(script=fail_first(2, Reply(status=503)))
    model = client(server.url, llm_max_retries=3)
    completion = await model.complete("Which nerve root does an L4-L5 herniation compress?")
    await model.aclose()
    assert completion.text == "recovered"
    assert server.count == 3
    assert completion.endpoint == server.url


async def test_gives_up_after_bounded_retries_naming_the_endpoint(
    start_server: StartServer,
) -> None:
    server = await start_server(script=lambda i, b: Reply(status=502))
    model = client(server.url, llm_max_retries=2)
    with pytest.raises(EndpointUnavailableError) as caught:
        await model.complete("hello")
    await model.aclose()
    assert server.count == 3
    assert server.url in str(caught.value) and "HTTP 502" in str(caught.value)


async def test_honours_retry_after_on_429(start_server: StartServer) -> None:
    throttled = Reply(status=429, headers={"Retry-After": "0.3"})
    server = await start_server(script=fail_first(1, throttled))
    model = client(server.url, llm_backoff_max_s=1.0)
    started = time.perf_counter()
    completion = await model.complete("hello")
    elapsed = time.perf_counter() - started
    await model.aclose()
    assert completion.text == "recovered"
    assert elapsed >= 0.3


async def test_client_errors_are_not_retried(start_server: StartServer) -> None:
    rejected = Reply(status=400, error={"error": {"message": "max_tokens is too large"}})
    server = await start_server(script=lambda i, b: rejected)
    model = client(server.url, llm_max_retries=3)
    with pytest.raises(LLMRequestError, match="max_tokens is too large") as caught:
        await model.complete("hello")
    await model.aclose()
    assert caught.value.status == 400
    assert server.count == 1


async def test_timeout_is_retried(start_server: StartServer) -> None:
    server = await start_server(script=fail_first(1, Reply(hang=True)))
    model = client(server.url, llm_timeout_s=0.3)
    completion = await model.complete("hello")
    await model.aclose()
    assert completion.text == "recovered"
    assert server.count == 2


async def test_dropped_connection_is_retried(start_server: StartServer) -> None:
    server = await start_server(script=fail_first(1, Reply(drop=True)))
    model = client(server.url)
    assert (await model.complete("hello")).text == "recovered"
    await model.aclose()


async def test_dead_endpoint_error_names_it() -> None:
    url = f"http://127.0.0.1:{closed_port()}/v1"
    model = client(url, llm_max_retries=1)
    with pytest.raises(EndpointUnavailableError) as caught:
        await model.complete("hello")
    await model.aclose()
    message = str(caught.value)
    assert url in message and "cannot connect" in message
    assert "\n" not in message


async def test_fails_over_from_a_dead_endpoint(start_server: StartServer) -> None:
    live = await start_server()
    dead = f"http://127.0.0.1:{closed_port()}/v1"
    model = client(dead, live.url, llm_max_retries=2)
    results = await asyncio.gather(*(model.complete(f"q{i}") for i in range(10)))
    await model.aclose()
    assert all(r.endpoint == live.url for r in results)
    assert live.count == 10


async def test_spreads_load_over_endpoints(start_server: StartServer) -> None:
    a = await start_server(latency_s=0.02)
    b = await start_server(latency_s=0.02)
    model = client(a.url, b.url)
    await asyncio.gather(*(model.complete(f"q{i}") for i in range(40)))
    await model.aclose()
    assert a.count + b.count == 40
    assert 10 <= a.count <= 30, (a.count, b.count)


async def test_limits_concurrency_per_endpoint(start_server: StartServer) -> None:
    server = await start_server(latency_s=0.03)
    model = client(server.url, llm_concurrency=4)
    await asyncio.gather(*(model.complete(f"q{i}") for i in range(20)))
    await model.aclose()
    assert server.max_in_flight == 4


class LevelFinding(BaseModel):
    level: Literal["L3-L4", "L4-L5", "L5-S1"]
    urgent: bool


async def test_structured_output_uses_response_format_json_schema(
    start_server: StartServer,
) -> None:
    answer = json.dumps({"level": "L4-L5", "urgent": False})
    server = await start_server(script=lambda i, b: Reply(text=answer))
    model = client(server.url, llm_model="spinegpt")
    finding = await model.structured("Which level?", LevelFinding)
    await model.aclose()
    assert finding == LevelFinding(level="L4-L5", urgent=False)
    sent = server.requests[0]
    assert sent["model"] == "spinegpt"
    assert sent["response_format"]["type"] == "json_schema"
    assert sent["response_format"]["json_schema"]["schema"] == LevelFinding.model_json_schema()
    assert "guided_json" not in sent and "guided_json" not in sent.get("extra_body", {})


async def test_invalid_structured_output_is_retried_then_raised_with_raw_text(
    start_server: StartServer,
) -> None:
    wrong = json.dumps({"level": "L7-L8", "urgent": "maybe"})
    server = await start_server(script=lambda i, b: Reply(text=wrong))
    model = client(server.url, llm_structured_retries=2)
    with pytest.raises(StructuredOutputError) as caught:
        await model.structured("Which level?", LevelFinding)
    await model.aclose()
    assert caught.value.raw == wrong and caught.value.attempts == 3
    assert server.count == 3
    repair = server.requests[1]["messages"]
    assert repair[-2] == {"role": "assistant", "content": wrong}
    assert "did not validate" in repair[-1]["content"]


async def test_plain_json_schema_output_is_validated(start_server: StartServer) -> None:
    schema = {
        "type": "object",
        "properties": {"level": {"enum": ["L4-L5", "L5-S1"]}},
        "required": ["level"],
    }
    replies = [json.dumps({"level": "L6-S1"}), json.dumps({"level": "L5-S1"})]
    server = await start_server(script=lambda i, b: Reply(text=replies[min(i, 1)]))
    model = client(server.url, llm_structured_retries=1)
    assert await model.structured_json("Which level?", schema) == {"level": "L5-S1"}
    repair = server.requests[1]["messages"][-1]["content"]
    assert "$.level" in repair and "L6-S1" in repair
    with pytest.raises(StructuredOutputError, match="'side' is a required property"):
        await model.structured_json("Which level?", {**schema, "required": ["level", "side"]})
    await model.aclose()


async def test_streams_server_sent_events(start_server: StartServer) -> None:
    pieces = ["The ", "L5 ", "root."]
    server = await start_server(script=lambda i, b: Reply(pieces=pieces))
    model = client(server.url)
    received = [p async for p in model.stream("hello")]
    await model.aclose()
    assert received == pieces
    assert server.requests[0]["stream"] is True


async def test_abandoned_stream_frees_its_slot(start_server: StartServer) -> None:
    server = await start_server(script=lambda i, b: Reply(pieces=["a ", "b ", "c "]))
    model = client(server.url, llm_concurrency=1)
    async with aclosing(model.stream("hello")) as pieces:
        async for _ in pieces:
            break
    assert model.pool.endpoints[0].in_flight == 0
    # with one slot per endpoint, a leaked slot would block this call for ever
    again = await asyncio.wait_for(model.complete("again"), timeout=5)
    await model.aclose()
    assert again.text == "loopback reply"


async def test_stream_retries_before_the_first_token(start_server: StartServer) -> None:
    server = await start_server(script=fail_first(1, Reply(status=503)))
    model = client(server.url)
    text = "".join([p async for p in model.stream("hello")])
    await model.aclose()
    assert text.strip() == "recovered"
    assert server.count == 2


async def sent_with_image(start_server: StartServer, vision: bool) -> Any:
    """The user message content the endpoint received for a question with one image."""
    server = await start_server()
    model = client(server.url, llm_vision=vision)
    image = ImagePart.from_bytes(b"\x89PNG fake-bytes", label="sagittal.png")
    await model.complete([user("What level is collapsed?", [image])])
    await model.aclose()
    return server.requests[0]["messages"][0]["content"]


async def test_image_parts_reach_a_vision_endpoint(start_server: StartServer) -> None:
    content = await sent_with_image(start_server, vision=True)
    assert content[0]["type"] == "image_url"
    assert content[0]["image_url"]["url"].startswith("data:image/png;base64,")
    assert content[1] == {"type": "text", "text": "What level is collapsed?"}


async def test_text_only_endpoint_gets_a_note_instead_of_the_image(
    start_server: StartServer,
) -> None:
    content = await sent_with_image(start_server, vision=False)
    assert isinstance(content, str)
    assert "sagittal.png" in content and "did not see it" in content


async def test_model_name_is_discovered_when_unset(start_server: StartServer) -> None:
    server = await start_server()
    model = client(server.url)
    await model.complete("hello")
    await model.aclose()
    assert server.requests[0]["model"] == MODEL_ID


async def test_api_key_is_sent_as_a_bearer_token(start_server: StartServer) -> None:
    server = await start_server()
    model = client(server.url, llm_api_key="hospital-secret")
    await model.complete("hello")
    await model.aclose()
    assert server.headers[0]["authorization"] == "Bearer hospital-secret"
