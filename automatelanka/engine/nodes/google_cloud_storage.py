"""Google Cloud Storage (n8n-nodes-base.googleCloudStorage v1) against the JSON API v1.

A declarative node in n8n; every operation it has is implemented with its routing:

- bucket ``create`` (POST /b/ ``{name, ...createBody}``; ``project``, ``projection``,
  ``predefinedAcl``/``predefinedObjectAcl`` in the query), ``delete``, ``get``, ``update`` (PATCH)
  and ``getAll`` (GET /b/; ``project``, ``prefix``, ``projection``; without ``returnAll`` one page
  of ``maxResults`` 1000 (noAcl) or 200 (full); with it every ``nextPageToken`` page);
- object ``create`` (a ``multipart/related`` upload to /upload/storage/v1/b/<bucket>/o/ of the
  metadata JSON and the binary field or the text ``createContent``), ``delete``, ``get``
  (metadata, or with ``alt=media`` the content as binary ``binaryPropertyName`` named after the
  object and an empty json), ``getAll`` (``listFilters`` in the query, ``maxResults`` without
  ``returnAll``, ``pageToken`` paging with it), ``update`` (PATCH of ``updateData``).

JSON-typed collection fields (``acl``, ``metadata``, ``cors``, ...) are parsed as n8n does (kept as
text when they are not JSON). As n8n's routing, names go into the path unencoded and each item's
answer is output as is (list answers one item per object); an empty answer (delete) is ``{}``.
Under continue-on-fail a failed item is ``{json: {}, error}`` as n8n's routing node pushes it.

Authentication: the googleCloudStorageOAuth2Api credential. Base URL: configured
``googleCloudStorage``, else ``google``, else https://storage.googleapis.com (``/storage/v1`` and
``/upload/storage/v1`` are appended).
"""

from __future__ import annotations

import contextlib
import json
import secrets
from typing import Any

from automatelanka.engine.binary import prepare_binary
from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import Item, NodeOutput
from automatelanka.engine.nodes._google import SCOPES, GoogleApi
from automatelanka.engine.nodes._svc import binary_bytes, unsupported
from automatelanka.engine.nodes.base import NodeContext, register

NODE_TYPE = "n8n-nodes-base.googleCloudStorage"
DISPLAY = "Google Cloud Storage"
DEFAULT_URL = "https://storage.googleapis.com"
SCOPES.setdefault("cloudStorage", [
    "https://www.googleapis.com/auth/cloud-platform",
    "https://www.googleapis.com/auth/cloud-platform.read-only",
    "https://www.googleapis.com/auth/devstorage.full_control",
    "https://www.googleapis.com/auth/devstorage.read_only",
    "https://www.googleapis.com/auth/devstorage.read_write",
])
_PAGE_LIMITS = {"noAcl": 1000, "full": 200}
_BUCKET_JSON = ("acl", "billing", "cors", "customPlacementConfig", "dataLocations", "defaultObjectAcl",
                "encryption", "iamConfiguration", "labels", "lifecycle", "logging", "retentionPolicy",
                "versioning", "website")
_ACL_QUERY = {"predefinedAcl": "predefinedAcl", "predefinedDefaultObjectAcl": "predefinedObjectAcl"}


def storage_root(ctx: NodeContext) -> str:
    """Configured ``googleCloudStorage`` URL, else the ``google`` fallback, else the real host."""
    urls = ctx.state.services.base_urls
    return (urls.get("googleCloudStorage") or urls.get("google") or DEFAULT_URL).rstrip("/")


@register(NODE_TYPE, versions=(1,), display_name=DISPLAY)
def google_cloud_storage(ctx: NodeContext) -> NodeOutput:
    api = GoogleApi(ctx, "googleCloudStorageOAuth2Api", "cloudStorage")
    root = storage_root(ctx)
    api.base = root + "/storage/v1"
    resource = ctx.param("resource", 0, "bucket")
    operation = ctx.param("operation", 0, "getAll")
    out: list[Item] = []
    for i in range(len(ctx.input(0))):
        try:
            if resource == "bucket":
                out.extend(_bucket(ctx, api, operation, i))
            elif resource == "object":
                out.extend(_object(ctx, api, root, operation, i))
            else:
                raise unsupported(DISPLAY, resource, operation)
        except NodeError as exc:
            if ctx.continue_on_fail:
                out.append({"json": {}, "error": {"message": exc.message}})
                continue
            if exc.item_index is None:
                exc.item_index = i
            raise
    return [out]


# -- helpers ---------------------------------------------------------------------------------------


def _items(data: Any) -> list[Item]:
    """The routing node's output of one answer: a list is one item per element, empty is ``{}``."""
    if isinstance(data, list):
        return [{"json": row} for row in data]
    return [{"json": data if data not in (None, "") else {}}]


def _num(value: Any) -> Any:
    """A number as JS prints it in a query string (``5``, not ``5.0``)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _query(values: dict[str, Any]) -> dict[str, Any]:
    """Query values as axios sends them (no undefined, booleans and numbers as JS prints them)."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        if value is None:
            continue
        out[key] = ("true" if value else "false") if isinstance(value, bool) else _num(value)
    return out


def _parse_json_fields(body: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    """``JSON.parse`` each named text field; text that is not JSON stays as it is."""
    out = dict(body)
    for name in names:
        if out.get(name) and isinstance(out[name], str):
            with contextlib.suppress(ValueError):
                out[name] = json.loads(out[name])
    return out


def _headers(ctx: NodeContext, i: int) -> dict[str, str]:
    return {k: str(v) for k, v in (ctx.param("encryptionHeaders", i, {}) or {}).items()}


def _list_pages(api: GoogleApi, path: str, qs: dict[str, Any], return_all: bool, i: int) -> list[Item]:
    """The node's ``pagination``: ``items`` of the first page, or of every page with returnAll."""
    out: list[Item] = []
    query = dict(qs)
    while True:
        page = api.json("GET", path, params=_query(query), item_index=i)
        page = page if isinstance(page, dict) else {}
        out.extend({"json": row} for row in page.get("items") or [])
        token = page.get("nextPageToken")
        if not (return_all and token):
            return out
        query["pageToken"] = token


# -- bucket ----------------------------------------------------------------------------------------


def _bucket(ctx: NodeContext, api: GoogleApi, operation: str, i: int) -> list[Item]:
    p = ctx.param
    name = str(p("bucketName", i, ""))
    filters = {k: v for k, v in (p("getFilters", i, {}) or {}).items()
               if k in ("ifMetagenerationMatch", "ifMetagenerationNotMatch")}
    acl = {_ACL_QUERY[k]: v for k, v in (p("createAcl", i, {}) or {}).items() if k in _ACL_QUERY}
    if operation == "getAll":
        projection = p("projection", i, "noAcl")
        qs: dict[str, Any] = {"project": p("projectId", i, ""), "prefix": p("prefix", i, ""),
                              "projection": projection}
        return_all = bool(p("returnAll", i, False))
        if not return_all:
            qs["maxResults"] = _PAGE_LIMITS["noAcl" if projection == "noAcl" else "full"]
        return _list_pages(api, "/b/", qs, return_all, i)
    if operation == "create":
        qs = {"project": p("projectId", i, ""), "projection": p("projection", i, "noAcl"), **acl}
        body = {"name": name, **_parse_json_fields(p("createBody", i, {}) or {}, _BUCKET_JSON)}
        return _items(api.json("POST", "/b/", params=_query(qs), body=body, item_index=i))
    if operation == "get":
        qs = {"projection": p("projection", i, "noAcl"), **filters}
        return _items(api.json("GET", f"/b/{name}", params=_query(qs), item_index=i))
    if operation == "delete":
        return _items(api.json("DELETE", f"/b/{name}", params=_query(filters), item_index=i))
    if operation == "update":
        qs = {"projection": p("projection", i, "noAcl"), **acl, **filters}
        body = _parse_json_fields(p("createBody", i, {}) or {}, _BUCKET_JSON)
        return _items(api.json("PATCH", f"/b/{name}", params=_query(qs), body=body, item_index=i))
    raise unsupported(DISPLAY, "bucket", operation)


# -- object ----------------------------------------------------------------------------------------


def _object(ctx: NodeContext, api: GoogleApi, root: str, operation: str, i: int) -> list[Item]:
    p = ctx.param
    bucket = str(p("bucketName", i, ""))
    name = str(p("objectName", i, ""))
    path = f"/b/{bucket}/o/{name}"
    if operation == "getAll":
        qs = {"projection": p("projection", i, "noAcl"), **(p("listFilters", i, {}) or {})}
        return_all = bool(p("returnAll", i, False))
        if not return_all:
            qs["maxResults"] = p("maxResults", i, 100)
        return _list_pages(api, f"/b/{bucket}/o/", qs, return_all, i)
    if operation == "get":
        return _object_get(ctx, api, path, name, i)
    if operation == "delete":
        return _items(api.json("DELETE", path, item_index=i))
    if operation == "update":
        qs = {"projection": p("updateProjection", i, "full"), **(p("metagenAndAclQuery", i, {}) or {})}
        body = _parse_json_fields(p("updateData", i, {"acl": "[]"}) or {}, ("acl", "metadata"))
        return _items(api.json("PATCH", path, params=_query(qs), body=body, headers=_headers(ctx, i),
                               item_index=i))
    if operation == "create":
        return _object_create(ctx, api, root, bucket, name, i)
    raise unsupported(DISPLAY, "object", operation)


def _object_get(ctx: NodeContext, api: GoogleApi, path: str, name: str, i: int) -> list[Item]:
    alt = ctx.param("alt", i, "json")
    qs = {"alt": alt, "projection": ctx.param("projection", i, "noAcl"), **(ctx.param("getParameters", i, {}) or {})}
    if alt != "media":
        return _items(api.json("GET", path, params=_query(qs), headers=_headers(ctx, i), item_index=i))
    response = api.send("GET", path, params=_query(qs), headers=_headers(ctx, i), item_index=i)
    prop = ctx.param("binaryPropertyName", i, "data")
    mime = (response.headers.get("content-type") or "").split(";")[0].strip() or None
    return [{"json": {}, "binary": {prop: prepare_binary(response.content, name, mime)}}]


def _object_create(ctx: NodeContext, api: GoogleApi, root: str, bucket: str, name: str, i: int) -> list[Item]:
    p = ctx.param
    qs = {"name": name, "uploadType": "multipart", "projection": p("updateProjection", i, "full"),
          **(p("createQuery", i, {}) or {})}
    metadata = {"name": name, **_parse_json_fields(p("createData", i, {}) or {}, ("acl", "metadata"))}
    if p("createFromBinary", i, True):
        content, entry = binary_bytes(ctx.input(0)[i], p("createBinaryPropertyName", i, "data"), i)
        content_type = entry.get("mimeType") or "application/octet-stream"
    else:
        content = str(p("createContent", i, "")).encode()
        content_type = "text/plain"
    boundary = "-" * 26 + secrets.token_hex(12)
    body = b"".join([
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"metadata\"\r\n"
        f"Content-Type: application/json\r\n\r\n".encode(), json.dumps(metadata, separators=(",", ":")).encode(),
        f"\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"\r\n"
        f"Content-Type: {content_type}\r\n\r\n".encode(), content, f"\r\n--{boundary}--\r\n".encode()])
    headers = {**_headers(ctx, i), "Content-Type": f"multipart/related; boundary={boundary}"}
    url = f"{root}/upload/storage/v1/b/{bucket}/o/"
    response = api.send("POST", url, params=_query(qs), content=body, headers=headers, item_index=i)
    try:
        data = response.json() if response.content else {}
    except ValueError:
        data = {}
    return _items(data)
