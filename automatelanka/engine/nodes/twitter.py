"""X / Twitter (n8n-nodes-base.twitter v1 over API 1.1 with OAuth1, v2 over API v2 with OAuth2).

Base URLs: configured ``twitter`` base URL (tests), else https://api.twitter.com; v1 paths are
under ``/1.1``, v2 under ``/2``. v2: tweet create/delete/search/like/retweet, user search, list
add, direct message create (outputs are the API's ``data``). v1: tweet create/delete/search/like/
retweet and direct message create without media attachments (media upload is not supported yet).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._http import base_url, credential, request
from automatelanka.engine.nodes._oauth1 import authorization_header
from automatelanka.engine.nodes._rest import Api, decode, query_pairs
from automatelanka.engine.nodes._svc import per_item, unsupported
from automatelanka.engine.nodes.base import NodeContext, register

DISPLAY = "X (Formerly Twitter)"


def return_id(rlc: Any) -> str:
    """The id of a tweet resource locator (``id`` or ``url`` mode)."""
    if not isinstance(rlc, dict):
        return str(rlc)
    mode, value = rlc.get("mode"), str(rlc.get("value") or "")
    if mode == "id":
        return value
    if mode == "url":
        parts = urlsplit(value)
        segments = parts.path.split("/")
        if (not re.search(r"(twitter|x)\.com$", parts.hostname or "") or len(segments) != 4
                or segments[2] != "status" or not segments[3].isdigit()):
            raise NodeError("Not a valid tweet url", level="warning")
        return segments[3]
    raise NodeError(f"The mode {mode} is not valid!", level="warning")


class _V2:
    def __init__(self, ctx: NodeContext) -> None:
        self.ctx = ctx
        self.api = Api(ctx, base_url(ctx, "twitter", "https://api.twitter.com") + "/2", "twitterOAuth2Api")

    def call(self, method: str, path: str, i: int, body: dict[str, Any] | None = None,
             qs: dict[str, Any] | None = None, full: bool = False) -> Any:
        try:
            data = self.api.call(method, path, i, body=body or None, qs=qs or None)
        except NodeError as exc:
            if exc.description and "must be " in exc.description:
                raise NodeError(exc.description, item_index=i) from None
            raise
        return data if full else (data or {}).get("data")

    def user_id(self, rlc: dict[str, Any], i: int) -> Any:
        value = str(rlc.get("value") or "").replace("@", "", 1)
        if rlc.get("mode") == "username" or (rlc.get("mode") == "name" and "list" in self.ctx.node.parameters):
            return (self.call("GET", f"/users/by/username/{value}", i) or {}).get("id")
        if "list" not in self.ctx.node.parameters:
            return (self.call("GET", f"/list/by/name/{value}", i) or {}).get("id")
        raise NodeError(f"The username mode {rlc.get('mode')} is not valid!", level="warning")

    def run(self, resource: str, operation: str, i: int) -> Any:
        p = self.ctx.param
        if resource == "tweet" and operation == "create":
            extra = p("additionalFields", i, {}) or {}
            body: dict[str, Any] = {"text": p("text", i, "")}
            if extra.get("location"):
                body["geo"] = {"place_id": extra["location"]}
            if extra.get("attachments"):
                body["media"] = {"media_ids": [extra["attachments"]]}
            if extra.get("inQuoteToStatusId"):
                body["quote_tweet_id"] = return_id(extra["inQuoteToStatusId"])
            if extra.get("inReplyToStatusId"):
                body["reply"] = {"in_reply_to_tweet_id": return_id(extra["inReplyToStatusId"])}
            return self.call("POST", "/tweets", i, body)
        if resource == "tweet" and operation == "delete":
            return self.call("DELETE", f"/tweets/{return_id(p('tweetDeleteId', i, ''))}", i)
        if resource == "tweet" and operation in ("like", "retweet"):
            tweet_id = return_id(p("tweetId", i, ""))
            me = self.call("GET", "/users/me", i) or {}
            kind = "likes" if operation == "like" else "retweets"
            return self.call("POST", f"/users/{me.get('id')}/{kind}", i, {"tweet_id": tweet_id})
        if resource == "tweet" and operation == "search":
            return self.search(i)
        if resource == "user" and operation == "searchUser":
            if p("me", i, False):
                return self.call("GET", "/users/me", i)
            rlc = dict(p("user", i, {}) or {})
            value = str(rlc.get("value") or "")
            if rlc.get("mode") == "username":
                return self.call("GET", f"/users/by/username/{value.replace('@', '', 1)}", i)
            if rlc.get("mode") == "id":
                return self.call("GET", f"/users/{value}", i)
            return None
        if resource == "list" and operation == "add":
            rlc = dict(p("user", i, {}) or {})
            user_id = return_id(rlc) if rlc.get("mode") != "username" else self.user_id(rlc, i)
            return self.call("POST", f"/lists/{return_id(p('list', i, ''))}/members", i, {"user_id": user_id})
        if resource == "directMessage" and operation == "create":
            user = self.user_id(dict(p("user", i, {}) or {}), i)
            extra = p("additionalFields", i, {}) or {}
            body = {"text": p("text", i, "")}
            if extra.get("attachments"):
                body["attachments"] = [{"media_id": extra["attachments"]}]
            return self.call("POST", f"/dm_conversations/with/{user}/messages", i, body)
        raise unsupported(DISPLAY, resource, operation)

    def search(self, i: int) -> Any:
        from automatelanka.engine.nodes._rest import js_date_ms

        p = self.ctx.param
        extra = p("additionalFields", i, {}) or {}
        qs: dict[str, Any] = {"query": p("searchText", i, "")}
        for key, name in (("endTime", "end_time"), ("startTime", "start_time")):
            if extra.get(key):
                qs[name] = _iso(extra[key]) if js_date_ms(extra[key]) is not None else extra[key]
        if extra.get("sortOrder"):
            qs["sort_order"] = extra["sortOrder"]
        if extra.get("tweetFieldsObject"):
            qs["tweet.fields"] = ",".join(extra["tweetFieldsObject"])
        if not p("returnAll", i, False):
            qs["max_results"] = p("limit", i, 50)
            return self.call("GET", "/tweets/search/recent", i, qs=qs)
        qs["max_results"] = 10
        out: list[Any] = []
        while True:
            data = self.call("GET", "/tweets/search/recent", i, qs=qs, full=True) or {}
            token = (data.get("meta") or {}).get("next_token")
            qs["next_token"] = token
            out.extend(data.get("data") or [])
            if not token:
                return out


def _iso(value: Any) -> str:
    """luxon ``DateTime.fromISO(value).toISO()`` for a UTC or zoned ISO string (keeps its offset)."""
    from datetime import datetime

    parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    text = parsed.isoformat(timespec="milliseconds")
    return text.replace("+00:00", "Z") if str(value).endswith("Z") else text


class _V1:
    def __init__(self, ctx: NodeContext) -> None:
        self.ctx = ctx
        self.fields = credential(ctx, "twitterOAuth1Api") or {}
        if not self.fields.get("oauthTokenData"):
            raise NodeError("OAuth credentials not connected")
        self.base = base_url(ctx, "twitter", "https://api.twitter.com") + "/1.1"

    def call(self, method: str, path: str, i: int, qs: dict[str, Any] | None = None,
             body: dict[str, Any] | None = None) -> Any:
        url = self.base + path
        header = authorization_header(method, url, self.fields, qs or {})
        kwargs: dict[str, Any] = {"headers": {"Authorization": header}}
        if qs:
            kwargs["params"] = query_pairs(qs)
        if body:
            kwargs["json"] = body
        return decode(request(self.ctx, method, url, item_index=i, **kwargs))

    def run(self, resource: str, operation: str, i: int) -> Any:
        p = self.ctx.param
        extra = p("additionalFields", i, {}) or {}
        if resource == "directMessage" and operation == "create":
            if extra.get("attachment"):
                raise unsupported(DISPLAY, "directMessage", "create with media attachments")
            event = {"type": "message_create", "message_create": {
                "target": {"recipient_id": p("userId", i)}, "message_data": {"text": p("text", i)}}}
            return (self.call("POST", "/direct_messages/events/new.json", i, body={"event": event}) or {}).get("event")
        if resource != "tweet":
            raise unsupported(DISPLAY, resource, operation)
        if operation == "create":
            if extra.get("attachments"):
                raise unsupported(DISPLAY, "tweet", "create with media attachments")
            qs: dict[str, Any] = {"status": p("text", i)}
            if extra.get("inReplyToStatusId"):
                qs["in_reply_to_status_id"] = extra["inReplyToStatusId"]
                qs["auto_populate_reply_metadata"] = True
            if extra.get("possiblySensitive"):
                qs["possibly_sensitive"] = extra["possiblySensitive"]
            if extra.get("displayCoordinates"):
                qs["display_coordinates"] = extra["displayCoordinates"]
            location = (extra.get("locationFieldsUi") or {}).get("locationFieldsValues")
            if location:
                qs["lat"] = float(location.get("latitude"))
                qs["long"] = float(location.get("longitude"))
            return self.call("POST", "/statuses/update.json", i, qs)
        if operation == "delete":
            return self.call("POST", f"/statuses/destroy/{p('tweetId', i)}.json", i)
        if operation == "like":
            qs = {"id": p("tweetId", i)}
            if extra.get("includeEntities"):
                qs["include_entities"] = extra["includeEntities"]
            return self.call("POST", "/favorites/create.json", i, qs)
        if operation == "retweet":
            tweet_id = p("tweetId", i)
            qs = {"id": tweet_id}
            if extra.get("trimUser"):
                qs["trim_user"] = extra["trimUser"]
            return self.call("POST", f"/statuses/retweet/{tweet_id}.json", i, qs)
        if operation == "search":
            return self.search(i, extra)
        raise unsupported(DISPLAY, resource, operation)

    def search(self, i: int, extra: dict[str, Any]) -> Any:
        qs: dict[str, Any] = {"q": self.ctx.param("searchText", i)}
        if extra.get("includeEntities"):
            qs["include_entities"] = extra["includeEntities"]
        if extra.get("resultType"):
            qs["response_type"] = extra["resultType"]
        for key in ("until", "lang"):
            if extra.get(key):
                qs[key] = extra[key]
        location = (extra.get("locationFieldsUi") or {}).get("locationFieldsValues")
        if location:
            qs["geocode"] = (f"{location.get('latitude')},{location.get('longitude')},"
                             f"{location.get('distance')}{location.get('radius')}")
        qs["tweet_mode"] = extra.get("tweetMode") or "compat"
        if not self.ctx.param("returnAll", i, False):
            qs["count"] = self.ctx.param("limit", 0, 50)
            return (self.call("GET", "/search/tweets.json", i, qs) or {}).get("statuses")
        qs["count"] = 100
        out: list[Any] = []
        while True:
            data = self.call("GET", "/search/tweets.json", i, qs) or {}
            meta = data.get("search_metadata") or {}
            qs["since_id"] = meta.get("max_id")
            out.extend(data.get("statuses") or [])
            if not meta.get("next_results"):
                return out


@register("n8n-nodes-base.twitter", versions=(1, 2), display_name="X (Formerly Twitter)")
@register("n8n-nodes-base.twitterTool", versions=(1, 2), display_name="X (Formerly Twitter) Tool")
def twitter(ctx: NodeContext) -> NodeOutput:
    resource = ctx.param("resource", 0, "tweet")
    operation = ctx.param("operation", 0, "create")
    client: _V1 | _V2 = _V2(ctx) if (ctx.node.type_version or 1) >= 2 else _V1(ctx)

    def run(i: int, _item: dict[str, Any]) -> Any:
        data = client.run(resource, operation, i)
        return {} if data is None else data

    return [per_item(ctx, run, pair_errors=False)]
