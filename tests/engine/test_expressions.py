"""Expression evaluation (spec §4): templating, types, errors, proxy variables, paired items,
and the Python fast path agreeing with the quickjs path."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from automatelanka.engine.errors import ExpressionError
from automatelanka.engine.expressions import evaluator_for
from automatelanka.engine.expressions.scope import Scope
from automatelanka.engine.expressions.template import compile_fast, js_number, split
from automatelanka.engine.state import ExecutionState, Services
from automatelanka.engine.workflow import Workflow


def make_state(mode: str = "cli", *, wf_id: str | None = "wf1", env: dict[str, str] | None = None) -> ExecutionState:
    data: dict[str, Any] = {
        "name": "My WF",
        "nodes": [
            {"name": "Start", "type": "n8n-nodes-base.manualTrigger", "typeVersion": 1, "parameters": {}},
            {"name": "Data", "type": "n8n-nodes-base.noOp", "typeVersion": 1, "parameters": {}},
            {"name": "Mid", "type": "n8n-nodes-base.noOp", "typeVersion": 1, "parameters": {}},
            {"name": "Here", "type": "n8n-nodes-base.noOp", "typeVersion": 1, "parameters": {}},
            {"name": "Other", "type": "n8n-nodes-base.noOp", "typeVersion": 1, "parameters": {}},
        ],
        "connections": {
            "Start": {"main": [[{"node": "Data", "type": "main", "index": 0}]]},
            "Data": {"main": [[{"node": "Mid", "type": "main", "index": 0}]]},
            "Mid": {"main": [[{"node": "Here", "type": "main", "index": 0}]]},
        },
    }
    if wf_id:
        data["id"] = wf_id
    state = ExecutionState(workflow=Workflow(data), mode=mode, execution_id="42",
                           services=Services(env=env or {}))
    state.run_data["Start"] = [{"data": {"main": [[{"json": {}}]]}, "source": []}]
    state.run_data["Data"] = [{"data": {"main": [[
        {"json": {"name": "ada", "n": 1}, "pairedItem": {"item": 0}},
        {"json": {"name": "bob", "n": 2}, "pairedItem": {"item": 0}},
        {"json": {"name": "cy", "n": 3}, "pairedItem": {"item": 0}},
    ]]}, "source": [{"previousNode": "Start"}]}]
    # Mid kept items 2 and 0 (in that order), with paired items back to Data
    state.run_data["Mid"] = [{"data": {"main": [[
        {"json": {"m": "c"}, "pairedItem": {"item": 2}},
        {"json": {"m": "a"}, "pairedItem": {"item": 0}},
    ]]}, "source": [{"previousNode": "Data"}]}]
    return state


INPUT = [
    {"json": {"m": "c", "a": {"b": [1, 2, {"c": None}]}, "f": 1.5, "t": True, "z": None, "s": "x"},
     "pairedItem": {"item": 0}},
    {"json": {"m": "a", "a": {"b": []}, "f": 2.0, "t": False, "z": 0, "s": ""}, "pairedItem": {"item": 1}},
]


def ev(expr: str, item: int = 0, *, state: ExecutionState | None = None, items=None, js: bool = False) -> Any:
    state = state or make_state()
    scope = Scope(state, state.workflow.nodes["Here"], 0, item, INPUT if items is None else items,
                  [{"previousNode": "Mid"}])
    evaluator = evaluator_for(state)
    if js:
        return evaluator.evaluate_js(expr[1:], scope)
    return evaluator.resolve(expr, scope)


# -- templating ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("expr", "want"), [
    ("={{ 1 }}", 1),
    ("={{ [1,2] }}", [1, 2]),
    ("={{ {a:1} }}", {"a": 1}),
    ("=x{{ {a:1} }}y", "x[object Object]y"),
    ("=x{{ [1,2,3] }}y", "x1,2,3y"),
    ("=a{{true}}b{{0}}c{{false}}", "atrueb0cfalse"),
    ("={{ 1+1 }}{{ 2 }}", "22"),
    ("={{ $json.f }} ", "1.5 "),
    ("=abc", "abc"),
    ("=", ""),
    ("=\\{{ x }}", "\\{{ x }}"),
    ("=a{{ null }}b{{ undefined }}c{{ NaN }}d", "abcd"),
    ("={{ 1", 1),
    ("={{ `t${1+1}` }}", "t2"),
    ("={{ $json.a?.zz?.y }}", None),
    ("plain", "plain"),
])
def test_templating(expr, want):
    assert ev(expr) == want


def test_resolve_walks_nested_structures():
    value = {"a": ["={{ 1+1 }}", {"b": "=x{{ $json.s }}"}], "c": 5, "d": "lit"}
    assert ev(value) == {"a": [2, {"b": "xx"}], "c": 5, "d": "lit"}


def test_split_matches_n8n_rules():
    assert split("a{{ b }}c") == [("text", "a"), ("code", " b "), ("text", "c")]
    assert split("{{ b") == [("text", ""), ("code", " b")]
    assert split("") == [("text", "")]


@pytest.mark.parametrize(("value", "text"), [
    (1.0, "1"), (0.1, "0.1"), (1e21, "1e+21"), (1.5e16, "15000000000000000"), (1e-7, "1e-7"),
    (123.456, "123.456"), (-0.000001, "-0.000001"), (2**60, "1152921504606847000"), (1.5e-10, "1.5e-10"),
])
def test_js_number_formatting(value, text):
    assert js_number(value) == text


# -- errors -------------------------------------------------------------------------------------

def test_type_errors_are_swallowed():
    assert ev("={{ $json.nope.deeper.x }}") is None
    assert ev("=a{{ $json.nope.deeper }}b") == "ab"
    assert ev("={{ $json.zz.toUpperCase() }}") is None
    assert ev("={{ undefinedVariable }}") is None


@pytest.mark.parametrize(("expr", "message"), [
    ("={{ 1 + }}", "invalid syntax"),
    ("={{ $json.s.toUpperCase }}", "this is a function, please add ()"),
    ("={{ $json.constructor }}", "Expression contains invalid constructor function call"),
    ("={{ $('Nope').item }}", "Referenced node doesn't exist"),
    ("={{ $('Other').first() }}", "Node 'Other' hasn't been executed"),
    ("={{ $('Other').item }}", "Invalid expression"),
    ("={{ $if(true) }}", "$if requires at least 2 parameters: test, value_if_true[, and value_if_false]"),
    ("={{ $input.first(1) }}", "$input.first() should have no arguments"),
    # n8n's sanitiser refuses these at compile time (see the expr_security_sanitizer case)
    ("={{ typeof Object.defineProperty }}", 'Cannot access "defineProperty" due to security concerns'),
    ("={{ [].__proto__ }}", 'Cannot access "__proto__" due to security concerns'),
    ("={{ $json['prototype'] }}", 'Cannot access "prototype" due to security concerns'),
])
def test_expression_errors(expr, message):
    with pytest.raises(ExpressionError) as info:
        ev(expr)
    assert info.value.message == message


def test_json_out_of_range_item():
    with pytest.raises(ExpressionError) as info:
        ev("={{ $json.m }}", 5)
    assert info.value.message == "\"Here\" node has 2 item(s) but you're trying to access item 5"


def test_input_without_items():
    with pytest.raises(ExpressionError) as info:
        ev("={{ $input.all() }}", items=[])
    assert info.value.message == "No execution data available"


def test_workflow_id_missing():
    assert ev("={{ $workflow.name }}", state=make_state(wf_id=None)) == "My WF"
    with pytest.raises(ExpressionError) as info:
        ev("={{ $workflow.id }}", state=make_state(wf_id=None))
    assert info.value.message == "save workflow to view"


# -- variables ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("expr", "want"), [
    ("={{ $input.item.json.m }}", "c"),
    ("={{ $input.all().length }}", 2),
    ("={{ $input.first().json.m }}", "c"),
    ("={{ $input.last().json.m }}", "a"),
    ("={{ $('Data').all().length }}", 3),
    ("={{ $('Data').first().json.name }}", "ada"),
    ("={{ $('Data').last().json.name }}", "cy"),
    ("={{ $('Data').isExecuted }}", True),
    ("={{ $('Other').isExecuted }}", False),
    ("={{ $node['Data'].json.name }}", "ada"),
    ("={{ $node['Data'].runIndex }}", 0),
    ("={{ $items('Data').length }}", 3),
    ("={{ $items().length }}", 2),
    ("={{ $item(1).$node['Data'].json.name }}", "bob"),
    ("={{ $runIndex }}", 0),
    ("={{ $itemIndex }}", 0),
    ("={{ $position }}", 0),
    ("={{ $thisItem.json.m }}", "c"),
    ("={{ $prevNode.name }}", "Mid"),
    ("={{ $workflow.id }}", "wf1"),
    ("={{ $workflow.active }}", False),
    ("={{ $execution.id }}", "42"),
    ("={{ $execution.mode }}", "production"),
    ("={{ $mode }}", "cli"),
    ("={{ $binary }}", {}),
    ("={{ $if($json.t, 'yes', 'no') }}", "yes"),
    ("={{ $if($json.zz, $json.zz.y, 'lazy') }}", "lazy"),
    ("={{ $ifEmpty($json.z, 'd') }}", "d"),
    ("={{ $ifEmpty([], 'd') }}", "d"),
    ("={{ $ifEmpty($json.s, 'd') }}", "x"),
    ("={{ $min(3, 1, 2) }}", 1),
    ("={{ $max(3, 1, 2) }}", 3),
    ("={{ $average(1, 2, 3) }}", 2),
    ("={{ $not(false) }}", True),
    ("={{ $evaluateExpression('{{ 1 + 2 }' + '}') }}", 3),
    ("={{ typeof eval }}", "object"),
    ("={{ typeof Function }}", "object"),
    ("={{ typeof setTimeout }}", "object"),
    ("={{ isNaN('abc') }}", True),
])
def test_variables(expr, want):
    assert ev(expr) == want


def test_execution_mode_manual_is_test():
    assert ev("={{ $execution.mode }}", state=make_state("manual")) == "test"


def test_env_only_exposes_allowed_names():
    state = make_state(env={"ALLOWED": "yes"})
    assert ev("={{ $env.ALLOWED }}", state=state) == "yes"
    assert ev("={{ $env.HOME }}", state=state) is None
    assert ev("={{ $env.PATH }}", state=state) is None


def test_custom_data_is_written_back_to_the_state():
    state = make_state()
    ev("={{ $execution.customData.set('k', 5) }}", state=state)
    assert state.custom_data == {"k": "5"}


def test_pinned_node_counts_as_executed_in_manual_mode():
    state = make_state("manual")
    state.pin_data["Other"] = [{"json": {"p": 1}}]
    assert ev("={{ $('Other').first().json.p }}", state=state) == 1
    cli = make_state("cli")
    cli.pin_data["Other"] = [{"json": {"p": 1}}]
    with pytest.raises(ExpressionError):
        ev("={{ $('Other').first().json.p }}", state=cli)


# -- paired items -------------------------------------------------------------------------------

def test_paired_item_walks_back_through_each_hop():
    assert ev("={{ $('Data').item.json.name }}", 0) == "cy"
    assert ev("={{ $('Data').item.json.name }}", 1) == "ada"
    assert ev("={{ $('Mid').item.json.m }}", 1) == "a"
    assert ev("={{ $('Data').pairedItem(1).json.name }}") == "ada"
    assert ev("={{ $('Data').itemMatching(0).json.name }}") == "cy"


def test_paired_item_missing():
    items = [{"json": {"m": 1}}]
    with pytest.raises(ExpressionError) as info:
        ev("={{ $('Data').item.json.name }}", items=items)
    assert info.value.message == (
        "Paired item data for item from node 'Here' is unavailable. Ensure 'Here' is providing the required output.")


def test_paired_item_multiple_matches():
    state = make_state()
    state.run_data["Mid"][0]["data"]["main"][0][0]["pairedItem"] = [{"item": 0}, {"item": 1}]
    with pytest.raises(ExpressionError) as info:
        ev("={{ $('Data').item.json.name }}", state=state)
    assert info.value.message == "Multiple matches found"


# -- results ------------------------------------------------------------------------------------

def test_numbers_come_back_as_python_numbers():
    assert ev("={{ 2**40 }}") == 2**40
    assert isinstance(ev("={{ 2**40 }}"), int)
    assert ev("={{ 0.1 + 0.2 }}") == 0.1 + 0.2
    assert math.isnan(ev("={{ NaN }}"))


def test_results_are_copies():
    value = ev("={{ $json.a }}")
    value["b"].append(9)
    assert INPUT[0]["json"]["a"] == {"b": [1, 2, {"c": None}]}


# -- fast path equals JS path -------------------------------------------------------------------

FAST_EXPRS = [
    "={{ $json.m }}", "={{ $json.a }}", "={{ $json.a.b }}", "={{ $json.a.b[0] }}", "={{ $json.a.b[2].c }}",
    "={{ $json['f'] }}", "={{ $json.t }}", "={{ $json.z }}", "={{ $json.a.b.length }}",
    "=x{{ $json.a }}y", "=x{{ $json.a.b }}y", "=x{{ $json.f }}{{ $json.t }}{{ $json.z }}y", "={{ 5 }}",
    "={{ 'lit' }}", "={{ true }}", "={{ null }}", "=n {{ 1.50 }}", "={{ $json.s }} ", "={{ $json.a.b[7] }}",
]


@pytest.mark.parametrize("expr", FAST_EXPRS)
def test_fast_path_shapes_are_fast_and_agree_with_js(expr):
    assert compile_fast(expr[1:]) is not None
    for item in (0, 1):
        assert ev(expr, item) == ev(expr, item, js=True), (expr, item)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=5),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.sampled_from("abc"), children, max_size=3),
    max_leaves=8,
)


def _normalise(value: Any) -> Any:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, list):
        return [_normalise(v) for v in value]
    if isinstance(value, dict):
        return {k: _normalise(v) for k, v in value.items()}
    return value


@settings(max_examples=150, deadline=None)
@given(data=st.dictionaries(st.sampled_from("abc"), json_values, max_size=3),
       path=st.lists(st.sampled_from([".a", ".b", "['c']", "[0]", "[1]", ".length"]), max_size=3),
       template=st.booleans())
def test_fast_path_equals_js_path(data, path, template):
    expr = "{{ $json" + "".join(path) + " }}"
    if template:
        expr = "<" + expr + ">"
    items = [{"json": data}]
    state = make_state()
    scope = Scope(state, state.workflow.nodes["Here"], 0, 0, items, [{"previousNode": "Mid"}])
    evaluator = evaluator_for(state)
    def outcome(fn, value):
        try:
            return _normalise(fn(value, scope))
        except ExpressionError as exc:
            return ("error", exc.message)

    assert outcome(evaluator.resolve, "=" + expr) == outcome(evaluator.evaluate_js, expr), expr


def test_strings_with_nul_and_datetimes_cross_intact() -> None:
    """The quickjs binding cuts strings at NUL: results must not be truncated."""
    from automatelanka.engine.expressions import JsDateTime

    items = [{"json": {"when": "2024-03-10T06:30:00.000Z"}}]
    assert ev("={{ 'a' + String.fromCharCode(0) + 'b' }}", items=items) == "a\x00b"
    assert ev("={{ String.fromCharCode(3) + 'x' }}", items=items) == "\x03x"
    dt = ev("={{ $json.when.toDateTime().setZone('UTC') }}", items=items)
    assert isinstance(dt, JsDateTime)
    assert (str(dt), dt.millis) == ("2024-03-10T06:30:00.000Z", 1710052200000)


def test_zone_named_only_by_the_data_is_registered_on_demand() -> None:
    items = [{"json": {"tz": "Australia/Sydney"}}, {"json": {"tz": "Mars/Olympus"}}]
    expr = "={{ DateTime.fromISO('2024-07-01T12:00:00Z').setZone($json.tz).toISO() }}"
    assert ev(expr, 0, items=items) == "2024-07-01T22:00:00.000+10:00"
    assert ev(expr, 1, items=items) is None  # an unknown zone stays invalid, as in n8n
