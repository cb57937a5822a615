"""Per-client rate limits for public endpoints (number check, fake reports), kept in the server process.

A fixed-window counter per (limit name, client): O(1) per request and a few
bytes per active client; windows older than the current one are dropped as
they are met. Limits are per process: with several workers the effective limit
is that many times higher, which is acceptable for abuse protection (login
failures, which need an exact count, are counted in the database instead).

>>> limits = RateLimits()
>>> [limits.hit("check", "1.2.3.4", limit=2, window_s=60, now=t) for t in (0.0, 1.0, 2.0, 61.0)]
[True, True, False, True]
"""

from __future__ import annotations

import time
from collections.abc import Callable
from threading import Lock

from fastapi import Request

from anxin.errors import TooManyRequests


class RateLimits:
    """Counters of all named limits; thread-safe because sync routes run in a thread pool."""

    def __init__(self) -> None:
        self._counts: dict[tuple[str, str], tuple[int, int]] = {}
        self._lock = Lock()

    def hit(self, name: str, client: str, *, limit: int, window_s: int, now: float | None = None) -> bool:
        """Count one request; False when the client is over ``limit`` in the current window."""
        window = int((time.monotonic() if now is None else now) // window_s)
        key = (name, client)
        with self._lock:
            start, count = self._counts.get(key, (window, 0))
            if start != window:
                start, count = window, 0
            count += 1
            self._counts[key] = (start, count)
            if len(self._counts) > 100_000:  # drop stale windows so memory stays bounded
                self._counts = {k: v for k, v in self._counts.items() if v[0] == window}
        return count <= limit


def rate_limited(name: str, *, limit: int, window_s: int = 60) -> Callable[[Request], None]:
    """A dependency that refuses a client's request past ``limit`` per ``window_s`` with 429."""

    def check(request: Request) -> None:
        client = request.client.host if request.client else "unknown"
        if not request.app.state.rate_limits.hit(name, client, limit=limit, window_s=window_s):
            raise TooManyRequests(
                f"more than {limit} requests in {window_s} s; try again shortly",
                message_zh="请求过于频繁，请稍后再试",
                detail={"retry_after_s": window_s},
            )

    return check
