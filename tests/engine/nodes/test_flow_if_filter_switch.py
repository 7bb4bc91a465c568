"""If, Filter and Switch handlers through a NodeContext with constant parameters."""

from __future__ import annotations

from typing import Any

import pytest

from automatelanka.engine.errors import NodeError
from automatelanka.engine.nodes.base import NodeContext, lookup
from automatelanka.engine.state import ExecutionState
from automatelanka.engine.workflow import Workflow


def make(type_: str, version: float, params: dict[str, Any], on_error: str | None = None) -> tuple[Any, Any]:
    raw: dict[str, Any] = {"name": "N", "type": f"n8n-nodes-base.{type_}", "typeVersion": version,
                           "parameters": params, "position": [0, 0]}
    if on_error:
        raw["onError"] = on_error
    workflow = Workflow({"nodes": [raw], "connections": {}})
    return workflow.nodes["N"], ExecutionState(workflow=workflow)


def run(type_: str, version: float, params: dict[str, Any], jsons: list[dict[str, Any]],
        on_error: str | None = None) -> list[list[dict[str, Any]]]:
    node, state = make(type_, version, params, on_error)
    items = [{"json": j, "pairedItem": {"item": i}} for i, j in enumerate(jsons)]
    ctx = NodeContext(state, node, params, [items], items, 0, [None])
    out = lookup(node).handler(ctx)
    assert out is not None
    return out


def outputs_count(type_: str, version: float, params: dict[str, Any]) -> int:
    node, _ = make(type_, version, params)
    return lookup(node).outputs(node)


def values(output: list[dict[str, Any]], key: str = "v") -> list[Any]:
    return [item["json"].get(key) for item in output]


def fv(*conditions: dict[str, Any], strict: bool = True, combinator: str = "and") -> dict[str, Any]:
    return {"options": {"caseSensitive": True, "typeValidation": "strict" if strict else "loose", "version": 2},
            "conditions": list(conditions), "combinator": combinator}


def gt(left: Any, right: Any) -> dict[str, Any]:
    return {"leftValue": left, "rightValue": right, "operator": {"type": "number", "operation": "gt"}}


DATA = [{"v": 1}, {"v": 5}, {"v": 10}]


# -- If -----------------------------------------------------------------------------------------


def test_if_v2_routes_true_and_false_keeping_paired_items() -> None:
    params = {"conditions": fv({"leftValue": 4, "rightValue": 4, "operator": {"type": "number", "operation": "lt"}}),
              "options": {}}
    true_items, false_items = run("if", 2.2, params, DATA)
    assert true_items == []
    assert [i["pairedItem"] for i in false_items] == [{"item": 0}, {"item": 1}, {"item": 2}]


def test_if_v2_strict_type_error_is_a_node_error_for_that_item() -> None:
    params = {"conditions": fv(gt("5", 3)), "options": {}}
    with pytest.raises(NodeError) as info:
        run("if", 2.3, params, DATA)
    assert info.value.message == "Wrong type: '5' is a string but was expecting a number [condition 0, item 0]"
    assert info.value.item_index == 0


def test_if_v2_continue_on_fail_sends_failing_items_to_false() -> None:
    params = {"conditions": fv(gt("x", 3), strict=False), "options": {}}
    true_items, false_items = run("if", 2.2, params, DATA, on_error="continueRegularOutput")
    assert true_items == []
    assert values(false_items) == [1, 5, 10]


def test_if_v1_any_and_all() -> None:
    conditions = {"number": [{"value1": 5, "operation": "larger", "value2": 4}],
                  "string": [{"value1": "abc", "operation": "startsWith", "value2": "x"}]}
    t_any, f_any = run("if", 1, {"conditions": conditions, "combineOperation": "any"}, DATA)
    t_all, f_all = run("if", 1, {"conditions": conditions, "combineOperation": "all"}, DATA)
    assert (len(t_any), len(f_any)) == (3, 0)
    assert (len(t_all), len(f_all)) == (0, 3)


def test_if_v1_invalid_date_fails_the_node() -> None:
    params = {"conditions": {"dateTime": [{"value1": "soon", "operation": "after", "value2": "2024-01-01"}]}}
    with pytest.raises(NodeError, match="is not a valid DateTime"):
        run("if", 1, params, DATA)


# -- Filter -------------------------------------------------------------------------------------


def test_filter_v2_returns_kept_and_discarded_with_one_declared_output() -> None:
    params = {"conditions": fv(gt(7, 4)), "options": {}}
    kept, discarded = run("filter", 2.2, params, DATA)
    assert values(kept) == [1, 5, 10]
    assert discarded == []
    assert outputs_count("filter", 2.2, params) == 1


def test_filter_v1_or_combination() -> None:
    params = {"conditions": {"string": [{"value1": "foo", "operation": "regex", "value2": "^f"}]},
              "combineConditions": "OR"}
    kept, discarded = run("filter", 1, params, DATA)
    assert len(kept) == 3 and discarded == []


# -- Switch -------------------------------------------------------------------------------------


def rule(threshold: int) -> dict[str, Any]:
    return {"conditions": fv({"leftValue": threshold, "rightValue": 4,
                              "operator": {"type": "number", "operation": "gt"}})}


def test_switch_v3_output_count_follows_rules_and_fallback() -> None:
    rules = {"values": [rule(1), rule(2)]}
    assert outputs_count("switch", 3.2, {"rules": rules, "options": {}}) == 2
    assert outputs_count("switch", 3.2, {"rules": rules, "options": {"fallbackOutput": "extra"}}) == 3
    assert outputs_count("switch", 3.2, {"mode": "expression", "numberOutputs": 6}) == 6
    assert outputs_count("switch", 3, {"mode": "expression"}) == 4
    assert outputs_count("switch", 1, {}) == 4
    assert outputs_count("switch", 2, {"rules": {"rules": [{}, {}, {}]}}) == 3


def test_switch_v3_first_match_all_matching_and_extra_fallback() -> None:
    rules = {"values": [rule(5), rule(6), rule(1)]}
    first = run("switch", 3.2, {"rules": rules, "options": {"fallbackOutput": "extra"}}, DATA[:1])
    assert [len(o) for o in first] == [1, 0, 0, 0]
    every = run("switch", 3.2, {"rules": rules, "options": {"allMatchingOutputs": True}}, DATA[:1])
    assert [len(o) for o in every] == [1, 1, 0]
    none = run("switch", 3.2, {"rules": {"values": [rule(1)]}, "options": {"fallbackOutput": "extra"}}, DATA)
    assert [values(o) for o in none] == [[], [1, 5, 10]]
    indexed = run("switch", 3.2, {"rules": {"values": [rule(1), rule(2)]}, "options": {"fallbackOutput": 1}}, DATA)
    assert [len(o) for o in indexed] == [0, 3]


def test_switch_v3_no_rules_gives_one_empty_output() -> None:
    assert run("switch", 3.2, {"rules": {"values": []}, "options": {}}, DATA) == [[]]


def test_switch_v3_expression_mode_and_index_errors() -> None:
    out = run("switch", 3.2, {"mode": "expression", "numberOutputs": 2, "output": 1}, DATA)
    assert [len(o) for o in out] == [0, 3]
    assert out[1][2]["pairedItem"] == {"item": 2}
    with pytest.raises(NodeError) as info:
        run("switch", 3.2, {"mode": "expression", "numberOutputs": 2, "output": 2}, DATA)
    assert info.value.message == "The ouput 2 is not allowed. "
    assert info.value.description == "Output indexes are zero based, if you want to use the extra output use 1"
    with pytest.raises(NodeError, match=r"^The ouput -1 is not allowed$") as info:
        run("switch", 3.2, {"mode": "expression", "numberOutputs": 2, "output": -1}, DATA)
    assert info.value.description == "It has to be between 0 and 1"


def test_switch_v3_continue_on_fail_emits_error_items_on_output_0() -> None:
    params = {"rules": {"values": [{"conditions": fv(gt("x", 1))}]}, "options": {}}
    out = run("switch", 3.2, params, DATA, on_error="continueRegularOutput")
    assert out[0][1] == {"json": {"error": "Wrong type: 'x' is a string but was expecting a number "
                                           "[condition 0, item 1]"}}


def test_switch_v1_routes_to_rule_output_and_fallback() -> None:
    params = {"dataType": "number", "value1": 5,
              "rules": {"rules": [{"operation": "larger", "value2": 10, "output": 3},
                                  {"operation": "equal", "value2": 5, "output": 2}]},
              "fallbackOutput": 0}
    assert [len(o) for o in run("switch", 1, params, DATA)] == [0, 0, 3, 0]
    params["value1"] = 1
    assert [len(o) for o in run("switch", 1, params, DATA)] == [3, 0, 0, 0]


def test_switch_v1_output_out_of_range() -> None:
    params = {"mode": "expression", "output": 4}
    with pytest.raises(NodeError, match=r"^The ouput 4 is not allowed. It has to be between 0 and 3!$"):
        run("switch", 1, params, DATA)


def test_switch_v2_rules_by_rule_index() -> None:
    params = {"dataType": "string", "value1": "banana",
              "rules": {"rules": [{"operation": "startsWith", "value2": "x"}, {"operation": "contains", "value2": "nan"}]},
              "fallbackOutput": -1}
    out = run("switch", 2, params, DATA)
    assert [len(o) for o in out] == [0, 3]
    assert out[1][0]["pairedItem"] == {"item": 0}


def test_switch_v2_has_no_is_empty_operation() -> None:
    params = {"dataType": "string", "value1": "", "rules": {"rules": [{"operation": "isEmpty"}]}}
    with pytest.raises(NodeError, match=r"^compareOperationFunctions\[ruleData\.operation\] is not a function$"):
        run("switch", 2, params, DATA)
