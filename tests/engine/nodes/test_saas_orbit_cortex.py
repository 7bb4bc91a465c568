"""Orbit (deprecated: always fails as in n8n) and Cortex nodes against local fakes."""

from __future__ import annotations

from svc_harness import error, output, run_service

pytest_plugins = ("fakes",)

ORBIT = {"orbitApi": {"accessToken": "orbit-token"}}
ORBIT_MESSAGE = "Service is deprecated, From July 11th Orbit will no longer function."


def test_orbit_fails_with_n8n_deprecation_error_and_sends_nothing(fake_server):
    params = {"operation": "upsert", "workspaceId": "543",
              "identityUi": {"identityValue": {"source": "github", "searchBy": "username", "username": "octo"}},
              "additionalFields": {"name": "Octo"}}
    err = error(run_service("n8n-nodes-base.orbit", 1, params, credentials=ORBIT,
                            base_urls={"orbit": fake_server.url}))
    assert err["message"] == ORBIT_MESSAGE
    assert err.get("description") is None
    assert fake_server.requests == []
    for resource in ("activity", "note", "post"):
        err = error(run_service("n8n-nodes-base.orbit", 1, {"resource": resource, "workspaceId": "1"},
                                credentials=ORBIT))
        assert err["message"] == ORBIT_MESSAGE


def test_orbit_continue_on_fail_passes_input_through():
    execution = run_service("n8n-nodes-base.orbit", 1, {"operation": "getAll", "returnAll": True},
                            items=[{"json": {"a": 1}}], credentials=ORBIT, continue_on_fail=True)
    task = execution.run_data["N"][-1]
    assert task["error"]["message"] == ORBIT_MESSAGE  # n8n keeps the error on the task too
    assert [it["json"] for it in task["data"]["main"][0]] == [{"a": 1}]


# -- Cortex ----------------------------------------------------------------------------------------

CORTEX_KEY = "cx-key"


def cx(server, params, **kw):
    creds = {"cortexApi": {"cortexApiKey": CORTEX_KEY, "host": server.url}}
    return run_service("n8n-nodes-base.cortex", 1, params, credentials=creds, **kw)


def _authed(handler):
    def check(req):
        if req.headers.get("authorization") != f"Bearer {CORTEX_KEY}":
            return 401, {}, {"type": "AuthenticationError", "message": "Authentication failure"}
        return handler(req)
    return check


JOB = {"id": "job1", "analyzerId": "f4ab", "analyzerName": "Abuse_Finder_3_0", "status": "Waiting",
       "dataType": "url", "data": "https://x.test", "tlp": 2}


def test_cortex_analyzer_execute_url_corpus_params(fake_server):
    fake_server.route("POST", "/api/analyzer/f4ab/run", _authed(lambda req: (200, {}, JOB)))
    params = {"analyzer": "f4ab::Abuse_Finder_3_0", "observableType": "url", "observableValue": "https://x.test",
              "additionalFields": {}}
    items = output(cx(fake_server, params))
    assert items == [{"json": JOB, "pairedItem": {"item": 0}}]  # executor pairs the single input item
    req = fake_server.last()
    assert req.query == {"force": ["false"]}
    assert req.json == {"dataType": "url", "tlp": 2, "data": "https://x.test"}


def test_cortex_analyzer_execute_force_and_waitreport(fake_server):
    fake_server.route("POST", "/api/analyzer/a1/run", _authed(lambda req: (200, {}, {"id": "j9", "status": "Waiting"})))
    report = {"id": "j9", "status": "Success", "report": {"summary": {"taxonomies": []}}}
    fake_server.route("GET", "/api/job/j9/waitreport", _authed(lambda req: (200, {}, report)))
    params = {"analyzer": "a1::Name", "observableType": "ip", "observableValue": "1.2.3.4", "tlp": 0,
              "additionalFields": {"force": True, "timeout": 5}}
    items = output(cx(fake_server, params))
    assert [it["json"] for it in items] == [report]
    run = fake_server.last("POST")
    assert run.query == {"force": ["true"]} and run.json == {"dataType": "ip", "tlp": 0, "data": "1.2.3.4"}
    assert fake_server.last("GET").query == {"atMost": ["5second"]}


def test_cortex_analyzer_execute_file_multipart(fake_server):
    seen = {}

    def run(req):
        seen["ctype"] = req.headers["content-type"]
        seen["body"] = req.body
        return 200, {}, {"id": "jf", "dataType": "file"}

    fake_server.route("POST", "/api/analyzer/a2/run", _authed(run))
    item = {"json": {}, "binary": {"data": {"data": "aGVsbG8=", "mimeType": "text/plain", "fileName": "h.txt"}}}
    items = output(cx(fake_server, {"analyzer": "a2::File_Info", "observableType": "file", "additionalFields": {}},
                      items=[item]))
    assert [it["json"] for it in items] == [{"id": "jf", "dataType": "file"}]
    assert seen["ctype"].startswith("multipart/form-data")
    assert b'name="data"; filename="h.txt"' in seen["body"] and b"hello" in seen["body"]
    assert b'{"dataType":"file","tlp":2}' in seen["body"]


def test_cortex_job_get_and_report(fake_server):
    fake_server.route("GET", "/api/job/job1", _authed(lambda req: (200, {}, JOB)))
    report = {**JOB, "status": "Success", "report": {"success": True, "full": {}}}
    fake_server.route("GET", "/api/job/job1/report", _authed(lambda req: (200, {}, report)))
    items = output(cx(fake_server, {"resource": "job", "jobId": "job1"}, items=[{"json": {}}, {"json": {}}]))
    assert items == [{"json": JOB, "pairedItem": {"item": 0}}, {"json": JOB, "pairedItem": {"item": 1}}]
    items = output(cx(fake_server, {"resource": "job", "operation": "report", "jobId": "job1"}))
    assert [it["json"] for it in items] == [report]
    assert fake_server.last().body == b""


def test_cortex_responder_execute_json_object(fake_server):
    fake_server.route("POST", "/api/responder/r1/run", _authed(lambda req: (200, {}, {"id": "rj", "status": "Waiting"})))
    entity = {"_type": "case", "caseId": 7, "title": "Phish", "tlp": 0, "pap": 3}
    params = {"resource": "responder", "responder": "r1::Mailer", "entityType": "case", "jsonObject": True,
              "objectData": __import__("json").dumps(entity)}
    items = output(cx(fake_server, params))
    assert [it["json"] for it in items] == [{"id": "rj", "status": "Waiting"}]
    assert fake_server.last().json == {"responderId": "r1", "label": "#7 Phish", "dataType": "thehive:case",
                                       "data": entity, "tlp": 2, "pap": 3, "message": "", "parameters": []}


def test_cortex_responder_execute_parameters_alert_with_file_artifact(fake_server):
    fake_server.route("POST", "/api/responder/r2/run", _authed(lambda req: (200, {}, {"id": "rj2"})))
    values = {"title": "Alert", "source": "mail", "sourceRef": "ref1", "tags": "a,b, ,", "severity": 3,
              "date": "2024-01-02T03:04:05Z", "description": "",
              "artifacts": {"artifactValues": [
                  {"dataType": "ip", "data": "1.1.1.1", "message": "m", "tags": "x"},
                  {"dataType": "file", "binaryProperty": "data", "message": "", "tags": ""}]}}
    params = {"resource": "responder", "responder": "r2::R", "entityType": "alert",
              "parameters": {"values": values}}
    item = {"json": {}, "binary": {"data": {"data": "aGVsbG8=", "mimeType": "text/plain", "fileName": "h.txt"}}}
    output(cx(fake_server, params, items=[item]))
    assert fake_server.last().json == {
        "label": "[mail:ref1] Alert", "responderId": "r2", "dataType": "thehive:alert",
        "data": {"_type": "alert", "title": "Alert", "source": "mail", "sourceRef": "ref1", "tags": ["a", "b"],
                 "severity": 3, "date": 1704164645000,
                 "artifacts": [{"message": "m", "tags": ["x"], "dataType": "ip", "data": "1.1.1.1"},
                               {"message": "", "tags": [], "dataType": "file",
                                "data": "h.txt;text/plain;aGVsbG8="}]}}


def test_cortex_responder_case_artifact_file_attachment(fake_server):
    fake_server.route("POST", "/api/responder/r3/run", _authed(lambda req: (200, {}, {"id": "rj3"})))
    params = {"resource": "responder", "responder": "r3::R", "entityType": "case_artifact",
              "parameters": {"values": {"dataType": "file", "binaryPropertyName": "data", "message": "x"}}}
    item = {"json": {}, "binary": {"data": {"data": "aGVsbG8=", "mimeType": "text/plain", "fileName": "h.txt"}}}
    output(cx(fake_server, params, items=[item]))
    sha256 = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
    assert fake_server.last().json == {
        "label": "[file] h.txt", "responderId": "r3", "dataType": "thehive:case_artifact",
        "data": {"_type": "case_artifact", "dataType": "file", "message": "x",
                 "attachment": {"name": "h.txt", "hashes": [sha256, "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d",
                                                            "5d41402abc4b2a76b9719d911017c592"],
                                "size": 5, "contentType": "text/plain", "id": sha256}}}


def test_cortex_api_error_and_continue_on_fail(fake_server):
    body = {"type": "NotFoundError", "message": "job nope not found"}
    fake_server.route("GET", "/api/job/nope", _authed(lambda req: (404, {}, body)))
    err = error(cx(fake_server, {"resource": "job", "jobId": "nope"}))
    assert err["message"] == "The resource you are requesting could not be found"
    assert err["description"] == "job nope not found"
    fake_server.route("GET", "/api/job/job1", _authed(lambda req: (200, {}, JOB)))
    items = output(cx(fake_server, {"resource": "job", "jobId": "={{ $json.id }}"},
                      items=[{"json": {"id": "nope"}}, {"json": {"id": "job1"}}], continue_on_fail=True))
    assert items == [{"json": {"error": "The resource you are requesting could not be found"},
                      "pairedItem": {"item": 0}},
                     {"json": JOB, "pairedItem": {"item": 1}}]


def test_cortex_unsupported_operation():
    err = error(run_service("n8n-nodes-base.cortex", 1, {"resource": "job", "operation": "delete"},
                            credentials={"cortexApi": {"cortexApiKey": "k", "host": "http://127.0.0.1:9"}}))
    assert err["message"] == "Cortex: operation 'job/delete' is not supported yet"
