"""Google Slides (Slides API v1) and Google Calendar Trigger (polling Calendar v3) against local fakes."""

from __future__ import annotations

import base64
import re
from datetime import UTC, datetime, timedelta, timezone

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fakes import FakeServer
from svc_harness import error, output, run_service

from automatelanka.engine.errors import NodeError
from automatelanka.engine.executor import execute
from automatelanka.engine.nodes._poll import POLLERS
from automatelanka.engine.nodes.base import NodeContext
from automatelanka.engine.params import node_parameters
from automatelanka.engine.state import ExecutionState, Services
from automatelanka.engine.workflow import Workflow

pytest_plugins = ("fakes",)

# -- Google Slides ---------------------------------------------------------------------------------

SLIDES = "n8n-nodes-base.googleSlides"
SLIDES_CREDS = {"googleSlidesOAuth2Api": {"oauthTokenData": {"access_token": "slides-token"}}}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
NOT_FOUND = {"error": {"code": 404, "message": "Requested entity was not found.", "status": "NOT_FOUND"}}


def _slides(server: FakeServer, params: dict, *, version: float = 2, items=None, creds=SLIDES_CREDS,
            continue_on_fail: bool = False):
    return run_service(SLIDES, version, params, items=items, credentials=creds,
                       base_urls={"slides": server.url, "google": server.url}, continue_on_fail=continue_on_fail)


def _authed(req, token: str = "slides-token") -> None:
    assert req.headers["authorization"] == f"Bearer {token}"


def test_slides_create_presentation_v1_defaults_and_oauth(fake_server):
    def create(req):
        _authed(req)
        assert req.json == {"title": "Deck for Acme"} and not req.query
        return 200, {}, {"presentationId": "P1", "title": "Deck for Acme", "slides": [{"objectId": "p"}]}

    fake_server.route("POST", "/presentations", create)
    # v1 corpus shape: no resource/operation (presentation/create), a literal authentication value
    params = {"title": "=Deck for {{ $json.name }}", "authentication": "{{ $credentials.oAuth2 }}"}
    out = output(_slides(fake_server, params, version=1, items=[{"json": {"name": "Acme"}}]))
    assert out == [{"json": {"presentationId": "P1", "title": "Deck for Acme", "slides": [{"objectId": "p"}]},
                    "pairedItem": {"item": 0}}]


def test_slides_service_account_v1_default(fake_server):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()

    def token(req):
        form = req.form
        assert form["grant_type"] == ["urn:ietf:params:oauth:grant-type:jwt-bearer"]
        claims = jwt.decode(form["assertion"][0], key.public_key(), algorithms=["RS256"],
                            audience="https://oauth2.googleapis.com/token")
        assert claims["iss"] == "sa@x.iam.gserviceaccount.com" and claims["sub"] == "sa@x.iam.gserviceaccount.com"
        assert claims["scope"] == ("https://www.googleapis.com/auth/drive.file "
                                   "https://www.googleapis.com/auth/presentations")
        return 200, {}, {"access_token": "sa-token", "expires_in": 3600}

    def get(req):
        _authed(req, "sa-token")
        return 200, {}, {"presentationId": "P1", "title": "T"}

    fake_server.route("POST", "/token", token)
    fake_server.route("GET", "/presentations/P1", get)
    creds = {"googleApi": {"email": "sa@x.iam.gserviceaccount.com", "privateKey": pem.replace("\n", "\\n")}}
    run = run_service(SLIDES, 1, {"operation": "get", "presentationId": "P1"}, credentials=creds,
                      base_urls={"google": fake_server.url})
    assert output(run) == [{"json": {"presentationId": "P1", "title": "T"}, "pairedItem": {"item": 0}}]


def test_slides_get_slides_limit_and_return_all(fake_server):
    slides = [{"objectId": f"s{n}", "pageType": "SLIDE"} for n in range(3)]

    def get(req):
        _authed(req)
        assert req.query == {"fields": ["slides"]}
        return 200, {}, {"slides": slides}

    fake_server.route("GET", "/presentations/P1", get)
    out = output(_slides(fake_server, {"operation": "getSlides", "presentationId": "P1", "limit": 2}))
    assert out == [{"json": s, "pairedItem": {"item": 0}} for s in slides[:2]]
    out = output(_slides(fake_server, {"operation": "getSlides", "presentationId": "P1", "returnAll": True},
                         items=[{"json": {}}, {"json": {}}]))
    assert out == [{"json": s, "pairedItem": {"item": i}} for i in (0, 1) for s in slides]
    # the default limit is 100 (one answer, no paging)
    out = output(_slides(fake_server, {"operation": "getSlides", "presentationId": "P1"}))
    assert len(out) == 3 and len(fake_server.requests) == 4  # one request per input item


def test_slides_replace_text_batch_update(fake_server):
    def batch(req):
        _authed(req)
        assert req.path == "/presentations/P9:batchUpdate"
        # n8n builds writeControl from revisionId but sends only the requests
        assert req.json == {"requests": [
            {"replaceAllText": {"replaceText": "Acme", "pageObjectIds": ["p"],
                                "containsText": {"text": "[ NAME ]", "matchCase": False}}},
            {"replaceAllText": {"replaceText": "Bob", "pageObjectIds": [],
                                "containsText": {"text": "{FIRST}", "matchCase": True}}}]}
        return 200, {}, {"presentationId": "P9", "replies": [{"replaceAllText": {"occurrencesChanged": 2}},
                                                             {"replaceAllText": {}}],
                         "writeControl": {"requiredRevisionId": "rev2"}}

    fake_server.route("POST", "/presentations/P9:batchUpdate", batch)
    params = {"operation": "replaceText", "presentationId": "={{ $json.id }}", "options": {"revisionId": "rev1"},
              "textUi": {"textValues": [
                  {"text": "[ NAME ]", "replaceText": "={{ $json.company }}", "pageObjectIds": ["p"]},
                  {"text": "{FIRST}", "replaceText": "={{ $json.first }}", "matchCase": True}]}}
    out = output(_slides(fake_server, params, items=[{"json": {"id": "P9", "company": "Acme", "first": "Bob"}}]))
    assert out == [{"json": {"presentationId": "P9", "replies": [{"replaceAllText": {"occurrencesChanged": 2}},
                                                                  {"replaceAllText": {}}],
                             "writeControl": {"requiredRevisionId": "rev2"}}, "pairedItem": {"item": 0}}]


def test_slides_page_get_and_thumbnail(fake_server):
    page = {"objectId": "g1", "pageType": "SLIDE", "pageElements": []}
    thumb = {"width": 1600, "height": 900, "contentUrl": f"{fake_server.url}/content/g1"}

    def content(req):
        assert "authorization" not in req.headers  # the contentUrl is fetched without auth
        return 200, {"Content-Type": "image/png"}, PNG

    fake_server.route("GET", "/presentations/P1/pages/g1", (200, {}, page))
    fake_server.route("GET", "/presentations/P1/pages/g1/thumbnail", (200, {}, thumb))
    fake_server.route("GET", "/content/g1", content)
    base = {"resource": "page", "presentationId": "P1", "pageObjectId": "={{ $json.objectId }}"}
    items = [{"json": {"objectId": "g1"}}]
    assert output(_slides(fake_server, {**base, "operation": "get"}, items=items)) == [
        {"json": page, "pairedItem": {"item": 0}}]
    assert output(_slides(fake_server, {**base, "operation": "getThumbnail"}, items=items)) == [
        {"json": thumb, "pairedItem": {"item": 0}}]
    assert fake_server.last().path == "/presentations/P1/pages/g1/thumbnail"
    out = output(_slides(fake_server, {**base, "operation": "getThumbnail", "download": True,
                                       "binaryProperty": "img"}, items=items))
    assert out == [{"json": thumb, "binary": {"img": {
        "mimeType": "image/png", "fileType": "image", "fileExtension": "png",
        "data": base64.b64encode(PNG).decode(), "fileName": "g1.png", "fileSize": "24 B"}},
        "pairedItem": {"item": 0}}]


def test_slides_api_error_and_continue_on_fail(fake_server):
    fake_server.route("GET", "/presentations/missing", (404, {}, NOT_FOUND))
    fake_server.route("GET", "/presentations/P1", (200, {}, {"presentationId": "P1"}))
    params = {"operation": "get", "presentationId": "={{ $json.id }}"}
    items = [{"json": {"id": "missing"}}, {"json": {"id": "P1"}}]
    err = error(_slides(fake_server, params, items=items))
    assert err["message"] == "The resource you are requesting could not be found"
    assert err["description"] == "Requested entity was not found." and err["httpCode"] == "404"
    out = output(_slides(fake_server, params, items=items, continue_on_fail=True))
    assert out == [{"json": {"error": "The resource you are requesting could not be found"}, "pairedItem": {"item": 0}},
                   {"json": {"presentationId": "P1"}, "pairedItem": {"item": 1}}]


def test_slides_unknown_operation_is_unsupported(fake_server):
    err = error(_slides(fake_server, {"resource": "page", "operation": "delete", "presentationId": "P1"}))
    assert err["message"] == "Google Slides: operation 'page/delete' is not supported yet"
    assert fake_server.requests == []


# -- Google Calendar Trigger -----------------------------------------------------------------------

CAL_TRIGGER = "n8n-nodes-base.googleCalendarTrigger"
CAL_CREDS = {"googleCalendarOAuth2Api": {"oauthTokenData": {"access_token": "cal-token"}}}
EVENTS = "/calendar/v3/calendars/me%40x.com/events"
CAL = {"__rl": True, "mode": "list", "value": "me@x.com", "cachedResultName": "Me"}
SECOND = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _cal_services(server: FakeServer) -> Services:
    return Services(credentials=lambda kind, ref: dict(CAL_CREDS[kind]), base_urls={"google": server.url})


def _cal_workflow(params: dict) -> dict:
    params = {"pollTimes": {"item": [{"mode": "everyMinute"}]}, "calendarId": CAL, "options": {}, **params}
    return {"name": "t", "settings": {"executionOrder": "v1", "timezone": "UTC"}, "connections": {},
            "nodes": [{"name": "T", "type": CAL_TRIGGER, "typeVersion": 1, "position": [0, 0], "parameters": params,
                       "credentials": {"googleCalendarOAuth2Api": {"id": "1", "name": "Cal"}}}]}


def _cal_context(server: FakeServer, params: dict, mode: str = "trigger") -> tuple[NodeContext, ExecutionState]:
    wf = Workflow(_cal_workflow(params))
    state = ExecutionState(workflow=wf, mode=mode, services=_cal_services(server))
    node = wf.nodes["T"]
    return NodeContext(state, node, node_parameters(node), [[]], [], 0, [None]), state


def test_calendar_trigger_manual_fetches_one_event(fake_server):
    event = {"id": "e1", "status": "confirmed", "summary": "Standup", "created": "2025-01-01T10:00:00.000Z",
             "updated": "2025-01-01T10:00:00.000Z"}

    def events(req):
        assert req.headers["authorization"] == "Bearer cal-token"
        # manual mode drops the time window and asks for one event
        assert req.raw_query == "showDeleted=false&q=standup&orderBy=updated&maxResults=1"
        return 200, {}, {"kind": "calendar#events", "items": [event]}

    fake_server.route("GET", EVENTS, events)
    wf = _cal_workflow({"triggerOn": "eventCreated", "options": {"matchTerm": "standup"}})
    items = output(execute(wf, services=_cal_services(fake_server), mode="manual"), "T")
    assert items == [{"json": event, "pairedItem": {"item": 0}}]
    # outside manual mode the trigger passes its seed item through (the daemon polls instead)
    assert [it["json"] for it in output(execute(wf, services=_cal_services(fake_server)), "T")] == [{}]
    assert len(fake_server.requests) == 1


def test_calendar_trigger_manual_nothing_found_and_api_error(fake_server):
    fake_server.route("GET", EVENTS, (200, {}, {"kind": "calendar#events", "items": []}))
    wf = _cal_workflow({"triggerOn": "eventStarted"})
    err = error(execute(wf, services=_cal_services(fake_server), mode="manual"), "T")
    assert err["message"] == "No data with the current filter could be found"
    assert fake_server.last().raw_query == "showDeleted=false&singleEvents=true&orderBy=startTime&maxResults=1"
    fake_server.route("GET", EVENTS, (404, {}, NOT_FOUND))
    err = error(execute(wf, services=_cal_services(fake_server), mode="manual"), "T")
    assert err["message"] == "The resource you are requesting could not be found"
    assert err["description"] == "Requested entity was not found." and err["httpCode"] == "404"


def test_calendar_trigger_poll_created_pages_filters_and_moves_cursor(fake_server):
    now = datetime.now(UTC)
    cursor = (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    new = {"id": "new", "created": _iso(now - timedelta(minutes=5)), "updated": _iso(now - timedelta(minutes=5))}
    old = {"id": "old", "created": _iso(now - timedelta(days=2)), "updated": _iso(now - timedelta(minutes=9))}
    new2 = {"id": "new2", "created": _iso(now - timedelta(minutes=30)), "updated": _iso(now - timedelta(minutes=30))}

    def events(req):
        assert req.headers["authorization"] == "Bearer cal-token"
        assert req.arg("showDeleted") == "false" and req.arg("orderBy") == "updated"
        assert req.arg("updatedMin") == cursor and req.arg("maxResults") == "100"
        if req.arg("pageToken") == "p2":
            return 200, {}, {"items": [new2], "nextPageToken": ""}
        assert "pageToken" not in req.query
        return 200, {}, {"items": [old, new], "nextPageToken": "p2"}

    fake_server.route("GET", EVENTS, events)
    ctx, state = _cal_context(fake_server, {"triggerOn": "eventCreated"})
    state.static_data["node:T"] = {"lastTimeChecked": cursor}
    assert POLLERS[CAL_TRIGGER](ctx) == [{"json": new}, {"json": new2}]
    assert len(fake_server.requests) == 2
    moved = state.static_data["node:T"]["lastTimeChecked"]
    assert re.fullmatch(SECOND, moved) and moved > cursor


def test_calendar_trigger_first_poll_finds_nothing_and_sets_cursor(fake_server):
    event = {"id": "e1", "created": _iso(datetime.now(UTC)), "updated": _iso(datetime.now(UTC))}
    fake_server.route("GET", EVENTS, (200, {}, {"items": [event]}))
    ctx, state = _cal_context(fake_server, {"triggerOn": "eventCreated"})
    assert POLLERS[CAL_TRIGGER](ctx) is None  # the window (now, now) is empty
    cursor = state.static_data["node:T"]["lastTimeChecked"]
    assert re.fullmatch(SECOND, cursor) and fake_server.last().arg("updatedMin") == cursor


def test_calendar_trigger_poll_updated_and_cancelled(fake_server):
    same = {"id": "same", "status": "confirmed", "created": "2025-01-01T10:00:00.100Z",
            "updated": "2025-01-01T10:00:00.900Z"}  # equal to the second: a creation, not an update
    changed = {"id": "changed", "status": "confirmed", "created": "2025-01-01T10:00:00.000Z",
               "updated": "2025-01-02T10:00:00.000Z"}
    cancelled = {"id": "gone", "status": "cancelled", "created": "2025-01-01T10:00:00.000Z",
                 "updated": "2025-01-03T10:00:00.000Z"}
    fake_server.route("GET", EVENTS, (200, {}, {"items": [same, changed, cancelled]}))
    ctx, state = _cal_context(fake_server, {"triggerOn": "eventUpdated"})
    state.static_data["node:T"] = {"lastTimeChecked": "2025-01-01T00:00:00Z"}
    assert POLLERS[CAL_TRIGGER](ctx) == [{"json": changed}, {"json": cancelled}]
    assert fake_server.last().raw_query == ("showDeleted=false&updatedMin=2025-01-01T00%3A00%3A00Z&orderBy=updated"
                                            "&maxResults=100")
    ctx, state = _cal_context(fake_server, {"triggerOn": "eventCancelled"})
    state.static_data["node:T"] = {"lastTimeChecked": "2025-01-01T00:00:00Z"}
    assert POLLERS[CAL_TRIGGER](ctx) == [{"json": cancelled}]
    assert fake_server.last().arg("showDeleted") == "true"


@pytest.mark.parametrize(("trigger_on", "key"), [("eventStarted", "start"), ("eventEnded", "end")])
def test_calendar_trigger_poll_started_and_ended_window(fake_server, trigger_on, key):
    now = datetime.now(UTC)
    cursor = now - timedelta(minutes=10)
    inside = {"id": "in", key: {"dateTime": (now - timedelta(minutes=5)).astimezone(
        timezone(timedelta(hours=1))).isoformat(timespec="seconds")}}
    edge = {"id": "edge", key: {"dateTime": cursor.strftime("%Y-%m-%dT%H:%M:%SZ")}}  # inclusive bounds
    before = {"id": "before", key: {"dateTime": _iso(now - timedelta(hours=2))}}
    all_day = {"id": "allday", key: {"date": now.strftime("%Y-%m-%d")}}

    def events(req):
        assert req.arg("singleEvents") == "true" and req.arg("orderBy") == "startTime"
        assert req.arg("timeMin") == cursor.strftime("%Y-%m-%dT%H:%M:%SZ")
        assert re.fullmatch(SECOND, req.arg("timeMax")) and "updatedMin" not in req.query
        return 200, {}, {"items": [inside, edge, before, all_day]}

    fake_server.route("GET", "/calendar/v3/calendars/team%40x.com/events", events)
    calendar = {"__rl": True, "mode": "id", "value": "team@x.com  "}  # the id mode's regex drops the spaces
    ctx, state = _cal_context(fake_server, {"triggerOn": trigger_on, "calendarId": calendar})
    state.static_data["node:T"] = {"lastTimeChecked": cursor.strftime("%Y-%m-%dT%H:%M:%SZ")}
    assert POLLERS[CAL_TRIGGER](ctx) == [{"json": inside}, {"json": edge}]
    # n8n compares with the stored cursor itself (timeMin only is cut to the second)
    state.static_data["node:T"] = {"lastTimeChecked": cursor.strftime("%Y-%m-%dT%H:%M:%S.500Z")}
    assert POLLERS[CAL_TRIGGER](ctx) == [{"json": inside}]


def test_calendar_trigger_poll_api_error_keeps_cursor(fake_server):
    fake_server.route("GET", EVENTS, (401, {}, {"error": {"code": 401, "message": "Invalid Credentials",
                                                          "status": "UNAUTHENTICATED"}}))
    ctx, state = _cal_context(fake_server, {"triggerOn": "eventCreated"})
    state.static_data["node:T"] = {"lastTimeChecked": "2025-01-01T00:00:00Z"}
    with pytest.raises(NodeError) as info:
        POLLERS[CAL_TRIGGER](ctx)
    assert info.value.message == "Authorization failed - please check your credentials"
    assert info.value.description == "Invalid Credentials"
    assert state.static_data["node:T"] == {"lastTimeChecked": "2025-01-01T00:00:00Z"}


@pytest.mark.parametrize(("params", "message"), [
    ({"triggerOn": "eventCreated", "pollTimes": {"item": []}}, "Please set a poll time"),
    ({}, "Please select an event"),
    ({"triggerOn": "eventCreated", "calendarId": {"__rl": True, "mode": "list", "value": ""}},
     "Please select a calendar"),
])
def test_calendar_trigger_parameter_errors(fake_server, params, message):
    err = error(execute(_cal_workflow(params), services=_cal_services(fake_server), mode="manual"), "T")
    assert err["message"] == message
    assert fake_server.requests == []
