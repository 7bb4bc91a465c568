"""Google Calendar node against a local fake of the Calendar v3 API."""

from __future__ import annotations

import pytest
from fakes import FakeServer, Request
from gdb_harness import creds, flow, output, run

from automatelanka.engine.state import Services

CRED = {"googleCalendarOAuth2Api": {"id": "1", "name": "Cal"}}
CAL = {"__rl": True, "mode": "list", "value": "team@example.com"}


@pytest.fixture
def fake_server():
    with FakeServer() as server:
        yield server


def services(server):
    return Services(credentials=creds({"googleCalendarOAuth2Api": {"oauthTokenData": {"access_token": "t"}}}),
                    base_urls={"google": server.url})


def cal_flow(params, version=1.3, tz="Europe/Berlin"):
    wf = flow("googleCalendar", version, {"calendar": CAL, **params}, [{}], credentials=CRED)
    wf["settings"]["timezone"] = tz
    return wf


def test_create_event_converts_times_to_utc(fake_server):
    fake_server.route("POST", "/calendar/v3/calendars/team%40example.com/events",
                      lambda r: (200, {}, {"id": "ev1", "status": "confirmed", **r.json}))
    params = {"operation": "create", "start": "2024-07-01T10:00:00", "end": "2024-07-01T11:00:00",
              "additionalFields": {"summary": "Sync", "attendees": ["a@x.com, b@x.com"]}}
    out = output(run(cal_flow(params), services(fake_server)))
    assert out[0]["json"]["id"] == "ev1"
    body = fake_server.requests[-1].json
    assert body["start"] == {"dateTime": "2024-07-01T08:00:00Z", "timeZone": "Europe/Berlin"}
    assert body["attendees"] == [{"email": "a@x.com"}, {"email": "b@x.com"}] and body["summary"] == "Sync"
    assert body["recurrence"] == []


def test_get_all_with_time_window_and_delete(fake_server):
    def listing(req: Request):
        return 200, {}, {"items": [{"id": "e1"}, {"id": "e2"}]}

    fake_server.route("GET", "/calendar/v3/calendars/team%40example.com/events", listing)
    fake_server.route("DELETE", "/calendar/v3/calendars/team%40example.com/events/e1", (204, {}, None))
    out = output(run(cal_flow({"operation": "getAll", "limit": 2, "timeMin": "2024-07-01T00:00:00",
                               "timeMax": "2024-07-02T00:00:00+00:00"}), services(fake_server)))
    assert [i["json"]["id"] for i in out] == ["e1", "e2"]
    req = fake_server.last("GET")
    assert req.arg("timeMin") == "2024-06-30T22:00:00Z" and req.arg("timeMax") == "2024-07-02T00:00:00+00:00"
    assert req.arg("singleEvents") == "true" and req.arg("maxResults") == "2"
    out = output(run(cal_flow({"operation": "delete", "eventId": "e1"}), services(fake_server)))
    assert out[0]["json"] == {"success": True}
