"""Google Analytics and Mindee nodes against local fakes."""

from __future__ import annotations

import base64
import email
import email.policy
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
    assert err["message"] == ("Parameter Start: 2024-02-02T00:00:00.000Z cannot be after "
                              "End: 2024-01-01T00:00:00.000Z")
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


# -- Mindee -------------------------------------------------------------------------------------

RECEIPT = {"mindeeReceiptApi": {"apiKey": "rk"}}
INVOICE = {"mindeeInvoiceApi": {"apiKey": "ik"}}
JPG = b"\xff\xd8\xff\xe0fake-jpeg"


def _file_item(name="receipt.jpg", prop="data"):
    return {"json": {}, "binary": {prop: {"data": base64.b64encode(JPG).decode(), "mimeType": "image/jpeg",
                                          "fileName": name}}}


def mindee(server, params, version=1, credentials=RECEIPT, items=None, **kw):
    return run_service("n8n-nodes-base.mindee", version, params, credentials=credentials,
                       base_urls={"mindee": server.url}, items=items or [_file_item()], **kw)


def _parts(req):
    """The multipart/form-data parts of a request: name -> (filename, content type, bytes)."""
    assert req.headers["content-type"].startswith("multipart/form-data; boundary=")
    message = email.message_from_bytes(
        f"Content-Type: {req.headers['content-type']}\r\n\r\n".encode() + req.body, policy=email.policy.HTTP)
    return {part.get_param("name", header="content-disposition"):
            (part.get_filename(), part.get_content_type(), part.get_payload(decode=True))
            for part in message.iter_parts()}


def _mindee_handler(header, expected, answer):
    def handler(req):
        name, value = header
        if req.headers.get(name) != value:
            return 401, {}, {"api_request": {"error": {"code": "Unauthorized", "message": "Authorization required"},
                                             "status": "failure", "status_code": 401}}
        return 200, {}, answer if _parts(req) == expected else {"unexpected": list(_parts(req))}
    return handler


def test_mindee_v1_receipt_api1_is_cleaned(fake_server):
    answer = {"predictions": [{"date": {"value": "2024-01-02", "probability": 0.99},
                               "locale": {"currency": "EUR", "value": "fr"},
                               "taxes": [{"amount": 1.5, "rate": 20, "value": 1.5}, {"amount": 2, "rate": 5}],
                               "total_incl": {"value": 9.5}, "merchant": {"name": "Cafe"},
                               "orientation": {"degrees": 0}, "time": {"value": None, "raw": "10:30"}}]}
    fake_server.route("POST", "/products/expense_receipts/v2/predict", _mindee_handler(
        ("x-inferuser-token", "rk"), {"file": ("receipt.jpg", "image/jpeg", JPG)}, answer))
    items = output(mindee(fake_server, {}))
    assert items == [{"json": {"date": "2024-01-02", "currency": "EUR", "locale": "fr",
                               "taxes": {"amount": 1.5, "rate": 20}, "total_incl": 9.5, "merchant": "Cafe",
                               "time": "10:30"}, "pairedItem": {"item": 0}}]
    assert "authorization" not in fake_server.last().headers


def test_mindee_v3_invoice_api4_with_line_items(fake_server):
    document = {"id": "doc-1", "name": "inv.pdf", "n_pages": 2, "inference": {"prediction": {
        "invoice_number": {"value": "INV-7", "confidence": 1},
        "locale": {"currency": "LKR", "language": "en", "value": "en-LK"},
        "taxes": [{"rate": 8, "value": 80, "base": 1000}],
        "supplier_name": {"value": None, "raw_value": None},
        "line_items": [{"description": "Tea", "quantity": 2, "unit_price": 500, "total_amount": 1000,
                        "confidence": 0.9, "product_code": None}]}}}
    answer = {"api_request": {"status": "success"}, "document": document}
    fake_server.route("POST", "/v1/products/mindee/invoices/v4/predict", _mindee_handler(
        ("authorization", "Token ik"), {"document": ("inv.pdf", "application/pdf", JPG)}, answer))
    items = output(mindee(fake_server, {"resource": "invoice", "binaryPropertyName": "attachment_0"}, version=3,
                          credentials=INVOICE, items=[_file_item("inv.pdf", "attachment_0")]))
    assert [it["json"] for it in items] == [{
        "id": "doc-1", "name": "inv.pdf", "number_of_pages": 2, "invoice_number": "INV-7",
        "currency": "LKR", "locale": "en-LK", "taxes": {"rate": 8},
        "line_items": [{"description": "Tea", "product_code": None, "quantity": 2, "total_amount": 1000,
                        "unit_price": 500}]}]
    # node v2 defaults to API 3; rawData gives the answer unchanged
    fake_server.route("POST", "/v1/products/mindee/expense_receipts/v3/predict", _mindee_handler(
        ("authorization", "Token rk"), {"document": ("receipt.jpg", "image/jpeg", JPG)}, answer))
    items = output(mindee(fake_server, {"rawData": True}, version=2))
    assert [it["json"] for it in items] == [answer]


def test_mindee_errors(fake_server):
    fake_server.route("POST", "/products/invoices/v1/predict", (401, {}, {"message": "Invalid token"}))
    params = {"resource": "invoice", "rawData": True}
    err = error(mindee(fake_server, params, credentials=INVOICE))
    assert err["message"] == "Authorization failed - please check your credentials"
    items = output(mindee(fake_server, params, credentials=INVOICE, continue_on_fail=True,
                          items=[_file_item(), {"json": {"no": "file"}}]))
    assert [it["json"] for it in items] == [{"error": "Authorization failed - please check your credentials"},
                                           {"error": "No binary data exists on item!"}]
    err = error(mindee(fake_server, {"resource": "invoice", "apiVersion": 2}, credentials=INVOICE))
    assert err["message"] == "Invalid API version"
    err = error(mindee(fake_server, {"operation": "parse"}))
    assert err["message"] == "Mindee: operation 'receipt/parse' is not supported yet"
