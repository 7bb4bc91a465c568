"""Dropbox (n8n-nodes-base.dropbox v1, dropboxTool) over the Dropbox API v2.

Bases: configured ``dropbox`` (RPC, default https://api.dropboxapi.com) and ``dropboxContent``
(uploads/downloads, default https://content.dropboxapi.com, else the ``dropbox`` override).
Auth: dropboxApi bearer ``accessToken`` or dropboxOAuth2Api; with ``accessType: full`` the root
namespace is read first and sent as ``Dropbox-API-Path-Root`` as n8n does.
Implemented: file upload/download, file/folder copy/move/delete, folder create/list, search
query (simple output). Download returns the input items with the file attached.
"""

from __future__ import annotations

import json
from typing import Any

from automatelanka.engine import binary
from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._http import credential
from automatelanka.engine.nodes._rest import Api
from automatelanka.engine.nodes._svc import binary_bytes, json_array
from automatelanka.engine.nodes.base import NodeContext, register

DISPLAY = "Dropbox"
_LIST_NAMES = {"id": "id", "name": "name", "client_modified": "lastModifiedClient",
               "server_modified": "lastModifiedServer", "rev": "rev", "size": "contentSize", ".tag": "type",
               "content_hash": "contentHash", "path_lower": "pathLower", "path_display": "pathDisplay",
               "has_explicit_shared_members": "hasExplicitSharedMembers", "is_downloadable": "isDownloadable"}
_CONTINUE = {"folder": "/2/files/list_folder/continue", "search": "/2/files/search/continue_v2"}


class _Dropbox:
    def __init__(self, ctx: NodeContext) -> None:
        token = ctx.param("authentication", 0, "accessToken") == "accessToken"
        kind = "dropboxApi" if token else "dropboxOAuth2Api"
        fields = credential(ctx, kind) or {}
        configured = ctx.state.services.base_urls
        api_base = (configured.get("dropbox") or "https://api.dropboxapi.com").rstrip("/")
        self.content_base = (configured.get("dropboxContent") or configured.get("dropbox")
                             or "https://content.dropboxapi.com").rstrip("/")
        if token:
            self.api = Api(ctx, api_base, fields=fields, auth={"bearer": str(fields.get("accessToken") or "")})
        else:
            self.api = Api(ctx, api_base, kind, fields=fields)
        self.headers: dict[str, str] = {}
        if fields.get("accessType") == "full":
            account = self.api.call("POST", "/2/users/get_current_account", 0) or {}
            root = (account.get("root_info") or {}).get("root_namespace_id")
            self.headers["dropbox-api-path-root"] = json.dumps({".tag": "root", "root": root}, separators=(",", ":"))

    def rpc(self, path: str, i: int, body: dict[str, Any]) -> Any:
        return self.api.call("POST", path, i, body=body or None, headers=self.headers)

    def content(self, path: str, i: int, arg: dict[str, Any], data: bytes | None = None) -> Any:
        headers = dict(self.headers)
        kwargs: dict[str, Any] = {}
        if data is not None:
            headers["Content-Type"] = "application/octet-stream"
            kwargs["content"] = data
        return self.api.response("POST", "", i, url=f"{self.content_base}{path}", headers=headers,
                                 qs={"arg": json.dumps(arg, separators=(",", ":"), ensure_ascii=False)}, **kwargs)

    def all_items(self, resource: str, prop: str, path: str, i: int, body: dict[str, Any]) -> list[Any]:
        out: list[Any] = []
        while True:
            page = self.rpc(path, i, body) or {}
            if page.get("cursor") is not None:
                path, body = _CONTINUE[resource], {"cursor": page["cursor"]}
            out.extend(page.get(prop) or [])
            if page.get("has_more") is False:
                return out


def simplify(matches: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """n8n's simplify for search matches: metadata of the tagged kind merged into the match."""
    out = []
    for element in matches:
        element = dict(element)
        meta = element.pop("metadata", None) or {}
        element.update(meta.get(meta.get(".tag")) or {})
        tag = element.get("match_type")
        if isinstance(tag, dict) and tag.get(".tag"):
            element["match_type"] = tag[".tag"]
        out.append(element)
    return out


def _one(db: _Dropbox, ctx: NodeContext, resource: str, operation: str, i: int, item: dict[str, Any]) -> Any:
    p = ctx.param
    if resource == "file" and operation == "upload":
        if p("binaryData", i, False):
            data, _meta = binary_bytes(item, p("binaryPropertyName", i, "data"), i)
        else:
            data = str(p("fileContent", i, "")).encode()
        response = db.content("/2/files/upload", i, {"mode": "overwrite", "path": p("path", i, "")}, data)
        return json.loads(response.text)
    if resource == "folder" and operation == "create":
        return db.rpc("/2/files/create_folder_v2", i, {"path": p("path", i, "")})
    if resource == "folder" and operation == "list":
        return_all = p("returnAll", 0, False)
        body = {"path": p("path", i, ""), "limit": 1000 if return_all else p("limit", 0, 100),
                **(p("filters", i, {}) or {})}
        rows = (db.all_items("folder", "entries", "/2/files/list_folder", i, body) if return_all
                else (db.rpc("/2/files/list_folder", i, body) or {}).get("entries") or [])
        return [{target: row[source] for source, target in _LIST_NAMES.items() if source in row} for row in rows]
    if resource == "search" and operation == "query":
        return_all = p("returnAll", 0, False)
        filters = dict(p("filters", i, {}) or {})
        if filters.get("file_extensions"):
            filters["file_extensions"] = str(filters["file_extensions"]).split(",")
        body = {"query": p("query", i, ""), "options": {"filename_only": True, **filters}}
        if not return_all:
            body["options"]["max_results"] = p("limit", i, 100)
        rows = (db.all_items("search", "matches", "/2/files/search_v2", i, body) if return_all
                else (db.rpc("/2/files/search_v2", i, body) or {}).get("matches"))
        return simplify(rows or []) if p("simple", 0, True) else rows
    if resource in ("file", "folder", "search"):
        if operation in ("copy", "move"):
            return db.rpc(f"/2/files/{operation}_v2", i, {"from_path": p("path", i, ""), "to_path": p("toPath", i, "")})
        if operation == "delete":
            return db.rpc("/2/files/delete_v2", i, {"path": p("path", i, "")})
    raise NodeError(f"{DISPLAY}: operation '{resource}/{operation}' is not supported yet")


def _download(db: _Dropbox, ctx: NodeContext) -> list[dict[str, Any]]:
    out = []
    for i, item in enumerate(ctx.input(0)):
        new_item: dict[str, Any] = {"json": item.get("json"), "binary": dict(item.get("binary") or {}),
                                    "pairedItem": {"item": i}}
        try:
            path = ctx.param("path", i, "")
            response = db.content("/2/files/download", i, {"path": path})
            new_item["binary"][ctx.param("binaryPropertyName", i, "data")] = binary.prepare_binary(response.content,
                                                                                                  path)
        except NodeError as exc:
            if not ctx.continue_on_fail:
                if exc.item_index is None:
                    exc.item_index = i
                raise
            new_item = {**item, "json": {"error": exc.message}}
        out.append(new_item)
    return out


@register("n8n-nodes-base.dropbox", versions=(1,), display_name="Dropbox")
@register("n8n-nodes-base.dropboxTool", versions=(1,), display_name="Dropbox Tool")
def dropbox(ctx: NodeContext) -> NodeOutput:
    resource = ctx.param("resource", 0, "file")
    operation = ctx.param("operation", 0, {"folder": "create", "search": "query"}.get(resource, "upload"))
    known = {("file", "upload"), ("file", "download"), ("folder", "create"), ("folder", "list"),
             ("search", "query")} | {(r, o) for r in ("file", "folder") for o in ("copy", "move", "delete")}
    if (resource, operation) not in known:
        raise NodeError(f"{DISPLAY}: operation '{resource}/{operation}' is not supported yet")
    db = _Dropbox(ctx)
    if (resource, operation) == ("file", "download"):
        return [_download(db, ctx)]
    out: list[dict[str, Any]] = []
    for i, item in enumerate(ctx.input(0)):
        try:
            result = _one(db, ctx, resource, operation, i, item)
        except NodeError as exc:
            if ctx.continue_on_fail:
                out.append({"json": {"error": exc.message}})
                continue
            if exc.item_index is None:
                exc.item_index = i
            raise
        for row in json_array(result):
            row.setdefault("pairedItem", {"item": i})
            out.append(row)
    return [out]
