"""Google Drive node and trigger against a local fake of the Drive v3 API."""

from __future__ import annotations

import base64

import pytest
from fakes import FakeServer, Request
from gdb_harness import creds, error_of, flow, output, run

from automatelanka.engine.state import Services

TOKEN = "ya29.drive"
CRED = {"googleDriveOAuth2Api": {"id": "1", "name": "Drive"}}


@pytest.fixture
def fake_server():
    with FakeServer() as server:
        yield server


def services(server: FakeServer) -> Services:
    return Services(credentials=creds({"googleDriveOAuth2Api": {"oauthTokenData": {"access_token": TOKEN}}}),
                    base_urls={"google": server.url})


def drive_flow(params, items=None, **kw):
    return flow("googleDrive", 3, params, items if items is not None else [{"keep": 1}], credentials=CRED, **kw)


def file_rl(value, mode="id"):
    return {"__rl": True, "mode": mode, "value": value}


def test_download_keeps_json_and_adds_binary(fake_server):
    def meta_or_media(req: Request):
        assert req.headers["authorization"] == f"Bearer {TOKEN}"
        if req.arg("alt") == "media":
            return 200, {"Content-Type": "text/csv"}, b"a,b\n1,2\n"
        assert req.arg("fields") == "mimeType,name"
        return 200, {}, {"mimeType": "text/csv", "name": "report.csv"}

    fake_server.route("GET", "/drive/v3/files/abc", meta_or_media)
    url = "https://drive.google.com/file/d/abc/view?usp=sharing"
    out = output(run(drive_flow({"operation": "download", "fileId": file_rl(url, "url")}), services(fake_server)))
    assert out[0]["json"] == {"keep": 1}
    data = out[0]["binary"]["data"]
    assert data["fileName"] == "report.csv" and data["mimeType"] == "text/csv"
    assert base64.b64decode(data["data"]) == b"a,b\n1,2\n"


def test_search_builds_the_query_and_returns_files(fake_server):
    fake_server.route("GET", "/drive/v3/files", (200, {}, {"files": [{"id": "1", "name": "a"}, {"id": "2", "name": "b"}]}))
    params = {"resource": "fileFolder", "searchMethod": "name", "queryString": "inv", "limit": 10,
              "filter": {"folderId": file_rl("F1"), "whatToSearch": "files"}}
    out = output(run(drive_flow(params), services(fake_server)))
    assert [i["json"] for i in out] == [{"id": "1", "name": "a"}, {"id": "2", "name": "b"}]
    req = fake_server.last("GET", "/drive/v3/files")
    assert req.arg("q") == ("name contains 'inv' and 'F1' in parents and mimeType != "
                            "'application/vnd.google-apps.folder' and trashed = false")
    assert req.arg("fields") == "nextPageToken, files(id, name)" and req.arg("pageSize") == "10"


def test_upload_create_folder_delete_and_errors(fake_server):
    fake_server.route("POST", "/upload/drive/v3/files", lambda r: (200, {}, {"id": "new1"}))
    fake_server.route("PATCH", "/drive/v3/files/new1", lambda r: (200, {}, {"id": "new1", **r.json}))
    fake_server.route("POST", "/drive/v3/files", lambda r: (200, {}, {"id": "fold1", "kind": "drive#file", **r.json}))
    fake_server.route("PATCH", "/drive/v3/files/gone", lambda r: (200, {}, {"id": "gone"}))
    fake_server.route("GET", "/drive/v3/files/missing", (404, {}, {"error": {"code": 404, "message": "File not found"}}))
    wf = drive_flow({"operation": "upload", "name": "hello.txt", "folderId": file_rl("root"),
                     "driveId": file_rl("My Drive")})
    wf["nodes"][1]["parameters"]["jsCode"] = (
        "return [{json:{}, binary:{data:{data:'aGk=', mimeType:'text/plain', fileName:'x.txt'}}}];")
    out = output(run(wf, services(fake_server)))
    assert out[0]["json"]["name"] == "hello.txt" and out[0]["json"]["originalFilename"] == "x.txt"
    upload = fake_server.last("POST", "/upload/drive/v3/files")
    assert b'"parents": ["root"]' in upload.body and b"\r\n\r\nhi\r\n" in upload.body
    assert upload.headers["content-type"].startswith("multipart/related; boundary=")
    out = output(run(drive_flow({"resource": "folder", "operation": "create", "name": "Docs",
                                 "folderId": file_rl("P1")}), services(fake_server)))
    assert out[0]["json"] == {"id": "fold1", "kind": "drive#file", "name": "Docs",
                              "mimeType": "application/vnd.google-apps.folder", "parents": ["P1"]}
    out = output(run(drive_flow({"operation": "deleteFile", "fileId": file_rl("gone")}), services(fake_server)))
    assert out[0]["json"] == {"id": "gone", "success": True}
    assert fake_server.last("PATCH", "/drive/v3/files/gone").json == {"trashed": True}
    err = error_of(run(drive_flow({"operation": "download", "fileId": file_rl("missing")}), services(fake_server)))
    assert err["message"] == "The resource you are requesting could not be found"


def test_trigger_manual_returns_newest_file(fake_server):
    fake_server.route("GET", "/drive/v3/files", (200, {}, {"files": [{"id": "f9", "name": "new.pdf"}]}))
    wf = {"name": "t", "settings": {"executionOrder": "v1"}, "connections": {},
          "nodes": [{"name": "T", "type": "n8n-nodes-base.googleDriveTrigger", "typeVersion": 1, "position": [0, 0],
                     "credentials": CRED,
                     "parameters": {"triggerOn": "specificFolder", "folderToWatch": file_rl("F1"),
                                    "event": "fileCreated"}}]}
    out = output(run(wf, services(fake_server), mode="manual"), "T")
    assert [i["json"]["id"] for i in out] == ["f9"]
    req = fake_server.last("GET", "/drive/v3/files")
    assert req.arg("q") == ("trashed = false AND 'F1' in parents AND mimeType != "
                            "'application/vnd.google-apps.folder'") and req.arg("pageSize") == "1"
