"""Trello (n8n-nodes-base.trello v1): the REST API 1 with the key/token credential.

Base: configured ``trello`` base URL, else https://api.trello.com/1; trelloApi (``key`` and
``token`` appended to every query string, after the node's own parameters). Every resource and
operation of n8n's node is supported, each sending what n8n sends:

- attachment create/delete/get/getAll; board create/delete/get/update;
- boardMember add/getAll/invite/remove; card create/delete/get/update;
- cardComment create/delete/update; checklist create/createCheckItem/delete/deleteCheckItem/get/
  getCheckItem/completedCheckItems/getAll/updateCheckItem;
- label addLabel/create/delete/get/getAll/removeLabel/update; list archive/create/get/getCards/
  getAll/update.

The API's answer is the output (arrays become one item per element). ``returnAll`` paginates as
n8n's ``apiRequestAllItems`` does (``limit=30``, ``sort=-id``, ``before=<last id>`` while full
pages come back), except list getAll which n8n fetches in one request; otherwise ``limit`` is sent
and the answer cut to it. Resource locators in URL mode are read with n8n's extractValue regexes.
The endpoints n8n writes with a leading slash (``/cards/...``, giving ``/1//cards``) are sent with
one slash.
Any other resource or operation fails with "not supported yet" (n8n: "is not known").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._fields import js_string
from automatelanka.engine.nodes._http import base_url, credential
from automatelanka.engine.nodes._rest import Api
from automatelanka.engine.nodes._svc import per_item, unsupported
from automatelanka.engine.nodes.base import NodeContext, register

DISPLAY = "Trello"
PAGE_SIZE = 30
_CARD_URL = r"https://trello.com/c/([a-zA-Z0-9]{2,})"
_BOARD_URL = r"https://trello.com/b/([a-zA-Z0-9]{2,})"


@dataclass
class Req:
    """One Trello request as n8n's execute() builds it."""

    method: str
    endpoint: str
    body: dict[str, Any] = field(default_factory=dict)
    qs: dict[str, Any] = field(default_factory=dict)
    return_all: bool = False


def _locator(ctx: NodeContext, name: str, i: int, url_regex: str, display: str) -> Any:
    """``getNodeParameter(name, i, undefined, {extractValue: true})`` for a card/board locator."""
    value = ctx.param(name, i, "")
    if not isinstance(value, dict):
        return value
    if value.get("mode") == "url":
        text = value.get("value")
        match = re.search(url_regex, text if isinstance(text, str) else js_string(text))
        if match is None:
            raise NodeError(f"ERROR: {display} parameter's value is invalid. This is likely because the URL "
                            "entered is incorrect", description=f"Please check the URL provided for {display}",
                            item_index=i)
        return match.group(1)
    return value.get("value")


def _card(ctx: NodeContext, i: int, name: str = "cardId", display: str = "Card") -> Any:
    return _locator(ctx, name, i, _CARD_URL, display)


def _board(ctx: NodeContext, i: int, name: str = "id") -> Any:
    return _locator(ctx, name, i, _BOARD_URL, "Board")


def _p(ctx: NodeContext, name: str, i: int) -> Any:
    return ctx.param(name, i, "")


def _fields(ctx: NodeContext, name: str, i: int) -> dict[str, Any]:
    value = ctx.param(name, i, {})
    return dict(value) if isinstance(value, dict) else {}


def _listing(ctx: NodeContext, i: int, endpoint: str, *, extra: bool = True) -> Req:
    """A getAll-style request: ``returnAll`` or ``qs.limit``, then the additional fields."""
    req = Req("GET", endpoint, return_all=bool(ctx.param("returnAll", i, False)))
    if not req.return_all:
        req.qs["limit"] = ctx.param("limit", i, 20)
    if extra:
        req.qs.update(_fields(ctx, "additionalFields", i))
    return req


def _with_qs(method: str, endpoint: str, fields: dict[str, Any]) -> Req:
    return Req(method, endpoint, qs=fields)


# -- board ------------------------------------------------------------------------------------------

def _board_create(ctx: NodeContext, i: int) -> Req:
    body = {"name": _p(ctx, "name", i), "desc": _p(ctx, "description", i), **_fields(ctx, "additionalFields", i)}
    return Req("POST", "boards", body=body)


def _board_get(ctx: NodeContext, i: int) -> Req:
    return _with_qs("GET", f"boards/{js_string(_board(ctx, i))}", _fields(ctx, "additionalFields", i))


def _board_update(ctx: NodeContext, i: int) -> Req:
    return _with_qs("PUT", f"boards/{js_string(_board(ctx, i))}", _fields(ctx, "updateFields", i))


# -- board member -----------------------------------------------------------------------------------

def _member_add(ctx: NodeContext, i: int) -> Req:
    endpoint = f"boards/{js_string(_p(ctx, 'id', i))}/members/{js_string(_p(ctx, 'idMember', i))}"
    options = _fields(ctx, "additionalFields", i)
    return Req("PUT", endpoint, qs={"type": ctx.param("type", i, "normal"),
                                    "allowBillableGuest": options.get("allowBillableGuest", False)})


def _member_invite(ctx: NodeContext, i: int) -> Req:
    options = _fields(ctx, "additionalFields", i)
    return Req("PUT", f"boards/{js_string(_p(ctx, 'id', i))}/members",
               body={"fullName": options.get("fullName")},
               qs={"email": _p(ctx, "email", i), "type": options.get("type")})


def _member_remove(ctx: NodeContext, i: int) -> Req:
    return Req("DELETE", f"boards/{js_string(_p(ctx, 'id', i))}/members/{js_string(_p(ctx, 'idMember', i))}")


# -- card, comment ----------------------------------------------------------------------------------

def _card_create(ctx: NodeContext, i: int) -> Req:
    body = {"idList": _p(ctx, "listId", i), "name": _p(ctx, "name", i), "desc": _p(ctx, "description", i),
            **_fields(ctx, "additionalFields", i)}
    return Req("POST", "cards", body=body)


def _card_id(ctx: NodeContext, i: int) -> str:
    return js_string(_card(ctx, i, "id"))


def _comment_create(ctx: NodeContext, i: int) -> Req:
    card = js_string(_card(ctx, i))
    return Req("POST", f"cards/{card}/actions/comments", body={"text": _p(ctx, "text", i)})


def _comment_delete(ctx: NodeContext, i: int) -> Req:
    card = js_string(_card(ctx, i))
    return Req("DELETE", f"/cards/{card}/actions/{js_string(_p(ctx, 'commentId', i))}/comments")


def _comment_update(ctx: NodeContext, i: int) -> Req:
    card = js_string(_card(ctx, i))
    return Req("PUT", f"cards/{card}/actions/{js_string(_p(ctx, 'commentId', i))}/comments",
               qs={"text": _p(ctx, "text", i)})


# -- list -------------------------------------------------------------------------------------------

def _list_create(ctx: NodeContext, i: int) -> Req:
    body = {"idBoard": _p(ctx, "idBoard", i), "name": _p(ctx, "name", i), **_fields(ctx, "additionalFields", i)}
    return Req("POST", "lists", body=body)


def _list_archive(ctx: NodeContext, i: int) -> Req:
    return Req("PUT", f"lists/{js_string(_p(ctx, 'id', i))}/closed", qs={"value": ctx.param("archive", i, False)})


# -- attachment, checklist --------------------------------------------------------------------------

def _attachment_create(ctx: NodeContext, i: int) -> Req:
    card = js_string(_card(ctx, i, display="Card ID"))
    body = {"url": _p(ctx, "url", i), **_fields(ctx, "additionalFields", i)}
    return Req("POST", f"cards/{card}/attachments", body=body)


def _attachment(method: str, *, with_id: bool, fields: bool) -> Callable[[NodeContext, int], Req]:
    def build(ctx: NodeContext, i: int) -> Req:
        card = js_string(_card(ctx, i, display="Card ID"))
        endpoint = f"cards/{card}/attachments" + (f"/{js_string(_p(ctx, 'id', i))}" if with_id else "")
        return Req(method, endpoint, qs=_fields(ctx, "additionalFields", i) if fields else {})
    return build


def _checklist_create(ctx: NodeContext, i: int) -> Req:
    card = js_string(_card(ctx, i))
    body = {"name": _p(ctx, "name", i), **_fields(ctx, "additionalFields", i)}
    return Req("POST", f"cards/{card}/checklists", body=body)


def _card_path(suffix: str, method: str, *, fields: bool) -> Callable[[NodeContext, int], Req]:
    """A request on ``cards/<cardId>/<suffix>`` where ``{name}`` in ``suffix`` is a parameter."""
    def build(ctx: NodeContext, i: int) -> Req:
        card = js_string(_card(ctx, i))
        path = re.sub(r"\{(\w+)\}", lambda m: js_string(_p(ctx, m.group(1), i)), suffix)
        return Req(method, f"cards/{card}/{path}", qs=_fields(ctx, "additionalFields", i) if fields else {})
    return build


def _check_item_create(ctx: NodeContext, i: int) -> Req:
    body = {"name": _p(ctx, "name", i), **_fields(ctx, "additionalFields", i)}
    return Req("POST", f"checklists/{js_string(_p(ctx, 'checklistId', i))}/checkItems", body=body)


# -- label ------------------------------------------------------------------------------------------

def _label_create(ctx: NodeContext, i: int) -> Req:
    body = {"idBoard": _board(ctx, i, "boardId"), "name": _p(ctx, "name", i), "color": ctx.param("color", i, "null")}
    return Req("POST", "labels", body=body)


def _label_add(ctx: NodeContext, i: int) -> Req:
    card = js_string(_card(ctx, i, display="Card ID"))
    return Req("POST", f"/cards/{card}/idLabels", body={"value": _p(ctx, "id", i)})


def _label_remove(ctx: NodeContext, i: int) -> Req:
    card = js_string(_card(ctx, i, display="Card ID"))
    return Req("DELETE", f"/cards/{card}/idLabels/{js_string(_p(ctx, 'id', i))}")


def _by_id(method: str, prefix: str, fields: str | None = None) -> Callable[[NodeContext, int], Req]:
    """``<method> <prefix>/<id>`` with the ``fields`` collection (if any) as the query string."""
    def build(ctx: NodeContext, i: int) -> Req:
        return Req(method, f"{prefix}/{js_string(_p(ctx, 'id', i))}", qs=_fields(ctx, fields, i) if fields else {})
    return build


OPERATIONS: dict[tuple[str, str], Callable[[NodeContext, int], Req]] = {
    ("board", "create"): _board_create,
    ("board", "delete"): lambda ctx, i: Req("DELETE", f"boards/{js_string(_board(ctx, i))}"),
    ("board", "get"): _board_get,
    ("board", "update"): _board_update,
    ("boardMember", "getAll"): lambda ctx, i: _listing(ctx, i, f"boards/{js_string(_p(ctx, 'id', i))}/members",
                                                       extra=False),
    ("boardMember", "add"): _member_add,
    ("boardMember", "invite"): _member_invite,
    ("boardMember", "remove"): _member_remove,
    ("card", "create"): _card_create,
    ("card", "delete"): lambda ctx, i: Req("DELETE", f"cards/{_card_id(ctx, i)}"),
    ("card", "get"): lambda ctx, i: _with_qs("GET", f"cards/{_card_id(ctx, i)}", _fields(ctx, "additionalFields", i)),
    ("card", "update"): lambda ctx, i: _with_qs("PUT", f"cards/{_card_id(ctx, i)}", _fields(ctx, "updateFields", i)),
    ("cardComment", "create"): _comment_create,
    ("cardComment", "delete"): _comment_delete,
    ("cardComment", "update"): _comment_update,
    ("list", "archive"): _list_archive,
    ("list", "create"): _list_create,
    ("list", "get"): _by_id("GET", "lists", "additionalFields"),
    ("list", "getAll"): lambda ctx, i: _listing(ctx, i, f"boards/{js_string(_p(ctx, 'id', i))}/lists"),
    ("list", "getCards"): lambda ctx, i: _listing(ctx, i, f"lists/{js_string(_p(ctx, 'id', i))}/cards"),
    ("list", "update"): _by_id("PUT", "lists", "updateFields"),
    ("attachment", "create"): _attachment_create,
    ("attachment", "delete"): _attachment("DELETE", with_id=True, fields=False),
    ("attachment", "get"): _attachment("GET", with_id=True, fields=True),
    ("attachment", "getAll"): _attachment("GET", with_id=False, fields=True),
    ("checklist", "create"): _checklist_create,
    ("checklist", "delete"): _card_path("checklists/{id}", "DELETE", fields=False),
    ("checklist", "get"): _by_id("GET", "checklists", "additionalFields"),
    ("checklist", "getAll"): _card_path("checklists", "GET", fields=True),
    ("checklist", "getCheckItem"): _card_path("checkItem/{checkItemId}", "GET", fields=True),
    ("checklist", "createCheckItem"): _check_item_create,
    ("checklist", "deleteCheckItem"): _card_path("checkItem/{checkItemId}", "DELETE", fields=False),
    ("checklist", "updateCheckItem"): _card_path("checkItem/{checkItemId}", "PUT", fields=True),
    ("checklist", "completedCheckItems"): _card_path("checkItemStates", "GET", fields=True),
    ("label", "create"): _label_create,
    ("label", "delete"): _by_id("DELETE", "labels"),
    ("label", "get"): _by_id("GET", "labels", "additionalFields"),
    ("label", "getAll"): lambda ctx, i: _with_qs("GET", f"board/{js_string(_board(ctx, i, 'boardId'))}/labels",
                                                 _fields(ctx, "additionalFields", i)),
    ("label", "update"): _by_id("PUT", "labels", "updateFields"),
    ("label", "addLabel"): _label_add,
    ("label", "removeLabel"): _label_remove,
}
#: Operations n8n does not paginate even with returnAll.
_SKIP_PAGINATION = {("list", "getAll")}
#: Default operation of each resource (n8n's description defaults).
_DEFAULT_OPERATION = {"attachment": "getAll", "board": "create", "boardMember": "add", "card": "create",
                      "cardComment": "create", "checklist": "getAll", "label": "getAll", "list": "create"}


def _send(api: Api, req: Req, i: int) -> Any:
    """n8n's ``apiRequest``: the body is dropped for GET; ``undefined`` query values are left out."""
    body = None if req.method == "GET" else {k: v for k, v in req.body.items() if v is not None}
    return api.call(req.method, req.endpoint.lstrip("/"), i, body=body, qs=req.qs)


def _send_all(api: Api, req: Req, i: int) -> list[Any]:
    """n8n's ``apiRequestAllItems``: pages of 30 sorted by ``-id``, ``before`` the last id seen."""
    qs = {**req.qs, "limit": PAGE_SIZE, "sort": "-id"}
    rows: list[Any] = []
    while True:
        page = _send(api, Req(req.method, req.endpoint, req.body, dict(qs)), i)
        page = page if isinstance(page, list) else []
        rows.extend(page)
        if page:
            last = page[-1]
            qs["before"] = last.get("id") if isinstance(last, dict) else None
        if len(page) < PAGE_SIZE:
            return rows


def _run(ctx: NodeContext, api: Api, key: tuple[str, str], i: int) -> Any:
    req = OPERATIONS[key](ctx, i)
    if req.return_all and key not in _SKIP_PAGINATION:
        return _send_all(api, req, i)
    data = _send(api, req, i)
    limit = req.qs.get("limit")
    if not req.return_all and limit and isinstance(data, list):
        data = data[: int(limit)]
    return data


@register("n8n-nodes-base.trello", versions=(1,), display_name="Trello")
@register("n8n-nodes-base.trelloTool", versions=(1,), display_name="Trello Tool")
def trello(ctx: NodeContext) -> NodeOutput:
    resource = ctx.param("resource", 0, "card")
    operation = ctx.param("operation", 0, _DEFAULT_OPERATION.get(resource, ""))
    key = (resource, operation)
    if key not in OPERATIONS:
        raise unsupported(DISPLAY, resource, operation)
    fields = credential(ctx, "trelloApi") or {}
    api = Api(ctx, base_url(ctx, "trello", "https://api.trello.com/1"), "trelloApi", fields=fields,
              auth={"query_params": {"key": fields.get("apiKey", ""), "token": fields.get("apiToken", "")}})
    return [per_item(ctx, lambda i, _item: _run(ctx, api, key, i))]
