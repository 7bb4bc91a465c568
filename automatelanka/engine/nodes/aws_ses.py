"""AWS SES (n8n-nodes-base.awsSes v1): e-mails, templates and custom verification e-mails.

SES's Query API (``https://email.<region>.amazonaws.com``, ``.amazonaws.com.cn`` for ``cn-``
regions) with the ``aws`` credential (``region``, ``accessKeyId``, ``secretAccessKey``,
``temporaryCredentials`` + ``sessionToken``); requests are signed with SigV4 for service ``ses``
(:mod:`_aws_sigv4`, as ``aws4`` signs a request to the ``email`` host). As in n8n, the service
name is ``email``, so the credential's ``sesEndpoint`` is not used. Parameters go into the URL
query exactly as n8n writes them (some values ``encodeURIComponent``-ed, others raw); answers are
XML read as xml2js does (``explicitArray: false``, attributes under ``$``).

Supported (every operation of the node):

- email send (``SendEmail``; outputs the whole parsed answer) and sendTemplate
  (``SendTemplatedEmail``; outputs ``SendTemplatedEmailResponse``);
- template create/delete/get/update/getAll (``ListTemplates``: ``MaxItems=limit`` or all pages);
- customVerificationEmail create/delete/send/update (n8n sends the form as a JSON-quoted string
  body, reproduced as is), get and getAll (``MaxResults=limit`` or all pages).

For "all pages" n8n passes ``NextToken`` as a request *header* (its paging helper's query object
is handed over as headers); this is reproduced, and when the API answers the same ``NextToken``
again (where n8n would loop forever) the node fails instead. Not supported yet: the
``assumeRole`` authentication (awsAssumeRole credential).

``base_urls["awsSes"]`` (tests) sends every request to that server instead, keeping the real
``Host`` header, which the signature covers. API errors: the status message, and the XML
``Message`` as description (n8n's ``NodeApiError`` with ``parseXml``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

from automatelanka.engine.errors import NodeApiError, NodeError
from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes import _aws_sigv4 as sigv4
from automatelanka.engine.nodes._http import credential, find_error_message, request
from automatelanka.engine.nodes._svc import per_item, unsupported
from automatelanka.engine.nodes.aws_s3 import aws_domain, dig, js_str, parse_xml
from automatelanka.engine.nodes.base import NodeContext, register

DISPLAY = "AWS SES"
#: Characters WHATWG's URL parser percent-encodes in the query of an http(s) URL.
_QUERY_ESCAPES = frozenset(' "#<>\'')


def uri_component(value: Any) -> str:
    """JavaScript's ``encodeURIComponent(String(value))``."""
    text = "undefined" if value is None else js_str(value)
    return quote(text, safe="-_.!~*'()")


def wire_query(search: str) -> str:
    """The query string as ``new URL()`` keeps it (space, quotes, ``<>``, non-ASCII escaped)."""
    out: list[str] = []
    for char in search:
        if char in _QUERY_ESCAPES or ord(char) < 0x21 or ord(char) > 0x7E:
            out.append(quote(char, safe=""))
        else:
            out.append(char)
    return "".join(out)


@dataclass
class SesApi:
    """Signed requests to SES for one node run."""

    ctx: NodeContext
    access_key: str
    secret_key: str
    session_token: str | None
    region: str
    override: str | None

    @property
    def origin(self) -> str:
        return f"https://email.{self.region}.{aws_domain(self.region)}"

    def call(self, method: str, path: str, i: int, *, body: str | None = None,
             headers: dict[str, str] | None = None) -> Any:
        """``awsApiRequestSOAP``: one signed request; its answer parsed as XML (text if not XML)."""
        path = path.split("#", 1)[0]
        pathname, _, search = path.partition("?")
        pathname = pathname or "/"
        search = wire_query(search)
        pairs = parse_qsl(search, keep_blank_values=True)
        content = body.encode() if body is not None else b""
        signed = sigv4.sign_headers(method, urlsplit(self.origin).netloc, pathname, pairs, dict(headers or {}),
                                    content, access_key=self.access_key, secret_key=self.secret_key,
                                    region=self.region, service="ses", session_token=self.session_token)
        url = (self.override or self.origin) + pathname + (f"?{search}" if search else "")
        kwargs: dict[str, Any] = {"headers": signed, "item_index": i}
        if body is not None:
            kwargs["content"] = content
        try:
            response = request(self.ctx, method, url, **kwargs)
        except NodeApiError as exc:
            raise _xml_description(exc) from None
        text = response.text if response.content else ""
        try:
            return parse_xml(text)
        except NodeError:
            return text

    def all_items(self, prop: str, method: str, path: str, i: int) -> list[Any]:
        """``awsApiRequestSOAPAllItems`` (``NextToken`` travels as a header, as in n8n)."""
        root = ".".join(prop.split(".")[:2])
        headers: dict[str, str] = {}
        rows: list[Any] = []
        while True:
            data = self.call(method, path, i, headers=headers)
            token = dig(data, f"{root}.NextToken")
            if token:
                if headers.get("NextToken") == js_str(token):
                    raise NodeError(f"{DISPLAY}: the API returned the same NextToken again (n8n sends it as a "
                                    "header, which SES ignores); use a limit instead of returning all",
                                    item_index=i)
                headers["NextToken"] = js_str(token)
            found = dig(data, prop)
            if found:
                rows.extend(found if isinstance(found, list) else [found])
            if token is None:
                return rows


def _xml_description(exc: NodeApiError) -> NodeApiError:
    """n8n's ``setDescriptionFromXml``: the error answer's ``Message`` (under its root) as description."""
    body = (exc.context or {}).get("errorResponse")
    description = None
    if isinstance(body, str):
        try:
            parsed = parse_xml(body)
        except NodeError:
            parsed = None
        if isinstance(parsed, dict) and parsed:
            top = next(iter(parsed.values()))
            description = find_error_message(top) if isinstance(top, dict) else None
    exc.description = description
    return exc


# -- parameters ------------------------------------------------------------------------------------------


def set_parameter(params: list[str], base: str, values: Any) -> None:
    """n8n's ``setParameter``: ``base.1=v1&base.2=v2`` (values ``encodeURIComponent``-ed)."""
    for n, value in enumerate(_js_iterable(values), start=1):
        params.append(f"{base}.{n}={uri_component(value)}")


def _js_iterable(values: Any) -> list[Any]:
    """What a ``for (i < values.length)`` loop visits: list elements, or a string's characters."""
    if isinstance(values, list):
        return values
    if isinstance(values, str):
        return list(values)
    return []


def _to_addresses(ctx: NodeContext, i: int) -> Any:
    addresses = ctx.param("toAddresses", i, [])
    if not _js_iterable(addresses):
        raise NodeError('At least one "To Address" has to be added!', item_index=i)
    return addresses


def _common_fields(params: list[str], fields: dict[str, Any]) -> None:
    """The additional fields both send operations add, in n8n's order."""
    for name, key in (("configurationSetName", "ConfigurationSetName"), ("returnPath", "ReturnPath"),
                      ("returnPathArn", "ReturnPathArn"), ("sourceArn", "SourceArn")):
        if fields.get(name):
            params.append(f"{key}={js_str(fields[name])}")
    for name, key in (("replyToAddresses", "ReplyToAddresses.member"),
                      ("bccAddresses", "Destination.BccAddresses.member"),
                      ("ccAddresses", "Destination.CcAddresses.member")):
        if fields.get(name):
            set_parameter(params, key, fields[name])


def _limit(ctx: NodeContext, i: int) -> str:
    return js_str(ctx.param("limit", i, 20))


# -- operations ------------------------------------------------------------------------------------------


def email_send(ctx: NodeContext, api: SesApi, i: int) -> Any:
    to_addresses = ctx.param("toAddresses", i, [])
    message = ctx.param("body", i, "")
    params = [f"Message.Subject.Data={uri_component(ctx.param('subject', i, ''))}",
              f"Source={uri_component(ctx.param('fromEmail', i, ''))}"]
    if ctx.param("isBodyHtml", i, False):
        params += [f"Message.Body.Html.Data={uri_component(message)}", "Message.Body.Html.Charset=UTF-8"]
    else:
        params.append(f"Message.Body.Text.Data={uri_component(message)}")
    if not _js_iterable(to_addresses):
        raise NodeError('At least one "To Address" has to be added!', item_index=i)
    set_parameter(params, "Destination.ToAddresses.member", to_addresses)
    _common_fields(params, ctx.param("additionalFields", i, {}) or {})
    return api.call("POST", "/?Action=SendEmail&" + "&".join(params), i)


def email_send_template(ctx: NodeContext, api: SesApi, i: int) -> Any:
    to_addresses = _to_addresses(ctx, i)
    params = [f"Template={js_str(ctx.param('templateName', i, ''))}",
              f"Source={uri_component(ctx.param('fromEmail', i, ''))}"]
    set_parameter(params, "Destination.ToAddresses.member", to_addresses)
    _common_fields(params, ctx.param("additionalFields", i, {}) or {})
    data_ui = ctx.param("templateDataUi", i, {})
    values = data_ui.get("templateDataValues") if isinstance(data_ui, dict) else None
    if data_ui and values is not None:
        data = {js_str(row.get("key")): row.get("value") for row in values}
        params.append("TemplateData=" + uri_component(json.dumps(data, separators=(",", ":"), ensure_ascii=False)))
    data = api.call("POST", "/?Action=SendTemplatedEmail&" + "&".join(params), i)
    return dig(data, "SendTemplatedEmailResponse")


def template_create(ctx: NodeContext, api: SesApi, i: int) -> Any:
    fields = ctx.param("additionalFields", i, {}) or {}
    params = [f"Template.TemplateName={uri_component(ctx.param('templateName', i, ''))}",
              f"Template.SubjectPart={uri_component(ctx.param('subjectPart', i, ''))}",
              f"Template.HtmlPart={uri_component(ctx.param('htmlPart', i, ''))}"]
    if fields.get("textPart"):
        params.append(f"Template.TextPart={uri_component(fields['textPart'])}")
    return dig(api.call("POST", "/?Action=CreateTemplate&" + "&".join(params), i), "CreateTemplateResponse")


def template_delete(ctx: NodeContext, api: SesApi, i: int) -> Any:
    name = js_str(ctx.param("templateName", i, ""))
    return dig(api.call("POST", f"/?Action=DeleteTemplate&TemplateName={name}", i), "DeleteTemplateResponse")


def template_get(ctx: NodeContext, api: SesApi, i: int) -> Any:
    name = js_str(ctx.param("templateName", i, ""))
    return dig(api.call("POST", f"/?Action=GetTemplate&TemplateName={name}", i), "GetTemplateResponse")


def template_get_all(ctx: NodeContext, api: SesApi, i: int) -> Any:
    prop = "ListTemplatesResponse.ListTemplatesResult.TemplatesMetadata.member"
    if ctx.param("returnAll", i, False):
        return api.all_items(prop, "POST", "/?Action=ListTemplates", i)
    return dig(api.call("GET", f"/?Action=ListTemplates&MaxItems={_limit(ctx, i)}", i), prop)


def template_update(ctx: NodeContext, api: SesApi, i: int) -> Any:
    fields = ctx.param("updateFields", i, {}) or {}
    params = [f"Template.TemplateName={uri_component(ctx.param('templateName', i, ''))}"]
    if fields.get("textPart"):
        params.append(f"Template.TextPart={uri_component(fields['textPart'])}")
    if fields.get("subjectPart"):
        params.append(f"Template.SubjectPart={uri_component(fields['subjectPart'])}")
    if fields.get("subjectPart"):  # n8n checks subjectPart here too
        params.append(f"Template.HtmlPart={uri_component(fields.get('htmlPart'))}")
    return dig(api.call("POST", "/?Action=UpdateTemplate&" + "&".join(params), i), "UpdateTemplateResponse")


def _form_body(params: list[str]) -> str:
    """``JSON.stringify`` of the form string: n8n's awsApiRequest stringifies the (string) body."""
    return json.dumps("&".join(params), ensure_ascii=False)


def verification_create(ctx: NodeContext, api: SesApi, i: int) -> Any:
    values = (("Action", "CreateCustomVerificationEmailTemplate"),
              ("FromEmailAddress", ctx.param("fromEmailAddress", i, "")),
              ("SuccessRedirectionURL", ctx.param("successRedirectionURL", i, "")),
              ("FailureRedirectionURL", ctx.param("failureRedirectionURL", i, "")),
              ("TemplateName", ctx.param("templateName", i, "")),
              ("TemplateSubject", ctx.param("templateSubject", i, "")),
              ("TemplateContent", ctx.param("templateContent", i, "")))
    params = [f"{key}={_qs_escape(value)}" for key, value in values]
    data = api.call("POST", "", i, body=_form_body(params))
    return dig(data, "CreateCustomVerificationEmailTemplateResponse")


def _qs_escape(value: Any) -> str:
    """``querystring.stringify``'s value: strings/finite numbers/booleans escaped, anything else ``''``."""
    if isinstance(value, str | bool | int | float):
        return uri_component(value)
    return ""


def verification_delete(ctx: NodeContext, api: SesApi, i: int) -> Any:
    params = ["Action=DeleteCustomVerificationEmailTemplate", f"TemplateName={js_str(ctx.param('templateName', i, ''))}"]
    data = api.call("POST", "", i, body=_form_body(params))
    return dig(data, "DeleteCustomVerificationEmailTemplateResponse")


def verification_get(ctx: NodeContext, api: SesApi, i: int) -> Any:
    name = js_str(ctx.param("templateName", i, ""))
    data = api.call("POST", f"/?Action=GetCustomVerificationEmailTemplate&TemplateName={name}", i)
    return dig(data, "GetCustomVerificationEmailTemplateResponse")


def verification_get_all(ctx: NodeContext, api: SesApi, i: int) -> Any:
    prop = ("ListCustomVerificationEmailTemplatesResponse.ListCustomVerificationEmailTemplatesResult."
            "CustomVerificationEmailTemplates.member")
    if ctx.param("returnAll", i, False):
        return api.all_items(prop, "POST", "/?Action=ListCustomVerificationEmailTemplates", i)
    return dig(api.call("GET", f"/?Action=ListCustomVerificationEmailTemplates&MaxResults={_limit(ctx, i)}", i),
               prop)


def verification_send(ctx: NodeContext, api: SesApi, i: int) -> Any:
    fields = ctx.param("additionalFields", i, {}) or {}
    params = ["Action=SendCustomVerificationEmail", f"TemplateName={js_str(ctx.param('templateName', i, ''))}",
              f"EmailAddress={js_str(ctx.param('email', i, ''))}"]
    if fields.get("configurationSetName"):
        params.append(f"ConfigurationSetName={js_str(fields['configurationSetName'])}")
    data = api.call("POST", "", i, body=_form_body(params))
    return dig(data, "SendCustomVerificationEmailResponse")


def verification_update(ctx: NodeContext, api: SesApi, i: int) -> Any:
    fields = ctx.param("updateFields", i, {}) or {}
    params = ["Action=UpdateCustomVerificationEmailTemplate",
              f"TemplateName={js_str(ctx.param('templateName', i, ''))}"]
    # n8n reads FailureRedirectionURL and email, which the collection's options never set.
    for name, key in (("FailureRedirectionURL", "FailureRedirectionURL"), ("email", "FromEmailAddress"),
                      ("successRedirectionURL", "SuccessRedirectionURL"), ("templateContent", "TemplateContent"),
                      ("templateSubject", "TemplateSubject")):
        if fields.get(name):
            params.append(f"{key}={js_str(fields[name])}")
    data = api.call("POST", "", i, body=_form_body(params))
    return dig(data, "UpdateCustomVerificationEmailTemplateResponse")


OPERATIONS: dict[tuple[str, str], Callable[[NodeContext, SesApi, int], Any]] = {
    ("email", "send"): email_send, ("email", "sendTemplate"): email_send_template,
    ("template", "create"): template_create, ("template", "delete"): template_delete,
    ("template", "get"): template_get, ("template", "getAll"): template_get_all,
    ("template", "update"): template_update,
    ("customVerificationEmail", "create"): verification_create,
    ("customVerificationEmail", "delete"): verification_delete,
    ("customVerificationEmail", "get"): verification_get,
    ("customVerificationEmail", "getAll"): verification_get_all,
    ("customVerificationEmail", "send"): verification_send,
    ("customVerificationEmail", "update"): verification_update,
}

_DEFAULT_OPERATION = {"email": "send"}


def ses_api(ctx: NodeContext) -> SesApi:
    """The signed client for the node's ``aws`` credential."""
    if ctx.param("authentication", 0, "iam") == "assumeRole":
        raise NodeError(f"{DISPLAY}: authentication 'assumeRole' is not supported yet")
    creds = credential(ctx, "aws") or {}
    token = str(creds.get("sessionToken") or "").strip() if creds.get("temporaryCredentials") else None
    override = ctx.state.services.base_urls.get("awsSes")
    return SesApi(ctx, js_str(creds.get("accessKeyId") or "").strip(),
                  js_str(creds.get("secretAccessKey") or "").strip(), token or None,
                  str(creds.get("region") or "us-east-1"), override.rstrip("/") if override else None)


@register("n8n-nodes-base.awsSes", versions=(1,), display_name="AWS SES")
def aws_ses(ctx: NodeContext) -> NodeOutput:
    resource = ctx.param("resource", 0, "email")
    operation = ctx.param("operation", 0, _DEFAULT_OPERATION.get(resource, "create"))
    handler = OPERATIONS.get((resource, operation))
    if handler is None:
        raise unsupported(DISPLAY, resource, operation)
    api = ses_api(ctx)
    return [per_item(ctx, lambda i, item: handler(ctx, api, i))]
