"""Linear node against a local fake of Linear's GraphQL endpoint."""

from __future__ import annotations

from svc_harness import error, output, run_service

pytest_plugins = ("fakes",)

CREDS = {"linearApi": {"apiKey": "lin_api_key"}}
ISSUE = {"id": "i1", "identifier": "ENG-1", "title": "Bug", "priority": 2, "archivedAt": None,
         "assignee": None, "state": {"id": "s1", "name": "Todo"}, "createdAt": "2024-03-05T10:00:00.000Z",
         "creator": {"id": "u1", "displayName": "ann"}, "description": None, "dueDate": None, "cycle": None}


def run(server, params, version=1.1, **kw):
    return run_service("n8n-nodes-base.linear", version, params, credentials=CREDS,
                       base_urls={"linear": server.url + "/graphql"}, **kw)


def test_create_issue_sends_mutation_with_variables(fake_server):
    fake_server.route("POST", "/graphql", (200, {}, {"data": {"issueCreate": {"success": True, "issue": ISSUE}}}))
    out = output(run(fake_server, {"teamId": "t1", "title": "Bug", "additionalFields": {"priorityId": 2}}))
    assert out == [{"json": ISSUE, "pairedItem": {"item": 0}}]
    req = fake_server.last()
    assert req.headers["authorization"] == "lin_api_key"
    assert req.json["variables"] == {"teamId": "t1", "title": "Bug", "priorityId": 2}
    assert req.json["query"].startswith("mutation IssueCreate(") and "issueCreate(input:" in req.json["query"]


def test_get_all_pages_until_limit(fake_server):
    def page(req):
        after = req.json["variables"]["after"]
        nodes = [dict(ISSUE, id=f"{after or 'p0'}-{n}") for n in range(2)]
        return 200, {}, {"data": {"issues": {"nodes": nodes, "pageInfo": {"hasNextPage": True,
                                                                           "endCursor": f"c{len(fake_server.requests)}"}}}}

    fake_server.route("POST", "/graphql", page)
    out = output(run(fake_server, {"operation": "getAll", "limit": 3}))
    assert [o["json"]["id"] for o in out] == ["p0-0", "p0-1", "c1-0", "c1-1"]
    assert [r.json["variables"] for r in fake_server.requests] == [{"first": 3, "after": None},
                                                                    {"first": 3, "after": "c1"}]


def test_update_issue_and_graphql_error(fake_server):
    fake_server.route("POST", "/graphql", (200, {}, {"data": {"issueUpdate": {"success": True,
                                                                               "issue": dict(ISSUE, title="New")}}}))
    out = output(run(fake_server, {"operation": "update", "issueId": "i1", "updateFields": {"title": "New"}}))
    assert out[0]["json"]["title"] == "New"
    assert fake_server.last().json["variables"] == {"issueId": "i1", "title": "New"}
    fake_server.route("POST", "/graphql", (200, {}, {"errors": [{"message": "Entity not found",
                                                                "extensions": {"userPresentableMessage": "No issue"}}],
                                                     "data": None}))
    execution = run(fake_server, {"operation": "get", "issueId": "zz"})
    assert error(execution)["message"] == "Entity not found"


def test_add_comment(fake_server):
    fake_server.route("POST", "/graphql", (200, {}, {"data": {"commentCreate": {"success": True,
                                                                                 "comment": {"id": "c9"}}}}))
    out = output(run(fake_server, {"resource": "comment", "operation": "addComment", "issueId": "i1",
                                   "comment": "Looks good", "additionalFields": {"parentId": " "}}, version=1))
    assert out[0]["json"] == {"success": True, "comment": {"id": "c9"}}
    assert fake_server.last().json["variables"] == {"issueId": "i1", "body": "Looks good"}
