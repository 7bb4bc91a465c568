"""Monday.com (GraphQL) and Asana (REST) nodes against local fakes."""

from __future__ import annotations

from svc_harness import error, output, run_service

pytest_plugins = ("fakes",)

MONDAY = {"mondayComApi": {"apiToken": "mk-token"}}


def monday(server, params, **kw):
    return run_service("n8n-nodes-base.mondayCom", 1, params, credentials=kw.pop("credentials", MONDAY),
                       base_urls={"mondayCom": server.url}, **kw)


def graphql(server, answer):
    """A monday-like GraphQL endpoint: checks the transport, answers ``answer(query, variables)``."""
    def handle(req):
        if req.headers.get("authorization") != "Bearer mk-token":
            return 401, {}, {"errors": [{"message": "Not Authenticated"}]}
        assert req.headers["api-version"] == "2023-10"
        assert req.headers["content-type"].startswith("application/json")
        body = req.json
        assert set(body) == {"query", "variables"}
        return 200, {}, answer(body["query"], body["variables"])
    server.route("POST", "/v2/", handle)


def sent(server):
    return [r.json for r in server.requests]


def test_monday_board_item_create_and_default_resource(fake_server):
    graphql(fake_server, lambda q, v: {"data": {"create_item": {"id": "991"}}, "account_id": 1})
    params = {"resource": "boardItem", "boardId": "1382091189", "groupId": "topics", "name": "Run 7",
              "additionalFields": {"columnValues": '{ "status" : {"label": "Done"} ,"text":"x"}'}}
    items = output(monday(fake_server, params))
    assert items == [{"json": {"id": "991"}, "pairedItem": {"item": 0}}]
    body = fake_server.last().json
    assert "create_item (board_id: $boardId, group_id: $groupId, item_name: $itemName" in body["query"]
    assert body["variables"] == {"boardId": "1382091189", "groupId": "topics", "itemName": "Run 7",
                                 "columnValues": '{"status":{"label":"Done"},"text":"x"}'}


def test_monday_board_get_default_resource(fake_server):
    board = {"id": "663435997", "name": "Roadmap", "description": None, "state": "active",
             "board_folder_id": None, "board_kind": "public", "owners": [{"id": "1"}]}
    graphql(fake_server, lambda q, v: {"data": {"boards": [board]}})
    items = output(monday(fake_server, {"boardId": "663435997", "operation": "get"}))
    assert items == [{"json": board, "pairedItem": {"item": 0}}]
    body = fake_server.last().json
    assert body["query"].startswith("query ($id: [ID!]) { boards (ids: $id)")
    assert body["variables"] == {"id": "663435997"}


def test_monday_item_get_splits_ids(fake_server):
    rows = [{"id": "1", "name": "A", "column_values": []}, {"id": "2", "name": "B", "column_values": []}]
    graphql(fake_server, lambda q, v: {"data": {"items": rows}})
    items = output(monday(fake_server, {"resource": "boardItem", "operation": "get", "itemId": "1,2"},
                          items=[{"json": {}}]))
    assert [it["json"] for it in items] == rows
    assert all(it["pairedItem"] == {"item": 0} for it in items)
    assert fake_server.last().json["variables"] == {"itemId": ["1", "2"]}


def test_monday_item_get_all_cursor_pages(fake_server):
    def answer(query, variables):
        if "next_items_page" in query:
            assert variables == {"cursor": "c1"}
            assert "next_items_page (cursor: $cursor, limit: 100)" in query
            return {"data": {"next_items_page": {"cursor": None, "items": [{"id": "3"}]}}}
        assert variables == {"boardId": "1840712625", "groupId": "topics", "limit": 100}
        page = {"cursor": "c1", "items": [{"id": "1"}, {"id": "2"}]}
        return {"data": {"boards": [{"groups": [{"id": "topics", "items_page": page}]}]}}
    graphql(fake_server, answer)
    params = {"boardId": "1840712625", "groupId": "topics", "resource": "boardItem", "operation": "getAll",
              "returnAll": True}
    items = output(monday(fake_server, params))
    assert [it["json"] for it in items] == [{"id": "1"}, {"id": "2"}, {"id": "3"}]
    assert len(fake_server.requests) == 2


def test_monday_item_get_all_limit(fake_server):
    def answer(query, variables):
        assert variables["limit"] == 2
        page = {"cursor": "c1", "items": [{"id": "1"}, {"id": "2"}]}
        return {"data": {"boards": [{"groups": [{"id": "g", "items_page": page}]}]}}
    graphql(fake_server, answer)
    params = {"boardId": "1", "groupId": "g", "resource": "boardItem", "operation": "getAll", "limit": 2}
    assert [it["json"]["id"] for it in output(monday(fake_server, params))] == ["1", "2"]
    assert len(fake_server.requests) == 1


def test_monday_get_by_column_value_pages(fake_server):
    def answer(query, variables):
        if "next_items_page" in query:
            return {"data": {"next_items_page": {"cursor": None, "items": [{"id": "8"}]}}}
        assert "items_page_by_column_values" in query and "board { id }" in query
        assert variables == {"boardId": "5", "columnId": "email", "columnValue": "a@b.c", "limit": 100}
        return {"data": {"items_page_by_column_values": {"cursor": "n", "items": [{"id": "7"}]}}}
    graphql(fake_server, answer)
    params = {"resource": "boardItem", "operation": "getByColumnValue", "boardId": "5", "columnId": "email",
              "columnValue": "a@b.c", "returnAll": True}
    assert [it["json"]["id"] for it in output(monday(fake_server, params))] == ["7", "8"]


def test_monday_boards_get_all_pages_until_empty(fake_server):
    pages = {1: [{"id": "1"}, {"id": "2"}], 2: [{"id": "3"}], 3: []}
    graphql(fake_server, lambda q, v: {"data": {"boards": pages[v["page"]]}})
    items = output(monday(fake_server, {"operation": "getAll", "returnAll": True}))
    assert [it["json"]["id"] for it in items] == ["1", "2", "3"]
    assert [b["variables"] for b in sent(fake_server)] == [{"page": p, "limit": 50} for p in (1, 2, 3)]
    graphql(fake_server, lambda q, v: {"data": {"boards": [{"id": "9"}]}})
    items = output(monday(fake_server, {"operation": "getAll", "limit": 1}))
    assert items == [{"json": {"id": "9"}, "pairedItem": {"item": 0}}]
    assert fake_server.last().json["variables"] == {"page": 1, "limit": 1}


def test_monday_change_multiple_column_values(fake_server):
    graphql(fake_server, lambda q, v: {"data": {"change_multiple_column_values": {"id": "42"}}})
    params = {"resource": "boardItem", "operation": "changeMultipleColumnValues", "boardId": "1", "itemId": "42",
              "columnValues": '{ "text" : "wf", "long_text" : "stack\\nline" }'}
    assert output(monday(fake_server, params))[0]["json"] == {"id": "42"}
    assert fake_server.last().json["variables"] == {"boardId": "1", "itemId": "42",
                                                    "columnValues": '{"text":"wf","long_text":"stack\\nline"}'}
    params["columnValues"] = "{not json"
    assert error(monday(fake_server, params))["message"] == "Custom Values must be a valid JSON"


def test_monday_other_operations(fake_server):
    answers = {"create_board": {"id": "b"}, "archive_board": {"id": "b"}, "create_column": {"id": "c"},
               "create_group": {"id": "g"}, "delete_group": {"id": "g"}, "create_update": {"id": "u"},
               "change_column_value": {"id": "i"}, "delete_item": {"id": "i"}, "move_item_to_group": {"id": "i"}}

    def answer(query, variables):
        for name, value in answers.items():
            if f"{name} (" in query:
                return {"data": {name: value}}
        return {"data": {"boards": [{"id": "b", "columns": [{"id": "c1"}], "groups": [{"id": "g1"}]}]}}
    graphql(fake_server, answer)
    cases = [
        ({"operation": "create", "name": "B", "kind": "private", "additionalFields": {"templateId": 7}},
         {"name": "B", "kind": "private", "templateId": 7}, {"id": "b"}),
        ({"operation": "archive", "boardId": "b"}, {"id": "b"}, {"id": "b"}),
        ({"resource": "boardColumn", "boardId": "b", "title": "T", "columnType": "longText",
          "additionalFields": {"defaults": '{"labels": ["a"]}'}},
         {"boardId": "b", "title": "T", "columnType": "long_text", "defaults": '{"labels":["a"]}'}, {"id": "c"}),
        ({"resource": "boardColumn", "operation": "getAll", "boardId": "b"}, {"page": 1, "boardId": "b"},
         {"id": "c1"}),
        ({"resource": "boardGroup", "boardId": "b", "name": "G"}, {"boardId": "b", "groupName": "G"}, {"id": "g"}),
        ({"resource": "boardGroup", "operation": "delete", "boardId": "b", "groupId": "g"},
         {"boardId": "b", "groupId": "g"}, {"id": "g"}),
        ({"resource": "boardGroup", "operation": "getAll", "boardId": "b"}, {"boardId": "b"}, {"id": "g1"}),
        ({"resource": "boardItem", "operation": "addUpdate", "itemId": "i", "value": "hi"},
         {"itemId": "i", "value": "hi"}, {"id": "u"}),
        ({"resource": "boardItem", "operation": "changeColumnValue", "boardId": "b", "itemId": "i",
          "columnId": "status", "value": '{"label": "Done"}'},
         {"boardId": "b", "itemId": "i", "columnId": "status", "value": '{"label":"Done"}'}, {"id": "i"}),
        ({"resource": "boardItem", "operation": "delete", "itemId": "i"}, {"itemId": "i"}, {"id": "i"}),
        ({"resource": "boardItem", "operation": "move", "itemId": "i", "groupId": "g"},
         {"groupId": "g", "itemId": "i"}, {"id": "i"}),
    ]
    for params, variables, result in cases:
        assert output(monday(fake_server, params)) == [{"json": result, "pairedItem": {"item": 0}}], params
        assert fake_server.last().json["variables"] == variables, params


def test_monday_graphql_errors_and_http_errors(fake_server):
    graphql(fake_server, lambda q, v: {"errors": [{"message": "Item not found"}], "account_id": 1})
    params = {"resource": "boardItem", "operation": "delete", "itemId": "404"}
    err = error(monday(fake_server, params))
    assert err["message"] == "Cannot read properties of undefined (reading 'delete_item')"
    items = output(monday(fake_server, params, continue_on_fail=True))
    assert items == [{"json": {"error": "Cannot read properties of undefined (reading 'delete_item')"},
                      "pairedItem": {"item": 0}}]
    bad = {"mondayComApi": {"apiToken": "wrong"}}
    err = error(monday(fake_server, params, credentials=bad))
    assert err["message"].startswith("Authorization failed")
    items = output(monday(fake_server, params, credentials=bad, continue_on_fail=True))
    assert items[0]["json"]["error"].startswith("Authorization failed")
    assert items[0]["pairedItem"] == {"item": 0}


def test_monday_unsupported_operation(fake_server):
    err = error(monday(fake_server, {"resource": "boardItem", "operation": "archive"}))
    assert err["message"] == "Monday.com: operation 'boardItem/archive' is not supported yet"
    assert fake_server.requests == []
