"""GitHub node against a local fake REST API."""

from __future__ import annotations

import base64

from svc_harness import error, output, run_service

pytest_plugins = ("fakes",)

CREDS = {"githubApi": {"accessToken": "ghp_x", "server": "https://api.github.com"}}
FILE = {"type": "file", "name": "a.md", "path": "docs/a.md", "sha": "abc123", "size": 5,
        "content": base64.b64encode(b"hello").decode() + "\n", "encoding": "base64"}


def run(server, params, version=1, **kw):
    return run_service("n8n-nodes-base.github", version, params, credentials=CREDS,
                       base_urls={"github": server.url}, **kw)


def test_file_get_as_binary_and_as_json(fake_server):
    fake_server.route("GET", "/repos/octo/hello/contents/docs%2Fa.md", (200, {}, FILE))
    params = {"resource": "file", "operation": "get", "owner": "octo", "repository": "hello",
              "filePath": "docs/a.md/", "additionalParameters": {"reference": "dev"}}
    items = output(run(fake_server, params, items=[{"json": {"k": 1}}]))
    assert items[0]["json"] == {"k": 1}
    entry = items[0]["binary"]["data"]
    assert base64.b64decode(entry["data"]) == b"hello"
    assert entry["fileName"] == "a.md" and entry["directory"] == "docs"
    req = fake_server.last()
    assert req.headers["authorization"] == "token ghp_x" and req.headers["user-agent"] == "n8n"
    assert req.arg("ref") == "dev"
    items = output(run(fake_server, {**params, "asBinaryProperty": False}))
    assert items[0]["json"]["sha"] == "abc123"


def test_file_edit_fetches_sha_and_encodes_content(fake_server):
    fake_server.route("GET", "/repos/octo/hello/contents/docs/a.md", (200, {}, FILE))
    fake_server.route("PUT", "/repos/octo/hello/contents/docs%2Fa.md",
                      (200, {}, {"content": FILE, "commit": {"sha": "def"}}))
    params = {"resource": "file", "operation": "edit", "owner": {"__rl": True, "mode": "name", "value": "octo"},
              "repository": {"__rl": True, "mode": "name", "value": "hello"}, "filePath": "docs/a.md",
              "fileContent": "new text!", "commitMessage": "update",
              "additionalParameters": {"branch": {"branch": "dev"}}}
    items = output(run(fake_server, params, version=1.1))
    assert items[0]["json"]["commit"] == {"sha": "def"}
    assert fake_server.last("GET").arg("ref") == "dev"
    assert fake_server.last("PUT").json == {"branch": "dev", "sha": "abc123", "message": "update",
                                            "content": base64.b64encode(b"new text!").decode()}


def test_issue_create_and_comment(fake_server):
    fake_server.route("POST", "/repos/octo/hello/issues", (201, {}, {"number": 7, "title": "Bug"}))
    fake_server.route("POST", "/repos/octo/hello/issues/7/comments", (201, {}, {"id": 99, "body": "hi"}))
    params = {"owner": "octo", "repository": "hello", "title": "Bug", "body": "it broke",
              "labels": [{"label": "bug"}], "assignees": [{"assignee": "me"}]}
    items = output(run(fake_server, params))
    assert items[0]["json"] == {"number": 7, "title": "Bug"}
    assert fake_server.last().json == {"title": "Bug", "body": "it broke", "labels": ["bug"], "assignees": ["me"]}
    items = output(run(fake_server, {"operation": "createComment", "owner": "octo", "repository": "hello",
                                     "issueNumber": 7, "body": "hi"}))
    assert items[0]["json"]["id"] == 99


def test_release_get_all_paginates_with_link_header(fake_server):
    def releases(req):
        page = int(req.arg("page"))
        link = {"link": '<https://x/releases?page=2>; rel="next"'} if page == 1 else {}
        return 200, link, [{"id": page * 10}, {"id": page * 10 + 1}] if page == 1 else [{"id": 20}]
    fake_server.route("GET", "/repos/octo/hello/releases", releases)
    params = {"resource": "release", "operation": "getAll", "owner": "octo", "repository": "hello",
              "returnAll": True}
    items = output(run(fake_server, params))
    assert [it["json"]["id"] for it in items] == [10, 11, 20]
    assert fake_server.last().arg("per_page") == "100"


def test_lock_passes_input_through_and_errors(fake_server):
    fake_server.route("PUT", "/repos/octo/hello/issues/3/lock", (204, {}, b""))
    params = {"operation": "lock", "owner": "octo", "repository": "hello", "issueNumber": 3}
    items = output(run(fake_server, params, items=[{"json": {"x": 1}}]))
    assert items[0]["json"] == {"x": 1}
    assert fake_server.last().arg("lock_reason") == "resolved"
    fake_server.route("GET", "/repos/octo/hello/issues/5", (404, {}, {"message": "Not Found"}))
    err = error(run(fake_server, {"operation": "get", "owner": "octo", "repository": "hello", "issueNumber": 5}))
    assert err["message"].startswith("The resource you are requesting could not be found")
    assert "not supported yet" in error(run(fake_server, {"operation": "dispatchAndWait", "resource": "workflow"}))[
        "message"]
