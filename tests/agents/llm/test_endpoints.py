"""Pure pieces of the endpoint pool: backoff, Retry-After, URL normalisation, picking."""

from __future__ import annotations

import random

from agents.llm.endpoints import EndpointPool, backoff_delay, normalise_base_url, parse_retry_after


def test_backoff_is_capped_exponential_with_full_jitter() -> None:
    rng = random.Random(7)
    delays = [backoff_delay(n, 0.5, 4.0, rng=rng) for n in range(8) for _ in range(50)]
    assert all(0.0 <= d <= 4.0 for d in delays)
    assert max(backoff_delay(0, 0.5, 4.0, rng=rng) for _ in range(200)) <= 0.5
    assert backoff_delay(0, 0.5, 4.0, retry_after_s=3.0, rng=rng) >= 3.0
    assert backoff_delay(0, 0.5, 4.0, retry_after_s=60.0, rng=rng) == 4.0


def test_retry_after_parsing() -> None:
    assert parse_retry_after("2") == 2.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0


def test_base_url_normalisation() -> None:
    assert normalise_base_url("http://gpu1:8000") == "http://gpu1:8000/v1"
    assert normalise_base_url("http://gpu1:8000/v1/") == "http://gpu1:8000/v1"
    assert normalise_base_url("https://gw.example/llm/v1") == "https://gw.example/llm/v1"


def test_pick_prefers_untried_healthy_endpoints() -> None:
    pool = EndpointPool(["http://a/v1", "http://b/v1", "http://c/v1"], concurrency=4)
    a, b, c = pool.endpoints
    assert pool.pick({a.url, b.url}) is c
    c.mark_down(60)
    assert pool.pick({a.url}) is b
    assert pool.has_untried({a.url})
    assert not pool.has_untried({a.url, b.url})  # c is resting


def test_pick_takes_the_least_loaded() -> None:
    pool = EndpointPool(["http://a/v1", "http://b/v1"], concurrency=4)
    pool.endpoints[0].in_flight = 3
    assert all(pool.pick() is pool.endpoints[1] for _ in range(4))
