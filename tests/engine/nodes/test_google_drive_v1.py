"""Google Drive v1/v2 (legacy parameters) against a local fake of the Drive v3 API."""

from __future__ import annotations

import base64

import pytest
from fakes import FakeServer, Request
from gdb_harness import creds, error_of, flow, output, run

from automatelanka.engine.state import Services

TOKEN = "ya29.drivev1"
CRED = {"googleDriveOAuth2Api": {"id": "1", "name": "Drive"}}


@pytest.fixture
def fake_server():
    with FakeServer() as server:
        yield server


def authed(handler):
    def wrapped(req: Request):
        assert req.headers["authorization"] == f"Bearer {TOKEN}"
        return handler(req)
    return wrapped


def go(server, params, items=None, version=2, **kw):
    services = Services(credentials=creds({"googleDriveOAuth2Api": {"oauthTokenData": {"access_token": TOKEN}}}),
                        base_urls={"google": server.url})
    params = {"authentication": "oAuth2", **params}
    return run(flow("googleDrive", version, params, items if items is not None else [{"keep": 1}],
                    credentials=CRED, **kw), services)


def rl(value):
    return {"__rl": True, "mode": "id", "value": value}


def test_download_adds_binary_to_the_item(fake_server):
    def file(req: Request):
        if req.arg("alt") == "media":
            return 200, {"Content-Type": "text/csv"}, b"a,b\n"
        assert req.arg("fields") == "mimeType,name" and req.arg("supportsTeamDrives") == "true"
        return 200, {}, {"mimeType": "text/csv", "name": "r.csv"}

    fake_server.route("GET", "/drive/v3/files/f1", authed(file))
    out = output(go(fake_server, {"operation": "download", "fileId": rl("f1"), "binaryPropertyName": "file"},
                    version=1))
    assert out[0]["json"] == {"keep": 1}
    assert out[0]["binary"]["file"]["fileName"] == "r.csv"
    assert base64.b64decode(out[0]["binary"]["file"]["data"]) == b"a,b\n"


def test_list_builds_query_from_filters(fake_server):
    fake_server.route("GET", "/drive/v3/files", authed(lambda r: (200, {}, {"files": [
        {"id": "a", "name": "x.pdf"}, {"id": "b", "name": "y.pdf"}]})))
    out = output(go(fake_server, {"operation": "list", "limit": 2, "queryFilters": {
        "name": [{"operation": "contains", "value": "x"}], "mimeType": [{"mimeType": "application/pdf"}]}},
        items=[{}, {}]))
    req = fake_server.requests[0]
    assert req.arg("q") == "name contains 'x' and mimeType = 'application/pdf'"
    assert req.arg("fields") == "nextPageToken, files(id, name)" and req.arg("pageSize") == "2"
    assert req.arg("orderBy") == "modifiedTime"
    # v2 lists once per item
    assert [o["json"]["id"] for o in out] == ["a", "b", "a", "b"]
    assert [o["pairedItem"] for o in out] == [{"item": 0}, {"item": 0}, {"item": 1}, {"item": 1}]


def test_list_v1_returns_after_the_first_item(fake_server):
    fake_server.route("GET", "/drive/v3/files", authed(lambda r: (200, {}, {"files": [{"id": "a", "name": "x"}]})))
    out = output(go(fake_server, {"operation": "list", "useQueryString": True, "queryString": "trashed = false"},
                    items=[{}, {}], version=1))
    assert [o["json"] for o in out] == [{"id": "a", "name": "x"}]
    assert len(fake_server.requests) == 1 and fake_server.requests[0].arg("q") == "trashed = false"


def test_upload_media_then_metadata(fake_server):
    fake_server.route("POST", "/upload/drive/v3/files", authed(lambda r: (200, {}, {"id": "u1"})))
    fake_server.route("PATCH", "/drive/v3/files/u1", authed(lambda r: (200, {}, {"id": "u1", "name": r.json["name"]})))
    out = output(go(fake_server, {"operation": "upload", "fileContent": "hello", "name": "greeting.txt",
                                  "parents": ["p1", "p2"]}))
    upload, patch = fake_server.requests
    assert upload.body == b"hello" and upload.headers["content-type"] == "text/plain"
    assert upload.arg("uploadType") == "media" and upload.arg("fields") == "id, name"
    assert patch.json == {"mimeType": "text/plain", "name": "greeting.txt"}
    assert patch.arg("addParents") == "p1,p2" and patch.arg("supportsAllDrives") == "true"
    assert out[0]["json"] == {"id": "u1", "name": "greeting.txt"}


def test_upload_binary_missing_fails(fake_server):
    execution = go(fake_server, {"operation": "upload", "binaryData": True, "name": "x"})
    assert "binary" in error_of(execution)["message"].lower()
    assert fake_server.requests == []


def test_copy_share_delete_and_folder_create(fake_server):
    fake_server.route("POST", "/drive/v3/files/f1/copy", authed(lambda r: (200, {}, {"id": "c1", **r.json})))
    out = output(go(fake_server, {"operation": "copy", "fileId": rl("f1"), "options": {"name": "Copy"}}))
    assert out[0]["json"] == {"id": "c1", "fields": "id, name", "name": "Copy"}
    fake_server.route("POST", "/drive/v3/files/f1/permissions",
                      authed(lambda r: (200, {}, {"id": "perm", "kind": "drive#permission", **r.json})))
    out = output(go(fake_server, {"operation": "share", "fileId": rl("f1"), "permissionsUi": {
        "permissionsValues": {"role": "reader", "type": "anyone"}}}))
    # n8n fills the shown default of allowFileDiscovery for type "anyone"
    assert out[0]["json"] == {"id": "perm", "kind": "drive#permission", "role": "reader", "type": "anyone",
                              "allowFileDiscovery": False}
    fake_server.route("DELETE", "/drive/v3/files/f1", authed(lambda r: (204, {}, None)))
    out = output(go(fake_server, {"operation": "delete", "fileId": rl("f1")}))
    assert out[0]["json"] == {"fileId": "f1", "success": True}
    fake_server.route("POST", "/drive/v3/files", authed(lambda r: (200, {}, {"id": "d1", "name": r.json["name"]})))
    out = output(go(fake_server, {"resource": "folder", "operation": "create", "name": "Docs",
                                  "options": {"parents": ["root"]}}))
    assert fake_server.last("POST", "/drive/v3/files").json == {"name": "Docs", "parents": ["root"],
                                                               "mimeType": "application/vnd.google-apps.folder"}
    assert out[0]["json"] == {"id": "d1", "name": "Docs"}


def test_download_error_continues_on_the_item(fake_server):
    fake_server.route("GET", "/drive/v3/files/nope", (404, {}, {"error": {"code": 404, "message": "File not found"}}))
    out = output(go(fake_server, {"operation": "download", "fileId": rl("nope")}, on_error="continueRegularOutput"))
    assert "error" in out[0]["json"] and "binary" not in out[0]
