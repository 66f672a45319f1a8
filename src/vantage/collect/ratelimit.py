"""Per-source rate limiting with token buckets.

Each source gets a bucket that holds up to ``burst`` tokens and refills at ``rate`` tokens per
second; a request takes one token. When the bucket is empty the caller is told how long to wait,
which the API returns as ``Retry-After`` with HTTP 429 (what Segment's and RudderStack's clients
expect and honour).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(slots=True)
class TokenBucket:
    """A token bucket.

    Attributes:
        rate: Tokens added per second.
        burst: Most tokens the bucket holds.
        tokens: Tokens available now.
        updated: Clock reading of the last refill.
    """

    rate: float
    burst: float
    tokens: float
    updated: float

    def take(self, now: float, cost: float = 1.0) -> float:
        """Take ``cost`` tokens if available.

        Args:
            now: The current clock reading (seconds, monotonic).
            cost: Tokens the request needs.

        Returns:
            0.0 when the tokens were taken, else the seconds until enough tokens are available
            (nothing is taken then).
        """
        elapsed = now - self.updated
        if elapsed > 0:
            self.tokens = min(self.burst, self.tokens + elapsed * self.rate)
            self.updated = now
        if self.tokens >= cost:
            self.tokens -= cost
            return 0.0
        return (cost - self.tokens) / self.rate


class RateLimiter:
    """One token bucket per key (a source name), created on first use.

    Args:
        rate: Sustained requests per second allowed for one key.
        burst: Requests a key may make at once before the rate applies.
        clock: Monotonic clock in seconds (tests pass a fake one).

    Raises:
        ValueError: ``rate`` or ``burst`` is not positive.
    """

    def __init__(
        self, rate: float, burst: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if rate <= 0 or burst <= 0:
            raise ValueError(
                f"rate ({rate}) and burst ({burst}) must be positive; "
                "set VANTAGE_COLLECT__RATE_PER_SOURCE and VANTAGE_COLLECT__BURST_PER_SOURCE above 0"
            )
        self.rate = float(rate)
        self.burst = float(burst)
        self.clock = clock
        self._buckets: dict[str, TokenBucket] = {}
        self._lock = threading.Lock()

    def acquire(self, key: str, cost: float = 1.0) -> float:
        """Take ``cost`` tokens from the bucket of ``key``.

        Args:
            key: Whose bucket (a source name).
            cost: Tokens needed; a cost above ``burst`` can never be met and waits forever.

        Returns:
            0.0 when allowed, else the seconds to wait before retrying.
        """
        now = self.clock()
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                bucket = TokenBucket(self.rate, self.burst, self.burst, now)
                self._buckets[key] = bucket
            return bucket.take(now, cost)

    def forget(self, key: str) -> None:
        """Drop the bucket of ``key`` (it starts full again on next use)."""
        with self._lock:
            self._buckets.pop(key, None)


def retry_after_seconds(wait: float) -> int:
    """Whole seconds for a ``Retry-After`` header: the wait rounded up, at least 1."""
    return max(1, math.ceil(wait))
