"""Executor semantics (spec §2-§3, §5) with small test-only node types."""

from __future__ import annotations

import pytest

from automatelanka.engine.errors import NodeError
from automatelanka.engine.executor import execute
from automatelanka.engine.nodes.base import NodeContext, register

PASS = "test.pass"
FAIL = "test.fail"
EMPTY = "test.empty"
TRIGGER = "test.trigger"
FLAKY = "test.flaky"
TWO_IN = "test.twoIn"


@register(PASS, versions=(1,))
def _pass(ctx: NodeContext):
    return [ctx.input(0)]


@register(FAIL, versions=(1,))
def _fail(ctx: NodeContext):
    raise NodeError("boom")


@register(EMPTY, versions=(1,))
def _empty(ctx: NodeContext):
    return [[]]


@register(TRIGGER, versions=(1,), trigger=True)
def _trigger(ctx: NodeContext):  # pragma: no cover - triggers pass their seed through outside manual mode
    return [[{"json": {"manual": True}}]]


_calls: dict[str, int] = {}


@register(FLAKY, versions=(1,))
def _flaky(ctx: NodeContext):
    _calls[ctx.node.name] = _calls.get(ctx.node.name, 0) + 1
    if _calls[ctx.node.name] == 1:
        raise NodeError("first try fails")
    return [[{"json": {"try": _calls[ctx.node.name]}}]]


@register(TWO_IN, versions=(1,), inputs=2, required_inputs=1)
def _two_in(ctx: NodeContext):
    return [ctx.input(0) + ctx.input(1)]


def node(name: str, kind: str = PASS, x: float = 0, y: float = 0, **extra) -> dict:
    return {"name": name, "type": kind, "typeVersion": 1, "position": [x, y], "parameters": {}, **extra}


def wf(nodes: list[dict], edges: list[tuple], order: str | None = "v1") -> dict:
    connections: dict = {}
    for edge in edges:
        source, target = edge[0], edge[1]
        output = edge[2] if len(edge) > 2 else 0
        index = edge[3] if len(edge) > 3 else 0
        outs = connections.setdefault(source, {"main": []})["main"]
        while len(outs) <= output:
            outs.append([])
        outs[output].append({"node": target, "type": "main", "index": index})
    settings = {"executionOrder": order} if order else {}
    return {"name": "t", "nodes": nodes, "connections": connections, "settings": settings}


def order(execution) -> list[str]:
    runs = [(task["executionIndex"], f"{name}#{i}")
            for name, tasks in execution.run_data.items() for i, task in enumerate(tasks)]
    return [label for _, label in sorted(runs)]


BRANCHY = [
    node("T", TRIGGER), node("A", x=200, y=-100), node("A1", x=400, y=-200), node("A1x", x=600, y=-200),
    node("A2", x=400, y=0), node("B", x=200, y=200), node("C", x=800, y=0),
]
BRANCHY_EDGES = [("T", "A"), ("A", "A1"), ("A1", "A1x"), ("A1x", "C"), ("A", "A2"), ("T", "B"), ("B", "C")]


def test_v1_runs_depth_first_top_branch_first():
    execution = execute(wf(BRANCHY, BRANCHY_EDGES))
    assert execution.status == "success"
    assert order(execution) == ["T#0", "A#0", "A1#0", "A1x#0", "C#0", "A2#0", "B#0", "C#1"]


def test_v0_runs_breadth_first_in_connection_order():
    execution = execute(wf(BRANCHY, [("T", "B"), *BRANCHY_EDGES[:-2], ("T", "A"), ("B", "C")], order=None))
    # connections keyed by source: T's edges are [B, A] in that order
    assert order(execution)[:3] == ["T#0", "B#0", "A#0"]


def test_trigger_passes_seed_and_items_get_paired():
    execution = execute(wf([node("T", TRIGGER), node("P", x=200)], [("T", "P")]),
                        trigger_items=[{"json": {"a": 1}}, {"json": {"a": 2}}])
    out = execution.run_data["P"][0]["data"]["main"][0]
    assert out == [{"json": {"a": 1}, "pairedItem": {"item": 0}}, {"json": {"a": 2}, "pairedItem": {"item": 1}}]
    assert execution.last_node_executed == "P"
    assert execution.to_n8n()["finished"] is True


def test_failure_stops_execution_and_keeps_error_without_data():
    execution = execute(wf([node("T", TRIGGER), node("F", FAIL, x=200, y=0), node("After", x=400)],
                           [("T", "F"), ("F", "After")]))
    assert execution.status == "error"
    task = execution.run_data["F"][0]
    assert task["executionStatus"] == "error" and "data" not in task
    assert task["error"]["message"] == "boom"
    assert "After" not in execution.run_data
    irun = execution.to_n8n()
    assert irun["data"]["resultData"]["error"]["message"] == "boom"
    assert irun["data"]["resultData"]["lastNodeExecuted"] == "F"
    assert "finished" not in irun


def test_continue_on_fail_passes_input_through():
    execution = execute(wf([node("T", TRIGGER), node("F", FAIL, x=200, onError="continueRegularOutput"),
                            node("After", x=400)], [("T", "F"), ("F", "After")]))
    assert execution.status == "success"
    assert execution.run_data["F"][0]["error"]["message"] == "boom"
    assert execution.run_data["After"][0]["data"]["main"][0][0]["json"] == {}


def test_empty_output_stops_branch_and_skipped_node_has_no_run_data():
    execution = execute(wf([node("T", TRIGGER), node("E", EMPTY, x=200), node("Next", x=400)],
                           [("T", "E"), ("E", "Next")]))
    assert execution.run_data["E"][0]["data"]["main"] == [[]]
    assert "Next" not in execution.run_data


def test_always_output_data_emits_empty_item():
    execution = execute(wf([node("T", TRIGGER), node("E", EMPTY, x=200, alwaysOutputData=True),
                            node("Next", x=400)], [("T", "E"), ("E", "Next")]))
    assert execution.run_data["E"][0]["data"]["main"][0][0]["json"] == {}
    assert "Next" in execution.run_data


def test_disabled_node_passes_first_input_through():
    execution = execute(wf([node("T", TRIGGER), node("F", FAIL, x=200, disabled=True), node("Next", x=400)],
                           [("T", "F"), ("F", "Next")]))
    assert execution.status == "success"
    assert execution.run_data["Next"][0]["data"]["main"][0][0]["json"] == {}


def test_retry_on_fail_keeps_last_attempt():
    execution = execute(wf([node("T", TRIGGER), node("R", FLAKY, x=200, retryOnFail=True, waitBetweenTries=0)],
                           [("T", "R")]))
    assert execution.status == "success"
    assert execution.run_data["R"][0]["data"]["main"][0][0]["json"] == {"try": 2}


def test_v1_multi_input_node_runs_with_partial_input_when_stack_drains():
    nodes = [node("T", TRIGGER), node("E", EMPTY, x=200, y=-100), node("P", x=200, y=100),
             node("M", TWO_IN, x=400)]
    execution = execute(wf(nodes, [("T", "E"), ("T", "P"), ("E", "M", 0, 0), ("P", "M", 0, 1)]))
    assert execution.status == "success"
    items = execution.run_data["M"][0]["data"]["main"][0]
    assert len(items) == 1 and items[0]["pairedItem"] == {"item": 0, "input": 1}


def test_unknown_node_type_fails_before_running_with_its_name():
    execution = execute(wf([node("T", TRIGGER), node("X", "n8n-nodes-base.doesNotExist", x=200)], [("T", "X")]))
    assert execution.status == "error"
    assert "n8n-nodes-base.doesNotExist" in execution.error["message"]
    assert execution.run_data == {}


def test_events_report_each_node():
    events: list[tuple[str, str | None]] = []
    execute(wf([node("T", TRIGGER), node("P", x=200)], [("T", "P")]),
            on_event=lambda kind, payload: events.append((kind, payload.get("node"))))
    assert events == [("node_started", "T"), ("node_finished", "T"), ("node_started", "P"),
                      ("node_finished", "P"), ("run_finished", None)]


@pytest.mark.parametrize("bad", [{"nodes": "x"}, {"nodes": [{"type": "a"}]}, [], {"nodes": [], "connections": 3}])
def test_malformed_workflow_names_the_field(bad):
    from automatelanka.engine.errors import WorkflowValidationError

    with pytest.raises(WorkflowValidationError) as info:
        execute(bad)
    assert any(word in str(info.value) for word in ("nodes", "name", "connections", "object"))


def test_failed_execution_names_its_error_workflow_and_builds_the_trigger_item():
    data = wf([node("T", TRIGGER), node("F", FAIL, x=200)], [("T", "F")])
    data.update(id="wf1", settings={"executionOrder": "v1", "errorWorkflow": "handler1"})
    execution = execute(data)
    assert execution.error_workflow == "handler1"
    item = execution.error_trigger_item()["json"]
    assert item["execution"]["error"]["message"] == "boom"
    assert item["execution"]["lastNodeExecuted"] == "F"
    assert item["workflow"] == {"id": "wf1", "name": "t"}
    assert execute(data, mode="manual").error_workflow is None


def test_plain_node_types_accept_any_type_version_like_n8n():
    # noOp is not a VersionedNodeType in n8n: typeVersion 1.7 runs the one implementation.
    ok = execute(wf([node("T", TRIGGER), {**node("N", "n8n-nodes-base.noOp", x=200), "typeVersion": 1.7}],
                    [("T", "N")]))
    assert ok.status == "success"
    # Set is versioned: an unknown version is refused, naming it.
    bad = execute(wf([node("T", TRIGGER), {**node("S", "n8n-nodes-base.set", x=200), "typeVersion": 9}],
                     [("T", "S")]))
    assert bad.status == "error" and "v9" in bad.error["message"]


def test_registry_loads_once_when_threads_race(monkeypatch):
    import threading

    import automatelanka.engine.nodes.base as base

    monkeypatch.setattr(base, "_loaded", False)
    errors: list[Exception] = []

    def look() -> None:
        try:
            base.lookup(_set_node())
        except Exception as exc:  # pragma: no cover - the assertion reports it
            errors.append(exc)

    threads = [threading.Thread(target=look) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


def _set_node():
    from automatelanka.engine.workflow import Workflow

    return Workflow(wf([{**node("S", "n8n-nodes-base.set"), "typeVersion": 3.4}], [])).nodes["S"]


def test_webhook_with_multiple_methods_routes_by_request_method():
    hook = {**node("Hook", "n8n-nodes-base.webhook"), "typeVersion": 2,
            "parameters": {"multipleMethods": True, "httpMethod": ["GET", "POST"], "path": "x"}}
    data = wf([hook, node("OnGet", x=200, y=0), node("OnPost", x=200, y=200)],
              [("Hook", "OnGet", 0), ("Hook", "OnPost", 1)])
    execution = execute(data, mode="webhook", trigger_items=[{"json": {"body": {}}}],
                        trigger_context={"method": "POST"}, start_node="Hook")
    assert "OnPost" in execution.run_data and "OnGet" not in execution.run_data


def test_node_index_is_current():
    """engine/nodes/_index.json maps each type to its modules so runs import only what they use."""
    import json

    from automatelanka.engine.nodes import base

    written = json.loads(base.INDEX_FILE.read_text())
    assert written == base.node_index(), (
        "engine/nodes/_index.json is stale: run "
        "python -c 'from automatelanka.engine.nodes.base import write_index; write_index()'")


def test_a_run_imports_only_the_node_families_it_uses():
    import json
    import subprocess
    import sys

    code = ("import sys, json; from automatelanka.engine.executor import execute; "
            "wf = {'nodes': [{'name': 'T', 'type': 'n8n-nodes-base.manualTrigger', 'typeVersion': 1, "
            "'position': [0, 0], 'parameters': {}}], 'connections': {}}; "
            "assert execute(wf).status == 'success'; "
            "print(json.dumps(sorted(m for m in sys.modules if m.startswith('automatelanka.engine.nodes.'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    loaded = set(json.loads(out))
    assert "automatelanka.engine.nodes.triggers" in loaded
    assert "automatelanka.engine.nodes.html" not in loaded and "automatelanka.engine.nodes.slack" not in loaded
