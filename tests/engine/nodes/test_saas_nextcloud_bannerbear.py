"""Nextcloud (WebDAV + OCS) and Bannerbear nodes against local fakes of their APIs."""

from __future__ import annotations

from typing import Any

from svc_harness import error, output

from automatelanka.engine.executor import execute
from automatelanka.engine.state import Services

pytest_plugins = ("fakes",)


def run_node(node_type: str, parameters: dict[str, Any], *, credentials: dict[str, dict[str, Any]],
             items: list[dict[str, Any]] | None = None, base_urls: dict[str, str] | None = None,
             continue_on_fail: bool = False, sleeps: list[float] | None = None) -> Any:
    """Start -> node ``N`` (like ``svc_harness.run_service``) with a recording fake sleep."""
    node: dict[str, Any] = {"name": "N", "type": node_type, "typeVersion": 1, "parameters": parameters,
                            "position": [200, 0], "credentials": {k: {"id": "1", "name": k} for k in credentials}}
    if continue_on_fail:
        node["onError"] = "continueRegularOutput"
    workflow = {"nodes": [{"name": "Start", "type": "n8n-nodes-base.manualTrigger", "typeVersion": 1,
                           "parameters": {}, "position": [0, 0]}, node],
                "connections": {"Start": {"main": [[{"node": "N", "type": "main", "index": 0}]]}},
                "settings": {"executionOrder": "v1"}}
    recorded = sleeps if sleeps is not None else []
    services = Services(credentials=lambda kind, ref: dict(credentials[kind]), base_urls=base_urls or {},
                        sleep=recorded.append)
    return execute(workflow, trigger_items=items or [{"json": {}}], services=services)


# -- Bannerbear -----------------------------------------------------------------------------------

BB = {"bannerbearApi": {"apiKey": "bb-key"}}


def bb(server, params, **kw):
    return run_node("n8n-nodes-base.bannerbear", params, credentials=BB, base_urls={"bannerbear": server.url}, **kw)


def _bb_auth(req) -> None:
    assert req.headers["authorization"] == "Bearer bb-key"
    assert req.headers["accept"] == "application/json"


def test_bannerbear_create_image_body(fake_server):
    image = {"uid": "img1", "status": "pending", "self": "https://api.bannerbear.com/v2/images/img1"}

    def create(req):
        _bb_auth(req)
        return 202, {}, image

    fake_server.route("POST", "/images", create)
    params = {"templateId": "tpl1",
              "modificationsUi": {"modificationsValues": [
                  {"name": "title", "text": "Hello", "imageUrl": ""},
                  {"name": "photo", "imageUrl": "https://x/p.png", "text": "", "color": "#fff"}]},
              "additionalFields": {"metadata": "row-7", "webhookUrl": "https://hook"}}
    sleeps: list[float] = []
    items = output(bb(fake_server, params, sleeps=sleeps))
    assert items == [{"json": image, "pairedItem": {"item": 0}}]
    assert sleeps == []
    assert fake_server.last().json == {
        "template": "tpl1", "webhook_url": "https://hook", "metadata": "row-7",
        "modifications": [{"name": "title", "text": "Hello"},
                          {"name": "photo", "color": "#fff", "image_url": "https://x/p.png"}]}


def test_bannerbear_wait_for_image_polls_until_completed(fake_server):
    states = iter(["pending", "completed"])
    fake_server.route("POST", "/images", (202, {}, {"uid": "img1", "status": "pending"}))

    def poll(req):
        _bb_auth(req)
        return 200, {}, {"uid": "img1", "status": next(states), "image_url": "https://cdn/img1.png"}

    fake_server.route("GET", "/images/img1", poll)
    sleeps: list[float] = []
    params = {"templateId": "tpl1", "modificationsUi": {"modificationsValues": [{"name": "t", "text": "x"}]},
              "additionalFields": {"waitForImage": True}}
    items = output(bb(fake_server, params, sleeps=sleeps))
    assert items == [{"json": {"uid": "img1", "status": "completed", "image_url": "https://cdn/img1.png"},
                      "pairedItem": {"item": 0}}]
    assert sleeps == [2.0, 2.0]
    assert [r.method for r in fake_server.requests] == ["POST", "GET", "GET"]


def test_bannerbear_wait_for_image_gives_up_after_max_tries(fake_server):
    fake_server.route("POST", "/images", (202, {}, {"uid": "img1", "status": "pending"}))
    fake_server.route("GET", "/images/img1", (200, {}, {"uid": "img1", "status": "pending"}))
    sleeps: list[float] = []
    params = {"templateId": "tpl1", "additionalFields": {"waitForImage": True, "waitForImageMaxTries": 4}}
    err = error(bb(fake_server, params, sleeps=sleeps))
    assert err["message"] == "Image did not finish processing after multiple tries."
    assert sleeps == [2.0] * 4
    assert fake_server.last().json is None  # created without modifications
    assert fake_server.requests[0].json == {"template": "tpl1"}


def test_bannerbear_already_completed_does_not_poll(fake_server):
    fake_server.route("POST", "/images", (200, {}, {"uid": "i", "status": "completed"}))
    sleeps: list[float] = []
    items = output(bb(fake_server, {"templateId": "t", "additionalFields": {"waitForImage": True}}, sleeps=sleeps))
    assert items[0]["json"] == {"uid": "i", "status": "completed"} and sleeps == []
    assert len(fake_server.requests) == 1


def test_bannerbear_image_get_and_templates(fake_server):
    fake_server.route("GET", "/images/abc", (200, {}, {"uid": "abc", "status": "completed"}))
    items = output(bb(fake_server, {"operation": "get", "imageId": "abc"}, items=[{"json": {}}, {"json": {}}]))
    assert items == [{"json": {"uid": "abc", "status": "completed"}, "pairedItem": {"item": 0}},
                     {"json": {"uid": "abc", "status": "completed"}, "pairedItem": {"item": 1}}]
    _bb_auth(fake_server.last())
    fake_server.route("GET", "/templates", (200, {}, [{"uid": "t1", "name": "A"}, {"uid": "t2", "name": "B"}]))
    items = output(bb(fake_server, {"resource": "template", "operation": "getAll"}))
    assert items == [{"json": {"uid": "t1", "name": "A"}, "pairedItem": {"item": 0}},
                     {"json": {"uid": "t2", "name": "B"}, "pairedItem": {"item": 0}}]
    fake_server.route("GET", "/templates/t1", (200, {}, {"uid": "t1", "name": "A"}))
    items = output(bb(fake_server, {"resource": "template", "templateId": "t1"}))
    assert items == [{"json": {"uid": "t1", "name": "A"}, "pairedItem": {"item": 0}}]


def test_bannerbear_api_error_and_continue_on_fail(fake_server):
    fake_server.route("POST", "/images", (401, {}, {"message": "Unauthorized: invalid API key"}))
    err = error(bb(fake_server, {"templateId": "t"}))
    assert err["message"] == "Authorization failed - please check your credentials"
    assert err["description"] == "Unauthorized: invalid API key"
    # no per-item handling in n8n's node: the input passes through under continue-on-fail
    task = bb(fake_server, {"templateId": "t"}, items=[{"json": {"row": 1}}], continue_on_fail=True).run_data["N"][-1]
    assert task["error"]["message"] == "Authorization failed - please check your credentials"
    assert task["data"]["main"][0] == [{"json": {"row": 1}, "pairedItem": {"item": 0}}]


def test_bannerbear_unsupported(fake_server):
    err = error(bb(fake_server, {"resource": "video", "operation": "create"}))
    assert err["message"] == "Bannerbear: operation 'video/create' is not supported yet"
