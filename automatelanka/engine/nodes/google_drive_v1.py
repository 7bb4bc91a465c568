"""Google Drive v1 and v2 (n8n's GoogleDriveV1 node, Drive API v3 paths).

file: copy, delete, download (binary added to the input item), list (v1: only the first item's
results, as n8n returns early), share, update, upload (media upload, then a PATCH with the
metadata and parents); folder: create, delete, share; drive: create, delete, get, list, update.
``options.fields`` picks the returned fields (default ``id, name``). v1 authenticates with a
service account by default, v2 with OAuth2.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from automatelanka.engine import binary as binmod
from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import Item, NodeOutput
from automatelanka.engine.nodes._google import GoogleApi, not_supported
from automatelanka.engine.nodes._svc import json_array
from automatelanka.engine.nodes.base import NodeContext, register
from automatelanka.engine.nodes.google_drive import rl_value

FOLDER = "application/vnd.google-apps.folder"
_CONVERSIONS = {
    "document": ("docsToFormat", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "presentation": ("slidesToFormat", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    "spreadsheet": ("sheetsToFormat", "application/x-vnd.oasis.opendocument.spreadsheet"),
}


def _fields(options: dict[str, Any]) -> str:
    fields = options.get("fields")
    if not fields:
        return "id, name"
    return "*" if "*" in fields else ", ".join(fields)


@register("n8n-nodes-base.googleDrive", versions=(1, 2), display_name="Google Drive")
@register("n8n-nodes-base.googleDriveTool", versions=(1, 2), display_name="Google Drive Tool")
def google_drive_v1(ctx: NodeContext) -> NodeOutput:
    default_auth = "serviceAccount" if ctx.node.type_version == 1 else "oAuth2"
    api = GoogleApi(ctx, "googleDriveOAuth2Api", "drive", default_auth=default_auth)
    resource = ctx.param("resource", 0, "file")
    operation = ctx.param("operation", 0, "upload" if resource == "file" else "create")
    items = [dict(item) for item in ctx.input(0)]
    out: list[Item] = []
    for i, item in enumerate(items):
        try:
            if resource == "file" and operation == "download":
                items[i] = _download(ctx, api, i, item)
                continue
            result = _run(ctx, api, resource, operation, i, item)
        except NodeError as exc:
            if not ctx.continue_on_fail:
                exc.item_index = i
                raise
            if resource == "file" and operation == "download":
                items[i] = {k: v for k, v in item.items() if k == "binary"}
                items[i]["json"] = {"error": exc.message}
            else:
                out.append({"json": {"error": exc.message}})
            continue
        rows = [{**row, "pairedItem": {"item": i}} for row in json_array(result)]
        if resource == "file" and operation == "list" and ctx.node.type_version == 1:
            return [rows]
        out.extend(rows)
    return [items if resource == "file" and operation == "download" else out]


def _run(ctx: NodeContext, api: GoogleApi, resource: str, operation: str, i: int, item: Item) -> Any:
    options = ctx.param("options", i, {}) or {}
    if resource == "drive":
        return _drive(ctx, api, operation, i, options)
    if resource in ("file", "folder") and operation in ("delete", "share"):
        file_id = rl_value(ctx.param("fileId", i, {}))
        if operation == "delete":
            api.json("DELETE", f"/drive/v3/files/{file_id}", params={"supportsTeamDrives": True}, item_index=i)
            return {"fileId": file_id, "success": True}
        body = dict((ctx.param("permissionsUi", i, {}) or {}).get("permissionsValues") or {})
        return api.json("POST", f"/drive/v3/files/{file_id}/permissions", body=body,
                        params={"supportsTeamDrives": True, **options}, item_index=i)
    if resource == "folder" and operation == "create":
        body = {"name": ctx.param("name", i, ""), "mimeType": FOLDER, "parents": options.get("parents") or []}
        return api.json("POST", "/drive/v3/files", body=body, params={"fields": _fields(options),
                                                                       "supportsAllDrives": True}, item_index=i)
    if resource == "file":
        handlers = {"copy": _copy, "list": _list, "upload": _upload, "update": _update}
        if operation in handlers:
            return handlers[operation](ctx, api, i, item, options)
    raise not_supported(ctx, "Google Drive", resource, operation)


def _drive(ctx: NodeContext, api: GoogleApi, operation: str, i: int, options: dict[str, Any]) -> Any:
    if operation == "create":
        body = {"name": ctx.param("name", i, ""), **options}
        return api.json("POST", "/drive/v3/drives", body=body, params={"requestId": str(uuid.uuid4())}, item_index=i)
    if operation == "list":
        if ctx.param("returnAll", i, False):
            return api.all_items("drives", "GET", "/drive/v3/drives", params=dict(options), item_index=i)
        qs = {**options, "pageSize": ctx.param("limit", i, 100)}
        return api.json("GET", "/drive/v3/drives", params=qs, item_index=i).get("drives") or []
    drive_id = rl_value(ctx.param("driveId", i, {}))
    if operation == "delete":
        api.json("DELETE", f"/drive/v3/drives/{drive_id}", item_index=i)
        return {"success": True}
    if operation == "get":
        return api.json("GET", f"/drive/v3/drives/{drive_id}", params=dict(options), item_index=i)
    if operation == "update":
        return api.json("PATCH", f"/drive/v3/drives/{drive_id}", body=dict(options), item_index=i)
    raise not_supported(ctx, "Google Drive", "drive", operation)


def _copy(ctx: NodeContext, api: GoogleApi, i: int, item: Item, options: dict[str, Any]) -> Any:
    file_id = rl_value(ctx.param("fileId", i, {}))
    body: dict[str, Any] = {"fields": _fields(options)}
    for key in ("name", "parents"):
        if key in options:
            body[key] = options[key]
    return api.json("POST", f"/drive/v3/files/{file_id}/copy", body=body, params={"supportsAllDrives": True},
                    item_index=i)


def _download(ctx: NodeContext, api: GoogleApi, i: int, item: Item) -> Item:
    file_id = rl_value(ctx.param("fileId", i, {}))
    options = ctx.param("options", i, {}) or {}
    meta = api.json("GET", f"/drive/v3/files/{file_id}", params={"fields": "mimeType,name", "supportsTeamDrives": True},
                    item_index=i)
    mime = str(meta.get("mimeType") or "")
    if "vnd.google-apps" in mime:
        kind = mime.split(".")[2] if mime.count(".") >= 2 else ""
        key, default = _CONVERSIONS.get(kind, ("drawingsToFormat", "image/jpeg"))
        conversion = (options.get("googleFileConversion") or {}).get("conversion") or {}
        response = api.send("GET", f"/drive/v3/files/{file_id}/export", params={"mimeType": conversion.get(key, default)},
                            item_index=i)
    else:
        response = api.send("GET", f"/drive/v3/files/{file_id}", params={"alt": "media"}, item_index=i)
    content_type = response.headers.get("content-type") or meta.get("mimeType")
    name = options.get("fileName") or meta.get("name")
    binary = dict(item.get("binary") or {})
    binary[ctx.param("binaryPropertyName", i, "data")] = binmod.prepare_binary(response.content, name, content_type)
    return {"json": item["json"], "binary": binary}


def _list(ctx: NodeContext, api: GoogleApi, i: int, item: Item, options: dict[str, Any]) -> Any:
    spaces = options.get("spaces") or []
    query_spaces = ("appDataFolder, drive, photos" if "*" in spaces else ", ".join(spaces)) if spaces else ""
    corpora = options.get("corpora") or ""
    drive_id = options.get("driveId")
    if drive_id == "":
        drive_id = None
    if ctx.param("useQueryString", i, False):
        query = str(ctx.param("queryString", i, "") or "")
    else:
        filters = ctx.param("queryFilters", i, {}) or {}
        query = ""
        if filters.get("name"):
            ops = {"is": "=", "isNot": "!="}
            query += " or ".join(f"name {ops.get(f.get('operation'), f.get('operation'))} '{f.get('value')}'"
                                 for f in filters["name"])
        types = [f"mimeType = '{f.get('customMimeType') if f.get('mimeType') == 'custom' else f.get('mimeType')}'"
                 for f in filters.get("mimeType") or []]
        if types:
            query += (" and " if query else "") + " or ".join(types)
    all_drives = corpora != "" or drive_id != ""
    qs = {"pageSize": ctx.param("limit", i, 100), "orderBy": "modifiedTime",
          "fields": f"nextPageToken, files({_fields(options)})", "spaces": query_spaces, "q": query,
          "includeItemsFromAllDrives": all_drives, "supportsAllDrives": all_drives}
    return api.json("GET", "/drive/v3/files", params=qs, item_index=i).get("files") or []


def _upload(ctx: NodeContext, api: GoogleApi, i: int, item: Item, options: dict[str, Any]) -> Any:
    resolve = ctx.param("resolveData", 0, False)
    mime = "text/plain"
    original = None
    if ctx.param("binaryData", i, False):
        entry = binmod.assert_binary(item, ctx.param("binaryPropertyName", i, "data"), i)
        content = binmod.binary_bytes(entry)
        original = entry.get("fileName")
        mime = entry.get("mimeType") or mime
    else:
        content = str(ctx.param("fileContent", i, "") or "").encode()
    response = api.send("POST", "/upload/drive/v3/files", content=content, item_index=i,
                        headers={"Content-Type": mime, "Content-Length": str(len(content))},
                        params={"fields": _fields(options), "uploadType": "media"})
    try:
        upload_id = json.loads(response.content).get("id")
    except ValueError:
        raise ctx.error("The upload answered with no JSON file id", i) from None
    body: dict[str, Any] = {"mimeType": mime, "name": ctx.param("name", i, "")}
    if original is not None:
        body["originalFilename"] = original
    properties = (options.get("propertiesUi") or {}).get("propertyValues") or []
    if properties:
        body["properties"] = {str(p.get("key")): p.get("value") for p in properties}
        app = (options.get("appPropertiesUi") or {}).get("appPropertyValues") or []
        body["appProperties"] = {str(p.get("key")): p.get("value") for p in app}
    parents = ctx.param("parents", i, []) or []
    result = api.json("PATCH", f"/drive/v3/files/{upload_id}", body=body, item_index=i,
                      params={"addParents": ",".join(parents), "supportsAllDrives": True})
    if resolve:
        result = api.json("GET", f"/drive/v3/files/{result.get('id')}", params={"fields": "*"}, item_index=i)
    return result


def _update(ctx: NodeContext, api: GoogleApi, i: int, item: Item, options: dict[str, Any]) -> Any:
    file_id = rl_value(ctx.param("fileId", i, {}))
    fields = ctx.param("updateFields", i, {}) or {}
    qs: dict[str, Any] = {"supportsAllDrives": True, **options, "fields": _fields(options)}
    body: dict[str, Any] = {}
    if fields.get("fileName"):
        body["name"] = fields["fileName"]
    if "trashed" in fields:
        body["trashed"] = fields["trashed"]
    if fields.get("parentId"):
        qs["addParents"] = fields["parentId"]
    return api.json("PATCH", f"/drive/v3/files/{file_id}", body=body, params=qs, item_index=i)
