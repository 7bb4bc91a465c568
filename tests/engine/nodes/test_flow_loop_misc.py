"""SplitInBatches, NoOp, Stop and Error, Limit and Wait handlers through a NodeContext."""

from __future__ import annotations

from typing import Any

import pytest

from automatelanka.engine.errors import NodeError
from automatelanka.engine.nodes.base import NodeContext, lookup
from automatelanka.engine.state import ExecutionState, Services
from automatelanka.engine.workflow import Workflow


class Runner:
    """Runs one node repeatedly in the same execution (node context survives between calls)."""

    def __init__(self, type_: str, version: float, params: dict[str, Any], services: Services | None = None) -> None:
        raw = {"name": "N", "type": f"n8n-nodes-base.{type_}", "typeVersion": version, "parameters": params,
               "position": [0, 0]}
        workflow = Workflow({"nodes": [raw], "connections": {}})
        self.node = workflow.nodes["N"]
        self.params = params
        self.state = ExecutionState(workflow=workflow, services=services or Services())
        self.runs = 0

    def __call__(self, jsons: list[dict[str, Any]], source: dict[str, Any] | None = None) -> Any:
        items = [{"json": j, "pairedItem": {"item": i}} for i, j in enumerate(jsons)]
        ctx = NodeContext(self.state, self.node, self.params, [items], items, self.runs, [source])
        self.runs += 1
        return lookup(self.node).handler(ctx)


def nums(items: list[dict[str, Any]]) -> list[Any]:
    return [item["json"]["n"] for item in items]


FIVE = [{"n": k} for k in range(1, 6)]
OUTSIDE = {"previousNode": "Data"}
BODY = {"previousNode": "Body", "previousNodeRun": 0}


def test_split_in_batches_v3_loops_then_emits_processed_items_on_done() -> None:
    loop = Runner("splitInBatches", 3, {"batchSize": 2, "options": {}})
    done, batch = loop(FIVE, OUTSIDE)
    assert done == [] and nums(batch) == [1, 2]
    done, batch = loop([{"n": 10}, {"n": 20}], BODY)
    assert nums(batch) == [3, 4]
    assert batch[0]["pairedItem"] == {"item": 2, "sourceOverwrite": OUTSIDE}
    loop([{"n": 30}, {"n": 40}], BODY)
    done, batch = loop([{"n": 50}], BODY)
    assert batch == [] and nums(done) == [10, 20, 30, 40, 50]
    assert done[2]["pairedItem"] == {"sourceOverwrite": BODY, "item": 0}
    assert loop.state.node_contexts["N"]["noItemsLeft"] is True


def test_split_in_batches_context_survives_unless_reset() -> None:
    loop = Runner("splitInBatches", 3, {"batchSize": 10, "options": {}})
    loop(FIVE, OUTSIDE)
    done, _ = loop([{"n": 1}], BODY)
    assert nums(done) == [1]
    done, batch = loop(FIVE, OUTSIDE)  # entering again from outside: no restart
    assert nums(done) == [1, 1, 2, 3, 4, 5] and batch == []
    reset = Runner("splitInBatches", 3, {"batchSize": 10, "options": {"reset": True}})
    reset(FIVE, OUTSIDE)
    done, batch = reset(FIVE, OUTSIDE)
    assert done == [] and nums(batch) == [1, 2, 3, 4, 5]


def test_split_in_batches_v2_output_order_and_v1_none_when_done() -> None:
    v2 = Runner("splitInBatches", 2, {"batchSize": 3, "options": {}})
    batch, done = v2(FIVE, OUTSIDE)
    assert nums(batch) == [1, 2, 3] and done == []
    v1 = Runner("splitInBatches", 1, {"batchSize": 3, "options": {}})
    (batch,) = v1(FIVE, OUTSIDE)
    assert nums(batch) == [1, 2, 3]
    (batch,) = v1([], BODY)
    assert nums(batch) == [4, 5]
    assert v1([], BODY) is None


def test_no_op_passes_items_through() -> None:
    (out,) = Runner("noOp", 1, {})(FIVE)
    assert nums(out) == [1, 2, 3, 4, 5]


def test_stop_and_error_message() -> None:
    with pytest.raises(NodeError) as info:
        Runner("stopAndError", 1, {"errorType": "errorMessage", "errorMessage": "boom"})(FIVE)
    assert info.value.message == "boom"


@pytest.mark.parametrize(("obj", "message", "description"), [
    ('{"message": "m", "description": "d"}', "m", "d"),
    ('{"description": "only d", "type": "T"}', "only d", "only d"),
    ('{"error": "e"}', "e", None),
    ('{"code": 42}', 'Error: {"code":42}', None),
])
def test_stop_and_error_object(obj: str, message: str, description: str | None) -> None:
    with pytest.raises(NodeError) as info:
        Runner("stopAndError", 1, {"errorType": "errorObject", "errorObject": obj})(FIVE)
    assert info.value.message == message
    assert info.value.description == description
    assert info.value.context["metadata"] == __import__("json").loads(obj)
    assert info.value.level == "error"


@pytest.mark.parametrize(("params", "expected"), [
    ({"maxItems": 2}, [1, 2]),
    ({"maxItems": 2, "keep": "lastItems"}, [4, 5]),
    ({"maxItems": 9}, [1, 2, 3, 4, 5]),
    ({"maxItems": 0, "keep": "lastItems"}, []),
])
def test_limit(params: dict[str, Any], expected: list[int]) -> None:
    (out,) = Runner("limit", 1, params)(FIVE)
    assert nums(out) == expected


def test_wait_short_interval_sleeps_through_injected_function() -> None:
    slept: list[float] = []
    services = Services()
    services.sleep = slept.append  # type: ignore[attr-defined]
    (out,) = Runner("wait", 1.1, {"resume": "timeInterval", "amount": 2, "unit": "seconds"}, services)(FIVE)
    assert slept == [2] and nums(out) == [1, 2, 3, 4, 5]
    Runner("wait", 1, {"resume": "timeInterval", "amount": 0.5, "unit": "minutes"}, services)(FIVE)
    assert slept == [2, 30]


@pytest.mark.parametrize("params", [
    {"resume": "timeInterval", "amount": 2, "unit": "minutes"},
    {"resume": "timeInterval", "amount": 1},  # v1 default unit is hours
    {"resume": "specificTime", "dateTime": "2999-01-01T00:00:00Z"},
])
def test_wait_long_is_not_supported(params: dict[str, Any]) -> None:
    with pytest.raises(NodeError, match="65 seconds"):
        Runner("wait", 1, params)(FIVE)


def test_wait_webhook_resume_is_not_supported_and_bad_amount_is_rejected() -> None:
    with pytest.raises(NodeError, match="by webhook is not supported"):
        Runner("wait", 1.1, {"resume": "webhook"})(FIVE)
    with pytest.raises(NodeError, match="Invalid wait amount"):
        Runner("wait", 1.1, {"resume": "timeInterval", "amount": -1, "unit": "seconds"})(FIVE)
