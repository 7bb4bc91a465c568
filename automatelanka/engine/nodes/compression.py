"""Compression (n8n-nodes-base.compression v1, v1.1): zip/gzip compress and decompress binaries.

Decompress: ``.zip`` entries become ``<prefix>0``, ``<prefix>1``... (``__MACOSX`` skipped);
``.gz``/``.gzip`` files become ``<prefix><index>``. Compress: several properties into one zip
(already-compressed formats stored), or each into its own gzip. Version 1.1 reads the property
names and output options per item and names gzip files ``<name>.<ext>.gz``.
"""

from __future__ import annotations

import gzip
import io
import zipfile
from typing import Any

from automatelanka.engine.binary import (
    assert_binary,
    binary_bytes,
    extension_for,
    mime_from_name,
    prepare_binary,
)
from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import Item, NodeOutput
from automatelanka.engine.nodes._svc import per_item
from automatelanka.engine.nodes.base import NodeContext, register

_ALREADY_COMPRESSED = {"7z", "aifc", "bz2", "doc", "docx", "gif", "gz", "heic", "heif", "jpg", "jpeg", "mov",
                       "mp3", "mp4", "pdf", "png", "ppt", "pptx", "rar", "webm", "webp", "xls", "xlsx", "zip"}


def _names(value: Any) -> list[str]:
    return [key.strip() for key in str(value or "").split(",")]


def _decompress(ctx: NodeContext, i: int, item: Item) -> Item:
    prefix = ctx.param("outputPrefix", 0, "file_")
    out: dict[str, Any] = {}
    zip_index = 0
    for index, prop in enumerate(_names(ctx.param("binaryPropertyName", 0, "data"))):
        entry = assert_binary(item, prop, i)
        data = binary_bytes(entry)
        extension = (entry.get("fileExtension") or "").lower()
        if not extension:
            raise NodeError(f"File extension not found for binary data {prop}")
        if extension == "zip":
            try:
                archive = zipfile.ZipFile(io.BytesIO(data))
            except zipfile.BadZipFile as exc:
                raise NodeError(f"invalid zip data: {exc}") from None
            for info in archive.infolist():
                if "__MACOSX" in info.filename:
                    continue
                out[f"{prefix}{zip_index}"] = prepare_binary(archive.read(info), info.filename)
                zip_index += 1
        elif extension in ("gz", "gzip"):
            try:
                content = gzip.decompress(data)
            except (OSError, EOFError) as exc:
                raise NodeError(f"invalid gzip data: {exc}") from None
            file_name = (entry.get("fileName") or "").split(".")[0] if entry.get("fileName") is not None else None
            inner_ext = mime_type = None
            if (entry.get("fileName") or "").endswith(".gz"):
                parts = entry["fileName"].replace(".gz", "", 1).split(".")
                if len(parts) > 1:
                    inner_ext = parts[-1]
                    mime_type = mime_from_name(f"x.{inner_ext}") or None
            result = prepare_binary(content, file_name, mime_type)
            if not inner_ext:
                mime_type = result["mimeType"]
                inner_ext = extension_for(mime_type) or "false"
            result["fileName"] = f"{file_name}.{inner_ext}"
            result["fileExtension"] = inner_ext
            result["mimeType"] = mime_type if mime_type else False
            out[f"{prefix}{index}"] = result
    return {"json": item["json"], "binary": out, "pairedItem": {"item": i}}


def _compress(ctx: NodeContext, i: int, item: Item) -> Item:
    version = ctx.node.type_version
    per = i if version > 1 else 0
    output_format = ctx.param("outputFormat", 0, "zip" if version > 1 else "")
    buffer = io.BytesIO()
    archive = zipfile.ZipFile(buffer, "w") if output_format == "zip" else None
    out: dict[str, Any] = {}
    for index, prop in enumerate(_names(ctx.param("binaryPropertyName", per, "data"))):
        entry = assert_binary(item, prop, i)
        data = binary_bytes(entry)
        if archive is not None:
            stored = entry.get("fileExtension") in _ALREADY_COMPRESSED
            archive.writestr(str(entry.get("fileName") or "undefined"), data,
                             compress_type=zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED,
                             compresslevel=None if stored else 6)
        elif output_format == "gzip":
            if version > 1:
                prefix = ctx.param("binaryPropertyOutput", i, "data")
                prop_out = f"{prefix}{index or ''}"
                name = ctx.param("fileName", i, "") or ""
                if not name:
                    name = (entry.get("fileName") or "undefined").split(".")[0]
                else:
                    name = name.replace(".gz", "", 1).replace(".gzip", "", 1)
                ext = f".{entry['fileExtension'].lower()}" if entry.get("fileExtension") else ""
                path = f"{name}{ext}.gz"
            else:
                prop_out = f"{ctx.param('outputPrefix', 0, 'data')}{index}"
                path = f"{(entry.get('fileName') or 'undefined').split('.')[0]}.gzip"
            # file-type sniffs gzip when the name gives no MIME type (".gzip")
            out[prop_out] = prepare_binary(gzip.compress(data, compresslevel=6, mtime=0), path,
                                           mime_from_name(path) or "application/gzip")
    if archive is not None:
        archive.close()
        name = ctx.param("fileName", per, "")
        prop_out = ctx.param("binaryPropertyOutput", per, "data")
        return {"json": item["json"], "binary": {prop_out: prepare_binary(buffer.getvalue(), name or None)},
                "pairedItem": {"item": i}}
    return {"json": item["json"], "binary": out, "pairedItem": {"item": i}}


@register("n8n-nodes-base.compression", versions=(1, 1.1), display_name="Compression")
def compression(ctx: NodeContext) -> NodeOutput:
    operation = ctx.param("operation", 0, "decompress")

    def one(i: int, item: Item) -> Item | None:
        if operation == "decompress":
            return _decompress(ctx, i, item)
        if operation == "compress":
            return _compress(ctx, i, item)
        return None

    return [per_item(ctx, one, error_index="always", ready=True)]
