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


# -- Asana ------------------------------------------------------------------------------------

ASANA = {"asanaApi": {"accessToken": "as-token"}}


def asana(server, params, **kw):
    return run_service("n8n-nodes-base.asana", 1, params, credentials=kw.pop("credentials", ASANA),
                       base_urls={"asana": server.url + "/api/1.0"}, **kw)


def rest(server, method, path, answer):
    """An Asana-like endpoint: bearer auth, ``{data: ...}`` JSON bodies on writes, no body on reads."""
    def handle(req):
        if req.headers.get("authorization") != "Bearer as-token":
            return 401, {}, {"errors": [{"message": "Not Authorized"}]}
        if method in ("GET", "DELETE"):
            assert req.body == b""
        else:
            assert req.headers["content-type"].startswith("application/json")
            assert set(req.json) == {"data"}
        return answer(req) if callable(answer) else (200, {}, answer)
    server.route(method, "/api/1.0" + path, handle)


def test_asana_task_create_default_operation(fake_server):
    task = {"gid": "12", "name": "Ticket", "resource_type": "task"}
    rest(fake_server, "POST", "/tasks", {"data": task})
    params = {"name": "Ticket", "workspace": "1177", "otherProperties": {"assignee": "99", "assignee_status": "inbox"}}
    items = output(asana(fake_server, params))
    assert items == [{"json": task, "pairedItem": {"item": 0}}]
    assert fake_server.last().json == {"data": {"name": "Ticket", "workspace": "1177", "assignee": "99",
                                                "assignee_status": "inbox"}}


def test_asana_task_get_update_delete(fake_server):
    rest(fake_server, "GET", "/tasks/12", {"data": {"gid": "12", "name": "T"}})
    rest(fake_server, "PUT", "/tasks/12", {"data": {"gid": "12", "due_on": "2025-01-02"}})
    rest(fake_server, "DELETE", "/tasks/12", {"data": {}})
    items = [{"json": {"gid": "12"}}]
    assert output(asana(fake_server, {"operation": "get", "id": "={{ $json.gid }}"}, items=items))[0]["json"] == \
        {"gid": "12", "name": "T"}
    out = output(asana(fake_server, {"operation": "update", "id": "12", "otherProperties": {"due_on": "2025-01-02"}}))
    assert out[0]["json"] == {"gid": "12", "due_on": "2025-01-02"}
    assert fake_server.last().json == {"data": {"due_on": "2025-01-02"}}
    assert output(asana(fake_server, {"operation": "delete", "id": "12"})) == [{"json": {}, "pairedItem": {"item": 0}}]


def test_asana_task_get_all_return_all_follows_next_page(fake_server):
    def tasks(req):
        if req.arg("offset") == "p2":
            assert req.query == {"offset": ["p2"], "limit": ["100"]}
            return 200, {}, {"data": [{"gid": "3"}], "next_page": None}
        assert req.query == {"assignee": ["1201"], "workspace": ["1202"], "completed_since": ["2025-03-04T00:00:00+00:00"],
                             "opt_fields": ["gid,name"], "limit": ["100"]}
        nxt = {"offset": "p2", "path": "/tasks?offset=p2", "uri": f"{fake_server.url}/api/1.0/tasks?limit=100&offset=p2"}
        return 200, {}, {"data": [{"gid": "1"}, {"gid": "2"}], "next_page": nxt}
    rest(fake_server, "GET", "/tasks", tasks)
    params = {"operation": "getAll", "returnAll": True,
              "filters": {"assignee": "1201", "workspace": "1202", "completed_since": "2025-03-04",
                          "opt_fields": ["gid", "name"]}}
    items = output(asana(fake_server, params))
    assert [(it["json"]["gid"], it["pairedItem"]) for it in items] == [("1", {"item": 0}), ("2", {"item": 0}),
                                                                         ("3", {"item": 0})]
    assert len(fake_server.requests) == 2


def test_asana_task_get_all_limit_and_all_fields(fake_server):
    rest(fake_server, "GET", "/tasks", {"data": [{"gid": "1"}], "next_page": {"uri": "x"}})
    params = {"operation": "getAll", "limit": 5, "filters": {"project": "p", "opt_fields": ["*"]}}
    assert [it["json"] for it in output(asana(fake_server, params))] == [{"gid": "1"}]
    req = fake_server.last()
    assert req.arg("limit") == "5" and req.arg("project") == "p"
    assert req.arg("opt_fields").startswith(",gid,resource_type,name,approval_status,")
    assert req.arg("opt_fields").endswith(",permalink_url,projects,tags,workspace")


def test_asana_comment_tag_project_move_and_success_answers(fake_server):
    rest(fake_server, "POST", "/tasks/7/stories", {"data": {"gid": "s1", "resource_type": "story"}})
    rest(fake_server, "POST", "/tasks/7/addTag", {"data": {}})
    rest(fake_server, "POST", "/tasks/7/addProject", {"data": {}})
    rest(fake_server, "POST", "/sections/s9/addTask", {"data": {}})
    rest(fake_server, "DELETE", "/stories/s1", {"data": {}})
    params = {"id": "7", "text": "<body>hi</body>", "resource": "taskComment", "isTextHtml": True,
              "additionalFields": {}}
    assert output(asana(fake_server, params))[0]["json"] == {"gid": "s1", "resource_type": "story"}
    assert fake_server.last().json == {"data": {"html_text": "<body>hi</body>"}}
    cases = [({"resource": "taskTag", "id": "7", "tag": "t1"}, {"data": {"tag": "t1"}}),
             ({"resource": "taskProject", "id": "7", "project": "p1", "additionalFields": {"section": "s2"}},
              {"data": {"project": "p1", "section": "s2"}}),
             ({"operation": "move", "id": "7", "projectId": "p1", "section": "s9"}, {"data": {"task": "7"}}),
             ({"resource": "taskComment", "operation": "remove", "id": "s1"}, None)]
    for params, body in cases:
        assert output(asana(fake_server, params)) == [{"json": {"success": True}, "pairedItem": {"item": 0}}]
        assert fake_server.last().json == body


def test_asana_projects_users_subtasks(fake_server):
    rest(fake_server, "POST", "/teams/t1/projects", {"data": {"gid": "p1"}})
    rest(fake_server, "GET", "/projects", {"data": [{"gid": "p1"}, {"gid": "p2"}], "next_page": None})
    rest(fake_server, "PUT", "/projects/p1", {"data": {"gid": "p1", "name": "N"}})
    rest(fake_server, "GET", "/workspaces/w1/users", {"data": [{"gid": "u1"}, {"gid": "u2"}]})
    rest(fake_server, "GET", "/tasks/7/subtasks", {"data": [{"gid": "a"}, {"gid": "b"}, {"gid": "c"}]})
    rest(fake_server, "GET", "/workspaces/w1/tasks/search", {"data": [{"gid": "f"}]})
    out = output(asana(fake_server, {"resource": "project", "operation": "create", "name": "P", "workspace": "w1",
                                     "team": "t1", "additionalFields": {"color": "dark-red", "notes": "n"}}))
    assert out[0]["json"] == {"gid": "p1"}
    assert fake_server.last().json == {"data": {"name": "P", "workspace": "w1"}}
    assert fake_server.last().query == {"color": ["dark-red"], "notes": ["n"]}
    out = output(asana(fake_server, {"resource": "project", "operation": "getAll", "workspace": "w1", "limit": 2,
                                     "additionalFields": {"archived": True}}))
    assert [it["json"]["gid"] for it in out] == ["p1", "p2"]
    assert fake_server.last().query == {"workspace": ["w1"], "archived": ["true"], "limit": ["2"]}
    output(asana(fake_server, {"resource": "project", "operation": "update", "id": "p1",
                               "updateFields": {"name": "N", "notes": "x"}}))
    assert fake_server.last().json == {"data": {"name": "N"}} and fake_server.last().query == {"notes": ["x"]}
    out = output(asana(fake_server, {"resource": "user", "operation": "getAll", "workspace": "w1"}))
    assert [it["json"]["gid"] for it in out] == ["u1", "u2"]
    out = output(asana(fake_server, {"resource": "subtask", "operation": "getAll", "taskId": "7", "limit": 2}))
    assert [it["json"]["gid"] for it in out] == ["a", "b"]
    out = output(asana(fake_server, {"operation": "search", "workspace": "w1",
                                     "searchTaskProperties": {"text": "bug", "completed": False}}))
    assert out[0]["json"] == {"gid": "f"}
    assert fake_server.last().query == {"text": ["bug"], "completed": ["false"]}


def test_asana_api_error_and_continue_on_fail(fake_server):
    rest(fake_server, "GET", "/tasks/*", lambda _req: (404, {}, {"errors": [{"message": "Unknown object: 5"}]}))
    params = {"operation": "get", "id": "5"}
    err = error(asana(fake_server, params))
    assert err["message"] == "The resource you are requesting could not be found"
    items = output(asana(fake_server, params, continue_on_fail=True))
    message = "The resource you are requesting could not be found"
    # n8n pushes a bare {error}; the engine gives such items json.error as n8n's run data shows
    assert items == [{"error": message, "json": {"error": message}, "pairedItem": {"item": 0}}]


def test_asana_unsupported_operation(fake_server):
    err = error(asana(fake_server, {"resource": "task", "operation": "duplicate"}))
    assert err["message"] == "Asana: operation 'task/duplicate' is not supported yet"
    assert fake_server.requests == []


def test_oauth2_credentials(fake_server):
    rest(fake_server, "POST", "/tasks", {"data": {"gid": "1"}})
    oauth = {"asanaOAuth2Api": {"oauthTokenData": {"access_token": "as-token"}}}
    # a corpus workflow saves this literal (not an expression): anything but accessToken means OAuth2
    params = {"name": "Q", "workspace": "", "authentication": "{{ $credentials.oAuth2 }}",
              "otherProperties": {"projects": [""]}}
    assert output(asana(fake_server, params, credentials=oauth))[0]["json"] == {"gid": "1"}
    assert fake_server.last().json == {"data": {"name": "Q", "workspace": "", "projects": [""]}}
    graphql(fake_server, lambda q, v: {"data": {"delete_item": {"id": "3"}}})
    oauth = {"mondayComOAuth2Api": {"oauthTokenData": {"access_token": "mk-token"}}}
    params = {"authentication": "oAuth2", "resource": "boardItem", "operation": "delete", "itemId": "3"}
    assert output(monday(fake_server, params, credentials=oauth))[0]["json"] == {"id": "3"}
