"""Google Docs node against a local fake of the Docs v1 API."""

from __future__ import annotations

import pytest
from fakes import FakeServer
from gdb_harness import creds, flow, output, run

from automatelanka.engine.state import Services

CRED = {"googleDocsOAuth2Api": {"id": "1", "name": "Docs"}}
URL = "https://docs.google.com/document/d/DOC123/edit"


@pytest.fixture
def fake_server():
    with FakeServer() as server:
        yield server


def services(server):
    return Services(credentials=creds({"googleDocsOAuth2Api": {"oauthTokenData": {"access_token": "t"}}}),
                    base_urls={"docs": server.url, "google": server.url})


def test_get_simple_text_and_update_insert(fake_server):
    doc = {"documentId": "DOC123", "body": {"content": [
        {"sectionBreak": {}}, {"paragraph": {"elements": [{"textRun": {"content": "Hello "}},
                                                          {"textRun": {"content": "world\n"}}]}}]}}
    fake_server.route("GET", "/documents/DOC123", (200, {}, doc))
    fake_server.route("POST", "/documents/DOC123:batchUpdate",
                      lambda r: (200, {}, {"documentId": "DOC123", "replies": [{}], "writeControl": {"requiredRevisionId": "r2"}}))
    out = output(run(flow("googleDocs", 2, {"operation": "get", "documentURL": URL}, [{}], credentials=CRED),
                     services(fake_server)))
    assert out[0]["json"] == {"documentId": "DOC123", "content": "Hello world\n"}
    params = {"operation": "update", "documentURL": URL, "simple": False,
              "actionsUi": {"actionFields": [{"action": "insert", "object": "text", "text": "More",
                                              "locationChoice": "endOfSegmentLocation"}]}}
    out = output(run(flow("googleDocs", 2, params, [{}], credentials=CRED), services(fake_server)))
    assert out[0]["json"]["documentId"] == "DOC123" and out[0]["json"]["replies"] == [{}]
    assert fake_server.last("POST").json == {"requests": [{"insertText": {"text": "More",
                                                                          "endOfSegmentLocation": {"segmentId": ""}}}]}
