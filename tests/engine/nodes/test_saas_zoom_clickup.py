"""Zoom and ClickUp nodes against local fakes."""

from __future__ import annotations

from typing import Any

import pytest
from svc_harness import error, output, run_service

from automatelanka.engine.executor import execute
from automatelanka.engine.nodes import zoom as zoom_module
from automatelanka.engine.state import Services

pytest_plugins = ("fakes",)

ZOOM = {"zoomApi": {"accessToken": "zm-jwt"}}
ZOOM_OAUTH = {"zoomOAuth2Api": {"oauthTokenData": {"access_token": "zm-oauth"}}}


@pytest.fixture(autouse=True)
def _no_page_wait(monkeypatch):
    monkeypatch.setattr(zoom_module, "PAGE_WAIT", 0)


def zoom(server, params, credentials=None, **kw):
    return run_service("n8n-nodes-base.zoom", 1, params, credentials=credentials or ZOOM,
                       base_urls={"zoom": server.url}, **kw)


def zoom_in_zone(server, params: dict[str, Any], zone: str):
    """The Zoom node in a workflow whose time zone is ``zone``."""
    node = {"name": "N", "type": "n8n-nodes-base.zoom", "typeVersion": 1, "parameters": params,
            "position": [200, 0], "credentials": {"zoomApi": {"id": "1", "name": "z"}}}
    workflow = {"nodes": [{"name": "Start", "type": "n8n-nodes-base.manualTrigger", "typeVersion": 1,
                           "parameters": {}, "position": [0, 0]}, node],
                "connections": {"Start": {"main": [[{"node": "N", "type": "main", "index": 0}]]}},
                "settings": {"executionOrder": "v1", "timezone": zone}}
    services = Services(credentials=lambda kind, ref: dict(ZOOM[kind]), base_urls={"zoom": server.url})
    return execute(workflow, trigger_items=[{"json": {}}], services=services)


def _zoom_request(req, method: str, path: str) -> None:
    """What every Zoom request must look like."""
    assert (req.method, req.path) == (method, path)
    assert req.headers["content-type"] == "application/json"


# -- Zoom ------------------------------------------------------------------------------------------

def test_zoom_create_meeting_with_settings(fake_server):
    meeting = {"id": 85746065, "topic": "New Meeting", "type": 3, "join_url": "https://zoom.us/j/85746065"}
    fake_server.route("POST", "/users/me/meetings", (201, {}, meeting))
    params = {"topic": "New Meeting", "authentication": "accessToken",
              "additionalFields": {"type": 3, "timeZone": "America/New_York", "duration": 45, "agenda": "Plan",
                                   "password": "pw", "startTime": "2025-03-01T15:30:00.000Z",
                                   "settings": {"muteUponEntry": True, "joinBeforeHost": True,
                                                "participantVideo": True, "hostVideo": False,
                                                "autoRecording": "cloud"}}}
    items = output(zoom(fake_server, params))
    assert items == [{"json": meeting, "pairedItem": {"item": 0}}]
    req = fake_server.last()
    _zoom_request(req, "POST", "/users/me/meetings")
    assert req.headers["authorization"] == "Bearer zm-jwt"
    # with a time zone set: moment(startTime).format('YYYY-MM-DDTHH:mm:ss') in the server's local time (UTC)
    assert req.json == {"settings": {"join_before_host": True, "mute_upon_entry": True, "participant_video": True,
                                     "auto_recording": "cloud"},
                        "topic": "New Meeting", "type": 3, "start_time": "2025-03-01T15:30:00", "duration": 45,
                        "timezone": "America/New_York", "password": "pw", "agenda": "Plan"}
    assert req.query == {}


def test_zoom_create_start_time_in_workflow_zone_and_empty_settings(fake_server):
    fake_server.route("POST", "/users/me/meetings", (201, {}, {"id": 1}))
    params = {"topic": "T", "additionalFields": {"startTime": "2025-03-01T15:30:00.000Z", "settings": {}}}
    output(zoom_in_zone(fake_server, params, "Asia/Colombo"))
    # no time zone: moment.tz(startTime, workflow zone).format(); {} settings are truthy in n8n
    assert fake_server.last().json == {"settings": {}, "topic": "T", "start_time": "2025-03-01T21:00:00+05:30"}
    params = {"topic": "T", "additionalFields": {"startTime": "2025-03-01T15:30:00"}}
    output(zoom_in_zone(fake_server, params, "Asia/Colombo"))
    assert fake_server.last().json == {"topic": "T", "start_time": "2025-03-01T15:30:00+05:30"}
    output(zoom_in_zone(fake_server, params, "UTC"))
    assert fake_server.last().json == {"topic": "T", "start_time": "2025-03-01T15:30:00Z"}


def test_zoom_create_with_oauth2_literal_authentication(fake_server):
    fake_server.route("POST", "/users/me/meetings", (201, {}, {"id": 2, "topic": "Something"}))
    # a corpus workflow saves this literal (not an expression): anything but accessToken means OAuth2
    params = {"topic": "Something", "authentication": "{{ $credentials. }}", "additionalFields": {}}
    items = output(zoom(fake_server, params, credentials=ZOOM_OAUTH))
    assert items == [{"json": {"id": 2, "topic": "Something"}, "pairedItem": {"item": 0}}]
    req = fake_server.last()
    assert req.headers["authorization"] == "Bearer zm-oauth"
    assert req.json == {"topic": "Something"}


def test_zoom_get_update_delete(fake_server):
    fake_server.route("GET", "/meetings/123", (200, {}, {"id": 123, "topic": "Standup"}))
    params = {"operation": "get", "meetingId": "123",
              "additionalFields": {"showPreviousOccurrences": True, "occurrenceId": "o1"}}
    assert output(zoom(fake_server, params)) == [{"json": {"id": 123, "topic": "Standup"}, "pairedItem": {"item": 0}}]
    req = fake_server.last()
    _zoom_request(req, "GET", "/meetings/123")
    assert req.query == {"show_previous_occurrences": ["true"], "occurrence_id": ["o1"]}
    assert req.body == b""

    fake_server.route("PATCH", "/meetings/123", (204, {}, None))
    params = {"operation": "update", "meetingId": "123",
              "updateFields": {"topic": "Retro", "startTime": "2025-03-02T10:00:00Z", "duration": 30,
                               "settings": {"watermark": True, "audio": "voip"}}}
    assert output(zoom(fake_server, params)) == [{"json": {"success": True}, "pairedItem": {"item": 0}}]
    req = fake_server.last()
    _zoom_request(req, "PATCH", "/meetings/123")
    assert req.json == {"settings": {"watermark": True, "audio": "voip"}, "topic": "Retro",
                        "start_time": "2025-03-02T10:00:00Z", "duration": 30}

    fake_server.route("DELETE", "/meetings/123", (204, {}, None))
    params = {"operation": "delete", "meetingId": "123", "additionalFields": {"scheduleForReminder": True}}
    assert output(zoom(fake_server, params)) == [{"json": {"success": True}, "pairedItem": {"item": 0}}]
    req = fake_server.last()
    _zoom_request(req, "DELETE", "/meetings/123")
    assert req.query == {"schedule_for_reminder": ["true"]}


def test_zoom_get_all_limit(fake_server):
    page = {"page_count": 3, "page_number": 1, "page_size": 2, "total_records": 5,
            "meetings": [{"id": 1}, {"id": 2}]}
    fake_server.route("GET", "/users/me/meetings", (200, {}, page))
    params = {"operation": "getAll", "limit": 2, "filters": {"type": "upcoming"}}
    items = output(zoom(fake_server, params))
    assert items == [{"json": {"id": 1}, "pairedItem": {"item": 0}}, {"json": {"id": 2}, "pairedItem": {"item": 0}}]
    assert len(fake_server.requests) == 1
    assert fake_server.last().query == {"type": ["upcoming"], "page_size": ["2"]}


def test_zoom_get_all_return_all_pages(fake_server):
    pages = {"0": [{"id": 1}, {"id": 2}], "1": [{"id": 3}], "2": [{"id": 4}]}

    def handler(req):
        number = req.arg("page_number")
        assert req.headers["authorization"] == "Bearer zm-jwt"
        return 200, {}, {"page_count": 2, "page_number": int(number), "page_size": 30, "meetings": pages[number]}

    fake_server.route("GET", "/users/me/meetings", handler)
    params = {"operation": "getAll", "returnAll": True, "filters": {"type": "scheduled"}}
    items = output(zoom(fake_server, params))
    # n8n starts at page_number 0 and stops when the answer's page_count equals its page_number
    assert [it["json"]["id"] for it in items] == [1, 2, 3, 4]
    assert [r.query for r in fake_server.requests] == [
        {"type": ["scheduled"], "page_number": [n]} for n in ("0", "1", "2")]


def test_zoom_api_error_and_continue_on_fail(fake_server):
    fake_server.route("GET", "/meetings/9", (404, {}, {"code": 3001, "message": "Meeting does not exist: 9."}))
    params = {"operation": "get", "meetingId": "9"}
    err = error(zoom(fake_server, params))
    assert err["message"] == "The resource you are requesting could not be found"
    assert err["description"] == "Meeting does not exist: 9."
    items = output(zoom(fake_server, params, continue_on_fail=True,
                        items=[{"json": {"a": 1}}, {"json": {"a": 2}}]))
    message = "The resource you are requesting could not be found"
    # n8n pushes {json: {}, error, itemIndex}; the engine shows json.error and pairs it as n8n's run data does
    assert items == [{"json": {"error": message}, "error": message, "itemIndex": i, "pairedItem": {"item": i}}
                     for i in (0, 1)]


def test_zoom_unsupported(fake_server):
    err = error(zoom(fake_server, {"resource": "webinar", "operation": "get"}))
    assert err["message"] == "Zoom: operation 'webinar/get' is not supported yet"
    err = error(zoom(fake_server, {"resource": "meeting", "operation": "register"}))
    assert err["message"] == "Zoom: operation 'meeting/register' is not supported yet"
    assert fake_server.requests == []
