"""Read Binary Files (n8n-nodes-base.readBinaryFiles v1, the hidden legacy node).

Supported: the whole node. ``fileSelector`` (read for item 0 only, as n8n) is a fast-glob pattern:
``*``, ``?``, ``[...]``, ``**`` and ``{a,b}`` braces; ``*`` skips dotfiles and only files are
returned, as fast-glob's defaults. One output item per file found (``json: {}``, the file under
``dataPropertyName``, ``pairedItem`` listing every input item); nothing found gives no items.

Differences that are on purpose: the pattern is matched inside ``services.files_root`` (a relative
pattern is relative to that root, where n8n uses its working directory; anything resolving outside
it is refused with "Access to the file is not allowed"), and matches are sorted by path (fast-glob
returns them in directory-walk order).
"""

from __future__ import annotations

import glob
import os
import re
from pathlib import Path

from automatelanka.engine.binary import prepare_binary
from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import Item, NodeOutput
from automatelanka.engine.nodes.base import NodeContext, register
from automatelanka.engine.nodes.files import confined_path

_BRACES = re.compile(r"\{([^{}]*,[^{}]*)\}")
_MAGIC = re.compile(r"[*?\[{]")


def expand_braces(pattern: str) -> list[str]:
    """``{a,b}`` alternatives expanded (innermost first, as micromatch's braces do)."""
    match = _BRACES.search(pattern)
    if match is None:
        return [pattern]
    head, tail = pattern[: match.start()], pattern[match.end():]
    out: list[str] = []
    for alternative in match.group(1).split(","):
        for expanded in expand_braces(head + alternative + tail):
            if expanded not in out:
                out.append(expanded)
    return out


def _static_base(pattern: str) -> str:
    """The part of ``pattern`` before its first glob segment (glob-parent)."""
    parts = pattern.split("/")
    kept: list[str] = []
    for part in parts[:-1]:
        if _MAGIC.search(part):
            break
        kept.append(part)
    return "/".join(kept) or ("/" if pattern.startswith("/") else ".")


def find_files(ctx: NodeContext, pattern: str) -> list[tuple[str, Path]]:
    """``(path as fast-glob returns it, resolved path)`` of the files ``pattern`` matches."""
    if not pattern:
        raise NodeError("Patterns must be a string (non empty) or an array of strings", item_index=0)
    root = confined_path(ctx, ".", 0)
    found: dict[str, Path] = {}
    for alternative in expand_braces(pattern.replace("\\", "/")):
        confined_path(ctx, _static_base(alternative), 0)  # refuses a pattern aimed outside the root
        if os.path.isabs(alternative):
            matches = glob.glob(alternative, recursive=True)
        else:
            matches = glob.glob(alternative, root_dir=str(root), recursive=True)
        for match in matches:
            if match in found:
                continue
            resolved = confined_path(ctx, match, 0)
            if resolved.is_file():
                found[match] = resolved
    return sorted(found.items())


@register("n8n-nodes-base.readBinaryFiles", versions=(1,), display_name="Read Binary Files")
def read_binary_files(ctx: NodeContext) -> NodeOutput:
    """Each file matching ``fileSelector`` as one item with the file in ``dataPropertyName``."""
    pattern = str(ctx.param("fileSelector", 0, "") or "")
    prop = str(ctx.param("dataPropertyName", 0, "data"))
    paired = [{"item": i} for i in range(len(ctx.input(0)))]
    out: list[Item] = []
    for shown, path in find_files(ctx, pattern):
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise NodeError(f"The file {shown!r} could not be read: {exc.strerror or exc}", item_index=0) from None
        out.append({"json": {}, "binary": {prop: prepare_binary(data, shown)}, "pairedItem": [dict(p) for p in paired]})
    return [out]
