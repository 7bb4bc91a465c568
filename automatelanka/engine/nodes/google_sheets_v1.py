"""Google Sheets v1 and v2 (n8n's legacy range-based GoogleSheetsV1 node).

sheet: append, clear, create, delete, lookup, read, remove, update, upsert (``sheetId`` is the
spreadsheet id, ``range`` an A1 range, ``keyRow``/``dataStartRow`` zero-based rows); spreadsheet:
create. Errors under continueOnFail give one ``{error}`` item for the whole run, as n8n does.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import Item, NodeOutput
from automatelanka.engine.nodes._google import GoogleApi
from automatelanka.engine.nodes._sheets_api import column_name, decode_col, encode_uri_component
from automatelanka.engine.nodes._util_common import lodash_get
from automatelanka.engine.nodes.base import NodeContext, register
from automatelanka.engine.schemas.jsvalue import to_js_string

_CELL = re.compile(r"([a-zA-Z]{1,10})([0-9]{0,10})")


def encode_range(rng: str) -> str:
    """The v1 ``encodeRange``: only the sheet name before ``!`` is percent-encoded."""
    if "!" in rng:
        sheet, cells = rng.split("!")[:2]
        return f"{encode_uri_component(sheet)}!{cells}"
    return rng


class LegacySheet:
    def __init__(self, ctx: NodeContext, spreadsheet_id: str) -> None:
        default = "serviceAccount" if ctx.node.type_version < 2 else "oAuth2"
        self.api = GoogleApi(ctx, "googleSheetsOAuth2Api", "sheetV1", default_auth=default, api="sheets")
        self.ctx = ctx
        self.id = spreadsheet_id

    def path(self, suffix: str) -> str:
        return f"/v4/spreadsheets/{self.id}{suffix}"

    def get_data(self, rng: str, render: str) -> list[list[Any]] | None:
        return self.api.json("GET", self.path(f"/values/{rng}"), params={"valueRenderOption": render}).get("values")

    def batch_update(self, data: list[dict[str, Any]], input_mode: str) -> Any:
        return self.api.json("POST", self.path("/values:batchUpdate"), body={"data": data,
                                                                            "valueInputOption": input_mode})

    def append_data(self, rng: str, data: list[list[Any]], input_mode: str) -> Any:
        return self.api.json("POST", self.path(f"/values/{rng}:append"), body={"range": unquote(rng), "values": data},
                             params={"valueInputOption": input_mode})

    def to_rows(self, input_data: list[dict[str, Any]], rng: str, key_row: int, use_path: bool) -> list[list[Any]]:
        """``convertStructuredDataToArray``: values in header order, as strings."""
        sheet = None
        if "!" in rng:
            sheet, rng = rng.split("!")[:2]
        start, _, end = rng.partition(":")
        get_range = f"{start}{key_row + 1}:{end}{key_row + 1}"
        if sheet is not None:
            get_range = f"{sheet}!{get_range}"
        header = self.get_data(get_range, "UNFORMATTED_VALUE")
        if header is None:
            raise self.ctx.error("Could not retrieve the column data!")
        rows = []
        for entry in input_data:
            row = []
            for key in header[0]:
                name = to_js_string(key)
                value = lodash_get(entry, name) if use_path else entry.get(name)
                row.append("" if value is None else to_js_string(value))
            rows.append(row)
        return rows

    def append_sheet_data(self, input_data: list[dict[str, Any]], rng: str, key_row: int, input_mode: str,
                          use_path: bool) -> Any:
        return self.append_data(rng, self.to_rows(input_data, rng, key_row, use_path), input_mode)

    def update_sheet_data(self, input_data: list[dict[str, Any]], key_name: str, rng: str, key_row: int,
                          data_start: int, input_mode: str, render: str, upsert: bool) -> Any:
        sheet, cells = (rng.split("!")[:2] if "!" in rng else (None, rng))
        start, _, end = cells.partition(":")
        start_m, end_m = _CELL.search(start), _CELL.search(end)
        if start_m is None or end_m is None:
            raise self.ctx.error(f'The range "{rng}" is not valid.')
        prefix = f"{sheet}!" if sheet else ""
        header = self.get_data(encode_range(f"{prefix}{start_m.group(1)}{key_row + 1}:{end_m.group(1)}{key_row + 1}"),
                               render)
        if header is None:
            raise self.ctx.error("Could not retrieve the key row!")
        order = [to_js_string(k) for k in header[0]]
        if key_name not in order:
            raise self.ctx.error(f'Could not find column for key "{key_name}"!')
        first_row = start_m.group(2) or str(data_start)
        key_col = column_name(decode_col(start_m.group(1)) + order.index(key_name) + 1)
        column = self.get_data(encode_range(f"{prefix}{key_col}{first_row}:{key_col}{end_m.group(2)}"), render)
        if column is None:
            raise self.ctx.error("Could not retrieve the key column!")
        lookup = [row[0] if row else None for row in column[1:]]
        updates = []
        for entry in input_data:
            key = entry.get(key_name)
            found = lookup.index(key) if key is not None and key in lookup else -1
            if found == -1:
                if upsert:
                    self.append_sheet_data([entry], encode_range(rng), key_row, input_mode, False)
                continue
            row = found + data_start + 1
            for name in order:
                if name == key_name or entry.get(name) is None:
                    continue
                col = column_name(decode_col(start_m.group(1)) + order.index(name) + 1)
                updates.append({"range": f"{prefix}{col}{row}", "values": [[entry[name]]]})
        return self.batch_update(updates, input_mode)


def structure(rows: list[list[Any]], start: int, keys: list[Any], add_empty: bool = False) -> list[dict[str, Any]]:
    """``structureData``: rows as objects keyed by the non-empty ``keys``."""
    out = []
    for row in rows[start:]:
        entry: dict[str, Any] = {}
        for index, cell in enumerate(row):
            key = keys[index] if index < len(keys) else None
            if key:
                entry[to_js_string(key)] = cell
        if entry or add_empty:
            out.append(entry)
    return out


def lookup_values(ctx: NodeContext, rows: list[list[Any]], key_row: int, data_start: int,
                  lookups: list[dict[str, Any]], return_all: bool) -> list[dict[str, Any]]:
    if key_row < 0 or data_start < key_row or key_row >= len(rows):
        raise ctx.error("The key row does not exist!")
    keys = list(rows[key_row])
    for row in rows:
        while len(row) < len(keys):
            row.append("")
    found: list[list[Any]] = [rows[key_row]]
    for lookup in lookups:
        column = lookup["lookupColumn"]
        if column not in keys:
            raise ctx.error(f'The column "{to_js_string(column)}" could not be found!')
        index = keys.index(column)
        matched = False
        for row in rows[data_start:]:
            cell = row[index] if index < len(row) else None
            if cell is not None and to_js_string(cell) == to_js_string(lookup["lookupValue"]):
                found.append(row)
                matched = True
                if not return_all:
                    break
        if not return_all and not matched:
            found.append([])
    return structure(found, 1, keys, True)


@register("n8n-nodes-base.googleSheets", versions=(1, 2), display_name="Google Sheets")
def google_sheets_v1(ctx: NodeContext) -> NodeOutput:
    resource = ctx.param("resource", 0, "sheet")
    operation = ctx.param("operation", 0, "read" if resource == "sheet" else "create")
    if resource == "spreadsheet":
        return [_spreadsheet_create(ctx)] if operation == "create" else [[]]
    if resource != "sheet":
        return [[]]
    sheet = LegacySheet(ctx, str(ctx.param("sheetId", 0, "")))
    if operation in ("create", "remove"):
        return [_per_item_sheet(ctx, sheet, operation)]
    rng = "" if operation == "delete" else str(ctx.param("range", 0, "A:F"))
    options = ctx.param("options", 0, {}) or {}
    handlers = {"append": _append, "clear": _clear, "delete": _delete, "lookup": _lookup, "read": _read,
                "update": _update, "upsert": _update}
    handler = handlers.get(operation)
    if handler is None:
        raise ctx.error(f"Google Sheets: operation 'sheet/{operation}' is not supported yet")
    try:
        return [handler(ctx, sheet, rng, options, operation)]
    except NodeError as exc:
        if ctx.continue_on_fail:
            return [[{"json": {"error": exc.message}}]]
        raise


def _int(ctx: NodeContext, name: str, default: int) -> int:
    value = ctx.param(name, 0, default)
    match = re.match(r"\s*[+-]?\d+", to_js_string(value))
    return int(match.group(0)) if match else default


def _append(ctx: NodeContext, sheet: LegacySheet, rng: str, options: dict[str, Any], op: str) -> list[Item]:
    items = ctx.input(0)
    sheet.append_sheet_data([item["json"] for item in items], encode_range(rng), _int(ctx, "keyRow", 0),
                            options.get("valueInputMode") or "RAW", bool(options.get("usePathForKeyRow")))
    return list(items)


def _clear(ctx: NodeContext, sheet: LegacySheet, rng: str, options: dict[str, Any], op: str) -> list[Item]:
    encoded = encode_range(rng)
    sheet.api.json("POST", sheet.path(f"/values/{encoded}:clear"), body={"spreadsheetId": sheet.id, "range": encoded})
    return list(ctx.input(0))


def _delete(ctx: NodeContext, sheet: LegacySheet, rng: str, options: dict[str, Any], op: str) -> list[Item]:
    to_delete = ctx.param("toDelete", 0, {}) or {}
    requests = []
    for prop, dimension in (("columns", "COLUMNS"), ("rows", "ROWS")):
        for entry in to_delete.get(prop) or []:
            start = entry.get("startIndex")
            requests.append({"deleteDimension": {"range": {
                "sheetId": entry.get("sheetId"), "dimension": dimension, "startIndex": start,
                "endIndex": int(to_js_string(start)) + int(to_js_string(entry.get("amount")))}}})
    sheet.api.json("POST", sheet.path(":batchUpdate"), body={"requests": requests})
    return list(ctx.input(0))


def _lookup(ctx: NodeContext, sheet: LegacySheet, rng: str, options: dict[str, Any], op: str) -> list[Item]:
    data = sheet.get_data(encode_range(rng), options.get("valueRenderMode") or "UNFORMATTED_VALUE")
    if data is None:
        return []
    items = ctx.input(0)
    lookups = [{"lookupColumn": ctx.param("lookupColumn", i, ""), "lookupValue": ctx.param("lookupValue", i, "")}
               for i in range(len(items))]
    return_all = options.get("returnAllMatches") is True
    found = lookup_values(ctx, [list(r) for r in data], _int(ctx, "keyRow", 0), _int(ctx, "dataStartRow", 1),
                          lookups, return_all)
    if not found and options.get("continue") and options.get("returnAllMatches"):
        found = [{}]
    elif len(found) == 1 and not found[0] and not options.get("continue") and not options.get("returnAllMatches"):
        found = []
    paired = [{"item": i} for i in range(len(items))]
    return [{"json": row, "pairedItem": paired} for row in found]


def _read(ctx: NodeContext, sheet: LegacySheet, rng: str, options: dict[str, Any], op: str) -> list[Item]:
    data = sheet.get_data(encode_range(rng), options.get("valueRenderMode") or "UNFORMATTED_VALUE")
    if not data:
        rows: list[dict[str, Any]] = []
    elif ctx.param("rawData", 0, False):
        rows = [{str(ctx.param("dataProperty", 0, "data")): data}]
    else:
        key_row, start = _int(ctx, "keyRow", 0), _int(ctx, "dataStartRow", 1)
        rows = [] if key_row < 0 or start < key_row or key_row >= len(data) else structure(data, start, data[key_row])
    if not rows and options.get("continue"):
        rows = [{}]
    return [{"json": row} for row in rows]


def _update(ctx: NodeContext, sheet: LegacySheet, rng: str, options: dict[str, Any], op: str) -> list[Item]:
    items = ctx.input(0)
    input_mode = options.get("valueInputMode") or "RAW"
    if ctx.param("rawData", 0, False):
        prop = str(ctx.param("dataProperty", 0, "data"))
        sheet.batch_update([{"range": rng, "values": item["json"].get(prop)} for item in items], input_mode)
    else:
        sheet.update_sheet_data([item["json"] for item in items], str(ctx.param("key", 0, "id")), rng,
                                _int(ctx, "keyRow", 0), _int(ctx, "dataStartRow", 1), input_mode,
                                options.get("valueRenderMode") or "UNFORMATTED_VALUE", op == "upsert")
    return list(items)


def _hex_rgb(value: str) -> dict[str, float]:
    match = re.fullmatch(r"#?([a-f\d]{2})([a-f\d]{2})([a-f\d]{2})", value.strip(), re.I)
    if not match:
        raise NodeError("Cannot destructure property 'red' of 'hexToRgb(...)' as it is null.")
    return {"red": int(match.group(1), 16) / 255, "green": int(match.group(2), 16) / 255,
            "blue": int(match.group(3), 16) / 255}


def _per_item_sheet(ctx: NodeContext, sheet: LegacySheet, operation: str) -> list[Item]:
    out: list[Item] = []
    for i in range(len(ctx.input(0))):
        try:
            doc = str(ctx.param("sheetId", i, ""))
            if operation == "create":
                props = dict(ctx.param("options", i, {}) or {})
                if props.get("tabColor"):
                    props["tabColor"] = _hex_rgb(str(props["tabColor"]))
                body = sheet.api.json("POST", f"/v4/spreadsheets/{doc}:batchUpdate",
                                      body={"requests": [{"addSheet": {"properties": props}}]})
                if ctx.param("simple", 0, True):
                    body.update(((body.get("replies") or [{}])[0].get("addSheet") or {}).get("properties") or {})
                    body.pop("replies", None)
            else:
                body = sheet.api.json("POST", f"/v4/spreadsheets/{doc}:batchUpdate",
                                      body={"requests": [{"deleteSheet": {"sheetId": ctx.param("id", i, "")}}]})
                body.pop("replies", None)
            out.append({"json": body})
        except NodeError as exc:
            if not ctx.continue_on_fail:
                raise
            out.append({"json": {"error": exc.message}})
    return out


def _spreadsheet_create(ctx: NodeContext) -> list[Item]:
    api = GoogleApi(ctx, "googleSheetsOAuth2Api", "sheetV1",
                    default_auth="serviceAccount" if ctx.node.type_version < 2 else "oAuth2", api="sheets")
    out: list[Item] = []
    for i in range(len(ctx.input(0))):
        try:
            options = ctx.param("options", i, {}) or {}
            ui = ctx.param("sheetsUi", i, {}) or {}
            sheets = [{"properties": s["propertiesUi"]} for s in (ui.get("sheetValues") or []) if s.get("propertiesUi")]
            props = {"title": ctx.param("title", i, "")}
            props.update({k: options[k] for k in ("autoRecalc", "locale") if options.get(k)})
            out.append({"json": api.json("POST", "/v4/spreadsheets", body={"properties": props, "sheets": sheets})})
        except NodeError as exc:
            if not ctx.continue_on_fail:
                raise
            out.append({"json": {"error": exc.message}})
    return out


__all__ = ["google_sheets_v1", "lookup_values", "structure"]
