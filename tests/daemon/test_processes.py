"""``al up --workers 2``: each process listens on its own SO_REUSEPORT socket, so connections are
spread over both; a process that dies is replaced; SIGTERM stops them all."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from automatelanka.daemon import processes

from ._server import free_port, wait_ready

pytestmark = pytest.mark.skipif(not processes.supported(), reason="needs SO_REUSEPORT")


def _children(pid: int) -> list[int]:
    """The server processes ``al up`` started (not multiprocessing's resource tracker)."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            try:
                if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes():
                    found.append(int(child))
            except OSError:
                continue
    return found


def _tcp_sockets(pid: int) -> int:
    """Open TCP connections of ``pid`` to the server port, from /proc (Linux)."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    established = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "01":  # ESTABLISHED
                established.add(fields[9])
    return len(inodes & established)


@pytest.fixture
def served() -> Iterator[tuple[str, subprocess.Popen]]:
    home = Path(tempfile.mkdtemp(prefix="al-up-", dir="/tmp"))
    port = free_port()
    env = {**os.environ, "AL_HOME": str(home), "AL_SECRET_KEY": "test-" + "k" * 40}
    env.pop("AL_DATABASE_URL", None)
    env.pop("AL_QUEUE_URL", None)
    al = str(Path(sys.executable).parent / "al")
    server = subprocess.Popen([al, "up", "--host", "127.0.0.1", "--port", str(port), "--workers", "2",
                               "--log-level", "warning"], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base, server)
        deadline = time.monotonic() + 30
        while len(_children(server.pid)) < 2 or not all(_ready_child(base) for _ in range(4)):
            assert time.monotonic() < deadline
            time.sleep(0.2)
        yield base, server
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
        shutil.rmtree(home, ignore_errors=True)


def _ready_child(base: str) -> bool:
    try:
        return httpx.get(f"{base}/readyz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def test_connections_opened_together_are_spread_over_both_processes(served) -> None:
    base, server = served
    port = int(base.rsplit(":", 1)[1])
    children = _children(server.pid)
    before = {pid: _tcp_sockets(pid) for pid in children}
    conns = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(24)]  # all at once, as wrk
    try:
        for conn in conns:  # each keeps its connection open (keep-alive)
            conn.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        for conn in conns:
            assert conn.recv(65536).startswith(b"HTTP/1.1 200")
        gained = {pid: _tcp_sockets(pid) - before[pid] for pid in children}
    finally:
        for conn in conns:
            conn.close()
    assert sum(gained.values()) == 24
    assert min(gained.values()) >= 4, gained  # the kernel hashes connections over the sockets: 12 +- 2.5


def test_a_process_that_dies_is_replaced_and_sigterm_stops_all(served) -> None:
    base, server = served
    first, second = _children(server.pid)
    os.kill(first, signal.SIGKILL)
    deadline = time.monotonic() + 60
    while True:
        children = _children(server.pid)
        if len(children) == 2 and first not in children and all(_ready_child(base) for _ in range(6)):
            break
        assert time.monotonic() < deadline, children
        time.sleep(0.2)
    assert second in children
    os.kill(server.pid, signal.SIGTERM)
    assert server.wait(40) == 0
    for pid in children:
        assert not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text().split()[2]


def test_a_taken_port_is_a_one_line_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {**os.environ, "AL_HOME": tempfile.mkdtemp(prefix="al-up-", dir="/tmp"),
               "AL_SECRET_KEY": "test-" + "k" * 40}
        env.pop("AL_DATABASE_URL", None)
        env.pop("AL_QUEUE_URL", None)
        al = str(Path(sys.executable).parent / "al")
        done = subprocess.run([al, "up", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"], env=env,
                              capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert f"cannot listen on 127.0.0.1:{port}" in done.stderr and "Traceback" not in done.stderr
