"""Send Email (v1, v2, 2.1) over SMTP with smtplib; the output is nodemailer's ``sendMail`` info
(``accepted``, ``rejected``, ``ehlo``, ``envelopeTime``, ``messageTime``, ``messageSize``,
``response``, ``envelope``, ``messageId``).
"""

from __future__ import annotations

import smtplib
import ssl
import time
from email.utils import getaddresses, make_msgid
from typing import Any

from automatelanka.engine import binary as binmod
from automatelanka.engine.errors import NodeApiError, NodeError
from automatelanka.engine.items import Item, NodeOutput
from automatelanka.engine.nodes import _mail
from automatelanka.engine.nodes._http import credential
from automatelanka.engine.nodes.base import NodeContext, register

ATTRIBUTION = "This email was sent automatically with "
LINK = "https://n8n.io/?utm_source=n8n-internal&utm_medium=powered_by&utm_campaign=n8n-nodes-base.emailSend"


def mail_string(value: Any) -> str:
    """``toMailString``: strings as they are, other values as JSON-ish text."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    import json

    return json.dumps(value) if isinstance(value, (dict, list)) else str(value)


def send(fields: dict[str, Any], options: dict[str, Any], message: Any, sender: str,
         recipients: list[str]) -> dict[str, Any]:
    """Deliver ``message``; nodemailer's info dict."""
    host = fields.get("host") or "localhost"
    port = int(fields.get("port") or (465 if fields.get("secure") else 587))
    context = ssl.create_default_context()
    if options.get("allowUnauthorizedCerts"):
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    local = fields.get("hostName") or None
    started = time.monotonic()
    smtp: smtplib.SMTP
    if fields.get("secure"):
        smtp = smtplib.SMTP_SSL(host, port, local_hostname=local, context=context, timeout=60)
    else:
        smtp = smtplib.SMTP(host, port, local_hostname=local, timeout=60)
    try:
        smtp.ehlo()
        if not fields.get("secure") and not fields.get("disableStartTls") and smtp.has_extn("starttls"):
            smtp.starttls(context=context)
            smtp.ehlo()
        ehlo = [name.upper() for name in smtp.esmtp_features]
        if fields.get("user") or fields.get("password"):
            smtp.login(str(fields.get("user") or ""), str(fields.get("password") or ""))
        data = message.as_bytes()
        envelope_time = int((time.monotonic() - started) * 1000)
        sent_at = time.monotonic()
        smtp.mail(sender)
        rejected = []
        for rcpt in recipients:
            code, _ = smtp.rcpt(rcpt)
            if code not in (250, 251):
                rejected.append(rcpt)
        if len(rejected) == len(recipients):
            raise smtplib.SMTPRecipientsRefused({r: (550, b"rejected") for r in rejected})
        code, reply = smtp.data(data)
        message_time = int((time.monotonic() - sent_at) * 1000)
    finally:
        try:
            smtp.quit()
        except smtplib.SMTPException:
            smtp.close()
    return {"accepted": [r for r in recipients if r not in rejected], "rejected": rejected, "ehlo": ehlo,
            "envelopeTime": envelope_time, "messageTime": message_time, "messageSize": len(data),
            "response": f"{code} {reply.decode(errors='replace')}", "envelope": {"from": sender, "to": recipients},
            "messageId": message["Message-ID"]}


def _addresses(*values: str) -> list[str]:
    return [addr for _, addr in getaddresses([v for v in values if v]) if addr]


@register("n8n-nodes-base.emailSend", versions=(1, 2, 2.1), display_name="Send Email")
@register("n8n-nodes-base.emailSendTool", versions=(2.1,), display_name="Send Email Tool")
def email_send(ctx: NodeContext) -> NodeOutput:
    version = ctx.node.type_version
    fields = credential(ctx, "smtp") or {}
    out: list[Item] = []
    for i, item in enumerate(ctx.input(0)):
        try:
            if ctx.param("operation", 0, "send") not in ("send",):
                raise ctx.error(f"Send Email: operation 'email/{ctx.param('operation', 0)}' is not supported yet")
            info = _send_one(ctx, fields, item, i, version)
        except (NodeError, smtplib.SMTPException, OSError) as exc:
            message = exc.message if isinstance(exc, NodeError) else _smtp_message(exc)
            if ctx.continue_on_fail:
                out.append({"json": {"error": message}, "pairedItem": {"item": i}})
                continue
            if isinstance(exc, NodeError):
                raise
            raise NodeApiError(message, item_index=i) from None
        out.append({"json": info, "pairedItem": {"item": i}})
    return [out]


def _smtp_message(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{exc.smtp_code} {exc.smtp_error.decode(errors='replace') if isinstance(exc.smtp_error, bytes) else exc.smtp_error}"
    if isinstance(exc, ConnectionRefusedError):
        return f"connect ECONNREFUSED {exc}"
    return str(exc) or type(exc).__name__


def _send_one(ctx: NodeContext, fields: dict[str, Any], item: Item, i: int, version: float) -> dict[str, Any]:
    options = ctx.param("options", i, {}) or {}
    if version < 2:
        cc, bcc = mail_string(ctx.param("ccEmail", i, "")), mail_string(ctx.param("bccEmail", i, ""))
        text, html = ctx.param("text", i, ""), ctx.param("html", i, "")
        attachments_param = ctx.param("attachments", i, "")
    else:
        cc, bcc = mail_string(options.get("ccEmail")), mail_string(options.get("bccEmail"))
        fmt = ctx.param("emailFormat", i, "html" if version >= 2.1 else "text")
        text = mail_string(ctx.param("text", i, "")) if fmt in ("text", "both") else None
        html = mail_string(ctx.param("html", i, "")) if fmt in ("html", "both") else None
        attribution = options.get("appendAttribution")
        if attribution is None:
            attribution = version >= 2.1
        if attribution:
            if fmt == "html" or (fmt == "both" and html):
                html = (f"\n\t\t\t\t\t{html}\n\t\t\t\t\t<br>\n\t\t\t\t\t<br>\n\t\t\t\t\t---\n\t\t\t\t\t<br>\n"
                        f'\t\t\t\t\t<em>{ATTRIBUTION}<a href="{LINK}" target="_blank">n8n</a></em>\n\t\t\t\t\t')
            else:
                text = f"{text if text is not None else 'undefined'}\n\n---\n{ATTRIBUTION}n8n\nhttps://n8n.io"
        attachments_param = options.get("attachments", "")
    sender = mail_string(ctx.param("fromEmail", i, ""))
    to = mail_string(ctx.param("toEmail", i, ""))
    attachments = []
    if attachments_param and item.get("binary"):
        for name in str(attachments_param).split(","):
            entry = binmod.assert_binary(item, name.strip(), i)
            attachments.append((entry.get("fileName") or "unknown", binmod.binary_bytes(entry),
                                entry.get("mimeType") or "application/octet-stream"))
    domain = (_addresses(sender) or ["localhost@localhost"])[0].split("@")[-1]
    message = _mail.compose(from_=sender, to=to, cc=cc, reply_to=mail_string(options.get("replyTo")),
                            subject=mail_string(ctx.param("subject", i, "")), text=text or None, html=html or None,
                            attachments=attachments, extra_headers={"Message-ID": make_msgid(domain=domain)})
    recipients = _addresses(to, cc, bcc)
    if not recipients:
        raise ctx.error("No recipients defined", i)
    envelope_from = (_addresses(sender) or [""])[0]
    return send(fields, options, message, envelope_from, recipients)
