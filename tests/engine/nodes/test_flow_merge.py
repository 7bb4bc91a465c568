"""Merge v1, v2/2.1 and v3-3.2 handlers through a NodeContext with constant parameters."""

from __future__ import annotations

from typing import Any

import pytest

from automatelanka.engine.errors import NodeError
from automatelanka.engine.nodes.base import NodeContext, lookup
from automatelanka.engine.state import ExecutionState
from automatelanka.engine.workflow import Workflow


def node_of(version: float, params: dict[str, Any]) -> Any:
    raw = {"name": "M", "type": "n8n-nodes-base.merge", "typeVersion": version, "parameters": params,
           "position": [0, 0]}
    return Workflow({"nodes": [raw], "connections": {}}).nodes["M"]


def stamp(jsons: list[dict[str, Any]], input_index: int) -> list[dict[str, Any]]:
    paired = (lambda i: {"item": i, "input": input_index}) if input_index else (lambda i: {"item": i})
    return [{"json": j, "pairedItem": paired(i)} for i, j in enumerate(jsons)]


def run(version: float, params: dict[str, Any], *inputs: list[dict[str, Any]]) -> tuple[list[Any], NodeContext]:
    node = node_of(version, params)
    stamped = [stamp(jsons, k) for k, jsons in enumerate(inputs)]
    first = next((items for items in stamped if items), [])
    ctx = NodeContext(ExecutionState(workflow=Workflow({"nodes": [], "connections": {}})), node, params, stamped,
                      first, 0, [None] * len(stamped))
    return lookup(node).handler(ctx), ctx


def jsons(output: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [item["json"] for item in output]


PEOPLE = [{"id": 1, "name": "ada", "info": {"a": 1, "list": [1, 2, 3]}}, {"id": 2, "name": "alan"},
          {"id": 3, "name": "grace"}]
ORDERS = [{"id": 2, "total": 5, "info": {"b": 2, "list": [9]}}, {"id": "3", "total": 7}, {"id": 9, "total": 1}]


def test_declared_inputs_and_required_inputs() -> None:
    spec = lookup(node_of(3.2, {"numberInputs": 4}))
    assert spec.inputs(node_of(3.2, {"numberInputs": 4})) == 4
    assert spec.inputs(node_of(3.2, {})) == 2
    assert spec.required_inputs(node_of(3.2, {"mode": "chooseBranch"})) == [0, 1]
    assert spec.required_inputs(node_of(3.2, {"mode": "append"})) == 1
    v2 = node_of(2, {"mode": "chooseBranch"})
    assert lookup(v2).required_inputs(v2) == [0, 1]


def test_v3_append_in_input_order_for_three_inputs() -> None:
    (out,), _ = run(3.2, {"numberInputs": 3}, [{"a": 1}], [], [{"c": 3}, {"c": 4}])
    assert jsons(out) == [{"a": 1}, {"c": 3}, {"c": 4}]
    assert out[1]["pairedItem"] == {"item": 0, "input": 2}


def test_v3_keep_matches_deep_merges_and_pairs_both_items() -> None:
    (out,), _ = run(3.2, {"mode": "combine", "fieldsToMatchString": "id", "options": {}}, PEOPLE, ORDERS)
    assert jsons(out) == [{"id": 2, "name": "alan", "total": 5, "info": {"b": 2, "list": [9]}}]
    assert out[0]["pairedItem"] == [{"item": 1}, {"item": 0, "input": 1}]
    assert out[0]["binary"] == {}


def test_v3_deep_merge_merges_arrays_by_index() -> None:
    left = [{"id": 1, "info": {"a": 1, "list": [1, 2, 3]}}]
    right = [{"id": 1, "info": {"b": 2, "list": [9]}}]
    (out,), _ = run(3.2, {"mode": "combine", "fieldsToMatchString": "id", "options": {}}, left, right)
    assert jsons(out) == [{"id": 1, "info": {"a": 1, "b": 2, "list": [9, 2, 3]}}]
    assert left[0]["info"]["list"] == [1, 2, 3]  # inputs untouched


def test_v3_fuzzy_compare_matches_number_and_string() -> None:
    params = {"mode": "combine", "fieldsToMatchString": "id", "options": {"fuzzyCompare": True}}
    (out,), _ = run(3.2, params, PEOPLE, ORDERS)
    assert [item["json"]["name"] for item in out] == ["alan", "grace"]


def test_v3_keep_everything_appends_unmatched_of_both_inputs() -> None:
    params = {"mode": "combine", "fieldsToMatchString": "id", "joinMode": "keepEverything", "options": {}}
    (out,), _ = run(3.2, params, PEOPLE, ORDERS)
    assert [item["json"].get("name") or item["json"]["total"] for item in out] == ["alan", "ada", "grace", 7, 1]


def test_v3_keep_non_matches_both_adds_source() -> None:
    params = {"mode": "combine", "fieldsToMatchString": "id", "joinMode": "keepNonMatches", "options": {}}
    (out,), _ = run(3.2, params, PEOPLE, ORDERS)
    assert [(item["json"]["id"], item["json"]["_source"]) for item in out] == [
        (1, "input1"), (3, "input1"), ("3", "input2"), (9, "input2")]


def test_v3_enrich_input2_prefers_input1_by_default() -> None:
    left = [{"id": 1, "v": "left"}]
    right = [{"id": 1, "v": "right", "extra": True}, {"id": 5, "v": "alone"}]
    params = {"mode": "combine", "fieldsToMatchString": "id", "joinMode": "enrichInput2", "options": {}}
    (out,), _ = run(3.2, params, left, right)
    assert jsons(out) == [{"id": 1, "v": "left", "extra": True}, {"id": 5, "v": "alone"}]
    assert out[0]["pairedItem"] == [{"item": 0, "input": 1}, {"item": 0}]


def test_v3_add_suffix_and_multiple_matches_first() -> None:
    params = {"mode": "combine", "fieldsToMatchString": "id", "options": {
        "multipleMatches": "first", "clashHandling": {"values": {"resolveClash": "addSuffix"}}}}
    (out,), _ = run(3.2, params, [{"id": 1}], [{"id": 1, "n": 1}, {"id": 1, "n": 2}])
    assert jsons(out) == [{"id_1": 1, "id_2": 1, "n_2": 1}]


def test_v3_keep_matches_with_an_empty_input_returns_no_outputs() -> None:
    out, _ = run(3.2, {"mode": "combine", "fieldsToMatchString": "id", "options": {}}, PEOPLE, [])
    assert out == []
    out, _ = run(3.2, {"mode": "combine", "fieldsToMatchString": "id", "joinMode": "keepEverything",
                       "options": {}}, PEOPLE, [])
    assert len(out[0]) == 3


def test_v3_missing_match_fields_is_an_error() -> None:
    with pytest.raises(NodeError, match="at least one pair of fields"):
        run(3.2, {"mode": "combine", "fieldsToMatchString": "", "options": {}}, PEOPLE, ORDERS)


def test_v3_combine_by_position_min_length_with_hint_and_unpaired() -> None:
    (out,), ctx = run(3.2, {"mode": "combine", "combineBy": "combineByPosition", "options": {}}, PEOPLE, [])
    assert out == [] and ctx.hints
    (out,), _ = run(3.2, {"mode": "combine", "combineBy": "combineByPosition", "options": {"includeUnpaired": True}},
                    [{"a": 1, "x": 1}], [{"a": 2}, {"b": 3}])
    assert jsons(out) == [{"a": 2, "x": 1}, {"b": 3}]
    assert out[1]["pairedItem"] == [{"item": 1, "input": 1}, {"item": 1, "input": 1}]


def test_v3_combine_all_cross_product() -> None:
    (out,), _ = run(3.2, {"mode": "combine", "combineBy": "combineAll", "options": {}}, [{"a": 1}, {"a": 2}],
                    [{"b": 1}, {"b": 2}])
    assert jsons(out) == [{"a": 1, "b": 1}, {"a": 1, "b": 2}, {"a": 2, "b": 1}, {"a": 2, "b": 2}]


def test_v3_choose_branch_and_sql_mode() -> None:
    (out,), _ = run(3.2, {"mode": "chooseBranch", "useDataOfInput": 2}, [{"a": 1}], [{"b": 2}])
    assert jsons(out) == [{"b": 2}]
    (out,), _ = run(3.2, {"mode": "chooseBranch", "output": "empty"}, [{"a": 1}], [{"b": 2}])
    assert out == [{"json": {}, "pairedItem": [{"item": 0}, {"item": 0, "input": 1}]}]
    with pytest.raises(NodeError, match="Input 3 doesn't exist"):
        run(3.2, {"mode": "chooseBranch", "useDataOfInput": 3}, [{"a": 1}], [{"b": 2}])
    with pytest.raises(NodeError, match="SQL"):
        run(3.2, {"mode": "combineBySql"}, [{"a": 1}], [{"b": 2}])


def test_v2_merge_by_fields_prefers_input2_and_checks_fields_in_v2_0() -> None:
    params = {"mode": "combine", "combinationMode": "mergeByFields", "joinMode": "keepMatches",
              "mergeByFields": {"values": [{"field1": "id", "field2": "id"}]}, "options": {}}
    (out,), _ = run(2.1, params, [{"id": 1, "v": "a"}], [{"id": 1, "v": "b"}])
    assert jsons(out) == [{"id": 1, "v": "b"}]
    with pytest.raises(NodeError, match="Field 'id' is not present in any of items in 'Input 2'"):
        run(2, params, [{"id": 1}], [{"other": 1}])


def test_v2_choose_branch_and_position() -> None:
    (out,), _ = run(2, {"mode": "chooseBranch", "output": "input2"}, [{"a": 1}], [{"b": 2}])
    assert jsons(out) == [{"b": 2}]
    (out,), _ = run(2, {"mode": "combine", "combinationMode": "mergeByPosition", "options": {}},
                    [{"a": 1}, {"a": 2}], [{"b": 1}])
    assert jsons(out) == [{"a": 1, "b": 1}]


def test_v1_modes() -> None:
    left = [{"k": "x", "v": 1}, {"k": "y", "v": 2}, {"v": 3}]
    right = [{"k": "y", "w": 20, "v": 99}, {"k": "z", "w": 30}]
    (out,), _ = run(1, {"mode": "mergeByKey", "propertyName1": "k", "propertyName2": "k"}, left, right)
    assert jsons(out) == [{"k": "x", "v": 1}, {"k": "y", "v": 99, "w": 20}]
    (out,), _ = run(1, {"mode": "mergeByKey", "propertyName1": "k", "propertyName2": "k", "overwrite": "undefined"},
                    left, right)
    assert jsons(out)[1] == {"k": "y", "v": 2, "w": 20}
    (out,), _ = run(1, {"mode": "keepKeyMatches", "propertyName1": "k", "propertyName2": "k"}, left, right)
    assert jsons(out) == [{"k": "y", "v": 2}]
    (out,), _ = run(1, {"mode": "removeKeyMatches", "propertyName1": "k", "propertyName2": "k"}, left, right)
    assert jsons(out) == [{"k": "x", "v": 1}, {"v": 3}]
    (out,), _ = run(1, {"mode": "mergeByIndex", "join": "inner"}, left, right)
    assert jsons(out) == [{"k": "y", "v": 99, "w": 20}, {"k": "z", "v": 2, "w": 30}]
    (out,), _ = run(1, {"mode": "multiplex"}, left[:1], right)
    assert len(out) == 2 and out[0]["pairedItem"] == [{"item": 0}, {"item": 0, "input": 1}]
    (out,), _ = run(1, {"mode": "wait"}, left, right)
    assert out == [{"json": {}, "pairedItem": [{"item": 0}, {"item": 1}, {"item": 2}]}]


def test_v3_minimize_empty_fields_keeps_values_and_changes_the_input_in_place_like_n8n() -> None:
    left = [{"id": 1, "name": "kept", "info": {"a": 1}}]
    right = [{"id": 1, "name": "", "info": {"b": 2}}]
    params = {"mode": "combine", "fieldsToMatchString": "id", "options": {"clashHandling": {"values": {
        "resolveClash": "preferLast", "mergeMode": "deepMerge", "overrideEmpty": True}}}}
    node = node_of(3.2, params)
    items = [stamp(left, 0), stamp(right, 1)]
    ctx = NodeContext(ExecutionState(workflow=Workflow({"nodes": [], "connections": {}})), node, params, items,
                      items[0], 0, [None, None])
    (out,) = lookup(node).handler(ctx)
    assert jsons(out) == [{"id": 1, "name": "kept", "info": {"a": 1, "b": 2}}]
    assert items[0][0]["json"]["info"] == {"a": 1, "b": 2}  # lodash mergeWith on a shallow copy
