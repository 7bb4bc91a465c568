"""Search latency: the n8n corpus (2,061 workflows) and N synthetic workflows (default 100,000).

usage: python bench/search.py [--corpus ../shared/corpus/workflows] [--synthetic 100000] [--db sqlite|postgres]

Times what ``GET /api/ai-search/semantic`` runs per request (the freshness check, then the search on
a read-only connection), for the natural-language and keyword queries of ../shared/search_eval
plus a few more, limit 20. Prints p50/p90/p99 in milliseconds, wall clock and CPU time (the
latter is what the code costs when the machine is shared with other load).
"""

from __future__ import annotations

import argparse
import random
import statistics
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


def measure(engine, workspace_id: uuid.UUID, qs: list[str], rounds: int) -> dict[str, float]:
    def one(q: str) -> None:
        search.refresh(engine, workspace_id)
        with read_only(engine.connect()) as conn:
            search.search_workflows(conn, workspace_id, q, limit=20)

    for q in qs:  # warm up
        one(q)
    wall, cpu = [], []
    for _ in range(rounds):
        for q in qs:
            t, c = time.perf_counter(), time.process_time()
            one(q)
            cpu.append((time.process_time() - c) * 1000)
            wall.append((time.perf_counter() - t) * 1000)
    out: dict[str, float] = {"n": len(wall)}
    for name, times in (("", sorted(wall)), ("cpu_", sorted(cpu))):
        out.update({f"{name}p50": statistics.median(times), f"{name}p90": times[int(len(times) * 0.9)],
                    f"{name}p99": times[int(len(times) * 0.99)]})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "workflows")
    parser.add_argument("--synthetic", type=int, default=100_000)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--keep", action="store_true", help="Keep the PostgreSQL database afterwards.")
    args = parser.parse_args()
    qs = queries()
    for label, size in (("corpus", None), ("synthetic", args.synthetic)):
        if size == 0:
            continue
        url = database(args.db)
        migrate.upgrade(url)
        engine = create_engine_for(url)
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
        r = measure(engine, ws, qs, args.rounds if size is None else max(3, args.rounds // 3))
        print(f"{args.db} {label}: {count} workflows (loaded+indexed in {loaded:.0f} s), {r['n']} searches: "
              f"p50 {r['p50']:.2f} ms  p90 {r['p90']:.2f} ms  p99 {r['p99']:.2f} ms "
              f"(CPU time: p50 {r['cpu_p50']:.2f} ms  p99 {r['cpu_p99']:.2f} ms)", flush=True)
        engine.dispose()
        if not args.keep:
            drop_database(url)


if __name__ == "__main__":
    main()
