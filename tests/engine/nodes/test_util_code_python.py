"""The Code node's Python (Pyodide-like names, child process limits, n8n's result validation)."""

from __future__ import annotations

import time

import pytest
from util_harness import run_node

from automatelanka.engine.errors import NodeError
from automatelanka.engine.state import Limits, Services

CODE = "n8n-nodes-base.code"


def py(code, items=None, mode="runOnceForAllItems", **kw):
    out, ctx = run_node(CODE, 2, {"language": "python", "mode": mode, "pythonCode": code},
                        items if items is not None else [{"json": {"a": 1}}, {"json": {"a": 2}}], **kw)
    return out, ctx


def test_all_items_mode_with_attribute_access_and_print():
    out, ctx = py("for item in _input.all():\n  item.json.double = item.json['a'] * 2\nprint('n', len(items))\n"
                  "return _input.all()")
    assert [i["json"] for i in out[0]] == [{"a": 1, "double": 2}, {"a": 2, "double": 4}]
    assert ctx.state.logs == [("N", "n 2")]


def test_return_shapes_are_normalised():
    assert py("return {'x': 1}")[0] == [[{"json": {"x": 1}}]]
    assert py("return [{'x': 1}, {'y': None}]")[0] == [[{"json": {"x": 1}}, {"json": {}}]]
    with pytest.raises(NodeError, match="Code doesn't return items properly"):
        py("x = 1")
    with pytest.raises(NodeError, match=r"Invalid output format \[item 0\]"):
        py("return [{'json': {}, 'b': 1}]")
    with pytest.raises(NodeError, match=r"Unknown top-level item key: b \[item 1\]"):
        py("return [{'json': {}}, {'b': 1}]")


def test_each_item_mode_pairs_items():
    out, _ = py("return {'v': _json['a'] + _runIndex}", mode="runOnceForEachItem")
    assert out[0] == [{"json": {"v": 1}, "pairedItem": {"item": 0}}, {"json": {"v": 2}, "pairedItem": {"item": 1}}]
    with pytest.raises(NodeError, match=r"Code doesn't return a single dictionary \[item 0\]"):
        py("return [1]", mode="runOnceForEachItem")


def test_python_errors_and_continue_on_fail():
    with pytest.raises(NodeError, match="NameError: name 'nope' is not defined"):
        py("return nope")
    out, _ = py("raise ValueError('bad')", continue_on_fail=True)
    assert out == [[{"json": {"error": "ValueError: bad"}}]]


def test_time_and_memory_limits_stop_the_child():
    started = time.monotonic()
    with pytest.raises(NodeError, match="took longer than 1 seconds"):
        py("while True:\n  pass", services=Services(limits=Limits(python_time_limit_s=1)))
    assert time.monotonic() - started < 5
    with pytest.raises(NodeError, match="MemoryError"):
        py("x = bytearray(4 * 1024 * 1024 * 1024)\nreturn []")


def test_child_cannot_see_the_engine_environment(monkeypatch):
    monkeypatch.setenv("AL_SECRET_FOR_TEST", "s")
    out, _ = py("import os\nreturn {'has': 'AL_SECRET_FOR_TEST' in os.environ, 'env': dict(_env)}",
                services=Services(env={"VISIBLE": "1"}))
    assert out[0][0]["json"] == {"has": False, "env": {"VISIBLE": "1"}}
