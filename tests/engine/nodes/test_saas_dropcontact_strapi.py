"""Dropcontact and Strapi nodes against local fakes of their APIs."""

from __future__ import annotations

from typing import Any

from svc_harness import error, output, run_service

pytest_plugins = ("fakes",)

DC_KEY = "dc-key"


def run(node_type: str, params: dict[str, Any], credentials: dict[str, dict[str, Any]], *,
        sleeps: list[float] | None = None, **kw: Any):
    """Start -> node ``N`` with recorded (instant) sleeps."""
    return run_service(node_type, 1, params, credentials=credentials,
                       sleeps=sleeps if sleeps is not None else [], **kw)


# -- Dropcontact ------------------------------------------------------------------------------------


def dc(server, params, **kw):
    return run("n8n-nodes-base.dropcontact", params, {"dropcontactApi": {"apiKey": DC_KEY}},
               base_urls={"dropcontact": server.url}, **kw)


def dc_api(server, *, batch: dict[str, Any] | None = None, results: dict[str, dict[str, Any]] | None = None):
    """Dropcontact's batch API: POST /batch queues contacts, GET /batch/{id} answers them."""
    def authed(handler):
        def check(req):
            if req.headers.get("x-access-token") != DC_KEY:
                return 401, {}, {"error": True, "reason": "Invalid token", "success": False}
            assert req.headers.get("user-agent") == "n8n"
            return handler(req)
        return check

    def queue(req):
        assert req.headers.get("content-type") == "application/json"
        body = req.json
        assert isinstance(body.get("data"), list) and body["data"]
        return 200, {}, batch or {"error": False, "request_id": "r-1", "success": True, "credits_left": 99}

    def fetch(req):
        request_id = req.path.rsplit("/", 1)[1]
        assert not req.body
        known = (results or {}).get(request_id)
        if known is None:
            return 200, {}, {"error": True, "reason": "Request id not found", "success": False}
        return 200, {}, known

    server.route("POST", "/batch", authed(queue))
    server.route("GET", "/batch/*", authed(fetch))


ENRICHED = [{"civility": "M", "first_name": "Ada", "last_name": "Lovelace", "email": [{"email": "ada@acme.io",
             "qualification": "nominative@pro"}], "website": "acme.io", "siren": "123456789"},
            {"first_name": "Alan", "last_name": "Turing", "email": [], "website": "turing.org"}]


def test_dropcontact_enrich_waits_through_injected_sleep_then_fetches(fake_server):
    dc_api(fake_server, results={"r-1": {"data": ENRICHED, "error": False, "success": True}})
    params = {"email": "={{ $json.email }}", "options": {"siren": True, "language": "fr", "waitTime": 20},
              "additionalFields": {"first_name": "={{ $json.first }}", "website": "={{ $json.site }}",
                                   "company": ""}}
    items = [{"json": {"email": "ada@acme.io", "first": "Ada", "site": "acme.io"}},
             {"json": {"email": "", "first": "Alan", "site": "turing.org"}}]
    sleeps: list[float] = []
    out = output(dc(fake_server, params, items=items, sleeps=sleeps))
    assert out == [{"json": ENRICHED[0], "pairedItem": {"item": 0}},
                   {"json": ENRICHED[1], "pairedItem": {"item": 1}}]
    assert sleeps == [20]
    posted = fake_server.last("POST", "/batch")
    assert posted.json == {"data": [{"email": "ada@acme.io", "first_name": "Ada", "website": "acme.io", "company": ""},
                                    {"first_name": "Alan", "website": "turing.org", "company": ""}],
                           "siren": True, "language": "fr"}
    assert [(r.method, r.path) for r in fake_server.requests] == [("POST", "/batch"), ("GET", "/batch/r-1")]


def test_dropcontact_enrich_defaults_wait_45_seconds(fake_server):
    dc_api(fake_server, results={"r-1": {"data": ENRICHED[:1], "error": False, "success": True}})
    sleeps: list[float] = []
    out = output(dc(fake_server, {"options": {}, "additionalFields": {"full_name": "Ada Lovelace"}}, sleeps=sleeps))
    assert out == [{"json": ENRICHED[0], "pairedItem": {"item": 0}}]
    assert sleeps == [45]
    assert fake_server.last("POST", "/batch").json == {"data": [{"full_name": "Ada Lovelace"}], "siren": False,
                                                      "language": "en"}


def test_dropcontact_enrich_simplified_returns_the_request(fake_server):
    dc_api(fake_server)
    sleeps: list[float] = []
    params = {"simplify": True, "email": "={{ $json.email }}", "options": {}, "additionalFields": {}}
    items = [{"json": {"email": "a@x.io"}}, {"json": {"email": "b@x.io"}}]
    out = output(dc(fake_server, params, items=items, sleeps=sleeps))
    assert out == [{"json": {"error": False, "request_id": "r-1", "success": True, "credits_left": 99},
                    "pairedItem": [{"item": 0}, {"item": 1}]}]
    assert sleeps == []
    assert len(fake_server.requests) == 1


def test_dropcontact_enrich_not_ready_fails_with_the_wait_hint(fake_server):
    not_ready = {"error": False, "reason": "Request not ready yet, try again in 30 seconds", "success": False}
    dc_api(fake_server, results={"r-1": not_ready})
    err = error(dc(fake_server, {"options": {"waitTime": 1}, "additionalFields": {"first_name": "Ada"}}))
    assert err["message"] == "Hint: Increase the Wait Time to avoid this error"
    out = output(dc(fake_server, {"options": {"waitTime": 1}, "additionalFields": {"first_name": "Ada"}},
                    continue_on_fail=True))
    assert out == [{"json": {"error": "Request not ready yet, try again in 30 seconds"},
                    "pairedItem": [{"item": 0}]}]


def test_dropcontact_enrich_refused_batch(fake_server):
    dc_api(fake_server, batch={"error": True, "reason": "Not enough credits", "success": False})
    params = {"simplify": True, "options": {}, "additionalFields": {"first_name": "Ada"}}
    err = error(dc(fake_server, params))
    assert err["message"] == "Not enough credits"
    out = output(dc(fake_server, params, continue_on_fail=True))
    # n8n pushes the error item and then, as its code goes on, the answer itself
    assert out == [{"json": {"error": "Not enough credits"}, "pairedItem": [{"item": 0}]},
                   {"json": {"error": True, "reason": "Not enough credits", "success": False},
                    "pairedItem": [{"item": 0}]}]


def test_dropcontact_fetch_request_per_item(fake_server):
    dc_api(fake_server, results={"r-1": {"data": ENRICHED, "error": False, "success": True},
                                 "r-2": {"data": ENRICHED[1:], "error": False, "success": True}})
    items = [{"json": {"id": "r-1"}}, {"json": {"id": "r-2"}}]
    out = output(dc(fake_server, {"operation": "fetchRequest", "requestId": "={{ $json.id }}"}, items=items))
    assert out == [{"json": ENRICHED[0], "pairedItem": {"item": 0}},
                   {"json": ENRICHED[1], "pairedItem": {"item": 0}},
                   {"json": ENRICHED[1], "pairedItem": {"item": 1}}]
    assert [r.path for r in fake_server.requests] == ["/batch/r-1", "/batch/r-2"]


def test_dropcontact_fetch_request_errors(fake_server):
    dc_api(fake_server)
    err = error(dc(fake_server, {"operation": "fetchRequest", "requestId": "nope"}))
    assert err["message"] == "Request id not found"
    out = output(dc(fake_server, {"operation": "fetchRequest", "requestId": "nope"}, continue_on_fail=True))
    assert out[0] == {"json": {"error": "Request id not found"}, "pairedItem": {"item": 0}}


def test_dropcontact_http_error_and_unsupported(fake_server):
    dc_api(fake_server)
    execution = run("n8n-nodes-base.dropcontact", {"operation": "fetchRequest", "requestId": "r-1"},
                    {"dropcontactApi": {"apiKey": "wrong"}}, base_urls={"dropcontact": fake_server.url})
    err = error(execution)
    assert err["message"] == "Authorization failed - please check your credentials"
    err = error(dc(fake_server, {"resource": "company", "operation": "enrich"}))
    assert "not supported yet" in err["message"]


# -- Strapi -----------------------------------------------------------------------------------------

JWT = "jwt-123"
TOKEN = "st-token"
USER = {"email": "editor@acme.io", "password": "pw"}


def strapi_api(server, version: str, rows: list[dict[str, Any]] | None = None):
    """A small Strapi (v3 or v4 REST shapes) over the ``posts`` collection, auth as Strapi checks it."""
    store = {row["id"]: dict(row) for row in (rows or [])}
    root = "/api" if version == "v4" else ""

    def v4_entry(row):
        return {"id": row["id"], "attributes": {k: v for k, v in row.items() if k != "id"}}

    def login(req):
        assert req.headers.get("content-type") == "application/json"
        body = req.json
        if body == {"identifier": USER["email"], "password": USER["password"]}:
            return 200, {}, {"jwt": JWT, "user": {"id": 1, "email": USER["email"]}}
        if version == "v4":
            return 400, {}, {"data": None, "error": {"status": 400, "name": "ValidationError",
                                                     "message": "Invalid identifier or password", "details": {}}}
        return 400, {}, {"statusCode": 400, "error": "Bad Request",
                         "message": [{"messages": [{"id": "Auth.form.error.invalid",
                                                    "message": "Identifier or password invalid."}]}]}

    def authed(handler):
        def check(req):
            if req.headers.get("authorization") not in (f"Bearer {JWT}", f"Bearer {TOKEN}"):
                if version == "v4":
                    return 401, {}, {"data": None, "error": {"status": 401, "name": "UnauthorizedError",
                                                             "message": "Missing or invalid credentials"}}
                return 401, {}, {"statusCode": 401, "error": "Unauthorized", "message": "Invalid token."}
            return handler(req)
        return check

    def listing(req):
        rows_ = sorted(store.values(), key=lambda r: r["id"])
        if version == "v4":
            size = int(req.arg("pagination[pageSize]", "25"))
            page = int(req.arg("pagination[page]", "1"))
            chunk = rows_[(page - 1) * size: page * size]
            return 200, {}, {"data": [v4_entry(r) for r in chunk],
                             "meta": {"pagination": {"page": page, "pageSize": size, "total": len(rows_)}}}
        start, limit = int(req.arg("_start", "0")), int(req.arg("_limit", "100"))
        return 200, {}, rows_[start: start + limit]

    def create(req):
        body = req.json
        if version == "v4":
            if not isinstance(body, dict) or not isinstance(body.get("data"), dict):
                return 400, {}, {"data": None, "error": {"status": 400, "name": "ValidationError",
                                                         "message": 'Missing "data" payload in the request body'}}
            fields = body["data"]
        else:
            fields = body or {}
        row = {"id": max(store, default=0) + 1, **{k: v for k, v in fields.items() if k != "id"}}
        store[row["id"]] = row
        return 200, {}, ({"data": v4_entry(row), "meta": {}} if version == "v4" else row)

    def one(req):
        entry = req.path.rsplit("/", 1)[1]
        row = store.get(int(entry)) if entry.isdigit() else None
        if row is None:
            if version == "v4":
                return 404, {}, {"data": None, "error": {"status": 404, "name": "NotFoundError", "message": "Not Found"}}
            return 404, {}, {"statusCode": 404, "error": "Not Found", "message": "Not Found"}
        if req.method == "PUT":
            body = req.json
            row.update({k: v for k, v in ((body or {}).get("data", {}) if version == "v4" else body or {}).items()
                        if k != "id"})
        if req.method == "DELETE":
            store.pop(row["id"])
        return 200, {}, ({"data": v4_entry(row), "meta": {}} if version == "v4" else row)

    server.route("POST", f"{root}/auth/local", login)
    server.route("GET", f"{root}/posts", authed(listing))
    server.route("POST", f"{root}/posts", authed(create))
    server.route("*", f"{root}/posts/*", authed(one))
    return store


def st(server, params, version="v3", *, token=False, creds=None, **kw):
    if token:
        credentials = {"strapiTokenApi": {"apiToken": TOKEN, "url": server.url + "/", "apiVersion": version}}
        params = {"authentication": "token", **params}
    else:
        credentials = {"strapiApi": {**USER, "url": server.url, "apiVersion": version, **(creds or {})}}
    return run("n8n-nodes-base.strapi", params, credentials, **kw)


POSTS = [{"id": n, "Title": f"Post {n}", "slug": f"post-{n}"} for n in range(1, 46)]


def test_strapi_v3_create_with_password_login_sends_listed_columns(fake_server):
    strapi_api(fake_server, "v3")
    items = [{"json": {"Title": "Hello", "Content": "Body", "Extra": "x"}}]
    out = output(st(fake_server, {"operation": "create", "contentType": "posts", "columns": "Title, Content"},
                    items=items))
    assert out == [{"json": {"id": 1, "Title": "Hello", "Content": "Body"}, "pairedItem": {"item": 0}}]
    login = fake_server.requests[0]
    assert (login.method, login.path, login.json) == ("POST", "/auth/local",
                                                      {"identifier": USER["email"], "password": "pw"})
    created = fake_server.last("POST", "/posts")
    assert created.headers["authorization"] == f"Bearer {JWT}"
    assert created.json == {"Title": "Hello", "Content": "Body"}
    assert len([r for r in fake_server.requests if r.path == "/auth/local"]) == 1


def test_strapi_v4_create_sends_the_whole_item_as_data(fake_server):
    strapi_api(fake_server, "v4")
    items = [{"json": {"Title": "Hello", "Extra": "x"}}, {"json": {"Other": 1}}]
    execution = st(fake_server, {"operation": "create", "contentType": "posts", "columns": "Title"}, "v4",
                   items=items, continue_on_fail=True)
    out = output(execution)
    assert out == [{"json": {"data": {"id": 1, "attributes": {"Title": "Hello", "Extra": "x"}}, "meta": {}},
                    "pairedItem": {"item": 0}},
                   {"json": {"error": "Bad request - please check your parameters"}, "pairedItem": {"item": 1}}]
    assert fake_server.requests[0].path == "/api/auth/local"
    first, second = [r for r in fake_server.requests if r.path == "/api/posts"]
    assert first.json == {"data": {"Title": "Hello", "Extra": "x"}}
    assert second.body == b"" and "content-type" not in second.headers


def test_strapi_v3_get_update_delete(fake_server):
    store = strapi_api(fake_server, "v3", POSTS[:3])
    out = output(st(fake_server, {"operation": "get", "contentType": "posts", "entryId": "2"}))
    assert out == [{"json": POSTS[1], "pairedItem": {"item": 0}}]
    items = [{"json": {"id": 3, "slug": "new-slug", "Title": "ignored"}}]
    out = output(st(fake_server, {"operation": "update", "contentType": "posts", "columns": "slug"}, items=items))
    assert out == [{"json": {"id": 3, "Title": "Post 3", "slug": "new-slug"}, "pairedItem": {"item": 0}}]
    assert fake_server.last("PUT").path == "/posts/3" and fake_server.last("PUT").json == {"slug": "new-slug"}
    out = output(st(fake_server, {"operation": "delete", "contentType": "posts", "entryId": "1"}))
    assert out == [{"json": POSTS[0], "pairedItem": {"item": 0}}]
    assert sorted(store) == [2, 3]


def test_strapi_v4_token_get_and_update_unwrap_data(fake_server):
    strapi_api(fake_server, "v4", POSTS[:2])
    out = output(st(fake_server, {"operation": "get", "contentType": "posts", "entryId": "2"}, "v4", token=True))
    assert out == [{"json": {"id": 2, "attributes": {"Title": "Post 2", "slug": "post-2"}},
                    "pairedItem": {"item": 0}}]
    req = fake_server.last()
    assert (req.path, req.headers["authorization"]) == ("/api/posts/2", f"Bearer {TOKEN}")
    assert not [r for r in fake_server.requests if r.path.endswith("/auth/local")]
    items = [{"json": {"key": 1, "slug": "s"}}]
    params = {"operation": "update", "contentType": "posts", "columns": "slug", "updateKey": "key"}
    out = output(st(fake_server, params, "v4", token=True, items=items))
    assert out == [{"json": {"id": 1, "attributes": {"Title": "Post 1", "slug": "s", "key": 1}},
                    "pairedItem": {"item": 0}}]
    assert fake_server.last("PUT").json == {"data": {"key": 1, "slug": "s"}}


def test_strapi_v3_get_all_pages_and_limit(fake_server):
    strapi_api(fake_server, "v3", POSTS)
    params = {"operation": "getAll", "contentType": "posts", "returnAll": True,
              "options": {"sort": ["Title:asc", "id:desc"], "where": '{"Title_contains": "Post"}',
                          "publicationState": "live"}}
    out = output(st(fake_server, params))
    assert [it["json"]["id"] for it in out] == list(range(1, 46))
    assert all(it["pairedItem"] == {"item": 0} for it in out)
    pages = [r for r in fake_server.requests if r.path == "/posts"]
    assert [(r.arg("_start"), r.arg("_limit")) for r in pages] == [("0", "20"), ("20", "20"), ("40", "20"),
                                                                   ("60", "20")]
    assert pages[0].query["_sort"] == ["Title:asc,id:desc"]
    assert pages[0].query["_where[Title_contains]"] == ["Post"]
    assert pages[0].query["_publicationState"] == ["live"]
    out = output(st(fake_server, {"operation": "getAll", "contentType": "posts", "limit": 3}))
    assert [it["json"]["id"] for it in out] == [1, 2, 3]
    assert fake_server.last().query == {"_limit": ["3"]}


def test_strapi_v4_get_all_pages_and_limit(fake_server):
    strapi_api(fake_server, "v4", POSTS)
    params = {"operation": "getAll", "contentType": "posts", "returnAll": True,
              "options": {"where": '{"Title": {"$contains": "Post"}, "id": {"$in": [1, 2]}}'}}
    out = output(st(fake_server, params, "v4"))
    assert [it["json"]["id"] for it in out] == list(range(1, 46))
    pages = [r for r in fake_server.requests if r.path == "/api/posts"]
    assert [r.arg("pagination[page]") for r in pages] == ["1", "2", "3", "4"]
    assert pages[0].query["filters[Title][$contains]"] == ["Post"]
    assert pages[0].query["filters[id][$in][0]"] == ["1"] and pages[0].query["filters[id][$in][1]"] == ["2"]
    out = output(st(fake_server, {"operation": "getAll", "contentType": "posts", "limit": 5}, "v4"))
    assert [it["json"]["attributes"]["Title"] for it in out] == [f"Post {n}" for n in range(1, 6)]
    assert fake_server.last().query == {"pagination[pageSize]": ["5"]}


def test_strapi_get_all_invalid_where(fake_server):
    strapi_api(fake_server, "v3", POSTS[:1])
    params = {"operation": "getAll", "contentType": "posts", "options": {"where": "{nope"}}
    err = error(st(fake_server, params))
    assert err["message"] == "Query must be a valid JSON"
    out = output(st(fake_server, params, continue_on_fail=True))
    assert out == [{"json": {"error": "Query must be a valid JSON"}, "pairedItem": {"item": 0}}]


def test_strapi_api_errors_login_failure_and_unsupported(fake_server):
    strapi_api(fake_server, "v4", POSTS[:1])
    err = error(st(fake_server, {"operation": "get", "contentType": "posts", "entryId": "9"}, "v4", token=True))
    assert err["message"] == "The resource you are requesting could not be found"
    assert err["description"] == "Not Found"
    err = error(st(fake_server, {"operation": "get", "contentType": "posts", "entryId": "1"}, "v4",
                   creds={"password": "bad"}))
    assert err["message"] == ('400 - {"data":null,"error":{"status":400,"name":"ValidationError",'
                              '"message":"Invalid identifier or password","details":{}}}')
    err = error(st(fake_server, {"resource": "component", "operation": "get"}))
    assert "not supported yet" in err["message"]


def test_strapi_query_is_shared_by_the_items_of_a_run(fake_server):
    strapi_api(fake_server, "v3", POSTS[:5])
    items = [{"json": {"w": '{"slug": "post-1"}', "n": 2}}, {"json": {"w": "", "n": 1}}]
    params = {"operation": "getAll", "contentType": "posts", "limit": "={{ $json.n }}",
              "options": {"where": "={{ $json.w }}"}}
    output(st(fake_server, params, items=items))
    first, second = [r.query for r in fake_server.requests if r.path == "/posts"]
    assert first == {"_where[slug]": ["post-1"], "_limit": ["2"]}
    # n8n's execute() keeps one qs object: the first item's filter goes with the second request too
    assert second == {"_where[slug]": ["post-1"], "_limit": ["1"]}
