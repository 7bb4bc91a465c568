"""Slack node against a local fake Web API."""

from __future__ import annotations

from svc_harness import error, output, run_service

pytest_plugins = ("fakes",)

CREDS = {"slackApi": {"accessToken": "xoxb-1"}}
POSTED = {"ok": True, "channel": "C1", "ts": "1700000000.000100",
          "message": {"type": "message", "text": "hi", "ts": "1700000000.000100", "bot_id": "B1"}}


def run(server, version, params, **kw):
    kw.setdefault("credentials", CREDS)
    return run_service("n8n-nodes-base.slack", version, params, base_urls={"slack": server.url}, **kw)


def test_v22_post_renames_ts_and_appends_workflow_link(fake_server):
    fake_server.route("POST", "/chat.postMessage", (200, {}, dict(POSTED)))
    params = {"select": "channel", "channelId": {"__rl": True, "mode": "id", "value": "C1"}, "text": "hi"}
    items = output(run(fake_server, 2.2, params))
    expected = {k: v for k, v in POSTED.items() if k != "ts"}
    expected["message_timestamp"] = "1700000000.000100"
    assert items[0]["json"] == expected
    req = fake_server.last()
    assert req.headers["authorization"] == "Bearer xoxb-1"
    assert req.json["channel"] == "C1"
    assert req.json["text"].startswith("hi\n_Automated with this <")
    assert "|n8n workflow>_" in req.json["text"]


def test_v2_post_without_link_and_username_target(fake_server):
    fake_server.route("POST", "/chat.postMessage", (200, {}, dict(POSTED)))
    params = {"select": "user", "user": {"__rl": True, "mode": "username", "value": "bob"}, "text": "yo",
              "otherOptions": {"includeLinkToWorkflow": False,
                               "thread_ts": {"replyValues": {"thread_ts": "1.2", "reply_broadcast": True}}}}
    run(fake_server, 2, params)
    # n8n copies the remaining otherOptions (includeLinkToWorkflow too) into the request body
    assert fake_server.last().json == {"channel": "@bob", "text": "yo", "thread_ts": "1.2",
                                       "reply_broadcast": True, "includeLinkToWorkflow": False}


def test_ok_false_becomes_slack_error_and_continue_on_fail(fake_server):
    fake_server.route("POST", "/chat.postMessage", (200, {}, {"ok": False, "error": "channel_not_found"}))
    params = {"select": "channel", "channelId": {"__rl": True, "mode": "id", "value": "CX"}, "text": "x"}
    err = error(run(fake_server, 2.3, params))
    assert err["message"] == 'Slack error response: "channel_not_found"'
    items = output(run(fake_server, 2.3, params, continue_on_fail=True))
    assert items[0]["json"] == {"error": 'Slack error response: "channel_not_found"'}


def test_channel_history_paginates_with_cursor(fake_server):
    pages = {None: ([{"ts": "3"}, {"ts": "2"}], "c2"), "c2": ([{"ts": "1"}], "")}

    def history(req):
        msgs, cursor = pages[req.arg("cursor")]
        return 200, {}, {"ok": True, "messages": msgs, "response_metadata": {"next_cursor": cursor}}

    fake_server.route("GET", "/conversations.history", history)
    params = {"resource": "channel", "operation": "history",
              "channelId": {"__rl": True, "mode": "id", "value": "C1"}, "returnAll": True}
    items = output(run(fake_server, 2.2, params))
    assert [it["json"]["ts"] for it in items] == ["3", "2", "1"]
    first = fake_server.requests[0]
    assert first.arg("channel") == "C1" and first.arg("limit") == "100" and first.arg("page") == "1"


def test_user_info_with_oauth2_user_token(fake_server):
    user = {"id": "U1", "name": "bob", "real_name": "Bob"}
    fake_server.route("GET", "/users.info", (200, {}, {"ok": True, "user": user}))
    creds = {"slackOAuth2Api": {"oauthTokenData": {"access_token": "xoxb-bot",
                                                   "authed_user": {"access_token": "xoxp-user"}}}}
    params = {"authentication": "oAuth2", "resource": "user", "operation": "info",
              "user": {"__rl": True, "mode": "id", "value": "U1"}}
    items = output(run(fake_server, 2.2, params, credentials=creds))
    assert items[0]["json"] == user
    assert fake_server.last().headers["authorization"] == "Bearer xoxp-user"
    assert fake_server.last().arg("user") == "U1"


def test_v1_post_keeps_ts_and_sends_attachments(fake_server):
    fake_server.route("POST", "/chat.postMessage", (200, {}, dict(POSTED)))
    params = {"channel": "#general", "text": "hello",
              "attachments": [{"title": "T", "fields": {"item": [{"title": "a", "value": "1"}]}}]}
    items = output(run(fake_server, 1, params))
    assert items[0]["json"] == POSTED
    body = fake_server.last().json
    assert body["channel"] == "#general" and body["text"] == "hello"
    assert body["attachments"] == [{"title": "T", "fields": [{"title": "a", "value": "1"}]}]
