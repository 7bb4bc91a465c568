"""Run one service node through the real executor against a local fake server."""

from __future__ import annotations

from typing import Any

from automatelanka.engine.executor import Execution, execute
from automatelanka.engine.state import Services


def run_service(node_type: str, version: float, parameters: dict[str, Any], *,
                items: list[dict[str, Any]] | None = None,
                credentials: dict[str, dict[str, Any]] | None = None,
                base_urls: dict[str, str] | None = None, continue_on_fail: bool = False,
                refresh: Any = None, files_root: Any = None, sleeps: list[float] | None = None) -> Execution:
    """Start (seeded with ``items``) -> node ``N``; credentials resolved from ``credentials``.

    ``sleeps``: the node's waits are recorded there instead of slept (polling nodes)."""
    creds = credentials or {}
    node: dict[str, Any] = {"name": "N", "type": node_type, "typeVersion": version, "parameters": parameters,
                            "position": [200, 0],
                            "credentials": {k: {"id": "1", "name": k} for k in creds}}
    if continue_on_fail:
        node["onError"] = "continueRegularOutput"
    workflow = {"nodes": [{"name": "Start", "type": "n8n-nodes-base.manualTrigger", "typeVersion": 1,
                           "parameters": {}, "position": [0, 0]}, node],
                "connections": {"Start": {"main": [[{"node": "N", "type": "main", "index": 0}]]}},
                "settings": {"executionOrder": "v1"}}
    services = Services(credentials=lambda kind, ref: dict(creds[kind]), base_urls=base_urls or {},
                        refresh_credentials=refresh, files_root=files_root,
                        sleep=sleeps.append if sleeps is not None else None)
    return execute(workflow, trigger_items=items or [{"json": {}}], services=services)


def output(execution: Execution, node: str = "N", index: int = 0) -> list[dict[str, Any]]:
    """Items of ``node``'s output ``index`` (fails with the run error when the node failed)."""
    runs = execution.run_data.get(node) or []
    assert runs, f"{node} did not run: {execution.error}"
    task = runs[-1]
    assert task.get("error") is None, task.get("error")
    return task["data"]["main"][index]


def error(execution: Execution, node: str = "N") -> dict[str, Any]:
    """The error object of ``node``'s failed run."""
    task = (execution.run_data.get(node) or [{}])[-1]
    assert task.get("error"), f"{node} did not fail"
    return task["error"]
