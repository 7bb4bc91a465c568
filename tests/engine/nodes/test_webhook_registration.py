"""n8n's webhookMethods (check_exists / create / delete) of each service trigger, against local fakes
of the services' APIs that check the method, path, auth and body their documentation gives."""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Any

import pytest

from automatelanka.engine.errors import NodeApiError, NodeError
from automatelanka.engine.nodes import webhook_registration as reg
from automatelanka.engine.nodes.telegram import telegram_secret_token
from automatelanka.engine.state import Services

pytest_plugins = ("fakes",)

URL = "https://hooks.example.com/webhook/hook-1/webhook"


def make(node_type: str, params: dict[str, Any], creds: dict[str, dict[str, Any]], *,
         base_urls: dict[str, str] | None = None, version: float = 1, static: dict[str, Any] | None = None,
         url: str = URL) -> reg.Hook:
    node = {"id": "node-1", "name": "T", "type": f"n8n-nodes-base.{node_type}", "typeVersion": version,
            "parameters": params, "position": [0, 0], "webhookId": "hook-1",
            "credentials": {k: {"id": "1", "name": k} for k in creds}}
    services = Services(credentials=lambda kind, ref: dict(creds[kind]), base_urls=base_urls or {})
    return reg.hook({"nodes": [node], "connections": {}}, "T", workflow_id="wf-1", webhook_url=url,
                    static_data={} if static is None else static, services=services)


def methods(hook: reg.Hook) -> reg.WebhookMethods:
    found = reg.methods_for(hook.node.type)
    assert found is not None
    return found


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def test_the_table_covers_the_brief_and_nothing_is_registered_for_other_types() -> None:
    assert {t.split(".")[1] for t in reg.supported_types()} >= {
        "telegramTrigger", "githubTrigger", "typeformTrigger", "stripeTrigger", "shopifyTrigger", "calendlyTrigger",
        "pipedriveTrigger", "wooCommerceTrigger", "webflowTrigger", "linearTrigger", "gumroadTrigger",
        "lemlistTrigger"}
    assert reg.methods_for("n8n-nodes-base.hubspotTrigger") is None


# --- Telegram --------------------------------------------------------------------------------------

TG = {"telegramApi": {"accessToken": "123:ABC", "baseUrl": ""}}


def telegram(server, params: dict[str, Any]) -> reg.Hook:
    return make("telegramTrigger", params, {"telegramApi": {**TG["telegramApi"], "baseUrl": server.url}}, version=1.2)


def test_telegram_sets_the_webhook_with_updates_and_secret_token(fake_server) -> None:
    fake_server.route("POST", "/bot123:ABC/getWebhookInfo", (200, {}, {"ok": True, "result": {"url": ""}}))
    fake_server.route("POST", "/bot123:ABC/setWebhook", (200, {}, {"ok": True, "result": True}))
    assert reg.ensure(telegram(fake_server, {"updates": ["message", "callback_query"]})) is True
    sent = fake_server.last("POST", "/bot123:ABC/setWebhook")
    assert sent.json == {"url": URL, "allowed_updates": ["message", "callback_query"], "secret_token": "wf-1_node-1"}
    assert fake_server.last("POST", "/bot123:ABC/getWebhookInfo").body == b""
    reg.ensure(telegram(fake_server, {"updates": ["*"]}))
    assert fake_server.last("POST", "/bot123:ABC/setWebhook").json["allowed_updates"] == []


def test_telegram_already_pointing_here_is_not_set_again(fake_server) -> None:
    fake_server.route("POST", "/bot123:ABC/getWebhookInfo", (200, {}, {"ok": True, "result": {"url": URL}}))
    assert reg.ensure(telegram(fake_server, {"updates": []})) is False
    assert [r.path for r in fake_server.requests] == ["/bot123:ABC/getWebhookInfo"]


def test_telegram_refusal_carries_the_bot_api_description(fake_server) -> None:
    fake_server.route("POST", "/bot123:ABC/getWebhookInfo", (200, {}, {"ok": True, "result": {"url": ""}}))
    fake_server.route("POST", "/bot123:ABC/setWebhook", (400, {}, {
        "ok": False, "error_code": 400, "description": "Bad Request: bad webhook: HTTPS url must be provided"}))
    with pytest.raises(NodeApiError) as caught:
        reg.ensure(telegram(fake_server, {"updates": []}))
    assert caught.value.description == "Bad Request: bad webhook: HTTPS url must be provided"


def test_telegram_delete(fake_server) -> None:
    fake_server.route("POST", "/bot123:ABC/deleteWebhook", (200, {}, {"ok": True, "result": True}))
    assert reg.remove(telegram(fake_server, {})) is True
    fake_server.route("POST", "/bot123:ABC/deleteWebhook", (401, {}, {"ok": False, "description": "Unauthorized"}))
    assert reg.remove(telegram(fake_server, {})) is False


def test_telegram_secret_token_keeps_only_allowed_characters() -> None:
    assert telegram_secret_token("a1b2-c3", "x.y z") == "a1b2-c3_xyz"
    assert telegram_secret_token("w", None) == "w_undefined"


# --- GitHub ----------------------------------------------------------------------------------------

GH = {"githubApi": {"accessToken": "gh-token", "server": "https://api.github.com"}}
GH_PARAMS = {"owner": {"__rl": True, "mode": "name", "value": "octo"},
             "repository": {"__rl": True, "mode": "name", "value": "hello"}, "events": ["push", "issues"]}


def github(server, static: dict[str, Any] | None = None, url: str = URL) -> reg.Hook:
    return make("githubTrigger", GH_PARAMS, GH, base_urls={"github": server.url}, static=static, url=url)


def test_github_creates_a_repo_hook_with_a_secret_and_keeps_it(fake_server) -> None:
    fake_server.route("POST", "/repos/octo/hello/hooks",
                      lambda req: (201, {}, {"id": 77, "active": True, "events": req.json["events"]}))
    static: dict[str, Any] = {}
    assert reg.ensure(github(fake_server, static)) is True  # no stored id: nothing to check
    sent = fake_server.last("POST", "/repos/octo/hello/hooks")
    assert sent.headers["authorization"] == "token gh-token"
    body = sent.json
    secret = body["config"].pop("secret")
    assert re.fullmatch(r"[0-9a-f]{64}", secret)
    assert body == {"name": "web", "config": {"url": URL, "content_type": "json", "insecure_ssl": "0"},
                    "events": ["push", "issues"], "active": True}
    assert static["node:T"] == {"webhookId": 77, "webhookEvents": ["push", "issues"], "webhookSecret": secret}


def test_github_check_exists_asks_for_the_stored_hook(fake_server) -> None:
    fake_server.route("GET", "/repos/octo/hello/hooks/77", (200, {}, {"id": 77}))
    stored = {"node:T": {"webhookId": 77, "webhookSecret": "s", "webhookEvents": ["push"]}}
    assert methods(github(fake_server, stored)).check_exists(github(fake_server, stored)) is True
    fake_server.route("GET", "/repos/octo/hello/hooks/77", (404, {}, {"message": "Not Found"}))
    hook = github(fake_server, stored)
    assert methods(hook).check_exists(hook) is False and stored["node:T"] == {}


def test_github_refuses_localhost_and_explains_a_422(fake_server) -> None:
    with pytest.raises(NodeError, match='can not work on "localhost"'):
        reg.ensure(github(fake_server, url="http://localhost:5678/webhook/hook-1/webhook"))
    fake_server.route("POST", "/repos/octo/hello/hooks", (422, {}, {"message": "Validation Failed",
                                                                   "errors": [{"message": "Hook already exists"}]}))
    with pytest.raises(NodeError) as caught:
        reg.ensure(github(fake_server))
    assert caught.value.message == "Github refused to create the webhook for this workflow"
    assert "delete it there and activate the workflow again" in caught.value.description


def test_github_delete_removes_the_hook_and_forgets_it(fake_server) -> None:
    fake_server.route("DELETE", "/repos/octo/hello/hooks/77", (204, {}, None))
    stored = {"node:T": {"webhookId": 77, "webhookSecret": "s", "webhookEvents": ["push"]}}
    assert reg.remove(github(fake_server, stored)) is True and stored["node:T"] == {}
    assert fake_server.last().method == "DELETE"


# --- Typeform --------------------------------------------------------------------------------------


def test_typeform_puts_a_tagged_webhook_and_finds_it_again(fake_server) -> None:
    hooks: list[dict[str, Any]] = []

    def put(req):
        tag = req.path.rsplit("/", 1)[1]
        hooks.append({"form_id": "F1", "tag": tag, "url": req.json["url"]})
        return 200, {}, {"tag": tag, **req.json}

    fake_server.route("GET", "/forms/F1/webhooks", lambda req: (200, {}, {"items": list(hooks)}))
    fake_server.route("PUT", "/forms/F1/webhooks/*", put)
    fake_server.route("DELETE", "/forms/F1/webhooks/*", (204, {}, None))
    creds = {"typeformApi": {"accessToken": "tf-token"}}
    static: dict[str, Any] = {}
    hook = make("typeformTrigger", {"formId": "F1"}, creds, base_urls={"typeform": fake_server.url}, static=static)
    assert reg.ensure(hook) is True
    sent = fake_server.last("PUT")
    assert sent.headers["authorization"] == "bearer tf-token"
    assert sent.json == {"url": URL, "enabled": True, "verify_ssl": True}
    tag = sent.path.rsplit("/", 1)[1]
    assert re.fullmatch(r"n8n-[a-z0-9]{10}", tag) and static["node:T"] == {"webhookId": tag}
    assert reg.ensure(hook) is False  # listed with our URL: no second PUT
    assert len([r for r in fake_server.requests if r.method == "PUT"]) == 1
    assert reg.remove(hook) is True and fake_server.last().path == f"/forms/F1/webhooks/{tag}"


# --- Stripe ----------------------------------------------------------------------------------------

STRIPE = {"stripeApi": {"secretKey": "sk_test_1"}}


def test_stripe_creates_an_endpoint_form_encoded_and_keeps_id_and_secret(fake_server) -> None:
    fake_server.route("POST", "/v1/webhook_endpoints", (200, {}, {
        "id": "we_1", "secret": "whsec_1", "status": "enabled", "enabled_events": ["charge.succeeded"]}))
    static: dict[str, Any] = {}
    hook = make("stripeTrigger", {"events": ["charge.succeeded", "charge.failed"], "apiVersion": "2024-06-20"},
                STRIPE, base_urls={"stripe": fake_server.url + "/v1"}, static=static)
    assert reg.ensure(hook) is True
    sent = fake_server.last("POST", "/v1/webhook_endpoints")
    assert sent.headers["authorization"] == "Bearer sk_test_1"
    assert sent.headers["content-type"].startswith("application/x-www-form-urlencoded")
    assert sent.form == {"url": [URL], "description": ["Created by n8n for workflow ID: wf-1"],
                         "enabled_events[0]": ["charge.succeeded"], "enabled_events[1]": ["charge.failed"],
                         "api_version": ["2024-06-20"]}
    assert static["node:T"] == {"webhookId": "we_1", "webhookEvents": ["charge.succeeded"], "webhookSecret": "whsec_1"}


def test_stripe_incomplete_answer_fails_and_missing_endpoint_is_recreated(fake_server) -> None:
    fake_server.route("POST", "/v1/webhook_endpoints", (200, {}, {"id": "we_2", "status": "disabled"}))
    hook = make("stripeTrigger", {"events": ["*"]}, STRIPE, base_urls={"stripe": fake_server.url + "/v1"})
    with pytest.raises(NodeApiError, match="did not contain the expected data"):
        reg.ensure(hook)
    fake_server.route("GET", "/v1/webhook_endpoints/we_1", (404, {}, {"error": {"code": "resource_missing"}}))
    stored = {"node:T": {"webhookId": "we_1", "webhookSecret": "s"}}
    hook = make("stripeTrigger", {"events": ["*"]}, STRIPE, base_urls={"stripe": fake_server.url + "/v1"},
                static=stored)
    assert methods(hook).check_exists(hook) is False and stored["node:T"] == {}


def test_stripe_delete(fake_server) -> None:
    fake_server.route("DELETE", "/v1/webhook_endpoints/we_1", (200, {}, {"id": "we_1", "deleted": True}))
    stored = {"node:T": {"webhookId": "we_1", "webhookSecret": "s", "webhookEvents": []}}
    hook = make("stripeTrigger", {}, STRIPE, base_urls={"stripe": fake_server.url + "/v1"}, static=stored)
    assert reg.remove(hook) is True and stored["node:T"] == {}


# --- Shopify ---------------------------------------------------------------------------------------


def test_shopify_api_key_lists_by_topic_creates_and_deletes(fake_server) -> None:
    base = fake_server.url + "/admin/api/2024-07"
    fake_server.route("GET", "/admin/api/2024-07/webhooks", (200, {}, {"webhooks": [
        {"id": 1, "address": "https://elsewhere.example/x"}]}))
    fake_server.route("POST", "/admin/api/2024-07/webhooks.json", (201, {}, {"webhook": {"id": 450}}))
    fake_server.route("DELETE", "/admin/api/2024-07/webhooks/450.json", (200, {}, {}))
    creds = {"shopifyApi": {"apiKey": "key", "password": "pw", "shopSubdomain": "shop"}}
    static: dict[str, Any] = {}
    hook = make("shopifyTrigger", {"topic": "orders/create"}, creds, base_urls={"shopify": base}, static=static)
    assert reg.ensure(hook) is True
    listed = fake_server.last("GET")
    assert listed.query == {"topic": ["orders/create"]} and listed.headers["authorization"] == basic("key", "pw")
    assert fake_server.last("POST").json == {"webhook": {"topic": "orders/create", "address": URL, "format": "json"}}
    assert static["node:T"] == {"webhookId": 450}
    assert reg.remove(hook) is True and static["node:T"] == {}


def test_shopify_access_token_header(fake_server) -> None:
    fake_server.route("GET", "/admin/api/2024-07/webhooks", (200, {}, {"webhooks": [{"id": 9, "address": URL}]}))
    creds = {"shopifyAccessTokenApi": {"accessToken": "shpat_1", "shopSubdomain": "shop"}}
    hook = make("shopifyTrigger", {"authentication": "accessToken", "topic": "orders/paid"}, creds,
                base_urls={"shopify": fake_server.url + "/admin/api/2024-07"})
    assert reg.ensure(hook) is False and hook.data == {"webhookId": 9}
    assert fake_server.last().headers["x-shopify-access-token"] == "shpat_1"


# --- Calendly --------------------------------------------------------------------------------------


def test_calendly_personal_access_token_subscribes_for_the_user(fake_server) -> None:
    me = {"resource": {"uri": "https://api.calendly.com/users/U1",
                       "current_organization": "https://api.calendly.com/organizations/O1"}}
    fake_server.route("GET", "/users/me", (200, {}, me))
    fake_server.route("GET", "/webhook_subscriptions", (200, {}, {"collection": [
        {"callback_url": URL, "events": ["invitee.created"], "uri": "old"}]}))
    sub_uri = fake_server.url + "/webhook_subscriptions/S1"
    fake_server.route("POST", "/webhook_subscriptions", (201, {}, {"resource": {"uri": sub_uri}}))
    fake_server.route("DELETE", "/webhook_subscriptions/S1", (204, {}, None))
    creds = {"calendlyApi": {"apiKey": "eyJ.header.sig"}}
    static: dict[str, Any] = {}
    hook = make("calendlyTrigger", {"events": ["invitee.created", "invitee.canceled"]}, creds,
                base_urls={"calendly": fake_server.url}, static=static)
    assert reg.ensure(hook) is True  # the listed subscription has other events
    listed = fake_server.last("GET", "/webhook_subscriptions")
    assert listed.headers["authorization"] == "Bearer eyJ.header.sig"
    assert listed.query == {"scope": ["user"], "organization": [me["resource"]["current_organization"]],
                            "user": [me["resource"]["uri"]]}
    assert fake_server.last("POST").json == {"url": URL, "events": ["invitee.created", "invitee.canceled"],
                                             "organization": me["resource"]["current_organization"],
                                             "scope": "user", "user": me["resource"]["uri"]}
    assert static["node:T"] == {"webhookURI": sub_uri}
    assert reg.remove(hook) is True and fake_server.last().method == "DELETE" and static["node:T"] == {}


def test_calendly_legacy_api_key_uses_x_token_and_v1_hooks(fake_server) -> None:
    fake_server.route("GET", "/hooks", (200, {}, {"data": []}))
    fake_server.route("POST", "/hooks", (201, {}, {"id": 12}))
    hook = make("calendlyTrigger", {"events": ["invitee.created"]}, {"calendlyApi": {"apiKey": "legacykey"}},
                base_urls={"calendly": fake_server.url})
    assert reg.ensure(hook) is True and hook.data == {"webhookId": 12}
    sent = fake_server.last("POST", "/hooks")
    assert sent.headers["x-token"] == "legacykey" and sent.json == {"url": URL, "events": ["invitee.created"]}


# --- Pipedrive -------------------------------------------------------------------------------------


def test_pipedrive_subscribes_with_the_api_token_and_basic_auth(fake_server) -> None:
    fake_server.route("GET", "/v1/webhooks", (200, {}, {"success": True, "data": []}))
    fake_server.route("POST", "/v1/webhooks", (201, {}, {"success": True, "data": {"id": 31}}))
    fake_server.route("DELETE", "/v1/webhooks/31", (200, {}, {"success": True, "data": {"id": 31}}))
    creds = {"pipedriveApi": {"apiToken": "pd-token"}, "httpBasicAuth": {"user": "u", "password": "p"}}
    static: dict[str, Any] = {}
    hook = make("pipedriveTrigger", {"action": "added", "entity": "deal", "incomingAuthentication": "basicAuth"},
                creds, version=1.1, base_urls={"pipedrive": fake_server.url + "/v1"}, static=static)
    assert reg.ensure(hook) is True
    sent = fake_server.last("POST")
    assert sent.query == {"api_token": ["pd-token"]}
    assert sent.json == {"event_action": "added", "event_object": "deal", "subscription_url": URL,
                         "http_auth_user": "u", "http_auth_password": "p"}
    assert static["node:T"] == {"webhookId": 31}
    assert reg.remove(hook) is True and static["node:T"] == {}


def test_pipedrive_v1_reads_object_and_finds_its_webhook(fake_server) -> None:
    fake_server.route("GET", "/v1/webhooks", (200, {}, {"success": True, "data": [
        {"id": 5, "subscription_url": URL, "event_action": "*", "event_object": "person"}]}))
    hook = make("pipedriveTrigger", {"object": "person"}, {"pipedriveApi": {"apiToken": "t"}},
                base_urls={"pipedrive": fake_server.url + "/v1"})
    assert reg.ensure(hook) is False and hook.data == {"webhookId": 5}


# --- WooCommerce -----------------------------------------------------------------------------------


def test_woocommerce_creates_with_the_derived_secret_and_deletes_with_force(fake_server) -> None:
    fake_server.route("GET", "/wp-json/wc/v3/webhooks", (200, {}, []))
    fake_server.route("POST", "/wp-json/wc/v3/webhooks", (201, {}, {"id": 8}))
    fake_server.route("DELETE", "/wp-json/wc/v3/webhooks/8", (200, {}, {"id": 8}))
    creds = {"wooCommerceApi": {"url": fake_server.url, "consumerKey": "ck_1", "consumerSecret": "cs_1"}}
    static: dict[str, Any] = {}
    hook = make("wooCommerceTrigger", {"event": "order.created"}, creds, static=static)
    assert reg.ensure(hook) is True
    assert fake_server.last("GET").query == {"status": ["active"], "per_page": ["100"]}
    sent = fake_server.last("POST")
    secret = hashlib.md5(b"ck_1,cs_1").hexdigest()
    assert sent.headers["authorization"] == basic("ck_1", "cs_1")
    assert sent.json == {"delivery_url": URL, "topic": "order.created", "secret": secret}
    assert static["node:T"] == {"webhookId": 8, "secret": secret}
    assert reg.remove(hook) is True and fake_server.last().query == {"force": ["true"]} and static["node:T"] == {}


# --- Webflow ---------------------------------------------------------------------------------------


def test_webflow_v1_and_v2(fake_server) -> None:
    fake_server.route("GET", "/sites/S1/webhooks", (200, {}, []))
    fake_server.route("POST", "/sites/S1/webhooks", (200, {}, {"_id": "wh1"}))
    fake_server.route("DELETE", "/sites/S1/webhooks/wh1", (200, {}, {"deleted": 1}))
    params = {"site": "S1", "event": "form_submission"}
    v1 = make("webflowTrigger", params, {"webflowApi": {"accessToken": "wf-token"}},
              base_urls={"webflow": fake_server.url})
    assert reg.ensure(v1) is True and v1.data == {"webhookId": "wh1"}
    sent = fake_server.last("POST")
    assert sent.headers["accept-version"] == "1.0.0" and sent.headers["authorization"] == "Bearer wf-token"
    assert sent.json == {"site_id": "S1", "triggerType": "form_submission", "url": URL}
    assert reg.remove(v1) is True and v1.data == {}

    fake_server.route("GET", "/v2/sites/S1/webhooks", (200, {}, {"webhooks": [
        {"_id": "wh2", "url": URL, "triggerType": "form_submission"}]}))
    v2 = make("webflowTrigger", params, {"webflowOAuth2Api": {"oauthTokenData": {"access_token": "oa"}}},
              version=2, base_urls={"webflow": fake_server.url})
    assert reg.ensure(v2) is False and v2.data == {"webhookId": "wh2"}
    assert fake_server.last().headers["authorization"] == "Bearer oa"
    empty = make("webflowTrigger", params, {"webflowOAuth2Api": {"oauthTokenData": {"access_token": "oa"}}},
                 version=2, base_urls={"webflow": fake_server.url})
    count = len(fake_server.requests)
    assert reg.remove(empty) is True and len(fake_server.requests) == count  # v2: nothing stored, nothing sent


# --- Linear ----------------------------------------------------------------------------------------


def test_linear_creates_through_graphql(fake_server) -> None:
    def graphql(req):
        if "webhookCreate" in req.json["query"]:
            return 200, {}, {"data": {"webhookCreate": {"success": True, "webhook": {"id": "lw1", "enabled": True}}}}
        if "webhookDelete" in req.json["query"]:
            return 200, {}, {"data": {"webhookDelete": {"success": True}}}
        return 200, {}, {"data": {"webhooks": {"nodes": [
            {"id": "x", "url": URL, "enabled": True, "team": {"id": "other", "name": "O"}}]}}}

    fake_server.route("POST", "/graphql", graphql)
    static: dict[str, Any] = {}
    hook = make("linearTrigger", {"teamId": "T1", "resources": ["issue", "comment"]}, {"linearApi": {"apiKey": "lin"}},
                base_urls={"linear": fake_server.url + "/graphql"}, static=static)
    assert reg.ensure(hook) is True  # the listed hook belongs to another team
    sent = fake_server.last()
    assert sent.headers["authorization"] == "lin"
    assert sent.json["variables"] == {"url": URL, "teamId": "T1", "resources": ["Issue", "Comment"]}
    assert static["node:T"] == {"webhookId": "lw1"}
    assert reg.remove(hook) is True and fake_server.last().json["variables"] == {"id": "lw1"}


def test_linear_graphql_error_fails_the_create(fake_server) -> None:
    fake_server.route("POST", "/graphql", lambda req: (200, {}, {"errors": [{"message": "Team not found"}]}))
    hook = make("linearTrigger", {"teamId": "T1", "resources": ["issue"]}, {"linearApi": {"apiKey": "lin"}},
                base_urls={"linear": fake_server.url + "/graphql"})
    with pytest.raises(NodeApiError, match="Team not found"):
        reg.ensure(hook)


# --- Gumroad and Lemlist ---------------------------------------------------------------------------


def test_gumroad_resource_subscription(fake_server) -> None:
    fake_server.route("PUT", "/v2/resource_subscriptions", (200, {}, {
        "success": True, "resource_subscription": {"id": "rs1"}}))
    fake_server.route("GET", "/v2/resource_subscriptions", (200, {}, {"resource_subscriptions": [{"id": "rs1"}]}))
    fake_server.route("DELETE", "/v2/resource_subscriptions/rs1", (200, {}, {"success": True}))
    static: dict[str, Any] = {}
    hook = make("gumroadTrigger", {"resource": "sale"}, {"gumroadApi": {"accessToken": "gr"}},
                base_urls={"gumroad": fake_server.url + "/v2"}, static=static)
    assert reg.ensure(hook) is True
    assert fake_server.last("PUT").json == {"access_token": "gr", "post_url": URL, "resource_name": "sale"}
    assert reg.ensure(hook) is False  # the stored id is listed
    assert reg.remove(hook) is True and static["node:T"] == {}


def test_lemlist_hook_with_options_and_any_event(fake_server) -> None:
    fake_server.route("GET", "/api/hooks", (200, {}, []))
    fake_server.route("POST", "/api/hooks", (200, {}, {"_id": "lh1"}))
    fake_server.route("DELETE", "/api/hooks/lh1", (200, {}, {}))
    static: dict[str, Any] = {}
    hook = make("lemlistTrigger", {"event": "*", "options": {"campaignId": "c1"}}, {"lemlistApi": {"apiKey": "lk"}},
                base_urls={"lemlist": fake_server.url + "/api"}, static=static)
    assert reg.ensure(hook) is True
    sent = fake_server.last("POST")
    assert sent.headers["authorization"] == basic("", "lk") and sent.headers["user-agent"] == "n8n"
    assert sent.json == {"targetUrl": URL, "campaignId": "c1"}
    assert static["node:T"] == {"webhookId": "lh1"}
    assert reg.remove(hook) is True and static["node:T"] == {}
