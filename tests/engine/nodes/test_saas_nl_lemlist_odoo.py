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
