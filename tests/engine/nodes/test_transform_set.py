"""Set node (v1/v2 value lists, v3.x fields and assignments) through a NodeContext, constant parameters."""

from __future__ import annotations

from typing import Any

import pytest

from automatelanka.engine.errors import NodeError
from automatelanka.engine.nodes.base import NodeContext, lookup
from automatelanka.engine.state import ExecutionState
from automatelanka.engine.workflow import Workflow


def run(version: float, params: dict[str, Any], items: list[dict[str, Any]], *, on_error: str | None = None,
        mode: str = "cli") -> list[list[dict[str, Any]]]:
    raw: dict[str, Any] = {"name": "N", "type": "n8n-nodes-base.set", "typeVersion": version,
                           "parameters": params, "position": [0, 0]}
    if on_error:
        raw["onError"] = on_error
    workflow = Workflow({"nodes": [raw], "connections": {}})
    node = workflow.nodes["N"]
    ctx = NodeContext(ExecutionState(workflow=workflow, mode=mode), node, params, [items], items, 0, [None])
    return lookup(node).handler(ctx)


def test_v1_orders_booleans_numbers_strings_and_uses_dot_paths():
    out = run(1, {"values": {"string": [{"name": "s", "value": "x"}], "number": [{"name": "a.b", "value": 2}],
                             "boolean": [{"name": "flag", "value": "yes"}]}, "options": {}},
              [{"json": {"keep": 1}, "binary": {"data": {"data": "aGk=", "mimeType": "text/plain"}}}])
    item = out[0][0]
    assert list(item["json"]) == ["keep", "flag", "a", "s"]
    assert item["json"]["a"] == {"b": 2} and item["json"]["flag"] is True
    assert "data" in item["binary"]


def test_v2_turns_numeric_strings_into_numbers_but_v1_does_not():
    params = {"keepOnlySet": True, "values": {"number": [{"name": "n", "value": "12.5"}]}, "options": {}}
    assert run(2, params, [{"json": {}}])[0][0]["json"] == {"n": 12.5}
    assert run(1, params, [{"json": {}}])[0][0]["json"] == {"n": "12.5"}


def test_dot_notation_false_keeps_literal_keys():
    params = {"keepOnlySet": True, "values": {"string": [{"name": "a.b", "value": "x"}]},
              "options": {"dotNotation": False}}
    assert run(2, params, [{"json": {}}])[0][0]["json"] == {"a.b": "x"}


def test_v34_converts_types_and_only_outputs_assigned_fields_by_default():
    assignments = [
        {"id": "1", "name": "n", "value": "12", "type": "number"},
        {"id": "2", "name": "b", "value": "false", "type": "boolean"},
        {"id": "3", "name": "arr", "value": "[1, 'two']", "type": "array"},
        {"id": "4", "name": "o", "value": "{'k': 1}", "type": "object"},
        {"id": "5", "name": "s", "value": {"x": 1}, "type": "string"},
        {"id": "6", "name": "z", "value": None, "type": "number"},
        {"id": "7", "name": "e", "value": "", "type": "number"},
    ]
    out = run(3.4, {"assignments": {"assignments": assignments}, "options": {}},
              [{"json": {"other": 1}, "binary": {"data": {"data": "aGk=", "mimeType": "text/plain"}}}])
    item = out[0][0]
    assert item["json"] == {"n": 12, "b": False, "arr": [1, "two"], "o": {"k": 1}, "s": '{"x":1}',
                            "z": None, "e": 0}
    assert "binary" not in item
    assert item["pairedItem"] == {"item": 0}


def test_v34_number_conversion_error_names_field_and_item():
    params = {"assignments": {"assignments": [{"id": "1", "name": "f", "value": "abc", "type": "number"}]}}
    with pytest.raises(NodeError) as info:
        run(3.4, params, [{"json": {}}])
    assert info.value.message == "'f' expects a number but we got 'abc' [item 0]"


def test_v34_continue_on_fail_emits_error_item_and_ignore_errors_keeps_raw_value():
    params = {"assignments": {"assignments": [{"id": "1", "name": "f", "value": "abc", "type": "boolean"}]}}
    out = run(3.4, params, [{"json": {}}], on_error="continueRegularOutput")
    assert out[0][0]["json"]["error"] == "'f' expects a boolean but we got 'abc' [item 0]"
    out = run(3.4, {**params, "options": {"ignoreConversionErrors": True}}, [{"json": {}}])
    assert out[0][0]["json"] == {"f": "abc"}


def test_v34_include_other_fields_except_and_binary_rules():
    item = {"json": {"a": 1, "b": {"c": 2, "d": 3}}, "binary": {"data": {"data": "aGk=", "mimeType": "x"}}}
    params = {"assignments": {"assignments": [{"id": "1", "name": "n", "value": 1, "type": "number"}]},
              "includeOtherFields": True, "include": "except", "excludeFields": "b.c", "options": {}}
    out = run(3.4, params, [item])[0][0]
    assert out["json"] == {"a": 1, "b": {"d": 3}, "n": 1}
    assert "binary" in out
    assert "binary" not in run(3.3, params, [item])[0][0]
    assert "binary" not in run(3.4, {**params, "options": {"stripBinary": True}}, [item])[0][0]
    assert item["json"]["b"] == {"c": 2, "d": 3}  # input untouched


def test_v32_fields_selected_takes_last_path_segment():
    params = {"fields": {"values": [{"name": "x", "type": "stringValue", "stringValue": 5}]},
              "include": "selected", "includeFields": "b.c", "options": {}}
    out = run(3.2, params, [{"json": {"a": 1, "b": {"c": 2}}}])[0][0]
    assert out["json"] == {"c": 2, "x": "5"}


def test_v31_null_string_is_an_error_but_v32_gives_null():
    params = {"fields": {"values": [{"name": "x", "type": "stringValue", "stringValue": None}]}, "options": {}}
    with pytest.raises(NodeError, match="'x' expects a string but we got 'null'"):
        run(3.1, params, [{"json": {}}])
    assert run(3.2, params, [{"json": {}}])[0][0]["json"] == {"x": None}


def test_raw_mode_repairs_json_and_rejects_non_objects():
    params = {"mode": "raw", "jsonOutput": "{'a': 1, b: [1, 2,],}", "options": {}}
    assert run(3.4, params, [{"json": {}}])[0][0]["json"] == {"a": 1, "b": [1, 2]}
    with pytest.raises(NodeError) as info:
        run(3.4, {**params, "jsonOutput": "[1]"}, [{"json": {}}])
    assert info.value.message == "The 'JSON Output' in item 0 does not contain a valid JSON object"


def test_duplicate_item_only_in_manual_mode():
    params = {"assignments": {"assignments": [{"id": "1", "name": "a", "value": "x", "type": "string"}]},
              "duplicateItem": True, "duplicateCount": 2}
    assert len(run(3.4, params, [{"json": {}}], mode="manual")[0]) == 3
    assert len(run(3.4, params, [{"json": {}}])[0]) == 1
