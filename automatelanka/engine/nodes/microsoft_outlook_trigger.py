"""Microsoft Outlook Trigger (n8n-nodes-base.microsoftOutlookTrigger v1): polls Microsoft Graph messages.

Event ``messageReceived`` (the only one n8n has). Each poll lists ``/messages`` of the mailbox
(``/me``, or ``/users/<userPrincipalName>`` for a shared mailbox) with the microsoftOutlookOAuth2Api
token, through :class:`microsoft_outlook._Graph` (base: configured ``microsoft`` URL, else
https://graph.microsoft.com/v1.0):

- outside manual mode: every message with ``receivedDateTime ge <last check> and receivedDateTime lt
  <now>`` (ISO times in the workflow's timezone, as Luxon's ``toISO``), following
  ``@odata.nextLink`` with ``$top=100``; the cursor ``lastTimeChecked`` lives in the node's static
  data and moves to ``now`` after every poll (also after an error once a cursor exists, as n8n logs
  and swallows those);
- manual mode: the newest message only (``$top=1``), errors raised.

Output ``simple`` / ``raw`` / ``fields``, the filters (custom query, attachments, folders to
include/exclude, read status, sender) and ``downloadAttachments`` / ``attachmentsPrefix`` as n8n.
Items are unpaired (``returnJsonArray``). Nothing is unsupported in this node's parameters.
"""

from __future__ import annotations

import time
from typing import Any

from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import Item, NodeOutput
from automatelanka.engine.luxon_format import UTC_ZONE, LDateTime, normalize_zone
from automatelanka.engine.nodes._poll import node_static, poller, trigger_handler
from automatelanka.engine.nodes.base import NodeContext, register
from automatelanka.engine.nodes.microsoft_outlook import (
    _SIMPLE_MESSAGE,
    _download_attachments,
    _filter_string,
    _Graph,
    simplify_messages,
)

NODE_TYPE = "n8n-nodes-base.microsoftOutlookTrigger"


def now_iso(ctx: NodeContext) -> str:
    """Luxon's ``DateTime.now().toISO()`` in the workflow's timezone."""
    zone = normalize_zone(ctx.state.timezone) or UTC_ZONE
    return LDateTime(time.time() * 1000, zone).to_iso()


def _query(ctx: NodeContext, options: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The output mode and the ``$select`` / ``$filter`` query of ``getPollResponse``."""
    qs: dict[str, Any] = {}
    output = ctx.param("output", 0, "simple")
    if output == "fields":
        fields = list(ctx.param("fields", 0, []) or [])
        if options.get("downloadAttachments"):
            fields.append("hasAttachments")
        qs["$select"] = ",".join(str(f) for f in fields)
    elif output == "simple":
        qs["$select"] = _SIMPLE_MESSAGE
    filters = ctx.param("filters", 0, {}) or {}
    text = _filter_string({"filters": filters})
    if text:
        qs["$filter"] = text
    return output, qs


def poll_response(ctx: NodeContext, start: str, end: str) -> list[Item]:
    """n8n's ``getPollResponse``: the messages received in ``[start, end)`` (manual: the newest)."""
    options = ctx.param("options", 0, {}) or {}
    output, qs = _query(ctx, options)
    graph = _Graph(ctx)
    if ctx.state.mode != "manual":
        window = f"receivedDateTime ge {start} and receivedDateTime lt {end}"
        qs["$filter"] = f"{qs['$filter']} and {window}" if qs.get("$filter") else window
        rows = graph.all_items("value", "/messages", 0, qs)
    else:
        qs["$top"] = 1
        rows = (graph.call("GET", "/messages", 0, qs=qs) or {}).get("value") or []
    if output == "simple":
        rows = simplify_messages(rows)
    if options.get("downloadAttachments"):
        return _download_attachments(graph, rows, options.get("attachmentsPrefix") or "attachment_", 0)
    return [{"json": row} for row in rows]


@register(NODE_TYPE, versions=(1,), trigger=True, inputs=0, display_name="Microsoft Outlook Trigger")
def microsoft_outlook_trigger(ctx: NodeContext) -> NodeOutput:
    return trigger_handler(ctx)


@poller(NODE_TYPE)
def poll_outlook(ctx: NodeContext) -> list[Item] | None:
    """New messages since ``lastTimeChecked`` (n8n's poll: the cursor always moves to now)."""
    static = node_static(ctx)
    end = now_iso(ctx)
    start = static.get("lastTimeChecked") or end
    try:
        rows = poll_response(ctx, start, end)
    except NodeError:
        if ctx.state.mode == "manual" or not static.get("lastTimeChecked"):
            raise
        rows = []
    static["lastTimeChecked"] = end
    return rows or None
