"""YouTube v1 (YouTube Data API v3 over the youTubeOAuth2Api credential).

channel get/getAll/update/uploadBanner, playlist get/getAll/create/update/delete, playlistItem
get/getAll/add/delete, video getAll (search)/get/upload (resumable)/update/delete/rate,
videoCategory getAll. As in n8n, the query object is shared by all items of a run (values set for
one item stay for the next), deletes send ``{id}`` as a JSON body, and list results become one item
per entry.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes import _http
from automatelanka.engine.nodes._google import GoogleApi
from automatelanka.engine.nodes._svc import binary_bytes, per_item, unsupported
from automatelanka.engine.nodes.base import NodeContext, register

CHANNEL_PARTS = ["brandingSettings", "contentDetails", "contentOwnerDetails", "id", "localizations", "snippet",
                 "statistics", "status", "topicDetails"]
PLAYLIST_PARTS = ["contentDetails", "id", "localizations", "player", "snippet", "status"]
ITEM_PARTS = ["contentDetails", "id", "snippet", "status"]
VIDEO_PARTS = ["contentDetails", "id", "liveStreamingDetails", "localizations", "player", "recordingDetails",
               "snippet", "statistics", "status", "topicDetails"]
CHANNEL_FIELDS = ("country", "description", "defaultLanguage", "defaultTab", "featuredChannelsTitle",
                  "featuredChannelsUrls", "keywords", "moderateComments", "profileColor", "showRelatedChannels",
                  "showBrowseView", "trackingAnalyticsAccountId", "unsubscribedTrailer")


class YouTube:
    def __init__(self, ctx: NodeContext) -> None:
        self.ctx = ctx
        self.api = GoogleApi(ctx, "youTubeOAuth2Api", "drive")
        self.qs: dict[str, Any] = {}  # shared by every item, as n8n's node does

    def call(self, method: str, path: str, body: Any = None, qs: dict[str, Any] | None = None, i: int = 0) -> Any:
        return self.api.json(method, path, body=body, params=dict(qs) if qs else None, item_index=i,
                             headers={"Content-Type": "application/json"})

    def all_items(self, path: str, i: int) -> list[Any]:
        """``googleApiRequestAllItems``: ``maxResults=100`` and ``pageToken`` until none is left."""
        self.qs["maxResults"] = 100
        out: list[Any] = []
        while True:
            page = self.call("GET", path, qs=self.qs, i=i)
            token = page.get("nextPageToken")
            self.qs["pageToken"] = token
            if token is None:
                self.qs.pop("pageToken")
            out.extend(page.get("items") or [])
            if token in (None, ""):
                return out

    def listing(self, path: str, i: int) -> list[Any]:
        """getAll: every page, or ``limit`` as ``maxResults``."""
        if self.ctx.param("returnAll", i, False):
            return self.all_items(path, i)
        self.qs["maxResults"] = self.ctx.param("limit", i, 25)
        return self.call("GET", path, qs=self.qs, i=i).get("items")


def _parts(value: Any, every: list[str]) -> str:
    parts = list(value or [])
    return ",".join(every if "*" in parts else parts)


def _tags(value: Any) -> list[str]:
    return str(value).split(",")


@register("n8n-nodes-base.youTube", versions=(1,), display_name="YouTube")
def youtube(ctx: NodeContext) -> NodeOutput:
    yt = YouTube(ctx)
    resource = ctx.param("resource", 0, "channel")
    operation = ctx.param("operation", 0, "getAll" if resource != "playlistItem" else "add")
    handlers = {"channel": _channel, "playlist": _playlist, "playlistItem": _playlist_item, "video": _video,
                "videoCategory": _video_category}
    handler = handlers.get(resource)
    if handler is None:
        raise unsupported("YouTube", resource, operation)
    return [per_item(ctx, lambda i, item: handler(ctx, yt, operation, i, item))]


def _channel(ctx: NodeContext, yt: YouTube, operation: str, i: int, item: dict[str, Any]) -> Any:
    qs = yt.qs
    if operation == "get":
        qs["part"] = _parts(ctx.param("part", i, ["*"]), CHANNEL_PARTS)
        qs["id"] = ctx.param("channelId", i, "")
        return yt.call("GET", "/youtube/v3/channels", qs=qs, i=i).get("items")
    if operation == "getAll":
        qs["part"] = _parts(ctx.param("part", i, ["*"]), CHANNEL_PARTS)
        qs.update(ctx.param("options", i, {}) or {})
        qs.update(ctx.param("filters", i, {}) or {})
        qs["mine"] = True
        if qs.get("categoryId") or qs.get("forUsername") or qs.get("id") or qs.get("managedByMe"):
            del qs["mine"]
        return yt.listing("/youtube/v3/channels", i)
    if operation == "update":
        fields = ctx.param("updateFields", i, {}) or {}
        body: dict[str, Any] = {"id": ctx.param("channelId", i, ""), "brandingSettings": {"channel": {}, "image": {}}}
        qs["part"] = "brandingSettings"
        if fields.get("onBehalfOfContentOwner"):
            qs["onBehalfOfContentOwner"] = fields["onBehalfOfContentOwner"]
        ui = fields.get("brandingSettingsUi")
        if ui:
            channel = (ui.get("channelSettingsValues") or {}).get("channel") or {}
            body["brandingSettings"]["channel"] = {k: channel[k] for k in CHANNEL_FIELDS if channel.get(k)}
            if (ui.get("imageSettingsValues") or {}).get("image"):
                # n8n reads the image options from the (empty) result object here and fails.
                raise ctx.error("Cannot read properties of undefined (reading 'bannerExternalUrl')", i)
            body["brandingSettings"]["image"] = {}
        return yt.call("PUT", "/youtube/v3/channels", body=body, qs=qs, i=i)
    if operation == "uploadBanner":
        data, meta = binary_bytes(item, ctx.param("binaryProperty", i, "data"), i)
        headers = {"Content-Type": meta["mimeType"]} if meta.get("mimeType") else {}
        response = yt.api.send("POST", "/upload/youtube/v3/channelBanners/insert", params=dict(qs) or None,
                               content=data, headers=headers, item_index=i)
        url = response.json().get("url")
        qs["part"] = "brandingSettings"
        return yt.call("PUT", "/youtube/v3/channels", qs=qs, i=i, body={
            "id": ctx.param("channelId", i, ""), "brandingSettings": {"image": {"bannerExternalUrl": url}}})
    raise unsupported("YouTube", "channel", operation)


def _playlist(ctx: NodeContext, yt: YouTube, operation: str, i: int, item: dict[str, Any]) -> Any:
    qs = yt.qs
    if operation == "get":
        qs["part"] = _parts(ctx.param("part", i, ["*"]), PLAYLIST_PARTS)
        qs["id"] = ctx.param("playlistId", i, "")
        qs.update(ctx.param("options", i, {}) or {})
        return yt.call("GET", "/youtube/v3/playlists", qs=qs, i=i).get("items")
    if operation == "getAll":
        qs["part"] = _parts(ctx.param("part", i, ["*"]), PLAYLIST_PARTS)
        qs.update(ctx.param("options", i, {}) or {})
        qs.update(ctx.param("filters", i, {}) or {})
        qs["mine"] = True
        if qs.get("channelId") or qs.get("id"):
            del qs["mine"]
        return yt.listing("/youtube/v3/playlists", i)
    if operation == "create":
        options = ctx.param("options", i, {}) or {}
        qs["part"] = "snippet"
        snippet: dict[str, Any] = {"title": ctx.param("title", i, "")}
        if options.get("tags"):
            snippet["tags"] = _tags(options["tags"])
        if options.get("description"):
            snippet["privacyStatus"] = options.get("privacyStatus")  # n8n's own mix-up, kept
        if options.get("defaultLanguage"):
            snippet["defaultLanguage"] = options["defaultLanguage"]
        for key in ("onBehalfOfContentOwner", "onBehalfOfContentOwnerChannel"):
            if options.get(key):
                qs[key] = options[key]
        return yt.call("POST", "/youtube/v3/playlists", body=_defined({"snippet": snippet}), qs=qs, i=i)
    if operation == "update":
        fields = ctx.param("updateFields", i, {}) or {}
        qs["part"] = "snippet, status"
        body: dict[str, Any] = {"id": ctx.param("playlistId", i, ""), "snippet": {"title": ctx.param("title", i, "")},
                                "status": {}}
        if fields.get("tags"):
            body["snippet"]["tags"] = _tags(fields["tags"])
        if fields.get("privacyStatus"):
            body["status"]["privacyStatus"] = fields["privacyStatus"]
        for key in ("description", "defaultLanguage"):
            if fields.get(key):
                body["snippet"][key] = fields[key]
        if fields.get("onBehalfOfContentOwner"):
            qs["onBehalfOfContentOwner"] = fields["onBehalfOfContentOwner"]
        return yt.call("PUT", "/youtube/v3/playlists", body=body, qs=qs, i=i)
    if operation == "delete":
        options = ctx.param("options", i, {}) or {}
        if options.get("onBehalfOfContentOwner"):
            qs["onBehalfOfContentOwner"] = options["onBehalfOfContentOwner"]
        yt.call("DELETE", "/youtube/v3/playlists", body={"id": ctx.param("playlistId", i, "")}, i=i)
        return {"success": True}
    raise unsupported("YouTube", "playlist", operation)


def _playlist_item(ctx: NodeContext, yt: YouTube, operation: str, i: int, item: dict[str, Any]) -> Any:
    qs = yt.qs
    if operation == "get":
        qs["part"] = _parts(ctx.param("part", i, ["*"]), ITEM_PARTS)
        qs["id"] = ctx.param("playlistItemId", i, "")
        qs.update(ctx.param("options", i, {}) or {})
        return yt.call("GET", "/youtube/v3/playlistItems", qs=qs, i=i).get("items")
    if operation == "getAll":
        qs["playlistId"] = ctx.param("playlistId", i, "")
        qs["part"] = _parts(ctx.param("part", i, ["*"]), ITEM_PARTS)
        qs.update(ctx.param("options", i, {}) or {})
        return yt.listing("/youtube/v3/playlistItems", i)
    if operation == "add":
        options = ctx.param("options", i, {}) or {}
        qs["part"] = "snippet, contentDetails"
        body: dict[str, Any] = {"snippet": {"playlistId": ctx.param("playlistId", i, ""), "resourceId": {
            "kind": "youtube#video", "videoId": ctx.param("videoId", i, "")}}, "contentDetails": {}}
        if options.get("position"):
            body["snippet"]["position"] = options["position"]
        for key in ("note", "startAt", "endAt"):
            if options.get(key):
                body["contentDetails"][key] = options[key]
        if options.get("onBehalfOfContentOwner"):
            qs["onBehalfOfContentOwner"] = options["onBehalfOfContentOwner"]
        return yt.call("POST", "/youtube/v3/playlistItems", body=body, qs=qs, i=i)
    if operation == "delete":
        options = ctx.param("options", i, {}) or {}
        if options.get("onBehalfOfContentOwner"):
            qs["onBehalfOfContentOwner"] = options["onBehalfOfContentOwner"]
        yt.call("DELETE", "/youtube/v3/playlistItems", body={"id": ctx.param("playlistItemId", i, "")}, i=i)
        return {"success": True}
    raise unsupported("YouTube", "playlistItem", operation)


def _zoned_iso(ctx: NodeContext, value: Any) -> str:
    """``validateAndSetDate``: an ISO date moved to the workflow's timezone (Luxon's toISO)."""
    from automatelanka.engine.luxon_format import LDateTime, normalize_zone

    zone = normalize_zone(ctx.state.timezone)
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise NodeError(f'The value "{value}" is not a valid DateTime.') from None
    if zone is None:
        raise NodeError(f"Invalid timezone {ctx.state.timezone}")
    if moment.tzinfo is None:
        local = LDateTime.from_wall(zone, moment.year, moment.month, moment.day, moment.hour, moment.minute,
                                    moment.second, moment.microsecond // 1000)
        return local.to_iso()
    return LDateTime(moment.timestamp() * 1000, zone).set_zone(zone).to_iso()


def _defined(value: Any) -> Any:
    """JSON.stringify's view: keys holding ``undefined`` (None here) are left out."""
    if isinstance(value, dict):
        return {k: _defined(v) for k, v in value.items() if v is not None}
    return value


def _video(ctx: NodeContext, yt: YouTube, operation: str, i: int, item: dict[str, Any]) -> Any:
    qs = yt.qs
    if operation == "getAll":
        options = dict(ctx.param("options", i, {}) or {})
        filters = dict(ctx.param("filters", i, {}) or {})
        qs.update({"part": "snippet", "type": "video", "forMine": True})
        for key in ("publishedAfter", "publishedBefore"):
            if filters.get(key):
                filters[key] = _zoned_iso(ctx, filters[key])
        qs.update(options)
        qs.update(filters)
        if filters:
            qs.pop("forMine", None)
        if qs.get("relatedToVideoId") and qs.get("forDeveloper") is not None:
            raise ctx.error("When using the parameter 'related to video' the parameter 'for developer' cannot be set",
                            i)
        return yt.listing("/youtube/v3/search", i)
    if operation == "get":
        qs["part"] = _parts(ctx.param("part", i, ["*"]), VIDEO_PARTS)
        qs["id"] = ctx.param("videoId", i, "")
        qs.update(ctx.param("options", i, {}) or {})
        return yt.call("GET", "/youtube/v3/videos", qs=qs, i=i).get("items")
    if operation == "upload":
        return _upload(ctx, yt, i, item)
    if operation == "update":
        fields = ctx.param("updateFields", i, {}) or {}
        qs["part"] = "snippet, status, recordingDetails"
        body: dict[str, Any] = {"id": ctx.param("videoId", i, ""),
                                "snippet": {"title": ctx.param("title", i, ""),
                                            "categoryId": ctx.param("categoryId", i, "")},
                                "status": {}, "recordingDetails": {}}
        if fields.get("description"):
            body["snippet"]["description"] = fields["description"]
        if fields.get("privacyStatus"):
            body["status"]["privacyStatus"] = fields["privacyStatus"]
        if fields.get("tags"):
            body["snippet"]["tags"] = _tags(fields["tags"])
        for key in ("embeddable", "publicStatsViewable", "publishAt", "selfDeclaredMadeForKids"):
            if fields.get(key):
                body["status"][key] = fields[key]
        if fields.get("recordingDate"):
            body["recordingDetails"]["recordingDate"] = fields["recordingDate"]
        if fields.get("license"):
            body["status"]["license"] = fields["license"]
        if fields.get("defaultLanguage"):
            body["snippet"]["defaultLanguage"] = fields["defaultLanguage"]
        return yt.call("PUT", "/youtube/v3/videos", body=body, qs=qs, i=i)
    if operation == "delete":
        options = ctx.param("options", i, {}) or {}
        if options.get("onBehalfOfContentOwner"):
            qs["onBehalfOfContentOwner"] = options["onBehalfOfContentOwner"]
        yt.call("DELETE", "/youtube/v3/videos", body={"id": ctx.param("videoId", i, "")}, i=i)
        return {"success": True}
    if operation == "rate":
        yt.call("POST", "/youtube/v3/videos/rate", body={"id": ctx.param("videoId", i, ""),
                                                         "rating": ctx.param("rating", i, "")}, i=i)
        return {"success": True}
    raise unsupported("YouTube", "video", operation)


def _upload(ctx: NodeContext, yt: YouTube, i: int, item: dict[str, Any]) -> Any:
    """The resumable upload: metadata POST (session URL in ``Location``), then the bytes in one PUT."""
    options = ctx.param("options", i, {}) or {}
    data, meta = binary_bytes(item, ctx.param("binaryProperty", i, "data"), i)
    tags = options.get("tags")
    payload = _defined({
        "snippet": {"title": ctx.param("title", i, ""), "categoryId": ctx.param("categoryId", i, ""),
                    "description": options.get("description"), "tags": _tags(tags) if tags is not None else None,
                    "defaultLanguage": options.get("defaultLanguage")},
        "status": {k: options.get(k) for k in ("privacyStatus", "embeddable", "publicStatsViewable", "publishAt",
                                               "selfDeclaredMadeForKids", "license")},
        "recordingDetails": {"recordingDate": options.get("recordingDate")},
    })
    notify = options.get("notifySubscribers")
    params = {"uploadType": "resumable", "part": "snippet,status,recordingDetails",
              "notifySubscribers": "false" if notify is None else ("true" if notify else "false")}
    headers = {"Content-Type": "application/json", "X-Upload-Content-Length": str(len(data))}
    if meta.get("mimeType"):
        headers["X-Upload-Content-Type"] = str(meta["mimeType"])
    session = yt.api.send("POST", "/upload/youtube/v3/videos", params=params, json=payload, headers=headers,
                          item_index=i)
    location = session.headers.get("location")
    if not location:
        raise ctx.error("YouTube did not return an upload URL", i)
    response = _http.request(ctx, "PUT", location, item_index=i, content=data, never_error=True,
                             headers={"Content-Length": str(len(data)),
                                      "Content-Range": f"bytes 0-{len(data) - 1}/{len(data)}"})
    upload_id = None
    if response.status_code != 308:
        if response.status_code >= 400:
            raise _http.api_error(response, i)
        try:
            upload_id = response.json().get("id")
        except ValueError:
            upload_id = None
    result: dict[str, Any] = {"uploadId": upload_id}
    try:
        body = session.json() if session.content else None
    except ValueError:
        body = None
    if isinstance(body, dict):
        result.update(body)
    return _defined(result)


def _video_category(ctx: NodeContext, yt: YouTube, operation: str, i: int, item: dict[str, Any]) -> Any:
    if operation != "getAll":
        raise unsupported("YouTube", "videoCategory", operation)
    qs = yt.qs
    qs["regionCode"] = ctx.param("regionCode", i, "")
    qs["part"] = "snippet"
    items = yt.call("GET", "/youtube/v3/videoCategories", qs=qs, i=i).get("items") or []
    if not ctx.param("returnAll", i, False):
        items = items[:int(ctx.param("limit", i, 25))]
    return items


__all__ = ["youtube"]
