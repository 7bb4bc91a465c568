"""Discord node v1 (webhook) and v2 (bot token, webhook) against a local fake API."""

from __future__ import annotations

import pytest
from svc_harness import output, run_service

pytest_plugins = ("fakes",)

BOT = {"discordBotApi": {"botToken": "B0T"}}
MSG = {"id": "11", "channel_id": "C1", "author": {"id": "u"}, "content": "hi", "timestamp": "t", "type": 0,
       "tts": False}


def test_v1_webhook_sends_json_and_returns_success(fake_server):
    fake_server.route("POST", "/api/webhooks/1/abc", (204, {}, b""))
    params = {"webhookUri": f"{fake_server.url}/api/webhooks/1/abc", "text": "hello",
              "options": {"username": "bot", "embeds": '[{"title": "T"}]'}}
    items = output(run_service("n8n-nodes-base.discord", 1, params, items=[{"json": {}}, {"json": {}}]))
    assert [it["json"] for it in items] == [{"success": True}] * 2
    assert fake_server.last().json == {"content": "hello", "embeds": [{"title": "T"}], "username": "bot"}


@pytest.mark.parametrize("node_type", ["n8n-nodes-base.discord", "n8n-nodes-base.discordTool"])
def test_v2_bot_send_message_with_embed_and_flags(fake_server, node_type):
    fake_server.route("POST", "/channels/C1/messages", (200, {}, MSG))
    params = {"resource": "message", "operation": "send", "guildId": {"__rl": True, "value": "G", "mode": "list"},
              "channelId": {"__rl": True, "value": "C1", "mode": "id"}, "content": "hi",
              "options": {"flags": ["SUPPRESS_EMBEDS"], "message_reference": "9"},
              "embeds": {"values": [{"inputMethod": "fields", "title": "T", "color": "#ff0000", "author": "me",
                                     "url": ""}]}}
    items = output(run_service(node_type, 2, params, credentials=BOT, base_urls={"discord": fake_server.url}))
    assert items[0]["json"] == MSG
    req = fake_server.last()
    assert req.headers["authorization"] == "Bot B0T"
    assert req.json == {"content": "hi", "flags": 4, "message_reference": {"message_id": "9", "guild_id": "G"},
                        "embeds": [{"title": "T", "color": 0xFF0000, "author": {"name": "me"}}]}


def test_v2_get_all_messages_simplified_and_react(fake_server):
    fake_server.route("GET", "/channels/C1/messages", (200, {}, [MSG, {**MSG, "id": "12"}]))
    fake_server.route("PUT", "/channels/C1/messages/11/reactions/%F0%9F%91%8D/@me", (204, {}, b""))
    base = {"resource": "message", "guildId": "G", "channelId": "C1"}
    items = output(run_service("n8n-nodes-base.discord", 2, {**base, "operation": "getAll", "limit": 2,
                                                              "options": {"simplify": True}},
                               credentials=BOT, base_urls={"discord": fake_server.url}))
    assert [it["json"] for it in items] == [{k: v for k, v in m.items() if k != "tts"}
                                            for m in (MSG, {**MSG, "id": "12"})]
    assert fake_server.last().arg("limit") == "2"
    items = output(run_service("n8n-nodes-base.discord", 2, {**base, "operation": "react", "messageId": "11",
                                                              "emoji": "👍"},
                               credentials=BOT, base_urls={"discord": fake_server.url}))
    assert items[0]["json"] == {"success": True}


def test_v2_webhook_send_with_wait(fake_server):
    fake_server.route("POST", "/hook", (200, {}, MSG))
    creds = {"discordWebhookApi": {"webhookUri": f"{fake_server.url}/hook"}}
    items = output(run_service("n8n-nodes-base.discord", 2, {"authentication": "webhook", "content": "yo",
                                                              "options": {"wait": True}}, credentials=creds))
    assert items[0]["json"] == MSG
    assert fake_server.last().arg("wait") == "true" and fake_server.last().json == {"content": "yo"}
