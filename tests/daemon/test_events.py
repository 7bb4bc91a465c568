# ruff: noqa: F811  (fixtures imported from ._execution)
"""Live events as Server-Sent Events: per run and per workspace, scoped to the workspace."""

from __future__ import annotations

import json
import threading
import time

import httpx

from ._execution import ann, ben, create, live, manual_workflow, wclient  # noqa: F401
from .conftest import register_user


def _events(lines) -> list[dict]:
    return [json.loads(line[len("data: "):]) for line in lines if line.startswith("data: ")]


def test_finished_run_stream_ends_with_its_outcome(wclient, ann, ben) -> None:
    h = ann.headers
    wf_id = create(wclient, h, manual_workflow())
    run_id = wclient.post(f"/api/workflows/{wf_id}/run?wait=true", headers=h).json()["run_id"]
    r = wclient.get(f"/api/runs/{run_id}/events", headers=h)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
    [event] = _events(r.text.splitlines())
    assert event["type"] == "run_finished" and event["run_id"] == run_id and event["status"] == "success"
    assert wclient.get(f"/api/runs/{run_id}/events", headers=ben.headers).status_code == 404
    assert wclient.get("/api/events").status_code == 401


def test_live_streams_show_node_events_and_stay_in_their_workspace(live) -> None:
    base, _app = live
    with httpx.Client(base_url=base, timeout=30) as client:
        owner = register_user(client, "live@example.com")  # type: ignore[arg-type]
        other = register_user(client, "other@example.com")  # type: ignore[arg-type]
        wf_id = create(client, owner.headers, manual_workflow("slow", wait_s=0.2, waits=1))  # type: ignore[arg-type]
        seen: dict[str, list[dict]] = {"workspace": [], "other": [], "run": []}
        ready = threading.Barrier(3)

        def listen(key: str, url: str, headers: dict, until_finished: bool) -> None:
            # the other workspace's stream sees nothing: it ends on a 3 s read timeout
            timeout = 30 if until_finished else 3
            with httpx.Client(base_url=base, timeout=timeout) as c, c.stream("GET", url, headers=headers) as r:
                assert r.status_code == 200
                ready.wait(10)
                try:
                    for line in r.iter_lines():
                        if line.startswith("data: "):
                            seen[key].append(json.loads(line[6:]))
                            if seen[key][-1]["type"] == "run_finished" and until_finished:
                                return
                except httpx.ReadTimeout:
                    return

        threads = [threading.Thread(target=listen, args=("workspace", "/api/events", owner.headers, True)),
                   threading.Thread(target=listen, args=("other", "/api/events", other.headers, False))]
        for t in threads:
            t.daemon = True
            t.start()
        ready.wait(10)
        time.sleep(0.2)  # both subscriptions are registered once the first line was sent
        run_id = client.post(f"/api/workflows/{wf_id}/run", headers=owner.headers).json()["run_id"]
        # a stream opened while the run is going
        with httpx.Client(base_url=base, timeout=30) as c, c.stream("GET", f"/api/runs/{run_id}/events",
                                                                     headers=owner.headers) as r:
            for line in r.iter_lines():
                if line.startswith("data: "):
                    seen["run"].append(json.loads(line[6:]))
        for t in threads:
            t.join(15)

    kinds = [(e["type"], e.get("node")) for e in seen["workspace"] if e.get("run_id") == run_id]
    assert kinds[0] == ("run_started", None)
    assert ("node_started", "Double") in kinds and ("node_finished", "Wait0") in kinds
    assert kinds[-1] == ("run_finished", None)
    assert seen["workspace"][-1]["status"] == "success"
    assert seen["run"][-1]["type"] == "run_finished" and seen["run"][-1]["status"] == "success"
    assert all(e.get("run_id") != run_id for e in seen["other"])
