"""The webhook methods of the bulk service triggers (n8n's webhook(), one by one), as pure functions."""

from __future__ import annotations

from typing import Any

import pytest

from automatelanka.engine.nodes._webhook import UNSET, WebhookRequest, webhook_spec
from automatelanka.engine.nodes.base import NodeContext
from automatelanka.engine.state import ExecutionState
from automatelanka.engine.workflow import Workflow


def call(node_type: str, body: Any, *, params: dict[str, Any] | None = None, version: float = 1,
         method: str = "POST", query: dict[str, Any] | None = None, headers: dict[str, str] | None = None,
         static: dict[str, Any] | None = None):
    wf = Workflow({"id": "wf", "nodes": [{"id": "n1", "name": "T", "type": f"n8n-nodes-base.{node_type}",
                                          "typeVersion": version, "position": [0, 0], "parameters": params or {}}],
                   "connections": {}})
    state = ExecutionState(workflow=wf, mode="webhook", static_data={"node:T": static or {}})
    ctx = NodeContext(state, wf.nodes["T"], params or {}, [[]], [], 0, [None])
    spec = webhook_spec(f"n8n-nodes-base.{node_type}")
    assert spec is not None
    req = WebhookRequest(method=method, headers=headers or {}, query=query or {}, body=body,
                         webhook_name=spec.name_for(method))
    return spec.method(ctx, req)


@pytest.mark.parametrize("node_type", ["activeCampaignTrigger", "autopilotTrigger", "boxTrigger", "calendlyTrigger",
                                       "crowdDevTrigger", "customerIoTrigger", "emeliaTrigger", "flowTrigger",
                                       "gumroadTrigger", "invoiceNinjaTrigger", "lemlistTrigger", "linearTrigger",
                                       "loneScaleTrigger", "mailjetTrigger", "mauticTrigger", "postmarkTrigger",
                                       "pushcutTrigger", "twilioTrigger", "workableTrigger", "sendInBlueTrigger"])
def test_body_types_emit_one_item_per_element(node_type: str) -> None:
    assert call(node_type, {"a": 1}).items == [{"json": {"a": 1}}]
    assert call(node_type, [{"a": 1}, {"b": 2}]).items == [{"json": {"a": 1}}, {"json": {"b": 2}}]


def test_paths_and_methods() -> None:
    assert webhook_spec("n8n-nodes-base.sendInBlueTrigger").path == "webhooks"
    assert webhook_spec("n8n-nodes-base.whatsAppTrigger").http_methods == ("POST", "GET")
    assert webhook_spec("n8n-nodes-base.trelloTrigger").http_methods == ("POST", "HEAD")
    assert webhook_spec("n8n-nodes-base.getResponseTrigger").http_methods == ("GET",)
    assert webhook_spec("n8n-nodes-base.payPalTrigger") is None  # not declared: the generic request item


def test_convert_kit_and_gitlab_wrap_the_request() -> None:
    assert call("convertKitTrigger", [1, 2]).items == [{"json": [1, 2]}]
    out = call("gitlabTrigger", {"x": 1}, headers={"x-gitlab-event": "Push Hook"}, query={"q": "1"}).items
    assert out == [{"json": {"body": {"x": 1}, "headers": {"x-gitlab-event": "Push Hook"}, "query": {"q": "1"}}}]


def test_cal_flattens_the_payload() -> None:
    body = {"triggerEvent": "BOOKING_CREATED", "createdAt": "t", "payload": {"title": "Call", "uid": "u"}}
    assert call("calTrigger", body, version=2).items == [
        {"json": {"triggerEvent": "BOOKING_CREATED", "createdAt": "t", "title": "Call", "uid": "u"}}]


def test_event_filters_start_nothing() -> None:
    assert call("chargebeeTrigger", {"event_type": "x"}, params={"events": ["y"]}).items is None
    assert call("chargebeeTrigger", {"event_type": "x"}, params={"events": ["*"]}).items == [
        {"json": {"event_type": "x"}}]
    assert call("taigaTrigger", {"action": "create", "type": "issue"}, params={"resources": ["task"]}).items is None
    hive = call("theHiveTrigger", {"operation": "Creation", "objectType": "Case"}, params={"events": ["case_create"]})
    assert hive.items[0]["json"]["event"] == "case_create"
    venafi = {"events": [{"eventName": "Certificate Expiration", "message": "m"}]}
    assert call("venafiTlsProtectCloudTrigger", venafi, params={"triggerOn": ["*"]}).items == [
        {"json": venafi["events"][0]}]
    assert call("getResponseTrigger", {}, method="GET", query={"CAMPAIGN_ID": "c1"},
                params={"listIds": ["c2"]}).items is None


def test_handshakes_answer_without_a_run() -> None:
    figma = call("figmaTrigger", {"event_type": "PING"})
    assert figma.items is None and (figma.response.status, figma.response.body) == (200, None)
    trello = call("trelloTrigger", {}, method="HEAD")
    assert trello.items is None and trello.response.status == 200
    onfleet = call("onfleetTrigger", {}, method="GET", query={"check": "abc"})
    assert onfleet.response.body == "abc" and onfleet.response.headers["content-type"].startswith("text/plain")
    teams = call("microsoftTeamsTrigger", {}, query={"validationToken": "tok"})
    assert teams.items is None and teams.response.body == "tok"
    keap = call("keapTrigger", {}, headers={"x-hook-secret": "k1"})
    assert keap.response.headers == {"x-hook-secret": "k1"}


def test_shaping_of_form_services() -> None:
    assert call("formstackTrigger", {"Name": {"value": "Ada"}, "id": 3}).items == [{"json": {"Name": "Ada", "id": 3}}]
    assert call("formIoTrigger", {"request": {"data": {"x": 1}}}).items == [{"json": {"x": 1}}]
    assert call("mailerLiteTrigger", {"events": [{"a": 1}]}).items == [{"json": {"a": 1}}]
    assert call("mailerLiteTrigger", {"fields": {"email": "e"}}, version=2).items == [{"json": {"email": "e"}}]
    teams = {"value": [{"resourceData": {"id": "m1"}}, {"id": "m2"}]}
    assert call("microsoftTeamsTrigger", teams).items == [{"json": {"id": "m1"}}]
    keap = {"event_key": "contact.add", "object_type": "contact", "object_keys": [{"id": 5, "apiUrl": "u"}]}
    assert call("keapTrigger", keap).items == [
        {"json": {"eventKey": "contact.add", "objectType": "contact", "id": 5, "apiUrl": "u"}}]


def test_static_data_checks() -> None:
    assert call("bitbucketTrigger", {"a": 1}, headers={"x-hook-uuid": "{h}"}, static={"webhookId": "{x}"}).items is None
    assert call("bitbucketTrigger", {"a": 1}, headers={"x-hook-uuid": "{h}"}, static={"webhookId": "{h}"}).items
    assert call("mailchimpTrigger", {}, method="GET").response.status == 200
    assert call("mailchimpTrigger", {"id": "other"}, static={"id": "l1"}).items is None
    with pytest.raises(Exception, match="key"):  # createHmac without the stored secret throws in n8n too
        call("wooCommerceTrigger", {}, headers={"x-wc-webhook-id": "1"})
    assert call("wooCommerceTrigger", {}).items is None and call("wooCommerceTrigger", {}).webhook_response is UNSET


def test_jira_merges_the_query_and_checks_query_auth() -> None:
    assert call("jiraTrigger", {"webhookEvent": "jira:issue_created"}, query={"user_id": "u"}).items == [
        {"json": {"webhookEvent": "jira:issue_created", "user_id": "u"}}]
    refused = call("jiraTrigger", {}, params={"authenticateWebhook": True}, version=1.1)
    assert refused.response.status == 403


def test_pipedrive_basic_auth_without_a_credential_is_a_500() -> None:
    assert call("pipedriveTrigger", {"current": {"id": 1}}).items == [{"json": {"current": {"id": 1}}}]
    answer = call("pipedriveTrigger", {}, params={"incomingAuthentication": "basicAuth"}).response
    assert (answer.status, answer.body) == (500, "No authentication data defined on node!")
