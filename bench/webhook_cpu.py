"""CPU per webhook request, in-process: the daemon's ASGI app without the HTTP server.

Builds the app ``al up`` serves (SQLite home in a temporary directory, in-process worker), imports
and activates ../shared/bench/webhook-workflow.json, then sends ``--requests`` POSTs to
``/webhook/bench`` straight into the ASGI app from ``--concurrency`` tasks on one event loop and
prints the process CPU time per request (all threads: the loop and the group-commit writer);
the minimum over rounds is the figure least disturbed by other load.
Also prints user/system time and context switches per request, the CPU of each thread, and the
latency inside the app. Steadier than ``bench/webhook.py`` on a shared machine, so use it to
compare changes (py-spy ``record --gil`` on it shows where the time goes); the bar itself is
measured by ``bench/webhook.py``.

    .venv/bin/python bench/webhook_cpu.py [--requests 3000] [--concurrency 32] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("AL_SHARED", ROOT.parent / "shared")) / "bench"
BODY = json.dumps({"name": "ada", "n": 7}).encode()


async def call(app: Any, method: str, path: str, body: bytes = b"", headers: list[tuple[bytes, bytes]] | None = None
               ) -> tuple[int, bytes]:
    """One request through the ASGI app: (status, body)."""
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method, "scheme": "http",
             "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
             "headers": [(b"host", b"127.0.0.1"), (b"content-type", b"application/json"),
                         (b"content-length", str(len(body)).encode()), *(headers or [])],
             "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 5678), "state": {}}
    sent = False
    status, chunks = 0, []

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.sleep(3600)
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    return status, b"".join(chunks)


def thread_cpu() -> dict[str, float]:
    """CPU seconds used so far by this process's live threads, summed per thread name (Linux)."""
    import threading

    names = {t.native_id: t.name for t in threading.enumerate()}
    out: dict[str, float] = {}
    for task in Path("/proc/self/task").iterdir():
        fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
        name = names.get(int(task.name), "other")
        out[name] = out.get(name, 0.0) + (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return out


async def main_async(args: argparse.Namespace) -> None:
    home = Path(tempfile.mkdtemp(prefix="al-cpu-"))
    os.environ.update({"AL_HOME": str(home), "AL_SECRET_KEY": "bench-" + uuid.uuid4().hex,
                       "AL_RATE_LIMIT_IP": "0", "AL_RATE_LIMIT_WORKSPACE": "0", "AL_RATE_LIMIT_AUTH": "0"})
    os.environ.pop("AL_DATABASE_URL", None)
    os.environ.pop("AL_QUEUE_URL", None)
    from automatelanka.config import load_settings
    from automatelanka.daemon.app import create_app
    from automatelanka.store import migrate

    settings = load_settings()
    migrate.upgrade(settings.database_url)
    app = create_app(settings, run_worker=True)
    app.state.freeze_gc = True  # as in `al up`
    async with app.router.lifespan_context(app):
        status, out = await call(app, "POST", "/api/auth/register",
                                 json.dumps({"email": "bench@example.com", "password": "bench password 1"}).encode())
        token = json.loads(out)["access_token"]
        auth = [(b"authorization", f"Bearer {token}".encode())]
        status, out = await call(app, "POST", "/api/workflows/import", (SHARED / "webhook-workflow.json").read_bytes(),
                                 auth)
        wf_id = json.loads(out)["results"][0]["id"]
        await call(app, "POST", f"/api/workflows/{wf_id}/activate", b"", auth)
        status, out = await call(app, "POST", "/webhook/bench", BODY)
        if status != 200 or json.loads(out) != {"ok": True, "greeting": "Hello ada", "n": 14}:
            raise SystemExit(f"wrong answer: {status} {out!r}")

        latencies: list[float] = []

        async def worker(n: int) -> None:
            for _ in range(n):
                began = time.perf_counter()
                status, _ = await call(app, "POST", "/webhook/bench", BODY)
                latencies.append(time.perf_counter() - began)
                assert status == 200, status

        async def burst(total: int) -> float:
            share = total // args.concurrency
            began = time.process_time()
            await asyncio.gather(*(worker(share) for _ in range(args.concurrency)))
            return (time.process_time() - began) * 1000 / (share * args.concurrency)

        await burst(min(500, args.requests))  # warm up
        latencies.clear()
        threads_before, usage_before = thread_cpu(), resource.getrusage(resource.RUSAGE_SELF)
        figures = [await burst(args.requests) for _ in range(args.rounds)]
        threads_after, usage_after = thread_cpu(), resource.getrusage(resource.RUSAGE_SELF)
    n = args.requests // args.concurrency * args.concurrency * args.rounds
    user = (usage_after.ru_utime - usage_before.ru_utime) * 1000 / n
    system = (usage_after.ru_stime - usage_before.ru_stime) * 1000 / n
    switches = (usage_after.ru_nvcsw + usage_after.ru_nivcsw - usage_before.ru_nvcsw - usage_before.ru_nivcsw) / n
    by_thread = {name: (cpu - threads_before.get(name, 0.0)) * 1000 / n for name, cpu in threads_after.items()}
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(len(latencies) * p))] * 1000

    print(f"CPU per request: min {min(figures):.3f} ms, median {statistics.median(figures):.3f} ms "
          f"(rounds: {', '.join(f'{f:.3f}' for f in figures)}; {args.requests} requests from "
          f"{args.concurrency} tasks each)")
    print(f"user {user:.3f} ms, system {system:.3f} ms, {switches:.1f} context switches per request")
    print("by thread: " + ", ".join(f"{name} {ms:.3f} ms" for name, ms in sorted(by_thread.items(), key=lambda p: -p[1])
                                    if ms >= 0.005))
    print(f"latency in the app ({args.concurrency} concurrent): p50 {pct(0.5):.1f} ms, p90 {pct(0.9):.1f} ms, "
          f"p99 {pct(0.99):.1f} ms, max {latencies[-1] * 1000:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
