"""A Form Trigger submission as n8n turns it into an item (``prepareFormReturnItem`` and
``addFormResponseDataToReturnItem`` of n8n's Form utils), from the multipart body the form posts."""

from __future__ import annotations

import json
import math
import re
import time
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any

from automatelanka.engine.binary import prepare_binary
from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import Item
from automatelanka.engine.nodes._webhook import WebhookRequest
from automatelanka.engine.nodes.base import NodeContext


def parse_multipart(content_type: str, body: bytes) -> tuple[dict[str, Any], dict[str, Any]]:
    """formidable with ``multiples``: ``(fields, files)``, a repeated name a list (one value: the
    value); a file is ``{filename, mimetype, data}``."""
    message = BytesParser(policy=HTTP).parsebytes(b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n"
                                                  + body)
    fields: dict[str, list[Any]] = {}
    files: dict[str, list[Any]] = {}
    for part in message.iter_parts() if message.is_multipart() else []:
        name = part.get_param("name", header="content-disposition")
        if name is None:
            continue
        payload = part.get_payload(decode=True) or b""
        filename = part.get_filename()
        if filename is not None:
            if filename == "" and not payload:
                continue  # an empty file input
            files.setdefault(name, []).append({"filename": filename, "mimetype": part.get_content_type(),
                                               "data": payload})
        else:
            fields.setdefault(name, []).append(payload.decode(part.get_content_charset() or "utf-8", "replace"))

    def normalise(values: dict[str, list[Any]]) -> dict[str, Any]:
        return {k: v[0] if len(v) == 1 else v for k, v in values.items()}

    return normalise(fields), normalise(files)


def _number(value: Any) -> Any:
    """JavaScript ``Number(value)`` (NaN stored as null, as JSON does)."""
    text = str(value).strip()
    if text == "":
        return 0
    try:
        number = float(int(text, 0)) if re.fullmatch(r"0[xob][0-9a-f]+", text, re.I) else float(text)
    except ValueError:
        return None
    if math.isinf(number) and text.lower().lstrip("+-") not in ("infinity",):
        return None
    return int(number) if number.is_integer() and abs(number) < 2**53 else number


def _format_date(value: str, fmt: str) -> str:
    """``DateTime.fromFormat(value, 'yyyy-mm-dd').toFormat(fmt)`` (n8n's pattern reads ``mm`` as
    minutes, so the month is January and the minutes hold the month, as in n8n)."""
    from automatelanka.engine.luxon_format import from_format, normalize_zone

    parsed = from_format(value, "yyyy-mm-dd", normalize_zone("local"))
    return "Invalid DateTime" if parsed is None else parsed.to_format(fmt)


def add_response_data(item: Item, fields: list[dict[str, Any]], data: dict[str, Any]) -> None:
    """addFormResponseDataToReturnItem: ``field-<i>`` values under each field's label."""
    for index, field in enumerate(fields):
        name = field.get("fieldLabel")
        name = field.get("fieldName") if name is None else name
        name = "undefined" if name is None else str(name)
        value = data.get(f"field-{index}")
        kind = field.get("fieldType", "text")
        if value is None:
            item["json"][name] = None
            continue
        if kind == "html":
            if field.get("elementName"):
                item["json"][str(field["elementName"])] = value
            continue
        if kind == "number":
            value = _number(value)
        if kind == "text":
            value = (value if isinstance(value, str) else json.dumps(value)).strip()
        if (field.get("multiselect") or kind in ("checkbox", "radio")) and isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError as exc:
                raise NodeError(f"Unexpected token in JSON: {exc}") from None
            if kind == "radio" and isinstance(value, list):
                value = value[0] if value else None
        if kind == "date" and value and field.get("formatDate"):
            value = _format_date(str(value), str(field["formatDate"]))
        if kind == "file" and field.get("multipleFiles") and not isinstance(value, list):
            value = [value]
        item["json"][name] = value


def form_return_item(ctx: NodeContext, req: WebhookRequest, fields: list[dict[str, Any]], mode: str,
                     use_workflow_timezone: bool) -> Item:
    """prepareFormReturnItem: the submission's item (multipart/form-data only, as n8n asserts)."""
    content_type = req.header("content-type") or ""
    if content_type.split(";")[0].strip().lower() != "multipart/form-data":
        raise NodeError("Expected multipart/form-data")
    data, files = parse_multipart(content_type, req.raw_body)
    item: Item = {"json": {}}
    if files:
        item["binary"] = {}
    for key, entry in files.items():
        entries = entry if isinstance(entry, list) else [entry]
        described = [{"filename": f["filename"], "mimetype": f["mimetype"], "size": len(f["data"])} for f in entries]
        data[key] = described if isinstance(entry, list) else described[0]
        match = re.fullmatch(r"field-(\d+)", key)
        label = key if match is None else str((fields[int(match.group(1))] if int(match.group(1)) < len(fields)
                                               else {}).get("fieldLabel"))
        for count, file in enumerate(entries):
            prop = re.sub(r"\W", "_", label) + (f"_{count}" if isinstance(entry, list) else "")
            item["binary"][prop] = prepare_binary(file["data"], file["filename"], file["mimetype"])
    add_response_data(item, fields, data)
    from automatelanka.engine.luxon_format import UTC_ZONE, LDateTime, normalize_zone

    zone = (normalize_zone(ctx.timezone) or UTC_ZONE) if use_workflow_timezone else UTC_ZONE
    item["json"]["submittedAt"] = LDateTime(time.time() * 1000 // 1, zone).to_iso()
    item["json"]["formMode"] = mode
    if req.query:
        item["json"]["formQueryParameters"] = req.query
    return item
