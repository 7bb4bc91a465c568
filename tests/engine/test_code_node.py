"""Code / Function / FunctionItem nodes: n8n's normalisation, errors and the sandbox limits."""

from __future__ import annotations

import time
from typing import Any

import pytest

from automatelanka.engine.executor import execute
from automatelanka.engine.state import Limits, Services

DATA = "return [{json:{name:'ada', age:36}}, {json:{name:'bob', age:90}}];"


def workflow(code: str, mode: str = "runOnceForAllItems", *, node_type: str = "n8n-nodes-base.code",
             version: float = 2, on_error: str | None = None, data: str = DATA) -> dict[str, Any]:
    params: dict[str, Any] = {"jsCode": code, "mode": mode}
    if node_type != "n8n-nodes-base.code":
        params = {"functionCode": code}
    node: dict[str, Any] = {"name": "Code", "type": node_type, "typeVersion": version, "parameters": params,
                            "position": [400, 0]}
    if on_error:
        node["onError"] = on_error
    return {
        "id": "wf1", "name": "t", "settings": {"executionOrder": "v1"},
        "nodes": [
            {"name": "Start", "type": "n8n-nodes-base.manualTrigger", "typeVersion": 1, "parameters": {},
             "position": [0, 0]},
            {"name": "Data", "type": "n8n-nodes-base.code", "typeVersion": 2, "parameters": {"jsCode": data},
             "position": [200, 0]},
            node,
        ],
        "connections": {
            "Start": {"main": [[{"node": "Data", "type": "main", "index": 0}]]},
            "Data": {"main": [[{"node": "Code", "type": "main", "index": 0}]]},
        },
    }


def run(wf: dict[str, Any], **kwargs: Any):
    return execute(wf, **kwargs)


def output(execution) -> list[dict[str, Any]]:
    task = execution.run_data["Code"][-1]
    assert task.get("error") is None, task.get("error")
    return task["data"]["main"][0]


def error_message(execution) -> str:
    assert execution.status == "error"
    return execution.run_data["Code"][-1]["error"]["message"]


def test_all_items_maps_input_and_keeps_paired_items():
    ex = run(workflow("return $input.all().map((it, i) => ({json: {n: it.json.name.toUpperCase()}, pairedItem: i}));"))
    assert [it["json"] for it in output(ex)] == [{"n": "ADA"}, {"n": "BOB"}]
    assert [it["pairedItem"] for it in output(ex)] == [0, 1]


def test_plain_objects_are_wrapped_and_dates_become_iso_strings():
    ex = run(workflow("return [{d: new Date(0), u: undefined, n: null}];"))
    assert output(ex)[0]["json"] == {"d": "1970-01-01T00:00:00.000Z", "n": None}


def test_await_works():
    ex = run(workflow("const v = await new Promise(r => r(5)); return {json: {v}};"))
    assert output(ex)[0]["json"] == {"v": 5}


def test_each_item_mode_sets_paired_item_and_item_index():
    ex = run(workflow("$json.i = $itemIndex; return $json;", "runOnceForEachItem"))
    out = output(ex)
    assert [it["json"]["i"] for it in out] == [0, 1]
    assert [it["pairedItem"] for it in out] == [{"item": 0}, {"item": 1}]


def test_each_item_null_skips_the_item():
    ex = run(workflow("return $json.age > 50 ? null : $json;", "runOnceForEachItem"))
    assert [it["json"]["name"] for it in output(ex)] == ["ada"]


@pytest.mark.parametrize(("code", "message"), [
    ("return 5;", "Code doesn't return items properly"),
    ("return;", "Code doesn't return items properly"),
    ("return [{json: {a: 1}}, {b: 2}];", "Unknown top-level item key: b [item 1]"),
    ("return [{json: 1}];", "A 'json' property isn't an object [item 0]"),
    ("return [{json: {a: 1}, b: 2}];", "Invalid output format [item 0]"),
    ("throw new Error('boom');", "boom [line 1]"),
    ("\nconst x = 1;\nnull.y;", "Cannot read properties of null (reading 'y') [line 3]"),
])
def test_all_items_errors_match_n8n(code, message):
    assert error_message(run(workflow(code))) == message


def test_all_items_null_returns_no_items():
    assert output(run(workflow("return null;"))) == []


def test_each_item_errors_carry_line_and_item():
    ex = run(workflow("if ($json.age > 50) { throw new Error('bad ' + $itemIndex); }\nreturn $json;",
                      "runOnceForEachItem"))
    assert error_message(ex) == "bad 1 [line 1, for item 1]"
    ex = run(workflow("return [$json];", "runOnceForEachItem"))
    assert error_message(ex) == "Code doesn't return a single object [item 0]"
    ex = run(workflow("return $input.all();", "runOnceForEachItem"))
    assert error_message(ex) == "Can't use .all() here [line 1, for item 0]"


def test_continue_on_fail_inside_the_node():
    ex = run(workflow("throw new Error('kaboom');", on_error="continueRegularOutput"))
    assert output(ex) == [{"json": {"error": "kaboom [line 1]"}}]
    ex = run(workflow("if ($itemIndex === 1) throw new Error('x'); return $json;", "runOnceForEachItem",
                      on_error="continueRegularOutput"))
    assert [it["json"] for it in output(ex)] == [{"name": "ada", "age": 36}, {"error": "x [line 1, for item 1]"}]


def test_console_log_is_captured():
    ex = run(workflow("console.log('hi', {a: 1}); return [];"))
    assert ("Code", 'hi {"a":1}') in ex.state.logs


def test_static_data_persists_in_state():
    ex = run(workflow("const s = $getWorkflowStaticData('global'); s.count = (s.count || 0) + 1; return [];"))
    assert ex.state.static_data == {"count": 1}


def test_function_node_adds_index_and_line_suffix():
    ex = run(workflow("return items.map(i => ({json: {idx: i.index, n: i.json.name}}));",
                      node_type="n8n-nodes-base.function", version=1))
    assert [it["json"] for it in output(ex)] == [{"idx": 0, "n": "ada"}, {"idx": 1, "n": "bob"}]
    ex = run(workflow("\nthrow new Error('oops');", node_type="n8n-nodes-base.function", version=1))
    assert error_message(ex) == "oops [Line 2]"


def test_function_item_node_runs_per_item():
    ex = run(workflow("item.double = item.age * 2; return item;", node_type="n8n-nodes-base.functionItem",
                      version=1))
    out = output(ex)
    assert [it["json"]["double"] for it in out] == [72, 180]
    assert [it["pairedItem"] for it in out] == [{"item": 0}, {"item": 1}]


def test_infinite_loop_is_stopped_by_the_time_limit_and_the_next_run_works():
    services = Services(limits=Limits(js_time_limit_s=0.5, js_memory_limit_mb=128))
    started = time.monotonic()
    ex = run(workflow("while (true) {}"), services=services)
    assert time.monotonic() - started < 5
    assert "timed out" in error_message(ex)
    assert output(run(workflow("return [{json: {ok: 1}}];"), services=services)) == [{"json": {"ok": 1}}]


def test_async_endless_loop_is_stopped_too():
    services = Services(limits=Limits(js_time_limit_s=0.5, js_memory_limit_mb=128))
    ex = run(workflow("while (true) { await null; }"), services=services)
    assert "timed out" in error_message(ex)
    assert output(run(workflow("return [{json: {ok: 2}}];"), services=services)) == [{"json": {"ok": 2}}]


@pytest.mark.parametrize("code", ["new Array(1e9).fill(0); return [];",
                                  "let s = 'x'; while (true) { s = s + s; } return [];"])
def test_huge_allocation_fails_with_out_of_memory_and_the_next_run_works(code):
    services = Services(limits=Limits(js_time_limit_s=10, js_memory_limit_mb=64))
    message = error_message(run(workflow(code), services=services))
    assert "memory" in message
    assert output(run(workflow("return [{json: {ok: 3}}];"), services=services)) == [{"json": {"ok": 3}}]


def test_user_code_cannot_reach_python_or_the_host():
    ex = run(workflow("return [{json: {t: [typeof require, typeof process, typeof fetch, typeof std]}}];"))
    assert output(ex)[0]["json"]["t"] == ["undefined", "undefined", "undefined", "undefined"]


# -- isolation: every Code node run has a context of its own -----------------------------------

def test_globals_and_prototypes_set_by_code_do_not_reach_later_executions() -> None:
    polluter = workflow("leaked = 42; String.prototype.evil = function () { return 'owned'; };\n"
                        "for (item of items) { item.json.seen = true; }\nreturn items;")
    assert [it["json"]["seen"] for it in output(run(polluter))] == [True, True]
    probe = workflow("return [{json: {g: typeof leaked, p: typeof ''.evil, i: typeof item}}];")
    assert [it["json"] for it in output(run(probe))] == [{"g": "undefined", "p": "undefined", "i": "undefined"}]
    expression = workflow("return [{json: {}}];")
    expression["nodes"].append({"name": "Set", "type": "n8n-nodes-base.set", "typeVersion": 3.4, "position": [600, 0],
                                "parameters": {"assignments": {"assignments": [
                                    {"id": "a", "name": "p", "value": "={{ typeof ''.evil }}", "type": "string"}]},
                                    "options": {}}})
    expression["connections"]["Code"] = {"main": [[{"node": "Set", "type": "main", "index": 0}]]}
    execution = run(expression)
    assert execution.run_data["Set"][0]["data"]["main"][0][0]["json"] == {"p": "undefined"}


def test_each_item_starts_without_the_previous_items_globals() -> None:
    code = "if (typeof seen === 'undefined') seen = 0;\nseen++;\nreturn {json: {seen}};"
    assert [it["json"] for it in output(run(workflow(code, "runOnceForEachItem")))] == [{"seen": 1}, {"seen": 1}]


def test_code_has_no_extension_methods_but_expressions_do() -> None:
    code = ("return [{json: {code: typeof 'a b'.toTitleCase,"
            " expr: $evaluateExpression('{{ \"a b\".toTitleCase() }}')}}];")
    assert [it["json"] for it in output(run(workflow(code)))] == [{"code": "undefined", "expr": "A B"}]


def test_code_node_uses_workflow_timezone_and_named_zones() -> None:
    wf = workflow("return [{json: {local: DateTime.fromISO('2024-07-01T12:00:00Z').toISO(),"
                  " tokyo: DateTime.fromISO('2024-07-01T12:00:00Z').setZone('Asia/Tokyo').toISO()}}];")
    wf["settings"]["timezone"] = "America/New_York"
    assert [it["json"] for it in output(run(wf))] == [
        {"local": "2024-07-01T08:00:00.000-04:00", "tokyo": "2024-07-01T21:00:00.000+09:00"}]


def test_code_registers_zones_named_only_by_the_data() -> None:
    data = "return [{json: {tz: 'Pacific/Auckland'}}];"
    code = "return [{json: {t: DateTime.fromISO('2024-07-01T12:00:00Z').setZone($input.first().json.tz).toISO()}}];"
    assert [it["json"] for it in output(run(workflow(code, data=data)))] == [{"t": "2024-07-02T00:00:00.000+12:00"}]
