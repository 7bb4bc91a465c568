"""Nextcloud (n8n-nodes-base.nextCloud v1, nextCloudTool): files over WebDAV, users and shares over OCS.

Requests go to ``<webDavUrl>/<encodeURI(path)>`` of the credential, as n8n builds them: nextCloudApi
(basic ``user``/``password``, ``authentication: accessToken``, the default) or nextCloudOAuth2Api.
Implemented, all of n8n's node:

- file upload (text ``fileContent`` or a binary property, ``PUT``), download (``GET``; the input
  items come back with the file attached under ``binaryPropertyName``);
- folder create (``MKCOL``), list (``PROPFIND``; the multistatus XML is read with xml2js'
  shapes and each entry but the first becomes ``{path, lastModified, contentLength, contentType,
  type, eTag}`` with ``path`` the href minus its first 19 characters, as n8n does);
- file/folder copy/move (``Destination`` header), delete, share (OCS shares API, form body;
  only file share drops ``/remote.php/webdav`` from the URL, as in n8n);
- user create/delete/get/getAll/update (OCS v1; only create drops ``/remote.php/webdav``). OCS
  answers are XML: ``ocs.data`` (``ocs.meta`` for delete/update) becomes the item; a ``meta.status``
  other than ``ok`` fails as n8n's NodeApiError built from a bare string does ("There was an unknown
  issue while executing the node").

An answer containing ``<b>Fatal error</b>`` fails with n8n's message. Divergence: WebDAV calls that
answer with an empty body (upload, create, delete, copy, move) give ``{}`` where n8n's item has an
undefined ``json``; a non-empty text answer to them (n8n: the text as ``json``) also gives ``{}``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, quote_plus

from automatelanka.engine import binary
from automatelanka.engine.errors import NodeApiError, NodeError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._http import credential
from automatelanka.engine.nodes._rest import Api
from automatelanka.engine.nodes._svc import binary_bytes, unsupported
from automatelanka.engine.nodes.base import NodeContext, register
from automatelanka.engine.nodes.xml import xml_to_json
from automatelanka.engine.schemas.jsvalue import to_js_string

DISPLAY = "Nextcloud"
UNKNOWN_ERROR_MESSAGE = "There was an unknown issue while executing the node"
UNKNOWN_ERROR_DESCRIPTION = ("Double-check the node configuration and the service it connects to. Check the error "
                             "details below and refer to the <a href=\"https://docs.n8n.io\" target=\"_blank\">n8n "
                             "documentation</a> to troubleshoot the issue.")
_OPERATIONS = {
    "file": ("upload", "download", "copy", "move", "delete", "share"),
    "folder": ("create", "list", "copy", "move", "delete", "share"),
    "user": ("create", "delete", "get", "getAll", "update"),
}
_DEFAULT_OPERATION = {"file": "upload", "folder": "create", "user": "create"}
_LIST_PROPS = {"d:getlastmodified": "lastModified", "d:getcontentlength": "contentLength",
               "d:getcontenttype": "contentType"}
_OCS_HEADERS = {"OCS-APIRequest": "true", "Content-Type": "application/x-www-form-urlencoded"}
#: ``shareType`` -> the parameter holding ``shareWith``
_SHARE_WITH = {0: "user", 7: "circleId", 4: "email", 1: "groupId"}


def encode_uri(text: str) -> str:
    """JavaScript's ``encodeURI``."""
    return quote(text, safe=";,/?:@&=+$-_.!~*'()#")


def url_search_params(params: dict[str, Any]) -> str:
    """``new URLSearchParams(object).toString()``."""
    def enc(value: Any) -> str:
        return quote_plus(to_js_string(value), safe="*").replace("~", "%7E")
    return "&".join(f"{enc(key)}={enc(value)}" for key, value in params.items())


class _Request:
    """What one item sends: method, endpoint, body, extra headers, query."""

    def __init__(self, method: str, endpoint: str, body: str | bytes = "", headers: dict[str, str] | None = None,
                 qs: dict[str, Any] | None = None) -> None:
        self.method, self.endpoint, self.body = method, endpoint, body
        self.headers = dict(headers or {})
        self.qs = qs


class _NextCloud:
    def __init__(self, ctx: NodeContext, resource: str, operation: str) -> None:
        self.ctx, self.resource, self.operation = ctx, resource, operation
        token = ctx.param("authentication", 0, "accessToken") == "accessToken"
        kind = "nextCloudApi" if token else "nextCloudOAuth2Api"
        self.fields = credential(ctx, kind) or {}
        self.web_dav_url = str(self.fields.get("webDavUrl") or "")
        if token:
            auth = {"basic": (self.fields.get("user"), self.fields.get("password"))}
            self.api = Api(ctx, self.web_dav_url or "http://localhost", fields=self.fields, auth=auth)
        else:
            self.api = Api(ctx, self.web_dav_url or "http://localhost", kind, fields=self.fields)

    # -- building the request -------------------------------------------------------------------

    def destination(self, i: int) -> dict[str, str]:
        return {"Destination": f"{self.web_dav_url}/{encode_uri(str(self.ctx.param('toPath', i, '')))}"}

    def build(self, i: int, item: dict[str, Any]) -> _Request:
        p, op = self.ctx.param, self.operation
        if self.resource == "user":
            return self.build_user(i)
        path = str(p("path", i, ""))
        if op == "upload":
            if p("binaryDataUpload", i, False) is True:
                data, _meta = binary_bytes(item, p("binaryPropertyName", i, "data"), i)
                return _Request("PUT", path, data)
            return _Request("PUT", path, to_js_string(p("fileContent", i, "")))
        simple = {"download": ("GET", {}), "create": ("MKCOL", {}), "list": ("PROPFIND", {}),
                  "delete": ("DELETE", {})}
        if op in simple:
            method, headers = simple[op]
            return _Request(method, path, headers=headers)
        if op in ("copy", "move"):
            return _Request(op.upper(), path, headers=self.destination(i))
        return self.build_share(i, path)

    def build_share(self, i: int, path: str) -> _Request:
        p = self.ctx.param
        params = dict(p("options", i, {}) or {})
        params["path"] = path
        share_type = p("shareType", i, 0)
        params["shareType"] = share_type
        numeric = isinstance(share_type, int | float) and not isinstance(share_type, bool)
        with_param = _SHARE_WITH.get(share_type) if numeric else None  # n8n compares with ===
        if with_param:
            params["shareWith"] = p(with_param, i, "")
        return _Request("POST", "ocs/v2.php/apps/files_sharing/api/v1/shares", url_search_params(params),
                        _OCS_HEADERS)

    def build_user(self, i: int) -> _Request:
        p, op = self.ctx.param, self.operation
        if op == "create":
            body = f"userid={to_js_string(p('userId', i, ''))}&email={to_js_string(p('email', i, ''))}"
            fields = p("additionalFields", i, {}) or {}
            if fields.get("displayName"):
                body += f"&displayName={to_js_string(fields['displayName'])}"
            return _Request("POST", "ocs/v1.php/cloud/users", body, _OCS_HEADERS)
        if op == "getAll":
            qs = dict(p("options", i, {}) or {})
            if not p("returnAll", i, False):
                qs["limit"] = p("limit", i, 50)
            return _Request("GET", "ocs/v1.php/cloud/users", headers=_OCS_HEADERS, qs=qs)
        endpoint = f"ocs/v1.php/cloud/users/{to_js_string(p('userId', i, ''))}"
        if op == "update":
            field = (p("updateFields", i, {}) or {}).get("field")
            if not isinstance(field, dict):
                raise NodeError("Cannot convert undefined or null to object", item_index=i)
            body = "&".join(f"{key}={to_js_string(value)}" for key, value in field.items())
            return _Request("PUT", endpoint, body, _OCS_HEADERS)
        return _Request("DELETE" if op == "delete" else "GET", endpoint, headers=_OCS_HEADERS)

    # -- sending and reading ----------------------------------------------------------------------

    def send(self, req: _Request, i: int) -> bytes:
        url = f"{self.web_dav_url}/{encode_uri(req.endpoint)}"
        if (self.resource, self.operation) in (("user", "create"), ("file", "share")):
            url = url.replace("/remote.php/webdav", "", 1)
        kwargs: dict[str, Any] = {}
        if req.body:
            kwargs["content"] = req.body.encode() if isinstance(req.body, str) else req.body
        response = self.api.response(req.method, "", i, url=url, qs=req.qs, headers=req.headers, **kwargs)
        if (self.resource, self.operation) != ("file", "download") and response.content \
                and "<b>Fatal error</b>" in response.text:
            raise NodeError("NextCloud responded with a 'Fatal error', check description for more details",
                            description=f"Server response:\n{response.text}", item_index=i)
        return response.content

    def run(self, i: int, item: dict[str, Any]) -> list[dict[str, Any]] | dict[str, Any]:
        """The output of item ``i``: result items, or (download) the item with its file."""
        req = self.build(i, item)
        content = self.send(req, i)
        if self.operation == "download":
            out: dict[str, Any] = {"json": item.get("json"), "pairedItem": {"item": i},
                                   "binary": dict(item.get("binary") or {})}
            prop = self.ctx.param("binaryPropertyName", i, "data")
            out["binary"][prop] = binary.prepare_binary(content, req.endpoint)
            return out
        if self.operation == "share":
            return _paired(self.ocs(content, i, "data"), i)
        if self.resource == "user":
            if self.operation == "getAll":
                return [{"json": {"id": user}, "pairedItem": {"item": i}} for user in self.user_ids(content, i)]
            return _paired(self.ocs(content, i, "meta" if self.operation in ("delete", "update") else "data"), i)
        if self.operation == "list":
            return [{"json": row, "pairedItem": {"item": i}} for row in list_entries(_parse(content))]
        return [{"json": {}, "pairedItem": {"item": i}}]

    def ocs(self, content: bytes, i: int, part: str) -> Any:
        ocs = _ocs(_parse(content))
        meta = ocs.get("meta") if isinstance(ocs.get("meta"), dict) else {}
        if meta.get("status") != "ok":
            raise NodeApiError(UNKNOWN_ERROR_MESSAGE, description=UNKNOWN_ERROR_DESCRIPTION, item_index=i)
        return ocs.get(part)

    def user_ids(self, content: bytes, i: int) -> list[Any]:
        data = self.ocs(content, i, "data")
        users = data.get("users") if isinstance(data, dict) else None
        element = users.get("element") if isinstance(users, dict) else None
        if element is None:
            raise NodeError("Cannot read properties of undefined (reading 'forEach')", item_index=i)
        return [element] if not isinstance(element, list) else element


def _parse(content: bytes) -> dict[str, Any]:
    """xml2js ``parseString`` with n8n's options here (explicitArray false, attributes under ``$``)."""
    return xml_to_json(content.decode("utf-8", "replace"), {"mergeAttrs": False})


def _ocs(data: dict[str, Any]) -> dict[str, Any]:
    ocs = data.get("ocs")
    if not isinstance(ocs, dict):
        raise NodeError("Cannot read properties of undefined (reading 'meta')")
    return ocs


def _paired(data: Any, i: int) -> list[dict[str, Any]]:
    """``constructExecutionMetaData(wrapData(data), {itemData: {item: i}})``."""
    rows = data if isinstance(data, list) else [data]
    return [{"json": row if isinstance(row, dict) else {}, "pairedItem": {"item": i}} for row in rows]


def list_entries(data: dict[str, Any]) -> list[dict[str, Any]]:
    """n8n's reading of a PROPFIND multistatus: every response but the first (the folder itself)."""
    multistatus = data.get("d:multistatus")
    responses = multistatus.get("d:response") if isinstance(multistatus, dict) else None
    if not isinstance(responses, list):
        return []
    out = []
    for entry in responses[1:]:
        entry = entry if isinstance(entry, dict) else {}
        row: dict[str, Any] = {"path": str(entry.get("d:href", ""))[19:]}
        propstat = entry.get("d:propstat")
        first = propstat[0] if isinstance(propstat, list) else propstat
        props = first.get("d:prop") if isinstance(first, dict) else None
        props = props if isinstance(props, dict) else {}
        for name, key in _LIST_PROPS.items():
            if name in props:
                row[key] = props[name]
        row["type"] = "file" if props.get("d:resourcetype") == "" else "folder"
        etag = props.get("d:getetag")
        if etag is None:
            raise NodeError("Cannot read properties of undefined (reading 'slice')")
        row["eTag"] = str(etag)[1:-1]
        out.append(row)
    return out


@register("n8n-nodes-base.nextCloud", versions=(1,), display_name="Nextcloud")
@register("n8n-nodes-base.nextCloudTool", versions=(1,), display_name="Nextcloud Tool")
def nextcloud(ctx: NodeContext) -> NodeOutput:
    resource = ctx.param("resource", 0, "file")
    operation = ctx.param("operation", 0, _DEFAULT_OPERATION.get(resource, ""))
    if operation not in _OPERATIONS.get(resource, ()):
        raise unsupported(DISPLAY, resource, operation)
    node = _NextCloud(ctx, resource, operation)
    items = [dict(item) for item in ctx.input(0)]
    out: list[dict[str, Any]] = []
    for i, item in enumerate(items):
        try:
            result = node.run(i, item)
        except NodeError as exc:
            if not ctx.continue_on_fail:
                if exc.item_index is None:
                    exc.item_index = i
                raise
            if operation == "download":
                items[i] = {**item, "json": {"error": exc.message}}
            else:
                out.append({"json": {"error": exc.message}, "pairedItem": {"item": i}})
            continue
        if operation == "download":
            items[i] = result if isinstance(result, dict) else item
        else:
            out.extend(result if isinstance(result, list) else [result])
    return [items if operation == "download" else out]
