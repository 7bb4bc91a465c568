"""Google Slides (Slides API v1) and Google Calendar Trigger (polling Calendar v3) against local fakes."""

from __future__ import annotations

import base64

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fakes import FakeServer
from svc_harness import error, output, run_service

pytest_plugins = ("fakes",)

# -- Google Slides ---------------------------------------------------------------------------------

SLIDES = "n8n-nodes-base.googleSlides"
SLIDES_CREDS = {"googleSlidesOAuth2Api": {"oauthTokenData": {"access_token": "slides-token"}}}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
NOT_FOUND = {"error": {"code": 404, "message": "Requested entity was not found.", "status": "NOT_FOUND"}}


def _slides(server: FakeServer, params: dict, *, version: float = 2, items=None, creds=SLIDES_CREDS,
            continue_on_fail: bool = False):
    return run_service(SLIDES, version, params, items=items, credentials=creds,
                       base_urls={"slides": server.url, "google": server.url}, continue_on_fail=continue_on_fail)


def _authed(req, token: str = "slides-token") -> None:
    assert req.headers["authorization"] == f"Bearer {token}"


def test_slides_create_presentation_v1_defaults_and_oauth(fake_server):
    def create(req):
        _authed(req)
        assert req.json == {"title": "Deck for Acme"} and not req.query
        return 200, {}, {"presentationId": "P1", "title": "Deck for Acme", "slides": [{"objectId": "p"}]}

    fake_server.route("POST", "/presentations", create)
    # v1 corpus shape: no resource/operation (presentation/create), a literal authentication value
    params = {"title": "=Deck for {{ $json.name }}", "authentication": "{{ $credentials.oAuth2 }}"}
    out = output(_slides(fake_server, params, version=1, items=[{"json": {"name": "Acme"}}]))
    assert out == [{"json": {"presentationId": "P1", "title": "Deck for Acme", "slides": [{"objectId": "p"}]},
                    "pairedItem": {"item": 0}}]


def test_slides_service_account_v1_default(fake_server):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()

    def token(req):
        form = req.form
        assert form["grant_type"] == ["urn:ietf:params:oauth:grant-type:jwt-bearer"]
        claims = jwt.decode(form["assertion"][0], key.public_key(), algorithms=["RS256"],
                            audience="https://oauth2.googleapis.com/token")
        assert claims["iss"] == "sa@x.iam.gserviceaccount.com" and claims["sub"] == "sa@x.iam.gserviceaccount.com"
        assert claims["scope"] == ("https://www.googleapis.com/auth/drive.file "
                                   "https://www.googleapis.com/auth/presentations")
        return 200, {}, {"access_token": "sa-token", "expires_in": 3600}

    def get(req):
        _authed(req, "sa-token")
        return 200, {}, {"presentationId": "P1", "title": "T"}

    fake_server.route("POST", "/token", token)
    fake_server.route("GET", "/presentations/P1", get)
    creds = {"googleApi": {"email": "sa@x.iam.gserviceaccount.com", "privateKey": pem.replace("\n", "\\n")}}
    run = run_service(SLIDES, 1, {"operation": "get", "presentationId": "P1"}, credentials=creds,
                      base_urls={"google": fake_server.url})
    assert output(run) == [{"json": {"presentationId": "P1", "title": "T"}, "pairedItem": {"item": 0}}]


def test_slides_get_slides_limit_and_return_all(fake_server):
    slides = [{"objectId": f"s{n}", "pageType": "SLIDE"} for n in range(3)]

    def get(req):
        _authed(req)
        assert req.query == {"fields": ["slides"]}
        return 200, {}, {"slides": slides}

    fake_server.route("GET", "/presentations/P1", get)
    out = output(_slides(fake_server, {"operation": "getSlides", "presentationId": "P1", "limit": 2}))
    assert out == [{"json": s, "pairedItem": {"item": 0}} for s in slides[:2]]
    out = output(_slides(fake_server, {"operation": "getSlides", "presentationId": "P1", "returnAll": True},
                         items=[{"json": {}}, {"json": {}}]))
    assert out == [{"json": s, "pairedItem": {"item": i}} for i in (0, 1) for s in slides]
    # the default limit is 100 (one answer, no paging)
    out = output(_slides(fake_server, {"operation": "getSlides", "presentationId": "P1"}))
    assert len(out) == 3 and len(fake_server.requests) == 4  # one request per input item


def test_slides_replace_text_batch_update(fake_server):
    def batch(req):
        _authed(req)
        assert req.path == "/presentations/P9:batchUpdate"
        # n8n builds writeControl from revisionId but sends only the requests
        assert req.json == {"requests": [
            {"replaceAllText": {"replaceText": "Acme", "pageObjectIds": ["p"],
                                "containsText": {"text": "[ NAME ]", "matchCase": False}}},
            {"replaceAllText": {"replaceText": "Bob", "pageObjectIds": [],
                                "containsText": {"text": "{FIRST}", "matchCase": True}}}]}
        return 200, {}, {"presentationId": "P9", "replies": [{"replaceAllText": {"occurrencesChanged": 2}},
                                                             {"replaceAllText": {}}],
                         "writeControl": {"requiredRevisionId": "rev2"}}

    fake_server.route("POST", "/presentations/P9:batchUpdate", batch)
    params = {"operation": "replaceText", "presentationId": "={{ $json.id }}", "options": {"revisionId": "rev1"},
              "textUi": {"textValues": [
                  {"text": "[ NAME ]", "replaceText": "={{ $json.company }}", "pageObjectIds": ["p"]},
                  {"text": "{FIRST}", "replaceText": "={{ $json.first }}", "matchCase": True}]}}
    out = output(_slides(fake_server, params, items=[{"json": {"id": "P9", "company": "Acme", "first": "Bob"}}]))
    assert out == [{"json": {"presentationId": "P9", "replies": [{"replaceAllText": {"occurrencesChanged": 2}},
                                                                  {"replaceAllText": {}}],
                             "writeControl": {"requiredRevisionId": "rev2"}}, "pairedItem": {"item": 0}}]


def test_slides_page_get_and_thumbnail(fake_server):
    page = {"objectId": "g1", "pageType": "SLIDE", "pageElements": []}
    thumb = {"width": 1600, "height": 900, "contentUrl": f"{fake_server.url}/content/g1"}

    def content(req):
        assert "authorization" not in req.headers  # the contentUrl is fetched without auth
        return 200, {"Content-Type": "image/png"}, PNG

    fake_server.route("GET", "/presentations/P1/pages/g1", (200, {}, page))
    fake_server.route("GET", "/presentations/P1/pages/g1/thumbnail", (200, {}, thumb))
    fake_server.route("GET", "/content/g1", content)
    base = {"resource": "page", "presentationId": "P1", "pageObjectId": "={{ $json.objectId }}"}
    items = [{"json": {"objectId": "g1"}}]
    assert output(_slides(fake_server, {**base, "operation": "get"}, items=items)) == [
        {"json": page, "pairedItem": {"item": 0}}]
    assert output(_slides(fake_server, {**base, "operation": "getThumbnail"}, items=items)) == [
        {"json": thumb, "pairedItem": {"item": 0}}]
    assert fake_server.last().path == "/presentations/P1/pages/g1/thumbnail"
    out = output(_slides(fake_server, {**base, "operation": "getThumbnail", "download": True,
                                       "binaryProperty": "img"}, items=items))
    assert out == [{"json": thumb, "binary": {"img": {
        "mimeType": "image/png", "fileType": "image", "fileExtension": "png",
        "data": base64.b64encode(PNG).decode(), "fileName": "g1.png", "fileSize": "24 B"}},
        "pairedItem": {"item": 0}}]


def test_slides_api_error_and_continue_on_fail(fake_server):
    fake_server.route("GET", "/presentations/missing", (404, {}, NOT_FOUND))
    fake_server.route("GET", "/presentations/P1", (200, {}, {"presentationId": "P1"}))
    params = {"operation": "get", "presentationId": "={{ $json.id }}"}
    items = [{"json": {"id": "missing"}}, {"json": {"id": "P1"}}]
    err = error(_slides(fake_server, params, items=items))
    assert err["message"] == "The resource you are requesting could not be found"
    assert err["description"] == "Requested entity was not found." and err["httpCode"] == "404"
    out = output(_slides(fake_server, params, items=items, continue_on_fail=True))
    assert out == [{"json": {"error": "The resource you are requesting could not be found"}, "pairedItem": {"item": 0}},
                   {"json": {"presentationId": "P1"}, "pairedItem": {"item": 1}}]


def test_slides_unknown_operation_is_unsupported(fake_server):
    err = error(_slides(fake_server, {"resource": "page", "operation": "delete", "presentationId": "P1"}))
    assert err["message"] == "Google Slides: operation 'page/delete' is not supported yet"
    assert fake_server.requests == []
