"""Microsoft Teams and Microsoft OneDrive nodes against a local fake of Microsoft Graph."""

from __future__ import annotations

import base64

from svc_harness import error, output, run_service

pytest_plugins = ("fakes",)

DRIVE_CREDS = {"microsoftOneDriveOAuth2Api": {"oauthTokenData": {"access_token": "drive-token"}}}
TEAMS_CREDS = {"microsoftTeamsOAuth2Api": {"oauthTokenData": {"access_token": "teams-token"}}}


def drive(server, params, creds=DRIVE_CREDS, **kw):
    return run_service("n8n-nodes-base.microsoftOneDrive", 1, params, credentials=creds,
                       base_urls={"microsoft": server.url}, **kw)


def _binary(data: bytes, name: str | None, mime: str) -> dict:
    entry = {"data": base64.b64encode(data).decode(), "mimeType": mime}
    if name is not None:
        entry["fileName"] = name
    return entry


# -- OneDrive ------------------------------------------------------------------------------------

def test_drive_upload_binary_uses_binary_file_name(fake_server):
    fake_server.route("PUT", "/me/drive/items/root:/my%20photo.jpg:/content",
                      (201, {"Content-Type": "application/json"}, {"id": "F1", "name": "my photo.jpg"}))
    item = {"json": {"a": 1}, "binary": {"data": _binary(b"JPEG", "my photo.jpg", "image/jpeg")}}
    params = {"fileName": "ignored.jpg", "parentId": "root", "binaryData": True}
    items = output(drive(fake_server, params, items=[item]))
    assert items == [{"json": {"id": "F1", "name": "my photo.jpg"}, "pairedItem": {"item": 0}}]
    req = fake_server.last()
    assert req.headers["authorization"] == "Bearer drive-token"
    assert req.headers["content-type"] == "image/jpeg" and req.body == b"JPEG"


def test_drive_upload_binary_parameter_name_when_binary_has_none(fake_server):
    fake_server.route("PUT", "/me/drive/items/P1:/r%C3%A9sum%C3%A9%20(1).txt:/content", (200, {}, {"id": "F2"}))
    item = {"json": {}, "binary": {"file": _binary(b"x", None, "text/plain")}}
    params = {"fileName": "résumé (1).txt", "parentId": "P1", "binaryData": True, "binaryPropertyName": "file"}
    assert output(drive(fake_server, params, items=[item]))[0]["json"] == {"id": "F2"}


def test_drive_upload_text_and_missing_name(fake_server):
    fake_server.route("PUT", "/me/drive/items/P1:/notes.txt:/content", (201, {}, {"id": "T1", "size": 5}))
    items = output(drive(fake_server, {"fileName": "notes.txt", "parentId": "P1", "fileContent": "hello"}))
    assert items == [{"json": {"id": "T1", "size": 5}, "pairedItem": {"item": 0}}]
    req = fake_server.last()
    assert req.headers["content-type"] == "text/plain" and req.body == b"hello"
    err = error(drive(fake_server, {"fileName": "", "parentId": "P1", "fileContent": "x"}))
    assert err["message"] == "File name must be set!"
    items = output(drive(fake_server, {"fileName": "", "parentId": "P1"}, continue_on_fail=True))
    assert items == [{"json": {"error": "File name must be set!"}, "pairedItem": {"item": 0}}]


def test_drive_upload_binary_missing(fake_server):
    err = error(drive(fake_server, {"fileName": "a", "parentId": "root", "binaryData": True}))
    assert err["message"] == "No binary data exists on item!"


def test_drive_download_attaches_file_to_input_item(fake_server):
    fake_server.route("GET", "/me/drive/items/549D!2087", (200, {}, {
        "id": "549D!2087", "name": "report.pdf", "file": {"mimeType": "application/pdf"},
        "@microsoft.graph.downloadUrl": f"{fake_server.url}/direct/report.pdf"}))
    fake_server.route("GET", "/me/drive/items/549D!2087/content",
                      (302, {"Location": f"{fake_server.url}/direct/report.pdf"}, b""))
    fake_server.route("GET", "/direct/report.pdf", (200, {"Content-Type": "application/octet-stream"}, b"%PDF-1"))
    old = _binary(b"old", "old.txt", "text/plain")
    items = output(drive(fake_server, {"fileId": "549D!2087", "operation": "download"},
                         items=[{"json": {"k": 1}, "binary": {"other": old}}]))
    assert len(items) == 1 and items[0]["json"] == {"k": 1} and items[0]["binary"]["other"] == old
    data = items[0]["binary"]["data"]
    assert data["fileName"] == "report.pdf" and data["mimeType"] == "application/pdf"
    assert base64.b64decode(data["data"]) == b"%PDF-1"
    assert [r.path for r in fake_server.requests] == ["/me/drive/items/549D!2087",
                                                      "/me/drive/items/549D!2087/content", "/direct/report.pdf"]


def test_drive_download_falls_back_to_download_url_and_header_mime(fake_server):
    fake_server.route("GET", "/me/drive/items/X", (200, {}, {
        "name": "a.bin", "file": {}, "@microsoft.graph.downloadUrl": f"{fake_server.url}/pre/a"}))
    fake_server.route("GET", "/me/drive/items/X/content", (503, {}, {"error": {"message": "busy"}}))
    fake_server.route("GET", "/pre/a", (200, {"Content-Type": "text/csv"}, b"a,b"))
    items = output(drive(fake_server, {"fileId": "X", "operation": "download", "binaryPropertyName": "f"}))
    assert items[0]["binary"]["f"]["mimeType"] == "text/csv"
    assert "authorization" not in fake_server.last().headers


def test_drive_download_folder_id_fails(fake_server):
    fake_server.route("GET", "/me/drive/items/D", (200, {}, {"id": "D", "name": "docs", "folder": {"childCount": 1}}))
    err = error(drive(fake_server, {"fileId": "D", "operation": "download"}))
    assert err["message"] == "The ID you provided does not belong to a file."
    items = output(drive(fake_server, {"fileId": "D", "operation": "download"}, continue_on_fail=True,
                         items=[{"json": {"k": 1}}]))
    assert items == [{"json": {"error": "The ID you provided does not belong to a file."}, "pairedItem": {"item": 0}}]


def test_drive_rename_get_delete_share_copy(fake_server):
    fake_server.route("PATCH", "/me/drive/items/I1", (200, {}, {"id": "I1", "name": "new.jpg"}))
    fake_server.route("GET", "/me/drive/items/I1", (200, {}, {"id": "I1", "name": "new.jpg"}))
    fake_server.route("DELETE", "/me/drive/items/I1", (204, {}, b""))
    fake_server.route("POST", "/me/drive/items/I1/createLink", (201, {}, {"link": {"webUrl": "https://1drv.ms/x"}}))
    fake_server.route("POST", "/me/drive/items/I1/copy",
                      (202, {"Location": "https://graph/monitor/1"}, b""))
    items = output(drive(fake_server, {"itemId": "I1", "newName": "new.jpg", "operation": "rename"}))
    assert items == [{"json": {"id": "I1", "name": "new.jpg"}, "pairedItem": {"item": 0}}]
    assert fake_server.last().json == {"name": "new.jpg"}
    assert output(drive(fake_server, {"fileId": "I1", "operation": "get"}))[0]["json"]["name"] == "new.jpg"
    assert output(drive(fake_server, {"folderId": "I1", "operation": "delete", "resource": "folder"}))[0]["json"] == {
        "success": True}
    share = {"fileId": "I1", "operation": "share", "type": "view", "scope": "anonymous"}
    assert output(drive(fake_server, share))[0]["json"] == {"link": {"webUrl": "https://1drv.ms/x"}}
    assert fake_server.last().json == {"type": "view", "scope": "anonymous"}
    copy = {"fileId": "I1", "operation": "copy", "parentReference": {"id": "P2"}, "additionalFields": {"name": "c"}}
    assert output(drive(fake_server, copy))[0]["json"] == {"location": "https://graph/monitor/1"}
    assert fake_server.last().json == {"parentReference": {"id": "P2"}, "name": "c"}


def test_drive_folder_create_nested(fake_server):
    fake_server.route("POST", "/me/drive/root/children", (201, {}, {"id": "A", "name": "n8n"}))
    fake_server.route("POST", "/me/drive/items/A/children", (201, {}, {"id": "B", "name": "rocks"}))
    items = output(drive(fake_server, {"name": "n8n//rocks", "options": {}, "resource": "folder",
                                       "operation": "create"}))
    assert items == [{"json": {"id": "B", "name": "rocks"}, "pairedItem": {"item": 0}}]
    assert [r.json for r in fake_server.requests] == [{"name": "n8n", "folder": {}}, {"name": "rocks", "folder": {}}]


def test_drive_get_children_and_search_paginate(fake_server):
    def children(req):
        if req.arg("$skiptoken"):
            assert req.arg("$top") == "100"  # the next link has no $top: n8n keeps sending it
            return 200, {}, {"value": [{"id": "3", "file": {}}]}
        assert req.arg("$top") == "100"
        return 200, {}, {"value": [{"id": "1", "folder": {}}, {"id": "2", "file": {}}],
                         "@odata.nextLink": f"{fake_server.url}/me/drive/items/F/children?$skiptoken=s1"}

    fake_server.route("GET", "/me/drive/items/F/children", children)
    items = output(drive(fake_server, {"resource": "folder", "folderId": "F"}))
    assert [it["json"]["id"] for it in items] == ["1", "2", "3"]

    def search(req):
        if req.arg("$skiptoken"):
            assert req.arg("$top") == "5"
            return 200, {}, {"value": [{"id": "c", "folder": {}}]}
        return 200, {}, {"value": [{"id": "a", "file": {}}, {"id": "b", "folder": {}}],
                         "@odata.nextLink": f"{fake_server.url}/me/drive/root/search(q='rep')?$top=5&$skiptoken=t"}

    fake_server.route("GET", "/me/drive/root/search(q='rep')", search)
    items = output(drive(fake_server, {"resource": "folder", "operation": "search", "query": "rep"}))
    assert [it["json"]["id"] for it in items] == ["b", "c"]
    items = output(drive(fake_server, {"operation": "search", "query": "rep"}))
    assert [it["json"]["id"] for it in items] == ["a"]


def test_drive_api_error_and_unsupported(fake_server):
    fake_server.route("GET", "/me/drive/items/missing", (404, {}, {
        "error": {"code": "itemNotFound", "message": "The resource could not be found."}}))
    err = error(drive(fake_server, {"fileId": "missing", "operation": "get"}))
    assert err["message"] == "The resource you are requesting could not be found"
    assert err["description"] == "The resource could not be found."
    items = output(drive(fake_server, {"fileId": "missing", "operation": "get"}, continue_on_fail=True))
    assert items == [{"json": {"error": "The resource you are requesting could not be found"},
                      "pairedItem": {"item": 0}}]
    err = error(drive(fake_server, {"resource": "folder", "operation": "move"}))
    assert err["message"] == "Microsoft OneDrive: operation 'folder/move' is not supported yet"


# -- Teams ---------------------------------------------------------------------------------------

def teams(server, params, version=2, creds=TEAMS_CREDS, **kw):
    return run_service("n8n-nodes-base.microsoftTeams", version, params, credentials=creds,
                       base_urls={"microsoft": f"{server.url}/v1.0"}, **kw)


POWERED = ('<br><br><em> Powered by <a href="http://localhost:5678/workflow/?utm_source=n8n-internal'
           '&utm_medium=powered_by&utm_campaign=n8n-nodes-base.microsoftTeams">this n8n workflow</a> </em>')
TEAM = "ebfd67d4-df6b-4ea2-9faf-81ec059170ad"
CHANNEL = "19:c29@thread.tacv2"


def test_teams_v2_channel_message_create_html_with_link(fake_server):
    path = f"/beta/teams/{TEAM}/channels/{CHANNEL}/messages"
    fake_server.route("POST", path, (201, {}, {"id": "m1", "body": {"contentType": "html"}}))
    params = {"teamId": {"__rl": True, "mode": "list", "value": TEAM}, "message": "Hi<br>there", "options": {},
              "resource": "channelMessage", "channelId": {"__rl": True, "mode": "id", "value": CHANNEL},
              "contentType": "html"}
    items = output(teams(fake_server, params))
    assert items == [{"json": {"id": "m1", "body": {"contentType": "html"}}, "pairedItem": {"item": 0}}]
    req = fake_server.last()
    assert req.headers["authorization"] == "Bearer teams-token"
    assert req.json == {"body": {"contentType": "html", "content": "Hi<br>there" + POWERED}}


def test_teams_v2_channel_message_reply_without_link(fake_server):
    fake_server.route("POST", f"/beta/teams/{TEAM}/channels/{CHANNEL}/messages/p1/replies", (201, {}, {"id": "r"}))
    params = {"teamId": {"__rl": True, "mode": "id", "value": TEAM}, "message": "ok", "resource": "channelMessage",
              "channelId": {"__rl": True, "mode": "id", "value": CHANNEL},
              "options": {"includeLinkToWorkflow": False, "makeReply": "p1"}}
    assert output(teams(fake_server, params))[0]["json"] == {"id": "r"}
    assert fake_server.last().json == {"body": {"contentType": "text", "content": "ok"}}


def test_teams_v2_channel_message_get_all_pages_then_limit(fake_server):
    path = f"/beta/teams/{TEAM}/channels/{CHANNEL}/messages"

    def messages(req):
        if req.arg("$skiptoken"):
            return 200, {}, {"value": [{"id": "3"}, {"id": "4"}]}
        assert req.query == {}
        return 200, {}, {"value": [{"id": "1"}, {"id": "2"}], "@odata.nextLink": f"{fake_server.url}{path}?$skiptoken=a"}

    fake_server.route("GET", path, messages)
    params = {"teamId": {"__rl": True, "mode": "id", "value": TEAM}, "resource": "channelMessage",
              "channelId": {"__rl": True, "mode": "id", "value": CHANNEL}, "operation": "getAll", "limit": 3}
    items = output(teams(fake_server, params))
    assert items == [{"json": {"id": str(n)}, "pairedItem": {"item": 0}} for n in (1, 2, 3)]
    assert len(fake_server.requests) == 2  # n8n reads every page before cutting
    params["returnAll"] = True
    assert len(output(teams(fake_server, params))) == 4


def test_teams_v11_chat_message_create_default_link_and_v1_none(fake_server):
    chat = "19:3a9e@unq.gbl.spaces"
    fake_server.route("POST", f"/v1.0/chats/{chat}/messages", (201, {}, {"id": "c1"}))
    params = {"chatId": chat, "message": "<b>Ticket</b>", "options": {}, "resource": "chatMessage",
              "messageType": "html"}
    assert output(teams(fake_server, params, version=1.1))[0]["json"] == {"id": "c1"}
    assert fake_server.last().json == {"body": {"contentType": "html", "content": "<b>Ticket</b>" + POWERED}}
    output(teams(fake_server, {**params, "messageType": "text"}, version=1))
    assert fake_server.last().json == {"body": {"contentType": "text", "content": "<b>Ticket</b>"}}


def test_teams_v1_channel_create_update_and_message(fake_server):
    team = "d6b83b00-085d-472c-a6d9-8c2c32c1424e"
    fake_server.route("POST", f"/v1.0/teams/{team}/channels", (201, {}, {"id": "ch1", "displayName": "docs"}))
    fake_server.route("PATCH", f"/v1.0/teams/{team}/channels/ch1", (204, {}, b""))
    fake_server.route("POST", f"/beta/teams/{team}/channels/ch1/messages", (201, {}, {"id": "m"}))
    items = output(teams(fake_server, {"name": "docs", "teamId": team, "options": {"description": "d",
                                                                                   "type": "private"}}, version=1))
    assert items == [{"json": {"id": "ch1", "displayName": "docs"}, "pairedItem": {"item": 0}}]
    assert fake_server.last().json == {"displayName": "docs", "description": "d", "membershipType": "private"}
    params = {"teamId": team, "channelId": "ch1", "operation": "update", "updateFields": {"name": "n8n-docs"}}
    assert output(teams(fake_server, params, version=1))[0]["json"] == {"success": True}
    assert fake_server.last().json == {"displayName": "n8n-docs"}
    params = {"teamId": team, "message": "n8n rocks!", "resource": "channelMessage", "channelId": "ch1",
              "messageType": "text"}
    output(teams(fake_server, params, version=1))
    assert fake_server.last().json == {"body": {"contentType": "text", "content": "n8n rocks!"}}


def test_teams_v2_channel_get_all_get_delete(fake_server):
    fake_server.route("GET", f"/v1.0/teams/{TEAM}/channels", (200, {}, {"value": [{"id": "a"}, {"id": "b"}]}))
    fake_server.route("GET", f"/v1.0/teams/{TEAM}/channels/a", (200, {}, {"id": "a"}))
    fake_server.route("DELETE", f"/v1.0/teams/{TEAM}/channels/a", (204, {}, b""))
    fake_server.route("PATCH", f"/v1.0/teams/{TEAM}/channels/a", (204, {}, b""))
    rl = {"__rl": True, "mode": "id", "value": TEAM}
    ch = {"__rl": True, "mode": "id", "value": "a"}
    items = output(teams(fake_server, {"teamId": rl, "operation": "getAll", "limit": 1}))
    assert [it["json"] for it in items] == [{"id": "a"}]
    assert output(teams(fake_server, {"teamId": rl, "channelId": ch, "operation": "get"}))[0]["json"] == {"id": "a"}
    deleted = output(teams(fake_server, {"teamId": rl, "channelId": ch, "operation": "deleteChannel"}))
    assert deleted == [{"json": {"success": True}, "pairedItem": {"item": 0}}]
    params = {"teamId": rl, "channelId": ch, "operation": "update", "name": "", "options": {"description": "x"}}
    assert output(teams(fake_server, params))[0]["json"] == {"success": True}
    assert fake_server.last().json == {"description": "x"}


def test_teams_v2_errors(fake_server):
    not_found = {"error": {"code": "NotFound", "message": "Resource not found"}}
    fake_server.route("GET", "/v1.0/chats/c/messages", (404, {}, not_found))
    fake_server.route("GET", f"/v1.0/teams/{TEAM}/channels/x", (404, {}, not_found))
    fake_server.route("POST", "/v1.0/chats/c/messages", (403, {}, {"error": {
        "code": "Forbidden", "message": "Missing scope permissions on the request."}}))
    params = {"chatId": {"__rl": True, "mode": "id", "value": "c"}, "resource": "chatMessage", "operation": "getAll",
              "returnAll": True}
    err = error(teams(fake_server, params))
    assert err["message"] == "ChatMessage not found" and err["description"] == "Resource not found"
    err = error(teams(fake_server, {**params, "operation": "create", "message": "m"}))
    assert err["message"] == "Missing scope permissions on the request."
    items = output(teams(fake_server, {**params, "operation": "create", "message": "m"}, continue_on_fail=True))
    assert items == [{"json": {"error": "Missing scope permissions on the request."}, "pairedItem": {"item": 0}}]
    rl = {"__rl": True, "mode": "id", "value": TEAM}
    err = error(teams(fake_server, {"teamId": rl, "channelId": "x", "operation": "get"}))
    assert err["message"] == "The channel you are trying to get doesn't exist"
    assert err["description"] == "Check that the 'Channel' parameter is correctly set"


def test_teams_v1_error_and_unsupported(fake_server):
    fake_server.route("GET", "/v1.0/chats/c/messages/m", (404, {}, {"error": {"code": "NotFound",
                                                                             "message": "Resource not found"}}))
    params = {"chatId": "c", "messageId": "m", "resource": "chatMessage", "operation": "get"}
    err = error(teams(fake_server, params, version=1))
    assert err["message"] == "The resource you are requesting could not be found"
    items = output(teams(fake_server, params, version=1, continue_on_fail=True))
    assert items == [{"json": {"error": "The resource you are requesting could not be found"},
                      "pairedItem": {"item": 0}}]
    err = error(teams(fake_server, {"resource": "chatMessage", "operation": "sendAndWait"}))
    assert err["message"] == "Microsoft Teams: operation 'chatMessage/sendAndWait' is not supported yet"
    err = error(teams(fake_server, {"resource": "channel", "operation": "delete"}))
    assert "not supported yet" in err["message"]


def test_teams_v2_task_create_update_delete(fake_server):
    fake_server.route("POST", "/v1.0/planner/tasks", (201, {}, {"id": "t1", "title": "Do"}))
    fake_server.route("GET", "/v1.0/planner/tasks/t1", (200, {}, {"id": "t1", "@odata.etag": 'W/"abc"'}))
    fake_server.route("PATCH", "/v1.0/planner/tasks/t1", (204, {}, b""))
    fake_server.route("DELETE", "/v1.0/planner/tasks/t1", (204, {}, b""))
    params = {"resource": "task", "planId": {"__rl": True, "mode": "id", "value": "P"},
              "bucketId": {"__rl": True, "mode": "id", "value": "B"}, "title": "Do",
              "options": {"assignedTo": {"__rl": True, "mode": "id", "value": "U1"}, "percentComplete": 50}}
    assert output(teams(fake_server, params))[0]["json"] == {"id": "t1", "title": "Do"}
    assert fake_server.last().json == {"planId": "P", "bucketId": "B", "title": "Do", "percentComplete": 50,
                                       "assignments": {"U1": {"@odata.type": "microsoft.graph.plannerAssignment",
                                                              "orderHint": " !"}}}
    params = {"resource": "task", "operation": "update", "taskId": {"__rl": True, "mode": "id", "value": "t1"},
              "updateFields": {"groupId": "G", "title": "Done", "bucketId": {"__rl": True, "mode": "id", "value": "B2"}}}
    assert output(teams(fake_server, params))[0]["json"] == {"success": True}
    req = fake_server.last()
    assert req.method == "PATCH" and req.headers["if-match"] == 'W/"abc"'
    assert req.json == {"title": "Done", "bucketId": "B2"}
    items = output(teams(fake_server, {"resource": "task", "operation": "deleteTask", "taskId": "t1"}))
    assert items == [{"json": {"success": True}, "pairedItem": {"item": 0}}]
    assert fake_server.last().method == "DELETE" and fake_server.last().headers["if-match"] == 'W/"abc"'


def test_teams_task_get_all_member_and_plan(fake_server):
    fake_server.route("GET", "/v1.0/me", (200, {}, {"id": "me1"}))
    fake_server.route("GET", "/v1.0/users/me1/planner/tasks", (200, {}, {"value": [{"id": "a"}, {"id": "b"}]}))
    fake_server.route("GET", "/v1.0/users/u9/planner/tasks", (200, {}, {"value": [{"id": "c"}]}))
    fake_server.route("GET", "/v1.0/planner/plans/P/tasks", (200, {}, {"value": [{"id": "d"}]}))
    items = output(teams(fake_server, {"resource": "task", "operation": "getAll", "limit": 1}))
    assert [it["json"] for it in items] == [{"id": "a"}]
    items = output(teams(fake_server, {"resource": "task", "operation": "getAll", "memberId": "u9", "returnAll": True},
                         version=1))
    assert [it["json"] for it in items] == [{"id": "c"}]
    items = output(teams(fake_server, {"resource": "task", "operation": "getAll", "tasksFor": "plan",
                                       "planId": {"__rl": True, "mode": "id", "value": "P"}}))
    assert [it["json"] for it in items] == [{"id": "d"}]


def test_teams_v1_task_create_labels(fake_server):
    fake_server.route("POST", "/v1.0/planner/tasks", (201, {}, {"id": "t2"}))
    params = {"resource": "task", "planId": "P", "bucketId": "B", "title": "T",
              "additionalFields": {"labels": ["category1", "category3"], "assignedTo": "U"}}
    output(teams(fake_server, params, version=1))
    assert fake_server.last().json == {
        "planId": "P", "bucketId": "B", "title": "T", "labels": ["category1", "category3"],
        "assignments": {"U": {"@odata.type": "microsoft.graph.plannerAssignment", "orderHint": " !"}},
        "appliedCategories": [{"category1": True}, {"category3": True}]}
