"""Twilio and WordPress nodes against local fakes of their REST APIs."""

from __future__ import annotations

from svc_harness import output, run_service

pytest_plugins = ("fakes",)

TWILIO = {"twilioApi": {"accountSid": "AC1", "authToken": "secret"}}
WP = {"wordpressApi": {"url": "https://blog.example.com", "username": "admin", "password": "app pw"}}


def test_twilio_whatsapp_sms_form_and_basic_auth(fake_server):
    answer = {"sid": "SM1", "status": "queued", "to": "whatsapp:+2", "from": "whatsapp:+1"}
    fake_server.route("POST", "/2010-04-01/Accounts/AC1/Messages.json", (201, {}, answer))
    params = {"from": "+1", "to": "+2", "message": "hello & bye", "toWhatsapp": True}
    items = output(run_service("n8n-nodes-base.twilio", 1, params, credentials=TWILIO,
                               base_urls={"twilio": fake_server.url}))
    assert [it["json"] for it in items] == [answer]
    req = fake_server.last()
    assert req.headers["authorization"] == "Basic QUMxOnNlY3JldA=="
    assert req.form == {"From": ["whatsapp:+1"], "To": ["whatsapp:+2"], "Body": ["hello & bye"],
                        "StatusCallback": [""]}


def test_twilio_call_escapes_say_text(fake_server):
    fake_server.route("POST", "/2010-04-01/Accounts/AC1/Calls.json", (201, {}, {"sid": "CA1"}))
    params = {"resource": "call", "operation": "make", "from": "+1", "to": "+2", "message": "a<b", "twiml": False}
    output(run_service("n8n-nodes-base.twilio", 1, params, credentials=TWILIO, base_urls={"twilio": fake_server.url}))
    assert fake_server.last().form["Twiml"] == ["<Response><Say>a&lt;b</Say></Response>"]


def test_wordpress_create_post(fake_server):
    fake_server.route("POST", "/wp-json/wp/v2/posts", (201, {}, {"id": 5, "status": "draft"}))
    params = {"title": "Hello", "additionalFields": {"content": "<p>x</p>", "status": "draft", "categories": [3]}}
    items = output(run_service("n8n-nodes-base.wordpress", 1, params, credentials=WP,
                               base_urls={"wordpress": fake_server.url}))
    assert items == [{"json": {"id": 5, "status": "draft"}, "pairedItem": {"item": 0}}]
    req = fake_server.last()
    assert req.headers["authorization"] == "Basic YWRtaW46YXBwIHB3"
    assert req.json == {"title": "Hello", "content": "<p>x</p>", "status": "draft", "categories": [3]}


def test_wordpress_get_all_pages_until_total_pages(fake_server):
    def posts(req):
        page = int(req.arg("page"))
        return 200, {"X-WP-TotalPages": "2"}, [{"id": page * 10 + 1}, {"id": page * 10 + 2}]

    fake_server.route("GET", "/wp-json/wp/v2/posts", posts)
    params = {"operation": "getAll", "returnAll": True, "options": {"search": "n8n", "categories": [1, 2]}}
    items = output(run_service("n8n-nodes-base.wordpress", 1, params, credentials=WP,
                               base_urls={"wordpress": fake_server.url}))
    assert [it["json"]["id"] for it in items] == [11, 12, 21, 22]
    req = fake_server.requests[0]
    assert req.arg("per_page") == "10" and req.arg("search") == "n8n"
    assert req.query["categories[0]"] == ["1"] and req.query["categories[1]"] == ["2"]


def test_wordpress_update_page_sends_numeric_id(fake_server):
    fake_server.route("POST", "/wp-json/wp/v2/pages/12", (200, {}, {"id": 12}))
    params = {"resource": "page", "operation": "update", "pageId": "12", "updateFields": {"title": "New"}}
    output(run_service("n8n-nodes-base.wordpress", 1, params, credentials=WP, base_urls={"wordpress": fake_server.url}))
    assert fake_server.last().json == {"id": 12, "title": "New"}
