"""Email helpers shared by Gmail, Send Email and Email Trigger (IMAP).

- :func:`compose`: an RFC 822 message (text/html alternatives, attachments, cc/bcc kept).
- :func:`parse`: a parsed message shaped like mailparser's ``simpleParser`` result as n8n
  serialises it (``headers``, ``text``, ``html``, ``textAsHtml``, ``subject``, ``date``,
  address objects ``{value:[{address,name}], html, text}``, ``messageId``...), plus the
  attachments separately.
"""

from __future__ import annotations

import html as html_lib
import re
from datetime import UTC
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime
from typing import Any

_FOLD = re.compile(r"\r?\n")
_LINK = re.compile(r"(https?://[^\s<>\"]+|www\.[^\s<>\"]+)")


def compose(*, from_: str = "", to: str = "", cc: str = "", bcc: str = "", reply_to: str = "",
            subject: str = "", text: str | None = None, html: str | None = None,
            attachments: list[tuple[str, bytes, str]] | None = None, in_reply_to: str = "",
            references: str = "", extra_headers: dict[str, str] | None = None) -> EmailMessage:
    """An email like nodemailer's MailComposer builds (Bcc kept, as n8n asks with keepBcc)."""
    msg = EmailMessage(policy=policy.SMTP)
    for name, value in (("From", from_), ("To", to), ("Cc", cc), ("Bcc", bcc), ("Reply-To", reply_to),
                        ("In-Reply-To", in_reply_to), ("References", references)):
        value = (value or "").strip().rstrip(",").strip()
        if value:
            msg[name] = value
    msg["Subject"] = subject or ""
    for name, value in (extra_headers or {}).items():
        msg[name] = value
    if html:
        if text:
            msg.set_content(text)
            msg.add_alternative(html, subtype="html")
        else:
            msg.set_content(html, subtype="html")
    else:
        msg.set_content(text or "")
    for name, data, mime in attachments or []:
        maintype, _, subtype = (mime or "application/octet-stream").partition("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype or "octet-stream", filename=name)
    return msg


def _address_object(value: str) -> dict[str, Any]:
    pairs = getaddresses([value])
    entries = [{"address": addr, "name": name} for name, addr in pairs if addr or name]
    html_parts, text_parts = [], []
    for entry in entries:
        h = '<span class="mp_address_group">'
        t = ""
        if entry["name"]:
            h += f'<span class="mp_address_name">{html_lib.escape(entry["name"])}</span>'
            t += f'"{entry["name"]}"'
        if entry["address"]:
            link = (f'<a href="mailto:{html_lib.escape(entry["address"])}" class="mp_address_email">'
                    f'{html_lib.escape(entry["address"])}</a>')
            h += f" &lt;{link}&gt;" if entry["name"] else link
            t += f' <{entry["address"]}>' if entry["name"] else entry["address"]
        html_parts.append(h + "</span>")
        text_parts.append(t)
    return {"value": entries, "html": ", ".join(html_parts), "text": ", ".join(text_parts)}


_HE_ASCII = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;", "`": "&grave;"}


def he_encode(text: str) -> str:
    """``he.encode(text, {useNamedReferences: true})``: markup characters and non-ASCII as entities."""
    from html.entities import codepoint2name

    out = []
    for ch in text:
        if ch in _HE_ASCII:
            out.append(_HE_ASCII[ch])
        elif ord(ch) > 0x7E:
            name = codepoint2name.get(ord(ch))
            out.append(f"&{name};" if name else f"&#x{ord(ch):X};")
        else:
            out.append(ch)
    return "".join(out)


def text_to_html(text: str) -> str:
    """mailparser's textToHtml: escaped, links made anchors, paragraphs and line breaks."""
    parts, last = [], 0
    for match in _LINK.finditer(text):
        parts.append(he_encode(text[last:match.start()]))
        url = match.group(0)
        href = url if url.startswith("http") else f"http://{url}"
        parts.append(f'<a href="{href.replace(chr(34), "&quot;")}">{he_encode(url)}</a>')
        last = match.end()
    parts.append(he_encode(text[last:]))
    encoded = "".join(parts).replace("\r\n", "\n").strip()
    encoded = re.sub(r"[ \t]+$", "", encoded, flags=re.M).strip()
    encoded = re.sub(r"\n\n+", "</p><p>", encoded).strip().replace("\n", "<br/>")
    return f"<p>{encoded}</p>"


def _html_to_text(value: str) -> str:
    value = re.sub(r"(?is)<(script|style).*?</\1>", "", value)
    value = re.sub(r"(?i)<br\s*/?>|</p>|</div>", "\n", value)
    return html_lib.unescape(re.sub(r"<[^>]+>", "", value)).strip()


def parse(raw: bytes) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(mail json as mailparser gives it, attachments ``[{filename, contentType, content}]``)."""
    msg: Message = BytesParser(policy=policy.default).parsebytes(raw)
    mail: dict[str, Any] = {}
    headers: dict[str, str] = {}
    for name, value in msg.raw_items():
        headers[name.lower()] = name + ": " + _FOLD.sub("", str(value))
    text_body: str | None = None
    html_body: str | None = None
    attachments: list[dict[str, Any]] = []
    for part in msg.walk():
        if part.is_multipart():
            continue
        disposition = part.get_content_disposition()
        ctype = part.get_content_type()
        if disposition == "attachment" or (disposition == "inline" and part.get_filename()) or \
                ctype not in ("text/plain", "text/html"):
            attachments.append({"filename": part.get_filename(), "contentType": ctype,
                                "content": part.get_payload(decode=True) or b""})
            continue
        content = re.sub(r"\r?\n", "\n", part.get_content())  # mailparser normalises line endings
        if ctype == "text/html":
            html_body = content if html_body is None else html_body + "<br/>\n" + content
        else:
            text_body = content if text_body is None else text_body + "\n" + content
    mail["attachments"] = attachments
    mail["headers"] = headers
    if text_body is None and html_body is not None:
        text_body = _html_to_text(html_body)
    if text_body is not None:
        mail["text"] = text_body
        mail["textAsHtml"] = text_to_html(text_body)
    if msg["Subject"] is not None:
        mail["subject"] = str(msg["Subject"])
    if msg["References"] is not None:
        refs = str(msg["References"]).split()
        mail["references"] = refs[0] if len(refs) == 1 else refs
    if msg["Date"] is not None:
        try:
            mail["date"] = parsedate_to_datetime(str(msg["Date"]))
        except (TypeError, ValueError):
            mail["date"] = None
    for key, name in (("to", "To"), ("from", "From"), ("cc", "Cc"), ("bcc", "Bcc")):
        if msg[name] is not None:
            mail[key] = _address_object(str(msg[name]))
    if msg["Message-ID"] is not None:
        mail["messageId"] = str(msg["Message-ID"]).strip()
    if msg["In-Reply-To"] is not None:
        mail["inReplyTo"] = str(msg["In-Reply-To"]).strip()
    if msg["Reply-To"] is not None:
        mail["replyTo"] = _address_object(str(msg["Reply-To"]))
    mail["html"] = html_body if html_body else False
    return mail, attachments


def iso_date(value: Any) -> Any:
    """A parsed date as JavaScript's ``toISOString()``."""
    if hasattr(value, "astimezone"):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        value = value.astimezone(UTC)
        return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"
    return value


def email_list(value: str, field: str) -> str:
    """n8n's prepareEmailsInput: ``<a@b>, `` per bare address; raises ValueError for a bad one."""
    out = ""
    for entry in str(value).split(","):
        email = entry.strip()
        if "@" not in email:
            raise ValueError(f"The email address '{email}' in the '{field}' field isn't valid")
        out += f"{email}," if "<" in email and ">" in email else f"<{email}>, "
    return out


__all__ = ["compose", "email_list", "iso_date", "parse", "text_to_html"]
