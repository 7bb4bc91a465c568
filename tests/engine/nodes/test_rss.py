"""RSS Read and RSS Feed Trigger against a local feed server."""

from __future__ import annotations

import pytest
from fakes import FakeServer
from gdb_harness import error_of, flow, output, run

from automatelanka.engine.nodes._poll import POLLERS
from automatelanka.engine.state import Services

RSS = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Blog</title><link>https://blog.example</link>
<item><title>Second &amp; last</title><link>https://blog.example/2</link>
<dc:creator>Ann</dc:creator><pubDate>Tue, 05 Mar 2024 10:00:00 GMT</pubDate>
<category>news</category><category domain="x">tech</category>
<guid isPermaLink="false">id-2</guid>
<description><![CDATA[<p>Hello <b>world</b></p><p>More</p>]]></description>
<content:encoded><![CDATA[<div>Full</div>]]></content:encoded>
<enclosure url="https://blog.example/a.mp3" length="10" type="audio/mpeg"/>
</item>
<item><title>First</title><link>https://blog.example/1</link><pubDate>Mon, 04 Mar 2024 09:00:00 +0100</pubDate>
<guid>https://blog.example/1</guid><description>Plain</description></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>
<entry><title>Entry</title><link rel="alternate" href="https://a.example/e"/><id>urn:e1</id>
<updated>2024-03-05T10:00:00Z</updated><author><name>Bo</name></author><summary>Sum</summary></entry></feed>"""


@pytest.fixture
def fake_server():
    with FakeServer() as server:
        yield server


def test_rss_items_have_rss_parser_fields(fake_server):
    fake_server.route("GET", "/feed", (200, {"Content-Type": "application/rss+xml"}, RSS))
    out = output(run(flow("rssFeedRead", 1.2, {"url": fake_server.url + "/feed"}, [{}]), Services()))
    first = out[0]["json"]
    assert first == {
        "creator": "Ann", "title": "Second & last", "link": "https://blog.example/2",
        "pubDate": "Tue, 05 Mar 2024 10:00:00 GMT", "content:encoded": "<div>Full</div>",
        "content:encodedSnippet": "Full",
        "enclosure": {"url": "https://blog.example/a.mp3", "length": "10", "type": "audio/mpeg"},
        "dc:creator": "Ann", "content": "<p>Hello <b>world</b></p><p>More</p>", "contentSnippet": "Hello world\nMore",
        "guid": "id-2", "categories": ["news", {"_": "tech", "$": {"domain": "x"}}],
        "isoDate": "2024-03-05T10:00:00.000Z",
    }
    assert out[1]["json"]["isoDate"] == "2024-03-04T08:00:00.000Z" and out[1]["json"]["content"] == "Plain"
    assert fake_server.last("GET", "/feed").headers["accept"].startswith("application/rss+xml, application/rdf+xml")


def test_atom_and_errors(fake_server):
    fake_server.route("GET", "/atom", (200, {}, ATOM))
    out = output(run(flow("rssFeedRead", 1.1, {"url": fake_server.url + "/atom"}, [{}]), Services()))
    assert out[0]["json"] == {"title": "Entry", "link": "https://a.example/e", "pubDate": "2024-03-05T10:00:00.000Z",
                              "author": "Bo", "summary": "Sum", "id": "urn:e1", "isoDate": "2024-03-05T10:00:00.000Z"}
    err = error_of(run(flow("rssFeedRead", 1.1, {"url": "not a url"}, [{}]), Services()))
    assert err["message"] == 'The provided "URL" is not valid!'


def test_trigger_poll_returns_only_newer_items(fake_server):
    from automatelanka.engine.nodes.base import NodeContext
    from automatelanka.engine.state import ExecutionState
    from automatelanka.engine.workflow import Workflow

    fake_server.route("GET", "/feed", (200, {}, RSS))
    wf = Workflow({"nodes": [{"name": "T", "type": "n8n-nodes-base.rssFeedReadTrigger", "typeVersion": 1,
                              "position": [0, 0], "parameters": {"feedUrl": fake_server.url + "/feed"}}],
                   "connections": {}})
    state = ExecutionState(workflow=wf, mode="trigger")
    state.static_data["node:T"] = {"lastItemDate": "2024-03-04T12:00:00.000Z"}
    ctx = NodeContext(state, wf.nodes["T"], wf.nodes["T"].parameters, [[]], [], 0, [None])
    fresh = POLLERS["n8n-nodes-base.rssFeedReadTrigger"](ctx)
    assert [i["json"]["guid"] for i in fresh] == ["id-2"]
    assert state.static_data["node:T"]["lastItemDate"] == "2024-03-05T10:00:00.000Z"
    assert POLLERS["n8n-nodes-base.rssFeedReadTrigger"](ctx) is None
