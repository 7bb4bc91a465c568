"""Spotify (n8n-nodes-base.spotify v1, spotifyTool) over the Spotify Web API.

Base: configured ``spotify`` base URL, else https://api.spotify.com/v1; spotifyOAuth2Api bearer
token (refreshed once on 401). JSON bodies are sent with ``Content-Type: text/plain`` as n8n does.
Implemented: player pause/resume/nextSong/previousSong/startMusic/addSongToQueue/volume/
currentlyPlaying/recentlyPlayed, album get/getNewReleases/getTracks/search, artist get/getAlbums/
getRelatedArtists/getTopTracks/search, playlist add/create/delete/get/getTracks/getUserPlaylists/
search, track get/getAudioFeatures/search, library getLikedTracks, myData getFollowingArtists.
returnAll follows ``next`` links. As in n8n, the request body is shared by the items of a run.
"""

from __future__ import annotations

import json
from typing import Any

from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes._http import base_url, credential
from automatelanka.engine.nodes._rest import Api
from automatelanka.engine.nodes._svc import per_item, unsupported
from automatelanka.engine.nodes.base import NodeContext, register

DISPLAY = "Spotify"
CREDENTIAL = "spotifyOAuth2Api"
_HEADERS = {"User-Agent": "n8n", "Content-Type": "text/plain", "Accept": "application/json"}  # n8n sends " application/json" (Node trims it)


class _Spotify:
    def __init__(self, ctx: NodeContext) -> None:
        self.api = Api(ctx, base_url(ctx, "spotify", "https://api.spotify.com/v1"), CREDENTIAL,
                       fields=credential(ctx, CREDENTIAL) or {}, headers=_HEADERS)
        self.body: dict[str, Any] = {}

    def call(self, method: str, endpoint: str, i: int, qs: dict[str, Any] | None = None,
             url: str | None = None) -> Any:
        kwargs: dict[str, Any] = {}
        if self.body:
            kwargs["content"] = json.dumps(self.body, separators=(",", ":")).encode()
        return self.api.call(method, endpoint, i, qs=qs or None, url=url, **kwargs)

    def all_items(self, prop: str, method: str, endpoint: str, i: int, qs: dict[str, Any]) -> list[Any]:
        """n8n's spotifyApiRequestAllItems (``prop`` may be dotted, e.g. ``tracks.items``)."""
        head = prop.split(".")[0]
        out: list[Any] = []
        url: str | None = None
        query: dict[str, Any] | None = qs
        while True:
            page = self.call(method, endpoint, i, qs=query, url=url) or {}
            value: Any = page
            for part in prop.split("."):
                value = value.get(part) if isinstance(value, dict) else None
            out.extend(value or [])
            nested = page.get(head)
            url = page.get("next") or (nested.get("next") if isinstance(nested, dict) else None)
            query = None
            if url and "offset=1000" in url and endpoint == "/search":
                return out
            if url is None:
                return out


def _strip(value: Any, prefix: str) -> str:
    return str(value or "").replace(prefix, "", 1)


def _listing(endpoint: str, prop: str, base_qs: dict[str, Any] | None = None, id_prefix: str | None = None) -> Any:
    """An operation that lists ``prop`` (limit or all pages)."""
    def run(sp: _Spotify, ctx: NodeContext, i: int) -> Any:
        path = endpoint.format(id=_strip(ctx.param("id", i, ""), id_prefix or "")) if id_prefix else endpoint
        qs = dict(base_qs or {})
        if ctx.param("returnAll", i, False):
            return sp.all_items(prop, "GET", path, i, qs)
        qs["limit"] = ctx.param("limit", i, 50)
        data: Any = sp.call("GET", path, i, qs=qs) or {}
        for part in prop.split("."):
            data = data.get(part) if isinstance(data, dict) else None
        return data
    return run


def _search(kind: str, default_limit: bool = True) -> Any:
    def run(sp: _Spotify, ctx: NodeContext, i: int) -> Any:
        qs: dict[str, Any] = {"q": ctx.param("query", i, "")}
        if default_limit:
            qs["limit"] = 50
        qs["type"] = kind
        qs.update(ctx.param("filters", i, {}) or {})
        prop = f"{kind}s.items"
        if ctx.param("returnAll", i, False):
            return sp.all_items(prop, "GET", "/search", i, qs)
        qs["limit"] = ctx.param("limit", i, 50)
        return ((sp.call("GET", "/search", i, qs=qs) or {}).get(f"{kind}s") or {}).get("items")
    return run


def _player(method: str, endpoint: str, *, qs_param: tuple[str, str] | None = None,
            body_param: tuple[str, str] | None = None) -> Any:
    def run(sp: _Spotify, ctx: NodeContext, i: int) -> Any:
        qs = {qs_param[0]: ctx.param(qs_param[1], i, "")} if qs_param else None
        if body_param:
            sp.body[body_param[0]] = ctx.param(body_param[1], i, "")
        sp.call(method, endpoint, i, qs=qs)
        return {"success": True}
    return run


def _get(endpoint: str, prefix: str, prop: str | None = None, qs_param: tuple[str, str, Any] | None = None) -> Any:
    def run(sp: _Spotify, ctx: NodeContext, i: int) -> Any:
        qs = {qs_param[0]: ctx.param(qs_param[1], i, qs_param[2])} if qs_param else None
        data = sp.call("GET", endpoint.format(id=_strip(ctx.param("id", i, ""), prefix)), i, qs=qs)
        return (data or {}).get(prop) if prop else data
    return run


def _current(sp: _Spotify, ctx: NodeContext, i: int) -> Any:
    return sp.call("GET", "/me/player/currently-playing", i)


def _playlist_delete(sp: _Spotify, ctx: NodeContext, i: int) -> Any:
    sp.body["tracks"] = [{"uri": ctx.param("trackID", i, "")}]
    sp.call("DELETE", f"/playlists/{_strip(ctx.param('id', i, ''), 'spotify:playlist:')}/tracks", i)
    return {"success": True}


def _playlist_add(sp: _Spotify, ctx: NodeContext, i: int) -> Any:
    qs: dict[str, Any] = {"uris": ctx.param("trackID", i, "")}
    extra = ctx.param("additionalFields", i, {}) or {}
    if "position" in extra:
        qs["position"] = extra["position"]
    return sp.call("POST", f"/playlists/{_strip(ctx.param('id', i, ''), 'spotify:playlist:')}/tracks", i, qs=qs)


def _playlist_create(sp: _Spotify, ctx: NodeContext, i: int) -> Any:
    sp.body["name"] = ctx.param("name", i, "")
    sp.body.update(ctx.param("additionalFields", i, {}) or {})
    return sp.call("POST", "/me/playlists", i)


def _user_playlists(sp: _Spotify, ctx: NodeContext, i: int) -> Any:
    rows = _listing("/me/playlists", "items")(sp, ctx, i) or []
    return [row for row in rows if row is not None]


def _new_releases(sp: _Spotify, ctx: NodeContext, i: int) -> Any:
    return _listing("/browse/new-releases", "albums.items", ctx.param("filters", i, {}) or {})(sp, ctx, i)


OPERATIONS = {
    ("player", "pause"): _player("PUT", "/me/player/pause"),
    ("player", "resume"): _player("PUT", "/me/player/play"),
    ("player", "nextSong"): _player("POST", "/me/player/next"),
    ("player", "previousSong"): _player("POST", "/me/player/previous"),
    ("player", "startMusic"): _player("PUT", "/me/player/play", body_param=("context_uri", "id")),
    ("player", "addSongToQueue"): _player("POST", "/me/player/queue", qs_param=("uri", "id")),
    ("player", "volume"): _player("PUT", "/me/player/volume", qs_param=("volume_percent", "volumePercent")),
    ("player", "currentlyPlaying"): _current,
    ("player", "recentlyPlayed"): _listing("/me/player/recently-played", "items"),
    ("album", "get"): _get("/albums/{id}", "spotify:album:"),
    ("album", "getNewReleases"): _new_releases,
    ("album", "getTracks"): _listing("/albums/{id}/tracks", "items", id_prefix="spotify:album:"),
    ("album", "search"): _search("album", default_limit=False),
    ("artist", "get"): _get("/artists/{id}", "spotify:artist:"),
    ("artist", "getAlbums"): _listing("/artists/{id}/albums", "items", id_prefix="spotify:artist:"),
    ("artist", "getRelatedArtists"): _get("/artists/{id}/related-artists", "spotify:artist:", "artists"),
    ("artist", "getTopTracks"): _get("/artists/{id}/top-tracks", "spotify:artist:", "tracks",
                                     ("country", "country", "US")),
    ("artist", "search"): _search("artist"),
    ("playlist", "add"): _playlist_add, ("playlist", "create"): _playlist_create,
    ("playlist", "delete"): _playlist_delete, ("playlist", "get"): _get("/playlists/{id}", "spotify:playlist:"),
    ("playlist", "getTracks"): _listing("/playlists/{id}/tracks", "items", id_prefix="spotify:playlist:"),
    ("playlist", "getUserPlaylists"): _user_playlists, ("playlist", "search"): _search("playlist"),
    ("track", "get"): _get("/tracks/{id}", "spotify:track:"),
    ("track", "getAudioFeatures"): _get("/audio-features/{id}", "spotify:track:"),
    ("track", "search"): _search("track"),
    ("library", "getLikedTracks"): _listing("/me/tracks", "items"),
    ("myData", "getFollowingArtists"): _listing("/me/following", "artists.items", {"type": "artist"}),
}
_DEFAULT_OPERATION = {"player": "addSongToQueue", "playlist": "add", "album": "get", "artist": "get",
                      "myData": "getFollowingArtists", "library": "getLikedTracks", "track": "track"}


@register("n8n-nodes-base.spotify", versions=(1,), display_name="Spotify")
@register("n8n-nodes-base.spotifyTool", versions=(1,), display_name="Spotify Tool")
def spotify(ctx: NodeContext) -> NodeOutput:
    resource = ctx.param("resource", 0, "player")
    operation = ctx.param("operation", 0, _DEFAULT_OPERATION.get(resource, ""))
    handler = OPERATIONS.get((resource, operation))
    if handler is None:
        raise unsupported(DISPLAY, resource, operation)
    client = _Spotify(ctx)
    return [per_item(ctx, lambda i, _item: handler(client, ctx, i))]
