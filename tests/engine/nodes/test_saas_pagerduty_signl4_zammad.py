"""PagerDuty, SIGNL4 and Zammad nodes against local fakes."""

from __future__ import annotations

from svc_harness import error, output, run_service

pytest_plugins = ("fakes",)

PD = {"pagerDutyApi": {"apiToken": "pd-token"}}
PD_ACCEPT = "application/vnd.pagerduty+json;version=2"


def pd(server, params, **kw):
    return run_service("n8n-nodes-base.pagerDuty", 1, params, credentials=PD,
                       base_urls={"pagerDuty": server.url}, **kw)


def pd_checked(answer):
    """A PagerDuty handler that rejects requests without the token and the v2 Accept header."""
    def handle(req):
        if req.headers.get("authorization") != "Token token=pd-token":
            return 401, {}, {"error": {"message": "Unauthorized", "code": 2006}}
        if req.headers.get("accept") != PD_ACCEPT:
            return 406, {}, {"error": {"message": "Not acceptable"}}
        return answer(req) if callable(answer) else answer
    return handle


def test_pagerduty_incident_create_default_operation(fake_server):
    incident = {"id": "P1", "type": "incident", "title": "Firewall on Fire", "status": "triggered"}
    fake_server.route("POST", "/incidents", pd_checked((201, {}, {"incident": incident})))
    params = {"title": "Firewall on Fire", "serviceId": "S1", "email": "ops@example.com",
              "additionalFields": {"details": "smoke", "priorityId": "PR1", "escalationPolicyId": "EP1",
                                   "urgency": "high", "incidentKey": "k1"},
              "conferenceBridgeUi": {"conferenceBridgeValues": {"conferenceNumber": "+1 415", "conferenceUrl": "u"}}}
    items = output(pd(fake_server, params))
    assert items == [{"json": incident, "pairedItem": {"item": 0}}]
    req = fake_server.last()
    assert req.headers["from"] == "ops@example.com"
    assert req.headers["content-type"].startswith("application/json")
    assert req.json == {"incident": {
        "type": "incident", "title": "Firewall on Fire", "service": {"id": "S1", "type": "service_reference"},
        "body": {"type": "incident_body", "details": "smoke"},
        "priority": {"id": "PR1", "type": "priority_reference"},
        "escalation_policy": {"id": "EP1", "type": "escalation_policy_reference"},
        "urgency": "high", "incident_key": "k1",
        "conference_bridge": {"conference_number": "+1 415", "conference_url": "u"}}}


def test_pagerduty_incident_get_and_update(fake_server):
    fake_server.route("GET", "/incidents/P1", pd_checked((200, {}, {"incident": {"id": "P1"}})))
    fake_server.route("PUT", "/incidents/P1", pd_checked(lambda req: (200, {}, {"incident": {
        "id": "P1", "status": req.json["incident"]["status"]}})))
    items = output(pd(fake_server, {"operation": "get", "incidentId": "P1"}))
    assert items == [{"json": {"id": "P1"}, "pairedItem": {"item": 0}}]
    assert fake_server.last().body == b""
    params = {"operation": "update", "incidentId": "={{ $json.inc }}", "email": "a@b.c",
              "updateFields": {"status": "resolved", "title": "t", "escalationLevel": 2, "resolution": "done"}}
    items = output(pd(fake_server, params, items=[{"json": {"inc": "P1"}}]))
    assert items == [{"json": {"id": "P1", "status": "resolved"}, "pairedItem": {"item": 0}}]
    req = fake_server.last()
    assert req.headers["from"] == "a@b.c"
    assert req.json == {"incident": {"type": "incident", "title": "t", "escalation_level": 2,
                                     "resolution": "done", "status": "resolved"}}


def test_pagerduty_incident_get_all_return_all_pages_by_offset(fake_server):
    def page(req):
        offset = int(req.arg("offset"))
        assert req.arg("limit") == "100"
        return 200, {}, {"incidents": [{"id": f"I{offset}"}], "more": offset < 2, "offset": offset}
    fake_server.route("GET", "/incidents", pd_checked(page))
    params = {"operation": "getAll", "returnAll": True,
              "options": {"statuses": ["triggered", "acknowledged"], "userIds": "U1,U2", "timeZone": "UTC",
                          "include": ["firstTriggerLogEntries"], "sortBy": "created_at:asc"}}
    items = output(pd(fake_server, params))
    assert [it["json"] for it in items] == [{"id": "I0"}, {"id": "I1"}, {"id": "I2"}]
    assert [r.arg("offset") for r in fake_server.requests] == ["0", "1", "2"]
    query = fake_server.last().query
    assert query["statuses[]"] == ["triggered", "acknowledged"]
    assert query["user_ids[]"] == ["U1", "U2"]
    assert query["include[]"] == ["first_trigger_log_entries"]
    assert query["time_zone"] == ["UTC"] and query["sort_by"] == ["created_at:asc"]


def test_pagerduty_limit_notes_log_entries_and_user(fake_server):
    fake_server.route("GET", "/incidents", pd_checked((200, {}, {"incidents": [{"id": "a"}, {"id": "b"}],
                                                                 "more": True})))
    items = output(pd(fake_server, {"operation": "getAll", "limit": 2}))
    assert [it["json"]["id"] for it in items] == ["a", "b"]
    assert fake_server.last().query == {"limit": ["2"]}
    fake_server.route("POST", "/incidents/P1/notes", pd_checked(lambda req: (201, {}, {"note": {
        "id": "N1", "content": req.json["note"]["content"]}})))
    items = output(pd(fake_server, {"resource": "incidentNote", "incidentId": "P1", "content": "hi",
                                    "email": "x@y.z"}))
    assert items[0]["json"] == {"note": {"id": "N1", "content": "hi"}}
    assert fake_server.last().json == {"note": {"content": "hi"}}
    fake_server.route("GET", "/incidents/P1/notes", pd_checked((200, {}, {"notes": [{"id": "N1"}]})))
    items = output(pd(fake_server, {"resource": "incidentNote", "operation": "getAll", "incidentId": "P1",
                                    "returnAll": True}))
    assert [it["json"] for it in items] == [{"id": "N1"}]
    fake_server.route("GET", "/log_entries", pd_checked((200, {}, {"log_entries": [{"id": "L1"}]})))
    items = output(pd(fake_server, {"resource": "logEntry", "operation": "getAll",
                                    "options": {"isOverview": True, "timeZone": "UTC"}}))
    assert [it["json"] for it in items] == [{"id": "L1"}]
    assert fake_server.last().query == {"is_overview": ["true"], "time_zone": ["UTC"], "limit": ["100"]}
    fake_server.route("GET", "/log_entries/L1", pd_checked((200, {}, {"log_entry": {"id": "L1"}})))
    assert output(pd(fake_server, {"resource": "logEntry", "logEntryId": "L1"}))[0]["json"] == {"id": "L1"}
    fake_server.route("GET", "/users/U1", pd_checked((200, {}, {"user": {"id": "U1", "name": "Ann"}})))
    assert output(pd(fake_server, {"resource": "user", "userId": "U1"}))[0]["json"] == {"id": "U1", "name": "Ann"}


def test_pagerduty_api_error_and_unsupported(fake_server):
    fake_server.route("GET", "/incidents/NOPE", pd_checked((404, {}, {"error": {"message": "Not Found",
                                                                                "code": 2100}})))
    err = error(pd(fake_server, {"operation": "get", "incidentId": "NOPE"}))
    assert err["message"] == "The resource you are requesting could not be found"
    items = output(pd(fake_server, {"operation": "get", "incidentId": "NOPE"}, continue_on_fail=True))
    assert items == [{"json": {"error": "The resource you are requesting could not be found"},
                      "pairedItem": {"item": 0}}]
    err = error(pd(fake_server, {"resource": "incident", "operation": "delete"}))
    assert "PagerDuty: operation 'incident/delete' is not supported yet" in err["message"]


# -- SIGNL4 -------------------------------------------------------------------------------------

S4 = {"signl4Api": {"teamSecret": "team-secret"}}


def s4(server, params, **kw):
    return run_service("n8n-nodes-base.signl4", 1, params, credentials=S4,
                       base_urls={"signl4": server.url}, **kw)


def multipart(req):
    """``[(name, filename, content_type, bytes)]`` of a multipart/form-data request."""
    from email.parser import BytesParser
    from email.policy import HTTP

    assert req.headers["content-type"].startswith("multipart/form-data; boundary=")
    message = BytesParser(policy=HTTP).parsebytes(
        b"Content-Type: " + req.headers["content-type"].encode() + b"\r\n\r\n" + req.body)
    return [(part.get_param("name", header="content-disposition"), part.get_filename(),
             part.get_content_type() if part.get("content-type") else None, part.get_payload(decode=True))
            for part in message.iter_parts()]


def s4_webhook(req):
    """SIGNL4's inbound webhook: a multipart alert answers ``{eventId}``."""
    if not req.headers.get("content-type", "").startswith("multipart/form-data"):
        return 400, {}, {"message": "unsupported content"}
    return 201, {}, {"eventId": "ev-1"}


def test_signl4_send_alert_with_location_and_attachment(fake_server):
    fake_server.route("POST", "/team-secret", s4_webhook)
    params = {"message": "={{ 'Machine Alert: ' + $json.name }}",
              "additionalFields": {"title": "n8n Alert", "externalId": "ext-1", "service": "svc",
                                   "alertingScenario": "multi_ack", "filtering": True,
                                   "locationFieldsUi": {"locationFieldsValues": {"latitude": "52.39",
                                                                                 "longitude": "13.05"}},
                                   "attachmentsUi": {"attachmentsBinary": {"property": "img"}}}}
    image = {"data": "iVBORw0=", "mimeType": "image/png", "fileName": "a.png", "fileExtension": "png"}
    items = output(s4(fake_server, params, items=[{"json": {"name": "M1"}, "binary": {"img": image}}]))
    assert items == [{"json": {"eventId": "ev-1"}, "pairedItem": {"item": 0}}]
    req = fake_server.last()
    assert req.headers["accept"] == "*/*"
    assert multipart(req) == [
        ("message", None, None, b"Machine Alert: M1"), ("title", None, None, b"n8n Alert"),
        ("service", None, None, b"svc"), ("X-S4-Location", None, None, b"52.39,13.05"),
        ("X-S4-AlertingScenario", None, None, b"multi_ack"), ("X-S4-Filtering", None, None, b"true"),
        ("X-S4-ExternalID", None, None, b"ext-1"), ("X-S4-Status", None, None, b"new"),
        ("X-S4-SourceSystem", None, None, b"n8n"), ("attachment", "a.png", "image/png", b"\x89PNG\r")]


def test_signl4_resolve_and_bad_attachment(fake_server):
    fake_server.route("POST", "/team-secret", s4_webhook)
    items = output(s4(fake_server, {"operation": "resolve", "externalId": "={{ $json.id }}"},
                      items=[{"json": {"id": "a"}}, {"json": {"id": "b"}}]))
    assert items == [{"json": {"eventId": "ev-1"}, "pairedItem": {"item": 0}},
                     {"json": {"eventId": "ev-1"}, "pairedItem": {"item": 1}}]
    assert multipart(fake_server.last()) == [("X-S4-ExternalID", None, None, b"b"),
                                             ("X-S4-Status", None, None, b"resolved"),
                                             ("X-S4-SourceSystem", None, None, b"n8n")]
    doc = {"data": "eA==", "mimeType": "application/pdf", "fileName": "a.pdf", "fileExtension": "pdf"}
    params = {"message": "m", "additionalFields": {"attachmentsUi": {"attachmentsBinary": {"property": "data"}}}}
    err = error(s4(fake_server, params, items=[{"json": {}, "binary": {"data": doc}}]))
    assert err["message"] == "Invalid extension, just png,jpg,jpeg,bmp,gif,mp3,wav are supported}"


def test_signl4_api_error_continue_on_fail_and_unsupported(fake_server):
    fake_server.route("POST", "/team-secret", (401, {}, {"message": "Invalid team secret"}))
    err = error(s4(fake_server, {"message": "m"}))
    assert err["message"] == "Authorization failed - please check your credentials"
    items = output(s4(fake_server, {"message": "m"}, continue_on_fail=True,
                      items=[{"json": {}}, {"json": {}}]))
    text = "Authorization failed - please check your credentials"
    assert items == [{"json": {"error": text}, "pairedItem": {"item": 0}},
                     {"json": {"error": text}, "pairedItem": {"item": 1}}]
    err = error(s4(fake_server, {"operation": "close"}))
    assert "SIGNL4: operation 'alert/close' is not supported yet" in err["message"]
