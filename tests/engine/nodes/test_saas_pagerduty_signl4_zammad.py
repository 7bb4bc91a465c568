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
              "conferenceBridgeUi": {"conferenceBridgeValues": {"conferenceNumber": "+1 415",
                                                                "conferenceUrl": "u"}}}
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
              "updateFields": {"status": "resolved", "title": "t", "escalationLevel": 2,
                               "resolution": "done"}}
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
    items = output(pd(fake_server, {"resource": "user", "userId": "U1"}))
    assert items[0]["json"] == {"id": "U1", "name": "Ann"}


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
    params = {"message": "m",
              "additionalFields": {"attachmentsUi": {"attachmentsBinary": {"property": "data"}}}}
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


# -- Zammad -------------------------------------------------------------------------------------

ZM_TOKEN = {"zammadTokenAuthApi": {"baseUrl": "https://helpdesk.example.com/", "accessToken": "zm-token"}}


def zm(server, params, credentials=None, **kw):
    return run_service("n8n-nodes-base.zammad", 1, params, credentials=credentials or ZM_TOKEN,
                       base_urls={"zammad": server.url}, **kw)


def zm_checked(answer):
    """A Zammad handler that requires the token header (or basic auth for basic credentials)."""
    def handle(req):
        if req.headers.get("authorization") not in ("Token token=zm-token", "Basic YWdlbnRAeC5jb206cHc="):
            return 401, {}, {"error": "authentication failed"}
        return answer(req) if callable(answer) else answer
    return handle


def test_zammad_user_get_all_pages_until_empty_and_strips_preferences(fake_server):
    users = [{"id": n, "login": f"u{n}", "_preferences": {"x": 1}} for n in range(1, 26)]

    def search(req):
        page, per_page = int(req.arg("page")), int(req.arg("per_page"))
        return 200, {}, users[(page - 1) * per_page: page * per_page]
    fake_server.route("GET", "/api/v1/users/search", zm_checked(search))
    items = output(zm(fake_server, {"filters": {}, "operation": "getAll", "returnAll": True}))
    assert [it["json"] for it in items] == [{"id": n, "login": f"u{n}"} for n in range(1, 26)]
    assert items[0]["pairedItem"] == {"item": 0}
    assert [r.query for r in fake_server.requests] == [
        {"query": [""], "per_page": ["20"], "page": [str(p)]} for p in (1, 2, 3)]
    fake_server.requests.clear()
    params = {"operation": "getAll", "limit": 20,
              "filters": {"query": "login:u*",
                          "sortUi": {"sortDetails": {"sort_by": "login", "order_by": "desc"}}}}
    items = output(zm(fake_server, params))
    assert len(items) == 20
    # n8n stops only once more than `limit` rows were read, so a full first page asks for page 2.
    assert [r.arg("page") for r in fake_server.requests] == ["1", "2"]
    assert fake_server.last().query == {"sort_by": ["login"], "order_by": ["desc"], "query": ["login:u*"],
                                        "per_page": ["20"], "page": ["2"]}


def test_zammad_user_create_and_update_with_custom_fields(fake_server):
    fake_server.route("POST", "/api/v1/users", zm_checked(lambda req: (201, {}, {"id": 7, **req.json})))
    fake_server.route("PUT", "/api/v1/users/7", zm_checked(lambda req: (200, {}, {"id": 7, **req.json})))
    params = {"firstname": "Ada", "lastname": "L", "additionalFields": {
        "email": "ada@example.com", "addressUi": {"addressDetails": {"city": "Berlin", "zip": "10115"}},
        "customFieldsUi": {"customFieldPairs": [{"name": "entra_key", "value": "k1"}]}}}
    items = output(zm(fake_server, params))
    body = {"firstname": "Ada", "lastname": "L", "city": "Berlin", "zip": "10115", "entra_key": "k1",
            "email": "ada@example.com"}
    assert fake_server.last().json == body
    assert items == [{"json": {"id": 7, **body}, "pairedItem": {"item": 0}}]
    params = {"operation": "update", "id": "={{ $json.id }}", "updateFields": {
        "phone": "1", "active": False,
        "customFieldsUi": {"customFieldPairs": [{"name": "entra_object_type", "value": "user"}]}}}
    items = output(zm(fake_server, params, items=[{"json": {"id": 7}}]))
    assert fake_server.last().json == {"entra_object_type": "user", "phone": "1", "active": False}
    assert items[0]["json"]["active"] is False
    err = error(zm(fake_server, {"operation": "update", "id": "7", "updateFields": {}}))
    assert err["message"] == "Please enter at least one field to update for the user"


def test_zammad_ticket_create_get_and_org_group_operations(fake_server):
    fake_server.route("POST", "/api/v1/tickets",
                      zm_checked(lambda req: (201, {}, {"id": 3, "title": req.json["title"]})))
    fake_server.route("GET", "/api/v1/ticket_articles/by_ticket/3",
                      zm_checked((200, {}, [{"id": 9, "ticket_id": 3}])))
    fake_server.route("GET", "/api/v1/tickets/3", zm_checked((200, {}, {"id": 3, "title": "T"})))
    params = {"resource": "ticket", "title": "T", "group": "Users", "customer": "c@x.com",
              "article": {"articleDetails": {"subject": "S", "body": "B", "visibility": "external",
                                             "sender": "Agent", "type": "note"}}}
    items = output(zm(fake_server, params))
    assert fake_server.last("POST").json == {"article": {"subject": "S", "body": "B", "sender": "Agent",
                                                         "type": "note", "internal": False},
                                             "title": "T", "group": "Users", "customer": "c@x.com"}
    assert items[0]["json"] == {"id": 3, "title": "T", "articles": [{"id": 9, "ticket_id": 3}]}
    items = output(zm(fake_server, {"resource": "ticket", "operation": "get", "id": "3"}))
    assert items[0]["json"] == {"id": 3, "title": "T", "articles": [{"id": 9, "ticket_id": 3}]}
    err = error(zm(fake_server, {"resource": "ticket", "title": "T"}))
    assert err["message"] == "Article is required"
    fake_server.route("DELETE", "/api/v1/groups/4", zm_checked((200, {}, {})))
    items = output(zm(fake_server, {"resource": "group", "operation": "delete", "id": "4"}))
    assert items == [{"json": {"success": True}, "pairedItem": {"item": 0}}]
    fake_server.route("GET", "/api/v1/organizations", zm_checked(
        lambda req: (200, {}, [{"id": 1}, {"id": 2}] if req.arg("page") == "1" else [])))
    basic = {"zammadBasicAuthApi": {"baseUrl": "https://h", "username": "agent@x.com", "password": "pw"}}
    items = output(zm(fake_server, {"authentication": "basicAuth", "resource": "organization",
                                    "operation": "getAll", "returnAll": True}, credentials=basic))
    assert [it["json"] for it in items] == [{"id": 1}, {"id": 2}]
    fake_server.route("POST", "/api/v1/organizations",
                      zm_checked(lambda req: (201, {}, {"id": 5, **req.json})))
    items = output(zm(fake_server, {"resource": "organization", "name": "Acme",
                                    "additionalFields": {"vip": True, "domain": "acme.test"}}))
    assert items[0]["json"] == {"id": 5, "name": "Acme", "vip": True, "domain": "acme.test"}


def test_zammad_api_errors_continue_on_fail_and_unsupported(fake_server):
    exists = {"error": "Object already exists!", "error_human": "Object already exists!"}
    fake_server.route("POST", "/api/v1/groups", zm_checked((422, {}, exists)))
    err = error(zm(fake_server, {"resource": "group", "name": "Users"}))
    assert err["message"] == "Your request is invalid or could not be processed by the service"
    assert err["description"] == "An entity with this name already exists."
    items = output(zm(fake_server, {"resource": "group", "name": "Users"}, continue_on_fail=True))
    assert items == [{"json": {"error": "Your request is invalid or could not be processed by the service"},
                      "pairedItem": {"item": 0}}]
    fake_server.route("GET", "/api/v1/users/me", (401, {}, {"error": "authentication failed"}))
    err = error(zm(fake_server, {"operation": "getSelf"}))
    assert err["message"] == "Authorization failed - please check your credentials"
    err = error(zm(fake_server, {"resource": "ticket", "operation": "update"}))
    assert "Zammad: operation 'ticket/update' is not supported yet" in err["message"]
