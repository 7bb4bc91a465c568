"""Microsoft Outlook Trigger (polling Graph) and Shopify (REST Admin API) against local fakes."""

from __future__ import annotations

import base64
import re

import pytest
from fakes import FakeServer
from svc_harness import error, output, run_service

from automatelanka.engine.executor import execute
from automatelanka.engine.nodes._poll import POLLERS
from automatelanka.engine.nodes.base import NodeContext
from automatelanka.engine.params import node_parameters
from automatelanka.engine.state import ExecutionState, Services
from automatelanka.engine.workflow import Workflow

pytest_plugins = ("fakes",)

# -- Microsoft Outlook Trigger ---------------------------------------------------------------------

OUTLOOK = "n8n-nodes-base.microsoftOutlookTrigger"
GRAPH_CREDS = {"microsoftOutlookOAuth2Api": {"oauthTokenData": {"access_token": "graph-token"}}}
MSG = {"id": "m1", "conversationId": "c1", "subject": "Hello", "bodyPreview": "Hi there",
       "from": {"emailAddress": {"address": "boss@x.com", "name": "Boss"}},
       "toRecipients": [{"emailAddress": {"address": "me@x.com"}}], "categories": [], "hasAttachments": False,
       "receivedDateTime": "2025-01-01T10:00:00Z"}
ISO = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}(Z|[+-]\d\d:\d\d)"


def _services(server: FakeServer, creds=GRAPH_CREDS) -> Services:
    return Services(credentials=lambda kind, ref: dict(creds[kind]), base_urls={"microsoft": server.url})


def _trigger_workflow(params: dict, creds=GRAPH_CREDS) -> dict:
    return {"name": "t", "settings": {"executionOrder": "v1", "timezone": "UTC"}, "connections": {},
            "nodes": [{"name": "T", "type": OUTLOOK, "typeVersion": 1, "position": [0, 0], "parameters": params,
                       "credentials": {k: {"id": "1", "name": k} for k in creds}}]}


def _poll_context(server: FakeServer, params: dict, creds=GRAPH_CREDS) -> tuple[NodeContext, ExecutionState]:
    wf = Workflow(_trigger_workflow(params, creds))
    state = ExecutionState(workflow=wf, mode="trigger", services=_services(server, creds))
    node = wf.nodes["T"]
    return NodeContext(state, node, node_parameters(node), [[]], [], 0, [None]), state


def test_outlook_trigger_manual_fetches_newest_simplified(fake_server):
    def messages(req):
        assert req.headers["authorization"] == "Bearer graph-token"
        assert req.query == {"$top": ["1"], "$filter": ["(from/emailAddress/address eq 'boss@x.com' or "
                                                        "from/emailAddress/name eq 'boss@x.com')"],
                             "$select": ["id,conversationId,subject,bodyPreview,from,toRecipients,categories,"
                                         "hasAttachments"]}
        return 200, {}, {"value": [MSG]}

    fake_server.route("GET", "/me/messages", messages)
    wf = _trigger_workflow({"filters": {"sender": "boss@x.com"}, "options": {}})
    items = output(execute(wf, services=_services(fake_server), mode="manual"), "T")
    assert items == [{"json": {"id": "m1", "conversationId": "c1", "subject": "Hello", "bodyPreview": "Hi there",
                               "from": "boss@x.com", "to": ["me@x.com"], "categories": [],
                               "hasAttachments": False}, "pairedItem": {"item": 0}}]
    # outside manual mode the trigger passes its seed item through (the daemon polls instead)
    assert [it["json"] for it in output(execute(wf, services=_services(fake_server)), "T")] == [{}]


def test_outlook_trigger_manual_api_error(fake_server):
    fake_server.route("GET", "/me/messages", (401, {}, {"error": {"code": "InvalidAuthenticationToken",
                                                                  "message": "Access token has expired."}}))
    wf = _trigger_workflow({"output": "raw"})
    err = error(execute(wf, services=_services(fake_server), mode="manual"), "T")
    assert err["message"] == "Authorization failed - please check your credentials"
    assert err["description"] == "Access token has expired." and err["httpCode"] == "401"
    fake_server.route("GET", "/me/messages", (400, {}, {"error": {"code": "BadRequest",
                                                                  "message": "Invalid filter clause"}}))
    err = error(execute(_trigger_workflow({"filters": {"custom": "bogus"}}), services=_services(fake_server),
                        mode="manual"), "T")
    assert err["message"] == "Invalid filter clause"  # n8n puts the API's text in place of "Bad request"
    assert fake_server.last().arg("$filter") == "bogus"


def test_outlook_trigger_poll_window_paging_and_cursor(fake_server):
    def messages(req):
        if req.arg("page") == "2":
            assert "$filter" not in req.query  # nextLink carries the query already
            return 200, {}, {"value": [{**MSG, "id": "m2"}]}
        assert req.arg("$top") == "100"
        assert req.arg("$select") == "body,toRecipients,subject,bodyPreview"
        flt = req.arg("$filter")
        assert re.fullmatch(rf"hasAttachments eq true and receivedDateTime ge ({ISO}) "
                            rf"and receivedDateTime lt ({ISO})", flt), flt
        return 200, {}, {"value": [MSG], "@odata.nextLink": f"{fake_server.url}/me/messages?page=2"}

    fake_server.route("GET", "/me/messages", messages)
    params = {"output": "fields", "fields": ["body", "toRecipients", "subject", "bodyPreview"],
              "filters": {"hasAttachments": True, "foldersToInclude": []}, "options": {}}
    ctx, state = _poll_context(fake_server, params)
    state.static_data["node:T"] = {"lastTimeChecked": "2025-01-01T00:00:00.000Z"}
    items = POLLERS[OUTLOOK](ctx)
    assert items == [{"json": MSG}, {"json": {**MSG, "id": "m2"}}]
    first = fake_server.requests[0].arg("$filter")
    assert "receivedDateTime ge 2025-01-01T00:00:00.000Z and receivedDateTime lt " in first
    cursor = state.static_data["node:T"]["lastTimeChecked"]
    assert re.fullmatch(ISO, cursor) and cursor != "2025-01-01T00:00:00.000Z"
    assert first.endswith(f"lt {cursor}")


def test_outlook_trigger_poll_nothing_new_moves_cursor_and_folder_filter(fake_server):
    fake_server.route("GET", "/me/messages", (200, {}, {"value": []}))
    ctx, state = _poll_context(fake_server, {"output": "raw", "filters": {"foldersToInclude": ["F1", "F2"],
                                                                          "readStatus": "unread"}})
    assert POLLERS[OUTLOOK](ctx) is None
    flt = fake_server.last().arg("$filter")
    # first poll: start == end == now
    match = re.fullmatch(rf"parentFolderId eq 'F1' or parentFolderId eq 'F2' and isRead eq false and "
                         rf"receivedDateTime ge ({ISO}) and receivedDateTime lt ({ISO})", flt)
    assert match and match.group(1) == match.group(3)
    assert "$select" not in fake_server.last().query
    assert state.static_data["node:T"]["lastTimeChecked"] == match.group(1)


def test_outlook_trigger_poll_error_first_time_raises_then_is_swallowed(fake_server):
    fake_server.route("GET", "/me/messages", (500, {}, {"error": {"code": "Boom", "message": "Server down"}}))
    ctx, state = _poll_context(fake_server, {"output": "raw"})
    with pytest.raises(Exception):  # noqa: B017 - no cursor yet: n8n rethrows
        POLLERS[OUTLOOK](ctx)
    assert "lastTimeChecked" not in state.static_data.get("node:T", {})
    state.static_data["node:T"] = {"lastTimeChecked": "2025-01-01T00:00:00.000Z"}
    assert POLLERS[OUTLOOK](ctx) is None  # logged by n8n, cursor moved on
    assert state.static_data["node:T"]["lastTimeChecked"] != "2025-01-01T00:00:00.000Z"


def test_outlook_trigger_downloads_attachments_shared_mailbox(fake_server):
    upn = "shared@x.com"
    creds = {"microsoftOutlookOAuth2Api": {"oauthTokenData": {"access_token": "t"}, "useShared": True,
                                           "userPrincipalName": upn}}
    msg = {**MSG, "hasAttachments": True}

    def messages(req):
        assert req.arg("$select") == "subject,hasAttachments"
        return 200, {}, {"value": [msg]}

    fake_server.route("GET", f"/users/{upn}/messages", messages)
    fake_server.route("GET", f"/users/{upn}/messages/m1/attachments",
                      (200, {}, {"value": [{"id": "a1", "name": "r.txt", "contentType": "text/plain"}]}))
    fake_server.route("GET", f"/users/{upn}/messages/m1/attachments/a1/$value", (200, {}, b"REPORT"))
    wf = _trigger_workflow({"output": "fields", "fields": ["subject"],
                            "options": {"downloadAttachments": True, "attachmentsPrefix": "file_"}}, creds)
    items = output(execute(wf, services=_services(fake_server, creds), mode="manual"), "T")
    assert len(items) == 1 and items[0]["json"] == msg
    entry = items[0]["binary"]["file_0"]
    assert entry["fileName"] == "r.txt" and entry["mimeType"] == "text/plain"
    assert base64.b64decode(entry["data"]) == b"REPORT"


# -- Shopify ---------------------------------------------------------------------------------------

SHOP_API = {"shopifyApi": {"apiKey": "key", "password": "pw", "shopSubdomain": "acme"}}
SHOP_TOKEN = {"shopifyAccessTokenApi": {"accessToken": "shpat_1", "shopSubdomain": "acme"}}
SHOP_OAUTH = {"shopifyOAuth2Api": {"shopSubdomain": "acme", "oauthTokenData": {"access_token": "oauth-t"}}}
PREFIX = "/admin/api/2024-07/"  # n8n joins "<base>/" and "/orders.json"
BASIC = "Basic " + base64.b64encode(b"key:pw").decode()


def shop(server, params, creds=SHOP_API, **kw):
    return run_service("n8n-nodes-base.shopify", 1, params, credentials=creds,
                       base_urls={"shopify": server.url + "/admin/api/2024-07"}, **kw)


def test_shopify_order_get_all_limit_api_key(fake_server):
    def orders(req):
        assert req.headers["authorization"] == BASIC
        assert req.query == {"limit": ["2"], "status": ["any"], "fulfillment_status": ["unfulfilled"],
                             "fields": ["id,name"]}
        return 200, {}, {"orders": [{"id": 1, "name": "#1001"}, {"id": 2, "name": "#1002"}]}

    fake_server.route("GET", PREFIX + "/orders.json", orders)
    params = {"operation": "getAll", "limit": 2,
              "options": {"status": "any", "fulfillmentStatus": "unfulfilled", "fields": "id,name"}}
    items = output(shop(fake_server, params))
    assert items == [{"json": {"id": 1, "name": "#1001"}, "pairedItem": {"item": 0}},
                     {"json": {"id": 2, "name": "#1002"}, "pairedItem": {"item": 0}}]


def test_shopify_order_get_all_return_all_follows_next_links(fake_server):
    base = fake_server.url + PREFIX + "orders.json"

    def orders(req):
        assert req.headers["x-shopify-access-token"] == "shpat_1" and "authorization" not in req.headers
        page = req.arg("page_info")
        if page is None:
            assert req.query == {"updated_at_min": ["2025-01-01T00:00:00.000Z"], "status": ["any"]}
            return 200, {"Link": f'<{base}?limit=50&page_info=p2>; rel="next"'}, {"orders": [{"id": 1}]}
        # page_info requests carry only limit/fields (here none: returnAll sets no limit)
        assert set(req.query) == {"page_info", "limit"} and req.arg("limit") == "50"
        if page == "p2":
            link = f'<{base}?limit=50&page_info=p1>; rel="previous", <{base}?limit=50&page_info=p3>; rel="next"'
            return 200, {"Link": link}, {"orders": [{"id": 2}]}
        assert page == "p3"
        return 200, {"Link": f'<{base}?limit=50&page_info=p2>; rel="previous"'}, {"orders": [{"id": 3}]}

    fake_server.route("GET", PREFIX + "/orders.json", orders)
    fake_server.route("GET", PREFIX + "orders.json", orders)
    params = {"operation": "getAll", "returnAll": True, "authentication": "accessToken",
              "options": {"status": "any", "updatedAtMin": "2025-01-01T00:00:00.000Z", "createdAtMin": ""}}
    items = output(shop(fake_server, params, creds=SHOP_TOKEN))
    assert [it["json"] for it in items] == [{"id": 1}, {"id": 2}, {"id": 3}]
    assert len(fake_server.requests) == 3


def test_shopify_order_update_and_create(fake_server):
    fake_server.route("PUT", PREFIX + "/orders/450.json",
                      lambda req: (200, {}, {"order": {"id": 450, **req.json["order"]}}))
    params = {"operation": "update", "orderId": "450",
              "updateFields": {"tags": "vip", "note": "", "email": "a@x.com",
                               "shippingAddressUi": {"shippingAddressValues": {"firstName": "Ann", "address1": "1 St",
                                                                               "zip": "100"}}}}
    items = output(shop(fake_server, {**params, "authentication": "oAuth2"}, creds=SHOP_OAUTH))
    req = fake_server.last()
    assert req.headers["x-shopify-access-token"] == "oauth-t"
    assert req.json == {"order": {"tags": "vip", "email": "a@x.com",
                                  "shipping_address": {"address1": "1 St", "zip": "100", "first_name": "Ann"}}}
    assert items == [{"json": {"id": 450, **req.json["order"]}, "pairedItem": {"item": 0}}]
    # the corpus' update with an empty tags field sends an empty order
    output(shop(fake_server, {"operation": "update", "orderId": "450", "updateFields": {"tags": ""}}))
    assert fake_server.last().json == {"order": {}}

    fake_server.route("POST", PREFIX + "/orders.json", lambda req: (201, {}, {"order": {"id": 9, **req.json["order"]}}))
    params = {"operation": "create",
              "limeItemsUi": {"lineItemValues": [{"productId": "p1", "variantId": "v1", "quantity": 2}]},
              "additionalFields": {"email": "b@x.com", "sendReceipt": True,
                                   "discountCodesUi": {"discountCodesValues": [{"code": "X", "amount": "5",
                                                                                "type": "fixed_amount"}]}}}
    items = output(shop(fake_server, params))
    assert fake_server.last().json == {"order": {
        "test": True, "line_items": [{"quantity": 2, "product_id": "p1", "variant_id": "v1"}], "send_receipt": True,
        "email": "b@x.com", "discount_codes": [{"code": "X", "amount": "5", "type": "fixed_amount"}]}}
    assert items[0]["json"]["id"] == 9
    err = error(shop(fake_server, {"operation": "create", "limeItemsUi": {}}))
    assert err["message"] == "At least one line item has to be added"


def test_shopify_order_get_delete_share_the_query(fake_server):
    fake_server.route("GET", PREFIX + "/orders/1.json", (200, {}, {"order": {"id": 1}}))
    fake_server.route("GET", PREFIX + "/orders/2.json", (200, {}, {"order": {"id": 2}}))
    params = {"operation": "get", "orderId": "={{ $json.id }}", "options": {"fields": "={{ $json.f }}"}}
    items = output(shop(fake_server, params, items=[{"json": {"id": 1, "f": "id"}}, {"json": {"id": 2}}]))
    assert items == [{"json": {"id": 1}, "pairedItem": {"item": 0}}, {"json": {"id": 2}, "pairedItem": {"item": 1}}]
    assert fake_server.last().query == {"fields": ["id"]}  # n8n's qs outlives item 0
    fake_server.route("DELETE", PREFIX + "/orders/1.json", (200, {}, {}))
    items = output(shop(fake_server, {"operation": "delete", "orderId": "1"}))
    assert items == [{"json": {"success": True}, "pairedItem": {"item": 0}}]
    assert fake_server.last().method == "DELETE" and fake_server.last().body == b""


def test_shopify_products(fake_server):
    fake_server.route("POST", PREFIX + "/products.json",
                      lambda req: (201, {}, {"product": {"id": 7, **req.json["product"]}}))
    params = {"resource": "product", "title": "Shirt",
              "additionalFields": {"vendor": "Acme", "productOptions": {"option": [{"name": "Size", "value": "M"}]}}}
    items = output(shop(fake_server, params))
    assert fake_server.last().json == {"product": {"vendor": "Acme", "options": {"Size": "M"}, "title": "Shirt"}}
    assert items[0]["json"] == {"id": 7, "vendor": "Acme", "options": {"Size": "M"}, "title": "Shirt"}

    fake_server.route("GET", PREFIX + "/products.json", (200, {}, {"products": [{"id": 7}, {"id": 8}]}))
    items = output(shop(fake_server, {"resource": "product", "operation": "getAll", "limit": 5,
                                      "additionalFields": {"vendor": "Acme"}}))
    assert [it["json"] for it in items] == [{"id": 7}, {"id": 8}]
    assert fake_server.last().query == {"vendor": ["Acme"], "limit": ["5"]}

    fake_server.route("GET", PREFIX + "/products/7.json", (200, {}, {"product": {"id": 7, "title": "Shirt"}}))
    items = output(shop(fake_server, {"resource": "product", "operation": "get", "productId": "7",
                                      "additionalFields": {"fields": "id,title"}}))
    assert items[0]["json"] == {"id": 7, "title": "Shirt"} and fake_server.last().query == {"fields": ["id,title"]}

    fake_server.route("PUT", PREFIX + "/products/7.json", lambda req: (200, {}, {"product": {"id": 7, **req.json["product"]}}))
    items = output(shop(fake_server, {"resource": "product", "operation": "update", "productId": "7",
                                      "updateFields": {"title": "Tee"}}))
    assert fake_server.last().json == {"product": {"title": "Tee"}} and items[0]["json"] == {"id": 7, "title": "Tee"}

    fake_server.route("DELETE", PREFIX + "/products/7.json", (200, {}, {}))
    items = output(shop(fake_server, {"resource": "product", "operation": "delete", "productId": "7"}))
    assert items == [{"json": {"success": True}, "pairedItem": {"item": 0}}]


def test_shopify_api_error_and_continue_on_fail(fake_server):
    fake_server.route("GET", PREFIX + "/orders/404.json", (404, {}, {"errors": "Not Found"}))
    err = error(shop(fake_server, {"operation": "get", "orderId": "404"}))
    assert err["httpCode"] == "404" and err["description"] == "Not Found"
    assert err["message"] == "The resource you are requesting could not be found"
    items = output(shop(fake_server, {"operation": "get", "orderId": "404"}, continue_on_fail=True))
    assert items == [{"json": {"error": err["message"]}, "pairedItem": {"item": 0}}]


def test_shopify_unsupported_operation(fake_server):
    err = error(shop(fake_server, {"resource": "customer", "operation": "getAll"}))
    assert err["message"] == "Shopify: operation 'customer/getAll' is not supported yet"
    assert fake_server.requests == []
