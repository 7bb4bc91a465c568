"""Cortex (n8n-nodes-base.cortex v1): run analyzers and responders, read jobs, as n8n's node.

Base: the cortexApi credential's ``host`` (or the configured ``cortex`` base URL) + ``/api``;
``Authorization: Bearer <cortexApiKey>``. An empty body or query string is not sent.

- analyzer/execute: ``POST /analyzer/<id>/run?force=<bool>`` with ``{dataType, tlp, data}``, or for
  ``file`` observables multipart ``data`` (the binary) + ``_json`` (``{dataType, tlp}``); with the
  ``timeout`` additional field it then asks ``GET /job/<id>/waitreport?atMost=<timeout>second``
  (Cortex waits server-side; n8n does not poll, so neither does this node);
- job/get (``GET /job/<id>``) and job/report (``GET /job/<id>/report``);
- responder/execute: ``POST /responder/<id>/run`` from the entity JSON (``jsonObject``) or from the
  parameters (n8n's prepareParameters: ISO-looking values -> epoch ms, tags split on commas; alert
  artifacts with file artifacts as ``name;mime;base64``; case_artifact file observables with the
  attachment's sha256/sha1/md5, size and content type).

As in n8n, results are collected for all items and returned as one JSON array (no ``pairedItem``,
the executor pairs them where unambiguous); a failed item becomes ``{error: message}`` under
continue-on-fail. Every resource/operation of n8n's node is covered; anything else fails with the
"not supported yet" error.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._fields import js_string
from automatelanka.engine.nodes._http import credential
from automatelanka.engine.nodes._rest import Api
from automatelanka.engine.nodes._svc import api_base, binary_bytes, json_array, per_item, unsupported
from automatelanka.engine.nodes.base import NodeContext, register
from automatelanka.engine.nodes.thehive import _date_parse, _is_iso, split_tags

DISPLAY = "Cortex"


class _Cortex:
    """cortexApiRequest: ``<host>/api<path>``, bearer key, empty body/qs dropped."""

    def __init__(self, ctx: NodeContext) -> None:
        fields = credential(ctx, "cortexApi") or {}
        base = api_base(ctx, "cortex", "", fields, key="host")
        self.api = Api(ctx, f"{base}/api", auth={"bearer": fields.get("cortexApiKey") or ""}, fields=fields)

    def call(self, method: str, path: str, i: int, body: Any = None, qs: dict[str, Any] | None = None,
             **kwargs: Any) -> Any:
        return self.api.call(method, path, i, body=body or None, qs=qs or None, **kwargs)


def js_str(value: Any) -> str:
    """JS template-literal text of a parameter (``undefined`` when it is absent)."""
    return "undefined" if value is None else js_string(value)


def entity_label(entity: dict[str, Any]) -> str:
    """n8n's getEntityLabel."""
    kind = entity.get("_type")
    get = entity.get
    if kind == "case":
        return f"#{js_str(get('caseId'))} {js_str(get('title'))}"
    if kind == "case_artifact":
        shown = get("data") if get("data") else (get("attachment") or {}).get("name")
        return f"[{js_str(get('dataType'))}] {js_str(shown)}"
    if kind == "alert":
        return f"[{js_str(get('source'))}:{js_str(get('sourceRef'))}] {js_str(get('title'))}"
    if kind == "case_task_log":
        return f"{js_str(get('message'))} from {js_str(get('createdBy'))}"
    if kind == "case_task":
        return f"{js_str(get('title'))} ({js_str(get('status'))})"
    if kind == "job":
        return f"{js_str(get('analyzerName'))} ({js_str(get('status'))})"
    return ""


def prepare_parameters(values: dict[str, Any]) -> dict[str, Any]:
    """n8n's prepareParameters: ISO-looking values -> epoch ms, ``tags`` split, empty values dropped."""
    out: dict[str, Any] = {}
    for key, value in (values or {}).items():
        if value is None or value == "":
            continue
        if _is_iso(value):
            out[key] = _date_parse(value)
        elif key == "tags":
            out[key] = split_tags(value)
        else:
            out[key] = value
    return out


def _first_id(value: Any) -> str:
    return str(value if value is not None else "").split("::")[0]


# -- analyzer --------------------------------------------------------------------------------------

def _analyzer_execute(ctx: NodeContext, cortex: _Cortex, i: int, item: dict[str, Any]) -> Any:
    analyzer = _first_id(ctx.param("analyzer", i, ""))
    observable_type = ctx.param("observableType", i, "")
    additional = ctx.param("additionalFields", i, {}) or {}
    tlp = ctx.param("tlp", i, 2)
    qs = {"force": additional.get("force") is True}
    path = f"/analyzer/{analyzer}/run"
    if observable_type == "file":
        prop = ctx.param("binaryPropertyName", i, "data")
        data, entry = binary_bytes(item, prop, i)
        files = {"data": (entry.get("fileName") or "file", data, entry.get("mimeType")),
                 "_json": (None, json.dumps({"dataType": observable_type, "tlp": tlp}, separators=(",", ":")))}
        result = cortex.call("POST", path, i, None, qs, files=files)
    else:
        body = {"dataType": observable_type, "tlp": tlp, "data": ctx.param("observableValue", i, "")}
        result = cortex.call("POST", path, i, body, qs)
    if additional.get("timeout"):
        job_id = result.get("id") if isinstance(result, dict) else None
        result = cortex.call("GET", f"/job/{js_str(job_id)}/waitreport", i,
                             qs={"atMost": f"{js_str(additional['timeout'])}second"})
    return result


# -- job -------------------------------------------------------------------------------------------

def _job(suffix: str):
    def run(ctx: NodeContext, cortex: _Cortex, i: int, item: dict[str, Any]) -> Any:
        return cortex.call("GET", f"/job/{js_str(ctx.param('jobId', i, ''))}{suffix}", i)
    return run


# -- responder -------------------------------------------------------------------------------------

def _entity_json(ctx: NodeContext, i: int) -> dict[str, Any]:
    raw = ctx.param("objectData", i, "")
    try:
        entity = json.loads(raw if isinstance(raw, str) else js_str(raw))
    except ValueError as exc:
        raise NodeError(f"Entity Object is not valid JSON: {exc}", item_index=i) from None
    if not isinstance(entity, dict):
        raise NodeError("Entity Object must be a JSON object", item_index=i)
    return entity


def _alert_artifacts(item: dict[str, Any], data: dict[str, Any], i: int) -> None:
    artifacts = data.get("artifacts")
    values = artifacts.get("artifactValues") if isinstance(artifacts, dict) else None
    if not artifacts or not values:
        return
    out = []
    for value in values:
        element = {"message": value.get("message"), "tags": split_tags(value.get("tags")),
                   "dataType": value.get("dataType"), "data": value.get("data")}
        if value.get("dataType") == "file":
            _content, entry = binary_bytes(item, value.get("binaryProperty"), i)
            element["data"] = (f"{js_str(entry.get('fileName'))};{js_str(entry.get('mimeType'))};"
                               f"{entry.get('data') or ''}")
        out.append({k: v for k, v in element.items() if v is not None})
    data["artifacts"] = out


def _case_artifact_file(item: dict[str, Any], data: dict[str, Any], i: int) -> None:
    if data.get("dataType") != "file":
        return
    content, entry = binary_bytes(item, data.get("binaryPropertyName"), i)
    sha256 = hashlib.sha256(content).hexdigest()
    attachment = {"name": entry.get("fileName"), "hashes": [sha256, hashlib.sha1(content).hexdigest(),
                                                             hashlib.md5(content).hexdigest()],
                  "size": len(content), "contentType": entry.get("mimeType"), "id": sha256}
    data["attachment"] = {k: v for k, v in attachment.items() if v is not None}
    data.pop("binaryPropertyName", None)


def _responder_execute(ctx: NodeContext, cortex: _Cortex, i: int, item: dict[str, Any]) -> Any:
    responder_id = _first_id(ctx.param("responder", i, ""))
    entity_type = ctx.param("entityType", i, "")
    body: dict[str, Any]
    if ctx.param("jsonObject", i, False):
        entity = _entity_json(ctx, i)
        body = {"responderId": responder_id, "label": entity_label(entity), "dataType": f"thehive:{entity_type}",
                "data": entity, "tlp": entity.get("tlp") or 2, "pap": entity.get("pap") or 2,
                "message": entity.get("message") or "", "parameters": []}
    else:
        values = (ctx.param("parameters", i, {}) or {}).get("values") or {}
        data = {"_type": entity_type, **prepare_parameters(values)}
        if entity_type == "alert":
            _alert_artifacts(item, data, i)
        if entity_type == "case_artifact":
            _case_artifact_file(item, data, i)
        body = {"label": entity_label(data), "responderId": responder_id,
                "dataType": f"thehive:{entity_type}", "data": data}
    return cortex.call("POST", f"/responder/{responder_id}/run", i, body)


_OPERATIONS = {
    ("analyzer", "execute"): _analyzer_execute,
    ("job", "get"): _job(""), ("job", "report"): _job("/report"),
    ("responder", "execute"): _responder_execute,
}
_DEFAULT_OPERATION = {"analyzer": "execute", "job": "get", "responder": "execute"}


@register("n8n-nodes-base.cortex", versions=(1,), display_name="Cortex")
def cortex(ctx: NodeContext) -> NodeOutput:
    resource = ctx.param("resource", 0, "analyzer")
    operation = ctx.param("operation", 0, _DEFAULT_OPERATION.get(resource, ""))
    handler = _OPERATIONS.get((resource, operation))
    if handler is None:
        raise unsupported(DISPLAY, resource, operation)
    client = _Cortex(ctx)

    def run(i: int, item: dict[str, Any]) -> Any:
        result = handler(ctx, client, i, item)
        return None if result is None else [{"json": row["json"]} for row in json_array(result)]

    return [per_item(ctx, run, ready=True, pair_errors=False)]
