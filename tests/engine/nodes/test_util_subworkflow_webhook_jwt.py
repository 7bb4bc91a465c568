"""Execute Workflow (through the real executor), Respond to Webhook, JWT and Sticky Note."""

from __future__ import annotations

import json

import jwt as pyjwt
import pytest
from util_harness import run_node

from automatelanka.engine.errors import NodeError
from automatelanka.engine.executor import execute
from automatelanka.engine.state import ExecutionState, Services
from automatelanka.engine.workflow import Workflow

SUB = {"nodes": [
    {"name": "In", "type": "n8n-nodes-base.executeWorkflowTrigger", "typeVersion": 1.1, "position": [0, 0],
     "parameters": {"inputSource": "passthrough"}},
    {"name": "Hash", "type": "n8n-nodes-base.crypto", "typeVersion": 1, "position": [200, 0],
     "parameters": {"type": "MD5", "value": "x", "dataPropertyName": "h"}}],
    "connections": {"In": {"main": [[{"node": "Hash", "type": "main", "index": 0}]]}}}


def caller(params, version=1.1, on_error=None):
    node = {"name": "Call", "type": "n8n-nodes-base.executeWorkflow", "typeVersion": version, "position": [200, 0],
            "parameters": params}
    if on_error:
        node["onError"] = on_error
    return {"nodes": [{"name": "Start", "type": "n8n-nodes-base.manualTrigger", "typeVersion": 1,
                       "position": [0, 0], "parameters": {}},
                      {"name": "Data", "type": "n8n-nodes-base.crypto", "typeVersion": 1, "position": [100, 0],
                       "parameters": {"action": "generate", "dataPropertyName": "id"}}, node],
            "connections": {"Start": {"main": [[{"node": "Data", "type": "main", "index": 0}]]},
                            "Data": {"main": [[{"node": "Call", "type": "main", "index": 0}]]}},
            "settings": {"executionOrder": "v1"}}


def call_output(execution):
    return execution.state.run_data["Call"][-1]["data"]["main"]


def test_inline_sub_workflow_returns_its_last_node_output():
    run = execute(caller({"source": "parameter", "workflowJson": json.dumps(SUB)}))
    assert run.status == "success"
    [[item]] = call_output(run)
    assert set(item["json"]) == {"id", "h"} and item["pairedItem"] == {"item": 0}


def test_database_source_each_mode_and_missing_loader():
    services = Services(load_workflow=lambda wid: SUB if wid == "abc" else None)
    run = execute(caller({"source": "database", "workflowId": {"__rl": True, "value": "abc", "mode": "id"},
                          "mode": "each"}), services=services)
    [[item]] = call_output(run)
    assert item["pairedItem"] == {"item": 0} and item["metadata"]["subExecution"]["workflowId"] == "abc"
    failed = execute(caller({"source": "database", "workflowId": {"__rl": True, "value": "abc"}}))
    assert failed.status == "error" and "no workflow store" in failed.error["message"]


def test_sub_workflow_errors_propagate_or_become_error_items():
    broken = {"nodes": [SUB["nodes"][0], {**SUB["nodes"][1], "parameters": {"type": "MD5", "value": 5}}],
              "connections": SUB["connections"]}
    params = {"source": "parameter", "workflowJson": json.dumps(broken)}
    failed = execute(caller(params))
    assert failed.status == "error" and "must be of type string" in failed.error["message"]
    kept = execute(caller(params, on_error="continueRegularOutput"))
    assert kept.status == "success" and "must be of type string" in call_output(kept)[0][0]["json"]["error"]


def test_without_waiting_the_input_items_come_back():
    run = execute(caller({"source": "parameter", "workflowJson": json.dumps(SUB),
                          "options": {"waitForSubWorkflow": False}}))
    [[item]] = call_output(run)
    assert set(item["json"]) == {"id"}


def test_sub_workflow_needs_a_start_node():
    no_trigger = {"nodes": [SUB["nodes"][1]], "connections": {}}
    failed = execute(caller({"source": "parameter", "workflowJson": json.dumps(no_trigger)}))
    assert failed.error["message"] == "Missing node to start execution"


def webhook_flow(respond_params, version=1.5):
    wf = Workflow({"nodes": [
        {"name": "Hook", "type": "n8n-nodes-base.webhook", "typeVersion": 2, "position": [0, 0],
         "parameters": {"path": "x", "responseMode": "responseNode"}},
        {"name": "R", "type": "n8n-nodes-base.respondToWebhook", "typeVersion": version, "position": [200, 0],
         "parameters": respond_params}],
        "connections": {"Hook": {"main": [[{"node": "R", "type": "main", "index": 0}]]}}})
    return wf


def run_respond(params, items, version=1.5):
    from automatelanka.engine.nodes.base import NodeContext, lookup

    wf = webhook_flow(params, version)
    state = ExecutionState(workflow=wf)
    node = wf.nodes["R"]
    ctx = NodeContext(state, node, node.parameters, [items], items, 0, [None])
    return lookup(node).handler(ctx), state


def test_respond_to_webhook_records_the_first_response_and_passes_items():
    items = [{"json": {"a": 1}}, {"json": {"a": 2}}]
    out, state = run_respond({"respondWith": "allIncomingItems", "options": {
        "responseCode": 201, "responseKey": "data.list",
        "responseHeaders": {"entries": [{"name": "X-Test", "value": "1"}]}}}, items)
    assert out == [items]
    assert state.cache["webhook_response"] == {"body": {"data": {"list": [{"a": 1}, {"a": 2}]}},
                                               "headers": {"x-test": "1"}, "statusCode": 201}
    out, state = run_respond({"respondWith": "redirect", "redirectURL": "https://x.test",
                              "enableResponseOutput": True}, items)
    assert out[1] == [{"json": {"response": {"body": None, "headers": {"location": "https://x.test"},
                                             "statusCode": 307}}}]
    with pytest.raises(NodeError, match="Invalid JSON"):
        run_respond({"respondWith": "json", "responseBody": "{nope"}, items)


def test_respond_to_webhook_needs_a_webhook_parent_from_v1_1():
    out, _ = run_node("n8n-nodes-base.respondToWebhook", 1, {"respondWith": "noData"}, [{"json": {}}])
    assert out == [[{"json": {}}]]
    with pytest.raises(NodeError, match="No Webhook node found"):
        run_node("n8n-nodes-base.respondToWebhook", 1.1, {"respondWith": "noData"}, [{"json": {}}])


def jwt_state(params, creds):
    wf = Workflow({"nodes": [{"name": "N", "type": "n8n-nodes-base.jwt", "typeVersion": 1, "position": [0, 0],
                              "parameters": params, "credentials": {"jwtAuth": {"id": "1", "name": "k"}}}],
                   "connections": {}})
    return ExecutionState(workflow=wf, services=Services(credentials=lambda kind, ref: creds))


def test_jwt_sign_verify_decode():
    creds = {"keyType": "passphrase", "secret": "s3cret-s3cret-s3cret-s3cret-s3cret", "algorithm": "HS256"}
    params = {"operation": "sign", "useJson": True, "claimsJson": '{"sub": "ada"}'}
    out, _ = run_node("n8n-nodes-base.jwt", 1, params, [{"json": {}}], state=jwt_state(params, creds))
    token = out[0][0]["json"]["token"]
    claims = pyjwt.decode(token, "s3cret-s3cret-s3cret-s3cret-s3cret", algorithms=["HS256"])
    assert claims["sub"] == "ada" and isinstance(claims["iat"], int)
    params = {"operation": "verify", "token": token}
    out, _ = run_node("n8n-nodes-base.jwt", 1, params, [{"json": {}}], state=jwt_state(params, creds))
    assert out[0][0]["json"]["payload"]["sub"] == "ada"
    bad = pyjwt.encode({"sub": "x"}, "other-other-other-other-other-other", algorithm="HS256")
    params = {"operation": "verify", "token": bad}
    with pytest.raises(NodeError, match="can't be verified"):
        run_node("n8n-nodes-base.jwt", 1, params, [{"json": {}}], state=jwt_state(params, creds))
    params = {"operation": "decode", "token": bad, "options": {"complete": True}}
    out, _ = run_node("n8n-nodes-base.jwt", 1, params, [{"json": {}}], state=jwt_state(params, creds))
    assert out[0][0]["json"]["header"] == {"alg": "HS256", "typ": "JWT"}


def test_jwt_without_credentials_says_so():
    with pytest.raises(NodeError, match="missing credential of type \"jwtAuth\""):
        run_node("n8n-nodes-base.jwt", 1, {"operation": "decode", "token": "x"}, [{"json": {}}])


def test_sticky_notes_validate_and_never_run():
    run = execute({"nodes": [{"name": "Start", "type": "n8n-nodes-base.manualTrigger", "typeVersion": 1,
                              "position": [0, 0], "parameters": {}},
                             {"name": "Note", "type": "n8n-nodes-base.stickyNote", "typeVersion": 1,
                              "position": [0, 200], "parameters": {"content": "hi"}}], "connections": {}})
    assert run.status == "success" and "Note" not in run.state.run_data
