"""Spreadsheet File (legacy n8n-nodes-base.spreadsheetFile v1, v2): read and write spreadsheets.

Writing maps onto Convert to File's helpers (same SheetJS output; the default file name is
``spreadsheet.<format>``). Reading: v2 with format CSV uses csv-parse like Extract from File;
v1 (and v2 autodetect) read every format through SheetJS, whose CSV reader types cells: numbers
and TRUE/FALSE become numbers and booleans unless ``rawData``. Date-like CSV cells stay strings
here (SheetJS would turn some into serial numbers).
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from automatelanka.engine.binary import assert_binary, binary_bytes
from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import Item, NodeOutput
from automatelanka.engine.nodes import files
from automatelanka.engine.nodes._svc import per_item
from automatelanka.engine.nodes.base import NodeContext, register

_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def _date_serial(text: str) -> float | None:
    """The Excel serial SheetJS gives a date-like CSV cell (ISO or m/d/yyyy), else None."""
    from datetime import date

    match = _ISO_DATE.match(text)
    if match:
        year, month, day = int(match[1]), int(match[2]), int(match[3])
        seconds = int(match[4] or 0) * 3600 + int(match[5] or 0) * 60 + int(match[6] or 0)
    else:
        match = _US_DATE.match(text)
        if not match:
            return None
        month, day, year, seconds = int(match[1]), int(match[2]), int(match[3]), 0
    try:
        days = (date(year, month, day) - date(1899, 12, 30)).days
    except ValueError:
        return None
    return days + seconds / 86400 if seconds else days


def _sheetjs_cell(text: str, raw: bool) -> Any:
    """A CSV cell as SheetJS types it (``raw`` keeps strings)."""
    if text == "":
        return None
    if raw:
        return text
    if _NUMBER.match(text.strip()):
        value = float(text)
        return int(value) if value.is_integer() and abs(value) < 2**53 else value
    if text.upper() in ("TRUE", "FALSE"):
        return text.upper() == "TRUE"
    serial = _date_serial(text.strip())
    return text if serial is None else serial


def _raw_html_table(text: str) -> list[list[Any]]:
    """Cells of the first HTML table as text (SheetJS ``raw``: no value parsing)."""
    from bs4 import BeautifulSoup

    table = BeautifulSoup(text, "html.parser").find("table")
    if table is None:
        return []
    return [[td.get_text() or None for td in tr.find_all(["td", "th"])] for tr in table.find_all("tr")]


def _sheetjs_table(data: bytes, options: dict[str, Any]) -> list[list[Any]]:
    """Cells of the first (or named) sheet of ``data`` (xlsx, SheetJS HTML or CSV)."""
    if data.startswith(b"PK\x03\x04"):
        return files._read_xlsx(data, options)
    text = files._decode(data, None)
    if text.lstrip().lower().startswith(("<html", "<table", "<!doctype")):
        return _raw_html_table(text) if options.get("rawData") else files._read_html_table(text)
    name = options.get("sheetName")
    if name and name != "Sheet1":
        raise NodeError(f'Spreadsheet does not contain sheet called "{name}"!')
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=",", quotechar='"', strict=False)
    return [[_sheetjs_cell(c, bool(options.get("rawData"))) for c in row] for row in reader]


def _from_file_sheetjs(ctx: NodeContext, items: list[Item]) -> list[Item]:
    def one(i: int, item: Item) -> list[Item]:
        options = ctx.param("options", i, {}) or {}
        entry = assert_binary(item, ctx.param("binaryPropertyName", i, "data"), i)
        rows = files._sheet_to_json(_sheetjs_table(binary_bytes(entry), options), options)
        return [{"json": {"row": row} if options.get("headerRow") is False else row, "pairedItem": {"item": i}}
                for row in rows]

    return per_item(ctx, one, items=items, error_index="always", ready=True)


def _from_file(ctx: NodeContext, items: list[Item]) -> list[Item]:
    if ctx.node.type_version >= 2:
        fmt = ctx.param("fileFormat", 0, "autodetect")
        first = (items[0].get("binary") or {}).get(ctx.param("binaryPropertyName", 0, "data")) if items else None
        if fmt == "autodetect" and first and (first.get("mimeType") == "text/csv" or (
                first.get("mimeType") == "text/plain" and first.get("fileExtension") == "csv")):
            fmt = "csv"
        if fmt == "csv":
            return files._extract_spreadsheet(ctx, items, "csv")
    return _from_file_sheetjs(ctx, items)


def _to_file(ctx: NodeContext, items: list[Item]) -> list[Item]:
    fmt = ctx.param("fileFormat", 0, "xls")
    out = files._spreadsheet_to_file(ctx, items, fmt)
    options = ctx.param("options", 0, {}) or {}
    if options.get("fileName") is None:
        for item in out:
            for entry in (item.get("binary") or {}).values():
                entry["fileName"] = f"spreadsheet.{fmt}"
    return out


@register("n8n-nodes-base.spreadsheetFile", versions=(1, 2), display_name="Spreadsheet File")
def spreadsheet_file(ctx: NodeContext) -> NodeOutput:
    items = ctx.input(0)
    operation = ctx.param("operation", 0, "fromFile")
    if operation == "fromFile":
        return [_from_file(ctx, items)]
    if operation == "toFile":
        return [_to_file(ctx, items)]
    message = f'The operation "{operation}" is not supported!'
    if ctx.continue_on_fail:
        return [[{"json": {"error": message}}]]
    raise NodeError(message)
