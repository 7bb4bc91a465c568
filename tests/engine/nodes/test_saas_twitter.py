"""X/Twitter node (v2 OAuth2, v1 OAuth1) against a local fake API, and OAuth1 signing."""

from __future__ import annotations

from urllib.parse import unquote

from svc_harness import error, output, run_service

from automatelanka.engine.nodes._oauth1 import authorization_header

pytest_plugins = ("fakes",)

OAUTH2 = {"twitterOAuth2Api": {"oauthTokenData": {"access_token": "bearer-x"}}}


def run(server, version, params, creds=OAUTH2, **kw):
    return run_service("n8n-nodes-base.twitter", version, params, credentials=creds,
                       base_urls={"twitter": server.url}, **kw)


def test_oauth1_signature_matches_twitters_documented_example():
    fields = {"consumerKey": "xvz1evFS4wEEPTGEFPHBog", "consumerSecret": "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
              "oauthTokenData": {"oauth_token": "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb",
                                 "oauth_token_secret": "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE"}}
    header = authorization_header("POST", "https://api.twitter.com/1.1/statuses/update.json?include_entities=true",
                                  fields, {"status": "Hello Ladies + Gentlemen, a signed OAuth request!"},
                                  nonce="kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg", timestamp=1318622958)
    parts = dict(p.split("=", 1) for p in header.removeprefix("OAuth ").split(", "))
    assert unquote(parts["oauth_signature"].strip('"')) == "hCtSmYh+iHYCEqBWrE7C7hYmtUk="


def test_v2_create_tweet_with_reply_returns_data(fake_server):
    fake_server.route("POST", "/2/tweets", (201, {}, {"data": {"id": "9", "text": "hi"}}))
    params = {"resource": "tweet", "operation": "create", "text": "hi",
              "additionalFields": {"inReplyToStatusId": {"__rl": True, "mode": "url",
                                                         "value": "https://x.com/someone/status/123"}}}
    items = output(run(fake_server, 2, params))
    assert [it["json"] for it in items] == [{"id": "9", "text": "hi"}]
    req = fake_server.last()
    assert req.headers["authorization"] == "Bearer bearer-x"
    assert req.json == {"text": "hi", "reply": {"in_reply_to_tweet_id": "123"}}


def test_v2_like_looks_up_me_then_search_pages(fake_server):
    fake_server.route("GET", "/2/users/me", (200, {}, {"data": {"id": "u1"}}))
    fake_server.route("POST", "/2/users/u1/likes", (200, {}, {"data": {"liked": True}}))
    params = {"resource": "tweet", "operation": "like", "tweetId": {"__rl": True, "mode": "id", "value": "55"}}
    assert output(run(fake_server, 2, params))[0]["json"] == {"liked": True}
    assert fake_server.last().json == {"tweet_id": "55"}

    def search(req):
        if req.arg("next_token") == "n2":
            return 200, {}, {"data": [{"id": "3"}], "meta": {}}
        return 200, {}, {"data": [{"id": "1"}, {"id": "2"}], "meta": {"next_token": "n2"}}

    fake_server.route("GET", "/2/tweets/search/recent", search)
    params = {"resource": "tweet", "operation": "search", "searchText": "n8n", "returnAll": True}
    items = output(run(fake_server, 2, params))
    assert [it["json"]["id"] for it in items] == ["1", "2", "3"]
    assert fake_server.last().arg("query") == "n8n" and fake_server.last().arg("max_results") == "10"


def test_v1_status_update_is_oauth1_signed(fake_server):
    fake_server.route("POST", "/1.1/statuses/update.json", (200, {}, {"id_str": "7", "text": "yo"}))
    creds = {"twitterOAuth1Api": {"consumerKey": "ck", "consumerSecret": "cs",
                                  "oauthTokenData": {"oauth_token": "t", "oauth_token_secret": "ts"}}}
    items = output(run(fake_server, 1, {"text": "yo"}, creds=creds))
    assert items[0]["json"] == {"id_str": "7", "text": "yo"}
    req = fake_server.last()
    assert req.arg("status") == "yo"
    auth = req.headers["authorization"]
    assert auth.startswith("OAuth ") and 'oauth_consumer_key="ck"' in auth and 'oauth_token="t"' in auth


def test_v1_media_attachments_are_not_faked(fake_server):
    creds = {"twitterOAuth1Api": {"consumerKey": "ck", "consumerSecret": "cs",
                                  "oauthTokenData": {"oauth_token": "t", "oauth_token_secret": "ts"}}}
    err = error(run(fake_server, 1, {"text": "yo", "additionalFields": {"attachments": "data"}}, creds=creds))
    assert "not supported yet" in err["message"]
