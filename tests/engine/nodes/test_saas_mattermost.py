"""Mattermost node against a local fake of the REST API v4."""

from __future__ import annotations

from svc_harness import error, output, run_service

pytest_plugins = ("fakes",)


def run(server, params, **kw):
    creds = {"mattermostApi": {"accessToken": "tok", "baseUrl": "https://chat.example.com"}}
    return run_service("n8n-nodes-base.mattermost", 1, params, credentials=creds,
                       base_urls={"mattermost": server.url}, **kw)


def test_post_message_with_attachment_fields(fake_server):
    post = {"id": "p1", "channel_id": "c1", "message": "hi"}
    fake_server.route("POST", "/api/v4/posts", (201, {}, post))
    params = {"channelId": "c1", "message": "hi",
              "attachments": [{"title": "T", "fields": {"item": [{"title": "a", "value": "1", "short": True}]}}],
              "otherOptions": {"root_id": "r0"}}
    items = output(run(fake_server, params))
    assert items == [{"json": post, "pairedItem": {"item": 0}}]
    req = fake_server.last()
    assert req.headers["authorization"] == "Bearer tok"
    assert req.json == {"channel_id": "c1", "message": "hi", "root_id": "r0",
                        "props": {"attachments": [{"title": "T", "fields": [{"title": "a", "value": "1", "short": True}]}]}}


def test_add_user_and_user_getall_pages(fake_server):
    fake_server.route("POST", "/api/v4/channels/c1/members", (201, {}, {"channel_id": "c1", "user_id": "u1"}))
    items = output(run(fake_server, {"resource": "channel", "operation": "addUser", "channelId": "c1", "userId": "u1"}))
    assert items[0]["json"] == {"channel_id": "c1", "user_id": "u1"}
    assert fake_server.last().json == {"user_id": "u1"}

    def users(req):
        return 200, {}, ([{"id": "u1"}, {"id": "u2"}] if req.arg("page") == "0" else [])

    fake_server.route("GET", "/api/v4/users", users)
    items = output(run(fake_server, {"resource": "user", "operation": "getAll", "returnAll": True}))
    assert [it["json"]["id"] for it in items] == ["u1", "u2"]
    assert fake_server.last().arg("per_page") == "100" and fake_server.last().arg("page") == "1"


def test_continue_on_fail_reports_the_error(fake_server):
    fake_server.route("DELETE", "/api/v4/posts/p9", (404, {}, {"message": "Unable to find the post."}))
    items = output(run(fake_server, {"operation": "delete", "postId": "p9"}, continue_on_fail=True,
                       items=[{"json": {"keep": 1}}]))
    assert items[0]["json"] == {"error": "The resource you are requesting could not be found"}
    err = error(run(fake_server, {"operation": "delete", "postId": "p9"}))
    assert "could not be found" in err["message"]
