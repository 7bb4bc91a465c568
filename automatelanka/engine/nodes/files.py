"""Convert to File (v1, 1.1), Extract from File (v1) and Read/Write Files from Disk (v1).

CSV is written as SheetJS writes it (UTF-8 BOM, "General" number format, TRUE/FALSE, quoting only
when needed, no final newline) and read as csv-parse does (values stay strings, the BOM is kept
unless ``enableBOM``). Disk access is confined to ``services.files_root``.
"""

from __future__ import annotations

import base64
import contextlib
import csv
import glob
import io
import json
import math
import os
from pathlib import Path
from typing import Any

from automatelanka.engine.binary import assert_binary, binary_bytes, prepare_binary
from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import Item, NodeOutput, deep_copy_json
from automatelanka.engine.nodes._svc import per_item
from automatelanka.engine.nodes._util_common import js_json, lodash_get, lodash_set
from automatelanka.engine.nodes.base import NodeContext, register

_SPREADSHEET_OPS = ("csv", "html", "rtf", "ods", "xls", "xlsx")
_ENCODINGS = {"utf8": "utf-8", "utf-8": "utf-8", "ucs2": "utf-16-le", "utf16le": "utf-16-le",
              "utf-16le": "utf-16-le", "latin1": "latin-1", "binary": "latin-1", "ascii": "ascii",
              "cesu8": "utf-8", "win1252": "cp1252", "windows1252": "cp1252", "base64": "base64", "hex": "hex"}


def _codec(name: str | None) -> str:
    key = (name or "utf8").lower().replace("_", "")
    return _ENCODINGS.get(key, key)


def _encode(text: str, encoding: str | None, add_bom: bool = False) -> bytes:
    codec = _codec(encoding)
    if codec == "base64":
        return base64.b64decode(text)
    if codec == "hex":
        return bytes.fromhex(text)
    try:
        data = text.encode(codec, errors="replace")
    except LookupError:
        data = text.encode("utf-8")
    if add_bom and codec in ("utf-8", "utf-16-le"):
        data = ("\ufeff".encode(codec)) + data
    return data


def _decode(data: bytes, encoding: str | None, strip_bom: bool = True) -> str:
    if encoding:
        codec = _codec(encoding)
        try:
            text = data.decode(codec, errors="replace")
        except LookupError:
            text = data.decode("utf-8", errors="replace")
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
    if strip_bom is not False and text.startswith("\ufeff"):
        text = text[1:]
    return text


# -- SheetJS-compatible values ------------------------------------------------------------------

def _to_fixed(v: float, digits: int) -> str:
    return f"{v:.{digits}f}"


def _to_precision(v: float, p: int) -> str:
    if v == 0:
        return _to_fixed(0.0, p - 1)
    e = math.floor(math.log10(abs(v)))
    rounded = float(f"{v:.{p - 1}e}")
    if rounded != 0:
        e = math.floor(math.log10(abs(rounded)))
    if e < -6 or e >= p:
        return _to_exponential(v, p - 1)
    return _to_fixed(v, max(p - 1 - e, 0))


def _to_exponential(v: float, digits: int) -> str:
    mantissa, exp = f"{v:.{digits}e}".split("e")
    return f"{mantissa}e{'+' if int(exp) >= 0 else '-'}{abs(int(exp))}"


def _strip_decimal(o: str) -> str:
    import re

    return o if "." not in o else re.sub(r"(?:\.0*|(\.\d*[1-9])0+)$", r"\1", o)


def _normalize_exp(o: str) -> str:
    import re

    if "E" not in o:
        return o
    o = re.sub(r"(?:\.0*|(\.\d*[1-9])0+)[Ee]", lambda m: (m.group(1) or "") + "E", o)
    return re.sub(r"(E[+-])(\d)$", r"\g<1>0\2", o)


def sheet_general(value: Any) -> str:
    """SheetJS ``SSF_general``: how a cell value is written to CSV."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        v = float(value)
        if v.is_integer() and -(2**31) <= v < 2**31:
            return str(int(v))
        if math.isnan(v) or math.isinf(v):
            return "#NUM!"
        exp = math.floor(math.log10(abs(v)))
        if -4 <= exp <= -1:
            o = _to_precision(v, 10 + exp)
        elif abs(exp) <= 9:
            w = 12 if v < 0 else 11
            o = _strip_decimal(_to_fixed(v, 12))
            if len(o) > w:
                o = _to_precision(v, 10)
                if len(o) > w:
                    o = _to_exponential(v, 5)
        elif exp == 10:
            o = _to_fixed(v, 10)[:12]
        else:
            o = _strip_decimal(_to_fixed(v, 11))
            if len(o) > (12 if v < 0 else 11) or o in ("0", "-0"):
                o = _to_precision(v, 6)
        return _strip_decimal(_normalize_exp(o.upper()))
    return str(value)


def flatten_object(data: dict[str, Any]) -> dict[str, Any]:
    """n8n ``flattenObject``: nested keys joined with dots (arrays by index)."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, (dict, list)):
            inner = flatten_object(value if isinstance(value, dict) else {str(i): v for i, v in enumerate(value)})
            for sub, sub_value in inner.items():
                out[f"{key}.{sub}"] = sub_value
        else:
            out[key] = value
    return out


def _sheet_rows(items: list[Item], header_row: bool) -> list[list[Any]]:
    rows = [flatten_object(item["json"]) for item in items]
    headers: list[str] = []
    for row in rows:
        headers.extend(k for k in row if k not in headers)
    table: list[list[Any]] = [list(headers)] if header_row else []
    missing = object()
    for row in rows:
        table.append([row.get(h, missing) for h in headers])
    return [[None if c is missing else c for c in r] for r in table]


def _csv_text(table: list[list[Any]], delimiter: str) -> str:
    lines = []
    for row in table:
        cells = []
        for cell in row:
            text = sheet_general(cell)
            if delimiter in text or "\n" in text or '"' in text:
                text = '"' + text.replace('"', '""') + '"'
            if text == "ID":
                text = '"ID"'
            cells.append(text)
        lines.append(delimiter.join(cells))
    return "\n".join(lines)


def _html_table(table: list[list[Any]]) -> str:
    from html import escape

    out = ['<html><head><meta charset="utf-8"/><title>SheetJS Table Export</title></head><body><table>']
    for r, row in enumerate(table):
        out.append("<tr>")
        for c, cell in enumerate(row):
            ref = f"{_col(c)}{r + 1}"
            if cell is None:
                out.append(f'<td id="sjs-{ref}"></td>')
                continue
            kind = "b" if isinstance(cell, bool) else "n" if isinstance(cell, (int, float)) else "s"
            raw = ("true" if cell else "false") if kind == "b" else (js_json(cell) if kind == "n" else cell)
            text = escape(sheet_general(cell), quote=True).replace("&#x27;", "&#39;").replace("\n", "<br/>")
            out.append(f'<td data-t="{kind}" data-v="{raw}" id="sjs-{ref}">{text}</td>')
        out.append("</tr>")
    out.append("</table></body></html>")
    return "".join(out)


def _col(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        name = chr(65 + rem) + name
    return name


def _xlsx_bytes(table: list[list[Any]], sheet: str) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.title = sheet
    for row in table:
        ws.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _spreadsheet_to_file(ctx: NodeContext, items: list[Item], fmt: str) -> list[Item]:
    paired = [{"item": i} for i in range(len(items))]
    try:
        options = ctx.param("options", 0, {}) or {}
        prop = ctx.param("binaryPropertyName", 0, "data")
        table = _sheet_rows(items, options.get("headerRow") is not False)
        if fmt == "csv":
            delimiter = options.get("delimiter") or ","
            data = "\ufeff".encode() + _csv_text(table, delimiter).encode("utf-8")
        elif fmt == "html":
            data = _html_table(table).encode("utf-8")
        elif fmt == "xlsx":
            data = _xlsx_bytes(table, options.get("sheetName") or "Sheet")
        else:
            raise NodeError(f"The file format '{fmt}' is not supported by this engine yet")
        name = options["fileName"] if options.get("fileName") is not None else f"File.{fmt}"
        return [{"json": {}, "binary": {prop: prepare_binary(data, name)}, "pairedItem": paired}]
    except NodeError as exc:
        if ctx.continue_on_fail:
            return [{"json": {"error": exc.message}, "pairedItem": paired}]
        raise


def _binary_from_json(data: Any, *, source_key: str | None = None, file_name: str | None = None,
                      mime_type: str | None = None, encoding: str | None = None, add_bom: bool = False,
                      fmt: bool = False, is_base64: bool = False) -> dict[str, Any]:
    """n8n ``createBinaryFromJson``."""
    value = lodash_get(data, source_key, _ABSENT) if source_key else data
    if value is _ABSENT:
        raise NodeError(f'The value in "{source_key}" is not set')
    if not is_base64:
        if isinstance(value, (dict, list)) or value is None:
            mime_type = "application/json"
            text = js_json(value, 2 if fmt else None)
        else:
            text = value if isinstance(value, str) else js_json(value)
        raw = _encode(text, encoding, add_bom)
    else:
        raw = base64.b64decode(str(value))
    entry = prepare_binary(raw, file_name or None, mime_type or None)
    if not entry.get("fileName"):
        ext = entry.get("fileExtension")
        entry["fileName"] = f"file.{ext}" if ext else "file"
    return entry


_ABSENT: Any = object()


@register("n8n-nodes-base.convertToFile", versions=(1, 1.1), display_name="Convert to File")
def convert_to_file(ctx: NodeContext) -> NodeOutput:
    items = ctx.input(0)
    operation = ctx.param("operation", 0, "csv")
    if operation in _SPREADSHEET_OPS:
        return [_spreadsheet_to_file(ctx, items, operation)]

    def options(i: int) -> dict[str, Any]:
        return ctx.param("options", i, {}) or {}

    def wrap(i: int, entry: dict[str, Any], paired: Any = None) -> Item:
        prop = ctx.param("binaryPropertyName", i, "data")
        return {"json": {}, "binary": {prop: entry}, "pairedItem": paired if paired is not None else {"item": i}}

    if operation == "toJson":
        if ctx.param("mode", 0, "once") == "once":
            opts = options(0)
            entry = _binary_from_json([it["json"] for it in items], file_name=opts.get("fileName"),
                                      mime_type="application/json", encoding=opts.get("encoding"),
                                      add_bom=bool(opts.get("addBOM")), fmt=bool(opts.get("format")))
            return [[wrap(0, entry, [{"item": i} for i in range(len(items))])]]
        return [per_item(ctx, lambda i, it: wrap(i, _binary_from_json(
            it["json"], file_name=options(i).get("fileName"), mime_type="application/json",
            encoding=options(i).get("encoding"), add_bom=bool(options(i).get("addBOM")),
            fmt=bool(options(i).get("format")))), items=items, error_index="always", ready=True)]
    if operation == "toText":
        return [per_item(ctx, lambda i, it: wrap(i, _binary_from_json(
            it["json"], source_key=ctx.param("sourceProperty", i, ""),
            file_name=options(i).get("fileName") or "file.txt", mime_type="text/plain",
            encoding=options(i).get("encoding"), add_bom=bool(options(i).get("addBOM")))),
            items=items, error_index="always", ready=True)]
    if operation == "toBinary":
        def to_binary(i: int, it: Item) -> Item:
            opts = options(i)
            is_b64 = opts.get("dataIsBase64") is not False if ctx.node.type_version == 1 else True
            return wrap(i, _binary_from_json(it["json"], source_key=ctx.param("sourceProperty", i, ""),
                                             file_name=opts.get("fileName"), mime_type=opts.get("mimeType"),
                                             encoding=opts.get("encoding"), add_bom=bool(opts.get("addBOM")),
                                             is_base64=is_b64))
        return [per_item(ctx, to_binary, items=items, error_index="always", ready=True)]
    raise NodeError(f"The operation '{operation}' is not supported by this engine yet")


# -- Extract from File --------------------------------------------------------------------------

def _parse_csv(text: str, options: dict[str, Any]) -> list[Any]:
    if options.get("enableBOM") and text.startswith("\ufeff"):
        text = text[1:]
    delimiter = options.get("delimiter") or ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter[0], quotechar='"', strict=False)
    records = [row for row in reader if row]
    from_line = int(options.get("fromLine") or 1)
    records = records[from_line - 1:]
    max_rows = options.get("maxRowCount")
    rows: list[Any] = []
    if options.get("headerRow") is not False:
        if not records:
            return []
        header, body = records[0], records[1:]
        for record in body:
            if len(record) != len(header):
                break  # csv-parse stops at an inconsistent record (the error is ignored in v1)
            row = dict(zip(header, record, strict=True))
            rows.append(row)
    else:
        rows = [list(r) for r in records]
    if isinstance(max_rows, int) and max_rows > -1:
        rows = rows[:max_rows]
    if not options.get("includeEmptyCells"):
        # csv-parse's onRecord keeps the non-empty cells (arrays become objects keyed by index)
        rows = [{k: v for k, v in (r.items() if isinstance(r, dict) else ((str(i), c) for i, c in enumerate(r)))
                 if v != ""} for r in rows]
    return rows


def _sheet_to_json(table: list[list[Any]], options: dict[str, Any]) -> list[Any]:
    """SheetJS ``sheet_to_json`` (header row keys, blank rows skipped)."""
    if options.get("headerRow") is False:
        return [row for row in table if any(c is not None for c in row)]
    if not table:
        return []
    header = [("" if h is None else str(h)) for h in table[0]]
    out = []
    for row in table[1:]:
        if all(c is None or c == "" for c in row):
            continue
        record: dict[str, Any] = {}
        for key, cell in zip(header, row, strict=False):
            if cell is None:
                if options.get("includeEmptyCells"):
                    record[key] = ""
                continue
            record[key] = cell
        out.append(record)
    return out


def _read_xlsx(data: bytes, options: dict[str, Any]) -> list[list[Any]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several types for a bad file
        raise NodeError(f"The file could not be read as a spreadsheet: {exc}") from exc
    name = options.get("sheetName")
    if name and name not in book.sheetnames:
        raise NodeError(f'Spreadsheet does not contain sheet called "{name}"!')
    sheet = book[name] if name else book[book.sheetnames[0]]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _read_html_table(text: str) -> list[list[Any]]:
    from bs4 import BeautifulSoup

    table = BeautifulSoup(text, "html.parser").find("table")
    if table is None:
        return []
    rows = []
    for tr in table.find_all("tr"):
        cells = []
        for td in tr.find_all(["td", "th"]):
            kind, raw = td.get("data-t"), td.get("data-v")
            value: Any = td.get_text()
            if kind == "n" and raw is not None:
                value = json.loads(raw)
            elif kind == "b":
                value = raw == "true"
            elif kind == "z" or value == "":
                value = None
            else:
                with contextlib.suppress(ValueError):
                    value = json.loads(value) if value.strip() and value.strip()[0] in "-0123456789" else value
            cells.append(value)
        rows.append(cells)
    return rows


def _extract_spreadsheet(ctx: NodeContext, items: list[Item], operation: str) -> list[Item]:
    def rows_of(i: int, item: Item) -> list[Item]:
        options = ctx.param("options", i, {}) or {}
        entry = assert_binary(item, ctx.param("binaryPropertyName", i, "data"), i)
        data = binary_bytes(entry)
        if operation == "csv":
            rows = _parse_csv(_decode(data, options.get("encoding"), strip_bom=False), options)
        elif operation == "xlsx":
            rows = _sheet_to_json(_read_xlsx(data, options), options)
        elif operation == "html":
            rows = _sheet_to_json(_read_html_table(_decode(data, None)), options)
        else:
            raise NodeError(f"The file format '{operation}' is not supported by this engine yet")
        return [{"json": {"row": row} if options.get("headerRow") is False else row, "pairedItem": {"item": i}}
                for row in rows]

    def one(i: int, item: Item) -> list[Item]:
        try:
            return rows_of(i, item)
        except NodeError as exc:
            ext = (item.get("binary") or {}).get(ctx.param("binaryPropertyName", i, "data"), {}).get("fileExtension")
            if ext and ext != operation:
                exc.message = f"The file selected in 'Input Binary Field' is not in {operation} format"
                exc.args = (exc.message,)
            raise

    return per_item(ctx, one, items=items, error_index="always", ready=True)


def _move_to(ctx: NodeContext, items: list[Item], operation: str) -> list[Item]:
    def one(i: int, item: Item) -> Item | None:
        options = ctx.param("options", i, {}) or {}
        prop = ctx.param("binaryPropertyName", i, "data")
        value = lodash_get(item.get("binary") or {}, prop)
        if not value:
            return None
        data = binary_bytes(value)
        body: dict[str, Any] = {}
        keep = options.get("keepSource")
        if keep and keep != "binary":
            body = deep_copy_json(item["json"])
        if operation == "binaryToPropery":
            converted: Any = base64.b64encode(data).decode("ascii")
        else:
            converted = _decode(data, options.get("encoding"), strip_bom=bool(options.get("stripBOM", True)))
        if operation == "fromJson":
            if converted == "":
                converted = {}
            else:
                try:
                    converted = json.loads(converted)
                except ValueError as exc:
                    raise NodeError("The file selected in 'Input Binary Field' is not in JSON format",
                                    description="Try to change the operation or select a JSON file in "
                                                "'Input Binary Field'") from exc
        elif operation == "fromIcs":
            raise NodeError("Extracting iCal files is not supported by this engine yet")
        lodash_set(body, ctx.param("destinationKey", i, "data") or "", converted)
        new: Item = {"json": body, "pairedItem": {"item": i}}
        if keep in ("binary", "both"):
            new["binary"] = item.get("binary")
        else:
            new["binary"] = {k: v for k, v in (item.get("binary") or {}).items() if k != prop}
        return new

    return per_item(ctx, one, items=items, error_index="always", ready=True)


@register("n8n-nodes-base.extractFromFile", versions=(1,), display_name="Extract from File")
def extract_from_file(ctx: NodeContext) -> NodeOutput:
    items = ctx.input(0)
    operation = ctx.param("operation", 0, "csv")
    if operation in _SPREADSHEET_OPS:
        return [_extract_spreadsheet(ctx, items, operation)]
    if operation in ("binaryToPropery", "fromJson", "text", "fromIcs", "xml"):
        return [_move_to(ctx, items, operation)]
    raise NodeError(f"The operation '{operation}' is not supported by this engine yet")


# -- Read/Write Files from Disk -----------------------------------------------------------------

def confined_path(ctx: NodeContext, path: str, item_index: int) -> Path:
    """``path`` resolved inside ``services.files_root``; anything outside is refused."""
    root = ctx.state.services.files_root
    if root is None:
        raise ctx.error("Access to files is disabled: no files root is configured for this engine",
                        item_index)
    root = Path(root).resolve()
    candidate = Path(path)
    resolved = (candidate if candidate.is_absolute() else root / candidate).resolve()
    if resolved != root and root not in resolved.parents:
        raise ctx.error(f"Access to the file is not allowed: {path!r} is outside the files root {str(root)!r}",
                        item_index)
    return resolved


def _read_files(ctx: NodeContext, items: list[Item]) -> list[Item]:
    # not per_item: the files read before a failing one stay in the output next to the error item
    out: list[Item] = []
    for i, _item in enumerate(items):
        try:
            pattern = str(ctx.param("fileSelector", i, "")).replace("\\", "/")
            options = ctx.param("options", i, {}) or {}
            root = confined_path(ctx, ".", i)
            full = pattern if os.path.isabs(pattern) else str(root / pattern)
            for found in sorted(glob.glob(full, recursive=True)):
                match = confined_path(ctx, found, i)
                if not match.is_file():
                    continue
                entry = prepare_binary(match.read_bytes(), found)
                for key in ("fileName", "fileExtension", "mimeType"):
                    if options.get(key) is not None:
                        entry[key] = options[key]
                prop = options.get("dataPropertyName") or "data"
                out.append({"binary": {prop: entry}, "json": _file_json(entry), "pairedItem": {"item": i}})
        except NodeError as exc:
            if ctx.continue_on_fail:
                out.append({"json": {"error": exc.message}, "pairedItem": {"item": i}})
                continue
            raise
    return out


def _file_json(entry: dict[str, Any]) -> dict[str, Any]:
    return {k: entry[k] for k in ("mimeType", "fileType", "fileName", "fileExtension", "fileSize") if k in entry}


def _write_files(ctx: NodeContext, items: list[Item]) -> list[Item]:
    def one(i: int, item: Item) -> Item:
        try:
            path = confined_path(ctx, str(ctx.param("fileName", i, "")), i)
            prop = ctx.param("dataPropertyName", i, "data")
            data = binary_bytes(assert_binary(item, prop, i))
            append = bool((ctx.param("options", i, {}) or {}).get("append"))
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("ab" if append else "wb") as handle:
                handle.write(data)
            body = deep_copy_json(item["json"])
            body["fileName"] = str(ctx.param("fileName", i, ""))
            new: Item = {"json": body, "pairedItem": {"item": i}}
            if item.get("binary") is not None:
                new["binary"] = item["binary"]
            return new
        except OSError as exc:
            if ctx.continue_on_fail:
                return {"json": {"error": str(exc)}, "pairedItem": {"item": i}}
            raise ctx.error(f"The file could not be written: {exc}", i) from exc

    return per_item(ctx, one, items=items, error_index="never", ready=True)


@register("n8n-nodes-base.readWriteFile", versions=(1,), display_name="Read/Write Files from Disk")
def read_write_file(ctx: NodeContext) -> NodeOutput:
    operation = ctx.param("operation", 0, "read")
    if operation == "write":
        return [_write_files(ctx, ctx.input(0))]
    return [_read_files(ctx, ctx.input(0))]
