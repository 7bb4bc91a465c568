"""Microsoft Excel and Ghost nodes against local fakes."""

from __future__ import annotations

import jwt
from svc_harness import error, output, run_service

pytest_plugins = ("fakes",)

GHOST_SECRET = "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90"
GHOST_ADMIN_KEY = f"5f1e2d3c4b5a:{GHOST_SECRET}"


def ghost(server, params, *, source="adminApi", **kw):
    creds = ({"ghostAdminApi": {"url": "https://blog.example.com", "apiKey": GHOST_ADMIN_KEY}}
             if source == "adminApi" else {"ghostContentApi": {"url": "https://blog.example.com", "apiKey": "ck"}})
    return run_service("n8n-nodes-base.ghost", 1, {"source": source, **params}, credentials=creds,
                       base_urls={"ghost": server.url}, **kw)


def _admin_auth(req):
    """Check the Admin API JWT the way Ghost does (kid, HS256 with the hex secret, aud, 5 min)."""
    scheme, _, token = req.headers["authorization"].partition(" ")
    assert scheme == "Ghost"
    header = jwt.get_unverified_header(token)
    assert header == {"alg": "HS256", "typ": "JWT", "kid": "5f1e2d3c4b5a"}
    claims = jwt.decode(token, bytes.fromhex(GHOST_SECRET), algorithms=["HS256"], audience="/v2/admin/")
    assert claims["exp"] - claims["iat"] == 300
    return claims


def test_ghost_create_html_post(fake_server):
    post = {"id": "p1", "title": "Hello", "status": "draft", "updated_at": "2024-01-01T00:00:00.000Z"}

    def create(req):
        _admin_auth(req)
        return (201, {}, {"posts": [post]})

    fake_server.route("POST", "/ghost/api/v2/admin/posts", create)
    params = {"operation": "create", "title": "Hello", "content": "<p>Hi</p>",
              "additionalFields": {"tags": ["news"], "status": "published", "published_at": "2024-05-01T10:00:00"}}
    items = output(ghost(fake_server, params))
    assert items == [{"json": post, "pairedItem": {"item": 0}}]
    req = fake_server.last()
    assert req.query == {"source": ["html"]}
    assert req.json == {"posts": [{"title": "Hello", "html": "<p>Hi</p>", "tags": ["news"], "status": "published",
                                   "published_at": "2024-05-01T10:00:00Z"}]}


def test_ghost_create_invalid_mobiledoc_and_scheduled_without_date(fake_server):
    err = error(ghost(fake_server, {"operation": "create", "title": "t", "contentFormat": "mobileDoc",
                                    "content": "{not json"}))
    assert err["message"] == "Content must be a valid JSON"
    err = error(ghost(fake_server, {"operation": "create", "title": "t", "content": "x",
                                    "additionalFields": {"status": "scheduled"}}))
    assert err["message"] == "Published at must be define when status is scheduled"
    assert fake_server.requests == []


def test_ghost_update_reads_updated_at_then_puts(fake_server):
    fake_server.route("GET", "/ghost/api/v2/admin/posts/p1",
                      (200, {}, {"posts": [{"id": "p1", "updated_at": "2024-01-02T03:04:05.000Z"}]}))

    def put(req):
        _admin_auth(req)
        return (200, {}, {"posts": [{"id": "p1", "status": "published"}]})

    fake_server.route("PUT", "/ghost/api/v2/admin/posts/p1", put)
    items = output(ghost(fake_server, {"operation": "update", "postId": "p1",
                                       "updateFields": {"status": "published"}}))
    assert items == [{"json": {"id": "p1", "status": "published"}, "pairedItem": {"item": 0}}]
    get = fake_server.last("GET")
    assert get.query == {"fields": ["id, updated_at"]}
    _admin_auth(get)
    put_req = fake_server.last("PUT")
    assert put_req.query == {"source": ["html"]}
    assert put_req.json == {"posts": [{"html": "", "status": "published", "updated_at": "2024-01-02T03:04:05.000Z"}]}


def test_ghost_get_by_slug_and_delete(fake_server):
    fake_server.route("GET", "/ghost/api/v2/admin/posts/slug/hello", (200, {}, {"posts": [{"id": "p1"}]}))
    items = output(ghost(fake_server, {"operation": "get", "by": "slug", "identifier": "hello",
                                       "options": {"formats": ["html", "lexical"], "fields": "id"}}))
    assert items == [{"json": {"id": "p1"}, "pairedItem": {"item": 0}}]
    assert fake_server.last().raw_query == "formats%5B0%5D=html&formats%5B1%5D=lexical&fields=id"
    fake_server.route("DELETE", "/ghost/api/v2/admin/posts/p1", (204, {}, b""))
    items = output(ghost(fake_server, {"operation": "delete", "postId": "p1"}))
    assert items == [{"json": {}, "pairedItem": {"item": 0}}]
    _admin_auth(fake_server.last("DELETE"))


def test_ghost_content_get_all_return_all_pages(fake_server):
    def page(req):
        assert req.arg("key") == "ck" and "authorization" not in req.headers
        assert req.arg("limit") == "50"
        n = int(req.arg("page"))
        nxt = n + 1 if n < 2 else None
        return (200, {}, {"posts": [{"id": f"p{n}a"}, {"id": f"p{n}b"}],
                          "meta": {"pagination": {"page": n, "limit": 50, "pages": 2, "next": nxt}}})

    fake_server.route("GET", "/ghost/api/v3/content/posts", page)
    items = output(ghost(fake_server, {"operation": "getAll", "returnAll": True, "options": {"include": ["tags"]}},
                         source="contentApi"))
    assert [it["json"]["id"] for it in items] == ["p1a", "p1b", "p2a", "p2b"]
    assert [r.arg("page") for r in fake_server.requests] == ["1", "2"]
    assert fake_server.last().query["include[0]"] == ["tags"]


def test_ghost_admin_get_all_limit(fake_server):
    fake_server.route("GET", "/ghost/api/v2/admin/posts",
                      (200, {}, {"posts": [{"id": "a"}, {"id": "b"}, {"id": "c"}], "meta": {}}))
    items = output(ghost(fake_server, {"operation": "getAll", "limit": 3, "options": {}}))
    assert [it["json"]["id"] for it in items] == ["a", "b", "c"]
    assert fake_server.last().query == {"limit": ["3"]}


def test_ghost_api_error_and_continue_on_fail(fake_server):
    body = {"errors": [{"message": "Resource not found error, cannot read post.", "type": "NotFoundError"}]}
    fake_server.route("GET", "/ghost/api/v2/admin/posts/nope", (404, {}, body))
    params = {"operation": "get", "by": "id", "identifier": "nope", "options": {}}
    err = error(ghost(fake_server, params))
    assert err["message"] == "The resource you are requesting could not be found"
    assert err["description"] == "Resource not found error, cannot read post."
    items = output(ghost(fake_server, params, continue_on_fail=True))
    assert items == [{"json": {"error": "The resource you are requesting could not be found"},
                      "pairedItem": {"item": 0}}]


def test_ghost_unsupported(fake_server):
    err = error(ghost(fake_server, {"operation": "create"}, source="contentApi"))
    assert err["message"] == "Ghost: operation 'post/create' is not supported yet"
