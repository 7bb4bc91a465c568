"""Live run events across the processes of one home (embedded mode: services.events.SocketBus)."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import httpx
import pytest

from automatelanka.services.events import SocketBus

from ._server import free_port, wait_ready

WORKFLOW = {
    "name": "hook", "nodes": [
        {"name": "Webhook", "type": "n8n-nodes-base.webhook", "typeVersion": 2, "position": [0, 0],
         "parameters": {"httpMethod": "POST", "path": "bus", "responseMode": "lastNode"}},
        {"name": "Set", "type": "n8n-nodes-base.set", "typeVersion": 3.4, "position": [200, 0],
         "parameters": {"assignments": {"assignments": [
             {"name": "n", "value": "={{ $json.body.n }}", "type": "number"}]}}},
    ],
    "connections": {"Webhook": {"main": [[{"node": "Set", "type": "main", "index": 0}]]}},
}


@pytest.fixture
def short_dir():
    """A short directory: UNIX socket paths are limited to 107 bytes."""
    path = Path(tempfile.mkdtemp(prefix="al-ev-", dir="/tmp"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def _publish_from_another_process(directory: Path, events: list[tuple[str, dict]]) -> None:
    code = ("import json, sys\nfrom automatelanka.services.events import SocketBus\n"
            "bus = SocketBus(sys.argv[1])\n"
            "for ws, event in json.loads(sys.argv[2]):\n    bus.publish(ws, event)\nbus.close()\n")
    subprocess.run([sys.executable, "-c", code, str(directory), json.dumps(events)], check=True, timeout=60)


def test_a_subscriber_gets_the_events_another_process_publishes_for_its_workspace(short_dir: Path) -> None:
    mine, other = str(uuid.uuid4()), str(uuid.uuid4())

    async def scenario() -> list[dict]:
        bus = SocketBus(short_dir)
        try:
            async with bus.subscription(mine) as sub:
                assert list(short_dir.glob("*.sock")), "a process with subscribers listens"
                await asyncio.to_thread(_publish_from_another_process, short_dir, [
                    (other, {"type": "run_finished", "run_id": "theirs"}),
                    (mine, {"type": "run_started", "run_id": "r1"}),
                    (mine, {"type": "run_finished", "run_id": "r1", "status": "success"}),
                ])
                got = [await sub.get(timeout=5), await sub.get(timeout=5)]
                assert await sub.get(timeout=0.2) is None  # the other workspace's event never arrives
            assert not list(short_dir.glob("*.sock")), "no subscriber left: the socket is removed"
            return got
        finally:
            bus.close()

    got = asyncio.run(scenario())
    assert got == [{"type": "run_started", "run_id": "r1"},
                   {"type": "run_finished", "run_id": "r1", "status": "success"}]


def test_publishing_skips_and_removes_the_socket_of_a_dead_process(short_dir: Path) -> None:
    dead = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    dead.bind(str(short_dir / "999999-dead.sock"))
    dead.close()  # its file stays, as after a crash
    bus = SocketBus(short_dir)
    try:
        bus.publish(uuid.uuid4(), {"type": "run_started"})  # no exception
        assert not (short_dir / "999999-dead.sock").exists()
    finally:
        bus.close()


def test_a_full_peer_queue_drops_node_events_at_once_but_a_runs_end_waits_for_room(short_dir: Path) -> None:
    """A peer's datagram queue holds ten events; a busy peer loses node events, not a run's end."""
    peer = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    peer.bind(str(short_dir / "1-peer.sock"))
    bus = SocketBus(short_dir)
    received: list[dict] = []

    def drain_soon() -> None:
        time.sleep(0.01)  # busy for a moment, then reads everything queued
        peer.settimeout(0.5)
        try:
            while True:
                received.append(json.loads(peer.recv(1 << 16))[1])
        except OSError:
            pass

    try:
        started = time.monotonic()
        for i in range(30):
            bus.publish(uuid.uuid4(), {"type": "node_finished", "i": i})
        assert time.monotonic() - started < 0.05  # node events never wait
        reader = threading.Thread(target=drain_soon)
        reader.start()
        bus.publish(uuid.uuid4(), {"type": "run_finished"})
        reader.join()
        kinds = [e["type"] for e in received]
        assert kinds.count("node_finished") < 30 and kinds[-1] == "run_finished"
    finally:
        bus.close()
        peer.close()


def test_a_bus_is_listened_only_while_someone_here_or_in_another_process_subscribes(short_dir: Path) -> None:
    """Publishers skip building per-node events nobody reads (``listened``)."""
    mine, other = str(uuid.uuid4()), str(uuid.uuid4())

    async def scenario() -> None:
        here, elsewhere = SocketBus(short_dir), SocketBus(short_dir)
        try:
            assert not here.listened(mine)
            async with here.subscription(mine):
                assert here.listened(mine) and not here.listened(other)  # this process: per workspace
                assert elsewhere.listened(other)  # another process has subscribers: it cannot tell
            assert not here.listened(mine) and not elsewhere.listened(mine)
        finally:
            here.close()
            elsewhere.close()

    asyncio.run(scenario())


def test_al_up_with_two_processes_streams_every_runs_events(short_dir: Path) -> None:
    """/api/events served by one process sees the runs both processes execute."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "AL_HOME": str(short_dir / "home"), "AL_SECRET_KEY": "test-" + "k" * 40,
           "AL_RATE_LIMIT_IP": "0", "AL_RATE_LIMIT_AUTH": "0", "AL_RATE_LIMIT_WORKSPACE": "0"}
    env.pop("AL_DATABASE_URL", None)
    env.pop("AL_QUEUE_URL", None)
    al = str(Path(sys.executable).parent / "al")
    server = subprocess.Popen([al, "up", "--host", "127.0.0.1", "--port", str(port), "--workers", "2",
                               "--log-level", "warning"], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_ready(base, server)
        client = httpx.Client(base_url=base, timeout=30)
        reg = client.post("/api/auth/register", json={"email": "bus@example.com", "password": "bus password 12"})
        assert reg.status_code in (200, 201), reg.text
        client.headers["Authorization"] = "Bearer " + reg.json()["access_token"]
        wf_id = client.post("/api/workflows/import", json=WORKFLOW).json()["results"][0]["id"]
        assert client.post(f"/api/workflows/{wf_id}/activate").status_code == 200

        finished: set[str] = set()
        connected = threading.Event()

        def listen() -> None:
            with httpx.stream("GET", f"{base}/api/events", headers=client.headers, timeout=30) as stream:
                for line in stream.iter_lines():
                    if line.startswith(": connected"):
                        connected.set()
                    if line.startswith("data: "):
                        event = json.loads(line[6:])
                        if event.get("type") == "run_finished":
                            finished.add(event["run_id"])
                            if len(finished) >= 24:
                                return

        listener = threading.Thread(target=listen, daemon=True)
        listener.start()
        assert connected.wait(20)
        time.sleep(0.3)  # the other process notices the new listener

        def fire(n: int) -> None:
            for i in range(4):  # a new connection each time: either process may take it
                r = httpx.post(f"{base}/webhook/bus", json={"n": n * 10 + i}, timeout=30)
                assert r.status_code == 200 and r.json() == {"n": n * 10 + i}

        workers = [threading.Thread(target=fire, args=(n,)) for n in range(6)]
        for w in workers:
            w.start()
        for w in workers:
            w.join(60)
        listener.join(20)
        runs = client.get("/api/runs", params={"workflow_id": wf_id, "limit": 100}).json()["items"]
        assert len(runs) == 24
        assert finished == {r["id"] for r in runs}
    finally:
        os.killpg(server.pid, signal.SIGINT)
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
