"""AWS Rekognition (n8n-nodes-base.awsRekognition v1): image analysis over Rekognition's JSON API.

Requests go to ``https://rekognition.<region>.amazonaws.com`` (``.amazonaws.com.cn`` for ``cn-``
regions, or the ``aws`` credential's ``rekognitionEndpoint``, ``{region}`` replaced) as a signed
(SigV4, :mod:`_aws_sigv4`) ``POST /`` with ``X-Amz-Target: RekognitionService.<Action>`` and
``Content-Type: application/x-amz-json-1.1``, the body ``JSON.stringify``-ed as n8n builds it.

Supported (every operation of the node): image analyze with type detectFaces (``Attributes``),
detectLabels (``MinConfidence``, ``MaxLabels``), detectModerationLabels (``MinConfidence``),
detectText and recognizeCelebrity; the image from a binary field (its base64 as ``Image.Bytes``)
or an S3 object (``Bucket``/``Name``/``Version``). As in n8n, ``Filters`` (``{}`` unless regions
of interest or a word filter are set) is sent for every type, ``type`` is read from the first
item, the whole answer is the output item (paired with its input) and a continue-on-fail error
is pushed as a bare ``{"error": message}`` (no ``json`` key). Not supported yet: the
``assumeRole`` authentication (awsAssumeRole credential).

:class:`AwsJsonApi` (also used by awsTranscribe and awsTextract) signs and sends one request of
an AWS JSON-protocol service. ``base_urls["awsRekognition"]`` (tests) sends every request to that
server instead, keeping the real ``Host`` header, which the signature covers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from automatelanka.engine.binary import assert_binary
from automatelanka.engine.errors import NodeApiError, NodeError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes import _aws_sigv4 as sigv4
from automatelanka.engine.nodes._fields import js_stringify
from automatelanka.engine.nodes._http import credential, request
from automatelanka.engine.nodes._svc import json_array, unsupported
from automatelanka.engine.nodes.aws_s3 import aws_domain, js_str
from automatelanka.engine.nodes.base import NodeContext, register

DISPLAY = "AWS Rekognition"
JSON_CONTENT_TYPE = "application/x-amz-json-1.1"
_AWS_HOST = re.compile(r"([^.]{1,63})\.(?:([^.]{0,63})\.)?amazonaws\.com(\.cn)?$")


def host_service(host: str) -> str:
    """The service ``aws4`` reads from a host when none is given (``''`` for a non-AWS host)."""
    match = _AWS_HOST.search(host.split(":")[0])
    if not match:
        return ""
    first, second = match.group(1), match.group(2)
    return second if second in ("es", "aoss") else first


@dataclass
class AwsJsonApi:
    """Signed ``POST /`` requests to one AWS JSON-protocol service for one node run."""

    ctx: NodeContext
    access_key: str
    secret_key: str
    session_token: str | None
    region: str
    origin: str
    override: str | None
    on_error: Callable[[NodeApiError], NodeApiError] | None = None

    def call(self, target: str, body: str, i: int, *, target_header: str = "X-Amz-Target") -> Any:
        """One signed request; its answer parsed as JSON (the text when it is not JSON)."""
        host = urlsplit(self.origin).netloc
        headers = {target_header: target, "Content-Type": JSON_CONTENT_TYPE}
        content = body.encode()
        signed = sigv4.sign_headers("POST", host, "/", [], headers, content, access_key=self.access_key,
                                    secret_key=self.secret_key, region=self.region, service=host_service(host),
                                    session_token=self.session_token)
        url = (self.override or self.origin) + "/"
        try:
            response = request(self.ctx, "POST", url, headers=signed, content=content, item_index=i)
        except NodeApiError as exc:
            raise (self.on_error(exc) if self.on_error else exc) from None
        try:
            return json.loads(response.text)
        except ValueError:
            return response.text


def aws_keys(creds: dict[str, Any]) -> tuple[str, str, str | None]:
    """``(accessKeyId, secretAccessKey, sessionToken)`` of an ``aws`` credential, trimmed."""
    token = js_str(creds.get("sessionToken") or "").strip() if creds.get("temporaryCredentials") else None
    return (js_str(creds.get("accessKeyId") or "").strip(), js_str(creds.get("secretAccessKey") or "").strip(),
            token or None)


def override_url(ctx: NodeContext, key: str) -> str | None:
    configured = ctx.state.services.base_urls.get(key)
    return configured.rstrip("/") if configured else None


def credential_api(ctx: NodeContext, display: str, service: str, key: str, endpoint_field: str | None = None,
                   ) -> AwsJsonApi:
    """The client n8n's ``aws`` credential builds for ``service`` (``requestWithAuthentication``)."""
    if ctx.param("authentication", 0, "iam") == "assumeRole":
        raise NodeError(f"{display}: authentication 'assumeRole' is not supported yet")
    creds = credential(ctx, "aws") or {}
    region = str(creds.get("region") or "us-east-1")
    custom = str(creds.get(endpoint_field) or "") if endpoint_field else ""
    if custom:
        parts = urlsplit(custom.replace("{region}", region))
        origin = f"{parts.scheme}://{parts.netloc}"
    else:
        origin = f"https://{service}.{region}.{aws_domain(region)}"
    access, secret, token = aws_keys(creds)
    return AwsJsonApi(ctx, access, secret, token, region, origin, override_url(ctx, key))


# -- image analyze ---------------------------------------------------------------------------------------

_ACTIONS = {"detectModerationLabels": "DetectModerationLabels", "detectFaces": "DetectFaces",
            "detectLabels": "DetectLabels", "recognizeCelebrity": "RecognizeCelebrities",
            "detectText": "DetectText"}


def pascal_case(key: str) -> str:
    """change-case's ``pascalCase`` for the simple keys the node uses (``height`` -> ``Height``)."""
    words = re.findall(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+", key)
    return "".join(word[:1].upper() + word[1:].lower() for word in words)


def _keys_pascal(entry: Any) -> dict[str, Any]:
    return {pascal_case(k): v for k, v in entry.items()} if isinstance(entry, dict) else {}


def analyze_body(ctx: NodeContext, i: int, item: dict[str, Any]) -> tuple[str | None, dict[str, Any]]:
    """``(X-Amz-Target, body)`` of the analyze request, keys in n8n's order."""
    fields = ctx.param("additionalFields", i, {}) or {}
    kind = ctx.param("type", 0, "detectFaces")
    body: dict[str, Any] = {}
    if kind in ("detectModerationLabels", "detectLabels") and fields.get("minConfidence"):
        body["MinConfidence"] = fields["minConfidence"]
    if kind == "detectFaces" and fields.get("attributes"):
        body["Attributes"] = fields["attributes"]
    if kind == "detectLabels" and fields.get("maxLabels"):
        body["MaxLabels"] = fields["maxLabels"]
    action = _ACTIONS.get(kind)
    body["Filters"] = {}
    regions = (fields.get("regionsOfInterestUi") or {}).get("regionsOfInterestValues") or []
    if regions:
        body["Filters"]["RegionsOfInterest"] = [{"BoundingBox": _keys_pascal(entry)} for entry in regions]
    word_filter = fields.get("wordFilterUi") or {}
    if isinstance(word_filter, dict) and word_filter:
        body["Filters"]["WordFilter"] = _keys_pascal(word_filter)
    if ctx.param("binaryData", i, False):
        entry = assert_binary(item, ctx.param("binaryPropertyName", i, "data"), i)
        body["Image"] = {"Bytes": entry.get("data")}
    else:
        s3_object: dict[str, Any] = {"Bucket": ctx.param("bucket", i, ""), "Name": ctx.param("name", i, "")}
        if fields.get("version"):
            s3_object["Version"] = fields["version"]
        body["Image"] = {"S3Object": s3_object}
    return (f"RekognitionService.{action}" if action else None), body


def image_analyze(ctx: NodeContext, api: AwsJsonApi, i: int, item: dict[str, Any]) -> Any:
    target, body = analyze_body(ctx, i, item)
    if target is None:
        raise NodeError(f"{DISPLAY}: type '{ctx.param('type', 0, '')}' is not supported", item_index=i)
    return api.call(target, js_stringify(body), i)


@register("n8n-nodes-base.awsRekognition", versions=(1,), display_name=DISPLAY)
def aws_rekognition(ctx: NodeContext) -> NodeOutput:
    resource = ctx.param("resource", 0, "image")
    operation = ctx.param("operation", 0, "analyze")
    if (resource, operation) != ("image", "analyze"):
        raise unsupported(DISPLAY, resource, operation)
    api = credential_api(ctx, DISPLAY, "rekognition", "awsRekognition", "rekognitionEndpoint")
    out: list[dict[str, Any]] = []
    for i, item in enumerate(ctx.input(0)):
        try:
            result = image_analyze(ctx, api, i, item)
        except NodeError as exc:
            if ctx.continue_on_fail:
                out.append({"error": exc.message})  # n8n pushes it without a json key
                continue
            if exc.item_index is None:
                exc.item_index = i
            raise
        for row in json_array(result):
            row.setdefault("pairedItem", {"item": i})
            out.append(row)
    return [out]
