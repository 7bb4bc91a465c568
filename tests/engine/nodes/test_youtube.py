"""YouTube node against a local fake of the YouTube Data API v3."""

from __future__ import annotations

import base64

import pytest
from fakes import FakeServer, Request
from svc_harness import output, run_service

TOKEN = "ya29.youtube"
CREDS = {"youTubeOAuth2Api": {"oauthTokenData": {"access_token": TOKEN}}}
VIDEO = {"kind": "youtube#video", "etag": "e1", "id": "vid1",
         "snippet": {"title": "Launch", "categoryId": "22", "channelId": "UC1"},
         "statistics": {"viewCount": "10"}}


@pytest.fixture
def yt():
    with FakeServer() as server:
        def authed(handler):
            def wrapped(req: Request):
                assert req.headers["authorization"] == f"Bearer {TOKEN}"
                return handler(req)
            return wrapped

        server.auth = authed
        yield server


def run(server: FakeServer, params: dict, items: list | None = None, **kw):
    return run_service("n8n-nodes-base.youTube", 1, params, items=items, credentials=CREDS,
                       base_urls={"google": server.url}, **kw)


def test_video_get_all_parts(yt):
    yt.route("GET", "/youtube/v3/videos", yt.auth(lambda r: (200, {}, {"kind": "youtube#videoListResponse",
                                                                         "items": [VIDEO]})))
    out = output(run(yt, {"resource": "video", "operation": "get", "videoId": "vid1"}))
    assert [i["json"] for i in out] == [VIDEO]
    req = yt.last("GET", "/youtube/v3/videos")
    assert req.arg("id") == "vid1"
    assert req.arg("part") == ("contentDetails,id,liveStreamingDetails,localizations,player,recordingDetails,"
                               "snippet,statistics,status,topicDetails")


def test_video_search_limit_and_return_all(yt):
    pages = {None: {"items": [{"id": {"videoId": "a"}}], "nextPageToken": "p2"},
             "p2": {"items": [{"id": {"videoId": "b"}}]}}
    yt.route("GET", "/youtube/v3/search", yt.auth(lambda r: (200, {}, pages[r.arg("pageToken")])))
    params = {"resource": "video", "operation": "getAll", "limit": 5,
              "filters": {"regionCode": "LK", "publishedAfter": "2024-01-01T00:00:00"}}
    out = output(run(yt, params))
    assert [i["json"]["id"]["videoId"] for i in out] == ["a"]
    req = yt.last("GET", "/youtube/v3/search")
    assert (req.arg("part"), req.arg("type"), req.arg("maxResults"), req.arg("regionCode")) == \
        ("snippet", "video", "5", "LK")
    assert req.arg("forMine") is None  # filters given: not "mine"
    assert req.arg("publishedAfter") == "2024-01-01T00:00:00.000Z"
    out = output(run(yt, {"resource": "video", "operation": "getAll", "returnAll": True}))
    assert [i["json"]["id"]["videoId"] for i in out] == ["a", "b"]
    assert yt.last("GET", "/youtube/v3/search").arg("forMine") == "true"
    assert yt.last("GET", "/youtube/v3/search").arg("maxResults") == "100"


def test_video_update_body(yt):
    yt.route("PUT", "/youtube/v3/videos", yt.auth(lambda r: (200, {}, {**VIDEO, "snippet": r.json["snippet"]})))
    params = {"resource": "video", "operation": "update", "videoId": "vid1", "title": "New", "categoryId": "27",
              "updateFields": {"description": "d", "tags": "a,b", "privacyStatus": "unlisted"}}
    out = output(run(yt, params))
    req = yt.last("PUT", "/youtube/v3/videos")
    assert req.arg("part") == "snippet, status, recordingDetails"
    assert req.json == {"id": "vid1", "snippet": {"title": "New", "categoryId": "27", "description": "d",
                                                  "tags": ["a", "b"]},
                        "status": {"privacyStatus": "unlisted"}, "recordingDetails": {}}
    assert out[0]["json"]["snippet"]["title"] == "New"


def test_video_upload_is_resumable(yt):
    def start(req: Request):
        assert req.arg("uploadType") == "resumable" and req.arg("notifySubscribers") == "false"
        assert req.headers["x-upload-content-length"] == "5" and req.headers["x-upload-content-type"] == "video/mp4"
        assert req.json == {"snippet": {"title": "Clip", "categoryId": "22", "tags": ["x", "y"]},
                            "status": {"privacyStatus": "private"}, "recordingDetails": {}}
        return 200, {"Location": f"{yt.url}/upload-session/abc"}, b""

    def put(req: Request):
        assert req.body == b"VIDEO" and req.headers["content-range"] == "bytes 0-4/5"
        return 200, {}, {**VIDEO, "id": "new1"}

    yt.route("POST", "/upload/youtube/v3/videos", yt.auth(start))
    yt.route("PUT", "/upload-session/abc", put)
    item = {"json": {}, "binary": {"data": {"data": base64.b64encode(b"VIDEO").decode(), "mimeType": "video/mp4",
                                            "fileName": "clip.mp4"}}}
    params = {"resource": "video", "operation": "upload", "title": "Clip", "categoryId": "22",
              "options": {"tags": "x,y", "privacyStatus": "private"}}
    out = output(run(yt, params, items=[item]))
    assert [i["json"] for i in out] == [{"uploadId": "new1"}]


def test_playlist_create_delete_and_items(yt):
    yt.route("POST", "/youtube/v3/playlists", yt.auth(lambda r: (200, {}, {"id": "PL1", "snippet": r.json["snippet"]})))
    yt.route("DELETE", "/youtube/v3/playlists", yt.auth(lambda r: (204, {}, None)))
    pages = {None: {"items": [{"id": "i1"}], "nextPageToken": "n"}, "n": {"items": [{"id": "i2"}]}}
    yt.route("GET", "/youtube/v3/playlistItems", yt.auth(lambda r: (200, {}, pages[r.arg("pageToken")])))
    out = output(run(yt, {"resource": "playlist", "operation": "create", "title": "Mix", "options": {"tags": "a"}}))
    assert out[0]["json"] == {"id": "PL1", "snippet": {"title": "Mix", "tags": ["a"]}}
    assert yt.last("POST", "/youtube/v3/playlists").arg("part") == "snippet"
    out = output(run(yt, {"resource": "playlist", "operation": "delete", "playlistId": "PL1"}))
    assert [i["json"] for i in out] == [{"success": True}]
    assert yt.last("DELETE", "/youtube/v3/playlists").json == {"id": "PL1"}  # n8n sends the id as a body
    out = output(run(yt, {"resource": "playlistItem", "operation": "getAll", "playlistId": "PL1", "returnAll": True}))
    assert [i["json"]["id"] for i in out] == ["i1", "i2"]
    assert yt.last("GET", "/youtube/v3/playlistItems").arg("part") == "contentDetails,id,snippet,status"


def test_query_is_shared_between_items_and_categories_limit(yt):
    yt.route("POST", "/youtube/v3/playlistItems", yt.auth(lambda r: (200, {}, {"id": "pi", **r.json})))
    items = [{"json": {}}, {"json": {}}]
    out = output(run(yt, {"resource": "playlistItem", "operation": "add", "playlistId": "PL1", "videoId": "v",
                          "options": {"onBehalfOfContentOwner": "={{ $itemIndex === 0 ? 'cms' : '' }}"}},
                     items=items))
    assert out[1]["json"]["snippet"]["resourceId"] == {"kind": "youtube#video", "videoId": "v"}
    posts = [r for r in yt.requests if r.path == "/youtube/v3/playlistItems"]
    assert [r.arg("onBehalfOfContentOwner") for r in posts] == ["cms", "cms"]  # item 0's value stays, as in n8n
    cats = {"items": [{"id": str(n), "snippet": {"title": f"c{n}"}} for n in range(4)]}
    yt.route("GET", "/youtube/v3/videoCategories", yt.auth(lambda r: (200, {}, cats)))
    out = output(run(yt, {"resource": "videoCategory", "operation": "getAll", "regionCode": "US", "limit": 2}))
    assert [i["json"]["id"] for i in out] == ["0", "1"]
    assert yt.last("GET", "/youtube/v3/videoCategories").arg("regionCode") == "US"


def test_not_found_continues_with_error_item(yt):
    yt.route("POST", "/youtube/v3/videos/rate",
             yt.auth(lambda r: (404, {}, {"error": {"code": 404, "message": "Video not found."}})))
    out = output(run(yt, {"resource": "video", "operation": "rate", "videoId": "x", "rating": "like"},
                     continue_on_fail=True))
    assert out[0]["json"] == {"error": "The resource you are requesting could not be found"}
    assert yt.last("POST", "/youtube/v3/videos/rate").json == {"id": "x", "rating": "like"}
