"""AWS S3 (n8n-nodes-base.awsS3 v1, v2): buckets, folders and files over the S3 REST API.

Requests are signed with AWS Signature Version 4 (:mod:`_aws_sigv4`, as n8n's ``aws4``) using the
``aws`` credential (``region``, ``accessKeyId``, ``secretAccessKey``, ``temporaryCredentials`` +
``sessionToken``, ``s3Endpoint``). As in n8n, every bucket operation first asks the bucket's
location (``GET /?location``); v2 then sends the request to that region (v1 always uses the
credential's region). Hosts: ``https://<bucket>.s3.<region>.amazonaws.com`` (``.amazonaws.com.cn``
for ``cn-`` regions); in v2 a bucket name containing ``.`` is addressed path-style on
``s3.<region>`` (or the credential's ``s3Endpoint``). XML answers are read as xml2js reads them
(``explicitArray: false``: repeated elements become arrays, attributes under ``$``, text under
``_``).

Supported: file upload (binary or text content, tags, ACL/storage-class/encryption headers),
download (binary into ``binaryPropertyName``), getAll (ListObjectsV2 with ``delimiter=/``,
continuation-token paging, ``returnAll``/``limit``, folder keys filtered out), delete, copy;
bucket create/delete/getAll/search; folder create/getAll/delete (DeleteObjects of everything
under the key). Not supported yet: the v2 ``assumeRole`` authentication (awsAssumeRole
credential). Binary data is sent in one PUT: n8n's multipart upload applies only to binary data
stored by id, and items here carry their data.

``base_urls["awsS3"]`` (tests) sends every request to that server instead, keeping the real
``Host`` header, which the signature covers. The helpers here are shared with the S3-compatible
node (:mod:`s3`).
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from automatelanka.engine import binary as binmod
from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import Item, NodeOutput
from automatelanka.engine.nodes import _aws_sigv4 as sigv4
from automatelanka.engine.nodes._http import credential, request
from automatelanka.engine.nodes._svc import binary_bytes, json_array, per_item, unsupported
from automatelanka.engine.nodes.base import NodeContext, register
from automatelanka.engine.nodes.xml import xml_to_json

DISPLAY = "AWS S3"
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>'
S3_XMLNS = "http://s3.amazonaws.com/doc/2006-03-01/"


# -- helpers shared with the S3-compatible node ----------------------------------------------------------


def snake_upper(value: Any) -> str:
    """change-case ``snakeCase(value).toUpperCase()`` for camelCase option values."""
    text = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", str(value))
    return re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_").upper()


def param_case(value: Any) -> str:
    """change-case ``paramCase`` (``publicRead`` -> ``public-read``)."""
    text = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", str(value))
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()


def js_str(value: Any) -> str:
    """A query/header value as JavaScript's ``String(value)``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def parse_xml(text: str) -> Any:
    """xml2js ``parseString`` with ``explicitArray: false`` (``None`` for an empty document)."""
    if not text.strip():
        return None
    return xml_to_json(text, {"mergeAttrs": False, "explicitArray": False})


def parse_rest(response: Any) -> Any:
    """v2's ``awsApiRequestREST``: XML when the body has the XML declaration, else JSON, else text."""
    text = response.text if response.content else ""
    if not text:
        return None
    try:
        if XML_DECLARATION in text:
            return parse_xml(text)
        import json

        return json.loads(text)
    except (ValueError, NodeError):
        return text


def parse_soap(response: Any) -> Any:
    """v1's ``awsApiRequestSOAP``: always XML (``None`` when empty or unreadable)."""
    text = response.text if response.content else ""
    try:
        return parse_xml(text)
    except NodeError:
        return None


def dig(data: Any, dotted: str) -> Any:
    """lodash ``get(data, 'A.B.C')``."""
    for key in dotted.split("."):
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def encode_path(path: str) -> str:
    """The wire form of an object path: each segment percent-encoded (RFC 3986), ``/`` kept."""
    return "/".join(quote(unquote(piece), safe="-_.~") for piece in path.split("/"))


def md5_b64(data: bytes) -> str:
    return base64.b64encode(hashlib.md5(data).digest()).decode()


@dataclass
class S3Api:
    """Signed requests to S3 for one node: ``route`` maps a bucket and path to (origin, path, region)."""

    ctx: NodeContext
    access_key: str
    secret_key: str
    session_token: str | None
    #: ``route(bucket, path, region) -> (origin, wire path)``; origin is ``scheme://host[:port]``.
    route: Callable[[str, str, str], tuple[str, str]]
    default_region: str
    override: str | None = None
    verify: bool = True
    soap: bool = False
    qs: dict[str, Any] = field(default_factory=dict)

    def send(self, bucket: str, method: str, path: str, i: int, *, query: dict[str, Any] | None = None,
             body: bytes = b"", headers: dict[str, str] | None = None, region: str | None = None) -> Any:
        """One signed request; the raw httpx response (NodeApiError for non-2xx answers)."""
        region = region or self.default_region
        origin, wire_path = self.route(bucket, path, region)
        host = urlsplit(origin).netloc
        pairs = [(k, js_str(v)) for k, v in (query or {}).items() if v is not None]
        signed = sigv4.sign_headers(method, host, wire_path or "/", pairs, dict(headers or {}), body,
                                    access_key=self.access_key, secret_key=self.secret_key, region=region,
                                    service="s3", session_token=self.session_token)
        url = (self.override or origin) + (wire_path or "/")
        if pairs:
            url += "?" + "&".join(f"{sigv4.uri_encode(k)}={sigv4.uri_encode(v)}" for k, v in pairs)
        kwargs: dict[str, Any] = {"headers": signed, "item_index": i}
        if method in ("PUT", "POST") or body:
            kwargs["content"] = body
        if not self.verify:
            kwargs["verify"] = False
        return request(self.ctx, method, url, **kwargs)

    def call(self, bucket: str, method: str, path: str, i: int, **kwargs: Any) -> Any:
        """A request whose answer is decoded (v1/S3 node: XML; v2: XML, JSON or text)."""
        response = self.send(bucket, method, path, i, **kwargs)
        return parse_soap(response) if self.soap else parse_rest(response)

    def location(self, bucket: str, i: int) -> str | None:
        """The bucket's region from ``GET /?location`` (``None`` for us-east-1's empty answer)."""
        data = self.call(bucket, "GET", "", i, query={"location": ""})
        constraint = data.get("LocationConstraint") if isinstance(data, dict) else None
        return constraint.get("_") if isinstance(constraint, dict) else None

    def all_items(self, prop: str, bucket: str, path: str, i: int, query: dict[str, Any],
                  region: str | None) -> list[Any]:
        """``awsApiRequestRESTAllItems``: follow ``NextContinuationToken`` while ``IsTruncated``."""
        root = prop.split(".")[0]
        rows: list[Any] = []
        while True:
            data = self.call(bucket, "GET", path, i, query=query, region=region)
            token = dig(data, f"{root}.NextContinuationToken")
            if token:
                query["continuation-token"] = token
            found = dig(data, prop)
            if found:
                rows.extend(found if isinstance(found, list) else [found])
            limit = query.get("limit")
            if limit and int(limit) <= len(rows):
                return rows
            truncated = dig(data, f"{root}.IsTruncated")
            if truncated is None or truncated == "false":
                return rows


# -- operations ------------------------------------------------------------------------------------------


@dataclass
class Flavor:
    """What differs between awsS3 v1, v2 and the S3-compatible node."""

    display: str
    #: v2 sends data requests to the bucket's region; v1 and ... use ``region`` only for signing.
    bucket_region: bool
    #: v2 upload path ``/<parent>/<fileName>``; v1/S3 ``/<parent>/`` + ``fileName || binary.fileName``.
    v2_paths: bool
    #: S3 node reads ``binaryPropertyName`` of item 0 on upload.
    upload_binary_prop_index0: bool = False
    download_dir_error: str = "Downloading a whole directory is not yet supported, please provide a file key"
    #: v1 / S3 node return the input items for download (v2 returns the new items).
    download_returns_items: bool = False


def _region(api: S3Api, flavor: Flavor, bucket: str, i: int) -> str | None:
    found = api.location(bucket, i)
    return found if flavor.bucket_region else None


def _object_headers(fields: dict[str, Any], *, copy: bool = False) -> dict[str, str]:
    """Request headers from an upload/copy ``additionalFields`` collection (n8n's order)."""
    headers: dict[str, str] = {}
    if fields.get("requesterPays"):
        headers["x-amz-request-payer"] = "requester"
    if fields.get("storageClass"):
        headers["x-amz-storage-class"] = snake_upper(fields["storageClass"])
    if fields.get("acl"):
        headers["x-amz-acl"] = param_case(fields["acl"])
    for name in ("grantFullControl", "grantRead", "grantReadAcp", "grantWriteAcp"):
        if fields.get(name):
            headers["x-amz-" + param_case(name)] = ""
    if fields.get("lockLegalHold"):
        headers["x-amz-object-lock-legal-hold"] = "ON"
    if fields.get("lockMode"):
        headers["x-amz-object-lock-mode"] = str(fields["lockMode"]).upper()
    if fields.get("lockRetainUntilDate"):
        headers["x-amz-object-lock-retain-until-date"] = js_str(fields["lockRetainUntilDate"])
    for name, header in (("serverSideEncryption", "x-amz-server-side-encryption"),
                         ("encryptionAwsKmsKeyId", "x-amz-server-side-encryption-aws-kms-key-id"),
                         ("serverSideEncryptionContext", "x-amz-server-side-encryption-context"),
                         ("serversideEncryptionCustomerAlgorithm", "x-amz-server-side-encryption-customer-algorithm"),
                         ("serversideEncryptionCustomerKey", "x-amz-server-side-encryption-customer-key"),
                         ("serversideEncryptionCustomerKeyMD5", "x-amz-server-side-encryption-customer-key-MD5")):
        if fields.get(name):
            headers[header] = js_str(fields[name])
    if copy:
        if fields.get("taggingDirective"):
            headers["x-amz-tagging-directive"] = str(fields["taggingDirective"]).upper()
        if fields.get("metadataDirective"):
            headers["x-amz-metadata-directive"] = str(fields["metadataDirective"]).upper()
    return headers


def file_upload(ctx: NodeContext, api: S3Api, flavor: Flavor, i: int, item: Item) -> Any:
    bucket = str(ctx.param("bucketName", i, ""))
    file_name = ctx.param("fileName", i, "")
    is_binary = ctx.param("binaryData", i, True)
    fields = ctx.param("additionalFields", i, {}) or {}
    tags = (ctx.param("tagsUi", i, {}) or {}).get("tagsValues")
    headers = _object_headers(fields)
    parent = fields.get("parentFolderKey")
    if flavor.v2_paths:
        path = f"/{parent}/{file_name}" if parent else f"/{file_name}"
    else:
        path = f"/{parent}/" if parent else "/"
    if tags:
        headers["x-amz-tagging"] = "&".join(f"{js_str(t.get('key'))}={js_str(t.get('value'))}" for t in tags)
    region = _region(api, flavor, bucket, i)
    if is_binary:
        prop = ctx.param("binaryPropertyName", 0 if flavor.upload_binary_prop_index0 else i, "data")
        data, entry = binary_bytes(item, str(prop), i)
        headers["Content-Type"] = entry.get("mimeType") or ""
        headers["Content-MD5"] = md5_b64(data)
        if not flavor.v2_paths:
            path = f"{path}{file_name or entry.get('fileName') or ''}"
        response = api.call(bucket, "PUT", path, i, query=api.qs, body=data, headers=headers, region=region)
        if flavor.v2_paths and response is not None:
            return response
        return {"success": True}
    content = js_str(ctx.param("fileContent", i, ""))
    body = content.encode()
    headers["Content-Type"] = "text/html"
    headers["Content-MD5"] = md5_b64(body)
    if not flavor.v2_paths:
        path = f"{path}{file_name}"
    api.call(bucket, "PUT", path, i, query=api.qs, body=body, headers=headers, region=region)
    return {"success": True}


def file_download(ctx: NodeContext, api: S3Api, flavor: Flavor, i: int, item: Item) -> Item:
    bucket = str(ctx.param("bucketName", i, ""))
    key = js_str(ctx.param("fileKey", i, ""))
    name = key.split("/")[-1]
    if key.endswith("/"):
        raise NodeError(flavor.download_dir_error, item_index=i)
    region = _region(api, flavor, bucket, i)
    response = api.send(bucket, "GET", f"/{key}", i, query=api.qs, region=region)
    mime = response.headers.get("content-type") or None
    prop = str(ctx.param("binaryPropertyName", i, "data"))
    binary = dict(item.get("binary") or {})
    binary[prop] = binmod.prepare_binary(response.content, name, mime)
    return {"json": item["json"], "binary": binary}


def _list_query(ctx: NodeContext, api: S3Api, *, delimiter: bool) -> dict[str, Any]:
    options = ctx.param("options", 0, {}) or {}
    qs = api.qs
    if options.get("folderKey"):
        qs["prefix"] = options["folderKey"]
    if options.get("fetchOwner"):
        qs["fetch-owner"] = options["fetchOwner"]
    if delimiter:
        qs["delimiter"] = "/"
    qs["list-type"] = 2
    return options


def _list(ctx: NodeContext, api: S3Api, flavor: Flavor, i: int, keep: Callable[[dict[str, Any]], bool],
          *, delimiter: bool) -> list[Any]:
    bucket = str(ctx.param("bucketName", i, ""))
    _list_query(ctx, api, delimiter=delimiter)
    return_all = ctx.param("returnAll", 0, False)
    region = _region(api, flavor, bucket, i)
    limit = None
    if not return_all:
        limit = int(ctx.param("limit", 0, 100) or 0)
        api.qs["limit"] = limit
    rows = api.all_items("ListBucketResult.Contents", bucket, "", i, api.qs, region)
    if limit is not None:
        rows = rows[:limit]
    rows = [row for row in rows if keep(row)]
    return rows[:limit] if limit else rows


def file_get_all(ctx: NodeContext, api: S3Api, flavor: Flavor, i: int, item: Item) -> Any:
    return _list(ctx, api, flavor, i, lambda e: not str(e.get("Key", "")).endswith("/") and e.get("Size") != "0",
                 delimiter=True)


def folder_get_all(ctx: NodeContext, api: S3Api, flavor: Flavor, i: int, item: Item) -> Any:
    folder = (ctx.param("options", 0, {}) or {}).get("folderKey")
    return _list(ctx, api, flavor, i, lambda e: str(e.get("Key", "")).endswith("/") and e.get("Size") == "0"
                 and e.get("Key") != folder, delimiter=False)


def file_delete(ctx: NodeContext, api: S3Api, flavor: Flavor, i: int, item: Item) -> Any:
    bucket = str(ctx.param("bucketName", i, ""))
    key = js_str(ctx.param("fileKey", i, ""))
    options = ctx.param("options", i, {}) or {}
    if options.get("versionId"):
        api.qs["versionId"] = options["versionId"]
    region = _region(api, flavor, bucket, i)
    api.call(bucket, "DELETE", f"/{key}", i, query=api.qs, region=region)
    return {"success": True}


def file_copy(ctx: NodeContext, api: S3Api, flavor: Flavor, i: int, item: Item) -> Any:
    source = js_str(ctx.param("sourcePath", i, ""))
    destination = js_str(ctx.param("destinationPath", i, ""))
    fields = ctx.param("additionalFields", i, {}) or {}
    headers = {"x-amz-copy-source": source, **_object_headers(fields, copy=True)}
    parts = destination.split("/")
    bucket = parts[1] if len(parts) > 1 else ""
    region = _region(api, flavor, bucket, i)
    data = api.call(bucket, "PUT", "/" + "/".join(parts[2:]), i, query=api.qs, headers=headers, region=region)
    return dig(data, "CopyObjectResult")


def folder_create(ctx: NodeContext, api: S3Api, flavor: Flavor, i: int, item: Item) -> Any:
    bucket = str(ctx.param("bucketName", i, ""))
    folder = js_str(ctx.param("folderName", i, ""))
    fields = ctx.param("additionalFields", i, {}) or {}
    headers: dict[str, str] = {}
    parent = fields.get("parentFolderKey")
    if fields.get("requesterPays"):
        headers["x-amz-request-payer"] = "requester"
    if parent:
        path = f"/{parent}/{folder}/" if flavor.v2_paths else f"/{parent}{folder}/"
    else:
        path = f"/{folder}/"
    if fields.get("storageClass"):
        headers["x-amz-storage-class"] = snake_upper(fields["storageClass"])
    region = _region(api, flavor, bucket, i)
    api.call(bucket, "PUT", path, i, query=api.qs, headers=headers, region=region)
    return {"success": True}


def _xml_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def delete_body(keys: list[str]) -> bytes:
    """xml2js ``Builder().buildObject({Delete: {$: {xmlns}, Object: [{Key}, ...]}})``."""
    objects = "".join(f"  <Object>\n    <Key>{_xml_text(key)}</Key>\n  </Object>\n" for key in keys)
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Delete xmlns="{S3_XMLNS}">\n{objects}</Delete>').encode()


def folder_delete(ctx: NodeContext, api: S3Api, flavor: Flavor, i: int, item: Item) -> Any:
    bucket = str(ctx.param("bucketName", i, ""))
    key = js_str(ctx.param("folderKey", i, ""))
    region = _region(api, flavor, bucket, i)
    rows = api.all_items("ListBucketResult.Contents", bucket, "" if flavor.v2_paths else "/", i,
                         {"list-type": 2, "prefix": key}, region)
    if not rows:
        api.call(bucket, "DELETE", f"/{key}", i, query=api.qs, region=region)
        return {"deleted": [{"Key": key}]}
    body = delete_body([js_str(row.get("Key")) for row in rows])
    headers = {"Content-MD5": md5_b64(body), "Content-Type": "application/xml"}
    data = api.call(bucket, "POST", "/", i, query={"delete": ""}, body=body, headers=headers, region=region)
    return {"deleted": dig(data, "DeleteResult.Deleted")}


def bucket_create(ctx: NodeContext, api: S3Api, flavor: Flavor, i: int, item: Item) -> Any:
    name = str(ctx.param("name", i, ""))
    fields = ctx.param("additionalFields", i, {}) or {}
    headers: dict[str, str] = {}
    if fields.get("acl"):
        headers["x-amz-acl"] = param_case(fields["acl"])
    if fields.get("bucketObjectLockEnabled"):
        headers["x-amz-bucket-object-lock-enabled"] = js_str(fields["bucketObjectLockEnabled"])
    for key in ("grantFullControl", "grantRead", "grantReadAcp", "grantWrite", "grantWriteAcp"):
        if fields.get(key):
            headers["x-amz-" + param_case(key)] = ""
    region = fields.get("region") or api.default_region
    body = b""
    if region != "us-east-1":
        body = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                f'<CreateBucketConfiguration xmlns="{S3_XMLNS}">\n'
                f"  <LocationConstraint>{region}</LocationConstraint>\n"
                "</CreateBucketConfiguration>").encode()
    api.call(name, "PUT", "", i, query=api.qs, body=body, headers=headers)
    return {"success": True}


def bucket_delete(ctx: NodeContext, api: S3Api, flavor: Flavor, i: int, item: Item) -> Any:
    api.call(str(ctx.param("name", i, "")), "DELETE", "", i)
    return {"success": True}


def bucket_get_all(ctx: NodeContext, api: S3Api, flavor: Flavor, i: int, item: Item) -> Any:
    prop = "ListAllMyBucketsResult.Buckets.Bucket"
    if ctx.param("returnAll", 0, False):
        return api.all_items(prop, "", "", i, {}, None)
    api.qs["limit"] = int(ctx.param("limit", 0, 100) or 0)
    return api.all_items(prop, "", "", i, api.qs, None)[: api.qs["limit"]]


def bucket_search(ctx: NodeContext, api: S3Api, flavor: Flavor, i: int, item: Item) -> Any:
    bucket = str(ctx.param("bucketName", i, ""))
    return_all = ctx.param("returnAll", 0, False)
    fields = ctx.param("additionalFields", i if flavor.v2_paths else 0, {}) or {}
    qs = api.qs
    for name, key in (("prefix", "prefix"), ("encodingType", "encoding-type"), ("delimiter", "delimiter"),
                      ("fetchOwner", "fetch-owner"), ("startAfter", "start-after")):
        if fields.get(name):
            qs[key] = fields[name]
    if fields.get("requesterPays"):
        qs["x-amz-request-payer"] = "requester"
    qs["list-type"] = 2
    region = _region(api, flavor, bucket, i)
    if return_all:
        return api.all_items("ListBucketResult.Contents", bucket, "", i, qs, region)
    qs["max-keys"] = ctx.param("limit", 0, 100)
    data = api.call(bucket, "GET", "", i, query=qs, region=region)
    return dig(data, "ListBucketResult.Contents")


OPERATIONS: dict[tuple[str, str], Callable[..., Any]] = {
    ("file", "upload"): file_upload, ("file", "download"): file_download, ("file", "getAll"): file_get_all,
    ("file", "delete"): file_delete, ("file", "copy"): file_copy,
    ("folder", "create"): folder_create, ("folder", "getAll"): folder_get_all, ("folder", "delete"): folder_delete,
    ("bucket", "create"): bucket_create, ("bucket", "delete"): bucket_delete,
    ("bucket", "getAll"): bucket_get_all, ("bucket", "search"): bucket_search,
}


def run(ctx: NodeContext, api_factory: Callable[[], S3Api], flavor: Flavor) -> NodeOutput:
    """Run the node's operation over its input items the way the three S3 nodes do."""
    resource = ctx.param("resource", 0, "file")
    operation = ctx.param("operation", 0, "download" if resource == "file" else "create")
    handler = OPERATIONS.get((resource, operation))
    if handler is None:
        raise unsupported(flavor.display, resource, operation)
    api = api_factory()
    if (resource, operation) != ("file", "download"):
        return [per_item(ctx, lambda i, item: handler(ctx, api, flavor, i, item))]
    return [_download_all(ctx, api, flavor)]


def _download_all(ctx: NodeContext, api: S3Api, flavor: Flavor) -> list[Item]:
    """Downloads: new items (v2), or the input items with files attached (v1, S3 node)."""
    out: list[Item] = []
    for i, item in enumerate(ctx.input(0)):
        try:
            new = file_download(ctx, api, flavor, i, item)
        except NodeError as exc:
            if not ctx.continue_on_fail:
                if exc.item_index is None:
                    exc.item_index = i
                raise
            if flavor.download_returns_items:
                # v1 drops the error item; the S3 node puts the error into the input item's json.
                kept = dict(item)
                if flavor.display == "S3":
                    kept["json"] = {"error": exc.message}
                new = kept
            else:
                new = json_array({"error": exc.message})[0]
        out.append({**new, "pairedItem": {"item": i}})
    return out


# -- awsS3 -----------------------------------------------------------------------------------------------


def aws_domain(region: str) -> str:
    return "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"


def _endpoint(endpoint: str, region: str) -> tuple[str, str]:
    """``(origin, path prefix)`` of a configured endpoint URL (``{region}`` replaced)."""
    parts = urlsplit(endpoint.replace("{region}", region))
    return f"{parts.scheme}://{parts.netloc}", parts.path.rstrip("/")


def aws_api(ctx: NodeContext, version: float) -> S3Api:
    """The signed client for awsS3 with the node's ``aws`` credential."""
    if ctx.param("authentication", 0, "iam") == "assumeRole" and version >= 2:
        raise NodeError(f"{DISPLAY}: authentication 'assumeRole' is not supported yet")
    creds = credential(ctx, "aws") or {}
    default_region = str(creds.get("region") or "us-east-1")
    s3_endpoint = str(creds.get("s3Endpoint") or "")

    def route(bucket: str, path: str, region: str) -> tuple[str, str]:
        if version >= 2 and "." in bucket:
            path = f"/{bucket}{path}"
            bucket = ""
        if bucket:
            return f"https://{bucket}.s3.{region}.{aws_domain(region)}", encode_path(path)
        if s3_endpoint:
            origin, prefix = _endpoint(s3_endpoint, region)
            return origin, encode_path(prefix + path)
        return f"https://s3.{region}.{aws_domain(region)}", encode_path(path)

    token = str(creds.get("sessionToken") or "").strip() if creds.get("temporaryCredentials") else None
    return S3Api(ctx, str(creds.get("accessKeyId") or "").strip(), str(creds.get("secretAccessKey") or "").strip(),
                 token or None, route, default_region, override=_override(ctx, "awsS3"), soap=version < 2)


def _override(ctx: NodeContext, key: str) -> str | None:
    configured = ctx.state.services.base_urls.get(key)
    return configured.rstrip("/") if configured else None


V1 = Flavor(DISPLAY, bucket_region=False, v2_paths=False, download_returns_items=True)
V2 = Flavor(DISPLAY, bucket_region=True, v2_paths=True)


@register("n8n-nodes-base.awsS3", versions=(1, 2), display_name="AWS S3")
def aws_s3(ctx: NodeContext) -> NodeOutput:
    version = float(ctx.node.type_version or 2)
    return run(ctx, lambda: aws_api(ctx, version), V2 if version >= 2 else V1)
