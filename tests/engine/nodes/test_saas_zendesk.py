"""Zendesk node against a local fake of the Support API v2."""

from __future__ import annotations

import base64

from svc_harness import error, output, run_service

pytest_plugins = ("fakes",)

CREDS = {"zendeskApi": {"subdomain": "acme", "email": "agent@acme.com", "apiToken": "zt"}}


def run(server, params, **kw):
    return run_service("n8n-nodes-base.zendesk", 1, params, credentials=CREDS, base_urls={"zendesk": server.url}, **kw)


def test_create_ticket_with_token_auth(fake_server):
    fake_server.route("POST", "/tickets.json", (201, {}, {"ticket": {"id": 35436, "subject": "Help"}}))
    params = {"description": "My printer is on fire", "additionalFields": {
        "subject": "Help", "status": "open", "tags": ["fire"], "externalId": "x-1",
        "customFieldsUi": {"customFieldsValues": [{"id": 27642, "value": "745"}]}}}
    items = output(run(fake_server, params))
    assert items == [{"json": {"id": 35436, "subject": "Help"}, "pairedItem": {"item": 0}}]
    req = fake_server.last()
    token = base64.b64encode(b"agent@acme.com/token:zt").decode()
    assert req.headers["authorization"] == f"Basic {token}"
    assert req.json == {"ticket": {"comment": {"body": "My printer is on fire"}, "external_id": "x-1",
                                   "subject": "Help", "status": "open", "tags": ["fire"],
                                   "custom_fields": [{"id": 27642, "value": "745"}]}}


def test_update_ticket_internal_note(fake_server):
    fake_server.route("PUT", "/tickets/7.json", (200, {}, {"ticket": {"id": 7, "status": "pending"}}))
    params = {"operation": "update", "id": "7", "updateFields": {"status": "pending", "internalNote": "<p>n</p>"}}
    items = output(run(fake_server, params))
    assert items[0]["json"] == {"id": 7, "status": "pending"}
    assert fake_server.last().json == {"ticket": {"status": "pending",
                                                  "comment": {"html_body": "<p>n</p>", "public": False}}}


def test_get_all_tickets_search_pages(fake_server):
    def search(req):
        if req.arg("page") == "2":
            return 200, {}, {"results": [{"id": 2}], "next_page": None}
        assert req.arg("query") == "type:ticket status:open"
        return 200, {}, {"results": [{"id": 1}], "next_page": f"{fake_server.url}/search.json?page=2"}

    fake_server.route("GET", "/search.json", search)
    items = output(run(fake_server, {"operation": "getAll", "returnAll": True, "options": {"status": "open"}}))
    assert [it["json"]["id"] for it in items] == [1, 2]


def test_users_and_organizations(fake_server):
    fake_server.route("GET", "/users/search.json", (200, {}, {"users": [{"id": 9, "email": "a@b.c"}]}))
    items = output(run(fake_server, {"resource": "user", "operation": "search", "limit": 5,
                                     "filters": {"query": "a@b.c"}}))
    assert items[0]["json"] == {"id": 9, "email": "a@b.c"}
    assert fake_server.last().arg("query") == "a@b.c" and fake_server.last().arg("per_page") == "5"
    fake_server.route("PUT", "/organizations/4.json", (200, {}, {"organization": {"id": 4}}))
    params = {"resource": "organization", "operation": "update", "id": "4", "updateFields": {
        "notes": "vip", "organizationFieldsUi": {"organizationFieldValues": [{"field": "tier", "value": "gold"}]}}}
    output(run(fake_server, params))
    assert fake_server.last().json == {"organization": {"notes": "vip", "organization_fields": {"tier": "gold"}}}


def test_continue_on_fail_and_unsupported(fake_server):
    fake_server.route("GET", "/tickets/404.json", (404, {}, {"error": "RecordNotFound", "description": "Not found"}))
    items = output(run(fake_server, {"operation": "get", "id": "404"}, continue_on_fail=True))
    assert [it["json"] for it in items] == [{"error": "The resource you are requesting could not be found"}]
    assert "not supported yet" in error(run(fake_server, {"resource": "view", "operation": "get"}))["message"]
