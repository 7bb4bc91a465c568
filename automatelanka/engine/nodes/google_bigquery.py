"""Google BigQuery (n8n-nodes-base.googleBigQuery v1, v2, v2.1) against the BigQuery API v2.

- v1 record ``create``: one POST .../tables/<t>/insertAll for all items (``rows`` of the listed
  ``columns`` of each item, options merged across items, a random ``traceId``), the answer as one
  item paired with every input; record ``getAll``: GET .../tables/<t>/data (``limit`` as
  ``maxResults``, or ``pageToken`` paging with ``maxResults`` 100), ``simple`` maps ``row.f[i].v``
  to the table schema's field names (or ``selectedFields``).
- v2/v2.1 database ``executeQuery``: ``{{ }}`` in the query are resolved per item, POST
  /projects/<p>/jobs ``{configuration: {query}}`` (defaultDataset, useLegacySql, named STRING
  parameters, other options as given); a DONE job's results are read with GET
  /projects/<p>/queries/<job> (``pageToken`` paging, ``location``/``maxResults``/``timeoutMs``),
  other jobs are polled after 1 s, 2 s, ... (capped at 30 s) through ``services.sleep``. Rows are
  simplified by the schema (RECORD/REPEATED/JSON; TIMESTAMP as ISO in v2.1), ``returnAsNumbers``,
  ``includeSchema``, ``rawOutput``/``dryRun`` as n8n. Where n8n would poll forever this fails after
  10 minutes of waiting.

Not supported yet (clear error): v2 database ``insert``. Authentication: ``oAuth2`` (default,
googleBigQueryOAuth2Api) or ``serviceAccount`` (googleApi, bigquery scope). Base URL: configured
``googleBigQuery``, else ``google``, else https://bigquery.googleapis.com/bigquery.
"""

from __future__ import annotations

import contextlib
import json
import re
import time
import uuid
from typing import Any

from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import Item, NodeOutput
from automatelanka.engine.luxon_format import UTC_ZONE, LDateTime, normalize_zone
from automatelanka.engine.nodes._google import SCOPES, GoogleApi
from automatelanka.engine.nodes._svc import per_item, resource_value, unsupported
from automatelanka.engine.nodes.base import NodeContext, register

NODE_TYPE = "n8n-nodes-base.googleBigQuery"
DISPLAY = "Google BigQuery"
DEFAULT_URL = "https://bigquery.googleapis.com/bigquery"
SCOPES.setdefault("bigquery", ["https://www.googleapis.com/auth/bigquery"])
_NUMERIC = ("INTEGER", "NUMERIC", "FLOAT", "BIGNUMERIC")
_POLL_LIMIT_S = 600


def bigquery_base(ctx: NodeContext) -> str:
    urls = ctx.state.services.base_urls
    return (urls.get("googleBigQuery") or urls.get("google") or DEFAULT_URL).rstrip("/")


@register(NODE_TYPE, versions=(1, 2, 2.1), display_name=DISPLAY)
def google_bigquery(ctx: NodeContext) -> NodeOutput:
    api = GoogleApi(ctx, "googleBigQueryOAuth2Api", "bigquery")
    api.base = bigquery_base(ctx)
    if ctx.node.type_version < 2:
        resource = ctx.param("resource", 0, "record")
        operation = ctx.param("operation", 0, "create")
        if resource == "record" and operation == "create":
            return [_v1_create(ctx, api)]
        if resource == "record" and operation == "getAll":
            return [_v1_get_all(ctx, api)]
        raise unsupported(DISPLAY, resource, operation)
    resource = ctx.param("resource", 0, "database")
    operation = ctx.param("operation", 0, "executeQuery")
    if resource == "database" and operation == "executeQuery":
        return [_execute_query(ctx, api)]
    raise unsupported(DISPLAY, resource, operation)


# -- v1 --------------------------------------------------------------------------------------------


def _table_path(ctx: NodeContext) -> str:
    p = ctx.param
    return f"/v2/projects/{p('projectId', 0, '')}/datasets/{p('datasetId', 0, '')}/tables/{p('tableId', 0, '')}"


def _v1_create(ctx: NodeContext, api: GoogleApi) -> list[Item]:
    items = ctx.input(0)
    body: dict[str, Any] = {}
    rows: list[dict[str, Any]] = []
    for i, item in enumerate(items):
        body.update(ctx.param("options", i, {}) or {})
        if body.get("traceId") is None:
            body["traceId"] = str(uuid.uuid4())
        columns = [c.strip() for c in str(ctx.param("columns", i, "")).split(",")]
        rows.append({"json": {k: v for k, v in (item.get("json") or {}).items() if k in columns}})
    body["rows"] = rows
    paired = [{"item": i} for i in range(len(items))]
    try:
        data = api.json("POST", f"{_table_path(ctx)}/insertAll", body=body)
    except NodeError as exc:
        exc.item_index = 0  # n8n throws here even under continue-on-fail
        raise
    rows_out = data if isinstance(data, list) else [data]
    return [{"json": row, "pairedItem": paired} for row in rows_out]


def _v1_get_all(ctx: NodeContext, api: GoogleApi) -> list[Item]:
    path = _table_path(ctx)
    return_all = ctx.param("returnAll", 0, False)
    simple = ctx.param("simple", 0, True)
    state: dict[str, Any] = {"qs": {}, "fields": None}
    if simple:
        schema = api.json("GET", path).get("schema") or {}
        state["fields"] = [f.get("name") for f in schema.get("fields") or []]

    def one(i: int, _item: Item) -> Any:
        qs = state["qs"]
        qs.update(ctx.param("options", i, {}) or {})
        if qs.get("selectedFields"):
            state["fields"] = str(qs["selectedFields"]).split(",")
        if return_all:
            qs["maxResults"] = 100
            rows: list[Any] = []
            while True:
                page = api.json("GET", f"{path}/data", params=dict(qs), item_index=i)
                qs["pageToken"] = page.get("pageToken")
                rows.extend(page.get("rows") or [])
                if page.get("pageToken") in (None, ""):
                    break
        else:
            qs["maxResults"] = ctx.param("limit", i, 50)
            rows = api.json("GET", f"{path}/data", params=dict(qs), item_index=i).get("rows")
        if simple:
            fields = state["fields"] or []
            return [{field: row["f"][n]["v"] for n, field in enumerate(fields)} for row in rows or []]
        return rows

    return per_item(ctx, one)


# -- v2 executeQuery -------------------------------------------------------------------------------


def _query_text(ctx: NodeContext, i: int) -> str:
    """The query with each ``{{ ... }}`` left in it evaluated (n8n's getResolvables)."""
    sql = str(ctx.param("sqlQuery", i, ""))
    for resolvable in re.findall(r"({{[\s\S]*?}})", sql):
        sql = sql.replace(resolvable, str(ctx.resolve("=" + resolvable, i)), 1)
    return sql


def _all_results(api: GoogleApi, path: str, qs: dict[str, Any], i: int) -> dict[str, Any]:
    """``googleBigQueryApiRequestAllItems``: every ``pageToken`` page; the last answer with all rows."""
    query = {k: v for k, v in qs.items() if v is not None}
    rows: list[Any] = []
    while True:
        page = api.json("GET", path, params=dict(query), item_index=i)
        token = query["pageToken"] = page.get("pageToken")
        rows.extend(page.get("rows") or [])
        if token in (None, ""):
            return {**page, "rows": rows}


def _execute_query(ctx: NodeContext, api: GoogleApi) -> list[Item]:
    out: list[Item] = []
    jobs: list[dict[str, Any]] = []
    limits = {"maxResults": 1000, "timeoutMs": 10000}
    for i in range(len(ctx.input(0))):
        try:
            job = _start_job(ctx, api, i, limits, out)
            if job:
                jobs.append(job)
        except NodeError as exc:
            if ctx.continue_on_fail:
                out.append({"json": {"error": exc.message}, "pairedItem": {"item": i}})
                continue
            if "location" in exc.message or getattr(exc, "http_code", None) == "404":
                exc.description = ("Are you sure your table is in that region? You can specify the region "
                                   "using the 'Location' parameter from options.")
            exc.item_index = i
            raise
    _poll_jobs(ctx, api, jobs, limits, out)
    return out


def _start_job(ctx: NodeContext, api: GoogleApi, i: int, limits: dict[str, Any],
               out: list[Item]) -> dict[str, Any] | None:
    sql = _query_text(ctx, i)
    options = dict(ctx.param("options", i, {}) or {})
    project = resource_value(ctx.param("projectId", i, ""))
    raw_output = bool(options.pop("rawOutput", False))
    include_schema = bool(options.pop("includeSchema", False))
    for key in ("maxResults", "timeoutMs"):
        if options.get(key):
            limits[key] = options.pop(key)
    body = {**options, "query": sql}
    if body.get("defaultDataset"):
        body["defaultDataset"] = {"datasetId": options["defaultDataset"], "projectId": project}
    body.setdefault("useLegacySql", False)
    if isinstance(body.get("queryParameters"), dict):
        named = body["queryParameters"].get("namedParameters") or []
        body["parameterMode"] = "NAMED"
        body["queryParameters"] = [{"name": p.get("name"), "parameterType": {"type": "STRING"},
                                    "parameterValue": {"value": p.get("value")}} for p in named]
    response = api.json("POST", f"/v2/projects/{project}/jobs", body={"configuration": {"query": body}},
                        item_index=i)
    reference = response.get("jobReference") or {}
    if not reference.get("jobId"):
        raise NodeError(f"No job ID returned, item {i}", item_index=i)
    raw = raw_output or bool(options.get("dryRun"))
    location = options.get("location") or reference.get("location")
    job = {"jobId": reference["jobId"], "projectId": project, "i": i, "raw": raw,
           "includeSchema": include_schema, "location": location, "numbers": body.get("returnAsNumbers") is True}
    if (response.get("status") or {}).get("state") != "DONE":
        return job
    qs = {"location": location, **limits}
    result = _all_results(api, f"/v2/projects/{project}/queries/{job['jobId']}", qs, i)
    if job["numbers"]:
        _as_numbers(result)
    out.extend(_prepare_output(ctx, result, i, raw, include_schema))
    return None


def _poll_jobs(ctx: NodeContext, api: GoogleApi, jobs: list[dict[str, Any]], limits: dict[str, Any],
               out: list[Item]) -> None:
    sleep = ctx.state.services.sleep or time.sleep
    wait, waited = 1.0, 0.0
    while jobs:
        settled: list[str] = []
        for job in jobs:
            try:
                qs = {"location": job["location"]} if job["location"] else {}
                qs.update(limits)
                path = f"/v2/projects/{job['projectId']}/queries/{job['jobId']}"
                response = _all_results(api, path, qs, job["i"])
                if response.get("jobComplete"):
                    settled.append(job["jobId"])
                    out.extend(_prepare_output(ctx, response, job["i"], job["raw"], job["includeSchema"]))
                if response.get("errors"):
                    messages = ", ".join(str(e.get("message")) for e in response["errors"])
                    raise NodeError(f"Error(s) ocurring while executing query from item {job['i']}: {messages}")
            except NodeError as exc:
                if ctx.continue_on_fail:
                    settled.append(job["jobId"])
                    out.append({"json": {"error": exc.message}, "pairedItem": {"item": job["i"]}})
                    continue
                exc.item_index = job["i"]
                raise
        jobs = [job for job in jobs if job["jobId"] not in settled]
        if jobs:
            if waited >= _POLL_LIMIT_S:
                raise NodeError(f"The BigQuery job {jobs[0]['jobId']} did not complete within 10 minutes",
                                item_index=jobs[0]["i"])
            sleep(wait)
            waited += wait
            wait = wait * 2 if wait < 30 else wait


def _as_numbers(result: dict[str, Any]) -> None:
    types = [f.get("type") for f in ((result.get("schema") or {}).get("fields") or [])]
    for row in result.get("rows") or []:
        for index, entry in enumerate(row.get("f") or [] if isinstance(row, dict) else []):
            if isinstance(entry, dict) and "v" in entry and index < len(types) and types[index] in _NUMERIC:
                entry["v"] = _js_number(entry["v"])


def _js_number(value: Any) -> Any:
    """``Number(value)`` (NaN as None, integral floats as int)."""
    if value is None:
        return 0
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return int(number) if number.is_integer() else number


def _field_value(ctx: NodeContext, schema_field: dict[str, Any], field: Any, parse_ts: bool) -> Any:
    if schema_field.get("type") == "RECORD":
        return simplify(ctx, [field.get("v")], schema_field.get("fields") or [], False, parse_ts)
    value = field.get("v") if isinstance(field, dict) else None
    if schema_field.get("type") == "JSON":
        with contextlib.suppress(TypeError, ValueError):
            value = json.loads(value)
    elif schema_field.get("type") == "TIMESTAMP" and parse_ts:
        try:
            zone = normalize_zone(ctx.timezone) or UTC_ZONE
            value = LDateTime(round(float(value) * 1000), zone).to_iso()
        except (TypeError, ValueError, OverflowError):
            pass
    return value


def simplify(ctx: NodeContext, rows: list[Any], schema: list[dict[str, Any]], include_schema: bool,
             parse_ts: bool) -> list[dict[str, Any]]:
    """n8n's ``simplify``: each row's ``f[n].v`` under the schema's field names."""
    out: list[dict[str, Any]] = []
    for entry in rows:
        record: dict[str, Any] = {}
        for index, field in enumerate(entry.get("f") or []):
            spec = schema[index]
            if spec.get("mode") != "REPEATED":
                record[spec.get("name")] = _field_value(ctx, spec, field, parse_ts)
            else:
                values: list[Any] = []
                for repeated in field.get("v") or []:
                    value = _field_value(ctx, spec, repeated, parse_ts)
                    values.extend(value if isinstance(value, list) else [value])
                record[spec.get("name")] = values
        if include_schema:
            record["_schema"] = schema
        out.append(record)
    return out


def _prepare_output(ctx: NodeContext, response: Any, i: int, raw: bool, include_schema: bool) -> list[Item]:
    if response is None:
        return []
    if raw:
        data = response
    else:
        rows, schema = response.get("rows"), response.get("schema")
        if rows is not None and schema is not None:
            data = simplify(ctx, rows, schema.get("fields") or [], include_schema, ctx.node.type_version >= 2.1)
        elif schema and include_schema:
            data = {"success": True, "_schema": schema}
        else:
            data = {"success": True}
    rows_out = data if isinstance(data, list) else [data]
    return [{"json": row, "pairedItem": {"item": i}} for row in rows_out]
