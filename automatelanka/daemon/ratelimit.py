"""Request rate limits: a token bucket in memory (one process), or a fixed window in Redis
(hosted mode, shared by every daemon). ``hit`` answers None (go ahead) or the seconds to wait."""

from __future__ import annotations

import logging
import math
import threading
import time
from typing import Protocol

log = logging.getLogger("automatelanka.daemon")


class Limiter(Protocol):
    def hit(self, key: str, limit: int, window_s: float = 60.0) -> float | None: ...


class MemoryLimiter:
    """Token buckets holding ``limit`` tokens, refilled at ``limit / window_s`` per second."""

    MAX_KEYS = 100_000

    def __init__(self, clock=time.monotonic) -> None:
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()
        self._clock = clock

    def hit(self, key: str, limit: int, window_s: float = 60.0) -> float | None:
        if limit <= 0:
            return None
        rate = limit / window_s
        now = self._clock()
        with self._lock:
            tokens, last = self._buckets.get(key, (float(limit), now))
            tokens = min(float(limit), tokens + (now - last) * rate)
            if tokens < 1.0:
                self._buckets[key] = (tokens, now)
                return (1.0 - tokens) / rate
            if len(self._buckets) >= self.MAX_KEYS and key not in self._buckets:
                self._buckets.clear()  # crude bound on memory; buckets refill anyway
            self._buckets[key] = (tokens - 1.0, now)
            return None


class RedisLimiter:
    """Fixed windows counted with INCR in Redis; fails open (logs) when Redis is unreachable."""

    def __init__(self, url: str, prefix: str = "al:rl:") -> None:
        import redis

        self._redis = redis.Redis.from_url(url, socket_timeout=1.0, socket_connect_timeout=1.0)
        self._prefix = prefix

    def hit(self, key: str, limit: int, window_s: float = 60.0) -> float | None:
        if limit <= 0:
            return None
        now = time.time()
        window = int(now // window_s)
        name = f"{self._prefix}{key}:{window}"
        try:
            pipe = self._redis.pipeline()
            pipe.incr(name)
            pipe.expire(name, math.ceil(window_s) + 1)
            count = pipe.execute()[0]
        except Exception as exc:  # the API stays up without Redis; limits resume when it is back
            log.warning("rate limiter: redis unavailable (%s); request allowed", type(exc).__name__)
            return None
        if count > limit:
            return (window + 1) * window_s - now
        return None


def limiter_for(queue_url: str) -> Limiter:
    """Redis-backed in hosted mode (``queue_url`` is redis://), in memory otherwise."""
    if queue_url.startswith(("redis://", "rediss://")):
        return RedisLimiter(queue_url)
    return MemoryLimiter()


def retry_after_header(seconds: float) -> str:
    return str(max(1, math.ceil(seconds)))
