"""LOOPBACK TEST SERVER — not a model. An OpenAI-compatible HTTP server on 127.0.0.1 that
answers chat completions with a fixed text after a fixed latency, or follows a script of
failures (5xx, 429, hangs, dropped connections).

Used by the client tests (retries, spreading, limits) and by the client-overhead benchmark,
where the fixed latency makes the ideal throughput known (concurrency / latency). Every reply
names its model ``loopback-fixed-latency`` so it can never pass for a real answer.

    python -m benchmarks.loopback_openai --port 8901 --latency 0.05
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

MODEL_ID = "loopback-fixed-latency"
REASONS = {
    200: "OK",
    400: "Bad Request",
    404: "Not Found",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


@dataclass
class Reply:
    """What the server does with one request."""

    status: int = 200
    text: str = "loopback reply"
    pieces: list[str] | None = None  # streamed deltas (default: the text in words)
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float | None = None  # None: the server's latency
    hang: bool = False  # never answer (until the server stops)
    drop: bool = False  # close the connection without answering
    error: dict[str, Any] | None = None  # body of a non-200 reply


Script = Callable[[int, dict[str, Any]], Reply]


def completion_body(text: str) -> bytes:
    return json.dumps(
        {
            "id": "chatcmpl-loopback",
            "object": "chat.completion",
            "model": MODEL_ID,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": text},
                    "finish_reason": "stop",
                }
            ],
            "usage": {"prompt_tokens": 1, "completion_tokens": len(text.split())},
        }
    ).encode()


class LoopbackServer:
    """Start with ``await server.start()``; ``server.url`` is the base URL (…/v1)."""

    def __init__(self, latency_s: float = 0.0, script: Script | None = None, record: bool = True):
        self.latency_s = latency_s
        self.script = script
        self.record = record
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []  # lower-cased names, per recorded request
        self.count = 0
        self.in_flight = 0
        self.max_in_flight = 0
        self.port = 0
        self._server: asyncio.Server | None = None
        self._stopped = asyncio.Event()
        self.connections: set[_Connection] = set()
        self._fast = completion_body(Reply().text)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    async def start(self, port: int = 0) -> LoopbackServer:
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(lambda: _Connection(self), "127.0.0.1", port)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        self._stopped.set()
        if self._server is not None:
            self._server.close()
            for conn in list(self.connections):
                conn.close()
            await self._server.wait_closed()

    async def handle(
        self, conn: _Connection, method: str, path: str, headers: dict[str, str], raw: bytes
    ) -> None:
        if method == "GET" and path.endswith("/models"):
            conn.respond(200, json.dumps({"data": [{"id": MODEL_ID}]}).encode())
            return
        index = self.count
        self.count += 1
        body: dict[str, Any] = json.loads(raw) if (self.record or self.script) and raw else {}
        if self.record:
            self.requests.append(body)
            self.headers.append(headers)
        reply = self.script(index, body) if self.script else None
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if reply is not None and reply.hang:
                await self._stopped.wait()
                return
            delay = self.latency_s if reply is None or reply.delay_s is None else reply.delay_s
            if delay:
                await asyncio.sleep(delay)
            if reply is None:
                conn.respond(200, self._fast)
            elif reply.drop:
                conn.close()
            elif reply.status != 200:
                error = reply.error or {"error": {"message": f"scripted HTTP {reply.status}"}}
                conn.respond(reply.status, json.dumps(error).encode(), reply.headers)
            elif body.get("stream"):
                pieces = reply.pieces or [w + " " for w in reply.text.split()]
                conn.respond_stream(pieces)
            else:
                conn.respond(200, completion_body(reply.text), reply.headers)
        finally:
            self.in_flight -= 1


class _Connection(asyncio.Protocol):
    """Minimal HTTP/1.1 keep-alive connection (no pipelining, Content-Length bodies)."""

    def __init__(self, server: LoopbackServer):
        self.server = server
        self.buffer = bytearray()
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # uvloop's is no subclass
        self.server.connections.add(self)

    def connection_lost(self, exc: Exception | None) -> None:
        self.server.connections.discard(self)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while (end := self.buffer.find(b"\r\n\r\n")) >= 0:
            head = bytes(self.buffer[:end]).decode("latin-1").split("\r\n")
            method, path, _ = head[0].split(" ", 2)
            headers = {}
            for line in head[1:]:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            total = end + 4 + int(headers.get("content-length", 0))
            if len(self.buffer) < total:
                return
            raw = bytes(self.buffer[end + 4 : total])
            del self.buffer[:total]
            handling = self.server.handle(self, method, path, headers, raw)
            asyncio.get_running_loop().create_task(handling)

    def respond(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        if self.transport is None or self.transport.is_closing():
            return
        extra = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
        head = (
            f"HTTP/1.1 {status} {REASONS.get(status, 'Status')}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n{extra}\r\n"
        )
        self.transport.write(head.encode() + body)

    def respond_stream(self, pieces: list[str]) -> None:
        if self.transport is None or self.transport.is_closing():
            return
        events = [
            {"model": MODEL_ID, "choices": [{"index": 0, "delta": {"content": p}}]} for p in pieces
        ]
        payload = b"".join(b"data: " + json.dumps(e).encode() + b"\n\n" for e in events)
        head = b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n"
        self.transport.write(head + payload + b"data: [DONE]\n\n")
        self.transport.close()

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()


_SOURCE = re.compile(r"SOURCE \(.*?\):\n(.*)\n\n", re.S)


def schema_reply(index: int, body: dict[str, Any]) -> Reply:
    """Schema mode: a request carrying a ``json_schema`` response format gets JSON valid against
    it (benchmarks.schema_fill), strings made of the words of the prompt's SOURCE block; a
    field named ``answer`` gets "A" so multiple-choice drafts name one option. Other requests
    get the fixed text. Still no model: nothing reads the question."""
    fmt = body.get("response_format") or {}
    schema = (fmt.get("json_schema") or {}).get("schema")
    if not schema:
        return Reply()
    from benchmarks.schema_fill import fill

    messages = body.get("messages") or []
    last = messages[-1].get("content", "") if messages else ""
    text = last if isinstance(last, str) else " ".join(p.get("text", "") for p in last)
    found = _SOURCE.search(text)
    value = fill(schema, found.group(1) if found else text, seed=index)
    if isinstance(value, dict) and "answer" in value and len(str(value["answer"])) <= 60:
        value["answer"] = "A"
    return Reply(text=json.dumps(value))


async def _serve(port: int, latency_s: float, schema: bool = False) -> None:
    server = await LoopbackServer(
        latency_s=latency_s, script=schema_reply if schema else None, record=False
    ).start(port)
    print(
        f"ready {server.url} (loopback fixed-latency server, {latency_s * 1000:g} ms)", flush=True
    )
    await asyncio.Event().wait()


def main() -> None:
    parser = argparse.ArgumentParser(description="loopback fixed-latency OpenAI-compatible server")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--latency", type=float, default=0.05, help="seconds per call")
    parser.add_argument(
        "--schema", action="store_true", help="answer json_schema requests with schema-valid JSON"
    )
    args = parser.parse_args()
    try:
        import uvloop

        uvloop.run(_serve(args.port, args.latency, args.schema))
    except ImportError:
        asyncio.run(_serve(args.port, args.latency, args.schema))


if __name__ == "__main__":
    main()
