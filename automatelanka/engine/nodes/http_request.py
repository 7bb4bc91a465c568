"""HTTP Request node (n8n-nodes-base.httpRequest v1-v4.3): one request per input item.

v3+ (``method``, ``sendQuery``/``sendHeaders``/``sendBody``, ``options.response``, pagination,
batching) and the legacy v1/v2 (``requestMethod``, ``*ParametersUi``/``*ParametersJson``,
``responseFormat``). Requests go through :mod:`automatelanka.engine.nodes._http`, so credentials,
the outbound policy, redirects and the response size limit are applied in one place.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

from automatelanka.engine import binary as binmod
from automatelanka.engine.errors import NodeApiError, NodeError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes import _http
from automatelanka.engine.nodes.base import NodeContext, register

#: Content types n8n's autodetect treats as files (``binaryContentTypes``).
BINARY_CONTENT_TYPES = (
    "image/", "audio/", "video/", "application/octet-stream", "application/gzip", "application/zip",
    "application/vnd.rar", "application/epub+zip", "application/x-bzip", "application/x-bzip2",
    "application/x-cdf", "application/vnd.amazon.ebook", "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "application/vnd.ms-fontobject",
    "application/vnd.oasis.opendocument.presentation", "application/pdf", "application/x-tar",
    "application/vnd.visio", "application/vnd.ms-excel",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/x-7z-compressed",
)
_ACCEPT = {
    "json": "application/json,text/*;q=0.99",
    "text": "application/json,text/html,application/xhtml+xml,application/xml,text/*;q=0.9, */*;q=0.1",
    "other": "application/json,text/html,application/xhtml+xml,application/xml,text/*;q=0.9, image/*;q=0.8, "
             "*/*;q=0.7",
}
_GENERIC_TYPES = ("httpBasicAuth", "httpBearerAuth", "httpDigestAuth", "httpHeaderAuth", "httpQueryAuth",
                  "httpCustomAuth", "oAuth2Api", "oAuth1Api")


@dataclass
class Prepared:
    """One request, built from the node's parameters for one item."""

    method: str
    url: str
    qs: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, Any] = field(default_factory=dict)
    body: Any = None
    #: json | form | multipart | raw | binary | None
    body_kind: str | None = None
    files: list[tuple[str, tuple[str | None, bytes, str | None]]] = field(default_factory=list)
    array_format: str | None = None
    auth: dict[str, Any] | None = None
    oauth2: tuple[str, dict[str, Any]] | None = None
    timeout_ms: float = 300_000
    verify: bool = True
    proxy: str | None = None
    follow_redirects: bool = True
    max_redirects: int = 21
    never_error: bool = False
    #: n8n parsed the body (``json: true``): error reasons quote it as compact JSON.
    json_errors: bool = False


# -- query strings -------------------------------------------------------------------------------

def _enc(text: str, *, axios: bool) -> str:
    encoded = quote(text, safe="-_.!~*'()")
    if axios:
        for a, b in (("%3A", ":"), ("%24", "$"), ("%2C", ","), ("%20", "+"), ("%5B", "["), ("%5D", "]")):
            encoded = encoded.replace(a, b)
    return encoded


def _scalar(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def stringify_query(qs: dict[str, Any], array_format: str | None) -> str:
    """``qs.stringify`` with ``arrayFormat`` (indices / brackets / repeat; ``None``: indices, what
    n8n's request helper uses by default)."""
    axios = False
    array_format = array_format or "indices"
    pairs: list[tuple[str, str]] = []

    def walk(prefix: str, value: Any) -> None:
        if value is None:
            if not axios:
                pairs.append((prefix, ""))
            return
        if isinstance(value, list):
            for i, v in enumerate(value):
                if array_format == "repeat":
                    key = prefix
                elif array_format == "indices":
                    key = f"{prefix}[{i}]"
                else:
                    key = f"{prefix}[]"
                walk(key, v)
        elif isinstance(value, dict):
            for k, v in value.items():
                walk(f"{prefix}[{k}]", v)
        else:
            pairs.append((prefix, _scalar(value)))

    for key, value in qs.items():
        walk(str(key), value)
    return "&".join(f"{_enc(k, axios=axios)}={_enc(v, axios=axios)}" for k, v in pairs)


def _with_query(url: str, qs: dict[str, Any], array_format: str | None) -> str:
    if not qs:
        return url
    query = stringify_query(qs, array_format)
    if not query:
        return url
    base, _, fragment = url.partition("#")
    return f"{base}{'&' if '?' in base else '?'}{query}" + (f"#{fragment}" if fragment else "")


# -- sending -------------------------------------------------------------------------------------

def send(ctx: NodeContext, req: Prepared, item_index: int):
    """Send ``req``; returns the httpx response (body read)."""
    url = _with_query(req.url, req.qs, req.array_format)
    headers = {k: _scalar(v) for k, v in req.headers.items() if v is not None}
    kwargs: dict[str, Any] = {}
    if req.body_kind == "json" and req.body is not None:
        kwargs["content"] = json.dumps(req.body, ensure_ascii=False, separators=(",", ":")).encode()
        if not any(k.lower() == "content-type" for k in headers):
            headers["content-type"] = "application/json"
    elif req.body_kind == "form":
        data = req.body if isinstance(req.body, str) else stringify_query(req.body or {}, "indices")
        kwargs["content"] = data.encode()
        if not any(k.lower() == "content-type" for k in headers):
            headers["content-type"] = "application/x-www-form-urlencoded"
    elif req.body_kind == "multipart":
        fields = list(req.body.items()) if isinstance(req.body, dict) else list(req.body or [])
        parts: list[tuple[str, tuple[str | None, bytes, str | None]]] = [
            (str(k), (None, _scalar(v).encode(), None)) for k, v in fields]
        kwargs["files"] = parts + list(req.files)
        headers = {k: v for k, v in headers.items() if k.lower() != "content-type"}
    elif req.body_kind in ("raw", "binary"):
        body = req.body
        kwargs["content"] = body if isinstance(body, bytes) else ("" if body is None else str(body)).encode()
    try:
        return _send_prepared(ctx, req, url, headers, item_index, kwargs)
    except NodeApiError as exc:
        reason = exc.context.get("reason")
        detail = exc.context.get("errorResponse")
        if req.json_errors and isinstance(reason, dict) and isinstance(detail, (dict, list)) and "status" in reason:
            reason["message"] = f"{reason['status']} - {json.dumps(detail, ensure_ascii=False, separators=(',', ':'))}"
        raise


def _send_prepared(ctx: NodeContext, req: Prepared, url: str, headers: dict[str, Any], item_index: int,
                   kwargs: dict[str, Any]):
    return _http.request(ctx, req.method, url, auth=req.auth, oauth2=req.oauth2, item_index=item_index,
                         timeout=req.timeout_ms / 1000, never_error=req.never_error,
                         follow_redirects=req.follow_redirects, max_redirects=req.max_redirects,
                         verify=req.verify, proxy=req.proxy, headers=headers, **kwargs)


# -- authentication ------------------------------------------------------------------------------

def resolve_auth(ctx: NodeContext, kind: str | None, item_index: int) -> tuple[dict | None, tuple | None]:
    """``(auth, oauth2)`` for the credential type ``kind`` (None: no authentication)."""
    if not kind:
        return None, None
    fields = _http.credential(ctx, kind) or {}
    allowed = fields.get("allowedHttpRequestDomains")
    if allowed == "none":
        raise NodeError("This credential is configured to prevent use within an HTTP Request or GraphQL node")
    if kind == "oAuth1Api":
        raise NodeError("OAuth1 credentials are not supported yet", item_index=item_index)
    if _http.is_oauth2(kind):
        return None, (kind, fields)
    auth = _http.auth_for(kind, fields)
    if auth is None:
        raise NodeError(f"Credential type '{kind}' is not supported by the HTTP Request node yet",
                        description="Use a generic credential (Header Auth, Bearer Auth, Basic Auth, Query Auth "
                                    "or OAuth2) instead.", item_index=item_index)
    return auth, None


def _check_allowed_domain(ctx: NodeContext, kind: str | None, url: str) -> None:
    if not kind or kind not in ctx.node.credentials:
        return
    fields = _http.credential(ctx, kind) or {}
    if fields.get("allowedHttpRequestDomains") != "domains":
        return
    domains = [d.strip().lower() for d in str(fields.get("allowedDomains") or "").split(",") if d.strip()]
    if not domains:
        raise NodeError("No allowed domains specified. Configure allowed domains or change restriction setting.")
    host = (urlsplit(url).hostname or "").lower()
    if not any(host == d or (d.startswith("*.") and host.endswith(d[1:])) for d in domains):
        raise NodeError(f"Domain not allowed: This credential is restricted from accessing {host}. "
                        f"Only the following domains are allowed: {', '.join(domains)}")


# -- v3 / v4.x -----------------------------------------------------------------------------------

def _lodash_set(target: dict[str, Any], path: str, value: Any) -> None:
    parts = [p for p in path.replace("]", "").replace("[", ".").split(".") if p != ""] or [path]
    node = target
    for i, part in enumerate(parts[:-1]):
        nxt = node.get(part)
        if not isinstance(nxt, (dict, list)):
            nxt = [] if parts[i + 1].isdigit() else {}
            node[part] = nxt
        if isinstance(nxt, list):
            index = int(parts[i + 1]) if parts[i + 1].isdigit() else None
            if index is None:
                break
            while len(nxt) <= index:
                nxt.append(None)
        node = nxt  # type: ignore[assignment]
    if isinstance(node, list):
        index = int(parts[-1])
        while len(node) <= index:
            node.append(None)
        node[index] = value
    else:
        node[parts[-1]] = value


def _add_param(version: float, target: dict[str, Any], name: str, value: Any) -> None:
    if version < 4.3 or name not in target:
        target[name] = value
    elif isinstance(target[name], list):
        target[name].append(value)
    else:
        target[name] = [target[name], value]


def _parse_json_param(value: Any, item_index: int) -> Any:
    if isinstance(value, (dict, list)):
        return value
    try:
        return json.loads(value) if isinstance(value, str) else value
    except ValueError:
        raise NodeError("JSON parameter needs to be valid JSON", item_index=item_index) from None


def build_v3(ctx: NodeContext, i: int, version: float, auth_kind: str | None) -> Prepared:
    """The request for item ``i`` (v3-v4.3 parameters)."""
    url = ctx.param("url", i, "")
    if not isinstance(url, str):
        actual = "null" if url is None else {bool: "boolean", int: "number", float: "number"}.get(type(url), "object")
        raise NodeError(f"URL parameter must be a string, got {actual}", item_index=i)
    if not url.startswith(("http://", "https://")):
        raise NodeError(f'Invalid URL: {url}. URL must start with "http" or "https".', item_index=i)
    _check_allowed_domain(ctx, auth_kind, url)
    method = str(ctx.param("method", i, "GET")).upper()
    options = ctx.param("options", i, {}) or {}
    response_opts = ((options.get("response") or {}).get("response") or {})
    response_format = response_opts.get("responseFormat") or "autodetect"
    req = Prepared(method=method, url=url)
    redirect = options.get("redirect")
    redirect_opts = (redirect or {}).get("redirect") or {}
    if redirect is None:
        req.follow_redirects = version >= 4
    else:
        req.follow_redirects = bool(redirect_opts.get("followRedirects", version >= 4))
    req.max_redirects = int(redirect_opts.get("maxRedirects") or 21)
    req.never_error = bool(response_opts.get("neverError"))
    req.proxy = options.get("proxy") or None
    req.timeout_ms = float(options.get("timeout") or 300_000)
    req.verify = not options.get("allowUnauthorizedCerts")
    if ctx.param("sendQuery", i, False) and options.get("queryParameterArrays"):
        req.array_format = options["queryParameterArrays"]

    def pairs_to_dict(pairs: list[dict[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for p in pairs:
            _add_param(version, out, p.get("name", ""), p.get("value", ""))
        return out

    content_type = ctx.param("contentType", i, "")
    if ctx.param("sendBody", i, False):
        specify = ctx.param("specifyBody", i, "")
        params = ctx.param("bodyParameters.parameters", i, []) or []
        if specify == "keypair" or content_type == "multipart-form-data":
            if content_type == "multipart-form-data":
                fields: list[tuple[str, Any]] = []
                for p in params:
                    if p.get("parameterType") == "formBinaryData":
                        field_name = p.get("inputDataFieldName")
                        if not field_name:
                            continue
                        entry = binmod.assert_binary(ctx.input(0)[i], field_name, i)
                        req.files.append((p.get("name", ""), (entry.get("fileName"), binmod.binary_bytes(entry),
                                                              entry.get("mimeType"))))
                    else:
                        fields.append((p.get("name", ""), p.get("value", "")))
                req.body = fields if version >= 4.2 else list(dict(fields).items())
            elif content_type == "json" and version >= 4:
                body: dict[str, Any] = {}
                for p in params:
                    _lodash_set(body, str(p.get("name", "")), p.get("value", ""))
                req.body = body
            else:
                req.body = pairs_to_dict(params)
        elif specify == "json":
            req.body = _parse_json_param(ctx.param("jsonBody", i, ""), i)
        elif specify == "string":
            from urllib.parse import parse_qsl

            req.body = dict(parse_qsl(str(ctx.param("body", i, "")), keep_blank_values=True))
        req.body_kind = "json"
        if method in ("PATCH", "POST", "PUT", "GET"):
            if content_type == "multipart-form-data":
                req.body_kind = "multipart"
            elif content_type == "form-urlencoded":
                req.body_kind = "form"
            elif content_type == "binaryData":
                field_name = ctx.param("inputDataFieldName", i, "data")
                entry = binmod.assert_binary(ctx.input(0)[i], field_name, i)
                req.body = binmod.binary_bytes(entry)
                req.body_kind = "binary"
                req.headers["content-length"] = len(req.body)
                req.headers["content-type"] = entry.get("mimeType") or "application/octet-stream"
            elif content_type == "raw":
                req.body = ctx.param("body", i, "")
                req.body_kind = "raw"
        if req.body_kind == "multipart" and not isinstance(req.body, list):
            req.body = list((req.body or {}).items())

    if ctx.param("sendQuery", i, False):
        if ctx.param("specifyQuery", i, "keypair") == "json":
            parsed = _parse_json_param(ctx.param("jsonQuery", i, ""), i)
            req.qs = parsed if isinstance(parsed, dict) else {}
        else:
            req.qs = pairs_to_dict(ctx.param("queryParameters.parameters", i, []) or [])

    if ctx.param("sendHeaders", i, False):
        if ctx.param("specifyHeaders", i, "keypair") == "json":
            extra = _parse_json_param(ctx.param("jsonHeaders", i, ""), i)
            extra = extra if isinstance(extra, dict) else {}
        else:
            extra = pairs_to_dict([h for h in ctx.param("headerParameters.parameters", i, []) or [] if h.get("name")])
        lower = options.get("lowercaseHeaders")
        if lower is None or lower:
            extra = {str(k).lower(): v for k, v in extra.items()}
        req.headers.update(extra)
    if content_type == "raw" and ctx.param("sendBody", i, False):
        req.headers["content-type"] = ctx.param("rawContentType", i, "")

    auth, oauth2 = resolve_auth(ctx, auth_kind, i)
    if auth and "body" in auth and isinstance(req.body, dict):
        req.body = {**req.body, **auth["body"]}
    req.auth, req.oauth2 = auth, oauth2
    req.json_errors = response_format == "json"
    if "accept" not in req.headers:
        req.headers["accept"] = _ACCEPT["json"] if response_format == "json" else \
            _ACCEPT["text"] if response_format == "text" else _ACCEPT["other"]
    return req


def _auth_kind_v3(ctx: NodeContext) -> str | None:
    authentication = ctx.param("authentication", 0, "none")
    if authentication == "genericCredentialType":
        kind = ctx.param("genericAuthType", 0, "")
        if kind not in _GENERIC_TYPES:
            raise NodeError(f"Generic credential type '{kind}' is not supported")
        return kind
    if authentication == "predefinedCredentialType":
        return ctx.param("nodeCredentialType", 0, "") or None
    return None


@dataclass
class Result:
    """A response in n8n's shape before output shaping."""

    body: Any
    headers: dict[str, Any]
    status_code: int
    status_message: str
    url: str
    content_type: str
    resolved: bool = False  # the body was already decoded (pagination)


def _headers(response) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in response.headers.multi_items():
        if key in out:
            out[key] = [*out[key], value] if isinstance(out[key], list) else (
                [out[key], value] if key == "set-cookie" else f"{out[key]}, {value}")
        else:
            out[key] = [value] if key == "set-cookie" else value
    return out


def _result(response) -> Result:
    return Result(body=response.content, headers=_headers(response), status_code=response.status_code,
                  status_message=response.reason_phrase, url=str(response.url),
                  content_type=response.headers.get("content-type", ""))


def _decode(data: bytes, content_type: str) -> str:
    charset = None
    lowered = content_type.lower()
    if "charset=" in lowered:
        charset = lowered.split("charset=", 1)[1].split(";")[0].split(",")[0].strip().strip("'\"")
    try:
        return data.decode(charset or "utf-8")
    except (LookupError, UnicodeDecodeError):
        return data.decode("utf-8", "replace")


def _as_json(data: bytes | str, item_index: int) -> Any:
    text = data if isinstance(data, str) else _decode(data, "")
    if text == "":
        return None
    try:
        return json.loads(text)
    except ValueError:
        raise NodeError('Response body is not valid JSON. Change "Response Format" to "Text"',
                        item_index=item_index) from None


def _to_text(value: Any) -> Any:
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return value


def _file_entry(body: bytes, result: Result, output_name: str | None, request_url: str) -> dict[str, Any]:
    """``prepareBinaryData`` for a response stream, then the node's ``setFilename``."""
    mime = result.content_type.split(" ")[0].split(";")[0] or None
    file_path = None
    disposition = result.headers.get("content-disposition")
    if isinstance(disposition, str) and "filename=" in disposition:
        file_path = disposition.split("filename=", 1)[1].split(";")[0].strip().strip('"')
    if not file_path:
        file_path = urlsplit(result.url).path[1:] or None
    entry = binmod.prepare_binary(body, None, mime)
    if not mime:
        entry = binmod.prepare_binary(body, file_path)
    elif file_path:
        base = file_path.rsplit("/", 1)[-1]
        entry["directory"] = result.url
        if base:
            entry["fileName"] = base
            if "." in base:
                entry["fileExtension"] = base.rsplit(".", 1)[1]
    if not entry.get("fileName") and entry.get("fileExtension"):
        ext = entry["fileExtension"]
        entry["fileName"] = request_url.rsplit("/", 1)[-1] if request_url.endswith(ext) else \
            f"{output_name or 'data'}.{ext}"
    return entry


def shape_response(ctx: NodeContext, result: Result, i: int, item: dict[str, Any], version: float,
                   request_url: str) -> list[dict[str, Any]]:
    """Output items for one response (v3+)."""
    resp = ((ctx.param("options", 0, {}) or {}).get("response") or {}).get("response") or {}
    response_format = resp.get("responseFormat") or "autodetect"
    full = bool(resp.get("fullResponse"))
    output_name = resp.get("outputPropertyName")
    body: Any = result.body
    autodetect = response_format == "autodetect"
    if autodetect:
        if "application/json" in result.content_type:
            response_format = "json"
            if not result.resolved:
                text = _decode(body, result.content_type)
                try:
                    body = json.loads(text)
                except ValueError:
                    if not resp.get("neverError"):
                        raise NodeError("Invalid JSON in response body", item_index=i) from None
                    body = {}
        elif any(t in result.content_type for t in BINARY_CONTENT_TYPES):
            response_format = "file"
        else:
            response_format = "text"
            if not result.resolved:
                text = _decode(body, result.content_type)
                body = text or None
    elif not result.resolved and isinstance(body, bytes) and response_format in ("json", "text"):
        text = _decode(body, result.content_type)
        try:
            body = json.loads(text) if text else text
        except ValueError:
            body = text
    pair = {"item": i}
    if response_format == "file":
        data = body if isinstance(body, bytes) else (_to_text(body) or "").encode()
        name = output_name or "data"
        new_item: dict[str, Any] = {"json": {}, "binary": dict(item.get("binary") or {}), "pairedItem": pair}
        if full:
            new_item["json"] = {"headers": result.headers, "statusCode": result.status_code,
                                "statusMessage": result.status_message}
        else:
            new_item["json"] = item.get("json", {})
        new_item["binary"][name] = _file_entry(data, result, output_name, request_url)
        return [new_item]
    if response_format == "text":
        name = output_name or "data"
        if full:
            out = {name: _to_text(body), "headers": result.headers, "statusCode": result.status_code,
                   "statusMessage": result.status_message}
        else:
            out = {name: _to_text(body)}
        return [{"json": {k: v for k, v in out.items() if v is not None or k != name}, "pairedItem": pair}]
    if full:
        if response_format == "json" and isinstance(body, str):
            body = _as_json(body, i)
        return [{"json": {"body": body, "headers": result.headers, "statusCode": result.status_code,
                          "statusMessage": result.status_message}, "pairedItem": pair}]
    if response_format == "json" and isinstance(body, str):
        body = _as_json(body, i)
    if isinstance(body, list):
        return [{"json": _obj(x), "pairedItem": pair} for x in body]
    return [{"json": _obj(body), "pairedItem": pair}]


def _obj(value: Any) -> Any:
    return {} if value is None else value


def error_reason(exc: NodeError) -> Any:
    """The object n8n puts under ``json.error`` for a failed request with continueOnFail."""
    if isinstance(exc, NodeApiError) and "reason" in exc.context:
        return exc.context["reason"]
    return exc.message


def _sleep(ctx: NodeContext, ms: float) -> None:
    if ms and ms > 0:
        (ctx.state.services.sleep or time.sleep)(ms / 1000)


# -- pagination ----------------------------------------------------------------------------------

def paginate(ctx: NodeContext, req: Prepared, i: int, pagination: dict[str, Any], response_format: str) -> list[Result]:
    """n8n's ``requestWithAuthenticationPaginated``: requests until the complete condition holds."""
    mode = pagination.get("paginationMode", "updateAParameterInEachRequest")
    complete_when = pagination.get("paginationCompleteWhen", "responseIsEmpty")
    request_data: dict[str, Any] = {}
    if mode == "updateAParameterInEachRequest":
        params = ((pagination.get("parameters") or {}).get("parameters")) or []
        if len(params) == 1 and params[0].get("name", "") == "" and params[0].get("value", "") == "":
            raise NodeError("At least one entry with 'Name' and 'Value' filled must be included in 'Parameters' "
                            "to use 'Update a Parameter in Each Request' mode ")
        for n, p in enumerate(params, 1):
            if p.get("name", "") == "":
                raise NodeError(f"Parameter name must be set for parameter [{n}] in pagination settings")
            kind = p.get("type", "qs")
            if kind not in ("body", "headers", "qs"):
                raise NodeError(f"Parameter type must be one of: body, headers, qs for parameter [{n}] in "
                                "pagination settings")
            if p.get("value", "") == "":
                raise NodeError(f"Some value must be provided for parameter [{n}] in pagination settings, omitting "
                                "it will result in an infinite loop")
            request_data.setdefault(kind, {})[p["name"]] = p["value"]
    elif mode == "responseContainsNextURL":
        request_data["url"] = pagination.get("nextURL", "")
    if complete_when == "other":
        expression = pagination.get("completeExpression", "")
        if not isinstance(expression, str) or not expression.startswith("="):
            raise NodeError("Invalid or empty Complete Expression")
    binary_result = response_format == "file"
    results: list[Result] = []
    extra: dict[str, Any] = {"$request": _request_view(req), "$response": {}, "$pageCount": 0,
                             "$version": ctx.node.type_version}
    previous_hash = ""
    previous_length = 0
    identical = 0
    while True:
        resolved = ctx.resolve(request_data, i, extra=extra) if request_data else {}
        page = Prepared(**{**req.__dict__, "qs": dict(req.qs), "headers": dict(req.headers),
                           "never_error": True})
        if resolved.get("url"):
            page.url = str(resolved["url"])
            if not page.url.startswith(("http://", "https://")):
                raise NodeError(f"'{page.url}' is not a valid URL.", item_index=i,
                                description='Make sure the "Next URL" parameter evaluates to a valid URL.')
        page.qs.update(resolved.get("qs") or {})
        page.headers.update({k: v for k, v in (resolved.get("headers") or {}).items()})
        if resolved.get("body"):
            page.body = {**(page.body if isinstance(page.body, dict) else {}), **resolved["body"]}
            page.body_kind = page.body_kind or "json"
        result = _result(send(ctx, page, i))
        content_body: Any = result.body
        if not binary_result:
            text = _decode(result.body, result.content_type)
            if "application/json" in result.content_type:
                try:
                    result.body = json.loads(text) if text else {}
                except ValueError:
                    result.body = {}
            else:
                result.body = text
            result.resolved = True
            content_body = text
        if not binary_result or result.headers.get("etag"):
            length = int(result.headers.get("content-length") or 0) if str(
                result.headers.get("content-length") or "0").isdigit() else 0
            if previous_length == length:
                import hashlib

                digest = result.headers.get("etag") or hashlib.md5(
                    content_body if isinstance(content_body, bytes) else str(content_body).encode()).hexdigest()
                if digest == previous_hash:
                    identical += 1
                    if identical > 2:
                        raise NodeError("The returned response was identical 5x, so requests got stopped",
                                        item_index=i, description='Check if "Pagination Completed When" has been '
                                                                  "configured correctly.")
                else:
                    identical = 0
                previous_hash = digest
            else:
                identical = 0
            previous_length = length
        results.append(result)
        extra = {**extra, "$response": {"body": result.body, "headers": result.headers,
                                        "statusCode": result.status_code},
                 "$pageCount": extra["$pageCount"] + 1}
        if pagination.get("limitPagesFetched"):
            max_requests = ctx.resolve(pagination.get("maxRequests", 1000), i, extra=extra)
            if max_requests and extra["$pageCount"] >= float(max_requests):
                break
        if not _should_continue(ctx, pagination, complete_when, i, extra):
            break
        _sleep(ctx, float(ctx.resolve(pagination.get("requestInterval", 0), i, extra=extra) or 0))
        if not 200 <= result.status_code < 300:
            data = result.body if isinstance(result.body, str) else json.dumps(result.body)
            raise NodeApiError(_http.STATUS_MESSAGES.get(result.status_code, f"{result.status_code} - \"{data}\""),
                               item_index=i, http_code=str(result.status_code),
                               context={"reason": {"message": f"{result.status_code} - \"{data}\"",
                                                   "name": "Error", "status": result.status_code}})
    return results


def _should_continue(ctx: NodeContext, pagination: dict[str, Any], complete_when: str, i: int,
                     extra: dict[str, Any]) -> bool:
    response = extra["$response"]
    if complete_when == "receiveSpecificStatusCodes":
        codes = [int(c.strip()) for c in str(pagination.get("statusCodesWhenComplete", "")).split(",")
                 if c.strip().lstrip("-").isdigit()]
        return response["statusCode"] not in codes
    if complete_when == "other":
        expression = str(pagination.get("completeExpression", "")).strip()
        return not _truthy(ctx.resolve(expression, i, extra=extra))
    body = response["body"]
    if isinstance(body, list):
        return len(body) > 0
    return _truthy(body)


def _truthy(value: Any) -> bool:
    """JavaScript truthiness of a JSON value."""
    if isinstance(value, (dict, list)):
        return True
    return bool(value)


def _request_view(req: Prepared) -> dict[str, Any]:
    return {"method": req.method, "uri": req.url, "url": req.url, "qs": dict(req.qs), "headers": dict(req.headers),
            "body": req.body if not isinstance(req.body, bytes) else None}


# -- handlers ------------------------------------------------------------------------------------

@register("n8n-nodes-base.httpRequest", versions=(3, 4, 4.1, 4.2, 4.3), display_name="HTTP Request")
@register("n8n-nodes-base.httpRequestTool", versions=(3, 4, 4.1, 4.2, 4.3), display_name="HTTP Request Tool")
def http_request(ctx: NodeContext) -> NodeOutput:
    """HTTP Request v3-v4.3."""
    items = ctx.input(0)
    version = float(ctx.node.type_version)
    auth_kind = _auth_kind_v3(ctx)
    pagination = ctx.raw_param("options.pagination.pagination", None)
    if not isinstance(pagination, dict) or pagination.get("paginationMode", "updateAParameterInEachRequest") == "off":
        pagination = None
    output: list[dict[str, Any]] = []
    for i, item in enumerate(items):
        try:
            options = ctx.param("options", i, {}) or {}
            batch = (options.get("batching") or {}).get("batch") or {}
            size = batch.get("batchSize")
            batch_size = int(size) if isinstance(size, (int, float)) and size > 0 else 1
            interval = float(batch.get("batchInterval") or 0)
            if i > 0 and interval > 0 and i % batch_size == 0:
                _sleep(ctx, interval)
            req = build_v3(ctx, i, version, auth_kind)
            response_format = (((options.get("response") or {}).get("response") or {}).get("responseFormat")
                               or "autodetect")
            if pagination is not None:
                results = paginate(ctx, req, i, pagination, response_format)
            else:
                results = [_result(send(ctx, req, i))]
            for result in results:
                output.extend(shape_response(ctx, result, i, item, version, req.url))
        except NodeError as exc:
            if not ctx.continue_on_fail:
                if exc.item_index is None:
                    exc.item_index = i
                raise
            output.append({"json": {"error": error_reason(exc)}, "pairedItem": {"item": i}})
    if len(output) == 1 and isinstance(output[0]["json"].get("data") if isinstance(output[0]["json"], dict)
                                       else None, list):
        ctx.hint("To split the contents of ‘data’ into separate items for easier processing, add a ‘Split Out’ "
                 "node after this one")
    return [output]


# -- v1 / v2 -------------------------------------------------------------------------------------

_V1_AUTH = {"basicAuth": "httpBasicAuth", "digestAuth": "httpDigestAuth", "headerAuth": "httpHeaderAuth",
            "queryAuth": "httpQueryAuth", "oAuth1": "oAuth1Api", "oAuth2": "oAuth2Api"}


def build_v1(ctx: NodeContext, i: int, auth_kind: str | None) -> tuple[Prepared, dict[str, Any]]:
    method = str(ctx.param("requestMethod", i, "GET")).upper()
    options = ctx.param("options", i, {}) or {}
    url = ctx.param("url", i, "")
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise NodeError(f'Invalid URL: {url}. URL must start with "http" or "https".', item_index=i)
    response_format = ctx.param("responseFormat", 0, "json")
    req = Prepared(method=method, url=url, verify=not ctx.param("allowUnauthorizedCerts", i, False))
    req.follow_redirects = options.get("followRedirect", True) is not False
    req.never_error = options.get("ignoreResponseCode") is True
    req.proxy = options.get("proxy") or None
    req.timeout_ms = float(options.get("timeout") or 3_600_000)
    req.array_format = "repeat" if options.get("useQueryString") else None
    req.json_errors = response_format == "json"
    content_type = options.get("bodyContentType")
    if ctx.param("jsonParameters", i, False):
        for param, target, label in (("bodyParametersJson", "body", "Body Parameters"),
                                     ("headerParametersJson", "headers", "Headers"),
                                     ("queryParametersJson", "qs", "Query Parameters")):
            if target == "body" and ctx.param("sendBinaryData", i, False):
                if content_type not in ("raw", "multipart-form-data"):
                    raise NodeError('Sending binary data is only supported when option "Body Content Type" is set '
                                    'to "RAW/CUSTOM" or "FORM-DATA/MULTIPART"!')
                names = str(ctx.param("binaryPropertyName", i, "data"))
                if content_type == "raw":
                    req.body = binmod.binary_bytes(binmod.assert_binary(ctx.input(0)[i], names, i))
                    req.body_kind = "raw"
                else:
                    parts = [p.strip() for p in names.split(",")]
                    for part in parts:
                        field_name, prop = part.split(":", 1) if ":" in part else ("file", part)
                        if ":" not in part and len(parts) > 1:
                            raise NodeError("If more than one property should be send it is needed to define the "
                                            'in the format: "sendKey1:binaryProperty1,sendKey2:binaryProperty2"')
                        entry = binmod.assert_binary(ctx.input(0)[i], prop, i)
                        req.files.append((field_name, (entry.get("fileName"), binmod.binary_bytes(entry),
                                                       entry.get("mimeType"))))
                    req.body = {}
                continue
            value = ctx.param(param, i, "")
            if value == "":
                continue
            if not isinstance(value, (dict, list)) and content_type != "raw":
                try:
                    value = json.loads(value)
                except (ValueError, TypeError):
                    raise NodeError(f'The data in "{label}" is no valid JSON. Set Body Content Type to '
                                    '"RAW/Custom" for XML or other types of payloads') from None
            if target == "body":
                req.body = value
            elif target == "headers":
                req.headers.update(value if isinstance(value, dict) else {})
            else:
                req.qs = value if isinstance(value, dict) else {}
    else:
        for param, target in (("bodyParametersUi", "body"), ("headerParametersUi", "headers"),
                              ("queryParametersUi", "qs")):
            ui = ctx.param(param, i, {}) or {}
            if ui.get("parameter") is None:
                continue
            values: dict[str, Any] = {}
            for p in ui["parameter"]:
                name, value = p.get("name", ""), p.get("value", "")
                if target == "qs" and name in values:
                    old = values[name]
                    values[name] = [*old, value] if isinstance(old, list) else [old, value]
                elif target == "headers":
                    values[str(name).lower()] = value
                else:
                    values[name] = value
            if target == "body":
                req.body = values
            elif target == "headers":
                req.headers.update(values)
            else:
                req.qs = values
    if req.body is not None and req.body_kind is None:
        req.body_kind = "json"
        if method in ("PATCH", "POST", "PUT"):
            if content_type == "multipart-form-data":
                req.body_kind = "multipart"
                req.body = list((req.body or {}).items()) if isinstance(req.body, dict) else []
            elif content_type == "form-urlencoded":
                req.body_kind = "form"
            elif content_type == "raw":
                req.body_kind = "raw"
                if not isinstance(req.body, (str, bytes)):
                    req.body = json.dumps(req.body)
    elif req.files:
        req.body_kind = "multipart"
        req.body = []
    if options.get("bodyContentCustomMimeType"):
        req.headers["Content-Type"] = options["bodyContentCustomMimeType"]
    auth, oauth2 = resolve_auth(ctx, auth_kind, i)
    req.auth, req.oauth2 = auth, oauth2
    if "accept" not in req.headers:
        req.headers["accept"] = _ACCEPT["json"] if response_format == "json" else \
            _ACCEPT["text"] if response_format == "string" else _ACCEPT["other"]
    return req, options


def _auth_kind_v1(ctx: NodeContext) -> str | None:
    authentication = ctx.param("authentication", 0, "none")
    if ctx.node.type_version >= 2:
        if authentication == "genericCredentialType":
            return ctx.param("genericAuthType", 0, "") or None
        if authentication == "predefinedCredentialType":
            return ctx.param("nodeCredentialType", 0, "") or None
        return None
    return _V1_AUTH.get(authentication)


@register("n8n-nodes-base.httpRequest", versions=(1, 2), display_name="HTTP Request")
def http_request_v1(ctx: NodeContext) -> NodeOutput:
    """HTTP Request v1/v2 (legacy parameters)."""
    items = ctx.input(0)
    auth_kind = _auth_kind_v1(ctx)
    response_format = ctx.param("responseFormat", 0, "json")
    output: list[dict[str, Any]] = []
    for i, item in enumerate(items):
        try:
            options = ctx.param("options", i, {}) or {}
            size, interval = options.get("batchSize"), float(options.get("batchInterval") or 0)
            if i > 0 and size is not None and size >= 0 and interval > 0 and i % (size if size > 0 else 1) == 0:
                _sleep(ctx, interval)
            req, options = build_v1(ctx, i, auth_kind)
            result = _result(send(ctx, req, i))
        except NodeError as exc:
            if not ctx.continue_on_fail:
                if exc.item_index is None:
                    exc.item_index = i
                raise
            output.append({"json": {"error": error_reason(exc)}, "pairedItem": {"item": i}})
            continue
        full = bool(options.get("fullResponse"))
        pair = {"item": i}
        props = {"headers": result.headers, "statusCode": result.status_code, "statusMessage": result.status_message}
        name = ctx.param("dataPropertyName", 0, "data")
        if response_format == "file":
            new_item = {"json": props if full else item.get("json", {}), "binary": dict(item.get("binary") or {}),
                        "pairedItem": pair}
            new_item["binary"][name] = _file_entry(result.body, result, None, req.url)
            output.append(new_item)
            continue
        text = _decode(result.body, result.content_type)
        try:  # v1/v2 ask for JSON (``json: true``) unless the format is file: JSON bodies arrive parsed
            body = json.loads(text) if text else None
        except ValueError:
            body = text
        if response_format == "string":
            output.append({"json": {name: body, **props} if full else {name: body}, "pairedItem": pair})
            continue
        if isinstance(body, str):
            try:
                body = json.loads(body)
            except ValueError:
                exc = NodeError('Response body is not valid JSON. Change "Response Format" to "Text"', item_index=i)
                if not ctx.continue_on_fail:
                    raise exc from None
                output.append({"json": {"error": exc.message}, "pairedItem": pair})
                continue
        if full:
            output.append({"json": {"body": body, **props}, "pairedItem": pair})
        elif options.get("splitIntoItems") is True and isinstance(body, list):
            output.extend({"json": _obj(x), "pairedItem": pair} for x in body)
        else:
            output.append({"json": _obj(body), "pairedItem": pair})
    return [output]
