"""OpenWeatherMap, Clearbit and WhatsApp nodes against local fakes."""

from __future__ import annotations

from svc_harness import error, output, run_service

pytest_plugins = ("fakes",)


def test_open_weather_map_current_weather(fake_server):
    weather = {"name": "Colombo", "main": {"temp": 30.1}}
    fake_server.route("GET", "/data/2.5/weather", (200, {}, weather))
    items = output(run_service("n8n-nodes-base.openWeatherMap", 1, {"cityName": "Colombo", "language": "en"},
                               credentials={"openWeatherMapApi": {"accessToken": "owm"}},
                               base_urls={"openWeatherMap": fake_server.url}))
    assert [it["json"] for it in items] == [weather]
    req = fake_server.last()
    assert req.query == {"APPID": ["owm"], "units": ["metric"], "q": ["Colombo"], "lang": ["en"]}


def test_open_weather_map_forecast_by_coordinates(fake_server):
    fake_server.route("GET", "/data/2.5/forecast", (200, {}, {"list": []}))
    params = {"operation": "5DayForecast", "locationSelection": "coordinates", "latitude": "6.9", "longitude": "79.8",
              "format": "imperial"}
    output(run_service("n8n-nodes-base.openWeatherMap", 1, params, credentials={"openWeatherMapApi": {"accessToken": "k"}},
                       base_urls={"openWeatherMap": fake_server.url}))
    assert fake_server.last().arg("lat") == "6.9" and fake_server.last().arg("units") == "imperial"


def test_clearbit_person_enrich_and_company_autocomplete(fake_server):
    fake_server.route("GET", "/v2/people/find", (200, {}, {"id": "p1", "email": "a@x.io"}))
    params = {"resource": "person", "email": "a@x.io", "additionalFields": {"givenName": "Ann"}}
    items = output(run_service("n8n-nodes-base.clearbit", 1, params, credentials={"clearbitApi": {"apiKey": "sk"}},
                               base_urls={"clearbit": fake_server.url}))
    assert items == [{"json": {"id": "p1", "email": "a@x.io"}, "pairedItem": {"item": 0}}]
    req = fake_server.last()
    assert req.headers["authorization"] == "Bearer sk"
    assert req.query == {"email": ["a@x.io"], "given_name": ["Ann"]}
    fake_server.route("GET", "/v1/companies/suggest", (200, {}, [{"name": "Acme", "domain": "acme.com"},
                                                                 {"name": "Acme2", "domain": "acme2.com"}]))
    items = output(run_service("n8n-nodes-base.clearbit", 1, {"operation": "autocomplete", "name": "acme"},
                               credentials={"clearbitApi": {"apiKey": "sk"}}, base_urls={"clearbit": fake_server.url}))
    assert [it["json"]["domain"] for it in items] == ["acme.com", "acme2.com"]


WA = {"whatsAppApi": {"accessToken": "wa-token", "businessAccountId": "b1"}}
SENT = {"messaging_product": "whatsapp", "contacts": [{"input": "94771234567", "wa_id": "94771234567"}],
        "messages": [{"id": "wamid.1"}]}


def test_whatsapp_send_text(fake_server):
    fake_server.route("POST", "/111/messages", (200, {}, SENT))
    params = {"operation": "send", "phoneNumberId": "111", "recipientPhoneNumber": "+94-77-1234567",
              "textBody": "hello", "additionalFields": {"previewUrl": True}}
    items = output(run_service("n8n-nodes-base.whatsApp", 1, params, credentials=WA,
                               base_urls={"whatsApp": fake_server.url}))
    assert items == [{"json": SENT, "pairedItem": {"item": 0}}]
    req = fake_server.last()
    assert req.headers["authorization"] == "Bearer wa-token"
    assert req.json == {"messaging_product": "whatsapp", "to": "94771234567", "type": "text",
                        "text": {"body": "hello", "preview_url": True}}


def test_whatsapp_default_template_and_image_link(fake_server):
    fake_server.route("POST", "/111/messages", (200, {}, SENT))
    params = {"phoneNumberId": "111", "recipientPhoneNumber": "123", "template": "hello_world|en_US"}
    output(run_service("n8n-nodes-base.whatsApp", 1.1, params, credentials=WA, base_urls={"whatsApp": fake_server.url}))
    assert fake_server.last().json == {"messaging_product": "whatsapp", "to": "123", "type": "template",
                                       "template": {"name": "hello_world", "language": {"code": "en_US"}}}
    params = {"operation": "send", "phoneNumberId": "111", "recipientPhoneNumber": "123", "messageType": "image",
              "mediaLink": "https://img.example/a.png", "additionalFields": {"mediaCaption": "A"}}
    output(run_service("n8n-nodes-base.whatsApp", 1, params, credentials=WA, base_urls={"whatsApp": fake_server.url}))
    assert fake_server.last().json["image"] == {"link": "https://img.example/a.png", "caption": "A"}


def test_whatsapp_media_url_and_binary_upload_unsupported(fake_server):
    fake_server.route("GET", "/m1", (200, {}, {"url": "https://lookaside/x", "mime_type": "image/png", "id": "m1"}))
    items = output(run_service("n8n-nodes-base.whatsApp", 1, {"resource": "media", "operation": "mediaUrlGet",
                                                              "mediaGetId": "m1"},
                               credentials=WA, base_urls={"whatsApp": fake_server.url}))
    assert items[0]["json"]["url"] == "https://lookaside/x"
    params = {"operation": "send", "phoneNumberId": "111", "recipientPhoneNumber": "1", "messageType": "image",
              "mediaPath": "useMedian8n"}
    err = error(run_service("n8n-nodes-base.whatsApp", 1, params, credentials=WA, base_urls={"whatsApp": fake_server.url}))
    assert "not supported yet" in err["message"]
