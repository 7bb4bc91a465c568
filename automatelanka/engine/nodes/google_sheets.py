"""Google Sheets (v3–4.7, n8n's GoogleSheetsV2): read/append/update/appendOrUpdate/clear/delete rows,
create/remove sheets, create spreadsheets. v1/v2 (the legacy range-based node) in
:mod:`google_sheets_v1`. Google Sheets Trigger polling lives in :mod:`google_triggers`.
"""

from __future__ import annotations

import re
from typing import Any

from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import Item, NodeOutput
from automatelanka.engine.nodes._google import GoogleApi, not_supported
from automatelanka.engine.nodes._sheets_api import (
    ROW_NUMBER,
    Spreadsheet,
    column_name,
    column_number,
    lookup_rows,
    prepare_sheet_data,
    sheet_id_of,
    structure_by_column,
)
from automatelanka.engine.nodes.base import NodeContext, register
from automatelanka.engine.schemas.jsvalue import to_js_string

V2_VERSIONS = (3, 4, 4.1, 4.2, 4.3, 4.4, 4.5, 4.6, 4.7)
_LOCATOR_NAMES = {"id": "By ID", "url": "By URL", "list": "From List", "name": "By Name"}


def sheets_api(ctx: NodeContext) -> GoogleApi:
    scope = "sheetV1" if ctx.node.type_version < 3 else "sheetV2"
    return GoogleApi(ctx, "googleSheetsOAuth2Api", scope, api="sheets")


def spreadsheet_id(ctx: NodeContext, locator: Any) -> str:
    """``getSpreadsheetId``: a document locator's value (URLs give the id inside them)."""
    mode = locator.get("mode", "id") if isinstance(locator, dict) else "id"
    value = locator.get("value") if isinstance(locator, dict) else locator
    if not value:
        raise ctx.error(f"Can not get sheet '{_LOCATOR_NAMES.get(mode, mode)}' with a value of "
                        f"'{to_js_string(value if value is not None else 'undefined')}'", level="warning")
    if mode == "url":
        match = re.search(r"([-\w]{25,})", str(value))
        return match.group(1) if match else ""
    return str(value)


def sheet_locator_value(locator: Any) -> tuple[str, Any]:
    """(mode, value) of a sheet locator, with the ``gid`` taken out of a URL."""
    if not isinstance(locator, dict):
        return "id", locator
    mode = locator.get("mode", "list")
    value = locator.get("value")
    if mode == "url":
        match = re.search(r"gid=([0-9]+)", str(value or ""))
        value = match.group(1) if match else value
    return mode, value


def cell_format_default(version: float) -> str:
    return "RAW" if version < 4.1 else "USER_ENTERED"


@register("n8n-nodes-base.googleSheets", versions=V2_VERSIONS, display_name="Google Sheets")
@register("n8n-nodes-base.googleSheetsTool", versions=V2_VERSIONS, display_name="Google Sheets Tool")
def google_sheets(ctx: NodeContext) -> NodeOutput:
    """n8n's router: one operation over all input items; continueOnFail gives one error item."""
    try:
        return [_route(ctx)]
    except NodeError as exc:
        if not ctx.continue_on_fail:
            raise
        first = ctx.input(0)[0]["json"] if ctx.input(0) else {}
        return [[{"json": first, "error": {"message": exc.message}}]]


def _route(ctx: NodeContext) -> list[Item]:
    resource = ctx.param("resource", 0, "sheet")
    operation = ctx.param("operation", 0, "read" if resource == "sheet" else "create")
    api = sheets_api(ctx)
    if resource == "spreadsheet":
        return _spreadsheet(ctx, api, operation)
    if resource != "sheet":
        raise not_supported(ctx, "Google Sheets", resource, operation)
    doc = Spreadsheet(api, spreadsheet_id(ctx, ctx.param("documentId", 0, {})))
    if operation == "create":
        return _create_sheet(ctx, doc)
    mode, value = sheet_locator_value(ctx.param("sheetName", 0, {}))
    props = doc.find_sheet(mode, value)
    sheet_id, title = str(props.get("sheetId")), props["title"]
    handlers = {"append": _append, "appendOrUpdate": _append_or_update, "update": _update, "read": _read,
                "clear": _clear, "delete": _delete, "remove": _remove}
    handler = handlers.get(operation)
    if handler is None:
        raise not_supported(ctx, "Google Sheets", resource, operation)
    return handler(ctx, doc, title, sheet_id)


def _data_mode(ctx: NodeContext) -> str:
    if ctx.node.type_version < 4:
        return ctx.param("dataMode", 0, "defineBelow")
    return (ctx.param("columns", 0, {}) or {}).get("mappingMode") or "defineBelow"


def _mapped_values(ctx: NodeContext, index: int) -> dict[str, Any]:
    if ctx.node.type_version < 4:
        fields = ctx.param("fieldsUi", index, {}) or {}
        return {str(f.get("fieldId")): f.get("fieldValue") for f in fields.get("fieldValues") or []}
    values = (ctx.param("columns", index, {}) or {}).get("value") or {}
    if not values:
        raise ctx.error("At least one value has to be added under 'Values to Send'")
    return dict(values)


def _check_schema(ctx: NodeContext, column_names: list[Any]) -> None:
    """``checkForSchemaChanges``: the mapper's columns must still match the header row."""
    schema = (ctx.param("columns", 0, {}) or {}).get("schema") or []
    names = [to_js_string(c) for c in column_names if c != ""]
    ids = [s.get("id") for s in schema if ROW_NUMBER in names or s.get("id") != ROW_NUMBER]
    changed = []
    for index, name in enumerate(names):
        if index >= len(ids):
            break
        if name != ids[index]:
            changed.append(f"{ids[index]} -> {name}")
    if changed:
        raise ctx.error("Column names were updated after the node's setup",
                        description="Refresh the columns list in the 'Column to Match On' parameter. "
                                    f"Updated columns: {', '.join(changed)}")


def _auto_map(ctx: NodeContext, doc: Spreadsheet, sheet_name: str, options: dict[str, Any]) -> list[dict[str, Any]]:
    """``autoMapInputData``: item json as rows; new keys become new header columns."""
    items = ctx.input(0)
    location = (options.get("locationDefine") or {}).get("values")
    header_row = int(str(location.get("headerRow", 1))) if location else 1
    handling = options.get("handlingExtraData") or "insertInNewColumn"
    header = doc.get_data(f"{sheet_name}!{header_row}:{header_row}", "FORMATTED_VALUE")
    names = [to_js_string(n) for n in header[0]] if header else []
    out: list[dict[str, Any]] = []
    if handling == "insertInNewColumn":
        if not names:
            first = [k for k in items[0]["json"] if k != ROW_NUMBER]
            doc.update_rows(sheet_name, [first], options.get("cellFormat") or "RAW", header_row)
            names = list(items[0]["json"])
        new: list[str] = []
        for item in items:
            for key in item["json"]:
                if key != ROW_NUMBER and key not in names and key not in new:
                    new.append(key)
            js = item["json"]
            out.append({k: v for k, v in js.items() if k != ROW_NUMBER} if js.get(ROW_NUMBER) else js)
        if new:
            doc.update_rows(sheet_name, [names + new], options.get("cellFormat") or "RAW", header_row)
    elif handling == "ignoreIt":
        out = [item["json"] for item in items]
    elif handling == "error":
        for index, item in enumerate(items):
            for key in item["json"]:
                if key not in names:
                    raise _unexpected_field(ctx, key, index)
            out.append(item["json"])
    return out


def _unexpected_field(ctx: NodeContext, key: str, index: int) -> NodeError:
    return ctx.error("Unexpected fields in node input", index,
                     description=f"The input field '{key}' doesn't match any column in the Sheet. You can ignore "
                                 "this by changing the 'Handling extra data' field, which you can find under "
                                 "'Options'.")


def _passthrough(ctx: NodeContext) -> list[Item]:
    return [{**item, "pairedItem": {"item": i}} for i, item in enumerate(ctx.input(0))]


def _append(ctx: NodeContext, doc: Spreadsheet, sheet_name: str, sheet_id: str) -> list[Item]:
    items = ctx.input(0)
    version = ctx.node.type_version
    mode = _data_mode(ctx)
    if not items or mode == "nothing":
        return []
    options = ctx.param("options", 0, {}) or {}
    location = (options.get("locationDefine") or {}).get("values") or {}
    key_row = int(str(location.get("headerRow") or 1))
    sheet_data = doc.get_data(sheet_name, "FORMATTED_VALUE")
    if not sheet_data:
        mode = "autoMapInputData"
    if version >= 4.4 and mode != "autoMapInputData":
        if sheet_data is None or key_row - 1 >= len(sheet_data):
            raise ctx.error(f"Could not retrieve the column names from row {key_row}")
        _check_schema(ctx, sheet_data[key_row - 1])
    if mode == "autoMapInputData":
        rows = _auto_map(ctx, doc, sheet_name, options)
    else:
        rows = [_mapped_values(ctx, i) for i in range(len(items))]
    if not rows:
        return []
    input_mode = options.get("cellFormat") or cell_format_default(version)
    if options.get("useAppend"):
        doc.append_sheet_data(rows, sheet_name, key_row, input_mode, use_append=True)
    else:
        doc.append_empty_rows(sheet_id, 1)
        doc.append_sheet_data(rows, sheet_name, key_row, input_mode, last_row=len(sheet_data or [{}]) + 1)
    if version < 4 or mode == "autoMapInputData":
        return _passthrough(ctx)
    return [{"json": row, "pairedItem": {"item": i}} for i, row in enumerate(rows)]


def _location(options: dict[str, Any]) -> tuple[int, int]:
    values = (options.get("locationDefine") or {}).get("values") or {}
    key_row = int(str(values["headerRow"])) - 1 if values.get("headerRow") else 0
    data_start = int(str(values["firstDataRow"])) - 1 if values.get("firstDataRow") else 1
    return key_row, data_start


def _collect_inputs(ctx: NodeContext, index: int, mode: str, options: dict[str, Any], names: list[str],
                    new: list[str], match_on: str, mapped: list[dict[str, Any]], *, strict_row_number: bool) -> list:
    """The rows item ``index`` contributes to an update/upsert (json, or the mapped values)."""
    item = ctx.input(0)[index]
    if mode == "autoMapInputData":
        handling = options.get("handlingExtraData") or "insertInNewColumn"
        if handling == "error":
            for key in item["json"]:
                if key not in names:
                    raise _unexpected_field(ctx, key, index)
        elif handling == "insertInNewColumn":
            for key in item["json"]:
                if key not in names and key != ROW_NUMBER and key not in new:
                    new.append(key)
        return [item["json"]]
    version = ctx.node.type_version
    if version < 4:
        match_value = ctx.param("valueToMatchOn", index, "")
    else:
        match_value = ((ctx.param("columns", index, {}) or {}).get("value") or {}).get(match_on, "")
    if match_value == "":
        raise ctx.error("The 'Column to Match On' parameter is required", index)
    if version < 4:
        sent = (ctx.param("fieldsUi", index, {}) or {}).get("values") or []
        if not sent:
            raise ctx.error("At least one value has to be added under 'Values to Send'")
        fields: dict[str, Any] = {}
        for entry in sent:
            if entry.get("column") == "newColumn":
                name = entry.get("columnName")
                if name not in names and name not in new:
                    new.append(name)
                fields[name] = entry.get("fieldValue")
            else:
                fields[entry.get("column")] = entry.get("fieldValue")
        fields[match_on] = match_value
        return [fields]
    values = _mapped_values(ctx, index)
    for key, value in values.items():
        if strict_row_number and key == ROW_NUMBER and value is None and version >= 4.6:
            raise ctx.error("row_number is null or undefined",
                            description="Since it's being used to determine the row to update, it cannot be "
                                        "null or undefined")
        if value is None:
            values[key] = ""
    mapped.append(values)
    return [values]


def _match_column(ctx: NodeContext) -> str:
    if ctx.node.type_version < 4:
        return ctx.param("columnToMatchOn", 0, "")
    cols = (ctx.param("columns", 0, {}) or {}).get("matchingColumns") or []
    return cols[0] if cols else ""


def _update(ctx: NodeContext, doc: Spreadsheet, sheet_name: str, sheet_id: str) -> list[Item]:
    return _write(ctx, doc, sheet_name, sheet_id, upsert=False)


def _append_or_update(ctx: NodeContext, doc: Spreadsheet, sheet_name: str, sheet_id: str) -> list[Item]:
    return _write(ctx, doc, sheet_name, sheet_id, upsert=True)


def _write(ctx: NodeContext, doc: Spreadsheet, sheet_name: str, sheet_id: str, *, upsert: bool) -> list[Item]:
    """update / appendOrUpdate: match rows on one column, update cells, append the rest (upsert)."""
    items = ctx.input(0)
    version = ctx.node.type_version
    rng = f"{sheet_name}!A:Z"
    options = ctx.param("options", 0, {}) or {}
    input_mode = options.get("cellFormat") or cell_format_default(version)
    key_row, data_start = _location(options)
    mode = _data_mode(ctx)
    sheet_data = doc.get_data(sheet_name, "FORMATTED_VALUE")
    if upsert:
        sheet_data = sheet_data or []
        if key_row >= len(sheet_data) and mode != "autoMapInputData":
            if sheet_data:
                raise ctx.error(f"Could not retrieve the column names from row {key_row + 1}")
            mode = "autoMapInputData"
        names = [to_js_string(n) for n in (sheet_data[key_row] if key_row < len(sheet_data) else [])]
        if version >= 4.4:
            _check_schema(ctx, names)
    else:
        if sheet_data is None or key_row >= len(sheet_data):
            raise ctx.error(f"Could not retrieve the column names from row {key_row + 1}")
        names = [to_js_string(n) for n in sheet_data[key_row]]
    match_on = _match_column(ctx)
    key_index = names.index(match_on) if match_on in names else -1
    column_values = doc.column_values(key_index, data_start, sheet_data)
    updates: list[dict[str, Any]] = []
    appends: list[dict[str, Any]] = []
    mapped: list[dict[str, Any]] = []
    new: list[str] = []
    for index in range(len(items)):
        if mode == "nothing":
            continue
        inputs = _collect_inputs(ctx, index, mode, options, names, new, match_on, mapped, strict_row_number=not upsert)
        if new:
            names = names + new
            doc.update_rows(sheet_name, [names], options.get("cellFormat") or cell_format_default(version),
                            key_row + 1)
            if upsert:
                while len(sheet_data) <= key_row:
                    sheet_data.append([])
                sheet_data[key_row] = list(names)
            new.clear()
        if not upsert and match_on == ROW_NUMBER:
            updates.extend(doc.plan_updates_by_row(inputs, rng, names))
            continue
        planned, extra = doc.plan_updates(inputs, match_on, rng, names, data_start, column_values, upsert=upsert)
        updates.extend(planned)
        appends.extend(extra)
    if updates:
        doc.batch_update_values(updates, input_mode)
    if appends:
        last_row = len(sheet_data) + 1
        if options.get("useAppend"):
            doc.append_sheet_data(appends, rng, key_row + 1, input_mode, column_names=[names], last_row=last_row,
                                  use_append=True)
        else:
            doc.append_empty_rows(sheet_id, 1)
            doc.append_sheet_data(appends, rng, key_row + 1, input_mode, column_names=[names], last_row=last_row)
    if version < 4 or mode == "autoMapInputData":
        return _passthrough(ctx)
    if not upsert and not updates:
        return []
    return [{"json": row, "pairedItem": {"item": i}} for i, row in enumerate(mapped)]


def _read(ctx: NodeContext, doc: Spreadsheet, sheet_name: str, sheet_id: str) -> list[Item]:
    """Get Row(s): all rows as objects keyed by the header, or the rows matching the filters."""
    version = ctx.node.type_version
    count = len(ctx.input(0)) if version > 4.1 else 1
    out: list[Item] = []
    for index in range(count):
        options = ctx.param("options", index, {}) or {}
        formatting = (options.get("outputFormatting") or {}).get("values") or {}
        location = dict((options.get("dataLocationOnSheet") or {}).get("values") or {})
        location.setdefault("rangeDefinition", "detectAutomatically")
        rng = sheet_name
        if location.get("rangeDefinition") == "specifyRangeA1" and location.get("range"):
            rng = f"{sheet_name}!{location['range']}"
        data = doc.get_data(rng, formatting.get("general") or "UNFORMATTED_VALUE",
                            formatting.get("date") or "FORMATTED_STRING")
        if not data:
            continue
        rows, key_row, data_start = prepare_sheet_data(data, location)
        lookups = list((ctx.param("filtersUI", index, {}) or {}).get("values") or [])
        if lookups:
            if version < 4.5:
                return_all = options.get("returnAllMatches") == "returnAllMatches"
            else:
                return_all = not options.get("returnFirstMatch")
            if version <= 4.1:
                for other in range(1, len(ctx.input(0))):
                    lookups.extend((ctx.param("filtersUI", other, {}) or {}).get("values") or [])
            combine = ctx.param("combineFilters", index, "OR")
            found = lookup_rows(rows, key_row, data_start, lookups, return_all, version, combine)
        else:
            found = structure_by_column(rows, key_row, data_start)
        out.extend({"json": row, "pairedItem": {"item": index}} for row in found)
    return out


def _clear(ctx: NodeContext, doc: Spreadsheet, sheet_name: str, sheet_id: str) -> list[Item]:
    for i in range(len(ctx.input(0))):
        kind = ctx.param("clear", i, "wholeSheet")
        keep_first = ctx.param("keepFirstRow", i, False)
        rng = ""
        if kind == "specificRows":
            start = int(ctx.param("startIndex", i, 1))
            count = int(ctx.param("rowsToDelete", i, 1))
            rng = f"{sheet_name}!{start}:{start if count == 1 else start + count - 1}"
        elif kind == "specificColumns":
            start_col = str(ctx.param("startIndex", i, "A"))
            count = int(ctx.param("columnsToDelete", i, 1))
            number = column_number(start_col)
            rng = f"{sheet_name}!{start_col}:{column_name(number if count == 1 else number + count - 1)}"
        elif kind == "specificRange":
            field = str(ctx.param("range", i, ""))
            region = (field.split("!")[1] if "!" in field else field) if field else ""
            rng = f"{sheet_name}!{region}"
        elif kind == "wholeSheet":
            rng = sheet_name
        if keep_first:
            first = doc.get_data(f"{rng}!1:1", "FORMATTED_VALUE")
            doc.clear(rng)
            doc.update_rows(rng, first or [], "RAW", 1)
        else:
            doc.clear(rng)
    return list(ctx.input(0))


def _delete(ctx: NodeContext, doc: Spreadsheet, sheet_name: str, sheet_id: str) -> list[Item]:
    for i in range(len(ctx.input(0))):
        kind = ctx.param("toDelete", i, "rows")
        count = int(ctx.param("numberToDelete", i, 1))
        if kind == "rows":
            start = int(ctx.param("startIndex", i, 2)) - 1
            dimension = "ROWS"
        else:
            start = column_number(str(ctx.param("startIndex", i, "A"))) - 1
            dimension = "COLUMNS"
        end = start + 1 if count == 1 else start + count
        doc.batch_update([{"deleteDimension": {"range": {"sheetId": sheet_id, "dimension": dimension,
                                                         "startIndex": start, "endIndex": end}}}])
    return [{"json": {"success": True}, "pairedItem": {"item": i}} for i in range(len(ctx.input(0)))]


def _remove(ctx: NodeContext, doc: Spreadsheet, sheet_name: str, sheet_id: str) -> list[Item]:
    out = []
    for i in range(len(ctx.input(0))):
        body = doc.api.json("POST", f"/v4/spreadsheets/{doc.id}:batchUpdate",
                            body={"requests": [{"deleteSheet": {"sheetId": sheet_id}}]})
        body.pop("replies", None)
        out.append({"json": body, "pairedItem": {"item": i}})
    return out


def _hex_to_rgb(value: str) -> dict[str, float] | None:
    text = value.lstrip("#")
    if re.fullmatch(r"[0-9a-fA-F]{3}", text):
        text = "".join(c * 2 for c in text)
    if not re.fullmatch(r"[0-9a-fA-F]{6}", text):
        return None
    return {"red": int(text[0:2], 16) / 255, "green": int(text[2:4], 16) / 255, "blue": int(text[4:6], 16) / 255}


def _create_sheet(ctx: NodeContext, doc: Spreadsheet) -> list[Item]:
    """Add a sheet per item unless one with that title exists; the new sheet's properties."""
    existing = [p.get("title") for p in doc.sheets()]
    out: list[Item] = []
    for i in range(len(ctx.input(0))):
        title = ctx.param("title", i, "n8n-sheet")
        if title in existing:
            continue
        props = dict(ctx.param("options", i, {}) or {})
        props["title"] = title
        if props.get("tabColor"):
            rgb = _hex_to_rgb(str(props["tabColor"]))
            if rgb is None:
                raise ctx.error("Invalid tab color", i)
            props["tabColor"] = rgb
        body = doc.batch_update([{"addSheet": {"properties": props}}])
        added = ((body.get("replies") or [{}])[0].get("addSheet") or {}).get("properties") or {}
        body.update(added)
        body.pop("replies", None)
        existing.append(title)
        out.append({"json": body, "pairedItem": {"item": i}})
    return out


def _spreadsheet(ctx: NodeContext, api: GoogleApi, operation: str) -> list[Item]:
    out: list[Item] = []
    for i in range(len(ctx.input(0))):
        if operation == "create":
            body: dict[str, Any] = {"properties": {"title": ctx.param("title", i, ""), "autoRecalc": None,
                                                   "locale": None}}
            options = ctx.param("options", i, {}) or {}
            body["properties"].update({k: options[k] for k in ("locale", "autoRecalc") if options.get(k)})
            body["properties"] = {k: v for k, v in body["properties"].items() if v is not None}
            sheets = (ctx.param("sheetsUi", i, {}) or {}).get("sheetValues") or []
            if sheets:
                body["sheets"] = [{"properties": {"title": s.get("title"), "hidden": s.get("hidden", False)}}
                                  for s in sheets]
            out.append({"json": api.json("POST", "/v4/spreadsheets", body=body), "pairedItem": {"item": i}})
        elif operation == "deleteSpreadsheet":
            doc_id = spreadsheet_id(ctx, ctx.param("documentId", i, {}))
            api.json("DELETE", f"https://www.googleapis.com/drive/v3/files/{doc_id}"
                     if not ctx.state.services.base_urls.get("google") else
                     f"{ctx.state.services.base_urls['google'].rstrip('/')}/drive/v3/files/{doc_id}")
            out.append({"json": {"success": True}, "pairedItem": {"item": i}})
        else:
            raise not_supported(ctx, "Google Sheets", "spreadsheet", operation)
    return out


__all__ = ["google_sheets", "sheet_id_of", "spreadsheet_id"]
