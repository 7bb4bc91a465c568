"""n8n binary data helpers: build and read ``item["binary"][prop]`` entries as n8n stores them.

An entry is ``{data (base64), mimeType, fileType?, fileName?, directory?, fileExtension?, fileSize}``
with ``fileSize`` formatted as the ``pretty-bytes`` package does ("2 B", "1.23 kB").
"""

from __future__ import annotations

import base64
import math
import mimetypes
import posixpath
from typing import Any

from automatelanka.engine.errors import NodeError

# mime-db answers where Python's mimetypes table differs or is missing.
_TYPE_BY_EXT = {
    "csv": "text/csv", "json": "application/json", "txt": "text/plain", "html": "text/html",
    "htm": "text/html", "xml": "application/xml", "js": "application/javascript",
    "md": "text/markdown", "ics": "text/calendar", "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "xls": "application/vnd.ms-excel", "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "rtf": "application/rtf", "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg",
    "gif": "image/gif", "svg": "image/svg+xml", "zip": "application/zip", "yaml": "text/yaml",
    "yml": "text/yaml", "bin": "application/octet-stream",
}
_EXT_BY_TYPE = {
    "text/plain": "txt", "text/csv": "csv", "application/json": "json", "text/html": "html",
    "application/xml": "xml", "text/xml": "xml", "text/calendar": "ics", "application/pdf": "pdf",
    "application/octet-stream": "bin", "application/javascript": "js", "text/markdown": "md",
    "application/rtf": "rtf", "image/jpeg": "jpeg", "image/png": "png", "image/gif": "gif",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.ms-excel": "xls", "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "text/yaml": "yaml", "application/gzip": "gz", "application/zip": "zip",
}


def pretty_bytes(size: int) -> str:
    """``pretty-bytes`` formatting: three significant digits, decimal units."""
    units = ("B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB")
    if size < 1:
        return f"{size} B"
    exponent = min(math.floor(math.log10(size) / 3), len(units) - 1)
    value = float(f"{size / 1000 ** exponent:.3g}")
    text = str(int(value)) if value.is_integer() else repr(value)
    return f"{text} {units[exponent]}"


def mime_from_name(name: str) -> str | None:
    """The MIME type ``mime-types.lookup`` gives a file name, or None."""
    ext = posixpath.splitext(name)[1][1:].lower()
    if not ext:
        return None
    return _TYPE_BY_EXT.get(ext) or mimetypes.types_map.get(f".{ext}")


def extension_for(mime_type: str) -> str | None:
    """The extension ``mime-types.extension`` gives a MIME type, or None."""
    base = mime_type.split(";")[0].strip().lower()
    if base in _EXT_BY_TYPE:
        return _EXT_BY_TYPE[base]
    guessed = mimetypes.guess_extension(base)
    return guessed[1:] if guessed else None


def file_type(mime_type: str) -> str | None:
    """n8n's ``fileTypeFromMimeType``."""
    for prefix, kind in (("application/json", "json"), ("text/html", "html"), ("image/", "image"),
                         ("audio/", "audio"), ("video/", "video"), ("text/", "text"),
                         ("application/javascript", "text"), ("application/pdf", "pdf")):
        if mime_type.startswith(prefix):
            return kind
    return None


def prepare_binary(data: bytes, file_name: str | None = None, mime_type: str | None = None) -> dict[str, Any]:
    """An n8n binary entry for ``data`` (``helpers.prepareBinaryData(buffer, filePath, mimeType)``)."""
    extension: str | None = None
    if not mime_type and file_name:
        mime_type = mime_from_name(file_name)
    if not mime_type:
        mime_type = _sniff(data)
    if mime_type and not extension:
        extension = extension_for(mime_type)
    mime_type = mime_type or "text/plain"
    entry: dict[str, Any] = {"mimeType": mime_type}
    kind = file_type(mime_type)
    if kind:
        entry["fileType"] = kind
    if extension:
        entry["fileExtension"] = extension
    entry["data"] = ""
    if file_name:
        directory, base = posixpath.split(file_name)
        if directory:
            entry["directory"] = directory
        entry["fileName"] = base
        ext = posixpath.splitext(base)[1][1:]
        if ext:
            entry["fileExtension"] = ext
    entry["data"] = base64.b64encode(data).decode("ascii")
    entry["fileSize"] = pretty_bytes(len(data))
    order = ("mimeType", "fileType", "fileExtension", "data", "directory", "fileName", "fileSize")
    return {key: entry[key] for key in order if key in entry}


def _sniff(data: bytes) -> str | None:
    """A few magic numbers, as ``file-type`` recognises them (None for plain text)."""
    signatures = ((b"%PDF", "application/pdf"), (b"\x89PNG", "image/png"), (b"\xff\xd8\xff", "image/jpeg"),
                  (b"GIF8", "image/gif"), (b"PK\x03\x04", "application/zip"),
                  (b"\x1f\x8b\x08", "application/gzip"))
    for magic, mime in signatures:
        if data.startswith(magic):
            return mime
    return None


def binary_bytes(entry: dict[str, Any]) -> bytes:
    """The content of a binary entry."""
    return base64.b64decode(entry.get("data") or "")


def assert_binary(item: dict[str, Any], prop: str, item_index: int) -> dict[str, Any]:
    """``helpers.assertBinaryData``: the entry or n8n's error."""
    binary = item.get("binary")
    if not binary:
        raise NodeError("No binary data exists on item!", item_index=item_index,
                        description="Make sure that the previous node outputs a binary file")
    entry = binary.get(prop)
    if entry is None:
        raise NodeError(f"The item has no binary field '{prop}' [item {item_index}]", item_index=item_index,
                        description="Check that the parameter where you specified the input binary field "
                                    "name is correct, and that it matches a field in the binary input")
    return entry
