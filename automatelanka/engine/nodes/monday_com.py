"""Monday.com (n8n-nodes-base.mondayCom v1, mondayComTool) over monday's GraphQL API (API-Version 2023-10).

Endpoint: configured ``mondayCom`` base URL + ``/v2/``, else ``https://api.monday.com/v2/``; every
operation POSTs ``{query, variables}``. Auth: mondayComApi (``Authorization: Bearer <apiToken>``,
``authentication: accessToken``, the default) or mondayComOAuth2Api (``oAuth2``).

Implemented, as in n8n 1.121: board archive/create/get/getAll (page/limit pages of 50 until an
empty page), boardColumn create/getAll, boardGroup create/delete/getAll, boardItem addUpdate/
changeColumnValue/changeMultipleColumnValues/create/delete/get/getAll/getByColumnValue/move
(items pages through ``next_items_page`` cursors of 100). Column values are re-serialised JSON
text ("Custom Values must be a valid JSON" otherwise). The node reads ``responseData.data.<field>``
like n8n, so an answer without ``data`` (GraphQL ``errors``) fails with JavaScript's
"Cannot read properties of undefined (reading '<field>')". Every resource/operation of the n8n
node is covered; anything else fails with "not supported yet".
"""

from __future__ import annotations

import json
import re
from typing import Any

from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._fields import js_stringify
from automatelanka.engine.nodes._http import base_url, credential
from automatelanka.engine.nodes._rest import Api
from automatelanka.engine.nodes._svc import per_item, unsupported
from automatelanka.engine.nodes.base import NodeContext, register

DISPLAY = "Monday.com"
_UNDEFINED = object()

_BOARD_FIELDS = "id name description state board_folder_id board_kind owners { id }"
_COLUMN_VALUES = "column_values { id text type value column { title archived description settings_str } }"
ITEM_FIELDS = f"{{ id name created_at state {_COLUMN_VALUES} }}"
ITEM_FIELDS_WITH_BOARD = f"{{ id name created_at state board {{ id }} {_COLUMN_VALUES} }}"

QUERIES = {
    ("board", "archive"): "mutation ($id: ID!) { archive_board (board_id: $id) { id } }",
    ("board", "create"): "mutation ($name: String!, $kind: BoardKind!, $templateId: ID) { create_board "
                         "(board_name: $name, board_kind: $kind, template_id: $templateId) { id } }",
    ("board", "get"): f"query ($id: [ID!]) {{ boards (ids: $id){{ {_BOARD_FIELDS} }} }}",
    ("board", "getAll"): f"query ($page: Int, $limit: Int) {{ boards (page: $page, limit: $limit){{ "
                         f"{_BOARD_FIELDS} }} }}",
    ("boardColumn", "create"): "mutation ($boardId: ID!, $title: String!, $columnType: ColumnType!, "
                               "$defaults: JSON ) { create_column (board_id: $boardId, title: $title, "
                               "column_type: $columnType, defaults: $defaults) { id } }",
    ("boardColumn", "getAll"): "query ($boardId: [ID!]) { boards (ids: $boardId){ columns { id title type "
                               "settings_str archived } } }",
    ("boardGroup", "create"): "mutation ($boardId: ID!, $groupName: String!) { create_group (board_id: "
                              "$boardId, group_name: $groupName) { id } }",
    ("boardGroup", "delete"): "mutation ($boardId: ID!, $groupId: String!) { delete_group (board_id: $boardId, "
                              "group_id: $groupId) { id } }",
    ("boardGroup", "getAll"): "query ($boardId: [ID!]) { boards (ids: $boardId, ){ id groups { id title color "
                              "position archived } } }",
    ("boardItem", "addUpdate"): "mutation ($itemId: ID!, $value: String!) { create_update (item_id: $itemId, "
                                "body: $value) { id } }",
    ("boardItem", "changeColumnValue"): "mutation ($boardId: ID!, $itemId: ID!, $columnId: String!, $value: "
                                        "JSON!) { change_column_value (board_id: $boardId, item_id: $itemId, "
                                        "column_id: $columnId, value: $value) { id } }",
    ("boardItem", "changeMultipleColumnValues"): "mutation ($boardId: ID!, $itemId: ID!, $columnValues: JSON!) "
                                                 "{ change_multiple_column_values (board_id: $boardId, item_id: "
                                                 "$itemId, column_values: $columnValues) { id } }",
    ("boardItem", "create"): "mutation ($boardId: ID!, $groupId: String!, $itemName: String!, $columnValues: "
                             "JSON) { create_item (board_id: $boardId, group_id: $groupId, item_name: "
                             "$itemName, column_values: $columnValues) { id } }",
    ("boardItem", "delete"): "mutation ($itemId: ID!) { delete_item (item_id: $itemId) { id } }",
    ("boardItem", "get"): f"query ($itemId: [ID!]){{ items (ids: $itemId) {ITEM_FIELDS} }}",
    ("boardItem", "getAll"): f"query ($boardId: [ID!], $groupId: [String], $limit: Int) {{ boards(ids: "
                             f"$boardId) {{ groups(ids: $groupId) {{ id items_page(limit: $limit) {{ cursor "
                             f"items {ITEM_FIELDS} }} }} }} }}",
    ("boardItem", "getByColumnValue"): f"query ($boardId: ID!, $columnId: String!, $columnValue: String!, "
                                       f"$limit: Int) {{ items_page_by_column_values( limit: $limit board_id: "
                                       f"$boardId columns: [{{column_id: $columnId, column_values: "
                                       f"[$columnValue]}}] ) {{ cursor items {ITEM_FIELDS_WITH_BOARD} }} }}",
    ("boardItem", "move"): "mutation ($groupId: String!, $itemId: ID!) { move_item_to_group (group_id: "
                           "$groupId, item_id: $itemId) { id } }",
}


def next_page_query(fields: str) -> str:
    """n8n's follow-up query of a cursor-paginated items page."""
    return (f"query ( $cursor: String!) {{ next_items_page (cursor: $cursor, limit: 100) {{ cursor items "
            f"{fields} }} }}")


def js_get(value: Any, path: tuple[Any, ...], i: int) -> Any:
    """``value.a.b[0]`` as JavaScript reads it: a TypeError message on undefined/null."""
    for key in path:
        if value is _UNDEFINED or value is None:
            kind = "undefined" if value is _UNDEFINED else "null"
            raise NodeError(f"Cannot read properties of {kind} (reading '{key}')", item_index=i)
        if isinstance(value, dict):
            value = value.get(key, _UNDEFINED)
        elif isinstance(value, list) and isinstance(key, int):
            value = value[key] if 0 <= key < len(value) else _UNDEFINED
        else:
            value = _UNDEFINED
    return value


def lodash_get(value: Any, path: tuple[Any, ...]) -> Any:
    """lodash ``get``: undefined (``_UNDEFINED``) where the path breaks."""
    for key in path:
        found = (isinstance(value, dict) and key in value) or (
            isinstance(value, list) and isinstance(key, int) and 0 <= key < len(value))
        if found:
            value = value[key]
        else:
            return _UNDEFINED
    return value


def js_truthy(value: Any) -> bool:
    """JavaScript truthiness (objects and arrays are truthy even when empty)."""
    if value is _UNDEFINED or value is None or value is False:
        return False
    if isinstance(value, dict | list):
        return True
    return bool(value)


def _rows(value: Any) -> list[Any]:
    """``returnData.push.apply(returnData, value)``: the elements of an array, none of anything else."""
    return value if isinstance(value, list) else []


def reserialize(value: Any, message: str, i: int) -> str:
    """``JSON.stringify(JSON.parse(value))`` (``message`` when the text is not JSON)."""
    text = value if isinstance(value, str) else js_stringify(value) if not isinstance(value, dict | list) \
        else "[object Object]"
    try:
        parsed = json.loads(text, parse_constant=_reject)
    except ValueError:
        raise NodeError(message, item_index=i) from None
    return js_stringify(parsed)


def _reject(name: str) -> Any:
    raise ValueError(name)


def snake_case(text: str) -> str:
    """change-case ``snakeCase`` for n8n's option values (``longText`` -> ``long_text``)."""
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", str(text))
    text = re.sub(r"([A-Z])([A-Z][a-z])", r"\1 \2", text)
    return "_".join(part.lower() for part in re.split(r"[^A-Za-z0-9]+", text) if part)


class _Monday:
    def __init__(self, ctx: NodeContext) -> None:
        self.ctx = ctx
        base = base_url(ctx, "mondayCom", "https://api.monday.com")
        headers = {"API-Version": "2023-10", "Content-Type": "application/json"}
        if ctx.param("authentication", 0, "accessToken") == "oAuth2":
            self.api = Api(ctx, base, "mondayComOAuth2Api", headers=headers)
        else:
            fields = credential(ctx, "mondayComApi") or {}
            self.api = Api(ctx, base, fields=fields, headers=headers,
                           auth={"bearer": str(fields.get("apiToken") or "")})

    def request(self, query: str, variables: dict[str, Any], i: int) -> Any:
        return self.api.call("POST", "/v2/", i, body={"query": query, "variables": variables})

    def data(self, key: tuple[str, str], variables: dict[str, Any], i: int, *path: Any) -> Any:
        """One request; ``responseData.data.<path>``."""
        return js_get(self.request(QUERIES[key], variables, i), ("data", *path), i)

    def all_boards(self, variables: dict[str, Any], i: int) -> list[Any]:
        """mondayComApiRequestAllItems: pages of 50 until one comes back empty."""
        variables.update(limit=50, page=1)
        out: list[Any] = []
        while True:
            rows = lodash_get(self.request(QUERIES["board", "getAll"], dict(variables), i), ("data", "boards"))
            out.extend(_rows(rows))
            variables["page"] += 1
            js_get(rows, ("length",), i)  # n8n reads ``.length`` of what came back (TypeError if missing)
            if not isinstance(rows, list) or not rows:
                return out

    def paginated(self, key: tuple[str, str], path: tuple[Any, ...], fields: str, variables: dict[str, Any],
                  i: int) -> list[Any]:
        """mondayComApiPaginatedRequest: the first page, then ``next_items_page`` while a cursor is given."""
        page = lodash_get(self.request(QUERIES[key], variables, i), path)
        out: list[Any] = []
        if not js_truthy(page):
            return out
        out.extend(_rows(lodash_get(page, ("items",))))
        cursor = lodash_get(page, ("cursor",))
        while js_truthy(cursor):
            data = js_get(self.request(next_page_query(fields), {"cursor": cursor}, i), ("data",), i)
            following = lodash_get(data, ("next_items_page",))
            if js_truthy(data) and js_truthy(following):
                out.extend(_rows(lodash_get(following, ("items",))))
                cursor = lodash_get(following, ("cursor",))
            else:
                cursor = None
        return out


def _board(client: _Monday, ctx: NodeContext, op: str, i: int) -> Any:
    if op == "archive":
        return client.data(("board", op), {"id": ctx.param("boardId", i, "")}, i, "archive_board")
    if op == "create":
        variables = {"name": ctx.param("name", i, ""), "kind": ctx.param("kind", i, "")}
        template = (ctx.param("additionalFields", i, {}) or {}).get("templateId")
        if template:
            variables["templateId"] = template
        return client.data(("board", op), variables, i, "create_board")
    if op == "get":
        return client.data(("board", op), {"id": ctx.param("boardId", i, "")}, i, "boards")
    if ctx.param("returnAll", i, False):
        return client.all_boards({"page": 1}, i)
    return client.data(("board", op), {"page": 1, "limit": ctx.param("limit", i, 50)}, i, "boards")


def _column(client: _Monday, ctx: NodeContext, op: str, i: int) -> Any:
    board = ctx.param("boardId", i, "")
    if op == "create":
        variables = {"boardId": board, "title": ctx.param("title", i, ""),
                     "columnType": snake_case(ctx.param("columnType", i, ""))}
        defaults = (ctx.param("additionalFields", i, {}) or {}).get("defaults")
        if defaults:
            variables["defaults"] = reserialize(defaults, "Defauls must be a valid JSON", i)
        return client.data(("boardColumn", op), variables, i, "create_column")
    return client.data(("boardColumn", op), {"page": 1, "boardId": board}, i, "boards", 0, "columns")


def _group(client: _Monday, ctx: NodeContext, op: str, i: int) -> Any:
    board = ctx.param("boardId", i, "")
    if op == "create":
        return client.data(("boardGroup", op), {"boardId": board, "groupName": ctx.param("name", i, "")}, i,
                           "create_group")
    if op == "delete":
        return client.data(("boardGroup", op), {"boardId": board, "groupId": ctx.param("groupId", i, "")}, i,
                           "delete_group")
    return client.data(("boardGroup", op), {"boardId": board}, i, "boards", 0, "groups")


_INVALID_VALUES = "Custom Values must be a valid JSON"


def _item_change(client: _Monday, ctx: NodeContext, op: str, i: int) -> Any:
    variables = {"boardId": ctx.param("boardId", i, ""), "itemId": ctx.param("itemId", i, "")}
    if op == "changeColumnValue":
        variables["columnId"] = ctx.param("columnId", i, "")
        variables["value"] = reserialize(ctx.param("value", i, ""), _INVALID_VALUES, i)
        return client.data(("boardItem", op), variables, i, "change_column_value")
    variables["columnValues"] = reserialize(ctx.param("columnValues", i, ""), _INVALID_VALUES, i)
    return client.data(("boardItem", op), variables, i, "change_multiple_column_values")


def _item_get(client: _Monday, ctx: NodeContext, i: int) -> Any:
    ids = ctx.param("itemId", i, "")
    if not isinstance(ids, str):
        raise NodeError("this.getNodeParameter(...).split is not a function", item_index=i)
    return client.data(("boardItem", "get"), {"itemId": ids.split(",")}, i, "items")


def _item_pages(client: _Monday, ctx: NodeContext, op: str, i: int) -> Any:
    if op == "getAll":
        variables = {"boardId": ctx.param("boardId", i, ""), "groupId": ctx.param("groupId", i, ""), "limit": 100}
        path: tuple[Any, ...] = ("data", "boards", 0, "groups", 0, "items_page")
        fields = ITEM_FIELDS
    else:
        variables = {"boardId": ctx.param("boardId", i, ""), "columnId": ctx.param("columnId", i, ""),
                     "columnValue": ctx.param("columnValue", i, ""), "limit": 100}
        path = ("data", "items_page_by_column_values")
        fields = ITEM_FIELDS_WITH_BOARD
    if ctx.param("returnAll", i, False):
        return client.paginated(("boardItem", op), path, fields, variables, i)
    variables["limit"] = ctx.param("limit", i, 50)
    return js_get(client.request(QUERIES["boardItem", op], variables, i), (*path, "items"), i)


def _item(client: _Monday, ctx: NodeContext, op: str, i: int) -> Any:
    if op == "addUpdate":
        variables = {"itemId": ctx.param("itemId", i, ""), "value": ctx.param("value", i, "")}
        return client.data(("boardItem", op), variables, i, "create_update")
    if op in ("changeColumnValue", "changeMultipleColumnValues"):
        return _item_change(client, ctx, op, i)
    if op == "create":
        variables = {"boardId": ctx.param("boardId", i, ""), "groupId": ctx.param("groupId", i, ""),
                     "itemName": ctx.param("name", i, "")}
        values = (ctx.param("additionalFields", i, {}) or {}).get("columnValues")
        if values:
            variables["columnValues"] = reserialize(values, _INVALID_VALUES, i)
        return client.data(("boardItem", op), variables, i, "create_item")
    if op == "delete":
        return client.data(("boardItem", op), {"itemId": ctx.param("itemId", i, "")}, i, "delete_item")
    if op == "get":
        return _item_get(client, ctx, i)
    if op == "move":
        variables = {"groupId": ctx.param("groupId", i, ""), "itemId": ctx.param("itemId", i, "")}
        return client.data(("boardItem", op), variables, i, "move_item_to_group")
    return _item_pages(client, ctx, op, i)


_RESOURCES = {"board": _board, "boardColumn": _column, "boardGroup": _group, "boardItem": _item}


@register("n8n-nodes-base.mondayCom", versions=(1,), display_name="Monday.com")
@register("n8n-nodes-base.mondayComTool", versions=(1,), display_name="Monday.com Tool")
def monday_com(ctx: NodeContext) -> NodeOutput:
    resource = ctx.param("resource", 0, "board")
    operation = ctx.param("operation", 0, "create")
    if (resource, operation) not in QUERIES:
        raise unsupported(DISPLAY, resource, operation)
    handler = _RESOURCES[resource]
    client = _Monday(ctx)

    def run(i: int, _item: dict[str, Any]) -> Any:
        result = handler(client, ctx, operation, i)
        return {} if result is _UNDEFINED else result

    return [per_item(ctx, run)]
