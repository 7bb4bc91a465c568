"""Trello and Clockify nodes against local fakes that check requests as the real APIs document them."""

from __future__ import annotations

from svc_harness import error, output, run_service

pytest_plugins = ("fakes",)

TRELLO = {"trelloApi": {"apiKey": "tk", "apiToken": "tt"}}


def trello(server, params, **kw):
    return run_service("n8n-nodes-base.trello", 1, params, credentials=TRELLO,
                       base_urls={"trello": server.url}, **kw)


def _trello_auth(req) -> None:
    assert req.arg("key") == "tk" and req.arg("token") == "tt"
    assert list(req.query)[-2:] == ["key", "token"]  # appended after the node's own query


def test_trello_card_create_as_in_corpus(fake_server):
    card = {"id": "c1", "name": "Score: 0.8", "idList": "5fbb", "desc": "Feedback"}
    fake_server.route("POST", "/cards", (200, {}, card))
    params = {"name": "=Score: {{ $json.score }}", "listId": "5fbb", "description": "Feedback",
              "additionalFields": {"due": "2025-01-01T10:00:00.000Z", "idLabels": "",
                                   "urlSource": "{{ $env.BASE_URL }}"}}
    items = output(trello(fake_server, params, items=[{"json": {"score": 0.8}}]))
    assert items == [{"json": card, "pairedItem": {"item": 0}}]
    req = fake_server.last()
    _trello_auth(req)
    assert req.headers["content-type"].startswith("application/json")
    assert req.json == {"idList": "5fbb", "name": "Score: 0.8", "desc": "Feedback",
                        "due": "2025-01-01T10:00:00.000Z", "idLabels": "", "urlSource": "{{ $env.BASE_URL }}"}


def test_trello_card_comment_create_and_card_update_url_locator(fake_server):
    action = {"id": "a1", "type": "commentCard", "data": {"text": "hello"}}
    fake_server.route("POST", "/cards/dFtYLRXv/actions/comments", (200, {}, action))
    params = {"resource": "cardComment", "text": "={{ $json.data }}",
              "cardId": {"__rl": True, "mode": "id", "value": "dFtYLRXv"}}
    items = output(trello(fake_server, params, items=[{"json": {"data": "hello"}}]))
    assert items == [{"json": action, "pairedItem": {"item": 0}}]
    assert fake_server.last().json == {"text": "hello"}
    fake_server.route("PUT", "/cards/abc123", (200, {}, {"id": "abc123", "closed": True}))
    params = {"operation": "update", "id": {"__rl": True, "mode": "url", "value": "https://trello.com/c/abc123/x"},
              "updateFields": {"closed": True, "name": "N"}}
    items = output(trello(fake_server, params))
    assert items[0]["json"] == {"id": "abc123", "closed": True}
    req = fake_server.last()
    assert req.method == "PUT" and req.json == {}
    assert req.query == {"closed": ["true"], "name": ["N"], "key": ["tk"], "token": ["tt"]}
    _trello_auth(req)


def test_trello_bad_url_locator(fake_server):
    params = {"operation": "get", "id": {"__rl": True, "mode": "url", "value": "https://example.com/c/1"}}
    err = error(trello(fake_server, params))
    assert err["message"] == ("ERROR: Card parameter's value is invalid. This is likely because the URL "
                              "entered is incorrect")
    assert not fake_server.requests


def test_trello_get_cards_limit_and_return_all_pagination(fake_server):
    cards = [{"id": f"{n:03d}"} for n in range(65, 0, -1)]  # newest id first, as sort=-id returns

    @fake_server.route("GET", "/lists/L1/cards")
    def page(req):
        _trello_auth(req)
        assert req.body == b""
        limit = int(req.arg("limit"))
        rows = cards
        if req.arg("before"):
            assert req.arg("sort") == "-id"
            rows = [c for c in cards if c["id"] < req.arg("before")]
        return 200, {}, rows[:limit]

    items = output(trello(fake_server, {"resource": "list", "operation": "getCards", "id": "L1", "limit": 2,
                                        "additionalFields": {"fields": "name"}}))
    assert items == [{"json": {"id": "065"}, "pairedItem": {"item": 0}},
                     {"json": {"id": "064"}, "pairedItem": {"item": 0}}]
    assert fake_server.last().query == {"limit": ["2"], "fields": ["name"], "key": ["tk"], "token": ["tt"]}
    fake_server.requests.clear()
    items = output(trello(fake_server, {"resource": "list", "operation": "getCards", "id": "L1",
                                        "returnAll": True}))
    assert [it["json"]["id"] for it in items] == [c["id"] for c in cards]
    assert [(r.arg("limit"), r.arg("sort"), r.arg("before")) for r in fake_server.requests] == [
        ("30", "-id", None), ("30", "-id", "036"), ("30", "-id", "006")]


def test_trello_list_get_all_return_all_is_one_request(fake_server):
    fake_server.route("GET", "/boards/B1/lists", (200, {}, [{"id": "l1"}, {"id": "l2"}]))
    items = output(trello(fake_server, {"resource": "list", "operation": "getAll", "id": "B1", "returnAll": True}))
    assert [it["json"] for it in items] == [{"id": "l1"}, {"id": "l2"}]
    assert len(fake_server.requests) == 1
    assert fake_server.last().query == {"key": ["tk"], "token": ["tt"]}


def test_trello_label_and_member_requests(fake_server):
    fake_server.route("POST", "/cards/C1/idLabels", (200, {}, ["lab1"]))
    items = output(trello(fake_server, {"resource": "label", "operation": "addLabel", "id": "lab1",
                                        "cardId": {"__rl": True, "mode": "id", "value": "C1"}}))
    assert items == [{"json": "lab1", "pairedItem": {"item": 0}}]  # returnJsonArray of the id list
    assert fake_server.last().json == {"value": "lab1"}
    fake_server.route("GET", "/board/B1/labels", (200, {}, [{"id": "x", "color": "red"}]))
    items = output(trello(fake_server, {"resource": "label", "boardId": {"__rl": True, "mode": "url",
                                                                         "value": "https://trello.com/b/B1/my"}}))
    assert items[0]["json"] == {"id": "x", "color": "red"}
    fake_server.route("PUT", "/boards/B1/members", (200, {}, {"id": "B1", "members": []}))
    output(trello(fake_server, {"resource": "boardMember", "operation": "invite", "id": "B1", "email": "a@b.c",
                                "additionalFields": {}}))
    req = fake_server.last()
    assert req.query == {"email": ["a@b.c"], "key": ["tk"], "token": ["tt"]} and req.json == {}
    fake_server.route("PUT", "/boards/B1/members/M1", (200, {}, {"id": "B1"}))
    output(trello(fake_server, {"resource": "boardMember", "id": "B1", "idMember": "M1"}))
    assert fake_server.last().query == {"type": ["normal"], "allowBillableGuest": ["false"],
                                        "key": ["tk"], "token": ["tt"]}


def test_trello_api_error_and_continue_on_fail(fake_server):
    fake_server.route("DELETE", "/cards/nope", (400, {"Content-Type": "text/plain"}, "invalid id"))
    params = {"operation": "delete", "id": {"__rl": True, "mode": "id", "value": "nope"}}
    err = error(trello(fake_server, params))
    assert err["message"] == "Bad request - please check your parameters"
    assert err["description"] == "invalid id"
    items = output(trello(fake_server, params, continue_on_fail=True))
    assert items == [{"json": {"error": "Bad request - please check your parameters"}, "pairedItem": {"item": 0}}]


def test_trello_unsupported(fake_server):
    err = error(trello(fake_server, {"resource": "card", "operation": "move"}))
    assert err["message"] == "Trello: operation 'card/move' is not supported yet"
    assert not fake_server.requests


CLOCKIFY = {"clockifyApi": {"apiKey": "ck"}}
WS = "/workspaces/W1"


def clockify(server, params, **kw):
    return run_service("n8n-nodes-base.clockify", 1, params, credentials=CLOCKIFY,
                       base_urls={"clockify": server.url}, **kw)


def _clockify_headers(req) -> None:
    assert req.headers["x-api-key"] == "ck"
    assert req.headers["content-type"] == "application/json"


def test_clockify_client_create_and_update_as_in_corpus(fake_server):
    client = {"id": "c1", "name": "Acme", "workspaceId": "W1", "archived": False}
    fake_server.route("POST", f"{WS}/clients", (201, {}, client))
    items = output(clockify(fake_server, {"name": "={{ $json.Name }}", "resource": "client", "workspaceId": "W1"},
                            items=[{"json": {"Name": "Acme"}}]))
    assert items == [{"json": client, "pairedItem": {"item": 0}}]
    req = fake_server.last()
    _clockify_headers(req)
    assert req.json == {"name": "Acme"} and req.query == {}
    fake_server.route("PUT", f"{WS}/clients/c1", (200, {}, {**client, "archived": True}))
    params = {"name": "Acme", "clientId": "c1", "resource": "client", "operation": "update", "workspaceId": "W1",
              "updateFields": {"archived": "={{ $json.archived }}"}}
    items = output(clockify(fake_server, params, items=[{"json": {"archived": True}}]))
    assert items[0]["json"]["archived"] is True
    assert fake_server.last().json == {"name": "Acme", "archived": True}


def _paged(rows):
    def handler(req):
        _clockify_headers(req)
        size, page = int(req.arg("page-size")), int(req.arg("page", "1"))  # the API defaults to page 1
        return 200, {}, rows[(page - 1) * size: page * size]
    return handler


def test_clockify_client_get_all_return_all_pages_until_empty(fake_server):
    rows = [{"id": f"c{n}"} for n in range(60)]
    fake_server.route("GET", f"{WS}/clients", _paged(rows))
    params = {"resource": "client", "operation": "getAll", "returnAll": True, "workspaceId": "W1",
              "additionalFields": {"archived": False}}
    items = output(clockify(fake_server, params))
    assert [it["json"] for it in items] == rows
    assert [r.query for r in fake_server.requests] == [
        {"archived": ["false"], "page-size": ["50"], "page": [str(p)]} for p in (1, 2, 3)]
    assert all(it["pairedItem"] == {"item": 0} for it in items)


def test_clockify_project_get_all_limit_and_shared_query(fake_server):
    rows = [{"id": f"p{n}"} for n in range(120)]
    fake_server.route("GET", f"{WS}/projects", _paged(rows))
    params = {"operation": "getAll", "limit": 70, "workspaceId": "W1",
              "additionalFields": {"name": "={{ $json.q }}"}}
    items = output(clockify(fake_server, params, items=[{"json": {"q": "a"}}, {"json": {"q": "b"}}]))
    assert [it["json"]["id"] for it in items] == [f"p{n}" for n in range(70)] * 2
    assert [it["pairedItem"]["item"] for it in items] == [0] * 70 + [1] * 70
    # n8n sends limit in the query and keeps one query object for all items
    assert [r.raw_query for r in fake_server.requests] == [
        "name=a&limit=70&page-size=50&page=1", "name=a&limit=70&page-size=50&page=2",
        "name=b&limit=70&page-size=50&page=1", "name=b&limit=70&page-size=50&page=2"]


def test_clockify_workspace_default_operation_limit(fake_server):
    fake_server.route("GET", "/workspaces", (200, {}, [{"id": "W1"}, {"id": "W2"}]))
    items = output(clockify(fake_server, {"limit": 1, "resource": "workspace"}))
    assert items == [{"json": {"id": "W1"}, "pairedItem": {"item": 0}}]
    assert fake_server.last().query == {}


def test_clockify_tasks(fake_server):
    tasks = f"{WS}/projects/P1/tasks"
    fake_server.route("GET", tasks, _paged([{"id": "t1"}, {"id": "t2"}]))
    params = {"filters": {"is-active": True}, "resource": "task", "operation": "getAll", "projectId": "P1",
              "returnAll": True, "workspaceId": "W1"}
    items = output(clockify(fake_server, params))
    assert [it["json"] for it in items] == [{"id": "t1"}, {"id": "t2"}]
    assert fake_server.last().raw_query == "is-active=true&page-size=50&page=2"
    fake_server.requests.clear()
    items = output(clockify(fake_server, {**params, "returnAll": False, "limit": 1}))
    assert [it["json"] for it in items] == [{"id": "t1"}]
    assert [r.raw_query for r in fake_server.requests] == ["is-active=true&page-size=1"]
    fake_server.route("PUT", f"{tasks}/t1", (200, {}, {"id": "t1", "status": "DONE"}))
    params = {"taskId": "t1", "resource": "task", "operation": "update", "projectId": "P1", "workspaceId": "W1",
              "updateFields": {"name": "N", "status": "DONE", "estimate": "2:30"}}
    assert output(clockify(fake_server, params))[0]["json"] == {"id": "t1", "status": "DONE"}
    assert fake_server.last().json == {"name": "N", "status": "DONE", "estimate": "PT2H30M"}
    fake_server.route("DELETE", f"{tasks}/t1", (200, {}, {"id": "t1"}))
    params = {"taskId": "t1", "resource": "task", "operation": "delete", "projectId": "P1", "workspaceId": "W1"}
    assert output(clockify(fake_server, params))[0]["json"] == {"id": "t1"}


def test_clockify_time_entry_create_update_delete(fake_server):
    entry = {"id": "e1", "timeInterval": {"start": "2020-10-05T08:30:00Z", "end": "2020-10-05T09:30:00Z"}}
    fake_server.route("POST", f"{WS}/time-entries", (201, {}, entry))
    params = {"start": "2020-10-05T08:30:00.000Z", "resource": "timeEntry", "workspaceId": "W1",
              "additionalFields": {"end": "2020-10-05T15:00:00+05:30", "tagIds": ["tag1"],
                                   "description": "Docs", "customFieldsUi": {}}}
    assert output(clockify(fake_server, params))[0]["json"] == entry
    assert fake_server.last().json == {"start": "2020-10-05T08:30:00Z", "end": "2020-10-05T09:30:00Z",
                                       "tagIds": ["tag1"], "description": "Docs", "customFieldsUi": {}}
    fake_server.route("GET", f"{WS}/time-entries/e1", (200, {}, entry))
    fake_server.route("PUT", f"{WS}/time-entries/e1", (200, {}, {**entry, "projectId": "P1"}))
    params = {"resource": "timeEntry", "operation": "update", "timeEntryId": "e1", "workspaceId": "W1",
              "updateFields": {"projectId": "P1"}}
    assert output(clockify(fake_server, params))[0]["json"]["projectId"] == "P1"
    assert [r.method for r in fake_server.requests[-2:]] == ["GET", "PUT"]
    assert fake_server.last().json == {"projectId": "P1", "start": "2020-10-05T08:30:00Z"}
    fake_server.route("DELETE", f"{WS}/time-entries/e1", (204, {}, None))
    params = {"resource": "timeEntry", "operation": "delete", "timeEntryId": "e1", "workspaceId": "W1"}
    assert output(clockify(fake_server, params)) == [{"json": {"success": True}, "pairedItem": {"item": 0}}]


def test_clockify_api_error_and_continue_on_fail(fake_server):
    body = {"message": "Client with name 'Acme' already exists", "code": 501}
    fake_server.route("POST", f"{WS}/clients", (400, {}, body))
    params = {"name": "Acme", "resource": "client", "workspaceId": "W1"}
    err = error(clockify(fake_server, params))
    assert err["message"] == "Bad request - please check your parameters"
    assert err["description"] == "Client with name 'Acme' already exists"
    items = output(clockify(fake_server, params, continue_on_fail=True))
    # the node pushes {error, json: {}}; the engine's item normalization fills json.error and pairing
    message = "Bad request - please check your parameters"
    assert items == [{"error": message, "json": {"error": message}, "pairedItem": {"item": 0}}]


def test_clockify_unsupported(fake_server):
    err = error(clockify(fake_server, {"resource": "tag", "operation": "get", "workspaceId": "W1"}))
    assert err["message"] == "Clockify: operation 'tag/get' is not supported yet"
    assert not fake_server.requests


CARD = {"__rl": True, "mode": "id", "value": "C1"}
BOARD = {"__rl": True, "mode": "id", "value": "B1"}
TRELLO_REQUESTS = [
    # (parameters, method, path, query without key/token, JSON body or None)
    ({"resource": "board", "name": "B", "description": "d", "additionalFields": {"defaultLists": False}},
     "POST", "/boards", {}, {"name": "B", "desc": "d", "defaultLists": False}),
    ({"resource": "board", "operation": "get", "id": BOARD, "additionalFields": {"fields": "name"}},
     "GET", "/boards/B1", {"fields": ["name"]}, None),
    ({"resource": "board", "operation": "delete", "id": BOARD}, "DELETE", "/boards/B1", {}, {}),
    ({"resource": "boardMember", "operation": "getAll", "id": "B1"}, "GET", "/boards/B1/members", {"limit": ["20"]},
     None),
    ({"resource": "boardMember", "operation": "remove", "id": "B1", "idMember": "M1"},
     "DELETE", "/boards/B1/members/M1", {}, {}),
    ({"resource": "card", "operation": "get", "id": CARD, "additionalFields": {"board": True}},
     "GET", "/cards/C1", {"board": ["true"]}, None),
    ({"resource": "cardComment", "operation": "update", "cardId": CARD, "commentId": "A1", "text": "t"},
     "PUT", "/cards/C1/actions/A1/comments", {"text": ["t"]}, {}),
    ({"resource": "cardComment", "operation": "delete", "cardId": CARD, "commentId": "A1"},
     "DELETE", "/cards/C1/actions/A1/comments", {}, {}),
    ({"resource": "list", "operation": "archive", "id": "L1", "archive": True},
     "PUT", "/lists/L1/closed", {"value": ["true"]}, {}),
    ({"resource": "list", "idBoard": "B1", "name": "Todo", "additionalFields": {"pos": "top"}},
     "POST", "/lists", {}, {"idBoard": "B1", "name": "Todo", "pos": "top"}),
    ({"resource": "list", "operation": "get", "id": "L1"}, "GET", "/lists/L1", {}, None),
    ({"resource": "list", "operation": "update", "id": "L1", "updateFields": {"name": "X"}},
     "PUT", "/lists/L1", {"name": ["X"]}, {}),
    ({"resource": "attachment", "operation": "create", "cardId": CARD, "url": "https://x/y.png",
      "additionalFields": {"name": "y"}}, "POST", "/cards/C1/attachments", {}, {"url": "https://x/y.png", "name": "y"}),
    ({"resource": "attachment", "cardId": CARD, "additionalFields": {"fields": "all"}},
     "GET", "/cards/C1/attachments", {"fields": ["all"]}, None),
    ({"resource": "attachment", "operation": "get", "cardId": CARD, "id": "T1"},
     "GET", "/cards/C1/attachments/T1", {}, None),
    ({"resource": "attachment", "operation": "delete", "cardId": CARD, "id": "T1"},
     "DELETE", "/cards/C1/attachments/T1", {}, {}),
    ({"resource": "checklist", "operation": "create", "cardId": CARD, "name": "CL", "additionalFields": {}},
     "POST", "/cards/C1/checklists", {}, {"name": "CL"}),
    ({"resource": "checklist", "cardId": CARD}, "GET", "/cards/C1/checklists", {}, None),
    ({"resource": "checklist", "operation": "get", "id": "K1"}, "GET", "/checklists/K1", {}, None),
    ({"resource": "checklist", "operation": "delete", "cardId": CARD, "id": "K1"},
     "DELETE", "/cards/C1/checklists/K1", {}, {}),
    ({"resource": "checklist", "operation": "createCheckItem", "checklistId": "K1", "name": "i",
      "additionalFields": {"checked": True}}, "POST", "/checklists/K1/checkItems", {}, {"name": "i", "checked": True}),
    ({"resource": "checklist", "operation": "updateCheckItem", "cardId": CARD, "checkItemId": "I1",
      "additionalFields": {"state": "complete"}}, "PUT", "/cards/C1/checkItem/I1", {"state": ["complete"]}, {}),
    ({"resource": "checklist", "operation": "getCheckItem", "cardId": CARD, "checkItemId": "I1"},
     "GET", "/cards/C1/checkItem/I1", {}, None),
    ({"resource": "checklist", "operation": "deleteCheckItem", "cardId": CARD, "checkItemId": "I1"},
     "DELETE", "/cards/C1/checkItem/I1", {}, {}),
    ({"resource": "checklist", "operation": "completedCheckItems", "cardId": CARD},
     "GET", "/cards/C1/checkItemStates", {}, None),
    ({"resource": "label", "operation": "create", "boardId": BOARD, "name": "L", "color": "red"},
     "POST", "/labels", {}, {"idBoard": "B1", "name": "L", "color": "red"}),
    ({"resource": "label", "operation": "get", "id": "X1"}, "GET", "/labels/X1", {}, None),
    ({"resource": "label", "operation": "update", "id": "X1", "updateFields": {"color": "blue"}},
     "PUT", "/labels/X1", {"color": ["blue"]}, {}),
    ({"resource": "label", "operation": "delete", "id": "X1"}, "DELETE", "/labels/X1", {}, {}),
    ({"resource": "label", "operation": "removeLabel", "cardId": CARD, "id": "X1"},
     "DELETE", "/cards/C1/idLabels/X1", {}, {}),
]


def test_trello_requests_of_each_operation(fake_server):
    fake_server.route("*", "/*", (200, {}, {"id": "ok"}))
    for params, method, path, query, body in TRELLO_REQUESTS:
        items = output(trello(fake_server, params))
        assert items == [{"json": {"id": "ok"}, "pairedItem": {"item": 0}}], params
        req = fake_server.last()
        assert (req.method, req.path) == (method, path), params
        assert req.query == {**query, "key": ["tk"], "token": ["tt"]}, params
        assert req.json == body, params


CLOCKIFY_REQUESTS = [
    # (parameters, method, path, raw query, JSON body or None)
    ({"resource": "client", "operation": "get", "clientId": "c1"}, "GET", f"{WS}/clients/c1", "", None),
    ({"resource": "client", "operation": "delete", "clientId": "c1"}, "DELETE", f"{WS}/clients/c1", "", {}),
    ({"name": "P", "additionalFields": {"color": "#0000FF", "isPublic": False,
                                        "estimateUi": {"estimateValues": {"estimate": 5, "type": "AUTO"}}}},
     "POST", f"{WS}/projects", "", {"name": "P", "color": "#0000FF", "isPublic": False,
                                    "estimate": {"estimate": 5, "type": "AUTO"}}),
    ({"operation": "update", "projectId": "p1", "updateFields": {"name": "Q", "estimateUi": {}}},
     "PUT", f"{WS}/projects/p1", "", {"name": "Q"}),
    ({"operation": "get", "projectId": "p1"}, "GET", f"{WS}/projects/p1", "", None),
    ({"operation": "delete", "projectId": "p1"}, "DELETE", f"{WS}/projects/p1", "", {}),
    ({"resource": "tag", "operation": "update", "tagId": "t1", "updateFields": {"archived": True}},
     "PUT", f"{WS}/tags/t1", "", {"archived": True}),
    ({"resource": "task", "projectId": "P1", "name": "T", "additionalFields": {"estimate": "1:15",
                                                                            "assigneeIds": ["u1"]}},
     "POST", f"{WS}/projects/P1/tasks", "", {"name": "T", "estimate": "PT1H15M", "assigneeIds": ["u1"]}),
    ({"resource": "task", "operation": "get", "projectId": "P1", "taskId": "t1"},
     "GET", f"{WS}/projects/P1/tasks/t1", "", None),
    ({"resource": "timeEntry", "operation": "get", "timeEntryId": "e1"}, "GET", f"{WS}/time-entries/e1", "", None),
    ({"resource": "timeEntry", "start": "2020-10-05T10:00:00", "additionalFields": {
        "customFieldsUi": {"customFieldsValues": [{"customFieldId": "f1", "value": "v"}]}}},
     "POST", f"{WS}/time-entries", "", {"start": "2020-10-05T10:00:00Z",
                                        "customFieldsUi": {"customFieldsValues": [{"customFieldId": "f1",
                                                                                   "value": "v"}]},
                                        "customFields": [{"customFieldId": "f1", "value": "v"}]}),
]


def test_clockify_requests_of_each_operation(fake_server):
    fake_server.route("*", "/*", (200, {}, {"id": "ok"}))
    for params, method, path, query, body in CLOCKIFY_REQUESTS:
        items = output(clockify(fake_server, {"workspaceId": "W1", **params}))
        assert items == [{"json": {"id": "ok"}, "pairedItem": {"item": 0}}], params
        req = fake_server.last()
        assert (req.method, req.path, req.raw_query) == (method, path, query), params
        assert req.json == body, params
        _clockify_headers(req)


def test_clockify_tag_delete_and_users(fake_server):
    fake_server.route("DELETE", f"{WS}/tags/t1", (200, {}, {"id": "t1"}))
    items = output(clockify(fake_server, {"resource": "tag", "operation": "delete", "tagId": "t1", "workspaceId": "W1"}))
    assert items == [{"json": {"success": True}, "pairedItem": {"item": 0}}]
    fake_server.route("GET", f"{WS}/users", _paged([{"id": "u1"}, {"id": "u2"}, {"id": "u3"}]))
    items = output(clockify(fake_server, {"resource": "user", "workspaceId": "W1", "limit": 2,
                                          "additionalFields": {"status": "ACTIVE"}}))
    assert [it["json"] for it in items] == [{"id": "u1"}, {"id": "u2"}]
    assert fake_server.last().raw_query == "status=ACTIVE&limit=2&page-size=50&page=1"
