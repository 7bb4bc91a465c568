"""`al run FILE` offline: n8n's JSON on stdout, a readable view otherwise, exit codes 0 / 1 / 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from automatelanka.cli.app import app


def _workflow(tmp_path: Path, second: dict) -> Path:
    path = tmp_path / "wf.json"
    path.write_text(json.dumps({
        "name": "offline",
        "nodes": [{"name": "Start", "type": "n8n-nodes-base.manualTrigger", "typeVersion": 1, "position": [0, 0],
                   "parameters": {}}, {"position": [200, 0], **second}],
        "connections": {"Start": {"main": [[{"node": second["name"], "type": "main", "index": 0}]]}},
        "settings": {"executionOrder": "v1"}}))
    return path


DOUBLE = {"name": "Double", "type": "n8n-nodes-base.set", "typeVersion": 3.4, "parameters": {
    "assignments": {"assignments": [{"id": "a", "name": "n", "value": "={{ $json.n * 2 }}", "type": "number"}]},
    "options": {}}}
BOOM = {"name": "Boom", "type": "n8n-nodes-base.stopAndError", "typeVersion": 1,
        "parameters": {"errorMessage": "it broke"}}


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.setenv("AL_HOME", str(tmp_path / "home"))
    runner = CliRunner()
    return lambda *args: runner.invoke(app, ["run", *map(str, args)])


def test_success_prints_n8n_json_and_exits_0(run, tmp_path) -> None:
    result = run(_workflow(tmp_path, DOUBLE), "--input", '[{"n": 2}, {"n": 5}]', "--json")
    assert result.exit_code == 0, result.output
    irun = json.loads(result.stdout)
    assert irun["status"] == "success" and irun["finished"] is True
    items = irun["data"]["resultData"]["runData"]["Double"][0]["data"]["main"][0]
    assert [i["json"] for i in items] == [{"n": 4}, {"n": 10}]
    assert irun["data"]["resultData"]["lastNodeExecuted"] == "Double"


def test_input_from_a_file_and_the_readable_view(run, tmp_path) -> None:
    (tmp_path / "in.json").write_text('{"n": 21}')
    result = run(_workflow(tmp_path, DOUBLE), "--input", f"@{tmp_path / 'in.json'}")
    assert result.exit_code == 0, result.output
    assert "Double" in result.stdout and "1 item(s)" in result.stdout and "success" in result.stdout


def test_a_failing_workflow_exits_1_with_the_error_in_the_json(run, tmp_path) -> None:
    result = run(_workflow(tmp_path, BOOM), "--json")
    assert result.exit_code == 1
    irun = json.loads(result.stdout)
    assert irun["status"] == "error" and irun["data"]["resultData"]["error"]["message"] == "it broke"


@pytest.mark.parametrize(("args", "message"), [
    (["{missing}"], "no such file"),
    (["{bad_json}"], "not valid JSON"),
    (["{wf}", "--input", '{"a":'], "--input: not valid JSON"),
    (["{wf}", "--input", "[1, 2]"], "--input: expected a JSON object"),
    (["{nodes_not_list}"], "nodes"),
])
def test_unusable_input_exits_2_with_one_line(run, tmp_path, args, message) -> None:
    (tmp_path / "bad.json").write_text("{not json")
    (tmp_path / "nodes.json").write_text('{"nodes": 3, "connections": {}}')
    paths = {"missing": tmp_path / "nope.json", "bad_json": tmp_path / "bad.json", "wf": _workflow(tmp_path, DOUBLE),
             "nodes_not_list": tmp_path / "nodes.json"}
    result = run(*[str(paths[a[1:-1]]) if a[1:-1] in paths else a for a in args])
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_an_unsupported_node_is_named(run, tmp_path) -> None:
    result = run(_workflow(tmp_path, {"name": "Mystery", "type": "n8n-nodes-base.noSuchNode", "typeVersion": 1,
                                      "parameters": {}}), "--json")
    assert result.exit_code == 1
    assert "n8n-nodes-base.noSuchNode" in json.loads(result.stdout)["data"]["resultData"]["error"]["message"]


def test_al_nodes_lists_types_and_versions() -> None:
    result = CliRunner().invoke(app, ["nodes", "--json"])
    rows = {row["type"]: row["versions"] for row in json.loads(result.stdout)}
    assert 3.4 in rows["n8n-nodes-base.set"] and 4.2 in rows["n8n-nodes-base.httpRequest"]
