"""HubSpot node against a local fake of HubSpot's REST API."""

from __future__ import annotations

from svc_harness import error, output, run_service

pytest_plugins = ("fakes",)

APP = {"hubspotAppToken": {"appToken": "pat-1"}}
PROFILE = {"vid": 51, "properties": {"email": {"value": "a@x.io"}, "firstname": {"value": "Ann"}}}


def run(server, version, params, creds=APP, **kw):
    return run_service("n8n-nodes-base.hubspot", version, params, credentials=creds,
                       base_urls={"hubspot": server.url}, **kw)


def test_contact_upsert_sends_properties_then_resolves_profile(fake_server):
    fake_server.route("POST", "/contacts/v1/contact/createOrUpdate/email/a@x.io", (200, {}, {"vid": 51, "isNew": True}))
    fake_server.route("GET", "/contacts/v1/contact/vid/51/profile", (200, {}, PROFILE))
    params = {"authentication": "appToken", "resource": "contact", "operation": "upsert", "email": "a@x.io",
              "additionalFields": {"firstName": "Ann", "annualRevenue": 5, "buyingRole": ["A", "B"],
                                   "customPropertiesUi": {"customPropertiesValues": [{"property": "x", "value": "y"}]}}}
    items = output(run(fake_server, 2.1, params))
    assert items == [{"json": {**PROFILE, "isNew": True}, "pairedItem": {"item": 0}}]
    post = fake_server.last("POST")
    assert post.headers["authorization"] == "Bearer pat-1"
    assert post.json == {"properties": [{"property": "annualrevenue", "value": "5"},
                                        {"property": "firstname", "value": "Ann"},
                                        {"property": "hs_buying_role", "value": "A;B"},
                                        {"property": "x", "value": "y"}]}


def test_contact_upsert_v2_resolve_data_option_skips_profile(fake_server):
    fake_server.route("POST", "/contacts/v1/contact/createOrUpdate/email/a@x.io", (200, {}, {"vid": 51, "isNew": False}))
    params = {"authentication": "appToken", "resource": "contact", "operation": "upsert", "email": "a@x.io",
              "options": {"resolveData": True}}
    items = output(run(fake_server, 2, params))
    assert items[0]["json"] == {"vid": 51, "isNew": False}
    assert len(fake_server.requests) == 1


def test_api_key_goes_in_hapikey_and_getall_limit(fake_server):
    fake_server.route("GET", "/contacts/v1/lists/all/contacts/all",
                      (200, {}, {"contacts": [{"vid": 1}, {"vid": 2}], "has-more": True, "vid-offset": 2}))
    params = {"resource": "contact", "operation": "getAll", "returnAll": False, "limit": 2}
    items = output(run(fake_server, 1, params, creds={"hubspotApi": {"apiKey": "k9"}}))
    assert [it["json"] for it in items] == [{"vid": 1}, {"vid": 2}]
    req = fake_server.last()
    assert req.arg("hapikey") == "k9" and req.arg("count") == "2"


def test_deal_search_paginates_with_after_and_strips_filter_type(fake_server):
    def search(req):
        if req.json.get("after") == "2":
            return 200, {}, {"results": [{"id": "3"}]}
        return 200, {}, {"results": [{"id": "1"}, {"id": "2"}], "paging": {"next": {"after": "2"}}}

    fake_server.route("POST", "/crm/v3/objects/deals/search", search)
    params = {"authentication": "appToken", "resource": "deal", "operation": "search", "returnAll": True,
              "filterGroupsUi": {"filterGroupsValues": [{"filtersUi": {"filterValues": [
                  {"propertyName": "amount|number", "type": "number", "operator": "GT", "value": "10"}]}}]},
              "additionalFields": {"sortBy": "amount"}}
    items = output(run(fake_server, 2.1, params))
    assert [it["json"]["id"] for it in items] == ["1", "2", "3"]
    first = fake_server.requests[0].json
    assert first["filterGroups"] == [{"filters": [{"propertyName": "amount", "operator": "GT", "value": "10"}]}]
    assert first["sorts"] == [{"propertyName": "amount", "direction": "DESCENDING"}]
    assert first["limit"] == 100 and "after" not in first


def test_deal_create_and_update(fake_server):
    fake_server.route("POST", "/deals/v1/deal", (200, {}, {"dealId": 7}))
    params = {"authentication": "appToken", "resource": "deal", "operation": "create", "stage": "won",
              "additionalFields": {"dealName": "Big", "amount": "100", "associatedVids": [51],
                                   "closeDate": "2024-01-02T00:00:00Z"}}
    assert output(run(fake_server, 2.1, params))[0]["json"] == {"dealId": 7}
    assert fake_server.last().json == {
        "properties": [{"name": "dealstage", "value": "won"}, {"name": "dealname", "value": "Big"},
                       {"name": "closedate", "value": 1704153600000}, {"name": "amount", "value": "100"}],
        "associations": {"associatedVids": [51]}}
    fake_server.route("PUT", "/deals/v1/deal/7", (200, {}, {"dealId": 7, "ok": 1}))
    params = {"authentication": "appToken", "resource": "deal", "operation": "update",
              "dealId": {"__rl": True, "mode": "id", "value": "7"}, "updateFields": {"stage": "lost"}}
    assert output(run(fake_server, 2.1, params))[0]["json"] == {"dealId": 7, "ok": 1}
    assert fake_server.last().json == {"properties": [{"name": "dealstage", "value": "lost"}]}


def test_company_delete_without_body_and_engagement_create(fake_server):
    fake_server.route("DELETE", "/crm/v3/objects/companies/9", (204, {}, None))
    params = {"authentication": "appToken", "resource": "company", "operation": "delete",
              "companyId": {"__rl": True, "mode": "id", "value": "9"}}
    assert output(run(fake_server, 2, params))[0]["json"] == {"vid": "9", "deleted": True}
    fake_server.route("POST", "/engagements/v1/engagements", (200, {}, {"engagement": {"id": 3}}))
    params = {"authentication": "appToken", "resource": "engagement", "operation": "create", "type": "task",
              "metadata": {"subject": "Call back", "status": "NOT_STARTED"},
              "additionalFields": {"associations": {"contactIds": "1,2"}}}
    assert output(run(fake_server, 2, params))[0]["json"] == {"engagement": {"id": 3}}
    assert fake_server.last().json == {"engagement": {"type": "TASK"},
                                       "metadata": {"subject": "Call back", "status": "NOT_STARTED"},
                                       "associations": {"contactIds": ["1", "2"]}}


def test_oauth2_and_unsupported_operation(fake_server):
    fake_server.route("GET", "/deals/v1/deal/4", (200, {}, {"dealId": 4}))
    creds = {"hubspotOAuth2Api": {"oauthTokenData": {"access_token": "oa"}}}
    params = {"authentication": "oAuth2", "resource": "deal", "operation": "get",
              "dealId": {"__rl": True, "mode": "id", "value": "4"}}
    assert output(run(fake_server, 2, params, creds=creds))[0]["json"] == {"dealId": 4}
    assert fake_server.last().headers["authorization"] == "Bearer oa"
    err = error(run(fake_server, 2, {"authentication": "appToken", "resource": "contactList", "operation": "add"}))
    assert "not supported yet" in err["message"]


def test_api_error_under_continue_on_fail(fake_server):
    fake_server.route("GET", "/deals/v1/deal/4", (404, {}, {"message": "resource not found"}))
    params = {"authentication": "appToken", "resource": "deal", "operation": "get",
              "dealId": {"__rl": True, "mode": "id", "value": "4"}}
    items = output(run(fake_server, 2, params, continue_on_fail=True))
    assert items[0]["json"]["error"]
