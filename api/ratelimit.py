"""Rate limiting per API key (per client address for the public), in memory, with `limits`.

Each process counts on its own (a moving window); behind several workers the effective
limit is the configured one times the number of workers. Answers 429 problem+json with
`Retry-After`; every limited answer carries `RateLimit-Limit` and `RateLimit-Remaining`.
"""

from __future__ import annotations

import math
import time

from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from api.errors import ProblemError


class RateLimiter:
    """Two limits: one per key, one per public client; an empty limit switches it off."""

    def __init__(self, per_key: str, public: str) -> None:
        self._storage = MemoryStorage()
        self._limiter = MovingWindowRateLimiter(self._storage)
        self._per_key: RateLimitItem | None = parse(per_key) if per_key.strip() else None
        self._public: RateLimitItem | None = parse(public) if public.strip() else None

    def check(self, identity: str, *, public: bool) -> dict[str, str]:
        """Count one request for `identity`; the headers to add, or ProblemError 429."""
        item = self._public if public else self._per_key
        if item is None:
            return {}
        allowed = self._limiter.hit(item, identity)
        stats = self._limiter.get_window_stats(item, identity)
        headers = {
            "RateLimit-Limit": str(item.amount),
            "RateLimit-Remaining": str(max(0, stats.remaining)),
        }
        if not allowed:
            retry = max(1, math.ceil(stats.reset_time - time.time()))
            raise ProblemError(
                429,
                f"rate limit of {item.amount} requests per {item.multiples} "
                f"{item.GRANULARITY.name} exceeded; retry in {retry} s",
                slug="rate-limited",
                headers=headers | {"Retry-After": str(retry)},
            )
        return headers
