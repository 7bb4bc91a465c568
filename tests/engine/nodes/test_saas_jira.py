"""Jira Software node against a local fake of the Jira REST API."""

from __future__ import annotations

import base64

from svc_harness import error, output, run_service

pytest_plugins = ("fakes",)

CLOUD = {"jiraSoftwareCloudApi": {"email": "ann@example.com", "apiToken": "tok", "domain": "https://x.atlassian.net"}}


def run(server, params, creds=CLOUD, **kw):
    return run_service("n8n-nodes-base.jira", 1, params, credentials=creds, base_urls={"jira": server.url}, **kw)


def basic(user, password):
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def test_create_issue_cloud(fake_server):
    fake_server.route("GET", "/rest/api/2/issuetype", (200, {}, [{"id": "10001", "subtask": False},
                                                                  {"id": "10003", "subtask": True}]))
    fake_server.route("POST", "/rest/api/2/issue", (201, {}, {"id": "10010", "key": "PRJ-7", "self": "u"}))
    params = {"project": {"__rl": True, "mode": "list", "value": "10000"},
              "issueType": {"__rl": True, "mode": "list", "value": "10001"}, "summary": "Broken",
              "additionalFields": {"labels": ["bug"], "description": "It fails",
                                   "assignee": {"__rl": True, "mode": "id", "value": "acc-1"},
                                   "customFieldsUi": {"customFieldsValues": [
                                       {"fieldId": {"__rl": True, "mode": "id", "value": "customfield_1 "},
                                        "fieldValue": "v"}]}}}
    items = output(run(fake_server, params))
    assert items == [{"json": {"id": "10010", "key": "PRJ-7", "self": "u"}, "pairedItem": {"item": 0}}]
    req = fake_server.last("POST", "/rest/api/2/issue")
    assert req.headers["authorization"] == basic("ann@example.com", "tok")
    assert req.json == {"fields": {"summary": "Broken", "project": {"id": "10000"}, "issuetype": {"id": "10001"},
                                   "labels": ["bug"], "assignee": {"id": "acc-1"}, "description": "It fails",
                                   "customfield_1": "v"}}


def test_subtask_needs_parent(fake_server):
    fake_server.route("GET", "/rest/api/2/issuetype", (200, {}, [{"id": "10003", "subtask": True}]))
    params = {"project": "1", "issueType": "10003", "summary": "s"}
    err = error(run(fake_server, params))
    assert err["message"] == "You must define a Parent Issue Key when Issue type is sub-task"


def test_get_all_issues_token_pagination(fake_server):
    def search(req):
        body = req.json
        assert body["jql"] == "project = PRJ" and body["fields"] == ["*navigable"]
        if body.get("nextPageToken") is None:
            return 200, {}, {"issues": [{"id": "1"}], "nextPageToken": "p2"}
        return 200, {}, {"issues": [{"id": "2"}]}

    fake_server.route("POST", "/rest/api/2/search/jql", search)
    items = output(run(fake_server, {"operation": "getAll", "returnAll": True, "options": {"jql": "project = PRJ"}}))
    assert [it["json"]["id"] for it in items] == ["1", "2"]
    assert fake_server.last().json["maxResults"] == 100


def test_get_issue_simplified(fake_server):
    answer = {"id": "1", "key": "PRJ-1", "self": "s", "fields": {"summary": "S", "customfield_2": 5, "status": {}},
              "names": {"summary": "Summary", "customfield_2": "Story Points", "status": "Status"}}
    fake_server.route("GET", "/rest/api/2/issue/PRJ-1", (200, {}, answer))
    items = output(run(fake_server, {"operation": "get", "issueKey": "PRJ-1", "simplifyOutput": True}))
    assert items[0]["json"] == {"id": "1", "key": "PRJ-1", "self": "s", "Status": {}, "Summary": "S",
                                "Story Points": 5}
    assert fake_server.last().arg("expand") == ",names"


def test_update_with_transition_and_server_auth(fake_server):
    fake_server.route("GET", "/rest/api/2/issuetype", (200, {}, []))
    fake_server.route("POST", "/rest/api/2/issue/PRJ-2/transitions", (204, {}, None))
    fake_server.route("PUT", "/rest/api/2/issue/PRJ-2", (204, {}, None))
    creds = {"jiraSoftwareServerApi": {"email": "bob", "password": "pw", "domain": "https://jira.local"}}
    params = {"jiraVersion": "server", "operation": "update", "issueKey": "PRJ-2",
              "updateFields": {"summary": "New", "assignee": "bob", "statusId": {"__rl": True, "value": "31"}}}
    items = output(run(fake_server, params, creds))
    assert items == [{"json": {"success": True}, "pairedItem": {"item": 0}}]
    assert fake_server.last("POST").json == {"transition": {"id": "31"}}
    put = fake_server.last("PUT")
    assert put.json == {"fields": {"summary": "New", "assignee": {"name": "bob"}}}
    assert put.headers["authorization"] == basic("bob", "pw")


def test_comments_add_adf_and_get_all(fake_server):
    fake_server.route("POST", "/rest/api/3/issue/PRJ-3/comment", (201, {}, {"id": "100"}))
    fake_server.route("GET", "/rest/api/3/issue/PRJ-3/comment", (200, {}, {"comments": [{"id": "1"}, {"id": "2"}]}))
    items = output(run(fake_server, {"resource": "issueComment", "issueKey": "PRJ-3", "comment": "Hi"}))
    assert items[0]["json"] == {"id": "100"}
    assert fake_server.last("POST").json == {"body": {"type": "doc", "version": 1, "content": [
        {"type": "paragraph", "content": [{"type": "text", "text": "Hi"}]}]}}
    items = output(run(fake_server, {"resource": "issueComment", "operation": "getAll", "issueKey": "PRJ-3",
                                     "limit": 2}))
    assert [it["json"]["id"] for it in items] == ["1", "2"]
    assert fake_server.last("GET").arg("maxResults") == "2"


def test_attachment_get_all_with_download(fake_server):
    content = f"{fake_server.url}/att/content/5"
    fake_server.route("GET", "/rest/api/2/issue/PRJ-4", (200, {}, {"fields": {"attachment": [
        {"id": "5", "filename": "a.txt", "mimeType": "text/plain", "content": content}]}}))
    fake_server.route("GET", "/att/content/5", (200, {"Content-Type": "text/plain"}, b"hello"))
    params = {"resource": "issueAttachment", "operation": "getAll", "issueKey": "PRJ-4", "returnAll": True,
              "download": True, "binaryProperty": "data"}
    items = output(run(fake_server, params))
    assert items[0]["json"]["filename"] == "a.txt"
    assert items[0]["binary"]["data"]["fileName"] == "a.txt"
    assert base64.b64decode(items[0]["binary"]["data"]["data"]) == b"hello"


def test_unsupported_and_continue_on_fail(fake_server):
    err = error(run(fake_server, {"resource": "user", "operation": "getAll"}))
    assert "not supported yet" in err["message"]
    fake_server.route("DELETE", "/rest/api/2/issue/X-1", (404, {}, {"errorMessages": ["Issue does not exist"]}))
    items = output(run(fake_server, {"operation": "delete", "issueKey": "X-1"}, continue_on_fail=True))
    assert items == [{"json": {"error": "The resource you are requesting could not be found"},
                      "pairedItem": {"item": 0}}]
    assert fake_server.last().arg("deleteSubtasks") == "false"
