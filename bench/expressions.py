"""Simple-expression evaluations per second: Python fast path and quickjs path.

Run: .venv/bin/python bench/expressions.py [--items N]
"""

from __future__ import annotations

import argparse
import time

from automatelanka.engine.expressions import evaluator_for
from automatelanka.engine.expressions.scope import Scope
from automatelanka.engine.state import ExecutionState
from automatelanka.engine.workflow import Workflow

WORKFLOW = {
    "id": "bench", "name": "bench",
    "nodes": [
        {"name": "Start", "type": "n8n-nodes-base.manualTrigger", "typeVersion": 1, "parameters": {}},
        {"name": "Set", "type": "n8n-nodes-base.noOp", "typeVersion": 1, "parameters": {}},
    ],
    "connections": {"Start": {"main": [[{"node": "Set", "type": "main", "index": 0}]]}},
}


def measure(label: str, fn, items: int) -> float:
    fn(min(items, 100))  # warm up (compile, create the JS context)
    start = time.perf_counter()
    fn(items)
    rate = items / (time.perf_counter() - start)
    print(f"{label:<45} {rate:>12,.0f} evaluations/s")
    return rate


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=200_000)
    args = parser.parse_args()
    wf = Workflow(WORKFLOW)
    state = ExecutionState(workflow=wf, execution_id="1")
    items = [{"json": {"name": f"n{i}", "a": {"b": i}, "list": [i, i + 1]}, "pairedItem": {"item": i}}
             for i in range(args.items)]
    evaluator = evaluator_for(state)
    node = wf.nodes["Set"]
    source = [{"previousNode": "Start"}]

    def runner(expr: str, js: bool):
        def run(n: int) -> None:
            scope = Scope(state, node, 0, 0, items, source)
            evaluate = evaluator.evaluate_js if js else evaluator.resolve
            value = expr if js else "=" + expr
            for i in range(n):
                scope.item_index = i
                evaluate(value, scope)
        return run

    n = args.items
    measure("fast path  ={{ $json.name }}", runner("{{ $json.name }}", False), n)
    measure("fast path  ={{ $json.a.b }}", runner("{{ $json.a.b }}", False), n)
    measure("fast path  =x {{ $json.list[0] }} y", runner("x {{ $json.list[0] }} y", False), n)
    measure("JS path    ={{ $json.name }}", runner("{{ $json.name }}", True), n // 4)
    measure("JS path    ={{ $json.a.b + 1 }}", runner("{{ $json.a.b + 1 }}", True), n // 4)
    measure("JS path    ={{ $json.name.toUpperCase() }}", runner("{{ $json.name.toUpperCase() }}", True), n // 4)


if __name__ == "__main__":
    main()
