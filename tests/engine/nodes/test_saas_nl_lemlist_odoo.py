"""Google Cloud Natural Language, Lemlist and Odoo nodes against local fakes."""

from __future__ import annotations

import base64

from svc_harness import error, output, run_service

pytest_plugins = ("fakes",)

# -- Google Cloud Natural Language ---------------------------------------------------------------

NL = "n8n-nodes-base.googleCloudNaturalLanguage"
NL_CREDS = {"googleCloudNaturalLanguageOAuth2Api": {"oauthTokenData": {"access_token": "nl-token"}}}
SENTIMENT = {"documentSentiment": {"magnitude": 0.9, "score": 0.8}, "language": "en",
             "sentences": [{"text": {"content": "Great event!", "beginOffset": 0},
                            "sentiment": {"magnitude": 0.9, "score": 0.8}}]}


def nl(server, params, **kw):
    return run_service(NL, 1, params, credentials=NL_CREDS, base_urls={"googleCloudNaturalLanguage": server.url}, **kw)


def _google_sentiment(req):
    """documents:analyzeSentiment as Google documents it: bearer token, JSON document."""
    assert req.headers["authorization"] == "Bearer nl-token"
    assert req.headers["content-type"] == "application/json"
    doc = req.json["document"]
    if doc["type"] not in ("PLAIN_TEXT", "HTML") or not (doc.get("content") or doc.get("gcsContentUri")):
        return 400, {}, {"error": {"code": 400, "message": "One of content, or gcs_content_uri must be set.",
                                   "status": "INVALID_ARGUMENT"}}
    return 200, {}, {**SENTIMENT, "sentences": [{**SENTIMENT["sentences"][0],
                                                  "text": {"content": doc.get("content"), "beginOffset": 0}}]}


def test_nl_analyze_sentiment_per_item(fake_server):
    fake_server.route("POST", "/v1/documents:analyzeSentiment", _google_sentiment)
    items = [{"json": {"Content": "Great event!"}}, {"json": {"Content": "Too long."}}]
    out = output(nl(fake_server, {"content": "={{$json[\"Content\"]}}", "options": {}}, items=items))
    assert [it["json"]["sentences"][0]["text"]["content"] for it in out] == ["Great event!", "Too long."]
    assert out[0] == {"json": {**SENTIMENT, "sentences": [{**SENTIMENT["sentences"][0],
                                                             "text": {"content": "Great event!", "beginOffset": 0}}]},
                      "pairedItem": {"item": 0}}
    assert out[1]["pairedItem"] == {"item": 1}
    bodies = [r.json for r in fake_server.requests]
    assert bodies == [{"document": {"type": "PLAIN_TEXT", "content": "Great event!"}, "encodingType": "UTF16"},
                      {"document": {"type": "PLAIN_TEXT", "content": "Too long."}, "encodingType": "UTF16"}]


def test_nl_options_and_gcs_source(fake_server):
    fake_server.route("POST", "/v1/documents:analyzeSentiment", _google_sentiment)
    params = {"source": "gcsContentUri", "gcsContentUri": "gs://bucket/doc.html",
              "options": {"documentType": "HTML", "encodingType": "UTF8", "language": "fr"}}
    output(nl(fake_server, params))
    assert fake_server.last().json == {"document": {"type": "HTML", "gcsContentUri": "gs://bucket/doc.html",
                                                    "language": "fr"}, "encodingType": "UTF8"}


def test_nl_google_fallback_base_url(fake_server):
    fake_server.route("POST", "/v1/documents:analyzeSentiment", _google_sentiment)
    run = run_service(NL, 1, {"content": "hi"}, credentials=NL_CREDS, base_urls={"google": fake_server.url})
    assert output(run)[0]["json"]["documentSentiment"] == SENTIMENT["documentSentiment"]


def test_nl_api_error_fails_node_and_continue_on_fail_passes_input(fake_server):
    fake_server.route("POST", "/v1/documents:analyzeSentiment", _google_sentiment)
    err = error(nl(fake_server, {"content": ""}))
    assert err["message"] == "Bad request - please check your parameters"
    assert err["description"] == "One of content, or gcs_content_uri must be set."
    run = nl(fake_server, {"content": ""}, items=[{"json": {"a": 1}}], continue_on_fail=True)
    task = run.run_data["N"][-1]
    assert task["error"]["message"] == "Bad request - please check your parameters"
    assert [it["json"] for it in task["data"]["main"][0]] == [{"a": 1}]


def test_nl_refreshes_oauth2_token_once_on_401(fake_server):
    @fake_server.route("POST", "/v1/documents:analyzeSentiment")
    def sentiment(req):
        if req.headers["authorization"] != "Bearer fresh":
            return 401, {}, {"error": {"code": 401, "message": "Request had invalid authentication credentials.",
                                       "status": "UNAUTHENTICATED"}}
        return 200, {}, SENTIMENT

    refreshed = []

    def refresh(kind, ref):
        refreshed.append(kind)
        return {"oauthTokenData": {"access_token": "fresh"}}

    out = output(nl(fake_server, {"content": "hi"}, refresh=refresh))
    assert out == [{"json": SENTIMENT, "pairedItem": {"item": 0}}]
    assert refreshed == ["googleCloudNaturalLanguageOAuth2Api"]


def test_nl_unsupported_operation(fake_server):
    err = error(nl(fake_server, {"operation": "analyzeEntities"}))
    assert err["message"] == "Google Cloud Natural Language: operation 'document/analyzeEntities' is not supported yet"
    assert fake_server.requests == []


# -- Lemlist -------------------------------------------------------------------------------------

LL = "n8n-nodes-base.lemlist"
LL_CREDS = {"lemlistApi": {"apiKey": "ll-key"}}
LL_AUTH = "Basic " + base64.b64encode(b":ll-key").decode()


def ll(server, params, version=1, **kw):
    return run_service(LL, version, params, credentials=LL_CREDS, base_urls={"lemlist": server.url}, **kw)


def _lemlist_auth(req):
    assert req.headers["authorization"] == LL_AUTH
    assert req.headers["user-agent"] == "n8n"


def test_lemlist_lead_create_with_fields_and_deduplicate(fake_server):
    lead = {"_id": "lea_1", "email": "ann@x.com", "firstName": "Ann", "campaignId": "cam_1"}

    @fake_server.route("POST", "/campaigns/cam_1/leads/ann@x.com")
    def create(req):
        _lemlist_auth(req)
        return 200, {}, lead

    params = {"resource": "lead", "campaignId": "cam_1", "email": "={{$json.email}}",
              "additionalFields": {"firstName": "Ann", "deduplicate": True, "companyName": "X"}}
    out = output(ll(fake_server, params, items=[{"json": {"email": "ann@x.com"}}]))
    assert out == [{"json": lead, "pairedItem": {"item": 0}}]
    req = fake_server.last()
    assert req.query == {"deduplicate": ["true"]}
    assert req.json == {"firstName": "Ann", "companyName": "X"}


def test_lemlist_lead_create_without_fields_sends_no_body(fake_server):
    fake_server.route("POST", "/campaigns/cam_1/leads/bo@x.com", (200, {}, {"_id": "lea_2"}))
    out = output(ll(fake_server, {"resource": "lead", "campaignId": "cam_1", "email": "bo@x.com"}, version=2))
    assert out == [{"json": {"_id": "lea_2"}, "pairedItem": {"item": 0}}]
    req = fake_server.last()
    assert req.body == b"" and req.raw_query == ""


def test_lemlist_lead_get_delete_unsubscribe(fake_server):
    fake_server.route("GET", "/leads/ann@x.com", (200, {}, {"_id": "lea_1", "campaignId": "cam_1"}))
    out = output(ll(fake_server, {"resource": "lead", "operation": "get", "email": "ann@x.com"}))
    assert out[0]["json"] == {"_id": "lea_1", "campaignId": "cam_1"}

    fake_server.route("DELETE", "/campaigns/cam_1/leads/ann@x.com", (200, {}, {"_id": "lea_1", "state": "removed"}))
    params = {"resource": "lead", "operation": "delete", "campaignId": "cam_1", "email": "ann@x.com"}
    assert output(ll(fake_server, params))[0]["json"] == {"_id": "lea_1", "state": "removed"}
    assert fake_server.last().query == {"action": ["remove"]}

    params["operation"] = "unsubscribe"
    out = output(ll(fake_server, params))
    assert out == [{"json": {"_id": "lea_1", "state": "removed"}, "pairedItem": {"item": 0}}]
    req = fake_server.last()
    assert req.method == "DELETE" and req.raw_query == ""
    _lemlist_auth(req)


def test_lemlist_activity_limit_and_filters(fake_server):
    fake_server.route("GET", "/activities", (200, {}, [{"_id": "act_1"}, {"_id": "act_2"}]))
    params = {"resource": "activity", "operation": "getAll", "limit": 2,
              "filters": {"campaignId": "cam_1", "type": "emailsOpened", "isFirst": True}}
    out = output(ll(fake_server, params))
    assert out == [{"json": {"_id": "act_1"}, "pairedItem": {"item": 0}},
                   {"json": {"_id": "act_2"}, "pairedItem": {"item": 0}}]
    assert fake_server.last().query == {"campaignId": ["cam_1"], "type": ["emailsOpened"], "isFirst": ["true"],
                                        "limit": ["2"]}


def test_lemlist_return_all_pages_by_offset_until_empty(fake_server):
    rows = [{"_id": f"u{n}"} for n in range(230)]

    @fake_server.route("GET", "/unsubscribes")
    def page(req):
        _lemlist_auth(req)
        offset, limit = int(req.arg("offset")), int(req.arg("limit"))
        return 200, {}, rows[offset:offset + limit]

    out = output(ll(fake_server, {"resource": "unsubscribe", "operation": "getAll", "returnAll": True}))
    assert [it["json"]["_id"] for it in out] == [r["_id"] for r in rows]
    assert [r.arg("offset") for r in fake_server.requests] == ["0", "100", "200", "300"]
    assert {r.arg("limit") for r in fake_server.requests} == {"100"}


def test_lemlist_return_all_v2_version_filter_single_page(fake_server):
    fake_server.route("GET", "/campaigns", (200, {}, [{"_id": "cam_1"}, {"_id": "cam_2"}]))
    params = {"resource": "campaign", "operation": "getAll", "returnAll": True, "filters": {"version": "v2"}}
    out = output(ll(fake_server, params, version=2))
    assert [it["json"]["_id"] for it in out] == ["cam_1", "cam_2"]
    assert len(fake_server.requests) == 1
    assert fake_server.last().query == {"version": ["v2"], "limit": ["100"], "offset": ["0"], "page": ["1"]}


def test_lemlist_v2_campaign_stats_team_and_enrich(fake_server):
    fake_server.route("GET", "/campaigns/cam_1/stats", (200, {}, {"nbLeads": 3}))
    params = {"resource": "campaign", "operation": "getStats", "campaignId": "cam_1",
              "startDate": "2024-01-01T00:00:00", "endDate": "2024-02-01T00:00:00", "timezone": "Europe/Paris"}
    assert output(ll(fake_server, params, version=2))[0]["json"] == {"nbLeads": 3}
    assert fake_server.last().query == {"startDate": ["2024-01-01T00:00:00"], "endDate": ["2024-02-01T00:00:00"],
                                        "timezone": ["Europe/Paris"]}

    fake_server.route("GET", "/team/credits", (200, {}, {"credits": 120}))
    assert output(ll(fake_server, {"resource": "team", "operation": "getCredits"}, version=2))[0]["json"] == \
        {"credits": 120}
    fake_server.route("GET", "/team", (200, {}, {"_id": "tea_1", "name": "Team"}))
    assert output(ll(fake_server, {"resource": "team"}, version=2))[0]["json"] == {"_id": "tea_1", "name": "Team"}

    fake_server.route("POST", "/leads/lea_1/enrich/", (200, {}, {"id": "enr_1"}))
    params = {"resource": "enrich", "operation": "enrichLead", "leadId": "lea_1", "findEmail": True}
    assert output(ll(fake_server, params, version=2))[0]["json"] == {"id": "enr_1"}
    req = fake_server.last()
    assert req.query == {"findEmail": ["true"], "verifyEmail": ["false"], "linkedinEnrichment": ["false"],
                         "findPhone": ["false"]}
    assert req.body == b""

    fake_server.route("POST", "/enrich/", (200, {}, {"id": "enr_2"}))
    params = {"resource": "enrich", "operation": "enrichPerson", "verifyEmail": True,
              "additionalFields": {"email": "ann@x.com", "firstName": "Ann"}}
    assert output(ll(fake_server, params, version=2))[0]["json"] == {"id": "enr_2"}
    assert fake_server.last().query == {"email": ["ann@x.com"], "firstName": ["Ann"], "findEmail": ["false"],
                                        "verifyEmail": ["true"], "linkedinEnrichment": ["false"],
                                        "findPhone": ["false"]}

    fake_server.route("GET", "/enrich/enr_1", (200, {}, {"id": "enr_1", "enrichmentStatus": "done"}))
    out = output(ll(fake_server, {"resource": "enrich", "enrichId": "enr_1"}, version=2))
    assert out[0]["json"]["enrichmentStatus"] == "done"


def test_lemlist_unsubscribe_add_and_delete(fake_server):
    fake_server.route("POST", "/unsubscribes/ann@x.com", (200, {}, {"_id": "uns_1", "email": "ann@x.com"}))
    assert output(ll(fake_server, {"resource": "unsubscribe", "email": "ann@x.com"}))[0]["json"]["_id"] == "uns_1"
    fake_server.route("DELETE", "/unsubscribes/ann@x.com", (200, {}, {"_id": "uns_1"}))
    params = {"resource": "unsubscribe", "operation": "delete", "email": "ann@x.com"}
    assert output(ll(fake_server, params))[0]["json"] == {"_id": "uns_1"}


def test_lemlist_api_error_and_continue_on_fail(fake_server):
    fake_server.route("GET", "/leads/nobody@x.com", (404, {}, {"message": "Lead not found"}))
    params = {"resource": "lead", "operation": "get", "email": "={{$json.email}}"}
    err = error(ll(fake_server, params, items=[{"json": {"email": "nobody@x.com"}}]))
    assert err["message"] == "The resource you are requesting could not be found"
    assert err["description"] == "Lead not found"
    fake_server.route("GET", "/leads/ann@x.com", (200, {}, {"_id": "lea_1"}))
    items = [{"json": {"email": "nobody@x.com"}}, {"json": {"email": "ann@x.com"}}]
    out = output(ll(fake_server, params, items=items, continue_on_fail=True))
    assert out == [{"json": {"error": "The resource you are requesting could not be found"}, "pairedItem": {"item": 0}},
                   {"json": {"_id": "lea_1"}, "pairedItem": {"item": 1}}]


def test_lemlist_unsupported_operations(fake_server):
    err = error(ll(fake_server, {"resource": "team", "operation": "getCredits"}, version=1))
    assert err["message"] == "Lemlist: operation 'team/getCredits' is not supported yet"
    err = error(ll(fake_server, {"resource": "lead", "operation": "update"}, version=2))
    assert err["message"] == "Lemlist: operation 'lead/update' is not supported yet"
    assert fake_server.requests == []


# -- Odoo ----------------------------------------------------------------------------------------

OD = "n8n-nodes-base.odoo"


class FakeOdoo:
    """Odoo's /jsonrpc: ``common.login`` and ``object.execute`` on an in-memory database."""

    def __init__(self, db="acme"):
        self.db = db
        self.records = {"res.partner": {1: {"id": 1, "name": "Ann", "email": "ann@x.com", "city": "Paris"}},
                        "crm.lead": {7: {"id": 7, "name": "Deal", "email_from": "bo@x.com", "expected_revenue": 10}},
                        "product.product": {3: {"id": 3, "name": "Mug", "default_code": "SKU1"},
                                            4: {"id": 4, "name": "Cup", "default_code": "SKU2"}}}
        self.calls = []

    def __call__(self, req):
        body = req.json
        assert req.headers["content-type"] == "application/json" and req.headers["user-agent"] == "n8n"
        assert body["jsonrpc"] == "2.0" and body["method"] == "call" and 0 <= body["id"] < 100
        params = body["params"]
        self.calls.append((params["service"], params["method"], params["args"]))
        ok = {"jsonrpc": "2.0", "id": body["id"]}
        if params["service"] == "common" and params["method"] == "login":
            db, user, password = params["args"]
            return 200, {}, {**ok, "result": 2 if (db, user, password) == (self.db, "admin", "pw") else False}
        db, uid, password, model, method, *args = params["args"]
        if (db, uid, password) != (self.db, 2, "pw"):
            return 200, {}, self._error(ok, "odoo.exceptions.AccessDenied", "Access Denied")
        table = self.records.setdefault(model, {})
        if method == "create":
            new_id = max(table, default=0) + 1
            table[new_id] = {"id": new_id, **args[0]}
            return 200, {}, {**ok, "result": new_id}
        if method in ("read", "write", "unlink"):
            missing = [i for i in args[0] if i not in table]
            if missing:
                return 200, {}, self._error(ok, "odoo.exceptions.MissingError",
                                            f"Record does not exist or has been deleted.\n(Record: {model}({missing[0]},))")
            if method == "read":
                return 200, {}, {**ok, "result": [self._fields(table[i], args[1]) for i in args[0]]}
            for i in args[0]:
                table[i].update(args[1]) if method == "write" else table.pop(i)
            return 200, {}, {**ok, "result": True}
        if method == "search_read":
            domain, fields, offset, limit = args
            rows = [r for r in table.values() if all(self._match(r, *cond) for cond in domain)]
            rows = rows[offset:offset + limit] if limit else rows[offset:]
            return 200, {}, {**ok, "result": [self._fields(r, fields) for r in rows]}
        return 200, {}, self._error(ok, "builtins.AttributeError", f"The method '{method}' does not exist")

    @staticmethod
    def _error(ok, name, message):
        return {**ok, "error": {"code": 200, "message": "Odoo Server Error",
                                "data": {"name": name, "debug": "Traceback ...", "message": message,
                                         "arguments": [message], "context": {}}}}

    @staticmethod
    def _fields(row, fields):
        return {k: v for k, v in row.items() if not fields or k in fields or k == "id"}

    @staticmethod
    def _match(row, field, op, value):
        assert op in ("=", "!=", "like"), op
        if op == "like":
            return str(value) in str(row.get(field))
        return (row.get(field) == value) == (op == "=")


def odoo_run(server, params, *, db="acme", items=None, **kw):
    creds = {"odooApi": {"url": server.url + "/", "username": "admin", "password": "pw", "db": db}}
    return run_service(OD, 1, params, credentials=creds, items=items, **kw)


def test_odoo_opportunity_create_logs_in_once(fake_server):
    odoo = FakeOdoo()
    fake_server.route("POST", "/jsonrpc", odoo)
    params = {"resource": "opportunity", "opportunityName": "={{$json.subject}}",
              "additionalFields": {"email_from": "={{$json.from}}", "description": "Hi"}}
    items = [{"json": {"subject": "Quote", "from": "c@x.com"}}, {"json": {"subject": "Order", "from": "d@x.com"}}]
    out = output(odoo_run(fake_server, params, items=items))
    assert out == [{"json": {"id": 8}, "pairedItem": {"item": 0}}, {"json": {"id": 9}, "pairedItem": {"item": 1}}]
    assert odoo.calls[0] == ("common", "login", ["acme", "admin", "pw"])
    assert [c[:2] for c in odoo.calls] == [("common", "login"), ("object", "execute"), ("object", "execute")]
    assert odoo.calls[1][2] == ["acme", 2, "pw", "crm.lead", "create",
                                {"name": "Quote", "email_from": "c@x.com", "description": "Hi"}]


def test_odoo_custom_get_all_filter_limit_and_update(fake_server):
    odoo = FakeOdoo()
    fake_server.route("POST", "/jsonrpc", odoo)
    params = {"limit": 1, "options": {"fieldsList": ["id"]}, "resource": "custom", "operation": "getAll",
              "filterRequest": {"filter": [{"value": "={{ $json.sku }}", "fieldName": "default_code"}]},
              "customResource": "product.product"}
    out = output(odoo_run(fake_server, params, items=[{"json": {"sku": "SKU2"}}, {"json": {"sku": "none"}}]))
    assert out == [{"json": {"id": 4}, "pairedItem": {"item": 0}}]
    assert odoo.calls[1][2] == ["acme", 2, "pw", "product.product", "search_read",
                                [["default_code", "=", "SKU2"]], ["id"], 0, 1]

    params = {"resource": "custom", "operation": "update", "customResource": "product.product",
              "customResourceId": "={{ $json.id }}",
              "fieldsToCreateOrUpdate": {"fields": [{"fieldName": "image_1920", "fieldValue": "aGk="},
                                                    {"fieldName": "name", "fieldValue": "Big cup"}]}}
    out = output(odoo_run(fake_server, params, items=[{"json": {"id": 4}}]))
    assert out == [{"json": {"id": 4}, "pairedItem": {"item": 0}}]
    assert odoo.calls[-1][2][3:] == ["product.product", "write", [4], {"image_1920": "aGk=", "name": "Big cup"}]
    assert odoo.records["product.product"][4]["name"] == "Big cup"


def test_odoo_get_all_return_all_operators_and_contact_crud(fake_server):
    odoo = FakeOdoo()
    fake_server.route("POST", "/jsonrpc", odoo)
    params = {"resource": "custom", "operation": "getAll", "returnAll": True, "customResource": "product.product",
              "filterRequest": {"filter": [{"fieldName": "name", "operator": "notEqual", "value": "Mug"}]}}
    out = output(odoo_run(fake_server, params))
    assert [it["json"]["name"] for it in out] == ["Cup"]
    assert odoo.calls[-1][2][5:] == [[["name", "!=", "Mug"]], [], 0, 0]

    params = {"resource": "contact", "contactName": "Cy", "additionalFields": {
        "email": "cy@x.com", "address": {"value": {"city": "Lyon", "zip": "69000"}}}}
    assert output(odoo_run(fake_server, params))[0]["json"] == {"id": 2}
    assert odoo.records["res.partner"][2] == {"id": 2, "name": "Cy", "email": "cy@x.com", "city": "Lyon",
                                              "zip": "69000"}
    params = {"resource": "contact", "operation": "get", "contactId": "2", "options": {"fieldsList": ["city"]}}
    assert output(odoo_run(fake_server, params))[0]["json"] == {"id": 2, "city": "Lyon"}
    params = {"resource": "contact", "operation": "update", "contactId": "2",
              "updateFields": {"address": {"value": {"city": "Nice"}}}}
    assert output(odoo_run(fake_server, params))[0]["json"] == {"id": "2"}
    assert odoo.calls[-1][2][3:] == ["res.partner", "write", [2], {"city": "Nice"}]
    params = {"resource": "contact", "operation": "delete", "contactId": "2"}
    assert output(odoo_run(fake_server, params))[0]["json"] == {"success": True}
    assert 2 not in odoo.records["res.partner"]
    params = {"resource": "contact", "operation": "getAll", "limit": 5}
    assert [it["json"]["id"] for it in output(odoo_run(fake_server, params))] == [1]
    assert odoo.calls[-1][2][3:] == ["res.partner", "search_read", [], [], 0, 5]


def test_odoo_custom_create_name_value_fields(fake_server):
    odoo = FakeOdoo()
    fake_server.route("POST", "/jsonrpc", odoo)
    params = {"resource": "custom", "customResource": "res.partner",
              "fieldsToCreateOrUpdate": {"fields": [{"fieldName": "name", "fieldValue": "={{ $json.name }}"},
                                                    {"fieldName": "email", "fieldValue": "dee@x.com"},
                                                    {"fieldName": "street"}]}}
    out = output(odoo_run(fake_server, params, items=[{"json": {"name": "Dee"}}]))
    assert out == [{"json": {"id": 2}, "pairedItem": {"item": 0}}]
    assert odoo.calls[-1][2][3:] == ["res.partner", "create", {"name": "Dee", "email": "dee@x.com", "street": ""}]


def test_odoo_note_and_db_from_host(fake_server):
    odoo = FakeOdoo(db="127")  # no db in the credential: the host name's first label
    fake_server.route("POST", "/jsonrpc", odoo)
    out = output(odoo_run(fake_server, {"resource": "note", "memo": "Call back"}, db=""))
    assert out[0]["json"] == {"id": 1}
    assert odoo.calls[0][2][0] == "127" and odoo.records["note.note"][1]["memo"] == "Call back"


def test_odoo_errors_and_continue_on_fail(fake_server):
    odoo = FakeOdoo()
    fake_server.route("POST", "/jsonrpc", odoo)
    params = {"resource": "opportunity", "operation": "get", "opportunityId": "={{$json.id}}"}
    err = error(odoo_run(fake_server, params, items=[{"json": {"id": 99}}]))
    assert err["message"] == "Record does not exist or has been deleted.\n(Record: crm.lead(99,))"
    assert err["name"] == "NodeApiError"
    items = [{"json": {"id": "abc"}}, {"json": {"id": 99}}, {"json": {"id": 7}}]
    out = output(odoo_run(fake_server, params, items=items, continue_on_fail=True))
    assert out == [{"json": {"error": "Please specify a valid ID: abc"}, "pairedItem": {"item": 0}},
                   {"json": {"error": "Record does not exist or has been deleted.\n(Record: crm.lead(99,))"},
                    "pairedItem": {"item": 1}},
                   {"json": {"id": 7, "name": "Deal", "email_from": "bo@x.com", "expected_revenue": 10},
                    "pairedItem": {"item": 2}}]
    params = {"resource": "opportunity", "operation": "update", "opportunityId": "7", "updateFields": {}}
    assert error(odoo_run(fake_server, params))["message"] == "Please specify at least one field to update"


def test_odoo_bad_password_fails_with_access_denied(fake_server):
    odoo = FakeOdoo()
    fake_server.route("POST", "/jsonrpc", odoo)
    creds = {"odooApi": {"url": fake_server.url, "username": "admin", "password": "wrong", "db": "acme"}}
    run = run_service(OD, 1, {"resource": "contact", "operation": "getAll"}, credentials=creds)
    assert error(run)["message"] == "Access Denied"
    assert odoo.calls[1][2][:3] == ["acme", False, "wrong"]


def test_odoo_unsupported(fake_server):
    err = error(odoo_run(fake_server, {"resource": "invoice", "operation": "get"}))
    assert err["message"] == "Odoo: operation 'invoice/get' is not supported yet"
    assert fake_server.requests == []
