"""Google Analytics and Mindee nodes against local fakes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from svc_harness import error, output, run_service

from automatelanka.engine.nodes.google_analytics import _minus_months

pytest_plugins = ("fakes",)

GA = {"googleAnalyticsOAuth2": {"oauthTokenData": {"access_token": "ga-token"}}}
GA4_PATH = "/v1beta/properties/460520224:runReport"


def ga(server, params, version=2, **kw):
    return run_service("n8n-nodes-base.googleAnalytics", version, params, credentials=GA,
                       base_urls={"analyticsdata": server.url, "analyticsreporting": server.url}, **kw)


def _ga4_answer(rows, row_count=None):
    body = {"dimensionHeaders": [{"name": "country"}],
            "metricHeaders": [{"name": "activeUsers", "type": "TYPE_INTEGER"}, {"name": "sessions"}],
            "rows": [{"dimensionValues": [{"value": c}], "metricValues": [{"value": a}, {"value": s}]}
                     for c, a, s in rows],
            "rowCount": row_count if row_count is not None else len(rows), "kind": "analyticsData#runReport"}
    return body


def _authorised(req):
    return req.headers.get("authorization") == "Bearer ga-token" and req.headers.get("accept") == "application/json"


def test_ga4_report_simplified_with_custom_dates(fake_server):
    def handler(req):
        if not _authorised(req) or "json" not in req.headers.get("content-type", ""):
            return 401, {}, {"error": {"code": 401, "message": "Request had invalid authentication credentials."}}
        return 200, {}, _ga4_answer([("Sri Lanka", "12", "20"), ("India", "3", "4")])

    fake_server.route("POST", GA4_PATH, handler)
    params = {"propertyId": {"__rl": True, "mode": "list", "value": "460520224"}, "dateRange": "custom",
              "startDate": "2024-10-09T00:00:00", "endDate": "2024-10-23T00:00:00.000Z",
              "metricsGA4": {"metricValues": [{"listName": "other", "name": "activeUsers"}, {},
                                              {"listName": "custom", "name": "perUser",
                                               "expression": "eventCount/totalUsers"}]},
              "dimensionsGA4": {"dimensionValues": [{}, {"listName": "other", "name": "country"}]},
              "additionalFields": {"keepEmptyRows": True, "currencyCode": "LKR"}}
    items = output(ga(fake_server, params))
    assert items == [
        {"json": {"country": "Sri Lanka", "activeUsers": "12", "sessions": "20"}, "pairedItem": {"item": 0}},
        {"json": {"country": "India", "activeUsers": "3", "sessions": "4"}, "pairedItem": {"item": 0}},
    ]
    req = fake_server.last()
    assert req.query == {}
    assert req.json == {
        "dateRanges": [{"startDate": "2024-10-09", "endDate": "2024-10-23"}],
        "metrics": [{"name": "activeUsers"}, {"name": "totalUsers"},
                    {"name": "perUser", "expression": "eventCount/totalUsers"}],
        "dimensions": [{"name": "date"}, {"name": "country"}],
        "currencyCode": "LKR", "keepEmptyRows": True, "limit": 50}


def test_ga4_return_all_pages_by_offset_raw(fake_server):
    pages = {"0": _ga4_answer([("A", "1", "1"), ("B", "2", "2")], row_count=3),
             "2": _ga4_answer([("C", "3", "3")], row_count=3)}
    fake_server.route("POST", GA4_PATH, lambda req: (200, {}, pages[req.arg("offset")]))
    params = {"propertyId": {"__rl": True, "mode": "id", "value": "460520224"}, "returnAll": True, "simple": False,
              "dateRange": "today", "additionalFields": {
                  "dimensionFiltersUI": {"filterExpressions": {
                      "filterExpressionType": "orGroup",
                      "expression": {"inListFilter": [{"listName": "other", "name": "country",
                                                       "values": "A,B", "caseSensitive": False}]}}},
                  "orderByUI": {"metricOrderBy": [{"desc": True, "metricName": "sessions"}]}}}
    items = output(ga(fake_server, params))
    assert len(items) == 1 and items[0]["pairedItem"] == {"item": 0}
    assert [r["dimensionValues"][0]["value"] for r in items[0]["json"]["rows"]] == ["A", "B", "C"]
    assert items[0]["json"]["rowCount"] == 3
    first, second = fake_server.requests
    assert first.query == {"limit": ["100000"], "offset": ["0"]} and second.query["offset"] == ["2"]
    today = datetime.now(UTC).date().isoformat()
    assert first.json == {
        "dateRanges": [{"startDate": today, "endDate": today}],
        "metrics": [{"name": "totalUsers"}], "dimensions": [{"name": "date"}],
        "dimensionFilter": {"orGroup": {"expressions": [{"filter": {
            "fieldName": "country", "inListFilter": {"values": ["A", "B"], "caseSensitive": False}}}]}},
        "orderBys": [{"desc": True, "metric": {"metricName": "sessions"}}]}


def test_ga4_date_presets(fake_server):
    fake_server.route("POST", GA4_PATH, (200, {}, {"rowCount": 0}))
    base = {"propertyId": {"__rl": True, "mode": "id", "value": "460520224"}}
    today = datetime.now(UTC).date()
    assert output(ga(fake_server, {**base, "dateRange": "last7days"})) == []
    assert fake_server.last().json["dateRanges"] == [
        {"startDate": (today - timedelta(days=7)).isoformat(), "endDate": today.isoformat()}]
    output(ga(fake_server, {**base, "dateRange": "lastCalendarWeek"}))
    monday = today - timedelta(days=today.weekday())
    assert fake_server.last().json["dateRanges"] == [
        {"startDate": (monday - timedelta(days=7)).isoformat(), "endDate": (monday - timedelta(days=1)).isoformat()}]
    # luxon's endOf('month').minus({months: 1}) keeps the day number, clamped (30 Apr -> 30 Mar)
    assert _minus_months(date(2024, 4, 30), 1) == date(2024, 3, 30)
    assert _minus_months(date(2024, 3, 31), 1) == date(2024, 2, 29)
    err = error(ga(fake_server, {**base, "dateRange": "custom", "startDate": "2024-02-02", "endDate": "2024-01-01"}))
    assert err["message"] == "Parameter Start: 2024-02-02 cannot be after End: 2024-01-01"
    err = error(ga(fake_server, {**base, "metricsGA4": {"metricValues": [{}, {"listName": "totalUsers"}]}}))
    assert err["message"] == "A metrics is specified more than once (totalUsers)"


def test_ga4_api_error_and_continue_on_fail(fake_server):
    body = {"error": {"code": 403, "message": "User does not have sufficient permissions for this property.\n"
                                              "See the admin page.", "status": "PERMISSION_DENIED"}}
    fake_server.route("POST", GA4_PATH, (403, {}, body))
    params = {"propertyId": {"__rl": True, "mode": "id", "value": "460520224"}}
    err = error(ga(fake_server, params))
    assert err["message"] == "User does not have sufficient permissions for this property."
    assert err["description"] == "See the admin page."
    assert err["httpCode"] == "403"
    items = output(ga(fake_server, params, continue_on_fail=True, items=[{"json": {}}, {"json": {}}]))
    assert items == [
        {"json": {"error": "User does not have sufficient permissions for this property."}, "pairedItem": {"item": 0}},
        {"json": {"error": "User does not have sufficient permissions for this property."}, "pairedItem": {"item": 1}},
    ]


def _ua_report(rows, token=None):
    report = {"columnHeader": {"dimensions": ["ga:country"],
                               "metricHeader": {"metricHeaderEntries": [{"name": "Sessions", "type": "INTEGER"}]}},
              "data": {"rows": [{"dimensions": [c], "metrics": [{"values": [v]}]} for c, v in rows]}}
    if token:
        report["nextPageToken"] = token
    return report


def test_v1_report_get_simplified(fake_server):
    fake_server.route("POST", "/v4/reports:batchGet", (200, {}, {"reports": [_ua_report([("LK", "5"), ("IN", "2")])]}))
    params = {"viewId": "123", "additionalFields": {
        "dateRangesUi": {"dateRanges": {"endDate": "2020-08-30T18:30:00.000Z", "startDate": "2019-12-31T18:30:00.000Z"}},
        "dimensionUi": {"dimensionValues": [{"name": "ga:country"}]},
        "metricsUi": {"metricValues": [{"alias": "Sessions", "expression": "ga:sessions"}]}}}
    items = output(ga(fake_server, params, version=1))
    assert items == [{"json": {"ga:country": "LK", "Sessions": "5"}, "pairedItem": {"item": 0}},
                     {"json": {"ga:country": "IN", "Sessions": "2"}, "pairedItem": {"item": 0}}]
    req = fake_server.last()
    assert _authorised(req)
    assert req.json == {"reportRequests": [{
        "viewId": "123", "dateRanges": [{"startDate": "2019-12-31", "endDate": "2020-08-30"}],
        "metrics": [{"alias": "Sessions", "expression": "ga:sessions"}],
        "dimensions": [{"name": "ga:country"}]}]}


def test_universal_return_all_by_page_token(fake_server):
    def handler(req):
        token = req.json["reportRequests"][0].get("pageToken")
        if token is None:
            return 200, {}, {"reports": [_ua_report([("LK", "5")], token="p2")]}
        assert token == "p2"
        return 200, {}, {"reports": [_ua_report([("IN", "2")])]}

    fake_server.route("POST", "/v4/reports:batchGet", handler)
    params = {"propertyType": "universal", "viewId": {"__rl": True, "mode": "id", "value": "99"}, "returnAll": True,
              "simple": False, "dateRange": "yesterday",
              "metricsUA": {"metricValues": [{"listName": "other", "name": "ga:sessions"}]}}
    items = output(ga(fake_server, params))
    assert len(items) == 1
    assert items[0]["json"]["data"]["rows"] == [{"dimensions": ["LK"], "metrics": [{"values": ["5"]}]},
                                               {"dimensions": ["IN"], "metrics": [{"values": ["2"]}]}]
    first = fake_server.requests[0].json["reportRequests"][0]
    yesterday = (datetime.now(UTC).date() - timedelta(days=1)).isoformat()
    assert first == {"viewId": "99", "dateRanges": [{"startDate": yesterday, "endDate": yesterday}],
                     "metrics": [{"alias": "ga:sessions", "expression": "ga:sessions"}],
                     "dimensions": [{"name": "ga:date"}]}
    assert len(fake_server.requests) == 2


def test_user_activity_search_limit(fake_server):
    sessions = [{"sessionId": "s1", "activities": []}, {"sessionId": "s2", "activities": []}]
    fake_server.route("POST", "/v4/userActivity:search", (200, {}, {"sessions": sessions, "totalRows": 2}))
    params = {"resource": "userActivity", "operation": "search", "viewId": "123", "userId": "u1",
              "limit": 2, "additionalFields": {"activityTypes": ["PAGEVIEW"]}}
    items = output(ga(fake_server, params))
    assert [it["json"] for it in items] == sessions
    assert fake_server.last().json == {"viewId": "123", "user": {"userId": "u1"}, "activityTypes": ["PAGEVIEW"],
                                       "pageSize": 2}


def test_ga_unsupported_operation(fake_server):
    err = error(ga(fake_server, {"resource": "report", "operation": "list"}))
    assert err["message"] == "Google Analytics: operation 'report/list' is not supported yet"
    assert fake_server.requests == []
