"""GitLab and Rocket.Chat nodes against local fakes of their REST APIs."""

from __future__ import annotations

import base64

from svc_harness import error, output, run_service

pytest_plugins = ("fakes",)

GL = {"gitlabApi": {"server": "https://gitlab.example.com", "accessToken": "gl-token"}}
PROJECT = "/api/v4/projects/grp%2Fsub%2Fbackups"


def gl(server, params, **kw):
    return run_service("n8n-nodes-base.gitlab", 1, params, credentials=kw.pop("credentials", GL),
                       base_urls={"gitlab": server.url}, **kw)


def _authed(req) -> None:
    assert req.headers["private-token"] == "gl-token"


def test_gitlab_file_create_as_in_corpus(fake_server):
    answer = {"file_path": "wf/a b.json", "branch": "main"}
    fake_server.route("POST", f"{PROJECT}/repository/files/wf%2Fa%20b.json", (201, {}, answer))
    params = {"resource": "file", "owner": "grp/sub", "repository": "backups", "filePath": "wf/a b.json",
              "branch": "main", "fileContent": '{"x": 1}', "commitMessage": "Backup",
              "additionalParameters": {"author": {"name": "n8n", "email": "noreply@example.com"},
                                       "branchStart": {"branchStart": "dev"}, "encoding": {"encoding": "base64"}}}
    items = output(gl(fake_server, params))
    assert items == [{"json": answer, "pairedItem": {"item": 0}}]
    req = fake_server.last()
    _authed(req)
    # n8n compares the encoding fixedCollection itself with 'base64', so the text is sent as it is
    assert req.json == {"branch": "main", "commit_message": "Backup", "author_name": "n8n",
                        "author_email": "noreply@example.com", "start_branch": "dev", "content": '{"x": 1}'}


def test_gitlab_file_edit_binary_and_delete(fake_server):
    path = f"{PROJECT}/repository/files/f.bin"
    fake_server.route("PUT", path, (200, {}, {"file_path": "f.bin", "branch": "main"}))
    fake_server.route("DELETE", path, (204, {}, None))
    data = base64.b64encode(b"\x00\x01").decode()
    items = [{"json": {}, "binary": {"data": {"data": data, "mimeType": "application/octet-stream"}}}]
    params = {"resource": "file", "operation": "edit", "owner": "grp/sub", "repository": "backups",
              "filePath": "f.bin", "branch": "main", "commitMessage": "m", "binaryData": True,
              "additionalParameters": {}}
    assert output(gl(fake_server, params, items=items))[0]["json"] == {"file_path": "f.bin", "branch": "main"}
    assert fake_server.last().json == {"branch": "main", "commit_message": "m", "content": data,
                                       "encoding": "base64"}
    params = {"resource": "file", "operation": "delete", "owner": "grp/sub", "repository": "backups",
              "filePath": "f.bin", "branch": "main", "commitMessage": "rm"}
    assert output(gl(fake_server, params)) == [{"json": {}, "pairedItem": {"item": 0}}]
    req = fake_server.last()
    assert req.method == "DELETE" and req.json == {"branch": "main", "commit_message": "rm"}


def test_gitlab_file_get_json_and_binary(fake_server):
    content = base64.b64encode(b'{"name": "wf"}').decode()
    answer = {"file_name": "wf.json", "file_path": "dir/wf.json", "content": content, "encoding": "base64"}
    fake_server.route("GET", f"{PROJECT}/repository/files/dir%2Fwf.json", (200, {}, answer))
    params = {"resource": "file", "operation": "get", "owner": "grp/sub", "repository": "backups",
              "filePath": "dir/wf.json", "asBinaryProperty": False, "additionalParameters": {"reference": "main"}}
    assert output(gl(fake_server, params)) == [{"json": answer, "pairedItem": {"item": 0}}]
    assert fake_server.last().query == {"ref": ["main"]}
    # asBinaryProperty defaults to true; without a reference n8n asks for ref=master
    params = {"resource": "file", "operation": "get", "owner": "grp/sub", "repository": "backups",
              "filePath": "dir/wf.json", "binaryPropertyName": "file", "additionalParameters": {}}
    items = output(gl(fake_server, params, items=[{"json": {"id": 1}}, {"json": {"id": 2}}]))
    assert fake_server.last().query == {"ref": ["master"]}
    assert len([r for r in fake_server.requests if r.method == "GET"]) == 2  # n8n returns after item 0
    assert [it["json"] for it in items] == [{"id": 1}, {"id": 2}]
    # n8n reads `path` of the answer (GitLab names it file_path), so the entry gets no file name
    assert items[0]["binary"]["file"] == {"mimeType": "text/plain", "fileType": "text", "data": content,
                                          "fileSize": "14 B"}
    assert "binary" not in items[1]


def test_gitlab_file_list_return_all_and_limit(fake_server):
    tree = f"{PROJECT}/repository/tree"

    def pages(req):
        assert req.arg("per_page") == "100" and req.arg("path") == "wf" and req.arg("ref") == "main"
        page = int(req.arg("page"))
        link = {"Link": f'<{fake_server.url}{tree}?page=2>; rel="next"'} if page == 1 else {}
        return 200, link, [{"name": f"f{page}", "type": "blob"}]

    fake_server.route("GET", tree, pages)
    params = {"resource": "file", "operation": "list", "owner": "grp/sub", "repository": "backups",
              "filePath": "wf", "returnAll": True, "additionalParameters": {"ref": "main"}}
    items = output(gl(fake_server, params))
    assert items == [{"json": {"name": "f1", "type": "blob"}, "pairedItem": {"item": 0}},
                     {"json": {"name": "f2", "type": "blob"}, "pairedItem": {"item": 0}}]
    fake_server.route("GET", tree, (200, {}, [{"name": "a"}]))
    params = {"resource": "file", "operation": "list", "owner": "grp/sub", "repository": "backups",
              "filePath": "", "limit": 5, "page": 3, "additionalParameters": {"recursive": True}}
    assert [it["json"] for it in output(gl(fake_server, params))] == [{"name": "a"}]
    assert fake_server.last().query == {"recursive": ["true"], "per_page": ["5"], "page": ["3"]}


def test_gitlab_issue_create_and_lock_passes_items_through(fake_server):
    issue = {"iid": 7, "title": "Upstream release: v2"}
    fake_server.route("POST", "/api/v4/projects/txlab%2Flinkcheck/issues", (201, {}, issue))
    params = {"owner": "txlab", "repository": "linkcheck", "title": "Upstream release: v2", "body": "notes",
              "labels": [{"label": "release"}, {"label": "bot"}], "assignee_ids": [{"assignee": 3}]}
    assert output(gl(fake_server, params)) == [{"json": issue, "pairedItem": {"item": 0}}]
    assert fake_server.last().json == {"title": "Upstream release: v2", "description": "notes", "due_date": "",
                                       "labels": "release,bot", "assignee_ids": [3]}
    fake_server.route("PUT", "/api/v4/projects/txlab%2Flinkcheck/issues/7", (200, {}, issue))
    params = {"resource": "issue", "operation": "lock", "owner": "txlab", "repository": "linkcheck",
              "issueNumber": 7}
    items = output(gl(fake_server, params, items=[{"json": {"keep": True}}]))
    assert [it["json"] for it in items] == [{"keep": True}]
    assert fake_server.last().json == {"discussion_locked": True}


def test_gitlab_release_get_all_issues_and_user_projects(fake_server):
    fake_server.route("GET", "/api/v4/projects/42/releases", (200, {}, [{"tag_name": "v1"}, {"tag_name": "v2"}]))
    params = {"resource": "release", "operation": "getAll", "projectId": "42", "limit": 2,
              "additionalFields": {"order_by": "created_at", "sort": "asc"}}
    assert [it["json"]["tag_name"] for it in output(gl(fake_server, params))] == ["v1", "v2"]
    assert fake_server.last().query == {"order_by": ["created_at"], "sort": ["asc"], "per_page": ["2"]}
    fake_server.route("PUT", "/api/v4/projects/42/releases/v1", (200, {}, {"tag_name": "v1"}))
    params = {"resource": "release", "operation": "update", "projectId": "42", "tag_name": "v1",
              "additionalFields": {"name": "One", "milestones": "m1,m2"}}
    output(gl(fake_server, params))
    assert fake_server.last().json == {"name": "One", "milestones": ["m1", "m2"]}
    fake_server.route("GET", f"{PROJECT}/issues", (200, {}, [{"iid": 1}]))
    params = {"resource": "repository", "owner": "grp/sub", "repository": "backups", "limit": 10,
              "getRepositoryIssuesFilters": {"state": "opened"}}
    assert output(gl(fake_server, params)) == [{"json": {"iid": 1}, "pairedItem": {"item": 0}}]
    assert fake_server.last().query == {"state": ["opened"], "per_page": ["10"]}
    fake_server.route("GET", "/api/v4/users/alice/projects", (200, {}, [{"id": 1}, {"id": 2}]))
    items = output(gl(fake_server, {"resource": "user", "owner": "alice"}))
    assert [it["json"] for it in items] == [{"id": 1}, {"id": 2}]


def test_gitlab_api_error_continue_on_fail_and_oauth(fake_server):
    fake_server.route("GET", f"{PROJECT}", (404, {}, {"message": "404 Project Not Found"}))
    params = {"resource": "repository", "operation": "get", "owner": "grp/sub", "repository": "backups"}
    err = error(gl(fake_server, params))
    assert err["message"] == "The resource you are requesting could not be found"
    assert err["description"] == "404 Project Not Found"
    items = output(gl(fake_server, params, continue_on_fail=True))
    assert items == [{"json": {"error": "The resource you are requesting could not be found"},
                      "pairedItem": {"item": 0}}]
    # a pass-through operation puts the error into the input item
    params = {"resource": "issue", "operation": "lock", "owner": "x", "repository": "y", "issueNumber": 1}
    items = output(gl(fake_server, params, continue_on_fail=True, items=[{"json": {"a": 1}}]))
    assert [it["json"] for it in items] == [{"error": "The resource you are requesting could not be found"}]
    fake_server.route("GET", "/api/v4/projects/o%2Fr", (200, {}, {"id": 5}))
    creds = {"gitlabOAuth2Api": {"server": "https://gitlab.com", "oauthTokenData": {"access_token": "oa"}}}
    params = {"authentication": "oAuth2", "resource": "repository", "operation": "get", "owner": "o",
              "repository": "r"}
    assert output(gl(fake_server, params, credentials=creds))[0]["json"] == {"id": 5}
    assert fake_server.last().headers["authorization"] == "Bearer oa"


def test_gitlab_unsupported_operation(fake_server):
    err = error(gl(fake_server, {"resource": "issue", "operation": "close", "owner": "o", "repository": "r"}))
    assert err["message"] == "GitLab: operation 'issue/close' is not supported yet"
    assert not fake_server.requests


RC = {"rocketchatApi": {"userId": "u1", "authKey": "rc-key", "domain": "https://chat.example.com"}}
POST_MESSAGE = "/api/v1/chat.postMessage"


def rc(server, params, **kw):
    return run_service("n8n-nodes-base.rocketchat", 1, params, credentials=RC,
                       base_urls={"rocketchat": server.url}, **kw)


def _message_answer(req):
    assert req.headers["x-auth-token"] == "rc-key" and req.headers["x-user-id"] == "u1"
    assert req.headers["content-type"].startswith("application/json")
    sent = req.json
    return 200, {}, {"ts": 1, "channel": sent["channel"], "message": {"_id": "m1", "msg": sent["text"]},
                     "success": True}


def test_rocketchat_post_message_with_attachments(fake_server):
    fake_server.route("POST", POST_MESSAGE, _message_answer)
    params = {"text": "Hello everyone", "channel": "#general",
              "options": {"alias": "bot", "emoji": ":smile:"},
              "attachments": [{"color": "#00ff00", "title": "T", "imageUrl": "https://x/img.png",
                               "messageLink": "https://dropped", "collapsed": True,
                               "fields": {"fieldsValues": [{"short": True, "title": "k", "value": "v"}]}}]}
    items = output(rc(fake_server, params))
    assert items == [{"json": {"ts": 1, "channel": "#general", "message": {"_id": "m1", "msg": "Hello everyone"},
                               "success": True}, "pairedItem": {"item": 0}}]
    assert fake_server.last().json == {
        "channel": "#general", "text": "Hello everyone", "alias": "bot", "emoji": ":smile:",
        "attachments": [{"color": "#00ff00", "title": "T", "image_url": "https://x/img.png", "collapsed": True,
                         "fields": [{"short": True, "title": "k", "value": "v"}]}]}


def test_rocketchat_json_attachments_and_empty_list(fake_server):
    fake_server.route("POST", POST_MESSAGE, _message_answer)
    params = {"text": "hi", "channel": "general", "options": {}, "jsonParameters": True,
              "attachmentsJson": '[{"text": "a"}]'}
    output(rc(fake_server, params, items=[{"json": {}}, {"json": {}}]))
    assert [r.json["attachments"] for r in fake_server.requests] == [[{"text": "a"}], [{"text": "a"}]]
    output(rc(fake_server, {**params, "attachmentsJson": "not json"}))
    assert fake_server.last().json == {"channel": "general", "text": "hi", "attachments": []}
    # without a configured base URL the credential's domain is used
    creds = {"rocketchatApi": {**RC["rocketchatApi"], "domain": fake_server.url}}
    output(run_service("n8n-nodes-base.rocketchat", 1, {"text": "hi", "channel": "general", "options": {},
                                                        "attachments": []}, credentials=creds))
    assert fake_server.last().json == {"channel": "general", "text": "hi"}


def test_rocketchat_api_error_and_unsupported(fake_server):
    fake_server.route("POST", POST_MESSAGE, (401, {}, {"status": "error", "message": "You must be logged in to do this."}))
    params = {"text": "hi", "channel": "general", "options": {}, "attachments": []}
    err = error(rc(fake_server, params))
    assert err["message"] == "Authorization failed - please check your credentials"
    assert err["description"] == "You must be logged in to do this."
    items = output(rc(fake_server, params, continue_on_fail=True))
    assert items == [{"json": {"error": "Authorization failed - please check your credentials"},
                      "pairedItem": {"item": 0}}]
    err = error(rc(fake_server, {"resource": "chat", "operation": "deleteMessage"}))
    assert err["message"] == "RocketChat: operation 'chat/deleteMessage' is not supported yet"
