"""Spotify node against a local fake of the Web API."""

from __future__ import annotations

from svc_harness import error, output, run_service

pytest_plugins = ("fakes",)

CREDS = {"spotifyOAuth2Api": {"oauthTokenData": {"access_token": "sp-token"}}}


def run(server, params, **kw):
    return run_service("n8n-nodes-base.spotify", 1, params, credentials=CREDS, base_urls={"spotify": server.url},
                       **kw)


def test_player_controls(fake_server):
    fake_server.route("PUT", "/me/player/play", (204, {}, None))
    fake_server.route("POST", "/me/player/queue", (204, {}, None))
    items = output(run(fake_server, {"operation": "startMusic", "id": "spotify:album:1"}))
    assert items == [{"json": {"success": True}, "pairedItem": {"item": 0}}]
    req = fake_server.last()
    assert req.headers["authorization"] == "Bearer sp-token"
    assert req.json == {"context_uri": "spotify:album:1"} and req.headers["content-type"] == "text/plain"
    output(run(fake_server, {"operation": "addSongToQueue", "id": "spotify:track:9"}))
    assert fake_server.last().arg("uri") == "spotify:track:9" and fake_server.last().body == b""


def test_playlist_tracks_return_all_follows_next(fake_server):
    def tracks(req):
        if req.arg("offset") == "1":
            return 200, {}, {"items": [{"track": {"id": "b"}}], "next": None}
        return 200, {}, {"items": [{"track": {"id": "a"}}], "next": f"{fake_server.url}/playlists/p1/tracks?offset=1"}

    fake_server.route("GET", "/playlists/p1/tracks", tracks)
    items = output(run(fake_server, {"resource": "playlist", "operation": "getTracks", "id": "spotify:playlist:p1",
                                     "returnAll": True}))
    assert [it["json"]["track"]["id"] for it in items] == ["a", "b"]


def test_user_playlists_drop_nulls_and_track_search(fake_server):
    fake_server.route("GET", "/me/playlists", (200, {}, {"items": [{"id": "x"}, None], "next": None}))
    items = output(run(fake_server, {"resource": "playlist", "operation": "getUserPlaylists", "limit": 2}))
    assert [it["json"] for it in items] == [{"id": "x"}]
    assert fake_server.last().arg("limit") == "2"
    fake_server.route("GET", "/search", (200, {}, {"tracks": {"items": [{"id": "t1"}], "next": None}}))
    items = output(run(fake_server, {"resource": "track", "operation": "search", "query": "song", "limit": 1}))
    assert [it["json"] for it in items] == [{"id": "t1"}]
    req = fake_server.last()
    assert (req.arg("q"), req.arg("type"), req.arg("limit")) == ("song", "track", "1")


def test_errors(fake_server):
    fake_server.route("PUT", "/me/player/pause", (404, {}, {"error": {"status": 404,
                                                                       "message": "Player command failed: No active device found"}}))
    items = output(run(fake_server, {"operation": "pause"}, continue_on_fail=True))
    assert items[0]["json"] == {"error": "The resource you are requesting could not be found"}
    assert "not supported yet" in error(run(fake_server, {"resource": "track"}))["message"]
