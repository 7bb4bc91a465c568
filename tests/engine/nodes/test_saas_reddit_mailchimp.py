"""Reddit and Mailchimp nodes against local fakes that check requests as the real APIs document them."""

from __future__ import annotations

from svc_harness import error, output, run_service

pytest_plugins = ("fakes",)

RD = {"redditOAuth2Api": {"oauthTokenData": {"access_token": "rd-tok"}}}


def rd(server, params, **kw):
    return run_service("n8n-nodes-base.reddit", 1, params, credentials=kw.pop("credentials", RD),
                       base_urls={"reddit": server.url, "redditPublic": server.url}, **kw)


def listing(rows, after=None):
    return {"kind": "Listing", "data": {"after": after, "dist": len(rows),
                                        "children": [{"kind": "t3", "data": row} for row in rows]}}


def reddit_route(server, method, path, pages):
    """Answer ``pages`` in turn, checking Reddit's auth header, user agent and ``api_type``."""
    calls = []

    def handler(req):
        assert req.headers["user-agent"] == "n8n"
        assert req.arg("api_type") == "json"
        calls.append(req)
        return pages[min(len(calls), len(pages)) - 1]
    server.route(method, path, handler)
    return calls


def test_reddit_search_subreddit_return_all_pages(fake_server):
    calls = reddit_route(fake_server, "GET", "/r/Entrepreneur/search.json", [
        (200, {}, listing([{"id": "a"}, {"id": "b"}], after="t3_b")),
        (200, {}, listing([{"id": "c"}], after=None)),
    ])
    params = {"keyword": "saas", "operation": "search", "subreddit": "=Entrepreneur", "returnAll": True,
              "additionalFields": {"sort": "hot"}}
    items = output(rd(fake_server, params))
    assert items == [{"json": {"id": x}, "pairedItem": {"item": 0}} for x in "abc"]
    first, second = calls
    assert first.headers["authorization"] == "Bearer rd-tok"
    assert first.query == {"q": ["saas"], "restrict_sr": ["true"], "sort": ["hot"], "limit": ["100"],
                           "api_type": ["json"]}
    assert second.query["after"] == ["t3_b"] and second.query["limit"] == ["100"]


def test_reddit_search_all_reddit_limit(fake_server):
    # Without returnAll n8n still asks for 100 a page and stops once it holds 100 rows.
    page = listing([{"id": str(n)} for n in range(100)], after="t3_99")
    calls = reddit_route(fake_server, "GET", "/search.json", [(200, {}, page)])
    params = {"keyword": "n8n", "location": "allReddit", "operation": "search", "limit": 3,
              "additionalFields": {"sort": "new"}}
    items = output(rd(fake_server, params))
    assert [it["json"]["id"] for it in items] == ["0", "1", "2"]
    assert len(calls) == 1
    assert calls[0].query == {"q": ["n8n"], "restrict_sr": ["false"], "sort": ["new"], "limit": ["100"],
                              "api_type": ["json"]}


def test_reddit_post_create_get_and_comment(fake_server):
    post = {"id": "abc", "name": "t3_abc", "url": "https://www.reddit.com/r/n8n/comments/abc/"}
    submit = reddit_route(fake_server, "POST", "/api/submit",
                          [(200, {}, {"json": {"errors": [], "data": post}})])
    items = output(rd(fake_server, {"text": "Hello", "title": "Created from n8n", "subreddit": "n8n"}))
    assert items == [{"json": post, "pairedItem": {"item": 0}}]
    assert submit[0].query == {"title": ["Created from n8n"], "sr": ["n8n"], "kind": ["self"], "text": ["Hello"],
                               "api_type": ["json"]}
    assert submit[0].body == b""

    thread = [listing([{"id": "abc", "title": "Created from n8n"}]),
              {"kind": "Listing", "data": {"after": None, "children": [
                  {"kind": "t1", "data": {"id": "c1", "body": "first"}},
                  {"kind": "t1", "data": {"id": "c2", "body": "second"}}]}}]
    reddit_route(fake_server, "GET", "/r/n8n/comments/abc.json", [(200, {}, thread)])
    items = output(rd(fake_server, {"operation": "get", "subreddit": "n8n", "postId": "abc"}))
    assert items == [{"json": {"id": "abc", "title": "Created from n8n"}, "pairedItem": {"item": 0}}]
    assert fake_server.last().query == {"api_type": ["json"]}

    items = output(rd(fake_server, {"resource": "postComment", "operation": "getAll", "subreddit": "n8n",
                                    "postId": "abc", "limit": 1}))
    assert items == [{"json": {"id": "c1", "body": "first"}, "pairedItem": {"item": 0}}]
    assert fake_server.last().query == {"limit": ["100"], "api_type": ["json"]}

    comment = {"id": "c9", "body": "This comment was added from n8n!"}
    calls = reddit_route(fake_server, "POST", "/api/comment",
                         [(200, {}, {"json": {"errors": [], "data": {"things": [{"kind": "t1", "data": comment}]}}})])
    items = output(rd(fake_server, {"resource": "postComment", "postId": "abc",
                                    "commentText": "This comment was added from n8n!"}))
    assert items == [{"json": comment, "pairedItem": {"item": 0}}]
    assert calls[0].query == {"text": ["This comment was added from n8n!"], "thing_id": ["t3_abc"],
                              "api_type": ["json"]}


def test_reddit_delete_and_reply(fake_server):
    calls = reddit_route(fake_server, "POST", "/api/del", [(200, {}, {})])
    items = output(rd(fake_server, {"operation": "delete", "postId": "abc"}))
    assert items == [{"json": {"success": True}, "pairedItem": {"item": 0}}]
    items = output(rd(fake_server, {"resource": "postComment", "operation": "delete", "commentId": "c1"}))
    assert items[0]["json"] == {"success": True}
    assert [c.arg("id") for c in calls] == ["t3_abc", "t1_c1"]
    reply = {"id": "c2", "parent_id": "t1_c1"}
    calls = reddit_route(fake_server, "POST", "/api/comment",
                         [(200, {}, {"json": {"data": {"things": [{"data": reply}]}}})])
    items = output(rd(fake_server, {"resource": "postComment", "operation": "reply", "commentId": "c1",
                                    "replyText": "thanks"}))
    assert items[0]["json"] == reply
    assert calls[0].query["thing_id"] == ["t1_c1"] and calls[0].query["text"] == ["thanks"]


def test_reddit_public_resources_without_credential(fake_server):
    calls = reddit_route(fake_server, "GET", "/r/n8n/about/rules.json",
                         [(200, {}, {"rules": [{"short_name": "Be nice"}, {"short_name": "No spam"}]})])
    items = output(rd(fake_server, {"resource": "subreddit", "content": "rules", "subreddit": "n8n"},
                      credentials={}))
    assert items == [{"json": {"short_name": "Be nice"}, "pairedItem": {"item": 0}},
                     {"json": {"short_name": "No spam"}, "pairedItem": {"item": 0}}]
    assert "authorization" not in calls[0].headers
    reddit_route(fake_server, "GET", "/user/spez/about.json", [(200, {}, {"kind": "t2", "data": {"name": "spez"}})])
    items = output(rd(fake_server, {"resource": "user", "username": "spez"}, credentials={}))
    assert items[0]["json"] == {"name": "spez"}
    reddit_route(fake_server, "GET", "/api/trending_subreddits.json",
                 [(200, {}, {"subreddit_names": ["a", "b", "c"]})])
    items = output(rd(fake_server, {"resource": "subreddit", "operation": "getAll", "limit": 2,
                                    "filters": {"trending": True}}, credentials={}))
    assert [it["json"] for it in items] == [{"name": "a"}, {"name": "b"}]


def test_reddit_profile_identity_and_trophies(fake_server):
    reddit_route(fake_server, "GET", "/api/v1/me", [(200, {}, {"name": "me", "features": {"chat": True}})])
    items = output(rd(fake_server, {"resource": "profile"}))
    assert items == [{"json": {"chat": True}, "pairedItem": {"item": 0}}]
    reddit_route(fake_server, "GET", "/api/v1/me/trophies",
                 [(200, {}, {"kind": "TrophyList", "data": {"trophies": [{"kind": "t6", "data": {"name": "Verified"}}]}})])
    items = output(rd(fake_server, {"resource": "profile", "details": "trophies"}))
    assert [it["json"] for it in items] == [{"name": "Verified"}]


def test_reddit_api_error_and_continue_on_fail(fake_server):
    reddit_route(fake_server, "POST", "/api/submit", [(403, {}, {"message": "Forbidden", "error": 403})])
    params = {"text": "x", "title": "t", "subreddit": "private"}
    err = error(rd(fake_server, params))
    assert err["message"] == "Forbidden - perhaps check your credentials?"
    items = output(rd(fake_server, params, continue_on_fail=True))
    assert items == [{"json": {"error": "Forbidden - perhaps check your credentials?"}, "pairedItem": {"item": 0}}]


def test_reddit_unsupported_operation(fake_server):
    err = error(rd(fake_server, {"resource": "post", "operation": "vote"}))
    assert err["message"] == "Reddit: operation 'post/vote' is not supported yet"
    assert fake_server.requests == []
