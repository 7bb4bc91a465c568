"""Webhook throughput of ``al up`` (the daemon bar: >= 600 requests/s, p99 <= 75 ms, every run saved).

Starts ``al up`` on a temporary SQLite home, imports and activates the shared bench workflow,
checks its answer, runs ``wrk -t2 -c32 -d20s --latency`` against ``/webhook/bench``, then measures
``POST /api/workflows/{id}/run?wait=true`` on the idle daemon. Prints one figure per line.

    .venv/bin/python bench/webhook.py [--duration 20] [--connections 32] [--workers N] [--keep]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("AL_SHARED", ROOT.parent / "shared")) / "bench"
EXPECTED = {"ok": True, "greeting": "Hello ada", "n": 14}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and all its descendants (the worker processes)."""
    total = 0.0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            total += int(line.split()[1]) / 1024
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            total += rss_mb(int(child))
    return total


def cpu_s(pid: int) -> float:
    """CPU seconds (user + system) used so far by ``pid`` and all its descendants."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    total = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            total += cpu_s(int(child))
    return total


def wait_ready(base: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"al up exited with {proc.returncode}")
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise SystemExit("al up did not become ready")


def parse_ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(us|ms|s)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def run_wrk(url: str, duration: int, connections: int) -> dict[str, float]:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install -y wrk)")
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", "-s", str(SHARED / "post.lua"), url]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0 or "Requests/sec" not in done.stdout:
        raise SystemExit(f"wrk failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}")
    out = done.stdout
    figures = {
        "requests_s": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50_ms": parse_ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1)),
        "p75_ms": parse_ms(re.search(r"^\s+75%\s+(\S+)", out, re.M).group(1)),
        "p90_ms": parse_ms(re.search(r"^\s+90%\s+(\S+)", out, re.M).group(1)),
        "p99_ms": parse_ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1)),
        "max_ms": parse_ms(re.search(r"^\s+Latency\s+\S+\s+\S+\s+(\S+)", out, re.M).group(1)),
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
    }
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    figures["non_2xx"] = int(errors.group(1)) if errors else 0
    socket_errors = re.search(r"Socket errors: (.*)", out)
    figures["socket_errors"] = socket_errors.group(1) if socket_errors else "none"
    return figures


def burst(base: str, count: int, concurrency: int = 64) -> int:
    """Send ``count`` webhook requests from ``concurrency`` connections at once; how many got a 200."""
    from concurrent.futures import ThreadPoolExecutor

    def send(share: int) -> int:
        ok = 0
        with httpx.Client(base_url=base, timeout=60) as c:
            for _ in range(share):
                with contextlib.suppress(httpx.HTTPError):
                    ok += c.post("/webhook/bench", json={"name": "ada", "n": 7}).status_code == 200
        return ok

    shares = [count // concurrency + (i < count % concurrency) for i in range(concurrency)]
    with ThreadPoolExecutor(concurrency) as pool:
        return sum(pool.map(send, shares))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=None, help="al up --workers (default: its default)")
    parser.add_argument("--burst", type=int, default=5000, help="requests in the burst check (0: skip)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary home")
    args = parser.parse_args()

    home = Path(tempfile.mkdtemp(prefix="al-bench-"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "AL_HOME": str(home), "AL_PORT": str(port), "AL_SECRET_KEY": "bench-" + "k" * 40,
           "AL_RATE_LIMIT_IP": "0", "AL_RATE_LIMIT_WORKSPACE": "0", "AL_RATE_LIMIT_AUTH": "0"}
    env.pop("AL_DATABASE_URL", None)
    env.pop("AL_QUEUE_URL", None)
    al = Path(sys.executable).with_name("al")
    log = (home / "daemon.log").open("w")
    workers = ["--workers", str(args.workers)] if args.workers else []
    proc = subprocess.Popen([str(al), "up", "--log-level", "warning", *workers], env=env, stdout=subprocess.DEVNULL,
                            stderr=log)
    try:
        wait_ready(base, proc)
        client = httpx.Client(base_url=base, timeout=30)
        reg = client.post("/api/auth/register", json={"email": "bench@example.com", "password": "bench password 1"})
        reg.raise_for_status()
        client.headers["Authorization"] = "Bearer " + reg.json()["access_token"]
        workflow = json.loads((SHARED / "webhook-workflow.json").read_text())
        imported = client.post("/api/workflows/import", json=workflow).json()["results"][0]
        wf_id = imported["id"]
        client.post(f"/api/workflows/{wf_id}/activate").raise_for_status()
        answer = client.post("/webhook/bench", json={"name": "ada", "n": 7})
        if answer.status_code != 200 or answer.json() != EXPECTED:
            raise SystemExit(f"wrong answer: {answer.status_code} {answer.text}")
        for _ in range(200):  # warm up
            client.post("/webhook/bench", json={"name": "ada", "n": 7})

        cpu_before = cpu_s(proc.pid)
        figures = run_wrk(f"{base}/webhook/bench", args.duration, args.connections)
        figures["cpu_ms"] = (cpu_s(proc.pid) - cpu_before) * 1000 / max(1, figures["requests"])
        figures["rss_mb"] = rss_mb(proc.pid)
        time.sleep(0.5)
        stats = client.get(f"/api/workflows/{wf_id}/stats").json()
        figures["saved_runs"] = stats["total"]
        figures["expected_runs"] = figures["requests"] + 201

        latencies = []
        for _ in range(50):
            time.sleep(0.1)
            began = time.perf_counter()
            r = client.post(f"/api/workflows/{wf_id}/run?wait=true&timeout=30",
                            json={"items": [{"body": {"name": "ada", "n": 7}}]})
            latencies.append((time.perf_counter() - began) * 1000)
            assert r.status_code == 200 and r.json()["status"] == "success", r.text
        latencies.sort()
        figures["run_wait_p50_ms"] = round(statistics.median(latencies), 1)
        figures["run_wait_p95_ms"] = round(latencies[int(len(latencies) * 0.95) - 1], 1)

        before = client.get(f"/api/workflows/{wf_id}/stats").json()["total"]
        figures["burst_ok"] = burst(base, args.burst) if args.burst else 0
        time.sleep(0.5)
        figures["burst_runs"] = client.get(f"/api/workflows/{wf_id}/stats").json()["total"] - before
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        if not args.keep:
            shutil.rmtree(home, ignore_errors=True)

    print(f"requests/s          {figures['requests_s']:.0f}")
    print(f"p50                 {figures['p50_ms']:.1f} ms")
    print(f"p75 / p90           {figures['p75_ms']:.1f} / {figures['p90_ms']:.1f} ms")
    print(f"p99                 {figures['p99_ms']:.1f} ms")
    print(f"max                 {figures['max_ms']:.1f} ms")
    print(f"non-2xx / socket    {figures['non_2xx']} / {figures['socket_errors']}")
    print(f"daemon CPU/request  {figures['cpu_ms']:.2f} ms (all processes; wrk's own CPU not included)")
    print(f"resident memory     {figures['rss_mb']:.0f} MB")
    print(f"saved runs          {figures['saved_runs']} of {figures['expected_runs']} requests")
    print(f"run?wait=true idle  p50 {figures['run_wait_p50_ms']} ms, p95 {figures['run_wait_p95_ms']} ms")
    print(f"burst of {args.burst}       {figures['burst_ok']} acknowledged (200), {figures['burst_runs']} runs saved")
    ok = (figures["requests_s"] >= 600 and figures["p99_ms"] <= 75 and figures["saved_runs"] >= figures["expected_runs"]
          and figures["run_wait_p50_ms"] < 50 and figures["burst_runs"] >= figures["burst_ok"])
    print("bar                 " + ("met" if ok else "NOT met"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
