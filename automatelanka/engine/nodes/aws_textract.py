"""AWS Textract (n8n-nodes-base.awsTextract v1): receipts and invoices over Textract's JSON API.

Requests go to ``https://textract.<region>.amazonaws.com`` (``.amazonaws.com.cn`` for ``cn-``
regions) with the ``aws`` credential, a SigV4-signed ``POST /`` with
``x-amz-target: Textract.AnalyzeExpense`` and ``Content-Type: application/x-amz-json-1.1``
(:class:`aws_rekognition.AwsJsonApi`).

Supported (the node's only operation): analyzeExpense: the binary field's bytes as
``Document.Bytes`` (base64); with ``simple`` (default) the answer is reduced as n8n's ``simplify``
does (each ``SummaryFields`` entry: ``Type.Text`` or ``LabelDetection.Text`` -> ``ValueDetection.Text``),
else the whole answer. An ``AccessDeniedException`` becomes n8n's "Unauthorized — please check your
AWS policy configuration" with the user named in its description. Output items are unpaired
(``returnJsonArray`` at the end, as in n8n); a continue-on-fail error is ``{json: {error}}``. Not
supported yet: the ``assumeRole`` authentication (awsAssumeRole credential).

``base_urls["awsTextract"]`` (tests) sends every request to that server instead, keeping the real
``Host`` header, which the signature covers.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from automatelanka.engine.errors import NodeApiError, NodeError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._fields import js_stringify
from automatelanka.engine.nodes._svc import binary_bytes, json_array, unsupported
from automatelanka.engine.nodes.aws_rekognition import AwsJsonApi, credential_api
from automatelanka.engine.nodes.aws_s3 import js_str
from automatelanka.engine.nodes.base import NodeContext, register

DISPLAY = "AWS Textract"


def _get(data: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def simplify(data: Any, i: int) -> dict[str, Any]:
    """n8n's ``simplify``: summary field name -> value text over all expense documents."""
    result: dict[str, Any] = {}
    documents = _get(data, "ExpenseDocuments")
    if not isinstance(documents, list):
        raise NodeError("data.ExpenseDocuments is not iterable", item_index=i)
    for document in documents:
        fields = _get(document, "SummaryFields")
        if not isinstance(fields, list):
            raise NodeError("document.SummaryFields is not iterable", item_index=i)
        for entry in fields:
            name = _get(entry, "Type", "Text") or _get(entry, "LabelDetection", "Text")
            value = _get(entry, "ValueDetection")
            if not isinstance(value, dict):
                raise NodeError("Cannot read properties of undefined (reading 'Text')", item_index=i)
            result[js_str(name)] = value.get("Text")
    return result


def access_denied(exc: NodeApiError) -> NodeApiError:
    """n8n's Textract ``awsApiRequest``: an ``AccessDeniedException`` names the user and the permission."""
    body = (exc.context or {}).get("errorResponse")
    text = body if isinstance(body, str) else json.dumps(body)
    if "AccessDeniedException" not in text:
        return exc
    message = body.get("Message") if isinstance(body, dict) else None
    if not isinstance(message, str):
        return exc
    words = message.split(" ")
    user = words[1] if len(words) > 1 else "undefined"
    return NodeApiError("Unauthorized — please check your AWS policy configuration",
                        description=f"Make sure an identity-based policy allows user {user} to perform "
                                    "textract:AnalyzeExpense",
                        item_index=exc.item_index, http_code=exc.http_code, context=exc.context)


def analyze_expense(ctx: NodeContext, api: AwsJsonApi, i: int, item: dict[str, Any]) -> Any:
    simple = ctx.param("simple", i, True)
    data, _entry = binary_bytes(item, ctx.param("binaryPropertyName", i, "data"), i)
    body = {"Document": {"Bytes": base64.b64encode(data).decode()}}
    answer = api.call("Textract.AnalyzeExpense", js_stringify(body), i, target_header="x-amz-target")
    return simplify(answer, i) if simple else answer


@register("n8n-nodes-base.awsTextract", versions=(1,), display_name=DISPLAY)
def aws_textract(ctx: NodeContext) -> NodeOutput:
    operation = ctx.param("operation", 0, "analyzeExpense")
    if operation != "analyzeExpense":
        raise unsupported(DISPLAY, "", operation)
    api = credential_api(ctx, DISPLAY, "textract", "awsTextract")
    api.on_error = access_denied
    rows: list[Any] = []
    for i, item in enumerate(ctx.input(0)):
        try:
            result = analyze_expense(ctx, api, i, item)
        except NodeError as exc:
            if ctx.continue_on_fail:
                rows.append({"error": exc.message})
                continue
            if exc.item_index is None:
                exc.item_index = i
            raise
        rows.extend(result if isinstance(result, list) else [result])
    return [json_array(rows)]
