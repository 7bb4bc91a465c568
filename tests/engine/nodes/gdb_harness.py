"""Run one service node through the real executor: Manual Trigger -> Code (the items) -> node."""

from __future__ import annotations

import json
from typing import Any

from automatelanka.engine.executor import Execution, execute
from automatelanka.engine.state import Services


def flow(node_type: str, version: float, parameters: dict[str, Any], items: list[dict[str, Any]] | None = None,
         *, credentials: dict[str, Any] | None = None, on_error: str | None = None,
         node_name: str = "N") -> dict[str, Any]:
    """A workflow whose node ``node_name`` gets ``items`` (json objects) from a Code node."""
    node: dict[str, Any] = {"name": node_name, "type": f"n8n-nodes-base.{node_type}", "typeVersion": version,
                            "parameters": parameters, "position": [400, 0]}
    if credentials:
        node["credentials"] = credentials
    if on_error:
        node["onError"] = on_error
    nodes = [{"name": "Start", "type": "n8n-nodes-base.manualTrigger", "typeVersion": 1, "parameters": {},
              "position": [0, 0]}]
    connections: dict[str, Any] = {}
    previous = "Start"
    if items is not None:
        code = "return " + json.dumps([{"json": item} for item in items]) + ";"
        nodes.append({"name": "Data", "type": "n8n-nodes-base.code", "typeVersion": 2,
                      "parameters": {"jsCode": code}, "position": [200, 0]})
        connections["Start"] = {"main": [[{"node": "Data", "type": "main", "index": 0}]]}
        previous = "Data"
    nodes.append(node)
    connections[previous] = {"main": [[{"node": node_name, "type": "main", "index": 0}]]}
    return {"name": "t", "nodes": nodes, "connections": connections, "settings": {"executionOrder": "v1"}}


def run(workflow: dict[str, Any], services: Services, mode: str = "cli") -> Execution:
    return execute(workflow, services=services, mode=mode)


def output(execution: Execution, node: str = "N", index: int = 0) -> list[dict[str, Any]]:
    """Items of ``node``'s output ``index`` (last run); raises with the error when it failed."""
    runs = execution.run_data.get(node) or []
    assert runs, f"{node} did not run: {execution.error}"
    task = runs[-1]
    if task.get("error") and not (task.get("data") or {}).get("main"):
        raise AssertionError(task["error"])
    return (task.get("data") or {}).get("main", [[]])[index] or []


def error_of(execution: Execution, node: str = "N") -> dict[str, Any]:
    runs = execution.run_data.get(node) or []
    assert runs and runs[-1].get("error"), f"{node} did not fail"
    return runs[-1]["error"]


def creds(mapping: dict[str, dict[str, Any]]):
    """A ``services.credentials`` resolver over ``{type: fields}``."""
    def resolve(kind: str, ref: dict[str, Any]) -> dict[str, Any]:
        return mapping[kind]
    return resolve
