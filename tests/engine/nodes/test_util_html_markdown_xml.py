"""HTML, Markdown and XML nodes (outputs compared with cheerio/html-to-text, showdown, xml2js)."""

from __future__ import annotations

import pytest
from util_harness import run_node

from automatelanka.engine.errors import NodeError

PAGE = ("<html><body><h1>Title One</h1><a class='l' href='/a'>A</a><a class='l' href='/b'>B</a>"
        "<p id='p'>Hello <b>world</b></p><input name='q' value='42'></body></html>")


def extract(values, version=1.2, options=None, item=None):
    out, _ = run_node("n8n-nodes-base.html", version, {"operation": "extractHtmlContent", "dataPropertyName": "html",
                                                       "extractionValues": {"values": values},
                                                       "options": options or {}},
                      [item or {"json": {"html": PAGE}}])
    return out[0][0]["json"]


def test_extract_text_attributes_arrays_html_and_values():
    got = extract([{"key": "title", "cssSelector": "h1"},
                   {"key": "links", "cssSelector": "a.l", "returnValue": "attribute", "attribute": "href",
                    "returnArray": True},
                   {"key": "inner", "cssSelector": "#p", "returnValue": "html"},
                   {"key": "q", "cssSelector": "input", "returnValue": "value"},
                   {"key": "texts", "cssSelector": "a", "returnArray": True}])
    assert got == {"title": "Title One", "links": ["/a", "/b"], "inner": "Hello <b>world</b>", "q": "42",
                   "texts": ["A", "B"]}


def test_extract_versions_differ_for_missing_and_multi_matches():
    # 1.2 converts the first match's inner HTML to text; 1.1 concatenates every match's text
    assert extract([{"key": "t", "cssSelector": "a"}], version=1.2) == {"t": "A"}
    assert extract([{"key": "t", "cssSelector": "a"}], version=1.1) == {"t": "AB"}
    assert extract([{"key": "t", "cssSelector": "h5"}], version=1.1) == {}
    assert extract([{"key": "t", "cssSelector": "h5"}], version=1.2) == {"t": ""}


def test_extract_options_and_missing_property():
    item = {"json": {"html": "<p>  a \n  b  </p>"}}
    assert extract([{"key": "t", "cssSelector": "p"}], version=1.1, options={"cleanUpText": True}, item=item) == \
        {"t": "a b"}
    with pytest.raises(NodeError, match='No property named "html" exists!'):
        extract([{"key": "t", "cssSelector": "p"}], item={"json": {}})


def test_html_template_and_table():
    out, _ = run_node("n8n-nodes-base.html", 1.2, {"operation": "convertToHtmlTable", "options": {"capitalize": True,
                                                                                                  "customStyling": True}},
                      [{"json": {"first_name": "Ada", "ok": True}}, {"json": {"first_name": "Alan"}}])
    table = out[0][0]["json"]["table"]
    assert table.startswith("<table  ><thead  ><tr><th>First Name</th><th>Ok</th></tr></thead><tbody>")
    assert '<td  ><input type="checkbox" checked="checked"/></td>' in table and "<td  >undefined</td>" in table
    assert out[0][0]["pairedItem"] == [{"item": 0}, {"item": 1}]


def test_markdown_to_html_matches_showdown():
    out, _ = run_node("n8n-nodes-base.markdown", 1, {"mode": "markdownToHtml", "destinationKey": "html",
                                                      "markdown": "# Hi there!\n## Hi there!\n\n> q\n\n```js\nx = \"1\"\n```"},
                      [{"json": {"keep": 1}}])
    assert out[0][0]["json"] == {"keep": 1, "html": (
        '<h1 id="hithere">Hi there!</h1>\n<h2 id="hithere-1">Hi there!</h2>\n<blockquote>\n  <p>q</p>\n'
        '</blockquote>\n<pre><code class="js language-js">x = "1"\n</code></pre>')}


def test_html_to_markdown():
    out, _ = run_node("n8n-nodes-base.markdown", 1, {"mode": "htmlToMarkdown", "html": (
        "<h1>Title</h1><p>Some <b>bold</b> and <i>it</i> <a href='https://x.test'>link</a>.</p>"
        "<ul><li>a</li><li>b</li></ul>")}, [{"json": {}}])
    assert out[0][0]["json"]["data"] == "# Title\n\nSome **bold** and _it_ [link](https://x.test).\n\n* a\n* b"


def test_xml_round_trip_like_xml2js():
    xml = '<?xml version="1.0"?><root a="1"><x>hi</x><x>yo</x><y z="2">t</y><e/><m>a<n>b</n>c</m></root>'
    out, _ = run_node("n8n-nodes-base.xml", 1, {"mode": "xmlToJson", "dataPropertyName": "xml"},
                      [{"json": {"xml": xml}}])
    assert out[0] == [{"json": {"root": {"a": "1", "x": ["hi", "yo"], "y": {"_": "t", "z": "2"}, "e": "",
                                         "m": {"_": "ac", "n": "b"}}}}]
    out, _ = run_node("n8n-nodes-base.xml", 1, {"mode": "jsonToxml", "dataPropertyName": "xml"},
                      [{"json": {"a": 1, "b": None, "c": {"$": {"k": "v"}, "d": "x<"}, "e": [1, 2]}}])
    assert out[0][0]["json"]["xml"] == (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<root>\n  <a>1</a>\n  <b/>\n'
        '  <c k="v">\n    <d>x&lt;</d>\n  </c>\n  <e>1</e>\n  <e>2</e>\n</root>')


def test_xml_errors():
    with pytest.raises(NodeError, match='Item has no JSON property called "data"'):
        run_node("n8n-nodes-base.xml", 1, {"mode": "xmlToJson"}, [{"json": {}}])
    with pytest.raises(NodeError):
        run_node("n8n-nodes-base.xml", 1, {"mode": "xmlToJson"}, [{"json": {"data": "<a><b></a>"}}])
