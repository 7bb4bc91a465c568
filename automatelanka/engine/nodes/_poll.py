"""Polling triggers (gmailTrigger, googleSheetsTrigger, googleDriveTrigger, rssFeedReadTrigger...).

Each polling trigger registers ``poll(ctx) -> list[Item] | None`` here with :func:`poller`. The
trigger's node handler (see :func:`trigger_handler`) polls in manual mode and passes the seed
through in every other mode, as n8n does.

How the platform polls (daemon): for the trigger node, build a NodeContext on an ExecutionState
whose ``static_data`` is the workflow's persisted static data, call ``POLLERS[node.type](ctx)``,
save ``state.static_data`` back (the cursor lives under ``"node:<name>"``), and when items came
back, start the workflow with ``execute(workflow, trigger_items=items, start_node=name,
mode="trigger")``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from automatelanka.engine.items import Item, NodeOutput
from automatelanka.engine.nodes.base import NodeContext

Poller = Callable[[NodeContext], list[Item] | None]
POLLERS: dict[str, Poller] = {}


def poller(*node_types: str) -> Callable[[Poller], Poller]:
    def decorate(fn: Poller) -> Poller:
        for node_type in node_types:
            POLLERS[node_type] = fn
        return fn
    return decorate


def node_static(ctx: NodeContext) -> dict[str, Any]:
    """``getWorkflowStaticData('node')``: the dict under ``node:<name>``."""
    return ctx.state.static_data.setdefault(f"node:{ctx.node.name}", {})


def trigger_handler(ctx: NodeContext) -> NodeOutput:
    """Manual mode polls now (no items -> an empty output); other modes pass the seed through."""
    if ctx.state.mode == "manual":
        items = POLLERS[ctx.node.type](ctx) or []
        return [items]
    return [list(ctx.input(0))]
