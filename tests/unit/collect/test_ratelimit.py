"""Token buckets per source."""

from __future__ import annotations

import pytest

from vantage.collect.ratelimit import RateLimiter, TokenBucket, retry_after_seconds


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_burst_then_rate() -> None:
    clock = FakeClock()
    limiter = RateLimiter(rate=2.0, burst=3, clock=clock)
    assert [limiter.acquire("web") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.acquire("web") == pytest.approx(0.5)
    clock.now += 0.5
    assert limiter.acquire("web") == 0.0
    assert limiter.acquire("web") == pytest.approx(0.5)


def test_refill_never_exceeds_burst() -> None:
    clock = FakeClock()
    limiter = RateLimiter(rate=10.0, burst=2, clock=clock)
    limiter.acquire("web")
    clock.now += 3600
    assert [limiter.acquire("web") for _ in range(3)][-1] > 0


def test_sources_have_their_own_buckets() -> None:
    limiter = RateLimiter(rate=1.0, burst=1, clock=FakeClock())
    assert limiter.acquire("web") == 0.0
    assert limiter.acquire("web") > 0
    assert limiter.acquire("app") == 0.0
    limiter.forget("web")
    assert limiter.acquire("web") == 0.0


def test_a_refused_request_takes_nothing() -> None:
    bucket = TokenBucket(rate=1.0, burst=2.0, tokens=0.5, updated=0.0)
    assert bucket.take(0.0) == pytest.approx(0.5)
    assert bucket.tokens == 0.5
    assert bucket.take(0.5) == 0.0


def test_cost_counts_several_tokens() -> None:
    limiter = RateLimiter(rate=1.0, burst=10, clock=FakeClock())
    assert limiter.acquire("web", cost=8) == 0.0
    assert limiter.acquire("web", cost=4) == pytest.approx(2.0)


@pytest.mark.parametrize(("rate", "burst"), [(0, 1), (1, 0), (-1, 5)])
def test_rejects_non_positive_settings(rate: float, burst: float) -> None:
    with pytest.raises(ValueError, match="must be positive; set VANTAGE_COLLECT__RATE_PER_SOURCE"):
        RateLimiter(rate, burst)


@pytest.mark.parametrize(("wait", "seconds"), [(0.01, 1), (1.0, 1), (1.2, 2), (29.5, 30)])
def test_retry_after_rounds_up(wait: float, seconds: int) -> None:
    assert retry_after_seconds(wait) == seconds
