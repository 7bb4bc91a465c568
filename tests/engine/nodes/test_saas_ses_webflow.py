"""AWS SES (awsSes v1) and Webflow (webflow v1, v2) nodes against local fakes.

The fake SES recomputes every request's SigV4 signature (service ``ses``, host ``email.<region>``)
from what arrived on the wire and answers with SES's Query-API XML."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qsl
from xml.sax.saxutils import escape

import pytest
from sigv4_check import authorization, signature_matches
from svc_harness import error, output, run_service

pytest_plugins = ("fakes",)

AK, SK = "AKIAFAKE", "fake/secret+key"
AWS = {"aws": {"region": "eu-west-1", "accessKeyId": AK, "secretAccessKey": SK}}
SES_NS = "http://ses.amazonaws.com/doc/2010-12-01/"
META = "<ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata>"

# -- AWS SES -----------------------------------------------------------------------------------------------


def _verify_ses(req, secret: str) -> str | None:
    """SigV4 check of a Query-API request as SES does it (None when the signature is valid)."""
    auth = authorization(req)
    if auth is None:
        return "MissingAuthenticationToken"
    if auth.service != "ses" or req.headers.get("host") != f"email.{auth.region}.amazonaws.com":
        return "SignatureDoesNotMatch"
    if "host" not in auth.signed_headers or "x-amz-date" not in auth.signed_headers:
        return "IncompleteSignature"
    if not signature_matches(req, secret, auth):
        return "SignatureDoesNotMatch"
    return None


def _ses_error(status: int, code: str, message: str):
    return status, {"Content-Type": "text/xml"}, (
        f'<ErrorResponse xmlns="{SES_NS}"><Error><Type>Sender</Type><Code>{code}</Code>'
        f"<Message>{message}</Message></Error><RequestId>req-e</RequestId></ErrorResponse>")


def _ok(action: str, result: str = ""):
    inner = f"<{action}Result>{result}</{action}Result>" if result is not None else ""
    return 200, {"Content-Type": "text/xml"}, f'<{action}Response xmlns="{SES_NS}">{inner}{META}</{action}Response>'


@dataclass
class FakeSes:
    """SES Query API: the action and its parameters come from the query string or a form body."""

    templates: dict[str, dict] = field(default_factory=dict)
    verification: dict[str, dict] = field(default_factory=dict)
    page_size: int = 100
    verified: set[str] = field(default_factory=lambda: {"n8n@n8n.io"})
    sent: list[dict] = field(default_factory=list)
    server: object = None

    def handle(self, req):
        problem = _verify_ses(req, SK)
        if problem:
            return _ses_error(403, problem, "The request signature we calculated does not match the signature "
                                            "you provided.")
        args = dict(parse_qsl(req.raw_query, keep_blank_values=True))
        if req.body:
            assert req.headers["content-type"] == "application/x-www-form-urlencoded; charset=utf-8"
            args.update(parse_qsl(req.text, keep_blank_values=True))
        action = args.get("Action")
        if not action:
            return _ses_error(400, "MissingAction", "Could not find operation for this request")
        return getattr(self, action)(args)

    def SendEmail(self, args):
        if args["Source"] not in self.verified:
            return _ses_error(400, "MessageRejected", f"Email address is not verified. The following identities "
                                                      f"failed the check in region EU-WEST-1: {args['Source']}")
        self.sent.append(args)
        return _ok("SendEmail", f"<MessageId>m-{len(self.sent)}</MessageId>")

    def SendTemplatedEmail(self, args):
        if args["Template"] not in self.templates:
            return _ses_error(400, "TemplateDoesNotExist", f"Template {args['Template']} does not exist.")
        self.sent.append(args)
        return _ok("SendTemplatedEmail", f"<MessageId>t-{len(self.sent)}</MessageId>")

    def CreateTemplate(self, args):
        self.templates[args["Template.TemplateName"]] = {k.split(".")[1]: v for k, v in args.items() if "." in k}
        return _ok("CreateTemplate")

    def UpdateTemplate(self, args):
        self.templates[args["Template.TemplateName"]].update({k.split(".")[1]: v for k, v in args.items() if "." in k})
        return _ok("UpdateTemplate")

    def DeleteTemplate(self, args):
        self.templates.pop(args["TemplateName"], None)
        return _ok("DeleteTemplate")

    def GetTemplate(self, args):
        tpl = self.templates.get(args["TemplateName"])
        if tpl is None:
            return _ses_error(400, "TemplateDoesNotExist", f"Template {args['TemplateName']} does not exist.")
        parts = "".join(f"<{k}>{escape(v)}</{k}>" for k, v in tpl.items())
        return _ok("GetTemplate", f"<Template>{parts}</Template>")

    def ListTemplates(self, args):
        names = sorted(self.templates)
        start = int(args.get("NextToken", "0"))
        size = int(args.get("MaxItems", self.page_size))
        page = names[start:start + size]
        rows = "".join(f"<member><Name>{n}</Name><CreatedTimestamp>2024-01-01T00:00:00Z</CreatedTimestamp></member>"
                       for n in page)
        token = f"<NextToken>{start + size}</NextToken>" if start + size < len(names) else ""
        return _ok("ListTemplates", f"<TemplatesMetadata>{rows}</TemplatesMetadata>{token}")

    def GetCustomVerificationEmailTemplate(self, args):
        tpl = self.verification[args["TemplateName"]]
        return _ok("GetCustomVerificationEmailTemplate", "".join(f"<{k}>{v}</{k}>" for k, v in tpl.items()))

    def ListCustomVerificationEmailTemplates(self, args):
        rows = "".join(f"<member><TemplateName>{n}</TemplateName></member>"
                       for n in sorted(self.verification)[: int(args.get("MaxResults", 50))])
        return _ok("ListCustomVerificationEmailTemplates",
                   f"<CustomVerificationEmailTemplates>{rows}</CustomVerificationEmailTemplates>")


@pytest.fixture
def ses(fake_server):
    fake = FakeSes()
    fake_server.route("*", "/*", fake.handle)
    fake.server = fake_server
    return fake


def run_ses(fake, params, **kw):
    kw.setdefault("credentials", AWS)
    return run_service("n8n-nodes-base.awsSes", 1, params, base_urls={"awsSes": fake.server.url}, **kw)


def test_ses_send_text_email(ses):
    params = {"body": "This is a sample message body\n", "subject": "n8n Rocks & more", "fromEmail": "n8n@n8n.io",
              "toAddresses": ["user@example.com", "user2@example.com"], "additionalFields": {}}
    items = output(run_ses(ses, params))
    assert items == [{"json": {"SendEmailResponse": {"$": {"xmlns": SES_NS},
                                                     "SendEmailResult": {"MessageId": "m-1"},
                                                     "ResponseMetadata": {"RequestId": "req-1"}}},
                      "pairedItem": {"item": 0}}]
    req = ses.server.last()
    assert req.method == "POST" and req.path == "/" and req.body == b""
    assert req.raw_query == ("Action=SendEmail&Message.Subject.Data=n8n%20Rocks%20%26%20more&Source=n8n%40n8n.io"
                             "&Message.Body.Text.Data=This%20is%20a%20sample%20message%20body%0A"
                             "&Destination.ToAddresses.member.1=user%40example.com"
                             "&Destination.ToAddresses.member.2=user2%40example.com")
    assert "Credential=AKIAFAKE/" in req.headers["authorization"] and "/eu-west-1/ses/aws4_request" in \
        req.headers["authorization"]
    assert "SignedHeaders=host;x-amz-date," in req.headers["authorization"]


def test_ses_send_html_email_with_additional_fields_and_session_token(ses):
    creds = {"aws": {**AWS["aws"], "temporaryCredentials": True, "sessionToken": " tok "}}
    params = {"body": "<b>Hi</b>", "subject": "S", "fromEmail": "n8n@n8n.io", "isBodyHtml": True,
              "toAddresses": ["a@x.io"],
              "additionalFields": {"ccAddresses": ["c@x.io"], "bccAddresses": ["b@x.io"],
                                   "replyToAddresses": ["r@x.io"], "configurationSetName": "set1",
                                   "returnPath": "bounce@x.io"}}
    output(run_ses(ses, params, credentials=creds, items=[{"json": {}}, {"json": {}}]))
    assert len(ses.sent) == 2
    assert ses.sent[0] == {"Action": "SendEmail", "Message.Subject.Data": "S", "Source": "n8n@n8n.io",
                           "Message.Body.Html.Data": "<b>Hi</b>", "Message.Body.Html.Charset": "UTF-8",
                           "Destination.ToAddresses.member.1": "a@x.io", "ConfigurationSetName": "set1",
                           "ReturnPath": "bounce@x.io", "ReplyToAddresses.member.1": "r@x.io",
                           "Destination.BccAddresses.member.1": "b@x.io",
                           "Destination.CcAddresses.member.1": "c@x.io"}
    req = ses.server.last()
    assert req.headers["x-amz-security-token"] == "tok"
    assert "x-amz-security-token" in req.headers["authorization"]


def test_ses_send_template(ses):
    ses.templates["welcome"] = {"TemplateName": "welcome"}
    params = {"operation": "sendTemplate", "templateName": "welcome", "fromEmail": "n8n@n8n.io",
              "toAddresses": ["a@x.io"],
              "templateDataUi": {"templateDataValues": [{"key": "name", "value": "Ana"},
                                                        {"key": "city", "value": "Kandy"}]},
              "additionalFields": {}}
    items = output(run_ses(ses, params))
    assert items == [{"json": {"$": {"xmlns": SES_NS}, "SendTemplatedEmailResult": {"MessageId": "t-1"},
                               "ResponseMetadata": {"RequestId": "req-1"}}, "pairedItem": {"item": 0}}]
    assert ses.sent[0]["TemplateData"] == '{"name":"Ana","city":"Kandy"}'
    assert ses.server.last().raw_query.startswith("Action=SendTemplatedEmail&Template=welcome&Source=n8n%40n8n.io")


def test_ses_template_create_get_update_delete(ses):
    meta = {"$": {"xmlns": SES_NS}, "CreateTemplateResult": "", "ResponseMetadata": {"RequestId": "req-1"}}
    items = output(run_ses(ses, {"resource": "template", "templateName": "t1", "subjectPart": "Hi {{name}}",
                                 "htmlPart": "<p>x</p>", "additionalFields": {"textPart": "x"}}))
    assert items == [{"json": meta, "pairedItem": {"item": 0}}]
    assert ses.templates["t1"] == {"TemplateName": "t1", "SubjectPart": "Hi {{name}}", "HtmlPart": "<p>x</p>",
                                   "TextPart": "x"}
    items = output(run_ses(ses, {"resource": "template", "operation": "get", "templateName": "t1"}))
    assert items[0]["json"]["GetTemplateResult"] == {"Template": {"TemplateName": "t1", "SubjectPart": "Hi {{name}}",
                                                                  "HtmlPart": "<p>x</p>", "TextPart": "x"}}
    # n8n sends HtmlPart whenever subjectPart is set (also when htmlPart is not: "undefined")
    output(run_ses(ses, {"resource": "template", "operation": "update", "templateName": "t1",
                         "updateFields": {"subjectPart": "New"}}))
    assert ses.templates["t1"]["SubjectPart"] == "New" and ses.templates["t1"]["HtmlPart"] == "undefined"
    items = output(run_ses(ses, {"resource": "template", "operation": "delete", "templateName": "t1"}))
    assert items[0]["json"]["DeleteTemplateResult"] == "" and ses.templates == {}


def test_ses_template_get_all_limit_and_return_all(ses):
    for name in ("a", "b", "c"):
        ses.templates[name] = {"TemplateName": name}
    items = output(run_ses(ses, {"resource": "template", "operation": "getAll", "limit": 2}))
    assert [it["json"]["Name"] for it in items] == ["a", "b"]
    req = ses.server.last()
    assert req.method == "GET" and req.raw_query == "Action=ListTemplates&MaxItems=2"
    items = output(run_ses(ses, {"resource": "template", "operation": "getAll", "returnAll": True}))
    assert [it["json"] for it in items] == [{"Name": n, "CreatedTimestamp": "2024-01-01T00:00:00Z"} for n in "abc"]
    assert ses.server.last().method == "POST"


def test_ses_return_all_repeated_next_token_fails_instead_of_looping(ses):
    ses.page_size = 2
    for name in ("a", "b", "c"):
        ses.templates[name] = {"TemplateName": name}
    err = error(run_ses(ses, {"resource": "template", "operation": "getAll", "returnAll": True}))
    assert "same NextToken" in err["message"]
    req = ses.server.last()
    # n8n's paging helper hands NextToken over as a (signed) header, which SES ignores
    assert req.headers["nexttoken"] == "2" and "nexttoken" in req.headers["authorization"]
    assert req.raw_query == "Action=ListTemplates"


def test_ses_custom_verification_get_and_get_all(ses):
    ses.verification["v1"] = {"TemplateName": "v1", "FromEmailAddress": "n8n@n8n.io"}
    ses.verification["v2"] = {"TemplateName": "v2", "FromEmailAddress": "n8n@n8n.io"}
    items = output(run_ses(ses, {"resource": "customVerificationEmail", "operation": "get", "templateName": "v1"}))
    assert items == [{"json": {"$": {"xmlns": SES_NS},
                               "GetCustomVerificationEmailTemplateResult": {"TemplateName": "v1",
                                                                            "FromEmailAddress": "n8n@n8n.io"},
                               "ResponseMetadata": {"RequestId": "req-1"}}, "pairedItem": {"item": 0}}]
    items = output(run_ses(ses, {"resource": "customVerificationEmail", "operation": "getAll", "limit": 1}))
    assert items == [{"json": {"TemplateName": "v1"}, "pairedItem": {"item": 0}}]
    assert ses.server.last().raw_query == "Action=ListCustomVerificationEmailTemplates&MaxResults=1"


def test_ses_custom_verification_create_sends_n8n_quoted_body(ses):
    params = {"resource": "customVerificationEmail", "fromEmailAddress": "n8n@n8n.io", "templateName": "v1",
              "templateSubject": "Verify", "templateContent": "<p>Hi</p>", "successRedirectionURL": "https://ok",
              "failureRedirectionURL": "https://no"}
    err = error(run_ses(ses, params))
    assert err["message"] == "Bad request - please check your parameters"
    assert err["description"] == "Could not find operation for this request"
    req = ses.server.last()
    assert req.body == (b'"Action=CreateCustomVerificationEmailTemplate&FromEmailAddress=n8n%40n8n.io'
                        b"&SuccessRedirectionURL=https%3A%2F%2Fok&FailureRedirectionURL=https%3A%2F%2Fno"
                        b'&TemplateName=v1&TemplateSubject=Verify&TemplateContent=%3Cp%3EHi%3C%2Fp%3E"')
    assert req.raw_query == "" and "content-length;content-type;host;x-amz-date" in req.headers["authorization"]


def test_ses_api_error_and_continue_on_fail(ses):
    params = {"body": "b", "subject": "s", "fromEmail": "nobody@x.io", "toAddresses": ["a@x.io"]}
    err = error(run_ses(ses, params))
    assert err["message"] == "Bad request - please check your parameters"
    assert err["description"] == ("Email address is not verified. The following identities failed the check in "
                                  "region EU-WEST-1: nobody@x.io")
    items = output(run_ses(ses, params, continue_on_fail=True, items=[{"json": {}}, {"json": {}}]))
    assert items == [{"json": {"error": "Bad request - please check your parameters"}, "pairedItem": {"item": i}}
                     for i in (0, 1)]
    bad = {"aws": {**AWS["aws"], "secretAccessKey": "wrong"}}
    err = error(run_ses(ses, {**params, "fromEmail": "n8n@n8n.io"}, credentials=bad))
    assert err["message"] == "Forbidden - perhaps check your credentials?"


def test_ses_errors_without_request(ses):
    err = error(run_ses(ses, {"body": "b", "subject": "s", "fromEmail": "n8n@n8n.io", "toAddresses": []}))
    assert err["message"] == 'At least one "To Address" has to be added!'
    err = error(run_ses(ses, {"resource": "identity", "operation": "verify"}))
    assert err["message"] == "AWS SES: operation 'identity/verify' is not supported yet"
    err = error(run_ses(ses, {"authentication": "assumeRole", "toAddresses": ["a@x.io"]}))
    assert "assumeRole" in err["message"] and "not supported yet" in err["message"]
    assert ses.server.requests == []


# -- Webflow -----------------------------------------------------------------------------------------------

WF_OAUTH = {"webflowOAuth2Api": {"oauthTokenData": {"access_token": "wf-oauth"}}}
WF_TOKEN = {"webflowApi": {"accessToken": "wf-token"}}


@dataclass
class FakeWebflow:
    """Webflow Data API v1 (``accept-version: 1.0.0``) and v2 (``/v2``) collection items."""

    items: dict[str, dict] = field(default_factory=dict)
    server: object = None

    def seed(self, n: int) -> None:
        for k in range(n):
            self.items[f"i{k}"] = {"id": f"i{k}", "fieldData": {"name": f"Item {k}", "slug": f"item-{k}"}}

    def v2(self, req):
        if req.headers.get("authorization") != "Bearer wf-oauth":
            return 401, {}, {"message": "Request not authorized", "code": "not_authorized"}
        assert "accept-version" not in req.headers
        parts = req.path.split("/")  # ['', 'v2', 'collections', 'c1', 'items', ...]
        if parts[3] != "c1":
            return 404, {}, {"message": "Requested resource not found", "code": "resource_not_found"}
        rest = parts[5:]
        if req.method == "POST" and rest in ([], ["live"]):
            new = {"id": f"i{len(self.items)}", "isDraft": False, "fieldData": req.json["fieldData"],
                   "live": rest == ["live"]}
            self.items[new["id"]] = new
            return 202, {}, new
        if not rest:
            limit, offset = int(req.arg("limit", "100")), int(req.arg("offset", "0"))
            rows = list(self.items.values())
            return 200, {}, {"items": rows[offset:offset + limit],
                             "pagination": {"limit": limit, "offset": offset, "total": len(rows)}}
        item = self.items.get(rest[0])
        if item is None:
            return 404, {}, {"message": "Requested resource not found", "code": "resource_not_found"}
        if req.method == "GET":
            return 200, {}, item
        if req.method == "PATCH":
            item["fieldData"].update(req.json["fieldData"])
            item["live"] = rest[1:] == ["live"]
            return 200, {}, item
        if req.method == "DELETE":
            del self.items[rest[0]]
            return 204, {}, b""
        return 405, {}, {"message": "method not allowed"}

    def v1(self, req):
        if req.headers.get("accept-version") != "1.0.0":
            return 400, {}, {"msg": "missing accept-version", "code": 400}
        if req.headers.get("authorization") not in ("Bearer wf-token", "Bearer wf-oauth"):
            return 401, {}, {"msg": "Not authorized", "code": 401, "name": "NotAuthorized"}
        parts = req.path.split("/")  # ['', 'collections', 'c1', 'items', ...]
        rest = parts[4:]
        if req.method in ("POST", "PUT"):
            assert req.arg("live") in ("true", "false")
        if req.method == "POST" and not rest:
            new = {"_id": f"i{len(self.items)}", **req.json["fields"]}
            self.items[new["_id"]] = new
            return 200, {}, new
        if not rest:
            limit, offset = int(req.arg("limit", "100")), int(req.arg("offset", "0"))
            rows = list(self.items.values())
            return 200, {}, {"items": rows[offset:offset + limit], "count": len(rows[offset:offset + limit]),
                             "limit": limit, "offset": offset, "total": len(rows)}
        if rest[0] not in self.items:
            return 404, {}, {"msg": "Item not found", "code": 404, "name": "NotFound"}
        if req.method == "GET":
            return 200, {}, {"items": [self.items[rest[0]]], "count": 1, "limit": 1, "offset": 0, "total": 1}
        if req.method == "PUT":
            self.items[rest[0]] = {"_id": rest[0], **req.json["fields"]}
            return 200, {}, self.items[rest[0]]
        del self.items[rest[0]]
        return 200, {}, {"deleted": 1}


@pytest.fixture
def wf(fake_server):
    fake = FakeWebflow()
    fake_server.route("*", "/v2/*", fake.v2)
    fake_server.route("*", "/collections/*", fake.v1)
    fake.server = fake_server
    return fake


def run_wf(fake, params, version=2, **kw):
    kw.setdefault("credentials", WF_OAUTH if version >= 2 else WF_TOKEN)
    return run_service("n8n-nodes-base.webflow", version, params, base_urls={"webflow": fake.server.url}, **kw)


FIELDS = {"fieldValues": [{"fieldId": "name", "fieldValue": "n8n"}, {"fieldId": "slug", "fieldValue": "n8n"}]}


def test_webflow_v2_create_live_and_draft(wf):
    items = output(run_wf(wf, {"operation": "create", "collectionId": "c1", "fieldsUi": FIELDS, "live": True}))
    assert items == [{"json": {"id": "i0", "isDraft": False, "fieldData": {"name": "n8n", "slug": "n8n"},
                               "live": True}, "pairedItem": {"item": 0}}]
    req = wf.server.last()
    assert (req.method, req.path, req.raw_query) == ("POST", "/v2/collections/c1/items/live", "")
    assert req.json == {"fieldData": {"name": "n8n", "slug": "n8n"}}
    output(run_wf(wf, {"operation": "create", "collectionId": "c1", "fieldsUi": FIELDS}))
    assert wf.server.last().path == "/v2/collections/c1/items"


def test_webflow_v2_get_update_delete(wf):
    wf.seed(1)
    items = output(run_wf(wf, {"collectionId": "c1", "itemId": "i0"}))
    assert items == [{"json": wf.items["i0"], "pairedItem": {"item": 0}}]
    params = {"operation": "update", "collectionId": "c1", "itemId": "i0", "live": False,
              "fieldsUi": {"fieldValues": [{"fieldId": "name", "fieldValue": "New"}]}}
    items = output(run_wf(wf, params))
    assert items[0]["json"]["fieldData"] == {"name": "New", "slug": "item-0"}
    req = wf.server.last()
    assert (req.method, req.path, req.json) == ("PATCH", "/v2/collections/c1/items/i0", {"fieldData": {"name": "New"}})
    items = output(run_wf(wf, {"operation": "delete", "collectionId": "c1", "itemId": "i0"}))
    assert items == [{"json": {"success": True}, "pairedItem": {"item": 0}}] and wf.items == {}


def test_webflow_v2_get_all_limit_and_return_all(wf):
    wf.seed(250)
    items = output(run_wf(wf, {"operation": "getAll", "collectionId": "c1", "limit": 3}))
    assert [it["json"]["id"] for it in items] == ["i0", "i1", "i2"]
    assert wf.server.last().raw_query == "limit=3"
    wf.server.requests.clear()
    items = output(run_wf(wf, {"operation": "getAll", "collectionId": "c1", "returnAll": True}))
    assert len(items) == 250 and items[249] == {"json": wf.items["i249"], "pairedItem": {"item": 0}}
    assert [r.raw_query for r in wf.server.requests] == ["limit=100&offset=0", "limit=100&offset=100",
                                                         "limit=100&offset=200"]


def test_webflow_v2_errors(wf):
    err = error(run_wf(wf, {"collectionId": "nope", "itemId": "i0"}))
    assert err["message"] == "The resource you are requesting could not be found"
    assert err["description"] == "Requested resource not found"
    items = output(run_wf(wf, {"collectionId": "c1", "itemId": "gone"}, continue_on_fail=True,
                          items=[{"json": {}}, {"json": {}}]))
    assert items == [{"json": {"message": "The resource you are requesting could not be found",  # engine-paired
                               "error": {"message": "The resource you are requesting could not be found",
                                         "name": "NodeApiError", "description": "Requested resource not found",
                                         "httpCode": "404"}}, "pairedItem": {"item": i}} for i in (0, 1)]
    err = error(run_wf(wf, {"operation": "publish", "collectionId": "c1"}))
    assert err["message"] == "Webflow: operation 'item/publish' is not supported yet"


def test_webflow_v1_corpus_create_update_get(wf):
    params = {"siteId": "s1", "collectionId": "c1", "operation": "create",
              "fieldsUi": {"fieldValues": [{"fieldId": "name", "fieldValue": "n8n"}, {"fieldId": "slug",
                                                                                      "fieldValue": "n8n"},
                                           {"fieldId": "_archived", "fieldValue": "false"},
                                           {"fieldId": "_draft", "fieldValue": "false"}]}}
    items = output(run_wf(wf, params, version=1))
    assert items == [{"json": {"_id": "i0", "name": "n8n", "slug": "n8n", "_archived": "false", "_draft": "false"},
                      "pairedItem": {"item": 0}}]
    req = wf.server.last()
    assert (req.method, req.path, req.raw_query) == ("POST", "/collections/c1/items", "live=false")
    assert req.headers["authorization"] == "Bearer wf-token"
    update = {"operation": "update", "collectionId": "c1", "itemId": "={{$json[\"_id\"]}}", "live": True,
              "fieldsUi": {"fieldValues": [{"fieldId": "name", "fieldValue": "={{$json[\"name\"]}} 2"}]}}
    items = output(run_wf(wf, update, version=1, items=[{"json": {"_id": "i0", "name": "n8n"}}]))
    assert items == [{"json": {"_id": "i0", "name": "n8n 2"}, "pairedItem": {"item": 0}}]
    assert wf.server.last().raw_query == "live=true" and wf.server.last().method == "PUT"
    items = output(run_wf(wf, {"collectionId": "c1", "itemId": "i0"}, version=1))
    assert items == [{"json": {"_id": "i0", "name": "n8n 2"}, "pairedItem": {"item": 0}}]


def test_webflow_v1_oauth_get_all_delete_and_error_item(wf):
    wf.items = {f"i{k}": {"_id": f"i{k}"} for k in range(150)}
    params = {"authentication": "oAuth2", "operation": "getAll", "collectionId": "c1", "returnAll": True}
    items = output(run_wf(wf, params, version=1, credentials=WF_OAUTH))
    assert len(items) == 150 and [r.raw_query for r in wf.server.requests] == ["limit=100&offset=0",
                                                                               "limit=100&offset=100"]
    items = output(run_wf(wf, {"operation": "getAll", "collectionId": "c1", "limit": 2}, version=1))
    assert [it["json"] for it in items] == [{"_id": "i0"}, {"_id": "i1"}]
    items = output(run_wf(wf, {"operation": "delete", "collectionId": "c1", "itemId": "i0"}, version=1))
    assert items == [{"json": {"deleted": 1}, "pairedItem": {"item": 0}}]
    items = output(run_wf(wf, {"collectionId": "c1", "itemId": "i0"}, version=1, continue_on_fail=True))
    # the node leaves the error item unpaired; the engine pairs it as n8n's WorkflowExecute does
    assert items == [{"json": {"error": "The resource you are requesting could not be found"},
                      "pairedItem": {"item": 0}}]
    err = error(run_wf(wf, {"collectionId": "c1", "itemId": "i1"}, version=1,
                       credentials={"webflowApi": {"accessToken": "bad"}}))
    assert err["message"] == "Authorization failed - please check your credentials"
