"""LinkedIn node against a local fake of the Posts/Images API."""

from __future__ import annotations

import base64

from svc_harness import error, output, run_service

pytest_plugins = ("fakes",)

CREDS = {"linkedInOAuth2Api": {"oauthTokenData": {"access_token": "li-token"}}}


def run(server, params, **kw):
    return run_service("n8n-nodes-base.linkedIn", 1, params, credentials=CREDS, base_urls={"linkedin": server.url},
                       **kw)


def test_text_post_as_person(fake_server):
    fake_server.route("POST", "/rest/posts", (201, {"x-restli-id": "urn:li:share:6844785523593134080"}, None))
    items = output(run(fake_server, {"person": "abc123", "text": "Hello (world) @n8n",
                                     "additionalFields": {"visibility": "CONNECTIONS"}}))
    assert items == [{"json": {"urn": "urn:li:share:6844785523593134080"}, "pairedItem": {"item": 0}}]
    req = fake_server.last()
    assert req.headers["authorization"] == "Bearer li-token"
    assert req.headers["linkedin-version"] == "202504" and req.headers["x-restli-protocol-version"] == "2.0.0"
    assert req.json == {"author": "urn:li:person:abc123", "lifecycleState": "PUBLISHED",
                        "distribution": {"feedDistribution": "MAIN_FEED", "thirdPartyDistributionChannels": []},
                        "visibility": "CONNECTIONS", "commentary": "Hello \\(world\\) \\@n8n"}


def test_image_post_as_organization_uploads_binary(fake_server):
    upload = f"{fake_server.url}/upload/img1"
    fake_server.route("POST", "/rest/images", (200, {}, {"value": {"uploadUrl": upload, "image": "urn:li:image:1"}}))
    fake_server.route("POST", "/upload/img1", (201, {}, None))
    fake_server.route("POST", "/rest/posts", (201, {"x-restli-id": "urn:li:share:2"}, None))
    item = {"json": {}, "binary": {"data": {"data": base64.b64encode(b"\x89PNG").decode(), "mimeType": "image/png",
                                            "fileName": "a.png"}}}
    params = {"postAs": "organization", "organization": "42", "text": "Pic", "shareMediaCategory": "IMAGE",
              "additionalFields": {"title": "T"}}
    items = output(run(fake_server, params, items=[item]))
    assert items[0]["json"] == {"urn": "urn:li:share:2"}
    assert fake_server.last("POST", "/rest/images").arg("action") == "initializeUpload"
    assert fake_server.last("POST", "/rest/images").json == {"initializeUploadRequest": {"owner": "urn:li:organization:42"}}
    up = fake_server.last("POST", "/upload/img1")
    assert up.body == b"\x89PNG" and up.headers["content-type"] == "image/png"
    assert fake_server.last("POST", "/rest/posts").json["content"] == {"media": {"title": "T", "id": "urn:li:image:1"}}


def test_api_error_and_unsupported(fake_server):
    fake_server.route("POST", "/rest/posts", (403, {}, {"message": "Not enough permissions", "status": 403}))
    assert error(run(fake_server, {"person": "p", "text": "x"}))["message"].startswith("Forbidden")
    assert "not supported yet" in error(run(fake_server, {"operation": "delete"}))["message"]
