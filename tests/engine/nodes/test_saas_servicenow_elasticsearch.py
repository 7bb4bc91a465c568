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


# -- Elasticsearch ---------------------------------------------------------------------------------

ES = {"elasticsearchApi": {"username": "elastic", "password": "pw", "baseUrl": "https://es.example:9243/"}}
ES_BASIC = "Basic " + base64.b64encode(b"elastic:pw").decode()


def es(server, params, **kw):
    return run_service("n8n-nodes-base.elasticsearch", 1, params, credentials=ES,
                       base_urls={"elasticsearch": server.url}, **kw)


def test_elasticsearch_create_define_below_like_the_corpus(fake_server):
    answer = {"_index": "images", "_id": "abc", "_version": 1, "result": "created"}
    fake_server.route("POST", "/images/_doc", (201, {}, answer))
    params = {"indexId": "images", "operation": "create", "options": {}, "additionalFields": {},
              "fieldsUi": {"fieldValues": [{"fieldId": "label", "fieldValue": "cat"},
                                           {"fieldId": "image_url", "fieldValue": "https://x/cat.png"}]}}
    items = output(es(fake_server, params, items=[{"json": {"a": 1}}, {"json": {"a": 2}}]))
    assert items == [{"json": answer, "pairedItem": {"item": 0}}, {"json": answer, "pairedItem": {"item": 1}}]
    req = fake_server.last()
    assert req.headers["authorization"] == ES_BASIC
    assert req.json == {"label": "cat", "image_url": "https://x/cat.png"} and req.query == {}


def test_elasticsearch_create_with_id_auto_map_and_update(fake_server):
    fake_server.route("PUT", "/my%20index/_doc/d1", (200, {}, {"_id": "d1", "result": "created"}))
    params = {"indexId": "my index", "operation": "create", "dataToSend": "autoMapInputData",
              "inputsToIgnore": "skip", "additionalFields": {"documentId": "d1", "routing": "r"}}
    items = output(es(fake_server, params, items=[{"json": {"name": "n", "skip": True}}]))
    assert items[0]["json"] == {"_id": "d1", "result": "created"}
    req = fake_server.last()
    assert req.json == {"name": "n"} and req.query == {}  # n8n builds but never sends the query
    fake_server.route("POST", "/idx/_update/d1", (200, {}, {"_id": "d1", "result": "updated"}))
    params = {"indexId": "idx", "documentId": "d1", "operation": "update",
              "fieldsUi": {"fieldValues": [{"fieldId": "name", "fieldValue": "m"}]}}
    items = output(es(fake_server, params))
    assert items[0]["json"]["result"] == "updated" and fake_server.last().json == {"doc": {"name": "m"}}


def test_elasticsearch_get_simple_and_get_all_limit(fake_server):
    fake_server.route("GET", "/idx/_doc/d1", (200, {}, {"_index": "idx", "_id": "d1", "found": True,
                                                       "_source": {"name": "n"}}))
    items = output(es(fake_server, {"indexId": "idx", "documentId": "d1",
                                    "options": {"_source_includes": "name"}}))
    assert items == [{"json": {"_id": "d1", "name": "n"}, "pairedItem": {"item": 0}}]
    assert fake_server.last().query == {"_source_includes": ["name"], "_source": ["true"]}
    hits = {"hits": {"total": {"value": 2}, "hits": [{"_id": "1", "_source": {"a": 1}}, {"_id": "2", "_source": {"a": 2}}]}}
    fake_server.route("POST", "/idx/_search", (200, {}, hits))
    params = {"indexId": "idx", "operation": "getAll", "limit": 2, "simple": False,
              "options": {"query": '{"query": {"match": {"a": 1}}}'}}
    items = output(es(fake_server, params))
    assert [it["json"] for it in items] == hits["hits"]["hits"]
    req = fake_server.last()
    assert req.json == {"query": {"match": {"a": 1}}}
    assert req.query == {"_source": ["true"], "size": ["2"]}


def test_elasticsearch_get_all_return_all_with_sort_uses_pit(fake_server):
    calls = []

    def search(req):
        calls.append(req.json)
        page = len(calls)
        if page == 1:
            return 200, {}, {"pit_id": "p2", "hits": {"hits": [{"_id": "1", "_source": {}, "sort": [1]}]}}
        if page == 2:
            return 200, {}, {"pit_id": "p3", "hits": {"hits": [{"_id": "2", "_source": {}, "sort": [2]}]}}
        return 200, {}, {"pit_id": "p4", "hits": {"hits": []}}

    fake_server.route("POST", "/idx/_pit", (200, {}, {"id": "p1"}))
    fake_server.route("POST", "/_search", search)
    fake_server.route("DELETE", "/_pit", (200, {}, {"succeeded": True}))
    params = {"indexId": "idx", "operation": "getAll", "returnAll": True, "options": {"sort": "a:asc"}}
    items = output(es(fake_server, params))
    assert [it["json"] for it in items] == [{"_id": "1"}, {"_id": "2"}]
    assert fake_server.last("POST", "/idx/_pit").query == {"keep_alive": ["1m"]}
    assert calls[0] == {"size": 10000, "pit": {"id": "p1", "keep_alive": "1m"}, "track_total_hits": False}
    assert calls[1]["search_after"] == [1] and calls[1]["pit"]["id"] == "p2"
    assert calls[2]["search_after"] == [2] and calls[2]["pit"]["id"] == "p3"
    assert fake_server.last("POST", "/_search").query == {"sort": ["a:asc"], "_source": ["true"], "size": ["10000"]}
    assert fake_server.last("DELETE", "/_pit").json == {"id": "p3"}  # the empty page's pit is not kept


def test_elasticsearch_bulk_create_and_entry_errors(fake_server):
    def bulk(req):
        assert req.headers["content-type"] == "application/x-ndjson"
        assert req.headers["authorization"] == ES_BASIC
        items = [{"index": {"_index": "idx", "_id": "a", "result": "created", "status": 201}},
                 {"index": {"_index": "idx", "_id": "a", "status": 409,
                            "error": {"type": "version_conflict_engine_exception", "reason": "[a]: conflict"}}}]
        return 200, {}, {"errors": True, "items": items}

    fake_server.route("POST", "/_bulk", bulk)
    params = {"indexId": "idx", "operation": "create", "options": {"bulkOperation": True},
              "additionalFields": {"documentId": "a"},
              "fieldsUi": {"fieldValues": [{"fieldId": "n", "fieldValue": 1}]}}
    # two creates in one _bulk: the second entry fails
    err = error(es(fake_server, params, items=[{"json": {}}, {"json": {}}]))
    assert err["message"] == "version_conflict_engine_exception"
    items = output(es(fake_server, params, items=[{"json": {}}, {"json": {}}], continue_on_fail=True))
    assert items[0] == {"json": {"_index": "idx", "_id": "a", "result": "created", "status": 201},
                        "pairedItem": {"item": 0}}
    assert items[1] == {"json": {"error": "version_conflict_engine_exception",
                                 "message": {"type": "version_conflict_engine_exception",
                                             "reason": "[a]: conflict"}},
                        "pairedItem": {"item": 1}}
    body = fake_server.last().body.decode()
    assert body == '{"index":{"_index":"idx","_id":"a"}}\n{"n":1}\n{"index":{"_index":"idx","_id":"a"}}\n{"n":1}\n'


def test_elasticsearch_index_operations(fake_server):
    fake_server.route("PUT", "/logs", (200, {}, {"acknowledged": True, "shards_acknowledged": True, "index": "logs"}))
    items = output(es(fake_server, {"resource": "index", "operation": "create", "indexId": "logs",
                                    "additionalFields": {"settings": "{}"}}))
    assert items == [{"json": {"id": "logs", "acknowledged": True, "shards_acknowledged": True},
                      "pairedItem": {"item": 0}}]
    assert fake_server.last().body == b""
    fake_server.route("GET", "/logs", (200, {}, {"logs": {"aliases": {}, "settings": {"x": 1}}}))
    items = output(es(fake_server, {"resource": "index", "operation": "get", "indexId": "logs"}))
    assert items[0]["json"] == {"id": "logs", "aliases": {}, "settings": {"x": 1}}
    fake_server.route("GET", "/_aliases", (200, {}, {"a": {}, "b": {}, "c": {}}))
    items = output(es(fake_server, {"resource": "index", "operation": "getAll", "limit": 2}))
    assert [it["json"] for it in items] == [{"indexId": "a"}, {"indexId": "b"}]
    fake_server.route("DELETE", "/logs", (200, {}, {"acknowledged": True}))
    items = output(es(fake_server, {"resource": "index", "operation": "delete", "indexId": "logs"}))
    assert items[0]["json"] == {"success": True}


def test_elasticsearch_api_error_and_unsupported(fake_server):
    body = {"error": {"root_cause": [], "type": "index_not_found_exception", "reason": "no such index [nope]"},
            "status": 404}
    fake_server.route("GET", "/nope/_doc/1", (404, {}, body))
    err = error(es(fake_server, {"indexId": "nope", "documentId": "1"}))
    assert err["message"] == "The resource you are requesting could not be found"
    assert err["description"] == "no such index [nope]"
    # no per-item handling in the node: under continue-on-fail the workflow passes the input on with the error
    task = es(fake_server, {"indexId": "nope", "documentId": "1"}, continue_on_fail=True).run_data["N"][-1]
    assert task["data"]["main"][0] == [{"json": {}, "pairedItem": {"item": 0}}]
    assert task["error"]["message"] == "The resource you are requesting could not be found"
    err = error(es(fake_server, {"resource": "index", "operation": "rollover"}))
    assert err["message"] == "Elasticsearch: operation 'index/rollover' is not supported yet"
    err = error(es(fake_server, {"options": {}}))  # the corpus' unconfigured node: no index id
    assert err["message"] == 'Invalid identifier: "" is not allowed'
