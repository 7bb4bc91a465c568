# ruff: noqa: F811  (fixtures imported from ._execution)
"""The in-process cache of webhook registrations: local changes are seen at once, changes made
elsewhere (another process, another daemon) within about ``check_every_s``, and the event loop
never waits for the freshness check (cached answers are served while it runs)."""

from __future__ import annotations

import time

from sqlalchemy import delete

from automatelanka.services import webhook_cache
from automatelanka.store.schema import webhooks

from ._execution import ann, bench_workflow, create_active, wclient, worker_overrides  # noqa: F401


def _settle(cache: webhook_cache.WebhookCache, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while cache._revalidating and time.monotonic() < deadline:
        time.sleep(0.01)


def test_a_change_made_elsewhere_is_seen_after_the_background_check(wclient, ann) -> None:
    create_active(wclient, ann.headers, bench_workflow())
    assert wclient.post("/webhook/bench", json={"name": "ada", "n": 7}).status_code == 200
    cache = webhook_cache.for_engine(wclient.app.state.db)
    _settle(cache)
    assert cache.lookup("POST", "bench") is not None
    with wclient.app.state.db.begin() as conn:  # as another process would: no local generation bump
        conn.execute(delete(webhooks))
    assert cache.peek("POST", "bench") is not webhook_cache.MISSING  # not due yet: still cached
    time.sleep(cache.check_every_s + 0.05)
    began = time.perf_counter()
    stale = cache.peek("POST", "bench")  # due: the check starts in the background, no waiting
    assert time.perf_counter() - began < 0.05 and stale is not webhook_cache.MISSING
    _settle(cache)
    assert cache.peek("POST", "bench") is webhook_cache.MISSING
    assert cache.lookup("POST", "bench") is None
    assert wclient.post("/webhook/bench", json={"name": "ada", "n": 7}).status_code == 404


def test_a_local_change_empties_the_cache_at_once(wclient, ann) -> None:
    wf = create_active(wclient, ann.headers, bench_workflow())
    assert wclient.post("/webhook/bench", json={"name": "ada", "n": 7}).status_code == 200
    assert wclient.post(f"/api/workflows/{wf}/deactivate", headers=ann.headers).status_code == 200
    cache = webhook_cache.for_engine(wclient.app.state.db)
    assert cache.peek("POST", "bench") is webhook_cache.MISSING
    assert wclient.post("/webhook/bench", json={"name": "ada", "n": 7}).status_code == 404
