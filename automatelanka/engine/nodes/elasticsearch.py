"""Elasticsearch (n8n-nodes-base.elasticsearch v1): documents and indices over the REST API.

Base: configured ``elasticsearch`` base URL, else the elasticsearchApi credential's ``baseUrl``;
basic auth (``username``/``password``), ``ignoreSSLIssues`` skips certificate checks. Supported:

- document create (POST ``/<index>/_doc`` or PUT with a document id), delete, get (``simple``),
  getAll (``_search`` with ``size`` = limit or 10000; with returnAll and a ``sort`` option it pages with
  a point in time and ``search_after``), update (``_update`` with ``{doc}``); define-below or
  auto-mapped input; ``options.bulkOperation`` on create/update/delete goes through ``_bulk`` in
  batches of 50 entries, with n8n's per-entry errors;
- index create (PUT, answers ``{id, ...}`` without ``index``), delete (``{success: true}``), get,
  getAll (``/_aliases`` names).

As in n8n, the node has no per-item error handling of its own: an API error fails the node (the
workflow's continue-on-fail settings apply), except bulk entries under continue-on-fail. Anything else
fails with "not supported yet".
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from automatelanka.engine.errors import NodeApiError, NodeError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._fields import js_string
from automatelanka.engine.nodes._http import base_url, credential, find_error_message
from automatelanka.engine.nodes._rest import Api, decode
from automatelanka.engine.nodes._svc import json_array, unsupported
from automatelanka.engine.nodes.base import NodeContext, register

DISPLAY = "Elasticsearch"
BULK_BATCH = 50
UNKNOWN_ERROR = "UNKNOWN ERROR - check the detailed error for more information"


class _Es:
    """Requests to the cluster of the node's elasticsearchApi credential (resolved when first used)."""

    def __init__(self, ctx: NodeContext) -> None:
        self.ctx = ctx
        self._api: Api | None = None
        self.verify = True

    @property
    def api(self) -> Api:
        if self._api is None:
            fields = credential(self.ctx, "elasticsearchApi") or {}
            self.verify = not fields.get("ignoreSSLIssues")
            base = str(fields.get("baseUrl") or "")
            base = base[:-1] if base.endswith("/") else base
            self._api = Api(self.ctx, base_url(self.ctx, "elasticsearch", base), "elasticsearchApi", fields=fields,
                            auth={"basic": (fields.get("username") or "", fields.get("password") or "")})
        return self._api

    def call(self, method: str, endpoint: str, i: int, body: Any = None, qs: Any = None) -> Any:
        """elasticsearchApiRequest: empty body and query are left out; errors as NodeApiError."""
        api = self.api
        try:
            return api.call(method, endpoint, i, body=body or None, qs=qs or None, verify=self.verify)
        except NodeApiError as exc:
            raise _described(exc) from None

    def bulk(self, entries: dict[int, str]) -> list[dict[str, Any]]:
        """elasticsearchBulkApiRequest: one ``_bulk`` request; the merged result of each entry."""
        api = self.api
        payload = "\n".join(entries.values()) + "\n"
        response = api.response("POST", "/_bulk", next(iter(entries)), content=payload.encode(),
                                headers={"Content-Type": "application/x-ndjson"}, never_error=True,
                                verify=self.verify)
        body = decode(response)
        if response.status_code > 299:
            error = body.get("error") if isinstance(body, dict) else None
            if self.ctx.continue_on_fail:
                return [{"error": error} for _ in entries]
            raise NodeApiError(find_error_message({"error": error}) or UNKNOWN_ERROR,
                               http_code=str(response.status_code), context={"errorResponse": {"error": error}})
        out: list[dict[str, Any]] = []
        for item in body.get("items") or []:
            merged: dict[str, Any] = {}
            for key in ("index", "update", "create", "delete", "error"):
                if isinstance(item.get(key), dict):
                    merged.update(item[key])
            out.append(merged)
        return out


def _described(exc: NodeApiError) -> NodeApiError:
    """n8n finds the text of ``{"error": {"type", "reason"}}`` bodies (the reason) as the description."""
    detail = (exc.context or {}).get("errorResponse")
    if isinstance(detail, dict) and isinstance(detail.get("error"), dict) and "message" not in detail["error"]:
        exc.description = find_error_message(detail) or exc.description
    return exc


def _segment(value: Any, i: int) -> str:
    """n8n's ``toPathSegment``: one encoded path segment (empty, ``.`` and ``..`` refused)."""
    if value is None:
        raise NodeError("Invalid identifier: a value is required", item_index=i)
    text = js_string(value)
    if text in ("", ".", ".."):
        raise NodeError(f'Invalid identifier: "{text}" is not allowed', item_index=i)
    return quote(text, safe="-_.!~*'()")


def _compact(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _source_fields(ctx: NodeContext, i: int, item: dict[str, Any]) -> dict[str, Any]:
    """The document's fields: ``fieldsUi`` (define below) or the input item minus ``inputsToIgnore``."""
    if ctx.param("dataToSend", 0, "defineBelow") == "defineBelow":
        return {str(f.get("fieldId")): f.get("fieldValue") for f in ctx.param("fieldsUi.fieldValues", i, []) or []}
    ignore = [c.strip() for c in str(ctx.param("inputsToIgnore", i, "") or "").split(",")]
    return {k: v for k, v in (item.get("json") or {}).items() if k not in ignore}


def _simple_hit(hit: dict[str, Any]) -> dict[str, Any]:
    return {"_id": hit.get("_id"), **(hit.get("_source") or {})}


class _Run:
    """One execution: per-item operations, the pending bulk entries and the output items."""

    def __init__(self, ctx: NodeContext) -> None:
        self.ctx = ctx
        self.es = _Es(ctx)
        self.bulk: dict[int, str] = {}
        self.out: list[dict[str, Any]] = []

    def emit(self, data: Any, i: int) -> None:
        for row in json_array(data):
            row.setdefault("pairedItem", {"item": i})
            self.out.append(row)

    def flush(self) -> None:
        entries, self.bulk = self.bulk, {}
        indexes = list(entries)
        for j, result in enumerate(self.es.bulk(entries)):
            index = indexes[j] if j < len(indexes) else j
            error = result.get("error")
            if error:
                kind = error.get("type") if isinstance(error, dict) else None
                if self.ctx.continue_on_fail:
                    self.emit({"error": kind, "message": error}, index)
                    continue
                reason = error.get("reason") if isinstance(error, dict) else None
                raise NodeApiError(str(kind) if kind else UNKNOWN_ERROR, description=reason, item_index=index,
                                   context={"errorResponse": error})
            self.emit(result, index)


# -- document -------------------------------------------------------------------------------------

def _doc_path(ctx: NodeContext, i: int, kind: str = "_doc") -> tuple[Any, Any, str]:
    index_id, doc_id = ctx.param("indexId", i, ""), ctx.param("documentId", i, "")
    return index_id, doc_id, f"/{_segment(index_id, i)}/{kind}/{_segment(doc_id, i)}"


def _doc_delete(run: _Run, i: int, item: dict[str, Any], bulk: bool) -> Any:
    index_id, doc_id = run.ctx.param("indexId", i, ""), run.ctx.param("documentId", i, "")
    if bulk:
        run.bulk[i] = _compact({"delete": {"_index": index_id, "_id": doc_id}})
        return None
    return run.es.call("DELETE", _doc_path(run.ctx, i)[2], i)


def _doc_get(run: _Run, i: int, item: dict[str, Any], bulk: bool) -> Any:
    ctx = run.ctx
    _, _, path = _doc_path(ctx, i)
    options = dict(ctx.param("options", i, {}) or {})
    qs = {**options, "_source": True} if options else {}
    data = run.es.call("GET", path, i, qs=qs)
    return _simple_hit(data) if ctx.param("simple", i, True) else data


def _doc_get_all(run: _Run, i: int, item: dict[str, Any], bulk: bool) -> Any:
    ctx = run.ctx
    index_id = ctx.param("indexId", i, "")
    options = dict(ctx.param("options", i, {}) or {})
    body: dict[str, Any] = {}
    qs: dict[str, Any] = {}
    if options:
        query = options.pop("query", None)
        if query:
            body.update(_parse_query(query, i))
        qs.update(options)
        qs["_source"] = True
    if ctx.param("returnAll", 0, False):
        qs["size"] = 10000
        hits = _search_all(run.es, index_id, body, qs, i) if qs.get("sort") else \
            _hits(run.es.call("POST", f"/{_segment(index_id, i)}/_search", i, body=body, qs=qs))
    else:
        qs["size"] = ctx.param("limit", 0, 50)
        hits = _hits(run.es.call("POST", f"/{_segment(index_id, i)}/_search", i, body=body, qs=qs))
    return [_simple_hit(h) for h in hits] if ctx.param("simple", 0, True) else hits


def _parse_query(query: Any, i: int) -> dict[str, Any]:
    if isinstance(query, dict):
        return query
    try:
        parsed = json.loads(str(query))
    except ValueError:
        raise NodeError("Invalid JSON in 'Query' option", item_index=i) from None
    return parsed if isinstance(parsed, dict) else {}


def _hits(data: Any) -> list[Any]:
    try:
        return list(data["hits"]["hits"])
    except (TypeError, KeyError):
        raise NodeError("Cannot read properties of undefined (reading 'hits')") from None


def _search_all(es: _Es, index_id: Any, body: dict[str, Any], qs: dict[str, Any], i: int) -> list[Any]:
    """elasticsearchApiRequestAllItems: a point in time, then ``search_after`` pages until one is empty."""
    segment = _segment(index_id, i)
    pit = (es.call("POST", f"/{segment}/_pit", i, qs={"keep_alive": "1m"}) or {}).get("id")
    request = {**body, "size": 10000, "pit": {"id": pit, "keep_alive": "1m"}, "track_total_hits": False}
    data = es.call("POST", "/_search", i, body=request, qs=qs)
    hits = (data or {}).get("hits", {}).get("hits") if isinstance(data, dict) else None
    if not hits:
        return []
    rows = list(hits)
    search_after, pit = hits[-1].get("sort"), data.get("pit_id")
    while True:
        request["search_after"] = search_after
        request["pit"] = {"id": pit, "keep_alive": "1m"}
        data = es.call("POST", "/_search", i, body=request, qs=qs)
        hits = (data or {}).get("hits", {}).get("hits") if isinstance(data, dict) else None
        if not hits:
            break
        rows.extend(hits)
        search_after, pit = hits[-1].get("sort"), data.get("pit_id")
    es.call("DELETE", "/_pit", i, body={"id": pit})
    return rows


def _doc_create(run: _Run, i: int, item: dict[str, Any], bulk: bool) -> Any:
    ctx = run.ctx
    body = _source_fields(ctx, i, item)
    additional = ctx.param("additionalFields", i, {}) or {}
    index_id = ctx.param("indexId", i, "")
    doc_id = additional.get("documentId")
    if bulk:
        meta = {"_index": index_id, **({"_id": doc_id} if doc_id is not None else {})}
        run.bulk[i] = _compact({"index": meta}) + "\n" + _compact(body)
        return None
    if doc_id:
        return run.es.call("PUT", f"/{_segment(index_id, i)}/_doc/{_segment(doc_id, i)}", i, body=body)
    return run.es.call("POST", f"/{_segment(index_id, i)}/_doc", i, body=body)


def _doc_update(run: _Run, i: int, item: dict[str, Any], bulk: bool) -> Any:
    ctx = run.ctx
    body = {"doc": _source_fields(ctx, i, item)}
    index_id, doc_id = ctx.param("indexId", i, ""), ctx.param("documentId", i, "")
    if bulk:
        run.bulk[i] = _compact({"update": {"_index": index_id, "_id": doc_id}}) + "\n" + _compact(body)
        return None
    return run.es.call("POST", _doc_path(ctx, i, "_update")[2], i, body=body)


# -- index ----------------------------------------------------------------------------------------

def _index_create(run: _Run, i: int, item: dict[str, Any], bulk: bool) -> Any:
    # n8n builds a body and query from additionalFields but sends neither.
    index_id = run.ctx.param("indexId", i, "")
    data = run.es.call("PUT", f"/{_segment(index_id, i)}", i)
    out = {"id": index_id, **(data if isinstance(data, dict) else {})}
    out.pop("index", None)
    return out


def _index_delete(run: _Run, i: int, item: dict[str, Any], bulk: bool) -> Any:
    run.es.call("DELETE", f"/{_segment(run.ctx.param('indexId', i, ''), i)}", i)
    return {"success": True}


def _index_get(run: _Run, i: int, item: dict[str, Any], bulk: bool) -> Any:
    index_id = run.ctx.param("indexId", i, "")
    qs = dict(run.ctx.param("additionalFields", i, {}) or {})
    data = run.es.call("GET", f"/{_segment(index_id, i)}", i, qs=qs)
    found = data.get(js_string(index_id)) if isinstance(data, dict) else None
    return {"id": index_id, **(found if isinstance(found, dict) else {})}


def _index_get_all(run: _Run, i: int, item: dict[str, Any], bulk: bool) -> Any:
    data = run.es.call("GET", "/_aliases", i)
    rows = [{"indexId": name} for name in (data or {})]
    if not run.ctx.param("returnAll", i, False):
        rows = rows[: int(run.ctx.param("limit", i, 50) or 0)]
    return rows


Operation = Callable[[_Run, int, dict[str, Any], bool], Any]
_OPERATIONS: dict[tuple[str, str], Operation] = {
    ("document", "create"): _doc_create, ("document", "delete"): _doc_delete, ("document", "get"): _doc_get,
    ("document", "getAll"): _doc_get_all, ("document", "update"): _doc_update,
    ("index", "create"): _index_create, ("index", "delete"): _index_delete, ("index", "get"): _index_get,
    ("index", "getAll"): _index_get_all,
}
_BULK = {("document", "create"), ("document", "delete"), ("document", "update")}
_DEFAULT_OPERATION = {"document": "get", "index": "create"}


@register("n8n-nodes-base.elasticsearch", versions=(1,), display_name="Elasticsearch")
@register("n8n-nodes-base.elasticsearchTool", versions=(1,), display_name="Elasticsearch Tool")
def elasticsearch(ctx: NodeContext) -> NodeOutput:
    resource = ctx.param("resource", 0, "document")
    operation = ctx.param("operation", 0, _DEFAULT_OPERATION.get(resource, "get"))
    handler = _OPERATIONS.get((resource, operation))
    if handler is None:
        raise unsupported(DISPLAY, resource, operation)
    run = _Run(ctx)
    for i, item in enumerate(ctx.input(0)):
        bulk = bool(ctx.param("options.bulkOperation", i, False)) and (resource, operation) in _BULK
        result = handler(run, i, item, bulk)
        if not bulk:
            run.emit(result, i)
        if len(run.bulk) >= BULK_BATCH:
            run.flush()
    if run.bulk:
        run.flush()
    return [run.out]
