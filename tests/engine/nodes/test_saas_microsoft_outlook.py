"""Microsoft Outlook node against a local fake of Microsoft Graph."""

from __future__ import annotations

import base64

from svc_harness import error, output, run_service

pytest_plugins = ("fakes",)

CREDS = {"microsoftOutlookOAuth2Api": {"oauthTokenData": {"access_token": "graph-token"}}}


def run(server, params, version=2, creds=CREDS, **kw):
    return run_service("n8n-nodes-base.microsoftOutlook", version, params, credentials=creds,
                       base_urls={"microsoft": server.url}, **kw)


def test_send_message_with_attachment(fake_server):
    fake_server.route("POST", "/me/sendMail", (202, {}, None))
    item = {"json": {}, "binary": {"data": {"data": base64.b64encode(b"PDF").decode(), "fileName": "a.pdf",
                                            "mimeType": "application/pdf"}}}
    params = {"toRecipients": "a@x.com, b@x.com", "subject": "Hi", "bodyContent": "<b>yo</b>",
              "additionalFields": {"bodyContentType": "html", "ccRecipients": "c@x.com",
                                   "attachments": {"attachments": [{"binaryPropertyName": "data"}]}}}
    items = output(run(fake_server, params, items=[item]))
    assert items == [{"json": {"success": True}, "pairedItem": {"item": 0}}]
    req = fake_server.last()
    assert req.headers["authorization"] == "Bearer graph-token"
    assert req.json == {"message": {
        "body": {"content": "<b>yo</b>", "contentType": "html"},
        "ccRecipients": [{"emailAddress": {"address": "c@x.com"}}],
        "subject": "Hi",
        "toRecipients": [{"emailAddress": {"address": "a@x.com"}}, {"emailAddress": {"address": "b@x.com"}}],
        "attachments": [{"@odata.type": "#microsoft.graph.fileAttachment", "name": "a.pdf",
                         "contentBytes": base64.b64encode(b"PDF").decode()}]}, "saveToSentItems": True}


def test_get_all_simple_with_filters_and_paging(fake_server):
    def messages(req):
        if req.arg("$skip"):
            return 200, {}, {"value": [{"id": "2", "subject": "B", "toRecipients": []}]}
        assert req.arg("$top") == "100"
        assert req.arg("$filter") == "(from/emailAddress/address eq 'boss@x.com' or from/emailAddress/name eq " \
                                     "'boss@x.com') and isRead eq false"
        assert req.arg("$select") == "id,conversationId,subject,bodyPreview,from,toRecipients,categories,hasAttachments"
        return 200, {}, {"value": [{"id": "1", "subject": "A", "from": {"emailAddress": {"address": "boss@x.com"}},
                                    "toRecipients": [{"emailAddress": {"address": "me@x.com"}}],
                                    "hasAttachments": False}],
                         "@odata.nextLink": f"{fake_server.url}/me/messages?$skip=1"}

    fake_server.route("GET", "/me/messages", messages)
    params = {"operation": "getAll", "returnAll": True,
              "filtersUI": {"values": {"filterBy": "filters",
                                       "filters": {"sender": "boss@x.com", "readStatus": "unread"}}}}
    items = output(run(fake_server, params))
    assert [it["json"] for it in items] == [
        {"id": "1", "subject": "A", "from": "boss@x.com", "to": ["me@x.com"], "hasAttachments": False},
        {"id": "2", "subject": "B", "to": []}]


def test_update_moves_then_patches_and_refreshes_token(fake_server):
    calls = []

    def patch(req):
        calls.append(req.headers["authorization"])
        if req.headers["authorization"] == "Bearer old":
            return 401, {}, {"error": {"code": "InvalidAuthenticationToken", "message": "expired"}}
        return 200, {}, {"id": "m1", "isRead": True}

    fake_server.route("PATCH", "/me/messages/m1", patch)
    fake_server.route("POST", "/me/messages/m1/move", (201, {}, {"id": "m1"}))
    creds = {"microsoftOutlookOAuth2Api": {"oauthTokenData": {"access_token": "old"}}}
    params = {"operation": "update", "messageId": {"__rl": True, "mode": "id", "value": "m1"},
              "updateFields": {"isRead": True, "folderId": {"__rl": True, "mode": "id", "value": "AQ%3D%3D"}}}
    items = output(run(fake_server, params, creds=creds,
                       refresh=lambda kind, ref: {"oauthTokenData": {"access_token": "new"}}))
    assert items[0]["json"] == {"id": "m1", "isRead": True}
    assert fake_server.last("POST").json == {"destinationId": "AQ=="}
    assert fake_server.last("PATCH").json == {"isRead": True}
    assert calls == ["Bearer old", "Bearer new"]


def test_reply_to_sender_and_event_create(fake_server):
    fake_server.route("POST", "/me/messages/m1/createReply", (201, {}, {"id": "r1"}))
    fake_server.route("POST", "/me/messages/r1/send", (202, {}, None))
    params = {"operation": "reply", "messageId": "m1", "replyToSenderOnly": True, "message": "Thanks"}
    items = output(run(fake_server, params))
    assert items[0]["json"] == {"id": "r1"}
    assert fake_server.last("POST", "/me/messages/m1/createReply").json == {"message": {"body": {"content": "Thanks"}}}
    assert fake_server.last().path == "/me/messages/r1/send"

    fake_server.route("POST", "/me/calendars/cal1/events", (201, {}, {"id": "e1"}))
    params = {"resource": "event", "operation": "create", "calendarId": {"__rl": True, "value": "cal1"},
              "subject": "Sync", "startDateTime": "2025-01-02T10:00:00", "endDateTime": "2025-01-02T11:00:00",
              "additionalFields": {"timeZone": "Europe/Berlin", "body": "Agenda"}}
    output(run(fake_server, params))
    assert fake_server.last().json == {"subject": "Sync", "start": {"dateTime": "2025-01-02T10:00:00",
                                                                    "timeZone": "Europe/Berlin"},
                                       "end": {"dateTime": "2025-01-02T11:00:00", "timeZone": "Europe/Berlin"},
                                       "body": {"content": "Agenda", "contentType": "html"}}


def test_shared_mailbox_v1_get_all_and_errors(fake_server):
    fake_server.route("GET", "/users/shared@x.com/mailFolders/inbox/messages",
                      (200, {}, {"value": [{"id": "1"}, {"id": "2"}]}))
    creds = {"microsoftOutlookOAuth2Api": {"oauthTokenData": {"access_token": "t"}, "useShared": True,
                                           "userPrincipalName": "shared@x.com"}}
    params = {"resource": "folderMessage", "operation": "getAll", "folderId": "inbox", "limit": 2,
              "additionalFields": {"fields": "id"}}
    items = output(run(fake_server, params, version=1, creds=creds))
    assert [it["json"] for it in items] == [{"id": "1"}, {"id": "2"}]
    assert fake_server.last().arg("$select") == "id" and fake_server.last().arg("$top") == "2"

    fake_server.route("POST", "/me/sendMail", (400, {}, {"error": {"code": "ErrorInvalidRecipients",
                                                                   "message": "At least one recipient is not valid."}}))
    err = error(run(fake_server, {"toRecipients": "bad", "subject": "s"}))
    assert err["message"] == "At least one recipient is not valid."
    assert "not supported yet" in error(run(fake_server, {"resource": "calendar", "operation": "create"}))["message"]
