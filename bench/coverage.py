"""Corpus coverage: the share of corpus workflows whose node types are all implemented.

usage: .venv/bin/python bench/coverage.py [--corpus DIR] [--top 40] [--json]

A workflow counts as covered when every node's type is registered
(``automatelanka.engine.nodes.base.registry()``); the strict figure also requires each node's
typeVersion to run (n8n, and so the engine, refuses unknown versions of its VersionedNodeType
classes and runs every other type at any version). Note the corpus replaces LangChain nodes by
``n8n-nodes-base.noOp`` keeping their own typeVersion. The table lists the most-missed types with how many workflows each blocks and
how many it alone would unlock (the workflows whose only missing type it is).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

DEFAULT_CORPUS = Path("/work/shared/corpus/workflows")


def _nodes(path: Path) -> list[dict[str, Any]] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if isinstance(data, dict) and isinstance(data.get("nodes"), list):
        return [n for n in data["nodes"] if isinstance(n, dict)]
    return None


def measure(corpus: Path) -> dict[str, Any]:
    """Coverage figures for every workflow JSON under ``corpus``."""
    from automatelanka.engine.nodes.base import _is_versioned, registry

    reg = registry()
    total = covered = strict = 0
    blocking: Counter[str] = Counter()
    unlocks: Counter[str] = Counter()
    version_gaps: Counter[str] = Counter()
    for path in sorted(corpus.rglob("*.json")):
        nodes = _nodes(path)
        if nodes is None:
            continue
        total += 1
        missing: set[str] = set()
        wrong_version: set[str] = set()
        for node in nodes:
            node_type = str(node.get("type", ""))
            versions = reg.get(node_type)
            try:
                version = float(node.get("typeVersion", 1))
            except (TypeError, ValueError):
                version = 1.0
            if not versions:
                missing.add(node_type)
            elif version not in versions and _is_versioned(node_type):  # others run at any version
                wrong_version.add(node_type)
                version_gaps[f"{node_type} v{version:g}"] += 1
        if not missing:
            covered += 1
            strict += not wrong_version
        for node_type in missing:
            blocking[node_type] += 1
        if len(missing) == 1:
            unlocks[next(iter(missing))] += 1
    return {"workflows": total, "covered": covered, "share": covered / total if total else 0.0,
            "covered_strict": strict, "share_strict": strict / total if total else 0.0,
            "missing": [{"type": t, "blocks": n, "unlocks": unlocks[t]} for t, n in blocking.most_common()],
            "version_gaps": version_gaps.most_common()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    figures = measure(args.corpus)
    if args.json:
        json.dump({**figures, "missing": figures["missing"][: args.top]}, sys.stdout, indent=1)
        sys.stdout.write("\n")
        return
    print(f"corpus: {args.corpus}")
    print(f"workflows: {figures['workflows']}   fully covered: {figures['covered']} "
          f"({figures['share']:.1%}); with registered typeVersions too: {figures['covered_strict']} "
          f"({figures['share_strict']:.1%})\n")
    print(f"{'#':>3}  {'node type':<55} {'blocks':>7} {'unlocks':>8}")
    for rank, row in enumerate(figures["missing"][: args.top], 1):
        print(f"{rank:>3}  {row['type']:<55} {row['blocks']:>7} {row['unlocks']:>8}")
    if figures["version_gaps"]:
        print("\nregistered types used at an unregistered typeVersion (workflow nodes):")
        for label, count in figures["version_gaps"][:10]:
            print(f"     {label:<55} {count:>7}")


if __name__ == "__main__":
    main()
