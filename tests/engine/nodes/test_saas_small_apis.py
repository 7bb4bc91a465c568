"""Small API nodes (TOTP, CoinGecko, NASA, Raindrop, Orbit) against local fakes and RFC vectors."""

from __future__ import annotations

import base64

import pytest
from svc_harness import error, output, run_service

from automatelanka.engine.nodes import totp as totp_mod

pytest_plugins = ("fakes",)

# -- TOTP -------------------------------------------------------------------------------------------

#: RFC 6238 appendix B: (unix time, SHA1, SHA256, SHA512) 8-digit codes.
RFC6238 = [
    (59, "94287082", "46119246", "90693936"),
    (1111111109, "07081804", "68084774", "25091201"),
    (1111111111, "14050471", "67062674", "99943326"),
    (1234567890, "89005924", "91819424", "93441116"),
    (2000000000, "69279037", "90698825", "38618901"),
    (20000000000, "65353130", "77737706", "47863826"),
]
SEEDS = {"SHA1": b"12345678901234567890", "SHA256": b"12345678901234567890123456789012",
         "SHA512": b"1234567890123456789012345678901234567890123456789012345678901234"}


@pytest.mark.parametrize(("stamp", "sha1", "sha256", "sha512"), RFC6238)
def test_totp_rfc6238_vectors(stamp, sha1, sha256, sha512):
    for algorithm, expected in (("SHA1", sha1), ("SHA256", sha256), ("SHA512", sha512)):
        assert totp_mod.totp(SEEDS[algorithm], stamp * 1000, digits=8, algorithm=algorithm) == expected


def test_totp_rfc4226_hotp_vectors():
    expected = ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"]
    assert [totp_mod.hotp(SEEDS["SHA1"], c) for c in range(10)] == expected


def test_totp_base32_like_otpauth():
    assert totp_mod.base32_decode("gezd gnbv gy3t qojq====") == b"1234567890"
    assert totp_mod.base32_decode(base64.b32encode(SEEDS["SHA512"]).decode()) == SEEDS["SHA512"]


def _totp_run(monkeypatch, params, *, label="GitHub:john", secret=None, items=None, **kw):
    monkeypatch.setattr(totp_mod, "now_ms", lambda: 1111111109_000 + 250)
    secret = secret or base64.b32encode(SEEDS["SHA1"]).decode()
    return run_service("n8n-nodes-base.totp", 1, params, items=items,
                       credentials={"totpApi": {"secret": secret, "label": label}}, **kw)


def test_totp_node_outputs_token_per_item(monkeypatch):
    items = output(_totp_run(monkeypatch, {"options": {}}, items=[{"json": {"a": 1}}, {"json": {"a": 2}}]))
    # 1111111109.25 s: counter 37037036, 0.75 s remain of the 30 s step -> 0 (| 0 truncation)
    assert items == [{"json": {"token": "081804", "secondsRemaining": 0}, "pairedItem": {"item": 0}},
                     {"json": {"token": "081804", "secondsRemaining": 0}, "pairedItem": {"item": 1}}]


def test_totp_node_options(monkeypatch):
    secret = base64.b32encode(SEEDS["SHA256"]).decode().lower()
    params = {"operation": "generateSecret", "options": {"algorithm": "SHA256", "digits": 8, "period": 60}}
    items = output(_totp_run(monkeypatch, params, secret=secret))
    from automatelanka.engine.nodes.totp import totp
    expected = totp(SEEDS["SHA256"], 1111111109_250, period=60, digits=8, algorithm="SHA256")
    assert items[0]["json"] == {"token": expected, "secondsRemaining": 30}  # 60 * (1 - 0.4875) = 30.75


def test_totp_malformed_label(monkeypatch):
    err = error(_totp_run(monkeypatch, {"options": {}}, label="nolabel"))
    assert err["message"] == "Malformed label - expected `issuer:username`"


# -- CoinGecko --------------------------------------------------------------------------------------

def cg(server, params, **kw):
    return run_service("n8n-nodes-base.coinGecko", 1, params, base_urls={"coinGecko": server.url}, **kw)


def test_coingecko_get_coin_by_id(fake_server):
    coin = {"id": "bitcoin", "symbol": "btc", "market_data": {"current_price": {"usd": 1}}}
    fake_server.route("GET", "/coins/bitcoin", (200, {}, coin))
    params = {"coinId": "={{ $json.sym }}", "options": {"market_data": True, "localization": False},
              "operation": "get"}
    items = output(cg(fake_server, params, items=[{"json": {"sym": "bitcoin"}}]))
    assert items == [{"json": coin, "pairedItem": {"item": 0}}]
    req = fake_server.last()
    assert req.headers["accept"] == "application/json"
    assert req.query == {"community_data": ["false"], "developer_data": ["false"], "localization": ["false"],
                         "market_data": ["true"], "sparkline": ["false"], "tickers": ["false"]}


def test_coingecko_price_and_contract_price(fake_server):
    fake_server.route("GET", "/simple/price", (200, {}, {"bitcoin": {"eur": 40000, "eur_24h_vol": 5}}))
    params = {"operation": "price", "baseCurrencies": ["bitcoin", "ethereum"], "quoteCurrencies": ["eur", "usd"],
              "options": {"include_24hr_vol": True}}
    items = output(cg(fake_server, params))
    assert items == [{"json": {"bitcoin": {"eur": 40000, "eur_24h_vol": 5}}, "pairedItem": {"item": 0}}]
    assert fake_server.last().query == {"vs_currencies": ["eur,usd"], "include_24hr_vol": ["true"],
                                        "ids": ["bitcoin,ethereum"]}
    fake_server.route("GET", "/simple/token_price/ethereum", (200, {}, {"0xabc": {"usd": 1}}))
    params = {"operation": "price", "searchBy": "contractAddress", "contractAddresses": "0xabc",
              "quoteCurrencies": ["usd"]}
    assert output(cg(fake_server, params))[0]["json"] == {"0xabc": {"usd": 1}}
    assert fake_server.last().query == {"vs_currencies": ["usd"], "contract_addresses": ["0xabc"]}


def test_coingecko_get_all_limit_and_market_return_all(fake_server):
    fake_server.route("GET", "/coins/list", (200, {}, [{"id": "a"}, {"id": "b"}, {"id": "c"}]))
    items = output(cg(fake_server, {"operation": "getAll", "limit": 2}))
    assert items == [{"json": {"id": "a"}, "pairedItem": {"item": 0}}, {"json": {"id": "b"}, "pairedItem": {"item": 0}}]

    pages = {"1": [{"id": "a"}, {"id": "b"}], "2": [{"id": "c"}], "3": []}

    @fake_server.route("GET", "/coins/markets")
    def markets(req):
        assert req.arg("vs_currency") == "usd" and req.arg("per_page") == "250"
        assert req.arg("price_change_percentage") == "1h,24h"
        return 200, {}, pages[req.arg("page")]

    params = {"operation": "market", "baseCurrency": "usd", "returnAll": True,
              "options": {"price_change_percentage": ["1h", "24h"]}}
    items = output(cg(fake_server, params))
    assert [it["json"]["id"] for it in items] == ["a", "b", "c"]
    assert [r.arg("page") for r in fake_server.requests if r.path == "/coins/markets"] == ["1", "2", "3"]
    fake_server.route("GET", "/coins/markets", (200, {}, [{"id": "a"}]))
    output(cg(fake_server, {"operation": "market", "baseCurrency": "usd", "limit": 5, "options": {}}))
    assert fake_server.last().query == {"vs_currency": ["usd"], "per_page": ["5"]}


def test_coingecko_ticker_history_chart_candles(fake_server):
    fake_server.route("GET", "/coins/bitcoin/tickers", (200, {}, {"name": "Bitcoin", "tickers": [{"t": 1}, {"t": 2}]}))
    items = output(cg(fake_server, {"operation": "ticker", "coinId": "bitcoin", "limit": 1,
                                    "options": {"exchange_ids": ["binance", "gdax"]}}))
    assert [it["json"] for it in items] == [{"t": 1}]
    assert fake_server.last().query == {"exchange_ids": ["binance,gdax"]}

    fake_server.route("GET", "/coins/bitcoin/history", (200, {}, {"id": "bitcoin"}))
    output(cg(fake_server, {"operation": "history", "coinId": "bitcoin", "date": "2024-01-15T10:00:00",
                            "options": {"localization": False}}))
    assert fake_server.last().query == {"localization": ["false"], "date": ["15-01-2024"]}

    chart = {"prices": [[1700000000000, 10.5]], "market_caps": [[1700000000000, 99]],
             "total_volumes": [[1700000000000, 7]]}
    fake_server.route("GET", "/coins/bitcoin/market_chart", (200, {}, chart))
    items = output(cg(fake_server, {"operation": "marketChart", "baseCurrency": "bitcoin", "quoteCurrency": "usd",
                                    "days": "7"}))
    assert [it["json"] for it in items] == [{"time": "2023-11-14T22:13:20.000Z", "price": 10.5, "marketCaps": 99,
                                             "totalVolume": 7}]
    assert fake_server.last().query == {"vs_currency": ["usd"], "days": ["7"]}

    fake_server.route("GET", "/coins/bitcoin/ohlc", (200, {}, [[1700000000000, 1, 3, 0.5, 2]]))
    items = output(cg(fake_server, {"operation": "candlestick", "baseCurrency": "bitcoin", "quoteCurrency": "eur",
                                    "days": "1"}))
    assert [it["json"] for it in items] == [{"time": "2023-11-14T22:13:20.000Z", "open": 1, "high": 3, "low": 0.5,
                                             "close": 2}]


def test_coingecko_events_and_errors(fake_server):
    fake_server.route("GET", "/events", (200, {}, {"data": [{"type": "Conference"}], "count": 1}))
    items = output(cg(fake_server, {"resource": "event", "operation": "getAll", "limit": 3,
                                    "options": {"country_code": "LK"}}))
    assert [it["json"] for it in items] == [{"type": "Conference"}]
    assert fake_server.last().query == {"country_code": ["LK"], "per_page": ["3"]}

    fake_server.route("GET", "/coins/nope", (404, {}, {"error": "coin not found"}))
    err = error(cg(fake_server, {"operation": "get", "coinId": "nope", "options": {}}))
    assert err["message"] == "The resource you are requesting could not be found"
    items = output(cg(fake_server, {"operation": "get", "coinId": "nope", "options": {}}, continue_on_fail=True))
    # the node pushes {error, json: {}}; the engine's item normalization fills json.error and pairing
    message = "The resource you are requesting could not be found"
    assert items == [{"error": message, "json": {"error": message}, "pairedItem": {"item": 0}}]

    err = error(cg(fake_server, {"resource": "event", "operation": "get"}))
    assert err["message"] == "CoinGecko: operation 'event/get' is not supported yet"


# -- NASA -------------------------------------------------------------------------------------------

NASA = {"nasaApi": {"api_key": "nasa-key"}}
PNG = b"\x89PNG\r\n\x1a\nfake-image"


def nasa(server, params, **kw):
    return run_service("n8n-nodes-base.nasa", 1, params, credentials=NASA, base_urls={"nasa": server.url}, **kw)


def test_nasa_apod_without_download(fake_server):
    apod = {"date": "2024-01-15", "media_type": "image", "title": "M31", "hdurl": "https://x/y.png"}
    fake_server.route("GET", "/planetary/apod", (200, {}, apod))
    items = output(nasa(fake_server, {"download": False, "additionalFields": {"date": "2024-01-15T00:00:00"}}))
    assert items == [{"json": apod, "pairedItem": {"item": 0}}]
    assert fake_server.last().query == {"date": ["2024-01-15"], "api_key": ["nasa-key"]}


def test_nasa_apod_downloads_image_by_default(fake_server):
    apod = {"date": "2024-01-15", "media_type": "image", "hdurl": f"{fake_server.url}/image/M31_hd.png"}
    fake_server.route("GET", "/planetary/apod", (200, {}, apod))
    fake_server.route("GET", "/image/M31_hd.png", (200, {"Content-Type": "image/png"}, PNG))
    items = output(nasa(fake_server, {"additionalFields": {"date": "2024-01-15"}}, items=[{"json": {"k": 1}}]))
    assert len(items) == 1
    assert items[0]["json"] == {"k": 1, **apod}
    entry = items[0]["binary"]["data"]
    assert entry["mimeType"] == "image/png" and entry["fileName"] == "M31_hd.png"
    assert base64.b64decode(entry["data"]) == PNG
    assert fake_server.last().query == {"date": ["2024-01-15"], "api_key": ["nasa-key"]}


def test_nasa_neo_lookup_browse_feed_donki(fake_server):
    fake_server.route("GET", "/neo/rest/v1/neo/3542519", (200, {}, {"id": "3542519", "close_approach_data": [1]}))
    items = output(nasa(fake_server, {"resource": "asteroidNeoLookup", "asteroidId": "3542519"}))
    assert items == [{"json": {"id": "3542519"}, "pairedItem": {"item": 0}}]

    fake_server.route("GET", "/neo/rest/v1/neo/browse", (200, {}, {"near_earth_objects": [{"id": "a"}, {"id": "b"}]}))
    items = output(nasa(fake_server, {"resource": "asteroidNeoBrowse", "operation": "getAll", "limit": 2}))
    assert [it["json"] for it in items] == [{"id": "a"}, {"id": "b"}]
    assert fake_server.last().query == {"size": ["2"], "api_key": ["nasa-key"]}
    err = error(nasa(fake_server, {"resource": "asteroidNeoBrowse", "operation": "getAll", "returnAll": True}))
    assert "not supported yet" in err["message"]

    feed = {"near_earth_objects": {"2024-01-02": [{"id": "x"}], "2024-01-01": [{"id": "y"}]}}
    fake_server.route("GET", "/neo/rest/v1/feed", (200, {}, feed))
    items = output(nasa(fake_server, {"resource": "asteroidNeoFeed",
                                      "additionalFields": {"startDate": "2024-01-01", "endDate": "2024-01-02"}}))
    assert [it["json"] for it in items] == [{"id": "x"}]
    assert fake_server.last().query == {"start_date": ["2024-01-01"], "end_date": ["2024-01-02"],
                                        "api_key": ["nasa-key"]}

    fake_server.route("GET", "/DONKI/IPS", (200, {}, [{"eventTime": "t"}]))
    params = {"resource": "donkiInterplanetaryShock",
              "additionalFields": {"startDate": "2024-01-01", "endDate": "2024-01-31", "location": "Earth"}}
    items = output(nasa(fake_server, params))
    assert [it["json"] for it in items] == [{"eventTime": "t"}]
    assert fake_server.last().query == {"startDate": ["2024-01-01"], "endDate": ["2024-01-31"], "location": ["Earth"],
                                        "catalog": ["ALL"], "api_key": ["nasa-key"]}


def test_nasa_earth_imagery_binary(fake_server):
    fake_server.route("GET", "/planetary/earth/imagery", (200, {"Content-Type": "image/png"}, PNG))
    params = {"resource": "earthImagery", "lat": 6.9, "lon": 79.8, "binaryPropertyName": "img",
              "additionalFields": {"date": "2024-02-01"}}
    items = output(nasa(fake_server, params, items=[{"json": {"a": 1}}]))
    assert items[0]["json"] == {"a": 1}
    assert base64.b64decode(items[0]["binary"]["img"]["data"]) == PNG
    assert fake_server.last().query == {"lat": ["6.9"], "lon": ["79.8"], "dim": ["0.025"], "date": ["2024-02-01"],
                                        "api_key": ["nasa-key"]}


def test_nasa_errors(fake_server):
    fake_server.route("GET", "/planetary/apod", (403, {}, {"error": {"code": "API_KEY_INVALID", "message": "bad"}}))
    err = error(nasa(fake_server, {"download": False}))
    assert err["message"].startswith("Forbidden")
    items = output(nasa(fake_server, {"download": False}, continue_on_fail=True))
    assert items == [{"json": {"error": err["message"]}, "pairedItem": {"item": 0}}]
    err = error(nasa(fake_server, {"resource": "earthImagery", "operation": "getAll"}))
    assert err["message"] == "NASA: operation 'earthImagery/getAll' is not supported yet"


# -- Raindrop ---------------------------------------------------------------------------------------

RD = {"raindropOAuth2Api": {"oauthTokenData": {"access_token": "rd-token"}}}


def rd(server, params, **kw):
    return run_service("n8n-nodes-base.raindrop", 1, params, credentials=RD, base_urls={"raindrop": server.url}, **kw)


def test_raindrop_collection_then_bookmark_create(fake_server):
    fake_server.route("POST", "/collection", (200, {}, {"result": True, "item": {"_id": 7, "title": "n8n-docs"}}))
    items = output(rd(fake_server, {"title": "n8n-docs", "operation": "create", "additionalFields": {}}))
    assert items == [{"json": {"_id": 7, "title": "n8n-docs"}, "pairedItem": {"item": 0}}]
    req = fake_server.last()
    assert req.headers["authorization"] == "Bearer rd-token" and req.headers["user-agent"] == "n8n"
    assert req.json == {"title": "n8n-docs"}

    fake_server.route("POST", "/raindrop", (200, {}, {"result": True, "item": {"_id": 9}}))
    params = {"link": "https://docs.n8n.io", "resource": "bookmark", "operation": "create", "collectionId": 7,
              "additionalFields": {"tags": "youtube, docs", "title": "Docs", "pleaseParse": True}}
    items = output(rd(fake_server, params))
    assert [it["json"] for it in items] == [{"_id": 9}]
    assert fake_server.last().json == {"link": "https://docs.n8n.io", "collection": {"$id": 7},
                                       "tags": ["youtube", "docs"], "title": "Docs", "pleaseParse": {}}


def test_raindrop_bookmark_update_get_delete(fake_server):
    fake_server.route("PUT", "/raindrop/9", (200, {}, {"result": True, "item": {"_id": 9, "title": "n8n Documentation"}}))
    items = output(rd(fake_server, {"resource": "bookmark", "operation": "update", "bookmarkId": "9",
                                    "updateFields": {"title": "n8n Documentation", "collectionId": "3"}}))
    assert [it["json"] for it in items] == [{"_id": 9, "title": "n8n Documentation"}]
    assert fake_server.last().json == {"title": "n8n Documentation", "collectionId": "3", "collection": {"$id": "3"}}
    err = error(rd(fake_server, {"resource": "bookmark", "operation": "update", "bookmarkId": "9", "updateFields": {}}))
    assert err["message"] == "Please enter at least one field to update for the bookmark."

    fake_server.route("GET", "/raindrop/9", (200, {}, {"result": True, "item": {"_id": 9}}))
    assert [it["json"] for it in output(rd(fake_server, {"resource": "bookmark", "bookmarkId": "9"}))] == [{"_id": 9}]
    fake_server.route("DELETE", "/raindrop/9", (200, {}, {"result": True}))
    items = output(rd(fake_server, {"resource": "bookmark", "operation": "delete", "bookmarkId": "9"}))
    assert [it["json"] for it in items] == [{"result": True}]


def test_raindrop_get_all_limits_user_and_tags(fake_server):
    fake_server.route("GET", "/raindrops/0", (200, {}, {"items": [{"_id": 1}, {"_id": 2}, {"_id": 3}]}))
    items = output(rd(fake_server, {"resource": "bookmark", "operation": "getAll", "collectionId": "0", "limit": 2}))
    assert [it["json"] for it in items] == [{"_id": 1}, {"_id": 2}]
    items = output(rd(fake_server, {"resource": "bookmark", "operation": "getAll", "collectionId": "0",
                                    "returnAll": True}))
    assert len(items) == 3
    fake_server.route("GET", "/collections/childrens", (200, {}, {"items": [{"_id": 5}]}))
    items = output(rd(fake_server, {"operation": "getAll", "type": "children"}))
    assert [it["json"] for it in items] == [{"_id": 5}]
    fake_server.route("GET", "/user/42", (200, {}, {"result": True, "user": {"_id": 42}}))
    assert output(rd(fake_server, {"resource": "user", "self": False, "userId": "42"}))[0]["json"] == {"_id": 42}
    fake_server.route("DELETE", "/tags/7", (200, {}, {"result": True}))
    output(rd(fake_server, {"resource": "tag", "operation": "delete", "tags": "a,b",
                            "additionalFields": {"collectionId": "7"}}))
    assert fake_server.last().json == {"tags": ["a", "b"]}


def test_raindrop_errors(fake_server):
    fake_server.route("GET", "/collection/1", (404, {}, {"result": False, "errorMessage": "not found"}))
    err = error(rd(fake_server, {"operation": "get", "collectionId": "1"}))
    assert err["message"].startswith("The resource you are requesting could not be found")
    items = output(rd(fake_server, {"operation": "get", "collectionId": "1"}, continue_on_fail=True))
    assert items == [{"json": {"error": err["message"]}, "pairedItem": {"item": 0}}]
    err = error(rd(fake_server, {"resource": "tag", "operation": "get"}))
    assert err["message"] == "Raindrop: operation 'tag/get' is not supported yet"
