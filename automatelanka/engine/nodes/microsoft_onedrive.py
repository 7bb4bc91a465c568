"""Microsoft OneDrive (n8n-nodes-base.microsoftOneDrive v1, microsoftOneDriveTool v1) over Microsoft Graph.

Base: configured ``microsoft`` base URL, else https://graph.microsoft.com/v1.0; every request goes
to ``/me/drive/...`` with the microsoftOneDriveOAuth2Api token (refreshed once on 401).
File: copy (``{location}`` of the 202 answer), delete (``{success: true}``), download (the input
items with the file attached; falls back to ``@microsoft.graph.downloadUrl`` when ``/content``
fails), get, rename, search (files only, all pages), share (createLink), upload (binary or text,
``PUT /drive/items/<parent>:/<name>:/content``). Folder: create (``a/b/c`` creates nested folders),
delete, getChildren (all pages), rename, search (folders only), share. Everything of the node is
implemented; anything else fails with "not supported yet".
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from automatelanka.engine import binary
from automatelanka.engine.errors import NodeApiError, NodeError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._http import base_url, credential, find_error_message, request
from automatelanka.engine.nodes._rest import Api
from automatelanka.engine.nodes._svc import per_item, unsupported
from automatelanka.engine.nodes.base import NodeContext, register

DISPLAY = "Microsoft OneDrive"
CREDENTIAL = "microsoftOneDriveOAuth2Api"
GRAPH = "https://graph.microsoft.com/v1.0"


def encode_uri_component(text: str) -> str:
    """JavaScript's ``encodeURIComponent``."""
    return quote(text, safe="-_.!~*'()")


class _Drive:
    """Graph requests relative to ``/me`` (n8n's microsoftApiRequest of this node)."""

    def __init__(self, ctx: NodeContext) -> None:
        fields = credential(ctx, CREDENTIAL) or {}
        self.api = Api(ctx, f"{base_url(ctx, 'microsoft', GRAPH)}/me", CREDENTIAL, fields=fields)

    def call(self, method: str, path: str, i: int, body: Any = None, *, url: str | None = None,
             qs: dict[str, Any] | None = None) -> Any:
        return self.api.call(method, path, i, body=body or None, qs=qs or None, url=url)

    def all_items(self, path: str, i: int) -> list[Any]:
        """microsoftApiRequestAllItems: ``$top=100`` until a next link carries its own ``$top``."""
        query: dict[str, Any] = {"$top": 100}
        out: list[Any] = []
        next_link: str | None = None
        while True:
            page = self.call("GET", path, i, url=next_link, qs=query) or {}
            next_link = page.get("@odata.nextLink")
            if next_link is not None and "$top" in next_link:
                query.pop("$top", None)
            out.extend(page.get("value") or [])
            if next_link is None:
                return out


def _copy(ctx: NodeContext, drive: _Drive, i: int, item: dict[str, Any]) -> Any:
    fields = ctx.param("additionalFields", i, {}) or {}
    body: dict[str, Any] = {"parentReference": dict(ctx.param("parentReference", i, {}) or {})}
    if fields.get("name"):
        body["name"] = fields["name"]
    response = drive.api.response("POST", f"/drive/items/{ctx.param('fileId', i, '')}/copy", i, body=body)
    location = response.headers.get("location")
    return {} if location is None else {"location": location}


def _delete(name: str):
    def run(ctx: NodeContext, drive: _Drive, i: int, item: dict[str, Any]) -> Any:
        drive.call("DELETE", f"/drive/items/{ctx.param(name, i, '')}", i)
        return {"success": True}
    return run


def _search(kind: str):
    def run(ctx: NodeContext, drive: _Drive, i: int, item: dict[str, Any]) -> Any:
        rows = drive.all_items(f"/drive/root/search(q='{ctx.param('query', i, '')}')", i)
        return [row for row in rows if isinstance(row, dict) and _js_truthy(row.get(kind))]
    return run


def _js_truthy(value: Any) -> bool:
    """JavaScript truthiness (``{}`` and ``[]`` are true)."""
    if isinstance(value, dict | list):
        return True
    return bool(value)


def _share(name: str):
    def run(ctx: NodeContext, drive: _Drive, i: int, item: dict[str, Any]) -> Any:
        body = {"type": ctx.param("type", i, ""), "scope": ctx.param("scope", i, "")}
        return drive.call("POST", f"/drive/items/{ctx.param(name, i, '')}/createLink", i, body)
    return run


def _rename(ctx: NodeContext, drive: _Drive, i: int, item: dict[str, Any]) -> Any:
    return drive.call("PATCH", f"/drive/items/{ctx.param('itemId', i, '')}", i, {"name": ctx.param("newName", i, "")})


def _upload(ctx: NodeContext, drive: _Drive, i: int, item: dict[str, Any]) -> Any:
    parent = ctx.param("parentId", i, "")
    file_name = ctx.param("fileName", i, "")
    if ctx.param("binaryData", i, False):
        entry = binary.assert_binary(item, ctx.param("binaryPropertyName", 0, "data"), i)
        data = binary.binary_bytes(entry)
        encoded = "undefined"
        if file_name != "":
            encoded = encode_uri_component(str(file_name))
        if entry.get("fileName") is not None:
            encoded = encode_uri_component(str(entry["fileName"]))
        headers = {"Content-Length": str(len(data))}
        if entry.get("mimeType") is not None:
            headers["Content-Type"] = str(entry["mimeType"])
        response = drive.api.response("PUT", f"/drive/items/{parent}:/{encoded}:/content", i, content=data,
                                      headers=headers)
        try:
            return json.loads(response.text)
        except ValueError:
            raise NodeError(f"Unexpected token in JSON: {response.text[:50]!r}", item_index=i) from None
    text = ctx.param("fileContent", i, "")
    if file_name == "":
        raise NodeError("File name must be set!", item_index=i)
    path = f"/drive/items/{parent}:/{encode_uri_component(str(file_name))}:/content"
    kwargs: dict[str, Any] = {"content": str(text).encode()} if text != "" else {}
    return drive.api.call("PUT", path, i, headers={"Content-Type": "text/plain"}, **kwargs)


def _folder_create(ctx: NodeContext, drive: _Drive, i: int, item: dict[str, Any]) -> Any:
    names = [s for s in str(ctx.param("name", i, "")).split("/") if s.strip() != ""]
    parent = (ctx.param("options", i, {}) or {}).get("parentFolderId") or None
    response: Any = {}
    for name in names:
        endpoint = f"/drive/items/{parent}/children" if parent else "/drive/root/children"
        response = drive.call("POST", endpoint, i, {"name": name, "folder": {}})
        if not (isinstance(response, dict) and response.get("id")):
            break
        parent = response["id"]
    return response


_OPERATIONS = {
    ("file", "copy"): _copy,
    ("file", "delete"): _delete("fileId"),
    ("file", "get"): lambda ctx, drive, i, item: drive.call("GET", f"/drive/items/{ctx.param('fileId', i, '')}", i),
    ("file", "rename"): _rename,
    ("file", "search"): _search("file"),
    ("file", "share"): _share("fileId"),
    ("file", "upload"): _upload,
    ("folder", "create"): _folder_create,
    ("folder", "delete"): _delete("folderId"),
    ("folder", "getChildren"): lambda ctx, drive, i, item: drive.all_items(
        f"/drive/items/{ctx.param('folderId', i, '')}/children", i),
    ("folder", "rename"): _rename,
    ("folder", "search"): _search("folder"),
    ("folder", "share"): _share("folderId"),
}


def _download_one(ctx: NodeContext, drive: _Drive, i: int, item: dict[str, Any]) -> dict[str, Any]:
    file_id = ctx.param("fileId", i, "")
    prop = ctx.param("binaryPropertyName", i, "data")
    meta = drive.call("GET", f"/drive/items/{file_id}", i) or {}
    if not isinstance(meta, dict) or meta.get("file") is None:
        raise NodeApiError("The ID you provided does not belong to a file.", item_index=i,
                           description=find_error_message(meta) if isinstance(meta, dict) else None)
    mime = meta["file"].get("mimeType") or None
    download_url = meta.get("@microsoft.graph.downloadUrl")
    try:
        response = drive.api.response("GET", f"/drive/items/{file_id}/content", i)
    except NodeError:
        if not download_url:
            # n8n then reads ``headers``/``body`` of the item metadata and fails with a TypeError.
            if mime is None:
                raise NodeError("Cannot read properties of undefined (reading 'content-type')", item_index=i) from None
            raise NodeError('The first argument must be of type string or an instance of Buffer, ArrayBuffer, or '
                            'Array or an Array-like Object. Received undefined', item_index=i) from None
        response = request(ctx, "GET", download_url, item_index=i)
    if mime is None and response.headers.get("content-type"):
        mime = response.headers["content-type"]
    files = dict(item.get("binary") or {})
    files[prop] = binary.prepare_binary(response.content, meta.get("name"), mime)
    return {"json": item.get("json"), "binary": files, "pairedItem": {"item": i}}


def _download(ctx: NodeContext, drive: _Drive) -> list[dict[str, Any]]:
    """The input items with the files attached (an error item keeps the input's binary)."""
    out = []
    for i, item in enumerate(ctx.input(0)):
        try:
            out.append(_download_one(ctx, drive, i, item))
        except NodeError as exc:
            if not ctx.continue_on_fail:
                if exc.item_index is None:
                    exc.item_index = i
                raise
            failed: dict[str, Any] = {**item, "json": {"error": exc.message}, "pairedItem": {"item": i}}
            out.append(failed)
    return out


@register("n8n-nodes-base.microsoftOneDrive", versions=(1,), display_name=DISPLAY)
@register("n8n-nodes-base.microsoftOneDriveTool", versions=(1,), display_name=f"{DISPLAY} Tool")
def microsoft_onedrive(ctx: NodeContext) -> NodeOutput:
    resource = ctx.param("resource", 0, "file")
    operation = ctx.param("operation", 0, "getChildren" if resource == "folder" else "upload")
    if (resource, operation) == ("file", "download"):
        return [_download(ctx, _Drive(ctx))]
    handler = _OPERATIONS.get((resource, operation))
    if handler is None:
        raise unsupported(DISPLAY, resource, operation)
    drive = _Drive(ctx)
    return [per_item(ctx, lambda i, item: handler(ctx, drive, i, item))]
