"""Run ``al run FILE --json`` over every workflow of the corpus and tally the outcomes.

Each run must end with success or a clean, named error (unsupported node type, missing
credential, network unreachable, expression error...): never a traceback, never a hang.

usage: python bench/corpus_run.py [CORPUS_DIR] [--jobs N] [--timeout S] [--limit N]
"""

from __future__ import annotations

import argparse
import collections
import json
import re
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent


def classify(message: str) -> str:
    """Group error messages into families for the tally."""
    if match := re.match(r"unsupported node type ([\w.@/-]+)", message):
        return f"unsupported node type {match.group(1)}"
    for needle, label in (("credential", "missing credential"), ("Name or service not known", "network unreachable"),
                          ("ConnectError", "network unreachable"), ("network", "network unreachable"),
                          ("timed out", "timeout")):
        if needle.lower() in message.lower():
            return label
    return re.sub(r"'[^']*'|\"[^\"]*\"|\d+", "…", message)[:90]


def run_one(al: str, path: Path, timeout: float) -> tuple[str, str]:
    """Returns (outcome, detail): outcome is success, error, traceback, hang or no-json."""
    try:
        proc = subprocess.run([al, "run", str(path), "--json"], capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return "hang", f"no answer in {timeout:.0f} s"
    if "Traceback (most recent call last)" in proc.stderr or "Traceback" in proc.stdout[:200]:
        return "traceback", proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "?"
    try:
        result = json.loads(proc.stdout)
    except json.JSONDecodeError:
        line = (proc.stderr.strip().splitlines() or ["(nothing)"])[-1]
        # unusable input (exit 2) is a clean, named error too
        return ("error", f"input: {line}") if proc.returncode == 2 and line.startswith("error:") else ("no-json", line)
    if result.get("status") == "success":
        return "success", ""
    error = (result.get("data", {}).get("resultData", {}).get("error") or {}).get("message", "?")
    if "Internal error" in json.dumps(result.get("data", {}).get("resultData", {}).get("error", {})):
        return "internal", error
    return "error", error


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", nargs="?", default=str(HERE.parent.parent / "shared" / "corpus" / "workflows"))
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--limit", type=int)
    ap.add_argument("--show", type=int, default=25, help="error families to list")
    args = ap.parse_args()
    al = shutil.which("al") or str(Path(sys.executable).with_name("al"))
    files = sorted(Path(args.corpus).rglob("*.json"))[: args.limit]
    started = time.time()
    outcomes: collections.Counter[str] = collections.Counter()
    families: collections.Counter[str] = collections.Counter()
    bad: list[tuple[str, str, str]] = []
    with ThreadPoolExecutor(args.jobs) as pool:
        for path, (outcome, detail) in zip(files, pool.map(lambda p: run_one(al, p, args.timeout), files), strict=True):
            outcomes[outcome] += 1
            if outcome == "error":
                families[classify(detail)] += 1
            elif outcome != "success":
                bad.append((outcome, str(path), detail))
    elapsed = time.time() - started
    print(f"{len(files)} workflows in {elapsed:.0f} s ({args.jobs} jobs)")
    for outcome, count in outcomes.most_common():
        print(f"  {outcome:10} {count}")
    print("\nclean errors by family:")
    for family, count in families.most_common(args.show):
        print(f"  {count:5}  {family}")
    if bad:
        print("\nnot clean (traceback, hang, internal error or no JSON):")
        for outcome, path, detail in bad[:50]:
            print(f"  {outcome:9} {path}: {detail[:160]}")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
