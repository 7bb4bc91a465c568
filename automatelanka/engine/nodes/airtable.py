"""Airtable (n8n-nodes-base.airtable v1, v2, 2.1) over the REST API, and the Airtable Trigger.

Base URL: configured ``airtable`` base URL, else https://api.airtable.com/v0. Credentials:
airtableTokenApi (``accessToken``), airtableOAuth2Api, or the deprecated airtableApi (``apiKey``).
v2 outputs: search/get flatten records to ``{id, createdTime, ...fields}``; create/update/upsert
return Airtable's records as they are, like n8n.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._http import base_url, credential, request
from automatelanka.engine.nodes._poll import poller
from automatelanka.engine.nodes._svc import per_item, resource_value, unsupported
from automatelanka.engine.nodes.base import NodeContext, register

DISPLAY = "Airtable"


def qs_pairs(qs: dict[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    """Query string pairs as the ``qs`` library writes them (``a[0]=x``, ``s[0][field]=y``)."""
    out: list[tuple[str, str]] = []
    for key, value in qs.items():
        name = f"{prefix}[{key}]" if prefix else str(key)
        if value is None:
            continue
        if isinstance(value, list):
            for index, entry in enumerate(value):
                if isinstance(entry, dict):
                    out.extend(qs_pairs(entry, f"{name}[{index}]"))
                else:
                    out.append((f"{name}[{index}]", _scalar(entry)))
        elif isinstance(value, dict):
            out.extend(qs_pairs(value, name))
        else:
            out.append((name, _scalar(value)))
    return out


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def flatten(record: dict[str, Any]) -> dict[str, Any]:
    """n8n's flattenOutput: ``{...record without fields, ...fields}``."""
    rest = {k: v for k, v in record.items() if k != "fields"}
    return {**rest, **(record.get("fields") or {})}


def remove_ignored(data: dict[str, Any], ignore: Any) -> dict[str, Any]:
    if not ignore:
        return data
    fields = [f.strip() for f in ignore.split(",")] if isinstance(ignore, str) else list(ignore)
    return {k: v for k, v in data.items() if k not in fields}


class _Airtable:
    def __init__(self, ctx: NodeContext, auth_param_default: str) -> None:
        self.ctx = ctx
        self.base = base_url(ctx, "airtable", "https://api.airtable.com/v0")
        kind = ctx.param("authentication", 0, auth_param_default)
        if kind == "airtableOAuth2Api":
            self.kwargs: dict[str, Any] = {"oauth2": (kind, credential(ctx, kind) or {})}
        else:
            fields = credential(ctx, kind) or {}
            token = fields.get("accessToken") if kind == "airtableTokenApi" else fields.get("apiKey")
            self.kwargs = {"auth": {"bearer": str(token or "")}}

    def call(self, method: str, endpoint: str, i: int, body: dict[str, Any] | None = None,
             qs: dict[str, Any] | None = None, url: str | None = None) -> Any:
        kwargs = dict(self.kwargs)
        if body:
            kwargs["json"] = body
        if qs:
            kwargs["params"] = qs_pairs(qs)
        response = request(self.ctx, method, url or f"{self.base}/{endpoint}", item_index=i, **kwargs)
        if url:
            return response.content
        return response.json() if response.content else {}

    def all_records(self, endpoint: str, i: int, qs: dict[str, Any]) -> list[dict[str, Any]]:
        qs = {**qs, "pageSize": 100}
        records: list[dict[str, Any]] = []
        while True:
            data = self.call("GET", endpoint, i, None, qs)
            records.extend(data.get("records") or [])
            if data.get("offset") is None:
                return records
            qs["offset"] = data["offset"]

    def batch_update(self, endpoint: str, i: int, body: dict[str, Any], records: list[dict[str, Any]]) -> list[Any]:
        out: list[Any] = []
        for start in range(0, len(records), 10):
            data = self.call("PATCH", endpoint, i, {**body, "records": records[start:start + 10]})
            out.extend(data.get("records") or [])
        return out


def _find_matches(data: list[dict[str, Any]], keys: list[str], fields: dict[str, Any],
                  update_all: bool) -> list[dict[str, Any]]:
    matches = [r for r in data if all((r.get("fields") or {}).get(k) == fields.get(k) for k in keys)]
    if not matches:
        raise NodeError("No records match provided keys" if update_all else
                        "Record matching provided keys was not found", level="warning")
    return matches if update_all else matches[:1]


def _download(api: _Airtable, records: list[dict[str, Any]], names: Any, i: int,
              paired: Any) -> list[dict[str, Any]]:
    from automatelanka.engine.binary import prepare_binary

    fields = [n.strip() for n in names.split(",")] if isinstance(names, str) else list(names)
    if not fields:
        raise NodeError("Specify field to download in 'Download Attachments' option")
    out = []
    for record in records:
        element: dict[str, Any] = {"json": flatten(record), "binary": {}, "pairedItem": paired}
        for name in fields:
            for index, attachment in enumerate((record.get("fields") or {}).get(name) or []):
                raw = api.call("GET", "", i, url=attachment.get("url"))
                element["binary"][f"{name}_{index}"] = prepare_binary(raw, attachment.get("filename"),
                                                                      attachment.get("type"))
        if not element["binary"]:
            del element["binary"]
        out.append(element)
    return out


def _airtable_error(exc: NodeError, record_id: Any, i: int) -> NodeError:
    if exc.description == "NOT_FOUND" and record_id:
        exc.description = f"{record_id} is not a valid Record ID"
    if exc.description and "You must provide an array of up to 10 record objects" in exc.description and record_id:
        exc.description = f"{record_id} is not a valid Record ID"
    if exc.description and "cannot accept the provided value" in exc.description:
        exc.description = f"{exc.description}. Consider using 'Typecast' option"
    exc.item_index = i
    return exc


def _error_json(exc: NodeError) -> dict[str, Any]:
    detail: dict[str, Any] = {"message": exc.message, "name": exc.name}
    if exc.description is not None:
        detail["description"] = exc.description
    if exc.http_code is not None:
        detail["httpCode"] = exc.http_code
    return detail


def _v2(ctx: NodeContext) -> list[dict[str, Any]]:
    resource = ctx.param("resource", 0, "record")
    operation = ctx.param("operation", 0, "read")
    api = _Airtable(ctx, "airtableTokenApi")
    items = ctx.input(0)
    if resource == "base":
        return _base(ctx, api, operation, items)
    if resource != "record":
        raise NodeError(f'The operation "{operation}" is not supported!')
    base_id = resource_value(ctx.param("base", 0))
    table = quote(str(resource_value(ctx.param("table", 0))), safe="/:@!$&'()*+,;=-._~?#[]")
    endpoint = f"{base_id}/{table}"
    version = ctx.node.type_version or 2
    out: list[dict[str, Any]] = []
    if operation == "search":
        count = len(items) if version >= 2.1 else (1 if items else 0)
        paired: Any = None if version >= 2.1 else [{"item": k} for k in range(len(items))]
        for i in range(count):
            try:
                out.extend(_search(ctx, api, endpoint, i, paired or {"item": i}))
            except NodeError as exc:
                if not ctx.continue_on_fail:
                    raise
                out.append({"json": {"message": exc.message, "error": _error_json(exc)}, "pairedItem": {"item": i}})
        return out
    columns = ctx.param("columns", 0, {}) or {}
    mode = columns.get("mappingMode") if isinstance(columns, dict) else None
    matching = list(columns.get("matchingColumns") or []) if isinstance(columns, dict) else []
    table_data: list[dict[str, Any]] = []
    if operation == "update" and "id" not in matching:
        table_data = api.all_records(endpoint, 0, {"fields": matching})
    for i, item in enumerate(items):
        record_id: Any = None
        try:
            if operation in ("get", "deleteRecord"):
                record_id = ctx.param("id", i)
                if operation == "deleteRecord":
                    data = api.call("DELETE", f"{endpoint}/{record_id}", i)
                    out.append({"json": data, "pairedItem": {"item": i}})
                    continue
                data = api.call("GET", f"{endpoint}/{record_id}", i)
                options = ctx.param("options", 0, {}) or {}
                if options.get("downloadFields"):
                    out.extend(_download(api, [data], options["downloadFields"], i, {"item": i}))
                    continue
                out.append({"json": flatten(data), "pairedItem": {"item": i}})
                continue
            options = ctx.param("options", i, {}) or {}
            typecast = bool(options.get("typecast"))
            if operation == "create":
                body: dict[str, Any] = {"typecast": typecast}
                if mode == "autoMapInputData":
                    body["fields"] = remove_ignored(item.get("json") or {}, options.get("ignoreFields"))
                elif mode == "defineBelow":
                    body["fields"] = ctx.param("columns.value", i, {})
                data = api.call("POST", endpoint, i, body)
                out.append({"json": data, "pairedItem": {"item": i}})
                continue
            if operation == "update":
                records, record_id = _update_records(ctx, item, i, mode, matching, options, table_data)
                rows = api.batch_update(endpoint, i, {"typecast": typecast}, records)
            elif operation == "upsert":
                rows = _upsert(ctx, api, endpoint, item, i, mode, matching, options)
            else:
                raise unsupported(DISPLAY, resource, operation)
            out.extend({"json": row, "pairedItem": {"item": i}} for row in rows)
        except NodeError as exc:
            exc = _airtable_error(exc, record_id, i)
            if not ctx.continue_on_fail:
                raise
            if operation in ("get", "deleteRecord"):
                out.append({"json": {"error": exc.message}})
            else:
                out.append({"json": {"message": exc.message, "error": _error_json(exc)}})
    return out


def _search(ctx: NodeContext, api: _Airtable, endpoint: str, i: int, paired: Any) -> list[dict[str, Any]]:
    options = ctx.param("options", i, {}) or {}
    sort = ctx.param("sort", i, {}) or {}
    qs: dict[str, Any] = {}
    formula = ctx.param("filterByFormula", i, "")
    if formula:
        qs["filterByFormula"] = formula
    if options.get("fields"):
        fields = options["fields"]
        qs["fields"] = [f.strip() for f in fields.split(",")] if isinstance(fields, str) else fields
    if isinstance(sort, dict) and sort.get("property"):
        qs["sort"] = sort["property"]
    if options.get("view"):
        qs["view"] = resource_value(options["view"])
    if ctx.param("returnAll", i, True):
        records = api.all_records(endpoint, i, qs)
    else:
        qs["maxRecords"] = ctx.param("limit", i, 50)
        records = api.call("GET", endpoint, i, None, qs).get("records") or []
    if options.get("downloadFields"):
        return _download(api, records, options["downloadFields"], i, paired)
    return [{"json": flatten(r), "pairedItem": paired} for r in records]


def _update_records(ctx: NodeContext, item: dict[str, Any], i: int, mode: Any, matching: list[str],
                    options: dict[str, Any], table_data: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], Any]:
    records: list[dict[str, Any]] = []
    record_id: Any = ""
    update_all = bool(options.get("updateAllMatches"))
    if mode == "autoMapInputData":
        data = dict(item.get("json") or {})
        if "id" in matching:
            record_id = data.pop("id", None)
            records.append({"id": record_id, "fields": remove_ignored(data, options.get("ignoreFields"))})
        else:
            for match in _find_matches(table_data, matching, data, update_all):
                records.append({"id": match.get("id"), "fields": remove_ignored(data, options.get("ignoreFields"))})
    elif mode == "defineBelow":
        fields = dict(ctx.param("columns.value", i, {}) or {})
        if "id" in matching:
            record_id = fields.pop("id", None)
            records.append({"id": record_id, "fields": fields})
        else:
            for match in _find_matches(table_data, matching, fields, update_all):
                records.append({"id": match.get("id"), "fields": remove_ignored(fields, matching)})
    return records, record_id


def _upsert(ctx: NodeContext, api: _Airtable, endpoint: str, item: dict[str, Any], i: int, mode: Any,
            matching: list[str], options: dict[str, Any]) -> list[Any]:
    records: list[dict[str, Any]] = []
    if mode == "autoMapInputData":
        data = dict(item.get("json") or {})
        if "id" in matching:
            record_id = data.pop("id", None)
            records.append({"id": record_id, "fields": remove_ignored(data, options.get("ignoreFields"))})
        else:
            records.append({"fields": remove_ignored(data, options.get("ignoreFields"))})
    elif mode == "defineBelow":
        fields = dict(ctx.param("columns.value", i, {}) or {})
        if "id" in matching:
            record_id = fields.pop("id", None)
            records.append({"id": record_id, "fields": fields})
        else:
            records.append({"fields": fields})
    body: dict[str, Any] = {"typecast": bool(options.get("typecast"))}
    if "id" not in matching:
        body["performUpsert"] = {"fieldsToMergeOn": matching}
    try:
        return api.batch_update(endpoint, i, body, records)
    except NodeError as exc:
        if exc.http_code == "422" and "id" in matching:
            data = api.call("POST", endpoint, i, {**body, "records": [{"fields": r["fields"]} for r in records]})
            return data.get("records") or []
        if exc.description and "Cannot update more than one record" in exc.description:
            conditions = ",".join(f"{{{c}}} = '{records[0]['fields'].get(c)}'" for c in matching)
            matches = api.all_records(endpoint, i, {"fields": matching, "filterByFormula": f"AND({conditions})"})
            if options.get("updateAllMatches"):
                updates = [{"id": m.get("id"), "fields": records[0]["fields"]} for m in matches]
            else:
                updates = [{"id": matches[0].get("id"), "fields": records[0]["fields"]}]
            return api.batch_update(endpoint, i, body, updates)
        raise


def _base(ctx: NodeContext, api: _Airtable, operation: str, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if operation == "getSchema":
        def schema(i: int, _item: dict[str, Any]) -> Any:
            base_id = resource_value(ctx.param("base", i))
            return api.call("GET", f"meta/bases/{base_id}/tables", i).get("tables") or []
        return per_item(ctx, schema, pair_errors=False)
    if operation == "getMany":
        data = api.call("GET", "meta/bases", 0)
        bases = list(data.get("bases") or [])
        if ctx.param("returnAll", 0, False):
            while data.get("offset"):
                data = api.call("GET", "meta/bases", 0, None, {"offset": data["offset"]})
                bases.extend(data.get("bases") or [])
        else:
            limit = ctx.param("limit", 0, 100)
            bases = bases[:limit] if limit else []
        levels = (ctx.param("options", 0, {}) or {}).get("permissionLevel") or []
        if levels:
            bases = [b for b in bases if b.get("permissionLevel") in levels]
        paired = [{"item": k} for k in range(len(items))]
        return [{"json": b, "pairedItem": paired} for b in bases]
    raise unsupported(DISPLAY, "base", operation)


def _v1(ctx: NodeContext) -> list[dict[str, Any]]:
    if ctx.param("authentication", 0, "airtableApi") == "airtableApi":
        raise NodeError("The API Key connection was deprecated by Airtable, please use Access Token or OAuth2 "
                        "instead.")
    api = _Airtable(ctx, "airtableTokenApi")
    operation = ctx.param("operation", 0, "read")
    application = resource_value(ctx.param("application", 0))
    table = quote(str(resource_value(ctx.param("table", 0))), safe="/:@!$&'()*+,;=-._~?#[]")
    endpoint = f"{application}/{table}"
    items = ctx.input(0)
    out: list[dict[str, Any]] = []
    if operation == "list":
        qs: dict[str, Any] = {}
        for key, value in (ctx.param("additionalOptions", 0, {}) or {}).items():
            qs[key] = value["property"] if key == "sort" and isinstance(value, dict) and "property" in value else value
        if ctx.param("returnAll", 0, True):
            records = api.all_records(endpoint, 0, qs)
        else:
            qs["maxRecords"] = ctx.param("limit", 0, 100)
            records = api.call("GET", endpoint, 0, None, qs).get("records") or []
        paired = [{"item": k} for k in range(len(items))]
        if ctx.param("downloadAttachments", 0, False):
            return _download(api, records, str(ctx.param("downloadFieldNames", 0, "")).split(","), 0, paired)
        return [{"json": r, "pairedItem": paired} for r in records]
    if operation == "read":
        return per_item(ctx, lambda i, _item: api.call("GET", f"{endpoint}/{ctx.param('id', i)}", i),
                        pair_errors=False)
    if operation not in ("append", "update", "delete"):
        raise NodeError(f'The operation "{operation}" is not known!')
    rows: list[Any] = []
    bulk = 10
    for i, item in enumerate(items):
        try:
            options = ctx.param("options", i if operation != "delete" else 0, {}) or {}
            bulk = options.get("bulkSize") or bulk
            if operation == "delete":
                rows.append(ctx.param("id", i))
            else:
                all_fields = ctx.param("addAllFields" if operation == "append" else "updateAllFields", i, True)
                if all_fields:
                    fields = {k: v for k, v in (item.get("json") or {}).items() if k != "id"}
                    ignore = [f.strip() for f in str(options.get("ignoreFields") or "").split(",") if f.strip()]
                    if operation == "update" and ignore:
                        fields = {k: v for k, v in (item.get("json") or {}).items() if k not in ignore}
                else:
                    fields = {name: (item.get("json") or {}).get(name) for name in ctx.param("fields", i, []) or []}
                row: dict[str, Any] = {"fields": fields}
                if operation == "update":
                    row["id"] = ctx.param("id", i)
                rows.append(row)
            if len(rows) == bulk or i == len(items) - 1:
                if operation == "delete":
                    data = api.call("DELETE", endpoint, i, None, {"records": rows})
                elif operation == "append":
                    body: dict[str, Any] = {"records": rows}
                    if options.get("typecast") is True:
                        body["typecast"] = True
                    data = api.call("POST", endpoint, i, body)
                else:
                    data = api.call("PATCH", endpoint, i, {"records": rows, "typecast": bool(options.get("typecast"))})
                out.extend({"json": r, "pairedItem": {"item": i}} for r in data.get("records") or [])
                rows = []
        except NodeError as exc:
            if not ctx.continue_on_fail:
                exc.item_index = i
                raise
            out.append({"json": {"error": exc.message}})
    return out


@register("n8n-nodes-base.airtable", versions=(1, 2, 2.1), display_name=DISPLAY)
@register("n8n-nodes-base.airtableTool", versions=(1, 2, 2.1), display_name=DISPLAY)
def airtable(ctx: NodeContext) -> NodeOutput:
    return [_v2(ctx) if (ctx.node.type_version or 1) >= 2 else _v1(ctx)]


@register("n8n-nodes-base.airtableTrigger", versions=(1,), trigger=True, inputs=0, display_name="Airtable Trigger")
def airtable_trigger(ctx: NodeContext) -> NodeOutput:
    """Polling trigger: outside manual mode the seed passes through; manual mode polls once."""
    if ctx.state.mode != "manual":
        return [list(ctx.input(0))]
    return [poll(ctx)]


@poller("n8n-nodes-base.airtableTrigger")
def poll(ctx: NodeContext) -> list[dict[str, Any]]:
    """Records whose trigger field changed since the last poll (cursor ``lastTimeChecked`` in static
    data ``node:<name>``, as n8n). The daemon calls this on the polling schedule; ``[]`` = nothing new.
    """
    from datetime import UTC, datetime

    api = _Airtable(ctx, "airtableTokenApi")
    base_id = resource_value(ctx.param("baseId", 0, ""))
    table = resource_value(ctx.param("tableId", 0, ""))
    field = ctx.param("triggerField", 0, "")
    options = ctx.param("additionalFields", 0, {}) or {}
    store = ctx.state.static_data.setdefault(f"node:{ctx.node.name}", {})
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    start = store.get("lastTimeChecked") or now
    qs: dict[str, Any] = {}
    if options.get("viewId"):
        qs["view"] = options["viewId"]
    if options.get("fields"):
        qs["fields[]"] = str(options["fields"]).split(",")
    qs["filterByFormula"] = f'IS_AFTER({{{field}}}, DATETIME_PARSE("{start}", "YYYY-MM-DD HH:mm:ss"))'
    if options.get("formula"):
        qs["filterByFormula"] = f"AND({qs['filterByFormula']}, {options['formula']})"
    manual = ctx.state.mode == "manual"
    if manual:
        del qs["filterByFormula"]
        qs["maxRecords"] = 1
    records = api.all_records(f"{base_id}/{table}", 0, qs)
    store["lastTimeChecked"] = now
    if not records:
        return []
    if manual and field not in (records[0].get("fields") or {}):
        raise NodeError(f'The Field "{field}" does not exist.')
    if ctx.param("downloadAttachments", 0, False):
        names = str(ctx.param("downloadFieldNames", 0, "")).split(",")
        return [{k: v for k, v in e.items() if k != "pairedItem"} for e in _download(api, records, names, 0, None)]
    return [{"json": r} for r in records]
