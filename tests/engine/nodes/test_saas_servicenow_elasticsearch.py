"""ServiceNow and Elasticsearch nodes against local fakes of their REST APIs."""

from __future__ import annotations

import base64

from svc_harness import error, output, run_service

pytest_plugins = ("fakes",)

SN_BASIC = {"serviceNowBasicApi": {"user": "admin", "password": "pw", "subdomain": "dev1"}}
SN_OAUTH = {"serviceNowOAuth2Api": {"subdomain": "dev1", "oauthTokenData": {"access_token": "sn-token"}}}
BASIC_HEADER = "Basic " + base64.b64encode(b"admin:pw").decode()


def sn(server, params, *, credentials=None, **kw):
    params = {"authentication": "basicAuth", **params} if credentials is None else params
    return run_service("n8n-nodes-base.serviceNow", 1, params, credentials=credentials or SN_BASIC,
                       base_urls={"servicenow": server.url}, **kw)


def test_servicenow_incident_get_all_limit(fake_server):
    rows = [{"number": "INC001", "sys_id": "a"}, {"number": "INC002", "sys_id": "b"}]
    fake_server.route("GET", "/now/table/incident", (200, {}, {"result": rows}))
    params = {"resource": "incident", "operation": "getAll", "limit": 2,
              "options": {"sysparm_query": "GOTOnumber=INC001", "sysparm_display_value": "true",
                          "sysparm_fields": ["number", "sys_id"], "sysparm_exclude_reference_link": True}}
    items = output(sn(fake_server, params))
    assert items == [{"json": rows[0], "pairedItem": {"item": 0}}, {"json": rows[1], "pairedItem": {"item": 0}}]
    req = fake_server.last()
    assert req.headers["authorization"] == BASIC_HEADER
    assert req.query == {"sysparm_query": ["GOTOnumber=INC001"], "sysparm_display_value": ["true"],
                         "sysparm_fields": ["number,sys_id"], "sysparm_exclude_reference_link": ["true"],
                         "sysparm_limit": ["2"]}


def test_servicenow_get_all_return_all_pages_by_total_count(fake_server):
    def page(req):
        offset = int(req.arg("sysparm_offset", "0"))
        assert req.arg("sysparm_limit") == "100" and req.arg("sysparm_query") == "active=true"
        return 200, {"X-Total-Count": "250"}, {"result": [{"n": offset}, {"n": offset + 1}]}

    fake_server.route("GET", "/now/table/sys_user_group", page)
    params = {"resource": "userGroup", "operation": "getAll", "returnAll": True,
              "options": {"sysparm_query": "active=true"}}
    items = output(sn(fake_server, params))
    # n8n: Math.round(250 / 100) + 1 = 4 requests (offsets 0, 100, 200, 300)
    assert [it["json"]["n"] for it in items] == [0, 1, 100, 101, 200, 201, 300, 301]
    offsets = [r.arg("sysparm_offset") for r in fake_server.requests]
    assert offsets == [None, "100", "200", "300"]


def test_servicenow_incident_create_update_delete_get_oauth(fake_server):
    created = {"sys_id": "s1", "short_description": "Printer down", "urgency": "2"}
    fake_server.route("POST", "/now/table/incident", (201, {}, {"result": created}))
    fake_server.route("PATCH", "/now/table/incident/s1", (200, {}, {"result": {**created, "state": "2"}}))
    fake_server.route("DELETE", "/now/table/incident/s1", (204, {}, None))
    fake_server.route("GET", "/now/table/incident/s1", (200, {}, {"result": created}))
    items = output(sn(fake_server, {"resource": "incident", "operation": "create", "short_description": "Printer down",
                                    "additionalFields": {"urgency": 2}}, credentials=SN_OAUTH))
    assert items == [{"json": created, "pairedItem": {"item": 0}}]
    req = fake_server.last()
    assert req.headers["authorization"] == "Bearer sn-token"
    assert req.json == {"short_description": "Printer down", "urgency": 2}
    items = output(sn(fake_server, {"resource": "incident", "operation": "update", "id": "s1",
                                    "updateFields": {"state": "2"}}, credentials=SN_OAUTH))
    assert items[0]["json"]["state"] == "2" and fake_server.last().json == {"state": "2"}
    items = output(sn(fake_server, {"resource": "incident", "operation": "delete", "id": "s1"}, credentials=SN_OAUTH))
    assert items == [{"json": {"success": True}, "pairedItem": {"item": 0}}]
    assert fake_server.last().body == b""
    items = output(sn(fake_server, {"resource": "incident", "operation": "get", "id": "s1",
                                    "options": {"sysparm_display_value": "all"}}, credentials=SN_OAUTH))
    assert items[0]["json"] == created and fake_server.last().query == {"sysparm_display_value": ["all"]}


def test_servicenow_user_get_by_name_and_table_record_map_input(fake_server):
    fake_server.route("GET", "/now/table/sys_user", (200, {}, {"result": [{"user_name": "bob"}]}))
    items = output(sn(fake_server, {"resource": "user", "operation": "get", "getOption": "user_name",
                                    "user_name": "bob"}))
    assert items == [{"json": {"user_name": "bob"}, "pairedItem": {"item": 0}}]
    assert fake_server.last().query == {"sysparm_query": ["user_name=bob"], "sysparm_limit": ["1"]}
    fake_server.route("POST", "/now/table/u_asset", (201, {}, {"result": {"sys_id": "r1"}}))
    items = output(sn(fake_server, {"resource": "tableRecord", "operation": "create", "tableName": "u_asset",
                                    "dataToSend": "mapInput", "inputsToIgnore": "skip, other"},
                      items=[{"json": {"name": "laptop", "skip": 1, "other": 2}}]))
    assert items[0]["json"] == {"sys_id": "r1"} and fake_server.last().json == {"name": "laptop"}
    fake_server.route("PATCH", "/now/table/u_asset/r1", (200, {}, {"result": {"sys_id": "r1"}}))
    output(sn(fake_server, {"resource": "tableRecord", "operation": "update", "tableName": "u_asset", "id": "r1",
                            "fieldsToSend": {"field": [{"column": "name", "value": "pc"}]}}))
    assert fake_server.last().json == {"name": "pc"}


def test_servicenow_attachment_get_with_download(fake_server):
    meta = {"sys_id": "att1", "file_name": "a.txt", "content_type": "text/plain"}
    fake_server.route("GET", "/now/attachment/att1", (200, {}, {"result": meta}))
    fake_server.route("GET", "/now/attachment/att1/file", (200, {"Content-Type": "text/plain"}, b"hello"))
    items = output(sn(fake_server, {"resource": "attachment", "operation": "get", "attachmentId": "att1",
                                    "download": True}))
    assert items[0]["json"] == meta and items[0]["pairedItem"] == {"item": 0}
    assert base64.b64decode(items[0]["binary"]["data"]["data"]) == b"hello"
    assert items[0]["binary"]["data"]["fileName"] == "a.txt"


def test_servicenow_api_error_and_continue_on_fail(fake_server):
    body = {"error": {"message": "No Record found", "detail": "Record doesn't exist"}, "status": "failure"}
    fake_server.route("GET", "/now/table/incident/nope", (404, {}, body))
    params = {"resource": "incident", "operation": "get", "id": "nope"}
    err = error(sn(fake_server, params))
    assert err["message"] == "The resource you are requesting could not be found"
    assert err["description"] == "No Record found"
    items = output(sn(fake_server, params, continue_on_fail=True))
    assert items == [{"json": {"error": "The resource you are requesting could not be found"},
                      "pairedItem": {"item": 0}}]


def test_servicenow_unsupported_operation_and_missing_credential(fake_server):
    err = error(sn(fake_server, {"resource": "userRole", "operation": "create"}))
    assert err["message"] == "ServiceNow: operation 'userRole/create' is not supported yet"
    # a literal (non-expression) authentication value is not 'basicAuth': n8n asks for the OAuth2 credential
    err = error(sn(fake_server, {"authentication": "{{ $credentials.basicAuth }}", "resource": "incident",
                                 "operation": "getAll"}, credentials=SN_BASIC))
    assert "serviceNowOAuth2Api" in err["message"]
