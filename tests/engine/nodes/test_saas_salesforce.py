"""Salesforce node (REST API v59.0, OAuth2 and JWT) against a local fake instance."""

from __future__ import annotations

import json
from typing import Any

import pytest
from svc_harness import error, output, run_service

from automatelanka.engine.binary import prepare_binary
from automatelanka.engine.nodes.salesforce import get_query

pytest_plugins = ("fakes",)

API = "/services/data/v59.0"
TOKEN = "00Dxx!sf-token"


def sf(server, params, **kw):
    creds = {"salesforceOAuth2Api": {"oauthTokenData": {"access_token": TOKEN, "instance_url": server.url}}}
    return run_service("n8n-nodes-base.salesforce", 1, params, credentials=creds, **kw)


def authed(handler):
    """A route handler that answers 401 like Salesforce unless the bearer token is right."""
    def run(req):
        if req.headers.get("authorization") != f"Bearer {TOKEN}":
            return 401, {}, [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}]
        return handler(req)
    return run


def created(record_id: str):
    return authed(lambda req: (201, {}, {"id": record_id, "success": True, "errors": []}))


def test_lead_create_sends_required_and_additional_fields(fake_server):
    fake_server.route("POST", f"{API}/sobjects/lead", created("00Q1"))
    params = {"company": "CompanyInc", "lastname": "DudeOne",
              "additionalFields": {"email": "a@b.c", "owner": "005x", "firstname": "Al", "hasOptedOutOfFax": False,
                                   "customFieldsUi": {"customFieldsValues": [{"fieldId": "Tier__c", "value": "Gold"}]}}}
    items = output(sf(fake_server, params))
    assert items == [{"json": {"id": "00Q1", "success": True, "errors": []}, "pairedItem": {"item": 0}}]
    req = fake_server.last()
    assert req.headers["content-type"] == "application/json"
    assert req.json == {"Company": "CompanyInc", "LastName": "DudeOne", "HasOptedOutOfFax": False, "Email": "a@b.c",
                        "OwnerId": "005x", "FirstName": "Al", "Tier__c": "Gold"}


def test_lead_update_and_add_note(fake_server):
    fake_server.route("PATCH", f"{API}/sobjects/lead/00Q1", authed(lambda req: (204, {}, None)))
    items = output(sf(fake_server, {"operation": "update", "leadId": "00Q1", "updateFields": {"city": "Berlin"}}))
    assert items == [{"json": {"errors": [], "success": True}, "pairedItem": {"item": 0}}]
    assert fake_server.last().json == {"City": "Berlin"}
    fake_server.route("POST", f"{API}/sobjects/note", created("002n"))
    params = {"operation": "addNote", "leadId": "00Q1", "title": "Deal Won!", "options": {"body": "", "isPrivate": True}}
    assert output(sf(fake_server, params))[0]["json"]["id"] == "002n"
    assert fake_server.last().json == {"Title": "Deal Won!", "ParentId": "00Q1", "IsPrivate": True}
    err = error(sf(fake_server, {"operation": "update", "leadId": "00Q1", "updateFields": {}}))
    assert err["message"] == "You must add at least one update field"


def test_contact_upsert_by_external_id(fake_server):
    fake_server.route("PATCH", f"{API}/sobjects/contact/Email/jo@x.org",
                      authed(lambda req: (201, {}, {"id": "003c", "success": True, "errors": [], "created": True})))
    params = {"resource": "contact", "operation": "upsert", "lastname": "Doe", "externalId": "Email",
              "externalIdValue": "jo@x.org",
              "additionalFields": {"email": "jo@x.org", "firstName": "Jo", "acconuntId": "001a"}}
    items = output(sf(fake_server, params))
    assert items[0]["json"] == {"id": "003c", "success": True, "errors": [], "created": True}
    assert fake_server.last().json == {"LastName": "Doe", "AccountId": "001a", "FirstName": "Jo"}


def test_account_create_get_delete_and_opportunity_get(fake_server):
    fake_server.route("POST", f"{API}/sobjects/account", created("001a"))
    items = output(sf(fake_server, {"resource": "account", "name": "Acme", "additionalFields": {}}))
    assert items[0]["json"]["id"] == "001a" and fake_server.last().json == {"Name": "Acme"}
    account = {"attributes": {"type": "Account"}, "Id": "001a", "Name": "Acme"}
    fake_server.route("GET", f"{API}/sobjects/account/001a", authed(lambda req: (200, {}, account)))
    assert output(sf(fake_server, {"resource": "account", "operation": "get", "accountId": "001a"}))[0]["json"] == account
    assert fake_server.last().body == b""
    opp = {"Id": "006o", "AccountId": "001a", "StageName": "Prospecting"}
    fake_server.route("GET", f"{API}/sobjects/opportunity/006o", authed(lambda req: (200, {}, opp)))
    items = output(sf(fake_server, {"resource": "opportunity", "operation": "get", "opportunityId": "006o"}))
    assert items == [{"json": opp, "pairedItem": {"item": 0}}]
    fake_server.route("DELETE", f"{API}/sobjects/account/001a", authed(lambda req: (204, {}, None)))
    items = output(sf(fake_server, {"resource": "account", "operation": "delete", "accountId": "001a"}))
    assert items[0]["json"] == {"errors": [], "success": True}


def test_search_query_follows_next_records_url(fake_server):
    page1 = {"totalSize": 3, "done": False, "nextRecordsUrl": f"{API}/query/01gD0000002HU6KIAW-2000",
             "records": [{"Id": "1", "Name": "A"}, {"Id": "2", "Name": "B"}]}
    page2 = {"totalSize": 3, "done": True, "records": [{"Id": "3", "Name": "C"}]}
    fake_server.route("GET", f"{API}/query", authed(lambda req: (200, {}, page1)))
    fake_server.route("GET", f"{API}/query/01gD0000002HU6KIAW-2000", authed(lambda req: (200, {}, page2)))
    query = "SELECT id, Name FROM Account WHERE Name = 'Acme'"
    items = output(sf(fake_server, {"resource": "search", "query": query}))
    assert [it["json"]["Id"] for it in items] == ["1", "2", "3"]
    assert all(it["pairedItem"] == {"item": 0} for it in items)
    assert [r.arg("q") for r in fake_server.requests] == [query, query]


def test_get_all_limit_builds_soql(fake_server):
    fake_server.route("GET", f"{API}/query", authed(lambda req: (200, {}, {"done": True, "records": [{"Id": "00Q1"}]})))
    items = output(sf(fake_server, {"operation": "getAll", "limit": 5, "options": {}}))
    assert items == [{"json": {"Id": "00Q1"}, "pairedItem": {"item": 0}}]
    assert fake_server.last().arg("q") == \
        "SELECT id,company,firstname,lastname,street,postalCode,city,email,status FROM Lead  LIMIT 5"
    params = {"resource": "customObject", "operation": "getAll", "customObject": "Gong__Gong_Call__c", "returnAll": True,
              "options": {"fields": ["Name", "CreatedDate"], "conditionsUi": {"conditionValues": [
                  {"field": "CreatedDate", "value": "2024-05-01T10:00:00.000+00:00", "operation": ">="},
                  {"field": "Name", "value": "Call 1"}]}}}
    output(sf(fake_server, params))
    assert fake_server.last().arg("q") == ("SELECT Name,CreatedDate FROM Gong__Gong_Call__c WHERE CreatedDate >= "
                                           "2024-05-01T10:00:00.000+00:00 AND Name = 'Call 1'")


def test_get_query_values_as_moment_reads_them():
    def q(value: Any) -> str:
        return get_query({"conditionsUi": {"conditionValues": [{"field": "F", "operation": "<", "value": value}]}},
                         "Case", True)
    assert q(5) == "SELECT id,accountId,contactId,priority,status,subject,type FROM Case WHERE F < 5"
    assert q("2024-01-31").endswith("F < 2024-01-31")
    assert q("2024-13-31").endswith("F < '2024-13-31'")
    assert q("Acme").endswith("F < 'Acme'")
    assert q(True).endswith("F < true")
    assert get_query({"fields": "Id,Name"}, "Foo__c", False, 10) == "SELECT Id,Name FROM Foo__c  LIMIT 10"


def test_api_error_message_and_continue_on_fail(fake_server):
    body = [{"message": "Required fields are missing: [LastName]", "errorCode": "REQUIRED_FIELD_MISSING",
             "fields": ["LastName"]}]
    fake_server.route("POST", f"{API}/sobjects/contact", authed(lambda req: (400, {}, body)))
    err = error(sf(fake_server, {"resource": "contact", "lastname": "", "additionalFields": {}}))
    assert err["message"] == "Bad request - please check your parameters"
    assert err["description"] == "Required fields are missing: [LastName]"
    items = output(sf(fake_server, {"resource": "contact", "lastname": "", "additionalFields": {}},
                      continue_on_fail=True))
    assert items == [{"json": {"error": "Bad request - please check your parameters"}, "pairedItem": {"item": 0}}]


def test_unsupported_operation_and_missing_instance_url(fake_server):
    err = error(sf(fake_server, {"resource": "task", "operation": "addNote"}))
    assert err["message"] == "Salesforce: operation 'task/addNote' is not supported yet"
    creds = {"salesforceOAuth2Api": {"oauthTokenData": {"access_token": TOKEN}}}
    err = error(run_service("n8n-nodes-base.salesforce", 1, {"resource": "user", "userId": "005u"}, credentials=creds))
    assert "no instance URL" in err["message"]


def test_attachment_create_sends_base64_body(fake_server):
    fake_server.route("POST", f"{API}/sobjects/attachment", created("00Pa"))
    item = {"json": {}, "binary": {"file": prepare_binary(b"hello", "note.txt", "text/plain")}}
    params = {"resource": "attachment", "name": "note.txt", "parentId": "001a", "binaryPropertyName": "file",
              "additionalFields": {"description": "d"}}
    output(sf(fake_server, params, items=[item]))
    assert fake_server.last().json == {"Name": "note.txt", "ParentId": "001a", "Body": "aGVsbG8=",
                                       "ContentType": "text/plain", "Description": "d"}
    err = error(sf(fake_server, {**params, "binaryPropertyName": "nope"}, items=[item]))
    assert err["message"] == "The property nope does not exist"


def test_task_case_and_flow(fake_server):
    fake_server.route("POST", f"{API}/sobjects/task", created("00Tt"))
    params = {"resource": "task", "status": "Not Started", "additionalFields": {"type": "Call", "subject": "Ring"}}
    output(sf(fake_server, params))
    assert fake_server.last().json == {"Status": "Not Started", "TaskSubtype": "Call", "Subject": "Ring"}
    fake_server.route("POST", f"{API}/sobjects/casecomment", created("00ac"))
    output(sf(fake_server, {"resource": "case", "operation": "addComment", "caseId": "500c",
                            "options": {"commentBody": "hi"}}))
    assert fake_server.last().json == {"ParentId": "500c", "CommentBody": "hi"}
    actions = {"actions": [{"label": "A", "name": "a"}, {"label": "B", "name": "b"}]}
    fake_server.route("GET", f"{API}/actions/custom/flow", authed(lambda req: (200, {}, actions)))
    items = output(sf(fake_server, {"resource": "flow", "operation": "getAll", "limit": 1}))
    assert [it["json"] for it in items] == [{"label": "A", "name": "a"}]
    result = [{"actionName": "a", "isSuccess": True, "outputValues": {}}]
    fake_server.route("POST", f"{API}/actions/custom/flow/a", authed(lambda req: (200, {}, result)))
    items = output(sf(fake_server, {"resource": "flow", "apiName": "a",
                                    "variablesUi": {"variablesValues": [{"name": "x", "value": "1"}]}}))
    assert items == [{"json": result[0], "pairedItem": {"item": 0}}]
    assert fake_server.last().json == {"inputs": [{"x": "1"}]}


@pytest.fixture(scope="module")
def rsa_key():
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return pem, public


def test_jwt_flow_exchanges_assertion_then_uses_instance_url(fake_server, rsa_key):
    import jwt as pyjwt

    pem, public = rsa_key
    seen: dict[str, Any] = {}

    @fake_server.route("POST", "/services/oauth2/token")
    def token(req):
        form = req.form
        assert req.headers["content-type"] == "application/x-www-form-urlencoded"
        assert form["grant_type"] == ["urn:ietf:params:oauth:grant-type:jwt-bearer"]
        seen["claims"] = pyjwt.decode(form["assertion"][0], public, algorithms=["RS256"],
                                      audience="https://test.salesforce.com")
        seen["header"] = pyjwt.get_unverified_header(form["assertion"][0])
        return 200, {}, {"access_token": "jwt-token", "instance_url": fake_server.url, "token_type": "Bearer"}

    user = {"Id": "005u", "Name": "Ada"}
    fake_server.route("GET", f"{API}/sobjects/user/005u",
                      lambda req: (200, {}, user) if req.headers.get("authorization") == "Bearer jwt-token"
                      else (401, {}, [{"message": "bad", "errorCode": "INVALID_SESSION_ID"}]))
    creds = {"salesforceJwtApi": {"environment": "sandbox", "clientId": "3MVG9", "username": "ada@x.org",
                                  "privateKey": pem}}
    items = output(run_service("n8n-nodes-base.salesforce", 1,
                               {"authentication": "jwt", "resource": "user", "userId": "005u"},
                               credentials=creds, base_urls={"salesforceLogin": fake_server.url}))
    assert items == [{"json": user, "pairedItem": {"item": 0}}]
    claims = seen["claims"]
    assert (claims["iss"], claims["sub"], claims["aud"]) == ("3MVG9", "ada@x.org", "https://test.salesforce.com")
    assert claims["exp"] - claims["iat"] == 180
    assert seen["header"] == {"alg": "RS256", "typ": "JWT"}


def test_document_upload_is_multipart(fake_server):
    fake_server.route("POST", f"{API}/sobjects/ContentVersion", created("068d"))
    item = {"json": {}, "binary": {"data": prepare_binary(b"%PDF-1", "r.pdf", "application/pdf")}}
    params = {"resource": "document", "title": "Report", "additionalFields": {"linkToObjectId": "001a"}}
    items = output(sf(fake_server, params, items=[item]))
    assert items[0]["json"]["id"] == "068d"
    req = fake_server.last()
    assert req.headers["content-type"].startswith("multipart/form-data; boundary=")
    text = req.body.decode("latin-1")
    entity = json.dumps({"Title": "Report", "ContentLocation": "S", "FirstPublishLocationId": "001a",
                         "PathOnClient": "Report.pdf"}, separators=(",", ":"))
    assert 'name="entity_content"' in text and entity in text
    assert 'name="VersionData"; filename="Report.pdf"' in text and "%PDF-1" in text


def test_oauth2_token_refreshed_once_on_401(fake_server):
    fake_server.route("GET", f"{API}/sobjects/case/500c",
                      lambda req: (200, {}, {"Id": "500c"}) if req.headers.get("authorization") == "Bearer fresh"
                      else (401, {}, [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}]))
    fresh = {"oauthTokenData": {"access_token": "fresh", "instance_url": fake_server.url}}
    calls: list[str] = []

    def refresh(kind, ref):
        calls.append(kind)
        return fresh
    items = output(sf(fake_server, {"resource": "case", "operation": "get", "caseId": "500c"}, refresh=refresh))
    assert items[0]["json"] == {"Id": "500c"} and calls == ["salesforceOAuth2Api"]
    err = error(sf(fake_server, {"resource": "case", "operation": "get", "caseId": "500c"}))
    assert err["message"] == "Authorization failed - please check your credentials"
    assert err["description"] == "Session expired or invalid"
