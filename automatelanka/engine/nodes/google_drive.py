"""Google Drive (v3, n8n's GoogleDriveV2 code) and the Google Drive Trigger (polling).

Files: download (binary), upload (multipart), createFromText, copy, move, share, update,
deleteFile; folders: create, deleteFolder, share; fileFolder search. v1/v2 are not implemented.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime
from typing import Any

from automatelanka.engine import binary as binmod
from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import Item, NodeOutput
from automatelanka.engine.nodes._google import GoogleApi, not_supported
from automatelanka.engine.nodes._poll import node_static, poller, trigger_handler
from automatelanka.engine.nodes._svc import per_item
from automatelanka.engine.nodes.base import NodeContext, register

FOLDER = "application/vnd.google-apps.folder"
DOCUMENT = "application/vnd.google-apps.document"
ALL_DRIVES = {"includeItemsFromAllDrives": True, "supportsAllDrives": True, "spaces": "appDataFolder, drive",
              "corpora": "allDrives"}


def rl_value(locator: Any) -> str:
    """A Drive resource locator's id (URLs give the id inside them)."""
    if not isinstance(locator, dict):
        return "" if locator is None else str(locator)
    value = str(locator.get("value") or "")
    if locator.get("mode") == "url":
        match = re.search(r"/(?:d|folders|drive/u/\d+/folders)/([0-9a-zA-Z\-_]+)", value) or \
            re.search(r"[?&]id=([0-9a-zA-Z\-_]+)", value)
        return match.group(1) if match else value
    return value


def parent_folder(folder: str, drive: str) -> str:
    if folder and folder != "root":
        return folder
    if drive and drive != "My Drive":
        return drive
    return "root"


def multipart_related(metadata: dict[str, Any], content: bytes, mime: str) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Type: application/json\r\n\r\n{json.dumps(metadata)}\r\n"
            f"--{boundary}\r\nContent-Type: {mime}\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/related; boundary={boundary}"


def common_params(qs: dict[str, Any], options: dict[str, Any]) -> dict[str, Any]:
    for key in ("keepRevisionForever", "ocrLanguage", "useContentAsIndexableText"):
        if options.get(key):
            qs[key] = options[key]
    return qs


def file_properties(body: dict[str, Any], options: dict[str, Any]) -> dict[str, Any]:
    if options.get("propertiesUi"):
        body["properties"] = {str(v.get("key")): v.get("value")
                              for v in options["propertiesUi"].get("propertyValues") or []}
    if options.get("appPropertiesUi"):
        body["appProperties"] = {str(v.get("key")): v.get("value")
                                 for v in options["appPropertiesUi"].get("appPropertyValues") or []}
    return body


def drive_api(ctx: NodeContext) -> GoogleApi:
    return GoogleApi(ctx, "googleDriveOAuth2Api", "drive")


@register("n8n-nodes-base.googleDrive", versions=(3,), display_name="Google Drive")
@register("n8n-nodes-base.googleDriveTool", versions=(3,), display_name="Google Drive Tool")
def google_drive(ctx: NodeContext) -> NodeOutput:
    api = drive_api(ctx)
    resource = ctx.param("resource", 0, "file")
    operation = ctx.param("operation", 0, "upload" if resource == "file" else "create")

    def one(i: int, item: Item) -> list[Item]:
        result = _run(ctx, api, resource, operation, i, item)
        out: list[Item] = []
        for entry in result if isinstance(result, list) else [result]:
            new = entry if "json" in entry and isinstance(entry.get("json"), dict) and len(entry) <= 2 \
                and set(entry) <= {"json", "binary"} else {"json": entry}
            out.append({**new, "pairedItem": {"item": i}})
        return out

    return [per_item(ctx, one, error_index="always", ready=True)]


def _run(ctx: NodeContext, api: GoogleApi, resource: str, operation: str, i: int, item: Item) -> Any:
    key = f"{resource}/{operation}"
    handlers = {"file/download": _download, "file/upload": _upload, "file/createFromText": _create_from_text,
                "file/deleteFile": _delete, "file/move": _move, "file/share": _share, "file/copy": _copy,
                "file/update": _update, "folder/create": _folder_create, "folder/deleteFolder": _delete,
                "folder/share": _share, "fileFolder/search": _search}
    handler = handlers.get(key)
    if handler is None:
        raise not_supported(ctx, "Google Drive", resource, operation)
    return handler(ctx, api, i, item)


def _download(ctx: NodeContext, api: GoogleApi, i: int, item: Item) -> Item:
    file_id = rl_value(ctx.param("fileId", i, {}))
    options = ctx.param("options", i, {}) or {}
    meta = api.json("GET", f"/drive/v3/files/{file_id}", item_index=i,
                    params={"fields": "mimeType,name", "supportsTeamDrives": True, "supportsAllDrives": True})
    mime = str(meta.get("mimeType") or "")
    if "vnd.google-apps" in mime:
        kind = mime.split(".")[2] if mime.count(".") >= 2 else ""
        conversion = ((options.get("googleFileConversion") or {}).get("conversion") or {})
        target = {"document": conversion.get("docsToFormat", "application/vnd.openxmlformats-officedocument."
                                                                 "wordprocessingml.document"),
                  "presentation": conversion.get("slidesToFormat", "application/vnd.openxmlformats-officedocument."
                                                                   "presentationml.presentation"),
                  "spreadsheet": conversion.get("sheetsToFormat", "application/x-vnd.oasis.opendocument.spreadsheet"),
                  }.get(kind, conversion.get("drawingsToFormat", "image/jpeg"))
        response = api.send("GET", f"/drive/v3/files/{file_id}/export", item_index=i,
                            params={"mimeType": target, "supportsAllDrives": "true"})
    else:
        response = api.send("GET", f"/drive/v3/files/{file_id}", item_index=i,
                            params={"alt": "media", "supportsAllDrives": "true"})
    content_type = response.headers.get("content-type") or meta.get("mimeType")
    name = options.get("fileName") or meta.get("name")
    binary = dict(item.get("binary") or {})
    binary[options.get("binaryPropertyName") or "data"] = binmod.prepare_binary(response.content, name, content_type)
    return {"json": item["json"], "binary": binary}


def _upload(ctx: NodeContext, api: GoogleApi, i: int, item: Item) -> Any:
    prop = ctx.param("inputDataFieldName", i, "data")
    entry = binmod.assert_binary(item, prop, i)
    content = binmod.binary_bytes(entry)
    original = entry.get("fileName")
    mime = entry.get("mimeType") or "application/octet-stream"
    name = ctx.param("name", i, "") or original
    parent = parent_folder(rl_value(ctx.param("folderId", i, {})), rl_value(ctx.param("driveId", i, {})))
    body, ctype = multipart_related({"name": name, "parents": [parent]}, content, mime)
    uploaded = api.json("POST", "/upload/drive/v3/files", content=body, headers={"Content-Type": ctype},
                        params={"uploadType": "multipart", "supportsAllDrives": True}, item_index=i)
    options = ctx.param("options", i, {}) or {}
    qs = common_params({"addParents": parent, **ALL_DRIVES}, options)
    if not options.get("simplifyOutput"):
        qs["fields"] = "*"
    patch = file_properties({"mimeType": mime, "name": name, "originalFilename": original}, options)
    return api.json("PATCH", f"/drive/v3/files/{uploaded.get('id')}", body=patch, params=qs, item_index=i)


def _create_from_text(ctx: NodeContext, api: GoogleApi, i: int, item: Item) -> Any:
    name = ctx.param("name", i, "") or "Untitled"
    options = ctx.param("options", i, {}) or {}
    convert = bool(options.get("convertToGoogleDocument"))
    mime = DOCUMENT if convert else "text/plain"
    parent = parent_folder(rl_value(ctx.param("folderId", i, {})), rl_value(ctx.param("driveId", i, {})))
    metadata = {"name": name, "parents": [parent], "mimeType": mime}
    props = file_properties(dict(metadata), options)
    qs = common_params(dict(ALL_DRIVES), options)
    text = str(ctx.param("content", i, "") or "")
    if convert:
        doc = api.json("POST", "/drive/v3/files", body=props, params=qs, item_index=i)
        docs_base = api.base if ctx.state.services.base_urls.get("google") else "https://docs.googleapis.com"
        updated = api.json("POST", f"{docs_base}/v1/documents/{doc.get('id')}:batchUpdate", item_index=i,
                           body={"requests": [{"insertText": {"text": text,
                                                              "endOfSegmentLocation": {"segmentId": ""}}}]})
        return {"id": updated.get("documentId")}
    body, ctype = multipart_related(metadata, text.encode(), mime)
    uploaded = api.json("POST", "/upload/drive/v3/files", content=body, headers={"Content-Type": ctype},
                        params={"uploadType": "multipart", "supportsAllDrives": True}, item_index=i)
    qs["addParents"] = parent
    props.pop("parents", None)
    patched = api.json("PATCH", f"/drive/v3/files/{uploaded.get('id')}", body=props, params=qs, item_index=i)
    return {"id": patched.get("id")}


def _delete(ctx: NodeContext, api: GoogleApi, i: int, item: Item) -> Any:
    folder = ctx.param("resource", 0, "file") == "folder"
    target = rl_value(ctx.param("folderNoRootId" if folder else "fileId", i, {}))
    permanent = (ctx.param("options", i, {}) or {}).get("deletePermanently", False)
    if permanent:
        api.json("DELETE", f"/drive/v3/files/{target}", params={"supportsAllDrives": True}, item_index=i)
    else:
        api.json("PATCH", f"/drive/v3/files/{target}", body={"trashed": True}, params={"supportsAllDrives": True},
                 item_index=i)
    return {"fileId": target, "success": True} if folder else {"id": target, "success": True}


def _move(ctx: NodeContext, api: GoogleApi, i: int, item: Item) -> Any:
    file_id = rl_value(ctx.param("fileId", i, {}))
    parent = parent_folder(rl_value(ctx.param("folderId", i, {})), rl_value(ctx.param("driveId", i, {})))
    current = api.json("GET", f"/drive/v3/files/{file_id}", params={**ALL_DRIVES, "fields": "parents"}, item_index=i)
    return api.json("PATCH", f"/drive/v3/files/{file_id}", item_index=i,
                    params={**ALL_DRIVES, "addParents": parent,
                            "removeParents": ",".join(current.get("parents") or [])})


def _share(ctx: NodeContext, api: GoogleApi, i: int, item: Item) -> Any:
    folder = ctx.param("resource", 0, "file") == "folder"
    target = rl_value(ctx.param("folderNoRootId" if folder else "fileId", i, {}))
    body = dict((ctx.param("permissionsUi", i, {}) or {}).get("permissionsValues") or {})
    qs = {"supportsAllDrives": True, **(ctx.param("options", i, {}) or {})}
    return api.json("POST", f"/drive/v3/files/{target}/permissions", body=body, params=qs, item_index=i)


def _copy(ctx: NodeContext, api: GoogleApi, i: int, item: Item) -> Any:
    locator = ctx.param("fileId", i, {}) or {}
    file_id = locator.get("value") if isinstance(locator, dict) else locator
    options = ctx.param("options", i, {}) or {}
    name = ctx.param("name", i, "") or f"Copy of {locator.get('cachedResultName') if isinstance(locator, dict) else ''}"
    parents = []
    if not ctx.param("sameFolder", i, True):
        parents.append(parent_folder(rl_value(ctx.param("folderId", i, {})), rl_value(ctx.param("driveId", i, {}))))
    body: dict[str, Any] = {"copyRequiresWriterPermission": bool(options.get("copyRequiresWriterPermission")),
                            "parents": parents, "name": name}
    if options.get("description"):
        body["description"] = options["description"]
    return api.json("POST", f"/drive/v3/files/{file_id}/copy", body=body, params=dict(ALL_DRIVES), item_index=i)


def _update(ctx: NodeContext, api: GoogleApi, i: int, item: Item) -> Any:
    file_id = rl_value(ctx.param("fileId", i, {}))
    options = ctx.param("options", i, {}) or {}
    qs = common_params(dict(ALL_DRIVES), options)
    if ctx.param("changeFileContent", i, False):
        entry = binmod.assert_binary(item, ctx.param("inputDataFieldName", i, "data"), i)
        api.json("PATCH", f"/upload/drive/v3/files/{file_id}", content=binmod.binary_bytes(entry),
                 headers={"Content-Type": entry.get("mimeType") or "application/octet-stream"},
                 params={"uploadType": "media", "supportsAllDrives": True}, item_index=i)
    body: dict[str, Any] = {}
    new_name = ctx.param("newUpdatedFileName", i, "")
    if new_name:
        body["name"] = new_name
    for key in ("trashed", "description"):
        if key in options:
            body[key] = options[key]
    file_properties(body, options)
    fields = options.get("fields")
    if fields:
        qs["fields"] = "*" if "*" in fields else ", ".join(fields)
    return api.json("PATCH", f"/drive/v3/files/{file_id}", body=body, params=qs, item_index=i)


def _folder_create(ctx: NodeContext, api: GoogleApi, i: int, item: Item) -> Any:
    parent = parent_folder(rl_value(ctx.param("folderId", i, {})), rl_value(ctx.param("driveId", i, {})))
    options = ctx.param("options", i, {}) or {}
    body: dict[str, Any] = {"name": ctx.param("name", i, "") or "Untitled", "mimeType": FOLDER, "parents": [parent]}
    if options.get("folderColorRgb"):
        body["folderColorRgb"] = options["folderColorRgb"]
    qs = dict(ALL_DRIVES)
    if not options.get("simplifyOutput", True):
        qs["fields"] = "*"
    return api.json("POST", "/drive/v3/files", body=body, params=qs, item_index=i)


def _search(ctx: NodeContext, api: GoogleApi, i: int, item: Item) -> Any:
    method = ctx.param("searchMethod", i, "name")
    options = ctx.param("options", i, {}) or {}
    text = str(ctx.param("queryString", i, "") or "")
    query = [f"name contains '{text}'" if method == "name" else text]
    filt = ctx.param("filter", i, {}) or {}
    folder_id = drive_id = ""
    types: list[str] = []
    if filt:
        if filt.get("folderId"):
            folder_id = rl_value(filt["folderId"])
        if folder_id and folder_id != "root":
            query.append(f"'{folder_id}' in parents")
        if filt.get("driveId"):
            drive_id = rl_value(filt["driveId"])
        what = filt.get("whatToSearch") or "all"
        if what == "folders":
            query.append(f"mimeType = '{FOLDER}'")
        else:
            if what == "files":
                query.append(f"mimeType != '{FOLDER}'")
            if filt.get("fileTypes") and "*" not in filt["fileTypes"]:
                types = [f"mimeType = '{t}'" for t in filt["fileTypes"]]
        if not filt.get("includeTrashed"):
            query.append("trashed = false")
    if types:
        query.append(f"({' or '.join(types)})")
    fields = options.get("fields")
    fields_text = ("*" if "*" in fields else ", ".join(fields)) if fields else "id, name"
    qs: dict[str, Any] = {"fields": f"nextPageToken, files({fields_text})", "q": " and ".join(q for q in query if q),
                          **ALL_DRIVES}
    if drive_id:
        if drive_id == "My Drive":
            qs.update({"includeItemsFromAllDrives": False, "supportsAllDrives": False, "spaces": "appDataFolder, drive",
                       "corpora": "user"})
        else:
            qs.update({"driveId": drive_id, "corpora": "drive"})
    if not drive_id and folder_id == "root":
        qs.update({"corpora": "user", "spaces": "drive", "includeItemsFromAllDrives": False,
                   "supportsAllDrives": False})
    if ctx.param("returnAll", i, False):
        return api.all_items("files", "GET", "/drive/v3/files", params=qs, item_index=i, page_size=("pageSize", 1000))
    qs["pageSize"] = ctx.param("limit", i, 50)
    return api.json("GET", "/drive/v3/files", params=qs, item_index=i).get("files") or []


# -- Google Drive Trigger --------------------------------------------------------------------------

@register("n8n-nodes-base.googleDriveTrigger", versions=(1,), trigger=True, inputs=0,
          display_name="Google Drive Trigger")
def google_drive_trigger(ctx: NodeContext) -> NodeOutput:
    return trigger_handler(ctx)


@poller("n8n-nodes-base.googleDriveTrigger")
def poll_drive(ctx: NodeContext) -> list[Item] | None:
    """Files/folders created or updated since the last poll (manual mode: the newest one)."""
    api = drive_api(ctx)
    trigger_on = ctx.param("triggerOn", 0, "specificFolder")
    event = ctx.param("event", 0, "fileCreated")
    static = node_static(ctx)
    options = ctx.param("options", 0, {}) or {}
    manual = ctx.state.mode == "manual"
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    start = static.get("lastTimeChecked") or now
    query = ["trashed = false"]
    if trigger_on == "specificFolder" and event != "watchFolderUpdated":
        query.append(f"'{rl_value(ctx.param('folderToWatch', 0, {}))}' in parents")
    query.append(f"mimeType != '{FOLDER}'" if str(event).startswith("file") else f"mimeType = '{FOLDER}'")
    if options.get("fileType") and options["fileType"] != "all":
        query.append(f"mimeType = '{options['fileType']}'")
    if not manual:
        query.append(f"{'createdTime' if 'Created' in event else 'modifiedTime'} > '{start}'")
    qs: dict[str, Any] = {**ALL_DRIVES, "q": " AND ".join(query), "fields": "nextPageToken, files(*)"}
    if manual:
        files = api.json("GET", "/drive/v3/files", params={**qs, "pageSize": 1}).get("files") or []
    else:
        files = api.all_items("files", "GET", "/drive/v3/files", params=qs)
        if trigger_on == "specificFile":
            wanted = rl_value(ctx.param("fileToWatch", 0, {}))
            files = [f for f in files if f.get("id") == wanted]
        if trigger_on == "specificFolder" and event == "watchFolderUpdated":
            wanted = rl_value(ctx.param("folderToWatch", 0, {}))
            files = [f for f in files if f.get("id") == wanted]
    static["lastTimeChecked"] = now
    if files:
        return [{"json": f} for f in files]
    if manual:
        raise NodeError("No data with the current filter could be found")
    return None
