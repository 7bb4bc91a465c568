"""Hacker News node against a local fake Algolia API."""

from __future__ import annotations

from svc_harness import output, run_service

pytest_plugins = ("fakes",)


def run(server, params):
    return run_service("n8n-nodes-base.hackerNews", 1, params, base_urls={"hackerNews": server.url})


def test_search_with_limit_and_tags(fake_server):
    hits = [{"objectID": "1", "title": "A"}, {"objectID": "2", "title": "B"}]
    fake_server.route("GET", "/search", (200, {}, {"hits": hits, "nbHits": 50}))
    items = output(run(fake_server, {"resource": "all", "limit": 2,
                                     "additionalFields": {"keyword": "rust", "tags": ["story", "show_hn"]}}))
    assert [it["json"] for it in items] == hits
    req = fake_server.last()
    assert req.arg("query") == "rust" and req.arg("tags") == "story,show_hn" and req.arg("hitsPerPage") == "2"


def test_article_get_drops_children_unless_asked(fake_server):
    fake_server.route("GET", "/items/42", (200, {}, {"id": 42, "title": "T", "children": [{"id": 43}]}))
    items = output(run(fake_server, {"resource": "article", "articleId": "42"}))
    assert items[0]["json"] == {"id": 42, "title": "T"}
    items = output(run(fake_server, {"resource": "article", "articleId": "42",
                                     "additionalFields": {"includeComments": True}}))
    assert items[0]["json"]["children"] == [{"id": 43}]


def test_return_all_repeats_first_page_like_n8n(fake_server):
    fake_server.route("GET", "/search", (200, {}, {"hits": [{"objectID": "1"}, {"objectID": "2"}], "nbHits": 5}))
    items = output(run(fake_server, {"resource": "all", "returnAll": True}))
    # n8n sums the running total (2, then 2+4=6 >= 5): two identical pages
    assert [it["json"]["objectID"] for it in items] == ["1", "2", "1", "2"]
    assert fake_server.last().arg("hitsPerPage") == "100"
