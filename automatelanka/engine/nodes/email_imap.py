"""Email Trigger (IMAP) v1, v2, v2.1: new messages of a mailbox as items (imaplib).

n8n keeps an IMAP connection open and searches on every "new mail" event; here the platform polls
(:func:`poll_imap`, registered in ``_poll.POLLERS``): each poll logs in, SELECTs the mailbox and, when
the mailbox got new mail since the last poll (its UIDNEXT grew; always on the first poll and in
manual mode), runs n8n's search: ``["UNSEEN"]`` or the ``customEmailConfig`` criteria (node-imap's
array syntax), plus ``UID <last>:*`` once a last UID is known (v1, and v2.1 with "Fetch Only New
Emails") or ``SINCE <today>`` (v2.1 before the first message). Messages are shaped per ``format``:

- ``simple``: ``{textHtml, textPlain, metadata, attributes: {uid} (v2+), cc, date, from, subject, to}``
  with the header values as node-imap parses them; attachments as binary with ``downloadAttachments``;
- ``resolved``: mailparser's view (see :mod:`_mail`), attachments always as binary;
- ``raw``: ``{raw: <the message body after the headers>}``.

``postProcessAction: read`` flags every found message ``\\Seen`` (UID STORE). v2.1 fetches in
batches of 20 as n8n does; the batches are returned together. The cursor lives in the node's
static data: ``lastMessageUid`` (as n8n) and ``uidNext`` (the poll's new-mail check).
"""

from __future__ import annotations

import contextlib
import imaplib
import json
import re
import socket
import ssl
from datetime import datetime
from email import message_from_bytes
from email.header import decode_header
from email.message import Message
from typing import Any

from automatelanka.engine import binary as binmod
from automatelanka.engine.errors import NodeError
from automatelanka.engine.items import Item, NodeOutput
from automatelanka.engine.nodes import _http, _mail
from automatelanka.engine.nodes._poll import node_static, poller, trigger_handler
from automatelanka.engine.nodes.base import NodeContext, register

TYPE = "n8n-nodes-base.emailReadImap"
VERSIONS = (1, 2, 2.1)
BATCH_SIZE = 20
TOP_LEVEL = ("cc", "date", "from", "subject", "to")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_FLAGS = {"ALL", "ANSWERED", "DELETED", "DRAFT", "FLAGGED", "NEW", "SEEN", "RECENT", "OLD", "UNANSWERED",
          "UNDELETED", "UNDRAFT", "UNFLAGGED", "UNSEEN"}
_DATE_KEYS = {"BEFORE", "ON", "SINCE", "SENTBEFORE", "SENTON", "SENTSINCE"}
_ENCODED_WORD = re.compile(r"=\?([^?]+)\?([bBqQ])\?([^?]*)\?=")


@register(TYPE, versions=VERSIONS, trigger=True, inputs=0, display_name="Email Trigger (IMAP)")
def email_read_imap(ctx: NodeContext) -> NodeOutput:
    """Manual mode searches now; other modes pass the platform's seed through."""
    return trigger_handler(ctx)


# -- search criteria ----------------------------------------------------------------------------------


def _quote(value: Any) -> str:
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def _imap_date(value: Any) -> str:
    """node-imap's search date: ``d-Mon-yyyy`` of ``new Date(value)``."""
    moment = value if isinstance(value, datetime) else None
    text = str(value).strip()
    for fmt in ("%d-%b-%Y", "%Y-%m-%d", "%b %d, %Y", "%d %b %Y", "%B %d, %Y"):
        if moment is not None:
            break
        try:
            moment = datetime.strptime(text, fmt)
        except ValueError:
            continue
    if moment is None:
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise NodeError(f"Search option argument must be a Date object or a parseable date string: {text}") \
                from None
    return f"{moment.day}-{_MONTHS[moment.month - 1]}-{moment.year}"


def build_search(criteria: list[Any]) -> str:
    """node-imap's ``_buildSearchQuery``: criteria (``"UNSEEN"``, ``["FROM", "a@b"]``, ``["OR", x, y]``,
    ``"!SEEN"`` for NOT, nested lists for groups) as an IMAP SEARCH string."""
    parts: list[str] = []
    for criterion in criteria:
        if isinstance(criterion, list) and criterion and isinstance(criterion[0], list):
            parts.append(f"({build_search(criterion)})")
            continue
        if isinstance(criterion, list):
            name, args = str(criterion[0]), criterion[1:]
        elif isinstance(criterion, str):
            name, args = criterion, []
        else:
            raise NodeError(f"Unexpected search option data type. Expected string or array. Got: {criterion!r}")
        negate = name.startswith("!")
        key = name.lstrip("!").upper()
        prefix = "NOT " if negate else ""
        if key in _FLAGS:
            parts.append(prefix + key)
        elif key in ("BCC", "BODY", "CC", "FROM", "SUBJECT", "TEXT", "TO"):
            if not args:
                raise NodeError(f"Incorrect number of arguments for search option: {key}")
            parts.append(f"{prefix}{key} {_quote(args[0])}")
        elif key in _DATE_KEYS:
            if not args:
                raise NodeError(f"Incorrect number of arguments for search option: {key}")
            parts.append(f"{prefix}{key} {_imap_date(args[0])}")
        elif key in ("KEYWORD", "UNKEYWORD"):
            parts.append(f"{prefix}{key} {args[0]}")
        elif key in ("LARGER", "SMALLER"):
            parts.append(f"{prefix}{key} {int(args[0])}")
        elif key == "HEADER":
            parts.append(f"{prefix}HEADER {_quote(args[0])} {_quote(args[1] if len(args) > 1 else '')}")
        elif key == "UID":
            uids = args[0] if len(args) == 1 else args
            text = ",".join(str(u) for u in uids) if isinstance(uids, list) else str(uids)
            parts.append(f"{prefix}UID {text}")
        elif key == "OR":
            if len(args) != 2:
                raise NodeError("OR must have exactly two arguments")
            left = build_search(args[0] if isinstance(args[0], list) and args[0] and
                                isinstance(args[0][0], list) else [args[0]])
            right = build_search(args[1] if isinstance(args[1], list) and args[1] and
                                 isinstance(args[1][0], list) else [args[1]])
            parts.append(f"{prefix}OR ({left}) ({right})")
        else:
            raise NodeError(f"Unexpected search option: {key}")
    return " ".join(parts)


# -- connection ----------------------------------------------------------------------------------------


def _text(data: Any) -> str:
    if isinstance(data, list):
        data = b" ".join(d for d in data if isinstance(d, bytes))
    return data.decode("utf-8", "replace") if isinstance(data, bytes) else str(data)


class Mailbox:
    """One IMAP session: login, select, UID SEARCH/FETCH/STORE."""

    def __init__(self, ctx: NodeContext, fields: dict[str, Any], allow_unauthorized: bool) -> None:
        host = str(fields.get("host") or "").strip()
        port = int(fields.get("port") or 993)
        try:
            if fields.get("secure"):
                context = ssl.create_default_context()
                if allow_unauthorized:
                    context.check_hostname = False
                    context.verify_mode = ssl.CERT_NONE
                self.conn: imaplib.IMAP4 = imaplib.IMAP4_SSL(host, port, ssl_context=context, timeout=20)
            else:
                self.conn = imaplib.IMAP4(host, port, timeout=20)
        except ConnectionRefusedError:
            raise NodeError(f"connect ECONNREFUSED {host}:{port}") from None
        except socket.gaierror:
            raise NodeError(f"getaddrinfo ENOTFOUND {host}") from None
        except TimeoutError:
            raise NodeError("Timed out while connecting to server") from None
        except (OSError, imaplib.IMAP4.error) as exc:
            raise NodeError(str(exc) or exc.__class__.__name__) from None
        try:
            self.conn.login(str(fields.get("user") or ""), str(fields.get("password") or ""))
        except imaplib.IMAP4.error as exc:
            self.close()
            raise NodeError(_server_text(exc)) from None

    def select(self, mailbox: str) -> int | None:
        """SELECT ``mailbox``; its UIDNEXT (None when the server does not say)."""
        status, data = self.conn.select(_mailbox_name(mailbox))
        if status != "OK":
            raise NodeError(_text(data) or f"Could not open mailbox {mailbox}")
        uid_next = self.conn.untagged_responses.get("UIDNEXT") or []
        try:
            return int(_text(uid_next[-1])) if uid_next else None
        except ValueError:
            return None

    def search(self, query: str) -> list[int]:
        status, data = self.conn.uid("SEARCH", query)
        if status != "OK":
            raise NodeError(_text(data))
        return [int(x) for x in _text(data).split() if x.isdigit()]

    def fetch(self, uids: list[int]) -> dict[int, bytes]:
        """Whole messages by UID (``BODY.PEEK[]``: the fetch does not mark them read)."""
        status, data = self.conn.uid("FETCH", ",".join(str(u) for u in uids), "(UID BODY.PEEK[])")
        if status != "OK":
            raise NodeError(_text(data))
        out: dict[int, bytes] = {}
        for entry in data:
            if isinstance(entry, tuple) and len(entry) >= 2:
                match = re.search(rb"UID (\d+)", entry[0])
                if match:
                    out[int(match.group(1))] = entry[1]
        return out

    def mark_seen(self, uids: list[int]) -> None:
        status, data = self.conn.uid("STORE", ",".join(str(u) for u in uids), "+FLAGS", "(\\Seen)")
        if status != "OK":
            raise NodeError(_text(data))

    def close(self) -> None:
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            self.conn.logout()


def _server_text(exc: Exception) -> str:
    text = str(exc)
    match = re.fullmatch(r"b'(.*)'", text) or re.fullmatch(r'b"(.*)"', text)
    text = match.group(1) if match else text
    return re.sub(r"^\[[A-Z-]+\]\s*", "", text)


def _mailbox_name(name: str) -> str:
    return _quote(name) if re.search(r'[\s"\\(){%*]', name) else name


# -- message shaping -----------------------------------------------------------------------------------


def decode_words(value: str) -> str:
    """Decode RFC 2047 encoded words (whitespace between adjacent ones dropped)."""
    value = re.sub(r"(\?=)\s+(=\?)", r"\1\2", value)

    def one(match: re.Match[str]) -> str:
        try:
            (data, charset), = decode_header(match.group(0))
            if isinstance(data, bytes):
                return data.decode(charset or "utf-8", "replace")
            return str(data)
        except (LookupError, ValueError):
            return match.group(0)

    return _ENCODED_WORD.sub(one, value)


def parse_header(block: str) -> dict[str, list[str]]:
    """node-imap's ``parseHeader``: lower-case names, each a list of (decoded) values."""
    header: dict[str, list[str]] = {}
    name = None
    for line in re.split(r"\r?\n", block):
        if not line:
            break
        if line[0] in " \t" and name is not None:
            header[name][-1] += line
            continue
        match = re.match(r"^([^:]+):[ \t]?(.+)?$", line)
        if not match:
            break
        name = match.group(1).lower().strip()
        header.setdefault(name, []).append(match.group(2) or "")
    return {k: [decode_words(v) for v in values] for k, values in header.items()}


def split_message(raw: bytes) -> tuple[str, str]:
    """(header block, body text) as IMAP's ``HEADER`` and ``TEXT`` sections give them."""
    text = raw.decode("utf-8", "replace")
    match = re.search(r"\r?\n\r?\n", text)
    if not match:
        return text, ""
    return text[:match.start()], text[match.end():]


def _leaf_parts(msg: Message) -> list[Message]:
    return [part for part in msg.walk() if not part.is_multipart()]


def _part_text(part: Message) -> str:
    """A text part decoded as @n8n/imap's PartData does (no charset: QP bytes as Latin-1)."""
    encoding = str(part.get("Content-Transfer-Encoding") or "7bit").strip().upper()
    raw = part.get_payload(decode=False)
    raw = raw if isinstance(raw, str) else ""
    if encoding == "BASE64":
        data = part.get_payload(decode=True) or b""
        return data.decode("utf-8", "replace")
    if encoding == "QUOTED-PRINTABLE":
        return (part.get_payload(decode=True) or b"").decode("latin-1")
    if encoding == "7BIT":
        return "".join(chr(b & 0x7F) for b in raw.encode("utf-8", "surrogateescape"))
    return raw


def _first_text(parts: list[Message], subtype: str) -> str:
    for part in parts:
        if part.get_content_maintype().upper() == "TEXT" and part.get_content_subtype().upper() == subtype.upper():
            return _part_text(part)
    return ""


def _attachment_name(part: Message) -> str | None:
    name = part.get_filename()
    if name and re.search(r"=\?([\w-]+)\?Q\?.*\?=", name, re.I):
        return decode_words(name)
    return name


def simple_item(ctx: NodeContext, uid: int, raw: bytes, download: bool, prefix: str) -> Item:
    msg = message_from_bytes(raw)
    parts = _leaf_parts(msg)
    json_: dict[str, Any] = {"textHtml": _first_text(parts, "html"), "textPlain": _first_text(parts, "plain"),
                             "metadata": {}}
    if ctx.node.type_version >= 2:
        json_["attributes"] = {"uid": uid}
    header_block, _ = split_message(raw)
    for name, values in parse_header(header_block).items():
        if values:
            if name in TOP_LEVEL:
                json_[name] = values[0]
            else:
                json_["metadata"][name] = values[0]
    item: Item = {"json": json_}
    if download:
        files = {}
        attachments = [p for p in parts if (p.get_content_disposition() or "").upper() == "ATTACHMENT"]
        for index, part in enumerate(attachments):
            files[f"{prefix}{index}"] = binmod.prepare_binary(part.get_payload(decode=True) or b"",
                                                              _attachment_name(part))
        if files:
            item["binary"] = files
    return item


def resolved_item(ctx: NodeContext, uid: int, raw: bytes, prefix: str) -> Item:
    mail, attachments = _mail.parse(raw)
    json_: dict[str, Any] = {}
    for key, value in mail.items():
        if key == "attachments":
            continue
        json_[key] = _mail.iso_date(value) if key == "date" else value
    json_ = {k: v for k, v in json_.items() if v is not None}
    if ctx.node.type_version >= 2:
        json_["attributes"] = {"uid": uid}
    item: Item = {"json": json_}
    files = {f"{prefix}{i}": binmod.prepare_binary(a["content"], a["filename"], a["contentType"])
             for i, a in enumerate(attachments)}
    if files:
        item["binary"] = files
    return item


# -- polling -------------------------------------------------------------------------------------------


def _criteria(ctx: NodeContext, options: dict[str, Any]) -> list[Any]:
    if options.get("customEmailConfig") is None:
        return ["UNSEEN"]
    try:
        parsed = json.loads(str(options["customEmailConfig"]))
    except ValueError:
        raise ctx.error("Custom email config is not valid JSON.") from None
    if not isinstance(parsed, list):
        raise ctx.error("Custom email config is not valid JSON.")
    return parsed


def _credentials(ctx: NodeContext) -> dict[str, Any]:
    fields = _http.credential(ctx, "imap") or {}
    if ctx.node.type_version >= 2 and any(fields.get(k) is None for k in ("host", "password", "port", "secure",
                                                                             "user")):
        raise ctx.error("Credentials are not valid for imap node.")
    fields.setdefault("port", 993)
    fields.setdefault("secure", True)
    return fields


@poller(TYPE)
def poll_imap(ctx: NodeContext) -> list[Item] | None:
    """New messages since the last poll (None when there are none): see the module docstring."""
    version = ctx.node.type_version
    fields = _credentials(ctx)
    mailbox = str(ctx.param("mailbox", 0, "INBOX"))
    action = ctx.param("postProcessAction", 0, "read")
    options = dict(ctx.param("options", 0, {}) or {})
    fmt = ctx.param("format", 0, "simple")
    static = node_static(ctx)
    if version <= 2 and version != 1:
        static.pop("lastMessageUid", None)
    if options.get("trackLastMessageId") is False:
        static.pop("lastMessageUid", None)
    criteria = _criteria(ctx, options)
    allow = options.get("allowUnauthorizedCerts") is True if version == 1 else bool(fields.get("allowUnauthorizedCerts"))
    box = Mailbox(ctx, fields, allow)
    try:
        uid_next = box.select(mailbox)
        manual = ctx.state.mode == "manual"
        previous = static.get("uidNext")
        if uid_next is not None:
            static["uidNext"] = uid_next
        if not manual and previous is not None and uid_next is not None and uid_next <= previous:
            return None  # no new mail since the last poll: n8n's onMail would not fire
        last = static.get("lastMessageUid")
        if last is not None:
            criteria = [*criteria, ["UID", f"{last}:*"]]
        elif version > 2 and options.get("trackLastMessageId") is not False:
            criteria = [*criteria, ["SINCE", datetime.now().strftime("%d-%b-%Y")]]
        return _fetch_new(ctx, box, criteria, fmt, action, static) or None
    except (imaplib.IMAP4.error, OSError) as exc:
        raise ctx.error(_server_text(exc)) from None
    finally:
        box.close()


def _fetch_new(ctx: NodeContext, box: Mailbox, criteria: list[Any], fmt: str, action: str,
               static: dict[str, Any]) -> list[Item]:
    version = ctx.node.type_version
    limit = BATCH_SIZE if version >= 2.1 else None
    download = bool(ctx.param("downloadAttachments", 0, False)) if fmt == "simple" else False
    prefix = ""
    if fmt == "resolved" or download:
        prefix = str(ctx.param("dataPropertyAttachmentsPrefixName", 0, "attachment_"))
    out: list[Item] = []
    max_uid = 0
    seen: set[int] = set()
    while True:
        if max_uid:
            criteria = [c for c in criteria if not (isinstance(c, list) and c and c[0] in ("UID", "SINCE"))]
            criteria.append(["UID", f"{max_uid}:*"])
        uids = box.search(build_search(criteria))
        if limit and len(uids) > limit:
            uids = uids[:limit]
        fresh = [u for u in uids if u not in seen]
        seen.update(uids)
        messages = box.fetch(fresh) if fresh else {}
        for uid in fresh:
            raw = messages.get(uid)
            last = static.get("lastMessageUid")
            if raw is None or (last is not None and uid <= last):
                continue
            max_uid = max(max_uid, uid)
            if version == 1:
                static["lastMessageUid"] = uid if last is None or last < uid else last
            if fmt == "resolved":
                out.append(resolved_item(ctx, uid, raw, prefix))
            elif fmt == "simple":
                out.append(simple_item(ctx, uid, raw, download, prefix))
            elif fmt == "raw":
                out.append({"json": {"raw": split_message(raw)[1]}})
        if action == "read" and uids:
            box.mark_seen(uids)
        if not limit or len(uids) < limit or not fresh:
            break
    if version >= 2.1 and max_uid > (static.get("lastMessageUid") or 0):
        static["lastMessageUid"] = max_uid
    return out


__all__ = ["build_search", "email_read_imap", "parse_header", "poll_imap"]
