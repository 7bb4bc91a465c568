"""Strava, Onfleet and BambooHR nodes against local fakes of their APIs."""

from __future__ import annotations

from svc_harness import error, output, run_service

pytest_plugins = ("fakes",)

# -- Strava ---------------------------------------------------------------------------------------

ST = {"stravaOAuth2Api": {"oauthTokenData": {"access_token": "st-token"}}}


def st(server, params, version=1.1, **kw):
    return run_service("n8n-nodes-base.strava", version, params, credentials=ST,
                       base_urls={"strava": server.url}, **kw)


def _strava_auth(req):
    return req.headers.get("authorization") == "Bearer st-token"


def test_strava_create_v1_sends_form_body(fake_server):
    activity = {"id": 123, "name": "Morning Run", "type": "Run"}

    def create(req):
        if not _strava_auth(req):
            return 401, {}, {"message": "Authorization Error"}
        assert req.headers["content-type"].startswith("application/x-www-form-urlencoded")
        return 201, {}, activity

    fake_server.route("POST", "/activities", create)
    params = {"name": "Morning Run", "type": "Run", "startDate": "2020-10-01T18:30:00.000Z", "elapsedTime": 3600,
              "additionalFields": {"distance": 1000, "trainer": True}}
    items = output(st(fake_server, params, version=1))
    assert items == [{"json": activity, "pairedItem": {"item": 0}}]
    assert fake_server.last().form == {"name": ["Morning Run"], "start_date_local": ["2020-10-01T18:30:00.000Z"],
                                       "elapsed_time": ["3600"], "type": ["Run"], "distance": ["1000"],
                                       "trainer": ["1"]}


def test_strava_create_v11_uses_sport_type_and_local_date(fake_server):
    fake_server.route("POST", "/activities", (201, {}, {"id": 1}))
    params = {"name": "Ride", "sport_type": "Ride", "startDate": "2024-05-01T07:15:00", "elapsedTime": 60,
              "additionalFields": {"commute": True, "description": "to work"}}
    output(st(fake_server, params))
    assert fake_server.last().form == {"name": ["Ride"], "start_date_local": ["2024-05-01T07:15:00.000Z"],
                                       "elapsed_time": ["60"], "sport_type": ["Ride"], "commute": ["1"],
                                       "description": ["to work"]}


def test_strava_get_and_update(fake_server):
    fake_server.route("GET", "/activities/42", (200, {}, {"id": 42, "name": "Run"}))
    fake_server.route("PUT", "/activities/42", (200, {}, {"id": 42, "description": "park"}))
    items = output(st(fake_server, {"operation": "get", "activityId": "42"}, version=1))
    assert items == [{"json": {"id": 42, "name": "Run"}, "pairedItem": {"item": 0}}]
    assert _strava_auth(fake_server.last())
    items = output(st(fake_server, {"operation": "update", "activityId": "42",
                                    "updateFields": {"description": "park", "hide_from_home": False}}))
    assert items == [{"json": {"id": 42, "description": "park"}, "pairedItem": {"item": 0}}]
    assert fake_server.last().form == {"description": ["park"], "hide_from_home": ["false"]}


def test_strava_get_all_return_all_pages_until_empty(fake_server):
    pages = {"1": [{"id": 1}, {"id": 2}], "2": [{"id": 3}], "3": []}

    def listing(req):
        assert req.arg("per_page") == "30"
        return 200, {}, pages[req.arg("page")]

    fake_server.route("GET", "/activities", listing)
    items = output(st(fake_server, {"operation": "getAll", "returnAll": True}, version=1))
    assert items == [{"json": {"id": n}, "pairedItem": {"item": 0}} for n in (1, 2, 3)]
    assert [r.arg("page") for r in fake_server.requests] == ["1", "2", "3"]


def test_strava_get_all_limit_and_sub_lists(fake_server):
    fake_server.route("GET", "/activities", (200, {}, [{"id": 1}, {"id": 2}]))
    items = output(st(fake_server, {"operation": "getAll", "limit": 10}))
    assert len(items) == 2 and fake_server.last().query == {"per_page": ["10"]}
    fake_server.route("GET", "/activities/7/kudos", (200, {}, [{"firstname": "A"}, {"firstname": "B"}]))
    items = output(st(fake_server, {"operation": "getKudos", "activityId": "7", "limit": 1}))
    assert items == [{"json": {"firstname": "A"}, "pairedItem": {"item": 0}}]
    fake_server.route("GET", "/activities/7/streams", (200, {}, {"time": {"data": [0, 1]}}))
    items = output(st(fake_server, {"operation": "getStreams", "activityId": "7", "keys": ["time", "latlng"]}))
    assert items == [{"json": {"time": {"data": [0, 1]}}, "pairedItem": {"item": 0}}]
    assert fake_server.last().query == {"keys": ["time,latlng"], "key_by_type": ["true"]}


def test_strava_api_error_and_continue_on_fail(fake_server):
    body = {"message": "Record Not Found", "errors": [{"resource": "Activity", "code": "not found"}]}
    fake_server.route("GET", "/activities/9", (404, {}, body))
    err = error(st(fake_server, {"operation": "get", "activityId": "9"}))
    assert err["message"] == "The resource you are requesting could not be found"
    items = output(st(fake_server, {"operation": "get", "activityId": "9"}, continue_on_fail=True))
    assert items == [{"json": {"error": "The resource you are requesting could not be found"},
                      "pairedItem": {"item": 0}}]


def test_strava_unsupported(fake_server):
    err = error(st(fake_server, {"resource": "athlete", "operation": "get"}))
    assert err["message"] == "Strava: operation 'athlete/get' is not supported yet"
