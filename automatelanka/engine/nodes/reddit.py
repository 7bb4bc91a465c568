"""Reddit (n8n-nodes-base.reddit v1): posts, comments, profile, subreddits and users.

Bases: post, postComment and profile go to https://oauth.reddit.com (configured ``reddit`` base URL)
with the redditOAuth2Api credential (bearer); subreddit and user go unauthenticated to
https://www.reddit.com (configured ``redditPublic`` base URL). Every request carries
``user-agent: n8n`` and ``api_type=json`` in the query string, as n8n's ``redditApiRequest``.

Supported, as n8n 1.121 does them:

- post: create, delete, get, getAll, search;
- postComment: create, getAll, delete, reply;
- profile: get (identity, blockedUsers, friends, karma, prefs, saved, trophies);
- subreddit: get (about, rules), getAll (trending, keyword search, all);
- user: get (about, comments, gilded, overview, submitted).

Listings page with ``limit=100`` and ``after`` like n8n's ``redditApiRequestAllItems`` (without
returnAll it stops once 100 rows are read, then cuts to ``limit``). Anything else fails with
"not supported yet".
"""

from __future__ import annotations

from typing import Any

from automatelanka.engine.errors import NodeApiError, NodeError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._http import base_url
from automatelanka.engine.nodes._rest import Api
from automatelanka.engine.nodes._svc import per_item, unsupported
from automatelanka.engine.nodes.base import NodeContext, register

DISPLAY = "Reddit"
AUTH_RESOURCES = ("profile", "post", "postComment")
UNKNOWN_ERROR = "UNKNOWN ERROR - check the detailed error for more information"
_PROFILE_ENDPOINTS = {"identity": "me", "blockedUsers": "me/blocked", "friends": "me/friends",
                      "karma": "me/karma", "prefs": "me/prefs", "trophies": "me/trophies"}


class _Reddit:
    """n8n's ``redditApiRequest`` / ``redditApiRequestAllItems`` / ``handleListing`` for one run."""

    def __init__(self, ctx: NodeContext, resource: str, operation: str) -> None:
        self.ctx = ctx
        self.resource = resource
        self.operation = operation
        self._api: Api | None = None

    @property
    def api(self) -> Api:
        # Built on first use: a missing credential fails the item, as n8n's requestOAuth2 does.
        if self._api is None:
            headers = {"user-agent": "n8n"}
            if self.resource in AUTH_RESOURCES:
                self._api = Api(self.ctx, base_url(self.ctx, "reddit", "https://oauth.reddit.com"),
                                "redditOAuth2Api", headers=headers)
            else:
                self._api = Api(self.ctx, base_url(self.ctx, "redditPublic", "https://www.reddit.com"),
                                headers=headers)
        return self._api

    def request(self, method: str, endpoint: str, qs: dict[str, Any], i: int) -> Any:
        """One request; ``qs`` gains ``api_type=json`` (in place, as in n8n)."""
        qs["api_type"] = "json"
        return self.api.call(method, f"/{endpoint}", i, qs=dict(qs))

    def all_items(self, method: str, endpoint: str, qs: dict[str, Any], i: int) -> list[Any]:
        return_all = self.ctx.param("returnAll", 0, False)
        qs["limit"] = 100
        rows: list[Any] = []
        while True:
            data = self.request(method, endpoint, qs, i)
            if not isinstance(data, list):
                qs["after"] = _get(_get(data, "data"), "after")
            if endpoint == "api/search_subreddits.json":
                rows.extend(_list(_get(data, "subreddits"), "forEach"))
            elif self.resource == "postComment" and self.operation == "getAll":
                children = _get(_get(_at(data, 1), "data"), "children")
                rows.extend(_get(child, "data") for child in _list(children, "forEach"))
            else:
                rows.extend(_get(child, "data") for child in _list(_get(_get(data, "data"), "children"), "forEach"))
            if len(rows) >= 100 and not return_all:
                return rows
            if isinstance(data, list) or not (data.get("data") or {}).get("after"):
                return rows

    def listing(self, i: int, endpoint: str, qs: dict[str, Any] | None = None, method: str = "GET") -> list[Any]:
        qs = {} if qs is None else qs
        if self.ctx.param("returnAll", i, False):
            return self.all_items(method, endpoint, qs, i)
        limit = _int(self.ctx.param("limit", i, 100))
        qs["limit"] = limit
        return self.all_items(method, endpoint, qs, i)[:limit]


def _get(value: Any, key: str) -> Any:
    """``value[key]`` with JS's TypeError text when ``value`` is not an object."""
    if isinstance(value, dict):
        return value.get(key)
    if value is None:
        raise NodeError(f"Cannot read properties of undefined (reading '{key}')")
    return None


def _at(value: Any, index: int) -> Any:
    if isinstance(value, list):
        return value[index] if len(value) > index else None
    if value is None:
        raise NodeError(f"Cannot read properties of undefined (reading '{index}')")
    return None


def _list(value: Any, method: str) -> list[Any]:
    """``value`` as an array for ``value.<method>(...)`` (JS's TypeError text when it is none)."""
    if isinstance(value, list):
        return value
    raise NodeError(f"Cannot read properties of undefined (reading '{method}')")


def _int(value: Any) -> int:
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return 0


# -- post ---------------------------------------------------------------------------------------

def _post_create(r: _Reddit, i: int) -> Any:
    ctx = r.ctx
    qs: dict[str, Any] = {"title": ctx.param("title", i, ""), "sr": ctx.param("subreddit", i, ""),
                          "kind": ctx.param("kind", i, "self")}
    if qs["kind"] == "self":
        qs["text"] = ctx.param("text", i, "")
    else:
        qs["url"] = ctx.param("url", i, "")
    if qs.get("url"):
        qs["resubmit"] = ctx.param("resubmit", i, False)
    return _get(_get(r.request("POST", "api/submit", qs, i), "json"), "data")


def _post_delete(r: _Reddit, i: int) -> Any:
    r.request("POST", "api/del", {"id": f"t3_{r.ctx.param('postId', i, '')}"}, i)
    return {"success": True}


def _post_get(r: _Reddit, i: int) -> Any:
    endpoint = f"r/{r.ctx.param('subreddit', i, '')}/comments/{r.ctx.param('postId', i, '')}.json"
    data = r.request("GET", endpoint, {}, i)
    return _get(_at(_get(_get(_at(data, 0), "data"), "children"), 0), "data")


def _post_get_all(r: _Reddit, i: int) -> Any:
    subreddit = r.ctx.param("subreddit", i, "")
    category = (r.ctx.param("filters", i, {}) or {}).get("category")
    endpoint = f"r/{subreddit}/{category}.json" if category else f"r/{subreddit}.json"
    return r.listing(i, endpoint)


def _post_search(r: _Reddit, i: int) -> Any:
    ctx = r.ctx
    location = ctx.param("location", i, "subreddit")
    qs: dict[str, Any] = {"q": ctx.param("keyword", i, ""), "restrict_sr": location == "subreddit"}
    sort = (ctx.param("additionalFields", i, {}) or {}).get("sort")
    if sort:
        qs["sort"] = sort
    endpoint = "search.json" if location == "allReddit" else f"r/{ctx.param('subreddit', i, '')}/search.json"
    rows = r.listing(i, endpoint, qs)
    if not ctx.param("returnAll", 0, False):
        rows = rows[: _int(ctx.param("limit", 0, 100))]
    return rows


# -- postComment --------------------------------------------------------------------------------

def _comment(r: _Reddit, i: int, text: str, thing_id: str) -> Any:
    data = r.request("POST", "api/comment", {"text": text, "thing_id": thing_id}, i)
    return _get(_at(_get(_get(_get(data, "json"), "data"), "things"), 0), "data")


def _comment_create(r: _Reddit, i: int) -> Any:
    return _comment(r, i, r.ctx.param("commentText", i, ""), f"t3_{r.ctx.param('postId', i, '')}")


def _comment_reply(r: _Reddit, i: int) -> Any:
    return _comment(r, i, r.ctx.param("replyText", i, ""), f"t1_{r.ctx.param('commentId', i, '')}")


def _comment_get_all(r: _Reddit, i: int) -> Any:
    endpoint = f"r/{r.ctx.param('subreddit', i, '')}/comments/{r.ctx.param('postId', i, '')}.json"
    return r.listing(i, endpoint)


def _comment_delete(r: _Reddit, i: int) -> Any:
    r.request("POST", "api/del", {"id": f"t1_{r.ctx.param('commentId', i, '')}"}, i)
    return {"success": True}


# -- profile, subreddit, user -------------------------------------------------------------------

def _profile_get(r: _Reddit, i: int) -> Any:
    details = r.ctx.param("details", i, "identity")
    if details == "saved":
        username = _get(r.request("GET", "api/v1/me", {}, i), "name")
        return r.listing(i, f"user/{username}/saved.json")
    if details not in _PROFILE_ENDPOINTS:
        raise unsupported(DISPLAY, "profile", f"get ({details})")
    data = r.request("GET", f"api/v1/{_PROFILE_ENDPOINTS[details]}", {}, i)
    if details == "identity":
        return _get(data, "features")
    if details == "friends":
        data = _get(_get(data, "data"), "children")
    elif details == "karma":
        data = _get(data, "data")
    elif details == "trophies":
        return [_get(trophy, "data") for trophy in _list(_get(_get(data, "data"), "trophies"), "map")]
    if details in ("friends", "karma") and data is None:
        raise NodeError("Cannot read properties of undefined (reading 'length')")
    if details in ("friends", "karma") and not data:
        raise NodeApiError(UNKNOWN_ERROR, item_index=i)
    return data


def _subreddit_get(r: _Reddit, i: int) -> Any:
    content = r.ctx.param("content", i, "about")
    data = r.request("GET", f"r/{r.ctx.param('subreddit', i, '')}/about/{content}.json", {}, i)
    if content == "rules":
        return _get(data, "rules")
    if content == "about":
        return _get(data, "data")
    return data


def _subreddit_get_all(r: _Reddit, i: int) -> Any:
    ctx = r.ctx
    filters = ctx.param("filters", i, {}) or {}
    if filters.get("trending"):
        data = r.request("GET", "api/trending_subreddits.json", {}, i)
        rows = [{"name": name} for name in _list(_get(data, "subreddit_names"), "map")]
        if not ctx.param("returnAll", 0, False):
            rows = rows[: _int(ctx.param("limit", 0, 100))]
        return rows
    if filters.get("keyword"):
        data = r.request("POST", "api/search_subreddits.json", {"query": filters["keyword"]}, i)
        if not ctx.param("returnAll", 0, False):
            return _list(_get(data, "subreddits"), "splice")[: _int(ctx.param("limit", 0, 100))]
        return data
    return r.listing(i, "r/subreddits.json")


def _user_get(r: _Reddit, i: int) -> Any:
    details = r.ctx.param("details", i, "about")
    endpoint = f"user/{r.ctx.param('username', i, '')}/{details}.json"
    if details == "about":
        return _get(r.request("GET", endpoint, {}, i), "data")
    return r.listing(i, endpoint)


_OPERATIONS = {
    ("post", "create"): _post_create, ("post", "delete"): _post_delete, ("post", "get"): _post_get,
    ("post", "getAll"): _post_get_all, ("post", "search"): _post_search,
    ("postComment", "create"): _comment_create, ("postComment", "getAll"): _comment_get_all,
    ("postComment", "delete"): _comment_delete, ("postComment", "reply"): _comment_reply,
    ("profile", "get"): _profile_get, ("subreddit", "get"): _subreddit_get,
    ("subreddit", "getAll"): _subreddit_get_all, ("user", "get"): _user_get,
}
_DEFAULT_OPERATION = {"post": "create", "postComment": "create", "profile": "get", "subreddit": "get",
                      "user": "get"}


@register("n8n-nodes-base.reddit", versions=(1,), display_name="Reddit")
@register("n8n-nodes-base.redditTool", versions=(1,), display_name="Reddit Tool")
def reddit(ctx: NodeContext) -> NodeOutput:
    resource = ctx.param("resource", 0, "post")
    operation = ctx.param("operation", 0, _DEFAULT_OPERATION.get(resource, ""))
    handler = _OPERATIONS.get((resource, operation))
    if handler is None:
        raise unsupported(DISPLAY, resource, operation)
    client = _Reddit(ctx, resource, operation)
    return [per_item(ctx, lambda i, _item: handler(client, i))]
