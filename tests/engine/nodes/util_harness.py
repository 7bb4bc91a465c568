"""Run one node handler directly through a NodeContext (no executor), for the util_* tests."""

from __future__ import annotations

from typing import Any

from automatelanka.engine.items import Items, NodeOutput
from automatelanka.engine.nodes.base import NodeContext, load_all, lookup
from automatelanka.engine.state import ExecutionState, Services
from automatelanka.engine.workflow import Workflow

load_all()  # importing one family first must not hide the others from lookup()


def run_node(node_type: str, version: float, parameters: dict[str, Any], items: Items | None = None, *,
             services: Services | None = None, timezone: str = "UTC", continue_on_fail: bool = False,
             mode: str = "cli", state: ExecutionState | None = None) -> tuple[NodeOutput | None, NodeContext]:
    """Run ``node_type`` v``version`` with constant ``parameters`` on ``items``."""
    raw: dict[str, Any] = {"name": "N", "type": node_type, "typeVersion": version, "parameters": parameters,
                           "position": [0, 0]}
    if continue_on_fail:
        raw["onError"] = "continueRegularOutput"
    workflow = state.workflow if state is not None else Workflow({"nodes": [raw], "connections": {}})
    node = workflow.nodes["N"]
    state = state or ExecutionState(workflow=workflow, timezone=timezone, services=services or Services(),
                                    mode=mode)
    data = [{"json": {}}] if items is None else items
    ctx = NodeContext(state, node, parameters, [data], data, 0, [None])
    return lookup(node).handler(ctx), ctx
