"""Dropbox node against a local fake of the Dropbox API v2."""

from __future__ import annotations

import base64
import json

from svc_harness import error, output, run_service

pytest_plugins = ("fakes",)

CREDS = {"dropboxApi": {"accessToken": "db-token", "accessType": "scoped"}}


def run(server, params, creds=CREDS, **kw):
    return run_service("n8n-nodes-base.dropbox", 1, params, credentials=creds, base_urls={"dropbox": server.url},
                       **kw)


def test_upload_text_content(fake_server):
    fake_server.route("POST", "/2/files/upload", (200, {"Content-Type": "application/json"},
                                                  json.dumps({"name": "a.txt", "id": "id:1", "size": 5})))
    items = output(run(fake_server, {"path": "/docs/a.txt", "fileContent": "hello"}))
    assert items == [{"json": {"name": "a.txt", "id": "id:1", "size": 5}, "pairedItem": {"item": 0}}]
    req = fake_server.last()
    assert req.headers["authorization"] == "Bearer db-token"
    assert json.loads(req.arg("arg")) == {"mode": "overwrite", "path": "/docs/a.txt"}
    assert req.body == b"hello" and req.headers["content-type"] == "application/octet-stream"


def test_download_keeps_item_and_adds_binary(fake_server):
    fake_server.route("POST", "/2/files/download", (200, {"Content-Type": "application/octet-stream"}, b"PDFDATA"))
    items = output(run(fake_server, {"operation": "download", "path": "/docs/r.pdf"}, items=[{"json": {"k": 1}}]))
    assert items[0]["json"] == {"k": 1}
    data = items[0]["binary"]["data"]
    assert data["fileName"] == "r.pdf" and data["mimeType"] == "application/pdf"
    assert base64.b64decode(data["data"]) == b"PDFDATA"


def test_folder_list_renames_fields_and_pages(fake_server):
    def listing(req):
        if req.path.endswith("/continue"):
            assert req.json == {"cursor": "c1"}
            return 200, {}, {"entries": [{".tag": "folder", "name": "sub", "id": "id:2"}], "has_more": False}
        assert req.json == {"path": "/docs", "limit": 1000}
        return 200, {}, {"entries": [{".tag": "file", "name": "a.txt", "size": 5, "path_lower": "/docs/a.txt"}],
                         "cursor": "c1", "has_more": True}

    fake_server.route("POST", "/2/files/list_folder", listing)
    fake_server.route("POST", "/2/files/list_folder/continue", listing)
    items = output(run(fake_server, {"resource": "folder", "operation": "list", "path": "/docs", "returnAll": True}))
    assert [it["json"] for it in items] == [
        {"name": "a.txt", "contentSize": 5, "type": "file", "pathLower": "/docs/a.txt"},
        {"id": "id:2", "name": "sub", "type": "folder"}]


def test_full_access_root_header_and_search_simple(fake_server):
    fake_server.route("POST", "/2/users/get_current_account", (200, {}, {"root_info": {"root_namespace_id": "77"}}))
    fake_server.route("POST", "/2/files/search_v2", (200, {}, {"matches": [
        {"match_type": {".tag": "filename"}, "metadata": {".tag": "metadata", "metadata": {"name": "a.txt"}}}],
        "has_more": False}))
    creds = {"dropboxApi": {"accessToken": "t", "accessType": "full"}}
    items = output(run(fake_server, {"resource": "search", "query": "a", "limit": 3}, creds=creds))
    assert [it["json"] for it in items] == [{"match_type": "filename", "name": "a.txt"}]
    req = fake_server.last()
    assert json.loads(req.headers["dropbox-api-path-root"]) == {".tag": "root", "root": "77"}
    assert req.json == {"query": "a", "options": {"filename_only": True, "max_results": 3}}


def test_move_error_and_unsupported(fake_server):
    fake_server.route("POST", "/2/files/move_v2", (409, {}, {"error_summary": "from_lookup/not_found/"}))
    items = output(run(fake_server, {"operation": "move", "path": "/a", "toPath": "/b"}, continue_on_fail=True))
    assert "error" in items[0]["json"]
    assert fake_server.last().json == {"from_path": "/a", "to_path": "/b"}
    assert "not supported yet" in error(run(fake_server, {"resource": "folder", "operation": "share"}))["message"]
