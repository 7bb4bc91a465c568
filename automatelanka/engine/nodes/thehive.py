"""TheHive (n8n-nodes-base.theHive v1): alerts, cases and observables over TheHive's API.

Base: the theHiveApi credential's ``url`` (or the configured ``theHive`` base URL) + ``/api``;
``Authorization: Bearer <ApiKey>``; ``apiVersion`` ``v1`` (TheHive 4+, ``/v1/query`` queries) or
``""`` (TheHive 3, ``_search`` endpoints with ``range`` in the query string), as n8n's node.

- alert: create (artifacts, file artifacts as ``name;mime;base64``), get (includeSimilar), getAll,
  count, markAsRead, markAsUnread, merge, promote, update;
- case: create, get, getAll, count, update;
- observable: create (file observables as multipart ``attachment`` + ``_json``), get, getAll,
  search, count, update (``{success: true}``), executeAnalyzer (polls the Cortex job until it is
  neither Waiting nor InProgress; n8n polls without a pause and forever, this pauses 1 s between
  polls, through ``services.sleep``, and fails after 10 minutes).

n8n's quirks are kept: optional fields that look like ISO 8601 dates are sent as epoch
milliseconds, tags are split on commas without trimming, the query string object is shared by all
items of a run (``name`` set by one item is sent by the next), and getAll without returnAll asks for
``0-<limit>``. Not supported yet: the task and log resources and every ``executeResponder``.
"""

from __future__ import annotations

import base64
import copy
import json
import re
import time
from datetime import UTC, datetime
from typing import Any

from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._http import credential
from automatelanka.engine.nodes._rest import Api
from automatelanka.engine.nodes._svc import api_base, binary_bytes, per_item, unsupported
from automatelanka.engine.nodes.base import NodeContext, register

DISPLAY = "TheHive"
_ISO_EXTENDED = re.compile(r"^\s*((?:[+-]\d{6}|\d{4})-(?:\d\d-\d\d|W\d\d-\d|W\d\d|\d\d\d|\d\d))"
                           r"(?:(T| )(\d\d(?::\d\d(?::\d\d(?:[.,]\d+)?)?)?)([+-]\d\d(?::?\d\d)?|\s*Z)?)?$")
_ISO_BASIC = re.compile(r"^\s*((?:[+-]\d{6}|\d{4})(?:\d\d\d\d|W\d\d\d|W\d\d|\d\d\d|\d\d|))"
                        r"(?:(T| )(\d\d(?:\d\d(?:\d\d(?:[.,]\d+)?)?)?)([+-]\d\d(?::?\d\d)?|\s*Z)?)?$")


class _Hive:
    """One run: the API client, the credential's apiVersion and n8n's shared ``qs`` object."""

    def __init__(self, ctx: NodeContext) -> None:
        fields = credential(ctx, "theHiveApi") or {}
        base = api_base(ctx, "theHive", "", fields, key="url")
        self.v1 = fields.get("apiVersion") == "v1"
        self.api = Api(ctx, f"{base}/api", auth={"bearer": fields.get("ApiKey") or ""},
                       fields=fields)
        if fields.get("allowUnauthorizedCerts"):
            self.api.kwargs["verify"] = False
        self.qs: dict[str, Any] = {}

    def call(self, method: str, path: str, i: int, body: Any = None, **kwargs: Any) -> Any:
        """theHiveApiRequest: an empty body / qs is not sent."""
        return self.api.call(method, path, i, body=body or None, qs=dict(self.qs) or None, **kwargs)


# -- n8n's helpers ---------------------------------------------------------------------------------

def _date_parse(value: Any) -> int | None:
    """JS ``Date.parse`` for ISO-like text (``None`` -> NaN, sent as ``null``)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(int(value)) if float(value).is_integer() else str(value)
    text = str(value if value is not None else "").strip()
    if re.fullmatch(r"\d{4}", text):
        text += "-01-01"
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00").replace(" ", "T"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return int(parsed.timestamp() * 1000)


def _is_iso(value: Any) -> bool:
    """``moment(value, moment.ISO_8601).isValid()``."""
    if isinstance(value, bool | dict | list):
        return False
    text = str(value)
    return bool(_ISO_EXTENDED.match(text) or _ISO_BASIC.match(text)) and _date_parse(text) is not None


def split_tags(tags: Any) -> list[str]:
    """``tags.split(',').filter(tag => tag !== ' ' && tag)`` (no trimming)."""
    return [tag for tag in str(tags if tags is not None else "").split(",") if tag and tag != " "]


def prepare_optional(optionals: dict[str, Any]) -> dict[str, Any]:
    """n8n's prepareOptional: dates -> epoch ms, artifacts JSON, tags split, custom fields skipped."""
    out: dict[str, Any] = {}
    for key, value in (optionals or {}).items():
        if value is None or value == "" or key in ("customFieldsJson", "customFieldsUi"):
            continue
        if _is_iso(value):
            out[key] = _date_parse(value)
        elif key == "artifacts":
            try:
                out[key] = json.loads(value) if isinstance(value, str) else value
            except ValueError:
                raise NodeError("Invalid JSON for artifacts") from None
        elif key == "tags":
            out[key] = split_tags(value)
        else:
            out[key] = value
    return out


def _custom_fields(hive: _Hive, fields: dict[str, Any], json_parameters: bool, i: int) -> dict[str, Any] | None:
    """prepareCustomFields: ``customFields.<name>[.<type>]`` paths (removes the key from ``fields``)."""
    if json_parameters:
        raw = fields.pop("customFieldsJson", None)
        if isinstance(raw, str):
            try:
                raw = json.loads(raw)
            except ValueError:
                raise NodeError("Invalid JSON for customFields", item_index=i) from None
        if isinstance(raw, dict):
            return {f"customFields.{name}": value for name, value in raw.items()}
        if raw:
            raise NodeError("customFieldsJson value is invalid", item_index=i)
        return None
    if not fields.get("customFieldsUi"):
        return None
    known = hive.call("GET", "/customField" if hive.v1 else "/list/custom_fields", i)
    rows = known if hive.v1 else list((known or {}).values())
    types = {row.get("reference"): row.get("type") for row in rows or [] if isinstance(row, dict)}
    entries = (fields.pop("customFieldsUi") or {}).get("customFields") or []
    return {f"customFields.{e.get('field')}.{_js_str(types.get(e.get('field')))}": e.get("value") for e in entries}


def _js_str(value: Any) -> str:
    return "" if value is None else str(value)


def _set_path(body: dict[str, Any], path: str, value: Any) -> None:
    """lodash ``set`` with a dotted path."""
    parts = path.split(".")
    target = body
    for part in parts[:-1]:
        if not isinstance(target.get(part), dict):
            target[part] = {}
        target = target[part]
    target[parts[-1]] = value


def _filter_query(hive: _Hive, filters: dict[str, Any], i: int, *, contains: tuple[str, ...],
                  within: tuple[str, ...] = ("tags",), custom: bool = True) -> list[dict[str, Any]]:
    """The ``_and`` criteria of getAll/search/count from the node's filters."""
    filters = dict(filters or {})
    attributes = prepare_optional(filters)
    criteria: list[dict[str, Any]] = []
    if custom and "customFieldsUi" in filters:
        fields = _custom_fields(hive, filters, False, i) or {}
        criteria.extend({"_field": name, "_value": value} for name, value in fields.items())
    for key, value in attributes.items():
        if key in within:
            criteria.append({"_in": {"_field": key, "_values": value}})
        elif key in contains:
            text = str(value)
            text = text if text.endswith("*") else text + "*"
            text = text if text.startswith("*") else "*" + text
            criteria.append({"_wildcard": {"_field": key, "_value": text}})
        elif key == "range" and not custom:
            dates = (value or {}).get("dateRange") or {}
            criteria.append({"_between": {"_field": "startDate", "_from": dates.get("fromDate"),
                                          "_to": dates.get("toDate")}})
        else:
            criteria.append({"_field": key, "_value": value})
    return criteria


def _list(ctx: NodeContext, hive: _Hive, i: int, *, first: list[dict[str, Any]], qs_name: str, v0_path: str,
          v0_query: Any) -> Any:
    """getAll/search: ``/v1/query`` with sort and page, or TheHive 3's ``_search`` with ``range``."""
    limit = None if ctx.param("returnAll", i, False) else ctx.param("limit", i, 100)
    options = ctx.param("options", i, {}) or {}
    if hive.v1:
        body: dict[str, Any] = {"query": list(first)}
        sort = options.get("sort")
        if sort:
            sort = str(sort)
            body["query"].append({"_name": "sort", "_fields": [{sort[1:]: "asc" if sort[:1] == "+" else "desc"}]})
        if limit is not None:
            body["query"].append({"_name": "page", "from": 0, "to": _js_int(limit)})
        hive.qs["name"] = qs_name
        return hive.call("POST", "/v1/query", i, body)
    if limit is not None:
        hive.qs["range"] = f"0-{_js_num(limit)}"
    hive.qs.update(prepare_optional(options))
    return hive.call("POST", v0_path, i, {"query": v0_query})


def _js_num(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _js_int(value: Any) -> int | None:
    match = re.match(r"\s*[+-]?\d+", _js_num(value))
    return int(match.group()) if match else None


def _count(hive: _Hive, i: int, list_name: str, criteria: list[dict[str, Any]], qs_name: str) -> Any:
    body = {"query": [{"_name": list_name}, {"_name": "filter", "_and": criteria}, {"_name": "count"}]}
    hive.qs["name"] = qs_name
    return {"count": hive.call("POST", "/v1/query", i, body)}


def _artifacts(ctx: NodeContext, item: dict[str, Any], values: list[dict[str, Any]], i: int) -> list[dict[str, Any]]:
    out = []
    for value in values:
        element: dict[str, Any] = {"message": value.get("message", ""),
                                   "tags": str(value.get("tags", "")).split(","),
                                   "dataType": value.get("dataType", ""), "data": value.get("data", "")}
        if element["dataType"] == "file":
            data, entry = binary_bytes(item, value.get("binaryProperty", "data"), i)
            element["data"] = (f"{_js_str(entry.get('fileName'))};{_js_str(entry.get('mimeType'))};"
                               f"{base64.b64encode(data).decode()}")
        out.append(element)
    return out


# -- alert -----------------------------------------------------------------------------------------

def _alert_create(ctx: NodeContext, hive: _Hive, i: int, item: dict[str, Any]) -> Any:
    additional = copy.deepcopy(ctx.param("additionalFields", i, {}) or {})
    custom = _custom_fields(hive, additional, bool(ctx.param("jsonParameters", i, True)), i)
    body: dict[str, Any] = {
        "title": ctx.param("title", i, ""), "description": ctx.param("description", i, ""),
        "severity": ctx.param("severity", i, 2), "date": _date_parse(ctx.param("date", i, "")),
        "tags": split_tags(ctx.param("tags", i, "")), "tlp": ctx.param("tlp", i, 2),
        "status": ctx.param("status", i, "New"), "type": ctx.param("type", i, ""),
        "source": ctx.param("source", i, ""), "sourceRef": ctx.param("sourceRef", i, ""),
        "follow": ctx.param("follow", i, True), **prepare_optional(additional)}
    for path, value in (custom or {}).items():
        _set_path(body, path, value)
    values = (ctx.param("artifactUi", i, {}) or {}).get("artifactValues")
    if values:
        body["artifacts"] = _artifacts(ctx, item, values, i)
    return hive.call("POST", "/alert", i, body)


def _alert_update(ctx: NodeContext, hive: _Hive, i: int, item: dict[str, Any]) -> Any:
    fields = copy.deepcopy(ctx.param("updateFields", i, {}) or {})
    custom = _custom_fields(hive, fields, bool(ctx.param("jsonParameters", i, True)), i)
    artifact_ui = fields.pop("artifactUi", None)
    body: dict[str, Any] = {**(custom or {}), **fields}
    values = (artifact_ui or {}).get("artifactValues")
    if values:
        body["artifacts"] = _artifacts(ctx, item, values, i)
    return hive.call("PATCH", f"/alert/{ctx.param('id', i, '')}", i, body)


def _alert_get(ctx: NodeContext, hive: _Hive, i: int, item: dict[str, Any]) -> Any:
    if ctx.param("options.includeSimilar", i, False):
        hive.qs["similarity"] = True
    return hive.call("GET", f"/alert/{ctx.param('id', i, '')}", i)


def _alert_get_all(ctx: NodeContext, hive: _Hive, i: int, item: dict[str, Any]) -> Any:
    criteria = _filter_query(hive, ctx.param("filters", i, {}) or {}, i, contains=("description", "title"))
    return _list(ctx, hive, i, first=[{"_name": "listAlert"}, {"_name": "filter", "_and": criteria}],
                 qs_name="alerts", v0_path="/alert/_search", v0_query={"_and": criteria})


def _alert_count(ctx: NodeContext, hive: _Hive, i: int, item: dict[str, Any]) -> Any:
    criteria = _filter_query(hive, ctx.param("filters", i, {}) or {}, i, contains=("description", "title"))
    return _count(hive, i, "listAlert", criteria, "count-Alert")


def _alert_post(suffix: str):
    def run(ctx: NodeContext, hive: _Hive, i: int, item: dict[str, Any]) -> Any:
        path = f"/alert/{ctx.param('id', i, '')}/{suffix}"
        if suffix == "merge":
            return hive.call("POST", f"{path}/{ctx.param('caseId', i, '')}", i)
        if suffix == "createCase":
            return hive.call("POST", path, i, dict(ctx.param("additionalFields", i, {}) or {}))
        return hive.call("POST", path, i)
    return run


# -- case ------------------------------------------------------------------------------------------

_CASE_CONTAINS = ("description", "summary", "title")


def _case_create(ctx: NodeContext, hive: _Hive, i: int, item: dict[str, Any]) -> Any:
    options = copy.deepcopy(ctx.param("options", i, {}) or {})
    custom = _custom_fields(hive, options, bool(ctx.param("jsonParameters", i, True)), i)
    body: dict[str, Any] = {
        "title": ctx.param("title", i, ""), "description": ctx.param("description", i, ""),
        "severity": ctx.param("severity", i, 2), "startDate": _date_parse(ctx.param("startDate", i, "")),
        "owner": ctx.param("owner", i, ""), "flag": ctx.param("flag", i, False), "tlp": ctx.param("tlp", i, 2),
        "tags": split_tags(ctx.param("tags", i, "")), **prepare_optional(options)}
    for path, value in (custom or {}).items():
        _set_path(body, path, value)
    return hive.call("POST", "/case", i, body)


def _case_get(ctx: NodeContext, hive: _Hive, i: int, item: dict[str, Any]) -> Any:
    case_id = ctx.param("id", i, "")
    if hive.v1:
        hive.qs["name"] = f"get-case-{_js_str(case_id)}"
        return hive.call("POST", "/v1/query", i, {"query": [{"_name": "getCase", "idOrName": case_id}]})
    return hive.call("GET", f"/case/{case_id}", i)


def _case_get_all(ctx: NodeContext, hive: _Hive, i: int, item: dict[str, Any]) -> Any:
    criteria = _filter_query(hive, ctx.param("filters", i, {}) or {}, i, contains=_CASE_CONTAINS)
    return _list(ctx, hive, i, first=[{"_name": "listCase"}, {"_name": "filter", "_and": criteria}],
                 qs_name="cases", v0_path="/case/_search", v0_query={"_and": criteria})


def _case_count(ctx: NodeContext, hive: _Hive, i: int, item: dict[str, Any]) -> Any:
    criteria = _filter_query(hive, ctx.param("filters", i, {}) or {}, i, contains=_CASE_CONTAINS)
    return _count(hive, i, "listCase", criteria, "count-cases")


def _case_update(ctx: NodeContext, hive: _Hive, i: int, item: dict[str, Any]) -> Any:
    fields = copy.deepcopy(ctx.param("updateFields", i, {}) or {})
    custom = _custom_fields(hive, fields, bool(ctx.param("jsonParameters", i, True)), i)
    body = {**(custom or {}), **prepare_optional(fields)}
    return hive.call("PATCH", f"/case/{ctx.param('id', i, '')}", i, body)


# -- observable ------------------------------------------------------------------------------------

_OBS_CONTAINS = ("description", "keywork", "message")  # "keywork": n8n's spelling


def _observable_create(ctx: NodeContext, hive: _Hive, i: int, item: dict[str, Any]) -> Any:
    body: dict[str, Any] = {
        "dataType": ctx.param("dataType", i, ""), "message": ctx.param("message", i, ""),
        "startDate": _date_parse(ctx.param("startDate", i, "")), "tlp": ctx.param("tlp", i, 2),
        "ioc": ctx.param("ioc", i, False), "sighted": ctx.param("sighted", i, False),
        "status": ctx.param("status", i, ""), **prepare_optional(ctx.param("options", i, {}) or {})}
    path = f"/case/{ctx.param('caseId', i, '')}/artifact"
    if body["dataType"] == "file":
        data, entry = binary_bytes(item, ctx.param("binaryProperty", i, "data"), i)
        files = {"attachment": (entry.get("fileName") or "file", data, entry.get("mimeType")),
                 "_json": (None, json.dumps(body, separators=(",", ":")))}
        return hive.call("POST", path, i, None, files=files)
    body["data"] = ctx.param("data", i, "")
    return hive.call("POST", path, i, body)


def _observable_get(ctx: NodeContext, hive: _Hive, i: int, item: dict[str, Any]) -> Any:
    observable_id = ctx.param("id", i, "")
    if hive.v1:
        hive.qs["name"] = f"get-observable-{_js_str(observable_id)}"
        return hive.call("POST", "/v1/query", i, {"query": [{"_name": "getObservable", "idOrName": observable_id}]})
    return hive.call("GET", f"/case/artifact/{observable_id}", i)


def _observable_get_all(ctx: NodeContext, hive: _Hive, i: int, item: dict[str, Any]) -> Any:
    case_id = ctx.param("caseId", i, "")
    return _list(ctx, hive, i, first=[{"_name": "getCase", "idOrName": case_id}, {"_name": "observables"}],
                 qs_name="observables", v0_path="/case/artifact/_search",
                 v0_query={"_parent": {"_type": "case", "_query": {"_id": case_id}}})


def _observable_filters(ctx: NodeContext, hive: _Hive, i: int) -> list[dict[str, Any]]:
    return _filter_query(hive, ctx.param("filters", i, {}) or {}, i, contains=_OBS_CONTAINS,
                         within=("dataType", "tags"), custom=False)


def _observable_search(ctx: NodeContext, hive: _Hive, i: int, item: dict[str, Any]) -> Any:
    criteria = _observable_filters(ctx, hive, i)
    return _list(ctx, hive, i, first=[{"_name": "listObservable"}, {"_name": "filter", "_and": criteria}],
                 qs_name="observables", v0_path="/case/artifact/_search", v0_query={"_and": criteria})


def _observable_count(ctx: NodeContext, hive: _Hive, i: int, item: dict[str, Any]) -> Any:
    return _count(hive, i, "listObservable", _observable_filters(ctx, hive, i), "count-observables")


def _observable_update(ctx: NodeContext, hive: _Hive, i: int, item: dict[str, Any]) -> Any:
    body = prepare_optional(ctx.param("updateFields", i, {}) or {})
    hive.call("PATCH", f"/case/artifact/{ctx.param('id', i, '')}", i, body)
    return {"success": True}


#: n8n polls a Cortex job in a tight loop for as long as it runs; this one pauses between polls
#: and gives up after ANALYZER_TIMEOUT_S, so a stuck job fails the node instead of a worker.
ANALYZER_POLL_S = 1.0
ANALYZER_TIMEOUT_S = 600.0


def _execute_analyzer(ctx: NodeContext, hive: _Hive, i: int, item: dict[str, Any]) -> Any:
    sleep = ctx.state.services.sleep or time.sleep
    observable_id = ctx.param("id", i, "")
    result: Any = []
    for analyzer in ctx.param("analyzers", i, []) or []:
        parts = str(analyzer).split("::")
        body = {"analyzerId": parts[0], "cortexId": parts[1] if len(parts) > 1 else None,
                "artifactId": observable_id}
        if body["cortexId"] is None:
            del body["cortexId"]  # JS undefined: JSON.stringify drops it
        job = hive.call("POST", "/connector/cortex/job", i, body)
        job_id = job.get("id") if isinstance(job, dict) else None
        hive.qs["name"] = "observable-jobs"
        job_path = f"/connector/cortex/job/{'undefined' if job_id is None else _js_str(job_id)}"
        waited = 0.0
        while True:
            result = hive.call("GET", job_path, i, body)
            if not (isinstance(result, dict) and result.get("status") in ("Waiting", "InProgress")):
                break
            if waited >= ANALYZER_TIMEOUT_S:
                raise NodeError(f"The Cortex job {_js_str(job_id)} did not finish within {ANALYZER_TIMEOUT_S:g} s",
                                item_index=i)
            sleep(ANALYZER_POLL_S)
            waited += ANALYZER_POLL_S
    return result


_OPERATIONS = {
    ("alert", "create"): _alert_create, ("alert", "get"): _alert_get, ("alert", "getAll"): _alert_get_all,
    ("alert", "count"): _alert_count, ("alert", "update"): _alert_update,
    ("alert", "markAsRead"): _alert_post("markAsRead"), ("alert", "markAsUnread"): _alert_post("markAsUnread"),
    ("alert", "merge"): _alert_post("merge"), ("alert", "promote"): _alert_post("createCase"),
    ("case", "create"): _case_create, ("case", "get"): _case_get, ("case", "getAll"): _case_get_all,
    ("case", "count"): _case_count, ("case", "update"): _case_update,
    ("observable", "create"): _observable_create, ("observable", "get"): _observable_get,
    ("observable", "getAll"): _observable_get_all, ("observable", "search"): _observable_search,
    ("observable", "count"): _observable_count, ("observable", "update"): _observable_update,
    ("observable", "executeAnalyzer"): _execute_analyzer,
}
_DEFAULT_OPERATION = {"alert": "create", "case": "getAll", "observable": "getAll", "task": "getAll",
                      "log": "getAll"}


@register("n8n-nodes-base.theHive", versions=(1,), display_name="TheHive")
@register("n8n-nodes-base.theHiveTool", versions=(1,), display_name="TheHive Tool")
def the_hive(ctx: NodeContext) -> NodeOutput:
    resource = ctx.param("resource", 0, "alert")
    operation = ctx.param("operation", 0, _DEFAULT_OPERATION.get(resource, ""))
    handler = _OPERATIONS.get((resource, operation))
    if handler is None:
        raise unsupported(DISPLAY, resource, operation)
    hive = _Hive(ctx)
    return [per_item(ctx, lambda i, item: handler(ctx, hive, i, item))]
