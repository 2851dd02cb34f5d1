"""Endpoint pool and retry policy of the OpenAI-compatible backend."""

from __future__ import annotations

import asyncio
import random
import time
from email.utils import parsedate_to_datetime

RETRYABLE_STATUS = frozenset({408, 409, 425, 429, 500, 502, 503, 504})


def backoff_delay(
    attempt: int,
    base_s: float,
    cap_s: float,
    retry_after_s: float | None = None,
    rng: random.Random | None = None,
) -> float:
    """Seconds to sleep before retry number ``attempt`` (0-based): capped exponential backoff
    with full jitter, never shorter than a (capped) ``Retry-After`` from the server."""
    ceiling = min(cap_s, base_s * (2**attempt))
    delay = (rng or random).uniform(0.0, ceiling)
    if retry_after_s is not None:
        delay = max(delay, min(retry_after_s, cap_s))
    return delay


def parse_retry_after(value: str | None) -> float | None:
    """``Retry-After`` as seconds (delta-seconds or HTTP date); None when absent or unreadable."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def normalise_base_url(url: str) -> str:
    """``http://host:8000`` -> ``http://host:8000/v1``; URLs with a path are kept as given."""
    url = url.rstrip("/")
    scheme, _, rest = url.partition("://")
    return url if "/" in rest else f"{url}/v1"


class Endpoint:
    """One OpenAI-compatible server: its URLs, concurrency limit and health."""

    __slots__ = ("url", "chat_url", "models_url", "semaphore", "in_flight", "down_until")

    def __init__(self, url: str, concurrency: int):
        self.url = normalise_base_url(url)
        self.chat_url = f"{self.url}/chat/completions"
        self.models_url = f"{self.url}/models"
        self.semaphore = asyncio.Semaphore(concurrency)
        self.in_flight = 0  # assigned requests, waiting for the semaphore included
        self.down_until = 0.0

    def mark_down(self, cooldown_s: float) -> None:
        self.down_until = time.monotonic() + cooldown_s

    async def __aenter__(self) -> Endpoint:
        """Take one of the endpoint's request slots (counted as in flight while waiting)."""
        self.in_flight += 1
        try:
            await self.semaphore.acquire()
        except BaseException:
            self.in_flight -= 1
            raise
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self.semaphore.release()
        self.in_flight -= 1


class EndpointPool:
    """Spreads requests over endpoints: the least loaded healthy one, round-robin on ties."""

    def __init__(self, urls: list[str], concurrency: int, cooldown_s: float = 2.0):
        if not urls:
            raise ValueError("an endpoint pool needs at least one URL")
        self.endpoints = [Endpoint(u, concurrency) for u in urls]
        self.cooldown_s = cooldown_s
        self._turn = 0

    def __len__(self) -> int:
        return len(self.endpoints)

    def pick(self, avoid: set[str] | frozenset[str] = frozenset()) -> Endpoint:
        """Choose an endpoint, preferring ones not in ``avoid`` and not cooling down."""
        endpoints = self.endpoints
        if len(endpoints) == 1:
            return endpoints[0]
        now = time.monotonic()
        fresh = [e for e in endpoints if e.url not in avoid] or endpoints
        healthy = [e for e in fresh if e.down_until <= now] or fresh
        self._turn += 1
        start = self._turn % len(healthy)
        rotated = healthy[start:] + healthy[:start]
        return min(rotated, key=lambda e: e.in_flight)

    def has_untried(self, tried: set[str]) -> bool:
        now = time.monotonic()
        return any(e.url not in tried and e.down_until <= now for e in self.endpoints)
