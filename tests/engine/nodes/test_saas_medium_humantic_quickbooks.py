"""Medium, Humantic AI and QuickBooks nodes against local fakes of their APIs."""

from __future__ import annotations

from svc_harness import error, output, run_service

pytest_plugins = ("fakes",)

MEDIUM = {"mediumApi": {"accessToken": "md-token"}}
ME = {"data": {"id": "u1", "username": "ann", "name": "Ann"}}


def md(server, params, **kw):
    return run_service("n8n-nodes-base.medium", 1, params, credentials=MEDIUM, base_urls={"medium": server.url}, **kw)


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
    assert items == [{"json": {"id": "p1", "title": "Hello", "authorId": "u1",
                               "tags": ["Email Hosting", "Email", "Email Marketing"], "publishStatus": "draft"},
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
    assert fake_server.last().json == {"tags": [], "title": "T", "contentFormat": "markdown", "content": "# T",
                                       "license": "cc-40-by"}
    assert [r.path for r in fake_server.requests] == ["/publications/pub9/posts"]


def test_medium_tag_errors():
    params = {"title": "T", "content": "c", "contentFormat": "html",
              "additionalFields": {"tags": "a, this tag is far too long to be used"}}
    err = error(run_service("n8n-nodes-base.medium", 1, params, credentials=MEDIUM,
                            base_urls={"medium": "http://127.0.0.1:9"}))
    assert err["message"] == 'The tag "this tag is far too long to be used" is to long. Maximum lenght of a tag is 25 characters.'
    params["additionalFields"]["tags"] = "a,b,c,d,e,f"
    err = error(run_service("n8n-nodes-base.medium", 1, params, credentials=MEDIUM,
                            base_urls={"medium": "http://127.0.0.1:9"}))
    assert err["message"] == "To many tags got used. Maximum 5 can be set."


def test_medium_publications_limit_and_return_all(fake_server):
    pubs = [{"id": f"pub{n}", "name": f"P{n}"} for n in range(3)]
    fake_server.route("GET", "/me", _me)
    fake_server.route("GET", "/users/u1/publications", lambda req: _medium_auth(req) or (200, {}, {"data": pubs}))
    items = output(md(fake_server, {"resource": "publication", "operation": "getAll", "limit": 2}))
    assert items == [{"json": pubs[0], "pairedItem": {"item": 0}}, {"json": pubs[1], "pairedItem": {"item": 0}}]
    items = output(md(fake_server, {"resource": "publication", "operation": "getAll", "returnAll": True}))
    assert [it["json"] for it in items] == pubs


def test_medium_api_error_and_continue_on_fail(fake_server):
    fake_server.route("GET", "/me", _me)
    params = {"title": "T", "content": "c", "contentFormat": "html"}
    bad = {"mediumApi": {"accessToken": "wrong"}}
    run = run_service("n8n-nodes-base.medium", 1, params, credentials=bad, base_urls={"medium": fake_server.url})
    err = error(run)
    assert err["message"] == "Authorization failed - please check your credentials"
    run = run_service("n8n-nodes-base.medium", 1, params, credentials=bad, base_urls={"medium": fake_server.url},
                      continue_on_fail=True)
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
    run = run_service("n8n-nodes-base.humanticAi", 1, {"userId": "x"}, credentials={"humanticAiApi": {"apiKey": "no"}},
                      base_urls={"humanticAi": fake_server.url})
    assert error(run)["message"] == "Invalid API key"
    # the node has no continue-on-fail handling: it still fails
    run = run_service("n8n-nodes-base.humanticAi", 1, {"userId": "x"}, credentials={"humanticAiApi": {"apiKey": "no"}},
                      base_urls={"humanticAi": fake_server.url}, continue_on_fail=True)
    assert "Invalid API key" in str(run.run_data["N"][-1])
    err = error(ha(fake_server, {"userId": "x", "sendResume": True}))
    assert err["message"] == "No binary data exists on item!"
    err = error(ha(fake_server, {"resource": "profile", "operation": "delete"}))
    assert "not supported yet" in err["message"]
