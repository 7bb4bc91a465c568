"""Microsoft Excel 365 (n8n-nodes-base.microsoftExcel v1, v2, 2.1, 2.2): the Graph workbook API.

Base: configured ``microsoft`` base URL, else https://graph.microsoft.com/v1.0, then ``/me``;
microsoftExcelOAuth2Api (bearer, one refresh on 401). Every request carries
``Content-Type: application/json``; paths are sent as n8n's URL parser sends them (``{``/``}`` of
worksheet ids percent-encoded).

v1: workbook addWorksheet (in a workbook session)/getAll (``/drive/root/search(q='.xlsx')``,
``$top`` or ``@odata.nextLink`` paging); worksheet getAll (requests but, as in n8n v1, outputs
nothing)/getContent (rows keyed by ``keyRow`` from ``dataStartRow``, or raw under
``dataProperty``); table addRow (one session for all items)/getColumns/getRows/lookup
(``$top``/``$skip`` paging).
v2 (2, 2.1, 2.2): workbook addWorksheet/deleteWorkbook/getAll; worksheet append (autoMap, define,
raw; 2.2 finds the range below the used range, 2.1 keeps n8n's old range arithmetic)/clear/
deleteWorksheet/getAll/readRows. Not supported yet: v2 table operations and worksheet
update/upsert.
"""

from __future__ import annotations

import json
import re
from typing import Any

from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._fields import MISSING, js_string
from automatelanka.engine.nodes._http import base_url
from automatelanka.engine.nodes._rest import Api
from automatelanka.engine.nodes._svc import json_array, per_item, resource_value, unsupported
from automatelanka.engine.nodes.base import NodeContext, register

DISPLAY = "Microsoft Excel 365"
CREDENTIAL = "microsoftExcelOAuth2Api"
GRAPH = "https://graph.microsoft.com/v1.0"
SEARCH = "/drive/root/search(q='.xlsx')"
#: WHATWG URL path percent-encode set (what Node's URL does to n8n's template paths).
_PATH_ESCAPE = set(' "#<>?`{}')
_INDEX_KEY = re.compile(r"^(0|[1-9][0-9]*)$")
_CELL = re.compile(r"([a-zA-Z]{1,10})([0-9]{0,10})")


def encode_path(path: str) -> str:
    """``path`` with the characters Node's URL parser escapes percent-encoded."""
    out = []
    for ch in path:
        if ch in _PATH_ESCAPE or ord(ch) < 0x21 or ord(ch) > 0x7E:
            out.append("".join(f"%{b:02X}" for b in ch.encode("utf-8")))
        else:
            out.append(ch)
    return "".join(out)


class Graph:
    """Requests to the signed-in user's drive with the node's Excel OAuth2 credential."""

    def __init__(self, ctx: NodeContext) -> None:
        self.api = Api(ctx, f"{base_url(ctx, 'microsoft', GRAPH)}/me", CREDENTIAL,
                       headers={"Content-Type": "application/json"})

    def call(self, method: str, path: str, i: int = 0, *, body: Any = None, qs: dict[str, Any] | None = None,
             url: str | None = None, session: str | None = None) -> Any:
        headers = {"workbook-session-id": str(session)} if session is not None else None
        extra: dict[str, Any] = {"headers": headers} if headers else {}
        return self.api.call(method, encode_path(path), i, body=body, qs=dict(qs or {}), url=url or None, **extra)

    def all_items(self, path: str, i: int, qs: dict[str, Any]) -> list[Any]:
        """``microsoftApiRequestAllItems``: ``$top=100`` then ``@odata.nextLink`` until absent."""
        qs["$top"] = 100
        rows: list[Any] = []
        url: str | None = None
        while True:
            data = self.call("GET", path, i, qs=qs, url=url) or {}
            url = data.get("@odata.nextLink")
            if url and "$top" in url:
                qs.pop("$top", None)
            rows.extend(data.get("value") or [])
            if url is None:
                return rows

    def all_items_skip(self, path: str, i: int, qs: dict[str, Any]) -> list[Any]:
        """``microsoftApiRequestAllItemsSkip``: ``$top=100&$skip=n`` until a page is empty."""
        qs["$top"] = 100
        qs["$skip"] = 0
        rows: list[Any] = []
        while True:
            data = self.call("GET", path, i, qs=qs) or {}
            qs["$skip"] += qs["$top"]
            page = data.get("value") or []
            rows.extend(page)
            if not page:
                return rows

    def in_session(self, workbook: Any, method: str, path: str, i: int, body: Any) -> Any:
        """One request inside a persisted workbook session (created and closed around it)."""
        root = f"/drive/items/{workbook}/workbook"
        session = (self.call("POST", f"{root}/createSession", i, body={"persistChanges": True}) or {}).get("id")
        data = self.call(method, path, i, body=body, session=session)
        self.call("POST", f"{root}/closeSession", i, body={}, session=session)
        return data


# -- shared helpers -------------------------------------------------------------------------------

def js_key(value: Any) -> str:
    """An object key as JavaScript makes it from ``value``."""
    return js_string(value)


def js_object(pairs: list[tuple[Any, Any]]) -> dict[str, Any]:
    """A JavaScript object built by assignment, as JSON shows it: integer-like keys first, ascending."""
    data: dict[str, Any] = {}
    for key, value in pairs:
        data[js_key(key)] = value
    numeric = sorted((k for k in data if _INDEX_KEY.match(k) and int(k) < 2**32 - 1), key=int)
    ordered = {k: data[k] for k in numeric}
    ordered.update((k, v) for k, v in data.items() if k not in ordered)
    return {k: v for k, v in ordered.items() if v is not MISSING}


def _row_object(keys: list[Any], row: Any) -> dict[str, Any]:
    cells = row if isinstance(row, list) else []
    return js_object([(key, cells[n] if n < len(cells) else MISSING) for n, key in enumerate(keys)])


def _select(qs: dict[str, Any], filters: Any) -> None:
    if isinstance(filters, dict) and filters.get("fields"):
        qs["$select"] = filters["fields"]


def _value(data: Any) -> Any:
    return data.get("value") if isinstance(data, dict) else None


def _items_base(workbook: Any, worksheet: Any) -> str:
    return f"/drive/items/{workbook}/workbook/worksheets/{worksheet}"


def _list(ctx: NodeContext, graph: Graph, path: str, i: int, *, limit_default: int = 100) -> Any:
    qs: dict[str, Any] = {}
    _select(qs, ctx.param("filters", i, {}))
    if ctx.param("returnAll", i, False):
        return graph.all_items(path, i, qs)
    qs["$top"] = ctx.param("limit", i, limit_default)
    return _value(graph.call("GET", path, i, qs=qs))


def _ids(ctx: NodeContext, i: int, *names: str) -> list[Any]:
    return [resource_value(ctx.param(name, i, "")) for name in names]


# -- v1 -------------------------------------------------------------------------------------------

def _v1_add_worksheet(ctx: NodeContext, graph: Graph, i: int) -> Any:
    (workbook,) = _ids(ctx, i, "workbook")
    fields = ctx.param("additionalFields", i, {}) or {}
    body = {"name": fields["name"]} if fields.get("name") else {}
    return graph.in_session(workbook, "POST", f"/drive/items/{workbook}/workbook/worksheets/add", i, body)


def _v1_worksheet_get_all(ctx: NodeContext, graph: Graph, i: int) -> Any:
    (workbook,) = _ids(ctx, i, "workbook")
    _list(ctx, graph, f"/drive/items/{workbook}/workbook/worksheets", i)
    return None  # n8n v1 never pushes this operation's answer


def _v1_get_content(ctx: NodeContext, graph: Graph, i: int) -> Any:
    workbook, worksheet = _ids(ctx, i, "workbook", "worksheet")
    raw = ctx.param("rawData", i, False)
    qs: dict[str, Any] = {}
    if raw:
        _select(qs, ctx.param("filters", i, {}))
    data = graph.call("GET", f"{_items_base(workbook, worksheet)}/range(address='{ctx.param('range', i, 'A1:C3')}')",
                      i, qs=qs)
    if raw:
        return [{"json": {ctx.param("dataProperty", i, "data"): data}, "pairedItem": {"item": i}}]
    values = data.get("values") if isinstance(data, dict) else None
    if values is None:
        raise NodeError("Range did not return data", item_index=i)
    key_row = int(ctx.param("keyRow", i, 0))
    keys = values[key_row] if key_row < len(values) else []
    return [{"json": _row_object(keys, values[index]), "pairedItem": {"item": index}}
            for index in range(int(ctx.param("dataStartRow", i, 1)), len(values))]


def _table_path(ctx: NodeContext, i: int) -> str:
    workbook, worksheet, table = _ids(ctx, i, "workbook", "worksheet", "table")
    return f"{_items_base(workbook, worksheet)}/tables/{table}"


def _column_names(graph: Graph, path: str, i: int, qs: dict[str, Any]) -> list[Any]:
    return [c.get("name") for c in graph.all_items_skip(f"{path}/columns", i, {**qs, "$select": "name"})]


def _v1_get_columns(ctx: NodeContext, graph: Graph, i: int) -> Any:
    path = f"{_table_path(ctx, i)}/columns"
    raw = ctx.param("rawData", i, False)
    qs: dict[str, Any] = {}
    if raw:
        _select(qs, ctx.param("filters", i, {}))
    if ctx.param("returnAll", i, False):
        rows = graph.all_items_skip(path, i, qs)
    else:
        qs["$top"] = ctx.param("limit", i, 100)
        rows = _value(graph.call("GET", path, i, qs=qs))
    if not raw:
        return [{"name": c.get("name")} if isinstance(c, dict) else {} for c in rows or []]
    return {ctx.param("dataProperty", i, "data"): rows}


def _v1_get_rows(ctx: NodeContext, graph: Graph, i: int) -> Any:
    path = _table_path(ctx, i)
    raw = ctx.param("rawData", i, False)
    qs: dict[str, Any] = {}
    if raw:
        _select(qs, ctx.param("filters", i, {}))
    if ctx.param("returnAll", i, False):
        rows = graph.all_items_skip(f"{path}/rows", i, dict(qs))
    else:
        rows = _value(graph.call("GET", f"{path}/rows", i, qs={**qs, "$top": ctx.param("limit", i, 100)}))
    if raw:
        return [{"json": {ctx.param("dataProperty", i, "data"): rows}, "pairedItem": {"item": i}}]
    columns = _column_names(graph, path, i, qs)
    return [{"json": _row_object(columns, (row.get("values") or [[]])[0]), "pairedItem": {"item": index}}
            for index, row in enumerate(rows or [])]


def _v1_lookup(ctx: NodeContext, graph: Graph, i: int) -> Any:
    path = _table_path(ctx, i)
    column = ctx.param("lookupColumn", i, "")
    wanted = ctx.param("lookupValue", i, "")
    rows = graph.all_items_skip(f"{path}/rows", i, {})
    columns = _column_names(graph, path, i, {})
    if column not in columns:
        raise NodeError(f"Column {column} does not exist on the table selected", item_index=i)
    objects = [_row_object(columns, (row.get("values") or [[]])[0]) for row in rows]
    matches = [o for o in objects if column in o and o[column] is not None and js_string(o[column]) == wanted]
    if (ctx.param("options", i, {}) or {}).get("returnAllMatches"):
        return matches
    return matches[0] if matches else {}


def _v1_add_row(ctx: NodeContext, graph: Graph) -> list[dict[str, Any]]:
    items = ctx.input(0)
    paired = [{"item": n} for n in range(len(items))]
    try:
        workbook = resource_value(ctx.param("workbook", 0, ""))
        path = _table_path(ctx, 0)
        fields = ctx.param("additionalFields", 0, {}) or {}
        body: dict[str, Any] = {"index": fields["index"]} if fields.get("index") else {}
        columns = [c.get("name") for c in _value(graph.call("GET", f"{path}/columns", 0, qs={})) or []]
        body["values"] = [[(item.get("json") or {}).get(js_key(c)) for c in columns] for item in items]
        data = graph.in_session(workbook, "POST", f"{path}/rows/add", 0, body)
    except NodeError as exc:
        if not ctx.continue_on_fail:
            raise
        return [{"json": {"error": exc.message}, "pairedItem": paired}]
    return [{**row, "pairedItem": paired} for row in json_array(data)]


_V1 = {
    ("workbook", "addWorksheet"): _v1_add_worksheet,
    ("workbook", "getAll"): lambda ctx, graph, i: _list(ctx, graph, SEARCH, i),
    ("worksheet", "getAll"): _v1_worksheet_get_all,
    ("worksheet", "getContent"): _v1_get_content,
    ("table", "getColumns"): _v1_get_columns,
    ("table", "getRows"): _v1_get_rows,
    ("table", "lookup"): _v1_lookup,
}
_V1_READY = {("worksheet", "getContent"), ("table", "getRows")}


# -- v2 -------------------------------------------------------------------------------------------

def prepare_output(ctx: NodeContext, data: Any, *, raw: bool, data_property: str = "data", key_row: int = 0,
                   first_data_row: int = 1, columns_row: list[Any] | None = None) -> list[dict[str, Any]]:
    """n8n's ``prepareOutput``: rows keyed by the header row (paired by row index), or raw data."""
    if raw:
        paired = [{"item": n} for n in range(len(ctx.input(0)))]
        return [{"json": {data_property or "data": data}, "pairedItem": paired}]
    values = data.get("values") if isinstance(data, dict) else None
    if values is None:
        raise NodeError("Operation did not return data")
    if columns_row:
        columns = columns_row
        values = [columns, *values]
    else:
        columns = values[key_row] if key_row < len(values) else []
    out = []
    for index in range(first_data_row, len(values)):
        if index == key_row:
            continue
        out.append({"json": _row_object(columns, values[index]), "pairedItem": {"item": index}})
    return out


def check_range(range_: Any) -> None:
    if isinstance(range_, str) and re.fullmatch(r"[A-Z]+:[A-Z]+", range_, re.IGNORECASE):
        raise NodeError(f"Specify the range more precisely e.g. A1:B5, generic ranges like {range_} are not supported")


def _v2_read_rows(ctx: NodeContext, graph: Graph, i: int) -> Any:
    workbook, worksheet = _ids(ctx, i, "workbook", "worksheet")
    options = ctx.param("options", i, {}) or {}
    range_ = ctx.param("range", i, "")
    check_range(range_)
    raw = bool(options.get("rawData"))
    qs = {"$select": options["fields"]} if raw and options.get("fields") else {}
    base = _items_base(workbook, worksheet)
    path = f"{base}/range(address='{range_}')" if range_ else f"{base}/usedRange"
    data = graph.call("GET", path, i, qs=qs)
    if raw:
        return prepare_output(ctx, data, raw=True, data_property=options.get("dataProperty") or "data")
    return prepare_output(ctx, data, raw=False, key_row=int(ctx.param("keyRow", i, 0)),
                          first_data_row=int(ctx.param("dataStartRow", i, 1)))


def _v2_worksheet_get_all(ctx: NodeContext, graph: Graph, i: int) -> Any:
    (workbook,) = _ids(ctx, i, "workbook")
    return _list(ctx, graph, f"/drive/items/{workbook}/workbook/worksheets", i)


def _v2_clear(ctx: NodeContext, graph: Graph, i: int) -> Any:
    workbook, worksheet = _ids(ctx, i, "workbook", "worksheet")
    body = {"applyTo": ctx.param("applyTo", i, "All")}
    base = _items_base(workbook, worksheet)
    if ctx.param("useRange", i, False):
        graph.call("POST", f"{base}/range(address='{ctx.param('range', i, '')}')/clear", i, body=body)
    else:
        graph.call("POST", f"{base}/range/clear", i, body=body)
    return {"success": True}


def _v2_delete_worksheet(ctx: NodeContext, graph: Graph, i: int) -> Any:
    workbook, worksheet = _ids(ctx, i, "workbook", "worksheet")
    graph.call("DELETE", _items_base(workbook, worksheet), i)
    return {"success": True}


_LOCK_TEXT = ("Lock token does not match existing lock, this error could happen if the file is opened in the "
              "browser or the Office client, please close file and try again.")


def _v2_delete_workbook(ctx: NodeContext, graph: Graph, i: int) -> Any:
    (workbook,) = _ids(ctx, i, "workbook")
    try:
        graph.call("DELETE", f"/drive/items/{workbook}", i)
    except NodeError as exc:
        if "Lock token does not match existing lock" in (exc.description or ""):
            raise NodeError(exc.message, description=_LOCK_TEXT, item_index=i) from None
        raise
    return {"success": True}


def _append_values(ctx: NodeContext, mode: str, columns: list[Any]) -> list[list[Any]]:
    rows: list[dict[str, Any]] = []
    if mode == "autoMap":
        rows = [item.get("json") or {} for item in ctx.input(0)]
    elif mode == "define":
        for n in range(len(ctx.input(0))):
            entries = ctx.param("fieldsUi.values", n, []) or []
            rows.append({js_key(e.get("column", "")): e.get("fieldValue", "") for e in entries if isinstance(e, dict)})
    return [[row.get(js_key(c)) for c in columns] for row in rows]


def _raw_values(ctx: NodeContext) -> list[Any]:
    data = ctx.param("data", 0, "")
    if isinstance(data, str):
        try:
            values = json.loads(data)
        except ValueError:
            raise NodeError("Input 'Data' must contain a valid JSON") from None
    elif isinstance(data, dict | list):
        values = data
    else:
        raise NodeError("Input 'Data' must contain a valid JSON")
    if not isinstance(values, list) or any(not isinstance(row, list) for row in values) or \
            any(not isinstance(cell, str) for row in values for cell in row):
        raise NodeError("Data must be an array of arrays of strings")
    return values


def next_excel_column(col: str, offset: int = 1) -> str:
    number = 0
    for ch in col:
        number = number * 26 + (ord(ch) - 64)
    number += offset
    letters = ""
    while number > 0:
        number, rem = divmod(number - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def find_append_range(address: str, cols: int, rows: int) -> str:
    """n8n's ``findAppendRange`` (v2.2): the area below the used range."""
    text = re.sub(r"^.+!", "", address)
    start, _, end = text.partition(":")
    cell_from, cell_to = _CELL.search(start), _CELL.search(end or start)
    if not cell_from or not cell_to:
        raise NodeError(f"Failed to parse range: {address}")
    empty = start == (end or start)
    row = int(cell_to.group(2) or 0) + (0 if empty else 1)
    last_col = next_excel_column(cell_from.group(1), max(cols - 1, 0))
    return f"{cell_from.group(1)}{row}:{last_col}{row + max(rows - 1, 0)}"


def legacy_append_range(address: str, rows: int) -> str:
    """v2.1's range: the used range's columns, ``rows`` rows below its last row."""
    used = address.split("!")[1] if "!" in address else ""
    start, _, end = used.partition(":")
    cell_from, cell_to = _CELL.search(start), _CELL.search(end)
    col_from = cell_from.group(1) if cell_from else "undefined"
    col_to, row_to = (cell_to.group(1), int(cell_to.group(2) or 0)) if cell_to else ("undefined", 0)
    return f"{col_from}{row_to + 1}:{col_to}{row_to + rows}"


def _v2_append(ctx: NodeContext, graph: Graph) -> list[dict[str, Any]]:
    workbook, worksheet = _ids(ctx, 0, "workbook", "worksheet")
    mode = ctx.param("dataMode", 0, "define")
    base = _items_base(workbook, worksheet)
    used = graph.call("GET", f"{base}/usedRange") or {}
    values = _raw_values(ctx) if mode == "raw" else []
    address = str(used.get("address") or "")
    if ":" not in address and mode != "raw":
        raise NodeError("No data found in the specified range, mapping not possible, you can use raw mode instead "
                        "to update selected range")
    columns = (used.get("values") or [[]])[0] or []
    if mode != "raw":
        values = _append_values(ctx, mode, columns)
    if float(ctx.node.type_version) >= 2.2:
        range_ = find_append_range(address, len(values[0]) if values else 0, len(values))
    else:
        range_ = legacy_append_range(address, len(values))
    data = graph.call("PATCH", f"{base}/range(address='{range_}')", body={"values": values})
    return prepare_output(ctx, data, raw=bool(ctx.param("options.rawData", 0, False)),
                          data_property=ctx.param("options.dataProperty", 0, "data"), columns_row=columns)


_V2 = {
    ("workbook", "addWorksheet"): _v1_add_worksheet,
    ("workbook", "deleteWorkbook"): _v2_delete_workbook,
    ("workbook", "getAll"): lambda ctx, graph, i: _list(ctx, graph, SEARCH, i),
    ("worksheet", "getAll"): _v2_worksheet_get_all,
    ("worksheet", "readRows"): _v2_read_rows,
    ("worksheet", "clear"): _v2_clear,
    ("worksheet", "deleteWorksheet"): _v2_delete_worksheet,
}
_V2_READY = {("worksheet", "readRows")}


@register("n8n-nodes-base.microsoftExcel", versions=(1, 2, 2.1, 2.2), display_name=DISPLAY)
@register("n8n-nodes-base.microsoftExcelTool", versions=(2, 2.1, 2.2), display_name=f"{DISPLAY} Tool")
def microsoft_excel(ctx: NodeContext) -> NodeOutput:
    v1 = float(ctx.node.type_version) < 2
    resource = ctx.param("resource", 0, "workbook")
    default = ("addRow" if v1 else "append") if resource == "table" else ("create" if v1 else "getAll")
    operation = ctx.param("operation", 0, default)
    key = (resource, operation)
    if v1 and key == ("table", "addRow"):
        return [_v1_add_row(ctx, Graph(ctx))]
    if not v1 and key == ("worksheet", "append"):
        return [_v2_append(ctx, Graph(ctx))]
    table, ready = (_V1, _V1_READY) if v1 else (_V2, _V2_READY)
    handler = table.get(key)
    if handler is None:
        raise unsupported(DISPLAY, resource, operation)
    graph = Graph(ctx)
    return [per_item(ctx, lambda i, _item: handler(ctx, graph, i), ready=key in ready)]
