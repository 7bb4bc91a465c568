"""Engine speed in one process: executions/s of the webhook benchmark's chain, a 100-node workflow,
and simple expression evaluations/s.

usage: python bench/engine.py [--seconds S]
Prints one line per figure; copy them into docs/benchmarks.md with the machine and the command.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

from automatelanka.engine.executor import execute
from automatelanka.engine.workflow import Workflow

SHARED = Path(__file__).resolve().parents[2] / "shared"
EXPECTED = {"ok": True, "greeting": "Hello ada", "n": 14}


def webhook_item() -> dict:
    return {"json": {"headers": {"content-type": "application/json"}, "params": {}, "query": {},
                     "body": {"name": "ada", "n": 7}, "webhookUrl": "http://127.0.0.1:5678/webhook/bench",
                     "executionMode": "production"}}


def bench_webhook_chain(seconds: float) -> float:
    workflow = Workflow(json.loads((SHARED / "bench" / "webhook-workflow.json").read_text()))
    check = execute(workflow, trigger_items=[webhook_item()], mode="webhook", start_node="Webhook")
    assert check.status == "success", check.error
    response = check.state.cache.get("webhook_response") or {}
    body = response.get("body")
    assert (json.loads(body) if isinstance(body, str) else body) == EXPECTED, response
    count, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        execute(workflow, trigger_items=[webhook_item()], mode="webhook", start_node="Webhook")
        count += 1
    return count / (time.perf_counter() - started)


def hundred_node_workflow() -> Workflow:
    nodes = [{"name": "Start", "type": "n8n-nodes-base.manualTrigger", "typeVersion": 1, "position": [0, 0],
              "parameters": {}}]
    connections: dict = {}
    previous = "Start"
    for i in range(1, 100):
        name = f"N{i}"
        if i % 3 == 1:
            node = {"type": "n8n-nodes-base.set", "typeVersion": 3.4, "parameters": {
                "assignments": {"assignments": [
                    {"id": "a", "name": "step", "value": f"={{{{ ($json.step || 0) + {i} }}}}", "type": "number"},
                    {"id": "b", "name": "label", "value": f"=node {{{{ $json.step }}}} of {i}", "type": "string"}]},
                "includeOtherFields": True, "options": {}}}
        elif i % 3 == 2:
            node = {"type": "n8n-nodes-base.if", "typeVersion": 2.2, "parameters": {"conditions": {
                "options": {"caseSensitive": True, "leftValue": "", "typeValidation": "loose", "version": 2},
                "conditions": [{"id": "c", "leftValue": "={{ $json.step }}", "rightValue": -1,
                                "operator": {"type": "number", "operation": "gt"}}], "combinator": "and"},
                "options": {}}}
        else:
            node = {"type": "n8n-nodes-base.noOp", "typeVersion": 1, "parameters": {}}
        nodes.append({"name": name, "position": [i * 200, 0], **node})
        connections[previous] = {"main": [[{"node": name, "type": "main", "index": 0}]]}
        previous = name
    return Workflow({"name": "hundred", "nodes": nodes, "connections": connections,
                     "settings": {"executionOrder": "v1"}})


def bench_hundred(seconds: float) -> float:
    workflow = hundred_node_workflow()
    items = [{"json": {"step": 0, "i": i}} for i in range(10)]
    check = execute(workflow, trigger_items=items)
    assert check.status == "success", check.error
    assert len(check.run_data) == 100
    runs, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        execute(workflow, trigger_items=items)
        runs += 1
    return (time.perf_counter() - started) / runs * 1000


def bench_expressions(seconds: float) -> dict[str, float]:
    from automatelanka.engine.expressions import evaluator_for
    from automatelanka.engine.expressions.scope import Scope
    from automatelanka.engine.state import ExecutionState

    workflow = hundred_node_workflow()
    state = ExecutionState(workflow=workflow)
    evaluator = evaluator_for(state)
    items = [{"json": {"name": f"user{i}", "n": i, "a": {"b": i}}} for i in range(1000)]
    node = workflow.nodes["N1"]
    figures = {}
    for label, expression in (("simple $json.name", "={{ $json.name }}"), ("template", "=Hello {{ $json.name }}!"),
                              ("JS arithmetic", "={{ $json.n * 2 + 1 }}")):
        scopes = [Scope(state, node, 0, i, items) for i in range(len(items))]
        count, started = 0, time.perf_counter()
        while time.perf_counter() - started < seconds:
            for scope in scopes:
                evaluator.resolve(expression, scope)
            count += len(scopes)
        figures[label] = count / (time.perf_counter() - started)
    return figures


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=3.0)
    args = ap.parse_args()
    print(f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}")
    print(f"webhook chain (Webhook → Set → If → Respond): {bench_webhook_chain(args.seconds):,.0f} executions/s")
    print(f"100-node workflow, 10 items: {bench_hundred(args.seconds):.2f} ms per execution")
    for label, rate in bench_expressions(args.seconds).items():
        print(f"expression {label}: {rate:,.0f} evaluations/s")


if __name__ == "__main__":
    main()
