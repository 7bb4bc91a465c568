"""Strava, Onfleet and BambooHR nodes against local fakes of their APIs."""

from __future__ import annotations

from svc_harness import error, output, run_service

pytest_plugins = ("fakes",)

# -- Strava ---------------------------------------------------------------------------------------

ST = {"stravaOAuth2Api": {"oauthTokenData": {"access_token": "st-token"}}}


def st(server, params, version=1.1, **kw):
    return run_service("n8n-nodes-base.strava", version, params, credentials=ST,
                       base_urls={"strava": server.url}, **kw)


def _strava_auth(req):
    return req.headers.get("authorization") == "Bearer st-token"


def test_strava_create_v1_sends_form_body(fake_server):
    activity = {"id": 123, "name": "Morning Run", "type": "Run"}

    def create(req):
        if not _strava_auth(req):
            return 401, {}, {"message": "Authorization Error"}
        assert req.headers["content-type"].startswith("application/x-www-form-urlencoded")
        return 201, {}, activity

    fake_server.route("POST", "/activities", create)
    params = {"name": "Morning Run", "type": "Run", "startDate": "2020-10-01T18:30:00.000Z", "elapsedTime": 3600,
              "additionalFields": {"distance": 1000, "trainer": True}}
    items = output(st(fake_server, params, version=1))
    assert items == [{"json": activity, "pairedItem": {"item": 0}}]
    assert fake_server.last().form == {"name": ["Morning Run"], "start_date_local": ["2020-10-01T18:30:00.000Z"],
                                       "elapsed_time": ["3600"], "type": ["Run"], "distance": ["1000"],
                                       "trainer": ["1"]}


def test_strava_create_v11_uses_sport_type_and_local_date(fake_server):
    fake_server.route("POST", "/activities", (201, {}, {"id": 1}))
    params = {"name": "Ride", "sport_type": "Ride", "startDate": "2024-05-01T07:15:00", "elapsedTime": 60,
              "additionalFields": {"commute": True, "description": "to work"}}
    output(st(fake_server, params))
    assert fake_server.last().form == {"name": ["Ride"], "start_date_local": ["2024-05-01T07:15:00.000Z"],
                                       "elapsed_time": ["60"], "sport_type": ["Ride"], "commute": ["1"],
                                       "description": ["to work"]}


def test_strava_get_and_update(fake_server):
    fake_server.route("GET", "/activities/42", (200, {}, {"id": 42, "name": "Run"}))
    fake_server.route("PUT", "/activities/42", (200, {}, {"id": 42, "description": "park"}))
    items = output(st(fake_server, {"operation": "get", "activityId": "42"}, version=1))
    assert items == [{"json": {"id": 42, "name": "Run"}, "pairedItem": {"item": 0}}]
    assert _strava_auth(fake_server.last())
    items = output(st(fake_server, {"operation": "update", "activityId": "42",
                                    "updateFields": {"description": "park", "hide_from_home": False}}))
    assert items == [{"json": {"id": 42, "description": "park"}, "pairedItem": {"item": 0}}]
    assert fake_server.last().form == {"description": ["park"], "hide_from_home": ["false"]}


def test_strava_get_all_return_all_pages_until_empty(fake_server):
    pages = {"1": [{"id": 1}, {"id": 2}], "2": [{"id": 3}], "3": []}

    def listing(req):
        assert req.arg("per_page") == "30"
        return 200, {}, pages[req.arg("page")]

    fake_server.route("GET", "/activities", listing)
    items = output(st(fake_server, {"operation": "getAll", "returnAll": True}, version=1))
    assert items == [{"json": {"id": n}, "pairedItem": {"item": 0}} for n in (1, 2, 3)]
    assert [r.arg("page") for r in fake_server.requests] == ["1", "2", "3"]


def test_strava_get_all_limit_and_sub_lists(fake_server):
    fake_server.route("GET", "/activities", (200, {}, [{"id": 1}, {"id": 2}]))
    items = output(st(fake_server, {"operation": "getAll", "limit": 10}))
    assert len(items) == 2 and fake_server.last().query == {"per_page": ["10"]}
    fake_server.route("GET", "/activities/7/kudos", (200, {}, [{"firstname": "A"}, {"firstname": "B"}]))
    items = output(st(fake_server, {"operation": "getKudos", "activityId": "7", "limit": 1}))
    assert items == [{"json": {"firstname": "A"}, "pairedItem": {"item": 0}}]
    fake_server.route("GET", "/activities/7/streams", (200, {}, {"time": {"data": [0, 1]}}))
    items = output(st(fake_server, {"operation": "getStreams", "activityId": "7", "keys": ["time", "latlng"]}))
    assert items == [{"json": {"time": {"data": [0, 1]}}, "pairedItem": {"item": 0}}]
    assert fake_server.last().query == {"keys": ["time,latlng"], "key_by_type": ["true"]}


def test_strava_api_error_and_continue_on_fail(fake_server):
    body = {"message": "Record Not Found", "errors": [{"resource": "Activity", "code": "not found"}]}
    fake_server.route("GET", "/activities/9", (404, {}, body))
    err = error(st(fake_server, {"operation": "get", "activityId": "9"}))
    assert err["message"] == "The resource you are requesting could not be found"
    items = output(st(fake_server, {"operation": "get", "activityId": "9"}, continue_on_fail=True))
    assert items == [{"json": {"error": "The resource you are requesting could not be found"},
                      "pairedItem": {"item": 0}}]


def test_strava_unsupported(fake_server):
    err = error(st(fake_server, {"resource": "athlete", "operation": "get"}))
    assert err["message"] == "Strava: operation 'athlete/get' is not supported yet"


# -- BambooHR -------------------------------------------------------------------------------------

BH = {"bambooHrApi": {"subdomain": "acme", "apiKey": "bh-key"}}
BH_BASE = "/api/gateway.php/acme/v1"


def bh(server, params, **kw):
    return run_service("n8n-nodes-base.bambooHr", 1, params, credentials=BH, base_urls={"bambooHr": server.url}, **kw)


def _bh_auth(req):
    """BambooHR: basic auth with the API key as user and any password; JSON only when asked."""
    import base64

    expected = "Basic " + base64.b64encode(b"bh-key:x").decode()
    return req.headers.get("authorization") == expected


def test_bamboohr_employee_create_returns_id_from_location(fake_server):
    def create(req):
        if not _bh_auth(req):
            return 401, {}, ""
        return 201, {"Location": f"https://api.bamboohr.com{BH_BASE}/employees/123"}, ""

    fake_server.route("POST", f"{BH_BASE}/employees", create)
    params = {"firstName": "Ada", "lastName": "Lovelace",
              "additionalFields": {"hireDate": "2024-03-05T10:00:00.000Z", "department": 18264,
                                   "gender": "female", "maritalStatus": "domesticPartnership",
                                   "payRate": {"value": {"value": "10", "currency": "USD"}}}}
    items = output(bh(fake_server, params))
    assert items == [{"json": {"id": "123"}, "pairedItem": {"item": 0}}]
    req = fake_server.last()
    assert req.headers["accept"] == "application/json"
    assert req.json == {"firstName": "Ada", "lastName": "Lovelace", "address": {},
                        "payRate": {"value": "10", "currency": "USD"}, "hireDate": "2024-03-05",
                        "department": 18264, "gender": "Female", "maritalStatus": "Domestic Partnership"}


def test_bamboohr_employee_create_hire_date_now_expression(fake_server):
    fake_server.route("POST", f"{BH_BASE}/employees", (201, {"Location": "x/employees/9"}, ""))
    params = {"firstName": "A", "lastName": "B", "additionalFields": {"hireDate": "={{ $now }}"}}
    assert output(bh(fake_server, params))[0]["json"] == {"id": "9"}
    import re

    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", fake_server.last().json["hireDate"])


def test_bamboohr_employee_get_all_limit_and_get(fake_server):
    directory = {"fields": [{"id": "displayName"}, {"id": "jobTitle"}],
                 "employees": [{"id": "1"}, {"id": "2"}, {"id": "3"}]}
    fake_server.route("GET", f"{BH_BASE}/employees/directory", (200, {}, directory))
    items = output(bh(fake_server, {"operation": "getAll", "returnAll": False, "limit": 2}))
    assert [it["json"] for it in items] == [{"id": "1"}, {"id": "2"}]
    items = output(bh(fake_server, {"operation": "getAll", "returnAll": True}))
    assert len(items) == 3
    fake_server.route("GET", f"{BH_BASE}/employees/1", (200, {}, {"id": "1", "displayName": "A"}))
    items = output(bh(fake_server, {"operation": "get", "employeeId": "1"}))
    assert items == [{"json": {"id": "1", "displayName": "A"}, "pairedItem": {"item": 0}}]
    assert fake_server.last().query == {"fields": ["displayName,jobTitle"]}
    output(bh(fake_server, {"operation": "get", "employeeId": "1", "options": {"fields": ["firstName"]}}))
    assert fake_server.last().query == {"fields": ["firstName"]}


def test_bamboohr_employee_update(fake_server):
    fake_server.route("POST", f"{BH_BASE}/employees/5", (200, {}, ""))
    items = output(bh(fake_server, {"operation": "update", "employeeId": "5", "synced": False,
                                    "updateFields": {"payType": "hourly", "workEmail": "a@b.c"}}))
    assert items[0]["json"] == {"success": True}
    assert fake_server.last().json == {"payType": "Hourly", "workEmail": "a@b.c", "address": {}}
    err = error(bh(fake_server, {"operation": "update", "employeeId": "5", "updateFields": {}}))
    assert err["message"] == "At least one fields must be updated"


def test_bamboohr_files_get_all_and_download(fake_server):
    view = {"categories": [{"id": 1, "name": "Policies", "files": [{"id": 10, "name": "a.pdf"}]},
                           {"id": 2, "name": "Empty"}, {"id": 3, "files": [{"id": 11}, {"id": 12}]}]}
    fake_server.route("GET", f"{BH_BASE}/files/view", (200, {}, view))
    items = output(bh(fake_server, {"resource": "file", "operation": "getAll", "returnAll": True,
                                    "simplifyOutput": False}))
    assert [it["json"]["id"] for it in items] == [1, 2, 3]
    items = output(bh(fake_server, {"resource": "file", "operation": "getAll", "limit": 2}))
    assert [it["json"] for it in items] == [{"id": 10, "name": "a.pdf"}, {"id": 11}]
    headers = {"Content-Type": "application/pdf; charset=binary",
               "Content-Disposition": 'attachment; filename="handbook.pdf"'}
    fake_server.route("GET", f"{BH_BASE}/files/10/", (200, headers, b"%PDF-1.4"))
    items = output(bh(fake_server, {"resource": "file", "operation": "download", "fileId": "10"},
                      items=[{"json": {"id": 10}}]))
    assert items[0]["json"] == {"id": 10}
    data = items[0]["binary"]["data"]
    assert data["mimeType"] == "application/pdf" and data["fileName"] == "handbook.pdf"
    assert data["data"] == "JVBERi0xLjQ="
    assert "accept" not in fake_server.last().headers or fake_server.last().headers["accept"] != "application/json"


def test_bamboohr_file_update_delete_and_employee_documents(fake_server):
    fake_server.route("POST", f"{BH_BASE}/files/10", (200, {}, ""))
    items = output(bh(fake_server, {"resource": "file", "operation": "update", "fileId": "10",
                                    "updateFields": {"shareWithEmployee": False}}))
    assert items[0]["json"] == {"success": True} and fake_server.last().json == {"shareWithEmployee": "no"}
    fake_server.route("DELETE", f"{BH_BASE}/employees/4/files/7", (200, {}, ""))
    items = output(bh(fake_server, {"resource": "employeeDocument", "operation": "delete", "employeeId": "4",
                                    "fileId": "7"}))
    assert items[0]["json"] == {"success": True}
    view = {"categories": [{"id": 1, "files": [{"id": 7}]}]}
    fake_server.route("GET", f"{BH_BASE}/employees/4/files/view/", (200, {}, view))
    items = output(bh(fake_server, {"resource": "employeeDocument", "operation": "getAll", "employeeId": "4",
                                    "simplifyOutput": True, "returnAll": True}))
    assert [it["json"] for it in items] == [{"id": 7}]


def test_bamboohr_api_error_and_continue_on_fail(fake_server):
    fake_server.route("GET", f"{BH_BASE}/employees/directory",
                      (403, {"X-BambooHR-Error-Messsage": "No access to directory"}, ""))
    err = error(bh(fake_server, {"operation": "getAll", "returnAll": True}))
    assert err["message"] == '403 - ""'
    assert err["description"] == "No access to directory"
    items = output(bh(fake_server, {"operation": "getAll", "returnAll": True}, continue_on_fail=True,
                      items=[{"json": {"k": 1}}]))
    # n8n replaces the json of an item carrying an error with {error: message}
    assert items[0]["json"] == {"error": '403 - ""'}
    assert items[0]["error"]["message"] == '403 - ""'


def test_bamboohr_unsupported(fake_server):
    err = error(bh(fake_server, {"resource": "companyReport", "operation": "get"}))
    assert err["message"] == "BambooHR: operation 'companyReport/get' is not supported yet"


# -- Onfleet --------------------------------------------------------------------------------------

OF = {"onfleetApi": {"apiKey": "of-key"}}


def of(server, params, **kw):
    return run_service("n8n-nodes-base.onfleet", 1, params, credentials=OF, base_urls={"onfleet": server.url}, **kw)


def _of_auth(req):
    """Onfleet: basic auth with the API key as user and an empty password."""
    import base64

    return req.headers.get("authorization") == "Basic " + base64.b64encode(b"of-key:").decode()


CORPUS_TASK = {  # the parameters of corpus workflow 0118 (Readbinaryfile_Onfleet_Create)
    "operation": "create",
    "destination": {"destinationProperties": {"address": "={{$json.line1}}, {{$json.city}}", "unparsed": True,
                                              "addressNotes": "=", "addressApartment": "={{$json.line2}}"}},
    "additionalFields": {"notes": "={{$json.details}}",
                         "recipient": {"recipientProperties": {"recipientName": "={{$json.name}}",
                                                               "recipientNotes": "Ring twice",
                                                               "recipientPhone": "=+1{{$json.phone}}"}}}}
ROW = {"line1": "1 Main St", "line2": "Apt 4", "city": "Springfield", "details": "Fragile", "name": "Ann",
       "phone": "5550100"}


def _expected_task(row):
    return {"destination": {"address": {"unparsed": f"{row['line1']}, {row['city']}", "apartment": row["line2"]}},
            "recipients": [{"name": row["name"], "phone": "+1" + row["phone"], "notes": "Ring twice"}],
            "notes": row["details"],
            "recipient": {"recipientProperties": {"recipientName": row["name"], "recipientNotes": "Ring twice",
                                                  "recipientPhone": "+1" + row["phone"]}}}


def test_onfleet_task_create_single(fake_server):
    def create(req):
        if not _of_auth(req):
            return 401, {}, {"code": "InvalidCredentials", "message": {"message": "bad key"}}
        assert req.headers["user-agent"] == "n8n-onfleet"
        return 200, {}, {"id": "kc8SS1tzuZ~jqjlebKGrUmpe", "shortId": "c77ff497", **req.json}

    fake_server.route("POST", "/tasks", create)
    items = output(of(fake_server, CORPUS_TASK, items=[{"json": ROW}]))
    assert fake_server.last().json == _expected_task(ROW)
    assert items == [{"json": {"id": "kc8SS1tzuZ~jqjlebKGrUmpe", "shortId": "c77ff497", **_expected_task(ROW)},
                      "pairedItem": {"item": 0}}]


def test_onfleet_task_create_many_items_is_one_batch(fake_server):
    fake_server.route("POST", "/tasks/batch", lambda req: (200, {}, {"tasks": [{"id": "a"}, {"id": "b"}]}))
    rows = [ROW, {**ROW, "name": "Bob"}]
    items = output(of(fake_server, CORPUS_TASK, items=[{"json": r} for r in rows]))
    assert [it["json"] for it in items] == [{"id": "a"}, {"id": "b"}]
    assert fake_server.last().json == {"tasks": [_expected_task(r) for r in rows]}
    assert len(fake_server.requests) == 1


def test_onfleet_task_create_empty_and_window(fake_server):
    fake_server.route("POST", "/tasks", (200, {}, {"id": "t"}))
    output(of(fake_server, {"operation": "create",
                            "additionalFields": {"completeAfter": "2024-01-01T00:00:00.000Z", "quantity": 2}}))
    assert fake_server.last().json == {"destination": [], "recipients": [None], "completeAfter": 1704067200000,
                                       "quantity": 2}


def test_onfleet_task_get_short_and_long_ids_delete_complete(fake_server):
    fake_server.route("GET", "/tasks/shortId/c77ff497", (200, {}, {"id": "long"}))
    fake_server.route("GET", "/tasks/kc8SS1tzuZ~jqjlebKGrUmpe", (200, {}, {"id": "kc8SS1tzuZ~jqjlebKGrUmpe"}))
    assert output(of(fake_server, {"operation": "get", "id": "c77ff497"}))[0]["json"] == {"id": "long"}
    items = output(of(fake_server, {"operation": "get", "id": "kc8SS1tzuZ~jqjlebKGrUmpe"}))
    assert items[0]["json"] == {"id": "kc8SS1tzuZ~jqjlebKGrUmpe"}
    fake_server.route("DELETE", "/tasks/x1", (200, {}, ""))
    assert output(of(fake_server, {"operation": "delete", "id": "x1"}))[0]["json"] == {"success": True}
    fake_server.route("POST", "/tasks/x1/complete", (200, {}, ""))
    items = output(of(fake_server, {"operation": "complete", "id": "x1", "success": False,
                                    "additionalFields": {"notes": "no one home"}}))
    assert items[0]["json"] == {"success": True}
    assert fake_server.last().json == {"completionDetails": {"success": False, "notes": "no one home"}}


def test_onfleet_task_get_all_return_all_follows_last_id(fake_server):
    def listing(req):
        assert req.arg("from") == "1704067200000" and req.arg("state") == "0,1,2,3"
        if req.arg("lastId") is None:
            return 200, {}, {"lastId": "t2", "tasks": [{"id": "t1"}, {"id": "t2"}]}
        return 200, {}, {"tasks": [{"id": "t3"}]}

    fake_server.route("GET", "/tasks/all", listing)
    params = {"operation": "getAll", "returnAll": True,
              "filters": {"from": "2024-01-01T00:00:00.000Z", "state": ["all"]}}
    items = output(of(fake_server, params))
    assert [it["json"]["id"] for it in items] == ["t1", "t2", "t3"]
    assert [r.arg("lastId") for r in fake_server.requests] == [None, "t2"]


def test_onfleet_task_get_all_limit_and_default_from(fake_server):
    import time

    fake_server.route("GET", "/tasks/all", (200, {}, {"lastId": "t2", "tasks": [{"id": "t1"}, {"id": "t2"}]}))
    items = output(of(fake_server, {"operation": "getAll", "limit": 1, "filters": {"state": [1, 2]}}))
    assert [it["json"] for it in items] == [{"id": "t1"}]
    req = fake_server.last()
    assert abs(int(req.arg("from")) - (time.time() * 1000 - 604800000)) < 60000
    assert req.arg("state") == "1,2" and len(fake_server.requests) == 1


def test_onfleet_task_update_clone_and_destination(fake_server):
    fake_server.route("PUT", "/tasks/t1", lambda req: (200, {}, {"id": "t1", **req.json}))
    items = output(of(fake_server, {"operation": "update", "id": "t1", "updateFields": {"notes": "new"}}))
    assert items[0]["json"] == {"id": "t1", "notes": "new"}
    fake_server.route("POST", "/tasks/t1/clone", (200, {}, {"id": "t9"}))
    output(of(fake_server, {"operation": "clone", "id": "t1",
                            "overrideFields": {"includeMetadata": True, "notes": "copy", "serviceTime": 5}}))
    assert fake_server.last().json == {"options": {"includeMetadata": True,
                                                   "overrides": {"notes": "copy", "serviceTime": 5}}}
    fake_server.route("POST", "/destinations", (200, {}, {"id": "d1"}))
    params = {"resource": "destination", "operation": "create", "unparsed": False, "addressNumber": "1",
              "addressStreet": "Main", "addressCity": "X", "addressCountry": "US",
              "additionalFields": {"addressPostalCode": "12345"}}
    assert output(of(fake_server, params))[0]["json"] == {"id": "d1"}
    assert fake_server.last().json == {"address": {"number": "1", "street": "Main", "city": "X", "country": "US",
                                                   "postalCode": "12345"}}
    fake_server.route("GET", "/destinations/d1", (200, {}, {"id": "d1"}))
    assert output(of(fake_server, {"resource": "destination", "operation": "get", "id": "d1"}))[0]["json"] == {
        "id": "d1"}


def test_onfleet_api_error_and_continue_on_fail(fake_server):
    body = {"code": "InvalidArgument", "message": {"error": 1000, "message": "Task not found"}}
    fake_server.route("GET", "/tasks/shortId/nope", (404, {}, body))
    err = error(of(fake_server, {"operation": "get", "id": "nope"}))
    assert err["message"] == "The resource you are requesting could not be found"
    items = output(of(fake_server, {"operation": "get", "id": "nope"}, continue_on_fail=True))
    assert items == [{"json": {"error": "NodeApiError: The resource you are requesting could not be found"},
                      "pairedItem": {"item": 0}}]


def test_onfleet_unsupported(fake_server):
    err = error(of(fake_server, {"resource": "worker", "operation": "getAll"}))
    assert err["message"] == "Onfleet: operation 'worker/getAll' is not supported yet"
