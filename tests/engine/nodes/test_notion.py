"""Notion node against a local fake REST API."""

from __future__ import annotations

from svc_harness import output, run_service

pytest_plugins = ("fakes",)

CREDS = {"notionApi": {"apiKey": "secret_1"}}
DB = "d9824bdc-8445-4327-be8b-5b47500af6ce"
PAGE = {
    "object": "page", "id": "p1", "url": "https://www.notion.so/p1",
    "parent": {"type": "database_id", "database_id": DB},
    "properties": {
        "Name": {"id": "title", "type": "title", "title": [{"type": "text", "plain_text": "Task "},
                                                           {"type": "text", "plain_text": "one"}]},
        "Due Date": {"id": "a", "type": "date", "date": {"start": "2024-01-05", "end": None}},
        "Tags": {"id": "b", "type": "multi_select", "multi_select": [{"name": "x"}, {"name": "y"}]},
        "Status": {"id": "c", "type": "select", "select": {"name": "Done"}},
        "Done?": {"id": "d", "type": "checkbox", "checkbox": True},
    },
}


def run(server, version, params, **kw):
    return run_service("n8n-nodes-base.notion", version, params, credentials=CREDS,
                       base_urls={"notion": server.url}, **kw)


def test_database_page_get_all_simplified_with_filter(fake_server):
    fake_server.route("POST", f"/databases/{DB}/query", (200, {}, {"object": "list", "results": [PAGE],
                                                                   "has_more": False, "next_cursor": None}))
    params = {"resource": "databasePage", "operation": "getAll",
              "databaseId": {"__rl": True, "mode": "id", "value": DB}, "returnAll": True,
              "filterType": "manual", "matchType": "allFilters",
              "filters": {"conditions": [{"key": "Status|select", "condition": "equals", "selectValue": "Done"}]}}
    items = output(run(fake_server, 2.2, params))
    # n8n's "name" is only the title's first text run; property_name joins all runs
    assert items[0]["json"] == {"id": "p1", "name": "Task ", "url": "https://www.notion.so/p1",
                                "property_name": "Task one",
                                "property_due_date": {"start": "2024-01-05", "end": None},
                                "property_tags": ["x", "y"], "property_status": "Done", "property_done": True}
    req = fake_server.last()
    assert req.headers["authorization"] == "Bearer secret_1"
    assert req.headers["notion-version"] == "2021-08-16"
    assert req.json == {"filter": {"and": [{"property": "Status", "select": {"equals": "Done"}}]}}


def test_database_page_update_maps_property_types(fake_server):
    fake_server.route("PATCH", "/pages/p1", (200, {}, PAGE))
    params = {"resource": "databasePage", "operation": "update", "simple": False,
              "pageId": {"__rl": True, "mode": "id", "value": "p1"},
              "propertiesUi": {"propertyValues": [
                  {"key": "Status|select", "selectValue": "Done"},
                  {"key": "Tags|multi_select", "multiSelectValue": "x, y"},
                  {"key": "Done?|checkbox", "checkboxValue": True},
                  {"key": "Notes|rich_text", "textContent": "hello"},
                  {"key": "Due Date|date", "date": "2024-01-05T10:00:00", "includeTime": False,
                   "timezone": "default"}]}}
    items = output(run(fake_server, 2.2, params))
    assert items[0]["json"] == PAGE
    assert fake_server.last().json == {"properties": {
        "Status": {"type": "select", "select": {"name": "Done"}},
        "Tags": {"type": "multi_select", "multi_select": [{"name": "x"}, {"name": "y"}]},
        "Done?": {"type": "checkbox", "checkbox": True},
        "Notes": {"rich_text": [{"text": {"content": "hello"}}]},
        "Due Date": {"type": "date", "date": {"start": "2024-01-05", "end": None}}}}


def test_database_page_create_uses_title_property(fake_server):
    fake_server.route("GET", f"/databases/{DB}", (200, {}, {"object": "database", "properties": {
        "Name": {"type": "title"}, "Qty": {"type": "number"}}}))
    fake_server.route("POST", "/pages", (200, {}, PAGE))
    params = {"resource": "databasePage", "operation": "create", "title": "New",
              "databaseId": {"__rl": True, "mode": "id", "value": DB},
              "propertiesUi": {"propertyValues": [{"key": "Qty|number", "numberValue": 3}]}}
    items = output(run(fake_server, 2.2, params))
    assert items[0]["json"]["property_tags"] == ["x", "y"]
    assert fake_server.last().json == {"parent": {"database_id": DB}, "children": [], "properties": {
        "Name": {"title": [{"text": {"content": "New"}}]}, "Qty": {"type": "number", "number": 3}}}


def test_block_get_all_simplified_and_paginated(fake_server):
    def children(req):
        if req.arg("start_cursor") == "c2":
            return 200, {}, {"results": [{"object": "block", "id": "b2", "type": "child_page",
                                          "child_page": {"title": "Sub"}}], "has_more": False}
        return 200, {}, {"results": [{"object": "block", "id": "b1", "type": "paragraph",
                                      "created_time": "t", "paragraph": {"text": [{"plain_text": "Hi"}]}}],
                         "has_more": True, "next_cursor": "c2"}

    fake_server.route("GET", "/blocks/p1/children", children)
    params = {"resource": "block", "operation": "getAll", "returnAll": True,
              "blockId": {"__rl": True, "mode": "id", "value": "p1"}}
    items = output(run(fake_server, 2.2, params))
    assert [it["json"] for it in items] == [
        {"object": "block", "parent_id": "p1", "id": "b1", "type": "paragraph", "root_id": "p1", "content": "Hi"},
        {"object": "block", "parent_id": "p1", "id": "b2", "type": "child_page", "root_id": "p1", "content": "Sub"}]
