"""Webhook-based service triggers hand the delivered items to the next node unchanged."""

from __future__ import annotations

import pytest

from automatelanka.engine.executor import execute
from automatelanka.engine.nodes.base import registry


def _run(node_type: str, version: float, items: list[dict]) -> dict:
    workflow = {"nodes": [{"name": "T", "type": node_type, "typeVersion": version, "parameters": {},
                           "position": [0, 0]},
                          {"name": "After", "type": "n8n-nodes-base.noOp", "typeVersion": 1, "parameters": {},
                           "position": [200, 0]}],
                "connections": {"T": {"main": [[{"node": "After", "type": "main", "index": 0}]]}},
                "settings": {"executionOrder": "v1"}}
    return execute(workflow, trigger_items=items, mode="webhook", start_node="T").run_data


@pytest.mark.parametrize(("node_type", "version"), [("n8n-nodes-base.shopifyTrigger", 1),
                                                     ("n8n-nodes-base.jiraTrigger", 1.1),
                                                     ("n8n-nodes-base.webflowTrigger", 2)])
def test_delivered_items_pass_through(node_type, version):
    delivered = [{"json": {"id": 1, "topic": "orders/create"}}, {"json": {"id": 2}}]
    run_data = _run(node_type, version, delivered)
    out = run_data["After"][0]["data"]["main"][0]
    assert [it["json"] for it in out] == [{"id": 1, "topic": "orders/create"}, {"id": 2}]


def test_registered_as_entry_points_not_polling_triggers():
    reg = registry()
    for name in ("calendlyTrigger", "stripeTrigger", "hubspotTrigger", "pipedriveTrigger", "mailerLiteTrigger"):
        assert f"n8n-nodes-base.{name}" in reg
    assert 2.0 in reg["n8n-nodes-base.mailerLiteTrigger"]
