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
    # a number from an expression is written as JavaScript does in the path
    params = {"operation": "delete", "meetingId": "={{ 123.0 }}", "additionalFields": {"scheduleForReminder": True}}
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


# -- ClickUp ---------------------------------------------------------------------------------------

CLICKUP = {"clickUpApi": {"accessToken": "pk_123"}}
CLICKUP_OAUTH = {"clickUpOAuth2Api": {"oauthTokenData": {"access_token": "cu-oauth"}}}


def clickup(server, params, credentials=None, **kw):
    return run_service("n8n-nodes-base.clickUp", 1, params, credentials=credentials or CLICKUP,
                       base_urls={"clickUp": server.url}, **kw)


def _clickup_request(req, method: str, path: str, auth: str = "pk_123") -> None:
    """What every ClickUp request must look like (the personal token is sent without Bearer)."""
    assert (req.method, req.path) == (method, path)
    assert req.headers["authorization"] == auth
    assert req.headers["content-type"] == "application/json"


def test_clickup_task_create(fake_server):
    task = {"id": "86b1", "name": "Fix login", "status": {"status": "to do"}, "url": "https://app.clickup.com/t/86b1"}
    fake_server.route("POST", "/list/900900727522/task", (200, {}, task))
    params = {"list": "900900727522", "name": "Fix login", "team": "9009074051", "space": "90090146907",
              "folderless": True,
              "additionalFields": {"content": "Steps to reproduce", "assignees": [], "priority": 2,
                                   "dueDate": "2025-05-01T12:00:00.000Z", "timeEstimate": 5, "tags": ["bug"],
                                   "customFieldsJson": '[{"id": "f1", "value": 3}]', "notifyAll": True}}
    items = output(clickup(fake_server, params))
    assert items == [{"json": task, "pairedItem": {"item": 0}}]
    req = fake_server.last()
    _clickup_request(req, "POST", "/list/900900727522/task")
    # assignees [] is truthy in n8n; timeEstimate is multiplied by 6000 as n8n does
    assert req.json == {"name": "Fix login", "custom_fields": [{"id": "f1", "value": 3}],
                        "content": "Steps to reproduce", "assignees": [], "tags": ["bug"], "priority": 2,
                        "due_date": 1746100800000, "time_estimate": 30000, "notify_all": True}


def test_clickup_task_create_oauth2_markdown_and_invalid_json(fake_server):
    fake_server.route("POST", "/list/l1/task", (200, {}, {"id": "t2"}))
    # a corpus workflow saves this literal (not an expression): anything but accessToken means OAuth2
    params = {"authentication": "{{ $credentials.oAuth2 }}", "list": "l1", "name": "Doc",
              "additionalFields": {"content": "# Title", "markdownContent": True, "dueDate": "not a date"}}
    assert output(clickup(fake_server, params, credentials=CLICKUP_OAUTH))[0]["json"] == {"id": "t2"}
    req = fake_server.last()
    _clickup_request(req, "POST", "/list/l1/task", auth="Bearer cu-oauth")
    # new Date('not a date').getTime() is NaN, which JSON.stringify writes as null
    assert req.json == {"name": "Doc", "due_date": None, "markdown_content": "# Title"}
    params = {"list": "l1", "name": "X", "additionalFields": {"customFieldsJson": "{bad"}}
    assert error(clickup(fake_server, params))["message"] == "Custom Fields: Invalid JSON"
    assert len(fake_server.requests) == 1


def test_clickup_task_update_get_delete(fake_server):
    fake_server.route("PUT", "/task/t1", (200, {}, {"id": "t1", "name": "Renamed"}))
    params = {"operation": "update", "id": "t1",
              "updateFields": {"name": "Renamed", "status": "in progress", "dueDate": "2025-05-01",
                               "addAssignees": "12, 34", "priority": 1}}
    assert output(clickup(fake_server, params)) == [{"json": {"id": "t1", "name": "Renamed"},
                                                     "pairedItem": {"item": 0}}]
    req = fake_server.last()
    _clickup_request(req, "PUT", "/task/t1")
    assert req.json == {"assignees": {"add": [12, 34], "rem": []}, "priority": 1, "due_date": 1746057600000,
                        "name": "Renamed", "status": "in progress"}

    fake_server.route("GET", "/task/t1", (200, {}, {"id": "t1"}))
    params = {"operation": "get", "id": "t1", "includeSubtasks": True, "includeMarkdownDescription": True}
    assert output(clickup(fake_server, params))[0]["json"] == {"id": "t1"}
    req = fake_server.last()
    _clickup_request(req, "GET", "/task/t1")
    assert req.query == {"include_subtasks": ["true"], "include_markdown_description": ["true"]}
    assert req.body == b""

    fake_server.route("DELETE", "/task/901", (204, {}, None))
    assert output(clickup(fake_server, {"operation": "delete", "id": "={{ 901.0 }}"}))[0]["json"] == {"success": True}
    fake_server.route("DELETE", "/task/t1", (204, {}, None))
    assert output(clickup(fake_server, {"operation": "delete", "id": "t1"}))[0]["json"] == {"success": True}
    _clickup_request(fake_server.last(), "DELETE", "/task/t1")


def test_clickup_task_get_all_return_all_pages(fake_server):
    pages = {"0": [{"id": "a"}, {"id": "b"}], "1": [{"id": "c"}], "2": []}
    fake_server.route("GET", "/list/l1/task", lambda req: (200, {}, {"tasks": pages[req.arg("page")]}))
    params = {"operation": "getAll", "list": "l1",
              "filters": {"statuses": ["open", "review"], "archived": True, "dueDateGt": "2025-01-01T00:00:00Z",
                          "customFieldsUi": {"customFieldsValues": [{"fieldId": "f1", "operator": "equal",
                                                                     "value": "x"}]}}}
    items = output(clickup(fake_server, params))
    assert [it["json"]["id"] for it in items] == ["a", "b", "c"]
    assert [r.arg("page") for r in fake_server.requests] == ["0", "1", "2"]
    assert fake_server.requests[0].query == {
        "archived": ["true"], "statuses[0]": ["open"], "statuses[1]": ["review"],
        "due_date_gt": ["1735689600000"], "custom_fields": ['[{"field_id":"f1","operator":"=","value":"x"}]'],
        "page": ["0"]}


def test_clickup_task_get_all_limit(fake_server):
    pages = {"0": [{"id": "a"}, {"id": "b"}], "1": [{"id": "c"}, {"id": "d"}], "2": [{"id": "e"}]}
    fake_server.route("GET", "/list/l1/task", lambda req: (200, {}, {"tasks": pages[req.arg("page")]}))
    items = output(clickup(fake_server, {"operation": "getAll", "list": "l1", "returnAll": False, "limit": 3}))
    # pages until at least limit rows, then cut to limit
    assert [it["json"]["id"] for it in items] == ["a", "b", "c"]
    assert [r.query for r in fake_server.requests] == [{"limit": ["3"], "page": ["0"]},
                                                       {"limit": ["3"], "page": ["1"]}]


def test_clickup_task_member_custom_field_tags_and_lists(fake_server):
    fake_server.route("GET", "/task/t1/member", (200, {}, {"members": [{"id": 1}, {"id": 2}, {"id": 3}]}))
    items = output(clickup(fake_server, {"operation": "member", "id": "t1", "returnAll": False, "limit": 2}))
    assert [it["json"] for it in items] == [{"id": 1}, {"id": 2}]
    assert fake_server.last().query == {"limit": ["2"]}

    fake_server.route("POST", "/task/t1/field/f1", (200, {}, {}))
    params = {"operation": "setCustomField", "task": "t1", "field": "f1", "value": "42"}
    assert output(clickup(fake_server, params))[0]["json"] == {}
    assert fake_server.last().json == {"value": 42}
    params = {"operation": "setCustomField", "task": "t1", "field": "f1", "value": '{"a": 1}', "jsonParse": True}
    output(clickup(fake_server, params))
    assert fake_server.last().json == {"value": {"a": 1}}
    params = {"operation": "setCustomField", "task": "t1", "field": "f1", "value": "{", "jsonParse": True}
    assert error(clickup(fake_server, params))["message"] == "Value is invalid JSON!"

    fake_server.route("POST", "/task/t1/tag/urgent", (200, {}, {}))
    params = {"resource": "taskTag", "taskId": "t1", "tagName": "urgent",
              "additionalFields": {"custom_task_ids": True, "team_id": "9"}}
    assert output(clickup(fake_server, params))[0]["json"] == {"success": True}
    req = fake_server.last()
    _clickup_request(req, "POST", "/task/t1/tag/urgent")
    assert req.query == {"custom_task_ids": ["true"], "team_id": ["9"]}

    fake_server.route("DELETE", "/list/l2/task/t1", (200, {}, {}))
    params = {"resource": "taskList", "operation": "remove", "taskId": "t1", "listId": "l2"}
    assert output(clickup(fake_server, params))[0]["json"] == {"success": True}
    _clickup_request(fake_server.last(), "DELETE", "/list/l2/task/t1")

    fake_server.route("DELETE", "/task/t1/dependency", (200, {}, {}))
    params = {"resource": "taskDependency", "operation": "delete", "task": "t1", "dependsOnTask": "t0"}
    assert output(clickup(fake_server, params))[0]["json"] == {"success": True}
    assert fake_server.last().query == {"depends_on": ["t0"]}


def test_clickup_list_folder_comment_checklist(fake_server):
    fake_server.route("POST", "/folder/f9/list", (200, {}, {"id": "l5", "name": "Sprint"}))
    params = {"resource": "list", "operation": "create", "space": "s1", "folder": "f9", "name": "Sprint",
              "additionalFields": {"assignee": "17", "dueDate": "2025-05-01T00:00:00Z", "status": "red"}}
    assert output(clickup(fake_server, params))[0]["json"] == {"id": "l5", "name": "Sprint"}
    req = fake_server.last()
    _clickup_request(req, "POST", "/folder/f9/list")
    assert req.json == {"name": "Sprint", "due_date": 1746057600000, "assignee": 17, "status": "red"}

    fake_server.route("GET", "/space/s1/list", (200, {}, {"lists": [{"id": "1"}, {"id": "2"}]}))
    params = {"resource": "list", "operation": "getAll", "space": "s1", "folderless": True, "limit": 1,
              "filters": {"archived": True}}
    assert [it["json"] for it in output(clickup(fake_server, params))] == [{"id": "1"}]
    assert fake_server.last().query == {"archived": ["true"], "limit": ["1"]}

    fake_server.route("GET", "/list/l5/field", (200, {}, {"fields": [{"id": "cf1"}]}))
    assert output(clickup(fake_server, {"resource": "list", "list": "l5"}))[0]["json"] == {"id": "cf1"}

    fake_server.route("GET", "/space/s1/folder", (200, {}, {"folders": [{"id": "f1"}, {"id": "f2"}]}))
    params = {"resource": "folder", "operation": "getAll", "space": "s1"}
    assert [it["json"]["id"] for it in output(clickup(fake_server, params))] == ["f1", "f2"]
    assert fake_server.last().query == {"limit": ["50"]}

    fake_server.route("POST", "/task/t1/comment", (200, {}, {"id": "c1", "hist_id": "h", "date": 1}))
    params = {"resource": "comment", "commentOn": "task", "id": "t1", "commentText": "Looks good",
              "additionalFields": {"assignee": "5", "notifyAll": True}}
    assert output(clickup(fake_server, params))[0]["json"] == {"id": "c1", "hist_id": "h", "date": 1}
    assert fake_server.last().json == {"comment_text": "Looks good", "assignee": 5, "notify_all": True}

    fake_server.route("POST", "/task/t1/checklist", (200, {}, {"checklist": {"id": "ck1", "name": "QA"}}))
    params = {"resource": "checklist", "task": "t1", "name": "QA"}
    assert output(clickup(fake_server, params))[0]["json"] == {"id": "ck1", "name": "QA"}
    assert fake_server.last().json == {"name": "QA"}

    fake_server.route("POST", "/space/s1/tag", (200, {}, {}))
    params = {"resource": "spaceTag", "space": "s1", "name": "infra", "foregroundColor": "#fff"}
    assert output(clickup(fake_server, params))[0]["json"] == {"success": True}
    assert fake_server.last().json == {"tag": {"name": "infra", "tag_bg": "#000000", "tag_fg": "#fff"}}


def test_clickup_time_entries(fake_server):
    fake_server.route("POST", "/team/9/time_entries", (200, {}, {"data": {"id": "te1"}}))
    params = {"resource": "timeEntry", "team": "9", "task": "t1", "start": "2025-05-01T09:00:00", "duration": 30,
              "additionalFields": {"billable": True, "tags": ['{"name":"dev","tag_bg":"#000","tag_fg":"#fff"}']}}
    assert output(clickup(fake_server, params))[0]["json"] == {"id": "te1"}
    # moment.tz(start, workflow zone (UTC)).valueOf(); minutes * 60000
    assert fake_server.last().json == {"start": 1746090000000, "duration": 1800000, "tid": "t1", "billable": True,
                                       "tags": [{"name": "dev", "tag_bg": "#000", "tag_fg": "#fff"}]}

    fake_server.route("POST", "/team/9/time_entries/stop", (200, {}, {}))
    err = error(clickup(fake_server, {"resource": "timeEntry", "operation": "stop", "team": "9"}))
    assert err["message"] == "There seems to be nothing to stop."

    fake_server.route("GET", "/team/9/time_entries", (200, {}, {"data": [{"id": 1}, {"id": 2}]}))
    params = {"resource": "timeEntry", "operation": "getAll", "team": "9", "limit": 1,
              "filters": {"start_date": "2025-05-01T00:00:00Z"}}
    assert [it["json"] for it in output(clickup(fake_server, params))] == [{"id": 1}]
    assert fake_server.last().query == {"start_date": ["1746057600000"]}


def test_clickup_api_error_and_continue_on_fail(fake_server):
    fake_server.route("PUT", "/task/zz", (401, {}, {"err": "Token invalid", "ECODE": "OAUTH_025"}))
    params = {"operation": "update", "id": "zz", "updateFields": {"name": "n"}}
    err = error(clickup(fake_server, params))
    assert err["message"] == "Authorization failed - please check your credentials"
    assert err["description"] == "Token invalid"
    items = output(clickup(fake_server, params, continue_on_fail=True))
    message = "Authorization failed - please check your credentials"
    # n8n pushes {error, json: {}}; the engine shows json.error and pairs it as n8n's run data does
    assert items == [{"error": message, "json": {"error": message}, "pairedItem": {"item": 0}}]


def test_clickup_unsupported(fake_server):
    err = error(clickup(fake_server, {"resource": "guest", "operation": "create"}))
    assert err["message"] == "ClickUp: operation 'guest/create' is not supported yet"
    err = error(clickup(fake_server, {"resource": "task", "operation": "move"}))
    assert err["message"] == "ClickUp: operation 'task/move' is not supported yet"
    assert fake_server.requests == []
