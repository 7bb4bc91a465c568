"""Legacy OpenAI node (openAi v1/v1.1) against a local fake API."""

from __future__ import annotations

import base64

from svc_harness import error, output, run_service

pytest_plugins = ("fakes",)

CREDS = {"openAiApi": {"apiKey": "sk-1", "organizationId": "org-9", "url": "https://api.openai.com/v1"}}
CHAT = {"id": "c1", "object": "chat.completion", "model": "gpt-4o-mini",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": "Hi!"}, "finish_reason": "stop"},
                    {"index": 1, "message": {"role": "assistant", "content": "Yo"}, "finish_reason": "stop"}],
        "usage": {"total_tokens": 9}}


def run(server, version, params, **kw):
    return run_service("n8n-nodes-base.openAi", version, params, credentials=CREDS,
                       base_urls={"openai": server.url}, **kw)


def test_chat_complete_simplified_splits_choices(fake_server):
    fake_server.route("POST", "/chat/completions", (200, {}, CHAT))
    params = {"resource": "chat", "chatModel": "gpt-4o-mini",
              "prompt": {"messages": [{"role": "user", "content": "hello"}]},
              "options": {"maxTokens": 50, "temperature": 0.2}}
    items = output(run(fake_server, 1.1, params))
    assert [it["json"] for it in items] == CHAT["choices"]
    req = fake_server.last()
    assert req.headers["authorization"] == "Bearer sk-1" and req.headers["openai-organization"] == "org-9"
    assert req.json == {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hello"}],
                        "max_tokens": 50, "temperature": 0.2}


def test_v1_chat_uses_model_and_raw_output(fake_server):
    fake_server.route("POST", "/chat/completions", (200, {}, CHAT))
    items = output(run(fake_server, 1, {"resource": "chat", "model": "gpt-4", "simplifyOutput": False,
                                        "prompt": {"messages": []}}))
    assert [it["json"] for it in items] == [CHAT]
    assert fake_server.last().json["model"] == "gpt-4"


def test_image_create_as_binary(fake_server):
    png = b"\x89PNG\r\n\x1a\n0000"
    fake_server.route("POST", "/images/generations",
                      (200, {}, {"created": 1, "data": [{"b64_json": base64.b64encode(png).decode()}]}))
    items = output(run(fake_server, 1, {"resource": "image", "prompt": "a cat", "options": {"size": "256x256"}}))
    entry = items[0]["binary"]["data"]
    assert items[0]["json"] == {} and base64.b64decode(entry["data"]) == png
    assert entry["mimeType"] == "image/png" and entry["fileName"] == "data"
    assert fake_server.last().json == {"prompt": "a cat", "model": "dall-e-2", "response_format": "b64_json",
                                       "size": "256x256"}


def test_text_moderate_and_api_error(fake_server):
    fake_server.route("POST", "/moderations", (200, {}, {"id": "m", "results": [{"flagged": False}]}))
    items = output(run(fake_server, 1, {"operation": "moderate", "input": "hi"}))
    assert [it["json"] for it in items] == [{"flagged": False}]
    fake_server.route("POST", "/completions", (401, {}, {"error": {"message": "Incorrect API key provided"}}))
    err = error(run(fake_server, 1, {"prompt": "x"}))
    assert err["message"].startswith("Authorization failed")
