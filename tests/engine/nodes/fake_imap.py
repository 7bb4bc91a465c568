"""A scripted IMAP4rev1 server on 127.0.0.1 for the Email Trigger (IMAP) tests.

Supports what the node sends: CAPABILITY, LOGIN, SELECT, UID SEARCH (ALL, SEEN, UNSEEN, UID ranges,
SINCE, FROM), UID FETCH (``BODY[]``/``BODY.PEEK[]``), UID STORE ``+FLAGS (\\Seen)``, LOGOUT.
Every command line is recorded in ``commands``.
"""

from __future__ import annotations

import re
import socketserver
import threading
from dataclasses import dataclass, field


@dataclass
class Message:
    uid: int
    raw: bytes
    flags: set[str] = field(default_factory=set)


class FakeImap:
    def __init__(self, user: str = "me@example.com", password: str = "secret") -> None:
        self.user, self.password = user, password
        self.mailboxes: dict[str, list[Message]] = {"INBOX": []}
        self.uid_next = 1
        self.commands: list[str] = []
        outer = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                outer._session(self)

        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    def add(self, raw: bytes, mailbox: str = "INBOX", seen: bool = False) -> int:
        uid = self.uid_next
        self.uid_next += 1
        self.mailboxes.setdefault(mailbox, []).append(Message(uid, raw, {"\\Seen"} if seen else set()))
        return uid

    def __enter__(self) -> FakeImap:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    # -- protocol ----------------------------------------------------------------------------------

    def _session(self, h: socketserver.StreamRequestHandler) -> None:
        def send(line: str | bytes) -> None:
            h.wfile.write(line if isinstance(line, bytes) else line.encode())
            h.wfile.flush()

        send("* OK fake IMAP ready\r\n")
        box: list[Message] | None = None
        while True:
            line = h.rfile.readline()
            if not line:
                return
            text = line.decode().rstrip("\r\n")
            self.commands.append(text)
            tag, _, rest = text.partition(" ")
            command, _, args = rest.partition(" ")
            command = command.upper()
            if command == "CAPABILITY":
                send("* CAPABILITY IMAP4rev1\r\n" f"{tag} OK done\r\n")
            elif command == "LOGIN":
                user, password = [a.strip('"') for a in args.split(" ", 1)]
                if (user, password) == (self.user, self.password):
                    send(f"{tag} OK logged in\r\n")
                else:
                    send(f"{tag} NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)\r\n")
            elif command == "SELECT":
                name = args.strip('"')
                if name not in self.mailboxes:
                    send(f"{tag} NO Mailbox doesn't exist: {name}\r\n")
                    continue
                box = self.mailboxes[name]
                send(f"* {len(box)} EXISTS\r\n* 0 RECENT\r\n* OK [UIDVALIDITY 1] UIDs valid\r\n"
                     f"* OK [UIDNEXT {self.uid_next}] Predicted next UID\r\n{tag} OK [READ-WRITE] selected\r\n")
            elif command == "UID" and box is not None:
                sub, _, params = args.partition(" ")
                sub = sub.upper()
                if sub == "SEARCH":
                    found = [m.uid for m in box if _matches(m, params, box)]
                    send(f"* SEARCH {' '.join(map(str, found))}\r\n".replace(" \r", "\r") + f"{tag} OK done\r\n")
                elif sub == "FETCH":
                    uid_set, _, what = params.partition(" ")
                    wanted = _uids(uid_set, box)
                    for seq, msg in enumerate(box, 1):
                        if msg.uid in wanted:
                            if "PEEK" not in what.upper():
                                msg.flags.add("\\Seen")
                            send(f"* {seq} FETCH (UID {msg.uid} BODY[] {{{len(msg.raw)}}}\r\n".encode() + msg.raw
                                 + b")\r\n")
                    send(f"{tag} OK done\r\n")
                elif sub == "STORE":
                    uid_set, _, flags = params.partition(" ")
                    for msg in box:
                        if msg.uid in _uids(uid_set, box) and "\\SEEN" in flags.upper():
                            msg.flags.add("\\Seen")
                    send(f"{tag} OK done\r\n")
                else:
                    send(f"{tag} BAD unknown UID command\r\n")
            elif command == "LOGOUT":
                send(f"* BYE\r\n{tag} OK bye\r\n")
                return
            else:
                send(f"{tag} BAD unsupported {command}\r\n")


def _uids(uid_set: str, box: list[Message]) -> set[int]:
    top = max((m.uid for m in box), default=0)
    out: set[int] = set()
    for part in uid_set.split(","):
        if ":" in part:
            lo, hi = part.split(":")
            lo_n = int(lo)
            hi_n = top if hi == "*" else int(hi)
            lo_n, hi_n = min(lo_n, hi_n), max(lo_n, hi_n)  # n:* includes the highest UID (RFC 3501)
            out.update(range(lo_n, hi_n + 1))
        elif part:
            out.add(top if part == "*" else int(part))
    return out


def _matches(msg: Message, query: str, box: list[Message]) -> bool:
    tokens = re.findall(r'"(?:[^"\\]|\\.)*"|\S+', query)
    i = 0
    while i < len(tokens):
        token = tokens[i].upper()
        if token == "UNSEEN" and "\\Seen" in msg.flags:
            return False
        if token == "SEEN" and "\\Seen" not in msg.flags:
            return False
        if token == "UID":
            i += 1
            if msg.uid not in _uids(tokens[i], box):
                return False
        elif token in ("SINCE", "BEFORE", "ON"):
            i += 1  # every message is "today"
        elif token == "FROM":
            i += 1
            wanted = tokens[i].strip('"').lower()
            if wanted not in msg.raw.split(b"\r\n\r\n")[0].decode().lower():
                return False
        i += 1
    return True
