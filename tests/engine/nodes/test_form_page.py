"""Form Trigger page helpers checked against n8n's Form utils: the webhook path per version,
sanitizeHtml's allow-list, validateSafeRedirectUrl (tryToParseUrl) and the bot filter."""

from __future__ import annotations

import pytest

from automatelanka.engine.nodes._form_page import form_field, safe_redirect, sanitize_css, sanitize_html
from automatelanka.engine.nodes.triggers import form_path, is_bot


@pytest.mark.parametrize(("version", "params", "expected"), [
    (1, {"path": "signup"}, "signup/n8n-form"),
    (2, {"path": "contact"}, "contact"),
    (2.1, {"path": "", "options": {"path": "ignored"}}, "hook-1"),
    (2.2, {"path": "ignored", "options": {"path": "join"}}, "join"),
    (2.3, {"options": {}}, "hook-1"),
])
def test_form_path_per_version(version, params, expected) -> None:
    node = {"type": "n8n-nodes-base.formTrigger", "typeVersion": version, "webhookId": "hook-1", "parameters": params}
    assert form_path(node) == expected


def test_sanitize_html_keeps_allowed_tags_and_http_urls_only() -> None:
    out = sanitize_html('<p onclick="x()">Hi <a href="javascript:x()" target="_blank">a</a>'
                        '<a href="https://n8n.io">b</a><script>bad()</script><form><b>c</b></form></p>'
                        '<iframe src="https://e.com/v"></iframe>')
    assert out.startswith('<p>Hi <a target="_blank">a</a><a href="https://n8n.io">b</a><b>c</b></p>')
    assert "bad()" not in out and 'sandbox=""' in out and "https://e.com/v" in out


def test_safe_redirect_as_try_to_parse_url() -> None:
    assert safe_redirect("example.com/x") == "https://example.com/x"
    assert safe_redirect(" http://a.b/c ") == "http://a.b/c"
    assert safe_redirect("javascript:alert(1)") is None
    assert safe_redirect("data://text") is None
    assert safe_redirect("") is None


def test_custom_css_cannot_close_its_style_element() -> None:
    assert sanitize_css("a > b { color: red }</style><script>x</script>") == "a > b { color: red }x"
    assert sanitize_css("a < b") == "a &lt; b"


def test_query_prefills_by_label_and_hidden_fields_take_their_name() -> None:
    assert form_field(0, {"fieldLabel": "Name", "defaultValue": "x"}, {"Name": "Bo"})["default"] == "Bo"
    hidden = form_field(1, {"fieldType": "hiddenField", "fieldName": "src", "fieldValue": "web"}, {})
    assert (hidden["kind"], hidden["label"], hidden["value"]) == ("hidden", "src", "web")
    assert form_field(2, {"fieldType": "hiddenField", "fieldName": "src", "fieldValue": "web"},
                      {"src": "ad"})["value"] == "ad"


@pytest.mark.parametrize(("agent", "bot"), [
    ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", True),
    ("facebookexternalhit/1.1", True),
    ("Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)", True),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Version/17.5 Safari/605.1.15", False),
    ("", False),
])
def test_is_bot(agent, bot) -> None:
    assert is_bot(agent) is bot
