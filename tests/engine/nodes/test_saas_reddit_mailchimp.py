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


def test_reddit_listing_pages_until_100_without_return_all(fake_server):
    first = listing([{"id": f"a{n}"} for n in range(60)], after="t3_a59")
    second = listing([{"id": f"b{n}"} for n in range(60)], after="t3_b59")
    calls = reddit_route(fake_server, "GET", "/user/spez/submitted.json", [(200, {}, first), (200, {}, second)])
    items = output(rd(fake_server, {"resource": "user", "username": "spez", "details": "submitted", "limit": 70},
                      credentials={}))
    assert [it["json"]["id"] for it in items] == [f"a{n}" for n in range(60)] + [f"b{n}" for n in range(10)]
    assert [c.query for c in calls] == [{"limit": ["100"], "api_type": ["json"]},
                                        {"limit": ["100"], "api_type": ["json"], "after": ["t3_a59"]}]
    calls = reddit_route(fake_server, "GET", "/r/n8n/top.json", [(200, {}, listing([{"id": "t"}]))])
    items = output(rd(fake_server, {"operation": "getAll", "subreddit": "n8n", "filters": {"category": "top"}}))
    assert [it["json"] for it in items] == [{"id": "t"}]
    assert calls[0].headers["authorization"] == "Bearer rd-tok"


def test_reddit_subreddit_keyword_search_and_empty_karma(fake_server):
    found = {"subreddits": [{"name": "n8n", "subscriber_count": 10}, {"name": "n8nio", "subscriber_count": 2}]}
    calls = reddit_route(fake_server, "POST", "/api/search_subreddits.json", [(200, {}, found)])
    items = output(rd(fake_server, {"resource": "subreddit", "operation": "getAll", "limit": 1,
                                    "filters": {"keyword": "n8n"}}, credentials={}))
    assert [it["json"] for it in items] == [{"name": "n8n", "subscriber_count": 10}]
    assert calls[0].query == {"query": ["n8n"], "api_type": ["json"]}
    # returnAll hands back the whole answer as one item, as n8n does.
    items = output(rd(fake_server, {"resource": "subreddit", "operation": "getAll", "returnAll": True,
                                    "filters": {"keyword": "n8n"}}, credentials={}))
    assert [it["json"] for it in items] == [found]
    reddit_route(fake_server, "GET", "/api/v1/me/karma", [(200, {}, {"kind": "KarmaList", "data": []})])
    err = error(rd(fake_server, {"resource": "profile", "details": "karma"}))
    assert err["message"] == "UNKNOWN ERROR - check the detailed error for more information"


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


# -- Mailchimp ----------------------------------------------------------------------------------

MC = {"mailchimpApi": {"apiKey": "0123abcd-us19"}}


def mc(server, params, **kw):
    return run_service("n8n-nodes-base.mailchimp", 1, params, credentials=kw.pop("credentials", MC),
                       base_urls={"mailchimp": server.url}, **kw)


def mc_route(server, method, path, pages, auth="apikey 0123abcd-us19"):
    """Answer ``pages`` in turn, checking Mailchimp's auth and Accept headers."""
    calls = []

    def handler(req):
        assert req.headers["authorization"] == auth
        assert req.headers["accept"] == "application/json"
        calls.append(req)
        return pages[min(len(calls), len(pages)) - 1]
    server.route(method, path, handler)
    return calls


def test_mailchimp_member_create_like_the_corpus(fake_server):
    member = {"id": "h1", "email_address": "ada@example.com", "status": "subscribed"}
    calls = mc_route(fake_server, "POST", "/lists/777b2643d4/members", [(200, {}, member)])
    params = {"list": "777b2643d4", "email": "={{ $json.email }}", "status": "subscribed",
              "options": {"tags": "Interest,VIP", "timestampSignup": "={{ $json.at }}", "vip": True},
              "locationFieldsUi": {"locationFieldsValues": {"latitude": "6.93", "longitude": "79.85x"}},
              "mergeFieldsUi": {"mergeFieldsValues": [{"name": "FNAME", "value": "={{ $json.name }}"}]}}
    items = output(mc(fake_server, params, items=[
        {"json": {"email": "ada@example.com", "name": "Ada", "at": "2024-01-05T10:22:33.456Z"}}]))
    assert items == [{"json": member, "pairedItem": {"item": 0}}]
    assert calls[0].json == {"listId": "777b2643d4", "email_address": "ada@example.com", "status": "subscribed",
                             "vip": True, "timestamp_signup": "2024-01-05 10:01:45", "tags": ["Interest", "VIP"],
                             "location": {"latitude": 6.93, "longitude": 79.85}, "merge_fields": {"FNAME": "Ada"}}
    assert calls[0].query == {}


def test_mailchimp_member_json_parameters_and_update(fake_server):
    calls = mc_route(fake_server, "PUT", "/lists/L1/members/ada@example.com", [(200, {}, {"id": "h1"})])
    params = {"operation": "update", "list": "L1", "email": "ada@example.com", "jsonParameters": True,
              "mergeFieldsJson": '{"FNAME": "Ada"}', "locationJson": "not json", "groupJson": "{}",
              "updateFields": {"status": "unsubscribed", "skipMergeValidation": True, "language": "en"}}
    items = output(mc(fake_server, params))
    assert items == [{"json": {"id": "h1"}, "pairedItem": {"item": 0}}]
    # n8n puts skip_merge_validation in its query object but does not pass it to the PUT.
    assert calls[0].query == {}
    assert calls[0].json == {"listId": "L1", "email_address": "ada@example.com", "status": "unsubscribed",
                             "language": "en", "merge_fields": {"FNAME": "Ada"}, "interests": {}}


def test_mailchimp_member_get_all_pages_and_limit(fake_server):
    pages = [(200, {}, {"members": [{"id": "a"}, {"id": "b"}], "total_items": 3}),
             (200, {}, {"members": [{"id": "c"}], "total_items": 3}),
             (200, {}, {"members": [], "total_items": 3})]
    calls = mc_route(fake_server, "GET", "/lists/bcfb6ff8f1/members", pages)
    params = {"list": "bcfb6ff8f1", "operation": "getAll", "returnAll": True,
              "options": {"sinceLastChanged": "2024-01-01T00:00:00Z", "status": "subscribed"}}
    items = output(mc(fake_server, params))
    assert items == [{"json": {"id": x}, "pairedItem": {"item": 0}} for x in "abc"]
    assert [(c.arg("offset"), c.arg("count")) for c in calls] == [("0", "500"), ("500", "500"), ("1000", "500")]
    assert calls[0].query["since_last_changed"] == ["2024-01-01T00:00:00Z"]
    assert calls[0].query["status"] == ["subscribed"]

    calls = mc_route(fake_server, "GET", "/lists/L2/members", [(200, {}, {"members": [{"id": "x"}]})])
    items = output(mc(fake_server, {"list": "L2", "operation": "getAll", "limit": 1}))
    assert [it["json"] for it in items] == [{"id": "x"}]
    assert calls[0].query == {"count": ["1"]}


def test_mailchimp_member_get_shares_query_across_items(fake_server):
    calls = mc_route(fake_server, "GET", "/lists/L1/members/*", [(200, {}, {"id": "m"})])
    params = {"operation": "get", "list": "L1", "email": "={{ $json.email }}",
              "options": {"fields": "={{ $json.fields }}"}}
    items = output(mc(fake_server, params, items=[{"json": {"email": "a@x.io", "fields": "id,email_address"}},
                                                  {"json": {"email": "b@x.io", "fields": ""}}]))
    assert [it["pairedItem"] for it in items] == [{"item": 0}, {"item": 1}]
    assert [c.path for c in calls] == ["/lists/L1/members/a@x.io", "/lists/L1/members/b@x.io"]
    # n8n's qs object lives for the whole run: item 1 still asks for item 0's fields.
    assert [c.query for c in calls] == [{"fields": ["id,email_address"]}] * 2


def test_mailchimp_member_tag_and_delete(fake_server):
    calls = mc_route(fake_server, "POST", "/lists/qwertz/members/c@x.io/tags", [(204, {}, None)])
    params = {"list": "qwertz", "tags": ["high-order", "vip"], "email": "c@x.io", "options": {"isSyncing": True},
              "resource": "memberTag"}
    items = output(mc(fake_server, params))
    assert items == [{"json": {"success": True}, "pairedItem": {"item": 0}}]
    assert calls[0].json == {"tags": [{"name": "high-order", "status": "active"}, {"name": "vip", "status": "active"}],
                             "is_syncing": True}
    output(mc(fake_server, {**params, "operation": "delete", "options": {}}))
    assert calls[1].json == {"tags": [{"name": "high-order", "status": "inactive"},
                                      {"name": "vip", "status": "inactive"}]}
    calls = mc_route(fake_server, "POST", "/lists/qwertz/members/c@x.io/actions/delete-permanent", [(204, {}, None)])
    items = output(mc(fake_server, {"operation": "delete", "list": "qwertz", "email": "c@x.io"}))
    assert items[0]["json"] == {"success": True} and calls[0].body == b""


def test_mailchimp_campaigns_and_list_groups(fake_server):
    calls = mc_route(fake_server, "GET", "/campaigns", [(200, {}, {"campaigns": [{"id": "c1"}, {"id": "c2"}]})])
    items = output(mc(fake_server, {"resource": "campaign", "options": {"status": "sent", "sortDirection": "DESC"}}))
    assert [it["json"] for it in items] == [{"id": "c1"}, {"id": "c2"}]
    assert calls[0].query == {"status": ["sent"], "sort_dir": ["DESC"], "count": ["10"],
                              "fields": ["campaigns.id,campaigns.status,campaigns.tracking,campaigns.settings.from_name,"
                                         "campaigns.settings.title,campaigns.settings.reply_to"]}
    calls = mc_route(fake_server, "POST", "/campaigns/c1/actions/send", [(204, {}, None)])
    items = output(mc(fake_server, {"resource": "campaign", "operation": "send", "campaignId": "c1"}))
    assert items[0]["json"] == {"success": True} and calls[0].body == b""
    mc_route(fake_server, "POST", "/campaigns/c1/actions/replicate", [(200, {}, {"id": "c3"})])
    items = output(mc(fake_server, {"resource": "campaign", "operation": "replicate", "campaignId": "c1"}))
    assert items[0]["json"] == {"id": "c3"}
    err = error(mc(fake_server, {"resource": "campaign", "options": {"excludeFields": ["campaigns._links"]}}))
    assert err["message"] == "Cannot read properties of undefined (reading 'join')"

    calls = mc_route(fake_server, "GET", "/lists/L1/interest-categories/g1/interests",
                     [(200, {}, {"interests": [{"id": "i1"}], "total_items": 1})])
    items = output(mc(fake_server, {"resource": "listGroup", "list": "L1", "groupCategory": "g1", "limit": 5}))
    assert [it["json"] for it in items] == [{"id": "i1"}]
    assert calls[0].query == {"count": ["5"]}


def test_mailchimp_oauth2_reads_the_api_endpoint_from_metadata(fake_server):
    creds = {"mailchimpOAuth2Api": {"oauthTokenData": {"access_token": "mc-tok"},
                                    "metadataUrl": f"{fake_server.url}/oauth2/metadata"}}
    meta = mc_route(fake_server, "GET", "/oauth2/metadata",
                    [(200, {}, {"dc": "us19", "api_endpoint": fake_server.url})], auth="OAuth mc-tok")
    calls = mc_route(fake_server, "POST", "/3.0/lists/8965eba136/members", [(200, {}, {"id": "h2"})],
                     auth="Bearer mc-tok")
    params = {"list": "8965eba136", "email": "b@x.io", "status": "subscribed", "options": {},
              "mergeFieldsUi": {"mergeFieldsValues": [{"name": "LNAME", "value": "Lovelace"}]},
              "authentication": "{{ $credentials.oAuth2 }}"}
    items = output(run_service("n8n-nodes-base.mailchimp", 1, params, credentials=creds))
    assert items == [{"json": {"id": "h2"}, "pairedItem": {"item": 0}}]
    assert len(meta) == 1
    assert calls[0].json == {"listId": "8965eba136", "email_address": "b@x.io", "status": "subscribed",
                             "merge_fields": {"LNAME": "Lovelace"}}


def test_mailchimp_errors(fake_server):
    body = {"type": "https://mailchimp.com/developer/marketing/docs/errors/", "title": "Member Exists",
            "status": 400, "detail": "ada@example.com is already a list member."}
    mc_route(fake_server, "POST", "/lists/L1/members", [(400, {}, body)])
    params = {"list": "L1", "email": "ada@example.com", "status": "subscribed"}
    err = error(mc(fake_server, params))
    assert err["message"] == "Bad request - please check your parameters"
    # n8n pushes the error item without pairedItem; the run pairs it with the single input item.
    items = output(mc(fake_server, params, continue_on_fail=True))
    assert items == [{"json": {"error": "Bad request - please check your parameters"}, "pairedItem": {"item": 0}}]
    items = output(mc(fake_server, params, credentials={"mailchimpApi": {"apiKey": "nodatacenter"}},
                      continue_on_fail=True))
    assert items == [{"json": {"error": "The API key is not valid!"}, "pairedItem": {"item": 0}}]
    err = error(mc(fake_server, {"resource": "member", "operation": "upsert"}))
    assert err["message"] == "Mailchimp: operation 'member/upsert' is not supported yet"
