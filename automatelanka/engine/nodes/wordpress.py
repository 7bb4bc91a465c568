"""WordPress (n8n-nodes-base.wordpress v1) over the WP REST API (``/wp-json/wp/v2``).

Base: configured ``wordpress`` base URL, else the wordpressApi credential's ``url``; basic auth
with the credential's username/password (an application password). Post and page
create/update/get/getAll/delete, user create/update/get/getAll/delete; getAll with returnAll walks
pages of 10 until ``X-WP-TotalPages``. As in n8n, query options accumulate across the items of one
run (the node keeps one query object).
"""

from __future__ import annotations

from typing import Any

from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._fields import js_parse_int
from automatelanka.engine.nodes._http import credential, request
from automatelanka.engine.nodes._rest import decode
from automatelanka.engine.nodes._svc import api_base, per_item, unsupported
from automatelanka.engine.nodes.airtable import qs_pairs
from automatelanka.engine.nodes.base import NodeContext, register

DISPLAY = "Wordpress"

_POST_FIELDS = (("authorId", "author"), ("title", "title"), ("content", "content"), ("slug", "slug"),
                ("password", "password"), ("status", "status"), ("commentStatus", "comment_status"),
                ("pingStatus", "ping_status"), ("sticky", "sticky"), ("postTemplate", "template"),
                ("categories", "categories"), ("tags", "tags"), ("format", "format"), ("date", "date"))
_PAGE_FIELDS = (("authorId", "author"), ("title", "title"), ("content", "content"), ("slug", "slug"),
                ("password", "password"), ("status", "status"), ("commentStatus", "comment_status"),
                ("pingStatus", "ping_status"), ("pageTemplate", "template"), ("menuOrder", "menu_order"),
                ("parent", "parent"), ("featuredMediaId", "featured_media"))
_USER_FIELDS = (("name", "name"), ("firstName", "first_name"), ("lastName", "last_name"), ("email", "email"),
                ("password", "password"), ("username", "username"), ("url", "url"),
                ("description", "description"), ("nickname", "nickname"), ("slug", "slug"))
_LIST_OPTIONS = {
    "post": (("context", "context"), ("orderBy", "orderby"), ("order", "order"), ("search", "search"),
             ("before", "before"), ("after", "after"), ("author", "author"), ("categories", "categories"),
             ("excludedCategories", "categories_exclude"), ("tags", "tags"), ("excludedTags", "tags_exclude"),
             ("sticky", "sticky"), ("status", "status")),
    "page": (("context", "context"), ("orderBy", "orderby"), ("order", "order"), ("search", "search"),
             ("before", "before"), ("after", "after"), ("author", "author"), ("parent", "parent"),
             ("menuOrder", "menu_order"), ("status", "status"), ("page", "page")),
    "user": (("context", "context"), ("orderBy", "orderby"), ("order", "order"), ("search", "search"),
             ("who", "who")),
}


class _Wp:
    def __init__(self, ctx: NodeContext) -> None:
        self.ctx = ctx
        fields = credential(ctx, "wordpressApi") or {}
        self.base = f"{api_base(ctx, 'wordpress', '', fields, 'url')}/wp-json/wp/v2"
        self.auth = {"basic": (fields.get("username") or "", fields.get("password") or "")}
        self.verify = not fields.get("allowUnauthorizedCerts")

    def send(self, method: str, path: str, i: int, body: dict[str, Any] | None = None,
             qs: dict[str, Any] | None = None) -> Any:
        kwargs: dict[str, Any] = {"headers": {"Accept": "application/json", "Content-Type": "application/json",
                                              "User-Agent": "n8n"}}
        if body:
            kwargs["json"] = body
        if qs:
            kwargs["params"] = qs_pairs(qs)
        return request(self.ctx, method, self.base + path, auth=self.auth, item_index=i, verify=self.verify,
                       **kwargs)

    def call(self, method: str, path: str, i: int, body: dict[str, Any] | None = None,
             qs: dict[str, Any] | None = None) -> Any:
        return decode(self.send(method, path, i, body, qs))

    def all_items(self, path: str, i: int, qs: dict[str, Any]) -> list[Any]:
        qs["per_page"] = 10
        qs["page"] = 0
        out: list[Any] = []
        while True:
            qs["page"] += 1
            response = self.send("GET", path, i, None, qs)
            out.extend(decode(response) or [])
            total = response.headers.get("x-wp-totalpages")
            if total is None or total == "0" or int(total) == qs["page"]:
                return out


def _fields(ctx: NodeContext, values: dict[str, Any], table: tuple[tuple[str, str], ...], i: int,
            group: str) -> dict[str, Any]:
    body: dict[str, Any] = {}
    for name, key in table:
        if not values.get(name):
            continue
        if name in ("postTemplate", "pageTemplate"):
            body[key] = ctx.param(f"{group}.{name}.values.template", i, "")
        else:
            body[key] = values[name]
    return body


def _operation(ctx: NodeContext, wp: _Wp, resource: str, operation: str, i: int, qs: dict[str, Any]) -> Any:
    p = ctx.param
    path = {"post": "/posts", "page": "/pages", "user": "/users"}[resource]
    id_param = f"{resource}Id"
    table = {"post": _POST_FIELDS, "page": _PAGE_FIELDS, "user": _USER_FIELDS}[resource]
    if operation == "create":
        if resource == "user":
            body = {"name": p("name", i), "username": p("username", i), "first_name": p("firstName", i),
                    "last_name": p("lastName", i), "email": p("email", i), "password": p("password", i)}
            extra = p("additionalFields", i, {}) or {}
            body.update({key: extra[key] for key in ("url", "description", "nickname", "slug") if extra.get(key)})
        else:
            body = {"title": p("title", i)}
            body.update(_fields(ctx, p("additionalFields", i, {}) or {}, table, i, "additionalFields"))
        return wp.call("POST", path, i, body)
    if operation == "update":
        record_id = p(id_param, i)
        body = {"id": record_id if resource == "user" else js_parse_int(record_id)}
        body.update(_fields(ctx, p("updateFields", i, {}) or {}, table, i, "updateFields"))
        return wp.call("POST", f"{path}/{record_id}", i, body)
    options = p("options", i, {}) or {}
    if operation == "get":
        for key in ("password", "context") if resource != "user" else ("context",):
            if options.get(key):
                qs[key] = options[key]
        return wp.call("GET", f"{path}/{p(id_param, i)}", i, None, qs)
    if operation == "getAll":
        for name, key in _LIST_OPTIONS[resource]:
            if options.get(name):
                qs[name if name == key else key] = options[name]
        if p("returnAll", i, False):
            return wp.all_items(path, i, qs)
        qs["per_page"] = p("limit", i, 10)
        return wp.call("GET", path, i, None, qs)
    if operation == "delete":
        if resource == "user":
            qs["reassign"] = p("reassign", i)
            qs["force"] = True
            return wp.call("DELETE", "/users/me", i, None, qs)
        if options.get("force"):
            qs["force"] = options["force"]
        return wp.call("DELETE", f"{path}/{p(id_param, i)}", i, None, qs)
    raise unsupported(DISPLAY, resource, operation)


@register("n8n-nodes-base.wordpress", versions=(1,), display_name="Wordpress")
@register("n8n-nodes-base.wordpressTool", versions=(1,), display_name="Wordpress Tool")
def wordpress(ctx: NodeContext) -> NodeOutput:
    resource = ctx.param("resource", 0, "post")
    operation = ctx.param("operation", 0, "create")
    if resource not in ("post", "page", "user") or operation not in ("create", "update", "get", "getAll", "delete"):
        raise unsupported(DISPLAY, resource, operation)
    wp = _Wp(ctx)
    qs: dict[str, Any] = {}

    def run(i: int, _item: dict[str, Any]) -> Any:
        data = _operation(ctx, wp, resource, operation, i, qs)
        return {} if data is None else data

    return [per_item(ctx, run, pair_errors=False)]
