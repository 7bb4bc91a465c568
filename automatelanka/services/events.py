"""Live run events: node started/finished and run finished, per workspace.

Embedded mode uses :class:`LocalBus` (in-process pub/sub); hosted mode (``queue_url`` starting
with ``redis://``) uses :class:`RedisBus`, so a daemon streams what any worker does. Publishing is
synchronous and never raises (a lost event must not fail a run); subscribing is asyncio.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
import uuid
from collections.abc import AsyncIterator
from typing import Any

log = logging.getLogger("automatelanka.events")
CHANNEL_PREFIX = "al:events:"


def _key(workspace_id: uuid.UUID | str) -> str:
    return str(workspace_id)


class Subscription:
    """Events of one workspace, in order, for one consumer (an SSE stream, a waiting request)."""

    def __init__(self, bus: EventBus, workspace_id: str) -> None:
        self.bus = bus
        self.workspace_id = workspace_id
        self.queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(maxsize=10_000)
        self.loop = asyncio.get_running_loop()

    def deliver(self, event: dict[str, Any]) -> None:
        """Called from any thread."""
        def put() -> None:
            with contextlib.suppress(asyncio.QueueFull):
                self.queue.put_nowait(event)

        if not self.loop.is_closed():
            self.loop.call_soon_threadsafe(put)

    async def get(self, timeout: float | None = None) -> dict[str, Any] | None:
        """The next event, or None after ``timeout`` seconds."""
        try:
            return await asyncio.wait_for(self.queue.get(), timeout)
        except TimeoutError:
            return None

    async def close(self) -> None:
        await self.bus.unsubscribe(self)


class EventBus:
    """Interface: ``publish`` from worker threads, ``subscribe`` from the event loop."""

    def publish(self, workspace_id: uuid.UUID | str, event: dict[str, Any]) -> None:
        raise NotImplementedError

    async def subscribe(self, workspace_id: uuid.UUID | str) -> Subscription:
        raise NotImplementedError

    async def unsubscribe(self, sub: Subscription) -> None:
        raise NotImplementedError

    def close(self) -> None:
        pass

    @contextlib.asynccontextmanager
    async def subscription(self, workspace_id: uuid.UUID | str) -> AsyncIterator[Subscription]:
        sub = await self.subscribe(workspace_id)
        try:
            yield sub
        finally:
            await sub.close()


class LocalBus(EventBus):
    """In-process pub/sub: subscribers are registered per workspace."""

    def __init__(self) -> None:
        self._subs: dict[str, set[Subscription]] = {}
        self._lock = threading.Lock()

    def publish(self, workspace_id: uuid.UUID | str, event: dict[str, Any]) -> None:
        with self._lock:
            targets = list(self._subs.get(_key(workspace_id), ()))
        for sub in targets:
            try:
                sub.deliver(event)
            except Exception:  # pragma: no cover - a closed loop
                log.debug("dropping event for a closed subscriber", exc_info=True)

    async def subscribe(self, workspace_id: uuid.UUID | str) -> Subscription:
        sub = Subscription(self, _key(workspace_id))
        with self._lock:
            self._subs.setdefault(sub.workspace_id, set()).add(sub)
        return sub

    async def unsubscribe(self, sub: Subscription) -> None:
        with self._lock:
            subs = self._subs.get(sub.workspace_id)
            if subs is not None:
                subs.discard(sub)
                if not subs:
                    del self._subs[sub.workspace_id]

    def subscriber_count(self) -> int:
        with self._lock:
            return sum(len(s) for s in self._subs.values())


class RedisBus(EventBus):
    """Redis pub/sub on ``al:events:<workspace_id>``; local subscribers are fed by one listener task."""

    def __init__(self, url: str) -> None:
        import redis

        self.url = url
        self._client = redis.Redis.from_url(url)
        self._local = LocalBus()
        self._listeners: dict[str, tuple[asyncio.Task[None], Any]] = {}
        self._lock = asyncio.Lock()

    def publish(self, workspace_id: uuid.UUID | str, event: dict[str, Any]) -> None:
        try:
            self._client.publish(CHANNEL_PREFIX + _key(workspace_id), json.dumps(event, default=str))
        except Exception:
            log.warning("could not publish a run event to Redis", exc_info=True)

    async def subscribe(self, workspace_id: uuid.UUID | str) -> Subscription:
        key = _key(workspace_id)
        sub = await self._local.subscribe(key)
        sub.bus = self
        async with self._lock:
            if key not in self._listeners:
                import redis.asyncio as aioredis

                client = aioredis.Redis.from_url(self.url)
                pubsub = client.pubsub(ignore_subscribe_messages=True)
                await pubsub.subscribe(CHANNEL_PREFIX + key)
                task = asyncio.get_running_loop().create_task(self._listen(key, pubsub))
                self._listeners[key] = (task, (client, pubsub))
        return sub

    async def _listen(self, key: str, pubsub: Any) -> None:
        while True:
            try:
                message = await pubsub.get_message(timeout=1.0)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("Redis event listener failed; retrying", exc_info=True)
                await asyncio.sleep(0.5)
                continue
            if message and message.get("type") == "message":
                try:
                    self._local.publish(key, json.loads(message["data"]))
                except ValueError:
                    continue

    async def unsubscribe(self, sub: Subscription) -> None:
        await self._local.unsubscribe(sub)
        key = sub.workspace_id
        async with self._lock:
            still = self._local._subs.get(key)
            if still or key not in self._listeners:
                return
            task, (client, pubsub) = self._listeners.pop(key)
        task.cancel()
        with contextlib.suppress(BaseException):
            await task
        with contextlib.suppress(Exception):
            await pubsub.aclose()
            await client.aclose()

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._client.close()


def bus_for(queue_url: str) -> EventBus:
    """RedisBus for a ``redis://`` queue URL, else an in-process bus."""
    if queue_url.startswith(("redis://", "rediss://")):
        return RedisBus(queue_url)
    return LocalBus()
