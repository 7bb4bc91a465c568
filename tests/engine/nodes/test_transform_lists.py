"""List transformation nodes through a NodeContext with constant parameters."""

from __future__ import annotations

from typing import Any

import pytest

from automatelanka.engine.errors import NodeError
from automatelanka.engine.nodes import _fields as f
from automatelanka.engine.nodes.base import NodeContext, lookup
from automatelanka.engine.state import ExecutionState
from automatelanka.engine.workflow import Workflow


def run(kind: str, version: float, params: dict[str, Any], *inputs: list[dict[str, Any]],
        state: ExecutionState | None = None) -> tuple[Any, NodeContext]:
    raw = {"name": "N", "type": f"n8n-nodes-base.{kind}", "typeVersion": version, "parameters": params,
           "position": [0, 0], "id": "node-1"}
    workflow = Workflow({"nodes": [raw], "connections": {}})
    node = workflow.nodes["N"]
    state = state or ExecutionState(workflow=workflow)
    data = list(inputs)
    ctx = NodeContext(state, node, params, data, next((d for d in data if d), []), 0, [None])
    return lookup(node).handler(ctx), ctx


def items(*rows: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"json": r} for r in rows]


def jsons(output: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [i["json"] for i in output]


def test_fields_helpers_follow_lodash_and_js():
    data: dict[str, Any] = {}
    f.set_(data, "a.list[1].b", 1)
    assert data == {"a": {"list": [None, {"b": 1}]}}
    assert f.get({"a.b": 1}, "a.b") == 1 and f.get(data, "a.list.length") == 2
    assert f.js_string(1.0) == "1" and f.js_string(1e21) == "1e+21" and f.js_string([1, None]) == "1,"
    assert f.is_nan(f.js_number("1a")) and f.js_number(" 0x10 ") == 16 and f.js_number("") == 0
    assert not f.js_equal(True, 1) and f.js_equal({"a": [1]}, {"a": [1.0]})


def test_split_out_spreads_objects_and_hints_missing_fields():
    out, ctx = run("splitOut", 1, {"fieldToSplitOut": "$json.list", "include": "noOtherFields", "options": {}},
                   items({"id": 1, "list": [{"a": 1}, 2]}))
    assert jsons(out[0]) == [{"a": 1}, {"list": 2}]
    out, ctx = run("splitOut", 1, {"fieldToSplitOut": "nope", "options": {}}, items({"id": 1}))
    assert out == [[]] and ctx.hints == ["The field 'nope' wasn't found in any input item"]


def test_split_out_all_other_fields_with_destinations():
    params = {"fieldToSplitOut": "a, b", "include": "allOtherFields", "options": {"destinationFieldName": "x, y"}}
    out, _ = run("splitOut", 1, params, items({"id": 1, "a": [1, 2], "b": ["p"]}))
    assert jsons(out[0]) == [{"id": 1, "x": 1, "y": "p"}, {"id": 1, "x": 2}]


def test_aggregate_individual_fields_and_all_data():
    rows = items({"a": {"b": 1}, "t": [1, None]}, {"a": {"b": None}, "t": [2]}, {"t": 3})
    params = {"aggregate": "aggregateIndividualFields", "fieldsToAggregate": {"fieldToAggregate": [
        {"fieldToAggregate": "a.b"}, {"fieldToAggregate": "t", "renameField": True, "outputFieldName": "all"}]},
        "options": {"mergeLists": True}}
    out, _ = run("aggregate", 1, params, rows)
    assert out[0][0]["json"] == {"b": [1], "all": [1, 2, 3]}
    assert out[0][0]["pairedItem"] == [{"item": 0}, {"item": 1}, {"item": 2}]
    params = {"aggregate": "aggregateAllItemData", "destinationFieldName": "rows", "include": "specifiedFields",
              "fieldsToInclude": "t"}
    out, _ = run("aggregate", 1, params, items({"t": 1, "x": 2}, {"x": 3}))
    assert out[0][0] == {"json": {"rows": [{"t": 1}]}, "pairedItem": [{"item": 0}]}


def test_sort_is_case_insensitive_stable_and_errors_on_missing_field():
    rows = items({"n": "b", "i": 0}, {"n": "A", "i": 1}, {"n": "a", "i": 2}, {"n": "C", "i": 3})
    params = {"type": "simple", "sortFieldsUi": {"sortField": [{"fieldName": "n", "order": "ascending"}]}}
    out, _ = run("sort", 1, params, rows)
    assert [j["i"] for j in jsons(out[0])] == [1, 2, 0, 3]
    with pytest.raises(NodeError, match="Couldn't find the field 'zz' in the input data"):
        run("sort", 1, {"type": "simple", "sortFieldsUi": {"sortField": [{"fieldName": "zz"}]}}, rows)


def test_remove_duplicates_modes_and_type_errors():
    rows = items({"a": 1, "b": {"c": 1}}, {"a": 1, "b": {"c": 2}}, {"a": 1, "b": {"c": 1}})
    out, _ = run("removeDuplicates", 2, {"compare": "allFields"}, rows)
    assert jsons(out[0]) == [{"a": 1, "b": {"c": 1}}, {"a": 1, "b": {"c": 2}}]
    out, _ = run("removeDuplicates", 2, {"compare": "allFieldsExcept", "fieldsToExclude": "b.c"}, rows)
    assert len(out[0]) == 1
    with pytest.raises(NodeError) as info:
        run("removeDuplicates", 2, {"compare": "selectedFields", "fieldsToCompare": "a"}, items({"a": 1}, {"a": "1"}))
    assert info.value.message == "'a' isn't always the same type"
    with pytest.raises(NodeError, match="'z' field is missing from some input items"):
        run("removeDuplicates", 1, {"compare": "selectedFields", "fieldsToCompare": "z"}, rows)


def test_remove_items_seen_in_previous_executions_uses_static_data():
    params = {"operation": "removeItemsSeenInPreviousExecutions", "dedupeValue": "k"}
    first, ctx = run("removeDuplicates", 2, params, items({"a": 1}))
    assert len(first[0]) == 1
    again, _ = run("removeDuplicates", 2, params, items({"a": 1}), state=ctx.state)
    assert again[0] == [] and len(again[1]) == 1


def test_summarize_puts_aggregates_before_split_keys():
    rows = items({"g": "x", "v": 1}, {"g": "y", "v": 2}, {"g": "x", "v": "3"}, {"g": "x", "v": 4})
    params = {"fieldsToSummarize": {"values": [{"aggregation": "sum", "field": "v"},
                                               {"aggregation": "count", "field": "v"},
                                               {"aggregation": "max", "field": "v"}]},
              "fieldsToSplitBy": "g", "options": {}}
    out, _ = run("summarize", 1.1, params, rows)
    assert jsons(out[0]) == [{"sum_v": 5, "count_v": 3, "max_v": 4, "g": "x"},
                             {"sum_v": 2, "count_v": 1, "max_v": 2, "g": "y"}]
    assert out[0][0]["pairedItem"] == [{"item": 0}, {"item": 2}, {"item": 3}]


def test_summarize_missing_field_is_error_in_v1_hint_in_v11():
    params = {"fieldsToSummarize": {"values": [{"aggregation": "count", "field": "nope"}]}, "options": {}}
    with pytest.raises(NodeError, match="The field 'nope' does not exist in any items"):
        run("summarize", 1, params, items({"a": 1}))
    out, ctx = run("summarize", 1.1, params, items({"a": 1}))
    assert jsons(out[0]) == [{"count_nope": 0}] and ctx.hints


def test_item_lists_v1_split_out_requires_an_array():
    params = {"operation": "splitOutItems", "fieldToSplitOut": "a", "include": "noOtherFields", "options": {}}
    with pytest.raises(NodeError, match="The provided field 'a' is not an array"):
        run("itemLists", 1, params, items({"a": 1}))
    out, _ = run("itemLists", 1, params, items({"a": [{"x": 1}, 2]}))
    assert jsons(out[0]) == [{"x": 1}, {"a": 2}]


def test_item_lists_legacy_summarize_puts_split_key_first():
    params = {"operation": "summarize", "fieldsToSummarize": {"values": [{"aggregation": "sum", "field": "v"}]},
              "fieldsToSplitBy": "g", "options": {}}
    out, _ = run("itemLists", 2, params, items({"g": "x", "v": 1}, {"g": "x", "v": 2}))
    assert jsons(out[0]) == [{"g": "x", "sum_v": 3}]


def test_rename_keys_paths_and_regex():
    params = {"keys": {"key": [{"currentKey": "a.b", "newKey": "c"}]}, "additionalOptions": {
        "regexReplacement": {"replacements": [{"searchRegex": "^x(\\d)", "replaceRegex": "y$1", "options": {}}]}}}
    out, _ = run("renameKeys", 1, params, items({"a": {"b": 1, "k": 2}, "x1": {"x2": 3}}))
    assert out[0][0]["json"] == {"a": {"k": 2}, "c": 1, "y1": {"y2": 3}}


def test_compare_datasets_four_outputs():
    a = [{"json": {"id": 1, "v": 1}, "pairedItem": {"item": 0}}, {"json": {"id": 2, "v": 2}, "pairedItem": {"item": 1}},
         {"json": {"id": 3}, "pairedItem": {"item": 2}}]
    b = [{"json": {"id": 1, "v": 1}, "pairedItem": {"item": 0, "input": 1}},
         {"json": {"id": 2, "v": 3}, "pairedItem": {"item": 1, "input": 1}},
         {"json": {"id": 4}, "pairedItem": {"item": 2, "input": 1}}]
    params = {"mergeByFields": {"values": [{"field1": "id", "field2": "id"}]}, "resolve": "includeBoth",
              "options": {}}
    out, _ = run("compareDatasets", 2.3, params, a, b)
    only_a, same, different, only_b = out
    assert jsons(only_a) == [{"id": 3}] and jsons(same) == [{"id": 1, "v": 1}] and jsons(only_b) == [{"id": 4}]
    assert different[0]["json"] == {"keys": {"id": 2}, "same": {"id": 2},
                                    "different": {"v": {"inputA": 2, "inputB": 3}}}
    assert different[0]["pairedItem"] == [{"item": 1}, {"item": 1, "input": 1}]
    out, _ = run("compareDatasets", 2.3, {**params, "fuzzyCompare": True},
                 a, [{"json": {"id": "2", "v": "2"}}])
    assert jsons(out[1]) == [{"id": 2, "v": 2}]
