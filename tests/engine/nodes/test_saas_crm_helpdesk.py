"""Keap, Copper, Agile CRM, Freshdesk, Microsoft To Do and Zulip nodes against local fakes."""

from __future__ import annotations

from svc_harness import error, output, run_service

pytest_plugins = ("fakes",)

KEAP = {"keapOAuth2Api": {"oauthTokenData": {"access_token": "kp-token"}}}


def keap(server, params, **kw):
    return run_service("n8n-nodes-base.keap", 1, params, credentials=KEAP, base_urls={"keap": server.url}, **kw)


def test_keap_contact_tag_create_as_in_corpus(fake_server):
    fake_server.route("POST", "/contacts/42/tags", (200, {}, [{"tag_id": 7, "status": "ok"}]))
    params = {"tagIds": "=Mailing Address Deliverable", "resource": "contactTag", "contactId": "42abc"}
    items = output(keap(fake_server, params))
    assert items == [{"json": {"tag_id": 7, "status": "ok"}, "pairedItem": {"item": 0}}]
    req = fake_server.last()
    assert req.headers["authorization"] == "Bearer kp-token"
    assert req.json == {"tagIds": "Mailing Address Deliverable"}


def test_keap_contact_get_all_limit_and_return_all(fake_server):
    fake_server.route("GET", "/contacts", (200, {}, {"contacts": [{"id": 1}, {"id": 2}], "count": 9}))
    items = output(keap(fake_server, {"resource": "contact", "operation": "getAll", "limit": 2,
                                      "options": {"email": "a@b.c", "orderDirection": "ASCENDING"}}))
    assert [it["json"] for it in items] == [{"id": 1}, {"id": 2}]
    assert fake_server.last().query == {"email": ["a@b.c"], "order_direction": ["ASCENDING"], "limit": ["2"]}

    @fake_server.route("GET", "/page")
    def page(req):
        offset = int(req.arg("offset", "0"))
        nxt = f"{fake_server.url}/page?limit=50&offset={offset + 50}"
        return 200, {}, {"contacts": [{"id": offset}], "count": 2, "next": nxt}

    params = {"resource": "contact", "operation": "getAll", "returnAll": True, "options": {}}
    fake_server.route("GET", "/contacts", (200, {}, {"contacts": [{"id": "first"}], "count": 2,
                                                     "next": f"{fake_server.url}/page?limit=50&offset=50"}))
    items = output(keap(fake_server, params))
    assert [it["json"]["id"] for it in items] == ["first", 50]
    assert fake_server.last().query == {"limit": ["50"], "offset": ["50"]}


def test_keap_contact_upsert_delete_and_notes(fake_server):
    fake_server.route("PUT", "/contacts", (201, {}, {"id": 5}))
    params = {"resource": "contact", "operation": "upsert", "duplicateOption": "emailAndName",
              "additionalFields": {"givenName": "Ann", "companyId": 3, "timezone": "UTC"},
              "emailsUi": {"emailsValues": [{"field": "EMAIL1", "email": "a@b.c"}]},
              "addressesUi": {"addressesValues": [{"field": "BILLING", "countryCode": "US", "zipCode": "1"}]}}
    assert output(keap(fake_server, params))[0]["json"] == {"id": 5}
    assert fake_server.last().json == {
        "duplicate_option": "EmailAndName", "given_name": "Ann", "time_zone": "UTC", "company": {"id": 3},
        "addresses": [{"field": "BILLING", "country_code": "US", "zip_code": "1"}],
        "email_addresses": [{"field": "EMAIL1", "email": "a@b.c"}]}
    fake_server.route("DELETE", "/contacts/5", (204, {}, None))
    items = output(keap(fake_server, {"resource": "contact", "operation": "delete", "contactId": "5"}))
    assert items == [{"json": {"success": True}, "pairedItem": {"item": 0}}]
    fake_server.route("POST", "/notes", (200, {}, {"id": 9}))
    params = {"resource": "contactNote", "operation": "create", "userId": 1, "contactId": "5",
              "additionalFields": {"title": "Hi", "type": "appointment"}}
    assert output(keap(fake_server, params))[0]["json"] == {"id": 9}
    assert fake_server.last().json == {"user_id": 1, "contact_id": 5, "title": "Hi", "type": "Appointment"}


def test_keap_api_error_and_unsupported(fake_server):
    fake_server.route("GET", "/contacts/1", (404, {}, {"message": "Contact not found"}))
    err = error(keap(fake_server, {"resource": "contact", "operation": "get", "contactId": "1"}))
    assert err["message"] == "The resource you are requesting could not be found"
    assert err["description"] == "Contact not found"
    # Keap has no continue-on-fail branch: the engine passes the input item through
    run = keap(fake_server, {"resource": "contact", "operation": "get", "contactId": "1"},
               continue_on_fail=True, items=[{"json": {"x": 1}}])
    assert run.run_data["N"][-1]["data"]["main"][0][0]["json"] == {"x": 1}
    err = error(keap(fake_server, {"resource": "file", "operation": "upload"}))
    assert err["message"] == "Keap: operation 'file/upload' is not supported yet"


CU = {"copperApi": {"apiKey": "cu-key", "email": "me@x.io"}}


def copper(server, params, **kw):
    return run_service("n8n-nodes-base.copper", 1, params, credentials=CU, base_urls={"copper": server.url}, **kw)


def test_copper_person_create_update_get_as_in_corpus(fake_server):
    fake_server.route("POST", "/people", (200, {}, {"id": 11, "name": "Harshil"}))
    params = {"name": "Harshil", "resource": "person",
              "additionalFields": {"emails": {"emailFields": [{"email": "harshil@n8n.io", "category": "work"}]}}}
    items = output(copper(fake_server, params))
    assert items == [{"json": {"id": 11, "name": "Harshil"}, "pairedItem": {"item": 0}}]
    req = fake_server.last()
    assert (req.headers["x-pw-accesstoken"], req.headers["x-pw-application"], req.headers["x-pw-useremail"]) == (
        "cu-key", "developer_api", "me@x.io")
    assert req.json == {"name": "Harshil", "emails": [{"email": "harshil@n8n.io", "category": "work"}]}
    fake_server.route("PUT", "/people/11", (200, {}, {"id": 11}))
    params = {"personId": "={{$json[\"id\"]}}", "resource": "person", "operation": "update",
              "updateFields": {"phone_numbers": {"phoneFields": [{"number": "1234567890", "category": "work"}]}}}
    assert output(copper(fake_server, params, items=[{"json": {"id": 11}}]))[0]["json"] == {"id": 11}
    assert fake_server.last().json == {"phone_numbers": [{"number": "1234567890", "category": "work"}]}
    fake_server.route("GET", "/people/11", (200, {}, {"id": 11, "name": "Harshil"}))
    params = {"personId": "11", "resource": "person", "operation": "get"}
    assert output(copper(fake_server, params))[0]["json"]["name"] == "Harshil"


def test_copper_get_all_listing_and_errors(fake_server):
    fake_server.route("POST", "/companies/search", (200, {"X-PW-TOTAL": "3"}, [{"id": 1}, {"id": 2}, {"id": 3}]))
    items = output(copper(fake_server, {"operation": "getAll", "limit": 2, "filterFields": {"name": "Acme"}}))
    assert [it["json"] for it in items] == [{"id": 1}, {"id": 2}]
    req = fake_server.last()
    assert req.query == {"name": ["Acme"], "page_size": ["200"]} and not req.body
    fake_server.route("POST", "/companies/search", (200, {"X-PW-TOTAL": "500"}, [{"id": 1}]))
    err = error(copper(fake_server, {"operation": "getAll", "returnAll": True}))
    assert "re-requests the same page" in err["message"]
    fake_server.route("DELETE", "/leads/4", (404, {}, {"success": False, "message": "Resource not found"}))
    items = output(copper(fake_server, {"resource": "lead", "operation": "delete", "leadId": "4"},
                          continue_on_fail=True))
    assert items[0]["json"] == {"error": "NodeApiError: The resource you are requesting could not be found"}
    err = error(copper(fake_server, {"resource": "task", "operation": "create"}))
    assert err["message"] == "Copper: operation 'task/create' is not supported yet"


AG = {"agileCrmApi": {"email": "me@x.io", "apiKey": "ag-key", "subdomain": "acme"}}


def agile(server, params, **kw):
    return run_service("n8n-nodes-base.agileCrm", 1, params, credentials=AG, base_urls={"agileCrm": server.url},
                       **kw)


def test_agile_company_get_all_and_update_as_in_corpus(fake_server):
    fake_server.route("POST", "/api/filters/filter/dynamic-filter",
                      (200, {}, [{"id": 1, "properties": [{"name": "name", "value": "Acme"}]}]))
    items = output(agile(fake_server, {"options": {}, "resource": "company", "operation": "getAll"}))
    assert items == [{"json": {"id": 1, "properties": [{"name": "name", "value": "Acme"}]}, "pairedItem": {"item": 0}}]
    req = fake_server.last()
    assert req.headers["authorization"] == "Basic bWVAeC5pbzphZy1rZXk=" and req.headers["accept"] == "application/json"
    assert req.form == {"filterJson": ['{"contact_type":"COMPANY"}'], "page_size": ["20"]}
    fake_server.route("PUT", "/api/contacts/edit-properties", (200, {}, {"id": 1, "updated": True}))
    params = {"resource": "company", "companyId": "={{ $json.companyId }}", "operation": "update",
              "additionalFields": {"addressOptions": {"addressProperties": [{"address": "1 Rue", "subtype": "office"}]},
                                   "customProperties": {"customProperty": [{"name": "SIREN", "value": "123",
                                                                            "subtype": "TEXT"}]}}}
    items = output(agile(fake_server, params, items=[{"json": {"companyId": 1}}]))
    assert [it["json"] for it in items] == [{"id": 1, "updated": True}]
    assert fake_server.last().json == {"id": 1, "properties": [
        {"type": "SYSTEM", "subtype": "office", "name": "address", "value": "1 Rue"},
        {"type": "CUSTOM", "subtype": "TEXT", "name": "SIREN", "value": "123"}]}


def test_agile_contact_create_return_all_cursor_and_errors(fake_server):
    fake_server.route("POST", "/api/contacts", (200, {}, {"id": 5, "type": "PERSON"}))
    params = {"operation": "create", "additionalFields": {"firstName": "Ann", "lastName": "", "tags": ["vip"]}}
    assert output(agile(fake_server, params))[0]["json"] == {"id": 5, "type": "PERSON"}
    assert fake_server.last().json == {"tags": ["vip"], "properties": [
        {"type": "SYSTEM", "name": "first_name", "value": "Ann"}]}

    @fake_server.route("POST", "/api/filters/filter/dynamic-filter")
    def pages(req):
        if req.form.get("cursor") == ["c1"]:
            return 200, {}, [{"id": 2, "properties": [{"name": "first_name", "value": "B"}]}]
        return 200, {}, [{"id": 1, "cursor": "c1", "properties": [{"name": "first_name", "value": "A"}]}]

    params = {"operation": "getAll", "returnAll": True, "simple": True,
              "options": {"sort": {"sort": {"field": "created_time", "direction": "DESC"}}}}
    items = output(agile(fake_server, params))
    assert [it["json"] for it in items] == [{"id": 1, "first_name": "A"}, {"id": 2, "first_name": "B"}]
    assert fake_server.last().form["global_sort_key"] == ["-created_time"]
    assert fake_server.last().form["page_size"] == ["100"]
    fake_server.route("PUT", "/api/contacts/edit-properties", (200, {}, {"id": 5}))
    fake_server.route("PUT", "/api/contacts/edit/tags", (400, {}, {"message": "bad tag"}))
    err = error(agile(fake_server, {"operation": "update", "contactId": "5",
                                    "additionalFields": {"title": "CEO", "tags": ["x"]}}))
    assert err["message"] == "Not all properties updated. Updated properties: title"
    err = error(agile(fake_server, {"operation": "getAll", "filterType": "json", "filterJson": "{bad"}))
    assert err["message"] == "Filter (JSON) must be a valid json"
    err = error(agile(fake_server, {"resource": "task", "operation": "get"}))
    assert err["message"] == "Agile CRM: operation 'task/get' is not supported yet"


FD = {"freshdeskApi": {"apiKey": "fd-key", "domain": "acme"}}


def fd(server, params, **kw):
    return run_service("n8n-nodes-base.freshdesk", 1, params, credentials=FD, base_urls={"freshdesk": server.url},
                       **kw)


def test_freshdesk_ticket_create_as_in_corpus(fake_server):
    fake_server.route("POST", "/tickets", (201, {}, {"id": 1, "subject": "Refund please"}))
    params = {"options": {"tags": "refund,vip", "subject": "Refund please"}, "requester": "email",
              "requesterIdentificationValue": "a@b.c"}
    items = output(fd(fake_server, params))
    assert items == [{"json": {"id": 1, "subject": "Refund please"}, "pairedItem": {"item": 0}}]
    req = fake_server.last()
    assert req.headers["authorization"] == "ZmQta2V5Olg="
    assert req.json == {"status": 3, "priority": 1, "source": 2, "email": "a@b.c", "subject": "Refund please",
                        "description": "null", "tags": ["refund", "vip"]}
    params = {"status": "open", "options": {}, "requester": "requesterId", "requesterIdentificationValue": "x1"}
    err = error(fd(fake_server, params))
    assert err["message"] == "Requester Id must be a number"


def test_freshdesk_ticket_get_all_pages_delete_and_errors(fake_server):
    @fake_server.route("GET", "/tickets")
    def tickets(req):
        if req.arg("page") == "2":
            return 200, {}, [{"id": 3}]
        return 200, {"Link": f'<{fake_server.url}/tickets?page=2&per_page=100>; rel="next"'}, [{"id": 1}, {"id": 2}]

    items = output(fd(fake_server, {"operation": "getAll", "returnAll": True, "options": {"order": "asc"}}))
    assert [it["json"]["id"] for it in items] == [1, 2, 3]
    assert fake_server.last().query == {"page": ["2"], "per_page": ["100"], "order_type": ["asc"]}
    fake_server.route("GET", "/tickets", (200, {}, [{"id": 1}]))
    output(fd(fake_server, {"operation": "getAll", "limit": 1, "options": {}}))
    assert fake_server.last().query == {"per_page": ["1"]}
    fake_server.route("DELETE", "/tickets/9", (204, {}, None))
    items = output(fd(fake_server, {"operation": "delete", "ticketId": "9"}))
    assert items == [{"json": {"success": True}, "pairedItem": {"item": 0}}]
    fake_server.route("GET", "/contacts/4", (404, {}, {"code": "not_found"}))
    items = output(fd(fake_server, {"resource": "contact", "operation": "get", "contactId": "4"},
                      continue_on_fail=True))
    assert items == [{"json": {"error": "The resource you are requesting could not be found"},
                      "pairedItem": {"item": 0}}]
    err = error(fd(fake_server, {"resource": "company", "operation": "get"}))
    assert err["message"] == "Freshdesk: operation 'company/get' is not supported yet"


TODO = {"microsoftToDoOAuth2Api": {"oauthTokenData": {"access_token": "ms-token"}}}


def todo(server, params, **kw):
    return run_service("n8n-nodes-base.microsoftToDo", 1, params, credentials=TODO,
                       base_urls={"microsoftToDo": server.url}, **kw)


def test_microsoft_todo_task_create_update_get_as_in_corpus(fake_server):
    fake_server.route("POST", "/todo/lists/L1/tasks", (201, {}, {"id": "T1", "title": "Document"}))
    params = {"title": "Document", "operation": "create", "taskListId": "L1",
              "additionalFields": {"importance": "high", "content": "<b>x</b>"}}
    items = output(todo(fake_server, params))
    assert items == [{"json": {"id": "T1", "title": "Document"}, "pairedItem": {"item": 0}}]
    req = fake_server.last()
    assert req.headers["authorization"] == "Bearer ms-token"
    assert req.json == {"title": "Document", "importance": "high", "content": "<b>x</b>",
                        "body": {"content": "<b>x</b>", "contentType": "html"}}
    fake_server.route("PATCH", "/todo/lists/L1/tasks/T1", (200, {}, {"id": "T1", "status": "inProgress"}))
    params = {"taskId": "={{$json[\"id\"]}}", "operation": "update", "taskListId": "L1",
              "updateFields": {"status": "inProgress", "dueDateTime": "2025-03-01T10:00:00Z"}}
    items = output(todo(fake_server, params, items=[{"json": {"id": "T1"}}]))
    assert items[0]["json"] == {"id": "T1", "status": "inProgress"}
    body = fake_server.last().json
    assert body["status"] == "inProgress" and body["isReminderOn"] is False
    assert body["dueDateTime"]["dateTime"].startswith("2025-03-01T")
    fake_server.route("GET", "/todo/lists/L1/tasks/T1", (200, {}, {"id": "T1"}))
    assert output(todo(fake_server, {"taskId": "T1", "taskListId": "L1"}))[0]["json"] == {"id": "T1"}


def test_microsoft_todo_lists_paging_delete_and_errors(fake_server):
    nxt = f"{fake_server.url}/todo/lists?$skiptoken=abc"
    calls = []

    @fake_server.route("GET", "/todo/lists")
    def lists(req):
        calls.append(req.query)
        if req.arg("$skiptoken"):
            return 200, {}, {"value": [{"id": "b"}]}
        return 200, {}, {"value": [{"id": "a"}], "@odata.nextLink": nxt}

    items = output(todo(fake_server, {"resource": "list", "operation": "getAll", "returnAll": True}))
    assert [it["json"]["id"] for it in items] == ["a", "b"]
    assert calls == [{"$top": ["100"]}, {"$skiptoken": ["abc"], "$top": ["100"]}]
    items = output(todo(fake_server, {"resource": "list", "operation": "getAll", "limit": 3}))
    assert calls[-1] == {"$top": ["3"]} and len(items) == 1
    fake_server.route("DELETE", "/todo/lists/L9", (204, {}, None))
    items = output(todo(fake_server, {"resource": "list", "operation": "delete", "listId": "L9"}))
    assert items == [{"json": {"success": True}, "pairedItem": {"item": 0}}]
    fake_server.route("GET", "/todo/lists/L8", (404, {}, {"error": {"code": "NotFound", "message": "gone"}}))
    items = output(todo(fake_server, {"resource": "list", "operation": "get", "listId": "L8"}, continue_on_fail=True))
    assert items == [{"json": {"error": "The resource you are requesting could not be found"},
                      "pairedItem": {"item": 0}}]
    err = error(todo(fake_server, {"resource": "checklistItem", "operation": "get"}))
    assert err["message"] == "Microsoft To Do: operation 'checklistItem/get' is not supported yet"


ZU = {"zulipApi": {"url": "https://chat.example.com/", "email": "bot@x.io", "apiKey": "zu-key"}}


def zu(server, params, **kw):
    return run_service("n8n-nodes-base.zulip", 1, params, credentials=ZU, base_urls={"zulip": server.url}, **kw)


def test_zulip_send_stream_and_private(fake_server):
    fake_server.route("POST", "/messages", (200, {}, {"id": 42, "msg": "", "result": "success"}))
    params = {"topic": "=tickets", "stream": "=customer support", "content": "=Open: 3", "operation": "sendStream"}
    items = output(zu(fake_server, params))
    assert items == [{"json": {"id": 42, "msg": "", "result": "success"}, "pairedItem": {"item": 0}}]
    req = fake_server.last()
    assert req.headers["authorization"] == "Basic Ym90QHguaW86enUta2V5"
    assert req.headers["content-type"] == "application/x-www-form-urlencoded"
    assert req.form == {"type": ["stream"], "to": ["customer support"], "topic": ["tickets"], "content": ["Open: 3"]}
    output(zu(fake_server, {"to": ["a@x.io", "b@x.io"], "content": "hi"}))
    assert fake_server.last().form == {"type": ["private"], "to": ["a@x.io,b@x.io"], "content": ["hi"]}


def test_zulip_streams_users_errors(fake_server):
    fake_server.route("GET", "/streams", (200, {}, {"result": "success", "streams": [{"stream_id": 1}, {"stream_id": 2}]}))
    items = output(zu(fake_server, {"resource": "stream", "operation": "getAll",
                                    "additionalFields": {"includePublic": True}}))
    assert [it["json"] for it in items] == [{"stream_id": 1}, {"stream_id": 2}]
    assert fake_server.last().form == {"include_public": ["true"]}
    fake_server.route("PATCH", "/messages/7", (200, {}, {"result": "success"}))
    output(zu(fake_server, {"operation": "update", "messageId": 7,
                            "updateFields": {"propagateMode": "changeLater", "topic": "t"}}))
    assert fake_server.last().form == {"propagate_mode": ["change_later"], "topic": ["t"]}
    fake_server.route("DELETE", "/users/9", (400, {}, {"result": "error", "msg": "No such user"}))
    items = output(zu(fake_server, {"resource": "user", "operation": "deactivate", "userId": 9}, continue_on_fail=True))
    assert items == [{"json": {"error": "Bad request - please check your parameters"}, "pairedItem": {"item": 0}}]
    err = error(zu(fake_server, {"resource": "stream", "operation": "create"}))
    assert err["message"] == "Zulip: operation 'stream/create' is not supported yet"
