"""Shared plumbing of the service nodes (Telegram, Slack, Notion, Airtable, GitHub, ...).

- :func:`per_item` runs one operation per input item the way n8n's service nodes do: results are
  wrapped as items paired with their input (``constructExecutionMetaData``), and a failing item
  becomes ``{json: {error}}`` when the node continues on fail;
- :func:`json_array` is n8n's ``returnJsonArray``;
- :func:`unsupported` is the error for an operation not implemented yet;
- :func:`api_base` picks a service's base URL (configured base_urls > credential field > default).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal

from automatelanka.engine.errors import NodeError

if TYPE_CHECKING:
    from automatelanka.engine.items import Items
    from automatelanka.engine.nodes.base import NodeContext

#: What an operation returns for one item: a JSON object, a list of them, ready items
#: (dicts with ``json``), or ``None`` for nothing.
Result = Any


def json_array(data: Any) -> list[dict[str, Any]]:
    """n8n's ``returnJsonArray``: objects (or a list of them) as items."""
    rows = data if isinstance(data, list) else [data]
    out: list[dict[str, Any]] = []
    for row in rows:
        if isinstance(row, dict) and isinstance(row.get("json"), dict):
            out.append({**row})
        else:
            out.append({"json": row})
    return out


def per_item(ctx: NodeContext, operation: Callable[[int, dict[str, Any]], Result], *,
             error_text: Callable[[NodeError], str] | None = None,
             items: Items | None = None, pair_errors: bool = True,
             error_index: Literal["unset", "always", "never"] = "unset",
             ready: bool = False) -> list[dict[str, Any]]:
    """Run ``operation(i, item)`` for each input item; collect paired result items.

    ``error_text`` picks the text of a continue-on-fail error item (default: the message);
    ``pair_errors=False`` leaves that item without ``pairedItem`` (as nodes that push ``{json}``);
    ``error_index`` says when a raised error gets the item's index: only when it has none
    (``"unset"``), always, or never (left as the operation raised it); ``ready=True`` takes what
    the operation returns (an item, a list of items or ``None``) as finished items, as they are.
    """
    out: list[dict[str, Any]] = []
    source = ctx.input(0) if items is None else items
    for i, item in enumerate(source):
        try:
            result = operation(i, item)
        except NodeError as exc:
            if ctx.continue_on_fail:
                text = error_text(exc) if error_text else exc.message
                error_item: dict[str, Any] = {"json": {"error": text}}
                if pair_errors:
                    error_item["pairedItem"] = {"item": i}
                out.append(error_item)
                continue
            if error_index == "always" or (error_index == "unset" and exc.item_index is None):
                exc.item_index = i
            raise
        if result is None:
            continue
        if ready:
            out.extend(result if isinstance(result, list) else [result])
            continue
        for row in json_array(result):
            row.setdefault("pairedItem", {"item": i})
            out.append(row)
    return out


def description_or_message(exc: NodeError) -> str:
    """``error.description ?? error.message`` (what several n8n nodes put in error items)."""
    return exc.description if exc.description is not None else exc.message


def unsupported(display: str, resource: str, operation: str) -> NodeError:
    """The error for an operation this engine does not implement (never fake success)."""
    what = f"{resource}/{operation}" if resource else operation
    return NodeError(f"{display}: operation '{what}' is not supported yet")


def api_base(ctx: NodeContext, service: str, default: str, fields: dict[str, Any] | None = None,
             key: str = "baseUrl") -> str:
    """Configured ``base_urls[service]``, else the credential's ``key`` field, else ``default``."""
    configured = ctx.state.services.base_urls.get(service)
    if configured:
        return configured.rstrip("/")
    value = (fields or {}).get(key)
    return str(value or default).rstrip("/")


def resource_value(value: Any) -> Any:
    """The value of a resource locator parameter (``{"__rl": true, "value": ...}``) or a plain value."""
    if isinstance(value, dict) and "value" in value and ("__rl" in value or "mode" in value):
        return value["value"]
    return value


def binary_bytes(item: dict[str, Any], prop: str, item_index: int) -> tuple[bytes, dict[str, Any]]:
    """The bytes and metadata of binary property ``prop`` of ``item`` (NodeError if missing)."""
    from automatelanka.engine import binary

    entry = binary.assert_binary(item, prop, item_index)
    return binary.binary_bytes(entry), entry
