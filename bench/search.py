"""Search latency: the n8n corpus (2,061 workflows) and N synthetic workflows (default 100,000).

usage: python bench/search.py [--corpus ../shared/corpus/workflows] [--synthetic 100000] [--db sqlite|postgres]
                              [--api]

Times what ``GET /api/ai-search/semantic`` runs per request (the freshness check, then the search on
a read-only connection), for the natural-language and keyword queries of ../shared/search_eval
plus a few more, limit 20. Prints p50/p90/p99 in milliseconds, wall clock and CPU time (the
latter is what the code costs when the machine is shared with other load).

``--api`` times the HTTP route itself instead: a daemon (``al up``, one process) on a free port,
a signed-in user's workspace holding the workflows, one keep-alive httpx client; CPU time is then
the client's, so only wall-clock figures count.
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import insert

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from automatelanka.search.corpus import import_folder  # noqa: E402
from automatelanka.services import search  # noqa: E402
from automatelanka.store import migrate  # noqa: E402
from automatelanka.store.db import create_engine_for, read_only  # noqa: E402
from automatelanka.store.repositories import workspaces  # noqa: E402
from automatelanka.store.repositories.workflows import content_hash  # noqa: E402
from automatelanka.store.schema import workflows  # noqa: E402
from automatelanka.store.types import new_id, utcnow  # noqa: E402

EXTRA = ["slack", "send email", "webhook to postgres", "daily report", "telgram bot", "chatgpt summarize articles",
         "sync hubspot contacts to mailchimp", "github issues to discord", "pdf", "airtable"]


def queries() -> list[str]:
    sys.path.insert(0, str(ROOT.parent / "shared" / "search_eval"))
    try:
        from queries import KEYWORDS, Q
    except ImportError:
        return EXTRA
    return [q for q, _ in Q.values()] + list(KEYWORDS.values()) + EXTRA


def database(kind: str) -> str:
    if kind == "postgres":
        from sqlalchemy import create_engine, text

        name = f"al_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine("postgresql+psycopg://postgres@127.0.0.1:5432/test", isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    return f"sqlite:///{tempfile.mkdtemp()}/bench.db"


def drop_database(url: str) -> None:
    """Drop a database :func:`database` created on PostgreSQL (SQLite files are left in /tmp)."""
    if not url.startswith("postgresql"):
        return
    from sqlalchemy import create_engine, text

    admin = create_engine("postgresql+psycopg://postgres@127.0.0.1:5432/test", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}"'))
    admin.dispose()


def synthesize(engine, workspace_id: uuid.UUID, corpus: Path, n: int, seed: int = 7) -> None:
    """``n`` workflows mixing the corpus's node-type combinations and words, inserted in bulk."""
    import json

    rng = random.Random(seed)
    shapes, words = [], []
    for f in sorted(corpus.rglob("*.json")):
        d = json.loads(f.read_text())
        types = [n.get("type") for n in d.get("nodes", []) if isinstance(n, dict) and n.get("type")]
        if types:
            shapes.append(types)
            words += str(d.get("name", "")).split()
    batch = []
    for i in range(n):
        types = list(rng.choice(shapes))
        if rng.random() < 0.5:
            types += rng.choice(shapes)[:3]
        definition = {"name": "", "nodes": [{"name": f"n{j}", "type": t, "parameters": {}} for j, t in
                                            enumerate(types)], "connections": {}}
        name = " ".join(rng.choice(words) for _ in range(rng.randint(2, 6)))
        definition["name"] = name
        now = utcnow()
        batch.append({"id": new_id(), "workspace_id": workspace_id, "name": name, "filename": f"syn_{i}.json",
                      "definition": definition, "description": "", "active": False, "public": False, "tags": [],
                      "nodes_count": len(types), "integrations": [], "category": None, "trigger_type": None,
                      "popularity": 0.0, "usage_count": 0, "content_hash": content_hash(definition),
                      "created_at": now, "updated_at": now, "created_by": None})
        if len(batch) == 2000 or i == n - 1:
            with engine.begin() as conn:
                conn.execute(insert(workflows), batch)
                for row in batch:
                    search.index_workflow(conn, row)
            batch = []


def measure(engine, workspace_id: uuid.UUID, qs: list[str], rounds: int, daemon: Daemon | None = None
            ) -> dict[str, float]:
    def one(q: str) -> None:
        if daemon is not None:
            daemon.get(q)
            return
        search.refresh(engine, workspace_id)
        with read_only(engine.connect()) as conn:
            search.search_workflows(conn, workspace_id, q, limit=20)

    for q in qs:  # warm up
        one(q)
    wall, cpu = [], []
    served = daemon.cpu_seconds() if daemon is not None else 0.0
    for _ in range(rounds):
        for q in qs:
            t, c = time.perf_counter(), time.process_time()
            one(q)
            cpu.append((time.process_time() - c) * 1000)
            wall.append((time.perf_counter() - t) * 1000)
    out: dict[str, float] = {"n": len(wall)}
    if daemon is not None:
        out["daemon_cpu"] = (daemon.cpu_seconds() - served) * 1000 / len(wall)
    for name, times in (("", sorted(wall)), ("cpu_", sorted(cpu))):
        out.update({f"{name}p50": statistics.median(times), f"{name}p90": times[int(len(times) * 0.9)],
                    f"{name}p99": times[int(len(times) * 0.99)]})
    return out


class Daemon:
    """``al up`` on a free port over ``url``, with a registered user; ``get`` times one search."""

    def __init__(self, url: str) -> None:
        import httpx

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        home = tempfile.mkdtemp()
        env = {**os.environ, "AL_HOME": home, "AL_DATABASE_URL": url, "AL_QUEUE_URL": f"sqlite:///{home}/queue.db",
               "AL_SECRET_KEY": uuid.uuid4().hex, "AL_RATE_LIMIT_IP": "0", "AL_RATE_LIMIT_WORKSPACE": "0",
               "AL_RATE_LIMIT_AUTH": "0"}
        al = Path(sys.executable).with_name("al")
        self.proc = subprocess.Popen([str(al), "up", "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
                                      "--log-level", "warning"], env=env)
        self.http = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60)
        for _ in range(300):
            try:
                if self.http.get("/healthz").status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        r = self.http.post("/api/auth/register", json={"email": "bench@example.com", "password": "bench-pass-123"})
        r.raise_for_status()
        self.http.headers["Authorization"] = f"Bearer {r.json()['access_token']}"
        self.workspace_id = uuid.UUID(r.json()["workspace"]["id"])

    def cpu_seconds(self) -> float:
        """CPU time the daemon process used so far (all its threads; Linux)."""
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def get(self, q: str) -> None:
        self.http.get("/api/ai-search/semantic", params={"q": q, "limit": 20}).raise_for_status()

    def close(self) -> None:
        self.http.close()
        self.proc.terminate()
        self.proc.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "workflows")
    parser.add_argument("--synthetic", type=int, default=100_000)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--api", action="store_true", help="Time GET /api/ai-search/semantic on a daemon.")
    parser.add_argument("--keep", action="store_true", help="Keep the PostgreSQL database afterwards.")
    args = parser.parse_args()
    qs = queries()
    for label, size in (("corpus", None), ("synthetic", args.synthetic)):
        if size == 0:
            continue
        url = database(args.db)
        migrate.upgrade(url)
        engine = create_engine_for(url)
        daemon = Daemon(url) if args.api else None
        if daemon is not None:
            ws = daemon.workspace_id
        else:
            with engine.begin() as conn:
                ws = workspaces.create_workspace(conn, slug="bench", name="Bench")["id"]
        t = time.perf_counter()
        if size is None:
            with engine.begin() as conn:
                count = import_folder(conn, ws, args.corpus)
        else:
            synthesize(engine, ws, args.corpus, size)
            count = size
        loaded = time.perf_counter() - t
        r = measure(engine, ws, qs, args.rounds if size is None else max(3, args.rounds // 3), daemon)
        if daemon is not None:
            daemon.close()
        print(f"{args.db}{' API' if daemon else ''} {label}: {count} workflows (loaded+indexed in {loaded:.0f} s), {r['n']} searches: "
              f"p50 {r['p50']:.2f} ms  p90 {r['p90']:.2f} ms  p99 {r['p99']:.2f} ms "
              + (f"(daemon CPU per request {r['daemon_cpu']:.2f} ms)" if daemon else
                 f"(CPU time: p50 {r['cpu_p50']:.2f} ms  p99 {r['cpu_p99']:.2f} ms)"), flush=True)
        engine.dispose()
        if not args.keep:
            drop_database(url)


if __name__ == "__main__":
    main()
