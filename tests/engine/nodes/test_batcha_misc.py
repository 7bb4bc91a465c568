"""Execute Command (opt-in), n8n Form completion and Local File Trigger."""

from __future__ import annotations

import pytest
from svc_harness import error, output

from automatelanka.engine.executor import execute
from automatelanka.engine.state import Services


def _run_command(command: str, *, allow: bool, items: int = 2, execute_once: bool = True,
                 node_type: str = "n8n-nodes-base.executeCommand", **extra):
    workflow = {"nodes": [
        {"name": "Start", "type": "n8n-nodes-base.manualTrigger", "typeVersion": 1, "parameters": {},
         "position": [0, 0]},
        {"name": "N", "type": node_type, "typeVersion": 1, "position": [200, 0],
         "parameters": {"command": command, "executeOnce": execute_once}, **extra}],
        "connections": {"Start": {"main": [[{"node": "N", "type": "main", "index": 0}]]}}}
    return execute(workflow, trigger_items=[{"json": {"i": i}} for i in range(items)],
                   services=Services(allow_execute_command=allow))


@pytest.mark.parametrize("node_type", ["n8n-nodes-base.executeCommand", "n8n-nodes-base.executeCommandTool"])
def test_execute_command_is_off_unless_allowed(node_type):
    err = error(_run_command("echo hi", allow=False, node_type=node_type))
    assert "Execute Command is disabled" in err["message"]
    assert "AL_ALLOW_EXECUTE_COMMAND" in err["description"]


def test_execute_command_outputs_trimmed_streams_once_by_default():
    items = output(_run_command("echo ' out '; echo err 1>&2", allow=True))
    assert [it["json"] for it in items] == [{"exitCode": 0, "stderr": "err", "stdout": "out"}]
    items = output(_run_command("printf x", allow=True, execute_once=False))
    assert [it["json"]["stdout"] for it in items] == ["x", "x"]


def test_execute_command_non_zero_exit_fails_like_node_exec():
    err = error(_run_command("echo bad 1>&2; exit 3", allow=True))
    assert err["message"] == "Command failed: echo bad 1>&2; exit 3\nbad\n"
    items = output(_run_command("exit 2", allow=True, onError="continueRegularOutput"))
    assert items[0]["json"] == {"error": "Command failed: exit 2\n"}


def _form_flow(form_params: dict, *, with_trigger: bool = True, next_form: bool = False):
    nodes = [{"name": "Form", "type": "n8n-nodes-base.formTrigger" if with_trigger else "n8n-nodes-base.manualTrigger",
              "typeVersion": 2.2, "position": [0, 0], "parameters": {"formTitle": "Signup"}},
             {"name": "N", "type": "n8n-nodes-base.form", "typeVersion": 1, "position": [200, 0],
              "parameters": form_params}]
    connections = {"Form": {"main": [[{"node": "N", "type": "main", "index": 0}]]}}
    if next_form:
        nodes.append({"name": "Next", "type": "n8n-nodes-base.form", "typeVersion": 1, "position": [400, 0],
                      "parameters": {"operation": "completion"}})
        connections["N"] = {"main": [[{"node": "Next", "type": "main", "index": 0}]]}
    return execute({"nodes": nodes, "connections": connections},
                   trigger_items=[{"json": {"Name": "Ann", "submittedAt": "2024-01-01T00:00:00.000Z"}}])


def test_form_completion_records_screen_and_passes_items():
    ex = _form_flow({"operation": "completion", "completionTitle": "Thanks", "completionMessage": "We got it"})
    assert [it["json"]["Name"] for it in output(ex)] == ["Ann"]
    screen = ex.state.cache["form_completion"]
    assert screen["title"] == "Thanks" and screen["message"] == "We got it"
    assert screen["respondWith"] == "text" and screen["formTitle"] == "Signup"


def test_form_errors_as_n8n_and_page_is_not_supported():
    assert error(_form_flow({"operation": "completion"}, with_trigger=False))["message"] == \
        "Form Trigger node must be set before this node"
    assert error(_form_flow({"operation": "completion"}, next_form=True))["message"] == \
        "Completion has to be the last Form node in the workflow"
    assert "not supported yet" in error(_form_flow({"operation": "page"}))["message"]


def test_local_file_trigger_passes_its_seed_through():
    workflow = {"nodes": [{"name": "N", "type": "n8n-nodes-base.localFileTrigger", "typeVersion": 1,
                           "position": [0, 0], "parameters": {"triggerOn": "folder", "path": "/data"}}],
                "connections": {}}
    ex = execute(workflow, trigger_items=[{"json": {"event": "add", "path": "/data/a.txt"}}])
    assert output(ex)[0]["json"] == {"event": "add", "path": "/data/a.txt"}
