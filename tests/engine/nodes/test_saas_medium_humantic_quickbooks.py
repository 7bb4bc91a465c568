"""Medium, Humantic AI and QuickBooks nodes against local fakes of their APIs."""

from __future__ import annotations

from svc_harness import error, output, run_service

pytest_plugins = ("fakes",)

MEDIUM = {"mediumApi": {"accessToken": "md-token"}}
ME = {"data": {"id": "u1", "username": "ann", "name": "Ann"}}


def md(server, params, **kw):
    return run_service("n8n-nodes-base.medium", 1, params, credentials=MEDIUM,
                       base_urls={"medium": server.url}, **kw)


def _medium_auth(req):
    if req.headers.get("authorization") != "Bearer md-token":
        return 401, {}, {"errors": [{"message": "Token was invalid.", "code": 6003}]}
    return None


def _me(req):
    return _medium_auth(req) or (200, {}, ME)


def _create_user_post(req):
    denied = _medium_auth(req)
    if denied:
        return denied
    body = req.json
    if not body.get("title") or body.get("contentFormat") not in ("html", "markdown"):
        return 400, {}, {"errors": [{"message": "Post must have a title.", "code": 6000}]}
    return 201, {}, {"data": {"id": "p1", "title": body["title"], "authorId": "u1", "tags": body["tags"],
                              "publishStatus": body.get("publishStatus", "public")}}


def test_medium_create_post_as_user(fake_server):
    fake_server.route("GET", "/me", _me)
    fake_server.route("POST", "/users/u1/posts", _create_user_post)
    params = {"title": "Hello", "content": "<h1>Hi</h1>", "contentFormat": "html",
              "additionalFields": {"tags": "Email Hosting, Email, Email Marketing", "publishStatus": "draft",
                                   "notifyFollowers": False, "canonicalUrl": "https://x.test/a"}}
    items = output(md(fake_server, params))
    assert items == [{"json": {"id": "p1", "title": "Hello", "authorId": "u1", "publishStatus": "draft",
                               "tags": ["Email Hosting", "Email", "Email Marketing"]},
                      "pairedItem": {"item": 0}}]
    req = fake_server.last("POST")
    assert req.json == {"tags": ["Email Hosting", "Email", "Email Marketing"], "title": "Hello",
                        "contentFormat": "html", "content": "<h1>Hi</h1>", "canonicalUrl": "https://x.test/a",
                        "publishStatus": "draft"}
    assert req.headers["accept"] == "application/json" and req.headers["accept-charset"] == "utf-8"
    assert req.headers["content-type"].startswith("application/json")


def test_medium_create_post_under_publication_outputs_whole_answer(fake_server):
    answer = {"data": {"id": "p2", "publicationId": "pub9", "title": "T"}}
    fake_server.route("POST", "/publications/pub9/posts",
                      lambda req: _medium_auth(req) or (201, {}, answer))
    params = {"title": "T", "content": "# T", "contentFormat": "markdown", "publication": True,
              "publicationId": "pub9", "additionalFields": {"license": "cc-40-by"}}
    items = output(md(fake_server, params))
    assert items == [{"json": answer, "pairedItem": {"item": 0}}]
    assert fake_server.last().json == {"tags": [], "title": "T", "contentFormat": "markdown",
                                       "content": "# T", "license": "cc-40-by"}
    assert [r.path for r in fake_server.requests] == ["/publications/pub9/posts"]


def test_medium_tag_errors():
    params = {"title": "T", "content": "c", "contentFormat": "html",
              "additionalFields": {"tags": "a, this tag is far too long to be used"}}
    err = error(run_service("n8n-nodes-base.medium", 1, params, credentials=MEDIUM,
                            base_urls={"medium": "http://127.0.0.1:9"}))
    assert err["message"] == ('The tag "this tag is far too long to be used" is to long. '
                              "Maximum lenght of a tag is 25 characters.")
    params["additionalFields"]["tags"] = "a,b,c,d,e,f"
    err = error(run_service("n8n-nodes-base.medium", 1, params, credentials=MEDIUM,
                            base_urls={"medium": "http://127.0.0.1:9"}))
    assert err["message"] == "To many tags got used. Maximum 5 can be set."


def test_medium_publications_limit_and_return_all(fake_server):
    pubs = [{"id": f"pub{n}", "name": f"P{n}"} for n in range(3)]
    fake_server.route("GET", "/me", _me)
    fake_server.route("GET", "/users/u1/publications",
                      lambda req: _medium_auth(req) or (200, {}, {"data": pubs}))
    items = output(md(fake_server, {"resource": "publication", "operation": "getAll", "limit": 2}))
    assert items == [{"json": pubs[0], "pairedItem": {"item": 0}},
                     {"json": pubs[1], "pairedItem": {"item": 0}}]
    items = output(md(fake_server, {"resource": "publication", "operation": "getAll", "returnAll": True}))
    assert [it["json"] for it in items] == pubs


def test_medium_api_error_and_continue_on_fail(fake_server):
    fake_server.route("GET", "/me", _me)
    params = {"title": "T", "content": "c", "contentFormat": "html"}
    bad = {"mediumApi": {"accessToken": "wrong"}}
    run = run_service("n8n-nodes-base.medium", 1, params, credentials=bad,
                      base_urls={"medium": fake_server.url})
    err = error(run)
    assert err["message"] == "Authorization failed - please check your credentials"
    run = run_service("n8n-nodes-base.medium", 1, params, credentials=bad,
                      base_urls={"medium": fake_server.url}, continue_on_fail=True)
    assert output(run) == [{"json": {"error": "Authorization failed - please check your credentials"},
                            "pairedItem": {"item": 0}}]


def test_medium_unsupported_operation():
    err = error(run_service("n8n-nodes-base.medium", 1, {"resource": "post", "operation": "delete"},
                            credentials=MEDIUM))
    assert "not supported yet" in err["message"]


HUMANTIC = {"humanticAiApi": {"apiKey": "hk"}}
LINKEDIN = "https://www.linkedin.com/in/ann/"


def ha(server, params, **kw):
    return run_service("n8n-nodes-base.humanticAi", 1, params, credentials=HUMANTIC,
                       base_urls={"humanticAi": server.url}, **kw)


def _humantic_key(req):
    if req.arg("apikey") != "hk":
        return 200, {}, {"data": {"status": "error", "message": "Invalid API key"}}
    return None


def _profile_create(req):
    if not req.arg("userid"):
        return 200, {}, {"data": {"status": "error", "message": "userid is required"}}
    return _humantic_key(req) or (200, {}, {"results": {"userid": req.arg("userid"), "status": "STARTED"},
                                            "usage_stats": {"credits": 1}, "metadata": {"v": 1}})


def test_humantic_create_profile_drops_usage_stats(fake_server):
    fake_server.route("GET", "/user-profile/create", _profile_create)
    items = output(ha(fake_server, {"userId": LINKEDIN}))
    assert items == [{"json": {"results": {"userid": LINKEDIN, "status": "STARTED"}, "metadata": {"v": 1}},
                      "pairedItem": {"item": 0}}]
    assert fake_server.last().query == {"userid": [LINKEDIN], "apikey": ["hk"]}
    assert fake_server.last().body == b""


def test_humantic_get_with_persona_shared_across_items(fake_server):
    def profile(req):
        return _humantic_key(req) or (200, {}, {"results": {"userid": req.arg("userid"),
                                                            "persona": req.arg("persona")}})
    fake_server.route("GET", "/user-profile", profile)
    items = [{"json": {"u": "a", "p": ["hiring", "sales"]}}, {"json": {"u": "b", "p": []}}]
    params = {"operation": "get", "userId": "={{ $json.u }}", "options": {"persona": "={{ $json.p }}"}}
    out = output(ha(fake_server, params, items=items))
    # n8n's qs object is shared by the items: item 1 still sends item 0's persona
    assert out == [{"json": {"userid": "a", "persona": "hiring,sales"}, "pairedItem": {"item": 0}},
                   {"json": {"userid": "b", "persona": "hiring,sales"}, "pairedItem": {"item": 1}}]


def test_humantic_update_with_text_and_with_resume(fake_server):
    def update(req):
        denied = _humantic_key(req)
        if denied:
            return denied
        if req.headers["content-type"].startswith("multipart/form-data"):
            text = req.text
            assert 'name="resume"; filename="cv.pdf"' in text and "Content-Type: application/pdf" in text
            assert "%PDF-1.4 resume" in text
            return 200, {}, {"data": {"userid": req.arg("userid"), "source": "resume"}}
        assert req.json == {"text": "I like building things"}
        return 200, {}, {"data": {"userid": req.arg("userid"), "source": "text"}}
    fake_server.route("POST", "/user-profile/create", update)
    out = output(ha(fake_server, {"operation": "update", "userId": "u1", "text": "I like building things"}))
    assert out == [{"json": {"userid": "u1", "source": "text"}, "pairedItem": {"item": 0}}]
    assert fake_server.last().headers["content-type"] == "application/json"
    import base64
    pdf = {"data": {"data": base64.b64encode(b"%PDF-1.4 resume").decode(), "mimeType": "application/pdf",
                    "fileName": "cv.pdf"}}
    out = output(ha(fake_server, {"operation": "update", "userId": "u2", "sendResume": True},
                    items=[{"json": {}, "binary": pdf}]))
    assert out == [{"json": {"userid": "u2", "source": "resume"}, "pairedItem": {"item": 0}}]
    assert fake_server.last().query == {"userid": ["u2"], "apikey": ["hk"]}


def test_humantic_error_status_and_missing_binary(fake_server):
    fake_server.route("GET", "/user-profile/create", _profile_create)
    bad = {"humanticAiApi": {"apiKey": "no"}}
    run = run_service("n8n-nodes-base.humanticAi", 1, {"userId": "x"}, credentials=bad,
                      base_urls={"humanticAi": fake_server.url})
    assert error(run)["message"] == "Invalid API key"
    # the node has no continue-on-fail handling: it still fails
    run = run_service("n8n-nodes-base.humanticAi", 1, {"userId": "x"}, credentials=bad,
                      base_urls={"humanticAi": fake_server.url}, continue_on_fail=True)
    assert "Invalid API key" in str(run.run_data["N"][-1])
    err = error(ha(fake_server, {"userId": "x", "sendResume": True}))
    assert err["message"] == "No binary data exists on item!"
    err = error(ha(fake_server, {"resource": "profile", "operation": "delete"}))
    assert "not supported yet" in err["message"]


QB = {"quickBooksOAuth2Api": {"environment": "production", "oauthTokenData": {
    "access_token": "qb-token", "callbackQueryString": {"realmId": "123"}}}}
CO = "/v3/company/123"
NOT_FOUND = ("Object Not Found : Something you're trying to use has been made inactive. "
             "Check the fields with accounts, customers, items, vendors or employees.")
MISSING = "Required param missing, need to supply the required value for the API"


class FakeQuickBooks:
    """An in-memory QuickBooks Online company: entities, the query endpoint, send/void/delete and PDFs."""

    def __init__(self, server, rows=None):
        self.store = {"Customer": {str(n): {"Id": str(n), "DisplayName": f"C{n}", "SyncToken": "0"}
                                   for n in range(1, (rows or 3) + 1)},
                      "Invoice": {"130": {"Id": "130", "SyncToken": "2", "TotalAmt": 100,
                                          "CustomerRef": {"value": "1", "name": "C1"}}}}
        self.server = server
        server.route("*", f"{CO}/*", self.handle)

    def handle(self, req):
        if req.headers.get("authorization") != "Bearer qb-token":
            return 401, {}, {"Fault": {"Error": [{"Message": "message=AuthenticationFailed", "code": "3200"}],
                                       "type": "AUTHENTICATION"}}
        assert req.headers["user-agent"] == "n8n"
        parts = req.path[len(CO) + 1:].split("/")
        if parts == ["query"]:
            return self.query(req.arg("query"))
        key = parts[0].capitalize()
        table = self.store.setdefault(key, {})
        if req.method == "GET" and len(parts) == 3 and parts[2] == "pdf":
            assert req.headers["accept"] == "application/pdf"
            return 200, {"Content-Type": "application/pdf"}, b"%PDF-1.4 invoice " + parts[1].encode()
        if req.method == "GET":
            row = table.get(parts[1])
            if row is None:
                return 400, {}, {"Fault": {"Error": [{"Message": "Object Not Found", "code": "610",
                                                      "Detail": NOT_FOUND}], "type": "ValidationFault"}}
            return 200, {}, {key: row, "time": "2024-01-01T00:00:00.000-08:00"}
        if len(parts) == 3 and parts[2] == "send":
            assert req.headers["content-type"] == "application/octet-stream" and req.body == b""
            return 200, {}, {key: {**table[parts[1]], "EmailStatus": "EmailSent",
                                   "BillEmail": {"Address": req.arg("sendTo")}}}
        return self.write(req, key, table)

    def write(self, req, key, table):
        op = req.arg("operation")
        if op == "void":
            row = table[req.arg("Id")]
            assert req.arg("SyncToken") == row["SyncToken"] and req.body == b""
            return 200, {}, {key: {**row, "PrivateNote": "Voided", "SyncToken": "3"}}
        body = req.json
        if op == "delete":
            assert body["SyncToken"] == table[body["Id"]]["SyncToken"]
            del table[body["Id"]]
            return 200, {}, {key: {"status": "Deleted", "domain": "QBO", "Id": body["Id"]}}
        if "Id" in body:
            row = table[body["Id"]]
            assert body.pop("sparse") is True and body["SyncToken"] == row["SyncToken"]
            row.update(body)
            row["SyncToken"] = str(int(row["SyncToken"]) + 1)
            return 200, {}, {key: row}
        if key == "Customer" and not body.get("DisplayName"):
            detail = "Required parameter Name is missing in the request"
            return 400, {}, {"Fault": {"Error": [{"Message": MISSING, "code": "2020", "Detail": detail}],
                                       "type": "ValidationFault"}}
        row = {**body, "Id": str(200 + len(table)), "SyncToken": "0"}
        table[row["Id"]] = row
        return 200, {}, {key: row, "time": "2024-01-01T00:00:00.000-08:00"}

    def query(self, text):
        words = text.split()
        key = words[3].capitalize()
        rows = list(self.store.get(key, {}).values())
        if words[1] == "COUNT(*)":
            return 200, {}, {"QueryResponse": {"totalCount": len(rows)}}
        if "STARTPOSITION" in words:
            start = int(words[words.index("STARTPOSITION") + 1])
            rows = rows[start - 1:]
        if "MAXRESULTS" in words:
            rows = rows[: int(words[words.index("MAXRESULTS") + 1])]
        if not rows:
            return 200, {}, {"QueryResponse": {}}
        return 200, {}, {"QueryResponse": {key: rows, "startPosition": 1, "maxResults": len(rows)}}


def qb(server, params, **kw):
    return run_service("n8n-nodes-base.quickbooks", 1, params, credentials=QB,
                       base_urls={"quickbooks": server.url}, **kw)


def test_quickbooks_customer_create_get_update(fake_server):
    fake = FakeQuickBooks(fake_server)
    params = {"operation": "create", "displayName": "Jack Ryan",
              "additionalFields": {"PrimaryEmailAddr": "jack@ryan.com", "PrimaryPhone": "555",
                                   "BillAddr": {"details": {"City": "Austin", "Line1": ""}}, "Balance": 5}}
    items = output(qb(fake_server, params))
    created = {"DisplayName": "Jack Ryan", "PrimaryEmailAddr": {"Address": "jack@ryan.com"},
               "PrimaryPhone": {"FreeFormNumber": "555"}, "BillAddr": {"City": "Austin"}, "Balance": 5,
               "Id": "203", "SyncToken": "0"}
    assert items == [{"json": created, "pairedItem": {"item": 0}}]
    assert fake_server.last().path == f"{CO}/customer"
    items = output(qb(fake_server, {"customerId": "203"}))
    assert items == [{"json": created, "pairedItem": {"item": 0}}]
    items = output(qb(fake_server, {"operation": "update", "customerId": "203",
                                    "updateFields": {"CompanyName": "Ryan Co"}}))
    assert items[0]["json"]["CompanyName"] == "Ryan Co" and items[0]["json"]["SyncToken"] == "1"
    assert fake.store["Customer"]["203"]["CompanyName"] == "Ryan Co"
    err = error(qb(fake_server, {"operation": "update", "customerId": "203", "updateFields": {}}))
    assert err["message"] == "Please enter at least one field to update for the customer."


def test_quickbooks_invoice_create_send_void_delete(fake_server):
    fake = FakeQuickBooks(fake_server)
    params = {"resource": "invoice", "operation": "create", "CustomerRef": "1",
              "Line": [{"Amount": 100, "itemId": "1", "DetailType": "SalesItemLineDetail",
                        "Description": "Consulting service"}],
              "additionalFields": {"BillEmail": "a@b.c", "CustomerMemo": "thanks", "TotalTax": 7,
                                   "ShipAddr": "", "TxnDate": ""}}
    items = output(qb(fake_server, params))
    sent = fake_server.last().json
    assert sent == {"CustomerRef": {"value": "1"}, "BillEmail": {"Address": "a@b.c"},
                    "CustomerMemo": {"value": "thanks"}, "TxnTaxDetail": {"TotalTax": 7}, "ShipAddr": {},
                    "TxnDate": "",
                    "Line": [{"Amount": 100, "DetailType": "SalesItemLineDetail",
                              "Description": "Consulting service",
                              "SalesItemLineDetail": {"ItemRef": {"value": "1"}, "TaxCodeRef": {}}}]}
    invoice_id = items[0]["json"]["Id"]
    items = output(qb(fake_server, {"resource": "invoice", "operation": "send", "invoiceId": invoice_id,
                                    "email": "x@y.z"}))
    assert items[0]["json"]["EmailStatus"] == "EmailSent"
    assert fake_server.last().query == {"sendTo": ["x@y.z"]}
    items = output(qb(fake_server, {"resource": "invoice", "operation": "void", "invoiceId": "130"}))
    assert items == [{"json": {**fake.store["Invoice"]["130"], "PrivateNote": "Voided", "SyncToken": "3"},
                      "pairedItem": {"item": 0}}]
    assert fake_server.last().query == {"Id": ["130"], "SyncToken": ["2"], "operation": ["void"]}
    items = output(qb(fake_server, {"resource": "invoice", "operation": "delete", "invoiceId": "130"}))
    assert items[0]["json"] == {"status": "Deleted", "domain": "QBO", "Id": "130"}
    assert fake_server.last().headers["content-type"] == "application/json"
    assert "130" not in fake.store["Invoice"]


def test_quickbooks_invoice_update_keeps_customer_ref_and_line_checks(fake_server):
    FakeQuickBooks(fake_server)
    items = output(qb(fake_server, {"resource": "invoice", "operation": "update", "invoiceId": "130",
                                    "updateFields": {"Balance": 50}}))
    assert fake_server.last().json == {"Id": "130", "SyncToken": "2", "sparse": True,
                                       "CustomerRef": {"name": "C1", "value": "1"}, "Balance": 50}
    assert items[0]["json"]["Balance"] == 50
    err = error(qb(fake_server, {"resource": "invoice", "operation": "create", "Line": []}))
    assert err["message"] == "Please enter at least one line for the invoice."
    err = error(qb(fake_server, {"resource": "invoice", "operation": "create", "CustomerRef": "1",
                                 "Line": [{"Amount": 1, "DetailType": "SalesItemLineDetail",
                                           "Description": "d"}]}))
    assert err["message"] == "Please enter an item ID for the associated line."


def test_quickbooks_get_all_limit_and_return_all_paging(fake_server):
    FakeQuickBooks(fake_server, rows=1500)
    params = {"operation": "getAll", "limit": 2, "filters": {"query": "WHERE Active = true"}}
    items = output(qb(fake_server, params))
    assert [it["json"]["Id"] for it in items] == ["1", "2"]
    assert fake_server.last().arg("query") == "SELECT * FROM customer WHERE Active = true MAXRESULTS 2"
    fake_server.requests.clear()
    items = output(qb(fake_server, {"operation": "getAll", "returnAll": True}))
    assert len(items) == 1500
    assert items[-1] == {"json": {"Id": "1500", "DisplayName": "C1500", "SyncToken": "0"},
                         "pairedItem": {"item": 0}}
    assert [r.arg("query") for r in fake_server.requests] == [
        "SELECT COUNT(*) FROM customer", "SELECT * FROM customer MAXRESULTS 1000 STARTPOSITION 1",
        "SELECT * FROM customer MAXRESULTS 1000 STARTPOSITION 1001"]


def test_quickbooks_download_invoice_pdf(fake_server):
    FakeQuickBooks(fake_server)
    params = {"resource": "invoice", "operation": "get", "invoiceId": "130", "download": True,
              "binaryProperty": "pdf", "fileName": "inv-130.pdf"}
    items = output(qb(fake_server, params, items=[{"json": {"k": 1}}]))
    assert len(items) == 1 and items[0]["json"] == {"k": 1}
    entry = items[0]["binary"]["pdf"]
    assert entry["mimeType"] == "application/pdf" and entry["fileName"] == "inv-130.pdf"
    assert entry["fileExtension"] == "pdf"
    import base64
    assert base64.b64decode(entry["data"]) == b"%PDF-1.4 invoice 130"


def test_quickbooks_transaction_report_simplified(fake_server):
    report = {"Header": {"ReportName": "TransactionList"},
              "Columns": {"Column": [{"ColTitle": "Date", "ColType": "tx_date"},
                                     {"ColTitle": "Amount", "ColType": "subt_nat_amount"}]},
              "Rows": {"Row": [{"ColData": [{"value": "2024-01-02"}, {"value": "10.00"}], "type": "Data"}]}}
    fake_server.route("GET", f"{CO}/reports/TransactionList", (200, {}, report))
    params = {"resource": "transaction", "filters": {
        "columns": ["tx_date", "subt_nat_amount"], "date_macro": "This Month",
        "dateRangeCustom": {"dateRangeCustomProperties": {"start_date": "2024-01-01T00:00:00",
                                                          "end_date": "2024-01-31T00:00:00"}}}}
    items = output(qb(fake_server, params))
    assert items == [{"json": {"tx_date": "2024-01-02", "subt_nat_amount": "10.00"},
                      "pairedItem": {"item": 0}}]
    assert fake_server.last().query == {"columns": ["tx_date,subt_nat_amount"], "date_macro": ["This Month"],
                                        "start_date": ["2024-01-01"], "end_date": ["2024-01-31"]}
    fake_server.route("GET", f"{CO}/reports/TransactionList", (200, {}, {**report, "Rows": {}}))
    assert output(qb(fake_server, params)) == []


def test_quickbooks_api_error_continue_on_fail_and_unsupported(fake_server):
    FakeQuickBooks(fake_server)
    err = error(qb(fake_server, {"operation": "create", "displayName": ""}))
    assert err["message"] == "Bad request - please check your parameters"
    items = output(qb(fake_server, {"customerId": "999"}, continue_on_fail=True,
                      items=[{"json": {}}, {"json": {}}]))
    assert items[0] == {"json": {"error": "Bad request - please check your parameters"},
                        "pairedItem": {"item": 0}}
    assert len(items) == 2
    err = error(qb(fake_server, {"resource": "item", "operation": "create"}))
    assert "not supported yet" in err["message"]
