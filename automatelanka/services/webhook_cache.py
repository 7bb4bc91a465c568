"""Webhook registrations cached in-process, so serving a webhook needs no lookup query.

An entry is what :func:`webhooks.resolve` answers for ``(method, path)`` (None included: unknown
paths cost no query either), plus the workflow parsed once for the engine. The cache is emptied

* at once when this process registers, unregisters or changes a secret (``webhooks.generation``);
* when the registrations' fingerprint in the database changes (another process or daemon changed
  them): count and newest ``created_at`` of ``webhooks`` and ``webhook_secrets``, newest
  ``updated_at`` of the registered workflows. It is read at most every ``check_every_s`` (in the
  background while cached answers are served), which bounds how long a change made elsewhere can
  go unseen;
* by :meth:`WebhookCache.forget`, e.g. when a cached workflow turned out to be deleted.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from typing import Any

from sqlalchemy import Engine, func, select

from automatelanka.services import webhooks
from automatelanka.store.db import read_only
from automatelanka.store.schema import webhooks as webhooks_table
from automatelanka.store.schema import workflows
from automatelanka.store.schema_runtime import webhook_secrets

log = logging.getLogger("automatelanka.webhooks")
CHECK_EVERY_S = 0.25
MAX_ENTRIES = 10_000
#: What :meth:`WebhookCache.peek` answers when only a query can tell.
MISSING = object()
_MISSING = MISSING

_REGISTRATIONS = select(func.count(), func.max(webhooks_table.c.created_at), func.max(workflows.c.updated_at)).select_from(
    webhooks_table.join(workflows, workflows.c.id == webhooks_table.c.workflow_id))
_SECRETS = select(func.count(), func.max(webhook_secrets.c.created_at))


def fingerprint(conn: Any) -> tuple[Any, ...]:
    """What changes whenever a registration, a registered workflow or a signing secret changes."""
    return (*conn.execute(_REGISTRATIONS).one(), *conn.execute(_SECRETS).one())


def parsed(definition: dict[str, Any]) -> Any:
    """The engine's Workflow for ``definition`` (its parameters resolve once), else the dict itself
    (an invalid definition then fails in the run, as before)."""
    from automatelanka.engine.workflow import Workflow

    try:
        return Workflow(definition)
    except Exception:
        return definition


class WebhookCache:
    """``lookup(method, path)`` answers like :func:`webhooks.resolve` (see module docstring)."""

    def __init__(self, engine: Engine, *, check_every_s: float = CHECK_EVERY_S) -> None:
        self.engine = engine
        self.check_every_s = check_every_s
        self._entries: dict[tuple[str, str], dict[str, Any] | None] = {}
        self._lock = threading.Lock()
        self._generation = -1
        self._fingerprint: tuple[Any, ...] | None = None
        self._next_check = 0.0
        self._epoch = 0
        self._revalidating = False

    def lookup(self, method: str, path: str) -> dict[str, Any] | None:
        """The registration with ``definition``, ``secret``, ..., and ``workflow`` (parsed); do not mutate."""
        self._validate()
        key = (method.upper(), path.strip("/"))
        entry = self._entries.get(key, _MISSING)
        if entry is not _MISSING:
            return entry  # type: ignore[return-value]
        epoch = self._epoch
        with read_only(self.engine.connect()) as conn:
            found = webhooks.resolve(conn, *key)
        if found is not None:
            found["workflow"] = parsed(found["definition"])
        with self._lock:
            if epoch == self._epoch:  # nothing changed while we read: safe to keep
                if len(self._entries) >= MAX_ENTRIES:
                    self._entries.clear()
                self._entries[key] = found
        return found

    def peek(self, method: str, path: str) -> Any:
        """The cached answer of :meth:`lookup` when it needs no query (the cache holds the key and no
        local change emptied it), else :data:`MISSING`. Never does I/O: safe on an event loop.

        When the fingerprint check is due, it runs in a background thread and the cached answer is
        given meanwhile (stale while revalidating): requests do not queue behind the check, and a
        change made elsewhere is still seen within about ``check_every_s`` plus one query."""
        if webhooks.generation() != self._generation:
            return MISSING
        if time.monotonic() >= self._next_check and not self._revalidating:
            self._revalidating = True
            threading.Thread(target=self._revalidate, name="al-webhook-cache", daemon=True).start()
        return self._entries.get((method.upper(), path.strip("/")), MISSING)

    def _revalidate(self) -> None:
        try:
            self._validate()
        except Exception:  # the next lookup checks again (and reports the error to its caller)
            log.warning("webhook registrations: freshness check failed", exc_info=True)
            self._next_check = 0.0
        finally:
            self._revalidating = False

    def forget(self) -> None:
        with self._lock:
            self._clear()

    def _clear(self) -> None:
        self._entries.clear()
        self._epoch += 1

    def _validate(self) -> None:
        now = time.monotonic()
        generation = webhooks.generation()
        if generation == self._generation and now < self._next_check:
            return
        with self._lock:
            if generation != self._generation:
                self._generation = generation
                self._clear()
            if now < self._next_check:
                return
            self._next_check = now + self.check_every_s
        with read_only(self.engine.connect()) as conn:
            current = fingerprint(conn)
        with self._lock:
            if current != self._fingerprint:
                self._fingerprint = current
                self._clear()


_CACHES: weakref.WeakKeyDictionary[Engine, WebhookCache] = weakref.WeakKeyDictionary()
_CACHES_LOCK = threading.Lock()


def for_engine(engine: Engine) -> WebhookCache:
    """The cache of registrations stored through ``engine`` (one per engine and process)."""
    cache = _CACHES.get(engine)
    if cache is None:
        with _CACHES_LOCK:
            cache = _CACHES.setdefault(engine, WebhookCache(engine))
    return cache
