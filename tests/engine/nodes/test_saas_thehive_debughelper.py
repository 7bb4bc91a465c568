"""TheHive (against a fake TheHive API) and DebugHelper nodes."""

from __future__ import annotations

import re

from svc_harness import error, output, run_service

pytest_plugins = ("fakes",)

DH = "n8n-nodes-base.debugHelper"
TWO = [{"json": {"a": 1}}, {"json": {"a": 2}}]


def dh(params, **kw):
    return run_service(DH, 1, params, **kw)


def test_debug_helper_random_user_shape_and_pairing():
    items = output(dh({"category": "randomData", "randomDataCount": 3}, items=TWO))
    assert len(items) == 6
    assert [it["pairedItem"] for it in items] == [{"item": 0}] * 3 + [{"item": 1}] * 3
    for it in items:
        row = it["json"]
        assert list(row) == ["uid", "email", "firstname", "lastname", "password"]
        assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", row["uid"])
        assert "@" in row["email"] and all(isinstance(v, str) and v for v in row.values())


def test_debug_helper_random_types_keys_and_types():
    expected = {"address": {"firstname": str, "lastname": str, "street": str, "city": str, "zip": str,
                            "state": str, "country": str},
                "email": {"email": str, "confirmed": bool},
                "creditCard": {"type": str, "number": str, "ccv": str, "exp": str, "holder_name": str},
                "uuid": {"uuid": str}, "macAddress": {"mac": str}, "ipv4": {"ip": str}, "ipv6": {"ipv6": str},
                "latLong": {"location": str}, "semver": {"version": str}, "url": {"url": str},
                "nanoid": {"nanoId": str}}
    for kind, keys in expected.items():
        items = output(dh({"category": "randomData", "randomDataType": kind, "randomDataCount": 2}))
        assert len(items) == 2, kind
        for it in items:
            assert list(it["json"]) == list(keys), kind
            assert all(isinstance(it["json"][k], t) for k, t in keys.items()), kind
    row = output(dh({"category": "randomData", "randomDataType": "address", "randomDataCount": 1}))[0]["json"]
    assert re.fullmatch(r"\d{5}", row["zip"])
    row = output(dh({"category": "randomData", "randomDataType": "creditCard", "randomDataCount": 1}))[0]["json"]
    assert row["type"] in ("MasterCard", "Visa") and re.fullmatch(r"\d\d/\d\d", row["exp"])
    row = output(dh({"category": "randomData", "randomDataType": "ipv4", "randomDataCount": 1}))[0]["json"]
    assert all(0 <= int(p) <= 255 for p in row["ip"].split("."))
    row = output(dh({"category": "randomData", "randomDataType": "macAddress", "randomDataCount": 1}))[0]["json"]
    assert re.fullmatch(r"([0-9a-f]{2}:){5}[0-9a-f]{2}", row["mac"])
    row = output(dh({"category": "randomData", "randomDataType": "nanoid", "nanoidAlphabet": "ab",
                     "nanoidLength": "7", "randomDataCount": 1}))[0]["json"]
    assert re.fullmatch(r"[ab]{7}", row["nanoId"])


def test_debug_helper_single_array_seed_and_expression_count():
    params = {"category": "randomData", "randomDataType": "uuid", "randomDataSeed": "s1",
              "randomDataCount": "={{ $json.n }}", "randomDataSingleArray": True}
    items = output(dh(params, items=[{"json": {"n": 2}}, {"json": {"n": 2}}]))
    assert [it["pairedItem"] for it in items] == [{"item": 0}, {"item": 1}]
    assert len(items[0]["json"]["generatedItems"]) == 2
    assert items[0]["json"] == items[1]["json"]  # re-seeded for every item, as n8n's setSeed


def test_debug_helper_do_nothing_outputs_nothing():
    assert output(dh({"category": "doNothing"}, items=TWO)) == []


def test_debug_helper_throw_error_types_and_continue_on_fail():
    err = error(dh({}))
    assert err["message"] == "Node has thrown an error" and err["name"] == "NodeApiError"
    err = error(dh({"throwErrorType": "NodeOperationError", "throwErrorMessage": "boom"}))
    assert err["message"] == "boom" and err["name"] == "NodeOperationError"
    err = error(dh({"throwErrorType": "Error", "throwErrorMessage": "plain"}))
    assert err["message"] == "plain"
    items = output(dh({"throwErrorMessage": "bad"}, items=TWO, continue_on_fail=True))
    assert items == [{"json": {"error": "bad"}, "pairedItem": {"item": 0}},
                     {"json": {"error": "bad"}, "pairedItem": {"item": 1}}]


def test_debug_helper_oom_small_reports_memory_usage():
    items = output(dh({"category": "oom", "memorySizeValue": 1}, items=[{"json": {"x": 1}}]))
    assert len(items) == 1
    assert list(items[0]["json"]) == ["rss", "heapTotal", "heapUsed", "external", "arrayBuffers"]
    assert all(isinstance(v, int) for v in items[0]["json"].values()) and items[0]["json"]["rss"] > 0


def test_debug_helper_oom_large_fails_without_allocating():
    err = error(dh({"category": "oom", "memorySizeValue": 1000}, continue_on_fail=True))
    assert "possible out-of-memory issue" in err["message"] and "256 MB" in err["message"]
    err = error(dh({"category": "oom", "memorySizeValue": 40000}))
    assert err["message"] == "Invalid array length"


# -- TheHive -------------------------------------------------------------------------------------------

TH = "n8n-nodes-base.theHive"


def hive(server, params, *, version="", **kw):
    creds = {"theHiveApi": {"ApiKey": "hk", "url": server.url, "apiVersion": version}}
    return run_service(TH, 1, params, credentials=creds, **kw)


def authed(handler):
    def check(req):
        if req.headers.get("authorization") != "Bearer hk":
            return 401, {}, {"type": "AuthenticationError", "message": "Authentication failure"}
        return handler(req)
    return check


def test_thehive_alert_create_like_corpus(fake_server):
    alert = {"_id": "a1", "title": "TheHive Alert", "status": "New"}
    fake_server.route("POST", "/api/alert", authed(lambda req: (201, {}, alert)))
    params = {"date": "2022-04-25T08:53:18.000Z", "tags": "tlp:pwhite, x,, ", "type": "misp",
              "title": "TheHive Alert", "source": "1311", "sourceRef": "1330", "description": "Security issue",
              "additionalFields": {"caseTemplate": "tpl"}}
    items = output(hive(fake_server, params))
    assert items == [{"json": alert, "pairedItem": {"item": 0}}]
    assert fake_server.last().json == {
        "title": "TheHive Alert", "description": "Security issue", "severity": 2, "date": 1650876798000,
        "tags": ["tlp:pwhite", " x"], "tlp": 2, "status": "New", "type": "misp", "source": "1311",
        "sourceRef": "1330", "follow": True, "caseTemplate": "tpl"}


def test_thehive_alert_create_with_file_artifact_and_custom_fields(fake_server):
    fake_server.route("POST", "/api/alert", authed(lambda req: (201, {}, {"_id": "a2"})))
    item = {"json": {}, "binary": {"attachment_0": {"data": "aGVsbG8=", "mimeType": "text/plain",
                                                    "fileName": "mail.txt"}}}
    params = {"title": "t", "tags": "Email", "type": "Email", "source": "Outlook", "sourceRef": "m1",
              "description": "d", "date": "",
              "additionalFields": {"customFieldsJson": '{"score": 5}'},
              "artifactUi": {"artifactValues": [{"dataType": "file", "binaryProperty": "attachment_0"},
                                                {"dataType": "ip", "data": "1.2.3.4", "tags": "a,b", "message": "m"}]}}
    output(hive(fake_server, params, items=[item]))
    body = fake_server.last().json
    assert body["date"] is None  # Date.parse("") is NaN -> null
    assert body["customFields"] == {"score": 5}
    assert body["artifacts"] == [
        {"message": "", "tags": [""], "dataType": "file", "data": "mail.txt;text/plain;aGVsbG8="},
        {"message": "m", "tags": ["a", "b"], "dataType": "ip", "data": "1.2.3.4"}]


def test_thehive_alert_get_all_v0_and_v1_and_promote(fake_server):
    rows = [{"_id": "a1"}, {"_id": "a2"}]
    fake_server.route("POST", "/api/alert/_search", authed(lambda req: (200, {}, rows)))
    items = output(hive(fake_server, {"operation": "getAll", "filters": {"title": "port", "tags": "x,y"},
                                      "options": {"sort": "-date"}}))
    assert [it["json"] for it in items] == rows
    req = fake_server.last()
    assert req.query == {"range": ["0-100"], "sort": ["-date"]}
    assert req.json == {"query": {"_and": [{"_wildcard": {"_field": "title", "_value": "*port*"}},
                                           {"_in": {"_field": "tags", "_values": ["x", "y"]}}]}}
    fake_server.route("POST", "/api/v1/query", authed(lambda req: (200, {}, rows)))
    output(hive(fake_server, {"operation": "getAll", "returnAll": False, "limit": 5,
                              "options": {"sort": "+date"}}, version="v1"))
    req = fake_server.last()
    assert req.query == {"name": ["alerts"]}
    assert req.json == {"query": [{"_name": "listAlert"}, {"_name": "filter", "_and": []},
                                  {"_name": "sort", "_fields": [{"date": "asc"}]},
                                  {"_name": "page", "from": 0, "to": 5}]}
    output(hive(fake_server, {"operation": "getAll", "returnAll": True}, version="v1"))
    assert fake_server.last().json == {"query": [{"_name": "listAlert"}, {"_name": "filter", "_and": []}]}
    fake_server.route("POST", "/api/alert/a1/createCase", authed(lambda req: (201, {}, {"_id": "c1"})))
    items = output(hive(fake_server, {"operation": "promote", "id": "a1", "additionalFields": {}}))
    assert items[0]["json"] == {"_id": "c1"} and fake_server.last().body == b""


def test_thehive_case_create_update_get(fake_server):
    fake_server.route("POST", "/api/case", authed(lambda req: (201, {}, {"id": "c1", "_id": "c1"})))
    params = {"tags": "n8n, theHive", "owner": "Harshil", "title": "n8n", "options": {}, "resource": "case",
              "severity": 1, "operation": "create", "startDate": "2020-12-03T10:08:14.000Z",
              "description": "Creating a case from n8n"}
    assert output(hive(fake_server, params))[0]["json"] == {"id": "c1", "_id": "c1"}
    assert fake_server.last().json == {"title": "n8n", "description": "Creating a case from n8n", "severity": 1,
                                       "startDate": 1606990094000, "owner": "Harshil", "flag": False, "tlp": 2,
                                       "tags": ["n8n", " theHive"]}
    fake_server.route("PATCH", "/api/case/c1", authed(lambda req: (200, {}, {"id": "c1", "severity": 3})))
    items = output(hive(fake_server, {"id": "c1", "resource": "case", "operation": "update",
                                      "updateFields": {"severity": 3, "endDate": "2021-01-01T00:00:00Z",
                                                       "tags": "a,b"}}))
    assert items[0]["json"]["severity"] == 3
    assert fake_server.last().json == {"severity": 3, "endDate": 1609459200000, "tags": ["a", "b"]}
    fake_server.route("GET", "/api/case/c1", authed(lambda req: (200, {}, {"id": "c1"})))
    assert output(hive(fake_server, {"id": "c1", "resource": "case", "operation": "get"}))[0]["json"] == {"id": "c1"}
    fake_server.route("POST", "/api/v1/query", authed(lambda req: (200, {}, [{"_id": "c1"}])))
    output(hive(fake_server, {"id": "c1", "resource": "case", "operation": "get"}, version="v1"))
    assert fake_server.last().query == {"name": ["get-case-c1"]}
    assert fake_server.last().json == {"query": [{"_name": "getCase", "idOrName": "c1"}]}


def test_thehive_observables_create_get_all_and_analyzer(fake_server):
    fake_server.route("POST", "/api/case/c1/artifact", authed(lambda req: (201, {}, [{"id": "o1"}])))
    params = {"ioc": True, "data": "evil.com", "caseId": "c1", "status": "Ok", "message": "Analyzer",
              "options": {"tags": "Domain"}, "dataType": "domain", "resource": "observable", "operation": "create"}
    items = output(hive(fake_server, params))
    assert items == [{"json": {"id": "o1"}, "pairedItem": {"item": 0}}]
    assert fake_server.last().json == {"dataType": "domain", "message": "Analyzer", "startDate": None, "tlp": 2,
                                       "ioc": True, "sighted": False, "status": "Ok", "tags": ["Domain"],
                                       "data": "evil.com"}
    fake_server.route("POST", "/api/case/artifact/_search", authed(lambda req: (200, {}, [{"id": "o1"}])))
    output(hive(fake_server, {"caseId": "c1", "options": {}, "resource": "observable", "returnAll": True}))
    req = fake_server.last()
    assert req.query == {} and req.json == {"query": {"_parent": {"_type": "case", "_query": {"_id": "c1"}}}}
    fake_server.route("POST", "/api/connector/cortex/job", authed(lambda req: (200, {}, {"id": "j1"})))
    polls = []

    def job(req):
        polls.append(req)
        status = "InProgress" if len(polls) < 2 else "Success"
        return 200, {}, {"id": "j1", "status": status, "report": {"ok": True}}
    fake_server.route("GET", "/api/connector/cortex/job/j1", authed(job))
    slept: list[float] = []
    items = output(hive(fake_server, {"id": "o1", "dataType": "ip", "resource": "observable",
                                      "analyzers": ["an1::CORTEX"], "operation": "executeAnalyzer"}, sleeps=slept))
    assert items == [{"json": {"id": "j1", "status": "Success", "report": {"ok": True}}, "pairedItem": {"item": 0}}]
    assert slept == [1.0]
    assert fake_server.last("POST", "/api/connector/cortex/job").json == {
        "analyzerId": "an1", "cortexId": "CORTEX", "artifactId": "o1"}
    assert len(polls) == 2 and polls[0].query == {"name": ["observable-jobs"]}


def test_thehive_a_stuck_cortex_job_fails_after_its_time_limit(fake_server, monkeypatch):
    from automatelanka.engine.nodes import thehive

    monkeypatch.setattr(thehive, "ANALYZER_TIMEOUT_S", 5.0)
    fake_server.route("POST", "/api/connector/cortex/job", authed(lambda req: (200, {}, {"id": "j9"})))
    fake_server.route("GET", "/api/connector/cortex/job/j9", authed(lambda req: (200, {}, {"status": "Waiting"})))
    slept: list[float] = []
    err = error(hive(fake_server, {"id": "o1", "dataType": "ip", "resource": "observable",
                                   "analyzers": ["an1::CORTEX"], "operation": "executeAnalyzer"}, sleeps=slept))
    assert err["message"] == "The Cortex job j9 did not finish within 5 s" and sum(slept) == 5


def test_thehive_observable_file_create_multipart(fake_server):
    fake_server.route("POST", "/api/case/c1/artifact", authed(lambda req: (201, {}, {"id": "o2"})))
    item = {"json": {}, "binary": {"data": {"data": "aGk=", "mimeType": "text/plain", "fileName": "a.txt"}}}
    output(hive(fake_server, {"resource": "observable", "operation": "create", "caseId": "c1",
                              "dataType": "file", "message": "m"}, items=[item]))
    req = fake_server.last()
    assert req.headers["content-type"].startswith("multipart/form-data")
    assert b'name="attachment"; filename="a.txt"' in req.body and b"hi" in req.body
    assert b'"dataType":"file"' in req.body


def test_thehive_api_error_and_continue_on_fail(fake_server):
    fake_server.route("GET", "/api/case/zz", (404, {}, {"type": "NotFoundError", "message": "case zz not found"}))
    err = error(hive(fake_server, {"id": "zz", "resource": "case", "operation": "get"}))
    assert err["name"] == "NodeApiError" and err["description"] == "case zz not found"
    items = output(hive(fake_server, {"id": "zz", "resource": "case", "operation": "get"}, continue_on_fail=True))
    assert items == [{"json": {"error": err["message"]}, "pairedItem": {"item": 0}}]


def test_thehive_unsupported_operation(fake_server):
    err = error(hive(fake_server, {"resource": "task", "operation": "create"}))
    assert err["message"] == "TheHive: operation 'task/create' is not supported yet"
