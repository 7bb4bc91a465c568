"""Google Sheets Trigger v1 (polling): rowAdded, rowUpdate, anyUpdate as n8n polls them.

- ``rowAdded`` reads the sheet below the key row and emits the rows past the cursor
  ``lastIndexChecked`` (the first poll only records it; manual mode emits every row);
- ``rowUpdate``/``anyUpdate`` compare the sheet with the previous Drive revision (its xlsx export,
  ``lastRevisionLink``) once a newer revision (``lastRevision``) exists; output per
  ``includeInOutput`` (new / old / both with ``differences``).

The cursor lives in the node's static data (``documentId``, ``sheetId``, ``lastRevision``,
``lastRevisionLink``, ``lastIndexChecked``), reset when the document or sheet changes. Poll path:
:func:`poll_sheets` in ``_poll.POLLERS``.
"""

from __future__ import annotations

import io
import re
from datetime import date, datetime, time
from typing import Any

from automatelanka.engine.errors import NodeApiError, NodeError
from automatelanka.engine.items import Item, NodeOutput
from automatelanka.engine.nodes._google import api_base
from automatelanka.engine.nodes._poll import node_static, poller, trigger_handler
from automatelanka.engine.nodes._sheets_api import Spreadsheet, decode_col
from automatelanka.engine.nodes.base import NodeContext, register
from automatelanka.engine.nodes.google_sheets import sheet_locator_value, sheets_api, spreadsheet_id
from automatelanka.engine.schemas.jsvalue import to_js_string

TYPE = "n8n-nodes-base.googleSheetsTrigger"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_CELL = re.compile(r"([a-zA-Z]{1,10})([0-9]{0,10})")


@register(TYPE, versions=(1,), trigger=True, inputs=0, display_name="Google Sheets Trigger")
def google_sheets_trigger(ctx: NodeContext) -> NodeOutput:
    return trigger_handler(ctx)


def rows_to_json(rows: list[list[Any]], columns: list[Any]) -> list[dict[str, Any]]:
    """``arrayOfArraysToJson``: falsy cells (JS ``||``) become ``""``."""
    out = []
    for row in rows:
        entry: dict[str, Any] = {}
        for index, name in enumerate(columns):
            cell = row[index] if index < len(row) else None
            entry[to_js_string(name)] = cell if _truthy(cell) else ""
        out.append(entry)
    return out


def _truthy(value: Any) -> bool:
    if value is None or value is False or value == "":
        return False
    return not (isinstance(value, (int, float)) and not isinstance(value, bool) and (value == 0 or value != value))


def _serial(value: Any) -> Any:
    """xlsx cells as SheetJS gives them (dates as serial numbers, no None)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        delta = value - datetime(1899, 12, 30)
        return delta.days + delta.seconds / 86400 + delta.microseconds / 86400e6
    if isinstance(value, date):
        return (value - date(1899, 12, 30)).days
    if isinstance(value, time):
        return (value.hour * 3600 + value.minute * 60 + value.second) / 86400
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def xlsx_rows(data: bytes, sheet_name: str, rng: str | None) -> list[list[Any]]:
    """``sheetBinaryToArrayOfArrays``: the sheet (or A1 ``rng`` of it) as rows, trailing blank rows cut."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), data_only=True)
    except Exception as exc:  # openpyxl raises several types for a bad file
        raise NodeError(f"The previous revision could not be read: {exc}") from exc
    if sheet_name not in book.sheetnames:
        return []
    sheet = book[sheet_name]
    if sheet.max_row < 1 or (sheet.max_row == 1 and sheet.max_column == 1 and sheet.cell(1, 1).value is None):
        return []
    min_row, min_col, max_row, max_col = 1, 1, sheet.max_row, sheet.max_column
    if rng:
        start, _, end = rng.partition(":")
        first, last = _CELL.match(start), _CELL.match(end or start)
        if first:
            min_col = decode_col(first.group(1)) + 1
            min_row = int(first.group(2) or 1)
        if last:
            max_col = decode_col(last.group(1)) + 1
            max_row = int(last.group(2)) if last.group(2) else max_row
    rows = [[_serial(v) for v in row] for row in sheet.iter_rows(min_row=min_row, max_row=max_row, min_col=min_col,
                                                                 max_col=max_col, values_only=True)]
    last_data = 0
    for index, row in enumerate(rows):
        if any(cell != "" for cell in row):
            last_data = index
    return rows[:last_data + 1]


def _specific(row: list[Any] | None, watched: list[str], columns: list[Any]) -> list[Any]:
    if not row:
        return []
    out = []
    for column in watched:
        index = columns.index(column) - 1 if column in columns else -2
        out.append(row[index] if 0 <= index < len(row) else None)
    return out


def compare_revisions(previous: list[list[Any]], current: list[list[Any]], key_row: int, include: str,
                      watched: list[str], data_start: int, event: str) -> list[dict[str, Any]]:
    """``compareRevisions``: rows that differ between the revisions, shaped per ``include``."""
    length = max(len(current), len(previous))
    key_index = key_row - 1
    now_cols = current[key_index] if key_index < len(current) else None
    old_cols = previous[key_index] if key_index < len(previous) else None
    columns: list[Any] = ["row_number", "change_type"] if event == "anyUpdate" else ["row_number"]
    if now_cols is not None and old_cols is not None:
        columns = columns + (now_cols if len(now_cols) > len(old_cols) else old_cols)
    elif now_cols is not None:
        columns = columns + now_cols
    elif old_cols is not None:
        columns = columns + old_cols
    previous = list(previous)
    diff: list[dict[str, Any]] = []
    for i in range(data_start, length):
        if i == key_index:
            continue
        now = current[i] if i < len(current) else None
        old = previous[i] if i < len(previous) else None
        if isinstance(now, list) and isinstance(old, list):
            while len(now) < len(old):
                now.append("")
        if watched:
            if _specific(now, watched, columns) == _specific(old, watched, columns):
                continue
        elif now == old:
            continue
        if event == "rowUpdate" and (not old or all(cell == "" for cell in old)):
            continue
        change = "updated"
        if old is None:
            if now is None:
                continue
            old = ["" for _ in now]
            change = "added"
        if now is None:
            continue
        diff.append({"rowIndex": i + 1, "previous": old, "current": now, "changeType": change})

    def version(which: str) -> list[list[Any]]:
        if event == "anyUpdate":
            return [[d["rowIndex"], d["changeType"], *d[which]] for d in diff]
        return [[d["rowIndex"], *d[which]] for d in diff]

    if include == "old":
        return rows_to_json(version("previous"), columns)
    if include == "both":
        olds = rows_to_json(version("previous"), columns)
        news = rows_to_json(version("current"), columns)
        out = []
        for old_row, new_row in zip(olds, news, strict=True):
            differences: dict[str, Any] = {"row_number": new_row.get("row_number")}
            for key, value in new_row.items():
                if key != "row_number" and old_row.get(key) != value:
                    differences[key] = {"previous": old_row.get(key), "current": value}
            out.append({"previous": old_row, "current": new_row, "differences": differences})
        return out
    return rows_to_json(version("current"), columns)


def _ranges(options: dict[str, Any]) -> tuple[str, int, int, str, str, str]:
    """(range, keyRow, startIndex, rangeDefinition, keyRange, rangeToCheck) as n8n derives them."""
    rng, key_row, start, definition = "A:ZZZ", 1, 2, ""
    first, _, last = rng.partition(":")
    key_range, to_check = f"{first}{key_row}:{last}{key_row}", f"{first}{key_row}:{last}"
    location = options.get("dataLocationOnSheet")
    if location:
        values = location.get("values") or {}
        definition = values.get("rangeDefinition") or ""
        if definition == "specifyRangeA1":
            if values.get("range", "") == "":
                raise NodeError("The field 'Range' is empty, please provide a range")
            rng = str(values["range"])
        if definition == "specifyRange":
            key_row = int(str(values.get("headerRow", 1)))
            start = int(str(values.get("firstDataRow", 2)))
        range_from, _, range_to = rng.partition(":")
        cell_from = _CELL.search(range_from)
        cell_to = _CELL.search(range_to)
        col_from = cell_from.group(1) if cell_from else "undefined"
        col_to = cell_to.group(1) if cell_to else "undefined"
        if definition == "specifyRangeA1" and cell_from is not None:
            row_from = int(cell_from.group(2)) if cell_from.group(2) else 0
            key_range = f"{col_from}{row_from}:{col_to}{row_from}"
            to_check = f"{col_from}{row_from + 1}:{range_to}"
        else:
            key_range = f"{col_from}{key_row}:{col_to}{key_row}"
            to_check = f"{col_from}{key_row}:{range_to}"
    return rng, key_row, start, definition, key_range, to_check


@poller(TYPE)
def poll_sheets(ctx: NodeContext) -> list[Item] | None:
    """New or changed rows since the last poll (None when there are none)."""
    try:
        return _poll(ctx)
    except NodeApiError as exc:
        raise _friendly(ctx, exc) from None


def _friendly(ctx: NodeContext, exc: NodeApiError) -> NodeError:
    if "user does not have sufficient permissions for file" in str(exc.description or "").lower():
        return ctx.error("Edit access to the document is required for the 'Row Update' and 'Row Added or Updated' "
                         "triggers. Request edit access to the document's owner or select the 'Row Added' trigger "
                         "in the 'Trigger On' dropdown.")
    body = (exc.context or {}).get("errorResponse")
    message = ((body or {}).get("error") or {}).get("message") if isinstance(body, dict) and \
        isinstance(body.get("error"), dict) else None
    if isinstance(message, str) and "unknown error" not in message.lower() and "bad request" not in message.lower():
        first, *rest = message.split(". ")
        if first.lower() == "access not configured":
            first = "Missing Google Drive API"
        return ctx.error(first, description=".\n ".join(rest))
    return exc


def _poll(ctx: NodeContext) -> list[Item] | None:
    static = node_static(ctx)
    manual = ctx.state.mode == "manual"
    event = ctx.param("event", 0, "anyUpdate")
    document_id = spreadsheet_id(ctx, ctx.param("documentId", 0, {}))
    api = sheets_api(ctx)
    doc = Spreadsheet(api, document_id)
    mode, value = sheet_locator_value(ctx.param("sheetName", 0, {}))
    props = doc.find_sheet(mode, value)
    sheet_id, sheet_name = props.get("sheetId"), str(props["title"])
    options = dict(ctx.param("options", 0, {}) or {})
    if not manual and (static.get("documentId") != document_id or static.get("sheetId") != sheet_id):
        static.update({"documentId": document_id, "sheetId": sheet_id})
        for key in ("lastRevision", "lastRevisionLink", "lastIndexChecked"):
            static.pop(key, None)
    previous_revision = static.get("lastRevision")
    previous_link = static.get("lastRevisionLink")
    if event != "rowAdded":
        revisions_url = f"{api_base(ctx, 'google')}/drive/v3/files/{document_id}/revisions"
        query: dict[str, Any] = {"fields": "revisions(id, exportLinks), nextPageToken", "pageSize": 1000}
        while True:
            page = api.json("GET", revisions_url, params=query)
            if page.get("nextPageToken"):
                query["pageToken"] = page["nextPageToken"]
                continue
            revisions = page.get("revisions") or []
            if not revisions:
                raise ctx.error("Cannot read properties of undefined (reading 'id')")
            last = int(revisions[-1].get("id"))
            if previous_revision is not None and last <= previous_revision:
                return None
            if not manual:
                static["lastRevision"] = last
                static["lastRevisionLink"] = (revisions[-1].get("exportLinks") or {}).get(XLSX_MIME)
            break
    rng, key_row, start, definition, key_range, to_check = _ranges(options)
    if event == "rowAdded":
        return _rows_added(ctx, doc, static, sheet_name, options, key_row, start, definition, key_range, to_check)
    if event not in ("anyUpdate", "rowUpdate"):
        return None
    if len(sheet_name) > 31:
        raise ctx.error("Sheet name is too long choose a name with 31 characters or less")
    data_start = start - 1
    if definition != "specifyRangeA1":
        data_start = start - 2 if key_row < start else start - 1
    current = doc.get_data(f"{sheet_name}!{rng}", "UNFORMATTED_VALUE", "SERIAL_NUMBER") or []
    current = [list(row) for row in current]
    if previous_revision is None:
        if not current:
            return []
        columns = current[key_row - 1] if key_row - 1 < len(current) else []
        del current[key_row - 1:key_row]
        rows = current[data_start:] if definition != "specifyRangeA1" else current
        found = rows_to_json(rows, columns)
        return [{"json": row} for row in found] if found and manual else None
    data = api.send("GET", str(previous_link), params={"mimeType": XLSX_MIME}).content
    previous = xlsx_rows(data, sheet_name, rng if definition == "specifyRangeA1" else None)
    include = ctx.param("includeInOutput", 0, "new")
    watched = list(options.get("columnsToWatch") or [])
    found = compare_revisions(previous, current, key_row, include, watched, data_start, event)
    return [{"json": row} for row in found] or None


def _rows_added(ctx: NodeContext, doc: Spreadsheet, static: dict[str, Any], sheet_name: str,
                options: dict[str, Any], key_row: int, start: int, definition: str, key_range: str,
                to_check: str) -> list[Item] | None:
    header = doc.get_data(f"{sheet_name}!{key_range}", "FORMATTED_VALUE") or [[]]
    columns = header[0] if header else []
    if not columns:
        raise ctx.error("Could not retrieve the columns from key row")
    sheet = doc.get_data(f"{sheet_name}!{to_check}", options.get("valueRender") or "UNFORMATTED_VALUE",
                         options.get("dateTimeRenderOption") or "FORMATTED_STRING")
    if isinstance(sheet, list) and sheet:
        sheet = sheet[1:]
    data_start = start - key_row - 1 if definition == "specifyRange" and key_row < start else 0
    if ctx.state.mode == "manual":
        found = rows_to_json((sheet or [])[data_start:], columns) if isinstance(sheet, list) else []
        return [{"json": row} for row in found] or None
    if not isinstance(sheet, list):
        return None
    if static.get("lastIndexChecked") is None:
        static["lastIndexChecked"] = len(sheet)
        return None
    added = sheet[max(int(static["lastIndexChecked"]), data_start):]
    static["lastIndexChecked"] = len(sheet)
    found = rows_to_json(added, columns)
    return [{"json": row} for row in found] or None


__all__ = ["compare_revisions", "google_sheets_trigger", "poll_sheets", "rows_to_json", "xlsx_rows"]
