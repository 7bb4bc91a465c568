"""BambooHR (n8n-nodes-base.bambooHr v1): employees, company files and employee documents.

Base: https://api.bamboohr.com/api/gateway.php/<subdomain>/v1 (the host part may be configured as
``bambooHr``); bambooHrApi (basic auth ``apiKey``:``x``, ``Accept: application/json`` as n8n's
``json: true``). Supported:

- employee create (``Location`` header -> ``{id}``; synced or additional fields; capitalCase of
  gender/exempt/maritalStatus/payType/paidPer; dates as ``YYYY-MM-DD``), get (``options.fields``,
  ``all`` -> every field of ``employees/directory``), getAll (``employees``, ``limit`` cut), update
  (``{success: true}``);
- file getAll (``files/view`` categories, or their files with ``simplifyOutput``), download (binary
  from the response with the Content-Disposition file name), update (``shareWithEmployee``), delete;
- employeeDocument getAll, download, update, delete (the same under ``employees/<id>/files``).

Output items are unpaired as n8n's router pushes them (the engine pairs them where unambiguous); a
failing item under continueOnFail becomes ``{json: <input 0 json>, error}`` like the router's
``getInputData(i)[0]``. API errors are ``<status> - <JSON body>`` with the
``x-bamboohr-error-messsage`` header as description. Not supported yet: file/employeeDocument
upload, companyReport get.
"""

from __future__ import annotations

import copy
import json
import re
from datetime import UTC
from typing import Any

from automatelanka.engine import binary
from automatelanka.engine.errors import NodeApiError, NodeError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._http import api_error, base_url, credential, request
from automatelanka.engine.nodes._rest import decode
from automatelanka.engine.nodes._svc import json_array, unsupported
from automatelanka.engine.nodes.base import NodeContext, register
from automatelanka.engine.nodes.zoom import moment_parse

DISPLAY = "BambooHR"
_SYNCED = ("department", "dateOfBirth", "division", "employeeNumber", "exempt", "gender", "hireDate", "location",
           "maritalStatus", "mobilePhone", "paidPer", "payType", "preferredName", "ssn")
_CAPITAL = ("gender", "exempt", "maritalStatus", "payType", "paidPer")
_FILE_NAME = re.compile(r'(?<=filename=").*\b')


def capital_case(value: Any) -> str:
    """change-case's ``capitalCase``: words split at separators and case changes, capitalised."""
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", str(value))
    text = re.sub(r"([A-Z])([A-Z][a-z])", r"\1 \2", text)
    words = [w for w in re.split(r"[^A-Za-z0-9]+", text) if w]
    return " ".join(w[:1].upper() + w[1:].lower() for w in words)


def _day(value: Any) -> str:
    """``moment(value).format('YYYY-MM-DD')`` (server local time UTC)."""
    if hasattr(value, "isoformat"):
        value = value.isoformat()
    parsed = moment_parse(value, None)
    return "Invalid date" if parsed is None else parsed.astimezone(UTC).strftime("%Y-%m-%d")


class _BambooHr:
    """Requests of one execution with the node's bambooHrApi credential."""

    def __init__(self, ctx: NodeContext) -> None:
        self.ctx = ctx
        fields = credential(ctx, "bambooHrApi") or {}
        host = base_url(ctx, "bambooHr", "https://api.bamboohr.com")
        self.base = f"{host}/api/gateway.php/{fields.get('subdomain') or ''}/v1/"
        self.auth = {"basic": (fields.get("apiKey") or "", "x")}

    def send(self, method: str, endpoint: str, i: int, body: dict[str, Any] | None = None, *,
             as_json: bool = True) -> Any:
        """The raw response; errors as n8n's transport rewrites them."""
        kwargs: dict[str, Any] = {"auth": self.auth, "item_index": i, "never_error": True}
        if as_json:
            kwargs["headers"] = {"Accept": "application/json"}
        if body:
            kwargs["json"] = body
        response = request(self.ctx, method, self.base + endpoint, **kwargs)
        if response.status_code >= 400:
            raise _error(response, i)
        return response

    def call(self, method: str, endpoint: str, i: int, body: dict[str, Any] | None = None) -> Any:
        return decode(self.send(method, endpoint, i, body))


def _error(response: Any, i: int) -> NodeApiError:
    exc = api_error(response, i)
    detail = exc.context.get("errorResponse")
    text = json.dumps(detail, separators=(",", ":"), ensure_ascii=False)
    description = response.headers.get("x-bamboohr-error-messsage") or exc.description
    return NodeApiError(f"{response.status_code} - {text}", description=description, item_index=i,
                        http_code=exc.http_code, context=exc.context)


# -- employee -------------------------------------------------------------------------------------

def _employee_body(ctx: NodeContext, i: int, body: dict[str, Any], fields: dict[str, Any], group: str,
                   synced_names: tuple[str, ...]) -> dict[str, Any]:
    if ctx.param("synced", i, False):
        body["address"] = ctx.param("address.value", i, {}) or {}
        body["payRate"] = ctx.param("payRate.value", i, {}) or {}
        for name in synced_names:
            body[name] = ctx.param(name, i)
    else:
        body["address"] = ctx.param(f"{group}.address.value", i, {}) or {}
        body["payRate"] = ctx.param(f"{group}.payRate.value", i, {}) or {}
        fields.pop("address", None)
        fields.pop("payRate", None)
    body.update(fields)
    for name in _CAPITAL:
        if body.get(name):
            body[name] = capital_case(body[name])
    for name in ("dateOfBirth", "hireDate"):
        if body.get(name):
            body[name] = _day(body[name])
    if not body.get("payRate"):
        body.pop("payRate", None)
    return body


def _employee_create(node: _BambooHr, ctx: NodeContext, i: int) -> Any:
    body: dict[str, Any] = {"firstName": ctx.param("firstName", i, ""), "lastName": ctx.param("lastName", i, "")}
    fields = dict(ctx.param("additionalFields", i, {}) or {})
    body = _employee_body(ctx, i, body, fields, "additionalFields", _SYNCED)
    response = node.send("POST", "employees", i, body)
    location = response.headers.get("location")
    if location is None:
        raise NodeError("Cannot read properties of undefined (reading 'lastIndexOf')", item_index=i)
    return json_array({"id": location[location.rfind("/") + 1:]})


def _employee_update(node: _BambooHr, ctx: NodeContext, i: int) -> Any:
    fields = dict(ctx.param("updateFields", i, {}) or {})
    synced = ctx.param("synced", i, False)
    if not synced and not fields:
        raise NodeError("At least one fields must be updated", item_index=i)
    body = _employee_body(ctx, i, dict(fields), fields, "updateFields",
                          ("firstName", "lastName", *_SYNCED) if synced else ())
    node.call("POST", f"employees/{ctx.param('employeeId', i, '')}", i, body)
    return json_array({"success": True})


def _employee_get(node: _BambooHr, ctx: NodeContext, i: int) -> Any:
    fields = ctx.param("options.fields", i, ["all"])
    if fields is None:
        fields = ["all"]
    if "all" in fields:
        directory = node.call("GET", "employees/directory", i) or {}
        fields = [field.get("id") for field in directory.get("fields") or []]
    joined = ",".join("" if f is None else str(f) for f in fields) if isinstance(fields, list) else str(fields)
    return json_array(node.call("GET", f"employees/{ctx.param('employeeId', i, '')}?fields={joined}", i))


def _limited(ctx: NodeContext, rows: list[Any]) -> list[Any]:
    limit = int(ctx.param("limit", 0, 5) or 0)
    if not ctx.param("returnAll", 0, False) and len(rows) > limit:
        return rows[:limit]
    return rows


def _employee_get_all(node: _BambooHr, ctx: NodeContext, i: int) -> Any:
    data = node.call("GET", "employees/directory", i) or {}
    return json_array(_limited(ctx, list(data.get("employees") or [])))


# -- files ----------------------------------------------------------------------------------------

def _files_prefix(ctx: NodeContext, i: int, resource: str) -> str:
    return f"employees/{ctx.param('employeeId', i, '')}/files" if resource == "employeeDocument" else "files"


def _files_get_all(node: _BambooHr, ctx: NodeContext, i: int, resource: str) -> Any:
    endpoint = f"{_files_prefix(ctx, i, resource)}/view" + ("/" if resource == "employeeDocument" else "")
    simplify = ctx.param("simplifyOutput", i, True)
    data = node.call("GET", endpoint, i) or {}
    categories = list(data.get("categories") or [])
    if simplify:
        files = [f for category in categories if isinstance(category, dict) and "files" in category
                 for f in category["files"]]
        return json_array(_limited(ctx, files))
    return json_array(_limited(ctx, categories))


def _files_download(node: _BambooHr, ctx: NodeContext, i: int, resource: str) -> Any:
    output = ctx.param("output", i, "data")
    endpoint = f"{_files_prefix(ctx, i, resource)}/{ctx.param('fileId', i, '')}/"
    response = node.send("GET", endpoint, i, as_json=False)
    mime = response.headers.get("content-type")
    mime = next((part for part in mime.split(";") if "/" in part), None) if mime else None
    match = _FILE_NAME.search(response.headers.get("content-disposition") or "")
    file_name = match.group(0) if match else ""
    item = ctx.input(0)[i]
    return [{"json": item.get("json", {}),
             "binary": {output: binary.prepare_binary(response.content, file_name or None, mime)}}]


def _files_update(node: _BambooHr, ctx: NodeContext, i: int, resource: str) -> Any:
    endpoint = f"{_files_prefix(ctx, i, resource)}/{ctx.param('fileId', i, '')}"
    if resource == "file":
        share = ctx.param("updateFields.shareWithEmployee", i, True)
        body = {"shareWithEmployee": "yes" if share else "no"}
    else:
        body = dict(ctx.param("updateFields", i, {}) or {})
        body["shareWithEmployee"] = "yes" if body.get("shareWithEmployee") else "no"
    node.call("POST", endpoint, i, body)
    return json_array({"success": True})


def _files_delete(node: _BambooHr, ctx: NodeContext, i: int, resource: str) -> Any:
    node.call("DELETE", f"{_files_prefix(ctx, i, resource)}/{ctx.param('fileId', i, '')}", i)
    return json_array({"success": True})


_EMPLOYEE = {"create": _employee_create, "get": _employee_get, "getAll": _employee_get_all,
             "update": _employee_update}
_FILES = {"getAll": _files_get_all, "download": _files_download, "update": _files_update, "delete": _files_delete}


def _run(node: _BambooHr, ctx: NodeContext, i: int, resource: str, operation: str) -> list[dict[str, Any]]:
    if resource == "employee" and operation in _EMPLOYEE:
        return _EMPLOYEE[operation](node, ctx, i)
    if resource in ("file", "employeeDocument") and operation in _FILES:
        return _FILES[operation](node, ctx, i, resource)
    raise unsupported(DISPLAY, resource, operation)


def _error_item(ctx: NodeContext, exc: NodeError, i: int) -> dict[str, Any]:
    """The router's ``{json: getInputData(i)[0].json, error}`` (only item 0 has an input there)."""
    from automatelanka.engine.executor import error_data

    if i == 1:
        raise NodeError("Cannot read properties of undefined (reading '0')", item_index=i) from exc
    if i > 1:
        raise NodeError("Could not get input with given index", item_index=i) from exc
    first = ctx.input(0)[0]
    return {"json": copy.deepcopy(first.get("json", {})), "error": error_data(exc, ctx.node, ctx.run_index)}


@register("n8n-nodes-base.bambooHr", versions=(1,), display_name="BambooHR")
def bamboo_hr(ctx: NodeContext) -> NodeOutput:
    out: list[dict[str, Any]] = []
    node: _BambooHr | None = None
    for i, _item in enumerate(ctx.input(0)):
        resource = ctx.param("resource", i, "employee")
        operation = ctx.param("operation", i, "create" if resource == "employee" else "delete")
        try:
            if not ((resource == "employee" and operation in _EMPLOYEE)
                    or (resource in ("file", "employeeDocument") and operation in _FILES)):
                raise unsupported(DISPLAY, resource, operation)
            node = node or _BambooHr(ctx)
            out.extend(_run(node, ctx, i, resource, operation))
        except NodeError as exc:
            if not ctx.continue_on_fail:
                if exc.item_index is None:
                    exc.item_index = i
                raise
            out.append(_error_item(ctx, exc, i))
    return [out]
