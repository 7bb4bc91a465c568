"""Live run events: node started/finished and run finished, per workspace.

Hosted mode (``queue_url`` starting with ``redis://``) uses :class:`RedisBus`, so a daemon
streams what any worker does. Embedded mode uses :class:`SocketBus`: in-process pub/sub, plus a
UNIX datagram socket per process that has subscribers, so the processes of ``al up --workers N``
(and an ``al worker``) sharing one home see each other's runs. Publishing is synchronous and never
raises (a lost event must not fail a run); subscribing is asyncio.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
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

    def listened(self, workspace_id: uuid.UUID | str) -> bool:
        """Whether an event published now could reach anyone (False lets publishers skip building
        per-node events nobody reads). Buses that cannot tell answer True."""
        return True

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

    def listened(self, workspace_id: uuid.UUID | str) -> bool:
        return _key(workspace_id) in self._subs

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


#: Events every stream must see: a publisher waits this long for a full peer queue to drain.
LIFECYCLE_EVENTS = frozenset({"run_started", "run_finished"})
LIFECYCLE_PATIENCE_S = 0.05


class SocketBus(LocalBus):
    """In-process pub/sub that also reaches the other processes using ``directory``.

    A process with at least one subscriber binds a datagram socket ``<directory>/<pid>-<id>.sock``
    (removed when its last subscriber leaves, or by the first publisher that finds it dead);
    publishing sends each event to every other socket there. The directory listing is re-read only
    when the directory changes (one ``stat`` per event), so with no subscriber elsewhere
    publishing costs no more than a local bus. A thread per listening process takes datagrams as
    they come. Sends never block for long: a node event a process cannot take at once is dropped;
    a run's start or end waits up to ``LIFECYCLE_PATIENCE_S`` for the peer's queue to drain (streams
    also fall back to the database for the run's end).
    """

    #: Longest socket path the kernel accepts (sun_path is 108 bytes with its NUL).
    MAX_PATH = 107

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        super().__init__()
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.path = str(self.directory / f"{os.getpid()}-{uuid.uuid4().hex[:8]}.sock")
        self._sender = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self._sender.setblocking(False)
        self._receiver: socket.socket | None = None
        self._seen: int | None = None
        self._peers: list[str] = []
        self._peers_lock = threading.Lock()

    # --- publishing ---------------------------------------------------------------------------

    def publish(self, workspace_id: uuid.UUID | str, event: dict[str, Any]) -> None:
        super().publish(workspace_id, event)
        peers = self._current_peers()
        if not peers:
            return
        try:
            data = json.dumps([_key(workspace_id), event], default=str).encode()
        except (TypeError, ValueError):  # pragma: no cover - events are plain JSON
            return
        patience = LIFECYCLE_PATIENCE_S if event.get("type") in LIFECYCLE_EVENTS else 0.0
        for peer in peers:
            self._send(peer, data, patience)

    def _send(self, peer: str, data: bytes, patience: float) -> None:
        """Send without blocking; a full queue is retried for up to ``patience`` seconds, then the
        event is dropped (a node event at once: a run's start and end are worth a short wait)."""
        deadline = time.monotonic() + patience
        while True:
            try:
                self._sender.sendto(data, peer)
                return
            except (ConnectionRefusedError, FileNotFoundError):  # its process is gone
                self._forget(peer)
                return
            except BlockingIOError:  # its queue is full (net.unix.max_dgram_qlen datagrams)
                if time.monotonic() >= deadline:
                    log.debug("dropping a run event for %s: its queue stayed full", peer)
                    return
                time.sleep(0.001)
            except OSError:  # too large: dropped
                log.debug("dropping a run event for %s", peer, exc_info=True)
                return

    def listened(self, workspace_id: uuid.UUID | str) -> bool:
        """A subscriber here for the workspace, or another process with subscribers (which may
        have one for it: their sockets carry no workspace)."""
        return super().listened(workspace_id) or bool(self._current_peers())

    def _current_peers(self) -> list[str]:
        try:
            changed = os.stat(self.directory).st_mtime_ns
        except OSError:
            return []
        if changed != self._seen:
            with self._peers_lock:
                self._seen = changed
                try:
                    names = os.listdir(self.directory)
                except OSError:
                    names = []
                own = os.path.basename(self.path)
                self._peers = [str(self.directory / n) for n in names if n.endswith(".sock") and n != own]
        return self._peers

    def _forget(self, peer: str) -> None:
        with contextlib.suppress(OSError):
            os.unlink(peer)
        self._seen = None

    # --- receiving ----------------------------------------------------------------------------

    async def subscribe(self, workspace_id: uuid.UUID | str) -> Subscription:
        sub = await super().subscribe(workspace_id)
        if self._receiver is None:
            self._listen()
        return sub

    async def unsubscribe(self, sub: Subscription) -> None:
        await super().unsubscribe(sub)
        if self.subscriber_count() == 0:
            self._stop_listening()

    def _listen(self) -> None:
        if len(self.path) > self.MAX_PATH:
            log.warning("run events stay in this process: socket path too long (%s)", self.path)
            return
        receiver = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        try:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.path)
            receiver.bind(self.path)
        except OSError:
            receiver.close()
            log.warning("run events stay in this process: cannot listen on %s", self.path, exc_info=True)
            return
        self._receiver = receiver
        # A thread of its own, not the event loop: a datagram socket queues only a few datagrams
        # (net.unix.max_dgram_qlen, 10 by default) and a busy loop would let publishers drop them.
        threading.Thread(target=self._receive, args=(receiver,), name="al-events", daemon=True).start()

    def _receive(self, receiver: socket.socket) -> None:
        """Deliver what other processes send, until :meth:`_stop_listening` (an empty datagram)."""
        try:
            while self._receiver is receiver:
                try:
                    batch = [receiver.recv(1 << 20)]
                    while True:  # take everything queued in one go
                        batch.append(receiver.recv(1 << 20, socket.MSG_DONTWAIT))
                except (BlockingIOError, InterruptedError):
                    pass
                except OSError:  # pragma: no cover - closed meanwhile
                    return
                for data in batch:
                    if not data or self._receiver is not receiver:
                        continue
                    try:
                        workspace_id, event = json.loads(data)
                    except (ValueError, TypeError):
                        continue
                    LocalBus.publish(self, workspace_id, event)  # this process's subscribers only
        finally:
            receiver.close()

    def _stop_listening(self) -> None:
        receiver, self._receiver = self._receiver, None
        if receiver is None:
            return
        with contextlib.suppress(OSError):
            self._sender.sendto(b"", self.path)  # wakes the receiving thread, which closes the socket
        with contextlib.suppress(OSError):
            os.unlink(self.path)

    def close(self) -> None:
        self._stop_listening()
        self._sender.close()


def bus_for(queue_url: str, events_dir: str | os.PathLike[str] | None = None) -> EventBus:
    """RedisBus for a ``redis://`` queue URL; else a SocketBus on ``events_dir`` (the home's
    ``run/events``: shared by the processes of one home), or an in-process bus without one."""
    if queue_url.startswith(("redis://", "rediss://")):
        return RedisBus(queue_url)
    if events_dir is not None:
        try:
            return SocketBus(events_dir)
        except OSError:
            log.warning("run events stay in this process: cannot use %s", events_dir, exc_info=True)
    return LocalBus()


def events_dir(settings: Any) -> Path | None:
    """Where the processes of one home meet to exchange run events (``<home>/run/events``)."""
    home = getattr(settings, "home", None)
    return Path(home) / "run" / "events" if home else None
