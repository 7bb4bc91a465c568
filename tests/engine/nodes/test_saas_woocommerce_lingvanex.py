"""WooCommerce and LingvaNex nodes against local fakes."""

from __future__ import annotations

from svc_harness import error, output, run_service

pytest_plugins = ("fakes",)

LX = {"lingvaNexApi": {"apiKey": "lx-key"}}


def lx(server, params, **kw):
    return run_service("n8n-nodes-base.lingvaNex", 1, params, credentials=LX,
                       base_urls={"lingvaNex": server.url}, **kw)


def _translate(req):
    assert req.headers["authorization"] == "Bearer lx-key"
    assert req.headers["content-type"].startswith("application/json")
    body = req.json
    if body["to"] == "xx_XX":
        return 200, {}, {"err": "Unsupported language xx_XX", "result": None}
    return 200, {}, {"err": None, "result": f"{body['data']}@{body['to']}", "cacheUse": 0}


def test_lingvanex_translate_each_item(fake_server):
    fake_server.route("POST", "/translate", _translate)
    params = {"text": "={{ $json.t }}", "translateTo": "de_DE", "options": {}}
    items = output(lx(fake_server, params, items=[{"json": {"t": "hello"}}, {"json": {"t": "bye"}}]))
    assert items == [
        {"json": {"err": None, "result": "hello@de_DE", "cacheUse": 0}, "pairedItem": {"item": 0}},
        {"json": {"err": None, "result": "bye@de_DE", "cacheUse": 0}, "pairedItem": {"item": 1}},
    ]
    assert fake_server.last().json == {"data": "bye", "to": "de_DE", "platform": "api"}


def test_lingvanex_options_are_merged_over_the_body(fake_server):
    fake_server.route("POST", "/translate", _translate)
    params = {"text": "<b>hi</b>", "translateTo": "it_IT",
              "options": {"from": "en_GB", "platform": "web", "translateMode": "html"}}
    items = output(lx(fake_server, params))
    assert items == [{"json": {"err": None, "result": "<b>hi</b>@it_IT", "cacheUse": 0}, "pairedItem": {"item": 0}}]
    assert fake_server.last().json == {"data": "<b>hi</b>", "to": "it_IT", "platform": "web", "from": "en_GB",
                                       "translateMode": "html"}


def test_lingvanex_err_in_answer_fails_the_node(fake_server):
    fake_server.route("POST", "/translate", _translate)
    err = error(lx(fake_server, {"text": "hi", "translateTo": "xx_XX"}))
    assert err["message"] == "Unsupported language xx_XX"
    # continue-on-fail: the node has no handling of its own; the engine passes the input on with the error
    run = lx(fake_server, {"text": "hi", "translateTo": "xx_XX"}, continue_on_fail=True, items=[{"json": {"a": 1}}])
    task = run.run_data["N"][-1]
    assert task["error"]["message"] == "Unsupported language xx_XX"
    assert task["data"]["main"][0] == [{"json": {"a": 1}, "pairedItem": {"item": 0}}]


def test_lingvanex_http_error_and_unsupported(fake_server):
    fake_server.route("POST", "/translate", (401, {}, {"err": "Invalid token", "result": None}))
    err = error(lx(fake_server, {"text": "hi", "translateTo": "de_DE"}))
    assert err["message"] == "Authorization failed - please check your credentials"
    assert err["description"] == "Invalid token"
    err = error(lx(fake_server, {"operation": "detect", "text": "hi"}))
    assert "not supported yet" in err["message"]
