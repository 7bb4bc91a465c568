"""The Google Sheets values API as the Sheets node uses it: ranges, reading and writing rows.

Behaviour follows n8n's GoogleSheet helper: header-row mapping, row numbers, empty row/column
trimming, lookups, update/upsert planning, appends at the first free row.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote

from automatelanka.engine.errors import NodeError
from automatelanka.engine.nodes._google import GoogleApi
from automatelanka.engine.schemas.jsvalue import to_js_string

ROW_NUMBER = "row_number"


def has_data(cell: Any) -> bool:
    """``cell || typeof cell === 'number'``."""
    return bool(cell) or (isinstance(cell, (int, float)) and not isinstance(cell, bool))


def js_json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def encode_uri_component(text: str) -> str:
    return quote(text, safe="!~*'()")


def encode_range(rng: str) -> str:
    """n8n's encodeRange: the sheet name percent-encoded; a bare name is quoted as ``'name'``."""
    if "!" in rng:
        sheet, _, cells = rng.partition("!")
        cells = cells.split("!")[0]
        return f"{encode_uri_component(sheet)}!{cells}"
    return encode_uri_component(f"'{rng}'")


def column_name(number: int) -> str:
    letters = ""
    while True:
        number -= 1
        letters = chr(65 + number % 26) + letters
        number //= 26
        if number <= 0:
            return letters


def column_number(letters: str) -> int:
    total = 0
    for ch in letters:
        total = total * 26 + ord(ch) - 64
    return total


def decode_col(letters: str) -> int:
    return column_number(letters.upper()) - 1


def decode_range(rng: str) -> dict[str, Any]:
    """``getDecodedSheetRange``: name plus start/end column letters and row numbers."""
    name, _, cells = rng.partition("!")
    out: dict[str, Any] = {"name": name, "start": {}, "end": {}}
    if cells:
        start, _, end = cells.partition(":")
        for key, cell in (("start", start), ("end", end)):
            if cell:
                match = re.search(r"([a-zA-Z]{1,10})([0-9]{0,10})", cell)
                if not match:
                    raise NodeError(f'The range "{cells}" is not valid')
                out[key] = {"column": match.group(1), "row": int(match.group(2) or 0)}
    return out


def sheet_id_of(value: Any) -> int | None:
    """``getSheetId``: ``gid=0`` is 0, otherwise parseInt."""
    text = str(value).strip()
    if text == "gid=0":
        return 0
    match = re.match(r"[+-]?\d+", text)
    return int(match.group(0)) if match else None


class Spreadsheet:
    """One spreadsheet behind the Sheets API."""

    def __init__(self, api: GoogleApi, spreadsheet_id: str) -> None:
        self.api = api
        self.id = spreadsheet_id

    def _path(self, suffix: str = "") -> str:
        return f"/v4/spreadsheets/{self.id}{suffix}"

    def get_data(self, rng: str, render: str, date_render: str | None = None) -> list[list[Any]] | None:
        params = {"valueRenderOption": render, "dateTimeRenderOption": date_render or "FORMATTED_STRING"}
        return self.api.json("GET", self._path(f"/values/{encode_range(rng)}"), params=params).get("values")

    def sheets(self) -> list[dict[str, Any]]:
        body = self.api.json("GET", self._path(), params={"fields": "sheets.properties"})
        return [s.get("properties") or {} for s in body.get("sheets") or []]

    def find_sheet(self, mode: str, value: Any) -> dict[str, Any]:
        wanted = sheet_id_of(value) if mode != "name" else None
        for props in self.sheets():
            matches = props.get("title") == value if mode == "name" else props.get("sheetId") == wanted
            if matches and props.get("title"):
                return props
        kind = "name" if mode == "name" else "ID"
        raise NodeError(f"Sheet with {kind} {to_js_string(value)} not found", level="warning")

    def batch_update(self, requests: list[dict[str, Any]]) -> dict[str, Any]:
        return self.api.json("POST", self._path(":batchUpdate"), body={"requests": requests})

    def batch_update_values(self, data: list[dict[str, Any]], input_mode: str) -> dict[str, Any]:
        return self.api.json("POST", self._path("/values:batchUpdate"),
                             body={"data": data, "valueInputOption": input_mode})

    def append_empty_rows(self, sheet_id: str, rows: int = 1) -> None:
        self.batch_update([{"appendDimension": {"sheetId": sheet_id, "dimension": "ROWS", "length": rows}}])

    def clear(self, rng: str) -> dict[str, Any]:
        return self.api.json("POST", self._path(f"/values/{encode_range(rng)}:clear"),
                             body={"spreadsheetId": self.id, "range": rng})

    def update_rows(self, sheet_name: str, data: list[list[Any]], input_mode: str, row: int,
                    rows_length: int | None = None, use_append: bool = False) -> dict[str, Any]:
        name = sheet_name.split("!")[0]
        rng = f"{name}!{row}:{row + rows_length - 1 if rows_length else row}"
        body = {"range": rng, "values": data}
        params = {"valueInputOption": input_mode}
        if use_append:
            return self.api.json("POST", self._path(f"/values/{encode_range(rng)}:append"), body=body, params=params)
        return self.api.json("PUT", self._path(f"/values/{encode_range(rng)}"), body=body, params=params)

    def to_rows(self, input_data: list[dict[str, Any]], rng: str, key_row: int,
                column_names: list[list[Any]] | None = None, empty: Any = "") -> list[list[Any]]:
        """``convertObjectArrayToSheetDataArray``: objects in the order of the header row."""
        name = rng.split("!")[0]
        header_rows = column_names or self.get_data(f"{name}!{key_row}:{key_row}", "UNFORMATTED_VALUE")
        if header_rows is None:
            raise NodeError("Could not retrieve the column data")
        names = header_rows[0] if header_rows else []
        rows = []
        for entry in input_data:
            row = []
            for key in names:
                value = entry.get(to_js_string(key))
                if value is None:
                    row.append(empty)
                elif isinstance(value, (dict, list)):
                    row.append(js_json(value))
                else:
                    row.append(value)
            rows.append(row)
        return rows

    def append_sheet_data(self, input_data: list[dict[str, Any]], rng: str, key_row: int, input_mode: str, *,
                          column_names: list[list[Any]] | None = None, last_row: int | None = None,
                          use_append: bool = False) -> None:
        rows = self.to_rows(input_data, rng, key_row, column_names, None if use_append else "")
        if not last_row:
            last_row = len(self.get_data(rng, "UNFORMATTED_VALUE") or []) + 1
        self.update_rows(rng, rows, input_mode, last_row, len(rows), use_append)

    def column_values(self, key_index: int, data_start: int, sheet_data: list[list[Any]]) -> list[Any]:
        """Values of the key column below the header (``getColumnValues`` with sheet data)."""
        values = [row[key_index] if 0 <= key_index < len(row) else None for row in sheet_data[data_start - 1:]]
        return values[1:]

    def plan_updates(self, input_data: list[dict[str, Any]], index_key: str, rng: str, column_names: list[Any],
                     data_start: int, column_values: list[Any], *, upsert: bool = False
                     ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """``prepareDataForUpdateOrUpsert``: cell updates for matching rows, rows to append."""
        decoded = decode_range(rng)
        names = [to_js_string(n) for n in column_names]
        if index_key not in names and not upsert:
            raise NodeError(f'Could not find column for key "{index_key}"')
        start_col = decoded["start"].get("column") or "A"
        updates: list[dict[str, Any]] = []
        appends: list[dict[str, Any]] = []
        texts = [None if v is None else to_js_string(v) for v in column_values]
        for entry in input_data:
            key_value = entry.get(index_key)
            if key_value is None:
                if upsert:
                    appends.append(entry)
                continue
            try:
                found = texts.index(to_js_string(key_value))
            except ValueError:
                if upsert:
                    appends.append(entry)
                continue
            row = found + data_start + 1
            for name in names:
                if name == index_key or entry.get(name) is None:
                    continue
                col = column_name(decode_col(start_col) + names.index(name) + 1)
                value = entry[name]
                if isinstance(value, (dict, list)):
                    value = js_json(value)
                updates.append({"range": f"{decoded['name']}!{col}{row}", "values": [[value]]})
        return updates, appends

    def plan_updates_by_row(self, input_data: list[dict[str, Any]], rng: str,
                            column_names: list[Any]) -> list[dict[str, Any]]:
        decoded = decode_range(rng)
        names = [to_js_string(n) for n in column_names]
        start_col = decoded["start"].get("column") or "A"
        updates = []
        for entry in input_data:
            row = to_js_string(entry.get(ROW_NUMBER))
            for name in names:
                if name == ROW_NUMBER or entry.get(name) is None:
                    continue
                col = column_name(decode_col(start_col) + names.index(name) + 1)
                value = entry[name]
                if isinstance(value, (dict, list)):
                    value = js_json(value)
                updates.append({"range": f"{decoded['name']}!{col}{row}", "values": [[value]]})
        return updates


# -- reading ---------------------------------------------------------------------------------------


def add_row_numbers(data: list[list[Any]], header_row: int) -> list[list[Any]]:
    if not data:
        return data
    out = [[i + 1, *row] for i, row in enumerate(data)]
    if 0 <= header_row < len(out):
        out[header_row][0] = ROW_NUMBER
    return out


def remove_empty_columns(data: list[list[Any]]) -> list[list[Any]]:
    if not data:
        return []
    longest = max((len(r) for r in data), default=0)
    columns = []
    for col in range(longest):
        column = [row[col] if col < len(row) else None for row in data]
        if column[0] != "" or any(has_data(c) for c in column[1:]):
            columns.append(column)
    if not columns:
        return []
    return [["" if c[i] is None else c[i] for c in columns] for i in range(len(columns[0]))]


def prepare_sheet_data(data: list[list[Any]], options: dict[str, Any], add_numbers: bool = True
                       ) -> tuple[list[list[Any]], int, int]:
    """``prepareSheetData``: row numbers, trimmed empty rows/columns; (data, headerRow, firstDataRow)."""
    rows = [list(r) for r in data or []]
    header, first = 0, 1
    if options.get("rangeDefinition") == "specifyRange":
        header = int(str(options.get("headerRow", 1))) - 1
        first = int(str(options.get("firstDataRow", 2))) - 1
    if add_numbers:
        rows = add_row_numbers(rows, header)
    if options.get("rangeDefinition") == "detectAutomatically":
        base = 1 if add_numbers else 0
        rows = remove_empty_columns(rows)
        start = next((i for i, r in enumerate(rows) if any(has_data(c) for c in r[base:])), -1)
        rows = rows[start:] if start >= 0 else rows[-1:]
        if add_numbers and rows:
            rows[0][0] = ROW_NUMBER
        if options.get("readRowsUntil") == "firstEmptyRow":
            cut = next((i for i, r in enumerate(rows) if all(c == "" for c in r[base:])), -1)
            if cut >= 0:
                rows = rows[:cut]
        else:
            rows = [r for r in rows if any(has_data(c) or isinstance(c, bool) for c in r[base:])]
            if add_numbers and rows:
                rows[0][0] = ROW_NUMBER
    return rows, header, first


def rows_to_objects(rows: list[list[Any]], start: int, keys: list[Any], add_empty: bool,
                    include_empty_headers: bool = False) -> list[dict[str, Any]]:
    out = []
    for row in rows[start:]:
        item: dict[str, Any] = {}
        count = len(keys) if include_empty_headers else len(row)
        for col in range(count):
            key = keys[col] if col < len(keys) else None
            if key not in (None, ""):
                cell = row[col] if col < len(row) else None
                item[to_js_string(key)] = "" if cell is None else cell
        if item or add_empty:
            out.append(item)
    return out


def structure_by_column(rows: list[list[Any]], key_row: int, data_start: int,
                        include_empty_headers: bool = False) -> list[dict[str, Any]]:
    if key_row < 0 or data_start < key_row or key_row >= len(rows):
        return []
    longest = max((len(r) for r in rows), default=0)
    header = rows[key_row]
    keys = [(header[c] if c < len(header) and header[c] else f"col_{c}") for c in range(longest)]
    return rows_to_objects(rows, data_start, keys, False, include_empty_headers)


def lookup_rows(rows: list[list[Any]], key_row: int, data_start: int, lookups: list[dict[str, Any]],
                return_all: bool, version: float, combine: str = "OR") -> list[dict[str, Any]]:
    """``lookupValues``: rows whose columns match the filters (OR: any filter, AND: all)."""
    if key_row < 0 or data_start < key_row or key_row >= len(rows):
        raise NodeError("The key row does not exist")
    header = rows[key_row]
    keys = [to_js_string(h) if h else f"col_{c}" for c, h in enumerate(header)]
    for row in rows:
        while len(row) < len(keys):
            row.append("")

    def column(name: Any) -> int:
        try:
            return keys.index(to_js_string(name))
        except ValueError:
            raise NodeError(f'The column "{to_js_string(name)}" could not be found') from None

    def cell_text(row: list[Any], col: int) -> str | None:
        return None if col >= len(row) or row[col] is None else to_js_string(row[col])

    found: list[list[Any]] = [keys]
    added: list[int] = []
    if combine == "OR":
        done = False
        for lookup in lookups:
            col = column(lookup.get("lookupColumn"))
            wanted = to_js_string(lookup.get("lookupValue", ""))
            for index in range(data_start, len(rows)):
                if cell_text(rows[index], col) == wanted:
                    if index not in added:
                        found.append(rows[index])
                        added.append(index)
                    if not return_all:
                        done = version >= 4.6
                        break
            if done:
                break
    else:
        for index in range(data_start, len(rows)):
            if all(cell_text(rows[index], column(lk.get("lookupColumn"))) == to_js_string(lk.get("lookupValue", ""))
                   for lk in lookups):
                if index not in added:
                    found.append(rows[index])
                    added.append(index)
                if not return_all:
                    break
    cleaned = remove_empty_columns(found)
    return rows_to_objects(cleaned, 1, cleaned[0] if cleaned else [], True)
