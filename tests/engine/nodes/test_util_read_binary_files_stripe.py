"""Read Binary Files (local files by glob, confined to files_root) and Stripe (form-encoded REST
against a local fake of api.stripe.com/v1)."""

from __future__ import annotations

import base64

from svc_harness import error, output, run_service

pytest_plugins = ("fakes",)

RBF = "n8n-nodes-base.readBinaryFiles"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


# -- Read Binary Files ---------------------------------------------------------------------------

def _files(tmp_path):
    (tmp_path / ".n8n").mkdir()
    (tmp_path / ".n8n" / "b.csv").write_bytes(b"x,y\n1,2\n")
    (tmp_path / ".n8n" / "a.csv").write_bytes(b"a\n")
    (tmp_path / ".n8n" / ".hidden.csv").write_bytes(b"h")
    (tmp_path / ".n8n" / "dir.csv").mkdir()
    (tmp_path / "pics" / "sub").mkdir(parents=True)
    (tmp_path / "pics" / "one.jpg").write_bytes(b"\xff\xd8\xffJPEG")
    (tmp_path / "pics" / "sub" / "two.png").write_bytes(b"\x89PNGdata")


def test_read_binary_files_relative_pattern_one_item_per_file(tmp_path):
    _files(tmp_path)
    run = run_service(RBF, 1, {"fileSelector": "=./.n8n/*.csv"}, items=[{"json": {"a": 1}}, {"json": {"a": 2}}],
                      files_root=tmp_path)
    items = output(run)
    paired = [{"item": 0}, {"item": 1}]
    assert items == [
        {"json": {}, "binary": {"data": {"mimeType": "text/csv", "fileType": "text", "fileExtension": "csv",
                                         "data": _b64(b"a\n"), "directory": "./.n8n", "fileName": "a.csv",
                                         "fileSize": "2 B"}}, "pairedItem": paired},
        {"json": {}, "binary": {"data": {"mimeType": "text/csv", "fileType": "text", "fileExtension": "csv",
                                         "data": _b64(b"x,y\n1,2\n"), "directory": "./.n8n", "fileName": "b.csv",
                                         "fileSize": "8 B"}}, "pairedItem": paired},
    ]


def test_read_binary_files_globstar_braces_and_property(tmp_path):
    _files(tmp_path)
    run = run_service(RBF, 1, {"fileSelector": "pics/**/*.{jpg,png}", "dataPropertyName": "file"},
                      files_root=tmp_path)
    items = output(run)
    assert [(it["binary"]["file"]["directory"], it["binary"]["file"]["fileName"],
             it["binary"]["file"]["mimeType"]) for it in items] == [
        ("pics", "one.jpg", "image/jpeg"), ("pics/sub", "two.png", "image/png")]
    assert all(it["json"] == {} and it["pairedItem"] == [{"item": 0}] for it in items)


def test_read_binary_files_absolute_pattern_inside_root(tmp_path):
    _files(tmp_path)
    items = output(run_service(RBF, 1, {"fileSelector": f"{tmp_path}/pics/*.jpg"}, files_root=tmp_path))
    entry = items[0]["binary"]["data"]
    assert (entry["directory"], entry["fileName"], entry["data"]) == (f"{tmp_path}/pics", "one.jpg",
                                                                      _b64(b"\xff\xd8\xffJPEG"))


def test_read_binary_files_nothing_found_gives_no_items(tmp_path):
    _files(tmp_path)
    assert output(run_service(RBF, 1, {"fileSelector": "D:/output.mp3"}, files_root=tmp_path)) == []


def test_read_binary_files_refuses_paths_outside_root(tmp_path):
    root = tmp_path / "root"
    root.mkdir()
    (tmp_path / "secret.txt").write_text("s")
    for pattern in ("../*.txt", f"{tmp_path}/*.txt", "/etc/*"):
        err = error(run_service(RBF, 1, {"fileSelector": pattern}, files_root=root))
        assert "Access to the file is not allowed" in err["message"]
    (root / "link.txt").symlink_to(tmp_path / "secret.txt")
    err = error(run_service(RBF, 1, {"fileSelector": "*.txt"}, files_root=root))
    assert "Access to the file is not allowed" in err["message"]


def test_read_binary_files_without_files_root_or_pattern(tmp_path):
    err = error(run_service(RBF, 1, {"fileSelector": "*.csv"}))
    assert "no files root is configured" in err["message"]
    err = error(run_service(RBF, 1, {"fileSelector": ""}, files_root=tmp_path))
    assert err["message"] == "Patterns must be a string (non empty) or an array of strings"


# -- Stripe ---------------------------------------------------------------------------------------

ST = "n8n-nodes-base.stripe"
CREDS = {"stripeApi": {"secretKey": "sk_test_123", "signatureSecret": ""}}
FORM = "application/x-www-form-urlencoded"


def stripe(server, params, **kw):
    return run_service(ST, 1, params, credentials=CREDS, base_urls={"stripe": server.url}, **kw)


def _authorized(req) -> bool:
    return req.headers.get("authorization") == "Bearer sk_test_123"


def _not_found(kind: str, ident: str):
    return (404, {}, {"error": {"code": "resource_missing", "message": f"No such {kind}: '{ident}'",
                                "param": "id", "type": "invalid_request_error"}})


def _fake_list(server, path: str, rows: list[dict]):
    """A Stripe list endpoint: pages of 2 (Stripe's page size is its own), ``starting_after`` cursor."""

    def handler(req):
        assert req.method == "GET" and _authorized(req) and "limit" not in req.query
        email = req.arg("email")
        chosen = [r for r in rows if email is None or r.get("email") == email]
        after = req.arg("starting_after")
        start = 0 if after is None else [r["id"] for r in chosen].index(after) + 1
        page = chosen[start:start + 2]
        return 200, {}, {"object": "list", "url": f"/v1{path}", "has_more": start + 2 < len(chosen), "data": page}

    server.route("GET", path, handler)


def test_stripe_customer_create_form_body_as_corpus(fake_server):
    def create(req):
        assert _authorized(req) and req.headers["content-type"] == FORM
        form = {k: v[0] for k, v in req.form.items()}
        return 200, {}, {"id": "cus_1", "object": "customer", "name": form["name"],
                         "address": {"city": form["address[city]"], "line1": form["address[line1]"]},
                         "metadata": {"plan": form["metadata[plan]"]}}

    fake_server.route("POST", "/customers", create)
    params = {"name": "={{ $json.Name }}", "resource": "customer", "operation": "create",
              "additionalFields": {
                  "metadata": {"metadataProperties": [{"key": "plan", "value": "pro"}]},
                  "address": {"details": {"city": "={{ $json.City }}", "line1": "Main St 1", "state": "",
                                          "country": "LK", "postal_code": "00100"}},
                  "email": "ann@example.com"}}
    items = output(stripe(fake_server, params, items=[{"json": {"Name": "Ann & Co", "City": "Colombo"}}]))
    assert items == [{"json": {"id": "cus_1", "object": "customer", "name": "Ann & Co",
                               "address": {"city": "Colombo", "line1": "Main St 1"},
                               "metadata": {"plan": "pro"}}, "pairedItem": {"item": 0}}]
    # qs.stringify: address then metadata moved to the end, brackets and spaces percent-encoded
    assert fake_server.last().text == (
        "name=Ann%20%26%20Co&email=ann%40example.com&address%5Bcity%5D=Colombo&address%5Bline1%5D=Main%20St%201"
        "&address%5Bstate%5D=&address%5Bcountry%5D=LK&address%5Bpostal_code%5D=00100&metadata%5Bplan%5D=pro")


def test_stripe_customer_get_default_operation_delete_and_update(fake_server):
    customer = {"id": "cus_9", "object": "customer", "email": "x@y.z"}
    fake_server.route("GET", "/customers/cus_9", lambda req: (200, {}, customer) if _authorized(req) else (401, {}, {}))
    items = output(stripe(fake_server, {"resource": "customer", "customerId": "={{ $json.customer }}"},
                          items=[{"json": {"customer": "cus_9"}}]))
    assert items == [{"json": customer, "pairedItem": {"item": 0}}]

    fake_server.route("DELETE", "/customers/cus_9", (200, {}, {"id": "cus_9", "object": "customer", "deleted": True}))
    items = output(stripe(fake_server, {"resource": "customer", "operation": "delete", "customerId": "cus_9"}))
    assert items[0]["json"] == {"id": "cus_9", "object": "customer", "deleted": True}

    fake_server.route("POST", "/customers/cus_9", lambda req: (200, {}, {**customer, "phone": req.form["phone"][0]}))
    items = output(stripe(fake_server, {"resource": "customer", "operation": "update", "customerId": "cus_9",
                                        "updateFields": {"phone": "+94 11"}}))
    assert items[0]["json"]["phone"] == "+94 11"
    assert fake_server.last().text == "phone=%2B94%2011"
    err = error(stripe(fake_server, {"resource": "customer", "operation": "update", "customerId": "cus_9",
                                     "updateFields": {}}))
    assert err["message"] == "Please enter at least one field to update for the customer."


def test_stripe_customer_get_all_return_all_pages_and_email_filter(fake_server):
    rows = [{"id": f"cus_{n}", "object": "customer", "email": "a@x" if n % 2 else "b@x"} for n in range(1, 6)]
    _fake_list(fake_server, "/customers", rows)
    items = output(stripe(fake_server, {"resource": "customer", "operation": "getAll", "returnAll": True,
                                        "filters": {}}))
    assert items == [{"json": r, "pairedItem": {"item": 0}} for r in rows]
    assert [r.arg("starting_after") for r in fake_server.requests] == [None, "cus_2", "cus_4"]

    fake_server.requests.clear()
    items = output(stripe(fake_server, {"resource": "customer", "operation": "getAll", "returnAll": True,
                                        "filters": {"email": "a@x"}}))
    assert [it["json"]["id"] for it in items] == ["cus_1", "cus_3", "cus_5"]
    assert [r.query for r in fake_server.requests] == [{"email": ["a@x"]},
                                                       {"email": ["a@x"], "starting_after": ["cus_3"]}]


def test_stripe_charge_get_all_limit_and_empty_list(fake_server):
    rows = [{"id": f"ch_{n}", "object": "charge", "amount": n * 100} for n in range(1, 6)]
    _fake_list(fake_server, "/charges", rows)
    items = output(stripe(fake_server, {"resource": "charge", "operation": "getAll", "limit": 3}))
    assert [it["json"] for it in items] == rows[:3]
    assert len(fake_server.requests) == 2  # stops once the limit is reached
    # default limit 50 (returnAll false): all five, over three pages
    assert len(output(stripe(fake_server, {"resource": "charge", "operation": "getAll"}))) == 5
    # n8n's handleListing reads the last row's id even when the list is empty
    fake_server.route("GET", "/coupons", (200, {}, {"object": "list", "has_more": False, "data": []}))
    err = error(stripe(fake_server, {"resource": "coupon", "operation": "getAll", "returnAll": True}))
    assert err["message"] == "Cannot read properties of undefined (reading 'id')"


def test_stripe_charge_create_get_update(fake_server):
    def create(req):
        form = {k: v[0] for k, v in req.form.items()}
        if form["currency"] != "usd":
            return 400, {}, {"error": {"message": "Invalid currency", "type": "invalid_request_error"}}
        return 200, {}, {"id": "ch_1", "object": "charge", "amount": int(form["amount"]), "currency": "usd"}

    fake_server.route("POST", "/charges", create)
    params = {"resource": "charge", "operation": "create", "customerId": "cus_1", "currency": "USD", "amount": 2500,
              "source": "card_1",
              "additionalFields": {"description": "Order 7",
                                   "shipping": {"shippingProperties": [
                                       {"name": "Ann", "address": {"details": {"line1": "1 Main", "city": "Kandy"}}}]},
                                   "metadata": {"metadataProperties": [{"key": "order", "value": "7"}]}}}
    items = output(stripe(fake_server, params))
    assert items[0]["json"] == {"id": "ch_1", "object": "charge", "amount": 2500, "currency": "usd"}
    assert fake_server.last().text == (
        "customer=cus_1&currency=usd&amount=2500&source=card_1&description=Order%207&shipping%5Bname%5D=Ann"
        "&shipping%5Baddress%5D%5Bline1%5D=1%20Main&shipping%5Baddress%5D%5Bcity%5D=Kandy&metadata%5Border%5D=7")

    fake_server.route("GET", "/charges/ch_1", (200, {}, {"id": "ch_1", "object": "charge"}))
    assert output(stripe(fake_server, {"resource": "charge", "chargeId": "ch_1"}))[0]["json"]["id"] == "ch_1"
    fake_server.route("POST", "/charges/ch_1", lambda req: (200, {}, {"id": "ch_1", "receipt_email": req.form[
        "receipt_email"][0]}))
    items = output(stripe(fake_server, {"resource": "charge", "operation": "update", "chargeId": "ch_1",
                                        "updateFields": {"receipt_email": "r@x.io"}}))
    assert items[0]["json"] == {"id": "ch_1", "receipt_email": "r@x.io"}
    # an empty shipping collection fails as n8n's adjustShipping does
    params["additionalFields"] = {"shipping": {}}
    err = error(stripe(fake_server, params))
    assert err["message"] == "Cannot read properties of undefined (reading '0')"


def test_stripe_api_error_and_continue_on_fail(fake_server):
    fake_server.route("GET", "/customers/cus_x", _not_found("customer", "cus_x"))
    err = error(stripe(fake_server, {"resource": "customer", "operation": "get", "customerId": "cus_x"}))
    assert err["message"] == "The resource you are requesting could not be found"
    assert err["description"] == "No such customer: 'cus_x'"
    fake_server.route("GET", "/customers/cus_ok", (200, {}, {"id": "cus_ok"}))
    items = output(stripe(fake_server, {"resource": "customer", "operation": "get", "customerId": "={{ $json.c }}"},
                          items=[{"json": {"c": "cus_x"}}, {"json": {"c": "cus_ok"}}], continue_on_fail=True))
    assert items == [{"json": {"error": "The resource you are requesting could not be found"}, "pairedItem": {"item": 0}},
                     {"json": {"id": "cus_ok"}, "pairedItem": {"item": 1}}]


def test_stripe_source_create_attaches_then_get_and_delete(fake_server):
    fake_server.route("POST", "/sources", lambda req: (200, {}, {"id": "src_1", "object": "source",
                                                               "type": req.form["type"][0]}))
    fake_server.route("POST", "/customers/cus_1/sources", lambda req: (200, {}, {"id": req.form["source"][0]}))
    params = {"resource": "source", "operation": "create", "customerId": "cus_1", "type": "wechat", "amount": 100,
              "currency": "cny", "additionalFields": {"statement_descriptor": "Shop"}}
    items = output(stripe(fake_server, params))
    assert items == [{"json": {"id": "src_1", "object": "source", "type": "wechat"}, "pairedItem": {"item": 0}}]
    assert [(r.method, r.path, r.text) for r in fake_server.requests] == [
        ("POST", "/sources", "type=wechat&amount=100&currency=cny&statement_descriptor=Shop"),
        ("POST", "/customers/cus_1/sources", "source=src_1")]
    fake_server.route("GET", "/sources/src_1", (200, {}, {"id": "src_1"}))
    assert output(stripe(fake_server, {"resource": "source", "sourceId": "src_1"}))[0]["json"] == {"id": "src_1"}
    fake_server.route("DELETE", "/customers/cus_1/sources/src_1", (200, {}, {"id": "src_1", "status": "consumed"}))
    items = output(stripe(fake_server, {"resource": "source", "operation": "delete", "customerId": "cus_1",
                                        "sourceId": "src_1"}))
    assert items[0]["json"]["status"] == "consumed"


def test_stripe_customer_card_balance_coupon_token_meter_event(fake_server):
    fake_server.route("POST", "/customers/cus_1/sources", lambda req: (200, {}, {"id": "card_1",
                                                                               "tok": req.form["source"][0]}))
    fake_server.route("GET", "/customers/cus_1/sources/card_1", (200, {}, {"id": "card_1", "object": "card"}))
    fake_server.route("DELETE", "/customers/cus_1/sources/card_1", (200, {}, {"id": "card_1", "deleted": True}))
    base = {"resource": "customerCard", "customerId": "cus_1"}
    assert output(stripe(fake_server, {**base, "operation": "add", "token": "tok_visa"}))[0]["json"] == {
        "id": "card_1", "tok": "tok_visa"}
    assert output(stripe(fake_server, {**base, "sourceId": "card_1"}))[0]["json"]["object"] == "card"
    assert output(stripe(fake_server, {**base, "operation": "remove", "cardId": "card_1"}))[0]["json"]["deleted"]

    balance = {"object": "balance", "available": [{"amount": 0, "currency": "usd"}], "livemode": False}
    fake_server.route("GET", "/balance", (200, {}, balance))
    assert output(stripe(fake_server, {}))[0]["json"] == balance  # resource balance, operation get by default

    fake_server.route("POST", "/coupons", lambda req: (200, {}, {"id": "co_1", **{k: v[0] for k, v in req.form.items()}}))
    items = output(stripe(fake_server, {"resource": "coupon", "duration": "forever", "type": "fixedAmount",
                                        "amountOff": 500, "currency": "usd"}))
    assert items[0]["json"] == {"id": "co_1", "duration": "forever", "amount_off": "500", "currency": "usd"}
    assert fake_server.last().text == "duration=forever&amount_off=500&currency=usd"
    output(stripe(fake_server, {"resource": "coupon"}))
    assert fake_server.last().text == "duration=once&percent_off=1"

    fake_server.route("POST", "/tokens", (200, {}, {"id": "tok_1", "object": "token"}))
    params = {"resource": "token", "number": "4242424242424242", "cvc": "123", "expirationMonth": "12",
              "expirationYear": "2030"}
    assert output(stripe(fake_server, params))[0]["json"] == {"id": "tok_1", "object": "token"}
    assert fake_server.last().text == ("card%5Bnumber%5D=4242424242424242&card%5Bexp_month%5D=12"
                                       "&card%5Bexp_year%5D=2030&card%5Bcvc%5D=123")
    before = len(fake_server.requests)
    err = error(stripe(fake_server, {"resource": "token", "type": "bankAccount"}))
    assert err["message"] == "Only card token creation implemented." and len(fake_server.requests) == before

    fake_server.route("POST", "/billing/meter_events", (200, {}, {"object": "billing.meter_event", "event_name": "api"}))
    params = {"resource": "meterEvent", "eventName": "api", "customerId": "cus_1", "value": 3,
              "additionalFields": {"identifier": "evt-1", "timestamp": "2025-01-02T03:04:05.678Z",
                                   "customPayload": {"properties": [{"key": "region", "value": "lk"},
                                                                    {"key": "value", "value": "999"}]}}}
    items = output(stripe(fake_server, params))
    assert items[0]["json"]["object"] == "billing.meter_event"
    assert fake_server.last().text == (
        "event_name=api&payload%5Bstripe_customer_id%5D=cus_1&payload%5Bvalue%5D=3&payload%5Bregion%5D=lk"
        "&identifier=evt-1&timestamp=1735787045")


def test_stripe_unsupported_operation_and_missing_credential(fake_server):
    err = error(stripe(fake_server, {"resource": "customer", "operation": "search"}))
    assert err["message"] == "Stripe: operation 'customer/search' is not supported yet"
    run = run_service(ST, 1, {"resource": "balance"}, base_urls={"stripe": fake_server.url})
    assert "stripeApi" in error(run)["message"]
    assert fake_server.requests == []
