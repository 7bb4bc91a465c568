"""``al up --workers N``: N server processes, each listening on its own ``SO_REUSEPORT`` socket.

With one socket shared by all processes (uvicorn's ``workers=``), the process that wakes first
accepts every connection waiting: 32 keep-alive connections opened together ended up 23/9 between
two processes, and the busier one set the tail latency. With ``SO_REUSEPORT`` (Linux 3.9+) each
process binds the same address and the kernel spreads new connections across their sockets, as
nginx's ``reuseport`` and gunicorn's ``--reuse-port`` do.

The parent (``al up``, which has migrated the database) serves nothing: it checks the address is
free, starts the processes, restarts one that dies (a crash loop at startup stops everything with
an error), and on SIGINT/SIGTERM stops them all (each finishes its requests and lifespan).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import socket
import time
from typing import Any

log = logging.getLogger("automatelanka.daemon")
APP = "automatelanka.daemon.app:served_app"
BACKLOG = 2048
#: A process that exits within this many seconds of starting counts as a failed start.
EARLY_EXIT_S = 10.0
STOP_TIMEOUT_S = 30.0


def supported() -> bool:
    """Whether this platform can spread connections over several listening sockets."""
    return hasattr(socket, "SO_REUSEPORT") and os.name == "posix"


def listening_socket(host: str, port: int, *, listen: bool = True) -> socket.socket:
    """A TCP socket bound to ``host:port`` with ``SO_REUSEPORT`` (listening unless ``listen`` is False)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
        if listen:
            sock.listen(BACKLOG)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def _serve_one(options: dict[str, Any]) -> None:  # pragma: no cover - runs in the child process
    import uvicorn

    sock = listening_socket(options["host"], options["port"])
    config = uvicorn.Config(APP, factory=True, **options)
    uvicorn.Server(config).run(sockets=[sock])


class Supervisor:
    """Runs ``workers`` processes serving :data:`APP` with uvicorn ``options`` (host and port included)."""

    def __init__(self, workers: int, options: dict[str, Any]) -> None:
        self.workers = workers
        self.options = options
        self.context = multiprocessing.get_context("spawn")
        self.processes: list[Any] = []
        self.started: dict[int, float] = {}
        self.stopping = False

    def run(self) -> int:
        """Serve until stopped; 0 after a clean stop, 1 when processes keep failing to start."""
        # Fail now, in the foreground, if something else holds the address (without SO_REUSEPORT).
        probe = listening_socket(self.options["host"], self.options["port"], listen=False)
        previous = {sig: signal.signal(sig, self._stop) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            for _ in range(self.workers):
                self._spawn()
            probe.close()
            return self._watch()
        finally:
            probe.close()
            self._terminate()
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def _spawn(self) -> None:
        process = self.context.Process(target=_serve_one, args=(self.options,), name="al-server", daemon=False)
        process.start()
        self.processes.append(process)
        self.started[process.pid] = time.monotonic()

    def _watch(self) -> int:
        early_exits = 0
        while not self.stopping:
            time.sleep(0.2)
            for process in list(self.processes):
                if process.is_alive() or self.stopping:
                    continue
                self.processes.remove(process)
                lived = time.monotonic() - self.started.pop(process.pid, 0.0)
                early_exits = early_exits + 1 if lived < EARLY_EXIT_S else 0
                if early_exits >= 3:
                    log.error("server processes keep exiting at startup (exit code %s); stopping", process.exitcode)
                    return 1
                log.warning("server process %s exited (code %s); starting another", process.pid, process.exitcode)
                self._spawn()
        return 0

    def _stop(self, signum: int, _frame: Any) -> None:
        self.stopping = True

    def _terminate(self) -> None:
        for process in self.processes:
            if process.is_alive():
                os.kill(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT_S
        for process in self.processes:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join(5)
