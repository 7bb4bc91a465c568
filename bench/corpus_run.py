"""Run every workflow of the corpus the way ``al run FILE --json`` does and tally the outcomes.

Each run must end with success or a clean, named error (unsupported node type, missing
credential, network unreachable, expression error...): never a traceback, never a hang.

By default the workflows run in long-lived worker processes through the same code path as
``al run`` (parse the file, execute in ``cli`` mode, serialise the n8n JSON); a watchdog kills a
worker whose run exceeds the timeout and records a hang. ``--cli`` runs the real command once
per file instead (slower: a Python start-up per workflow).

usage: python bench/corpus_run.py [CORPUS_DIR] [--jobs N] [--timeout S] [--limit N] [--cli]
"""

from __future__ import annotations

import argparse
import collections
import json
import multiprocessing as mp
import queue
import re
import shutil
import subprocess
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent


def classify(message: str) -> str:
    """Group error messages into families for the tally."""
    if match := re.match(r"unsupported node type ([\w.@/-]+)", message):
        return f"unsupported node type {match.group(1)}"
    for needle, label in (("credential", "missing credential"), ("Name or service not known", "network unreachable"),
                          ("network unreachable", "network unreachable"), ("refused the connection",
                                                                            "network unreachable"),
                          ("timed out", "timeout"), ("not supported yet", "operation not supported yet")):
        if needle.lower() in message.lower():
            return label
    return re.sub(r"'[^']*'|\"[^\"]*\"|\d+", "…", message)[:90]


def outcome_of(result: dict) -> tuple[str, str]:
    """(success | error | internal, message) of an execution in n8n's JSON shape."""
    if result.get("status") == "success":
        return "success", ""
    error = result.get("data", {}).get("resultData", {}).get("error") or {}
    if "Internal error" in json.dumps(error):
        return "internal", error.get("message", "?")
    return "error", error.get("message", "?")


def run_in_process(path: str) -> tuple[str, str]:
    """What ``al run PATH --json`` does, without the process start-up."""
    from automatelanka.cli.run_cmd import _dump
    from automatelanka.engine.errors import WorkflowValidationError
    from automatelanka.engine.executor import execute
    from automatelanka.engine.outbound import make_policy
    from automatelanka.engine.state import Services
    from automatelanka.engine.workflow import Workflow

    try:
        workflow = Workflow.from_file(path)
    except (WorkflowValidationError, OSError, UnicodeDecodeError) as exc:
        return "error", f"input: {exc}"
    execution = execute(workflow, services=Services(outbound_policy=make_policy(hosted=False)))
    return outcome_of(json.loads(_dump(execution.to_n8n())))


def run_cli(path: str, timeout: float) -> tuple[str, str]:
    al = shutil.which("al") or str(Path(sys.executable).with_name("al"))
    try:
        proc = subprocess.run([al, "run", path, "--json"], capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return "hang", f"no answer in {timeout:.0f} s"
    if "Traceback (most recent call last)" in proc.stderr:
        return "traceback", proc.stderr.strip().splitlines()[-1]
    try:
        return outcome_of(json.loads(proc.stdout))
    except json.JSONDecodeError:
        line = (proc.stderr.strip().splitlines() or ["(nothing)"])[-1]
        return ("error", f"input: {line}") if proc.returncode == 2 and line.startswith("error:") else ("no-json", line)


def _worker(tasks: mp.Queue, results: mp.Queue) -> None:
    while (path := tasks.get()) is not None:
        results.put(("start", path, ""))
        try:
            outcome, detail = run_in_process(path)
        except BaseException as exc:  # a traceback is exactly what the tally must catch
            outcome, detail = "traceback", "".join(traceback.format_exception_only(exc)).strip()
        results.put((outcome, path, detail))


def run_pool(files: list[str], jobs: int, timeout: float, report) -> None:
    """Run ``files`` on ``jobs`` worker processes; a run longer than ``timeout`` is a hang."""
    ctx = mp.get_context("spawn")
    tasks: mp.Queue = ctx.Queue()
    results: mp.Queue = ctx.Queue()
    for path in files:
        tasks.put(path)
    workers = {}
    for _ in range(jobs):
        proc = ctx.Process(target=_worker, args=(tasks, results), daemon=True)
        proc.start()
        workers[proc.pid] = proc
    running: dict[str, float] = {}
    done = 0
    while done < len(files):
        try:
            kind, path, detail = results.get(timeout=1)
        except queue.Empty:
            kind = None
        if kind == "start":
            running[path] = time.monotonic()
        elif kind is not None:
            running.pop(path, None)
            report(kind, path, detail)
            done += 1
        for path, started in list(running.items()):
            if time.monotonic() - started > timeout:
                # Kill every worker (we cannot tell which one holds this run) and restart them;
                # the other runs in flight are re-queued.
                for proc in workers.values():
                    proc.kill()
                report("hang", path, f"no answer in {timeout:.0f} s")
                done += 1
                running.pop(path)
                for other in running:
                    tasks.put(other)
                running.clear()
                workers.clear()
                for _ in range(jobs):
                    proc = ctx.Process(target=_worker, args=(tasks, results), daemon=True)
                    proc.start()
                    workers[proc.pid] = proc
                break
    for _ in workers:
        tasks.put(None)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", nargs="?", default=str(HERE.parent.parent / "shared" / "corpus" / "workflows"))
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--limit", type=int)
    ap.add_argument("--cli", action="store_true", help="run the real 'al run' command per file")
    ap.add_argument("--show", type=int, default=30, help="error families to list")
    args = ap.parse_args()
    files = [str(p) for p in sorted(Path(args.corpus).rglob("*.json"))[: args.limit]]
    started = time.time()
    outcomes: collections.Counter[str] = collections.Counter()
    families: collections.Counter[str] = collections.Counter()
    bad: list[tuple[str, str, str]] = []

    def report(outcome: str, path: str, detail: str) -> None:
        outcomes[outcome] += 1
        if outcome == "error":
            families[classify(detail)] += 1
        elif outcome != "success":
            bad.append((outcome, path, detail))
            print(f"  {outcome}: {path}: {detail[:200]}", flush=True)
        total = sum(outcomes.values())
        if total % 250 == 0:
            print(f"  ... {total}/{len(files)} in {time.time() - started:.0f} s", flush=True)

    if args.cli:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(args.jobs) as pool:
            for path, (outcome, detail) in zip(files, pool.map(lambda p: run_cli(p, args.timeout), files),
                                               strict=True):
                report(outcome, path, detail)
    else:
        run_pool(files, args.jobs, args.timeout, report)
    print(f"{len(files)} workflows in {time.time() - started:.0f} s ({args.jobs} jobs, "
          f"{'al run per file' if args.cli else 'in-process workers'})")
    for outcome, count in outcomes.most_common():
        print(f"  {outcome:10} {count}")
    print("\nclean errors by family:")
    for family, count in families.most_common(args.show):
        print(f"  {count:5}  {family}")
    if bad:
        print(f"\nnot clean (traceback, hang, internal error or no JSON): {len(bad)}")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
