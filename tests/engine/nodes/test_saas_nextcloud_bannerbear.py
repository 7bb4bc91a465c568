"""Nextcloud (WebDAV + OCS) and Bannerbear nodes against local fakes of their APIs."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import pytest
from fakes import FakeServer
from svc_harness import error, output, run_service


@pytest.fixture
def fake_server() -> Iterator[FakeServer]:
    """The fake server, also answering WebDAV methods (PROPFIND, MKCOL, COPY, MOVE)."""
    server = FakeServer()
    handler = server._server.RequestHandlerClass
    handler.do_PROPFIND = handler.do_MKCOL = handler.do_COPY = handler.do_MOVE = handler._handle
    with server:
        yield server


def run_node(node_type: str, parameters: dict[str, Any], *, credentials: dict[str, dict[str, Any]],
             sleeps: list[float] | None = None, **kw: Any) -> Any:
    """Start -> node ``N`` (``svc_harness.run_service``) with a recording fake sleep."""
    return run_service(node_type, 1, parameters, credentials=credentials,
                       sleeps=sleeps if sleeps is not None else [], **kw)


# -- Bannerbear -----------------------------------------------------------------------------------

BB = {"bannerbearApi": {"apiKey": "bb-key"}}


def bb(server, params, **kw):
    return run_node("n8n-nodes-base.bannerbear", params, credentials=BB, base_urls={"bannerbear": server.url}, **kw)


def _bb_auth(req) -> None:
    assert req.headers["authorization"] == "Bearer bb-key"
    assert req.headers["accept"] == "application/json"


def test_bannerbear_create_image_body(fake_server):
    image = {"uid": "img1", "status": "pending", "self": "https://api.bannerbear.com/v2/images/img1"}

    def create(req):
        _bb_auth(req)
        return 202, {}, image

    fake_server.route("POST", "/images", create)
    params = {"templateId": "tpl1",
              "modificationsUi": {"modificationsValues": [
                  {"name": "title", "text": "Hello", "imageUrl": ""},
                  {"name": "photo", "imageUrl": "https://x/p.png", "text": "", "color": "#fff"}]},
              "additionalFields": {"metadata": "row-7", "webhookUrl": "https://hook"}}
    sleeps: list[float] = []
    items = output(bb(fake_server, params, sleeps=sleeps))
    assert items == [{"json": image, "pairedItem": {"item": 0}}]
    assert sleeps == []
    assert fake_server.last().json == {
        "template": "tpl1", "webhook_url": "https://hook", "metadata": "row-7",
        "modifications": [{"name": "title", "text": "Hello"},
                          {"name": "photo", "color": "#fff", "image_url": "https://x/p.png"}]}


def test_bannerbear_wait_for_image_polls_until_completed(fake_server):
    states = iter(["pending", "completed"])
    fake_server.route("POST", "/images", (202, {}, {"uid": "img1", "status": "pending"}))

    def poll(req):
        _bb_auth(req)
        return 200, {}, {"uid": "img1", "status": next(states), "image_url": "https://cdn/img1.png"}

    fake_server.route("GET", "/images/img1", poll)
    sleeps: list[float] = []
    params = {"templateId": "tpl1", "modificationsUi": {"modificationsValues": [{"name": "t", "text": "x"}]},
              "additionalFields": {"waitForImage": True}}
    items = output(bb(fake_server, params, sleeps=sleeps))
    assert items == [{"json": {"uid": "img1", "status": "completed", "image_url": "https://cdn/img1.png"},
                      "pairedItem": {"item": 0}}]
    assert sleeps == [2.0, 2.0]
    assert [r.method for r in fake_server.requests] == ["POST", "GET", "GET"]


def test_bannerbear_wait_for_image_gives_up_after_max_tries(fake_server):
    fake_server.route("POST", "/images", (202, {}, {"uid": "img1", "status": "pending"}))
    fake_server.route("GET", "/images/img1", (200, {}, {"uid": "img1", "status": "pending"}))
    sleeps: list[float] = []
    params = {"templateId": "tpl1", "additionalFields": {"waitForImage": True, "waitForImageMaxTries": 4}}
    err = error(bb(fake_server, params, sleeps=sleeps))
    assert err["message"] == "Image did not finish processing after multiple tries."
    assert sleeps == [2.0] * 4
    assert fake_server.last().json is None  # created without modifications
    assert fake_server.requests[0].json == {"template": "tpl1"}


def test_bannerbear_already_completed_does_not_poll(fake_server):
    fake_server.route("POST", "/images", (200, {}, {"uid": "i", "status": "completed"}))
    sleeps: list[float] = []
    items = output(bb(fake_server, {"templateId": "t", "additionalFields": {"waitForImage": True}}, sleeps=sleeps))
    assert items[0]["json"] == {"uid": "i", "status": "completed"} and sleeps == []
    assert len(fake_server.requests) == 1


def test_bannerbear_image_get_and_templates(fake_server):
    fake_server.route("GET", "/images/abc", (200, {}, {"uid": "abc", "status": "completed"}))
    items = output(bb(fake_server, {"operation": "get", "imageId": "abc"}, items=[{"json": {}}, {"json": {}}]))
    assert items == [{"json": {"uid": "abc", "status": "completed"}, "pairedItem": {"item": 0}},
                     {"json": {"uid": "abc", "status": "completed"}, "pairedItem": {"item": 1}}]
    _bb_auth(fake_server.last())
    fake_server.route("GET", "/templates", (200, {}, [{"uid": "t1", "name": "A"}, {"uid": "t2", "name": "B"}]))
    items = output(bb(fake_server, {"resource": "template", "operation": "getAll"}))
    assert items == [{"json": {"uid": "t1", "name": "A"}, "pairedItem": {"item": 0}},
                     {"json": {"uid": "t2", "name": "B"}, "pairedItem": {"item": 0}}]
    fake_server.route("GET", "/templates/t1", (200, {}, {"uid": "t1", "name": "A"}))
    items = output(bb(fake_server, {"resource": "template", "templateId": "t1"}))
    assert items == [{"json": {"uid": "t1", "name": "A"}, "pairedItem": {"item": 0}}]


def test_bannerbear_api_error_and_continue_on_fail(fake_server):
    fake_server.route("POST", "/images", (401, {}, {"message": "Unauthorized: invalid API key"}))
    err = error(bb(fake_server, {"templateId": "t"}))
    assert err["message"] == "Authorization failed - please check your credentials"
    assert err["description"] == "Unauthorized: invalid API key"
    # no per-item handling in n8n's node: the input passes through under continue-on-fail
    task = bb(fake_server, {"templateId": "t"}, items=[{"json": {"row": 1}}], continue_on_fail=True).run_data["N"][-1]
    assert task["error"]["message"] == "Authorization failed - please check your credentials"
    assert task["data"]["main"][0] == [{"json": {"row": 1}, "pairedItem": {"item": 0}}]


def test_bannerbear_unsupported(fake_server):
    err = error(bb(fake_server, {"resource": "video", "operation": "create"}))
    assert err["message"] == "Bannerbear: operation 'video/create' is not supported yet"


# -- Nextcloud ------------------------------------------------------------------------------------

DAV = "/remote.php/webdav"


def nc_creds(server: FakeServer, suffix: str = DAV) -> dict[str, dict[str, Any]]:
    return {"nextCloudApi": {"webDavUrl": f"{server.url}{suffix}", "user": "alice", "password": "s3cret"}}


def nc(server, params, creds=None, **kw):
    return run_node("n8n-nodes-base.nextCloud", params, credentials=creds or nc_creds(server), **kw)


def _basic(req) -> None:
    assert req.headers["authorization"] == "Basic " + base64.b64encode(b"alice:s3cret").decode()


def _empty(status: int):
    def answer(req):
        _basic(req)
        return status, {}, b""
    return answer


def test_nextcloud_upload_text_and_binary(fake_server):
    fake_server.route("PUT", f"{DAV}/*", _empty(201))
    items = output(nc(fake_server, {"path": "docs/a b.txt", "fileContent": "hello"}))
    assert items == [{"json": {}, "pairedItem": {"item": 0}}]
    req = fake_server.last()
    assert req.path == f"{DAV}/docs/a%20b.txt" and req.body == b"hello"
    png = {"data": base64.b64encode(b"PNGDATA").decode(), "mimeType": "image/png", "fileName": "logo.png"}
    items = output(nc(fake_server, {"path": "/n8n/logo.png", "binaryDataUpload": True},
                      items=[{"json": {"k": 1}, "binary": {"data": png}}]))
    assert items == [{"json": {}, "pairedItem": {"item": 0}}]
    req = fake_server.last()
    assert req.path == f"{DAV}//n8n/logo.png" and req.body == b"PNGDATA"  # n8n joins with "/" as given


def test_nextcloud_upload_missing_binary_continue_on_fail(fake_server):
    items = output(nc(fake_server, {"path": "x.bin", "binaryDataUpload": True, "binaryPropertyName": "file"},
                      items=[{"json": {}}, {"json": {}, "binary": {"data": {"data": "", "mimeType": "a/b"}}}],
                      continue_on_fail=True))
    assert items == [{"json": {"error": "No binary data exists on item!"}, "pairedItem": {"item": 0}},
                     {"json": {"error": "The item has no binary field 'file' [item 1]"}, "pairedItem": {"item": 1}}]
    assert fake_server.requests == []


def test_nextcloud_download_attaches_file_to_input_item(fake_server):
    def get(req):
        _basic(req)
        return 200, {"Content-Type": "application/vnd.ms-excel"}, b"\xd0\xcf\x11XLS"

    fake_server.route("GET", f"{DAV}/examples/Problems.xls", get)
    items = output(nc(fake_server, {"path": "examples/Problems.xls", "operation": "download"},
                      items=[{"json": {"row": 1}}]))
    assert len(items) == 1 and items[0]["json"] == {"row": 1} and items[0]["pairedItem"] == {"item": 0}
    data = items[0]["binary"]["data"]
    assert data["fileName"] == "Problems.xls" and data["directory"] == "examples"
    assert data["mimeType"] == "application/vnd.ms-excel" and base64.b64decode(data["data"]) == b"\xd0\xcf\x11XLS"


def test_nextcloud_download_error_keeps_item_under_continue_on_fail(fake_server):
    fake_server.route("GET", f"{DAV}/missing.txt", (404, {"Content-Type": "application/xml"},
                                                   "<d:error><s:message>File not found</s:message></d:error>"))
    items = output(nc(fake_server, {"path": "missing.txt", "operation": "download"}, items=[{"json": {"row": 1}}],
                      continue_on_fail=True))
    assert items == [{"json": {"error": "The resource you are requesting could not be found"},
                      "pairedItem": {"item": 0}}]
    err = error(nc(fake_server, {"path": "missing.txt", "operation": "download"}))
    assert err["message"] == "The resource you are requesting could not be found"


PROPFIND_ANSWER = """<?xml version="1.0"?>
<d:multistatus xmlns:d="DAV:" xmlns:s="http://sabredav.org/ns" xmlns:oc="http://owncloud.org/ns">
 <d:response>
  <d:href>/remote.php/webdav/n8n/</d:href>
  <d:propstat><d:prop><d:getlastmodified>Mon, 01 Jan 2024 10:00:00 GMT</d:getlastmodified>
   <d:resourcetype><d:collection/></d:resourcetype><d:getetag>&quot;f0&quot;</d:getetag></d:prop>
   <d:status>HTTP/1.1 200 OK</d:status></d:propstat>
 </d:response>
 <d:response>
  <d:href>/remote.php/webdav/n8n/logo%20v2.png</d:href>
  <d:propstat><d:prop><d:getlastmodified>Tue, 02 Jan 2024 11:00:00 GMT</d:getlastmodified>
   <d:getcontentlength>2048</d:getcontentlength><d:resourcetype/>
   <d:getetag>&quot;e1&quot;</d:getetag><d:getcontenttype>image/png</d:getcontenttype></d:prop>
   <d:status>HTTP/1.1 200 OK</d:status></d:propstat>
 </d:response>
 <d:response>
  <d:href>/remote.php/webdav/n8n/sub/</d:href>
  <d:propstat><d:prop><d:getlastmodified>Wed, 03 Jan 2024 12:00:00 GMT</d:getlastmodified>
   <d:resourcetype><d:collection/></d:resourcetype><d:getetag>&quot;d2&quot;</d:getetag></d:prop>
   <d:status>HTTP/1.1 200 OK</d:status></d:propstat>
  <d:propstat><d:prop><d:getcontentlength/></d:prop><d:status>HTTP/1.1 404 Not Found</d:status></d:propstat>
 </d:response>
</d:multistatus>
"""


def test_nextcloud_folder_list_and_create(fake_server):
    def propfind(req):
        _basic(req)
        return 207, {"Content-Type": "application/xml; charset=utf-8"}, PROPFIND_ANSWER

    fake_server.route("PROPFIND", f"{DAV}/n8n", propfind)
    items = output(nc(fake_server, {"path": "n8n", "resource": "folder", "operation": "list"}))
    assert items == [
        {"json": {"path": "n8n/logo%20v2.png", "lastModified": "Tue, 02 Jan 2024 11:00:00 GMT",
                  "contentLength": "2048", "contentType": "image/png", "type": "file", "eTag": "e1"},
         "pairedItem": {"item": 0}},
        {"json": {"path": "n8n/sub/", "lastModified": "Wed, 03 Jan 2024 12:00:00 GMT", "type": "folder",
                  "eTag": "d2"}, "pairedItem": {"item": 0}}]
    fake_server.route("MKCOL", f"{DAV}/n8n/new", _empty(201))
    items = output(nc(fake_server, {"path": "n8n/new", "resource": "folder"}))
    assert items == [{"json": {}, "pairedItem": {"item": 0}}]
    assert fake_server.last().method == "MKCOL"


def test_nextcloud_folder_list_only_the_folder_itself(fake_server):
    one = PROPFIND_ANSWER.split(" <d:response>\n  <d:href>/remote.php/webdav/n8n/logo")[0] + "</d:multistatus>"
    fake_server.route("PROPFIND", f"{DAV}/n8n", (207, {"Content-Type": "application/xml"}, one))
    assert output(nc(fake_server, {"path": "n8n", "resource": "folder", "operation": "list"})) == []


def test_nextcloud_move_copy_delete(fake_server):
    fake_server.route("MOVE", f"{DAV}/*", _empty(201))
    items = output(nc(fake_server, {"operation": "move", "path": "a/ü 1.txt", "toPath": "b/ü 1.txt"}))
    assert items == [{"json": {}, "pairedItem": {"item": 0}}]
    req = fake_server.last()
    assert req.path == f"{DAV}/a/%C3%BC%201.txt"
    assert req.headers["destination"] == f"{fake_server.url}{DAV}/b/%C3%BC%201.txt"
    fake_server.route("COPY", f"{DAV}/*", _empty(201))
    output(nc(fake_server, {"resource": "folder", "operation": "copy", "path": "a", "toPath": "c"}))
    assert fake_server.last().method == "COPY" and fake_server.last().headers["destination"].endswith(f"{DAV}/c")
    fake_server.route("DELETE", f"{DAV}/a", _empty(204))
    items = output(nc(fake_server, {"resource": "folder", "operation": "delete", "path": "a"}))
    assert items == [{"json": {}, "pairedItem": {"item": 0}}]


def test_nextcloud_fatal_error_answer(fake_server):
    fake_server.route("DELETE", f"{DAV}/a", (200, {"Content-Type": "text/html"}, "<br />\n<b>Fatal error</b>: boom"))
    err = error(nc(fake_server, {"operation": "delete", "path": "a"}))
    assert err["message"] == "NextCloud responded with a 'Fatal error', check description for more details"
    assert err["description"] == "Server response:\n<br />\n<b>Fatal error</b>: boom"


def _ocs(status: str, data: str, message: str = "OK") -> str:
    return (f'<?xml version="1.0"?>\n<ocs>\n <meta>\n  <status>{status}</status>\n  <statuscode>100</statuscode>\n'
            f"  <message>{message}</message>\n  <totalitems></totalitems>\n  <itemsperpage></itemsperpage>\n"
            f" </meta>\n <data>{data}</data>\n</ocs>\n")


def _ocs_request(req) -> None:
    _basic(req)
    assert req.headers["ocs-apirequest"] == "true"
    assert req.headers["content-type"] == "application/x-www-form-urlencoded"


def test_nextcloud_file_share(fake_server):
    def share(req):
        _ocs_request(req)
        return 200, {"Content-Type": "text/xml"}, _ocs("ok", "<id>12</id><share_type>3</share_type>"
                                                             "<url>https://nc/s/AbC</url>")

    fake_server.route("POST", "/ocs/v2.php/apps/files_sharing/api/v1/shares", share)
    params = {"operation": "share", "path": "/docs/a b.pdf", "shareType": 3,
              "options": {"password": "p&w d", "permissions": 1}}
    items = output(nc(fake_server, params))
    assert items == [{"json": {"id": "12", "share_type": "3", "url": "https://nc/s/AbC"}, "pairedItem": {"item": 0}}]
    assert fake_server.last().text == "password=p%26w+d&permissions=1&path=%2Fdocs%2Fa+b.pdf&shareType=3"
    # folder share keeps /remote.php/webdav in the URL, as n8n does
    fake_server.route("POST", f"{DAV}/ocs/v2.php/apps/files_sharing/api/v1/shares", share)
    output(nc(fake_server, {"resource": "folder", "operation": "share", "path": "d", "shareType": 0, "user": "bob"}))
    assert fake_server.last().path == f"{DAV}/ocs/v2.php/apps/files_sharing/api/v1/shares"
    assert fake_server.last().form == {"path": ["d"], "shareType": ["0"], "shareWith": ["bob"]}


def test_nextcloud_user_create_get_delete_update(fake_server):
    def create(req):
        _ocs_request(req)
        return 200, {"Content-Type": "text/xml"}, _ocs("ok", "<id>bob</id>")

    fake_server.route("POST", "/ocs/v1.php/cloud/users", create)
    params = {"resource": "user", "userId": "bob", "email": "bob@x.io", "additionalFields": {"displayName": "Bob"}}
    assert output(nc(fake_server, params)) == [{"json": {"id": "bob"}, "pairedItem": {"item": 0}}]
    assert fake_server.last().text == "userid=bob&email=bob@x.io&displayName=Bob"

    user = "<enabled>1</enabled><id>bob</id><quota><free>10</free><used>2</used></quota>" \
           "<email>bob@x.io</email><groups><element>admin</element><element>dev</element></groups>"
    fake_server.route("GET", f"{DAV}/ocs/v1.php/cloud/users/bob", (200, {}, _ocs("ok", user)))
    items = output(nc(fake_server, {"resource": "user", "operation": "get", "userId": "bob"}))
    assert items == [{"json": {"enabled": "1", "id": "bob", "quota": {"free": "10", "used": "2"},
                               "email": "bob@x.io", "groups": {"element": ["admin", "dev"]}},
                      "pairedItem": {"item": 0}}]
    _ocs_request(fake_server.last())

    meta = {"status": "ok", "statuscode": "100", "message": "OK", "totalitems": "", "itemsperpage": ""}
    fake_server.route("DELETE", f"{DAV}/ocs/v1.php/cloud/users/bob", (200, {}, _ocs("ok", "")))
    items = output(nc(fake_server, {"resource": "user", "operation": "delete", "userId": "bob"}))
    assert items == [{"json": meta, "pairedItem": {"item": 0}}]

    fake_server.route("PUT", f"{DAV}/ocs/v1.php/cloud/users/bob", (200, {}, _ocs("ok", "")))
    params = {"resource": "user", "operation": "update", "userId": "bob",
              "updateFields": {"field": {"key": "email", "value": "new@x.io"}}}
    assert output(nc(fake_server, params)) == [{"json": meta, "pairedItem": {"item": 0}}]
    assert fake_server.last().text == "key=email&value=new@x.io"


def test_nextcloud_user_get_all_limit_and_return_all(fake_server):
    def users(req):
        _ocs_request(req)
        names = ["ann", "bob"] if req.arg("limit") is None else ["ann"]
        return 200, {}, _ocs("ok", "<users>" + "".join(f"<element>{n}</element>" for n in names) + "</users>")

    fake_server.route("GET", f"{DAV}/ocs/v1.php/cloud/users", users)
    items = output(nc(fake_server, {"resource": "user", "operation": "getAll", "limit": 1,
                                   "options": {"search": "a"}}))
    assert items == [{"json": {"id": "ann"}, "pairedItem": {"item": 0}}]
    assert fake_server.last().query == {"search": ["a"], "limit": ["1"]}
    items = output(nc(fake_server, {"resource": "user", "operation": "getAll", "returnAll": True}))
    assert [it["json"] for it in items] == [{"id": "ann"}, {"id": "bob"}]
    assert fake_server.last().query == {}


def test_nextcloud_ocs_failure_status(fake_server):
    fake_server.route("POST", "/ocs/v1.php/cloud/users", (200, {}, _ocs("failure", "", "User already exists")))
    params = {"resource": "user", "userId": "bob", "email": "b@x.io"}
    err = error(nc(fake_server, params))
    assert err["message"] == "There was an unknown issue while executing the node"
    items = output(nc(fake_server, params, continue_on_fail=True))
    assert items == [{"json": {"error": "There was an unknown issue while executing the node"},
                      "pairedItem": {"item": 0}}]


def test_nextcloud_oauth2_and_missing_credential(fake_server):
    fake_server.route("MKCOL", f"{DAV}/x", (201, {}, b""))
    creds = {"nextCloudOAuth2Api": {"webDavUrl": f"{fake_server.url}{DAV}",
                                    "oauthTokenData": {"access_token": "tok"}}}
    output(nc(fake_server, {"authentication": "oAuth2", "resource": "folder", "path": "x"}, creds=creds))
    assert fake_server.last().headers["authorization"] == "Bearer tok"
    err = error(run_node("n8n-nodes-base.nextCloud", {"path": "x"}, credentials={}))
    assert "nextCloudApi" in err["message"]


def test_nextcloud_unsupported(fake_server):
    err = error(nc(fake_server, {"resource": "folder", "operation": "download"}))
    assert err["message"] == "Nextcloud: operation 'folder/download' is not supported yet"
