"""uProc (n8n-nodes-base.uproc v1): every tool of every group, driven by n8n's tool list.

n8n builds the node's ``tool`` options and tool parameters from ``Json/Tools.js``; the same data
(tool key, group, parameter names, in n8n's order) is in ``_uproc_tools.json``, so every tool works
through one mechanism: ``POST https://api.uproc.io/api/v2/process`` (configured ``uproc`` base URL,
else ``https://api.uproc.io/api/v2``) with body ``{processor: <tool in kebab case>, params: {...},
callback?: {data: <dataWebhook>}}`` and ``Authorization: Basic base64(email:apiKey)`` (uprocApi).

As n8n does, the parameters sent are those whose merged display options (n8n merges same-named
parameters of all tools) list the selected group and tool, in the order of first appearance over
all tools; each value is stringified JS-style (``data + ''``), unset ones are ``''``. Defaults:
group ``communication``, tool the first of the group by display name. The answer is returned as is
(an array becomes one item per element); under continueOnFail a failure is ``{error: message}``.
Nothing is unsupported: an unknown tool is sent as n8n sends it (no parameters).
"""

from __future__ import annotations

import base64
import functools
import json
import re
from pathlib import Path
from typing import Any

from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._http import base_url, credential
from automatelanka.engine.nodes._rest import Api
from automatelanka.engine.nodes._svc import json_array, per_item
from automatelanka.engine.nodes.base import NodeContext, register
from automatelanka.engine.schemas.jsvalue import to_js_string

DEFAULT_BASE = "https://api.uproc.io/api/v2"
DEFAULT_GROUP = "communication"


@functools.cache
def _data() -> dict[str, Any]:
    return json.loads(Path(__file__).with_name("_uproc_tools.json").read_text())


@functools.cache
def _parameters() -> tuple[tuple[str, frozenset[str], frozenset[str]], ...]:
    """n8n's ``toolParameters``: (name, groups, tools), same-named parameters merged, first-seen order."""
    merged: dict[str, tuple[set[str], set[str]]] = {}
    for key, group, names in _data()["tools"]:
        for name in names:
            groups, tools = merged.setdefault(name, (set(), set()))
            groups.add(group)
            tools.add(key)
    return tuple((name, frozenset(g), frozenset(t)) for name, (g, t) in merged.items())


def tool_fields(group: Any, tool: Any) -> list[str]:
    """The parameter names n8n sends for ``group``/``tool`` (its ``fields`` filter)."""
    return [name for name, groups, tools in _parameters() if group in groups and tool in tools]


def processor_key(tool: Any) -> str:
    """``tool.replace(/([A-Z]+)/g, '-$1').toLowerCase()``: ``getUrlScreenshot`` -> ``get-url-screenshot``."""
    return re.sub(r"([A-Z]+)", r"-\1", to_js_string(tool)).lower()


def _auth_header(fields: dict[str, Any]) -> dict[str, str]:
    def part(name: str) -> str:
        return to_js_string(fields[name]) if name in fields else "undefined"

    token = base64.b64encode(f"{part('email')}:{part('apiKey')}".encode()).decode("ascii")
    return {"Authorization": f"Basic {token}"}


def _has_length(value: Any) -> bool:
    """JS ``value?.length`` is truthy (strings and arrays)."""
    return isinstance(value, str | list) and len(value) > 0


@register("n8n-nodes-base.uproc", versions=(1,), display_name="uProc")
@register("n8n-nodes-base.uprocTool", versions=(1,), display_name="uProc Tool")
def uproc(ctx: NodeContext) -> NodeOutput:
    group = ctx.param("group", 0, DEFAULT_GROUP)
    defaults = _data()["defaults"]
    tool = ctx.param("tool", 0, defaults.get(group) if isinstance(group, str) else None)
    if tool is None or not isinstance(group, str) or group not in defaults:
        raise NodeError("Could not get parameter", description='Parameter "tool" is not displayed for this group')
    additional = ctx.param("additionalOptions", 0, {}) or {}
    webhook = additional.get("dataWebhook") if isinstance(additional, dict) else None
    fields = tool_fields(group, tool)
    fields_cred = credential(ctx, "uprocApi") or {}
    api = Api(ctx, base_url(ctx, "uproc", DEFAULT_BASE), headers=_auth_header(fields_cred))

    def run(i: int, _item: dict[str, Any]) -> list[dict[str, Any]]:
        body: dict[str, Any] = {"processor": processor_key(tool),
                                "params": {name: to_js_string(ctx.param(name, i, "")) for name in fields}}
        if _has_length(webhook):
            body["callback"] = {"data": webhook}
        answer = api.call("POST", "/process", i, body=body)
        return json_array(answer if answer is not None else {})

    return [per_item(ctx, run, pair_errors=False, ready=True)]
